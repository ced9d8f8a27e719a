// SPDX-License-Identifier: GPL-2.0-only
/*
 * No-IOMMU mode.
 *
 * With vfio's enable_unsafe_noiommu_mode set, a device that has no IOMMU
 * group gets a group of its own, /dev/vfio/noiommu-$N, and the kernel is
 * tainted.  Such a group gives no isolation at all, so every step needs
 * CAP_SYS_RAWIO; it only works with the VFIO_NOIOMMU_IOMMU backend, and
 * never shares a container with a real group.
 *
 * The device used is vfio_mock's vfio-mock-noiommu.0, which its driver can
 * only bind in this mode: the fixture turns the mode on and binds it.
 */
#include "vfio_test_util.h"

#include "kselftest_harness.h"

#define NOIOMMU_PARAM	"/sys/module/vfio/parameters/enable_unsafe_noiommu_mode"
#define NOIOMMU_DEV	"vfio-mock-noiommu.0"
#define TAINT_USER_BIT	6	/* 'U' in /proc/sys/kernel/tainted */

FIXTURE(noiommu) {
	bool enabled_mode;
	bool bound_device;
	int group_id;
	int container;
	int group;
};

FIXTURE_SETUP(noiommu)
{
	char mode[8] = "", driver[64];
	int ret;

	self->container = -1;
	self->group = -1;
	if (mock_missing())
		SKIP(return, "%s", mock_missing());
	if (read_file(NOIOMMU_PARAM, mode, sizeof(mode)))
		SKIP(return, "vfio was built without no-IOMMU support");
	if (!path_exists("/sys/bus/platform/devices/" NOIOMMU_DEV))
		SKIP(return, "vfio_mock was loaded with noiommu_devs=0");

	if (mode[0] != 'Y') {
		ret = write_file(NOIOMMU_PARAM, "1");
		if (ret)
			SKIP(return, "cannot enable no-IOMMU mode: %s",
			     strerror(-ret));
		self->enabled_mode = true;
	}

	device_driver("platform", NOIOMMU_DEV, driver, sizeof(driver));
	if (!driver[0]) {
		ASSERT_EQ(0, driver_op("platform", VFIO_MOCK_NOIOMMU_DRIVER,
				       "bind", NOIOMMU_DEV));
		self->bound_device = true;
	}
	self->group_id = device_group_id("platform", NOIOMMU_DEV);
	ASSERT_LE(0, self->group_id);

	self->container = open(VFIO_CONTAINER_PATH, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->container);
}

FIXTURE_TEARDOWN(noiommu)
{
	close_all_fds();
	/* Leave the system as safe as it was */
	if (self->bound_device)
		driver_op("platform", VFIO_MOCK_NOIOMMU_DRIVER, "unbind",
			  NOIOMMU_DEV);
	if (self->enabled_mode)
		write_file(NOIOMMU_PARAM, "0");
}

static int open_noiommu_group(int group_id)
{
	return open_group(group_id, true);
}

TEST_F(noiommu, group_node_exists)
{
	char path[64];
	struct stat st;

	group_path(self->group_id, true, path, sizeof(path));
	ASSERT_EQ(0, stat(path, &st));
	EXPECT_TRUE(S_ISCHR(st.st_mode));
	/* No plain numbered node for it */
	group_path(self->group_id, false, path, sizeof(path));
	EXPECT_FALSE(path_exists(path));
}

TEST_F(noiommu, kernel_is_tainted)
{
	long long taint = read_number("/proc/sys/kernel/tainted");

	ASSERT_LE(0, taint);
	EXPECT_TRUE(taint & (1LL << TAINT_USER_BIT));
}

TEST_F(noiommu, group_opens_with_cap_sys_rawio)
{
	self->group = open_noiommu_group(self->group_id);
	EXPECT_LE(0, self->group);
}

TEST_F(noiommu, group_open_without_cap_sys_rawio_is_eperm)
{
	ASSERT_EQ(0, drop_capability(CAP_SYS_RAWIO));
	EXPECT_ERRNO(EPERM, open_noiommu_group(self->group_id));
}

