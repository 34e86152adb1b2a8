/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfbc authors
 *
 * Telemetry commands of the vfbc PF ports, for dpdk-telemetry.py:
 *
 *   /vfbc/pfs                       port ids of the vfbc PF ports
 *   /vfbc/pf_info,<port_id>         a PF's settings and a summary of each VF
 *   /vfbc/vf_info,<port_id>,<vf>    one VF's mailbox state, counters and blocks
 *
 * Parameters are plain decimal numbers; anything else, or a port that is no
 * vfbc PF, or a VF past num_vfs, gets -EINVAL (a null answer). The counters
 * are those of the port's xstats, so an xstats reset resets them too.
 * Callbacks run on the telemetry thread, beside the PF's service: like the
 * xstats, they read each value whole and no lock but the block store's.
 */

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>

#include <rte_common.h>
#include <rte_telemetry.h>

#include "vfbc_xstats.h"

#define CMD_PFS "/vfbc/pfs"
#define CMD_PF_INFO "/vfbc/pf_info"
#define CMD_VF_INFO "/vfbc/vf_info"
/* Blocks vf_info lists, so that its answer fits telemetry's output buffer. */
#define VFBC_TEL_BLOCKS_MAX 64

#define LOAD(x) __atomic_load_n(&(x), __ATOMIC_RELAXED)

/*
 * A decimal number up to @p max at *s, which then points past it.
 * @return 0 or -EINVAL: no digit first, or too large.
 */
static int
parse_num(const char **s, unsigned long max, unsigned long *val)
{
	char *end;

	if (!isdigit((unsigned char)**s))
		return -EINVAL;
	errno = 0;
	*val = strtoul(*s, &end, 10);
	if (errno != 0 || *val > max)
		return -EINVAL;
	*s = end;
	return 0;
}

/* The PF port at *s; *s then points past its id. NULL if there is none. */
static struct vfbc_pf *
parse_pf(const char **s)
{
	unsigned long port;
	struct vfbc_pf *pf;

	if (*s == NULL || parse_num(s, RTE_MAX_ETHPORTS - 1, &port) != 0)
		return NULL;
	pf = vfbc_pf_from_port((uint16_t)port);
	return pf != NULL && pf->vfs != NULL ? pf : NULL;
}

static int
tel_pfs(const char *cmd, const char *params, struct rte_tel_data *d)
{
	uint16_t port;

	if (params != NULL && params[0] != '\0')
		return -EINVAL;
	rte_tel_data_start_array(d, RTE_TEL_INT_VAL);
	for (port = 0; port < RTE_MAX_ETHPORTS; port++) {
		const struct vfbc_pf *pf = vfbc_pf_from_port(port);

		if (pf != NULL && pf->vfs != NULL)
			rte_tel_data_add_array_int(d, port);
	}
	return 0;
}

static void
pf_info_params(const struct vfbc_pf *pf, struct rte_tel_data *d)
{
	const struct vfbc_pf_params *p = &pf->params;

	rte_tel_data_add_dict_string(d, "name", pf->dev->data->name);
	rte_tel_data_add_dict_int(d, "port_id", pf->dev->data->port_id);
	rte_tel_data_add_dict_int(d, "num_vfs", pf->num_vfs);
	rte_tel_data_add_dict_string(d, "region_dir", p->region_dir);
	rte_tel_data_add_dict_string(d, "store", p->store_dir[0] != '\0' ? p->store_dir : "none");
	rte_tel_data_add_dict_u64(d, "mbox_depth", p->mbox_depth);
	rte_tel_data_add_dict_u64(d, "max_block_size", p->max_block_size);
	rte_tel_data_add_dict_u64(d, "mbox_slot_size", p->mbox_slot_size);
	rte_tel_data_add_dict_u64(d, "max_blocks", p->max_blocks);
	rte_tel_data_add_dict_u64(d, "mbox_burst", p->mbox_burst);
	rte_tel_data_add_dict_int(d, "notify_reads", p->notify_reads);
	rte_tel_data_add_dict_string(d, "poll", vfbc_poll_mode_name(p->poll));
	rte_tel_data_add_dict_int(d, "service_id",
			pf->service_registered ? (int)pf->service_id : -1);
	rte_tel_data_add_dict_int(d, "control_thread", vfbc_pf_thread_runs(pf));
}

