/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfbc authors
 */

#ifndef VFBC_WIRE_H
#define VFBC_WIRE_H

/**
 * @file
 * Wire format of a VF region: the only memory a PF and one of its VFs share.
 *
 * A region is a file mapped by the PF and by exactly one VF. It starts with a
 * header of three cache lines, each with a single writer, followed by the
 * mailbox slots:
 *
 *   offset 0    struct vfbc_region_info  written once by the PF at creation
 *   offset 64   struct vfbc_pf_ctl       written by the PF (the VF may only
 *                                        fetch-and-clear inval_mask, and bump
 *                                        doorbells to wake its own threads)
 *   offset 128  struct vfbc_vf_ctl       written by the VF, untrusted by the PF
 *   mbox_offset mbox_depth slots of slot_size bytes: a struct vfbc_mbox_desc
 *               followed by slot_data_max bytes of payload
 *   ring_offset nb_ring_pairs packet ring pairs (see "Packet rings" below),
 *               ring_size bytes in all; absent when ring_offset is 0
 *
 * All fields are in host byte order: a region never leaves the host.
 *
 * Everything the VF can write is hostile input for the PF. The PF keeps its own
 * copy of the layout and never reads an offset or size back from the region.
 */

#include <stdint.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/** "VFBC" in little-endian byte order. */
#define VFBC_REGION_MAGIC UINT32_C(0x43424656)
/** Layout of the region header and descriptors; bumped on any incompatible change. */
#define VFBC_ABI_VERSION 2
/**
 * Mailbox protocol versions this build speaks (negotiated at attach).
 * 1: single-slot reads and writes. 2: also chunked reads and writes of blocks
 * larger than a slot (VFBC_OP_READ_CHUNK, VFBC_OP_WRITE_CHUNK).
 */
#define VFBC_PROTO_VERSION_MIN 1
#define VFBC_PROTO_VERSION_MAX 2
/** First protocol version with chunked transfers. */
#define VFBC_PROTO_VERSION_CHUNKS 2

#define VFBC_WIRE_LINE 64

/** PF states published in vfbc_pf_ctl.pf_state. */
enum vfbc_pf_state {
	VFBC_PF_STATE_INIT = 0,  /**< region created, PF not serving yet */
	VFBC_PF_STATE_READY = 1, /**< PF serves the mailbox */
	VFBC_PF_STATE_GONE = 2,  /**< PF closed: no request will ever complete */
};

/** Mailbox operations. */
enum vfbc_op {
	VFBC_OP_READ = 1,  /**< copy a block into the slot payload */
	VFBC_OP_WRITE = 2, /**< replace a block with the slot payload */
	/**
	 * Protocol 2: copy req_len bytes of a block from req_offset into the slot
	 * payload; the completion also carries the block's length and version,
	 * so that a VF reading a block in several chunks can tell whether it
	 * changed in between.
	 */
	VFBC_OP_READ_CHUNK = 3,
	/**
	 * Protocol 2: stage req_len bytes of payload at req_offset of a write of
	 * req_total bytes. A chunk at offset 0 starts a new staged write (dropping
	 * any other); the others must follow it in order. The chunk that
	 * completes req_total bytes replaces the block with the staged bytes at
	 * once; its completion is the write's result.
	 */
	VFBC_OP_WRITE_CHUNK = 4,
};

/**
 * Completion status on the wire. Deliberately not errno values, so the wire
 * format does not depend on the C library of either side.
 */
enum vfbc_status {
	VFBC_ST_OK = 0,
	VFBC_ST_NOENT = 1,   /**< no such block */
	VFBC_ST_ACCES = 2,   /**< the VF lacks the right for this operation */
	VFBC_ST_MSGSIZE = 3, /**< longer than the block capacity or the slot */
	VFBC_ST_INVAL = 4,   /**< malformed request */
	VFBC_ST_PROTO = 5,   /**< no protocol version in common */
	VFBC_ST_DENIED = 6,  /**< the PF application refused the request */
	VFBC_ST_MAX,
};

