// SPDX-License-Identifier: GPL-2.0-only
/*
 * Region access of the vfio_mock platform devices: read(2), write(2) and
 * mmap(2) on the device fd.
 *
 * Both regions are plain memory.  The file offset selects the region in
 * its top bits (VFIO_MOCK_REGION_SHIFT) and the byte inside it below.
 */
#include <linux/mm.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include "vfio_mock_priv.h"

#define VFIO_MOCK_OFFSET_MASK	(VFIO_MOCK_REGION_OFFSET(1) - 1)

/* A doorbell write must cover the whole 32-bit doorbell word */
static bool vfio_mock_rings_doorbell(unsigned int index, u64 offset,
				     size_t count)
{
	return index == VFIO_MOCK_RAM_REGION_INDEX &&
	       offset <= VFIO_MOCK_DOORBELL &&
	       offset + count >= VFIO_MOCK_DOORBELL + sizeof(u32);
}

static ssize_t vfio_mock_rw(struct vfio_mock_device *mdev, char __user *buf,
			    size_t count, loff_t *ppos, bool write)
{
	unsigned int index = (u64)*ppos >> VFIO_MOCK_REGION_SHIFT;
	u64 offset = *ppos & VFIO_MOCK_OFFSET_MASK;
	unsigned long left;
	void *ram;

	if (index >= VFIO_MOCK_NUM_REGIONS ||
	    offset >= vfio_mock_region_bytes[index])
		return -EINVAL;

	/* Like a file, an access running past the end is cut short */
	count = min_t(u64, count, vfio_mock_region_bytes[index] - offset);
	ram = mdev->ram[index] + offset;

	mutex_lock(&mdev->lock);
	if (write)
		left = copy_from_user(ram, (const char __user *)buf, count);
	else
		left = copy_to_user(buf, ram, count);
	if (left) {
		mutex_unlock(&mdev->lock);
		return -EFAULT;
	}
	if (write && vfio_mock_rings_doorbell(index, offset, count))
		vfio_mock_irq_raise(&mdev->irq[VFIO_MOCK_DOORBELL_IRQ_INDEX]);
	mutex_unlock(&mdev->lock);

	*ppos += count;
	return count;
}

/**
 * vfio_mock_read - read(2) on a mock device fd
 * @vdev: the device
 * @buf: user buffer
 * @count: bytes wanted
 * @ppos: file position: region and offset
 *
 * Return: bytes read, or -EINVAL for an offset outside every region.
 */
ssize_t vfio_mock_read(struct vfio_device *vdev, char __user *buf,
		       size_t count, loff_t *ppos)
{
	struct vfio_mock_device *mdev =
		container_of(vdev, struct vfio_mock_device, vdev);

	return vfio_mock_rw(mdev, buf, count, ppos, false);
}

/**
 * vfio_mock_write - write(2) on a mock device fd
 * @vdev: the device
 * @buf: user buffer
 * @count: bytes to write
 * @ppos: file position: region and offset
 *
 * Return: bytes written, or -EINVAL for an offset outside every region.
 */
ssize_t vfio_mock_write(struct vfio_device *vdev, const char __user *buf,
			size_t count, loff_t *ppos)
{
	struct vfio_mock_device *mdev =
		container_of(vdev, struct vfio_mock_device, vdev);

	return vfio_mock_rw(mdev, (char __user *)buf, count, ppos, true);
}

/* Whether [offset, offset + len) lies inside one mappable area */
static bool vfio_mock_mmap_allowed(unsigned int index, u64 offset, u64 len)
{
	static const struct {
		u64 offset;
		u64 size;
	} areas[] = {
		{ VFIO_MOCK_SPARSE_AREA0_OFFSET, VFIO_MOCK_SPARSE_AREA0_SIZE },
		{ VFIO_MOCK_SPARSE_AREA1_OFFSET, VFIO_MOCK_SPARSE_AREA1_SIZE },
	};
	unsigned int i;

	if (index == VFIO_MOCK_RAM_REGION_INDEX)
		return len <= VFIO_MOCK_RAM_REGION_SIZE &&
		       offset <= VFIO_MOCK_RAM_REGION_SIZE - len;

	for (i = 0; i < ARRAY_SIZE(areas); i++)
		if (offset >= areas[i].offset && len <= areas[i].size &&
		    offset - areas[i].offset <= areas[i].size - len)
			return true;
	return false;
}

/**
 * vfio_mock_mmap - mmap(2) on a mock device fd
 * @vdev: the device
 * @vma: the new mapping; vm_pgoff holds the region offset in pages
 *
 * Region 0 maps whole; region 1 only inside its sparse areas.  Mappings
 * must be shared, since a private copy of device memory means nothing.
 *
 * Return: 0 or -EINVAL.
 */
int vfio_mock_mmap(struct vfio_device *vdev, struct vm_area_struct *vma)
{
	struct vfio_mock_device *mdev =
		container_of(vdev, struct vfio_mock_device, vdev);
	unsigned int pgoff_shift = VFIO_MOCK_REGION_SHIFT - PAGE_SHIFT;
	unsigned int index = vma->vm_pgoff >> pgoff_shift;
	u64 offset = (vma->vm_pgoff & ((1ULL << pgoff_shift) - 1)) <<
		     PAGE_SHIFT;
	u64 len = vma->vm_end - vma->vm_start;

	if (index >= VFIO_MOCK_NUM_REGIONS ||
	    !vfio_mock_mmap_allowed(index, offset, len) ||
	    !(vma->vm_flags & VM_SHARED))
		return -EINVAL;

	return remap_vmalloc_range(vma, mdev->ram[index],
				   offset >> PAGE_SHIFT);
}
