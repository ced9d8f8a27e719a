// SPDX-License-Identifier: GPL-2.0-only
/*
 * The config space a vfio-pci user sees.
 *
 * The user gets a working view of the device's config space without being
 * able to reprogram what the host owns: where the BARs sit, how interrupts
 * are routed, the power and error state shared with the rest of the
 * fabric.  At open every byte of config space is assigned to one
 * *capability instance*: the standard header, a capability found on the
 * device's list, or nothing.  The type of an instance (struct
 * vfio_pci_cap) says, register by register, which bits the user reads
 * from our copy of config space (vconfig) instead of the device, and which
 * bits the user may write.  A register that is not listed reads from the
 * device and ignores writes.  Writable bits that are not virtualized go
 * to the device.
 *
 * The ID and next pointer of every capability are virtualized too, so that
 * capabilities can be left out of the list the user walks; this is done
 * for every type and is not repeated in the tables.  The header's table is
 * below; the capabilities' are in vfio_pci_caps.c.  Bytes outside any
 * capability are passed through: some devices keep registers there, and
 * the device is isolated by the IOMMU like any BAR access would be.
 */
#include <linux/bitfield.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "vfio_pci_config.h"

/* Config space access, in the byte order of the user's buffer */

static u32 vfio_pci_width_mask(unsigned int count)
{
	return count == 4 ? ~0U : (1U << (count * 8)) - 1;
}

/* The user-access helpers wait while a reset blocks config access. */
static int vfio_pci_hw_read(struct pci_dev *pdev, unsigned int pos,
			    unsigned int count, u32 *val)
{
	u16 word;
	u8 byte;
	int ret;

	switch (count) {
	case 1:
		ret = pci_user_read_config_byte(pdev, pos, &byte);
		*val = byte;
		return ret;
	case 2:
		ret = pci_user_read_config_word(pdev, pos, &word);
		*val = word;
		return ret;
	case 4:
		return pci_user_read_config_dword(pdev, pos, val);
	}
	return -EINVAL;
}

static int vfio_pci_hw_write(struct pci_dev *pdev, unsigned int pos,
			     unsigned int count, u32 val)
{
	switch (count) {
	case 1:
		return pci_user_write_config_byte(pdev, pos, val);
	case 2:
		return pci_user_write_config_word(pdev, pos, val);
	case 4:
		return pci_user_write_config_dword(pdev, pos, val);
	}
	return -EINVAL;
}

/*
 * The virt and write masks of @count bytes at @pos, which lie inside one
 * instance and one dword.
 */
static void vfio_pci_cfg_masks(const struct vfio_pci_cap_instance *inst,
			       unsigned int pos, unsigned int count,
			       u32 *virt, u32 *write)
{
	const struct vfio_pci_cap *cap = inst->cap;
	unsigned int offset = pos - inst->start;
	const struct vfio_pci_reg *reg;
	unsigned int i, shift, header;

	*virt = 0;
	*write = 0;
	for (reg = cap->regs; reg && reg->width; reg++) {
		for (i = 0; i < count; i++) {
			if (offset + i < reg->offset ||
			    offset + i >= reg->offset + reg->width)
				continue;
			shift = (offset + i - reg->offset) * 8;
			*virt |= ((reg->virt >> shift) & 0xff) << (i * 8);
			*write |= ((reg->write >> shift) & 0xff) << (i * 8);
		}
	}

	/* ID and next pointer: ours, read-only */
	if (!inst->start)
		header = 0;
	else if (cap->extended)
		header = 4;
	else
		header = 2;
	for (i = 0; i < count && offset + i < header; i++) {
		*virt |= 0xffU << (i * 8);
		*write &= ~(0xffU << (i * 8));
	}
}

/**
 * vfio_pci_cfg_read - read registers as the instance's table says
 * @vdev: the device
 * @inst: the instance @pos lies in
 * @pos: config offset
 * @count: 1, 2 or 4 bytes, inside one instance and one dword
 * @val: the value, byte 0 in bits 0-7
 *
 * Return: 0 or a negative errno.
 */
