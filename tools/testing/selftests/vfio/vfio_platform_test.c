// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio-platform and vfio-amba on real device-tree devices of QEMU's arm64
 * "virt" machine, in no-IOMMU mode (its platform devices sit behind no
 * IOMMU):
 *
 *  - the PL031 RTC, through vfio-amba and, when the VM booted a DTB that
 *    dropped "arm,primecell" from its node, through vfio-platform: the
 *    clock read with pread and through mmap, the alarm interrupt with its
 *    automasking, the reset handler;
 *  - a virtio-mmio slot through vfio-platform: a 0x200-byte region that
 *    is read and written but never mmap'ed, an edge interrupt;
 *  - the PL061 GPIO through vfio-amba: the interrupt raised by pressing
 *    the machine's power button (the harness asks QEMU for it);
 *  - the reset_required refusal and what no-IOMMU mode demands.
 *
 * Each test skips when its device is not on its bus in this machine.
 */
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <linux/capability.h>

#include "kselftest_harness.h"
#include "vfio_platform_util.h"

/* PL031 registers */
#define PL031_DR	0x00
#define PL031_MR	0x04
#define PL031_IMSC	0x10
#define PL031_RIS	0x14
#define PL031_ICR	0x1c

/* PL061 registers */
#define PL061_IS	0x404
#define PL061_IBE	0x408
#define PL061_IEV	0x40c
#define PL061_IE	0x410
#define PL061_MIS	0x418
#define PL061_IC	0x41c
#define PL061_POWER_BUTTON	0x08	/* GPIO 3 on virt */

#define VIRTIO_MMIO_MAGIC	0x74726976	/* "virt" */

#define VFIO_PLATFORM_PARAMS	"/sys/module/vfio_platform/parameters"
#define VFIO_AMBA_PARAMS	"/sys/module/vfio_amba/parameters"

/*
 * A load from device memory mapped into userspace; an atomic load cannot
 * be merged with another or elided.
 */
static uint32_t mmio_read32(const uint32_t *reg)
{
	return __atomic_load_n(reg, __ATOMIC_RELAXED);
}

/* Fill @info for region 0 of @device. */
static int region0_info(int device, struct vfio_region_info *info)
{
	*info = (struct vfio_region_info){ .argsz = sizeof(*info) };
	return ioctl(device, VFIO_DEVICE_GET_REGION_INFO, info);
}

/* ---- PL031 ---- */

FIXTURE(pl031) {
	struct plat_dev dev;
	struct plat_fds fds;
	uint64_t offset;
	int noiommu;
	bool bound;
};

FIXTURE_VARIANT(pl031) {
	const char *bus;
	uint32_t bus_flag;
};

FIXTURE_VARIANT_ADD(pl031, amba) {
	.bus = "amba",
	.bus_flag = VFIO_DEVICE_FLAGS_AMBA,
};

FIXTURE_VARIANT_ADD(pl031, platform) {
	.bus = "platform",
	.bus_flag = VFIO_DEVICE_FLAGS_PLATFORM,
};

FIXTURE_SETUP(pl031)
{
	struct vfio_region_info info;

	self->fds.device = -1;
	self->fds.group = -1;
	self->fds.container = -1;
	self->noiommu = -1;
	if (!plat_find(&self->dev, variant->bus, "arm,pl031"))
		SKIP(return, "no PL031 on the %s bus here", variant->bus);

	self->noiommu = plat_noiommu_on();
	ASSERT_LE(0, self->noiommu)
		TH_LOG("vfio.ko lacks no-IOMMU mode");
	ASSERT_EQ(0, plat_bind_vfio(&self->dev));
	self->bound = true;
	ASSERT_EQ(0, plat_open(&self->dev, &self->fds));
	ASSERT_EQ(0, region0_info(self->fds.device, &info));
	self->offset = info.offset;
}

FIXTURE_TEARDOWN(pl031)
{
	plat_close(&self->fds);
	if (self->bound)
		plat_release(&self->dev);
	plat_noiommu_restore(self->noiommu);
}

