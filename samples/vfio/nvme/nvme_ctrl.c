// SPDX-License-Identifier: GPL-2.0-only
/*
 * Bringing an NVMe controller up and down, and the admin commands this
 * driver needs.
 *
 * The controller is configured only while disabled: with CC.EN clear we
 * tell it where the admin queues are (AQA, ASQ, ACQ) and how large queue
 * entries and memory pages are (CC), then set CC.EN and wait for CSTS.RDY.
 * Everything after that goes through the admin queue.
 */
#include <errno.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "mmio.h"
#include "nvme.h"

/* How long an admin command may take; generous, for emulated devices. */
#define ADMIN_TIMEOUT_MS	10000

#define NVME_PAGE_SHIFT		12

static __u64 now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000ULL + ts.tv_nsec / 1000000;
}

/*
 * Wait for CSTS.RDY to reach @ready.  CAP.TO bounds how long a working
 * controller takes; a fatal status or a register reading as all ones (the
 * device fell off the bus) ends the wait early.
 */
static int wait_ready(struct nvme_ctrl *ctrl, int ready)
{
	__u64 start = now_ms();
	__u32 csts;

	for (;;) {
		csts = mmio_read32(ctrl->bar, NVME_REG_CSTS);
		if (csts == 0xffffffff) {
			pr_err("controller registers read as all ones: the device is gone");
			return -ENODEV;
		}
		if (ready && (csts & NVME_CSTS_CFS)) {
			pr_err("controller reports a fatal status (CSTS 0x%x)",
			       csts);
			return -EIO;
		}
		if (!!(csts & NVME_CSTS_RDY) == ready)
			return (int)(now_ms() - start);
		if (now_ms() - start > ctrl->timeout_ms) {
			pr_err("CSTS.RDY did not become %d within %u ms (CSTS 0x%x)",
			       ready, ctrl->timeout_ms, csts);
			return -ETIMEDOUT;
		}
		nanosleep(&(struct timespec){ .tv_nsec = 1000000 }, NULL);
	}
}

/**
 * nvme_ctrl_init() - read the controller's capabilities
 * @ctrl: filled in
 * @bar: BAR0, mmap'ed
 * @pool: DMA memory for the queues
 *
 * Return: 0, or a negative errno if this driver cannot drive the
 * controller.
 */
int nvme_ctrl_init(struct nvme_ctrl *ctrl, void *bar, struct dma_pool *pool)
{
	memset(ctrl, 0, sizeof(*ctrl));
	ctrl->bar = bar;
	ctrl->pool = pool;
	ctrl->cap = mmio_read64(bar, NVME_REG_CAP);
	ctrl->doorbell_stride = 4u << NVME_CAP_DSTRD(ctrl->cap);
	ctrl->timeout_ms = NVME_CAP_TO_MS(ctrl->cap);
	if (!ctrl->timeout_ms)
		ctrl->timeout_ms = 500;

	if (!NVME_CAP_CSS_NVM(ctrl->cap)) {
		pr_err("controller does not support the NVM command set (CAP 0x%llx)",
		       (unsigned long long)ctrl->cap);
		return -ENODEV;
	}
	/* Our queues and PRPs assume 4 KiB memory pages. */
	if (NVME_CAP_MPSMIN(ctrl->cap) > NVME_PAGE_SHIFT - 12) {
		pr_err("controller needs pages of at least %u KiB, we use 4 KiB",
		       1u << (NVME_CAP_MPSMIN(ctrl->cap) + 2));
		return -ENODEV;
	}
	return dma_alloc(pool, 4096, &ctrl->scratch);
}

/**
 * nvme_ctrl_disable() - clear CC.EN and wait until the controller is idle
 * @ctrl: the controller
 *
 * Whatever state a previous user left it in, a disabled controller has
 * forgotten its queues and does no DMA.
 *
 * Return: milliseconds waited, or a negative errno.
 */
int nvme_ctrl_disable(struct nvme_ctrl *ctrl)
{
	__u32 cc = mmio_read32(ctrl->bar, NVME_REG_CC);

	if (cc & NVME_CC_EN)
		mmio_write32(ctrl->bar, NVME_REG_CC, cc & ~NVME_CC_EN);
	return wait_ready(ctrl, 0);
}

/**
 * nvme_ctrl_enable() - set up the admin queue and enable the controller
 * @ctrl: a disabled controller
 * @admin_depth: entries in each admin ring
 * @admin_eventfd: eventfd of MSI-X vector 0, where admin completions go
 *
 * Return: milliseconds the controller took to become ready, or a
 * negative errno.
 */
