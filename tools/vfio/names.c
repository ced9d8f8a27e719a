// SPDX-License-Identifier: GPL-2.0-only
/*
 * lsvfio: names for VFIO's numbers.  The JSON output uses the same names
 * as the table, next to the raw numbers, so scripts can use either.
 */
#include <stdio.h>

#include <linux/vfio.h>

#include "lsvfio.h"

/* Indexed by bit number. */
static const char *const device_flags[] = {
	"reset", "pci", "platform", "amba", "ccw", "ap", "fsl-mc", "caps",
	"cdx",
};

static const char *const region_flags[] = { "read", "write", "mmap", "caps" };

static const char *const irq_flags[] = {
	"eventfd", "maskable", "automasked", "noresize",
};

static const char *const iommu_flags[] = { "pgsizes", "caps" };

static const char *const pci_regions[VFIO_PCI_NUM_REGIONS] = {
	"BAR0", "BAR1", "BAR2", "BAR3", "BAR4", "BAR5", "ROM", "CONFIG", "VGA",
};

static const char *const pci_irqs[VFIO_PCI_NUM_IRQS] = {
	"INTX", "MSI", "MSIX", "ERR", "REQ",
};

/**
 * lsvfio_flag_name() - the name of one bit of a flags word
 * @kind: which flags word
 * @bit: bit number
 *
 * Return: the name, or NULL for a bit this version does not know.
 */
const char *lsvfio_flag_name(enum lsvfio_flag_kind kind, unsigned int bit)
{
	switch (kind) {
	case LSVFIO_DEVICE_FLAGS:
		return bit < ARRAY_SIZE(device_flags) ? device_flags[bit] : NULL;
	case LSVFIO_REGION_FLAGS:
		return bit < ARRAY_SIZE(region_flags) ? region_flags[bit] : NULL;
	case LSVFIO_IRQ_FLAGS:
		return bit < ARRAY_SIZE(irq_flags) ? irq_flags[bit] : NULL;
	case LSVFIO_IOMMU_FLAGS:
		return bit < ARRAY_SIZE(iommu_flags) ? iommu_flags[bit] : NULL;
	}
	return NULL;
}

/**
 * lsvfio_region_name() - what a region index stands for
 * @dev: the device (its bus decides the meaning of indexes)
 * @index: region index
 *
 * Return: "BAR0" and so on for the fixed PCI indexes, NULL otherwise.
 */
const char *lsvfio_region_name(const struct lsvfio_device *dev,
			       uint32_t index)
{
	if ((dev->flags & VFIO_DEVICE_FLAGS_PCI) && index < VFIO_PCI_NUM_REGIONS)
		return pci_regions[index];
	return NULL;
}

/**
 * lsvfio_irq_name() - what an interrupt index stands for
 * @dev: the device
 * @index: interrupt index
 *
 * Return: "INTX" and so on for the fixed PCI indexes, NULL otherwise.
 */
const char *lsvfio_irq_name(const struct lsvfio_device *dev, uint32_t index)
{
	if ((dev->flags & VFIO_DEVICE_FLAGS_PCI) && index < VFIO_PCI_NUM_IRQS)
		return pci_irqs[index];
	return NULL;
}
