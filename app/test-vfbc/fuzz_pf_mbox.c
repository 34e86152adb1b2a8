/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfbc authors
 */

/*
 * libFuzzer harness of the PF's handling of a hostile VF region.
 *
 * The PF side of lib/ runs in this process without EAL, on a real region
 * (vfbc_region_create()) and a real block store. Each input is a byte that
 * picks a region layout, then a sequence of operations: the fuzzer plays a
 * hostile VF that scribbles anywhere in its mapping, posts requests or makes
 * the PF serve whatever garbage sits in the slots; and the PF application,
 * which sets and defines blocks, invalidates them, and approves or denies
 * requests (while the VF changes the slot under the PF's feet).
 *
 * After every PF call the harness checks it against a model of the protocol
 * and aborts on any difference: which requests are served, every completion
 * (a valid status, cpl_len within the slot, the data read), every byte of the
 * region (the PF writes only its own fields, never outside the region: the
 * region sits between guard pages), the store (contents, lengths within the
 * capacities) and the PF's private state (next_seq moves by what it served; the
 * write it stages chunk by chunk, protocol 2).
 *
 * The PF application may also defer its decision (the request is parked until
 * vfbc_pf_mbox_decide(), and the VF is not served meanwhile), and set the
 * limits that do not depend on time: max_outstanding and quarantine_after.
 *
 * Input format: see enum fz_op; app/test-vfbc/fuzz-corpus/make_seeds.py
 * writes inputs of each kind.
 */

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <rte_common.h>

#include "vfbc_mbox.h"
#include "vfbc_region.h"
#include "vfbc_store.h"

#define FZ_PAGE 4096u
#define FZ_MAX_POKE 64u    /* bytes one poke writes */
#define FZ_MAX_OPS 1024u   /* operations of one input */
#define FZ_MAX_CALLS 64u   /* policy calls within one serve: over any budget */
#define FZ_MAX_BLOCKS 12u
#define FZ_BLOCK_MAX 8192u /* over every layout's max_block_size */
#define FZ_VF 0

#define FZ_CHECK(cond, ...) do { \
	if (!(cond)) { \
		fprintf(stderr, "fuzz-pf-mbox: %s:%d: %s: ", __FILE__, __LINE__, #cond); \
		fprintf(stderr, __VA_ARGS__); \
		fprintf(stderr, "\n"); \
		abort(); \
	} \
} while (0)

/* Region layouts: the first two end exactly at a page, on a guard page. */
struct fz_layout {
	uint32_t depth;
	uint32_t sdm;
};

static const struct fz_layout layouts[] = {
	{ 1, 3776 },
	{ 4, 896 },
	{ 8, 100 },
	{ 16, 1 },
};
#define FZ_LAYOUTS (sizeof(layouts) / sizeof(layouts[0]))

/* Blocks of every store: capacity is cap + sdm_mul * slot_data_max. */
static const struct {
	uint32_t id;
	uint32_t cap;
	uint32_t sdm_mul;
	uint32_t flags;
	uint32_t len; /* initial contents, clamped to the capacity */
} blocks[] = {
	{ 0, 6, 0, VFBC_BLOCK_FLAGS_ALL, 6 },
	{ 1, 0, 1, VFBC_BLOCK_VF_READ, UINT32_MAX },
	{ 2, 16, 0, VFBC_BLOCK_FLAGS_ALL, 0 },
	{ 3, 0, 2, VFBC_BLOCK_FLAGS_ALL, 40 },
	{ 7, 1, 0, VFBC_BLOCK_VF_WRITE, 1 },
	{ 0x10, 0, 1, VFBC_BLOCK_FLAGS_ALL, 0 },
	{ 0x3f, 64, 0, 0, 64 },
	{ UINT32_MAX, 8, 0, VFBC_BLOCK_FLAGS_ALL, 3 },
};
#define FZ_BLOCKS (sizeof(blocks) / sizeof(blocks[0]))
/* Block ids a request picks from: the defined ones and a few that are not. */
static const uint32_t fz_ids[] = { 0, 1, 2, 3, 7, 0x10, 0x3f, UINT32_MAX, 4, 63, 64, 0x11 };
#define FZ_IDS (sizeof(fz_ids) / sizeof(fz_ids[0]))

/* What the PF's private state must be, as the model predicts it. */
struct fz_pf_model {
	uint32_t next_seq;
	uint32_t nonce_seen;
	uint16_t proto_version;
	bool attached;
	struct vfbc_pf_staged staged; /* the write being staged chunk by chunk */
	uint32_t ticket;          /* policy calls so far: the last one's ticket */
	bool parked;
	bool park_stale;
	struct vfbc_pf_request park_req;
	uint8_t park_data[FZ_BLOCK_MAX]; /* a parked write's payload */
	struct vfbc_pf_limits limits;
	bool excess;
	uint32_t excess_seq;
	uint32_t bad_streak;
	bool quarantined;
	struct vfbc_pf_mbox_stats stats;
};

/* The store's blocks as the model predicts them. */
struct fz_store_model {
	uint32_t n;
	struct vfbc_block_info info[FZ_MAX_BLOCKS];
	uint8_t data[FZ_MAX_BLOCKS][FZ_BLOCK_MAX];
};

/* One call of the policy, as the PF made it, with a copy of the payload it passed. */
struct fz_call {
	struct vfbc_pf_request req;
	bool write;
	bool deny;
	uint8_t data[FZ_BLOCK_MAX];
};

/* The PF application's policy, and what the VF does while it runs. */
struct fz_policy {
	bool installed;
	bool defer;         /* every call defers: FZ_DECIDE decides */
	uint32_t deny;      /* decisions, one bit per call, in turn */
	uint32_t calls;     /* calls in this input */
	uint32_t poke_off;  /* from the start of the request's slot */
	uint32_t poke_len;
	uint8_t poke[FZ_MAX_POKE];
	uint32_t logged;    /* calls in this serve */
	uint32_t checked;   /* of which the model has matched */
	struct fz_call log[FZ_MAX_CALLS];
};

/* One layout's world, created once and reset before each input. */
struct fz_env {
	const struct fz_layout *layout;
	struct vfbc_region r;
	size_t map_len;        /* the region's pages */
	uint8_t *pristine;     /* the region as created */
	uint8_t *expect;       /* the region as the model predicts it */
	uint32_t max_block_size;
	struct vfbc_store store;
	struct vfbc_pf_mbox mb;
	struct fz_pf_model pm;
	struct fz_policy pol;
};

