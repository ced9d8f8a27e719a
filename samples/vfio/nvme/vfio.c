// SPDX-License-Identifier: GPL-2.0-only
/*
 * Opening a PCI device through VFIO, and the few things the NVMe driver
 * does with it afterwards: mmap a BAR, touch config space, route MSI-X
 * vectors to eventfds and map memory into the device's IOMMU.
 *
 * VFIO hands out a device only in a fixed order: a container
 * (/dev/vfio/vfio) is opened, the device's group (/dev/vfio/N) is attached
 * to it, an IOMMU model is chosen for the container, and only then does
 * the group give out a device fd.  Most ways this can fail have a cause the
 * user can fix, so each failure says which one it was.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/pci_regs.h>

#include "log.h"
#include "vfio.h"

#define SYSFS_PCI_DEVICES	"/sys/bus/pci/devices"
#define VFIO_CONTAINER_PATH	"/dev/vfio/vfio"

/*
 * The lowest IOVA handed to the device.  Nothing stops us from using 0, but
 * keeping the first megabyte unmapped turns a command with a forgotten
 * (zero) data pointer into an IOMMU fault instead of a silent DMA into the
 * admin queue.
 */
#define IOVA_MIN		0x100000ULL

/* Alignment of IOVAs, so that huge pages can become huge IOMMU pages. */
#define IOVA_ALIGN		0x200000ULL

/* Read the last component of a sysfs symlink (a driver or a group). */
static int sysfs_link_name(const char *path, char *name, size_t size)
{
	char target[PATH_MAX];
	const char *base;
	ssize_t len;

	len = readlink(path, target, sizeof(target) - 1);
	if (len < 0)
		return -errno;
	target[len] = '\0';
	base = strrchr(target, '/');
	base = base ? base + 1 : target;
	len = strlen(base);
	if ((size_t)len >= size)
		return -ENAMETOOLONG;
	memcpy(name, base, len + 1);
	return 0;
}

static void device_driver(const char *bdf, char *driver, size_t size)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), SYSFS_PCI_DEVICES "/%s/driver", bdf);
	if (sysfs_link_name(path, driver, size))
		driver[0] = '\0';
}

/* vfio-pci itself or one of its vendor variants (mlx5_vfio_pci, ...). */
static int driver_is_vfio(const char *driver)
{
	return !!strstr(driver, "vfio");
}

static void hint_bind(const char *bdf, const char *driver)
{
	if (access("/sys/bus/pci/drivers/vfio-pci", F_OK))
		pr_hint("the vfio-pci driver is not loaded: modprobe vfio-pci");
	pr_hint("to hand the device to vfio-pci, as root:");
	if (driver[0])
		pr_hint("  echo %s > " SYSFS_PCI_DEVICES "/%s/driver/unbind",
			bdf, bdf);
	pr_hint("  echo vfio-pci > " SYSFS_PCI_DEVICES "/%s/driver_override",
		bdf);
	pr_hint("  echo %s > /sys/bus/pci/drivers_probe", bdf);
}

/**
 * vfio_pci_find_group() - check that a device can be used through VFIO
 * @bdf: PCI address of the device
 *
 * Checks what can be checked in sysfs before anything is opened, because
 * that is where the causes are visible: a device that does not exist, an
 * IOMMU that is off, a device still owned by its kernel driver.
 *
 * Return: the IOMMU group number, or a negative errno after printing why.
 */
int vfio_pci_find_group(const char *bdf)
{
	char path[PATH_MAX], group[32], driver[64];

	snprintf(path, sizeof(path), SYSFS_PCI_DEVICES "/%s", bdf);
	if (access(path, F_OK)) {
		pr_err("there is no PCI device %s", bdf);
		pr_hint("the devices are listed in " SYSFS_PCI_DEVICES);
		return -ENODEV;
	}

	snprintf(path, sizeof(path), SYSFS_PCI_DEVICES "/%s/iommu_group", bdf);
	if (sysfs_link_name(path, group, sizeof(group))) {
		pr_err("%s has no IOMMU group: no IOMMU translates its DMA",
		       bdf);
		pr_hint("enable VT-d/AMD-Vi in the firmware; on Intel, boot with intel_iommu=on");
		return -ENODEV;
	}

	device_driver(bdf, driver, sizeof(driver));
	if (!driver_is_vfio(driver)) {
		if (driver[0])
			pr_err("%s is bound to %s, not to vfio-pci", bdf,
			       driver);
		else
			pr_err("%s is not bound to any driver, it must be bound to vfio-pci",
			       bdf);
		hint_bind(bdf, driver);
		return -ENODEV;
	}

	snprintf(path, sizeof(path), "/dev/vfio/noiommu-%s", group);
	if (!access(path, F_OK)) {
		pr_err("group %s of %s is a no-IOMMU group", group, bdf);
		pr_hint("this driver needs an IOMMU to translate the device's DMA");
		return -ENODEV;
	}
	return atoi(group);
}

