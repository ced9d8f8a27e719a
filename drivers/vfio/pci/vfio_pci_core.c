// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio-pci-core: a PCI device as a VFIO device.
 *
 * This file holds the life cycle (register, open, close), the device fd
 * (ioctls, read/write dispatch, mmap), resets and the SR-IOV glue.  Config
 * space, interrupts and BAR access live in the files vfio_pci_priv.h
 * lists.
 *
 * Opening a device enables it, saves its config state and resets it; closing
 * undoes what the user did, resets it again and restores the saved state,
 * so that every user finds the device as the host left it.  A device whose
 * function reset does not work is reset with its bus, once every device
 * that reset would hit is closed: those devices form one VFIO device set.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/aperture.h>
#include <linux/eventfd.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/iommu.h>
#include <linux/module.h>
#include <linux/mount.h>
#include <linux/nospec.h>
#include <linux/pci.h>
#include <linux/pm_runtime.h>
#include <linux/pseudo_fs.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/uuid.h>
#include <linux/vgaarb.h>

#include "vfio_pci_priv.h"

#define DRIVER_DESC	"VFIO PCI core: PCI devices for userspace drivers"

/* Set once by the driver module: see vfio_pci_core_set_params(). */
static bool nointxmask;
static bool disable_vga;
static bool disable_idle_d3;

/**
 * struct vfio_pci_dummy_resource - the rest of a page a small BAR sits in
 * @resource: claims the rest of the page, so no other BAR lands there
 * @index: the BAR
 * @res_next: entry in vfio_pci_core_device.dummy_resources_list
 */
struct vfio_pci_dummy_resource {
	struct resource resource;
	int index;
	struct list_head res_next;
};

static struct vfsmount *vfio_pci_mnt;

/* ERR and REQ eventfds: readers are the AER and unbind paths, under RCU */

static void vfio_pci_eventfd_free(struct rcu_head *rcu)
{
	struct vfio_pci_eventfd *eventfd =
		container_of(rcu, struct vfio_pci_eventfd, rcu);

	eventfd_ctx_put(eventfd->ctx);
	kfree(eventfd);
}

/**
 * vfio_pci_eventfd_replace_locked - swap the eventfd behind an RCU slot
 * @vdev: the device; igate held
 * @peventfd: the slot
 * @ctx: the new eventfd, whose reference the slot takes; NULL to clear
 *
 * Return: 0 or -ENOMEM (the slot is then unchanged).
 */
int vfio_pci_eventfd_replace_locked(struct vfio_pci_core_device *vdev,
				    struct vfio_pci_eventfd __rcu **peventfd,
				    struct eventfd_ctx *ctx)
{
	struct vfio_pci_eventfd *new = NULL, *old;

	lockdep_assert_held(&vdev->igate);

	if (ctx) {
		new = kzalloc(sizeof(*new), GFP_KERNEL_ACCOUNT);
		if (!new)
			return -ENOMEM;
		new->ctx = ctx;
	}

	old = rcu_replace_pointer(*peventfd, new,
				  lockdep_is_held(&vdev->igate));
	if (old)
		call_rcu(&old->rcu, vfio_pci_eventfd_free);
	return 0;
}

/* Memory decode, power state and the user's BAR mappings */

/**
 * vfio_pci_zap_bars - remove every user mapping of the device's BARs
 * @vdev: the device
 *
 * The caller holds memory_lock for writing, so that no fault maps them
 * again until it is done.
 */
void vfio_pci_zap_bars(struct vfio_pci_core_device *vdev)
{
	/* Every mapping of BARs 0-5 of this device, in every process. */
	unmap_mapping_range(vdev->inode->i_mapping, 0,
			    VFIO_PCI_INDEX_TO_OFFSET(VFIO_PCI_ROM_REGION_INDEX),
			    true);
}

/**
 * vfio_pci_zap_and_down_write_memory_lock - block BAR access
 * @vdev: the device
 *
 * Takes memory_lock for writing and removes the user's BAR mappings; a
 * later touch faults and waits for the lock, then finds out whether the
 * device decodes memory again.
 */
void vfio_pci_zap_and_down_write_memory_lock(struct vfio_pci_core_device *vdev)
{
	down_write(&vdev->memory_lock);
	vfio_pci_zap_bars(vdev);
}

/**
 * vfio_pci_memory_lock_and_enable - hold memory_lock with decode forced on
 * @vdev: the device
 *
 * For kernel accesses that need memory decode whatever the user set, such
 * as programming the MSI-X table.
 *
 * Return: the command register to give vfio_pci_memory_unlock_and_restore().
 */
u16 vfio_pci_memory_lock_and_enable(struct vfio_pci_core_device *vdev)
{
	u16 cmd;

	down_write(&vdev->memory_lock);
	pci_read_config_word(vdev->pdev, PCI_COMMAND, &cmd);
	if (!(cmd & PCI_COMMAND_MEMORY))
		pci_write_config_word(vdev->pdev, PCI_COMMAND,
				      cmd | PCI_COMMAND_MEMORY);
	return cmd;
}

/**
 * vfio_pci_memory_unlock_and_restore - undo vfio_pci_memory_lock_and_enable()
 * @vdev: the device
 * @cmd: its return value
 */
void vfio_pci_memory_unlock_and_restore(struct vfio_pci_core_device *vdev,
					u16 cmd)
{
	pci_write_config_word(vdev->pdev, PCI_COMMAND, cmd);
	up_write(&vdev->memory_lock);
}

static void vfio_pci_probe_power_state(struct vfio_pci_core_device *vdev)
{
	struct pci_dev *pdev = vdev->pdev;
	u16 pmcsr;

	if (!pdev->pm_cap)
		return;
	pci_read_config_word(pdev, pdev->pm_cap + PCI_PM_CTRL, &pmcsr);
	vdev->needs_pm_restore = !(pmcsr & PCI_PM_CTRL_NO_SOFT_RESET);
}

/**
 * vfio_pci_set_power_state - change power state, keeping config state
 * @vdev: the device; memory_lock held for writing when leaving D0
 * @state: the new state
 *
 * A device without No_Soft_Reset loses its config on D3hot->D0: save it on
 * the way down (separately from the state saved at open, which resets
 * consume) and restore it on the way up.
 *
 * Return: 0, -EBUSY for a PF with VFs enabled (they depend on it), or the
 * PCI core's error.
 */
int vfio_pci_set_power_state(struct vfio_pci_core_device *vdev,
			     pci_power_t state)
{
	struct pci_dev *pdev = vdev->pdev;
	bool needs_save = false, needs_restore = false;
	int ret;

	if (vfio_pci_power_depth(state) > vfio_pci_power_depth(PCI_D0)) {
		lockdep_assert_held_write(&vdev->memory_lock);
		if (vdev->sriov_active)
			return -EBUSY;
	}

	if (vdev->needs_pm_restore) {
		int d3hot = vfio_pci_power_depth(PCI_D3hot);
		int current_depth = vfio_pci_power_depth(pdev->current_state);

		if (current_depth < d3hot &&
		    vfio_pci_power_depth(state) >= d3hot) {
			pci_save_state(pdev);
			needs_save = true;
		}
		if (current_depth >= d3hot && state == PCI_D0)
			needs_restore = true;
	}

	ret = pci_set_power_state(pdev, state);
	if (ret)
		return ret;

	/* A quirk may have kept the device out of D3: nothing lost then. */
	if (needs_save && vfio_pci_power_depth(pdev->current_state) >=
			  vfio_pci_power_depth(PCI_D3hot)) {
		/* The device may have reached D0 without us: drop stale state. */
		kfree(vdev->pm_save);
		vdev->pm_save = pci_store_saved_state(pdev);
	} else if (needs_restore) {
		pci_load_and_free_saved_state(pdev, &vdev->pm_save);
		pci_restore_state(pdev);
	}
	return 0;
}

