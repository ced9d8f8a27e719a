// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio_iommu_type1: the IOMMU backend of VFIO_TYPE1_IOMMU and
 * VFIO_TYPE1v2_IOMMU containers.  The user maps its own memory at IOVAs of
 * its choice; the pages are pinned and mapped into an IOMMU domain shared
 * by every group of the container.
 *
 * This file holds the module, its parameters, the per-container state and
 * the container ioctls.  type1_dma.c holds the mapping semantics,
 * type1_pin.c the pinning engine, type1_domain.c groups and domains,
 * type1_dirty.c dirty tracking and type1_emulated.c the in-kernel API of
 * emulated-IOMMU devices.
 */
#include <linux/debugfs.h>
#include <linux/module.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "type1.h"

bool vfio_type1_allow_unsafe_interrupts;
module_param_named(allow_unsafe_interrupts, vfio_type1_allow_unsafe_interrupts,
		   bool, 0644);
MODULE_PARM_DESC(allow_unsafe_interrupts,
		 "Accept groups whose MSIs the IOMMU cannot isolate; a device could then forge interrupts. (default: false)");

bool vfio_type1_disable_hugepages;
module_param_named(disable_hugepages, vfio_type1_disable_hugepages, bool, 0644);
MODULE_PARM_DESC(disable_hugepages,
		 "Map every page with its own IOMMU entry, never a larger IOMMU page. (default: false)");

static unsigned int dma_entry_limit __read_mostly = U16_MAX;
module_param(dma_entry_limit, uint, 0644);
MODULE_PARM_DESC(dma_entry_limit,
		 "Most DMA mappings one container may hold. (default: 65535)");

static struct dentry *vfio_type1_debugfs;

/* Per-container state */

static void *vfio_iommu_type1_open(unsigned long arg)
{
	struct vfio_type1 *iommu;
	bool v2, nesting = false;

	switch (arg) {
	case VFIO_TYPE1_IOMMU:
		v2 = false;
		break;
	case VFIO_TYPE1_NESTING_IOMMU:
		nesting = true;
		fallthrough;
	case VFIO_TYPE1v2_IOMMU:
		v2 = true;
		break;
	default:
		return ERR_PTR(-EINVAL);
	}

	iommu = kzalloc(sizeof(*iommu), GFP_KERNEL_ACCOUNT);
	if (!iommu)
		return ERR_PTR(-ENOMEM);

	mutex_init(&iommu->lock);
	iommu->dma_tree = RB_ROOT;
	INIT_LIST_HEAD(&iommu->domains);
	INIT_LIST_HEAD(&iommu->emulated_groups);
	INIT_LIST_HEAD(&iommu->ranges);
	mutex_init(&iommu->device_lock);
	INIT_LIST_HEAD(&iommu->devices);
	/* Until a domain says otherwise, any multiple of a page will do. */
	iommu->pgsize_bitmap = PAGE_MASK;
	iommu->dma_avail = READ_ONCE(dma_entry_limit);
	iommu->v2 = v2;
	iommu->nesting = nesting;
	return iommu;
}

static void vfio_iommu_type1_release(void *iommu_data)
{
	struct vfio_type1 *iommu = iommu_data;

	mutex_lock(&iommu->lock);
	vfio_type1_dma_remove_all(iommu);
	vfio_type1_release_domains(iommu);
	mutex_unlock(&iommu->lock);

	WARN_ON(!list_empty(&iommu->devices));
	mutex_destroy(&iommu->device_lock);
	mutex_destroy(&iommu->lock);
	kfree(iommu);
}

/* Container ioctls */

static bool vfio_type1_has_emulated(struct vfio_type1 *iommu)
{
	bool ret;

	mutex_lock(&iommu->lock);
	ret = !list_empty(&iommu->emulated_groups);
	mutex_unlock(&iommu->lock);
	return ret;
}

