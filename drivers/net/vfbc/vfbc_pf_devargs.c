/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfbc authors
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rte_pmd_vfbc.h"
#include "vfbc_devargs.h"
#include "vfbc_pf.h"
#include "vfbc_wellknown.h"

#define VFBC_PF_ARG_NUM_VFS "num_vfs"
#define VFBC_PF_ARG_REGION_DIR "region_dir"
#define VFBC_PF_ARG_MBOX_DEPTH "mbox_depth"
#define VFBC_PF_ARG_MAX_BLOCK_SIZE "max_block_size"
#define VFBC_PF_ARG_MBOX_SLOT_SIZE "mbox_slot_size"
#define VFBC_PF_ARG_MAX_BLOCKS "max_blocks"
#define VFBC_PF_ARG_MBOX_BURST "mbox_burst"
#define VFBC_PF_ARG_POLL "poll"
#define VFBC_PF_ARG_NOTIFY_READS "notify_reads"
#define VFBC_PF_ARG_BLOCK "block"
#define VFBC_PF_ARG_VF_MAC "vf_mac"
#define VFBC_PF_ARG_RING_SIZE "ring_size"
#define VFBC_PF_ARG_PKT_BUF_SIZE "pkt_buf_size"
#define VFBC_PF_ARG_QUEUES "queues"
#define VFBC_PF_ARG_STORE "store"
#define VFBC_PF_ARG_DECIDE "decide"
#define VFBC_PF_ARG_DECIDE_THREADS "decide_threads"
#define VFBC_PF_ARG_VF_RATE "vf_rate"
#define VFBC_PF_ARG_VF_BURST "vf_burst"
#define VFBC_PF_ARG_VF_OUTSTANDING "vf_outstanding"
#define VFBC_PF_ARG_QUARANTINE_AFTER "quarantine_after"

/* Bounds of the per-VF limits. */
#define VFBC_PF_VF_RATE_MAX 100000000
#define VFBC_PF_QUARANTINE_AFTER_MAX 1000000

static const char *const vfbc_pf_keys[] = {
	VFBC_PF_ARG_NUM_VFS,
	VFBC_PF_ARG_REGION_DIR,
	VFBC_PF_ARG_MBOX_DEPTH,
	VFBC_PF_ARG_MAX_BLOCK_SIZE,
	VFBC_PF_ARG_MBOX_SLOT_SIZE,
	VFBC_PF_ARG_MAX_BLOCKS,
	VFBC_PF_ARG_MBOX_BURST,
	VFBC_PF_ARG_POLL,
	VFBC_PF_ARG_NOTIFY_READS,
	VFBC_PF_ARG_BLOCK,
	VFBC_PF_ARG_VF_MAC,
	VFBC_PF_ARG_RING_SIZE,
	VFBC_PF_ARG_PKT_BUF_SIZE,
	VFBC_PF_ARG_QUEUES,
	VFBC_PF_ARG_STORE,
	VFBC_PF_ARG_DECIDE,
	VFBC_PF_ARG_DECIDE_THREADS,
	VFBC_PF_ARG_VF_RATE,
	VFBC_PF_ARG_VF_BURST,
	VFBC_PF_ARG_VF_OUTSTANDING,
	VFBC_PF_ARG_QUARANTINE_AFTER,
	NULL,
};

struct pf_arg {
	const char *dev;
	struct vfbc_pf_params *p;
};

static int
parse_poll(const char *key, const char *value, void *opaque)
{
	const struct pf_arg *a = opaque;

	if (strcmp(value, "auto") == 0)
		a->p->poll = VFBC_POLL_AUTO;
	else if (strcmp(value, "service") == 0)
		a->p->poll = VFBC_POLL_SERVICE;
	else if (strcmp(value, "thread") == 0)
		a->p->poll = VFBC_POLL_THREAD;
	else {
		VFBC_LOG(ERR, "%s: invalid %s=%s: expected auto, service or thread",
				a->dev, key, value);
		return -EINVAL;
	}
	return 0;
}

static int
parse_decide(const char *key, const char *value, void *opaque)
{
	const struct pf_arg *a = opaque;

	if (strcmp(value, "async") == 0)
		a->p->decide_async = true;
	else if (strcmp(value, "sync") == 0)
		a->p->decide_async = false;
	else {
		VFBC_LOG(ERR, "%s: invalid %s=%s: expected async or sync", a->dev, key, value);
		return -EINVAL;
	}
	return 0;
}