TEST_F(noiommu, container_supports_noiommu_extension)
{
	EXPECT_EQ(1, ioctl(self->container, VFIO_CHECK_EXTENSION,
			   VFIO_NOIOMMU_IOMMU));
}

TEST_F(noiommu, noiommu_extension_follows_the_mode)
{
	ASSERT_EQ(0, write_file(NOIOMMU_PARAM, "0"));
	EXPECT_EQ(0, ioctl(self->container, VFIO_CHECK_EXTENSION,
			   VFIO_NOIOMMU_IOMMU));
	ASSERT_EQ(0, write_file(NOIOMMU_PARAM, "1"));
	EXPECT_EQ(1, ioctl(self->container, VFIO_CHECK_EXTENSION,
			   VFIO_NOIOMMU_IOMMU));
}

TEST_F(noiommu, device_opens_with_noiommu_backend)
{
	struct vfio_device_info info = { .argsz = sizeof(info) };
	int device;

	self->group = open_noiommu_group(self->group_id);
	ASSERT_LE(0, self->group);
	ASSERT_EQ(0, ioctl(self->group, VFIO_GROUP_SET_CONTAINER,
			   &self->container));
	ASSERT_EQ(0, ioctl(self->container, VFIO_SET_IOMMU,
			   VFIO_NOIOMMU_IOMMU));

	device = ioctl(self->group, VFIO_GROUP_GET_DEVICE_FD, NOIOMMU_DEV);
	ASSERT_LE(0, device);
	EXPECT_EQ(0, ioctl(device, VFIO_DEVICE_GET_INFO, &info));
	close(device);
}

TEST_F(noiommu, noiommu_container_offers_no_other_backend)
{
	self->group = open_noiommu_group(self->group_id);
	ASSERT_LE(0, self->group);
	ASSERT_EQ(0, ioctl(self->group, VFIO_GROUP_SET_CONTAINER,
			   &self->container));

	EXPECT_EQ(0, ioctl(self->container, VFIO_CHECK_EXTENSION,
			   VFIO_MOCK_IOMMU));
	EXPECT_ERRNO(ENODEV, ioctl(self->container, VFIO_SET_IOMMU,
				   VFIO_MOCK_IOMMU));
}

TEST_F(noiommu, iommu_container_offers_no_noiommu_backend)
{
	int group = open_mock_group(MOCK_DEV0);

	ASSERT_LE(0, group);
	ASSERT_EQ(0, ioctl(group, VFIO_GROUP_SET_CONTAINER, &self->container));

	EXPECT_EQ(0, ioctl(self->container, VFIO_CHECK_EXTENSION,
			   VFIO_NOIOMMU_IOMMU));
	EXPECT_ERRNO(ENODEV, ioctl(self->container, VFIO_SET_IOMMU,
				   VFIO_NOIOMMU_IOMMU));
	close(group);
}

TEST_F(noiommu, noiommu_group_cannot_join_iommu_container)
{
	int group = open_mock_group(MOCK_DEV0);

	ASSERT_LE(0, group);
	ASSERT_EQ(0, ioctl(group, VFIO_GROUP_SET_CONTAINER, &self->container));
	self->group = open_noiommu_group(self->group_id);
	ASSERT_LE(0, self->group);

	EXPECT_ERRNO(EPERM, ioctl(self->group, VFIO_GROUP_SET_CONTAINER,
				  &self->container));
	close(group);
}

TEST_F(noiommu, iommu_group_cannot_join_noiommu_container)
{
	int group = open_mock_group(MOCK_DEV0);

	ASSERT_LE(0, group);
	self->group = open_noiommu_group(self->group_id);
	ASSERT_LE(0, self->group);
	ASSERT_EQ(0, ioctl(self->group, VFIO_GROUP_SET_CONTAINER,
			   &self->container));

	EXPECT_ERRNO(EPERM, ioctl(group, VFIO_GROUP_SET_CONTAINER,
				  &self->container));
	close(group);
}