int nvme_ctrl_enable(struct nvme_ctrl *ctrl, __u16 admin_depth,
		     int admin_eventfd)
{
	struct nvme_queue *admin = &ctrl->admin;
	__u32 cc;
	int ret;

	ret = nvme_queue_init(ctrl, admin, 0, admin_depth, admin_eventfd);
	if (ret)
		return ret;

	mmio_write32(ctrl->bar, NVME_REG_AQA,
		     (__u32)(admin_depth - 1) << 16 | (admin_depth - 1));
	mmio_write64(ctrl->bar, NVME_REG_ASQ, admin->sq.iova);
	mmio_write64(ctrl->bar, NVME_REG_ACQ, admin->cq.iova);

	cc = NVME_CC_CSS_NVM | NVME_CC_MPS(NVME_PAGE_SHIFT) | NVME_CC_AMS_RR |
	     NVME_CC_IOSQES(NVME_SQES_SHIFT) | NVME_CC_IOCQES(NVME_CQES_SHIFT);
	mmio_write32(ctrl->bar, NVME_REG_CC, cc);
	mmio_write32(ctrl->bar, NVME_REG_CC, cc | NVME_CC_EN);
	return wait_ready(ctrl, 1);
}

/**
 * nvme_ctrl_shutdown() - orderly shutdown, then disable
 * @ctrl: the controller
 *
 * A normal shutdown lets the controller flush what it caches; disabling
 * afterwards guarantees that it does no more DMA into memory we are about
 * to unmap.
 */
void nvme_ctrl_shutdown(struct nvme_ctrl *ctrl)
{
	__u64 start = now_ms();
	__u32 cc;

	cc = mmio_read32(ctrl->bar, NVME_REG_CC);
	if (cc & NVME_CC_EN) {
		cc = (cc & ~NVME_CC_SHN_MASK) | NVME_CC_SHN_NORMAL;
		mmio_write32(ctrl->bar, NVME_REG_CC, cc);
		while ((mmio_read32(ctrl->bar, NVME_REG_CSTS) &
			NVME_CSTS_SHST_MASK) != NVME_CSTS_SHST_DONE) {
			if (now_ms() - start > ctrl->timeout_ms) {
				pr_err("controller did not finish its shutdown");
				break;
			}
			nanosleep(&(struct timespec){ .tv_nsec = 1000000 },
				  NULL);
		}
	}
	nvme_ctrl_disable(ctrl);
}

/**
 * nvme_status_string() - a few words for an NVMe status field
 * @status: the status half-word of a completion
 *
 * Return: a static string.
 */
const char *nvme_status_string(__u16 status)
{
	static const struct {
		__u8 sct, sc;
		const char *text;
	} known[] = {
		{ 0, 0x00, "success" },
		{ 0, 0x01, "invalid command opcode" },
		{ 0, 0x02, "invalid field in command" },
		{ 0, 0x04, "data transfer error" },
		{ 0, 0x06, "internal error" },
		{ 0, 0x0b, "invalid namespace" },
		{ 0, 0x80, "LBA out of range" },
		{ 1, 0x00, "completion queue invalid" },
		{ 1, 0x01, "invalid queue identifier" },
		{ 1, 0x02, "invalid queue size" },
		{ 1, 0x08, "invalid interrupt vector" },
		{ 1, 0x0c, "invalid queue deletion" },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(known); i++)
		if (known[i].sct == NVME_STATUS_SCT(status) &&
		    known[i].sc == NVME_STATUS_SC(status))
			return known[i].text;
	return "unknown status";
}

/**
 * nvme_admin_command() - run one admin command and wait for it
 * @ctrl: an enabled controller
 * @cmd: the command; its cid is assigned here
 * @result: if not NULL, dword 0 of the completion
 *
 * Return: 0, -EIO if the controller failed the command, -ETIMEDOUT.
 */
int nvme_admin_command(struct nvme_ctrl *ctrl, struct nvme_command *cmd,
		       __u32 *result)
{
	struct nvme_queue *admin = &ctrl->admin;
	__u64 deadline = now_ms() + ADMIN_TIMEOUT_MS;
	struct nvme_completion cqe;
	int ret;

	cmd->cid = ctrl->next_cid++;
	nvme_queue_submit(admin, cmd);
	nvme_queue_ring(ctrl, admin);

	for (;;) {
		if (nvme_queue_next(admin, &cqe)) {
			nvme_queue_ack(ctrl, admin);
			/* One command at a time: this must be ours. */
			if (cqe.cid != cmd->cid)
				continue;
			break;
		}
		if (now_ms() >= deadline) {
			pr_err("admin command 0x%02x timed out", cmd->opcode);
			return -ETIMEDOUT;
		}
		ret = nvme_queue_wait(admin, (int)(deadline - now_ms()));
		if (ret < 0)
			return ret;
	}

	if (NVME_STATUS_ERROR(cqe.status)) {
		pr_err("admin command 0x%02x failed: %s (status 0x%x)",
		       cmd->opcode, nvme_status_string(cqe.status),
		       NVME_STATUS_ERROR(cqe.status));
		return -EIO;
	}
	if (result)
		*result = cqe.result;
	return 0;
}

