/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfbc authors
 *
 * The VF port follows its well-known blocks: MAC address, MTU, link. It reads
 * them when configured and started, and writes them through the backchannel
 * when the application sets its MAC address or MTU, so the PF may deny.
 */

#include <string.h>

#include "vfbc_vf.h"
#include "vfbc_wellknown.h"

static int
read_block(struct vfbc_vf *vf, uint32_t id, void *buf, uint32_t len)
{
	return vfbc_vf_call(vf, VFBC_OP_READ, id, buf, len);
}

static int
write_block(struct vfbc_vf *vf, uint32_t id, const void *buf, uint32_t len)
{
	return vfbc_vf_call(vf, VFBC_OP_WRITE, id, (void *)(uintptr_t)buf, len);
}

/* Whether the PF still owes the answer a wait timed out for. */
static bool
pf_stalled(struct vfbc_vf *vf)
{
	bool stalled;

	rte_rwlock_read_lock(&vf->conn_lock);
	stalled = vfbc_vf_mbox_pf_stalled(&vf->mbox);
	rte_rwlock_read_unlock(&vf->conn_lock);
	return stalled;
}

/* Both blocks are read and checked before either is applied. */
static int
read_config(struct vfbc_vf *vf, struct rte_pmd_vfbc_mac_block *mb,
		struct rte_pmd_vfbc_vport_block *vb)
{
	int ret = read_block(vf, RTE_PMD_VFBC_BLOCK_ID_MAC, mb, sizeof(*mb));

	if (ret >= 0)
		ret = vfbc_wk_check_mac(mb, ret);
	if (ret == 0) {
		ret = read_block(vf, RTE_PMD_VFBC_BLOCK_ID_VPORT, vb, sizeof(*vb));
		if (ret >= 0)
			ret = vfbc_wk_check_vport(vb, ret, VFBC_MIN_MTU, VFBC_MAX_MTU);
	}
	return ret;
}

int
vfbc_vf_config_refresh(struct vfbc_vf *vf)
{
	struct rte_eth_dev_data *data = vf->dev->data;
	struct rte_pmd_vfbc_mac_block mb;
	struct rte_pmd_vfbc_vport_block vb;
	int ret;

	pthread_mutex_lock(&vf->config_lock);
	/*
	 * The PF has not answered what last timed out (say, the read at
	 * configure): asking again would only wait the whole timeout again,
	 * at start. Go on with what the port has; it reads the blocks when
	 * the PF is back (reconnect, invalidation, next configure or start).
	 */
	if (pf_stalled(vf)) {
		VFBC_LOG(WARNING, "%s: PF %s has not answered since a request timed out: "
				"not waiting again; keeping MAC " RTE_ETHER_ADDR_PRT_FMT
				" and MTU %u", data->name, vf->params.pf,
				RTE_ETHER_ADDR_BYTES(data->mac_addrs), data->mtu);
		pthread_mutex_unlock(&vf->config_lock);
		return -ETIMEDOUT;
	}
	ret = read_config(vf, &mb, &vb);
	if (ret < 0) {
		VFBC_LOG(WARNING, "%s: cannot read the well-known blocks from PF %s: %s; "
				"keeping MAC " RTE_ETHER_ADDR_PRT_FMT " and MTU %u", data->name,
				vf->params.pf, rte_strerror(-ret),
				RTE_ETHER_ADDR_BYTES(data->mac_addrs), data->mtu);
	} else {
		memcpy(data->mac_addrs->addr_bytes, mb.addr, sizeof(mb.addr));
		vf->pf_mac = *data->mac_addrs;
		vf->vport = vb;
		vf->config_read = true;
		/* A PF application may have set more than its buffers carry. */
		data->mtu = RTE_MIN(vb.mtu, vfbc_vf_max_mtu(vf));
	}
	pthread_mutex_unlock(&vf->config_lock);
	return ret;
}

bool
vfbc_vf_vport_link_up(const struct vfbc_vf *vf)
{
	return !vf->config_read || vf->vport.link_up;
}

/* The largest MTU whose frames fit the packet buffers of the PF's rings. */
static uint16_t
ring_max_mtu(struct vfbc_vf *vf)
{
	uint16_t mtu = VFBC_MAX_MTU;

	rte_rwlock_read_lock(&vf->conn_lock);
	if (vf->region.ring_area != NULL)
		mtu = vfbc_wk_ring_max_mtu(vf->region.rings.buf_size, VFBC_MIN_MTU, VFBC_MAX_MTU);
	rte_rwlock_read_unlock(&vf->conn_lock);
	return mtu;
}

/* The VPort block's max_mtu, within what the PF's packet buffers carry. */
uint16_t
vfbc_vf_max_mtu(struct vfbc_vf *vf)
{
	return RTE_MIN(vf->config_read ? vf->vport.max_mtu : VFBC_MAX_MTU, ring_max_mtu(vf));
}

int
vfbc_vf_mac_addr_set(struct rte_eth_dev *dev, struct rte_ether_addr *addr)
{
	struct vfbc_vf *vf = dev->data->dev_private;
	struct rte_pmd_vfbc_mac_block mb = { .reserved = { 0 } };
	int ret;

	/* ethdev replays the default address at every start: the PF already
	 * has it, so asking it again would only raise a needless event.
	 */
	pthread_mutex_lock(&vf->config_lock);
	if (vf->config_read && rte_is_same_ether_addr(addr, &vf->pf_mac)) {
		ret = 0;
	} else if (rte_is_same_ether_addr(addr, dev->data->mac_addrs) && pf_stalled(vf)) {
		/* The replay at start of the address the port has, while the PF
		 * owes an answer: not worth another whole timeout.
		 */
		ret = -ETIMEDOUT;
	} else {
		memcpy(mb.addr, addr->addr_bytes, sizeof(mb.addr));
		ret = write_block(vf, RTE_PMD_VFBC_BLOCK_ID_MAC, &mb, sizeof(mb));
		if (ret == 0)
			vf->pf_mac = *addr; /* ethdev stores it in mac_addrs itself */
	}
	pthread_mutex_unlock(&vf->config_lock);
	return ret;
}

int
vfbc_vf_mtu_set(struct rte_eth_dev *dev, uint16_t mtu)
{
	struct vfbc_vf *vf = dev->data->dev_private;
	struct rte_pmd_vfbc_vport_block vb;
	int ret;

	if (mtu > vfbc_vf_max_mtu(vf))
		return -EINVAL;
	pthread_mutex_lock(&vf->config_lock);
	/* Start from the PF's current block: only the MTU is the VF's to change. */
	ret = read_config(vf, &(struct rte_pmd_vfbc_mac_block){ .reserved = { 0 } }, &vb);
	if (ret == 0) {
		vb.mtu = mtu;
		ret = write_block(vf, RTE_PMD_VFBC_BLOCK_ID_VPORT, &vb, sizeof(vb));
		if (ret == 0)
			vf->vport = vb;
	}
	pthread_mutex_unlock(&vf->config_lock);
	return ret;
}
