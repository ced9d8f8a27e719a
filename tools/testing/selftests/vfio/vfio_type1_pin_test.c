// SPDX-License-Identifier: GPL-2.0-only
/*
 * The type1 backend's side of the in-kernel API of emulated-IOMMU devices:
 * vfio_pin_pages(), vfio_unpin_pages(), vfio_dma_rw() and the dma_unmap
 * callback, driven through the test-only device of type1_pin/ (see
 * type1_pin/vfio_type1_pin.h).
 *
 * Pins are counted and charged once per page however often they are
 * taken; a page the mapping pins already (a real IOMMU group is attached)
 * is not charged again; unmapping a range with pins asks the device to let
 * go, and completes even when a buggy device does not; dirty tracking is
 * exact when only emulated devices are attached.
 *
 * The module is loaded from $VFIO_TYPE1_PIN_KO or
 * /lib/type1-test/vfio_type1_pin.ko unless it is loaded already; without
 * it the tests skip.
 */
#include <sys/syscall.h>

#include "type1_util.h"
#include "type1_pin/vfio_type1_pin.h"

#include "kselftest_harness.h"

#define IOVA		0x100000ULL
#define PAGE		SZ_4K
#define IOMMU_READ	1
#define IOMMU_WRITE	2

#define PIN_SYSFS	"/sys/bus/platform/devices/" VFIO_TYPE1_PIN_DEVICE

static bool pin_loaded_by_us;