/* The VGA arbiter */

/*
 * We know nothing of the device's use of legacy VGA ranges.  But a VGA
 * device that is the only one below its bridge, with VGA access disabled
 * for users, cannot be reached there: say it does not decode them so the
 * arbiter can route them elsewhere.
 */
static unsigned int vfio_pci_set_decode(struct pci_dev *pdev, bool single_vga)
{
	struct pci_dev *tmp = NULL;
	unsigned int decodes;
	unsigned char max_busnr;

	if (single_vga || !disable_vga || pci_is_root_bus(pdev->bus))
		return VGA_RSRC_NORMAL_IO | VGA_RSRC_NORMAL_MEM |
		       VGA_RSRC_LEGACY_IO | VGA_RSRC_LEGACY_MEM;

	max_busnr = pci_bus_max_busnr(pdev->bus);
	decodes = VGA_RSRC_NORMAL_IO | VGA_RSRC_NORMAL_MEM;

	while ((tmp = pci_get_class(PCI_CLASS_DISPLAY_VGA << 8, tmp))) {
		if (tmp == pdev ||
		    pci_domain_nr(tmp->bus) != pci_domain_nr(pdev->bus) ||
		    pci_is_root_bus(tmp->bus))
			continue;
		if (tmp->bus->number >= pdev->bus->number &&
		    tmp->bus->number <= max_busnr) {
			pci_dev_put(tmp);
			decodes |= VGA_RSRC_LEGACY_IO | VGA_RSRC_LEGACY_MEM;
			break;
		}
	}
	return decodes;
}

static int vfio_pci_vga_init(struct vfio_pci_core_device *vdev)
{
	struct pci_dev *pdev = vdev->pdev;
	int ret;

	if (!vfio_pci_is_vga(pdev))
		return 0;

	/* A firmware framebuffer on this device would fight the user. */
	ret = aperture_remove_conflicting_pci_devices(pdev,
						      vdev->vdev.ops->name);
	if (ret)
		return ret;

	ret = vga_client_register(pdev, vfio_pci_set_decode);
	if (ret)
		return ret;
	vga_set_legacy_decoding(pdev, vfio_pci_set_decode(pdev, false));
	return 0;
}

static void vfio_pci_vga_uninit(struct vfio_pci_core_device *vdev)
{
	struct pci_dev *pdev = vdev->pdev;

	if (!vfio_pci_is_vga(pdev))
		return;
	vga_client_unregister(pdev);
	vga_set_legacy_decoding(pdev, VGA_RSRC_NORMAL_IO | VGA_RSRC_NORMAL_MEM |
				      VGA_RSRC_LEGACY_IO | VGA_RSRC_LEGACY_MEM);
}

/* Open and close */

/*
 * Devices that claim DisINTx but do not honour it: hide INTx from the
 * user and keep it disabled, rather than share a line we cannot mask.
 */
static bool vfio_pci_nointx(struct pci_dev *pdev)
{
	if (pdev->vendor != PCI_VENDOR_ID_INTEL)
		return false;

	switch (pdev->device) {
	/* i40e: XL710, X710, XXV710 */
	case 0x1572:
	case 0x1574:
	case 0x1580 ... 0x1581:
	case 0x1583 ... 0x158b:
	case 0x37d0 ... 0x37d2:
	/* X550 */
	case 0x1563:
		return true;
	}
	return false;
}

/* Which BARs the user may mmap: memory BARs that own whole pages. */
static void vfio_pci_probe_mmaps(struct vfio_pci_core_device *vdev)
{
	struct vfio_pci_dummy_resource *dummy;
	struct resource *res;
	int bar;

	for (bar = 0; bar < PCI_STD_NUM_BARS; bar++) {
		res = &vdev->pdev->resource[bar];
		vdev->bar_mmap_supported[bar] = false;

		if (!IS_ENABLED(CONFIG_VFIO_PCI_MMAP) ||
		    !(res->flags & IORESOURCE_MEM) || !resource_size(res))
			continue;

		if (resource_size(res) >= PAGE_SIZE) {
			vdev->bar_mmap_supported[bar] = true;
			continue;
		}

		/*
		 * A sub-page BAR at the start of a page can be mapped if we
		 * reserve the rest of the page, so that no BAR of another
		 * device is placed there later.  One in the middle of a page
		 * cannot: the user would not know where in the page it is.
		 */
		if (res->start & ~PAGE_MASK)
			continue;

		dummy = kzalloc(sizeof(*dummy), GFP_KERNEL_ACCOUNT);
		if (!dummy)
			continue;
		dummy->resource.name = "vfio sub-page reserved";
		dummy->resource.start = res->end + 1;
		dummy->resource.end = res->start + PAGE_SIZE - 1;
		dummy->resource.flags = res->flags;
		if (request_resource(res->parent, &dummy->resource)) {
			kfree(dummy);
			continue;
		}
		dummy->index = bar;
		list_add(&dummy->res_next, &vdev->dummy_resources_list);
		vdev->bar_mmap_supported[bar] = true;
	}
}

/* Can the user write the MSI-X table without reaching other interrupts? */
static bool vfio_pci_msix_isolated(struct pci_dev *pdev)
{
	struct iommu_group *group = iommu_group_get(&pdev->dev);
	bool isolated;

	if (!group)
		return false;
	isolated = iommu_group_has_isolated_msi(group);
	iommu_group_put(group);
	return isolated;
}

/**
 * vfio_pci_core_enable - first half of opening a device
 * @vdev: the device; its device set's lock held
 *
 * Powers the device up, enables it, resets it if it can, saves the state
 * to restore at close and builds the virtual config space.  A driver may
 * add regions between this and vfio_pci_core_finish_enable().
 *
 * Return: 0 or a negative errno; -EAGAIN if the PCI core holds the
 * device's lock (a reset or removal is under way).
 */
