/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the VFIO selftests may rely on in the vfio_mock test module.
 *
 * Shared by the module and the test programs, so it holds constants only.
 * The module exposes three kinds of device, each described below; the
 * selftests drive them through the ordinary VFIO uAPI and read the mock's
 * bookkeeping from debugfs.
 */
#ifndef VFIO_MOCK_H
#define VFIO_MOCK_H

/*
 * Extension number of the mock IOMMU backend, for VFIO_CHECK_EXTENSION and
 * VFIO_SET_IOMMU.  ASCII "MOCK": far away from Linux's small VFIO_*_IOMMU
 * values, so it can never be mistaken for a real backend.  The backend
 * accepts real and emulated-IOMMU groups and does no DMA mapping at all.
 */
#define VFIO_MOCK_IOMMU			0x4d4f434b

/* Driver names, as seen in /sys/bus/{platform,pci}/drivers/ */
#define VFIO_MOCK_DRIVER		"vfio-mock"
#define VFIO_MOCK_NOIOMMU_DRIVER	"vfio-mock-noiommu"
#define VFIO_MOCK_PCI_DRIVER		"vfio-mock-pci"

/* Module parameters, in /sys/module/vfio_mock/parameters/ */
#define VFIO_MOCK_MODULE		"vfio_mock"
#define VFIO_MOCK_PARAM_NDEVS		"ndevs"
#define VFIO_MOCK_PARAM_NOIOMMU_DEVS	"noiommu_devs"
#define VFIO_MOCK_PARAM_FAIL_ATTACH	"fail_attach"
#define VFIO_MOCK_MAX_DEVS		16

/*
 * Emulated devices "vfio-mock.N" (and no-IOMMU devices
 * "vfio-mock-noiommu.N", which behave the same) have two regions and two
 * interrupts.  The file offset of a region is its index shifted left by
 * VFIO_MOCK_REGION_SHIFT, the encoding vfio-pci uses.
 */
#define VFIO_MOCK_REGION_SHIFT		40
#define VFIO_MOCK_REGION_OFFSET(index)	\
	((unsigned long long)(index) << VFIO_MOCK_REGION_SHIFT)
#define VFIO_MOCK_NUM_REGIONS		2

/*
 * Region 0: 4 KiB of RAM, readable, writable and mappable as a whole.
 * A write(2) that covers the 32-bit word at VFIO_MOCK_DOORBELL also
 * raises interrupt VFIO_MOCK_DOORBELL_IRQ_INDEX; stores through an mmap
 * only change memory, since nothing traps them.
 */
#define VFIO_MOCK_RAM_REGION_INDEX	0
#define VFIO_MOCK_RAM_REGION_SIZE	0x1000
#define VFIO_MOCK_DOORBELL		0xff0

/*
 * Region 1: 64 KiB of RAM, readable and writable throughout, but only the
 * two areas below may be mapped.  Its info carries a capability chain: a
 * VFIO_REGION_INFO_CAP_SPARSE_MMAP listing the two areas, then a
 * VFIO_REGION_INFO_CAP_TYPE with the type and subtype below.
 */
#define VFIO_MOCK_SPARSE_REGION_INDEX	1
#define VFIO_MOCK_SPARSE_REGION_SIZE	0x10000
#define VFIO_MOCK_SPARSE_AREA0_OFFSET	0x1000
#define VFIO_MOCK_SPARSE_AREA0_SIZE	0x1000
#define VFIO_MOCK_SPARSE_AREA1_OFFSET	0x8000
#define VFIO_MOCK_SPARSE_AREA1_SIZE	0x4000
#define VFIO_MOCK_REGION_TYPE		0x4d4f434b
#define VFIO_MOCK_REGION_SUBTYPE	1

/*
 * Interrupt 0: one maskable vector, raised by the doorbell or by
 * VFIO_DEVICE_SET_IRQS with DATA_NONE/DATA_BOOL.  While masked, a raised
 * interrupt is held pending and delivered by the unmask.  An unmask
 * eventfd (ACTION_UNMASK with DATA_EVENTFD) unmasks whenever it is
 * signalled.
 * Interrupt 1: the device request, one vector, trigger only; signalled
 * when the device is being unbound while userspace holds it open.
 */
#define VFIO_MOCK_DOORBELL_IRQ_INDEX	0
#define VFIO_MOCK_REQ_IRQ_INDEX		1
#define VFIO_MOCK_NUM_IRQS		2

/*
 * Bookkeeping in debugfs, all read-only decimal counters:
 *   vfio_mock/containers           containers using the mock IOMMU
 *   vfio_mock/attached_groups      groups attached to those containers
 *   vfio_mock/<device>/open_count  calls of open_device
 *   vfio_mock/<device>/close_count calls of close_device
 *   vfio_mock/<device>/reset_count VFIO_DEVICE_RESET calls
 *   vfio_mock/<device>/request_count calls of request
 * <device> is the device name ("vfio-mock.0", "0000:00:03.0", ...).
 */
#define VFIO_MOCK_DEBUGFS_DIR		"vfio_mock"
#define VFIO_MOCK_DEBUGFS_CONTAINERS	"containers"
#define VFIO_MOCK_DEBUGFS_ATTACHED	"attached_groups"
#define VFIO_MOCK_DEBUGFS_OPEN		"open_count"
#define VFIO_MOCK_DEBUGFS_CLOSE		"close_count"
#define VFIO_MOCK_DEBUGFS_RESET		"reset_count"
#define VFIO_MOCK_DEBUGFS_REQUEST	"request_count"

/*
 * PCI devices bound to "vfio-mock-pci" (through driver_override) have no
 * regions and VFIO_PCI_NUM_IRQS interrupt indexes, of which only
 * VFIO_PCI_REQ_IRQ_INDEX has a vector.
 */

#endif /* VFIO_MOCK_H */
