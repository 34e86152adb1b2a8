/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfbc authors
 *
 * The datapath of both ports: copies between mbufs and the packet rings of
 * the VF regions, and the PF's switching by destination MAC.
 *
 * Nothing here takes a lock or makes a system call per packet: each burst
 * reads the peer's index once per ring (acquire), copies, and publishes its
 * own index once per ring (release). The only shared state the PF's Tx reads
 * besides the rings is the count of MAC block changes: when it moves, the
 * queue rebuilds its private MAC table from the VFs' MAC blocks, under the
 * stores' locks, off the common path.
 */

#include <rte_hash.h>
#include <rte_hash_crc.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_prefetch.h>

#include "rte_pmd_vfbc.h"
#include "vfbc_pf.h"
#include "vfbc_pring.h"
#include "vfbc_rxtx.h"
#include "vfbc_vf.h"

/* What the PF switches on: a VF's port VLAN (0 for none) and MAC address. */
struct vfbc_mac_key {
	struct rte_ether_addr mac;
	uint16_t vlan;
};

_Static_assert(sizeof(struct vfbc_mac_key) == 8, "hash keys without padding");

/* PF Tx queue q: ring (q, TO_VF) of every VF. */
struct vfbc_pf_txq_vf {
	struct vfbc_pring ring;
	bool broken_logged;
	uint32_t room;  /* free slots found in this burst */
	uint32_t used;  /* slots filled in this burst */
	bool in_burst;
	bool up;        /* in this burst */
	uint16_t vlan;  /* the VF's port VLAN, 0 for none */
};

struct vfbc_pf_txq {
	struct vfbc_queue q; /* first: the common code counts through it */
	struct vfbc_pf *pf;
	struct rte_hash *macs;  /* destination MAC -> VF, private to this queue */
	uint64_t changes_seen;  /* pf->port_changes the table was built from */
	/* The last lookup: frames of a burst mostly go to one VF. */
	struct vfbc_mac_key last_key;
	int32_t last_vf;        /* -1: none */
	uint16_t nb_vfs;
	uint16_t nb_touched;
	uint16_t touched[RTE_PMD_VFBC_MAX_VFS]; /* VFs this burst wrote to */
	struct vfbc_pf_txq_vf vfs[];
};

/* PF Rx queue q: ring (q, TO_PF) of every VF, polled round robin. */
struct vfbc_pf_rxq_vf {
	struct vfbc_pring ring;
	bool broken_logged;
	uint16_t vlan;  /* the VF's port VLAN, inserted in its frames; 0 for none */
};

struct vfbc_pf_rxq {
	struct vfbc_queue q;
	struct vfbc_pf *pf;
	uint64_t changes_seen;  /* pf->port_changes the VLANs were read at */
	uint16_t nb_vfs;
	uint16_t rr; /* VF the next burst starts with */
	struct vfbc_pf_rxq_vf vfs[];
};

/* A VF queue: one ring of its region. */
struct vfbc_vf_queue {
	struct vfbc_queue q;
	struct vfbc_pring ring;
	uint8_t *area;    /* the region's rings the queue maps: a PF restart changes it */
	uint32_t dir;
	uint16_t nb_desc;
};

static void
queue_init(struct vfbc_queue *q, struct rte_eth_dev *dev, uint16_t qid,
		uint64_t (*ring_errors)(const struct vfbc_queue *))
{
	q->data = dev->data;
	q->queue_id = qid;
	q->port_id = dev->data->port_id;
	q->ring_errors = ring_errors;
}

/* ------------------------------------------------------------------ copies */

_Static_assert(offsetof(struct rte_mbuf, port) + sizeof(uint16_t) -
		offsetof(struct rte_mbuf, rearm_data) == sizeof(uint64_t), "rearm word");

/*
 * What an mbuf of this queue's pool looks like from data_off to port after
 * the pool gave it: mbufs are returned to a pool with refcnt 1, one segment
 * and no next, so setting these 8 bytes and the first line's offload fields
 * is a whole reset, without the write to the second cache line that
 * rte_pktmbuf_reset() makes. Drivers rearm their Rx descriptors the same way.
 */
