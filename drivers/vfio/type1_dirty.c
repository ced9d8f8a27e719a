// SPDX-License-Identifier: GPL-2.0-only
/*
 * Dirty page tracking of the type1 backend (VFIO_IOMMU_DIRTY_PAGES and
 * VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP), used by live migration.
 *
 * No IOMMU here reports which pages a device wrote, so tracking is
 * conservative: while a real IOMMU group is attached it may write anywhere
 * it is mapped, and every mapped page is reported dirty.  Only when all
 * groups are emulated is the report exact: the pages devices pinned for
 * writing and the ones vfio_dma_rw() wrote.
 *
 * Each mapping keeps a bitmap at the smallest IOMMU page size while
 * tracking is on.  Reading it reports and restarts it; pinned pages stay
 * dirty, as a device may write them at any time.
 */
#include <linux/bitmap.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "type1.h"

/**
 * vfio_type1_bitmap_size_check - check a user bitmap against a range
 * @npages: pages in the range, at the bitmap's page size
 * @bitmap_size: bytes the user provides
 *
 * Return: 0, or -EINVAL if the range is empty or too large or the bitmap
 * cannot hold it.
 */
int vfio_type1_bitmap_size_check(u64 npages, u64 bitmap_size)
{
	if (!npages || !bitmap_size ||
	    bitmap_size > VFIO_TYPE1_DIRTY_BITMAP_SIZE_MAX ||
	    bitmap_size < VFIO_TYPE1_DIRTY_BITMAP_BYTES(npages))
		return -EINVAL;
	return 0;
}

static unsigned int vfio_type1_dirty_shift(struct vfio_type1 *iommu)
{
	return iommu->dirty_shift;
}

/* Bytes of @dma's bitmap, including the spare word. */
static size_t vfio_type1_bitmap_bytes(struct vfio_type1 *iommu,
				      struct vfio_type1_dma *dma)
{
	return VFIO_TYPE1_DIRTY_BITMAP_BYTES(dma->size >>
					     vfio_type1_dirty_shift(iommu)) +
	       sizeof(u64);
}

/*
 * Restart @dma's bitmap from the pages devices hold pinned.  The spare word
 * is cleared as well: bits a report shifted into it must not come back.
 */
static void vfio_type1_dma_bitmap_reset(struct vfio_type1 *iommu,
					struct vfio_type1_dma *dma)
{
	unsigned int shift = vfio_type1_dirty_shift(iommu);
	struct vfio_type1_pin *pin;
	unsigned long index;

	memset(dma->bitmap, 0, vfio_type1_bitmap_bytes(iommu, dma));
	if (!dma->pins)
		return;
	xa_for_each(&dma->pins->xa, index, pin)
		__set_bit(((u64)index << PAGE_SHIFT) >> shift, dma->bitmap);
}

/**
 * vfio_type1_dma_bitmap_alloc - give a mapping a dirty bitmap
 * @iommu: the container, locked
 * @dma: the mapping
 *
 * Return: 0, -EINVAL if the mapping has more pages than a bitmap may
 * describe, or -ENOMEM.
 */
int vfio_type1_dma_bitmap_alloc(struct vfio_type1 *iommu,
				struct vfio_type1_dma *dma)
{
	u64 npages = dma->size >> vfio_type1_dirty_shift(iommu);

	if (npages > VFIO_TYPE1_DIRTY_BITMAP_PAGES_MAX)
		return -EINVAL;

	/* One spare word lets a report shift the bits in place. */
	dma->bitmap = kvzalloc(vfio_type1_bitmap_bytes(iommu, dma),
			       GFP_KERNEL_ACCOUNT);
	if (!dma->bitmap)
		return -ENOMEM;
	vfio_type1_dma_bitmap_reset(iommu, dma);
	return 0;
}

/**
 * vfio_type1_dma_bitmap_free - drop a mapping's dirty bitmap
 * @dma: the mapping
 */
void vfio_type1_dma_bitmap_free(struct vfio_type1_dma *dma)
{
	kvfree(dma->bitmap);
	dma->bitmap = NULL;
}

/**
 * vfio_type1_dma_mark_dirty - note that a device wrote part of a mapping
 * @iommu: the container, locked, with dirty tracking on
 * @dma: the mapping
 * @offset: first byte written, from the start of the mapping
 * @length: bytes written, at least one
 */
void vfio_type1_dma_mark_dirty(struct vfio_type1 *iommu,
			       struct vfio_type1_dma *dma,
			       size_t offset, size_t length)
{
	unsigned int shift = vfio_type1_dirty_shift(iommu);
	unsigned long first = offset >> shift;

	bitmap_set(dma->bitmap, first,
		   ((offset + length - 1) >> shift) - first + 1);
}

/**
 * vfio_type1_mark_all_dirty - mark every tracked page dirty
 * @iommu: the container, locked, with dirty tracking on
 *
 * For a group that leaves: what it wrote is unknown, and would otherwise
 * be forgotten once no real group is left.
 */
void vfio_type1_mark_all_dirty(struct vfio_type1 *iommu)
{
	unsigned int shift = vfio_type1_dirty_shift(iommu);
	struct vfio_type1_dma *dma;

	for (dma = vfio_type1_dma_first(iommu); dma;
	     dma = vfio_type1_dma_next(dma))
		bitmap_set(dma->bitmap, 0, dma->size >> shift);
}

