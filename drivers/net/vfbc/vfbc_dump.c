/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfbc authors
 *
 * rte_eth_dev_priv_dump() of the vfbc ports: the settings and the mailbox
 * state a user needs to tell why a VF gets no answer. The service and the VF
 * threads change that state meanwhile: each value is read whole, the whole is
 * no snapshot.
 */

#include <inttypes.h>

#include "vfbc_pring.h"
#include "vfbc_xstats.h"

#define LOAD(x) __atomic_load_n(&(x), __ATOMIC_RELAXED)

const char *
vfbc_poll_mode_name(enum vfbc_pf_poll_mode mode)
{
	switch (mode) {
	case VFBC_POLL_AUTO:
		return "auto";
	case VFBC_POLL_SERVICE:
		return "service";
	case VFBC_POLL_THREAD:
		return "thread";
	}
	return "unknown";
}

const char *
vfbc_pf_state_name(uint32_t state)
{
	switch (state) {
	case VFBC_PF_STATE_INIT:
		return "init";
	case VFBC_PF_STATE_READY:
		return "ready";
	case VFBC_PF_STATE_GONE:
		return "gone";
	}
	return "unknown";
}

/* As the block= devarg spells them. */
const char *
vfbc_rights_name(uint32_t flags)
{
	switch (flags & VFBC_BLOCK_FLAGS_ALL) {
	case VFBC_BLOCK_VF_READ:
		return "r";
	case VFBC_BLOCK_VF_WRITE:
		return "w";
	case VFBC_BLOCK_FLAGS_ALL:
		return "rw";
	}
	return "none";
}

uint32_t
vfbc_pf_vf_nb_blocks(struct vfbc_pf_vf *v)
{
	uint32_t n;

	rte_spinlock_lock(&v->store.lock);
	n = v->store.count;
	rte_spinlock_unlock(&v->store.lock);
	return n;
}

bool
vfbc_pf_thread_runs(const struct vfbc_pf *pf)
{
	return __atomic_load_n(&pf->thread_running, __ATOMIC_ACQUIRE);
}

/*
 * The indexes of a region's rings as they are in shared memory now: a
 * snapshot for a human, read once each and never acted upon.
 */
static void
dump_rings(FILE *f, const char *indent, uint8_t *area, const struct vfbc_pring_geom *g)
{
	uint32_t q, dir;

	if (area == NULL || g->nb_pairs == 0)
		return;
	fprintf(f, "%srings: %u pairs of %u slots of %u bytes\n", indent, g->nb_pairs,
			g->slots, g->buf_size);
	for (q = 0; q < g->nb_pairs; q++) {
		for (dir = VFBC_RING_DIR_TO_PF; dir <= VFBC_RING_DIR_TO_VF; dir++) {
			struct vfbc_pring r;

			vfbc_pring_map(&r, area, g, vfbc_pring_index(q, dir));
			fprintf(f, "%sring q%u %s: prod %u, cons %u, ready %u\n", indent, q,
					dir == VFBC_RING_DIR_TO_PF ? "to_pf" : "to_vf",
					LOAD(r.p->prod), LOAD(r.c->cons), LOAD(r.c->ready));
		}
	}
}

static void
pf_dump_vf(FILE *f, struct vfbc_pf_vf *v, uint16_t idx, const struct vfbc_pring_geom *g)
{
	const struct vfbc_pf_mbox *mb = &v->mbox;

	fprintf(f, "  vf%u:\n", idx);
	fprintf(f, "    region: %s\n", v->region.path);
	fprintf(f, "    attached: %s\n", LOAD(mb->attached) ? "yes" : "no");
	fprintf(f, "    proto_version: %u\n", LOAD(mb->proto_version));
	fprintf(f, "    next_seq: %u\n", LOAD(mb->next_seq));
	fprintf(f, "    blocks: %u\n", vfbc_pf_vf_nb_blocks(v));
	fprintf(f, "    quarantined: %s\n", vfbc_pf_vf_quarantined(v) ? "yes" : "no");
	fprintf(f, "    deciding: %s\n", LOAD(mb->parked) ? "yes" : "no");
	fprintf(f, "    invalidated_pending: %#" PRIx64 "\n",
			__atomic_load_n(&v->region.hdr->pf.inval_mask, __ATOMIC_RELAXED));
	dump_rings(f, "    ", v->region.ring_area, g);
}

