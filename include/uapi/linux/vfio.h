/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * VFIO: userspace interface for device assignment.
 *
 * VFIO hands a device (or a set of devices that cannot be isolated from
 * one another) to an unprivileged process.  Userspace sees three kinds of
 * file descriptor:
 *
 *  - a container (/dev/vfio/vfio) that owns one IOMMU context,
 *  - a group (/dev/vfio/$GROUP) that is the unit of isolation, and
 *  - a device, obtained from a group or opened directly as a character
 *    device (/dev/vfio/devices/vfioX) and bound to iommufd.
 *
 * Every ioctl below takes its argument by pointer unless noted otherwise.
 * Structures that start with @argsz and @flags are extensible: userspace
 * sets @argsz to the size it allocated, the kernel never reads or writes
 * past it, and for "get info" style calls the kernel may raise @argsz to
 * tell userspace how large a buffer the full answer needs.
 *
 * The ioctl numbers are all _IO() with no size encoded; the argument size
 * travels in @argsz instead.  Numbers are interpreted per file type, so
 * the same number can mean different things on a container and on a
 * device fd.
 *
 * Layouts, numbers and names in this file are ABI and must never change.
 */
#ifndef _UAPI_VFIO_H
#define _UAPI_VFIO_H

#include <linux/types.h>
#include <linux/ioctl.h>

/*
 * Inside the kernel __user marks userspace pointers for sparse.  Provide
 * an empty stand-in when this file is used by userspace straight from the
 * source tree, and drop it again at the end so it does not leak.
 */
#ifndef __user
#define __user
#define __VFIO_UAPI_EMPTY_USER
#endif

/* What VFIO_GET_API_VERSION returns; would only change on an ABI break. */
#define VFIO_API_VERSION	0

/*
 * Extensions, queried with VFIO_CHECK_EXTENSION on a container.  The IOMMU
 * model numbers are also the argument of VFIO_SET_IOMMU.
 */
#define VFIO_TYPE1_IOMMU		1
#define VFIO_SPAPR_TCE_IOMMU		2
#define VFIO_TYPE1v2_IOMMU		3
/* DMA of every device in the container is cache coherent (no-snoop blocked). */
#define VFIO_DMA_CC_IOMMU		4
/* POWER Enhanced Error Handling is available (see VFIO_EEH_PE_OP). */
#define VFIO_EEH			5
/*
 * Type1v2, plus the IOMMU's nested (two-stage) mode: only a few IOMMU
 * drivers can do it, and iommufd offers nesting in a usable form.
 */
#define VFIO_TYPE1_NESTING_IOMMU	6
#define VFIO_SPAPR_TCE_v2_IOMMU		7
/* No IOMMU protection at all; only with enable_unsafe_noiommu_mode. */
#define VFIO_NOIOMMU_IOMMU		8
/* VFIO_DMA_UNMAP_FLAG_ALL is understood by the type1 backend. */
#define VFIO_UNMAP_ALL			9
/* VFIO_DMA_MAP_FLAG_VADDR / VFIO_DMA_UNMAP_FLAG_VADDR are understood. */
#define VFIO_UPDATE_VADDR		10

/* ioctl "magic" and first command number shared by every VFIO ioctl. */
#define VFIO_TYPE	(';')
#define VFIO_BASE	100

/**
 * struct vfio_info_cap_header - header of one entry in a capability chain
 * @id: capability identifier; its meaning depends on the structure the
 *	chain hangs off (device info, region info, IOMMU info, ...)
 * @version: layout version of the capability that follows this header
 * @next: offset of the next capability, counted from the start of the
 *	enclosing info structure (not from this header); 0 ends the chain
 *
 * "Get info" ioctls whose reply carries a CAPS flag and a cap_offset
 * field append a chain of capabilities after the fixed part of their
 * reply.  Each capability starts with this header.  When userspace's
 * buffer is too small the kernel only reports the required @argsz.
 */
struct vfio_info_cap_header {
	__u16	id;
	__u16	version;
	__u32	next;
};

/* -------- Container ioctls (/dev/vfio/vfio) -------- */

/*
 * VFIO_GET_API_VERSION - _IO(VFIO_TYPE, VFIO_BASE + 0)
 * No argument.  Returns VFIO_API_VERSION.
 */
#define VFIO_GET_API_VERSION		_IO(VFIO_TYPE, VFIO_BASE + 0)

/*
 * VFIO_CHECK_EXTENSION - _IO(VFIO_TYPE, VFIO_BASE + 1)
 * Argument passed by value: an extension number from the list above.
 * Returns 0 if unsupported, a positive value if supported.  Before an IOMMU
 * model is set the answer covers every loaded backend; afterwards only the
 * chosen one.
 */
#define VFIO_CHECK_EXTENSION		_IO(VFIO_TYPE, VFIO_BASE + 1)

/*
 * VFIO_SET_IOMMU - _IO(VFIO_TYPE, VFIO_BASE + 2)
 * Argument passed by value: the IOMMU model (VFIO_TYPE1v2_IOMMU, ...).
 * At least one group must already be attached to the container.  Once set,
 * the model stays until the last group leaves the container.
 */
#define VFIO_SET_IOMMU			_IO(VFIO_TYPE, VFIO_BASE + 2)

/* -------- Group ioctls (/dev/vfio/$GROUP) -------- */

/**
 * struct vfio_group_status - reply of VFIO_GROUP_GET_STATUS
 * @argsz: size of the structure as allocated by userspace
 * @flags: filled in by the kernel, VFIO_GROUP_FLAGS_*
 *
 * A group is viable when every device in it is either bound to a VFIO
 * driver or to no driver at all; only then may its devices be used.
 */
struct vfio_group_status {
	__u32	argsz;
	__u32	flags;
#define VFIO_GROUP_FLAGS_VIABLE		(1 << 0)
#define VFIO_GROUP_FLAGS_CONTAINER_SET	(1 << 1)
};

/*
 * VFIO_GROUP_GET_STATUS - _IO(VFIO_TYPE, VFIO_BASE + 3)
 * Argument: struct vfio_group_status.
 */
#define VFIO_GROUP_GET_STATUS		_IO(VFIO_TYPE, VFIO_BASE + 3)

/*
 * VFIO_GROUP_SET_CONTAINER - _IO(VFIO_TYPE, VFIO_BASE + 4)
 * Argument: pointer to an __s32 holding a container fd (or an iommufd,
 * where iommufd is built).  Adds the group to that container; a group that
 * is not viable is refused.  Groups joining a container that already has
 * an IOMMU model must be compatible with it.
 */
#define VFIO_GROUP_SET_CONTAINER	_IO(VFIO_TYPE, VFIO_BASE + 4)

/*
 * VFIO_GROUP_UNSET_CONTAINER - _IO(VFIO_TYPE, VFIO_BASE + 5)
 * No argument.  Takes the group out of its container; fails with EBUSY
 * while device fds of the group are still open.  Closing the group fd has
 * the same effect.
 */
#define VFIO_GROUP_UNSET_CONTAINER	_IO(VFIO_TYPE, VFIO_BASE + 5)

/*
 * VFIO_GROUP_GET_DEVICE_FD - _IO(VFIO_TYPE, VFIO_BASE + 6)
 * Argument: pointer to a NUL-terminated device name (for PCI, the address
 * such as "0000:00:03.0").  Returns a new device fd.  The group must be
 * in a container that has an IOMMU model set, because from here on the
 * device can be made to do DMA.
 */
#define VFIO_GROUP_GET_DEVICE_FD	_IO(VFIO_TYPE, VFIO_BASE + 6)

/* -------- Device ioctls: identification -------- */

/**
 * struct vfio_device_info - reply of VFIO_DEVICE_GET_INFO
 * @argsz: size of the structure as allocated by userspace; raised by the
 *	kernel when the capability chain does not fit
 * @flags: VFIO_DEVICE_FLAGS_*: which bus driver provides the device, whether
 *	it can be reset and whether a capability chain follows
 * @num_regions: number of region indexes (highest valid index + 1); an
 *	index below this may still describe an empty region
 * @num_irqs: number of interrupt indexes (highest valid index + 1)
 * @cap_offset: offset of the first struct vfio_info_cap_header from the
 *	start of this structure, 0 if none; valid with VFIO_DEVICE_FLAGS_CAPS
 * @pad: reserved, zero
 */
struct vfio_device_info {
	__u32	argsz;
	__u32	flags;
#define VFIO_DEVICE_FLAGS_RESET	(1 << 0)
#define VFIO_DEVICE_FLAGS_PCI	(1 << 1)
#define VFIO_DEVICE_FLAGS_PLATFORM (1 << 2)
#define VFIO_DEVICE_FLAGS_AMBA  (1 << 3)
#define VFIO_DEVICE_FLAGS_CCW	(1 << 4)
#define VFIO_DEVICE_FLAGS_AP	(1 << 5)
#define VFIO_DEVICE_FLAGS_FSL_MC (1 << 6)
#define VFIO_DEVICE_FLAGS_CAPS	(1 << 7)
#define VFIO_DEVICE_FLAGS_CDX	(1 << 8)
	__u32	num_regions;
	__u32	num_irqs;
	__u32	cap_offset;
	__u32	pad;
};

/*
 * VFIO_DEVICE_GET_INFO - _IO(VFIO_TYPE, VFIO_BASE + 7)
 * Argument: struct vfio_device_info.
 */