int vfio_pci_core_enable(struct vfio_pci_core_device *vdev)
{
	struct pci_dev *pdev = vdev->pdev;
	u16 cmd, flags;
	u32 table;
	int ret;

	if (!vdev->disable_idle_d3) {
		ret = pm_runtime_resume_and_get(&pdev->dev);
		if (ret < 0)
			return ret;
	}

	/* The state saved below must not have bus mastering on. */
	pci_clear_master(pdev);

	ret = pci_enable_device(pdev);
	if (ret)
		goto err_power;

	ret = pci_try_reset_function(pdev);
	if (ret == -EAGAIN)
		goto err_disable;
	vdev->reset_works = !ret;

	pci_save_state(pdev);
	vdev->pci_saved_state = pci_store_saved_state(pdev);
	if (!vdev->pci_saved_state)
		pci_dbg(pdev, "could not store the state to restore at close\n");

	vdev->nointx = false;
	vdev->pci_2_3 = false;
	if (likely(!nointxmask)) {
		if (vfio_pci_nointx(pdev)) {
			pci_info(pdev, "hiding INTx: its masking is broken\n");
			vdev->nointx = true;
			pci_intx(pdev, 0);
		} else {
			vdev->pci_2_3 = pci_intx_mask_supported(pdev);
		}
	}

	/* We mask INTx with DisINTx: start from a clear bit. */
	pci_read_config_word(pdev, PCI_COMMAND, &cmd);
	if (vdev->pci_2_3 && (cmd & PCI_COMMAND_INTX_DISABLE))
		pci_write_config_word(pdev, PCI_COMMAND,
				      cmd & ~PCI_COMMAND_INTX_DISABLE);

	ret = vfio_config_init(vdev);
	if (ret)
		goto err_free_state;

	if (pdev->msix_cap) {
		pci_read_config_word(pdev, pdev->msix_cap + PCI_MSIX_FLAGS,
				     &flags);
		pci_read_config_dword(pdev, pdev->msix_cap + PCI_MSIX_TABLE,
				      &table);
		vdev->msix_bar = table & PCI_MSIX_TABLE_BIR;
		vdev->msix_offset = table & PCI_MSIX_TABLE_OFFSET;
		vdev->msix_size = ((flags & PCI_MSIX_FLAGS_QSIZE) + 1) *
				  PCI_MSIX_ENTRY_SIZE;
		vdev->has_dyn_msix = pci_msix_can_alloc_dyn(pdev);
	} else {
		vdev->msix_bar = VFIO_PCI_NO_MSIX_BAR;
		vdev->has_dyn_msix = false;
	}
	vdev->msix_mappable = vfio_pci_msix_isolated(pdev);

	vdev->has_vga = IS_ENABLED(CONFIG_VFIO_PCI_VGA) && !disable_vga &&
			vfio_pci_is_vga(pdev);
	return 0;

err_free_state:
	kfree(vdev->pci_saved_state);
	vdev->pci_saved_state = NULL;
err_disable:
	pci_disable_device(pdev);
err_power:
	if (!vdev->disable_idle_d3)
		pm_runtime_put(&pdev->dev);
	return ret;
}
EXPORT_SYMBOL_GPL(vfio_pci_core_enable);

/**
 * vfio_pci_core_finish_enable - second half of opening a device
 * @vdev: the device, after vfio_pci_core_enable()
 */
void vfio_pci_core_finish_enable(struct vfio_pci_core_device *vdev)
{
	vfio_pci_probe_mmaps(vdev);
	vfio_pci_vf_token_use(vdev, true);
}
EXPORT_SYMBOL_GPL(vfio_pci_core_finish_enable);

/* Reset the function, with the locks a reset needs taken by trylock. */
static bool vfio_pci_try_function_reset(struct pci_dev *pdev)
{
	struct pci_dev *bridge = pci_upstream_bridge(pdev);
	bool done = false;

	/*
	 * pci_try_reset_function() would save and restore the state we
	 * just loaded; the locked variant leaves that to us.
	 */
	if (bridge && !pci_dev_trylock(bridge))
		return false;
	if (pci_dev_trylock(pdev)) {
		done = !__pci_reset_function_locked(pdev);
		pci_dev_unlock(pdev);
	}
	if (bridge)
		pci_dev_unlock(bridge);
	return done;
}

/**
 * vfio_pci_core_disable - undo vfio_pci_core_enable() at close
 * @vdev: the device; its device set's lock held
 *
 * Stops DMA and interrupts, frees what the user set up, then resets the
 * device and restores the state saved at open.  If no function reset is
 * possible, a bus reset is tried once the whole device set is closed.
 */
void vfio_pci_core_disable(struct vfio_pci_core_device *vdev)
{
	struct vfio_pci_dummy_resource *dummy, *tmp;
	struct pci_dev *pdev = vdev->pdev;
	int i;

	lockdep_assert_held(&vdev->vdev.dev_set->lock);

	/* A function reset needs D0 (and D0 restores what D3 lost). */
	vfio_pci_set_power_state(vdev, PCI_D0);

	pci_clear_master(pdev);

	mutex_lock(&vdev->igate);
	vfio_pci_set_irqs_ioctl(vdev, VFIO_IRQ_SET_DATA_NONE |
				VFIO_IRQ_SET_ACTION_TRIGGER, vdev->irq_type,
				0, 0, NULL);
	mutex_unlock(&vdev->igate);

	vfio_pci_ioeventfd_remove_all(vdev);
	vdev->virq_disabled = false;

	for (i = 0; i < vdev->num_regions; i++)
		vdev->region[i].ops->release(vdev, &vdev->region[i]);
	vdev->num_regions = 0;
	kfree(vdev->region);
	vdev->region = NULL;

	vfio_config_free(vdev);

	/* Mappings pin the device file, so none should be left; be sure. */
	vfio_pci_zap_bars(vdev);
	for (i = 0; i < PCI_STD_NUM_BARS; i++) {
		if (!vdev->barmap[i])
			continue;
		pci_iounmap(pdev, vdev->barmap[i]);
		pci_release_selected_regions(pdev, 1 << i);
		vdev->barmap[i] = NULL;
	}

	list_for_each_entry_safe(dummy, tmp, &vdev->dummy_resources_list,
				 res_next) {
		list_del(&dummy->res_next);
		release_resource(&dummy->resource);
		kfree(dummy);
	}

	vdev->needs_reset = true;

	/*
	 * Restore the state saved at open; then a reset, if the device has
	 * one, brings it back to that state cleanly.  Without saved state a
	 * reset of the current state is still better than nothing.
	 */
	if (pci_load_and_free_saved_state(pdev, &vdev->pci_saved_state)) {
		pci_info(pdev, "could not reload the state saved at open\n");
		if (!vdev->reset_works)
			goto out_disable;
		pci_save_state(pdev);
	}

	/* Quiet the device while it resets. */
	pci_write_config_word(pdev, PCI_COMMAND, PCI_COMMAND_INTX_DISABLE);

	if (vdev->reset_works && vfio_pci_try_function_reset(pdev))
		vdev->needs_reset = false;

	pci_restore_state(pdev);
out_disable:
	pci_disable_device(pdev);

	vfio_pci_dev_set_try_reset(vdev->vdev.dev_set);

	if (!vdev->disable_idle_d3)
		pm_runtime_put(&pdev->dev);
}
EXPORT_SYMBOL_GPL(vfio_pci_core_disable);

/**
 * vfio_pci_core_close_device - &vfio_device_ops.close_device for vfio-pci
 * @core_vdev: the device
 */
