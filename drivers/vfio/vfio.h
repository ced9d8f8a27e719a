/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Private to vfio.ko: how devices, groups and containers refer to each
 * other.
 *
 * Object graph
 *   A container (/dev/vfio/vfio fd) holds any number of groups and, once
 *   VFIO_SET_IOMMU ran, one IOMMU backend instance.  A group (/dev/vfio/N)
 *   wraps one iommu_group and lists the vfio_devices registered in it.  A
 *   device fd refers to one vfio_device.
 *
 * Lifetimes
 *   - struct vfio_device memory: its embedded struct device's refcount.
 *   - A device's registration: vfio_device.registration.  Every device fd
 *     holds one count, so unregistration waits for all device fds to close.
 *   - struct vfio_group memory: its embedded struct device's refcount.  The
 *     group stays registered (has a /dev node) while vfio_group.drivers is
 *     non-zero, i.e. while at least one vfio_device is registered in it.
 *   - A device fd holds a reference on the group file, so the group fd is
 *     released only after every device fd of the group is closed.
 *   - struct vfio_container: its kref; the container fd holds one and
 *     every attached group holds one.
 *
 * Lock order (outermost first)
 *   1. vfio_device_set.lock
 *   2. vfio_group.group_lock
 *   3. vfio_container.group_lock (rwsem)
 *   4. innermost, never nested in each other: vfio_group.device_lock,
 *      the global group list lock, the IOMMU backend list lock
 */
#ifndef __VFIO_VFIO_H__
#define __VFIO_VFIO_H__

#include <linux/cdev.h>
#include <linux/device.h>
#include <linux/file.h>
#include <linux/kref.h>
#include <linux/module.h>
#include <linux/rwsem.h>
#include <linux/vfio.h>

struct iommu_group;
struct vfio_container;

/**
 * struct vfio_group - a VFIO view of one iommu_group
 * @dev: the vfio class device behind /dev/vfio/N; refcounts the memory
 * @cdev: the character device for @dev
 * @drivers: registered vfio_devices in the group; at zero the group is
 *	     unregistered and no new user may open it
 * @group_next: entry in the global group list, under its lock
 * @iommu_group: the group's iommu_group; NULL once the group is being
 *		 removed (under @group_lock)
 * @type: how the group's DMA is isolated
 * @group_lock: protects @opened_file, @container, @container_next,
 *		@container_users and @kvm
 * @opened_file: the one open group file, or NULL
 * @container: the container the group is attached to, or NULL
 * @container_next: entry in @container's group list
 * @container_users: device fds open in the group; while non-zero the group
 *		     cannot leave its container
 * @kvm: set by KVM through the group file, handed to opening devices
 * @device_lock: protects @device_list
 * @device_list: registered devices, linked through vfio_device.group_next
 */
struct vfio_group {
	struct device dev;
	struct cdev cdev;
	refcount_t drivers;
	struct list_head group_next;
	struct iommu_group *iommu_group;
	enum vfio_group_type type;

	struct mutex group_lock; /* see above */
	struct file *opened_file;
	struct vfio_container *container;
	struct list_head container_next;
	unsigned int container_users;
	struct kvm *kvm;

	struct mutex device_lock; /* see above */
	struct list_head device_list;
};

/* vfio_main.c */
bool vfio_device_try_get_registration(struct vfio_device *vdev);
void vfio_device_put_registration(struct vfio_device *vdev);
struct file *vfio_device_open_file(struct vfio_device *vdev,
				   struct file *group_file);

/* group.c */
int vfio_device_set_group(struct vfio_device *vdev,
			  enum vfio_group_type type);
void vfio_device_remove_group(struct vfio_device *vdev);
void vfio_device_group_register(struct vfio_device *vdev);
void vfio_device_group_unregister(struct vfio_device *vdev);
int vfio_device_group_use_iommu(struct vfio_device *vdev);
void vfio_device_group_unuse_iommu(struct vfio_device *vdev);
struct vfio_group *vfio_group_from_file(struct file *file);
int vfio_group_init(void);
void vfio_group_exit(void);

/* container.c */
struct vfio_container *vfio_container_from_file(struct file *file);
int vfio_container_attach_group(struct vfio_container *container,
				struct vfio_group *group);
void vfio_group_detach_container(struct vfio_group *group);
long vfio_container_check_extension(struct vfio_container *container,
				    unsigned long extension);
int vfio_group_use_container(struct vfio_group *group);
void vfio_group_unuse_container(struct vfio_group *group);
void vfio_device_container_register(struct vfio_device *vdev);
void vfio_device_container_unregister(struct vfio_device *vdev);
int vfio_device_container_pin_pages(struct vfio_device *vdev,
				    dma_addr_t iova, int npage, int prot,
				    struct page **pages);
void vfio_device_container_unpin_pages(struct vfio_device *vdev,
				       dma_addr_t iova, int npage);
int vfio_device_container_dma_rw(struct vfio_device *vdev, dma_addr_t iova,
				 void *data, size_t len, bool write);
int vfio_container_init(void);
void vfio_container_exit(void);

/* virqfd.c */
int vfio_virqfd_init(void);
void vfio_virqfd_exit(void);

/* No-IOMMU mode: a module parameter of vfio.ko, off by default */
#ifdef CONFIG_VFIO_NOIOMMU
extern bool vfio_noiommu;
#else
enum { vfio_noiommu = false };
#endif

#endif /* __VFIO_VFIO_H__ */
