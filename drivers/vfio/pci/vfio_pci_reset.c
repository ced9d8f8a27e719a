// SPDX-License-Identifier: GPL-2.0-only
/*
 * Slot and bus resets of vfio-pci devices.
 *
 * A slot or bus reset hits every function below it, so it is done only
 * when all of them are in one VFIO device set (bound to vfio-pci drivers,
 * hence not used by the host), and either on behalf of a user who proves,
 * with group fds, that it owns every one of them (VFIO_DEVICE_PCI_HOT_RESET),
 * or when the last of them is closed and one could not be reset alone.
 */
#include <linux/file.h>
#include <linux/iommu.h>
#include <linux/pci.h>
#include <linux/pm_runtime.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "vfio_pci_priv.h"

/* Is @pdev below @slot (the slot its path to the root passes through)? */
static bool vfio_pci_dev_below_slot(struct pci_dev *pdev,
				    struct pci_slot *slot)
{
	for (; pdev; pdev = pdev->bus->self)
		if (pdev->bus == slot->bus)
			return pdev->slot == slot;
	return false;
}

struct vfio_pci_walk_info {
	int (*fn)(struct pci_dev *pdev, void *data);
	void *data;
	struct pci_dev *pdev;
	bool slot;
	int ret;
};

static int vfio_pci_walk_wrapper(struct pci_dev *pdev, void *data)
{
	struct vfio_pci_walk_info *walk = data;

	if (!walk->slot || vfio_pci_dev_below_slot(pdev, walk->pdev->slot))
		walk->ret = walk->fn(pdev, walk->data);
	return walk->ret;
}

static int vfio_pci_count_devs(struct pci_dev *pdev, void *data)
{
	(*(int *)data)++;
	return 0;
}

/* Call @walk->fn for every device a slot (or else bus) reset hits. */
static int vfio_pci_walk_reset_domain(struct vfio_pci_walk_info *walk)
{
	pci_walk_bus(walk->pdev->bus, vfio_pci_walk_wrapper, walk);
	return walk->ret;
}

/* The number of devices a slot (or else bus) reset of @pdev hits. */
static int vfio_pci_count_reset_domain(struct pci_dev *pdev, bool slot,
				       int *count)
{
	struct vfio_pci_walk_info walk = {
		.fn = vfio_pci_count_devs, .data = count, .pdev = pdev,
		.slot = slot,
	};

	*count = 0;
	return vfio_pci_walk_reset_domain(&walk);
}

/*
 * Which reset a hot reset of @pdev would use.
 * Return: 0 with *@slot set, or -ENODEV if neither works.
 */
static int vfio_pci_hot_reset_kind(struct pci_dev *pdev, bool *slot)
{
	*slot = !pci_probe_reset_slot(pdev->slot);
	if (!*slot && pci_probe_reset_bus(pdev->bus))
		return -ENODEV;
	return 0;
}

struct vfio_pci_fill_info {
	struct vfio_pci_dependent_device *devices;
	int nr_devices;
	int count;
};

static int vfio_pci_fill_devs(struct pci_dev *pdev, void *data)
{
	struct vfio_pci_fill_info *fill = data;
	struct vfio_pci_dependent_device *info;
	struct iommu_group *group;

	/* The topology changed since we counted. */
	if (fill->count >= fill->nr_devices)
		return -EAGAIN;

	/* A device without an IOMMU group is not isolated: no reset. */
	group = iommu_group_get(&pdev->dev);
	if (!group)
		return -EPERM;

	info = &fill->devices[fill->count++];
	info->group_id = iommu_group_id(group);
	info->segment = pci_domain_nr(pdev->bus);
	info->bus = pdev->bus->number;
	info->devfn = pdev->devfn;
	iommu_group_put(group);
	return 0;
}

/**
 * vfio_pci_core_get_pci_hot_reset_info - VFIO_DEVICE_GET_PCI_HOT_RESET_INFO
 * @owner: the device
 * @call: the ioctl, its struct vfio_pci_hot_reset_info checked
 *
 * Lists every device a hot reset of this one would also reset, with its
 * IOMMU group: the groups the user must prove it owns.
 *
 * Return: 0; -ENODEV without slot or bus reset, -ENOSPC with the needed
 * count in the user's struct when the array does not fit, -EPERM for an
 * affected device without IOMMU group, or another negative errno.
 */
long vfio_pci_core_get_pci_hot_reset_info(void *owner,
					  struct vfio_ioctl_call *call)
{
	struct vfio_pci_core_device *vdev = owner;
	struct vfio_pci_hot_reset_info *hdr = call->cmd;
	struct vfio_pci_hot_reset_info __user *arg = call->uptr;
	struct vfio_pci_fill_info fill = {};
	struct vfio_pci_walk_info walk = {
		.fn = vfio_pci_fill_devs, .data = &fill, .pdev = vdev->pdev,
	};
	size_t room;
	bool slot;
	int ret, count;

