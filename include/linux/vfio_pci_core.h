/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vfio-pci-core: what a PCI bus driver for VFIO is built from.
 *
 * The plain vfio-pci driver and device-specific variant drivers embed a
 * struct vfio_pci_core_device, point their struct vfio_device_ops at the
 * vfio_pci_core_* callbacks below (overriding the ones they need to), and
 * register through vfio_pci_core_register_device().  The core does the
 * rest: regions, the virtualized config space, interrupts and resets.
 *
 * Device fd layout: region N lives at file offset N << 40
 * (VFIO_PCI_INDEX_TO_OFFSET), so 1 TiB per region.  Regions 0-8 are the
 * fixed vfio-pci indexes of the uAPI; a driver may add more with
 * vfio_pci_core_register_dev_region().
 */
#ifndef VFIO_PCI_CORE_H
#define VFIO_PCI_CORE_H

#include <linux/io.h>
#include <linux/io-64-nonatomic-lo-hi.h>
#include <linux/irqbypass.h>
#include <linux/mutex.h>
#include <linux/notifier.h>
#include <linux/pci.h>
#include <linux/rcupdate.h>
#include <linux/rwsem.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/vfio.h>
#include <linux/xarray.h>

#define VFIO_PCI_OFFSET_SHIFT		40
#define VFIO_PCI_OFFSET_TO_INDEX(off)	((off) >> VFIO_PCI_OFFSET_SHIFT)
#define VFIO_PCI_INDEX_TO_OFFSET(index)	((u64)(index) << VFIO_PCI_OFFSET_SHIFT)
#define VFIO_PCI_OFFSET_MASK		(((u64)1 << VFIO_PCI_OFFSET_SHIFT) - 1)

struct inode;
struct vfio_pci_cap_instance;
struct vfio_pci_core_device;
struct vfio_pci_region;
struct vfio_pci_vf_token;

/**
 * struct vfio_pci_eventfd - an eventfd the user gave for ERR or REQ
 * @ctx: the eventfd
 * @rcu: frees the wrapper after readers in atomic context are done
 */
struct vfio_pci_eventfd {
	struct eventfd_ctx *ctx;
	struct rcu_head rcu;
};

/**
 * struct vfio_pci_regops - how a device-specific region is accessed
 * @rw: read(2)/write(2) on the region; *ppos is the device fd offset
 * @release: the device is being closed; free @region's data
 * @mmap: optional; map the region, if its flags say it may be
 * @add_capability: optional; append capabilities to the region's info
 *		    after the VFIO_REGION_INFO_CAP_TYPE the core adds
 */
struct vfio_pci_regops {
	ssize_t (*rw)(struct vfio_pci_core_device *vdev, char __user *buf,
		      size_t count, loff_t *ppos, bool iswrite);
	void (*release)(struct vfio_pci_core_device *vdev,
			struct vfio_pci_region *region);
	int (*mmap)(struct vfio_pci_core_device *vdev,
		    struct vfio_pci_region *region,
		    struct vm_area_struct *vma);
	int (*add_capability)(struct vfio_pci_core_device *vdev,
			      struct vfio_pci_region *region,
			      struct vfio_info_cap *caps);
};

/**
 * struct vfio_pci_region - a device-specific region after the fixed ones
 * @type: VFIO_REGION_TYPE_*, reported through VFIO_REGION_INFO_CAP_TYPE
 * @subtype: VFIO_REGION_SUBTYPE_*
 * @ops: how the region is accessed
 * @data: the driver's cookie
 * @size: region size in bytes
 * @flags: VFIO_REGION_INFO_FLAG_* reported to the user
 */
struct vfio_pci_region {
	u32 type;
	u32 subtype;
	const struct vfio_pci_regops *ops;
	void *data;
	size_t size;
	u32 flags;
};