/*
 * Say which devices make a group unusable.  The kernel only answers "not
 * viable"; the culprits are the group's other devices that are bound to a
 * driver that is not VFIO's.
 */
static void report_unviable_group(int group_id)
{
	char path[PATH_MAX], driver[64];
	struct dirent *entry;
	DIR *dir;

	pr_err("IOMMU group %d is not viable: a device in it is used by a kernel driver",
	       group_id);
	pr_hint("every device of the group must be bound to vfio-pci or to no driver:");
	snprintf(path, sizeof(path), "/sys/kernel/iommu_groups/%d/devices",
		 group_id);
	dir = opendir(path);
	if (!dir)
		return;
	while ((entry = readdir(dir))) {
		if (entry->d_name[0] == '.')
			continue;
		device_driver(entry->d_name, driver, sizeof(driver));
		pr_hint("  %s: %s%s", entry->d_name,
			driver[0] ? driver : "no driver",
			driver[0] && !driver_is_vfio(driver) ?
			" <- unbind it or bind it to vfio-pci" : "");
	}
	closedir(dir);
}

static int open_container(void)
{
	int container, version;

	container = open(VFIO_CONTAINER_PATH, O_RDWR | O_CLOEXEC);
	if (container < 0) {
		int err = errno;

		pr_err("cannot open " VFIO_CONTAINER_PATH ": %s",
		       strerror(err));
		if (err == ENOENT)
			pr_hint("the vfio module is not loaded: modprobe vfio-pci");
		return -err;
	}

	version = ioctl(container, VFIO_GET_API_VERSION);
	if (version != VFIO_API_VERSION) {
		pr_err("VFIO API version %d, this driver knows version %d",
		       version, VFIO_API_VERSION);
		close(container);
		return -EINVAL;
	}

	/* v2 because v1 lets unmap split a mapping: we never want that. */
	if (ioctl(container, VFIO_CHECK_EXTENSION, VFIO_TYPE1v2_IOMMU) <= 0) {
		pr_err("no type1v2 IOMMU backend is available");
		pr_hint("load it: modprobe vfio_iommu_type1");
		close(container);
		return -ENODEV;
	}
	return container;
}

static int open_group(int group_id)
{
	char path[64];
	int group, err;

	snprintf(path, sizeof(path), "/dev/vfio/%d", group_id);
	group = open(path, O_RDWR | O_CLOEXEC);
	if (group >= 0)
		return group;

	err = errno;
	pr_err("cannot open %s: %s", path, strerror(err));
	if (err == EACCES || err == EPERM)
		pr_hint("run as root, or give your user read-write access: chown $USER %s",
			path);
	else if (err == EBUSY)
		pr_hint("another process (QEMU, DPDK, ...) has the group open; only one may");
	return -err;
}

/**
 * vfio_pci_open() - open a device through its group and a new container
 * @dev: filled in on success
 * @bdf: PCI address of the device
 * @group_id: its IOMMU group, from vfio_pci_find_group()
 *
 * Return: 0, or a negative errno after printing why; nothing stays open
 * on failure.
 */