void vfio_pci_core_close_device(struct vfio_device *core_vdev)
{
	struct vfio_pci_core_device *vdev = to_vfio_pci_core(core_vdev);

	vfio_pci_vf_token_use(vdev, false);
	vfio_pci_core_disable(vdev);

	mutex_lock(&vdev->igate);
	vfio_pci_eventfd_replace_locked(vdev, &vdev->err_trigger, NULL);
	vfio_pci_eventfd_replace_locked(vdev, &vdev->req_trigger, NULL);
	mutex_unlock(&vdev->igate);
}
EXPORT_SYMBOL_GPL(vfio_pci_core_close_device);

/* Device-specific regions */

/**
 * vfio_pci_core_register_dev_region - add a region after the fixed ones
 * @vdev: the device, being opened (between vfio_pci_core_enable() and
 *	  vfio_pci_core_finish_enable())
 * @type: VFIO_REGION_TYPE_*
 * @subtype: VFIO_REGION_SUBTYPE_*
 * @ops: its accessors; @ops->release is called at close
 * @size: its size
 * @flags: VFIO_REGION_INFO_FLAG_* to report
 * @data: the driver's cookie
 *
 * The region gets index VFIO_PCI_NUM_REGIONS + n, in order of
 * registration, and reports @type and @subtype through
 * VFIO_REGION_INFO_CAP_TYPE.
 *
 * Return: 0 or -ENOMEM.
 */
int vfio_pci_core_register_dev_region(struct vfio_pci_core_device *vdev,
				      unsigned int type, unsigned int subtype,
				      const struct vfio_pci_regops *ops,
				      size_t size, u32 flags, void *data)
{
	struct vfio_pci_region *region;

	region = krealloc_array(vdev->region, vdev->num_regions + 1,
				sizeof(*region), GFP_KERNEL_ACCOUNT);
	if (!region)
		return -ENOMEM;

	vdev->region = region;
	region += vdev->num_regions++;
	region->type = type;
	region->subtype = subtype;
	region->ops = ops;
	region->size = size;
	region->flags = flags;
	region->data = data;
	return 0;
}
EXPORT_SYMBOL_GPL(vfio_pci_core_register_dev_region);

/* ioctls: info */

static int vfio_pci_info_atomic_cap(struct vfio_pci_core_device *vdev,
				    struct vfio_info_cap *caps)
{
	static const u32 comp[][2] = {
		{ PCI_EXP_DEVCAP2_ATOMIC_COMP32, VFIO_PCI_ATOMIC_COMP32 },
		{ PCI_EXP_DEVCAP2_ATOMIC_COMP64, VFIO_PCI_ATOMIC_COMP64 },
		{ PCI_EXP_DEVCAP2_ATOMIC_COMP128, VFIO_PCI_ATOMIC_COMP128 },
	};
	struct vfio_device_info_cap_pci_atomic_comp cap = {
		.header.id = VFIO_DEVICE_INFO_CAP_PCI_ATOMIC_COMP,
		.header.version = 1,
	};
	struct pci_dev *pdev = pci_physfn(vdev->pdev);
	u32 devcap2;
	int i;

	/* Which atomics the device completes, if the path to the root routes them */
	pcie_capability_read_dword(pdev, PCI_EXP_DEVCAP2, &devcap2);
	for (i = 0; i < ARRAY_SIZE(comp); i++)
		if ((devcap2 & comp[i][0]) &&
		    !pci_enable_atomic_ops_to_root(pdev, comp[i][0]))
			cap.flags |= comp[i][1];

	if (!cap.flags)
		return 0;
	return vfio_info_add_capability(caps, &cap.header, sizeof(cap));
}

/* VFIO_DEVICE_GET_INFO */
static long vfio_pci_core_get_info(void *owner, struct vfio_ioctl_call *call)
{
	struct vfio_pci_core_device *vdev = owner;
	struct vfio_device_info *info = call->cmd;
	struct vfio_info_cap caps = {};
	int ret;

	info->flags = VFIO_DEVICE_FLAGS_PCI;
	if (vdev->reset_works)
		info->flags |= VFIO_DEVICE_FLAGS_RESET;
	info->num_regions = VFIO_PCI_NUM_REGIONS + vdev->num_regions;
	info->num_irqs = VFIO_PCI_NUM_IRQS;

	ret = vfio_pci_info_atomic_cap(vdev, &caps);
	if (ret) {
		kfree(caps.buf);
		return ret;
	}
	return vfio_info_copy_caps(&caps, &info->argsz, &info->cap_offset,
				   &info->flags, VFIO_DEVICE_FLAGS_CAPS,
				   sizeof(*info), call->uptr);
}

/*
 * Without interrupt isolation the MSI-X table must stay out of the user's
 * mappings: list the parts of the BAR around it, in whole pages.
 */
static int vfio_pci_msix_sparse_cap(struct vfio_pci_core_device *vdev,
				    struct vfio_info_cap *caps)
{
	struct vfio_region_info_cap_sparse_mmap *sparse;
	struct vfio_info_cap_header *header;
	u64 end = pci_resource_len(vdev->pdev, vdev->msix_bar);
	u64 table_start = vdev->msix_offset & PAGE_MASK;
	u64 table_end = PAGE_ALIGN(vdev->msix_offset + vdev->msix_size);
	unsigned int nr_areas = !!table_start + (table_end < end);

	header = vfio_info_cap_add(caps, struct_size(sparse, areas, nr_areas),
				   VFIO_REGION_INFO_CAP_SPARSE_MMAP, 1);
	if (IS_ERR(header))
		return PTR_ERR(header);

	sparse = container_of(header, struct vfio_region_info_cap_sparse_mmap,
			      header);
	sparse->nr_areas = nr_areas;
	nr_areas = 0;
	if (table_start) {
		sparse->areas[nr_areas].offset = 0;
		sparse->areas[nr_areas].size = table_start;
		nr_areas++;
	}
	if (table_end < end) {
		sparse->areas[nr_areas].offset = table_end;
		sparse->areas[nr_areas].size = end - table_end;
	}
	return 0;
}

static int vfio_pci_bar_info(struct vfio_pci_core_device *vdev,
			     struct vfio_region_info *info,
			     struct vfio_info_cap *caps)
{
	struct vfio_info_cap_header msix_mappable = {
		.id = VFIO_REGION_INFO_CAP_MSIX_MAPPABLE,
		.version = 1,
	};

	info->size = pci_resource_len(vdev->pdev, info->index);
	if (!info->size)
		return 0;

	info->flags = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE;
	if (!vdev->bar_mmap_supported[info->index])
		return 0;

	info->flags |= VFIO_REGION_INFO_FLAG_MMAP;
	if (info->index != vdev->msix_bar)
		return 0;
	if (vdev->msix_mappable)
		return vfio_info_add_capability(caps, &msix_mappable,
						sizeof(msix_mappable));
	return vfio_pci_msix_sparse_cap(vdev, caps);
}

static void vfio_pci_rom_info(struct vfio_pci_core_device *vdev,
			      struct vfio_region_info *info)
{
	struct pci_dev *pdev = vdev->pdev;
	void __iomem *io;
	size_t size;
	u16 cmd;

