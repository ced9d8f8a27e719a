// SPDX-License-Identifier: GPL-2.0-only
/*
 * A mock IOMMU backend for VFIO containers.
 *
 * It lets the selftests walk the whole container/group/device life cycle
 * without a real IOMMU driver: groups are "attached" by counting them.
 * Real groups are still claimed for DMA ownership by the core, so the
 * viability rules are exercised all the same.  Setting the fail_attach
 * parameter makes every attach fail, which shows whether the core unwinds
 * a half-done VFIO_SET_IOMMU or VFIO_GROUP_SET_CONTAINER.
 */
#include <linux/atomic.h>
#include <linux/debugfs.h>
#include <linux/module.h>
#include <linux/slab.h>

#include "vfio_mock_priv.h"

static bool fail_attach;
module_param(fail_attach, bool, 0644);
MODULE_PARM_DESC(fail_attach,
		 "Make the mock IOMMU refuse every group attach with -ENOSPC");

/* Totals over all containers, for the tests */
static atomic_t vfio_mock_iommu_containers;
static atomic_t vfio_mock_iommu_attached;

/**
 * struct vfio_mock_iommu - per-container state of the mock backend
 * @groups: groups attached; the core serialises attach and detach
 *	    under the container's own lock, so no lock is needed here
 */
struct vfio_mock_iommu {
	unsigned int groups;
};

static void *vfio_mock_iommu_open(unsigned long arg)
{
	struct vfio_mock_iommu *iommu;

	if (arg != VFIO_MOCK_IOMMU)
		return ERR_PTR(-EINVAL);

	iommu = kzalloc(sizeof(*iommu), GFP_KERNEL_ACCOUNT);
	if (!iommu)
		return ERR_PTR(-ENOMEM);

	atomic_inc(&vfio_mock_iommu_containers);
	return iommu;
}

static void vfio_mock_iommu_release(void *iommu_data)
{
	struct vfio_mock_iommu *iommu = iommu_data;

	WARN_ON(iommu->groups);
	atomic_dec(&vfio_mock_iommu_containers);
	kfree(iommu);
}

static long vfio_mock_iommu_ioctl(void *iommu_data, unsigned int cmd,
				  unsigned long arg)
{
	if (cmd == VFIO_CHECK_EXTENSION)
		return arg == VFIO_MOCK_IOMMU;
	return -ENOTTY;
}

static int vfio_mock_iommu_attach_group(void *iommu_data,
					struct iommu_group *group,
					enum vfio_group_type type)
{
	struct vfio_mock_iommu *iommu = iommu_data;

	if (READ_ONCE(fail_attach))
		return -ENOSPC;
	/* Without an IOMMU there is nothing this backend could isolate */
	if (type != VFIO_IOMMU && type != VFIO_EMULATED_IOMMU)
		return -EINVAL;

	iommu->groups++;
	atomic_inc(&vfio_mock_iommu_attached);
	return 0;
}

static void vfio_mock_iommu_detach_group(void *iommu_data,
					 struct iommu_group *group)
{
	struct vfio_mock_iommu *iommu = iommu_data;

	if (WARN_ON(!iommu->groups))
		return;
	iommu->groups--;
	atomic_dec(&vfio_mock_iommu_attached);
}

static const struct vfio_iommu_driver_ops vfio_mock_iommu_ops = {
	.name		= "vfio-mock-iommu",
	.owner		= THIS_MODULE,
	.open		= vfio_mock_iommu_open,
	.release	= vfio_mock_iommu_release,
	.ioctl		= vfio_mock_iommu_ioctl,
	.attach_group	= vfio_mock_iommu_attach_group,
	.detach_group	= vfio_mock_iommu_detach_group,
};

/**
 * vfio_mock_iommu_register - offer the mock backend to VFIO containers
 *
 * Also publishes its counters in the module's debugfs directory.
 *
 * Return: 0 or a negative errno from vfio_register_iommu_driver().
 */
int vfio_mock_iommu_register(void)
{
	debugfs_create_atomic_t(VFIO_MOCK_DEBUGFS_CONTAINERS, 0444,
				vfio_mock_debugfs_root,
				&vfio_mock_iommu_containers);
	debugfs_create_atomic_t(VFIO_MOCK_DEBUGFS_ATTACHED, 0444,
				vfio_mock_debugfs_root,
				&vfio_mock_iommu_attached);
	return vfio_register_iommu_driver(&vfio_mock_iommu_ops);
}

/**
 * vfio_mock_iommu_unregister - withdraw the mock backend
 *
 * No container can still use it: each one holds a reference on this
 * module while the backend is set.
 */
void vfio_mock_iommu_unregister(void)
{
	vfio_unregister_iommu_driver(&vfio_mock_iommu_ops);
}
