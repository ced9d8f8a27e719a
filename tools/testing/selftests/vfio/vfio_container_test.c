// SPDX-License-Identifier: GPL-2.0-only
/*
 * The container: /dev/vfio/vfio.
 *
 * A container is an IOMMU context.  Anyone may open one and ask what it
 * supports; only a container holding a group may choose an IOMMU backend
 * (VFIO_SET_IOMMU), and it chooses once.  The last group to leave takes
 * the backend with it and the container is blank again.
 *
 * The backend used here is vfio_mock's, extension VFIO_MOCK_IOMMU; its
 * debugfs counters show what the core asked of it.
 */
#include "vfio_test_util.h"

#include "kselftest_harness.h"

/* An ioctl number no VFIO object knows: type ';', past every VFIO nr. */
#define VFIO_UNUSED_IOCTL	_IO(VFIO_TYPE, VFIO_BASE + 63)

FIXTURE(container) {
	int container;
};

/*
 * -ENOTTY for every ioctl a blank container does not know is this
 * implementation's rule; Linux answers -EINVAL until a backend is set.
 * vfio_mock only loads with our vfio, so without it such tests skip.
 */
#define OURS_ONLY	"ENOTTY here is our rule (Linux: EINVAL)"

FIXTURE_SETUP(container)
{
	self->container = open(VFIO_CONTAINER_PATH, O_RDWR | O_CLOEXEC);
	if (self->container < 0)
		SKIP(return, "%s: %s", VFIO_CONTAINER_PATH, strerror(errno));
}

FIXTURE_TEARDOWN(container)
{
	close(self->container);
}

TEST_F(container, reports_api_version)
{
	EXPECT_EQ(VFIO_API_VERSION,
		  ioctl(self->container, VFIO_GET_API_VERSION));
}

TEST_F(container, supports_mock_iommu_extension)
{
	if (mock_missing())
		SKIP(return, "%s", mock_missing());

	EXPECT_EQ(1, ioctl(self->container, VFIO_CHECK_EXTENSION,
			   VFIO_MOCK_IOMMU));
}

TEST_F(container, unknown_extension_is_unsupported)
{
	EXPECT_EQ(0, ioctl(self->container, VFIO_CHECK_EXTENSION, 0));
	EXPECT_EQ(0, ioctl(self->container, VFIO_CHECK_EXTENSION,
			   0x7fffffffUL));
}

TEST_F(container, set_iommu_needs_a_group)
{
	EXPECT_ERRNO(EINVAL, ioctl(self->container, VFIO_SET_IOMMU,
				   VFIO_MOCK_IOMMU));
}

TEST_F(container, unknown_vfio_ioctl_is_enotty)
{
	if (mock_missing())
		SKIP(return, OURS_ONLY ": %s", mock_missing());
	EXPECT_ERRNO(ENOTTY, ioctl(self->container, VFIO_UNUSED_IOCTL));
}

TEST_F(container, vfio_type_below_vfio_base_is_enotty)
{
	if (mock_missing())
		SKIP(return, OURS_ONLY ": %s", mock_missing());
	EXPECT_ERRNO(ENOTTY, ioctl(self->container, _IO(VFIO_TYPE, 0)));
	EXPECT_ERRNO(ENOTTY, ioctl(self->container,
				   _IO(VFIO_TYPE, VFIO_BASE - 1)));
}

TEST_F(container, known_nr_with_other_encoding_is_enotty)
{
	if (mock_missing())
		SKIP(return, OURS_ONLY ": %s", mock_missing());
	/* VFIO_GET_API_VERSION's number, but claiming to read an int */
	EXPECT_ERRNO(ENOTTY, ioctl(self->container,
				   _IOR(VFIO_TYPE, VFIO_BASE + 0, int)));
}

TEST_F(container, foreign_ioctl_is_enotty)
{
	if (mock_missing())
		SKIP(return, OURS_ONLY ": %s", mock_missing());
	EXPECT_ERRNO(ENOTTY, ioctl(self->container, _IO('T', 0x01)));
	EXPECT_ERRNO(ENOTTY, ioctl(self->container, _IOR('x', 0x42, int)));
}

TEST_F(container, group_ioctl_is_enotty)
{
	struct vfio_group_status status = { .argsz = sizeof(status) };

	if (mock_missing())
		SKIP(return, OURS_ONLY ": %s", mock_missing());
	EXPECT_ERRNO(ENOTTY, ioctl(self->container, VFIO_GROUP_GET_STATUS,
				   &status));
}

