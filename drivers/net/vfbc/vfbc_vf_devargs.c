/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfbc authors
 */

#include <errno.h>
#include <string.h>

#include "rte_pmd_vfbc.h"
#include "vfbc_devargs.h"
#include "vfbc_vf.h"

#define VFBC_VF_ARG_PF "pf"
#define VFBC_VF_ARG_VF "vf"
#define VFBC_VF_ARG_TIMEOUT_MS "timeout_ms"
#define VFBC_VF_ARG_SPIN_US "spin_us"
#define VFBC_VF_ARG_REGION_DIR "region_dir"

#define VFBC_VF_TIMEOUT_MS_DEFAULT 1000
#define VFBC_VF_TIMEOUT_MS_MAX 3600000

static const char *const vfbc_vf_keys[] = {
	VFBC_VF_ARG_PF,
	VFBC_VF_ARG_VF,
	VFBC_VF_ARG_TIMEOUT_MS,
	VFBC_VF_ARG_SPIN_US,
	VFBC_VF_ARG_REGION_DIR,
	NULL,
};

int
vfbc_vf_parse_devargs(const char *name, const char *args, struct vfbc_vf_params *p)
{
	struct vfbc_string_arg s_pf = { name, p->pf, sizeof(p->pf) };
	struct vfbc_string_arg s_dir = { name, p->region_dir, sizeof(p->region_dir) };
	struct vfbc_u32_arg u_vf = { name, &p->vf, 0, RTE_PMD_VFBC_MAX_VFS - 1 };
	struct vfbc_u32_arg u_timeout = { name, &p->timeout_ms, 1, VFBC_VF_TIMEOUT_MS_MAX };
	struct vfbc_u32_arg u_spin = { name, &p->spin_us, 0, 1000000 };
	struct rte_kvargs *kvlist;
	int ret;

	memset(p, 0, sizeof(*p));
	p->timeout_ms = VFBC_VF_TIMEOUT_MS_DEFAULT;
	p->spin_us = VFBC_SPIN_NS_DEFAULT / 1000;
	strcpy(p->region_dir, VFBC_REGION_DIR_DEFAULT);
	kvlist = vfbc_kvargs_parse(name, args, vfbc_vf_keys);
	if (kvlist == NULL)
		return -EINVAL;
	if (rte_kvargs_count(kvlist, VFBC_VF_ARG_PF) != 1 ||
			rte_kvargs_count(kvlist, VFBC_VF_ARG_VF) != 1) {
		VFBC_LOG(ERR, "%s: devargs need exactly one pf=<PF device name> and one vf=<index>",
				name);
		rte_kvargs_free(kvlist);
		return -EINVAL;
	}
	ret = vfbc_kvargs_apply(kvlist, VFBC_VF_ARG_PF, vfbc_kvarg_string, &s_pf);
	ret |= vfbc_kvargs_apply(kvlist, VFBC_VF_ARG_VF, vfbc_kvarg_u32, &u_vf);
	ret |= vfbc_kvargs_apply(kvlist, VFBC_VF_ARG_TIMEOUT_MS, vfbc_kvarg_u32, &u_timeout);
	ret |= vfbc_kvargs_apply(kvlist, VFBC_VF_ARG_SPIN_US, vfbc_kvarg_u32, &u_spin);
	ret |= vfbc_kvargs_apply(kvlist, VFBC_VF_ARG_REGION_DIR, vfbc_kvarg_string, &s_dir);
	rte_kvargs_free(kvlist);
	return ret != 0 ? -EINVAL : 0;
}
