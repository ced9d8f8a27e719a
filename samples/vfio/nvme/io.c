// SPDX-License-Identifier: GPL-2.0-only
/*
 * Sequential I/O with a queue depth above one.
 *
 * Each command in flight owns a slot: a data buffer and the PRP list that
 * describes it.  The run keeps every slot busy, rings the doorbell once per
 * batch of new commands, and sleeps on the queue's MSI-X eventfd when no
 * completion is waiting, so the CPU is idle while the device works.
 */
#include <errno.h>
#include <string.h>

#include "io.h"
#include "log.h"

#define IO_PAGE_SIZE		4096u
/* How long the device may be silent while commands are outstanding. */
#define IO_TIMEOUT_MS		10000

/**
 * io_engine_init() - allocate the slots of an I/O run
 * @io: filled in
 * @ctrl: the controller
 * @q: an I/O queue pair
 * @nsid: namespace
 * @block_size: logical block size of the namespace
 * @blocks: blocks in the namespace
 * @transfer: bytes per command, a multiple of 4 KiB and of @block_size
 * @depth: commands in flight, below the queue's depth
 *
 * Return: 0 or a negative errno.
 */
int io_engine_init(struct io_engine *io, struct nvme_ctrl *ctrl,
		   struct nvme_queue *q, __u32 nsid, __u32 block_size,
		   __u64 blocks, __u32 transfer, unsigned int depth)
{
	__u32 pages = transfer / IO_PAGE_SIZE, i;
	unsigned int s;
	int ret;

	if (depth > IO_MAX_DEPTH || depth >= q->depth ||
	    blocks < transfer / block_size)
		return -EINVAL;
	memset(io, 0, sizeof(*io));
	io->ctrl = ctrl;
	io->q = q;
	io->nsid = nsid;
	io->block_size = block_size;
	io->transfer = transfer;
	io->depth = depth;
	/* Whole commands only: none may run past the end of the namespace. */
	io->wrap_blocks = blocks - blocks % (transfer / block_size);

	for (s = 0; s < depth; s++) {
		struct io_slot *slot = &io->slots[s];
		__u64 *list;

		ret = dma_alloc(ctrl->pool, transfer, &slot->data);
		if (ret)
			return ret;
		if (pages <= 2)
			continue;
		/*
		 * PRP1 names the first page; with more than two pages PRP2
		 * points to a list of the others.  Our buffer is contiguous
		 * in IOVA space, so the list is a simple count.
		 */
		ret = dma_alloc(ctrl->pool, (pages - 1) * sizeof(__u64),
				&slot->prp_list);
		if (ret)
			return ret;
		list = slot->prp_list.vaddr;
		for (i = 1; i < pages; i++)
			list[i - 1] = slot->data.iova + i * IO_PAGE_SIZE;
	}
	return 0;
}

static void io_build(struct io_engine *io, unsigned int s, __u8 opcode,
		     __u64 lba, struct nvme_command *cmd)
{
	struct io_slot *slot = &io->slots[s];

	memset(cmd, 0, sizeof(*cmd));
	cmd->opcode = opcode;
	cmd->cid = s;
	cmd->nsid = io->nsid;
	cmd->prp1 = slot->data.iova;
	if (io->transfer > 2 * IO_PAGE_SIZE)
		cmd->prp2 = slot->prp_list.iova;
	else if (io->transfer > IO_PAGE_SIZE)
		cmd->prp2 = slot->data.iova + IO_PAGE_SIZE;
	cmd->cdw10 = (__u32)lba;
	cmd->cdw11 = (__u32)(lba >> 32);
	/* The block count is zero-based. */
	cmd->cdw12 = io->transfer / io->block_size - 1;
}

/* Fill every free slot with the next command; ring once for all of them. */
static void io_submit_more(struct io_engine *io, __u8 opcode,
			   __u64 first_lba, __u32 commands,
			   __u32 *submitted, const struct io_hooks *hooks)
{
	__u32 blocks = io->transfer / io->block_size;
	struct nvme_command cmd;
	int added = 0;
	unsigned int s;

	for (s = 0; s < io->depth && *submitted < commands; s++) {
		struct io_slot *slot = &io->slots[s];

		if (slot->busy)
			continue;
		slot->lba = (first_lba + (__u64)*submitted * blocks) %
			    io->wrap_blocks;
		if (opcode == NVME_CMD_WRITE && hooks && hooks->before_write)
			hooks->before_write(slot->data.vaddr, slot->lba, blocks,
					    hooks->ctx);
		io_build(io, s, opcode, slot->lba, &cmd);
		nvme_queue_submit(io->q, &cmd);
		slot->busy = 1;
		(*submitted)++;
		added = 1;
	}
	if (added)
		nvme_queue_ring(io->ctrl, io->q);
}

/**
 * io_run() - read or write consecutive blocks
 * @io: an initialized engine
 * @opcode: NVME_CMD_READ or NVME_CMD_WRITE
 * @first_lba: first block
 * @commands: number of commands, each of @io->transfer bytes; past the
 *	end of the namespace the run wraps around to block 0
 * @hooks: optional work around each command, may be NULL
 *
 * On failure, commands may still be in flight: the caller must disable
 * the controller before it frees their buffers.
 *
 * Return: 0, -EIO if a command failed or a check did, -ETIMEDOUT.
 */
int io_run(struct io_engine *io, __u8 opcode, __u64 first_lba,
	   __u32 commands, const struct io_hooks *hooks)
{
	__u32 blocks = io->transfer / io->block_size;
	__u32 submitted = 0, completed = 0;
	struct nvme_completion cqe;
	int reaped, ret;

	while (completed < commands) {
		io_submit_more(io, opcode, first_lba, commands, &submitted,
			       hooks);

		reaped = 0;
		while (nvme_queue_next(io->q, &cqe)) {
			struct io_slot *slot;

			reaped++;
			if (cqe.cid >= io->depth || !io->slots[cqe.cid].busy) {
				pr_err("completion for unknown command %u",
				       cqe.cid);
				nvme_queue_ack(io->ctrl, io->q);
				return -EIO;
			}
			slot = &io->slots[cqe.cid];
			slot->busy = 0;
			if (NVME_STATUS_ERROR(cqe.status)) {
				pr_err("%s of blocks %llu-%llu failed: %s (status 0x%x)",
				       opcode == NVME_CMD_READ ? "read" : "write",
				       (unsigned long long)slot->lba,
				       (unsigned long long)slot->lba + blocks - 1,
				       nvme_status_string(cqe.status),
				       NVME_STATUS_ERROR(cqe.status));
				nvme_queue_ack(io->ctrl, io->q);
				return -EIO;
			}
			if (opcode == NVME_CMD_READ && hooks &&
			    hooks->after_read &&
			    hooks->after_read(slot->data.vaddr, slot->lba,
					      blocks, hooks->ctx)) {
				nvme_queue_ack(io->ctrl, io->q);
				return -EIO;
			}
			completed++;
			if (hooks && hooks->progress)
				hooks->progress(completed, commands, hooks->ctx);
		}
		if (reaped) {
			nvme_queue_ack(io->ctrl, io->q);
			continue;
		}

		ret = nvme_queue_wait(io->q, IO_TIMEOUT_MS);
		if (ret < 0)
			return ret;
		if (!ret) {
			if (nvme_queue_pending(io->q))
				pr_err("commands complete, but the queue's MSI-X vector never signals its eventfd");
			else
				pr_err("no completion within %u ms (%u of %u commands done)",
				       IO_TIMEOUT_MS, completed, commands);
			return -ETIMEDOUT;
		}
	}
	return 0;
}
