// SPDX-License-Identifier: GPL-2.0-only
/*
 * lsvfio (tools/vfio) against the kernel: what `lsvfio --json` prints for a
 * device must be what the VFIO ioctls return to this test, field by field,
 * and when lsvfio cannot open a group (busy, no permission) it must say
 * why and still list the device from sysfs.
 *
 * The devices are the test machine's VFIO_TEST_EDU, VFIO_TEST_E1000E and
 * VFIO_TEST_NVME; a test skips when its device is not bound to a VFIO
 * driver.  lsvfio is found through $LSVFIO, next to this program, or in
 * $PATH.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/vfio.h>

#include "json_reader.h"

#include "kselftest_harness.h"

/* The unprivileged user lsvfio is run as in the permission tests. */
#define NOBODY		65534

/* Reads stop here: lsvfio's JSON for one group is a few KiB. */
#define MAX_OUTPUT	(1024 * 1024)

struct lsvfio_run {
	int status;		/* exit status, or -1 if it did not exit */
	char *out;		/* stdout, NUL-terminated */
	char *err;		/* stderr, NUL-terminated */
	struct json_value *json;	/* parsed stdout of --json runs */
};

static bool lsvfio_path(char *path, size_t size)
{
	const char *env = getenv("LSVFIO"), *dirs;
	/* Room left in @path for the "/lsvfio" appended to it. */
	char self[PATH_MAX - 16], *slash, *copy, *dir, *save;
	ssize_t len;
	bool found = false;

	if (env) {
		snprintf(path, size, "%s", env);
		return !access(path, X_OK);
	}
	len = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (len > 0) {
		self[len] = '\0';
		slash = strrchr(self, '/');
		if (slash) {
			*slash = '\0';
			snprintf(path, size, "%s/lsvfio", self);
			if (!access(path, X_OK))
				return true;
		}
	}
	dirs = getenv("PATH");
	copy = strdup(dirs ? dirs : "/bin:/usr/bin");
	for (dir = strtok_r(copy, ":", &save); dir && !found;
	     dir = strtok_r(NULL, ":", &save)) {
		snprintf(path, size, "%s/lsvfio", dir);
		found = !access(path, X_OK);
	}
	free(copy);
	return found;
}

static char *read_all(int fd)
{
	size_t len = 0, size = 4096;
	char *buf = malloc(size), *grown;
	ssize_t n;

	while (buf) {
		if (len + 1 >= size) {
			if (size >= MAX_OUTPUT)
				break;
			size *= 2;
			grown = realloc(buf, size);
			if (!grown)
				break;
			buf = grown;
		}
		n = read(fd, buf + len, size - len - 1);
		if (n <= 0)
			break;
		len += n;
	}
	if (buf)
		buf[len] = '\0';
	return buf;
}

/*
 * Run `lsvfio [--json] DEVICE`, as @uid if it is not -1.  stdout goes
 * through a pipe, stderr into a temporary file, so that neither can block
 * the other.
 */
static void lsvfio_run(const char *lsvfio, uid_t uid, bool json,
		       const char *device, struct lsvfio_run *run)
{
	const char *argv[4] = { lsvfio };
	int out[2], err_fd, status;
	FILE *err_file;
	pid_t pid;

	memset(run, 0, sizeof(*run));
	run->status = -1;
	argv[1] = json ? "--json" : device;
	argv[2] = json ? device : NULL;
	err_file = tmpfile();
	if (!err_file || pipe(out))
		return;
	err_fd = fileno(err_file);

	pid = fork();
	if (pid == 0) {
		dup2(out[1], STDOUT_FILENO);
		dup2(err_fd, STDERR_FILENO);
		close(out[0]);
		if (uid != (uid_t)-1 &&
		    (setgroups(0, NULL) || setgid(uid) || setuid(uid)))
			_exit(125);
		execv(lsvfio, (char *const *)argv);
		_exit(126);
	}
	close(out[1]);
	run->out = read_all(out[0]);
	close(out[0]);
	if (pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status))
		run->status = WEXITSTATUS(status);
	lseek(err_fd, 0, SEEK_SET);
	run->err = read_all(err_fd);
	fclose(err_file);
	if (json && run->out)
		run->json = json_parse(run->out);
}

