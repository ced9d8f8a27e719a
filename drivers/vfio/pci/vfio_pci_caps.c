// SPDX-License-Identifier: GPL-2.0-only
/*
 * The capabilities a vfio-pci user sees, one table each: which registers
 * read from our copy of config space, which the user may write, and what
 * happens on the writes the device must not see as they are (power state
 * changes, function resets, VPD access, MSI enable).
 *
 * vfio_pci_caps[] at the end lists every capability; the machinery that
 * applies the tables is in vfio_pci_config.c.
 */
#include <linux/bitfield.h>
#include <linux/pci.h>

#include "vfio_pci_config.h"

/* Power management */

/*
 * The user may move the device between power states, but through us: we
 * save and restore state around D3hot for devices that lose it, and take
 * the user's BAR mappings away while the device does not decode.
 */
static int vfio_pci_pm_write(struct vfio_pci_core_device *vdev,
			     const struct vfio_pci_cap_instance *inst,
			     unsigned int pos, unsigned int count, u32 val)
{
	static const pci_power_t states[] = {
		PCI_D0, PCI_D1, PCI_D2, PCI_D3hot,
	};
	pci_power_t state;
	int ret;

	ret = vfio_pci_cfg_write(vdev, inst, pos, count, val);
	if (ret || pos - inst->start != PCI_PM_CTRL)
		return ret;

	state = states[val & PCI_PM_CTRL_STATE_MASK];
	if (vfio_pci_power_depth(state) >= vfio_pci_power_depth(PCI_D3hot))
		vfio_pci_zap_and_down_write_memory_lock(vdev);
	else
		down_write(&vdev->memory_lock);
	vfio_pci_set_power_state(vdev, state);
	up_write(&vdev->memory_lock);
	return 0;
}

static const struct vfio_pci_reg vfio_pci_pm_regs[] = {
	/*
	 * PME cannot be delivered to the user: the host handles it.  Hide
	 * PME support, enable and status.  The power state bits are set
	 * by vfio_pci_pm_write().
	 */
	REG(PCI_PM_PMC,		2, PCI_PM_CAP_PME_MASK, 0),
	REG(PCI_PM_CTRL,	4, PCI_PM_CTRL_PME_ENABLE | PCI_PM_CTRL_PME_STATUS,
	    ~(PCI_PM_CTRL_PME_ENABLE | PCI_PM_CTRL_PME_STATUS |
	      PCI_PM_CTRL_STATE_MASK)),
	{}
};

/* Vital product data */

/*
 * Address and data are virtual; a write of the address register with the
 * flag set or clear performs the VPD write or read through the PCI core,
 * which serialises with the host's own VPD users.
 */
static int vfio_pci_vpd_write(struct vfio_pci_core_device *vdev,
			      const struct vfio_pci_cap_instance *inst,
			      unsigned int pos, unsigned int count, u32 val)
{
	unsigned int addr_pos = inst->start + PCI_VPD_ADDR;
	unsigned int data_pos = inst->start + PCI_VPD_DATA;
	u32 data;
	u16 addr;
	int ret;

	ret = vfio_pci_cfg_write(vdev, inst, pos, count, val);
	if (ret || !vfio_pci_covers(inst, pos, count, PCI_VPD_ADDR + 1))
		return ret;

	addr = vfio_pci_vconfig_get(vdev, addr_pos, 2);
	if (addr & PCI_VPD_ADDR_F) {
		data = vfio_pci_vconfig_get(vdev, data_pos, 4);
		if (pci_write_vpd(vdev->pdev, addr & ~PCI_VPD_ADDR_F,
				  sizeof(data), &data) != sizeof(data))
			return 0;
	} else {
		data = 0;
		if (pci_read_vpd(vdev->pdev, addr, sizeof(data), &data) < 0)
			return 0;
		vfio_pci_vconfig_set(vdev, data_pos, 4, data);
	}

	/* Completion: the flag flips.  On failure it never does. */
	vfio_pci_vconfig_set(vdev, addr_pos, 2, addr ^ PCI_VPD_ADDR_F);
	return 0;
}