int vfio_pci_open(struct vfio_pci_dev *dev, const char *bdf, int group_id)
{
	struct vfio_group_status status = { .argsz = sizeof(status) };
	struct vfio_region_info config = {
		.argsz = sizeof(config),
		.index = VFIO_PCI_CONFIG_REGION_INDEX,
	};
	int ret;

	memset(dev, 0, sizeof(*dev));
	snprintf(dev->bdf, sizeof(dev->bdf), "%s", bdf);
	dev->group_id = group_id;

	dev->container = open_container();
	if (dev->container < 0)
		return dev->container;

	dev->group = open_group(group_id);
	if (dev->group < 0) {
		ret = dev->group;
		goto err_container;
	}

	if (ioctl(dev->group, VFIO_GROUP_GET_STATUS, &status)) {
		ret = -errno;
		pr_err("VFIO_GROUP_GET_STATUS: %s", strerror(-ret));
		goto err_group;
	}
	if (!(status.flags & VFIO_GROUP_FLAGS_VIABLE)) {
		report_unviable_group(group_id);
		ret = -EBUSY;
		goto err_group;
	}

	if (ioctl(dev->group, VFIO_GROUP_SET_CONTAINER, &dev->container)) {
		ret = -errno;
		pr_err("VFIO_GROUP_SET_CONTAINER: %s", strerror(-ret));
		goto err_group;
	}
	if (ioctl(dev->container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU)) {
		ret = -errno;
		pr_err("VFIO_SET_IOMMU(type1v2): %s", strerror(-ret));
		goto err_group;
	}

	dev->device = ioctl(dev->group, VFIO_GROUP_GET_DEVICE_FD, bdf);
	if (dev->device < 0) {
		ret = -errno;
		pr_err("VFIO_GROUP_GET_DEVICE_FD(%s): %s", bdf, strerror(-ret));
		goto err_group;
	}

	dev->info.argsz = sizeof(dev->info);
	if (ioctl(dev->device, VFIO_DEVICE_GET_INFO, &dev->info)) {
		ret = -errno;
		pr_err("VFIO_DEVICE_GET_INFO: %s", strerror(-ret));
		goto err_device;
	}
	if (!(dev->info.flags & VFIO_DEVICE_FLAGS_PCI)) {
		pr_err("%s is not a PCI device according to VFIO", bdf);
		ret = -ENODEV;
		goto err_device;
	}

	if (ioctl(dev->device, VFIO_DEVICE_GET_REGION_INFO, &config)) {
		ret = -errno;
		pr_err("VFIO_DEVICE_GET_REGION_INFO(config): %s",
		       strerror(-ret));
		goto err_device;
	}
	dev->config_offset = config.offset;
	return 0;

err_device:
	close(dev->device);
err_group:
	/* Closing the group detaches it from the container. */
	close(dev->group);
err_container:
	close(dev->container);
	return ret;
}

/**
 * vfio_pci_close() - give the device back
 * @dev: an opened device
 *
 * The kernel resets the device when its last fd closes; the container
 * unmaps and unpins whatever is still mapped when it goes.
 */
void vfio_pci_close(struct vfio_pci_dev *dev)
{
	close(dev->device);
	close(dev->group);
	close(dev->container);
}

/*
 * VFIO_DEVICE_GET_REGION_INFO with room for the capability chain: the
 * kernel says how much it needs in argsz, so ask again until it fits.
 * The caller frees the result.
 */
static struct vfio_region_info *region_info(struct vfio_pci_dev *dev,
					    unsigned int index)
{
	struct vfio_region_info *info;
	__u32 argsz = sizeof(*info);

	for (;;) {
		info = calloc(1, argsz);
		if (!info)
			return NULL;
		info->argsz = argsz;
		info->index = index;
		if (ioctl(dev->device, VFIO_DEVICE_GET_REGION_INFO, info)) {
			free(info);
			return NULL;
		}
		if (info->argsz <= argsz)
			return info;
		argsz = info->argsz;
		free(info);
	}
}

static const struct vfio_info_cap_header *
region_cap(const struct vfio_region_info *info, __u16 id)
{
	const struct vfio_info_cap_header *cap;
	__u32 offset;

	if (!(info->flags & VFIO_REGION_INFO_FLAG_CAPS))
		return NULL;
	for (offset = info->cap_offset; offset; offset = cap->next) {
		if (offset + sizeof(*cap) > info->argsz)
			return NULL;
		cap = (const void *)((const char *)info + offset);
		if (cap->id == id)
			return cap;
	}
	return NULL;
}

/*
 * Map only the windows a sparse mmap capability allows.  The whole BAR is
 * first reserved as an inaccessible mapping so that register offsets stay
 * offsets from one base, whatever the windows are.
 */
static int map_sparse_bar(struct vfio_pci_dev *dev,
			  const struct vfio_region_info *info,
			  const struct vfio_region_info_cap_sparse_mmap *sparse,
			  struct vfio_bar *bar)
{
	__u32 i;
	void *base;

	base = mmap(NULL, info->size, PROT_NONE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (base == MAP_FAILED)
		return -errno;
	for (i = 0; i < sparse->nr_areas; i++) {
		const struct vfio_region_sparse_mmap_area *area =
			&sparse->areas[i];

		if (!area->size)
			continue;
		if (mmap((char *)base + area->offset, area->size,
			 PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED,
			 dev->device, info->offset + area->offset) ==
		    MAP_FAILED) {
			int err = errno;

			munmap(base, info->size);
			return -err;
		}
	}
	bar->base = base;
	bar->sparse = 1;
	return 0;
}

/**
 * vfio_pci_map_bar() - mmap a memory BAR into this process
 * @dev: the device
 * @index: region index of the BAR
 * @bar: filled in on success
 *
 * Return: 0 or a negative errno after printing why.
 */
int vfio_pci_map_bar(struct vfio_pci_dev *dev, unsigned int index,
		     struct vfio_bar *bar)
{
	const struct vfio_info_cap_header *cap;
	struct vfio_region_info *info;
	void *base;
	int ret = 0;

