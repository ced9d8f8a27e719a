/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Helpers shared by the VFIO core selftests.
 *
 * The tests drive the vfio_mock module (mock/vfio_mock.h): its devices
 * stand in for hardware, its IOMMU backend for a real one.  What is here
 * is plumbing only: finding a device's group, sysfs and debugfs access,
 * eventfd waits and module (re)loading.  Every uAPI call a test is about
 * is spelled out in the test itself.  What all the selftest families
 * share (files, sysfs links, groups, modules) is in lib/include/vfio_util.h.
 *
 * Header-only, so that every test program links on its own.
 */
#ifndef VFIO_TEST_UTIL_H
#define VFIO_TEST_UTIL_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/vfio.h>

#include "mock/vfio_mock.h"
#include "lib/include/vfio_util.h"

/*
 * The smallest argsz each ioctl accepts: the end of its last mandatory
 * member.  Later members (cap_offset, data[]) are optional.
 */
#define DEVICE_INFO_MINSZ	offsetof(struct vfio_device_info, cap_offset)
#define REGION_INFO_MINSZ	sizeof(struct vfio_region_info)
#define IRQ_INFO_MINSZ		sizeof(struct vfio_irq_info)
#define IRQ_SET_MINSZ		offsetof(struct vfio_irq_set, data)
#define FEATURE_MINSZ		offsetof(struct vfio_device_feature, data)
#define GROUP_STATUS_MINSZ	sizeof(struct vfio_group_status)

#define DEBUGFS_PATH		"/sys/kernel/debug"
#define MOCK_DEBUGFS_PATH	DEBUGFS_PATH "/" VFIO_MOCK_DEBUGFS_DIR
#define MOCK_PARAMS_PATH	"/sys/module/" VFIO_MOCK_MODULE "/parameters"
#define MOCK_PLATFORM_DRIVER	"/sys/bus/platform/drivers/" VFIO_MOCK_DRIVER
#define MOCK_DEV0		"vfio-mock.0"
#define MOCK_DEV1		"vfio-mock.1"

/* How long a test waits for something that should happen at once. */
#define EVENT_TIMEOUT_MS	5000
/* How long it waits to be confident that something does not happen. */
#define QUIET_TIMEOUT_MS	200

/*
 * EXPECT_ERRNO(err, call) / ASSERT_ERRNO(err, call): @call fails with -1
 * and sets errno to @err.
 */
#define __ERRNO_CHECK(check, expected_errno, call) do {			\
		long __ret;						\
		int __err;						\
		errno = 0;						\
		__ret = (long)(call);					\
		__err = errno;						\
		check##_EQ(-1, __ret);					\
		check##_EQ(expected_errno, __err);			\
	} while (0)
#define EXPECT_ERRNO(expected_errno, call)				\
	__ERRNO_CHECK(EXPECT, expected_errno, call)
#define ASSERT_ERRNO(expected_errno, call)				\
	__ERRNO_CHECK(ASSERT, expected_errno, call)

/* Write @dev to /sys/bus/@bus/drivers/@driver/@op (bind or unbind). */
static inline int driver_op(const char *bus, const char *driver,
			    const char *op, const char *dev)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "/sys/bus/%s/drivers/%s/%s",
		 bus, driver, op);
	return write_file(path, dev);
}

/* Groups and fds */

/* The group of a mock platform device, open; -1 with errno set if not. */
static inline int open_mock_group(const char *dev)
{
	int group_id = device_group_id("platform", dev);

	if (group_id < 0) {
		errno = ENODEV;
		return -1;
	}
	return open_group(group_id, false);
}

static inline int group_flags(int group)
{
	struct vfio_group_status status = { .argsz = sizeof(status) };

	if (ioctl(group, VFIO_GROUP_GET_STATUS, &status))
		return -1;
	return status.flags;
}

/*
 * Why the mock-based tests cannot run here, or NULL when they can.  On a
 * host without VFIO or without vfio_mock the tests skip with this reason.
 */
static inline const char *mock_missing(void)
{
	if (!path_exists(VFIO_CONTAINER_PATH))
		return VFIO_CONTAINER_PATH " is missing (vfio not loaded)";
	if (!path_exists("/sys/module/" VFIO_MOCK_MODULE))
		return "the vfio_mock test module is not loaded";
	if (device_group_id("platform", MOCK_DEV0) < 0 ||
	    device_group_id("platform", MOCK_DEV1) < 0)
		return "vfio_mock needs ndevs >= 2, bound to " VFIO_MOCK_DRIVER;
	return NULL;
}

/* debugfs bookkeeping of the mock */

/* Make sure debugfs is mounted; the VM's init does it, a host may not. */
static inline bool mock_debugfs_ready(void)
{
	if (!path_exists(MOCK_DEBUGFS_PATH))
		mount("debugfs", DEBUGFS_PATH, "debugfs", 0, NULL);
	return path_exists(MOCK_DEBUGFS_PATH);
}

/* A counter of device @dev, or of the mock IOMMU if @dev is NULL. */
static inline long long mock_counter(const char *dev, const char *name)
{
	char path[PATH_MAX];

	if (dev)
		snprintf(path, sizeof(path), MOCK_DEBUGFS_PATH "/%s/%s",
			 dev, name);
	else
		snprintf(path, sizeof(path), MOCK_DEBUGFS_PATH "/%s", name);
	return read_number(path);
}