int vfio_pci_cfg_read(struct vfio_pci_core_device *vdev,
		      const struct vfio_pci_cap_instance *inst,
		      unsigned int pos, unsigned int count, u32 *val)
{
	u32 full = vfio_pci_width_mask(count);
	u32 virt, write, hw;
	int ret;

	vfio_pci_cfg_masks(inst, pos, count, &virt, &write);
	*val = vfio_pci_vconfig_get(vdev, pos, count) & virt;
	if ((virt & full) == full)
		return 0;

	ret = vfio_pci_hw_read(vdev->pdev, pos, count, &hw);
	if (ret)
		return ret;
	*val |= hw & ~virt & full;
	return 0;
}

/**
 * vfio_pci_cfg_write - write registers as the instance's table says
 * @vdev: the device
 * @inst: the instance @pos lies in
 * @pos: config offset
 * @count: 1, 2 or 4 bytes, inside one instance and one dword
 * @val: the user's value, byte 0 in bits 0-7
 *
 * Return: 0 or a negative errno.
 */
int vfio_pci_cfg_write(struct vfio_pci_core_device *vdev,
		       const struct vfio_pci_cap_instance *inst,
		       unsigned int pos, unsigned int count, u32 val)
{
	u32 virt, write, to_virt, to_hw, cur;
	int ret;

	vfio_pci_cfg_masks(inst, pos, count, &virt, &write);
	to_virt = write & virt;
	to_hw = write & ~virt & vfio_pci_width_mask(count);

	if (to_virt) {
		cur = vfio_pci_vconfig_get(vdev, pos, count);
		cur = (cur & ~to_virt) | (val & to_virt);
		vfio_pci_vconfig_set(vdev, pos, count, cur);
	}

	if (to_hw) {
		ret = vfio_pci_hw_read(vdev->pdev, pos, count, &cur);
		if (ret)
			return ret;
		cur = (cur & ~to_hw) | (val & to_hw);
		ret = vfio_pci_hw_write(vdev->pdev, pos, count, cur);
		if (ret)
			return ret;
	}
	return 0;
}

/* Vendor-specific capabilities: the device's own business. */
int vfio_pci_cfg_write_raw(struct vfio_pci_core_device *vdev,
			   const struct vfio_pci_cap_instance *inst,
			   unsigned int pos, unsigned int count, u32 val)
{
	return vfio_pci_hw_write(vdev->pdev, pos, count, val);
}

/* The standard header */

/* Caller holds memory_lock. */
bool __vfio_pci_memory_enabled(struct vfio_pci_core_device *vdev)
{
	struct pci_dev *pdev = vdev->pdev;
	u16 cmd = vfio_pci_vconfig_get(vdev, PCI_COMMAND, 2);

	/*
	 * A VF has no memory enable bit of its own (the PF's SR-IOV
	 * capability has it), so only the power state counts there.
	 */
	return vfio_pci_power_depth(pdev->current_state) <
	       vfio_pci_power_depth(PCI_D3hot) &&
	       (pdev->no_command_memory || (cmd & PCI_COMMAND_MEMORY));
}

static bool vfio_pci_is_bar(unsigned int pos)
{
	return (pos >= PCI_BASE_ADDRESS_0 && pos < PCI_BASE_ADDRESS_5 + 4) ||
	       (pos >= PCI_ROM_ADDRESS && pos < PCI_ROM_ADDRESS + 4);
}

static u32 vfio_pci_bar_flags(struct pci_dev *pdev, int bar)
{
	unsigned long flags = pci_resource_flags(pdev, bar);
	u32 val;

	if (flags & IORESOURCE_IO)
		return PCI_BASE_ADDRESS_SPACE_IO;

	val = PCI_BASE_ADDRESS_SPACE_MEMORY;
	if (flags & IORESOURCE_PREFETCH)
		val |= PCI_BASE_ADDRESS_MEM_PREFETCH;
	if (flags & IORESOURCE_MEM_64)
		val |= PCI_BASE_ADDRESS_MEM_TYPE_64;
	return val;
}

/*
 * Make the virtual BARs behave like real ones: whatever the user wrote,
 * the bits below the BAR's size read as zero and the type bits read as
 * the type.  Writing all ones and reading back thus sizes the BAR.
 */