/* The answer to VFIO_CHECK_EXTENSION; @iommu is NULL before VFIO_SET_IOMMU. */
static long vfio_type1_extension(struct vfio_type1 *iommu,
				 unsigned long extension)
{
	switch (extension) {
	case VFIO_TYPE1_IOMMU:
	case VFIO_TYPE1v2_IOMMU:
	case VFIO_TYPE1_NESTING_IOMMU:
	case VFIO_UNMAP_ALL:
		return 1;
	case VFIO_UPDATE_VADDR:
		/* Emulated devices could not pin while an address is missing. */
		return iommu && !vfio_type1_has_emulated(iommu);
	case VFIO_DMA_CC_IOMMU:
		return iommu && vfio_type1_cache_coherent(iommu);
	default:
		return 0;
	}
}

static long vfio_iommu_type1_check_extension(void *owner,
					     struct vfio_ioctl_call *call)
{
	return vfio_type1_extension(owner, call->arg);
}

static int vfio_type1_caps_build(struct vfio_type1 *iommu,
				 struct vfio_info_cap *caps)
{
	struct vfio_iommu_type1_info_cap_iova_range *iova_cap;
	struct vfio_iommu_type1_info_cap_migration *migration;
	struct vfio_iommu_type1_info_dma_avail *dma_avail;
	struct vfio_info_cap_header *header;
	struct vfio_type1_range *range;
	unsigned int n = 0;

	header = vfio_info_cap_add(caps, sizeof(*migration),
				   VFIO_IOMMU_TYPE1_INFO_CAP_MIGRATION, 1);
	if (IS_ERR(header))
		return PTR_ERR(header);
	migration = container_of(header, typeof(*migration), header);
	migration->flags = 0;
	migration->pgsize_bitmap = vfio_type1_min_pgsize(iommu);
	migration->max_dirty_bitmap_size = VFIO_TYPE1_DIRTY_BITMAP_SIZE_MAX;

	header = vfio_info_cap_add(caps, sizeof(*dma_avail),
				   VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL, 1);
	if (IS_ERR(header))
		return PTR_ERR(header);
	dma_avail = container_of(header, typeof(*dma_avail), header);
	dma_avail->avail = iommu->dma_avail;

	/* A container of emulated groups only has no IOVA limits to tell. */
	list_for_each_entry(range, &iommu->ranges, next)
		n++;
	if (!n)
		return 0;

	header = vfio_info_cap_add(caps, struct_size(iova_cap, iova_ranges, n),
				   VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE, 1);
	if (IS_ERR(header))
		return PTR_ERR(header);
	iova_cap = container_of(header, typeof(*iova_cap), header);
	iova_cap->nr_iovas = n;
	n = 0;
	list_for_each_entry(range, &iommu->ranges, next) {
		iova_cap->iova_ranges[n].start = range->start;
		iova_cap->iova_ranges[n].end = range->last;
		n++;
	}
	return 0;
}

static long vfio_iommu_type1_get_info(void *owner, struct vfio_ioctl_call *call)
{
	struct vfio_iommu_type1_info *info = call->cmd;
	struct vfio_info_cap caps = {};
	struct vfio_type1 *iommu = owner;
	int ret;

	mutex_lock(&iommu->lock);
	info->flags = VFIO_IOMMU_INFO_PGSIZES;
	info->iova_pgsizes = iommu->pgsize_bitmap;
	ret = vfio_type1_caps_build(iommu, &caps);
	mutex_unlock(&iommu->lock);
	if (ret)
		return ret;

	return vfio_info_copy_caps(&caps, &info->argsz, &info->cap_offset,
				   &info->flags, VFIO_IOMMU_INFO_CAPS,
				   sizeof(*info), call->uptr);
}

static long vfio_iommu_type1_map_dma(void *owner, struct vfio_ioctl_call *call)
{
	return vfio_type1_do_map(owner, call->cmd);
}

static long vfio_iommu_type1_unmap_dma(void *owner,
				       struct vfio_ioctl_call *call)
{
	struct vfio_iommu_type1_dma_unmap *unmap = call->cmd;
	struct vfio_bitmap bitmap;

	if (!(unmap->flags & VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP))
		return vfio_type1_do_unmap(owner, unmap, NULL);

