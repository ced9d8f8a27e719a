// SPDX-License-Identifier: GPL-2.0-only
/*
 * Lifetimes: what happens when the kernel side goes away while userspace
 * holds fds.
 *
 * Unbinding a device from its VFIO driver waits for every fd of the
 * device to close; meanwhile the driver asks the user to let go through
 * its request interrupt.  A group fd does not hold the device: once the
 * device is gone the group fd only reports ENODEV.  The modules cannot be
 * unloaded while anything they implement is in use.
 *
 * These tests unbind vfio-mock.0 and reload vfio and vfio_mock; each one
 * puts the system back as it found it.
 */
#include "vfio_test_util.h"

#include "kselftest_harness.h"

/* What a module reload needs to bring the modules back as they were. */
struct module_state {
	char vfio_params[128];
	char mock_params[128];
};

static void module_state_save(struct module_state *state)
{
	char noiommu[8] = "N", ndevs[16] = "2", noiommu_devs[16] = "1";

	read_file("/sys/module/vfio/parameters/enable_unsafe_noiommu_mode",
		  noiommu, sizeof(noiommu));
	read_file(MOCK_PARAMS_PATH "/" VFIO_MOCK_PARAM_NDEVS, ndevs,
		  sizeof(ndevs));
	read_file(MOCK_PARAMS_PATH "/" VFIO_MOCK_PARAM_NOIOMMU_DEVS,
		  noiommu_devs, sizeof(noiommu_devs));
	snprintf(state->vfio_params, sizeof(state->vfio_params), "%s",
		 noiommu[0] == 'Y' ? "enable_unsafe_noiommu_mode=1" : "");
	snprintf(state->mock_params, sizeof(state->mock_params),
		 VFIO_MOCK_PARAM_NDEVS "=%s " VFIO_MOCK_PARAM_NOIOMMU_DEVS "=%s",
		 ndevs, noiommu_devs);
}

#define MAX_HOLDERS	16

/* The modules that depend on @name, as listed in sysfs: how many, or -1. */
static int module_holders(const char *name, char holders[MAX_HOLDERS][64])
{
	char path[PATH_MAX];
	struct dirent *entry;
	int n = 0;
	DIR *dir;

	snprintf(path, sizeof(path), "/sys/module/%s/holders", name);
	dir = opendir(path);
	if (!dir)
		return -1;
	while ((entry = readdir(dir)) && n < MAX_HOLDERS) {
		if (entry->d_name[0] != '.')
			snprintf(holders[n++], 64, "%.63s", entry->d_name);
	}
	closedir(dir);
	return n;
}

/*
 * Whether every module depending on @name, however indirectly, could be
 * loaded again after an unload (its .ko is at hand).
 */
static bool holders_reloadable(const char *name)
{
	char holders[MAX_HOLDERS][64], path[PATH_MAX];
	int i, n = module_holders(name, holders);

	for (i = 0; i < n; i++)
		if (module_path(holders[i], path, sizeof(path)) ||
		    !holders_reloadable(holders[i]))
			return false;
	return n >= 0;
}

/*
 * Unload every module that depends on @name, deepest first, except @keep
 * (which must have no holders of its own).  Return: 0 or -errno.
 */