static uint64_t
rearm_word(uint16_t port)
{
	struct rte_mbuf m;
	uint64_t w;

	m.data_off = RTE_PKTMBUF_HEADROOM;
	rte_mbuf_refcnt_set(&m, 1);
	m.nb_segs = 1;
	m.port = port;
	memcpy(&w, RTE_PTR_ADD(&m, offsetof(struct rte_mbuf, rearm_data)), sizeof(w));
	return w;
}

static void
rx_queue_pool(struct vfbc_queue *q, struct rte_mempool *mp)
{
	uint32_t room = rte_pktmbuf_data_room_size(mp);

	q->mp = mp;
	q->rearm = rearm_word(q->port_id);
	q->room = room > RTE_PKTMBUF_HEADROOM ? room - RTE_PKTMBUF_HEADROOM : 0;
}

/* Copy @p len bytes of a frame into @p dst with an 802.1Q tag of @p vlan inserted. */
static void
copy_tagged(uint8_t *dst, const uint8_t *src, uint32_t len, uint16_t vlan)
{
	const uint32_t head = 2 * RTE_ETHER_ADDR_LEN;
	struct rte_vlan_hdr tag;

	rte_memcpy(dst, src, head);
	*(rte_be16_t *)(dst + head) = rte_cpu_to_be_16(RTE_ETHER_TYPE_VLAN);
	tag.vlan_tci = rte_cpu_to_be_16(vlan);
	memcpy(dst + head + 2, &tag.vlan_tci, sizeof(tag.vlan_tci));
	rte_memcpy(dst + head + 4, src + head, len - head);
}

/* Copy up to @p n packets out of @p r into new mbufs, tagged with @p vlan if not 0. */
static uint16_t
rx_ring(struct vfbc_queue *q, struct vfbc_pring *r, struct rte_mbuf **pkts, uint16_t n,
		uint16_t vlan)
{
	const uint32_t tag = vlan != 0 ? sizeof(struct rte_vlan_hdr) : 0;
	uint32_t avail = vfbc_pring_avail(r, n), i;
	uint64_t bytes = 0;
	uint16_t got = 0;

	if (avail == 0)
		return 0;
	if (unlikely(rte_mempool_get_bulk(q->mp, (void **)pkts, avail) != 0)) {
		/* Leave the packets in the ring: the next burst may find mbufs. */
		q->data->rx_mbuf_alloc_failed += avail;
		return 0;
	}
	for (i = 0; i < avail; i++) {
		struct rte_mbuf *m = pkts[got];
		int len;

		if (i + 1 < avail) {
			/* The next packet and the next mbuf's first line. */
			rte_prefetch0(vfbc_pring_buf(r, i + 1));
			rte_prefetch0(pkts[i + 1]);
		}
		len = vfbc_pring_len(r, i); /* counts a bad one as a ring error */
		if (unlikely(len < 0 || (uint32_t)len + tag > q->room ||
				(tag != 0 && len < RTE_ETHER_HDR_LEN))) {
			if (len > 0)
				q->oversize++;
			q->errors++;
			continue;
		}
		/* memcpy, not a cast: the fields are read back as uint16_t. */
		memcpy(RTE_PTR_ADD(m, offsetof(struct rte_mbuf, rearm_data)), &q->rearm,
				sizeof(q->rearm));
		m->ol_flags = 0;
		m->packet_type = 0;
		if (tag == 0)
			rte_memcpy(rte_pktmbuf_mtod(m, void *), vfbc_pring_buf(r, i), (size_t)len);
		else
			copy_tagged(rte_pktmbuf_mtod(m, uint8_t *), vfbc_pring_buf(r, i),
					(uint32_t)len, vlan);
		len += tag;
		m->data_len = (uint16_t)len;
		m->pkt_len = (uint32_t)len;
		bytes += (uint32_t)len;
		got++;
	}
	vfbc_pring_release(r, avail);
	if (unlikely(got < avail))
		rte_mempool_put_bulk(q->mp, (void **)(pkts + got), avail - got);
	q->packets += got;
	q->bytes += bytes;
	return got;
}

