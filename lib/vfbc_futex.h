/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfbc authors
 */

#ifndef VFBC_FUTEX_H
#define VFBC_FUTEX_H

/**
 * @file
 * Futex wait/wake on 32-bit words of a shared mapping, and monotonic time.
 * Process-shared futexes: the PF and the VF are usually different processes.
 */

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <time.h>
#include <unistd.h>
#include <linux/futex.h>
#include <sys/syscall.h>

#define VFBC_NS_PER_SEC UINT64_C(1000000000)

/** Nanoseconds of CLOCK_MONOTONIC. */
static inline uint64_t
vfbc_time_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * VFBC_NS_PER_SEC + (uint64_t)ts.tv_nsec;
}

/**
 * Sleep while *word == expected, at most @p timeout_ns.
 * @return 0 when woken or the value differed, -ETIMEDOUT, -EINTR.
 */
static inline int
vfbc_futex_wait(uint32_t *word, uint32_t expected, uint64_t timeout_ns)
{
	struct timespec ts = {
		.tv_sec = (time_t)(timeout_ns / VFBC_NS_PER_SEC),
		.tv_nsec = (long)(timeout_ns % VFBC_NS_PER_SEC),
	};

	if (syscall(SYS_futex, word, FUTEX_WAIT, expected, &ts, NULL, 0) == 0)
		return 0;
	if (errno == EAGAIN)
		return 0;
	return -errno;
}

/** Wake every thread sleeping on @p word. */
static inline void
vfbc_futex_wake_all(uint32_t *word)
{
	syscall(SYS_futex, word, FUTEX_WAKE, INT_MAX, NULL, NULL, 0);
}

/** Bump a doorbell word and wake its sleepers. */
static inline void
vfbc_doorbell_ring(uint32_t *word)
{
	__atomic_fetch_add(word, 1, __ATOMIC_RELEASE);
	vfbc_futex_wake_all(word);
}

#endif /* VFBC_FUTEX_H */
