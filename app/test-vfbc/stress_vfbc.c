/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfbc authors
 *
 * vfbc-stress: many VFs, many threads per VF, and the PF application, all
 * reading and writing the same blocks at once.
 *
 * One PF port (net_vfbc_pf) with -v VFs. Every VF gets two shared blocks, one
 * that fits a mailbox slot and one that takes several chunks, which the PF
 * application rewrites in a loop while -t threads per VF read them and write
 * them too; and one block per VF thread that only that thread writes. Every
 * block's contents are self-checking: a tag naming the VF and block, a
 * version repeated to fill a length that depends on it, and a checksum.
 *
 * Checked, and the exit status says so:
 *   - no torn read: every read, by a VF or the PF, is one complete version;
 *   - no lost write: a thread reads back each write of its own block, and at
 *     the end the PF holds the last version each thread had acknowledged;
 *   - no error but -EAGAIN (a chunked read that met a new version too often).
 *
 * With -b, it then measures the read latency of a victim VF alone and with a
 * flooding neighbour VF keeping its whole mailbox busy (reported, never
 * asserted).
 *
 * The VFs are driven through the library the net_vfbc_vf PMD is made of
 * (vfbc_region_open(), vfbc_vf_mbox_call(): what rte_pmd_vfbc_vf_read_block()
 * calls), in this process: DPDK's build has room for RTE_MAX_ETHPORTS ports
 * only (32 in Debian's), far fewer than 256 VF ports.
 *
 * Usage: vfbc-stress <EAL args> -- [-v VFs] [-t threads per VF] [-n operations
 *        per thread] [-d region directory] [-b] [-m victim reads] [-f flooder threads]
 */

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_bus_vdev.h>
#include <rte_eal.h>
#include <rte_ethdev.h>

#include "rte_pmd_vfbc.h"
#include "vfbc_futex.h"
#include "vfbc_mbox.h"
#include "vfbc_region.h"

#define ST_BLK_SMALL 0x10 /* shared, fits a slot */
#define ST_BLK_BIG 0x11   /* shared, several chunks */
#define ST_BLK_OWN 0x100  /* + thread: written by that thread only */
#define ST_SMALL_CAP 512
#define ST_BIG_CAP 6000
#define ST_OWN_SMALL_CAP 256
#define ST_OWN_BIG_CAP 3000
#define ST_MAX_BLOCK 8192
#define ST_SLOT 1024
#define ST_DEPTH 16
#define ST_MAX_THREADS 16
#define ST_TIMEOUT_NS (60ull * VFBC_NS_PER_SEC)
#define ST_FLOOD_BATCH 8

struct st_opts {
	unsigned int vfs;
	unsigned int threads;
	unsigned int ops;
	bool bench;
	unsigned int victim_reads;
	unsigned int flood_threads;
	char dir[PATH_MAX];
};

struct st_vf {
	struct vfbc_region region;
	struct vfbc_vf_mbox mbox;
};

/* What one VF thread did. */
struct st_worker {
	pthread_t tid;
	struct st_vf *vf;
	uint16_t vf_index;
	uint16_t thread;
	unsigned int ops;
	uint32_t last_acked;  /* version of its own block the PF acknowledged last */
	uint64_t reads, writes, chunked_reads, gave_up, torn, lost, errors;
	char err[160];
};

static struct st_opts opts = {
	.vfs = 256, .threads = 2, .ops = 20, .victim_reads = 20000, .flood_threads = 2,
};
static char pf_name[RTE_DEV_NAME_MAX_LEN];
static uint16_t pf_port;
static struct st_vf *vfs;
static bool workers_done;

/* ------------------------------------------------------------- contents */

static uint32_t
own_cap(uint16_t thread)
{
	return thread % 2 ? ST_OWN_BIG_CAP : ST_OWN_SMALL_CAP;
}

static uint32_t
tag_of(uint16_t vf, uint32_t block)
{
	return (uint32_t)vf << 16 ^ block ^ 0xa5000000u;
}

/* A version's length: up to 28 bytes short of the capacity, a multiple of 4. */
static uint32_t
pat_len(uint32_t cap, uint32_t version)
{
	return (cap & ~3u) - 4 * (version % 8);
}

static uint32_t
pat_sum(const uint32_t *w, uint32_t n)
{
	uint32_t h = 2166136261u, i;

	for (i = 0; i < n; i++)
		h = (h ^ w[i]) * 16777619u;
	return h;
}

static uint32_t
pat_fill(uint32_t *w, uint32_t cap, uint32_t tag, uint32_t version)
{
	uint32_t len = pat_len(cap, version), n = len / 4, i;

	w[0] = tag;
	for (i = 1; i + 1 < n; i++)
		w[i] = version;
	w[n - 1] = pat_sum(w, n - 1);
	return len;
}

/* @return true if @p w holds @p len bytes of one complete version, in *version. */
static bool
pat_check(const uint32_t *w, int len, uint32_t cap, uint32_t tag, uint32_t *version)
{
	uint32_t n = (uint32_t)len / 4, i;

	if (len < 12 || len % 4 != 0 || w[0] != tag)
		return false;
	*version = w[1];
	if ((uint32_t)len != pat_len(cap, *version))
		return false;
	for (i = 1; i + 1 < n; i++)
		if (w[i] != *version)
			return false;
	return w[n - 1] == pat_sum(w, n - 1);
}

/* ------------------------------------------------------------- PF side */

static int
pf_create(void)
{
	char args[PATH_MAX + 256];
	int ret;

	snprintf(pf_name, sizeof(pf_name), "net_vfbc_pf_stress%d", (int)getpid());
	snprintf(args, sizeof(args), "num_vfs=%u,region_dir=%s,max_block_size=%u,"
			"mbox_slot_size=%u,mbox_depth=%u,max_blocks=%u", opts.vfs, opts.dir,
			ST_MAX_BLOCK, ST_SLOT, ST_DEPTH, 4 + opts.threads);
	ret = rte_vdev_init(pf_name, args);
	if (ret == 0)
		ret = rte_eth_dev_get_port_by_name(pf_name, &pf_port);
	if (ret != 0)
		printf("cannot create %s,%s: %s\n", pf_name, args, strerror(-ret));
	return ret;
}

static int
pf_set(uint16_t vf, uint32_t block, uint32_t cap, uint32_t version)
{
	uint32_t w[ST_MAX_BLOCK / 4];
	uint32_t len = pat_fill(w, cap, tag_of(vf, block), version);

	return rte_pmd_vfbc_pf_set_block(pf_port, vf, block, w, len);
}

static int
pf_define_blocks(void)
{
	const uint32_t rw = RTE_PMD_VFBC_BLOCK_VF_READ | RTE_PMD_VFBC_BLOCK_VF_WRITE;
	uint16_t vf, t;
	int ret = 0;

	for (vf = 0; vf < opts.vfs && ret == 0; vf++) {
		ret = rte_pmd_vfbc_pf_define_block(pf_port, vf, ST_BLK_SMALL, ST_SMALL_CAP, rw);
		ret |= rte_pmd_vfbc_pf_define_block(pf_port, vf, ST_BLK_BIG, ST_BIG_CAP, rw);
		ret |= pf_set(vf, ST_BLK_SMALL, ST_SMALL_CAP, 0);
		ret |= pf_set(vf, ST_BLK_BIG, ST_BIG_CAP, 0);
		for (t = 0; t < opts.threads && ret == 0; t++) {
			ret = rte_pmd_vfbc_pf_define_block(pf_port, vf, ST_BLK_OWN + t,
					own_cap(t), rw);
			ret |= pf_set(vf, ST_BLK_OWN + t, own_cap(t), 0);
		}
	}
	if (ret != 0)
		printf("cannot define the blocks of VF %u\n", vf - 1);
	return ret;
}

/* The PF application: rewrite every VF's shared blocks, and check what it reads. */
struct st_pf_app {
	uint64_t rewrites;
	uint64_t torn;
};

static void *
pf_app_run(void *arg)
{
	struct st_pf_app *app = arg;
	uint32_t w[ST_MAX_BLOCK / 4], version = 1, v;
	uint16_t vf;
	int n;

	while (!__atomic_load_n(&workers_done, __ATOMIC_ACQUIRE)) {
		for (vf = 0; vf < opts.vfs; vf++) {
			if (pf_set(vf, ST_BLK_SMALL, ST_SMALL_CAP, version) == 0 &&
					pf_set(vf, ST_BLK_BIG, ST_BIG_CAP, version) == 0)
				app->rewrites += 2;
			n = rte_pmd_vfbc_pf_get_block(pf_port, vf, ST_BLK_BIG, w, sizeof(w));
			if (!pat_check(w, n, ST_BIG_CAP, tag_of(vf, ST_BLK_BIG), &v))
				app->torn++;
		}
		version++;
	}
	return NULL;
}

/* ------------------------------------------------------------- VF side */

static int
vf_attach(uint16_t idx, uint64_t spin_ns)
{
	struct st_vf *vf = &vfs[idx];
	char path[PATH_MAX];
	int ret;

	ret = vfbc_region_path(path, sizeof(path), opts.dir, pf_name, idx);
	if (ret == 0)
		ret = vfbc_region_open(&vf->region, path, idx);
	if (ret == 0)
		ret = vfbc_vf_mbox_init(&vf->mbox, &vf->region, spin_ns);
	if (ret == 0)
		ret = vfbc_vf_mbox_attach(&vf->mbox, vfbc_time_ns() + ST_TIMEOUT_NS);
	if (ret != 0)
		printf("cannot attach VF %u: %s\n", idx, strerror(-ret));
	return ret;
}

static void
vf_detach(uint16_t idx)
{
	struct st_vf *vf = &vfs[idx];

	if (vf->mbox.slots != NULL)
		vfbc_vf_mbox_fini(&vf->mbox);
	if (vf->region.base != NULL)
		vfbc_region_close(&vf->region);
}

static int
vf_call(struct st_worker *w, uint16_t op, uint32_t block, void *buf, uint32_t len)
{
	return vfbc_vf_mbox_call(&w->vf->mbox, op, block, buf, len, ST_TIMEOUT_NS);
}

static void
worker_error(struct st_worker *w, const char *what, uint32_t block, int ret)
{
	w->errors++;
	if (w->err[0] == '\0')
		snprintf(w->err, sizeof(w->err), "VF %u thread %u: %s block %#x: %s",
				w->vf_index, w->thread, what, block,
				ret < 0 ? strerror(-ret) : "bad contents");
}

static void
worker_read(struct st_worker *w, uint32_t block, uint32_t cap)
{
	uint32_t buf[ST_MAX_BLOCK / 4], v;
	int ret = vf_call(w, VFBC_OP_READ, block, buf, sizeof(buf));

	if (ret == -EAGAIN) {
		w->gave_up++;
		return;
	}
	if (ret < 0) {
		worker_error(w, "read", block, ret);
		return;
	}
	w->reads++;
	if (cap > ST_SLOT)
		w->chunked_reads++;
	if (!pat_check(buf, ret, cap, tag_of(w->vf_index, block), &v)) {
		w->torn++;
		worker_error(w, "torn read of", block, 0);
	}
}

static void
worker_write(struct st_worker *w, uint32_t block, uint32_t cap, uint32_t version)
{
	uint32_t buf[ST_MAX_BLOCK / 4];
	uint32_t len = pat_fill(buf, cap, tag_of(w->vf_index, block), version);
	int ret = vf_call(w, VFBC_OP_WRITE, block, buf, len);

	if (ret < 0)
		worker_error(w, "write", block, ret);
	else
		w->writes++;
}

/* Write the thread's own block, and read it back: nobody else writes it. */
static void
worker_own(struct st_worker *w, uint32_t version)
{
	uint32_t block = ST_BLK_OWN + w->thread, cap = own_cap(w->thread);
	uint32_t buf[ST_MAX_BLOCK / 4], v;
	uint64_t errors = w->errors;
	int ret;

	worker_write(w, block, cap, version);
	if (w->errors != errors)
		return;
	w->last_acked = version;
	ret = vf_call(w, VFBC_OP_READ, block, buf, sizeof(buf));
	if (ret < 0) {
		if (ret != -EAGAIN)
			worker_error(w, "read back", block, ret);
		return;
	}
	w->reads++;
	if (!pat_check(buf, ret, cap, tag_of(w->vf_index, block), &v)) {
		w->torn++;
		worker_error(w, "torn read back of", block, 0);
	} else if (v != version) {
		w->lost++;
		worker_error(w, "lost write of", block, 0);
	}
}

static void *
worker_run(void *arg)
{
	struct st_worker *w = arg;
	uint32_t base = (uint32_t)(w->vf_index * ST_MAX_THREADS + w->thread + 1) << 20;
	unsigned int i;

	for (i = 0; i < w->ops; i++) {
		switch ((i + w->thread) % 4) {
		case 0:
			worker_read(w, ST_BLK_SMALL, ST_SMALL_CAP);
			break;
		case 1:
			worker_read(w, ST_BLK_BIG, ST_BIG_CAP);
			break;
		case 2:
			if (i % 8 < 4)
				worker_write(w, ST_BLK_SMALL, ST_SMALL_CAP, base + i);
			else
				worker_write(w, ST_BLK_BIG, ST_BIG_CAP, base + i);
			break;
		default:
			worker_own(w, i + 1);
			break;
		}
	}
	return NULL;
}

/* At the end, the PF must hold the last version each thread had acknowledged. */
static uint64_t
check_final_state(struct st_worker *ws, unsigned int n)
{
	uint32_t buf[ST_MAX_BLOCK / 4], v = 0;
	uint64_t lost = 0;
	unsigned int i;
	int len;

	for (i = 0; i < n; i++) {
		struct st_worker *w = &ws[i];
		uint32_t block = ST_BLK_OWN + w->thread;

		len = rte_pmd_vfbc_pf_get_block(pf_port, w->vf_index, block, buf, sizeof(buf));
		if (!pat_check(buf, len, own_cap(w->thread), tag_of(w->vf_index, block), &v) ||
				v != w->last_acked) {
			lost++;
			printf("VF %u thread %u: the PF holds version %u, last acknowledged %u\n",
					w->vf_index, w->thread, v, w->last_acked);
		}
	}
	return lost;
}

static int
run_load(void)
{
	unsigned int n = opts.vfs * opts.threads, i, started = 0;
	struct st_worker *ws = calloc(n, sizeof(*ws));
	struct st_pf_app app = { 0 };
	uint64_t reads = 0, writes = 0, chunked = 0, gave_up = 0, torn = 0, lost = 0;
	uint64_t errors = 0, restarts = 0, t0, t1;
	pthread_t pf_tid;
	int ret;

	if (ws == NULL)
		return -1;
	if (pthread_create(&pf_tid, NULL, pf_app_run, &app) != 0) {
		free(ws);
		return -1;
	}
	t0 = vfbc_time_ns();
	for (i = 0; i < n; i++) {
		ws[i].vf_index = (uint16_t)(i / opts.threads);
		ws[i].thread = (uint16_t)(i % opts.threads);
		ws[i].vf = &vfs[ws[i].vf_index];
		ws[i].ops = opts.ops;
		if (pthread_create(&ws[i].tid, NULL, worker_run, &ws[i]) != 0) {
			printf("cannot start thread %u\n", i);
			break;
		}
		started++;
	}
	for (i = 0; i < started; i++)
		pthread_join(ws[i].tid, NULL);
	t1 = vfbc_time_ns();
	__atomic_store_n(&workers_done, true, __ATOMIC_RELEASE);
	pthread_join(pf_tid, NULL);
	for (i = 0; i < started; i++) {
		reads += ws[i].reads;
		writes += ws[i].writes;
		chunked += ws[i].chunked_reads;
		gave_up += ws[i].gave_up;
		torn += ws[i].torn;
		lost += ws[i].lost;
		errors += ws[i].errors;
		if (ws[i].err[0] != '\0')
			printf("  %s\n", ws[i].err);
	}
	for (i = 0; i < opts.vfs; i++)
		restarts += vfs[i].mbox.stats.read_restarts;
	lost += check_final_state(ws, started);
	printf("load: %u VFs x %u threads, %" PRIu64 " operations in %.2f s "
			"(%" PRIu64 " reads, %" PRIu64 " of them chunked; %" PRIu64 " writes)\n",
			opts.vfs, opts.threads, reads + writes, (double)(t1 - t0) / 1e9, reads,
			chunked, writes);
	printf("  PF application: %" PRIu64 " rewrites, %" PRIu64 " torn reads\n",
			app.rewrites, app.torn);
	printf("  chunked read restarts: %" PRIu64 ", reads given up (-EAGAIN): %" PRIu64 "\n",
			restarts, gave_up);
	printf("  torn reads: %" PRIu64 "\n", torn + app.torn);
	printf("  lost writes: %" PRIu64 "\n", lost);
	printf("  errors: %" PRIu64 "\n", errors);
	ret = started == n && torn + app.torn + lost + errors == 0 ? 0 : -1;
	free(ws);
	return ret;
}

/* ----------------------------------------------------------- fairness */

struct st_flooder {
	pthread_t tid;
	struct vfbc_vf_mbox *mb;
	unsigned int batch; /* reads in flight: 1 is a blocking call */
	uint64_t done;
	int err;
};

static bool flood_stop;

/*
 * Keep a batch of reads in flight, again and again. A thread that holds slots
 * must not wait for the next one: it may be its own, which only it frees. So
 * only the first post of a batch may wait, and it tries again when the slot
 * is held by another flooder's uncollected token (-ENOBUFS).
 */
static void *
flooder_run(void *arg)
{
	struct st_flooder *fl = arg;
	uint32_t seq[ST_FLOOD_BATCH];
	uint8_t buf[ST_SMALL_CAP];
	unsigned int i, n;
	int ret;

	while (!__atomic_load_n(&flood_stop, __ATOMIC_ACQUIRE)) {
		for (n = 0; n < fl->batch; n++) {
			ret = vfbc_vf_mbox_post_timeout(fl->mb, VFBC_OP_READ, ST_BLK_SMALL, NULL,
					sizeof(buf), n == 0 ? ST_TIMEOUT_NS : 0, &seq[n]);
			if ((ret == -ETIMEDOUT || ret == -ENOBUFS) && n != 0)
				break;
			/* Slots held by the other flooders' tokens: they collect them. */
			if (ret == -ENOBUFS) {
				sched_yield();
				break;
			}
			if (ret < 0) {
				fl->err = ret;
				break;
			}
		}
		for (i = 0; i < n; i++) {
			ret = vfbc_vf_mbox_wait(fl->mb, seq[i], buf, sizeof(buf),
					vfbc_time_ns() + ST_TIMEOUT_NS);
			if (ret < 0)
				fl->err = ret;
			fl->done++;
		}
		if (fl->err != 0)
			break;
	}
	return NULL;
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

struct st_lat {
	uint64_t p50, p99, p999;
};

/* @return 0 and the victim's read latency percentiles, in ns. */
static int
victim_reads(struct vfbc_vf_mbox *mb, uint64_t *ns, struct st_lat *lat)
{
	uint8_t buf[ST_SMALL_CAP];
	unsigned int i;
	int ret;

	for (i = 0; i < opts.victim_reads; i++) {
		uint64_t t = vfbc_time_ns();

		ret = vfbc_vf_mbox_call(mb, VFBC_OP_READ, ST_BLK_SMALL, buf, 64, ST_TIMEOUT_NS);
		ns[i] = vfbc_time_ns() - t;
		if (ret < 0) {
			printf("victim read: %s\n", strerror(-ret));
			return ret;
		}
	}
	qsort(ns, opts.victim_reads, sizeof(*ns), cmp_u64);
	lat->p50 = ns[opts.victim_reads / 2];
	lat->p99 = ns[(uint64_t)opts.victim_reads * 99 / 100];
	lat->p999 = ns[(uint64_t)opts.victim_reads * 999 / 1000];
	return 0;
}

static int
run_fairness(void)
{
	struct st_flooder fl[ST_MAX_THREADS] = { 0 };
	uint64_t *ns = calloc(opts.victim_reads, sizeof(*ns)), flooded = 0;
	struct vfbc_vf_mbox *victim = &vfs[0].mbox;
	struct st_lat alone, busy;
	unsigned int i;
	int ret;

	if (ns == NULL)
		return -1;
	/* The victim and its neighbour share a CPU: neither spins, or it starves the other. */
	victim->spin_ns = 0;
	vfs[1].mbox.spin_ns = 0;
	ret = victim_reads(victim, ns, &alone);
	for (i = 0; i < opts.flood_threads && ret == 0; i++) {
		fl[i].mb = &vfs[1].mbox;
		fl[i].batch = ST_FLOOD_BATCH;
		if (pthread_create(&fl[i].tid, NULL, flooder_run, &fl[i]) != 0)
			ret = -1;
	}
	if (ret == 0)
		ret = victim_reads(victim, ns, &busy);
	__atomic_store_n(&flood_stop, true, __ATOMIC_RELEASE);
	for (i = 0; i < opts.flood_threads; i++) {
		if (fl[i].tid != 0)
			pthread_join(fl[i].tid, NULL);
		flooded += fl[i].done;
		if (fl[i].err != 0) {
			printf("flooder %u: %s\n", i, strerror(-fl[i].err));
			ret = -1;
		}
	}
	free(ns);
	if (ret != 0)
		return ret;
	printf("fairness: victim VF 0, %u blocking 64-byte reads; neighbour VF 1 flooding with "
			"%u threads keeping up to %u reads each in flight (mbox_depth %u)\n",
			opts.victim_reads, opts.flood_threads, ST_FLOOD_BATCH, ST_DEPTH);
	printf("                          p50        p99      p99.9 (ns)\n");
	printf("  victim alone     %10" PRIu64 " %10" PRIu64 " %10" PRIu64 "\n",
			alone.p50, alone.p99, alone.p999);
	printf("  victim flooded   %10" PRIu64 " %10" PRIu64 " %10" PRIu64 "\n",
			busy.p50, busy.p99, busy.p999);
	printf("  p99 ratio        %.2fx (the neighbour completed %" PRIu64 " reads meanwhile)\n",
			(double)busy.p99 / (double)(alone.p99 ? alone.p99 : 1), flooded);
	return 0;
}

/* -------------------------------------------------------------- main */

static int
parse_args(int argc, char **argv)
{
	int c;

	while ((c = getopt(argc, argv, "v:t:n:d:bm:f:")) != -1) {
		unsigned long v = optarg != NULL ? strtoul(optarg, NULL, 0) : 0;

		switch (c) {
		case 'v':
			opts.vfs = (unsigned int)v;
			break;
		case 't':
			opts.threads = (unsigned int)v;
			break;
		case 'n':
			opts.ops = (unsigned int)v;
			break;
		case 'd':
			snprintf(opts.dir, sizeof(opts.dir), "%s", optarg);
			break;
		case 'b':
			opts.bench = true;
			break;
		case 'm':
			opts.victim_reads = (unsigned int)v;
			break;
		case 'f':
			opts.flood_threads = (unsigned int)v;
			break;
		default:
			return -1;
		}
	}
	if (opts.vfs < 1 || opts.vfs > RTE_PMD_VFBC_MAX_VFS || opts.threads < 1 ||
			opts.threads > ST_MAX_THREADS || opts.ops < 1 || opts.victim_reads < 100 ||
			opts.flood_threads < 1 || opts.flood_threads > ST_MAX_THREADS ||
			(opts.bench && opts.vfs < 2) || opts.dir[0] == '\0')
		return -1;
	return 0;
}

int
main(int argc, char **argv)
{
	unsigned int i;
	int ret = rte_eal_init(argc, argv);

	if (ret < 0) {
		printf("EAL init failed\n");
		return 2;
	}
	if (parse_args(argc - ret, argv + ret) != 0) {
		printf("usage: vfbc-stress <EAL args> -- -d <region dir> [-v VFs, 1-256] "
				"[-t threads per VF, 1-%u] [-n operations per thread] [-b] "
				"[-m victim reads] [-f flooder threads]\n", ST_MAX_THREADS);
		rte_eal_cleanup();
		return 2;
	}
	vfs = calloc(opts.vfs, sizeof(*vfs));
	ret = vfs == NULL ? -ENOMEM : pf_create();
	if (ret == 0)
		ret = pf_define_blocks();
	for (i = 0; i < opts.vfs && ret == 0; i++) {
		vfs[i].region.fd = -1;
		/* Sleep at once: hundreds of threads share few CPUs. */
		ret = vf_attach((uint16_t)i, 0);
	}
	if (ret == 0)
		ret = run_load();
	if (ret == 0 && opts.bench)
		ret = run_fairness();
	for (i = 0; i < opts.vfs && vfs != NULL; i++)
		vf_detach((uint16_t)i);
	if (pf_name[0] != '\0') {
		rte_eth_dev_close(pf_port);
		rte_vdev_uninit(pf_name);
	}
	free(vfs);
	rte_eal_cleanup();
	printf("%s\n", ret == 0 ? "PASS" : "FAIL");
	return ret == 0 ? 0 : 1;
}
