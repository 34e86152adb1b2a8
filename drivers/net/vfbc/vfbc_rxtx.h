/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfbc authors
 */

#ifndef VFBC_RXTX_H
#define VFBC_RXTX_H

/**
 * @file
 * The datapath: queues over the packet rings of vfbc_pring.h.
 *
 * Queue pair q of every port uses ring pair q of every VF region, so each
 * ring has exactly one producer and one consumer:
 *   - VF Tx queue q produces into its region's ring (q, TO_PF), which PF Rx
 *     queue q consumes, polling all VFs' rings round robin;
 *   - PF Tx queue q produces into ring (q, TO_VF) of every VF, which that VF's
 *     Rx queue q consumes.
 * The PF switches what it sends by destination MAC (the VFs' MAC blocks).
 */

#include <stdint.h>

#include <ethdev_driver.h>

struct vfbc_pf;
struct vfbc_vf;

/* eth_dev_ops of the PF's queues. */
int vfbc_pf_rx_queue_setup(struct rte_eth_dev *dev, uint16_t qid, uint16_t nb_desc,
		unsigned int socket, const struct rte_eth_rxconf *conf, struct rte_mempool *mp);
int vfbc_pf_tx_queue_setup(struct rte_eth_dev *dev, uint16_t qid, uint16_t nb_desc,
		unsigned int socket, const struct rte_eth_txconf *conf);
/* eth_dev_ops of the VF's queues. */
int vfbc_vf_rx_queue_setup(struct rte_eth_dev *dev, uint16_t qid, uint16_t nb_desc,
		unsigned int socket, const struct rte_eth_rxconf *conf, struct rte_mempool *mp);
int vfbc_vf_tx_queue_setup(struct rte_eth_dev *dev, uint16_t qid, uint16_t nb_desc,
		unsigned int socket, const struct rte_eth_txconf *conf);
/* Both. */
void vfbc_rx_queue_release(struct rte_eth_dev *dev, uint16_t qid);
void vfbc_tx_queue_release(struct rte_eth_dev *dev, uint16_t qid);

/** VF port start/stop: take over the rings and tell the PF whether Rx polls. */
void vfbc_vf_rings_start(struct rte_eth_dev *dev);
void vfbc_vf_rings_stop(struct rte_eth_dev *dev);
struct vfbc_region;
/**
 * A VF process that just opened its region: its Rx rings are not polled
 * until its port starts, whatever a previous process of the VF left there.
 */
void vfbc_vf_rings_claim(struct vfbc_region *r);

uint16_t vfbc_pf_rx_burst(void *queue, struct rte_mbuf **pkts, uint16_t n);
uint16_t vfbc_pf_tx_burst(void *queue, struct rte_mbuf **pkts, uint16_t n);
uint16_t vfbc_vf_rx_burst(void *queue, struct rte_mbuf **pkts, uint16_t n);
uint16_t vfbc_vf_tx_burst(void *queue, struct rte_mbuf **pkts, uint16_t n);

#endif /* VFBC_RXTX_H */