/*
 * A container holding the group of vfio-mock.0; vfio-mock.1's group is
 * open too, for tests that need a second group.
 */
FIXTURE(container_with_group) {
	int container;
	int group;
	int group2;
	long long containers;
	long long attached;
};

FIXTURE_SETUP(container_with_group)
{
	self->container = -1;
	self->group = -1;
	self->group2 = -1;
	if (mock_missing())
		SKIP(return, "%s", mock_missing());
	if (!mock_debugfs_ready())
		SKIP(return, "no debugfs for the vfio_mock counters");

	self->containers = mock_counter(NULL, VFIO_MOCK_DEBUGFS_CONTAINERS);
	self->attached = mock_counter(NULL, VFIO_MOCK_DEBUGFS_ATTACHED);

	self->container = open(VFIO_CONTAINER_PATH, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->container);
	self->group = open_mock_group(MOCK_DEV0);
	ASSERT_LE(0, self->group);
	self->group2 = open_mock_group(MOCK_DEV1);
	ASSERT_LE(0, self->group2);
	ASSERT_EQ(0, ioctl(self->group, VFIO_GROUP_SET_CONTAINER,
			   &self->container));
}

FIXTURE_TEARDOWN(container_with_group)
{
	mock_set_fail_attach(false);
	close(self->group2);
	close(self->group);
	close(self->container);
}

TEST_F(container_with_group, check_extension_before_set_iommu)
{
	EXPECT_EQ(1, ioctl(self->container, VFIO_CHECK_EXTENSION,
			   VFIO_MOCK_IOMMU));
}

TEST_F(container_with_group, set_iommu_attaches_the_group)
{
	ASSERT_EQ(0, ioctl(self->container, VFIO_SET_IOMMU, VFIO_MOCK_IOMMU));
	EXPECT_EQ(self->containers + 1,
		  mock_counter(NULL, VFIO_MOCK_DEBUGFS_CONTAINERS));
	EXPECT_EQ(self->attached + 1,
		  mock_counter(NULL, VFIO_MOCK_DEBUGFS_ATTACHED));
}

TEST_F(container_with_group, check_extension_asks_only_the_chosen_iommu)
{
	ASSERT_EQ(0, ioctl(self->container, VFIO_SET_IOMMU, VFIO_MOCK_IOMMU));

	EXPECT_EQ(1, ioctl(self->container, VFIO_CHECK_EXTENSION,
			   VFIO_MOCK_IOMMU));
	/* Whether or not type1 is loaded, the mock does not speak it */
	EXPECT_EQ(0, ioctl(self->container, VFIO_CHECK_EXTENSION,
			   VFIO_TYPE1v2_IOMMU));
	EXPECT_EQ(0, ioctl(self->container, VFIO_CHECK_EXTENSION,
			   0x7fffffffUL));
}

TEST_F(container_with_group, set_iommu_twice_is_einval)
{
	ASSERT_EQ(0, ioctl(self->container, VFIO_SET_IOMMU, VFIO_MOCK_IOMMU));
	EXPECT_ERRNO(EINVAL, ioctl(self->container, VFIO_SET_IOMMU,
				   VFIO_MOCK_IOMMU));
	EXPECT_EQ(self->containers + 1,
		  mock_counter(NULL, VFIO_MOCK_DEBUGFS_CONTAINERS));
}

TEST_F(container_with_group, set_iommu_without_a_backend_is_enodev)
{
	EXPECT_ERRNO(ENODEV, ioctl(self->container, VFIO_SET_IOMMU,
				   0x7fffffffUL));
	/* Nothing was chosen: the container can still pick one */
	EXPECT_EQ(0, ioctl(self->container, VFIO_SET_IOMMU, VFIO_MOCK_IOMMU));
}

TEST_F(container_with_group, failed_set_iommu_unwinds)
{
	ASSERT_EQ(0, mock_set_fail_attach(true));
	EXPECT_ERRNO(ENOSPC, ioctl(self->container, VFIO_SET_IOMMU,
				   VFIO_MOCK_IOMMU));
	EXPECT_EQ(self->containers,
		  mock_counter(NULL, VFIO_MOCK_DEBUGFS_CONTAINERS));
	EXPECT_EQ(self->attached,
		  mock_counter(NULL, VFIO_MOCK_DEBUGFS_ATTACHED));

	ASSERT_EQ(0, mock_set_fail_attach(false));
	EXPECT_EQ(0, ioctl(self->container, VFIO_SET_IOMMU, VFIO_MOCK_IOMMU));
}

