// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio-pci on real (emulated) PCI devices: device and region info, BAR
 * access through read/write and mmap, the ROM, resets, ioeventfds, what
 * becomes of mappings when the device stops decoding, hot reset and the
 * device request on unbind.
 *
 * Every test runs on each device of the test VM (edu, e1000e, nvme), and
 * on devices behind a PCIe root port if the VM has them: VFIO_TEST_BRIDGED
 * alone in its slot, VFIO_TEST_BRIDGED_MF a function of a multi-function
 * device, and VFIO_TEST_VGA a VGA device.  A device that is absent is
 * skipped.
 */
#include <sys/syscall.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "vfio_pci_util.h"

/* sysfs resource flags (linux/ioport.h) */
#define IORESOURCE_IO		0x00000100
#define IORESOURCE_MEM		0x00000200

FIXTURE(vfio_pci) {
	struct vpt_binding binding;
	struct vpt_device dev;
	long page_size;
};

FIXTURE_VARIANT(vfio_pci) {
	const char *name;
};

FIXTURE_VARIANT_ADD(vfio_pci, edu) { .name = "EDU" };
FIXTURE_VARIANT_ADD(vfio_pci, e1000e) { .name = "E1000E" };
FIXTURE_VARIANT_ADD(vfio_pci, nvme) { .name = "NVME" };
FIXTURE_VARIANT_ADD(vfio_pci, bridged) { .name = "BRIDGED" };
FIXTURE_VARIANT_ADD(vfio_pci, bridged_mf) { .name = "BRIDGED_MF" };
FIXTURE_VARIANT_ADD(vfio_pci, vga) { .name = "VGA" };

FIXTURE_SETUP(vfio_pci)
{
	char why[160];
	int ret;

	self->page_size = sysconf(_SC_PAGESIZE);
	ret = vpt_setup_device(variant->name, &self->dev, &self->binding, why,
			       sizeof(why));
	if (ret > 0)
		SKIP(return, "%s", why);
	ASSERT_EQ(0, ret) TH_LOG("%s", why);
}

FIXTURE_TEARDOWN(vfio_pci)
{
	vpt_close(&self->dev);
	vpt_unbind(&self->binding);
}

static bool is_edu(struct vpt_device *d)
{
	return vpt_cfg_read32(d, PCI_VENDOR_ID) == 0x11e81234;
}

/* Device info */

TEST_F(vfio_pci, device_info)
{
	bool has_reset, has_reset_flag = false, reset_fails = false;
	char path[PATH_MAX];

	EXPECT_TRUE(self->dev.info.flags & VFIO_DEVICE_FLAGS_PCI);
	EXPECT_GE(self->dev.info.num_regions, VFIO_PCI_NUM_REGIONS);
	EXPECT_EQ(VFIO_PCI_NUM_IRQS, self->dev.info.num_irqs);

	/*
	 * A reset is offered only if the PCI core has one (sysfs "reset"),
	 * and when the core lists one but it does not work (a bus reset
	 * listed before a sibling function appeared), not offered.
	 */
	vpt_dev_path(path, sizeof(path), self->dev.bdf, "reset");
	has_reset = !access(path, F_OK);
	if (self->dev.info.flags & VFIO_DEVICE_FLAGS_RESET)
		has_reset_flag = true;
	EXPECT_TRUE(has_reset || !has_reset_flag);
	if (has_reset && !has_reset_flag)
		reset_fails = write_file(path, "1") != 0;
	EXPECT_TRUE(has_reset_flag || reset_fails || !has_reset);
}

TEST_F(vfio_pci, device_info_argsz)
{
	struct vfio_device_info info = { .argsz = 15 };

	EXPECT_ERRNO(EINVAL, ioctl(self->dev.fd, VFIO_DEVICE_GET_INFO, &info));

	/* The pre-capability layout (16 bytes) is still accepted. */
	info.argsz = 16;
	EXPECT_EQ(0, ioctl(self->dev.fd, VFIO_DEVICE_GET_INFO, &info));
	EXPECT_EQ(VFIO_PCI_NUM_IRQS, info.num_irqs);
}

TEST_F(vfio_pci, unknown_ioctl)
{
	EXPECT_ERRNO(ENOTTY, ioctl(self->dev.fd, _IO(VFIO_TYPE, VFIO_BASE + 60)));
	/* The right number, but not encoded as a VFIO ioctl is */
	EXPECT_ERRNO(ENOTTY, ioctl(self->dev.fd,
				   _IOR(VFIO_TYPE, VFIO_BASE + 7, int), NULL));
}

/* The name given to VFIO_GROUP_GET_DEVICE_FD, and the VF token */

