/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Helpers shared by the vfio-pci selftests (vfio_pci_*_test.c).
 *
 * The tests run on the PCI devices the test VM provides at fixed addresses
 * and names in its environment (VFIO_TEST_EDU, VFIO_TEST_E1000E,
 * VFIO_TEST_NVME).  Each test binds its device to vfio-pci itself, through
 * driver_override, and gives it back afterwards, so a test program needs
 * nothing from whoever runs it.  A device that is not there is a SKIP.
 *
 * The container uses the type1 IOMMU backend when there is one, else the
 * vfio_mock test module's IOMMU backend: everything but DMA can be tested
 * with either.
 *
 * Header-only, so that every test program links on its own.
 */
#ifndef VFIO_PCI_UTIL_H
#define VFIO_PCI_UTIL_H

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <linux/pci_regs.h>
#include <linux/vfio.h>

#include "lib/include/vfio_util.h"

/* Extension number of the vfio_mock IOMMU backend ("MOCK") */
#define VFIO_PCI_TEST_MOCK_IOMMU	0x4d4f434b

/* The region encoding of vfio-pci: index << 40 | offset */
#define VFIO_PCI_TEST_INDEX_SHIFT	40
#define REGION_OFFSET(index)	((uint64_t)(index) << VFIO_PCI_TEST_INDEX_SHIFT)

/* How long a test waits for what should happen, and for what should not. */
#define EVENT_TIMEOUT_MS	5000
#define QUIET_TIMEOUT_MS	300

#define SYSFS_PCI		"/sys/bus/pci"

/*
 * EXPECT_ERRNO(err, call): @call returns -1 with errno @err.  For use in
 * TEST/TEST_F bodies.
 */
#define EXPECT_ERRNO(err, call) do {					\
		long __ret;						\
		int __errno;						\
		errno = 0;						\
		__ret = (long)(call);					\
		__errno = errno;					\
		EXPECT_EQ(-1, __ret);					\
		EXPECT_EQ(err, __errno);				\
	} while (0)

/* sysfs */

/* /sys/bus/pci/devices/@bdf/@attr */
static inline void vpt_dev_path(char *path, size_t size, const char *bdf,
				const char *attr)
{
	snprintf(path, size, SYSFS_PCI "/devices/%s/%s", bdf, attr);
}

/* Read @count bytes of the device's config space as the host sees it. */
static inline int vpt_sysfs_config(const char *bdf, void *buf, size_t count,
				   off_t offset)
{
	char path[PATH_MAX];
	ssize_t len;
	int fd;

	vpt_dev_path(path, sizeof(path), bdf, "config");
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	len = pread(fd, buf, count, offset);
	close(fd);
	return len == (ssize_t)count ? 0 : -EIO;
}

/* A resource line of sysfs "resource": start, end, flags.  0 or -errno. */
static inline int vpt_sysfs_resource(const char *bdf, int index,
				     uint64_t *start, uint64_t *end,
				     uint64_t *flags)
{
	char path[PATH_MAX], line[256];
	FILE *f;
	int i, ret = -ENOENT;

	*start = 0;
	*end = 0;
	*flags = 0;
	vpt_dev_path(path, sizeof(path), bdf, "resource");
	f = fopen(path, "re");
	if (!f)
		return -errno;
	for (i = 0; fgets(line, sizeof(line), f); i++) {
		char *p = line;

		if (i != index)
			continue;
		*start = strtoull(p, &p, 16);
		*end = strtoull(p, &p, 16);
		*flags = strtoull(p, &p, 16);
		ret = 0;
		break;
	}
	fclose(f);
	return ret;
}

static inline uint64_t vpt_sysfs_resource_size(const char *bdf, int index)
{
	uint64_t start = 0, end = 0, flags;

	if (vpt_sysfs_resource(bdf, index, &start, &end, &flags) || !end)
		return 0;
	return end - start + 1;
}

/* Binding */

/**
 * struct vpt_binding - what vpt_bind() changed, for vpt_unbind()
 * @bdf: the device
 * @old_driver: the driver it had, "" for none
 * @old_override: its driver_override before, "" for none
 * @bound: we bound it to vfio-pci (it was not already)
 */
struct vpt_binding {
	char bdf[32];
	char old_driver[64];
	char old_override[64];
	bool bound;
};