TEST_F(container_with_group, second_group_attaches_to_the_iommu)
{
	ASSERT_EQ(0, ioctl(self->container, VFIO_SET_IOMMU, VFIO_MOCK_IOMMU));
	ASSERT_EQ(0, ioctl(self->group2, VFIO_GROUP_SET_CONTAINER,
			   &self->container));
	EXPECT_EQ(self->attached + 2,
		  mock_counter(NULL, VFIO_MOCK_DEBUGFS_ATTACHED));

	ASSERT_EQ(0, ioctl(self->group2, VFIO_GROUP_UNSET_CONTAINER));
	EXPECT_EQ(self->attached + 1,
		  mock_counter(NULL, VFIO_MOCK_DEBUGFS_ATTACHED));
}

TEST_F(container_with_group, failed_group_attach_unwinds)
{
	ASSERT_EQ(0, ioctl(self->container, VFIO_SET_IOMMU, VFIO_MOCK_IOMMU));
	ASSERT_EQ(0, mock_set_fail_attach(true));

	EXPECT_ERRNO(ENOSPC, ioctl(self->group2, VFIO_GROUP_SET_CONTAINER,
				   &self->container));
	EXPECT_EQ(VFIO_GROUP_FLAGS_VIABLE, group_flags(self->group2));
	EXPECT_EQ(self->attached + 1,
		  mock_counter(NULL, VFIO_MOCK_DEBUGFS_ATTACHED));

	ASSERT_EQ(0, mock_set_fail_attach(false));
	EXPECT_EQ(0, ioctl(self->group2, VFIO_GROUP_SET_CONTAINER,
			   &self->container));
}

TEST_F(container_with_group, last_group_leaving_releases_the_iommu)
{
	ASSERT_EQ(0, ioctl(self->container, VFIO_SET_IOMMU, VFIO_MOCK_IOMMU));
	ASSERT_EQ(0, ioctl(self->group, VFIO_GROUP_UNSET_CONTAINER));
	EXPECT_EQ(self->containers,
		  mock_counter(NULL, VFIO_MOCK_DEBUGFS_CONTAINERS));
	EXPECT_EQ(self->attached,
		  mock_counter(NULL, VFIO_MOCK_DEBUGFS_ATTACHED));

	/* Blank again: no group, so no backend can be chosen ... */
	EXPECT_ERRNO(EINVAL, ioctl(self->container, VFIO_SET_IOMMU,
				   VFIO_MOCK_IOMMU));
	/* ... until a group joins */
	ASSERT_EQ(0, ioctl(self->group2, VFIO_GROUP_SET_CONTAINER,
			   &self->container));
	EXPECT_EQ(0, ioctl(self->container, VFIO_SET_IOMMU, VFIO_MOCK_IOMMU));
}

TEST_F(container_with_group, closing_the_container_keeps_it_for_its_groups)
{
	ASSERT_EQ(0, ioctl(self->container, VFIO_SET_IOMMU, VFIO_MOCK_IOMMU));
	close(self->container);
	self->container = -1;

	/* The group still holds the container and its backend */
	EXPECT_EQ(VFIO_GROUP_FLAGS_VIABLE | VFIO_GROUP_FLAGS_CONTAINER_SET,
		  group_flags(self->group));
	EXPECT_EQ(self->containers + 1,
		  mock_counter(NULL, VFIO_MOCK_DEBUGFS_CONTAINERS));

	ASSERT_EQ(0, ioctl(self->group, VFIO_GROUP_UNSET_CONTAINER));
	EXPECT_EQ(self->containers,
		  mock_counter(NULL, VFIO_MOCK_DEBUGFS_CONTAINERS));
}

TEST_F(container_with_group, unknown_ioctl_with_iommu_set_is_enotty)
{
	ASSERT_EQ(0, ioctl(self->container, VFIO_SET_IOMMU, VFIO_MOCK_IOMMU));
	EXPECT_ERRNO(ENOTTY, ioctl(self->container, VFIO_UNUSED_IOCTL));
	EXPECT_ERRNO(ENOTTY, ioctl(self->container, _IO('T', 0x01)));
}

TEST_HARNESS_MAIN