static const struct vfio_pci_reg vfio_pci_vpd_regs[] = {
	VIRT_RW(PCI_VPD_ADDR,	2),
	VIRT_RW(PCI_VPD_DATA,	4),
	{}
};

/* MSI: enabling goes through VFIO_DEVICE_SET_IRQS, never through here */

static int vfio_pci_msi_read(struct vfio_pci_core_device *vdev,
			     const struct vfio_pci_cap_instance *inst,
			     unsigned int pos, unsigned int count, u32 *val)
{
	unsigned int flags_pos = inst->start + PCI_MSI_FLAGS;
	u16 flags;

	/* Multiple Message Capable: what SET_IRQS enabled. */
	if (vfio_pci_covers(inst, pos, count, PCI_MSI_FLAGS)) {
		flags = vfio_pci_vconfig_get(vdev, flags_pos, 2);
		flags &= ~PCI_MSI_FLAGS_QMASK;
		flags |= vdev->msi_qmax << 1;
		vfio_pci_vconfig_set(vdev, flags_pos, 2, flags);
	}
	return vfio_pci_cfg_read(vdev, inst, pos, count, val);
}

static int vfio_pci_msi_write(struct vfio_pci_core_device *vdev,
			      const struct vfio_pci_cap_instance *inst,
			      unsigned int pos, unsigned int count, u32 val)
{
	unsigned int flags_pos = inst->start + PCI_MSI_FLAGS;
	u16 flags;
	int ret;

	ret = vfio_pci_cfg_write(vdev, inst, pos, count, val);
	if (ret || !vfio_pci_covers(inst, pos, count, PCI_MSI_FLAGS))
		return ret;

	flags = vfio_pci_vconfig_get(vdev, flags_pos, 2);
	if (vdev->irq_type != VFIO_PCI_MSI_IRQ_INDEX)
		flags &= ~PCI_MSI_FLAGS_ENABLE;
	if (FIELD_GET(PCI_MSI_FLAGS_QSIZE, flags) > vdev->msi_qmax) {
		flags &= ~PCI_MSI_FLAGS_QSIZE;
		flags |= FIELD_PREP(PCI_MSI_FLAGS_QSIZE, vdev->msi_qmax);
	}
	vfio_pci_vconfig_set(vdev, flags_pos, 2, flags);
	return pci_user_write_config_word(vdev->pdev, flags_pos, flags);
}

/*
 * Message address and data are the host's to program (the user's values
 * would be meaningless on the host); enable and vector count are ours,
 * and the per-vector mask and pending bits are the device's.  Only the
 * low byte of the control register holds anything to virtualize.
 */
static const struct vfio_pci_reg vfio_pci_msi_regs[] = {
	VIRT_RW(PCI_MSI_FLAGS,		1),
	VIRT_RW(PCI_MSI_ADDRESS_LO,	4),
	VIRT_RW(PCI_MSI_DATA_32,	2),
	{}
};

static const struct vfio_pci_reg vfio_pci_msi_mask_regs[] = {
	VIRT_RW(PCI_MSI_FLAGS,		1),
	VIRT_RW(PCI_MSI_ADDRESS_LO,	4),
	VIRT_RW(PCI_MSI_DATA_32,	2),
	PASS_RW(PCI_MSI_MASK_32,	4),
	PASS_RW(PCI_MSI_PENDING_32,	4),
	{}
};

static const struct vfio_pci_reg vfio_pci_msi64_regs[] = {
	VIRT_RW(PCI_MSI_FLAGS,		1),
	VIRT_RW(PCI_MSI_ADDRESS_LO,	4),
	VIRT_RW(PCI_MSI_ADDRESS_HI,	4),
	VIRT_RW(PCI_MSI_DATA_64,	2),
	{}
};

static const struct vfio_pci_reg vfio_pci_msi64_mask_regs[] = {
	VIRT_RW(PCI_MSI_FLAGS,		1),
	VIRT_RW(PCI_MSI_ADDRESS_LO,	4),
	VIRT_RW(PCI_MSI_ADDRESS_HI,	4),
	VIRT_RW(PCI_MSI_DATA_64,	2),
	PASS_RW(PCI_MSI_MASK_64,	4),
	PASS_RW(PCI_MSI_PENDING_64,	4),
	{}
};