#define VFIO_DEVICE_GET_INFO		_IO(VFIO_TYPE, VFIO_BASE + 7)

/*
 * Bus names as shown in the "device_api" sysfs attribute of a mediated
 * device type, so management tools know which bus API an mdev will offer.
 * Each matches one of the bus flags above.
 */
#define VFIO_DEVICE_API_PCI_STRING		"vfio-pci"
#define VFIO_DEVICE_API_PLATFORM_STRING		"vfio-platform"
#define VFIO_DEVICE_API_AMBA_STRING		"vfio-amba"
#define VFIO_DEVICE_API_CCW_STRING		"vfio-ccw"
#define VFIO_DEVICE_API_AP_STRING		"vfio-ap"

/*
 * Capability ids in the VFIO_DEVICE_GET_INFO chain.  1 to 4 describe s390
 * zPCI functions; their payloads are defined in <linux/vfio_zdev.h>.
 */
#define VFIO_DEVICE_INFO_CAP_ZPCI_BASE		1
#define VFIO_DEVICE_INFO_CAP_ZPCI_GROUP		2
#define VFIO_DEVICE_INFO_CAP_ZPCI_UTIL		3
#define VFIO_DEVICE_INFO_CAP_ZPCI_PFIP		4
#define VFIO_DEVICE_INFO_CAP_PCI_ATOMIC_COMP	5

/**
 * struct vfio_device_info_cap_pci_atomic_comp - PCIe AtomicOp completer support
 * @header: id VFIO_DEVICE_INFO_CAP_PCI_ATOMIC_COMP, version 1
 * @flags: VFIO_PCI_ATOMIC_COMP*: operand sizes the path from the device to
 *	the root port can complete, so a guest driver may enable them
 * @reserved: zero
 */
struct vfio_device_info_cap_pci_atomic_comp {
	struct vfio_info_cap_header header;
	__u32 flags;
#define VFIO_PCI_ATOMIC_COMP32	(1 << 0)
#define VFIO_PCI_ATOMIC_COMP64	(1 << 1)
#define VFIO_PCI_ATOMIC_COMP128	(1 << 2)
	__u32 reserved;
};

/* -------- Device ioctls: regions -------- */

/**
 * struct vfio_region_info - reply of VFIO_DEVICE_GET_REGION_INFO
 * @argsz: size of the structure as allocated by userspace; raised by the
 *	kernel when the capability chain does not fit
 * @flags: VFIO_REGION_INFO_FLAG_*: which accesses the region allows, and
 *	whether a capability chain follows
 * @index: set by userspace: the region to describe, below num_regions
 * @cap_offset: offset of the first capability from the start of this
 *	structure, 0 if none; valid with VFIO_REGION_INFO_FLAG_CAPS
 * @size: size of the region in bytes; 0 means the region does not exist
 * @offset: where the region starts within the device fd, for use with
 *	pread/pwrite/mmap on that fd
 *
 * A device fd is a sparse file: each region (a BAR, config space, ...)
 * lives at its own @offset within it.
 */
struct vfio_region_info {
	__u32	argsz;
	__u32	flags;
#define VFIO_REGION_INFO_FLAG_READ	(1 << 0)
#define VFIO_REGION_INFO_FLAG_WRITE	(1 << 1)
#define VFIO_REGION_INFO_FLAG_MMAP	(1 << 2)
#define VFIO_REGION_INFO_FLAG_CAPS	(1 << 3)
	__u32	index;
	__u32	cap_offset;
	__aligned_u64	size;
	__aligned_u64	offset;
};

/*
 * VFIO_DEVICE_GET_REGION_INFO - _IO(VFIO_TYPE, VFIO_BASE + 8)
 * Argument: struct vfio_region_info, @argsz and @index set by userspace.
 */
#define VFIO_DEVICE_GET_REGION_INFO	_IO(VFIO_TYPE, VFIO_BASE + 8)

/*
 * Region capability: only parts of a region may be mmap'ed; the rest must
 * go through read/write (e.g. a BAR holding the MSI-X table).
 */
#define VFIO_REGION_INFO_CAP_SPARSE_MMAP	1

/**
 * struct vfio_region_sparse_mmap_area - one mmap-able window of a region
 * @offset: start of the window, relative to the start of the region
 * @size: length of the window in bytes
 */
struct vfio_region_sparse_mmap_area {
	__aligned_u64	offset;
	__aligned_u64	size;
};

/**
 * struct vfio_region_info_cap_sparse_mmap - VFIO_REGION_INFO_CAP_SPARSE_MMAP
 * @header: id VFIO_REGION_INFO_CAP_SPARSE_MMAP, version 1
 * @nr_areas: number of entries in @areas; 0 means nothing may be mapped
 * @reserved: zero
 * @areas: the windows that may be mmap'ed
 */
struct vfio_region_info_cap_sparse_mmap {
	struct vfio_info_cap_header header;
	__u32	nr_areas;
	__u32	reserved;
	struct vfio_region_sparse_mmap_area areas[];
};

/*
 * Region capability: the region is not one of the bus's fixed indexes but
 * a typed extra region; the type tells userspace how to use it.
 */
#define VFIO_REGION_INFO_CAP_TYPE	2

/**
 * struct vfio_region_info_cap_type - VFIO_REGION_INFO_CAP_TYPE
 * @header: id VFIO_REGION_INFO_CAP_TYPE, version 1
 * @type: VFIO_REGION_TYPE_*, unique per bus driver; for PCI, vendor
 *	specific types carry VFIO_REGION_TYPE_PCI_VENDOR_TYPE and the PCI
 *	vendor id in the low 16 bits
 * @subtype: meaning depends on @type, VFIO_REGION_SUBTYPE_*
 */
struct vfio_region_info_cap_type {
	struct vfio_info_cap_header header;
	__u32 type;
	__u32 subtype;
};

/* Region types. */
#define VFIO_REGION_TYPE_PCI_VENDOR_TYPE	(1 << 31)
#define VFIO_REGION_TYPE_PCI_VENDOR_MASK	(0xffff)
#define VFIO_REGION_TYPE_GFX                    (1)
#define VFIO_REGION_TYPE_CCW			(2)
#define VFIO_REGION_TYPE_MIGRATION_DEPRECATED   (3)

/* Subtypes of VFIO_REGION_TYPE_PCI_VENDOR_TYPE | PCI_VENDOR_ID_INTEL. */
#define VFIO_REGION_SUBTYPE_INTEL_IGD_OPREGION	(1)
#define VFIO_REGION_SUBTYPE_INTEL_IGD_HOST_CFG	(2)
#define VFIO_REGION_SUBTYPE_INTEL_IGD_LPC_CFG	(3)

/* Subtype of VFIO_REGION_TYPE_PCI_VENDOR_TYPE | PCI_VENDOR_ID_NVIDIA. */
#define VFIO_REGION_SUBTYPE_NVIDIA_NVLINK2_RAM	(1)

/* Subtype of VFIO_REGION_TYPE_PCI_VENDOR_TYPE | PCI_VENDOR_ID_IBM. */
#define VFIO_REGION_SUBTYPE_IBM_NVLINK2_ATSD	(1)

/* Subtype of VFIO_REGION_TYPE_GFX: virtual display EDID and link control. */
#define VFIO_REGION_SUBTYPE_GFX_EDID            (1)

/**
 * struct vfio_region_gfx_edid - register layout of the GFX EDID region
 * @edid_offset: read-only; where the EDID blob starts within the region
 * @edid_max_size: read-only; largest EDID blob the device accepts
 * @edid_size: size of the EDID blob userspace has written; the new blob
 *	takes effect when the link goes up
 * @max_xres: read-only; widest mode the device can show, 0 for no limit
 * @max_yres: read-only; tallest mode the device can show, 0 for no limit
 * @link_state: VFIO_DEVICE_GFX_LINK_STATE_*; userspace drops the link,
 *	updates the blob and raises it again to emulate a monitor hotplug
 *
 * The EDID blob itself lives in the same region at @edid_offset.
 */
struct vfio_region_gfx_edid {
	__u32 edid_offset;
	__u32 edid_max_size;
	__u32 edid_size;
	__u32 max_xres;
	__u32 max_yres;
	__u32 link_state;
#define VFIO_DEVICE_GFX_LINK_STATE_UP    1
#define VFIO_DEVICE_GFX_LINK_STATE_DOWN  2
};

/* Subtypes of VFIO_REGION_TYPE_CCW (s390 channel I/O). */
#define VFIO_REGION_SUBTYPE_CCW_ASYNC_CMD	(1)
#define VFIO_REGION_SUBTYPE_CCW_SCHIB		(2)
#define VFIO_REGION_SUBTYPE_CCW_CRW		(3)

/* Subtype of VFIO_REGION_TYPE_MIGRATION_DEPRECATED. */
#define VFIO_REGION_SUBTYPE_MIGRATION_DEPRECATED (1)

/**
 * struct vfio_device_migration_info - head of the retired v1 migration region
 * @device_state: VFIO_DEVICE_STATE_V1_* bits
 * @reserved: zero
 * @pending_bytes: data still to be saved
 * @data_offset: where in the region the next chunk of data is
 * @data_size: size of the chunk at @data_offset
 *
 * Migration protocol v1 was replaced by VFIO_DEVICE_FEATURE_MIGRATION and
 * no kernel driver offers it any more.  The layout and the helper macros
 * stay so that old userspace keeps building.
 */
