// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio_mock: a test-only VFIO bus driver and IOMMU backend.
 *
 * Loading the module creates "ndevs" emulated-IOMMU platform devices
 * (vfio-mock.N) and "noiommu_devs" platform devices without an IOMMU
 * (vfio-mock-noiommu.N), binds them to its own platform drivers, and
 * registers the vfio-mock-pci driver and the mock IOMMU backend.  The
 * selftests in tools/testing/selftests/vfio drive all of it through the
 * VFIO uAPI; vfio_mock.h is the contract between the two.
 */
#include <linux/debugfs.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/platform_device.h>
#include <linux/slab.h>

#include "vfio_mock_priv.h"

static unsigned int ndevs = 2;
module_param(ndevs, uint, 0444);
MODULE_PARM_DESC(ndevs, "Number of emulated-IOMMU mock devices (default 2)");

static unsigned int noiommu_devs = 1;
module_param(noiommu_devs, uint, 0444);
MODULE_PARM_DESC(noiommu_devs,
		 "Number of mock devices without an IOMMU (default 1)");

/* The module's debugfs directory; lives from init to exit */
struct dentry *vfio_mock_debugfs_root;

/* Devices created at init, removed at exit; no other user */
static struct platform_device **vfio_mock_pdevs;
static unsigned int vfio_mock_nr_pdevs;

static struct platform_driver * const vfio_mock_platform_drivers[] = {
	&vfio_mock_driver,
	&vfio_mock_noiommu_driver,
};

/**
 * vfio_mock_debugfs_add - publish a device's counters
 * @dev: the bus device; its name names the directory
 * @counters: the counters to show, which must outlive the directory
 *
 * Return: the directory, for debugfs_remove_recursive().
 */
struct dentry *vfio_mock_debugfs_add(struct device *dev,
				     struct vfio_mock_counters *counters)
{
	struct dentry *dir;

	dir = debugfs_create_dir(dev_name(dev), vfio_mock_debugfs_root);
	debugfs_create_atomic_t(VFIO_MOCK_DEBUGFS_OPEN, 0444, dir,
				&counters->open);
	debugfs_create_atomic_t(VFIO_MOCK_DEBUGFS_CLOSE, 0444, dir,
				&counters->close);
	debugfs_create_atomic_t(VFIO_MOCK_DEBUGFS_RESET, 0444, dir,
				&counters->reset);
	debugfs_create_atomic_t(VFIO_MOCK_DEBUGFS_REQUEST, 0444, dir,
				&counters->request);
	return dir;
}

static void vfio_mock_destroy_devices(void)
{
	while (vfio_mock_nr_pdevs)
		platform_device_unregister(vfio_mock_pdevs[--vfio_mock_nr_pdevs]);
	kfree(vfio_mock_pdevs);
	vfio_mock_pdevs = NULL;
}

static int vfio_mock_create_devices(void)
{
	struct platform_device *pdev;
	unsigned int i;

	vfio_mock_pdevs = kcalloc(ndevs + noiommu_devs,
				  sizeof(*vfio_mock_pdevs), GFP_KERNEL);
	if (!vfio_mock_pdevs)
		return -ENOMEM;

	for (i = 0; i < ndevs + noiommu_devs; i++) {
		const char *name = i < ndevs ? VFIO_MOCK_DRIVER :
					       VFIO_MOCK_NOIOMMU_DRIVER;
		int id = i < ndevs ? i : i - ndevs;

		pdev = platform_device_register_simple(name, id, NULL, 0);
		if (IS_ERR(pdev)) {
			vfio_mock_destroy_devices();
			return PTR_ERR(pdev);
		}
		vfio_mock_pdevs[vfio_mock_nr_pdevs++] = pdev;
	}
	return 0;
}

static int __init vfio_mock_init(void)
{
	int ret;

	if (ndevs > VFIO_MOCK_MAX_DEVS || noiommu_devs > VFIO_MOCK_MAX_DEVS)
		return -EINVAL;

	vfio_mock_debugfs_root = debugfs_create_dir(VFIO_MOCK_DEBUGFS_DIR,
						    NULL);

	ret = vfio_mock_iommu_register();
	if (ret)
		goto err_debugfs;

	ret = platform_register_drivers(vfio_mock_platform_drivers,
					ARRAY_SIZE(vfio_mock_platform_drivers));
	if (ret)
		goto err_iommu;

	ret = pci_register_driver(&vfio_mock_pci_driver);
	if (ret)
		goto err_platform;

	ret = vfio_mock_create_devices();
	if (ret)
		goto err_pci;

	return 0;

err_pci:
	pci_unregister_driver(&vfio_mock_pci_driver);
err_platform:
	platform_unregister_drivers(vfio_mock_platform_drivers,
				    ARRAY_SIZE(vfio_mock_platform_drivers));
err_iommu:
	vfio_mock_iommu_unregister();
err_debugfs:
	debugfs_remove_recursive(vfio_mock_debugfs_root);
	return ret;
}

static void __exit vfio_mock_exit(void)
{
	vfio_mock_destroy_devices();
	pci_unregister_driver(&vfio_mock_pci_driver);
	platform_unregister_drivers(vfio_mock_platform_drivers,
				    ARRAY_SIZE(vfio_mock_platform_drivers));
	vfio_mock_iommu_unregister();
	debugfs_remove_recursive(vfio_mock_debugfs_root);
}

module_init(vfio_mock_init);
module_exit(vfio_mock_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Mock VFIO bus driver and IOMMU backend for selftests");
