/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfbc authors
 *
 * Who runs the PF's mailbox polling: an rte_service on EAL service lcores,
 * or, when there are none, a control thread.
 */

#include <stdio.h>
#include <time.h>

#include <rte_service.h>
#include <rte_service_component.h>
#include <rte_branch_prediction.h>
#include <rte_cycles.h>
#include <rte_lcore.h>

#include "vfbc_pf.h"

/* Idle backoff of the control thread: short when VFs are busy, up to 1 ms. */
#define VFBC_THREAD_IDLE_MIN_NS 10000
#define VFBC_THREAD_IDLE_MAX_NS 1000000
/* How long close waits for a service lcore to leave our service. */
#define VFBC_SERVICE_STOP_WAIT_MS 1000
/* How often the service asks whether the VF processes still live. */
#define VFBC_PEER_CHECK_MS 10
/* Service runs between two looks at the clock for the check above (a power of two). */
#define VFBC_PEER_CHECK_RUNS 8

bool
vfbc_pf_vf_quarantined(const struct vfbc_pf_vf *v)
{
	return __atomic_load_n(&v->mbox.quarantined, __ATOMIC_ACQUIRE);
}

/* Log a new quarantine once; lift one the application asked to lift. */
static void
follow_quarantine(struct vfbc_pf *pf, struct vfbc_pf_vf *v, uint16_t idx)
{
	if (__atomic_exchange_n(&v->lift_quarantine, false, __ATOMIC_ACQ_REL)) {
		vfbc_pf_mbox_lift_quarantine(&v->mbox);
		v->quarantine_logged = false;
		VFBC_LOG(NOTICE, "%s: VF %u is served again", pf->dev->data->name, idx);
	}
	if (v->mbox.quarantined && !v->quarantine_logged) {
		v->quarantine_logged = true;
		VFBC_LOG(WARNING, "%s: VF %u quarantined after %u malformed requests in a row: "
				"no longer served until rte_pmd_vfbc_pf_lift_quarantine()",
				pf->dev->data->name, idx, pf->params.quarantine_after);
	}
}

static unsigned int
serve_vf(struct vfbc_pf *pf, uint16_t idx)
{
	struct vfbc_pf_vf *v = &pf->vfs[idx];
	unsigned int done;

	if (unlikely(v->mbox.quarantined || v->lift_quarantine))
		follow_quarantine(pf, v, idx);
	done = vfbc_pf_mbox_serve(&v->mbox, pf->params.mbox_burst);
	if (unlikely(v->mbox.quarantined && !v->quarantine_logged))
		follow_quarantine(pf, v, idx);
	return done;
}

/*
 * A VF process that died left its Rx rings saying they are polled: mark its
 * VF gone, so that the datapath, which reads that flag once per burst, stops
 * switching frames to it. One system call per attached VF every
 * VFBC_PEER_CHECK_MS, off the datapath; a new VF process attaches again.
 */
static void
check_peers(struct vfbc_pf *pf)
{
	uint64_t now;
	uint16_t i;

	/* Not even a clock read on most runs: a busy service runs millions of
	 * times a second, and an idle control thread at least every
	 * VFBC_THREAD_IDLE_MAX_NS.
	 */
	if ((++pf->peer_check_runs & (VFBC_PEER_CHECK_RUNS - 1)) != 0)
		return;
	now = rte_get_timer_cycles();
	if (now < pf->peer_check_next)
		return;
	pf->peer_check_next = now + rte_get_timer_hz() * VFBC_PEER_CHECK_MS / 1000;
	for (i = 0; i < pf->num_vfs; i++)
		if (vfbc_pf_mbox_check_peer(&pf->vfs[i].mbox))
			VFBC_LOG(NOTICE, "%s: VF %u process is gone: no frames "
					"switched to it until a VF process attaches again",
					pf->dev->data->name, i);
}