static void vfio_pci_bar_fixup(struct vfio_pci_core_device *vdev)
{
	struct pci_dev *pdev = vdev->pdev;
	unsigned int pos = PCI_BASE_ADDRESS_0;
	resource_size_t rom_size;
	u64 mask;
	u32 vbar;
	int bar;

	if (!vdev->bardirty)
		return;

	for (bar = 0; bar < PCI_STD_NUM_BARS; bar++, pos += 4) {
		/* A BAR the host left unassigned is absent to the user. */
		if (!pci_resource_start(pdev, bar)) {
			vfio_pci_vconfig_set(vdev, pos, 4, 0);
			continue;
		}

		mask = ~(pci_resource_len(pdev, bar) - 1);
		vbar = vfio_pci_vconfig_get(vdev, pos, 4);
		vbar = (vbar & (u32)mask) | vfio_pci_bar_flags(pdev, bar);
		vfio_pci_vconfig_set(vdev, pos, 4, vbar);

		if (vbar & PCI_BASE_ADDRESS_MEM_TYPE_64) {
			bar++;
			pos += 4;
			vbar = vfio_pci_vconfig_get(vdev, pos, 4);
			vfio_pci_vconfig_set(vdev, pos, 4,
					     vbar & (u32)(mask >> 32));
		}
	}

	/* The size reported is the BAR's even if the ROM is not readable. */
	rom_size = vfio_pci_rom_size(pdev);
	vbar = vfio_pci_vconfig_get(vdev, PCI_ROM_ADDRESS, 4);
	if (rom_size)
		vbar &= (u32)~(rom_size - 1) | PCI_ROM_ADDRESS_ENABLE;
	else
		vbar = 0;
	vfio_pci_vconfig_set(vdev, PCI_ROM_ADDRESS, 4, vbar);

	vdev->bardirty = false;
}

static int vfio_pci_header_read(struct vfio_pci_core_device *vdev,
				const struct vfio_pci_cap_instance *inst,
				unsigned int pos, unsigned int count, u32 *val)
{
	int ret;

	if (vfio_pci_is_bar(pos))
		vfio_pci_bar_fixup(vdev);

	ret = vfio_pci_cfg_read(vdev, inst, pos, count, val);
	if (ret)
		return ret;

	/* The memory enable a VF lacks reads as the user last set it. */
	if (pos == PCI_COMMAND && vdev->pdev->no_command_memory)
		*val |= vfio_pci_vconfig_get(vdev, PCI_COMMAND, 2) &
			PCI_COMMAND_MEMORY;
	return 0;
}

/* Did something reset the device behind our back and clear its BARs? */
static bool vfio_pci_bars_lost(struct vfio_pci_core_device *vdev)
{
	unsigned int i, pos;
	u32 bar;

	for (i = 0, pos = PCI_BASE_ADDRESS_0; pos <= PCI_BASE_ADDRESS_5;
	     i++, pos += 4) {
		if (!vdev->rbar[i])
			continue;
		if (pci_user_read_config_dword(vdev->pdev, pos, &bar) ||
		    bar != vdev->rbar[i])
			return true;
	}
	return false;
}

static void vfio_pci_bars_restore(struct vfio_pci_core_device *vdev)
{
	struct pci_dev *pdev = vdev->pdev;
	unsigned int i, pos;
	u16 cmd;

	/* A VF's BARs live in the PF's SR-IOV capability. */
	if (pdev->is_virtfn)
		return;

	pci_info(pdev, "device was reset behind vfio's back: restoring its BARs\n");
	for (i = 0, pos = PCI_BASE_ADDRESS_0; pos <= PCI_BASE_ADDRESS_5;
	     i++, pos += 4)
		pci_user_write_config_dword(pdev, pos, vdev->rbar[i]);
	pci_user_write_config_dword(pdev, PCI_ROM_ADDRESS, vdev->rbar[6]);

	if (vdev->nointx) {
		pci_user_read_config_word(pdev, PCI_COMMAND, &cmd);
		pci_user_write_config_word(pdev, PCI_COMMAND,
					   cmd | PCI_COMMAND_INTX_DISABLE);
	}
}

