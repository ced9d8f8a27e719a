/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The parts of the NVMe base specification (revision 1.4) this driver
 * uses: controller registers, queue entries, admin and NVM opcodes, and
 * the identify data it prints.  Names follow the specification's
 * abbreviations so they can be looked up there.
 */
#ifndef SAMPLE_NVME_SPEC_H
#define SAMPLE_NVME_SPEC_H

#include <assert.h>

#include <linux/types.h>

/* The kernel's BIT(), which userspace headers lack. */
#ifndef BIT
#define BIT(nr)		(1U << (nr))
#endif

/* Controller registers, offsets into BAR0. */
#define NVME_REG_CAP		0x00	/* capabilities, 64 bit */
#define NVME_REG_VS		0x08	/* version */
#define NVME_REG_INTMS		0x0c	/* interrupt mask set (INTx only) */
#define NVME_REG_CC		0x14	/* controller configuration */
#define NVME_REG_CSTS		0x1c	/* controller status */
#define NVME_REG_AQA		0x24	/* admin queue sizes */
#define NVME_REG_ASQ		0x28	/* admin submission queue base, 64 bit */
#define NVME_REG_ACQ		0x30	/* admin completion queue base, 64 bit */
#define NVME_REG_DOORBELLS	0x1000	/* first doorbell */

/* CAP fields. */
#define NVME_CAP_MQES(cap)	((__u32)((cap) & 0xffff) + 1)
#define NVME_CAP_TO_MS(cap)	((__u32)(((cap) >> 24) & 0xff) * 500)
#define NVME_CAP_DSTRD(cap)	((__u32)(((cap) >> 32) & 0xf))
#define NVME_CAP_CSS_NVM(cap)	(((cap) >> 37) & 1)
#define NVME_CAP_MPSMIN(cap)	((__u32)(((cap) >> 48) & 0xf))

/* CC fields. */
#define NVME_CC_EN		BIT(0)
#define NVME_CC_CSS_NVM		(0u << 4)
#define NVME_CC_MPS(shift)	((__u32)((shift) - 12) << 7)
#define NVME_CC_AMS_RR		(0u << 11)
#define NVME_CC_SHN_NORMAL	BIT(14)
#define NVME_CC_SHN_MASK	(3u << 14)
#define NVME_CC_IOSQES(shift)	((__u32)(shift) << 16)
#define NVME_CC_IOCQES(shift)	((__u32)(shift) << 20)

/* CSTS fields. */
#define NVME_CSTS_RDY		BIT(0)
#define NVME_CSTS_CFS		BIT(1)
#define NVME_CSTS_SHST_MASK	(3u << 2)
#define NVME_CSTS_SHST_DONE	(2u << 2)

/* Admin command opcodes. */
#define NVME_ADMIN_DELETE_SQ	0x00
#define NVME_ADMIN_CREATE_SQ	0x01
#define NVME_ADMIN_DELETE_CQ	0x04
#define NVME_ADMIN_CREATE_CQ	0x05
#define NVME_ADMIN_IDENTIFY	0x06
#define NVME_ADMIN_SET_FEATURES	0x09

/* NVM command set opcodes. */
#define NVME_CMD_WRITE		0x01
#define NVME_CMD_READ		0x02

/* Identify CNS values (command dword 10). */
#define NVME_ID_CNS_NS		0x00
#define NVME_ID_CNS_CTRL	0x01

/* Feature identifiers. */
#define NVME_FEAT_NUM_QUEUES	0x07

/* Create I/O queue flags (command dword 11). */
#define NVME_QUEUE_PHYS_CONTIG	BIT(0)
#define NVME_CQ_IRQ_ENABLED	BIT(1)

/**
 * struct nvme_command - a submission queue entry
 * @opcode: command opcode
 * @flags: fused operation and PRP/SGL selection; 0 (PRPs, not fused)
 * @cid: command identifier, echoed in the completion
 * @nsid: namespace the command is about
 * @rsvd: reserved dwords 2 and 3
 * @mptr: metadata pointer (unused here)
 * @prp1: first data page
 * @prp2: second data page, or the address of a PRP list
 * @cdw10: command specific dwords 10 to 15
 * @cdw11: see @cdw10
 * @cdw12: see @cdw10
 * @cdw13: see @cdw10
 * @cdw14: see @cdw10
 * @cdw15: see @cdw10
 */
