/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Plumbing every family of VFIO selftests needs: small files in sysfs,
 * procfs and debugfs, a device's driver and IOMMU group from its sysfs
 * links, and dropping a capability.  The family headers (vfio_test_util.h
 * for the mock-driver tests, vfio_pci_util.h for vfio-pci, type1_util.h
 * for type1) build on these, so a fix here reaches all of them.
 *
 * Header-only, so that every test program links on its own.
 */
#ifndef VFIO_UTIL_H
#define VFIO_UTIL_H

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

#include <linux/capability.h>

#define VFIO_CONTAINER_PATH	"/dev/vfio/vfio"

/* Files */

/* Read a small file; the trailing newline is dropped.  0 or -errno. */
static inline int read_file(const char *path, char *buf, size_t size)
{
	ssize_t len;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	len = read(fd, buf, size - 1);
	if (len < 0) {
		/* close(2) may clobber errno: keep read(2)'s. */
		len = -errno;
		close(fd);
		return len;
	}
	close(fd);
	buf[len] = '\0';
	if (len && buf[len - 1] == '\n')
		buf[len - 1] = '\0';
	return 0;
}

/* Write a string to a sysfs attribute: 0 or the -errno of write(2). */
static inline int write_file(const char *path, const char *value)
{
	int fd, ret = 0;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, value, strlen(value)) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

/* A number from a file (any base strtoll(3) knows), or -1. */
static inline long long read_number(const char *path)
{
	char buf[64];

	if (read_file(path, buf, sizeof(buf)))
		return -1;
	return strtoll(buf, NULL, 0);
}

static inline bool path_exists(const char *path)
{
	return access(path, F_OK) == 0;
}

/* Devices in sysfs */

/*
 * The last component of the symlink /sys/bus/@bus/devices/@dev/@link into
 * @name, or "" if there is no such link.
 */
static inline void device_link_name(const char *bus, const char *dev,
				    const char *link, char *name, size_t size)
{
	char path[PATH_MAX], target[PATH_MAX];
	ssize_t len;

	snprintf(path, sizeof(path), "/sys/bus/%s/devices/%s/%s",
		 bus, dev, link);
	len = readlink(path, target, sizeof(target) - 1);
	name[0] = '\0';
	if (len <= 0)
		return;
	target[len] = '\0';
	snprintf(name, size, "%s", strrchr(target, '/') + 1);
}

/* The driver bound to a device in sysfs, or "" for none. */
static inline void device_driver(const char *bus, const char *dev,
				 char *driver, size_t size)
{
	device_link_name(bus, dev, "driver", driver, size);
}

/* The IOMMU group number of a device, from its iommu_group link, or -1. */
static inline int device_group_id(const char *bus, const char *dev)
{
	char group[32];

	device_link_name(bus, dev, "iommu_group", group, sizeof(group));
	return group[0] ? atoi(group) : -1;
}

/*
 * Hand PCI device @bdf to @driver through its driver_override and a probe.
 * The device must have no driver.  Return: 0 when @driver drives it now;
 * else the error of the driver_override write, of the probe, or -ENODEV.
 */
static inline int pci_override_bind(const char *bdf, const char *driver)
{
	char path[PATH_MAX], bound[64];
	int ret;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver_override",
		 bdf);
	ret = write_file(path, driver);
	if (ret)
		return ret;
	ret = write_file("/sys/bus/pci/drivers_probe", bdf);
	device_driver("pci", bdf, bound, sizeof(bound));
	if (strcmp(bound, driver))
		return ret ? ret : -ENODEV;
	return 0;
}

/* Groups */

static inline void group_path(int group_id, bool noiommu, char *path,
			      size_t size)
{
	snprintf(path, size, "/dev/vfio/%s%d", noiommu ? "noiommu-" : "",
		 group_id);
}

/* open(2) a group chardev: the fd, or -1 with errno set. */
static inline int open_group(int group_id, bool noiommu)
{
	char path[64];

	group_path(group_id, noiommu, path, sizeof(path));
	return open(path, O_RDWR | O_CLOEXEC);
}

/* Modules */

/* Loaded and live: a module being loaded or unloaded has no initstate. */
static inline bool module_loaded(const char *name)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "/sys/module/%s/initstate", name);
	return path_exists(path);
}

/* Capabilities */

/* Drop @cap from this process's effective and permitted sets. */
static inline int drop_capability(int cap)
{
	struct __user_cap_header_struct header = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];

	if (syscall(SYS_capget, &header, data))
		return -1;
	data[CAP_TO_INDEX(cap)].effective &= ~CAP_TO_MASK(cap);
	data[CAP_TO_INDEX(cap)].permitted &= ~CAP_TO_MASK(cap);
	return syscall(SYS_capset, &header, data);
}

#endif /* VFIO_UTIL_H */
