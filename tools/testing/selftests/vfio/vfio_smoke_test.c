// SPDX-License-Identifier: GPL-2.0-only
/*
 * Stand-in for the real VFIO selftests: the smallest check that the test
 * harness can load VFIO, run a kselftest_harness program in the VM and
 * bring its verdict back to the host.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/vfio.h>

#include "kselftest_harness.h"

TEST(container_reports_api_version)
{
	int fd = open("/dev/vfio/vfio", O_RDWR | O_CLOEXEC);

	if (fd < 0)
		SKIP(return, "/dev/vfio/vfio: %s", strerror(errno));
	EXPECT_EQ(VFIO_API_VERSION, ioctl(fd, VFIO_GET_API_VERSION));
	close(fd);
}

TEST_HARNESS_MAIN
