// SPDX-License-Identifier: GPL-2.0-only
/*
 * The device-tree capabilities of vfio-platform and vfio-amba (extensions
 * of this tree, see Documentation/vfio.rst), checked against the device
 * tree the machine booted with, parsed with libfdt from /sys/firmware/fdt:
 * the node path, property and entry a region or interrupt names must be
 * there, and the "reg" entry's size, the unit address and the interrupt
 * specifier's trigger type must agree with what VFIO reports.
 *
 * Also the ABI of the VFIO_DEVICE_GET_IRQ_INFO extension: a caller with
 * Linux's 16-byte struct vfio_irq_info gets Linux's reply byte for byte,
 * a caller with struct vfio_irq_info_ext gets the chain.
 *
 * Runs on every device it finds: the PL031 and PL061 (AMBA or platform)
 * and a virtio-mmio slot (platform).
 */
#include <sys/stat.h>

#include "kselftest_harness.h"
#include "vfio_platform_util.h"

#ifdef VFIO_TEST_HAVE_LIBFDT
#include <libfdt.h>
#endif

#define VFIO_PLATFORM_PARAMS	"/sys/module/vfio_platform/parameters"

FIXTURE(dt) {
	struct plat_dev dev;
	struct plat_fds fds;
	int noiommu;
	long reset_required;
	bool bound;
	void *fdt;
};

FIXTURE_VARIANT(dt) {
	const char *bus;
	const char *compat;
	uint32_t irq_type;	/* what the specifier on virt says */
};

FIXTURE_VARIANT_ADD(dt, pl031_amba) {
	.bus = "amba", .compat = "arm,pl031",
	.irq_type = VFIO_IRQ_DT_TYPE_LEVEL_HIGH,
};

FIXTURE_VARIANT_ADD(dt, pl031_platform) {
	.bus = "platform", .compat = "arm,pl031",
	.irq_type = VFIO_IRQ_DT_TYPE_LEVEL_HIGH,
};

FIXTURE_VARIANT_ADD(dt, pl061_amba) {
	.bus = "amba", .compat = "arm,pl061",
	.irq_type = VFIO_IRQ_DT_TYPE_LEVEL_HIGH,
};

FIXTURE_VARIANT_ADD(dt, virtio_mmio_platform) {
	.bus = "platform", .compat = "virtio,mmio",
	.irq_type = VFIO_IRQ_DT_TYPE_EDGE_RISING,
};

