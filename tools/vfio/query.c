// SPDX-License-Identifier: GPL-2.0-only
/*
 * lsvfio: what VFIO itself says about a group and its devices.
 *
 * A device fd is only handed out for a viable group that sits in a
 * container with an IOMMU model set, so each group gets a container of
 * its own for the time it takes to ask.  Nothing is mapped and no
 * interrupt is set up; but vfio-pci resets a device when it is opened and
 * closed, which is why --no-open exists.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/vfio.h>

#include "lsvfio.h"

#define VFIO_CONTAINER_PATH	"/dev/vfio/vfio"
/* Sanity limits against a chain that never ends or a huge argsz. */
#define MAX_CAPS		64
#define MAX_INFO_SIZE		(64 << 10)

/* Which namespace a capability id belongs to. */
enum cap_kind {
	CAP_DEVICE,
	CAP_REGION,
	CAP_IOMMU,
};

static void set_error(char *error, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(error, LSVFIO_ERROR_LEN, fmt, ap);
	va_end(ap);
}

/*
 * Run a "get info" ioctl whose reply may carry a capability chain.  The
 * kernel reports the size it needs in argsz when the buffer is short, so
 * ask again with that much room.  @tmpl holds the input fields (an index);
 * its first member is argsz.  The caller frees the reply.
 */
static void *info_ioctl(int fd, unsigned long request, const void *tmpl,
			size_t size, int *err)
{
	uint32_t argsz = size;
	void *buf;

	for (;;) {
		buf = calloc(1, argsz);
		if (!buf) {
			*err = ENOMEM;
			return NULL;
		}
		memcpy(buf, tmpl, size);
		*(uint32_t *)buf = argsz;
		if (ioctl(fd, request, buf)) {
			*err = errno;
			free(buf);
			return NULL;
		}
		if (*(uint32_t *)buf <= argsz)
			return buf;
		argsz = *(uint32_t *)buf;
		free(buf);
		if (argsz > MAX_INFO_SIZE) {
			*err = E2BIG;
			return NULL;
		}
	}
}

static void cap_field(struct lsvfio_cap *cap, const char *key, uint64_t value)
{
	if (cap->nr_fields < LSVFIO_MAX_FIELDS) {
		cap->fields[cap->nr_fields].key = key;
		cap->fields[cap->nr_fields].value = value;
		cap->nr_fields++;
	}
}

/* Give @cap a list of @nr pairs; false if they do not fit in @len. */
static bool cap_list(struct lsvfio_cap *cap, const char *key,
		     const char *first, const char *second, uint32_t nr,
		     const uint64_t *pairs, size_t header, size_t len)
{
	if (header + (size_t)nr * 2 * sizeof(uint64_t) > len)
		return false;
	cap->items = calloc(nr ? nr : 1, sizeof(*cap->items));
	if (!cap->items)
		return false;
	memcpy(cap->items, pairs, (size_t)nr * 2 * sizeof(uint64_t));
	cap->nr_items = nr;
	cap->list_key = key;
	cap->item_keys[0] = first;
	cap->item_keys[1] = second;
	return true;
}

static void decode_region_cap(struct lsvfio_cap *cap, const void *hdr,
			      size_t len)
{
	const struct vfio_region_info_cap_sparse_mmap *sparse = hdr;
	const struct vfio_region_info_cap_type *type = hdr;
	const struct vfio_region_info_cap_nvlink2_ssatgt *ssatgt = hdr;
	const struct vfio_region_info_cap_nvlink2_lnkspd *lnkspd = hdr;

	switch (cap->id) {
	case VFIO_REGION_INFO_CAP_SPARSE_MMAP:
		cap->name = "sparse-mmap";
		if (len >= sizeof(*sparse))
			cap_list(cap, "areas", "offset", "size",
				 sparse->nr_areas,
				 (const uint64_t *)sparse->areas,
				 sizeof(*sparse), len);
		break;
	case VFIO_REGION_INFO_CAP_TYPE:
		cap->name = "type";
		if (len >= sizeof(*type)) {
			cap_field(cap, "type", type->type);
			cap_field(cap, "subtype", type->subtype);
		}
		break;
	case VFIO_REGION_INFO_CAP_MSIX_MAPPABLE:
		cap->name = "msix-mappable";
		break;
	case VFIO_REGION_INFO_CAP_NVLINK2_SSATGT:
		cap->name = "nvlink2-ssatgt";
		if (len >= sizeof(*ssatgt))
			cap_field(cap, "tgt", ssatgt->tgt);
		break;
	case VFIO_REGION_INFO_CAP_NVLINK2_LNKSPD:
		cap->name = "nvlink2-lnkspd";
		if (len >= sizeof(*lnkspd))
			cap_field(cap, "link_speed", lnkspd->link_speed);
		break;
	}
}

