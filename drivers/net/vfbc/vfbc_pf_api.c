/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfbc authors
 *
 * The PF side of rte_pmd_vfbc.h.
 */

#include "rte_pmd_vfbc.h"
#include "vfbc_pf.h"

/* The public flags are the store's flags; keep them so. */
_Static_assert(RTE_PMD_VFBC_BLOCK_VF_READ == VFBC_BLOCK_VF_READ, "read flag");
_Static_assert(RTE_PMD_VFBC_BLOCK_VF_WRITE == VFBC_BLOCK_VF_WRITE, "write flag");

/* The PF behind @p port_id, and the store of VF @p vf of it. */
static int
pf_vf_lookup(uint16_t port_id, uint16_t vf, struct vfbc_pf **pfp, struct vfbc_pf_vf **vfp)
{
	struct vfbc_pf *pf = vfbc_pf_from_port(port_id);

	if (pf == NULL || pf->vfs == NULL)
		return -ENOTSUP;
	if (vf >= pf->num_vfs)
		return -EINVAL;
	*pfp = pf;
	*vfp = &pf->vfs[vf];
	return 0;
}

int
rte_pmd_vfbc_pf_define_block(uint16_t port_id, uint16_t vf, uint32_t block_id,
		uint32_t capacity, uint32_t flags)
{
	struct vfbc_pf_vf *v;
	struct vfbc_pf *pf;
	int ret = pf_vf_lookup(port_id, vf, &pf, &v);

	if (ret < 0)
		return ret;
	return vfbc_store_define(&v->store, block_id, capacity, flags);
}

int
rte_pmd_vfbc_pf_set_block(uint16_t port_id, uint16_t vf, uint32_t block_id, const void *buf,
		uint32_t len)
{
	struct vfbc_pf_vf *v;
	struct vfbc_pf *pf;
	int ret = pf_vf_lookup(port_id, vf, &pf, &v);

	if (ret < 0)
		return ret;
	if (buf == NULL && len != 0)
		return -EINVAL;
	return vfbc_store_set(&v->store, block_id, buf, len);
}

int
rte_pmd_vfbc_pf_get_block(uint16_t port_id, uint16_t vf, uint32_t block_id, void *buf,
		uint32_t len)
{
	struct vfbc_pf_vf *v;
	struct vfbc_pf *pf;
	int ret = pf_vf_lookup(port_id, vf, &pf, &v);

	if (ret < 0)
		return ret;
	if (buf == NULL || len == 0)
		return -EINVAL;
	return vfbc_store_get(&v->store, block_id, buf, len);
}

int
rte_pmd_vfbc_pf_invalidate(uint16_t port_id, uint16_t vf, uint64_t block_mask)
{
	struct vfbc_pf_vf *v;
	struct vfbc_pf *pf;
	int ret = pf_vf_lookup(port_id, vf, &pf, &v);

	if (ret < 0)
		return ret;
	if (block_mask == 0)
		return -EINVAL;
	vfbc_pf_mbox_invalidate(&v->mbox, block_mask);
	return 0;
}

int
rte_pmd_vfbc_pf_lift_quarantine(uint16_t port_id, uint16_t vf)
{
	struct vfbc_pf_vf *v;
	struct vfbc_pf *pf;
	int ret = pf_vf_lookup(port_id, vf, &pf, &v);

	if (ret < 0)
		return ret;
	if (!vfbc_pf_vf_quarantined(v))
		return 0;
	/* The service owns the mailbox's state: it lifts it at its next run. */
	__atomic_store_n(&v->lift_quarantine, true, __ATOMIC_RELEASE);
	return 1;
}

int
rte_pmd_vfbc_pf_vf_is_quarantined(uint16_t port_id, uint16_t vf)
{
	struct vfbc_pf_vf *v;
	struct vfbc_pf *pf;
	int ret = pf_vf_lookup(port_id, vf, &pf, &v);

	if (ret < 0)
		return ret;
	return vfbc_pf_vf_quarantined(v) && !__atomic_load_n(&v->lift_quarantine,
			__ATOMIC_ACQUIRE);
}

int
rte_pmd_vfbc_pf_get_service_id(uint16_t port_id, uint32_t *service_id)
{
	struct vfbc_pf *pf = vfbc_pf_from_port(port_id);

	if (pf == NULL || !pf->service_registered)
		return -ENOTSUP;
	if (service_id == NULL)
		return -EINVAL;
	*service_id = pf->service_id;
	return 0;
}

int
rte_pmd_vfbc_pf_get_num_vfs(uint16_t port_id)
{
	struct vfbc_pf *pf = vfbc_pf_from_port(port_id);

	return pf == NULL ? -ENOTSUP : pf->num_vfs;
}
