/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Helpers shared by the vfio-platform and vfio-amba selftests: finding a
 * device-tree device on its bus, binding it to a VFIO bus driver through
 * driver_override and giving it back, opening it in no-IOMMU mode, and
 * reading eventfds and the kernel log.  The uAPI calls a test is about are
 * spelled out in the test itself.
 *
 * The devices are those of QEMU's arm64 "virt" machine; on a machine
 * without them (x86) every test skips.  Header-only, so that every test
 * program links on its own.
 */
#ifndef VFIO_PLATFORM_UTIL_H
#define VFIO_PLATFORM_UTIL_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include <linux/vfio.h>

#include "lib/include/vfio_util.h"

#define PLAT_NOIOMMU_PARAM \
	"/sys/module/vfio/parameters/enable_unsafe_noiommu_mode"
#define PLAT_DEBUGFS	"/sys/kernel/debug/vfio-platform"

/* How long a test waits for an interrupt that should come. */
#define PLAT_EVENT_TIMEOUT_MS	5000
/* How long it waits to be sure that one does not come. */
#define PLAT_QUIET_TIMEOUT_MS	300

/* A device-tree device of the machine, as the tests address it. */
struct plat_dev {
	char bus[16];		/* "amba" or "platform" */
	char name[64];		/* its name on that bus, "9010000.pl031" */
	char driver[32];	/* the VFIO driver, "vfio-amba" */
};

static inline int plat_write(const char *path, const char *val)
{
	ssize_t len = strlen(val), ret;
	int fd;

	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -errno;
	ret = write(fd, val, len);
	if (ret < 0)
		ret = -errno;
	close(fd);
	return ret < 0 ? ret : 0;
}

static inline int plat_read(const char *path, char *buf, size_t size)
{
	ssize_t len;
	int fd;

	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -errno;
	len = read(fd, buf, size - 1);
	close(fd);
	if (len < 0)
		return -errno;
	buf[len] = '\0';
	return len;
}

static inline long plat_read_long(const char *path)
{
	char buf[64];

	if (plat_read(path, buf, sizeof(buf)) < 0)
		return -1;
	return strtol(buf, NULL, 0);
}

/* Does the node of @bus device @name list @compat in "compatible"? */
static inline bool plat_dev_compatible(const char *bus, const char *name,
				       const char *compat)
{
	char path[PATH_MAX], buf[512];
	int len, off;

	snprintf(path, sizeof(path), "/sys/bus/%s/devices/%s/of_node/compatible",
		 bus, name);
	len = plat_read(path, buf, sizeof(buf));
	for (off = 0; len > 0 && off < len; off += strlen(buf + off) + 1)
		if (!strcmp(buf + off, compat))
			return true;
	return false;
}

/*
 * Find the device on @bus compatible with @compat; with several, the one
 * whose name sorts last (for virtio-mmio: the highest slot, which no
 * other test uses).  Returns false when there is none.
 */
static inline bool plat_find(struct plat_dev *d, const char *bus,
			     const char *compat)
{
	char path[PATH_MAX];
	struct dirent *de;
	bool found = false;
	DIR *dir;

	snprintf(path, sizeof(path), "/sys/bus/%s/devices", bus);
	dir = opendir(path);
	if (!dir)
		return false;
	while ((de = readdir(dir))) {
		if (de->d_name[0] == '.' ||
		    !plat_dev_compatible(bus, de->d_name, compat))
			continue;
		if (found && strcmp(de->d_name, d->name) < 0)
			continue;
		if (strlen(de->d_name) >= sizeof(d->name))
			continue;
		memcpy(d->name, de->d_name, strlen(de->d_name) + 1);
		found = true;
	}
	closedir(dir);
	snprintf(d->bus, sizeof(d->bus), "%s", bus);
	snprintf(d->driver, sizeof(d->driver), "vfio-%s", bus);
	return found;
}

/* The name of the driver @d is bound to, or "" when none. */
static inline void plat_bound_driver(const struct plat_dev *d, char *buf,
				     size_t size)
{
	device_driver(d->bus, d->name, buf, size);
}

static inline void plat_unbind(const struct plat_dev *d)
{
	char path[PATH_MAX], driver[64];

	plat_bound_driver(d, driver, sizeof(driver));
	if (!driver[0])
		return;
	snprintf(path, sizeof(path), "/sys/bus/%s/drivers/%s/unbind", d->bus,
		 driver);
	plat_write(path, d->name);
}

