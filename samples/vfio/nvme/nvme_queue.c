// SPDX-License-Identifier: GPL-2.0-only
/*
 * NVMe queue pairs: the submission ring we fill and the completion ring
 * the controller fills, with a doorbell register for each.
 *
 * Neither side ever reads the other's index from memory.  We tell the
 * controller how far we filled the SQ by writing its tail doorbell; the
 * controller tells us a CQ entry is new by flipping its phase tag, and we
 * give CQ entries back by writing the head doorbell.
 */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "mmio.h"
#include "nvme.h"

/**
 * nvme_queue_init() - allocate the rings of a queue pair
 * @ctrl: the controller
 * @q: the queue to set up
 * @id: queue id; 0 is the admin queue pair
 * @depth: entries per ring
 * @eventfd: eventfd of the MSI-X vector the completions will signal
 *
 * Return: 0 or a negative errno.
 */
int nvme_queue_init(struct nvme_ctrl *ctrl, struct nvme_queue *q,
		    __u16 id, __u16 depth, int eventfd)
{
	int ret;

	memset(q, 0, sizeof(*q));
	q->id = id;
	q->depth = depth;
	q->eventfd = eventfd;
	/* The controller starts with phase 1; our zeroed ring reads as old. */
	q->phase = 1;
	q->sq_doorbell = NVME_REG_DOORBELLS + (2 * id) * ctrl->doorbell_stride;
	q->cq_doorbell = NVME_REG_DOORBELLS +
			 (2 * id + 1) * ctrl->doorbell_stride;

	ret = dma_alloc(ctrl->pool, depth * sizeof(struct nvme_command),
			&q->sq);
	if (ret)
		return ret;
	return dma_alloc(ctrl->pool, depth * sizeof(struct nvme_completion),
			 &q->cq);
}

/**
 * nvme_queue_submit() - put a command in the next submission slot
 * @q: the queue
 * @cmd: the command
 *
 * The controller does not see it until nvme_queue_ring(), so several
 * commands can share one doorbell write.  The caller keeps at most
 * depth - 1 commands outstanding: a full ring would look empty.
 */
void nvme_queue_submit(struct nvme_queue *q, const struct nvme_command *cmd)
{
	struct nvme_command *sq = q->sq.vaddr;

	sq[q->sq_tail] = *cmd;
	if (++q->sq_tail == q->depth)
		q->sq_tail = 0;
}

/* Tell the controller about every command submitted so far. */
void nvme_queue_ring(struct nvme_ctrl *ctrl, struct nvme_queue *q)
{
	dma_wmb();
	mmio_write32(ctrl->bar, q->sq_doorbell, q->sq_tail);
}

static struct nvme_completion *head_entry(struct nvme_queue *q)
{
	return (struct nvme_completion *)q->cq.vaddr + q->cq_head;
}

/**
 * nvme_queue_next() - take the next completion, if there is one
 * @q: the queue
 * @cqe: a copy of the completion, made before the slot is given back
 *
 * Return: 1 if a completion was taken, 0 if the ring holds no new one.
 */
int nvme_queue_next(struct nvme_queue *q, struct nvme_completion *cqe)
{
	struct nvme_completion *entry = head_entry(q);

	if (NVME_STATUS_PHASE(dma_read16(&entry->status)) != q->phase)
		return 0;
	/* The device does not touch the entry again until we ack it. */
	dma_rmb();
	*cqe = *entry;
	if (++q->cq_head == q->depth) {
		q->cq_head = 0;
		q->phase ^= 1;
	}
	return 1;
}

/* Whether a new completion waits, without taking it. */
int nvme_queue_pending(struct nvme_queue *q)
{
	return NVME_STATUS_PHASE(dma_read16(&head_entry(q)->status)) ==
	       q->phase;
}

/* Give the completion slots taken so far back to the controller. */
void nvme_queue_ack(struct nvme_ctrl *ctrl, struct nvme_queue *q)
{
	mmio_write32(ctrl->bar, q->cq_doorbell, q->cq_head);
}

/**
 * nvme_queue_wait() - sleep until the queue's interrupt fires
 * @q: the queue
 * @timeout_ms: how long to wait
 *
 * The eventfd is read before the caller looks at the ring again, so a
 * completion posted after that look raises a new signal instead of being
 * missed.
 *
 * Return: 1 after an interrupt, 0 on timeout, a negative errno on error.
 */
int nvme_queue_wait(struct nvme_queue *q, int timeout_ms)
{
	struct pollfd pfd = { .fd = q->eventfd, .events = POLLIN };
	__u64 count;
	int ret;

	ret = poll(&pfd, 1, timeout_ms);
	if (ret < 0)
		return -errno;
	if (ret == 0)
		return 0;
	if (read(q->eventfd, &count, sizeof(count)) != sizeof(count))
		return -EIO;
	q->interrupts += count;
	return 1;
}