/*
 * The command register: memory and I/O decode and bus mastering go to the
 * device, but turning memory decode off must first take the user's BAR
 * mappings away (memory_lock), and INTx disable is emulated on top of our
 * own INTx masking.
 */
static int vfio_pci_header_write(struct vfio_pci_core_device *vdev,
				 const struct vfio_pci_cap_instance *inst,
				 unsigned int pos, unsigned int count, u32 val)
{
	struct pci_dev *pdev = vdev->pdev;
	u16 decode = PCI_COMMAND_MEMORY | PCI_COMMAND_IO;
	bool writes_command = pos == PCI_COMMAND;
	u16 phys_cmd, virt_cmd, new_cmd = val;
	bool intx_disable;
	int ret;

	if (writes_command) {
		ret = pci_user_read_config_word(pdev, PCI_COMMAND, &phys_cmd);
		if (ret)
			return ret;
		virt_cmd = vfio_pci_vconfig_get(vdev, PCI_COMMAND, 2);

		if (!(new_cmd & PCI_COMMAND_MEMORY))
			vfio_pci_zap_and_down_write_memory_lock(vdev);
		else
			down_write(&vdev->memory_lock);

		/*
		 * Decode the user believes is on but the device has off
		 * means the device lost its config (a reset we did not
		 * see): put the BARs back before decode is turned on.
		 */
		if ((new_cmd & virt_cmd & ~phys_cmd & PCI_COMMAND_MEMORY &&
		     !pdev->no_command_memory) ||
		    (new_cmd & virt_cmd & ~phys_cmd & PCI_COMMAND_IO) ||
		    vfio_pci_bars_lost(vdev))
			vfio_pci_bars_restore(vdev);
	}

	ret = vfio_pci_cfg_write(vdev, inst, pos, count, val);

	if (writes_command) {
		/* Remember the decode the user asked for, for the test above. */
		if (!ret) {
			virt_cmd = vfio_pci_vconfig_get(vdev, PCI_COMMAND, 2);
			virt_cmd = (virt_cmd & ~decode) | (new_cmd & decode);
			vfio_pci_vconfig_set(vdev, PCI_COMMAND, 2, virt_cmd);
		}
		up_write(&vdev->memory_lock);
	}
	if (ret)
		return ret;

	if (vfio_pci_covers(inst, pos, count, PCI_COMMAND + 1)) {
		intx_disable = vfio_pci_vconfig_get(vdev, PCI_COMMAND, 2) &
			       PCI_COMMAND_INTX_DISABLE;
		if (intx_disable && !vdev->virq_disabled) {
			vdev->virq_disabled = true;
			vfio_pci_intx_mask(vdev);
		} else if (!intx_disable && vdev->virq_disabled) {
			vdev->virq_disabled = false;
			vfio_pci_intx_unmask(vdev);
		}
	}

	if (vfio_pci_is_bar(pos))
		vdev->bardirty = true;
	return 0;
}

static const struct vfio_pci_reg vfio_pci_header_regs[] = {
	/* register		  width  virtualized bits   writable bits */
	/* A VF reads all-ones here: show the IDs the PF gave it. */
	VIRT_RO(PCI_VENDOR_ID,		2),
	VIRT_RO(PCI_DEVICE_ID,		2),
	/* INTx disable is how we mask INTx ourselves. */
	REG(PCI_COMMAND,		2, PCI_COMMAND_INTX_DISABLE, 0xffff),
	/* "Has capabilities" follows the list we present. */
	REG(PCI_STATUS,			2, PCI_STATUS_CAP_LIST, 0),
	PASS_RW(PCI_CACHE_LINE_SIZE,	1),
	PASS_RW(PCI_LATENCY_TIMER,	1),
	PASS_RW(PCI_BIST,		1),
	/* The user sizes and places our copy; the device stays put. */
	VIRT_RW(PCI_BASE_ADDRESS_0,	4),
	VIRT_RW(PCI_BASE_ADDRESS_1,	4),
	VIRT_RW(PCI_BASE_ADDRESS_2,	4),
	VIRT_RW(PCI_BASE_ADDRESS_3,	4),
	VIRT_RW(PCI_BASE_ADDRESS_4,	4),
	VIRT_RW(PCI_BASE_ADDRESS_5,	4),
	VIRT_RW(PCI_ROM_ADDRESS,	4),
	VIRT_RO(PCI_CAPABILITY_LIST,	1),
	/* Scratch for the user's software; routing is the host's. */
	VIRT_RW(PCI_INTERRUPT_LINE,	1),
	/* Zero when INTx is hidden from the user. */
	VIRT_RO(PCI_INTERRUPT_PIN,	1),
	{}
};

