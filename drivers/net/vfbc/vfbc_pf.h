/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfbc authors
 */

#ifndef VFBC_PF_H
#define VFBC_PF_H

#include <limits.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdbool.h>

#include <rte_spinlock.h>

#include "rte_pmd_vfbc.h"
#include "vfbc_ethdev.h"
#include "vfbc_mbox.h"

#define VFBC_PF_DRIVER_NAME net_vfbc_pf

/** How the PF's mailbox service gets CPU time. */
enum vfbc_pf_poll_mode {
	VFBC_POLL_AUTO,    /**< service lcores if EAL has any, else a control thread */
	VFBC_POLL_SERVICE, /**< only the rte_service; the application maps it */
	VFBC_POLL_THREAD,  /**< a control thread, whatever service lcores exist */
};

/** A block every VF gets at probe, from the block= devarg. */
struct vfbc_pf_block_def {
	uint32_t id;
	uint32_t capacity;
	uint32_t flags;
};

#define VFBC_PF_DEVARG_BLOCKS_MAX 64
/** Payload bytes of a mailbox slot unless mbox_slot_size says otherwise. */
#define VFBC_PF_SLOT_SIZE_DEFAULT 4096u
#define VFBC_PF_DECIDE_THREADS_MAX 16
#define VFBC_PF_DECIDE_THREADS_DEFAULT 2

struct vfbc_pf_params {
	uint16_t num_vfs;
	uint32_t mbox_depth;
	uint32_t max_block_size;
	uint32_t mbox_slot_size; /**< payload bytes of a slot; larger blocks go in chunks */
	uint32_t max_blocks;
	uint32_t mbox_burst;
	enum vfbc_pf_poll_mode poll;
	bool notify_reads;
	bool decide_async;            /**< VF_MBOX callbacks on decision threads */
	uint32_t decide_threads;      /**< how many */
	uint32_t vf_rate;             /**< requests per second per VF, 0: no limit */
	uint32_t vf_burst;            /**< token bucket size, 0: vf_rate / 10, at least 1 */
	uint32_t vf_outstanding;      /**< requests a VF may have posted, 0: mbox_depth */
	uint32_t quarantine_after;    /**< consecutive invalid requests, 0: never */
	char region_dir[PATH_MAX];
	char store_dir[PATH_MAX]; /**< store= devarg: durable blocks; "" for none */
	uint32_t nb_blocks;
	struct vfbc_pf_block_def blocks[VFBC_PF_DEVARG_BLOCKS_MAX];
	bool vf_mac_set[RTE_PMD_VFBC_MAX_VFS];
	struct rte_ether_addr vf_mac[RTE_PMD_VFBC_MAX_VFS]; /**< from vf_mac= devargs */
	struct vfbc_pring_geom rings; /**< ring_size=, pkt_buf_size=, queues= */
};

/** Where and how a VF's blocks are saved (store= devarg), see vfbc_pf_store.c. */
struct vfbc_pf_persist {
	char path[PATH_MAX];
	char tmp[PATH_MAX];
	int dirfd;             /**< the store directory, synced after each rename */
	uint16_t vf;
	const char *pf_name;
	pthread_mutex_t lock;  /**< one save at a time */
	bool lock_init;
	uint64_t saved;        /**< change number of the image in the file */
	uint8_t *buf;          /**< the image being written */
	size_t buf_size;
};

/** The PF's view of one VF. */
struct vfbc_pf_vf {
	struct vfbc_region region;
	struct vfbc_store store;
	struct vfbc_pf_persist persist;
	struct vfbc_pf_mbox mbox;
	/** mbox.stats at the last xstats reset, which reads subtract. */
	struct vfbc_pf_mbox_stats xstats_base;
	bool quarantine_logged;     /**< the service said so once */
	bool lift_quarantine;       /**< asked by the application, done by the service */
};