static void decode_device_cap(struct lsvfio_cap *cap, const void *hdr,
			      size_t len)
{
	const struct vfio_device_info_cap_pci_atomic_comp *atomic = hdr;

	switch (cap->id) {
	case VFIO_DEVICE_INFO_CAP_ZPCI_BASE:
		cap->name = "zpci-base";
		break;
	case VFIO_DEVICE_INFO_CAP_ZPCI_GROUP:
		cap->name = "zpci-group";
		break;
	case VFIO_DEVICE_INFO_CAP_ZPCI_UTIL:
		cap->name = "zpci-util";
		break;
	case VFIO_DEVICE_INFO_CAP_ZPCI_PFIP:
		cap->name = "zpci-pfip";
		break;
	case VFIO_DEVICE_INFO_CAP_PCI_ATOMIC_COMP:
		cap->name = "pci-atomic-comp";
		if (len >= sizeof(*atomic))
			cap_field(cap, "flags", atomic->flags);
		break;
	}
}

static void decode_iommu_cap(struct lsvfio_cap *cap, const void *hdr,
			     size_t len)
{
	const struct vfio_iommu_type1_info_cap_iova_range *ranges = hdr;
	const struct vfio_iommu_type1_info_cap_migration *migration = hdr;
	const struct vfio_iommu_type1_info_dma_avail *avail = hdr;

	switch (cap->id) {
	case VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE:
		cap->name = "iova-range";
		if (len >= sizeof(*ranges))
			cap_list(cap, "ranges", "start", "end",
				 ranges->nr_iovas,
				 (const uint64_t *)ranges->iova_ranges,
				 sizeof(*ranges), len);
		break;
	case VFIO_IOMMU_TYPE1_INFO_CAP_MIGRATION:
		cap->name = "migration";
		if (len >= sizeof(*migration)) {
			cap_field(cap, "flags", migration->flags);
			cap_field(cap, "pgsize_bitmap",
				  migration->pgsize_bitmap);
			cap_field(cap, "max_dirty_bitmap_size",
				  migration->max_dirty_bitmap_size);
		}
		break;
	case VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL:
		cap->name = "dma-avail";
		if (len >= sizeof(*avail))
			cap_field(cap, "avail", avail->avail);
		break;
	}
}

/*
 * Decode the chain that starts @offset bytes into @info (@size bytes
 * long).  A malformed chain ends the walk; what came before it is kept.
 */
static void decode_caps(struct lsvfio_caps *caps, enum cap_kind kind,
			const void *info, uint32_t size, uint32_t offset)
{
	const struct vfio_info_cap_header *hdr;
	struct lsvfio_cap *cap;

	while (offset && caps->nr < MAX_CAPS &&
	       offset + sizeof(*hdr) <= size && !(offset % 4)) {
		hdr = (const void *)((const char *)info + offset);
		cap = realloc(caps->caps, (caps->nr + 1) * sizeof(*cap));
		if (!cap)
			return;
		caps->caps = cap;
		cap = &caps->caps[caps->nr++];
		memset(cap, 0, sizeof(*cap));
		cap->id = hdr->id;
		cap->version = hdr->version;
		cap->name = "unknown";
		if (kind == CAP_REGION)
			decode_region_cap(cap, hdr, size - offset);
		else if (kind == CAP_DEVICE)
			decode_device_cap(cap, hdr, size - offset);
		else
			decode_iommu_cap(cap, hdr, size - offset);
		/* Chains only grow forwards; anything else would loop. */
		if (hdr->next && hdr->next <= offset)
			return;
		offset = hdr->next;
	}
}