/* ---------------------------------------------------------------- PF side */

/*
 * A ring found broken stays so until its VF attaches again (a new VF process,
 * or the same one re-attaching), which takes the ring over consistently. The
 * ring follows the VF's attach count (its epoch) from the moment it broke.
 * @return true if the ring is usable again.
 */
static bool
ring_recover(struct vfbc_queue *q, uint16_t vf, struct vfbc_pring *r, bool *logged,
		bool producer)
{
	if (!*logged) {
		*logged = true;
		VFBC_LOG(ERR, "%s: VF %u wrote an out-of-bounds index in its %s ring of queue %u: "
				"ignoring the ring until the VF attaches again", q->data->name, vf,
				producer ? "Rx" : "Tx", q->queue_id);
	}
	if (!vfbc_pring_peer_restarted(r))
		return false;
	*logged = false;
	vfbc_pring_unbreak(r);
	return true;
}

/* The VF's attach count: a ring it broke is retried once it moves. */
static void
ring_follow_attaches(struct vfbc_pring *r, struct vfbc_pf *pf, uint16_t vf)
{
	vfbc_pring_set_epoch(r, &pf->vfs[vf].mbox.stats.attaches);
}

static uint64_t
pf_rxq_ring_errors(const struct vfbc_queue *q)
{
	const struct vfbc_pf_rxq *rxq = (const struct vfbc_pf_rxq *)q;
	uint64_t sum = 0;
	uint16_t i;

	for (i = 0; i < rxq->nb_vfs; i++)
		sum += __atomic_load_n(&rxq->vfs[i].ring.errors, __ATOMIC_RELAXED);
	return sum;
}

static uint64_t
pf_txq_ring_errors(const struct vfbc_queue *q)
{
	const struct vfbc_pf_txq *txq = (const struct vfbc_pf_txq *)q;
	uint64_t sum = 0;
	uint16_t i;

	for (i = 0; i < txq->nb_vfs; i++)
		sum += __atomic_load_n(&txq->vfs[i].ring.errors, __ATOMIC_RELAXED);
	return sum;
}

/* A VF's port VLAN from its VPort block, 0 if none or unreadable. */
static uint16_t
vf_port_vlan(struct vfbc_pf *pf, uint16_t vf)
{
	struct rte_pmd_vfbc_vport_block b;

	if (vfbc_store_get(&pf->vfs[vf].store, RTE_PMD_VFBC_BLOCK_ID_VPORT, &b,
			sizeof(b)) != (int)sizeof(b) || b.version != RTE_PMD_VFBC_VPORT_VERSION ||
			b.vlan_id > RTE_ETHER_MAX_VLAN_ID)
		return 0;
	return b.vlan_id;
}

static void
rx_vlans_read(struct vfbc_pf_rxq *rxq, uint64_t changes)
{
	uint16_t vf;

	for (vf = 0; vf < rxq->nb_vfs; vf++)
		rxq->vfs[vf].vlan = vf_port_vlan(rxq->pf, vf);
	rxq->changes_seen = changes;
}

/* VF Tx to PF Rx: all VFs' rings, starting with a different VF each burst. */
uint16_t
vfbc_pf_rx_burst(void *queue, struct rte_mbuf **pkts, uint16_t n)
{
	struct vfbc_pf_rxq *rxq = queue;
	uint64_t changes = __atomic_load_n(&rxq->pf->port_changes, __ATOMIC_ACQUIRE);
	uint16_t k, vf = rxq->rr, nb = 0;

	if (unlikely(changes != rxq->changes_seen))
		rx_vlans_read(rxq, changes);

	for (k = 0; k < rxq->nb_vfs && nb < n; k++) {
		struct vfbc_pf_rxq_vf *v = &rxq->vfs[vf];

		if (unlikely(v->ring.broken) &&
				!ring_recover(&rxq->q, vf, &v->ring, &v->broken_logged, false))
			goto next;
		nb += rx_ring(&rxq->q, &v->ring, pkts + nb, n - nb, v->vlan);
next:
		if (++vf == rxq->nb_vfs)
			vf = 0;
	}
	if (++rxq->rr == rxq->nb_vfs)
		rxq->rr = 0;
	return nb;
}

