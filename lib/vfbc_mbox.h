/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfbc authors
 */

#ifndef VFBC_MBOX_H
#define VFBC_MBOX_H

/**
 * @file
 * The mailbox protocol over a VF region (see vfbc_wire.h).
 *
 * Attach: the VF writes its protocol range and a fresh nonce into its control
 * line; the PF answers with the agreed version, the sequence number the VF's
 * first request must carry, and the nonce echoed. Attach resets the PF's view
 * of the mailbox, so a restarted VF process starts clean.
 *
 * Requests: the VF posts request N in slot N % depth and the PF serves them in
 * sequence order, at most a budget per call, so one VF cannot starve the
 * others. Completions echo the sequence number. Every field the VF wrote is
 * read once into private memory, bounded, and only then acted upon.
 *
 * Waiting: a VF thread spins a little for the fast answer, then sleeps on the
 * completion doorbell (a futex word), which the PF rings only when a VF thread
 * says it sleeps.
 */

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include <rte_spinlock.h>

#include "vfbc_region.h"
#include "vfbc_store.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Default time a VF thread spins before it sleeps. */
#define VFBC_SPIN_NS_DEFAULT 20000

/** Private snapshot of one VF request, as the PF read it. */
struct vfbc_pf_request {
	uint32_t seq;
	uint16_t opcode;
	uint16_t flags;
	uint32_t block_id;
	uint32_t len;
	uint32_t offset; /**< chunk ops */
	uint32_t total;  /**< VFBC_OP_WRITE_CHUNK */
	uint32_t ticket; /**< names the request in vfbc_pf_mbox_decide() */
};

/** Counters of one VF's mailbox, kept by the PF (single writer: the service). */
struct vfbc_pf_mbox_stats {
	uint64_t attaches;
	uint64_t requests;
	uint64_t reads;
	uint64_t writes;
	uint64_t completions;
	uint64_t wakeups;
	uint64_t chunks;        /**< chunk requests among the reads and writes */
	uint64_t staged_drops;  /**< staged writes dropped unfinished */
	uint64_t status[VFBC_ST_MAX]; /**< completions by status */
	uint64_t deferred;            /**< requests parked for the application's decision */
	uint64_t rate_limited;        /**< requests that waited for the VF's rate limit */
	uint64_t over_limit;          /**< requests beyond max_outstanding, failed */
	uint64_t quarantines;         /**< times the VF was quarantined */
};

/** Per-VF limits of a PF mailbox; 0 means none. */
struct vfbc_pf_limits {
	uint32_t rate;             /**< requests served per second */
	uint32_t burst;            /**< requests served at once after an idle time */
	uint32_t max_outstanding;  /**< requests the VF may have posted at once */
	uint32_t quarantine_after; /**< consecutive malformed requests */
};

/** A write of a block larger than a slot, gathered chunk by chunk. */
struct vfbc_pf_staged {
	bool active;
	uint32_t block_id;
	uint32_t total;  /**< bytes of the whole write */
	uint32_t filled; /**< bytes staged so far, from offset 0 */
};

/** Policy verdict: decide later, with vfbc_pf_mbox_decide(). */
#define VFBC_PF_POLICY_DEFER 2

/**
 * PF application's decision on a valid VF request, taken after the block
 * checks passed and before the request takes effect.
 * @param data PF-private copy of the payload of a write, NULL for a read. It
 *   stays valid and unchanged until the request is decided.
 * @return 0 to let the request proceed, VFBC_PF_POLICY_DEFER to park it (the
 *   mailbox serves no other request of this VF until vfbc_pf_mbox_decide()),
 *   any other value to deny it.
 */
typedef int (*vfbc_pf_policy_t)(void *ctx, uint16_t vf, const struct vfbc_pf_request *req,
		const void *data);

