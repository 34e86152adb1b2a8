/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfbc authors
 *
 * Extended statistics of the vfbc ports.
 *
 * Both: the datapath counters (rx_ring_dropped_packets ... tx_oversize_packets,
 * summed over the queues; a counter that does not apply to a port stays 0).
 * Then a VF port
 * lists its mailbox counters (mbox_requests, ...); a PF port lists the
 * counters it keeps for every VF, first summed over all VFs (mbox_requests,
 * ...), then for each VF n (vfn_mbox_requests, ...), as DPDK names per-queue
 * xstats rx_qn_packets.
 *
 * The mailbox counters are written by others than the reader: the PF's
 * service (one writer at a time) or the VF's application threads (under the
 * post lock, or with atomic adds). A relaxed atomic load reads each 64-bit
 * word whole; on x86-64 that is a plain load of an aligned word, so the PF's
 * single writer keeps its cheap non-atomic increments. A reset must not write
 * the counters, which would race their writer: it records their values as a
 * base, and reads return the difference.
 */

#include <stddef.h>

#include <rte_common.h>
#include <rte_string_fns.h>

#include "vfbc_xstats.h"

/* Port counters, first in every port's list. */
enum {
	XSTAT_RX_RING_DROPS,
	XSTAT_TX_RING_DROPS,
	XSTAT_RX_RING_ERRORS,
	XSTAT_TX_RING_ERRORS,
	XSTAT_RX_OVERSIZE,
	XSTAT_TX_UNKNOWN_UNICAST,
	XSTAT_TX_RING_FULL,
	XSTAT_TX_VF_DOWN,
	XSTAT_TX_OVERSIZE,
	XSTAT_NB_PORT,
};

static const char *const port_xstat_names[XSTAT_NB_PORT] = {
	[XSTAT_RX_RING_DROPS] = "rx_ring_dropped_packets",
	[XSTAT_TX_RING_DROPS] = "tx_ring_dropped_packets",
	[XSTAT_RX_RING_ERRORS] = "rx_ring_errors",
	[XSTAT_TX_RING_ERRORS] = "tx_ring_errors",
	[XSTAT_RX_OVERSIZE] = "rx_oversize_packets",
	[XSTAT_TX_UNKNOWN_UNICAST] = "tx_unknown_unicast_packets",
	[XSTAT_TX_RING_FULL] = "tx_ring_full_packets",
	[XSTAT_TX_VF_DOWN] = "tx_vf_down_packets",
	[XSTAT_TX_OVERSIZE] = "tx_oversize_packets",
};

/* A mailbox counter: the word at offset in the stats structure. */
struct mbox_xstat {
	const char *name;
	size_t offset;
};

/* Offset of a counter that is the sum of the error statuses. */
#define ERRORS_SUM SIZE_MAX