/* Destination MAC -> VF, from the VFs' MAC blocks. The first VF of a MAC wins. */
static void
mac_table_rebuild(struct vfbc_pf_txq *txq, uint64_t changes)
{
	struct vfbc_pf *pf = txq->pf;
	uint16_t vf;

	rte_hash_reset(txq->macs);
	for (vf = 0; vf < txq->nb_vfs; vf++) {
		struct rte_pmd_vfbc_mac_block b;
		struct vfbc_mac_key key;

		txq->vfs[vf].vlan = vf_port_vlan(pf, vf);
		if (vfbc_store_get(&pf->vfs[vf].store, RTE_PMD_VFBC_BLOCK_ID_MAC, &b,
				sizeof(b)) != (int)sizeof(b))
			continue;
		memset(&key, 0, sizeof(key));
		memcpy(key.mac.addr_bytes, b.addr, sizeof(key.mac.addr_bytes));
		key.vlan = txq->vfs[vf].vlan;
		if (!rte_is_valid_assigned_ether_addr(&key.mac) ||
				rte_hash_lookup(txq->macs, &key) >= 0)
			continue;
		rte_hash_add_key_data(txq->macs, &key, (void *)(uintptr_t)vf);
	}
	txq->last_vf = -1;
	txq->changes_seen = changes;
}

/*
 * A VF is up for the PF's Tx when it is attached and its Rx queue polls the
 * ring. A VF process that died leaves its ring saying it is polled: the
 * service marks it gone when it finds the process gone (check_peers()).
 */
static inline bool
vf_up(const struct vfbc_pf *pf, uint16_t vf, const struct vfbc_pring *r)
{
	const struct vfbc_pf_mbox *mb = &pf->vfs[vf].mbox;

	return __atomic_load_n(&mb->attached, __ATOMIC_RELAXED) &&
		!__atomic_load_n(&mb->peer_gone, __ATOMIC_RELAXED) &&
		vfbc_pring_peer_ready(r);
}

/* Copy @p m into VF @p vf's ring; the ring is published at the end of the burst. */
static bool
pf_tx_to_vf(struct vfbc_pf_txq *txq, uint16_t vf, struct rte_mbuf *m, uint16_t want,
		bool unicast, bool tagged)
{
	struct vfbc_pf_txq_vf *d = &txq->vfs[vf];
	int len;

	/* Whether the VF is up and how much room it has: once per burst. */
	if (!d->in_burst) {
		d->in_burst = true;
		txq->touched[txq->nb_touched++] = vf;
		d->used = 0;
		d->room = 0;
		d->up = vf_up(txq->pf, vf, &d->ring);
		if (d->up) {
			if (unlikely(d->ring.broken))
				ring_recover(&txq->q, vf, &d->ring, &d->broken_logged, true);
			d->room = vfbc_pring_free_count(&d->ring, want);
		}
	}
	if (unlikely(!d->up)) {
		if (unicast)
			txq->q.vf_down++;
		return false;
	}
	if (unlikely(d->used == d->room)) {
		txq->q.ring_full++;
		return false;
	}
	/* A VF in a port VLAN gets its frames without the tag. */
	len = likely(!tagged) ? vfbc_pring_put_mbuf(&d->ring, d->used, m) :
		vfbc_pring_put_mbuf_untag(&d->ring, d->used, m);
	if (unlikely(len < 0)) {
		if (len == -EMSGSIZE)
			txq->q.oversize++;
		return false;
	}
	d->used++;
	return true;
}

