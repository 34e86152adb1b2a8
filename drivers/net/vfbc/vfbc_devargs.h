/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfbc authors
 */

#ifndef VFBC_DEVARGS_H
#define VFBC_DEVARGS_H

/**
 * @file
 * rte_kvargs handlers shared by the PF and VF devargs parsers. Each one logs
 * the device, key, value and what was expected before it fails.
 */

#include <stddef.h>
#include <stdint.h>

#include <rte_kvargs.h>

/** Target of vfbc_kvarg_u32(). */
struct vfbc_u32_arg {
	const char *dev;
	uint32_t *val;
	uint32_t min;
	uint32_t max;
};

/** Target of vfbc_kvarg_string(). */
struct vfbc_string_arg {
	const char *dev;
	char *buf;
	size_t size;
};

/** Unsigned integer (decimal, 0x hex) within [min, max]. */
int vfbc_kvarg_u32(const char *key, const char *value, void *opaque);
/** Non-empty string that fits. */
int vfbc_kvarg_string(const char *key, const char *value, void *opaque);

/**
 * Parse @p args with @p keys; on an unknown key log them all.
 * @return the list (free with rte_kvargs_free) or NULL.
 */
struct rte_kvargs *vfbc_kvargs_parse(const char *dev, const char *args,
		const char *const keys[]);

/** Process @p key, if present, with @p handler. @return 0 or -EINVAL. */
int vfbc_kvargs_apply(struct rte_kvargs *kvlist, const char *key, arg_handler_t handler,
		void *opaque);

#endif /* VFBC_DEVARGS_H */
