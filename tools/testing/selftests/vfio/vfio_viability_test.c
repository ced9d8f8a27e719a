// SPDX-License-Identifier: GPL-2.0-only
/*
 * Group viability, on a real IOMMU group of two PCI functions.
 *
 * A group is only as isolated as its least isolated device: while a
 * kernel driver does DMA for one member, userspace may not own the group
 * (VFIO_GROUP_GET_STATUS lacks VIABLE and VFIO_GROUP_SET_CONTAINER fails),
 * and while userspace owns it no kernel driver may bind to any member.
 *
 * One function of the group is bound to vfio_mock's vfio-mock-pci (which
 * exposes nothing of the hardware); the other keeps, loses and regains its
 * kernel driver.  The test VM provides such a group (a multifunction
 * slot); without one the tests skip.
 */
#include "vfio_test_util.h"

#include "kselftest_harness.h"

#define PCI_DEVICES		"/sys/bus/pci/devices"
#define MOCK_PCI_DRIVER_PATH	"/sys/bus/pci/drivers/" VFIO_MOCK_PCI_DRIVER
#define PCI_CLASS_BRIDGE	0x06

/* Whether a PCI device is a bridge, which no VFIO driver may take. */
static bool pci_is_bridge(const char *dev)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), PCI_DEVICES "/%s/class", dev);
	return (read_number(path) >> 16) == PCI_CLASS_BRIDGE;
}

/* A member of the shared group, and the driver it had before the test */
struct group_member {
	char name[32];
	char driver[64];
};

/*
 * Find an IOMMU group of exactly two PCI endpoints and fill in their
 * names, sorted.  Return: the group number, or -1.
 */
static int find_shared_group(struct group_member member[2])
{
	struct dirent *group, *entry;
	char path[PATH_MAX];
	DIR *groups, *devices;
	int found = -1, n;

	groups = opendir("/sys/kernel/iommu_groups");
	if (!groups)
		return -1;
	while (found < 0 && (group = readdir(groups))) {
		if (group->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/sys/kernel/iommu_groups/%s/devices",
			 group->d_name);
		devices = opendir(path);
		if (!devices)
			continue;
		n = 0;
		while ((entry = readdir(devices))) {
			if (entry->d_name[0] == '.')
				continue;
			if (n < 2)
				snprintf(member[n].name, sizeof(member[n].name),
					 "%.31s", entry->d_name);
			n++;
		}
		closedir(devices);
		if (n == 2 && !pci_is_bridge(member[0].name) &&
		    !pci_is_bridge(member[1].name))
			found = atoi(group->d_name);
	}
	closedir(groups);
	if (found >= 0 && strcmp(member[0].name, member[1].name) > 0) {
		struct group_member tmp = member[0];

		member[0] = member[1];
		member[1] = tmp;
	}
	return found;
}

/*
 * Give @dev a kernel driver if it has none: load the extra modules the
 * test VM packs (/lib/modules-extra) and ask the PCI core to probe again.
 */
static void probe_kernel_driver(const char *dev)
{
	char line[512], name[128], file[384];
	FILE *list;
	int fd;

	list = fopen("/lib/modules-extra/modules.list", "re");
	if (list) {
		while (fgets(line, sizeof(line), list)) {
			if (sscanf(line, "%127s %383s", name, file) != 2 ||
			    module_loaded(name))
				continue;
			fd = open(file, O_RDONLY | O_CLOEXEC);
			if (fd < 0)
				continue;
			syscall(SYS_finit_module, fd, "", 0);
			close(fd);
		}
		fclose(list);
	}
	write_file("/sys/bus/pci/drivers_probe", dev);
}

static int set_driver_override(const char *dev, const char *driver)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), PCI_DEVICES "/%s/driver_override", dev);
	/* A lone newline clears the override */
	return write_file(path, driver[0] ? driver : "\n");
}