/* The rest of the input. Reads past its end give zeros. */
struct fz_in {
	const uint8_t *p;
	size_t left;
};

static struct fz_env envs[FZ_LAYOUTS];
/* FUZZ_PF_MBOX_TRACE=1 prints what a (crashing) input does. */
static bool trace;
static struct fz_store_model model;
static uint8_t staging[FZ_BLOCK_MAX];
static uint8_t staged_data[FZ_BLOCK_MAX]; /* the model's staged write */

/* ------------------------------------------------------------------ input */

static uint8_t
get8(struct fz_in *in)
{
	if (in->left == 0)
		return 0;
	in->left--;
	return *in->p++;
}

/* Little-endian; each byte read in a statement of its own, in input order. */
static uint16_t
get16(struct fz_in *in)
{
	uint16_t lo = get8(in);

	return (uint16_t)(lo | get8(in) << 8);
}

static uint32_t
get32(struct fz_in *in)
{
	uint32_t lo = get16(in);

	return lo | (uint32_t)get16(in) << 16;
}

static uint64_t
get64(struct fz_in *in)
{
	uint64_t lo = get32(in);

	return lo | (uint64_t)get32(in) << 32;
}

/* Up to @p max bytes of input, as many as a length byte asks. */
static uint32_t
get_bytes(struct fz_in *in, uint8_t *buf, uint32_t max)
{
	uint32_t n = get8(in) % (max + 1), i;

	for (i = 0; i < n; i++)
		buf[i] = get8(in);
	return n;
}

/* ------------------------------------------------------------------ setup */

static uint32_t
block_cap(const struct fz_env *e, unsigned int i)
{
	return blocks[i].cap + blocks[i].sdm_mul * e->layout->sdm;
}

static void
store_setup(struct fz_env *e)
{
	unsigned int i, k;
	uint32_t len;

	FZ_CHECK(vfbc_store_init(&e->store, FZ_MAX_BLOCKS, e->max_block_size) == 0, "init");
	for (i = 0; i < FZ_BLOCKS; i++) {
		FZ_CHECK(vfbc_store_define(&e->store, blocks[i].id, block_cap(e, i),
				blocks[i].flags) == 0, "define block %u", blocks[i].id);
		len = RTE_MIN(blocks[i].len, block_cap(e, i));
		for (k = 0; k < len; k++)
			staging[k] = (uint8_t)(0x40 + i + k);
		FZ_CHECK(vfbc_store_set(&e->store, blocks[i].id, staging, len) == 0, "set");
	}
}

/*
 * Move the PF's mapping between two PROT_NONE pages: a write before or past
 * the region's pages faults, one into the rest of its last page is seen by
 * check_tail().
 */
