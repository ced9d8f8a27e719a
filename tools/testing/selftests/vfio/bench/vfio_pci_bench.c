// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio_pci_bench - two latencies of a vfio-pci device, for comparing VFIO
 * implementations (not a test: it passes whatever the numbers).
 *
 *   msi: edu raises an MSI (a write to its raise register through
 *	  pwrite), the user reads it from the eventfd, acknowledges it
 *   pread4: a 4-byte pread of an edu register
 *
 * Usage: vfio_pci_bench BDF [ROUNDS [ITERATIONS]]
 * Prints, for each, the minimum and the median over ROUNDS rounds of the
 * mean time of ITERATIONS operations, in nanoseconds:
 *   bench msi_ns min=N median=N
 *   bench pread4_ns min=N median=N
 * Timings under TCG are noisy: pin the program and the interrupt to one
 * CPU and compare minimums.
 */
#include <time.h>

#include "../vfio_pci_util.h"

#define MAX_ROUNDS	64

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void report(const char *name, uint64_t *samples, int rounds)
{
	qsort(samples, rounds, sizeof(*samples), cmp_u64);
	printf("bench %s min=%llu median=%llu\n", name,
	       (unsigned long long)samples[0],
	       (unsigned long long)samples[rounds / 2]);
}

/* One MSI round trip; 0 or -1 if the MSI never came. */
static int msi_round_trip(struct vpt_device *d, int efd)
{
	if (vpt_bar_write32(d, 0, EDU_IRQ_RAISE, 1))
		return -1;
	if (vpt_eventfd_wait(efd, EVENT_TIMEOUT_MS) <= 0) {
		fprintf(stderr, "the MSI did not arrive\n");
		return -1;
	}
	return vpt_bar_write32(d, 0, EDU_IRQ_ACK, 1);
}

int main(int argc, char **argv)
{
	uint64_t msi[MAX_ROUNDS], rd[MAX_ROUNDS], t;
	int rounds = argc > 2 ? atoi(argv[2]) : 5;
	int iters = argc > 3 ? atoi(argv[3]) : 1000;
	struct vpt_binding binding;
	struct vpt_device dev;
	int32_t efd;
	uint32_t val;
	uint16_t cmd;
	int r, i, ret;

	if (argc < 2 || rounds < 1 || rounds > MAX_ROUNDS || iters < 1) {
		fprintf(stderr, "usage: %s BDF [ROUNDS [ITERATIONS]]\n",
			argv[0]);
		return 2;
	}

	ret = vpt_bind(argv[1], &binding);
	if (!ret)
		ret = vpt_open(argv[1], &dev);
	if (ret) {
		fprintf(stderr, "%s: cannot open %s: %s\n", argv[0], argv[1],
			strerror(-ret));
		return 1;
	}

	efd = eventfd(0, EFD_CLOEXEC);
	cmd = vpt_cfg_read16(&dev, PCI_COMMAND);
	if (efd < 0 ||
	    vpt_irq_eventfds(dev.fd, VFIO_PCI_MSI_IRQ_INDEX, 0, 1, &efd) ||
	    vpt_cfg_write16(&dev, PCI_COMMAND, cmd | PCI_COMMAND_MASTER)) {
		perror("enabling MSI");
		return 1;
	}

	/* Warm up: fault in, let the first interrupts settle. */
	for (i = 0; i < 10; i++)
		if (msi_round_trip(&dev, efd))
			return 1;

	for (r = 0; r < rounds; r++) {
		t = now_ns();
		for (i = 0; i < iters; i++)
			if (msi_round_trip(&dev, efd))
				return 1;
		msi[r] = (now_ns() - t) / iters;

		t = now_ns();
		for (i = 0; i < iters * 10; i++)
			if (pread(dev.fd, &val, 4, REGION_OFFSET(0) + EDU_ID) != 4)
				return 1;
		rd[r] = (now_ns() - t) / (iters * 10);
	}

	report("msi_ns", msi, rounds);
	report("pread4_ns", rd, rounds);

	vpt_irq_disable(dev.fd, VFIO_PCI_MSI_IRQ_INDEX);
	close(efd);
	vpt_close(&dev);
	vpt_unbind(&binding);
	return 0;
}
