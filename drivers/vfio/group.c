// SPDX-License-Identifier: GPL-2.0-only
/*
 * VFIO groups: /dev/vfio/$GROUP.  A group is the unit of ownership: DMA
 * isolation is only as fine as the IOMMU group, so userspace must own every
 * device of a group before it may use any of them.
 */
#include <linux/cdev.h>
#include <linux/fs.h>
#include <linux/idr.h>
#include <linux/iommu.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "vfio.h"

/* The registered groups, linked through vfio_group.group_next. */
static LIST_HEAD(vfio_group_list);
static DEFINE_MUTEX(vfio_group_list_lock);

static DEFINE_IDA(vfio_group_minor_ida);
static dev_t vfio_group_devt;

static char *vfio_group_devnode(const struct device *dev, umode_t *mode)
{
	return kasprintf(GFP_KERNEL, "vfio/%s", dev_name(dev));
}

static const struct class vfio_group_class = {
	.name = "vfio",
	.devnode = vfio_group_devnode,
};

static const struct file_operations vfio_group_fops;

/* Group file ioctls */

static long vfio_group_get_status(void *owner, struct vfio_ioctl_call *call)
{
	struct vfio_group_status *status = call->cmd;
	struct vfio_group *group = owner;
	long ret = 0;

	mutex_lock(&group->group_lock);
	if (!group->iommu_group)
		ret = -ENODEV;
	else if (group->container)
		status->flags = VFIO_GROUP_FLAGS_VIABLE |
				VFIO_GROUP_FLAGS_CONTAINER_SET;
	else if (!iommu_group_dma_owner_claimed(group->iommu_group))
		/* No kernel driver holds the DMA of any device in it. */
		status->flags = VFIO_GROUP_FLAGS_VIABLE;
	mutex_unlock(&group->group_lock);
	return ret;
}

static long vfio_group_set_container(void *owner,
				     struct vfio_ioctl_call *call)
{
	struct vfio_group *group = owner;
	struct vfio_container *container;
	int fd;
	long ret;

	if (get_user(fd, (int __user *)call->uptr))
		return -EFAULT;

	CLASS(fd, f)(fd);
	if (fd_empty(f))
		return -EBADF;

	mutex_lock(&group->group_lock);
	if (group->container) {
		ret = -EINVAL;
		goto out_unlock;
	}
	if (!group->iommu_group) {
		ret = -ENODEV;
		goto out_unlock;
	}
	container = vfio_container_from_file(fd_file(f));
	if (!container) {
		/* A valid fd, but not of the kind this ioctl takes. */
		ret = -EBADFD;
		goto out_unlock;
	}
	ret = vfio_container_attach_group(container, group);
out_unlock:
	mutex_unlock(&group->group_lock);
	return ret;
}

static long vfio_group_unset_container(void *owner,
				       struct vfio_ioctl_call *call)
{
	struct vfio_group *group = owner;
	long ret = 0;

	mutex_lock(&group->group_lock);
	if (!group->container)
		ret = -EINVAL;
	else if (group->container_users)
		ret = -EBUSY;
	else
		vfio_group_detach_container(group);
	mutex_unlock(&group->group_lock);
	return ret;
}

/*
 * Returns the device holding a registration count, ERR_PTR(-ENODEV) when
 * no device has that name, or the error a driver's match callback gave
 * (vfio-pci rejects a bad VF token with its own errno).
 */
static struct vfio_device *vfio_group_find_device(struct vfio_group *group,
						  char *name)
{
	struct vfio_device *vdev, *found = ERR_PTR(-ENODEV);
	int match;

	mutex_lock(&group->device_lock);
	list_for_each_entry(vdev, &group->device_list, group_next) {
		if (vdev->ops->match)
			match = vdev->ops->match(vdev, name);
		else
			match = !strcmp(dev_name(vdev->dev), name);
		if (match < 0) {
			found = ERR_PTR(match);
			break;
		}
		if (match && vfio_device_try_get_registration(vdev)) {
			found = vdev;
			break;
		}
	}
	mutex_unlock(&group->device_lock);
	return found;
}

