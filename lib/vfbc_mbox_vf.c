/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfbc authors
 *
 * VF side of the mailbox protocol: attach, post, and wait for completions.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_common.h>
#include <rte_pause.h>

#include "vfbc_futex.h"
#include "vfbc_mbox.h"

enum {
	VFBC_VF_SLOT_FREE = 0,
	VFBC_VF_SLOT_BUSY,      /**< posted, a thread waits for it */
	VFBC_VF_SLOT_ABANDONED, /**< posted, its waiter timed out */
	VFBC_VF_SLOT_POSTED,    /**< posted by vfbc_vf_mbox_post(): freed when collected */
};

/* How many pause loops between two clock reads while spinning. */
#define VFBC_SPIN_CHECK_EVERY 64

int
vfbc_vf_mbox_init(struct vfbc_vf_mbox *mb, struct vfbc_region *region, uint64_t spin_ns)
{
	memset(mb, 0, sizeof(*mb));
	mb->slots = calloc(region->mbox_depth, sizeof(*mb->slots));
	if (mb->slots == NULL)
		return -ENOMEM;
	pthread_mutex_init(&mb->attach_lock, NULL);
	pthread_mutex_init(&mb->write_lock, NULL);
	rte_spinlock_init(&mb->post_lock);
	mb->proto_max = VFBC_PROTO_VERSION_MAX;
	mb->region = region;
	mb->mask = region->mbox_depth - 1;
	mb->max_outstanding = region->mbox_depth;
	mb->spin_ns = spin_ns;
	return 0;
}

void
vfbc_vf_mbox_fini(struct vfbc_vf_mbox *mb)
{
	free(mb->slots);
	mb->slots = NULL;
	pthread_mutex_destroy(&mb->attach_lock);
	pthread_mutex_destroy(&mb->write_lock);
}

int
vfbc_vf_mbox_rebind(struct vfbc_vf_mbox *mb, struct vfbc_region *region)
{
	struct vfbc_vf_slot *slots = calloc(region->mbox_depth, sizeof(*slots));

	if (slots == NULL)
		return -ENOMEM;
	free(mb->slots);
	mb->slots = slots;
	mb->region = region;
	mb->mask = region->mbox_depth - 1;
	mb->next_seq = 0;
	mb->nonce = 0;
	mb->slot_waiters = 0;
	mb->proto_version = 0;
	mb->max_outstanding = region->mbox_depth;
	__atomic_store_n(&mb->stall, VFBC_VF_STALL_NONE, __ATOMIC_RELAXED);
	__atomic_store_n(&mb->attached, false, __ATOMIC_RELAXED);
	__atomic_store_n(&mb->gone, false, __ATOMIC_RELEASE);
	return 0;
}

static bool
pf_gone(const struct vfbc_vf_mbox *mb)
{
	return __atomic_load_n(&mb->gone, __ATOMIC_ACQUIRE) ||
		__atomic_load_n(&mb->region->hdr->pf.pf_state, __ATOMIC_ACQUIRE) ==
			VFBC_PF_STATE_GONE;
}

void
vfbc_vf_mbox_mark_gone(struct vfbc_vf_mbox *mb)
{
	__atomic_store_n(&mb->gone, true, __ATOMIC_RELEASE);
	/* All our waiters sleep on this word: bumping it cannot confuse the
	 * PF, which never reads it.
	 */
	vfbc_doorbell_ring(&mb->region->hdr->pf.cpl_doorbell);
	vfbc_doorbell_ring(&mb->region->hdr->pf.inval_seq);
}

typedef bool (*wait_cond_t)(struct vfbc_vf_mbox *mb, void *arg);

/*
 * A deadline read from the clock only when first needed, so that a request
 * the PF answers within the first spins costs no clock read at all.
 */
struct deadline {
	uint64_t timeout_ns;
	uint64_t at; /* 0 until first needed */
};

static uint64_t
deadline_at(struct deadline *d)
{
	if (d->at == 0) {
		uint64_t now = vfbc_time_ns();

		d->at = d->timeout_ns > UINT64_MAX - now ? UINT64_MAX : now + d->timeout_ns;
	}
	return d->at;
}

static void
count(uint64_t *counter)
{
	__atomic_fetch_add(counter, 1, __ATOMIC_RELAXED);
}