static void lsvfio_run_free(struct lsvfio_run *run)
{
	free(run->out);
	free(run->err);
	json_free(run->json);
}

/* The group with number @id and, in it, the device called @name. */
static const struct json_value *find_device(const struct json_value *root,
					    int id, const char *name,
					    const struct json_value **group)
{
	const struct json_value *groups = json_get(root, "groups"), *g, *d;
	unsigned int i, j;

	for (i = 0; (g = json_at(groups, i)); i++) {
		if (json_number(g, "id", ~0ULL) != (unsigned long long)id)
			continue;
		*group = g;
		for (j = 0; (d = json_at(json_get(g, "devices"), j)); j++)
			if (!strcmp(json_string(d, "name") ?: "", name))
				return d;
	}
	return NULL;
}

static void link_name(const char *path, char *name, size_t size)
{
	char target[PATH_MAX];
	ssize_t len;

	name[0] = '\0';
	len = readlink(path, target, sizeof(target) - 1);
	if (len <= 0)
		return;
	target[len] = '\0';
	snprintf(name, size, "%s", strrchr(target, '/') + 1);
}

/*
 * VFIO_DEVICE_GET_REGION_INFO with room for the capability chain; the
 * caller frees the result.  NULL with errno set if the ioctl fails.
 */
static struct vfio_region_info *region_info(int device, uint32_t index)
{
	struct vfio_region_info *info;
	uint32_t argsz = sizeof(*info);

	for (int tries = 0; tries < 4; tries++) {
		info = calloc(1, argsz);
		if (!info)
			return NULL;
		info->argsz = argsz;
		info->index = index;
		if (ioctl(device, VFIO_DEVICE_GET_REGION_INFO, info)) {
			int err = errno;

			free(info);
			errno = err;
			return NULL;
		}
		if (info->argsz <= argsz)
			return info;
		argsz = info->argsz;
		free(info);
	}
	return NULL;
}

FIXTURE(lsvfio) {
	char bdf[32];
	char driver[64];
	int group_id;
	char group_path[64];
	char lsvfio[PATH_MAX];
};

FIXTURE_VARIANT(lsvfio) {
	const char *env;
};

FIXTURE_VARIANT_ADD(lsvfio, edu) {
	.env = "VFIO_TEST_EDU",
};

FIXTURE_VARIANT_ADD(lsvfio, e1000e) {
	.env = "VFIO_TEST_E1000E",
};

FIXTURE_VARIANT_ADD(lsvfio, nvme) {
	.env = "VFIO_TEST_NVME",
};

FIXTURE_SETUP(lsvfio)
{
	const char *bdf = getenv(variant->env);
	char path[PATH_MAX], group[32];

	if (!bdf || !*bdf)
		SKIP(return, "%s is not set: no such test device", variant->env);
	snprintf(self->bdf, sizeof(self->bdf), "%s", bdf);

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver", bdf);
	link_name(path, self->driver, sizeof(self->driver));
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/vfio-dev", bdf);
	if (!strstr(self->driver, "vfio") && access(path, F_OK))
		SKIP(return, "%s is not bound to a VFIO driver (driver: %s)",
		     bdf, self->driver[0] ? self->driver : "none");

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/iommu_group",
		 bdf);
	link_name(path, group, sizeof(group));
	ASSERT_NE('\0', group[0]);
	self->group_id = atoi(group);
	snprintf(self->group_path, sizeof(self->group_path), "/dev/vfio/%d",
		 self->group_id);
	if (access(self->group_path, R_OK | W_OK))
		SKIP(return, "no read-write access to %s", self->group_path);

	if (!lsvfio_path(self->lsvfio, sizeof(self->lsvfio)))
		SKIP(return, "lsvfio not found (build tools/vfio, set LSVFIO=path)");
}

