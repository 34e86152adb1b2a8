/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfbc authors
 */

#ifndef RTE_PMD_VFBC_H
#define RTE_PMD_VFBC_H

/**
 * @file
 * Private API of the vfbc PMDs: the SR-IOV VF-to-PF backchannel.
 *
 * A PF port (net_vfbc_pf) owns per-VF configuration blocks. A VF port
 * (net_vfbc_vf), in the PF's process or another one, reads and writes them
 * through its mailbox; the PF's service answers. Each block has a 32-bit ID, a
 * capacity, a current length and the VF's access rights.
 *
 * Every function returns a negative errno value on failure and never blocks
 * forever: VF calls wait at most the VF's timeout_ms devarg.
 *
 * @warning
 * @b EXPERIMENTAL: this API may change without prior notice.
 */

#include <stdint.h>

#include <rte_compat.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Block flag: the VF may read the block. */
#define RTE_PMD_VFBC_BLOCK_VF_READ  (1u << 0)
/** Block flag: the VF may write the block. */
#define RTE_PMD_VFBC_BLOCK_VF_WRITE (1u << 1)

/** Largest number of VFs of one PF. */
#define RTE_PMD_VFBC_MAX_VFS 256

/**
 * @name Well-known blocks
 * Blocks the driver defines for every VF at probe, with VF read and write
 * rights, at the top of the invalidate mask's range (IDs 0..61 stay free).
 * The PF application may set them like any block; the VF port reads them when
 * it is configured and started, and again as soon as the PF invalidates them;
 * its MAC address, MTU limit and link status follow them. A VF's
 * rte_eth_dev_default_mac_addr_set() and rte_eth_dev_set_mtu() write them
 * through the backchannel, so the PF application may deny them
 * (RTE_ETH_EVENT_VF_MBOX). Contents are in host byte order, except the MAC
 * address bytes.
 * @{
 */
/** Block ID of the VF's MAC address: struct rte_pmd_vfbc_mac_block. */
#define RTE_PMD_VFBC_BLOCK_ID_MAC 62
/** Block ID of the VF's VPort configuration: struct rte_pmd_vfbc_vport_block. */
#define RTE_PMD_VFBC_BLOCK_ID_VPORT 63
/** Version of struct rte_pmd_vfbc_vport_block this driver writes and reads. */
#define RTE_PMD_VFBC_VPORT_VERSION 1

/** Contents of the MAC address block. */
struct rte_pmd_vfbc_mac_block {
	uint8_t addr[6];     /**< unicast MAC address, network byte order */
	uint8_t reserved[2]; /**< zero */
};

/** Contents of the VPort configuration block. */
struct rte_pmd_vfbc_vport_block {
	uint16_t version;  /**< RTE_PMD_VFBC_VPORT_VERSION */
	uint16_t mtu;      /**< current MTU */
	uint16_t max_mtu;  /**< largest MTU the VF may set */
	uint16_t vlan_id;  /**< port VLAN, 0 for none */
	uint8_t link_up;   /**< 1 if the VPort link is up */
	uint8_t reserved[7]; /**< zero */
};
/** @} */

/** Operation of a VF request reported by RTE_ETH_EVENT_VF_MBOX. */
enum rte_pmd_vfbc_mb_op {
	RTE_PMD_VFBC_MB_OP_READ = 1,  /**< the VF reads a block */
	RTE_PMD_VFBC_MB_OP_WRITE = 2, /**< the VF writes a block */
};

/** retval of struct rte_pmd_vfbc_mb_event_param: let the request proceed. */
#define RTE_PMD_VFBC_MB_EVENT_PROCEED 0
/** retval of struct rte_pmd_vfbc_mb_event_param: deny it; the VF gets -EACCES. */
#define RTE_PMD_VFBC_MB_EVENT_DENY 1

/**
 * Parameter of the RTE_ETH_EVENT_VF_MBOX event raised on a PF port, as the
 * ixgbe and i40e PF drivers do: for every VF write request (and read request,
 * with the notify_reads devarg) that passed the block checks, before it takes
 * effect. The callback runs on one of the PF's decision threads (devarg
 * decide=async, the default), while the service keeps serving the other VFs,
 * or on the PF's service lcore or control thread (decide=sync); it sets retval
 * to RTE_PMD_VFBC_MB_EVENT_PROCEED (the default) or RTE_PMD_VFBC_MB_EVENT_DENY.
 * The VF's later requests wait until it returns.
 */
struct rte_pmd_vfbc_mb_event_param {
	uint16_t vf;          /**< VF index */
	uint16_t op;          /**< enum rte_pmd_vfbc_mb_op */
	uint32_t block_id;    /**< block the VF addresses */
	uint32_t len;         /**< bytes to write, or the VF's read buffer size */
	const void *data;     /**< write: PF-private copy of the payload; read: NULL */
	int retval;           /**< set by the application */
};

