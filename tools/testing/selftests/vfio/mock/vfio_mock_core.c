// SPDX-License-Identifier: GPL-2.0-only
/*
 * The vfio_mock platform devices: their VFIO device ops, their ioctls and
 * the two platform drivers that register them, one as an emulated-IOMMU
 * device and one as a device without any IOMMU (no-IOMMU mode).
 */
#include <linux/debugfs.h>
#include <linux/platform_device.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "vfio_mock_priv.h"

/* Size of each region, by index */
const u32 vfio_mock_region_bytes[VFIO_MOCK_NUM_REGIONS] = {
	[VFIO_MOCK_RAM_REGION_INDEX] = VFIO_MOCK_RAM_REGION_SIZE,
	[VFIO_MOCK_SPARSE_REGION_INDEX] = VFIO_MOCK_SPARSE_REGION_SIZE,
};

static struct vfio_mock_device *to_vfio_mock_device(struct vfio_device *vdev)
{
	return container_of(vdev, struct vfio_mock_device, vdev);
}

static int vfio_mock_init_dev(struct vfio_device *vdev)
{
	struct vfio_mock_device *mdev = to_vfio_mock_device(vdev);
	unsigned int i;

	for (i = 0; i < VFIO_MOCK_NUM_REGIONS; i++) {
		mdev->ram[i] = vmalloc_user(vfio_mock_region_bytes[i]);
		if (!mdev->ram[i])
			goto err_free;
	}
	mutex_init(&mdev->lock);
	vfio_mock_irq_init(&mdev->irq[VFIO_MOCK_DOORBELL_IRQ_INDEX], true);
	vfio_mock_irq_init(&mdev->irq[VFIO_MOCK_REQ_IRQ_INDEX], false);
	return 0;

err_free:
	while (i--)
		vfree(mdev->ram[i]);
	return -ENOMEM;
}

static void vfio_mock_release_dev(struct vfio_device *vdev)
{
	struct vfio_mock_device *mdev = to_vfio_mock_device(vdev);
	unsigned int i;

	mutex_destroy(&mdev->lock);
	for (i = 0; i < VFIO_MOCK_NUM_REGIONS; i++)
		vfree(mdev->ram[i]);
}

static int vfio_mock_open_device(struct vfio_device *vdev)
{
	struct vfio_mock_device *mdev = to_vfio_mock_device(vdev);

	atomic_inc(&mdev->counters.open);
	return 0;
}

static void vfio_mock_close_device(struct vfio_device *vdev)
{
	struct vfio_mock_device *mdev = to_vfio_mock_device(vdev);
	unsigned int i;

	/* The next user must not inherit this one's eventfds */
	mutex_lock(&mdev->lock);
	for (i = 0; i < VFIO_MOCK_NUM_IRQS; i++)
		vfio_mock_irq_release(&mdev->irq[i]);
	mutex_unlock(&mdev->lock);

	atomic_inc(&mdev->counters.close);
}

static void vfio_mock_request(struct vfio_device *vdev, unsigned int count)
{
	struct vfio_mock_device *mdev = to_vfio_mock_device(vdev);

	atomic_inc(&mdev->counters.request);
	dev_info_ratelimited(vdev->dev,
			     "asking the user to release the device (#%u)\n",
			     count);
	vfio_mock_irq_raise(&mdev->irq[VFIO_MOCK_REQ_IRQ_INDEX]);
}

static long vfio_mock_device_get_info(void *owner,
				      struct vfio_ioctl_call *call)
{
	struct vfio_device_info *info = call->cmd;

	info->flags = VFIO_DEVICE_FLAGS_PLATFORM | VFIO_DEVICE_FLAGS_RESET;
	info->num_regions = VFIO_MOCK_NUM_REGIONS;
	info->num_irqs = VFIO_MOCK_NUM_IRQS;
	info->cap_offset = 0;
	return 0;
}

/*
 * Region 1's chain: where it may be mapped, then what it is.  Each header
 * returned by vfio_info_cap_add() is filled before the next call, which
 * may move the buffer.
 */
