// SPDX-License-Identifier: GPL-2.0-only
/*
 * SR-IOV with vfio-pci: VFs of a PF bound to vfio-pci, and the VF token.
 *
 * A PF's user can disturb its VFs (reset them, at least) and may see what
 * they do; VF and PF users therefore share a secret, the VF token, chosen
 * by the PF's user.  A VF whose PF is ours is opened only with the token
 * appended to its name: "0000:04:10.0 vf_token=<uuid>".  A PF with VFs in
 * use is opened only with the current token.
 */
#include <linux/pci.h>
#include <linux/pm_runtime.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/uuid.h>

#include "vfio_pci_priv.h"

/**
 * struct vfio_pci_vf_token - the secret shared by a PF's and its VFs' users
 * @lock: protects @uuid and @users
 * @uuid: the token
 * @users: open VFs of the PF
 */
struct vfio_pci_vf_token {
	struct mutex lock; /* see above */
	uuid_t uuid;
	int users;
};

/* PFs that enabled SR-IOV through vfio_pci_core_sriov_configure() */
static DEFINE_MUTEX(vfio_pci_sriov_pfs_mutex);
static LIST_HEAD(vfio_pci_sriov_pfs);

/**
 * vfio_pci_vf_token_use - count an open VF against its PF's token
 * @vdev: the device being opened or closed
 * @open: true at open, false at close
 *
 * While VFs are open, the PF is opened only with the current token.
 */
void vfio_pci_vf_token_use(struct vfio_pci_core_device *vdev, bool open)
{
	struct vfio_pci_core_device *pf = vdev->sriov_pf_core_dev;

	if (!pf)
		return;
	mutex_lock(&pf->vf_token->lock);
	if (open)
		pf->vf_token->users++;
	else if (!WARN_ON(!pf->vf_token->users))
		pf->vf_token->users--;
	mutex_unlock(&pf->vf_token->lock);
}

/**
 * vfio_pci_feature_vf_token - VFIO_DEVICE_FEATURE_PCI_VF_TOKEN
 * @vdev: the device
 * @flags: the feature's GET/SET/PROBE bits
 * @arg: the user's uuid
 * @argsz: its size
 *
 * A PF's user sets the token its VFs' users must present.
 *
 * Return: 0 or a negative errno; -ENOTTY for a device that is no PF.
 */
int vfio_pci_feature_vf_token(struct vfio_pci_core_device *vdev,
			      u32 flags, uuid_t __user *arg,
			      size_t argsz)
{
	uuid_t uuid;
	int ret;

	if (!vdev->vf_token)
		return -ENOTTY;
	/* No GET: it would hand out the previous user's token. */
	ret = vfio_check_feature(flags, argsz, VFIO_DEVICE_FEATURE_SET,
				 sizeof(uuid));
	if (ret != 1)
		return ret;

	if (copy_from_user(&uuid, arg, sizeof(uuid)))
		return -EFAULT;

	mutex_lock(&vdev->vf_token->lock);
	uuid_copy(&vdev->vf_token->uuid, &uuid);
	mutex_unlock(&vdev->vf_token->lock);
	return 0;
}

static int vfio_pci_validate_vf_token(struct vfio_pci_core_device *vdev,
				      bool has_token, uuid_t *uuid)
{
	struct pci_dev *pdev = vdev->pdev;
	struct vfio_pci_core_device *pf = vdev->sriov_pf_core_dev;
	int ret = 0;

	if (pdev->is_virtfn) {
		if (!pf) {
			if (!has_token)
				return 0;
			pci_info_ratelimited(pdev, "VF token given, but the PF is not bound to vfio-pci\n");
			return -EINVAL;
		}
		if (!has_token) {
			pci_info_ratelimited(pdev, "opening needs the VF token\n");
			return -EACCES;
		}
		mutex_lock(&pf->vf_token->lock);
		if (!uuid_equal(uuid, &pf->vf_token->uuid)) {
			pci_info_ratelimited(pdev, "wrong VF token\n");
			ret = -EACCES;
		}
		mutex_unlock(&pf->vf_token->lock);
		return ret;
	}

	if (!vdev->vf_token) {
		if (!has_token)
			return 0;
		pci_info_ratelimited(pdev, "VF token given, but the device is no PF or VF\n");
		return -EINVAL;
	}

	mutex_lock(&vdev->vf_token->lock);
	if (vdev->vf_token->users) {
		if (!has_token) {
			pci_info_ratelimited(pdev, "opening needs the VF token\n");
			ret = -EACCES;
		} else if (!uuid_equal(uuid, &vdev->vf_token->uuid)) {
			pci_info_ratelimited(pdev, "wrong VF token\n");
			ret = -EACCES;
		}
	} else if (has_token) {
		/* No VF in use: the PF's user chooses the token. */
		uuid_copy(&vdev->vf_token->uuid, uuid);
	}
	mutex_unlock(&vdev->vf_token->lock);
	return ret;
}

