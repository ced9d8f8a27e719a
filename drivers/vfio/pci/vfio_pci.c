// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio-pci: the plain VFIO driver for any PCI device.
 *
 * It binds nothing on its own.  A device is handed to it by name, through
 * driver_override:
 *
 *	echo vfio-pci > /sys/bus/pci/devices/0000:00:04.0/driver_override
 *	echo 0000:00:04.0 > /sys/bus/pci/drivers_probe
 *
 * or by ID with the ids= parameter or /sys/bus/pci/drivers/vfio-pci/new_id.
 * Everything else is vfio-pci-core.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/pci.h>
#include <linux/vfio_pci_core.h>

#define DRIVER_DESC	"VFIO PCI: PCI devices for userspace drivers"

static char ids[1024] __initdata;
module_param_string(ids, ids, sizeof(ids), 0);
MODULE_PARM_DESC(ids, "PCI IDs to bind at load, comma separated, each vendor:device[:subvendor[:subdevice[:class[:class_mask]]]] in hex");

static bool nointxmask;
module_param_named(nointxmask, nointxmask, bool, 0644);
MODULE_PARM_DESC(nointxmask,
		 "Never mask INTx at the device (PCI 2.3 DisINTx); INTx then needs an unshared line.  For devices whose DisINTx does not work: please report them so they can be quirked (default: off)");

#ifdef CONFIG_VFIO_PCI_VGA
static bool disable_vga;
module_param(disable_vga, bool, 0444);
MODULE_PARM_DESC(disable_vga, "Do not offer the legacy VGA ranges of VGA devices to users (default: off)");
#else
static const bool disable_vga = true;
#endif

static bool disable_idle_d3;
module_param(disable_idle_d3, bool, 0644);
MODULE_PARM_DESC(disable_idle_d3,
		 "Keep devices nobody has open in D0 instead of D3hot (default: off)");

static bool enable_sriov;
#ifdef CONFIG_PCI_IOV
module_param(enable_sriov, bool, 0644);
MODULE_PARM_DESC(enable_sriov, "Let sriov_numvfs create VFs of PFs bound here; the PF's userspace driver must then support them (default: off)");
#endif

static bool disable_denylist;
module_param(disable_denylist, bool, 0444);
MODULE_PARM_DESC(disable_denylist, "Bind even devices whose errata let a user harm the host (default: off)");

/*
 * Devices with errata that let a user harm the host: QuickAssist and the
 * first Sapphire Rapids DSA/IAX steppings.
 */
static const struct pci_device_id vfio_pci_denylist[] = {
	{ PCI_VDEVICE(INTEL, PCI_DEVICE_ID_INTEL_QAT_C3XXX) },
	{ PCI_VDEVICE(INTEL, PCI_DEVICE_ID_INTEL_QAT_C3XXX_VF) },
	{ PCI_VDEVICE(INTEL, PCI_DEVICE_ID_INTEL_QAT_C62X) },
	{ PCI_VDEVICE(INTEL, PCI_DEVICE_ID_INTEL_QAT_C62X_VF) },
	{ PCI_VDEVICE(INTEL, PCI_DEVICE_ID_INTEL_QAT_DH895XCC) },
	{ PCI_VDEVICE(INTEL, PCI_DEVICE_ID_INTEL_QAT_DH895XCC_VF) },
	{ PCI_VDEVICE(INTEL, PCI_DEVICE_ID_INTEL_DSA_SPR0) },
	{ PCI_VDEVICE(INTEL, PCI_DEVICE_ID_INTEL_IAX_SPR0) },
	{}
};

static bool vfio_pci_is_denylisted(struct pci_dev *pdev)
{
	if (!pci_match_id(vfio_pci_denylist, pdev))
		return false;

	if (disable_denylist) {
		pci_warn(pdev, "%04x:%04x has errata unsafe for users; binding anyway (disable_denylist)\n",
			 pdev->vendor, pdev->device);
		return false;
	}

	pci_warn(pdev, "%04x:%04x has errata unsafe for users: not binding\n",
		 pdev->vendor, pdev->device);
	return true;
}

static int vfio_pci_open_device(struct vfio_device *core_vdev)
{
	struct vfio_pci_core_device *vdev =
		container_of(core_vdev, struct vfio_pci_core_device, vdev);
	int ret;

	ret = vfio_pci_core_enable(vdev);
	if (ret)
		return ret;
	vfio_pci_core_finish_enable(vdev);
	return 0;
}

