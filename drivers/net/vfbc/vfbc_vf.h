/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfbc authors
 */

#ifndef VFBC_VF_H
#define VFBC_VF_H

#include <limits.h>
#include <pthread.h>
#include <stdbool.h>

#include "vfbc_ethdev.h"
#include "vfbc_mbox.h"

#define VFBC_VF_DRIVER_NAME net_vfbc_vf

struct vfbc_vf_params {
	char pf[RTE_DEV_NAME_MAX_LEN];
	uint32_t vf;
	uint32_t timeout_ms;
	uint32_t spin_us;
	char region_dir[PATH_MAX];
};

/** Private data of a VF port. */
struct vfbc_vf {
	struct vfbc_port port; /* first: common ethdev code casts to it */
	struct rte_eth_dev *dev;
	struct vfbc_vf_params params;
	uint64_t timeout_ns;
	struct vfbc_region region;
	struct vfbc_vf_mbox mbox;
	/** mbox.stats at the last xstats reset, which reads subtract. */
	struct vfbc_vf_mbox_stats xstats_base;
	pthread_t monitor;
	bool monitor_running;
	bool closed;
};

/** Parse VF devargs into @p p (defaults first). @return 0 or -EINVAL. */
int vfbc_vf_parse_devargs(const char *name, const char *args, struct vfbc_vf_params *p);

/** VF private data of @p port_id, NULL if it is not a vfbc VF port. */
struct vfbc_vf *vfbc_vf_from_port(uint16_t port_id);

#endif /* VFBC_VF_H */
