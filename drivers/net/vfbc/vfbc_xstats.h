/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfbc authors
 */

#ifndef VFBC_XSTATS_H
#define VFBC_XSTATS_H

/**
 * @file
 * What the vfbc ports show about themselves: extended statistics, the
 * private dump (rte_eth_dev_priv_dump) and, through both, telemetry.
 * The xstats ops serve PF and VF ports alike: they look at vfbc_port.is_pf.
 */

#include <stdio.h>

#include "vfbc_ethdev.h"
#include "vfbc_pf.h"
#include "vfbc_vf.h"

int vfbc_xstats_get(struct rte_eth_dev *dev, struct rte_eth_xstat *xstats, unsigned int n);
int vfbc_xstats_get_names(struct rte_eth_dev *dev, struct rte_eth_xstat_name *names,
		unsigned int size);
int vfbc_xstats_get_by_id(struct rte_eth_dev *dev, const uint64_t *ids, uint64_t *values,
		unsigned int n);
int vfbc_xstats_get_names_by_id(struct rte_eth_dev *dev, const uint64_t *ids,
		struct rte_eth_xstat_name *names, unsigned int size);
/** Reset the xstats and the basic stats. @return 0. */
int vfbc_xstats_reset(struct rte_eth_dev *dev);

/** Mailbox counters the PF keeps per VF, in the order the xstats list them. */
enum vfbc_pf_vf_xstat {
	VFBC_PF_VF_XSTAT_ATTACHES,
	VFBC_PF_VF_XSTAT_REQUESTS,
	VFBC_PF_VF_XSTAT_READS,
	VFBC_PF_VF_XSTAT_WRITES,
	VFBC_PF_VF_XSTAT_COMPLETIONS,
	VFBC_PF_VF_XSTAT_WAKEUPS,
	VFBC_PF_VF_XSTAT_ERRORS,          /**< completions with any error status */
	VFBC_PF_VF_XSTAT_NOT_FOUND,       /**< then one per error status on the wire */
	VFBC_PF_VF_XSTAT_ACCESS_DENIED,
	VFBC_PF_VF_XSTAT_TOO_BIG,
	VFBC_PF_VF_XSTAT_INVALID,
	VFBC_PF_VF_XSTAT_PROTOCOL,
	VFBC_PF_VF_XSTAT_DENIED_BY_POLICY,
	VFBC_PF_VF_XSTAT_CHUNKS,          /**< chunk requests: blocks larger than a slot */
	VFBC_PF_VF_XSTAT_STAGED_DROPS,    /**< staged writes dropped unfinished */
	VFBC_PF_VF_XSTAT_DEFERRED,        /**< parked for the application's decision */
	VFBC_PF_VF_XSTAT_RATE_LIMITED,
	VFBC_PF_VF_XSTAT_OVER_LIMIT,
	VFBC_PF_VF_XSTAT_QUARANTINES,
	VFBC_PF_VF_XSTAT_MAX,
};

/** xstat name of a per-VF counter, without the "vf<n>_" prefix. */
const char *vfbc_pf_vf_xstat_name(enum vfbc_pf_vf_xstat k);
/** A VF's counter as the PF's xstats show it: since the last xstats reset. */
uint64_t vfbc_pf_vf_xstat(const struct vfbc_pf_vf *v, enum vfbc_pf_vf_xstat k);

/** .eth_dev_priv_dump of a PF port. @return 0. */
int vfbc_pf_priv_dump(struct rte_eth_dev *dev, FILE *f);
/** .eth_dev_priv_dump of a VF port. @return 0. */
int vfbc_vf_priv_dump(struct rte_eth_dev *dev, FILE *f);

/* Words shared by the dump and telemetry. */
const char *vfbc_poll_mode_name(enum vfbc_pf_poll_mode mode);
const char *vfbc_pf_state_name(uint32_t state);
const char *vfbc_rights_name(uint32_t flags);
/** Blocks defined for a VF. */
uint32_t vfbc_pf_vf_nb_blocks(struct vfbc_pf_vf *v);
/** Whether the PF's control thread serves the mailboxes. */
bool vfbc_pf_thread_runs(const struct vfbc_pf *pf);

#endif /* VFBC_XSTATS_H */