TEST_F(vfio_pci, device_name_options)
{
	struct {
		struct vfio_device_feature hdr;
		uint8_t uuid[16];
	} token = { .hdr = { .argsz = sizeof(token) } };
	char name[128];
	int fd;

	/* Blanks after the name are fine. */
	snprintf(name, sizeof(name), "%s  ", self->dev.bdf);
	fd = ioctl(self->dev.group, VFIO_GROUP_GET_DEVICE_FD, name);
	EXPECT_LE(0, fd);
	if (fd >= 0)
		close(fd);

	/* Another name is another device. */
	snprintf(name, sizeof(name), "%s0", self->dev.bdf);
	EXPECT_ERRNO(ENODEV, ioctl(self->dev.group, VFIO_GROUP_GET_DEVICE_FD,
				   name));

	/*
	 * A VF token on a device that is neither PF nor VF, or an unknown
	 * option, is refused.  (Linux answers EINVAL; the errno is the
	 * VFIO core's to pass on.)
	 */
	snprintf(name, sizeof(name),
		 "%s vf_token=2ab74924-c335-45f4-9b16-8569e5b08258",
		 self->dev.bdf);
	EXPECT_EQ(-1, ioctl(self->dev.group, VFIO_GROUP_GET_DEVICE_FD, name));
	snprintf(name, sizeof(name), "%s foo=1", self->dev.bdf);
	EXPECT_EQ(-1, ioctl(self->dev.group, VFIO_GROUP_GET_DEVICE_FD, name));

	/* Only a PF has a VF token to set. */
	token.hdr.flags = VFIO_DEVICE_FEATURE_PCI_VF_TOKEN |
			  VFIO_DEVICE_FEATURE_SET;
	EXPECT_ERRNO(ENOTTY, ioctl(self->dev.fd, VFIO_DEVICE_FEATURE, &token));
	token.hdr.flags = VFIO_DEVICE_FEATURE_PCI_VF_TOKEN |
			  VFIO_DEVICE_FEATURE_PROBE | VFIO_DEVICE_FEATURE_SET;
	EXPECT_ERRNO(ENOTTY, ioctl(self->dev.fd, VFIO_DEVICE_FEATURE, &token));
	/* Features vfio-pci does not have */
	token.hdr.flags = 0xffff | VFIO_DEVICE_FEATURE_PROBE |
			  VFIO_DEVICE_FEATURE_GET;
	EXPECT_ERRNO(ENOTTY, ioctl(self->dev.fd, VFIO_DEVICE_FEATURE, &token));
}

/* Region info */

TEST_F(vfio_pci, region_info_matches_sysfs)
{
	uint64_t start, end, flags, size;
	struct vpt_region r;
	char path[PATH_MAX];
	struct stat st;
	int i;

	for (i = VFIO_PCI_BAR0_REGION_INDEX; i <= VFIO_PCI_BAR5_REGION_INDEX;
	     i++) {
		ASSERT_EQ(0, vpt_region_info(self->dev.fd, i, &r));
		ASSERT_EQ(0, vpt_sysfs_resource(self->dev.bdf, i, &start, &end,
						&flags));
		size = end ? end - start + 1 : 0;

		EXPECT_EQ(REGION_OFFSET(i), r.info.offset);
		EXPECT_EQ(size, r.info.size) TH_LOG("BAR%d", i);
		if (!size) {
			EXPECT_EQ(0, r.info.flags & ~VFIO_REGION_INFO_FLAG_CAPS);
			continue;
		}
		EXPECT_TRUE(r.info.flags & VFIO_REGION_INFO_FLAG_READ);
		EXPECT_TRUE(r.info.flags & VFIO_REGION_INFO_FLAG_WRITE);
		/* Memory BARs of whole pages can be mapped, I/O ones never. */
		EXPECT_EQ((flags & IORESOURCE_MEM) &&
			  size >= (uint64_t)self->page_size,
			  !!(r.info.flags & VFIO_REGION_INFO_FLAG_MMAP))
			TH_LOG("BAR%d flags %#x", i, r.info.flags);
	}

	/* The ROM: the BAR's size, read-only, if it holds an image. */
	ASSERT_EQ(0, vpt_region_info(self->dev.fd, VFIO_PCI_ROM_REGION_INDEX,
				     &r));
	EXPECT_EQ(REGION_OFFSET(VFIO_PCI_ROM_REGION_INDEX), r.info.offset);
	size = vpt_sysfs_resource_size(self->dev.bdf, 6);
	if (r.info.size) {
		EXPECT_EQ(size, r.info.size);
		EXPECT_EQ(VFIO_REGION_INFO_FLAG_READ, r.info.flags);
	} else {
		EXPECT_EQ(0, r.info.flags);
	}

	/* Config space: as large as sysfs shows it. */
	ASSERT_EQ(0, vpt_region_info(self->dev.fd,
				     VFIO_PCI_CONFIG_REGION_INDEX, &r));
	vpt_dev_path(path, sizeof(path), self->dev.bdf, "config");
	ASSERT_EQ(0, stat(path, &st));
	EXPECT_EQ((uint64_t)st.st_size, r.info.size);
	EXPECT_EQ(VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE,
		  r.info.flags);
	EXPECT_EQ(REGION_OFFSET(VFIO_PCI_CONFIG_REGION_INDEX), r.info.offset);
}

TEST_F(vfio_pci, region_info_errors)
{
	struct vfio_region_info info = { .argsz = sizeof(info) };
	struct vpt_region r;
	uint8_t class[3];

	/* No VGA region on a device that is no VGA device. */
	ASSERT_EQ(0, vpt_cfg_read(&self->dev, PCI_CLASS_PROG, class, 3));
	if (class[2] != 0x03 || class[1] != 0x00)
		EXPECT_ERRNO(EINVAL, vpt_region_info(self->dev.fd,
						     VFIO_PCI_VGA_REGION_INDEX,
						     &r));

	/* Past the last region */
	info.index = self->dev.info.num_regions;
	EXPECT_ERRNO(EINVAL, ioctl(self->dev.fd, VFIO_DEVICE_GET_REGION_INFO,
				   &info));
	info.index = ~0U;
	EXPECT_ERRNO(EINVAL, ioctl(self->dev.fd, VFIO_DEVICE_GET_REGION_INFO,
				   &info));

	/* argsz must reach the offset member. */
	info.index = VFIO_PCI_CONFIG_REGION_INDEX;
	info.argsz = offsetof(struct vfio_region_info, offset);
	EXPECT_ERRNO(EINVAL, ioctl(self->dev.fd, VFIO_DEVICE_GET_REGION_INFO,
				   &info));
	EXPECT_ERRNO(EFAULT, ioctl(self->dev.fd, VFIO_DEVICE_GET_REGION_INFO,
				   NULL));
}