/*
 * Hand @bdf to vfio-pci: unbind its driver, name vfio-pci in
 * driver_override and probe.  Return: 0 or -errno.
 */
static inline int vpt_bind(const char *bdf, struct vpt_binding *b)
{
	char path[PATH_MAX];
	int ret;

	memset(b, 0, sizeof(*b));
	snprintf(b->bdf, sizeof(b->bdf), "%s", bdf);
	device_driver("pci", bdf, b->old_driver, sizeof(b->old_driver));
	if (!strcmp(b->old_driver, "vfio-pci"))
		return 0;
	vpt_dev_path(path, sizeof(path), bdf, "driver_override");
	if (read_file(path, b->old_override, sizeof(b->old_override)) ||
	    !strcmp(b->old_override, "(null)"))
		b->old_override[0] = '\0';

	if (b->old_driver[0]) {
		vpt_dev_path(path, sizeof(path), bdf, "driver/unbind");
		ret = write_file(path, bdf);
		if (ret)
			return ret;
	}
	ret = pci_override_bind(bdf, "vfio-pci");
	if (ret)
		return ret;
	b->bound = true;
	return 0;
}

/*
 * Undo vpt_bind(): unbind from vfio-pci, restore driver_override and give
 * the device back to the driver it had.
 */
static inline void vpt_unbind(struct vpt_binding *b)
{
	char path[PATH_MAX];

	if (!b->bound)
		return;
	write_file(SYSFS_PCI "/drivers/vfio-pci/unbind", b->bdf);
	vpt_dev_path(path, sizeof(path), b->bdf, "driver_override");
	write_file(path, b->old_override[0] ? b->old_override : "\n");
	if (b->old_driver[0])
		write_file(SYSFS_PCI "/drivers_probe", b->bdf);
	b->bound = false;
}

/* Opening */

/**
 * struct vpt_device - a vfio-pci device opened through a container
 * @bdf: its PCI name
 * @container: container fd
 * @group: group fd
 * @fd: device fd
 * @group_id: IOMMU group number
 * @iommu: the backend set on the container (VFIO_TYPE1v2_IOMMU or mock)
 * @info: VFIO_DEVICE_GET_INFO
 */
struct vpt_device {
	char bdf[32];
	int container;
	int group;
	int fd;
	int group_id;
	int iommu;
	struct vfio_device_info info;
};

/* A device not opened yet: no fds. */
static inline void vpt_device_init(struct vpt_device *d)
{
	memset(d, 0, sizeof(*d));
	d->container = -1;
	d->group = -1;
	d->fd = -1;
}

/* Open the container, group and device fds of @bdf.  0 or -errno. */
static inline int vpt_open(const char *bdf, struct vpt_device *d)
{
	struct vfio_group_status status = { .argsz = sizeof(status) };

	vpt_device_init(d);
	snprintf(d->bdf, sizeof(d->bdf), "%s", bdf);

	d->group_id = device_group_id("pci", bdf);
	if (d->group_id < 0)
		return -ENODEV;

	d->container = open(VFIO_CONTAINER_PATH, O_RDWR | O_CLOEXEC);
	if (d->container < 0)
		return -errno;
	if (ioctl(d->container, VFIO_CHECK_EXTENSION, VFIO_TYPE1v2_IOMMU) > 0)
		d->iommu = VFIO_TYPE1v2_IOMMU;
	else if (ioctl(d->container, VFIO_CHECK_EXTENSION,
		       VFIO_PCI_TEST_MOCK_IOMMU) > 0)
		d->iommu = VFIO_PCI_TEST_MOCK_IOMMU;
	else
		return -EOPNOTSUPP;

	d->group = open_group(d->group_id, false);
	if (d->group < 0)
		return -errno;
	if (ioctl(d->group, VFIO_GROUP_GET_STATUS, &status))
		return -errno;
	if (!(status.flags & VFIO_GROUP_FLAGS_VIABLE))
		return -EBUSY;
	if (ioctl(d->group, VFIO_GROUP_SET_CONTAINER, &d->container))
		return -errno;
	if (ioctl(d->container, VFIO_SET_IOMMU, d->iommu)) {
		/*
		 * type1 refuses platforms without interrupt remapping; the
		 * mock backend lets everything but DMA be tested there.
		 */
		if (d->iommu != VFIO_TYPE1v2_IOMMU ||
		    ioctl(d->container, VFIO_CHECK_EXTENSION,
			  VFIO_PCI_TEST_MOCK_IOMMU) <= 0)
			return -errno;
		d->iommu = VFIO_PCI_TEST_MOCK_IOMMU;
		if (ioctl(d->container, VFIO_SET_IOMMU, d->iommu))
			return -errno;
	}

	d->fd = ioctl(d->group, VFIO_GROUP_GET_DEVICE_FD, bdf);
	if (d->fd < 0)
		return -errno;

	d->info.argsz = sizeof(d->info);
	if (ioctl(d->fd, VFIO_DEVICE_GET_INFO, &d->info))
		return -errno;
	return 0;
}

