// SPDX-License-Identifier: GPL-2.0-only
/*
 * The device fd, on the vfio_mock emulated device vfio-mock.0.
 *
 * What the device offers (mock/vfio_mock.h): two memory regions, the
 * second with a capability chain and mappable only in two sparse areas;
 * a doorbell interrupt that can be masked, and a request interrupt.  The
 * core checks every argsz and flags word before the driver sees the call;
 * these tests check both the driver's answers and the core's rules.
 */
#include <sys/mman.h>

#include "vfio_test_util.h"

#include "kselftest_harness.h"

#define RAM_OFFSET	VFIO_MOCK_REGION_OFFSET(VFIO_MOCK_RAM_REGION_INDEX)
#define SPARSE_OFFSET	VFIO_MOCK_REGION_OFFSET(VFIO_MOCK_SPARSE_REGION_INDEX)
#define BAD_OFFSET	VFIO_MOCK_REGION_OFFSET(VFIO_MOCK_NUM_REGIONS)

FIXTURE(device) {
	int container;
	int group;
	int device;
	int efd;
};

FIXTURE_SETUP(device)
{
	self->container = -1;
	self->group = -1;
	self->device = -1;
	self->efd = -1;
	if (mock_missing())
		SKIP(return, "%s", mock_missing());

	self->container = open(VFIO_CONTAINER_PATH, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->container);
	self->group = open_mock_group(MOCK_DEV0);
	ASSERT_LE(0, self->group);
	ASSERT_EQ(0, ioctl(self->group, VFIO_GROUP_SET_CONTAINER,
			   &self->container));
	ASSERT_EQ(0, ioctl(self->container, VFIO_SET_IOMMU, VFIO_MOCK_IOMMU));
	self->device = ioctl(self->group, VFIO_GROUP_GET_DEVICE_FD,
			     MOCK_DEV0);
	ASSERT_LE(0, self->device);
	self->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	ASSERT_LE(0, self->efd);
}

FIXTURE_TEARDOWN(device)
{
	close(self->efd);
	close(self->device);
	close(self->group);
	close(self->container);
}

/* VFIO_DEVICE_GET_INFO */

TEST_F(device, get_info)
{
	struct vfio_device_info info = { .argsz = sizeof(info) };

	ASSERT_EQ(0, ioctl(self->device, VFIO_DEVICE_GET_INFO, &info));
	EXPECT_EQ(sizeof(info), info.argsz);
	EXPECT_EQ(VFIO_DEVICE_FLAGS_PLATFORM | VFIO_DEVICE_FLAGS_RESET,
		  info.flags);
	EXPECT_EQ(VFIO_MOCK_NUM_REGIONS, info.num_regions);
	EXPECT_EQ(VFIO_MOCK_NUM_IRQS, info.num_irqs);
	EXPECT_EQ(0, info.cap_offset);
}

TEST_F(device, get_info_ignores_input_flags)
{
	struct vfio_device_info info = { .argsz = sizeof(info), .flags = ~0U };

	ASSERT_EQ(0, ioctl(self->device, VFIO_DEVICE_GET_INFO, &info));
	EXPECT_EQ(VFIO_DEVICE_FLAGS_PLATFORM | VFIO_DEVICE_FLAGS_RESET,
		  info.flags);
}

TEST_F(device, get_info_minimal_argsz_writes_only_that_much)
{
	struct vfio_device_info info;

	memset(&info, 0xa5, sizeof(info));
	/* An old caller that knows nothing of cap_offset */
	info.argsz = DEVICE_INFO_MINSZ;
	ASSERT_EQ(0, ioctl(self->device, VFIO_DEVICE_GET_INFO, &info));
	EXPECT_EQ(VFIO_MOCK_NUM_IRQS, info.num_irqs);
	EXPECT_EQ(0xa5a5a5a5, info.cap_offset);
}

TEST_F(device, get_info_short_argsz_is_einval)
{
	struct vfio_device_info info = {
		.argsz = DEVICE_INFO_MINSZ - 1,
	};

	EXPECT_ERRNO(EINVAL, ioctl(self->device, VFIO_DEVICE_GET_INFO,
				   &info));
}

TEST_F(device, get_info_large_argsz_leaves_the_rest_alone)
{
	__u8 buf[256];
	struct vfio_device_info *info = (void *)buf;
	size_t i;

	memset(buf, 0xa5, sizeof(buf));
	info->argsz = sizeof(buf);
	ASSERT_EQ(0, ioctl(self->device, VFIO_DEVICE_GET_INFO, info));
	EXPECT_EQ(sizeof(buf), info->argsz);
	EXPECT_EQ(0, info->flags & VFIO_DEVICE_FLAGS_CAPS);
	EXPECT_EQ(VFIO_MOCK_NUM_REGIONS, info->num_regions);
	for (i = sizeof(*info); i < sizeof(buf); i++)
		ASSERT_EQ(0xa5, buf[i]);
}

