// SPDX-License-Identifier: GPL-2.0-only
/*
 * VFIO containers: /dev/vfio/vfio.  A container is one IOMMU address space
 * shared by the groups attached to it; an IOMMU backend, chosen with
 * VFIO_SET_IOMMU, implements it.
 */
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/slab.h>

#include "vfio.h"

/**
 * struct vfio_container - one open /dev/vfio/vfio
 * @kref: held by the container file and by every attached group
 * @group_lock: write side protects @group_list, @iommu_driver,
 *		@iommu_data and @noiommu; backend calls run under the read
 *		side so the backend cannot go away under them
 * @group_list: attached groups, linked through vfio_group.container_next
 * @iommu_driver: the backend chosen by VFIO_SET_IOMMU, or NULL
 * @iommu_data: the backend's per-container state
 * @noiommu: the container holds no-IOMMU groups (which never mix with
 *	     real ones)
 */
struct vfio_container {
	struct kref kref;
	struct rw_semaphore group_lock;
	struct list_head group_list;
	struct vfio_iommu_driver *iommu_driver;
	void *iommu_data;
	bool noiommu;
};

/**
 * struct vfio_iommu_driver - a registered IOMMU backend
 * @ops: the backend's callbacks
 * @next: entry in vfio_iommu_drivers
 */
struct vfio_iommu_driver {
	const struct vfio_iommu_driver_ops *ops;
	struct list_head next;
};

/* Registered backends; the lock covers the list and its walks. */
static LIST_HEAD(vfio_iommu_drivers);
static DEFINE_MUTEX(vfio_iommu_drivers_lock);

/* No-IOMMU backend: DMA is not translated, so there is nothing to map. */

#ifdef CONFIG_VFIO_NOIOMMU
static void *vfio_noiommu_open(unsigned long arg)
{
	if (arg != VFIO_NOIOMMU_IOMMU)
		return ERR_PTR(-EINVAL);
	if (!capable(CAP_SYS_RAWIO))
		return ERR_PTR(-EPERM);
	return NULL;
}

static void vfio_noiommu_release(void *iommu_data)
{
}

static long vfio_noiommu_ioctl(void *iommu_data, unsigned int cmd,
			       unsigned long arg)
{
	if (cmd == VFIO_CHECK_EXTENSION)
		return vfio_noiommu && arg == VFIO_NOIOMMU_IOMMU;
	return -ENOTTY;
}

static int vfio_noiommu_attach_group(void *iommu_data,
				     struct iommu_group *iommu_group,
				     enum vfio_group_type type)
{
	return 0;
}

static void vfio_noiommu_detach_group(void *iommu_data,
				      struct iommu_group *iommu_group)
{
}

static const struct vfio_iommu_driver_ops vfio_noiommu_ops = {
	.name = "vfio-noiommu",
	.owner = THIS_MODULE,
	.open = vfio_noiommu_open,
	.release = vfio_noiommu_release,
	.ioctl = vfio_noiommu_ioctl,
	.attach_group = vfio_noiommu_attach_group,
	.detach_group = vfio_noiommu_detach_group,
};

static bool vfio_iommu_driver_allowed(struct vfio_container *container,
				      struct vfio_iommu_driver *driver)
{
	return container->noiommu == (driver->ops == &vfio_noiommu_ops);
}
#else
static bool vfio_iommu_driver_allowed(struct vfio_container *container,
				      struct vfio_iommu_driver *driver)
{
	return true;
}
#endif

/* Backend registry */

/**
 * vfio_register_iommu_driver - offer an IOMMU backend to containers
 * @ops: the backend; must stay valid until unregistered
 *
 * Return: 0, -ENOMEM, or -EINVAL if a backend of the same name exists.
 */