#define VFIO_PCI_MSI_CAP(_name, _regs, _len) {				\
	.name = _name, .id = PCI_CAP_ID_MSI, .len = _len, .regs = _regs, \
	.read = vfio_pci_msi_read, .write = vfio_pci_msi_write,	\
}

/* The four layouts of the MSI capability; see vfio_pci_msi_layout(). */
static const struct vfio_pci_cap vfio_pci_msi_caps[] = {
	VFIO_PCI_MSI_CAP("MSI",			vfio_pci_msi_regs,	  10),
	VFIO_PCI_MSI_CAP("MSI, maskable",	vfio_pci_msi_mask_regs,	  20),
	VFIO_PCI_MSI_CAP("MSI 64-bit",		vfio_pci_msi64_regs,	  14),
	VFIO_PCI_MSI_CAP("MSI 64-bit, maskable", vfio_pci_msi64_mask_regs, 24),
};

/**
 * vfio_pci_msi_layout - the MSI capability type matching a device's layout
 * @vdev: the device
 * @pos: config offset of its MSI capability
 *
 * Return: one of vfio_pci_msi_caps[], or NULL if config space is not
 * readable.
 */
const struct vfio_pci_cap *
vfio_pci_msi_layout(struct vfio_pci_core_device *vdev, unsigned int pos)
{
	u16 flags;

	if (pci_read_config_word(vdev->pdev, pos + PCI_MSI_FLAGS, &flags))
		return NULL;
	return &vfio_pci_msi_caps[!!(flags & PCI_MSI_FLAGS_MASKBIT) +
				  2 * !!(flags & PCI_MSI_FLAGS_64BIT)];
}

/* PCI-X */

static const struct vfio_pci_reg vfio_pci_pcix_regs[] = {
	PASS_RW(PCI_X_CMD,	2),
	PASS_RW(PCI_X_ECC_CSR,	4),
	{}
};

/* Extended capabilities are looked for when a capability says they exist. */
static void vfio_pci_probe_extended_caps(struct vfio_pci_core_device *vdev)
{
	u32 header;

	if (vdev->pdev->cfg_size <= PCI_CFG_SPACE_SIZE)
		return;
	pci_read_config_dword(vdev->pdev, PCI_CFG_SPACE_SIZE, &header);
	vdev->extended_caps = header != 0;
}

static int vfio_pci_pcix_length(struct vfio_pci_core_device *vdev,
				unsigned int pos)
{
	u16 cmd;
	int ret;

	ret = pci_read_config_word(vdev->pdev, pos + PCI_X_CMD, &cmd);
	if (ret)
		return pcibios_err_to_errno(ret);
	if (!PCI_X_CMD_VERSION(cmd))
		return PCI_CAP_PCIX_SIZEOF_V0;
	vfio_pci_probe_extended_caps(vdev);
	return PCI_CAP_PCIX_SIZEOF_V2;
}

/* PCI Express */

/*
 * Function level reset, requested through the virtual FLR bit, and the
 * max read request size, which may not go below the max payload size.
 */
