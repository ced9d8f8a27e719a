// SPDX-License-Identifier: GPL-2.0-only
/*
 * Interrupts of platform and AMBA devices: each interrupt index is one
 * line with one vector.
 *
 * A level-triggered line keeps firing until the device is serviced, which
 * only userspace can do; so the line is masked when it fires and stays
 * masked until userspace unmasks it (VFIO_IRQ_SET_ACTION_UNMASK, directly
 * or through an eventfd).  An edge-triggered line is simply forwarded.
 *
 * Invariant while the line is @requested: it is disabled exactly when
 * @masked is true, so every disable_irq_nosync() has its enable_irq().
 * While it is not requested @masked is only remembered, and enable_irq()
 * is never called on it: that would start a line nobody handles.
 * free_irq() resets the line's disable depth, so the next request starts
 * afresh from @masked whatever happened while the line was being freed.
 */
#include <linux/eventfd.h>
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/slab.h>
#include <linux/vfio.h>

#include "vfio_platform_private.h"

/*
 * Mask a level line; called with @irq->lock held.  @in_handler: called
 * from the line's own handler, which may still run while the line is
 * being freed and must silence it all the same.
 */
static void vfio_platform_irq_mask_locked(struct vfio_platform_irq *irq,
					  bool in_handler)
{
	lockdep_assert_held(&irq->lock);

	if (irq->masked)
		return;
	irq->masked = true;
	if (irq->requested || in_handler)
		disable_irq_nosync(irq->hwirq);
}

static void vfio_platform_irq_mask(struct vfio_platform_irq *irq)
{
	unsigned long flags;

	spin_lock_irqsave(&irq->lock, flags);
	vfio_platform_irq_mask_locked(irq, false);
	spin_unlock_irqrestore(&irq->lock, flags);
}

static void vfio_platform_irq_unmask(struct vfio_platform_irq *irq)
{
	unsigned long flags;

	spin_lock_irqsave(&irq->lock, flags);
	if (irq->masked) {
		irq->masked = false;
		if (irq->requested)
			enable_irq(irq->hwirq);
	}
	spin_unlock_irqrestore(&irq->lock, flags);
}

/* virqfd callbacks: run in the eventfd's wakeup, atomic context */
static int vfio_platform_irq_unmask_virqfd(void *opaque, void *unused)
{
	vfio_platform_irq_unmask(opaque);
	return 0;
}

static int vfio_platform_irq_mask_virqfd(void *opaque, void *unused)
{
	vfio_platform_irq_mask(opaque);
	return 0;
}

/*
 * What happens when the line fires, from the hardware or from a
 * VFIO_IRQ_SET_ACTION_TRIGGER loopback: a level line is masked first,
 * and one that is already masked stays silent (it fired already and
 * userspace has not answered yet).
 */
static irqreturn_t vfio_platform_irq_fire(struct vfio_platform_irq *irq,
					  bool in_handler)
{
	unsigned long flags;

	spin_lock_irqsave(&irq->lock, flags);
	if (irq->level) {
		if (irq->masked) {
			spin_unlock_irqrestore(&irq->lock, flags);
			return IRQ_NONE;
		}
		vfio_platform_irq_mask_locked(irq, in_handler);
	}
	if (irq->trigger)
		eventfd_signal(irq->trigger);
	spin_unlock_irqrestore(&irq->lock, flags);
	return IRQ_HANDLED;
}

static irqreturn_t vfio_platform_irq_handler(int hwirq, void *data)
{
	return vfio_platform_irq_fire(data, true);
}

static void vfio_platform_irq_trigger_remove(struct vfio_platform_irq *irq)
{
	struct eventfd_ctx *trigger;
	unsigned long flags;

	if (!irq->trigger)
		return;

	spin_lock_irqsave(&irq->lock, flags);
	irq->requested = false;
	spin_unlock_irqrestore(&irq->lock, flags);

	/* Waits for a running handler, which may still signal @trigger. */
	free_irq(irq->hwirq, irq);
	irq_clear_status_flags(irq->hwirq, IRQ_NOAUTOEN);

	spin_lock_irqsave(&irq->lock, flags);
	trigger = irq->trigger;
	irq->trigger = NULL;
	spin_unlock_irqrestore(&irq->lock, flags);
	eventfd_ctx_put(trigger);
}

