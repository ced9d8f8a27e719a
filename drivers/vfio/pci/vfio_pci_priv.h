/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Private to vfio-pci-core: how its files call each other.
 *
 *   vfio_pci_core.c    life cycle, ioctls, region dispatch, mmap, resets
 *   vfio_pci_config.c  the virtualized config space
 *   vfio_pci_intrs.c   INTx, MSI, MSI-X, ERR and REQ
 *   vfio_pci_rdwr.c    BAR, ROM and VGA access, ioeventfds
 *   vfio_pci_reset.c   slot and bus resets, VFIO_DEVICE_PCI_HOT_RESET
 *   vfio_pci_sriov.c   VFs, the VF token, sriov_configure
 *
 * Lock order (outermost first)
 *   1. vfio_device_set.lock (the VFIO core's; open, close, hot reset)
 *   2. vfio_pci_core_device.igate
 *   3. mmap_lock of a user's mm (page faults on a BAR mapping)
 *   4. vfio_pci_core_device.memory_lock
 *   5. vfio_pci_core_device.irqlock, ioeventfds_lock (never nested)
 * A BAR access copies to or from the user outside memory_lock: a fault on
 * the user buffer may need memory_lock itself.
 */
#ifndef VFIO_PCI_PRIV_H
#define VFIO_PCI_PRIV_H

#include <linux/vfio_pci_core.h>

/* Upper bound on ioeventfds per device, to bound kernel memory. */
#define VFIO_PCI_IOEVENTFD_MAX		1000

/* A ROM the platform shadowed in RAM is shown as a 128 KiB ROM BAR. */
#define VFIO_PCI_SHADOW_ROM_SIZE	0x20000

/* No BAR holds the MSI-X table. */
#define VFIO_PCI_NO_MSIX_BAR		0xff

/**
 * struct vfio_pci_ioeventfd - one VFIO_DEVICE_IOEVENTFD entry
 * @next: entry in vfio_pci_core_device.ioeventfds_list
 * @vdev: the device
 * @virqfd: watches the user's eventfd
 * @addr: where in the BAR mapping the value is written
 * @data: the value
 * @pos: offset in the BAR
 * @bar: the BAR
 * @count: width of the write in bytes
 * @test_mem: the BAR is memory: skip the write while decode is off
 */
struct vfio_pci_ioeventfd {
	struct list_head next;
	struct vfio_pci_core_device *vdev;
	struct virqfd *virqfd;
	void __iomem *addr;
	u64 data;
	loff_t pos;
	int bar;
	int count;
	bool test_mem;
};

/* vfio_pci_core.c */
void vfio_pci_zap_bars(struct vfio_pci_core_device *vdev);
int vfio_pci_set_power_state(struct vfio_pci_core_device *vdev,
			     pci_power_t state);
void vfio_pci_zap_and_down_write_memory_lock(struct vfio_pci_core_device *vdev);
u16 vfio_pci_memory_lock_and_enable(struct vfio_pci_core_device *vdev);
void vfio_pci_memory_unlock_and_restore(struct vfio_pci_core_device *vdev,
					u16 cmd);
int vfio_pci_eventfd_replace_locked(struct vfio_pci_core_device *vdev,
				    struct vfio_pci_eventfd __rcu **peventfd,
				    struct eventfd_ctx *ctx);

/* vfio_pci_config.c */
int vfio_config_init(struct vfio_pci_core_device *vdev);
void vfio_config_free(struct vfio_pci_core_device *vdev);
ssize_t vfio_pci_config_rw(struct vfio_pci_core_device *vdev,
			   char __user *buf, size_t count, loff_t *ppos,
			   bool iswrite);
bool __vfio_pci_memory_enabled(struct vfio_pci_core_device *vdev);

/* vfio_pci_intrs.c */
int vfio_pci_get_irq_count(struct vfio_pci_core_device *vdev,
			   unsigned int index);
int vfio_pci_set_irqs_ioctl(struct vfio_pci_core_device *vdev, u32 flags,
			    unsigned int index, unsigned int start,
			    unsigned int count, void *data);
bool vfio_pci_intx_mask(struct vfio_pci_core_device *vdev);
void vfio_pci_intx_unmask(struct vfio_pci_core_device *vdev);

/* vfio_pci_reset.c */
long vfio_pci_core_get_pci_hot_reset_info(void *owner,
					  struct vfio_ioctl_call *call);
long vfio_pci_core_pci_hot_reset(void *owner, struct vfio_ioctl_call *call);
void vfio_pci_dev_set_try_reset(struct vfio_device_set *dev_set);

/* vfio_pci_sriov.c */
int vfio_pci_vf_init(struct vfio_pci_core_device *vdev);
void vfio_pci_vf_uninit(struct vfio_pci_core_device *vdev);
void vfio_pci_vf_token_use(struct vfio_pci_core_device *vdev, bool open);
int vfio_pci_feature_vf_token(struct vfio_pci_core_device *vdev, u32 flags,
			      uuid_t __user *arg, size_t argsz);

/* vfio_pci_rdwr.c */
ssize_t vfio_pci_bar_rw(struct vfio_pci_core_device *vdev, char __user *buf,
			size_t count, loff_t *ppos, bool iswrite);
ssize_t vfio_pci_vga_rw(struct vfio_pci_core_device *vdev, char __user *buf,
			size_t count, loff_t *ppos, bool iswrite);
int vfio_pci_ioeventfd(struct vfio_pci_core_device *vdev, loff_t offset,
		       u64 data, int count, int fd);
void vfio_pci_ioeventfd_remove_all(struct vfio_pci_core_device *vdev);

static inline struct vfio_pci_core_device *
to_vfio_pci_core(struct vfio_device *core_vdev)
{
	return container_of(core_vdev, struct vfio_pci_core_device, vdev);
}

static inline bool vfio_pci_is_vga(struct pci_dev *pdev)
{
	return (pdev->class >> 8) == PCI_CLASS_DISPLAY_VGA;
}

/* Size of a ROM BAR as the user sees it: the BAR, or the shadow copy. */
static inline resource_size_t vfio_pci_rom_size(struct pci_dev *pdev)
{
	if (pci_resource_start(pdev, PCI_ROM_RESOURCE))
		return pci_resource_len(pdev, PCI_ROM_RESOURCE);
	if (pdev->resource[PCI_ROM_RESOURCE].flags & IORESOURCE_ROM_SHADOW)
		return VFIO_PCI_SHADOW_ROM_SIZE;
	return 0;
}

/*
 * pci_power_t is a sparse-checked type; the states are ordered by depth
 * (D0 < D1 < D2 < D3hot < D3cold), which is what callers compare.
 */
static inline int vfio_pci_power_depth(pci_power_t state)
{
	return (__force int)state;
}

#endif /* VFIO_PCI_PRIV_H */