/* Where the MSI-X table is: its BAR and byte range, or -1. */
static int msix_table(struct vpt_device *d, uint32_t *start, uint32_t *end)
{
	int pos = vpt_find_cap(d, PCI_CAP_ID_MSIX);
	uint32_t table;
	uint16_t flags;

	if (!pos)
		return -1;
	flags = vpt_cfg_read16(d, pos + PCI_MSIX_FLAGS);
	table = vpt_cfg_read32(d, pos + PCI_MSIX_TABLE);
	*start = table & PCI_MSIX_TABLE_OFFSET;
	*end = *start + ((flags & PCI_MSIX_FLAGS_QSIZE) + 1) * 16;
	return table & PCI_MSIX_TABLE_BIR;
}

TEST_F(vfio_pci, msix_table_mapping)
{
	struct vfio_region_info_cap_sparse_mmap *sparse;
	uint32_t start, end;
	struct vpt_region r;
	void *map;
	int bar;

	bar = msix_table(&self->dev, &start, &end);
	if (bar < 0)
		SKIP(return, "no MSI-X");
	ASSERT_EQ(0, vpt_region_info(self->dev.fd, bar, &r));
	if (!(r.info.flags & VFIO_REGION_INFO_FLAG_MMAP))
		SKIP(return, "MSI-X BAR%d cannot be mapped at all", bar);

	sparse = (void *)vpt_region_cap(&r, VFIO_REGION_INFO_CAP_SPARSE_MMAP);
	if (vpt_region_cap(&r, VFIO_REGION_INFO_CAP_MSIX_MAPPABLE)) {
		/* Interrupts are remapped: the whole BAR maps. */
		EXPECT_EQ(NULL, sparse);
		map = mmap(NULL, r.info.size, PROT_READ, MAP_SHARED,
			   self->dev.fd, r.info.offset);
		EXPECT_NE(MAP_FAILED, map);
		if (map != MAP_FAILED)
			munmap(map, r.info.size);
		return;
	}

	/* Otherwise the table's pages are left out, and cannot be mapped. */
	ASSERT_NE(NULL, sparse);
	for (uint32_t i = 0; i < sparse->nr_areas; i++) {
		EXPECT_TRUE(sparse->areas[i].offset >= end ||
			    sparse->areas[i].offset + sparse->areas[i].size <=
			    start);
		map = mmap(NULL, sparse->areas[i].size, PROT_READ, MAP_SHARED,
			   self->dev.fd,
			   r.info.offset + sparse->areas[i].offset);
		EXPECT_NE(MAP_FAILED, map);
		if (map != MAP_FAILED)
			munmap(map, sparse->areas[i].size);
	}
	EXPECT_EQ(MAP_FAILED, mmap(NULL, self->page_size, PROT_READ,
				   MAP_SHARED, self->dev.fd, r.info.offset +
				   (start & ~(self->page_size - 1))));
	EXPECT_EQ(EINVAL, errno);
}

/* The legacy VGA ranges of a VGA device */

TEST_F(vfio_pci, vga_region)
{
	uint64_t base = REGION_OFFSET(VFIO_PCI_VGA_REGION_INDEX);
	struct vpt_region r;
	uint8_t class[3], buf[8];

	ASSERT_EQ(0, vpt_cfg_read(&self->dev, PCI_CLASS_PROG, class, 3));
	if (class[2] != 0x03 || class[1] != 0x00)
		SKIP(return, "not a VGA device");

	ASSERT_EQ(0, vpt_region_info(self->dev.fd, VFIO_PCI_VGA_REGION_INDEX,
				     &r));
	EXPECT_EQ(base, r.info.offset);
	EXPECT_EQ(0xc0000, r.info.size);
	EXPECT_EQ(VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE,
		  r.info.flags);

	/* Legacy memory and both I/O ranges, at their own addresses */
	EXPECT_EQ(4, pread(self->dev.fd, buf, 4, base + 0xa0000));
	EXPECT_EQ(4, pread(self->dev.fd, buf, 4, base + 0xbfffc));
	EXPECT_EQ(1, pread(self->dev.fd, buf, 1, base + 0x3cc));
	EXPECT_EQ(2, pread(self->dev.fd, buf, 2, base + 0x3b4));
	/* Cut at the end of the range the access starts in */
	EXPECT_EQ(4, pread(self->dev.fd, buf, 8, base + 0x3b8));
	EXPECT_EQ(4, pread(self->dev.fd, buf, 8, base + 0xbfffc));

	/* Nothing else */
	EXPECT_ERRNO(EINVAL, pread(self->dev.fd, buf, 1, base + 0x3bc));
	EXPECT_ERRNO(EINVAL, pread(self->dev.fd, buf, 1, base + 0x3e0));
	EXPECT_ERRNO(EINVAL, pread(self->dev.fd, buf, 1, base));
	EXPECT_ERRNO(EINVAL, pread(self->dev.fd, buf, 1, base + 0xc0000));
	EXPECT_EQ(MAP_FAILED, mmap(NULL, self->page_size, PROT_READ,
				   MAP_SHARED, self->dev.fd, base + 0xa0000));
	EXPECT_EQ(EINVAL, errno);
}

/* BAR access */

/*
 * Where in a mappable BAR a page may be mapped: 0, or the first area of a
 * sparse-mmap capability.  -1 if nothing may be mapped.
 */
static off_t first_mappable_page(struct vpt_region *r)
{
	struct vfio_region_info_cap_sparse_mmap *sparse;

	if (!(r->info.flags & VFIO_REGION_INFO_FLAG_MMAP))
		return -1;
	sparse = (void *)vpt_region_cap(r, VFIO_REGION_INFO_CAP_SPARSE_MMAP);
	if (!sparse)
		return 0;
	return sparse->nr_areas ? (off_t)sparse->areas[0].offset : -1;
}

