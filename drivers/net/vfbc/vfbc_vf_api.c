/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfbc authors
 *
 * The VF side of rte_pmd_vfbc.h: blocking calls over the mailbox.
 */

#include "rte_pmd_vfbc.h"
#include "vfbc_vf.h"

/*
 * The read lock costs one atomic operation on a line only the port's users
 * share; it lets the monitor swap the region once every call has left it.
 */
int
vfbc_vf_call(struct vfbc_vf *vf, uint16_t op, uint32_t block_id, void *buf, uint32_t len)
{
	int ret;

	rte_rwlock_read_lock(&vf->conn_lock);
	ret = vfbc_vf_mbox_call(&vf->mbox, op, block_id, buf, len, vf->timeout_ns);
	rte_rwlock_read_unlock(&vf->conn_lock);
	return ret;
}

int
rte_pmd_vfbc_vf_read_block(uint16_t port_id, uint32_t block_id, void *buf, uint32_t len)
{
	struct vfbc_vf *vf = vfbc_vf_from_port(port_id);

	if (vf == NULL)
		return -ENOTSUP;
	if (buf == NULL || len == 0)
		return -EINVAL;
	return vfbc_vf_call(vf, VFBC_OP_READ, block_id, buf, len);
}

int
rte_pmd_vfbc_vf_write_block(uint16_t port_id, uint32_t block_id, const void *buf,
		uint32_t len)
{
	struct vfbc_vf *vf = vfbc_vf_from_port(port_id);

	if (vf == NULL)
		return -ENOTSUP;
	if (buf == NULL || len == 0)
		return -EINVAL;
	/* The mailbox copies the payload into the slot and never writes it back. */
	return vfbc_vf_call(vf, VFBC_OP_WRITE, block_id, (void *)(uintptr_t)buf, len);
}

int
rte_pmd_vfbc_vf_get_invalidated(uint16_t port_id, uint64_t *mask)
{
	struct vfbc_vf *vf = vfbc_vf_from_port(port_id);

	if (vf == NULL)
		return -ENOTSUP;
	if (mask == NULL)
		return -EINVAL;
	*mask = vfbc_vf_fetch_invalidated(vf);
	return 0;
}

static int
post(uint16_t port_id, uint16_t op, uint32_t block_id, const void *buf, uint32_t len,
		uint32_t *token)
{
	struct vfbc_vf *vf = vfbc_vf_from_port(port_id);
	int ret;

	if (vf == NULL)
		return -ENOTSUP;
	if (token == NULL || len == 0 || (op == VFBC_OP_WRITE && buf == NULL))
		return -EINVAL;
	rte_rwlock_read_lock(&vf->conn_lock);
	ret = vfbc_vf_mbox_post_timeout(&vf->mbox, op, block_id, buf, len, vf->timeout_ns,
			token);
	rte_rwlock_read_unlock(&vf->conn_lock);
	return ret;
}

int
rte_pmd_vfbc_vf_post_read(uint16_t port_id, uint32_t block_id, uint32_t len, uint32_t *token)
{
	return post(port_id, VFBC_OP_READ, block_id, NULL, len, token);
}

int
rte_pmd_vfbc_vf_post_write(uint16_t port_id, uint32_t block_id, const void *buf, uint32_t len,
		uint32_t *token)
{
	return post(port_id, VFBC_OP_WRITE, block_id, buf, len, token);
}

int
rte_pmd_vfbc_vf_poll(uint16_t port_id, uint32_t token, void *buf, uint32_t len)
{
	struct vfbc_vf *vf = vfbc_vf_from_port(port_id);
	int ret;

	if (vf == NULL)
		return -ENOTSUP;
	rte_rwlock_read_lock(&vf->conn_lock);
	ret = vfbc_vf_mbox_poll(&vf->mbox, token, buf, len);
	rte_rwlock_read_unlock(&vf->conn_lock);
	return ret;
}
