// SPDX-License-Identifier: GPL-2.0-only
/*
 * Reset handler for the ARM PrimeCell PL061 GPIO controller.
 *
 * Reset returns the controller to its power-on configuration: every line
 * an input, no interrupt enabled or pending, no line under hardware
 * control.  The output data latch is left alone: with every line an input
 * it drives nothing.
 */
#include <linux/io.h>
#include <linux/module.h>

#include "../vfio_platform_private.h"

#define PL061_DIR	0x400	/* 1: output */
#define PL061_IS	0x404	/* interrupt sense, 1: level */
#define PL061_IBE	0x408	/* interrupt on both edges */
#define PL061_IEV	0x40c	/* interrupt event: rising edge / high level */
#define PL061_IE	0x410	/* interrupt enable */
#define PL061_IC	0x41c	/* interrupt clear, write-only */
#define PL061_AFSEL	0x420	/* alternate (hardware) function select */

#define PL061_ALL_LINES	0xff

static int vfio_platform_pl061_reset(struct vfio_platform_device *vdev)
{
	void __iomem *base;

	if (!vdev->num_regions || vdev->regions[0].size < PL061_AFSEL + 4)
		return -ENODEV;
	base = vfio_platform_region_map(vdev, 0);
	if (!base)
		return -ENOMEM;

	/* Silence interrupts before changing what raises them. */
	writeb(0, base + PL061_IE);
	writeb(PL061_ALL_LINES, base + PL061_IC);
	writeb(0, base + PL061_IS);
	writeb(0, base + PL061_IBE);
	writeb(0, base + PL061_IEV);
	writeb(0, base + PL061_DIR);
	writeb(0, base + PL061_AFSEL);
	return 0;
}

static struct vfio_platform_reset_handler vfio_platform_pl061_handler = {
	.compat = "arm,pl061",
	.owner = THIS_MODULE,
	.reset = vfio_platform_pl061_reset,
};

module_vfio_platform_reset(vfio_platform_pl061_handler);

MODULE_ALIAS("vfio-reset:arm,pl061");
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("VFIO: reset handler for the ARM PL061 GPIO controller");
