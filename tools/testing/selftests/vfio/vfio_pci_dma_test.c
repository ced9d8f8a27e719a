// SPDX-License-Identifier: GPL-2.0-only
/*
 * A userspace driver end to end: edu's DMA engine and factorial unit
 * driven through vfio-pci, with memory mapped by the type1 IOMMU backend
 * and completion signalled by MSI on an eventfd.
 *
 * Needs VFIO_TYPE1v2_IOMMU; skipped without it.
 */
#include "kselftest_harness.h"
#include "vfio_pci_util.h"

/* edu addresses only 28 bits of DMA; its buffer is 4 KiB. */
#define DMA_IOVA	0x100000ULL
#define DMA_SIZE	0x10000ULL
/* Not 4096: QEMU 7.2's edu aborts on a transfer of exactly that size. */
#define DMA_LEN		2048

FIXTURE(edu) {
	struct vpt_binding binding;
	struct vpt_device dev;
	uint8_t *buf;
	int32_t msi;
	bool mapped;
};

FIXTURE_SETUP(edu)
{
	struct vfio_iommu_type1_dma_map map = {
		.argsz = sizeof(map),
		.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
		.iova = DMA_IOVA,
		.size = DMA_SIZE,
	};
	const char *bdf = vpt_test_device("EDU");
	char why[160];
	uint16_t cmd;
	int ret;

	vpt_device_init(&self->dev);
	self->msi = -1;
	self->buf = MAP_FAILED;
	if (!bdf)
		SKIP(return, "no edu device (VFIO_TEST_EDU)");

	ret = vpt_setup_bind(bdf, &self->binding, why, sizeof(why));
	if (ret > 0)
		SKIP(return, "%s", why);
	ASSERT_EQ(0, ret) TH_LOG("%s", why);

	ret = vpt_open(bdf, &self->dev);
	if (!ret && self->dev.iommu != VFIO_TYPE1v2_IOMMU)
		ret = -EOPNOTSUPP;
	if (ret) {
		vpt_close(&self->dev);
		vpt_unbind(&self->binding);
	}
	if (ret == -EOPNOTSUPP)
		SKIP(return, "no VFIO_TYPE1v2_IOMMU backend");
	ASSERT_EQ(0, ret) TH_LOG("opening %s: %s", bdf, strerror(-ret));

	/* Memory the device may reach, and nothing else */
	self->buf = mmap(NULL, DMA_SIZE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->buf);
	madvise(self->buf, DMA_SIZE, MADV_NOHUGEPAGE);
	memset(self->buf, 0, DMA_SIZE);
	map.vaddr = (uintptr_t)self->buf;
	ASSERT_EQ(0, ioctl(self->dev.container, VFIO_IOMMU_MAP_DMA, &map))
		TH_LOG("VFIO_IOMMU_MAP_DMA: %s", strerror(errno));
	self->mapped = true;

	/* Completion by MSI */
	self->msi = eventfd(0, EFD_CLOEXEC);
	ASSERT_LE(0, self->msi);
	ASSERT_EQ(0, vpt_irq_eventfds(self->dev.fd, VFIO_PCI_MSI_IRQ_INDEX, 0,
				      1, &self->msi));

	/* The device may master the bus only when its user says so. */
	cmd = vpt_cfg_read16(&self->dev, PCI_COMMAND);
	ASSERT_EQ(0, vpt_cfg_write16(&self->dev, PCI_COMMAND,
				     cmd | PCI_COMMAND_MASTER));
}

FIXTURE_TEARDOWN(edu)
{
	struct vfio_iommu_type1_dma_unmap unmap = {
		.argsz = sizeof(unmap),
		.iova = DMA_IOVA,
		.size = DMA_SIZE,
	};

	if (self->dev.fd >= 0)
		vpt_irq_disable(self->dev.fd, VFIO_PCI_MSI_IRQ_INDEX);
	if (self->mapped)
		ioctl(self->dev.container, VFIO_IOMMU_UNMAP_DMA, &unmap);
	if (self->msi >= 0)
		close(self->msi);
	vpt_close(&self->dev);
	if (self->buf != MAP_FAILED)
		munmap(self->buf, DMA_SIZE);
	vpt_unbind(&self->binding);
}

static int edu_write64(struct vpt_device *d, off_t reg, uint64_t val)
{
	return pwrite(d->fd, &val, sizeof(val), REGION_OFFSET(0) + reg) ==
	       sizeof(val) ? 0 : -1;
}

/* Run one DMA and wait for its MSI.  Return: 0, or -1 on timeout. */
static int edu_dma(struct vpt_device *d, int msi, uint64_t src, uint64_t dst,
		   uint32_t cmd)
{
	if (edu_write64(d, EDU_DMA_SRC, src) ||
	    edu_write64(d, EDU_DMA_DST, dst) ||
	    edu_write64(d, EDU_DMA_COUNT, DMA_LEN) ||
	    edu_write64(d, EDU_DMA_CMD, cmd | EDU_DMA_START | EDU_DMA_IRQ))
		return -1;
	if (vpt_eventfd_wait(msi, EVENT_TIMEOUT_MS) <= 0)
		return -1;
	return vpt_bar_write32(d, 0, EDU_IRQ_ACK, EDU_DMA_IRQ_VALUE);
}

TEST_F(edu, dma_round_trip)
{
	uint8_t *out = self->buf, *back = self->buf + 0x8000;
	int i;

	for (i = 0; i < DMA_LEN; i++)
		out[i] = i * 7 + 3;

	/* RAM to the device's buffer, and back to another place in RAM */
	ASSERT_EQ(0, edu_dma(&self->dev, self->msi, DMA_IOVA, EDU_DMA_BUF, 0))
		TH_LOG("no MSI for the DMA to the device");
	ASSERT_EQ(0, edu_dma(&self->dev, self->msi, EDU_DMA_BUF,
			     DMA_IOVA + 0x8000, EDU_DMA_TO_RAM))
		TH_LOG("no MSI for the DMA from the device");
	EXPECT_EQ(0, memcmp(out, back, DMA_LEN));
	/* Nothing beyond what was asked for was written. */
	EXPECT_EQ(0, back[DMA_LEN]);
}

TEST_F(edu, factorial_with_msi)
{
	/* Ask for an interrupt when done, then start with the operand. */
	ASSERT_EQ(0, vpt_bar_write32(&self->dev, 0, EDU_STATUS,
				     EDU_STATUS_IRQFACT));
	ASSERT_EQ(0, vpt_bar_write32(&self->dev, 0, EDU_FACTORIAL, 10));
	ASSERT_LT(0, vpt_eventfd_wait(self->msi, EVENT_TIMEOUT_MS));
	EXPECT_EQ(3628800, vpt_bar_read32(&self->dev, 0, EDU_FACTORIAL));
	EXPECT_EQ(0, vpt_bar_read32(&self->dev, 0, EDU_STATUS) &
		     EDU_STATUS_COMPUTING);
	EXPECT_EQ(0, vpt_bar_write32(&self->dev, 0, EDU_IRQ_ACK,
				     vpt_bar_read32(&self->dev, 0,
						    EDU_IRQ_STATUS)));
}

TEST_HARNESS_MAIN
