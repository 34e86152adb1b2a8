/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfbc authors
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vfbc_devargs.h"
#include "vfbc_ethdev.h"

int
vfbc_kvarg_u32(const char *key, const char *value, void *opaque)
{
	const struct vfbc_u32_arg *arg = opaque;
	unsigned long long v;
	char *end;

	errno = 0;
	v = (value != NULL && value[0] != '-') ? strtoull(value, &end, 0) : 0;
	if (value == NULL || value[0] == '-' || value[0] == '\0' || *end != '\0' ||
			errno != 0 || v < arg->min || v > arg->max) {
		VFBC_LOG(ERR, "%s: invalid %s=%s: expected an integer in [%u, %u]",
				arg->dev, key, value ? value : "", arg->min, arg->max);
		return -EINVAL;
	}
	*arg->val = (uint32_t)v;
	return 0;
}

int
vfbc_kvarg_string(const char *key, const char *value, void *opaque)
{
	const struct vfbc_string_arg *arg = opaque;

	if (value == NULL || value[0] == '\0' || strlen(value) >= arg->size) {
		VFBC_LOG(ERR, "%s: invalid %s=%s: expected a non-empty string under %zu bytes",
				arg->dev, key, value ? value : "", arg->size);
		return -EINVAL;
	}
	strcpy(arg->buf, value);
	return 0;
}

struct rte_kvargs *
vfbc_kvargs_parse(const char *dev, const char *args, const char *const keys[])
{
	struct rte_kvargs *kvlist = rte_kvargs_parse(args ? args : "", keys);
	char valid[256] = "";
	size_t i;

	if (kvlist != NULL)
		return kvlist;
	for (i = 0; keys[i] != NULL; i++) {
		strncat(valid, i ? ", " : "", sizeof(valid) - strlen(valid) - 1);
		strncat(valid, keys[i], sizeof(valid) - strlen(valid) - 1);
	}
	VFBC_LOG(ERR, "%s: cannot parse devargs \"%s\": valid keys are %s", dev, args, valid);
	return NULL;
}

int
vfbc_kvargs_apply(struct rte_kvargs *kvlist, const char *key, arg_handler_t handler,
		void *opaque)
{
	if (rte_kvargs_count(kvlist, key) == 0)
		return 0;
	return rte_kvargs_process(kvlist, key, handler, opaque) < 0 ? -EINVAL : 0;
}
