/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Private to the two halves of vfio-pci-core's config space: the machinery
 * (vfio_pci_config.c) and the capability tables (vfio_pci_caps.c).  See
 * vfio_pci_config.c for how they fit together.
 */
#ifndef VFIO_PCI_CONFIG_H
#define VFIO_PCI_CONFIG_H

#include "vfio_pci_priv.h"

/**
 * struct vfio_pci_reg - how one register of a capability is presented
 * @offset: offset of the register from the start of the capability
 * @width: its size in bytes: 1, 2 or 4
 * @virt: bits read from and written to vconfig rather than the device
 * @write: bits the user may change; the others keep their value
 */
struct vfio_pci_reg {
	u16 offset;
	u8 width;
	u32 virt;
	u32 write;
};

/* Some bits virtualized, some writable: spelled out. */
#define REG(_off, _width, _virt, _write)				\
	{ .offset = (_off), .width = (_width),				\
	  .virt = (_virt), .write = (_write) }
/* Read from and written to the device. */
#define PASS_RW(_off, _width)	REG(_off, _width, 0, ~0U)
/* Our copy only: the user reads back what it wrote, the device never sees it. */
#define VIRT_RW(_off, _width)	REG(_off, _width, ~0U, ~0U)
/* Our copy only, and the user cannot change it. */
#define VIRT_RO(_off, _width)	REG(_off, _width, ~0U, 0)

struct vfio_pci_cap_instance;

typedef int (*vfio_pci_cfg_read_t)(struct vfio_pci_core_device *vdev,
				   const struct vfio_pci_cap_instance *inst,
				   unsigned int pos, unsigned int count,
				   u32 *val);
typedef int (*vfio_pci_cfg_write_t)(struct vfio_pci_core_device *vdev,
				    const struct vfio_pci_cap_instance *inst,
				    unsigned int pos, unsigned int count,
				    u32 val);

/**
 * struct vfio_pci_cap - a kind of capability and how the user sees it
 * @name: for messages
 * @id: capability ID, in the standard or the extended list
 * @extended: @id is an extended capability ID
 * @len: length in bytes; 0 hides the capability from the user
 * @length: for capabilities whose length depends on the device: returns
 *	    it, or a negative errno; @len is then ignored
 * @regs: registers that are virtualized or writable, ending with an
 *	  entry of width 0
 * @read: replaces vfio_pci_cfg_read() for registers needing more than
 *	  the masks (it calls vfio_pci_cfg_read() itself)
 * @write: likewise for vfio_pci_cfg_write()
 */
struct vfio_pci_cap {
	const char *name;
	u16 id;
	bool extended;
	u16 len;
	int (*length)(struct vfio_pci_core_device *vdev, unsigned int pos);
	const struct vfio_pci_reg *regs;
	vfio_pci_cfg_read_t read;
	vfio_pci_cfg_write_t write;
};

/**
 * struct vfio_pci_cap_instance - a capability as found on one device
 * @cap: its kind
 * @start: config offset of its first byte
 * @len: its length in bytes
 */
struct vfio_pci_cap_instance {
	const struct vfio_pci_cap *cap;
	u16 start;
	u16 len;
};

/* pci_config_map value of bytes that belong to no capability */
#define VFIO_PCI_CFG_UNASSIGNED		0xff
/* So the map fits in a byte per config byte */
#define VFIO_PCI_MAX_CAP_INSTANCES	VFIO_PCI_CFG_UNASSIGNED

/* Our copy of config space, in the byte order of the user's buffer */
static inline u32 vfio_pci_vconfig_get(struct vfio_pci_core_device *vdev,
				       unsigned int pos, unsigned int count)
{
	u32 val = 0;
	unsigned int i;

	for (i = 0; i < count; i++)
		val |= (u32)vdev->vconfig[pos + i] << (i * 8);
	return val;
}

static inline void vfio_pci_vconfig_set(struct vfio_pci_core_device *vdev,
					unsigned int pos, unsigned int count, u32 val)
{
	unsigned int i;

	for (i = 0; i < count; i++)
		vdev->vconfig[pos + i] = val >> (i * 8);
}

/* Does an access of @count bytes at @pos touch the register at @reg? */
static inline bool vfio_pci_covers(const struct vfio_pci_cap_instance *inst,
				   unsigned int pos, unsigned int count,
				   unsigned int reg)
{
	unsigned int offset = pos - inst->start;

	return offset <= reg && offset + count > reg;
}

/* vfio_pci_config.c: the default accessors, for hooks to build on */
int vfio_pci_cfg_read(struct vfio_pci_core_device *vdev,
		      const struct vfio_pci_cap_instance *inst,
		      unsigned int pos, unsigned int count, u32 *val);
int vfio_pci_cfg_write(struct vfio_pci_core_device *vdev,
		       const struct vfio_pci_cap_instance *inst,
		       unsigned int pos, unsigned int count, u32 val);
int vfio_pci_cfg_write_raw(struct vfio_pci_core_device *vdev,
			   const struct vfio_pci_cap_instance *inst,
			   unsigned int pos, unsigned int count, u32 val);

/* vfio_pci_caps.c */
extern const struct vfio_pci_cap vfio_pci_hidden_ecap;
const struct vfio_pci_cap *vfio_pci_find_cap(bool extended, u16 id);
const struct vfio_pci_cap *
vfio_pci_msi_layout(struct vfio_pci_core_device *vdev, unsigned int pos);

#endif /* VFIO_PCI_CONFIG_H */
