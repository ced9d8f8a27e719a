// SPDX-License-Identifier: GPL-2.0-only
/*
 * Interrupts of a vfio-pci device: VFIO_DEVICE_SET_IRQS and what it sets
 * up.
 *
 * At most one of INTx, MSI and MSI-X is enabled at a time (irq_type); each
 * vector in use has a context in vdev->ctx holding the user's eventfd.
 * INTx is level triggered, so its handler masks it (at the device with
 * DisINTx where the device supports PCI 2.3 masking, else at the
 * interrupt controller) and the user unmasks it once serviced, through
 * ACTION_UNMASK or an unmask eventfd.  MSI and MSI-X vectors just signal
 * their eventfd.  ERR and REQ are eventfds the driver signals itself.
 */
#include <linux/bitfield.h>
#include <linux/eventfd.h>
#include <linux/interrupt.h>
#include <linux/irqbypass.h>
#include <linux/log2.h>
#include <linux/msi.h>
#include <linux/pci.h>
#include <linux/slab.h>

#include "vfio_pci_priv.h"

/**
 * struct vfio_pci_irq_ctx - one vector in use
 * @vdev: the device
 * @trigger: the user's eventfd, signalled when the vector fires
 * @unmask: INTx only: eventfd that unmasks when signalled
 * @name: the name the vector is requested under (/proc/interrupts)
 * @masked: INTx only: masked by the handler or the user (under irqlock)
 * @producer: MSI and MSI-X: lets KVM post the interrupt straight to a
 *	      guest vCPU, bypassing the eventfd
 */
struct vfio_pci_irq_ctx {
	struct vfio_pci_core_device *vdev;
	struct eventfd_ctx *trigger;
	struct virqfd *unmask;
	char *name;
	bool masked;
	struct irq_bypass_producer producer;
};

static bool vfio_pci_irq_is(struct vfio_pci_core_device *vdev,
			    unsigned int index)
{
	return vdev->irq_type == index;
}

static bool vfio_pci_irq_none(struct vfio_pci_core_device *vdev)
{
	return vdev->irq_type == VFIO_PCI_NUM_IRQS;
}

static struct vfio_pci_irq_ctx *
vfio_pci_irq_ctx_alloc(struct vfio_pci_core_device *vdev, unsigned int vector)
{
	struct vfio_pci_irq_ctx *ctx;

	ctx = kzalloc(sizeof(*ctx), GFP_KERNEL_ACCOUNT);
	if (!ctx)
		return NULL;
	if (xa_insert(&vdev->ctx, vector, ctx, GFP_KERNEL_ACCOUNT)) {
		kfree(ctx);
		return NULL;
	}
	ctx->vdev = vdev;
	return ctx;
}

static void vfio_pci_irq_ctx_free(struct vfio_pci_core_device *vdev,
				  struct vfio_pci_irq_ctx *ctx,
				  unsigned int vector)
{
	xa_erase(&vdev->ctx, vector);
	kfree(ctx->name);
	kfree(ctx);
}

/**
 * vfio_pci_get_irq_count - vectors behind an interrupt index
 * @vdev: the device, open
 * @index: VFIO_PCI_*_IRQ_INDEX
 *
 * Return: the number of vectors; 0 if the device lacks the index.
 */
