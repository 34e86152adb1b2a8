/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfbc authors
 *
 * PF side of the mailbox protocol. Everything read from the region is hostile:
 * each field is loaded once (atomic loads are never re-fetched by the compiler)
 * and bounded before use.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>

#include "vfbc_futex.h"
#include "vfbc_mbox.h"

int
vfbc_status_to_errno(uint32_t status)
{
	switch (status) {
	case VFBC_ST_OK:
		return 0;
	case VFBC_ST_NOENT:
		return -ENOENT;
	case VFBC_ST_ACCES:
	case VFBC_ST_DENIED:
		return -EACCES;
	case VFBC_ST_MSGSIZE:
		return -EMSGSIZE;
	case VFBC_ST_PROTO:
		return -EPROTO;
	default:
		return -EINVAL;
	}
}

uint32_t
vfbc_errno_to_status(int err)
{
	switch (err) {
	case 0:
		return VFBC_ST_OK;
	case -ENOENT:
		return VFBC_ST_NOENT;
	case -EACCES:
		return VFBC_ST_ACCES;
	case -EMSGSIZE:
		return VFBC_ST_MSGSIZE;
	case -EPROTO:
		return VFBC_ST_PROTO;
	default:
		return VFBC_ST_INVAL;
	}
}

int
vfbc_pf_mbox_init(struct vfbc_pf_mbox *mb, struct vfbc_region *region, struct vfbc_store *store,
		uint16_t vf)
{
	memset(mb, 0, sizeof(*mb));
	mb->staging = malloc(region->slot_data_max);
	/* Large enough for any block; its pages are touched only when used. */
	mb->staged_size = store->max_block_size;
	mb->staged_data = malloc(mb->staged_size);
	if (mb->staging == NULL || mb->staged_data == NULL) {
		vfbc_pf_mbox_fini(mb);
		return -ENOMEM;
	}
	mb->proto_max = VFBC_PROTO_VERSION_MAX;
	mb->region = region;
	mb->store = store;
	mb->vf = vf;
	mb->mask = region->mbox_depth - 1;
	/* Sequence numbers differ between PF instances, so a VF's request
	 * to a PF that went away is never mistaken for one to its successor.
	 */
	mb->next_seq = (uint32_t)(region->generation >> 32);
	return 0;
}

void
vfbc_pf_mbox_fini(struct vfbc_pf_mbox *mb)
{
	free(mb->staging);
	free(mb->staged_data);
	mb->staging = NULL;
	mb->staged_data = NULL;
}

/* Dekker pairing with the VF's waiter: it publishes cpl_sleepers, then checks
 * completions; we publish completions, then check cpl_sleepers.
 */
static void
wake_sleepers(struct vfbc_pf_mbox *mb)
{
	struct vfbc_region_hdr *hdr = mb->region->hdr;

	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (__atomic_load_n(&hdr->vf.cpl_sleepers, __ATOMIC_RELAXED) != 0) {
		vfbc_doorbell_ring(&hdr->pf.cpl_doorbell);
		mb->stats.wakeups++;
	}
}

/* A new VF instance, or a staged write gone wrong: forget it. */
static void
staged_drop(struct vfbc_pf_mbox *mb)
{
	if (mb->staged.active)
		mb->stats.staged_drops++;
	mb->staged.active = false;
}

static void
serve_attach(struct vfbc_pf_mbox *mb, uint32_t nonce)
{
	struct vfbc_region_hdr *hdr = mb->region->hdr;
	uint16_t vf_min = __atomic_load_n(&hdr->vf.proto_min, __ATOMIC_RELAXED);
	uint16_t vf_max = __atomic_load_n(&hdr->vf.proto_max, __ATOMIC_RELAXED);
	uint16_t lo = vf_min > VFBC_PROTO_VERSION_MIN ? vf_min : VFBC_PROTO_VERSION_MIN;
	uint16_t hi = RTE_MIN(vf_max, mb->proto_max);

	mb->nonce_seen = nonce;
	staged_drop(mb);
	mb->stats.attaches++;
	/* A parked request belongs to the VF instance before: when its
	 * decision comes, it is dropped, and the new instance served.
	 */
	mb->park_stale = mb->parked;
	/* Skip a whole ring of sequence numbers: no request the previous VF
	 * instance left in a slot can carry one the PF will accept next.
	 */
	mb->next_seq += mb->mask + 1;
	mb->attached = lo <= hi;
	/* A new VF process, or the same one again: it holds the region. */
	__atomic_store_n(&mb->peer_gone, false, __ATOMIC_RELEASE);
	mb->proto_version = mb->attached ? hi : 0;
	hdr->pf.proto_version = mb->proto_version;
	hdr->pf.attach_status = mb->attached ? VFBC_ST_OK : VFBC_ST_PROTO;
	hdr->pf.first_seq = mb->next_seq;
	__atomic_store_n(&hdr->pf.attach_ack, nonce, __ATOMIC_RELEASE);
	wake_sleepers(mb);
}

