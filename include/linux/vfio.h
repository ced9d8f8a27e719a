/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * VFIO in-kernel API: what bus drivers and IOMMU backends may call.
 *
 * A bus driver (vfio-pci, vfio-platform, ...) embeds a struct vfio_device in
 * its own per-device state, allocates it with vfio_alloc_device() and makes
 * it visible to userspace with vfio_register_group_dev().  An IOMMU backend
 * (vfio_iommu_type1) registers a struct vfio_iommu_driver_ops and is then
 * offered to containers through VFIO_SET_IOMMU.
 */
#ifndef VFIO_H
#define VFIO_H

#include <linux/completion.h>
#include <linux/device.h>
#include <linux/iommu.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/poll.h>
#include <linux/refcount.h>
#include <linux/workqueue.h>
#include <uapi/linux/vfio.h>

struct eventfd_ctx;
struct file;
struct kvm;
struct vfio_device;
struct vfio_group;

/**
 * struct vfio_device_set - devices that must be opened, closed and reset
 *			    together
 * @set_id: the key devices are grouped by (e.g. the PCI slot or bus that a
 *	    bus reset would hit); devices passing the same key share a set
 * @lock: serialises open and close of every member; held around
 *	  &vfio_device_ops.open_device and &vfio_device_ops.close_device
 * @device_list: the members, linked through &vfio_device.dev_set_list
 * @device_count: number of members, also the set's reference count
 *
 * A device that is alone gets a set of its own.  A set lives as long as one
 * of its members is registered.
 */
struct vfio_device_set {
	void *set_id;
	struct mutex lock; /* see above */
	struct list_head device_list;
	unsigned int device_count;
};

/**
 * struct vfio_device - a device handed to userspace through VFIO
 * @dev: the bus device being exported (a pci_dev's or platform device's)
 * @ops: the bus driver's callbacks
 * @device: the vfio-dev/vfioN class device; its reference count is the
 *	    allocation's: the memory is freed by the last put_device()
 * @index: N in vfioN
 * @dev_set: the set this device opens and resets with
 * @dev_set_list: entry in @dev_set's device_list, under @dev_set->lock
 * @group: the VFIO group the device sits in, set at registration
 * @group_next: entry in the group's device list, under the group's lock
 * @registration: one count for the registration itself plus one for every
 *		  caller that found the device and may still use its ops;
 *		  unregistration drops its own and waits for @registered_done
 * @registered_done: completed when @registration reaches zero
 * @open_count: device fds currently open, under @dev_set->lock
 * @kvm: the KVM instance the group was associated with when the device
 *	 was first opened, if any
 *
 * Bus drivers embed this structure, reach their own state with
 * container_of() and may read @dev, @dev_set, @open_count (under
 * @dev_set->lock) and @kvm; the core owns everything else.
 */
struct vfio_device {
	struct device *dev;
	const struct vfio_device_ops *ops;
	struct device device;
	unsigned int index;
	struct vfio_device_set *dev_set;
	struct list_head dev_set_list;
	struct vfio_group *group;
	struct list_head group_next;
	refcount_t registration;
	struct completion registered_done;
	unsigned int open_count;
	struct kvm *kvm;
};

/**
 * struct vfio_device_ops - what a bus driver implements for its devices
 * @name: driver name, shown in diagnostics
 * @init: optional; called by vfio_alloc_device() to set up driver state
 * @release: optional; frees what @init set up, called when the last
 *	     reference to the device goes away
 * @open_device: called when the first device fd is opened (under the
 *		 device set's lock)
 * @close_device: called when the last device fd is closed (under the
 *		  device set's lock)
 * @read: read(2) on the device fd; *ppos encodes region and offset
 * @write: write(2) on the device fd
 * @ioctl: every ioctl on the device fd the core does not handle itself
 * @mmap: mmap(2) on the device fd
 * @request: the device is being unregistered while userspace holds it;
 *	     ask the user to let go (@count is how often it has been asked)
 * @match: optional; decide whether the name passed to
 *	   VFIO_GROUP_GET_DEVICE_FD names this device.  Return 1 for a match,
 *	   0 for none, a negative errno to stop the search.  Without it the
 *	   name is compared with dev_name().
 * @device_feature: optional; VFIO_DEVICE_FEATURE after the core checked
 *		    the header.  @flags carries the GET/SET/PROBE bits.
 * @dma_unmap: emulated-IOMMU devices only: the user unmapped
 *	       [@iova, @iova + @length); drop any pins taken in it
 */