int vfio_register_iommu_driver(const struct vfio_iommu_driver_ops *ops)
{
	struct vfio_iommu_driver *driver, *tmp;

	if (WARN_ON(!ops->open || !ops->release || !ops->ioctl ||
		    !ops->attach_group || !ops->detach_group))
		return -EINVAL;

	driver = kzalloc(sizeof(*driver), GFP_KERNEL);
	if (!driver)
		return -ENOMEM;
	driver->ops = ops;

	mutex_lock(&vfio_iommu_drivers_lock);
	list_for_each_entry(tmp, &vfio_iommu_drivers, next) {
		if (tmp->ops == ops || !strcmp(tmp->ops->name, ops->name)) {
			mutex_unlock(&vfio_iommu_drivers_lock);
			kfree(driver);
			return -EINVAL;
		}
	}
	list_add(&driver->next, &vfio_iommu_drivers);
	mutex_unlock(&vfio_iommu_drivers_lock);
	return 0;
}
EXPORT_SYMBOL_GPL(vfio_register_iommu_driver);

/**
 * vfio_unregister_iommu_driver - withdraw an IOMMU backend
 * @ops: the backend, as registered
 *
 * Containers using the backend hold a reference on its module, so none
 * can be left when this runs from the module's exit.
 */
void vfio_unregister_iommu_driver(const struct vfio_iommu_driver_ops *ops)
{
	struct vfio_iommu_driver *driver;

	mutex_lock(&vfio_iommu_drivers_lock);
	list_for_each_entry(driver, &vfio_iommu_drivers, next) {
		if (driver->ops == ops) {
			list_del(&driver->next);
			kfree(driver);
			break;
		}
	}
	mutex_unlock(&vfio_iommu_drivers_lock);
}
EXPORT_SYMBOL_GPL(vfio_unregister_iommu_driver);

/* Container lifetime */

static void vfio_container_release(struct kref *kref)
{
	struct vfio_container *container = container_of(kref,
							 struct vfio_container,
							 kref);

	WARN_ON(container->iommu_driver);
	kfree(container);
}

static void vfio_container_get(struct vfio_container *container)
{
	kref_get(&container->kref);
}

static void vfio_container_put(struct vfio_container *container)
{
	kref_put(&container->kref, vfio_container_release);
}

/* Called with the write side held, when the last group has left. */
static void vfio_container_release_iommu(struct vfio_container *container)
{
	struct vfio_iommu_driver *driver = container->iommu_driver;

	if (!driver)
		return;
	driver->ops->release(container->iommu_data);
	module_put(driver->ops->owner);
	container->iommu_driver = NULL;
	container->iommu_data = NULL;
}

/* Container ioctls */

static long vfio_container_get_api_version(void *owner,
					   struct vfio_ioctl_call *call)
{
	return VFIO_API_VERSION;
}

/**
 * vfio_container_check_extension - ask the container's backend, or any
 *				    backend that could serve it, about an
 *				    extension
 * @container: the container
 * @extension: a VFIO_* extension number
 *
 * Return: positive if supported, 0 if not.
 */
long vfio_container_check_extension(struct vfio_container *container,
				    unsigned long extension)
{
	struct vfio_iommu_driver *driver;
	long ret = 0;

	down_read(&container->group_lock);
	driver = container->iommu_driver;
	if (driver) {
		ret = driver->ops->ioctl(container->iommu_data,
					 VFIO_CHECK_EXTENSION, extension);
		goto out_unlock;
	}

	/*
	 * Before VFIO_SET_IOMMU the answer is "some backend this container
	 * could still choose supports it".
	 */
	mutex_lock(&vfio_iommu_drivers_lock);
	list_for_each_entry(driver, &vfio_iommu_drivers, next) {
		if (!list_empty(&container->group_list) &&
		    !vfio_iommu_driver_allowed(container, driver))
			continue;
		if (!try_module_get(driver->ops->owner))
			continue;
		ret = driver->ops->ioctl(NULL, VFIO_CHECK_EXTENSION, extension);
		module_put(driver->ops->owner);
		if (ret > 0)
			break;
	}
	mutex_unlock(&vfio_iommu_drivers_lock);
out_unlock:
	up_read(&container->group_lock);
	return ret > 0 ? ret : 0;
}

