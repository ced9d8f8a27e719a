/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Helpers of the type1 IOMMU backend selftests (vfio_type1_*_test.c).
 *
 * The tests need real PCI devices in real IOMMU groups.  A program
 * including this header looks, before its first test, for PCI devices
 * bound to a VFIO driver; if there are none it binds the test VM's spare
 * devices ($VFIO_TEST_EDU, $VFIO_TEST_E1000E, $VFIO_TEST_NVME, unbound
 * at boot) to vfio-pci, or to the mock module's vfio-mock-pci while
 * vfio-pci does not exist, and unbinds them again when it exits.  Tests
 * that find too few devices skip.
 *
 * Everything else here is plumbing: container setup, MAP/UNMAP wrappers
 * that return -errno, the capability chain, and the counters that show
 * pinned and locked memory: VmLck of /proc/self/status and
 * nr_foll_pin_acquired/nr_foll_pin_released of /proc/vmstat.
 *
 * Header-only, so that every test program links on its own.
 */
#ifndef TYPE1_UTIL_H
#define TYPE1_UTIL_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/vfio.h>

#include "vfio_util.h"

#define T1_MODULE_PARAMS	"/sys/module/vfio_iommu_type1/parameters"
#define T1_DEBUGFS_STATS	"/sys/kernel/debug/vfio_iommu_type1/stats"
#define T1_MAX_DEVICES		8

#define T1_ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

#define SZ_4K	0x1000ULL
#define SZ_64K	0x10000ULL
#define SZ_1M	0x100000ULL
#define SZ_2M	0x200000ULL
#define SZ_1G	0x40000000ULL

/*
 * EXPECT_ERRNO(err, call) / ASSERT_ERRNO(err, call): @call returns -@err
 * (the wrappers below) or returns -1 with errno == @err (a raw syscall).
 */
#define __T1_ERRNO_CHECK(check, err, call) do {				\
		long __ret;						\
		errno = 0;						\
		__ret = (long)(call);					\
		if (__ret == -1 && errno)				\
			__ret = -errno;					\
		check##_EQ(-(long)(err), __ret);			\
	} while (0)
#define EXPECT_ERRNO(err, call)	__T1_ERRNO_CHECK(EXPECT, err, call)
#define ASSERT_ERRNO(err, call)	__T1_ERRNO_CHECK(ASSERT, err, call)

/* "key value" lines (/proc/vmstat, our debugfs stats): the value, or -1. */
static inline long long t1_keyed_value(const char *path, const char *key)
{
	char line[256];
	long long value = -1;
	size_t len = strlen(key);
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, key, len) && line[len] == ' ') {
			value = strtoll(line + len + 1, NULL, 0);
			break;
		}
	}
	fclose(f);
	return value;
}

/* Memory counters */

/*
 * Pages pinned with FOLL_PIN and not yet released, system-wide.  The
 * counters are kept per CPU and summed lazily: stat_refresh sums them now.
 */
static inline long long t1_pins_outstanding(void)
{
	write_file("/proc/sys/vm/stat_refresh", "1");
	return t1_keyed_value("/proc/vmstat", "nr_foll_pin_acquired") -
	       t1_keyed_value("/proc/vmstat", "nr_foll_pin_released");
}

/* A "Name:   N kB" line of /proc/<pid>/status, in bytes, or -1. */
static inline long long t1_status_bytes(pid_t pid, const char *name)
{
	char path[64], line[256];
	long long value = -1;
	size_t len = strlen(name);
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, name, len) && line[len] == ':') {
			value = strtoll(line + len + 1, NULL, 10) * 1024;
			break;
		}
	}
	fclose(f);
	return value;
}

static inline long long t1_locked_bytes(void)
{
	return t1_status_bytes(getpid(), "VmLck");
}

/*
 * The pin counter is system-wide and others may hold pins briefly: wait
 * up to a second for it to settle at @expected.  Return: the last value.
 */
static inline long long t1_pins_settle(long long expected)
{
	long long now = t1_pins_outstanding();
	int i;

	for (i = 0; i < 100 && now != expected; i++) {
		usleep(10000);
		now = t1_pins_outstanding();
	}
	return now;
}

