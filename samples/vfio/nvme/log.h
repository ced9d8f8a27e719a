/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Messages of the sample NVMe driver.  Progress goes to stdout; errors and
 * the hints that say how to fix them go to stderr, so that a failed run
 * still reads as one story when both end up on the same console.
 */
#ifndef SAMPLE_NVME_LOG_H
#define SAMPLE_NVME_LOG_H

#include <stdio.h>

/* An error: what went wrong, in terms of what the user asked for. */
#define pr_err(fmt, ...) \
	fprintf(stderr, "vfio-nvme: error: " fmt "\n", ##__VA_ARGS__)

/* A line under an error saying what to do about it. */
#define pr_hint(fmt, ...) \
	fprintf(stderr, "vfio-nvme:   " fmt "\n", ##__VA_ARGS__)

/* A detail under the current step. */
#define pr_info(fmt, ...) \
	printf("      " fmt "\n", ##__VA_ARGS__)

#endif /* SAMPLE_NVME_LOG_H */
