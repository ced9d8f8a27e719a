// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio-amba: hands AMBA (ARM PrimeCell) devices to userspace.  A PrimeCell
 * has one register window and up to AMBA_NR_IRQS interrupts, which the
 * AMBA bus has already looked up; everything else is vfio-platform-base.
 * A device is bound by writing "vfio-amba" to its driver_override: the
 * driver matches no peripheral ID by itself.
 */
#include <linux/amba/bus.h>
#include <linux/module.h>
#include <linux/vfio.h>

#include "vfio_platform_private.h"

#define DRIVER_DESC	"VFIO: AMBA (PrimeCell) bus driver"

static bool reset_required = true;
module_param(reset_required, bool, 0644);
MODULE_PARM_DESC(reset_required,
		 "Refuse devices for which no reset handler is found (default: true)");

static struct resource *vfio_amba_get_resource(struct vfio_platform_device *vdev,
					       int i)
{
	struct amba_device *adev = vdev->opaque;

	return i == 0 ? &adev->res : NULL;
}

static int vfio_amba_get_irq(struct vfio_platform_device *vdev, int i)
{
	struct amba_device *adev = vdev->opaque;

	if (i >= AMBA_NR_IRQS || !adev->irq[i])
		return -ENXIO;
	return adev->irq[i];
}

static int vfio_amba_init_dev(struct vfio_device *core_vdev)
{
	struct vfio_platform_device *vdev =
		container_of(core_vdev, struct vfio_platform_device, vdev);
	struct amba_device *adev = to_amba_device(core_vdev->dev);

	vdev->opaque = adev;
	vdev->name = dev_name(&adev->dev);
	vdev->flags = VFIO_DEVICE_FLAGS_AMBA;
	vdev->get_resource = vfio_amba_get_resource;
	vdev->get_irq = vfio_amba_get_irq;
	vdev->reset_required = reset_required;
	return vfio_platform_init_common(vdev);
}

static const struct vfio_device_ops vfio_amba_ops = {
	.name = "vfio-amba",
	.init = vfio_amba_init_dev,
	.release = vfio_platform_release_common,
	.open_device = vfio_platform_open_device,
	.close_device = vfio_platform_close_device,
	.ioctl = vfio_platform_ioctl,
	.read = vfio_platform_read,
	.write = vfio_platform_write,
	.mmap = vfio_platform_mmap,
};

static int vfio_amba_probe(struct amba_device *adev, const struct amba_id *id)
{
	struct vfio_platform_device *vdev;

	vdev = vfio_platform_register(&adev->dev, &vfio_amba_ops);
	if (IS_ERR(vdev))
		return PTR_ERR(vdev);
	amba_set_drvdata(adev, vdev);
	return 0;
}

static void vfio_amba_remove(struct amba_device *adev)
{
	vfio_platform_unregister(amba_get_drvdata(adev));
}

/* Matches nothing: devices come to us through driver_override only. */
static const struct amba_id vfio_amba_ids[] = {
	{ 0, 0 },
};
MODULE_DEVICE_TABLE(amba, vfio_amba_ids);

static struct amba_driver vfio_amba_driver = {
	.probe = vfio_amba_probe,
	.remove = vfio_amba_remove,
	.id_table = vfio_amba_ids,
	.drv = {
		.name = "vfio-amba",
	},
	/* The device's DMA belongs to userspace, through VFIO's IOMMU. */
	.driver_managed_dma = true,
};

module_amba_driver(vfio_amba_driver);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION(DRIVER_DESC);