static int vfio_platform_irq_trigger_install(struct vfio_platform_irq *irq,
					     int fd)
{
	struct eventfd_ctx *trigger;
	unsigned long flags;
	int ret;

	trigger = eventfd_ctx_fdget(fd);
	if (IS_ERR(trigger))
		return PTR_ERR(trigger);

	vfio_platform_irq_trigger_remove(irq);

	/*
	 * Requested disabled: the line is enabled below only if userspace
	 * has not masked it, and only once @trigger is there to signal.
	 */
	irq_set_status_flags(irq->hwirq, IRQ_NOAUTOEN);
	ret = request_irq(irq->hwirq, vfio_platform_irq_handler, 0, irq->name,
			  irq);
	if (ret) {
		irq_clear_status_flags(irq->hwirq, IRQ_NOAUTOEN);
		eventfd_ctx_put(trigger);
		return ret;
	}

	spin_lock_irqsave(&irq->lock, flags);
	irq->trigger = trigger;
	irq->requested = true;
	if (!irq->masked)
		enable_irq(irq->hwirq);
	spin_unlock_irqrestore(&irq->lock, flags);
	return 0;
}

static int vfio_platform_irq_set_trigger(struct vfio_platform_irq *irq,
					 u32 flags, u32 count, void *data)
{
	int fd;

	switch (flags & VFIO_IRQ_SET_DATA_TYPE_MASK) {
	case VFIO_IRQ_SET_DATA_NONE:
		if (!count) {
			vfio_platform_irq_trigger_remove(irq);
			return 0;
		}
		vfio_platform_irq_fire(irq, false);
		return 0;
	case VFIO_IRQ_SET_DATA_BOOL:
		if (*(u8 *)data)
			vfio_platform_irq_fire(irq, false);
		return 0;
	default:
		fd = *(s32 *)data;
		if (fd == -1) {
			vfio_platform_irq_trigger_remove(irq);
			return 0;
		}
		if (fd < 0)
			return -EINVAL;
		return vfio_platform_irq_trigger_install(irq, fd);
	}
}

/*
 * ACTION_MASK and ACTION_UNMASK share their shape: do it now (DATA_NONE,
 * DATA_BOOL) or whenever an eventfd is signalled (DATA_EVENTFD, -1 to
 * stop).
 */
static int vfio_platform_irq_set_mask(struct vfio_platform_irq *irq,
				      u32 flags, void *data, bool unmask)
{
	int (*handler)(void *opaque, void *unused);
	struct virqfd **virqfd;
	int fd;

	if (!(irq->flags & VFIO_IRQ_INFO_MASKABLE))
		return -EINVAL;

	switch (flags & VFIO_IRQ_SET_DATA_TYPE_MASK) {
	case VFIO_IRQ_SET_DATA_BOOL:
		if (!*(u8 *)data)
			return 0;
		fallthrough;
	case VFIO_IRQ_SET_DATA_NONE:
		if (unmask)
			vfio_platform_irq_unmask(irq);
		else
			vfio_platform_irq_mask(irq);
		return 0;
	default:
		virqfd = unmask ? &irq->unmask : &irq->mask;
		handler = unmask ? vfio_platform_irq_unmask_virqfd :
				   vfio_platform_irq_mask_virqfd;
		fd = *(s32 *)data;
		if (fd == -1) {
			vfio_virqfd_disable(virqfd);
			return 0;
		}
		if (fd < 0)
			return -EINVAL;
		return vfio_virqfd_enable(irq, handler, NULL, NULL, virqfd, fd);
	}
}

/**
 * vfio_platform_set_irqs - carry out a validated VFIO_DEVICE_SET_IRQS
 * @vdev: the device
 * @flags: one data type and one action
 * @index: the interrupt index, below @vdev->num_irqs
 * @start: 0: every index has one vector
 * @count: 0 (only to tear a trigger down) or 1
 * @data: @count elements of the data type, or NULL
 *
 * Context: @vdev->igate held.
 * Return: 0 or a negative errno.
 */