TEST_F(device, get_info_bad_pointer_is_efault)
{
	EXPECT_ERRNO(EFAULT, ioctl(self->device, VFIO_DEVICE_GET_INFO, NULL));
}

/* VFIO_DEVICE_GET_REGION_INFO */

TEST_F(device, region_info_ram)
{
	struct vfio_region_info info = {
		.argsz = sizeof(info),
		.index = VFIO_MOCK_RAM_REGION_INDEX,
	};

	ASSERT_EQ(0, ioctl(self->device, VFIO_DEVICE_GET_REGION_INFO, &info));
	EXPECT_EQ(VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE |
		  VFIO_REGION_INFO_FLAG_MMAP, info.flags);
	EXPECT_EQ(VFIO_MOCK_RAM_REGION_SIZE, info.size);
	EXPECT_EQ(RAM_OFFSET, info.offset);
	EXPECT_EQ(0, info.cap_offset);
	EXPECT_EQ(sizeof(info), info.argsz);
}

TEST_F(device, region_info_sparse_asks_for_room)
{
	struct vfio_region_info info = {
		.argsz = sizeof(info),
		.index = VFIO_MOCK_SPARSE_REGION_INDEX,
	};
	size_t chain = sizeof(struct vfio_region_info_cap_sparse_mmap) +
		       2 * sizeof(struct vfio_region_sparse_mmap_area) +
		       sizeof(struct vfio_region_info_cap_type);

	ASSERT_EQ(0, ioctl(self->device, VFIO_DEVICE_GET_REGION_INFO, &info));
	EXPECT_EQ(VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE |
		  VFIO_REGION_INFO_FLAG_MMAP | VFIO_REGION_INFO_FLAG_CAPS,
		  info.flags);
	EXPECT_EQ(VFIO_MOCK_SPARSE_REGION_SIZE, info.size);
	EXPECT_EQ(SPARSE_OFFSET, info.offset);
	/* Too small for the chain: told how much, and no chain yet */
	EXPECT_EQ(sizeof(info) + chain, info.argsz);
	EXPECT_EQ(0, info.cap_offset);
}

TEST_F(device, region_info_sparse_capability_chain)
{
	struct vfio_region_info_cap_sparse_mmap *sparse = NULL;
	struct vfio_region_info_cap_type *type = NULL;
	struct vfio_info_cap_header *header;
	__u8 buf[512];
	struct vfio_region_info *info = (void *)buf;
	__u32 offset;
	int caps = 0;

	memset(buf, 0, sizeof(buf));
	info->argsz = sizeof(buf);
	info->index = VFIO_MOCK_SPARSE_REGION_INDEX;
	ASSERT_EQ(0, ioctl(self->device, VFIO_DEVICE_GET_REGION_INFO, info));
	ASSERT_TRUE(info->flags & VFIO_REGION_INFO_FLAG_CAPS);
	ASSERT_EQ(sizeof(*info), info->cap_offset);
	ASSERT_GE(sizeof(buf), info->argsz);

	/* Offsets count from the start of the info struct; 0 ends */
	for (offset = info->cap_offset; offset; offset = header->next) {
		ASSERT_GE(info->argsz, offset + sizeof(*header));
		ASSERT_EQ(0, offset % 8);
		ASSERT_GT(4, ++caps);
		header = (void *)(buf + offset);
		if (header->id == VFIO_REGION_INFO_CAP_SPARSE_MMAP)
			sparse = (void *)header;
		else if (header->id == VFIO_REGION_INFO_CAP_TYPE)
			type = (void *)header;
	}
	EXPECT_EQ(2, caps);

	ASSERT_NE(NULL, sparse);
	EXPECT_EQ(1, sparse->header.version);
	ASSERT_EQ(2, sparse->nr_areas);
	EXPECT_EQ(VFIO_MOCK_SPARSE_AREA0_OFFSET, sparse->areas[0].offset);
	EXPECT_EQ(VFIO_MOCK_SPARSE_AREA0_SIZE, sparse->areas[0].size);
	EXPECT_EQ(VFIO_MOCK_SPARSE_AREA1_OFFSET, sparse->areas[1].offset);
	EXPECT_EQ(VFIO_MOCK_SPARSE_AREA1_SIZE, sparse->areas[1].size);

	ASSERT_NE(NULL, type);
	EXPECT_EQ(1, type->header.version);
	EXPECT_EQ(VFIO_MOCK_REGION_TYPE, type->type);
	EXPECT_EQ(VFIO_MOCK_REGION_SUBTYPE, type->subtype);
}