FIXTURE_TEARDOWN(lsvfio)
{
}

/*
 * Everything lsvfio --json reports for the device, compared with what the
 * ioctls return here: device info, every region (size, offset, flags,
 * capability ids, sparse mmap areas), every IRQ index (count, flags) and
 * the container's IOMMU page sizes.
 */
TEST_F(lsvfio, json_matches_ioctls)
{
	struct vfio_group_status status = { .argsz = sizeof(status) };
	struct vfio_iommu_type1_info iommu = { .argsz = sizeof(iommu) };
	struct vfio_device_info info = { .argsz = sizeof(info) };
	const struct json_value *group, *dev, *regions, *irqs, *r, *caps;
	int container, fd, device;
	struct lsvfio_run run;
	uint32_t i;

	/* lsvfio first: a group has one opener at a time. */
	lsvfio_run(self->lsvfio, -1, true, self->bdf, &run);
	ASSERT_EQ(0, run.status) TH_LOG("lsvfio failed: %s", run.err);
	ASSERT_NE(NULL, run.json) TH_LOG("not JSON: %s", run.out);
	dev = find_device(run.json, self->group_id, self->bdf, &group);
	ASSERT_NE(NULL, dev) TH_LOG("%s not in the output", self->bdf);

	EXPECT_TRUE(json_true(group, "viable"));
	EXPECT_STREQ("kernel", json_string(group, "viable_source"));
	EXPECT_TRUE(json_true(group, "opened"));
	EXPECT_STREQ(self->group_path, json_string(group, "node"));
	EXPECT_STREQ(self->driver, json_string(dev, "driver"));
	EXPECT_TRUE(json_true(dev, "vfio"));
	EXPECT_TRUE(json_true(dev, "opened"));
	EXPECT_STREQ("pci", json_string(dev, "bus"));

	container = open("/dev/vfio/vfio", O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, container);
	fd = open(self->group_path, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd) TH_LOG("%s: %s", self->group_path, strerror(errno));
	ASSERT_EQ(0, ioctl(fd, VFIO_GROUP_GET_STATUS, &status));
	ASSERT_TRUE(status.flags & VFIO_GROUP_FLAGS_VIABLE);
	ASSERT_EQ(0, ioctl(fd, VFIO_GROUP_SET_CONTAINER, &container));
	ASSERT_EQ(0, ioctl(container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU));
	ASSERT_EQ(0, ioctl(container, VFIO_IOMMU_GET_INFO, &iommu));
	EXPECT_STREQ("type1v2",
		     json_string(json_get(group, "iommu"), "model"));
	EXPECT_EQ(iommu.iova_pgsizes,
		  json_number(json_get(group, "iommu"), "pgsizes", 0));

	device = ioctl(fd, VFIO_GROUP_GET_DEVICE_FD, self->bdf);
	ASSERT_LE(0, device);
	ASSERT_EQ(0, ioctl(device, VFIO_DEVICE_GET_INFO, &info));
	EXPECT_EQ(info.flags, json_number(json_get(dev, "info"), "flags", ~0ULL));
	EXPECT_EQ(info.num_regions,
		  json_number(json_get(dev, "info"), "num_regions", ~0ULL));
	EXPECT_EQ(info.num_irqs,
		  json_number(json_get(dev, "info"), "num_irqs", ~0ULL));

	regions = json_get(dev, "regions");
	ASSERT_EQ(info.num_regions, json_array_len(dev, "regions"));
	for (i = 0; i < info.num_regions; i++) {
		struct vfio_region_info *ri = region_info(device, i);
		const struct vfio_info_cap_header *hdr;
		uint32_t offset, c = 0;

		r = json_at(regions, i);
		EXPECT_EQ(i, json_number(r, "index", ~0ULL));
		if (!ri) {
			/* Such as the VGA index of a device without VGA. */
			EXPECT_EQ(errno, json_number(r, "errno", 0))
				TH_LOG("region %u: the ioctl fails here", i);
			continue;
		}
		EXPECT_EQ(0, json_number(r, "errno", 0));
		EXPECT_EQ(ri->size, json_number(r, "size", ~0ULL))
			TH_LOG("region %u size", i);
		EXPECT_EQ(ri->offset, json_number(r, "offset", ~0ULL))
			TH_LOG("region %u offset", i);
		EXPECT_EQ(ri->flags, json_number(r, "flags", ~0ULL))
			TH_LOG("region %u flags", i);

		/* The same capabilities, in the same order. */
		caps = json_get(r, "capabilities");
		offset = ri->flags & VFIO_REGION_INFO_FLAG_CAPS ?
			 ri->cap_offset : 0;
		for (; offset; offset = hdr->next, c++) {
			const struct json_value *cap = json_at(caps, c);

			hdr = (const void *)((const char *)ri + offset);
			ASSERT_NE(NULL, cap) TH_LOG("region %u cap %u", i, c);
			EXPECT_EQ(hdr->id, json_number(cap, "id", ~0ULL));
			EXPECT_EQ(hdr->version,
				  json_number(cap, "version", ~0ULL));
			if (hdr->id == VFIO_REGION_INFO_CAP_SPARSE_MMAP) {
				const struct vfio_region_info_cap_sparse_mmap
					*sparse = (const void *)hdr;
				const struct json_value *areas =
					json_get(cap, "areas");

				ASSERT_EQ(sparse->nr_areas,
					  json_array_len(cap, "areas"));
				for (uint32_t a = 0; a < sparse->nr_areas; a++) {
					EXPECT_EQ(sparse->areas[a].offset,
						  json_number(json_at(areas, a),
							      "offset", ~0ULL));
					EXPECT_EQ(sparse->areas[a].size,
						  json_number(json_at(areas, a),
							      "size", ~0ULL));
				}
			}
		}
		EXPECT_EQ(c, json_array_len(r, "capabilities"))
			TH_LOG("region %u capability count", i);
		free(ri);
	}

	irqs = json_get(dev, "irqs");
	ASSERT_EQ(info.num_irqs, json_array_len(dev, "irqs"));
	for (i = 0; i < info.num_irqs; i++) {
		struct vfio_irq_info irq = { .argsz = sizeof(irq), .index = i };

		r = json_at(irqs, i);
		EXPECT_EQ(i, json_number(r, "index", ~0ULL));
		if (ioctl(device, VFIO_DEVICE_GET_IRQ_INFO, &irq)) {
			EXPECT_EQ(errno, json_number(r, "errno", 0))
				TH_LOG("irq index %u: the ioctl fails here", i);
			continue;
		}
		EXPECT_EQ(0, json_number(r, "errno", 0));
		EXPECT_EQ(irq.count, json_number(r, "count", ~0ULL))
			TH_LOG("irq index %u count", i);
		EXPECT_EQ(irq.flags, json_number(r, "flags", ~0ULL))
			TH_LOG("irq index %u flags", i);
	}

	close(device);
	close(fd);
	close(container);
	lsvfio_run_free(&run);
}