struct vfio_device_migration_info {
	__u32 device_state;
#define VFIO_DEVICE_STATE_V1_STOP      (0)
#define VFIO_DEVICE_STATE_V1_RUNNING   (1 << 0)
#define VFIO_DEVICE_STATE_V1_SAVING    (1 << 1)
#define VFIO_DEVICE_STATE_V1_RESUMING  (1 << 2)
#define VFIO_DEVICE_STATE_MASK      (VFIO_DEVICE_STATE_V1_RUNNING | \
				     VFIO_DEVICE_STATE_V1_SAVING |  \
				     VFIO_DEVICE_STATE_V1_RESUMING)
/* RESUMING may only be combined with nothing else. */
#define VFIO_DEVICE_STATE_VALID(state) \
	((state) & VFIO_DEVICE_STATE_V1_RESUMING ?			\
	 ((state) & VFIO_DEVICE_STATE_MASK) ==				\
	 VFIO_DEVICE_STATE_V1_RESUMING : 1)
/* SAVING together with RESUMING is the v1 encoding of "device broken". */
#define VFIO_DEVICE_STATE_IS_ERROR(state) \
	(((state) & VFIO_DEVICE_STATE_MASK) == (VFIO_DEVICE_STATE_V1_SAVING | \
						VFIO_DEVICE_STATE_V1_RESUMING))
#define VFIO_DEVICE_STATE_SET_ERROR(state) \
	(((state) & ~VFIO_DEVICE_STATE_MASK) | VFIO_DEVICE_STATE_V1_SAVING | \
					       VFIO_DEVICE_STATE_V1_RESUMING)
	__u32 reserved;
	__aligned_u64 pending_bytes;
	__aligned_u64 data_offset;
	__aligned_u64 data_size;
};

/*
 * Region capability without payload, on the BAR holding the MSI-X table:
 * the table and PBA may be mmap'ed along with the rest of the BAR.  Vectors
 * are still configured with VFIO_DEVICE_SET_IRQS, never through the table.
 */
#define VFIO_REGION_INFO_CAP_MSIX_MAPPABLE	3

/* Region capability of the (removed) POWER9 NVLink2 support. */
#define VFIO_REGION_INFO_CAP_NVLINK2_SSATGT	4

/**
 * struct vfio_region_info_cap_nvlink2_ssatgt - NVLink2 target address
 * @header: id VFIO_REGION_INFO_CAP_NVLINK2_SSATGT, version 1
 * @tgt: GPU RAM address as seen through the NVLink2 translation, which a
 *	guest needs to program the link
 */
struct vfio_region_info_cap_nvlink2_ssatgt {
	struct vfio_info_cap_header header;
	__aligned_u64 tgt;
};

/* Region capability of the (removed) POWER9 NVLink2 support. */
#define VFIO_REGION_INFO_CAP_NVLINK2_LNKSPD	5

/**
 * struct vfio_region_info_cap_nvlink2_lnkspd - NVLink2 link speed
 * @header: id VFIO_REGION_INFO_CAP_NVLINK2_LNKSPD, version 1
 * @link_speed: speed code of the NVLink2 link, passed on to the guest
 * @__pad: zero
 */
struct vfio_region_info_cap_nvlink2_lnkspd {
	struct vfio_info_cap_header header;
	__u32 link_speed;
	__u32 __pad;
};

/* -------- Device ioctls: interrupts and reset -------- */

/**
 * struct vfio_irq_info - reply of VFIO_DEVICE_GET_IRQ_INFO
 * @argsz: size of the structure as allocated by userspace
 * @flags: VFIO_IRQ_INFO_*, filled in by the kernel:
 *	%VFIO_IRQ_INFO_EVENTFD - can signal through an eventfd;
 *	%VFIO_IRQ_INFO_MASKABLE - the mask/unmask actions are supported;
 *	%VFIO_IRQ_INFO_AUTOMASKED - level triggered: the kernel masks the
 *	line when it fires and userspace must unmask it after servicing;
 *	%VFIO_IRQ_INFO_NORESIZE - the number of vectors in use is fixed once
 *	enabled; to change it, disable the index and enable it again
 * @index: set by userspace: the interrupt index to describe
 * @count: number of interrupts (vectors) behind @index; 0 if unsupported
 */
struct vfio_irq_info {
	__u32	argsz;
	__u32	flags;
#define VFIO_IRQ_INFO_EVENTFD		(1 << 0)
#define VFIO_IRQ_INFO_MASKABLE		(1 << 1)
#define VFIO_IRQ_INFO_AUTOMASKED	(1 << 2)
#define VFIO_IRQ_INFO_NORESIZE		(1 << 3)
	__u32	index;
	__u32	count;
};

/*
 * VFIO_DEVICE_GET_IRQ_INFO - _IO(VFIO_TYPE, VFIO_BASE + 9)
 * Argument: struct vfio_irq_info, @argsz and @index set by userspace.
 */
#define VFIO_DEVICE_GET_IRQ_INFO	_IO(VFIO_TYPE, VFIO_BASE + 9)

/**
 * struct vfio_irq_set - argument of VFIO_DEVICE_SET_IRQS
 * @argsz: size of the structure including @data
 * @flags: exactly one VFIO_IRQ_SET_DATA_* bit saying what @data holds,
 *	and exactly one VFIO_IRQ_SET_ACTION_* bit saying what to do
 * @index: interrupt index, as in struct vfio_irq_info
 * @start: first vector of @index affected
 * @count: number of vectors affected, starting at @start
 * @data: @count entries of the type chosen by the DATA flag:
 *	nothing for DATA_NONE, one __u8 per vector for DATA_BOOL (non-zero
 *	means "apply to this vector"), one __s32 per vector for DATA_EVENTFD
 *
 * ACTION_TRIGGER with DATA_EVENTFD connects eventfds to vectors (an fd of
 * -1 disconnects one); with DATA_NONE or DATA_BOOL it fires the vectors
 * as if the device had raised them, which helps testing.  ACTION_MASK and
 * ACTION_UNMASK with DATA_NONE or DATA_BOOL mask or unmask vectors of a
 * maskable index; ACTION_UNMASK with DATA_EVENTFD attaches an eventfd that
 * unmasks when signalled, so a hypervisor can complete a level-triggered
 * interrupt without a syscall.  DATA_NONE with ACTION_TRIGGER and @count 0
 * disables the whole index.
 */
struct vfio_irq_set {
	__u32	argsz;
	__u32	flags;
#define VFIO_IRQ_SET_DATA_NONE		(1 << 0)
#define VFIO_IRQ_SET_DATA_BOOL		(1 << 1)
#define VFIO_IRQ_SET_DATA_EVENTFD	(1 << 2)
#define VFIO_IRQ_SET_ACTION_MASK	(1 << 3)
#define VFIO_IRQ_SET_ACTION_UNMASK	(1 << 4)
#define VFIO_IRQ_SET_ACTION_TRIGGER	(1 << 5)
	__u32	index;
	__u32	start;
	__u32	count;
	__u8	data[];
};

/*
 * VFIO_DEVICE_SET_IRQS - _IO(VFIO_TYPE, VFIO_BASE + 10)
 * Argument: struct vfio_irq_set followed by its data.
 */
#define VFIO_DEVICE_SET_IRQS		_IO(VFIO_TYPE, VFIO_BASE + 10)

#define VFIO_IRQ_SET_DATA_TYPE_MASK	(VFIO_IRQ_SET_DATA_NONE | \
					 VFIO_IRQ_SET_DATA_BOOL | \
					 VFIO_IRQ_SET_DATA_EVENTFD)
#define VFIO_IRQ_SET_ACTION_TYPE_MASK	(VFIO_IRQ_SET_ACTION_MASK | \
					 VFIO_IRQ_SET_ACTION_UNMASK | \
					 VFIO_IRQ_SET_ACTION_TRIGGER)

/*
 * VFIO_DEVICE_RESET - _IO(VFIO_TYPE, VFIO_BASE + 11)
 * No argument.  Resets the device if VFIO_DEVICE_FLAGS_RESET is reported.
 */
#define VFIO_DEVICE_RESET		_IO(VFIO_TYPE, VFIO_BASE + 11)

/* -------- Fixed region and interrupt indexes per bus -------- */

/*
 * vfio-pci region indexes.  BARs come first so that the index equals the
 * BAR number.  Indexes from VFIO_PCI_NUM_REGIONS on are extra regions
 * described by VFIO_REGION_INFO_CAP_TYPE; the value 9 is frozen.
 */
enum {
	VFIO_PCI_BAR0_REGION_INDEX = 0,
	VFIO_PCI_BAR1_REGION_INDEX = 1,
	VFIO_PCI_BAR2_REGION_INDEX = 2,
	VFIO_PCI_BAR3_REGION_INDEX = 3,
	VFIO_PCI_BAR4_REGION_INDEX = 4,
	VFIO_PCI_BAR5_REGION_INDEX = 5,
	VFIO_PCI_ROM_REGION_INDEX = 6,
	VFIO_PCI_CONFIG_REGION_INDEX = 7,
	/*
	 * Legacy VGA ranges: memory 0xa0000-0xbffff at offset 0xa0000 and
	 * I/O ports 0x3b0-0x3bb and 0x3c0-0x3df at their own port numbers.
	 * Only read/write, never mmap.
	 */
	VFIO_PCI_VGA_REGION_INDEX = 8,
	VFIO_PCI_NUM_REGIONS = 9
};