static const struct vfio_device_ops vfio_pci_ops = {
	.name		= "vfio-pci",
	.init		= vfio_pci_core_init_dev,
	.release	= vfio_pci_core_release_dev,
	.open_device	= vfio_pci_open_device,
	.close_device	= vfio_pci_core_close_device,
	.ioctl		= vfio_pci_core_ioctl,
	.device_feature	= vfio_pci_core_ioctl_feature,
	.read		= vfio_pci_core_read,
	.write		= vfio_pci_core_write,
	.mmap		= vfio_pci_core_mmap,
	.request	= vfio_pci_core_request,
	.match		= vfio_pci_core_match,
};

static int vfio_pci_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct vfio_pci_core_device *vdev;
	int ret;

	if (vfio_pci_is_denylisted(pdev))
		return -EINVAL;

	vdev = vfio_alloc_device(struct vfio_pci_core_device, vdev, &pdev->dev,
				 &vfio_pci_ops);
	if (IS_ERR(vdev))
		return PTR_ERR(vdev);

	dev_set_drvdata(&pdev->dev, vdev);
	ret = vfio_pci_core_register_device(vdev);
	if (ret) {
		vfio_put_device(&vdev->vdev);
		return ret;
	}
	return 0;
}

static void vfio_pci_remove(struct pci_dev *pdev)
{
	struct vfio_pci_core_device *vdev = dev_get_drvdata(&pdev->dev);

	vfio_pci_core_unregister_device(vdev);
	vfio_put_device(&vdev->vdev);
}

static int vfio_pci_sriov_configure(struct pci_dev *pdev, int nr_virtfn)
{
	struct vfio_pci_core_device *vdev = dev_get_drvdata(&pdev->dev);

	if (!enable_sriov)
		return -ENOENT;
	return vfio_pci_core_sriov_configure(vdev, nr_virtfn);
}

/* Any device, but only where driver_override names us (or ids= adds it). */
static const struct pci_device_id vfio_pci_table[] = {
	{ PCI_DRIVER_OVERRIDE_DEVICE_VFIO(PCI_ANY_ID, PCI_ANY_ID) },
	{}
};
MODULE_DEVICE_TABLE(pci, vfio_pci_table);

static struct pci_driver vfio_pci_driver = {
	.name			= "vfio-pci",
	.id_table		= vfio_pci_table,
	.probe			= vfio_pci_probe,
	.remove			= vfio_pci_remove,
	.sriov_configure	= vfio_pci_sriov_configure,
	.err_handler		= &vfio_pci_core_err_handlers,
	/* The IOMMU domain is VFIO's to set, not the DMA API's. */
	.driver_managed_dma	= true,
};

/* ids=vendor:device[:subvendor[:subdevice[:class[:class_mask]]]],... */
static void __init vfio_pci_fill_ids(void)
{
	char *p = ids, *id;

	while ((id = strsep(&p, ","))) {
		unsigned int vendor, device, subvendor = PCI_ANY_ID,
			     subdevice = PCI_ANY_ID, class = 0, class_mask = 0;
		int fields, ret;

		if (!*id)
			continue;

		fields = sscanf(id, "%x:%x:%x:%x:%x:%x", &vendor, &device,
				&subvendor, &subdevice, &class, &class_mask);
		if (fields < 2) {
			pr_warn("ids: cannot parse \"%s\"\n", id);
			continue;
		}

		ret = pci_add_dynid(&vfio_pci_driver, vendor, device, subvendor,
				    subdevice, class, class_mask, 0);
		if (ret)
			pr_warn("ids: cannot add %04x:%04x sub %04x:%04x class %#08x/%08x: %d\n",
				vendor, device, subvendor, subdevice, class,
				class_mask, ret);
		else
			pr_info("ids: added %04x:%04x sub %04x:%04x class %#08x/%08x\n",
				vendor, device, subvendor, subdevice, class,
				class_mask);
	}
}

static int __init vfio_pci_init(void)
{
	int ret;

	vfio_pci_core_set_params(nointxmask, disable_vga, disable_idle_d3);

	ret = pci_register_driver(&vfio_pci_driver);
	if (ret)
		return ret;

	vfio_pci_fill_ids();

	if (disable_denylist)
		pr_warn("binding devices with unsafe errata (disable_denylist)\n");
	return 0;
}
module_init(vfio_pci_init);

static void __exit vfio_pci_exit(void)
{
	pci_unregister_driver(&vfio_pci_driver);
}
module_exit(vfio_pci_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION(DRIVER_DESC);
/*
 * DKMS installs a module over the kernel's own only if their versions
 * differ, and the kernel's has none (dkms.conf).
 */
MODULE_VERSION("0.1");
