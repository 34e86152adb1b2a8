/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfbc authors
 */

/*
 * Unit tests of lib/: wire layout, regions, block store, the mailbox
 * protocol and the packet rings, without EAL. The PF and its VFs live in this
 * one process: each test creates its regions in its own mkdtemp() directory, a
 * pthread plays the PF's service (vfbc_pf_mbox_serve() round robin over the VFs) and the VF side
 * maps the same files through vfbc_region_open(), as a VF process would.
 *
 * Nothing here sleeps to synchronise: threads are joined, and where a test
 * must know another thread reached a state, it checks a condition the library
 * publishes (with a generous bound so a bug fails the test instead of hanging).
 */

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vfbc_futex.h"
#include "vfbc_mbox.h"
#include "vfbc_pring.h"
#include "vfbc_region.h"
#include "vfbc_store.h"
#include "vfbc_wire.h"

#include "vfbc_test.h"

#define NS_PER_MS UINT64_C(1000000)
/* Bound of anything that must succeed: only a bug makes a test wait this long. */
#define LONG_NS (10000 * NS_PER_MS)
/* Timeout of calls that must time out. */
#define SHORT_NS (50 * NS_PER_MS)

#define FIX_MAX_VFS 2
#define FIX_MAX_BLOCKS 64
#define PF_NAME "pf0"

/* Blocks every VF store of a fixture starts with. */
enum {
	BLK_RO = 1,    /* VF read, 48 bytes of content */
	BLK_RW = 2,    /* VF read and write, empty */
	BLK_WO = 3,    /* VF write only */
	BLK_NONE = 4,  /* no VF rights */
	BLK_SMALL = 5, /* VF read and write, capacity 16 */
	BLK_BIG = 6,   /* VF read, capacity and content slot_data_max */
	BLK_EMPTY = 7, /* VF read, never set */
	BLK_MISSING = 99,
};
#define BLK_CAP 64
#define BLK_RO_LEN 48
#define BLK_SMALL_CAP 16

struct fix_cfg {
	uint16_t nvf;         /* VFs with a PF side and a VF side; 0: directory only */
	uint32_t depth;
	uint32_t sdm;         /* slot_data_max, also the store's block size limit... */
	uint32_t max_block;   /* ...unless this one is set */
	uint64_t spin_ns;
	unsigned int budget;  /* requests per VF per turn of the PF loop */
	bool serve;           /* start the PF thread at setup */
};

/* One test's world: a directory, a PF with nvf VFs, and the VFs' view. */
struct fix {
	struct fix_cfg cfg;
	char dir[32];
	char path[FIX_MAX_VFS][PATH_MAX];
	struct vfbc_store store[FIX_MAX_VFS];
	struct vfbc_region pf_r[FIX_MAX_VFS];
	struct vfbc_pf_mbox pf_mb[FIX_MAX_VFS];
	struct vfbc_region vf_r[FIX_MAX_VFS];
	struct vfbc_vf_mbox vf_mb[FIX_MAX_VFS];
	pthread_t pf_thread;
	bool pf_running;
	bool pf_stop;
	unsigned int pf_max_done; /* most requests one serve() call completed */
};

/* ---------------------------------------------------------------- helpers */

struct rng {
	uint64_t s;
};

static uint64_t
rnd(struct rng *g)
{
	/* xorshift64*: fast, and good enough to make garbage. */
	g->s ^= g->s >> 12;
	g->s ^= g->s << 25;
	g->s ^= g->s >> 27;
	return g->s * UINT64_C(2685821657736338717);
}

static uint64_t
fresh_generation(void)
{
	static uint64_t counter;

	return (vfbc_time_ns() ^ (++counter << 48)) | 1;
}

static void
pattern(uint8_t *buf, uint32_t len, uint32_t seed)
{
	uint32_t i;

	for (i = 0; i < len; i++)
		buf[i] = (uint8_t)(seed * 131 + i * 7 + (seed >> 8) + 1);
}

static int
fail_msg(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
	return -1;
}

/* Wait until *word == want: a condition check, bounded so a bug cannot hang. */
static bool
spin_until_eq(uint32_t *word, uint32_t want, uint64_t timeout_ns)
{
	uint64_t end = vfbc_time_ns() + timeout_ns;

	while (__atomic_load_n(word, __ATOMIC_ACQUIRE) != want) {
		if (vfbc_time_ns() > end)
			return false;
		sched_yield();
	}
	return true;
}

static bool
spin_until_ne(uint32_t *word, uint32_t avoid, uint64_t timeout_ns)
{
	uint64_t end = vfbc_time_ns() + timeout_ns;

	while (__atomic_load_n(word, __ATOMIC_ACQUIRE) == avoid) {
		if (vfbc_time_ns() > end)
			return false;
		sched_yield();
	}
	return true;
}

static bool
spin_until_ge(uint32_t *word, uint32_t min, uint64_t timeout_ns)
{
	uint64_t end = vfbc_time_ns() + timeout_ns;

	while (__atomic_load_n(word, __ATOMIC_ACQUIRE) < min) {
		if (vfbc_time_ns() > end)
			return false;
		sched_yield();
	}
	return true;
}

static void
rm_dir(const char *dir)
{
	char p[PATH_MAX];
	struct dirent *e;
	DIR *d = opendir(dir);

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (snprintf(p, sizeof(p), "%s/%s", dir, e->d_name) < (int)sizeof(p))
			unlink(p);
	}
	closedir(d);
	rmdir(dir);
}

static struct vfbc_region_params
std_params(const struct fix *f, uint16_t vf)
{
	struct vfbc_region_params p = {
		.vf_index = vf,
		.num_vfs = FIX_MAX_VFS,
		.mbox_depth = f->cfg.depth ? f->cfg.depth : 8,
		.slot_data_max = f->cfg.sdm ? f->cfg.sdm : 256,
		.ring_size = 0,
		.generation = fresh_generation(),
	};
	return p;
}

static void
ro_content(uint8_t *buf, uint16_t vf)
{
	pattern(buf, BLK_RO_LEN, 0xa0 + vf);
}

static int
define_std_blocks(struct vfbc_store *s, uint16_t vf, uint32_t sdm)
{
	static const struct { uint32_t id, cap, flags; } defs[] = {
		{ BLK_RO, BLK_CAP, VFBC_BLOCK_VF_READ },
		{ BLK_RW, BLK_CAP, VFBC_BLOCK_FLAGS_ALL },
		{ BLK_WO, BLK_CAP, VFBC_BLOCK_VF_WRITE },
		{ BLK_NONE, BLK_CAP, 0 },
		{ BLK_SMALL, BLK_SMALL_CAP, VFBC_BLOCK_FLAGS_ALL },
		{ BLK_BIG, 0 /* sdm */, VFBC_BLOCK_VF_READ },
		{ BLK_EMPTY, 8, VFBC_BLOCK_VF_READ },
	};
	uint8_t buf[VFBC_SLOT_DATA_MAX > 4096 ? 4096 : VFBC_SLOT_DATA_MAX];
	unsigned int i;
	int ret;

	for (i = 0; i < sizeof(defs) / sizeof(defs[0]); i++) {
		ret = vfbc_store_define(s, defs[i].id, defs[i].cap ? defs[i].cap : sdm,
				defs[i].flags);
		if (ret != 0)
			return ret;
	}
	ro_content(buf, vf);
	ret = vfbc_store_set(s, BLK_RO, buf, BLK_RO_LEN);
	if (ret == 0 && sdm <= sizeof(buf)) {
		pattern(buf, sdm, 0xb0 + vf);
		ret = vfbc_store_set(s, BLK_BIG, buf, sdm);
	}
	return ret;
}

/* --------------------------------------------------------------- PF thread */

static void *
pf_loop(void *arg)
{
	struct fix *f = arg;
	uint16_t i;

	while (!__atomic_load_n(&f->pf_stop, __ATOMIC_ACQUIRE)) {
		unsigned int done = 0, n;

		for (i = 0; i < f->cfg.nvf; i++) {
			n = vfbc_pf_mbox_serve(&f->pf_mb[i], f->cfg.budget);
			if (n > f->pf_max_done)
				f->pf_max_done = n;
			done += n;
		}
		if (done == 0)
			sched_yield(); /* few CPUs: let the VF threads run */
	}
	return NULL;
}

static int
pf_start(struct fix *f)
{
	if (f->pf_running)
		return 0;
	__atomic_store_n(&f->pf_stop, false, __ATOMIC_RELEASE);
	if (pthread_create(&f->pf_thread, NULL, pf_loop, f) != 0)
		return -1;
	f->pf_running = true;
	return 0;
}

static void
pf_stop(struct fix *f)
{
	if (!f->pf_running)
		return;
	__atomic_store_n(&f->pf_stop, true, __ATOMIC_RELEASE);
	pthread_join(f->pf_thread, NULL);
	f->pf_running = false;
}

/* ----------------------------------------------------------------- fixture */

static int
fix_setup_vf(struct fix *f, uint16_t vf)
{
	struct vfbc_region_params p = std_params(f, vf);
	int ret;

	ret = vfbc_store_init(&f->store[vf], FIX_MAX_BLOCKS,
			f->cfg.max_block ? f->cfg.max_block : p.slot_data_max);
	if (ret == 0)
		ret = define_std_blocks(&f->store[vf], vf, p.slot_data_max);
	if (ret == 0)
		ret = vfbc_region_create(&f->pf_r[vf], f->path[vf], &p);
	if (ret != 0)
		return ret;
	vfbc_region_set_ready(&f->pf_r[vf]);
	ret = vfbc_pf_mbox_init(&f->pf_mb[vf], &f->pf_r[vf], &f->store[vf], vf);
	if (ret == 0)
		ret = vfbc_region_open(&f->vf_r[vf], f->path[vf], vf);
	if (ret == 0)
		ret = vfbc_vf_mbox_init(&f->vf_mb[vf], &f->vf_r[vf], f->cfg.spin_ns);
	return ret;
}

static int
fix_setup(struct fix *f, const struct fix_cfg *cfg)
{
	uint16_t i;
	int ret;

	f->cfg = *cfg;
	for (i = 0; i < FIX_MAX_VFS; i++) {
		f->pf_r[i].fd = -1;
		f->vf_r[i].fd = -1;
	}
	strcpy(f->dir, "/tmp/vfbc-test.XXXXXX");
	if (mkdtemp(f->dir) == NULL) {
		printf("    mkdtemp: %s\n", strerror(errno));
		f->dir[0] = '\0';
		return -1;
	}
	for (i = 0; i < FIX_MAX_VFS; i++) {
		ret = vfbc_region_path(f->path[i], sizeof(f->path[i]), f->dir, PF_NAME, i);
		if (ret != 0) {
			printf("    region path: %d\n", ret);
			return -1;
		}
	}
	for (i = 0; i < cfg->nvf; i++) {
		ret = fix_setup_vf(f, i);
		if (ret != 0) {
			printf("    setup of VF %u: %d (%s)\n", i, ret, strerror(-ret));
			return -1;
		}
	}
	if (cfg->serve && pf_start(f) != 0) {
		printf("    cannot start the PF thread\n");
		return -1;
	}
	return 0;
}

static void
fix_teardown(struct fix *f)
{
	uint16_t i;

	pf_stop(f);
	for (i = 0; i < FIX_MAX_VFS; i++) {
		if (f->vf_mb[i].slots != NULL)
			vfbc_vf_mbox_fini(&f->vf_mb[i]);
		if (f->vf_r[i].base != NULL)
			vfbc_region_close(&f->vf_r[i]);
		vfbc_pf_mbox_fini(&f->pf_mb[i]);
		vfbc_region_destroy(&f->pf_r[i]);
		vfbc_store_fini(&f->store[i]);
	}
	if (f->dir[0] != '\0')
		rm_dir(f->dir);
}

static int
fix_run(int (*fn)(struct fix *f), const struct fix_cfg *cfg)
{
	struct fix *f = calloc(1, sizeof(*f));
	int ret;

	if (f == NULL)
		return -1;
	ret = fix_setup(f, cfg);
	if (ret == 0)
		ret = fn(f);
	fix_teardown(f);
	free(f);
	return ret;
}

/* Define vt case <fn>_case running fn(struct fix *) in a fixture. */
#define FIX_CASE(fn, nvf_, depth_, sdm_, spin_, budget_, serve_) \
static int \
fn##_case(void) \
{ \
	static const struct fix_cfg cfg = { \
		.nvf = nvf_, .depth = depth_, .sdm = sdm_, .spin_ns = spin_, \
		.budget = budget_, .serve = serve_, \
	}; \
	return fix_run(fn, &cfg); \
}

/* One VF with the PF serving: the common mailbox setup. */
#define FIX_STD(fn) FIX_CASE(fn, 1, 8, 256, VFBC_SPIN_NS_DEFAULT, 16, true)

static int
call(struct fix *f, uint16_t vf, uint16_t op, uint32_t id, void *buf, uint32_t len)
{
	return vfbc_vf_mbox_call(&f->vf_mb[vf], op, id, buf, len, LONG_NS);
}

static int
write_str(struct fix *f, uint32_t id, const char *s)
{
	char buf[BLK_CAP];
	size_t n = strlen(s);

	memcpy(buf, s, n);
	return call(f, 0, VFBC_OP_WRITE, id, buf, (uint32_t)n);
}

/*
 * What a well-behaved VF does: write its block, read it back, read the
 * PF-set block. @return 0, or -1 with @p err set.
 */
static int
client_iter(struct fix *f, uint16_t vf, uint32_t rw_id, uint32_t i, char *err, size_t errlen)
{
	uint8_t in[BLK_CAP], out[BLK_CAP], ro[BLK_RO_LEN];
	uint32_t len = 1 + (i * 13 + rw_id) % BLK_CAP;
	int ret;

	pattern(in, len, i ^ (rw_id << 16) ^ ((uint32_t)vf << 24));
	ret = call(f, vf, VFBC_OP_WRITE, rw_id, in, len);
	if (ret != 0)
		return fail_msg(err, errlen, "vf %u iter %u: write %u: %d", vf, i, rw_id, ret);
	memset(out, 0, sizeof(out));
	ret = call(f, vf, VFBC_OP_READ, rw_id, out, sizeof(out));
	if (ret != (int)len || memcmp(in, out, len) != 0)
		return fail_msg(err, errlen, "vf %u iter %u: read back %u: %d, want %u%s",
				vf, i, rw_id, ret, len, ret == (int)len ? " (bad data)" : "");
	ret = call(f, vf, VFBC_OP_READ, BLK_RO, out, sizeof(out));
	ro_content(ro, vf);
	if (ret != BLK_RO_LEN || memcmp(out, ro, BLK_RO_LEN) != 0)
		return fail_msg(err, errlen, "vf %u iter %u: read RO: %d%s", vf, i, ret,
				ret == BLK_RO_LEN ? " (bad data)" : "");
	return 0;
}

/* A call made from another thread, so the test thread can act while it blocks. */
struct bg_call {
	pthread_t tid;
	struct vfbc_vf_mbox *mb;
	uint16_t op;
	uint32_t id;
	uint64_t timeout_ns;
	uint8_t buf[BLK_CAP];
	int ret;
	uint32_t done;
};