/** First line: PF-written once when the region is created. */
struct vfbc_region_info {
	uint32_t magic;         /**< VFBC_REGION_MAGIC, written last at creation */
	uint16_t abi_version;   /**< VFBC_ABI_VERSION */
	uint16_t hdr_size;      /**< sizeof(struct vfbc_region_hdr) */
	uint64_t region_size;   /**< bytes in the whole region */
	uint64_t pf_generation; /**< random, distinct for each PF instance */
	uint16_t vf_index;      /**< which VF of the PF this region belongs to */
	uint16_t num_vfs;       /**< VFs of the PF */
	uint32_t mbox_offset;   /**< first slot, from the region start */
	uint32_t mbox_depth;    /**< slots, a power of two */
	uint32_t slot_size;     /**< bytes per slot, a multiple of VFBC_WIRE_LINE */
	uint32_t slot_data_max; /**< payload bytes per slot */
	uint32_t ring_offset;   /**< packet rings, 0 if none */
	uint32_t ring_size;     /**< bytes of packet rings */
	uint32_t ring_slots;    /**< slots per packet ring, a power of two */
	uint32_t pkt_buf_size;  /**< bytes per ring slot buffer, a multiple of VFBC_WIRE_LINE */
	uint32_t nb_ring_pairs; /**< packet ring pairs: one per queue pair */
};

/** Second line: PF-written control state. */
struct vfbc_pf_ctl {
	uint32_t pf_state;       /**< enum vfbc_pf_state */
	uint32_t attach_ack;     /**< echo of vfbc_vf_ctl.attach_nonce, written last */
	uint16_t proto_version;  /**< agreed protocol version, 0 when none */
	uint16_t attach_status;  /**< enum vfbc_status of the last attach */
	uint32_t first_seq;      /**< sequence number of the VF's first request */
	uint32_t cpl_doorbell;   /**< futex word, bumped to wake sleeping VF threads */
	uint32_t inval_seq;      /**< futex word, bumped on every invalidation */
	uint64_t inval_mask;     /**< invalidated blocks 0..63, OR-ed until fetched */
	uint32_t uplink_up;      /**< 1 while the PF's port is started; changes ring inval_seq */
	uint32_t max_outstanding; /**< requests the VF may have posted at once, 0: mbox_depth */
	uint32_t reserved[6];
};

/** Third line: VF-written control state. Untrusted by the PF. */
struct vfbc_vf_ctl {
	uint32_t attach_nonce;   /**< a new value asks the PF to (re)attach, written last */
	uint16_t proto_min;      /**< lowest protocol version the VF speaks */
	uint16_t proto_max;      /**< highest protocol version the VF speaks */
	uint32_t cpl_sleepers;   /**< VF threads sleeping on pf_ctl.cpl_doorbell */
	uint32_t reserved[13];
};

/** Region header: three lines with one writer each. */
struct vfbc_region_hdr {
	struct vfbc_region_info info;
	struct vfbc_pf_ctl pf;
	struct vfbc_vf_ctl vf;
	uint8_t reserved[VFBC_WIRE_LINE];
};

/**
 * One mailbox descriptor, the first line of a slot.
 *
 * The VF posts request N in slot (N & (mbox_depth - 1)) by filling the request
 * half and then storing req_seq = N with release semantics. The PF serves
 * requests strictly in sequence order: it only looks at the slot of the next
 * sequence number it expects. It completes by filling the completion half and
 * then storing cpl_seq = N (release). A waiter accepts a completion only when
 * cpl_seq equals its own request's sequence number, so a late completion can
 * never finish another request.
 */
struct vfbc_mbox_desc {
	/* Request half: VF-written, read exactly once by the PF. */
	uint32_t req_seq;    /**< written last */
	uint16_t opcode;     /**< enum vfbc_op */
	uint16_t flags;      /**< must be 0 */
	uint32_t block_id;
	uint32_t req_len;    /**< write: payload bytes; read: buffer bytes */
	uint32_t req_offset; /**< chunk ops: offset of the chunk in the block */
	uint32_t req_total;  /**< VFBC_OP_WRITE_CHUNK: bytes of the whole write */
	uint32_t req_reserved[2];
	/* Completion half: PF-written. */
	uint32_t cpl_seq;    /**< written last */
	uint32_t cpl_status; /**< enum vfbc_status */
	uint32_t cpl_len;    /**< read: payload bytes returned; write: bytes stored */
	uint32_t cpl_total;  /**< VFBC_OP_READ_CHUNK: the block's length */
	uint64_t cpl_version; /**< VFBC_OP_READ_CHUNK: the block's version */
	uint32_t cpl_reserved[2];
};

