// SPDX-License-Identifier: GPL-2.0-only
/*
 * Emulated-IOMMU devices of the type1 backend.
 *
 * A device without DMA of its own (a mediated device, a software model)
 * reaches the user's memory through IOVAs the user mapped in the
 * container: vfio_pin_pages() pins single pages, vfio_dma_rw() copies.
 * Such a device must drop its pins when told that the user unmaps the range
 * holding them (&vfio_device_ops.dma_unmap); the unmap waits for that.
 *
 * A pinned page is charged to the owner's locked memory once: by the
 * mapping if it is pinned there too (a real IOMMU domain exists), else by
 * the device's pin.
 */
#include <linux/highmem.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "type1.h"

/* Unmap notification */

/**
 * vfio_iommu_type1_register_device - an emulated device opened in the
 *				      container
 * @iommu_data: the container's backend state
 * @vdev: the device
 */
void vfio_iommu_type1_register_device(void *iommu_data,
				      struct vfio_device *vdev)
{
	struct vfio_type1 *iommu = iommu_data;
	struct vfio_type1_device *entry;

	if (!vdev->ops->dma_unmap)
		return;

	/* Tiny, and an unmap could never complete without it. */
	entry = kzalloc(sizeof(*entry), GFP_KERNEL | __GFP_NOFAIL);
	entry->vdev = vdev;
	mutex_lock(&iommu->device_lock);
	list_add(&entry->next, &iommu->devices);
	mutex_unlock(&iommu->device_lock);
}

/**
 * vfio_iommu_type1_unregister_device - the device closed
 * @iommu_data: the container's backend state
 * @vdev: the device
 */
void vfio_iommu_type1_unregister_device(void *iommu_data,
					struct vfio_device *vdev)
{
	struct vfio_type1 *iommu = iommu_data;
	struct vfio_type1_device *entry;

	mutex_lock(&iommu->device_lock);
	list_for_each_entry(entry, &iommu->devices, next) {
		if (entry->vdev == vdev) {
			list_del(&entry->next);
			kfree(entry);
			break;
		}
	}
	mutex_unlock(&iommu->device_lock);
}

/**
 * vfio_type1_notify_unmap - ask emulated devices to unpin a mapping
 * @iommu: the container, locked; the lock is dropped and retaken, so the
 *	   caller must look up its mappings again afterwards
 * @dma: the mapping about to be unmapped
 */
void vfio_type1_notify_unmap(struct vfio_type1 *iommu,
			     struct vfio_type1_dma *dma)
{
	dma_addr_t iova = dma->iova;
	size_t size = dma->size;
	struct vfio_type1_device *entry;

	/* Devices answer with vfio_unpin_pages(), which takes our lock. */
	mutex_unlock(&iommu->lock);
	mutex_lock(&iommu->device_lock);
	list_for_each_entry(entry, &iommu->devices, next)
		entry->vdev->ops->dma_unmap(entry->vdev, iova, size);
	mutex_unlock(&iommu->device_lock);
	mutex_lock(&iommu->lock);
}

/* Pins */

static void vfio_type1_pin_put(struct vfio_type1_dma *dma,
			       unsigned long index, struct vfio_type1_pin *pin)
{
	xa_erase(&dma->pins->xa, index);
	unpin_user_pages_dirty_lock(&pin->page, 1, dma->prot & IOMMU_WRITE);
	if (pin->locked) {
		vfio_type1_charge(dma, -1);
		dma->pins->locked--;
	}
	kfree(pin);
}

/* Pin the page at @iova of @dma for a device, or take another reference. */
static int vfio_type1_pin_get(struct vfio_type1 *iommu,
			      struct vfio_type1_dma *dma, dma_addr_t iova,
			      struct page **page)
{
	unsigned long index = (iova - dma->iova) >> PAGE_SHIFT;
	unsigned long vaddr = dma->vaddr + (iova - dma->iova), pfn;
	struct vfio_type1_pin *pin;
	long ret;

	if (!dma->pins) {
		dma->pins = kzalloc(sizeof(*dma->pins), GFP_KERNEL_ACCOUNT);
		if (!dma->pins)
			return -ENOMEM;
		xa_init(&dma->pins->xa);
	}

	pin = xa_load(&dma->pins->xa, index);
	if (pin) {
		pin->refs++;
		*page = pin->page;
		return 0;
	}

	pin = kzalloc(sizeof(*pin), GFP_KERNEL_ACCOUNT);
	if (!pin)
		return -ENOMEM;
	pin->refs = 1;

	ret = vfio_type1_pin_user(dma, vaddr, 1, &pin->page);
	if (ret != 1) {
		/* MMIO has no struct page a device could be handed. */
		if (ret == -EFAULT &&
		    vfio_type1_follow_pfnmap(dma, vaddr, 1, &pfn) == 1)
			ret = -EINVAL;
		goto err_free;
	}