static void *
bg_call_fn(void *arg)
{
	struct bg_call *c = arg;

	c->ret = vfbc_vf_mbox_call(c->mb, c->op, c->id, c->buf, sizeof(c->buf), c->timeout_ns);
	__atomic_store_n(&c->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

static int
bg_call_start(struct bg_call *c, struct vfbc_vf_mbox *mb, uint16_t op, uint32_t id)
{
	memset(c, 0, sizeof(*c));
	c->mb = mb;
	c->op = op;
	c->id = id;
	c->timeout_ns = 6 * LONG_NS; /* longer than any bound the test waits on */
	pattern(c->buf, sizeof(c->buf), 77);
	return pthread_create(&c->tid, NULL, bg_call_fn, c);
}

/* ------------------------------------------------------------------- wire */

static int
test_wire_region_size(struct fix *f)
{
	static const uint32_t bad_depths[] = { 0, 3, 6, 12, 2 * VFBC_MBOX_DEPTH_MAX, 1u << 31 };
	const struct vfbc_region_params good = {
		.vf_index = 1, .num_vfs = 2, .mbox_depth = 8, .slot_data_max = 100,
		.ring_size = 0, .generation = 1,
	};
	struct vfbc_region_params p;
	struct vfbc_region r;
	unsigned int i;

	/* 100 payload bytes + a 64-byte descriptor round up to 192. */
	VT_EQ(vfbc_region_size(&good), sizeof(struct vfbc_region_hdr) + 8 * 192);
	p = good;
	p.ring_size = 1;
	VT_EQ(vfbc_region_size(&p), sizeof(struct vfbc_region_hdr) + 8 * 192 + 64);
	p = good;
	p.mbox_depth = 1;
	VT_CHECK(vfbc_region_size(&p) != 0, "depth 1 is a power of two");
	p.mbox_depth = VFBC_MBOX_DEPTH_MAX;
	VT_CHECK(vfbc_region_size(&p) != 0, "the largest depth is valid");
	for (i = 0; i < sizeof(bad_depths) / sizeof(bad_depths[0]); i++) {
		p.mbox_depth = bad_depths[i];
		VT_CHECK(vfbc_region_size(&p) == 0, "depth %u accepted", bad_depths[i]);
	}
	p = good;
	p.slot_data_max = 0;
	VT_EQ(vfbc_region_size(&p), 0);
	p.slot_data_max = VFBC_SLOT_DATA_MAX + 1;
	VT_EQ(vfbc_region_size(&p), 0);
	p.slot_data_max = VFBC_SLOT_DATA_MAX;
	VT_CHECK(vfbc_region_size(&p) != 0, "the largest slot is valid");
	p = good;
	p.vf_index = p.num_vfs;
	VT_EQ(vfbc_region_size(&p), 0);
	p.vf_index = UINT16_MAX;
	VT_EQ(vfbc_region_size(&p), 0);
	p.vf_index = 0;
	p.num_vfs = 0;
	VT_EQ(vfbc_region_size(&p), 0);

	/* The wire's ring_offset is 32 bits: rings past 4 GiB cannot be described. */
	p = good;
	p.mbox_depth = VFBC_MBOX_DEPTH_MAX;
	p.slot_data_max = VFBC_SLOT_DATA_MAX;
	p.ring_size = 4096;
	VT_EQ(vfbc_region_size(&p), 0);

	/* Bad parameters create nothing. */
	p = good;
	p.mbox_depth = 3;
	VT_EQ(vfbc_region_create(&r, f->path[0], &p), -EINVAL);
	p = good;
	p.generation = 0;
	VT_EQ(vfbc_region_create(&r, f->path[0], &p), -EINVAL);
	VT_CHECK(access(f->path[0], F_OK) != 0 && errno == ENOENT, "a file was left behind");
	VT_CHECK(r.base == NULL, "a failed create left a mapping");
	return 0;
}
FIX_CASE(test_wire_region_size, 0, 0, 0, 0, 0, false)

static int
test_wire_status_map(void)
{
	static const struct { uint32_t st; int err; } map[] = {
		{ VFBC_ST_OK, 0 },
		{ VFBC_ST_NOENT, -ENOENT },
		{ VFBC_ST_ACCES, -EACCES },
		{ VFBC_ST_MSGSIZE, -EMSGSIZE },
		{ VFBC_ST_INVAL, -EINVAL },
		{ VFBC_ST_PROTO, -EPROTO },
	};
	unsigned int i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		VT_EQ(vfbc_status_to_errno(map[i].st), map[i].err);
		VT_EQ(vfbc_errno_to_status(map[i].err), map[i].st);
	}
	/* A denial looks like a missing right to the VF, as the spec says. */
	VT_EQ(vfbc_status_to_errno(VFBC_ST_DENIED), -EACCES);
	/* Statuses from a future or hostile peer are not trusted as success. */
	VT_EQ(vfbc_status_to_errno(VFBC_ST_MAX), -EINVAL);
	VT_EQ(vfbc_status_to_errno(UINT32_MAX), -EINVAL);
	VT_EQ(vfbc_errno_to_status(-EIO), VFBC_ST_INVAL);
	return 0;
}

/* ----------------------------------------------------------------- region */

static int
test_region_path(void)
{
	char buf[64], tiny[8];

	VT_EQ(vfbc_region_path(buf, sizeof(buf), "/dev/shm", "net_vfbc_pf0", 3), 0);
	VT_CHECK(strcmp(buf, "/dev/shm/vfbc.net_vfbc_pf0.vf3") == 0, "path %s", buf);
	VT_EQ(vfbc_region_path(buf, sizeof(buf), "/dev/shm", "a/b", 0), -EINVAL);
	VT_EQ(vfbc_region_path(buf, sizeof(buf), "/dev/shm", "", 0), -EINVAL);
	VT_EQ(vfbc_region_path(buf, sizeof(buf), "/dev/shm", NULL, 0), -EINVAL);
	VT_EQ(vfbc_region_path(buf, sizeof(buf), NULL, "pf", 0), -EINVAL);
	VT_EQ(vfbc_region_path(tiny, sizeof(tiny), "/dev/shm", "pf", 0), -ENAMETOOLONG);
	return 0;
}

static int
test_region_create_open(struct fix *f)
{
	struct vfbc_region_params p = std_params(f, 1);
	struct vfbc_region *pf = &f->pf_r[1], *vf = &f->vf_r[1];
	const struct vfbc_region_info *info;
	struct stat st;

	VT_EQ(vfbc_region_open(vf, f->path[1], 1), -ENOENT);
	VT_EQ(vfbc_region_create(pf, f->path[1], &p), 0);
	VT_EQ(stat(f->path[1], &st), 0);
	VT_EQ(st.st_mode & 0777, 0600);
	VT_EQ(st.st_size, vfbc_region_size(&p));

	info = &pf->hdr->info;
	VT_EQ(info->magic, VFBC_REGION_MAGIC);
	VT_EQ(info->abi_version, VFBC_ABI_VERSION);
	VT_EQ(info->hdr_size, sizeof(struct vfbc_region_hdr));
	VT_EQ(info->region_size, vfbc_region_size(&p));
	VT_EQ(info->pf_generation, p.generation);
	VT_EQ(info->vf_index, 1);
	VT_EQ(info->num_vfs, FIX_MAX_VFS);
	VT_EQ(info->mbox_offset, sizeof(struct vfbc_region_hdr));
	VT_EQ(info->mbox_depth, p.mbox_depth);
	VT_EQ(info->slot_size % VFBC_WIRE_LINE, 0);
	VT_CHECK(info->slot_size >= sizeof(struct vfbc_mbox_desc) + p.slot_data_max,
			"slot of %u bytes", info->slot_size);
	VT_EQ(info->slot_data_max, p.slot_data_max);
	VT_EQ(info->ring_offset, 0);
	VT_EQ(pf->hdr->pf.pf_state, VFBC_PF_STATE_INIT);

	/* Region of VF 1 opened as VF 0 or a VF past num_vfs. */
	VT_EQ(vfbc_region_open(vf, f->path[1], 0), -EINVAL);
	VT_CHECK(vf->base == NULL && vf->fd == -1, "failed open left a mapping");
	VT_EQ(vfbc_region_open(vf, f->path[1], 7), -EINVAL);

	VT_EQ(vfbc_region_open(vf, f->path[1], 1), 0);
	VT_EQ(vf->mbox_offset, pf->mbox_offset);
	VT_EQ(vf->mbox_depth, pf->mbox_depth);
	VT_EQ(vf->slot_size, pf->slot_size);
	VT_EQ(vf->slot_data_max, pf->slot_data_max);
	VT_EQ(vf->generation, p.generation);
	VT_EQ(vfbc_region_pf_alive(vf), 1);
	VT_EQ(__atomic_load_n(&vf->hdr->pf.pf_state, __ATOMIC_ACQUIRE), VFBC_PF_STATE_INIT);
	vfbc_region_set_ready(pf);
	VT_EQ(__atomic_load_n(&vf->hdr->pf.pf_state, __ATOMIC_ACQUIRE), VFBC_PF_STATE_READY);
	/* Both mappings are the same memory. */
	vf->hdr->vf.proto_max = 0x1234;
	VT_EQ(pf->hdr->vf.proto_max, 0x1234);
	VT_CHECK(vfbc_region_desc(vf, 3) != NULL &&
			(uint8_t *)vfbc_region_desc(vf, 3) - vf->base ==
			(uint8_t *)vfbc_region_desc(pf, 3) - pf->base, "slot 3 offsets differ");
	return 0;
}
FIX_CASE(test_region_create_open, 0, 8, 256, 0, 0, false)

static int
test_region_second_create(struct fix *f)
{
	struct vfbc_region_params p = std_params(f, 0);
	struct vfbc_region second;
	struct stat a, b;

	VT_EQ(vfbc_region_create(&f->pf_r[0], f->path[0], &p), 0);
	VT_EQ(fstat(f->pf_r[0].fd, &a), 0);
	p.generation = fresh_generation();
	VT_EQ(vfbc_region_create(&second, f->path[0], &p), -EADDRINUSE);
	VT_CHECK(second.base == NULL, "the loser mapped something");
	/* The live PF's file is untouched. */
	VT_EQ(stat(f->path[0], &b), 0);
	VT_CHECK(a.st_ino == b.st_ino, "the live region was replaced");
	VT_EQ(f->pf_r[0].hdr->info.magic, VFBC_REGION_MAGIC);
	VT_EQ(vfbc_region_open(&f->vf_r[0], f->path[0], 0), 0);
	VT_EQ(vfbc_region_pf_alive(&f->vf_r[0]), 1);
	VT_CHECK(f->vf_r[0].generation != p.generation, "VF sees the loser's generation");
	return 0;
}
FIX_CASE(test_region_second_create, 0, 8, 256, 0, 0, false)

/* A second process (here: a second open) cannot attach as the same VF, and
 * the first keeps its region; once the first closes, the next one may.
 */
static int
test_region_one_vf_process(struct fix *f)
{
	struct vfbc_region_params p = std_params(f, 0);
	struct vfbc_region second;

	VT_EQ(vfbc_region_create(&f->pf_r[0], f->path[0], &p), 0);
	VT_EQ(vfbc_region_open(&f->vf_r[0], f->path[0], 0), 0);
	VT_EQ(vfbc_region_open(&second, f->path[0], 0), -EBUSY);
	VT_CHECK(second.base == NULL, "the loser mapped something");
	vfbc_region_close(&f->vf_r[0]);
	VT_EQ(vfbc_region_open(&f->vf_r[0], f->path[0], 0), 0);
	return 0;
}
FIX_CASE(test_region_one_vf_process, 0, 8, 256, 0, 0, false)

/* A VF that truncates or grows its region would make the PF's next access to
 * it fault (SIGBUS) or change its size under the PF: the seals refuse both.
 */
static int
test_region_sealed_against_resize(struct fix *f)
{
	struct vfbc_region_params p = std_params(f, 0);
	struct stat st;

	VT_EQ(vfbc_region_create(&f->pf_r[0], f->path[0], &p), 0);
	VT_EQ(vfbc_region_open(&f->vf_r[0], f->path[0], 0), 0);
	VT_EQ(ftruncate(f->vf_r[0].fd, 0), -1);
	VT_EQ(errno, EPERM);
	VT_EQ(ftruncate(f->vf_r[0].fd, (off_t)f->vf_r[0].size * 2), -1);
	VT_EQ(errno, EPERM);
	VT_EQ(fstat(f->pf_r[0].fd, &st), 0);
	VT_EQ(st.st_size, vfbc_region_size(&p));
	/* The PF's whole mapping is still there to touch. */
	VT_EQ(((volatile uint8_t *)f->pf_r[0].base)[f->pf_r[0].size - 1], 0);
	return 0;
}
FIX_CASE(test_region_sealed_against_resize, 0, 8, 256, 0, 0, false)

static int
test_region_stale_reclaim(struct fix *f)
{
	struct vfbc_region_params p = std_params(f, 0);
	struct stat st;
	int status = -1;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	VT_CHECK(pid >= 0, "fork: %s", strerror(errno));
	if (pid == 0) {
		struct vfbc_region r;

		/* Die holding the region: no destroy, the kernel drops the lock. */
		_exit(vfbc_region_create(&r, f->path[0], &p) == 0 ? 0 : 1);
	}
	VT_EQ(waitpid(pid, &status, 0), pid);
	VT_CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child status %#x", status);
	/* The link stays, dangling: its target was the dead PF's /proc fd. */
	VT_EQ(lstat(f->path[0], &st), 0);
	VT_EQ(access(f->path[0], F_OK), -1);

	/* A VF finds the link, but no PF behind it. */
	VT_EQ(vfbc_region_open(&f->vf_r[0], f->path[0], 0), -ENOTCONN);

	p.generation = fresh_generation();
	VT_EQ(vfbc_region_create(&f->pf_r[0], f->path[0], &p), 0);
	VT_EQ(vfbc_region_open(&f->vf_r[0], f->path[0], 0), 0);
	VT_EQ(f->vf_r[0].generation, p.generation);
	VT_EQ(vfbc_region_pf_alive(&f->vf_r[0]), 1);
	return 0;
}
FIX_CASE(test_region_stale_reclaim, 0, 4, 64, 0, 0, false)

static int
test_region_destroy_gone(struct fix *f)
{
	struct vfbc_region_params p = std_params(f, 0);
	struct vfbc_region *vf = &f->vf_r[0];
	uint32_t db, inval;

	VT_EQ(vfbc_region_create(&f->pf_r[0], f->path[0], &p), 0);
	vfbc_region_set_ready(&f->pf_r[0]);
	VT_EQ(vfbc_region_open(vf, f->path[0], 0), 0);
	VT_EQ(vfbc_region_pf_alive(vf), 1);
	db = vf->hdr->pf.cpl_doorbell;
	inval = vf->hdr->pf.inval_seq;

	vfbc_region_destroy(&f->pf_r[0]);
	VT_CHECK(f->pf_r[0].base == NULL, "destroy kept the mapping");
	VT_EQ(__atomic_load_n(&vf->hdr->pf.pf_state, __ATOMIC_ACQUIRE), VFBC_PF_STATE_GONE);
	VT_CHECK(vf->hdr->pf.cpl_doorbell != db, "completion doorbell not rung");
	VT_CHECK(vf->hdr->pf.inval_seq != inval, "invalidation doorbell not rung");
	VT_EQ(vfbc_region_pf_alive(vf), 0);
	VT_CHECK(access(f->path[0], F_OK) != 0 && errno == ENOENT, "region file left behind");
	VT_EQ(vfbc_region_open(&f->vf_r[1], f->path[0], 0), -ENOENT);
	/* Destroying twice is harmless. */
	vfbc_region_destroy(&f->pf_r[0]);

	/* A restarted PF creates a new region while the old VF still maps the old one. */
	p.generation = fresh_generation();
	VT_EQ(vfbc_region_create(&f->pf_r[0], f->path[0], &p), 0);
	VT_EQ(vfbc_region_pf_alive(vf), 0);
	VT_EQ(vfbc_region_open(&f->vf_r[1], f->path[0], 0), 0);
	VT_EQ(vfbc_region_pf_alive(&f->vf_r[1]), 1);
	return 0;
}
FIX_CASE(test_region_destroy_gone, 0, 4, 64, 0, 0, false)

/* Whether some thread waits in F_OFD_SETLKW for a lock on inode @p ino. */
static int
lock_waiter_exists(ino_t ino)
{
	char line[256], needle[32];
	bool found = false;
	FILE *fp = fopen("/proc/locks", "r");

	if (fp == NULL)
		return -1;
	snprintf(needle, sizeof(needle), ":%lu ", (unsigned long)ino);
	while (!found && fgets(line, sizeof(line), fp) != NULL)
		found = strstr(line, "->") != NULL && strstr(line, needle) != NULL;
	fclose(fp);
	return found;
}

struct pf_exit_waiter {
	const struct vfbc_region *r;
	int ret;
	bool done;
};

static void *
pf_exit_waiter_fn(void *arg)
{
	struct pf_exit_waiter *w = arg;

	w->ret = vfbc_region_wait_pf_exit(w->r);
	__atomic_store_n(&w->done, true, __ATOMIC_RELEASE);
	return NULL;
}

static int
test_region_wait_pf_exit(struct fix *f)
{
	struct vfbc_region_params p = std_params(f, 0);
	struct pf_exit_waiter w = { .r = &f->vf_r[0], .ret = 1 };
	uint64_t end = vfbc_time_ns() + LONG_NS;
	bool done_early;
	struct stat st;
	pthread_t tid;
	int blocked;

	VT_EQ(vfbc_region_create(&f->pf_r[0], f->path[0], &p), 0);
	VT_EQ(vfbc_region_open(&f->vf_r[0], f->path[0], 0), 0);
	VT_EQ(fstat(f->vf_r[0].fd, &st), 0);
	VT_EQ(pthread_create(&tid, NULL, pf_exit_waiter_fn, &w), 0);
	/* Make sure the waiter really blocks in the kernel before the PF goes. */
	do {
		blocked = lock_waiter_exists(st.st_ino);
		if (blocked == 0)
			sched_yield();
	} while (blocked == 0 && !__atomic_load_n(&w.done, __ATOMIC_ACQUIRE) &&
			vfbc_time_ns() < end);
	done_early = __atomic_load_n(&w.done, __ATOMIC_ACQUIRE);
	vfbc_region_destroy(&f->pf_r[0]);
	pthread_join(tid, NULL);
	VT_CHECK(!done_early, "returned while the PF was alive: %d", w.ret);
	VT_CHECK(blocked != 0, "the waiter never blocked on the PF's lock");
	VT_EQ(w.ret, 0);
	/* Once the PF is gone it returns at once. */
	VT_EQ(vfbc_region_wait_pf_exit(&f->vf_r[0]), 0);
	return 0;
}
FIX_CASE(test_region_wait_pf_exit, 0, 4, 64, 0, 0, false)

/* Corrupt one header field, expect @p want from open, then restore it. */
#define CORRUPT_EXPECT(field, value, want) do { \
	__typeof__(info->field) saved_ = info->field; \
	info->field = (value); \
	VT_EQ(vfbc_region_open(&f->vf_r[0], f->path[0], 0), want); \
	info->field = saved_; \
} while (0)

static int
test_region_bad_header(struct fix *f)
{
	struct vfbc_region_params p = std_params(f, 0);
	struct vfbc_region_info *info;
	char small[PATH_MAX];
	int fd;

	VT_EQ(vfbc_region_create(&f->pf_r[0], f->path[0], &p), 0);
	info = &f->pf_r[0].hdr->info;
	CORRUPT_EXPECT(magic, 0, -EPROTO);
	CORRUPT_EXPECT(magic, VFBC_REGION_MAGIC ^ 0x100, -EPROTO);
	CORRUPT_EXPECT(abi_version, VFBC_ABI_VERSION + 1, -EPROTO);
	CORRUPT_EXPECT(hdr_size, 128, -EPROTO);
	CORRUPT_EXPECT(region_size, info->region_size + 64, -EINVAL);
	CORRUPT_EXPECT(mbox_depth, 3, -EINVAL);
	CORRUPT_EXPECT(mbox_depth, 2 * VFBC_MBOX_DEPTH_MAX, -EINVAL);
	CORRUPT_EXPECT(mbox_depth, info->mbox_depth * 2, -EINVAL); /* past the end */
	CORRUPT_EXPECT(slot_size, info->slot_size + 64, -EINVAL);
	CORRUPT_EXPECT(slot_data_max, 0, -EINVAL);
	CORRUPT_EXPECT(mbox_offset, 100, -EINVAL);
	CORRUPT_EXPECT(mbox_offset, 64, -EINVAL);
	CORRUPT_EXPECT(mbox_offset, UINT32_MAX & ~63u, -EINVAL);
	VT_EQ(vfbc_region_open(&f->vf_r[0], f->path[0], 0), 0);

	/* A file too short to hold a header. */
	snprintf(small, sizeof(small), "%s/short", f->dir);
	fd = open(small, O_RDWR | O_CREAT | O_EXCL, 0600);
	VT_CHECK(fd >= 0, "create %s: %s", small, strerror(errno));
	VT_EQ(write(fd, "VFBC", 4), 4);
	close(fd);
	VT_EQ(vfbc_region_open(&f->vf_r[1], small, 0), -EPROTO);
	return 0;
}
FIX_CASE(test_region_bad_header, 0, 4, 64, 0, 0, false)