	/* A bitmap is per range: neither ALL nor VADDR go with it. */
	if (unmap->flags & (VFIO_DMA_UNMAP_FLAG_ALL |
			    VFIO_DMA_UNMAP_FLAG_VADDR))
		return -EINVAL;
	/* The bitmap follows the fixed part, where data[] begins. */
	if (call->user_size < sizeof(*unmap) + sizeof(bitmap))
		return -EINVAL;
	if (copy_from_user(&bitmap, call->uptr + sizeof(*unmap),
			   sizeof(bitmap)))
		return -EFAULT;
	if (!access_ok(bitmap.data, bitmap.size) || !bitmap.pgsize)
		return -EINVAL;
	if (vfio_type1_bitmap_size_check(unmap->size >> __ffs(bitmap.pgsize),
					 bitmap.size))
		return -EINVAL;
	return vfio_type1_do_unmap(owner, unmap, &bitmap);
}

/*
 * VFIO_IOMMU_DIRTY_PAGES's argument as the kernel reads it: with
 * GET_BITMAP a range and a bitmap follow the header.
 */
struct vfio_type1_dirty_args {
	struct vfio_iommu_type1_dirty_bitmap header;
	struct vfio_iommu_type1_dirty_bitmap_get range;
};

static long vfio_iommu_type1_dirty_pages(void *owner,
					 struct vfio_ioctl_call *call)
{
	struct vfio_type1_dirty_args *args = call->cmd;
	struct vfio_iommu_type1_dirty_bitmap_get *range = &args->range;
	struct vfio_type1 *iommu = owner;

	switch (args->header.flags) {
	case VFIO_IOMMU_DIRTY_PAGES_FLAG_START:
		return vfio_type1_dirty_start(iommu);
	case VFIO_IOMMU_DIRTY_PAGES_FLAG_STOP:
		vfio_type1_dirty_stop(iommu);
		return 0;
	case VFIO_IOMMU_DIRTY_PAGES_FLAG_GET_BITMAP:
		if (call->user_size < sizeof(*args))
			return -EINVAL;
		if (range->iova + range->size < range->iova ||
		    !access_ok(range->bitmap.data, range->bitmap.size) ||
		    !range->bitmap.pgsize)
			return -EINVAL;
		if (vfio_type1_bitmap_size_check(range->size >>
						 __ffs(range->bitmap.pgsize),
						 range->bitmap.size))
			return -EINVAL;
		return vfio_type1_dirty_get(iommu, range->iova, range->size,
					    &range->bitmap);
	default:
		/* None, or more than one at a time. */
		return -EINVAL;
	}
}

/* v1 containers have no dirty tracking, whatever is asked. */
static long vfio_iommu_type1_dirty_pages_v1(void *owner,
					    struct vfio_ioctl_call *call)
{
	return -EACCES;
}

#define VFIO_TYPE1_MAP_FLAGS	(VFIO_DMA_MAP_FLAG_READ |		\
				 VFIO_DMA_MAP_FLAG_WRITE |		\
				 VFIO_DMA_MAP_FLAG_VADDR)
#define VFIO_TYPE1_UNMAP_FLAGS	(VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP |	\
				 VFIO_DMA_UNMAP_FLAG_ALL |		\
				 VFIO_DMA_UNMAP_FLAG_VADDR)
#define VFIO_TYPE1_DIRTY_FLAGS	(VFIO_IOMMU_DIRTY_PAGES_FLAG_START |	\
				 VFIO_IOMMU_DIRTY_PAGES_FLAG_STOP |	\
				 VFIO_IOMMU_DIRTY_PAGES_FLAG_GET_BITMAP)