static const struct vfio_pci_cap vfio_pci_header = {
	.name = "header",
	.len = PCI_STD_HEADER_SIZEOF,
	.regs = vfio_pci_header_regs,
	.read = vfio_pci_header_read,
	.write = vfio_pci_header_write,
};

/* Building a device's map and vconfig at open */

/* Copy config space into vconfig, in the widest accesses alignment allows. */
static int vfio_pci_fill_vconfig(struct vfio_pci_core_device *vdev,
				 unsigned int pos, unsigned int len)
{
	unsigned int width;
	u32 val;
	int ret;

	while (len) {
		if (len >= 4 && !(pos % 4))
			width = 4;
		else if (len >= 2 && !(pos % 2))
			width = 2;
		else
			width = 1;

		switch (width) {
		case 4:
			ret = pci_read_config_dword(vdev->pdev, pos, &val);
			break;
		case 2: {
			u16 word;

			ret = pci_read_config_word(vdev->pdev, pos, &word);
			val = word;
			break;
		}
		default: {
			u8 byte;

			ret = pci_read_config_byte(vdev->pdev, pos, &byte);
			val = byte;
			break;
		}
		}
		if (ret)
			return pcibios_err_to_errno(ret);

		vfio_pci_vconfig_set(vdev, pos, width, val);
		pos += width;
		len -= width;
	}
	return 0;
}

/*
 * Give [@pos, @pos + @len) to a new instance of @cap.
 * Return: 0, -EBUSY if it overlaps another capability (a broken list),
 * -ENOSPC if the device has more capabilities than the map can tell
 * apart, or the errno of reading config space.
 */
static int vfio_pci_add_cap(struct vfio_pci_core_device *vdev,
			    const struct vfio_pci_cap *cap, unsigned int pos,
			    unsigned int len)
{
	struct vfio_pci_cap_instance *inst;
	unsigned int i;

	if (pos + len > vdev->pdev->cfg_size)
		return -EBUSY;
	for (i = 0; i < len; i++)
		if (vdev->pci_config_map[pos + i] != VFIO_PCI_CFG_UNASSIGNED)
			return -EBUSY;
	if (vdev->nr_caps >= VFIO_PCI_MAX_CAP_INSTANCES)
		return -ENOSPC;

	inst = &vdev->caps[vdev->nr_caps];
	inst->cap = cap;
	inst->start = pos;
	inst->len = len;
	memset(vdev->pci_config_map + pos, vdev->nr_caps, len);
	vdev->nr_caps++;

	return vfio_pci_fill_vconfig(vdev, pos, len);
}

/* The type and length a capability is shown with; 0 if it is hidden. */
static int vfio_pci_cap_type(struct vfio_pci_core_device *vdev, bool extended,
			     u16 id, unsigned int pos,
			     const struct vfio_pci_cap **cap)
{
	if (!extended && id == PCI_CAP_ID_MSI)
		*cap = vfio_pci_msi_layout(vdev, pos);
	else
		*cap = vfio_pci_find_cap(extended, id);

	if (!*cap)
		return 0;
	return (*cap)->length ? (*cap)->length(vdev, pos) : (*cap)->len;
}

/* Clear what PME would need: the user cannot be handed PME events. */
static void vfio_pci_pm_hide_pme(struct vfio_pci_core_device *vdev,
				 unsigned int pos)
{
	u16 pmc = vfio_pci_vconfig_get(vdev, pos + PCI_PM_PMC, 2);
	u16 ctrl = vfio_pci_vconfig_get(vdev, pos + PCI_PM_CTRL, 2);

	vfio_pci_vconfig_set(vdev, pos + PCI_PM_PMC, 2,
			     pmc & ~PCI_PM_CAP_PME_MASK);
	vfio_pci_vconfig_set(vdev, pos + PCI_PM_CTRL, 2,
			     ctrl & ~(PCI_PM_CTRL_PME_ENABLE |
				      PCI_PM_CTRL_PME_STATUS));
}