static void query_region(int fd, struct lsvfio_region *region)
{
	struct vfio_region_info tmpl = { .index = region->index };
	struct vfio_region_info *info;

	info = info_ioctl(fd, VFIO_DEVICE_GET_REGION_INFO, &tmpl, sizeof(tmpl),
			  &region->error);
	if (!info)
		return;
	region->flags = info->flags;
	region->size = info->size;
	region->offset = info->offset;
	if (info->flags & VFIO_REGION_INFO_FLAG_CAPS)
		decode_caps(&region->caps, CAP_REGION, info, info->argsz,
			    info->cap_offset);
	free(info);
}

static void query_irq(int fd, struct lsvfio_irq *irq)
{
	struct vfio_irq_info info = {
		.argsz = sizeof(info),
		.index = irq->index,
	};

	if (ioctl(fd, VFIO_DEVICE_GET_IRQ_INFO, &info)) {
		irq->error = errno;
		return;
	}
	irq->flags = info.flags;
	irq->count = info.count;
}

static int query_device(int group, struct lsvfio_device *dev)
{
	struct vfio_device_info tmpl = { 0 };
	struct vfio_device_info *info;
	unsigned int i;
	int fd, err;

	fd = ioctl(group, VFIO_GROUP_GET_DEVICE_FD, dev->name);
	if (fd < 0) {
		err = errno;
		if (err == EBUSY)
			set_error(dev->error, "device busy: already opened elsewhere");
		else
			set_error(dev->error, "VFIO_GROUP_GET_DEVICE_FD: %s",
				  strerror(err));
		return -err;
	}

	info = info_ioctl(fd, VFIO_DEVICE_GET_INFO, &tmpl, sizeof(tmpl), &err);
	if (!info) {
		set_error(dev->error, "VFIO_DEVICE_GET_INFO: %s", strerror(err));
		close(fd);
		return -err;
	}
	dev->flags = info->flags;
	dev->num_regions = info->num_regions;
	dev->num_irqs = info->num_irqs;
	if (info->flags & VFIO_DEVICE_FLAGS_CAPS)
		decode_caps(&dev->caps, CAP_DEVICE, info, info->argsz,
			    info->cap_offset);
	free(info);

	dev->regions = calloc(dev->num_regions ? dev->num_regions : 1,
			      sizeof(*dev->regions));
	dev->irqs = calloc(dev->num_irqs ? dev->num_irqs : 1,
			   sizeof(*dev->irqs));
	if (!dev->regions || !dev->irqs) {
		set_error(dev->error, "out of memory");
		close(fd);
		return -ENOMEM;
	}
	for (i = 0; i < dev->num_regions; i++) {
		dev->regions[i].index = i;
		query_region(fd, &dev->regions[i]);
	}
	for (i = 0; i < dev->num_irqs; i++) {
		dev->irqs[i].index = i;
		query_irq(fd, &dev->irqs[i]);
	}
	close(fd);
	dev->opened = true;
	return 0;
}

static void query_iommu(int container, struct lsvfio_iommu *iommu)
{
	struct vfio_iommu_type1_info tmpl = { 0 };
	struct vfio_iommu_type1_info *info;
	int err;

	info = info_ioctl(container, VFIO_IOMMU_GET_INFO, &tmpl, sizeof(tmpl),
			  &err);
	if (!info)
		return;
	iommu->has_info = true;
	iommu->flags = info->flags;
	iommu->pgsizes = info->iova_pgsizes;
	if (info->flags & VFIO_IOMMU_INFO_CAPS)
		decode_caps(&iommu->caps, CAP_IOMMU, info, info->argsz,
			    info->cap_offset);
	free(info);
}

static void explain_open_error(struct lsvfio_group *group, int err)
{
	struct stat st;

	if (err == EBUSY) {
		set_error(group->error,
			  "group busy: another process (QEMU, DPDK, ...) has %s open",
			  group->node);
	} else if ((err == EACCES || err == EPERM) && !stat(group->node, &st)) {
		set_error(group->error,
			  "permission denied: %s is owned by uid %u, gid %u, mode %04o; opening it needs read-write access",
			  group->node, st.st_uid, st.st_gid,
			  st.st_mode & 07777);
	} else {
		set_error(group->error, "cannot open %s: %s", group->node,
			  strerror(err));
	}
}