/*
 * Load every module of the test VM's set (/lib/modules-ours/modules.list,
 * "name path ..." lines in load order) that is not loaded: a test that
 * unloads VFIO modules may not have put all of them back.
 */
static inline void plat_load_missing_modules(void)
{
	char line[512], name[128], path[PATH_MAX], sys[PATH_MAX];
	FILE *list = fopen("/lib/modules-ours/modules.list", "re");
	int fd;

	while (list && fgets(line, sizeof(line), list)) {
		if (sscanf(line, "%127s %4095s", name, path) != 2)
			continue;
		snprintf(sys, sizeof(sys), "/sys/module/%s", name);
		if (!access(sys, F_OK))
			continue;
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		syscall(SYS_finit_module, fd, "", 0);
		close(fd);
	}
	if (list)
		fclose(list);
}

/*
 * Hand @d to its VFIO driver: unbind whatever drives it, point
 * driver_override at the VFIO driver and ask the bus to probe.  Returns 0
 * when the VFIO driver took it, -ENODEV when it refused the device.
 */
static inline int plat_bind_vfio(const struct plat_dev *d)
{
	char path[PATH_MAX], driver[64];
	int ret;

	snprintf(path, sizeof(path), "/sys/bus/%s/drivers/%s", d->bus,
		 d->driver);
	if (access(path, F_OK))
		plat_load_missing_modules();

	plat_unbind(d);
	snprintf(path, sizeof(path), "/sys/bus/%s/devices/%s/driver_override",
		 d->bus, d->name);
	ret = plat_write(path, d->driver);
	if (ret)
		return ret;
	snprintf(path, sizeof(path), "/sys/bus/%s/drivers_probe", d->bus);
	plat_write(path, d->name);
	plat_bound_driver(d, driver, sizeof(driver));
	return strcmp(driver, d->driver) ? -ENODEV : 0;
}

/* Undo plat_bind_vfio(); the device's own driver, if any, probes again. */
static inline void plat_release(const struct plat_dev *d)
{
	char path[PATH_MAX];

	plat_unbind(d);
	snprintf(path, sizeof(path), "/sys/bus/%s/devices/%s/driver_override",
		 d->bus, d->name);
	plat_write(path, "\n");
	snprintf(path, sizeof(path), "/sys/bus/%s/drivers_probe", d->bus);
	plat_write(path, d->name);
}

/* /dev/vfio/... of @d's group, or -1 when it has none. */
static inline int plat_group_path(const struct plat_dev *d, char *buf,
				  size_t size)
{
	char id[32];

	device_link_name(d->bus, d->name, "iommu_group", id, sizeof(id));
	if (!id[0])
		return -1;
	snprintf(buf, size, "/dev/vfio/%s", id);
	if (!access(buf, F_OK))
		return 0;
	snprintf(buf, size, "/dev/vfio/noiommu-%s", id);
	return access(buf, F_OK) ? -1 : 0;
}

/* File descriptors of one opened device, in no-IOMMU mode. */
struct plat_fds {
	int container;
	int group;
	int device;
};

static inline void plat_close(struct plat_fds *fds)
{
	if (fds->device > 0)
		close(fds->device);
	if (fds->group > 0)
		close(fds->group);
	if (fds->container > 0)
		close(fds->container);
	fds->device = -1;
	fds->group = -1;
	fds->container = -1;
}

/*
 * The whole opening sequence: container, group, no-IOMMU backend, device.
 * Returns 0 or a negative errno, with whatever was opened closed again.
 */
static inline int plat_open(const struct plat_dev *d, struct plat_fds *fds)
{
	char group[PATH_MAX];
	int ret;

	fds->container = -1;
	fds->group = -1;
	fds->device = -1;
	if (plat_group_path(d, group, sizeof(group)))
		return -ENOENT;
	fds->container = open("/dev/vfio/vfio", O_RDWR);
	fds->group = open(group, O_RDWR);
	if (fds->container < 0 || fds->group < 0)
		goto err;
	if (ioctl(fds->group, VFIO_GROUP_SET_CONTAINER, &fds->container) ||
	    ioctl(fds->container, VFIO_SET_IOMMU, VFIO_NOIOMMU_IOMMU))
		goto err;
	fds->device = ioctl(fds->group, VFIO_GROUP_GET_DEVICE_FD, d->name);
	if (fds->device < 0)
		goto err;
	return 0;
err:
	ret = -errno;
	plat_close(fds);
	return ret;
}