	ret = vfio_pci_hot_reset_kind(vdev->pdev, &slot);
	if (ret)
		return ret;
	walk.slot = slot;

	ret = vfio_pci_count_reset_domain(vdev->pdev, slot, &count);
	if (ret)
		return ret;
	if (WARN_ON(!count))
		return -ERANGE;

	/* Too small: say how many entries it takes, and fail. */
	room = (call->user_size - sizeof(*hdr)) / sizeof(*fill.devices);
	if (count > room) {
		hdr->count = count;
		if (copy_to_user(arg, hdr, sizeof(*hdr)))
			return -EFAULT;
		return -ENOSPC;
	}

	fill.devices = kcalloc(count, sizeof(*fill.devices), GFP_KERNEL);
	if (!fill.devices)
		return -ENOMEM;
	fill.nr_devices = count;

	mutex_lock(&vdev->vdev.dev_set->lock);
	ret = vfio_pci_walk_reset_domain(&walk);
	mutex_unlock(&vdev->vdev.dev_set->lock);

	if (!ret && copy_to_user(arg->devices, fill.devices,
				 fill.count * sizeof(*fill.devices)))
		ret = -EFAULT;
	hdr->count = fill.count;
	kfree(fill.devices);
	return ret;
}

static int vfio_pci_is_device_in_set(struct pci_dev *pdev, void *data)
{
	struct vfio_device_set *dev_set = data;

	return vfio_find_device_in_devset(dev_set, &pdev->dev) ? 0 : -ENODEV;
}

/*
 * A bus or slot reset of the set is only done if every device it hits is
 * in the set, i.e. bound to a vfio-pci driver: they then cannot be in use
 * by the host, and their users are all known.
 * Return: the device to reset through, or NULL.
 */
static struct pci_dev *
vfio_pci_dev_set_resettable(struct vfio_device_set *dev_set)
{
	struct vfio_pci_walk_info walk = {
		.fn = vfio_pci_is_device_in_set, .data = dev_set,
	};
	struct pci_dev *pdev;
	bool slot;

	lockdep_assert_held(&dev_set->lock);

	/* All members share one reset: any of them will do. */
	pdev = list_first_entry(&dev_set->device_list,
				struct vfio_pci_core_device,
				vdev.dev_set_list)->pdev;
	if (vfio_pci_hot_reset_kind(pdev, &slot))
		return NULL;
	walk.pdev = pdev;
	walk.slot = slot;
	if (vfio_pci_walk_reset_domain(&walk))
		return NULL;
	return pdev;
}

static int vfio_pci_dev_set_pm_runtime_get(struct vfio_device_set *dev_set)
{
	struct vfio_pci_core_device *cur;
	int ret;

	list_for_each_entry(cur, &dev_set->device_list, vdev.dev_set_list) {
		ret = pm_runtime_resume_and_get(&cur->pdev->dev);
		if (ret)
			goto unwind;
	}
	return 0;

unwind:
	list_for_each_entry_continue_reverse(cur, &dev_set->device_list,
					     vdev.dev_set_list)
		pm_runtime_put(&cur->pdev->dev);
	return ret;
}

static void vfio_pci_dev_set_pm_runtime_put(struct vfio_device_set *dev_set)
{
	struct vfio_pci_core_device *cur;

	list_for_each_entry(cur, &dev_set->device_list, vdev.dev_set_list)
		pm_runtime_put(&cur->pdev->dev);
}

/* Did the user prove ownership of @vdev with one of @files? */
static bool vfio_pci_dev_in_groups(struct vfio_device *vdev,
				   struct file **files, unsigned int count)
{
	unsigned int i;

	for (i = 0; i < count; i++)
		if (vfio_file_has_dev(files[i], vdev))
			return true;
	return false;
}

/*
 * Reset the bus or slot of @dev_set for a user who passed the group files
 * @files.  Every device of the set must be in one of those groups: the
 * reset hits them all, so the user must own them all.
 */
static int vfio_pci_dev_set_hot_reset(struct vfio_device_set *dev_set,
				      struct file **files, unsigned int count)
{
	struct vfio_pci_core_device *cur, *locked = NULL;
	struct pci_dev *pdev;
	int ret;

	mutex_lock(&dev_set->lock);

	pdev = vfio_pci_dev_set_resettable(dev_set);
	if (!pdev) {
		ret = -EINVAL;
		goto out_unlock;
	}

	/* Idle members may be suspended: wake them all for the reset. */
	ret = vfio_pci_dev_set_pm_runtime_get(dev_set);
	if (ret)
		goto out_unlock;

