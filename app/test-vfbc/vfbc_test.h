/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfbc authors
 */

#ifndef VFBC_TEST_H
#define VFBC_TEST_H

/**
 * @file
 * Minimal test harness shared by the vfbc test programs.
 * A case returns 0 on success; VT_CHECK reports the first failed assertion.
 * vt_run() prints "PASS name" / "FAIL name" lines and ends with the line
 * "N passed, N failed" that the test runner and CI read.
 */

#include <stdio.h>
#include <string.h>

struct vt_case {
	const char *name;
	int (*fn)(void);
};

#define VT_CHECK(cond, ...) do { \
	if (!(cond)) { \
		printf("    %s:%d: check failed: %s: ", __FILE__, __LINE__, #cond); \
		printf(__VA_ARGS__); \
		printf("\n"); \
		return -1; \
	} \
} while (0)

#define VT_EQ(a, b) do { \
	long long va_ = (long long)(a), vb_ = (long long)(b); \
	VT_CHECK(va_ == vb_, "%s = %lld, expected %s = %lld", #a, va_, #b, vb_); \
} while (0)

/** Run the cases whose name contains @p filter (all if NULL). @return failures. */
static inline int
vt_run(const char *suite, const struct vt_case *cases, unsigned int n, const char *filter)
{
	unsigned int i, passed = 0, failed = 0;

	for (i = 0; i < n; i++) {
		if (filter != NULL && strstr(cases[i].name, filter) == NULL)
			continue;
		fflush(stdout);
		if (cases[i].fn() == 0) {
			printf("PASS %s/%s\n", suite, cases[i].name);
			passed++;
		} else {
			printf("FAIL %s/%s\n", suite, cases[i].name);
			failed++;
		}
		fflush(stdout);
	}
	printf("%u passed, %u failed\n", passed, failed);
	return (int)failed;
}

#endif /* VFBC_TEST_H */