static int
parse_rights(const char *s, uint32_t *flags)
{
	if (strcmp(s, "r") == 0)
		*flags = RTE_PMD_VFBC_BLOCK_VF_READ;
	else if (strcmp(s, "w") == 0)
		*flags = RTE_PMD_VFBC_BLOCK_VF_WRITE;
	else if (strcmp(s, "rw") == 0)
		*flags = RTE_PMD_VFBC_BLOCK_VF_READ | RTE_PMD_VFBC_BLOCK_VF_WRITE;
	else if (strcmp(s, "none") == 0)
		*flags = 0;
	else
		return -EINVAL;
	return 0;
}

/* block=<id>:<capacity>[:<r|w|rw|none>], for every VF; rights default to rw. */
static int
parse_block(const char *key, const char *value, void *opaque)
{
	const struct pf_arg *a = opaque;
	struct vfbc_pf_block_def def = {
		.flags = RTE_PMD_VFBC_BLOCK_VF_READ | RTE_PMD_VFBC_BLOCK_VF_WRITE,
	};
	unsigned long long id, cap;
	char *end;

	if (a->p->nb_blocks == VFBC_PF_DEVARG_BLOCKS_MAX) {
		VFBC_LOG(ERR, "%s: more than %u %s= devargs", a->dev, VFBC_PF_DEVARG_BLOCKS_MAX,
				key);
		return -EINVAL;
	}
	errno = 0;
	id = strtoull(value, &end, 0);
	if (errno != 0 || end == value || *end != ':' || id > UINT32_MAX)
		goto bad;
	value = end + 1;
	cap = strtoull(value, &end, 0);
	if (errno != 0 || end == value || cap == 0 || cap > UINT32_MAX ||
			(*end != '\0' && *end != ':'))
		goto bad;
	if (*end == ':' && parse_rights(end + 1, &def.flags) != 0)
		goto bad;
	def.id = (uint32_t)id;
	def.capacity = (uint32_t)cap;
	a->p->blocks[a->p->nb_blocks++] = def;
	return 0;
bad:
	VFBC_LOG(ERR, "%s: invalid %s=%s: expected <id>:<capacity>[:r|w|rw|none]",
			a->dev, key, value);
	return -EINVAL;
}

/* vf_mac=<vf>/<xx:xx:xx:xx:xx:xx>: the VF's MAC block at probe. */
static int
parse_vf_mac(const char *key, const char *value, void *opaque)
{
	const struct pf_arg *a = opaque;
	struct rte_ether_addr mac;
	unsigned long vf;
	char *end;

	errno = 0;
	vf = strtoul(value, &end, 10);
	if (errno != 0 || end == value || *end != '/' || vf >= RTE_PMD_VFBC_MAX_VFS ||
			rte_ether_unformat_addr(end + 1, &mac) != 0 ||
			!rte_is_valid_assigned_ether_addr(&mac)) {
		VFBC_LOG(ERR, "%s: invalid %s=%s: expected <vf>/<unicast MAC address>",
				a->dev, key, value);
		return -EINVAL;
	}
	a->p->vf_mac[vf] = mac;
	a->p->vf_mac_set[vf] = true;
	return 0;
}

static void
set_defaults(struct vfbc_pf_params *p)
{
	memset(p, 0, sizeof(*p));
	p->num_vfs = 1;
	p->mbox_depth = 64;
	p->max_block_size = 4096;
	p->max_blocks = 64;
	p->mbox_burst = 32;
	p->poll = VFBC_POLL_AUTO;
	p->rings.slots = 1024;
	p->rings.buf_size = 2048;
	p->rings.nb_pairs = 1;
	p->decide_async = true;
	p->decide_threads = VFBC_PF_DECIDE_THREADS_DEFAULT;
	strcpy(p->region_dir, VFBC_REGION_DIR_DEFAULT);
}