/* ------------------------------------------------------------------ store */

static int
test_store_define(void)
{
	struct vfbc_store s;
	uint32_t i;
	int ret = 0;

	VT_EQ(vfbc_store_init(&s, 0, 64), -EINVAL);
	VT_EQ(vfbc_store_init(&s, 4, 0), -EINVAL);
	VT_EQ(vfbc_store_init(&s, 4, 64), 0);
	VT_EQ(vfbc_store_define(&s, 10, 0, VFBC_BLOCK_VF_READ), -EINVAL);
	VT_EQ(vfbc_store_define(&s, 10, 16, 1u << 2), -EINVAL);
	VT_EQ(vfbc_store_define(&s, 10, 16, UINT32_MAX), -EINVAL);
	VT_EQ(vfbc_store_define(&s, 10, 65, VFBC_BLOCK_VF_READ), -EMSGSIZE);
	VT_EQ(s.count, 0);
	VT_EQ(vfbc_store_define(&s, 10, 64, VFBC_BLOCK_FLAGS_ALL), 0);
	VT_EQ(vfbc_store_define(&s, 10, 8, 0), -EEXIST);
	for (i = 11; i < 14 && ret == 0; i++)
		ret = vfbc_store_define(&s, i, 1, 0);
	VT_EQ(ret, 0);
	VT_EQ(vfbc_store_define(&s, 20, 1, 0), -ENOSPC);
	/* A full store still reports a duplicate as such. */
	VT_EQ(vfbc_store_define(&s, 11, 1, 0), -EEXIST);
	VT_EQ(s.count, 4);
	vfbc_store_fini(&s);
	vfbc_store_fini(&s); /* twice is harmless */
	return 0;
}

/* Only the watched block's changes count, and only changes that happened. */
static int
test_store_change_count(void)
{
	uint64_t changes = 0;
	uint8_t b[8] = { 1 };
	struct vfbc_store s;

	VT_EQ(vfbc_store_init(&s, 8, 64), 0);
	s.change_count = &changes;
	s.change_mask = UINT64_C(1) << 62;
	VT_EQ(vfbc_store_define(&s, 62, 8, VFBC_BLOCK_FLAGS_ALL), 0);
	VT_EQ(vfbc_store_define(&s, 5, 8, VFBC_BLOCK_FLAGS_ALL), 0);
	VT_EQ(vfbc_store_set(&s, 5, b, 8), 0);
	VT_EQ(vfbc_store_vf_write(&s, 5, b, 8), 0);
	VT_EQ(changes, 0);
	VT_EQ(vfbc_store_set(&s, 62, b, 8), 0);
	VT_EQ(vfbc_store_vf_write(&s, 62, b, 8), 0);
	VT_EQ(vfbc_store_vf_write(&s, 62, b, 9), -EMSGSIZE);
	VT_EQ(changes, 2);
	vfbc_store_fini(&s);
	return 0;
}

static int
test_store_set_get(void)
{
	struct vfbc_block_info bi;
	uint8_t in[32], out[40];
	struct vfbc_store s;
	int ret;

	VT_EQ(vfbc_store_init(&s, 8, 64), 0);
	ret = vfbc_store_define(&s, 1, 32, VFBC_BLOCK_VF_READ);
	VT_EQ(ret, 0);
	VT_EQ(vfbc_store_info(&s, 1, &bi), 0);
	VT_CHECK(bi.id == 1 && bi.capacity == 32 && bi.len == 0 && bi.version == 0 &&
			bi.flags == VFBC_BLOCK_VF_READ, "fresh block %u/%u/%u/%" PRIu64,
			bi.capacity, bi.len, bi.flags, bi.version);
	VT_EQ(vfbc_store_get(&s, 1, out, sizeof(out)), 0);

	pattern(in, sizeof(in), 1);
	VT_EQ(vfbc_store_set(&s, 1, in, 20), 0);
	memset(out, 0xee, sizeof(out));
	VT_EQ(vfbc_store_get(&s, 1, out, sizeof(out)), 20);
	VT_CHECK(memcmp(in, out, 20) == 0 && out[20] == 0xee, "content or overrun");
	memset(out, 0xee, sizeof(out));
	VT_EQ(vfbc_store_get(&s, 1, out, 7), 7);
	VT_CHECK(memcmp(in, out, 7) == 0 && out[7] == 0xee, "short get overran");
	VT_EQ(vfbc_store_get(&s, 1, out, 0), 0);

	/* Too long: rejected, contents kept. */
	VT_EQ(vfbc_store_set(&s, 1, in, 33), -EMSGSIZE);
	VT_EQ(vfbc_store_get(&s, 1, out, sizeof(out)), 20);
	VT_EQ(vfbc_store_info(&s, 1, &bi), 0);
	VT_EQ(bi.len, 20);
	VT_EQ(bi.version, 1);

	/* Capacity exactly, then shorter: the length follows the last set. */
	VT_EQ(vfbc_store_set(&s, 1, in, 32), 0);
	VT_EQ(vfbc_store_get(&s, 1, out, sizeof(out)), 32);
	VT_EQ(vfbc_store_set(&s, 1, in + 1, 5), 0);
	VT_EQ(vfbc_store_get(&s, 1, out, sizeof(out)), 5);
	VT_CHECK(memcmp(in + 1, out, 5) == 0, "short set content");
	VT_EQ(vfbc_store_info(&s, 1, &bi), 0);
	VT_EQ(bi.version, 3);

	VT_EQ(vfbc_store_set(&s, 2, in, 1), -ENOENT);
	VT_EQ(vfbc_store_get(&s, 2, out, 1), -ENOENT);
	VT_EQ(vfbc_store_info(&s, 2, &bi), -ENOENT);
	vfbc_store_fini(&s);
	return 0;
}

static int
test_store_vf_access(void)
{
	uint8_t in[16], out[16];
	struct vfbc_store s;
	int ret = 0;

	pattern(in, sizeof(in), 2);
	VT_EQ(vfbc_store_init(&s, 8, 64), 0);
	ret |= vfbc_store_define(&s, 1, 16, VFBC_BLOCK_VF_READ);
	ret |= vfbc_store_define(&s, 2, 16, VFBC_BLOCK_VF_WRITE);
	ret |= vfbc_store_define(&s, 3, 16, VFBC_BLOCK_FLAGS_ALL);
	ret |= vfbc_store_define(&s, 4, 16, 0);
	VT_EQ(ret, 0);
	/* The PF itself is not bound by VF rights. */
	VT_EQ(vfbc_store_set(&s, 1, in, 10), 0);
	VT_EQ(vfbc_store_set(&s, 4, in, 10), 0);

	VT_EQ(vfbc_store_vf_read(&s, 1, out, sizeof(out)), 10);
	VT_EQ(vfbc_store_vf_write(&s, 1, in, 4), -EACCES);
	VT_EQ(vfbc_store_vf_read(&s, 2, out, sizeof(out)), -EACCES);
	VT_EQ(vfbc_store_vf_write(&s, 2, in, 4), 0);
	VT_EQ(vfbc_store_get(&s, 2, out, sizeof(out)), 4);
	VT_EQ(vfbc_store_vf_write(&s, 3, in, 16), 0);
	VT_EQ(vfbc_store_vf_read(&s, 3, out, 3), 3);
	VT_EQ(vfbc_store_vf_write(&s, 3, in, 17), -EMSGSIZE);
	VT_EQ(vfbc_store_vf_read(&s, 3, out, sizeof(out)), 16);
	VT_EQ(vfbc_store_vf_read(&s, 4, out, sizeof(out)), -EACCES);
	VT_EQ(vfbc_store_vf_write(&s, 4, in, 1), -EACCES);
	VT_EQ(vfbc_store_get(&s, 4, out, sizeof(out)), 10); /* untouched */
	VT_EQ(vfbc_store_vf_read(&s, 5, out, sizeof(out)), -ENOENT);
	VT_EQ(vfbc_store_vf_write(&s, 5, in, 1), -ENOENT);

	VT_EQ(vfbc_store_vf_check(&s, 1, 100, VFBC_BLOCK_VF_READ), 0);
	VT_EQ(vfbc_store_vf_check(&s, 1, 1, VFBC_BLOCK_VF_WRITE), -EACCES);
	VT_EQ(vfbc_store_vf_check(&s, 3, 17, VFBC_BLOCK_VF_WRITE), -EMSGSIZE);
	VT_EQ(vfbc_store_vf_check(&s, 3, 16, VFBC_BLOCK_VF_WRITE), 0);
	VT_EQ(vfbc_store_vf_check(&s, 5, 1, VFBC_BLOCK_VF_READ), -ENOENT);
	vfbc_store_fini(&s);
	return 0;
}

static int
test_store_sorted(void)
{
	static const uint32_t ids[] = { 50, 3, 999, 0, 7, UINT32_MAX, 51, 2 };
	static const uint32_t sorted[] = { 0, 2, 3, 7, 50, 51, 999, UINT32_MAX };
	struct vfbc_block_info out[10];
	struct vfbc_store s;
	uint8_t v;
	unsigned int i;

	VT_EQ(vfbc_store_init(&s, 8, 8), 0);
	for (i = 0; i < 8; i++)
		VT_EQ(vfbc_store_define(&s, ids[i], 1 + i, VFBC_BLOCK_VF_READ), 0);
	VT_EQ(vfbc_store_list(&s, 0, out, 10), 8);
	for (i = 0; i < 8; i++)
		VT_CHECK(out[i].id == sorted[i], "list[%u] = %u, want %u", i, out[i].id,
				sorted[i]);
	VT_EQ(vfbc_store_list(&s, 3, out, 2), 2);
	VT_CHECK(out[0].id == 7 && out[1].id == 50, "window %u %u", out[0].id, out[1].id);
	VT_EQ(vfbc_store_list(&s, 7, out, 5), 1);
	VT_EQ(vfbc_store_list(&s, 8, out, 5), 0);
	VT_EQ(vfbc_store_list(&s, UINT32_MAX, out, 5), 0);
	/* Every block is found, with its own capacity, whatever its position. */
	for (i = 0; i < 8; i++) {
		v = (uint8_t)i;
		VT_EQ(vfbc_store_set(&s, ids[i], &v, 1), 0);
		VT_EQ(vfbc_store_info(&s, ids[i], out), 0);
		VT_EQ(out[0].capacity, 1 + i);
	}
	for (i = 0; i < 8; i++) {
		VT_EQ(vfbc_store_get(&s, ids[i], &v, 1), 1);
		VT_EQ(v, i);
	}
	VT_EQ(vfbc_store_get(&s, 1, &v, 1), -ENOENT);
	VT_EQ(vfbc_store_get(&s, 998, &v, 1), -ENOENT);
	VT_EQ(vfbc_store_get(&s, UINT32_MAX - 1, &v, 1), -ENOENT);
	vfbc_store_fini(&s);
	return 0;
}

/* ---------------------------------------------------------------- mailbox */

static int
test_mbox_attach(struct fix *f)
{
	struct vfbc_vf_mbox *mb = &f->vf_mb[0];

	VT_EQ(vfbc_vf_mbox_attach(mb, vfbc_time_ns() + LONG_NS), 0);
	VT_EQ(mb->proto_version, VFBC_PROTO_VERSION_MAX);
	VT_EQ(f->vf_r[0].hdr->pf.attach_status, VFBC_ST_OK);
	VT_EQ(mb->next_seq, f->vf_r[0].hdr->pf.first_seq);
	/* Attached already: no new handshake. */
	VT_EQ(vfbc_vf_mbox_attach(mb, 0), 0);
	pf_stop(f);
	VT_EQ(f->pf_mb[0].stats.attaches, 1);
	VT_CHECK(f->pf_mb[0].attached, "PF not attached");
	VT_EQ(f->pf_mb[0].next_seq, mb->next_seq);
	return 0;
}
FIX_STD(test_mbox_attach)

static int
test_mbox_read_write(struct fix *f)
{
	uint8_t ro[BLK_RO_LEN], in[BLK_CAP], out[1024], big[256];
	struct vfbc_block_info bi;

	ro_content(ro, 0);
	memset(out, 0xee, sizeof(out));
	VT_EQ(call(f, 0, VFBC_OP_READ, BLK_RO, out, BLK_CAP), BLK_RO_LEN);
	VT_CHECK(memcmp(out, ro, BLK_RO_LEN) == 0, "RO content");
	VT_EQ(out[BLK_RO_LEN], 0xee);
	memset(out, 0xee, sizeof(out));
	VT_EQ(call(f, 0, VFBC_OP_READ, BLK_RO, out, 3), 3);
	VT_CHECK(memcmp(out, ro, 3) == 0 && out[3] == 0xee, "short read content or overrun");

	pattern(in, sizeof(in), 9);
	VT_EQ(call(f, 0, VFBC_OP_WRITE, BLK_RW, in, 40), 0);
	memset(out, 0, sizeof(out));
	VT_EQ(vfbc_store_get(&f->store[0], BLK_RW, out, sizeof(out)), 40);
	VT_CHECK(memcmp(in, out, 40) == 0, "store content after VF write");
	memset(out, 0, sizeof(out));
	VT_EQ(call(f, 0, VFBC_OP_READ, BLK_RW, out, BLK_CAP), 40);
	VT_CHECK(memcmp(in, out, 40) == 0, "read back");
	/* A write sets the length, it does not merge. */
	VT_EQ(call(f, 0, VFBC_OP_WRITE, BLK_RW, in + 1, 10), 0);
	VT_EQ(vfbc_store_info(&f->store[0], BLK_RW, &bi), 0);
	VT_EQ(bi.len, 10);
	VT_EQ(call(f, 0, VFBC_OP_READ, BLK_RW, out, BLK_CAP), 10);
	VT_CHECK(memcmp(in + 1, out, 10) == 0, "second read back");
	/* Writing the exact capacity works. */
	VT_EQ(call(f, 0, VFBC_OP_WRITE, BLK_SMALL, in, BLK_SMALL_CAP), 0);

	/* A read buffer larger than a slot is clamped, not refused. */
	pattern(big, sizeof(big), 0xb0);
	VT_EQ(call(f, 0, VFBC_OP_READ, BLK_BIG, out, sizeof(out)), 256);
	VT_CHECK(memcmp(big, out, 256) == 0, "big block content");
	VT_EQ(call(f, 0, VFBC_OP_READ, BLK_EMPTY, out, 8), 0);

	/* The PF changes a block; the VF sees the new content. */
	VT_EQ(vfbc_store_set(&f->store[0], BLK_RO, in, 5), 0);
	VT_EQ(call(f, 0, VFBC_OP_READ, BLK_RO, out, BLK_CAP), 5);
	VT_CHECK(memcmp(in, out, 5) == 0, "PF update not seen");

	VT_EQ(f->vf_mb[0].stats.requests, 10);
	VT_EQ(f->vf_mb[0].stats.errors, 0);
	pf_stop(f);
	VT_EQ(f->pf_mb[0].stats.reads, 7);
	VT_EQ(f->pf_mb[0].stats.writes, 3);
	VT_EQ(f->pf_mb[0].stats.status[VFBC_ST_OK], 10);
	return 0;
}
FIX_STD(test_mbox_read_write)

static int
test_mbox_errors(struct fix *f)
{
	struct vfbc_vf_mbox *mb = &f->vf_mb[0];
	uint8_t in[512], out[BLK_CAP];
	uint64_t posted;
	uint32_t seq;

	pattern(in, sizeof(in), 3);
	VT_EQ(call(f, 0, VFBC_OP_READ, BLK_MISSING, out, sizeof(out)), -ENOENT);
	VT_EQ(call(f, 0, VFBC_OP_WRITE, BLK_MISSING, in, 4), -ENOENT);
	VT_EQ(call(f, 0, VFBC_OP_READ, BLK_WO, out, sizeof(out)), -EACCES);
	VT_EQ(call(f, 0, VFBC_OP_WRITE, BLK_RO, in, 4), -EACCES);
	VT_EQ(call(f, 0, VFBC_OP_READ, BLK_NONE, out, sizeof(out)), -EACCES);
	VT_EQ(call(f, 0, VFBC_OP_WRITE, BLK_NONE, in, 4), -EACCES);
	VT_EQ(call(f, 0, VFBC_OP_WRITE, BLK_SMALL, in, 4), 0);
	/* Over the block's capacity but within the slot: the PF refuses it. */
	VT_EQ(call(f, 0, VFBC_OP_WRITE, BLK_SMALL, in, BLK_SMALL_CAP + 1), -EMSGSIZE);
	VT_EQ(vfbc_store_get(&f->store[0], BLK_SMALL, out, sizeof(out)), 4);
	VT_EQ(call(f, 0, VFBC_OP_READ, BLK_RO, out, sizeof(out)), BLK_RO_LEN);
	/* Over the slot, in chunks: over the largest block, the PF refuses it at once. */
	VT_EQ(call(f, 0, VFBC_OP_WRITE, BLK_BIG, in, 257), -EMSGSIZE);

	/* Refused locally, before anything reaches the mailbox. */
	posted = mb->stats.requests;
	VT_EQ(call(f, 0, VFBC_OP_WRITE, BLK_RW, in, 0), -EINVAL);
	VT_EQ(call(f, 0, VFBC_OP_READ, BLK_RW, out, 0), -EINVAL);
	VT_EQ(vfbc_vf_mbox_post(mb, VFBC_OP_WRITE, BLK_BIG, in, 257, vfbc_time_ns() + LONG_NS,
			&seq), -EMSGSIZE);
	VT_EQ(vfbc_vf_mbox_post(mb, 0, BLK_RO, in, 4, vfbc_time_ns() + LONG_NS, &seq), -EINVAL);
	VT_EQ(vfbc_vf_mbox_post(mb, 3, BLK_RO, in, 4, vfbc_time_ns() + LONG_NS, &seq), -EINVAL);
	VT_EQ(vfbc_vf_mbox_post(mb, VFBC_OP_WRITE, BLK_RW, NULL, 4, vfbc_time_ns() + LONG_NS,
			&seq), -EINVAL);
	VT_EQ(mb->stats.requests, posted);

	/* The mailbox still works after all that. */
	VT_EQ(call(f, 0, VFBC_OP_WRITE, BLK_RW, in, 8), 0);
	VT_EQ(mb->stats.errors, 8);
	pf_stop(f);
	VT_EQ(f->pf_mb[0].stats.status[VFBC_ST_NOENT], 2);
	VT_EQ(f->pf_mb[0].stats.status[VFBC_ST_ACCES], 4);
	VT_EQ(f->pf_mb[0].stats.status[VFBC_ST_MSGSIZE], 2);
	VT_EQ(f->pf_mb[0].stats.status[VFBC_ST_OK], 3);
	return 0;
}
FIX_STD(test_mbox_errors)

