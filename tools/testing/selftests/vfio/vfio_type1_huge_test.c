// SPDX-License-Identifier: GPL-2.0-only
/*
 * Large IOMMU pages from large user pages: memory backed by THP or by
 * hugetlbfs must reach the IOMMU as runs the IOMMU core can map with its
 * 2 MiB (or 1 GiB) pages, in few calls.
 *
 * The evidence is vfio_iommu_type1's debugfs "stats" file: how many
 * iommu_map()/iommu_map_sg() calls it made, and how many IOMMU pages of
 * each size those calls created (computed with the IOMMU core's rule: the
 * largest supported size the IOVA and the physical address are both
 * aligned to and that fits).  Without that file (another type1 module)
 * the tests skip.
 */
#include <sys/mman.h>

#include "type1_util.h"

#include "kselftest_harness.h"

#ifndef MAP_HUGE_2MB
#define MAP_HUGE_2MB	(21 << MAP_HUGE_SHIFT)
#endif
#ifndef MAP_HUGE_1GB
#define MAP_HUGE_1GB	(30 << MAP_HUGE_SHIFT)
#endif

/* 1 GiB aligned, in the upper usable range on x86 (past the MSI window) */
#define IOVA		0x100000000ULL

#define HUGETLB_2M	"/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages"
#define HUGETLB_1G	"/sys/kernel/mm/hugepages/hugepages-1048576kB/nr_hugepages"

/**
 * struct t1_counts - a snapshot of the module's counters
 * @calls: iommu_map()/iommu_map_sg() calls
 * @unmaps: iommu_unmap_fast() calls
 * @p4k: 4 KiB IOMMU pages created
 * @p2m: 2 MiB IOMMU pages created
 * @p1g: 1 GiB IOMMU pages created
 */
struct t1_counts {
	long long calls, unmaps, p4k, p2m, p1g;
};

static void t1_counts_read(struct t1_counts *c)
{
	c->calls = t1_stat("map_calls");
	c->unmaps = t1_stat("unmap_calls");
	c->p4k = t1_stat_pages(SZ_4K);
	c->p2m = t1_stat_pages(SZ_2M);
	c->p1g = t1_stat_pages(SZ_1G);
}

/* Counters moved from @before to now, in @delta. */
static void t1_counts_delta(const struct t1_counts *before,
			    struct t1_counts *delta)
{
	struct t1_counts now;

	t1_counts_read(&now);
	delta->calls = now.calls - before->calls;
	delta->unmaps = now.unmaps - before->unmaps;
	delta->p4k = now.p4k - before->p4k;
	delta->p2m = now.p2m - before->p2m;
	delta->p1g = now.p1g - before->p1g;
}

/**
 * struct huge_ctx - what a test maps into and compares with
 * @container: the container
 * @pgsizes: its IOMMU page sizes
 * @pins: pinned pages before the test
 * @before: the module's counters before the test
 */
struct huge_ctx {
	int container;
	uint64_t pgsizes;
	long long pins;
	struct t1_counts before;
};

FIXTURE(huge) {
	int group;
	struct huge_ctx ctx;
};

FIXTURE_SETUP(huge)
{
	struct vfio_iommu_type1_info *info;

	self->ctx.container = -1;
	self->group = -1;
	if (!t1_ndevices)
		SKIP(return, "no PCI device bound to a VFIO driver");
	if (t1_stat("map_calls") < 0)
		SKIP(return, "%s unreadable (not our vfio_iommu_type1)",
		     T1_DEBUGFS_STATS);
	self->ctx.container = t1_container_open(&t1_devices[0],
						VFIO_TYPE1v2_IOMMU,
						&self->group);
	ASSERT_LE(0, self->ctx.container);
	info = t1_get_info(self->ctx.container);
	ASSERT_NE(NULL, info);
	self->ctx.pgsizes = info->iova_pgsizes;
	free(info);
	TH_LOG("IOMMU page sizes %#llx",
	       (unsigned long long)self->ctx.pgsizes);
	self->ctx.pins = t1_pins_outstanding();
	t1_counts_read(&self->ctx.before);
}

FIXTURE_TEARDOWN(huge)
{
	if (self->group >= 0)
		close(self->group);
	if (self->ctx.container >= 0)
		close(self->ctx.container);
}

static void t1_log(struct __test_metadata *_metadata, const char *what,
		   const struct t1_counts *d)
{
	TH_LOG("%s: %lld map calls, %lld unmap calls, IOMMU pages: %lld x 4K, %lld x 2M, %lld x 1G",
	       what, d->calls, d->unmaps, d->p4k, d->p2m, d->p1g);
}

/* Map @buf, check the IOMMU page sizes used, unmap, check nothing stays. */
static void t1_map_check(struct __test_metadata *_metadata,
			 struct huge_ctx *ctx, const char *what, void *buf,
			 uint64_t size, uint64_t expect_pgsize)
{
	struct t1_counts d;

	ASSERT_EQ(0, t1_map(ctx->container, buf, IOVA, size, T1_RW));
	EXPECT_EQ(ctx->pins + size / SZ_4K, t1_pins_outstanding());
	t1_counts_delta(&ctx->before, &d);
	t1_log(_metadata, what, &d);

	switch (expect_pgsize) {
	case SZ_1G:
		EXPECT_EQ(size / SZ_1G, d.p1g);
		EXPECT_EQ(0, d.p2m);
		EXPECT_EQ(0, d.p4k);
		break;
	case SZ_2M:
		EXPECT_EQ(size / SZ_2M, d.p2m);
		EXPECT_EQ(0, d.p4k);
		break;
	default:
		EXPECT_EQ(size / SZ_4K, d.p4k);
		break;
	}
	/* Whatever the page size: no call per page */
	EXPECT_GE(size / SZ_4K / 256 + 2, d.calls);

	EXPECT_EQ(size, t1_unmap_size(ctx->container, IOVA, size));
	EXPECT_EQ(ctx->pins, t1_pins_settle(ctx->pins));
	t1_counts_delta(&ctx->before, &d);
	/* One unmap call per GiB, not one per page */
	EXPECT_GE((size + SZ_1G - 1) / SZ_1G, d.unmaps);
}