/* Switch one packet on its VLAN (0 if untagged) and destination MAC. @return
 * whether at least one VF got it.
 */
static bool
pf_tx_one(struct vfbc_pf_txq *txq, struct rte_mbuf *m, uint16_t want)
{
	const struct rte_ether_hdr *eh = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	struct vfbc_mac_key key;
	bool sent = false, tagged = false;
	uint16_t vf, vlan = 0;
	void *data;

	if (unlikely(m->data_len < sizeof(*eh)))
		return false;
	if (unlikely(eh->ether_type == RTE_BE16(RTE_ETHER_TYPE_VLAN))) {
		const struct rte_vlan_hdr *vh = (const struct rte_vlan_hdr *)(eh + 1);

		if (m->data_len < sizeof(*eh) + sizeof(*vh))
			return false;
		vlan = rte_be_to_cpu_16(vh->vlan_tci) & RTE_ETHER_MAX_VLAN_ID;
		/* A priority tag (VLAN 0) stays: only port VLANs are stripped. */
		tagged = vlan != 0;
	}
	if (likely(rte_is_unicast_ether_addr(&eh->dst_addr))) {
		/* The last destination again: compared in place, no key built. */
		if (likely(txq->last_vf >= 0 && vlan == txq->last_key.vlan &&
				rte_is_same_ether_addr(&eh->dst_addr, &txq->last_key.mac)))
			return pf_tx_to_vf(txq, (uint16_t)txq->last_vf, m, want, true, tagged);
		key.mac = eh->dst_addr;
		key.vlan = vlan;
		if (unlikely(rte_hash_lookup_data(txq->macs, &key, &data) < 0)) {
			txq->q.unknown_unicast++;
			return false;
		}
		txq->last_key = key;
		txq->last_vf = (int32_t)(uintptr_t)data;
		return pf_tx_to_vf(txq, (uint16_t)(uintptr_t)data, m, want, true, tagged);
	}
	/* Broadcast and multicast: a copy to every VF of the VLAN that is up. */
	for (vf = 0; vf < txq->nb_vfs; vf++)
		if (txq->vfs[vf].vlan == vlan)
			sent |= pf_tx_to_vf(txq, vf, m, want, false, tagged);
	return sent;
}

uint16_t
vfbc_pf_tx_burst(void *queue, struct rte_mbuf **pkts, uint16_t n)
{
	struct vfbc_pf_txq *txq = queue;
	uint64_t changes = __atomic_load_n(&txq->pf->port_changes, __ATOMIC_ACQUIRE);
	uint64_t bytes = 0, sent = 0;
	uint16_t i;

	if (unlikely(changes != txq->changes_seen))
		mac_table_rebuild(txq, changes);
	for (i = 0; i < n; i++) {
		if (i + 1 < n)
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + 1], void *));
		if (pf_tx_one(txq, pkts[i], n - i)) {
			sent++;
			bytes += pkts[i]->pkt_len;
		}
	}
	for (i = 0; i < txq->nb_touched; i++) {
		struct vfbc_pf_txq_vf *d = &txq->vfs[txq->touched[i]];

		if (d->used != 0)
			vfbc_pring_publish(&d->ring, d->used);
		d->in_burst = false;
	}
	txq->nb_touched = 0;
	/* A switch does not push back: what no VF took is dropped and counted. */
	rte_pktmbuf_free_bulk(pkts, n);
	txq->q.packets += sent;
	txq->q.bytes += bytes;
	txq->q.errors += n - sent;
	return n;
}

static struct rte_hash *
mac_table_create(struct rte_eth_dev *dev, uint16_t qid, unsigned int socket, uint16_t nb_vfs)
{
	char name[RTE_HASH_NAMESIZE];
	struct rte_hash_parameters hp = {
		.name = name,
		.entries = RTE_MAX(64u, 2u * nb_vfs),
		.key_len = sizeof(struct vfbc_mac_key),
		.hash_func = rte_hash_crc,
		.socket_id = (int)socket,
	};

	snprintf(name, sizeof(name), "vfbc_mac_%u_%u", dev->data->port_id, qid);
	return rte_hash_create(&hp);
}

