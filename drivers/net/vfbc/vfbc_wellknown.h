/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfbc authors
 */

#ifndef VFBC_WELLKNOWN_H
#define VFBC_WELLKNOWN_H

/**
 * @file
 * The well-known blocks (rte_pmd_vfbc.h): the PF defines them with defaults;
 * the VF checks what it reads before its port follows it.
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_ether.h>

#include "rte_pmd_vfbc.h"
#include "vfbc_store.h"

/** Blocks the driver defines for every VF, counted in max_blocks. */
#define VFBC_WK_NB_BLOCKS 2
/** The largest well-known block: max_block_size cannot be smaller. */
#define VFBC_WK_BLOCK_SIZE_MAX sizeof(struct rte_pmd_vfbc_vport_block)

_Static_assert(sizeof(struct rte_pmd_vfbc_mac_block) == 8, "MAC block size is ABI");
_Static_assert(sizeof(struct rte_pmd_vfbc_vport_block) == 16, "VPort block size is ABI");

/**
 * Bytes a frame takes in a packet ring buffer beyond its MTU: its Ethernet
 * header and one VLAN tag (a priority tag, or a VF's own tag, travels in the
 * ring; port VLAN tags do not). Rings hold no CRC.
 */
#define VFBC_WK_FRAME_OVERHEAD (RTE_ETHER_HDR_LEN + RTE_VLAN_HLEN)

/**
 * The largest MTU whose frames fit packet ring buffers of @p buf_size bytes,
 * within [@p min_mtu, @p max_mtu] (a buffer too small for @p min_mtu gives
 * @p min_mtu: its longer frames are dropped and counted).
 */
uint16_t vfbc_wk_ring_max_mtu(uint32_t buf_size, uint16_t min_mtu, uint16_t max_mtu);

/**
 * PF: define a VF's well-known blocks and set their defaults: an MTU of 1500,
 * or @p max_mtu if smaller. @return 0 or -errno.
 */
int vfbc_wk_define(struct vfbc_store *store, const struct rte_ether_addr *mac,
		uint16_t max_mtu);

/**
 * VF: validate a MAC block as read. @return 0, or -EPROTO when it has the
 * wrong size or is not a unicast address.
 */
int vfbc_wk_check_mac(const struct rte_pmd_vfbc_mac_block *b, int len);

/** VF: validate a VPort block as read. @return 0 or -EPROTO. */
int vfbc_wk_check_vport(const struct rte_pmd_vfbc_vport_block *b, int len, uint16_t min_mtu,
		uint16_t max_mtu);

#endif /* VFBC_WELLKNOWN_H */