/**
 * struct vfio_pci_core_device - a PCI device handed to userspace
 * @vdev: the VFIO core's part; must stay first
 * @pdev: the PCI device
 * @inode: the address space every BAR mmap of this device hangs off, so
 *	   that exactly this device's mappings can be zapped
 * @barmap: kernel mappings of the BARs the user touched, with the
 *	    regions requested; undone at close
 * @bar_mmap_supported: the BAR is memory and page-aligned, so the user
 *			may mmap it
 * @dummy_resources_list: resources that pad sub-page BARs to a full page,
 *			  so no other device can land in a page the user maps
 * @memory_lock: protects the decode state the user's accesses depend on:
 *		 the virtual memory enable bit, the power state and resets.
 *		 Readers: BAR read/write, mmap faults, ioeventfds.  Writers
 *		 zap the mmaps first.  Nests inside mmap_lock and igate.
 * @pci_config_map: per config byte, the index of the capability instance
 *		    in @caps covering it (see vfio_pci_config.c)
 * @caps: the capability instances found at open, header first
 * @nr_caps: number of entries in @caps
 * @vconfig: our copy of config space: what the user sees of virtualized
 *	     bits
 * @rbar: BAR and ROM BAR values at open, to restore after a reset the
 *	  device did behind our back
 * @bardirty: the user wrote a BAR; recompute the sizing masks on read
 * @extended_caps: the device has an extended capability list
 * @igate: serialises interrupt setup (SET_IRQS, config-space INTx disable,
 *	   ERR/REQ eventfds)
 * @irqlock: protects the INTx mask state against the interrupt handler
 * @ctx: per-vector interrupt contexts of the enabled index, by vector
 * @irq_type: the enabled interrupt index, or VFIO_PCI_NUM_IRQS for none
 * @virq_disabled: the user set INTx disable in the virtual command register
 * @pci_2_3: INTx can be masked at the device (PCI 2.3 DisINTx + status)
 * @nointx: INTx is hidden from the user (broken masking); DisINTx stays set
 * @msi_qmax: log2 of the MSI vectors enabled, reported in Multiple Message
 *	      Capable of the virtual MSI capability
 * @msix_bar: BAR holding the MSI-X table, 0xff if none
 * @msix_offset: offset of the MSI-X table in @msix_bar
 * @msix_size: size of the MSI-X table in bytes
 * @has_dyn_msix: MSI-X vectors can be added while others are in use
 * @msix_mappable: interrupts are isolated (remapped), so the user may mmap
 *		   the MSI-X table: writing it cannot reach other devices'
 *		   interrupts.  Otherwise the table is left out of BAR mmaps.
 * @err_trigger: eventfd for VFIO_PCI_ERR_IRQ_INDEX (RCU, under @igate)
 * @req_trigger: eventfd for VFIO_PCI_REQ_IRQ_INDEX (RCU, under @igate)
 * @num_regions: number of device-specific regions
 * @region: the device-specific regions
 * @reset_works: a function reset worked at open; VFIO_DEVICE_RESET is
 *		 offered
 * @needs_reset: the device was used and not reset since; a bus reset of
 *		 the idle device set will be attempted
 * @needs_pm_restore: the device loses its state on D3hot->D0
 * @disable_idle_d3: do not put the idle device in D3hot
 * @has_vga: the VGA region is offered
 * @pci_saved_state: config state at open, restored at close
 * @pm_save: config state saved on entering D3hot, for @needs_pm_restore
 * @ioeventfds_lock: protects @ioeventfds_list and @ioeventfds_nr
 * @ioeventfds_list: the VFIO_DEVICE_IOEVENTFD entries
 * @ioeventfds_nr: number of entries in @ioeventfds_list
 * @vf_token: SR-IOV PF only: the token VF users must present
 * @sriov_pfs_item: entry in the list of PFs that enabled SR-IOV through us
 * @sriov_pf_core_dev: VF only: the PF's device, if the PF is ours
 * @sriov_active: the PF has VFs enabled; it must stay in D0
 * @nb: PF only: bus notifier that claims new VFs for this driver
 */
struct vfio_pci_core_device {
	struct vfio_device vdev;
	struct pci_dev *pdev;
	struct inode *inode;

	void __iomem *barmap[PCI_STD_NUM_BARS];
	bool bar_mmap_supported[PCI_STD_NUM_BARS];
	struct list_head dummy_resources_list;
	struct rw_semaphore memory_lock;

	u8 *pci_config_map;
	struct vfio_pci_cap_instance *caps;
	unsigned int nr_caps;
	u8 *vconfig;
	u32 rbar[7];
	bool bardirty;
	bool extended_caps;

	struct mutex igate; /* see above */
	spinlock_t irqlock; /* see above */
	struct xarray ctx;
	int irq_type;
	bool virq_disabled;
	bool pci_2_3;
	bool nointx;
	u8 msi_qmax;
	u8 msix_bar;
	u32 msix_offset;
	u16 msix_size;
	bool has_dyn_msix;
	bool msix_mappable;
	struct vfio_pci_eventfd __rcu *err_trigger;
	struct vfio_pci_eventfd __rcu *req_trigger;

	int num_regions;
	struct vfio_pci_region *region;

	bool reset_works;
	bool needs_reset;
	bool needs_pm_restore;
	bool disable_idle_d3;
	bool has_vga;
	struct pci_saved_state *pci_saved_state;
	struct pci_saved_state *pm_save;

	struct mutex ioeventfds_lock; /* see above */
	struct list_head ioeventfds_list;
	int ioeventfds_nr;

	struct vfio_pci_vf_token *vf_token;
	struct list_head sriov_pfs_item;
	struct vfio_pci_core_device *sriov_pf_core_dev;
	bool sriov_active;
	struct notifier_block nb;
};