/* vfio-pci interrupt indexes. */
enum {
	VFIO_PCI_INTX_IRQ_INDEX = 0,
	VFIO_PCI_MSI_IRQ_INDEX = 1,
	VFIO_PCI_MSIX_IRQ_INDEX = 2,
	/* Signalled when AER reports an error on the device. */
	VFIO_PCI_ERR_IRQ_INDEX = 3,
	/* Signalled when the host wants the device back (unbind request). */
	VFIO_PCI_REQ_IRQ_INDEX = 4,
	VFIO_PCI_NUM_IRQS = 5
};

/* vfio-ccw region indexes (s390). */
enum {
	VFIO_CCW_CONFIG_REGION_INDEX = 0,
	VFIO_CCW_NUM_REGIONS = 1
};

/* vfio-ccw interrupt indexes (s390). */
enum {
	VFIO_CCW_IO_IRQ_INDEX = 0,
	VFIO_CCW_CRW_IRQ_INDEX = 1,
	VFIO_CCW_REQ_IRQ_INDEX = 2,
	VFIO_CCW_NUM_IRQS = 3
};

/* vfio-ap interrupt indexes (s390 crypto adapters). */
enum {
	VFIO_AP_REQ_IRQ_INDEX = 0,
	VFIO_AP_NUM_IRQS = 1
};

/* -------- PCI hot reset -------- */

/**
 * struct vfio_pci_dependent_device - one device affected by a hot reset
 * @group_id: IOMMU group of the device; used unless the reply carries
 *	VFIO_PCI_HOT_RESET_FLAG_DEV_ID
 * @devid: iommufd device id of the device, for a device fd bound to
 *	iommufd (reply has VFIO_PCI_HOT_RESET_FLAG_DEV_ID).  The special
 *	values VFIO_PCI_DEVID_OWNED (caller owns it but it has no id in this
 *	iommufd context) and VFIO_PCI_DEVID_NOT_OWNED (caller does not own it)
 *	may appear instead of an id
 * @segment: PCI segment (domain) number
 * @bus: PCI bus number
 * @devfn: PCI device and function number, packed as in PCI_DEVFN()
 */
struct vfio_pci_dependent_device {
	union {
		__u32   group_id;
		__u32	devid;
#define VFIO_PCI_DEVID_OWNED		0
#define VFIO_PCI_DEVID_NOT_OWNED	-1
	};
	__u16	segment;
	__u8	bus;
	__u8	devfn;
};

/**
 * struct vfio_pci_hot_reset_info - reply of VFIO_DEVICE_GET_PCI_HOT_RESET_INFO
 * @argsz: size of the structure including room for @devices; if too small
 *	the call fails with ENOSPC and @count says how many entries are needed
 * @flags: filled in by the kernel: %VFIO_PCI_HOT_RESET_FLAG_DEV_ID if
 *	@devices carry devid rather than group_id, and
 *	%VFIO_PCI_HOT_RESET_FLAG_DEV_ID_OWNED if the caller owns every listed
 *	device (so the reset will be allowed)
 * @count: number of entries in @devices
 * @devices: every device that a bus or slot reset of this device would
 *	also reset
 */
struct vfio_pci_hot_reset_info {
	__u32	argsz;
	__u32	flags;
#define VFIO_PCI_HOT_RESET_FLAG_DEV_ID		(1 << 0)
#define VFIO_PCI_HOT_RESET_FLAG_DEV_ID_OWNED	(1 << 1)
	__u32	count;
	struct vfio_pci_dependent_device	devices[];
};

/*
 * VFIO_DEVICE_GET_PCI_HOT_RESET_INFO - _IO(VFIO_TYPE, VFIO_BASE + 12)
 * Argument: struct vfio_pci_hot_reset_info.
 */
#define VFIO_DEVICE_GET_PCI_HOT_RESET_INFO	_IO(VFIO_TYPE, VFIO_BASE + 12)

/**
 * struct vfio_pci_hot_reset - argument of VFIO_DEVICE_PCI_HOT_RESET
 * @argsz: size of the structure including @group_fds
 * @flags: zero
 * @count: number of entries in @group_fds
 * @group_fds: group fds proving that the caller owns every affected
 *	device.  For a device fd bound to iommufd, @count is 0 and ownership
 *	is checked through the iommufd context instead
 */
struct vfio_pci_hot_reset {
	__u32	argsz;
	__u32	flags;
	__u32	count;
	__s32	group_fds[];
};

/*
 * VFIO_DEVICE_PCI_HOT_RESET - _IO(VFIO_TYPE, VFIO_BASE + 13)
 * Argument: struct vfio_pci_hot_reset followed by the group fds.
 */
#define VFIO_DEVICE_PCI_HOT_RESET	_IO(VFIO_TYPE, VFIO_BASE + 13)

/* -------- Mediated graphics -------- */

/**
 * struct vfio_device_gfx_plane_info - argument of VFIO_DEVICE_QUERY_GFX_PLANE
 * @argsz: size of the structure as allocated by userspace
 * @flags: set by userspace: one VFIO_GFX_PLANE_TYPE_* bit.
 *	%VFIO_GFX_PLANE_TYPE_PROBE together with DMABUF or REGION asks only
 *	whether that way of exposing planes is supported (return 0 if so)
 * @drm_plane_type: set by userspace: which plane, DRM_PLANE_TYPE_*
 * @drm_format: DRM fourcc of the plane
 * @drm_format_mod: DRM format modifier (tiling)
 * @width: width in pixels
 * @height: height in pixels
 * @stride: bytes per line
 * @size: size of the plane in bytes, rounded up to a page
 * @x_pos: horizontal position of a cursor plane
 * @y_pos: vertical position of a cursor plane
 * @x_hot: horizontal hotspot of a cursor plane
 * @y_hot: vertical hotspot of a cursor plane
 * @region_index: for VFIO_GFX_PLANE_TYPE_REGION, the region holding the plane
 * @dmabuf_id: for VFIO_GFX_PLANE_TYPE_DMABUF, an id to pass to
 *	VFIO_DEVICE_GET_GFX_DMABUF; the same id means the same buffer
 * @reserved: zero
 *
 * All fields after @drm_plane_type are filled in by the kernel; an all-zero
 * reply means the plane is currently not shown.
 */
struct vfio_device_gfx_plane_info {
	__u32 argsz;
	__u32 flags;
#define VFIO_GFX_PLANE_TYPE_PROBE (1 << 0)
#define VFIO_GFX_PLANE_TYPE_DMABUF (1 << 1)
#define VFIO_GFX_PLANE_TYPE_REGION (1 << 2)
	__u32 drm_plane_type;
	__u32 drm_format;
	__aligned_u64 drm_format_mod;
	__u32 width;
	__u32 height;
	__u32 stride;
	__u32 size;
	__u32 x_pos;
	__u32 y_pos;
	__u32 x_hot;
	__u32 y_hot;
	union {
		__u32 region_index;
		__u32 dmabuf_id;
	};
	__u32 reserved;
};

/*
 * VFIO_DEVICE_QUERY_GFX_PLANE - _IO(VFIO_TYPE, VFIO_BASE + 14)
 * Argument: struct vfio_device_gfx_plane_info.
 */
#define VFIO_DEVICE_QUERY_GFX_PLANE _IO(VFIO_TYPE, VFIO_BASE + 14)

/*
 * VFIO_DEVICE_GET_GFX_DMABUF - _IO(VFIO_TYPE, VFIO_BASE + 15)
 * Argument: pointer to the __u32 dmabuf_id from a plane query.  Returns a
 * dma-buf fd for that plane.
 */
#define VFIO_DEVICE_GET_GFX_DMABUF _IO(VFIO_TYPE, VFIO_BASE + 15)

/* -------- ioeventfd -------- */

/**
 * struct vfio_device_ioeventfd - argument of VFIO_DEVICE_IOEVENTFD
 * @argsz: size of the structure
 * @flags: access width, exactly one VFIO_DEVICE_IOEVENTFD_{8,16,32,64}
 * @offset: device fd offset (region offset + address) to write to
 * @data: value to write, in the width given by @flags
 * @fd: eventfd that triggers the write; -1 removes a matching entry
 * @reserved: zero
 *
 * Lets a hypervisor turn a guest doorbell write it trapped into an eventfd
 * signal that the kernel replays as a device write, without a round trip
 * through userspace.  An entry is identified by @offset, @data and width.
 */
struct vfio_device_ioeventfd {
	__u32	argsz;
	__u32	flags;
#define VFIO_DEVICE_IOEVENTFD_8		(1 << 0)
#define VFIO_DEVICE_IOEVENTFD_16	(1 << 1)
#define VFIO_DEVICE_IOEVENTFD_32	(1 << 2)
#define VFIO_DEVICE_IOEVENTFD_64	(1 << 3)
#define VFIO_DEVICE_IOEVENTFD_SIZE_MASK	(0xf)
	__aligned_u64	offset;
	__aligned_u64	data;
	__s32	fd;
	__u32	reserved;
};

