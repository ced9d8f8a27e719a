// SPDX-License-Identifier: GPL-2.0-only
/*
 * lsvfio --json: the same facts as the table, for scripts.
 *
 * Numbers are JSON numbers (sizes, offsets, flags, counts); names of flags
 * are given next to them.  Every key is always present: a value that does
 * not apply is null or an empty list, so a script never has to guess
 * whether a key was forgotten.
 */
#include <stdio.h>
#include <string.h>

#include "lsvfio.h"

/* Deeper than the deepest nesting we print (eleven levels). */
#define JSON_MAX_DEPTH	16

/*
 * A small streaming writer: it tracks whether a comma is due and how deep
 * we are.  Containers opened "inline" keep their members on one line,
 * which keeps short lists (flag names, address pairs) readable.
 */
struct json {
	int depth;
	int inline_depth;
	bool first[JSON_MAX_DEPTH];
};

static void json_indent(struct json *j)
{
	int i;

	putchar('\n');
	for (i = 0; i < j->depth; i++)
		fputs("  ", stdout);
}

/* Start a member: comma, line break, and "key": if inside an object. */
static void json_member(struct json *j, const char *key)
{
	if (j->depth > 0) {
		if (!j->first[j->depth])
			putchar(',');
		if (j->inline_depth) {
			if (!j->first[j->depth])
				putchar(' ');
		} else {
			json_indent(j);
		}
		j->first[j->depth] = false;
	}
	if (key)
		printf("\"%s\": ", key);
}