static inline int mock_set_fail_attach(bool fail)
{
	return write_file(MOCK_PARAMS_PATH "/" VFIO_MOCK_PARAM_FAIL_ATTACH,
			  fail ? "1" : "0");
}

/* Eventfds and interrupts */

/*
 * Wait up to @timeout_ms for @efd to be signalled and consume the count.
 * Return: the count, 0 on timeout, -1 on error.
 */
static inline long long eventfd_wait(int efd, int timeout_ms)
{
	struct pollfd pfd = { .fd = efd, .events = POLLIN };
	__u64 count;

	if (poll(&pfd, 1, timeout_ms) <= 0)
		return 0;
	if (read(efd, &count, sizeof(count)) != sizeof(count))
		return -1;
	return count;
}

/* VFIO_DEVICE_SET_IRQS for vector 0 of @index, with optional data. */
static inline int set_irqs(int device, __u32 flags, __u32 index,
			   __u32 count, const void *data, size_t data_size)
{
	char buf[sizeof(struct vfio_irq_set) + 64];
	struct vfio_irq_set *set = (struct vfio_irq_set *)buf;

	if (data_size > 64)
		return -1;
	memset(buf, 0, sizeof(buf));
	set->argsz = sizeof(*set) + data_size;
	set->flags = flags;
	set->index = index;
	set->start = 0;
	set->count = count;
	if (data_size)
		memcpy(set->data, data, data_size);
	return ioctl(device, VFIO_DEVICE_SET_IRQS, set);
}

/* Route vector 0 of @index to eventfd @efd (-1 to disconnect it). */
static inline int set_irq_eventfd(int device, __u32 index, __s32 efd)
{
	return set_irqs(device, VFIO_IRQ_SET_DATA_EVENTFD |
			VFIO_IRQ_SET_ACTION_TRIGGER, index, 1, &efd,
			sizeof(efd));
}

/* ACTION_MASK, ACTION_UNMASK or ACTION_TRIGGER of vector 0, no data. */
static inline int irq_action(int device, __u32 index, __u32 action)
{
	return set_irqs(device, VFIO_IRQ_SET_DATA_NONE | action, index, 1,
			NULL, 0);
}

/* Ring the mock's doorbell: raises VFIO_MOCK_DOORBELL_IRQ_INDEX. */
static inline int ring_doorbell(int device)
{
	__u32 value = 1;

	if (pwrite(device, &value, sizeof(value),
		   VFIO_MOCK_REGION_OFFSET(VFIO_MOCK_RAM_REGION_INDEX) +
		   VFIO_MOCK_DOORBELL) != sizeof(value))
		return -1;
	return 0;
}

/* Children */

/*
 * Wait up to @timeout_ms for child @pid to exit.
 * Return: its wait status, or -1 if it is still running.
 */
static inline int wait_child(pid_t pid, int timeout_ms)
{
	int status, waited;

	for (waited = 0; waited <= timeout_ms; waited += 10) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return status;
		usleep(10 * 1000);
	}
	return -1;
}

/*
 * Close every fd but stdin, stdout and stderr.  Before an unbind: an fd of
 * the device left open (by a failed test, or inherited by a child) would
 * keep the unbind waiting forever.
 */
static inline void close_all_fds(void)
{
	int fd;

	if (syscall(SYS_close_range, 3, ~0U, 0))
		for (fd = 3; fd < 1024; fd++)
			close(fd);
}

/* Run "echo @dev > /sys/bus/@bus/drivers/@driver/unbind" in a child. */
static inline pid_t unbind_in_child(const char *bus, const char *driver,
				    const char *dev)
{
	pid_t pid = fork();

	if (pid == 0) {
		close_all_fds();
		_exit(driver_op(bus, driver, "unbind", dev) ? 1 : 0);
	}
	return pid;
}

/* Modules */

/*
 * Where the .ko of module @name is: the test VM lists its modules in
 * /lib/modules-ours/modules.list ("name path origin build-id" lines);
 * elsewhere $VFIO_MODULE_DIR/@name.ko or /lib/modules-vfio/@name.ko.
 */
static inline int module_path(const char *name, char *path, size_t size)
{
	const char *dir = getenv("VFIO_MODULE_DIR");
	char line[512], entry[128], file[384];
	FILE *list;

	list = fopen("/lib/modules-ours/modules.list", "re");
	if (list) {
		while (fgets(line, sizeof(line), list)) {
			if (sscanf(line, "%127s %383s", entry, file) == 2 &&
			    !strcmp(entry, name)) {
				fclose(list);
				snprintf(path, size, "%s", file);
				return 0;
			}
		}
		fclose(list);
	}
	snprintf(path, size, "%s/%s.ko", dir ? dir : "/lib/modules-vfio",
		 name);
	return path_exists(path) ? 0 : -ENOENT;
}

/* insmod: 0 or -errno. */
static inline int module_load(const char *name, const char *params)
{
	char path[PATH_MAX];
	int fd, ret = 0;

	if (module_path(name, path, sizeof(path)))
		return -ENOENT;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (syscall(SYS_finit_module, fd, params, 0))
		ret = -errno;
	close(fd);
	return ret;
}

/* rmmod: 0 or -errno (EWOULDBLOCK while the module is in use). */
static inline int module_unload(const char *name)
{
	if (syscall(SYS_delete_module, name, O_NONBLOCK))
		return -errno;
	return 0;
}

#endif /* VFIO_TEST_UTIL_H */