/*
 * VFIO_DEVICE_IOEVENTFD - _IO(VFIO_TYPE, VFIO_BASE + 16)
 * Argument: struct vfio_device_ioeventfd.
 */
#define VFIO_DEVICE_IOEVENTFD		_IO(VFIO_TYPE, VFIO_BASE + 16)

/* -------- Device features -------- */

/**
 * struct vfio_device_feature - argument of VFIO_DEVICE_FEATURE
 * @argsz: size of the structure including @data
 * @flags: feature number in the low 16 bits (VFIO_DEVICE_FEATURE_MASK)
 *	plus one or more of:
 *	%VFIO_DEVICE_FEATURE_GET - read the feature into @data;
 *	%VFIO_DEVICE_FEATURE_SET - write the feature from @data;
 *	%VFIO_DEVICE_FEATURE_PROBE - only ask whether GET and/or SET (as
 *	given alongside) would be accepted; nothing is transferred
 * @data: payload; its layout is defined by the feature number
 *
 * A generic get/set channel so that new device controls need no new ioctl
 * numbers.  Unsupported features fail with ENOTTY.
 */
struct vfio_device_feature {
	__u32	argsz;
	__u32	flags;
#define VFIO_DEVICE_FEATURE_MASK	(0xffff)
#define VFIO_DEVICE_FEATURE_GET		(1 << 16)
#define VFIO_DEVICE_FEATURE_SET		(1 << 17)
#define VFIO_DEVICE_FEATURE_PROBE	(1 << 18)
	__u8	data[];
};

/*
 * VFIO_DEVICE_FEATURE - _IO(VFIO_TYPE, VFIO_BASE + 17)
 * Argument: struct vfio_device_feature followed by the payload.
 */
#define VFIO_DEVICE_FEATURE		_IO(VFIO_TYPE, VFIO_BASE + 17)

/* -------- Device cdev and iommufd -------- */

/**
 * struct vfio_device_bind_iommufd - argument of VFIO_DEVICE_BIND_IOMMUFD
 * @argsz: size of the structure
 * @flags: zero
 * @iommufd: iommufd to bind the device to
 * @out_devid: set by the kernel: the id of the device inside that iommufd,
 *	for use with iommufd ioctls and in hot reset replies
 *
 * The first ioctl on a device opened through /dev/vfio/devices/vfioX.
 * Until it succeeds no other device ioctl is accepted; each open file can
 * be bound once.
 */
struct vfio_device_bind_iommufd {
	__u32		argsz;
	__u32		flags;
	__s32		iommufd;
	__u32		out_devid;
};

/*
 * VFIO_DEVICE_BIND_IOMMUFD - _IO(VFIO_TYPE, VFIO_BASE + 18)
 * Argument: struct vfio_device_bind_iommufd.
 */
#define VFIO_DEVICE_BIND_IOMMUFD	_IO(VFIO_TYPE, VFIO_BASE + 18)

/**
 * struct vfio_device_attach_iommufd_pt - argument of
 *	VFIO_DEVICE_ATTACH_IOMMUFD_PT
 * @argsz: size of the structure
 * @flags: zero
 * @pt_id: in: the IOAS or hardware page table to attach to; out: the hw
 *	page table actually used (one may be created for an IOAS)
 *
 * Attaching while already attached replaces the page table.
 */
struct vfio_device_attach_iommufd_pt {
	__u32	argsz;
	__u32	flags;
	__u32	pt_id;
};

/*
 * VFIO_DEVICE_ATTACH_IOMMUFD_PT - _IO(VFIO_TYPE, VFIO_BASE + 19)
 * Argument: struct vfio_device_attach_iommufd_pt.
 */
#define VFIO_DEVICE_ATTACH_IOMMUFD_PT		_IO(VFIO_TYPE, VFIO_BASE + 19)

/**
 * struct vfio_device_detach_iommufd_pt - argument of
 *	VFIO_DEVICE_DETACH_IOMMUFD_PT
 * @argsz: size of the structure
 * @flags: zero
 *
 * Detaches the device from its page table; it can do no DMA until attached
 * again.
 */
struct vfio_device_detach_iommufd_pt {
	__u32	argsz;
	__u32	flags;
};

/*
 * VFIO_DEVICE_DETACH_IOMMUFD_PT - _IO(VFIO_TYPE, VFIO_BASE + 20)
 * Argument: struct vfio_device_detach_iommufd_pt.
 */
#define VFIO_DEVICE_DETACH_IOMMUFD_PT		_IO(VFIO_TYPE, VFIO_BASE + 20)

/* -------- Device feature numbers and payloads -------- */

/*
 * Feature numbers go in the low 16 bits of vfio_device_feature.flags.
 * Which directions each one accepts, and what its payload in
 * vfio_device_feature.data carries (struct below):
 *
 *   0 PCI_VF_TOKEN                 SET      a 16-byte UUID
 *   1 MIGRATION                    GET      a bitmap of optional states
 *   2 MIG_DEVICE_STATE             GET, SET the state, and a data fd
 *   3 LOW_POWER_ENTRY              SET      none
 *   4 LOW_POWER_ENTRY_WITH_WAKEUP  SET      a wake-up eventfd
 *   5 LOW_POWER_EXIT               SET      none
 *   6 DMA_LOGGING_START            SET      the IOVA ranges to track
 *   7 DMA_LOGGING_STOP             SET      none
 *   8 DMA_LOGGING_REPORT           GET      a range and a bitmap to fill
 *   9 MIG_DATA_SIZE                GET      a byte count
 *  10 BUS_MASTER                   SET      clear or set
 */

/*
 * The VF token is a secret shared between the user of an SR-IOV PF and
 * the users of its VFs: the PF's user sets it, and a VF can then only be
 * opened by whoever presents the same UUID, so a VF cannot be handed to
 * someone the PF's owner does not trust.
 */
#define VFIO_DEVICE_FEATURE_PCI_VF_TOKEN	(0)

/* Which migration states the device supports. */
#define VFIO_DEVICE_FEATURE_MIGRATION 1

/**
 * struct vfio_device_feature_migration - payload of
 *	VFIO_DEVICE_FEATURE_MIGRATION
 * @flags: VFIO_MIGRATION_* bits saying which optional migration states the
 *	device implements.  %VFIO_MIGRATION_STOP_COPY is mandatory;
 *	%VFIO_MIGRATION_P2P adds RUNNING_P2P; %VFIO_MIGRATION_PRE_COPY adds
 *	PRE_COPY (and PRE_COPY_P2P with P2P)
 *
 * GET only.  A device that does not support the feature cannot migrate.
 */
struct vfio_device_feature_migration {
	__aligned_u64 flags;
#define VFIO_MIGRATION_STOP_COPY	(1 << 0)
#define VFIO_MIGRATION_P2P		(1 << 1)
#define VFIO_MIGRATION_PRE_COPY		(1 << 2)
};

/* Read or change the migration state. */
#define VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE 2

/**
 * struct vfio_device_feature_mig_state - payload of
 *	VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE
 * @device_state: an enum vfio_device_mig_state value; GET reports the
 *	current state, SET asks for a new one
 * @data_fd: set by the kernel on SET: when the transition starts a data
 *	stream (into STOP_COPY/PRE_COPY or into RESUMING) this is a new fd to
 *	read the device state from or write it to; -1 otherwise
 *
 * A SET that moves between states which are not adjacent is carried out
 * by the kernel as a series of single steps.  If a step fails the device
 * is left in the state reached so far, or in ERROR.
 */
struct vfio_device_feature_mig_state {
	__u32 device_state;
	__s32 data_fd;
};

/**
 * enum vfio_device_mig_state - states of a migratable device
 * @VFIO_DEVICE_STATE_ERROR: a transition failed; only a device reset
 *	leaves this state
 * @VFIO_DEVICE_STATE_STOP: the device neither runs nor changes guest memory
 * @VFIO_DEVICE_STATE_RUNNING: normal operation
 * @VFIO_DEVICE_STATE_STOP_COPY: stopped, and its final state can be read
 *	from the data_fd
 * @VFIO_DEVICE_STATE_RESUMING: stopped, and accepts a saved state written
 *	to the data_fd
 * @VFIO_DEVICE_STATE_RUNNING_P2P: running, but it starts no peer-to-peer
 *	transfers to other devices, so a group of devices can be quiesced
 *	one by one
 * @VFIO_DEVICE_STATE_PRE_COPY: running, while an early part of its state
 *	can already be read from the data_fd
 * @VFIO_DEVICE_STATE_PRE_COPY_P2P: PRE_COPY without peer-to-peer
 * @VFIO_DEVICE_STATE_NR: number of states
 */
enum vfio_device_mig_state {
	VFIO_DEVICE_STATE_ERROR = 0,
	VFIO_DEVICE_STATE_STOP = 1,
	VFIO_DEVICE_STATE_RUNNING = 2,
	VFIO_DEVICE_STATE_STOP_COPY = 3,
	VFIO_DEVICE_STATE_RESUMING = 4,
	VFIO_DEVICE_STATE_RUNNING_P2P = 5,
	VFIO_DEVICE_STATE_PRE_COPY = 6,
	VFIO_DEVICE_STATE_PRE_COPY_P2P = 7,
	VFIO_DEVICE_STATE_NR,
};