struct nvme_command {
	__u8 opcode;
	__u8 flags;
	__u16 cid;
	__u32 nsid;
	__u64 rsvd;
	__u64 mptr;
	__u64 prp1;
	__u64 prp2;
	__u32 cdw10;
	__u32 cdw11;
	__u32 cdw12;
	__u32 cdw13;
	__u32 cdw14;
	__u32 cdw15;
};

/**
 * struct nvme_completion - a completion queue entry
 * @result: command specific result (dword 0)
 * @rsvd: reserved
 * @sq_head: how far the controller has consumed the submission queue
 * @sq_id: which submission queue the command came from
 * @cid: the command's identifier
 * @status: bit 0 is the phase tag, bits 15:1 the status field
 */
struct nvme_completion {
	__u32 result;
	__u32 rsvd;
	__u16 sq_head;
	__u16 sq_id;
	__u16 cid;
	__u16 status;
};

#define NVME_STATUS_PHASE(status)	((status) & 1)
/* Status code type and status code; 0 means success. */
#define NVME_STATUS_SCT(status)		(((status) >> 9) & 0x7)
#define NVME_STATUS_SC(status)		(((status) >> 1) & 0xff)
#define NVME_STATUS_ERROR(status)	(((status) >> 1) & 0x7ff)

/* log2 of the entry sizes, for CC.IOSQES and CC.IOCQES. */
#define NVME_SQES_SHIFT		6
#define NVME_CQES_SHIFT		4

/**
 * struct nvme_id_ctrl - Identify Controller data (the fields we print)
 * @vid: PCI vendor id
 * @ssvid: PCI subsystem vendor id
 * @sn: serial number, ASCII padded with spaces
 * @mn: model number, ASCII padded with spaces
 * @fr: firmware revision, ASCII padded with spaces
 * @rab: recommended arbitration burst
 * @ieee: IEEE OUI
 * @cmic: multi-path capabilities
 * @mdts: maximum data transfer size, a power of two in units of the
 *	minimum page size; 0 means no limit
 * @cntlid: controller id
 * @ver: version the controller implements
 * @rsvd84: fields not used here
 * @sqes: required (bits 3:0) and maximum (7:4) SQ entry size, log2
 * @cqes: required and maximum CQ entry size, log2
 * @maxcmd: maximum outstanding commands
 * @nn: number of namespaces
 * @rsvd520: fields not used here
 */
struct nvme_id_ctrl {
	__u16 vid;
	__u16 ssvid;
	char sn[20];
	char mn[40];
	char fr[8];
	__u8 rab;
	__u8 ieee[3];
	__u8 cmic;
	__u8 mdts;
	__u16 cntlid;
	__u32 ver;
	__u8 rsvd84[428];
	__u8 sqes;
	__u8 cqes;
	__u16 maxcmd;
	__u32 nn;
	__u8 rsvd520[3576];
};

/**
 * struct nvme_id_ns - Identify Namespace data (the fields we use)
 * @nsze: namespace size in logical blocks
 * @ncap: namespace capacity in logical blocks
 * @nuse: blocks in use
 * @nsfeat: namespace features
 * @nlbaf: number of LBA formats, minus one
 * @flbas: formatted LBA size: bits 3:0 index the format in use in @lbaf
 * @rsvd27: fields not used here
 * @lbaf: LBA formats: bits 15:0 metadata size, 23:16 log2 of the block
 *	size, 25:24 relative performance
 * @rsvd192: fields not used here
 */
struct nvme_id_ns {
	__u64 nsze;
	__u64 ncap;
	__u64 nuse;
	__u8 nsfeat;
	__u8 nlbaf;
	__u8 flbas;
	__u8 rsvd27[101];
	__u32 lbaf[16];
	__u8 rsvd192[3904];
};

#define NVME_LBAF_LBADS(lbaf)	(((lbaf) >> 16) & 0xff)

static_assert(sizeof(struct nvme_command) == 64, "SQ entry is 64 bytes");
static_assert(sizeof(struct nvme_completion) == 16, "CQ entry is 16 bytes");
static_assert(sizeof(struct nvme_id_ctrl) == 4096, "identify is 4 KiB");
static_assert(sizeof(struct nvme_id_ns) == 4096, "identify is 4 KiB");

#endif /* SAMPLE_NVME_SPEC_H */