static inline void vpt_close(struct vpt_device *d)
{
	if (d->fd >= 0)
		close(d->fd);
	if (d->group >= 0)
		close(d->group);
	if (d->container >= 0)
		close(d->container);
	d->fd = -1;
	d->group = -1;
	d->container = -1;
}

/* Regions */

/* VFIO_DEVICE_GET_REGION_INFO with room for a capability chain. */
struct vpt_region {
	struct vfio_region_info info;
	uint8_t caps[512];
};

static inline int vpt_region_info(int fd, uint32_t index,
				  struct vpt_region *r)
{
	memset(r, 0, sizeof(*r));
	r->info.argsz = sizeof(*r);
	r->info.index = index;
	return ioctl(fd, VFIO_DEVICE_GET_REGION_INFO, &r->info);
}

/* The capability @id in a region's chain, or NULL. */
static inline struct vfio_info_cap_header *
vpt_region_cap(struct vpt_region *r, uint16_t id)
{
	struct vfio_info_cap_header *hdr;
	uint32_t off;

	if (!(r->info.flags & VFIO_REGION_INFO_FLAG_CAPS))
		return NULL;
	for (off = r->info.cap_offset; off && off < sizeof(*r);
	     off = hdr->next) {
		hdr = (struct vfio_info_cap_header *)((uint8_t *)r + off);
		if (hdr->id == id)
			return hdr;
	}
	return NULL;
}

/* Config space through the device fd */

static inline int vpt_cfg_read(struct vpt_device *d, off_t pos, void *buf,
			       size_t count)
{
	ssize_t ret = pread(d->fd, buf, count,
			    REGION_OFFSET(VFIO_PCI_CONFIG_REGION_INDEX) + pos);

	return ret == (ssize_t)count ? 0 : -1;
}

static inline int vpt_cfg_write(struct vpt_device *d, off_t pos,
				const void *buf, size_t count)
{
	ssize_t ret = pwrite(d->fd, buf, count,
			     REGION_OFFSET(VFIO_PCI_CONFIG_REGION_INDEX) + pos);

	return ret == (ssize_t)count ? 0 : -1;
}

static inline uint32_t vpt_cfg_read32(struct vpt_device *d, off_t pos)
{
	uint32_t val = ~0U;

	vpt_cfg_read(d, pos, &val, sizeof(val));
	return val;
}

static inline uint16_t vpt_cfg_read16(struct vpt_device *d, off_t pos)
{
	uint16_t val = 0xffff;

	vpt_cfg_read(d, pos, &val, sizeof(val));
	return val;
}

static inline uint8_t vpt_cfg_read8(struct vpt_device *d, off_t pos)
{
	uint8_t val = 0xff;

	vpt_cfg_read(d, pos, &val, sizeof(val));
	return val;
}

static inline int vpt_cfg_write16(struct vpt_device *d, off_t pos,
				  uint16_t val)
{
	return vpt_cfg_write(d, pos, &val, sizeof(val));
}

static inline int vpt_cfg_write32(struct vpt_device *d, off_t pos,
				  uint32_t val)
{
	return vpt_cfg_write(d, pos, &val, sizeof(val));
}