/**
 * struct vfio_precopy_info - reply of VFIO_MIG_GET_PRECOPY_INFO
 * @argsz: size of the structure
 * @flags: zero
 * @initial_bytes: bytes of the initial state not yet read; userspace should
 *	read these before stopping the device to keep downtime short
 * @dirty_bytes: estimate of the state that has changed since it was read
 *	and would have to be sent again
 *
 * Both values are estimates and may change as the device runs.
 */
struct vfio_precopy_info {
	__u32 argsz;
	__u32 flags;
	__aligned_u64 initial_bytes;
	__aligned_u64 dirty_bytes;
};

/*
 * VFIO_MIG_GET_PRECOPY_INFO - _IO(VFIO_TYPE, VFIO_BASE + 21)
 * Issued on the migration data_fd (not the device fd) while the device is
 * in PRE_COPY or PRE_COPY_P2P.  Argument: struct vfio_precopy_info.
 */
#define VFIO_MIG_GET_PRECOPY_INFO _IO(VFIO_TYPE, VFIO_BASE + 21)

/*
 * SET only, no payload.  Lets the device enter a low-power state (PCI D3cold
 * where possible) while no one uses it; any access through VFIO wakes it.
 */
#define VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY 3

/* As LOW_POWER_ENTRY, and tell userspace when the device wakes itself. */
#define VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY_WITH_WAKEUP 4

/**
 * struct vfio_device_low_power_entry_with_wakeup - payload of
 *	VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY_WITH_WAKEUP
 * @wakeup_eventfd: eventfd signalled when the device wakes up on its own
 *	(e.g. PME), so userspace can let the guest know
 * @reserved: zero
 *
 * SET only.  Like VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY, plus a wake-up
 * notification.
 */
struct vfio_device_low_power_entry_with_wakeup {
	__s32 wakeup_eventfd;
	__u32 reserved;
};

/* SET only, no payload.  Leaves low power entered by one of the above. */
#define VFIO_DEVICE_FEATURE_LOW_POWER_EXIT 5

/**
 * struct vfio_device_feature_dma_logging_control - payload of
 *	VFIO_DEVICE_FEATURE_DMA_LOGGING_START
 * @page_size: granularity of the tracking, in bytes, a power of two; the
 *	kernel may round it and reports what it used
 * @num_ranges: number of entries at @ranges, at least 1
 * @__reserved: zero
 * @ranges: userspace address of an array of
 *	struct vfio_device_feature_dma_logging_range
 *
 * SET only.  Starts device-side tracking of the pages the device writes
 * to, for the IOVA ranges given.  Tracking stops with
 * VFIO_DEVICE_FEATURE_DMA_LOGGING_STOP (no payload) or when the fd closes.
 */
struct vfio_device_feature_dma_logging_control {
	__aligned_u64 page_size;
	__u32 num_ranges;
	__u32 __reserved;
	__aligned_u64 ranges;
};

/**
 * struct vfio_device_feature_dma_logging_range - one tracked IOVA range
 * @iova: start of the range
 * @length: length of the range in bytes
 */
struct vfio_device_feature_dma_logging_range {
	__aligned_u64 iova;
	__aligned_u64 length;
};

/* Start and stop device-side tracking of the memory the device writes. */
#define VFIO_DEVICE_FEATURE_DMA_LOGGING_START 6
#define VFIO_DEVICE_FEATURE_DMA_LOGGING_STOP 7

/* Fetch and clear the pages written since the last report. */
#define VFIO_DEVICE_FEATURE_DMA_LOGGING_REPORT 8

/**
 * struct vfio_device_feature_dma_logging_report - payload of
 *	VFIO_DEVICE_FEATURE_DMA_LOGGING_REPORT
 * @iova: start of the range to report on; must lie in a tracked range
 * @length: length of that range in bytes
 * @page_size: granularity of the bitmap, in bytes
 * @bitmap: userspace address of a bitmap with one bit per @page_size page
 *	of the range, bit 0 for @iova
 *
 * GET only.  Sets the bits of pages written since the last report and
 * clears them in the device, so each dirtying is reported once.
 */
struct vfio_device_feature_dma_logging_report {
	__aligned_u64 iova;
	__aligned_u64 length;
	__aligned_u64 page_size;
	__aligned_u64 bitmap;
};

/* Estimate how much data STOP_COPY would produce now. */
#define VFIO_DEVICE_FEATURE_MIG_DATA_SIZE 9

/**
 * struct vfio_device_feature_mig_data_size - payload of
 *	VFIO_DEVICE_FEATURE_MIG_DATA_SIZE
 * @stop_copy_length: estimate of how many bytes the STOP_COPY data stream
 *	would carry if the device stopped now
 *
 * GET only.  Helps userspace judge the downtime of a migration.
 */
struct vfio_device_feature_mig_data_size {
	__aligned_u64 stop_copy_length;
};

/* Let or stop the device initiating DMA. */
#define VFIO_DEVICE_FEATURE_BUS_MASTER 10

/**
 * struct vfio_device_feature_bus_master - payload of
 *	VFIO_DEVICE_FEATURE_BUS_MASTER
 * @op: VFIO_DEVICE_FEATURE_CLEAR_MASTER or VFIO_DEVICE_FEATURE_SET_MASTER
 *
 * SET only.  Turns the device's ability to start DMA off or on, for buses
 * where userspace cannot do that through config space (e.g. CDX).
 */
struct vfio_device_feature_bus_master {
	__u32 op;
#define		VFIO_DEVICE_FEATURE_CLEAR_MASTER	0
#define		VFIO_DEVICE_FEATURE_SET_MASTER		1
};

/* -------- Type1 IOMMU backend (container ioctls) -------- */

/**
 * struct vfio_iommu_type1_info - reply of VFIO_IOMMU_GET_INFO (type1)
 * @argsz: size of the structure as allocated by userspace; raised by the
 *	kernel when the capability chain does not fit
 * @flags: %VFIO_IOMMU_INFO_PGSIZES if @iova_pgsizes is valid,
 *	%VFIO_IOMMU_INFO_CAPS if a capability chain follows
 * @iova_pgsizes: bitmap of the page sizes the IOMMU can map; the smallest
 *	one is the granularity of VFIO_IOMMU_MAP_DMA
 * @cap_offset: offset of the first capability from the start of this
 *	structure, 0 if none
 * @pad: zero
 */
struct vfio_iommu_type1_info {
	__u32	argsz;
	__u32	flags;
#define VFIO_IOMMU_INFO_PGSIZES (1 << 0)
#define VFIO_IOMMU_INFO_CAPS	(1 << 1)
	__aligned_u64	iova_pgsizes;
	__u32   cap_offset;
	__u32   pad;
};

/* Capability: the IOVA ranges that can be mapped. */
#define VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE  1

/**
 * struct vfio_iova_range - an inclusive range of usable IOVAs
 * @start: first usable address
 * @end: last usable address
 */
struct vfio_iova_range {
	__u64	start;
	__u64	end;
};

/**
 * struct vfio_iommu_type1_info_cap_iova_range - IOVA ranges capability
 *	(VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE)
 * @header: id VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE, version 1
 * @nr_iovas: number of entries in @iova_ranges
 * @reserved: zero
 * @iova_ranges: usable ranges, sorted by address; the gaps between them are
 *	reserved (MSI windows, aperture limits, ...) and cannot be mapped
 */
struct vfio_iommu_type1_info_cap_iova_range {
	struct	vfio_info_cap_header header;
	__u32	nr_iovas;
	__u32	reserved;
	struct	vfio_iova_range iova_ranges[];
};

/* Capability: container-level dirty page tracking is available. */
#define VFIO_IOMMU_TYPE1_INFO_CAP_MIGRATION  2

/**
 * struct vfio_iommu_type1_info_cap_migration - dirty tracking capability
 *	(VFIO_IOMMU_TYPE1_INFO_CAP_MIGRATION)
 * @header: id VFIO_IOMMU_TYPE1_INFO_CAP_MIGRATION, version 1
 * @flags: zero
 * @pgsize_bitmap: page sizes a dirty bitmap may be requested in
 * @max_dirty_bitmap_size: largest bitmap, in bytes, one request may return
 *
 * Note the natural (not forced 8-byte) alignment of the 64-bit fields: on
 * 32-bit x86 @pgsize_bitmap starts at offset 12.
 */
struct vfio_iommu_type1_info_cap_migration {
	struct	vfio_info_cap_header header;
	__u32	flags;
	__u64	pgsize_bitmap;
	__u64	max_dirty_bitmap_size;
};

/* Capability: how many more DMA mappings the container may create. */
#define VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL 3

/**
 * struct vfio_iommu_type1_info_dma_avail - VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL
 * @header: id VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL, version 1
 * @avail: mappings still allowed before VFIO_IOMMU_MAP_DMA fails with
 *	ENOSPC (bounded by the dma_entry_limit module parameter)
 */
struct vfio_iommu_type1_info_dma_avail {
	struct	vfio_info_cap_header header;
	__u32	avail;
};

/*
 * VFIO_IOMMU_GET_INFO - _IO(VFIO_TYPE, VFIO_BASE + 12)
 * Argument: struct vfio_iommu_type1_info.
 */
#define VFIO_IOMMU_GET_INFO _IO(VFIO_TYPE, VFIO_BASE + 12)