static void json_string_value(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

static void json_open(struct json *j, const char *key, char bracket,
		      bool is_inline)
{
	json_member(j, key);
	putchar(bracket);
	j->first[++j->depth] = true;
	if (is_inline || j->inline_depth)
		j->inline_depth++;
}

static void json_close(struct json *j, char bracket)
{
	bool empty = j->first[j->depth];

	j->depth--;
	if (j->inline_depth)
		j->inline_depth--;
	else if (!empty)
		json_indent(j);
	putchar(bracket);
}

static void json_str(struct json *j, const char *key, const char *value)
{
	json_member(j, key);
	if (value && value[0])
		json_string_value(value);
	else
		fputs("null", stdout);
}

static void json_u64(struct json *j, const char *key, uint64_t value)
{
	json_member(j, key);
	printf("%llu", (unsigned long long)value);
}

static void json_bool(struct json *j, const char *key, bool value)
{
	json_member(j, key);
	fputs(value ? "true" : "false", stdout);
}

static void json_hex(struct json *j, const char *key, uint32_t value,
		     int digits)
{
	char buf[16];

	snprintf(buf, sizeof(buf), "0x%0*x", digits, value);
	json_str(j, key, buf);
}

/*
 * A failed info ioctl: "errno" is the number and "error" its text, both
 * null when the ioctl succeeded.  vfio-pci, for one, fails the VGA index
 * of a device that has no VGA.
 */
static void json_errno(struct json *j, int err)
{
	if (err) {
		json_u64(j, "errno", err);
		json_str(j, "error", strerror(err));
	} else {
		json_str(j, "errno", NULL);
		json_str(j, "error", NULL);
	}
}

static void json_flags(struct json *j, enum lsvfio_flag_kind kind,
		       uint32_t flags)
{
	const char *name;
	char unknown[16];
	unsigned int bit;

	json_u64(j, "flags", flags);
	json_open(j, "flag_names", '[', true);
	for (bit = 0; bit < 32; bit++) {
		if (!(flags & (1u << bit)))
			continue;
		name = lsvfio_flag_name(kind, bit);
		if (!name) {
			snprintf(unknown, sizeof(unknown), "bit%u", bit);
			name = unknown;
		}
		json_str(j, NULL, name);
	}
	json_close(j, ']');
}

static void json_caps(struct json *j, const struct lsvfio_caps *caps)
{
	unsigned int i, f, k;

	json_open(j, "capabilities", '[', false);
	for (i = 0; i < caps->nr; i++) {
		const struct lsvfio_cap *cap = &caps->caps[i];

		json_open(j, NULL, '{', false);
		json_u64(j, "id", cap->id);
		json_u64(j, "version", cap->version);
		json_str(j, "name", cap->name);
		for (f = 0; f < cap->nr_fields; f++)
			json_u64(j, cap->fields[f].key, cap->fields[f].value);
		if (cap->list_key) {
			json_open(j, cap->list_key, '[', false);
			for (k = 0; k < cap->nr_items; k++) {
				json_open(j, NULL, '{', true);
				json_u64(j, cap->item_keys[0], cap->items[k][0]);
				json_u64(j, cap->item_keys[1], cap->items[k][1]);
				json_close(j, '}');
			}
			json_close(j, ']');
		}
		json_close(j, '}');
	}
	json_close(j, ']');
}

static void json_region(struct json *j, const struct lsvfio_device *dev,
			const struct lsvfio_region *region)
{
	json_open(j, NULL, '{', false);
	json_u64(j, "index", region->index);
	json_str(j, "name", lsvfio_region_name(dev, region->index));
	json_errno(j, region->error);
	json_u64(j, "size", region->size);
	json_u64(j, "offset", region->offset);
	json_flags(j, LSVFIO_REGION_FLAGS, region->flags);
	json_caps(j, &region->caps);
	json_close(j, '}');
}

static void json_irq(struct json *j, const struct lsvfio_device *dev,
		     const struct lsvfio_irq *irq)
{
	json_open(j, NULL, '{', false);
	json_u64(j, "index", irq->index);
	json_str(j, "name", lsvfio_irq_name(dev, irq->index));
	json_errno(j, irq->error);
	json_u64(j, "count", irq->count);
	json_flags(j, LSVFIO_IRQ_FLAGS, irq->flags);
	json_close(j, '}');
}

static void json_device(struct json *j, const struct lsvfio_device *dev)
{
	unsigned int i;

	json_open(j, NULL, '{', false);
	json_str(j, "name", dev->name);
	json_str(j, "bus", dev->bus);
	json_str(j, "driver", dev->driver);
	json_bool(j, "vfio", dev->vfio);
	if (dev->has_ids) {
		json_hex(j, "vendor", dev->vendor, 4);
		json_hex(j, "device", dev->device, 4);
		json_hex(j, "class", dev->class, 6);
	} else {
		json_str(j, "vendor", NULL);
		json_str(j, "device", NULL);
		json_str(j, "class", NULL);
	}
	json_bool(j, "opened", dev->opened);
	json_str(j, "error", dev->error);

	if (dev->opened) {
		json_open(j, "info", '{', false);
		json_flags(j, LSVFIO_DEVICE_FLAGS, dev->flags);
		json_u64(j, "num_regions", dev->num_regions);
		json_u64(j, "num_irqs", dev->num_irqs);
		json_caps(j, &dev->caps);
		json_close(j, '}');
	} else {
		json_str(j, "info", NULL);
	}

	json_open(j, "regions", '[', false);
	for (i = 0; dev->opened && i < dev->num_regions; i++)
		json_region(j, dev, &dev->regions[i]);
	json_close(j, ']');
	json_open(j, "irqs", '[', false);
	for (i = 0; dev->opened && i < dev->num_irqs; i++)
		json_irq(j, dev, &dev->irqs[i]);
	json_close(j, ']');
	json_close(j, '}');
}

static void json_iommu(struct json *j, const struct lsvfio_iommu *iommu)
{
	if (!iommu->model) {
		json_str(j, "iommu", NULL);
		return;
	}
	json_open(j, "iommu", '{', false);
	json_str(j, "model", iommu->model);
	if (iommu->has_info) {
		json_flags(j, LSVFIO_IOMMU_FLAGS, iommu->flags);
		json_u64(j, "pgsizes", iommu->pgsizes);
	} else {
		json_str(j, "flags", NULL);
		json_str(j, "pgsizes", NULL);
	}
	json_caps(j, &iommu->caps);
	json_close(j, '}');
}

/**
 * lsvfio_print_json() - print the selected groups as one JSON object
 * @ls: what was collected
 */
void lsvfio_print_json(const struct lsvfio *ls)
{
	struct json j = { 0 };
	unsigned int g, d;

	json_open(&j, NULL, '{', false);
	json_u64(&j, "version", 1);
	json_str(&j, "container_error", ls->container_error);
	json_open(&j, "groups", '[', false);
	for (g = 0; g < ls->nr_groups; g++) {
		const struct lsvfio_group *group = &ls->groups[g];

		if (!group->selected)
			continue;
		json_open(&j, NULL, '{', false);
		json_u64(&j, "id", group->id);
		json_str(&j, "node", group->node);
		json_bool(&j, "noiommu", group->noiommu);
		json_bool(&j, "viable", group->viable);
		json_str(&j, "viable_source",
			 group->viable_from_kernel ? "kernel" : "sysfs");
		json_bool(&j, "opened", group->opened);
		json_str(&j, "error", group->error);
		json_iommu(&j, &group->iommu);
		json_open(&j, "devices", '[', false);
		for (d = 0; d < group->nr_devices; d++)
			json_device(&j, &group->devices[d]);
		json_close(&j, ']');
		json_close(&j, '}');
	}
	json_close(&j, ']');
	json_close(&j, '}');
	putchar('\n');
}
