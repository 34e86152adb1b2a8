/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfbc authors
 *
 * vfbc-bench: latency and throughput of config-block reads, each printed next
 * to a baseline measured in the same run between the same two lcores.
 *
 *   latency:    round trip of a blocking 64-byte block read, VF on the main
 *               lcore, PF service on its own service lcore; baseline: a bare
 *               request/response on one cache line between the same lcores.
 *   throughput: reads kept in flight with post/poll (pipelined); baseline:
 *               the same pipeline of requests echoed through two rte_rings.
 *   notices:    from rte_pmd_vfbc_pf_invalidate() to the VF port's event
 *               callback; baseline: a bare futex wake of a sleeping thread.
 *   slow app:   (-s ms) VF 1's blocking reads while a thread keeps VF 0's
 *               writes in a RTE_ETH_EVENT_VF_MBOX callback that takes ms
 *               milliseconds, with decide=async and decide=sync; baseline:
 *               the same reads without the writer.
 *
 * Baseline and vfbc measurements alternate in rounds on the same lcores.
 *
 * Usage: vfbc-bench <EAL args with 2 lcores> -- [-n iterations] [-d depth] [-t seconds]
 *        [-s callback_ms]
 * Targets (reported, never asserted): p50 <= 1.5x and p99 <= 3x the baseline;
 * >= 5 M reads/s pipelined.
 */

#include <getopt.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_bus_vdev.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_pause.h>
#include <rte_ring.h>
#include <rte_service.h>

#include "rte_pmd_vfbc.h"
#include "vfbc_futex.h"

#define BENCH_BLOCK_ID 0x42
#define BENCH_BLOCK_LEN 64
#define BENCH_WARMUP 5000
#define BENCH_ROUNDS 10
#define BENCH_RING_SIZE 1024
#define BENCH_RING_BURST 32

struct bench_opts {
	unsigned int iterations;
	unsigned int depth;
	double seconds;
	unsigned int slow_ms; /* -s: the slow application's mode, 0: not */
};

struct percentiles {
	double p50, p90, p99, p999;
};

/* One cache line, written in turn by both lcores: what a mailbox slot costs
 * at the very least.
 */
static struct {
	uint32_t req;
	uint32_t resp;
} __rte_cache_aligned pingpong;

static volatile bool ring_echo_stop;

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static double
cycles_to_ns(uint64_t c)
{
	return (double)c * 1e9 / (double)rte_get_tsc_hz();
}

static struct percentiles
percentiles_of(uint64_t *samples, unsigned int n)
{
	struct percentiles p;

	qsort(samples, n, sizeof(*samples), cmp_u64);
	p.p50 = cycles_to_ns(samples[n / 2]);
	p.p90 = cycles_to_ns(samples[(uint64_t)n * 90 / 100]);
	p.p99 = cycles_to_ns(samples[(uint64_t)n * 99 / 100]);
	p.p999 = cycles_to_ns(samples[(uint64_t)n * 999 / 1000]);
	return p;
}

static int
pingpong_echo(void *arg)
{
	uint32_t i, total = *(uint32_t *)arg;

	for (i = 1; i <= total; i++) {
		while (__atomic_load_n(&pingpong.req, __ATOMIC_ACQUIRE) != i)
			rte_pause();
		__atomic_store_n(&pingpong.resp, i, __ATOMIC_RELEASE);
	}
	return 0;
}

static void
measure_pingpong(unsigned int worker, unsigned int n, uint64_t *samples)
{
	uint32_t i, total = BENCH_WARMUP + n;

	pingpong.req = 0;
	pingpong.resp = 0;
	rte_eal_remote_launch(pingpong_echo, &total, worker);
	for (i = 1; i <= total; i++) {
		uint64_t t0 = rte_rdtsc();

		__atomic_store_n(&pingpong.req, i, __ATOMIC_RELEASE);
		while (__atomic_load_n(&pingpong.resp, __ATOMIC_ACQUIRE) != i)
			rte_pause();
		if (i > BENCH_WARMUP)
			samples[i - BENCH_WARMUP - 1] = rte_rdtsc() - t0;
	}
	rte_eal_wait_lcore(worker);
}

struct ring_pair {
	struct rte_ring *req;
	struct rte_ring *resp;
};

