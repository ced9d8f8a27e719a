// SPDX-License-Identifier: GPL-2.0-only
/*
 * VFIO core: the device side.  Bus drivers allocate and register their
 * devices here; userspace reaches them through device fds handed out by
 * the group (group.c), whose file operations live here too.
 */
#include <linux/anon_inodes.h>
#include <linux/idr.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/xarray.h>

#include "vfio.h"

#define DRIVER_DESC	"VFIO - userspace access to devices behind an IOMMU"

#ifdef CONFIG_VFIO_NOIOMMU
bool vfio_noiommu;
module_param_named(enable_unsafe_noiommu_mode, vfio_noiommu, bool, 0644);
MODULE_PARM_DESC(enable_unsafe_noiommu_mode,
		 "Let devices without an IOMMU be assigned to userspace; DMA is then unrestricted and the kernel is tainted (default: off)");
#endif

/* Device sets by their key; the xarray's lock guards device_count. */
static DEFINE_XARRAY(vfio_device_set_xa);
static DEFINE_IDA(vfio_device_ida);

/* How long unregistration waits between requests to the user. */
#define VFIO_UNREGISTER_REQUEST_INTERVAL	(10 * HZ)

/**
 * struct vfio_device_file - what one device fd holds
 * @vdev: the device; the file owns one registration count
 * @group_file: the group file the device was opened through; held so the
 *		group stays attached to its container until the device fd
 *		is gone
 */
struct vfio_device_file {
	struct vfio_device *vdev;
	struct file *group_file;
};

static const struct class vfio_device_class = {
	.name = "vfio-dev",
};

/* Device sets */

/**
 * vfio_assign_device_set - put a device in the set named by @set_id
 * @vdev: the device, not yet registered
 * @set_id: any pointer that identifies the set, e.g. the pci_slot a bus
 *	    reset covers
 *
 * Devices of one set are opened and closed under one lock, so a driver can
 * tell whether a reset that hits all of them is safe.
 *
 * Return: 0 or -ENOMEM.
 */
int vfio_assign_device_set(struct vfio_device *vdev, void *set_id)
{
	unsigned long key = (unsigned long)set_id;
	struct vfio_device_set *new_set, *dev_set;

	if (WARN_ON(!set_id || vdev->dev_set))
		return -EINVAL;

	new_set = kzalloc(sizeof(*new_set), GFP_KERNEL);
	if (!new_set)
		return -ENOMEM;
	mutex_init(&new_set->lock);
	INIT_LIST_HEAD(&new_set->device_list);
	new_set->set_id = set_id;

	xa_lock(&vfio_device_set_xa);
	dev_set = xa_load(&vfio_device_set_xa, key);
	if (!dev_set) {
		dev_set = __xa_store(&vfio_device_set_xa, key, new_set,
				     GFP_KERNEL);
		if (xa_is_err(dev_set)) {
			xa_unlock(&vfio_device_set_xa);
			kfree(new_set);
			return xa_err(dev_set);
		}
		dev_set = new_set;
		new_set = NULL;
	}
	dev_set->device_count++;
	xa_unlock(&vfio_device_set_xa);
	kfree(new_set);

	mutex_lock(&dev_set->lock);
	vdev->dev_set = dev_set;
	list_add_tail(&vdev->dev_set_list, &dev_set->device_list);
	mutex_unlock(&dev_set->lock);
	return 0;
}
EXPORT_SYMBOL_GPL(vfio_assign_device_set);

static void vfio_release_device_set(struct vfio_device *vdev)
{
	struct vfio_device_set *dev_set = vdev->dev_set;

	if (!dev_set)
		return;

	mutex_lock(&dev_set->lock);
	list_del(&vdev->dev_set_list);
	mutex_unlock(&dev_set->lock);

	xa_lock(&vfio_device_set_xa);
	if (!--dev_set->device_count) {
		__xa_erase(&vfio_device_set_xa, (unsigned long)dev_set->set_id);
		mutex_destroy(&dev_set->lock);
		kfree(dev_set);
	}
	xa_unlock(&vfio_device_set_xa);
}

/**
 * vfio_device_set_open_count - count the open devices of a set
 * @dev_set: the set; its lock must be held
 *
 * Return: how many members have at least one open device fd.
 */
