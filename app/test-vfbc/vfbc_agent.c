/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfbc authors
 *
 * vfbc-agent: a PF or a VF process driven line by line on stdin, so that test
 * scenarios can put a PF and its VFs in separate processes, the way a guest's
 * VF driver is separate from the host's PF driver.
 *
 * Usage: vfbc-agent <EAL args with one --vdev net_vfbc_pf... or net_vfbc_vf...> -- MODE
 * MODE: pf, vf, or vf-stopped (a VF port configured, not started until port_start)
 *
 * After EAL init it prints "READY port=<id>", then answers every command with
 * exactly one line: "OK[ <result>]" or "ERR -<errno name>" (-ENOSYS: no such
 * command in this mode; -EINVAL: bad arguments; else what the API returned).
 * Blank lines are ignored; end of input acts as quit without the BYE.
 *
 *   both: quit                                   -> BYE
 *         mac                                    -> OK <the port's MAC address>
 *         send <MAC> <seed> <n>                  send n frames to MAC, seeds seed.. seed+n-1
 *                                                -> OK <frames the port took>
 *         recv <n>                               poll until n frames came (or 5 s)
 *                                                -> OK <frames> <damaged> <first>-<last>|-
 *         stats                                  -> OK <ipackets> <opackets> <ierrors> <oerrors>
 *         xstat <name>                           -> OK <value>
 *         port_stop   port_start                 stop / start the port (PF: the VFs' uplink)
 *   PF:   define <vf> <id> <capacity> <r|w|rw|none>
 *         set <vf> <id> <hex>   get <vf> <id>    -> OK <len> <hex>
 *         invalidate <vf> <mask>
 *         deny <id>   allow <id>                 VF writes to <id> get -EACCES
 *         events                                 -> OK <VF_MBOX events so far>
 *         stall   unstall                        stop / resume the PF mailbox service
 *         hold <id>                              VF_MBOX callbacks for <id> wait for release
 *         held                                   -> OK <callbacks waiting in hold now>
 *         release                                let them (and later ones) go on
 *         attached <vf>                          -> OK 1|0: whether the VF is attached
 *   VF:   read <id> <len>                        -> OK <n> <hex>
 *         write <id> <hex>
 *         inval                                  -> OK <mask, 0x hex>
 *         link                                   -> OK up|down
 *         lsc                                    -> OK <link status change events so far>
 *         mtu <mtu>                              rte_eth_dev_set_mtu()
 *         post_read <id> <len>                   -> OK <token> (rte_pmd_vfbc_vf_post_read)
 *         poll <token> <len>                     -> OK <n> <hex> (rte_pmd_vfbc_vf_poll)
 *         mtu_info                               -> OK <max_mtu> <max_rx_pktlen> <MTU now>
 *
 * Numbers take C syntax (0x... hex). Payloads are plain hex strings.
 */

#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* strerrorname_np */
#endif
#include <errno.h>
#include <pthread.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_ether.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_service.h>
#include <rte_spinlock.h>

#include "rte_pmd_vfbc.h"

#define AGENT_DATA_MAX (1u << 20) /* the largest mailbox slot a PF may have */
#define AGENT_REPLY_MAX (2 * AGENT_DATA_MAX + 32)
#define AGENT_MAX_ARGS 5
#define AGENT_MAX_DENIED 64
#define AGENT_STALL_WAIT_MS 1000
#define AGENT_POOL_MBUFS 511
#define AGENT_NB_DESC 128
#define AGENT_BURST 32
#define AGENT_RECV_MAX 4096
#define AGENT_RECV_WAIT_MS 5000
#define AGENT_ETHER_TYPE 0x88b5

enum agent_mode {
	AGENT_PF = 1 << 0,
	AGENT_VF = 1 << 1,
	AGENT_ANY = AGENT_PF | AGENT_VF,
};

struct agent {
	enum agent_mode mode;
	uint16_t port;
	bool quit;
	FILE *out;                /* the protocol stream: the original stdout */
	struct rte_mempool *pool; /* the queues' and the send command's mbufs */
	bool started;
	bool no_start;      /* vf-stopped: configure the port, do not start it */
	/* PF policy, read by the VF_MBOX callback on the service lcore. */
	rte_spinlock_t lock;
	uint32_t denied[AGENT_MAX_DENIED];
	unsigned int nb_denied;
	uint64_t events;
	/* hold: callbacks for hold_id wait on hold_cond while holding. */
	pthread_mutex_t hold_lock;
	pthread_cond_t hold_cond;
	bool holding;
	uint32_t hold_id;
	unsigned int held;
	uint64_t lsc;             /* VF: RTE_ETH_EVENT_INTR_LSC events */
};

/* Scratch buffers: one command at a time, too large for the stack. */
static uint8_t data_buf[AGENT_DATA_MAX];
static char reply_buf[AGENT_REPLY_MAX];

/* Whole-string C number (0x... for hex) of at most @p max. */
static bool
parse_u64(const char *s, uint64_t max, uint64_t *v)
{
	unsigned long long x;
	char *end;

	errno = 0;
	x = strtoull(s, &end, 0);
	*v = x;
	return s[0] != '-' && errno == 0 && end != s && *end == '\0' && x <= max;
}

static bool
parse_u32(const char *s, uint32_t *v)
{
	uint64_t x;
	bool ok = parse_u64(s, UINT32_MAX, &x);

	*v = (uint32_t)x;
	return ok;
}

static bool
parse_vf(const char *s, uint16_t *vf)
{
	uint64_t x;
	bool ok = parse_u64(s, UINT16_MAX, &x);

	*vf = (uint16_t)x;
	return ok;
}

static int
hex_nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decode @p s into data_buf. @return bytes, or -EINVAL / -E2BIG. */
static int
hex_decode(const char *s)
{
	size_t n = strlen(s), i;

	if (n % 2 != 0)
		return -EINVAL;
	if (n / 2 > AGENT_DATA_MAX)
		return -E2BIG;
	for (i = 0; i < n / 2; i++) {
		int hi = hex_nibble(s[2 * i]), lo = hex_nibble(s[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -EINVAL;
		data_buf[i] = (uint8_t)(hi << 4 | lo);
	}
	return (int)(n / 2);
}

/* "<n>" or "<n> <hex>" of the first @p n bytes of data_buf into @p out. */
static void
format_data(char *out, int n)
{
	static const char digits[] = "0123456789abcdef";
	int i, pos = sprintf(out, "%d", n);

	if (n > 0)
		out[pos++] = ' ';
	for (i = 0; i < n; i++) {
		out[pos++] = digits[data_buf[i] >> 4];
		out[pos++] = digits[data_buf[i] & 0xf];
	}
	out[pos] = '\0';
}

/* The errno names rte_pmd_vfbc.h documents, spelled as it spells them:
 * glibc would name ENOTSUP EOPNOTSUPP.
 */
static const struct {
	int err;
	const char *name;
} errno_names[] = {
	{ ENOTSUP, "ENOTSUP" },
	{ EINVAL, "EINVAL" },
	{ ENOENT, "ENOENT" },
	{ EACCES, "EACCES" },
	{ EMSGSIZE, "EMSGSIZE" },
	{ ETIMEDOUT, "ETIMEDOUT" },
	{ ENOTCONN, "ENOTCONN" },
};

static const char *
errno_name(int err)
{
	unsigned int i;

	for (i = 0; i < RTE_DIM(errno_names); i++)
		if (errno_names[i].err == err)
			return errno_names[i].name;
	return strerrorname_np(err);
}

/* ---- PF commands ---- */

static bool
is_denied(struct agent *ag, uint32_t id)
{
	unsigned int i;

	for (i = 0; i < ag->nb_denied; i++)
		if (ag->denied[i] == id)
			return true;
	return false;
}

/* A callback the test holds: it stays in the PF application until released. */
static void
hold_here(struct agent *ag, uint32_t id)
{
	pthread_mutex_lock(&ag->hold_lock);
	if (ag->holding && ag->hold_id == id) {
		ag->held++;
		while (ag->holding)
			pthread_cond_wait(&ag->hold_cond, &ag->hold_lock);
		ag->held--;
	}
	pthread_mutex_unlock(&ag->hold_lock);
}

static void
hold_release(struct agent *ag)
{
	pthread_mutex_lock(&ag->hold_lock);
	ag->holding = false;
	pthread_cond_broadcast(&ag->hold_cond);
	pthread_mutex_unlock(&ag->hold_lock);
}

/* RTE_ETH_EVENT_VF_MBOX: runs on the PF's service lcore or control thread. */
static int
vf_mbox_event(uint16_t port_id, enum rte_eth_event_type type, void *arg, void *param)
{
	struct rte_pmd_vfbc_mb_event_param *p = param;
	struct agent *ag = arg;

	rte_spinlock_lock(&ag->lock);
	ag->events++;
	if (p->op == RTE_PMD_VFBC_MB_OP_WRITE && is_denied(ag, p->block_id))
		p->retval = RTE_PMD_VFBC_MB_EVENT_DENY;
	rte_spinlock_unlock(&ag->lock);
	hold_here(ag, p->block_id);
	return 0;
}

static const struct {
	const char *name;
	uint32_t flags;
} rights[] = {
	{ "none", 0 },
	{ "r", RTE_PMD_VFBC_BLOCK_VF_READ },
	{ "w", RTE_PMD_VFBC_BLOCK_VF_WRITE },
	{ "rw", RTE_PMD_VFBC_BLOCK_VF_READ | RTE_PMD_VFBC_BLOCK_VF_WRITE },
};

static int
cmd_define(struct agent *ag, char **argv, char *out)
{
	uint32_t id, cap;
	unsigned int i;
	uint16_t vf;

	if (!parse_vf(argv[0], &vf) || !parse_u32(argv[1], &id) || !parse_u32(argv[2], &cap))
		return -EINVAL;
	for (i = 0; i < RTE_DIM(rights); i++)
		if (strcmp(argv[3], rights[i].name) == 0)
			return rte_pmd_vfbc_pf_define_block(ag->port, vf, id, cap,
					rights[i].flags);
	return -EINVAL;
}

static int
cmd_set(struct agent *ag, char **argv, char *out)
{
	uint16_t vf;
	uint32_t id;
	int len;

	if (!parse_vf(argv[0], &vf) || !parse_u32(argv[1], &id))
		return -EINVAL;
	len = hex_decode(argv[2]);
	if (len < 0)
		return len;
	return rte_pmd_vfbc_pf_set_block(ag->port, vf, id, data_buf, (uint32_t)len);
}

static int
cmd_get(struct agent *ag, char **argv, char *out)
{
	uint16_t vf;
	uint32_t id;
	int n;

	if (!parse_vf(argv[0], &vf) || !parse_u32(argv[1], &id))
		return -EINVAL;
	n = rte_pmd_vfbc_pf_get_block(ag->port, vf, id, data_buf, sizeof(data_buf));
	if (n >= 0)
		format_data(out, n);
	return n < 0 ? n : 0;
}

static int
cmd_invalidate(struct agent *ag, char **argv, char *out)
{
	uint64_t mask;
	uint16_t vf;

	if (!parse_vf(argv[0], &vf) || !parse_u64(argv[1], UINT64_MAX, &mask))
		return -EINVAL;
	return rte_pmd_vfbc_pf_invalidate(ag->port, vf, mask);
}

static int
cmd_deny(struct agent *ag, char **argv, char *out)
{
	uint32_t id;
	int ret = 0;

	if (!parse_u32(argv[0], &id))
		return -EINVAL;
	rte_spinlock_lock(&ag->lock);
	if (!is_denied(ag, id)) {
		if (ag->nb_denied < AGENT_MAX_DENIED)
			ag->denied[ag->nb_denied++] = id;
		else
			ret = -ENOSPC;
	}
	rte_spinlock_unlock(&ag->lock);
	return ret;
}

static int
cmd_allow(struct agent *ag, char **argv, char *out)
{
	unsigned int i;
	uint32_t id;

	if (!parse_u32(argv[0], &id))
		return -EINVAL;
	rte_spinlock_lock(&ag->lock);
	for (i = 0; i < ag->nb_denied; i++) {
		if (ag->denied[i] == id) {
			ag->denied[i] = ag->denied[--ag->nb_denied];
			break;
		}
	}
	rte_spinlock_unlock(&ag->lock);
	return 0;
}

static int
cmd_hold(struct agent *ag, char **argv, char *out)
{
	uint32_t id;

	if (!parse_u32(argv[0], &id))
		return -EINVAL;
	pthread_mutex_lock(&ag->hold_lock);
	ag->hold_id = id;
	ag->holding = true;
	pthread_mutex_unlock(&ag->hold_lock);
	return 0;
}

static int
cmd_held(struct agent *ag, char **argv, char *out)
{
	pthread_mutex_lock(&ag->hold_lock);
	sprintf(out, "%u", ag->held);
	pthread_mutex_unlock(&ag->hold_lock);
	return 0;
}

static int
cmd_release(struct agent *ag, char **argv, char *out)
{
	hold_release(ag);
	return 0;
}

static int
cmd_events(struct agent *ag, char **argv, char *out)
{
	uint64_t n;

	rte_spinlock_lock(&ag->lock);
	n = ag->events;
	rte_spinlock_unlock(&ag->lock);
	sprintf(out, "%" PRIu64, n);
	return 0;
}

static int
cmd_attached(struct agent *ag, char **argv, char *out)
{
	struct rte_pmd_vfbc_vf_stats st;
	uint32_t vf;
	int ret;

	if (!parse_u32(argv[0], &vf) || vf > UINT16_MAX)
		return -EINVAL;
	ret = rte_pmd_vfbc_pf_get_vf_stats(ag->port, (uint16_t)vf, &st);
	if (ret == 0)
		sprintf(out, "%u", st.attached);
	return ret;
}

/*
 * Stalling the PF. Its mailbox is served either by its rte_service on EAL
 * service lcores, or by a fallback control thread (no service lcore at probe,
 * or poll=thread) that ignores the service's run state and that no public API
 * stops. So stall works only for a PF started with poll=service and an EAL
 * service lcore (-s): it clears the service's run state, which keeps the
 * service lcores out of the callback, then waits until none is inside it, so
 * that OK means "stalled now". Without service lcores it answers -ENOTSUP.
 * (With poll=thread and -s the control thread would keep serving: don't.)
 */
static int
service_run(struct agent *ag, bool run)
{
	uint64_t deadline;
	uint32_t id;
	int ret = rte_pmd_vfbc_pf_get_service_id(ag->port, &id);

	if (ret < 0)
		return ret;
	if (rte_service_lcore_count() <= 0)
		return -ENOTSUP;
	ret = rte_service_runstate_set(id, run);
	if (ret < 0 || run)
		return ret;
	deadline = rte_get_timer_cycles() + rte_get_timer_hz() * AGENT_STALL_WAIT_MS / 1000;
	while (rte_service_may_be_active(id) == 1) {
		if (rte_get_timer_cycles() > deadline)
			return -EBUSY;
		rte_delay_us_sleep(100);
	}
	return 0;
}

static int
cmd_stall(struct agent *ag, char **argv, char *out)
{
	return service_run(ag, false);
}

static int
cmd_unstall(struct agent *ag, char **argv, char *out)
{
	return service_run(ag, true);
}

/* A PF port's state is its VFs' uplink; a VF port's start maps its queues. */
static int
cmd_port_stop(struct agent *ag, char **argv, char *out)
{
	int ret = rte_eth_dev_stop(ag->port);

	ag->started = ag->started && ret != 0;
	return ret;
}

static int
cmd_port_start(struct agent *ag, char **argv, char *out)
{
	int ret = rte_eth_dev_start(ag->port);

	ag->started = ag->started || ret == 0;
	return ret;
}

/* ---- VF commands ---- */

static int
cmd_read(struct agent *ag, char **argv, char *out)
{
	uint32_t id, len;
	int n;

	if (!parse_u32(argv[0], &id) || !parse_u32(argv[1], &len) ||
			len > AGENT_DATA_MAX)
		return -EINVAL;
	n = rte_pmd_vfbc_vf_read_block(ag->port, id, data_buf, len);
	if (n >= 0)
		format_data(out, n);
	return n < 0 ? n : 0;
}

static int
cmd_write(struct agent *ag, char **argv, char *out)
{
	uint32_t id;
	int len;

	if (!parse_u32(argv[0], &id))
		return -EINVAL;
	len = hex_decode(argv[1]);
	if (len < 0)
		return len;
	return rte_pmd_vfbc_vf_write_block(ag->port, id, data_buf, (uint32_t)len);
}

static int
cmd_post_read(struct agent *ag, char **argv, char *out)
{
	uint32_t id, len, token;
	int ret;

	if (!parse_u32(argv[0], &id) || !parse_u32(argv[1], &len) || len > AGENT_DATA_MAX)
		return -EINVAL;
	ret = rte_pmd_vfbc_vf_post_read(ag->port, id, len, &token);
	if (ret == 0)
		sprintf(out, "%u", token);
	return ret;
}

static int
cmd_poll(struct agent *ag, char **argv, char *out)
{
	uint32_t token, len;
	int n;

	if (!parse_u32(argv[0], &token) || !parse_u32(argv[1], &len) || len > AGENT_DATA_MAX)
		return -EINVAL;
	n = rte_pmd_vfbc_vf_poll(ag->port, token, data_buf, len);
	if (n >= 0)
		format_data(out, n);
	return n < 0 ? n : 0;
}

static int
cmd_inval(struct agent *ag, char **argv, char *out)
{
	uint64_t mask;
	int ret = rte_pmd_vfbc_vf_get_invalidated(ag->port, &mask);

	if (ret == 0)
		sprintf(out, "0x%" PRIx64, mask);
	return ret;
}

static int
cmd_link(struct agent *ag, char **argv, char *out)
{
	struct rte_eth_link link;
	int ret = rte_eth_link_get_nowait(ag->port, &link);

	if (ret == 0)
		strcpy(out, link.link_status == RTE_ETH_LINK_UP ? "up" : "down");
	return ret;
}

static int
cmd_mtu(struct agent *ag, char **argv, char *out)
{
	uint32_t mtu;

	if (!parse_u32(argv[0], &mtu) || mtu > UINT16_MAX)
		return -EINVAL;
	return rte_eth_dev_set_mtu(ag->port, (uint16_t)mtu);
}

static int
cmd_mtu_info(struct agent *ag, char **argv, char *out)
{
	struct rte_eth_dev_info info;
	uint16_t mtu;
	int ret = rte_eth_dev_info_get(ag->port, &info);

	if (ret == 0)
		ret = rte_eth_dev_get_mtu(ag->port, &mtu);
	if (ret == 0)
		sprintf(out, "%u %u %u", info.max_mtu, info.max_rx_pktlen, mtu);
	return ret;
}

/* ---- datapath commands (both) ---- */

/* Frames of the datapath tests: the seed after the header, then a pattern of it. */
static uint16_t
frame_len(uint32_t seed)
{
	return (uint16_t)(60 + (seed * 97) % (1514 - 60 + 1));
}

static uint8_t
frame_byte(uint32_t seed, uint32_t i)
{
	return (uint8_t)(seed * 131 + i * 7 + 1);
}

static struct rte_mbuf *
frame_build(struct agent *ag, const struct rte_ether_addr *dst, uint32_t seed)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(ag->pool);
	uint16_t len = frame_len(seed), i;
	struct rte_ether_hdr *eh;
	uint8_t *p;

	if (m == NULL)
		return NULL;
	p = (uint8_t *)rte_pktmbuf_append(m, len);
	if (p == NULL) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	eh = (struct rte_ether_hdr *)p;
	eh->dst_addr = *dst;
	rte_eth_macaddr_get(ag->port, &eh->src_addr);
	eh->ether_type = rte_cpu_to_be_16(AGENT_ETHER_TYPE);
	memcpy(p + sizeof(*eh), &seed, sizeof(seed));
	for (i = sizeof(*eh) + sizeof(seed); i < len; i++)
		p[i] = frame_byte(seed, i);
	return m;
}

/* The seed of a whole frame, or -1 if it is damaged. */
static int64_t
frame_seed(const struct rte_mbuf *m)
{
	const uint8_t *p = rte_pktmbuf_mtod(m, const uint8_t *);
	uint32_t seed, i;

	if (m->nb_segs != 1 || m->pkt_len < sizeof(struct rte_ether_hdr) + sizeof(seed))
		return -1;
	memcpy(&seed, p + sizeof(struct rte_ether_hdr), sizeof(seed));
	if (m->pkt_len != frame_len(seed))
		return -1;
	for (i = sizeof(struct rte_ether_hdr) + sizeof(seed); i < m->pkt_len; i++)
		if (p[i] != frame_byte(seed, i))
			return -1;
	return seed;
}

static int
cmd_mac(struct agent *ag, char **argv, char *out)
{
	struct rte_ether_addr mac;
	int ret = rte_eth_macaddr_get(ag->port, &mac);

	if (ret == 0)
		rte_ether_format_addr(out, RTE_ETHER_ADDR_FMT_SIZE, &mac);
	return ret;
}

static int
cmd_send(struct agent *ag, char **argv, char *out)
{
	struct rte_mbuf *pkts[AGENT_BURST];
	struct rte_ether_addr dst;
	uint32_t seed, n, done = 0, i;

	if (rte_ether_unformat_addr(argv[0], &dst) != 0 || !parse_u32(argv[1], &seed) ||
			!parse_u32(argv[2], &n))
		return -EINVAL;
	while (done < n) {
		uint32_t b = RTE_MIN(n - done, (uint32_t)AGENT_BURST);
		uint16_t sent;

		for (i = 0; i < b; i++) {
			pkts[i] = frame_build(ag, &dst, seed + done + i);
			if (pkts[i] == NULL) {
				rte_pktmbuf_free_bulk(pkts, i);
				return -ENOMEM;
			}
		}
		sent = rte_eth_tx_burst(ag->port, 0, pkts, (uint16_t)b);
		rte_pktmbuf_free_bulk(pkts + sent, b - sent);
		done += sent;
		if (sent < b)
			break;
	}
	sprintf(out, "%u", done);
	return 0;
}

/* Frames received in order of seeds? "<first>-<last>" if consecutive, else "mixed". */
static int
cmd_recv(struct agent *ag, char **argv, char *out)
{
	uint64_t deadline = rte_get_timer_cycles() + rte_get_timer_hz() * AGENT_RECV_WAIT_MS / 1000;
	struct rte_mbuf *pkts[AGENT_BURST];
	uint32_t want, got = 0, bad = 0, first = 0, last = 0, i;
	bool in_order = true;

	if (!parse_u32(argv[0], &want) || want > AGENT_RECV_MAX)
		return -EINVAL;
	while (got + bad < want && rte_get_timer_cycles() < deadline) {
		uint16_t n = rte_eth_rx_burst(ag->port, 0, pkts, AGENT_BURST);

		for (i = 0; i < n; i++) {
			int64_t seed = frame_seed(pkts[i]);

			if (seed < 0) {
				bad++;
				continue;
			}
			if (got == 0)
				first = (uint32_t)seed;
			else if ((uint32_t)seed != last + 1)
				in_order = false;
			last = (uint32_t)seed;
			got++;
		}
		rte_pktmbuf_free_bulk(pkts, n);
	}
	if (got == 0)
		sprintf(out, "0 %u -", bad);
	else if (in_order)
		sprintf(out, "%u %u %u-%u", got, bad, first, last);
	else
		sprintf(out, "%u %u mixed", got, bad);
	return 0;
}

static int
cmd_stats(struct agent *ag, char **argv, char *out)
{
	struct rte_eth_stats st;
	int ret = rte_eth_stats_get(ag->port, &st);

	if (ret == 0)
		sprintf(out, "%" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64, st.ipackets,
				st.opackets, st.ierrors, st.oerrors);
	return ret;
}

static int
cmd_xstat(struct agent *ag, char **argv, char *out)
{
	uint64_t id, val;
	int ret = rte_eth_xstats_get_id_by_name(ag->port, argv[0], &id);

	if (ret == 0 && rte_eth_xstats_get_by_id(ag->port, &id, &val, 1) != 1)
		ret = -EIO;
	if (ret == 0)
		sprintf(out, "%" PRIu64, val);
	return ret;
}

static int
cmd_lsc(struct agent *ag, char **argv, char *out)
{
	rte_spinlock_lock(&ag->lock);
	sprintf(out, "%" PRIu64, ag->lsc);
	rte_spinlock_unlock(&ag->lock);
	return 0;
}

static int
cmd_quit(struct agent *ag, char **argv, char *out)
{
	ag->quit = true;
	return 0;
}

struct command {
	const char *name;
	enum agent_mode modes;
	int argc;
	int (*fn)(struct agent *ag, char **argv, char *out);
};

static const struct command commands[] = {
	{ "quit", AGENT_ANY, 0, cmd_quit },
	{ "mac", AGENT_ANY, 0, cmd_mac },
	{ "send", AGENT_ANY, 3, cmd_send },
	{ "recv", AGENT_ANY, 1, cmd_recv },
	{ "stats", AGENT_ANY, 0, cmd_stats },
	{ "xstat", AGENT_ANY, 1, cmd_xstat },
	{ "define", AGENT_PF, 4, cmd_define },
	{ "set", AGENT_PF, 3, cmd_set },
	{ "get", AGENT_PF, 2, cmd_get },
	{ "invalidate", AGENT_PF, 2, cmd_invalidate },
	{ "deny", AGENT_PF, 1, cmd_deny },
	{ "allow", AGENT_PF, 1, cmd_allow },
	{ "events", AGENT_PF, 0, cmd_events },
	{ "stall", AGENT_PF, 0, cmd_stall },
	{ "unstall", AGENT_PF, 0, cmd_unstall },
	{ "port_stop", AGENT_ANY, 0, cmd_port_stop },
	{ "port_start", AGENT_ANY, 0, cmd_port_start },
	{ "hold", AGENT_PF, 1, cmd_hold },
	{ "held", AGENT_PF, 0, cmd_held },
	{ "release", AGENT_PF, 0, cmd_release },
	{ "attached", AGENT_PF, 1, cmd_attached },
	{ "read", AGENT_VF, 2, cmd_read },
	{ "write", AGENT_VF, 2, cmd_write },
	{ "inval", AGENT_VF, 0, cmd_inval },
	{ "post_read", AGENT_VF, 2, cmd_post_read },
	{ "poll", AGENT_VF, 2, cmd_poll },
	{ "link", AGENT_VF, 0, cmd_link },
	{ "lsc", AGENT_VF, 0, cmd_lsc },
	{ "mtu", AGENT_VF, 1, cmd_mtu },
	{ "mtu_info", AGENT_VF, 0, cmd_mtu_info },
};

/* Run one command line; @return its result, its extra answer text in @p out. */
static int
dispatch(struct agent *ag, char *line, char *out)
{
	char *argv[AGENT_MAX_ARGS + 1], *save = NULL, *name;
	unsigned int i;
	int argc = 0;

	name = strtok_r(line, " \t", &save);
	while (argc <= AGENT_MAX_ARGS && (argv[argc] = strtok_r(NULL, " \t", &save)) != NULL)
		argc++;
	for (i = 0; i < RTE_DIM(commands); i++) {
		const struct command *c = &commands[i];

		if (strcmp(name, c->name) != 0 || (c->modes & ag->mode) == 0)
			continue;
		if (argc != c->argc)
			return -EINVAL;
		return c->fn(ag, argv, out);
	}
	return -ENOSYS;
}

static void
answer(struct agent *ag, int ret, const char *text)
{
	if (ag->quit)
		fputs("BYE\n", ag->out);
	else if (ret == 0)
		fprintf(ag->out, "OK%s%s\n", text[0] != '\0' ? " " : "", text);
	else if (errno_name(-ret) != NULL)
		fprintf(ag->out, "ERR -%s\n", errno_name(-ret));
	else
		fprintf(ag->out, "ERR %d\n", ret);
	/* The driving test waits for this very line. */
	fflush(ag->out);
}

static void
serve_stdin(struct agent *ag)
{
	char *line = NULL;
	size_t cap = 0;

	while (!ag->quit && getline(&line, &cap, stdin) >= 0) {
		int ret;

		line[strcspn(line, "\r\n")] = '\0';
		if (line[strspn(line, " \t")] == '\0')
			continue;
		reply_buf[0] = '\0';
		ret = dispatch(ag, line, reply_buf);
		answer(ag, ret, reply_buf);
	}
	free(line);
}

/* ---- set-up and tear-down ---- */

static int
find_port(struct agent *ag)
{
	const char *want = ag->mode == AGENT_PF ? "net_vfbc_pf" : "net_vfbc_vf";
	uint16_t pid;

	RTE_ETH_FOREACH_DEV(pid) {
		struct rte_eth_dev_info info;

		if (rte_eth_dev_info_get(pid, &info) == 0 &&
				strcmp(info.driver_name, want) == 0) {
			ag->port = pid;
			return 0;
		}
	}
	fprintf(stderr, "vfbc-agent: no %s port: did its --vdev fail to probe?\n", want);
	return -ENODEV;
}

/* Both ports are started: a VF's link is up only while its PF's port is
 * started and the PF serves. Starting needs one queue of each kind.
 */
static int
start_port(struct agent *ag)
{
	struct rte_eth_conf conf = { 0 };
	int socket = rte_eth_dev_socket_id(ag->port);
	int ret;

	ag->pool = rte_pktmbuf_pool_create("agent_pool", AGENT_POOL_MBUFS, 0, 0,
			RTE_MBUF_DEFAULT_BUF_SIZE, rte_socket_id());
	if (ag->pool == NULL)
		return -rte_errno;
	ret = rte_eth_dev_configure(ag->port, 1, 1, &conf);
	if (ret == 0)
		ret = rte_eth_rx_queue_setup(ag->port, 0, AGENT_NB_DESC, socket, NULL, ag->pool);
	if (ret == 0)
		ret = rte_eth_tx_queue_setup(ag->port, 0, AGENT_NB_DESC, socket, NULL);
	if (ret == 0 && !ag->no_start)
		ret = rte_eth_dev_start(ag->port);
	ag->started = ret == 0 && !ag->no_start;
	if (ret < 0)
		fprintf(stderr, "vfbc-agent: cannot start port %u: %s\n", ag->port,
				rte_strerror(-ret));
	return ret;
}

/* RTE_ETH_EVENT_INTR_LSC of the VF port: raised by its control threads. */
static int
lsc_event(uint16_t port_id, enum rte_eth_event_type type, void *arg, void *param)
{
	struct agent *ag = arg;

	rte_spinlock_lock(&ag->lock);
	ag->lsc++;
	rte_spinlock_unlock(&ag->lock);
	return 0;
}

static int
setup(struct agent *ag)
{
	int ret = find_port(ag);

	if (ret < 0)
		return ret;
	if (ag->mode == AGENT_PF)
		ret = rte_eth_dev_callback_register(ag->port, RTE_ETH_EVENT_VF_MBOX,
				vf_mbox_event, ag);
	else
		ret = rte_eth_dev_callback_register(ag->port, RTE_ETH_EVENT_INTR_LSC,
				lsc_event, ag);
	return ret < 0 ? ret : start_port(ag);
}

static void
teardown(struct agent *ag)
{
	uint16_t pid;

	hold_release(ag); /* a held callback would keep the port from closing */
	if (ag->mode == AGENT_PF)
		rte_eth_dev_callback_unregister(ag->port, RTE_ETH_EVENT_VF_MBOX, vf_mbox_event,
				ag);
	else
		rte_eth_dev_callback_unregister(ag->port, RTE_ETH_EVENT_INTR_LSC, lsc_event, ag);
	if (ag->started)
		rte_eth_dev_stop(ag->port);
	RTE_ETH_FOREACH_DEV(pid)
		rte_eth_dev_close(pid);
	rte_mempool_free(ag->pool);
}

static int
parse_mode(int argc, char **argv, struct agent *ag)
{
	if (argc != 1)
		return -EINVAL;
	if (strcmp(argv[0], "pf") == 0) {
		ag->mode = AGENT_PF;
	} else if (strcmp(argv[0], "vf") == 0) {
		ag->mode = AGENT_VF;
	} else if (strcmp(argv[0], "vf-stopped") == 0) {
		ag->mode = AGENT_VF;
		ag->no_start = true;
	} else {
		return -EINVAL;
	}
	return 0;
}

/* Keep the protocol stream to ourselves: whatever a library prints on stdout
 * goes to stderr, so it cannot be mistaken for an answer.
 */
static FILE *
grab_stdout(void)
{
	int fd = dup(STDOUT_FILENO);
	FILE *f = fd < 0 ? NULL : fdopen(fd, "w");

	if (f == NULL || dup2(STDERR_FILENO, STDOUT_FILENO) < 0) {
		perror("vfbc-agent: stdout");
		exit(EXIT_FAILURE);
	}
	return f;
}

int
main(int argc, char **argv)
{
	struct agent ag = { .out = grab_stdout() };
	int n, ret;

	rte_spinlock_init(&ag.lock);
	pthread_mutex_init(&ag.hold_lock, NULL);
	pthread_cond_init(&ag.hold_cond, NULL);
	n = rte_eal_init(argc, argv);
	if (n < 0) {
		fprintf(stderr, "vfbc-agent: EAL init failed: %s\n", rte_strerror(rte_errno));
		return EXIT_FAILURE;
	}
	if (parse_mode(argc - n - 1, argv + n + 1, &ag) < 0) {
		fprintf(stderr, "usage: %s <EAL args> -- pf|vf\n", argv[0]);
		rte_eal_cleanup();
		return EXIT_FAILURE;
	}
	ret = setup(&ag);
	if (ret == 0) {
		fprintf(ag.out, "READY port=%u\n", ag.port);
		fflush(ag.out);
		serve_stdin(&ag);
	}
	teardown(&ag);
	rte_eal_cleanup();
	fclose(ag.out);
	return ret == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