static int vfio_pci_exp_write(struct vfio_pci_core_device *vdev,
			      const struct vfio_pci_cap_instance *inst,
			      unsigned int pos, unsigned int count, u32 val)
{
	unsigned int ctl_pos = inst->start + PCI_EXP_DEVCTL;
	u16 old_ctl = vfio_pci_vconfig_get(vdev, ctl_pos, 2);
	u16 ctl;
	u32 cap;
	int ret, readrq;

	ret = vfio_pci_cfg_write(vdev, inst, pos, count, val);
	if (ret)
		return ret;

	ctl = vfio_pci_vconfig_get(vdev, ctl_pos, 2);
	if (ctl & PCI_EXP_DEVCTL_BCR_FLR) {
		/* Reads as zero, as the spec wants. */
		ctl &= ~PCI_EXP_DEVCTL_BCR_FLR;
		vfio_pci_vconfig_set(vdev, ctl_pos, 2, ctl);

		ret = pci_user_read_config_dword(vdev->pdev,
						 inst->start + PCI_EXP_DEVCAP,
						 &cap);
		if (!ret && (cap & PCI_EXP_DEVCAP_FLR)) {
			vfio_pci_zap_and_down_write_memory_lock(vdev);
			pci_try_reset_function(vdev->pdev);
			up_write(&vdev->memory_lock);
		}
	}

	/*
	 * MPS is only ever virtual: the right value depends on the whole
	 * fabric.  MRRS goes to the device, but never below MPS, so that a
	 * cautious user still gets full-size transfers.
	 */
	if ((ctl ^ old_ctl) & PCI_EXP_DEVCTL_READRQ) {
		readrq = 128 << FIELD_GET(PCI_EXP_DEVCTL_READRQ, ctl);
		pcie_set_readrq(vdev->pdev,
				max(readrq, pcie_get_mps(vdev->pdev)));
	}
	return 0;
}

static int vfio_pci_exp_length(struct vfio_pci_core_device *vdev,
			       unsigned int pos)
{
	struct pci_dev *pdev = vdev->pdev;
	bool rc_end = pci_pcie_type(pdev) == PCI_EXP_TYPE_RC_END;

	vfio_pci_probe_extended_caps(vdev);
	if ((pcie_caps_reg(pdev) & PCI_EXP_FLAGS_VERS) == 1)
		return rc_end ? PCI_CAP_EXP_RC_ENDPOINT_SIZEOF_V1 :
				PCI_CAP_EXP_ENDPOINT_SIZEOF_V1;
	return rc_end ? PCI_CAP_EXP_RC_ENDPOINT_SIZEOF_V2 :
			PCI_CAP_EXP_ENDPOINT_SIZEOF_V2;
}

static const struct vfio_pci_reg vfio_pci_exp_regs[] = {
	/*
	 * Phantom functions would issue requests the IOMMU does not
	 * expect.  FLR, max payload and max read request are handled by
	 * vfio_pci_exp_write().
	 */
	REG(PCI_EXP_DEVCTL,	2, PCI_EXP_DEVCTL_BCR_FLR | PCI_EXP_DEVCTL_PAYLOAD |
				   PCI_EXP_DEVCTL_READRQ,
				   ~PCI_EXP_DEVCTL_PHANTOM),
	/* ARI forwarding was set up by the host at enumeration. */
	REG(PCI_EXP_DEVCTL2,	2, 0, ~PCI_EXP_DEVCTL2_ARI),
	{}
};

/* Advanced features: its FLR, like the PCIe one */

static int vfio_pci_af_write(struct vfio_pci_core_device *vdev,
			     const struct vfio_pci_cap_instance *inst,
			     unsigned int pos, unsigned int count, u32 val)
{
	unsigned int ctrl_pos = inst->start + PCI_AF_CTRL;
	u8 ctrl, cap;
	int ret;

	ret = vfio_pci_cfg_write(vdev, inst, pos, count, val);
	if (ret)
		return ret;

	ctrl = vdev->vconfig[ctrl_pos];
	if (!(ctrl & PCI_AF_CTRL_FLR))
		return 0;
	vdev->vconfig[ctrl_pos] = ctrl & ~PCI_AF_CTRL_FLR;

	ret = pci_user_read_config_byte(vdev->pdev, inst->start + PCI_AF_CAP,
					&cap);
	if (!ret && (cap & PCI_AF_CAP_FLR) && (cap & PCI_AF_CAP_TP)) {
		vfio_pci_zap_and_down_write_memory_lock(vdev);
		pci_try_reset_function(vdev->pdev);
		up_write(&vdev->memory_lock);
	}
	return 0;
}

static const struct vfio_pci_reg vfio_pci_af_regs[] = {
	REG(PCI_AF_CTRL,	1, PCI_AF_CTRL_FLR, PCI_AF_CTRL_FLR),
	{}
};

