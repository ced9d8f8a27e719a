// SPDX-License-Identifier: GPL-2.0-only
/*
 * The group: /dev/vfio/$GROUP.
 *
 * A group is the unit of ownership.  It has one opener at a time; it is
 * viable when no kernel driver does DMA for any of its devices; it joins
 * a container with VFIO_GROUP_SET_CONTAINER, and only once the container
 * has an IOMMU backend does VFIO_GROUP_GET_DEVICE_FD hand out devices.
 * Container, group and device fds may be closed in any order.
 *
 * The groups used here are those of the vfio_mock emulated devices
 * vfio-mock.0 and vfio-mock.1, one device per group.
 */
#include "vfio_test_util.h"

#include "kselftest_harness.h"

FIXTURE(group) {
	int container;
	int group;
	int group_id;
};

FIXTURE_SETUP(group)
{
	self->container = -1;
	self->group = -1;
	if (mock_missing())
		SKIP(return, "%s", mock_missing());

	self->group_id = device_group_id("platform", MOCK_DEV0);
	self->container = open(VFIO_CONTAINER_PATH, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->container);
	self->group = open_group(self->group_id, false);
	ASSERT_LE(0, self->group);
}

FIXTURE_TEARDOWN(group)
{
	close(self->group);
	close(self->container);
}

/* Join the container and choose the mock IOMMU: devices can be opened. */
static int group_enable(int group, int container)
{
	if (ioctl(group, VFIO_GROUP_SET_CONTAINER, &container))
		return -1;
	return ioctl(container, VFIO_SET_IOMMU, VFIO_MOCK_IOMMU);
}

/* VFIO_GROUP_GET_STATUS */

TEST_F(group, is_viable_before_set_container)
{
	struct vfio_group_status status = { .argsz = sizeof(status) };

	ASSERT_EQ(0, ioctl(self->group, VFIO_GROUP_GET_STATUS, &status));
	EXPECT_EQ(VFIO_GROUP_FLAGS_VIABLE, status.flags);
}

TEST_F(group, reports_container_set)
{
	struct vfio_group_status status = { .argsz = sizeof(status) };

	ASSERT_EQ(0, ioctl(self->group, VFIO_GROUP_SET_CONTAINER,
			   &self->container));
	ASSERT_EQ(0, ioctl(self->group, VFIO_GROUP_GET_STATUS, &status));
	EXPECT_EQ(VFIO_GROUP_FLAGS_VIABLE | VFIO_GROUP_FLAGS_CONTAINER_SET,
		  status.flags);
}

TEST_F(group, get_status_short_argsz_is_einval)
{
	struct vfio_group_status status = { .argsz = GROUP_STATUS_MINSZ - 1 };

	EXPECT_ERRNO(EINVAL, ioctl(self->group, VFIO_GROUP_GET_STATUS,
				   &status));
	status.argsz = 0;
	EXPECT_ERRNO(EINVAL, ioctl(self->group, VFIO_GROUP_GET_STATUS,
				   &status));
}

TEST_F(group, get_status_ignores_input_flags)
{
	struct vfio_group_status status = {
		.argsz = sizeof(status),
		.flags = ~0U,
	};

	ASSERT_EQ(0, ioctl(self->group, VFIO_GROUP_GET_STATUS, &status));
	EXPECT_EQ(VFIO_GROUP_FLAGS_VIABLE, status.flags);
}

TEST_F(group, get_status_large_argsz_leaves_the_rest_alone)
{
	__u8 buf[64];
	struct vfio_group_status *status = (void *)buf;
	size_t i;

	memset(buf, 0xa5, sizeof(buf));
	status->argsz = sizeof(buf);
	status->flags = 0;
	ASSERT_EQ(0, ioctl(self->group, VFIO_GROUP_GET_STATUS, status));
	EXPECT_EQ(sizeof(buf), status->argsz);
	EXPECT_EQ(VFIO_GROUP_FLAGS_VIABLE, status->flags);
	for (i = sizeof(*status); i < sizeof(buf); i++)
		ASSERT_EQ(0xa5, buf[i]);
}

/* VFIO_GROUP_SET_CONTAINER and VFIO_GROUP_UNSET_CONTAINER */

