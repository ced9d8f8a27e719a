/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Sequential reads and writes on one I/O queue pair, with several commands
 * in flight.
 */
#ifndef SAMPLE_NVME_IO_H
#define SAMPLE_NVME_IO_H

#include <linux/types.h>

#include "nvme.h"

#define IO_MAX_DEPTH	64

/**
 * struct io_slot - one command that can be in flight
 * @data: its data buffer
 * @prp_list: its PRP list, filled once since @data never moves
 * @lba: first block of the command in flight
 * @busy: true while the controller owns the slot
 */
struct io_slot {
	struct dma_buf data;
	struct dma_buf prp_list;
	__u64 lba;
	int busy;
};

/**
 * struct io_engine - what an I/O run needs
 * @ctrl: the controller
 * @q: an I/O queue pair created on it
 * @nsid: namespace to read and write
 * @block_size: its logical block size in bytes
 * @transfer: bytes per command, a multiple of @block_size
 * @depth: commands kept in flight
 * @wrap_blocks: where a run wraps back to its first block, so that a run
 *	may be longer than the namespace
 * @slots: one per command in flight; the slot index is the command id
 */
struct io_engine {
	struct nvme_ctrl *ctrl;
	struct nvme_queue *q;
	__u32 nsid;
	__u32 block_size;
	__u32 transfer;
	unsigned int depth;
	__u64 wrap_blocks;
	struct io_slot slots[IO_MAX_DEPTH];
};

/**
 * struct io_hooks - optional work around each command
 * @before_write: fills a buffer before it is written
 * @after_read: checks a buffer that was read; non-zero stops the run
 * @progress: called after each completion
 * @ctx: passed to the hooks
 */
struct io_hooks {
	void (*before_write)(void *buf, __u64 lba, __u32 blocks,
			     void *ctx);
	int (*after_read)(const void *buf, __u64 lba, __u32 blocks,
			  void *ctx);
	void (*progress)(__u32 done, __u32 total, void *ctx);
	void *ctx;
};

int io_engine_init(struct io_engine *io, struct nvme_ctrl *ctrl,
		   struct nvme_queue *q, __u32 nsid, __u32 block_size,
		   __u64 blocks, __u32 transfer, unsigned int depth);
int io_run(struct io_engine *io, __u8 opcode, __u64 first_lba,
	   __u32 commands, const struct io_hooks *hooks);

#endif /* SAMPLE_NVME_IO_H */
