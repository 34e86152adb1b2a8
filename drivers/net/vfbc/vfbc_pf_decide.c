/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfbc authors
 *
 * The PF application's decisions, off the service. With decide=async (the
 * default), a VF request that needs the application's decision is parked in
 * its VF's mailbox, which serves that VF nothing else meanwhile (requests are
 * served in sequence order), and handed through an rte_ring to a control
 * threads (decide_threads of them) that raise RTE_ETH_EVENT_VF_MBOX. The
 * verdict comes back through a second ring, which the service drains at every
 * run to complete the parked request. A slow callback therefore delays only
 * the requests of the VF whose request it decides: the service goes on
 * serving every other VF, and the other decision threads decide for them.
 *
 * Each VF has at most one request parked, so rings of num_vfs entries never
 * fill, and one decision record per VF is enough: the service fills it before
 * the enqueue, a thread after the dequeue, each handing it over by the ring.
 */

#include <semaphore.h>
#include <string.h>

#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_ring.h>

#include "vfbc_pf.h"

/* Raise RTE_ETH_EVENT_VF_MBOX. @return 0 to proceed, non-zero to deny. */
static int
ask_application(struct rte_eth_dev *dev, uint16_t vf, const struct vfbc_pf_request *req,
		const void *data)
{
	struct rte_pmd_vfbc_mb_event_param p = {
		.vf = vf,
		.op = req->opcode == VFBC_OP_WRITE ? RTE_PMD_VFBC_MB_OP_WRITE :
			RTE_PMD_VFBC_MB_OP_READ,
		.block_id = req->block_id,
		.len = req->len,
		.data = data,
		.retval = RTE_PMD_VFBC_MB_EVENT_PROCEED,
	};

	rte_eth_dev_callback_process(dev, RTE_ETH_EVENT_VF_MBOX, &p);
	return p.retval != RTE_PMD_VFBC_MB_EVENT_PROCEED;
}

/*
 * A VF may change only the MTU in its VPort block, within max_mtu: the port
 * VLAN, the link and the limits are the PF's. The VF's driver writes the
 * block as it last read it with a new MTU; anything else is refused before
 * the application is asked.
 */
static bool
vport_write_ok(struct vfbc_pf *pf, uint16_t vf, const struct vfbc_pf_request *req,
		const void *data)
{
	struct rte_pmd_vfbc_vport_block cur, want;

	if (req->len != sizeof(want) ||
			vfbc_store_get(&pf->vfs[vf].store, RTE_PMD_VFBC_BLOCK_ID_VPORT, &cur,
				sizeof(cur)) != (int)sizeof(cur))
		return false;
	memcpy(&want, data, sizeof(want));
	if (want.mtu > cur.max_mtu)
		return false;
	want.mtu = cur.mtu;
	return memcmp(&want, &cur, sizeof(want)) == 0;
}

/* Hand the request to the decision thread. @return false if it cannot take it. */
static bool
defer(struct vfbc_pf *pf, uint16_t vf, const struct vfbc_pf_request *req, const void *data)
{
	struct vfbc_pf_decision *d = &pf->decisions[vf];

	d->vf = vf;
	d->req = *req;
	d->data = data;
	if (rte_ring_sp_enqueue(pf->dec_todo, d) != 0)
		return false;
	__atomic_fetch_add(&pf->dec_pending, 1, __ATOMIC_RELAXED);
	sem_post(&pf->dec_sem); /* one waiting thread takes it */
	return true;
}

/*
 * Whether the port has callbacks at all. Read without ethdev's callback lock:
 * a callback registered while a request is being served may miss that
 * request, as it would miss one served just before.
 */
static bool
has_callbacks(const struct rte_eth_dev *dev)
{
	return __atomic_load_n(&dev->link_intr_cbs.tqh_first, __ATOMIC_ACQUIRE) != NULL;
}

int
vfbc_pf_policy(void *ctx, uint16_t vf, const struct vfbc_pf_request *req, const void *data)
{
	struct rte_eth_dev *dev = ctx;
	struct vfbc_pf *pf = dev->data->dev_private;

	if (req->opcode == VFBC_OP_WRITE && req->block_id == RTE_PMD_VFBC_BLOCK_ID_VPORT &&
			!vport_write_ok(pf, vf, req, data)) {
		VFBC_LOG(WARNING, "%s: VF %u tried to change more than the MTU in its VPort "
				"block: denied", dev->data->name, vf);
		return 1;
	}
	/* Nobody to ask: no detour through a decision thread. */
	if (!has_callbacks(dev))
		return 0;
	if (pf->dec_running && defer(pf, vf, req, data))
		return VFBC_PF_POLICY_DEFER;
	return ask_application(dev, vf, req, data);
}