#define PF_STAT(k, n, field) \
	[VFBC_PF_VF_XSTAT_ ## k] = { n, offsetof(struct vfbc_pf_mbox_stats, field) }

static const struct mbox_xstat pf_xstats[VFBC_PF_VF_XSTAT_MAX] = {
	PF_STAT(ATTACHES, "mbox_attaches", attaches),
	PF_STAT(REQUESTS, "mbox_requests", requests),
	PF_STAT(READS, "mbox_reads", reads),
	PF_STAT(WRITES, "mbox_writes", writes),
	PF_STAT(COMPLETIONS, "mbox_completions", completions),
	PF_STAT(WAKEUPS, "mbox_wakeups", wakeups),
	[VFBC_PF_VF_XSTAT_ERRORS] = { "mbox_errors", ERRORS_SUM },
	PF_STAT(NOT_FOUND, "mbox_not_found_errors", status[VFBC_ST_NOENT]),
	PF_STAT(ACCESS_DENIED, "mbox_access_denied_errors", status[VFBC_ST_ACCES]),
	PF_STAT(TOO_BIG, "mbox_too_big_errors", status[VFBC_ST_MSGSIZE]),
	PF_STAT(INVALID, "mbox_invalid_errors", status[VFBC_ST_INVAL]),
	PF_STAT(PROTOCOL, "mbox_protocol_errors", status[VFBC_ST_PROTO]),
	PF_STAT(DENIED_BY_POLICY, "mbox_denied_by_policy_errors", status[VFBC_ST_DENIED]),
	PF_STAT(CHUNKS, "mbox_chunks", chunks),
	PF_STAT(STAGED_DROPS, "mbox_staged_write_drops", staged_drops),
	PF_STAT(DEFERRED, "mbox_deferred_requests", deferred),
	PF_STAT(RATE_LIMITED, "mbox_rate_limited_requests", rate_limited),
	PF_STAT(OVER_LIMIT, "mbox_outstanding_exceeded_errors", over_limit),
	PF_STAT(QUARANTINES, "mbox_quarantines", quarantines),
};

/* A new wire status needs its own counter above. */
_Static_assert(VFBC_ST_MAX == 7, "one xstat per error status");

#define VF_STAT(n, field) { n, offsetof(struct vfbc_vf_mbox_stats, field) }

static const struct mbox_xstat vf_xstats[] = {
	VF_STAT("mbox_requests", requests),
	VF_STAT("mbox_completions", completions),
	VF_STAT("mbox_errors", errors),
	VF_STAT("mbox_timeouts", timeouts),
	VF_STAT("mbox_sleeps", sleeps),
	VF_STAT("mbox_read_restarts", read_restarts),
};

#define NB_PF_XSTATS RTE_DIM(pf_xstats)
#define NB_VF_XSTATS RTE_DIM(vf_xstats)

/* Snapshots copy the stats structures word by word. */
_Static_assert(sizeof(struct vfbc_pf_mbox_stats) % sizeof(uint64_t) == 0, "PF stats words");
_Static_assert(sizeof(struct vfbc_vf_mbox_stats) % sizeof(uint64_t) == 0, "VF stats words");

static uint64_t
word(const void *stats, size_t offset)
{
	return __atomic_load_n((const uint64_t *)((const uint8_t *)stats + offset),
			__ATOMIC_RELAXED);
}

static void
snapshot(void *base, const void *stats, size_t size)
{
	size_t off;

	for (off = 0; off < size; off += sizeof(uint64_t))
		*(uint64_t *)((uint8_t *)base + off) = word(stats, off);
}

static uint64_t
since(uint64_t now, uint64_t base)
{
	/* A counter never goes down; never show a wrapped difference either. */
	return now >= base ? now - base : 0;
}

static uint64_t
pf_word(const struct vfbc_pf_mbox_stats *s, size_t offset)
{
	uint64_t sum = 0;
	unsigned int st;

	if (offset != ERRORS_SUM)
		return word(s, offset);
	for (st = VFBC_ST_OK + 1; st < VFBC_ST_MAX; st++)
		sum += word(s->status, st * sizeof(s->status[0]));
	return sum;
}

const char *
vfbc_pf_vf_xstat_name(enum vfbc_pf_vf_xstat k)
{
	return (unsigned int)k < NB_PF_XSTATS ? pf_xstats[k].name : NULL;
}

uint64_t
vfbc_pf_vf_xstat(const struct vfbc_pf_vf *v, enum vfbc_pf_vf_xstat k)
{
	size_t off = pf_xstats[k].offset;

	return since(pf_word(&v->mbox.stats, off), pf_word(&v->xstats_base, off));
}

/* A queue counter: one writer, the polling lcore; read whole. */
static uint64_t
queue_word(const struct vfbc_queue *q, unsigned int id)
{
	switch (id) {
	case XSTAT_RX_RING_DROPS:
	case XSTAT_TX_RING_DROPS:
		return word(&q->errors, 0);
	case XSTAT_RX_RING_ERRORS:
	case XSTAT_TX_RING_ERRORS:
		return vfbc_queue_ring_errors(q);
	case XSTAT_RX_OVERSIZE:
	case XSTAT_TX_OVERSIZE:
		return word(&q->oversize, 0);
	case XSTAT_TX_UNKNOWN_UNICAST:
		return word(&q->unknown_unicast, 0);
	case XSTAT_TX_RING_FULL:
		return word(&q->ring_full, 0);
	case XSTAT_TX_VF_DOWN:
		return word(&q->vf_down, 0);
	}
	return 0;
}

static bool
port_xstat_is_rx(unsigned int id)
{
	return id == XSTAT_RX_RING_DROPS || id == XSTAT_RX_RING_ERRORS || id == XSTAT_RX_OVERSIZE;
}

/* A datapath counter summed over the Rx or the Tx queues. */
static uint64_t
port_value(const struct rte_eth_dev *dev, unsigned int id)
{
	bool rx = port_xstat_is_rx(id);
	void *const *queues = rx ? dev->data->rx_queues : dev->data->tx_queues;
	uint16_t i, n = rx ? dev->data->nb_rx_queues : dev->data->nb_tx_queues;
	uint64_t sum = 0;

	for (i = 0; i < n; i++) {
		const struct vfbc_queue *q = queues[i];

		if (q != NULL)
			sum += queue_word(q, id);
	}
	return sum;
}

static bool
is_pf(const struct rte_eth_dev *dev)
{
	const struct vfbc_port *port = dev->data->dev_private;

	return port->is_pf;
}

/* VFs a PF port lists: none while it has no VF state (failed probe, closed). */
static unsigned int
pf_nb_vfs(const struct vfbc_pf *pf)
{
	return pf->vfs != NULL ? pf->num_vfs : 0;
}

static unsigned int
xstats_count(const struct rte_eth_dev *dev)
{
	if (is_pf(dev))
		return XSTAT_NB_PORT + (1 + pf_nb_vfs(dev->data->dev_private)) * NB_PF_XSTATS;
	return XSTAT_NB_PORT + NB_VF_XSTATS;
}

/* PF ids past the port counters: group 0 sums the VFs, group n + 1 is VF n. */
static void
pf_id_split(unsigned int id, unsigned int *group, enum vfbc_pf_vf_xstat *k)
{
	id -= XSTAT_NB_PORT;
	*group = id / NB_PF_XSTATS;
	*k = (enum vfbc_pf_vf_xstat)(id % NB_PF_XSTATS);
}

static void
xstat_name(const struct rte_eth_dev *dev, unsigned int id, char *name)
{
	enum vfbc_pf_vf_xstat k;
	unsigned int group;

	if (id < XSTAT_NB_PORT) {
		strlcpy(name, port_xstat_names[id], RTE_ETH_XSTATS_NAME_SIZE);
	} else if (!is_pf(dev)) {
		strlcpy(name, vf_xstats[id - XSTAT_NB_PORT].name, RTE_ETH_XSTATS_NAME_SIZE);
	} else {
		pf_id_split(id, &group, &k);
		if (group == 0)
			strlcpy(name, pf_xstats[k].name, RTE_ETH_XSTATS_NAME_SIZE);
		else
			snprintf(name, RTE_ETH_XSTATS_NAME_SIZE, "vf%u_%s", group - 1,
					pf_xstats[k].name);
	}
}

static uint64_t
pf_value(const struct vfbc_pf *pf, unsigned int id)
{
	enum vfbc_pf_vf_xstat k;
	unsigned int group, i;
	uint64_t sum = 0;

	pf_id_split(id, &group, &k);
	if (group != 0)
		return vfbc_pf_vf_xstat(&pf->vfs[group - 1], k);
	for (i = 0; i < pf_nb_vfs(pf); i++)
		sum += vfbc_pf_vf_xstat(&pf->vfs[i], k);
	return sum;
}

static uint64_t
vf_value(const struct vfbc_vf *vf, unsigned int id)
{
	size_t off = vf_xstats[id - XSTAT_NB_PORT].offset;

	return since(word(&vf->mbox.stats, off), word(&vf->xstats_base, off));
}

static uint64_t
xstat_value(const struct rte_eth_dev *dev, unsigned int id)
{
	if (id < XSTAT_NB_PORT)
		return port_value(dev, id);
	if (is_pf(dev))
		return pf_value(dev->data->dev_private, id);
	return vf_value(dev->data->dev_private, id);
}

int
vfbc_xstats_get(struct rte_eth_dev *dev, struct rte_eth_xstat *xstats, unsigned int n)
{
	unsigned int i, count = xstats_count(dev);

	if (xstats == NULL || n < count)
		return (int)count;
	for (i = 0; i < count; i++) {
		xstats[i].id = i;
		xstats[i].value = xstat_value(dev, i);
	}
	return (int)count;
}

int
vfbc_xstats_get_names(struct rte_eth_dev *dev, struct rte_eth_xstat_name *names,
		unsigned int size)
{
	unsigned int i, count = xstats_count(dev);

	if (names == NULL || size < count)
		return (int)count;
	for (i = 0; i < count; i++)
		xstat_name(dev, i, names[i].name);
	return (int)count;
}

int
vfbc_xstats_get_by_id(struct rte_eth_dev *dev, const uint64_t *ids, uint64_t *values,
		unsigned int n)
{
	unsigned int i, count = xstats_count(dev);

	if (ids == NULL) {
		if (values == NULL || n < count)
			return (int)count;
		for (i = 0; i < count; i++)
			values[i] = xstat_value(dev, i);
		return (int)count;
	}
	if (values == NULL)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		if (ids[i] >= count)
			return -EINVAL;
		values[i] = xstat_value(dev, (unsigned int)ids[i]);
	}
	return (int)n;
}