static void
snapshot_request(const struct vfbc_mbox_desc *d, uint32_t seq, struct vfbc_pf_request *req)
{
	req->seq = seq;
	req->opcode = __atomic_load_n(&d->opcode, __ATOMIC_RELAXED);
	req->flags = __atomic_load_n(&d->flags, __ATOMIC_RELAXED);
	req->block_id = __atomic_load_n(&d->block_id, __ATOMIC_RELAXED);
	req->len = __atomic_load_n(&d->req_len, __ATOMIC_RELAXED);
	req->offset = __atomic_load_n(&d->req_offset, __ATOMIC_RELAXED);
	req->total = __atomic_load_n(&d->req_total, __ATOMIC_RELAXED);
}

static bool
is_chunk_op(uint16_t opcode)
{
	return opcode == VFBC_OP_READ_CHUNK || opcode == VFBC_OP_WRITE_CHUNK;
}

static int
check_request(const struct vfbc_pf_mbox *mb, const struct vfbc_pf_request *req)
{
	if (req->flags != 0 || req->len == 0)
		return -EINVAL;
	if (is_chunk_op(req->opcode) && mb->proto_version < VFBC_PROTO_VERSION_CHUNKS)
		return -EINVAL;
	if (req->len > mb->region->slot_data_max)
		return -EMSGSIZE;
	return 0;
}

/* Returned by serve_read/serve_write for a request parked for a decision:
 * no errno the store returns, nor a byte count.
 */
#define VFBC_PARKED (-EINPROGRESS)

/* @return 0 to proceed, -ECANCELED to deny, VFBC_PARKED if parked. */
static int
ask_policy(struct vfbc_pf_mbox *mb, struct vfbc_pf_request *req, const void *data)
{
	int verdict;

	if (mb->policy == NULL)
		return 0;
	req->ticket = ++mb->park_ticket;
	verdict = mb->policy(mb->policy_ctx, mb->vf, req, data);
	if (verdict == 0)
		return 0;
	if (verdict != VFBC_PF_POLICY_DEFER)
		return -ECANCELED;
	mb->park_req = *req;
	mb->park_data = data;
	mb->parked = true;
	mb->stats.deferred++;
	return VFBC_PARKED;
}

/*
 * One chunk of a read: the completion carries the block's length and version
 * as they were when this chunk was copied, so the VF can tell whether the
 * block changed between its chunks and start again.
 */
static int
read_chunk(struct vfbc_pf_mbox *mb, const struct vfbc_pf_request *req, uint32_t slot)
{
	struct vfbc_mbox_desc *d = vfbc_region_desc(mb->region, slot);
	uint32_t block_len = 0;
	uint64_t version = 0;
	int ret;

	ret = vfbc_store_vf_read_at(mb->store, req->block_id, req->offset,
			vfbc_region_slot_data(mb->region, slot), req->len, &block_len, &version);
	if (ret >= 0) {
		d->cpl_total = block_len;
		d->cpl_version = version;
	}
	return ret;
}

/*
 * Carry out a request the application allowed, now or after it was parked:
 * a read into slot @p slot, a write of @p data (the PF-private copy of the
 * payload, or the staged chunks of a whole write).
 * @return bytes read into the slot, 0 for a write, or a negative errno.
 */
static int
perform(struct vfbc_pf_mbox *mb, const struct vfbc_pf_request *req, uint32_t slot,
		const void *data)
{
	switch (req->opcode) {
	case VFBC_OP_READ:
		return vfbc_store_vf_read(mb->store, req->block_id,
				vfbc_region_slot_data(mb->region, slot), req->len);
	case VFBC_OP_READ_CHUNK:
		return read_chunk(mb, req, slot);
	default:
		return vfbc_store_vf_write(mb->store, req->block_id, data, req->len);
	}
}

