// SPDX-License-Identifier: GPL-2.0-only
/*
 * The type1 IOMMU backend through its uAPI: VFIO_CHECK_EXTENSION,
 * VFIO_IOMMU_GET_INFO, VFIO_IOMMU_MAP_DMA and VFIO_IOMMU_UNMAP_DMA in both
 * models (v1 and v2), with every errno they document triggered on purpose,
 * and the memory they pin: pinned pages and locked memory must come back
 * after an unmap, a close, and the death of a process in the middle of a
 * large map.
 *
 * The tests need a PCI device bound to a VFIO driver (type1_util.h binds
 * the VM's spare devices); without one they skip.
 */
#include <signal.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <sys/wait.h>

#include "type1_util.h"

#include "kselftest_harness.h"

/* Well inside the first usable range of every IOMMU we run on. */
#define IOVA		0x1000000ULL
/* For large mappings: 1 GiB, below the x86 MSI window. */
#define IOVA_HIGH	0x40000000ULL

#define PAGE		((uint64_t)sysconf(_SC_PAGESIZE))

/* The x86 MSI window, a reserved region of every group there */
#define T1_X86_MSI_FIRST	0xfee00000ULL
#define T1_X86_MSI_LAST		0xfeefffffULL

static bool t1_x86(void)
{
	struct utsname u;

	return !uname(&u) && (!strcmp(u.machine, "x86_64") ||
			      (u.machine[0] == 'i' &&
			       !strcmp(u.machine + 2, "86")));
}

static const char *no_device = "no PCI device bound to a VFIO driver";

FIXTURE(type1) {
	int container;
	int group;
};

FIXTURE_VARIANT(type1) {
	unsigned long model;
};

FIXTURE_VARIANT_ADD(type1, v1) {
	.model = VFIO_TYPE1_IOMMU,
};

FIXTURE_VARIANT_ADD(type1, v2) {
	.model = VFIO_TYPE1v2_IOMMU,
};

FIXTURE_SETUP(type1)
{
	self->container = -1;
	self->group = -1;
	if (!t1_ndevices)
		SKIP(return, "%s", no_device);
	self->container = t1_container_open(&t1_devices[0], variant->model,
					    &self->group);
	ASSERT_LE(0, self->container)
		TH_LOG("container with group %d: %s", t1_devices[0].group,
		       strerror(-self->container));
}

FIXTURE_TEARDOWN(type1)
{
	if (self->group >= 0)
		close(self->group);
	if (self->container >= 0)
		close(self->container);
}

/* VFIO_CHECK_EXTENSION */

TEST(extensions_before_set_iommu)
{
	int container = open(VFIO_CONTAINER_PATH, O_RDWR | O_CLOEXEC);

	if (container < 0)
		SKIP(return, "%s: %s", VFIO_CONTAINER_PATH, strerror(errno));
	if (access("/sys/module/vfio_iommu_type1", F_OK))
		SKIP(return, "vfio_iommu_type1 is not loaded");

	/* Any backend the container could still choose answers. */
	EXPECT_EQ(1, ioctl(container, VFIO_CHECK_EXTENSION, VFIO_TYPE1_IOMMU));
	EXPECT_EQ(1, ioctl(container, VFIO_CHECK_EXTENSION,
			   VFIO_TYPE1v2_IOMMU));
	EXPECT_EQ(1, ioctl(container, VFIO_CHECK_EXTENSION, VFIO_UNMAP_ALL));
	/* These depend on the groups, which are not there yet. */
	EXPECT_EQ(0, ioctl(container, VFIO_CHECK_EXTENSION, VFIO_UPDATE_VADDR));
	EXPECT_EQ(0, ioctl(container, VFIO_CHECK_EXTENSION, VFIO_DMA_CC_IOMMU));
	close(container);
}

TEST_F(type1, extensions)
{
	EXPECT_EQ(1, ioctl(self->container, VFIO_CHECK_EXTENSION,
			   VFIO_TYPE1_IOMMU));
	EXPECT_EQ(1, ioctl(self->container, VFIO_CHECK_EXTENSION,
			   VFIO_TYPE1v2_IOMMU));
	EXPECT_EQ(1, ioctl(self->container, VFIO_CHECK_EXTENSION,
			   VFIO_UNMAP_ALL));
	EXPECT_EQ(1, ioctl(self->container, VFIO_CHECK_EXTENSION,
			   VFIO_UPDATE_VADDR));
	/* Whether the IOMMU snoops is the hardware's business: 0 or 1. */
	EXPECT_LE(0, ioctl(self->container, VFIO_CHECK_EXTENSION,
			   VFIO_DMA_CC_IOMMU));
	EXPECT_GE(1, ioctl(self->container, VFIO_CHECK_EXTENSION,
			   VFIO_DMA_CC_IOMMU));
	EXPECT_EQ(0, ioctl(self->container, VFIO_CHECK_EXTENSION,
			   VFIO_SPAPR_TCE_IOMMU));
	EXPECT_EQ(0, ioctl(self->container, VFIO_CHECK_EXTENSION, 0x7777));
}

TEST_F(type1, unknown_ioctl)
{
	EXPECT_ERRNO(ENOTTY, ioctl(self->container,
				   _IO(VFIO_TYPE, VFIO_BASE + 60)));
	/* VFIO numbers with a direction or size encoded are not ours. */
	EXPECT_ERRNO(ENOTTY, ioctl(self->container,
				   _IOW(VFIO_TYPE, VFIO_BASE + 13, int), 0));
}

/* VFIO_IOMMU_GET_INFO */