unsigned int
vfbc_pf_serve_all(struct vfbc_pf *pf)
{
	unsigned int done = vfbc_pf_decide_collect(pf);
	uint16_t i, vf = pf->rr_next;

	check_peers(pf);

	/* Rotate the starting VF so none is always served last. */
	for (i = 0; i < pf->num_vfs; i++) {
		done += serve_vf(pf, vf);
		if (++vf == pf->num_vfs)
			vf = 0;
	}
	if (++pf->rr_next == pf->num_vfs)
		pf->rr_next = 0;
	return done;
}

/* Service lcores and the control thread may both run: one at a time serves. */
static int
serve_exclusive(struct vfbc_pf *pf)
{
	unsigned int done;

	if (!rte_spinlock_trylock(&pf->serve_lock))
		return 0;
	done = vfbc_pf_serve_all(pf);
	rte_spinlock_unlock(&pf->serve_lock);
	return (int)done;
}

/*
 * Service callback. rte_service already runs a service that is not MT-safe on
 * one lcore at a time; only a control thread, when there is one, can race it.
 */
static int32_t
vfbc_pf_service_run(void *arg)
{
	struct vfbc_pf *pf = arg;
	unsigned int done;

	if (__atomic_load_n(&pf->thread_running, __ATOMIC_ACQUIRE))
		done = (unsigned int)serve_exclusive(pf);
	else
		done = vfbc_pf_serve_all(pf);
	return done > 0 ? 0 : -EAGAIN;
}

static void *
vfbc_pf_thread_run(void *arg)
{
	struct vfbc_pf *pf = arg;
	uint64_t idle_ns = VFBC_THREAD_IDLE_MIN_NS;

	while (!__atomic_load_n(&pf->thread_stop, __ATOMIC_ACQUIRE)) {
		struct timespec ts;

		if (serve_exclusive(pf) > 0) {
			idle_ns = VFBC_THREAD_IDLE_MIN_NS;
			continue;
		}
		/* A decision may come back any time: do not doze off meanwhile. */
		if (__atomic_load_n(&pf->dec_pending, __ATOMIC_RELAXED) != 0)
			idle_ns = VFBC_THREAD_IDLE_MIN_NS;
		ts.tv_sec = 0;
		ts.tv_nsec = (long)idle_ns;
		nanosleep(&ts, NULL);
		if (idle_ns < VFBC_THREAD_IDLE_MAX_NS)
			idle_ns *= 2;
	}
	return NULL;
}

static int
thread_start(struct vfbc_pf *pf, const char *why)
{
	char tname[RTE_MAX_THREAD_NAME_LEN];
	int ret;

	snprintf(tname, sizeof(tname), "vfbc-%s", pf->dev->data->name + strlen("net_vfbc_"));
	pf->thread_stop = false;
	/* Before the thread exists: from now on the service takes the lock. */
	__atomic_store_n(&pf->thread_running, true, __ATOMIC_RELEASE);
	ret = rte_ctrl_thread_create(&pf->thread, tname, NULL,
			vfbc_pf_thread_run, pf);
	if (ret != 0) {
		__atomic_store_n(&pf->thread_running, false, __ATOMIC_RELEASE);
		VFBC_LOG(ERR, "%s: cannot create control thread: %s", pf->dev->data->name,
				rte_strerror(ret));
		return -ret;
	}
	VFBC_LOG(NOTICE, "%s: %s: serving VF mailboxes from control thread %s",
			pf->dev->data->name, why, tname);
	return 0;
}

static void
thread_stop(struct vfbc_pf *pf)
{
	if (!pf->thread_running)
		return;
	__atomic_store_n(&pf->thread_stop, true, __ATOMIC_RELEASE);
	pthread_join(pf->thread, NULL);
	pf->thread_running = false;
}

/*
 * Map the service to the service lcore running the fewest services. During
 * EAL init, rte_service_start_with_defaults() maps it again, which is
 * harmless; after init (hotplug) nobody else would, and a just-started
 * service lcore may not say it is active yet, so do not wait for that.
 */