TEST_F(pl031, device_info)
{
	struct vfio_device_info info = { .argsz = sizeof(info) };

	ASSERT_EQ(0, ioctl(self->fds.device, VFIO_DEVICE_GET_INFO, &info));
	EXPECT_TRUE(info.flags & variant->bus_flag);
	EXPECT_TRUE(info.flags & VFIO_DEVICE_FLAGS_RESET);
	EXPECT_FALSE(info.flags & VFIO_DEVICE_FLAGS_PCI);
	EXPECT_EQ(1, info.num_regions);
	EXPECT_EQ(1, info.num_irqs);
}

TEST_F(pl031, region_info)
{
	struct vfio_region_info info;

	ASSERT_EQ(0, region0_info(self->fds.device, &info));
	EXPECT_EQ(0x1000, info.size);
	EXPECT_TRUE(info.flags & VFIO_REGION_INFO_FLAG_READ);
	EXPECT_TRUE(info.flags & VFIO_REGION_INFO_FLAG_WRITE);
	if (getpagesize() == 0x1000)
		EXPECT_TRUE(info.flags & VFIO_REGION_INFO_FLAG_MMAP);

	info.index = 1;
	EXPECT_EQ(-1, ioctl(self->fds.device, VFIO_DEVICE_GET_REGION_INFO,
			    &info));
	EXPECT_EQ(EINVAL, errno);
}

/* The clock's seconds, through pread and through an mmap of the region. */
TEST_F(pl031, read_clock)
{
	uint32_t first, second, mapped;
	uint32_t *regs;

	first = plat_rd32(self->fds.device, self->offset, PL031_DR);
	ASSERT_NE(0xdeadbeef, first);
	ASSERT_NE(0, first) TH_LOG("the RTC reads 0: is it counting?");

	regs = mmap(NULL, 0x1000, PROT_READ | PROT_WRITE, MAP_SHARED,
		    self->fds.device, self->offset);
	ASSERT_NE(MAP_FAILED, regs);
	mapped = mmio_read32(&regs[PL031_DR / 4]);
	EXPECT_LE(first, mapped);
	EXPECT_GE(first + 1, mapped);

	usleep(1200 * 1000);
	second = plat_rd32(self->fds.device, self->offset, PL031_DR);
	EXPECT_LE(first + 1, second);
	EXPECT_GE(first + 3, second);
	EXPECT_EQ(second, mmio_read32(&regs[PL031_DR / 4]));
	munmap(regs, 0x1000);

	/* Past the end of the region, and a region that does not exist. */
	EXPECT_EQ(-1, pread(self->fds.device, &first, 4,
			    self->offset + 0x1000));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, pread(self->fds.device, &first, 4,
			    self->offset + (1ULL << 40)));
	EXPECT_EQ(EINVAL, errno);
}

/*
 * The alarm interrupt: level triggered, so it arrives once, is masked by
 * the kernel, and fires again only when userspace unmasks it while the
 * RTC still asserts it; once the RTC is cleared, unmasking stays quiet.
 */