/* The table names the device, its driver and its BARs. */
TEST_F(lsvfio, table_lists_device)
{
	struct lsvfio_run run;
	char header[64];

	lsvfio_run(self->lsvfio, -1, false, self->bdf, &run);
	ASSERT_EQ(0, run.status) TH_LOG("lsvfio failed: %s", run.err);
	snprintf(header, sizeof(header), "IOMMU group %d: viable",
		 self->group_id);
	EXPECT_NE(NULL, strstr(run.out, header)) TH_LOG("%s", run.out);
	EXPECT_NE(NULL, strstr(run.out, self->bdf));
	EXPECT_NE(NULL, strstr(run.out, self->driver));
	EXPECT_NE(NULL, strstr(run.out, "BAR0"));
	EXPECT_NE(NULL, strstr(run.out, "CONFIG"));
	lsvfio_run_free(&run);
}

/* With the group held open here, lsvfio says it is busy and goes on. */
TEST_F(lsvfio, busy_group_is_reported)
{
	const struct json_value *group, *dev;
	struct lsvfio_run run;
	int fd;

	fd = open(self->group_path, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd);
	lsvfio_run(self->lsvfio, -1, true, self->bdf, &run);
	close(fd);

	EXPECT_EQ(1, run.status);
	EXPECT_NE(NULL, strstr(run.err, "busy")) TH_LOG("stderr: %s", run.err);
	ASSERT_NE(NULL, run.json) TH_LOG("not JSON: %s", run.out);
	dev = find_device(run.json, self->group_id, self->bdf, &group);
	ASSERT_NE(NULL, dev);
	EXPECT_NE(NULL, strstr(json_string(group, "error") ?: "", "busy"));
	EXPECT_FALSE(json_true(group, "opened"));
	EXPECT_STREQ(self->driver, json_string(dev, "driver"));
	EXPECT_FALSE(json_true(dev, "opened"));
	EXPECT_EQ(0, json_array_len(dev, "regions"));
	lsvfio_run_free(&run);
}