int vfio_platform_set_irqs(struct vfio_platform_device *vdev, u32 flags,
			   u32 index, u32 start, u32 count, void *data)
{
	struct vfio_platform_irq *irq = &vdev->irqs[index];
	u32 type = flags & VFIO_IRQ_SET_DATA_TYPE_MASK;

	lockdep_assert_held(&vdev->igate);

	/* Only a trigger teardown may name no vector at all. */
	if (!count && (type != VFIO_IRQ_SET_DATA_NONE ||
		       !(flags & VFIO_IRQ_SET_ACTION_TRIGGER)))
		return -EINVAL;

	switch (flags & VFIO_IRQ_SET_ACTION_TYPE_MASK) {
	case VFIO_IRQ_SET_ACTION_TRIGGER:
		return vfio_platform_irq_set_trigger(irq, flags, count, data);
	case VFIO_IRQ_SET_ACTION_MASK:
		return vfio_platform_irq_set_mask(irq, flags, data, false);
	case VFIO_IRQ_SET_ACTION_UNMASK:
		return vfio_platform_irq_set_mask(irq, flags, data, true);
	}
	return -EINVAL;
}

/**
 * vfio_platform_irq_disable_all - drop every eventfd userspace installed
 * @vdev: the device, being closed
 *
 * Lines are left unrequested and unmasked, as the next user expects to
 * find them.
 *
 * Context: @vdev->igate held.
 */
void vfio_platform_irq_disable_all(struct vfio_platform_device *vdev)
{
	u32 i;

	lockdep_assert_held(&vdev->igate);

	for (i = 0; i < vdev->num_irqs; i++) {
		struct vfio_platform_irq *irq = &vdev->irqs[i];

		vfio_virqfd_disable(&irq->unmask);
		vfio_virqfd_disable(&irq->mask);
		vfio_platform_irq_trigger_remove(irq);
		irq->masked = false;
	}
}

/**
 * vfio_platform_irq_init - collect the device's interrupts
 * @vdev: the device, whose front end's @get_irq says where they are
 *
 * Return: 0 or a negative errno (-EPROBE_DEFER among them).
 */
int vfio_platform_irq_init(struct vfio_platform_device *vdev)
{
	struct vfio_platform_irq *irqs;
	int hwirq, ret;
	u32 i, count = 0;

	while ((hwirq = vdev->get_irq(vdev, count)) > 0)
		count++;
	if (hwirq == -EPROBE_DEFER)
		return hwirq;
	if (!count)
		return 0;

	irqs = kcalloc(count, sizeof(*irqs), GFP_KERNEL);
	if (!irqs)
		return -ENOMEM;

	for (i = 0; i < count; i++) {
		struct vfio_platform_irq *irq = &irqs[i];

		irq->vdev = vdev;
		irq->hwirq = vdev->get_irq(vdev, i);
		irq->count = 1;
		spin_lock_init(&irq->lock);
		irq->flags = VFIO_IRQ_INFO_EVENTFD;
		if (irq_get_trigger_type(irq->hwirq) & IRQ_TYPE_LEVEL_MASK) {
			irq->level = true;
			irq->flags |= VFIO_IRQ_INFO_MASKABLE |
				      VFIO_IRQ_INFO_AUTOMASKED;
		}
		irq->name = kasprintf(GFP_KERNEL, "vfio-irq[%d](%s)",
				      irq->hwirq, vdev->name);
		if (!irq->name) {
			ret = -ENOMEM;
			goto err_names;
		}
	}
	vdev->irqs = irqs;
	vdev->num_irqs = count;
	return 0;

err_names:
	while (i--)
		kfree(irqs[i].name);
	kfree(irqs);
	return ret;
}

/**
 * vfio_platform_irq_cleanup - undo vfio_platform_irq_init()
 * @vdev: the device; no eventfd is installed any more
 */
void vfio_platform_irq_cleanup(struct vfio_platform_device *vdev)
{
	u32 i;

	for (i = 0; i < vdev->num_irqs; i++)
		kfree(vdev->irqs[i].name);
	kfree(vdev->irqs);
	vdev->irqs = NULL;
	vdev->num_irqs = 0;
}
