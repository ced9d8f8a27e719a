/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Register access and memory ordering for a device driven from userspace.
 *
 * Registers live in an mmap'ed BAR, queues in ordinary memory that the
 * device reads and writes behind the compiler's back.  Every access to
 * either must happen exactly once, at full width, where the program says:
 * relaxed atomic loads and stores give that (the compiler may not split,
 * invent or cache them) without claiming any ordering.  Ordering between
 * queue memory and the doorbells is the barriers' job.
 */
#ifndef SAMPLE_NVME_MMIO_H
#define SAMPLE_NVME_MMIO_H

#include <linux/types.h>

static inline __u32 mmio_read32(const void *base, __u32 offset)
{
	return __atomic_load_n((const __u32 *)((const char *)base + offset),
			       __ATOMIC_RELAXED);
}

static inline void mmio_write32(void *base, __u32 offset, __u32 value)
{
	__atomic_store_n((__u32 *)((char *)base + offset), value,
			 __ATOMIC_RELAXED);
}

/*
 * 64-bit registers as two 32-bit halves, low first: the NVMe specification
 * allows that, and not every platform can issue 64-bit MMIO.
 */
static inline __u64 mmio_read64(const void *base, __u32 offset)
{
	__u64 low = mmio_read32(base, offset);

	return low | (__u64)mmio_read32(base, offset + 4) << 32;
}

static inline void mmio_write64(void *base, __u32 offset, __u64 value)
{
	mmio_write32(base, offset, (__u32)value);
	mmio_write32(base, offset + 4, (__u32)(value >> 32));
}

/* A 16-bit field the device writes into queue memory. */
static inline __u16 dma_read16(const __u16 *field)
{
	return __atomic_load_n(field, __ATOMIC_RELAXED);
}

/*
 * dma_wmb(): our writes to a queue entry reach memory before the doorbell
 * write that tells the device to read them.
 * dma_rmb(): once a completion's phase tag says it is new, the rest of the
 * entry we read is what the device wrote, not older contents.
 * x86 keeps stores in order and loads in order, even towards uncached
 * MMIO, so only the compiler must be held back there; arm64 needs
 * barriers that reach the device's (outer shareable) domain.
 */
static inline void dma_wmb(void)
{
#if defined(__x86_64__)
	__asm__ __volatile__("" : : : "memory");
#elif defined(__aarch64__)
	__asm__ __volatile__("dmb oshst" : : : "memory");
#else
	__sync_synchronize();
#endif
}

static inline void dma_rmb(void)
{
#if defined(__x86_64__)
	__asm__ __volatile__("" : : : "memory");
#elif defined(__aarch64__)
	__asm__ __volatile__("dmb oshld" : : : "memory");
#else
	__sync_synchronize();
#endif
}

#endif /* SAMPLE_NVME_MMIO_H */
