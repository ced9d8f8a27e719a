// SPDX-License-Identifier: GPL-2.0-only
/*
 * Groups and IOMMU domains of the type1 backend.
 *
 * Each real group is attached to a paging domain.  Groups whose IOMMU can
 * share a domain (same driver, same cache coherency) share one, so that a
 * mapping is written once per IOMMU rather than once per group.  A domain
 * that joins a container with mappings gets them replayed: from the
 * recorded extents when pages are pinned already, by pinning them now when
 * only emulated groups were attached before.
 *
 * The usable IOVA ranges are the intersection of the domains' apertures
 * minus every reserved region of every attached group (the x86 MSI window,
 * for one); mappings can only be created inside them and a group whose
 * reserved regions would cover an existing mapping cannot join.
 */
#include <linux/device.h>
#include <linux/iommu.h>
#include <linux/slab.h>

#include "type1.h"

/* Usable IOVA ranges */

static int vfio_type1_range_add_tail(struct list_head *ranges,
				     dma_addr_t start, dma_addr_t last)
{
	struct vfio_type1_range *range;

	range = kmalloc(sizeof(*range), GFP_KERNEL_ACCOUNT);
	if (!range)
		return -ENOMEM;
	range->start = start;
	range->last = last;
	list_add_tail(&range->next, ranges);
	return 0;
}

static void vfio_type1_ranges_free(struct list_head *ranges)
{
	struct vfio_type1_range *range, *tmp;

	list_for_each_entry_safe(range, tmp, ranges, next) {
		list_del(&range->next);
		kfree(range);
	}
}

/* Remove [@start, @last] from @ranges, splitting a range if need be. */
static int vfio_type1_ranges_exclude(struct list_head *ranges,
				     dma_addr_t start, dma_addr_t last)
{
	struct vfio_type1_range *range, *tmp;

	list_for_each_entry_safe(range, tmp, ranges, next) {
		if (last < range->start || start > range->last)
			continue;

		if (start > range->start && last < range->last) {
			struct vfio_type1_range *upper;

			upper = kmalloc(sizeof(*upper), GFP_KERNEL_ACCOUNT);
			if (!upper)
				return -ENOMEM;
			upper->start = last + 1;
			upper->last = range->last;
			list_add(&upper->next, &range->next);
			range->last = start - 1;
		} else if (start > range->start) {
			range->last = start - 1;
		} else if (last < range->last) {
			range->start = last + 1;
		} else {
			list_del(&range->next);
			kfree(range);
		}
	}
	return 0;
}

static int vfio_type1_ranges_exclude_group(struct list_head *ranges,
					   struct iommu_group *iommu_group)
{
	struct iommu_resv_region *resv, *tmp;
	LIST_HEAD(resv_regions);
	int ret;

	ret = iommu_get_group_resv_regions(iommu_group, &resv_regions);
	list_for_each_entry(resv, &resv_regions, list) {
		/* Relaxable regions may be given to the user's DMA. */
		if (ret || resv->type == IOMMU_RESV_DIRECT_RELAXABLE ||
		    !resv->length)
			continue;
		ret = vfio_type1_ranges_exclude(ranges, resv->start,
						resv->start + resv->length - 1);
	}
	list_for_each_entry_safe(resv, tmp, &resv_regions, list)
		kfree(resv);
	return ret;
}

/*
 * The usable ranges with the current domains plus @new_domain (may be NULL)
 * holding @new_group.  Return: 0, -EINVAL if nothing would be usable, or
 * -ENOMEM.
 */
static int vfio_type1_ranges_build(struct vfio_type1 *iommu,
				   struct iommu_domain *new_domain,
				   struct iommu_group *new_group,
				   struct list_head *ranges)
{
	dma_addr_t start = 0, last = ~(dma_addr_t)0;
	struct vfio_type1_domain *d;
	struct vfio_type1_group *g;
	int ret;

	list_for_each_entry(d, &iommu->domains, next) {
		start = max(start, d->domain->geometry.aperture_start);
		last = min(last, d->domain->geometry.aperture_end);
	}
	if (new_domain) {
		start = max(start, new_domain->geometry.aperture_start);
		last = min(last, new_domain->geometry.aperture_end);
	}
	if (start > last)
		return -EINVAL;

