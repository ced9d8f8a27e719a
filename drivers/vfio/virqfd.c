// SPDX-License-Identifier: GPL-2.0-only
/*
 * virqfd: let a user eventfd run a bus driver's callback.  vfio-pci uses it
 * so that a hypervisor can unmask INTx by signalling an eventfd instead of
 * making an ioctl.
 *
 * The eventfd's wakeup runs in atomic context with the eventfd's wait-queue
 * lock held, so teardown is always deferred to a workqueue: the wakeup can
 * neither sleep nor remove itself from the queue it is called from.
 */
#include <linux/eventfd.h>
#include <linux/file.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/vfio.h>

#include "vfio.h"

static struct workqueue_struct *vfio_virqfd_cleanup_wq;

/* Protects every driver's struct virqfd ** slot against concurrent swaps. */
static DEFINE_SPINLOCK(vfio_virqfd_lock);

/* Called with vfio_virqfd_lock held, once the slot no longer points here. */
static void vfio_virqfd_deactivate(struct virqfd *virqfd)
{
	queue_work(vfio_virqfd_cleanup_wq, &virqfd->shutdown);
}

static void vfio_virqfd_run(struct virqfd *virqfd)
{
	bool wants_thread = !virqfd->handler ||
			    virqfd->handler(virqfd->opaque, virqfd->data);

	if (wants_thread && virqfd->thread)
		schedule_work(&virqfd->inject);
}

static int vfio_virqfd_wakeup(wait_queue_entry_t *wait, unsigned int mode,
			      int sync, void *key)
{
	struct virqfd *virqfd = container_of(wait, struct virqfd, wait);
	__poll_t events = key_to_poll(key);

	if (events & EPOLLIN) {
		u64 count;

		/* Consume the signal so the next one wakes us again. */
		eventfd_ctx_do_read(virqfd->eventfd, &count);
		vfio_virqfd_run(virqfd);
	}

	if (events & EPOLLHUP) {
		unsigned long flags;

		/* The user closed the eventfd: the virqfd dies with it. */
		spin_lock_irqsave(&vfio_virqfd_lock, flags);
		if (*virqfd->pvirqfd == virqfd) {
			*virqfd->pvirqfd = NULL;
			vfio_virqfd_deactivate(virqfd);
		}
		spin_unlock_irqrestore(&vfio_virqfd_lock, flags);
	}
	return 0;
}

static void vfio_virqfd_queue_proc(struct file *file, wait_queue_head_t *wqh,
				   poll_table *pt)
{
	struct virqfd *virqfd = container_of(pt, struct virqfd, pt);

	add_wait_queue(wqh, &virqfd->wait);
}

static void vfio_virqfd_shutdown(struct work_struct *work)
{
	struct virqfd *virqfd = container_of(work, struct virqfd, shutdown);
	u64 count;

	eventfd_ctx_remove_wait_queue(virqfd->eventfd, &virqfd->wait, &count);
	flush_work(&virqfd->inject);
	eventfd_ctx_put(virqfd->eventfd);
	kfree(virqfd);
}

static void vfio_virqfd_inject(struct work_struct *work)
{
	struct virqfd *virqfd = container_of(work, struct virqfd, inject);

	virqfd->thread(virqfd->opaque, virqfd->data);
}

static void vfio_virqfd_flush_inject(struct work_struct *work)
{
	struct virqfd *virqfd = container_of(work, struct virqfd,
					     flush_inject);

	flush_work(&virqfd->inject);
}

/**
 * vfio_virqfd_enable - run callbacks whenever an eventfd is signalled
 * @opaque: first argument of both callbacks
 * @handler: optional; runs in atomic context on each signal, returns
 *	     nonzero to have @thread run
 * @thread: optional; runs in process context after @handler asked for it
 * @data: second argument of both callbacks
 * @pvirqfd: the driver's slot for the virqfd; must be empty
 * @fd: the eventfd
 *
 * A signal already pending when this is called is handled at once.
 *
 * Return: 0, -EBADF or -EINVAL for a bad @fd, -EBUSY if @pvirqfd is in use,
 * -ENOMEM.
 */
