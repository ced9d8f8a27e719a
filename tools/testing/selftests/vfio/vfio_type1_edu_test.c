// SPDX-License-Identifier: GPL-2.0-only
/*
 * Real DMA through type1 mappings: QEMU's edu device copies between its
 * internal buffer and IOVAs we map, so what the IOMMU translates can be
 * checked byte for byte.  The device's registers are reached through
 * vfio-pci (BAR0 with pread/pwrite), so these tests skip unless an edu
 * device (1234:11e8) is bound to vfio-pci.
 *
 * QEMU 7.2's edu, see FACTS.md: it aborts QEMU on a DMA of exactly 4096
 * bytes, addresses only 28 bits, and completes a DMA on a timer (~100 ms).
 * A DMA to an IOVA that is not mapped is refused by the IOMMU (a DMAR
 * fault in the kernel log is expected) and must leave memory alone.
 */
#include <sys/mman.h>
#include <time.h>

#include "type1_util.h"

#include "kselftest_harness.h"

#define EDU_VENDOR		0x1234
#define EDU_DEVICE		0x11e8
#define EDU_REG_ID		0x00
#define EDU_REG_DMA_SRC		0x80
#define EDU_REG_DMA_DST		0x88
#define EDU_REG_DMA_COUNT	0x90
#define EDU_REG_DMA_CMD		0x98
#define EDU_DMA_START		0x1
#define EDU_DMA_TO_RAM		0x2
#define EDU_BUFFER		0x40000	/* the device's own 4 KiB buffer */

/*
 * Below the 28 bits edu can address, and clear of the reserved regions of
 * the IOMMUs we run on (x86's MSI window sits at 0xfee00000, the Arm SMMU's
 * software MSI window at 0x8000000).
 */
#define IOVA			0x100000ULL
#define IOVA_HUGE		0x400000ULL
#define IOVA_PEER		0x4000000ULL
#define DMA_LEN			2048	/* never 4096, see above */

#define PCI_COMMAND		0x04
#define PCI_COMMAND_MEMORY	0x2
#define PCI_COMMAND_MASTER	0x4

/* A device in a container, with its BAR0 and config space offsets. */
struct pci_handle {
	int group;
	int device;
	uint64_t bar0;
	uint64_t bar0_size;
	uint32_t bar0_flags;
	uint64_t config;
};

static unsigned int pci_id(const char *bdf, const char *what)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/%s", bdf, what);
	return read_number(path);
}

/* A device of the given IDs bound to vfio-pci, or NULL. */
static struct t1_device *find_vfio_pci(unsigned int vendor,
				       unsigned int device, bool other_than)
{
	char driver[64];
	int i;

	for (i = 0; i < t1_ndevices; i++) {
		const char *bdf = t1_devices[i].bdf;
		bool match = pci_id(bdf, "vendor") == vendor &&
			     pci_id(bdf, "device") == device;

		t1_pci_driver(bdf, driver, sizeof(driver));
		if (!strcmp(driver, "vfio-pci") && match != other_than)
			return &t1_devices[i];
	}
	return NULL;
}

static int region_info(int device, uint32_t index, uint64_t *offset,
		       uint64_t *size, uint32_t *flags)
{
	struct vfio_region_info info = { .argsz = sizeof(info),
					 .index = index };

	if (ioctl(device, VFIO_DEVICE_GET_REGION_INFO, &info))
		return -errno;
	*offset = info.offset;
	*size = info.size;
	if (flags)
		*flags = info.flags;
	return 0;
}

/* Put @dev's group in @container. */
static int pci_open(const struct t1_device *dev, int container,
		    struct pci_handle *h)
{
	h->group = t1_open_group(dev);
	if (h->group < 0)
		return -errno;
	return t1_set_container(h->group, container);
}

/* Open the device of @h's group, with memory decoding and bus mastering. */
static int pci_open_device(const struct t1_device *dev, struct pci_handle *h)
{
	uint64_t size;
	uint16_t cmd;
	int ret;

	h->device = ioctl(h->group, VFIO_GROUP_GET_DEVICE_FD, dev->bdf);
	if (h->device < 0)
		return -errno;
	ret = region_info(h->device, VFIO_PCI_BAR0_REGION_INDEX, &h->bar0,
			  &h->bar0_size, &h->bar0_flags);
	if (!ret)
		ret = region_info(h->device, VFIO_PCI_CONFIG_REGION_INDEX,
				  &h->config, &size, NULL);
	if (ret)
		return ret;

	/* Without bus mastering the device's DMA goes nowhere. */
	if (pread(h->device, &cmd, sizeof(cmd), h->config + PCI_COMMAND) !=
	    sizeof(cmd))
		return -EIO;
	cmd |= PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER;
	if (pwrite(h->device, &cmd, sizeof(cmd), h->config + PCI_COMMAND) !=
	    sizeof(cmd))
		return -EIO;
	return 0;
}