/* Per-VF summary columns of pf_info: entry n of each array is VF n. */
enum vf_column {
	COL_ATTACHED,
	COL_PROTO_VERSION,
	COL_BLOCKS,
	COL_REQUESTS,
	COL_COMPLETIONS,
	COL_ERRORS,
	COL_MAX,
};

static const char *const vf_column_names[COL_MAX] = {
	[COL_ATTACHED] = "vf_attached",
	[COL_PROTO_VERSION] = "vf_proto_version",
	[COL_BLOCKS] = "vf_blocks",
	[COL_REQUESTS] = "vf_mbox_requests",
	[COL_COMPLETIONS] = "vf_mbox_completions",
	[COL_ERRORS] = "vf_mbox_errors",
};

static uint64_t
vf_column(struct vfbc_pf_vf *v, enum vf_column c)
{
	switch (c) {
	case COL_ATTACHED:
		return LOAD(v->mbox.attached);
	case COL_PROTO_VERSION:
		return LOAD(v->mbox.proto_version);
	case COL_BLOCKS:
		return vfbc_pf_vf_nb_blocks(v);
	case COL_REQUESTS:
		return vfbc_pf_vf_xstat(v, VFBC_PF_VF_XSTAT_REQUESTS);
	case COL_COMPLETIONS:
		return vfbc_pf_vf_xstat(v, VFBC_PF_VF_XSTAT_COMPLETIONS);
	default:
		return vfbc_pf_vf_xstat(v, VFBC_PF_VF_XSTAT_ERRORS);
	}
}

/*
 * Telemetry frees a container only when it sends it, not when a callback
 * fails: after the first container, a failed allocation shortens the answer
 * rather than fail it.
 */
static void
pf_info_vfs(struct vfbc_pf *pf, struct rte_tel_data *d)
{
	unsigned int c;
	uint16_t i;

	for (c = 0; c < COL_MAX; c++) {
		struct rte_tel_data *col = rte_tel_data_alloc();

		if (col == NULL)
			return;
		rte_tel_data_start_array(col, RTE_TEL_U64_VAL);
		/* Arrays hold RTE_TEL_MAX_ARRAY_ENTRIES: twice RTE_PMD_VFBC_MAX_VFS. */
		for (i = 0; i < pf->num_vfs; i++)
			rte_tel_data_add_array_u64(col, vf_column(&pf->vfs[i], c));
		if (rte_tel_data_add_dict_container(d, vf_column_names[c], col, 0) < 0)
			rte_tel_data_free(col);
	}
}

static int
tel_pf_info(const char *cmd, const char *params, struct rte_tel_data *d)
{
	const char *s = params;
	struct vfbc_pf *pf = parse_pf(&s);

	if (pf == NULL || *s != '\0')
		return -EINVAL;
	rte_tel_data_start_dict(d);
	pf_info_params(pf, d);
	pf_info_vfs(pf, d);
	return 0;
}

static struct rte_tel_data *
block_dict(const struct vfbc_block_info *b)
{
	struct rte_tel_data *d = rte_tel_data_alloc();

	if (d == NULL)
		return NULL;
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_u64(d, "id", b->id);
	rte_tel_data_add_dict_u64(d, "capacity", b->capacity);
	rte_tel_data_add_dict_u64(d, "length", b->len);
	rte_tel_data_add_dict_string(d, "rights", vfbc_rights_name(b->flags));
	rte_tel_data_add_dict_u64(d, "version", b->version);
	return d;
}

