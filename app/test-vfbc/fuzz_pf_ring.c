/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfbc authors
 */

/*
 * libFuzzer harness of the PF's handling of hostile packet rings.
 *
 * One ring pair of a VF region (lib/vfbc_pring.h) sits in a mapping between
 * two guard pages. The fuzzer plays a VF that writes anything anywhere in the
 * pair (indexes, lengths, flags, buffers, even the PF's own lines) and makes
 * the PF run its bursts the way net_vfbc_pf does: Rx (avail, a length per
 * slot, a copy of each valid packet, release) and Tx (free count, gathered
 * copies of one- to three-segment packets, publish); and make the VF attach
 * again, after which the PF uses a ring it found broken again.
 *
 * After every PF burst the harness checks it against a model: what avail and
 * free count must return for the indexes as they are in memory, which lengths
 * are accepted, how many errors are counted, that a broken ring stays broken
 * until an attach, and that the PF wrote nothing but its own index and, for
 * Tx, the descriptors and buffers of the slots it filled. A read outside the
 * pair hits a guard page; ASan and UBSan catch the rest.
 *
 * Input: a geometry byte, then operations (enum fz_op), each an opcode byte
 * and its arguments; app/test-vfbc/fuzz-corpus/make_seeds.py writes seeds.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <rte_common.h>

#include "vfbc_pring.h"

#define FZ_PAGE 4096u
#define FZ_MAX_OPS 1024u
#define FZ_MAX_POKE 64u
#define FZ_SEG_MAX 3u

#define FZ_CHECK(cond, ...) do { \
	if (!(cond)) { \
		fprintf(stderr, "fuzz-pf-ring: %s:%d: %s: ", __FILE__, __LINE__, #cond); \
		fprintf(stderr, __VA_ARGS__); \
		fprintf(stderr, "\n"); \
		abort(); \
	} \
} while (0)

enum fz_op {
	FZ_POKE,      /* u16 offset, u8 len, bytes: the VF writes in the pair */
	FZ_SET_PROD,  /* u32 delta: TO_PF prod = PF's cons + delta */
	FZ_SET_CONS,  /* u32 delta: TO_VF cons = PF's prod - delta */
	FZ_SET_LEN,   /* u8 slot, u32 len: a TO_PF descriptor */
	FZ_RX,        /* u8 burst: a PF Rx burst */
	FZ_TX,        /* u8 count, u8 limit, then per packet u16 len, u8 segs */
	FZ_ATTACH,    /* the VF attached again: the PF may use broken rings again */
	FZ_VF_CONSUME, /* u8 n: a well-behaved VF consumes from TO_VF */
	FZ_NB_OPS,
};

static const struct vfbc_pring_geom geoms[] = {
	{ .slots = 2, .buf_size = 64, .nb_pairs = 1 },
	{ .slots = 8, .buf_size = 128, .nb_pairs = 1 },
	{ .slots = 32, .buf_size = 64, .nb_pairs = 1 },
	{ .slots = 64, .buf_size = 192, .nb_pairs = 1 },
};

struct fz_in {
	const uint8_t *p;
	size_t left;
};

static uint8_t
get8(struct fz_in *in)
{
	if (in->left == 0)
		return 0;
	in->left--;
	return *in->p++;
}

static uint32_t
get_n(struct fz_in *in, unsigned int bytes)
{
	uint32_t v = 0;
	unsigned int i;

	for (i = 0; i < bytes; i++)
		v |= (uint32_t)get8(in) << (8 * i);
	return v;
}

struct fz_env {
	struct vfbc_pring_geom g;
	uint8_t *map;      /* guard page, pair, guard page */
	size_t map_size;
	uint8_t *area;     /* the pair: ring 0 TO_PF, ring 1 TO_VF */
	size_t area_size;
	uint8_t *shadow;   /* the pair before a PF burst */
	struct vfbc_pring rx; /* PF's view, consumer of TO_PF */
	struct vfbc_pring tx; /* PF's view, producer of TO_VF */
	uint8_t pkt[VFBC_PRING_BUF_MAX];
	uint8_t src[FZ_SEG_MAX][256];
};

static struct fz_env envs[RTE_DIM(geoms)];

static void
env_setup(struct fz_env *e, const struct vfbc_pring_geom *g)
{
	size_t area = (size_t)vfbc_pring_area_size(g);

	e->g = *g;
	e->area_size = area;
	/* The pair ends at the guard page after it. */
	e->map_size = RTE_ALIGN_CEIL(area, FZ_PAGE) + 2 * FZ_PAGE;
	e->map = mmap(NULL, e->map_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			-1, 0);
	FZ_CHECK(e->map != MAP_FAILED, "mmap");
	mprotect(e->map, FZ_PAGE, PROT_NONE);
	mprotect(e->map + e->map_size - FZ_PAGE, FZ_PAGE, PROT_NONE);
	e->area = e->map + e->map_size - FZ_PAGE - area;
	e->shadow = malloc(area);
	FZ_CHECK(e->shadow != NULL, "malloc");
}

