// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio-nvme: a userspace NVMe driver built on VFIO, as a worked example.
 *
 * It takes an NVMe controller bound to vfio-pci, brings it up the way a
 * kernel driver would, identifies it, writes a pattern to namespace 1 and
 * reads it back, measures sequential throughput, and gives everything
 * back.  Each step prints what it does, so a run reads as a walk through
 * what a VFIO user has to do.
 *
 * The files split the work by concern: vfio.c talks to VFIO, dma.c owns
 * the memory the device may touch, nvme_ctrl.c and nvme_queue.c speak
 * NVMe, io.c keeps several commands in flight, and this file is the story.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "dma.h"
#include "io.h"
#include "log.h"
#include "mmio.h"
#include "nvme.h"
#include "vfio.h"

#define STEPS			9
/* Each ring fits in one 4 KiB page: at most 64 entries of 64 bytes. */
#define ADMIN_QUEUE_DEPTH	32
#define IO_QUEUE_DEPTH		64
#define DEFAULT_TRANSFER	(128u << 10)
#define DEFAULT_DEPTH		16
#define DEFAULT_COMMANDS	2048
#define VERIFY_BYTES		(8u << 20)
#define NSID			1
/* MSI-X vectors: 0 for the admin queue, 1 for our I/O queue. */
#define ADMIN_VECTOR		0
#define IO_VECTOR		1

struct options {
	char bdf[32];
	__u32 commands;
	unsigned int depth;
	__u32 transfer;
};

/*
 * Everything the driver sets up, so that one teardown can undo exactly
 * what was done, whichever step failed.
 */
struct driver {
	struct vfio_pci_dev dev;
	struct vfio_bar bar;
	struct dma_pool pool;
	struct nvme_ctrl ctrl;
	struct nvme_queue ioq;
	struct io_engine io;
	int eventfds[2];
	int dev_open, bar_mapped, pool_mapped, bus_master, irqs_set;
	int ctrl_enabled, ioq_created;
	struct nvme_id_ctrl id_ctrl;
	struct nvme_id_ns id_ns;
	__u32 block_size;
	__u64 blocks;
};

static void step(int n, const char *fmt, ...)
{
	va_list ap;

	printf("[%d/%d] ", n, STEPS);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

static double seconds_since(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - start->tv_sec) +
	       (now.tv_nsec - start->tv_nsec) / 1e9;
}

/* Identify strings are space padded, not NUL terminated. */
static const char *id_string(const char *field, size_t len, char *buf)
{
	memcpy(buf, field, len);
	buf[len] = '\0';
	while (len && (buf[len - 1] == ' ' || buf[len - 1] == '\0'))
		buf[--len] = '\0';
	return buf;
}

static void print_size(const char *label, __u64 bytes)
{
	if (bytes >= (1ULL << 30))
		pr_info("%s%.1f GiB", label, bytes / (double)(1ULL << 30));
	else
		pr_info("%s%llu MiB", label, (unsigned long long)bytes >> 20);
}

/* Step 1: from a PCI address to a device fd. */
static int open_device(struct driver *drv, const struct options *opt)
{
	int group_id;

	group_id = vfio_pci_find_group(opt->bdf);
	if (group_id < 0)
		return group_id;
	step(1, "opening IOMMU group %d of %s through VFIO", group_id,
	     opt->bdf);
	if (vfio_pci_open(&drv->dev, opt->bdf, group_id))
		return -1;
	drv->dev_open = 1;
	pr_info("container /dev/vfio/vfio: VFIO API %d, type1v2 IOMMU",
		VFIO_API_VERSION);
	pr_info("group /dev/vfio/%d: viable, attached to the container",
		group_id);
	pr_info("device fd: %u regions, %u interrupt types%s",
		drv->dev.info.num_regions, drv->dev.info.num_irqs,
		drv->dev.info.flags & VFIO_DEVICE_FLAGS_RESET ?
		", supports reset" : "");
	return 0;
}