/* v1 and v2 differ only in dirty tracking, which v1 lacks. */
static const struct vfio_ioctl_desc vfio_type1_v2_ioctls[] = {
	VFIO_IOCTL_RAW(VFIO_CHECK_EXTENSION, vfio_iommu_type1_check_extension),
	VFIO_IOCTL_INFO(VFIO_IOMMU_GET_INFO, struct vfio_iommu_type1_info,
			iova_pgsizes, vfio_iommu_type1_get_info),
	VFIO_IOCTL_IN(VFIO_IOMMU_MAP_DMA, struct vfio_iommu_type1_dma_map,
		      size, VFIO_TYPE1_MAP_FLAGS, vfio_iommu_type1_map_dma),
	VFIO_IOCTL_INOUT(VFIO_IOMMU_UNMAP_DMA,
			 struct vfio_iommu_type1_dma_unmap, size,
			 VFIO_TYPE1_UNMAP_FLAGS,
			 vfio_iommu_type1_unmap_dma),
	VFIO_IOCTL_IN(VFIO_IOMMU_DIRTY_PAGES, struct vfio_type1_dirty_args,
		      header.flags, VFIO_TYPE1_DIRTY_FLAGS,
		      vfio_iommu_type1_dirty_pages),
};

static const struct vfio_ioctl_desc vfio_type1_v1_ioctls[] = {
	VFIO_IOCTL_RAW(VFIO_CHECK_EXTENSION, vfio_iommu_type1_check_extension),
	VFIO_IOCTL_INFO(VFIO_IOMMU_GET_INFO, struct vfio_iommu_type1_info,
			iova_pgsizes, vfio_iommu_type1_get_info),
	VFIO_IOCTL_IN(VFIO_IOMMU_MAP_DMA, struct vfio_iommu_type1_dma_map,
		      size, VFIO_TYPE1_MAP_FLAGS, vfio_iommu_type1_map_dma),
	VFIO_IOCTL_INOUT(VFIO_IOMMU_UNMAP_DMA,
			 struct vfio_iommu_type1_dma_unmap, size,
			 VFIO_TYPE1_UNMAP_FLAGS,
			 vfio_iommu_type1_unmap_dma),
	VFIO_IOCTL_RAW(VFIO_IOMMU_DIRTY_PAGES,
		       vfio_iommu_type1_dirty_pages_v1),
};

static long vfio_iommu_type1_ioctl(void *iommu_data, unsigned int cmd,
				   unsigned long arg)
{
	struct vfio_type1 *iommu = iommu_data;

	/* Before VFIO_SET_IOMMU only extensions can be asked about. */
	if (!iommu)
		return cmd == VFIO_CHECK_EXTENSION ?
		       vfio_type1_extension(NULL, arg) : -ENOTTY;
	if (!iommu->v2)
		return VFIO_IOCTL_DISPATCH(vfio_type1_v1_ioctls, iommu, cmd,
					   arg);
	return VFIO_IOCTL_DISPATCH(vfio_type1_v2_ioctls, iommu, cmd, arg);
}

static const struct vfio_iommu_driver_ops vfio_iommu_type1_ops = {
	.name			= "vfio-iommu-type1",
	.owner			= THIS_MODULE,
	.open			= vfio_iommu_type1_open,
	.release		= vfio_iommu_type1_release,
	.ioctl			= vfio_iommu_type1_ioctl,
	.attach_group		= vfio_iommu_type1_attach_group,
	.detach_group		= vfio_iommu_type1_detach_group,
	.pin_pages		= vfio_iommu_type1_pin_pages,
	.unpin_pages		= vfio_iommu_type1_unpin_pages,
	.register_device	= vfio_iommu_type1_register_device,
	.unregister_device	= vfio_iommu_type1_unregister_device,
	.dma_rw			= vfio_iommu_type1_dma_rw,
};

static int __init vfio_iommu_type1_init(void)
{
	int ret;

	vfio_type1_debugfs = debugfs_create_dir("vfio_iommu_type1", NULL);
	vfio_type1_stats_init(vfio_type1_debugfs);

	ret = vfio_register_iommu_driver(&vfio_iommu_type1_ops);
	if (ret)
		debugfs_remove_recursive(vfio_type1_debugfs);
	return ret;
}

static void __exit vfio_iommu_type1_exit(void)
{
	vfio_unregister_iommu_driver(&vfio_iommu_type1_ops);
	debugfs_remove_recursive(vfio_type1_debugfs);
}

module_init(vfio_iommu_type1_init);
module_exit(vfio_iommu_type1_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("VFIO type1 IOMMU backend: pinned user DMA mappings");