static void
map_to_service_lcore(struct vfbc_pf *pf)
{
	uint32_t lcores[RTE_MAX_LCORE], best = RTE_MAX_LCORE, best_n = UINT32_MAX;
	int32_t i, n = rte_service_lcore_list(lcores, RTE_DIM(lcores));

	for (i = 0; i < n; i++) {
		int32_t cnt = rte_service_lcore_count_services(lcores[i]);

		if (cnt >= 0 && (uint32_t)cnt < best_n) {
			best = lcores[i];
			best_n = (uint32_t)cnt;
		}
	}
	if (best == RTE_MAX_LCORE)
		return;
	rte_service_map_lcore_set(pf->service_id, best, 1);
	rte_service_runstate_set(pf->service_id, 1);
	VFBC_LOG(INFO, "%s: mailbox service mapped to service lcore %u", pf->dev->data->name,
			best);
}

static int
service_register(struct vfbc_pf *pf)
{
	struct rte_service_spec spec = {
		.callback = vfbc_pf_service_run,
		.callback_userdata = pf,
		.socket_id = pf->dev->device->numa_node,
	};
	int ret;

	/* The service is named after the device, which is unique. */
	snprintf(spec.name, sizeof(spec.name), "%.*s", (int)sizeof(spec.name) - 1,
			pf->dev->data->name);
	ret = rte_service_component_register(&spec, &pf->service_id);
	if (ret < 0) {
		VFBC_LOG(ERR, "%s: cannot register service %s: %s", pf->dev->data->name,
				spec.name, rte_strerror(-ret));
		return ret;
	}
	pf->service_registered = true;
	rte_service_component_runstate_set(pf->service_id, 1);
	return 0;
}

int
vfbc_pf_service_start(struct vfbc_pf *pf)
{
	int32_t lcores = rte_service_lcore_count();
	int ret;

	pf->service_lcores_at_probe = lcores > 0 ? (uint32_t)lcores : 0;
	ret = service_register(pf);
	if (ret < 0)
		return ret;
	switch (pf->params.poll) {
	case VFBC_POLL_SERVICE:
		VFBC_LOG(INFO, "%s: poll=service: the application runs service %u",
				pf->dev->data->name, pf->service_id);
		return 0;
	case VFBC_POLL_THREAD:
		return thread_start(pf, "poll=thread");
	default:
		if (pf->service_lcores_at_probe == 0)
			return thread_start(pf, "no service lcore");
		map_to_service_lcore(pf);
		return 0;
	}
}

/*
 * In DPDK 22.11, rte_eal_cleanup() frees the service tables before the vdev
 * bus removes its devices, so a PF removed there must not touch the service
 * API. EAL's finalisation hands every service lcore back to the RTE role: if
 * the lcores that were service lcores at probe no longer are, the tables are
 * gone. With no service lcore at probe nothing tells, so a remove without a
 * prior close leaves the registration alone; rte_eth_dev_close() (which
 * applications call before rte_eal_cleanup()) always unregisters.
 */
static bool
services_may_be_finalised(const struct vfbc_pf *pf, bool removing)
{
	unsigned int lcore;

	if (pf->service_lcores_at_probe == 0)
		return removing;
	for (lcore = 0; lcore < RTE_MAX_LCORE; lcore++) {
		if (rte_eal_lcore_role(lcore) == ROLE_SERVICE)
			return false;
	}
	return true;
}

static void
service_unregister(struct vfbc_pf *pf)
{
	uint64_t deadline;

	rte_service_runstate_set(pf->service_id, 0);
	rte_service_component_runstate_set(pf->service_id, 0);
	/* A service lcore may be inside our callback right now. */
	deadline = rte_get_timer_cycles() + rte_get_timer_hz() * VFBC_SERVICE_STOP_WAIT_MS / 1000;
	while (rte_service_may_be_active(pf->service_id) == 1 &&
			rte_get_timer_cycles() < deadline)
		rte_pause();
	rte_service_component_unregister(pf->service_id);
}

void
vfbc_pf_service_stop(struct vfbc_pf *pf, bool removing)
{
	thread_stop(pf);
	if (pf->service_registered && !services_may_be_finalised(pf, removing))
		service_unregister(pf);
	pf->service_registered = false;
	/* Whoever still runs the service callback finishes before we return. */
	rte_spinlock_lock(&pf->serve_lock);
	rte_spinlock_unlock(&pf->serve_lock);
}
