/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Private to vfio_iommu_type1.ko, the IOMMU backend behind VFIO_TYPE1_IOMMU
 * and VFIO_TYPE1v2_IOMMU containers.
 *
 * Object graph
 *   struct vfio_type1 is one container's backend state.  It owns
 *   - domains: one struct vfio_type1_domain per iommu_domain, each with the
 *     real IOMMU groups attached to it;
 *   - emulated_groups: groups of emulated-IOMMU devices, which never do DMA
 *     themselves and reach memory through vfio_pin_pages()/vfio_dma_rw();
 *   - dma_tree: the user's mappings (struct vfio_type1_dma), an rbtree
 *     keyed by IOVA; mappings never overlap and are never split;
 *   - ranges: the IOVA ranges a mapping may use (apertures minus reserved
 *     regions), empty until a real group is attached;
 *   - devices: open emulated devices that must hear about unmaps.
 *
 * Pinning invariant
 *   While at least one domain exists every mapping is pinned and mapped
 *   into every domain (vfio_type1_dma.iommu_mapped); with no domain nothing
 *   is pinned by the mappings themselves.  The physical pages behind a
 *   pinned mapping are remembered as extents (runs of contiguous pfns), so
 *   unmapping never has to walk IOMMU page tables to find what to unpin.
 *
 * Locked memory
 *   A page charged to RLIMIT_MEMLOCK is charged exactly once: either by its
 *   mapping's pins (vfio_type1_dma.map_locked) or by an emulated device's
 *   pin (vfio_type1_pin.locked), never by both.
 *
 * Lock order (outermost first)
 *   1. vfio_type1.device_lock
 *   2. vfio_type1.lock
 *   3. the mapping owner's mmap_lock (pinning, locked_vm accounting)
 *   The container's own lock is held around every call into the backend,
 *   outside all of these.
 */
#ifndef __VFIO_TYPE1_H__
#define __VFIO_TYPE1_H__

#include <linux/iommu.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/rbtree.h>
#include <linux/vfio.h>
#include <linux/xarray.h>

/**
 * struct vfio_type1 - the backend state of one container
 * @lock: protects everything below except @devices
 * @dma_tree: the user's mappings by IOVA
 * @domains: iommu domains, each with at least one group attached
 * @emulated_groups: attached emulated-IOMMU groups
 * @ranges: usable IOVA ranges, sorted; empty means "anywhere"
 * @pgsize_bitmap: IOMMU page sizes every domain supports (never below
 *		   PAGE_SIZE); its lowest bit is the mapping granularity
 * @dma_avail: how many more mappings may be created
 * @vaddr_invalid_count: mappings whose user address was withdrawn with
 *			 VFIO_DMA_UNMAP_FLAG_VADDR and not yet re-supplied
 * @dirty_unaware_groups: attached real groups; each can write anywhere it
 *			  is mapped without telling us, so while any exists
 *			  every mapped page must be reported dirty
 * @v2: VFIO_TYPE1v2_IOMMU semantics (exact unmaps, dirty tracking)
 * @nesting: VFIO_TYPE1_NESTING_IOMMU: domains must enable nesting
 * @dirty_tracking: VFIO_IOMMU_DIRTY_PAGES_FLAG_START is in effect and
 *		    every mapping has a dirty bitmap
 * @dirty_shift: log2 of the page size one dirty bit stands for, fixed when
 *		 tracking starts so that the bitmaps keep their size even if
 *		 the domains' page sizes change meanwhile
 * @device_lock: protects @devices; held while devices are told about an
 *		 unmap, so they may call back into vfio_unpin_pages()
 * @devices: struct vfio_type1_device entries
 */
struct vfio_type1 {
	struct mutex lock; /* see above */
	struct rb_root dma_tree;
	struct list_head domains;
	struct list_head emulated_groups;
	struct list_head ranges;
	u64 pgsize_bitmap;
	unsigned int dma_avail;
	unsigned int vaddr_invalid_count;
	unsigned int dirty_unaware_groups;
	bool v2;
	bool nesting;
	bool dirty_tracking;
	unsigned int dirty_shift;

	struct mutex device_lock; /* see above */
	struct list_head devices;
};

/**
 * struct vfio_type1_domain - one iommu_domain of a container
 * @domain: the paging domain
 * @next: entry in &vfio_type1.domains
 * @groups: struct vfio_type1_group attached to @domain
 * @enforce_cache_coherency: the domain blocks non-snooped DMA
 */
struct vfio_type1_domain {
	struct iommu_domain *domain;
	struct list_head next;
	struct list_head groups;
	bool enforce_cache_coherency;
};

/**
 * struct vfio_type1_group - an attached IOMMU group
 * @iommu_group: the group
 * @next: entry in a domain's group list or in &vfio_type1.emulated_groups
 */