TEST_F(type1, get_info_argsz)
{
	struct {
		struct vfio_iommu_type1_info info;
		uint32_t canary;
	} buf;
	/* Up to and including iova_pgsizes */
	const uint32_t minsz = offsetof(struct vfio_iommu_type1_info,
					cap_offset);

	memset(&buf, 0xa5, sizeof(buf));
	buf.info.argsz = minsz - 1;
	EXPECT_ERRNO(EINVAL, ioctl(self->container, VFIO_IOMMU_GET_INFO, &buf));

	/* The minimum: 16 bytes come back, nothing after them. */
	memset(&buf, 0xa5, sizeof(buf));
	buf.info.argsz = minsz;
	ASSERT_EQ(0, ioctl(self->container, VFIO_IOMMU_GET_INFO, &buf));
	EXPECT_EQ(VFIO_IOMMU_INFO_PGSIZES | VFIO_IOMMU_INFO_CAPS,
		  buf.info.flags);
	EXPECT_NE(0, buf.info.iova_pgsizes & PAGE);
	EXPECT_LT(sizeof(buf.info), buf.info.argsz);
	EXPECT_EQ(0xa5a5a5a5, buf.info.cap_offset);
	EXPECT_EQ(0xa5a5a5a5, buf.canary);

	/* Room for the struct, not the chain: argsz says how much is needed. */
	memset(&buf, 0xa5, sizeof(buf));
	buf.info.argsz = sizeof(buf.info);
	buf.info.flags = ~0U;	/* an output field: whatever is passed */
	ASSERT_EQ(0, ioctl(self->container, VFIO_IOMMU_GET_INFO, &buf));
	EXPECT_EQ(VFIO_IOMMU_INFO_PGSIZES | VFIO_IOMMU_INFO_CAPS,
		  buf.info.flags);
	EXPECT_EQ(0, buf.info.cap_offset);
	EXPECT_LT(sizeof(buf.info), buf.info.argsz);
	EXPECT_EQ(0xa5a5a5a5, buf.canary);

	EXPECT_ERRNO(EFAULT, ioctl(self->container, VFIO_IOMMU_GET_INFO,
				   (void *)16));
}

TEST_F(type1, get_info_caps)
{
	struct vfio_iommu_type1_info_cap_migration *migration;
	struct vfio_iommu_type1_info_cap_iova_range *ranges;
	struct vfio_iommu_type1_info_dma_avail *avail;
	struct vfio_iommu_type1_info *info;
	long long limit;
	uint32_t i;

	info = t1_get_info(self->container);
	ASSERT_NE(NULL, info);
	EXPECT_EQ(VFIO_IOMMU_INFO_PGSIZES | VFIO_IOMMU_INFO_CAPS, info->flags);
	EXPECT_EQ(sizeof(*info), info->cap_offset);
	/* Never a size below a page; the smallest is the map granularity. */
	EXPECT_EQ(0, info->iova_pgsizes & (PAGE - 1));
	EXPECT_NE(0, info->iova_pgsizes & PAGE);

	migration = (void *)t1_info_cap(info,
					VFIO_IOMMU_TYPE1_INFO_CAP_MIGRATION);
	ASSERT_NE(NULL, migration);
	EXPECT_EQ(1, migration->header.version);
	EXPECT_EQ(0, migration->flags);
	EXPECT_EQ(info->iova_pgsizes & -info->iova_pgsizes,
		  migration->pgsize_bitmap);
	/* INT_MAX pages' worth of bits, rounded to u64 words. */
	EXPECT_EQ(1ULL << 28, migration->max_dirty_bitmap_size);

	avail = (void *)t1_info_cap(info, VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL);
	ASSERT_NE(NULL, avail);
	EXPECT_EQ(1, avail->header.version);
	limit = read_number(T1_MODULE_PARAMS "/dma_entry_limit");
	if (limit >= 0)
		EXPECT_EQ(limit, avail->avail);

	ranges = (void *)t1_info_cap(info,
				     VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE);
	ASSERT_NE(NULL, ranges);
	EXPECT_EQ(1, ranges->header.version);
	ASSERT_LE(1, ranges->nr_iovas);
	for (i = 0; i < ranges->nr_iovas; i++) {
		struct vfio_iova_range *r = &ranges->iova_ranges[i];

		TH_LOG("usable IOVA range %u: %#llx-%#llx", i,
		       (unsigned long long)r->start,
		       (unsigned long long)r->end);
		EXPECT_LE(r->start, r->end);
		if (i)
			EXPECT_LT(r[-1].end + 1, r->start);
		/* The interrupt window is reserved on x86. */
		if (t1_x86()) {
			EXPECT_FALSE(r->start <= T1_X86_MSI_FIRST &&
				     r->end >= T1_X86_MSI_FIRST);
			EXPECT_FALSE(r->start <= T1_X86_MSI_LAST &&
				     r->end >= T1_X86_MSI_LAST);
		}
	}
	free(info);
}

/* VFIO_IOMMU_MAP_DMA and VFIO_IOMMU_UNMAP_DMA */

TEST_F(type1, map_unmap)
{
	long long avail = t1_dma_avail(self->container);
	char *buf = t1_alloc_4k(SZ_64K);

	ASSERT_NE(MAP_FAILED, buf);
	ASSERT_EQ(0, t1_map(self->container, buf, IOVA, SZ_64K, T1_RW));
	EXPECT_EQ(avail - 1, t1_dma_avail(self->container));
	EXPECT_EQ(SZ_64K, t1_unmap_size(self->container, IOVA, SZ_64K));
	EXPECT_EQ(avail, t1_dma_avail(self->container));
	/* Nothing there any more: success, zero bytes. */
	EXPECT_EQ(0, t1_unmap_size(self->container, IOVA, SZ_64K));

	/* One direction only is fine too. */
	EXPECT_EQ(0, t1_map(self->container, buf, IOVA, SZ_64K,
			    VFIO_DMA_MAP_FLAG_READ));
	EXPECT_EQ(0, t1_map(self->container, buf, IOVA + SZ_64K, SZ_64K,
			    VFIO_DMA_MAP_FLAG_WRITE));
	EXPECT_EQ(2 * SZ_64K, t1_unmap_size(self->container, IOVA,
					    2 * SZ_64K));

	/* A larger argsz (a newer caller) is accepted. */
	{
		struct {
			struct vfio_iommu_type1_dma_map map;
			char future[64];
		} big = {
			.map = {
				.argsz = sizeof(big),
				.flags = T1_RW,
				.vaddr = (uintptr_t)buf,
				.iova = IOVA,
				.size = SZ_64K,
			},
		};

		EXPECT_EQ(0, ioctl(self->container, VFIO_IOMMU_MAP_DMA, &big));
		EXPECT_EQ(SZ_64K, t1_unmap_size(self->container, IOVA, SZ_64K));
	}
	munmap(buf, SZ_64K);
}