int vfio_pci_get_irq_count(struct vfio_pci_core_device *vdev,
			   unsigned int index)
{
	struct pci_dev *pdev = vdev->pdev;
	u16 flags;

	switch (index) {
	case VFIO_PCI_INTX_IRQ_INDEX:
		/* The virtual pin: zero when INTx is hidden. */
		return vdev->vconfig[PCI_INTERRUPT_PIN] ? 1 : 0;
	case VFIO_PCI_MSI_IRQ_INDEX:
		if (!pdev->msi_cap)
			return 0;
		pci_read_config_word(pdev, pdev->msi_cap + PCI_MSI_FLAGS,
				     &flags);
		return 1 << FIELD_GET(PCI_MSI_FLAGS_QMASK, flags);
	case VFIO_PCI_MSIX_IRQ_INDEX:
		if (!pdev->msix_cap)
			return 0;
		pci_read_config_word(pdev, pdev->msix_cap + PCI_MSIX_FLAGS,
				     &flags);
		return (flags & PCI_MSIX_FLAGS_QSIZE) + 1;
	case VFIO_PCI_ERR_IRQ_INDEX:
		/* AER exists on PCI Express only. */
		return pci_is_pcie(pdev) ? 1 : 0;
	case VFIO_PCI_REQ_IRQ_INDEX:
		return 1;
	}
	return 0;
}

/* INTx */

static void vfio_pci_intx_signal(void *opaque, void *data)
{
	struct vfio_pci_core_device *vdev = opaque;
	struct vfio_pci_irq_ctx *ctx = data;
	struct eventfd_ctx *trigger;

	/* The user disabled INTx in the command register: swallow it. */
	if (!vfio_pci_irq_is(vdev, VFIO_PCI_INTX_IRQ_INDEX) ||
	    vdev->virq_disabled)
		return;
	trigger = READ_ONCE(ctx->trigger);
	if (trigger)
		eventfd_signal(trigger);
}

/* Return: true if INTx went from unmasked to masked. */
static bool __vfio_pci_intx_mask(struct vfio_pci_core_device *vdev)
{
	struct pci_dev *pdev = vdev->pdev;
	struct vfio_pci_irq_ctx *ctx;
	bool changed = false;
	unsigned long flags;

	lockdep_assert_held(&vdev->igate);
	spin_lock_irqsave(&vdev->irqlock, flags);

	/*
	 * The virtual INTx disable bit can be set while INTx is not in use;
	 * then the device's DisINTx just follows it.
	 */
	if (!vfio_pci_irq_is(vdev, VFIO_PCI_INTX_IRQ_INDEX)) {
		if (vdev->pci_2_3)
			pci_intx(pdev, 0);
		goto out_unlock;
	}

	ctx = xa_load(&vdev->ctx, 0);
	if (WARN_ON_ONCE(!ctx))
		goto out_unlock;
	if (!ctx->masked) {
		/* Mask unconditionally, pending or not. */
		if (vdev->pci_2_3)
			pci_intx(pdev, 0);
		else
			disable_irq_nosync(pdev->irq);
		ctx->masked = true;
		changed = true;
	}

out_unlock:
	spin_unlock_irqrestore(&vdev->irqlock, flags);
	return changed;
}

/**
 * vfio_pci_intx_mask - mask INTx on behalf of the user
 * @vdev: the device
 *
 * Return: true if INTx was unmasked before, so the caller knows whether
 * to unmask it again later.
 */
bool vfio_pci_intx_mask(struct vfio_pci_core_device *vdev)
{
	bool changed;

	mutex_lock(&vdev->igate);
	changed = __vfio_pci_intx_mask(vdev);
	mutex_unlock(&vdev->igate);
	return changed;
}

/*
 * Unmask INTx.  Runs from the unmask eventfd's wakeup, where signalling
 * the trigger eventfd could deadlock on the eventfd's wait queue: it
 * returns 1 when the user must be signalled and leaves that to the caller.
 */
static int vfio_pci_intx_unmask_handler(void *opaque, void *data)
{
	struct vfio_pci_core_device *vdev = opaque;
	struct vfio_pci_irq_ctx *ctx = data;
	struct pci_dev *pdev = vdev->pdev;
	unsigned long flags;
	int resend = 0;

	spin_lock_irqsave(&vdev->irqlock, flags);

	if (!vfio_pci_irq_is(vdev, VFIO_PCI_INTX_IRQ_INDEX)) {
		if (vdev->pci_2_3)
			pci_intx(pdev, 1);
		goto out_unlock;
	}

	if (ctx->masked && !vdev->virq_disabled) {
		/*
		 * Still asserted: rather than unmask and take the interrupt
		 * again at once, stay masked and tell the user directly.
		 */
		if (vdev->pci_2_3) {
			if (!pci_check_and_unmask_intx(pdev))
				resend = 1;
		} else {
			enable_irq(pdev->irq);
		}
		ctx->masked = resend;
	}

out_unlock:
	spin_unlock_irqrestore(&vdev->irqlock, flags);
	return resend;
}