struct vfio_type1_group {
	struct iommu_group *iommu_group;
	struct list_head next;
};

/**
 * struct vfio_type1_range - a usable IOVA range
 * @next: entry in &vfio_type1.ranges
 * @start: first usable IOVA
 * @last: last usable IOVA (inclusive, so the top of the space fits)
 */
struct vfio_type1_range {
	struct list_head next;
	dma_addr_t start;
	dma_addr_t last;
};

/**
 * struct vfio_type1_device - an open emulated device that pins pages
 * @vdev: the device; its &vfio_device_ops.dma_unmap is called on unmaps
 * @next: entry in &vfio_type1.devices
 */
struct vfio_type1_device {
	struct vfio_device *vdev;
	struct list_head next;
};

/* The extent's pages were pinned by us and must be unpinned. */
#define VFIO_TYPE1_EXTENT_PINNED	BIT(0)

/**
 * struct vfio_type1_extent - physically contiguous pages behind a mapping
 * @pfn: first page frame
 * @npages: number of pages
 * @flags: VFIO_TYPE1_EXTENT_*; an extent without PINNED comes from a
 *	   VM_PFNMAP range (MMIO) and holds no page references
 */
struct vfio_type1_extent {
	unsigned long pfn;
	u32 npages;
	u32 flags;
};

/**
 * struct vfio_type1_dma - one user mapping (VFIO_IOMMU_MAP_DMA)
 * @node: entry in &vfio_type1.dma_tree
 * @iova: first IOVA
 * @vaddr: user address of the first byte, in @mm
 * @size: bytes
 * @prot: IOMMU_READ and/or IOMMU_WRITE
 * @iommu_mapped: the whole mapping is pinned and in every domain
 * @vaddr_invalid: the user withdrew @vaddr (VFIO_DMA_UNMAP_FLAG_VADDR)
 * @lock_cap: the owner had CAP_IPC_LOCK when it mapped
 * @task: the owning process (its group leader), whose RLIMIT_MEMLOCK applies
 * @mm: the owning address space; grabbed, so the struct outlives the
 *	process, but its pages may already be gone
 * @extents: the pinned pages, in IOVA order; covers the whole mapping when
 *	     @iommu_mapped
 * @nr_extents: entries used in @extents
 * @max_extents: entries allocated in @extents
 * @inline_extent: storage for the first extent, so that a small mapping
 *		   needs no array
 * @map_locked: pages of @extents charged to @mm's locked_vm
 * @pins: emulated devices' pins, allocated by the first one; kept out of
 *	  line so that the common mapping stays small
 * @bitmap: dirty pages while dirty tracking is on, one bit per smallest
 *	    IOMMU page
 */
struct vfio_type1_dma {
	struct rb_node node;
	dma_addr_t iova;
	unsigned long vaddr;
	size_t size;
	int prot;
	bool iommu_mapped;
	bool vaddr_invalid;
	bool lock_cap;
	struct task_struct *task;
	struct mm_struct *mm;

	struct vfio_type1_extent *extents;
	unsigned int nr_extents;
	unsigned int max_extents;
	struct vfio_type1_extent inline_extent;
	unsigned long map_locked;

	struct vfio_type1_pins *pins;
	unsigned long *bitmap;
};

/**
 * struct vfio_type1_pins - what emulated devices pin in one mapping
 * @xa: struct vfio_type1_pin, indexed by page offset into the mapping
 * @locked: how many of them carry the locked_vm charge of their page
 */
struct vfio_type1_pins {
	struct xarray xa;
	unsigned long locked;
};

/**
 * struct vfio_type1_pin - an emulated device's pin of one page
 * @page: the pinned page
 * @refs: how many vfio_pin_pages() calls hold it
 * @locked: this pin, not the mapping, carries the page's locked_vm charge
 */
struct vfio_type1_pin {
	struct page *page;
	unsigned int refs;
	bool locked;
};

static inline bool vfio_type1_dma_pinned(struct vfio_type1_dma *dma)
{
	return dma->pins && !xa_empty(&dma->pins->xa);
}

static inline size_t vfio_type1_min_pgsize(struct vfio_type1 *iommu)
{
	return (size_t)1 << __ffs(iommu->pgsize_bitmap);
}

static inline struct vfio_type1_dma *vfio_type1_dma_next(struct vfio_type1_dma *dma)
{
	struct rb_node *node = rb_next(&dma->node);

	return node ? rb_entry(node, struct vfio_type1_dma, node) : NULL;
}

/* type1_main.c */
extern bool vfio_type1_allow_unsafe_interrupts;
extern bool vfio_type1_disable_hugepages;