	/* The BAR's size, not the image's: that is what the user maps. */
	info->size = pci_resource_len(pdev, PCI_ROM_RESOURCE);
	if (!info->size) {
		if (!(pdev->resource[PCI_ROM_RESOURCE].flags &
		      IORESOURCE_ROM_SHADOW))
			return;
		info->size = VFIO_PCI_SHADOW_ROM_SIZE;
	}

	/* Only a ROM with a valid image is offered; reading it needs decode. */
	cmd = vfio_pci_memory_lock_and_enable(vdev);
	io = pci_map_rom(pdev, &size);
	if (io) {
		info->flags = VFIO_REGION_INFO_FLAG_READ;
		pci_unmap_rom(pdev, io);
	} else {
		info->size = 0;
	}
	vfio_pci_memory_unlock_and_restore(vdev, cmd);
}

static int vfio_pci_dev_region_info(struct vfio_pci_core_device *vdev,
				    struct vfio_region_info *info,
				    struct vfio_info_cap *caps)
{
	struct vfio_region_info_cap_type cap_type = {
		.header.id = VFIO_REGION_INFO_CAP_TYPE,
		.header.version = 1,
	};
	unsigned int nr = VFIO_PCI_NUM_REGIONS + vdev->num_regions;
	struct vfio_pci_region *region;
	int ret;

	if (info->index >= nr)
		return -EINVAL;
	region = &vdev->region[array_index_nospec(info->index, nr) -
			       VFIO_PCI_NUM_REGIONS];

	info->size = region->size;
	info->flags = region->flags;
	cap_type.type = region->type;
	cap_type.subtype = region->subtype;
	ret = vfio_info_add_capability(caps, &cap_type.header,
				       sizeof(cap_type));
	if (ret || !region->ops->add_capability)
		return ret;
	return region->ops->add_capability(vdev, region, caps);
}

/* VFIO_DEVICE_GET_REGION_INFO */
static long vfio_pci_core_get_region_info(void *owner,
					  struct vfio_ioctl_call *call)
{
	struct vfio_pci_core_device *vdev = owner;
	struct vfio_region_info *info = call->cmd;
	struct vfio_info_cap caps = {};
	int ret = 0;

	info->offset = VFIO_PCI_INDEX_TO_OFFSET(info->index);
	info->size = 0;
	info->cap_offset = 0;

	switch (info->index) {
	case VFIO_PCI_BAR0_REGION_INDEX ... VFIO_PCI_BAR5_REGION_INDEX:
		ret = vfio_pci_bar_info(vdev, info, &caps);
		break;
	case VFIO_PCI_ROM_REGION_INDEX:
		vfio_pci_rom_info(vdev, info);
		break;
	case VFIO_PCI_CONFIG_REGION_INDEX:
		info->size = vdev->pdev->cfg_size;
		info->flags = VFIO_REGION_INFO_FLAG_READ |
			      VFIO_REGION_INFO_FLAG_WRITE;
		break;
	case VFIO_PCI_VGA_REGION_INDEX:
		if (!vdev->has_vga)
			return -EINVAL;
		/* Legacy ranges at their own addresses: up to 0xbffff */
		info->size = 0xc0000;
		info->flags = VFIO_REGION_INFO_FLAG_READ |
			      VFIO_REGION_INFO_FLAG_WRITE;
		break;
	default:
		ret = vfio_pci_dev_region_info(vdev, info, &caps);
		break;
	}
	if (ret) {
		kfree(caps.buf);
		return ret;
	}

	return vfio_info_copy_caps(&caps, &info->argsz, &info->cap_offset,
				   &info->flags, VFIO_REGION_INFO_FLAG_CAPS,
				   sizeof(*info), call->uptr);
}

/* VFIO_DEVICE_GET_IRQ_INFO */
static long vfio_pci_core_get_irq_info(void *owner,
				       struct vfio_ioctl_call *call)
{
	struct vfio_pci_core_device *vdev = owner;
	struct vfio_irq_info *info = call->cmd;

	if (info->index >= VFIO_PCI_NUM_IRQS)
		return -EINVAL;
	if (info->index == VFIO_PCI_ERR_IRQ_INDEX && !pci_is_pcie(vdev->pdev))
		return -EINVAL;

	info->flags = VFIO_IRQ_INFO_EVENTFD;
	info->count = vfio_pci_get_irq_count(vdev, info->index);
	if (info->index == VFIO_PCI_INTX_IRQ_INDEX)
		info->flags |= VFIO_IRQ_INFO_MASKABLE | VFIO_IRQ_INFO_AUTOMASKED;
	else if (info->index != VFIO_PCI_MSIX_IRQ_INDEX || !vdev->has_dyn_msix)
		info->flags |= VFIO_IRQ_INFO_NORESIZE;
	return 0;
}

/* VFIO_DEVICE_SET_IRQS */
static long vfio_pci_core_set_irqs(void *owner, struct vfio_ioctl_call *call)
{
	struct vfio_pci_core_device *vdev = owner;
	struct vfio_irq_set *hdr = call->cmd;
	size_t data_size = 0;
	void *data = NULL;
	int max, ret;

	max = vfio_pci_get_irq_count(vdev, hdr->index);
	ret = vfio_set_irqs_validate_and_prepare(hdr, max, VFIO_PCI_NUM_IRQS,
						 &data_size);
	if (ret)
		return ret;

	if (data_size) {
		data = memdup_user(call->uptr + offsetof(struct vfio_irq_set,
							 data), data_size);
		if (IS_ERR(data))
			return PTR_ERR(data);
	}

	mutex_lock(&vdev->igate);
	ret = vfio_pci_set_irqs_ioctl(vdev, hdr->flags, hdr->index, hdr->start,
				      hdr->count, data);
	mutex_unlock(&vdev->igate);
	kfree(data);
	return ret;
}

/* VFIO_DEVICE_RESET */
static long vfio_pci_core_reset(void *owner, struct vfio_ioctl_call *call)
{
	struct vfio_pci_core_device *vdev = owner;
	int ret;

	if (!vdev->reset_works)
		return -EINVAL;

	vfio_pci_zap_and_down_write_memory_lock(vdev);
	/* The reset needs D0; D0 also restores what D3hot lost. */
	vfio_pci_set_power_state(vdev, PCI_D0);
	ret = pci_try_reset_function(vdev->pdev);
	up_write(&vdev->memory_lock);
	return ret;
}

/* VFIO_DEVICE_IOEVENTFD */
static long vfio_pci_core_ioeventfd(void *owner, struct vfio_ioctl_call *call)
{
	struct vfio_pci_core_device *vdev = owner;
	struct vfio_device_ioeventfd *ioeventfd = call->cmd;
	int count = ioeventfd->flags & VFIO_DEVICE_IOEVENTFD_SIZE_MASK;

	if (hweight8(count) != 1 || ioeventfd->fd < -1)
		return -EINVAL;

	return vfio_pci_ioeventfd(vdev, ioeventfd->offset, ioeventfd->data,
				  count, ioeventfd->fd);
}