static int identify(struct nvme_ctrl *ctrl, __u32 nsid, __u32 cns,
		    void *data)
{
	struct nvme_command cmd = {
		.opcode = NVME_ADMIN_IDENTIFY,
		.nsid = nsid,
		.prp1 = ctrl->scratch.iova,
		.cdw10 = cns,
	};
	int ret;

	ret = nvme_admin_command(ctrl, &cmd, NULL);
	if (!ret)
		memcpy(data, ctrl->scratch.vaddr, 4096);
	return ret;
}

int nvme_identify_ctrl(struct nvme_ctrl *ctrl, struct nvme_id_ctrl *id)
{
	return identify(ctrl, 0, NVME_ID_CNS_CTRL, id);
}

int nvme_identify_ns(struct nvme_ctrl *ctrl, __u32 nsid,
		     struct nvme_id_ns *id)
{
	return identify(ctrl, nsid, NVME_ID_CNS_NS, id);
}

/**
 * nvme_set_queue_count() - ask for I/O queue pairs
 * @ctrl: the controller
 * @count: pairs wanted
 * @granted: pairs the controller allocated, possibly more or fewer
 *
 * Return: 0 or a negative errno.
 */
int nvme_set_queue_count(struct nvme_ctrl *ctrl, __u16 count,
			 __u16 *granted)
{
	struct nvme_command cmd = {
		.opcode = NVME_ADMIN_SET_FEATURES,
		.cdw10 = NVME_FEAT_NUM_QUEUES,
		.cdw11 = (__u32)(count - 1) << 16 | (count - 1),
	};
	__u32 result;
	__u16 sqs, cqs;
	int ret;

	ret = nvme_admin_command(ctrl, &cmd, &result);
	if (ret)
		return ret;
	sqs = (result & 0xffff) + 1;
	cqs = (result >> 16) + 1;
	*granted = sqs < cqs ? sqs : cqs;
	return 0;
}

/**
 * nvme_create_io_queue() - create an I/O queue pair on the controller
 * @ctrl: the controller
 * @q: a queue from nvme_queue_init()
 * @vector: MSI-X vector its completions raise
 *
 * The completion queue must exist before a submission queue can name it.
 *
 * Return: 0 or a negative errno.
 */
int nvme_create_io_queue(struct nvme_ctrl *ctrl, struct nvme_queue *q,
			 __u16 vector)
{
	struct nvme_command create_cq = {
		.opcode = NVME_ADMIN_CREATE_CQ,
		.prp1 = q->cq.iova,
		.cdw10 = (__u32)(q->depth - 1) << 16 | q->id,
		.cdw11 = (__u32)vector << 16 | NVME_CQ_IRQ_ENABLED |
			 NVME_QUEUE_PHYS_CONTIG,
	};
	struct nvme_command create_sq = {
		.opcode = NVME_ADMIN_CREATE_SQ,
		.prp1 = q->sq.iova,
		.cdw10 = (__u32)(q->depth - 1) << 16 | q->id,
		.cdw11 = (__u32)q->id << 16 | NVME_QUEUE_PHYS_CONTIG,
	};
	struct nvme_command delete_cq = {
		.opcode = NVME_ADMIN_DELETE_CQ,
		.cdw10 = q->id,
	};
	int ret;

	ret = nvme_admin_command(ctrl, &create_cq, NULL);
	if (ret)
		return ret;
	ret = nvme_admin_command(ctrl, &create_sq, NULL);
	if (ret)
		nvme_admin_command(ctrl, &delete_cq, NULL);
	return ret;
}

/* Delete an I/O queue pair: the submission queue first, as it names the CQ. */
int nvme_delete_io_queue(struct nvme_ctrl *ctrl, struct nvme_queue *q)
{
	struct nvme_command delete_sq = {
		.opcode = NVME_ADMIN_DELETE_SQ,
		.cdw10 = q->id,
	};
	struct nvme_command delete_cq = {
		.opcode = NVME_ADMIN_DELETE_CQ,
		.cdw10 = q->id,
	};
	int ret;

	ret = nvme_admin_command(ctrl, &delete_sq, NULL);
	if (ret)
		return ret;
	return nvme_admin_command(ctrl, &delete_cq, NULL);
}
