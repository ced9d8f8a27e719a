/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The VFIO side of the sample NVMe driver: one PCI device in its own
 * container, with a type1v2 IOMMU behind it.
 */
#ifndef SAMPLE_NVME_VFIO_H
#define SAMPLE_NVME_VFIO_H

#include <stddef.h>
#include <linux/types.h>

#include <linux/vfio.h>

/**
 * struct vfio_pci_dev - a PCI device opened through VFIO
 * @bdf: the device's PCI address, e.g. "0000:00:06.0"
 * @group_id: its IOMMU group, the N of /dev/vfio/N
 * @container: fd of /dev/vfio/vfio, which owns the IOMMU mappings
 * @group: fd of /dev/vfio/N
 * @device: the device fd from VFIO_GROUP_GET_DEVICE_FD
 * @info: the reply of VFIO_DEVICE_GET_INFO
 * @config_offset: file offset of the config space region in @device
 */
struct vfio_pci_dev {
	char bdf[32];
	int group_id;
	int container;
	int group;
	int device;
	struct vfio_device_info info;
	__u64 config_offset;
};

/**
 * struct vfio_bar - a BAR mmap'ed into this process
 * @index: region index (VFIO_PCI_BAR0_REGION_INDEX, ...)
 * @size: size of the region
 * @base: where it is mapped; parts a sparse mmap capability leaves out
 *	are mapped PROT_NONE, so touching them faults instead of aliasing
 * @sparse: true if only some windows of the BAR could be mapped
 */
struct vfio_bar {
	unsigned int index;
	__u64 size;
	void *base;
	int sparse;
};

int vfio_pci_find_group(const char *bdf);
int vfio_pci_open(struct vfio_pci_dev *dev, const char *bdf, int group_id);
void vfio_pci_close(struct vfio_pci_dev *dev);

int vfio_pci_map_bar(struct vfio_pci_dev *dev, unsigned int index,
		     struct vfio_bar *bar);
void vfio_pci_unmap_bar(struct vfio_bar *bar);

int vfio_pci_config_read(struct vfio_pci_dev *dev, unsigned int offset,
			 void *buf, size_t len);
int vfio_pci_config_write(struct vfio_pci_dev *dev, unsigned int offset,
			  const void *buf, size_t len);
int vfio_pci_set_bus_master(struct vfio_pci_dev *dev, int enable);

int vfio_pci_irq_count(struct vfio_pci_dev *dev, unsigned int index);
int vfio_pci_set_irq_eventfds(struct vfio_pci_dev *dev, unsigned int index,
			      const int *fds, unsigned int count);
int vfio_pci_disable_irqs(struct vfio_pci_dev *dev, unsigned int index);

int vfio_iommu_find_iova(struct vfio_pci_dev *dev, __u64 size,
			 __u64 *iova);
int vfio_iommu_map(struct vfio_pci_dev *dev, void *vaddr, __u64 iova,
		   __u64 size);
int vfio_iommu_unmap(struct vfio_pci_dev *dev, __u64 iova, __u64 size);

#endif /* SAMPLE_NVME_VFIO_H */