static const struct vfio_ioctl_desc vfio_pci_core_ioctls[] = {
	VFIO_IOCTL_INFO(VFIO_DEVICE_GET_INFO, struct vfio_device_info,
			num_irqs, vfio_pci_core_get_info),
	VFIO_IOCTL_INFO(VFIO_DEVICE_GET_REGION_INFO, struct vfio_region_info,
			offset, vfio_pci_core_get_region_info),
	VFIO_IOCTL_INFO(VFIO_DEVICE_GET_IRQ_INFO, struct vfio_irq_info,
			count, vfio_pci_core_get_irq_info),
	VFIO_IOCTL_IN(VFIO_DEVICE_SET_IRQS, struct vfio_irq_set, count,
		      VFIO_IRQ_SET_DATA_TYPE_MASK |
		      VFIO_IRQ_SET_ACTION_TYPE_MASK, vfio_pci_core_set_irqs),
	VFIO_IOCTL_RAW(VFIO_DEVICE_RESET, vfio_pci_core_reset),
	VFIO_IOCTL_INFO(VFIO_DEVICE_GET_PCI_HOT_RESET_INFO,
			struct vfio_pci_hot_reset_info, count,
			vfio_pci_core_get_pci_hot_reset_info),
	VFIO_IOCTL_IN(VFIO_DEVICE_PCI_HOT_RESET, struct vfio_pci_hot_reset,
		      count, 0, vfio_pci_core_pci_hot_reset),
	VFIO_IOCTL_IN(VFIO_DEVICE_IOEVENTFD, struct vfio_device_ioeventfd,
		      fd, VFIO_DEVICE_IOEVENTFD_SIZE_MASK,
		      vfio_pci_core_ioeventfd),
};

/**
 * vfio_pci_core_ioctl - &vfio_device_ops.ioctl for vfio-pci
 * @core_vdev: the device
 * @cmd: ioctl number
 * @arg: its argument
 *
 * Return: what the ioctl's handler returns, -ENOTTY for an ioctl vfio-pci
 * does not know, or -EINVAL/-EFAULT from the common argsz/flags checks.
 */
long vfio_pci_core_ioctl(struct vfio_device *core_vdev, unsigned int cmd,
			 unsigned long arg)
{
	return VFIO_IOCTL_DISPATCH(vfio_pci_core_ioctls,
				   to_vfio_pci_core(core_vdev), cmd, arg);
}
EXPORT_SYMBOL_GPL(vfio_pci_core_ioctl);

/**
 * vfio_pci_core_ioctl_feature - &vfio_device_ops.device_feature for vfio-pci
 * @device: the device
 * @flags: the feature number and the GET/SET/PROBE bits
 * @arg: the feature's payload
 * @argsz: its size
 *
 * Return: 0 or a negative errno; -ENOTTY for an unsupported feature.
 */
int vfio_pci_core_ioctl_feature(struct vfio_device *device, u32 flags,
				void __user *arg, size_t argsz)
{
	switch (flags & VFIO_DEVICE_FEATURE_MASK) {
	case VFIO_DEVICE_FEATURE_PCI_VF_TOKEN:
		return vfio_pci_feature_vf_token(to_vfio_pci_core(device),
						 flags, arg, argsz);
	}
	return -ENOTTY;
}
EXPORT_SYMBOL_GPL(vfio_pci_core_ioctl_feature);

/* read(2) and write(2) */

static ssize_t vfio_pci_rw(struct vfio_pci_core_device *vdev,
			   char __user *buf, size_t count, loff_t *ppos,
			   bool iswrite)
{
	unsigned int index = VFIO_PCI_OFFSET_TO_INDEX(*ppos);
	struct vfio_pci_region *region;

	if (!count)
		return 0;
	if (index >= VFIO_PCI_NUM_REGIONS + vdev->num_regions)
		return -EINVAL;

	switch (index) {
	case VFIO_PCI_CONFIG_REGION_INDEX:
		return vfio_pci_config_rw(vdev, buf, count, ppos, iswrite);
	case VFIO_PCI_ROM_REGION_INDEX:
		if (iswrite)
			return -EINVAL;
		return vfio_pci_bar_rw(vdev, buf, count, ppos, false);
	case VFIO_PCI_BAR0_REGION_INDEX ... VFIO_PCI_BAR5_REGION_INDEX:
		return vfio_pci_bar_rw(vdev, buf, count, ppos, iswrite);
	case VFIO_PCI_VGA_REGION_INDEX:
		return vfio_pci_vga_rw(vdev, buf, count, ppos, iswrite);
	}

	index = array_index_nospec(index, VFIO_PCI_NUM_REGIONS +
					  vdev->num_regions);
	region = &vdev->region[index - VFIO_PCI_NUM_REGIONS];
	return region->ops->rw(vdev, buf, count, ppos, iswrite);
}

/**
 * vfio_pci_core_read - &vfio_device_ops.read for vfio-pci
 * @core_vdev: the device
 * @buf: user buffer
 * @count: bytes
 * @ppos: device fd offset: region index << 40 | offset in the region
 *
 * Return: bytes read, or a negative errno.
 */
ssize_t vfio_pci_core_read(struct vfio_device *core_vdev, char __user *buf,
			   size_t count, loff_t *ppos)
{
	return vfio_pci_rw(to_vfio_pci_core(core_vdev), buf, count, ppos,
			   false);
}
EXPORT_SYMBOL_GPL(vfio_pci_core_read);

/**
 * vfio_pci_core_write - &vfio_device_ops.write for vfio-pci
 * @core_vdev: the device
 * @buf: user buffer
 * @count: bytes
 * @ppos: device fd offset: region index << 40 | offset in the region
 *
 * Return: bytes written, or a negative errno.
 */
ssize_t vfio_pci_core_write(struct vfio_device *core_vdev,
			    const char __user *buf, size_t count,
			    loff_t *ppos)
{
	return vfio_pci_rw(to_vfio_pci_core(core_vdev), (char __user *)buf,
			   count, ppos, true);
}
EXPORT_SYMBOL_GPL(vfio_pci_core_write);

/* mmap of BARs */

/*
 * BAR mappings are not linked to the device fd's file but to a file on
 * this device's own inode, so that vfio_pci_zap_bars() finds them and
 * nothing else.  That file holds the device fd: as long as a mapping
 * exists, the device stays open.
 */
#define VFIO_PCI_FS_MAGIC	0x76706369	/* "vpci" */

static char *vfio_pci_fs_dname(struct dentry *dentry, char *buffer,
			       int buflen)
{
	static const char name[] = "vfio-pci-bar";

	if (buflen < sizeof(name))
		return ERR_PTR(-ENAMETOOLONG);
	return memcpy(buffer + buflen - sizeof(name), name, sizeof(name));
}

static const struct dentry_operations vfio_pci_fs_dentry_ops = {
	.d_dname = vfio_pci_fs_dname,
};

static int vfio_pci_fs_init_fs_context(struct fs_context *fc)
{
	struct pseudo_fs_context *ctx = init_pseudo(fc, VFIO_PCI_FS_MAGIC);

	if (!ctx)
		return -ENOMEM;
	ctx->dops = &vfio_pci_fs_dentry_ops;
	return 0;
}

/*
 * No .owner: the only mount is our own, made at load and undone at
 * unload; a module reference from it would make unloading impossible.
 */