unsigned int vfio_device_set_open_count(struct vfio_device_set *dev_set)
{
	struct vfio_device *vdev;
	unsigned int open_count = 0;

	lockdep_assert_held(&dev_set->lock);

	list_for_each_entry(vdev, &dev_set->device_list, dev_set_list)
		open_count += !!vdev->open_count;
	return open_count;
}
EXPORT_SYMBOL_GPL(vfio_device_set_open_count);

/**
 * vfio_find_device_in_devset - find the member of a set that wraps @dev
 * @dev_set: the set; its lock must be held
 * @dev: the bus device
 *
 * Return: the vfio_device, or NULL.
 */
struct vfio_device *
vfio_find_device_in_devset(struct vfio_device_set *dev_set,
			   struct device *dev)
{
	struct vfio_device *vdev;

	lockdep_assert_held(&dev_set->lock);

	list_for_each_entry(vdev, &dev_set->device_list, dev_set_list)
		if (vdev->dev == dev)
			return vdev;
	return NULL;
}
EXPORT_SYMBOL_GPL(vfio_find_device_in_devset);

/* Allocation and registration */

static void vfio_device_release(struct device *dev)
{
	struct vfio_device *vdev = container_of(dev, struct vfio_device,
						device);

	vfio_release_device_set(vdev);
	ida_free(&vfio_device_ida, vdev->index);
	if (vdev->ops->release)
		vdev->ops->release(vdev);
	kvfree(vdev);
}

/**
 * _vfio_alloc_device - allocate a zeroed driver structure
 * @size: size of the driver structure
 * @offset: where its struct vfio_device sits; must be 0
 * @dev: the bus device
 * @ops: the driver's callbacks
 *
 * Use the vfio_alloc_device() wrapper.  Drop the result with
 * vfio_put_device(); &vfio_device_ops.release runs when the last
 * reference goes.
 *
 * Return: the driver structure, or an ERR_PTR().
 */
void *_vfio_alloc_device(size_t size, size_t offset, struct device *dev,
			 const struct vfio_device_ops *ops)
{
	struct vfio_device *vdev;
	int ret;

	/* The release path frees the vfio_device's own address. */
	if (WARN_ON(offset || size < sizeof(struct vfio_device)))
		return ERR_PTR(-EINVAL);

	vdev = kvzalloc(size, GFP_KERNEL);
	if (!vdev)
		return ERR_PTR(-ENOMEM);

	ret = ida_alloc(&vfio_device_ida, GFP_KERNEL);
	if (ret < 0)
		goto err_free;
	vdev->index = ret;
	vdev->dev = dev;
	vdev->ops = ops;
	init_completion(&vdev->registered_done);

	ret = vdev->ops->init ? vdev->ops->init(vdev) : 0;
	if (ret)
		goto err_ida;

	/* From here on the struct device's refcount owns the memory. */
	device_initialize(&vdev->device);
	vdev->device.release = vfio_device_release;
	vdev->device.class = &vfio_device_class;
	vdev->device.parent = dev;
	ret = dev_set_name(&vdev->device, "vfio%u", vdev->index);
	if (ret) {
		put_device(&vdev->device);
		return ERR_PTR(ret);
	}
	return vdev;

err_ida:
	ida_free(&vfio_device_ida, vdev->index);
err_free:
	kvfree(vdev);
	return ERR_PTR(ret);
}
EXPORT_SYMBOL_GPL(_vfio_alloc_device);

/**
 * vfio_put_device - drop a reference taken by vfio_alloc_device()
 * @vdev: the device
 */
void vfio_put_device(struct vfio_device *vdev)
{
	put_device(&vdev->device);
}
EXPORT_SYMBOL_GPL(vfio_put_device);

bool vfio_device_try_get_registration(struct vfio_device *vdev)
{
	return refcount_inc_not_zero(&vdev->registration);
}

void vfio_device_put_registration(struct vfio_device *vdev)
{
	if (refcount_dec_and_test(&vdev->registration))
		complete(&vdev->registered_done);
}

static int vfio_device_register(struct vfio_device *vdev,
				enum vfio_group_type type)
{
	int ret;

	if (WARN_ON(!vdev->ops->ioctl && !vdev->ops->read))
		return -EINVAL;

	if (!vdev->dev_set) {
		ret = vfio_assign_device_set(vdev, vdev);
		if (ret)
			return ret;
	}

	ret = vfio_device_set_group(vdev, type);
	if (ret)
		return ret;