static void __vfio_pci_intx_unmask(struct vfio_pci_core_device *vdev)
{
	struct vfio_pci_irq_ctx *ctx = xa_load(&vdev->ctx, 0);

	lockdep_assert_held(&vdev->igate);
	if (vfio_pci_intx_unmask_handler(vdev, ctx) > 0)
		vfio_pci_intx_signal(vdev, ctx);
}

/**
 * vfio_pci_intx_unmask - unmask INTx on behalf of the user
 * @vdev: the device
 */
void vfio_pci_intx_unmask(struct vfio_pci_core_device *vdev)
{
	mutex_lock(&vdev->igate);
	__vfio_pci_intx_unmask(vdev);
	mutex_unlock(&vdev->igate);
}

static irqreturn_t vfio_pci_intx_handler(int irq, void *dev_id)
{
	struct vfio_pci_irq_ctx *ctx = dev_id;
	struct vfio_pci_core_device *vdev = ctx->vdev;
	irqreturn_t ret = IRQ_NONE;
	unsigned long flags;

	spin_lock_irqsave(&vdev->irqlock, flags);
	if (!vdev->pci_2_3) {
		/* Exclusive line: it can only be ours. */
		disable_irq_nosync(vdev->pdev->irq);
		ctx->masked = true;
		ret = IRQ_HANDLED;
	} else if (!ctx->masked && pci_check_and_mask_intx(vdev->pdev)) {
		/* Shared line: ours only if the device says it asserts it. */
		ctx->masked = true;
		ret = IRQ_HANDLED;
	}
	spin_unlock_irqrestore(&vdev->irqlock, flags);

	if (ret == IRQ_HANDLED)
		vfio_pci_intx_signal(vdev, ctx);
	return ret;
}

static int vfio_pci_intx_enable(struct vfio_pci_core_device *vdev,
				struct eventfd_ctx *trigger)
{
	struct pci_dev *pdev = vdev->pdev;
	struct vfio_pci_irq_ctx *ctx;
	unsigned long irqflags;
	int ret;

	if (!pdev->irq || pdev->irq == IRQ_NOTCONNECTED)
		return -ENODEV;

	ctx = vfio_pci_irq_ctx_alloc(vdev, 0);
	if (!ctx)
		return -ENOMEM;
	ctx->name = kasprintf(GFP_KERNEL_ACCOUNT, "vfio-intx(%s)",
			      pci_name(pdev));
	if (!ctx->name) {
		vfio_pci_irq_ctx_free(vdev, ctx, 0);
		return -ENOMEM;
	}
	ctx->trigger = trigger;

	/*
	 * Start masked if the user already set INTx disable.  igate keeps
	 * the state stable until the handler is installed.  Without DisINTx
	 * the line is ours alone and masked at the interrupt controller,
	 * so it must not be enabled lazily on request.
	 */
	ctx->masked = vdev->virq_disabled;
	if (vdev->pci_2_3) {
		pci_intx(pdev, !ctx->masked);
		irqflags = IRQF_SHARED;
	} else {
		irqflags = ctx->masked ? IRQF_NO_AUTOEN : 0;
		irq_set_status_flags(pdev->irq, IRQ_DISABLE_UNLAZY);
	}