static void
env_reset(struct fz_env *e)
{
	if (e->map == NULL)
		return;
	memset(e->area, 0, e->area_size);
	vfbc_pring_map(&e->rx, e->area, &e->g, vfbc_pring_index(0, VFBC_RING_DIR_TO_PF));
	vfbc_pring_map(&e->tx, e->area, &e->g, vfbc_pring_index(0, VFBC_RING_DIR_TO_VF));
}

/* Bytes of the pair the PF may write in a burst: [lo, hi) ranges. */
struct fz_allowed {
	size_t lo[2 + 2 * 256];
	size_t hi[2 + 2 * 256];
	unsigned int n;
};

static void
allow(struct fz_allowed *a, const void *p, size_t len, const struct fz_env *e)
{
	size_t off = (const uint8_t *)p - e->area;

	a->lo[a->n] = off;
	a->hi[a->n] = off + len;
	a->n++;
}

/* The PF changed nothing outside @p a: take the allowed bytes over, compare the rest. */
static void
check_writes(struct fz_env *e, const struct fz_allowed *a)
{
	unsigned int k;
	size_t i;

	for (k = 0; k < a->n; k++)
		memcpy(e->shadow + a->lo[k], e->area + a->lo[k], a->hi[k] - a->lo[k]);
	if (memcmp(e->shadow, e->area, e->area_size) == 0)
		return;
	for (i = 0; i < e->area_size && e->shadow[i] == e->area[i]; i++)
		;
	FZ_CHECK(false, "PF wrote byte %zu of the ring pair", i);
}

static void
op_poke(struct fz_env *e, struct fz_in *in)
{
	size_t off = get_n(in, 2) % e->area_size;
	uint32_t len = get8(in) % (FZ_MAX_POKE + 1), i;

	for (i = 0; i < len && off + i < e->area_size; i++)
		e->area[off + i] = get8(in);
}

/* A PF Rx burst as net_vfbc_pf's rx_ring() makes it, against the model. */
static void
op_rx(struct fz_env *e, struct fz_in *in)
{
	uint32_t burst = get8(in) % 64 + 1, prod, d, want, n, i;
	uint64_t errors = e->rx.errors;
	bool was_broken = e->rx.broken;
	uint32_t head = e->rx.head;
	struct fz_allowed a = { .n = 0 };

	memcpy(e->shadow, e->area, e->area_size);
	prod = e->rx.p->prod;
	d = prod - head;
	want = was_broken || d > e->g.slots ? 0 : RTE_MIN(d, burst);
	n = vfbc_pring_avail(&e->rx, burst);
	FZ_CHECK(n == want, "avail %u, model %u (prod %u head %u)", n, want, prod, head);
	FZ_CHECK(e->rx.broken == (was_broken || d > e->g.slots), "broken flag");
	FZ_CHECK(e->rx.errors == errors + (!was_broken && d > e->g.slots), "index errors");
	errors = e->rx.errors;
	for (i = 0; i < n; i++) {
		uint32_t raw = e->rx.desc[(head + i) & e->rx.mask].len;
		int len = vfbc_pring_len(&e->rx, i);
		bool good = raw != 0 && raw <= e->g.buf_size;

		FZ_CHECK(good ? len == (int)raw : len == -EBADMSG, "length %u gave %d", raw, len);
		if (good) {
			/* The PF copies out of its own computation of the buffer. */
			FZ_CHECK(vfbc_pring_buf(&e->rx, i) == e->rx.bufs +
					(size_t)((head + i) & e->rx.mask) * e->g.buf_size,
					"buffer address");
			memcpy(e->pkt, vfbc_pring_buf(&e->rx, i), (size_t)len);
		} else {
			errors++;
		}
	}
	FZ_CHECK(e->rx.errors == errors, "length errors %" PRIu64 ", model %" PRIu64,
			e->rx.errors, errors);
	if (n != 0)
		vfbc_pring_release(&e->rx, n);
	FZ_CHECK(e->rx.head == head + n, "head moved by %u, not %u", e->rx.head - head, n);
	allow(&a, &e->rx.c->cons, sizeof(e->rx.c->cons), e);
	check_writes(e, &a);
	if (n != 0)
		FZ_CHECK(e->rx.c->cons == e->rx.head, "cons not published");
}

/* A fake chain of @p segs mbufs over e->src holding @p len bytes. */
static void
make_chain(struct fz_env *e, struct rte_mbuf *m, uint32_t len, uint32_t segs)
{
	uint32_t i, off = 0, part = (len + segs - 1) / segs;

	for (i = 0; i < segs; i++) {
		uint32_t n = RTE_MIN(part, len - RTE_MIN(off, len));

		memset(&m[i], 0, sizeof(m[i]));
		m[i].buf_addr = e->src[i];
		m[i].buf_len = sizeof(e->src[i]);
		m[i].data_len = (uint16_t)RTE_MIN(n, (uint32_t)sizeof(e->src[i]));
		m[i].next = i + 1 < segs ? &m[i + 1] : NULL;
		off += n;
	}
	m[0].nb_segs = (uint16_t)segs;
	m[0].pkt_len = len;
}

