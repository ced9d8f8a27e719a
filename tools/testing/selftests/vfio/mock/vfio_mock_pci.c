// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio-mock-pci: hands real PCI devices to VFIO without touching them.
 *
 * The device gets a real IOMMU group, so the core's group viability and
 * DMA ownership rules apply, but nothing of the hardware is exposed: no
 * regions, and of the vfio-pci interrupt indexes only the device request.
 * There is no ID table; the driver binds only where driver_override
 * names it.
 */
#include <linux/debugfs.h>
#include <linux/pci.h>

#include "vfio_mock_priv.h"

/**
 * struct vfio_mock_pci_device - a PCI device bound to vfio-mock-pci
 * @vdev: the core's part; must stay first for vfio_alloc_device()
 * @lock: serialises configuration of @req
 * @req: the VFIO_PCI_REQ_IRQ_INDEX vector
 * @counters: bookkeeping for the tests
 * @debugfs: this device's debugfs directory
 */
struct vfio_mock_pci_device {
	struct vfio_device vdev;
	struct mutex lock; /* see above */
	struct vfio_mock_irq req;
	struct vfio_mock_counters counters;
	struct dentry *debugfs;
};

static struct vfio_mock_pci_device *
to_vfio_mock_pci_device(struct vfio_device *vdev)
{
	return container_of(vdev, struct vfio_mock_pci_device, vdev);
}

static int vfio_mock_pci_init_dev(struct vfio_device *vdev)
{
	struct vfio_mock_pci_device *mdev = to_vfio_mock_pci_device(vdev);

	mutex_init(&mdev->lock);
	vfio_mock_irq_init(&mdev->req, false);
	return 0;
}

static void vfio_mock_pci_release_dev(struct vfio_device *vdev)
{
	struct vfio_mock_pci_device *mdev = to_vfio_mock_pci_device(vdev);

	mutex_destroy(&mdev->lock);
}

static int vfio_mock_pci_open_device(struct vfio_device *vdev)
{
	struct vfio_mock_pci_device *mdev = to_vfio_mock_pci_device(vdev);

	atomic_inc(&mdev->counters.open);
	return 0;
}

static void vfio_mock_pci_close_device(struct vfio_device *vdev)
{
	struct vfio_mock_pci_device *mdev = to_vfio_mock_pci_device(vdev);

	mutex_lock(&mdev->lock);
	vfio_mock_irq_release(&mdev->req);
	mutex_unlock(&mdev->lock);

	atomic_inc(&mdev->counters.close);
}

static void vfio_mock_pci_request(struct vfio_device *vdev,
				  unsigned int count)
{
	struct vfio_mock_pci_device *mdev = to_vfio_mock_pci_device(vdev);

	atomic_inc(&mdev->counters.request);
	pci_info_ratelimited(to_pci_dev(vdev->dev),
			     "asking the user to release the device (#%u)\n",
			     count);
	vfio_mock_irq_raise(&mdev->req);
}

static long vfio_mock_pci_device_get_info(void *owner,
					  struct vfio_ioctl_call *call)
{
	struct vfio_device_info *info = call->cmd;

	info->flags = VFIO_DEVICE_FLAGS_PCI;
	info->num_regions = 0;
	info->num_irqs = VFIO_PCI_NUM_IRQS;
	info->cap_offset = 0;
	return 0;
}

/* With no regions at all, every index is out of range */
static long vfio_mock_pci_device_get_region_info(void *owner,
						 struct vfio_ioctl_call *call)
{
	return -EINVAL;
}

static long vfio_mock_pci_device_get_irq_info(void *owner,
					      struct vfio_ioctl_call *call)
{
	struct vfio_irq_info *info = call->cmd;

	if (info->index >= VFIO_PCI_NUM_IRQS)
		return -EINVAL;

	if (info->index == VFIO_PCI_REQ_IRQ_INDEX) {
		info->flags = VFIO_IRQ_INFO_EVENTFD;
		info->count = 1;
	} else {
		info->flags = 0;
		info->count = 0;
	}
	return 0;
}