static void
add_guard_pages(struct fz_env *e)
{
	uint8_t *g;

	e->map_len = (e->r.size + FZ_PAGE - 1) & ~(size_t)(FZ_PAGE - 1);
	g = mmap(NULL, e->map_len + 2 * FZ_PAGE, PROT_NONE,
			MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	FZ_CHECK(g != MAP_FAILED, "guard mapping");
	FZ_CHECK(mmap(g + FZ_PAGE, e->r.size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED,
			e->r.fd, 0) == g + FZ_PAGE, "region mapping");
	munmap(e->r.base, e->r.size);
	e->r.base = g + FZ_PAGE;
	e->r.hdr = (struct vfbc_region_hdr *)e->r.base;
}

/* Create the region, then drop its file: the PF keeps its memfd, nothing is left behind. */
static void
region_setup(struct fz_env *e, unsigned int idx)
{
	struct vfbc_region_params p = {
		.vf_index = FZ_VF,
		.num_vfs = 1,
		.mbox_depth = e->layout->depth,
		.slot_data_max = e->layout->sdm,
		.generation = 0x5eed0000u + idx,
	};
	const char *tmp = getenv("TMPDIR");
	char dir[PATH_MAX], path[PATH_MAX];

	snprintf(dir, sizeof(dir), "%s/vfbc-fuzz.XXXXXX", tmp != NULL ? tmp : "/tmp");
	FZ_CHECK(mkdtemp(dir) != NULL, "mkdtemp %s", dir);
	FZ_CHECK(vfbc_region_path(path, sizeof(path), dir, "fuzz", FZ_VF) == 0, "path");
	FZ_CHECK(vfbc_region_create(&e->r, path, &p) == 0, "region of layout %u", idx);
	unlink(path);
	rmdir(dir);
	vfbc_region_set_ready(&e->r);
	add_guard_pages(e);
	e->pristine = malloc(e->r.size);
	e->expect = malloc(e->r.size);
	FZ_CHECK(e->pristine != NULL && e->expect != NULL, "no memory");
	memcpy(e->pristine, e->r.base, e->r.size);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	unsigned int i;

	(void)argc;
	(void)argv;
	trace = getenv("FUZZ_PF_MBOX_TRACE") != NULL;
	FZ_CHECK(sysconf(_SC_PAGESIZE) == FZ_PAGE, "page size %ld", sysconf(_SC_PAGESIZE));
	for (i = 0; i < FZ_LAYOUTS; i++) {
		envs[i].layout = &layouts[i];
		envs[i].max_block_size = 2 * layouts[i].sdm + 64;
		FZ_CHECK(envs[i].max_block_size <= FZ_BLOCK_MAX, "layout %u", i);
		region_setup(&envs[i], i);
		store_setup(&envs[i]);
		FZ_CHECK(vfbc_pf_mbox_init(&envs[i].mb, &envs[i].r, &envs[i].store, FZ_VF) == 0,
				"mbox");
	}
	return 0;
}

static int fz_policy(void *ctx, uint16_t vf, const struct vfbc_pf_request *req,
		const void *data);

/* Everything as created, so that an input's outcome depends on it alone. */
static void
env_reset(struct fz_env *e)
{
	memcpy(e->r.base, e->pristine, e->r.size);
	memset(e->r.base + e->r.size, 0, e->map_len - e->r.size);
	vfbc_pf_mbox_fini(&e->mb);
	vfbc_store_fini(&e->store);
	store_setup(e);
	FZ_CHECK(vfbc_pf_mbox_init(&e->mb, &e->r, &e->store, FZ_VF) == 0, "mbox");
	e->mb.policy_ctx = e;
	memset(&e->pol, 0, sizeof(e->pol));
	memset(&e->pm, 0, sizeof(e->pm));
	e->pm.next_seq = e->mb.next_seq;
	e->pm.nonce_seen = e->mb.nonce_seen;
}

/* ----------------------------------------------------------------- checks */

static bool
in_region(const struct fz_env *e, const void *p, size_t len)
{
	const uint8_t *b = p;

	return b + len > e->r.base && b < e->r.base + e->map_len;
}

/* The region must be byte for byte what the model expects. */
static void
check_region(const struct fz_env *e, const char *what)
{
	size_t i;

	if (memcmp(e->r.base, e->expect, e->r.size) == 0)
		return;
	for (i = 0; e->r.base[i] == e->expect[i]; i++)
		;
	FZ_CHECK(false, "%s: region byte %zu is %#x, expected %#x", what, i, e->r.base[i],
			e->expect[i]);
}

/* Nobody may write past the region's end in its last page. */
static void
check_tail(const struct fz_env *e)
{
	size_t i;

	for (i = e->r.size; i < e->map_len; i++)
		FZ_CHECK(e->r.base[i] == 0, "byte %zu past the region's end written", i);
}

/* Load the model from the store, checking what must hold of any store. */
static void
model_load(struct fz_env *e)
{
	const struct vfbc_store *s = &e->store;
	uint32_t i;

	FZ_CHECK(s->count <= s->max_blocks && s->count <= FZ_MAX_BLOCKS, "%u blocks", s->count);
	model.n = s->count;
	for (i = 0; i < s->count; i++) {
		const struct vfbc_block *b = &s->blocks[i];

		FZ_CHECK(i == 0 || s->blocks[i - 1].info.id < b->info.id, "unsorted at %u", i);
		FZ_CHECK(b->info.len <= b->info.capacity, "block %#x: length %u over capacity %u",
				b->info.id, b->info.len, b->info.capacity);
		FZ_CHECK(b->info.capacity <= s->max_block_size, "capacity %u", b->info.capacity);
		model.info[i] = b->info;
		memcpy(model.data[i], b->data, b->info.len);
	}
}

/* The store must be what the model expects. */
static void
check_store(const struct fz_env *e)
{
	const struct vfbc_store *s = &e->store;
	uint32_t i;

	FZ_CHECK(s->count == model.n, "%u blocks, expected %u", s->count, model.n);
	for (i = 0; i < s->count; i++) {
		const struct vfbc_block_info *a = &s->blocks[i].info, *m = &model.info[i];

		FZ_CHECK(memcmp(a, m, sizeof(*a)) == 0,
				"block %#x: cap %u len %u flags %#x version %" PRIu64
				", expected block %#x: cap %u len %u flags %#x version %" PRIu64,
				a->id, a->capacity, a->len, a->flags, a->version,
				m->id, m->capacity, m->len, m->flags, m->version);
		FZ_CHECK(a->len <= a->capacity, "block %#x over capacity", a->id);
		FZ_CHECK(memcmp(s->blocks[i].data, model.data[i], a->len) == 0,
				"block %#x: other contents", a->id);
	}
}

static void
check_pf_state(const struct fz_env *e)
{
	const struct vfbc_pf_mbox *mb = &e->mb;
	const struct vfbc_pf_mbox_stats *a = &mb->stats, *m = &e->pm.stats;
	unsigned int st;

	FZ_CHECK(mb->next_seq == e->pm.next_seq, "next_seq %u, expected %u", mb->next_seq,
			e->pm.next_seq);
	FZ_CHECK(mb->nonce_seen == e->pm.nonce_seen, "nonce");
	FZ_CHECK(mb->attached == e->pm.attached, "attached %d", mb->attached);
	FZ_CHECK(mb->proto_version == e->pm.proto_version, "version %u", mb->proto_version);
	FZ_CHECK(mb->staged.active == e->pm.staged.active, "staged write active %d",
			mb->staged.active);
	if (mb->staged.active)
		FZ_CHECK(mb->staged.block_id == e->pm.staged.block_id &&
				mb->staged.total == e->pm.staged.total &&
				mb->staged.filled == e->pm.staged.filled &&
				memcmp(mb->staged_data, staged_data, mb->staged.filled) == 0,
				"staged write of block %#x: %u of %u bytes", mb->staged.block_id,
				mb->staged.filled, mb->staged.total);
	FZ_CHECK(mb->parked == e->pm.parked && mb->park_stale == e->pm.park_stale,
			"parked %d stale %d", mb->parked, mb->park_stale);
	FZ_CHECK(mb->quarantined == e->pm.quarantined && mb->bad_streak == e->pm.bad_streak,
			"quarantined %d, %u malformed in a row", mb->quarantined, mb->bad_streak);
	FZ_CHECK(a->attaches == m->attaches && a->requests == m->requests &&
			a->reads == m->reads && a->writes == m->writes &&
			a->completions == m->completions && a->wakeups == m->wakeups &&
			a->chunks == m->chunks && a->staged_drops == m->staged_drops &&
			a->deferred == m->deferred && a->over_limit == m->over_limit &&
			a->quarantines == m->quarantines && a->rate_limited == 0,
			"counters: %" PRIu64 " requests, %" PRIu64 " completions",
			a->requests, a->completions);
	for (st = 0; st < VFBC_ST_MAX; st++)
		FZ_CHECK(a->status[st] == m->status[st], "status %u counter", st);
}

/* ------------------------------------------------------------------ model */

static int
model_find(uint32_t id)
{
	uint32_t i;

	for (i = 0; i < model.n; i++)
		if (model.info[i].id == id)
			return (int)i;
	return -1;
}

static struct vfbc_mbox_desc *
exp_desc(const struct fz_env *e, uint32_t slot)
{
	return (struct vfbc_mbox_desc *)(e->expect + e->r.mbox_offset +
			(size_t)slot * e->r.slot_size);
}

static uint8_t *
exp_data(const struct fz_env *e, uint32_t slot)
{
	return (uint8_t *)exp_desc(e, slot) + sizeof(struct vfbc_mbox_desc);
}

/* Write the VF's poke at the start of @p slot + off in @p base (region or model). */
static void
policy_poke(const struct fz_env *e, uint8_t *base, uint32_t slot)
{
	size_t off = e->r.mbox_offset + (size_t)slot * e->r.slot_size + e->pol.poke_off;

	memcpy(base + off, e->pol.poke, e->pol.poke_len);
}

/*
 * The PF application's policy. The PF passes its private snapshot of the
 * request and of a write's payload; the VF then rewrites its slot, which must
 * change nothing of what the PF decided on.
 */
static int
fz_policy(void *ctx, uint16_t vf, const struct vfbc_pf_request *req, const void *data)
{
	struct fz_env *e = ctx;
	struct fz_policy *pol = &e->pol;
	uint32_t slot = req->seq & (e->r.mbox_depth - 1);
	struct fz_call *c;

	FZ_CHECK(pol->logged < FZ_MAX_CALLS, "%u policy calls in one serve", pol->logged);
	FZ_CHECK(vf == FZ_VF, "vf %u", vf);
	FZ_CHECK(req->len != 0 && req->len <= e->max_block_size, "length %u", req->len);
	c = &pol->log[pol->logged++];
	if (data != NULL) {
		FZ_CHECK(!in_region(e, data, req->len), "payload passed in shared memory");
		memcpy(c->data, data, req->len);
	}
	c->req = *req;
	c->write = data != NULL;
	c->deny = (pol->deny >> (pol->calls++ % 32)) & 1;
	policy_poke(e, e->r.base, slot);
	if (pol->defer)
		return VFBC_PF_POLICY_DEFER;
	return c->deny ? -1 : 0;
}

/* Returned by model_consult for a deferred decision, and by the model_* requests. */
#define FZ_PARKED UINT32_MAX

/*
 * Match the PF's next policy call, and the payload it passed (@p data, NULL
 * for a read); apply the VF's poke to the model too.
 * @return whether it denies, or FZ_PARKED when it defers.
 */
static uint32_t
model_consult(struct fz_env *e, uint32_t slot, struct vfbc_pf_request *req,
		const uint8_t *data)
{
	struct fz_policy *pol = &e->pol;
	const struct fz_call *c;

	req->ticket = ++e->pm.ticket;
	FZ_CHECK(pol->checked < pol->logged, "seq %u: policy not called", req->seq);
	c = &pol->log[pol->checked++];
	FZ_CHECK(memcmp(&c->req, req, sizeof(*req)) == 0 && c->write == (data != NULL),
			"policy called for seq %u op %u block %#x len %u, expected seq %u",
			c->req.seq, c->req.opcode, c->req.block_id, c->req.len, req->seq);
	FZ_CHECK(data == NULL || memcmp(c->data, data, req->len) == 0,
			"seq %u: the policy saw another payload", req->seq);
	policy_poke(e, e->expect, slot);
	if (pol->defer) {
		e->pm.parked = true;
		e->pm.park_req = *req;
		e->pm.stats.deferred++;
		return FZ_PARKED;
	}
	return c->deny;
}

static void
model_read_block(struct fz_env *e, uint32_t slot, int b, uint32_t want, uint32_t *len)
{
	*len = RTE_MIN(want, model.info[b].len);
	memcpy(exp_data(e, slot), model.data[b], *len);
}

static void
model_write_block(int b, const uint8_t *data, uint32_t len)
{
	memcpy(model.data[b], data, len);
	model.info[b].len = len;
	model.info[b].version++;
}

/* Whether a read of block @p b may proceed: VFBC_ST_OK, FZ_PARKED or the refusal. */
static uint32_t
model_read_allowed(struct fz_env *e, uint32_t slot, struct vfbc_pf_request *req, int b)
{
	uint32_t verdict;

	if (b < 0)
		return VFBC_ST_NOENT;
	if ((model.info[b].flags & VFBC_BLOCK_VF_READ) == 0)
		return VFBC_ST_ACCES;
	if (e->pol.installed && e->mb.notify_reads) {
		verdict = model_consult(e, slot, req, NULL);
		if (verdict == FZ_PARKED)
			return FZ_PARKED;
		if (verdict)
			return VFBC_ST_DENIED;
	}
	return VFBC_ST_OK;
}

static uint32_t
model_read(struct fz_env *e, uint32_t slot, struct vfbc_pf_request *req, uint32_t *len)
{
	int b = model_find(req->block_id);
	uint32_t st;

	e->pm.stats.reads++;
	st = model_read_allowed(e, slot, req, b);
	if (st != VFBC_ST_OK)
		return st;
	model_read_block(e, slot, b, req->len, len);
	return VFBC_ST_OK;
}

static uint32_t
model_write(struct fz_env *e, uint32_t slot, struct vfbc_pf_request *req)
{
	uint32_t verdict;
	int b = model_find(req->block_id);

	e->pm.stats.writes++;
	if (b < 0)
		return VFBC_ST_NOENT;
	if ((model.info[b].flags & VFBC_BLOCK_VF_WRITE) == 0)
		return VFBC_ST_ACCES;
	if (req->len > model.info[b].capacity)
		return VFBC_ST_MSGSIZE;
	/* What the PF stores is what the slot held before the policy ran. */
	memcpy(staging, exp_data(e, slot), req->len);
	if (e->pol.installed) {
		verdict = model_consult(e, slot, req, staging);
		if (verdict == FZ_PARKED) {
			memcpy(e->pm.park_data, staging, req->len);
			return FZ_PARKED;
		}
		if (verdict)
			return VFBC_ST_DENIED;
	}
	model_write_block(b, staging, req->len);
	return VFBC_ST_OK;
}

/* The chunk of block @p b that @p req reads, with the block's length and version. */
static void
model_read_chunk_of(struct fz_env *e, uint32_t slot, const struct vfbc_pf_request *req, int b,
		uint32_t *len)
{
	struct vfbc_mbox_desc *d = exp_desc(e, slot);

	if (req->offset < model.info[b].len) {
		*len = RTE_MIN(req->len, model.info[b].len - req->offset);
		memcpy(exp_data(e, slot), model.data[b] + req->offset, *len);
	}
	d->cpl_total = model.info[b].len;
	d->cpl_version = model.info[b].version;
}

/* A read chunk: as a read, at an offset, with the block's length and version. */
static uint32_t
model_read_chunk(struct fz_env *e, uint32_t slot, struct vfbc_pf_request *req, uint32_t *len)
{
	int b = model_find(req->block_id);
	uint32_t st;

	e->pm.stats.reads++;
	e->pm.stats.chunks++;
	st = model_read_allowed(e, slot, req, b);
	if (st != VFBC_ST_OK)
		return st;
	model_read_chunk_of(e, slot, req, b, len);
	return VFBC_ST_OK;
}

static void
model_staged_drop(struct fz_env *e)
{
	if (e->pm.staged.active)
		e->pm.stats.staged_drops++;
	e->pm.staged.active = false;
}

static uint32_t
model_staged_start(struct fz_env *e, const struct vfbc_pf_request *req)
{
	int b = model_find(req->block_id);

	model_staged_drop(e);
	if (req->total == 0)
		return VFBC_ST_INVAL;
	if (req->total > e->max_block_size)
		return VFBC_ST_MSGSIZE;
	if (b < 0)
		return VFBC_ST_NOENT;
	if ((model.info[b].flags & VFBC_BLOCK_VF_WRITE) == 0)
		return VFBC_ST_ACCES;
	if (req->total > model.info[b].capacity)
		return VFBC_ST_MSGSIZE;
	e->pm.staged.active = true;
	e->pm.staged.block_id = req->block_id;
	e->pm.staged.total = req->total;
	e->pm.staged.filled = 0;
	return VFBC_ST_OK;
}

/* The last chunk: the application decides on the whole write, then it is stored. */
static uint32_t
model_staged_commit(struct fz_env *e, uint32_t slot, const struct vfbc_pf_request *req)
{
	struct vfbc_pf_staged *st = &e->pm.staged;
	struct vfbc_pf_request whole = {
		.seq = req->seq, .opcode = VFBC_OP_WRITE, .block_id = req->block_id,
		.len = st->total, .total = st->total,
	};
	int b = model_find(req->block_id);
	uint32_t verdict;

	st->active = false;
	if (e->pol.installed) {
		verdict = model_consult(e, slot, &whole, staged_data);
		if (verdict == FZ_PARKED) {
			memcpy(e->pm.park_data, staged_data, whole.len);
			return FZ_PARKED;
		}
		if (verdict)
			return VFBC_ST_DENIED;
	}
	/* Blocks are never removed, nor their rights changed: the start's checks hold. */
	FZ_CHECK(b >= 0, "staged block %#x gone", req->block_id);
	model_write_block(b, staged_data, whole.len);
	return VFBC_ST_OK;
}

static uint32_t
model_write_chunk(struct fz_env *e, uint32_t slot, const struct vfbc_pf_request *req)
{
	struct vfbc_pf_staged *st = &e->pm.staged;
	uint32_t status;

	e->pm.stats.writes++;
	e->pm.stats.chunks++;
	if (req->offset == 0) {
		status = model_staged_start(e, req);
		if (status != VFBC_ST_OK)
			return status;
	} else if (!st->active || req->block_id != st->block_id || req->total != st->total ||
			req->offset != st->filled) {
		model_staged_drop(e);
		return VFBC_ST_INVAL;
	}
	if (req->len > st->total - st->filled) {
		model_staged_drop(e);
		return VFBC_ST_INVAL;
	}
	memcpy(staged_data + st->filled, exp_data(e, slot), req->len);
	st->filled += req->len;
	if (st->filled < st->total)
		return VFBC_ST_OK;
	return model_staged_commit(e, slot, req);
}

/* Request seq + max_outstanding, seen posted when seq is served, fails. */
static bool
model_over_limit(struct fz_env *e, uint32_t seq)
{
	struct fz_pf_model *pm = &e->pm;
	uint32_t lim = pm->limits.max_outstanding, mask = e->r.mbox_depth - 1;

	if (lim != 0 && lim <= mask && !pm->excess &&
			exp_desc(e, (seq + lim) & mask)->req_seq == seq + lim) {
		pm->excess = true;
		pm->excess_seq = seq + lim;
	}
	if (!pm->excess || seq != pm->excess_seq)
		return false;
	pm->excess = false;
	pm->stats.over_limit++;
	return true;
}

static uint32_t
model_request(struct fz_env *e, uint32_t slot, struct vfbc_pf_request *req, uint32_t *len)
{
	bool chunk = req->opcode == VFBC_OP_READ_CHUNK || req->opcode == VFBC_OP_WRITE_CHUNK;

	*len = 0;
	if (model_over_limit(e, req->seq))
		return VFBC_ST_INVAL;
	if (req->flags != 0 || req->len == 0)
		return VFBC_ST_INVAL;
	if (chunk && e->pm.proto_version < VFBC_PROTO_VERSION_CHUNKS)
		return VFBC_ST_INVAL;
	if (req->len > e->r.slot_data_max)
		return VFBC_ST_MSGSIZE;
	if (req->opcode == VFBC_OP_READ)
		return model_read(e, slot, req, len);
	if (req->opcode == VFBC_OP_WRITE)
		return model_write(e, slot, req);
	if (req->opcode == VFBC_OP_READ_CHUNK)
		return model_read_chunk(e, slot, req, len);
	if (req->opcode == VFBC_OP_WRITE_CHUNK)
		return model_write_chunk(e, slot, req);
	return VFBC_ST_INVAL;
}

static void
model_wake(struct fz_env *e)
{
	struct vfbc_region_hdr *h = (struct vfbc_region_hdr *)e->expect;

	if (h->vf.cpl_sleepers != 0) {
		h->pf.cpl_doorbell++;
		e->pm.stats.wakeups++;
	}
}

static void
model_attach(struct fz_env *e, uint32_t nonce)
{
	struct vfbc_region_hdr *h = (struct vfbc_region_hdr *)e->expect;
	uint16_t lo = RTE_MAX(h->vf.proto_min, (uint16_t)VFBC_PROTO_VERSION_MIN);
	uint16_t hi = RTE_MIN(h->vf.proto_max, (uint16_t)VFBC_PROTO_VERSION_MAX);
	struct fz_pf_model *pm = &e->pm;

	pm->nonce_seen = nonce;
	pm->stats.attaches++;
	model_staged_drop(e);
	pm->park_stale = pm->parked;
	/* A whole ring of sequence numbers is skipped, none reused. */
	pm->next_seq += e->r.mbox_depth;
	pm->attached = lo <= hi;
	pm->proto_version = pm->attached ? hi : 0;
	h->pf.proto_version = pm->proto_version;
	h->pf.attach_status = pm->attached ? VFBC_ST_OK : VFBC_ST_PROTO;
	h->pf.first_seq = pm->next_seq;
	h->pf.attach_ack = nonce;
	model_wake(e);
}

static void
model_complete(struct fz_env *e, uint32_t slot, uint32_t seq, uint32_t status, uint32_t len)
{
	struct vfbc_mbox_desc *d = exp_desc(e, slot);
	struct fz_pf_model *pm = &e->pm;

	d->cpl_status = status;
	d->cpl_len = len;
	d->cpl_seq = seq;
	pm->stats.completions++;
	pm->stats.status[status]++;
	if (status != VFBC_ST_INVAL && status != VFBC_ST_PROTO) {
		pm->bad_streak = 0;
	} else if (++pm->bad_streak >= pm->limits.quarantine_after &&
			pm->limits.quarantine_after != 0) {
		pm->quarantined = true;
		pm->stats.quarantines++;
	}
}

/* @return false if the request was parked. */
static bool
model_one(struct fz_env *e, uint32_t slot, uint32_t seq)
{
	struct vfbc_mbox_desc *d = exp_desc(e, slot);
	struct vfbc_pf_request req = {
		.seq = seq, .opcode = d->opcode, .flags = d->flags,
		.block_id = d->block_id, .len = d->req_len,
		.offset = d->req_offset, .total = d->req_total,
	};
	uint32_t status, len;

	e->pm.stats.requests++;
	status = model_request(e, slot, &req, &len);
	if (status == FZ_PARKED)
		return false;
	model_complete(e, slot, seq, status, len);
	return true;
}

/* What vfbc_pf_mbox_serve() must do, applied to the model. @return requests served. */
static unsigned int
model_serve(struct fz_env *e, unsigned int budget)
{
	struct vfbc_region_hdr *h = (struct vfbc_region_hdr *)e->expect;
	uint32_t mask = e->r.mbox_depth - 1;
	unsigned int n;

	if (e->pm.quarantined)
		return 0;
	if (h->vf.attach_nonce != e->pm.nonce_seen)
		model_attach(e, h->vf.attach_nonce);
	if (!e->pm.attached || e->pm.parked)
		return 0;
	for (n = 0; n < budget && !e->pm.quarantined; n++) {
		uint32_t seq = e->pm.next_seq;

		if (exp_desc(e, seq & mask)->req_seq != seq)
			break;
		if (!model_one(e, seq & mask, seq)) {
			n++;
			break;
		}
		e->pm.next_seq = seq + 1;
	}
	n -= e->pm.parked;
	if (n != 0)
		model_wake(e);
	return n;
}

/* What vfbc_pf_mbox_decide() must do. @return requests completed. */
static unsigned int
model_decide(struct fz_env *e, uint32_t ticket, bool allow)
{
	struct fz_pf_model *pm = &e->pm;
	const struct vfbc_pf_request *req = &pm->park_req;
	uint32_t slot = req->seq & (e->r.mbox_depth - 1), len = 0;
	uint32_t status = VFBC_ST_DENIED;
	int b;

	if (!pm->parked || ticket != req->ticket)
		return 0;
	pm->parked = false;
	if (pm->park_stale) {
		pm->park_stale = false;
		return 0;
	}
	if (allow) {
		/* Blocks are never removed nor their rights changed: the checks hold. */
		b = model_find(req->block_id);
		FZ_CHECK(b >= 0, "parked request for block %#x", req->block_id);
		if (req->opcode == VFBC_OP_READ)
			model_read_block(e, slot, b, req->len, &len);
		else if (req->opcode == VFBC_OP_READ_CHUNK)
			model_read_chunk_of(e, slot, req, b, &len);
		else /* a write, or the whole of a staged one */
			model_write_block(b, pm->park_data, req->len);
		status = VFBC_ST_OK;
	}
	model_complete(e, slot, req->seq, status, len);
	pm->next_seq = req->seq + 1;
	model_wake(e);
	return 1;
}

/* ------------------------------------------------------------- operations */

/* Operations of an input: an opcode byte (modulo FZ_OP_MAX), then operands. */
enum fz_op {
	FZ_POKE,        /* off16 % size, bytes: anywhere in the region */
	FZ_POKE_SLOT,   /* slot8, off16 % slot_size, bytes: a descriptor and payload */
	FZ_POKE_VF_CTL, /* off8 % 64, bytes: the VF control line */
	FZ_POST,        /* k8, op8, id8, len8, flags8[, off8, total8]: a request for seq
			 * next_seq + k; chunk ops take an offset and a total */
	FZ_ARM,         /* n8: req_seq of the next n slots = the seqs the PF expects */
	FZ_ATTACH,      /* min8, max8, nonce32: ask the PF to (re)attach */
	FZ_SERVE,       /* budget8: vfbc_pf_mbox_serve() */
	FZ_PF_SET,      /* id8, len8, bytes: the PF application sets a block */
	FZ_PF_DEFINE,   /* id8, cap8, flags8: the PF application defines a block */
	FZ_INVALIDATE,  /* mask64 */
	FZ_POLICY,      /* mode8, deny32, off16, bytes: policy, and the VF's poke in it */
	FZ_DECIDE,      /* allow8, which8: decide the parked request, or a wrong ticket */
	FZ_LIMITS,      /* outstanding8, quarantine8: vfbc_pf_mbox_set_limits() */
	FZ_LIFT,        /* vfbc_pf_mbox_lift_quarantine() */
	FZ_OP_MAX,
};

/* A poke of input bytes at @p off, clamped to @p limit. */
static void
poke(struct fz_env *e, struct fz_in *in, size_t off, size_t limit)
{
	uint8_t buf[FZ_MAX_POKE];
	uint32_t n = get_bytes(in, buf, FZ_MAX_POKE);

	if (off >= limit)
		return;
	memcpy(e->r.base + off, buf, RTE_MIN((size_t)n, limit - off));
}

static void
op_poke_slot(struct fz_env *e, struct fz_in *in)
{
	uint32_t slot = get8(in) & (e->r.mbox_depth - 1);
	size_t start = e->r.mbox_offset + (size_t)slot * e->r.slot_size;

	poke(e, in, start + get16(in) % e->r.slot_size, start + e->r.slot_size);
}

/* A block id: mostly one of fz_ids, sometimes any. */
static uint32_t
pick_id(struct fz_in *in)
{
	uint8_t v = get8(in);

	return v < 0xf0 ? fz_ids[v % FZ_IDS] : get32(in);
}

/* A length around the limits that matter for @p id. */
static uint32_t
pick_len(struct fz_in *in, uint32_t id, uint32_t sdm)
{
	uint8_t v = get8(in);
	int b = model_find(id);
	uint32_t cap = b >= 0 ? model.info[b].capacity : 8;

	switch (v % 16) {
	case 0:
		return 0;
	case 1:
		return sdm;
	case 2:
		return sdm + 1;
	case 3:
		return UINT32_MAX;
	case 4:
		return get32(in);
	case 5:
		return cap;
	case 6:
		return cap + 1;
	case 7:
		return cap - 1;
	default:
		return 1 + v / 16 + get8(in) % 64;
	}
}

/* A chunk's offset: 0, where the staged write stands, a multiple of the slot, any. */
static uint32_t
pick_offset(const struct fz_env *e, struct fz_in *in)
{
	uint8_t v = get8(in);

	switch (v % 4) {
	case 0:
		return 0;
	case 1:
		return e->pm.staged.filled;
	case 2:
		return (v >> 2) * e->r.slot_data_max;
	default:
		return get32(in);
	}
}

static void
op_post(struct fz_env *e, struct fz_in *in)
{
	uint32_t seq = e->pm.next_seq + get8(in) % e->r.mbox_depth;
	struct vfbc_mbox_desc *d = vfbc_region_desc(&e->r, seq & (e->r.mbox_depth - 1));
	uint8_t op = get8(in);
	uint8_t fl;

	model_load(e);
	d->opcode = op < 0x40 ? VFBC_OP_READ : op < 0x80 ? VFBC_OP_WRITE :
		op < 0xa0 ? VFBC_OP_READ_CHUNK : op < 0xc0 ? VFBC_OP_WRITE_CHUNK : get16(in);
	d->block_id = pick_id(in);
	d->req_len = pick_len(in, d->block_id, e->r.slot_data_max);
	fl = get8(in);
	d->flags = fl < 0xf0 ? 0 : get16(in);
	if (op >= 0x80 && op < 0xc0) {
		d->req_offset = pick_offset(e, in);
		d->req_total = pick_len(in, d->block_id, e->r.slot_data_max);
	}
	__atomic_store_n(&d->req_seq, seq, __ATOMIC_RELEASE);
}

/* Make the PF serve whatever the next slots hold. */
static void
op_arm(struct fz_env *e, struct fz_in *in)
{
	uint32_t n = get8(in) % (e->r.mbox_depth + 1), i;

	for (i = 0; i < n; i++) {
		uint32_t seq = e->pm.next_seq + i;

		vfbc_region_desc(&e->r, seq & (e->r.mbox_depth - 1))->req_seq = seq;
	}
}

static void
op_attach(struct fz_env *e, struct fz_in *in)
{
	struct vfbc_vf_ctl *vf = &e->r.hdr->vf;

	vf->proto_min = get8(in) % 4;
	vf->proto_max = get8(in) % 4;
	__atomic_store_n(&vf->attach_nonce, get32(in), __ATOMIC_RELEASE);
}

/*
 * What must hold of any completion, whatever the model says: a status the VF
 * can decode, a length within the slot, and none on failure.
 */
static void
check_completions(const struct fz_env *e, unsigned int n)
{
	uint32_t seq;

	for (seq = e->mb.next_seq - n; seq != e->mb.next_seq; seq++) {
		const struct vfbc_mbox_desc *d =
			vfbc_region_desc(&e->r, seq & (e->r.mbox_depth - 1));

		if (d->cpl_seq != seq)
			continue; /* the slot served again later in this call */
		FZ_CHECK(d->cpl_status < VFBC_ST_MAX, "seq %u: status %u", seq, d->cpl_status);
		FZ_CHECK(d->cpl_len <= e->r.slot_data_max, "seq %u: cpl_len %u", seq, d->cpl_len);
		FZ_CHECK(d->cpl_status == VFBC_ST_OK || d->cpl_len == 0,
				"seq %u: status %u with cpl_len %u", seq, d->cpl_status, d->cpl_len);
	}
}

static void
trace_serve(const struct fz_env *e, unsigned int budget, unsigned int n)
{
	uint32_t seq;

	fprintf(stderr, "serve budget %u: %u served, next_seq %u, %u policy calls\n",
			budget, n, e->mb.next_seq, e->pol.logged);
	for (seq = e->mb.next_seq - n; seq != e->mb.next_seq; seq++) {
		const struct vfbc_mbox_desc *d =
			vfbc_region_desc(&e->r, seq & (e->r.mbox_depth - 1));

		fprintf(stderr, "  seq %u: op %u block %#x len %u off %u total %u -> status %u "
				"len %u\n", seq, d->opcode, d->block_id, d->req_len, d->req_offset,
				d->req_total, d->cpl_status, d->cpl_len);
	}
}

static void
op_serve(struct fz_env *e, struct fz_in *in)
{
	unsigned int budget = get8(in) % (2 * e->r.mbox_depth + 2), n, want;

	model_load(e);
	memcpy(e->expect, e->r.base, e->r.size);
	e->pol.logged = 0;
	e->pol.checked = 0;
	n = vfbc_pf_mbox_serve(&e->mb, budget);
	want = model_serve(e, budget);
	if (trace)
		trace_serve(e, budget, n);
	FZ_CHECK(n <= budget, "served %u over budget %u", n, budget);
	check_completions(e, n);
	FZ_CHECK(n == want, "served %u of budget %u, expected %u", n, budget, want);
	FZ_CHECK(e->pol.checked == e->pol.logged, "%u policy calls, expected %u",
			e->pol.logged, e->pol.checked);
	check_region(e, "serve");
	check_tail(e);
	check_store(e);
	check_pf_state(e);
}

/* What vfbc_store_set() must answer, applied to the model. */
static int
model_set(uint32_t id, const uint8_t *buf, uint32_t len)
{
	int b = model_find(id);

	if (b < 0)
		return -ENOENT;
	if (len > model.info[b].capacity)
		return -EMSGSIZE;
	memcpy(model.data[b], buf, len);
	model.info[b].len = len;
	model.info[b].version++;
	return 0;
}

static void
op_pf_set(struct fz_env *e, struct fz_in *in)
{
	uint32_t id = pick_id(in), len, n, i;
	uint8_t buf[FZ_MAX_POKE];
	int want;

	model_load(e);
	len = RTE_MIN(pick_len(in, id, e->r.slot_data_max), e->max_block_size + 1);
	n = get_bytes(in, buf, FZ_MAX_POKE);
	for (i = 0; i < len; i++)
		staging[i] = n != 0 ? buf[i % n] : (uint8_t)i;
	want = model_set(id, staging, len);
	FZ_CHECK(vfbc_store_set(&e->store, id, staging, len) == want, "set %#x len %u", id, len);
	check_store(e);
}

/* What vfbc_store_define() must answer, applied to the model. */
static int
model_define(const struct fz_env *e, uint32_t id, uint32_t cap, uint32_t flags)
{
	uint32_t i;

	if (cap == 0 || (flags & ~VFBC_BLOCK_FLAGS_ALL) != 0)
		return -EINVAL;
	if (cap > e->max_block_size)
		return -EMSGSIZE;
	if (model_find(id) >= 0)
		return -EEXIST;
	if (model.n == e->store.max_blocks)
		return -ENOSPC;
	for (i = model.n; i > 0 && model.info[i - 1].id > id; i--) {
		model.info[i] = model.info[i - 1];
		memcpy(model.data[i], model.data[i - 1], model.info[i].len);
	}
	memset(&model.info[i], 0, sizeof(model.info[i]));
	model.info[i].id = id;
	model.info[i].capacity = cap;
	model.info[i].flags = flags;
	model.n++;
	return 0;
}

static void
op_pf_define(struct fz_env *e, struct fz_in *in)
{
	uint8_t v = get8(in);
	uint32_t id = v < 0xf0 ? v % 70 : get32(in);
	uint32_t cap = (uint32_t)get8(in) * e->max_block_size / 254;
	uint32_t flags = get8(in) % 5;
	int want;

	model_load(e);
	want = model_define(e, id, cap, flags);
	FZ_CHECK(vfbc_store_define(&e->store, id, cap, flags) == want,
			"define %#x cap %u flags %#x", id, cap, flags);
	check_store(e);
}

static void
op_invalidate(struct fz_env *e, struct fz_in *in)
{
	struct vfbc_region_hdr *h = (struct vfbc_region_hdr *)e->expect;
	uint64_t mask = get64(in);

	memcpy(e->expect, e->r.base, e->r.size);
	h->pf.inval_mask |= mask;
	h->pf.inval_seq++;
	vfbc_pf_mbox_invalidate(&e->mb, mask);
	check_region(e, "invalidate");
}

static void
op_policy(struct fz_env *e, struct fz_in *in)
{
	uint8_t mode = get8(in);
	struct fz_policy *pol = &e->pol;

	pol->installed = mode & 1;
	pol->defer = mode & 4;
	e->mb.policy = pol->installed ? fz_policy : NULL;
	e->mb.notify_reads = mode & 2;
	pol->deny = get32(in);
	pol->poke_off = get16(in) % e->r.slot_size;
	pol->poke_len = get_bytes(in, pol->poke, FZ_MAX_POKE);
	pol->poke_len = RTE_MIN(pol->poke_len, e->r.slot_size - pol->poke_off);
}

/* The service's side of a decision made by the application. */
static void
op_decide(struct fz_env *e, struct fz_in *in)
{
	bool allow = get8(in) & 1;
	uint8_t which = get8(in);
	uint32_t ticket = which < 0xc0 ? e->mb.park_ticket : which < 0xf0 ?
		e->mb.park_ticket - 1 : get32(in);
	unsigned int n, want;

	model_load(e);
	memcpy(e->expect, e->r.base, e->r.size);
	n = vfbc_pf_mbox_decide(&e->mb, ticket, allow);
	want = model_decide(e, ticket, allow);
	FZ_CHECK(n == want, "decide: %u completed, expected %u", n, want);
	check_region(e, "decide");
	check_tail(e);
	check_store(e);
	check_pf_state(e);
}

static void
op_limits(struct fz_env *e, struct fz_in *in)
{
	struct vfbc_region_hdr *h = (struct vfbc_region_hdr *)e->expect;
	struct vfbc_pf_limits l = {
		.max_outstanding = get8(in) % (e->r.mbox_depth + 2),
		.quarantine_after = get8(in) % 8,
	};
	int want = l.max_outstanding > e->r.mbox_depth ? -EINVAL : 0;

	memcpy(e->expect, e->r.base, e->r.size);
	FZ_CHECK(vfbc_pf_mbox_set_limits(&e->mb, &l) == want, "limits %u", l.max_outstanding);
	if (want == 0) {
		e->pm.limits = l;
		h->pf.max_outstanding = l.max_outstanding;
	}
	check_region(e, "limits");
}

static void
op_lift(struct fz_env *e)
{
	vfbc_pf_mbox_lift_quarantine(&e->mb);
	e->pm.quarantined = false;
	e->pm.bad_streak = 0;
	check_pf_state(e);
}

static void
run_op(struct fz_env *e, struct fz_in *in, uint8_t op)
{
	if (trace)
		fprintf(stderr, "op %u, %zu bytes left\n", op % FZ_OP_MAX, in->left);
	switch (op % FZ_OP_MAX) {
	case FZ_POKE:
		poke(e, in, get16(in) % e->r.size, e->r.size);
		break;
	case FZ_POKE_SLOT:
		op_poke_slot(e, in);
		break;
	case FZ_POKE_VF_CTL:
		poke(e, in, offsetof(struct vfbc_region_hdr, vf) + get8(in) % VFBC_WIRE_LINE,
				offsetof(struct vfbc_region_hdr, vf) + VFBC_WIRE_LINE);
		break;
	case FZ_POST:
		op_post(e, in);
		break;
	case FZ_ARM:
		op_arm(e, in);
		break;
	case FZ_ATTACH:
		op_attach(e, in);
		break;
	case FZ_SERVE:
		op_serve(e, in);
		break;
	case FZ_PF_SET:
		op_pf_set(e, in);
		break;
	case FZ_PF_DEFINE:
		op_pf_define(e, in);
		break;
	case FZ_INVALIDATE:
		op_invalidate(e, in);
		break;
	case FZ_POLICY:
		op_policy(e, in);
		break;
	case FZ_DECIDE:
		op_decide(e, in);
		break;
	case FZ_LIMITS:
		op_limits(e, in);
		break;
	default:
		op_lift(e);
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_in in = { .p = data, .left = size };
	struct fz_env *e;
	unsigned int ops;

	if (size == 0)
		return 0;
	e = &envs[get8(&in) % FZ_LAYOUTS];
	env_reset(e);
	for (ops = 0; in.left != 0 && ops < FZ_MAX_OPS; ops++)
		run_op(e, &in, get8(&in));
	check_tail(e);
	return 0;
}
