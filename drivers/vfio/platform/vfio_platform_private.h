/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Private to the vfio-platform modules: the shared core (vfio-platform-base),
 * its bus front ends (vfio-platform, vfio-amba) and the reset handlers.
 *
 * A front end fills in a struct vfio_platform_device with what only the
 * bus knows (how to find the Nth memory resource and the Nth interrupt,
 * which VFIO_DEVICE_FLAGS_* bit names the bus) and hands it to
 * vfio_platform_init_common(); the core does everything else.
 *
 * Lock order (outermost first)
 *   1. vfio_device_set.lock (the core's, held around open and close)
 *   2. vfio_platform_device.igate
 *   3. vfio_platform_irq.lock (a spinlock, also taken in hard IRQ context)
 * The reset registry's lock is never held while calling out.
 */
#ifndef VFIO_PLATFORM_PRIVATE_H
#define VFIO_PLATFORM_PRIVATE_H

#include <linux/interrupt.h>
#include <linux/ioport.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/vfio.h>

/*
 * The device fd is split into one window per region: the top bits of the
 * file offset select the region, the rest is the offset inside it.
 */
#define VFIO_PLATFORM_OFFSET_SHIFT	40
#define VFIO_PLATFORM_OFFSET_MASK	((1ULL << VFIO_PLATFORM_OFFSET_SHIFT) - 1)
#define VFIO_PLATFORM_OFFSET_TO_INDEX(off)	\
	((off) >> VFIO_PLATFORM_OFFSET_SHIFT)
#define VFIO_PLATFORM_INDEX_TO_OFFSET(index)	\
	((u64)(index) << VFIO_PLATFORM_OFFSET_SHIFT)

/**
 * enum vfio_platform_region_type - where a region lives
 * @VFIO_PLATFORM_REGION_MMIO: memory-mapped registers
 * @VFIO_PLATFORM_REGION_PIO: I/O ports (architectures that have them)
 */
enum vfio_platform_region_type {
	VFIO_PLATFORM_REGION_MMIO,
	VFIO_PLATFORM_REGION_PIO,
};

/**
 * struct vfio_platform_region - one memory or I/O resource of the device
 * @addr: bus address of the first byte
 * @size: length in bytes
 * @flags: VFIO_REGION_INFO_FLAG_* reported to userspace
 * @type: MMIO or port I/O
 * @ioaddr: the kernel mapping of an MMIO region, made on first access and
 *	    kept until the device is closed (under the device set's lock for
 *	    unmapping, by cmpxchg for mapping)
 */
struct vfio_platform_region {
	u64 addr;
	resource_size_t size;
	u32 flags;
	enum vfio_platform_region_type type;
	void __iomem *ioaddr;
};

struct vfio_platform_device;

/**
 * struct vfio_platform_irq - one interrupt line of the device
 * @vdev: the device the line belongs to
 * @hwirq: the Linux IRQ number
 * @flags: VFIO_IRQ_INFO_* reported to userspace
 * @count: 1: every platform index has exactly one vector
 * @level: level triggered; such a line is masked when it fires and stays
 *	   masked until userspace unmasks it
 * @name: the name shown in /proc/interrupts
 * @lock: protects @masked, @requested, @trigger and the line's enable
 *	  state; taken in the hard IRQ handler.  @trigger and @requested
 *	  also change only under the device's @igate.
 * @masked: the line is masked, by userspace or because it fired
 * @requested: our handler is installed and the line's enable state
 *	       follows @masked
 * @trigger: the eventfd signalled when the line fires, or NULL
 * @unmask: virqfd that unmasks the line when userspace signals it
 * @mask: virqfd that masks the line when userspace signals it
 */
struct vfio_platform_irq {
	struct vfio_platform_device *vdev;
	int hwirq;
	u32 flags;
	u32 count;
	bool level;
	char *name;
	spinlock_t lock; /* see above */
	bool masked;
	bool requested;
	struct eventfd_ctx *trigger;
	struct virqfd *unmask;
	struct virqfd *mask;
};

/**
 * struct vfio_platform_device - a platform or AMBA device given to VFIO
 * @vdev: the VFIO device; must stay first (vfio_alloc_device())
 * @regions: the device's memory/IO resources, in resource order
 * @num_regions: entries in @regions
 * @irqs: the device's interrupts, in the order of its interrupt property
 * @num_irqs: entries in @irqs
 * @opaque: the bus device (struct platform_device or struct amba_device)
 * @name: the bus device's name, for messages and IRQ names
 * @flags: VFIO_DEVICE_FLAGS_PLATFORM or VFIO_DEVICE_FLAGS_AMBA
 * @get_resource: front end hook: the @i-th memory or I/O resource, or NULL
 *		  past the last one
 * @get_irq: front end hook: the @i-th interrupt's Linux IRQ number, or a
 *	     negative errno past the last one
 * @reset_required: refuse the device when no reset handler is found, and
 *		    refuse to open it when its reset fails
 * @compat: the device tree "compatible" string the reset handler was
 *	    registered for, or NULL
 * @reset: the reset handler found for @compat, or NULL
 * @reset_owner: the module providing @reset; a reference is held on it
 * @igate: serialises VFIO_DEVICE_SET_IRQS against itself and against
 *	   close; protects every @irqs' @trigger, @unmask and @mask
 * @reset_count: resets done, shown in debugfs so that tests can see the
 *		 handler run on open, close and VFIO_DEVICE_RESET
 * @debugfs: the device's debugfs directory, or NULL
 */
struct vfio_platform_device {
	struct vfio_device vdev;
	struct vfio_platform_region *regions;
	u32 num_regions;
	struct vfio_platform_irq *irqs;
	u32 num_irqs;
	void *opaque;
	const char *name;
	u32 flags;
	struct resource *(*get_resource)(struct vfio_platform_device *vdev,
					 int i);
	int (*get_irq)(struct vfio_platform_device *vdev, int i);
	bool reset_required;

	const char *compat;
	int (*reset)(struct vfio_platform_device *vdev);
	struct module *reset_owner;

	struct mutex igate; /* see above */
	atomic_t reset_count;
	struct dentry *debugfs;
};

/**
 * struct vfio_platform_reset_handler - how to reset one kind of device
 * @compat: the device tree "compatible" string the handler is for
 * @owner: the module the handler lives in
 * @reset: put the device in a known state: no interrupt pending or
 *	   enabled, nothing in progress.  Called with the device set's lock
 *	   held and the regions reachable through
 *	   vfio_platform_region_map().  Returns 0 or a negative errno.
 * @link: entry in the registry, under its lock
 */
struct vfio_platform_reset_handler {
	const char *compat;
	struct module *owner;
	int (*reset)(struct vfio_platform_device *vdev);
	struct list_head link;
};

/* vfio_platform_common.c: the bus-independent device */
int vfio_platform_init_common(struct vfio_platform_device *vdev);
void vfio_platform_release_common(struct vfio_device *core_vdev);
struct vfio_platform_device *
vfio_platform_register(struct device *dev, const struct vfio_device_ops *ops);
void vfio_platform_unregister(struct vfio_platform_device *vdev);
int vfio_platform_open_device(struct vfio_device *core_vdev);
void vfio_platform_close_device(struct vfio_device *core_vdev);
long vfio_platform_ioctl(struct vfio_device *core_vdev, unsigned int cmd,
			 unsigned long arg);
ssize_t vfio_platform_read(struct vfio_device *core_vdev, char __user *buf,
			   size_t count, loff_t *ppos);
ssize_t vfio_platform_write(struct vfio_device *core_vdev,
			    const char __user *buf, size_t count,
			    loff_t *ppos);
int vfio_platform_mmap(struct vfio_device *core_vdev,
		       struct vm_area_struct *vma);
void __iomem *vfio_platform_region_map(struct vfio_platform_device *vdev,
				       u32 index);

/* vfio_platform_irq.c: interrupts */
int vfio_platform_irq_init(struct vfio_platform_device *vdev);
void vfio_platform_irq_cleanup(struct vfio_platform_device *vdev);
void vfio_platform_irq_disable_all(struct vfio_platform_device *vdev);
int vfio_platform_set_irqs(struct vfio_platform_device *vdev, u32 flags,
			   u32 index, u32 start, u32 count, void *data);

/* vfio_platform_reset.c: the registry of reset handlers */
int vfio_platform_reset_lookup(struct vfio_platform_device *vdev);
void vfio_platform_reset_put(struct vfio_platform_device *vdev);
int vfio_platform_reset_call(struct vfio_platform_device *vdev,
			     const char *why);
int vfio_platform_register_reset(struct vfio_platform_reset_handler *h);
void vfio_platform_unregister_reset(struct vfio_platform_reset_handler *h);

/**
 * module_vfio_platform_reset - declare a module that only holds one reset
 *				handler
 * @_handler: the struct vfio_platform_reset_handler; its @compat also names
 *	      the module alias "vfio-reset:<compat>" the core asks for
 *
 * The alias itself must be spelled out with MODULE_ALIAS() next to it:
 * module aliases are string literals.
 */
#define module_vfio_platform_reset(_handler)				\
	module_driver(_handler, vfio_platform_register_reset,		\
		      vfio_platform_unregister_reset)

/* vfio_platform_dt.c: the device tree capabilities */
int vfio_platform_dt_region_cap(struct vfio_platform_device *vdev, u32 index,
				struct vfio_info_cap *caps);
int vfio_platform_dt_irq_cap(struct vfio_platform_device *vdev, u32 index,
			     struct vfio_info_cap *caps);

#endif /* VFIO_PLATFORM_PRIVATE_H */