static long vfio_mock_pci_device_set_irqs(void *owner,
					  struct vfio_ioctl_call *call)
{
	struct vfio_mock_pci_device *mdev = owner;
	struct vfio_irq_set *hdr = call->cmd;
	bool is_req = hdr->index == VFIO_PCI_REQ_IRQ_INDEX;
	long ret;

	mutex_lock(&mdev->lock);
	ret = vfio_mock_set_irqs(hdr, call->uptr, is_req ? &mdev->req : NULL,
				 is_req ? 1 : 0, VFIO_PCI_NUM_IRQS);
	mutex_unlock(&mdev->lock);
	return ret;
}

static const struct vfio_ioctl_desc vfio_mock_pci_device_ioctls[] = {
	VFIO_IOCTL_INFO(VFIO_DEVICE_GET_INFO, struct vfio_device_info,
			num_irqs, vfio_mock_pci_device_get_info),
	VFIO_IOCTL_INFO(VFIO_DEVICE_GET_REGION_INFO, struct vfio_region_info,
			offset, vfio_mock_pci_device_get_region_info),
	VFIO_IOCTL_INFO(VFIO_DEVICE_GET_IRQ_INFO, struct vfio_irq_info,
			count, vfio_mock_pci_device_get_irq_info),
	VFIO_IOCTL_IN(VFIO_DEVICE_SET_IRQS, struct vfio_irq_set, count,
		      VFIO_IRQ_SET_DATA_TYPE_MASK |
		      VFIO_IRQ_SET_ACTION_TYPE_MASK,
		      vfio_mock_pci_device_set_irqs),
};

static long vfio_mock_pci_ioctl(struct vfio_device *vdev, unsigned int cmd,
				unsigned long arg)
{
	return VFIO_IOCTL_DISPATCH(vfio_mock_pci_device_ioctls,
				   to_vfio_mock_pci_device(vdev), cmd, arg);
}

static const struct vfio_device_ops vfio_mock_pci_ops = {
	.name		= VFIO_MOCK_PCI_DRIVER,
	.init		= vfio_mock_pci_init_dev,
	.release	= vfio_mock_pci_release_dev,
	.open_device	= vfio_mock_pci_open_device,
	.close_device	= vfio_mock_pci_close_device,
	.ioctl		= vfio_mock_pci_ioctl,
	.request	= vfio_mock_pci_request,
};

static int vfio_mock_pci_probe(struct pci_dev *pdev,
			       const struct pci_device_id *id)
{
	struct vfio_mock_pci_device *mdev;
	int ret;

	/* A bridge's group membership is not for userspace to own */
	if (pdev->hdr_type != PCI_HEADER_TYPE_NORMAL)
		return -EINVAL;

	mdev = vfio_alloc_device(struct vfio_mock_pci_device, vdev,
				 &pdev->dev, &vfio_mock_pci_ops);
	if (IS_ERR(mdev))
		return PTR_ERR(mdev);

	mdev->debugfs = vfio_mock_debugfs_add(&pdev->dev, &mdev->counters);

	ret = vfio_register_group_dev(&mdev->vdev);
	if (ret)
		goto err_put;

	pci_set_drvdata(pdev, mdev);
	return 0;

err_put:
	debugfs_remove_recursive(mdev->debugfs);
	vfio_put_device(&mdev->vdev);
	return ret;
}

static void vfio_mock_pci_remove(struct pci_dev *pdev)
{
	struct vfio_mock_pci_device *mdev = pci_get_drvdata(pdev);

	vfio_unregister_group_dev(&mdev->vdev);
	debugfs_remove_recursive(mdev->debugfs);
	vfio_put_device(&mdev->vdev);
}

/*
 * The user owns the device's DMA: the driver core must not attach it to
 * the kernel's DMA domain, and must let VFIO claim the whole group.
 */
struct pci_driver vfio_mock_pci_driver = {
	.name			= VFIO_MOCK_PCI_DRIVER,
	.probe			= vfio_mock_pci_probe,
	.remove			= vfio_mock_pci_remove,
	.driver_managed_dma	= true,
};
