// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio_type1_bench: time VFIO_IOMMU_MAP_DMA and VFIO_IOMMU_UNMAP_DMA of the
 * loaded type1 backend, whichever it is, on a PCI device bound to VFIO.
 *
 *   vfio_type1_bench LABEL [ROUNDS [WORKLOAD,...]]
 *
 * Workloads (each skipped, with a note, when its memory cannot be had):
 *   4k        512 MiB of anonymous memory in 4 KiB pages (THP off)
 *   thp       512 MiB of anonymous memory in transparent huge pages
 *   hugetlb2m 512 MiB of 2 MiB hugetlbfs pages (the pool is raised here)
 *   hugetlb1g 1 GiB of 1 GiB hugetlbfs pages (boot with hugepagesz=1G
 *             hugepages=1 and enough memory)
 *   small     16384 separate 4 KiB mappings, mapped one by one, then
 *             unmapped one by one: the cost of a call
 *   calls     16384 calls that do no IOMMU work: VFIO_GET_API_VERSION
 *             (op=syscall, the system call and the container's ioctl
 *             entry) and VFIO_IOMMU_UNMAP_DMA of a range with nothing
 *             mapped (op=empty_unmap, the backend's fixed cost on top)
 * Memory is touched before the first round, so faulting is not timed;
 * pinning, accounting and IOMMU work are.
 *
 * One line per measurement, for bench/run.sh to collect:
 *   BENCH label=LABEL workload=W op=map|unmap round=N ns=T
 */
#include <sched.h>
#include <time.h>

#include "type1_util.h"

#ifndef MAP_HUGE_2MB
#define MAP_HUGE_2MB	(21 << MAP_HUGE_SHIFT)
#endif
#ifndef MAP_HUGE_1GB
#define MAP_HUGE_1GB	(30 << MAP_HUGE_SHIFT)
#endif

#define IOVA		0x100000000ULL	/* past the x86 MSI window */
#define BIG		(512 * SZ_1M)
#define SMALL_COUNT	16384

#define HUGETLB_2M	"/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages"

static const char *label;
static const char *only;
static int container;

/* Was @workload asked for (all are, by default)? */
static bool wanted(const char *workload)
{
	size_t len = strlen(workload);
	const char *p;

	if (!only)
		return true;
	for (p = only; (p = strstr(p, workload)); p += len)
		if ((p == only || p[-1] == ',') &&
		    (p[len] == ',' || !p[len]))
			return true;
	return false;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void report(const char *workload, const char *op, int round,
		   uint64_t ns)
{
	printf("BENCH label=%s workload=%s op=%s round=%d ns=%llu\n", label,
	       workload, op, round, (unsigned long long)ns);
	fflush(stdout);
}

static void touch(char *buf, size_t size)
{
	size_t off;

	for (off = 0; off < size; off += SZ_4K)
		buf[off] = 1;
}

/* Map and unmap @buf as one mapping @rounds times. */
static int bench_one(const char *workload, char *buf, size_t size,
		     int rounds)
{
	uint64_t t0, t1, t2, unmapped;
	int round, ret;

	for (round = 0; round < rounds; round++) {
		t0 = now_ns();
		ret = t1_map(container, buf, IOVA, size, T1_RW);
		t1 = now_ns();
		if (ret) {
			printf("# %s: map failed: %s\n", workload,
			       strerror(-ret));
			return ret;
		}
		ret = t1_unmap(container, IOVA, size, 0, &unmapped);
		t2 = now_ns();
		if (ret || unmapped != size) {
			printf("# %s: unmap failed: %s\n", workload,
			       strerror(-ret));
			return ret ? ret : -EIO;
		}
		report(workload, "map", round, t1 - t0);
		report(workload, "unmap", round, t2 - t1);
	}
	return 0;
}

/* SMALL_COUNT mappings of one page each, @rounds times. */
static int bench_small(int rounds)
{
	const size_t size = SMALL_COUNT * SZ_4K;
	char *buf = t1_alloc_4k(size);
	uint64_t t0, t1, t2;
	int round, i, ret = 0;

	if (buf == MAP_FAILED)
		return -ENOMEM;
	for (round = 0; round < rounds && !ret; round++) {
		t0 = now_ns();
		for (i = 0; i < SMALL_COUNT && !ret; i++)
			ret = t1_map(container, buf + i * SZ_4K,
				     IOVA + i * 2 * SZ_4K, SZ_4K, T1_RW);
		t1 = now_ns();
		for (i = 0; i < SMALL_COUNT && !ret; i++)
			ret = t1_unmap(container, IOVA + i * 2 * SZ_4K, SZ_4K,
				       0, NULL);
		t2 = now_ns();
		if (ret) {
			printf("# small: call %d failed: %s\n", i,
			       strerror(-ret));
			break;
		}
		report("small", "map", round, t1 - t0);
		report("small", "unmap", round, t2 - t1);
	}
	munmap(buf, size);
	return ret;
}

/* SMALL_COUNT calls that map nothing, @rounds times. */
static int bench_calls(int rounds)
{
	struct vfio_iommu_type1_dma_unmap unmap = {
		.argsz = sizeof(unmap),
		.iova = IOVA,
		.size = SZ_4K,
	};
	uint64_t t0, t1, t2;
	int round, i;

	for (round = 0; round < rounds; round++) {
		t0 = now_ns();
		for (i = 0; i < SMALL_COUNT; i++)
			if (ioctl(container, VFIO_GET_API_VERSION) !=
			    VFIO_API_VERSION)
				return -EIO;
		t1 = now_ns();
		for (i = 0; i < SMALL_COUNT; i++) {
			/* The kernel writes back the bytes unmapped: none. */
			unmap.size = SZ_4K;
			if (ioctl(container, VFIO_IOMMU_UNMAP_DMA, &unmap) ||
			    unmap.size)
				return -EIO;
		}
		t2 = now_ns();
		report("calls", "syscall", round, t1 - t0);
		report("calls", "empty_unmap", round, t2 - t1);
	}
	return 0;
}

static int bench_hugetlb(const char *workload, size_t size, size_t pgsize,
			 int flag, const char *pool, int rounds)
{
	long long old = pool ? read_number(pool) : -1;
	char value[32];
	char *buf;
	int ret;

	if (pool && old >= 0) {
		snprintf(value, sizeof(value), "%llu", old + size / pgsize);
		write_file(pool, value);
	}
	buf = mmap(NULL, size, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB | flag, -1, 0);
	if (buf == MAP_FAILED) {
		printf("# %s: no hugetlbfs pages of %zu KiB to be had\n",
		       workload, pgsize / 1024);
		ret = 0;
	} else {
		touch(buf, size);
		ret = bench_one(workload, buf, size, rounds);
		munmap(buf, size);
	}
	if (pool && old >= 0) {
		snprintf(value, sizeof(value), "%lld", old);
		write_file(pool, value);
	}
	return ret;
}

int main(int argc, char **argv)
{
	int rounds = argc > 2 ? atoi(argv[2]) : 5;
	cpu_set_t cpus;
	int group = -1, ret = 0;
	char *buf;

	if (argc < 2) {
		fprintf(stderr, "usage: %s LABEL [ROUNDS [WORKLOAD,...]]\n",
			argv[0]);
		return 2;
	}
	label = argv[1];
	only = argc > 3 ? argv[3] : NULL;
	if (!t1_ndevices) {
		printf("# no PCI device bound to a VFIO driver\n");
		return 4;
	}
	/* Timings under emulation are far steadier on one CPU. */
	CPU_ZERO(&cpus);
	CPU_SET(0, &cpus);
	sched_setaffinity(0, sizeof(cpus), &cpus);

	container = t1_container_open(&t1_devices[0], VFIO_TYPE1v2_IOMMU,
				      &group);
	if (container < 0) {
		printf("# container: %s\n", strerror(-container));
		return 1;
	}
	printf("# %s: group %d (%s), %d rounds\n", label, t1_devices[0].group,
	       t1_devices[0].bdf, rounds);

	buf = wanted("4k") ? t1_alloc_4k(BIG) : MAP_FAILED;
	if (buf != MAP_FAILED) {
		ret |= bench_one("4k", buf, BIG, rounds);
		munmap(buf, BIG);
	}

	buf = wanted("thp") ? t1_alloc_thp(BIG, SZ_2M) : MAP_FAILED;
	if (buf != MAP_FAILED) {
		ret |= bench_one("thp", buf, BIG, rounds);
		munmap(buf, BIG);
	}

	if (wanted("hugetlb2m"))
		ret |= bench_hugetlb("hugetlb2m", BIG, SZ_2M, MAP_HUGE_2MB,
				     HUGETLB_2M, rounds);
	if (wanted("hugetlb1g"))
		ret |= bench_hugetlb("hugetlb1g", SZ_1G, SZ_1G, MAP_HUGE_1GB,
				     NULL, rounds);
	if (wanted("small"))
		ret |= bench_small(rounds);
	if (wanted("calls"))
		ret |= bench_calls(rounds);

	close(group);
	close(container);
	return ret ? 1 : 0;
}