/* Walk the capability list the user sees: offset of @id, or 0. */
static inline int vpt_find_cap(struct vpt_device *d, uint8_t id)
{
	int loops = 48;
	uint8_t pos;

	if (!(vpt_cfg_read16(d, PCI_STATUS) & PCI_STATUS_CAP_LIST))
		return 0;
	pos = vpt_cfg_read8(d, PCI_CAPABILITY_LIST);
	while (pos && loops--) {
		if (vpt_cfg_read8(d, pos + PCI_CAP_LIST_ID) == id)
			return pos;
		pos = vpt_cfg_read8(d, pos + PCI_CAP_LIST_NEXT);
	}
	return 0;
}

/* BARs through the device fd */

static inline uint32_t vpt_bar_read32(struct vpt_device *d, int bar,
				      off_t pos)
{
	uint32_t val = ~0U;

	if (pread(d->fd, &val, sizeof(val), REGION_OFFSET(bar) + pos) !=
	    sizeof(val))
		return ~0U;
	return val;
}

static inline int vpt_bar_write32(struct vpt_device *d, int bar, off_t pos,
				  uint32_t val)
{
	return pwrite(d->fd, &val, sizeof(val), REGION_OFFSET(bar) + pos) ==
	       sizeof(val) ? 0 : -1;
}

/* Interrupts */

static inline int vpt_set_irqs(int fd, uint32_t flags, uint32_t index,
			       uint32_t start, uint32_t count,
			       const void *data, size_t data_size)
{
	char buf[sizeof(struct vfio_irq_set) + 256];
	struct vfio_irq_set *set = (struct vfio_irq_set *)buf;

	if (data_size > 256) {
		errno = E2BIG;
		return -1;
	}
	memset(buf, 0, sizeof(buf));
	set->argsz = sizeof(*set) + data_size;
	set->flags = flags;
	set->index = index;
	set->start = start;
	set->count = count;
	if (data_size)
		memcpy(set->data, data, data_size);
	return ioctl(fd, VFIO_DEVICE_SET_IRQS, set);
}

/* Connect @count vectors from @start to the eventfds in @fds. */
static inline int vpt_irq_eventfds(int fd, uint32_t index, uint32_t start,
				   uint32_t count, const int32_t *fds)
{
	return vpt_set_irqs(fd, VFIO_IRQ_SET_DATA_EVENTFD |
			    VFIO_IRQ_SET_ACTION_TRIGGER, index, start, count,
			    fds, count * sizeof(*fds));
}

/* Disable a whole index. */
static inline int vpt_irq_disable(int fd, uint32_t index)
{
	return vpt_set_irqs(fd, VFIO_IRQ_SET_DATA_NONE |
			    VFIO_IRQ_SET_ACTION_TRIGGER, index, 0, 0, NULL, 0);
}

static inline int vpt_irq_info(int fd, uint32_t index,
			       struct vfio_irq_info *info)
{
	memset(info, 0, sizeof(*info));
	info->argsz = sizeof(*info);
	info->index = index;
	return ioctl(fd, VFIO_DEVICE_GET_IRQ_INFO, info);
}

/*
 * Wait up to @timeout_ms for @efd and consume its count.
 * Return: the count, 0 on timeout, -1 on error.
 */
static inline long long vpt_eventfd_wait(int efd, int timeout_ms)
{
	struct pollfd pfd = { .fd = efd, .events = POLLIN };
	uint64_t count;

	if (poll(&pfd, 1, timeout_ms) <= 0)
		return 0;
	if (read(efd, &count, sizeof(count)) != sizeof(count))
		return -1;
	return count;
}

static inline int vpt_eventfd_signal(int efd)
{
	uint64_t one = 1;

	return write(efd, &one, sizeof(one)) == sizeof(one) ? 0 : -1;
}

/* Faults */

static sigjmp_buf vpt_fault_jmp;
static sig_atomic_t vpt_fault_sig;

static void vpt_fault_handler(int sig)
{
	vpt_fault_sig = sig;
	siglongjmp(vpt_fault_jmp, 1);
}

/*
 * Registers of a mapped BAR: one load or store each, never merged or
 * left out by the compiler.
 */
static inline uint32_t vpt_mmio_read32(const void *base, off_t off)
{
	return __atomic_load_n((const uint32_t *)((const char *)base + off),
			       __ATOMIC_RELAXED);
}

static inline void vpt_mmio_write32(void *base, off_t off, uint32_t val)
{
	__atomic_store_n((uint32_t *)((char *)base + off), val,
			 __ATOMIC_RELAXED);
}