static long vfio_container_ioctl_check_extension(void *owner,
						 struct vfio_ioctl_call *call)
{
	return vfio_container_check_extension(owner, call->arg);
}

/* Attach every group of the container to a newly opened backend. */
static int vfio_container_attach_groups(struct vfio_container *container,
					struct vfio_iommu_driver *driver,
					void *data)
{
	struct vfio_group *group, *failed;
	int ret;

	list_for_each_entry(group, &container->group_list, container_next) {
		ret = driver->ops->attach_group(data, group->iommu_group,
						group->type);
		if (ret)
			goto err_detach;
	}
	return 0;

err_detach:
	failed = group;
	list_for_each_entry(group, &container->group_list, container_next) {
		if (group == failed)
			break;
		driver->ops->detach_group(data, group->iommu_group);
	}
	return ret;
}

static long vfio_container_set_iommu(void *owner,
				     struct vfio_ioctl_call *call)
{
	struct vfio_container *container = owner;
	struct vfio_iommu_driver *driver;
	long ret = -ENODEV;
	void *data;

	down_write(&container->group_lock);

	/*
	 * A backend needs groups to attach, and is chosen once: the groups'
	 * mappings live in it.
	 */
	if (list_empty(&container->group_list) || container->iommu_driver) {
		up_write(&container->group_lock);
		return -EINVAL;
	}

	mutex_lock(&vfio_iommu_drivers_lock);
	list_for_each_entry(driver, &vfio_iommu_drivers, next) {
		if (!vfio_iommu_driver_allowed(container, driver))
			continue;
		if (!try_module_get(driver->ops->owner))
			continue;

		if (driver->ops->ioctl(NULL, VFIO_CHECK_EXTENSION,
				       call->arg) <= 0) {
			module_put(driver->ops->owner);
			continue;
		}

		data = driver->ops->open(call->arg);
		if (IS_ERR(data)) {
			ret = PTR_ERR(data);
			module_put(driver->ops->owner);
			continue;
		}

		ret = vfio_container_attach_groups(container, driver, data);
		if (ret) {
			driver->ops->release(data);
			module_put(driver->ops->owner);
			continue;
		}

		container->iommu_driver = driver;
		container->iommu_data = data;
		break;
	}
	mutex_unlock(&vfio_iommu_drivers_lock);
	up_write(&container->group_lock);
	return ret;
}

static const struct vfio_ioctl_desc vfio_container_ioctls[] = {
	VFIO_IOCTL_RAW(VFIO_GET_API_VERSION, vfio_container_get_api_version),
	VFIO_IOCTL_RAW(VFIO_CHECK_EXTENSION,
		       vfio_container_ioctl_check_extension),
	VFIO_IOCTL_RAW(VFIO_SET_IOMMU, vfio_container_set_iommu),
};

static long vfio_container_fops_unl_ioctl(struct file *filep,
					  unsigned int cmd, unsigned long arg)
{
	struct vfio_container *container = filep->private_data;
	struct vfio_iommu_driver *driver;
	long ret = -ENOTTY;

	/*
	 * The core's own ioctls are the first numbers; the rest, the DMA
	 * mapping calls among them, go straight to the backend.  None of the
	 * core's handlers returns -ENOTTY itself.
	 */
	if (_IOC_NR(cmd) - VFIO_BASE < ARRAY_SIZE(vfio_container_ioctls)) {
		ret = VFIO_IOCTL_DISPATCH(vfio_container_ioctls, container,
					  cmd, arg);
		if (ret != -ENOTTY)
			return ret;
	}

	down_read(&container->group_lock);
	driver = container->iommu_driver;
	if (driver)
		ret = driver->ops->ioctl(container->iommu_data, cmd, arg);
	up_read(&container->group_lock);
	return ret;
}

static int vfio_container_fops_open(struct inode *inode, struct file *filep)
{
	struct vfio_container *container;

	container = kzalloc(sizeof(*container), GFP_KERNEL_ACCOUNT);
	if (!container)
		return -ENOMEM;

	INIT_LIST_HEAD(&container->group_list);
	init_rwsem(&container->group_lock);
	kref_init(&container->kref);
	filep->private_data = container;
	return 0;
}