TEST_F(type1, map_errnos)
{
	struct vfio_iommu_type1_dma_map map = {
		.argsz = sizeof(map), .flags = T1_RW, .iova = IOVA,
		.size = SZ_64K,
	};
	char *buf = t1_alloc_4k(2 * SZ_64K), *gone, *ro;
	long long pins = t1_pins_outstanding();
	int c = self->container;

	ASSERT_NE(MAP_FAILED, buf);
	map.vaddr = (uintptr_t)buf;

	/* argsz and flags */
	map.argsz = sizeof(map) - 1;
	EXPECT_ERRNO(EINVAL, ioctl(c, VFIO_IOMMU_MAP_DMA, &map));
	map.argsz = sizeof(map);
	map.flags = T1_RW | (1 << 3);
	EXPECT_ERRNO(EINVAL, ioctl(c, VFIO_IOMMU_MAP_DMA, &map));
	map.flags = 0;
	EXPECT_ERRNO(EINVAL, ioctl(c, VFIO_IOMMU_MAP_DMA, &map));
	map.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_VADDR;
	EXPECT_ERRNO(EINVAL, ioctl(c, VFIO_IOMMU_MAP_DMA, &map));
	EXPECT_ERRNO(EFAULT, ioctl(c, VFIO_IOMMU_MAP_DMA, (void *)16));

	/* Sizes and alignment */
	EXPECT_ERRNO(EINVAL, t1_map(c, buf, IOVA, 0, T1_RW));
	EXPECT_ERRNO(EINVAL, t1_map(c, buf, IOVA, SZ_64K - 1, T1_RW));
	EXPECT_ERRNO(EINVAL, t1_map(c, buf, IOVA + 1, SZ_64K, T1_RW));
	EXPECT_ERRNO(EINVAL, t1_map(c, buf + 1, IOVA, SZ_64K, T1_RW));

	/* Wrap-around of the IOVA or of the user address */
	EXPECT_ERRNO(EINVAL, t1_map(c, buf, -PAGE, 2 * PAGE, T1_RW));
	EXPECT_ERRNO(EINVAL, t1_map(c, (void *)-PAGE, IOVA, 2 * PAGE, T1_RW));

	/* Overlaps: exact, head, tail, inside, around */
	ASSERT_EQ(0, t1_map(c, buf, IOVA, SZ_64K, T1_RW));
	EXPECT_ERRNO(EEXIST, t1_map(c, buf, IOVA, SZ_64K, T1_RW));
	EXPECT_ERRNO(EEXIST, t1_map(c, buf, IOVA - PAGE, 2 * PAGE, T1_RW));
	EXPECT_ERRNO(EEXIST, t1_map(c, buf, IOVA + SZ_64K - PAGE, 2 * PAGE,
				    T1_RW));
	EXPECT_ERRNO(EEXIST, t1_map(c, buf, IOVA + PAGE, PAGE, T1_RW));
	EXPECT_ERRNO(EEXIST, t1_map(c, buf, IOVA - PAGE, SZ_64K + 2 * PAGE,
				    T1_RW));
	/* Neighbours are not overlaps. */
	EXPECT_EQ(0, t1_map(c, buf, IOVA - PAGE, PAGE, T1_RW));
	EXPECT_EQ(0, t1_map(c, buf, IOVA + SZ_64K, PAGE, T1_RW));
	EXPECT_EQ(SZ_64K + 2 * PAGE, t1_unmap_size(c, IOVA - PAGE,
						   SZ_64K + 2 * PAGE));

	/* Memory that is not there, wholly or from the middle on */
	gone = mmap(NULL, SZ_64K, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, gone);
	munmap(gone, SZ_64K);
	EXPECT_ERRNO(EFAULT, t1_map(c, gone, IOVA, SZ_64K, T1_RW));
	munmap(buf + SZ_64K, SZ_64K);
	EXPECT_ERRNO(EFAULT, t1_map(c, buf, IOVA, 2 * SZ_64K, T1_RW));
	/* A failed map leaves nothing behind. */
	EXPECT_EQ(pins, t1_pins_settle(pins));
	EXPECT_EQ(0, t1_locked_bytes());
	EXPECT_EQ(0, t1_unmap_size(c, IOVA, 2 * SZ_64K));

	/* Read-only memory: the device may read it, not write it */
	ro = mmap(NULL, SZ_64K, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, ro);
	EXPECT_ERRNO(EFAULT, t1_map(c, ro, IOVA, SZ_64K, T1_RW));
	EXPECT_EQ(0, t1_map(c, ro, IOVA, SZ_64K, VFIO_DMA_MAP_FLAG_READ));
	EXPECT_EQ(SZ_64K, t1_unmap_size(c, IOVA, SZ_64K));
	munmap(ro, SZ_64K);
	munmap(buf, SZ_64K);
	EXPECT_EQ(pins, t1_pins_settle(pins));
}

