// SPDX-License-Identifier: GPL-2.0-only
/*
 * User mappings of the type1 backend: the IOVA tree and what
 * VFIO_IOMMU_MAP_DMA and VFIO_IOMMU_UNMAP_DMA mean, including the two
 * unmap dialects and the live update of user addresses.
 *
 * Unmap dialects
 *   v1 (VFIO_TYPE1_IOMMU) predates exact tracking of mappings and keeps
 *   its observable behaviour: a request that starts inside a mapping
 *   unmaps nothing and succeeds; a request that covers the first page of a
 *   mapping removes the whole mapping, even beyond the requested end.
 *   v2 (VFIO_TYPE1v2_IOMMU) is exact: a request may cover many mappings but
 *   must not cut one; cutting one is -EINVAL.
 *   Both report the bytes actually unmapped.
 */
#include <linux/capability.h>
#include <linux/mm.h>
#include <linux/sched/mm.h>
#include <linux/sched/task.h>
#include <linux/slab.h>

#include "type1.h"

/* How often an unmap asks emulated devices to drop their pins. */
#define VFIO_TYPE1_UNPIN_RETRIES	10

/* The IOVA tree */

/* The mapping with the lowest IOVA that overlaps [@start, @last]. */
static struct vfio_type1_dma *vfio_type1_dma_lowest(struct vfio_type1 *iommu,
						    dma_addr_t start,
						    dma_addr_t last)
{
	struct rb_node *node = iommu->dma_tree.rb_node;
	struct vfio_type1_dma *found = NULL;

	while (node) {
		struct vfio_type1_dma *dma = rb_entry(node, struct vfio_type1_dma,
						      node);

		if (dma->iova + dma->size - 1 >= start) {
			found = dma;
			node = node->rb_left;
		} else {
			node = node->rb_right;
		}
	}
	return found && found->iova <= last ? found : NULL;
}

/**
 * vfio_type1_dma_find - a mapping overlapping an IOVA range
 * @iommu: the container, locked
 * @start: first IOVA of the range
 * @last: last IOVA of the range (inclusive)
 *
 * Return: the lowest such mapping, or NULL.
 */
struct vfio_type1_dma *vfio_type1_dma_find(struct vfio_type1 *iommu,
					   dma_addr_t start, dma_addr_t last)
{
	lockdep_assert_held(&iommu->lock);
	return vfio_type1_dma_lowest(iommu, start, last);
}

/**
 * vfio_type1_dma_first - the mapping with the lowest IOVA
 * @iommu: the container, locked
 *
 * Return: the mapping, or NULL if there is none.
 */
struct vfio_type1_dma *vfio_type1_dma_first(struct vfio_type1 *iommu)
{
	struct rb_node *node = rb_first(&iommu->dma_tree);

	return node ? rb_entry(node, struct vfio_type1_dma, node) : NULL;
}

static void vfio_type1_dma_link(struct vfio_type1 *iommu,
				struct vfio_type1_dma *new)
{
	struct rb_node **link = &iommu->dma_tree.rb_node, *parent = NULL;

	while (*link) {
		struct vfio_type1_dma *dma = rb_entry(*link,
						      struct vfio_type1_dma,
						      node);

		parent = *link;
		link = new->iova < dma->iova ? &parent->rb_left :
					       &parent->rb_right;
	}
	rb_link_node(&new->node, parent, link);
	rb_insert_color(&new->node, &iommu->dma_tree);
}

/* Creation and removal */

static struct vfio_type1_dma *vfio_type1_dma_alloc(dma_addr_t iova,
						   unsigned long vaddr,
						   size_t size, int prot)
{
	struct vfio_type1_dma *dma;

	dma = kzalloc(sizeof(*dma), GFP_KERNEL_ACCOUNT);
	if (!dma)
		return NULL;

	dma->iova = iova;
	dma->vaddr = vaddr;
	dma->size = size;
	dma->prot = prot;

	/*
	 * Pins are charged to the process that maps, for as long as the
	 * mapping lives, even after the process is gone: remember whose
	 * limit applies (the group leader's, one per process) and hold the
	 * mm_struct (not its pages) so the charge can be returned.
	 */
	dma->task = get_task_struct(current->group_leader);
	dma->mm = current->mm;
	mmgrab(dma->mm);
	dma->lock_cap = capable(CAP_IPC_LOCK);
	return dma;
}

static void vfio_type1_dma_remove(struct vfio_type1 *iommu,
				  struct vfio_type1_dma *dma)
{
	vfio_type1_dma_unmap_unpin(iommu, dma);
	if (dma->pins)
		vfio_type1_dma_drop_pins(dma);
	if (dma->bitmap)
		vfio_type1_dma_bitmap_free(dma);
	rb_erase(&dma->node, &iommu->dma_tree);
	if (dma->vaddr_invalid)
		iommu->vaddr_invalid_count--;
	put_task_struct(dma->task);
	mmdrop(dma->mm);
	kfree(dma);
	iommu->dma_avail++;
}

/**
 * vfio_type1_dma_remove_all - unmap and unpin every mapping
 * @iommu: the container, locked
 */