/* Lengths of the variable-length capabilities */

static int vfio_pci_vndr_length(struct vfio_pci_core_device *vdev,
				unsigned int pos)
{
	u8 len;
	int ret;

	ret = pci_read_config_byte(vdev->pdev, pos + PCI_CAP_FLAGS, &len);
	return ret ? pcibios_err_to_errno(ret) : len;
}

static int vfio_pci_ht_length(struct vfio_pci_core_device *vdev,
			      unsigned int pos)
{
	u8 byte;
	int ret;

	ret = pci_read_config_byte(vdev->pdev, pos + 3, &byte);
	if (ret)
		return pcibios_err_to_errno(ret);
	return byte & HT_3BIT_CAP_MASK ? HT_CAP_SIZEOF_SHORT :
					 HT_CAP_SIZEOF_LONG;
}

static int vfio_pci_sata_length(struct vfio_pci_core_device *vdev,
				unsigned int pos)
{
	u8 byte;
	int ret;

	ret = pci_read_config_byte(vdev->pdev, pos + PCI_SATA_REGS, &byte);
	if (ret)
		return pcibios_err_to_errno(ret);
	return (byte & PCI_SATA_REGS_MASK) == PCI_SATA_REGS_INLINE ?
	       PCI_SATA_SIZEOF_LONG : PCI_SATA_SIZEOF_SHORT;
}

static int vfio_pci_ext_vndr_length(struct vfio_pci_core_device *vdev,
				    unsigned int pos)
{
	u32 dword;
	int ret;

	ret = pci_read_config_dword(vdev->pdev, pos + PCI_VSEC_HDR, &dword);
	return ret ? pcibios_err_to_errno(ret) : dword >> PCI_VSEC_HDR_LEN_SHIFT;
}

/*
 * Virtual channel: the base registers and one set per VC.  The user may
 * not write the arbitration tables, so only their presence matters.
 */
static int vfio_pci_vc_length(struct vfio_pci_core_device *vdev,
			      unsigned int pos)
{
	struct pci_dev *pdev = vdev->pdev;
	int len = PCI_CAP_VC_BASE_SIZEOF, phases = 0;
	u32 cap1, cap2;
	int ret;

	ret = pci_read_config_dword(pdev, pos + PCI_VC_PORT_CAP1, &cap1);
	if (!ret)
		ret = pci_read_config_dword(pdev, pos + PCI_VC_PORT_CAP2, &cap2);
	if (ret)
		return pcibios_err_to_errno(ret);

	if (cap2 & PCI_VC_CAP2_128_PHASE)
		phases = 128;
	else if (cap2 & PCI_VC_CAP2_64_PHASE)
		phases = 64;
	else if (cap2 & PCI_VC_CAP2_32_PHASE)
		phases = 32;

	len += (1 + (cap1 & PCI_VC_CAP1_EVCC)) * PCI_CAP_VC_PER_VC_SIZEOF;
	if (phases)
		len = round_up(len, 16) + phases * 4 / 8;
	return len;
}

static int vfio_pci_acs_length(struct vfio_pci_core_device *vdev,
			       unsigned int pos)
{
	u8 cap, bits;
	int ret;

	ret = pci_read_config_byte(vdev->pdev, pos + PCI_ACS_CAP, &cap);
	if (ret)
		return pcibios_err_to_errno(ret);
	if (!(cap & PCI_ACS_EC))
		return 8;

	ret = pci_read_config_byte(vdev->pdev, pos + PCI_ACS_EGRESS_BITS,
				   &bits);
	if (ret)
		return pcibios_err_to_errno(ret);
	/* Zero encodes 256 bits. */
	return 8 + (bits ? round_up(bits, 32) : 256) / 8;
}

static int vfio_pci_rebar_length(struct vfio_pci_core_device *vdev,
				 unsigned int pos)
{
	u8 ctrl;
	int ret;

	ret = pci_read_config_byte(vdev->pdev, pos + PCI_REBAR_CTRL, &ctrl);
	if (ret)
		return pcibios_err_to_errno(ret);
	return 4 + 8 * FIELD_GET(PCI_REBAR_CTRL_NBAR_MASK, ctrl);
}