TEST_F(device, region_info_ignores_input_flags)
{
	struct vfio_region_info info = {
		.argsz = sizeof(info),
		.flags = ~0U,
		.index = VFIO_MOCK_RAM_REGION_INDEX,
	};

	ASSERT_EQ(0, ioctl(self->device, VFIO_DEVICE_GET_REGION_INFO, &info));
	EXPECT_EQ(VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE |
		  VFIO_REGION_INFO_FLAG_MMAP, info.flags);
}

TEST_F(device, region_info_bad_index_is_einval)
{
	struct vfio_region_info info = {
		.argsz = sizeof(info),
		.index = VFIO_MOCK_NUM_REGIONS,
	};

	EXPECT_ERRNO(EINVAL, ioctl(self->device, VFIO_DEVICE_GET_REGION_INFO,
				   &info));
	info.index = ~0U;
	EXPECT_ERRNO(EINVAL, ioctl(self->device, VFIO_DEVICE_GET_REGION_INFO,
				   &info));
}

TEST_F(device, region_info_short_argsz_is_einval)
{
	struct vfio_region_info info = {
		.argsz = REGION_INFO_MINSZ - 1,
		.index = VFIO_MOCK_RAM_REGION_INDEX,
	};

	EXPECT_ERRNO(EINVAL, ioctl(self->device, VFIO_DEVICE_GET_REGION_INFO,
				   &info));
}

/* VFIO_DEVICE_GET_IRQ_INFO */

TEST_F(device, irq_info)
{
	struct vfio_irq_info info = {
		.argsz = sizeof(info),
		.index = VFIO_MOCK_DOORBELL_IRQ_INDEX,
	};

	ASSERT_EQ(0, ioctl(self->device, VFIO_DEVICE_GET_IRQ_INFO, &info));
	EXPECT_EQ(VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_MASKABLE, info.flags);
	EXPECT_EQ(1, info.count);

	info.index = VFIO_MOCK_REQ_IRQ_INDEX;
	ASSERT_EQ(0, ioctl(self->device, VFIO_DEVICE_GET_IRQ_INFO, &info));
	EXPECT_EQ(VFIO_IRQ_INFO_EVENTFD, info.flags);
	EXPECT_EQ(1, info.count);
}

TEST_F(device, irq_info_ignores_input_flags)
{
	struct vfio_irq_info info = {
		.argsz = sizeof(info),
		.flags = ~0U,
		.index = VFIO_MOCK_REQ_IRQ_INDEX,
	};

	ASSERT_EQ(0, ioctl(self->device, VFIO_DEVICE_GET_IRQ_INFO, &info));
	EXPECT_EQ(VFIO_IRQ_INFO_EVENTFD, info.flags);
}

TEST_F(device, irq_info_bad_index_is_einval)
{
	struct vfio_irq_info info = {
		.argsz = sizeof(info),
		.index = VFIO_MOCK_NUM_IRQS,
	};

	EXPECT_ERRNO(EINVAL, ioctl(self->device, VFIO_DEVICE_GET_IRQ_INFO,
				   &info));
}

TEST_F(device, irq_info_short_argsz_is_einval)
{
	struct vfio_irq_info info = { .argsz = IRQ_INFO_MINSZ - 1 };

	EXPECT_ERRNO(EINVAL, ioctl(self->device, VFIO_DEVICE_GET_IRQ_INFO,
				   &info));
}

/* read(2) and write(2) */

TEST_F(device, ram_reads_back_what_was_written)
{
	char out[64], in[64];

	memset(out, 0x5a, sizeof(out));
	ASSERT_EQ(sizeof(out), pwrite(self->device, out, sizeof(out),
				      RAM_OFFSET + 128));
	ASSERT_EQ(sizeof(in), pread(self->device, in, sizeof(in),
				    RAM_OFFSET + 128));
	EXPECT_EQ(0, memcmp(out, in, sizeof(in)));
}

TEST_F(device, sparse_region_reads_back_what_was_written)
{
	__u64 out = 0x0123456789abcdefULL, in = 0;
	off_t where = SPARSE_OFFSET + VFIO_MOCK_SPARSE_REGION_SIZE - 8;

	ASSERT_EQ(8, pwrite(self->device, &out, 8, where));
	ASSERT_EQ(8, pread(self->device, &in, 8, where));
	EXPECT_EQ(out, in);
}

TEST_F(device, access_running_past_the_end_is_cut_short)
{
	char buf[16] = { 0 };
	off_t where = RAM_OFFSET + VFIO_MOCK_RAM_REGION_SIZE - 6;

	EXPECT_EQ(6, pread(self->device, buf, sizeof(buf), where));
	EXPECT_EQ(6, pwrite(self->device, buf, sizeof(buf), where));
}