TEST_F(type1, map_outside_iova_ranges)
{
	struct vfio_iommu_type1_info_cap_iova_range *ranges;
	struct vfio_iommu_type1_info *info;
	struct vfio_iova_range *first, *last;
	int c = self->container;
	char *buf = t1_alloc_4k(2 * PAGE);

	ASSERT_NE(MAP_FAILED, buf);
	info = t1_get_info(c);
	ASSERT_NE(NULL, info);
	ranges = (void *)t1_info_cap(info,
				     VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE);
	ASSERT_NE(NULL, ranges);
	first = &ranges->iova_ranges[0];
	last = &ranges->iova_ranges[ranges->nr_iovas - 1];

	/* Each end of each range is usable, one page past it is not. */
	EXPECT_EQ(0, t1_map(c, buf, first->start, PAGE, T1_RW));
	EXPECT_EQ(PAGE, t1_unmap_size(c, first->start, PAGE));
	EXPECT_EQ(0, t1_map(c, buf, last->end + 1 - PAGE, PAGE, T1_RW));
	EXPECT_EQ(PAGE, t1_unmap_size(c, last->end + 1 - PAGE, PAGE));
	if (last->end != ~0ULL) {
		EXPECT_ERRNO(EINVAL, t1_map(c, buf, last->end + 1, PAGE,
					    T1_RW));
		EXPECT_ERRNO(EINVAL, t1_map(c, buf, last->end + 1 - PAGE,
					    2 * PAGE, T1_RW));
	}
	if (first->start)
		EXPECT_ERRNO(EINVAL, t1_map(c, buf, first->start - PAGE, PAGE,
					    T1_RW));

	/* A hole between ranges (the MSI window on x86) */
	if (ranges->nr_iovas > 1) {
		EXPECT_ERRNO(EINVAL, t1_map(c, buf, first->end + 1, PAGE,
					    T1_RW));
		EXPECT_ERRNO(EINVAL, t1_map(c, buf, first->end + 1 - PAGE,
					    2 * PAGE, T1_RW));
	} else {
		TH_LOG("one IOVA range only: no hole to test");
	}
	if (t1_x86())
		EXPECT_ERRNO(EINVAL, t1_map(c, buf, T1_X86_MSI_FIRST, PAGE,
					    T1_RW));
	free(info);
	munmap(buf, 2 * PAGE);
}

TEST_F(type1, unmap_errnos)
{
	struct {
		struct vfio_iommu_type1_dma_unmap unmap;
		struct vfio_bitmap bitmap;
	} arg = {
		.unmap = { .argsz = sizeof(arg.unmap), .iova = IOVA,
			   .size = SZ_64K },
	};
	int c = self->container;
	uint64_t n;

	arg.unmap.argsz = sizeof(arg.unmap) - 1;
	EXPECT_ERRNO(EINVAL, ioctl(c, VFIO_IOMMU_UNMAP_DMA, &arg));
	arg.unmap.argsz = sizeof(arg.unmap);
	arg.unmap.flags = 1 << 3;
	EXPECT_ERRNO(EINVAL, ioctl(c, VFIO_IOMMU_UNMAP_DMA, &arg));
	EXPECT_ERRNO(EFAULT, ioctl(c, VFIO_IOMMU_UNMAP_DMA, (void *)16));

	EXPECT_ERRNO(EINVAL, t1_unmap(c, IOVA, 0, 0, &n));
	EXPECT_ERRNO(EINVAL, t1_unmap(c, IOVA + 1, SZ_64K, 0, &n));
	EXPECT_ERRNO(EINVAL, t1_unmap(c, IOVA, SZ_64K + 1, 0, &n));
	EXPECT_ERRNO(EINVAL, t1_unmap(c, -PAGE, 2 * PAGE, 0, &n));

	/* ALL means everything: no range may be given with it */
	EXPECT_ERRNO(EINVAL, t1_unmap(c, IOVA, 0, VFIO_DMA_UNMAP_FLAG_ALL,
				      &n));
	EXPECT_ERRNO(EINVAL, t1_unmap(c, 0, SZ_64K, VFIO_DMA_UNMAP_FLAG_ALL,
				      &n));

	/* A dirty bitmap needs tracking on, a range, and room for itself */
	EXPECT_ERRNO(EINVAL, t1_unmap(c, IOVA, SZ_64K,
				      VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP,
				      &n));
	EXPECT_ERRNO(EINVAL, t1_unmap(c, 0, 0,
				      VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP |
				      VFIO_DMA_UNMAP_FLAG_ALL, &n));
	EXPECT_ERRNO(EINVAL, t1_unmap(c, IOVA, SZ_64K,
				      VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP |
				      VFIO_DMA_UNMAP_FLAG_VADDR, &n));
}

TEST_F(type1, unmap_semantics)
{
	char *buf = t1_alloc_4k(3 * SZ_64K);
	int c = self->container;
	uint64_t n;

	ASSERT_NE(MAP_FAILED, buf);
	/* A and B adjacent, C further up */
	ASSERT_EQ(0, t1_map(c, buf, IOVA, SZ_64K, T1_RW));
	ASSERT_EQ(0, t1_map(c, buf + SZ_64K, IOVA + SZ_64K, SZ_64K, T1_RW));
	ASSERT_EQ(0, t1_map(c, buf + 2 * SZ_64K, IOVA + SZ_1M, SZ_64K,
			    T1_RW));

	if (variant->model == VFIO_TYPE1v2_IOMMU) {
		/* v2: a request must not cut a mapping, at either end */
		EXPECT_ERRNO(EINVAL, t1_unmap(c, IOVA + PAGE, PAGE, 0, &n));
		EXPECT_ERRNO(EINVAL, t1_unmap(c, IOVA, PAGE, 0, &n));
		EXPECT_ERRNO(EINVAL, t1_unmap(c, IOVA, SZ_64K + PAGE, 0, &n));
		EXPECT_ERRNO(EINVAL, t1_unmap(c, IOVA - PAGE, 2 * PAGE, 0,
					      &n));
		/* Empty ranges unmap nothing, successfully */
		EXPECT_EQ(0, t1_unmap_size(c, IOVA + 2 * SZ_64K, SZ_64K));
		/* Several mappings and the gaps between them at once */
		EXPECT_EQ(3 * SZ_64K, t1_unmap_size(c, IOVA - SZ_64K,
						    SZ_1M + 2 * SZ_64K));
	} else {
		/* v1: starting inside a mapping unmaps nothing */
		EXPECT_EQ(0, t1_unmap_size(c, IOVA + PAGE, PAGE));
		EXPECT_EQ(0, t1_unmap_size(c, IOVA + PAGE, 4 * SZ_64K));
		/* Covering the first page takes the whole mapping */
		EXPECT_EQ(SZ_64K, t1_unmap_size(c, IOVA, PAGE));
		/* Ending inside one (B) takes it whole as well */
		EXPECT_EQ(SZ_64K, t1_unmap_size(c, IOVA, SZ_64K + PAGE));
		EXPECT_EQ(SZ_64K, t1_unmap_size(c, IOVA, 2 * SZ_1M));
	}
	EXPECT_EQ(0, t1_unmap(c, 0, 0, VFIO_DMA_UNMAP_FLAG_ALL, &n));
	EXPECT_EQ(0, n);
	munmap(buf, 3 * SZ_64K);
}