/** A request handed to the decision thread (vfbc_pf_decide.c). */
struct vfbc_pf_decision {
	struct vfbc_pf_request req;
	const void *data;     /**< the VF's staged payload, stable while parked */
	uint16_t vf;
	bool allow;           /**< the application's verdict */
};

struct rte_ring;

/** Private data of a PF port. */
struct vfbc_pf {
	struct vfbc_port port; /* first: common ethdev code casts to it */
	struct rte_eth_dev *dev;
	struct vfbc_pf_params params;
	struct vfbc_pf_vf *vfs;
	uint16_t num_vfs;
	uint16_t rr_next;            /**< VF the next service run starts with */
	uint64_t peer_check_next;    /**< timer cycles of the next VF liveness check */
	uint32_t peer_check_runs;    /**< service runs, to look at the clock only now and then */
	/**
	 * Changes of any VF's MAC or VPort block: the queues read them again
	 * (MAC table, port VLANs) when it moves.
	 */
	uint64_t port_changes;
	rte_spinlock_t serve_lock;   /**< one runner at a time: service lcore or thread */
	uint32_t service_id;
	bool service_registered;
	uint32_t service_lcores_at_probe;
	pthread_t thread;
	bool thread_running;
	bool thread_stop;
	bool closed;
	/* Asynchronous decisions, see vfbc_pf_decide.c. */
	struct vfbc_pf_decision *decisions; /**< one per VF */
	struct rte_ring *dec_todo;          /**< service -> decision thread */
	struct rte_ring *dec_done;          /**< decision thread -> service */
	sem_t dec_sem;                      /**< counts what dec_todo may hold */
	bool dec_sem_init;
	pthread_t dec_threads[VFBC_PF_DECIDE_THREADS_MAX];
	unsigned int nb_dec_threads;
	bool dec_running;
	bool dec_stop;
	uint32_t dec_pending;               /**< requests handed over, not completed */
};

/**
 * store= devarg: load VF @p idx's saved blocks, if its file exists, into its
 * (empty) store. @return 0 (*loaded says whether there was a file), or a
 * negative errno: -EBADMSG for a corrupt file, which is refused.
 */
int vfbc_pf_store_open(struct vfbc_pf *pf, uint16_t idx, bool *loaded);
/** Save VF @p idx's store now, and from now on before every change is acknowledged. */
int vfbc_pf_store_start(struct vfbc_pf *pf, uint16_t idx);
void vfbc_pf_store_close(struct vfbc_pf_vf *vf);

/** Parse PF devargs into @p p (defaults first). @return 0 or -EINVAL. */
int vfbc_pf_parse_devargs(const char *name, const char *args, struct vfbc_pf_params *p);

/** Register the mailbox service and get it running. */
int vfbc_pf_service_start(struct vfbc_pf *pf);
/**
 * Stop serving and unregister the service. @p removing: called from the vdev
 * remove path, which in 22.11 may run after EAL freed its service tables.
 */
void vfbc_pf_service_stop(struct vfbc_pf *pf, bool removing);

/** Whether VF @p v is quarantined: its mailbox is not served. */
bool vfbc_pf_vf_quarantined(const struct vfbc_pf_vf *v);

/** Serve every VF once, round robin. @return requests completed. */
unsigned int vfbc_pf_serve_all(struct vfbc_pf *pf);

/** Start/stop the decision thread, if decide=async. */
int vfbc_pf_decide_start(struct vfbc_pf *pf);
void vfbc_pf_decide_stop(struct vfbc_pf *pf);
/** Service: complete the requests the application decided. @return how many. */
unsigned int vfbc_pf_decide_collect(struct vfbc_pf *pf);

/** The VF_MBOX policy hook the mailboxes call: decides now or defers. */
int vfbc_pf_policy(void *ctx, uint16_t vf, const struct vfbc_pf_request *req, const void *data);

/** PF private data of @p port_id, NULL if it is not a vfbc PF port. */
struct vfbc_pf *vfbc_pf_from_port(uint16_t port_id);

#endif /* VFBC_PF_H */