/* The first memory BAR whose first page may be mapped, or -1. */
static int first_mmap_bar(struct vpt_device *d, struct vpt_region *r)
{
	int i;

	for (i = 0; i <= VFIO_PCI_BAR5_REGION_INDEX; i++)
		if (!vpt_region_info(d->fd, i, r) &&
		    first_mappable_page(r) == 0)
			return i;
	return -1;
}

TEST_F(vfio_pci, bar_pread_equals_mmap)
{
	uint32_t start = 0, end = 0, a, b;
	int msix_bar, i, compared = 0;
	void *map;
	struct vpt_region r;
	off_t off, base;
	size_t len;

	msix_bar = msix_table(&self->dev, &start, &end);

	for (i = 0; i <= VFIO_PCI_BAR5_REGION_INDEX; i++) {
		if (vpt_region_info(self->dev.fd, i, &r))
			continue;
		base = first_mappable_page(&r);
		if (base < 0)
			continue;

		len = self->page_size;
		map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED,
			   self->dev.fd, r.info.offset + base);
		ASSERT_NE(MAP_FAILED, map) TH_LOG("BAR%d: %s", i,
						  strerror(errno));

		/* Registers near the start are free of read side effects. */
		for (off = base; off < base + 0x40 &&
		     off < (off_t)r.info.size; off += 4) {
			/* read(2) hides the MSI-X table, a mapping does not */
			if (i == msix_bar && off + 4 > start && off < end)
				continue;
			ASSERT_EQ(4, pread(self->dev.fd, &a, 4,
					   r.info.offset + off));
			b = vpt_mmio_read32(map, off - base);
			EXPECT_EQ(a, b) TH_LOG("BAR%d+%#lx", i, (long)off);
			compared++;
		}
		munmap(map, len);
	}
	if (!compared)
		SKIP(return, "no mappable BAR");
}

TEST_F(vfio_pci, bar_write_paths_agree)
{
	void *map;
	struct vpt_region r;

	if (!is_edu(&self->dev))
		SKIP(return, "uses edu's liveness register");
	ASSERT_EQ(0, vpt_region_info(self->dev.fd, 0, &r));
	map = mmap(NULL, self->page_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		   self->dev.fd, r.info.offset);
	ASSERT_NE(MAP_FAILED, map);

	/* The register returns the complement of what was written. */
	ASSERT_EQ(0, vpt_bar_write32(&self->dev, 0, EDU_LIVENESS, 0x12345678));
	EXPECT_EQ(~0x12345678U, vpt_mmio_read32(map, EDU_LIVENESS));
	vpt_mmio_write32(map, EDU_LIVENESS, 0xcafe0000);
	EXPECT_EQ(~0xcafe0000U, vpt_bar_read32(&self->dev, 0, EDU_LIVENESS));
	/* The identification register: 0xRRrr00ed */
	EXPECT_EQ(0xed, vpt_mmio_read32(map, EDU_ID) & 0xff);
	munmap(map, self->page_size);
}

TEST_F(vfio_pci, bar_rw_errors)
{
	struct vpt_region r;
	uint8_t buf[8];
	int i;

	for (i = 0; i <= VFIO_PCI_BAR5_REGION_INDEX; i++) {
		ASSERT_EQ(0, vpt_region_info(self->dev.fd, i, &r));
		if (!r.info.size) {
			/* An absent BAR */
			EXPECT_ERRNO(EINVAL, pread(self->dev.fd, buf, 4,
						   r.info.offset));
			continue;
		}
		/* At or past the end */
		EXPECT_ERRNO(EINVAL, pread(self->dev.fd, buf, 4,
					   r.info.offset + r.info.size));
		EXPECT_ERRNO(EINVAL, pwrite(self->dev.fd, buf, 4,
					    r.info.offset + r.info.size +
					    0x1000));
		/* Across the end: cut short */
		EXPECT_EQ(4, pread(self->dev.fd, buf, 8,
				   r.info.offset + r.info.size - 4));
	}

	/* A region index nobody has */
	EXPECT_ERRNO(EINVAL, pread(self->dev.fd, buf, 4,
				   REGION_OFFSET(self->dev.info.num_regions)));
	EXPECT_ERRNO(EINVAL, pread(self->dev.fd, buf, 4, REGION_OFFSET(0xff)));
	/* Nothing to read is no error. */
	EXPECT_EQ(0, pread(self->dev.fd, buf, 0, REGION_OFFSET(0)));
}

TEST_F(vfio_pci, mmap_rules)
{
	struct vpt_region r;
	void *map;
	int bar;

	bar = first_mmap_bar(&self->dev, &r);
	if (bar < 0)
		SKIP(return, "no mappable BAR");

	/* Shared only */
	EXPECT_EQ(MAP_FAILED, mmap(NULL, self->page_size, PROT_READ,
				   MAP_PRIVATE, self->dev.fd, r.info.offset));
	EXPECT_EQ(EINVAL, errno);
	/* Not past the BAR */
	EXPECT_EQ(MAP_FAILED, mmap(NULL, r.info.size + self->page_size,
				   PROT_READ, MAP_SHARED, self->dev.fd,
				   r.info.offset));
	EXPECT_EQ(EINVAL, errno);
	/* Never the ROM or config space */
	EXPECT_EQ(MAP_FAILED, mmap(NULL, self->page_size, PROT_READ,
				   MAP_SHARED, self->dev.fd,
				   REGION_OFFSET(VFIO_PCI_ROM_REGION_INDEX)));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(MAP_FAILED, mmap(NULL, self->page_size, PROT_READ,
				   MAP_SHARED, self->dev.fd,
				   REGION_OFFSET(VFIO_PCI_CONFIG_REGION_INDEX)));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(MAP_FAILED, mmap(NULL, self->page_size, PROT_READ,
				   MAP_SHARED, self->dev.fd, REGION_OFFSET(20)));
	EXPECT_EQ(EINVAL, errno);

	/* A page inside the BAR is fine. */
	if (r.info.size >= 2 * (uint64_t)self->page_size) {
		map = mmap(NULL, self->page_size, PROT_READ, MAP_SHARED,
			   self->dev.fd, r.info.offset + self->page_size);
		EXPECT_NE(MAP_FAILED, map);
		if (map != MAP_FAILED)
			munmap(map, self->page_size);
	}
}