FIXTURE(viability) {
	struct group_member user;	/* bound to vfio-mock-pci */
	struct group_member other;	/* keeps its kernel driver, if any */
	int group_id;
	int container;
	int group;
};

FIXTURE_SETUP(viability)
{
	struct group_member member[2];
	int user;

	self->container = -1;
	self->group = -1;
	if (mock_missing())
		SKIP(return, "%s", mock_missing());
	if (!path_exists(MOCK_PCI_DRIVER_PATH))
		SKIP(return, "no " VFIO_MOCK_PCI_DRIVER " driver");
	self->group_id = find_shared_group(member);
	if (self->group_id < 0)
		SKIP(return, "no IOMMU group of two PCI functions");

	/* The member without a kernel driver is the one to give away */
	device_driver("pci", member[0].name, member[0].driver,
		      sizeof(member[0].driver));
	device_driver("pci", member[1].name, member[1].driver,
		      sizeof(member[1].driver));
	user = member[0].driver[0] && !member[1].driver[0];
	self->user = member[user];
	self->other = member[!user];

	if (!self->other.driver[0]) {
		probe_kernel_driver(self->other.name);
		device_driver("pci", self->other.name, self->other.driver,
			      sizeof(self->other.driver));
	}

	ASSERT_EQ(0, set_driver_override(self->user.name,
					 VFIO_MOCK_PCI_DRIVER));
	if (self->user.driver[0])
		ASSERT_EQ(0, driver_op("pci", self->user.driver, "unbind",
				       self->user.name));
	ASSERT_EQ(0, driver_op("pci", VFIO_MOCK_PCI_DRIVER, "bind",
			       self->user.name));

	self->container = open(VFIO_CONTAINER_PATH, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->container);
	self->group = open_group(self->group_id, false);
	ASSERT_LE(0, self->group);
}

FIXTURE_TEARDOWN(viability)
{
	char driver[64];

	close_all_fds();

	device_driver("pci", self->user.name, driver, sizeof(driver));
	if (!strcmp(driver, VFIO_MOCK_PCI_DRIVER))
		driver_op("pci", VFIO_MOCK_PCI_DRIVER, "unbind",
			  self->user.name);
	set_driver_override(self->user.name, "");
	if (self->user.driver[0])
		driver_op("pci", self->user.driver, "bind", self->user.name);

	device_driver("pci", self->other.name, driver, sizeof(driver));
	if (self->other.driver[0] && !driver[0])
		driver_op("pci", self->other.driver, "bind", self->other.name);
}

/* Unbind the other member from its kernel driver, if it has one. */
static int release_other(const struct group_member *other)
{
	if (!other->driver[0])
		return 0;
	return driver_op("pci", other->driver, "unbind", other->name);
}

TEST_F(viability, kernel_driver_makes_group_not_viable)
{
	if (!self->other.driver[0])
		SKIP(return, "%s has no kernel driver", self->other.name);
	EXPECT_EQ(0, group_flags(self->group));
}

TEST_F(viability, set_container_with_kernel_driver_is_eperm)
{
	if (!self->other.driver[0])
		SKIP(return, "%s has no kernel driver", self->other.name);
	EXPECT_ERRNO(EPERM, ioctl(self->group, VFIO_GROUP_SET_CONTAINER,
				  &self->container));
	EXPECT_EQ(0, group_flags(self->group));
}

TEST_F(viability, group_without_kernel_driver_is_viable)
{
	ASSERT_EQ(0, release_other(&self->other));
	EXPECT_EQ(VFIO_GROUP_FLAGS_VIABLE, group_flags(self->group));
	EXPECT_EQ(0, ioctl(self->group, VFIO_GROUP_SET_CONTAINER,
			   &self->container));
}

