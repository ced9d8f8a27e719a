// SPDX-License-Identifier: GPL-2.0-only
/*
 * Device tree capabilities (an extension of this tree, see
 * Documentation/vfio.rst): which node, which property and which entry of
 * it a region or an interrupt index stands for.
 *
 * The entry is found by comparing what the kernel made of each entry with
 * what the front end handed us, rather than by assuming the bus keeps the
 * property's order: a resource or an IRQ the node does not describe gets
 * no capability at all, never a wrong one.
 */
#include <linux/irq.h>
#include <linux/of.h>
#include <linux/of_address.h>
#include <linux/of_irq.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "vfio_platform_private.h"

/* Far more than any real node has; bounds the search on broken trees. */
#define VFIO_PLATFORM_DT_MAX_ENTRIES	256

/*
 * Append what both capabilities share: the header, the property name and
 * the node's path, at the given offsets.  The capability's size covers the
 * path's NUL and is padded to 8 bytes.  Returns the header or an
 * ERR_PTR().
 */
static struct vfio_info_cap_header *
vfio_platform_dt_cap_add(struct vfio_info_cap *caps, struct device_node *np,
			 size_t fixed, u16 id, const char *property,
			 size_t property_offset, size_t path_offset)
{
	struct vfio_info_cap_header *header;
	char *path;
	size_t len;

	path = kasprintf(GFP_KERNEL, "%pOF", np);
	if (!path)
		return ERR_PTR(-ENOMEM);
	len = strlen(path) + 1;

	header = vfio_info_cap_add(caps, ALIGN(fixed + len, sizeof(u64)), id, 1);
	if (IS_ERR(header)) {
		kfree(path);
		return header;
	}
	strscpy((char *)header + property_offset, property,
		sizeof_field(struct vfio_region_info_cap_dt, property));
	memcpy((char *)header + path_offset, path, len);
	kfree(path);
	return header;
}

/**
 * vfio_platform_dt_region_cap - add VFIO_REGION_INFO_CAP_DT for a region
 * @vdev: the device
 * @index: the region
 * @caps: the chain being built
 *
 * Return: 0 (also when the region does not come from the device tree) or
 * -ENOMEM.
 */
int vfio_platform_dt_region_cap(struct vfio_platform_device *vdev, u32 index,
				struct vfio_info_cap *caps)
{
	struct vfio_platform_region *region = &vdev->regions[index];
	struct device_node *np = vdev->vdev.dev->of_node;
	struct vfio_info_cap_header *header;
	struct resource res;
	u32 entry;

	if (!np)
		return 0;

	for (entry = 0; entry < VFIO_PLATFORM_DT_MAX_ENTRIES; entry++) {
		if (of_address_to_resource(np, entry, &res))
			return 0;
		if (res.start == region->addr &&
		    resource_size(&res) == region->size)
			break;
	}
	if (entry == VFIO_PLATFORM_DT_MAX_ENTRIES)
		return 0;

	header = vfio_platform_dt_cap_add(caps, np, sizeof(struct vfio_region_info_cap_dt),
					  VFIO_REGION_INFO_CAP_DT, "reg",
					  offsetof(struct vfio_region_info_cap_dt, property),
					  offsetof(struct vfio_region_info_cap_dt, path));
	if (IS_ERR(header))
		return PTR_ERR(header);
	container_of(header, struct vfio_region_info_cap_dt, header)->entry =
		entry;
	return 0;
}

/**
 * vfio_platform_dt_irq_cap - add VFIO_IRQ_INFO_CAP_DT for an interrupt
 * @vdev: the device
 * @index: the interrupt index
 * @caps: the chain being built
 *
 * The trigger type is what the interrupt controller decoded from the
 * specifier when it mapped the interrupt.
 *
 * Return: 0 (also when the interrupt does not come from the device tree)
 * or -ENOMEM.
 */
int vfio_platform_dt_irq_cap(struct vfio_platform_device *vdev, u32 index,
			     struct vfio_info_cap *caps)
{
	struct device_node *np = vdev->vdev.dev->of_node;
	int hwirq = vdev->irqs[index].hwirq;
	struct vfio_info_cap_header *header;
	struct vfio_irq_info_cap_dt *cap;
	const char *property;
	u32 entry;
	int virq;

	/* The uapi promises the device tree's own encoding. */
	BUILD_BUG_ON((VFIO_IRQ_DT_TYPE_EDGE_RISING ^ IRQ_TYPE_EDGE_RISING) |
		     (VFIO_IRQ_DT_TYPE_EDGE_FALLING ^ IRQ_TYPE_EDGE_FALLING) |
		     (VFIO_IRQ_DT_TYPE_LEVEL_HIGH ^ IRQ_TYPE_LEVEL_HIGH) |
		     (VFIO_IRQ_DT_TYPE_LEVEL_LOW ^ IRQ_TYPE_LEVEL_LOW));

	if (!np)
		return 0;

	/* The kernel prefers the extended form when a node has both. */
	property = of_property_present(np, "interrupts-extended") ?
		   "interrupts-extended" : "interrupts";

	for (entry = 0; entry < VFIO_PLATFORM_DT_MAX_ENTRIES; entry++) {
		virq = of_irq_get(np, entry);
		if (virq == hwirq)
			break;
		if (virq < 0 && virq != -EPROBE_DEFER)
			return 0;
	}
	if (entry == VFIO_PLATFORM_DT_MAX_ENTRIES)
		return 0;

	header = vfio_platform_dt_cap_add(caps, np, sizeof(*cap),
					  VFIO_IRQ_INFO_CAP_DT, property,
					  offsetof(struct vfio_irq_info_cap_dt, property),
					  offsetof(struct vfio_irq_info_cap_dt, path));
	if (IS_ERR(header))
		return PTR_ERR(header);
	cap = container_of(header, struct vfio_irq_info_cap_dt, header);
	cap->entry = entry;
	cap->type = irq_get_trigger_type(hwirq) & IRQ_TYPE_SENSE_MASK;
	return 0;
}