TEST_F(vfio_pci, io_bar_not_mappable)
{
	uint64_t start, end, flags;
	int i, found = 0;

	for (i = 0; i <= VFIO_PCI_BAR5_REGION_INDEX; i++) {
		if (vpt_sysfs_resource(self->dev.bdf, i, &start, &end, &flags) ||
		    !end || !(flags & IORESOURCE_IO))
			continue;
		found++;
		EXPECT_EQ(MAP_FAILED, mmap(NULL, self->page_size, PROT_READ,
					   MAP_SHARED, self->dev.fd,
					   REGION_OFFSET(i)));
		EXPECT_EQ(EINVAL, errno);
	}
	if (!found)
		SKIP(return, "no I/O BAR");
}

/* The ROM */

TEST_F(vfio_pci, rom_readable)
{
	char path[PATH_MAX];
	uint8_t via_vfio[64], via_sysfs[64];
	struct vpt_region r;
	int fd;

	ASSERT_EQ(0, vpt_region_info(self->dev.fd, VFIO_PCI_ROM_REGION_INDEX,
				     &r));
	if (!r.info.size) {
		EXPECT_ERRNO(EINVAL, pread(self->dev.fd, via_vfio, 4,
					   r.info.offset));
		SKIP(return, "no ROM");
	}

	ASSERT_EQ(sizeof(via_vfio), pread(self->dev.fd, via_vfio,
					  sizeof(via_vfio), r.info.offset));
	/* An option ROM image starts with 55 aa. */
	EXPECT_EQ(0x55, via_vfio[0]);
	EXPECT_EQ(0xaa, via_vfio[1]);

	/* The same bytes as the host reads through sysfs. */
	vpt_dev_path(path, sizeof(path), self->dev.bdf, "rom");
	ASSERT_EQ(0, write_file(path, "1"));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_EQ(sizeof(via_sysfs), read(fd, via_sysfs, sizeof(via_sysfs)));
	close(fd);
	write_file(path, "0");
	EXPECT_EQ(0, memcmp(via_vfio, via_sysfs, sizeof(via_vfio)));

	/* Read-only */
	EXPECT_ERRNO(EINVAL, pwrite(self->dev.fd, via_vfio, 4, r.info.offset));
	/* Readable with the ROM BAR disabled in the user's config view. */
	EXPECT_EQ(0, vpt_cfg_read32(&self->dev, PCI_ROM_ADDRESS) &
		     PCI_ROM_ADDRESS_ENABLE);
	EXPECT_EQ(4, pread(self->dev.fd, via_vfio, 4, r.info.offset));
}

/* Reset */

TEST_F(vfio_pci, reset)
{
	struct vpt_region r;
	uint32_t before;
	uint16_t cmd;
	int bar;

	if (!(self->dev.info.flags & VFIO_DEVICE_FLAGS_RESET)) {
		EXPECT_ERRNO(EINVAL, ioctl(self->dev.fd, VFIO_DEVICE_RESET));
		SKIP(return, "the device has no reset");
	}

	bar = first_mmap_bar(&self->dev, &r);
	ASSERT_LE(0, bar);
	before = vpt_bar_read32(&self->dev, bar, 0);
	cmd = vpt_cfg_read16(&self->dev, PCI_COMMAND);
	EXPECT_EQ(0, ioctl(self->dev.fd, VFIO_DEVICE_RESET));
	/* Config state survives the reset: the BARs still decode. */
	EXPECT_EQ(cmd, vpt_cfg_read16(&self->dev, PCI_COMMAND));
	EXPECT_EQ(before, vpt_bar_read32(&self->dev, bar, 0));
}

/* Mappings: taken away on reset and decode off, SIGBUS without decode */

TEST_F(vfio_pci, mmap_sigbus_without_decode)
{
	void *map;
	struct vpt_region r;
	uint32_t val, before;
	uint16_t cmd;
	int bar;

	bar = first_mmap_bar(&self->dev, &r);
	if (bar < 0)
		SKIP(return, "no mappable BAR");
	map = mmap(NULL, self->page_size, PROT_READ, MAP_SHARED, self->dev.fd,
		   r.info.offset);
	ASSERT_NE(MAP_FAILED, map);
	ASSERT_EQ(0, vpt_try_read32(map, &before));

	cmd = vpt_cfg_read16(&self->dev, PCI_COMMAND);
	ASSERT_TRUE(cmd & PCI_COMMAND_MEMORY);
	ASSERT_EQ(0, vpt_cfg_write16(&self->dev, PCI_COMMAND,
				     cmd & ~PCI_COMMAND_MEMORY));

	/* Neither path reaches a device that does not decode. */
	EXPECT_EQ(SIGBUS, vpt_try_read32(map, &val));
	EXPECT_ERRNO(EIO, pread(self->dev.fd, &val, 4, r.info.offset));

	ASSERT_EQ(0, vpt_cfg_write16(&self->dev, PCI_COMMAND, cmd));
	EXPECT_EQ(0, vpt_try_read32(map, &val));
	EXPECT_EQ(before, val);
	munmap(map, self->page_size);
}