/*
 * Give a capability found at @pos an instance, if it is to be shown.
 * Return: true if it is shown, false if hidden, or a negative errno.
 */
static int vfio_pci_show_cap(struct vfio_pci_core_device *vdev, bool extended,
			     u16 id, unsigned int pos)
{
	const struct vfio_pci_cap *cap;
	int len, ret;

	len = vfio_pci_cap_type(vdev, extended, id, pos, &cap);
	if (len <= 0) {
		if (!len)
			pci_dbg(vdev->pdev, "hiding %scapability %#x at %#x\n",
				extended ? "extended " : "", id, pos);
		return len;
	}

	ret = vfio_pci_add_cap(vdev, cap, pos, len);
	if (ret == -EBUSY || ret == -ENOSPC) {
		pci_warn(vdev->pdev, "hiding %s capability at %#x: %s\n",
			 cap->name, pos,
			 ret == -EBUSY ? "it overlaps another" : "too many");
		return false;
	}
	return ret ? ret : true;
}

static int vfio_pci_cap_init(struct vfio_pci_core_device *vdev)
{
	struct pci_dev *pdev = vdev->pdev;
	unsigned int prev = PCI_CAPABILITY_LIST;
	int loops, shown, nr_shown = 0, ret;
	u8 pos, id, next;
	u16 status;

	pci_read_config_word(pdev, PCI_STATUS, &status);
	if (!(status & PCI_STATUS_CAP_LIST))
		return 0;
	pci_read_config_byte(pdev, PCI_CAPABILITY_LIST, &pos);

	/* A looped list must not hang us: each capability takes a dword. */
	loops = (PCI_CFG_SPACE_SIZE - PCI_STD_HEADER_SIZEOF) / PCI_CAP_SIZEOF;
	while (pos && loops--) {
		ret = pci_read_config_byte(pdev, pos + PCI_CAP_LIST_ID, &id);
		if (!ret)
			ret = pci_read_config_byte(pdev, pos + PCI_CAP_LIST_NEXT,
						   &next);
		if (ret)
			return pcibios_err_to_errno(ret);

		shown = vfio_pci_show_cap(vdev, false, id, pos);
		if (shown < 0)
			return shown;

		if (!shown) {
			/* Unlink it from the list the user walks. */
			vdev->vconfig[prev] = next;
		} else {
			if (id == PCI_CAP_ID_PM)
				vfio_pci_pm_hide_pme(vdev, pos);
			prev = pos + PCI_CAP_LIST_NEXT;
			nr_shown++;
		}
		pos = next;
	}

	if (!nr_shown) {
		status = vfio_pci_vconfig_get(vdev, PCI_STATUS, 2);
		vfio_pci_vconfig_set(vdev, PCI_STATUS, 2,
				     status & ~PCI_STATUS_CAP_LIST);
	}
	return 0;
}

/* Replace the next pointer (bits 31:20) of the extended header at @pos. */
static void vfio_pci_set_ecap_next(struct vfio_pci_core_device *vdev,
				   unsigned int pos, unsigned int next)
{
	u32 header = vfio_pci_vconfig_get(vdev, pos, 4);

	header = (header & ~(0xffcU << 20)) | (next << 20);
	vfio_pci_vconfig_set(vdev, pos, 4, header);
}

