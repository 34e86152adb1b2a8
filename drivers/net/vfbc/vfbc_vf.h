/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfbc authors
 */

#ifndef VFBC_VF_H
#define VFBC_VF_H

#include <limits.h>
#include <pthread.h>
#include <stdbool.h>

#include <rte_rwlock.h>
#include <rte_spinlock.h>

#include "rte_pmd_vfbc.h"
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
	/**
	 * Held for reading by every user of region and mbox, for writing by
	 * the monitor while it binds them to a restarted PF.
	 */
	rte_rwlock_t conn_lock;
	struct vfbc_region region;
	struct vfbc_vf_mbox mbox;
	uint64_t reconnects;                 /**< PF restarts the port followed */
	struct vfbc_region *retired;         /**< gone PFs' regions, mapped until close */
	unsigned int nb_retired;
	bool refreshing;                     /**< reconnected, blocks not read yet: link down */
	/** mbox.stats at the last xstats reset, which reads subtract. */
	struct vfbc_vf_mbox_stats xstats_base;
	pthread_t monitor;
	bool monitor_running;
	int monitor_stop_fd;                 /**< eventfd: the port closes */
	bool closed;
	pthread_t watch;                     /**< notice thread, see vfbc_vf_watch.c */
	bool watch_running;
	bool watch_stop;
	rte_spinlock_t inval_lock;
	uint64_t inval_pending;              /**< taken by the watcher, not yet fetched */
	pthread_mutex_t config_lock;         /**< serialises following the blocks and link */
	bool config_read;                    /**< vport holds what the PF last said */
	struct rte_pmd_vfbc_vport_block vport; /**< last VPort block read */
	struct rte_ether_addr pf_mac;        /**< MAC block as last read or written */
};

/**
 * Read the well-known blocks and make the port follow them (MAC address, MTU,
 * VPort link and MTU limit). On failure the port keeps what it had, logged.
 * @return 0 or a negative errno.
 */
int vfbc_vf_config_refresh(struct vfbc_vf *vf);
/** The VPort link as the PF last set it (up until read). */
bool vfbc_vf_vport_link_up(const struct vfbc_vf *vf);
/** The largest MTU the PF allows. */
uint16_t vfbc_vf_max_mtu(struct vfbc_vf *vf);
/** eth_dev_ops: through the backchannel, the PF may deny (-EACCES). */
int vfbc_vf_mac_addr_set(struct rte_eth_dev *dev, struct rte_ether_addr *addr);
int vfbc_vf_mtu_set(struct rte_eth_dev *dev, uint16_t mtu);

/** Start/stop the thread that follows the PF's notices. */
int vfbc_vf_watch_start(struct vfbc_vf *vf);
void vfbc_vf_watch_stop(struct vfbc_vf *vf);
/** Fetch and clear the invalidated blocks, for the application. */
uint64_t vfbc_vf_fetch_invalidated(struct vfbc_vf *vf);
/** Whether a started port's link should be up: PF serving, uplink and VPort up. */
bool vfbc_vf_link_should_be_up(struct vfbc_vf *vf);
/** Set the link as it should be; raise RTE_ETH_EVENT_INTR_LSC if it changed. */
void vfbc_vf_follow_link(struct vfbc_vf *vf);

/**
 * Start/stop the thread that watches the PF's liveness, fails requests when it
 * goes and reconnects the port to its successor (vfbc_vf_monitor.c).
 */
int vfbc_vf_monitor_start(struct vfbc_vf *vf);
void vfbc_vf_monitor_stop(struct vfbc_vf *vf);

/** A mailbox call on behalf of the port, bound to the current PF. */
int vfbc_vf_call(struct vfbc_vf *vf, uint16_t op, uint32_t block_id, void *buf, uint32_t len);

/** Parse VF devargs into @p p (defaults first). @return 0 or -EINVAL. */
int vfbc_vf_parse_devargs(const char *name, const char *args, struct vfbc_vf_params *p);

/** VF private data of @p port_id, NULL if it is not a vfbc VF port. */
struct vfbc_vf *vfbc_vf_from_port(uint16_t port_id);

#endif /* VFBC_VF_H */