TEST_F(noiommu, set_container_without_cap_sys_rawio_is_eperm)
{
	self->group = open_noiommu_group(self->group_id);
	ASSERT_LE(0, self->group);
	ASSERT_EQ(0, drop_capability(CAP_SYS_RAWIO));

	EXPECT_ERRNO(EPERM, ioctl(self->group, VFIO_GROUP_SET_CONTAINER,
				  &self->container));
}

TEST_F(noiommu, set_iommu_without_cap_sys_rawio_is_eperm)
{
	self->group = open_noiommu_group(self->group_id);
	ASSERT_LE(0, self->group);
	ASSERT_EQ(0, ioctl(self->group, VFIO_GROUP_SET_CONTAINER,
			   &self->container));
	ASSERT_EQ(0, drop_capability(CAP_SYS_RAWIO));

	EXPECT_ERRNO(EPERM, ioctl(self->container, VFIO_SET_IOMMU,
				  VFIO_NOIOMMU_IOMMU));
}

TEST_F(noiommu, get_device_fd_without_cap_sys_rawio_is_eperm)
{
	self->group = open_noiommu_group(self->group_id);
	ASSERT_LE(0, self->group);
	ASSERT_EQ(0, ioctl(self->group, VFIO_GROUP_SET_CONTAINER,
			   &self->container));
	ASSERT_EQ(0, ioctl(self->container, VFIO_SET_IOMMU,
			   VFIO_NOIOMMU_IOMMU));
	ASSERT_EQ(0, drop_capability(CAP_SYS_RAWIO));

	EXPECT_ERRNO(EPERM, ioctl(self->group, VFIO_GROUP_GET_DEVICE_FD,
				  NOIOMMU_DEV));
}

/* Without the mode the device stays unbound */
FIXTURE(noiommu_off) {
	bool disabled_mode;
};

FIXTURE_SETUP(noiommu_off)
{
	char mode[8] = "", driver[64];

	if (mock_missing())
		SKIP(return, "%s", mock_missing());
	if (read_file(NOIOMMU_PARAM, mode, sizeof(mode)))
		SKIP(return, "vfio was built without no-IOMMU support");
	if (!path_exists("/sys/bus/platform/devices/" NOIOMMU_DEV))
		SKIP(return, "vfio_mock was loaded with noiommu_devs=0");
	device_driver("platform", NOIOMMU_DEV, driver, sizeof(driver));
	if (driver[0])
		SKIP(return, NOIOMMU_DEV " is already bound");
	if (mode[0] == 'Y') {
		ASSERT_EQ(0, write_file(NOIOMMU_PARAM, "0"));
		self->disabled_mode = true;
	}
}

FIXTURE_TEARDOWN(noiommu_off)
{
	char driver[64];

	device_driver("platform", NOIOMMU_DEV, driver, sizeof(driver));
	if (driver[0])
		driver_op("platform", VFIO_MOCK_NOIOMMU_DRIVER, "unbind",
			  NOIOMMU_DEV);
	if (self->disabled_mode)
		write_file(NOIOMMU_PARAM, "1");
}

TEST_F(noiommu_off, device_without_iommu_does_not_bind)
{
	char driver[64];

	EXPECT_EQ(-ENODEV, driver_op("platform", VFIO_MOCK_NOIOMMU_DRIVER,
				     "bind", NOIOMMU_DEV));
	device_driver("platform", NOIOMMU_DEV, driver, sizeof(driver));
	EXPECT_STREQ("", driver);
	EXPECT_EQ(-1, device_group_id("platform", NOIOMMU_DEV));
}

TEST_F(noiommu_off, container_does_not_offer_noiommu)
{
	int container = open(VFIO_CONTAINER_PATH, O_RDWR | O_CLOEXEC);

	ASSERT_LE(0, container);
	EXPECT_EQ(0, ioctl(container, VFIO_CHECK_EXTENSION,
			   VFIO_NOIOMMU_IOMMU));
	close(container);
}

TEST_HARNESS_MAIN