	/* The handler tests irq_type: set it first. */
	vdev->irq_type = VFIO_PCI_INTX_IRQ_INDEX;
	ret = request_irq(pdev->irq, vfio_pci_intx_handler, irqflags,
			  ctx->name, ctx);
	if (ret) {
		if (!vdev->pci_2_3)
			irq_clear_status_flags(pdev->irq, IRQ_DISABLE_UNLAZY);
		vdev->irq_type = VFIO_PCI_NUM_IRQS;
		ctx->trigger = NULL;
		vfio_pci_irq_ctx_free(vdev, ctx, 0);
		return ret;
	}
	return 0;
}

/* Change the eventfd of enabled INTx; NULL stops signalling. */
static void vfio_pci_intx_set_signal(struct vfio_pci_core_device *vdev,
				     struct eventfd_ctx *trigger)
{
	struct vfio_pci_irq_ctx *ctx = xa_load(&vdev->ctx, 0);
	struct eventfd_ctx *old = ctx->trigger;

	WRITE_ONCE(ctx->trigger, trigger);
	if (old) {
		/* Wait out the handler and unmask thread still using it. */
		synchronize_irq(vdev->pdev->irq);
		vfio_virqfd_flush_thread(&ctx->unmask);
		eventfd_ctx_put(old);
	}
}

static void vfio_pci_intx_disable(struct vfio_pci_core_device *vdev)
{
	struct pci_dev *pdev = vdev->pdev;
	struct vfio_pci_irq_ctx *ctx = xa_load(&vdev->ctx, 0);

	if (!WARN_ON_ONCE(!ctx)) {
		vfio_virqfd_disable(&ctx->unmask);
		free_irq(pdev->irq, ctx);
		if (!vdev->pci_2_3)
			irq_clear_status_flags(pdev->irq, IRQ_DISABLE_UNLAZY);
		if (ctx->trigger)
			eventfd_ctx_put(ctx->trigger);
		vfio_pci_irq_ctx_free(vdev, ctx, 0);
	}
	vdev->irq_type = VFIO_PCI_NUM_IRQS;
}

/* MSI and MSI-X */

static irqreturn_t vfio_pci_msi_handler(int irq, void *arg)
{
	eventfd_signal(arg);
	return IRQ_HANDLED;
}

/*
 * Allocate @nvec vectors.
 * Return: 0, the smaller number of vectors the device could get (so the
 * user can retry with that), or a negative errno.
 */
static int vfio_pci_msi_enable(struct vfio_pci_core_device *vdev, int nvec,
			       bool msix)
{
	struct pci_dev *pdev = vdev->pdev;
	u16 cmd;
	int ret;

	/* Programming the MSI-X table needs memory decode. */
	cmd = vfio_pci_memory_lock_and_enable(vdev);
	ret = pci_alloc_irq_vectors(pdev, 1, nvec,
				    msix ? PCI_IRQ_MSIX : PCI_IRQ_MSI);
	if (ret > 0 && ret < nvec)
		pci_free_irq_vectors(pdev);
	vfio_pci_memory_unlock_and_restore(vdev, cmd);
	if (ret < nvec)
		return ret;

	vdev->irq_type = msix ? VFIO_PCI_MSIX_IRQ_INDEX :
				VFIO_PCI_MSI_IRQ_INDEX;
	if (!msix)
		/* log2 of the vectors, rounded up: Multiple Message Enable */
		vdev->msi_qmax = fls(nvec * 2 - 1) - 1;
	return 0;
}

/*
 * The Linux IRQ of @vector, allocating it if MSI-X can grow while in use.
 * Allocated vectors stay until the whole index is disabled, so a vector
 * the user reconnects finds its IRQ again.
 */
static int vfio_pci_msi_alloc_irq(struct vfio_pci_core_device *vdev,
				  unsigned int vector, bool msix)
{
	struct pci_dev *pdev = vdev->pdev;
	struct msi_map map;
	int irq;
	u16 cmd;

	irq = pci_irq_vector(pdev, vector);
	if (WARN_ON_ONCE(!irq))
		return -EINVAL;
	if (irq > 0 || !msix || !vdev->has_dyn_msix)
		return irq;

	cmd = vfio_pci_memory_lock_and_enable(vdev);
	map = pci_msix_alloc_irq_at(pdev, vector, NULL);
	vfio_pci_memory_unlock_and_restore(vdev, cmd);
	return map.index < 0 ? map.index : map.virq;
}