/* The largest IOMMU page the IOMMU offers up to @size. */
static uint64_t t1_best(uint64_t pgsizes, uint64_t size)
{
	if (size >= SZ_1G && (pgsizes & SZ_1G))
		return SZ_1G;
	if (size >= SZ_2M && (pgsizes & SZ_2M))
		return SZ_2M;
	return SZ_4K;
}

/* Does @buf's mapping really use transparent huge pages? */
static bool t1_thp_backed(void *buf)
{
	char line[256];
	bool in_vma = false, thp = false;
	uintptr_t start, end;
	FILE *f = fopen("/proc/self/smaps", "r");

	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx ", &start, &end) == 2) {
			in_vma = start <= (uintptr_t)buf &&
				 (uintptr_t)buf < end;
			continue;
		}
		if (in_vma && !strncmp(line, "AnonHugePages:", 14))
			thp = strtoll(line + 14, NULL, 10) > 0;
	}
	fclose(f);
	return thp;
}

TEST_F(huge, small_pages)
{
	const uint64_t size = 8 * SZ_1M;
	char *buf = t1_alloc_4k(size);

	ASSERT_NE(MAP_FAILED, buf);
	t1_map_check(_metadata, &self->ctx, "4K pages", buf, size, SZ_4K);
	munmap(buf, size);
}

TEST_F(huge, transparent_huge_pages)
{
	const uint64_t size = 32 * SZ_1M;
	char *buf = t1_alloc_thp(size, SZ_2M);

	ASSERT_NE(MAP_FAILED, buf);
	if (!t1_thp_backed(buf))
		SKIP(return, "no transparent huge pages here");
	t1_map_check(_metadata, &self->ctx, "THP", buf, size,
		     t1_best(self->ctx.pgsizes, SZ_2M));
	munmap(buf, size);
}

/*
 * Map @size bytes of @pgsize hugetlbfs pages, raising the pool through
 * @pool if need be (and putting it back).
 */
static void t1_hugetlb(struct __test_metadata *_metadata,
		       struct huge_ctx *ctx, const char *pool,
		       uint64_t pgsize, int huge_flag, uint64_t size)
{
	long long old = read_number(pool);
	char value[32];
	char *buf;

	if (old < 0)
		SKIP(return, "%s: no such hugetlb pool", pool);
	snprintf(value, sizeof(value), "%llu", old + size / pgsize);
	write_file(pool, value);
	buf = mmap(NULL, size, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB | huge_flag, -1, 0);
	if (buf == MAP_FAILED) {
		TH_LOG("%s: %lld pages before, %lld after asking for %s",
		       pool, old, read_number(pool), value);
		snprintf(value, sizeof(value), "%lld", old);
		write_file(pool, value);
		SKIP(return, "no %llu KiB huge pages to be had",
		     (unsigned long long)pgsize / 1024);
	}
	memset(buf, 1, size);
	t1_map_check(_metadata, ctx, pgsize == SZ_1G ? "hugetlb 1G" :
		     "hugetlb 2M", buf, size, t1_best(ctx->pgsizes, pgsize));
	munmap(buf, size);
	snprintf(value, sizeof(value), "%lld", old);
	write_file(pool, value);
}

TEST_F(huge, hugetlbfs_2m)
{
	t1_hugetlb(_metadata, &self->ctx, HUGETLB_2M, SZ_2M, MAP_HUGE_2MB,
		   32 * SZ_1M);
}

TEST_F_TIMEOUT(huge, hugetlbfs_1g, 120)
{
	t1_hugetlb(_metadata, &self->ctx, HUGETLB_1G, SZ_1G, MAP_HUGE_1GB, SZ_1G);
}

TEST_F(huge, disable_hugepages)
{
	const char *param = T1_MODULE_PARAMS "/disable_hugepages";
	const uint64_t size = 4 * SZ_1M;
	char *buf = t1_alloc_thp(size, SZ_2M);
	struct t1_counts d;
	int ret;

	ASSERT_NE(MAP_FAILED, buf);
	if (write_file(param, "1"))
		SKIP(return, "cannot set %s", param);
	ret = t1_map(self->ctx.container, buf, IOVA, size, T1_RW);
	write_file(param, "0");
	ASSERT_EQ(0, ret);

	/* One 4 KiB IOMMU page per page, whatever backs the memory */
	t1_counts_delta(&self->ctx.before, &d);
	t1_log(_metadata, "disable_hugepages=1", &d);
	EXPECT_EQ(size / SZ_4K, d.p4k);
	EXPECT_EQ(0, d.p2m);
	EXPECT_EQ(size, t1_unmap_size(self->ctx.container, IOVA, size));
	EXPECT_EQ(self->ctx.pins, t1_pins_settle(self->ctx.pins));
	munmap(buf, size);
}

TEST_HARNESS_MAIN