FIXTURE(edu) {
	int container;
	struct pci_handle edu;
	struct t1_device *dev;
};

FIXTURE_SETUP(edu)
{
	int ret;

	self->container = -1;
	self->edu.group = -1;
	self->edu.device = -1;
	self->dev = find_vfio_pci(EDU_VENDOR, EDU_DEVICE, false);
	if (!self->dev)
		SKIP(return, "no edu device bound to vfio-pci");

	self->container = open(VFIO_CONTAINER_PATH, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->container);
	ret = pci_open(self->dev, self->container, &self->edu);
	ASSERT_EQ(0, ret);
	ASSERT_EQ(0, t1_set_iommu(self->container, VFIO_TYPE1v2_IOMMU));
	ret = pci_open_device(self->dev, &self->edu);
	ASSERT_EQ(0, ret) TH_LOG("%s: %s", self->dev->bdf, strerror(-ret));
}

FIXTURE_TEARDOWN(edu)
{
	if (self->edu.device >= 0)
		close(self->edu.device);
	if (self->edu.group >= 0)
		close(self->edu.group);
	if (self->container >= 0)
		close(self->container);
}

static int edu_read(const struct pci_handle *edu, uint64_t reg,
		    uint32_t *value)
{
	return pread(edu->device, value, 4, edu->bar0 + reg) == 4 ? 0 : -EIO;
}

static int edu_write(const struct pci_handle *edu, uint64_t reg,
		     uint32_t value)
{
	return pwrite(edu->device, &value, 4, edu->bar0 + reg) == 4 ? 0 : -EIO;
}

/* Run one DMA and wait for it (edu has 32-bit register writes here). */
static int edu_dma(const struct pci_handle *edu, uint64_t src, uint64_t dst,
		   uint32_t len, uint32_t cmd)
{
	uint32_t busy;
	int i;

	if (edu_write(edu, EDU_REG_DMA_SRC, src) ||
	    edu_write(edu, EDU_REG_DMA_DST, dst) ||
	    edu_write(edu, EDU_REG_DMA_COUNT, len) ||
	    edu_write(edu, EDU_REG_DMA_CMD, cmd | EDU_DMA_START))
		return -EIO;
	for (i = 0; i < 300; i++) {
		if (edu_read(edu, EDU_REG_DMA_CMD, &busy))
			return -EIO;
		if (!(busy & EDU_DMA_START))
			return 0;
		usleep(10000);
	}
	return -ETIMEDOUT;
}

/* RAM at @iova to the device's buffer */
static int edu_from_ram(const struct pci_handle *edu, uint64_t iova,
			uint32_t len)
{
	return edu_dma(edu, iova, EDU_BUFFER, len, 0);
}

/* The device's buffer to RAM at @iova */
static int edu_to_ram(const struct pci_handle *edu, uint64_t iova,
		      uint32_t len)
{
	return edu_dma(edu, EDU_BUFFER, iova, len, EDU_DMA_TO_RAM);
}

static void fill(char *p, size_t len, unsigned int seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (char)(i * 7 + seed);
}

TEST_F(edu, identifies)
{
	uint32_t id;

	ASSERT_EQ(0, edu_read(&self->edu, EDU_REG_ID, &id));
	EXPECT_EQ(0xed, id & 0xff);
}

TEST_F(edu, dma_round_trip)
{
	char *buf = t1_alloc_4k(SZ_64K);

	ASSERT_NE(MAP_FAILED, buf);
	ASSERT_EQ(0, t1_map(self->container, buf, IOVA, SZ_64K, T1_RW));

	fill(buf + 0x1000, DMA_LEN, 1);
	memset(buf + 0x8000, 0, DMA_LEN);
	ASSERT_EQ(0, edu_from_ram(&self->edu, IOVA + 0x1000, DMA_LEN));
	ASSERT_EQ(0, edu_to_ram(&self->edu, IOVA + 0x8000, DMA_LEN));
	EXPECT_EQ(0, memcmp(buf + 0x1000, buf + 0x8000, DMA_LEN));
	/* Nothing past the end was touched */
	EXPECT_EQ(0, buf[0x8000 + DMA_LEN]);

	/* Across a page boundary, i.e. two IOMMU pages */
	fill(buf + 0x2c00, DMA_LEN, 2);
	ASSERT_EQ(0, edu_from_ram(&self->edu, IOVA + 0x2c00, DMA_LEN));
	ASSERT_EQ(0, edu_to_ram(&self->edu, IOVA + 0x9c00, DMA_LEN));
	EXPECT_EQ(0, memcmp(buf + 0x2c00, buf + 0x9c00, DMA_LEN));

	EXPECT_EQ(SZ_64K, t1_unmap_size(self->container, IOVA, SZ_64K));
	munmap(buf, SZ_64K);
}