static long vfio_group_get_device_fd(void *owner,
				     struct vfio_ioctl_call *call)
{
	struct vfio_group *group = owner;
	struct vfio_device *vdev;
	struct file *filep;
	char *name;
	int fdno;
	long ret;

	name = strndup_user(call->uptr, PAGE_SIZE);
	if (IS_ERR(name))
		return PTR_ERR(name);
	vdev = vfio_group_find_device(group, name);
	kfree(name);
	if (IS_ERR(vdev))
		return PTR_ERR(vdev);

	fdno = get_unused_fd_flags(O_CLOEXEC);
	if (fdno < 0) {
		ret = fdno;
		goto err_put_registration;
	}

	/*
	 * opened_file is the file this ioctl came through: it cannot be
	 * released while the ioctl runs.
	 */
	filep = vfio_device_open_file(vdev, group->opened_file);
	if (IS_ERR(filep)) {
		ret = PTR_ERR(filep);
		goto err_put_fd;
	}

	fd_install(fdno, filep);
	return fdno;

err_put_fd:
	put_unused_fd(fdno);
err_put_registration:
	vfio_device_put_registration(vdev);
	return ret;
}

static const struct vfio_ioctl_desc vfio_group_ioctls[] = {
	VFIO_IOCTL_INFO(VFIO_GROUP_GET_STATUS, struct vfio_group_status, flags,
			vfio_group_get_status),
	VFIO_IOCTL_RAW(VFIO_GROUP_SET_CONTAINER, vfio_group_set_container),
	VFIO_IOCTL_RAW(VFIO_GROUP_UNSET_CONTAINER,
		       vfio_group_unset_container),
	VFIO_IOCTL_RAW(VFIO_GROUP_GET_DEVICE_FD, vfio_group_get_device_fd),
};

static long vfio_group_fops_unl_ioctl(struct file *filep, unsigned int cmd,
				      unsigned long arg)
{
	return VFIO_IOCTL_DISPATCH(vfio_group_ioctls, filep->private_data,
				   cmd, arg);
}

static int vfio_group_fops_open(struct inode *inode, struct file *filep)
{
	struct vfio_group *group = container_of(inode->i_cdev,
						struct vfio_group, cdev);
	int ret = 0;

	mutex_lock(&group->group_lock);
	if (!refcount_read(&group->drivers) || !group->iommu_group)
		ret = -ENODEV;
	else if (group->type == VFIO_NO_IOMMU && !capable(CAP_SYS_RAWIO))
		ret = -EPERM;
	else if (group->opened_file)
		/* One owner per group: a second open would share its DMA. */
		ret = -EBUSY;
	if (!ret) {
		group->opened_file = filep;
		filep->private_data = group;
	}
	mutex_unlock(&group->group_lock);
	return ret;
}

static int vfio_group_fops_release(struct inode *inode, struct file *filep)
{
	struct vfio_group *group = filep->private_data;

	/* Device fds hold this file, so no device of the group is open. */
	mutex_lock(&group->group_lock);
	if (group->container)
		vfio_group_detach_container(group);
	group->opened_file = NULL;
	mutex_unlock(&group->group_lock);
	return 0;
}

static const struct file_operations vfio_group_fops = {
	.owner		= THIS_MODULE,
	.unlocked_ioctl	= vfio_group_fops_unl_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.open		= vfio_group_fops_open,
	.release	= vfio_group_fops_release,
};

/* Group lifetime */

static void vfio_group_release(struct device *dev)
{
	struct vfio_group *group = container_of(dev, struct vfio_group, dev);

	mutex_destroy(&group->device_lock);
	mutex_destroy(&group->group_lock);
	WARN_ON(group->iommu_group);
	ida_free(&vfio_group_minor_ida, MINOR(group->dev.devt));
	kfree(group);
}

static struct vfio_group *vfio_group_create(struct iommu_group *iommu_group,
					    enum vfio_group_type type)
{
	struct vfio_group *group;
	int minor, ret;