/* Connect @vector to eventfd @fd, or disconnect it if @fd < 0. */
static int vfio_pci_msi_set_vector_signal(struct vfio_pci_core_device *vdev,
					  unsigned int vector, int fd,
					  bool msix)
{
	struct pci_dev *pdev = vdev->pdev;
	struct vfio_pci_irq_ctx *ctx;
	struct eventfd_ctx *trigger;
	int irq = -EINVAL, ret;
	struct msi_msg msg;
	u16 cmd;

	ctx = xa_load(&vdev->ctx, vector);
	if (ctx) {
		irq_bypass_unregister_producer(&ctx->producer);
		irq = pci_irq_vector(pdev, vector);
		cmd = vfio_pci_memory_lock_and_enable(vdev);
		free_irq(irq, ctx->trigger);
		vfio_pci_memory_unlock_and_restore(vdev, cmd);
		eventfd_ctx_put(ctx->trigger);
		vfio_pci_irq_ctx_free(vdev, ctx, vector);
	}

	if (fd < 0)
		return 0;

	if (irq == -EINVAL) {
		irq = vfio_pci_msi_alloc_irq(vdev, vector, msix);
		if (irq < 0)
			return irq;
	}

	ctx = vfio_pci_irq_ctx_alloc(vdev, vector);
	if (!ctx)
		return -ENOMEM;
	ctx->name = kasprintf(GFP_KERNEL_ACCOUNT, "vfio-msi%s[%d](%s)",
			      msix ? "x" : "", vector, pci_name(pdev));
	if (!ctx->name) {
		ret = -ENOMEM;
		goto err_free_ctx;
	}

	trigger = eventfd_ctx_fdget(fd);
	if (IS_ERR(trigger)) {
		ret = PTR_ERR(trigger);
		goto err_free_ctx;
	}

	cmd = vfio_pci_memory_lock_and_enable(vdev);
	/*
	 * The table entry of a vector allocated before may have been lost
	 * in a reset the device did on its own: write the message again.
	 */
	if (msix) {
		get_cached_msi_msg(irq, &msg);
		pci_write_msi_msg(irq, &msg);
	}
	ret = request_irq(irq, vfio_pci_msi_handler, 0, ctx->name, trigger);
	vfio_pci_memory_unlock_and_restore(vdev, cmd);
	if (ret)
		goto err_put_trigger;

	ctx->producer.token = trigger;
	ctx->producer.irq = irq;
	ret = irq_bypass_register_producer(&ctx->producer);
	if (unlikely(ret)) {
		/* Only a missed shortcut: the eventfd path still works. */
		pci_info(pdev, "vector %u: no IRQ bypass (%d)\n", vector, ret);
		ctx->producer.token = NULL;
	}
	ctx->trigger = trigger;
	return 0;

err_put_trigger:
	eventfd_ctx_put(trigger);
err_free_ctx:
	vfio_pci_irq_ctx_free(vdev, ctx, vector);
	return ret;
}

/* Set vectors @start..@start+@count-1; all of them or, on failure, none. */
static int vfio_pci_msi_set_block(struct vfio_pci_core_device *vdev,
				  unsigned int start, unsigned int count,
				  s32 *fds, bool msix)
{
	unsigned int i;
	int ret = 0;

	for (i = 0; i < count && !ret; i++)
		ret = vfio_pci_msi_set_vector_signal(vdev, start + i,
						     fds ? fds[i] : -1, msix);
	if (ret)
		while (i--)
			vfio_pci_msi_set_vector_signal(vdev, start + i, -1, msix);
	return ret;
}