	ret = vfio_type1_range_add_tail(ranges, start, last);
	list_for_each_entry(d, &iommu->domains, next)
		list_for_each_entry(g, &d->groups, next)
			if (!ret)
				ret = vfio_type1_ranges_exclude_group(ranges,
								      g->iommu_group);
	if (!ret && new_group)
		ret = vfio_type1_ranges_exclude_group(ranges, new_group);
	if (!ret && list_empty(ranges))
		ret = -EINVAL;
	if (ret)
		vfio_type1_ranges_free(ranges);
	return ret;
}

static bool vfio_type1_ranges_contain(struct list_head *ranges,
				      dma_addr_t start, dma_addr_t last)
{
	struct vfio_type1_range *range;

	list_for_each_entry(range, ranges, next)
		if (start >= range->start && last <= range->last)
			return true;
	return false;
}

static void vfio_type1_ranges_replace(struct vfio_type1 *iommu,
				      struct list_head *ranges)
{
	vfio_type1_ranges_free(&iommu->ranges);
	list_splice_tail(ranges, &iommu->ranges);
}

/**
 * vfio_type1_iova_valid - may a mapping use an IOVA range
 * @iommu: the container, locked
 * @start: first IOVA
 * @last: last IOVA (inclusive)
 *
 * Before any real group is attached every IOVA is allowed.
 *
 * Return: true if [@start, @last] lies inside one usable range.
 */
bool vfio_type1_iova_valid(struct vfio_type1 *iommu, dma_addr_t start,
			   dma_addr_t last)
{
	return list_empty(&iommu->ranges) ||
	       vfio_type1_ranges_contain(&iommu->ranges, start, last);
}

/* Page sizes and coherency */

static u64 vfio_type1_pgsizes(struct vfio_type1 *iommu,
			      struct iommu_domain *new_domain)
{
	struct vfio_type1_domain *d;
	u64 bitmap = new_domain ? new_domain->pgsize_bitmap : U64_MAX;

	list_for_each_entry(d, &iommu->domains, next)
		bitmap &= d->domain->pgsize_bitmap;

	/*
	 * Pinning works in whole pages: sizes below PAGE_SIZE are hidden and
	 * PAGE_SIZE offered instead, the IOMMU building it from smaller ones.
	 */
	if (bitmap & ~PAGE_MASK) {
		bitmap &= PAGE_MASK;
		bitmap |= PAGE_SIZE;
	}
	return bitmap;
}

/**
 * vfio_type1_cache_coherent - VFIO_DMA_CC_IOMMU: do all domains block
 *			       non-coherent DMA
 * @iommu: the container
 *
 * Return: true if every domain enforces cache coherency.
 */
bool vfio_type1_cache_coherent(struct vfio_type1 *iommu)
{
	struct vfio_type1_domain *d;
	bool ret = true;

	mutex_lock(&iommu->lock);
	list_for_each_entry(d, &iommu->domains, next)
		ret &= d->enforce_cache_coherency;
	mutex_unlock(&iommu->lock);
	return ret;
}

/* Lookup */

static struct vfio_type1_group *
vfio_type1_group_find(struct vfio_type1 *iommu, struct iommu_group *iommu_group,
		      struct vfio_type1_domain **domain)
{
	struct vfio_type1_domain *d;
	struct vfio_type1_group *g;

	list_for_each_entry(d, &iommu->domains, next) {
		list_for_each_entry(g, &d->groups, next) {
			if (g->iommu_group == iommu_group) {
				*domain = d;
				return g;
			}
		}
	}
	*domain = NULL;
	list_for_each_entry(g, &iommu->emulated_groups, next)
		if (g->iommu_group == iommu_group)
			return g;
	return NULL;
}

/* Replay */

/*
 * Give @domain every mapping of @iommu.  On failure @domain may keep part
 * of them; the caller frees it.
 */
static int vfio_type1_replay(struct vfio_type1 *iommu,
			     struct vfio_type1_domain *domain)
{
	struct vfio_type1_dma *dma, *failed;
	int ret;