unsigned int
vfbc_pf_decide_collect(struct vfbc_pf *pf)
{
	void *done[32];
	unsigned int i, n, completed = 0;

	/* The common case costs one load: no atomic operation when nothing is out. */
	if (!pf->dec_running || __atomic_load_n(&pf->dec_pending, __ATOMIC_RELAXED) == 0)
		return 0;
	do {
		n = rte_ring_sc_dequeue_burst(pf->dec_done, done, RTE_DIM(done), NULL);
		for (i = 0; i < n; i++) {
			const struct vfbc_pf_decision *d = done[i];

			completed += vfbc_pf_mbox_decide(&pf->vfs[d->vf].mbox, d->req.ticket,
					d->allow);
		}
		if (n != 0)
			__atomic_fetch_sub(&pf->dec_pending, n, __ATOMIC_RELAXED);
	} while (n == RTE_DIM(done));
	return completed;
}

static void *
vfbc_pf_decide_run(void *arg)
{
	struct vfbc_pf *pf = arg;
	struct vfbc_pf_decision *d;

	while (!__atomic_load_n(&pf->dec_stop, __ATOMIC_ACQUIRE)) {
		if (rte_ring_mc_dequeue(pf->dec_todo, (void **)&d) != 0) {
			sem_wait(&pf->dec_sem);
			continue;
		}
		d->allow = ask_application(pf->dev, d->vf, &d->req, d->data) == 0;
		/* Cannot fail: at most one decision per VF is in flight. */
		rte_ring_mp_enqueue(pf->dec_done, d);
	}
	return NULL;
}

static struct rte_ring *
ring_create(struct vfbc_pf *pf, const char *what, unsigned int flags)
{
	char name[RTE_RING_NAMESIZE];
	struct rte_ring *r;

	snprintf(name, sizeof(name), "vfbc_%s_%u", what, pf->dev->data->port_id);
	r = rte_ring_create(name, rte_align32pow2(pf->num_vfs + 1u), pf->dev->device->numa_node,
			flags);
	if (r == NULL)
		VFBC_LOG(ERR, "%s: cannot create ring %s: %s", pf->dev->data->name, name,
				rte_strerror(rte_errno));
	return r;
}

int
vfbc_pf_decide_start(struct vfbc_pf *pf)
{
	char tname[RTE_MAX_THREAD_NAME_LEN];
	unsigned int i;
	int ret;

	if (!pf->params.decide_async)
		return 0;
	pf->decisions = rte_zmalloc_socket("vfbc_pf_decisions",
			sizeof(*pf->decisions) * pf->num_vfs, RTE_CACHE_LINE_SIZE,
			pf->dev->device->numa_node);
	/* The service enqueues, the threads dequeue; then the other way. */
	pf->dec_todo = ring_create(pf, "dtodo", RING_F_SP_ENQ);
	pf->dec_done = ring_create(pf, "ddone", RING_F_SC_DEQ);
	if (pf->decisions == NULL || pf->dec_todo == NULL || pf->dec_done == NULL)
		return -ENOMEM;
	sem_init(&pf->dec_sem, 0, 0);
	pf->dec_sem_init = true;
	for (i = 0; i < pf->params.decide_threads; i++) {
		snprintf(tname, sizeof(tname), "vfbc-dec%c-%s", 'a' + (char)i,
				pf->dev->data->name + strlen("net_vfbc_"));
		ret = rte_ctrl_thread_create(&pf->dec_threads[i], tname, NULL,
				vfbc_pf_decide_run, pf);
		if (ret != 0) {
			VFBC_LOG(ERR, "%s: cannot create decision thread: %s",
					pf->dev->data->name, rte_strerror(ret));
			return -ret;
		}
		pf->nb_dec_threads++;
	}
	pf->dec_running = true;
	return 0;
}

void
vfbc_pf_decide_stop(struct vfbc_pf *pf)
{
	unsigned int i;

	pf->dec_running = false;
	__atomic_store_n(&pf->dec_stop, true, __ATOMIC_RELEASE);
	for (i = 0; i < pf->nb_dec_threads; i++)
		sem_post(&pf->dec_sem);
	/* Callbacks deciding now finish first. */
	for (i = 0; i < pf->nb_dec_threads; i++)
		pthread_join(pf->dec_threads[i], NULL);
	pf->nb_dec_threads = 0;
	if (pf->dec_sem_init)
		sem_destroy(&pf->dec_sem);
	pf->dec_sem_init = false;
	rte_ring_free(pf->dec_todo);
	rte_ring_free(pf->dec_done);
	rte_free(pf->decisions);
	pf->dec_todo = NULL;
	pf->dec_done = NULL;
	pf->decisions = NULL;
}