TEST_F_TIMEOUT(pl031, alarm_interrupt, 60)
{
	struct vfio_irq_info info = { .argsz = sizeof(info) };
	int dev = self->fds.device, efd, unmask_fd;
	uint64_t one = 1;
	uint32_t now;

	ASSERT_EQ(0, ioctl(dev, VFIO_DEVICE_GET_IRQ_INFO, &info));
	EXPECT_EQ(VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_MASKABLE |
		  VFIO_IRQ_INFO_AUTOMASKED, info.flags);
	EXPECT_EQ(1, info.count);

	efd = eventfd(0, EFD_CLOEXEC);
	ASSERT_LE(0, efd);
	ASSERT_EQ(0, plat_irq_set_fd(dev, 0, VFIO_IRQ_SET_ACTION_TRIGGER, efd));

	/* Arm the alarm for the next second or the one after. */
	ASSERT_EQ(0, plat_wr32(dev, self->offset, PL031_ICR, 1));
	now = plat_rd32(dev, self->offset, PL031_DR);
	ASSERT_EQ(0, plat_wr32(dev, self->offset, PL031_MR, now + 2));
	ASSERT_EQ(0, plat_wr32(dev, self->offset, PL031_IMSC, 1));
	ASSERT_EQ(1, plat_eventfd_wait(efd, PLAT_EVENT_TIMEOUT_MS))
		TH_LOG("no alarm interrupt");
	EXPECT_EQ(1, plat_rd32(dev, self->offset, PL031_RIS) & 1);

	/* Still asserted, but masked: silence. */
	EXPECT_EQ(0, plat_eventfd_wait(efd, PLAT_QUIET_TIMEOUT_MS));

	/* Unmasking with the line still asserted fires it again. */
	ASSERT_EQ(0, plat_irq_set_none(dev, 0, VFIO_IRQ_SET_ACTION_UNMASK));
	EXPECT_EQ(1, plat_eventfd_wait(efd, PLAT_EVENT_TIMEOUT_MS));
	EXPECT_EQ(0, plat_eventfd_wait(efd, PLAT_QUIET_TIMEOUT_MS));

	/* So does an unmask through an eventfd (virqfd). */
	unmask_fd = eventfd(0, EFD_CLOEXEC);
	ASSERT_LE(0, unmask_fd);
	ASSERT_EQ(0, plat_irq_set_fd(dev, 0, VFIO_IRQ_SET_ACTION_UNMASK,
				     unmask_fd));
	ASSERT_EQ(sizeof(one), write(unmask_fd, &one, sizeof(one)));
	EXPECT_EQ(1, plat_eventfd_wait(efd, PLAT_EVENT_TIMEOUT_MS));

	/* Serviced: clear the RTC's interrupt, unmask, and nothing comes. */
	ASSERT_EQ(0, plat_wr32(dev, self->offset, PL031_IMSC, 0));
	ASSERT_EQ(0, plat_wr32(dev, self->offset, PL031_ICR, 1));
	ASSERT_EQ(sizeof(one), write(unmask_fd, &one, sizeof(one)));
	EXPECT_EQ(0, plat_eventfd_wait(efd, PLAT_QUIET_TIMEOUT_MS));

	ASSERT_EQ(0, plat_irq_set_fd(dev, 0, VFIO_IRQ_SET_ACTION_UNMASK, -1));
	ASSERT_EQ(0, plat_irq_set_fd(dev, 0, VFIO_IRQ_SET_ACTION_TRIGGER, -1));
	close(unmask_fd);
	close(efd);
}

/* A loopback trigger follows the same automasking rules. */
TEST_F(pl031, loopback_automask)
{
	int dev = self->fds.device, efd;

	efd = eventfd(0, EFD_CLOEXEC);
	ASSERT_LE(0, efd);
	ASSERT_EQ(0, plat_irq_set_fd(dev, 0, VFIO_IRQ_SET_ACTION_TRIGGER, efd));

	ASSERT_EQ(0, plat_irq_set_none(dev, 0, VFIO_IRQ_SET_ACTION_TRIGGER));
	EXPECT_EQ(1, plat_eventfd_wait(efd, PLAT_EVENT_TIMEOUT_MS));
	/* Masked now: a second loopback is swallowed. */
	ASSERT_EQ(0, plat_irq_set_none(dev, 0, VFIO_IRQ_SET_ACTION_TRIGGER));
	EXPECT_EQ(0, plat_eventfd_wait(efd, PLAT_QUIET_TIMEOUT_MS));
	ASSERT_EQ(0, plat_irq_set_none(dev, 0, VFIO_IRQ_SET_ACTION_UNMASK));
	ASSERT_EQ(0, plat_irq_set_none(dev, 0, VFIO_IRQ_SET_ACTION_TRIGGER));
	EXPECT_EQ(1, plat_eventfd_wait(efd, PLAT_EVENT_TIMEOUT_MS));

	/* Masking by hand works the same way. */
	ASSERT_EQ(0, plat_irq_set_none(dev, 0, VFIO_IRQ_SET_ACTION_UNMASK));
	ASSERT_EQ(0, plat_irq_set_none(dev, 0, VFIO_IRQ_SET_ACTION_MASK));
	ASSERT_EQ(0, plat_irq_set_none(dev, 0, VFIO_IRQ_SET_ACTION_TRIGGER));
	EXPECT_EQ(0, plat_eventfd_wait(efd, PLAT_QUIET_TIMEOUT_MS));

	/* Tear the trigger down with a zero count. */
	{
		struct vfio_irq_set set = {
			.argsz = sizeof(set),
			.flags = VFIO_IRQ_SET_DATA_NONE |
				 VFIO_IRQ_SET_ACTION_TRIGGER,
			.index = 0,
			.count = 0,
		};

		EXPECT_EQ(0, ioctl(dev, VFIO_DEVICE_SET_IRQS, &set));
	}
	/* No such index. */
	EXPECT_EQ(-1, plat_irq_set_none(dev, 1, VFIO_IRQ_SET_ACTION_TRIGGER));
	EXPECT_EQ(EINVAL, errno);
	close(efd);
}