int
vfbc_xstats_get_names_by_id(struct rte_eth_dev *dev, const uint64_t *ids,
		struct rte_eth_xstat_name *names, unsigned int size)
{
	unsigned int i, count = xstats_count(dev);

	if (ids == NULL)
		return vfbc_xstats_get_names(dev, names, size);
	if (names == NULL)
		return -EINVAL;
	for (i = 0; i < size; i++) {
		if (ids[i] >= count)
			return -EINVAL;
		xstat_name(dev, (unsigned int)ids[i], names[i].name);
	}
	return (int)size;
}

int
vfbc_xstats_reset(struct rte_eth_dev *dev)
{
	unsigned int i;

	if (is_pf(dev)) {
		struct vfbc_pf *pf = dev->data->dev_private;

		for (i = 0; i < pf_nb_vfs(pf); i++)
			snapshot(&pf->vfs[i].xstats_base, &pf->vfs[i].mbox.stats,
					sizeof(pf->vfs[i].xstats_base));
	} else {
		struct vfbc_vf *vf = dev->data->dev_private;

		snapshot(&vf->xstats_base, &vf->mbox.stats, sizeof(vf->xstats_base));
	}
	/* ethdev calls only this for rte_eth_xstats_reset(): the basic stats too. */
	return vfbc_ethdev_stats_reset(dev);
}