	info = region_info(dev, index);
	if (!info) {
		ret = -errno;
		pr_err("VFIO_DEVICE_GET_REGION_INFO(BAR%u): %s", index,
		       strerror(-ret));
		return ret;
	}
	if (!info->size || !(info->flags & VFIO_REGION_INFO_FLAG_MMAP)) {
		pr_err("BAR%u of %s cannot be mmap'ed (size %llu, flags 0x%x)",
		       index, dev->bdf, (unsigned long long)info->size,
		       info->flags);
		ret = -EINVAL;
		goto out;
	}

	memset(bar, 0, sizeof(*bar));
	bar->index = index;
	bar->size = info->size;
	cap = region_cap(info, VFIO_REGION_INFO_CAP_SPARSE_MMAP);
	if (cap) {
		ret = map_sparse_bar(dev, info, (const void *)cap, bar);
	} else {
		base = mmap(NULL, info->size, PROT_READ | PROT_WRITE,
			    MAP_SHARED, dev->device, info->offset);
		if (base == MAP_FAILED)
			ret = -errno;
		else
			bar->base = base;
	}
	if (ret)
		pr_err("mmap of BAR%u: %s", index, strerror(-ret));
out:
	free(info);
	return ret;
}

void vfio_pci_unmap_bar(struct vfio_bar *bar)
{
	if (bar->base)
		munmap(bar->base, bar->size);
	bar->base = NULL;
}

int vfio_pci_config_read(struct vfio_pci_dev *dev, unsigned int offset,
			 void *buf, size_t len)
{
	if (pread(dev->device, buf, len, dev->config_offset + offset) !=
	    (ssize_t)len)
		return -EIO;
	return 0;
}

int vfio_pci_config_write(struct vfio_pci_dev *dev, unsigned int offset,
			  const void *buf, size_t len)
{
	if (pwrite(dev->device, buf, len, dev->config_offset + offset) !=
	    (ssize_t)len)
		return -EIO;
	return 0;
}

/**
 * vfio_pci_set_bus_master() - let the device start DMA, or stop it
 * @dev: the device
 * @enable: non-zero to enable
 *
 * vfio-pci enables memory decoding when the device is opened, but leaves
 * bus mastering to the user: a device must not DMA before its IOMMU
 * mappings exist.
 *
 * Return: 0 or a negative errno.
 */
int vfio_pci_set_bus_master(struct vfio_pci_dev *dev, int enable)
{
	__u16 cmd;
	int ret;

	ret = vfio_pci_config_read(dev, PCI_COMMAND, &cmd, sizeof(cmd));
	if (ret)
		return ret;
	if (enable)
		cmd |= PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER;
	else
		cmd &= ~PCI_COMMAND_MASTER;
	return vfio_pci_config_write(dev, PCI_COMMAND, &cmd, sizeof(cmd));
}

/* The number of vectors of an interrupt index (MSI-X, ...), or -errno. */
int vfio_pci_irq_count(struct vfio_pci_dev *dev, unsigned int index)
{
	struct vfio_irq_info info = { .argsz = sizeof(info), .index = index };

	if (ioctl(dev->device, VFIO_DEVICE_GET_IRQ_INFO, &info))
		return -errno;
	return info.count;
}

/**
 * vfio_pci_set_irq_eventfds() - signal eventfds when vectors fire
 * @dev: the device
 * @index: interrupt index, e.g. VFIO_PCI_MSIX_IRQ_INDEX
 * @fds: one eventfd per vector, starting at vector 0
 * @count: number of vectors
 *
 * Return: 0 or a negative errno.
 */
int vfio_pci_set_irq_eventfds(struct vfio_pci_dev *dev, unsigned int index,
			      const int *fds, unsigned int count)
{
	struct vfio_irq_set *set;
	size_t size = sizeof(*set) + count * sizeof(__s32);
	int ret = 0;

	set = calloc(1, size);
	if (!set)
		return -ENOMEM;
	set->argsz = size;
	set->flags = VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER;
	set->index = index;
	set->start = 0;
	set->count = count;
	memcpy(set->data, fds, count * sizeof(__s32));
	if (ioctl(dev->device, VFIO_DEVICE_SET_IRQS, set))
		ret = -errno;
	free(set);
	return ret;
}

/* Disconnect every vector of @index and switch the mode off. */
int vfio_pci_disable_irqs(struct vfio_pci_dev *dev, unsigned int index)
{
	struct vfio_irq_set set = {
		.argsz = sizeof(set),
		.flags = VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER,
		.index = index,
		.start = 0,
		.count = 0,
	};

	if (ioctl(dev->device, VFIO_DEVICE_SET_IRQS, &set))
		return -errno;
	return 0;
}

static __u64 align_up(__u64 value, __u64 align)
{
	return (value + align - 1) & ~(align - 1);
}

/**
 * vfio_iommu_find_iova() - choose where the device sees our memory
 * @dev: the device (its container)
 * @size: bytes needed, in one piece
 * @iova: set to the chosen address
 *
 * The IOMMU cannot map everywhere: the MSI window and the limits of its
 * address width are holes.  type1 lists the usable ranges; take the first
 * one with room.
 *
 * Return: 0 or a negative errno after printing why.
 */
int vfio_iommu_find_iova(struct vfio_pci_dev *dev, __u64 size,
			 __u64 *iova)
{
	const struct vfio_iommu_type1_info_cap_iova_range *ranges = NULL;
	const struct vfio_info_cap_header *cap;
	struct vfio_iommu_type1_info *info;
	__u32 argsz = sizeof(*info), offset, i;
	int ret = -ENOSPC;

	for (;;) {
		info = calloc(1, argsz);
		if (!info)
			return -ENOMEM;
		info->argsz = argsz;
		if (ioctl(dev->container, VFIO_IOMMU_GET_INFO, info)) {
			ret = -errno;
			pr_err("VFIO_IOMMU_GET_INFO: %s", strerror(-ret));
			free(info);
			return ret;
		}
		if (info->argsz <= argsz)
			break;
		argsz = info->argsz;
		free(info);
	}

	if (info->flags & VFIO_IOMMU_INFO_CAPS) {
		for (offset = info->cap_offset; offset; offset = cap->next) {
			if (offset + sizeof(*cap) > info->argsz)
				break;
			cap = (const void *)((const char *)info + offset);
			if (cap->id == VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE) {
				ranges = (const void *)cap;
				break;
			}
		}
	}

	if (!ranges) {
		/* An old kernel that does not say: assume the low range. */
		*iova = IOVA_MIN;
		ret = 0;
		goto out;
	}
	for (i = 0; i < ranges->nr_iovas; i++) {
		const struct vfio_iova_range *range = &ranges->iova_ranges[i];
		__u64 start = align_up(range->start, IOVA_ALIGN);

		if (start < IOVA_MIN)
			start = IOVA_MIN;
		if (start <= range->end && range->end - start >= size - 1) {
			*iova = start;
			ret = 0;
			goto out;
		}
	}
	pr_err("no usable IOVA range holds %llu bytes",
	       (unsigned long long)size);
out:
	free(info);
	return ret;
}

/**
 * vfio_iommu_map() - let the device read and write process memory
 * @dev: the device (its container)
 * @vaddr: start of the memory, page aligned
 * @iova: the address the device will use for it
 * @size: length, a multiple of the page size
 *
 * The kernel pins the pages and charges them to RLIMIT_MEMLOCK (unless the
 * process has CAP_IPC_LOCK), so this is where a small limit shows up.
 *
 * Return: 0 or a negative errno.
 */
int vfio_iommu_map(struct vfio_pci_dev *dev, void *vaddr, __u64 iova,
		   __u64 size)
{
	struct vfio_iommu_type1_dma_map map = {
		.argsz = sizeof(map),
		.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
		.vaddr = (unsigned long)vaddr,
		.iova = iova,
		.size = size,
	};

	if (ioctl(dev->container, VFIO_IOMMU_MAP_DMA, &map))
		return -errno;
	return 0;
}

/* Undo vfio_iommu_map(): the pages are unpinned and uncharged. */
int vfio_iommu_unmap(struct vfio_pci_dev *dev, __u64 iova, __u64 size)
{
	struct vfio_iommu_type1_dma_unmap unmap = {
		.argsz = sizeof(unmap),
		.iova = iova,
		.size = size,
	};

	if (ioctl(dev->container, VFIO_IOMMU_UNMAP_DMA, &unmap))
		return -errno;
	if (unmap.size != size)
		return -EIO;
	return 0;
}