	ret = device_add(&vdev->device);
	if (ret)
		goto err_group;

	refcount_set(&vdev->registration, 1);
	vfio_device_group_register(vdev);
	return 0;

err_group:
	vfio_device_remove_group(vdev);
	return ret;
}

/**
 * vfio_register_group_dev - make a device available through its IOMMU group
 * @vdev: the device
 *
 * The device must sit in an IOMMU group; with no-IOMMU mode enabled a
 * device without one gets a no-IOMMU group of its own.
 *
 * Return: 0 or a negative errno.
 */
int vfio_register_group_dev(struct vfio_device *vdev)
{
	return vfio_device_register(vdev, VFIO_IOMMU);
}
EXPORT_SYMBOL_GPL(vfio_register_group_dev);

/**
 * vfio_register_emulated_iommu_dev - register a device that does no DMA of
 *				      its own
 * @vdev: the device
 *
 * The device gets a group of its own.  Its driver reaches user memory only
 * through vfio_pin_pages() and vfio_dma_rw(), which the container's IOMMU
 * backend translates.
 *
 * Return: 0 or a negative errno.
 */
int vfio_register_emulated_iommu_dev(struct vfio_device *vdev)
{
	return vfio_device_register(vdev, VFIO_EMULATED_IOMMU);
}
EXPORT_SYMBOL_GPL(vfio_register_emulated_iommu_dev);

/**
 * vfio_unregister_group_dev - take a device away from userspace
 * @vdev: the device
 *
 * New opens fail at once.  While device fds remain open the driver's
 * @request callback asks the user to close them, again every few seconds;
 * this returns once the last one is closed.
 */
void vfio_unregister_group_dev(struct vfio_device *vdev)
{
	unsigned int requests = 0;

	vfio_device_group_unregister(vdev);
	vfio_device_put_registration(vdev);

	while (!wait_for_completion_timeout(&vdev->registered_done,
					    requests ?
					    VFIO_UNREGISTER_REQUEST_INTERVAL :
					    0)) {
		if (vdev->ops->request)
			vdev->ops->request(vdev, requests);
		if (requests++ == 1)
			dev_info(vdev->dev,
				 "waiting for userspace (pid %d, %s) to release the device\n",
				 task_pid_nr(current), current->comm);
	}

	device_del(&vdev->device);
	vfio_device_remove_group(vdev);
}
EXPORT_SYMBOL_GPL(vfio_unregister_group_dev);

/* Device fds */

static int vfio_device_first_open(struct vfio_device *vdev)
{
	int ret;

	lockdep_assert_held(&vdev->dev_set->lock);

	if (!try_module_get(vdev->dev->driver->owner))
		return -ENODEV;

	ret = vfio_device_group_use_iommu(vdev);
	if (ret)
		goto err_module;

	if (vdev->ops->open_device) {
		ret = vdev->ops->open_device(vdev);
		if (ret)
			goto err_unuse;
	}
	vfio_device_container_register(vdev);
	return 0;

err_unuse:
	vfio_device_group_unuse_iommu(vdev);
err_module:
	module_put(vdev->dev->driver->owner);
	return ret;
}

static void vfio_device_last_close(struct vfio_device *vdev)
{
	lockdep_assert_held(&vdev->dev_set->lock);

	/*
	 * The driver closes first, while the device still counts as open and
	 * its container is still known: it may unpin pages on the way out.
	 */
	if (vdev->ops->close_device)
		vdev->ops->close_device(vdev);
	vfio_device_container_unregister(vdev);
	vfio_device_group_unuse_iommu(vdev);
	module_put(vdev->dev->driver->owner);
}

static int vfio_device_open(struct vfio_device *vdev)
{
	int ret = 0;

	mutex_lock(&vdev->dev_set->lock);
	if (!vdev->open_count)
		ret = vfio_device_first_open(vdev);
	if (!ret)
		vdev->open_count++;
	mutex_unlock(&vdev->dev_set->lock);
	return ret;
}

static void vfio_device_close(struct vfio_device *vdev)
{
	mutex_lock(&vdev->dev_set->lock);
	if (vdev->open_count == 1)
		vfio_device_last_close(vdev);
	vdev->open_count--;
	mutex_unlock(&vdev->dev_set->lock);
}

static const struct file_operations vfio_device_fops;

