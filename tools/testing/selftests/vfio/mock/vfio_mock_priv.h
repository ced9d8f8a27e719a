/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Internals of the vfio_mock test module.
 *
 * Lock order, outermost first:
 *   the core's device-set lock (held around open_device/close_device)
 *   vfio_mock_device.lock / vfio_mock_pci_device.lock
 *   vfio_mock_irq.lock
 * The IRQ spinlock is innermost because the unmask eventfd's work item
 * takes it while vfio_virqfd_disable(), called under the device mutex,
 * waits for that work item.
 */
#ifndef VFIO_MOCK_PRIV_H
#define VFIO_MOCK_PRIV_H

#include <linux/atomic.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/vfio.h>

#include "vfio_mock.h"

struct dentry;
struct eventfd_ctx;

/**
 * struct vfio_mock_irq - one emulated interrupt vector
 * @lock: protects @trigger, @masked and @pending; taken by the unmask
 *	  eventfd's work item, so never sleep under it
 * @trigger: eventfd signalled when the vector fires, or NULL
 * @unmask: virqfd that unmasks the vector when its eventfd is signalled;
 *	    set and cleared under the owning device's mutex
 * @maskable: whether ACTION_MASK/ACTION_UNMASK apply; fixed at init
 * @masked: delivery is held back
 * @pending: the vector fired while masked
 */
struct vfio_mock_irq {
	spinlock_t lock; /* see above */
	struct eventfd_ctx *trigger;
	struct virqfd *unmask;
	bool maskable;
	bool masked;
	bool pending;
};

/**
 * struct vfio_mock_counters - what the tests read back through debugfs
 * @open: open_device calls
 * @close: close_device calls
 * @reset: VFIO_DEVICE_RESET calls
 * @request: request calls
 */
struct vfio_mock_counters {
	atomic_t open;
	atomic_t close;
	atomic_t reset;
	atomic_t request;
};

/**
 * struct vfio_mock_device - an emulated or no-IOMMU platform device
 * @vdev: the core's part; must stay first for vfio_alloc_device()
 * @lock: serialises interrupt configuration, read/write and reset, so
 *	  a reader never sees a half-cleared region
 * @ram: backing memory of each region, from vmalloc_user() so that it
 *	 can be mapped
 * @irq: the interrupt vectors, by index
 * @counters: bookkeeping for the tests
 * @debugfs: this device's debugfs directory
 */
struct vfio_mock_device {
	struct vfio_device vdev;
	struct mutex lock; /* see above */
	void *ram[VFIO_MOCK_NUM_REGIONS];
	struct vfio_mock_irq irq[VFIO_MOCK_NUM_IRQS];
	struct vfio_mock_counters counters;
	struct dentry *debugfs;
};

/* vfio_mock_main.c */
extern struct dentry *vfio_mock_debugfs_root;
struct dentry *vfio_mock_debugfs_add(struct device *dev,
				     struct vfio_mock_counters *counters);

/* vfio_mock_iommu.c */
int vfio_mock_iommu_register(void);
void vfio_mock_iommu_unregister(void);

/* vfio_mock_core.c */
extern const u32 vfio_mock_region_bytes[VFIO_MOCK_NUM_REGIONS];
extern struct platform_driver vfio_mock_driver;
extern struct platform_driver vfio_mock_noiommu_driver;

/* vfio_mock_rdwr.c */
ssize_t vfio_mock_read(struct vfio_device *vdev, char __user *buf,
		       size_t count, loff_t *ppos);
ssize_t vfio_mock_write(struct vfio_device *vdev, const char __user *buf,
			size_t count, loff_t *ppos);
int vfio_mock_mmap(struct vfio_device *vdev, struct vm_area_struct *vma);

/* vfio_mock_intrs.c */
void vfio_mock_irq_init(struct vfio_mock_irq *irq, bool maskable);
void vfio_mock_irq_raise(struct vfio_mock_irq *irq);
void vfio_mock_irq_reset(struct vfio_mock_irq *irq);
void vfio_mock_irq_release(struct vfio_mock_irq *irq);
long vfio_mock_set_irqs(struct vfio_irq_set *hdr, void __user *uarg,
			struct vfio_mock_irq *irq, int vectors,
			int max_irq_type);

/* vfio_mock_pci.c */
extern struct pci_driver vfio_mock_pci_driver;

#endif /* VFIO_MOCK_PRIV_H */