static struct file_system_type vfio_pci_fs_type = {
	.name = "vfio-pci",
	.init_fs_context = vfio_pci_fs_init_fs_context,
	.kill_sb = kill_anon_super,
};

static int vfio_pci_mmap_file_release(struct inode *inode, struct file *file)
{
	fput(file->private_data);
	return 0;
}

static const struct file_operations vfio_pci_mmap_fops = {
	.owner = THIS_MODULE,
	.release = vfio_pci_mmap_file_release,
};

static vm_fault_t vfio_pci_mmap_fault(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct vfio_pci_core_device *vdev = vma->vm_private_data;
	unsigned int index = vma->vm_pgoff >>
			     (VFIO_PCI_OFFSET_SHIFT - PAGE_SHIFT);
	u64 pgoff = vma->vm_pgoff & (VFIO_PCI_OFFSET_MASK >> PAGE_SHIFT);
	unsigned long pfn;
	vm_fault_t ret = VM_FAULT_SIGBUS;

	pfn = (pci_resource_start(vdev->pdev, index) >> PAGE_SHIFT) + pgoff +
	      ((vmf->address - vma->vm_start) >> PAGE_SHIFT);

	/* No decode, no mapping: the user gets SIGBUS, the device nothing. */
	down_read(&vdev->memory_lock);
	if (__vfio_pci_memory_enabled(vdev))
		ret = vmf_insert_pfn(vma, vmf->address, pfn);
	up_read(&vdev->memory_lock);
	return ret;
}

static const struct vm_operations_struct vfio_pci_mmap_ops = {
	.fault = vfio_pci_mmap_fault,
};

/**
 * vfio_pci_core_mmap - &vfio_device_ops.mmap for vfio-pci
 * @core_vdev: the device
 * @vma: the mapping; vm_pgoff encodes region index and offset
 *
 * Memory BARs (whole pages) and device-specific regions that allow it can
 * be mapped, shared only.  Pages are inserted on fault, while the device
 * decodes memory.
 *
 * Return: 0 or a negative errno; -EINVAL for anything not mappable.
 */
int vfio_pci_core_mmap(struct vfio_device *core_vdev,
		       struct vm_area_struct *vma)
{
	struct vfio_pci_core_device *vdev = to_vfio_pci_core(core_vdev);
	struct pci_dev *pdev = vdev->pdev;
	unsigned int index;
	u64 bar_len, req_len, req_start;
	struct file *file;
	int ret;

	index = vma->vm_pgoff >> (VFIO_PCI_OFFSET_SHIFT - PAGE_SHIFT);
	if (index >= VFIO_PCI_NUM_REGIONS + vdev->num_regions)
		return -EINVAL;
	if (vma->vm_end < vma->vm_start || !(vma->vm_flags & VM_SHARED))
		return -EINVAL;

	if (index >= VFIO_PCI_NUM_REGIONS) {
		struct vfio_pci_region *region =
			&vdev->region[index - VFIO_PCI_NUM_REGIONS];

		if (region->ops && region->ops->mmap &&
		    (region->flags & VFIO_REGION_INFO_FLAG_MMAP))
			return region->ops->mmap(vdev, region, vma);
		return -EINVAL;
	}
	if (index >= VFIO_PCI_ROM_REGION_INDEX ||
	    !vdev->bar_mmap_supported[index])
		return -EINVAL;

	bar_len = PAGE_ALIGN(pci_resource_len(pdev, index));
	req_len = vma->vm_end - vma->vm_start;
	req_start = (vma->vm_pgoff << PAGE_SHIFT) & VFIO_PCI_OFFSET_MASK;
	if (req_start + req_len > bar_len)
		return -EINVAL;

	/* The table stays out of reach when interrupts are not isolated. */
	if (index == vdev->msix_bar && !vdev->msix_mappable &&
	    req_start < vdev->msix_offset + vdev->msix_size &&
	    req_start + req_len > vdev->msix_offset)
		return -EINVAL;

	/* Claim the BAR, as read/write would, so no host driver can. */
	ret = vfio_pci_core_setup_barmap(vdev, index);
	if (ret)
		return ret;

	/* The file's fops pin this module, as __fput() will drop it. */
	if (!try_module_get(THIS_MODULE))
		return -ENODEV;
	ihold(vdev->inode);
	file = alloc_file_pseudo(vdev->inode, vfio_pci_mnt, "vfio-pci-bar",
				 O_RDWR, &vfio_pci_mmap_fops);
	if (IS_ERR(file)) {
		iput(vdev->inode);
		module_put(THIS_MODULE);
		return PTR_ERR(file);
	}
	file->private_data = get_file(vma->vm_file);

	vma->vm_private_data = vdev;
	vma->vm_page_prot = pgprot_noncached(vma->vm_page_prot);
	vma->vm_page_prot = pgprot_decrypted(vma->vm_page_prot);
	/* Set now: a fault handler may not change them. */
	vm_flags_set(vma, VM_ALLOW_ANY_UNCACHED | VM_IO | VM_PFNMAP |
		     VM_DONTEXPAND | VM_DONTDUMP);
	vma->vm_ops = &vfio_pci_mmap_ops;
	vma_set_file(vma, file);
	fput(file);
	return 0;
}
EXPORT_SYMBOL_GPL(vfio_pci_core_mmap);

/**
 * vfio_pci_core_request - &vfio_device_ops.request for vfio-pci
 * @core_vdev: the device
 * @count: how often the user was asked already
 *
 * Signals the REQ eventfd, if the user set one, so that the user lets go
 * of the device (it is being unbound).
 */
void vfio_pci_core_request(struct vfio_device *core_vdev, unsigned int count)
{
	struct vfio_pci_core_device *vdev = to_vfio_pci_core(core_vdev);
	struct pci_dev *pdev = vdev->pdev;
	struct vfio_pci_eventfd *eventfd;

	rcu_read_lock();
	eventfd = rcu_dereference(vdev->req_trigger);
	if (eventfd) {
		if (!(count % 10))
			pci_notice_ratelimited(pdev, "asking the user to release the device (#%u)\n",
					       count);
		eventfd_signal(eventfd->ctx);
	} else if (!count) {
		pci_warn(pdev, "no device request channel: blocked until the user releases the device\n");
	}
	rcu_read_unlock();
}
EXPORT_SYMBOL_GPL(vfio_pci_core_request);

/* AER */

/**
 * vfio_pci_core_aer_err_detected - &pci_error_handlers.error_detected
 * @pdev: the device
 * @state: the channel state
 *
 * The error is the user's to handle: signal the ERR eventfd.
 *
 * Return: PCI_ERS_RESULT_CAN_RECOVER.
 */
pci_ers_result_t vfio_pci_core_aer_err_detected(struct pci_dev *pdev,
						pci_channel_state_t state)
{
	struct vfio_pci_core_device *vdev = dev_get_drvdata(&pdev->dev);
	struct vfio_pci_eventfd *eventfd;

	rcu_read_lock();
	eventfd = rcu_dereference(vdev->err_trigger);
	if (eventfd)
		eventfd_signal(eventfd->ctx);
	rcu_read_unlock();
	return PCI_ERS_RESULT_CAN_RECOVER;
}
EXPORT_SYMBOL_GPL(vfio_pci_core_aer_err_detected);