/* /sys/firmware/fdt, read in a loop: one read() returns at most 4 KiB. */
static void *read_fdt(void)
{
	size_t size = 0, cap = 1 << 20;
	char *buf = malloc(cap);
	ssize_t len;
	int fd;

	fd = open("/sys/firmware/fdt", O_RDONLY);
	if (fd < 0 || !buf) {
		free(buf);
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	while ((len = read(fd, buf + size, cap - size)) > 0) {
		size += len;
		if (size == cap) {
			cap *= 2;
			buf = realloc(buf, cap);
			if (!buf)
				break;
		}
	}
	close(fd);
	return buf;
}

FIXTURE_SETUP(dt)
{
	char driver[64];

	self->fds.device = -1;
	self->fds.group = -1;
	self->fds.container = -1;
	self->noiommu = -1;
	self->reset_required = -1;
	if (!plat_find(&self->dev, variant->bus, variant->compat))
		SKIP(return, "no %s on the %s bus here", variant->compat,
		     variant->bus);
	plat_bound_driver(&self->dev, driver, sizeof(driver));
	if (!strcmp(variant->compat, "arm,pl061") && driver[0])
		SKIP(return, "the PL061 is driven by %s", driver);

	if (!strcmp(variant->bus, "platform")) {
		plat_load_missing_modules();
		self->reset_required =
			plat_read_long(VFIO_PLATFORM_PARAMS "/reset_required");
		plat_write(VFIO_PLATFORM_PARAMS "/reset_required", "0");
	}
	self->noiommu = plat_noiommu_on();
	ASSERT_LE(0, self->noiommu);
	ASSERT_EQ(0, plat_bind_vfio(&self->dev));
	self->bound = true;
	ASSERT_EQ(0, plat_open(&self->dev, &self->fds));
	self->fdt = read_fdt();
}

FIXTURE_TEARDOWN(dt)
{
	free(self->fdt);
	plat_close(&self->fds);
	if (self->bound)
		plat_release(&self->dev);
	plat_noiommu_restore(self->noiommu);
	if (self->reset_required >= 0)
		plat_write(VFIO_PLATFORM_PARAMS "/reset_required",
			   self->reset_required ? "1" : "0");
}

#ifdef VFIO_TEST_HAVE_LIBFDT
/* The unit address in the device's name: "9010000.pl031" -> 0x9010000. */
static uint64_t unit_address(const struct plat_dev *d)
{
	return strtoull(d->name, NULL, 16);
}

static uint64_t fdt_cells(const fdt32_t *cells, int n)
{
	uint64_t val = 0;

	while (n--)
		val = (val << 32) | fdt32_to_cpu(*cells++);
	return val;
}
#endif

/* Region 0's capability names the node, "reg" and an entry of it. */
TEST_F(dt, region_cap)
{
	union {
		struct vfio_region_info info;
		char buf[512];
	} u = { .info = { .argsz = sizeof(struct vfio_region_info) } };
	struct vfio_region_info_cap_dt *cap;
	struct vfio_info_cap_header *hdr;
	uint32_t needed;

	/* Too small for the chain: told the size, no chain written. */
	ASSERT_EQ(0, ioctl(self->fds.device, VFIO_DEVICE_GET_REGION_INFO,
			   &u.info));
	ASSERT_TRUE(u.info.flags & VFIO_REGION_INFO_FLAG_CAPS);
	EXPECT_EQ(0, u.info.cap_offset);
	needed = u.info.argsz;
	ASSERT_LT(sizeof(struct vfio_region_info), needed);
	ASSERT_GE(sizeof(u.buf), needed);

	u.info.argsz = sizeof(u.buf);
	ASSERT_EQ(0, ioctl(self->fds.device, VFIO_DEVICE_GET_REGION_INFO,
			   &u.info));
	EXPECT_EQ(sizeof(u.buf), u.info.argsz);
	ASSERT_EQ(sizeof(struct vfio_region_info), u.info.cap_offset);
	hdr = plat_find_cap(u.buf, needed, u.info.cap_offset,
			    VFIO_REGION_INFO_CAP_DT);
	ASSERT_NE(NULL, hdr);
	EXPECT_EQ(1, hdr->version);
	cap = (struct vfio_region_info_cap_dt *)hdr;
	EXPECT_STREQ("reg", cap->property);
	EXPECT_EQ(0, cap->entry);
	EXPECT_EQ(0, cap->reserved);
	EXPECT_EQ('/', cap->path[0]);
	EXPECT_NE(NULL, strstr(cap->path, strchr(self->dev.name, '.') + 1))
		TH_LOG("path %s does not name %s", cap->path, self->dev.name);
	EXPECT_EQ(0, (needed - u.info.cap_offset) % 8);

#ifdef VFIO_TEST_HAVE_LIBFDT
	{
		int node, parent, ac, sc, len;
		const fdt32_t *reg;

		ASSERT_NE(NULL, self->fdt);
		ASSERT_EQ(0, fdt_check_header(self->fdt));
		node = fdt_path_offset(self->fdt, cap->path);
		ASSERT_LE(0, node) TH_LOG("%s not in the DTB", cap->path);
		parent = fdt_parent_offset(self->fdt, node);
		ac = fdt_address_cells(self->fdt, parent);
		sc = fdt_size_cells(self->fdt, parent);
		reg = fdt_getprop(self->fdt, node, cap->property, &len);
		ASSERT_NE(NULL, reg);
		ASSERT_LE((int)((cap->entry + 1) * (ac + sc) * 4), len);
		reg += cap->entry * (ac + sc);
		EXPECT_EQ(unit_address(&self->dev), fdt_cells(reg, ac));
		EXPECT_EQ(u.info.size, fdt_cells(reg + ac, sc));
	}
#else
	TH_LOG("built without libfdt: the DTB itself is not consulted");
#endif
}

/*
 * The IRQ capability: node, property, entry, and the trigger type of the
 * specifier; with the trigger installed, /proc/interrupts shows the line
 * with the specifier's hardware number.
 */
TEST_F(dt, irq_cap)
{
	union {
		struct vfio_irq_info_ext info;
		char buf[512];
	} u = { .info = { .argsz = sizeof(struct vfio_irq_info_ext) } };
	struct vfio_irq_info_cap_dt *cap;
	struct vfio_info_cap_header *hdr;
	uint32_t needed;

	ASSERT_EQ(0, ioctl(self->fds.device, VFIO_DEVICE_GET_IRQ_INFO,
			   &u.info));
	ASSERT_TRUE(u.info.flags & VFIO_IRQ_INFO_FLAG_CAPS);
	EXPECT_EQ(0, u.info.cap_offset);
	needed = u.info.argsz;
	ASSERT_LT(sizeof(struct vfio_irq_info_ext), needed);
	ASSERT_GE(sizeof(u.buf), needed);

	u.info.argsz = sizeof(u.buf);
	ASSERT_EQ(0, ioctl(self->fds.device, VFIO_DEVICE_GET_IRQ_INFO,
			   &u.info));
	ASSERT_EQ(sizeof(struct vfio_irq_info_ext), u.info.cap_offset);
	EXPECT_EQ(1, u.info.count);
	EXPECT_EQ(0, u.info.reserved);
	hdr = plat_find_cap(u.buf, needed, u.info.cap_offset,
			    VFIO_IRQ_INFO_CAP_DT);
	ASSERT_NE(NULL, hdr);
	EXPECT_EQ(1, hdr->version);
	cap = (struct vfio_irq_info_cap_dt *)hdr;
	EXPECT_STREQ("interrupts", cap->property);
	EXPECT_EQ(0, cap->entry);
	EXPECT_EQ(variant->irq_type, cap->type);
	EXPECT_EQ('/', cap->path[0]);

#ifdef VFIO_TEST_HAVE_LIBFDT
	{
		const fdt32_t *prop, *spec;
		uint32_t phandle, cells;
		int node, gic, len, efd;
		char line[512];
		FILE *f;
		bool seen = false;

		ASSERT_NE(NULL, self->fdt);
		node = fdt_path_offset(self->fdt, cap->path);
		ASSERT_LE(0, node);
		/* The interrupt parent is the node's or, above it, the root's. */
		prop = fdt_getprop(self->fdt, node, "interrupt-parent", &len);
		if (!prop)
			prop = fdt_getprop(self->fdt, 0, "interrupt-parent", &len);
		ASSERT_NE(NULL, prop);
		phandle = fdt32_to_cpu(*prop);
		gic = fdt_node_offset_by_phandle(self->fdt, phandle);
		ASSERT_LE(0, gic);
		prop = fdt_getprop(self->fdt, gic, "#interrupt-cells", &len);
		ASSERT_NE(NULL, prop);
		cells = fdt32_to_cpu(*prop);
		ASSERT_EQ(3, cells) TH_LOG("expected a GIC specifier");

		spec = fdt_getprop(self->fdt, node, cap->property, &len);
		ASSERT_NE(NULL, spec);
		ASSERT_LE((int)((cap->entry + 1) * cells * 4), len);
		spec += cap->entry * cells;
		/* GIC: <type (0: SPI), number, flags>; flags carry the trigger. */
		EXPECT_EQ(0, fdt32_to_cpu(spec[0]));
		EXPECT_EQ(cap->type, fdt32_to_cpu(spec[2]) & 0xf);

		/* The hardware number of an SPI is its number plus 32. */
		efd = eventfd(0, EFD_CLOEXEC);
		ASSERT_LE(0, efd);
		ASSERT_EQ(0, plat_irq_set_fd(self->fds.device, 0,
					     VFIO_IRQ_SET_ACTION_TRIGGER, efd));
		f = fopen("/proc/interrupts", "r");
		ASSERT_NE(NULL, f);
		while (fgets(line, sizeof(line), f)) {
			char want[32];

			if (!strstr(line, "vfio-irq[") ||
			    !strstr(line, self->dev.name))
				continue;
			snprintf(want, sizeof(want), " %u ",
				 fdt32_to_cpu(spec[1]) + 32);
			EXPECT_NE(NULL, strstr(line, want))
				TH_LOG("%s lacks hwirq%s", line, want);
			EXPECT_NE(NULL, strstr(line, cap->type &
					       VFIO_IRQ_DT_TYPE_EDGE_RISING ?
					       "Edge" : "Level"));
			seen = true;
		}
		fclose(f);
		EXPECT_TRUE(seen) TH_LOG("our line is not in /proc/interrupts");
		plat_irq_set_fd(self->fds.device, 0,
				VFIO_IRQ_SET_ACTION_TRIGGER, -1);
		close(efd);
	}
#endif
}

/*
 * Linux's struct vfio_irq_info (16 bytes) gets Linux's answer: the same
 * four words, no CAPS flag, argsz untouched, not a byte written past it.
 */
TEST_F(dt, irq_info_old_argsz)
{
	struct vfio_irq_info expect = {
		.argsz = sizeof(struct vfio_irq_info),
		.flags = VFIO_IRQ_INFO_EVENTFD,
		.index = 0,
		.count = 1,
	};
	unsigned char buf[64];
	struct vfio_irq_info *info = (void *)buf;
	size_t i;

	if (variant->irq_type & (VFIO_IRQ_DT_TYPE_LEVEL_HIGH |
				 VFIO_IRQ_DT_TYPE_LEVEL_LOW))
		expect.flags |= VFIO_IRQ_INFO_MASKABLE |
				VFIO_IRQ_INFO_AUTOMASKED;

	memset(buf, 0xa5, sizeof(buf));
	info->argsz = sizeof(*info);
	info->flags = 0;
	info->index = 0;
	ASSERT_EQ(0, ioctl(self->fds.device, VFIO_DEVICE_GET_IRQ_INFO, info));
	EXPECT_EQ(0, memcmp(&expect, buf, sizeof(expect)))
		TH_LOG("got argsz %u flags %#x index %u count %u",
		       info->argsz, info->flags, info->index, info->count);
	for (i = sizeof(*info); i < sizeof(buf); i++)
		ASSERT_EQ(0xa5, buf[i]) TH_LOG("byte %zu written", i);

	/* Shorter than Linux's struct: refused, as Linux does. */
	info->argsz = sizeof(*info) - 1;
	EXPECT_EQ(-1, ioctl(self->fds.device, VFIO_DEVICE_GET_IRQ_INFO, info));
	EXPECT_EQ(EINVAL, errno);
	/* No such index. */
	info->argsz = sizeof(*info);
	info->index = 1;
	EXPECT_EQ(-1, ioctl(self->fds.device, VFIO_DEVICE_GET_IRQ_INFO, info));
	EXPECT_EQ(EINVAL, errno);
}

/* The extension's values stay clear of Linux's. */
TEST(extension_values)
{
	EXPECT_EQ(0, VFIO_IRQ_INFO_FLAG_CAPS &
		     (VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_MASKABLE |
		      VFIO_IRQ_INFO_AUTOMASKED | VFIO_IRQ_INFO_NORESIZE));
	EXPECT_NE(VFIO_REGION_INFO_CAP_SPARSE_MMAP, VFIO_REGION_INFO_CAP_DT);
	EXPECT_NE(VFIO_REGION_INFO_CAP_TYPE, VFIO_REGION_INFO_CAP_DT);
	EXPECT_NE(VFIO_REGION_INFO_CAP_MSIX_MAPPABLE, VFIO_REGION_INFO_CAP_DT);
	EXPECT_NE(VFIO_REGION_INFO_CAP_NVLINK2_SSATGT, VFIO_REGION_INFO_CAP_DT);
	EXPECT_NE(VFIO_REGION_INFO_CAP_NVLINK2_LNKSPD, VFIO_REGION_INFO_CAP_DT);
	EXPECT_EQ(16, sizeof(struct vfio_irq_info));
	EXPECT_EQ(24, sizeof(struct vfio_irq_info_ext));
	EXPECT_EQ(offsetof(struct vfio_irq_info, count),
		  offsetof(struct vfio_irq_info_ext, count));
}

TEST_HARNESS_MAIN