TEST_F(vfio_pci, mmap_zapped_on_reset)
{
	void *map;
	struct vpt_region r;
	uint32_t val;
	long faults;
	int bar;

	if (!(self->dev.info.flags & VFIO_DEVICE_FLAGS_RESET))
		SKIP(return, "the device has no reset");
	bar = first_mmap_bar(&self->dev, &r);
	if (bar < 0)
		SKIP(return, "no mappable BAR");
	map = mmap(NULL, self->page_size, PROT_READ, MAP_SHARED, self->dev.fd,
		   r.info.offset);
	ASSERT_NE(MAP_FAILED, map);

	/* Once mapped, an access takes no fault... */
	ASSERT_EQ(0, vpt_try_read32(map, &val));
	faults = vpt_minflt();
	ASSERT_EQ(0, vpt_try_read32(map, &val));
	EXPECT_EQ(faults, vpt_minflt());

	/* ...until a reset took the mapping away; it comes back on use. */
	ASSERT_EQ(0, ioctl(self->dev.fd, VFIO_DEVICE_RESET));
	faults = vpt_minflt();
	ASSERT_EQ(0, vpt_try_read32(map, &val));
	EXPECT_LT(faults, vpt_minflt());
	munmap(map, self->page_size);
}

TEST_F(vfio_pci, mmap_sigbus_in_d3)
{
	void *map;
	struct vpt_region r;
	uint16_t pmcsr;
	uint32_t val;
	int pm, bar;

	pm = vpt_find_cap(&self->dev, PCI_CAP_ID_PM);
	if (!pm)
		SKIP(return, "no power management");
	bar = first_mmap_bar(&self->dev, &r);
	if (bar < 0)
		SKIP(return, "no mappable BAR");
	map = mmap(NULL, self->page_size, PROT_READ, MAP_SHARED, self->dev.fd,
		   r.info.offset);
	ASSERT_NE(MAP_FAILED, map);
	ASSERT_EQ(0, vpt_try_read32(map, &val));

	pmcsr = vpt_cfg_read16(&self->dev, pm + PCI_PM_CTRL);
	ASSERT_EQ(0, vpt_cfg_write16(&self->dev, pm + PCI_PM_CTRL,
				     (pmcsr & ~PCI_PM_CTRL_STATE_MASK) | 3));
	EXPECT_EQ(SIGBUS, vpt_try_read32(map, &val));
	EXPECT_ERRNO(EIO, pread(self->dev.fd, &val, 4, r.info.offset));

	ASSERT_EQ(0, vpt_cfg_write16(&self->dev, pm + PCI_PM_CTRL,
				     pmcsr & ~PCI_PM_CTRL_STATE_MASK));
	EXPECT_EQ(0, vpt_try_read32(map, &val));
	munmap(map, self->page_size);
}

TEST_F(vfio_pci, mmap_keeps_device_open)
{
	void *map;
	struct vpt_region r;
	uint32_t before, val;
	int bar;

	bar = first_mmap_bar(&self->dev, &r);
	if (bar < 0)
		SKIP(return, "no mappable BAR");
	map = mmap(NULL, self->page_size, PROT_READ, MAP_SHARED, self->dev.fd,
		   r.info.offset);
	ASSERT_NE(MAP_FAILED, map);
	ASSERT_EQ(0, vpt_try_read32(map, &before));

	/*
	 * The mapping holds the device file, as on Linux: closing the fd
	 * does not close the device under the mapping's feet.
	 */
	close(self->dev.fd);
	self->dev.fd = -1;
	EXPECT_EQ(0, vpt_try_read32(map, &val));
	EXPECT_EQ(before, val);
	munmap(map, self->page_size);

	/* Unmapped, the device is closed and can be opened again. */
	self->dev.fd = ioctl(self->dev.group, VFIO_GROUP_GET_DEVICE_FD,
			     self->dev.bdf);
	EXPECT_LE(0, self->dev.fd);
}

/* ioeventfd */

TEST_F(vfio_pci, ioeventfd)
{
	struct vfio_device_ioeventfd ioe = {
		.argsz = sizeof(ioe),
		.flags = VFIO_DEVICE_IOEVENTFD_32,
		.offset = REGION_OFFSET(0) + EDU_LIVENESS,
		.data = 0x5a5a1234,
	};
	int efd, i;

	if (!is_edu(&self->dev))
		SKIP(return, "uses edu's liveness register");
	efd = eventfd(0, EFD_CLOEXEC);
	ASSERT_LE(0, efd);
	ioe.fd = efd;

	ASSERT_EQ(0, ioctl(self->dev.fd, VFIO_DEVICE_IOEVENTFD, &ioe));
	/* The same entry twice */
	EXPECT_ERRNO(EEXIST, ioctl(self->dev.fd, VFIO_DEVICE_IOEVENTFD, &ioe));

	/* Signalling the eventfd writes the value, without a syscall on the device. */
	ASSERT_EQ(0, vpt_bar_write32(&self->dev, 0, EDU_LIVENESS, 0));
	ASSERT_EQ(0, vpt_eventfd_signal(efd));
	for (i = 0; i < 100; i++) {
		if (vpt_bar_read32(&self->dev, 0, EDU_LIVENESS) == ~0x5a5a1234U)
			break;
		usleep(10000);
	}
	EXPECT_EQ(~0x5a5a1234U, vpt_bar_read32(&self->dev, 0, EDU_LIVENESS));

	/* Removed by fd -1 with the same offset, data and width */
	ioe.fd = -1;
	EXPECT_EQ(0, ioctl(self->dev.fd, VFIO_DEVICE_IOEVENTFD, &ioe));
	EXPECT_ERRNO(ENODEV, ioctl(self->dev.fd, VFIO_DEVICE_IOEVENTFD, &ioe));
	ASSERT_EQ(0, vpt_bar_write32(&self->dev, 0, EDU_LIVENESS, 0));
	ASSERT_EQ(0, vpt_eventfd_signal(efd));
	usleep(QUIET_TIMEOUT_MS * 1000);
	EXPECT_EQ(~0U, vpt_bar_read32(&self->dev, 0, EDU_LIVENESS));
	close(efd);
}