/* What the PF application saw, and what it decides. */
struct policy_log {
	uint32_t calls;
	uint32_t deny;   /* POLICY_DENY_* */
	uint16_t vf;
	struct vfbc_pf_request last;
	bool had_data;
	uint8_t data[BLK_CAP];
};
#define POLICY_DENY_READS  (1u << 0)
#define POLICY_DENY_WRITES (1u << 1)

static int
policy_cb(void *ctx, uint16_t vf, const struct vfbc_pf_request *req, const void *data)
{
	struct policy_log *p = ctx;
	uint32_t deny = __atomic_load_n(&p->deny, __ATOMIC_ACQUIRE);

	p->vf = vf;
	p->last = *req;
	p->had_data = data != NULL;
	if (data != NULL)
		memcpy(p->data, data, req->len < sizeof(p->data) ? req->len : sizeof(p->data));
	__atomic_fetch_add(&p->calls, 1, __ATOMIC_RELEASE);
	if (req->opcode == VFBC_OP_READ)
		return (deny & POLICY_DENY_READS) != 0;
	return (deny & POLICY_DENY_WRITES) != 0;
}

static uint32_t
policy_calls(struct policy_log *p)
{
	return __atomic_load_n(&p->calls, __ATOMIC_ACQUIRE);
}

static int
test_mbox_policy_deny_write(struct fix *f)
{
	struct policy_log log = { 0 };
	uint8_t out[BLK_CAP];

	f->pf_mb[0].policy = policy_cb;
	f->pf_mb[0].policy_ctx = &log;
	VT_EQ(pf_start(f), 0);

	VT_EQ(write_str(f, BLK_RW, "one"), 0);
	VT_EQ(policy_calls(&log), 1);
	VT_CHECK(log.vf == 0 && log.last.opcode == VFBC_OP_WRITE && log.last.block_id == BLK_RW &&
			log.last.len == 3 && log.last.flags == 0 && log.had_data,
			"policy saw vf %u op %u block %u len %u", log.vf, log.last.opcode,
			log.last.block_id, log.last.len);
	VT_CHECK(memcmp(log.data, "one", 3) == 0, "policy saw other data");
	/* Reads are not reported unless asked for. */
	VT_EQ(call(f, 0, VFBC_OP_READ, BLK_RW, out, sizeof(out)), 3);
	VT_EQ(policy_calls(&log), 1);

	__atomic_store_n(&log.deny, POLICY_DENY_WRITES, __ATOMIC_RELEASE);
	VT_EQ(write_str(f, BLK_RW, "two!"), -EACCES);
	VT_EQ(policy_calls(&log), 2);
	VT_CHECK(memcmp(log.data, "two!", 4) == 0, "policy saw other data");
	VT_EQ(vfbc_store_get(&f->store[0], BLK_RW, out, sizeof(out)), 3);
	VT_CHECK(memcmp(out, "one", 3) == 0, "a denied write changed the block");
	VT_EQ(call(f, 0, VFBC_OP_READ, BLK_RW, out, sizeof(out)), 3);

	/* Requests that fail the block checks never reach the application. */
	VT_EQ(write_str(f, BLK_MISSING, "x"), -ENOENT);
	VT_EQ(write_str(f, BLK_RO, "x"), -EACCES);
	VT_EQ(call(f, 0, VFBC_OP_WRITE, BLK_SMALL, out, BLK_SMALL_CAP + 1), -EMSGSIZE);
	VT_EQ(policy_calls(&log), 2);

	__atomic_store_n(&log.deny, 0, __ATOMIC_RELEASE);
	VT_EQ(write_str(f, BLK_RW, "three"), 0);
	VT_EQ(vfbc_store_get(&f->store[0], BLK_RW, out, sizeof(out)), 5);
	VT_CHECK(memcmp(out, "three", 5) == 0, "allowed write lost");
	pf_stop(f);
	VT_EQ(f->pf_mb[0].stats.status[VFBC_ST_DENIED], 1);
	return 0;
}
FIX_CASE(test_mbox_policy_deny_write, 1, 8, 256, VFBC_SPIN_NS_DEFAULT, 16, false)

static int
test_mbox_notify_reads(struct fix *f)
{
	struct policy_log log = { 0 };
	uint8_t out[BLK_CAP];

	f->pf_mb[0].policy = policy_cb;
	f->pf_mb[0].policy_ctx = &log;
	f->pf_mb[0].notify_reads = true;
	VT_EQ(pf_start(f), 0);

	VT_EQ(call(f, 0, VFBC_OP_READ, BLK_RO, out, 20), 20);
	VT_EQ(policy_calls(&log), 1);
	VT_CHECK(log.last.opcode == VFBC_OP_READ && log.last.block_id == BLK_RO &&
			log.last.len == 20 && !log.had_data, "policy saw op %u block %u len %u",
			log.last.opcode, log.last.block_id, log.last.len);

	__atomic_store_n(&log.deny, POLICY_DENY_READS, __ATOMIC_RELEASE);
	VT_EQ(call(f, 0, VFBC_OP_READ, BLK_RO, out, sizeof(out)), -EACCES);
	VT_EQ(policy_calls(&log), 2);
	/* Denying reads does not deny writes. */
	VT_EQ(write_str(f, BLK_RW, "w"), 0);
	VT_EQ(policy_calls(&log), 3);
	/* Rights and existence are checked before the application is asked. */
	VT_EQ(call(f, 0, VFBC_OP_READ, BLK_WO, out, sizeof(out)), -EACCES);
	VT_EQ(call(f, 0, VFBC_OP_READ, BLK_MISSING, out, sizeof(out)), -ENOENT);
	VT_EQ(policy_calls(&log), 3);

	__atomic_store_n(&log.deny, 0, __ATOMIC_RELEASE);
	VT_EQ(call(f, 0, VFBC_OP_READ, BLK_RW, out, sizeof(out)), 1);
	VT_EQ(policy_calls(&log), 4);
	return 0;
}
FIX_CASE(test_mbox_notify_reads, 1, 8, 256, VFBC_SPIN_NS_DEFAULT, 16, false)

#define OUT_DEPTH 16

static int
test_mbox_outstanding(struct fix *f)
{
	struct vfbc_vf_mbox *mb = &f->vf_mb[0];
	uint8_t in[OUT_DEPTH][BLK_CAP], out[BLK_CAP];
	uint32_t seq[OUT_DEPTH], extra;
	uint64_t deadline;
	int i;

	for (i = 0; i < OUT_DEPTH; i++)
		VT_EQ(vfbc_store_define(&f->store[0], 100 + i, BLK_CAP, VFBC_BLOCK_FLAGS_ALL), 0);
	deadline = vfbc_time_ns() + LONG_NS;
	for (i = 0; i < OUT_DEPTH; i++) {
		pattern(in[i], BLK_CAP, 1000 + i);
		VT_EQ(vfbc_vf_mbox_post(mb, VFBC_OP_WRITE, 100 + i, in[i], 8 + i, deadline,
				&seq[i]), 0);
		VT_EQ(seq[i], seq[0] + i);
	}
	/* Every slot is in flight and uncollected: one more cannot be posted. */
	VT_EQ(vfbc_vf_mbox_post(mb, VFBC_OP_READ, BLK_RO, NULL, 4, vfbc_time_ns() + SHORT_NS,
			&extra), -ENOBUFS);
	for (i = OUT_DEPTH - 1; i >= 0; i--)
		VT_EQ(vfbc_vf_mbox_wait(mb, seq[i], NULL, 0, deadline), 0);
	for (i = 0; i < OUT_DEPTH; i++)
		VT_EQ(vfbc_vf_mbox_post(mb, VFBC_OP_READ, 100 + i, NULL, BLK_CAP, deadline,
				&seq[i]), 0);
	for (i = 0; i < OUT_DEPTH; i++) {
		memset(out, 0, sizeof(out));
		VT_EQ(vfbc_vf_mbox_wait(mb, seq[i], out, sizeof(out), deadline), 8 + i);
		VT_CHECK(memcmp(out, in[i], 8 + i) == 0, "request %d got another's data", i);
	}
	/* Collecting by poll: the same request completes once. */
	VT_EQ(vfbc_vf_mbox_post(mb, VFBC_OP_READ, BLK_RO, NULL, 4, deadline, &extra), 0);
	VT_CHECK(spin_until_eq(&vfbc_region_desc(&f->vf_r[0], extra & mb->mask)->cpl_seq, extra,
			LONG_NS), "no completion");
	VT_EQ(vfbc_vf_mbox_poll(mb, extra, out, 4), 4);
	pf_stop(f);
	VT_EQ(f->pf_mb[0].stats.status[VFBC_ST_OK], 2 * OUT_DEPTH + 1);
	return 0;
}
FIX_CASE(test_mbox_outstanding, 1, OUT_DEPTH, 256, VFBC_SPIN_NS_DEFAULT, 16, true)

#define THREADS 4
#define THREAD_ITERS 400

struct worker {
	struct fix *f;
	uint32_t id;
	uint32_t done;
	int ret;
	char err[160];
};

static void *
worker_fn(void *arg)
{
	struct worker *w = arg;
	uint32_t i;

	for (i = 0; i < THREAD_ITERS && w->ret == 0; i++) {
		w->ret = client_iter(w->f, 0, 200 + w->id, i, w->err, sizeof(w->err));
		if (w->ret == 0)
			w->done++;
	}
	return NULL;
}

static int
test_mbox_threads(struct fix *f)
{
	struct worker w[THREADS];
	pthread_t tid[THREADS];
	unsigned int i, started;

	for (i = 0; i < THREADS; i++)
		VT_EQ(vfbc_store_define(&f->store[0], 200 + i, BLK_CAP, VFBC_BLOCK_FLAGS_ALL), 0);
	memset(w, 0, sizeof(w));
	for (started = 0; started < THREADS; started++) {
		w[started].f = f;
		w[started].id = started;
		if (pthread_create(&tid[started], NULL, worker_fn, &w[started]) != 0)
			break;
	}
	for (i = 0; i < started; i++)
		pthread_join(tid[i], NULL);
	VT_EQ(started, THREADS);
	for (i = 0; i < THREADS; i++) {
		VT_CHECK(w[i].ret == 0, "thread %u: %s", i, w[i].err);
		VT_EQ(w[i].done, THREAD_ITERS);
	}
	VT_EQ(f->vf_mb[0].stats.requests, 3 * THREADS * THREAD_ITERS);
	VT_EQ(f->vf_mb[0].stats.errors, 0);
	return 0;
}
/* Fewer slots than threads, and no spinning: posters wait for slots, waiters sleep. */
FIX_CASE(test_mbox_threads, 1, 2, 256, 0, 16, true)

static int
test_mbox_timeout_unattached(struct fix *f)
{
	uint8_t out[BLK_CAP];

	/* No PF serving: even the attach cannot complete. */
	VT_EQ(vfbc_vf_mbox_call(&f->vf_mb[0], VFBC_OP_READ, BLK_RO, out, sizeof(out), SHORT_NS),
			-ETIMEDOUT);
	VT_CHECK(!f->vf_mb[0].attached, "attached without a PF");
	VT_EQ(pf_start(f), 0);
	VT_EQ(call(f, 0, VFBC_OP_READ, BLK_RO, out, sizeof(out)), BLK_RO_LEN);
	return 0;
}
FIX_CASE(test_mbox_timeout_unattached, 1, 8, 256, VFBC_SPIN_NS_DEFAULT, 16, false)

#define TIMEOUT_ROUNDS 20

static int
test_mbox_timeout_reuse(struct fix *f)
{
	struct vfbc_vf_mbox *mb = &f->vf_mb[0];
	uint8_t out[BLK_CAP];
	uint32_t round;
	char err[160];

	VT_EQ(call(f, 0, VFBC_OP_READ, BLK_RO, out, sizeof(out)), BLK_RO_LEN);
	for (round = 0; round < TIMEOUT_ROUNDS; round++) {
		pf_stop(f);
		VT_EQ(vfbc_vf_mbox_call(mb, VFBC_OP_READ, BLK_RO, out, sizeof(out), SHORT_NS),
				-ETIMEDOUT);
		VT_EQ(mb->stats.timeouts, round + 1);
		VT_EQ(pf_start(f), 0);
		/* The only slot is the abandoned one: it comes back once the PF served it. */
		VT_CHECK(client_iter(f, 0, BLK_RW, round, err, sizeof(err)) == 0,
				"round %u: %s", round, err);
	}
	pf_stop(f);
	VT_EQ(f->pf_mb[0].stats.completions, f->pf_mb[0].stats.requests);
	VT_EQ(f->pf_mb[0].stats.status[VFBC_ST_OK], f->pf_mb[0].stats.requests);
	return 0;
}
/* One slot, no spinning: every call after a timeout must reuse the abandoned slot. */
FIX_CASE(test_mbox_timeout_reuse, 1, 1, 256, 0, 16, true)

static int
read_check(struct fix *f, uint32_t id, uint32_t len, uint32_t seed)
{
	uint8_t want[BLK_CAP], out[BLK_CAP];

	memset(out, 0, sizeof(out));
	pattern(want, len, seed);
	VT_EQ(call(f, 0, VFBC_OP_READ, id, out, sizeof(out)), len);
	VT_CHECK(memcmp(want, out, len) == 0, "block %u: data of another request", id);
	return 0;
}

static int
test_mbox_stale_completion(struct fix *f)
{
	struct vfbc_vf_mbox *mb = &f->vf_mb[0];
	struct vfbc_mbox_desc *d;
	uint8_t buf[BLK_CAP];
	uint32_t i, seq, old;

	for (i = 0; i < 3; i++) {
		pattern(buf, 10 + 10 * i, 300 + i);
		VT_EQ(vfbc_store_define(&f->store[0], 300 + i, BLK_CAP, VFBC_BLOCK_VF_READ), 0);
		VT_EQ(vfbc_store_set(&f->store[0], 300 + i, buf, 10 + 10 * i), 0);
	}
	VT_EQ(read_check(f, 300, 10, 300), 0);
	VT_EQ(read_check(f, 301, 20, 301), 0);
	pf_stop(f);

	/* A forged completion with another sequence number is not ours. */
	VT_EQ(vfbc_vf_mbox_post(mb, VFBC_OP_READ, 302, NULL, BLK_CAP, vfbc_time_ns() + LONG_NS,
			&seq), 0);
	d = vfbc_region_desc(&f->vf_r[0], seq & mb->mask);
	old = d->cpl_seq;
	VT_EQ(old, seq - (mb->mask + 1));
	d->cpl_status = VFBC_ST_OK;
	d->cpl_len = 7;
	VT_EQ(vfbc_vf_mbox_poll(mb, seq, buf, sizeof(buf)), -EAGAIN);
	__atomic_store_n(&d->cpl_seq, seq + mb->mask + 1, __ATOMIC_RELEASE);
	VT_EQ(vfbc_vf_mbox_poll(mb, seq, buf, sizeof(buf)), -EAGAIN);
	__atomic_store_n(&d->cpl_seq, old, __ATOMIC_RELEASE);
	VT_EQ(vfbc_vf_mbox_wait(mb, seq, buf, sizeof(buf), vfbc_time_ns() + SHORT_NS), -ETIMEDOUT);
	/* A second abandoned request fills the other slot. */
	VT_EQ(vfbc_vf_mbox_call(mb, VFBC_OP_READ, 300, buf, sizeof(buf), SHORT_NS), -ETIMEDOUT);

	/* The PF comes back and answers both late; new requests get their own data. */
	VT_EQ(pf_start(f), 0);
	for (i = 0; i < 12; i++) {
		uint32_t id = 300 + (i * 2 + 1) % 3;

		VT_CHECK(read_check(f, id, 10 + 10 * (id - 300), id) == 0, "iteration %u", i);
	}
	pf_stop(f);
	VT_EQ(mb->stats.timeouts, 2);
	VT_EQ(f->pf_mb[0].stats.completions, f->pf_mb[0].stats.requests);
	VT_EQ(f->pf_mb[0].stats.requests, 2 + 2 + 12);
	return 0;
}
FIX_CASE(test_mbox_stale_completion, 1, 2, 256, 0, 16, true)