int
vfbc_pf_priv_dump(struct rte_eth_dev *dev, FILE *f)
{
	struct vfbc_pf *pf = dev->data->dev_private;
	const struct vfbc_pf_params *p = &pf->params;
	uint16_t i;

	fprintf(f, "%s: vfbc PF, port %u\n", dev->data->name, dev->data->port_id);
	fprintf(f, "  num_vfs: %u\n", pf->num_vfs);
	fprintf(f, "  region_dir: %s\n", p->region_dir);
	fprintf(f, "  mbox_depth: %u\n", p->mbox_depth);
	fprintf(f, "  max_block_size: %u\n", p->max_block_size);
	fprintf(f, "  mbox_slot_size: %u\n", p->mbox_slot_size);
	fprintf(f, "  max_blocks: %u\n", p->max_blocks);
	fprintf(f, "  mbox_burst: %u\n", p->mbox_burst);
	fprintf(f, "  notify_reads: %u\n", p->notify_reads ? 1 : 0);
	fprintf(f, "  poll: %s\n", vfbc_poll_mode_name(p->poll));
	fprintf(f, "  store: %s\n", p->store_dir[0] != '\0' ? p->store_dir : "none");
	fprintf(f, "  decide: %s\n", p->decide_async ? "async" : "sync");
	if (p->decide_async)
		fprintf(f, "  decide_threads: %u\n", p->decide_threads);
	fprintf(f, "  vf_rate: %u\n", p->vf_rate);
	fprintf(f, "  vf_burst: %u\n", p->vf_burst != 0 || p->vf_rate == 0 ? p->vf_burst :
			RTE_MAX(p->vf_rate / 10, 1u));
	fprintf(f, "  vf_outstanding: %u\n", p->vf_outstanding);
	fprintf(f, "  quarantine_after: %u\n", p->quarantine_after);
	if (pf->service_registered)
		fprintf(f, "  service_id: %u\n", pf->service_id);
	else
		fprintf(f, "  service_id: none\n");
	fprintf(f, "  control_thread: %s\n", vfbc_pf_thread_runs(pf) ? "running" : "no");
	if (pf->vfs == NULL)
		return 0;
	for (i = 0; i < pf->num_vfs; i++)
		pf_dump_vf(f, &pf->vfs[i], i, &p->rings);
	return 0;
}

int
vfbc_vf_priv_dump(struct rte_eth_dev *dev, FILE *f)
{
	struct vfbc_vf *vf = dev->data->dev_private;
	const struct vfbc_vf_mbox *mb = &vf->mbox;
	uint32_t state = VFBC_PF_STATE_GONE;

	rte_rwlock_read_lock(&vf->conn_lock);
	if (vf->region.hdr != NULL)
		state = __atomic_load_n(&vf->region.hdr->pf.pf_state, __ATOMIC_ACQUIRE);
	fprintf(f, "%s: vfbc VF, port %u\n", dev->data->name, dev->data->port_id);
	fprintf(f, "  pf: %s\n", vf->params.pf);
	fprintf(f, "  vf: %u\n", vf->params.vf);
	fprintf(f, "  timeout_ms: %u\n", vf->params.timeout_ms);
	fprintf(f, "  spin_us: %u\n", vf->params.spin_us);
	fprintf(f, "  region: %s\n", vf->region.path);
	fprintf(f, "  attached: %s\n", LOAD(mb->attached) ? "yes" : "no");
	fprintf(f, "  proto_version: %u\n", LOAD(mb->proto_version));
	fprintf(f, "  next_seq: %u\n", LOAD(mb->next_seq));
	fprintf(f, "  pf_state: %s\n", vfbc_pf_state_name(state));
	fprintf(f, "  gone: %s\n", LOAD(mb->gone) ? "yes" : "no");
	fprintf(f, "  reconnects: %" PRIu64 "\n", LOAD(vf->reconnects));
	dump_rings(f, "  ", vf->region.ring_area, &vf->region.rings);
	rte_rwlock_read_unlock(&vf->conn_lock);
	return 0;
}