static void *
queue_zalloc(const char *what, size_t size, unsigned int socket)
{
	return rte_zmalloc_socket(what, size, RTE_CACHE_LINE_SIZE, (int)socket);
}

static uint32_t
ring_limit(uint16_t nb_desc, const struct vfbc_pring_geom *g)
{
	return nb_desc == 0 || nb_desc > g->slots ? g->slots : nb_desc;
}

int
vfbc_pf_tx_queue_setup(struct rte_eth_dev *dev, uint16_t qid, uint16_t nb_desc,
		unsigned int socket, const struct rte_eth_txconf *conf)
{
	struct vfbc_pf *pf = dev->data->dev_private;
	struct vfbc_pf_txq *txq;
	uint16_t vf;

	vfbc_tx_queue_release(dev, qid);
	txq = queue_zalloc("vfbc_pf_txq", sizeof(*txq) + pf->num_vfs * sizeof(txq->vfs[0]),
			socket);
	if (txq == NULL)
		return -ENOMEM;
	queue_init(&txq->q, dev, qid, pf_txq_ring_errors);
	txq->pf = pf;
	txq->nb_vfs = pf->num_vfs;
	txq->macs = mac_table_create(dev, qid, socket, pf->num_vfs);
	if (txq->macs == NULL) {
		VFBC_LOG(ERR, "%s: cannot create the MAC table of Tx queue %u: %s",
				dev->data->name, qid, rte_strerror(rte_errno));
		rte_free(txq);
		return -ENOMEM;
	}
	for (vf = 0; vf < pf->num_vfs; vf++) {
		struct vfbc_pring *r = &txq->vfs[vf].ring;

		vfbc_pring_map(r, pf->vfs[vf].region.ring_area, &pf->params.rings,
				vfbc_pring_index(qid, VFBC_RING_DIR_TO_VF));
		vfbc_pring_prod_adopt(r);
		ring_follow_attaches(r, pf, vf);
		r->limit = ring_limit(nb_desc, &pf->params.rings);
	}
	/* Build the table at the first burst. */
	txq->changes_seen = ~__atomic_load_n(&pf->port_changes, __ATOMIC_ACQUIRE);
	dev->data->tx_queues[qid] = txq;
	return 0;
}

int
vfbc_pf_rx_queue_setup(struct rte_eth_dev *dev, uint16_t qid, uint16_t nb_desc,
		unsigned int socket, const struct rte_eth_rxconf *conf, struct rte_mempool *mp)
{
	struct vfbc_pf *pf = dev->data->dev_private;
	struct vfbc_pf_rxq *rxq;
	uint16_t vf;

	vfbc_rx_queue_release(dev, qid);
	rxq = queue_zalloc("vfbc_pf_rxq", sizeof(*rxq) + pf->num_vfs * sizeof(rxq->vfs[0]),
			socket);
	if (rxq == NULL)
		return -ENOMEM;
	queue_init(&rxq->q, dev, qid, pf_rxq_ring_errors);
	rx_queue_pool(&rxq->q, mp);
	/* Read the VLANs at the first burst. */
	rxq->changes_seen = ~__atomic_load_n(&pf->port_changes, __ATOMIC_ACQUIRE);
	rxq->pf = pf;
	rxq->nb_vfs = pf->num_vfs;
	for (vf = 0; vf < pf->num_vfs; vf++) {
		struct vfbc_pring *r = &rxq->vfs[vf].ring;

		vfbc_pring_map(r, pf->vfs[vf].region.ring_area, &pf->params.rings,
				vfbc_pring_index(qid, VFBC_RING_DIR_TO_PF));
		vfbc_pring_cons_adopt(r);
		ring_follow_attaches(r, pf, vf);
	}
	dev->data->rx_queues[qid] = rxq;
	return 0;
}

/* ---------------------------------------------------------------- VF side */

