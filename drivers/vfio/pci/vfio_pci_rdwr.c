// SPDX-License-Identifier: GPL-2.0-only
/*
 * read(2)/write(2) of BARs, the ROM and the legacy VGA ranges, and
 * ioeventfds, which replay a write to a BAR when an eventfd is signalled.
 *
 * Accesses to memory BARs are refused with -EIO while the user has memory
 * decode off (or the device is in D3): the device would not answer, and
 * some platforms take such an access badly.  The check and the access are
 * done under memory_lock; the copy to or from the user is done outside it.
 */
#include <linux/eventfd.h>
#include <linux/io.h>
#include <linux/io-64-nonatomic-lo-hi.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vgaarb.h>

#include "vfio_pci_priv.h"

/*
 * Device registers are little-endian; the user's buffer holds the bytes
 * in device order.
 */
#ifdef __BIG_ENDIAN
#define vfio_pci_le_ioread16	ioread16be
#define vfio_pci_le_ioread32	ioread32be
#define vfio_pci_le_ioread64	ioread64be
#define vfio_pci_le_iowrite16	iowrite16be
#define vfio_pci_le_iowrite32	iowrite32be
#define vfio_pci_le_iowrite64	iowrite64be
#else
#define vfio_pci_le_ioread16	ioread16
#define vfio_pci_le_ioread32	ioread32
#define vfio_pci_le_ioread64	ioread64
#define vfio_pci_le_iowrite16	iowrite16
#define vfio_pci_le_iowrite32	iowrite32
#define vfio_pci_le_iowrite64	iowrite64
#endif
#define vfio_pci_le_ioread8	ioread8
#define vfio_pci_le_iowrite8	iowrite8

/* Take memory_lock and check decode, if the access needs it. */
static int vfio_pci_io_begin(struct vfio_pci_core_device *vdev, bool test_mem)
{
	if (!test_mem)
		return 0;
	down_read(&vdev->memory_lock);
	if (!__vfio_pci_memory_enabled(vdev)) {
		up_read(&vdev->memory_lock);
		return -EIO;
	}
	return 0;
}

static void vfio_pci_io_end(struct vfio_pci_core_device *vdev, bool test_mem)
{
	if (test_mem)
		up_read(&vdev->memory_lock);
}

/**
 * vfio_pci_core_ioread8 - read an 8-bit BAR register, checking decode
 * @vdev: the device
 * @test_mem: the BAR is memory: fail if the user turned decode off
 * @val: where the value goes
 * @io: the register, in a kernel mapping of the BAR
 *
 * Return: 0, or -EIO if the device does not decode memory.
 */
int vfio_pci_core_ioread8(struct vfio_pci_core_device *vdev, bool test_mem,
			  u8 *val, void __iomem *io)
{
	int ret = vfio_pci_io_begin(vdev, test_mem);

	if (ret)
		return ret;
	*val = vfio_pci_le_ioread8(io);
	vfio_pci_io_end(vdev, test_mem);
	return 0;
}
EXPORT_SYMBOL_GPL(vfio_pci_core_ioread8);

/**
 * vfio_pci_core_iowrite8 - write an 8-bit BAR register, checking decode
 * @vdev: the device
 * @test_mem: the BAR is memory: fail if the user turned decode off
 * @val: the value
 * @io: the register, in a kernel mapping of the BAR
 *
 * Return: 0, or -EIO if the device does not decode memory.
 */
int vfio_pci_core_iowrite8(struct vfio_pci_core_device *vdev, bool test_mem,
			   u8 val, void __iomem *io)
{
	int ret = vfio_pci_io_begin(vdev, test_mem);

	if (ret)
		return ret;
	vfio_pci_le_iowrite8(val, io);
	vfio_pci_io_end(vdev, test_mem);
	return 0;
}
EXPORT_SYMBOL_GPL(vfio_pci_core_iowrite8);

/**
 * vfio_pci_core_ioread16 - read a 16-bit BAR register, checking decode
 * @vdev: the device
 * @test_mem: the BAR is memory: fail if the user turned decode off
 * @val: where the value goes
 * @io: the register, in a kernel mapping of the BAR
 *
 * Return: 0, or -EIO if the device does not decode memory.
 */