/** PF-private state of one VF's mailbox. */
struct vfbc_pf_mbox {
	struct vfbc_region *region;
	struct vfbc_store *store;
	vfbc_pf_policy_t policy;
	void *policy_ctx;
	uint8_t *staging;      /**< private copy of a write payload */
	uint8_t *staged_data;  /**< a staged write, gathered chunk by chunk */
	uint32_t staged_size;  /**< bytes of staged_data: the store's largest block */
	struct vfbc_pf_staged staged;
	uint32_t mask;
	uint32_t next_seq;     /**< the only sequence number the PF accepts next */
	uint32_t nonce_seen;
	uint16_t vf;
	uint16_t proto_version;
	uint16_t proto_max;    /**< highest version offered: VFBC_PROTO_VERSION_MAX */
	bool attached;
	bool peer_gone;        /**< the attached VF's process is gone (check_peer) */
	bool notify_reads;     /**< ask the policy about reads too */
	bool parked;           /**< park_req waits for the application's decision */
	bool park_stale;       /**< the VF re-attached since: drop the decision */
	uint32_t park_ticket;
	struct vfbc_pf_request park_req;
	const void *park_data; /**< a parked write's payload: staging or staged_data */
	struct vfbc_pf_limits limits;
	uint64_t tb_credit;    /**< rate limit: token bucket, in requests * 1e9 */
	uint64_t tb_last_ns;   /**< when tb_credit was last refilled */
	uint32_t rl_counted;   /**< last sequence number counted as rate limited */
	uint32_t excess_seq;   /**< a request seen posted beyond max_outstanding */
	bool excess;           /**< excess_seq is valid */
	uint32_t bad_streak;   /**< consecutive malformed requests */
	bool quarantined;      /**< no longer served at all */
	struct vfbc_pf_mbox_stats stats;
};

/** @return 0 or -ENOMEM. The region must be created, the store initialised. */
int vfbc_pf_mbox_init(struct vfbc_pf_mbox *mb, struct vfbc_region *region,
		struct vfbc_store *store, uint16_t vf);
void vfbc_pf_mbox_fini(struct vfbc_pf_mbox *mb);

/**
 * Set the mailbox's limits (before serving), and publish max_outstanding to
 * the VF. @return 0 or -EINVAL (max_outstanding over the depth).
 */
int vfbc_pf_mbox_set_limits(struct vfbc_pf_mbox *mb, const struct vfbc_pf_limits *l);

/** Serve the VF again after a quarantine (by the mailbox's server). */
void vfbc_pf_mbox_lift_quarantine(struct vfbc_pf_mbox *mb);

/**
 * Note whether the process of an attached VF is gone (it no longer holds the
 * region, see vfbc_region_vf_alive()): @c peer_gone stays set until a VF
 * process attaches again. The mailbox still completes what the dead process
 * posted; only the datapath stops using the VF. One system call: call it now
 * and then, by the mailbox's server. An error reading the lock counts as alive.
 * @return true if the VF's process was just found gone.
 */
bool vfbc_pf_mbox_check_peer(struct vfbc_pf_mbox *mb);

/**
 * Serve the VF: handle an attach, then complete at most @p budget requests,
 * fewer if its rate limit says so. A quarantined VF is not served at all.
 * @return requests completed.
 */
unsigned int vfbc_pf_mbox_serve(struct vfbc_pf_mbox *mb, unsigned int budget);

/**
 * Complete the request parked by the policy with @p ticket: perform it if
 * @p allow, else deny it. A decision for a request of a VF instance that
 * re-attached since is dropped, and so is one for no parked request.
 * Called by the mailbox's server (one at a time, as vfbc_pf_mbox_serve()).
 * @return 1 if a request completed, 0 if not.
 */
unsigned int vfbc_pf_mbox_decide(struct vfbc_pf_mbox *mb, uint32_t ticket, bool allow);

/** Map a wire status to a negative errno (0 for VFBC_ST_OK). */
int vfbc_status_to_errno(uint32_t status);
/** Map a negative errno to a wire status. */
uint32_t vfbc_errno_to_status(int err);