/* IOMMU counters of vfio_iommu_type1's debugfs "stats" file */

static inline long long t1_stat(const char *key)
{
	return t1_keyed_value(T1_DEBUGFS_STATS, key);
}

/* IOMMU pages of @size created so far (0 if none yet, -1 if no stats). */
static inline long long t1_stat_pages(unsigned long long size)
{
	char key[64];
	long long v;

	if (access(T1_DEBUGFS_STATS, R_OK))
		return -1;
	snprintf(key, sizeof(key), "iommu_pages %llu", size);
	v = t1_keyed_value(T1_DEBUGFS_STATS, key);
	return v < 0 ? 0 : v;
}

/* Devices */

/**
 * struct t1_device - a PCI device in a real IOMMU group, bound to VFIO
 * @bdf: its PCI address
 * @group: its IOMMU group number
 * @bound_by_us: bound at program start, unbound at exit
 */
struct t1_device {
	char bdf[32];
	int group;
	bool bound_by_us;
};

static struct t1_device t1_devices[T1_MAX_DEVICES];
static int t1_ndevices;
static pid_t t1_setup_pid;

/* Kept for the tests that name it: the PCI driver bound to @bdf, or "". */
static inline void t1_pci_driver(const char *bdf, char *driver, size_t size)
{
	device_driver("pci", bdf, driver, size);
}

/* Every device of the group is bound to VFIO or to nothing. */
static inline bool t1_group_viable(int group)
{
	char path[PATH_MAX], driver[64];
	struct dirent *d;
	bool viable = true;
	DIR *dir;

	snprintf(path, sizeof(path), "/sys/kernel/iommu_groups/%d/devices",
		 group);
	dir = opendir(path);
	if (!dir)
		return false;
	while ((d = readdir(dir))) {
		if (d->d_name[0] == '.')
			continue;
		t1_pci_driver(d->d_name, driver, sizeof(driver));
		if (driver[0] && strncmp(driver, "vfio", 4))
			viable = false;
	}
	closedir(dir);
	return viable;
}

static inline void t1_device_add(const char *bdf, bool bound_by_us)
{
	int group = device_group_id("pci", bdf), i;

	if (group < 0 || t1_ndevices == T1_MAX_DEVICES ||
	    !t1_group_viable(group))
		return;
	/* One device per group: the tests are about groups. */
	for (i = 0; i < t1_ndevices; i++)
		if (t1_devices[i].group == group)
			return;
	snprintf(t1_devices[t1_ndevices].bdf, sizeof(t1_devices[0].bdf), "%.31s",
		 bdf);
	t1_devices[t1_ndevices].group = group;
	t1_devices[t1_ndevices].bound_by_us = bound_by_us;
	t1_ndevices++;
}

/* Bind the unbound device named by $@var to @driver. */
static inline void t1_bind_spare(const char *var, const char *driver)
{
	const char *bdf = getenv(var);
	char path[PATH_MAX], bound[64];

	if (!bdf || !*bdf)
		return;
	t1_pci_driver(bdf, bound, sizeof(bound));
	if (bound[0])
		return;
	if (!pci_override_bind(bdf, driver)) {
		t1_device_add(bdf, true);
		return;
	}
	snprintf(path, sizeof(path),
		 "/sys/bus/pci/devices/%s/driver_override", bdf);
	write_file(path, "\n");
}

__attribute__((constructor)) static void t1_devices_setup(void)
{
	static const char *const spares[] = {
		"VFIO_TEST_EDU", "VFIO_TEST_E1000E", "VFIO_TEST_NVME",
	};
	const char *driver = NULL;
	char bound[64];
	struct dirent *d;
	unsigned int i;
	DIR *dir;

	t1_setup_pid = getpid();
	dir = opendir("/sys/bus/pci/devices");
	if (!dir)
		return;
	while ((d = readdir(dir))) {
		if (d->d_name[0] == '.')
			continue;
		t1_pci_driver(d->d_name, bound, sizeof(bound));
		if (!strncmp(bound, "vfio", 4))
			t1_device_add(d->d_name, false);
	}
	closedir(dir);

	if (!access("/sys/bus/pci/drivers/vfio-pci", F_OK))
		driver = "vfio-pci";
	else if (!access("/sys/bus/pci/drivers/vfio-mock-pci", F_OK))
		driver = "vfio-mock-pci";
	for (i = 0; driver && i < T1_ARRAY_SIZE(spares); i++)
		t1_bind_spare(spares[i], driver);
}

