// SPDX-License-Identifier: GPL-2.0-only
/*
 * The pinning engine of the type1 backend: turn a user mapping into pinned
 * pages and IOMMU mappings, and back.
 *
 * Pages are pinned long-term in large batches, from the caller's own page
 * tables without the mmap lock when the caller owns the mapping.  Each
 * batch is folded into extents (runs of physically contiguous pages), so a
 * huge page or a THP costs one extent however many base pages it spans.
 * Extents are handed to the IOMMU many at a time through a scatterlist: the
 * IOMMU core picks the largest page size every run allows, and the IOTLB is
 * synchronised once per call rather than once per run.
 *
 * Unmapping walks the extents instead of the IOMMU page tables: the whole
 * range leaves every domain with one gathered IOTLB flush, then each extent
 * is unpinned a folio at a time.
 */
#include <linux/debugfs.h>
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/scatterlist.h>
#include <linux/seq_file.h>
#include <linux/slab.h>

#include "type1.h"

/* Pages pinned per call into GUP: one page worth of pointers. */
#define VFIO_TYPE1_BATCH_PAGES	(PAGE_SIZE / sizeof(struct page *))

/* Mappings this small are pinned with arrays on the stack. */
#define VFIO_TYPE1_SMALL_PAGES	16
#define VFIO_TYPE1_SMALL_SG	8

/*
 * Largest extent: a scatterlist entry's length is 32 bits.  Two extents
 * that split a physically contiguous run are merged again by
 * iommu_map_sg(), so the split costs no large IOMMU page.
 */
#define VFIO_TYPE1_EXTENT_MAX_PAGES	(SZ_2G >> PAGE_SHIFT)

/* How much IOVA space one iommu_unmap_fast() call covers between resched. */
#define VFIO_TYPE1_UNMAP_CHUNK	SZ_1G

/* Pages unpinned between two chances to reschedule. */
#define VFIO_TYPE1_UNPIN_CHUNK	(SZ_64M >> PAGE_SHIFT)

/**
 * struct vfio_type1_batch - scratch space for pinning and mapping
 * @pages: GUP output
 * @capacity: entries in @pages
 * @sgl: scatterlist handed to iommu_map_sg()
 * @sg_capacity: entries in @sgl
 * @small_pages: @pages for small mappings
 * @small_sgl: @sgl for small mappings
 */
struct vfio_type1_batch {
	struct page **pages;
	unsigned int capacity;
	struct scatterlist *sgl;
	unsigned int sg_capacity;
	struct page *small_pages[VFIO_TYPE1_SMALL_PAGES];
	struct scatterlist small_sgl[VFIO_TYPE1_SMALL_SG];
};

/* Counters shown in debugfs, summed over every container */

/**
 * struct vfio_type1_stats - what the IOMMU was asked to do
 * @map_calls: iommu_map() and iommu_map_sg() calls
 * @unmap_calls: iommu_unmap_fast() calls
 * @pages: IOMMU pages created, by log2 of their size, as the IOMMU core
 *	   splits each physically contiguous run: the largest supported size
 *	   that the IOVA and the physical address are both aligned to and
 *	   that fits in what is left of the run
 *
 * Per CPU, so that counting costs no atomic operation on the map and unmap
 * paths; the file sums them.
 */
struct vfio_type1_stats {
	u64 map_calls;
	u64 unmap_calls;
	u64 pages[BITS_PER_LONG];
};

static DEFINE_PER_CPU(struct vfio_type1_stats, vfio_type1_stats);

static void vfio_type1_stats_add_run(u64 pgsize_bitmap, dma_addr_t iova,
				     phys_addr_t phys, u64 len)
{
	while (len) {
		u64 align = iova | phys, sizes, larger, count;
		unsigned int shift;

		sizes = pgsize_bitmap & GENMASK_ULL(__fls(len), 0);
		if (align)
			sizes &= GENMASK_ULL(__ffs(align), 0);
		if (!sizes)
			return;
		shift = __fls(sizes);
		count = len >> shift;

		/*
		 * A larger size becomes usable where the IOVA reaches its
		 * alignment, provided the physical address is aligned the
		 * same way.
		 */
		larger = pgsize_bitmap & ~GENMASK_ULL(shift, 0);
		if (larger) {
			u64 next = 1ULL << __ffs(larger);

			if (!((iova ^ phys) & (next - 1)))
				count = min(count,
					    (next - (iova & (next - 1))) >> shift);
		}

		this_cpu_add(vfio_type1_stats.pages[shift], count);
		iova += count << shift;
		phys += count << shift;
		len -= count << shift;
	}
}

