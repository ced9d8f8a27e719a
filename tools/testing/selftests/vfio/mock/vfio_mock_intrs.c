// SPDX-License-Identifier: GPL-2.0-only
/*
 * Emulated interrupts of the vfio_mock devices, and VFIO_DEVICE_SET_IRQS.
 *
 * A vector is an eventfd plus mask state.  Raising a masked vector only
 * marks it pending and the unmask delivers it, like a level-triggered line
 * that is still asserted when it is unmasked.  A vector raised with no
 * eventfd and no mask is lost, as an interrupt nobody listens to would be.
 */
#include <linux/eventfd.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "vfio_mock_priv.h"

/**
 * vfio_mock_irq_init - prepare a vector
 * @irq: the vector
 * @maskable: whether ACTION_MASK and ACTION_UNMASK are accepted for it
 */
void vfio_mock_irq_init(struct vfio_mock_irq *irq, bool maskable)
{
	spin_lock_init(&irq->lock);
	irq->maskable = maskable;
}

static void vfio_mock_irq_fire(struct vfio_mock_irq *irq)
{
	lockdep_assert_held(&irq->lock);

	if (irq->masked) {
		irq->pending = true;
		return;
	}
	irq->pending = false;
	if (irq->trigger)
		eventfd_signal(irq->trigger);
}

/**
 * vfio_mock_irq_raise - the emulated device asserts the vector
 * @irq: the vector
 *
 * Context: process context; takes @irq->lock.
 */
void vfio_mock_irq_raise(struct vfio_mock_irq *irq)
{
	spin_lock(&irq->lock);
	vfio_mock_irq_fire(irq);
	spin_unlock(&irq->lock);
}

static void vfio_mock_irq_mask(struct vfio_mock_irq *irq)
{
	spin_lock(&irq->lock);
	irq->masked = true;
	spin_unlock(&irq->lock);
}

static void vfio_mock_irq_unmask(struct vfio_mock_irq *irq)
{
	spin_lock(&irq->lock);
	if (irq->masked) {
		irq->masked = false;
		if (irq->pending)
			vfio_mock_irq_fire(irq);
	}
	spin_unlock(&irq->lock);
}

/*
 * The virqfd handler runs inside the unmask eventfd's wakeup, where
 * signalling the trigger eventfd is forbidden (eventfd wakeups must not
 * nest), so the unmask itself is left to the work item.
 */
static int vfio_mock_irq_unmask_handler(void *opaque, void *data)
{
	return 1;
}

static void vfio_mock_irq_unmask_thread(void *opaque, void *data)
{
	vfio_mock_irq_unmask(opaque);
}

static void vfio_mock_irq_swap_trigger(struct vfio_mock_irq *irq,
				       struct eventfd_ctx *trigger)
{
	struct eventfd_ctx *old;

	spin_lock(&irq->lock);
	old = irq->trigger;
	irq->trigger = trigger;
	spin_unlock(&irq->lock);

	if (old)
		eventfd_ctx_put(old);
}

/**
 * vfio_mock_irq_reset - the device was reset: forget a pending vector
 * @irq: the vector
 *
 * The eventfds and the mask belong to the VFIO user, not to the device,
 * so they stay.
 */
void vfio_mock_irq_reset(struct vfio_mock_irq *irq)
{
	spin_lock(&irq->lock);
	irq->pending = false;
	spin_unlock(&irq->lock);
}

/**
 * vfio_mock_irq_release - drop everything userspace configured
 * @irq: the vector
 *
 * Context: the owning device's mutex is held, or the device is closed.
 */
void vfio_mock_irq_release(struct vfio_mock_irq *irq)
{
	if (irq->unmask)
		vfio_virqfd_disable(&irq->unmask);
	vfio_mock_irq_swap_trigger(irq, NULL);

	spin_lock(&irq->lock);
	irq->masked = false;
	irq->pending = false;
	spin_unlock(&irq->lock);
}

static int vfio_mock_irq_set_trigger(struct vfio_mock_irq *irq, u32 flags,
				     u32 count, const void *data)
{
	struct eventfd_ctx *trigger = NULL;
	s32 fd;

	switch (flags & VFIO_IRQ_SET_DATA_TYPE_MASK) {
	case VFIO_IRQ_SET_DATA_NONE:
		/* A count of zero is the documented way to tear down */
		if (!count)
			vfio_mock_irq_swap_trigger(irq, NULL);
		else
			vfio_mock_irq_raise(irq);
		return 0;
	case VFIO_IRQ_SET_DATA_BOOL:
		if (*(const u8 *)data)
			vfio_mock_irq_raise(irq);
		return 0;
	case VFIO_IRQ_SET_DATA_EVENTFD:
		fd = *(const s32 *)data;
		if (fd < -1)
			return -EINVAL;
		if (fd >= 0) {
			trigger = eventfd_ctx_fdget(fd);
			if (IS_ERR(trigger))
				return PTR_ERR(trigger);
		}
		vfio_mock_irq_swap_trigger(irq, trigger);
		return 0;
	}
	return -EINVAL;
}