TEST_F(type1, unmap_all)
{
	long long avail = t1_dma_avail(self->container);
	long long pins = t1_pins_outstanding();
	char *buf = t1_alloc_4k(4 * SZ_64K);
	int c = self->container, i;
	uint64_t n;

	ASSERT_NE(MAP_FAILED, buf);
	for (i = 0; i < 4; i++)
		ASSERT_EQ(0, t1_map(c, buf + i * SZ_64K, IOVA + i * SZ_1M,
				    SZ_64K, T1_RW));
	EXPECT_EQ(pins + 4 * SZ_64K / PAGE, t1_pins_outstanding());
	EXPECT_EQ(0, t1_unmap(c, 0, 0, VFIO_DMA_UNMAP_FLAG_ALL, &n));
	EXPECT_EQ(4 * SZ_64K, n);
	EXPECT_EQ(avail, t1_dma_avail(c));
	EXPECT_EQ(pins, t1_pins_settle(pins));
	EXPECT_EQ(0, t1_unmap(c, 0, 0, VFIO_DMA_UNMAP_FLAG_ALL, &n));
	EXPECT_EQ(0, n);
	munmap(buf, 4 * SZ_64K);
}

/* VFIO_DMA_UNMAP_FLAG_VADDR and VFIO_DMA_MAP_FLAG_VADDR */

TEST_F(type1, update_vaddr)
{
	long long pins = t1_pins_outstanding();
	int c = self->container, memfd;
	char *buf, *alias;
	uint64_t n;

	/* Shared memory, as a process handing over to its successor has */
	memfd = memfd_create("type1", MFD_CLOEXEC);
	ASSERT_LE(0, memfd);
	ASSERT_EQ(0, ftruncate(memfd, 2 * SZ_64K));
	buf = mmap(NULL, 2 * SZ_64K, PROT_READ | PROT_WRITE, MAP_SHARED,
		   memfd, 0);
	ASSERT_NE(MAP_FAILED, buf);
	alias = mmap(NULL, 2 * SZ_64K, PROT_READ | PROT_WRITE, MAP_SHARED,
		     memfd, 0);
	ASSERT_NE(MAP_FAILED, alias);
	memset(buf, 1, 2 * SZ_64K);

	ASSERT_EQ(0, t1_map(c, buf, IOVA, SZ_64K, T1_RW));
	ASSERT_EQ(0, t1_map(c, buf + SZ_64K, IOVA + SZ_64K, SZ_64K, T1_RW));

	/* Withdraw A's address: the mapping (and its pins) stay */
	EXPECT_EQ(0, t1_unmap(c, IOVA, SZ_64K, VFIO_DMA_UNMAP_FLAG_VADDR, &n));
	EXPECT_EQ(SZ_64K, n);
	EXPECT_EQ(pins + 2 * SZ_64K / PAGE, t1_pins_outstanding());
	/* Twice is an error, and all or nothing: B keeps its address */
	EXPECT_ERRNO(EINVAL, t1_unmap(c, IOVA, SZ_64K,
				      VFIO_DMA_UNMAP_FLAG_VADDR, &n));
	EXPECT_ERRNO(EINVAL, t1_unmap(c, IOVA, 2 * SZ_64K,
				      VFIO_DMA_UNMAP_FLAG_VADDR, &n));
	EXPECT_ERRNO(EEXIST, t1_map(c, buf, IOVA, SZ_64K, T1_RW));

	/* Re-supplying: only as a whole, only for a withdrawn address */
	EXPECT_ERRNO(EINVAL, t1_map(c, alias, IOVA, SZ_64K,
				    VFIO_DMA_MAP_FLAG_VADDR |
				    VFIO_DMA_MAP_FLAG_READ));
	EXPECT_ERRNO(ENOENT, t1_map(c, alias, IOVA + SZ_1M, SZ_64K,
				    VFIO_DMA_MAP_FLAG_VADDR));
	EXPECT_ERRNO(EINVAL, t1_map(c, alias, IOVA, PAGE,
				    VFIO_DMA_MAP_FLAG_VADDR));
	EXPECT_ERRNO(EINVAL, t1_map(c, alias + SZ_64K, IOVA + SZ_64K, SZ_64K,
				    VFIO_DMA_MAP_FLAG_VADDR));

	/* The same memory at a new address */
	EXPECT_EQ(0, t1_map(c, alias, IOVA, SZ_64K, VFIO_DMA_MAP_FLAG_VADDR));
	EXPECT_ERRNO(EINVAL, t1_map(c, alias, IOVA, SZ_64K,
				    VFIO_DMA_MAP_FLAG_VADDR));
	EXPECT_EQ(pins + 2 * SZ_64K / PAGE, t1_pins_outstanding());

	/* B alone can be withdrawn now, and A and B unmapped together */
	EXPECT_EQ(0, t1_unmap(c, IOVA + SZ_64K, SZ_64K,
			      VFIO_DMA_UNMAP_FLAG_VADDR, &n));
	EXPECT_EQ(2 * SZ_64K, t1_unmap_size(c, IOVA, 2 * SZ_64K));
	EXPECT_EQ(pins, t1_pins_settle(pins));
	EXPECT_EQ(0, t1_locked_bytes());
	munmap(buf, 2 * SZ_64K);
	munmap(alias, 2 * SZ_64K);
	close(memfd);
}