TEST_F(edu, dma_to_unmapped_iova)
{
	char *buf = t1_alloc_4k(SZ_64K), *zero = calloc(1, SZ_64K);

	ASSERT_NE(MAP_FAILED, buf);
	ASSERT_NE(NULL, zero);
	ASSERT_EQ(0, t1_map(self->container, buf, IOVA, SZ_64K, T1_RW));
	fill(buf, DMA_LEN, 3);
	ASSERT_EQ(0, edu_from_ram(&self->edu, IOVA, DMA_LEN));
	EXPECT_EQ(SZ_64K, t1_unmap_size(self->container, IOVA, SZ_64K));

	/* The IOMMU refuses the write: memory keeps what it had */
	memset(buf, 0, SZ_64K);
	EXPECT_EQ(0, edu_to_ram(&self->edu, IOVA + 0x4000, DMA_LEN));
	EXPECT_EQ(0, memcmp(buf, zero, SZ_64K));

	/* Mapped again, the same DMA lands */
	ASSERT_EQ(0, t1_map(self->container, buf, IOVA, SZ_64K, T1_RW));
	ASSERT_EQ(0, edu_to_ram(&self->edu, IOVA + 0x4000, DMA_LEN));
	fill(zero, DMA_LEN, 3);
	EXPECT_EQ(0, memcmp(buf + 0x4000, zero, DMA_LEN));
	free(zero);
	munmap(buf, SZ_64K);
}

TEST_F(edu, dma_read_only_mapping)
{
	char *buf = t1_alloc_4k(SZ_64K);

	ASSERT_NE(MAP_FAILED, buf);
	ASSERT_EQ(0, t1_map(self->container, buf, IOVA, SZ_64K,
			    VFIO_DMA_MAP_FLAG_READ));
	fill(buf, DMA_LEN, 4);
	ASSERT_EQ(0, edu_from_ram(&self->edu, IOVA, DMA_LEN));

	/* The device may read this memory, not write it */
	memset(buf + 0x4000, 0x55, DMA_LEN);
	EXPECT_EQ(0, edu_to_ram(&self->edu, IOVA + 0x4000, DMA_LEN));
	EXPECT_EQ(0x55, buf[0x4000]);
	EXPECT_EQ(0x55, buf[0x4000 + DMA_LEN - 1]);
	munmap(buf, SZ_64K);
}

TEST_F(edu, dma_huge_pages)
{
	const uint64_t size = 4 * SZ_2M;
	char *buf = t1_alloc_thp(size, SZ_2M);
	uint64_t off = SZ_2M + SZ_1M + 0x800;

	ASSERT_NE(MAP_FAILED, buf);
	ASSERT_EQ(0, t1_map(self->container, buf, IOVA_HUGE, size, T1_RW));

	/* Within the second huge page, and from the third to the fourth */
	fill(buf + off, DMA_LEN, 5);
	ASSERT_EQ(0, edu_from_ram(&self->edu, IOVA_HUGE + off, DMA_LEN));
	ASSERT_EQ(0, edu_to_ram(&self->edu, IOVA_HUGE + 3 * SZ_2M - 0x400,
				DMA_LEN));
	EXPECT_EQ(0, memcmp(buf + off, buf + 3 * SZ_2M - 0x400, DMA_LEN));
	EXPECT_EQ(size, t1_unmap_size(self->container, IOVA_HUGE, size));
	munmap(buf, size);
}