/**
 * VF: read a configuration block; blocks until the PF answers.
 * A block larger than a mailbox slot is read in chunks; what is copied is
 * always one version of the block, even while the PF rewrites it.
 *
 * @param port_id  a net_vfbc_vf port
 * @param block_id block to read
 * @param buf      destination, @p len bytes
 * @param len      size of @p buf, at least 1
 * @return bytes copied, min(len, block length); or -ENOTSUP (not a vfbc VF
 *   port), -EINVAL, -ENOENT, -EACCES, -EAGAIN (a block larger than a slot
 *   changed while it was read, too many times in a row), -ETIMEDOUT,
 *   -ENOTCONN.
 */
__rte_experimental
int rte_pmd_vfbc_vf_read_block(uint16_t port_id, uint32_t block_id, void *buf, uint32_t len);

/**
 * VF: write a configuration block; blocks until the PF answers.
 * On success the block's length becomes @p len. A block larger than a
 * mailbox slot is written in chunks, which the PF stores all at once.
 *
 * @param port_id  a net_vfbc_vf port
 * @param block_id block to write
 * @param buf      source, @p len bytes
 * @param len      bytes to write, at least 1
 * @return 0; or -ENOTSUP, -EINVAL (NULL buffer or len 0), -ENOENT, -EACCES
 *   (no write right, or the PF application denied it), -EMSGSIZE (longer than
 *   the block's capacity; or than the mailbox slot, with a PF that speaks
 *   protocol version 1 only), -ETIMEDOUT, -ENOTCONN.
 */
__rte_experimental
int rte_pmd_vfbc_vf_write_block(uint16_t port_id, uint32_t block_id, const void *buf,
		uint32_t len);

/**
 * VF: fetch and clear the mask of invalidated blocks (bit n: block ID n,
 * for IDs 0..63). Invalidations are OR-ed until fetched.
 *
 * As they arrive, the VF port also raises RTE_ETH_EVENT_VF_MBOX on itself,
 * from a control thread, with ret_param pointing to a uint64_t holding the
 * newly invalidated blocks (which stay to be fetched here). Invalidated
 * well-known blocks are re-read before the event.
 *
 * @param port_id  a net_vfbc_vf port
 * @param[out] mask the invalidated blocks, 0 if none
 * @return 0; or -ENOTSUP, -EINVAL (NULL mask).
 */
__rte_experimental
int rte_pmd_vfbc_vf_get_invalidated(uint16_t port_id, uint64_t *mask);

/**
 * VF: post a read request without waiting, for pipelining many requests.
 * Every token must later be collected with rte_pmd_vfbc_vf_poll(), which is
 * what frees its mailbox slot.
 *
 * Slots are used in sequence order. When the slot this request needs (or,
 * under the PF's vf_outstanding limit, the slot of the request that many
 * before) holds a posted request whose token nobody collected yet, answered
 * or not, the call fails at once with -ENOBUFS: only a poll can free that
 * slot, and the caller may be the thread holding the token. Collect tokens
 * and post again. It waits, up to the port's timeout, only for slots of
 * blocking calls in flight.
 *
 * @param port_id  a net_vfbc_vf port
 * @param block_id block to read
 * @param len  bytes the later poll may receive, at least 1
 * @param[out] token identifies the request for rte_pmd_vfbc_vf_poll()
 * @return 0; or -ENOTSUP, -EINVAL, -ENOBUFS (the slot it needs holds an
 *   uncollected token), -ETIMEDOUT (no free slot within the timeout),
 *   -ENOTCONN.
 */
__rte_experimental
int rte_pmd_vfbc_vf_post_read(uint16_t port_id, uint32_t block_id, uint32_t len,
		uint32_t *token);

/**
 * VF: post a write request without waiting; see rte_pmd_vfbc_vf_post_read().
 * A posted write fits one mailbox slot.
 *
 * @param port_id  a net_vfbc_vf port
 * @param block_id block to write
 * @param buf      source, @p len bytes
 * @param len      bytes to write, at least 1
 * @param[out] token identifies the request for rte_pmd_vfbc_vf_poll()
 * @return 0; or -ENOTSUP, -EINVAL, -EMSGSIZE, -ENOBUFS (the slot it needs
 *   holds an uncollected token), -ETIMEDOUT, -ENOTCONN.
 */
__rte_experimental
int rte_pmd_vfbc_vf_post_write(uint16_t port_id, uint32_t block_id, const void *buf,
		uint32_t len, uint32_t *token);