#define VFIO_PCI_VF_TOKEN_ARG	"vf_token="

/**
 * vfio_pci_core_match - &vfio_device_ops.match for vfio-pci
 * @core_vdev: the device
 * @buf: the name given to VFIO_GROUP_GET_DEVICE_FD: the PCI name,
 *	 optionally followed by " vf_token=<uuid>"
 *
 * Return: 1 for a match, 0 for another device's name, or a negative errno
 * for this device's name with a bad or missing VF token.
 */
int vfio_pci_core_match(struct vfio_device *core_vdev, char *buf)
{
	struct vfio_pci_core_device *vdev = to_vfio_pci_core(core_vdev);
	const char *name = pci_name(vdev->pdev);
	size_t len = strlen(name);
	bool has_token = false;
	uuid_t uuid;
	int ret;

	if (strncmp(name, buf, len))
		return 0;
	buf += len;
	if (*buf && *buf != ' ')
		return 0;

	while (*buf) {
		if (*buf == ' ') {
			buf++;
			continue;
		}
		/* One token, and no other option. */
		if (has_token || strncmp(buf, VFIO_PCI_VF_TOKEN_ARG,
					 strlen(VFIO_PCI_VF_TOKEN_ARG)))
			return -EINVAL;
		buf += strlen(VFIO_PCI_VF_TOKEN_ARG);
		if (strlen(buf) < UUID_STRING_LEN)
			return -EINVAL;
		ret = uuid_parse(buf, &uuid);
		if (ret)
			return ret;
		has_token = true;
		buf += UUID_STRING_LEN;
	}

	ret = vfio_pci_validate_vf_token(vdev, has_token, &uuid);
	return ret ? ret : 1;
}
EXPORT_SYMBOL_GPL(vfio_pci_core_match);

/* New VFs of a PF we drive are bound to the same driver, not the host's. */
static int vfio_pci_bus_notifier(struct notifier_block *nb,
				 unsigned long action, void *data)
{
	struct vfio_pci_core_device *vdev =
		container_of(nb, struct vfio_pci_core_device, nb);
	struct pci_dev *pdev = to_pci_dev(data);
	struct pci_driver *drv;

	if (!pdev->is_virtfn || pci_physfn(pdev) != vdev->pdev)
		return 0;

	if (action == BUS_NOTIFY_ADD_DEVICE) {
		pci_info(vdev->pdev, "VF %s will bind to this PF's driver\n",
			 pci_name(pdev));
		WARN_ON(device_set_driver_override(&pdev->dev,
						   vdev->vdev.ops->name));
	} else if (action == BUS_NOTIFY_BOUND_DRIVER) {
		drv = pci_dev_driver(pdev);
		if (drv && drv != pci_dev_driver(vdev->pdev))
			pci_warn(vdev->pdev, "VF %s went to %s, not to its PF's %s\n",
				 pci_name(pdev), drv->name,
				 pci_dev_driver(vdev->pdev)->name);
	}
	return 0;
}

/**
 * vfio_pci_vf_init - SR-IOV state of a device being registered
 * @vdev: the device
 *
 * A VF finds its PF, if the PF is ours; a PF gets a VF token and watches
 * for its VFs to appear.
 *
 * Return: 0 or a negative errno.
 */