	if (!list_empty(&iommu->domains)) {
		for (dma = vfio_type1_dma_first(iommu); dma;
		     dma = vfio_type1_dma_next(dma)) {
			ret = vfio_type1_dma_map_domain(dma, domain);
			if (ret)
				return ret;
		}
		return 0;
	}

	/* The first domain: the mappings are pinned only now. */
	list_add(&domain->next, &iommu->domains);
	for (dma = vfio_type1_dma_first(iommu); dma;
	     dma = vfio_type1_dma_next(dma)) {
		ret = vfio_type1_dma_pin_map(iommu, dma);
		if (ret)
			goto err_unpin;
	}
	list_del(&domain->next);
	return 0;

err_unpin:
	failed = dma;
	for (dma = vfio_type1_dma_first(iommu); dma != failed;
	     dma = vfio_type1_dma_next(dma))
		vfio_type1_dma_unmap_unpin(iommu, dma);
	list_del(&domain->next);
	return ret;
}

/* Attach */

/* A software-managed MSI window needs an IOVA cookie in the domain. */
static bool vfio_type1_group_sw_msi(struct iommu_group *iommu_group,
				    phys_addr_t *base)
{
	struct iommu_resv_region *resv, *tmp;
	LIST_HEAD(resv_regions);
	bool found = false;

	if (iommu_get_group_resv_regions(iommu_group, &resv_regions))
		return false;
	list_for_each_entry(resv, &resv_regions, list) {
		/* A hardware MSI window makes the software one moot. */
		if (resv->type == IOMMU_RESV_MSI) {
			found = false;
			break;
		}
		if (resv->type == IOMMU_RESV_SW_MSI) {
			*base = resv->start;
			found = true;
		}
	}
	list_for_each_entry_safe(resv, tmp, &resv_regions, list)
		kfree(resv);
	return found;
}

static int vfio_type1_domain_alloc_fn(struct device *dev, void *data)
{
	struct iommu_domain **domain = data;

	*domain = iommu_paging_domain_alloc(dev);
	/* One device is enough: the group's devices share an IOMMU. */
	return 1;
}

static struct iommu_domain *vfio_type1_domain_alloc(struct iommu_group *group)
{
	struct iommu_domain *domain = ERR_PTR(-ENODEV);

	iommu_group_for_each_dev(group, &domain, vfio_type1_domain_alloc_fn);
	return domain;
}

/*
 * Move @group from its fresh @domain into an existing compatible one.
 * Return: true if it moved; false if it stayed (or went back) in @domain.
 */
static bool vfio_type1_domain_share(struct vfio_type1 *iommu,
				    struct vfio_type1_domain *domain,
				    struct vfio_type1_group *group, int *ret)
{
	struct vfio_type1_domain *d;

	*ret = 0;
	list_for_each_entry(d, &iommu->domains, next) {
		if (d->domain->ops != domain->domain->ops ||
		    d->enforce_cache_coherency !=
		    domain->enforce_cache_coherency)
			continue;

		iommu_detach_group(domain->domain, group->iommu_group);
		if (!iommu_attach_group(d->domain, group->iommu_group)) {
			list_add(&group->next, &d->groups);
			return true;
		}
		*ret = iommu_attach_group(domain->domain, group->iommu_group);
		if (*ret)
			return false;
	}
	return false;
}

static int vfio_type1_attach_real(struct vfio_type1 *iommu,
				  struct vfio_type1_group *group)
{
	struct iommu_group *iommu_group = group->iommu_group;
	struct vfio_type1_domain *domain;
	struct vfio_type1_dma *dma;
	phys_addr_t msi_base = 0;
	LIST_HEAD(ranges);
	u64 pgsizes;
	int ret;

	if (!READ_ONCE(vfio_type1_allow_unsafe_interrupts) &&
	    !iommu_group_has_isolated_msi(iommu_group)) {
		pr_warn("vfio_iommu_type1: group %d has no MSI isolation (interrupt remapping); refusing it unless allow_unsafe_interrupts=1\n",
			iommu_group_id(iommu_group));
		return -EPERM;
	}

	domain = kzalloc(sizeof(*domain), GFP_KERNEL_ACCOUNT);
	if (!domain)
		return -ENOMEM;
	INIT_LIST_HEAD(&domain->groups);