static int
check_params(const char *dev, const struct vfbc_pf_params *p)
{
	uint32_t i;

	if (!rte_is_power_of_2(p->mbox_depth)) {
		VFBC_LOG(ERR, "%s: %s=%u is not a power of two", dev, VFBC_PF_ARG_MBOX_DEPTH,
				p->mbox_depth);
		return -EINVAL;
	}
	if (!rte_is_power_of_2(p->rings.slots)) {
		VFBC_LOG(ERR, "%s: %s=%u is not a power of two", dev, VFBC_PF_ARG_RING_SIZE,
				p->rings.slots);
		return -EINVAL;
	}
	if (p->rings.buf_size % VFBC_WIRE_LINE != 0) {
		VFBC_LOG(ERR, "%s: %s=%u is not a multiple of %u", dev, VFBC_PF_ARG_PKT_BUF_SIZE,
				p->rings.buf_size, VFBC_WIRE_LINE);
		return -EINVAL;
	}
	if (vfbc_pring_area_size(&p->rings) == 0) {
		VFBC_LOG(ERR, "%s: %s=%u x %s=%u x %s=%u rings reach 4 GiB", dev,
				VFBC_PF_ARG_QUEUES, p->rings.nb_pairs, VFBC_PF_ARG_RING_SIZE,
				p->rings.slots, VFBC_PF_ARG_PKT_BUF_SIZE, p->rings.buf_size);
		return -EINVAL;
	}
	if (p->mbox_slot_size > p->max_block_size) {
		VFBC_LOG(ERR, "%s: %s=%u exceeds %s=%u", dev, VFBC_PF_ARG_MBOX_SLOT_SIZE,
				p->mbox_slot_size, VFBC_PF_ARG_MAX_BLOCK_SIZE, p->max_block_size);
		return -EINVAL;
	}
	if (p->nb_blocks + VFBC_WK_NB_BLOCKS > p->max_blocks) {
		VFBC_LOG(ERR, "%s: %u block= devargs and %u well-known blocks exceed %s=%u",
				dev, p->nb_blocks, VFBC_WK_NB_BLOCKS, VFBC_PF_ARG_MAX_BLOCKS,
				p->max_blocks);
		return -EINVAL;
	}
	if (p->vf_outstanding > p->mbox_depth) {
		VFBC_LOG(ERR, "%s: %s=%u exceeds %s=%u", dev, VFBC_PF_ARG_VF_OUTSTANDING,
				p->vf_outstanding, VFBC_PF_ARG_MBOX_DEPTH, p->mbox_depth);
		return -EINVAL;
	}
	if (p->vf_burst != 0 && p->vf_rate == 0) {
		VFBC_LOG(ERR, "%s: %s=%u without %s", dev, VFBC_PF_ARG_VF_BURST, p->vf_burst,
				VFBC_PF_ARG_VF_RATE);
		return -EINVAL;
	}
	for (i = p->num_vfs; i < RTE_PMD_VFBC_MAX_VFS; i++) {
		if (p->vf_mac_set[i]) {
			VFBC_LOG(ERR, "%s: %s for VF %u, but %s=%u", dev, VFBC_PF_ARG_VF_MAC, i,
					VFBC_PF_ARG_NUM_VFS, p->num_vfs);
			return -EINVAL;
		}
	}
	for (i = 0; i < p->nb_blocks; i++) {
		if (p->blocks[i].id == RTE_PMD_VFBC_BLOCK_ID_MAC ||
				p->blocks[i].id == RTE_PMD_VFBC_BLOCK_ID_VPORT) {
			VFBC_LOG(ERR, "%s: block %#x is reserved for a well-known block", dev,
					p->blocks[i].id);
			return -EINVAL;
		}
		if (p->blocks[i].capacity > p->max_block_size) {
			VFBC_LOG(ERR, "%s: block %#x capacity %u exceeds %s=%u", dev,
					p->blocks[i].id, p->blocks[i].capacity,
					VFBC_PF_ARG_MAX_BLOCK_SIZE, p->max_block_size);
			return -EINVAL;
		}
	}
	return 0;
}