static int vfio_pci_ecap_init(struct vfio_pci_core_device *vdev)
{
	struct pci_dev *pdev = vdev->pdev;
	unsigned int pos = PCI_CFG_SPACE_SIZE, prev = 0;
	int loops, shown, nr_shown = 0, ret;
	u32 header;

	if (!vdev->extended_caps)
		return 0;

	loops = (pdev->cfg_size - PCI_CFG_SPACE_SIZE) / PCI_CAP_SIZEOF;
	while (loops-- && pos >= PCI_CFG_SPACE_SIZE) {
		ret = pci_read_config_dword(pdev, pos, &header);
		if (ret)
			return pcibios_err_to_errno(ret);

		shown = vfio_pci_show_cap(vdev, true, PCI_EXT_CAP_ID(header),
					  pos);
		if (shown < 0)
			return shown;

		if (shown) {
			nr_shown++;
			prev = pos;
		} else if (prev) {
			vfio_pci_set_ecap_next(vdev, prev,
					       PCI_EXT_CAP_NEXT(header));
		} else {
			/* The head of the list stays, disguised. */
			ret = vfio_pci_add_cap(vdev, &vfio_pci_hidden_ecap, pos,
					       PCI_CAP_SIZEOF);
			if (ret)
				return ret == -EBUSY || ret == -ENOSPC ? 0 : ret;
			vfio_pci_vconfig_set(vdev, pos, 4, 0);
			vfio_pci_set_ecap_next(vdev, pos,
					       PCI_EXT_CAP_NEXT(header));
			prev = pos;
		}
		pos = PCI_EXT_CAP_NEXT(header);
	}

	/* Nothing to show: an empty list reads as all zeros. */
	if (!nr_shown)
		vfio_pci_vconfig_set(vdev, PCI_CFG_SPACE_SIZE, 4, 0);
	return 0;
}

/* Devices known to report an INTx pin on a VF, against the spec. */
static const struct pci_device_id vfio_pci_vf_intx_pin_quirks[] = {
	{ PCI_DEVICE(PCI_VENDOR_ID_INTEL, 0x270c) },
	{}
};

/**
 * vfio_config_init - build the user's view of config space at open
 * @vdev: the device, enabled
 *
 * Return: 0 or a negative errno.
 */
int vfio_config_init(struct vfio_pci_core_device *vdev)
{
	struct pci_dev *pdev = vdev->pdev;
	unsigned int i;
	u16 cmd;
	int ret;

	vdev->pci_config_map = kmalloc(pdev->cfg_size, GFP_KERNEL_ACCOUNT);
	vdev->vconfig = kzalloc(pdev->cfg_size, GFP_KERNEL_ACCOUNT);
	vdev->caps = kcalloc(VFIO_PCI_MAX_CAP_INSTANCES, sizeof(*vdev->caps),
			     GFP_KERNEL_ACCOUNT);
	if (!vdev->pci_config_map || !vdev->vconfig || !vdev->caps) {
		ret = -ENOMEM;
		goto err_free;
	}
	memset(vdev->pci_config_map, VFIO_PCI_CFG_UNASSIGNED, pdev->cfg_size);
	vdev->nr_caps = 0;
	vdev->extended_caps = false;

	ret = vfio_pci_add_cap(vdev, &vfio_pci_header, 0,
			       PCI_STD_HEADER_SIZEOF);
	if (ret)
		goto err_free;
	vdev->bardirty = true;

	/* What the BARs held at open, to undo a reset we did not see. */
	for (i = 0; i < PCI_STD_NUM_BARS; i++)
		vdev->rbar[i] = vfio_pci_vconfig_get(vdev,
						     PCI_BASE_ADDRESS_0 + 4 * i, 4);
	vdev->rbar[6] = vfio_pci_vconfig_get(vdev, PCI_ROM_ADDRESS, 4);

	if (pdev->is_virtfn) {
		vfio_pci_vconfig_set(vdev, PCI_VENDOR_ID, 2, pdev->vendor);
		vfio_pci_vconfig_set(vdev, PCI_DEVICE_ID, 2, pdev->device);

		/* VFs have no INTx, whatever their pin register says. */
		if (vdev->vconfig[PCI_INTERRUPT_PIN] &&
		    !pci_match_id(vfio_pci_vf_intx_pin_quirks, pdev))
			pci_warn(pdev, "hardware bug: VF reports INTx pin %d\n",
				 vdev->vconfig[PCI_INTERRUPT_PIN]);
		vdev->vconfig[PCI_INTERRUPT_PIN] = 0;
	}

	if (pdev->no_command_memory) {
		/* Shown enabled, like a PF after pci_enable_device(). */
		cmd = vfio_pci_vconfig_get(vdev, PCI_COMMAND, 2);
		vfio_pci_vconfig_set(vdev, PCI_COMMAND, 2,
				     cmd | PCI_COMMAND_MEMORY);
	}

	if (!IS_ENABLED(CONFIG_VFIO_PCI_INTX) || vdev->nointx ||
	    pdev->irq == IRQ_NOTCONNECTED)
		vdev->vconfig[PCI_INTERRUPT_PIN] = 0;

	ret = vfio_pci_cap_init(vdev);
	if (ret)
		goto err_free;
	ret = vfio_pci_ecap_init(vdev);
	if (ret)
		goto err_free;
	return 0;

err_free:
	vfio_config_free(vdev);
	return ret;
}