/*
 * Read the 32-bit register at @p, catching SIGBUS and SIGSEGV.
 * Return: 0 with *@val set, or the signal that stopped the read.
 */
static inline int vpt_try_read32(const void *p, uint32_t *val)
{
	struct sigaction sa = { .sa_handler = vpt_fault_handler }, obus, osegv;
	int sig = 0;

	sigaction(SIGBUS, &sa, &obus);
	sigaction(SIGSEGV, &sa, &osegv);
	vpt_fault_sig = 0;
	if (!sigsetjmp(vpt_fault_jmp, 1))
		*val = vpt_mmio_read32(p, 0);
	else
		sig = vpt_fault_sig;
	sigaction(SIGBUS, &obus, NULL);
	sigaction(SIGSEGV, &osegv, NULL);
	return sig;
}

/* Minor page faults of this process so far. */
static inline long vpt_minflt(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_minflt;
}

/* The devices of the test VM */

/* The BDF the VM gives the device called @name (e.g. "EDU"), or NULL. */
static inline const char *vpt_test_device(const char *name)
{
	char var[64], path[PATH_MAX];
	const char *bdf;

	snprintf(var, sizeof(var), "VFIO_TEST_%s", name);
	bdf = getenv(var);
	if (!bdf || !*bdf)
		return NULL;
	vpt_dev_path(path, sizeof(path), bdf, "config");
	return access(path, F_OK) ? NULL : bdf;
}

/*
 * vpt_bind() for a FIXTURE_SETUP.  A device that cannot be bound (no
 * vfio-pci, or it refused the device) is a reason to skip, not a failure.
 * Return: 0 when bound, 1 to skip, or -errno; @why says why not 0.
 */
static inline int vpt_setup_bind(const char *bdf, struct vpt_binding *b,
				 char *why, size_t size)
{
	int ret = vpt_bind(bdf, b);

	if (!ret)
		return 0;
	snprintf(why, size, "cannot bind %s to vfio-pci: %s", bdf,
		 strerror(-ret));
	return ret == -ENOENT || ret == -ENODEV ? 1 : ret;
}

/*
 * The start every FIXTURE_SETUP on one test device shares: bind the
 * device the VM calls @name to vfio-pci and open it into @d with whichever
 * backend vpt_open() finds.  A missing device or backend is a reason to
 * skip.  On any failure nothing stays open or bound.
 * Return: 0 when open, 1 to skip, or -errno; @why says why not 0.
 */
static inline int vpt_setup_device(const char *name, struct vpt_device *d,
				   struct vpt_binding *b, char *why,
				   size_t size)
{
	const char *bdf = vpt_test_device(name);
	int ret;

	vpt_device_init(d);
	if (!bdf) {
		snprintf(why, size, "no %s device (VFIO_TEST_%s)", name, name);
		return 1;
	}
	ret = vpt_setup_bind(bdf, b, why, size);
	if (ret)
		return ret;
	ret = vpt_open(bdf, d);
	if (!ret)
		return 0;
	vpt_close(d);
	vpt_unbind(b);
	if (ret == -EOPNOTSUPP) {
		snprintf(why, size,
			 "no IOMMU backend (type1 or vfio_mock) loaded");
		return 1;
	}
	snprintf(why, size, "opening %s: %s", bdf, strerror(-ret));
	return ret;
}

/* edu registers (QEMU docs/specs/edu.txt) */
#define EDU_ID			0x00
#define EDU_LIVENESS		0x04
#define EDU_FACTORIAL		0x08
#define EDU_STATUS		0x20
#define  EDU_STATUS_COMPUTING	0x01
#define  EDU_STATUS_IRQFACT	0x80
#define EDU_IRQ_STATUS		0x24
#define EDU_IRQ_RAISE		0x60
#define EDU_IRQ_ACK		0x64
#define EDU_DMA_SRC		0x80
#define EDU_DMA_DST		0x88
#define EDU_DMA_COUNT		0x90
#define EDU_DMA_CMD		0x98
#define  EDU_DMA_START		0x01
#define  EDU_DMA_TO_RAM		0x02
#define  EDU_DMA_IRQ		0x04
#define EDU_DMA_BUF		0x40000
#define EDU_DMA_IRQ_VALUE	0x100

#endif /* VFIO_PCI_UTIL_H */