static uint64_t
vf_queue_ring_errors(const struct vfbc_queue *q)
{
	const struct vfbc_vf_queue *vq = (const struct vfbc_vf_queue *)q;

	return __atomic_load_n(&vq->ring.errors, __ATOMIC_RELAXED);
}

uint16_t
vfbc_vf_rx_burst(void *queue, struct rte_mbuf **pkts, uint16_t n)
{
	struct vfbc_vf_queue *rxq = queue;

	return rx_ring(&rxq->q, &rxq->ring, pkts, n, 0);
}

/* VF Tx pushes back like a NIC: what does not fit the ring is not taken. */
uint16_t
vfbc_vf_tx_burst(void *queue, struct rte_mbuf **pkts, uint16_t n)
{
	struct vfbc_vf_queue *txq = queue;
	uint32_t room = vfbc_pring_free_count(&txq->ring, n), used = 0;
	uint64_t bytes = 0;
	uint16_t i;

	for (i = 0; i < n && used < room; i++) {
		int len = vfbc_pring_put_mbuf(&txq->ring, used, pkts[i]);

		if (unlikely(len < 0)) {
			if (len == -EMSGSIZE)
				txq->q.oversize++;
			txq->q.errors++; /* and empty packets */
			continue;
		}
		bytes += (uint32_t)len;
		used++;
	}
	if (used != 0)
		vfbc_pring_publish(&txq->ring, used);
	if (i != 0)
		rte_pktmbuf_free_bulk(pkts, i);
	txq->q.packets += used;
	txq->q.bytes += bytes;
	return i;
}

static int
vf_queue_setup(struct rte_eth_dev *dev, uint16_t qid, unsigned int socket, uint32_t dir,
		struct vfbc_vf_queue **out)
{
	struct vfbc_vf *vf = dev->data->dev_private;
	struct vfbc_vf_queue *q;

	if (vf->region.ring_area == NULL || qid >= vf->region.rings.nb_pairs) {
		VFBC_LOG(ERR, "%s: queue %u has no packet ring (the PF has %u ring pairs)",
				dev->data->name, qid, vf->region.rings.nb_pairs);
		return -EINVAL;
	}
	q = queue_zalloc("vfbc_vf_queue", sizeof(*q), socket);
	if (q == NULL)
		return -ENOMEM;
	queue_init(&q->q, dev, qid, vf_queue_ring_errors);
	vfbc_pring_map(&q->ring, vf->region.ring_area, &vf->region.rings,
			vfbc_pring_index(qid, dir));
	q->area = vf->region.ring_area;
	q->dir = dir;
	*out = q;
	return 0;
}

/*
 * At start, the datapath stopped: move a queue set up before its PF was
 * restarted to the new PF's ring. A queue the new PF has no ring for keeps
 * the old one, which nobody reads any more.
 */
static void
vf_queue_follow_region(struct rte_eth_dev *dev, struct vfbc_vf_queue *q)
{
	struct vfbc_vf *vf = dev->data->dev_private;

	rte_rwlock_read_lock(&vf->conn_lock);
	if (q->area != vf->region.ring_area) {
		if (vf->region.ring_area == NULL || q->q.queue_id >= vf->region.rings.nb_pairs) {
			VFBC_LOG(ERR, "%s: queue %u has no packet ring at the restarted PF",
					dev->data->name, q->q.queue_id);
		} else {
			vfbc_pring_map(&q->ring, vf->region.ring_area, &vf->region.rings,
					vfbc_pring_index(q->q.queue_id, q->dir));
			if (q->dir == VFBC_RING_DIR_TO_PF)
				q->ring.limit = ring_limit(q->nb_desc, &vf->region.rings);
			q->area = vf->region.ring_area;
		}
	}
	rte_rwlock_read_unlock(&vf->conn_lock);
}