/**
 * vfio_config_free - undo vfio_config_init()
 * @vdev: the device
 */
void vfio_config_free(struct vfio_pci_core_device *vdev)
{
	kfree(vdev->pci_config_map);
	vdev->pci_config_map = NULL;
	kfree(vdev->vconfig);
	vdev->vconfig = NULL;
	kfree(vdev->caps);
	vdev->caps = NULL;
	vdev->nr_caps = 0;
}

/* User access */

/*
 * One access, at most a dword: cut at the first byte of another instance
 * or dword and shortened to a natural alignment, so a register is never
 * touched by an access that also covers its neighbour.
 * Return: bytes done, or a negative errno.
 */
static ssize_t vfio_pci_config_do_rw(struct vfio_pci_core_device *vdev,
				     char __user *buf, size_t count,
				     unsigned int pos, bool iswrite)
{
	const struct vfio_pci_cap_instance *inst = NULL;
	u8 idx = vdev->pci_config_map[pos];
	unsigned int n, max = min_t(size_t, count, 4 - pos % 4);
	__le32 le = 0;
	u32 val;
	int ret;

	for (n = 1; n < max && vdev->pci_config_map[pos + n] == idx; n++)
		;
	/* A full dword is aligned by construction; 3 bytes are not a width. */
	if (n < 4)
		n = n >= 2 && !(pos % 2) ? 2 : 1;

	if (idx != VFIO_PCI_CFG_UNASSIGNED)
		inst = &vdev->caps[idx];

	if (iswrite) {
		if (copy_from_user(&le, buf, n))
			return -EFAULT;
		val = le32_to_cpu(le);
		if (!inst)
			ret = vfio_pci_hw_write(vdev->pdev, pos, n, val);
		else if (inst->cap->write)
			ret = inst->cap->write(vdev, inst, pos, n, val);
		else
			ret = vfio_pci_cfg_write(vdev, inst, pos, n, val);
	} else {
		if (!inst)
			ret = vfio_pci_hw_read(vdev->pdev, pos, n, &val);
		else if (inst->cap->read)
			ret = inst->cap->read(vdev, inst, pos, n, &val);
		else
			ret = vfio_pci_cfg_read(vdev, inst, pos, n, &val);
		if (!ret) {
			le = cpu_to_le32(val);
			if (copy_to_user(buf, &le, n))
				return -EFAULT;
		}
	}
	return ret ? ret : n;
}

/**
 * vfio_pci_config_rw - read(2)/write(2) on the CONFIG region
 * @vdev: the device
 * @buf: user buffer
 * @count: bytes
 * @ppos: device fd offset; advanced by what was done
 * @iswrite: direction
 *
 * Return: @count, or a negative errno: -EFAULT for a range outside config
 * space (as Linux's vfio-pci answers), or the first failing register's.
 */
ssize_t vfio_pci_config_rw(struct vfio_pci_core_device *vdev,
			   char __user *buf, size_t count, loff_t *ppos,
			   bool iswrite)
{
	loff_t pos = *ppos & VFIO_PCI_OFFSET_MASK;
	size_t done = 0;
	ssize_t ret;

	if (pos >= vdev->pdev->cfg_size || count > vdev->pdev->cfg_size - pos)
		return -EFAULT;

	while (done < count) {
		ret = vfio_pci_config_do_rw(vdev, buf + done, count - done,
					    pos + done, iswrite);
		if (ret < 0)
			return ret;
		done += ret;
	}

	*ppos += done;
	return done;
}