/*
 * The reset handler runs on open, on close and on VFIO_DEVICE_RESET, and
 * leaves the alarm disarmed.
 */
TEST_F(pl031, reset)
{
	int dev = self->fds.device;
	long before;

	before = plat_resets(&self->dev);
	ASSERT_LE(1, before) TH_LOG("no reset on open (debugfs mounted?)");

	ASSERT_EQ(0, plat_wr32(dev, self->offset, PL031_MR, 0x12345678));
	ASSERT_EQ(0, plat_wr32(dev, self->offset, PL031_IMSC, 1));
	ASSERT_EQ(0x12345678, plat_rd32(dev, self->offset, PL031_MR));
	ASSERT_EQ(0, ioctl(dev, VFIO_DEVICE_RESET));
	EXPECT_EQ(before + 1, plat_resets(&self->dev));
	EXPECT_EQ(0, plat_rd32(dev, self->offset, PL031_MR));
	EXPECT_EQ(0, plat_rd32(dev, self->offset, PL031_IMSC));

	/* Close resets once, the next open once more. */
	ASSERT_EQ(0, plat_wr32(dev, self->offset, PL031_MR, 0x1234));
	plat_close(&self->fds);
	EXPECT_EQ(before + 2, plat_resets(&self->dev));
	ASSERT_EQ(0, plat_open(&self->dev, &self->fds));
	EXPECT_EQ(before + 3, plat_resets(&self->dev));
	EXPECT_EQ(0, plat_rd32(self->fds.device, self->offset, PL031_MR));
}

/* ---- virtio-mmio ---- */

FIXTURE(virtio_mmio) {
	struct plat_dev dev;
	struct plat_fds fds;
	uint64_t offset;
	int noiommu;
	long reset_required;
	bool bound;
};

FIXTURE_SETUP(virtio_mmio)
{
	struct vfio_region_info info;

	self->fds.device = -1;
	self->fds.group = -1;
	self->fds.container = -1;
	self->noiommu = -1;
	self->reset_required = -1;
	if (!plat_find(&self->dev, "platform", "virtio,mmio"))
		SKIP(return, "no virtio-mmio device here");

	/* virtio-mmio has no reset handler: accept it without one. */
	plat_load_missing_modules();
	self->reset_required =
		plat_read_long(VFIO_PLATFORM_PARAMS "/reset_required");
	ASSERT_EQ(0, plat_write(VFIO_PLATFORM_PARAMS "/reset_required", "0"));
	self->noiommu = plat_noiommu_on();
	ASSERT_LE(0, self->noiommu);
	ASSERT_EQ(0, plat_bind_vfio(&self->dev));
	self->bound = true;
	ASSERT_EQ(0, plat_open(&self->dev, &self->fds));
	ASSERT_EQ(0, region0_info(self->fds.device, &info));
	self->offset = info.offset;
}