/* Step 2: the controller's registers, in our address space. */
static int map_registers(struct driver *drv)
{
	__u32 vs;

	step(2, "mapping BAR0 (the controller's registers)");
	if (vfio_pci_map_bar(&drv->dev, VFIO_PCI_BAR0_REGION_INDEX, &drv->bar))
		return -1;
	drv->bar_mapped = 1;
	vs = mmio_read32(drv->bar.base, NVME_REG_VS);
	pr_info("BAR0: %llu KiB mmap'ed%s; NVMe version %u.%u.%u",
		(unsigned long long)drv->bar.size >> 10,
		drv->bar.sparse ? " in parts (sparse mmap)" : "",
		vs >> 16, (vs >> 8) & 0xff, vs & 0xff);
	return 0;
}

/* Step 3: one block of memory for queues and buffers, mapped for DMA. */
static int map_dma_memory(struct driver *drv, const struct options *opt)
{
	/* A slot's PRP list fits a page for transfers of up to 2 MiB. */
	size_t prp_list = opt->transfer / 4096 > 2 ? 4096 : 0;
	size_t size;

	/*
	 * A page per ring (admin SQ and CQ, I/O SQ and CQ), one for identify
	 * data, and a buffer and PRP list per command in flight.
	 */
	size = 4 * 4096 + 4096 + (size_t)opt->depth * (opt->transfer + prp_list);
	step(3, "allocating DMA memory and mapping it with VFIO_IOMMU_MAP_DMA");
	if (dma_pool_create(&drv->pool, &drv->dev, size))
		return -1;
	drv->pool_mapped = 1;
	pr_info("%zu KiB of %s at IOVA 0x%llx-0x%llx", drv->pool.size >> 10,
		drv->pool.hugetlb ? "2 MiB huge pages" :
		"anonymous memory (transparent huge pages where possible)",
		(unsigned long long)drv->pool.iova,
		(unsigned long long)(drv->pool.iova + drv->pool.size - 1));
	pr_info("pinned; locked memory of this process now %ld KiB",
		dma_locked_kib());
	return 0;
}

/* Step 4: reset, interrupts, admin queue, enable. */
static int enable_controller(struct driver *drv)
{
	int vectors, ret;

	step(4, "resetting the controller and bringing up the admin queue");
	ret = nvme_ctrl_init(&drv->ctrl, drv->bar.base, &drv->pool);
	if (ret)
		return ret;
	pr_info("CAP: up to %u queue entries, doorbell stride %u, ready timeout %u ms",
		NVME_CAP_MQES(drv->ctrl.cap), drv->ctrl.doorbell_stride,
		drv->ctrl.timeout_ms);

	ret = nvme_ctrl_disable(&drv->ctrl);
	if (ret < 0)
		return ret;
	pr_info("CC.EN=0: CSTS.RDY cleared after %d ms", ret);

	vectors = vfio_pci_irq_count(&drv->dev, VFIO_PCI_MSIX_IRQ_INDEX);
	if (vectors < 2) {
		pr_err("the device offers %d MSI-X vectors, we need 2", vectors);
		return -ENODEV;
	}
	drv->eventfds[ADMIN_VECTOR] = eventfd(0, EFD_CLOEXEC);
	drv->eventfds[IO_VECTOR] = eventfd(0, EFD_CLOEXEC);
	if (drv->eventfds[ADMIN_VECTOR] < 0 || drv->eventfds[IO_VECTOR] < 0) {
		pr_err("eventfd: %s", strerror(errno));
		return -errno;
	}
	/*
	 * Vectors before the queues that use them: with MSI-X on, the
	 * controller never falls back to INTx, which nobody listens to.
	 */
	ret = vfio_pci_set_irq_eventfds(&drv->dev, VFIO_PCI_MSIX_IRQ_INDEX,
					drv->eventfds, 2);
	if (ret) {
		pr_err("VFIO_DEVICE_SET_IRQS (MSI-X): %s", strerror(-ret));
		return ret;
	}
	drv->irqs_set = 1;
	pr_info("MSI-X (%d vectors): vector 0 -> eventfd %d (admin), vector 1 -> eventfd %d (I/O)",
		vectors, drv->eventfds[ADMIN_VECTOR], drv->eventfds[IO_VECTOR]);

	/* Only now may the device DMA: its memory is mapped. */
	ret = vfio_pci_set_bus_master(&drv->dev, 1);
	if (ret) {
		pr_err("cannot enable bus mastering: %s", strerror(-ret));
		return ret;
	}
	drv->bus_master = 1;

	ret = nvme_ctrl_enable(&drv->ctrl, ADMIN_QUEUE_DEPTH,
			       drv->eventfds[ADMIN_VECTOR]);
	if (ret < 0)
		return ret;
	drv->ctrl_enabled = 1;
	pr_info("admin queue: %u entries, SQ at IOVA 0x%llx, CQ at IOVA 0x%llx",
		ADMIN_QUEUE_DEPTH,
		(unsigned long long)drv->ctrl.admin.sq.iova,
		(unsigned long long)drv->ctrl.admin.cq.iova);
	pr_info("CC.EN=1: CSTS.RDY set after %d ms", ret);
	return 0;
}

