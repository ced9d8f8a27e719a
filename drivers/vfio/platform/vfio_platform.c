// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio-platform: hands platform bus devices to userspace.  Only the bus
 * specifics live here (where the Nth register window and the Nth
 * interrupt are); the shared core is vfio-platform-base.  A device is
 * bound by writing "vfio-platform" to its driver_override.
 */
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/vfio.h>

#include "vfio_platform_private.h"

#define DRIVER_DESC	"VFIO: platform bus driver"

static bool reset_required = true;
module_param(reset_required, bool, 0644);
MODULE_PARM_DESC(reset_required,
		 "Refuse devices for which no reset handler is found (default: true)");

static struct resource *vfio_platform_get_resource(struct vfio_platform_device *vdev,
						   int i)
{
	return platform_get_mem_or_io(vdev->opaque, i);
}

static int vfio_platform_get_irq(struct vfio_platform_device *vdev, int i)
{
	struct platform_device *pdev = vdev->opaque;
	int count = platform_irq_count(pdev);

	if (count < 0)
		return count;
	if (i >= count)
		return -ENXIO;
	return platform_get_irq_optional(pdev, i);
}

static int vfio_platform_init_dev(struct vfio_device *core_vdev)
{
	struct vfio_platform_device *vdev =
		container_of(core_vdev, struct vfio_platform_device, vdev);
	struct platform_device *pdev = to_platform_device(core_vdev->dev);

	vdev->opaque = pdev;
	vdev->name = dev_name(&pdev->dev);
	vdev->flags = VFIO_DEVICE_FLAGS_PLATFORM;
	vdev->get_resource = vfio_platform_get_resource;
	vdev->get_irq = vfio_platform_get_irq;
	vdev->reset_required = reset_required;
	return vfio_platform_init_common(vdev);
}

static const struct vfio_device_ops vfio_platform_ops = {
	.name = "vfio-platform",
	.init = vfio_platform_init_dev,
	.release = vfio_platform_release_common,
	.open_device = vfio_platform_open_device,
	.close_device = vfio_platform_close_device,
	.ioctl = vfio_platform_ioctl,
	.read = vfio_platform_read,
	.write = vfio_platform_write,
	.mmap = vfio_platform_mmap,
};

static int vfio_platform_probe(struct platform_device *pdev)
{
	struct vfio_platform_device *vdev;

	vdev = vfio_platform_register(&pdev->dev, &vfio_platform_ops);
	if (IS_ERR(vdev))
		return PTR_ERR(vdev);
	platform_set_drvdata(pdev, vdev);
	return 0;
}

static void vfio_platform_remove(struct platform_device *pdev)
{
	vfio_platform_unregister(platform_get_drvdata(pdev));
}

static struct platform_driver vfio_platform_driver = {
	.probe = vfio_platform_probe,
	.remove = vfio_platform_remove,
	.driver = {
		.name = "vfio-platform",
	},
	/* The device's DMA belongs to userspace, through VFIO's IOMMU. */
	.driver_managed_dma = true,
};

module_platform_driver(vfio_platform_driver);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION(DRIVER_DESC);