FIXTURE_TEARDOWN(virtio_mmio)
{
	plat_close(&self->fds);
	if (self->bound)
		plat_release(&self->dev);
	plat_noiommu_restore(self->noiommu);
	if (self->reset_required >= 0)
		plat_write(VFIO_PLATFORM_PARAMS "/reset_required",
			   self->reset_required ? "1" : "0");
}

TEST_F(virtio_mmio, device_info)
{
	struct vfio_device_info info = { .argsz = sizeof(info) };

	ASSERT_EQ(0, ioctl(self->fds.device, VFIO_DEVICE_GET_INFO, &info));
	EXPECT_TRUE(info.flags & VFIO_DEVICE_FLAGS_PLATFORM);
	EXPECT_FALSE(info.flags & VFIO_DEVICE_FLAGS_RESET);
	EXPECT_EQ(1, info.num_regions);
	EXPECT_EQ(1, info.num_irqs);

	EXPECT_EQ(-1, ioctl(self->fds.device, VFIO_DEVICE_RESET));
	EXPECT_EQ(EINVAL, errno);
}

/* A 0x200-byte window: read and written through the fd, never mapped. */
TEST_F(virtio_mmio, small_region)
{
	int dev = self->fds.device;
	struct vfio_region_info info;
	uint32_t val[2];
	void *map;

	ASSERT_EQ(0, region0_info(dev, &info));
	EXPECT_EQ(0x200, info.size);
	EXPECT_TRUE(info.flags & VFIO_REGION_INFO_FLAG_READ);
	EXPECT_TRUE(info.flags & VFIO_REGION_INFO_FLAG_WRITE);
	EXPECT_FALSE(info.flags & VFIO_REGION_INFO_FLAG_MMAP);

	EXPECT_EQ(VIRTIO_MMIO_MAGIC, plat_rd32(dev, self->offset, 0));

	map = mmap(NULL, getpagesize(), PROT_READ, MAP_SHARED, dev,
		   self->offset);
	EXPECT_EQ(MAP_FAILED, map);
	EXPECT_EQ(EINVAL, errno);

	/* The last word is readable, the byte after it is not. */
	EXPECT_EQ(4, pread(dev, val, 4, self->offset + 0x1fc));
	EXPECT_EQ(-1, pread(dev, val, 4, self->offset + 0x200));
	EXPECT_EQ(EINVAL, errno);
	/* A read crossing the end is cut at it. */
	EXPECT_EQ(4, pread(dev, val, 8, self->offset + 0x1fc));
}

/* An edge interrupt: eventfd only, no masking, every trigger forwarded. */
TEST_F(virtio_mmio, edge_interrupt)
{
	struct vfio_irq_info info = { .argsz = sizeof(info) };
	int dev = self->fds.device, efd;

	ASSERT_EQ(0, ioctl(dev, VFIO_DEVICE_GET_IRQ_INFO, &info));
	EXPECT_EQ(VFIO_IRQ_INFO_EVENTFD, info.flags);
	EXPECT_EQ(1, info.count);

	efd = eventfd(0, EFD_CLOEXEC);
	ASSERT_LE(0, efd);
	ASSERT_EQ(0, plat_irq_set_fd(dev, 0, VFIO_IRQ_SET_ACTION_TRIGGER, efd));
	ASSERT_EQ(0, plat_irq_set_none(dev, 0, VFIO_IRQ_SET_ACTION_TRIGGER));
	EXPECT_EQ(1, plat_eventfd_wait(efd, PLAT_EVENT_TIMEOUT_MS));
	ASSERT_EQ(0, plat_irq_set_none(dev, 0, VFIO_IRQ_SET_ACTION_TRIGGER));
	EXPECT_EQ(1, plat_eventfd_wait(efd, PLAT_EVENT_TIMEOUT_MS));

	EXPECT_EQ(-1, plat_irq_set_none(dev, 0, VFIO_IRQ_SET_ACTION_UNMASK));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, plat_irq_set_none(dev, 0, VFIO_IRQ_SET_ACTION_MASK));
	EXPECT_EQ(EINVAL, errno);
	ASSERT_EQ(0, plat_irq_set_fd(dev, 0, VFIO_IRQ_SET_ACTION_TRIGGER, -1));
	close(efd);
}