	/* Mapped pages are charged already; reserved ones never are. */
	if (list_empty(&iommu->domains) && !PageReserved(pin->page)) {
		ret = vfio_type1_charge(dma, 1);
		if (ret)
			goto err_unpin;
		pin->locked = true;
		dma->pins->locked++;
	}

	ret = xa_err(xa_store(&dma->pins->xa, index, pin,
			      GFP_KERNEL_ACCOUNT));
	if (ret)
		goto err_uncharge;
	*page = pin->page;
	return 0;

err_uncharge:
	if (pin->locked) {
		vfio_type1_charge(dma, -1);
		dma->pins->locked--;
	}
err_unpin:
	unpin_user_page(pin->page);
err_free:
	kfree(pin);
	return ret < 0 ? ret : -EFAULT;
}

static void vfio_type1_pin_release(struct vfio_type1_dma *dma, dma_addr_t iova)
{
	unsigned long index = (iova - dma->iova) >> PAGE_SHIFT;
	struct vfio_type1_pin *pin;

	if (!dma->pins)
		return;
	pin = xa_load(&dma->pins->xa, index);
	if (pin && !--pin->refs)
		vfio_type1_pin_put(dma, index, pin);
}

/**
 * vfio_iommu_type1_pin_pages - pin the pages behind user IOVAs
 * @iommu_data: the container's backend state
 * @user_iova: first IOVA, page aligned
 * @npage: number of pages
 * @prot: IOMMU_READ and/or IOMMU_WRITE, which the mappings must allow
 * @pages: receives the pages
 *
 * Return: @npage, -EACCES in a v1 container, -EINVAL for an IOVA that is
 * not mapped (or backed by MMIO), -EPERM for a mapping without @prot,
 * -EBUSY while user addresses are being updated, or a pinning error.
 */
int vfio_iommu_type1_pin_pages(void *iommu_data, dma_addr_t user_iova,
			       int npage, int prot, struct page **pages)
{
	struct vfio_type1 *iommu = iommu_data;
	struct vfio_type1_dma *dma;
	dma_addr_t iova;
	int i, ret;

	if (!iommu || !pages)
		return -EINVAL;
	if (!iommu->v2)
		return -EACCES;

	mutex_lock(&iommu->lock);

	/* Unreachable: VADDR updates are refused with emulated groups. */
	if (WARN_ON_ONCE(iommu->vaddr_invalid_count)) {
		ret = -EBUSY;
		goto out_unlock;
	}

	for (i = 0; i < npage; i++) {
		iova = user_iova + ((dma_addr_t)i << PAGE_SHIFT);
		dma = vfio_type1_dma_find(iommu, iova, iova);
		ret = -EINVAL;
		if (!dma)
			goto err_unwind;
		ret = -EPERM;
		if ((dma->prot & prot) != prot)
			goto err_unwind;
		ret = vfio_type1_pin_get(iommu, dma, iova, &pages[i]);
		if (ret)
			goto err_unwind;
		if (iommu->dirty_tracking)
			vfio_type1_dma_mark_dirty(iommu, dma, iova - dma->iova,
						  PAGE_SIZE);
	}
	ret = npage;
	goto out_unlock;

err_unwind:
	pages[i] = NULL;
	while (i--) {
		iova = user_iova + ((dma_addr_t)i << PAGE_SHIFT);
		vfio_type1_pin_release(vfio_type1_dma_find(iommu, iova, iova),
				       iova);
		pages[i] = NULL;
	}
out_unlock:
	mutex_unlock(&iommu->lock);
	return ret;
}

/**
 * vfio_iommu_type1_unpin_pages - drop pins taken by
 *				  vfio_iommu_type1_pin_pages()
 * @iommu_data: the container's backend state
 * @user_iova: first IOVA, as pinned
 * @npage: number of pages
 */
void vfio_iommu_type1_unpin_pages(void *iommu_data, dma_addr_t user_iova,
				  int npage)
{
	struct vfio_type1 *iommu = iommu_data;
	struct vfio_type1_dma *dma;
	dma_addr_t iova;
	int i;

	if (WARN_ON(!iommu->v2))
		return;

	mutex_lock(&iommu->lock);
	for (i = 0; i < npage; i++) {
		iova = user_iova + ((dma_addr_t)i << PAGE_SHIFT);
		dma = vfio_type1_dma_find(iommu, iova, iova);
		if (!dma)
			break;
		vfio_type1_pin_release(dma, iova);
	}
	mutex_unlock(&iommu->lock);

	WARN_ON(i != npage);
}

/**
 * vfio_type1_dma_drop_pins - release pins a device failed to release, and
 *			      the pin table
 * @dma: a mapping being removed
 */
void vfio_type1_dma_drop_pins(struct vfio_type1_dma *dma)
{
	struct vfio_type1_pin *pin;
	unsigned long index;

	xa_for_each(&dma->pins->xa, index, pin)
		vfio_type1_pin_put(dma, index, pin);
	xa_destroy(&dma->pins->xa);
	kfree(dma->pins);
	dma->pins = NULL;
}