int vfio_pci_core_ioread16(struct vfio_pci_core_device *vdev, bool test_mem,
			   u16 *val, void __iomem *io)
{
	int ret = vfio_pci_io_begin(vdev, test_mem);

	if (ret)
		return ret;
	*val = vfio_pci_le_ioread16(io);
	vfio_pci_io_end(vdev, test_mem);
	return 0;
}
EXPORT_SYMBOL_GPL(vfio_pci_core_ioread16);

/**
 * vfio_pci_core_iowrite16 - write a 16-bit BAR register, checking decode
 * @vdev: the device
 * @test_mem: the BAR is memory: fail if the user turned decode off
 * @val: the value
 * @io: the register, in a kernel mapping of the BAR
 *
 * Return: 0, or -EIO if the device does not decode memory.
 */
int vfio_pci_core_iowrite16(struct vfio_pci_core_device *vdev, bool test_mem,
			    u16 val, void __iomem *io)
{
	int ret = vfio_pci_io_begin(vdev, test_mem);

	if (ret)
		return ret;
	vfio_pci_le_iowrite16(val, io);
	vfio_pci_io_end(vdev, test_mem);
	return 0;
}
EXPORT_SYMBOL_GPL(vfio_pci_core_iowrite16);

/**
 * vfio_pci_core_ioread32 - read a 32-bit BAR register, checking decode
 * @vdev: the device
 * @test_mem: the BAR is memory: fail if the user turned decode off
 * @val: where the value goes
 * @io: the register, in a kernel mapping of the BAR
 *
 * Return: 0, or -EIO if the device does not decode memory.
 */
int vfio_pci_core_ioread32(struct vfio_pci_core_device *vdev, bool test_mem,
			   u32 *val, void __iomem *io)
{
	int ret = vfio_pci_io_begin(vdev, test_mem);

	if (ret)
		return ret;
	*val = vfio_pci_le_ioread32(io);
	vfio_pci_io_end(vdev, test_mem);
	return 0;
}
EXPORT_SYMBOL_GPL(vfio_pci_core_ioread32);

/**
 * vfio_pci_core_iowrite32 - write a 32-bit BAR register, checking decode
 * @vdev: the device
 * @test_mem: the BAR is memory: fail if the user turned decode off
 * @val: the value
 * @io: the register, in a kernel mapping of the BAR
 *
 * Return: 0, or -EIO if the device does not decode memory.
 */
int vfio_pci_core_iowrite32(struct vfio_pci_core_device *vdev, bool test_mem,
			    u32 val, void __iomem *io)
{
	int ret = vfio_pci_io_begin(vdev, test_mem);

	if (ret)
		return ret;
	vfio_pci_le_iowrite32(val, io);
	vfio_pci_io_end(vdev, test_mem);
	return 0;
}
EXPORT_SYMBOL_GPL(vfio_pci_core_iowrite32);

#ifdef iowrite64
/**
 * vfio_pci_core_ioread64 - read a 64-bit BAR register, checking decode
 * @vdev: the device
 * @test_mem: the BAR is memory: fail if the user turned decode off
 * @val: where the value goes
 * @io: the register, in a kernel mapping of the BAR
 *
 * Return: 0, or -EIO if the device does not decode memory.
 */
int vfio_pci_core_ioread64(struct vfio_pci_core_device *vdev, bool test_mem,
			   u64 *val, void __iomem *io)
{
	int ret = vfio_pci_io_begin(vdev, test_mem);

	if (ret)
		return ret;
	*val = vfio_pci_le_ioread64(io);
	vfio_pci_io_end(vdev, test_mem);
	return 0;
}
EXPORT_SYMBOL_GPL(vfio_pci_core_ioread64);

/**
 * vfio_pci_core_iowrite64 - write a 64-bit BAR register, checking decode
 * @vdev: the device
 * @test_mem: the BAR is memory: fail if the user turned decode off
 * @val: the value
 * @io: the register, in a kernel mapping of the BAR
 *
 * Return: 0, or -EIO if the device does not decode memory.
 */