TEST_F(vfio_pci, ioeventfd_errors)
{
	struct vfio_device_ioeventfd ioe = {
		.argsz = sizeof(ioe),
		.flags = VFIO_DEVICE_IOEVENTFD_32,
		.offset = REGION_OFFSET(0),
	};
	uint32_t start, end;
	struct vpt_region r;
	int efd, bar;

	efd = eventfd(0, EFD_CLOEXEC);
	ASSERT_LE(0, efd);
	ioe.fd = efd;
	ASSERT_EQ(0, vpt_region_info(self->dev.fd, 0, &r));

	/* Exactly one width */
	ioe.flags = VFIO_DEVICE_IOEVENTFD_32 | VFIO_DEVICE_IOEVENTFD_16;
	EXPECT_ERRNO(EINVAL, ioctl(self->dev.fd, VFIO_DEVICE_IOEVENTFD, &ioe));
	ioe.flags = 0;
	EXPECT_ERRNO(EINVAL, ioctl(self->dev.fd, VFIO_DEVICE_IOEVENTFD, &ioe));
	ioe.flags = 1 << 4;
	EXPECT_ERRNO(EINVAL, ioctl(self->dev.fd, VFIO_DEVICE_IOEVENTFD, &ioe));
	ioe.flags = VFIO_DEVICE_IOEVENTFD_32;

	/* BARs only, and inside them */
	ioe.offset = REGION_OFFSET(VFIO_PCI_CONFIG_REGION_INDEX);
	EXPECT_ERRNO(EINVAL, ioctl(self->dev.fd, VFIO_DEVICE_IOEVENTFD, &ioe));
	ioe.offset = REGION_OFFSET(VFIO_PCI_ROM_REGION_INDEX);
	EXPECT_ERRNO(EINVAL, ioctl(self->dev.fd, VFIO_DEVICE_IOEVENTFD, &ioe));
	ioe.offset = REGION_OFFSET(0) + r.info.size - 2;
	EXPECT_ERRNO(EINVAL, ioctl(self->dev.fd, VFIO_DEVICE_IOEVENTFD, &ioe));

	/* Never into the MSI-X table */
	bar = msix_table(&self->dev, &start, &end);
	if (bar >= 0) {
		ioe.offset = REGION_OFFSET(bar) + start;
		EXPECT_ERRNO(EINVAL, ioctl(self->dev.fd, VFIO_DEVICE_IOEVENTFD,
					   &ioe));
	}

	/* fd: an eventfd, or -1 to remove */
	ioe.offset = REGION_OFFSET(0);
	ioe.fd = -2;
	EXPECT_ERRNO(EINVAL, ioctl(self->dev.fd, VFIO_DEVICE_IOEVENTFD, &ioe));
	ioe.fd = 0;
	EXPECT_ERRNO(EINVAL, ioctl(self->dev.fd, VFIO_DEVICE_IOEVENTFD, &ioe));

	ioe.argsz = offsetof(struct vfio_device_ioeventfd, fd);
	ioe.fd = efd;
	EXPECT_ERRNO(EINVAL, ioctl(self->dev.fd, VFIO_DEVICE_IOEVENTFD, &ioe));
	close(efd);
}

/* Hot reset */

/*
 * Several devices share the reset: it is refused while one of them is not
 * bound to vfio-pci, and allowed once all are and the user passes a group
 * fd for each of their groups.
 */
static void hot_reset_all_owned(struct __test_metadata *_metadata,
				struct vpt_device *dev,
				struct vfio_pci_hot_reset_info *info,
				int first_try)
{
	struct vpt_binding bindings[4] = {};
	struct {
		struct vfio_pci_hot_reset hdr;
		int32_t fds[4];
	} reset = { .hdr = { .argsz = sizeof(reset) } };
	bool all_ours = true;
	char bdf[32], driver[64];
	uint32_t i, j, groups[4];
	int ret;

	ASSERT_LE(info->count, 4);
	for (i = 0; i < info->count; i++) {
		snprintf(bdf, sizeof(bdf), "%04x:%02x:%02x.%x",
			 info->devices[i].segment, info->devices[i].bus,
			 info->devices[i].devfn >> 3,
			 info->devices[i].devfn & 7);
		device_driver("pci", bdf, driver, sizeof(driver));
		if (strcmp(driver, "vfio-pci"))
			all_ours = false;
	}
	if (!all_ours)
		EXPECT_EQ(-1, first_try);

	/* Hand them all to vfio-pci; one fd per group proves ownership. */
	for (i = 0; i < info->count; i++) {
		snprintf(bdf, sizeof(bdf), "%04x:%02x:%02x.%x",
			 info->devices[i].segment, info->devices[i].bus,
			 info->devices[i].devfn >> 3,
			 info->devices[i].devfn & 7);
		ASSERT_EQ(0, vpt_bind(bdf, &bindings[i]));
		for (j = 0; j < reset.hdr.count; j++)
			if (groups[j] == info->devices[i].group_id)
				break;
		if (j < reset.hdr.count)
			continue;
		groups[reset.hdr.count] = info->devices[i].group_id;
		if (info->devices[i].group_id == (uint32_t)dev->group_id) {
			reset.fds[reset.hdr.count++] = dev->group;
		} else {
			char path[64];

			snprintf(path, sizeof(path), "/dev/vfio/%u",
				 info->devices[i].group_id);
			reset.fds[reset.hdr.count] = open(path, O_RDWR);
			ASSERT_LE(0, reset.fds[reset.hdr.count]);
			reset.hdr.count++;
		}
	}

	ret = ioctl(dev->fd, VFIO_DEVICE_PCI_HOT_RESET, &reset);
	EXPECT_EQ(0, ret) TH_LOG("hot reset of %u devices: %s", info->count,
				 strerror(errno));

	for (i = 0; i < reset.hdr.count; i++)
		if (reset.fds[i] != dev->group)
			close(reset.fds[i]);
	for (i = 0; i < info->count; i++)
		if (strcmp(bindings[i].bdf, dev->bdf))
			vpt_unbind(&bindings[i]);
}