int vfio_pci_vf_init(struct vfio_pci_core_device *vdev)
{
	struct pci_dev *pdev = vdev->pdev;
	struct vfio_pci_core_device *cur;
	int ret;

	if (pdev->is_virtfn) {
		/*
		 * A VF created by our vfio_pci_core_sriov_configure() finds
		 * its PF here; pci_disable_sriov() removes the VF before the
		 * PF can go.
		 */
		mutex_lock(&vfio_pci_sriov_pfs_mutex);
		list_for_each_entry(cur, &vfio_pci_sriov_pfs, sriov_pfs_item) {
			if (cur->pdev == pci_physfn(pdev)) {
				vdev->sriov_pf_core_dev = cur;
				break;
			}
		}
		mutex_unlock(&vfio_pci_sriov_pfs_mutex);
		return 0;
	}

	if (!pdev->is_physfn)
		return 0;

	vdev->vf_token = kzalloc(sizeof(*vdev->vf_token), GFP_KERNEL);
	if (!vdev->vf_token)
		return -ENOMEM;
	mutex_init(&vdev->vf_token->lock);
	uuid_gen(&vdev->vf_token->uuid);

	vdev->nb.notifier_call = vfio_pci_bus_notifier;
	ret = bus_register_notifier(&pci_bus_type, &vdev->nb);
	if (ret) {
		mutex_destroy(&vdev->vf_token->lock);
		kfree(vdev->vf_token);
		vdev->vf_token = NULL;
	}
	return ret;
}

/**
 * vfio_pci_vf_uninit - undo vfio_pci_vf_init()
 * @vdev: the device
 */
void vfio_pci_vf_uninit(struct vfio_pci_core_device *vdev)
{
	if (!vdev->vf_token)
		return;

	bus_unregister_notifier(&pci_bus_type, &vdev->nb);
	WARN_ON(vdev->vf_token->users);
	mutex_destroy(&vdev->vf_token->lock);
	kfree(vdev->vf_token);
	vdev->vf_token = NULL;
}

/**
 * vfio_pci_core_sriov_configure - &pci_driver.sriov_configure for vfio-pci
 * @vdev: the PF
 * @nr_virtfn: VFs to enable; 0 disables them
 *
 * Called with the PF's device lock held.
 *
 * Return: @nr_virtfn, 0 after disabling, or a negative errno; -EINVAL if
 * VFs are enabled already.
 */
int vfio_pci_core_sriov_configure(struct vfio_pci_core_device *vdev,
				  int nr_virtfn)
{
	struct pci_dev *pdev = vdev->pdev;
	int ret = 0;

	device_lock_assert(&pdev->dev);

	if (nr_virtfn) {
		mutex_lock(&vfio_pci_sriov_pfs_mutex);
		/* Whoever puts us on the list is the one to enable. */
		if (!list_empty(&vdev->sriov_pfs_item)) {
			ret = -EINVAL;
			goto out_unlock;
		}
		list_add_tail(&vdev->sriov_pfs_item, &vfio_pci_sriov_pfs);
		mutex_unlock(&vfio_pci_sriov_pfs_mutex);

		/* VFs need their PF in D0 for as long as they exist. */
		ret = pm_runtime_resume_and_get(&pdev->dev);
		if (ret)
			goto out_del;

		down_write(&vdev->memory_lock);
		vfio_pci_set_power_state(vdev, PCI_D0);
		vdev->sriov_active = true;
		up_write(&vdev->memory_lock);

		ret = pci_enable_sriov(pdev, nr_virtfn);
		if (ret) {
			pm_runtime_put(&pdev->dev);
			goto out_del;
		}
		return nr_virtfn;
	}

	if (pci_num_vf(pdev)) {
		pci_disable_sriov(pdev);
		pm_runtime_put(&pdev->dev);
	}

out_del:
	/* A race with a power change at worst fails it with -EBUSY. */
	vdev->sriov_active = false;
	mutex_lock(&vfio_pci_sriov_pfs_mutex);
	list_del_init(&vdev->sriov_pfs_item);
out_unlock:
	mutex_unlock(&vfio_pci_sriov_pfs_mutex);
	return ret;
}
EXPORT_SYMBOL_GPL(vfio_pci_core_sriov_configure);
