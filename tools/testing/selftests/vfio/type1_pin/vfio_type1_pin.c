// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio_type1_pin: a test-only emulated-IOMMU VFIO device that reaches user
 * memory the way mediated devices do, through vfio_pin_pages(),
 * vfio_unpin_pages() and vfio_dma_rw(), on request of private ioctls (see
 * vfio_type1_pin.h).  It lets the type1 selftests check the backend's side
 * of that API: pinning and accounting, unmap notification, dirty tracking.
 *
 * Loading the module creates one platform device, vfio-type1-pin.0, and
 * registers it with VFIO.
 */
#include <linux/highmem.h>
#include <linux/iommu.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vfio.h>
#include <linux/xarray.h>

#include "vfio_type1_pin.h"

/* One PIN request is one vfio_pin_pages() call of at most this many pages */
#define VFIO_TYPE1_PIN_MAX_PAGES	512
/* One READ or WRITE request copies at most this much */
#define VFIO_TYPE1_PIN_MAX_RW		SZ_1M

/**
 * struct vfio_type1_pin_device - the test device
 * @vdev: the core's part; must stay first for vfio_alloc_device()
 * @lock: protects @held, @nr_held and @leak_on_unmap
 * @held: pins held, by IOVA page number; the value counts the pins
 * @nr_held: total pins held
 * @leak_on_unmap: dma_unmap forgets pins instead of unpinning them
 * @unmap_calls: dma_unmap calls since the last open
 */
struct vfio_type1_pin_device {
	struct vfio_device vdev;
	struct mutex lock; /* see above */
	struct xarray held;
	unsigned long nr_held;
	bool leak_on_unmap;
	atomic_t unmap_calls;
};

static struct vfio_type1_pin_device *to_pin_dev(struct vfio_device *vdev)
{
	return container_of(vdev, struct vfio_type1_pin_device, vdev);
}

/* Take @count pins of page @index off the books; the caller unpins. */
static void vfio_type1_pin_forget(struct vfio_type1_pin_device *pdev,
				  unsigned long index, unsigned long count)
{
	unsigned long held = xa_to_value(xa_load(&pdev->held, index));

	count = min(count, held);
	if (held == count)
		xa_erase(&pdev->held, index);
	else
		xa_store(&pdev->held, index, xa_mk_value(held - count),
			 GFP_KERNEL);
	pdev->nr_held -= count;
}

static int vfio_type1_pin_pin(struct vfio_type1_pin_device *pdev,
			      struct vfio_type1_pin_req *req)
{
	unsigned long first = req->iova >> PAGE_SHIFT, i;
	int npage = req->length >> PAGE_SHIFT;
	struct page **pages;
	int ret;

	if (!npage || npage > VFIO_TYPE1_PIN_MAX_PAGES ||
	    !PAGE_ALIGNED(req->iova) || !PAGE_ALIGNED(req->length))
		return -EINVAL;
	pages = kcalloc(npage, sizeof(*pages), GFP_KERNEL);
	if (!pages)
		return -ENOMEM;

	mutex_lock(&pdev->lock);
	ret = vfio_pin_pages(&pdev->vdev, req->iova, npage, req->prot, pages);
	if (ret < 0)
		goto out_unlock;
	for (i = 0; i < npage; i++) {
		unsigned long held = xa_to_value(xa_load(&pdev->held,
							 first + i));

		xa_store(&pdev->held, first + i, xa_mk_value(held + 1),
			 GFP_KERNEL | __GFP_NOFAIL);
		pdev->nr_held++;
		if (req->flags & VFIO_TYPE1_PIN_FILL)
			memset_page(pages[i], 0, req->fill, PAGE_SIZE);
	}
	ret = 0;
out_unlock:
	mutex_unlock(&pdev->lock);
	kfree(pages);
	return ret;
}

static int vfio_type1_pin_unpin(struct vfio_type1_pin_device *pdev,
				struct vfio_type1_pin_req *req)
{
	unsigned long first = req->iova >> PAGE_SHIFT, i;
	unsigned long npage = req->length >> PAGE_SHIFT;

	if (!npage || !PAGE_ALIGNED(req->iova) || !PAGE_ALIGNED(req->length))
		return -EINVAL;