struct vfio_device_ops {
	char *name;
	int (*init)(struct vfio_device *vdev);
	void (*release)(struct vfio_device *vdev);
	int (*open_device)(struct vfio_device *vdev);
	void (*close_device)(struct vfio_device *vdev);
	ssize_t (*read)(struct vfio_device *vdev, char __user *buf,
			size_t count, loff_t *ppos);
	ssize_t (*write)(struct vfio_device *vdev, const char __user *buf,
			 size_t count, loff_t *ppos);
	long (*ioctl)(struct vfio_device *vdev, unsigned int cmd,
		      unsigned long arg);
	int (*mmap)(struct vfio_device *vdev, struct vm_area_struct *vma);
	void (*request)(struct vfio_device *vdev, unsigned int count);
	int (*match)(struct vfio_device *vdev, char *buf);
	int (*device_feature)(struct vfio_device *vdev, u32 flags,
			      void __user *arg, size_t argsz);
	void (*dma_unmap)(struct vfio_device *vdev, u64 iova, u64 length);
};

void *_vfio_alloc_device(size_t size, size_t offset, struct device *dev,
			 const struct vfio_device_ops *ops);

/**
 * vfio_alloc_device - allocate a driver structure that embeds a vfio_device
 * @type: the driver's structure type, e.g. struct vfio_pci_core_device
 * @member: the name of its struct vfio_device member, which must be first
 * @dev: the bus device
 * @ops: the driver's callbacks
 *
 * Return: a pointer to the new @type, or an ERR_PTR().
 */
#define vfio_alloc_device(type, member, dev, ops)			\
	((type *)_vfio_alloc_device(sizeof(type), offsetof(type, member),	\
				    dev, ops))

void vfio_put_device(struct vfio_device *vdev);
int vfio_register_group_dev(struct vfio_device *vdev);
int vfio_register_emulated_iommu_dev(struct vfio_device *vdev);
void vfio_unregister_group_dev(struct vfio_device *vdev);

int vfio_assign_device_set(struct vfio_device *vdev, void *set_id);
unsigned int vfio_device_set_open_count(struct vfio_device_set *dev_set);
struct vfio_device *
vfio_find_device_in_devset(struct vfio_device_set *dev_set,
			   struct device *dev);

struct iommu_group *vfio_file_iommu_group(struct file *file);
bool vfio_file_is_group(struct file *file);
bool vfio_file_is_valid(struct file *file);
bool vfio_file_enforced_coherent(struct file *file);
bool vfio_file_has_dev(struct file *file, struct vfio_device *vdev);
void vfio_file_set_kvm(struct file *file, struct kvm *kvm);

int vfio_pin_pages(struct vfio_device *vdev, dma_addr_t iova, int npage,
		   int prot, struct page **pages);
void vfio_unpin_pages(struct vfio_device *vdev, dma_addr_t iova, int npage);
int vfio_dma_rw(struct vfio_device *vdev, dma_addr_t iova, void *data,
		size_t len, bool write);

/* Building capability chains in info ioctls */

/**
 * struct vfio_info_cap - a capability chain being built for an info ioctl
 * @buf: the chain, starting at what will be the user's cap_offset
 * @size: bytes used in @buf
 */
struct vfio_info_cap {
	struct vfio_info_cap_header *buf;
	size_t size;
};

struct vfio_info_cap_header *vfio_info_cap_add(struct vfio_info_cap *caps,
					       size_t size, u16 id,
					       u16 version);
void vfio_info_cap_shift(struct vfio_info_cap *caps, size_t offset);
int vfio_info_add_capability(struct vfio_info_cap *caps,
			     struct vfio_info_cap_header *cap, size_t size);
int vfio_info_copy_caps(struct vfio_info_cap *caps, u32 *argsz,
			u32 *cap_offset, u32 *flags, u32 caps_flag,
			size_t info_size, void __user *uinfo);

int vfio_set_irqs_validate_and_prepare(struct vfio_irq_set *hdr,
				       int num_irqs, int max_irq_type,
				       size_t *data_size);
int vfio_check_feature(u32 flags, size_t argsz, u32 supported_ops,
		       size_t minsz);

/* Table-driven ioctls: the argsz/flags rule, written once */