	domain->domain = vfio_type1_domain_alloc(iommu_group);
	if (IS_ERR(domain->domain)) {
		ret = PTR_ERR(domain->domain);
		goto err_free;
	}
	if (iommu->nesting) {
		ret = iommu_enable_nesting(domain->domain);
		if (ret)
			goto err_free_domain;
	}
	ret = iommu_attach_group(domain->domain, iommu_group);
	if (ret)
		goto err_free_domain;

	ret = vfio_type1_ranges_build(iommu, domain->domain, iommu_group,
				      &ranges);
	if (ret)
		goto err_detach;
	ret = -EINVAL;
	for (dma = vfio_type1_dma_first(iommu); dma;
	     dma = vfio_type1_dma_next(dma))
		if (!vfio_type1_ranges_contain(&ranges, dma->iova,
					       dma->iova + dma->size - 1))
			goto err_free_ranges;
	pgsizes = vfio_type1_pgsizes(iommu, domain->domain);
	if (!pgsizes)
		goto err_free_ranges;

	if (domain->domain->ops->enforce_cache_coherency)
		domain->enforce_cache_coherency =
			domain->domain->ops->enforce_cache_coherency(domain->domain);

	if (vfio_type1_domain_share(iommu, domain, group, &ret)) {
		iommu_domain_free(domain->domain);
		kfree(domain);
		goto done;
	}
	if (ret)
		goto err_free_ranges_only;

	ret = vfio_type1_replay(iommu, domain);
	if (ret)
		goto err_free_ranges;
	if (vfio_type1_group_sw_msi(iommu_group, &msi_base)) {
		ret = iommu_get_msi_cookie(domain->domain, msi_base);
		if (ret && ret != -ENODEV)
			goto err_unreplay;
	}

	list_add(&group->next, &domain->groups);
	list_add(&domain->next, &iommu->domains);
	iommu->pgsize_bitmap = vfio_type1_pgsizes(iommu, NULL);
done:
	vfio_type1_ranges_replace(iommu, &ranges);
	iommu->dirty_unaware_groups++;
	return 0;

err_unreplay:
	/* Undo a first domain's pinning; a later domain only goes away. */
	if (list_empty(&iommu->domains)) {
		list_add(&domain->next, &iommu->domains);
		for (dma = vfio_type1_dma_first(iommu); dma;
		     dma = vfio_type1_dma_next(dma))
			vfio_type1_dma_unmap_unpin(iommu, dma);
		list_del(&domain->next);
	}
err_free_ranges:
	vfio_type1_ranges_free(&ranges);
err_detach:
	iommu_detach_group(domain->domain, iommu_group);
err_free_domain:
	iommu_domain_free(domain->domain);
err_free:
	kfree(domain);
	return ret;

err_free_ranges_only:
	/* The group could not go back into its own domain: not attached. */
	vfio_type1_ranges_free(&ranges);
	goto err_free_domain;
}

/**
 * vfio_iommu_type1_attach_group - add a group to the container
 * @iommu_data: the container's backend state
 * @iommu_group: the group
 * @type: real or emulated IOMMU
 *
 * Return: 0, -EBUSY while user addresses are being updated, -EINVAL for a
 * group attached already or one whose IOVA space cannot hold the existing
 * mappings, -EPERM for a group without MSI isolation, or an IOMMU or
 * pinning error.
 */
int vfio_iommu_type1_attach_group(void *iommu_data,
				  struct iommu_group *iommu_group,
				  enum vfio_group_type type)
{
	struct vfio_type1 *iommu = iommu_data;
	struct vfio_type1_domain *domain;
	struct vfio_type1_group *group;
	int ret;

	mutex_lock(&iommu->lock);

	/* Attaching may need to pin, which needs the user addresses. */
	ret = -EBUSY;
	if (iommu->vaddr_invalid_count)
		goto out_unlock;
	ret = -EINVAL;
	if (type == VFIO_NO_IOMMU ||
	    vfio_type1_group_find(iommu, iommu_group, &domain))
		goto out_unlock;

