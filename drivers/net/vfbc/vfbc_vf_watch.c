/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfbc authors
 *
 * What the PF tells a VF without being asked: invalidated blocks and the state
 * of its uplink. A control thread per VF port sleeps on the region's notice
 * doorbell; when it rings, the thread takes the invalidated blocks for the
 * application, re-reads the well-known blocks among them, raises
 * RTE_ETH_EVENT_VF_MBOX with the mask, and follows the link.
 */

#include <rte_lcore.h>

#include "vfbc_vf.h"
#include "vfbc_wellknown.h"

#define WELL_KNOWN_MASK ((UINT64_C(1) << RTE_PMD_VFBC_BLOCK_ID_MAC) | \
		(UINT64_C(1) << RTE_PMD_VFBC_BLOCK_ID_VPORT))

/*
 * The application fetches what the watcher took from the shared mask and what
 * is still there, under one lock, so a bit in transit is never missed.
 */
uint64_t
vfbc_vf_fetch_invalidated(struct vfbc_vf *vf)
{
	uint64_t mask;

	rte_rwlock_read_lock(&vf->conn_lock);
	rte_spinlock_lock(&vf->inval_lock);
	mask = vf->inval_pending | vfbc_vf_mbox_fetch_invalidated(&vf->mbox);
	vf->inval_pending = 0;
	rte_spinlock_unlock(&vf->inval_lock);
	rte_rwlock_read_unlock(&vf->conn_lock);
	return mask;
}

/* Move new invalidations to the application's pending mask. @return them. */
static uint64_t
take_invalidated(struct vfbc_vf *vf)
{
	uint64_t mask;

	rte_spinlock_lock(&vf->inval_lock);
	mask = vfbc_vf_mbox_fetch_invalidated(&vf->mbox);
	vf->inval_pending |= mask;
	rte_spinlock_unlock(&vf->inval_lock);
	return mask;
}

bool
vfbc_vf_link_should_be_up(struct vfbc_vf *vf)
{
	bool up;

	rte_rwlock_read_lock(&vf->conn_lock);
	up = !__atomic_load_n(&vf->mbox.gone, __ATOMIC_ACQUIRE) &&
		!__atomic_load_n(&vf->refreshing, __ATOMIC_ACQUIRE) &&
		__atomic_load_n(&vf->region.hdr->pf.pf_state, __ATOMIC_ACQUIRE) ==
			VFBC_PF_STATE_READY &&
		vfbc_vf_mbox_uplink_up(&vf->mbox) && vfbc_vf_vport_link_up(vf);
	rte_rwlock_read_unlock(&vf->conn_lock);
	return up;
}

void
vfbc_vf_follow_link(struct vfbc_vf *vf)
{
	struct rte_eth_dev *dev = vf->dev;
	bool up, changed;

	pthread_mutex_lock(&vf->config_lock);
	up = dev->data->dev_started && vfbc_vf_link_should_be_up(vf);
	changed = (dev->data->dev_link.link_status == RTE_ETH_LINK_UP) != up;
	if (changed)
		vfbc_ethdev_set_link(dev, up);
	pthread_mutex_unlock(&vf->config_lock);
	/* Outside the lock: a callback may well start or stop the port. */
	if (changed)
		rte_eth_dev_callback_process(dev, RTE_ETH_EVENT_INTR_LSC, NULL);
}

static void
handle_notice(struct vfbc_vf *vf)
{
	uint64_t mask = take_invalidated(vf);

	if (mask & WELL_KNOWN_MASK)
		vfbc_vf_config_refresh(vf);
	if (mask != 0)
		rte_eth_dev_callback_process(vf->dev, RTE_ETH_EVENT_VF_MBOX, &mask);
	vfbc_vf_follow_link(vf);
}

static void *
vfbc_vf_watch_run(void *arg)
{
	struct vfbc_vf *vf = arg;
	uint32_t seen = vfbc_vf_mbox_notice_seq(&vf->mbox);

	while (!__atomic_load_n(&vf->watch_stop, __ATOMIC_ACQUIRE)) {
		uint32_t now = vfbc_vf_mbox_notice_seq(&vf->mbox);

		if (now == seen) {
			vfbc_vf_mbox_wait_notice(&vf->mbox, seen);
			continue;
		}
		seen = now;
		if (__atomic_load_n(&vf->mbox.gone, __ATOMIC_ACQUIRE))
			break; /* the PF monitor reports the link */
		handle_notice(vf);
	}
	return NULL;
}

int
vfbc_vf_watch_start(struct vfbc_vf *vf)
{
	char tname[RTE_MAX_THREAD_NAME_LEN];
	int ret;

	snprintf(tname, sizeof(tname), "vfbc-ntf-%s", vf->dev->data->name + strlen("net_vfbc_"));
	vf->watch_stop = false;
	ret = rte_ctrl_thread_create(&vf->watch, tname, NULL, vfbc_vf_watch_run, vf);
	if (ret != 0) {
		VFBC_LOG(ERR, "%s: cannot create notice thread: %s", vf->dev->data->name,
				rte_strerror(ret));
		return -ret;
	}
	vf->watch_running = true;
	return 0;
}

void
vfbc_vf_watch_stop(struct vfbc_vf *vf)
{
	if (!vf->watch_running)
		return;
	__atomic_store_n(&vf->watch_stop, true, __ATOMIC_RELEASE);
	vfbc_vf_mbox_ring_notice(&vf->mbox);
	pthread_join(vf->watch, NULL);
	vf->watch_running = false;
}