/* Pinned and locked memory */

TEST_F(type1, accounting)
{
	const uint64_t size = 16 * SZ_1M;
	long long pins = t1_pins_outstanding();
	long long locked = t1_locked_bytes();
	char *buf = t1_alloc_4k(size);

	ASSERT_NE(MAP_FAILED, buf);
	ASSERT_EQ(0, t1_map(self->container, buf, IOVA, size, T1_RW));
	EXPECT_EQ(pins + size / PAGE, t1_pins_outstanding());
	EXPECT_EQ(locked + size, t1_locked_bytes());

	EXPECT_EQ(size, t1_unmap_size(self->container, IOVA, size));
	EXPECT_EQ(pins, t1_pins_settle(pins));
	EXPECT_EQ(locked, t1_locked_bytes());

	/* The pages were pinned, not moved or lost: still ours */
	EXPECT_EQ(1, buf[size - PAGE]);
	munmap(buf, size);
}

TEST_F(type1, close_releases_everything)
{
	const uint64_t size = 8 * SZ_1M;
	long long pins = t1_pins_outstanding();
	char *buf = t1_alloc_4k(size);
	int i;

	ASSERT_NE(MAP_FAILED, buf);
	for (i = 0; i < 8; i++)
		ASSERT_EQ(0, t1_map(self->container, buf + i * SZ_1M,
				    IOVA + i * 2 * SZ_1M, SZ_1M, T1_RW));
	EXPECT_EQ(pins + size / PAGE, t1_pins_outstanding());
	EXPECT_EQ(size, t1_locked_bytes());

	/* The group leaves the container (last one): mappings go with it */
	close(self->group);
	self->group = -1;
	EXPECT_EQ(pins, t1_pins_settle(pins));
	EXPECT_EQ(0, t1_locked_bytes());
	close(self->container);
	self->container = -1;
	munmap(buf, size);
}

TEST(exit_releases_everything)
{
	long long pins = t1_pins_outstanding();
	int status, container, group = -1;
	pid_t pid;

	if (!t1_ndevices)
		SKIP(return, "%s", no_device);

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		char *buf = t1_alloc_4k(8 * SZ_1M);

		container = t1_container_open(&t1_devices[0],
					      VFIO_TYPE1v2_IOMMU, &group);
		if (container < 0 || buf == MAP_FAILED)
			_exit(2);
		if (t1_map(container, buf, IOVA, 8 * SZ_1M, T1_RW))
			_exit(3);
		_exit(0);	/* without unmapping or closing anything */
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status));
	EXPECT_EQ(pins, t1_pins_settle(pins));
}

/* For tests that may take longer than the harness's default 30 s. */
FIXTURE(slow) {
	int unused;
};

FIXTURE_SETUP(slow)
{
}

FIXTURE_TEARDOWN(slow)
{
}

TEST_F_TIMEOUT(slow, kill_during_large_map, 120)
{
	const uint64_t size = 512 * SZ_1M;
	long long pins = t1_pins_outstanding(), progress;
	int status, container, group = -1, sync[2];
	char c = 0;
	pid_t pid;
	int i;

	if (!t1_ndevices)
		SKIP(return, "%s", no_device);

	ASSERT_EQ(0, pipe(sync));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		/* Not touched: pinning faults every page in, slowly. */
		char *buf = mmap(NULL, size, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
				 -1, 0);

		container = t1_container_open(&t1_devices[0],
					      VFIO_TYPE1v2_IOMMU, &group);
		if (container < 0 || buf == MAP_FAILED)
			_exit(2);
		madvise(buf, size, MADV_NOHUGEPAGE);
		if (write(sync[1], &c, 1) != 1)
			_exit(2);
		t1_map(container, buf, IOVA_HIGH, size, T1_RW);
		_exit(3);
	}
	close(sync[1]);
	ASSERT_EQ(1, read(sync[0], &c, 1));

	/* Wait for the map to be well under way, then kill it. */
	for (i = 0; i < 20000; i++) {
		progress = t1_pins_outstanding() - pins;
		if (progress >= 4096)
			break;
		usleep(1000);
	}
	kill(pid, SIGKILL);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	TH_LOG("killed with %lld of %llu pages pinned", progress,
	       (unsigned long long)(size / PAGE));
	EXPECT_TRUE(WIFSIGNALED(status));
	EXPECT_EQ(pins, t1_pins_settle(pins));

	/* The group is free again. */
	container = t1_container_open(&t1_devices[0], VFIO_TYPE1v2_IOMMU,
				      &group);
	ASSERT_LE(0, container);
	close(group);
	close(container);
}

