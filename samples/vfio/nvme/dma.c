// SPDX-License-Identifier: GPL-2.0-only
/*
 * DMA memory for the sample NVMe driver.
 *
 * Everything the controller reads or writes (queues, identify data, PRP
 * lists, data buffers) comes from a single pool mapped with one
 * VFIO_IOMMU_MAP_DMA: one pinning, one IOVA range, one unmap at the end.
 * A real driver that maps and unmaps per I/O pays for a pin and an IOTLB
 * flush each time; a driver that maps once only pays at setup.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>

#include "dma.h"
#include "log.h"

#ifndef MAP_HUGE_2MB
#define MAP_HUGE_2MB	(21 << 26)	/* log2(2 MiB) << MAP_HUGE_SHIFT */
#endif

#define HUGE_PAGE_SIZE	(2UL << 20)
#define PAGE_SIZE	4096UL

/**
 * dma_locked_kib() - memory charged to this process as locked
 *
 * type1 charges every pinned page to the process's locked memory (VmLck),
 * which is how we can show that nothing stays pinned after cleanup.
 *
 * Return: VmLck in KiB, or -1 if it cannot be read.
 */
long dma_locked_kib(void)
{
	char line[128];
	long kib = -1;
	FILE *status;

	status = fopen("/proc/self/status", "r");
	if (!status)
		return -1;
	while (fgets(line, sizeof(line), status))
		if (sscanf(line, "VmLck: %ld kB", &kib) == 1)
			break;
	fclose(status);
	return kib;
}

/*
 * Explain a failed VFIO_IOMMU_MAP_DMA.  ENOMEM almost always means the
 * locked-memory limit: pinned pages count against it, so the limit must
 * cover the whole pool plus whatever the process has locked already.
 */
static void report_map_failure(int err, size_t size)
{
	unsigned long long need_kib, limit_kib;
	struct rlimit limit;
	long locked_kib;

	pr_err("VFIO_IOMMU_MAP_DMA of %zu KiB failed: %s", size >> 10,
	       strerror(err));
	if (err == ENOSPC) {
		pr_hint("the container has too many mappings (vfio_iommu_type1 dma_entry_limit)");
		return;
	}
	if (err != ENOMEM || getrlimit(RLIMIT_MEMLOCK, &limit))
		return;

	locked_kib = dma_locked_kib();
	need_kib = (size >> 10) + (locked_kib > 0 ? locked_kib : 0);
	if (limit.rlim_cur == RLIM_INFINITY) {
		pr_hint("RLIMIT_MEMLOCK is unlimited, so the system is out of memory");
		return;
	}
	limit_kib = limit.rlim_cur >> 10;
	pr_hint("the pages are pinned and count against RLIMIT_MEMLOCK, which is %llu KiB;",
		limit_kib);
	pr_hint("this driver needs %llu KiB: %zu KiB for DMA + %ld KiB locked already;",
		need_kib, size >> 10, locked_kib > 0 ? locked_kib : 0);
	pr_hint("raise the limit to at least %llu KiB: 'ulimit -l %llu' in the shell,",
		need_kib, need_kib);
	pr_hint("'memlock' in /etc/security/limits.conf, LimitMEMLOCK= for a systemd service,");
	pr_hint("or run with CAP_IPC_LOCK, which is exempt from the limit");
}

/*
 * Huge pages, if the system has some reserved: fewer pages to pin and
 * 2 MiB IOMMU mappings, so fewer IOTLB misses.  Normal memory otherwise,
 * with a hint that transparent huge pages would be welcome.
 */
static void *alloc_memory(size_t size, int *hugetlb)
{
	void *mem;

	mem = mmap(NULL, size, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB | MAP_HUGE_2MB,
		   -1, 0);
	if (mem != MAP_FAILED) {
		*hugetlb = 1;
		return mem;
	}
	mem = mmap(NULL, size, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		return NULL;
	madvise(mem, size, MADV_HUGEPAGE);
	*hugetlb = 0;
	return mem;
}

/**
 * dma_pool_create() - allocate memory and map it for the device
 * @pool: filled in on success
 * @dev: the device
 * @size: bytes wanted; rounded up to whole huge pages
 *
 * Return: 0, or a negative errno after printing why; nothing stays
 * allocated or pinned on failure.
 */
int dma_pool_create(struct dma_pool *pool, struct vfio_pci_dev *dev,
		    size_t size)
{
	int ret;

	memset(pool, 0, sizeof(*pool));
	pool->dev = dev;
	pool->size = (size + HUGE_PAGE_SIZE - 1) & ~(HUGE_PAGE_SIZE - 1);

	pool->vaddr = alloc_memory(pool->size, &pool->hugetlb);
	if (!pool->vaddr) {
		ret = -errno;
		pr_err("cannot allocate %zu KiB of memory: %s",
		       pool->size >> 10, strerror(-ret));
		return ret;
	}

	ret = vfio_iommu_find_iova(dev, pool->size, &pool->iova);
	if (ret)
		goto err_unmap_memory;

	ret = vfio_iommu_map(dev, pool->vaddr, pool->iova, pool->size);
	if (ret) {
		report_map_failure(-ret, pool->size);
		goto err_unmap_memory;
	}
	return 0;

err_unmap_memory:
	munmap(pool->vaddr, pool->size);
	pool->vaddr = NULL;
	return ret;
}

/**
 * dma_alloc() - take zeroed, page-aligned memory from the pool
 * @pool: the pool
 * @size: bytes wanted
 * @buf: filled in on success
 *
 * Page alignment is what NVMe asks of queues and PRP entries; buffers are
 * never given back, the pool lives as long as the driver.
 *
 * Return: 0 or -ENOMEM when the pool is exhausted.
 */
int dma_alloc(struct dma_pool *pool, size_t size, struct dma_buf *buf)
{
	size_t aligned = (size + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);

	if (aligned > pool->size - pool->used) {
		pr_err("DMA pool of %zu KiB exhausted", pool->size >> 10);
		return -ENOMEM;
	}
	buf->vaddr = (char *)pool->vaddr + pool->used;
	buf->iova = pool->iova + pool->used;
	buf->size = size;
	memset(buf->vaddr, 0, aligned);
	pool->used += aligned;
	return 0;
}

/**
 * dma_pool_destroy() - unmap the pool from the device and free it
 * @pool: a pool from dma_pool_create()
 *
 * The device must be stopped first: after the unmap its DMA faults.
 */
void dma_pool_destroy(struct dma_pool *pool)
{
	int ret;

	if (!pool->vaddr)
		return;
	ret = vfio_iommu_unmap(pool->dev, pool->iova, pool->size);
	if (ret)
		pr_err("VFIO_IOMMU_UNMAP_DMA: %s", strerror(-ret));
	munmap(pool->vaddr, pool->size);
	pool->vaddr = NULL;
}