__attribute__((destructor)) static void t1_devices_cleanup(void)
{
	char path[PATH_MAX];
	int i;

	if (getpid() != t1_setup_pid)
		return;
	for (i = 0; i < t1_ndevices; i++) {
		if (!t1_devices[i].bound_by_us)
			continue;
		snprintf(path, sizeof(path),
			 "/sys/bus/pci/devices/%s/driver/unbind",
			 t1_devices[i].bdf);
		write_file(path, t1_devices[i].bdf);
		snprintf(path, sizeof(path),
			 "/sys/bus/pci/devices/%s/driver_override",
			 t1_devices[i].bdf);
		write_file(path, "\n");
	}
}

/* The device bound to @driver, or NULL. */
static inline struct t1_device *t1_device_with_driver(const char *driver)
{
	char bound[64];
	int i;

	for (i = 0; i < t1_ndevices; i++) {
		t1_pci_driver(t1_devices[i].bdf, bound, sizeof(bound));
		if (!strcmp(bound, driver))
			return &t1_devices[i];
	}
	return NULL;
}

static inline int t1_open_group(const struct t1_device *dev)
{
	char path[64];

	snprintf(path, sizeof(path), "/dev/vfio/%d", dev->group);
	return open(path, O_RDWR | O_CLOEXEC);
}

/* Containers */

/* Put @group in @container: 0 or -errno. */
static inline int t1_set_container(int group, int container)
{
	return ioctl(group, VFIO_GROUP_SET_CONTAINER, &container) ? -errno : 0;
}

static inline int t1_set_iommu(int container, unsigned long model)
{
	return ioctl(container, VFIO_SET_IOMMU, model) ? -errno : 0;
}

/*
 * Open a container holding @dev's group and set @model.  On success
 * *@group is the open group fd.  Return: the container fd or -errno.
 */
static inline int t1_container_open(const struct t1_device *dev,
				    unsigned long model, int *group)
{
	int container, ret;

	container = open(VFIO_CONTAINER_PATH, O_RDWR | O_CLOEXEC);
	if (container < 0)
		return -errno;
	*group = t1_open_group(dev);
	if (*group < 0) {
		ret = -errno;
		close(container);
		return ret;
	}
	ret = t1_set_container(*group, container);
	if (!ret)
		ret = t1_set_iommu(container, model);
	if (ret) {
		close(*group);
		close(container);
		return ret;
	}
	return container;
}

/* VFIO_IOMMU_MAP_DMA: 0 or -errno. */
static inline int t1_map(int container, const void *vaddr, uint64_t iova,
			 uint64_t size, uint32_t flags)
{
	struct vfio_iommu_type1_dma_map map = {
		.argsz = sizeof(map),
		.flags = flags,
		.vaddr = (uintptr_t)vaddr,
		.iova = iova,
		.size = size,
	};

	return ioctl(container, VFIO_IOMMU_MAP_DMA, &map) ? -errno : 0;
}

#define T1_RW	(VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE)

/* VFIO_IOMMU_UNMAP_DMA: 0 or -errno; the bytes unmapped in *@unmapped. */
static inline int t1_unmap(int container, uint64_t iova, uint64_t size,
			   uint32_t flags, uint64_t *unmapped)
{
	struct vfio_iommu_type1_dma_unmap unmap = {
		.argsz = sizeof(unmap),
		.flags = flags,
		.iova = iova,
		.size = size,
	};
	int ret;

	ret = ioctl(container, VFIO_IOMMU_UNMAP_DMA, &unmap) ? -errno : 0;
	if (unmapped)
		*unmapped = ret ? ~0ULL : unmap.size;
	return ret;
}