static int vfio_pci_dpa_length(struct vfio_pci_core_device *vdev,
			       unsigned int pos)
{
	u8 cap;
	int ret;

	ret = pci_read_config_byte(vdev->pdev, pos + PCI_DPA_CAP, &cap);
	if (ret)
		return pcibios_err_to_errno(ret);
	return PCI_DPA_BASE_SIZEOF + (cap & PCI_DPA_CAP_SUBSTATE_MASK) + 1;
}

static int vfio_pci_tph_length(struct vfio_pci_core_device *vdev,
			       unsigned int pos)
{
	u32 cap;
	int ret;

	ret = pci_read_config_dword(vdev->pdev, pos + PCI_TPH_CAP, &cap);
	if (ret)
		return pcibios_err_to_errno(ret);
	if ((cap & PCI_TPH_CAP_LOC_MASK) != PCI_TPH_LOC_CAP)
		return PCI_TPH_BASE_SIZEOF;
	return PCI_TPH_BASE_SIZEOF + 2 * FIELD_GET(PCI_TPH_CAP_ST_MASK, cap) + 2;
}

static int vfio_pci_dvsec_length(struct vfio_pci_core_device *vdev,
				 unsigned int pos)
{
	u32 header;
	int ret;

	ret = pci_read_config_dword(vdev->pdev, pos + PCI_DVSEC_HEADER1,
				    &header);
	return ret ? pcibios_err_to_errno(ret) : PCI_DVSEC_HEADER1_LEN(header);
}

/* Advanced error reporting */

/* Error bits the user may clear, mask and set severity of. */
#define VFIO_PCI_AER_UNCOR_BITS						\
	(PCI_ERR_UNC_UND | PCI_ERR_UNC_DLP | PCI_ERR_UNC_SURPDN |	\
	 PCI_ERR_UNC_POISON_TLP | PCI_ERR_UNC_FCP | PCI_ERR_UNC_COMP_TIME | \
	 PCI_ERR_UNC_COMP_ABORT | PCI_ERR_UNC_UNX_COMP |		\
	 PCI_ERR_UNC_RX_OVER | PCI_ERR_UNC_MALF_TLP | PCI_ERR_UNC_ECRC |	\
	 PCI_ERR_UNC_UNSUP | PCI_ERR_UNC_ACSV | PCI_ERR_UNC_INTN |	\
	 PCI_ERR_UNC_MCBTLP | PCI_ERR_UNC_ATOMEG | PCI_ERR_UNC_TLPPRE)
#define VFIO_PCI_AER_COR_BITS						\
	(PCI_ERR_COR_RCVR | PCI_ERR_COR_BAD_TLP | PCI_ERR_COR_BAD_DLLP | \
	 PCI_ERR_COR_REP_ROLL | PCI_ERR_COR_REP_TIMER |			\
	 PCI_ERR_COR_ADV_NFAT | PCI_ERR_COR_INTERNAL | PCI_ERR_COR_LOG_OVER)

static const struct vfio_pci_reg vfio_pci_aer_regs[] = {
	REG(PCI_ERR_UNCOR_STATUS,	4, 0, VFIO_PCI_AER_UNCOR_BITS),
	REG(PCI_ERR_UNCOR_MASK,		4, 0, VFIO_PCI_AER_UNCOR_BITS),
	REG(PCI_ERR_UNCOR_SEVER,	4, 0, VFIO_PCI_AER_UNCOR_BITS),
	REG(PCI_ERR_COR_STATUS,		4, 0, VFIO_PCI_AER_COR_BITS),
	REG(PCI_ERR_COR_MASK,		4, 0, VFIO_PCI_AER_COR_BITS),
	REG(PCI_ERR_CAP,		4, 0, PCI_ERR_CAP_ECRC_GENE |
					      PCI_ERR_CAP_ECRC_CHKE),
	{}
};