/* Step 5: what is this controller, and how large is namespace 1? */
static int identify(struct driver *drv, struct options *opt)
{
	struct nvme_id_ctrl *id = &drv->id_ctrl;
	struct nvme_id_ns *ns = &drv->id_ns;
	char buf[48];
	__u32 lbaf;
	__u64 max_transfer = 0;

	step(5, "identifying the controller and namespace %d", NSID);
	if (nvme_identify_ctrl(&drv->ctrl, id))
		return -1;
	pr_info("model:     %s", id_string(id->mn, sizeof(id->mn), buf));
	pr_info("serial:    %s", id_string(id->sn, sizeof(id->sn), buf));
	pr_info("firmware:  %s", id_string(id->fr, sizeof(id->fr), buf));
	pr_info("PCI vendor 0x%04x, controller id %u, %u namespace(s)",
		id->vid, id->cntlid, id->nn);
	if (id->mdts) {
		max_transfer = 4096ULL << id->mdts;
		pr_info("largest transfer: %llu KiB",
			(unsigned long long)max_transfer >> 10);
		if (opt->transfer > max_transfer) {
			opt->transfer = max_transfer;
			pr_info("(transfers reduced to %u KiB)",
				opt->transfer >> 10);
		}
	}
	if (id->nn < NSID) {
		pr_err("the controller has no namespace %d", NSID);
		return -ENODEV;
	}

	if (nvme_identify_ns(&drv->ctrl, NSID, ns))
		return -1;
	lbaf = ns->lbaf[ns->flbas & 0xf];
	drv->block_size = 1u << NVME_LBAF_LBADS(lbaf);
	drv->blocks = ns->nsze;
	pr_info("namespace %d: %llu blocks of %u bytes", NSID,
		(unsigned long long)drv->blocks, drv->block_size);
	print_size("namespace size: ", drv->blocks * drv->block_size);
	if (!drv->blocks || opt->transfer % drv->block_size) {
		pr_err("cannot use namespace %d: block size %u", NSID,
		       drv->block_size);
		return -ENODEV;
	}
	return 0;
}

/* Step 6: the I/O queue pair, whose completions raise MSI-X vector 1. */
static int create_io_queue(struct driver *drv, const struct options *opt)
{
	__u16 depth = IO_QUEUE_DEPTH, granted;
	int ret;

	if (depth > NVME_CAP_MQES(drv->ctrl.cap))
		depth = NVME_CAP_MQES(drv->ctrl.cap);
	step(6, "creating an I/O queue pair (%u entries) on MSI-X vector %d",
	     depth, IO_VECTOR);
	if (opt->depth >= depth) {
		pr_err("queue depth %u needs a queue of more than %u entries",
		       opt->depth, depth);
		return -EINVAL;
	}
	if (nvme_set_queue_count(&drv->ctrl, 1, &granted))
		return -1;
	pr_info("Set Features (number of queues): %u I/O queue pair(s) granted",
		granted);
	ret = nvme_queue_init(&drv->ctrl, &drv->ioq, 1, depth,
			      drv->eventfds[IO_VECTOR]);
	if (ret)
		return ret;
	if (nvme_create_io_queue(&drv->ctrl, &drv->ioq, IO_VECTOR))
		return -1;
	drv->ioq_created = 1;
	pr_info("Create I/O CQ 1 (vector %d) and Create I/O SQ 1: done",
		IO_VECTOR);
	return io_engine_init(&drv->io, &drv->ctrl, &drv->ioq, NSID,
			      drv->block_size, drv->blocks, opt->transfer,
			      opt->depth);
}

