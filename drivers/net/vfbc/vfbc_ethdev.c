/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfbc authors
 */

#include <rte_hash_crc.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>

#include "vfbc_ethdev.h"
#include "vfbc_pring.h"

RTE_LOG_REGISTER_DEFAULT(vfbc_logtype, NOTICE);

int
vfbc_ethdev_infos_get(struct rte_eth_dev *dev, struct rte_eth_dev_info *info)
{
	info->max_mac_addrs = 1;
	info->max_rx_pktlen = VFBC_MAX_RX_PKTLEN;
	info->min_mtu = VFBC_MIN_MTU;
	info->max_mtu = VFBC_MAX_MTU;
	info->max_rx_queues = VFBC_MAX_QUEUES;
	info->max_tx_queues = VFBC_MAX_QUEUES;
	info->min_rx_bufsize = 0;
	info->tx_offload_capa = RTE_ETH_TX_OFFLOAD_MULTI_SEGS;
	info->rx_desc_lim.nb_max = UINT16_MAX;
	info->tx_desc_lim.nb_max = UINT16_MAX;
	info->speed_capa = RTE_ETH_LINK_SPEED_10G;
	return 0;
}

void
vfbc_ethdev_infos_rings(struct rte_eth_dev_info *info, const struct vfbc_pring_geom *g)
{
	info->max_rx_queues = (uint16_t)g->nb_pairs;
	info->max_tx_queues = (uint16_t)g->nb_pairs;
	info->rx_desc_lim.nb_max = (uint16_t)RTE_MIN(g->slots, (uint32_t)UINT16_MAX);
	info->rx_desc_lim.nb_min = 1;
	info->rx_desc_lim.nb_align = 1;
	info->tx_desc_lim = info->rx_desc_lim;
	info->default_rxportconf.ring_size = info->rx_desc_lim.nb_max;
	info->default_txportconf.ring_size = info->tx_desc_lim.nb_max;
	info->default_rxportconf.nb_queues = 1;
	info->default_txportconf.nb_queues = 1;
}

int
vfbc_ethdev_configure(struct rte_eth_dev *dev)
{
	return 0;
}

void
vfbc_ethdev_release_queues(struct rte_eth_dev *dev)
{
	uint16_t i;

	for (i = 0; i < dev->data->nb_rx_queues; i++)
		dev->dev_ops->rx_queue_release(dev, i);
	for (i = 0; i < dev->data->nb_tx_queues; i++)
		dev->dev_ops->tx_queue_release(dev, i);
}

int
vfbc_ethdev_stats_get(struct rte_eth_dev *dev, struct rte_eth_stats *stats)
{
	uint16_t i;

	for (i = 0; i < dev->data->nb_rx_queues; i++) {
		const struct vfbc_queue *q = dev->data->rx_queues[i];

		if (q == NULL)
			continue;
		stats->ipackets += q->packets;
		stats->ibytes += q->bytes;
		stats->ierrors += q->errors;
		if (i < RTE_ETHDEV_QUEUE_STAT_CNTRS) {
			stats->q_ipackets[i] = q->packets;
			stats->q_ibytes[i] = q->bytes;
		}
	}
	for (i = 0; i < dev->data->nb_tx_queues; i++) {
		const struct vfbc_queue *q = dev->data->tx_queues[i];

		if (q == NULL)
			continue;
		stats->opackets += q->packets;
		stats->obytes += q->bytes;
		stats->oerrors += q->errors;
		if (i < RTE_ETHDEV_QUEUE_STAT_CNTRS) {
			stats->q_opackets[i] = q->packets;
			stats->q_obytes[i] = q->bytes;
		}
	}
	return 0;
}

uint64_t
vfbc_queue_ring_errors(const struct vfbc_queue *q)
{
	uint64_t n = q->ring_errors != NULL ? q->ring_errors(q) : 0;

	return n >= q->ring_errors_base ? n - q->ring_errors_base : 0;
}

static void
queue_stats_reset(struct vfbc_queue *q)
{
	if (q != NULL) {
		q->packets = 0;
		q->bytes = 0;
		q->errors = 0;
		q->unknown_unicast = 0;
		q->ring_full = 0;
		q->vf_down = 0;
		q->oversize = 0;
		q->ring_errors_base = q->ring_errors != NULL ? q->ring_errors(q) : 0;
	}
}

int
vfbc_ethdev_stats_reset(struct rte_eth_dev *dev)
{
	uint16_t i;

	for (i = 0; i < dev->data->nb_rx_queues; i++)
		queue_stats_reset(dev->data->rx_queues[i]);
	for (i = 0; i < dev->data->nb_tx_queues; i++)
		queue_stats_reset(dev->data->tx_queues[i]);
	return 0;
}

int
vfbc_ethdev_set_link(struct rte_eth_dev *dev, bool up)
{
	struct rte_eth_link link = {
		.link_speed = up ? RTE_ETH_SPEED_NUM_10G : RTE_ETH_SPEED_NUM_NONE,
		.link_duplex = RTE_ETH_LINK_FULL_DUPLEX,
		.link_status = up ? RTE_ETH_LINK_UP : RTE_ETH_LINK_DOWN,
		.link_autoneg = RTE_ETH_LINK_FIXED,
	};

	/* rte_eth_linkstatus_set() returns -1 when the status did not change,
	 * which is no failure of start, stop or link_update.
	 */
	rte_eth_linkstatus_set(dev, &link);
	return 0;
}

int
vfbc_ethdev_mode_ok(struct rte_eth_dev *dev)
{
	return 0;
}

int
vfbc_ethdev_mtu_set(struct rte_eth_dev *dev, uint16_t mtu)
{
	return 0;
}

int
vfbc_ethdev_init(struct rte_eth_dev *dev, const struct rte_ether_addr *mac)
{
	struct rte_eth_dev_data *data = dev->data;

	/* ethdev frees mac_addrs itself when the port is released. */
	data->mac_addrs = rte_zmalloc_socket("vfbc_mac", sizeof(*mac), 0, dev->device->numa_node);
	if (data->mac_addrs == NULL)
		return -ENOMEM;
	*data->mac_addrs = *mac;
	data->dev_flags |= RTE_ETH_DEV_AUTOFILL_QUEUE_XSTATS;
	data->promiscuous = 1;
	data->all_multicast = 1;
	vfbc_ethdev_set_link(dev, false);
	return 0;
}

void
vfbc_ethdev_make_mac(struct rte_ether_addr *mac, const char *name, uint16_t index)
{
	uint32_t h = rte_hash_crc(name, strlen(name), index);

	mac->addr_bytes[0] = 0x02; /* locally administered, unicast */
	mac->addr_bytes[1] = 0x56; /* 'V' */
	mac->addr_bytes[2] = (uint8_t)(h >> 24);
	mac->addr_bytes[3] = (uint8_t)(h >> 16);
	mac->addr_bytes[4] = (uint8_t)(h >> 8);
	mac->addr_bytes[5] = (uint8_t)(h + index);
}

void *
vfbc_ethdev_private_of(uint16_t port_id, const struct eth_dev_ops *ops)
{
	struct rte_eth_dev *dev;

	if (!rte_eth_dev_is_valid_port(port_id))
		return NULL;
	dev = &rte_eth_devices[port_id];
	return dev->dev_ops == ops ? dev->data->dev_private : NULL;
}