	lockdep_assert_held(&vfio_group_list_lock);

	group = kzalloc(sizeof(*group), GFP_KERNEL);
	if (!group)
		return ERR_PTR(-ENOMEM);

	minor = ida_alloc_max(&vfio_group_minor_ida, MINORMASK, GFP_KERNEL);
	if (minor < 0) {
		kfree(group);
		return ERR_PTR(minor);
	}

	device_initialize(&group->dev);
	group->dev.devt = MKDEV(MAJOR(vfio_group_devt), minor);
	group->dev.class = &vfio_group_class;
	group->dev.release = vfio_group_release;
	cdev_init(&group->cdev, &vfio_group_fops);
	group->cdev.owner = THIS_MODULE;

	refcount_set(&group->drivers, 1);
	mutex_init(&group->group_lock);
	mutex_init(&group->device_lock);
	INIT_LIST_HEAD(&group->device_list);
	group->type = type;
	group->iommu_group = iommu_group;
	iommu_group_ref_get(iommu_group);

	ret = dev_set_name(&group->dev, "%s%d",
			   type == VFIO_NO_IOMMU ? "noiommu-" : "",
			   iommu_group_id(iommu_group));
	if (ret)
		goto err_put;

	ret = cdev_device_add(&group->cdev, &group->dev);
	if (ret)
		goto err_put;

	list_add(&group->group_next, &vfio_group_list);
	return group;

err_put:
	iommu_group_put(group->iommu_group);
	group->iommu_group = NULL;
	put_device(&group->dev);
	return ERR_PTR(ret);
}

/*
 * Emulated and no-IOMMU devices have no iommu_group of their own: make one
 * so that they show up and are owned like any other device.
 */
static struct vfio_group *vfio_group_create_private(struct device *dev,
						    enum vfio_group_type type)
{
	struct iommu_group *iommu_group;
	struct vfio_group *group;
	int ret;

	iommu_group = iommu_group_alloc();
	if (IS_ERR(iommu_group))
		return ERR_CAST(iommu_group);

	ret = iommu_group_set_name(iommu_group, "vfio-noiommu");
	if (ret)
		goto err_put;
	ret = iommu_group_add_device(iommu_group, dev);
	if (ret)
		goto err_put;

	mutex_lock(&vfio_group_list_lock);
	group = vfio_group_create(iommu_group, type);
	mutex_unlock(&vfio_group_list_lock);
	if (IS_ERR(group)) {
		ret = PTR_ERR(group);
		goto err_remove;
	}
	iommu_group_put(iommu_group);
	return group;

err_remove:
	iommu_group_remove_device(dev);
err_put:
	iommu_group_put(iommu_group);
	return ERR_PTR(ret);
}

static struct vfio_group *vfio_group_find_or_create(struct device *dev)
{
	struct iommu_group *iommu_group;
	struct vfio_group *group;

	iommu_group = iommu_group_get(dev);
	if (!iommu_group) {
		if (!vfio_noiommu)
			return ERR_PTR(-EINVAL);

		group = vfio_group_create_private(dev, VFIO_NO_IOMMU);
		if (!IS_ERR(group)) {
			add_taint(TAINT_USER, LOCKDEP_STILL_OK);
			dev_warn(dev, "no IOMMU: the device's DMA is not isolated; tainting the kernel\n");
		}
		return group;
	}

	mutex_lock(&vfio_group_list_lock);
	list_for_each_entry(group, &vfio_group_list, group_next) {
		if (group->iommu_group == iommu_group) {
			refcount_inc(&group->drivers);
			goto out_unlock;
		}
	}
	group = vfio_group_create(iommu_group, VFIO_IOMMU);
out_unlock:
	mutex_unlock(&vfio_group_list_lock);
	iommu_group_put(iommu_group);
	return group;
}

/**
 * vfio_device_set_group - find or create the group a device registers in
 * @vdev: the device being registered
 * @type: VFIO_IOMMU for a device behind a real IOMMU (or none, in no-IOMMU
 *	  mode), VFIO_EMULATED_IOMMU for a device without DMA of its own
 *
 * Return: 0 or a negative errno.
 */