/*
 * The test pattern: every block starts with its own LBA and the run's seed
 * and continues with a pseudo-random stream derived from both.  A block
 * read from the wrong place, or left over from an earlier run, cannot
 * pass for the right one.
 */
struct pattern {
	__u64 seed;
	__u32 block_size;
	__u64 bad_blocks;
	__u64 first_bad;
};

static __u64 pattern_word(__u64 *state)
{
	/* xorshift64: cheap, and good enough to tell blocks apart. */
	*state ^= *state << 13;
	*state ^= *state >> 7;
	*state ^= *state << 17;
	return *state;
}

static void pattern_block(const struct pattern *p, __u64 lba,
			  __u64 *words)
{
	__u64 state = (p->seed ^ (lba * 0x9e3779b97f4a7c15ULL)) | 1;
	__u32 i;

	words[0] = lba;
	words[1] = p->seed;
	for (i = 2; i < p->block_size / 8; i++)
		words[i] = pattern_word(&state);
}

static void pattern_fill(void *buf, __u64 lba, __u32 blocks, void *ctx)
{
	const struct pattern *p = ctx;
	__u32 b;

	for (b = 0; b < blocks; b++)
		pattern_block(p, lba + b,
			      (__u64 *)((char *)buf + b * p->block_size));
}

static int pattern_check(const void *buf, __u64 lba, __u32 blocks,
			 void *ctx)
{
	struct pattern *p = ctx;
	__u64 expect[4096 / 8];
	__u32 b;

	for (b = 0; b < blocks; b++) {
		pattern_block(p, lba + b, expect);
		if (memcmp(expect, (const char *)buf + b * p->block_size,
			   p->block_size)) {
			if (!p->bad_blocks)
				p->first_bad = lba + b;
			p->bad_blocks++;
		}
	}
	return 0;
}

/* Step 7: write the pattern, read it back, compare. */
static int write_and_verify(struct driver *drv, const struct options *opt)
{
	struct pattern p = { .block_size = drv->block_size };
	struct io_hooks hooks = {
		.before_write = pattern_fill,
		.after_read = pattern_check,
		.ctx = &p,
	};
	__u64 bytes = VERIFY_BYTES;
	__u32 commands, blocks_per_command;
	struct timespec now;
	int ret;

	if (bytes > drv->blocks * drv->block_size)
		bytes = drv->blocks * drv->block_size;
	commands = bytes / opt->transfer;
	blocks_per_command = opt->transfer / drv->block_size;
	if (drv->block_size > 4096 || !commands) {
		pr_err("namespace too small or blocks too large to verify");
		return -EINVAL;
	}
	clock_gettime(CLOCK_REALTIME, &now);
	p.seed = (__u64)now.tv_sec << 32 ^ now.tv_nsec ^ getpid();

	step(7, "writing a test pattern to blocks 0-%llu, reading it back and comparing",
	     (unsigned long long)commands * blocks_per_command - 1);
	ret = io_run(&drv->io, NVME_CMD_WRITE, 0, commands, &hooks);
	if (ret)
		return ret;
	pr_info("wrote %u KiB in %u commands of %u KiB", commands *
		(opt->transfer >> 10), commands, opt->transfer >> 10);
	/* Wipe the buffers: what we compare must come from the device. */
	for (unsigned int s = 0; s < opt->depth; s++)
		memset(drv->io.slots[s].data.vaddr, 0, opt->transfer);
	ret = io_run(&drv->io, NVME_CMD_READ, 0, commands, &hooks);
	if (ret)
		return ret;
	if (p.bad_blocks) {
		pr_err("%llu of %llu blocks read back wrong, the first is block %llu",
		       (unsigned long long)p.bad_blocks,
		       (unsigned long long)commands * blocks_per_command,
		       (unsigned long long)p.first_bad);
		return -EIO;
	}
	pr_info("read back %u KiB: all %llu blocks match", commands *
		(opt->transfer >> 10),
		(unsigned long long)commands * blocks_per_command);
	return 0;
}