/**
 * vfio_type1_dma_report_dirty - write a mapping's dirty bits to the user
 * @iommu: the container, locked, with dirty tracking on
 * @dma: the mapping, at or above @base
 * @bitmap: the user's bitmap; bit 0 stands for @base
 * @base: the IOVA of the user bitmap's first bit
 *
 * The user word holding the mapping's first bit keeps the bits below it (a
 * lower mapping may have reported there); the rest of the words covered
 * are overwritten.  The mapping's bitmap then restarts.
 *
 * Return: 0 or -EFAULT.
 */
int vfio_type1_dma_report_dirty(struct vfio_type1 *iommu,
				struct vfio_type1_dma *dma,
				u64 __user *bitmap, dma_addr_t base)
{
	unsigned int shift = vfio_type1_dirty_shift(iommu);
	unsigned long nbits = dma->size >> shift;
	u64 first_bit = (dma->iova - base) >> shift;
	u64 __user *uword = bitmap + first_bit / BITS_PER_TYPE(u64);
	unsigned int lead = first_bit % BITS_PER_TYPE(u64);
	int ret = 0;

	if (iommu->dirty_unaware_groups && dma->iommu_mapped)
		bitmap_set(dma->bitmap, 0, nbits);

	if (lead) {
		unsigned long below;

		bitmap_shift_left(dma->bitmap, dma->bitmap, lead, nbits + lead);
		if (get_user(below, uword)) {
			ret = -EFAULT;
			goto out_reset;
		}
		dma->bitmap[0] |= below & GENMASK(lead - 1, 0);
	}

	if (copy_to_user(uword, dma->bitmap,
			 VFIO_TYPE1_DIRTY_BITMAP_BYTES(nbits + lead)))
		ret = -EFAULT;

out_reset:
	vfio_type1_dma_bitmap_reset(iommu, dma);
	return ret;
}

/**
 * vfio_type1_dirty_start - VFIO_IOMMU_DIRTY_PAGES_FLAG_START
 * @iommu: the container
 *
 * Return: 0 (also when already tracking), -EINVAL or -ENOMEM.
 */
int vfio_type1_dirty_start(struct vfio_type1 *iommu)
{
	struct vfio_type1_dma *dma, *failed;
	int ret = 0;

	mutex_lock(&iommu->lock);
	if (iommu->dirty_tracking)
		goto out_unlock;

	iommu->dirty_shift = __ffs(iommu->pgsize_bitmap);
	for (dma = vfio_type1_dma_first(iommu); dma;
	     dma = vfio_type1_dma_next(dma)) {
		ret = vfio_type1_dma_bitmap_alloc(iommu, dma);
		if (ret)
			goto err_free;
	}
	iommu->dirty_tracking = true;
	goto out_unlock;

err_free:
	failed = dma;
	for (dma = vfio_type1_dma_first(iommu); dma != failed;
	     dma = vfio_type1_dma_next(dma))
		vfio_type1_dma_bitmap_free(dma);
out_unlock:
	mutex_unlock(&iommu->lock);
	return ret;
}

/**
 * vfio_type1_dirty_stop - VFIO_IOMMU_DIRTY_PAGES_FLAG_STOP
 * @iommu: the container
 */
void vfio_type1_dirty_stop(struct vfio_type1 *iommu)
{
	struct vfio_type1_dma *dma;

	mutex_lock(&iommu->lock);
	if (iommu->dirty_tracking) {
		iommu->dirty_tracking = false;
		for (dma = vfio_type1_dma_first(iommu); dma;
		     dma = vfio_type1_dma_next(dma))
			vfio_type1_dma_bitmap_free(dma);
	}
	mutex_unlock(&iommu->lock);
}

/**
 * vfio_type1_dirty_get - VFIO_IOMMU_DIRTY_PAGES_FLAG_GET_BITMAP
 * @iommu: the container
 * @iova: first IOVA of the range
 * @size: bytes in the range
 * @bitmap: the user's bitmap, its size already checked against @size
 *
 * Like a v2 unmap, the range may cover many mappings but must not cut one.
 *
 * Return: 0, -EINVAL for a bad range or page size or when not tracking,
 * -EFAULT.
 */
int vfio_type1_dirty_get(struct vfio_type1 *iommu, dma_addr_t iova,
			 u64 size, struct vfio_bitmap *bitmap)
{
	struct vfio_type1_dma *dma;
	dma_addr_t last;
	size_t pgsize;
	int ret = -EINVAL;

	mutex_lock(&iommu->lock);
	pgsize = vfio_type1_min_pgsize(iommu);
	if (!iommu->dirty_tracking ||
	    bitmap->pgsize != 1ULL << iommu->dirty_shift ||
	    iova & (pgsize - 1) || !size || size & (pgsize - 1))
		goto out_unlock;

	last = iova + size - 1;
	dma = vfio_type1_dma_find(iommu, iova, iova);
	if (dma && dma->iova != iova)
		goto out_unlock;
	dma = vfio_type1_dma_find(iommu, last, last);
	if (dma && dma->iova + dma->size - 1 != last)
		goto out_unlock;

	ret = 0;
	for (dma = vfio_type1_dma_find(iommu, iova, last);
	     dma && dma->iova <= last; dma = vfio_type1_dma_next(dma)) {
		ret = vfio_type1_dma_report_dirty(iommu, dma, bitmap->data,
						  iova);
		if (ret)
			break;
	}
out_unlock:
	mutex_unlock(&iommu->lock);
	return ret;
}