/* Put @group in @container with the IOMMU model that suits it. */
static int attach_group(int container, int fd, struct lsvfio_group *group)
{
	long model;
	int err;

	if (ioctl(fd, VFIO_GROUP_SET_CONTAINER, &container)) {
		err = errno;
		set_error(group->error, "VFIO_GROUP_SET_CONTAINER: %s",
			  strerror(err));
		return -err;
	}
	if (group->noiommu) {
		model = VFIO_NOIOMMU_IOMMU;
		group->iommu.model = "noiommu";
	} else if (ioctl(container, VFIO_CHECK_EXTENSION,
			 VFIO_TYPE1v2_IOMMU) > 0) {
		model = VFIO_TYPE1v2_IOMMU;
		group->iommu.model = "type1v2";
	} else {
		model = VFIO_TYPE1_IOMMU;
		group->iommu.model = "type1";
	}
	if (ioctl(container, VFIO_SET_IOMMU, model)) {
		err = errno;
		if (group->noiommu && err == EPERM)
			set_error(group->error,
				  "no-IOMMU groups can only be used with CAP_SYS_RAWIO");
		else
			set_error(group->error, "VFIO_SET_IOMMU(%s): %s",
				  group->iommu.model, strerror(err));
		group->iommu.model = NULL;
		return -err;
	}
	return 0;
}

/**
 * lsvfio_query_group() - ask VFIO about a group and its VFIO devices
 * @ls: the whole listing (for errors that concern every group)
 * @group: a group whose @node exists
 *
 * Fills in the kernel's view of viability, the IOMMU of the container and
 * every VFIO device's regions and interrupts.  A group that is not
 * viable is not an error: its devices just cannot be opened.
 *
 * Return: 0, or a negative errno with @group->error saying what happened.
 */
int lsvfio_query_group(struct lsvfio *ls, struct lsvfio_group *group)
{
	struct vfio_group_status status = { .argsz = sizeof(status) };
	int container, fd, err = 0;
	unsigned int i;

	if (!group->node[0])
		return 0;

	container = open(VFIO_CONTAINER_PATH, O_RDWR | O_CLOEXEC);
	if (container < 0) {
		err = errno;
		set_error(ls->container_error, "cannot open %s: %s%s",
			  VFIO_CONTAINER_PATH, strerror(err),
			  err == ENOENT ? " (is the vfio module loaded?)" : "");
		set_error(group->error, "%s", ls->container_error);
		return -err;
	}
	if (ioctl(container, VFIO_GET_API_VERSION) != VFIO_API_VERSION) {
		set_error(group->error, "unknown VFIO API version");
		close(container);
		return -EINVAL;
	}

	fd = open(group->node, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		err = errno;
		explain_open_error(group, err);
		close(container);
		return -err;
	}

	if (ioctl(fd, VFIO_GROUP_GET_STATUS, &status)) {
		err = errno;
		set_error(group->error, "VFIO_GROUP_GET_STATUS: %s",
			  strerror(err));
		goto out;
	}
	group->viable = status.flags & VFIO_GROUP_FLAGS_VIABLE;
	group->viable_from_kernel = true;
	if (!group->viable)
		goto out;

	err = -attach_group(container, fd, group);
	if (err)
		goto out;
	group->opened = true;
	if (!group->noiommu)
		query_iommu(container, &group->iommu);

	/* A device that fails has its own error; the group is still fine. */
	for (i = 0; i < group->nr_devices; i++)
		if (group->devices[i].vfio)
			query_device(fd, &group->devices[i]);
out:
	close(fd);
	close(container);
	return -err;
}

static void free_caps(struct lsvfio_caps *caps)
{
	unsigned int i;

	for (i = 0; i < caps->nr; i++)
		free(caps->caps[i].items);
	free(caps->caps);
}

void lsvfio_free(struct lsvfio *ls)
{
	unsigned int g, d, r;

	for (g = 0; g < ls->nr_groups; g++) {
		struct lsvfio_group *group = &ls->groups[g];

		free_caps(&group->iommu.caps);
		for (d = 0; d < group->nr_devices; d++) {
			struct lsvfio_device *dev = &group->devices[d];

			free_caps(&dev->caps);
			for (r = 0; dev->regions && r < dev->num_regions; r++)
				free_caps(&dev->regions[r].caps);
			free(dev->regions);
			free(dev->irqs);
		}
		free(group->devices);
	}
	free(ls->groups);
	memset(ls, 0, sizeof(*ls));
}