static int
test_mbox_forged_cpl_len(struct fix *f)
{
	struct vfbc_vf_mbox *mb = &f->vf_mb[0];
	uint8_t out[BLK_CAP + 1];
	struct vfbc_mbox_desc *d;
	uint32_t seq;

	VT_EQ(call(f, 0, VFBC_OP_READ, BLK_RO, out, sizeof(out)), BLK_RO_LEN);
	pf_stop(f);
	/* A completion claiming more bytes than the request asked for. */
	VT_EQ(vfbc_vf_mbox_post(mb, VFBC_OP_READ, BLK_RO, NULL, 4, vfbc_time_ns() + LONG_NS,
			&seq), 0);
	d = vfbc_region_desc(&f->vf_r[0], seq & mb->mask);
	d->cpl_status = VFBC_ST_OK;
	d->cpl_len = UINT32_MAX;
	__atomic_store_n(&d->cpl_seq, seq, __ATOMIC_RELEASE);
	memset(out, 0xee, sizeof(out));
	VT_EQ(vfbc_vf_mbox_poll(mb, seq, out, BLK_CAP), 4);
	VT_EQ(out[4], 0xee);
	/* Within the request, but more than the caller's buffer. */
	VT_EQ(vfbc_vf_mbox_post(mb, VFBC_OP_READ, BLK_RO, NULL, BLK_CAP, vfbc_time_ns() + LONG_NS,
			&seq), 0);
	d = vfbc_region_desc(&f->vf_r[0], seq & mb->mask);
	d->cpl_status = VFBC_ST_OK;
	d->cpl_len = BLK_CAP;
	__atomic_store_n(&d->cpl_seq, seq, __ATOMIC_RELEASE);
	VT_EQ(vfbc_vf_mbox_poll(mb, seq, out, 10), 10);
	VT_EQ(out[10], 0xee);
	/* An unknown status is an error, never success. */
	VT_EQ(vfbc_vf_mbox_post(mb, VFBC_OP_READ, BLK_RO, NULL, 4, vfbc_time_ns() + LONG_NS,
			&seq), 0);
	d = vfbc_region_desc(&f->vf_r[0], seq & mb->mask);
	d->cpl_status = 1000;
	__atomic_store_n(&d->cpl_seq, seq, __ATOMIC_RELEASE);
	VT_EQ(vfbc_vf_mbox_poll(mb, seq, out, BLK_CAP), -EINVAL);
	return 0;
}
FIX_STD(test_mbox_forged_cpl_len)

static int
test_mbox_reattach_drops_stale(struct fix *f)
{
	struct vfbc_vf_mbox *mb = &f->vf_mb[0];
	uint8_t stale[8] = "stale!!", out[BLK_CAP];
	uint32_t seq;

	VT_EQ(call(f, 0, VFBC_OP_READ, BLK_RO, out, sizeof(out)), BLK_RO_LEN);
	pf_stop(f);
	/* The VF process posts a write and dies before the PF looked at it. */
	VT_EQ(vfbc_vf_mbox_post(mb, VFBC_OP_WRITE, BLK_RW, stale, sizeof(stale),
			vfbc_time_ns() + LONG_NS, &seq), 0);
	vfbc_vf_mbox_fini(mb);
	/* Its successor asks for an attach before the PF serves again. */
	VT_EQ(vfbc_vf_mbox_init(mb, &f->vf_r[0], f->cfg.spin_ns), 0);
	vfbc_vf_mbox_attach_start(mb);
	VT_EQ(pf_start(f), 0);
	VT_EQ(vfbc_vf_mbox_attach(mb, vfbc_time_ns() + LONG_NS), 0);
	VT_CHECK(mb->next_seq - seq > mb->mask, "new first sequence %u overlaps stale %u",
			mb->next_seq, seq);
	/* The new instance's requests work and the old write never happened. */
	VT_EQ(call(f, 0, VFBC_OP_READ, BLK_RW, out, sizeof(out)), 0);
	VT_EQ(call(f, 0, VFBC_OP_WRITE, BLK_SMALL, stale, sizeof(stale)), 0);
	pf_stop(f);
	VT_EQ(vfbc_store_get(&f->store[0], BLK_RW, out, sizeof(out)), 0);
	VT_EQ(f->pf_mb[0].stats.writes, 1);
	VT_EQ(f->pf_mb[0].stats.attaches, 2);
	return 0;
}
FIX_STD(test_mbox_reattach_drops_stale)

/*
 * With the PF not serving, start a call that sleeps on its completion and a
 * second one that waits for the only slot. @return threads started; *blocked
 * tells whether both were seen waiting.
 */
static int
start_blocked_calls(struct fix *f, struct bg_call *c, bool *blocked)
{
	struct vfbc_vf_mbox *mb = &f->vf_mb[0];
	uint8_t out[BLK_CAP];

	*blocked = false;
	if (call(f, 0, VFBC_OP_READ, BLK_RO, out, sizeof(out)) != BLK_RO_LEN)
		return 0;
	pf_stop(f);
	if (bg_call_start(&c[0], mb, VFBC_OP_READ, BLK_RO) != 0)
		return 0;
	if (!spin_until_ne(&f->vf_r[0].hdr->vf.cpl_sleepers, 0, LONG_NS))
		return 1;
	if (bg_call_start(&c[1], mb, VFBC_OP_WRITE, BLK_RW) != 0)
		return 1;
	*blocked = spin_until_ne(&mb->slot_waiters, 0, LONG_NS);
	return 2;
}

/*
 * The blocked calls must end soon after the PF left: their own timeouts are
 * much longer than the bound waited here. @return whether all ended with
 * -ENOTCONN in time. Joins them in any case.
 */
static bool
end_blocked_calls(struct bg_call *c, int started)
{
	bool ok = true;
	int i;

	for (i = 0; i < started; i++)
		if (!spin_until_ne(&c[i].done, 0, LONG_NS))
			ok = false;
	for (i = 0; i < started; i++) {
		pthread_join(c[i].tid, NULL);
		if (c[i].ret != -ENOTCONN)
			ok = false;
	}
	return ok;
}

static int
test_mbox_mark_gone(struct fix *f)
{
	struct bg_call c[2];
	bool blocked, early, ended;
	uint8_t out[BLK_CAP];
	int started;

	started = start_blocked_calls(f, c, &blocked);
	early = started > 0 && __atomic_load_n(&c[0].done, __ATOMIC_ACQUIRE) != 0;
	vfbc_vf_mbox_mark_gone(&f->vf_mb[0]);
	ended = end_blocked_calls(c, started);
	VT_CHECK(started == 2 && blocked, "the calls never blocked (%d)", started);
	VT_CHECK(!early, "a call ended before mark_gone: %d", c[0].ret);
	VT_CHECK(ended, "blocked calls returned %d and %d", c[0].ret, c[1].ret);
	VT_EQ(call(f, 0, VFBC_OP_READ, BLK_RO, out, sizeof(out)), -ENOTCONN);
	/* Only the VF gave up: the PF is still there. */
	VT_EQ(vfbc_region_pf_alive(&f->vf_r[0]), 1);
	return 0;
}
FIX_CASE(test_mbox_mark_gone, 1, 1, 256, VFBC_SPIN_NS_DEFAULT, 16, true)

static int
test_mbox_pf_destroy(struct fix *f)
{
	struct bg_call c[2];
	bool blocked, early, ended;
	uint8_t out[BLK_CAP];
	int started;

	started = start_blocked_calls(f, c, &blocked);
	early = started > 0 && __atomic_load_n(&c[0].done, __ATOMIC_ACQUIRE) != 0;
	vfbc_region_destroy(&f->pf_r[0]);
	ended = end_blocked_calls(c, started);
	VT_CHECK(started == 2 && blocked, "the calls never blocked (%d)", started);
	VT_CHECK(!early, "a call ended before the PF left: %d", c[0].ret);
	VT_CHECK(ended, "blocked calls returned %d and %d", c[0].ret, c[1].ret);
	VT_EQ(call(f, 0, VFBC_OP_READ, BLK_RO, out, sizeof(out)), -ENOTCONN);
	VT_EQ(vfbc_region_pf_alive(&f->vf_r[0]), 0);
	return 0;
}
FIX_CASE(test_mbox_pf_destroy, 1, 1, 256, VFBC_SPIN_NS_DEFAULT, 16, true)

static int
test_mbox_invalidate(struct fix *f)
{
	struct vfbc_vf_mbox *mb = &f->vf_mb[0];
	uint32_t *seq = &f->vf_r[0].hdr->pf.inval_seq;
	uint32_t s0 = __atomic_load_n(seq, __ATOMIC_ACQUIRE);

	VT_EQ(vfbc_vf_mbox_fetch_invalidated(mb), 0);
	vfbc_pf_mbox_invalidate(&f->pf_mb[0], UINT64_C(1) << 3);
	vfbc_pf_mbox_invalidate(&f->pf_mb[0], (UINT64_C(1) << 5) | (UINT64_C(1) << 63));
	vfbc_pf_mbox_invalidate(&f->pf_mb[0], UINT64_C(1) << 3);
	VT_EQ(__atomic_load_n(seq, __ATOMIC_ACQUIRE), s0 + 3);
	VT_CHECK(vfbc_vf_mbox_fetch_invalidated(mb) ==
			((UINT64_C(1) << 3) | (UINT64_C(1) << 5) | (UINT64_C(1) << 63)),
			"coalesced mask");
	VT_EQ(vfbc_vf_mbox_fetch_invalidated(mb), 0);
	vfbc_pf_mbox_invalidate(&f->pf_mb[0], 1);
	VT_EQ(vfbc_vf_mbox_fetch_invalidated(mb), 1);
	vfbc_pf_mbox_invalidate(&f->pf_mb[0], 0);
	VT_EQ(vfbc_vf_mbox_fetch_invalidated(mb), 0);
	VT_EQ(__atomic_load_n(seq, __ATOMIC_ACQUIRE), s0 + 5);
	/* Invalidations do not disturb the mailbox. */
	VT_CHECK(vfbc_vf_mbox_fetch_invalidated(&f->vf_mb[1]) == 0, "other VF sees our mask");
	return 0;
}
FIX_CASE(test_mbox_invalidate, 2, 8, 256, VFBC_SPIN_NS_DEFAULT, 16, false)

/* Ask for an attach with a hand-written protocol range. */
static void
attach_with_range(struct vfbc_vf_mbox *mb, uint16_t lo, uint16_t hi)
{
	struct vfbc_vf_ctl *vf = &mb->region->hdr->vf;

	vf->proto_min = lo;
	vf->proto_max = hi;
	mb->nonce = (__atomic_load_n(&vf->attach_nonce, __ATOMIC_RELAXED) + 0x9e3779b9u) | 1;
	__atomic_store_n(&vf->attach_nonce, mb->nonce, __ATOMIC_RELEASE);
}

static int
test_mbox_proto_mismatch(struct fix *f)
{
	struct vfbc_vf_mbox *mb = &f->vf_mb[0];
	struct vfbc_pf_ctl *pf = &f->vf_r[0].hdr->pf;
	uint8_t out[BLK_CAP];

	attach_with_range(mb, 7, 9);
	VT_EQ(vfbc_vf_mbox_attach(mb, vfbc_time_ns() + LONG_NS), -EPROTO);
	VT_EQ(pf->attach_status, VFBC_ST_PROTO);
	VT_EQ(pf->proto_version, 0);
	VT_CHECK(!mb->attached, "attached without a common version");
	VT_EQ(call(f, 0, VFBC_OP_READ, BLK_RO, out, sizeof(out)), -EPROTO);

	attach_with_range(mb, 0, 0);
	VT_EQ(vfbc_vf_mbox_attach(mb, vfbc_time_ns() + LONG_NS), -EPROTO);
	attach_with_range(mb, 9, 7);
	VT_EQ(vfbc_vf_mbox_attach(mb, vfbc_time_ns() + LONG_NS), -EPROTO);

	/* A range that includes ours agrees on our version. */
	attach_with_range(mb, 0, 9);
	VT_EQ(vfbc_vf_mbox_attach(mb, vfbc_time_ns() + LONG_NS), 0);
	VT_EQ(mb->proto_version, VFBC_PROTO_VERSION_MAX);
	VT_EQ(call(f, 0, VFBC_OP_READ, BLK_RO, out, sizeof(out)), BLK_RO_LEN);
	pf_stop(f);
	VT_EQ(f->pf_mb[0].stats.attaches, 4);
	return 0;
}
FIX_STD(test_mbox_proto_mismatch)

#define BUDGET_DEPTH 16

static int
test_mbox_budget(struct fix *f)
{
	struct vfbc_vf_mbox *mb = &f->vf_mb[0];
	uint64_t deadline = vfbc_time_ns() + LONG_NS;
	uint32_t seq[BUDGET_DEPTH];
	uint8_t out[BLK_CAP];
	unsigned int i;

	/* The test thread plays the PF: each serve() call is observable. */
	vfbc_vf_mbox_attach_start(mb);
	VT_EQ(vfbc_pf_mbox_serve(&f->pf_mb[0], 4), 0);
	VT_EQ(vfbc_vf_mbox_attach(mb, deadline), 0);
	for (i = 0; i < BUDGET_DEPTH; i++)
		VT_EQ(vfbc_vf_mbox_post(mb, VFBC_OP_READ, BLK_RO, NULL, BLK_CAP, deadline,
				&seq[i]), 0);
	VT_EQ(vfbc_pf_mbox_serve(&f->pf_mb[0], 0), 0);
	for (i = 0; i < BUDGET_DEPTH / 4; i++)
		VT_EQ(vfbc_pf_mbox_serve(&f->pf_mb[0], 4), 4);
	VT_EQ(vfbc_pf_mbox_serve(&f->pf_mb[0], 4), 0);
	for (i = 0; i < BUDGET_DEPTH; i++)
		VT_EQ(vfbc_vf_mbox_wait(mb, seq[i], out, sizeof(out), deadline), BLK_RO_LEN);
	for (i = 0; i < 3; i++)
		VT_EQ(vfbc_vf_mbox_post(mb, VFBC_OP_READ, BLK_RO, NULL, BLK_CAP, deadline,
				&seq[i]), 0);
	VT_EQ(vfbc_pf_mbox_serve(&f->pf_mb[0], 100), 3);
	for (i = 0; i < 3; i++)
		VT_EQ(vfbc_vf_mbox_wait(mb, seq[i], out, sizeof(out), deadline), BLK_RO_LEN);
	return 0;
}
FIX_CASE(test_mbox_budget, 1, BUDGET_DEPTH, 256, VFBC_SPIN_NS_DEFAULT, 4, false)

/* --------------------------------------------------------------- hostile */

#define HOSTILE_ROUNDS 300
#define HOSTILE_FILLS 4
#define HOSTILE_MAX_BLOCKS 16

/* The test's own copy of a store, to predict the PF's answers. */
struct store_model {
	uint32_t n;
	struct vfbc_block_info info[HOSTILE_MAX_BLOCKS];
	uint8_t data[HOSTILE_MAX_BLOCKS][256];
};

struct hostile {
	struct fix *f;
	struct rng g;
	struct store_model m;
	uint32_t next;      /* the sequence number the PF accepts next */
	uint64_t processed; /* garbage requests the PF answered */
	uint64_t valid;     /* ... of which were valid by chance */
};

static int
model_load(struct store_model *m, struct vfbc_store *s)
{
	uint32_t i;

	m->n = vfbc_store_list(s, 0, m->info, HOSTILE_MAX_BLOCKS);
	for (i = 0; i < m->n; i++) {
		if (m->info[i].capacity > sizeof(m->data[i]))
			return -1;
		if (vfbc_store_get(s, m->info[i].id, m->data[i], m->info[i].capacity) !=
				(int)m->info[i].len)
			return -1;
	}
	return 0;
}

static int
model_find(const struct store_model *m, uint32_t id)
{
	uint32_t i;

	for (i = 0; i < m->n; i++)
		if (m->info[i].id == id)
			return (int)i;
	return -1;
}

/* The status the PF must answer @p req with, given what the store holds. */
static uint32_t
model_status(const struct store_model *m, const struct vfbc_pf_request *req, uint32_t sdm)
{
	int b;

	if (req->flags != 0 || req->len == 0)
		return VFBC_ST_INVAL;
	if (req->len > sdm)
		return VFBC_ST_MSGSIZE;
	if (req->opcode != VFBC_OP_READ && req->opcode != VFBC_OP_WRITE)
		return VFBC_ST_INVAL;
	b = model_find(m, req->block_id);
	if (b < 0)
		return VFBC_ST_NOENT;
	if (req->opcode == VFBC_OP_READ)
		return m->info[b].flags & VFBC_BLOCK_VF_READ ? VFBC_ST_OK : VFBC_ST_ACCES;
	if ((m->info[b].flags & VFBC_BLOCK_VF_WRITE) == 0)
		return VFBC_ST_ACCES;
	return req->len > m->info[b].capacity ? VFBC_ST_MSGSIZE : VFBC_ST_OK;
}

static void
fill_random(struct rng *g, void *p, size_t len)
{
	uint8_t *b = p;
	uint64_t v;
	size_t i;

	for (i = 0; i + 8 <= len; i += 8) {
		v = rnd(g);
		memcpy(b + i, &v, 8);
	}
	for (; i < len; i++)
		b[i] = (uint8_t)rnd(g);
}

/* Garbage with a fair share of fields a PF might wrongly accept. */
static void
garbage_request(struct hostile *h, struct vfbc_pf_request *req, uint32_t sdm)
{
	uint64_t r = rnd(&h->g);

	req->opcode = r % 8 == 0 ? (uint16_t)rnd(&h->g) : (r % 8 < 4 ? VFBC_OP_READ :
			VFBC_OP_WRITE);
	req->flags = (r >> 8) % 8 == 0 ? (uint16_t)(rnd(&h->g) | 1) : 0;
	req->block_id = (r >> 16) % 8 < 6 ? 1 + (uint32_t)(r >> 24) % 8 : (uint32_t)rnd(&h->g);
	switch ((r >> 32) % 8) {
	case 0:
		req->len = 0;
		break;
	case 1:
		req->len = (uint32_t)rnd(&h->g);
		break;
	case 2:
		req->len = UINT32_MAX;
		break;
	case 3:
		req->len = sdm + 1 + (uint32_t)(r >> 40) % 1000;
		break;
	case 4:
		req->len = sdm;
		break;
	default:
		req->len = 1 + (uint32_t)(r >> 40) % BLK_CAP;
		break;
	}
}