static void vfio_pci_msi_disable(struct vfio_pci_core_device *vdev, bool msix)
{
	struct pci_dev *pdev = vdev->pdev;
	struct vfio_pci_irq_ctx *ctx;
	unsigned long i;
	u16 cmd;

	xa_for_each(&vdev->ctx, i, ctx)
		vfio_pci_msi_set_vector_signal(vdev, i, -1, msix);

	cmd = vfio_pci_memory_lock_and_enable(vdev);
	pci_free_irq_vectors(pdev);
	vfio_pci_memory_unlock_and_restore(vdev, cmd);

	/* Disabling MSI cleared DisINTx, which a hidden INTx needs set. */
	if (vdev->nointx)
		pci_intx(pdev, 0);

	vdev->irq_type = VFIO_PCI_NUM_IRQS;
}

/* VFIO_DEVICE_SET_IRQS actions, one handler per index and action */

static bool vfio_pci_irq_data_true(u32 flags, void *data, unsigned int i)
{
	if (flags & VFIO_IRQ_SET_DATA_NONE)
		return true;
	if (flags & VFIO_IRQ_SET_DATA_BOOL)
		return ((u8 *)data)[i];
	return false;
}

static int vfio_pci_set_intx_mask(struct vfio_pci_core_device *vdev,
				  unsigned int index, unsigned int start,
				  unsigned int count, u32 flags, void *data)
{
	if (!vfio_pci_irq_is(vdev, VFIO_PCI_INTX_IRQ_INDEX) || start ||
	    count != 1)
		return -EINVAL;

	/* A mask eventfd was never implemented by Linux either. */
	if (flags & VFIO_IRQ_SET_DATA_EVENTFD)
		return -ENOTTY;
	if (vfio_pci_irq_data_true(flags, data, 0))
		__vfio_pci_intx_mask(vdev);
	return 0;
}

static int vfio_pci_set_intx_unmask(struct vfio_pci_core_device *vdev,
				    unsigned int index, unsigned int start,
				    unsigned int count, u32 flags, void *data)
{
	struct vfio_pci_irq_ctx *ctx;
	s32 fd;

	if (!vfio_pci_irq_is(vdev, VFIO_PCI_INTX_IRQ_INDEX) || start ||
	    count != 1)
		return -EINVAL;

	if (!(flags & VFIO_IRQ_SET_DATA_EVENTFD)) {
		if (vfio_pci_irq_data_true(flags, data, 0))
			__vfio_pci_intx_unmask(vdev);
		return 0;
	}

	ctx = xa_load(&vdev->ctx, 0);
	if (WARN_ON_ONCE(!ctx))
		return -EINVAL;
	fd = *(s32 *)data;
	if (fd < 0) {
		vfio_virqfd_disable(&ctx->unmask);
		return 0;
	}
	return vfio_virqfd_enable(vdev, vfio_pci_intx_unmask_handler,
				  vfio_pci_intx_signal, ctx, &ctx->unmask, fd);
}

static int vfio_pci_set_intx_trigger(struct vfio_pci_core_device *vdev,
				     unsigned int index, unsigned int start,
				     unsigned int count, u32 flags, void *data)
{
	bool enabled = vfio_pci_irq_is(vdev, VFIO_PCI_INTX_IRQ_INDEX);
	struct eventfd_ctx *trigger = NULL;
	s32 fd;
	int ret;

	if (enabled && !count && (flags & VFIO_IRQ_SET_DATA_NONE)) {
		vfio_pci_intx_disable(vdev);
		return 0;
	}

	if (!(enabled || vfio_pci_irq_none(vdev)) || start || count != 1)
		return -EINVAL;

	if (flags & VFIO_IRQ_SET_DATA_EVENTFD) {
		fd = *(s32 *)data;
		if (fd >= 0) {
			trigger = eventfd_ctx_fdget(fd);
			if (IS_ERR(trigger))
				return PTR_ERR(trigger);
		}
		if (enabled) {
			vfio_pci_intx_set_signal(vdev, trigger);
			return 0;
		}
		ret = vfio_pci_intx_enable(vdev, trigger);
		if (ret && trigger)
			eventfd_ctx_put(trigger);
		return ret;
	}

	/* Loopback: fire as if the device had. */
	if (!enabled)
		return -EINVAL;
	if (vfio_pci_irq_data_true(flags, data, 0))
		vfio_pci_intx_signal(vdev, xa_load(&vdev->ctx, 0));
	return 0;
}

