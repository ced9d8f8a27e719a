/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Memory the device may DMA to: one block of process memory, mapped once
 * through the IOMMU and carved up by a bump allocator.
 */
#ifndef SAMPLE_NVME_DMA_H
#define SAMPLE_NVME_DMA_H

#include <stddef.h>
#include <linux/types.h>

#include "vfio.h"

/**
 * struct dma_pool - process memory mapped for the device
 * @dev: the device whose container holds the mapping
 * @vaddr: where the memory is in this process
 * @iova: where the device sees it
 * @size: bytes in the pool
 * @used: bytes handed out so far
 * @hugetlb: true if backed by hugetlbfs pages, false for normal memory
 */
struct dma_pool {
	struct vfio_pci_dev *dev;
	void *vaddr;
	__u64 iova;
	size_t size;
	size_t used;
	int hugetlb;
};

/**
 * struct dma_buf - a piece of a pool
 * @vaddr: address for the CPU
 * @iova: address for the device
 * @size: length in bytes
 */
struct dma_buf {
	void *vaddr;
	__u64 iova;
	size_t size;
};

int dma_pool_create(struct dma_pool *pool, struct vfio_pci_dev *dev,
		    size_t size);
int dma_alloc(struct dma_pool *pool, size_t size, struct dma_buf *buf);
void dma_pool_destroy(struct dma_pool *pool);
long dma_locked_kib(void);

#endif /* SAMPLE_NVME_DMA_H */