int vfio_virqfd_enable(void *opaque, int (*handler)(void *, void *),
		       void (*thread)(void *, void *), void *data,
		       struct virqfd **pvirqfd, int fd)
{
	struct eventfd_ctx *ctx;
	struct virqfd *virqfd;
	__poll_t events;
	int ret;

	virqfd = kzalloc(sizeof(*virqfd), GFP_KERNEL_ACCOUNT);
	if (!virqfd)
		return -ENOMEM;

	virqfd->pvirqfd = pvirqfd;
	virqfd->opaque = opaque;
	virqfd->handler = handler;
	virqfd->thread = thread;
	virqfd->data = data;
	INIT_WORK(&virqfd->shutdown, vfio_virqfd_shutdown);
	INIT_WORK(&virqfd->inject, vfio_virqfd_inject);
	INIT_WORK(&virqfd->flush_inject, vfio_virqfd_flush_inject);

	CLASS(fd, f)(fd);
	if (fd_empty(f)) {
		ret = -EBADF;
		goto err_free;
	}

	ctx = eventfd_ctx_fileget(fd_file(f));
	if (IS_ERR(ctx)) {
		ret = PTR_ERR(ctx);
		goto err_free;
	}
	virqfd->eventfd = ctx;

	/*
	 * Publish before polling: once on the wait queue the wakeup may run
	 * and expects to find itself in the slot.
	 */
	spin_lock_irq(&vfio_virqfd_lock);
	if (*pvirqfd) {
		spin_unlock_irq(&vfio_virqfd_lock);
		ret = -EBUSY;
		goto err_put_ctx;
	}
	*pvirqfd = virqfd;
	spin_unlock_irq(&vfio_virqfd_lock);

	init_waitqueue_func_entry(&virqfd->wait, vfio_virqfd_wakeup);
	init_poll_funcptr(&virqfd->pt, vfio_virqfd_queue_proc);

	events = vfs_poll(fd_file(f), &virqfd->pt);
	if (events & EPOLLIN)
		vfio_virqfd_run(virqfd);
	return 0;

err_put_ctx:
	eventfd_ctx_put(ctx);
err_free:
	kfree(virqfd);
	return ret;
}
EXPORT_SYMBOL_GPL(vfio_virqfd_enable);

/**
 * vfio_virqfd_disable - stop watching an eventfd
 * @pvirqfd: the driver's slot, emptied here
 *
 * Returns once no callback of the virqfd can run any more.
 */
void vfio_virqfd_disable(struct virqfd **pvirqfd)
{
	unsigned long flags;

	spin_lock_irqsave(&vfio_virqfd_lock, flags);
	if (*pvirqfd) {
		vfio_virqfd_deactivate(*pvirqfd);
		*pvirqfd = NULL;
	}
	spin_unlock_irqrestore(&vfio_virqfd_lock, flags);

	/* Also waits for a shutdown queued earlier by an EPOLLHUP. */
	flush_workqueue(vfio_virqfd_cleanup_wq);
}
EXPORT_SYMBOL_GPL(vfio_virqfd_disable);

/**
 * vfio_virqfd_flush_thread - wait for a queued @thread callback to finish
 * @pvirqfd: the driver's slot
 */
void vfio_virqfd_flush_thread(struct virqfd **pvirqfd)
{
	unsigned long flags;

	spin_lock_irqsave(&vfio_virqfd_lock, flags);
	if (*pvirqfd && (*pvirqfd)->thread)
		queue_work(vfio_virqfd_cleanup_wq, &(*pvirqfd)->flush_inject);
	spin_unlock_irqrestore(&vfio_virqfd_lock, flags);

	flush_workqueue(vfio_virqfd_cleanup_wq);
}
EXPORT_SYMBOL_GPL(vfio_virqfd_flush_thread);

int vfio_virqfd_init(void)
{
	/*
	 * Not WQ_MEM_RECLAIM: shutdown flushes the inject work, which runs on
	 * the system workqueue, and a reclaim workqueue must not wait for
	 * one without a rescuer.
	 */
	vfio_virqfd_cleanup_wq = alloc_workqueue("vfio-irqfd-cleanup",
						 WQ_UNBOUND, 1);
	return vfio_virqfd_cleanup_wq ? 0 : -ENOMEM;
}

void vfio_virqfd_exit(void)
{
	destroy_workqueue(vfio_virqfd_cleanup_wq);
}