int
vfbc_vf_rx_queue_setup(struct rte_eth_dev *dev, uint16_t qid, uint16_t nb_desc,
		unsigned int socket, const struct rte_eth_rxconf *conf, struct rte_mempool *mp)
{
	struct vfbc_vf_queue *q;
	int ret;

	vfbc_rx_queue_release(dev, qid);
	ret = vf_queue_setup(dev, qid, socket, VFBC_RING_DIR_TO_VF, &q);
	if (ret < 0)
		return ret;
	rx_queue_pool(&q->q, mp);
	dev->data->rx_queues[qid] = q;
	return 0;
}

int
vfbc_vf_tx_queue_setup(struct rte_eth_dev *dev, uint16_t qid, uint16_t nb_desc,
		unsigned int socket, const struct rte_eth_txconf *conf)
{
	struct vfbc_vf *vf = dev->data->dev_private;
	struct vfbc_vf_queue *q;
	int ret;

	vfbc_tx_queue_release(dev, qid);
	ret = vf_queue_setup(dev, qid, socket, VFBC_RING_DIR_TO_PF, &q);
	if (ret < 0)
		return ret;
	q->ring.limit = ring_limit(nb_desc, &vf->region.rings);
	q->nb_desc = nb_desc;
	dev->data->tx_queues[qid] = q;
	return 0;
}

/*
 * Take the rings over from whoever used them last (an earlier run of this
 * port, or another process): empty and consistent whatever they held.
 */
void
vfbc_vf_rings_start(struct rte_eth_dev *dev)
{
	uint16_t i;

	for (i = 0; i < dev->data->nb_tx_queues; i++) {
		struct vfbc_vf_queue *q = dev->data->tx_queues[i];

		if (q != NULL) {
			vf_queue_follow_region(dev, q);
			vfbc_pring_prod_adopt(&q->ring);
		}
	}
	for (i = 0; i < dev->data->nb_rx_queues; i++) {
		struct vfbc_vf_queue *q = dev->data->rx_queues[i];

		if (q != NULL) {
			vf_queue_follow_region(dev, q);
			vfbc_pring_cons_adopt(&q->ring);
			vfbc_pring_set_ready(&q->ring, true);
		}
	}
}

void
vfbc_vf_rings_claim(struct vfbc_region *r)
{
	struct vfbc_pring ring;
	uint32_t pair;

	if (r->ring_area == NULL)
		return;
	/* A process that died with its port started left them saying ready. */
	for (pair = 0; pair < r->rings.nb_pairs; pair++) {
		vfbc_pring_map(&ring, r->ring_area, &r->rings,
				vfbc_pring_index(pair, VFBC_RING_DIR_TO_VF));
		vfbc_pring_set_ready(&ring, false);
	}
}

void
vfbc_vf_rings_stop(struct rte_eth_dev *dev)
{
	uint16_t i;

	for (i = 0; i < dev->data->nb_rx_queues; i++) {
		struct vfbc_vf_queue *q = dev->data->rx_queues[i];

		if (q != NULL)
			vfbc_pring_set_ready(&q->ring, false);
	}
}

/* ------------------------------------------------------------------- both */

void
vfbc_rx_queue_release(struct rte_eth_dev *dev, uint16_t qid)
{
	struct vfbc_port *port = dev->data->dev_private;
	struct vfbc_vf_queue *q = dev->data->rx_queues[qid];

	if (q == NULL)
		return;
	/* A VF's Rx queue no longer polls its ring: the PF stops sending to it. */
	if (!port->is_pf && ((struct vfbc_vf *)port)->region.ring_area != NULL)
		vfbc_pring_set_ready(&q->ring, false);
	rte_free(q);
	dev->data->rx_queues[qid] = NULL;
}

void
vfbc_tx_queue_release(struct rte_eth_dev *dev, uint16_t qid)
{
	struct vfbc_port *port = dev->data->dev_private;
	void *q = dev->data->tx_queues[qid];

	if (q == NULL)
		return;
	if (port->is_pf)
		rte_hash_free(((struct vfbc_pf_txq *)q)->macs);
	rte_free(q);
	dev->data->tx_queues[qid] = NULL;
}
