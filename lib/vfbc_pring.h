/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfbc authors
 */

#ifndef VFBC_PRING_H
#define VFBC_PRING_H

/**
 * @file
 * Packet rings of a VF region (layout in vfbc_wire.h): single-producer
 * single-consumer rings of fixed-size packet buffers that both sides copy
 * into and out of, since PF and VF may be processes with mempools of their
 * own.
 *
 * One struct vfbc_pring is one side's private view of one ring: its pointers
 * were computed from that side's own copy of the geometry, and its own index
 * lives here, only ever stored to shared memory. The other side's index and
 * every descriptor length are read once, bounded, and counted in errors when
 * out of bounds, so a hostile peer can make this side drop packets but never
 * read or write outside the ring.
 *
 * A ring whose peer wrote an index out of bounds is broken: this side stops
 * using it until the peer restarts. The owner tells when that is with an
 * epoch, a count it moves at every restart of the peer (the PF: the VF's
 * attach count, see vfbc_pring_set_epoch()): the ring records the epoch it
 * read before the index that broke it, so a restart that comes any time
 * after, even before this side looks at the ring again, is seen.
 *
 * Burst use, producer: n = vfbc_pring_free_count(); fill slots 0..n-1 with
 * vfbc_pring_put_mbuf() (or vfbc_pring_buf() + vfbc_pring_set_len());
 * vfbc_pring_publish(n). Consumer: n = vfbc_pring_avail(); copy slots out
 * with vfbc_pring_get_mbuf(); vfbc_pring_release(n). One release store of the
 * index per burst; no atomic operation per packet.
 *
 * The mbuf helpers only touch mbuf fields and copy bytes: allocating and
 * freeing mbufs is the caller's business, so this stays free of the mempool
 * library and its unit tests run without EAL.
 */

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rte_branch_prediction.h>
#include <rte_mbuf_core.h>
#include <rte_memcpy.h>

#include "vfbc_wire.h"