/*
 * vfio_pci_core_err_handlers: &pci_driver.err_handler for vfio-pci
 * drivers; hands AER errors to the user through the ERR eventfd.
 */
const struct pci_error_handlers vfio_pci_core_err_handlers = {
	.error_detected = vfio_pci_core_aer_err_detected,
};
EXPORT_SYMBOL_GPL(vfio_pci_core_err_handlers);

/* Life cycle */

/**
 * vfio_pci_core_init_dev - &vfio_device_ops.init for vfio-pci
 * @core_vdev: the device, just allocated
 *
 * Return: 0 or a negative errno.
 */
int vfio_pci_core_init_dev(struct vfio_device *core_vdev)
{
	struct vfio_pci_core_device *vdev = to_vfio_pci_core(core_vdev);
	struct inode *inode;

	inode = alloc_anon_inode(vfio_pci_mnt->mnt_sb);
	if (IS_ERR(inode))
		return PTR_ERR(inode);

	vdev->inode = inode;
	vdev->pdev = to_pci_dev(core_vdev->dev);
	vdev->irq_type = VFIO_PCI_NUM_IRQS;
	vdev->msix_bar = VFIO_PCI_NO_MSIX_BAR;
	mutex_init(&vdev->igate);
	spin_lock_init(&vdev->irqlock);
	mutex_init(&vdev->ioeventfds_lock);
	INIT_LIST_HEAD(&vdev->dummy_resources_list);
	INIT_LIST_HEAD(&vdev->ioeventfds_list);
	INIT_LIST_HEAD(&vdev->sriov_pfs_item);
	init_rwsem(&vdev->memory_lock);
	xa_init(&vdev->ctx);
	vdev->disable_idle_d3 = disable_idle_d3;
	return 0;
}
EXPORT_SYMBOL_GPL(vfio_pci_core_init_dev);

/**
 * vfio_pci_core_release_dev - &vfio_device_ops.release for vfio-pci
 * @core_vdev: the device, on its last reference
 */
void vfio_pci_core_release_dev(struct vfio_device *core_vdev)
{
	struct vfio_pci_core_device *vdev = to_vfio_pci_core(core_vdev);

	mutex_destroy(&vdev->igate);
	mutex_destroy(&vdev->ioeventfds_lock);
	kfree(vdev->region);
	kfree(vdev->pm_save);
	iput(vdev->inode);
}
EXPORT_SYMBOL_GPL(vfio_pci_core_release_dev);

/**
 * vfio_pci_core_register_device - make a probed device available to users
 * @vdev: the device, allocated with vfio_alloc_device() and set as the
 *	  pci_dev's drvdata
 *
 * Return: 0 or a negative errno; -EINVAL for a bridge, -EBUSY for a PF
 * with VFs enabled (they may be in use by the host).
 */
int vfio_pci_core_register_device(struct vfio_pci_core_device *vdev)
{
	struct pci_dev *pdev = vdev->pdev;
	struct device *dev = &pdev->dev;
	int ret;

	if (WARN_ON(vdev != dev_get_drvdata(dev)))
		return -EINVAL;

	if (pdev->hdr_type != PCI_HEADER_TYPE_NORMAL)
		return -EINVAL;

	/*
	 * We could neither take over existing VFs nor know their users, and
	 * disabling SR-IOV here could wait on an unbind of a VF we drive.
	 */
	if (pci_num_vf(pdev)) {
		pci_warn(pdev, "not binding a PF whose VFs are enabled\n");
		return -EBUSY;
	}

	/* The set is what a reset of this device would also hit. */
	if (pci_is_root_bus(pdev->bus) || pdev->is_virtfn)
		ret = vfio_assign_device_set(&vdev->vdev, vdev);
	else if (!pci_probe_reset_slot(pdev->slot))
		ret = vfio_assign_device_set(&vdev->vdev, pdev->slot);
	else
		ret = vfio_assign_device_set(&vdev->vdev, pdev->bus);
	if (ret)
		return ret;

	ret = vfio_pci_vf_init(vdev);
	if (ret)
		return ret;
	ret = vfio_pci_vga_init(vdev);
	if (ret)
		goto err_vf;

	vfio_pci_probe_power_state(vdev);

	/*
	 * The PCI core leaves an unbound device's power state unknown and
	 * allows only D0 from there; get to D0 so that D3hot is possible
	 * later, then let the idle device suspend.
	 */
	vfio_pci_set_power_state(vdev, PCI_D0);
	pm_runtime_allow(dev);
	if (!vdev->disable_idle_d3)
		pm_runtime_put(dev);

	ret = vfio_register_group_dev(&vdev->vdev);
	if (ret)
		goto err_power;
	return 0;

err_power:
	if (!vdev->disable_idle_d3)
		pm_runtime_get_noresume(dev);
	pm_runtime_forbid(dev);
	vfio_pci_vga_uninit(vdev);
err_vf:
	vfio_pci_vf_uninit(vdev);
	return ret;
}
EXPORT_SYMBOL_GPL(vfio_pci_core_register_device);

/**
 * vfio_pci_core_unregister_device - take a device away from users
 * @vdev: the device
 *
 * Waits until every user closed it (asking them through REQ).
 */
void vfio_pci_core_unregister_device(struct vfio_pci_core_device *vdev)
{
	vfio_pci_core_sriov_configure(vdev, 0);

	vfio_unregister_group_dev(&vdev->vdev);

	vfio_pci_vf_uninit(vdev);
	vfio_pci_vga_uninit(vdev);

	if (!vdev->disable_idle_d3)
		pm_runtime_get_noresume(&vdev->pdev->dev);
	pm_runtime_forbid(&vdev->pdev->dev);
}
EXPORT_SYMBOL_GPL(vfio_pci_core_unregister_device);

/**
 * vfio_pci_core_set_params - options of the driver module
 * @is_nointxmask: never mask INTx with DisINTx; needs exclusive lines
 * @is_disable_vga: do not offer the VGA region
 * @is_disable_idle_d3: keep idle devices in D0
 *
 * Read when devices are opened (INTx, VGA) or allocated (idle D3).
 */
void vfio_pci_core_set_params(bool is_nointxmask, bool is_disable_vga,
			      bool is_disable_idle_d3)
{
	nointxmask = is_nointxmask;
	disable_vga = is_disable_vga;
	disable_idle_d3 = is_disable_idle_d3;
}
EXPORT_SYMBOL_GPL(vfio_pci_core_set_params);

static int __init vfio_pci_core_init(void)
{
	vfio_pci_mnt = kern_mount(&vfio_pci_fs_type);
	return PTR_ERR_OR_ZERO(vfio_pci_mnt);
}

static void __exit vfio_pci_core_exit(void)
{
	kern_unmount(vfio_pci_mnt);
}

module_init(vfio_pci_core_init);
module_exit(vfio_pci_core_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION(DRIVER_DESC);
/*
 * DKMS installs a module over the kernel's own only if their versions
 * differ, and the kernel's has none (dkms.conf).
 */
MODULE_VERSION("0.1");