static int vfio_type1_stats_show(struct seq_file *s, void *unused)
{
	struct vfio_type1_stats sum = {};
	unsigned int i;
	int cpu;

	for_each_possible_cpu(cpu) {
		struct vfio_type1_stats *c = per_cpu_ptr(&vfio_type1_stats, cpu);

		sum.map_calls += READ_ONCE(c->map_calls);
		sum.unmap_calls += READ_ONCE(c->unmap_calls);
		for (i = 0; i < BITS_PER_LONG; i++)
			sum.pages[i] += READ_ONCE(c->pages[i]);
	}

	seq_printf(s, "map_calls %llu\n", sum.map_calls);
	seq_printf(s, "unmap_calls %llu\n", sum.unmap_calls);
	for (i = PAGE_SHIFT; i < BITS_PER_LONG; i++)
		if (sum.pages[i])
			seq_printf(s, "iommu_pages %llu %llu\n", 1ULL << i,
				   sum.pages[i]);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(vfio_type1_stats);

/**
 * vfio_type1_stats_init - publish the counters
 * @dir: the module's debugfs directory
 */
void vfio_type1_stats_init(struct dentry *dir)
{
	debugfs_create_file("stats", 0444, dir, NULL, &vfio_type1_stats_fops);
}

/* Locked memory */

/**
 * vfio_type1_charge - add to or take from the owner's locked_vm
 * @dma: the mapping whose owner pays
 * @npages: pages to charge, negative to refund
 *
 * A refund never fails: if the owner's address space is gone there is
 * nothing left to refund.  A charge honours the owner's RLIMIT_MEMLOCK
 * unless it had CAP_IPC_LOCK when it mapped.
 *
 * Return: 0, -ENOMEM over the limit, -ESRCH if the owner has exited,
 * -EINTR if killed while waiting for the mmap lock.
 */
int vfio_type1_charge(struct vfio_type1_dma *dma, long npages)
{
	struct mm_struct *mm = dma->mm;
	bool own = current->mm == mm;
	int ret = 0;

	if (!npages)
		return 0;
	/* The owner's own calls need no reference: its mm is alive. */
	if (!own && !mmget_not_zero(mm))
		return npages > 0 ? -ESRCH : 0;

	if (npages > 0) {
		ret = mmap_write_lock_killable(mm);
		if (ret)
			goto out_put;
	} else {
		mmap_write_lock(mm);
	}
	ret = __account_locked_vm(mm, abs(npages), npages > 0, dma->task,
				  dma->lock_cap);
	mmap_write_unlock(mm);
	if (ret)
		pr_warn_ratelimited("vfio_iommu_type1: %s (%d) exceeds RLIMIT_MEMLOCK (%lu bytes)\n",
				    dma->task->comm, task_pid_nr(dma->task),
				    task_rlimit(dma->task, RLIMIT_MEMLOCK));
out_put:
	if (!own)
		mmput(mm);
	return ret;
}

/* Batches */

static void vfio_type1_batch_init(struct vfio_type1_batch *batch,
				  unsigned long npages)
{
	batch->pages = batch->small_pages;
	batch->capacity = VFIO_TYPE1_SMALL_PAGES;
	batch->sgl = batch->small_sgl;
	batch->sg_capacity = VFIO_TYPE1_SMALL_SG;

	if (npages <= VFIO_TYPE1_SMALL_PAGES)
		return;

	/* Without the big arrays pinning is only slower, not impossible. */
	batch->pages = (struct page **)__get_free_page(GFP_KERNEL);
	if (batch->pages)
		batch->capacity = VFIO_TYPE1_BATCH_PAGES;
	else
		batch->pages = batch->small_pages;

	batch->sgl = kmalloc_array(VFIO_TYPE1_BATCH_PAGES,
				   sizeof(*batch->sgl), GFP_KERNEL);
	if (batch->sgl)
		batch->sg_capacity = VFIO_TYPE1_BATCH_PAGES;
	else
		batch->sgl = batch->small_sgl;
}

static void vfio_type1_batch_fini(struct vfio_type1_batch *batch)
{
	if (batch->pages != batch->small_pages)
		free_page((unsigned long)batch->pages);
	if (batch->sgl != batch->small_sgl)
		kfree(batch->sgl);
}

/* Extents */

static int vfio_type1_extent_grow(struct vfio_type1_dma *dma)
{
	unsigned int max = dma->max_extents ? dma->max_extents * 2 : 1;
	struct vfio_type1_extent *extents;

	if (dma->max_extents == 0) {
		dma->extents = &dma->inline_extent;
		dma->max_extents = 1;
		return 0;
	}

	extents = kvmalloc_array(max, sizeof(*extents), GFP_KERNEL_ACCOUNT);
	if (!extents)
		return -ENOMEM;
	memcpy(extents, dma->extents, dma->nr_extents * sizeof(*extents));
	if (dma->extents != &dma->inline_extent)
		kvfree(dma->extents);
	dma->extents = extents;
	dma->max_extents = max;
	return 0;
}

/*
 * Record @npages pages from @pfn as the next part of the mapping.  The
 * last extent grows when the pages continue it, unless it has already been
 * handed to the IOMMU (@sealed extents are).
 */
static int vfio_type1_extent_add(struct vfio_type1_dma *dma,
				 unsigned int sealed, unsigned long pfn,
				 unsigned long npages, u32 flags)
{
	struct vfio_type1_extent *last;

	while (npages) {
		u32 n = min_t(unsigned long, npages,
			      VFIO_TYPE1_EXTENT_MAX_PAGES);

		last = dma->nr_extents ? &dma->extents[dma->nr_extents - 1] :
			NULL;
		if (last && dma->nr_extents > sealed && last->flags == flags &&
		    last->pfn + last->npages == pfn &&
		    last->npages + n <= VFIO_TYPE1_EXTENT_MAX_PAGES &&
		    !READ_ONCE(vfio_type1_disable_hugepages)) {
			last->npages += n;
		} else {
			if (dma->nr_extents == dma->max_extents &&
			    vfio_type1_extent_grow(dma))
				return -ENOMEM;
			dma->extents[dma->nr_extents++] =
				(struct vfio_type1_extent) {
					.pfn = pfn, .npages = n, .flags = flags,
				};
		}
		pfn += n;
		npages -= n;
	}
	return 0;
}

static void vfio_type1_extents_unpin(struct vfio_type1_dma *dma)
{
	bool dirty = dma->prot & IOMMU_WRITE;
	unsigned long since_resched = 0;
	unsigned int i;

	for (i = 0; i < dma->nr_extents; i++) {
		struct vfio_type1_extent *ext = &dma->extents[i];

		if (!(ext->flags & VFIO_TYPE1_EXTENT_PINNED))
			continue;
		unpin_user_page_range_dirty_lock(pfn_to_page(ext->pfn),
						 ext->npages, dirty);
		since_resched += ext->npages;
		if (since_resched >= VFIO_TYPE1_UNPIN_CHUNK) {
			cond_resched();
			since_resched = 0;
		}
	}
}

static void vfio_type1_extents_free(struct vfio_type1_dma *dma)
{
	if (dma->extents != &dma->inline_extent)
		kvfree(dma->extents);
	dma->extents = NULL;
	dma->nr_extents = 0;
	dma->max_extents = 0;
}

/* Getting pages */

/**
 * vfio_type1_pin_user - pin pages of a mapping owner's memory long-term
 * @dma: the mapping, for its owner and permissions
 * @vaddr: first user address
 * @npages: pages wanted
 * @pages: receives the pages
 *
 * Return: pages pinned (possibly fewer than asked), or a negative errno.
 */
long vfio_type1_pin_user(struct vfio_type1_dma *dma, unsigned long vaddr,
			 unsigned long npages, struct page **pages)
{
	unsigned int flags = FOLL_LONGTERM;
	struct mm_struct *mm = dma->mm;
	long ret;

	if (dma->prot & IOMMU_WRITE)
		flags |= FOLL_WRITE;

	/* The usual case: the owner itself maps, no mmap lock needed. */
	if (current->mm == mm)
		return pin_user_pages_fast(vaddr, npages, flags, pages);

	if (!mmget_not_zero(mm))
		return -ESRCH;
	mmap_read_lock(mm);
	ret = pin_user_pages_remote(mm, vaddr, npages, flags, pages, NULL);
	mmap_read_unlock(mm);
	mmput(mm);
	return ret;
}

/*
 * Look up one page of a VM_PFNMAP range, faulting it in if need be.
 * Return: 0 with *pfn set, -EAGAIN when the mmap lock was dropped (the vma
 * must be looked up again), or another negative errno.
 */
static int vfio_type1_pfnmap_lookup(struct mm_struct *mm,
				    struct vm_area_struct *vma,
				    unsigned long addr, bool write,
				    unsigned long *pfn)
{
	struct follow_pfnmap_args args = { .vma = vma, .address = addr };
	bool unlocked = false;
	int ret;

	if (follow_pfnmap_start(&args)) {
		ret = fixup_user_fault(mm, addr,
				       FAULT_FLAG_REMOTE |
				       (write ? FAULT_FLAG_WRITE : 0),
				       &unlocked);
		if (ret)
			return ret;
		if (unlocked)
			return -EAGAIN;
		if (follow_pfnmap_start(&args))
			return -EFAULT;
	}

	ret = write && !args.writable ? -EFAULT : 0;
	*pfn = args.pfn;
	follow_pfnmap_end(&args);
	return ret;
}

/**
 * vfio_type1_follow_pfnmap - find the page frames of a VM_PFNMAP range
 * @dma: the mapping, for its owner and permissions
 * @vaddr: first user address
 * @npages: most frames wanted
 * @first_pfn: receives the first frame
 *
 * VM_PFNMAP ranges (an mmap'd BAR, typically) carry no struct page
 * references and no locked memory charge.  Frames of ordinary RAM are
 * refused: without a reference nothing would keep them from being freed
 * and reused while the device still reaches them.
 *
 * Return: the number of contiguous frames from *@first_pfn, -ENOENT if
 * @vaddr is not in a VM_PFNMAP range, or another negative errno.
 */
long vfio_type1_follow_pfnmap(struct vfio_type1_dma *dma, unsigned long vaddr,
			      unsigned long npages, unsigned long *first_pfn)
{
	bool write = dma->prot & IOMMU_WRITE;
	struct mm_struct *mm = dma->mm;
	struct vm_area_struct *vma;
	unsigned long done = 0, pfn;
	long ret = 0;

	if (!mmget_not_zero(mm))
		return -ESRCH;
	mmap_read_lock(mm);
	vaddr = untagged_addr_remote(mm, vaddr);

	while (done < npages) {
		unsigned long addr = vaddr + (done << PAGE_SHIFT);

		vma = vma_lookup(mm, addr);
		if (!vma || !(vma->vm_flags & VM_PFNMAP)) {
			ret = -ENOENT;
			break;
		}
		ret = vfio_type1_pfnmap_lookup(mm, vma, addr, write, &pfn);
		if (ret == -EAGAIN)
			continue;
		if (ret)
			break;
		if (pfn_valid(pfn) && !PageReserved(pfn_to_page(pfn))) {
			ret = -EFAULT;
			break;
		}
		if (done && pfn != *first_pfn + done)
			break;
		if (!done)
			*first_pfn = pfn;
		done++;
	}

	mmap_read_unlock(mm);
	mmput(mm);
	return done ? done : ret;
}

/* How many of @npages pages from page @index of @dma no pin pays for yet. */
static unsigned long vfio_type1_uncharged(struct vfio_type1_dma *dma,
					  unsigned long index,
					  unsigned long npages)
{
	unsigned long i, n = npages;

	if (!vfio_type1_dma_pinned(dma))
		return npages;
	for (i = 0; i < npages; i++) {
		struct vfio_type1_pin *pin = xa_load(&dma->pins->xa, index + i);

		if (pin && pin->locked)
			n--;
	}
	return n;
}

/*
 * Pin up to @npages pages at byte @offset of @dma, record them as extents
 * and charge them.  Extents at or below @sealed are left alone.
 * Return: pages consumed, or a negative errno; recorded extents stay
 * recorded (the caller unpins them), charges are all or nothing.
 */
static long vfio_type1_pin_chunk(struct vfio_type1_dma *dma,
				 unsigned int sealed, size_t offset,
				 unsigned long npages,
				 struct vfio_type1_batch *batch)
{
	unsigned long vaddr = dma->vaddr + offset, index = offset >> PAGE_SHIFT;
	struct page **pages = batch->pages;
	unsigned long locked = 0, i, run;
	long pinned, ret;

	pinned = vfio_type1_pin_user(dma, vaddr, npages, pages);
	if (pinned == 0)
		pinned = -EFAULT;
	if (pinned == -EFAULT) {
		unsigned long pfn;

		/* GUP refuses VM_PFNMAP ranges: those are looked up instead. */
		ret = vfio_type1_follow_pfnmap(dma, vaddr, npages, &pfn);
		if (ret == -ENOENT)
			return -EFAULT;
		if (ret < 0)
			return ret;
		if (vfio_type1_extent_add(dma, sealed, pfn, ret, 0))
			return -ENOMEM;
		return ret;
	}
	if (pinned < 0)
		return pinned;

	for (i = 0; i < pinned; i += run) {
		struct page *page = pages[i];
		struct folio *folio = page_folio(page);
		unsigned long limit;

		/*
		 * Pages of one folio that follow each other in the user's
		 * address space are contiguous: compare pointers rather than
		 * touch every tail page.
		 */
		limit = min_t(unsigned long, pinned - i,
			      folio_nr_pages(folio) - folio_page_idx(folio, page));
		for (run = 1; run < limit; run++)
			if (pages[i + run] != nth_page(page, run))
				break;

		/* Reserved pages (the zero page) are not the user's memory. */
		if (folio_test_large(folio) || !PageReserved(page))
			locked += vfio_type1_uncharged(dma, index + i, run);

		if (vfio_type1_extent_add(dma, sealed, page_to_pfn(page), run,
					  VFIO_TYPE1_EXTENT_PINNED)) {
			unpin_user_pages(pages + i, pinned - i);
			return -ENOMEM;
		}
	}

	ret = vfio_type1_charge(dma, locked);
	if (ret)
		return ret;
	dma->map_locked += locked;
	return pinned;
}

/* IOMMU mappings */

static int vfio_type1_map_pages(struct iommu_domain *domain, dma_addr_t iova,
				phys_addr_t phys, size_t len, int prot)
{
	size_t off;
	int ret;

	if (!READ_ONCE(vfio_type1_disable_hugepages)) {
		this_cpu_inc(vfio_type1_stats.map_calls);
		vfio_type1_stats_add_run(domain->pgsize_bitmap, iova, phys, len);
		return iommu_map(domain, iova, phys, len, prot,
				 GFP_KERNEL_ACCOUNT);
	}

	/* One IOMMU page per base page, as the parameter asks. */
	for (off = 0; off < len; off += PAGE_SIZE) {
		this_cpu_inc(vfio_type1_stats.map_calls);
		this_cpu_inc(vfio_type1_stats.pages[PAGE_SHIFT]);
		ret = iommu_map(domain, iova + off, phys + off, PAGE_SIZE,
				prot, GFP_KERNEL_ACCOUNT);
		if (ret) {
			if (off)
				iommu_unmap(domain, iova, off);
			return ret;
		}
	}
	return 0;
}

/*
 * Map the @n pinned extents from @ext, the first at @iova, into @domain
 * with one iommu_map_sg() call.  Return: bytes mapped, or a negative errno
 * with nothing left mapped.
 */
static ssize_t vfio_type1_map_sg(struct iommu_domain *domain,
				 struct vfio_type1_extent *ext, unsigned int n,
				 dma_addr_t iova, int prot,
				 struct scatterlist *sgl)
{
	size_t len = 0, ext_len;
	ssize_t mapped;
	unsigned int k;

	sg_init_table(sgl, n);
	for (k = 0; k < n; k++) {
		ext_len = (size_t)ext[k].npages << PAGE_SHIFT;
		sg_set_page(&sgl[k], pfn_to_page(ext[k].pfn), ext_len, 0);
		vfio_type1_stats_add_run(domain->pgsize_bitmap, iova + len,
					 PFN_PHYS(ext[k].pfn), ext_len);
		len += ext_len;
	}

	this_cpu_inc(vfio_type1_stats.map_calls);
	mapped = iommu_map_sg(domain, iova, sgl, n, prot, GFP_KERNEL_ACCOUNT);
	if (mapped >= 0 && mapped != len) {
		iommu_unmap(domain, iova, mapped);
		mapped = -EFAULT;
	}
	return mapped;
}

/*
 * Map extents [@first, @last) of @dma, the first at @iova, into @domain.
 * Runs of pinned pages go through one scatterlist per @batch->sg_capacity
 * extents; VM_PFNMAP extents, which have no struct page, one by one.
 * On failure nothing of the range stays mapped in @domain.
 */
static int vfio_type1_map_extents(struct iommu_domain *domain,
				  struct vfio_type1_dma *dma,
				  unsigned int first, unsigned int last,
				  dma_addr_t iova, struct vfio_type1_batch *batch)
{
	bool one_by_one = READ_ONCE(vfio_type1_disable_hugepages);
	int prot = dma->prot | IOMMU_CACHE;
	dma_addr_t start = iova;
	unsigned int i = first, n;
	ssize_t len;
	int ret;

	while (i < last) {
		struct vfio_type1_extent *ext = &dma->extents[i];

		if (!(ext->flags & VFIO_TYPE1_EXTENT_PINNED) || one_by_one) {
			len = (size_t)ext->npages << PAGE_SHIFT;
			ret = vfio_type1_map_pages(domain, iova,
						   PFN_PHYS(ext->pfn), len,
						   prot);
			if (ret)
				goto err_unmap;
			iova += len;
			i++;
			continue;
		}

		for (n = 1; i + n < last && n < batch->sg_capacity; n++)
			if (!(ext[n].flags & VFIO_TYPE1_EXTENT_PINNED))
				break;
		len = vfio_type1_map_sg(domain, ext, n, iova, prot, batch->sgl);
		if (len < 0) {
			ret = len;
			goto err_unmap;
		}
		iova += len;
		i += n;
	}
	return 0;

err_unmap:
	if (iova != start)
		iommu_unmap(domain, start, iova - start);
	return ret;
}

/* Take [@iova, @iova + @len) out of every domain of @iommu, one flush each. */
static void vfio_type1_unmap_domains(struct vfio_type1 *iommu,
				     dma_addr_t iova, size_t len)
{
	struct vfio_type1_domain *d;

	if (!len)
		return;

	list_for_each_entry(d, &iommu->domains, next) {
		struct iommu_iotlb_gather gather;
		size_t off, chunk, unmapped;

		iommu_iotlb_gather_init(&gather);
		for (off = 0; off < len; off += chunk) {
			chunk = min_t(size_t, len - off, VFIO_TYPE1_UNMAP_CHUNK);
			this_cpu_inc(vfio_type1_stats.unmap_calls);
			unmapped = iommu_unmap_fast(d->domain, iova + off, chunk,
						    &gather);
			WARN_ON_ONCE(unmapped != chunk);
			cond_resched();
		}
		iommu_iotlb_sync(d->domain, &gather);
	}
}

/*
 * Map extents [*@done, @last) into every domain; *@done and *@mapped (bytes
 * mapped so far) advance on success.  On failure no domain keeps any of
 * the new range.
 */
static int vfio_type1_map_all_domains(struct vfio_type1 *iommu,
				      struct vfio_type1_dma *dma,
				      unsigned int *done, unsigned int last,
				      size_t *mapped,
				      struct vfio_type1_batch *batch)
{
	dma_addr_t iova = dma->iova + *mapped;
	struct vfio_type1_domain *d;
	size_t len = 0;
	unsigned int i;
	int ret;

	if (*done >= last)
		return 0;
	for (i = *done; i < last; i++)
		len += (size_t)dma->extents[i].npages << PAGE_SHIFT;

	list_for_each_entry(d, &iommu->domains, next) {
		ret = vfio_type1_map_extents(d->domain, dma, *done, last, iova,
					     batch);
		if (ret)
			goto err_unwind;
		cond_resched();
	}
	*done = last;
	*mapped += len;
	return 0;

err_unwind:
	list_for_each_entry_continue_reverse(d, &iommu->domains, next)
		iommu_unmap(d->domain, iova, len);
	return ret;
}

/*
 * Undo everything pinning did to @dma, of which @mapped bytes are in the
 * domains: unmap, unpin, refund.
 */
static void vfio_type1_dma_release(struct vfio_type1 *iommu,
				   struct vfio_type1_dma *dma, size_t mapped)
{
	vfio_type1_unmap_domains(iommu, dma->iova, mapped);
	vfio_type1_extents_unpin(dma);
	vfio_type1_extents_free(dma);
	vfio_type1_charge(dma, -(long)dma->map_locked);
	dma->map_locked = 0;
	dma->iommu_mapped = false;
}

/**
 * vfio_type1_dma_pin_map - pin a mapping and map it into every domain
 * @iommu: the container, locked
 * @dma: a mapping not pinned yet
 *
 * A fatal signal stops the work; everything done so far is undone, as it
 * is on any failure.
 *
 * Return: 0, or -ENOMEM (memory, or RLIMIT_MEMLOCK), -EFAULT (no usable
 * memory at the user address), -EINTR, -ESRCH (the owner exited) or an
 * IOMMU error.
 */
int vfio_type1_dma_pin_map(struct vfio_type1 *iommu, struct vfio_type1_dma *dma)
{
	size_t pinned = 0, mapped = 0;
	struct vfio_type1_batch batch;
	unsigned int sealed = 0;
	long ret = 0;

	lockdep_assert_held(&iommu->lock);
	if (WARN_ON(dma->iommu_mapped || dma->nr_extents))
		return -EINVAL;

	vfio_type1_batch_init(&batch, dma->size >> PAGE_SHIFT);
	while (pinned < dma->size) {
		unsigned long npages = min_t(unsigned long, batch.capacity,
					     (dma->size - pinned) >> PAGE_SHIFT);

		if (fatal_signal_pending(current)) {
			ret = -EINTR;
			break;
		}

		ret = vfio_type1_pin_chunk(dma, sealed, pinned, npages, &batch);
		if (ret < 0)
			break;
		pinned += (size_t)ret << PAGE_SHIFT;

		/*
		 * Hand the IOMMU a scatterlist's worth of extents at a time.
		 * The last extent stays back: the next chunk may extend it
		 * into a larger IOMMU page.
		 */
		if (dma->nr_extents - 1 - sealed >= batch.sg_capacity) {
			ret = vfio_type1_map_all_domains(iommu, dma, &sealed,
							 dma->nr_extents - 1,
							 &mapped, &batch);
			if (ret)
				break;
		}
		ret = 0;
	}
	if (!ret)
		ret = vfio_type1_map_all_domains(iommu, dma, &sealed,
						 dma->nr_extents, &mapped,
						 &batch);
	vfio_type1_batch_fini(&batch);

	if (ret) {
		vfio_type1_dma_release(iommu, dma, mapped);
		return ret;
	}
	dma->iommu_mapped = true;
	return 0;
}

/**
 * vfio_type1_dma_map_domain - map a pinned mapping into one more domain
 * @dma: a mapping with @iommu_mapped set
 * @domain: the new domain, not yet on the container's list
 *
 * On failure parts of @dma may stay mapped in @domain, which the caller is
 * about to free anyway.
 *
 * Return: 0 or an IOMMU error.
 */
int vfio_type1_dma_map_domain(struct vfio_type1_dma *dma,
			      struct vfio_type1_domain *domain)
{
	struct vfio_type1_batch batch;
	int ret;

	vfio_type1_batch_init(&batch, dma->nr_extents);
	ret = vfio_type1_map_extents(domain->domain, dma, 0, dma->nr_extents,
				     dma->iova, &batch);
	vfio_type1_batch_fini(&batch);
	return ret;
}

/**
 * vfio_type1_dma_unmap_unpin - take a mapping out of every domain and unpin
 *				it
 * @iommu: the container, locked
 * @dma: the mapping; afterwards it is no longer @iommu_mapped
 */
void vfio_type1_dma_unmap_unpin(struct vfio_type1 *iommu,
				struct vfio_type1_dma *dma)
{
	lockdep_assert_held(&iommu->lock);
	if (!dma->iommu_mapped)
		return;
	vfio_type1_dma_release(iommu, dma, dma->size);
}