	list_for_each_entry(cur, &dev_set->device_list, vdev.dev_set_list) {
		if (!vfio_pci_dev_in_groups(&cur->vdev, files, count)) {
			ret = -EINVAL;
			break;
		}
		/*
		 * Keep every user away from its BARs during the reset.
		 * Taking several memory_locks could deadlock against a
		 * thread holding one and waiting for ours: back off instead.
		 */
		if (!down_write_trylock(&cur->memory_lock)) {
			ret = -EBUSY;
			break;
		}
		vfio_pci_zap_bars(cur);
		locked = cur;
	}

	if (!ret) {
		list_for_each_entry(cur, &dev_set->device_list,
				    vdev.dev_set_list)
			vfio_pci_set_power_state(cur, PCI_D0);
		ret = pci_reset_bus(pdev);
	}

	if (locked) {
		cur = locked;
		list_for_each_entry_from_reverse(cur, &dev_set->device_list,
						 vdev.dev_set_list)
			up_write(&cur->memory_lock);
	}
	vfio_pci_dev_set_pm_runtime_put(dev_set);
out_unlock:
	mutex_unlock(&dev_set->lock);
	return ret;
}

/**
 * vfio_pci_core_pci_hot_reset - VFIO_DEVICE_PCI_HOT_RESET
 * @owner: the device
 * @call: the ioctl, its struct vfio_pci_hot_reset checked
 *
 * Resets the slot or bus of the device, if the group fds the user passed
 * cover every device the reset hits and all of those are bound to
 * vfio-pci drivers.
 *
 * Return: 0; -EINVAL without group fds, with a file that is no VFIO group
 * or with a device not covered, -EBADF for a closed fd, -ENODEV without
 * slot or bus reset, -EBUSY if a device is in use for a BAR access.
 */
long vfio_pci_core_pci_hot_reset(void *owner,
				 struct vfio_ioctl_call *call)
{
	struct vfio_pci_core_device *vdev = owner;
	struct vfio_pci_hot_reset *hdr = call->cmd;
	struct vfio_pci_hot_reset __user *arg = call->uptr;
	struct file **files;
	s32 *fds;
	int ret, max;
	unsigned int i;
	bool slot;

	/*
	 * Ownership is proven with group fds; an empty list is how an
	 * iommufd user asks, and this VFIO has no iommufd.
	 */
	if (!hdr->count)
		return -EINVAL;

	ret = vfio_pci_hot_reset_kind(vdev->pdev, &slot);
	if (ret)
		return ret;

	/* No more groups than affected devices: bounds what we copy. */
	ret = vfio_pci_count_reset_domain(vdev->pdev, slot, &max);
	if (ret)
		return ret;
	if (hdr->count > max)
		return -EINVAL;

	fds = memdup_array_user(arg->group_fds, hdr->count, sizeof(*fds));
	if (IS_ERR(fds))
		return PTR_ERR(fds);
	files = kcalloc(hdr->count, sizeof(*files), GFP_KERNEL);
	if (!files) {
		kfree(fds);
		return -ENOMEM;
	}

	/* Hold the group files so the groups cannot go away meanwhile. */
	for (i = 0; i < hdr->count; i++) {
		files[i] = fget(fds[i]);
		if (!files[i]) {
			ret = -EBADF;
			break;
		}
		if (!vfio_file_is_group(files[i])) {
			fput(files[i]);
			ret = -EINVAL;
			break;
		}
	}
	kfree(fds);

	if (!ret)
		ret = vfio_pci_dev_set_hot_reset(vdev->vdev.dev_set, files,
						 hdr->count);
	while (i--)
		fput(files[i]);
	kfree(files);
	return ret;
}

static bool vfio_pci_dev_set_needs_reset(struct vfio_device_set *dev_set)
{
	struct vfio_pci_core_device *cur;

	/* Only the device being closed may still count as open. */
	if (vfio_device_set_open_count(dev_set) > 1)
		return false;

	list_for_each_entry(cur, &dev_set->device_list, vdev.dev_set_list)
		if (cur->needs_reset)
			return true;
	return false;
}

/*
 * After a close: if a member could not be reset on its own and every
 * device of the bus or slot is idle, reset them all together.
 */
void vfio_pci_dev_set_try_reset(struct vfio_device_set *dev_set)
{
	struct vfio_pci_core_device *cur;
	struct pci_dev *pdev;

	if (!vfio_pci_dev_set_needs_reset(dev_set))
		return;

	pdev = vfio_pci_dev_set_resettable(dev_set);
	if (!pdev)
		return;

	if (vfio_pci_dev_set_pm_runtime_get(dev_set))
		return;

	if (!pci_reset_bus(pdev))
		list_for_each_entry(cur, &dev_set->device_list,
				    vdev.dev_set_list)
			cur->needs_reset = false;

	vfio_pci_dev_set_pm_runtime_put(dev_set);
}