/* A PF Tx burst: checks the room it finds and what it writes. */
static void
op_tx(struct fz_env *e, struct fz_in *in)
{
	uint32_t count = get8(in) % 40, limit = get8(in) % (e->g.slots + 1), room, i, filled = 0;
	struct rte_mbuf m[FZ_SEG_MAX];
	struct fz_allowed a = { .n = 0 };
	bool was_broken = e->tx.broken;
	uint32_t head = e->tx.head, cons, used;
	uint64_t errors = e->tx.errors;

	e->tx.limit = limit == 0 ? e->g.slots : limit;
	memcpy(e->shadow, e->area, e->area_size);
	cons = e->tx.c->cons;
	room = vfbc_pring_free_count(&e->tx, count);
	used = head - cons;
	if (was_broken) {
		FZ_CHECK(room == 0, "room %u in a broken ring", room);
	} else if (e->tx.broken) {
		FZ_CHECK(used > e->g.slots && room == 0 && e->tx.errors == errors + 1,
				"broken with %u used", used);
	} else {
		/* Room never lets the producer pass the consumer it saw. */
		FZ_CHECK(room <= count && (room == 0 || head + room - e->tx.other <= e->tx.limit),
				"room %u, head %u, cons seen %u, limit %u", room, head, e->tx.other,
				e->tx.limit);
	}
	for (i = 0; i < room; i++) {
		uint32_t len = get_n(in, 2) % (e->g.buf_size + 64);
		uint32_t segs = get8(in) % FZ_SEG_MAX + 1;
		int ret;

		len = RTE_MIN(len, segs * 256u);
		make_chain(e, m, len, segs);
		ret = vfbc_pring_put_mbuf(&e->tx, filled, m);
		if (len == 0 || len > e->g.buf_size) {
			FZ_CHECK(ret < 0, "a packet of %u bytes was put", len);
			continue;
		}
		FZ_CHECK(ret == (int)len, "put %u bytes gave %d", len, ret);
		FZ_CHECK(e->tx.desc[(head + filled) & e->tx.mask].len == len, "length");
		allow(&a, &e->tx.desc[(head + filled) & e->tx.mask],
				sizeof(struct vfbc_ring_desc), e);
		allow(&a, vfbc_pring_buf(&e->tx, filled), e->g.buf_size, e);
		filled++;
	}
	if (filled != 0)
		vfbc_pring_publish(&e->tx, filled);
	allow(&a, &e->tx.p->prod, sizeof(e->tx.p->prod), e);
	check_writes(e, &a);
	FZ_CHECK(e->tx.head == head + filled, "prod moved by %u, not %u", e->tx.head - head,
			filled);
}

/* As net_vfbc_pf does when the VF attaches again. */
static void
op_attach(struct fz_env *e)
{
	e->rx.broken = false;
	if (e->tx.broken) {
		e->tx.broken = false;
		e->tx.other = e->tx.head - e->tx.size;
	}
}

static void
op_vf_consume(struct fz_env *e, struct fz_in *in)
{
	uint32_t n = get8(in), avail = e->tx.p->prod - e->tx.c->cons;

	if (avail <= e->g.slots)
		e->tx.c->cons += RTE_MIN(n, avail);
}

static void
run_op(struct fz_env *e, struct fz_in *in, uint8_t op)
{
	switch (op % FZ_NB_OPS) {
	case FZ_POKE:
		op_poke(e, in);
		break;
	case FZ_SET_PROD:
		e->rx.p->prod = e->rx.head + get_n(in, 4);
		break;
	case FZ_SET_CONS:
		e->tx.c->cons = e->tx.head - get_n(in, 4);
		break;
	case FZ_SET_LEN:
		e->rx.desc[get8(in) & e->rx.mask].len = get_n(in, 4);
		break;
	case FZ_RX:
		op_rx(e, in);
		break;
	case FZ_TX:
		op_tx(e, in);
		break;
	case FZ_ATTACH:
		op_attach(e);
		break;
	case FZ_VF_CONSUME:
		op_vf_consume(e, in);
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_in in = { .p = data, .left = size };
	struct fz_env *e;
	unsigned int ops, g;

	if (size == 0)
		return 0;
	g = get8(&in) % RTE_DIM(geoms);
	e = &envs[g];
	if (e->map == NULL)
		env_setup(e, &geoms[g]);
	env_reset(e);
	for (ops = 0; in.left != 0 && ops < FZ_MAX_OPS; ops++)
		run_op(e, &in, get8(&in));
	return 0;
}