/**
 * vfio_device_open_file - open a device and wrap it in a new file
 * @vdev: the device; the caller holds a registration count, which the
 *	  file takes over on success
 * @group_file: the group file the device is opened through
 *
 * Return: the file, or an ERR_PTR().
 */
struct file *vfio_device_open_file(struct vfio_device *vdev,
				   struct file *group_file)
{
	struct vfio_device_file *df;
	struct file *filep;
	int ret;

	df = kzalloc(sizeof(*df), GFP_KERNEL_ACCOUNT);
	if (!df)
		return ERR_PTR(-ENOMEM);
	df->vdev = vdev;
	df->group_file = group_file;

	ret = vfio_device_open(vdev);
	if (ret)
		goto err_free;

	filep = anon_inode_getfile("[vfio-device]", &vfio_device_fops, df,
				   O_RDWR);
	if (IS_ERR(filep)) {
		ret = PTR_ERR(filep);
		goto err_close;
	}
	/* Regions are addressed by file offset: pread/pwrite must work. */
	filep->f_mode |= FMODE_PREAD | FMODE_PWRITE;
	get_file(group_file);

	if (vdev->group->type == VFIO_NO_IOMMU)
		dev_warn(vdev->dev,
			 "vfio-noiommu device opened by user (pid %d, %s)\n",
			 task_pid_nr(current), current->comm);
	return filep;

err_close:
	vfio_device_close(vdev);
err_free:
	kfree(df);
	return ERR_PTR(ret);
}

static int vfio_device_fops_release(struct inode *inode, struct file *filep)
{
	struct vfio_device_file *df = filep->private_data;
	struct vfio_device *vdev = df->vdev;

	vfio_device_close(vdev);
	fput(df->group_file);
	kfree(df);
	/* May let vfio_unregister_group_dev() return: vdev is not ours now. */
	vfio_device_put_registration(vdev);
	return 0;
}

static long vfio_device_feature(void *owner, struct vfio_ioctl_call *call)
{
	struct vfio_device_feature *feature = call->cmd;
	struct vfio_device *vdev = owner;
	u32 ops = feature->flags & (VFIO_DEVICE_FEATURE_GET |
				    VFIO_DEVICE_FEATURE_SET);

	/* Without PROBE a call either reads or writes, not both. */
	if (!(feature->flags & VFIO_DEVICE_FEATURE_PROBE) &&
	    ops == (VFIO_DEVICE_FEATURE_GET | VFIO_DEVICE_FEATURE_SET))
		return -EINVAL;

	if (!vdev->ops->device_feature)
		return -ENOTTY;
	return vdev->ops->device_feature(vdev, feature->flags,
					 call->uptr + sizeof(*feature),
					 call->user_size - sizeof(*feature));
}

static const struct vfio_ioctl_desc vfio_device_ioctls[] = {
	VFIO_IOCTL_IN(VFIO_DEVICE_FEATURE, struct vfio_device_feature, flags,
		      VFIO_DEVICE_FEATURE_MASK | VFIO_DEVICE_FEATURE_GET |
		      VFIO_DEVICE_FEATURE_SET | VFIO_DEVICE_FEATURE_PROBE,
		      vfio_device_feature),
};

static long vfio_device_fops_unl_ioctl(struct file *filep, unsigned int cmd,
				       unsigned long arg)
{
	struct vfio_device_file *df = filep->private_data;
	struct vfio_device *vdev = df->vdev;

	/* The core owns the feature framework; the driver owns the rest. */
	if (cmd == VFIO_DEVICE_FEATURE)
		return VFIO_IOCTL_DISPATCH(vfio_device_ioctls, vdev, cmd, arg);
	if (!vdev->ops->ioctl)
		return -ENOTTY;
	return vdev->ops->ioctl(vdev, cmd, arg);
}

static ssize_t vfio_device_fops_read(struct file *filep, char __user *buf,
				     size_t count, loff_t *ppos)
{
	struct vfio_device_file *df = filep->private_data;
	struct vfio_device *vdev = df->vdev;

	if (!vdev->ops->read)
		return -EINVAL;
	return vdev->ops->read(vdev, buf, count, ppos);
}

static ssize_t vfio_device_fops_write(struct file *filep,
				      const char __user *buf,
				      size_t count, loff_t *ppos)
{
	struct vfio_device_file *df = filep->private_data;
	struct vfio_device *vdev = df->vdev;

	if (!vdev->ops->write)
		return -EINVAL;
	return vdev->ops->write(vdev, buf, count, ppos);
}