/* Bytes unmapped, or ~0 on failure (which the callers compare against). */
static inline uint64_t t1_unmap_size(int container, uint64_t iova,
				     uint64_t size)
{
	uint64_t unmapped;

	t1_unmap(container, iova, size, 0, &unmapped);
	return unmapped;
}

/* VFIO_IOMMU_GET_INFO with the whole capability chain; free() it. */
static inline struct vfio_iommu_type1_info *t1_get_info(int container)
{
	struct vfio_iommu_type1_info *info;
	uint32_t argsz = sizeof(*info);

	for (;;) {
		info = calloc(1, argsz);
		if (!info)
			return NULL;
		info->argsz = argsz;
		if (ioctl(container, VFIO_IOMMU_GET_INFO, info)) {
			free(info);
			return NULL;
		}
		if (info->argsz <= argsz)
			return info;
		argsz = info->argsz;
		free(info);
	}
}

/* The capability @id of an info chain, or NULL. */
static inline struct vfio_info_cap_header *
t1_info_cap(struct vfio_iommu_type1_info *info, uint16_t id)
{
	struct vfio_info_cap_header *cap;
	uint32_t off;

	if (!(info->flags & VFIO_IOMMU_INFO_CAPS))
		return NULL;
	for (off = info->cap_offset; off; off = cap->next) {
		if (off + sizeof(*cap) > info->argsz)
			return NULL;
		cap = (void *)info + off;
		if (cap->id == id)
			return cap;
	}
	return NULL;
}

/* Is [@iova, @iova + @size) inside one usable IOVA range? */
static inline bool t1_iova_usable(int container, uint64_t iova, uint64_t size)
{
	struct vfio_iommu_type1_info_cap_iova_range *cap;
	struct vfio_iommu_type1_info *info = t1_get_info(container);
	bool ok = false;
	uint32_t i;

	if (!info)
		return false;
	cap = (void *)t1_info_cap(info, VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE);
	for (i = 0; cap && i < cap->nr_iovas; i++)
		if (iova >= cap->iova_ranges[i].start &&
		    iova + size - 1 <= cap->iova_ranges[i].end)
			ok = true;
	free(info);
	return ok;
}

/* The DMA_AVAIL capability's count, or -1. */
static inline long long t1_dma_avail(int container)
{
	struct vfio_iommu_type1_info_dma_avail *cap;
	struct vfio_iommu_type1_info *info = t1_get_info(container);
	long long avail = -1;

	if (!info)
		return -1;
	cap = (void *)t1_info_cap(info, VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL);
	if (cap)
		avail = cap->avail;
	free(info);
	return avail;
}

/* Memory */

/*
 * Anonymous memory backed by 4 KiB pages (THP off for it), every page
 * touched so that pinning finds it present.  MAP_FAILED on failure.
 */
static inline void *t1_alloc_4k(size_t size)
{
	char *buf = mmap(NULL, size, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	size_t off;

	if (buf == MAP_FAILED)
		return buf;
	madvise(buf, size, MADV_NOHUGEPAGE);
	for (off = 0; off < size; off += SZ_4K)
		buf[off] = 1;
	return buf;
}

/* Anonymous memory aligned to @align, THP requested; MAP_FAILED on failure. */
static inline void *t1_alloc_thp(size_t size, size_t align)
{
	char *raw = mmap(NULL, size + align, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *buf;
	size_t off;

	if (raw == MAP_FAILED)
		return raw;
	buf = (char *)(((uintptr_t)raw + align - 1) & ~(uintptr_t)(align - 1));
	if (buf > raw)
		munmap(raw, buf - raw);
	munmap(buf + size, raw + align - buf);
	madvise(buf, size, MADV_HUGEPAGE);
	for (off = 0; off < size; off += SZ_4K)
		buf[off] = 1;
	return buf;
}

#endif /* TYPE1_UTIL_H */