static int vfio_mock_irq_set_mask(struct vfio_mock_irq *irq, u32 flags,
				  const void *data)
{
	if (!irq->maskable)
		return -EINVAL;

	switch (flags & VFIO_IRQ_SET_DATA_TYPE_MASK) {
	case VFIO_IRQ_SET_DATA_NONE:
		vfio_mock_irq_mask(irq);
		return 0;
	case VFIO_IRQ_SET_DATA_BOOL:
		if (*(const u8 *)data)
			vfio_mock_irq_mask(irq);
		return 0;
	}
	/* Nothing could ever signal a mask eventfd usefully */
	return -EINVAL;
}

static int vfio_mock_irq_set_unmask(struct vfio_mock_irq *irq, u32 flags,
				    const void *data)
{
	s32 fd;

	if (!irq->maskable)
		return -EINVAL;

	switch (flags & VFIO_IRQ_SET_DATA_TYPE_MASK) {
	case VFIO_IRQ_SET_DATA_NONE:
		vfio_mock_irq_unmask(irq);
		return 0;
	case VFIO_IRQ_SET_DATA_BOOL:
		if (*(const u8 *)data)
			vfio_mock_irq_unmask(irq);
		return 0;
	case VFIO_IRQ_SET_DATA_EVENTFD:
		fd = *(const s32 *)data;
		if (fd < -1)
			return -EINVAL;
		if (irq->unmask)
			vfio_virqfd_disable(&irq->unmask);
		if (fd == -1)
			return 0;
		return vfio_virqfd_enable(irq, vfio_mock_irq_unmask_handler,
					  vfio_mock_irq_unmask_thread, NULL,
					  &irq->unmask, fd);
	}
	return -EINVAL;
}

/**
 * vfio_mock_set_irqs - VFIO_DEVICE_SET_IRQS for one interrupt index
 * @hdr: the header, already checked for argsz and unknown flags
 * @uarg: the user's struct; the data array follows the header
 * @irq: the vector of @hdr->index, or NULL if the index has none
 * @vectors: how many vectors @hdr->index has (0 or 1)
 * @max_irq_type: number of interrupt indexes of the device
 *
 * Context: the caller holds its device's mutex, which serialises all
 * interrupt configuration of the device.
 * Return: 0 or a negative errno.
 */
long vfio_mock_set_irqs(struct vfio_irq_set *hdr, void __user *uarg,
			struct vfio_mock_irq *irq, int vectors,
			int max_irq_type)
{
	u32 action = hdr->flags & VFIO_IRQ_SET_ACTION_TYPE_MASK;
	u32 type = hdr->flags & VFIO_IRQ_SET_DATA_TYPE_MASK;
	size_t data_size;
	void *data = NULL;
	long ret;

	ret = vfio_set_irqs_validate_and_prepare(hdr, vectors, max_irq_type,
						 &data_size);
	if (ret)
		return ret;
	if (!irq)
		return -EINVAL;

	/* Only a trigger teardown may name no vector at all */
	if (!hdr->count &&
	    (action != VFIO_IRQ_SET_ACTION_TRIGGER ||
	     type != VFIO_IRQ_SET_DATA_NONE))
		return -EINVAL;

	if (data_size) {
		data = memdup_user(uarg + offsetofend(struct vfio_irq_set,
						      count), data_size);
		if (IS_ERR(data))
			return PTR_ERR(data);
	}

	switch (action) {
	case VFIO_IRQ_SET_ACTION_TRIGGER:
		ret = vfio_mock_irq_set_trigger(irq, hdr->flags, hdr->count,
						data);
		break;
	case VFIO_IRQ_SET_ACTION_MASK:
		ret = vfio_mock_irq_set_mask(irq, hdr->flags, data);
		break;
	case VFIO_IRQ_SET_ACTION_UNMASK:
		ret = vfio_mock_irq_set_unmask(irq, hdr->flags, data);
		break;
	default:
		/* No action, or more than one */
		ret = -EINVAL;
	}

	kfree(data);
	return ret;
}