/*
 * Spin about spin_ns, then sleep on @p db until @p cond holds, the PF goes
 * away, or the deadline passes. @p sleepers, when not NULL, tells the ringer
 * of @p db that somebody sleeps.
 */
static int
wait_for(struct vfbc_vf_mbox *mb, wait_cond_t cond, void *arg, uint32_t *db, uint32_t *sleepers,
		struct deadline *dl)
{
	uint64_t now, spin_end = 0;
	unsigned int i;
	int ret = 0;

	for (i = 1; !cond(mb, arg); i++) {
		if (i % VFBC_SPIN_CHECK_EVERY == 0) {
			now = vfbc_time_ns();
			if (spin_end == 0)
				spin_end = now + mb->spin_ns;
			if (now >= spin_end || now >= deadline_at(dl))
				break;
		}
		rte_pause();
	}
	if (sleepers != NULL)
		__atomic_fetch_add(sleepers, 1, __ATOMIC_SEQ_CST);
	for (;;) {
		uint32_t seen = __atomic_load_n(db, __ATOMIC_ACQUIRE);

		if (cond(mb, arg))
			break;
		if (pf_gone(mb)) {
			ret = -ENOTCONN;
			break;
		}
		now = vfbc_time_ns();
		if (now >= deadline_at(dl)) {
			ret = -ETIMEDOUT;
			break;
		}
		count(&mb->stats.sleeps);
		vfbc_futex_wait(db, seen, deadline_at(dl) - now);
	}
	if (sleepers != NULL)
		__atomic_fetch_sub(sleepers, 1, __ATOMIC_RELEASE);
	return ret;
}

static uint32_t
fresh_nonce(uint32_t avoid)
{
	uint32_t n = (uint32_t)(vfbc_time_ns() ^ ((uint64_t)getpid() << 16));

	while (n == 0 || n == avoid)
		n = n * 2654435761u + 1;
	return n;
}

void
vfbc_vf_mbox_attach_start(struct vfbc_vf_mbox *mb)
{
	struct vfbc_vf_ctl *vf = &mb->region->hdr->vf;

	mb->nonce = fresh_nonce(__atomic_load_n(&vf->attach_nonce, __ATOMIC_RELAXED));
	vf->proto_min = VFBC_PROTO_VERSION_MIN;
	vf->proto_max = mb->proto_max;
	__atomic_store_n(&vf->attach_nonce, mb->nonce, __ATOMIC_RELEASE);
}

static bool
attach_answered(struct vfbc_vf_mbox *mb, void *arg)
{
	return __atomic_load_n(&mb->region->hdr->pf.attach_ack, __ATOMIC_ACQUIRE) == mb->nonce;
}

/* Called with no request outstanding: slots restart at the PF's first_seq. */
static int
finish_attach(struct vfbc_vf_mbox *mb)
{
	const struct vfbc_pf_ctl *pf = &mb->region->hdr->pf;
	uint32_t s;

	if (pf->attach_status != VFBC_ST_OK)
		return -EPROTO;
	uint32_t lim = __atomic_load_n(&pf->max_outstanding, __ATOMIC_RELAXED);

	mb->proto_version = pf->proto_version;
	mb->max_outstanding = lim == 0 || lim > mb->mask + 1 ? mb->mask + 1 : lim;
	mb->next_seq = pf->first_seq;
	for (s = 0; s <= mb->mask; s++)
		mb->slots[s].state = VFBC_VF_SLOT_FREE;
	__atomic_store_n(&mb->attached, true, __ATOMIC_RELEASE);
	return 0;
}

static int
attach(struct vfbc_vf_mbox *mb, struct deadline *dl)
{
	struct vfbc_region_hdr *hdr = mb->region->hdr;
	int ret = 0;

	if (__atomic_load_n(&mb->attached, __ATOMIC_ACQUIRE))
		return 0;
	pthread_mutex_lock(&mb->attach_lock);
	if (!mb->attached) {
		if (mb->nonce == 0)
			vfbc_vf_mbox_attach_start(mb);
		ret = wait_for(mb, attach_answered, NULL, &hdr->pf.cpl_doorbell,
				&hdr->vf.cpl_sleepers, dl);
		if (ret == 0) {
			ret = finish_attach(mb);
		} else if (ret == -ETIMEDOUT) {
			count(&mb->stats.timeouts);
			__atomic_store_n(&mb->stall, VFBC_VF_STALL_ATTACH, __ATOMIC_RELEASE);
		}
	}
	pthread_mutex_unlock(&mb->attach_lock);
	return ret;
}