static int vfio_container_fops_release(struct inode *inode,
				       struct file *filep)
{
	vfio_container_put(filep->private_data);
	return 0;
}

static const struct file_operations vfio_container_fops = {
	.owner		= THIS_MODULE,
	.open		= vfio_container_fops_open,
	.release	= vfio_container_fops_release,
	.unlocked_ioctl	= vfio_container_fops_unl_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
};

/**
 * vfio_container_from_file - the container behind a /dev/vfio/vfio file
 * @file: any file
 *
 * Return: the container, or NULL.
 */
struct vfio_container *vfio_container_from_file(struct file *file)
{
	return file->f_op == &vfio_container_fops ? file->private_data : NULL;
}

/* Groups joining and leaving */

/**
 * vfio_container_attach_group - VFIO_GROUP_SET_CONTAINER
 * @container: the container
 * @group: the group, under its group_lock, in no container yet
 *
 * A real group's DMA ownership is claimed here, so from now on no kernel
 * driver can bind to any device in it.
 *
 * Return: 0, -EPERM for no-IOMMU rules, -EBUSY when a kernel driver owns
 * a device of the group, or the backend's error.
 */
int vfio_container_attach_group(struct vfio_container *container,
				struct vfio_group *group)
{
	struct vfio_iommu_driver *driver;
	bool is_noiommu;
	int ret;

	lockdep_assert_held(&group->group_lock);

	if (group->type == VFIO_NO_IOMMU && !capable(CAP_SYS_RAWIO))
		return -EPERM;

	down_write(&container->group_lock);

	is_noiommu = group->type == VFIO_NO_IOMMU;
	if (!list_empty(&container->group_list) &&
	    container->noiommu != is_noiommu) {
		ret = -EPERM;
		goto out_unlock;
	}

	if (group->type == VFIO_IOMMU) {
		ret = iommu_group_claim_dma_owner(group->iommu_group, group);
		if (ret)
			goto out_unlock;
	}

	driver = container->iommu_driver;
	if (driver) {
		ret = driver->ops->attach_group(container->iommu_data,
						group->iommu_group,
						group->type);
		if (ret)
			goto err_release_owner;
	}

	group->container = container;
	container->noiommu = is_noiommu;
	list_add(&group->container_next, &container->group_list);
	vfio_container_get(container);
	up_write(&container->group_lock);
	return 0;

err_release_owner:
	if (group->type == VFIO_IOMMU)
		iommu_group_release_dma_owner(group->iommu_group);
out_unlock:
	up_write(&container->group_lock);
	return ret;
}

/**
 * vfio_group_detach_container - take a group out of its container
 * @group: the group, under its group_lock, with no device open
 *
 * The last group to leave takes the backend with it: its mappings are
 * gone and the container can choose a backend again.
 */
void vfio_group_detach_container(struct vfio_group *group)
{
	struct vfio_container *container = group->container;
	struct vfio_iommu_driver *driver;

	lockdep_assert_held(&group->group_lock);
	WARN_ON(group->container_users);

	down_write(&container->group_lock);
	driver = container->iommu_driver;
	if (driver)
		driver->ops->detach_group(container->iommu_data,
					  group->iommu_group);
	if (group->type == VFIO_IOMMU)
		iommu_group_release_dma_owner(group->iommu_group);

	group->container = NULL;
	list_del(&group->container_next);
	if (list_empty(&container->group_list))
		vfio_container_release_iommu(container);
	up_write(&container->group_lock);

	vfio_container_put(container);
}

/**
 * vfio_group_use_container - hold the group in its container for a device
 * @group: the group, under its group_lock
 *
 * Return: 0, -EINVAL if there is no container with a backend, -EPERM for
 * a no-IOMMU group without CAP_SYS_RAWIO.
 */