/* A read or a chunk of one, asking the application first with notify_reads. */
static int
serve_read(struct vfbc_pf_mbox *mb, struct vfbc_pf_request *req, uint32_t slot)
{
	int ret;

	mb->stats.reads++;
	if (req->opcode == VFBC_OP_READ_CHUNK)
		mb->stats.chunks++;
	if (mb->notify_reads) {
		ret = vfbc_store_vf_check(mb->store, req->block_id, req->len, VFBC_BLOCK_VF_READ);
		if (ret == 0)
			ret = ask_policy(mb, req, NULL);
		if (ret != 0)
			return ret;
	}
	return perform(mb, req, slot, NULL);
}

/* The payload is copied out of shared memory before anyone looks at it, so
 * what the policy approves is exactly what gets stored.
 */
static int
serve_write(struct vfbc_pf_mbox *mb, struct vfbc_pf_request *req, const uint8_t *slot_data)
{
	int ret;

	mb->stats.writes++;
	ret = vfbc_store_vf_check(mb->store, req->block_id, req->len, VFBC_BLOCK_VF_WRITE);
	if (ret < 0)
		return ret;
	memcpy(mb->staging, slot_data, req->len);
	ret = ask_policy(mb, req, mb->staging);
	if (ret != 0)
		return ret;
	return perform(mb, req, 0, mb->staging);
}

/* The first chunk of a staged write: is the whole write allowed at all? */
static int
staged_start(struct vfbc_pf_mbox *mb, const struct vfbc_pf_request *req)
{
	int ret;

	staged_drop(mb);
	if (req->total == 0 || req->total > mb->staged_size)
		return req->total == 0 ? -EINVAL : -EMSGSIZE;
	ret = vfbc_store_vf_check(mb->store, req->block_id, req->total, VFBC_BLOCK_VF_WRITE);
	if (ret < 0)
		return ret;
	mb->staged.active = true;
	mb->staged.block_id = req->block_id;
	mb->staged.total = req->total;
	mb->staged.filled = 0;
	return 0;
}

/* Every chunk but the first must continue the staged write where it stopped. */
static bool
staged_continues(const struct vfbc_pf_mbox *mb, const struct vfbc_pf_request *req)
{
	return mb->staged.active && req->block_id == mb->staged.block_id &&
		req->total == mb->staged.total && req->offset == mb->staged.filled;
}

/* The staged write is complete: ask the policy, then replace the block at once. */
static int
staged_commit(struct vfbc_pf_mbox *mb, const struct vfbc_pf_request *req)
{
	struct vfbc_pf_request whole = {
		.seq = req->seq, .opcode = VFBC_OP_WRITE, .block_id = req->block_id,
		.len = mb->staged.total, .total = mb->staged.total,
	};

	int ret;

	/* staged_data stays as it is while the decision is parked: this VF's
	 * next chunked write is served only after it.
	 */
	mb->staged.active = false;
	ret = ask_policy(mb, &whole, mb->staged_data);
	if (ret != 0)
		return ret;
	return perform(mb, &whole, 0, mb->staged_data);
}

/*
 * One chunk of a write larger than a slot. The chunks are gathered in
 * PF-private memory, bounded by the largest block, and nothing is stored
 * before the last one: nobody ever sees a block half written.
 */
static int
serve_write_chunk(struct vfbc_pf_mbox *mb, const struct vfbc_pf_request *req,
		const uint8_t *slot_data)
{
	int ret;

	mb->stats.writes++;
	mb->stats.chunks++;
	if (req->offset == 0) {
		ret = staged_start(mb, req);
		if (ret < 0)
			return ret;
	} else if (!staged_continues(mb, req)) {
		staged_drop(mb);
		return -EINVAL;
	}
	/* filled < total here, so this cannot wrap. */
	if (req->len > mb->staged.total - mb->staged.filled) {
		staged_drop(mb);
		return -EINVAL;
	}
	memcpy(mb->staged_data + mb->staged.filled, slot_data, req->len);
	mb->staged.filled += req->len;
	if (mb->staged.filled < mb->staged.total)
		return 0;
	return staged_commit(mb, req);
}

/*
 * A VF that sends nothing but malformed requests is broken or hostile: after
 * quarantine_after of them in a row, the PF stops looking at its mailbox.
 */