/* Re-attach the hostile VF, with a random protocol range that includes ours. */
static int
hostile_attach(struct hostile *h, struct vfbc_region *r)
{
	struct vfbc_region_hdr *hdr = r->hdr;
	uint32_t nonce = (uint32_t)rnd(&h->g) | 1;

	if (nonce == hdr->vf.attach_nonce)
		nonce += 2;
	hdr->vf.proto_min = (uint16_t)(rnd(&h->g) % 2);
	hdr->vf.proto_max = (uint16_t)(1 + rnd(&h->g) % UINT16_MAX);
	/* The VF can scribble on the PF's line too: make a stale ack impossible. */
	__atomic_store_n(&hdr->pf.attach_ack, ~nonce, __ATOMIC_RELAXED);
	__atomic_store_n(&hdr->vf.attach_nonce, nonce, __ATOMIC_RELEASE);
	VT_CHECK(spin_until_eq(&hdr->pf.attach_ack, nonce, LONG_NS), "no attach answer");
	VT_EQ(hdr->pf.attach_status, VFBC_ST_OK);
	VT_EQ(hdr->pf.proto_version, VFBC_PROTO_VERSION_MAX);
	h->next = hdr->pf.first_seq;
	return 0;
}

/* Check one answered garbage request against the model, and update the model. */
static int
hostile_check(struct hostile *h, struct vfbc_region *r, const struct vfbc_pf_request *req)
{
	uint32_t slot = req->seq & (r->mbox_depth - 1);
	struct vfbc_mbox_desc *d = vfbc_region_desc(r, slot);
	uint32_t want = model_status(&h->m, req, r->slot_data_max);
	int b = model_find(&h->m, req->block_id);
	uint32_t n;

	VT_CHECK(spin_until_eq(&d->cpl_seq, req->seq, LONG_NS), "seq %u never answered",
			req->seq);
	h->processed++;
	VT_CHECK(d->cpl_status == want, "op %u flags %#x block %u len %u: status %u, want %u",
			req->opcode, req->flags, req->block_id, req->len, d->cpl_status, want);
	if (want != VFBC_ST_OK) {
		VT_EQ(d->cpl_len, 0);
		return 0;
	}
	h->valid++;
	if (req->opcode == VFBC_OP_WRITE) {
		VT_EQ(d->cpl_len, 0);
		memcpy(h->m.data[b], vfbc_region_slot_data(r, slot), req->len);
		h->m.info[b].len = req->len;
		return 0;
	}
	n = req->len < h->m.info[b].len ? req->len : h->m.info[b].len;
	VT_EQ(d->cpl_len, n);
	VT_CHECK(memcmp(vfbc_region_slot_data(r, slot), h->m.data[b], n) == 0,
			"read of block %u returned other data", req->block_id);
	return 0;
}

/* Fill every slot with garbage the PF will process, then check every answer. */
static int
hostile_batch(struct hostile *h, struct vfbc_region *r)
{
	struct vfbc_pf_request req[VFBC_MBOX_DEPTH_MAX > 64 ? 64 : VFBC_MBOX_DEPTH_MAX];
	uint32_t k, depth = r->mbox_depth;

	if (depth > sizeof(req) / sizeof(req[0]))
		return -1;
	for (k = 0; k < depth; k++) {
		uint32_t seq = h->next + k;
		struct vfbc_mbox_desc *d = vfbc_region_desc(r, seq & (depth - 1));

		garbage_request(h, &req[k], r->slot_data_max);
		req[k].seq = seq;
		__atomic_store_n(&d->req_seq, seq - 1, __ATOMIC_RELAXED);
		fill_random(&h->g, (uint8_t *)d + sizeof(d->req_seq),
				r->slot_size - sizeof(d->req_seq));
		d->opcode = req[k].opcode;
		d->flags = req[k].flags;
		d->block_id = req[k].block_id;
		d->req_len = req[k].len;
		d->cpl_seq = ~seq;
		__atomic_store_n(&d->req_seq, seq, __ATOMIC_RELEASE);
	}
	for (k = 0; k < depth; k++)
		if (hostile_check(h, r, &req[k]) != 0)
			return -1;
	h->next += depth;
	return 0;
}

struct good_vf {
	struct fix *f;
	uint16_t vf;
	bool stop;
	uint32_t done;
	int ret;
	char err[160];
};

static void *
good_vf_fn(void *arg)
{
	struct good_vf *g = arg;

	while (g->ret == 0 && !__atomic_load_n(&g->stop, __ATOMIC_ACQUIRE)) {
		g->ret = client_iter(g->f, g->vf, BLK_RW, g->done, g->err, sizeof(g->err));
		if (g->ret == 0)
			__atomic_fetch_add(&g->done, 1, __ATOMIC_RELEASE);
	}
	return NULL;
}

static int
hostile_rounds(struct hostile *h)
{
	struct vfbc_region *r = &h->f->vf_r[1];
	unsigned int round, i;

	for (round = 0; round < HOSTILE_ROUNDS; round++) {
		/* Everything, header lines included: random nonces, ranges, sequences. */
		for (i = 0; i < HOSTILE_FILLS; i++)
			fill_random(&h->g, r->base, r->size);
		VT_CHECK(hostile_attach(h, r) == 0, "round %u: attach", round);
		VT_CHECK(hostile_batch(h, r) == 0, "round %u: first batch", round);
		/* Garbage again, the control line kept: the PF stays attached. */
		fill_random(&h->g, r->base + r->mbox_offset, r->size - r->mbox_offset);
		VT_CHECK(hostile_batch(h, r) == 0, "round %u: second batch", round);
	}
	return 0;
}

static int
test_mbox_hostile_vf(struct fix *f)
{
	struct good_vf good = { .f = f, .vf = 0 };
	struct hostile *h = calloc(1, sizeof(*h));
	uint64_t seed = vfbc_time_ns();
	pthread_t tid;
	int ret;

	VT_CHECK(h != NULL, "no memory");
	h->f = f;
	h->g.s = seed | 1;
	ret = model_load(&h->m, &f->store[1]);
	if (ret == 0)
		ret = pf_start(f);
	if (ret == 0)
		ret = pthread_create(&tid, NULL, good_vf_fn, &good);
	if (ret != 0) {
		free(h);
		VT_CHECK(0, "setup: %d", ret);
	}
	ret = hostile_rounds(h);
	__atomic_store_n(&good.stop, true, __ATOMIC_RELEASE);
	pthread_join(tid, NULL);
	pf_stop(f);
	printf("    seed %#" PRIx64 ": %" PRIu64 " garbage requests answered, %" PRIu64
			" valid by chance; good VF made %u rounds\n",
			seed, h->processed, h->valid, good.done);
	VT_CHECK(ret == 0, "hostile VF (seed %#" PRIx64 ")", seed);
	VT_CHECK(good.ret == 0, "good VF: %s", good.err);
	VT_CHECK(good.done > 0, "the good VF made no progress");
	VT_EQ(h->processed, 2 * HOSTILE_ROUNDS * f->vf_r[1].mbox_depth);
	VT_EQ(f->pf_mb[1].stats.completions, f->pf_mb[1].stats.requests);
	VT_EQ(f->pf_mb[1].stats.status[VFBC_ST_OK], h->valid);
	VT_CHECK(h->valid < h->processed, "no invalid garbage at all");
	VT_EQ(f->pf_mb[0].stats.status[VFBC_ST_OK], f->pf_mb[0].stats.requests);
	free(h);
	return 0;
}
FIX_CASE(test_mbox_hostile_vf, 2, 8, 128, VFBC_SPIN_NS_DEFAULT, 8, false)

/* ----------------------------------------------------------------- flood */

#define FLOOD_DEPTH 64
#define FLOOD_CALLS 300

struct flooder {
	struct fix *f;
	bool stop;
	uint32_t done;
	int ret;
	char err[160];
};

/* Keep the whole mailbox busy: collect the oldest request, post a new one. */
static void *
flooder_fn(void *arg)
{
	struct flooder *fl = arg;
	struct vfbc_vf_mbox *mb = &fl->f->vf_mb[0];
	uint32_t seq[FLOOD_DEPTH], head = 0, n = 0;
	uint8_t out[BLK_CAP];
	int ret = 0;

	while (ret == 0) {
		if (n == FLOOD_DEPTH || (__atomic_load_n(&fl->stop, __ATOMIC_ACQUIRE) && n != 0)) {
			ret = vfbc_vf_mbox_wait(mb, seq[head], out, sizeof(out),
					vfbc_time_ns() + LONG_NS);
			if (ret != BLK_RO_LEN) {
				fail_msg(fl->err, sizeof(fl->err), "flood wait: %d", ret);
				break;
			}
			ret = 0;
			head = (head + 1) % FLOOD_DEPTH;
			n--;
			__atomic_fetch_add(&fl->done, 1, __ATOMIC_RELEASE);
			continue;
		}
		if (__atomic_load_n(&fl->stop, __ATOMIC_ACQUIRE))
			break;
		ret = vfbc_vf_mbox_post(mb, VFBC_OP_READ, BLK_RO, NULL, BLK_CAP,
				vfbc_time_ns() + LONG_NS, &seq[(head + n) % FLOOD_DEPTH]);
		if (ret != 0)
			fail_msg(fl->err, sizeof(fl->err), "flood post: %d", ret);
		n++;
	}
	fl->ret = ret;
	return NULL;
}

static int
test_mbox_flood(struct fix *f)
{
	struct flooder fl = { .f = f };
	char err[160] = "";
	pthread_t tid;
	uint32_t i;
	int ret = 0;

	VT_EQ(pthread_create(&tid, NULL, flooder_fn, &fl), 0);
	/* The flood is on: at least two full mailboxes went through. */
	if (!spin_until_ge(&fl.done, 2 * FLOOD_DEPTH, LONG_NS))
		ret = fail_msg(err, sizeof(err), "the flood did not start");
	for (i = 0; i < FLOOD_CALLS && ret == 0; i++)
		ret = client_iter(f, 1, BLK_RW, i, err, sizeof(err));
	__atomic_store_n(&fl.stop, true, __ATOMIC_RELEASE);
	pthread_join(tid, NULL);
	pf_stop(f);
	VT_CHECK(ret == 0, "second VF: %s", err);
	VT_CHECK(fl.ret == 0, "flooder: %s", fl.err);
	VT_CHECK(f->pf_max_done <= f->cfg.budget, "one serve() completed %u requests",
			f->pf_max_done);
	VT_EQ(f->pf_mb[1].stats.status[VFBC_ST_OK], 3 * FLOOD_CALLS);
	return 0;
}
FIX_CASE(test_mbox_flood, 2, FLOOD_DEPTH, 128, VFBC_SPIN_NS_DEFAULT, 4, true)

/* ---------------------------------------------------------- persistence */

struct persist_log {
	uint64_t calls, last;
	int fail;
};

static int
persist_rec(void *ctx, struct vfbc_store *s, uint64_t change)
{
	struct persist_log *l = ctx;

	l->calls++;
	l->last = change;
	return l->fail;
}

struct walk_log {
	uint32_t n;
	uint32_t ids[8];
	uint32_t lens[8];
};

static void
walk_rec(void *ctx, const struct vfbc_block_info *info, const uint8_t *data)
{
	struct walk_log *w = ctx;

	if (w->n < 8) {
		w->ids[w->n] = info->id;
		w->lens[w->n] = info->len;
	}
	w->n++;
	(void)data;
}

/* Every change is made durable before its caller hears of it; failures reach it. */
static int
test_store_persist_hook(void)
{
	struct vfbc_block_info bi = { .id = 9, .capacity = 16, .len = 3, .flags = 1,
		.version = 41 };
	struct persist_log log = { 0 };
	struct walk_log w = { 0 };
	struct vfbc_store s;
	uint8_t buf[16] = "abc";

	VT_EQ(vfbc_store_init(&s, 8, 64), 0);
	VT_EQ(vfbc_store_restore(&s, &bi, buf), 0);
	VT_EQ(vfbc_store_info(&s, 9, &bi), 0);
	VT_CHECK(bi.len == 3 && bi.version == 41 && bi.capacity == 16, "restored block");
	s.persist = persist_rec;
	s.persist_ctx = &log;
	VT_EQ(vfbc_store_restore(&s, &bi, buf), -EBUSY);
	VT_EQ(vfbc_store_define(&s, 1, 8, VFBC_BLOCK_FLAGS_ALL), 0);
	VT_EQ(log.calls, 1);
	VT_EQ(vfbc_store_set(&s, 1, buf, 2), 0);
	VT_EQ(vfbc_store_vf_write(&s, 1, buf, 3), 0);
	VT_EQ(log.calls, 3);
	VT_EQ(log.last, s.changes);
	/* Failed changes are not changes. */
	VT_EQ(vfbc_store_define(&s, 1, 8, 0), -EEXIST);
	VT_EQ(vfbc_store_set(&s, 1, buf, 9), -EMSGSIZE);
	VT_EQ(vfbc_store_vf_write(&s, 9, buf, 1), -EACCES);
	VT_EQ(log.calls, 3);
	log.fail = -EIO;
	VT_EQ(vfbc_store_set(&s, 1, buf, 1), -EIO);
	VT_EQ(vfbc_store_walk(&s, walk_rec, &w), s.changes);
	VT_CHECK(w.n == 2 && w.ids[0] == 1 && w.ids[1] == 9 && w.lens[0] == 1 && w.lens[1] == 3,
			"walk saw %u blocks", w.n);
	vfbc_store_fini(&s);
	return 0;
}

/* ----------------------------------------------------------------- chunks */

#define CH_SDM 64
#define CH_MAX 1000
#define BLK_HUGE 0x20    /* VF read and write, capacity CH_MAX */
#define BLK_HUGE_RO 0x21 /* VF read, capacity CH_MAX */

static int
chunk_blocks(struct fix *f)
{
	uint8_t buf[CH_MAX];

	if (vfbc_store_define(&f->store[0], BLK_HUGE, CH_MAX, VFBC_BLOCK_FLAGS_ALL) != 0 ||
			vfbc_store_define(&f->store[0], BLK_HUGE_RO, CH_MAX, VFBC_BLOCK_VF_READ) != 0)
		return -1;
	pattern(buf, CH_MAX, 0x77);
	return vfbc_store_set(&f->store[0], BLK_HUGE_RO, buf, CH_MAX);
}

/* Blocks larger than a slot go in chunks, both ways, with every error of a small one. */
static int
test_mbox_chunked(struct fix *f)
{
	uint8_t in[CH_MAX + 1], out[2 * CH_MAX], ro[CH_MAX];
	struct policy_log log = { 0 };
	struct vfbc_block_info bi;
	uint32_t len;

	VT_EQ(chunk_blocks(f), 0);
	pattern(ro, CH_MAX, 0x77);
	VT_EQ(call(f, 0, VFBC_OP_READ, BLK_HUGE_RO, out, sizeof(out)), CH_MAX);
	VT_CHECK(memcmp(out, ro, CH_MAX) == 0, "chunked read content");
	/* A buffer that ends inside a chunk, and one within the first chunk. */
	memset(out, 0xee, sizeof(out));
	VT_EQ(call(f, 0, VFBC_OP_READ, BLK_HUGE_RO, out, 130), 130);
	VT_CHECK(memcmp(out, ro, 130) == 0 && out[130] == 0xee, "partial read or overrun");
	VT_EQ(call(f, 0, VFBC_OP_READ, BLK_HUGE, out, sizeof(out)), 0);

	/* Writes of every length around the chunk boundaries read back whole. */
	for (len = CH_SDM - 1; len <= CH_MAX; len += len < 3 * CH_SDM ? 1 : 97) {
		pattern(in, len, len);
		VT_EQ(call(f, 0, VFBC_OP_WRITE, BLK_HUGE, in, len), 0);
		memset(out, 0, sizeof(out));
		VT_EQ(call(f, 0, VFBC_OP_READ, BLK_HUGE, out, sizeof(out)), len);
		VT_CHECK(memcmp(in, out, len) == 0, "length %u read back", len);
	}
	pattern(in, CH_MAX, 5);
	VT_EQ(call(f, 0, VFBC_OP_WRITE, BLK_HUGE, in, CH_MAX), 0);
	VT_EQ(vfbc_store_get(&f->store[0], BLK_HUGE, out, sizeof(out)), CH_MAX);
	VT_CHECK(memcmp(in, out, CH_MAX) == 0, "store content");

	/* Errors come with the first chunk, and leave the block as it was. */
	VT_EQ(call(f, 0, VFBC_OP_WRITE, BLK_HUGE, in, CH_MAX + 1), -EMSGSIZE);
	VT_EQ(call(f, 0, VFBC_OP_WRITE, BLK_HUGE_RO, in, 200), -EACCES);
	VT_EQ(call(f, 0, VFBC_OP_WRITE, BLK_MISSING, in, 200), -ENOENT);
	VT_EQ(call(f, 0, VFBC_OP_READ, BLK_MISSING, out, 200), -ENOENT);
	VT_EQ(call(f, 0, VFBC_OP_READ, BLK_WO, out, 200), -EACCES);
	VT_EQ(vfbc_store_info(&f->store[0], BLK_HUGE, &bi), 0);
	VT_EQ(bi.len, CH_MAX);

	/* The application decides on the whole write, once, with all its data. */
	pf_stop(f);
	f->pf_mb[0].policy = policy_cb;
	f->pf_mb[0].policy_ctx = &log;
	__atomic_store_n(&log.deny, POLICY_DENY_WRITES, __ATOMIC_RELEASE);
	VT_EQ(pf_start(f), 0);
	pattern(in, 300, 6);
	VT_EQ(call(f, 0, VFBC_OP_WRITE, BLK_HUGE, in, 300), -EACCES);
	VT_EQ(policy_calls(&log), 1);
	VT_CHECK(log.last.opcode == VFBC_OP_WRITE && log.last.len == 300 && log.had_data &&
			memcmp(log.data, in, BLK_CAP) == 0, "policy saw op %u len %u",
			log.last.opcode, log.last.len);
	VT_EQ(vfbc_store_get(&f->store[0], BLK_HUGE, out, sizeof(out)), CH_MAX);
	__atomic_store_n(&log.deny, 0, __ATOMIC_RELEASE);
	VT_EQ(call(f, 0, VFBC_OP_WRITE, BLK_HUGE, in, 300), 0);
	VT_EQ(vfbc_store_get(&f->store[0], BLK_HUGE, out, sizeof(out)), 300);
	pf_stop(f);
	VT_EQ(f->pf_mb[0].stats.staged_drops, 0);
	VT_CHECK(f->pf_mb[0].stats.chunks > 2 * CH_MAX / CH_SDM, "%" PRIu64 " chunks",
			f->pf_mb[0].stats.chunks);
	return 0;
}