TEST_F(edu, dma_during_vaddr_update)
{
	int memfd = memfd_create("edu", MFD_CLOEXEC);
	char *buf, *alias;
	uint64_t n;

	ASSERT_LE(0, memfd);
	ASSERT_EQ(0, ftruncate(memfd, SZ_64K));
	buf = mmap(NULL, SZ_64K, PROT_READ | PROT_WRITE, MAP_SHARED, memfd, 0);
	ASSERT_NE(MAP_FAILED, buf);
	ASSERT_EQ(0, t1_map(self->container, buf, IOVA, SZ_64K, T1_RW));
	fill(buf, DMA_LEN, 6);

	/* Without a user address the device keeps going */
	ASSERT_EQ(0, t1_unmap(self->container, IOVA, SZ_64K,
			      VFIO_DMA_UNMAP_FLAG_VADDR, &n));
	munmap(buf, SZ_64K);
	ASSERT_EQ(0, edu_from_ram(&self->edu, IOVA, DMA_LEN));
	ASSERT_EQ(0, edu_to_ram(&self->edu, IOVA + 0x4000, DMA_LEN));

	/* The successor maps the same memory elsewhere and sees the DMA */
	alias = mmap(NULL, SZ_64K, PROT_READ | PROT_WRITE, MAP_SHARED, memfd,
		     0);
	ASSERT_NE(MAP_FAILED, alias);
	EXPECT_EQ(0, memcmp(alias, alias + 0x4000, DMA_LEN));
	ASSERT_EQ(0, t1_map(self->container, alias, IOVA, SZ_64K,
			    VFIO_DMA_MAP_FLAG_VADDR));
	fill(alias + 0x8000, DMA_LEN, 7);
	ASSERT_EQ(0, edu_from_ram(&self->edu, IOVA + 0x8000, DMA_LEN));
	ASSERT_EQ(0, edu_to_ram(&self->edu, IOVA + 0xc000, DMA_LEN));
	EXPECT_EQ(0, memcmp(alias + 0x8000, alias + 0xc000, DMA_LEN));
	EXPECT_EQ(SZ_64K, t1_unmap_size(self->container, IOVA, SZ_64K));
	munmap(alias, SZ_64K);
	close(memfd);
}

/*
 * Peer to peer: another device's BAR, mmap'd through vfio-pci (a VM_PFNMAP
 * range), mapped into the container; edu reads the peer's registers by
 * DMA.  An NVMe controller's CAP and VS registers are read-only and have no
 * side effects.
 */
TEST_F(edu, dma_peer_to_peer)
{
	struct t1_device *peer = find_vfio_pci(0x1b36, 0x0010, false);
	long long pins = t1_pins_outstanding(), locked = t1_locked_bytes();
	struct pci_handle h = { .group = -1, .device = -1 };
	char *buf = t1_alloc_4k(SZ_64K);
	uint64_t regs[2] = {}, dma[2] = {};
	void *bar;

	if (!peer)
		SKIP(return, "no NVMe controller bound to vfio-pci");
	ASSERT_NE(MAP_FAILED, buf);
	ASSERT_EQ(0, pci_open(peer, self->container, &h));
	ASSERT_EQ(0, pci_open_device(peer, &h));
	if (!(h.bar0_flags & VFIO_REGION_INFO_FLAG_MMAP))
		SKIP(return, "the peer's BAR0 cannot be mmap'd");
	bar = mmap(NULL, h.bar0_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		   h.device, h.bar0);
	ASSERT_NE(MAP_FAILED, bar);
	ASSERT_TRUE(t1_iova_usable(self->container, IOVA_PEER, h.bar0_size));

	/* No struct pages behind it: nothing pinned, nothing charged */
	ASSERT_EQ(0, t1_map(self->container, bar, IOVA_PEER, h.bar0_size,
			    T1_RW));
	EXPECT_EQ(pins, t1_pins_outstanding());
	EXPECT_EQ(locked, t1_locked_bytes());

	ASSERT_EQ(sizeof(regs), pread(h.device, regs, sizeof(regs), h.bar0));
	ASSERT_EQ(0, t1_map(self->container, buf, IOVA, SZ_64K, T1_RW));
	ASSERT_EQ(0, edu_from_ram(&self->edu, IOVA_PEER, sizeof(dma)));
	ASSERT_EQ(0, edu_to_ram(&self->edu, IOVA, sizeof(dma)));
	memcpy(dma, buf, sizeof(dma));
	EXPECT_EQ(regs[0], dma[0]);
	EXPECT_EQ(regs[1], dma[1]);
	TH_LOG("peer CAP %#llx VS %#llx, read by DMA: %#llx %#llx",
	       (unsigned long long)regs[0], (unsigned long long)regs[1],
	       (unsigned long long)dma[0], (unsigned long long)dma[1]);

	EXPECT_EQ(h.bar0_size, t1_unmap_size(self->container, IOVA_PEER,
					     h.bar0_size));
	EXPECT_EQ(SZ_64K, t1_unmap_size(self->container, IOVA, SZ_64K));
	munmap(bar, h.bar0_size);
	close(h.device);
	close(h.group);
	EXPECT_EQ(pins, t1_pins_settle(pins));
}

TEST_HARNESS_MAIN