	ret = -ENOMEM;
	group = kzalloc(sizeof(*group), GFP_KERNEL_ACCOUNT);
	if (!group)
		goto out_unlock;
	group->iommu_group = iommu_group;

	if (type == VFIO_EMULATED_IOMMU) {
		list_add(&group->next, &iommu->emulated_groups);
		ret = 0;
		goto out_unlock;
	}

	ret = vfio_type1_attach_real(iommu, group);
	if (ret)
		kfree(group);
out_unlock:
	mutex_unlock(&iommu->lock);
	return ret;
}

/* Detach */

/* The container's last domain goes: mappings drop their pins. */
static void vfio_type1_last_domain_gone(struct vfio_type1 *iommu)
{
	struct vfio_type1_dma *dma;

	if (list_empty(&iommu->emulated_groups)) {
		vfio_type1_dma_remove_all(iommu);
		return;
	}
	for (dma = vfio_type1_dma_first(iommu); dma;
	     dma = vfio_type1_dma_next(dma))
		vfio_type1_dma_unpin_to_emulated(iommu, dma);
}

static void vfio_type1_ranges_refresh(struct vfio_type1 *iommu)
{
	LIST_HEAD(ranges);

	if (list_empty(&iommu->domains)) {
		/* Nothing limits the IOVA space any more. */
		if (!list_empty(&iommu->ranges) &&
		    !vfio_type1_range_add_tail(&ranges, 0, ~(dma_addr_t)0))
			vfio_type1_ranges_replace(iommu, &ranges);
		return;
	}
	/* On failure the old, narrower ranges stay: still safe. */
	if (!vfio_type1_ranges_build(iommu, NULL, NULL, &ranges))
		vfio_type1_ranges_replace(iommu, &ranges);
}

/**
 * vfio_iommu_type1_detach_group - take a group out of the container
 * @iommu_data: the container's backend state
 * @iommu_group: the group
 *
 * When the last group goes, so do the mappings.
 */
void vfio_iommu_type1_detach_group(void *iommu_data,
				   struct iommu_group *iommu_group)
{
	struct vfio_type1 *iommu = iommu_data;
	struct vfio_type1_domain *domain;
	struct vfio_type1_group *group;

	mutex_lock(&iommu->lock);
	group = vfio_type1_group_find(iommu, iommu_group, &domain);
	if (WARN_ON(!group))
		goto out_unlock;
	list_del(&group->next);
	kfree(group);

	if (!domain) {
		if (list_empty(&iommu->emulated_groups) &&
		    list_empty(&iommu->domains))
			vfio_type1_dma_remove_all(iommu);
		goto out_unlock;
	}

	iommu_detach_group(domain->domain, iommu_group);
	iommu->dirty_unaware_groups--;
	if (iommu->dirty_tracking)
		vfio_type1_mark_all_dirty(iommu);

	if (list_empty(&domain->groups)) {
		if (list_is_singular(&iommu->domains))
			vfio_type1_last_domain_gone(iommu);
		list_del(&domain->next);
		iommu_domain_free(domain->domain);
		kfree(domain);
		iommu->pgsize_bitmap = vfio_type1_pgsizes(iommu, NULL);
	}
	vfio_type1_ranges_refresh(iommu);
out_unlock:
	mutex_unlock(&iommu->lock);
}

/**
 * vfio_type1_release_domains - free every domain, group and range
 * @iommu: the container being released, with no mappings left
 */
void vfio_type1_release_domains(struct vfio_type1 *iommu)
{
	struct vfio_type1_domain *domain, *dtmp;
	struct vfio_type1_group *group, *gtmp;

	list_for_each_entry_safe(group, gtmp, &iommu->emulated_groups, next) {
		list_del(&group->next);
		kfree(group);
	}
	list_for_each_entry_safe(domain, dtmp, &iommu->domains, next) {
		list_for_each_entry_safe(group, gtmp, &domain->groups, next) {
			iommu_detach_group(domain->domain, group->iommu_group);
			list_del(&group->next);
			kfree(group);
		}
		list_del(&domain->next);
		iommu_domain_free(domain->domain);
		kfree(domain);
	}
	vfio_type1_ranges_free(&iommu->ranges);
}
