/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The NVMe controller as this driver sees it: BAR0 registers, an admin
 * queue pair and I/O queue pairs, all in memory from one DMA pool.
 */
#ifndef SAMPLE_NVME_H
#define SAMPLE_NVME_H

#include <linux/types.h>

#include "dma.h"
#include "nvme_spec.h"
#include "vfio.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/**
 * struct nvme_queue - a submission queue and its completion queue
 * @id: queue id, 0 for the admin queue pair
 * @depth: entries in each of the two rings
 * @sq: the submission ring, written by us, read by the controller
 * @cq: the completion ring, written by the controller, read by us
 * @sq_tail: next submission slot to fill
 * @cq_head: next completion slot to look at
 * @phase: phase tag that marks a new completion; it flips every time
 *	the controller wraps around the completion ring
 * @sq_doorbell: BAR0 address of the SQ tail doorbell
 * @cq_doorbell: BAR0 address of the CQ head doorbell
 * @eventfd: signalled by the queue's MSI-X vector
 * @interrupts: interrupts counted on @eventfd
 */
struct nvme_queue {
	__u16 id;
	__u16 depth;
	struct dma_buf sq;
	struct dma_buf cq;
	__u16 sq_tail;
	__u16 cq_head;
	__u8 phase;
	__u32 sq_doorbell;
	__u32 cq_doorbell;
	int eventfd;
	__u64 interrupts;
};

/**
 * struct nvme_ctrl - one NVMe controller
 * @bar: its BAR0, mmap'ed
 * @pool: DMA memory for queues and buffers
 * @cap: the CAP register
 * @doorbell_stride: bytes between two doorbells
 * @timeout_ms: how long the controller may take to become (not) ready
 * @admin: the admin queue pair
 * @scratch: a page for identify data
 * @next_cid: command id of the next admin command
 */
struct nvme_ctrl {
	void *bar;
	struct dma_pool *pool;
	__u64 cap;
	__u32 doorbell_stride;
	__u32 timeout_ms;
	struct nvme_queue admin;
	struct dma_buf scratch;
	__u16 next_cid;
};

/* Queues (nvme_queue.c) */
int nvme_queue_init(struct nvme_ctrl *ctrl, struct nvme_queue *q,
		    __u16 id, __u16 depth, int eventfd);
void nvme_queue_submit(struct nvme_queue *q, const struct nvme_command *cmd);
void nvme_queue_ring(struct nvme_ctrl *ctrl, struct nvme_queue *q);
int nvme_queue_next(struct nvme_queue *q, struct nvme_completion *cqe);
int nvme_queue_pending(struct nvme_queue *q);
void nvme_queue_ack(struct nvme_ctrl *ctrl, struct nvme_queue *q);
int nvme_queue_wait(struct nvme_queue *q, int timeout_ms);

/* The controller and admin commands (nvme_ctrl.c) */
int nvme_ctrl_init(struct nvme_ctrl *ctrl, void *bar, struct dma_pool *pool);
int nvme_ctrl_disable(struct nvme_ctrl *ctrl);
int nvme_ctrl_enable(struct nvme_ctrl *ctrl, __u16 admin_depth,
		     int admin_eventfd);
void nvme_ctrl_shutdown(struct nvme_ctrl *ctrl);
int nvme_admin_command(struct nvme_ctrl *ctrl, struct nvme_command *cmd,
		       __u32 *result);
int nvme_identify_ctrl(struct nvme_ctrl *ctrl, struct nvme_id_ctrl *id);
int nvme_identify_ns(struct nvme_ctrl *ctrl, __u32 nsid,
		     struct nvme_id_ns *id);
int nvme_set_queue_count(struct nvme_ctrl *ctrl, __u16 count,
			 __u16 *granted);
int nvme_create_io_queue(struct nvme_ctrl *ctrl, struct nvme_queue *q,
			 __u16 vector);
int nvme_delete_io_queue(struct nvme_ctrl *ctrl, struct nvme_queue *q);

const char *nvme_status_string(__u16 status);

#endif /* SAMPLE_NVME_H */