/**
 * struct vfio_iommu_type1_dma_map - argument of VFIO_IOMMU_MAP_DMA
 * @argsz: size of the structure
 * @flags: %VFIO_DMA_MAP_FLAG_READ / %VFIO_DMA_MAP_FLAG_WRITE give the
 *	device read and/or write access.  %VFIO_DMA_MAP_FLAG_VADDR instead
 *	gives an existing mapping (same @iova and @size) a new process
 *	address, after VFIO_DMA_UNMAP_FLAG_VADDR invalidated the old one;
 *	this lets a process be replaced by exec without tearing down DMA
 * @vaddr: process virtual address of the memory to map
 * @iova: device-visible (I/O virtual) address to map it at
 * @size: length of the mapping in bytes
 *
 * All of @vaddr, @iova and @size must be multiples of the smallest IOMMU
 * page size.  The pages are pinned for as long as they are mapped.
 */
struct vfio_iommu_type1_dma_map {
	__u32	argsz;
	__u32	flags;
#define VFIO_DMA_MAP_FLAG_READ (1 << 0)
#define VFIO_DMA_MAP_FLAG_WRITE (1 << 1)
#define VFIO_DMA_MAP_FLAG_VADDR (1 << 2)
	__u64	vaddr;
	__u64	iova;
	__u64	size;
};

/*
 * VFIO_IOMMU_MAP_DMA - _IO(VFIO_TYPE, VFIO_BASE + 13)
 * Argument: struct vfio_iommu_type1_dma_map.
 */
#define VFIO_IOMMU_MAP_DMA _IO(VFIO_TYPE, VFIO_BASE + 13)

/**
 * struct vfio_bitmap - a userspace buffer receiving a dirty page bitmap
 * @pgsize: bytes of IOVA covered by each bit
 * @size: size of the buffer at @data, in bytes
 * @data: userspace buffer, one bit per page, bit 0 for the lowest IOVA
 */
struct vfio_bitmap {
	__u64        pgsize;
	__u64        size;
	__u64 __user *data;
};

/**
 * struct vfio_iommu_type1_dma_unmap - argument of VFIO_IOMMU_UNMAP_DMA
 * @argsz: size of the structure, including a struct vfio_bitmap in @data
 *	when VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP is set
 * @flags: VFIO_DMA_UNMAP_FLAG_*:
 *	%VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP - also return which pages of the
 *	range were dirtied, into the struct vfio_bitmap at @data;
 *	%VFIO_DMA_UNMAP_FLAG_ALL - unmap everything; @iova and @size must be 0;
 *	%VFIO_DMA_UNMAP_FLAG_VADDR - keep the mappings but forget their process
 *	addresses until VFIO_DMA_MAP_FLAG_VADDR supplies new ones
 * @iova: start of the range to unmap
 * @size: length of the range; set by the kernel to the number of bytes
 *	actually unmapped
 * @data: optional struct vfio_bitmap, see @flags
 *
 * A range may not cut an existing mapping in two.
 */
struct vfio_iommu_type1_dma_unmap {
	__u32	argsz;
	__u32	flags;
#define VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP (1 << 0)
#define VFIO_DMA_UNMAP_FLAG_ALL		     (1 << 1)
#define VFIO_DMA_UNMAP_FLAG_VADDR	     (1 << 2)
	__u64	iova;
	__u64	size;
	__u8    data[];
};

/*
 * VFIO_IOMMU_UNMAP_DMA - _IO(VFIO_TYPE, VFIO_BASE + 14)
 * Argument: struct vfio_iommu_type1_dma_unmap.
 */
#define VFIO_IOMMU_UNMAP_DMA _IO(VFIO_TYPE, VFIO_BASE + 14)

/*
 * VFIO_IOMMU_ENABLE / VFIO_IOMMU_DISABLE - _IO(VFIO_TYPE, VFIO_BASE + 15/16)
 * No argument.  Used by the SPAPR TCE v1 backend, where the container must
 * be enabled (and its locked memory accounted) before DMA; type1 has no
 * use for them.
 */
#define VFIO_IOMMU_ENABLE	_IO(VFIO_TYPE, VFIO_BASE + 15)
#define VFIO_IOMMU_DISABLE	_IO(VFIO_TYPE, VFIO_BASE + 16)

/**
 * struct vfio_iommu_type1_dirty_bitmap - argument of VFIO_IOMMU_DIRTY_PAGES
 * @argsz: size of the structure including @data
 * @flags: exactly one of VFIO_IOMMU_DIRTY_PAGES_FLAG_START (begin tracking
 *	pages pinned or mapped for DMA), _STOP (end tracking) and _GET_BITMAP
 *	(report and clear the dirty pages of a range)
 * @data: for _GET_BITMAP, a struct vfio_iommu_type1_dirty_bitmap_get
 *
 * Unless every device in the container reports the pages it uses by
 * pinning them, the backend cannot know what was written and reports every
 * mapped page as dirty: correct, but pessimistic.
 */
struct vfio_iommu_type1_dirty_bitmap {
	__u32        argsz;
	__u32        flags;
#define VFIO_IOMMU_DIRTY_PAGES_FLAG_START	(1 << 0)
#define VFIO_IOMMU_DIRTY_PAGES_FLAG_STOP	(1 << 1)
#define VFIO_IOMMU_DIRTY_PAGES_FLAG_GET_BITMAP	(1 << 2)
	__u8         data[];
};

/**
 * struct vfio_iommu_type1_dirty_bitmap_get - payload of _GET_BITMAP
 * @iova: start of the range
 * @size: length of the range in bytes; the range must cover whole
 *	mappings, none of them may be cut by it
 * @bitmap: where to store the bitmap; @bitmap.pgsize must be the smallest
 *	supported page size
 */
struct vfio_iommu_type1_dirty_bitmap_get {
	__u64              iova;
	__u64              size;
	struct vfio_bitmap bitmap;
};

/*
 * VFIO_IOMMU_DIRTY_PAGES - _IO(VFIO_TYPE, VFIO_BASE + 17)
 * Argument: struct vfio_iommu_type1_dirty_bitmap.
 */
#define VFIO_IOMMU_DIRTY_PAGES             _IO(VFIO_TYPE, VFIO_BASE + 17)

/* -------- SPAPR TCE IOMMU backend (POWER) -------- */

/**
 * struct vfio_iommu_spapr_tce_ddw_info - dynamic DMA window limits
 * @pgsizes: bitmap of IOMMU page sizes a window may use
 * @max_dynamic_windows_supported: how many windows may exist at once
 * @levels: largest number of TCE table levels a window may have
 */
struct vfio_iommu_spapr_tce_ddw_info {
	__u64 pgsizes;
	__u32 max_dynamic_windows_supported;
	__u32 levels;
};

/**
 * struct vfio_iommu_spapr_tce_info - reply of VFIO_IOMMU_SPAPR_TCE_GET_INFO
 * @argsz: size of the structure
 * @flags: %VFIO_IOMMU_SPAPR_INFO_DDW if @ddw is valid
 * @dma32_window_start: bus address of the default 32-bit DMA window
 * @dma32_window_size: size of that window in bytes
 * @ddw: limits for creating extra windows with VFIO_IOMMU_SPAPR_TCE_CREATE
 */
struct vfio_iommu_spapr_tce_info {
	__u32 argsz;
	__u32 flags;
#define VFIO_IOMMU_SPAPR_INFO_DDW	(1 << 0)
	__u32 dma32_window_start;
	__u32 dma32_window_size;
	struct vfio_iommu_spapr_tce_ddw_info ddw;
};

/*
 * VFIO_IOMMU_SPAPR_TCE_GET_INFO - _IO(VFIO_TYPE, VFIO_BASE + 12)
 * Argument: struct vfio_iommu_spapr_tce_info.  The SPAPR backend's
 * counterpart of VFIO_IOMMU_GET_INFO, with the same number.
 */
#define VFIO_IOMMU_SPAPR_TCE_GET_INFO	_IO(VFIO_TYPE, VFIO_BASE + 12)

/**
 * struct vfio_eeh_pe_err - error to inject with VFIO_EEH_PE_INJECT_ERR
 * @type: error type, as defined by the platform firmware (PAPR)
 * @func: error function, as defined by the platform firmware
 * @addr: address the error is tied to
 * @mask: mask applied to @addr
 */
struct vfio_eeh_pe_err {
	__u32 type;
	__u32 func;
	__u64 addr;
	__u64 mask;
};

/**
 * struct vfio_eeh_pe_op - argument of VFIO_EEH_PE_OP
 * @argsz: size of the structure
 * @flags: zero
 * @op: the operation, one of VFIO_EEH_PE_{DISABLE ... INJECT_ERR}
 * @err: details for VFIO_EEH_PE_INJECT_ERR
 *
 * Drives EEH recovery of the partitionable endpoint (PE) behind the
 * container.  For VFIO_EEH_PE_GET_STATE the ioctl returns a
 * VFIO_EEH_PE_STATE_* value.
 */
struct vfio_eeh_pe_op {
	__u32 argsz;
	__u32 flags;
	__u32 op;
	union {
		struct vfio_eeh_pe_err err;
	};
};