/* What vfio.enable_unsafe_noiommu_mode was before plat_noiommu_on(). */
static inline int plat_noiommu_on(void)
{
	long old = plat_read_long(PLAT_NOIOMMU_PARAM);

	if (old < 0)
		return -1;
	plat_write(PLAT_NOIOMMU_PARAM, "1");
	return old;
}

static inline void plat_noiommu_restore(int old)
{
	if (old >= 0)
		plat_write(PLAT_NOIOMMU_PARAM, old ? "1" : "0");
}

/* Times the reset handler of @d ran, from debugfs; -1 if unknown. */
static inline long plat_resets(const struct plat_dev *d)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), PLAT_DEBUGFS "/%s/resets", d->name);
	return plat_read_long(path);
}

/*
 * Wait up to @ms for @efd; returns the count read (consuming it), 0 on
 * timeout, -1 on error.
 */
static inline long plat_eventfd_wait(int efd, int ms)
{
	struct pollfd pfd = { .fd = efd, .events = POLLIN };
	uint64_t val;

	if (poll(&pfd, 1, ms) <= 0)
		return 0;
	if (read(efd, &val, sizeof(val)) != sizeof(val))
		return -1;
	return val;
}

/* VFIO_DEVICE_SET_IRQS with one eventfd (or -1) for vector 0 of @index. */
static inline int plat_irq_set_fd(int device, uint32_t index, uint32_t action,
				  int32_t fd)
{
	struct {
		struct vfio_irq_set set;
		int32_t fd;
	} arg = {
		.set = {
			.argsz = sizeof(arg),
			.flags = VFIO_IRQ_SET_DATA_EVENTFD | action,
			.index = index,
			.count = 1,
		},
		.fd = fd,
	};

	return ioctl(device, VFIO_DEVICE_SET_IRQS, &arg);
}

/* VFIO_DEVICE_SET_IRQS with DATA_NONE for vector 0 of @index. */
static inline int plat_irq_set_none(int device, uint32_t index,
				    uint32_t action)
{
	struct vfio_irq_set set = {
		.argsz = sizeof(set),
		.flags = VFIO_IRQ_SET_DATA_NONE | action,
		.index = index,
		.count = 1,
	};

	return ioctl(device, VFIO_DEVICE_SET_IRQS, &set);
}

/* 32-bit register access through the device fd. */
static inline uint32_t plat_rd32(int device, uint64_t region_offset,
				 uint64_t reg)
{
	uint32_t val = 0xdeadbeef;

	if (pread(device, &val, 4, region_offset + reg) != 4)
		return 0xdeadbeef;
	return val;
}

static inline int plat_wr32(int device, uint64_t region_offset, uint64_t reg,
			    uint32_t val)
{
	return pwrite(device, &val, 4, region_offset + reg) == 4 ? 0 : -1;
}

/* Skip to the end of the kernel log, to read only what follows. */
static inline int plat_kmsg_open(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);

	if (fd >= 0)
		lseek(fd, 0, SEEK_END);
	return fd;
}

/* Did the kernel log @text since plat_kmsg_open()? */
static inline bool plat_kmsg_find(int fd, const char *text)
{
	char rec[2048];
	ssize_t len;

	while ((len = read(fd, rec, sizeof(rec) - 1)) > 0 ||
	       (len < 0 && errno == EPIPE)) {
		if (len <= 0)
			continue;
		rec[len] = '\0';
		if (strstr(rec, text))
			return true;
	}
	return false;
}

/*
 * Find capability @id in the chain of an info reply in @buf; NULL when
 * absent.  Offsets count from the start of the reply.
 */
static inline struct vfio_info_cap_header *
plat_find_cap(void *buf, size_t size, uint32_t cap_offset, uint16_t id)
{
	struct vfio_info_cap_header *hdr;
	uint32_t off = cap_offset;
	int hops = 0;

	while (off && off + sizeof(*hdr) <= size && hops++ < 64) {
		hdr = (struct vfio_info_cap_header *)((char *)buf + off);
		if (hdr->id == id)
			return hdr;
		off = hdr->next;
	}
	return NULL;
}

#endif /* VFIO_PLATFORM_UTIL_H */