int
vfbc_vf_mbox_attach(struct vfbc_vf_mbox *mb, uint64_t deadline_ns)
{
	struct deadline dl = { .at = deadline_ns };

	return attach(mb, &dl);
}

static struct vfbc_vf_slot *
slot_of(struct vfbc_vf_mbox *mb, uint32_t seq)
{
	return &mb->slots[seq & mb->mask];
}

/*
 * An abandoned slot is free again once the PF completed its request. Called
 * under post_lock, and without it as a hint while waiting for a slot: both
 * may free an abandoned slot, which is the same store.
 */
static bool
slot_free(struct vfbc_vf_mbox *mb, uint32_t seq)
{
	struct vfbc_vf_slot *vs = slot_of(mb, seq);
	uint32_t state = __atomic_load_n(&vs->state, __ATOMIC_ACQUIRE);

	if (state == VFBC_VF_SLOT_ABANDONED &&
			__atomic_load_n(&vfbc_region_desc(mb->region, seq & mb->mask)->cpl_seq,
				__ATOMIC_ACQUIRE) == vs->seq) {
		__atomic_store_n(&vs->state, VFBC_VF_SLOT_FREE, __ATOMIC_RELAXED);
		state = VFBC_VF_SLOT_FREE;
	}
	return state == VFBC_VF_SLOT_FREE;
}

/* One request as the VF posts it. */
struct vf_req {
	uint16_t op;
	uint32_t block_id;
	const void *data; /* writes */
	uint32_t len;     /* at most a slot */
	uint32_t offset;  /* chunk ops */
	uint32_t total;   /* VFBC_OP_WRITE_CHUNK */
	bool posted;      /* for the caller to collect, not waited for by the library */
};

static bool
is_write(uint16_t op)
{
	return op == VFBC_OP_WRITE || op == VFBC_OP_WRITE_CHUNK;
}

/*
 * The next slot is free, and, under the PF's max_outstanding, so is the slot
 * of the request that many before: slots are used in sequence order, so that
 * request is then done and fewer than max_outstanding are in flight.
 */
static bool
next_slot_free(struct vfbc_vf_mbox *mb, void *arg)
{
	uint32_t next = __atomic_load_n(&mb->next_seq, __ATOMIC_RELAXED);

	if (!slot_free(mb, next))
		return false;
	return mb->max_outstanding > mb->mask || slot_free(mb, next - mb->max_outstanding);
}

static bool
slot_posted(struct vfbc_vf_mbox *mb, uint32_t seq)
{
	return __atomic_load_n(&slot_of(mb, seq)->state, __ATOMIC_ACQUIRE) == VFBC_VF_SLOT_POSTED;
}

/*
 * The next slot, or under the PF's max_outstanding the slot of the request
 * that many before, holds a posted request nobody collected: only a poll
 * frees it, which the poster may be the one to make. Under post_lock, and
 * without it as a hint while waiting for a slot.
 */
static bool
next_slot_posted(struct vfbc_vf_mbox *mb)
{
	uint32_t next = __atomic_load_n(&mb->next_seq, __ATOMIC_RELAXED);

	if (!slot_free(mb, next) && slot_posted(mb, next))
		return true;
	return mb->max_outstanding <= mb->mask && !slot_free(mb, next - mb->max_outstanding) &&
		slot_posted(mb, next - mb->max_outstanding);
}

/* What a poster waiting for a slot waits for: a free one, or a posted request's. */
static bool
post_may_go(struct vfbc_vf_mbox *mb, void *arg)
{
	const struct vf_req *r = arg;

	return next_slot_free(mb, NULL) || (r->posted && next_slot_posted(mb));
}

static void
fill_desc(struct vfbc_vf_mbox *mb, uint32_t seq, const struct vf_req *r)
{
	uint32_t slot = seq & mb->mask;
	struct vfbc_mbox_desc *d = vfbc_region_desc(mb->region, slot);
	struct vfbc_vf_slot *vs = &mb->slots[slot];

	vs->seq = seq;
	vs->len = r->len;
	__atomic_store_n(&vs->state, r->posted ? VFBC_VF_SLOT_POSTED : VFBC_VF_SLOT_BUSY,
			__ATOMIC_RELAXED);
	d->opcode = r->op;
	d->flags = 0;
	d->block_id = r->block_id;
	d->req_len = r->len;
	d->req_offset = r->offset;
	d->req_total = r->total;
	if (is_write(r->op))
		memcpy(vfbc_region_slot_data(mb->region, slot), r->data, r->len);
	__atomic_store_n(&d->req_seq, seq, __ATOMIC_RELEASE);
}