/** Counters of a VF's mailbox, kept by the VF. */
struct vfbc_vf_mbox_stats {
	uint64_t requests;
	uint64_t completions;
	uint64_t errors;
	uint64_t timeouts;
	uint64_t sleeps;
	uint64_t read_restarts; /**< chunked reads started again: the block changed */
};

/** VF-private state of one mailbox slot. */
struct vfbc_vf_slot {
	uint32_t seq;   /**< sequence number of the request in the slot */
	uint32_t state; /**< VFBC_VF_SLOT_* */
	uint32_t len;   /**< bytes the request may get back */
};

/** VF-private state of the mailbox. Thread-safe. */
struct vfbc_vf_mbox {
	struct vfbc_region *region;
	struct vfbc_vf_slot *slots;
	pthread_mutex_t attach_lock;
	rte_spinlock_t post_lock;  /**< serialises posting, so sequence numbers have no holes */
	pthread_mutex_t write_lock; /**< one chunked write at a time: the PF stages one */
	uint64_t spin_ns;
	uint32_t mask;
	uint32_t next_seq;
	uint32_t nonce;
	uint32_t slot_waiters;     /**< posters waiting for a free slot */
	uint32_t max_outstanding;  /**< the PF's limit, read at attach: 1..depth */
	uint16_t proto_version;
	uint16_t proto_max;        /**< highest version offered: VFBC_PROTO_VERSION_MAX */
	bool attached;
	bool gone;                 /**< the PF went away: fail fast */
	uint32_t stall;            /**< what last timed out: VFBC_VF_STALL_* */
	uint32_t stall_seq;        /**< the request, for VFBC_VF_STALL_REQUEST */
	struct vfbc_vf_mbox_stats stats;
};

/** What a VF thread last waited for in vain (see vfbc_vf_mbox_pf_stalled()). */
enum {
	VFBC_VF_STALL_NONE = 0,
	VFBC_VF_STALL_ATTACH,  /**< the attach answer */
	VFBC_VF_STALL_REQUEST, /**< the completion of request stall_seq */
};

/** @return 0 or -ENOMEM. */
int vfbc_vf_mbox_init(struct vfbc_vf_mbox *mb, struct vfbc_region *region, uint64_t spin_ns);
void vfbc_vf_mbox_fini(struct vfbc_vf_mbox *mb);

/**
 * Bind the mailbox to another region (a restarted PF's), forgetting every
 * request and the attach state of the previous one; the counters are kept.
 * The caller guarantees that no thread uses the mailbox meanwhile.
 * @return 0 or -ENOMEM (then the mailbox is unchanged).
 */
int vfbc_vf_mbox_rebind(struct vfbc_vf_mbox *mb, struct vfbc_region *region);

/** Ask the PF to attach, without waiting for the answer (safe at probe time). */
void vfbc_vf_mbox_attach_start(struct vfbc_vf_mbox *mb);

/**
 * Wait for the attach answer (starting one if none is under way).
 * @return 0, -ETIMEDOUT, -EPROTO (no common protocol version), -ENOTCONN.
 */
int vfbc_vf_mbox_attach(struct vfbc_vf_mbox *mb, uint64_t deadline_ns);

/**
 * Post one request, waiting for a free slot until @p deadline_ns, but not for
 * one held by another posted request: only collecting that one (poll or wait)
 * frees its slot, and the caller may be the one holding it.
 * @param data write: the payload; read: ignored.
 * @param len write: payload bytes; read: buffer bytes (clamped to the slot).
 * @param[out] seq the request's sequence number, for vfbc_vf_mbox_wait/poll.
 * @return 0, -EINVAL, -EMSGSIZE, -ETIMEDOUT, -ENOTCONN, -ENOBUFS (the slot
 *   this request needs, or under the PF's max_outstanding the slot of the
 *   request that many before, holds a posted request not collected yet).
 */