int vfio_device_set_group(struct vfio_device *vdev,
			  enum vfio_group_type type)
{
	struct vfio_group *group;

	if (type == VFIO_IOMMU)
		group = vfio_group_find_or_create(vdev->dev);
	else
		group = vfio_group_create_private(vdev->dev, type);
	if (IS_ERR(group))
		return PTR_ERR(group);

	vdev->group = group;
	return 0;
}

/**
 * vfio_device_remove_group - drop a device's hold on its group
 * @vdev: the device being unregistered; no fd of it is open
 *
 * The last device out unregisters the group: its /dev node goes, and a
 * group fd still open is cut off from its container and its iommu_group.
 */
void vfio_device_remove_group(struct vfio_device *vdev)
{
	struct vfio_group *group = vdev->group;
	enum vfio_group_type type = group->type;
	struct iommu_group *iommu_group;

	if (!refcount_dec_and_mutex_lock(&group->drivers,
					 &vfio_group_list_lock))
		goto out_remove_device;
	list_del(&group->group_next);
	mutex_unlock(&vfio_group_list_lock);

	cdev_device_del(&group->cdev, &group->dev);

	mutex_lock(&group->group_lock);
	WARN_ON(!list_empty(&group->device_list));
	if (group->container)
		vfio_group_detach_container(group);
	iommu_group = group->iommu_group;
	group->iommu_group = NULL;
	mutex_unlock(&group->group_lock);

	iommu_group_put(iommu_group);
	put_device(&group->dev);
out_remove_device:
	if (type != VFIO_IOMMU)
		iommu_group_remove_device(vdev->dev);
}

/**
 * vfio_device_group_register - list a registered device in its group
 * @vdev: the device
 */
void vfio_device_group_register(struct vfio_device *vdev)
{
	mutex_lock(&vdev->group->device_lock);
	list_add(&vdev->group_next, &vdev->group->device_list);
	mutex_unlock(&vdev->group->device_lock);
}

/**
 * vfio_device_group_unregister - hide a device from VFIO_GROUP_GET_DEVICE_FD
 * @vdev: the device
 */
void vfio_device_group_unregister(struct vfio_device *vdev)
{
	mutex_lock(&vdev->group->device_lock);
	list_del(&vdev->group_next);
	mutex_unlock(&vdev->group->device_lock);
}

/**
 * vfio_device_group_use_iommu - pin the group's container for an opening
 *				 device
 * @vdev: the device, under its set's lock
 *
 * Return: 0, -EINVAL when the group has no container with a backend yet,
 * or -EPERM for a no-IOMMU group opened without CAP_SYS_RAWIO.
 */
int vfio_device_group_use_iommu(struct vfio_device *vdev)
{
	struct vfio_group *group = vdev->group;
	int ret;

	lockdep_assert_held(&vdev->dev_set->lock);

	mutex_lock(&group->group_lock);
	ret = vfio_group_use_container(group);
	if (!ret)
		vdev->kvm = group->kvm;
	mutex_unlock(&group->group_lock);
	return ret;
}

/**
 * vfio_device_group_unuse_iommu - undo vfio_device_group_use_iommu()
 * @vdev: the device, under its set's lock
 */
void vfio_device_group_unuse_iommu(struct vfio_device *vdev)
{
	struct vfio_group *group = vdev->group;

	lockdep_assert_held(&vdev->dev_set->lock);

	mutex_lock(&group->group_lock);
	vfio_group_unuse_container(group);
	vdev->kvm = NULL;
	mutex_unlock(&group->group_lock);
}

/* Group files as seen by other kernel code (KVM, vfio-pci hot reset) */

/**
 * vfio_group_from_file - the group behind a VFIO group file
 * @file: any file
 *
 * Return: the group, or NULL if @file is not a VFIO group file.
 */
struct vfio_group *vfio_group_from_file(struct file *file)
{
	return file->f_op == &vfio_group_fops ? file->private_data : NULL;
}