/* A request posted as such must fit one slot; blocking calls chunk larger ones. */
static int
check_request(const struct vfbc_vf_mbox *mb, struct vf_req *r)
{
	if (r->len == 0 || (is_write(r->op) && r->data == NULL) ||
			(r->op != VFBC_OP_READ && r->op != VFBC_OP_WRITE &&
			 r->op != VFBC_OP_READ_CHUNK && r->op != VFBC_OP_WRITE_CHUNK))
		return -EINVAL;
	if (r->len > mb->region->slot_data_max) {
		if (is_write(r->op))
			return -EMSGSIZE;
		r->len = mb->region->slot_data_max;
	}
	return 0;
}

/*
 * Post if the next slot is free. @return 0, -EAGAIN (no free slot), -ENOTCONN,
 * or, for a posted request, -ENOBUFS: the slot it needs holds another posted
 * request not collected yet, which waiting would not free.
 */
static int
try_post(struct vfbc_vf_mbox *mb, const struct vf_req *r, uint32_t *seq)
{
	int ret = -EAGAIN;

	rte_spinlock_lock(&mb->post_lock);
	if (pf_gone(mb)) {
		ret = -ENOTCONN;
	} else if (next_slot_free(mb, NULL)) {
		*seq = mb->next_seq;
		fill_desc(mb, *seq, r);
		__atomic_store_n(&mb->next_seq, *seq + 1, __ATOMIC_RELAXED);
		mb->stats.requests++;
		ret = 0;
	} else if (r->posted && next_slot_posted(mb)) {
		ret = -ENOBUFS;
	}
	rte_spinlock_unlock(&mb->post_lock);
	return ret;
}

static int
post_req(struct vfbc_vf_mbox *mb, struct vf_req *r, struct deadline *dl, uint32_t *seq)
{
	struct vfbc_region_hdr *hdr = mb->region->hdr;
	int ret = check_request(mb, r);

	if (ret == 0)
		ret = attach(mb, dl);
	while (ret == 0) {
		ret = try_post(mb, r, seq);
		if (ret != -EAGAIN)
			break;
		/* Every slot is in flight. Wait without the lock, on the completion
		 * doorbell as a completion sleeper: the slot may wait for the PF to
		 * complete an abandoned request, and the PF rings only that word,
		 * also when it leaves. set_slot_state() rings it too when
		 * slot_waiters says so.
		 */
		__atomic_fetch_add(&mb->slot_waiters, 1, __ATOMIC_SEQ_CST);
		ret = wait_for(mb, post_may_go, r, &hdr->pf.cpl_doorbell,
				&hdr->vf.cpl_sleepers, dl);
		__atomic_fetch_sub(&mb->slot_waiters, 1, __ATOMIC_RELEASE);
	}
	return ret;
}

static int
post(struct vfbc_vf_mbox *mb, uint16_t op, uint32_t block_id, const void *data, uint32_t len,
		struct deadline *dl, uint32_t *seq)
{
	struct vf_req r = {
		.op = op, .block_id = block_id, .data = data, .len = len, .posted = true,
	};

	if (op != VFBC_OP_READ && op != VFBC_OP_WRITE)
		return -EINVAL;
	return post_req(mb, &r, dl, seq);
}

int
vfbc_vf_mbox_post(struct vfbc_vf_mbox *mb, uint16_t op, uint32_t block_id, const void *data,
		uint32_t len, uint64_t deadline_ns, uint32_t *seq)
{
	struct deadline dl = { .at = deadline_ns };

	return post(mb, op, block_id, data, len, &dl, seq);
}

int
vfbc_vf_mbox_post_timeout(struct vfbc_vf_mbox *mb, uint16_t op, uint32_t block_id,
		const void *data, uint32_t len, uint64_t timeout_ns, uint32_t *seq)
{
	struct deadline dl = { .timeout_ns = timeout_ns };

	return post(mb, op, block_id, data, len, &dl, seq);
}