static int
test_mbox_chunked_case(void)
{
	static const struct fix_cfg cfg = {
		.nvf = 1, .depth = 8, .sdm = CH_SDM, .max_block = CH_MAX,
		.spin_ns = VFBC_SPIN_NS_DEFAULT, .budget = 16, .serve = true,
	};

	return fix_run(test_mbox_chunked, &cfg);
}

/* A peer that speaks protocol 1 only still gets single-slot transfers. */
static int
test_mbox_chunked_v1_peer(struct fix *f)
{
	struct vfbc_vf_mbox *mb = &f->vf_mb[0];
	uint8_t in[CH_MAX], out[CH_MAX], ro[CH_MAX];
	int side;

	VT_EQ(chunk_blocks(f), 0);
	pattern(ro, CH_MAX, 0x77);
	pattern(in, CH_MAX, 3);
	for (side = 0; side < 2; side++) {
		/* First an old VF, then an old PF. */
		mb->proto_max = side == 0 ? 1 : VFBC_PROTO_VERSION_MAX;
		f->pf_mb[0].proto_max = side == 0 ? VFBC_PROTO_VERSION_MAX : 1;
		mb->attached = false;
		vfbc_vf_mbox_attach_start(mb);
		VT_EQ(vfbc_vf_mbox_attach(mb, vfbc_time_ns() + LONG_NS), 0);
		VT_EQ(mb->proto_version, 1);
		VT_EQ(call(f, 0, VFBC_OP_WRITE, BLK_HUGE, in, CH_SDM), 0);
		VT_EQ(call(f, 0, VFBC_OP_READ, BLK_HUGE, out, sizeof(out)), CH_SDM);
		VT_CHECK(memcmp(in, out, CH_SDM) == 0, "single-slot read back");
		VT_EQ(call(f, 0, VFBC_OP_WRITE, BLK_HUGE, in, CH_SDM + 1), -EMSGSIZE);
		/* A read is clamped to the slot, as protocol 1 always did. */
		VT_EQ(call(f, 0, VFBC_OP_READ, BLK_HUGE_RO, out, sizeof(out)), CH_SDM);
		VT_CHECK(memcmp(ro, out, CH_SDM) == 0, "clamped read");
	}
	return 0;
}

static int
test_mbox_chunked_v1_peer_case(void)
{
	static const struct fix_cfg cfg = {
		.nvf = 1, .depth = 8, .sdm = CH_SDM, .max_block = CH_MAX,
		.spin_ns = VFBC_SPIN_NS_DEFAULT, .budget = 16, .serve = true,
	};

	return fix_run(test_mbox_chunked_v1_peer, &cfg);
}

/* The test thread plays a hostile VF: post a raw request, serve it, get the status. */
static uint32_t
raw_chunk(struct fix *f, uint16_t op, uint32_t id, uint32_t off, uint32_t len, uint32_t total,
		uint32_t *cpl_total)
{
	struct vfbc_pf_mbox *pm = &f->pf_mb[0];
	uint32_t seq = pm->next_seq, slot = seq & pm->mask;
	struct vfbc_mbox_desc *d = vfbc_region_desc(&f->vf_r[0], slot);

	d->opcode = op;
	d->flags = 0;
	d->block_id = id;
	d->req_len = len;
	d->req_offset = off;
	d->req_total = total;
	memset(vfbc_region_slot_data(&f->vf_r[0], slot), (int)(off & 0xff), CH_SDM);
	__atomic_store_n(&d->req_seq, seq, __ATOMIC_RELEASE);
	if (vfbc_pf_mbox_serve(pm, 1) != 1 || d->cpl_seq != seq)
		return UINT32_MAX;
	if (cpl_total != NULL)
		*cpl_total = d->cpl_total;
	return d->cpl_status;
}

/* Every field of a chunk is hostile: no staged write goes astray. */
static int
test_mbox_chunked_hostile(struct fix *f)
{
	const uint16_t W = VFBC_OP_WRITE_CHUNK, R = VFBC_OP_READ_CHUNK;
	struct vfbc_pf_mbox *pm = &f->pf_mb[0];
	uint8_t out[CH_MAX];
	struct vfbc_block_info bi;
	uint32_t total = 0;

	VT_EQ(chunk_blocks(f), 0);
	vfbc_vf_mbox_attach_start(&f->vf_mb[0]);
	VT_EQ(vfbc_pf_mbox_serve(pm, 1), 0);
	VT_EQ(pm->proto_version, VFBC_PROTO_VERSION_MAX);
	/* No staged write to continue. */
	VT_EQ(raw_chunk(f, W, BLK_HUGE, CH_SDM, CH_SDM, 200, NULL), VFBC_ST_INVAL);
	/* Over the largest block, over the capacity, zero, no right. */
	VT_EQ(raw_chunk(f, W, BLK_HUGE, 0, CH_SDM, UINT32_MAX, NULL), VFBC_ST_MSGSIZE);
	VT_EQ(raw_chunk(f, W, BLK_HUGE, 0, CH_SDM, CH_MAX + 1, NULL), VFBC_ST_MSGSIZE);
	VT_EQ(raw_chunk(f, W, BLK_HUGE, 0, CH_SDM, 0, NULL), VFBC_ST_INVAL);
	VT_EQ(raw_chunk(f, W, BLK_HUGE_RO, 0, CH_SDM, 200, NULL), VFBC_ST_ACCES);
	/* A chunk longer than the slot, or than what is left of the write. */
	VT_EQ(raw_chunk(f, W, BLK_HUGE, 0, CH_SDM + 1, 200, NULL), VFBC_ST_MSGSIZE);
	VT_EQ(raw_chunk(f, W, BLK_HUGE, 0, CH_SDM, 100, NULL), VFBC_ST_OK);
	VT_EQ(raw_chunk(f, W, BLK_HUGE, CH_SDM, CH_SDM, 100, NULL), VFBC_ST_INVAL);
	VT_EQ(pm->stats.staged_drops, 1);
	/* Out of order, another block, another total: dropped each time. */
	VT_EQ(raw_chunk(f, W, BLK_HUGE, 0, CH_SDM, 200, NULL), VFBC_ST_OK);
	VT_EQ(raw_chunk(f, W, BLK_HUGE, 2 * CH_SDM, CH_SDM, 200, NULL), VFBC_ST_INVAL);
	VT_EQ(raw_chunk(f, W, BLK_HUGE, 0, CH_SDM, 200, NULL), VFBC_ST_OK);
	VT_EQ(raw_chunk(f, W, BLK_RW, CH_SDM, CH_SDM, 200, NULL), VFBC_ST_INVAL);
	VT_EQ(raw_chunk(f, W, BLK_HUGE, 0, CH_SDM, 200, NULL), VFBC_ST_OK);
	VT_EQ(raw_chunk(f, W, BLK_HUGE, CH_SDM, CH_SDM, 201, NULL), VFBC_ST_INVAL);
	/* A new first chunk drops the staged write; so does a re-attach. */
	VT_EQ(raw_chunk(f, W, BLK_HUGE, 0, CH_SDM, 200, NULL), VFBC_ST_OK);
	VT_EQ(raw_chunk(f, W, BLK_HUGE, 0, CH_SDM, 200, NULL), VFBC_ST_OK);
	vfbc_vf_mbox_attach_start(&f->vf_mb[0]);
	VT_EQ(vfbc_pf_mbox_serve(pm, 1), 0);
	VT_EQ(raw_chunk(f, W, BLK_HUGE, CH_SDM, CH_SDM, 200, NULL), VFBC_ST_INVAL);
	VT_EQ(pm->stats.staged_drops, 6);
	VT_EQ(vfbc_store_info(&f->store[0], BLK_HUGE, &bi), 0);
	VT_CHECK(bi.len == 0 && bi.version == 0, "a staged write reached the block");
	/* Read chunks at any offset copy what is there, never past the block. */
	VT_EQ(raw_chunk(f, R, BLK_HUGE_RO, CH_MAX - 1, CH_SDM, 0, &total), VFBC_ST_OK);
	VT_EQ(total, CH_MAX);
	VT_EQ(vfbc_region_desc(&f->vf_r[0], (pm->next_seq - 1) & pm->mask)->cpl_len, 1);
	VT_EQ(raw_chunk(f, R, BLK_HUGE_RO, UINT32_MAX, CH_SDM, 0, &total), VFBC_ST_OK);
	VT_EQ(vfbc_region_desc(&f->vf_r[0], (pm->next_seq - 1) & pm->mask)->cpl_len, 0);
	VT_EQ(raw_chunk(f, R, BLK_HUGE_RO, 0, CH_SDM + 1, 0, NULL), VFBC_ST_MSGSIZE);
	VT_EQ(raw_chunk(f, R, BLK_WO, 0, CH_SDM, 0, NULL), VFBC_ST_ACCES);
	/* A well-formed write still goes through, in order, whole. */
	VT_EQ(raw_chunk(f, W, BLK_HUGE, 0, CH_SDM, CH_SDM + 1, NULL), VFBC_ST_OK);
	VT_EQ(raw_chunk(f, W, BLK_HUGE, CH_SDM, 1, CH_SDM + 1, NULL), VFBC_ST_OK);
	VT_EQ(vfbc_store_get(&f->store[0], BLK_HUGE, out, sizeof(out)), CH_SDM + 1);
	VT_CHECK(out[0] == 0 && out[CH_SDM - 1] == 0 && out[CH_SDM] == CH_SDM, "staged bytes");
	/* A protocol 1 VF may not use chunks at all. */
	f->vf_mb[0].proto_max = 1;
	vfbc_vf_mbox_attach_start(&f->vf_mb[0]);
	VT_EQ(vfbc_pf_mbox_serve(pm, 1), 0);
	VT_EQ(pm->proto_version, 1);
	VT_EQ(raw_chunk(f, R, BLK_HUGE_RO, 0, CH_SDM, 0, NULL), VFBC_ST_INVAL);
	VT_EQ(raw_chunk(f, W, BLK_HUGE, 0, CH_SDM, 2, NULL), VFBC_ST_INVAL);
	return 0;
}

static int
test_mbox_chunked_hostile_case(void)
{
	static const struct fix_cfg cfg = {
		.nvf = 1, .depth = 8, .sdm = CH_SDM, .max_block = CH_MAX,
		.spin_ns = VFBC_SPIN_NS_DEFAULT, .budget = 16, .serve = false,
	};

	return fix_run(test_mbox_chunked_hostile, &cfg);
}

/*
 * Contents of a block at version v: every 32-bit word is v, but the last,
 * which is the sum of the others plus a constant; so a mix of two versions,
 * or a cut, shows.
 */
static void
versioned_fill(uint8_t *buf, uint32_t len, uint32_t v)
{
	uint32_t words = len / 4, sum = 0x5eed, i;

	for (i = 0; i + 1 < words; i++) {
		memcpy(buf + 4 * i, &v, 4);
		sum += v;
	}
	memcpy(buf + 4 * i, &sum, 4);
}

static bool
versioned_check(const uint8_t *buf, uint32_t len, uint32_t *v)
{
	uint32_t words = len / 4, sum = 0x5eed, w, i;

	if (len % 4 != 0 || words < 2)
		return false;
	memcpy(v, buf, 4);
	for (i = 0; i + 1 < words; i++) {
		memcpy(&w, buf + 4 * i, 4);
		if (w != *v)
			return false;
		sum += w;
	}
	memcpy(&w, buf + 4 * i, 4);
	return w == sum;
}

#define ATOMIC_ROUNDS 300

struct chunk_reader {
	struct fix *f;
	uint32_t reads, restarts_seen, torn;
	int ret;
};

static void *
chunk_reader_fn(void *arg)
{
	struct chunk_reader *r = arg;
	uint8_t out[CH_MAX];
	uint32_t i, v;
	int ret;

	for (i = 0; i < ATOMIC_ROUNDS; i++) {
		ret = call(r->f, 0, VFBC_OP_READ, BLK_HUGE, out, sizeof(out));
		if (ret == -EAGAIN)
			continue;
		if (ret < 0) {
			r->ret = ret;
			break;
		}
		r->reads++;
		if (!versioned_check(out, (uint32_t)ret, &v))
			r->torn++;
	}
	return NULL;
}

/*
 * The PF rewrites a large block while a VF thread reads it and another
 * writes it, all in chunks: every read and every store is one whole version.
 */
static int
test_mbox_chunked_atomic(struct fix *f)
{
	struct chunk_reader rd = { .f = f };
	uint8_t buf[CH_MAX], seen[CH_MAX];
	uint32_t i, v, pf_torn = 0;
	pthread_t tid;
	int ret;

	VT_EQ(chunk_blocks(f), 0);
	versioned_fill(buf, CH_MAX, 0);
	VT_EQ(vfbc_store_set(&f->store[0], BLK_HUGE, buf, CH_MAX), 0);
	VT_EQ(pthread_create(&tid, NULL, chunk_reader_fn, &rd), 0);
	for (i = 1; i <= ATOMIC_ROUNDS; i++) {
		uint32_t len = CH_MAX - 4 * (i % 50);

		versioned_fill(buf, len, i);
		if (i % 2 == 0) {
			ret = vfbc_store_set(&f->store[0], BLK_HUGE, buf, len);
		} else {
			ret = call(f, 0, VFBC_OP_WRITE, BLK_HUGE, buf, len);
		}
		VT_EQ(ret, 0);
		ret = vfbc_store_get(&f->store[0], BLK_HUGE, seen, sizeof(seen));
		if (ret <= 0 || !versioned_check(seen, (uint32_t)ret, &v))
			pf_torn++;
	}
	pthread_join(tid, NULL);
	printf("    %u chunked reads, %" PRIu64 " restarts\n", rd.reads,
			f->vf_mb[0].stats.read_restarts);
	VT_EQ(rd.ret, 0);
	VT_EQ(rd.torn, 0);
	VT_EQ(pf_torn, 0);
	VT_CHECK(rd.reads > 0, "no read got through");
	return 0;
}

static int
test_mbox_chunked_atomic_case(void)
{
	static const struct fix_cfg cfg = {
		.nvf = 1, .depth = 8, .sdm = CH_SDM, .max_block = CH_MAX,
		.spin_ns = VFBC_SPIN_NS_DEFAULT, .budget = 16, .serve = true,
	};

	return fix_run(test_mbox_chunked_atomic, &cfg);
}

/* ------------------------------------------------------------------ main */

/* ----------------------------------------------------------- packet rings */

#define PR_SLOTS 8
#define PR_BUF 128

/* A ring area in private memory, a producer view and a consumer view of ring 1. */
struct pr_fix {
	struct vfbc_pring_geom g;
	uint8_t *area;
	struct vfbc_pring prod;
	struct vfbc_pring cons;
};

static int
pr_setup(struct pr_fix *p)
{
	p->g.slots = PR_SLOTS;
	p->g.buf_size = PR_BUF;
	p->g.nb_pairs = 1;
	p->area = aligned_alloc(VFBC_WIRE_LINE, vfbc_pring_area_size(&p->g));
	VT_CHECK(p->area != NULL, "out of memory");
	memset(p->area, 0, vfbc_pring_area_size(&p->g));
	vfbc_pring_map(&p->prod, p->area, &p->g, 1);
	vfbc_pring_map(&p->cons, p->area, &p->g, 1);
	return 0;
}

/* A fake mbuf over @p buf: the ring helpers only read and write its fields. */
static void
pr_mbuf(struct rte_mbuf *m, uint8_t *buf, uint16_t room, uint16_t len)
{
	memset(m, 0, sizeof(*m));
	m->buf_addr = buf;
	m->buf_len = room;
	m->data_off = 0;
	m->data_len = len;
	m->pkt_len = len;
	m->nb_segs = 1;
}

static void
pr_fill(uint8_t *buf, uint32_t len, uint32_t seed)
{
	uint32_t i;

	for (i = 0; i < len; i++)
		buf[i] = (uint8_t)(seed * 31 + i);
}

static bool
pr_check(const uint8_t *buf, uint32_t len, uint32_t seed)
{
	uint32_t i;

	for (i = 0; i < len; i++) {
		if (buf[i] != (uint8_t)(seed * 31 + i))
			return false;
	}
	return true;
}

/* Push @p n packets of length 1 + seed % PR_BUF with content from seed. */
static int
pr_push(struct pr_fix *p, uint32_t n, uint32_t seed)
{
	uint8_t data[PR_BUF];
	struct rte_mbuf m;
	uint32_t i;

	VT_EQ(vfbc_pring_free_count(&p->prod, n), n);
	for (i = 0; i < n; i++) {
		uint16_t len = (uint16_t)(1 + (seed + i) % PR_BUF);

		pr_fill(data, len, seed + i);
		pr_mbuf(&m, data, sizeof(data), len);
		VT_EQ(vfbc_pring_put_mbuf(&p->prod, i, &m), len);
	}
	vfbc_pring_publish(&p->prod, n);
	return 0;
}

static int
pr_pop(struct pr_fix *p, uint32_t n, uint32_t seed)
{
	uint8_t data[PR_BUF];
	struct rte_mbuf m;
	uint32_t i;

	VT_EQ(vfbc_pring_avail(&p->cons, 64), n);
	for (i = 0; i < n; i++) {
		uint32_t len = 1 + (seed + i) % PR_BUF;

		pr_mbuf(&m, data, sizeof(data), 0);
		VT_EQ(vfbc_pring_get_mbuf(&p->cons, i, &m), len);
		VT_EQ(m.pkt_len, len);
		VT_CHECK(pr_check(data, len, seed + i), "packet %u of seed %u differs", i, seed);
	}
	vfbc_pring_release(&p->cons, n);
	return 0;
}