/**
 * vfio_file_is_group - tell whether a file is a VFIO group file
 * @file: any file
 *
 * Return: true for a VFIO group file.
 */
bool vfio_file_is_group(struct file *file)
{
	return vfio_group_from_file(file);
}
EXPORT_SYMBOL_GPL(vfio_file_is_group);

/**
 * vfio_file_is_valid - tell whether a file gives access to VFIO devices
 * @file: any file
 *
 * Return: true for a VFIO group file, the only kind this VFIO has.
 */
bool vfio_file_is_valid(struct file *file)
{
	return vfio_file_is_group(file);
}
EXPORT_SYMBOL_GPL(vfio_file_is_valid);

/**
 * vfio_file_iommu_group - the iommu_group behind a VFIO group file
 * @file: any file
 *
 * No reference is taken: the result is valid while @file is held.
 *
 * Return: the iommu_group, or NULL.
 */
struct iommu_group *vfio_file_iommu_group(struct file *file)
{
	struct vfio_group *group = vfio_group_from_file(file);
	struct iommu_group *iommu_group = NULL;

	if (!group)
		return NULL;
	mutex_lock(&group->group_lock);
	iommu_group = group->iommu_group;
	mutex_unlock(&group->group_lock);
	return iommu_group;
}
EXPORT_SYMBOL_GPL(vfio_file_iommu_group);

/**
 * vfio_file_enforced_coherent - tell whether DMA of the group's devices is
 *				 cache coherent
 * @file: a VFIO group file
 *
 * Coherency is a property of the container's IOMMU backend.  Before a
 * container is set the user cannot DMA at all, so there is nothing to
 * distrust yet.
 *
 * Return: false only when the container's IOMMU does not enforce coherency.
 */
bool vfio_file_enforced_coherent(struct file *file)
{
	struct vfio_group *group = vfio_group_from_file(file);
	bool coherent = true;

	if (!group)
		return true;
	mutex_lock(&group->group_lock);
	if (group->container)
		coherent = vfio_container_check_extension(group->container,
							  VFIO_DMA_CC_IOMMU) > 0;
	mutex_unlock(&group->group_lock);
	return coherent;
}
EXPORT_SYMBOL_GPL(vfio_file_enforced_coherent);

/**
 * vfio_file_set_kvm - associate a KVM instance with a VFIO group file
 * @file: a VFIO group file
 * @kvm: the KVM instance, or NULL to clear
 *
 * Devices opened afterwards see @kvm in &vfio_device.kvm.
 */
void vfio_file_set_kvm(struct file *file, struct kvm *kvm)
{
	struct vfio_group *group = vfio_group_from_file(file);

	if (!group)
		return;
	mutex_lock(&group->group_lock);
	group->kvm = kvm;
	mutex_unlock(&group->group_lock);
}
EXPORT_SYMBOL_GPL(vfio_file_set_kvm);

/**
 * vfio_file_has_dev - tell whether a device is reachable through a file
 * @file: a VFIO group file
 * @vdev: the device
 *
 * vfio-pci uses this to check that the user owns every device a hot reset
 * would touch.
 *
 * Return: true if @vdev sits in the group behind @file.
 */
bool vfio_file_has_dev(struct file *file, struct vfio_device *vdev)
{
	struct vfio_group *group = vfio_group_from_file(file);

	return group && group == vdev->group;
}
EXPORT_SYMBOL_GPL(vfio_file_has_dev);

/* Module */

int vfio_group_init(void)
{
	int ret;

	ret = alloc_chrdev_region(&vfio_group_devt, 0, MINORMASK + 1, "vfio");
	if (ret)
		return ret;

	ret = class_register(&vfio_group_class);
	if (ret)
		unregister_chrdev_region(vfio_group_devt, MINORMASK + 1);
	return ret;
}

void vfio_group_exit(void)
{
	WARN_ON(!list_empty(&vfio_group_list));
	class_unregister(&vfio_group_class);
	unregister_chrdev_region(vfio_group_devt, MINORMASK + 1);
	ida_destroy(&vfio_group_minor_ida);
}