int vfio_pci_core_iowrite64(struct vfio_pci_core_device *vdev, bool test_mem,
			    u64 val, void __iomem *io)
{
	int ret = vfio_pci_io_begin(vdev, test_mem);

	if (ret)
		return ret;
	vfio_pci_le_iowrite64(val, io);
	vfio_pci_io_end(vdev, test_mem);
	return 0;
}
EXPORT_SYMBOL_GPL(vfio_pci_core_iowrite64);
#endif

/* One register access of @width bytes between the user and the device. */
static int vfio_pci_io_one(struct vfio_pci_core_device *vdev, bool test_mem,
			   void __iomem *io, char __user *buf,
			   unsigned int width, bool iswrite)
{
	union {
		u8 b;
		u16 w;
		u32 l;
		u64 q;
	} val;
	int ret = 0;

	if (iswrite && copy_from_user(&val, buf, width))
		return -EFAULT;

	switch (width) {
	case 1:
		ret = iswrite ? vfio_pci_core_iowrite8(vdev, test_mem, val.b, io) :
				vfio_pci_core_ioread8(vdev, test_mem, &val.b, io);
		break;
	case 2:
		ret = iswrite ? vfio_pci_core_iowrite16(vdev, test_mem, val.w, io) :
				vfio_pci_core_ioread16(vdev, test_mem, &val.w, io);
		break;
	case 4:
		ret = iswrite ? vfio_pci_core_iowrite32(vdev, test_mem, val.l, io) :
				vfio_pci_core_ioread32(vdev, test_mem, &val.l, io);
		break;
#ifdef iowrite64
	case 8:
		ret = iswrite ? vfio_pci_core_iowrite64(vdev, test_mem, val.q, io) :
				vfio_pci_core_ioread64(vdev, test_mem, &val.q, io);
		break;
#endif
	default:
		return -EINVAL;
	}
	if (ret)
		return ret;

	if (!iswrite && copy_to_user(buf, &val, width))
		return -EFAULT;
	return 0;
}

/* The widest naturally aligned access of at most @max bytes at @off. */
static unsigned int vfio_pci_io_width(loff_t off, size_t fillable,
				      enum vfio_pci_io_width max)
{
	unsigned int width = max;

#ifndef iowrite64
	width = min(width, 4U);
#endif
	while (width > 1 && (fillable < width || off % width))
		width /= 2;
	return width;
}

/**
 * vfio_pci_core_do_io_rw - copy between the user and a device mapping
 * @vdev: the device
 * @test_mem: the mapping is of memory space: refuse while decode is off
 * @io: the mapping
 * @buf: user buffer
 * @off: offset in the mapping
 * @count: bytes
 * @x_start: start of a range the user may not touch (the MSI-X table, the
 *	     part of a ROM BAR past the ROM), relative to @io
 * @x_end: its end; equal to @x_start for none
 * @iswrite: direction
 * @max_width: widest single access the device tolerates here
 *
 * Each access is the widest naturally aligned one that fits.  Reads of the
 * excluded range return all ones and writes to it are dropped.
 *
 * Return: bytes done, or a negative errno.
 */
ssize_t vfio_pci_core_do_io_rw(struct vfio_pci_core_device *vdev,
			       bool test_mem, void __iomem *io,
			       char __user *buf, loff_t off, size_t count,
			       size_t x_start, size_t x_end, bool iswrite,
			       enum vfio_pci_io_width max_width)
{
	ssize_t done = 0;
	size_t fillable;
	unsigned int width;
	int ret;

	while (count) {
		if (off < x_start)
			fillable = min_t(size_t, count, x_start - off);
		else if (off >= x_end)
			fillable = count;
		else
			fillable = 0;

		if (!fillable) {
			size_t skip = min_t(size_t, count, x_end - off);
			u8 ones = 0xff;
			size_t i;

			if (!iswrite)
				for (i = 0; i < skip; i++)
					if (copy_to_user(buf + i, &ones, 1))
						return -EFAULT;
			width = skip;
		} else {
			width = vfio_pci_io_width(off, fillable, max_width);
			ret = vfio_pci_io_one(vdev, test_mem, io + off, buf,
					      width, iswrite);
			if (ret)
				return ret;
		}

		count -= width;
		done += width;
		off += width;
		buf += width;
	}
	return done;
}
EXPORT_SYMBOL_GPL(vfio_pci_core_do_io_rw);

