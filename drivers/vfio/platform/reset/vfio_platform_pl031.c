// SPDX-License-Identifier: GPL-2.0-only
/*
 * Reset handler for the ARM PrimeCell PL031 real-time clock.
 *
 * The PL031 has no reset bit.  What a user can leave behind is an armed
 * alarm: a match value, the alarm interrupt enabled, an interrupt pending.
 * Reset clears all three and keeps the clock running; the current time
 * (the load register) is left alone, as the time of day is not the user's
 * state but the machine's.
 */
#include <linux/io.h>
#include <linux/module.h>

#include "../vfio_platform_private.h"

#define PL031_MR	0x04	/* match (alarm) value */
#define PL031_CR	0x0c	/* control: bit 0 starts the counter */
#define PL031_IMSC	0x10	/* interrupt mask set/clear: 1 enables */
#define PL031_ICR	0x1c	/* interrupt clear, write-only */

#define PL031_CR_START	BIT(0)
#define PL031_INT_ALARM	BIT(0)

static int vfio_platform_pl031_reset(struct vfio_platform_device *vdev)
{
	void __iomem *base;

	if (!vdev->num_regions || vdev->regions[0].size < PL031_ICR + 4)
		return -ENODEV;
	base = vfio_platform_region_map(vdev, 0);
	if (!base)
		return -ENOMEM;

	writel(0, base + PL031_IMSC);
	writel(PL031_INT_ALARM, base + PL031_ICR);
	writel(0, base + PL031_MR);
	writel(PL031_CR_START, base + PL031_CR);
	return 0;
}

static struct vfio_platform_reset_handler vfio_platform_pl031_handler = {
	.compat = "arm,pl031",
	.owner = THIS_MODULE,
	.reset = vfio_platform_pl031_reset,
};

module_vfio_platform_reset(vfio_platform_pl031_handler);

MODULE_ALIAS("vfio-reset:arm,pl031");
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("VFIO: reset handler for the ARM PL031 real-time clock");