static int
ring_echo(void *arg)
{
	struct ring_pair *rp = arg;
	void *objs[BENCH_RING_BURST];

	while (!ring_echo_stop) {
		unsigned int n = rte_ring_sc_dequeue_burst(rp->req, objs, BENCH_RING_BURST, NULL);
		unsigned int sent = 0;

		while (sent < n)
			sent += rte_ring_sp_enqueue_burst(rp->resp, objs + sent, n - sent, NULL);
	}
	return 0;
}

/* Requests in flight kept at @p depth for @p seconds. @return ops/s. */
static double
measure_ring_pipeline(unsigned int worker, unsigned int depth, double seconds)
{
	struct ring_pair rp = {
		.req = rte_ring_create("bench_req", BENCH_RING_SIZE, rte_socket_id(),
				RING_F_SP_ENQ | RING_F_SC_DEQ),
		.resp = rte_ring_create("bench_resp", BENCH_RING_SIZE, rte_socket_id(),
				RING_F_SP_ENQ | RING_F_SC_DEQ),
	};
	uint64_t done = 0, inflight = 0, t0, end;
	void *objs[BENCH_RING_BURST];

	ring_echo_stop = false;
	rte_eal_remote_launch(ring_echo, &rp, worker);
	t0 = rte_rdtsc();
	end = t0 + (uint64_t)(seconds * rte_get_tsc_hz());
	while (rte_rdtsc() < end) {
		unsigned int n;

		while (inflight < depth && rte_ring_sp_enqueue(rp.req, (void *)(uintptr_t)1) == 0)
			inflight++;
		n = rte_ring_sc_dequeue_burst(rp.resp, objs, BENCH_RING_BURST, NULL);
		inflight -= n;
		done += n;
	}
	ring_echo_stop = true;
	rte_eal_wait_lcore(worker);
	rte_ring_free(rp.req);
	rte_ring_free(rp.resp);
	return (double)done / cycles_to_ns(rte_rdtsc() - t0) * 1e9;
}

static int
port_of(const char *name)
{
	uint16_t port;

	return rte_eth_dev_get_port_by_name(name, &port) == 0 ? port : -1;
}

/* A PF whose service the benchmark runs itself (poll=service), and one VF. */
static int
setup_ports(unsigned int depth, const char *dir, int *pf, int *vf, uint32_t *sid)
{
	char args[512];
	uint8_t block[BENCH_BLOCK_LEN];

	snprintf(args, sizeof(args), "num_vfs=1,poll=service,mbox_depth=%u,region_dir=%s",
			depth, dir);
	if (rte_vdev_init("net_vfbc_pf_bench", args) != 0)
		return -1;
	*pf = port_of("net_vfbc_pf_bench");
	if (rte_pmd_vfbc_pf_define_block(*pf, 0, BENCH_BLOCK_ID, BENCH_BLOCK_LEN,
			RTE_PMD_VFBC_BLOCK_VF_READ) != 0)
		return -1;
	memset(block, 0xab, sizeof(block));
	rte_pmd_vfbc_pf_set_block(*pf, 0, BENCH_BLOCK_ID, block, sizeof(block));
	if (rte_pmd_vfbc_pf_get_service_id(*pf, sid) != 0)
		return -1;
	snprintf(args, sizeof(args), "pf=net_vfbc_pf_bench,vf=0,timeout_ms=5000,region_dir=%s",
			dir);
	if (rte_vdev_init("net_vfbc_vf_bench", args) != 0)
		return -1;
	*vf = port_of("net_vfbc_vf_bench");
	return 0;
}

/* Make @p lcore a service lcore running the PF's service, alone. */
static int
service_lcore_on(unsigned int lcore, uint32_t sid)
{
	if (rte_service_lcore_add(lcore) != 0 ||
			rte_service_map_lcore_set(sid, lcore, 1) != 0 ||
			rte_service_runstate_set(sid, 1) != 0 ||
			rte_service_lcore_start(lcore) != 0)
		return -1;
	return 0;
}

/* Hand @p lcore back to plain worker use, for the next baseline round. */
static int
service_lcore_off(unsigned int lcore, uint32_t sid)
{
	rte_service_runstate_set(sid, 0);
	while (rte_service_may_be_active(sid) == 1)
		rte_pause();
	if (rte_service_lcore_stop(lcore) != 0)
		return -1;
	rte_eal_wait_lcore(lcore);
	return rte_service_lcore_del(lcore);
}