/* The VF's blocks, in ID order, as a dict keyed by hexadecimal ID. */
static void
vf_info_blocks(struct vfbc_pf_vf *v, struct rte_tel_data *d)
{
	struct vfbc_block_info info[VFBC_TEL_BLOCKS_MAX];
	struct rte_tel_data *blocks = rte_tel_data_alloc();
	uint32_t i, n;

	if (blocks == NULL)
		return;
	rte_tel_data_start_dict(blocks);
	n = vfbc_store_list(&v->store, 0, info, RTE_DIM(info));
	for (i = 0; i < n; i++) {
		struct rte_tel_data *b = block_dict(&info[i]);
		char key[16];

		snprintf(key, sizeof(key), "0x%x", info[i].id);
		if (b != NULL && rte_tel_data_add_dict_container(blocks, key, b, 0) < 0)
			rte_tel_data_free(b);
	}
	if (rte_tel_data_add_dict_container(d, "blocks", blocks, 0) < 0)
		rte_tel_data_free(blocks);
}

static void
vf_info_state(struct vfbc_pf *pf, uint16_t idx, struct rte_tel_data *d)
{
	struct vfbc_pf_vf *v = &pf->vfs[idx];
	const struct vfbc_pf_ctl *ctl = &v->region.hdr->pf;
	unsigned int k;

	rte_tel_data_add_dict_int(d, "port_id", pf->dev->data->port_id);
	rte_tel_data_add_dict_int(d, "vf", idx);
	/* Telemetry strings are short: a long path comes back truncated. */
	rte_tel_data_add_dict_string(d, "region", v->region.path);
	rte_tel_data_add_dict_string(d, "pf_state",
			vfbc_pf_state_name(__atomic_load_n(&ctl->pf_state, __ATOMIC_RELAXED)));
	rte_tel_data_add_dict_int(d, "attached", LOAD(v->mbox.attached));
	rte_tel_data_add_dict_int(d, "proto_version", LOAD(v->mbox.proto_version));
	rte_tel_data_add_dict_u64(d, "next_seq", LOAD(v->mbox.next_seq));
	rte_tel_data_add_dict_u64(d, "invalidated_pending",
			__atomic_load_n(&ctl->inval_mask, __ATOMIC_RELAXED));
	rte_tel_data_add_dict_u64(d, "nb_blocks", vfbc_pf_vf_nb_blocks(v));
	rte_tel_data_add_dict_int(d, "quarantined", vfbc_pf_vf_quarantined(v));
	rte_tel_data_add_dict_int(d, "deciding", LOAD(v->mbox.parked));
	for (k = 0; k < VFBC_PF_VF_XSTAT_MAX; k++)
		rte_tel_data_add_dict_u64(d, vfbc_pf_vf_xstat_name(k), vfbc_pf_vf_xstat(v, k));
}

static int
tel_vf_info(const char *cmd, const char *params, struct rte_tel_data *d)
{
	const char *s = params;
	struct vfbc_pf *pf = parse_pf(&s);
	unsigned long vf;

	if (pf == NULL || *s++ != ',' || parse_num(&s, pf->num_vfs - 1, &vf) != 0 ||
			*s != '\0')
		return -EINVAL;
	rte_tel_data_start_dict(d);
	vf_info_state(pf, (uint16_t)vf, d);
	vf_info_blocks(&pf->vfs[vf], d);
	return 0;
}

RTE_INIT(vfbc_telemetry_init)
{
	rte_telemetry_register_cmd(CMD_PFS, tel_pfs,
			"Returns the port ids of vfbc PF ports. Takes no parameters");
	rte_telemetry_register_cmd(CMD_PF_INFO, tel_pf_info,
			"Returns a vfbc PF's settings and VF summary. Parameters: int port_id");
	rte_telemetry_register_cmd(CMD_VF_INFO, tel_vf_info,
			"Returns a vfbc VF's mailbox state and blocks. "
			"Parameters: int port_id, int vf");
}