static int vfio_mock_add_region_caps(struct vfio_info_cap *caps)
{
	struct vfio_region_info_cap_sparse_mmap *sparse;
	struct vfio_region_info_cap_type *type;
	struct vfio_info_cap_header *header;

	header = vfio_info_cap_add(caps, struct_size(sparse, areas, 2),
				   VFIO_REGION_INFO_CAP_SPARSE_MMAP, 1);
	if (IS_ERR(header))
		return PTR_ERR(header);
	sparse = container_of(header, struct vfio_region_info_cap_sparse_mmap,
			      header);
	sparse->nr_areas = 2;
	sparse->areas[0].offset = VFIO_MOCK_SPARSE_AREA0_OFFSET;
	sparse->areas[0].size = VFIO_MOCK_SPARSE_AREA0_SIZE;
	sparse->areas[1].offset = VFIO_MOCK_SPARSE_AREA1_OFFSET;
	sparse->areas[1].size = VFIO_MOCK_SPARSE_AREA1_SIZE;

	header = vfio_info_cap_add(caps, sizeof(*type),
				   VFIO_REGION_INFO_CAP_TYPE, 1);
	if (IS_ERR(header))
		return PTR_ERR(header);
	type = container_of(header, struct vfio_region_info_cap_type, header);
	type->type = VFIO_MOCK_REGION_TYPE;
	type->subtype = VFIO_MOCK_REGION_SUBTYPE;
	return 0;
}

static long vfio_mock_device_get_region_info(void *owner,
					     struct vfio_ioctl_call *call)
{
	struct vfio_region_info *info = call->cmd;
	struct vfio_info_cap caps = {};
	int ret;

	if (info->index >= VFIO_MOCK_NUM_REGIONS)
		return -EINVAL;

	info->flags = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE |
		      VFIO_REGION_INFO_FLAG_MMAP;
	info->cap_offset = 0;
	info->size = vfio_mock_region_bytes[info->index];
	info->offset = VFIO_MOCK_REGION_OFFSET(info->index);
	if (info->index != VFIO_MOCK_SPARSE_REGION_INDEX)
		return 0;

	ret = vfio_mock_add_region_caps(&caps);
	if (!ret)
		ret = vfio_info_copy_caps(&caps, &info->argsz,
					  &info->cap_offset, &info->flags,
					  VFIO_REGION_INFO_FLAG_CAPS,
					  sizeof(*info), call->uptr);
	kfree(caps.buf);
	return ret;
}

static long vfio_mock_device_get_irq_info(void *owner,
					  struct vfio_ioctl_call *call)
{
	struct vfio_irq_info *info = call->cmd;

	switch (info->index) {
	case VFIO_MOCK_DOORBELL_IRQ_INDEX:
		info->flags = VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_MASKABLE;
		break;
	case VFIO_MOCK_REQ_IRQ_INDEX:
		info->flags = VFIO_IRQ_INFO_EVENTFD;
		break;
	default:
		return -EINVAL;
	}
	info->count = 1;
	return 0;
}

static long vfio_mock_device_set_irqs(void *owner,
				      struct vfio_ioctl_call *call)
{
	struct vfio_mock_device *mdev = owner;
	struct vfio_irq_set *hdr = call->cmd;
	struct vfio_mock_irq *irq = NULL;
	long ret;

	if (hdr->index < VFIO_MOCK_NUM_IRQS)
		irq = &mdev->irq[hdr->index];

	mutex_lock(&mdev->lock);
	ret = vfio_mock_set_irqs(hdr, call->uptr, irq, 1, VFIO_MOCK_NUM_IRQS);
	mutex_unlock(&mdev->lock);
	return ret;
}

static long vfio_mock_device_reset(void *owner, struct vfio_ioctl_call *call)
{
	struct vfio_mock_device *mdev = owner;
	unsigned int i;

	mutex_lock(&mdev->lock);
	for (i = 0; i < VFIO_MOCK_NUM_REGIONS; i++)
		memset(mdev->ram[i], 0, vfio_mock_region_bytes[i]);
	for (i = 0; i < VFIO_MOCK_NUM_IRQS; i++)
		vfio_mock_irq_reset(&mdev->irq[i]);
	mutex_unlock(&mdev->lock);

	atomic_inc(&mdev->counters.reset);
	return 0;
}

