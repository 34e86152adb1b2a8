/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfbc authors
 */

#ifndef VFBC_ETHDEV_H
#define VFBC_ETHDEV_H

/**
 * @file
 * What the PF and VF ports have in common as ethdev ports: queues, statistics,
 * link, device info. Both private structures start with struct vfbc_port.
 */

#include <stdbool.h>
#include <stdint.h>

#include <ethdev_driver.h>
#include <rte_ether.h>

#define VFBC_MAX_QUEUES 16
#define VFBC_MAX_RX_PKTLEN 9618
#define VFBC_MIN_MTU RTE_ETHER_MIN_MTU
#define VFBC_MAX_MTU (VFBC_MAX_RX_PKTLEN - RTE_ETHER_HDR_LEN - RTE_ETHER_CRC_LEN)

extern int vfbc_logtype;

#define VFBC_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_ ## level, vfbc_logtype, "vfbc: " fmt "\n", ##__VA_ARGS__)

/**
 * What every queue counts; the queues of vfbc_rxtx.h start with it. One
 * writer: the lcore polling the queue.
 */
struct vfbc_queue {
	struct rte_eth_dev_data *data;
	struct rte_mempool *mp;
	uint16_t queue_id;
	uint16_t port_id;
	uint32_t room;            /**< Rx: data bytes an mbuf of mp holds */
	uint64_t rearm;           /**< Rx: see rearm_word() in vfbc_rxtx.c */
	uint64_t packets;
	uint64_t bytes;
	uint64_t errors;          /**< packets dropped whole (ierrors/oerrors) */
	uint64_t unknown_unicast; /**< PF Tx: no VF has the destination MAC */
	uint64_t ring_full;       /**< PF Tx: copies dropped on a full VF ring */
	uint64_t vf_down;         /**< PF Tx: unicast to a VF that is not up */
	uint64_t oversize;        /**< Tx: longer than a ring buffer; Rx: than an mbuf */
	uint64_t ring_errors_base; /**< ring_errors() at the last reset */
	/** Bounds violations seen in this queue's rings (peer's indexes, lengths). */
	uint64_t (*ring_errors)(const struct vfbc_queue *q);
};

struct vfbc_port {
	bool is_pf;
};

int vfbc_ethdev_infos_get(struct rte_eth_dev *dev, struct rte_eth_dev_info *info);
struct vfbc_pring_geom;
/** Queue and descriptor limits of a port whose rings have geometry @p g. */
void vfbc_ethdev_infos_rings(struct rte_eth_dev_info *info, const struct vfbc_pring_geom *g);
int vfbc_ethdev_configure(struct rte_eth_dev *dev);
/** Ring bounds violations a queue saw since the last reset. */
uint64_t vfbc_queue_ring_errors(const struct vfbc_queue *q);
int vfbc_ethdev_stats_get(struct rte_eth_dev *dev, struct rte_eth_stats *stats);
int vfbc_ethdev_stats_reset(struct rte_eth_dev *dev);
/** Release every queue through the port's own queue release ops. */
void vfbc_ethdev_release_queues(struct rte_eth_dev *dev);
/** Set the link up or down. @return 0. */
int vfbc_ethdev_set_link(struct rte_eth_dev *dev, bool up);
int vfbc_ethdev_mode_ok(struct rte_eth_dev *dev);
int vfbc_ethdev_mtu_set(struct rte_eth_dev *dev, uint16_t mtu);

/**
 * Set up the port's common data; the caller sets dev_ops and burst functions.
 * @return 0 or -ENOMEM.
 */
int vfbc_ethdev_init(struct rte_eth_dev *dev, const struct rte_ether_addr *mac);


/**
 * The eth_dev_ops entries the PF and VF ports share (statistics, modes,
 * xstats); each table adds its own life cycle, link, MTU, queues and dump.
 */
#define VFBC_ETHDEV_COMMON_OPS \
	.stats_get = vfbc_ethdev_stats_get, \
	.stats_reset = vfbc_ethdev_stats_reset, \
	.promiscuous_enable = vfbc_ethdev_mode_ok, \
	.promiscuous_disable = vfbc_ethdev_mode_ok, \
	.allmulticast_enable = vfbc_ethdev_mode_ok, \
	.allmulticast_disable = vfbc_ethdev_mode_ok, \
	.xstats_get = vfbc_xstats_get, \
	.xstats_get_names = vfbc_xstats_get_names, \
	.xstats_get_by_id = vfbc_xstats_get_by_id, \
	.xstats_get_names_by_id = vfbc_xstats_get_names_by_id, \
	.xstats_reset = vfbc_xstats_reset

/** Private data of @p port_id if its dev_ops are @p ops, else NULL. */
void *vfbc_ethdev_private_of(uint16_t port_id, const struct eth_dev_ops *ops);

/** A stable locally administered MAC address derived from a name and an index. */
void vfbc_ethdev_make_mac(struct rte_ether_addr *mac, const char *name, uint16_t index);

#endif /* VFBC_ETHDEV_H */