TEST_F(viability, viable_group_gives_device_fd)
{
	struct vfio_device_info info = { .argsz = sizeof(info) };
	int device;

	ASSERT_EQ(0, release_other(&self->other));
	ASSERT_EQ(0, ioctl(self->group, VFIO_GROUP_SET_CONTAINER,
			   &self->container));
	ASSERT_EQ(0, ioctl(self->container, VFIO_SET_IOMMU, VFIO_MOCK_IOMMU));

	device = ioctl(self->group, VFIO_GROUP_GET_DEVICE_FD, self->user.name);
	ASSERT_LE(0, device);
	ASSERT_EQ(0, ioctl(device, VFIO_DEVICE_GET_INFO, &info));
	EXPECT_EQ(VFIO_DEVICE_FLAGS_PCI, info.flags);
	EXPECT_EQ(0, info.num_regions);
	EXPECT_EQ(VFIO_PCI_NUM_IRQS, info.num_irqs);
	close(device);
}

TEST_F(viability, member_without_vfio_driver_has_no_device_fd)
{
	ASSERT_EQ(0, release_other(&self->other));
	ASSERT_EQ(0, ioctl(self->group, VFIO_GROUP_SET_CONTAINER,
			   &self->container));
	ASSERT_EQ(0, ioctl(self->container, VFIO_SET_IOMMU, VFIO_MOCK_IOMMU));
	EXPECT_ERRNO(ENODEV, ioctl(self->group, VFIO_GROUP_GET_DEVICE_FD,
				   self->other.name));
}

TEST_F(viability, kernel_driver_cannot_bind_while_group_in_use)
{
	char driver[64];

	if (!self->other.driver[0])
		SKIP(return, "%s has no kernel driver", self->other.name);
	ASSERT_EQ(0, release_other(&self->other));
	ASSERT_EQ(0, ioctl(self->group, VFIO_GROUP_SET_CONTAINER,
			   &self->container));

	EXPECT_EQ(-EBUSY, driver_op("pci", self->other.driver, "bind",
				    self->other.name));
	device_driver("pci", self->other.name, driver, sizeof(driver));
	EXPECT_STREQ("", driver);
}

TEST_F(viability, kernel_driver_binds_again_after_release)
{
	char driver[64];

	if (!self->other.driver[0])
		SKIP(return, "%s has no kernel driver", self->other.name);
	ASSERT_EQ(0, release_other(&self->other));
	ASSERT_EQ(0, ioctl(self->group, VFIO_GROUP_SET_CONTAINER,
			   &self->container));
	ASSERT_EQ(0, ioctl(self->group, VFIO_GROUP_UNSET_CONTAINER));

	EXPECT_EQ(0, driver_op("pci", self->other.driver, "bind",
			       self->other.name));
	device_driver("pci", self->other.name, driver, sizeof(driver));
	EXPECT_STREQ(self->other.driver, driver);
}

TEST_F(viability, pci_unbind_requests_the_device)
{
	int device, req = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	pid_t unbind;

	ASSERT_LE(0, req);
	ASSERT_EQ(0, release_other(&self->other));
	ASSERT_EQ(0, ioctl(self->group, VFIO_GROUP_SET_CONTAINER,
			   &self->container));
	ASSERT_EQ(0, ioctl(self->container, VFIO_SET_IOMMU, VFIO_MOCK_IOMMU));
	device = ioctl(self->group, VFIO_GROUP_GET_DEVICE_FD, self->user.name);
	ASSERT_LE(0, device);
	ASSERT_EQ(0, set_irq_eventfd(device, VFIO_PCI_REQ_IRQ_INDEX, req));

	unbind = unbind_in_child("pci", VFIO_MOCK_PCI_DRIVER, self->user.name);
	ASSERT_LT(0, unbind);
	EXPECT_LE(1, eventfd_wait(req, EVENT_TIMEOUT_MS));
	EXPECT_EQ(-1, wait_child(unbind, QUIET_TIMEOUT_MS));

	close(device);
	EXPECT_EQ(0, wait_child(unbind, EVENT_TIMEOUT_MS));
	close(req);
}

TEST_HARNESS_MAIN