/**
 * struct vfio_ioctl_call - one ioctl, after the dispatcher checked it
 * @arg: the raw ioctl argument
 * @uptr: @arg as a user pointer
 * @user_size: the caller's argsz, for ioctls whose struct begins with one
 * @cmd: the kernel copy of the struct, zero-extended to the size the
 *	 kernel knows; NULL for ioctls without a struct
 */
struct vfio_ioctl_call {
	unsigned long arg;
	void __user *uptr;
	u32 user_size;
	void *cmd;
};

/**
 * struct vfio_ioctl_desc - how one ioctl is checked and handled
 * @size: sizeof the struct the kernel knows; 0 when the argument is a
 *	  plain value or a pointer the handler reads itself
 * @min_size: offsetofend() of the last member every caller must pass;
 *	      a smaller argsz is -EINVAL
 * @valid_flags: flags a caller may set; any other bit is -EINVAL
 * @flags_are_output: the flags field is filled by the kernel, so whatever
 *		      the caller put there is ignored rather than checked
 * @copy_out: on success, copy the struct back (up to the caller's argsz)
 * @handler: does the work; returns 0 or a positive value on success, or a
 *	     negative errno
 */
struct vfio_ioctl_desc {
	unsigned int size;
	unsigned int min_size;
	u32 valid_flags;
	bool flags_are_output;
	bool copy_out;
	long (*handler)(void *owner, struct vfio_ioctl_call *call);
};

/**
 * VFIO_IOCTL_RAW - describe an ioctl whose argument is not an argsz struct
 * @_cmd: ioctl number
 * @_handler: handler; it gets the raw argument in &vfio_ioctl_call.arg
 */
#define VFIO_IOCTL_RAW(_cmd, _handler)					\
	[_IOC_NR(_cmd) - VFIO_BASE] = {					\
		.handler = _handler,					\
	}

/**
 * VFIO_IOCTL_IN - describe an ioctl that only reads its struct
 * @_cmd: ioctl number
 * @_struct: the struct type, e.g. struct vfio_device_info
 * @_last: the last member every caller must pass
 * @_flags: the flags a caller may set
 * @_handler: handler; &vfio_ioctl_call.cmd points to a struct @_struct
 */
#define VFIO_IOCTL_IN(_cmd, _struct, _last, _flags, _handler)		\
	[_IOC_NR(_cmd) - VFIO_BASE] = {					\
		.size = sizeof(_struct),				\
		.min_size = offsetofend(_struct, _last),		\
		.valid_flags = _flags, .handler = _handler,		\
	}

/**
 * VFIO_IOCTL_INOUT - describe an ioctl that reads and writes back its struct
 * @_cmd: ioctl number
 * @_struct: the struct type, e.g. struct vfio_device_info
 * @_last: the last member every caller must pass
 * @_flags: the flags a caller may set
 * @_handler: handler; &vfio_ioctl_call.cmd points to a struct @_struct
 */
#define VFIO_IOCTL_INOUT(_cmd, _struct, _last, _flags, _handler)		\
	[_IOC_NR(_cmd) - VFIO_BASE] = {					\
		.size = sizeof(_struct),				\
		.min_size = offsetofend(_struct, _last),		\
		.valid_flags = _flags, .copy_out = true,		\
		.handler = _handler,					\
	}

/**
 * VFIO_IOCTL_INFO - describe an info ioctl: flags are output, struct is
 *		     copied back
 * @_cmd: ioctl number
 * @_struct: the struct type, e.g. struct vfio_device_info
 * @_last: the last member every caller must pass
 * @_handler: handler; &vfio_ioctl_call.cmd points to a struct @_struct
 */
#define VFIO_IOCTL_INFO(_cmd, _struct, _last, _handler)			\
	[_IOC_NR(_cmd) - VFIO_BASE] = {					\
		.size = sizeof(_struct),				\
		.min_size = offsetofend(_struct, _last),		\
		.flags_are_output = true, .copy_out = true,		\
		.handler = _handler,					\
	}

long vfio_ioctl_dispatch(const struct vfio_ioctl_desc *table,
			 size_t table_len, void *owner, unsigned int cmd,
			 unsigned long arg);

/**
 * VFIO_IOCTL_DISPATCH - run an ioctl through a table built with the
 *			 VFIO_IOCTL_* initialisers
 * @table: the array of struct vfio_ioctl_desc
 * @owner: passed to the handler (the container, group or device)
 * @cmd: ioctl number
 * @arg: ioctl argument
 */