/* Power budgeting: the user may pick which entry the data register shows. */
static const struct vfio_pci_reg vfio_pci_pwr_regs[] = {
	PASS_RW(PCI_PWR_DATA,	1),
	{}
};

/*
 * Every capability the user may see.  One not listed here is left out of
 * the list the user walks; so are those listed with length 0, which are
 * named only to say why.  Without registers, a capability is read-only
 * and reads the device.
 */
#define CAP(_id, _name, _len, ...)					\
	{ .id = _id, .name = _name, .len = _len, __VA_ARGS__ }
#define ECAP(_id, _name, _len, ...)					\
	{ .id = _id, .extended = true, .name = _name, .len = _len,	\
	  __VA_ARGS__ }
#define REGS(_regs)	.regs = _regs
#define LENGTH(_fn)	.length = _fn

static const struct vfio_pci_cap vfio_pci_caps[] = {
	CAP(PCI_CAP_ID_PM,	"power management", PCI_PM_SIZEOF,
	    REGS(vfio_pci_pm_regs), .write = vfio_pci_pm_write),
	CAP(PCI_CAP_ID_AGP,	"AGP", PCI_AGP_SIZEOF),
	CAP(PCI_CAP_ID_VPD,	"VPD", PCI_CAP_VPD_SIZEOF,
	    REGS(vfio_pci_vpd_regs), .write = vfio_pci_vpd_write),
	CAP(PCI_CAP_ID_SLOTID,	"slot ID (bridges only)", 0),
	/* PCI_CAP_ID_MSI: one of vfio_pci_msi_caps[] */
	CAP(PCI_CAP_ID_CHSWP,	"CompactPCI hot swap", 0),
	CAP(PCI_CAP_ID_PCIX,	"PCI-X", 0, LENGTH(vfio_pci_pcix_length),
	    REGS(vfio_pci_pcix_regs)),
	CAP(PCI_CAP_ID_HT,	"HyperTransport", 0, LENGTH(vfio_pci_ht_length)),
	CAP(PCI_CAP_ID_VNDR,	"vendor specific", 0,
	    LENGTH(vfio_pci_vndr_length), .write = vfio_pci_cfg_write_raw),
	CAP(PCI_CAP_ID_DBG,	"debug port", 0),
	CAP(PCI_CAP_ID_CCRC,	"CompactPCI central resource control", 0),
	CAP(PCI_CAP_ID_SHPC,	"hot-plug controller (bridges only)", 0),
	CAP(PCI_CAP_ID_SSVID,	"bridge subsystem ID", 0),
	CAP(PCI_CAP_ID_AGP3,	"AGP 8x (bridges only)", 0),
	CAP(PCI_CAP_ID_SECDEV,	"secure device", 0),
	CAP(PCI_CAP_ID_EXP,	"PCI Express", 0, LENGTH(vfio_pci_exp_length),
	    REGS(vfio_pci_exp_regs), .write = vfio_pci_exp_write),
	/* Read-only: the user programs MSI-X through SET_IRQS. */
	CAP(PCI_CAP_ID_MSIX,	"MSI-X", PCI_CAP_MSIX_SIZEOF),
	CAP(PCI_CAP_ID_SATA,	"SATA", 0, LENGTH(vfio_pci_sata_length)),
	CAP(PCI_CAP_ID_AF,	"advanced features", PCI_CAP_AF_SIZEOF,
	    REGS(vfio_pci_af_regs), .write = vfio_pci_af_write),
	CAP(PCI_CAP_ID_EA,	"enhanced allocation", 0),

	ECAP(PCI_EXT_CAP_ID_ERR,	"AER", PCI_ERR_ROOT_COMMAND,
	     REGS(vfio_pci_aer_regs)),
	ECAP(PCI_EXT_CAP_ID_VC,		"virtual channel", 0,
	     LENGTH(vfio_pci_vc_length)),
	ECAP(PCI_EXT_CAP_ID_DSN,	"serial number", PCI_EXT_CAP_DSN_SIZEOF),
	ECAP(PCI_EXT_CAP_ID_PWR,	"power budgeting", PCI_EXT_CAP_PWR_SIZEOF,
	     REGS(vfio_pci_pwr_regs)),
	ECAP(PCI_EXT_CAP_ID_RCLD,	"RC link declaration (root only)", 0),
	ECAP(PCI_EXT_CAP_ID_RCILC,	"RC internal link (root only)", 0),
	ECAP(PCI_EXT_CAP_ID_RCEC,	"RC event collector (root only)", 0),
	ECAP(PCI_EXT_CAP_ID_MFVC,	"multi-function VC", 0,
	     LENGTH(vfio_pci_vc_length)),
	ECAP(PCI_EXT_CAP_ID_VC9,	"virtual channel", 0,
	     LENGTH(vfio_pci_vc_length)),
	ECAP(PCI_EXT_CAP_ID_RCRB,	"RCRB header (root only)", 0),
	ECAP(PCI_EXT_CAP_ID_VNDR,	"vendor specific", 0,
	     LENGTH(vfio_pci_ext_vndr_length), .write = vfio_pci_cfg_write_raw),
	ECAP(PCI_EXT_CAP_ID_CAC,	"config access correlation (obsolete)", 0),
	ECAP(PCI_EXT_CAP_ID_ACS,	"ACS", 0, LENGTH(vfio_pci_acs_length)),
	ECAP(PCI_EXT_CAP_ID_ARI,	"ARI", PCI_EXT_CAP_ARI_SIZEOF),
	ECAP(PCI_EXT_CAP_ID_ATS,	"ATS", PCI_EXT_CAP_ATS_SIZEOF),
	ECAP(PCI_EXT_CAP_ID_SRIOV,	"SR-IOV", PCI_EXT_CAP_SRIOV_SIZEOF),
	ECAP(PCI_EXT_CAP_ID_MRIOV,	"MR-IOV", 0),
	ECAP(PCI_EXT_CAP_ID_MCAST,	"multicast",
	     PCI_EXT_CAP_MCAST_ENDPOINT_SIZEOF),
	ECAP(PCI_EXT_CAP_ID_PRI,	"page request", PCI_EXT_CAP_PRI_SIZEOF),
	ECAP(PCI_EXT_CAP_ID_REBAR,	"resizable BAR", 0,
	     LENGTH(vfio_pci_rebar_length)),
	ECAP(PCI_EXT_CAP_ID_DPA,	"dynamic power allocation", 0,
	     LENGTH(vfio_pci_dpa_length)),
	ECAP(PCI_EXT_CAP_ID_TPH,	"TPH requester", 0,
	     LENGTH(vfio_pci_tph_length)),
	ECAP(PCI_EXT_CAP_ID_LTR,	"latency tolerance", PCI_EXT_CAP_LTR_SIZEOF),
	ECAP(PCI_EXT_CAP_ID_SECPCI,	"secondary PCIe (ports only)", 0),
	ECAP(PCI_EXT_CAP_ID_PASID,	"PASID (not supported)", 0),
	ECAP(PCI_EXT_CAP_ID_DVSEC,	"designated vendor specific", 0,
	     LENGTH(vfio_pci_dvsec_length), .write = vfio_pci_cfg_write_raw),
};

/*
 * A hidden capability at 0x100 cannot be unlinked (the list starts there),
 * so it is shown as ID 0, version 0, keeping only its next pointer.
 */
const struct vfio_pci_cap vfio_pci_hidden_ecap = {
	.name = "hidden", .extended = true, .len = PCI_CAP_SIZEOF,
};

/**
 * vfio_pci_find_cap - the type of a capability the user may see
 * @extended: @id is an extended capability ID
 * @id: the capability ID
 *
 * Return: its entry in vfio_pci_caps[], or NULL for an unknown one.
 */
const struct vfio_pci_cap *vfio_pci_find_cap(bool extended, u16 id)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(vfio_pci_caps); i++)
		if (vfio_pci_caps[i].extended == extended &&
		    vfio_pci_caps[i].id == id)
			return &vfio_pci_caps[i];
	return NULL;
}