/**
 * enum vfio_pci_io_width - widest single access vfio_pci_core_do_io_rw()
 *			    may use
 * @VFIO_PCI_IO_WIDTH_1: bytes only
 * @VFIO_PCI_IO_WIDTH_2: up to 16 bits
 * @VFIO_PCI_IO_WIDTH_4: up to 32 bits
 * @VFIO_PCI_IO_WIDTH_8: up to 64 bits
 */
enum vfio_pci_io_width {
	VFIO_PCI_IO_WIDTH_1 = 1,
	VFIO_PCI_IO_WIDTH_2 = 2,
	VFIO_PCI_IO_WIDTH_4 = 4,
	VFIO_PCI_IO_WIDTH_8 = 8,
};

/* Life cycle: struct vfio_device_ops callbacks and registration */
int vfio_pci_core_init_dev(struct vfio_device *core_vdev);
void vfio_pci_core_release_dev(struct vfio_device *core_vdev);
int vfio_pci_core_register_device(struct vfio_pci_core_device *vdev);
void vfio_pci_core_unregister_device(struct vfio_pci_core_device *vdev);
int vfio_pci_core_enable(struct vfio_pci_core_device *vdev);
void vfio_pci_core_finish_enable(struct vfio_pci_core_device *vdev);
void vfio_pci_core_disable(struct vfio_pci_core_device *vdev);
void vfio_pci_core_close_device(struct vfio_device *core_vdev);
void vfio_pci_core_set_params(bool nointxmask, bool is_disable_vga,
			      bool is_disable_idle_d3);

/* The device fd */
long vfio_pci_core_ioctl(struct vfio_device *core_vdev, unsigned int cmd,
			 unsigned long arg);
int vfio_pci_core_ioctl_feature(struct vfio_device *device, u32 flags,
				void __user *arg, size_t argsz);
ssize_t vfio_pci_core_read(struct vfio_device *core_vdev, char __user *buf,
			   size_t count, loff_t *ppos);
ssize_t vfio_pci_core_write(struct vfio_device *core_vdev,
			    const char __user *buf, size_t count,
			    loff_t *ppos);
int vfio_pci_core_mmap(struct vfio_device *core_vdev,
		       struct vm_area_struct *vma);
void vfio_pci_core_request(struct vfio_device *core_vdev,
			   unsigned int count);
int vfio_pci_core_match(struct vfio_device *core_vdev, char *buf);

/* Device-specific regions */
int vfio_pci_core_register_dev_region(struct vfio_pci_core_device *vdev,
				      unsigned int type, unsigned int subtype,
				      const struct vfio_pci_regops *ops,
				      size_t size, u32 flags, void *data);

/* PCI driver glue */
extern const struct pci_error_handlers vfio_pci_core_err_handlers;
pci_ers_result_t vfio_pci_core_aer_err_detected(struct pci_dev *pdev,
						pci_channel_state_t state);
int vfio_pci_core_sriov_configure(struct vfio_pci_core_device *vdev,
				  int nr_virtfn);

/* BAR access for drivers with regions of their own */
int vfio_pci_core_setup_barmap(struct vfio_pci_core_device *vdev, int bar);
ssize_t vfio_pci_core_do_io_rw(struct vfio_pci_core_device *vdev,
			       bool test_mem, void __iomem *io,
			       char __user *buf, loff_t off, size_t count,
			       size_t x_start, size_t x_end, bool iswrite,
			       enum vfio_pci_io_width max_width);
int vfio_pci_core_ioread8(struct vfio_pci_core_device *vdev, bool test_mem,
			  u8 *val, void __iomem *io);
int vfio_pci_core_ioread16(struct vfio_pci_core_device *vdev, bool test_mem,
			   u16 *val, void __iomem *io);
int vfio_pci_core_ioread32(struct vfio_pci_core_device *vdev, bool test_mem,
			   u32 *val, void __iomem *io);
int vfio_pci_core_iowrite8(struct vfio_pci_core_device *vdev, bool test_mem,
			   u8 val, void __iomem *io);
int vfio_pci_core_iowrite16(struct vfio_pci_core_device *vdev, bool test_mem,
			    u16 val, void __iomem *io);
int vfio_pci_core_iowrite32(struct vfio_pci_core_device *vdev, bool test_mem,
			    u32 val, void __iomem *io);
#ifdef iowrite64
int vfio_pci_core_ioread64(struct vfio_pci_core_device *vdev, bool test_mem,
			   u64 *val, void __iomem *io);
int vfio_pci_core_iowrite64(struct vfio_pci_core_device *vdev, bool test_mem,
			    u64 val, void __iomem *io);
#endif

#endif /* VFIO_PCI_CORE_H */