static int
test_pring_geometry(void)
{
	struct vfbc_pring_geom g = { .slots = 1024, .buf_size = 2048, .nb_pairs = 1 };

	VT_EQ(vfbc_pring_geom_check(&g), 0);
	/* Header lines, 1024 descriptors of 8 bytes, 1024 buffers. */
	VT_EQ(vfbc_pring_stride(&g), 128 + 8192 + 1024 * 2048);
	VT_EQ(vfbc_pring_area_size(&g), 2 * vfbc_pring_stride(&g));
	g.slots = 1000;
	VT_EQ(vfbc_pring_area_size(&g), 0);
	g.slots = 1;
	VT_EQ(vfbc_pring_geom_check(&g), -EINVAL);
	g.slots = 1024;
	g.buf_size = 2000;
	VT_EQ(vfbc_pring_geom_check(&g), -EINVAL);
	g.buf_size = 2048;
	g.nb_pairs = 0;
	VT_EQ(vfbc_pring_geom_check(&g), -EINVAL);
	g.nb_pairs = VFBC_PRING_PAIRS_MAX + 1;
	VT_EQ(vfbc_pring_geom_check(&g), -EINVAL);
	/* ring_size on the wire is 32 bits. */
	g.nb_pairs = VFBC_PRING_PAIRS_MAX;
	g.slots = VFBC_PRING_SLOTS_MAX;
	g.buf_size = VFBC_PRING_BUF_MAX;
	VT_EQ(vfbc_pring_area_size(&g), 0);
	return 0;
}

/* Indexes run over 32 bits: start just before they wrap. */
static int
test_pring_wraparound(void)
{
	struct pr_fix p;
	uint32_t round;
	int ret = 0;

	if (pr_setup(&p) != 0)
		return -1;
	p.prod.p->prod = UINT32_MAX - 5;
	p.prod.c->cons = UINT32_MAX - 5;
	vfbc_pring_prod_adopt(&p.prod);
	vfbc_pring_cons_adopt(&p.cons);
	VT_EQ(p.prod.head, UINT32_MAX - 5);
	for (round = 0; round < 10 && ret == 0; round++) {
		ret = pr_push(&p, 3, round * 3);
		if (ret == 0)
			ret = pr_pop(&p, 3, round * 3);
	}
	VT_CHECK(p.cons.head < 100, "indexes did not wrap: %u", p.cons.head);
	VT_EQ(p.prod.errors + p.cons.errors, 0);
	free(p.area);
	return ret;
}

static int
test_pring_full(void)
{
	struct pr_fix p;
	int ret;

	if (pr_setup(&p) != 0)
		return -1;
	ret = pr_push(&p, PR_SLOTS, 7);
	if (ret == 0) {
		VT_EQ(vfbc_pring_free_count(&p.prod, 1), 0);
		/* Two released: exactly two free again; the consumer reads them first. */
		VT_EQ(vfbc_pring_avail(&p.cons, 2), 2);
		vfbc_pring_release(&p.cons, 2);
		VT_EQ(vfbc_pring_free_count(&p.prod, 32), 2);
		p.prod.limit = 4; /* a Tx queue of 4 descriptors: at most 4 in flight */
		VT_EQ(vfbc_pring_free_count(&p.prod, 32), 0);
		ret = pr_pop(&p, PR_SLOTS - 2, 9);
	}
	if (ret == 0) {
		VT_EQ(vfbc_pring_free_count(&p.prod, 32), 4);
		VT_EQ(vfbc_pring_avail(&p.cons, 32), 0);
		VT_EQ(p.prod.errors + p.cons.errors, 0);
	}
	free(p.area);
	return ret;
}

/* A chain of three segments lands whole in one slot; one too long does not. */
static int
test_pring_multiseg(void)
{
	uint8_t seg[3][40], whole[120], out[PR_BUF];
	struct rte_mbuf m[3], rx;
	struct pr_fix p;
	int i;

	if (pr_setup(&p) != 0)
		return -1;
	pr_fill(whole, sizeof(whole), 5);
	for (i = 0; i < 3; i++) {
		memcpy(seg[i], whole + 40 * i, 40);
		pr_mbuf(&m[i], seg[i], 40, 40);
		m[i].next = i < 2 ? &m[i + 1] : NULL;
	}
	m[0].nb_segs = 3;
	m[0].pkt_len = 120;
	VT_EQ(vfbc_pring_free_count(&p.prod, 2), 2);
	VT_EQ(vfbc_pring_put_mbuf(&p.prod, 0, &m[0]), 120);
	m[0].pkt_len = PR_BUF + 1;
	VT_EQ(vfbc_pring_put_mbuf(&p.prod, 1, &m[0]), -EMSGSIZE);
	m[0].pkt_len = 0;
	VT_EQ(vfbc_pring_put_mbuf(&p.prod, 1, &m[0]), -EINVAL);
	/* pkt_len beyond its segments: only what the segments hold is copied. */
	m[0].pkt_len = 100;
	VT_EQ(vfbc_pring_put_mbuf(&p.prod, 1, &m[0]), 100);
	vfbc_pring_publish(&p.prod, 2);
	VT_EQ(vfbc_pring_avail(&p.cons, 8), 2);
	pr_mbuf(&rx, out, sizeof(out), 0);
	VT_EQ(vfbc_pring_get_mbuf(&p.cons, 0, &rx), 120);
	VT_CHECK(memcmp(out, whole, 120) == 0, "gathered bytes differ");
	/* An mbuf too small for the packet: refused, not overrun. */
	pr_mbuf(&rx, out, 64, 0);
	VT_EQ(vfbc_pring_get_mbuf(&p.cons, 0, &rx), -EMSGSIZE);
	pr_mbuf(&rx, out, sizeof(out), 0);
	VT_EQ(vfbc_pring_get_mbuf(&p.cons, 1, &rx), 100);
	VT_CHECK(memcmp(out, whole, 100) == 0, "truncated gather differs");
	vfbc_pring_release(&p.cons, 2);
	free(p.area);
	return 0;
}

/* A tagged frame loses its 4 tag bytes on the way, whatever its segments. */
static int
test_pring_untag(void)
{
	uint8_t frame[100], seg2[40], out[PR_BUF];
	struct rte_mbuf m[2], rx;
	struct pr_fix p;

	if (pr_setup(&p) != 0)
		return -1;
	pr_fill(frame, sizeof(frame), 3);
	pr_mbuf(&m[0], frame, sizeof(frame), 60);
	pr_mbuf(&m[1], seg2, sizeof(seg2), 40);
	memcpy(seg2, frame + 60, 40);
	m[0].next = &m[1];
	m[0].nb_segs = 2;
	m[0].pkt_len = 100;
	VT_EQ(vfbc_pring_free_count(&p.prod, 3), 3);
	VT_EQ(vfbc_pring_put_mbuf_untag(&p.prod, 0, &m[0]), 96);
	m[0].data_len = 17; /* the tag is not whole in the first segment */
	VT_EQ(vfbc_pring_put_mbuf_untag(&p.prod, 1, &m[0]), -EINVAL);
	vfbc_pring_publish(&p.prod, 1);
	VT_EQ(vfbc_pring_avail(&p.cons, 8), 1);
	pr_mbuf(&rx, out, sizeof(out), 0);
	VT_EQ(vfbc_pring_get_mbuf(&p.cons, 0, &rx), 96);
	VT_CHECK(memcmp(out, frame, 12) == 0 && memcmp(out + 12, frame + 16, 84) == 0,
			"untagged bytes differ");
	free(p.area);
	return 0;
}

/* A hostile peer's indexes and lengths are counted, never followed. */
static int
test_pring_corrupt(void)
{
	uint8_t out[PR_BUF];
	struct rte_mbuf rx;
	struct pr_fix p;

	if (pr_setup(&p) != 0)
		return -1;
	if (pr_push(&p, 2, 1) != 0)
		return -1;
	/* Lengths: 0 and past the buffer. */
	p.prod.desc[0].len = PR_BUF + 1;
	p.prod.desc[1].len = 0;
	VT_EQ(vfbc_pring_avail(&p.cons, 8), 2);
	pr_mbuf(&rx, out, sizeof(out), 0);
	VT_EQ(vfbc_pring_get_mbuf(&p.cons, 0, &rx), -EBADMSG);
	VT_EQ(vfbc_pring_get_mbuf(&p.cons, 1, &rx), -EBADMSG);
	VT_EQ(rx.pkt_len, 0);
	VT_EQ(p.cons.errors, 2);
	vfbc_pring_release(&p.cons, 2);
	VT_CHECK(!p.cons.broken, "bad lengths break the ring");
	/* A producer index more than a ring ahead: the ring is broken. */
	p.prod.p->prod = p.cons.head + PR_SLOTS + 1;
	VT_EQ(vfbc_pring_avail(&p.cons, 8), 0);
	VT_CHECK(p.cons.broken, "ring not marked broken");
	VT_EQ(p.cons.errors, 3);
	/* ... and stays so, whatever the index says next. */
	p.prod.p->prod = p.cons.head + 1;
	VT_EQ(vfbc_pring_avail(&p.cons, 8), 0);
	VT_EQ(p.cons.errors, 3);
	/* A producer index behind the consumer: as far out. */
	vfbc_pring_cons_adopt(&p.cons);
	p.prod.p->prod = p.cons.head - 1;
	VT_EQ(vfbc_pring_avail(&p.cons, 8), 0);
	VT_EQ(p.cons.errors, 4);
	/* A consumer index the producer never reached, seen once the cached one
	 * leaves too little room.
	 */
	vfbc_pring_prod_adopt(&p.prod);
	p.cons.c->cons = p.prod.head + 3;
	VT_EQ(vfbc_pring_free_count(&p.prod, 32), 0);
	VT_CHECK(p.prod.broken, "producer ring not marked broken");
	VT_EQ(p.prod.errors, 1);
	free(p.area);
	return 0;
}

/* A region with rings: the VF finds them where the PF put them, or refuses a forged size. */
static int
test_pring_region(struct fix *f)
{
	struct vfbc_region_params p = std_params(f, 0);
	struct vfbc_region *pf = &f->pf_r[0], *vf = &f->vf_r[0];

	p.rings.slots = 16;
	p.rings.buf_size = 256;
	p.rings.nb_pairs = 2;
	VT_EQ(vfbc_region_create(pf, f->path[0], &p), 0);
	VT_EQ(pf->hdr->info.ring_size, vfbc_pring_area_size(&p.rings));
	VT_EQ(pf->hdr->info.ring_offset, pf->ring_area - pf->base);
	VT_EQ(pf->hdr->info.nb_ring_pairs, 2);
	VT_EQ(vfbc_region_open(vf, f->path[0], 0), 0);
	VT_EQ(vf->ring_area - vf->base, pf->ring_area - pf->base);
	VT_EQ(vf->rings.slots, 16);
	VT_EQ(vf->rings.buf_size, 256);
	vfbc_region_close(vf);
	pf->hdr->info.ring_size += 64;
	VT_EQ(vfbc_region_open(vf, f->path[0], 0), -EINVAL);
	pf->hdr->info.ring_size -= 64;
	pf->hdr->info.ring_slots = 32;
	VT_EQ(vfbc_region_open(vf, f->path[0], 0), -EINVAL);
	pf->hdr->info.ring_slots = 16;
	VT_EQ(vfbc_region_open(vf, f->path[0], 0), 0);
	return 0;
}
FIX_CASE(test_pring_region, 0, 8, 256, 0, 0, false)

/*
 * A broken ring records its peer's epoch (the PF: the VF's attach count) as
 * read before the index that broke it: a restart of the peer after that, even
 * one before this side looks at the ring again, lets the ring be retried.
 */
static int
test_pring_epoch(void)
{
	uint64_t epoch = 5;
	struct pr_fix p;

	if (pr_setup(&p) != 0)
		return -1;
	/* Without an epoch, a broken ring never recovers by itself. */
	p.prod.p->prod = p.cons.head + PR_SLOTS + 1;
	VT_EQ(vfbc_pring_avail(&p.cons, 8), 0);
	VT_CHECK(p.cons.broken && !vfbc_pring_peer_restarted(&p.cons), "no epoch, no restart");
	vfbc_pring_cons_adopt(&p.cons);
	vfbc_pring_set_epoch(&p.cons, &epoch);
	vfbc_pring_set_epoch(&p.prod, &epoch);
	/* Consumer: the VF breaks the ring, then attaches again before the PF's
	 * next look at it: the ring knows the epoch it broke at.
	 */
	p.prod.p->prod = p.cons.head + PR_SLOTS + 1;
	VT_EQ(vfbc_pring_avail(&p.cons, 8), 0);
	VT_CHECK(p.cons.broken, "ring not marked broken");
	VT_EQ(p.cons.broken_epoch, 5);
	VT_CHECK(!vfbc_pring_peer_restarted(&p.cons), "restart without a new epoch");
	__atomic_store_n(&epoch, 6, __ATOMIC_RELEASE);
	VT_CHECK(vfbc_pring_peer_restarted(&p.cons), "restart missed");
	vfbc_pring_prod_adopt(&p.prod); /* the restarted VF takes its ring over */
	vfbc_pring_unbreak(&p.cons);
	VT_CHECK(!vfbc_pring_peer_restarted(&p.cons), "a usable ring is not restarted");
	if (pr_push(&p, 3, 10) != 0)
		return -1;
	VT_EQ(vfbc_pring_avail(&p.cons, 8), 3);
	vfbc_pring_release(&p.cons, 3);
	/* Producer: the same, seen when the cached consumer index runs out. */
	p.cons.c->cons = p.prod.head + 3;
	VT_EQ(vfbc_pring_free_count(&p.prod, 32), 0);
	VT_CHECK(p.prod.broken, "producer ring not marked broken");
	VT_EQ(p.prod.broken_epoch, 6);
	VT_CHECK(!vfbc_pring_peer_restarted(&p.prod), "producer: restart without a new epoch");
	__atomic_store_n(&epoch, 7, __ATOMIC_RELEASE);
	VT_CHECK(vfbc_pring_peer_restarted(&p.prod), "producer: restart missed");
	vfbc_pring_cons_adopt(&p.cons);
	vfbc_pring_unbreak(&p.prod);
	VT_EQ(vfbc_pring_free_count(&p.prod, PR_SLOTS), PR_SLOTS);
	VT_EQ(p.prod.errors, 1);
	VT_EQ(p.cons.errors, 2);
	free(p.area);
	return 0;
}

static const struct vt_case cases[] = {
	{ "wire_region_size", test_wire_region_size_case },
	{ "wire_status_map", test_wire_status_map },
	{ "region_path", test_region_path },
	{ "region_create_open", test_region_create_open_case },
	{ "region_second_create", test_region_second_create_case },
	{ "region_one_vf_process", test_region_one_vf_process_case },
	{ "region_sealed_against_resize", test_region_sealed_against_resize_case },
	{ "region_stale_reclaim", test_region_stale_reclaim_case },
	{ "region_destroy_gone", test_region_destroy_gone_case },
	{ "region_wait_pf_exit", test_region_wait_pf_exit_case },
	{ "region_bad_header", test_region_bad_header_case },
	{ "store_define", test_store_define },
	{ "store_set_get", test_store_set_get },
	{ "store_change_count", test_store_change_count },
	{ "store_vf_access", test_store_vf_access },
	{ "store_sorted", test_store_sorted },
	{ "mbox_attach", test_mbox_attach_case },
	{ "mbox_read_write", test_mbox_read_write_case },
	{ "mbox_errors", test_mbox_errors_case },
	{ "mbox_policy_deny_write", test_mbox_policy_deny_write_case },
	{ "mbox_notify_reads", test_mbox_notify_reads_case },
	{ "mbox_outstanding", test_mbox_outstanding_case },
	{ "mbox_threads", test_mbox_threads_case },
	{ "mbox_timeout_unattached", test_mbox_timeout_unattached_case },
	{ "mbox_timeout_reuse", test_mbox_timeout_reuse_case },
	{ "mbox_stale_completion", test_mbox_stale_completion_case },
	{ "mbox_forged_cpl_len", test_mbox_forged_cpl_len_case },
	{ "mbox_reattach_drops_stale", test_mbox_reattach_drops_stale_case },
	{ "mbox_mark_gone", test_mbox_mark_gone_case },
	{ "mbox_pf_destroy", test_mbox_pf_destroy_case },
	{ "mbox_invalidate", test_mbox_invalidate_case },
	{ "mbox_proto_mismatch", test_mbox_proto_mismatch_case },
	{ "mbox_budget", test_mbox_budget_case },
	{ "mbox_hostile_vf", test_mbox_hostile_vf_case },
	{ "mbox_flood", test_mbox_flood_case },
	{ "pring_geometry", test_pring_geometry },
	{ "pring_wraparound", test_pring_wraparound },
	{ "pring_full", test_pring_full },
	{ "pring_multiseg", test_pring_multiseg },
	{ "pring_untag", test_pring_untag },
	{ "pring_corrupt", test_pring_corrupt },
	{ "pring_region", test_pring_region_case },
	{ "store_persist_hook", test_store_persist_hook },
	{ "mbox_chunked", test_mbox_chunked_case },
	{ "mbox_chunked_v1_peer", test_mbox_chunked_v1_peer_case },
	{ "mbox_chunked_hostile", test_mbox_chunked_hostile_case },
	{ "mbox_chunked_atomic", test_mbox_chunked_atomic_case },
	{ "pring_epoch", test_pring_epoch },
};

int
main(int argc, char **argv)
{
	int failed = vt_run("lib", cases, sizeof(cases) / sizeof(cases[0]),
			argc > 1 ? argv[1] : NULL);

	return failed != 0 ? 1 : 0;
}