static int
measure_read_rtt(int vf, unsigned int n, uint64_t *samples)
{
	uint8_t buf[BENCH_BLOCK_LEN];
	unsigned int i;

	for (i = 0; i < BENCH_WARMUP + n; i++) {
		uint64_t t0 = rte_rdtsc();

		if (rte_pmd_vfbc_vf_read_block(vf, BENCH_BLOCK_ID, buf, sizeof(buf)) !=
				BENCH_BLOCK_LEN) {
			fprintf(stderr, "vfbc-bench: read %u failed\n", i);
			return -1;
		}
		if (i >= BENCH_WARMUP)
			samples[i - BENCH_WARMUP] = rte_rdtsc() - t0;
	}
	return 0;
}

/* Post/poll in FIFO order: the PF completes in sequence order. @return ops/s. */
static double
measure_read_pipeline(int vf, unsigned int depth, double seconds)
{
	uint32_t *tokens = calloc(depth, sizeof(*tokens));
	uint8_t buf[BENCH_BLOCK_LEN];
	uint64_t done = 0, posted = 0, t0, end;
	int ret;

	t0 = rte_rdtsc();
	end = t0 + (uint64_t)(seconds * rte_get_tsc_hz());
	while (rte_rdtsc() < end || done < posted) {
		while (posted - done < depth && rte_rdtsc() < end) {
			if (rte_pmd_vfbc_vf_post_read(vf, BENCH_BLOCK_ID, sizeof(buf),
					&tokens[posted % depth]) != 0)
				goto fail;
			posted++;
		}
		ret = rte_pmd_vfbc_vf_poll(vf, tokens[done % depth], buf, sizeof(buf));
		if (ret == -EAGAIN)
			continue;
		if (ret != BENCH_BLOCK_LEN)
			goto fail;
		done++;
	}
	free(tokens);
	return (double)done / cycles_to_ns(rte_rdtsc() - t0) * 1e9;
fail:
	fprintf(stderr, "vfbc-bench: pipelined read %" PRIu64 " failed\n", done);
	free(tokens);
	return -1;
}

static void
print_row(const char *name, const struct percentiles *p)
{
	printf("  %-26s %9.0f %9.0f %9.0f %9.0f\n", name, p->p50, p->p90, p->p99, p->p999);
}

static int
parse_opts(int argc, char **argv, struct bench_opts *o)
{
	int c;

	o->iterations = 200000;
	o->depth = 64;
	o->seconds = 2.0;
	o->slow_ms = 0;
	while ((c = getopt(argc, argv, "n:d:t:s:")) != -1) {
		switch (c) {
		case 'n':
			o->iterations = (unsigned int)atoi(optarg);
			break;
		case 'd':
			o->depth = (unsigned int)atoi(optarg);
			break;
		case 't':
			o->seconds = atof(optarg);
			break;
		case 's':
			o->slow_ms = (unsigned int)atoi(optarg);
			break;
		default:
			fprintf(stderr, "usage: vfbc-bench <EAL args> -- [-n iterations] "
					"[-d depth] [-t seconds] [-s callback_ms]\n");
			return -1;
		}
	}
	if (o->iterations < 1000 || !rte_is_power_of_2(o->depth) || o->seconds <= 0) {
		fprintf(stderr, "vfbc-bench: need -n >= 1000, -d a power of two, -t > 0\n");
		return -1;
	}
	return 0;
}

static const char *
verdict(bool met)
{
	return met ? "met" : "MISSED";
}

/* p50 ratio of each round, reported as min / median / max. */
struct round_ratios {
	double r[BENCH_ROUNDS];
	unsigned int n;
};

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/*
 * Alternate baseline and vfbc rounds on the same lcores: a VM's vCPUs may be
 * moved between physical cores during a run, and both measurements must see
 * the same conditions.
 */
static int
measure_latency(const struct bench_opts *o, unsigned int worker, int vf, uint32_t sid,
		struct percentiles *base, struct percentiles *rtt, struct round_ratios *rr)
{
	unsigned int per = o->iterations / BENCH_ROUNDS, r;
	uint64_t *b = calloc(per * BENCH_ROUNDS, sizeof(*b));
	uint64_t *v = calloc(per * BENCH_ROUNDS, sizeof(*v));
	uint64_t *tmp = calloc(per, sizeof(*tmp));
	int ret = -1;