static int vfio_device_fops_mmap(struct file *filep,
				 struct vm_area_struct *vma)
{
	struct vfio_device_file *df = filep->private_data;
	struct vfio_device *vdev = df->vdev;

	if (!vdev->ops->mmap)
		return -EINVAL;
	return vdev->ops->mmap(vdev, vma);
}

static const struct file_operations vfio_device_fops = {
	.owner		= THIS_MODULE,
	.release	= vfio_device_fops_release,
	.read		= vfio_device_fops_read,
	.write		= vfio_device_fops_write,
	.unlocked_ioctl	= vfio_device_fops_unl_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.mmap		= vfio_device_fops_mmap,
};

/* Memory access for emulated-IOMMU devices */

static bool vfio_device_dma_access_valid(struct vfio_device *vdev)
{
	/* Only an open device is attached to a container with a backend. */
	return vdev->open_count && vdev->ops->dma_unmap;
}

/**
 * vfio_pin_pages - pin user pages behind a range of the container's IOVAs
 * @vdev: an open emulated-IOMMU device
 * @iova: start of the range, page aligned
 * @npage: number of pages
 * @prot: IOMMU_READ and/or IOMMU_WRITE
 * @pages: receives the pinned pages
 *
 * The device's &vfio_device_ops.dma_unmap is called when the user unmaps a
 * range holding pins; the driver must then unpin.
 *
 * Return: @npage on success, or a negative errno.
 */
int vfio_pin_pages(struct vfio_device *vdev, dma_addr_t iova, int npage,
		   int prot, struct page **pages)
{
	if (!pages || npage <= 0 || !PAGE_ALIGNED(iova) ||
	    !vfio_device_dma_access_valid(vdev))
		return -EINVAL;
	return vfio_device_container_pin_pages(vdev, iova, npage, prot, pages);
}
EXPORT_SYMBOL_GPL(vfio_pin_pages);

/**
 * vfio_unpin_pages - release pages pinned by vfio_pin_pages()
 * @vdev: the device that pinned them
 * @iova: start of the range, as pinned
 * @npage: number of pages
 */
void vfio_unpin_pages(struct vfio_device *vdev, dma_addr_t iova, int npage)
{
	if (WARN_ON(npage <= 0 || !vfio_device_dma_access_valid(vdev)))
		return;
	vfio_device_container_unpin_pages(vdev, iova, npage);
}
EXPORT_SYMBOL_GPL(vfio_unpin_pages);

/**
 * vfio_dma_rw - copy to or from the user memory behind a range of IOVAs
 * @vdev: an open emulated-IOMMU device
 * @iova: start of the range
 * @data: kernel buffer
 * @len: bytes to copy
 * @write: true to copy @data into user memory
 *
 * Return: 0 or a negative errno.
 */
int vfio_dma_rw(struct vfio_device *vdev, dma_addr_t iova, void *data,
		size_t len, bool write)
{
	if (!data || !len || !vfio_device_dma_access_valid(vdev))
		return -EINVAL;
	return vfio_device_container_dma_rw(vdev, iova, data, len, write);
}
EXPORT_SYMBOL_GPL(vfio_dma_rw);

/* Module */

static int __init vfio_init(void)
{
	int ret;

	ret = vfio_virqfd_init();
	if (ret)
		return ret;

	ret = vfio_group_init();
	if (ret)
		goto err_virqfd;

	ret = vfio_container_init();
	if (ret)
		goto err_group;

	ret = class_register(&vfio_device_class);
	if (ret)
		goto err_container;

	pr_info(DRIVER_DESC "\n");
	return 0;

err_container:
	vfio_container_exit();
err_group:
	vfio_group_exit();
err_virqfd:
	vfio_virqfd_exit();
	return ret;
}

static void __exit vfio_exit(void)
{
	class_unregister(&vfio_device_class);
	vfio_container_exit();
	vfio_group_exit();
	vfio_virqfd_exit();
	ida_destroy(&vfio_device_ida);
	WARN_ON(!xa_empty(&vfio_device_set_xa));
}

module_init(vfio_init);
module_exit(vfio_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION(DRIVER_DESC);
MODULE_ALIAS_MISCDEV(VFIO_MINOR);
MODULE_ALIAS("devname:vfio/vfio");
MODULE_SOFTDEP("post: vfio_iommu_type1");