/**
 * vfio_pci_core_setup_barmap - request a BAR and map it for the kernel
 * @vdev: the device
 * @bar: BAR number
 *
 * Done once per BAR while the device is open; vfio_pci_core_disable()
 * undoes it.
 *
 * Return: 0, -EBUSY if another driver holds the BAR's resources, or
 * -ENOMEM.
 */
int vfio_pci_core_setup_barmap(struct vfio_pci_core_device *vdev, int bar)
{
	struct pci_dev *pdev = vdev->pdev;
	void __iomem *io;
	int ret;

	if (vdev->barmap[bar])
		return 0;

	ret = pci_request_selected_regions(pdev, 1 << bar, "vfio");
	if (ret)
		return ret;

	io = pci_iomap(pdev, bar, 0);
	if (!io) {
		pci_release_selected_regions(pdev, 1 << bar);
		return -ENOMEM;
	}
	vdev->barmap[bar] = io;
	return 0;
}
EXPORT_SYMBOL_GPL(vfio_pci_core_setup_barmap);

/**
 * vfio_pci_bar_rw - read(2)/write(2) on a BAR or the ROM region
 * @vdev: the device
 * @buf: user buffer
 * @count: bytes; cut at the end of the region
 * @ppos: device fd offset; advanced by what was done
 * @iswrite: direction (never true for the ROM)
 *
 * Return: bytes done; -EINVAL for an absent BAR or an offset past its
 * end, -EIO with memory decode off, or another negative errno.
 */
ssize_t vfio_pci_bar_rw(struct vfio_pci_core_device *vdev, char __user *buf,
			size_t count, loff_t *ppos, bool iswrite)
{
	struct pci_dev *pdev = vdev->pdev;
	loff_t pos = *ppos & VFIO_PCI_OFFSET_MASK;
	int bar = VFIO_PCI_OFFSET_TO_INDEX(*ppos);
	enum vfio_pci_io_width max_width = VFIO_PCI_IO_WIDTH_8;
	size_t x_start = 0, x_end = 0;
	resource_size_t end;
	void __iomem *io;
	ssize_t done;

	if (bar == PCI_ROM_RESOURCE)
		end = vfio_pci_rom_size(pdev);
	else if (pci_resource_start(pdev, bar))
		end = pci_resource_len(pdev, bar);
	else
		end = 0;
	if (pos >= end)
		return -EINVAL;
	count = min_t(size_t, count, end - pos);

	if (bar == PCI_ROM_RESOURCE) {
		/*
		 * pci_map_rom() enables the ROM BAR for the duration and
		 * tells how much of it is ROM image: the rest reads as ones.
		 * Some devices fault on 64-bit ROM reads.
		 */
		io = pci_map_rom(pdev, &x_start);
		if (!io)
			return -ENOMEM;
		x_end = end;
		max_width = VFIO_PCI_IO_WIDTH_4;
	} else {
		done = vfio_pci_core_setup_barmap(vdev, bar);
		if (done)
			return done;
		io = vdev->barmap[bar];
	}

	/* The host programs the MSI-X table; the user goes through SET_IRQS. */
	if (bar == vdev->msix_bar) {
		x_start = vdev->msix_offset;
		x_end = vdev->msix_offset + vdev->msix_size;
	}

	done = vfio_pci_core_do_io_rw(vdev, pci_resource_flags(pdev, bar) &
				      IORESOURCE_MEM, io, buf, pos, count,
				      x_start, x_end, iswrite, max_width);
	if (done >= 0)
		*ppos += done;

	if (bar == PCI_ROM_RESOURCE)
		pci_unmap_rom(pdev, io);
	return done;
}

#ifdef CONFIG_VFIO_PCI_VGA
/**
 * vfio_pci_vga_rw - read(2)/write(2) on the legacy VGA region
 * @vdev: the device
 * @buf: user buffer
 * @count: bytes; cut at the end of the range @ppos falls in
 * @ppos: device fd offset; the region offset is the legacy address
 * @iswrite: direction
 *
 * The VGA arbiter routes the legacy range to this device for the access.
 *
 * Return: bytes done, -EINVAL outside the three VGA ranges, or another
 * negative errno.
 */