__attribute__((constructor)) static void pin_module_load(void)
{
	const char *path = getenv("VFIO_TYPE1_PIN_KO");
	int fd;

	if (!access(PIN_SYSFS, F_OK))
		return;
	fd = open(path ? path : "/lib/type1-test/vfio_type1_pin.ko",
		  O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	if (!syscall(SYS_finit_module, fd, "", 0))
		pin_loaded_by_us = true;
	close(fd);
}

__attribute__((destructor)) static void pin_module_unload(void)
{
	if (pin_loaded_by_us && getpid() == t1_setup_pid)
		syscall(SYS_delete_module, VFIO_TYPE1_PIN_MODULE, O_NONBLOCK);
}

static int pin_group_open(void)
{
	char link[PATH_MAX], path[64];
	ssize_t len;

	len = readlink(PIN_SYSFS "/iommu_group", link, sizeof(link) - 1);
	if (len <= 0)
		return -1;
	link[len] = '\0';
	snprintf(path, sizeof(path), "/dev/vfio/%s", strrchr(link, '/') + 1);
	return open(path, O_RDWR | O_CLOEXEC);
}

FIXTURE(pin) {
	int container;
	int group;
	int device;
	char *buf;
	long long pins;
};

FIXTURE_VARIANT(pin) {
	unsigned long model;
};

FIXTURE_VARIANT_ADD(pin, v1) {
	.model = VFIO_TYPE1_IOMMU,
};

FIXTURE_VARIANT_ADD(pin, v2) {
	.model = VFIO_TYPE1v2_IOMMU,
};

FIXTURE_SETUP(pin)
{
	self->container = -1;
	self->device = -1;
	self->group = pin_group_open();
	if (self->group < 0)
		SKIP(return, "no %s device (module not loaded)",
		     VFIO_TYPE1_PIN_DEVICE);
	self->container = open(VFIO_CONTAINER_PATH, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->container);
	ASSERT_EQ(0, t1_set_container(self->group, self->container));
	ASSERT_EQ(0, t1_set_iommu(self->container, variant->model));
	self->device = ioctl(self->group, VFIO_GROUP_GET_DEVICE_FD,
			     VFIO_TYPE1_PIN_DEVICE);
	ASSERT_LE(0, self->device);

	self->pins = t1_pins_outstanding();
	self->buf = t1_alloc_4k(SZ_1M);
	ASSERT_NE(MAP_FAILED, self->buf);
	ASSERT_EQ(0, t1_map(self->container, self->buf, IOVA, SZ_1M, T1_RW));
	/* Emulated devices only: the map itself pins nothing */
	ASSERT_EQ(self->pins, t1_pins_outstanding());
	ASSERT_EQ(0, t1_locked_bytes());
}

FIXTURE_TEARDOWN(pin)
{
	if (self->device >= 0)
		close(self->device);
	if (self->group >= 0)
		close(self->group);
	if (self->container >= 0)
		close(self->container);
}

static int pin_req(int device, unsigned long cmd, uint64_t iova,
		   uint64_t length, uint32_t prot, uint32_t flags, int fill,
		   void *data)
{
	struct vfio_type1_pin_req req = {
		.iova = iova, .length = length, .prot = prot, .flags = flags,
		.fill = fill, .data = (uintptr_t)data,
	};

	return ioctl(device, cmd, &req) ? -errno : 0;
}

static int pin(int device, uint64_t iova, uint64_t length, uint32_t prot)
{
	return pin_req(device, VFIO_TYPE1_PIN_PIN, iova, length, prot, 0, 0,
		       NULL);
}

static int unpin(int device, uint64_t iova, uint64_t length)
{
	return pin_req(device, VFIO_TYPE1_PIN_UNPIN, iova, length, 0, 0, 0,
		       NULL);
}

static int dma_rw(int device, uint64_t iova, void *data, uint64_t length,
		  bool write)
{
	return pin_req(device, write ? VFIO_TYPE1_PIN_WRITE :
		       VFIO_TYPE1_PIN_READ, iova, length, 0, 0, 0, data);
}

static long held(int device)
{
	return ioctl(device, VFIO_TYPE1_PIN_HELD);
}

TEST_F(pin, pin_and_unpin)
{
	if (variant->model == VFIO_TYPE1_IOMMU) {
		/* Only v2 containers serve emulated devices */
		EXPECT_ERRNO(EACCES, pin(self->device, IOVA, PAGE,
					 IOMMU_READ | IOMMU_WRITE));
		return;
	}

	ASSERT_EQ(0, pin(self->device, IOVA + 2 * PAGE, 4 * PAGE,
			 IOMMU_READ | IOMMU_WRITE));
	EXPECT_EQ(self->pins + 4, t1_pins_outstanding());
	EXPECT_EQ(4 * PAGE, t1_locked_bytes());

	/* Pinned again: counted, not pinned or charged twice */
	ASSERT_EQ(0, pin(self->device, IOVA + 2 * PAGE, 2 * PAGE, IOMMU_READ));
	EXPECT_EQ(6, held(self->device));
	EXPECT_EQ(self->pins + 4, t1_pins_outstanding());
	EXPECT_EQ(4 * PAGE, t1_locked_bytes());

	ASSERT_EQ(0, unpin(self->device, IOVA + 2 * PAGE, 2 * PAGE));
	EXPECT_EQ(self->pins + 4, t1_pins_outstanding());
	ASSERT_EQ(0, unpin(self->device, IOVA + 2 * PAGE, 4 * PAGE));
	EXPECT_EQ(0, held(self->device));
	EXPECT_EQ(self->pins, t1_pins_settle(self->pins));
	EXPECT_EQ(0, t1_locked_bytes());
}

TEST_F(pin, pin_errnos)
{
	char *ro;

	if (variant->model == VFIO_TYPE1_IOMMU)
		SKIP(return, "v1: see pin_and_unpin");

	/* Not mapped, wholly or in part: nothing stays pinned */
	EXPECT_ERRNO(EINVAL, pin(self->device, IOVA + SZ_1M, PAGE, IOMMU_READ));
	EXPECT_ERRNO(EINVAL, pin(self->device, IOVA + SZ_1M - 2 * PAGE, 4 * PAGE,
				 IOMMU_READ));
	EXPECT_EQ(0, held(self->device));
	EXPECT_EQ(self->pins, t1_pins_settle(self->pins));
	EXPECT_EQ(0, t1_locked_bytes());

	/* More access than the mapping grants */
	ro = t1_alloc_4k(SZ_64K);
	ASSERT_NE(MAP_FAILED, ro);
	ASSERT_EQ(0, t1_map(self->container, ro, IOVA + 2 * SZ_1M, SZ_64K,
			    VFIO_DMA_MAP_FLAG_READ));
	EXPECT_ERRNO(EPERM, pin(self->device, IOVA + 2 * SZ_1M, PAGE,
				IOMMU_READ | IOMMU_WRITE));
	EXPECT_EQ(0, pin(self->device, IOVA + 2 * SZ_1M, PAGE, IOMMU_READ));
	EXPECT_EQ(0, unpin(self->device, IOVA + 2 * SZ_1M, PAGE));
	EXPECT_EQ(self->pins, t1_pins_settle(self->pins));
}

TEST_F(pin, device_writes_through_pins)
{
	if (variant->model == VFIO_TYPE1_IOMMU)
		SKIP(return, "v1: see pin_and_unpin");

	ASSERT_EQ(0, pin_req(self->device, VFIO_TYPE1_PIN_PIN, IOVA + PAGE,
			     2 * PAGE, IOMMU_READ | IOMMU_WRITE,
			     VFIO_TYPE1_PIN_FILL, 0x5a, NULL));
	EXPECT_EQ(1, self->buf[0]);
	EXPECT_EQ(0x5a, self->buf[PAGE]);
	EXPECT_EQ(0x5a, self->buf[3 * PAGE - 1]);
	EXPECT_EQ(1, self->buf[3 * PAGE]);
	EXPECT_EQ(0, unpin(self->device, IOVA + PAGE, 2 * PAGE));
}

TEST_F(pin, dma_rw)
{
	char data[256], back[256], *ro, *next;
	unsigned int i;

	for (i = 0; i < sizeof(data); i++)
		data[i] = i;

	/* Across a page boundary */
	ASSERT_EQ(0, dma_rw(self->device, IOVA + PAGE - 100, data, sizeof(data),
			    true));
	EXPECT_EQ(0, memcmp(self->buf + PAGE - 100, data, sizeof(data)));
	self->buf[PAGE] = 0x77;
	ASSERT_EQ(0, dma_rw(self->device, IOVA + PAGE - 100, back, sizeof(back),
			    false));
	EXPECT_EQ(0x77, back[100]);

	/* Across two adjacent mappings */
	next = t1_alloc_4k(SZ_64K);
	ASSERT_NE(MAP_FAILED, next);
	ASSERT_EQ(0, t1_map(self->container, next, IOVA + SZ_1M, SZ_64K,
			    T1_RW));
	ASSERT_EQ(0, dma_rw(self->device, IOVA + SZ_1M - 128, data, sizeof(data),
			    true));
	EXPECT_EQ(0, memcmp(self->buf + SZ_1M - 128, data, 128));
	EXPECT_EQ(0, memcmp(next, data + 128, 128));

	/* Nothing mapped; past the end of the last mapping */
	EXPECT_ERRNO(EINVAL, dma_rw(self->device, IOVA + 4 * SZ_1M, data, 8, true));
	EXPECT_ERRNO(EINVAL, dma_rw(self->device, IOVA + SZ_1M + SZ_64K - 8, data, 16,
				    false));
	/* Writes need a writable mapping */
	ro = t1_alloc_4k(SZ_64K);
	ASSERT_NE(MAP_FAILED, ro);
	ASSERT_EQ(0, t1_map(self->container, ro, IOVA + 2 * SZ_1M, SZ_64K,
			    VFIO_DMA_MAP_FLAG_READ));
	EXPECT_ERRNO(EPERM, dma_rw(self->device, IOVA + 2 * SZ_1M, data, 8, true));
	EXPECT_EQ(0, dma_rw(self->device, IOVA + 2 * SZ_1M, back, 8, false));
	EXPECT_EQ(1, back[0]);
	/* Nothing stays pinned by a copy */
	EXPECT_EQ(self->pins, t1_pins_settle(self->pins));
}

TEST_F(pin, unmap_asks_the_device)
{
	if (variant->model == VFIO_TYPE1_IOMMU)
		SKIP(return, "v1: see pin_and_unpin");

	ASSERT_EQ(0, pin(self->device, IOVA, 4 * PAGE, IOMMU_READ | IOMMU_WRITE));
	ASSERT_EQ(0, pin(self->device, IOVA + SZ_64K, PAGE, IOMMU_READ));
	EXPECT_EQ(5 * PAGE, t1_locked_bytes());

	EXPECT_EQ(SZ_1M, t1_unmap_size(self->container, IOVA, SZ_1M));
	EXPECT_LE(1, ioctl(self->device, VFIO_TYPE1_PIN_UNMAP_CALLS));
	EXPECT_EQ(0, held(self->device));
	EXPECT_EQ(self->pins, t1_pins_settle(self->pins));
	EXPECT_EQ(0, t1_locked_bytes());
}

TEST_F(pin, unmap_despite_a_leaking_device)
{
	if (variant->model == VFIO_TYPE1_IOMMU)
		SKIP(return, "v1: see pin_and_unpin");

	ASSERT_EQ(0, ioctl(self->device, VFIO_TYPE1_PIN_LEAK_ON_UNMAP, 1));
	ASSERT_EQ(0, pin(self->device, IOVA, 2 * PAGE, IOMMU_READ | IOMMU_WRITE));

	/* Asked a few times, then the pins are released without it */
	EXPECT_EQ(SZ_1M, t1_unmap_size(self->container, IOVA, SZ_1M));
	EXPECT_LE(2, ioctl(self->device, VFIO_TYPE1_PIN_UNMAP_CALLS));
	EXPECT_EQ(self->pins, t1_pins_settle(self->pins));
	EXPECT_EQ(0, t1_locked_bytes());
}

/* VFIO_IOMMU_DIRTY_PAGES over [IOVA, IOVA + 1 MiB): the first 64 bits */
static uint64_t dirty_word(int container)
{
	uint64_t bitmap[SZ_1M / PAGE / 64] = {};
	struct {
		struct vfio_iommu_type1_dirty_bitmap header;
		struct vfio_iommu_type1_dirty_bitmap_get range;
	} get = {
		.header = {
			.argsz = sizeof(get),
			.flags = VFIO_IOMMU_DIRTY_PAGES_FLAG_GET_BITMAP,
		},
		.range = {
			.iova = IOVA, .size = SZ_1M,
			.bitmap = { .pgsize = PAGE, .size = sizeof(bitmap),
				    .data = (void *)bitmap },
		},
	};
	unsigned int i;

	if (ioctl(container, VFIO_IOMMU_DIRTY_PAGES, &get))
		return ~0ULL;
	for (i = 1; i < T1_ARRAY_SIZE(bitmap); i++)
		if (bitmap[i])
			return ~0ULL;
	return bitmap[0];
}

TEST_F(pin, dirty_tracking_is_exact)
{
	struct vfio_iommu_type1_dirty_bitmap start = {
		.argsz = sizeof(start),
		.flags = VFIO_IOMMU_DIRTY_PAGES_FLAG_START,
	};
	char byte = 1;

	if (variant->model == VFIO_TYPE1_IOMMU)
		SKIP(return, "v1 has no dirty tracking");

	ASSERT_EQ(0, pin(self->device, IOVA + 2 * PAGE, 2 * PAGE,
			 IOMMU_READ | IOMMU_WRITE));
	ASSERT_EQ(0, ioctl(self->container, VFIO_IOMMU_DIRTY_PAGES, &start));
	/* Pinned pages are dirty for as long as they are pinned */
	EXPECT_EQ(0xcULL, dirty_word(self->container));
	EXPECT_EQ(0xcULL, dirty_word(self->container));
	/* A page written by copy is dirty once */
	ASSERT_EQ(0, dma_rw(self->device, IOVA + 10 * PAGE + 5, &byte, 1, true));
	EXPECT_EQ(0x40cULL, dirty_word(self->container));
	EXPECT_EQ(0xcULL, dirty_word(self->container));
	/* Pages pinned while tracking, too */
	ASSERT_EQ(0, pin(self->device, IOVA + 20 * PAGE, PAGE, IOMMU_READ));
	EXPECT_EQ(0x10000cULL, dirty_word(self->container));
	/* Unpinned pages were dirty until now, and then no more */
	ASSERT_EQ(0, unpin(self->device, IOVA, SZ_1M));
	EXPECT_EQ(0x10000cULL, dirty_word(self->container));
	EXPECT_EQ(0, dirty_word(self->container));
}

TEST_F(pin, real_group_joins_and_leaves)
{
	int real;

	if (variant->model == VFIO_TYPE1_IOMMU)
		SKIP(return, "v1: see pin_and_unpin");
	if (!t1_ndevices)
		SKIP(return, "no PCI device bound to a VFIO driver");

	ASSERT_EQ(0, pin(self->device, IOVA, 4 * PAGE, IOMMU_READ | IOMMU_WRITE));
	EXPECT_EQ(4 * PAGE, t1_locked_bytes());

	/* The mapping is pinned whole now; the 4 pages are charged once */
	real = t1_open_group(&t1_devices[0]);
	ASSERT_LE(0, real);
	ASSERT_EQ(0, t1_set_container(real, self->container));
	EXPECT_EQ(self->pins + 4 + SZ_1M / PAGE, t1_pins_outstanding());
	EXPECT_EQ(SZ_1M, t1_locked_bytes());

	/* A pin while the mapping pins the page costs no locked memory */
	ASSERT_EQ(0, pin(self->device, IOVA + 8 * PAGE, PAGE, IOMMU_READ));
	EXPECT_EQ(SZ_1M, t1_locked_bytes());
	EXPECT_EQ(self->pins + 5 + SZ_1M / PAGE, t1_pins_outstanding());

	/* The real group leaves: only the device's pins remain, charged */
	ASSERT_EQ(0, ioctl(real, VFIO_GROUP_UNSET_CONTAINER));
	EXPECT_EQ(self->pins + 5, t1_pins_settle(self->pins + 5));
	EXPECT_EQ(5 * PAGE, t1_locked_bytes());

	ASSERT_EQ(0, unpin(self->device, IOVA, SZ_1M));
	EXPECT_EQ(self->pins, t1_pins_settle(self->pins));
	EXPECT_EQ(0, t1_locked_bytes());
	close(real);
}

TEST_HARNESS_MAIN