TEST_F(vfio_pci, hot_reset)
{
	char buf[sizeof(struct vfio_pci_hot_reset_info) +
		 32 * sizeof(struct vfio_pci_dependent_device)];
	struct vfio_pci_hot_reset_info *info = (void *)buf;
	struct {
		struct vfio_pci_hot_reset hdr;
		int32_t fds[4];
	} reset = { .hdr = { .argsz = sizeof(reset) } };
	unsigned int bus, slot, fn;
	bool found = false;
	int ret, efd;
	uint32_t i;

	memset(buf, 0, sizeof(buf));
	info->argsz = sizeof(*info);
	ret = ioctl(self->dev.fd, VFIO_DEVICE_GET_PCI_HOT_RESET_INFO, info);
	if (ret && errno == ENODEV) {
		/* The same answer from the reset itself */
		reset.hdr.count = 1;
		reset.fds[0] = self->dev.group;
		EXPECT_ERRNO(ENODEV, ioctl(self->dev.fd,
					   VFIO_DEVICE_PCI_HOT_RESET, &reset));
		SKIP(return, "no slot or bus reset (device on the root bus)");
	}

	/* No room for the list: told how much is needed. */
	EXPECT_EQ(-1, ret);
	EXPECT_EQ(ENOSPC, errno);
	ASSERT_GE(info->count, 1);
	ASSERT_LE(info->count, 32);

	info->argsz = sizeof(buf);
	ASSERT_EQ(0, ioctl(self->dev.fd, VFIO_DEVICE_GET_PCI_HOT_RESET_INFO,
			   info));
	ret = sscanf(self->dev.bdf, "%*x:%x:%x.%x", &bus, &slot, &fn);
	ASSERT_EQ(3, ret);
	for (i = 0; i < info->count; i++) {
		if (info->devices[i].bus == bus &&
		    info->devices[i].devfn == ((slot << 3) | fn)) {
			found = true;
			EXPECT_EQ(self->dev.group_id, info->devices[i].group_id);
		}
	}
	EXPECT_TRUE(found);

	/* Ownership is proven with group fds, not taken on trust. */
	reset.hdr.count = 0;
	EXPECT_ERRNO(EINVAL, ioctl(self->dev.fd, VFIO_DEVICE_PCI_HOT_RESET,
				   &reset));
	reset.hdr.count = 1;
	reset.hdr.flags = 1;
	EXPECT_ERRNO(EINVAL, ioctl(self->dev.fd, VFIO_DEVICE_PCI_HOT_RESET,
				   &reset));
	reset.hdr.flags = 0;
	efd = eventfd(0, EFD_CLOEXEC);
	reset.fds[0] = efd;
	EXPECT_ERRNO(EINVAL, ioctl(self->dev.fd, VFIO_DEVICE_PCI_HOT_RESET,
				   &reset));
	close(efd);
	reset.fds[0] = 1000;
	EXPECT_ERRNO(EBADF, ioctl(self->dev.fd, VFIO_DEVICE_PCI_HOT_RESET,
				  &reset));
	reset.hdr.count = info->count + 1;
	EXPECT_ERRNO(EINVAL, ioctl(self->dev.fd, VFIO_DEVICE_PCI_HOT_RESET,
				   &reset));

	/* With the group: allowed if every affected device is ours. */
	reset.hdr.count = 1;
	reset.fds[0] = self->dev.group;
	ret = ioctl(self->dev.fd, VFIO_DEVICE_PCI_HOT_RESET, &reset);
	if (info->count == 1) {
		EXPECT_EQ(0, ret) TH_LOG("hot reset: %s", strerror(errno));
		return;
	}
	hot_reset_all_owned(_metadata, &self->dev, info, ret);
}

/* The device request: unbinding waits for the user, and asks it */

TEST_F(vfio_pci, request_on_unbind)
{
	int32_t efd;
	pid_t pid;
	int status;

	efd = eventfd(0, EFD_CLOEXEC);
	ASSERT_LE(0, efd);
	ASSERT_EQ(0, vpt_irq_eventfds(self->dev.fd, VFIO_PCI_REQ_IRQ_INDEX, 0,
				      1, &efd));

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		/* A copy of the device fd would make the unbind wait for us. */
		syscall(SYS_close_range, 3, ~0U, 0);
		_exit(write_file(SYSFS_PCI "/drivers/vfio-pci/unbind",
				 self->dev.bdf) ? 1 : 0);
	}

	EXPECT_LT(0, vpt_eventfd_wait(efd, EVENT_TIMEOUT_MS));
	/* Still bound: the unbind waits for the device fd. */
	EXPECT_EQ(0, waitpid(pid, &status, WNOHANG));

	close(self->dev.fd);
	self->dev.fd = -1;
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status));
	close(efd);
}

TEST_HARNESS_MAIN