#define VFIO_IOCTL_DISPATCH(table, owner, cmd, arg)			\
	vfio_ioctl_dispatch(table, sizeof(table) / sizeof((table)[0]),	\
			    owner, cmd, arg)

/* IOMMU backends */

/**
 * enum vfio_group_type - how a group's DMA is isolated
 * @VFIO_IOMMU: a real IOMMU group; the backend attaches it to a domain
 * @VFIO_EMULATED_IOMMU: a software device that never does DMA itself; its
 *			 driver pins pages through vfio_pin_pages()
 * @VFIO_NO_IOMMU: no isolation at all (no-IOMMU mode, CAP_SYS_RAWIO only)
 */
enum vfio_group_type {
	VFIO_IOMMU,
	VFIO_EMULATED_IOMMU,
	VFIO_NO_IOMMU,
};

/**
 * struct vfio_iommu_driver_ops - an IOMMU backend for containers
 * @name: shown in diagnostics
 * @owner: the module implementing the backend
 * @open: VFIO_SET_IOMMU chose this backend with @arg (the backend's
 *	  extension number); return the backend's per-container state or an
 *	  ERR_PTR()
 * @release: the container is going away; every group has been detached
 * @ioctl: container ioctls the core does not handle, including
 *	   VFIO_CHECK_EXTENSION with @iommu_data NULL before any open
 * @attach_group: add a group to the container's IOMMU context
 * @detach_group: remove it again; cannot fail
 * @pin_pages: optional; pin user pages for an emulated-IOMMU device
 * @unpin_pages: optional; undo @pin_pages
 * @register_device: optional; an emulated device's fd was opened in this
 *		     container
 * @unregister_device: optional; undo @register_device
 * @dma_rw: optional; copy to or from user IOVA space for emulated devices
 */
struct vfio_iommu_driver_ops {
	char *name;
	struct module *owner;
	void *(*open)(unsigned long arg);
	void (*release)(void *iommu_data);
	long (*ioctl)(void *iommu_data, unsigned int cmd, unsigned long arg);
	int (*attach_group)(void *iommu_data, struct iommu_group *group,
			    enum vfio_group_type type);
	void (*detach_group)(void *iommu_data, struct iommu_group *group);
	int (*pin_pages)(void *iommu_data, dma_addr_t user_iova, int npage,
			 int prot, struct page **pages);
	void (*unpin_pages)(void *iommu_data, dma_addr_t user_iova,
			    int npage);
	void (*register_device)(void *iommu_data, struct vfio_device *vdev);
	void (*unregister_device)(void *iommu_data,
				  struct vfio_device *vdev);
	int (*dma_rw)(void *iommu_data, dma_addr_t user_iova, void *data,
		      size_t count, bool write);
};

int vfio_register_iommu_driver(const struct vfio_iommu_driver_ops *ops);
void vfio_unregister_iommu_driver(const struct vfio_iommu_driver_ops *ops);

/* virqfd: an eventfd whose signal runs a kernel callback */

/**
 * struct virqfd - an eventfd watched on behalf of a bus driver
 * @opaque: the driver's cookie, passed to both callbacks
 * @eventfd: the eventfd being watched
 * @handler: runs in the eventfd's wakeup (atomic) context; returning
 *	     nonzero schedules @thread
 * @thread: optional; runs from a workqueue after @handler asked for it
 * @data: second argument of both callbacks
 * @inject: work item running @handler/@thread from process context
 * @wait: our entry on the eventfd's wait queue
 * @pt: poll table used to add @wait
 * @shutdown: work item that tears the virqfd down
 * @flush_inject: work item used by vfio_virqfd_flush_thread()
 * @pvirqfd: the driver's pointer to this virqfd, cleared on teardown
 */
struct virqfd {
	void *opaque;
	struct eventfd_ctx *eventfd;
	int (*handler)(void *opaque, void *data);
	void (*thread)(void *opaque, void *data);
	void *data;
	struct work_struct inject;
	wait_queue_entry_t wait;
	poll_table pt;
	struct work_struct shutdown;
	struct work_struct flush_inject;
	struct virqfd **pvirqfd;
};

int vfio_virqfd_enable(void *opaque, int (*handler)(void *, void *),
		       void (*thread)(void *, void *), void *data,
		       struct virqfd **pvirqfd, int fd);
void vfio_virqfd_disable(struct virqfd **pvirqfd);
void vfio_virqfd_flush_thread(struct virqfd **pvirqfd);

#endif /* VFIO_H */