static void
count_malformed(struct vfbc_pf_mbox *mb, uint32_t status)
{
	if (status != VFBC_ST_INVAL && status != VFBC_ST_PROTO) {
		mb->bad_streak = 0;
		return;
	}
	if (++mb->bad_streak < mb->limits.quarantine_after || mb->limits.quarantine_after == 0)
		return;
	__atomic_store_n(&mb->quarantined, true, __ATOMIC_RELEASE);
	mb->stats.quarantines++;
}

static void
complete(struct vfbc_pf_mbox *mb, struct vfbc_mbox_desc *d, uint32_t seq, int result)
{
	uint32_t status = result == -ECANCELED ? VFBC_ST_DENIED :
		vfbc_errno_to_status(result < 0 ? result : 0);

	d->cpl_status = status;
	d->cpl_len = result > 0 ? (uint32_t)result : 0;
	__atomic_store_n(&d->cpl_seq, seq, __ATOMIC_RELEASE);
	mb->stats.completions++;
	mb->stats.status[status]++;
	count_malformed(mb, status);
}

static bool
posted(const struct vfbc_pf_mbox *mb, uint32_t seq)
{
	return __atomic_load_n(&vfbc_region_desc(mb->region, seq & mb->mask)->req_seq,
			__ATOMIC_ACQUIRE) == seq;
}

/*
 * A VF posts request N + max_outstanding only once it saw request N complete:
 * seen posted while the PF is about to serve N, it is one too many, and
 * fails when its turn comes (whatever the slot says by then).
 */
static bool
over_limit(struct vfbc_pf_mbox *mb, uint32_t seq)
{
	uint32_t lim = mb->limits.max_outstanding;

	if (lim != 0 && lim <= mb->mask && !mb->excess && posted(mb, seq + lim)) {
		mb->excess = true;
		mb->excess_seq = seq + lim;
	}
	if (!mb->excess || seq != mb->excess_seq)
		return false;
	mb->excess = false;
	mb->stats.over_limit++;
	return true;
}

/* @return false if the request was parked, not completed. */
static bool
serve_one(struct vfbc_pf_mbox *mb, uint32_t slot, uint32_t seq)
{
	struct vfbc_mbox_desc *d = vfbc_region_desc(mb->region, slot);
	uint8_t *slot_data = vfbc_region_slot_data(mb->region, slot);
	struct vfbc_pf_request req;
	int ret;

	snapshot_request(d, seq, &req);
	mb->stats.requests++;
	ret = over_limit(mb, seq) ? -EINVAL : check_request(mb, &req);
	if (ret == 0) {
		if (req.opcode == VFBC_OP_READ || req.opcode == VFBC_OP_READ_CHUNK)
			ret = serve_read(mb, &req, slot);
		else if (req.opcode == VFBC_OP_WRITE)
			ret = serve_write(mb, &req, slot_data);
		else if (req.opcode == VFBC_OP_WRITE_CHUNK)
			ret = serve_write_chunk(mb, &req, slot_data);
		else
			ret = -EINVAL;
	}
	if (ret == VFBC_PARKED)
		return false;
	complete(mb, d, seq, ret);
	return true;
}

/*
 * Own the first payload line of the slot the next request will use before it
 * arrives: the VF last read it a whole ring ago, so taking it now costs the
 * VF nothing, and the PF's copy into it is no longer a miss on the request's
 * critical path. PREFETCHW decodes as a no-op where it is not implemented.
 */
static void
prefetch_next_slot(const struct vfbc_pf_mbox *mb)
{
#if defined(RTE_ARCH_X86)
	const void *line = vfbc_region_slot_data(mb->region, mb->next_seq & mb->mask);

	asm volatile("prefetchw %0" : : "m" (*(const volatile char *)line));
#else
	RTE_SET_USED(mb);
#endif
}

int
vfbc_pf_mbox_set_limits(struct vfbc_pf_mbox *mb, const struct vfbc_pf_limits *l)
{
	if (l->max_outstanding > mb->mask + 1)
		return -EINVAL;
	mb->limits = *l;
	if (l->rate != 0 && l->burst == 0)
		mb->limits.burst = l->rate / 10 != 0 ? l->rate / 10 : 1;
	mb->tb_credit = (uint64_t)mb->limits.burst * VFBC_NS_PER_SEC;
	mb->tb_last_ns = vfbc_time_ns();
	__atomic_store_n(&mb->region->hdr->pf.max_outstanding, l->max_outstanding,
			__ATOMIC_RELEASE);
	return 0;
}