TEST_F(group, set_container_bad_fd_is_ebadf)
{
	int fd = -1;

	EXPECT_ERRNO(EBADF, ioctl(self->group, VFIO_GROUP_SET_CONTAINER, &fd));
	fd = 4000;	/* far above anything this process has open */
	EXPECT_ERRNO(EBADF, ioctl(self->group, VFIO_GROUP_SET_CONTAINER, &fd));
}

TEST_F(group, set_container_bad_pointer_is_efault)
{
	EXPECT_ERRNO(EFAULT, ioctl(self->group, VFIO_GROUP_SET_CONTAINER,
				   NULL));
}

TEST_F(group, set_container_non_container_fd_is_ebadfd)
{
	int efd = eventfd(0, EFD_CLOEXEC);

	ASSERT_LE(0, efd);
	EXPECT_ERRNO(EBADFD, ioctl(self->group, VFIO_GROUP_SET_CONTAINER,
				   &efd));
	/* Not even a group fd is a container */
	EXPECT_ERRNO(EBADFD, ioctl(self->group, VFIO_GROUP_SET_CONTAINER,
				   &self->group));
	close(efd);
	EXPECT_EQ(VFIO_GROUP_FLAGS_VIABLE, group_flags(self->group));
}

TEST_F(group, set_container_twice_is_einval)
{
	int other = open(VFIO_CONTAINER_PATH, O_RDWR | O_CLOEXEC);

	ASSERT_LE(0, other);
	ASSERT_EQ(0, ioctl(self->group, VFIO_GROUP_SET_CONTAINER,
			   &self->container));
	EXPECT_ERRNO(EINVAL, ioctl(self->group, VFIO_GROUP_SET_CONTAINER,
				   &self->container));
	EXPECT_ERRNO(EINVAL, ioctl(self->group, VFIO_GROUP_SET_CONTAINER,
				   &other));
	close(other);
}

TEST_F(group, unset_container_without_one_is_einval)
{
	EXPECT_ERRNO(EINVAL, ioctl(self->group, VFIO_GROUP_UNSET_CONTAINER));
}

TEST_F(group, unset_container_returns_to_viable)
{
	ASSERT_EQ(0, group_enable(self->group, self->container));
	ASSERT_EQ(0, ioctl(self->group, VFIO_GROUP_UNSET_CONTAINER));
	EXPECT_EQ(VFIO_GROUP_FLAGS_VIABLE, group_flags(self->group));
	EXPECT_ERRNO(EINVAL, ioctl(self->group, VFIO_GROUP_UNSET_CONTAINER));
}

TEST_F(group, unset_container_with_open_device_is_ebusy)
{
	int device;

	ASSERT_EQ(0, group_enable(self->group, self->container));
	device = ioctl(self->group, VFIO_GROUP_GET_DEVICE_FD, MOCK_DEV0);
	ASSERT_LE(0, device);

	EXPECT_ERRNO(EBUSY, ioctl(self->group, VFIO_GROUP_UNSET_CONTAINER));

	close(device);
	EXPECT_EQ(0, ioctl(self->group, VFIO_GROUP_UNSET_CONTAINER));
}

/* VFIO_GROUP_GET_DEVICE_FD */

TEST_F(group, get_device_fd_without_container_is_einval)
{
	EXPECT_ERRNO(EINVAL, ioctl(self->group, VFIO_GROUP_GET_DEVICE_FD,
				   MOCK_DEV0));
}

TEST_F(group, get_device_fd_before_set_iommu_is_einval)
{
	ASSERT_EQ(0, ioctl(self->group, VFIO_GROUP_SET_CONTAINER,
			   &self->container));
	EXPECT_ERRNO(EINVAL, ioctl(self->group, VFIO_GROUP_GET_DEVICE_FD,
				   MOCK_DEV0));
}

TEST_F(group, get_device_fd_opens_the_device)
{
	struct vfio_device_info info = { .argsz = sizeof(info) };
	int device;

	ASSERT_EQ(0, group_enable(self->group, self->container));
	device = ioctl(self->group, VFIO_GROUP_GET_DEVICE_FD, MOCK_DEV0);
	ASSERT_LE(0, device);
	EXPECT_EQ(FD_CLOEXEC, fcntl(device, F_GETFD));
	ASSERT_EQ(0, ioctl(device, VFIO_DEVICE_GET_INFO, &info));
	EXPECT_TRUE(info.flags & VFIO_DEVICE_FLAGS_PLATFORM);
	close(device);
}