/* Give a slot a new state and let posters waiting for a slot look again. */
static void
set_slot_state(struct vfbc_vf_mbox *mb, struct vfbc_vf_slot *vs, uint32_t state)
{
	__atomic_store_n(&vs->state, state, __ATOMIC_RELEASE);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (__atomic_load_n(&mb->slot_waiters, __ATOMIC_RELAXED) != 0)
		vfbc_doorbell_ring(&mb->region->hdr->pf.cpl_doorbell);
}

/* What a chunked read's completion says of the block. */
struct chunk_info {
	uint32_t total;
	uint64_t version;
};

static int
poll_info(struct vfbc_vf_mbox *mb, uint32_t seq, void *out, uint32_t out_len,
		struct chunk_info *ci)
{
	uint32_t slot = seq & mb->mask;
	const struct vfbc_mbox_desc *d = vfbc_region_desc(mb->region, slot);
	struct vfbc_vf_slot *vs = &mb->slots[slot];
	uint32_t status, n;
	int ret;

	/* Not a request of this connection: posted to a PF that went away
	 * before the mailbox was bound to its successor.
	 */
	if (vs->seq != seq)
		return -ENOTCONN;
	if (__atomic_load_n(&d->cpl_seq, __ATOMIC_ACQUIRE) != seq)
		return pf_gone(mb) ? -ENOTCONN : -EAGAIN;
	status = d->cpl_status;
	n = d->cpl_len;
	ret = vfbc_status_to_errno(status);
	if (ret == 0 && out != NULL) {
		/* Trust no length from shared memory, not even the PF's. */
		if (n > vs->len)
			n = vs->len;
		if (n > out_len)
			n = out_len;
		memcpy(out, vfbc_region_slot_data(mb->region, slot), n);
		ret = (int)n;
	}
	if (ret >= 0 && ci != NULL) {
		ci->total = d->cpl_total;
		ci->version = d->cpl_version;
	}
	count(&mb->stats.completions);
	if (ret < 0)
		count(&mb->stats.errors);
	set_slot_state(mb, vs, VFBC_VF_SLOT_FREE);
	return ret;
}

int
vfbc_vf_mbox_poll(struct vfbc_vf_mbox *mb, uint32_t seq, void *out, uint32_t out_len)
{
	return poll_info(mb, seq, out, out_len, NULL);
}

struct completion_arg {
	uint32_t seq;
};

static bool
completed(struct vfbc_vf_mbox *mb, void *arg)
{
	const struct completion_arg *c = arg;

	return __atomic_load_n(&vfbc_region_desc(mb->region, c->seq & mb->mask)->cpl_seq,
			__ATOMIC_ACQUIRE) == c->seq;
}

static int
wait(struct vfbc_vf_mbox *mb, uint32_t seq, void *out, uint32_t out_len, struct deadline *dl,
		struct chunk_info *ci)
{
	struct vfbc_region_hdr *hdr = mb->region->hdr;
	struct completion_arg c = { .seq = seq };
	int ret;

	ret = wait_for(mb, completed, &c, &hdr->pf.cpl_doorbell, &hdr->vf.cpl_sleepers, dl);
	if (ret == 0)
		return poll_info(mb, seq, out, out_len, ci);
	if (ret == -ETIMEDOUT) {
		count(&mb->stats.timeouts);
		__atomic_store_n(&mb->stall_seq, seq, __ATOMIC_RELAXED);
		__atomic_store_n(&mb->stall, VFBC_VF_STALL_REQUEST, __ATOMIC_RELEASE);
	}
	/* The PF may have completed it (and rung) since we last looked: a poster
	 * that saw the slot busy then must look again, or it sleeps to its deadline.
	 */
	set_slot_state(mb, slot_of(mb, seq), VFBC_VF_SLOT_ABANDONED);
	return ret;
}

bool
vfbc_vf_mbox_pf_stalled(struct vfbc_vf_mbox *mb)
{
	uint32_t stall = __atomic_load_n(&mb->stall, __ATOMIC_ACQUIRE);
	struct completion_arg c;
	bool answered;

	if (stall == VFBC_VF_STALL_NONE)
		return false;
	if (pf_gone(mb))
		return false; /* calls fail fast, with -ENOTCONN */
	if (stall == VFBC_VF_STALL_ATTACH) {
		answered = attach_answered(mb, NULL);
	} else {
		/* An abandoned slot is reused only once completed: the seq is still there. */
		c.seq = __atomic_load_n(&mb->stall_seq, __ATOMIC_RELAXED);
		answered = completed(mb, &c);
	}
	if (answered)
		__atomic_compare_exchange_n(&mb->stall, &stall, VFBC_VF_STALL_NONE, false,
				__ATOMIC_RELAXED, __ATOMIC_RELAXED);
	return !answered;
}