	if (b == NULL || v == NULL || tmp == NULL)
		goto out;
	for (r = 0; r < BENCH_ROUNDS; r++) {
		uint64_t *br = b + r * per, *vr = v + r * per;

		measure_pingpong(worker, per, br);
		if (service_lcore_on(worker, sid) != 0 || measure_read_rtt(vf, per, vr) != 0 ||
				service_lcore_off(worker, sid) != 0)
			goto out;
		memcpy(tmp, vr, per * sizeof(*tmp));
		rr->r[r] = percentiles_of(tmp, per).p50;
		memcpy(tmp, br, per * sizeof(*tmp));
		rr->r[r] /= percentiles_of(tmp, per).p50;
	}
	rr->n = BENCH_ROUNDS;
	qsort(rr->r, rr->n, sizeof(rr->r[0]), cmp_double);
	*base = percentiles_of(b, per * BENCH_ROUNDS);
	*rtt = percentiles_of(v, per * BENCH_ROUNDS);
	ret = 0;
out:
	free(b);
	free(v);
	free(tmp);
	return ret;
}

/* Alternating rounds as well. @return 0, with the rates in ops/s. */
static int
measure_throughput(const struct bench_opts *o, unsigned int worker, int vf, uint32_t sid,
		double *base_ops, double *vfbc_ops)
{
	double slice = o->seconds / BENCH_ROUNDS, ops;
	unsigned int r;

	*base_ops = 0;
	*vfbc_ops = 0;
	for (r = 0; r < BENCH_ROUNDS; r++) {
		*base_ops += measure_ring_pipeline(worker, o->depth, slice) / BENCH_ROUNDS;
		if (service_lcore_on(worker, sid) != 0)
			return -1;
		ops = measure_read_pipeline(vf, o->depth, slice);
		if (service_lcore_off(worker, sid) != 0 || ops < 0)
			return -1;
		*vfbc_ops += ops / BENCH_ROUNDS;
	}
	return 0;
}

static void
report(const struct bench_opts *o, unsigned int worker, const struct percentiles *base,
		const struct percentiles *rtt, const struct round_ratios *rr, double base_ops,
		double vfbc_ops)
{
	printf("latency: %u round trips in %u alternating rounds, VF on lcore %u, "
			"PF service on lcore %u (ns)\n", o->iterations, BENCH_ROUNDS,
			rte_lcore_id(), worker);
	printf("  %-26s %9s %9s %9s %9s\n", "", "p50", "p90", "p99", "p99.9");
	print_row("baseline cache-line RTT", base);
	print_row("vfbc 64-byte block read", rtt);
	printf("  %-26s %8.2fx %8.2fx %8.2fx %8.2fx\n", "ratio", rtt->p50 / base->p50,
			rtt->p90 / base->p90, rtt->p99 / base->p99, rtt->p999 / base->p999);
	printf("  %-26s min %.2fx, median %.2fx, max %.2fx\n", "p50 ratio per round",
			rr->r[0], rr->r[rr->n / 2], rr->r[rr->n - 1]);
	printf("throughput: depth %u, %.1f s each in %u alternating rounds\n", o->depth,
			o->seconds, BENCH_ROUNDS);
	printf("  %-26s %9.2f Mops/s\n", "baseline ring echo", base_ops / 1e6);
	printf("  %-26s %9.2f Mops/s\n", "vfbc pipelined reads", vfbc_ops / 1e6);
	printf("  %-26s %8.2fx\n", "ratio", vfbc_ops / base_ops);
	printf("targets: p50 <= 1.5x baseline: %s; p99 <= 3x baseline: %s; "
			">= 5 Mops/s: %s\n", verdict(rtt->p50 <= 1.5 * base->p50),
			verdict(rtt->p99 <= 3 * base->p99), verdict(vfbc_ops >= 5e6));
}

#define BENCH_NOTICES 2000

/* The time a sleeping thread woke up, set by the thread itself. */
static struct {
	uint32_t word;     /* futex word of the baseline */
	uint64_t woke_at;  /* rdtsc when the waker's news arrived, 0 before */
	bool stop;
} notice;

static int
notice_event_cb(uint16_t port_id, enum rte_eth_event_type event, void *cb_arg,
		void *ret_param)
{
	__atomic_store_n(&notice.woke_at, rte_rdtsc(), __ATOMIC_RELEASE);
	return 0;
}