TEST_F(group, get_device_fd_unknown_name_is_enodev)
{
	ASSERT_EQ(0, group_enable(self->group, self->container));
	EXPECT_ERRNO(ENODEV, ioctl(self->group, VFIO_GROUP_GET_DEVICE_FD,
				   "no-such-device"));
	EXPECT_ERRNO(ENODEV, ioctl(self->group, VFIO_GROUP_GET_DEVICE_FD,
				   ""));
}

TEST_F(group, get_device_fd_of_another_group_is_enodev)
{
	ASSERT_EQ(0, group_enable(self->group, self->container));
	EXPECT_ERRNO(ENODEV, ioctl(self->group, VFIO_GROUP_GET_DEVICE_FD,
				   MOCK_DEV1));
}

TEST_F(group, get_device_fd_bad_pointer_is_efault)
{
	ASSERT_EQ(0, group_enable(self->group, self->container));
	EXPECT_ERRNO(EFAULT, ioctl(self->group, VFIO_GROUP_GET_DEVICE_FD,
				   NULL));
}

TEST_F(group, get_device_fd_unterminated_name_is_einval)
{
	size_t size = 2 * getpagesize();
	char *name = malloc(size);

	ASSERT_NE(NULL, name);
	memset(name, 'a', size);
	ASSERT_EQ(0, group_enable(self->group, self->container));
	/* The name is read up to one page; a longer one is not a name */
	EXPECT_ERRNO(EINVAL, ioctl(self->group, VFIO_GROUP_GET_DEVICE_FD,
				   name));
	free(name);
}

TEST_F(group, device_opens_once_for_several_fds)
{
	long long opens, closes;
	int device1, device2;

	if (!mock_debugfs_ready())
		SKIP(return, "no debugfs for the vfio_mock counters");
	opens = mock_counter(MOCK_DEV0, VFIO_MOCK_DEBUGFS_OPEN);
	closes = mock_counter(MOCK_DEV0, VFIO_MOCK_DEBUGFS_CLOSE);

	ASSERT_EQ(0, group_enable(self->group, self->container));
	device1 = ioctl(self->group, VFIO_GROUP_GET_DEVICE_FD, MOCK_DEV0);
	ASSERT_LE(0, device1);
	device2 = ioctl(self->group, VFIO_GROUP_GET_DEVICE_FD, MOCK_DEV0);
	ASSERT_LE(0, device2);
	EXPECT_EQ(opens + 1, mock_counter(MOCK_DEV0, VFIO_MOCK_DEBUGFS_OPEN));

	close(device1);
	EXPECT_EQ(closes, mock_counter(MOCK_DEV0, VFIO_MOCK_DEBUGFS_CLOSE));
	close(device2);
	EXPECT_EQ(closes + 1,
		  mock_counter(MOCK_DEV0, VFIO_MOCK_DEBUGFS_CLOSE));
}

/* Opening the group chardev */

TEST_F(group, second_open_is_ebusy)
{
	EXPECT_ERRNO(EBUSY, open_group(self->group_id, false));
}

TEST_F(group, reopens_after_close)
{
	close(self->group);
	self->group = open_group(self->group_id, false);
	EXPECT_LE(0, self->group);
}

/* Ioctls that are not the group's */

TEST_F(group, unknown_ioctl_is_enotty)
{
	EXPECT_ERRNO(ENOTTY, ioctl(self->group,
				   _IO(VFIO_TYPE, VFIO_BASE + 63)));
	EXPECT_ERRNO(ENOTTY, ioctl(self->group, _IO(VFIO_TYPE, 0)));
	EXPECT_ERRNO(ENOTTY, ioctl(self->group, _IO('T', 0x01)));
}

TEST_F(group, known_nr_with_other_encoding_is_enotty)
{
	struct vfio_group_status status = { .argsz = sizeof(status) };

	EXPECT_ERRNO(ENOTTY, ioctl(self->group,
				   _IOWR(VFIO_TYPE, VFIO_BASE + 3,
					 struct vfio_group_status), &status));
}