int
vfbc_pf_parse_devargs(const char *name, const char *args, struct vfbc_pf_params *p)
{
	uint32_t num_vfs = 1, notify = 0;
	struct vfbc_u32_arg u_num_vfs = { name, &num_vfs, 1, RTE_PMD_VFBC_MAX_VFS };
	struct vfbc_u32_arg u_depth = { name, &p->mbox_depth, 1, VFBC_MBOX_DEPTH_MAX };
	struct vfbc_u32_arg u_size = { name, &p->max_block_size, VFBC_WK_BLOCK_SIZE_MAX,
			VFBC_SLOT_DATA_MAX };
	struct vfbc_u32_arg u_slot = { name, &p->mbox_slot_size, VFBC_WK_BLOCK_SIZE_MAX,
			VFBC_SLOT_DATA_MAX };
	struct vfbc_u32_arg u_blocks = { name, &p->max_blocks, 1, 65536 };
	struct vfbc_u32_arg u_burst = { name, &p->mbox_burst, 1, VFBC_MBOX_DEPTH_MAX };
	struct vfbc_u32_arg u_notify = { name, &notify, 0, 1 };
	struct vfbc_u32_arg u_slots = { name, &p->rings.slots, VFBC_PRING_SLOTS_MIN,
			VFBC_PRING_SLOTS_MAX };
	struct vfbc_u32_arg u_buf = { name, &p->rings.buf_size, VFBC_PRING_BUF_MIN,
			VFBC_PRING_BUF_MAX };
	struct vfbc_u32_arg u_queues = { name, &p->rings.nb_pairs, 1, VFBC_PRING_PAIRS_MAX };
	struct vfbc_u32_arg u_dec_threads = { name, &p->decide_threads, 1,
			VFBC_PF_DECIDE_THREADS_MAX };
	struct vfbc_u32_arg u_rate = { name, &p->vf_rate, 0, VFBC_PF_VF_RATE_MAX };
	struct vfbc_u32_arg u_vf_burst = { name, &p->vf_burst, 1, VFBC_PF_VF_RATE_MAX };
	struct vfbc_u32_arg u_outstanding = { name, &p->vf_outstanding, 1, VFBC_MBOX_DEPTH_MAX };
	struct vfbc_u32_arg u_quarantine = { name, &p->quarantine_after, 0,
			VFBC_PF_QUARANTINE_AFTER_MAX };
	struct vfbc_string_arg s_dir = { name, p->region_dir, sizeof(p->region_dir) };
	struct vfbc_string_arg s_store = { name, p->store_dir, sizeof(p->store_dir) };
	struct pf_arg pa = { name, p };
	struct rte_kvargs *kvlist;
	int ret;

	set_defaults(p);
	kvlist = vfbc_kvargs_parse(name, args, vfbc_pf_keys);
	if (kvlist == NULL)
		return -EINVAL;
	ret = vfbc_kvargs_apply(kvlist, VFBC_PF_ARG_NUM_VFS, vfbc_kvarg_u32, &u_num_vfs);
	ret |= vfbc_kvargs_apply(kvlist, VFBC_PF_ARG_REGION_DIR, vfbc_kvarg_string, &s_dir);
	ret |= vfbc_kvargs_apply(kvlist, VFBC_PF_ARG_MBOX_DEPTH, vfbc_kvarg_u32, &u_depth);
	ret |= vfbc_kvargs_apply(kvlist, VFBC_PF_ARG_MAX_BLOCK_SIZE, vfbc_kvarg_u32, &u_size);
	ret |= vfbc_kvargs_apply(kvlist, VFBC_PF_ARG_MBOX_SLOT_SIZE, vfbc_kvarg_u32, &u_slot);
	ret |= vfbc_kvargs_apply(kvlist, VFBC_PF_ARG_MAX_BLOCKS, vfbc_kvarg_u32, &u_blocks);
	ret |= vfbc_kvargs_apply(kvlist, VFBC_PF_ARG_MBOX_BURST, vfbc_kvarg_u32, &u_burst);
	ret |= vfbc_kvargs_apply(kvlist, VFBC_PF_ARG_POLL, parse_poll, &pa);
	ret |= vfbc_kvargs_apply(kvlist, VFBC_PF_ARG_NOTIFY_READS, vfbc_kvarg_u32, &u_notify);
	ret |= vfbc_kvargs_apply(kvlist, VFBC_PF_ARG_BLOCK, parse_block, &pa);
	ret |= vfbc_kvargs_apply(kvlist, VFBC_PF_ARG_VF_MAC, parse_vf_mac, &pa);
	ret |= vfbc_kvargs_apply(kvlist, VFBC_PF_ARG_RING_SIZE, vfbc_kvarg_u32, &u_slots);
	ret |= vfbc_kvargs_apply(kvlist, VFBC_PF_ARG_PKT_BUF_SIZE, vfbc_kvarg_u32, &u_buf);
	ret |= vfbc_kvargs_apply(kvlist, VFBC_PF_ARG_QUEUES, vfbc_kvarg_u32, &u_queues);
	ret |= vfbc_kvargs_apply(kvlist, VFBC_PF_ARG_STORE, vfbc_kvarg_string, &s_store);
	ret |= vfbc_kvargs_apply(kvlist, VFBC_PF_ARG_DECIDE, parse_decide, &pa);
	ret |= vfbc_kvargs_apply(kvlist, VFBC_PF_ARG_DECIDE_THREADS, vfbc_kvarg_u32,
			&u_dec_threads);
	ret |= vfbc_kvargs_apply(kvlist, VFBC_PF_ARG_VF_RATE, vfbc_kvarg_u32, &u_rate);
	ret |= vfbc_kvargs_apply(kvlist, VFBC_PF_ARG_VF_BURST, vfbc_kvarg_u32, &u_vf_burst);
	ret |= vfbc_kvargs_apply(kvlist, VFBC_PF_ARG_VF_OUTSTANDING, vfbc_kvarg_u32,
			&u_outstanding);
	ret |= vfbc_kvargs_apply(kvlist, VFBC_PF_ARG_QUARANTINE_AFTER, vfbc_kvarg_u32,
			&u_quarantine);
	rte_kvargs_free(kvlist);
	if (p->mbox_slot_size == 0)
		p->mbox_slot_size = RTE_MIN(p->max_block_size, VFBC_PF_SLOT_SIZE_DEFAULT);
	p->num_vfs = (uint16_t)num_vfs;
	p->notify_reads = notify != 0;
	if (ret != 0)
		return -EINVAL;
	return check_params(name, p);
}