static void *
futex_sleeper(void *arg)
{
	uint32_t seen = 0;

	while (!__atomic_load_n(&notice.stop, __ATOMIC_ACQUIRE)) {
		uint32_t now = __atomic_load_n(&notice.word, __ATOMIC_ACQUIRE);

		if (now == seen) {
			vfbc_futex_wait(&notice.word, seen, VFBC_NS_PER_SEC);
			continue;
		}
		seen = now;
		__atomic_store_n(&notice.woke_at, rte_rdtsc(), __ATOMIC_RELEASE);
	}
	return NULL;
}

/* Wait for the sleeper's answer to news sent at @p t0. @return the delay. */
static uint64_t
notice_delay(uint64_t t0)
{
	uint64_t at;

	while ((at = __atomic_load_n(&notice.woke_at, __ATOMIC_ACQUIRE)) == 0)
		rte_pause();
	__atomic_store_n(&notice.woke_at, 0, __ATOMIC_RELAXED);
	return at - t0;
}

/* Alternating rounds of PF invalidations and bare futex wakes. */
static int
measure_notices(int pf, int vf, struct percentiles *base, struct percentiles *ntf)
{
	uint64_t b[BENCH_NOTICES], v[BENCH_NOTICES], mask;
	unsigned int i, nb = 0, nv = 0, per = BENCH_NOTICES / BENCH_ROUNDS;
	pthread_t t;

	if (pthread_create(&t, NULL, futex_sleeper, NULL) != 0 ||
			rte_eth_dev_callback_register(vf, RTE_ETH_EVENT_VF_MBOX, notice_event_cb,
				NULL) != 0)
		return -1;
	for (i = 0; i < BENCH_NOTICES; i++) {
		uint64_t t0 = rte_rdtsc();

		if ((i / per) % 2 == 0) {
			vfbc_doorbell_ring(&notice.word);
			b[nb++] = notice_delay(t0);
		} else {
			rte_pmd_vfbc_pf_invalidate(pf, 0, 1);
			v[nv++] = notice_delay(t0);
			rte_pmd_vfbc_vf_get_invalidated(vf, &mask);
		}
	}
	__atomic_store_n(&notice.stop, true, __ATOMIC_RELEASE);
	vfbc_doorbell_ring(&notice.word);
	pthread_join(t, NULL);
	rte_eth_dev_callback_unregister(vf, RTE_ETH_EVENT_VF_MBOX, notice_event_cb, NULL);
	*base = percentiles_of(b, nb);
	*ntf = percentiles_of(v, nv);
	return 0;
}

static void
report_notices(const struct percentiles *base, const struct percentiles *ntf)
{
	printf("notices: %u invalidations to the VF port's event, in alternating rounds (ns)\n",
			BENCH_NOTICES / 2);
	printf("  %-26s %9s %9s %9s %9s\n", "", "p50", "p90", "p99", "p99.9");
	print_row("baseline futex wake", base);
	print_row("vfbc invalidate -> event", ntf);
	printf("  %-26s %8.2fx %8.2fx %8.2fx %8.2fx\n", "ratio", ntf->p50 / base->p50,
			ntf->p90 / base->p90, ntf->p99 / base->p99, ntf->p999 / base->p999);
}

static int
run(const struct bench_opts *o, unsigned int worker, const char *dir)
{
	struct percentiles base, rtt, ntf_base, ntf;
	struct round_ratios rr;
	double base_ops, vfbc_ops;
	uint32_t sid;
	int pf, vf;

	if (setup_ports(o->depth, dir, &pf, &vf, &sid) != 0 ||
			measure_latency(o, worker, vf, sid, &base, &rtt, &rr) != 0 ||
			measure_throughput(o, worker, vf, sid, &base_ops, &vfbc_ops) != 0 ||
			measure_notices(pf, vf, &ntf_base, &ntf) != 0) {
		fprintf(stderr, "vfbc-bench: cannot set up or read through vfbc ports\n");
		return -1;
	}
	report(o, worker, &base, &rtt, &rr, base_ops, vfbc_ops);
	report_notices(&ntf_base, &ntf);
	rte_eth_dev_close(vf);
	rte_eth_dev_close(pf);
	return 0;
}

/* ------------------------------------------------ the slow PF application */

#define SLOW_BLOCK_ID 0x43
#define SLOW_WARMUP 100
/* Samples kept per measurement, which lasts -t seconds. */
#define SLOW_READS_MAX (1u << 22)

static struct {
	unsigned int ms;      /* how long the callback takes for VF 0 */
	bool stop;            /* the writer thread stops */
	uint64_t calls;       /* callbacks for VF 0 entered */
	uint64_t writes;      /* VF 0's writes done */
	int vf0;
} slow;