/**
 * vfio_type1_dma_unpin_to_emulated - unpin a mapping but keep devices' pins
 * @iommu: the container, locked, losing its last IOMMU domain
 * @dma: the mapping
 *
 * The charge of pages that devices still pin moves from the mapping to the
 * pins, in one net step, so the owner's locked memory never goes up here.
 */
void vfio_type1_dma_unpin_to_emulated(struct vfio_type1 *iommu,
				      struct vfio_type1_dma *dma)
{
	struct vfio_type1_pin *pin;
	unsigned long index;
	long delta = 0;

	if (dma->pins) {
		xa_for_each(&dma->pins->xa, index, pin) {
			if (pin->locked || PageReserved(pin->page))
				continue;
			pin->locked = true;
			dma->pins->locked++;
			delta++;
		}
	}

	/* Refund the mapping's charge here, net of what the pins take over. */
	delta -= dma->map_locked;
	dma->map_locked = 0;
	vfio_type1_dma_unmap_unpin(iommu, dma);
	vfio_type1_charge(dma, delta);
}

/* vfio_dma_rw() */

/* Copy through the owner's page tables from outside its address space. */
static int vfio_type1_rw_remote(struct mm_struct *mm, unsigned long vaddr,
				void *data, size_t count, bool write)
{
	int ret = 0;

	mmap_read_lock(mm);
	while (count) {
		size_t offset = offset_in_page(vaddr);
		size_t n = min_t(size_t, count, PAGE_SIZE - offset);
		struct page *page;
		void *kaddr;

		if (get_user_pages_remote(mm, vaddr, 1, write ? FOLL_WRITE : 0,
					  &page, NULL) != 1) {
			ret = -EFAULT;
			break;
		}
		kaddr = kmap_local_page(page);
		if (write) {
			memcpy(kaddr + offset, data, n);
			flush_dcache_page(page);
			set_page_dirty_lock(page);
		} else {
			memcpy(data, kaddr + offset, n);
		}
		kunmap_local(kaddr);
		put_page(page);

		vaddr += n;
		data += n;
		count -= n;
	}
	mmap_read_unlock(mm);
	return ret;
}

/* Copy up to the end of the mapping holding @iova; set *@done. */
static int vfio_type1_rw_chunk(struct vfio_type1 *iommu, dma_addr_t iova,
			       void *data, size_t count, bool write,
			       size_t *done)
{
	struct vfio_type1_dma *dma;
	unsigned long vaddr;
	struct mm_struct *mm;
	size_t offset;
	int ret;

	dma = vfio_type1_dma_find(iommu, iova, iova);
	if (!dma)
		return -EINVAL;
	if (!(dma->prot & IOMMU_READ) || (write && !(dma->prot & IOMMU_WRITE)))
		return -EPERM;

	mm = dma->mm;
	if (!mmget_not_zero(mm))
		return -EPERM;

	offset = iova - dma->iova;
	count = min_t(size_t, count, dma->size - offset);
	vaddr = dma->vaddr + offset;

	if (current->mm == mm ||
	    (!current->mm && (current->flags & PF_KTHREAD))) {
		/* A kernel thread borrows the owner's address space. */
		bool borrow = !current->mm;
		unsigned long left;

		if (borrow)
			kthread_use_mm(mm);
		if (write)
			left = copy_to_user((void __user *)vaddr, data, count);
		else
			left = copy_from_user(data, (void __user *)vaddr, count);
		if (borrow)
			kthread_unuse_mm(mm);
		ret = left ? -EFAULT : 0;
	} else {
		ret = vfio_type1_rw_remote(mm, vaddr, data, count, write);
	}
	mmput(mm);

	if (!ret && write && iommu->dirty_tracking)
		vfio_type1_dma_mark_dirty(iommu, dma, offset, count);
	*done = count;
	return ret;
}

/**
 * vfio_iommu_type1_dma_rw - copy between a kernel buffer and user IOVAs
 * @iommu_data: the container's backend state
 * @user_iova: first IOVA
 * @data: the kernel buffer
 * @count: bytes
 * @write: copy @data to the user's memory rather than from it
 *
 * Return: 0, -EINVAL for an unmapped IOVA, -EPERM for a mapping without
 * the needed permission or whose owner has exited, -EFAULT, or -EBUSY
 * while user addresses are being updated.
 */
int vfio_iommu_type1_dma_rw(void *iommu_data, dma_addr_t user_iova,
			    void *data, size_t count, bool write)
{
	struct vfio_type1 *iommu = iommu_data;
	size_t done;
	int ret = 0;

	mutex_lock(&iommu->lock);
	if (WARN_ON_ONCE(iommu->vaddr_invalid_count)) {
		ret = -EBUSY;
		goto out_unlock;
	}
	while (count) {
		ret = vfio_type1_rw_chunk(iommu, user_iova, data, count, write,
					  &done);
		if (ret)
			break;
		user_iova += done;
		data += done;
		count -= done;
	}
out_unlock:
	mutex_unlock(&iommu->lock);
	return ret;
}