void vfio_type1_dma_remove_all(struct vfio_type1 *iommu)
{
	struct vfio_type1_dma *dma;

	lockdep_assert_held(&iommu->lock);
	while ((dma = vfio_type1_dma_first(iommu)))
		vfio_type1_dma_remove(iommu, dma);
}

/* VFIO_IOMMU_MAP_DMA */

/*
 * A new process supplies the user address of a mapping (live update): the
 * locked memory charge moves to it.
 */
static int vfio_type1_dma_change_owner(struct vfio_type1_dma *dma)
{
	long locked = dma->map_locked + (dma->pins ? dma->pins->locked : 0);
	struct task_struct *task = current->group_leader;
	struct mm_struct *mm = current->mm;
	bool lock_cap;
	int ret;

	if (mm == dma->mm)
		return 0;

	lock_cap = capable(CAP_IPC_LOCK);
	if (locked) {
		ret = mmap_write_lock_killable(mm);
		if (ret)
			return ret;
		ret = __account_locked_vm(mm, locked, true, task, lock_cap);
		mmap_write_unlock(mm);
		if (ret)
			return ret;
		vfio_type1_charge(dma, -locked);
	}

	put_task_struct(dma->task);
	dma->task = get_task_struct(task);
	mmdrop(dma->mm);
	dma->mm = mm;
	mmgrab(mm);
	dma->lock_cap = lock_cap;
	return 0;
}

/* VFIO_DMA_MAP_FLAG_VADDR: re-supply the user address of one mapping. */
static int vfio_type1_dma_set_vaddr(struct vfio_type1 *iommu,
				    struct vfio_iommu_type1_dma_map *map)
{
	struct vfio_type1_dma *dma;
	int ret;

	dma = vfio_type1_dma_find(iommu, map->iova,
				  map->iova + map->size - 1);
	if (!dma)
		return -ENOENT;
	if (!dma->vaddr_invalid || dma->iova != map->iova ||
	    dma->size != map->size)
		return -EINVAL;

	ret = vfio_type1_dma_change_owner(dma);
	if (ret)
		return ret;
	dma->vaddr = map->vaddr;
	dma->vaddr_invalid = false;
	iommu->vaddr_invalid_count--;
	return 0;
}

/**
 * vfio_type1_do_map - VFIO_IOMMU_MAP_DMA after the generic checks
 * @iommu: the container
 * @map: the request; argsz and flags are known to be valid
 *
 * Return: 0 or a negative errno, chosen as Linux's type1 does: -EINVAL for
 * bad flags, alignment, wrap-around or an IOVA outside the usable ranges,
 * -EEXIST for an overlap, -ENOSPC past dma_entry_limit, -ENOENT for a
 * VADDR update of nothing, -ENOMEM, -EFAULT and the pinning errors of
 * vfio_type1_dma_pin_map().
 */
int vfio_type1_do_map(struct vfio_type1 *iommu,
		      struct vfio_iommu_type1_dma_map *map)
{
	bool set_vaddr = map->flags & VFIO_DMA_MAP_FLAG_VADDR;
	u64 iova = map->iova, vaddr = map->vaddr, size = map->size;
	struct vfio_type1_dma *dma;
	size_t pgsize;
	int prot = 0;
	int ret;

	if (map->flags & VFIO_DMA_MAP_FLAG_READ)
		prot |= IOMMU_READ;
	if (map->flags & VFIO_DMA_MAP_FLAG_WRITE)
		prot |= IOMMU_WRITE;
	/* Either new permissions or a new address, never both. */
	if (!prot == !set_vaddr)
		return -EINVAL;

	mutex_lock(&iommu->lock);

	pgsize = vfio_type1_min_pgsize(iommu);
	ret = -EINVAL;
	if (!size || (size | iova | vaddr) & (pgsize - 1))
		goto out_unlock;
	if (iova + size - 1 < iova || vaddr + size - 1 < vaddr)
		goto out_unlock;

	if (set_vaddr) {
		ret = vfio_type1_dma_set_vaddr(iommu, map);
		goto out_unlock;
	}

	ret = -EEXIST;
	if (vfio_type1_dma_find(iommu, iova, iova + size - 1))
		goto out_unlock;
	ret = -ENOSPC;
	if (!iommu->dma_avail)
		goto out_unlock;
	ret = -EINVAL;
	if (!vfio_type1_iova_valid(iommu, iova, iova + size - 1))
		goto out_unlock;

	ret = -ENOMEM;
	dma = vfio_type1_dma_alloc(iova, vaddr, size, prot);
	if (!dma)
		goto out_unlock;
	vfio_type1_dma_link(iommu, dma);
	iommu->dma_avail--;

	/* With emulated groups only, pages are pinned when a device asks. */
	ret = 0;
	if (!list_empty(&iommu->domains))
		ret = vfio_type1_dma_pin_map(iommu, dma);
	if (!ret && iommu->dirty_tracking)
		ret = vfio_type1_dma_bitmap_alloc(iommu, dma);
	if (ret)
		vfio_type1_dma_remove(iommu, dma);

out_unlock:
	mutex_unlock(&iommu->lock);
	return ret;
}