TEST(rlimit_memlock)
{
	struct rlimit limit = { .rlim_cur = SZ_1M, .rlim_max = SZ_1M };
	long long pins = t1_pins_outstanding();
	int container, group = -1;
	char *buf;

	if (!t1_ndevices)
		SKIP(return, "%s", no_device);
	/* This test runs in a process of its own: its limits are its own. */
	ASSERT_EQ(0, setrlimit(RLIMIT_MEMLOCK, &limit));
	container = t1_container_open(&t1_devices[0], VFIO_TYPE1v2_IOMMU,
				      &group);
	ASSERT_LE(0, container);
	buf = t1_alloc_4k(4 * SZ_1M);
	ASSERT_NE(MAP_FAILED, buf);

	/* CAP_IPC_LOCK lifts the limit; the memory is still counted */
	ASSERT_EQ(0, t1_map(container, buf, IOVA, 4 * SZ_1M, T1_RW));
	EXPECT_EQ(4 * SZ_1M, t1_locked_bytes());
	EXPECT_EQ(4 * SZ_1M, t1_unmap_size(container, IOVA, 4 * SZ_1M));
	EXPECT_EQ(0, t1_locked_bytes());

	ASSERT_EQ(0, drop_capability(CAP_IPC_LOCK));
	EXPECT_EQ(0, t1_map(container, buf, IOVA, SZ_1M / 2, T1_RW));
	EXPECT_EQ(SZ_1M / 2, t1_locked_bytes());
	EXPECT_ERRNO(ENOMEM, t1_map(container, buf + SZ_1M / 2,
				    IOVA + SZ_1M / 2, SZ_1M, T1_RW));
	EXPECT_EQ(SZ_1M / 2, t1_locked_bytes());
	EXPECT_EQ(pins + SZ_1M / 2 / PAGE, t1_pins_settle(pins + SZ_1M / 2 / PAGE));
	/* Up to the limit exactly is allowed, a page more is not */
	EXPECT_EQ(0, t1_map(container, buf + SZ_1M / 2, IOVA + SZ_1M / 2,
			    SZ_1M / 2, T1_RW));
	EXPECT_EQ(SZ_1M, t1_locked_bytes());
	EXPECT_ERRNO(ENOMEM, t1_map(container, buf + SZ_1M, IOVA + SZ_1M,
				    PAGE, T1_RW));
	EXPECT_EQ(SZ_1M, t1_unmap_size(container, IOVA, 4 * SZ_1M));
	EXPECT_EQ(0, t1_locked_bytes());
	EXPECT_EQ(pins, t1_pins_settle(pins));
	close(group);
	close(container);
}

TEST(dma_entry_limit)
{
	const char *param = T1_MODULE_PARAMS "/dma_entry_limit";
	int container, group = -1, i;
	char old[32], *buf;

	if (!t1_ndevices)
		SKIP(return, "%s", no_device);
	if (read_file(param, old, sizeof(old)) ||
	    write_file(param, "4"))
		SKIP(return, "cannot set %s", param);
	/* The limit is read when the container chooses type1. */
	container = t1_container_open(&t1_devices[0], VFIO_TYPE1v2_IOMMU,
				      &group);
	write_file(param, old);
	ASSERT_LE(0, container);

	buf = t1_alloc_4k(5 * PAGE);
	ASSERT_NE(MAP_FAILED, buf);
	EXPECT_EQ(4, t1_dma_avail(container));
	for (i = 0; i < 4; i++)
		EXPECT_EQ(0, t1_map(container, buf + i * PAGE,
				    IOVA + i * SZ_1M, PAGE, T1_RW));
	EXPECT_EQ(0, t1_dma_avail(container));
	EXPECT_ERRNO(ENOSPC, t1_map(container, buf + 4 * PAGE,
				    IOVA + 4 * SZ_1M, PAGE, T1_RW));
	/* Unmapping gives the entry back */
	EXPECT_EQ(PAGE, t1_unmap_size(container, IOVA, PAGE));
	EXPECT_EQ(0, t1_map(container, buf + 4 * PAGE, IOVA + 4 * SZ_1M,
			    PAGE, T1_RW));
	close(group);
	close(container);
}

/* Several groups and containers */

TEST(two_containers)
{
	long long pins = t1_pins_outstanding();
	int c0, c1, g0, g1;
	char *buf;

	if (t1_ndevices < 2)
		SKIP(return, "two devices in separate groups needed");
	c0 = t1_container_open(&t1_devices[0], VFIO_TYPE1v2_IOMMU, &g0);
	ASSERT_LE(0, c0);
	c1 = t1_container_open(&t1_devices[1], VFIO_TYPE1_IOMMU, &g1);
	ASSERT_LE(0, c1);
	buf = t1_alloc_4k(2 * SZ_64K);
	ASSERT_NE(MAP_FAILED, buf);

	/* Separate IOVA spaces: the same IOVA, different memory */
	EXPECT_EQ(0, t1_map(c0, buf, IOVA, SZ_64K, T1_RW));
	EXPECT_EQ(0, t1_map(c1, buf + SZ_64K, IOVA, SZ_64K, T1_RW));
	EXPECT_EQ(pins + 2 * SZ_64K / PAGE, t1_pins_outstanding());
	EXPECT_EQ(SZ_64K, t1_unmap_size(c0, IOVA, SZ_64K));
	EXPECT_EQ(0, t1_unmap_size(c0, IOVA, SZ_64K));
	EXPECT_EQ(SZ_64K, t1_unmap_size(c1, IOVA, SZ_64K));
	EXPECT_EQ(pins, t1_pins_settle(pins));
	close(g0);
	close(g1);
	close(c0);
	close(c1);
}

TEST(two_groups_one_container)
{
	long long pins = t1_pins_outstanding();
	int container, g0, g1;
	char *buf;

	if (t1_ndevices < 2)
		SKIP(return, "two devices in separate groups needed");
	container = open(VFIO_CONTAINER_PATH, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, container);
	g0 = t1_open_group(&t1_devices[0]);
	ASSERT_LE(0, g0);
	g1 = t1_open_group(&t1_devices[1]);
	ASSERT_LE(0, g1);
	ASSERT_EQ(0, t1_set_container(g0, container));
	ASSERT_EQ(0, t1_set_container(g1, container));
	ASSERT_EQ(0, t1_set_iommu(container, VFIO_TYPE1v2_IOMMU));

	buf = t1_alloc_4k(SZ_1M);
	ASSERT_NE(MAP_FAILED, buf);
	ASSERT_EQ(0, t1_map(container, buf, IOVA, SZ_1M, T1_RW));
	/* Pinned once, however many groups see it */
	EXPECT_EQ(pins + SZ_1M / PAGE, t1_pins_outstanding());
	EXPECT_EQ(SZ_1M, t1_locked_bytes());

	/* One group leaves: the mappings stay for the other */
	ASSERT_EQ(0, ioctl(g1, VFIO_GROUP_UNSET_CONTAINER));
	EXPECT_EQ(pins + SZ_1M / PAGE, t1_pins_outstanding());
	EXPECT_EQ(SZ_1M, t1_unmap_size(container, IOVA, SZ_1M));
	EXPECT_EQ(pins, t1_pins_settle(pins));
	EXPECT_EQ(0, t1_locked_bytes());
	close(g0);
	close(g1);
	close(container);
}

