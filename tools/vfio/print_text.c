// SPDX-License-Identifier: GPL-2.0-only
/*
 * lsvfio's table: one block per IOMMU group, its devices under it, and for
 * each VFIO device its regions and interrupts.
 */
#include <stdio.h>
#include <string.h>

#include "lsvfio.h"

/* "read,write,mmap", or "-" for no flags. */
static void print_flags(enum lsvfio_flag_kind kind, uint32_t flags,
			int width)
{
	char buf[128] = "";
	const char *name;
	char unknown[16];
	unsigned int bit;
	size_t len = 0;

	for (bit = 0; bit < 32; bit++) {
		if (!(flags & (1u << bit)))
			continue;
		name = lsvfio_flag_name(kind, bit);
		if (!name) {
			snprintf(unknown, sizeof(unknown), "bit%u", bit);
			name = unknown;
		}
		len += snprintf(buf + len, sizeof(buf) - len, "%s%s",
				len ? "," : "", name);
		if (len >= sizeof(buf))
			break;
	}
	printf("%-*s", width, buf[0] ? buf : "-");
}

static void print_caps(const struct lsvfio_caps *caps)
{
	unsigned int i, f, k;

	for (i = 0; i < caps->nr; i++) {
		const struct lsvfio_cap *cap = &caps->caps[i];

		printf("%s%s", i ? "; " : "", cap->name);
		if (!strcmp(cap->name, "unknown"))
			printf("(id %u)", cap->id);
		for (f = 0; f < cap->nr_fields; f++)
			printf(" %s=%llu", cap->fields[f].key,
			       (unsigned long long)cap->fields[f].value);
		/* Areas are offset+size, ranges are start-end. */
		for (k = 0; k < cap->nr_items; k++)
			printf(" 0x%llx%s0x%llx",
			       (unsigned long long)cap->items[k][0],
			       strcmp(cap->item_keys[1], "size") ? "-" : "+",
			       (unsigned long long)cap->items[k][1]);
	}
}

static void print_pgsizes(uint64_t pgsizes)
{
	static const char units[] = "KMGTPE";
	unsigned int bit, shown = 0;

	if (__builtin_popcountll(pgsizes) > 4) {
		printf("page sizes from %lluK (bitmap 0x%llx)",
		       (unsigned long long)(pgsizes & -pgsizes) >> 10,
		       (unsigned long long)pgsizes);
		return;
	}
	printf("page sizes");
	for (bit = 10; bit < 64; bit++)
		if (pgsizes & (1ULL << bit)) {
			printf(" %llu%c", 1ULL << (bit % 10),
			       units[bit / 10 - 1]);
			shown++;
		}
	if (!shown)
		printf(" none");
}

static void print_iommu(const struct lsvfio_group *group)
{
	const struct lsvfio_iommu *iommu = &group->iommu;

	if (!iommu->model)
		return;
	printf("  IOMMU: %s", iommu->model);
	if (iommu->has_info) {
		printf(", ");
		print_pgsizes(iommu->pgsizes);
	}
	if (iommu->caps.nr) {
		printf("\n         ");
		print_caps(&iommu->caps);
	}
	printf("\n");
}

static void print_regions(const struct lsvfio_device *dev)
{
	const char *name;
	unsigned int i;

	printf("    %6s  %-6s  %12s  %15s  %-22s %s\n", "region", "name",
	       "size", "offset", "flags", "capabilities");
	for (i = 0; i < dev->num_regions; i++) {
		const struct lsvfio_region *r = &dev->regions[i];

		name = lsvfio_region_name(dev, i);
		printf("    %6u  %-6s  ", i, name ? name : "-");
		if (r->error) {
			printf("%12s  (unavailable: %s)\n", "-",
			       strerror(r->error));
			continue;
		}
		printf("%#12llx  %#15llx  ", (unsigned long long)r->size,
		       (unsigned long long)r->offset);
		/* Pad the flags only if a column follows them. */
		print_flags(LSVFIO_REGION_FLAGS, r->flags, r->caps.nr ? 22 : 0);
		if (r->caps.nr) {
			printf(" ");
			print_caps(&r->caps);
		}
		printf("\n");
	}
}

static void print_irqs(const struct lsvfio_device *dev)
{
	const char *name;
	unsigned int i;

	printf("    %6s  %-6s  %5s  %s\n", "irq", "name", "count", "flags");
	for (i = 0; i < dev->num_irqs; i++) {
		const struct lsvfio_irq *irq = &dev->irqs[i];

		name = lsvfio_irq_name(dev, i);
		printf("    %6u  %-6s  ", i, name ? name : "-");
		if (irq->error) {
			printf("%5s  (unavailable: %s)\n", "-",
			       strerror(irq->error));
			continue;
		}
		printf("%5u  ", irq->count);
		print_flags(LSVFIO_IRQ_FLAGS, irq->flags, 0);
		printf("\n");
	}
}

static void print_device(const struct lsvfio_device *dev)
{
	printf("  %s  %s", dev->name, dev->bus[0] ? dev->bus : "?");
	if (dev->has_ids)
		printf(" %04x:%04x class %06x", dev->vendor, dev->device,
		       dev->class);
	printf("  %s%s\n", dev->driver[0] ? "driver " : "no driver",
	       dev->driver);
	if (dev->error[0])
		printf("    error: %s\n", dev->error);
	if (!dev->opened)
		return;
	printf("    device flags ");
	print_flags(LSVFIO_DEVICE_FLAGS, dev->flags, 0);
	printf(", %u regions, %u irq indexes", dev->num_regions,
	       dev->num_irqs);
	if (dev->caps.nr) {
		printf(", capabilities: ");
		print_caps(&dev->caps);
	}
	printf("\n");
	print_regions(dev);
	print_irqs(dev);
}

/**
 * lsvfio_print_text() - print the selected groups as a table
 * @ls: what was collected
 */
void lsvfio_print_text(const struct lsvfio *ls)
{
	unsigned int g, d;

	for (g = 0; g < ls->nr_groups; g++) {
		const struct lsvfio_group *group = &ls->groups[g];

		if (!group->selected)
			continue;
		printf("IOMMU group %d: %s (%s)", group->id,
		       group->viable ? "viable" : "not viable",
		       group->viable_from_kernel ? "VFIO says" : "from sysfs");
		if (group->node[0])
			printf(", %s\n", group->node);
		else
			printf(", no VFIO device\n");
		if (group->error[0])
			printf("  error: %s\n", group->error);
		else if (group->node[0] && !group->opened &&
			 group->viable_from_kernel)
			printf("  not opened: each device must have a VFIO driver or none\n");
		print_iommu(group);
		for (d = 0; d < group->nr_devices; d++)
			print_device(&group->devices[d]);
	}
}