int
vfbc_vf_mbox_wait(struct vfbc_vf_mbox *mb, uint32_t seq, void *out, uint32_t out_len,
		uint64_t deadline_ns)
{
	struct deadline dl = { .at = deadline_ns };

	return wait(mb, seq, out, out_len, &dl, NULL);
}

/* Post one request and wait for it. */
static int
round_trip(struct vfbc_vf_mbox *mb, struct vf_req *r, void *out, struct deadline *dl,
		struct chunk_info *ci)
{
	uint32_t seq;
	int ret;

	ret = post_req(mb, r, dl, &seq);
	if (ret < 0)
		return ret;
	return wait(mb, seq, out, out != NULL ? r->len : 0, dl, ci);
}

/* A chunk of a read in flight. */
struct chunk_req {
	uint32_t seq;
	uint32_t off;
	uint32_t len;
};

/* The chunks a read keeps in flight at most. */
#define VFBC_READ_WINDOW 16

/* A window of chunk requests in flight, collected in order. */
struct chunk_window {
	struct chunk_req q[VFBC_READ_WINDOW];
	unsigned int head, n;
};

/*
 * Post a chunk without waiting for a slot while this thread holds others:
 * the slot it waits for may be one of its own, which only it frees.
 * @return 0, -EAGAIN (collect one first), or an error of post_req().
 */
static int
post_chunk(struct vfbc_vf_mbox *mb, struct chunk_window *w, struct vf_req *r,
		struct deadline *dl)
{
	struct chunk_req *c = &w->q[(w->head + w->n) % VFBC_READ_WINDOW];
	int ret;

	if (w->n == VFBC_READ_WINDOW)
		return -EAGAIN;
	ret = w->n == 0 ? post_req(mb, r, dl, &c->seq) : try_post(mb, r, &c->seq);
	if (ret == 0) {
		c->off = r->offset;
		c->len = r->len;
		w->n++;
	}
	return ret;
}

/* Collect the oldest chunk in flight into @p buf. @return what wait() returns. */
static int
collect_chunk(struct vfbc_vf_mbox *mb, struct chunk_window *w, uint8_t *buf,
		struct deadline *dl, struct chunk_info *ci, struct chunk_req *done)
{
	*done = w->q[w->head];
	w->head = (w->head + 1) % VFBC_READ_WINDOW;
	w->n--;
	return wait(mb, done->seq, buf + done->off, done->len, dl, ci);
}

/* Every posted chunk must be collected, or its slot is never free again. */
static void
drain_chunks(struct vfbc_vf_mbox *mb, struct chunk_window *w, uint8_t *buf,
		struct deadline *dl)
{
	struct chunk_req done;
	struct chunk_info ci;

	while (w->n != 0)
		collect_chunk(mb, w, buf, dl, &ci, &done);
}

/*
 * One pass over a block larger than a slot: the first chunk tells its length,
 * the others are posted together, so the PF serves them back to back.
 * @return bytes read; -EAGAIN if the block changed between two chunks.
 */
static int
read_chunks_once(struct vfbc_vf_mbox *mb, uint32_t block_id, uint8_t *buf, uint32_t len,
		struct deadline *dl)
{
	uint32_t sdm = mb->region->slot_data_max, posted, want;
	struct chunk_window w = { .n = 0 };
	struct chunk_info first, ci;
	struct chunk_req done;
	struct vf_req r = {
		.op = VFBC_OP_READ_CHUNK, .block_id = block_id, .len = RTE_MIN(sdm, len),
	};
	int ret;