static int
slow_event_cb(uint16_t port_id, enum rte_eth_event_type event, void *cb_arg,
		void *ret_param)
{
	const struct rte_pmd_vfbc_mb_event_param *p = ret_param;

	if (p->vf == 0) {
		__atomic_fetch_add(&slow.calls, 1, __ATOMIC_RELEASE);
		rte_delay_us_sleep(slow.ms * 1000);
	}
	return 0;
}

/* VF 0, in a thread of its own: one write after the other, each slowly decided. */
static void *
slow_writer(void *arg)
{
	uint8_t buf[8] = { 0 };

	while (!__atomic_load_n(&slow.stop, __ATOMIC_ACQUIRE)) {
		if (rte_pmd_vfbc_vf_write_block(slow.vf0, SLOW_BLOCK_ID, buf, sizeof(buf)) == 0)
			__atomic_fetch_add(&slow.writes, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

/* A PF with decide=@p decide, VF 0 and VF 1 ports, service on @p worker. */
static int
slow_setup(const char *dir, const char *decide, unsigned int idx, int *pf, int *vf,
		uint32_t *sid)
{
	char args[512], name[64], vname[64];
	uint8_t block[BENCH_BLOCK_LEN];
	unsigned int i;

	snprintf(name, sizeof(name), "net_vfbc_pf_slow%u", idx);
	snprintf(args, sizeof(args), "num_vfs=2,poll=service,decide=%s,region_dir=%s,"
			"block=%#x:8:rw,block=%#x:%u:r", decide, dir, SLOW_BLOCK_ID,
			BENCH_BLOCK_ID, BENCH_BLOCK_LEN);
	if (rte_vdev_init(name, args) != 0)
		return -1;
	*pf = port_of(name);
	memset(block, 0xcd, sizeof(block));
	if (rte_pmd_vfbc_pf_set_block(*pf, 1, BENCH_BLOCK_ID, block, sizeof(block)) != 0 ||
			rte_pmd_vfbc_pf_get_service_id(*pf, sid) != 0 ||
			rte_eth_dev_callback_register(*pf, RTE_ETH_EVENT_VF_MBOX, slow_event_cb,
				NULL) != 0)
		return -1;
	for (i = 0; i < 2; i++) {
		snprintf(vname, sizeof(vname), "net_vfbc_vf_slow%u_%u", idx, i);
		snprintf(args, sizeof(args), "pf=%s,vf=%u,timeout_ms=5000,region_dir=%s", name,
				i, dir);
		if (rte_vdev_init(vname, args) != 0)
			return -1;
		vf[i] = port_of(vname);
	}
	return 0;
}

static void
slow_teardown(int pf, const int *vf)
{
	rte_eth_dev_close(vf[0]);
	rte_eth_dev_close(vf[1]);
	rte_eth_dev_callback_unregister(pf, RTE_ETH_EVENT_VF_MBOX, slow_event_cb, NULL);
	rte_eth_dev_close(pf);
}

/*
 * VF 1's reads for @p seconds, with VF 0's slow writes going on if @p writer
 * (from its first callback on). @return samples taken, or -1.
 */
static int
slow_reads(int vf1, double seconds, bool writer, uint64_t *samples, uint64_t *writes)
{
	uint8_t buf[BENCH_BLOCK_LEN];
	unsigned int i, n = 0;
	uint64_t end;
	pthread_t t;
	int ret = 0;

	__atomic_store_n(&slow.stop, false, __ATOMIC_RELEASE);
	slow.writes = 0;
	slow.calls = 0;
	if (writer) {
		if (pthread_create(&t, NULL, slow_writer, NULL) != 0)
			return -1;
		while (__atomic_load_n(&slow.calls, __ATOMIC_ACQUIRE) == 0)
			rte_pause();
	}
	end = rte_rdtsc() + (uint64_t)(seconds * rte_get_tsc_hz());
	for (i = 0; n < SLOW_READS_MAX && ret == 0; i++) {
		uint64_t t0 = rte_rdtsc();

		if (t0 >= end)
			break;
		if (rte_pmd_vfbc_vf_read_block(vf1, BENCH_BLOCK_ID, buf, sizeof(buf)) !=
				BENCH_BLOCK_LEN)
			ret = -1;
		else if (i >= SLOW_WARMUP)
			samples[n++] = rte_rdtsc() - t0;
	}
	__atomic_store_n(&slow.stop, true, __ATOMIC_RELEASE);
	if (writer)
		pthread_join(t, NULL);
	*writes = slow.writes;
	return ret < 0 || n == 0 ? -1 : (int)n;
}

/* Sorted samples over 1 ms: reads that waited for a callback. */
static uint64_t
over_1ms(const uint64_t *sorted, unsigned int n)
{
	uint64_t ms = rte_get_tsc_hz() / 1000, k = 0;

	while (k < n && sorted[n - 1 - k] > ms)
		k++;
	return k;
}

static int
slow_one(const struct bench_opts *o, unsigned int worker, const char *dir, const char *decide,
		unsigned int idx)
{
	uint64_t *samples = calloc(SLOW_READS_MAX, sizeof(*samples)), writes = 0;
	struct percentiles alone, loaded;
	uint64_t max_alone, max_loaded, slow_alone, slow_loaded;
	int pf, vf[2], ret = -1, na, nl;
	uint32_t sid;

	if (samples == NULL || slow_setup(dir, decide, idx, &pf, vf, &sid) != 0 ||
			service_lcore_on(worker, sid) != 0)
		goto out;
	slow.vf0 = vf[0];
	na = slow_reads(vf[1], o->seconds / 2, false, samples, &writes);
	if (na < 0)
		goto off;
	alone = percentiles_of(samples, (unsigned int)na);
	max_alone = samples[na - 1];
	slow_alone = over_1ms(samples, (unsigned int)na);
	nl = slow_reads(vf[1], o->seconds / 2, true, samples, &writes);
	if (nl < 0)
		goto off;
	loaded = percentiles_of(samples, (unsigned int)nl);
	max_loaded = samples[nl - 1];
	slow_loaded = over_1ms(samples, (unsigned int)nl);
	printf("  decide=%-5s VF 1 alone       %9.0f %9.0f %9.0f %9.0f %10.0f %6" PRIu64
			" %8d\n", decide, alone.p50, alone.p90, alone.p99, alone.p999,
			cycles_to_ns(max_alone), slow_alone, na);
	printf("  decide=%-5s VF 0 slow writes %9.0f %9.0f %9.0f %9.0f %10.0f %6" PRIu64
			" %8d  (%" PRIu64 " slow writes)\n", decide, loaded.p50, loaded.p90,
			loaded.p99, loaded.p999, cycles_to_ns(max_loaded), slow_loaded, nl, writes);
	ret = 0;
off:
	service_lcore_off(worker, sid);
	slow_teardown(pf, vf);
out:
	free(samples);
	return ret;
}

static int
run_slow(const struct bench_opts *o, unsigned int worker, const char *dir)
{
	slow.ms = o->slow_ms;
	printf("slow app: VF 1's 64-byte reads for %.1f s, then as long with VF 0's writes "
			"decided in %u ms each; PF service on lcore %u (ns)\n", o->seconds / 2,
			o->slow_ms, worker);
	printf("  %-29s %9s %9s %9s %9s %10s %6s %8s\n", "", "p50", "p90", "p99", "p99.9",
			"max", ">1ms", "reads");
	if (slow_one(o, worker, dir, "async", 0) != 0 ||
			slow_one(o, worker, dir, "sync", 1) != 0) {
		fprintf(stderr, "vfbc-bench: slow application mode failed\n");
		return -1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	char dir[] = "vfbc-bench-XXXXXX";
	struct bench_opts o;
	unsigned int worker;
	int ret;

	ret = rte_eal_init(argc, argv);
	if (ret < 0) {
		fprintf(stderr, "vfbc-bench: cannot init EAL\n");
		return 1;
	}
	if (parse_opts(argc - ret, argv + ret, &o) != 0)
		return 1;
	worker = rte_get_next_lcore(rte_get_main_lcore(), 1, 0);
	if (worker >= RTE_MAX_LCORE) {
		fprintf(stderr, "vfbc-bench: needs two lcores, e.g. -l 0-1\n");
		return 1;
	}
	if (mkdtemp(dir) == NULL) {
		perror("vfbc-bench: mkdtemp");
		return 1;
	}
	ret = o.slow_ms != 0 ? run_slow(&o, worker, dir) : run(&o, worker, dir);
	rmdir(dir);
	rte_eal_cleanup();
	return ret == 0 ? 0 : 1;
}
