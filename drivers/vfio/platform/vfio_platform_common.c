// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio-platform-base: what platform and AMBA devices have in common once
 * their bus front end has said where the registers and interrupts are.
 * This file holds the regions (the device fd's read, write and mmap) and
 * the ioctls; interrupts, resets and device tree capabilities have files
 * of their own.
 */
#include <linux/debugfs.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vfio.h>

#include "vfio_platform_private.h"

#define DRIVER_DESC	"VFIO: shared core of the platform and AMBA bus drivers"

/* /sys/kernel/debug/vfio-platform: one directory per bound device */
static struct dentry *vfio_platform_debugfs_root;

static u32 vfio_platform_region_flags(const struct resource *res)
{
	u32 flags = VFIO_REGION_INFO_FLAG_READ;

	if (!(res->flags & IORESOURCE_READONLY))
		flags |= VFIO_REGION_INFO_FLAG_WRITE;

	/*
	 * Only whole pages can be mapped; a smaller window (a 0x200-byte
	 * virtio-mmio slot) would expose its neighbours on the same page, so
	 * it is only reachable through read and write.
	 */
	if (resource_type(res) == IORESOURCE_MEM &&
	    PAGE_ALIGNED(res->start) && PAGE_ALIGNED(resource_size(res)))
		flags |= VFIO_REGION_INFO_FLAG_MMAP;
	return flags;
}

static int vfio_platform_regions_init(struct vfio_platform_device *vdev)
{
	struct resource *res;
	u32 i, count = 0;

	while (vdev->get_resource(vdev, count))
		count++;
	if (!count)
		return 0;

	vdev->regions = kcalloc(count, sizeof(*vdev->regions), GFP_KERNEL);
	if (!vdev->regions)
		return -ENOMEM;

	for (i = 0; i < count; i++) {
		struct vfio_platform_region *region = &vdev->regions[i];

		res = vdev->get_resource(vdev, i);
		switch (resource_type(res)) {
		case IORESOURCE_MEM:
			region->type = VFIO_PLATFORM_REGION_MMIO;
			break;
		case IORESOURCE_IO:
			if (!IS_ENABLED(CONFIG_HAS_IOPORT_MAP))
				goto err_unsupported;
			region->type = VFIO_PLATFORM_REGION_PIO;
			break;
		default:
			goto err_unsupported;
		}
		region->addr = res->start;
		region->size = resource_size(res);
		region->flags = vfio_platform_region_flags(res);
	}
	vdev->num_regions = count;
	return 0;

err_unsupported:
	dev_err(vdev->vdev.dev, "resource %pR cannot be handed to userspace\n",
		res);
	kfree(vdev->regions);
	vdev->regions = NULL;
	return -EINVAL;
}

/**
 * vfio_platform_region_map - the kernel mapping of a region
 * @vdev: the device
 * @index: the region, below @vdev->num_regions
 *
 * The mapping is made on first use and stays until the device is closed,
 * so reset handlers and the read/write path share it.
 *
 * Return: the mapping, or NULL when it cannot be made.
 */
void __iomem *vfio_platform_region_map(struct vfio_platform_device *vdev,
				       u32 index)
{
	struct vfio_platform_region *region = &vdev->regions[index];
	void __iomem *io, *old;

	io = READ_ONCE(region->ioaddr);
	if (io)
		return io;

	if (region->type == VFIO_PLATFORM_REGION_MMIO)
		io = ioremap(region->addr, region->size);
#ifdef CONFIG_HAS_IOPORT_MAP
	else
		io = ioport_map(region->addr, region->size);
#endif
	if (!io)
		return NULL;

	/* Readers do not lock: the first mapping published wins. */
	old = cmpxchg(&region->ioaddr, NULL, io);
	if (!old)
		return io;
	if (region->type == VFIO_PLATFORM_REGION_MMIO)
		iounmap(io);
#ifdef CONFIG_HAS_IOPORT_MAP
	else
		ioport_unmap(io);
#endif
	return old;
}
EXPORT_SYMBOL_GPL(vfio_platform_region_map);

static void vfio_platform_regions_unmap(struct vfio_platform_device *vdev)
{
	u32 i;

	for (i = 0; i < vdev->num_regions; i++) {
		struct vfio_platform_region *region = &vdev->regions[i];

		if (!region->ioaddr)
			continue;
		if (region->type == VFIO_PLATFORM_REGION_MMIO)
			iounmap(region->ioaddr);
#ifdef CONFIG_HAS_IOPORT_MAP
		else
			ioport_unmap(region->ioaddr);
#endif
		region->ioaddr = NULL;
	}
}

/*
 * The widest access that is naturally aligned at @off and fits in @left.
 * Port I/O and 32-bit kernels stop at 4 bytes.
 */
static size_t vfio_platform_access_size(const struct vfio_platform_region *region,
					u64 off, size_t left)
{
	size_t size = IS_ENABLED(CONFIG_64BIT) &&
		      region->type == VFIO_PLATFORM_REGION_MMIO ? 8 : 4;

	while (size > 1 && (off % size || left < size))
		size /= 2;
	return size;
}

static int vfio_platform_access(void __iomem *io, size_t size, bool write,
				char __user *buf)
{
	union {
		u8 b;
		u16 w;
		u32 l;
		u64 q;
	} val;

	if (write) {
		if (copy_from_user(&val, buf, size))
			return -EFAULT;
		switch (size) {
		case 1:
			iowrite8(val.b, io);
			break;
		case 2:
			iowrite16(val.w, io);
			break;
		case 4:
			iowrite32(val.l, io);
			break;
#ifdef CONFIG_64BIT
		case 8:
			writeq(val.q, io);
			break;
#endif
		}
		return 0;
	}

	switch (size) {
	case 1:
		val.b = ioread8(io);
		break;
	case 2:
		val.w = ioread16(io);
		break;
	case 4:
		val.l = ioread32(io);
		break;
#ifdef CONFIG_64BIT
	case 8:
		val.q = readq(io);
		break;
#endif
	}
	return copy_to_user(buf, &val, size) ? -EFAULT : 0;
}

/*
 * read(2) and write(2) on the device fd.  Every register access is
 * naturally aligned and at most 8 bytes wide; a longer transfer is cut
 * into such accesses, so device registers never see a torn or misaligned
 * access.
 */
static ssize_t vfio_platform_rw(struct vfio_platform_device *vdev,
				char __user *buf, size_t count, loff_t *ppos,
				bool write)
{
	u64 index = VFIO_PLATFORM_OFFSET_TO_INDEX(*ppos);
	u64 off = *ppos & VFIO_PLATFORM_OFFSET_MASK;
	struct vfio_platform_region *region;
	size_t done = 0, size;
	void __iomem *io;
	int ret;

	if (index >= vdev->num_regions)
		return -EINVAL;
	region = &vdev->regions[index];
	if (!(region->flags & (write ? VFIO_REGION_INFO_FLAG_WRITE :
					VFIO_REGION_INFO_FLAG_READ)))
		return -EINVAL;
	if (off >= region->size)
		return -EINVAL;
	count = min_t(u64, count, region->size - off);

	io = vfio_platform_region_map(vdev, index);
	if (!io)
		return -ENOMEM;

	while (done < count) {
		size = vfio_platform_access_size(region, off + done,
						 count - done);
		ret = vfio_platform_access(io + off + done, size, write,
					   buf + done);
		if (ret)
			return done ? done : ret;
		done += size;
	}
	*ppos += done;
	return done;
}

/**
 * vfio_platform_read - &vfio_device_ops.read of platform and AMBA devices
 * @core_vdev: the device
 * @buf: user buffer
 * @count: bytes to read
 * @ppos: file offset: region index and offset within it
 *
 * Return: bytes read or a negative errno.
 */
ssize_t vfio_platform_read(struct vfio_device *core_vdev, char __user *buf,
			   size_t count, loff_t *ppos)
{
	struct vfio_platform_device *vdev =
		container_of(core_vdev, struct vfio_platform_device, vdev);

	return vfio_platform_rw(vdev, buf, count, ppos, false);
}
EXPORT_SYMBOL_GPL(vfio_platform_read);

/**
 * vfio_platform_write - &vfio_device_ops.write of platform and AMBA devices
 * @core_vdev: the device
 * @buf: user buffer
 * @count: bytes to write
 * @ppos: file offset: region index and offset within it
 *
 * Return: bytes written or a negative errno.
 */
ssize_t vfio_platform_write(struct vfio_device *core_vdev,
			    const char __user *buf, size_t count, loff_t *ppos)
{
	struct vfio_platform_device *vdev =
		container_of(core_vdev, struct vfio_platform_device, vdev);

	return vfio_platform_rw(vdev, (char __user *)buf, count, ppos, true);
}
EXPORT_SYMBOL_GPL(vfio_platform_write);

/**
 * vfio_platform_mmap - &vfio_device_ops.mmap of platform and AMBA devices
 * @core_vdev: the device
 * @vma: the mapping; its page offset selects the region and the first
 *	 page within it
 *
 * Return: 0 or a negative errno.
 */
int vfio_platform_mmap(struct vfio_device *core_vdev,
		       struct vm_area_struct *vma)
{
	struct vfio_platform_device *vdev =
		container_of(core_vdev, struct vfio_platform_device, vdev);
	const unsigned int index_shift =
		VFIO_PLATFORM_OFFSET_SHIFT - PAGE_SHIFT;
	u64 index = vma->vm_pgoff >> index_shift;
	u64 pgoff = vma->vm_pgoff & ((1ULL << index_shift) - 1);
	u64 len = vma->vm_end - vma->vm_start;
	struct vfio_platform_region *region;

	if (index >= vdev->num_regions)
		return -EINVAL;
	region = &vdev->regions[index];
	if (!(region->flags & VFIO_REGION_INFO_FLAG_MMAP))
		return -EINVAL;
	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	if ((vma->vm_flags & VM_READ) &&
	    !(region->flags & VFIO_REGION_INFO_FLAG_READ))
		return -EINVAL;
	if ((vma->vm_flags & VM_WRITE) &&
	    !(region->flags & VFIO_REGION_INFO_FLAG_WRITE))
		return -EINVAL;
	if (pgoff >= region->size >> PAGE_SHIFT ||
	    len > region->size - (pgoff << PAGE_SHIFT))
		return -EINVAL;

	vma->vm_page_prot = pgprot_noncached(vma->vm_page_prot);
	vm_flags_set(vma, VM_IO | VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP);
	return remap_pfn_range(vma, vma->vm_start,
			       (region->addr >> PAGE_SHIFT) + pgoff, len,
			       vma->vm_page_prot);
}
EXPORT_SYMBOL_GPL(vfio_platform_mmap);

/* VFIO_DEVICE_GET_INFO */
static long vfio_platform_device_get_info(void *owner,
					  struct vfio_ioctl_call *call)
{
	struct vfio_platform_device *vdev = owner;
	struct vfio_device_info *info = call->cmd;

	info->flags = vdev->flags;
	if (vdev->reset)
		info->flags |= VFIO_DEVICE_FLAGS_RESET;
	info->num_regions = vdev->num_regions;
	info->num_irqs = vdev->num_irqs;
	return 0;
}

/* VFIO_DEVICE_GET_REGION_INFO */
static long vfio_platform_device_get_region_info(void *owner,
						 struct vfio_ioctl_call *call)
{
	struct vfio_platform_device *vdev = owner;
	struct vfio_region_info *info = call->cmd;
	struct vfio_info_cap caps = {};
	int ret;

	if (info->index >= vdev->num_regions)
		return -EINVAL;

	info->offset = VFIO_PLATFORM_INDEX_TO_OFFSET(info->index);
	info->size = vdev->regions[info->index].size;
	info->flags = vdev->regions[info->index].flags;
	info->cap_offset = 0;

	ret = vfio_platform_dt_region_cap(vdev, info->index, &caps);
	if (ret)
		return ret;
	return vfio_info_copy_caps(&caps, &info->argsz, &info->cap_offset,
				   &info->flags, VFIO_REGION_INFO_FLAG_CAPS,
				   sizeof(*info), call->uptr);
}

/*
 * VFIO_DEVICE_GET_IRQ_INFO.  The dispatcher knows the extended structure;
 * a caller whose argsz stops at struct vfio_irq_info gets Linux's reply
 * and nothing else: no CAPS flag, no change to argsz.
 */
static long vfio_platform_device_get_irq_info(void *owner,
					      struct vfio_ioctl_call *call)
{
	struct vfio_platform_device *vdev = owner;
	struct vfio_irq_info_ext *info = call->cmd;
	struct vfio_info_cap caps = {};
	int ret;

	if (info->index >= vdev->num_irqs)
		return -EINVAL;

	info->flags = vdev->irqs[info->index].flags;
	info->count = vdev->irqs[info->index].count;
	info->cap_offset = 0;
	info->reserved = 0;
	if (call->user_size < sizeof(*info))
		return 0;

	ret = vfio_platform_dt_irq_cap(vdev, info->index, &caps);
	if (ret)
		return ret;
	return vfio_info_copy_caps(&caps, &info->argsz, &info->cap_offset,
				   &info->flags, VFIO_IRQ_INFO_FLAG_CAPS,
				   sizeof(*info), call->uptr);
}

/* VFIO_DEVICE_SET_IRQS */
static long vfio_platform_device_set_irqs(void *owner,
					  struct vfio_ioctl_call *call)
{
	struct vfio_platform_device *vdev = owner;
	struct vfio_irq_set *hdr = call->cmd;
	size_t data_size;
	void *data = NULL;
	int ret;

	/* Every platform interrupt index has exactly one vector. */
	ret = vfio_set_irqs_validate_and_prepare(hdr, 1, vdev->num_irqs,
						 &data_size);
	if (ret)
		return ret;

	if (data_size) {
		data = memdup_user(call->uptr +
				   offsetofend(struct vfio_irq_set, count),
				   data_size);
		if (IS_ERR(data))
			return PTR_ERR(data);
	}

	mutex_lock(&vdev->igate);
	ret = vfio_platform_set_irqs(vdev, hdr->flags, hdr->index, hdr->start,
				     hdr->count, data);
	mutex_unlock(&vdev->igate);

	kfree(data);
	return ret;
}

/* VFIO_DEVICE_RESET */
static long vfio_platform_device_reset(void *owner,
				       struct vfio_ioctl_call *call)
{
	struct vfio_platform_device *vdev = owner;

	if (!vdev->reset)
		return -EINVAL;
	return vfio_platform_reset_call(vdev, "VFIO_DEVICE_RESET");
}

static const struct vfio_ioctl_desc vfio_platform_device_ioctls[] = {
	VFIO_IOCTL_INFO(VFIO_DEVICE_GET_INFO, struct vfio_device_info,
			num_irqs, vfio_platform_device_get_info),
	VFIO_IOCTL_INFO(VFIO_DEVICE_GET_REGION_INFO, struct vfio_region_info,
			offset, vfio_platform_device_get_region_info),
	VFIO_IOCTL_INFO(VFIO_DEVICE_GET_IRQ_INFO, struct vfio_irq_info_ext,
			count, vfio_platform_device_get_irq_info),
	VFIO_IOCTL_IN(VFIO_DEVICE_SET_IRQS, struct vfio_irq_set, count,
		      VFIO_IRQ_SET_DATA_TYPE_MASK |
		      VFIO_IRQ_SET_ACTION_TYPE_MASK,
		      vfio_platform_device_set_irqs),
	VFIO_IOCTL_RAW(VFIO_DEVICE_RESET, vfio_platform_device_reset),
};

/**
 * vfio_platform_ioctl - &vfio_device_ops.ioctl of platform and AMBA devices
 * @core_vdev: the device
 * @cmd: ioctl number
 * @arg: ioctl argument
 *
 * Return: what the ioctl's handler returned, -ENOTTY for an unknown one.
 */
long vfio_platform_ioctl(struct vfio_device *core_vdev, unsigned int cmd,
			 unsigned long arg)
{
	struct vfio_platform_device *vdev =
		container_of(core_vdev, struct vfio_platform_device, vdev);

	return VFIO_IOCTL_DISPATCH(vfio_platform_device_ioctls, vdev, cmd, arg);
}
EXPORT_SYMBOL_GPL(vfio_platform_ioctl);

/**
 * vfio_platform_open_device - &vfio_device_ops.open_device
 * @core_vdev: the device, opened for the first time since it was last
 *	       closed
 *
 * The user starts from a device in a known state: the reset handler runs
 * first.  Its failure is fatal only when resets are required.
 *
 * Return: 0 or a negative errno.
 */
int vfio_platform_open_device(struct vfio_device *core_vdev)
{
	struct vfio_platform_device *vdev =
		container_of(core_vdev, struct vfio_platform_device, vdev);
	int ret;

	ret = vfio_platform_reset_call(vdev, "open");
	if (ret && vdev->reset_required) {
		vfio_platform_regions_unmap(vdev);
		return ret;
	}
	return 0;
}
EXPORT_SYMBOL_GPL(vfio_platform_open_device);

/**
 * vfio_platform_close_device - &vfio_device_ops.close_device
 * @core_vdev: the device, whose last fd was just closed
 *
 * Interrupts are released before the reset, so that the reset cannot
 * raise one nobody listens to any more, and the registers are unmapped
 * after it.
 */
void vfio_platform_close_device(struct vfio_device *core_vdev)
{
	struct vfio_platform_device *vdev =
		container_of(core_vdev, struct vfio_platform_device, vdev);

	mutex_lock(&vdev->igate);
	vfio_platform_irq_disable_all(vdev);
	mutex_unlock(&vdev->igate);
	vfio_platform_reset_call(vdev, "close");
	vfio_platform_regions_unmap(vdev);
}
EXPORT_SYMBOL_GPL(vfio_platform_close_device);

/**
 * vfio_platform_init_common - set up a device its front end has described
 * @vdev: the device; @opaque, @name, @flags, @get_resource, @get_irq and
 *	  @reset_required must be set
 *
 * Collects the regions and interrupts and looks up the reset handler.  A
 * device without a reset handler is refused while resets are required:
 * userspace could otherwise inherit (and leave behind) a device in any
 * state.
 *
 * Return: 0 or a negative errno; on failure nothing is left to undo.
 */
int vfio_platform_init_common(struct vfio_platform_device *vdev)
{
	struct device *dev = vdev->vdev.dev;
	int ret;

	mutex_init(&vdev->igate);
	atomic_set(&vdev->reset_count, 0);

	ret = vfio_platform_regions_init(vdev);
	if (ret)
		goto err_mutex;

	ret = vfio_platform_irq_init(vdev);
	if (ret)
		goto err_regions;

	ret = vfio_platform_reset_lookup(vdev);
	if (ret == -ENOENT && vdev->reset_required) {
		dev_err(dev, "no reset handler for this device; refusing it (reset_required=1: set it to 0 to accept devices that cannot be reset)\n");
		ret = -EINVAL;
		goto err_irqs;
	}
	if (ret && ret != -ENOENT)
		goto err_irqs;

	vdev->debugfs = debugfs_create_dir(dev_name(dev),
					   vfio_platform_debugfs_root);
	debugfs_create_atomic_t("resets", 0444, vdev->debugfs,
				&vdev->reset_count);
	return 0;

err_irqs:
	vfio_platform_irq_cleanup(vdev);
err_regions:
	kfree(vdev->regions);
	vdev->regions = NULL;
err_mutex:
	mutex_destroy(&vdev->igate);
	return ret;
}
EXPORT_SYMBOL_GPL(vfio_platform_init_common);

/**
 * vfio_platform_release_common - undo vfio_platform_init_common()
 * @core_vdev: the device; it is not open and no longer registered
 *
 * Front ends use it as their &vfio_device_ops.release.
 */
void vfio_platform_release_common(struct vfio_device *core_vdev)
{
	struct vfio_platform_device *vdev =
		container_of(core_vdev, struct vfio_platform_device, vdev);

	debugfs_remove_recursive(vdev->debugfs);
	vfio_platform_reset_put(vdev);
	vfio_platform_irq_cleanup(vdev);
	kfree(vdev->regions);
	vdev->regions = NULL;
	mutex_destroy(&vdev->igate);
}
EXPORT_SYMBOL_GPL(vfio_platform_release_common);

/**
 * vfio_platform_register - allocate a device for a front end and register it
 * @dev: the bus device
 * @ops: the front end's callbacks; its init fills in the bus specifics
 *
 * Return: the registered device, or an ERR_PTR().
 */
struct vfio_platform_device *
vfio_platform_register(struct device *dev, const struct vfio_device_ops *ops)
{
	struct vfio_platform_device *vdev;
	int ret;

	vdev = vfio_alloc_device(struct vfio_platform_device, vdev, dev, ops);
	if (IS_ERR(vdev))
		return vdev;

	ret = vfio_register_group_dev(&vdev->vdev);
	if (ret) {
		vfio_put_device(&vdev->vdev);
		return ERR_PTR(ret);
	}
	return vdev;
}
EXPORT_SYMBOL_GPL(vfio_platform_register);

/**
 * vfio_platform_unregister - undo vfio_platform_register()
 * @vdev: the device; waits until userspace has let go of it
 */
void vfio_platform_unregister(struct vfio_platform_device *vdev)
{
	vfio_unregister_group_dev(&vdev->vdev);
	vfio_put_device(&vdev->vdev);
}
EXPORT_SYMBOL_GPL(vfio_platform_unregister);

static int __init vfio_platform_base_init(void)
{
	/* Type checks of the extension: nothing may collide with Linux's. */
	BUILD_BUG_ON(VFIO_IRQ_INFO_FLAG_CAPS &
		     (VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_MASKABLE |
		      VFIO_IRQ_INFO_AUTOMASKED | VFIO_IRQ_INFO_NORESIZE));
	BUILD_BUG_ON(offsetof(struct vfio_irq_info_ext, count) !=
		     offsetof(struct vfio_irq_info, count));
	BUILD_BUG_ON(sizeof(struct vfio_irq_info_ext) % sizeof(u64));

	vfio_platform_debugfs_root = debugfs_create_dir("vfio-platform", NULL);
	return 0;
}

static void __exit vfio_platform_base_exit(void)
{
	debugfs_remove_recursive(vfio_platform_debugfs_root);
}

module_init(vfio_platform_base_init);
module_exit(vfio_platform_base_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION(DRIVER_DESC);