TEST_F(group, container_and_device_ioctls_are_enotty)
{
	struct vfio_device_info info = { .argsz = sizeof(info) };

	EXPECT_ERRNO(ENOTTY, ioctl(self->group, VFIO_GET_API_VERSION));
	EXPECT_ERRNO(ENOTTY, ioctl(self->group, VFIO_DEVICE_GET_INFO, &info));
}

/*
 * Closing container, group and device fds in any order must leave the
 * group reusable and the mock IOMMU with nothing attached.
 */
enum vfio_fd_kind { CONTAINER_FD, GROUP_FD, DEVICE_FD };

FIXTURE(close_order) {
	int fds[3];
	int group_id;
	long long attached;
	long long closes;
};

FIXTURE_VARIANT(close_order) {
	enum vfio_fd_kind order[3];
};

FIXTURE_VARIANT_ADD(close_order, container_group_device) {
	.order = { CONTAINER_FD, GROUP_FD, DEVICE_FD },
};

FIXTURE_VARIANT_ADD(close_order, container_device_group) {
	.order = { CONTAINER_FD, DEVICE_FD, GROUP_FD },
};

FIXTURE_VARIANT_ADD(close_order, group_container_device) {
	.order = { GROUP_FD, CONTAINER_FD, DEVICE_FD },
};

FIXTURE_VARIANT_ADD(close_order, group_device_container) {
	.order = { GROUP_FD, DEVICE_FD, CONTAINER_FD },
};

FIXTURE_VARIANT_ADD(close_order, device_container_group) {
	.order = { DEVICE_FD, CONTAINER_FD, GROUP_FD },
};

FIXTURE_VARIANT_ADD(close_order, device_group_container) {
	.order = { DEVICE_FD, GROUP_FD, CONTAINER_FD },
};

/* Open container, group and device of vfio-mock.0 into @fds. */
static int open_all(int fds[3], int group_id)
{
	fds[CONTAINER_FD] = open(VFIO_CONTAINER_PATH, O_RDWR | O_CLOEXEC);
	fds[GROUP_FD] = open_group(group_id, false);
	if (fds[CONTAINER_FD] < 0 || fds[GROUP_FD] < 0 ||
	    group_enable(fds[GROUP_FD], fds[CONTAINER_FD]))
		return -1;
	fds[DEVICE_FD] = ioctl(fds[GROUP_FD], VFIO_GROUP_GET_DEVICE_FD,
			       MOCK_DEV0);
	return fds[DEVICE_FD] < 0 ? -1 : 0;
}

FIXTURE_SETUP(close_order)
{
	memset(self->fds, -1, sizeof(self->fds));
	if (mock_missing())
		SKIP(return, "%s", mock_missing());
	if (!mock_debugfs_ready())
		SKIP(return, "no debugfs for the vfio_mock counters");

	self->group_id = device_group_id("platform", MOCK_DEV0);
	self->attached = mock_counter(NULL, VFIO_MOCK_DEBUGFS_ATTACHED);
	self->closes = mock_counter(MOCK_DEV0, VFIO_MOCK_DEBUGFS_CLOSE);
	ASSERT_EQ(0, open_all(self->fds, self->group_id));
}

FIXTURE_TEARDOWN(close_order)
{
	int i;

	for (i = 0; i < 3; i++)
		close(self->fds[i]);
}

TEST_F(close_order, leaves_the_group_reusable)
{
	struct vfio_device_info info = { .argsz = sizeof(info) };
	int i;

	for (i = 0; i < 3; i++) {
		close(self->fds[variant->order[i]]);
		self->fds[variant->order[i]] = -1;
	}

	/* Everything was released ... */
	EXPECT_EQ(self->closes + 1,
		  mock_counter(MOCK_DEV0, VFIO_MOCK_DEBUGFS_CLOSE));
	EXPECT_EQ(self->attached,
		  mock_counter(NULL, VFIO_MOCK_DEBUGFS_ATTACHED));

	/* ... and the whole sequence works again */
	ASSERT_EQ(0, open_all(self->fds, self->group_id));
	EXPECT_EQ(0, ioctl(self->fds[DEVICE_FD], VFIO_DEVICE_GET_INFO, &info));
	EXPECT_EQ(self->attached + 1,
		  mock_counter(NULL, VFIO_MOCK_DEBUGFS_ATTACHED));
}

TEST_HARNESS_MAIN