	ret = round_trip(mb, &r, buf, dl, &first);
	if (ret < 0)
		return ret;
	want = RTE_MIN(len, first.total);
	posted = (uint32_t)ret;
	if (posted < want && posted < r.len)
		return -EPROTO; /* short of what the PF says the block holds */
	while (posted < want || w.n != 0) {
		while (posted < want) {
			r.offset = posted;
			r.len = RTE_MIN(sdm, want - posted);
			ret = post_chunk(mb, &w, &r, dl);
			if (ret == -EAGAIN)
				break;
			if (ret < 0)
				goto out;
			posted += r.len;
		}
		ret = collect_chunk(mb, &w, buf, dl, &ci, &done);
		if (ret < 0)
			goto out;
		if (ci.version != first.version || ci.total != first.total) {
			ret = -EAGAIN;
			goto out;
		}
		if ((uint32_t)ret != done.len) {
			ret = -EPROTO;
			goto out;
		}
	}
	return (int)want;
out:
	drain_chunks(mb, &w, buf, dl);
	return ret;
}

/* A read larger than a slot: one version of the block, or -EAGAIN. */
static int
read_chunked(struct vfbc_vf_mbox *mb, uint32_t block_id, void *buf, uint32_t len,
		struct deadline *dl)
{
	unsigned int tries;
	int ret = -EAGAIN;

	for (tries = 0; tries < VFBC_READ_CHUNKED_TRIES; tries++) {
		ret = read_chunks_once(mb, block_id, buf, len, dl);
		if (ret != -EAGAIN)
			break;
		count(&mb->stats.read_restarts);
	}
	return ret;
}

/*
 * A write larger than a slot. The PF stages one write per VF, so the VF's
 * threads take turns; the PF stores it only when the last chunk arrived.
 */
static int
write_chunked(struct vfbc_vf_mbox *mb, uint32_t block_id, const uint8_t *buf, uint32_t len,
		struct deadline *dl)
{
	uint32_t sdm = mb->region->slot_data_max, off = 0;
	int ret = 0;

	pthread_mutex_lock(&mb->write_lock);
	while (ret == 0 && off < len) {
		struct vf_req r = {
			.op = VFBC_OP_WRITE_CHUNK, .block_id = block_id, .data = buf + off,
			.offset = off, .len = RTE_MIN(sdm, len - off), .total = len,
		};

		ret = round_trip(mb, &r, NULL, dl, NULL);
		off += r.len;
	}
	pthread_mutex_unlock(&mb->write_lock);
	return ret;
}

int
vfbc_vf_mbox_call(struct vfbc_vf_mbox *mb, uint16_t op, uint32_t block_id, void *buf,
		uint32_t len, uint64_t timeout_ns)
{
	struct deadline dl = { .timeout_ns = timeout_ns };
	struct vf_req r = { .op = op, .block_id = block_id, .data = buf, .len = len };
	int ret;

	if (op != VFBC_OP_READ && op != VFBC_OP_WRITE)
		return -EINVAL;
	if (len > mb->region->slot_data_max) {
		ret = attach(mb, &dl);
		if (ret < 0)
			return ret;
		if (mb->proto_version >= VFBC_PROTO_VERSION_CHUNKS)
			return op == VFBC_OP_READ ? read_chunked(mb, block_id, buf, len, &dl) :
				write_chunked(mb, block_id, buf, len, &dl);
	}
	return round_trip(mb, &r, op == VFBC_OP_READ ? buf : NULL, &dl, NULL);
}

uint64_t
vfbc_vf_mbox_fetch_invalidated(struct vfbc_vf_mbox *mb)
{
	return __atomic_exchange_n(&mb->region->hdr->pf.inval_mask, 0, __ATOMIC_ACQ_REL);
}

bool
vfbc_vf_mbox_uplink_up(const struct vfbc_vf_mbox *mb)
{
	return __atomic_load_n(&mb->region->hdr->pf.uplink_up, __ATOMIC_ACQUIRE) == 1;
}

uint32_t
vfbc_vf_mbox_notice_seq(const struct vfbc_vf_mbox *mb)
{
	return __atomic_load_n(&mb->region->hdr->pf.inval_seq, __ATOMIC_ACQUIRE);
}

void
vfbc_vf_mbox_wait_notice(struct vfbc_vf_mbox *mb, uint32_t seen)
{
	/* Bounded, so a lost wake-up costs a second at most. */
	vfbc_futex_wait(&mb->region->hdr->pf.inval_seq, seen, VFBC_NS_PER_SEC);
}

void
vfbc_vf_mbox_ring_notice(struct vfbc_vf_mbox *mb)
{
	/* Only this VF's threads sleep on it; the PF never reads it. */
	vfbc_doorbell_ring(&mb->region->hdr->pf.inval_seq);
}