/* Operations for struct vfio_eeh_pe_op. */
#define VFIO_EEH_PE_DISABLE		0
#define VFIO_EEH_PE_ENABLE		1
#define VFIO_EEH_PE_UNFREEZE_IO		2
#define VFIO_EEH_PE_UNFREEZE_DMA	3
#define VFIO_EEH_PE_GET_STATE		4
/* Results of VFIO_EEH_PE_GET_STATE. */
#define  VFIO_EEH_PE_STATE_NORMAL	0
#define  VFIO_EEH_PE_STATE_RESET	1
#define  VFIO_EEH_PE_STATE_STOPPED	2
#define  VFIO_EEH_PE_STATE_STOPPED_DMA	4
#define  VFIO_EEH_PE_STATE_UNAVAIL	5
#define VFIO_EEH_PE_RESET_DEACTIVATE	5
#define VFIO_EEH_PE_RESET_HOT		6
#define VFIO_EEH_PE_RESET_FUNDAMENTAL	7
#define VFIO_EEH_PE_CONFIGURE		8
#define VFIO_EEH_PE_INJECT_ERR		9

/*
 * VFIO_EEH_PE_OP - _IO(VFIO_TYPE, VFIO_BASE + 21)
 * Argument: struct vfio_eeh_pe_op.  Issued on a container.
 */
#define VFIO_EEH_PE_OP			_IO(VFIO_TYPE, VFIO_BASE + 21)

/**
 * struct vfio_iommu_spapr_register_memory - argument of
 *	VFIO_IOMMU_SPAPR_REGISTER_MEMORY and _UNREGISTER_MEMORY
 * @argsz: size of the structure
 * @flags: zero
 * @vaddr: process virtual address of the memory, page aligned
 * @size: length in bytes, page aligned
 *
 * SPAPR v2 pins guest memory once, up front, so that the hypervisor can
 * later install TCEs for it in real mode without taking page faults.
 * Unregistering takes the exact same range.
 */
struct vfio_iommu_spapr_register_memory {
	__u32	argsz;
	__u32	flags;
	__u64	vaddr;
	__u64	size;
};

/*
 * VFIO_IOMMU_SPAPR_REGISTER_MEMORY - _IO(VFIO_TYPE, VFIO_BASE + 17)
 * VFIO_IOMMU_SPAPR_UNREGISTER_MEMORY - _IO(VFIO_TYPE, VFIO_BASE + 18)
 * Argument: struct vfio_iommu_spapr_register_memory.
 */
#define VFIO_IOMMU_SPAPR_REGISTER_MEMORY	_IO(VFIO_TYPE, VFIO_BASE + 17)
#define VFIO_IOMMU_SPAPR_UNREGISTER_MEMORY	_IO(VFIO_TYPE, VFIO_BASE + 18)

/**
 * struct vfio_iommu_spapr_tce_create - argument of VFIO_IOMMU_SPAPR_TCE_CREATE
 * @argsz: size of the structure
 * @flags: zero
 * @page_shift: log2 of the IOMMU page size of the new window
 * @__resv1: zero
 * @window_size: size of the new window in bytes
 * @levels: number of levels of the TCE table backing the window
 * @__resv2: zero
 * @start_addr: set by the kernel: bus address where the window starts
 */
struct vfio_iommu_spapr_tce_create {
	__u32 argsz;
	__u32 flags;
	__u32 page_shift;
	__u32 __resv1;
	__u64 window_size;
	__u32 levels;
	__u32 __resv2;
	__u64 start_addr;
};

/*
 * VFIO_IOMMU_SPAPR_TCE_CREATE - _IO(VFIO_TYPE, VFIO_BASE + 19)
 * Argument: struct vfio_iommu_spapr_tce_create.
 */
#define VFIO_IOMMU_SPAPR_TCE_CREATE	_IO(VFIO_TYPE, VFIO_BASE + 19)

/**
 * struct vfio_iommu_spapr_tce_remove - argument of VFIO_IOMMU_SPAPR_TCE_REMOVE
 * @argsz: size of the structure
 * @flags: zero
 * @start_addr: bus address of the window to remove, as returned at creation
 */
struct vfio_iommu_spapr_tce_remove {
	__u32 argsz;
	__u32 flags;
	__u64 start_addr;
};

/*
 * VFIO_IOMMU_SPAPR_TCE_REMOVE - _IO(VFIO_TYPE, VFIO_BASE + 20)
 * Argument: struct vfio_iommu_spapr_tce_remove.
 */
#define VFIO_IOMMU_SPAPR_TCE_REMOVE	_IO(VFIO_TYPE, VFIO_BASE + 20)

/* ======== Extensions of this tree: not defined by Linux ======== */

/*
 * Everything between this banner and the closing one below exists only in
 * this tree; everything outside it is Linux's ABI, unchanged.  The values
 * are picked far from the ranges Linux allocates from (flag bits count up
 * from bit 0, capability ids up from 1), so that a program built against
 * this header means the same thing on Linux and merely finds the
 * extensions absent there.  Documentation/vfio.rst describes them.
 *
 * Platform devices have no configuration space to describe themselves:
 * their regions come from a device tree node's "reg" property and their
 * interrupts from its "interrupts".  The device-tree capabilities tell
 * userspace which node and which entry of which property a region or an
 * interrupt index stands for, so it need not guess from the index.
 */

/*
 * Region capability: the region is one entry of a device tree node's
 * address property.  Reported by vfio-platform and vfio-amba.
 */
#define VFIO_REGION_INFO_CAP_DT		0xfd01

/**
 * struct vfio_region_info_cap_dt - VFIO_REGION_INFO_CAP_DT
 * @header: id VFIO_REGION_INFO_CAP_DT, version 1
 * @entry: which entry of @property the region is, counting from 0; for
 *	"reg" the entry's address and size cells are the region's bus
 *	address and size
 * @reserved: zero
 * @property: NUL-terminated name of the property, "reg"
 * @path: NUL-terminated full path of the node, as found under
 *	/proc/device-tree (e.g. "/pl031@9010000"); the capability's size
 *	covers it, padded to a multiple of 8 bytes
 */
struct vfio_region_info_cap_dt {
	struct vfio_info_cap_header header;
	__u32	entry;
	__u32	reserved;
	char	property[32];
	char	path[];
};

/*
 * VFIO_DEVICE_GET_IRQ_INFO may reply with a capability chain.  Linux's
 * struct vfio_irq_info has no room for a cap_offset; struct
 * vfio_irq_info_ext is the same structure with one appended.  A caller
 * whose argsz covers only struct vfio_irq_info gets exactly Linux's
 * reply: no VFIO_IRQ_INFO_FLAG_CAPS, argsz left alone, nothing written
 * past it.
 */
#define VFIO_IRQ_INFO_FLAG_CAPS		(1 << 16)

/**
 * struct vfio_irq_info_ext - VFIO_DEVICE_GET_IRQ_INFO with capabilities
 * @argsz: size of the caller's buffer; at least
 *	sizeof(struct vfio_irq_info_ext) to be offered the chain, which then
 *	starts at @cap_offset.  Raised by the kernel when the chain does not
 *	fit, with @cap_offset left 0, so the caller can retry with a larger
 *	buffer
 * @flags: as in struct vfio_irq_info, plus VFIO_IRQ_INFO_FLAG_CAPS when a
 *	chain exists
 * @index: as in struct vfio_irq_info
 * @count: as in struct vfio_irq_info
 * @cap_offset: offset of the first capability from the start of this
 *	structure, 0 if none
 * @reserved: zero; keeps the chain 8-byte aligned
 */
struct vfio_irq_info_ext {
	__u32	argsz;
	__u32	flags;
	__u32	index;
	__u32	count;
	__u32	cap_offset;
	__u32	reserved;
};

/*
 * IRQ capability: the interrupt index is one entry of a device tree
 * node's interrupt property.  Reported by vfio-platform and vfio-amba.
 */
#define VFIO_IRQ_INFO_CAP_DT		0xfd02

/**
 * struct vfio_irq_info_cap_dt - VFIO_IRQ_INFO_CAP_DT
 * @header: id VFIO_IRQ_INFO_CAP_DT, version 1
 * @entry: which interrupt specifier of @property the index is, counting
 *	from 0
 * @type: trigger type and polarity as the interrupt controller decoded
 *	them from the specifier: one of VFIO_IRQ_DT_TYPE_*, 0 if unknown.
 *	The values are those of the device tree's interrupt type flags
 *	(IRQ_TYPE_* of <dt-bindings/interrupt-controller/irq.h>)
 * @property: NUL-terminated name of the property, "interrupts" or
 *	"interrupts-extended"
 * @path: NUL-terminated full path of the node, as for
 *	struct vfio_region_info_cap_dt
 */
struct vfio_irq_info_cap_dt {
	struct vfio_info_cap_header header;
	__u32	entry;
	__u32	type;
#define VFIO_IRQ_DT_TYPE_EDGE_RISING	(1 << 0)
#define VFIO_IRQ_DT_TYPE_EDGE_FALLING	(1 << 1)
#define VFIO_IRQ_DT_TYPE_LEVEL_HIGH	(1 << 2)
#define VFIO_IRQ_DT_TYPE_LEVEL_LOW	(1 << 3)
	char	property[32];
	char	path[];
};

/* ======== End of the extensions of this tree ======== */

#ifdef __VFIO_UAPI_EMPTY_USER
#undef __user
#undef __VFIO_UAPI_EMPTY_USER
#endif

#endif /* _UAPI_VFIO_H */