static const struct vfio_ioctl_desc vfio_mock_device_ioctls[] = {
	VFIO_IOCTL_INFO(VFIO_DEVICE_GET_INFO, struct vfio_device_info,
			num_irqs, vfio_mock_device_get_info),
	VFIO_IOCTL_INFO(VFIO_DEVICE_GET_REGION_INFO, struct vfio_region_info,
			offset, vfio_mock_device_get_region_info),
	VFIO_IOCTL_INFO(VFIO_DEVICE_GET_IRQ_INFO, struct vfio_irq_info,
			count, vfio_mock_device_get_irq_info),
	VFIO_IOCTL_IN(VFIO_DEVICE_SET_IRQS, struct vfio_irq_set, count,
		      VFIO_IRQ_SET_DATA_TYPE_MASK |
		      VFIO_IRQ_SET_ACTION_TYPE_MASK,
		      vfio_mock_device_set_irqs),
	VFIO_IOCTL_RAW(VFIO_DEVICE_RESET, vfio_mock_device_reset),
};

static long vfio_mock_ioctl(struct vfio_device *vdev, unsigned int cmd,
			    unsigned long arg)
{
	return VFIO_IOCTL_DISPATCH(vfio_mock_device_ioctls,
				   to_vfio_mock_device(vdev), cmd, arg);
}

static const struct vfio_device_ops vfio_mock_dev_ops = {
	.name		= VFIO_MOCK_DRIVER,
	.init		= vfio_mock_init_dev,
	.release	= vfio_mock_release_dev,
	.open_device	= vfio_mock_open_device,
	.close_device	= vfio_mock_close_device,
	.read		= vfio_mock_read,
	.write		= vfio_mock_write,
	.ioctl		= vfio_mock_ioctl,
	.mmap		= vfio_mock_mmap,
	.request	= vfio_mock_request,
};

static int vfio_mock_add(struct platform_device *pdev,
			 int (*register_dev)(struct vfio_device *vdev))
{
	struct vfio_mock_device *mdev;
	int ret;

	mdev = vfio_alloc_device(struct vfio_mock_device, vdev, &pdev->dev,
				 &vfio_mock_dev_ops);
	if (IS_ERR(mdev))
		return PTR_ERR(mdev);

	/* Counters first: the device may be opened as soon as it registers */
	mdev->debugfs = vfio_mock_debugfs_add(&pdev->dev, &mdev->counters);

	ret = register_dev(&mdev->vdev);
	if (ret)
		goto err_put;

	platform_set_drvdata(pdev, mdev);
	return 0;

err_put:
	debugfs_remove_recursive(mdev->debugfs);
	vfio_put_device(&mdev->vdev);
	return ret;
}

static void vfio_mock_remove(struct platform_device *pdev)
{
	struct vfio_mock_device *mdev = platform_get_drvdata(pdev);

	/* Waits, asking through request(), until userspace lets go */
	vfio_unregister_group_dev(&mdev->vdev);
	debugfs_remove_recursive(mdev->debugfs);
	vfio_put_device(&mdev->vdev);
}

static int vfio_mock_probe(struct platform_device *pdev)
{
	return vfio_mock_add(pdev, vfio_register_emulated_iommu_dev);
}

/*
 * These devices have no IOMMU group, so the core only takes them when
 * vfio's no-IOMMU mode is on.  Otherwise refuse quietly: this is the
 * expected state of a safe system, not a driver failure.
 */
static int vfio_mock_noiommu_probe(struct platform_device *pdev)
{
	int ret;

	ret = vfio_mock_add(pdev, vfio_register_group_dev);
	if (ret == -EINVAL) {
		dev_info(&pdev->dev,
			 "not bound: needs vfio's enable_unsafe_noiommu_mode\n");
		ret = -ENODEV;
	}
	return ret;
}

/* The user programs the device's DMA, never the kernel's DMA API */
struct platform_driver vfio_mock_driver = {
	.probe			= vfio_mock_probe,
	.remove			= vfio_mock_remove,
	.driver			= {
		.name		= VFIO_MOCK_DRIVER,
	},
	.driver_managed_dma	= true,
};

struct platform_driver vfio_mock_noiommu_driver = {
	.probe			= vfio_mock_noiommu_probe,
	.remove			= vfio_mock_remove,
	.driver			= {
		.name		= VFIO_MOCK_NOIOMMU_DRIVER,
	},
	.driver_managed_dma	= true,
};
