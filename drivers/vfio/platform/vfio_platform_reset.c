// SPDX-License-Identifier: GPL-2.0-only
/*
 * The registry of reset handlers.  A platform device has no standard way
 * to be reset, so each kind of device needs its own handler, found by the
 * device tree "compatible" strings of the device's node.  Handlers usually
 * live in small modules of their own (reset/), which register here when
 * loaded; the core asks for "vfio-reset:<compatible>" when none is
 * registered yet.
 */
#include <linux/kmod.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/of.h>

#include "vfio_platform_private.h"

/* Protects vfio_platform_reset_list. */
static DEFINE_MUTEX(vfio_platform_reset_lock);
static LIST_HEAD(vfio_platform_reset_list);

/**
 * vfio_platform_register_reset - make a reset handler available
 * @h: the handler; must stay valid until vfio_platform_unregister_reset()
 *
 * Return: 0; the int lets module_driver() use it as a module's init.
 */
int vfio_platform_register_reset(struct vfio_platform_reset_handler *h)
{
	mutex_lock(&vfio_platform_reset_lock);
	list_add(&h->link, &vfio_platform_reset_list);
	mutex_unlock(&vfio_platform_reset_lock);
	return 0;
}
EXPORT_SYMBOL_GPL(vfio_platform_register_reset);

/**
 * vfio_platform_unregister_reset - withdraw a reset handler
 * @h: the handler
 *
 * Devices using the handler hold a reference on its module, so this only
 * runs once none does.
 */
void vfio_platform_unregister_reset(struct vfio_platform_reset_handler *h)
{
	mutex_lock(&vfio_platform_reset_lock);
	list_del(&h->link);
	mutex_unlock(&vfio_platform_reset_lock);
}
EXPORT_SYMBOL_GPL(vfio_platform_unregister_reset);

/* Find a handler for @np and pin its module; NULL if there is none. */
static struct vfio_platform_reset_handler *
vfio_platform_reset_find(struct device_node *np)
{
	struct vfio_platform_reset_handler *h, *found = NULL;

	mutex_lock(&vfio_platform_reset_lock);
	list_for_each_entry(h, &vfio_platform_reset_list, link) {
		if (of_device_is_compatible(np, h->compat) &&
		    try_module_get(h->owner)) {
			found = h;
			break;
		}
	}
	mutex_unlock(&vfio_platform_reset_lock);
	return found;
}

/**
 * vfio_platform_reset_lookup - find the reset handler of a device
 * @vdev: the device
 *
 * Return: 0 with @vdev->reset set, -ENOENT when no handler exists.
 */
int vfio_platform_reset_lookup(struct vfio_platform_device *vdev)
{
	struct device_node *np = vdev->vdev.dev->of_node;
	struct vfio_platform_reset_handler *h;
	const char *compat;

	if (!np)
		return -ENOENT;

	h = vfio_platform_reset_find(np);
	if (!h && !of_property_read_string(np, "compatible", &compat)) {
		request_module("vfio-reset:%s", compat);
		h = vfio_platform_reset_find(np);
	}
	if (!h)
		return -ENOENT;

	vdev->compat = h->compat;
	vdev->reset = h->reset;
	vdev->reset_owner = h->owner;
	return 0;
}

/**
 * vfio_platform_reset_put - release the reset handler of a device
 * @vdev: the device
 */
void vfio_platform_reset_put(struct vfio_platform_device *vdev)
{
	if (!vdev->reset)
		return;
	module_put(vdev->reset_owner);
	vdev->reset = NULL;
	vdev->reset_owner = NULL;
	vdev->compat = NULL;
}

/**
 * vfio_platform_reset_call - reset a device, if it has a handler
 * @vdev: the device
 * @why: what asked for the reset, for the log
 *
 * Context: the device set's lock is held, or the device fd is open.
 * Return: 0 (also when the device has no handler) or the handler's error.
 */
int vfio_platform_reset_call(struct vfio_platform_device *vdev,
			     const char *why)
{
	int ret;

	if (!vdev->reset)
		return 0;

	ret = vdev->reset(vdev);
	if (ret) {
		dev_warn(vdev->vdev.dev, "%s reset on %s failed: %d\n",
			 vdev->compat, why, ret);
		return ret;
	}
	atomic_inc(&vdev->reset_count);
	dev_dbg(vdev->vdev.dev, "%s reset on %s\n", vdev->compat, why);
	return 0;
}