#ifdef __cplusplus
extern "C" {
#endif

#define VFBC_PRING_SLOTS_MIN 2u
#define VFBC_PRING_SLOTS_MAX 32768u
#define VFBC_PRING_BUF_MIN 64u
#define VFBC_PRING_BUF_MAX 65536u
#define VFBC_PRING_PAIRS_MAX 16u

/** Geometry of a region's packet rings, the same for every ring. */
struct vfbc_pring_geom {
	uint32_t slots;    /**< per ring, a power of two */
	uint32_t buf_size; /**< bytes per buffer, a multiple of VFBC_WIRE_LINE */
	uint32_t nb_pairs; /**< ring pairs, 1..VFBC_PRING_PAIRS_MAX */
};

/** One side's view of one ring. */
struct vfbc_pring {
	struct vfbc_ring_prod *p;
	struct vfbc_ring_cons *c;
	struct vfbc_ring_desc *desc;
	uint8_t *bufs;
	uint32_t mask;
	uint32_t size;
	uint32_t buf_size;
	uint32_t limit;   /**< producer: at most this many slots in flight */
	uint32_t head;    /**< this side's index: prod for a producer, cons for a consumer */
	uint32_t other;   /**< producer: the consumer's index as last seen */
	bool broken;      /**< the peer's index was out of bounds: ring unusable */
	uint64_t errors;  /**< bounds violations seen (indexes and lengths) */
	const uint64_t *epoch; /**< the peer's restarts, NULL if not followed */
	uint64_t broken_epoch; /**< *epoch as read before the index that broke the ring */
};

/** @return 0 if @p g describes valid rings, else -EINVAL. */
int vfbc_pring_geom_check(const struct vfbc_pring_geom *g);

/** Bytes of one ring of geometry @p g (a multiple of VFBC_WIRE_LINE). */
uint64_t vfbc_pring_stride(const struct vfbc_pring_geom *g);

/** Bytes of all rings of @p g, 0 if invalid or 4 GiB or more (ring_size is 32 bits). */
uint64_t vfbc_pring_area_size(const struct vfbc_pring_geom *g);

/** Ring number of queue pair @p pair in direction @p dir (VFBC_RING_DIR_*). */
static inline uint32_t
vfbc_pring_index(uint32_t pair, uint32_t dir)
{
	return 2 * pair + dir;
}

/**
 * Set up @p r as a view of ring @p index of the ring area at @p area, with
 * index 0 on this side. @p index must be below 2 * g->nb_pairs.
 */
void vfbc_pring_map(struct vfbc_pring *r, uint8_t *area, const struct vfbc_pring_geom *g,
		uint32_t index);

/**
 * Producer taking over a ring a previous producer may have left: start at
 * the consumer's index, so the ring is empty and consistent.
 */
void vfbc_pring_prod_adopt(struct vfbc_pring *r);

/** Consumer taking over a ring: skip what is in it. */
void vfbc_pring_cons_adopt(struct vfbc_pring *r);

/**
 * Follow the peer's restarts through @p epoch, a count its owner moves at
 * every restart (and reads or writes with atomic operations), NULL for none.
 * Set it after vfbc_pring_map(), which clears it.
 */
void vfbc_pring_set_epoch(struct vfbc_pring *r, const uint64_t *epoch);

/**
 * Whether the peer restarted since it broke the ring (its epoch moved since
 * the one read before the bad index): then vfbc_pring_unbreak() may retry it.
 * Always false for a ring that follows no epoch.
 */
bool vfbc_pring_peer_restarted(const struct vfbc_pring *r);

/**
 * Use a broken ring again, from this side's own index; a producer reads the
 * consumer's index again before it writes.
 */
void vfbc_pring_unbreak(struct vfbc_pring *r);

/* The peer's epoch, read before its index so that a restart after is seen. */
static inline uint64_t
vfbc_pring_epoch_read(const struct vfbc_pring *r)
{
	return r->epoch != NULL ? __atomic_load_n(r->epoch, __ATOMIC_ACQUIRE) : 0;
}

/* The peer's index was out of bounds: record the epoch read before it. */
static inline void
vfbc_pring_break(struct vfbc_pring *r, uint64_t epoch)
{
	r->broken = true;
	r->broken_epoch = epoch;
	r->errors++;
}

/** Consumer: tell the producer whether this side polls the ring. */
void vfbc_pring_set_ready(struct vfbc_pring *r, bool ready);

/** Producer: whether the consumer says it polls the ring. */
static inline bool
vfbc_pring_peer_ready(const struct vfbc_pring *r)
{
	return __atomic_load_n(&r->c->ready, __ATOMIC_RELAXED) == 1;
}

/**
 * Producer: free slots, at most @p want. The consumer's index is read again
 * only when the last one seen leaves too few.
 */
static inline uint32_t
vfbc_pring_free_count(struct vfbc_pring *r, uint32_t want)
{
	uint32_t used = r->head - r->other;

	if (unlikely(r->broken))
		return 0;
	if (used >= r->limit || r->limit - used < want) {
		uint64_t epoch = vfbc_pring_epoch_read(r);
		uint32_t cons = __atomic_load_n(&r->c->cons, __ATOMIC_ACQUIRE);

		used = r->head - cons;
		if (unlikely(used > r->size)) {
			vfbc_pring_break(r, epoch);
			return 0;
		}
		r->other = cons;
		if (used >= r->limit)
			return 0;
	}
	return RTE_MIN(want, r->limit - used);
}

/** Producer/consumer: the buffer of slot head + @p i. */
static inline uint8_t *
vfbc_pring_buf(const struct vfbc_pring *r, uint32_t i)
{
	return r->bufs + (size_t)((r->head + i) & r->mask) * r->buf_size;
}

/** Producer: length of the packet in slot head + @p i. */
static inline void
vfbc_pring_set_len(struct vfbc_pring *r, uint32_t i, uint32_t len)
{
	r->desc[(r->head + i) & r->mask].len = len;
}

/**
 * Producer: copy the packet @p m, all its segments, into slot head + @p i.
 * @return the length; -EMSGSIZE if it does not fit a buffer, -EINVAL if it is
 *   empty (nothing copied either way).
 */
static inline int
vfbc_pring_put_mbuf(struct vfbc_pring *r, uint32_t i, const struct rte_mbuf *m)
{
	uint8_t *dst = vfbc_pring_buf(r, i);
	uint32_t len = m->pkt_len, off = 0;

	if (unlikely(len == 0 || len > r->buf_size))
		return len == 0 ? -EINVAL : -EMSGSIZE;
	if (likely(m->nb_segs == 1 && m->data_len == len)) {
		rte_memcpy(dst, rte_pktmbuf_mtod(m, const uint8_t *), len);
	} else {
		/* Gather, trusting pkt_len only as far as the segments go. */
		for (; m != NULL && off < len; m = m->next) {
			uint32_t n = RTE_MIN((uint32_t)m->data_len, len - off);

			rte_memcpy(dst + off, rte_pktmbuf_mtod(m, const uint8_t *), n);
			off += n;
		}
		len = off;
	}
	vfbc_pring_set_len(r, i, len);
	return (int)len;
}

/**
 * Producer: as vfbc_pring_put_mbuf(), without the 4 bytes of the VLAN tag
 * that follow the MAC addresses, which must be in the first segment.
 * @return the length put, -EMSGSIZE, or -EINVAL if the first segment is too short.
 */
static inline int
vfbc_pring_put_mbuf_untag(struct vfbc_pring *r, uint32_t i, const struct rte_mbuf *m)
{
	const uint32_t head = 12, tag = 4;
	uint8_t *dst = vfbc_pring_buf(r, i);
	uint32_t len, off;

	if (unlikely(m->data_len < head + tag + 2 || m->pkt_len < m->data_len))
		return -EINVAL;
	len = m->pkt_len - tag;
	if (unlikely(len > r->buf_size))
		return -EMSGSIZE;
	rte_memcpy(dst, rte_pktmbuf_mtod(m, const uint8_t *), head);
	rte_memcpy(dst + head, rte_pktmbuf_mtod_offset(m, const uint8_t *, head + tag),
			m->data_len - head - tag);
	off = m->data_len - tag;
	for (m = m->next; m != NULL && off < len; m = m->next) {
		uint32_t n = RTE_MIN((uint32_t)m->data_len, len - off);

		rte_memcpy(dst + off, rte_pktmbuf_mtod(m, const uint8_t *), n);
		off += n;
	}
	vfbc_pring_set_len(r, i, off);
	return (int)off;
}

/** Producer: make @p n filled slots visible to the consumer. */
static inline void
vfbc_pring_publish(struct vfbc_pring *r, uint32_t n)
{
	r->head += n;
	__atomic_store_n(&r->p->prod, r->head, __ATOMIC_RELEASE);
}

/** Consumer: slots ready to be read, at most @p max. */
static inline uint32_t
vfbc_pring_avail(struct vfbc_pring *r, uint32_t max)
{
	uint64_t epoch;
	uint32_t prod, n;

	if (unlikely(r->broken))
		return 0;
	epoch = vfbc_pring_epoch_read(r);
	prod = __atomic_load_n(&r->p->prod, __ATOMIC_ACQUIRE);
	n = prod - r->head;
	if (unlikely(n > r->size)) {
		vfbc_pring_break(r, epoch);
		return 0;
	}
	return RTE_MIN(n, max);
}

/**
 * Consumer: the length of slot head + @p i, read once.
 * @return the length, or -EBADMSG (counted in errors) if it is 0 or exceeds a buffer.
 */
static inline int
vfbc_pring_len(struct vfbc_pring *r, uint32_t i)
{
	uint32_t len = __atomic_load_n(&r->desc[(r->head + i) & r->mask].len, __ATOMIC_RELAXED);

	if (unlikely(len == 0 || len > r->buf_size)) {
		r->errors++;
		return -EBADMSG;
	}
	return (int)len;
}

/**
 * Consumer: copy slot head + @p i into the empty single-segment mbuf @p m.
 * @return the length; -EBADMSG (counted in errors) for a bad length;
 *   -EMSGSIZE if the packet is longer than @p m's room. @p m is untouched on error.
 */
static inline int
vfbc_pring_get_mbuf(struct vfbc_pring *r, uint32_t i, struct rte_mbuf *m)
{
	int len = vfbc_pring_len(r, i);

	if (unlikely(len < 0))
		return len;
	if (unlikely((uint32_t)len > (uint32_t)m->buf_len - m->data_off))
		return -EMSGSIZE;
	rte_memcpy(rte_pktmbuf_mtod(m, uint8_t *), vfbc_pring_buf(r, i), (size_t)len);
	m->data_len = (uint16_t)len;
	m->pkt_len = (uint32_t)len;
	return len;
}

/** Consumer: give @p n read slots back to the producer. */
static inline void
vfbc_pring_release(struct vfbc_pring *r, uint32_t n)
{
	r->head += n;
	__atomic_store_n(&r->c->cons, r->head, __ATOMIC_RELEASE);
}

#ifdef __cplusplus
}
#endif

#endif /* VFBC_PRING_H */