static int vfio_pci_set_msi_trigger(struct vfio_pci_core_device *vdev,
				    unsigned int index, unsigned int start,
				    unsigned int count, u32 flags, void *data)
{
	bool msix = index == VFIO_PCI_MSIX_IRQ_INDEX;
	bool enabled = vfio_pci_irq_is(vdev, index);
	struct vfio_pci_irq_ctx *ctx;
	unsigned int i;
	int ret;

	if (enabled && !count && (flags & VFIO_IRQ_SET_DATA_NONE)) {
		vfio_pci_msi_disable(vdev, msix);
		return 0;
	}

	if (!(enabled || vfio_pci_irq_none(vdev)))
		return -EINVAL;

	if (flags & VFIO_IRQ_SET_DATA_EVENTFD) {
		if (enabled)
			return vfio_pci_msi_set_block(vdev, start, count, data,
						      msix);

		ret = vfio_pci_msi_enable(vdev, start + count, msix);
		if (ret)
			return ret;
		ret = vfio_pci_msi_set_block(vdev, start, count, data, msix);
		if (ret)
			vfio_pci_msi_disable(vdev, msix);
		return ret;
	}

	/* Loopback: fire the connected vectors as if the device had. */
	if (!enabled)
		return -EINVAL;
	for (i = 0; i < count; i++) {
		ctx = xa_load(&vdev->ctx, start + i);
		if (ctx && vfio_pci_irq_data_true(flags, data, i))
			eventfd_signal(ctx->trigger);
	}
	return 0;
}

/* ERR and REQ: a single eventfd each, signalled by the driver. */
static int vfio_pci_set_single_trigger(struct vfio_pci_core_device *vdev,
				       struct vfio_pci_eventfd __rcu **slot,
				       unsigned int start, unsigned int count,
				       u32 flags, void *data)
{
	struct vfio_pci_eventfd *eventfd;
	struct eventfd_ctx *ctx;
	s32 fd;
	int ret;

	if (start || count > 1)
		return -EINVAL;

	eventfd = rcu_dereference_protected(*slot,
					    lockdep_is_held(&vdev->igate));

	if (flags & VFIO_IRQ_SET_DATA_NONE) {
		/* Count 0 disconnects; count 1 is a loopback test. */
		if (!eventfd)
			return -EINVAL;
		if (!count)
			return vfio_pci_eventfd_replace_locked(vdev, slot, NULL);
		eventfd_signal(eventfd->ctx);
		return 0;
	}

	if (!count)
		return -EINVAL;

	if (flags & VFIO_IRQ_SET_DATA_BOOL) {
		if (*(u8 *)data && eventfd)
			eventfd_signal(eventfd->ctx);
		return 0;
	}

	fd = *(s32 *)data;
	if (fd == -1)
		return vfio_pci_eventfd_replace_locked(vdev, slot, NULL);
	if (fd < 0)
		return -EINVAL;

	ctx = eventfd_ctx_fdget(fd);
	if (IS_ERR(ctx))
		return PTR_ERR(ctx);
	ret = vfio_pci_eventfd_replace_locked(vdev, slot, ctx);
	if (ret)
		eventfd_ctx_put(ctx);
	return ret;
}

static int vfio_pci_set_err_trigger(struct vfio_pci_core_device *vdev,
				    unsigned int index, unsigned int start,
				    unsigned int count, u32 flags, void *data)
{
	return vfio_pci_set_single_trigger(vdev, &vdev->err_trigger, start,
					   count, flags, data);
}