struct progress {
	const char *what;
	__u32 next_quarter;
	__u32 transfer;
};

/* Long runs under emulation take a while: say how far they got. */
static void show_progress(__u32 done, __u32 total, void *ctx)
{
	struct progress *p = ctx;

	while (done < total && p->next_quarter < 4 &&
	       done * 4ULL >= (__u64)p->next_quarter * total) {
		pr_info("%s: %u%% (%llu of %llu MiB)", p->what,
			p->next_quarter * 25,
			(unsigned long long)done * p->transfer >> 20,
			(unsigned long long)total * p->transfer >> 20);
		p->next_quarter++;
	}
}

static int measure(struct driver *drv, __u8 opcode, __u32 commands,
		   __u32 transfer)
{
	const char *what = opcode == NVME_CMD_WRITE ? "write" : "read";
	struct progress progress = {
		.what = what, .next_quarter = 1, .transfer = transfer,
	};
	struct io_hooks hooks = {
		.progress = show_progress,
		.ctx = &progress,
	};
	__u64 irqs = drv->ioq.interrupts;
	double secs, mib;
	struct timespec start;
	int ret;

	clock_gettime(CLOCK_MONOTONIC, &start);
	ret = io_run(&drv->io, opcode, 0, commands, &hooks);
	secs = seconds_since(&start);
	if (ret)
		return ret;
	mib = (double)commands * transfer / (1 << 20);
	pr_info("%-5s %.0f MiB in %.2f s = %.1f MiB/s (%.0f commands/s, %llu interrupts)",
		what, mib, secs, mib / secs, commands / secs,
		(unsigned long long)(drv->ioq.interrupts - irqs));
	return 0;
}

/*
 * Step 8: sequential throughput, several commands in flight.  A run longer
 * than the namespace wraps around: the point is how fast commands move,
 * and a small disk should not make the measurement too short to mean
 * anything.
 */
static int measure_throughput(struct driver *drv, const struct options *opt)
{
	__u32 commands = opt->commands;
	int ret;

	step(8, "measuring throughput: %u sequential %u KiB writes, then reads, queue depth %u",
	     commands, opt->transfer >> 10, opt->depth);
	ret = measure(drv, NVME_CMD_WRITE, commands, opt->transfer);
	if (ret)
		return ret;
	return measure(drv, NVME_CMD_READ, commands, opt->transfer);
}

/*
 * Undo whatever was set up, newest first.  The controller stops before its
 * memory is unmapped; the memory is unmapped before the device is closed,
 * although closing the container would unpin it anyway.
 */
static void teardown(struct driver *drv, int n)
{
	long locked = dma_locked_kib();

	if (n)
		step(n, "cleaning up: I/O queue, controller, interrupts, DMA memory, device");
	else
		printf("cleaning up after the error\n");
	if (drv->ioq_created && nvme_delete_io_queue(&drv->ctrl, &drv->ioq))
		pr_info("(deleting the I/O queue failed; disabling the controller stops it anyway)");
	if (drv->ctrl_enabled) {
		nvme_ctrl_shutdown(&drv->ctrl);
		pr_info("controller shut down and disabled (CC.EN=0)");
	}
	if (drv->bus_master)
		vfio_pci_set_bus_master(&drv->dev, 0);
	if (drv->irqs_set)
		vfio_pci_disable_irqs(&drv->dev, VFIO_PCI_MSIX_IRQ_INDEX);
	if (drv->eventfds[0] >= 0)
		close(drv->eventfds[0]);
	if (drv->eventfds[1] >= 0)
		close(drv->eventfds[1]);
	if (drv->pool_mapped)
		dma_pool_destroy(&drv->pool);
	if (drv->bar_mapped)
		vfio_pci_unmap_bar(&drv->bar);
	if (drv->dev_open)
		vfio_pci_close(&drv->dev);
	pr_info("locked memory: %ld KiB before cleanup, %ld KiB after",
		locked, dma_locked_kib());
}