/**
 * VF: collect the completion of a posted request, if it is there.
 *
 * @param port_id  a net_vfbc_vf port
 * @param token a token from rte_pmd_vfbc_vf_post_read() or
 *   rte_pmd_vfbc_vf_post_write(), not collected yet
 * @param buf  read: destination of the block data; write: may be NULL
 * @param len  size of @p buf
 * @return -EAGAIN while the PF has not answered; otherwise the result the
 *   blocking call would have returned (bytes read, 0 for a write, or
 *   -ENOENT, -EACCES, -EMSGSIZE, -EINVAL), or -ENOTSUP.
 */
__rte_experimental
int rte_pmd_vfbc_vf_poll(uint16_t port_id, uint32_t token, void *buf, uint32_t len);

/**
 * PF: define a block for a VF, initially empty.
 *
 * @param port_id  a net_vfbc_pf port
 * @param vf       VF index, below the PF's num_vfs
 * @param block_id ID of the new block
 * @param capacity bytes, 1..max_block_size devarg
 * @param flags    RTE_PMD_VFBC_BLOCK_VF_READ | RTE_PMD_VFBC_BLOCK_VF_WRITE, or 0
 * @return 0; or -ENOTSUP (not a vfbc PF port), -EINVAL (bad VF, capacity 0,
 *   unknown flag), -EMSGSIZE (capacity over max_block_size), -EEXIST,
 *   -ENOSPC (max_blocks reached), -ENOMEM, -EIO (with the store devarg: the
 *   block is defined but could not be saved).
 */
__rte_experimental
int rte_pmd_vfbc_pf_define_block(uint16_t port_id, uint16_t vf, uint32_t block_id,
		uint32_t capacity, uint32_t flags);

/**
 * PF: set a block's contents, whatever the VF's rights.
 *
 * @param port_id  a net_vfbc_pf port
 * @param vf       VF index, below the PF's num_vfs
 * @param block_id block to set
 * @param buf      new contents, @p len bytes; may be NULL when @p len is 0
 * @param len      new length of the block; 0 empties it
 * @return 0; or -ENOTSUP, -EINVAL (bad VF, NULL buffer with len > 0), -ENOENT,
 *   -EMSGSIZE (longer than the capacity), -EIO (with the store devarg: the
 *   block is set but could not be saved).
 */
__rte_experimental
int rte_pmd_vfbc_pf_set_block(uint16_t port_id, uint16_t vf, uint32_t block_id,
		const void *buf, uint32_t len);

/**
 * PF: copy a block out.
 *
 * @param port_id  a net_vfbc_pf port
 * @param vf       VF index, below the PF's num_vfs
 * @param block_id block to copy
 * @param buf      destination, @p len bytes
 * @param len      size of @p buf, at least 1
 * @return bytes copied, min(len, block length); or -ENOTSUP, -EINVAL (bad VF,
 *   NULL buffer, len 0), -ENOENT.
 */
__rte_experimental
int rte_pmd_vfbc_pf_get_block(uint16_t port_id, uint16_t vf, uint32_t block_id, void *buf,
		uint32_t len);

/**
 * PF: invalidate blocks of a VF (bit n: block ID n). The VF fetches the
 * coalesced mask with rte_pmd_vfbc_vf_get_invalidated().
 *
 * @param port_id    a net_vfbc_pf port
 * @param vf         VF index, below the PF's num_vfs
 * @param block_mask blocks to invalidate, not 0
 * @return 0; or -ENOTSUP, -EINVAL (bad VF, empty mask).
 */
__rte_experimental
int rte_pmd_vfbc_pf_invalidate(uint16_t port_id, uint16_t vf, uint64_t block_mask);

/**
 * PF: serve a quarantined VF again. With the quarantine_after=n devarg, a VF
 * whose n requests in a row were malformed (answered as invalid) is
 * quarantined: the PF no longer reads its mailbox, so its calls end with
 * -ETIMEDOUT, and the other VFs do not notice. Only this call lifts it, at
 * the service's next run; the requests the VF posted meanwhile are then
 * served in order.
 *
 * @param port_id  a net_vfbc_pf port
 * @param vf       VF index, below the PF's num_vfs
 * @return 1 if the VF was quarantined, 0 if not; or -ENOTSUP, -EINVAL.
 */
__rte_experimental
int rte_pmd_vfbc_pf_lift_quarantine(uint16_t port_id, uint16_t vf);

/**
 * PF: whether a VF is quarantined (see rte_pmd_vfbc_pf_lift_quarantine()).
 *
 * @param port_id  a net_vfbc_pf port
 * @param vf       VF index, below the PF's num_vfs
 * @return 1 if quarantined (and no lift is pending), 0 if not; or -ENOTSUP,
 *   -EINVAL.
 */