/* type1_dma.c */
struct vfio_type1_dma *vfio_type1_dma_find(struct vfio_type1 *iommu,
					   dma_addr_t start, dma_addr_t last);
struct vfio_type1_dma *vfio_type1_dma_first(struct vfio_type1 *iommu);
int vfio_type1_do_map(struct vfio_type1 *iommu,
		      struct vfio_iommu_type1_dma_map *map);
int vfio_type1_do_unmap(struct vfio_type1 *iommu,
			struct vfio_iommu_type1_dma_unmap *unmap,
			struct vfio_bitmap *bitmap);
void vfio_type1_dma_remove_all(struct vfio_type1 *iommu);

/* type1_pin.c */
int vfio_type1_charge(struct vfio_type1_dma *dma, long npages);
long vfio_type1_pin_user(struct vfio_type1_dma *dma, unsigned long vaddr,
			 unsigned long npages, struct page **pages);
long vfio_type1_follow_pfnmap(struct vfio_type1_dma *dma, unsigned long vaddr,
			      unsigned long npages, unsigned long *first_pfn);
int vfio_type1_dma_pin_map(struct vfio_type1 *iommu,
			   struct vfio_type1_dma *dma);
int vfio_type1_dma_map_domain(struct vfio_type1_dma *dma,
			      struct vfio_type1_domain *domain);
void vfio_type1_dma_unmap_unpin(struct vfio_type1 *iommu,
				struct vfio_type1_dma *dma);
void vfio_type1_stats_init(struct dentry *dir);

/* type1_domain.c */
int vfio_iommu_type1_attach_group(void *iommu_data,
				  struct iommu_group *iommu_group,
				  enum vfio_group_type type);
void vfio_iommu_type1_detach_group(void *iommu_data,
				   struct iommu_group *iommu_group);
void vfio_type1_release_domains(struct vfio_type1 *iommu);
bool vfio_type1_iova_valid(struct vfio_type1 *iommu, dma_addr_t start,
			   dma_addr_t last);
bool vfio_type1_cache_coherent(struct vfio_type1 *iommu);

/* type1_emulated.c */
int vfio_iommu_type1_pin_pages(void *iommu_data, dma_addr_t user_iova,
			       int npage, int prot, struct page **pages);
void vfio_iommu_type1_unpin_pages(void *iommu_data, dma_addr_t user_iova,
				  int npage);
int vfio_iommu_type1_dma_rw(void *iommu_data, dma_addr_t user_iova,
			    void *data, size_t count, bool write);
void vfio_iommu_type1_register_device(void *iommu_data,
				      struct vfio_device *vdev);
void vfio_iommu_type1_unregister_device(void *iommu_data,
					struct vfio_device *vdev);
void vfio_type1_notify_unmap(struct vfio_type1 *iommu,
			     struct vfio_type1_dma *dma);
void vfio_type1_dma_drop_pins(struct vfio_type1_dma *dma);
void vfio_type1_dma_unpin_to_emulated(struct vfio_type1 *iommu,
				      struct vfio_type1_dma *dma);

/* type1_dirty.c */
#define VFIO_TYPE1_DIRTY_BITMAP_PAGES_MAX	((u64)INT_MAX)
#define VFIO_TYPE1_DIRTY_BITMAP_BYTES(n)	\
	(ALIGN((u64)(n), BITS_PER_TYPE(u64)) / BITS_PER_BYTE)
#define VFIO_TYPE1_DIRTY_BITMAP_SIZE_MAX	\
	VFIO_TYPE1_DIRTY_BITMAP_BYTES(VFIO_TYPE1_DIRTY_BITMAP_PAGES_MAX)

int vfio_type1_bitmap_size_check(u64 npages, u64 bitmap_size);
int vfio_type1_dma_bitmap_alloc(struct vfio_type1 *iommu,
				struct vfio_type1_dma *dma);
void vfio_type1_dma_bitmap_free(struct vfio_type1_dma *dma);
void vfio_type1_dma_mark_dirty(struct vfio_type1 *iommu,
			       struct vfio_type1_dma *dma,
			       size_t offset, size_t length);
void vfio_type1_mark_all_dirty(struct vfio_type1 *iommu);
int vfio_type1_dma_report_dirty(struct vfio_type1 *iommu,
				struct vfio_type1_dma *dma,
				u64 __user *bitmap, dma_addr_t base);
int vfio_type1_dirty_start(struct vfio_type1 *iommu);
void vfio_type1_dirty_stop(struct vfio_type1 *iommu);
int vfio_type1_dirty_get(struct vfio_type1 *iommu, dma_addr_t iova,
			 u64 size, struct vfio_bitmap *bitmap);

#endif /* __VFIO_TYPE1_H__ */