static int unload_holders(const char *name, const char *keep)
{
	char holders[MAX_HOLDERS][64];
	int i, ret, n = module_holders(name, holders);

	if (n < 0)
		return -ENOENT;
	for (i = 0; i < n; i++) {
		if (keep && !strcmp(holders[i], keep))
			continue;
		/* Gone already as the holder of an earlier holder. */
		if (!module_loaded(holders[i]))
			continue;
		ret = unload_holders(holders[i], NULL);
		if (!ret)
			ret = module_unload(holders[i]);
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * Load whatever of our modules is missing, in the order the test VM's
 * modules.list gives (or just vfio and vfio_mock without one).
 * Return: 0 or the first -errno.
 */
static int module_state_restore(const struct module_state *state)
{
	char line[512], name[128];
	const char *params;
	int ret, first = 0;
	FILE *list;

	list = fopen("/lib/modules-ours/modules.list", "re");
	while (list && fgets(line, sizeof(line), list)) {
		if (sscanf(line, "%127s", name) != 1 || module_loaded(name))
			continue;
		if (!strcmp(name, "vfio"))
			params = state->vfio_params;
		else if (!strcmp(name, VFIO_MOCK_MODULE))
			params = state->mock_params;
		else
			params = "";
		ret = module_load(name, params);
		if (ret && !first)
			first = ret;
	}
	if (list)
		fclose(list);

	if (!module_loaded("vfio")) {
		ret = module_load("vfio", state->vfio_params);
		if (ret)
			return ret;
	}
	if (!module_loaded(VFIO_MOCK_MODULE)) {
		ret = module_load(VFIO_MOCK_MODULE, state->mock_params);
		if (ret)
			return ret;
	}
	return first;
}

/*
 * Why vfio_mock, and with @vfio_too also vfio, cannot be reloaded here, or
 * NULL: their .ko files, and those of every module depending on vfio,
 * must be at hand.
 */
static const char *reload_missing(bool vfio_too)
{
	char path[PATH_MAX];

	if (module_path(VFIO_MOCK_MODULE, path, sizeof(path)))
		return "vfio_mock.ko not found (set VFIO_MODULE_DIR)";
	if (!vfio_too)
		return NULL;
	if (module_path("vfio", path, sizeof(path)))
		return "vfio.ko not found (set VFIO_MODULE_DIR)";
	if (!holders_reloadable("vfio"))
		return "a module depending on vfio could not be reloaded";
	return NULL;
}

FIXTURE(lifetime) {
	struct module_state modules;
	int container;
	int group;
	int device;
	int req;
};

FIXTURE_SETUP(lifetime)
{
	self->container = -1;
	self->group = -1;
	self->device = -1;
	self->req = -1;
	if (mock_missing())
		SKIP(return, "%s", mock_missing());
	module_state_save(&self->modules);

	self->container = open(VFIO_CONTAINER_PATH, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->container);
	self->group = open_mock_group(MOCK_DEV0);
	ASSERT_LE(0, self->group);
	self->req = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	ASSERT_LE(0, self->req);
}

FIXTURE_TEARDOWN(lifetime)
{
	char driver[64];

	close_all_fds();

	/* Undo an unbind or unload, also after a failed test */
	module_state_restore(&self->modules);
	device_driver("platform", MOCK_DEV0, driver, sizeof(driver));
	if (!driver[0])
		driver_op("platform", VFIO_MOCK_DRIVER, "bind", MOCK_DEV0);
}

/* Take the group into a container with the mock IOMMU, open the device. */
static int open_device(int group, int container, int *device)
{
	if (ioctl(group, VFIO_GROUP_SET_CONTAINER, &container) ||
	    ioctl(container, VFIO_SET_IOMMU, VFIO_MOCK_IOMMU))
		return -1;
	*device = ioctl(group, VFIO_GROUP_GET_DEVICE_FD, MOCK_DEV0);
	return *device < 0 ? -1 : 0;
}

/* Unbinding */

TEST_F(lifetime, unbind_waits_for_the_device_fd)
{
	int group_id = device_group_id("platform", MOCK_DEV0);
	char driver[64];
	pid_t unbind;

	ASSERT_EQ(0, open_device(self->group, self->container, &self->device));
	ASSERT_EQ(0, set_irq_eventfd(self->device, VFIO_MOCK_REQ_IRQ_INDEX,
				     self->req));

	unbind = unbind_in_child("platform", VFIO_MOCK_DRIVER, MOCK_DEV0);
	ASSERT_LT(0, unbind);

	/* The driver asks for the device back ... */
	EXPECT_LE(1, eventfd_wait(self->req, EVENT_TIMEOUT_MS));
	/* ... and the unbind waits for it, the device still in its group */
	EXPECT_EQ(-1, wait_child(unbind, QUIET_TIMEOUT_MS));
	EXPECT_EQ(group_id, device_group_id("platform", MOCK_DEV0));

	close(self->device);
	self->device = -1;
	EXPECT_EQ(0, wait_child(unbind, EVENT_TIMEOUT_MS));
	device_driver("platform", MOCK_DEV0, driver, sizeof(driver));
	EXPECT_STREQ("", driver);
	EXPECT_EQ(-1, device_group_id("platform", MOCK_DEV0));
}

TEST_F(lifetime, unbind_without_device_fd_does_not_wait)
{
	pid_t unbind;

	ASSERT_EQ(0, ioctl(self->group, VFIO_GROUP_SET_CONTAINER,
			   &self->container));
	unbind = unbind_in_child("platform", VFIO_MOCK_DRIVER, MOCK_DEV0);
	ASSERT_LT(0, unbind);
	EXPECT_EQ(0, wait_child(unbind, EVENT_TIMEOUT_MS));
}

TEST_F(lifetime, group_fd_outliving_its_device_is_enodev)
{
	struct vfio_group_status status = { .argsz = sizeof(status) };
	int container = open(VFIO_CONTAINER_PATH, O_RDWR | O_CLOEXEC);

	ASSERT_LE(0, container);
	ASSERT_EQ(0, driver_op("platform", VFIO_MOCK_DRIVER, "unbind",
			       MOCK_DEV0));

	EXPECT_ERRNO(ENODEV, ioctl(self->group, VFIO_GROUP_GET_STATUS,
				   &status));
	EXPECT_ERRNO(ENODEV, ioctl(self->group, VFIO_GROUP_SET_CONTAINER,
				   &container));
	EXPECT_ERRNO(ENODEV, ioctl(self->group, VFIO_GROUP_GET_DEVICE_FD,
				   MOCK_DEV0));
	close(container);
}

TEST_F(lifetime, unbind_takes_the_group_out_of_its_container)
{
	long long attached;

	if (!mock_debugfs_ready())
		SKIP(return, "no debugfs for the vfio_mock counters");
	ASSERT_EQ(0, ioctl(self->group, VFIO_GROUP_SET_CONTAINER,
			   &self->container));
	ASSERT_EQ(0, ioctl(self->container, VFIO_SET_IOMMU, VFIO_MOCK_IOMMU));
	attached = mock_counter(NULL, VFIO_MOCK_DEBUGFS_ATTACHED);

	ASSERT_EQ(0, driver_op("platform", VFIO_MOCK_DRIVER, "unbind",
			       MOCK_DEV0));
	EXPECT_EQ(attached - 1, mock_counter(NULL, VFIO_MOCK_DEBUGFS_ATTACHED));
	/* The group is no longer the container's to remove */
	EXPECT_ERRNO(EINVAL, ioctl(self->group, VFIO_GROUP_UNSET_CONTAINER));
}

TEST_F(lifetime, rebound_device_gets_a_usable_group)
{
	struct vfio_device_info info = { .argsz = sizeof(info) };

	ASSERT_EQ(0, driver_op("platform", VFIO_MOCK_DRIVER, "unbind",
			       MOCK_DEV0));
	close(self->group);
	ASSERT_EQ(0, driver_op("platform", VFIO_MOCK_DRIVER, "bind",
			       MOCK_DEV0));

	self->group = open_mock_group(MOCK_DEV0);
	ASSERT_LE(0, self->group);
	ASSERT_EQ(0, open_device(self->group, self->container, &self->device));
	EXPECT_EQ(0, ioctl(self->device, VFIO_DEVICE_GET_INFO, &info));
}

/* Module unloading */

TEST_F(lifetime, mock_unload_refused_while_device_open)
{
	const char *why = reload_missing(false);

	if (why)
		SKIP(return, "%s", why);
	ASSERT_EQ(0, open_device(self->group, self->container, &self->device));

	EXPECT_EQ(-EWOULDBLOCK, module_unload(VFIO_MOCK_MODULE));
	EXPECT_TRUE(module_loaded(VFIO_MOCK_MODULE));

	close(self->device);
	self->device = -1;
	close(self->group);
	self->group = -1;
	close(self->container);
	self->container = -1;
	EXPECT_EQ(0, module_unload(VFIO_MOCK_MODULE));
	EXPECT_EQ(0, module_state_restore(&self->modules));
}

TEST_F(lifetime, mock_unload_refused_while_container_uses_mock_iommu)
{
	const char *why = reload_missing(false);

	if (why)
		SKIP(return, "%s", why);
	ASSERT_EQ(0, ioctl(self->group, VFIO_GROUP_SET_CONTAINER,
			   &self->container));
	ASSERT_EQ(0, ioctl(self->container, VFIO_SET_IOMMU, VFIO_MOCK_IOMMU));

	EXPECT_EQ(-EWOULDBLOCK, module_unload(VFIO_MOCK_MODULE));

	ASSERT_EQ(0, ioctl(self->group, VFIO_GROUP_UNSET_CONTAINER));
	EXPECT_EQ(0, module_unload(VFIO_MOCK_MODULE));
	EXPECT_EQ(0, module_state_restore(&self->modules));
}

TEST_F(lifetime, vfio_unload_refused_while_container_open)
{
	const char *why = reload_missing(true);

	if (why)
		SKIP(return, "%s", why);
	close(self->group);
	self->group = -1;
	/* Everything else using vfio goes too; the teardown reloads it */
	ASSERT_EQ(0, unload_holders("vfio", NULL));

	EXPECT_EQ(-EWOULDBLOCK, module_unload("vfio"));

	close(self->container);
	self->container = -1;
	EXPECT_EQ(0, module_unload("vfio"));
	EXPECT_EQ(0, module_state_restore(&self->modules));
	EXPECT_EQ(NULL, mock_missing());
}

TEST_F(lifetime, vfio_unload_refused_while_stale_group_fd_open)
{
	struct vfio_group_status status = { .argsz = sizeof(status) };
	const char *why = reload_missing(true);

	if (why)
		SKIP(return, "%s", why);
	close(self->container);
	self->container = -1;
	ASSERT_EQ(0, unload_holders("vfio", VFIO_MOCK_MODULE));

	/* Its devices vanish with vfio_mock; the group fd stays open */
	ASSERT_EQ(0, module_unload(VFIO_MOCK_MODULE));
	EXPECT_ERRNO(ENODEV, ioctl(self->group, VFIO_GROUP_GET_STATUS,
				   &status));
	EXPECT_EQ(-EWOULDBLOCK, module_unload("vfio"));

	close(self->group);
	self->group = -1;
	EXPECT_EQ(0, module_unload("vfio"));
	EXPECT_EQ(0, module_state_restore(&self->modules));
	EXPECT_EQ(NULL, mock_missing());
}

TEST_HARNESS_MAIN