int vfio_group_use_container(struct vfio_group *group)
{
	lockdep_assert_held(&group->group_lock);

	if (!group->container || !group->container->iommu_driver)
		return -EINVAL;
	if (group->type == VFIO_NO_IOMMU && !capable(CAP_SYS_RAWIO))
		return -EPERM;
	group->container_users++;
	return 0;
}

/**
 * vfio_group_unuse_container - undo vfio_group_use_container()
 * @group: the group, under its group_lock
 */
void vfio_group_unuse_container(struct vfio_group *group)
{
	lockdep_assert_held(&group->group_lock);

	WARN_ON(!group->container_users);
	group->container_users--;
}

/* Emulated-IOMMU devices reach user memory through the backend */

static struct vfio_container *vfio_device_container(struct vfio_device *vdev)
{
	/* An open device keeps its group in the container. */
	return vdev->group->container;
}

/**
 * vfio_device_container_register - tell the backend a device opened
 * @vdev: the device, under its set's lock
 */
void vfio_device_container_register(struct vfio_device *vdev)
{
	struct vfio_container *container = vfio_device_container(vdev);
	struct vfio_iommu_driver *driver = container->iommu_driver;

	if (driver->ops->register_device)
		driver->ops->register_device(container->iommu_data, vdev);
}

/**
 * vfio_device_container_unregister - tell the backend a device closed
 * @vdev: the device, under its set's lock
 */
void vfio_device_container_unregister(struct vfio_device *vdev)
{
	struct vfio_container *container = vfio_device_container(vdev);
	struct vfio_iommu_driver *driver = container->iommu_driver;

	if (driver->ops->unregister_device)
		driver->ops->unregister_device(container->iommu_data, vdev);
}

int vfio_device_container_pin_pages(struct vfio_device *vdev,
				    dma_addr_t iova, int npage, int prot,
				    struct page **pages)
{
	struct vfio_container *container = vfio_device_container(vdev);
	struct vfio_iommu_driver *driver = container->iommu_driver;

	if (vdev->group->type != VFIO_EMULATED_IOMMU)
		return -EINVAL;
	if (!driver->ops->pin_pages)
		return -ENOTTY;
	return driver->ops->pin_pages(container->iommu_data, iova, npage,
				      prot, pages);
}

void vfio_device_container_unpin_pages(struct vfio_device *vdev,
				       dma_addr_t iova, int npage)
{
	struct vfio_container *container = vfio_device_container(vdev);
	struct vfio_iommu_driver *driver = container->iommu_driver;

	if (!WARN_ON(!driver->ops->unpin_pages))
		driver->ops->unpin_pages(container->iommu_data, iova, npage);
}

int vfio_device_container_dma_rw(struct vfio_device *vdev, dma_addr_t iova,
				 void *data, size_t len, bool write)
{
	struct vfio_container *container = vfio_device_container(vdev);
	struct vfio_iommu_driver *driver = container->iommu_driver;

	if (!driver->ops->dma_rw)
		return -ENOTTY;
	return driver->ops->dma_rw(container->iommu_data, iova, data, len,
				   write);
}

/* Module */

static struct miscdevice vfio_container_dev = {
	.minor = VFIO_MINOR,
	.name = "vfio",
	.fops = &vfio_container_fops,
	.nodename = "vfio/vfio",
	.mode = 0666,
};

int vfio_container_init(void)
{
	int ret;

	ret = misc_register(&vfio_container_dev);
	if (ret)
		return ret;

#ifdef CONFIG_VFIO_NOIOMMU
	ret = vfio_register_iommu_driver(&vfio_noiommu_ops);
	if (ret)
		misc_deregister(&vfio_container_dev);
#endif
	return ret;
}

void vfio_container_exit(void)
{
#ifdef CONFIG_VFIO_NOIOMMU
	vfio_unregister_iommu_driver(&vfio_noiommu_ops);
#endif
	misc_deregister(&vfio_container_dev);
	WARN_ON(!list_empty(&vfio_iommu_drivers));
}
