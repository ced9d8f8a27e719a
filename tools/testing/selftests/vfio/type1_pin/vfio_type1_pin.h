/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The contract between vfio_type1_pin.ko, a test-only emulated-IOMMU VFIO
 * device, and vfio_type1_pin_test.c.
 *
 * The device has no regions and no interrupts.  Private ioctls on its
 * device fd make it call the in-kernel API an emulated device uses to reach
 * user memory: vfio_pin_pages(), vfio_unpin_pages() and vfio_dma_rw().  It
 * remembers every pin it holds and, when the user unmaps a range, drops the
 * pins inside it as its &vfio_device_ops.dma_unmap callback is told to.
 */
#ifndef VFIO_TYPE1_PIN_H
#define VFIO_TYPE1_PIN_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define VFIO_TYPE1_PIN_MODULE		"vfio_type1_pin"
#define VFIO_TYPE1_PIN_DEVICE		"vfio-type1-pin.0"

/**
 * struct vfio_type1_pin_req - argument of every private ioctl
 * @iova: first IOVA (page aligned for PIN and UNPIN)
 * @length: bytes (whole pages for PIN and UNPIN)
 * @prot: for PIN, IOMMU_READ (1) and/or IOMMU_WRITE (2)
 * @flags: VFIO_TYPE1_PIN_FILL: after PIN, store @fill in every byte of
 *	   the pinned pages, as a device writing through its pins would
 * @fill: the byte for VFIO_TYPE1_PIN_FILL
 * @data: for RW, the user buffer of @length bytes
 */
struct vfio_type1_pin_req {
	__u64 iova;
	__u64 length;
	__u32 prot;
	__u32 flags;
	__u64 data;
	__u8 fill;
	__u8 pad[7];
};

#define VFIO_TYPE1_PIN_FILL		(1 << 0)

/* vfio_pin_pages() on the range; returns 0 or -errno */
#define VFIO_TYPE1_PIN_PIN	_IOW('T', 0x40, struct vfio_type1_pin_req)
/* vfio_unpin_pages() on the range */
#define VFIO_TYPE1_PIN_UNPIN	_IOW('T', 0x41, struct vfio_type1_pin_req)
/* vfio_dma_rw() from @data into user memory at @iova */
#define VFIO_TYPE1_PIN_WRITE	_IOW('T', 0x42, struct vfio_type1_pin_req)
/* vfio_dma_rw() from user memory at @iova into @data */
#define VFIO_TYPE1_PIN_READ	_IOW('T', 0x43, struct vfio_type1_pin_req)
/*
 * Argument 1: behave like a buggy driver whose dma_unmap forgets its pins
 * instead of unpinning them; 0: behave.
 */
#define VFIO_TYPE1_PIN_LEAK_ON_UNMAP	_IO('T', 0x44)
/* Returns how often dma_unmap was called since the device was opened */
#define VFIO_TYPE1_PIN_UNMAP_CALLS	_IO('T', 0x45)
/* Returns how many page pins the device holds */
#define VFIO_TYPE1_PIN_HELD		_IO('T', 0x46)

#endif /* VFIO_TYPE1_PIN_H */