/* An unprivileged user without access gets sysfs facts and a reason. */
TEST_F(lsvfio, unprivileged_without_access)
{
	const struct json_value *group, *dev;
	struct lsvfio_run run;
	struct stat st;

	if (geteuid() != 0)
		SKIP(return, "needs root to switch to an unprivileged user");
	ASSERT_EQ(0, stat(self->group_path, &st));
	if (st.st_uid == NOBODY || (st.st_mode & 0006))
		SKIP(return, "%s is accessible to uid %d", self->group_path,
		     NOBODY);

	lsvfio_run(self->lsvfio, NOBODY, true, self->bdf, &run);
	EXPECT_EQ(1, run.status);
	EXPECT_NE(NULL, strstr(run.err, "permission denied"))
		TH_LOG("stderr: %s", run.err);
	ASSERT_NE(NULL, run.json) TH_LOG("not JSON: %s", run.out);
	dev = find_device(run.json, self->group_id, self->bdf, &group);
	ASSERT_NE(NULL, dev);
	EXPECT_FALSE(json_true(group, "opened"));
	EXPECT_STREQ(self->driver, json_string(dev, "driver"));
	lsvfio_run_free(&run);
}

/*
 * The usual way to let a user have a device: give them the group node.
 * Then lsvfio needs no privilege at all.
 */
TEST_F(lsvfio, unprivileged_owner_of_group)
{
	const struct json_value *group, *dev;
	struct lsvfio_run run;
	struct stat st;

	if (geteuid() != 0)
		SKIP(return, "needs root to hand the group to another user");
	ASSERT_EQ(0, stat(self->group_path, &st));
	ASSERT_EQ(0, chown(self->group_path, NOBODY, NOBODY));
	lsvfio_run(self->lsvfio, NOBODY, true, self->bdf, &run);
	ASSERT_EQ(0, chown(self->group_path, st.st_uid, st.st_gid));

	EXPECT_EQ(0, run.status) TH_LOG("stderr: %s", run.err);
	ASSERT_NE(NULL, run.json) TH_LOG("not JSON: %s", run.out);
	dev = find_device(run.json, self->group_id, self->bdf, &group);
	ASSERT_NE(NULL, dev);
	EXPECT_TRUE(json_true(group, "opened"));
	EXPECT_TRUE(json_true(dev, "opened"));
	EXPECT_LT(0, json_array_len(dev, "regions"));
	lsvfio_run_free(&run);
}

TEST_HARNESS_MAIN
