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

struct vfbc_queue {
	struct rte_eth_dev_data *data;
	struct rte_mempool *mp;
	uint16_t queue_id;
	uint64_t packets;
	uint64_t bytes;
	uint64_t errors;
};

/* Nothing yet: the datapath adds the packet rings here. */
struct vfbc_port {
	bool is_pf;
};

int vfbc_ethdev_infos_get(struct rte_eth_dev *dev, struct rte_eth_dev_info *info);
int vfbc_ethdev_configure(struct rte_eth_dev *dev);
int vfbc_ethdev_rx_queue_setup(struct rte_eth_dev *dev, uint16_t qid, uint16_t nb_desc,
		unsigned int socket, const struct rte_eth_rxconf *conf, struct rte_mempool *mp);
int vfbc_ethdev_tx_queue_setup(struct rte_eth_dev *dev, uint16_t qid, uint16_t nb_desc,
		unsigned int socket, const struct rte_eth_txconf *conf);
void vfbc_ethdev_rx_queue_release(struct rte_eth_dev *dev, uint16_t qid);
void vfbc_ethdev_tx_queue_release(struct rte_eth_dev *dev, uint16_t qid);
int vfbc_ethdev_stats_get(struct rte_eth_dev *dev, struct rte_eth_stats *stats);
int vfbc_ethdev_stats_reset(struct rte_eth_dev *dev);
/** Set the link up or down. @return 0. */
int vfbc_ethdev_set_link(struct rte_eth_dev *dev, bool up);
int vfbc_ethdev_mode_ok(struct rte_eth_dev *dev);
int vfbc_ethdev_mtu_set(struct rte_eth_dev *dev, uint16_t mtu);
void vfbc_ethdev_release_queues(struct rte_eth_dev *dev);

/**
 * Set up the port's common data and burst functions; the caller sets dev_ops.
 * @return 0 or -ENOMEM.
 */
int vfbc_ethdev_init(struct rte_eth_dev *dev, const struct rte_ether_addr *mac);

uint16_t vfbc_ethdev_rx_none(void *queue, struct rte_mbuf **pkts, uint16_t n);
uint16_t vfbc_ethdev_tx_drop(void *queue, struct rte_mbuf **pkts, uint16_t n);

/**
 * The eth_dev_ops entries the PF and VF ports share (statistics, modes,
 * queues, xstats); each table adds its own life cycle, link, MTU and dump.
 */
#define VFBC_ETHDEV_COMMON_OPS \
	.stats_get = vfbc_ethdev_stats_get, \
	.stats_reset = vfbc_ethdev_stats_reset, \
	.promiscuous_enable = vfbc_ethdev_mode_ok, \
	.promiscuous_disable = vfbc_ethdev_mode_ok, \
	.allmulticast_enable = vfbc_ethdev_mode_ok, \
	.allmulticast_disable = vfbc_ethdev_mode_ok, \
	.rx_queue_setup = vfbc_ethdev_rx_queue_setup, \
	.tx_queue_setup = vfbc_ethdev_tx_queue_setup, \
	.rx_queue_release = vfbc_ethdev_rx_queue_release, \
	.tx_queue_release = vfbc_ethdev_tx_queue_release, \
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