static int vfio_pci_set_req_trigger(struct vfio_pci_core_device *vdev,
				    unsigned int index, unsigned int start,
				    unsigned int count, u32 flags, void *data)
{
	return vfio_pci_set_single_trigger(vdev, &vdev->req_trigger, start,
					   count, flags, data);
}

typedef int (*vfio_pci_irq_action_t)(struct vfio_pci_core_device *vdev,
				     unsigned int index, unsigned int start,
				     unsigned int count, u32 flags,
				     void *data);

/* Column of an action in vfio_pci_irq_actions[] */
#define VFIO_PCI_ACTION(flag)	(ilog2(flag) - ilog2(VFIO_IRQ_SET_ACTION_MASK))

/* What each index supports; a hole is -ENOTTY. */
static const vfio_pci_irq_action_t
vfio_pci_irq_actions[VFIO_PCI_NUM_IRQS][3] = {
	[VFIO_PCI_INTX_IRQ_INDEX] = {
		[VFIO_PCI_ACTION(VFIO_IRQ_SET_ACTION_MASK)] =
			vfio_pci_set_intx_mask,
		[VFIO_PCI_ACTION(VFIO_IRQ_SET_ACTION_UNMASK)] =
			vfio_pci_set_intx_unmask,
		[VFIO_PCI_ACTION(VFIO_IRQ_SET_ACTION_TRIGGER)] =
			vfio_pci_set_intx_trigger,
	},
	/* MSI masking would need an interface the IRQ core does not offer. */
	[VFIO_PCI_MSI_IRQ_INDEX] = {
		[VFIO_PCI_ACTION(VFIO_IRQ_SET_ACTION_TRIGGER)] =
			vfio_pci_set_msi_trigger,
	},
	[VFIO_PCI_MSIX_IRQ_INDEX] = {
		[VFIO_PCI_ACTION(VFIO_IRQ_SET_ACTION_TRIGGER)] =
			vfio_pci_set_msi_trigger,
	},
	[VFIO_PCI_ERR_IRQ_INDEX] = {
		[VFIO_PCI_ACTION(VFIO_IRQ_SET_ACTION_TRIGGER)] =
			vfio_pci_set_err_trigger,
	},
	[VFIO_PCI_REQ_IRQ_INDEX] = {
		[VFIO_PCI_ACTION(VFIO_IRQ_SET_ACTION_TRIGGER)] =
			vfio_pci_set_req_trigger,
	},
};

/**
 * vfio_pci_set_irqs_ioctl - carry out a validated VFIO_DEVICE_SET_IRQS
 * @vdev: the device; igate held
 * @flags: one data type and one action
 * @index: interrupt index
 * @start: first vector
 * @count: number of vectors; 0 with DATA_NONE and ACTION_TRIGGER disables
 *	   the index
 * @data: @count elements of the data type, or NULL for DATA_NONE
 *
 * The header was checked by vfio_set_irqs_validate_and_prepare() against
 * vfio_pci_get_irq_count().
 *
 * Return: 0, a positive vector count the device could not exceed (MSI and
 * MSI-X enable), -ENOTTY for an action the index does not support, or
 * another negative errno.
 */
int vfio_pci_set_irqs_ioctl(struct vfio_pci_core_device *vdev, u32 flags,
			    unsigned int index, unsigned int start,
			    unsigned int count, void *data)
{
	u32 action = flags & VFIO_IRQ_SET_ACTION_TYPE_MASK;
	vfio_pci_irq_action_t fn;

	lockdep_assert_held(&vdev->igate);

	if (index >= VFIO_PCI_NUM_IRQS || hweight32(action) != 1)
		return -ENOTTY;
	fn = vfio_pci_irq_actions[index][VFIO_PCI_ACTION(action)];
	if (!fn)
		return -ENOTTY;
	return fn(vdev, index, start, count, flags, data);
}