/**
 * @name Packet rings
 *
 * Ring pair q (one per queue pair) is two single-producer single-consumer
 * rings: ring 2q carries VF Tx to PF Rx, ring 2q + 1 PF Tx to VF Rx. Ring r
 * starts at ring_offset + r * stride (vfbc_pring.h computes the stride) and is
 *
 *   +0     struct vfbc_ring_prod   written by the producer only
 *   +64    struct vfbc_ring_cons   written by the consumer only
 *   +128   ring_slots struct vfbc_ring_desc, padded to a line
 *   then   ring_slots buffers of pkt_buf_size bytes
 *
 * Indexes run freely over 32 bits; slot i is i & (ring_slots - 1). The
 * producer fills buffers and descriptors, then stores prod with release
 * semantics, once per burst; the consumer loads prod with acquire semantics,
 * copies out, then stores cons with release semantics, once per burst. A
 * packet is whole in one slot: a producer gathers segments into the buffer.
 * Each side keeps its own index privately and only publishes it: nobody ever
 * reads back an index it wrote, and prod - cons must never exceed ring_slots.
 * @{
 */
/** VF Tx to PF Rx. */
#define VFBC_RING_DIR_TO_PF 0
/** PF Tx to VF Rx. */
#define VFBC_RING_DIR_TO_VF 1

/** Producer's line. */
struct vfbc_ring_prod {
	uint32_t prod;          /**< slots published so far, release store */
	uint32_t reserved[15];
};

/** Consumer's line. */
struct vfbc_ring_cons {
	uint32_t cons;          /**< slots consumed so far, release store */
	uint32_t ready;         /**< 1 while the consumer polls (its port is started) */
	uint32_t reserved[14];
};

/** Head of a ring: one line per writer. */
struct vfbc_ring_hdr {
	struct vfbc_ring_prod p;
	struct vfbc_ring_cons c;
};

/** One slot's descriptor, written by the producer before it publishes prod. */
struct vfbc_ring_desc {
	uint32_t len;           /**< packet bytes in the slot's buffer */
	uint32_t flags;         /**< 0 */
};
/** @} */

/* The layout is ABI: a change here needs a VFBC_ABI_VERSION bump. */
_Static_assert(sizeof(struct vfbc_ring_prod) == VFBC_WIRE_LINE, "producer line");
_Static_assert(sizeof(struct vfbc_ring_cons) == VFBC_WIRE_LINE, "consumer line");
_Static_assert(offsetof(struct vfbc_ring_hdr, c) == VFBC_WIRE_LINE, "consumer line offset");
_Static_assert(sizeof(struct vfbc_ring_desc) == 8, "ring descriptor size");
_Static_assert(offsetof(struct vfbc_region_info, ring_offset) == 44, "ring offset");
_Static_assert(offsetof(struct vfbc_region_info, nb_ring_pairs) == 60, "ring pairs offset");
_Static_assert(sizeof(struct vfbc_region_info) == VFBC_WIRE_LINE, "region info is one line");
_Static_assert(sizeof(struct vfbc_pf_ctl) == VFBC_WIRE_LINE, "pf ctl is one line");
_Static_assert(sizeof(struct vfbc_vf_ctl) == VFBC_WIRE_LINE, "vf ctl is one line");
_Static_assert(sizeof(struct vfbc_region_hdr) == 4 * VFBC_WIRE_LINE, "header is four lines");
_Static_assert(offsetof(struct vfbc_region_hdr, pf) == 64, "pf ctl offset");
_Static_assert(offsetof(struct vfbc_region_hdr, vf) == 128, "vf ctl offset");
_Static_assert(offsetof(struct vfbc_region_info, pf_generation) == 16, "generation offset");
_Static_assert(offsetof(struct vfbc_region_info, mbox_offset) == 28, "mbox offset");
_Static_assert(offsetof(struct vfbc_pf_ctl, inval_mask) % 8 == 0, "inval mask is 8-aligned");
_Static_assert(offsetof(struct vfbc_pf_ctl, inval_mask) == 24, "inval mask offset");
_Static_assert(offsetof(struct vfbc_pf_ctl, uplink_up) == 32, "uplink offset");
_Static_assert(offsetof(struct vfbc_pf_ctl, max_outstanding) == 36, "outstanding offset");
_Static_assert(sizeof(struct vfbc_mbox_desc) == VFBC_WIRE_LINE, "descriptor is one line");
_Static_assert(offsetof(struct vfbc_mbox_desc, block_id) == 8, "block id offset");
_Static_assert(offsetof(struct vfbc_mbox_desc, cpl_seq) == 32, "completion half offset");
_Static_assert(offsetof(struct vfbc_mbox_desc, req_offset) == 16, "request offset");
_Static_assert(offsetof(struct vfbc_mbox_desc, req_total) == 20, "request total");
_Static_assert(offsetof(struct vfbc_mbox_desc, cpl_total) == 44, "completion total");
_Static_assert(offsetof(struct vfbc_mbox_desc, cpl_version) == 48, "completion version");

#ifdef __cplusplus
}
#endif

#endif /* VFBC_WIRE_H */