ssize_t vfio_pci_vga_rw(struct vfio_pci_core_device *vdev, char __user *buf,
			size_t count, loff_t *ppos, bool iswrite)
{
	loff_t pos = *ppos & VFIO_PCI_OFFSET_MASK;
	unsigned long base, len;
	void __iomem *iomem;
	unsigned int rsrc;
	bool is_ioport;
	ssize_t done;
	int ret;

	if (!vdev->has_vga)
		return -EINVAL;

	if (pos >= 0xa0000 && pos <= 0xbffff) {
		base = 0xa0000;
		len = 0x20000;
		rsrc = VGA_RSRC_LEGACY_MEM;
		is_ioport = false;
	} else if (pos >= 0x3b0 && pos <= 0x3bb) {
		base = 0x3b0;
		len = 0xc;
		rsrc = VGA_RSRC_LEGACY_IO;
		is_ioport = true;
	} else if (pos >= 0x3c0 && pos <= 0x3df) {
		base = 0x3c0;
		len = 0x20;
		rsrc = VGA_RSRC_LEGACY_IO;
		is_ioport = true;
	} else {
		return -EINVAL;
	}
	count = min_t(size_t, count, base + len - pos);

	iomem = is_ioport ? ioport_map(base, len) : ioremap(base, len);
	if (!iomem)
		return -ENOMEM;

	ret = vga_get_interruptible(vdev->pdev, rsrc);
	if (ret) {
		done = ret;
		goto out_unmap;
	}

	/* Legacy VGA memory is not a BAR: the command register does not gate it. */
	done = vfio_pci_core_do_io_rw(vdev, false, iomem, buf, pos - base,
				      count, 0, 0, iswrite,
				      VFIO_PCI_IO_WIDTH_8);
	vga_put(vdev->pdev, rsrc);
	if (done >= 0)
		*ppos += done;

out_unmap:
	if (is_ioport)
		ioport_unmap(iomem);
	else
		iounmap(iomem);
	return done;
}
#else
ssize_t vfio_pci_vga_rw(struct vfio_pci_core_device *vdev, char __user *buf,
			size_t count, loff_t *ppos, bool iswrite)
{
	return -EINVAL;
}
#endif

/* ioeventfds */

static void vfio_pci_ioeventfd_write(struct vfio_pci_ioeventfd *ioeventfd,
				     bool test_mem)
{
	struct vfio_pci_core_device *vdev = ioeventfd->vdev;

	switch (ioeventfd->count) {
	case 1:
		vfio_pci_core_iowrite8(vdev, test_mem, ioeventfd->data,
				       ioeventfd->addr);
		break;
	case 2:
		vfio_pci_core_iowrite16(vdev, test_mem, ioeventfd->data,
					ioeventfd->addr);
		break;
	case 4:
		vfio_pci_core_iowrite32(vdev, test_mem, ioeventfd->data,
					ioeventfd->addr);
		break;
#ifdef iowrite64
	case 8:
		vfio_pci_core_iowrite64(vdev, test_mem, ioeventfd->data,
					ioeventfd->addr);
		break;
#endif
	}
}

/*
 * From the eventfd's wakeup, in atomic context: write at once unless
 * memory_lock is contended, in which case the thread does it.
 */
static int vfio_pci_ioeventfd_handler(void *opaque, void *unused)
{
	struct vfio_pci_ioeventfd *ioeventfd = opaque;
	struct vfio_pci_core_device *vdev = ioeventfd->vdev;

	if (ioeventfd->test_mem) {
		if (!down_read_trylock(&vdev->memory_lock))
			return 1;
		if (!__vfio_pci_memory_enabled(vdev)) {
			up_read(&vdev->memory_lock);
			return 0;
		}
	}
	vfio_pci_ioeventfd_write(ioeventfd, false);
	if (ioeventfd->test_mem)
		up_read(&vdev->memory_lock);
	return 0;
}

static void vfio_pci_ioeventfd_thread(void *opaque, void *unused)
{
	struct vfio_pci_ioeventfd *ioeventfd = opaque;

	vfio_pci_ioeventfd_write(ioeventfd, ioeventfd->test_mem);
}

