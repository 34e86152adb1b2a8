/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfbc authors
 *
 * Read-only PF queries of rte_pmd_vfbc.h: a VF's blocks and the state of its
 * mailbox, for tools such as testpmd that show what the PF holds.
 */

#include <string.h>

#include "rte_pmd_vfbc.h"
#include "vfbc_pf.h"

_Static_assert(RTE_PMD_VFBC_MAX_BLOCK_SIZE == VFBC_SLOT_DATA_MAX, "largest block");

/* VF @p vf of the PF behind @p port_id, NULL with *err set if there is none. */
static struct vfbc_pf_vf *
query_vf(uint16_t port_id, uint16_t vf, int *err)
{
	struct vfbc_pf *pf = vfbc_pf_from_port(port_id);

	*err = 0;
	if (pf == NULL || pf->vfs == NULL)
		*err = -ENOTSUP;
	else if (vf >= pf->num_vfs)
		*err = -EINVAL;
	return *err == 0 ? &pf->vfs[vf] : NULL;
}

int
rte_pmd_vfbc_pf_get_block_info(uint16_t port_id, uint16_t vf, uint32_t index,
		struct rte_pmd_vfbc_block_info *info)
{
	struct vfbc_block_info bi;
	struct vfbc_pf_vf *v;
	int ret;

	v = query_vf(port_id, vf, &ret);
	if (v == NULL)
		return ret;
	if (info == NULL)
		return -EINVAL;
	if (vfbc_store_list(&v->store, index, &bi, 1) == 0)
		return -ENOENT;
	*info = (struct rte_pmd_vfbc_block_info){
		.block_id = bi.id,
		.capacity = bi.capacity,
		.len = bi.len,
		.flags = bi.flags,
		.version = bi.version,
	};
	return 0;
}

/* The service is the single writer of these: relaxed loads only keep each
 * value whole, which is all a reader on another lcore needs.
 */
#define RELAXED_LOAD(x) __atomic_load_n(&(x), __ATOMIC_RELAXED)

static void
fill_counters(const struct vfbc_pf_mbox_stats *s, struct rte_pmd_vfbc_vf_stats *out)
{
	out->attaches = RELAXED_LOAD(s->attaches);
	out->requests = RELAXED_LOAD(s->requests);
	out->reads = RELAXED_LOAD(s->reads);
	out->writes = RELAXED_LOAD(s->writes);
	out->completions = RELAXED_LOAD(s->completions);
	out->wakeups = RELAXED_LOAD(s->wakeups);
	out->ok = RELAXED_LOAD(s->status[VFBC_ST_OK]);
	out->err_noent = RELAXED_LOAD(s->status[VFBC_ST_NOENT]);
	out->err_access = RELAXED_LOAD(s->status[VFBC_ST_ACCES]);
	out->err_denied = RELAXED_LOAD(s->status[VFBC_ST_DENIED]);
	out->err_msgsize = RELAXED_LOAD(s->status[VFBC_ST_MSGSIZE]);
	out->err_inval = RELAXED_LOAD(s->status[VFBC_ST_INVAL]);
	out->err_proto = RELAXED_LOAD(s->status[VFBC_ST_PROTO]);
}

int
rte_pmd_vfbc_pf_get_vf_stats(uint16_t port_id, uint16_t vf, struct rte_pmd_vfbc_vf_stats *stats)
{
	struct vfbc_pf_mbox *mb;
	struct vfbc_pf_vf *v;
	int ret;

	v = query_vf(port_id, vf, &ret);
	if (v == NULL)
		return ret;
	if (stats == NULL)
		return -EINVAL;
	mb = &v->mbox;
	memset(stats, 0, sizeof(*stats));
	rte_spinlock_lock(&v->store.lock);
	stats->nb_blocks = v->store.count;
	rte_spinlock_unlock(&v->store.lock);
	stats->attached = RELAXED_LOAD(mb->attached) && !RELAXED_LOAD(mb->peer_gone) ? 1 : 0;
	stats->proto_version = RELAXED_LOAD(mb->proto_version);
	stats->next_seq = RELAXED_LOAD(mb->next_seq);
	/* Written by the PF and fetched by the VF: a plain value, never trusted. */
	stats->inval_pending = __atomic_load_n(&mb->region->hdr->pf.inval_mask,
			__ATOMIC_RELAXED);
	fill_counters(&mb->stats, stats);
	return 0;
}