int vfbc_vf_mbox_post(struct vfbc_vf_mbox *mb, uint16_t op, uint32_t block_id,
		const void *data, uint32_t len, uint64_t deadline_ns, uint32_t *seq);

/**
 * vfbc_vf_mbox_post() with a timeout instead of a deadline: the clock is read
 * only if the post has to wait.
 */
int vfbc_vf_mbox_post_timeout(struct vfbc_vf_mbox *mb, uint16_t op, uint32_t block_id,
		const void *data, uint32_t len, uint64_t timeout_ns, uint32_t *seq);

/**
 * Collect a completion if it is there.
 * @param out read: destination of the payload; may be NULL for a write.
 * @return -EAGAIN while pending; else the request's result: bytes read, 0 for
 *   a write, or a negative errno from the PF; -ENOTCONN for a request the
 *   PF will never complete (gone, or posted before vfbc_vf_mbox_rebind()).
 */
int vfbc_vf_mbox_poll(struct vfbc_vf_mbox *mb, uint32_t seq, void *out, uint32_t out_len);

/**
 * Wait for a completion until @p deadline_ns. On -ETIMEDOUT the request is
 * abandoned: its slot is reused only once the PF completed it.
 */
int vfbc_vf_mbox_wait(struct vfbc_vf_mbox *mb, uint32_t seq, void *out, uint32_t out_len,
		uint64_t deadline_ns);

/**
 * Whether the PF still has not answered what the last wait that timed out
 * waited for (an attach or a request): a caller that may go on without the
 * PF's answer can then skip a new request, which would wait its whole
 * timeout again. No system call, no waiting.
 */
bool vfbc_vf_mbox_pf_stalled(struct vfbc_vf_mbox *mb);

/** Attempts of a chunked read before it gives up with -EAGAIN. */
#define VFBC_READ_CHUNKED_TRIES 16

/**
 * Attach if needed, post, wait: one blocking request. With protocol 2, a read
 * or write longer than a slot is made of several chunks and stays atomic: a
 * read returns one version of the block (or -EAGAIN when the block changed
 * under VFBC_READ_CHUNKED_TRIES attempts), a write replaces the block at once.
 */
int vfbc_vf_mbox_call(struct vfbc_vf_mbox *mb, uint16_t op, uint32_t block_id, void *buf,
		uint32_t len, uint64_t timeout_ns);

/** The PF is gone: make every waiting and future call fail with -ENOTCONN. */
void vfbc_vf_mbox_mark_gone(struct vfbc_vf_mbox *mb);

/** Fetch and clear the invalidated-blocks mask. */
uint64_t vfbc_vf_mbox_fetch_invalidated(struct vfbc_vf_mbox *mb);

/** PF: OR @p mask into the VF's invalidated mask and ring its doorbell. */
void vfbc_pf_mbox_invalidate(struct vfbc_pf_mbox *mb, uint64_t mask);

/** PF: publish whether the PF's port is up, and ring the VF's doorbell. */
void vfbc_pf_mbox_set_uplink(struct vfbc_pf_mbox *mb, bool up);

/** VF: whether the PF says its port is up. */
bool vfbc_vf_mbox_uplink_up(const struct vfbc_vf_mbox *mb);

/**
 * VF: the notice doorbell's current value, for vfbc_vf_mbox_wait_notice().
 */
uint32_t vfbc_vf_mbox_notice_seq(const struct vfbc_vf_mbox *mb);

/**
 * VF: sleep until the notice doorbell differs from @p seen: the PF
 * invalidated blocks, changed its uplink or went away, or
 * vfbc_vf_mbox_ring_notice() was called. Spurious wake-ups are possible.
 */
void vfbc_vf_mbox_wait_notice(struct vfbc_vf_mbox *mb, uint32_t seen);

/** VF: wake this process's threads in vfbc_vf_mbox_wait_notice(). */
void vfbc_vf_mbox_ring_notice(struct vfbc_vf_mbox *mb);

#ifdef __cplusplus
}
#endif

#endif /* VFBC_MBOX_H */