static void print_usage(FILE *out)
{
	fprintf(out,
		"usage: vfio-nvme [-n COMMANDS] [-q DEPTH] [-s KIB] PCI-ADDRESS\n"
		"\n"
		"Drive an NVMe controller bound to vfio-pci from userspace: bring it up,\n"
		"identify it, write a pattern to namespace 1, read it back, and measure\n"
		"sequential throughput.  OVERWRITES the data of namespace 1.\n"
		"\n"
		"  -n COMMANDS  commands per throughput run (default %u); past the end of\n"
		"               the namespace a run wraps around to block 0\n"
		"  -q DEPTH     commands in flight (default %u, 1-%u)\n"
		"  -s KIB       bytes per command in KiB, a multiple of 4 (default %u)\n",
		DEFAULT_COMMANDS, DEFAULT_DEPTH, IO_MAX_DEPTH,
		DEFAULT_TRANSFER >> 10);
}

static int parse_options(int argc, char **argv, struct options *opt)
{
	unsigned long kib;
	int c;

	opt->commands = DEFAULT_COMMANDS;
	opt->depth = DEFAULT_DEPTH;
	opt->transfer = DEFAULT_TRANSFER;
	while ((c = getopt(argc, argv, "n:q:s:h")) != -1) {
		switch (c) {
		case 'n':
			opt->commands = strtoul(optarg, NULL, 0);
			break;
		case 'q':
			opt->depth = strtoul(optarg, NULL, 0);
			break;
		case 's':
			kib = strtoul(optarg, NULL, 0);
			opt->transfer = kib << 10;
			if (!kib || kib % 4 || kib > 1024)
				opt->transfer = 0;
			break;
		case 'h':
			print_usage(stdout);
			exit(0);
		default:
			return -1;
		}
	}
	if (optind != argc - 1 || !opt->commands || !opt->depth ||
	    opt->depth > IO_MAX_DEPTH || !opt->transfer)
		return -1;
	/* Accept "00:06.0" for "0000:00:06.0", as lspci prints it. */
	if (strchr(argv[optind], ':') == strrchr(argv[optind], ':'))
		snprintf(opt->bdf, sizeof(opt->bdf), "0000:%s", argv[optind]);
	else
		snprintf(opt->bdf, sizeof(opt->bdf), "%s", argv[optind]);
	return 0;
}

int main(int argc, char **argv)
{
	struct driver drv = { .eventfds = { -1, -1 } };
	struct options opt;
	int ret;

	/* The console may be a serial line shared with stderr: no buffering. */
	setvbuf(stdout, NULL, _IONBF, 0);
	if (parse_options(argc, argv, &opt)) {
		print_usage(stderr);
		return 2;
	}

	ret = open_device(&drv, &opt);
	if (!ret)
		ret = map_registers(&drv);
	if (!ret)
		ret = map_dma_memory(&drv, &opt);
	if (!ret)
		ret = enable_controller(&drv);
	if (!ret)
		ret = identify(&drv, &opt);
	if (!ret)
		ret = create_io_queue(&drv, &opt);
	if (!ret)
		ret = write_and_verify(&drv, &opt);
	if (!ret)
		ret = measure_throughput(&drv, &opt);

	if (drv.dev_open)
		teardown(&drv, ret ? 0 : STEPS);
	if (ret) {
		fprintf(stderr, "vfio-nvme: failed, nothing is left mapped or pinned\n");
		return 1;
	}
	printf("done: %s works from userspace through VFIO\n", opt.bdf);
	return 0;
}