	mutex_lock(&pdev->lock);
	/* Only what we hold: unpinning more is a driver bug type1 warns of. */
	for (i = 0; i < npage; i++) {
		if (!xa_load(&pdev->held, first + i))
			continue;
		vfio_unpin_pages(&pdev->vdev, (first + i) << PAGE_SHIFT, 1);
		vfio_type1_pin_forget(pdev, first + i, 1);
	}
	mutex_unlock(&pdev->lock);
	return 0;
}

static int vfio_type1_pin_rw(struct vfio_type1_pin_device *pdev,
			     struct vfio_type1_pin_req *req, bool write)
{
	void __user *data = u64_to_user_ptr(req->data);
	void *buf;
	int ret;

	if (!req->length || req->length > VFIO_TYPE1_PIN_MAX_RW)
		return -EINVAL;
	buf = kvmalloc(req->length, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	ret = -EFAULT;
	if (write && copy_from_user(buf, data, req->length))
		goto out_free;
	ret = vfio_dma_rw(&pdev->vdev, req->iova, buf, req->length, write);
	if (!ret && !write && copy_to_user(data, buf, req->length))
		ret = -EFAULT;
out_free:
	kvfree(buf);
	return ret;
}

/* A device with neither regions nor interrupts: it exists to pin. */
static long vfio_type1_pin_get_info(void *owner, struct vfio_ioctl_call *call)
{
	struct vfio_device_info *info = call->cmd;

	info->num_regions = 0;
	info->num_irqs = 0;
	return 0;
}

static const struct vfio_ioctl_desc vfio_type1_pin_device_ioctls[] = {
	VFIO_IOCTL_INFO(VFIO_DEVICE_GET_INFO, struct vfio_device_info,
			num_irqs, vfio_type1_pin_get_info),
};

static long vfio_type1_pin_ioctl(struct vfio_device *vdev, unsigned int cmd,
				 unsigned long arg)
{
	struct vfio_type1_pin_device *pdev = to_pin_dev(vdev);
	struct vfio_type1_pin_req req;
	long ret;

	switch (cmd) {
	case VFIO_TYPE1_PIN_LEAK_ON_UNMAP:
		mutex_lock(&pdev->lock);
		pdev->leak_on_unmap = arg;
		mutex_unlock(&pdev->lock);
		return 0;
	case VFIO_TYPE1_PIN_UNMAP_CALLS:
		return atomic_read(&pdev->unmap_calls);
	case VFIO_TYPE1_PIN_HELD:
		mutex_lock(&pdev->lock);
		ret = pdev->nr_held;
		mutex_unlock(&pdev->lock);
		return ret;
	case VFIO_TYPE1_PIN_PIN:
	case VFIO_TYPE1_PIN_UNPIN:
	case VFIO_TYPE1_PIN_WRITE:
	case VFIO_TYPE1_PIN_READ:
		break;
	default:
		/* Every VFIO device answers GET_INFO; lsvfio asks. */
		return VFIO_IOCTL_DISPATCH(vfio_type1_pin_device_ioctls, vdev,
					   cmd, arg);
	}

	if (copy_from_user(&req, (void __user *)arg, sizeof(req)))
		return -EFAULT;
	switch (cmd) {
	case VFIO_TYPE1_PIN_PIN:
		return vfio_type1_pin_pin(pdev, &req);
	case VFIO_TYPE1_PIN_UNPIN:
		return vfio_type1_pin_unpin(pdev, &req);
	default:
		return vfio_type1_pin_rw(pdev, &req,
					 cmd == VFIO_TYPE1_PIN_WRITE);
	}
}

/* The user unmaps [@iova, @iova + @length): drop our pins inside it. */
static void vfio_type1_pin_dma_unmap(struct vfio_device *vdev, u64 iova,
				     u64 length)
{
	struct vfio_type1_pin_device *pdev = to_pin_dev(vdev);
	unsigned long first = iova >> PAGE_SHIFT;
	unsigned long last = (iova + length - 1) >> PAGE_SHIFT;
	unsigned long index;
	void *entry;

	atomic_inc(&pdev->unmap_calls);
	mutex_lock(&pdev->lock);
	xa_for_each_range(&pdev->held, index, entry, first, last) {
		unsigned long count = xa_to_value(entry);

		if (!pdev->leak_on_unmap)
			while (count--)
				vfio_unpin_pages(vdev, index << PAGE_SHIFT, 1);
		vfio_type1_pin_forget(pdev, index, xa_to_value(entry));
	}
	mutex_unlock(&pdev->lock);
}

static int vfio_type1_pin_open(struct vfio_device *vdev)
{
	atomic_set(&to_pin_dev(vdev)->unmap_calls, 0);
	return 0;
}

static void vfio_type1_pin_close(struct vfio_device *vdev)
{
	struct vfio_type1_pin_device *pdev = to_pin_dev(vdev);
	unsigned long index;
	void *entry;

	/*
	 * The core no longer lets a closing device unpin; type1 drops what
	 * is left when the mappings go.
	 */
	mutex_lock(&pdev->lock);
	xa_for_each(&pdev->held, index, entry)
		xa_erase(&pdev->held, index);
	pdev->nr_held = 0;
	pdev->leak_on_unmap = false;
	mutex_unlock(&pdev->lock);
}

static int vfio_type1_pin_init_dev(struct vfio_device *vdev)
{
	struct vfio_type1_pin_device *pdev = to_pin_dev(vdev);

	mutex_init(&pdev->lock);
	xa_init(&pdev->held);
	return 0;
}

static void vfio_type1_pin_release_dev(struct vfio_device *vdev)
{
	struct vfio_type1_pin_device *pdev = to_pin_dev(vdev);

	xa_destroy(&pdev->held);
	mutex_destroy(&pdev->lock);
}

static const struct vfio_device_ops vfio_type1_pin_ops = {
	.name		= "vfio-type1-pin",
	.init		= vfio_type1_pin_init_dev,
	.release	= vfio_type1_pin_release_dev,
	.open_device	= vfio_type1_pin_open,
	.close_device	= vfio_type1_pin_close,
	.ioctl		= vfio_type1_pin_ioctl,
	.dma_unmap	= vfio_type1_pin_dma_unmap,
};

static int vfio_type1_pin_probe(struct platform_device *pdev)
{
	struct vfio_type1_pin_device *dev;
	int ret;

	dev = vfio_alloc_device(struct vfio_type1_pin_device, vdev,
				&pdev->dev, &vfio_type1_pin_ops);
	if (IS_ERR(dev))
		return PTR_ERR(dev);
	ret = vfio_register_emulated_iommu_dev(&dev->vdev);
	if (ret) {
		vfio_put_device(&dev->vdev);
		return ret;
	}
	platform_set_drvdata(pdev, dev);
	return 0;
}

static void vfio_type1_pin_remove(struct platform_device *pdev)
{
	struct vfio_type1_pin_device *dev = platform_get_drvdata(pdev);

	vfio_unregister_group_dev(&dev->vdev);
	vfio_put_device(&dev->vdev);
}

static struct platform_driver vfio_type1_pin_driver = {
	.driver = {
		.name = "vfio-type1-pin",
	},
	.probe = vfio_type1_pin_probe,
	.remove = vfio_type1_pin_remove,
};

static struct platform_device *vfio_type1_pin_pdev;

static int __init vfio_type1_pin_init(void)
{
	int ret;

	ret = platform_driver_register(&vfio_type1_pin_driver);
	if (ret)
		return ret;
	vfio_type1_pin_pdev = platform_device_register_simple("vfio-type1-pin",
							      0, NULL, 0);
	if (IS_ERR(vfio_type1_pin_pdev)) {
		platform_driver_unregister(&vfio_type1_pin_driver);
		return PTR_ERR(vfio_type1_pin_pdev);
	}
	return 0;
}

static void __exit vfio_type1_pin_exit(void)
{
	platform_device_unregister(vfio_type1_pin_pdev);
	platform_driver_unregister(&vfio_type1_pin_driver);
}

module_init(vfio_type1_pin_init);
module_exit(vfio_type1_pin_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Test-only emulated-IOMMU device for the VFIO type1 selftests");