void
vfbc_pf_mbox_lift_quarantine(struct vfbc_pf_mbox *mb)
{
	mb->bad_streak = 0;
	__atomic_store_n(&mb->quarantined, false, __ATOMIC_RELEASE);
}

bool
vfbc_pf_mbox_check_peer(struct vfbc_pf_mbox *mb)
{
	if (!mb->attached || mb->peer_gone || vfbc_region_vf_alive(mb->region) != 0)
		return false;
	__atomic_store_n(&mb->peer_gone, true, __ATOMIC_RELEASE);
	return true;
}

/*
 * Token bucket of the rate limit, in requests * 1e9 so that no refill is
 * lost to rounding. @return how many requests may be served now.
 */
static unsigned int
rate_budget(struct vfbc_pf_mbox *mb, unsigned int budget)
{
	uint64_t cap = (uint64_t)mb->limits.burst * VFBC_NS_PER_SEC;
	uint64_t now = vfbc_time_ns(), elapsed = now - mb->tb_last_ns;
	uint64_t avail;

	mb->tb_last_ns = now;
	if (elapsed >= cap / mb->limits.rate)
		mb->tb_credit = cap;
	else
		mb->tb_credit = RTE_MIN(cap, mb->tb_credit + elapsed * mb->limits.rate);
	avail = mb->tb_credit / VFBC_NS_PER_SEC;
	if (avail == 0 && mb->rl_counted != mb->next_seq) {
		mb->rl_counted = mb->next_seq; /* each waiting request counts once */
		mb->stats.rate_limited++;
	}
	return avail < budget ? (unsigned int)avail : budget;
}

unsigned int
vfbc_pf_mbox_serve(struct vfbc_pf_mbox *mb, unsigned int budget)
{
	struct vfbc_region_hdr *hdr = mb->region->hdr;
	uint32_t nonce;
	unsigned int n;

	/* A quarantined VF's region is not even read. */
	if (mb->quarantined)
		return 0;
	nonce = __atomic_load_n(&hdr->vf.attach_nonce, __ATOMIC_ACQUIRE);
	if (nonce != mb->nonce_seen)
		serve_attach(mb, nonce);
	/* Requests are served in order: none while one waits for a decision. */
	if (!mb->attached || mb->parked || !posted(mb, mb->next_seq))
		return 0;
	if (mb->limits.rate != 0)
		budget = rate_budget(mb, budget);
	for (n = 0; n < budget && !mb->quarantined; n++) {
		uint32_t seq = mb->next_seq;

		if (!posted(mb, seq))
			break;
		if (!serve_one(mb, seq & mb->mask, seq)) {
			n++; /* parked: served, not completed yet */
			break;
		}
		mb->next_seq = seq + 1;
	}
	if (mb->limits.rate != 0)
		mb->tb_credit -= (uint64_t)n * VFBC_NS_PER_SEC;
	n -= mb->parked;
	if (n != 0) {
		wake_sleepers(mb);
		prefetch_next_slot(mb);
	}
	return n;
}

unsigned int
vfbc_pf_mbox_decide(struct vfbc_pf_mbox *mb, uint32_t ticket, bool allow)
{
	const struct vfbc_pf_request *req = &mb->park_req;
	uint32_t slot = req->seq & mb->mask;
	int ret;

	if (!mb->parked || ticket != mb->park_ticket)
		return 0;
	mb->parked = false;
	if (mb->park_stale) {
		mb->park_stale = false;
		return 0;
	}
	ret = allow ? perform(mb, req, slot, mb->park_data) : -ECANCELED;
	complete(mb, vfbc_region_desc(mb->region, slot), req->seq, ret);
	mb->next_seq = req->seq + 1;
	wake_sleepers(mb);
	return 1;
}

void
vfbc_pf_mbox_invalidate(struct vfbc_pf_mbox *mb, uint64_t mask)
{
	struct vfbc_pf_ctl *pf = &mb->region->hdr->pf;

	__atomic_fetch_or(&pf->inval_mask, mask, __ATOMIC_RELEASE);
	vfbc_doorbell_ring(&pf->inval_seq);
}

void
vfbc_pf_mbox_set_uplink(struct vfbc_pf_mbox *mb, bool up)
{
	struct vfbc_pf_ctl *pf = &mb->region->hdr->pf;

	__atomic_store_n(&pf->uplink_up, up ? 1 : 0, __ATOMIC_RELEASE);
	vfbc_doorbell_ring(&pf->inval_seq);
}