TEST_F(device, access_past_the_end_is_einval)
{
	char buf[4] = { 0 };

	EXPECT_ERRNO(EINVAL, pread(self->device, buf, sizeof(buf),
				   RAM_OFFSET + VFIO_MOCK_RAM_REGION_SIZE));
	EXPECT_ERRNO(EINVAL, pwrite(self->device, buf, sizeof(buf),
				    RAM_OFFSET + VFIO_MOCK_RAM_REGION_SIZE));
	EXPECT_ERRNO(EINVAL, pread(self->device, buf, sizeof(buf),
				   SPARSE_OFFSET +
				   VFIO_MOCK_SPARSE_REGION_SIZE));
}

TEST_F(device, access_to_a_missing_region_is_einval)
{
	char buf[4] = { 0 };

	EXPECT_ERRNO(EINVAL, pread(self->device, buf, sizeof(buf),
				   BAD_OFFSET));
	EXPECT_ERRNO(EINVAL, pwrite(self->device, buf, sizeof(buf),
				    BAD_OFFSET));
}

TEST_F(device, access_with_a_bad_buffer_is_efault)
{
	void *inaccessible = mmap(NULL, getpagesize(), PROT_NONE,
				  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	ASSERT_NE(MAP_FAILED, inaccessible);
	EXPECT_ERRNO(EFAULT, pread(self->device, inaccessible, 4,
				   RAM_OFFSET));
	EXPECT_ERRNO(EFAULT, pwrite(self->device, inaccessible, 4,
				    RAM_OFFSET));
	munmap(inaccessible, getpagesize());
}

/* mmap(2) */

TEST_F(device, ram_maps_and_shares_with_read_write)
{
	__u32 value = 0xfeedf00d, in = 0;
	__u32 *map;

	map = mmap(NULL, VFIO_MOCK_RAM_REGION_SIZE, PROT_READ | PROT_WRITE,
		   MAP_SHARED, self->device, RAM_OFFSET);
	ASSERT_NE(MAP_FAILED, map);

	map[8] = 0x12345678;
	ASSERT_EQ(4, pread(self->device, &in, 4, RAM_OFFSET + 32));
	EXPECT_EQ(0x12345678, in);

	ASSERT_EQ(4, pwrite(self->device, &value, 4, RAM_OFFSET + 64));
	EXPECT_EQ(value, map[16]);
	munmap(map, VFIO_MOCK_RAM_REGION_SIZE);
}

TEST_F(device, sparse_areas_map)
{
	__u8 *area0, *area1, in = 0;

	area0 = mmap(NULL, VFIO_MOCK_SPARSE_AREA0_SIZE, PROT_READ | PROT_WRITE,
		     MAP_SHARED, self->device,
		     SPARSE_OFFSET + VFIO_MOCK_SPARSE_AREA0_OFFSET);
	ASSERT_NE(MAP_FAILED, area0);
	area1 = mmap(NULL, VFIO_MOCK_SPARSE_AREA1_SIZE, PROT_READ | PROT_WRITE,
		     MAP_SHARED, self->device,
		     SPARSE_OFFSET + VFIO_MOCK_SPARSE_AREA1_OFFSET);
	ASSERT_NE(MAP_FAILED, area1);

	area1[VFIO_MOCK_SPARSE_AREA1_SIZE - 1] = 0x77;
	ASSERT_EQ(1, pread(self->device, &in, 1,
			   SPARSE_OFFSET + VFIO_MOCK_SPARSE_AREA1_OFFSET +
			   VFIO_MOCK_SPARSE_AREA1_SIZE - 1));
	EXPECT_EQ(0x77, in);
	munmap(area0, VFIO_MOCK_SPARSE_AREA0_SIZE);
	munmap(area1, VFIO_MOCK_SPARSE_AREA1_SIZE);
}

TEST_F(device, part_of_a_sparse_area_maps)
{
	void *map;

	map = mmap(NULL, getpagesize(), PROT_READ, MAP_SHARED, self->device,
		   SPARSE_OFFSET + VFIO_MOCK_SPARSE_AREA1_OFFSET +
		   getpagesize());
	ASSERT_NE(MAP_FAILED, map);
	munmap(map, getpagesize());
}

TEST_F(device, map_outside_the_sparse_areas_is_einval)
{
	/* Before the first area */
	EXPECT_ERRNO(EINVAL, (long)mmap(NULL, getpagesize(), PROT_READ,
					MAP_SHARED, self->device,
					SPARSE_OFFSET));
	/* Starting inside the first area but running out of it */
	EXPECT_ERRNO(EINVAL, (long)mmap(NULL, 2 * getpagesize(), PROT_READ,
					MAP_SHARED, self->device,
					SPARSE_OFFSET +
					VFIO_MOCK_SPARSE_AREA0_OFFSET));
}

TEST_F(device, map_past_the_end_is_einval)
{
	EXPECT_ERRNO(EINVAL, (long)mmap(NULL, 2 * VFIO_MOCK_RAM_REGION_SIZE,
					PROT_READ, MAP_SHARED, self->device,
					RAM_OFFSET));
	EXPECT_ERRNO(EINVAL, (long)mmap(NULL, getpagesize(), PROT_READ,
					MAP_SHARED, self->device,
					RAM_OFFSET +
					VFIO_MOCK_RAM_REGION_SIZE));
}

TEST_F(device, map_of_a_missing_region_is_einval)
{
	EXPECT_ERRNO(EINVAL, (long)mmap(NULL, getpagesize(), PROT_READ,
					MAP_SHARED, self->device, BAD_OFFSET));
}

TEST_F(device, map_not_page_aligned_is_einval)
{
	EXPECT_ERRNO(EINVAL, (long)mmap(NULL, getpagesize(), PROT_READ,
					MAP_SHARED, self->device,
					RAM_OFFSET + 8));
}

TEST_F(device, private_map_is_einval)
{
	EXPECT_ERRNO(EINVAL, (long)mmap(NULL, getpagesize(), PROT_READ,
					MAP_PRIVATE, self->device,
					RAM_OFFSET));
}

/* Interrupts: VFIO_DEVICE_SET_IRQS */

TEST_F(device, doorbell_signals_the_eventfd)
{
	ASSERT_EQ(0, set_irq_eventfd(self->device,
				     VFIO_MOCK_DOORBELL_IRQ_INDEX, self->efd));
	ASSERT_EQ(0, ring_doorbell(self->device));
	EXPECT_EQ(1, eventfd_wait(self->efd, EVENT_TIMEOUT_MS));
}

TEST_F(device, doorbell_without_eventfd_is_harmless)
{
	EXPECT_EQ(0, ring_doorbell(self->device));
}

TEST_F(device, masked_interrupt_is_held_until_unmask)
{
	ASSERT_EQ(0, set_irq_eventfd(self->device,
				     VFIO_MOCK_DOORBELL_IRQ_INDEX, self->efd));
	ASSERT_EQ(0, irq_action(self->device, VFIO_MOCK_DOORBELL_IRQ_INDEX,
				VFIO_IRQ_SET_ACTION_MASK));
	ASSERT_EQ(0, ring_doorbell(self->device));
	EXPECT_EQ(0, eventfd_wait(self->efd, QUIET_TIMEOUT_MS));

	ASSERT_EQ(0, irq_action(self->device, VFIO_MOCK_DOORBELL_IRQ_INDEX,
				VFIO_IRQ_SET_ACTION_UNMASK));
	EXPECT_EQ(1, eventfd_wait(self->efd, EVENT_TIMEOUT_MS));
}

TEST_F(device, unmask_with_nothing_pending_is_quiet)
{
	ASSERT_EQ(0, set_irq_eventfd(self->device,
				     VFIO_MOCK_DOORBELL_IRQ_INDEX, self->efd));
	ASSERT_EQ(0, irq_action(self->device, VFIO_MOCK_DOORBELL_IRQ_INDEX,
				VFIO_IRQ_SET_ACTION_MASK));
	ASSERT_EQ(0, irq_action(self->device, VFIO_MOCK_DOORBELL_IRQ_INDEX,
				VFIO_IRQ_SET_ACTION_UNMASK));
	EXPECT_EQ(0, eventfd_wait(self->efd, QUIET_TIMEOUT_MS));
}

TEST_F(device, mask_by_bool)
{
	__u8 yes = 1;

	ASSERT_EQ(0, set_irq_eventfd(self->device,
				     VFIO_MOCK_DOORBELL_IRQ_INDEX, self->efd));
	ASSERT_EQ(0, set_irqs(self->device, VFIO_IRQ_SET_DATA_BOOL |
			      VFIO_IRQ_SET_ACTION_MASK,
			      VFIO_MOCK_DOORBELL_IRQ_INDEX, 1, &yes, 1));
	ASSERT_EQ(0, ring_doorbell(self->device));
	EXPECT_EQ(0, eventfd_wait(self->efd, QUIET_TIMEOUT_MS));
	ASSERT_EQ(0, set_irqs(self->device, VFIO_IRQ_SET_DATA_BOOL |
			      VFIO_IRQ_SET_ACTION_UNMASK,
			      VFIO_MOCK_DOORBELL_IRQ_INDEX, 1, &yes, 1));
	EXPECT_EQ(1, eventfd_wait(self->efd, EVENT_TIMEOUT_MS));
}

TEST_F(device, unmask_eventfd_unmasks)
{
	int unmask = eventfd(0, EFD_CLOEXEC);
	__u64 one = 1;

	ASSERT_LE(0, unmask);
	ASSERT_EQ(0, set_irq_eventfd(self->device,
				     VFIO_MOCK_DOORBELL_IRQ_INDEX, self->efd));
	ASSERT_EQ(0, set_irqs(self->device, VFIO_IRQ_SET_DATA_EVENTFD |
			      VFIO_IRQ_SET_ACTION_UNMASK,
			      VFIO_MOCK_DOORBELL_IRQ_INDEX, 1, &unmask,
			      sizeof(__s32)));
	ASSERT_EQ(0, irq_action(self->device, VFIO_MOCK_DOORBELL_IRQ_INDEX,
				VFIO_IRQ_SET_ACTION_MASK));
	ASSERT_EQ(0, ring_doorbell(self->device));
	EXPECT_EQ(0, eventfd_wait(self->efd, QUIET_TIMEOUT_MS));

	/* Signalling the unmask eventfd is the unmask */
	ASSERT_EQ(sizeof(one), write(unmask, &one, sizeof(one)));
	EXPECT_EQ(1, eventfd_wait(self->efd, EVENT_TIMEOUT_MS));
	close(unmask);
}

TEST_F(device, software_trigger_fires)
{
	__u8 yes = 1, no = 0;

	ASSERT_EQ(0, set_irq_eventfd(self->device,
				     VFIO_MOCK_DOORBELL_IRQ_INDEX, self->efd));
	ASSERT_EQ(0, irq_action(self->device, VFIO_MOCK_DOORBELL_IRQ_INDEX,
				VFIO_IRQ_SET_ACTION_TRIGGER));
	EXPECT_EQ(1, eventfd_wait(self->efd, EVENT_TIMEOUT_MS));

	ASSERT_EQ(0, set_irqs(self->device, VFIO_IRQ_SET_DATA_BOOL |
			      VFIO_IRQ_SET_ACTION_TRIGGER,
			      VFIO_MOCK_DOORBELL_IRQ_INDEX, 1, &no, 1));
	EXPECT_EQ(0, eventfd_wait(self->efd, QUIET_TIMEOUT_MS));
	ASSERT_EQ(0, set_irqs(self->device, VFIO_IRQ_SET_DATA_BOOL |
			      VFIO_IRQ_SET_ACTION_TRIGGER,
			      VFIO_MOCK_DOORBELL_IRQ_INDEX, 1, &yes, 1));
	EXPECT_EQ(1, eventfd_wait(self->efd, EVENT_TIMEOUT_MS));
}

TEST_F(device, request_irq_takes_an_eventfd)
{
	ASSERT_EQ(0, set_irq_eventfd(self->device, VFIO_MOCK_REQ_IRQ_INDEX,
				     self->efd));
	ASSERT_EQ(0, irq_action(self->device, VFIO_MOCK_REQ_IRQ_INDEX,
				VFIO_IRQ_SET_ACTION_TRIGGER));
	EXPECT_EQ(1, eventfd_wait(self->efd, EVENT_TIMEOUT_MS));
}

TEST_F(device, eventfd_minus_one_disconnects)
{
	ASSERT_EQ(0, set_irq_eventfd(self->device,
				     VFIO_MOCK_DOORBELL_IRQ_INDEX, self->efd));
	ASSERT_EQ(0, set_irq_eventfd(self->device,
				     VFIO_MOCK_DOORBELL_IRQ_INDEX, -1));
	ASSERT_EQ(0, ring_doorbell(self->device));
	EXPECT_EQ(0, eventfd_wait(self->efd, QUIET_TIMEOUT_MS));
}

TEST_F(device, trigger_with_count_zero_disconnects)
{
	ASSERT_EQ(0, set_irq_eventfd(self->device,
				     VFIO_MOCK_DOORBELL_IRQ_INDEX, self->efd));
	ASSERT_EQ(0, set_irqs(self->device, VFIO_IRQ_SET_DATA_NONE |
			      VFIO_IRQ_SET_ACTION_TRIGGER,
			      VFIO_MOCK_DOORBELL_IRQ_INDEX, 0, NULL, 0));
	ASSERT_EQ(0, ring_doorbell(self->device));
	EXPECT_EQ(0, eventfd_wait(self->efd, QUIET_TIMEOUT_MS));
}

TEST_F(device, closing_the_device_disconnects_its_eventfds)
{
	ASSERT_EQ(0, set_irq_eventfd(self->device,
				     VFIO_MOCK_DOORBELL_IRQ_INDEX, self->efd));
	close(self->device);
	self->device = ioctl(self->group, VFIO_GROUP_GET_DEVICE_FD,
			     MOCK_DEV0);
	ASSERT_LE(0, self->device);
	ASSERT_EQ(0, ring_doorbell(self->device));
	EXPECT_EQ(0, eventfd_wait(self->efd, QUIET_TIMEOUT_MS));
}

TEST_F(device, set_irqs_two_data_types_is_einval)
{
	EXPECT_ERRNO(EINVAL, set_irqs(self->device, VFIO_IRQ_SET_DATA_NONE |
				      VFIO_IRQ_SET_DATA_BOOL |
				      VFIO_IRQ_SET_ACTION_TRIGGER,
				      VFIO_MOCK_DOORBELL_IRQ_INDEX, 1,
				      "\1\1\1\1", 4));
}

TEST_F(device, set_irqs_two_actions_is_einval)
{
	EXPECT_ERRNO(EINVAL, set_irqs(self->device, VFIO_IRQ_SET_DATA_NONE |
				      VFIO_IRQ_SET_ACTION_MASK |
				      VFIO_IRQ_SET_ACTION_UNMASK,
				      VFIO_MOCK_DOORBELL_IRQ_INDEX, 1,
				      NULL, 0));
}

TEST_F(device, set_irqs_without_action_or_data_type_is_einval)
{
	EXPECT_ERRNO(EINVAL, set_irqs(self->device, VFIO_IRQ_SET_DATA_NONE,
				      VFIO_MOCK_DOORBELL_IRQ_INDEX, 1,
				      NULL, 0));
	EXPECT_ERRNO(EINVAL, set_irqs(self->device,
				      VFIO_IRQ_SET_ACTION_TRIGGER,
				      VFIO_MOCK_DOORBELL_IRQ_INDEX, 1,
				      NULL, 0));
}

TEST_F(device, set_irqs_unknown_flag_is_einval)
{
	EXPECT_ERRNO(EINVAL, set_irqs(self->device, VFIO_IRQ_SET_DATA_NONE |
				      VFIO_IRQ_SET_ACTION_TRIGGER | (1U << 10),
				      VFIO_MOCK_DOORBELL_IRQ_INDEX, 1,
				      NULL, 0));
}

TEST_F(device, set_irqs_bad_index_is_einval)
{
	EXPECT_ERRNO(EINVAL, irq_action(self->device, VFIO_MOCK_NUM_IRQS,
					VFIO_IRQ_SET_ACTION_TRIGGER));
	EXPECT_ERRNO(EINVAL, irq_action(self->device, ~0U,
					VFIO_IRQ_SET_ACTION_TRIGGER));
}

TEST_F(device, set_irqs_past_the_vectors_is_einval)
{
	struct vfio_irq_set set = {
		.argsz = sizeof(set),
		.flags = VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER,
		.index = VFIO_MOCK_DOORBELL_IRQ_INDEX,
		.start = 0,
		.count = 2,
	};

	EXPECT_ERRNO(EINVAL, ioctl(self->device, VFIO_DEVICE_SET_IRQS, &set));
	set.start = 1;
	set.count = 1;
	EXPECT_ERRNO(EINVAL, ioctl(self->device, VFIO_DEVICE_SET_IRQS, &set));
	/* start + count wrapping around must not fool the range check */
	set.start = 1;
	set.count = ~0U;
	EXPECT_ERRNO(EINVAL, ioctl(self->device, VFIO_DEVICE_SET_IRQS, &set));
}

TEST_F(device, set_irqs_argsz_too_small_for_the_data_is_einval)
{
	struct {
		struct vfio_irq_set set;
		__s32 fd;
	} arg = {
		.set = {
			.flags = VFIO_IRQ_SET_DATA_EVENTFD |
				 VFIO_IRQ_SET_ACTION_TRIGGER,
			.index = VFIO_MOCK_DOORBELL_IRQ_INDEX,
			.count = 1,
		},
		.fd = self->efd,
	};

	arg.set.argsz = sizeof(arg.set);
	EXPECT_ERRNO(EINVAL, ioctl(self->device, VFIO_DEVICE_SET_IRQS, &arg));
	arg.set.argsz = sizeof(arg.set) + sizeof(arg.fd) - 1;
	EXPECT_ERRNO(EINVAL, ioctl(self->device, VFIO_DEVICE_SET_IRQS, &arg));
}

TEST_F(device, set_irqs_short_argsz_is_einval)
{
	struct vfio_irq_set set = {
		.argsz = IRQ_SET_MINSZ - 1,
		.flags = VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER,
		.index = VFIO_MOCK_DOORBELL_IRQ_INDEX,
		.count = 1,
	};

	EXPECT_ERRNO(EINVAL, ioctl(self->device, VFIO_DEVICE_SET_IRQS, &set));
}

TEST_F(device, set_irqs_mask_of_unmaskable_irq_is_einval)
{
	EXPECT_ERRNO(EINVAL, irq_action(self->device, VFIO_MOCK_REQ_IRQ_INDEX,
					VFIO_IRQ_SET_ACTION_MASK));
	EXPECT_ERRNO(EINVAL, irq_action(self->device, VFIO_MOCK_REQ_IRQ_INDEX,
					VFIO_IRQ_SET_ACTION_UNMASK));
}

TEST_F(device, set_irqs_non_eventfd_is_rejected)
{
	EXPECT_ERRNO(EINVAL, set_irq_eventfd(self->device,
					     VFIO_MOCK_DOORBELL_IRQ_INDEX,
					     self->group));
	EXPECT_ERRNO(EBADF, set_irq_eventfd(self->device,
					    VFIO_MOCK_DOORBELL_IRQ_INDEX,
					    4000));
	EXPECT_ERRNO(EINVAL, set_irq_eventfd(self->device,
					     VFIO_MOCK_DOORBELL_IRQ_INDEX,
					     -2));
}

/* VFIO_DEVICE_RESET */

TEST_F(device, reset_clears_the_regions)
{
	__u64 value = ~0ULL, in = 1;
	long long resets = -1;

	if (mock_debugfs_ready())
		resets = mock_counter(MOCK_DEV0, VFIO_MOCK_DEBUGFS_RESET);

	ASSERT_EQ(8, pwrite(self->device, &value, 8, RAM_OFFSET));
	ASSERT_EQ(8, pwrite(self->device, &value, 8, SPARSE_OFFSET + 8));
	ASSERT_EQ(0, ioctl(self->device, VFIO_DEVICE_RESET));

	ASSERT_EQ(8, pread(self->device, &in, 8, RAM_OFFSET));
	EXPECT_EQ(0, in);
	ASSERT_EQ(8, pread(self->device, &in, 8, SPARSE_OFFSET + 8));
	EXPECT_EQ(0, in);
	if (resets >= 0)
		EXPECT_EQ(resets + 1,
			  mock_counter(MOCK_DEV0, VFIO_MOCK_DEBUGFS_RESET));
}

/* VFIO_DEVICE_FEATURE: the core's framework; the mock has no features */

TEST_F(device, feature_probe_of_unknown_feature_is_enotty)
{
	struct vfio_device_feature feature = {
		.argsz = sizeof(feature),
		.flags = VFIO_DEVICE_FEATURE_PROBE | VFIO_DEVICE_FEATURE_GET |
			 0xfff0,
	};

	EXPECT_ERRNO(ENOTTY, ioctl(self->device, VFIO_DEVICE_FEATURE,
				   &feature));
}

TEST_F(device, feature_unknown_flag_is_einval)
{
	struct vfio_device_feature feature = {
		.argsz = sizeof(feature),
		.flags = VFIO_DEVICE_FEATURE_PROBE | (1U << 20),
	};

	EXPECT_ERRNO(EINVAL, ioctl(self->device, VFIO_DEVICE_FEATURE,
				   &feature));
}

TEST_F(device, feature_get_and_set_without_probe_is_einval)
{
	struct vfio_device_feature feature = {
		.argsz = sizeof(feature),
		.flags = VFIO_DEVICE_FEATURE_GET | VFIO_DEVICE_FEATURE_SET |
			 0xfff0,
	};

	EXPECT_ERRNO(EINVAL, ioctl(self->device, VFIO_DEVICE_FEATURE,
				   &feature));
}

TEST_F(device, feature_short_argsz_is_einval)
{
	struct vfio_device_feature feature = {
		.argsz = FEATURE_MINSZ - 1,
		.flags = VFIO_DEVICE_FEATURE_PROBE | VFIO_DEVICE_FEATURE_GET,
	};

	EXPECT_ERRNO(EINVAL, ioctl(self->device, VFIO_DEVICE_FEATURE,
				   &feature));
}

/* Ioctls that are not the device's */

TEST_F(device, unknown_ioctl_is_enotty)
{
	EXPECT_ERRNO(ENOTTY, ioctl(self->device,
				   _IO(VFIO_TYPE, VFIO_BASE + 63)));
	EXPECT_ERRNO(ENOTTY, ioctl(self->device, _IO(VFIO_TYPE, 0)));
	EXPECT_ERRNO(ENOTTY, ioctl(self->device, _IO('T', 0x01)));
}

TEST_F(device, known_nr_with_other_encoding_is_enotty)
{
	struct vfio_device_info info = { .argsz = sizeof(info) };

	EXPECT_ERRNO(ENOTTY, ioctl(self->device,
				   _IOWR(VFIO_TYPE, VFIO_BASE + 7,
					 struct vfio_device_info), &info));
}

TEST_F(device, container_and_group_ioctls_are_enotty)
{
	struct vfio_group_status status = { .argsz = sizeof(status) };

	EXPECT_ERRNO(ENOTTY, ioctl(self->device, VFIO_GET_API_VERSION));
	EXPECT_ERRNO(ENOTTY, ioctl(self->device, VFIO_GROUP_GET_STATUS,
				   &status));
}

TEST_HARNESS_MAIN