__rte_experimental
int rte_pmd_vfbc_pf_vf_is_quarantined(uint16_t port_id, uint16_t vf);

/**
 * PF: the rte_service that serves the VF mailboxes, for applications that
 * map services to lcores themselves.
 *
 * @param port_id  a net_vfbc_pf port
 * @param[out] service_id ID of the PF's mailbox service
 * @return 0; or -ENOTSUP, -EINVAL (NULL id).
 */
__rte_experimental
int rte_pmd_vfbc_pf_get_service_id(uint16_t port_id, uint32_t *service_id);

/**
 * PF: number of VFs of a PF port.
 *
 * @param port_id  a net_vfbc_pf port
 * @return num_vfs (1..RTE_PMD_VFBC_MAX_VFS); or -ENOTSUP.
 */
__rte_experimental
int rte_pmd_vfbc_pf_get_num_vfs(uint16_t port_id);

/** Largest capacity of a block: the upper bound of the max_block_size devarg. */
#define RTE_PMD_VFBC_MAX_BLOCK_SIZE (1u << 20)

/** A VF's block, as rte_pmd_vfbc_pf_get_block_info() describes it. */
struct rte_pmd_vfbc_block_info {
	uint32_t block_id; /**< block ID */
	uint32_t capacity; /**< bytes the block can hold */
	uint32_t len;      /**< bytes it holds now */
	uint32_t flags;    /**< RTE_PMD_VFBC_BLOCK_VF_READ | RTE_PMD_VFBC_BLOCK_VF_WRITE */
	uint64_t version;  /**< bumped on every change of the contents */
};

/**
 * PF: describe one block of a VF, by its position in block ID order: calling
 * it with @p index 0, 1, ... until -ENOENT lists every block. Blocks are
 * never removed, so a listing misses only blocks defined while it runs.
 *
 * @param port_id a net_vfbc_pf port
 * @param vf    VF index, below the PF's num_vfs
 * @param index position of the block, from 0
 * @param[out] info the block's description
 * @return 0; or -ENOTSUP (not a vfbc PF port), -EINVAL (bad VF, NULL @p info),
 *   -ENOENT (@p index is past the last block).
 */
__rte_experimental
int rte_pmd_vfbc_pf_get_block_info(uint16_t port_id, uint16_t vf, uint32_t index,
		struct rte_pmd_vfbc_block_info *info);

/**
 * State and counters of a VF's mailbox, as the PF serves it. The error
 * counters split completions by the status the VF got.
 */
struct rte_pmd_vfbc_vf_stats {
	uint32_t nb_blocks;     /**< blocks defined for the VF */
	uint32_t next_seq;      /**< sequence number of the next request the PF accepts */
	uint16_t proto_version; /**< protocol version agreed at attach, 0 if none */
	/**
	 * 1 once a VF attached with a common protocol version; 0 again once the
	 * PF found the VF's process gone, until a VF process attaches again.
	 */
	uint8_t attached;
	uint64_t inval_pending; /**< invalidated blocks the VF has not fetched yet */
	uint64_t attaches;      /**< attach requests served */
	uint64_t requests;      /**< requests taken from the mailbox */
	uint64_t reads;         /**< well-formed read requests among them */
	uint64_t writes;        /**< well-formed write requests among them */
	uint64_t completions;   /**< requests completed, whatever their status */
	uint64_t wakeups;       /**< doorbells rung for VF threads sleeping on a completion */
	uint64_t ok;            /**< completions with success */
	uint64_t err_noent;     /**< -ENOENT: no such block */
	uint64_t err_access;    /**< -EACCES: the VF lacks the right */
	uint64_t err_denied;    /**< -EACCES: the PF application denied the request */
	uint64_t err_msgsize;   /**< -EMSGSIZE: over the capacity or the mailbox slot */
	uint64_t err_inval;     /**< -EINVAL: malformed request */
	uint64_t err_proto;     /**< -EPROTO: protocol error */
};

/**
 * PF: state and counters of a VF's mailbox. The PF's service updates them
 * while this runs: each counter is exact, the set is not one snapshot.
 *
 * @param port_id a net_vfbc_pf port
 * @param vf    VF index, below the PF's num_vfs
 * @param[out] stats filled in
 * @return 0; or -ENOTSUP (not a vfbc PF port), -EINVAL (bad VF, NULL @p stats).
 */
__rte_experimental
int rte_pmd_vfbc_pf_get_vf_stats(uint16_t port_id, uint16_t vf,
		struct rte_pmd_vfbc_vf_stats *stats);

#ifdef __cplusplus
}
#endif

#endif /* RTE_PMD_VFBC_H */