/**
 * vfio_pci_ioeventfd - VFIO_DEVICE_IOEVENTFD: add or remove an entry
 * @vdev: the device
 * @offset: device fd offset of the register (BAR regions only)
 * @data: value to write
 * @count: width in bytes
 * @fd: eventfd to add, or -1 to remove the entry with the same offset,
 *	data and width
 *
 * Return: 0; -EINVAL for a target outside a BAR or inside the MSI-X
 * table, -EEXIST for a duplicate, -ENODEV when removing what does not
 * exist, -ENOSPC past VFIO_PCI_IOEVENTFD_MAX, or another negative errno.
 */
int vfio_pci_ioeventfd(struct vfio_pci_core_device *vdev, loff_t offset,
		       u64 data, int count, int fd)
{
	struct pci_dev *pdev = vdev->pdev;
	loff_t pos = offset & VFIO_PCI_OFFSET_MASK;
	int bar = VFIO_PCI_OFFSET_TO_INDEX(offset);
	struct vfio_pci_ioeventfd *ioeventfd;
	int ret;

	if (bar > VFIO_PCI_BAR5_REGION_INDEX)
		return -EINVAL;
	if (pos + count > pci_resource_len(pdev, bar))
		return -EINVAL;
	/* It would write the MSI-X table behind the host's back. */
	if (bar == vdev->msix_bar &&
	    pos + count > vdev->msix_offset &&
	    pos < vdev->msix_offset + vdev->msix_size)
		return -EINVAL;
#ifndef iowrite64
	if (count == 8)
		return -EINVAL;
#endif

	ret = vfio_pci_core_setup_barmap(vdev, bar);
	if (ret)
		return ret;

	mutex_lock(&vdev->ioeventfds_lock);

	list_for_each_entry(ioeventfd, &vdev->ioeventfds_list, next) {
		if (ioeventfd->pos != pos || ioeventfd->bar != bar ||
		    ioeventfd->data != data || ioeventfd->count != count)
			continue;
		if (fd != -1) {
			ret = -EEXIST;
			goto out_unlock;
		}
		vfio_virqfd_disable(&ioeventfd->virqfd);
		list_del(&ioeventfd->next);
		vdev->ioeventfds_nr--;
		kfree(ioeventfd);
		goto out_unlock;
	}

	if (fd < 0) {
		ret = -ENODEV;
		goto out_unlock;
	}
	if (vdev->ioeventfds_nr >= VFIO_PCI_IOEVENTFD_MAX) {
		ret = -ENOSPC;
		goto out_unlock;
	}

	ioeventfd = kzalloc(sizeof(*ioeventfd), GFP_KERNEL_ACCOUNT);
	if (!ioeventfd) {
		ret = -ENOMEM;
		goto out_unlock;
	}
	ioeventfd->vdev = vdev;
	ioeventfd->addr = vdev->barmap[bar] + pos;
	ioeventfd->data = data;
	ioeventfd->pos = pos;
	ioeventfd->bar = bar;
	ioeventfd->count = count;
	ioeventfd->test_mem = pci_resource_flags(pdev, bar) & IORESOURCE_MEM;

	ret = vfio_virqfd_enable(ioeventfd, vfio_pci_ioeventfd_handler,
				 vfio_pci_ioeventfd_thread, NULL,
				 &ioeventfd->virqfd, fd);
	if (ret) {
		kfree(ioeventfd);
		goto out_unlock;
	}
	list_add(&ioeventfd->next, &vdev->ioeventfds_list);
	vdev->ioeventfds_nr++;

out_unlock:
	mutex_unlock(&vdev->ioeventfds_lock);
	return ret;
}

/**
 * vfio_pci_ioeventfd_remove_all - drop every ioeventfd at close
 * @vdev: the device
 */
void vfio_pci_ioeventfd_remove_all(struct vfio_pci_core_device *vdev)
{
	struct vfio_pci_ioeventfd *ioeventfd, *tmp;

	mutex_lock(&vdev->ioeventfds_lock);
	list_for_each_entry_safe(ioeventfd, tmp, &vdev->ioeventfds_list, next) {
		vfio_virqfd_disable(&ioeventfd->virqfd);
		list_del(&ioeventfd->next);
		kfree(ioeventfd);
	}
	vdev->ioeventfds_nr = 0;
	mutex_unlock(&vdev->ioeventfds_lock);
}
