/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * lsvfio: what it collects about IOMMU groups and VFIO devices.
 *
 * Collection (sysfs.c, query.c) fills these structures; printing
 * (print_text.c, print_json.c) only reads them, so both outputs always
 * show the same facts.
 */
#ifndef LSVFIO_H
#define LSVFIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#define LSVFIO_MAX_FIELDS	4
#define LSVFIO_ERROR_LEN	256

/**
 * struct lsvfio_cap - one capability of a VFIO info chain, decoded
 * @id: capability id
 * @version: capability version
 * @name: short name ("sparse-mmap", ...), or "unknown"
 * @nr_fields: entries used in @fields
 * @fields: scalar members worth showing, by name
 * @list_key: name of the list the capability carries ("areas",
 *	"ranges"), NULL if none
 * @item_keys: names of the two numbers of each list item
 * @nr_items: entries in @items
 * @items: the list: (offset, size) areas or (start, end) ranges
 */
struct lsvfio_cap {
	uint16_t id;
	uint16_t version;
	const char *name;
	unsigned int nr_fields;
	struct {
		const char *key;
		uint64_t value;
	} fields[LSVFIO_MAX_FIELDS];
	const char *list_key;
	const char *item_keys[2];
	unsigned int nr_items;
	uint64_t (*items)[2];
};

/**
 * struct lsvfio_caps - a decoded capability chain
 * @nr: number of capabilities
 * @caps: the capabilities, in chain order
 */
struct lsvfio_caps {
	unsigned int nr;
	struct lsvfio_cap *caps;
};

/**
 * struct lsvfio_region - VFIO_DEVICE_GET_REGION_INFO of one index
 * @index: region index
 * @error: errno of the ioctl, 0 if it succeeded
 * @flags: VFIO_REGION_INFO_FLAG_*
 * @size: region size in bytes
 * @offset: where the region starts in the device fd
 * @caps: its capabilities
 */
struct lsvfio_region {
	uint32_t index;
	int error;
	uint32_t flags;
	uint64_t size;
	uint64_t offset;
	struct lsvfio_caps caps;
};

/**
 * struct lsvfio_irq - VFIO_DEVICE_GET_IRQ_INFO of one index
 * @index: interrupt index
 * @error: errno of the ioctl, 0 if it succeeded
 * @flags: VFIO_IRQ_INFO_*
 * @count: number of vectors
 */
struct lsvfio_irq {
	uint32_t index;
	int error;
	uint32_t flags;
	uint32_t count;
};

/**
 * struct lsvfio_device - one device of an IOMMU group
 * @name: its name on its bus ("0000:00:06.0", "9000000.pl011")
 * @bus: "pci", "platform", "amba", ...
 * @driver: bound driver, "" if none
 * @vfio: bound to a VFIO driver
 * @has_ids: @vendor, @device and @class are valid (PCI)
 * @vendor: PCI vendor id
 * @device: PCI device id
 * @class: PCI class code
 * @opened: VFIO answered for it; the fields below are valid
 * @error: why it could not be opened, "" if it was or was not tried
 * @flags: VFIO_DEVICE_FLAGS_*
 * @num_regions: number of region indexes
 * @num_irqs: number of interrupt indexes
 * @caps: device capabilities
 * @regions: @num_regions entries
 * @irqs: @num_irqs entries
 */
struct lsvfio_device {
	char name[64];
	char bus[32];
	char driver[64];
	bool vfio;
	bool has_ids;
	uint16_t vendor;
	uint16_t device;
	uint32_t class;
	bool opened;
	char error[LSVFIO_ERROR_LEN];
	uint32_t flags;
	uint32_t num_regions;
	uint32_t num_irqs;
	struct lsvfio_caps caps;
	struct lsvfio_region *regions;
	struct lsvfio_irq *irqs;
};

/**
 * struct lsvfio_iommu - the IOMMU of the container a group was put in
 * @model: "type1v2", "type1" or "noiommu"
 * @has_info: VFIO_IOMMU_GET_INFO answered; the fields below are valid
 * @flags: VFIO_IOMMU_INFO_*
 * @pgsizes: page sizes it can map
 * @caps: IOMMU capabilities (IOVA ranges, ...)
 */
struct lsvfio_iommu {
	const char *model;
	bool has_info;
	uint32_t flags;
	uint64_t pgsizes;
	struct lsvfio_caps caps;
};

/**
 * struct lsvfio_group - an IOMMU group
 * @id: group number
 * @node: its VFIO character device, "" if no VFIO driver has a device in it
 * @noiommu: @node is a no-IOMMU group (/dev/vfio/noiommu-N)
 * @viable: every device is bound to a VFIO driver, a driver that does no
 *	DMA of its own, or no driver
 * @viable_from_kernel: @viable came from VFIO_GROUP_GET_STATUS rather than
 *	from reading drivers in sysfs
 * @selected: matches the command line, so it is shown (and opened)
 * @opened: the group was opened and put in a container
 * @error: why it could not be, "" otherwise
 * @iommu: valid when @opened
 * @nr_devices: devices in the group
 * @devices: the devices, sorted by name
 */
struct lsvfio_group {
	int id;
	char node[64];
	bool noiommu;
	bool viable;
	bool viable_from_kernel;
	bool selected;
	bool opened;
	char error[LSVFIO_ERROR_LEN];
	struct lsvfio_iommu iommu;
	unsigned int nr_devices;
	struct lsvfio_device *devices;
};

/**
 * struct lsvfio - everything collected
 * @nr_groups: IOMMU groups found
 * @groups: sorted by number
 * @container_error: why /dev/vfio/vfio could not be used, "" otherwise
 */
struct lsvfio {
	unsigned int nr_groups;
	struct lsvfio_group *groups;
	char container_error[LSVFIO_ERROR_LEN];
};

/* sysfs.c */
int lsvfio_scan_sysfs(struct lsvfio *ls);

/* query.c */
int lsvfio_query_group(struct lsvfio *ls, struct lsvfio_group *group);
void lsvfio_free(struct lsvfio *ls);

/* names.c */
enum lsvfio_flag_kind {
	LSVFIO_DEVICE_FLAGS,
	LSVFIO_REGION_FLAGS,
	LSVFIO_IRQ_FLAGS,
	LSVFIO_IOMMU_FLAGS,
};

const char *lsvfio_flag_name(enum lsvfio_flag_kind kind, unsigned int bit);
const char *lsvfio_region_name(const struct lsvfio_device *dev,
			       uint32_t index);
const char *lsvfio_irq_name(const struct lsvfio_device *dev, uint32_t index);

/* print_text.c, print_json.c */
void lsvfio_print_text(const struct lsvfio *ls);
void lsvfio_print_json(const struct lsvfio *ls);

#endif /* LSVFIO_H */