/* ---- PL061 ---- */

FIXTURE(pl061) {
	struct plat_dev dev;
	struct plat_fds fds;
	uint64_t offset;
	int noiommu;
	bool bound;
};

FIXTURE_SETUP(pl061)
{
	struct vfio_region_info info;
	char driver[64];

	self->fds.device = -1;
	self->fds.group = -1;
	self->fds.container = -1;
	self->noiommu = -1;
	if (!plat_find(&self->dev, "amba", "arm,pl061"))
		SKIP(return, "no PL061 on the amba bus here");
	plat_bound_driver(&self->dev, driver, sizeof(driver));
	if (driver[0] && strcmp(driver, "vfio-amba"))
		SKIP(return, "the PL061 is driven by %s (see initcall_blacklist)",
		     driver);

	self->noiommu = plat_noiommu_on();
	ASSERT_LE(0, self->noiommu);
	ASSERT_EQ(0, plat_bind_vfio(&self->dev));
	self->bound = true;
	ASSERT_EQ(0, plat_open(&self->dev, &self->fds));
	ASSERT_EQ(0, region0_info(self->fds.device, &info));
	self->offset = info.offset;
}

FIXTURE_TEARDOWN(pl061)
{
	plat_close(&self->fds);
	if (self->bound)
		plat_release(&self->dev);
	plat_noiommu_restore(self->noiommu);
}

/* The machine's power button, pressed by QEMU, raises GPIO 3. */
TEST_F_TIMEOUT(pl061, power_button, 60)
{
	struct vfio_irq_info info = { .argsz = sizeof(info) };
	int dev = self->fds.device, efd;
	uint8_t val;

	ASSERT_EQ(0, ioctl(dev, VFIO_DEVICE_GET_IRQ_INFO, &info));
	EXPECT_EQ(VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_MASKABLE |
		  VFIO_IRQ_INFO_AUTOMASKED, info.flags);

	efd = eventfd(0, EFD_CLOEXEC);
	ASSERT_LE(0, efd);
	ASSERT_EQ(0, plat_irq_set_fd(dev, 0, VFIO_IRQ_SET_ACTION_TRIGGER, efd));

	/* GPIO 3: interrupt on its rising edge. */
	val = 0xff;
	ASSERT_EQ(1, pwrite(dev, &val, 1, self->offset + PL061_IC));
	val = 0;
	ASSERT_EQ(1, pwrite(dev, &val, 1, self->offset + PL061_IS));
	ASSERT_EQ(1, pwrite(dev, &val, 1, self->offset + PL061_IBE));
	val = PL061_POWER_BUTTON;
	ASSERT_EQ(1, pwrite(dev, &val, 1, self->offset + PL061_IEV));
	ASSERT_EQ(1, pwrite(dev, &val, 1, self->offset + PL061_IE));

	/* The harness turns this console line into QEMU's system_powerdown. */
	fflush(stdout);
	printf("VFIO-VM-MONITOR: system_powerdown\n");
	fflush(stdout);

	ASSERT_EQ(1, plat_eventfd_wait(efd, 20000))
		TH_LOG("no interrupt: did the harness press the button?");
	ASSERT_EQ(1, pread(dev, &val, 1, self->offset + PL061_MIS));
	EXPECT_EQ(PL061_POWER_BUTTON, val & PL061_POWER_BUTTON);

	/* Serviced: clear, unmask, quiet. */
	val = 0xff;
	ASSERT_EQ(1, pwrite(dev, &val, 1, self->offset + PL061_IC));
	ASSERT_EQ(0, plat_irq_set_none(dev, 0, VFIO_IRQ_SET_ACTION_UNMASK));
	EXPECT_EQ(0, plat_eventfd_wait(efd, PLAT_QUIET_TIMEOUT_MS));

	ASSERT_EQ(0, plat_irq_set_fd(dev, 0, VFIO_IRQ_SET_ACTION_TRIGGER, -1));
	close(efd);
}