TEST(group_added_after_mappings)
{
	const uint64_t size = 8 * SZ_1M;
	long long pins = t1_pins_outstanding();
	int container, g0, g1;
	char *buf;
	uint64_t n;

	if (t1_ndevices < 2)
		SKIP(return, "two devices in separate groups needed");
	container = t1_container_open(&t1_devices[0], VFIO_TYPE1v2_IOMMU, &g0);
	ASSERT_LE(0, container);
	g1 = t1_open_group(&t1_devices[1]);
	ASSERT_LE(0, g1);
	buf = t1_alloc_thp(size, SZ_2M);
	ASSERT_NE(MAP_FAILED, buf);
	ASSERT_EQ(0, t1_map(container, buf, IOVA, size / 2, T1_RW));
	ASSERT_EQ(0, t1_map(container, buf + size / 2, IOVA + SZ_1G,
			    size / 2, T1_RW));
	EXPECT_EQ(pins + size / PAGE, t1_pins_outstanding());

	/* Not while an address is withdrawn: joining may need to pin */
	ASSERT_EQ(0, t1_unmap(container, IOVA, size / 2,
			      VFIO_DMA_UNMAP_FLAG_VADDR, &n));
	EXPECT_ERRNO(EBUSY, t1_set_container(g1, container));
	ASSERT_EQ(0, t1_map(container, buf, IOVA, size / 2,
			    VFIO_DMA_MAP_FLAG_VADDR));

	/* The mappings are replayed for it, without pinning again */
	ASSERT_EQ(0, t1_set_container(g1, container));
	EXPECT_EQ(pins + size / PAGE, t1_pins_outstanding());
	EXPECT_EQ(size, t1_locked_bytes());
	/* Both groups get new mappings */
	EXPECT_EQ(0, t1_map(container, buf, IOVA + 2 * SZ_1G, SZ_1M, T1_RW));
	EXPECT_EQ(SZ_1M, t1_unmap_size(container, IOVA + 2 * SZ_1G, SZ_1M));

	/* The first group leaves, the second keeps everything */
	ASSERT_EQ(0, ioctl(g0, VFIO_GROUP_UNSET_CONTAINER));
	EXPECT_EQ(pins + size / PAGE, t1_pins_outstanding());
	EXPECT_EQ(0, t1_unmap(container, 0, 0, VFIO_DMA_UNMAP_FLAG_ALL, &n));
	EXPECT_EQ(size, n);
	EXPECT_EQ(pins, t1_pins_settle(pins));
	EXPECT_EQ(0, t1_locked_bytes());
	close(g0);
	close(g1);
	close(container);
}

/* A container of emulated-IOMMU groups (the mock's platform devices) */

static int t1_mock_group(const char *dev)
{
	char path[PATH_MAX], link[PATH_MAX];
	ssize_t len;

	snprintf(path, sizeof(path),
		 "/sys/bus/platform/devices/%s/iommu_group", dev);
	len = readlink(path, link, sizeof(link) - 1);
	if (len <= 0)
		return -1;
	link[len] = '\0';
	snprintf(path, sizeof(path), "/dev/vfio/%s", strrchr(link, '/') + 1);
	return open(path, O_RDWR | O_CLOEXEC);
}

TEST(emulated_groups)
{
	long long pins = t1_pins_outstanding();
	struct vfio_iommu_type1_info *info;
	int container, emulated, real = -1;
	char *buf;
	uint64_t n;

	emulated = t1_mock_group("vfio-mock.0");
	if (emulated < 0)
		SKIP(return, "no emulated-IOMMU group (vfio_mock not loaded)");
	container = open(VFIO_CONTAINER_PATH, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, container);
	ASSERT_EQ(0, t1_set_container(emulated, container));
	ASSERT_EQ(0, t1_set_iommu(container, VFIO_TYPE1v2_IOMMU));

	/* Emulated devices pin on demand: a map pins nothing */
	buf = t1_alloc_4k(SZ_1M);
	ASSERT_NE(MAP_FAILED, buf);
	ASSERT_EQ(0, t1_map(container, buf, IOVA, SZ_1M, T1_RW));
	EXPECT_EQ(pins, t1_pins_outstanding());
	EXPECT_EQ(0, t1_locked_bytes());

	/* No IOMMU, so no IOVA limits to report; no address updates */
	info = t1_get_info(container);
	ASSERT_NE(NULL, info);
	EXPECT_EQ(NULL, t1_info_cap(info,
				    VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE));
	EXPECT_NE(NULL, t1_info_cap(info, VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL));
	free(info);
	EXPECT_EQ(0, ioctl(container, VFIO_CHECK_EXTENSION,
			   VFIO_UPDATE_VADDR));
	EXPECT_ERRNO(EBUSY, t1_unmap(container, IOVA, SZ_1M,
				     VFIO_DMA_UNMAP_FLAG_VADDR, &n));

	/* A real group joins: the existing mapping is pinned now */
	if (t1_ndevices) {
		real = t1_open_group(&t1_devices[0]);
		ASSERT_LE(0, real);
		ASSERT_EQ(0, t1_set_container(real, container));
		EXPECT_EQ(pins + SZ_1M / PAGE, t1_pins_outstanding());
		EXPECT_EQ(SZ_1M, t1_locked_bytes());
		EXPECT_TRUE(t1_iova_usable(container, IOVA, SZ_1M));
		/* ... and unpinned when it leaves again */
		ASSERT_EQ(0, ioctl(real, VFIO_GROUP_UNSET_CONTAINER));
		EXPECT_EQ(pins, t1_pins_settle(pins));
		EXPECT_EQ(0, t1_locked_bytes());
	}

	EXPECT_EQ(SZ_1M, t1_unmap_size(container, IOVA, SZ_1M));
	if (real >= 0)
		close(real);
	close(emulated);
	close(container);
}

TEST_HARNESS_MAIN
