// SPDX-License-Identifier: GPL-2.0-only
/*
 * lsvfio: IOMMU groups and their devices, as sysfs shows them.
 *
 * Everything here is world-readable, so this part works for any user and
 * is all lsvfio shows when it may not open a group.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lsvfio.h"

#define SYSFS_GROUPS	"/sys/kernel/iommu_groups"

/* Paths here are short: a group directory, a device name, a file name. */
#define GROUP_DIR_LEN	64
#define DEVICE_DIR_LEN	(GROUP_DIR_LEN + 64)
#define DEVICE_FILE_LEN	(DEVICE_DIR_LEN + 32)

/*
 * Drivers that may share a group with a VFIO user because they do no DMA
 * of their own; the kernel knows them by driver_managed_dma, which sysfs
 * does not show, hence the list.
 */
static const char *const dma_free_drivers[] = { "pci-stub", "pcieport" };

static void link_name(const char *path, char *name, size_t size)
{
	char target[PATH_MAX];
	const char *base;
	ssize_t len;

	name[0] = '\0';
	len = readlink(path, target, sizeof(target) - 1);
	if (len < 0)
		return;
	target[len] = '\0';
	base = strrchr(target, '/');
	base = base ? base + 1 : target;
	len = strlen(base);
	if ((size_t)len < size)
		memcpy(name, base, len + 1);
}

static bool read_hex(const char *dir, const char *file, uint32_t *value)
{
	char path[DEVICE_FILE_LEN], buf[32];
	FILE *f;
	bool ok;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	f = fopen(path, "r");
	if (!f)
		return false;
	ok = !!fgets(buf, sizeof(buf), f);
	fclose(f);
	if (ok)
		*value = strtoul(buf, NULL, 16);
	return ok;
}

static void scan_device(struct lsvfio_device *dev, const char *dir)
{
	char path[DEVICE_FILE_LEN];
	uint32_t vendor, device, class;

	snprintf(path, sizeof(path), "%s/subsystem", dir);
	link_name(path, dev->bus, sizeof(dev->bus));
	snprintf(path, sizeof(path), "%s/driver", dir);
	link_name(path, dev->driver, sizeof(dev->driver));

	/*
	 * The VFIO core gives each device it manages a vfio-dev directory;
	 * the driver's name is the fallback for cores that do not.
	 */
	snprintf(path, sizeof(path), "%s/vfio-dev", dir);
	dev->vfio = !access(path, F_OK) || strstr(dev->driver, "vfio");

	if (read_hex(dir, "vendor", &vendor) &&
	    read_hex(dir, "device", &device) &&
	    read_hex(dir, "class", &class)) {
		dev->has_ids = true;
		dev->vendor = vendor;
		dev->device = device;
		dev->class = class;
	}
}

static bool driver_allows_vfio(const struct lsvfio_device *dev)
{
	unsigned int i;

	if (!dev->driver[0] || dev->vfio)
		return true;
	for (i = 0; i < ARRAY_SIZE(dma_free_drivers); i++)
		if (!strcmp(dev->driver, dma_free_drivers[i]))
			return true;
	return false;
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(((const struct lsvfio_device *)a)->name,
		      ((const struct lsvfio_device *)b)->name);
}

static int scan_group(struct lsvfio_group *group)
{
	char dir[GROUP_DIR_LEN], path[DEVICE_DIR_LEN];
	struct lsvfio_device *dev;
	struct dirent *entry;
	unsigned int i;
	DIR *d;

	snprintf(dir, sizeof(dir), SYSFS_GROUPS "/%d/devices", group->id);
	d = opendir(dir);
	if (!d)
		return -errno;
	while ((entry = readdir(d))) {
		if (entry->d_name[0] == '.' ||
		    strlen(entry->d_name) >= sizeof(dev->name))
			continue;
		dev = realloc(group->devices,
			      (group->nr_devices + 1) * sizeof(*dev));
		if (!dev) {
			closedir(d);
			return -ENOMEM;
		}
		group->devices = dev;
		dev = &group->devices[group->nr_devices++];
		memset(dev, 0, sizeof(*dev));
		memcpy(dev->name, entry->d_name, strlen(entry->d_name) + 1);
		snprintf(path, sizeof(path), "%s/%s", dir, dev->name);
		scan_device(dev, path);
	}
	closedir(d);
	qsort(group->devices, group->nr_devices, sizeof(*group->devices),
	      compare_names);

	snprintf(group->node, sizeof(group->node), "/dev/vfio/%d", group->id);
	if (access(group->node, F_OK)) {
		snprintf(group->node, sizeof(group->node),
			 "/dev/vfio/noiommu-%d", group->id);
		group->noiommu = true;
		if (access(group->node, F_OK)) {
			group->node[0] = '\0';
			group->noiommu = false;
		}
	}

	/* The kernel's answer replaces this guess if the group is opened. */
	group->viable = true;
	for (i = 0; i < group->nr_devices; i++)
		if (!driver_allows_vfio(&group->devices[i]))
			group->viable = false;
	return 0;
}

static int compare_ids(const void *a, const void *b)
{
	return ((const struct lsvfio_group *)a)->id -
	       ((const struct lsvfio_group *)b)->id;
}

/**
 * lsvfio_scan_sysfs() - find every IOMMU group and its devices
 * @ls: filled in; lsvfio_free() releases it
 *
 * Return: 0, -ENOENT if the system has no IOMMU groups at all, or another
 * negative errno.
 */
int lsvfio_scan_sysfs(struct lsvfio *ls)
{
	struct lsvfio_group *group;
	struct dirent *entry;
	unsigned int i;
	char *end;
	long id;
	int ret;
	DIR *d;

	memset(ls, 0, sizeof(*ls));
	d = opendir(SYSFS_GROUPS);
	if (!d)
		return -errno;
	while ((entry = readdir(d))) {
		id = strtol(entry->d_name, &end, 10);
		if (*end || end == entry->d_name || id < 0)
			continue;
		group = realloc(ls->groups, (ls->nr_groups + 1) * sizeof(*group));
		if (!group) {
			closedir(d);
			return -ENOMEM;
		}
		ls->groups = group;
		group = &ls->groups[ls->nr_groups++];
		memset(group, 0, sizeof(*group));
		group->id = id;
	}
	closedir(d);
	qsort(ls->groups, ls->nr_groups, sizeof(*ls->groups), compare_ids);

	for (i = 0; i < ls->nr_groups; i++) {
		ret = scan_group(&ls->groups[i]);
		if (ret)
			return ret;
	}
	return ls->nr_groups ? 0 : -ENOENT;
}
