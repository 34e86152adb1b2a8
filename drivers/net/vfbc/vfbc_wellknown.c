/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfbc authors
 */

#include <errno.h>
#include <string.h>

#include "vfbc_wellknown.h"

#define VFBC_DEFAULT_MTU RTE_ETHER_MTU

uint16_t
vfbc_wk_ring_max_mtu(uint32_t buf_size, uint16_t min_mtu, uint16_t max_mtu)
{
	uint32_t mtu = buf_size > VFBC_WK_FRAME_OVERHEAD ? buf_size - VFBC_WK_FRAME_OVERHEAD : 0;

	return (uint16_t)RTE_MAX((uint32_t)min_mtu, RTE_MIN(mtu, (uint32_t)max_mtu));
}

int
vfbc_wk_define(struct vfbc_store *store, const struct rte_ether_addr *mac, uint16_t max_mtu)
{
	const uint32_t rw = RTE_PMD_VFBC_BLOCK_VF_READ | RTE_PMD_VFBC_BLOCK_VF_WRITE;
	struct rte_pmd_vfbc_mac_block mb = { .reserved = { 0 } };
	struct rte_pmd_vfbc_vport_block vb = {
		.version = RTE_PMD_VFBC_VPORT_VERSION,
		.mtu = RTE_MIN(VFBC_DEFAULT_MTU, max_mtu),
		.max_mtu = max_mtu,
		.link_up = 1,
	};
	int ret;

	memcpy(mb.addr, mac->addr_bytes, sizeof(mb.addr));
	ret = vfbc_store_define(store, RTE_PMD_VFBC_BLOCK_ID_MAC, sizeof(mb), rw);
	if (ret == 0)
		ret = vfbc_store_set(store, RTE_PMD_VFBC_BLOCK_ID_MAC, &mb, sizeof(mb));
	if (ret == 0)
		ret = vfbc_store_define(store, RTE_PMD_VFBC_BLOCK_ID_VPORT, sizeof(vb), rw);
	if (ret == 0)
		ret = vfbc_store_set(store, RTE_PMD_VFBC_BLOCK_ID_VPORT, &vb, sizeof(vb));
	return ret;
}

int
vfbc_wk_check_mac(const struct rte_pmd_vfbc_mac_block *b, int len)
{
	struct rte_ether_addr a;

	if (len != (int)sizeof(*b))
		return -EPROTO;
	memcpy(a.addr_bytes, b->addr, sizeof(a.addr_bytes));
	return rte_is_valid_assigned_ether_addr(&a) ? 0 : -EPROTO;
}

int
vfbc_wk_check_vport(const struct rte_pmd_vfbc_vport_block *b, int len, uint16_t min_mtu,
		uint16_t max_mtu)
{
	if (len != (int)sizeof(*b) || b->version != RTE_PMD_VFBC_VPORT_VERSION)
		return -EPROTO;
	if (b->max_mtu < min_mtu || b->max_mtu > max_mtu || b->mtu < min_mtu ||
			b->mtu > b->max_mtu || b->vlan_id > RTE_ETHER_MAX_VLAN_ID ||
			b->link_up > 1)
		return -EPROTO;
	return 0;
}