/* ---- Binding rules ---- */

/*
 * With reset_required set, a device without a reset handler is refused,
 * and the log says why.
 */
TEST(reset_required_refuses)
{
	struct plat_dev dev;
	long old;
	int kmsg, ret;

	if (!plat_find(&dev, "platform", "virtio,mmio"))
		SKIP(return, "no virtio-mmio device here");
	plat_load_missing_modules();
	old = plat_read_long(VFIO_PLATFORM_PARAMS "/reset_required");
	ASSERT_LE(0, old) TH_LOG("vfio-platform not loaded?");

	ASSERT_EQ(0, plat_write(VFIO_PLATFORM_PARAMS "/reset_required", "1"));
	kmsg = plat_kmsg_open();
	ret = plat_bind_vfio(&dev);
	plat_release(&dev);
	EXPECT_EQ(-ENODEV, ret);
	if (kmsg >= 0) {
		EXPECT_TRUE(plat_kmsg_find(kmsg, "no reset handler"));
		close(kmsg);
	}
	plat_write(VFIO_PLATFORM_PARAMS "/reset_required", old ? "1" : "0");
}

/* Without no-IOMMU mode a device with no IOMMU cannot be registered. */
TEST(noiommu_mode_needed)
{
	struct plat_dev dev;
	long old;
	int ret;

	if (!plat_find(&dev, "amba", "arm,pl031") &&
	    !plat_find(&dev, "platform", "arm,pl031"))
		SKIP(return, "no PL031 here");
	old = plat_read_long(PLAT_NOIOMMU_PARAM);
	ASSERT_LE(0, old);

	ASSERT_EQ(0, plat_write(PLAT_NOIOMMU_PARAM, "0"));
	ret = plat_bind_vfio(&dev);
	plat_release(&dev);
	plat_noiommu_restore(old);
	EXPECT_EQ(-ENODEV, ret);
}

static int drop_cap(int cap)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2];

	if (syscall(SYS_capget, &hdr, data))
		return -1;
	data[cap / 32].effective &= ~(1U << (cap % 32));
	data[cap / 32].permitted &= ~(1U << (cap % 32));
	return syscall(SYS_capset, &hdr, data);
}

/*
 * A no-IOMMU device is for CAP_SYS_RAWIO holders only, and registering
 * one taints the kernel.
 */
TEST(noiommu_needs_rawio_and_taints)
{
	struct plat_dev dev;
	struct plat_fds fds;
	int noiommu, status;
	long tainted;
	pid_t pid;

	if (!plat_find(&dev, "amba", "arm,pl031") &&
	    !plat_find(&dev, "platform", "arm,pl031"))
		SKIP(return, "no PL031 here");
	noiommu = plat_noiommu_on();
	ASSERT_LE(0, noiommu);
	ASSERT_EQ(0, plat_bind_vfio(&dev));

	tainted = plat_read_long("/proc/sys/kernel/tainted");
	EXPECT_TRUE(tainted & (1 << 6)) TH_LOG("TAINT_USER not set");

	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		if (drop_cap(CAP_SYS_RAWIO))
			_exit(2);
		_exit(plat_open(&dev, &fds) == -EPERM ? 0 : 1);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status))
		TH_LOG("opening without CAP_SYS_RAWIO did not fail with EPERM");

	/* With the capability it works. */
	ASSERT_EQ(0, plat_open(&dev, &fds));
	plat_close(&fds);

	plat_release(&dev);
	plat_noiommu_restore(noiommu);
}

TEST_HARNESS_MAIN