/* VFIO_IOMMU_UNMAP_DMA */

/*
 * VFIO_DMA_UNMAP_FLAG_VADDR: withdraw the user address of every mapping
 * from @dma up to @last, all or none.
 */
static int vfio_type1_invalidate_vaddr(struct vfio_type1 *iommu,
				       struct vfio_type1_dma *first,
				       dma_addr_t last, size_t *unmapped)
{
	struct vfio_type1_dma *dma;

	for (dma = first; dma && dma->iova <= last;
	     dma = vfio_type1_dma_next(dma))
		if (dma->vaddr_invalid)
			return -EINVAL;

	for (dma = first; dma && dma->iova <= last;
	     dma = vfio_type1_dma_next(dma)) {
		dma->vaddr_invalid = true;
		iommu->vaddr_invalid_count++;
		*unmapped += dma->size;
	}
	return 0;
}

/**
 * vfio_type1_do_unmap - VFIO_IOMMU_UNMAP_DMA after the generic checks
 * @iommu: the container
 * @unmap: the request; @unmap->size is set to the bytes unmapped
 * @bitmap: where to report dirty pages (GET_DIRTY_BITMAP), else NULL
 *
 * Return: 0, -EINVAL for a bad range (or, in v2, one that cuts a mapping),
 * -EBUSY for VADDR with emulated devices present, -EFAULT if the dirty
 * bitmap cannot be written.
 */
int vfio_type1_do_unmap(struct vfio_type1 *iommu,
			struct vfio_iommu_type1_dma_unmap *unmap,
			struct vfio_bitmap *bitmap)
{
	bool invalidate_vaddr = unmap->flags & VFIO_DMA_UNMAP_FLAG_VADDR;
	bool all = unmap->flags & VFIO_DMA_UNMAP_FLAG_ALL;
	struct vfio_type1_dma *dma, *next, *notified = NULL;
	u64 iova = unmap->iova, size = unmap->size;
	unsigned int retries = 0;
	size_t unmapped = 0;
	dma_addr_t last;
	size_t pgsize;
	int ret = -EINVAL;

	mutex_lock(&iommu->lock);

	/* Emulated devices could not pin while addresses are missing. */
	if (invalidate_vaddr && !list_empty(&iommu->emulated_groups)) {
		ret = -EBUSY;
		goto out_unlock;
	}

	pgsize = vfio_type1_min_pgsize(iommu);
	if (iova & (pgsize - 1))
		goto out_unlock;
	if (all) {
		if (iova || size)
			goto out_unlock;
		last = U64_MAX;
	} else {
		if (!size || size & (pgsize - 1) || iova + size - 1 < iova)
			goto out_unlock;
		last = iova + size - 1;
	}

	/* Dirty bits are only kept, and reported, at the smallest page size. */
	if (bitmap && (!iommu->dirty_tracking ||
		       bitmap->pgsize != 1ULL << iommu->dirty_shift))
		goto out_unlock;

again:
	dma = vfio_type1_dma_lowest(iommu, iova, last);
	if (dma && dma->iova < iova) {
		/* v2 must not cut a mapping; in v1 nothing happens. */
		if (iommu->v2 && !all)
			goto out_unlock;
		dma = NULL;
	}
	if (dma && iommu->v2 && !all) {
		struct vfio_type1_dma *end = dma;

		/* One lookup less for the usual exact unmap of one mapping */
		if (end->iova + end->size - 1 < last)
			end = vfio_type1_dma_find(iommu, last, last);
		if (end && end->iova + end->size - 1 != last)
			goto out_unlock;
	}

	ret = 0;

	if (invalidate_vaddr) {
		ret = vfio_type1_invalidate_vaddr(iommu, dma, last, &unmapped);
		goto out_unlock;
	}

	for (; dma && dma->iova <= last; dma = next) {
		/* No tree walk past a mapping that ends the range. */
		next = dma->iova + dma->size - 1 < last ?
		       vfio_type1_dma_next(dma) : NULL;

		if (vfio_type1_dma_pinned(dma)) {
			/*
			 * Emulated devices hold pins in the mapping: ask them
			 * to let go, which drops our lock, then look again.
			 */
			if (dma != notified)
				retries = 0;
			if (++retries <= VFIO_TYPE1_UNPIN_RETRIES) {
				notified = dma;
				vfio_type1_notify_unmap(iommu, dma);
				goto again;
			}
			pr_warn_once("vfio_iommu_type1: emulated devices keep pins in [%pad, +%#zx); releasing them\n",
				     &dma->iova, dma->size);
		}

		if (bitmap) {
			ret = vfio_type1_dma_report_dirty(iommu, dma,
							  bitmap->data, iova);
			if (ret)
				break;
		}

		unmapped += dma->size;
		vfio_type1_dma_remove(iommu, dma);
	}

out_unlock:
	mutex_unlock(&iommu->lock);
	unmap->size = unmapped;
	return ret;
}
