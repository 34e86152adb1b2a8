/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfbc authors
 *
 * Functional scenarios of the vfbc PMDs: a PF port and its VF ports in one
 * process, created with rte_vdev_init() and driven through rte_pmd_vfbc.h and
 * ethdev. Every case creates its own ports, in a fresh region directory under
 * $VFBC_TEST_TMP, and closes them again, so cases run alone or in any order.
 *
 * Usage: vfbc-test <EAL args> -- [filter]
 */

#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* OFD locks, thread affinity */
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
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <rte_bus_vdev.h>
#include <rte_common.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_pause.h>
#include <rte_random.h>
#include <rte_service.h>

#include "rte_pmd_vfbc.h"
#include "vfbc_test.h"
/* The region layout: to play a hostile VF, and to see a VF thread sleep. */
#include "../../lib/vfbc_pring.h"
#include "../../lib/vfbc_wire.h"

#define SUITE "vfbc"
/* VF timeout where an answer is expected, and where a timeout is. */
#define LONG_MS 5000
#define SHORT_MS 200
/* Bound of every wait for something that must happen soon. */
#define WAIT_MS 5000
#define MAX_VF_PORTS 4
#define NAME_LEN 64
#define ARGS_LEN (PATH_MAX + 512)

#define RW (RTE_PMD_VFBC_BLOCK_VF_READ | RTE_PMD_VFBC_BLOCK_VF_WRITE)
#define RD RTE_PMD_VFBC_BLOCK_VF_READ
#define WR RTE_PMD_VFBC_BLOCK_VF_WRITE

/* ---------------------------------------------------------------- helpers */

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* A byte pattern that differs with the seed, so stale data is noticed. */
static uint8_t
pattern_byte(uint32_t seed, uint32_t i)
{
	return (uint8_t)(seed * 131 + (seed >> 8) + i * 7 + 1);
}

static void
pattern_fill(uint8_t *buf, uint32_t len, uint32_t seed)
{
	uint32_t i;

	for (i = 0; i < len; i++)
		buf[i] = pattern_byte(seed, i);
}

static bool
pattern_ok(const uint8_t *buf, uint32_t len, uint32_t seed)
{
	uint32_t i;

	for (i = 0; i < len; i++) {
		if (buf[i] != pattern_byte(seed, i))
			return false;
	}
	return true;
}

static bool
bytes_are(const uint8_t *buf, uint8_t val, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (buf[i] != val)
			return false;
	}
	return true;
}

/*
 * EAL pinned the main thread to lcore 0 and control threads next to it: let
 * the test's own threads run on any CPU, so that they really race with it.
 */
static int
thread_spawn(pthread_t *t, void *(*fn)(void *), void *arg)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	pthread_attr_t attr;
	cpu_set_t set;
	long i;
	int ret;

	CPU_ZERO(&set);
	for (i = 0; i < n && i < CPU_SETSIZE; i++)
		CPU_SET(i, &set);
	pthread_attr_init(&attr);
	pthread_attr_setaffinity_np(&attr, sizeof(set), &set);
	ret = pthread_create(t, &attr, fn, arg);
	pthread_attr_destroy(&attr);
	if (ret == EINVAL) /* CPUs we may not use: keep the default affinity */
		ret = pthread_create(t, NULL, fn, arg);
	if (ret != 0)
		printf("    pthread_create: %s\n", strerror(ret));
	return ret;
}

/* Whether a thread of this process is named @p comm. */
static bool
thread_named(const char *comm)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;
	bool found = false;

	if (d == NULL)
		return false;
	while (!found && (e = readdir(d)) != NULL) {
		char path[PATH_MAX], name[64];
		FILE *f;

		if (e->d_name[0] == '.' ||
				snprintf(path, sizeof(path), "/proc/self/task/%s/comm",
					e->d_name) >= (int)sizeof(path))
			continue;
		f = fopen(path, "r");
		if (f == NULL)
			continue;
		if (fgets(name, sizeof(name), f) != NULL) {
			name[strcspn(name, "\n")] = '\0';
			found = strcmp(name, comm) == 0;
		}
		fclose(f);
	}
	closedir(d);
	return found;
}

/* Callbacks outlive their port (ethdev keeps them per port id): always remove. */
static int
callback_remove(uint16_t port, enum rte_eth_event_type ev, rte_eth_dev_cb_fn fn, void *arg)
{
	uint64_t deadline = now_ms() + WAIT_MS;
	int ret;

	/* -EAGAIN while the callback runs on the PF's or monitor's thread. */
	while ((ret = rte_eth_dev_callback_unregister(port, ev, fn, arg)) == -EAGAIN &&
			now_ms() < deadline)
		sched_yield();
	VT_EQ(ret, 0);
	return 0;
}

/* --------------------------------------------------------------- scenario */

/* A PF port and some VF ports of it, in a region directory of their own. */
struct scn {
	char tag[16];
	char dir[PATH_MAX];
	char pf_name[NAME_LEN];
	uint16_t pf_port;
	bool pf_open;
	unsigned int nb_vf;
	char vf_name[MAX_VF_PORTS][NAME_LEN];
	uint16_t vf_port[MAX_VF_PORTS];
	bool vf_open[MAX_VF_PORTS];
};

static const char *
tmp_root(void)
{
	const char *t = getenv("VFBC_TEST_TMP");

	return t != NULL && t[0] != '\0' ? t : "/tmp";
}

static int
region_dir_make(char *dir, size_t len, const char *tag)
{
	int n = snprintf(dir, len, "%s/%s.XXXXXX", tmp_root(), tag);

	if (n < 0 || (size_t)n >= len || mkdtemp(dir) == NULL) {
		printf("    cannot make a region directory under %s: %s\n", tmp_root(),
				strerror(errno));
		dir[0] = '\0';
		return -1;
	}
	return 0;
}

static int
region_path(char *buf, size_t len, const char *dir, const char *pf_name, unsigned int vf)
{
	int n = snprintf(buf, len, "%s/vfbc.%s.vf%u", dir, pf_name, vf);

	return n < 0 || (size_t)n >= len ? -1 : 0;
}

/* rte_vdev_init() and the port it made. @return 0 or the error. */
static int
vdev_create(const char *name, const char *args, uint16_t *port)
{
	int ret = rte_vdev_init(name, args);

	if (ret != 0)
		return ret < 0 ? ret : -EIO;
	if (rte_eth_dev_get_port_by_name(name, port) != 0) {
		rte_vdev_uninit(name);
		return -ENODEV;
	}
	return 0;
}

/* A probe that must fail, and leave no port behind. */
static int
vdev_refused(const char *name, const char *args)
{
	uint16_t port;
	int ret = rte_vdev_init(name, args);

	if (ret == 0)
		rte_vdev_uninit(name);
	VT_CHECK(ret != 0, "rte_vdev_init(%s, %s) succeeded", name, args);
	VT_CHECK(rte_eth_dev_get_port_by_name(name, &port) != 0, "%s left port %u", name, port);
	return 0;
}

/* Ports this program started, to stop them before close (ethdev insists). */
static bool port_started[RTE_MAX_ETHPORTS];

static int
port_stop(uint16_t port)
{
	int ret = rte_eth_dev_stop(port);

	if (ret == 0 && port < RTE_MAX_ETHPORTS)
		port_started[port] = false;
	return ret;
}

/* Hot-unplug: the vdev remove path closes even a started port. */
static int
port_unplug(const char *name, uint16_t port)
{
	int ret = rte_vdev_uninit(name);

	port_started[port] = false;
	VT_CHECK(ret == 0, "rte_vdev_uninit(%s) = %d", name, ret);
	VT_CHECK(!rte_eth_dev_is_valid_port(port), "%s: port %u still valid", name, port);
	return 0;
}

/* Stop, close and remove a port, as an application does. */
static int
port_destroy(const char *name, uint16_t port)
{
	int ret = port_started[port] ? port_stop(port) : 0;

	if (ret != 0) {
		printf("    rte_eth_dev_stop(%s) = %d\n", name, ret);
		port_unplug(name, port); /* leak nothing */
		return -1;
	}
	ret = rte_eth_dev_close(port);
	VT_CHECK(ret == 0, "rte_eth_dev_close(%s) = %d", name, ret);
	/* The port is gone; this removes the vdev from the bus. */
	ret = rte_vdev_uninit(name);
	VT_CHECK(ret == 0, "rte_vdev_uninit(%s) = %d", name, ret);
	return 0;
}

static int
scn_init(struct scn *s, const char *tag)
{
	memset(s, 0, sizeof(*s));
	snprintf(s->tag, sizeof(s->tag), "%s", tag);
	snprintf(s->pf_name, sizeof(s->pf_name), "net_vfbc_pf_%s", tag);
	return region_dir_make(s->dir, sizeof(s->dir), tag);
}

static int
scn_pf_open(struct scn *s, const char *pf_args)
{
	char args[ARGS_LEN];
	int ret;

	if (snprintf(args, sizeof(args), "region_dir=%s%s%s", s->dir,
			pf_args[0] != '\0' ? "," : "", pf_args) >= (int)sizeof(args))
		return -1;
	ret = vdev_create(s->pf_name, args, &s->pf_port);
	VT_CHECK(ret == 0, "rte_vdev_init(%s, %s) = %d", s->pf_name, args, ret);
	s->pf_open = true;
	return 0;
}

static int
scn_vf_open(struct scn *s, unsigned int vf, uint32_t timeout_ms)
{
	unsigned int i = s->nb_vf;
	char args[ARGS_LEN], name[NAME_LEN];
	int ret;

	VT_CHECK(i < MAX_VF_PORTS, "too many VF ports");
	/* Named by slot, not VF index: two ports of one VF may coexist. */
	snprintf(name, sizeof(name), "net_vfbc_vf_%s_%u", s->tag, i);
	memcpy(s->vf_name[i], name, sizeof(name));
	if (snprintf(args, sizeof(args), "pf=%s,vf=%u,timeout_ms=%u,region_dir=%s",
			s->pf_name, vf, timeout_ms, s->dir) >= (int)sizeof(args))
		return -1;
	ret = vdev_create(s->vf_name[i], args, &s->vf_port[i]);
	VT_CHECK(ret == 0, "rte_vdev_init(%s, %s) = %d", s->vf_name[i], args, ret);
	s->vf_open[i] = true;
	s->nb_vf++;
	return 0;
}

static int
scn_pf_close(struct scn *s)
{
	s->pf_open = false;
	return port_destroy(s->pf_name, s->pf_port);
}

/*
 * Close the VF ports, then the PF; the PF must leave no region file behind.
 * @return @p ret if it is an error, else the teardown's result.
 */
static int
scn_close(struct scn *s, int ret)
{
	unsigned int i = s->nb_vf;
	int err = 0;

	while (i-- > 0) {
		if (s->vf_open[i]) {
			s->vf_open[i] = false;
			err |= port_destroy(s->vf_name[i], s->vf_port[i]);
		}
	}
	if (s->pf_open)
		err |= scn_pf_close(s);
	if (s->dir[0] != '\0' && rmdir(s->dir) != 0) {
		printf("    rmdir(%s): %s\n", s->dir, strerror(errno));
		err = -1;
	}
	return ret != 0 ? ret : err;
}

/* The usual scenario: a PF with @p pf_args and VF ports 0..nb_vf-1. */
static int
scn_open(struct scn *s, const char *tag, const char *pf_args, unsigned int nb_vf,
		uint32_t timeout_ms)
{
	unsigned int i;

	if (scn_init(s, tag) != 0)
		return -1;
	if (scn_pf_open(s, pf_args) != 0)
		return scn_close(s, -1);
	for (i = 0; i < nb_vf; i++) {
		if (scn_vf_open(s, i, timeout_ms) != 0)
			return scn_close(s, -1);
	}
	return 0;
}

/* Run @p body on a scenario and tear it down whatever happened. */
static int
scn_run(const char *tag, const char *pf_args, unsigned int nb_vf, uint32_t timeout_ms,
		int (*body)(struct scn *s))
{
	struct scn s;

	if (scn_open(&s, tag, pf_args, nb_vf, timeout_ms) != 0)
		return -1;
	return scn_close(&s, body(&s));
}

/* A port's own mapping of a region file, as a VF process would have. */
struct region_map {
	uint8_t *base;
	size_t size;
};

static int
region_map_open(struct region_map *m, const char *path, bool writable)
{
	struct stat st;
	int fd = open(path, (writable ? O_RDWR : O_RDONLY) | O_CLOEXEC);

	m->base = NULL;
	VT_CHECK(fd >= 0, "open(%s): %s", path, strerror(errno));
	if (fstat(fd, &st) != 0 || st.st_size < (off_t)sizeof(struct vfbc_region_hdr)) {
		close(fd);
		VT_CHECK(false, "%s: no region header", path);
	}
	m->size = (size_t)st.st_size;
	m->base = mmap(NULL, m->size, writable ? PROT_READ | PROT_WRITE : PROT_READ,
			MAP_SHARED, fd, 0);
	close(fd);
	if (m->base == MAP_FAILED) {
		m->base = NULL;
		VT_CHECK(false, "mmap(%s): %s", path, strerror(errno));
	}
	return 0;
}

static void
region_map_close(struct region_map *m)
{
	if (m->base != NULL)
		munmap(m->base, m->size);
	m->base = NULL;
}

/* Ports with queues, as an application sets them up before start. */
static int
port_start(uint16_t port, struct rte_mempool *mp)
{
	struct rte_eth_conf conf;
	int socket = rte_eth_dev_socket_id(port);

	memset(&conf, 0, sizeof(conf));
	VT_EQ(rte_eth_dev_configure(port, 1, 1, &conf), 0);
	VT_EQ(rte_eth_rx_queue_setup(port, 0, 64, (unsigned int)socket, NULL, mp), 0);
	VT_EQ(rte_eth_tx_queue_setup(port, 0, 64, (unsigned int)socket, NULL), 0);
	VT_EQ(rte_eth_dev_start(port), 0);
	port_started[port] = true;
	return 0;
}

static int
link_status(uint16_t port)
{
	struct rte_eth_link link;

	memset(&link, 0, sizeof(link));
	if (rte_eth_link_get_nowait(port, &link) != 0)
		return -1;
	return link.link_status;
}

/* ------------------------------------------------------ 1. VF reads a block */

static int
read_body(struct scn *s)
{
	uint16_t pf = s->pf_port, vf = s->vf_port[0];
	uint8_t set[100], buf[128], big[4096];

	/* No service lcore in this EAL: the PF serves from its control thread. */
	VT_CHECK(thread_named("vfbc-pf_rd"), "no PF control thread vfbc-pf_rd");
	VT_EQ(rte_pmd_vfbc_pf_define_block(pf, 0, 1, sizeof(set), RD), 0);
	/* Defined, never set: empty, and nothing is copied. */
	memset(buf, 0xee, sizeof(buf));
	VT_EQ(rte_pmd_vfbc_vf_read_block(vf, 1, buf, sizeof(buf)), 0);
	VT_CHECK(bytes_are(buf, 0xee, sizeof(buf)), "an empty block changed the buffer");

	pattern_fill(set, 40, 1);
	VT_EQ(rte_pmd_vfbc_pf_set_block(pf, 0, 1, set, 40), 0);
	memset(buf, 0xee, sizeof(buf));
	VT_EQ(rte_pmd_vfbc_vf_read_block(vf, 1, buf, sizeof(buf)), 40);
	VT_CHECK(memcmp(buf, set, 40) == 0, "wrong content");
	VT_CHECK(bytes_are(buf + 40, 0xee, sizeof(buf) - 40), "copied past the block length");
	/* A buffer smaller than the block gets exactly its size. */
	memset(buf, 0xee, sizeof(buf));
	VT_EQ(rte_pmd_vfbc_vf_read_block(vf, 1, buf, 16), 16);
	VT_CHECK(memcmp(buf, set, 16) == 0, "wrong content");
	VT_CHECK(bytes_are(buf + 16, 0xee, sizeof(buf) - 16), "copied past the buffer length");
	VT_EQ(rte_pmd_vfbc_vf_read_block(vf, 1, buf, 40), 40);
	VT_CHECK(memcmp(buf, set, 40) == 0, "wrong content");

	/* Full capacity, read into the largest buffer the mailbox takes. */
	pattern_fill(set, sizeof(set), 2);
	VT_EQ(rte_pmd_vfbc_pf_set_block(pf, 0, 1, set, sizeof(set)), 0);
	VT_EQ(rte_pmd_vfbc_vf_read_block(vf, 1, big, sizeof(big)), sizeof(set));
	VT_CHECK(memcmp(big, set, sizeof(set)) == 0, "wrong content");
	/* The PF empties it again. */
	VT_EQ(rte_pmd_vfbc_pf_set_block(pf, 0, 1, NULL, 0), 0);
	VT_EQ(rte_pmd_vfbc_vf_read_block(vf, 1, buf, sizeof(buf)), 0);
	return 0;
}

static int
test_read_block(void)
{
	return scn_run("rd", "num_vfs=1", 1, LONG_MS, read_body);
}

/* ----------------------------------------------------- 2. VF writes a block */

static int
write_body(struct scn *s)
{
	uint16_t pf = s->pf_port, vf = s->vf_port[0];
	uint8_t w[64], buf[128];

	VT_EQ(rte_pmd_vfbc_pf_define_block(pf, 0, 3, sizeof(w), RW), 0);
	pattern_fill(w, sizeof(w), 3);
	VT_EQ(rte_pmd_vfbc_vf_write_block(vf, 3, w, sizeof(w)), 0);
	VT_EQ(rte_pmd_vfbc_pf_get_block(pf, 0, 3, buf, sizeof(buf)), sizeof(w));
	VT_CHECK(memcmp(buf, w, sizeof(w)) == 0, "PF sees other content");

	/* A shorter write sets a shorter length. */
	pattern_fill(w, 10, 4);
	VT_EQ(rte_pmd_vfbc_vf_write_block(vf, 3, w, 10), 0);
	memset(buf, 0xee, sizeof(buf));
	VT_EQ(rte_pmd_vfbc_pf_get_block(pf, 0, 3, buf, sizeof(buf)), 10);
	VT_CHECK(memcmp(buf, w, 10) == 0, "PF sees other content");
	VT_CHECK(bytes_are(buf + 10, 0xee, sizeof(buf) - 10), "get copied past the length");
	VT_EQ(rte_pmd_vfbc_vf_read_block(vf, 3, buf, sizeof(buf)), 10);
	VT_CHECK(memcmp(buf, w, 10) == 0, "VF reads other content");

	/* Write-only: the VF sets what it cannot read back. */
	VT_EQ(rte_pmd_vfbc_pf_define_block(pf, 0, 4, 8, WR), 0);
	pattern_fill(w, 8, 5);
	VT_EQ(rte_pmd_vfbc_vf_write_block(vf, 4, w, 8), 0);
	VT_EQ(rte_pmd_vfbc_pf_get_block(pf, 0, 4, buf, sizeof(buf)), 8);
	VT_CHECK(memcmp(buf, w, 8) == 0, "PF sees other content");
	VT_EQ(rte_pmd_vfbc_vf_read_block(vf, 4, buf, sizeof(buf)), -EACCES);
	return 0;
}

static int
test_write_block(void)
{
	return scn_run("wr", "num_vfs=1", 1, LONG_MS, write_body);
}

/* Blocks larger than a mailbox slot, through the public API. */
#define BIG_BLOCK (60 * 1024 + 3)

static int
big_block_body(struct scn *s)
{
	static uint8_t w[BIG_BLOCK + 1], buf[BIG_BLOCK + 100];
	uint16_t pf = s->pf_port, vf = s->vf_port[0];
	uint32_t token;

	VT_EQ(rte_pmd_vfbc_pf_define_block(pf, 0, 5, BIG_BLOCK, RW), 0);
	pattern_fill(w, BIG_BLOCK + 1, 7);
	VT_EQ(rte_pmd_vfbc_vf_write_block(vf, 5, w, BIG_BLOCK), 0);
	VT_EQ(rte_pmd_vfbc_pf_get_block(pf, 0, 5, buf, BIG_BLOCK + 100), BIG_BLOCK);
	VT_CHECK(memcmp(buf, w, BIG_BLOCK) == 0, "PF sees other content");
	memset(buf, 0, BIG_BLOCK + 100);
	VT_EQ(rte_pmd_vfbc_vf_read_block(vf, 5, buf, BIG_BLOCK + 100), BIG_BLOCK);
	VT_CHECK(memcmp(buf, w, BIG_BLOCK) == 0, "VF reads other content");
	/* Only the capacity limits a VF write now. */
	VT_EQ(rte_pmd_vfbc_vf_write_block(vf, 5, w, BIG_BLOCK + 1), -EMSGSIZE);
	pattern_fill(w, 5000, 8);
	VT_EQ(rte_pmd_vfbc_pf_set_block(pf, 0, 5, w, 5000), 0);
	VT_EQ(rte_pmd_vfbc_vf_read_block(vf, 5, buf, BIG_BLOCK), 5000);
	VT_CHECK(memcmp(buf, w, 5000) == 0, "VF reads other content");
	/* Posted requests stay within one slot. */
	VT_EQ(rte_pmd_vfbc_vf_post_write(vf, 5, w, 1025, &token), -EMSGSIZE);
	return 0;
}

static int
test_big_block(void)
{
	return scn_run("big", "num_vfs=1,max_block_size=65536,mbox_slot_size=1024", 1, LONG_MS,
			big_block_body);
}

/* -------------------------------------------------------- 3. devargs blocks */

static int
devargs_vf_checks(struct scn *s, uint16_t v)
{
	uint16_t port = s->vf_port[v];
	uint8_t w[65], r[64];

	pattern_fill(w, sizeof(w), 0x100 + v);
	VT_EQ(rte_pmd_vfbc_vf_write_block(port, 0x10, w, 64), 0);
	VT_EQ(rte_pmd_vfbc_vf_write_block(port, 0x10, w, 65), -EMSGSIZE);
	VT_EQ(rte_pmd_vfbc_vf_write_block(port, 0x11, w, 32), -EACCES);
	VT_EQ(rte_pmd_vfbc_vf_read_block(port, 0x11, r, sizeof(r)), 0);
	/* Rights default to rw. */
	VT_EQ(rte_pmd_vfbc_vf_write_block(port, 0x12, w, 8), 0);
	VT_EQ(rte_pmd_vfbc_vf_read_block(port, 0x12, r, sizeof(r)), 8);
	VT_CHECK(memcmp(r, w, 8) == 0, "VF %u: wrong content in 0x12", v);
	VT_EQ(rte_pmd_vfbc_vf_read_block(port, 0x13, r, sizeof(r)), -EACCES);
	VT_EQ(rte_pmd_vfbc_vf_write_block(port, 0x13, w, 8), -EACCES);
	/* The devargs defined them: the application cannot define them again. */
	VT_EQ(rte_pmd_vfbc_pf_define_block(s->pf_port, v, 0x10, 64, RW), -EEXIST);
	VT_EQ(rte_pmd_vfbc_pf_define_block(s->pf_port, v, 0x11, 32, RD), -EEXIST);
	return 0;
}

static int
devargs_body(struct scn *s)
{
	uint8_t w[32], r[64];
	uint16_t v;

	VT_EQ(rte_pmd_vfbc_pf_get_num_vfs(s->pf_port), 2);
	for (v = 0; v < 2; v++) {
		if (devargs_vf_checks(s, v) != 0)
			return -1;
	}
	for (v = 0; v < 2; v++) {
		VT_EQ(rte_pmd_vfbc_pf_get_block(s->pf_port, v, 0x10, r, sizeof(r)), 64);
		VT_CHECK(pattern_ok(r, 64, 0x100 + v), "VF %u: PF sees other content", v);
		/* Read-only for the VF, not for the PF. */
		pattern_fill(w, sizeof(w), 0x200 + v);
		VT_EQ(rte_pmd_vfbc_pf_set_block(s->pf_port, v, 0x11, w, sizeof(w)), 0);
	}
	for (v = 0; v < 2; v++) {
		VT_EQ(rte_pmd_vfbc_vf_read_block(s->vf_port[v], 0x11, r, sizeof(r)), 32);
		VT_CHECK(pattern_ok(r, 32, 0x200 + v), "VF %u: wrong content in 0x11", v);
	}
	return 0;
}

static int
test_devargs_blocks(void)
{
	return scn_run("dev", "num_vfs=2,block=0x10:64:rw,block=0x11:32:r,block=0x12:8,"
			"block=0x13:8:none", 2, LONG_MS, devargs_body);
}

/* -------------------------------------------------------- 4. error contract */

static int
pf_api_enotsup(uint16_t port)
{
	uint8_t buf[8] = { 0 };
	uint32_t id;

	VT_EQ(rte_pmd_vfbc_pf_define_block(port, 0, 1, 8, RW), -ENOTSUP);
	VT_EQ(rte_pmd_vfbc_pf_set_block(port, 0, 1, buf, sizeof(buf)), -ENOTSUP);
	VT_EQ(rte_pmd_vfbc_pf_get_block(port, 0, 1, buf, sizeof(buf)), -ENOTSUP);
	VT_EQ(rte_pmd_vfbc_pf_invalidate(port, 0, 1), -ENOTSUP);
	VT_EQ(rte_pmd_vfbc_pf_get_service_id(port, &id), -ENOTSUP);
	VT_EQ(rte_pmd_vfbc_pf_get_num_vfs(port), -ENOTSUP);
	return 0;
}

static int
vf_api_enotsup(uint16_t port)
{
	uint8_t buf[8] = { 0 };
	uint32_t token;
	uint64_t mask;

	VT_EQ(rte_pmd_vfbc_vf_read_block(port, 1, buf, sizeof(buf)), -ENOTSUP);
	VT_EQ(rte_pmd_vfbc_vf_write_block(port, 1, buf, sizeof(buf)), -ENOTSUP);
	VT_EQ(rte_pmd_vfbc_vf_get_invalidated(port, &mask), -ENOTSUP);
	VT_EQ(rte_pmd_vfbc_vf_post_read(port, 1, sizeof(buf), &token), -ENOTSUP);
	VT_EQ(rte_pmd_vfbc_vf_post_write(port, 1, buf, sizeof(buf), &token), -ENOTSUP);
	VT_EQ(rte_pmd_vfbc_vf_poll(port, 0, buf, sizeof(buf)), -ENOTSUP);
	return 0;
}

static int
wrong_port_checks(struct scn *s)
{
	const uint16_t invalid[] = { 1000, RTE_MAX_ETHPORTS, UINT16_MAX };
	unsigned int i;

	VT_CHECK(pf_api_enotsup(s->vf_port[0]) == 0, "PF API on a VF port");
	VT_CHECK(vf_api_enotsup(s->pf_port) == 0, "VF API on a PF port");
	for (i = 0; i < RTE_DIM(invalid); i++) {
		VT_CHECK(pf_api_enotsup(invalid[i]) == 0, "PF API on port %u", invalid[i]);
		VT_CHECK(vf_api_enotsup(invalid[i]) == 0, "VF API on port %u", invalid[i]);
	}
	return 0;
}

static int
define_errors(uint16_t pf)
{
	VT_EQ(rte_pmd_vfbc_pf_define_block(pf, 0, 1, 16, RW), 0);
	VT_EQ(rte_pmd_vfbc_pf_define_block(pf, 0, 2, 16, 0), 0);
	VT_EQ(rte_pmd_vfbc_pf_define_block(pf, 0, 3, 16, RD), 0);
	VT_EQ(rte_pmd_vfbc_pf_define_block(pf, 0, 1, 16, RW), -EEXIST);
	VT_EQ(rte_pmd_vfbc_pf_define_block(pf, 0, 5, 0, RW), -EINVAL);
	VT_EQ(rte_pmd_vfbc_pf_define_block(pf, 0, 5, 16, 1u << 2), -EINVAL);
	VT_EQ(rte_pmd_vfbc_pf_define_block(pf, 0, 5, 257, RW), -EMSGSIZE);
	/* None of the failures took a place: the fourth block fits, at full size. */
	VT_EQ(rte_pmd_vfbc_pf_define_block(pf, 0, 4, 256, WR), 0);
	VT_EQ(rte_pmd_vfbc_pf_define_block(pf, 0, 5, 16, RW), -ENOSPC);
	/* Each VF has its own store. */
	VT_EQ(rte_pmd_vfbc_pf_define_block(pf, 1, 1, 16, RW), 0);
	return 0;
}

static int
pf_arg_errors(uint16_t pf)
{
	const uint16_t bad_vf[] = { 2, UINT16_MAX };
	uint8_t buf[32] = { 0 };
	unsigned int i;
	uint32_t id;

	for (i = 0; i < RTE_DIM(bad_vf); i++) {
		uint16_t v = bad_vf[i];

		VT_EQ(rte_pmd_vfbc_pf_define_block(pf, v, 9, 8, RW), -EINVAL);
		VT_EQ(rte_pmd_vfbc_pf_set_block(pf, v, 1, buf, 8), -EINVAL);
		VT_EQ(rte_pmd_vfbc_pf_get_block(pf, v, 1, buf, 8), -EINVAL);
		VT_EQ(rte_pmd_vfbc_pf_invalidate(pf, v, 1), -EINVAL);
	}
	VT_EQ(rte_pmd_vfbc_pf_set_block(pf, 0, 1, NULL, 5), -EINVAL);
	VT_EQ(rte_pmd_vfbc_pf_set_block(pf, 0, 99, buf, 5), -ENOENT);
	VT_EQ(rte_pmd_vfbc_pf_set_block(pf, 0, 1, buf, 17), -EMSGSIZE);
	VT_EQ(rte_pmd_vfbc_pf_get_block(pf, 0, 1, NULL, 8), -EINVAL);
	VT_EQ(rte_pmd_vfbc_pf_get_block(pf, 0, 1, buf, 0), -EINVAL);
	VT_EQ(rte_pmd_vfbc_pf_get_block(pf, 0, 99, buf, 8), -ENOENT);
	VT_EQ(rte_pmd_vfbc_pf_invalidate(pf, 0, 0), -EINVAL);
	VT_EQ(rte_pmd_vfbc_pf_get_service_id(pf, NULL), -EINVAL);
	VT_EQ(rte_pmd_vfbc_pf_get_service_id(pf, &id), 0);
	VT_EQ(rte_pmd_vfbc_pf_get_num_vfs(pf), 2);
	return 0;
}

static int
vf_request_errors(uint16_t vf)
{
	uint8_t buf[300];
	uint32_t token;

	pattern_fill(buf, sizeof(buf), 6);
	VT_EQ(rte_pmd_vfbc_vf_read_block(vf, 99, buf, 8), -ENOENT);
	VT_EQ(rte_pmd_vfbc_vf_write_block(vf, 99, buf, 8), -ENOENT);
	VT_EQ(rte_pmd_vfbc_vf_read_block(vf, 4, buf, 8), -EACCES);  /* write-only */
	VT_EQ(rte_pmd_vfbc_vf_write_block(vf, 3, buf, 8), -EACCES); /* read-only */
	VT_EQ(rte_pmd_vfbc_vf_read_block(vf, 2, buf, 8), -EACCES);  /* no rights */
	VT_EQ(rte_pmd_vfbc_vf_write_block(vf, 2, buf, 8), -EACCES);
	VT_EQ(rte_pmd_vfbc_vf_write_block(vf, 1, buf, 17), -EMSGSIZE); /* capacity */
	VT_EQ(rte_pmd_vfbc_vf_write_block(vf, 4, buf, 257), -EMSGSIZE); /* largest block */
	VT_EQ(rte_pmd_vfbc_vf_read_block(vf, 1, buf, 0), -EINVAL);
	VT_EQ(rte_pmd_vfbc_vf_write_block(vf, 1, buf, 0), -EINVAL);
	VT_EQ(rte_pmd_vfbc_vf_read_block(vf, 1, NULL, 8), -EINVAL);
	VT_EQ(rte_pmd_vfbc_vf_write_block(vf, 1, NULL, 8), -EINVAL);
	VT_EQ(rte_pmd_vfbc_vf_get_invalidated(vf, NULL), -EINVAL);
	VT_EQ(rte_pmd_vfbc_vf_post_read(vf, 1, 0, &token), -EINVAL);
	VT_EQ(rte_pmd_vfbc_vf_post_read(vf, 1, 8, NULL), -EINVAL);
	VT_EQ(rte_pmd_vfbc_vf_post_write(vf, 1, NULL, 8, &token), -EINVAL);
	VT_EQ(rte_pmd_vfbc_vf_post_write(vf, 4, buf, 257, &token), -EMSGSIZE);
	/* None of that hurt the mailbox. */
	VT_EQ(rte_pmd_vfbc_vf_write_block(vf, 1, buf, 16), 0);
	/* A buffer over the mailbox limit is fine for a read. */
	VT_EQ(rte_pmd_vfbc_vf_read_block(vf, 1, buf + 1, sizeof(buf) - 1), 16);
	pattern_fill(buf + 20, 16, 6);
	VT_CHECK(memcmp(buf + 1, buf + 20, 16) == 0, "wrong content");
	return 0;
}

static int
errors_body(struct scn *s)
{
	if (define_errors(s->pf_port) != 0 || pf_arg_errors(s->pf_port) != 0 ||
			vf_request_errors(s->vf_port[0]) != 0)
		return -1;
	return wrong_port_checks(s);
}

static int
test_error_contract(void)
{
	return scn_run("err", "num_vfs=2,max_blocks=6,max_block_size=256", 1, LONG_MS,
			errors_body);
}

/* ------------------------------------------------------ 5. deny by the PF */

/* What the RTE_ETH_EVENT_VF_MBOX callback saw. Static: ethdev keeps the
 * callback past a failed case until it is removed.
 */
struct mbox_watch {
	uint16_t pf_port;
	uint32_t deny_block;
	uint16_t deny_op;
	bool registered;
	unsigned int calls;
	unsigned int bad_calls;
	struct rte_pmd_vfbc_mb_event_param last;
	uint8_t data[64];
};

static struct mbox_watch watch;

static int
mbox_event_cb(uint16_t port_id, enum rte_eth_event_type event, void *cb_arg, void *ret_param)
{
	struct mbox_watch *w = cb_arg;
	struct rte_pmd_vfbc_mb_event_param *p = ret_param;

	if (port_id != w->pf_port || event != RTE_ETH_EVENT_VF_MBOX || p == NULL) {
		w->bad_calls++;
		return 0;
	}
	w->last = *p;
	if (p->data != NULL)
		memcpy(w->data, p->data, RTE_MIN(p->len, (uint32_t)sizeof(w->data)));
	if (p->block_id == w->deny_block && p->op == w->deny_op)
		p->retval = RTE_PMD_VFBC_MB_EVENT_DENY;
	w->calls++;
	return 0;
}

static int
watch_start(uint16_t pf_port, uint32_t deny_block, uint16_t deny_op)
{
	memset(&watch, 0, sizeof(watch));
	watch.pf_port = pf_port;
	watch.deny_block = deny_block;
	watch.deny_op = deny_op;
	VT_EQ(rte_eth_dev_callback_register(pf_port, RTE_ETH_EVENT_VF_MBOX, mbox_event_cb,
			&watch), 0);
	watch.registered = true;
	return 0;
}

static int
watch_stop(void)
{
	if (!watch.registered)
		return 0;
	watch.registered = false;
	return callback_remove(watch.pf_port, RTE_ETH_EVENT_VF_MBOX, mbox_event_cb, &watch);
}

/* The VF call returned, so the PF's callback is over and its writes visible. */
static int
watch_saw(unsigned int calls, uint16_t vf, uint16_t op, uint32_t block, uint32_t len)
{
	VT_EQ(watch.bad_calls, 0);
	VT_EQ(watch.calls, calls);
	VT_EQ(watch.last.vf, vf);
	VT_EQ(watch.last.op, op);
	VT_EQ(watch.last.block_id, block);
	VT_EQ(watch.last.len, len);
	VT_EQ(watch.last.retval, RTE_PMD_VFBC_MB_EVENT_PROCEED);
	if (op == RTE_PMD_VFBC_MB_OP_READ)
		VT_CHECK(watch.last.data == NULL, "a read event carries data");
	else
		VT_CHECK(watch.last.data != NULL, "a write event carries no data");
	return 0;
}

static int
deny_write_body(struct scn *s)
{
	uint16_t pf = s->pf_port, vf0 = s->vf_port[0], vf1 = s->vf_port[1];
	uint8_t orig[32], w[33], r[64];

	memset(orig, 0xaa, sizeof(orig));
	VT_EQ(rte_pmd_vfbc_pf_set_block(pf, 1, 0x20, orig, sizeof(orig)), 0);
	if (watch_start(pf, 0x20, RTE_PMD_VFBC_MB_OP_WRITE) != 0)
		return -1;

	pattern_fill(w, sizeof(w), 7);
	VT_EQ(rte_pmd_vfbc_vf_write_block(vf1, 0x20, w, 32), -EACCES);
	VT_CHECK(watch_saw(1, 1, RTE_PMD_VFBC_MB_OP_WRITE, 0x20, 32) == 0, "denied write");
	VT_CHECK(memcmp(watch.data, w, 32) == 0, "the event shows other data");
	VT_EQ(rte_pmd_vfbc_pf_get_block(pf, 1, 0x20, r, sizeof(r)), 32);
	VT_CHECK(bytes_are(r, 0xaa, 32), "a denied write changed the block");

	/* Other writes proceed. */
	VT_EQ(rte_pmd_vfbc_vf_write_block(vf1, 0x21, w, 20), 0);
	VT_CHECK(watch_saw(2, 1, RTE_PMD_VFBC_MB_OP_WRITE, 0x21, 20) == 0, "allowed write");
	VT_CHECK(memcmp(watch.data, w, 20) == 0, "the event shows other data");
	VT_EQ(rte_pmd_vfbc_pf_get_block(pf, 1, 0x21, r, sizeof(r)), 20);
	VT_CHECK(memcmp(r, w, 20) == 0, "wrong content");
	VT_EQ(rte_pmd_vfbc_vf_write_block(vf0, 0x20, w, 8), -EACCES);
	VT_CHECK(watch_saw(3, 0, RTE_PMD_VFBC_MB_OP_WRITE, 0x20, 8) == 0, "VF 0 write");

	/* Reads, and requests failing the block checks, are not reported. */
	VT_EQ(rte_pmd_vfbc_vf_read_block(vf1, 0x20, r, sizeof(r)), 32);
	VT_CHECK(bytes_are(r, 0xaa, 32), "wrong content");
	VT_EQ(rte_pmd_vfbc_vf_write_block(vf1, 0x99, w, 8), -ENOENT);
	VT_EQ(rte_pmd_vfbc_vf_write_block(vf1, 0x20, w, 33), -EMSGSIZE);
	VT_EQ(watch.calls, 3);

	/* Without the callback the same write goes through. */
	VT_CHECK(watch_stop() == 0, "callback removal");
	VT_EQ(rte_pmd_vfbc_vf_write_block(vf1, 0x20, w, 32), 0);
	VT_EQ(rte_pmd_vfbc_pf_get_block(pf, 1, 0x20, r, sizeof(r)), 32);
	VT_CHECK(memcmp(r, w, 32) == 0, "wrong content");
	VT_EQ(watch.calls, 3);
	return 0;
}

static int
deny_read_body(struct scn *s)
{
	uint16_t pf = s->pf_port, vf = s->vf_port[0];
	uint8_t w[32], r[32];

	pattern_fill(w, sizeof(w), 8);
	VT_EQ(rte_pmd_vfbc_pf_set_block(pf, 0, 0x20, w, sizeof(w)), 0);
	VT_EQ(rte_pmd_vfbc_pf_set_block(pf, 0, 0x21, w, sizeof(w)), 0);
	if (watch_start(pf, 0x20, RTE_PMD_VFBC_MB_OP_READ) != 0)
		return -1;

	memset(r, 0xee, sizeof(r));
	VT_EQ(rte_pmd_vfbc_vf_read_block(vf, 0x20, r, sizeof(r)), -EACCES);
	VT_CHECK(watch_saw(1, 0, RTE_PMD_VFBC_MB_OP_READ, 0x20, sizeof(r)) == 0, "denied read");
	VT_CHECK(bytes_are(r, 0xee, sizeof(r)), "a denied read filled the buffer");
	/* len is the VF's buffer size. */
	VT_EQ(rte_pmd_vfbc_vf_read_block(vf, 0x21, r, 16), 16);
	VT_CHECK(watch_saw(2, 0, RTE_PMD_VFBC_MB_OP_READ, 0x21, 16) == 0, "allowed read");
	VT_CHECK(memcmp(r, w, 16) == 0, "wrong content");
	/* Only reads of 0x20 are denied. */
	VT_EQ(rte_pmd_vfbc_vf_write_block(vf, 0x20, w, 4), 0);
	VT_CHECK(watch_saw(3, 0, RTE_PMD_VFBC_MB_OP_WRITE, 0x20, 4) == 0, "write");
	VT_EQ(rte_pmd_vfbc_vf_read_block(vf, 0x99, r, 16), -ENOENT);
	VT_EQ(watch.calls, 3);
	return 0;
}

static int
deny_run(const char *tag, const char *pf_args, unsigned int nb_vf, int (*body)(struct scn *))
{
	struct scn s;
	int ret;

	if (scn_open(&s, tag, pf_args, nb_vf, LONG_MS) != 0)
		return -1;
	ret = body(&s);
	if (watch_stop() != 0)
		ret = -1;
	return scn_close(&s, ret);
}

static int
test_deny_policy(void)
{
	if (deny_run("deny", "num_vfs=2,block=0x20:32:rw,block=0x21:32:rw", 2,
			deny_write_body) != 0)
		return -1;
	return deny_run("dnr", "num_vfs=1,notify_reads=1,block=0x20:32:rw,block=0x21:32:rw", 1,
			deny_read_body);
}

/* --------------------------------------------- 5b. a slow PF application */

/*
 * A VF_MBOX callback that, for VF 0's writes, stays in the application until
 * the test releases it: a decision that takes as long as the test wants.
 */
struct slow_app {
	uint16_t pf_port;
	bool registered;
	unsigned int entered;  /* callbacks for VF 0 that started */
	bool release;
	bool timed_out;        /* never released: the test failed before */
};

static struct slow_app slow;

static int
slow_event_cb(uint16_t port_id, enum rte_eth_event_type event, void *cb_arg, void *ret_param)
{
	struct slow_app *a = cb_arg;
	struct rte_pmd_vfbc_mb_event_param *p = ret_param;
	uint64_t deadline = now_ms() + WAIT_MS;

	if (p->vf != 0 || p->op != RTE_PMD_VFBC_MB_OP_WRITE)
		return 0;
	__atomic_fetch_add(&a->entered, 1, __ATOMIC_RELEASE);
	while (!__atomic_load_n(&a->release, __ATOMIC_ACQUIRE)) {
		if (now_ms() > deadline) {
			a->timed_out = true;
			break;
		}
		sched_yield();
	}
	return 0;
}

static int
wait_entered(unsigned int n)
{
	uint64_t deadline = now_ms() + WAIT_MS;

	while (__atomic_load_n(&slow.entered, __ATOMIC_ACQUIRE) < n && now_ms() < deadline)
		sched_yield();
	VT_EQ(__atomic_load_n(&slow.entered, __ATOMIC_ACQUIRE), n);
	return 0;
}

/* Poll @p token until the PF answers. */
static int
poll_done(uint16_t port, uint32_t token, uint8_t *buf, uint32_t len)
{
	uint64_t deadline = now_ms() + WAIT_MS;
	int ret;

	while ((ret = rte_pmd_vfbc_vf_poll(port, token, buf, len)) == -EAGAIN &&
			now_ms() < deadline)
		sched_yield();
	return ret;
}

static int
slow_decision_checks(struct scn *s)
{
	uint16_t pf = s->pf_port, vf0 = s->vf_port[0], vf1 = s->vf_port[1];
	uint8_t w[8], r[8];
	uint32_t wtok, rtok;
	unsigned int i;

	pattern_fill(w, sizeof(w), 0x71);
	VT_EQ(rte_pmd_vfbc_pf_set_block(pf, 1, 0x71, w, sizeof(w)), 0);
	VT_EQ(rte_pmd_vfbc_vf_post_write(vf0, 0x70, w, sizeof(w), &wtok), 0);
	VT_EQ(rte_pmd_vfbc_vf_post_read(vf0, 0x70, sizeof(r), &rtok), 0);
	if (wait_entered(1) != 0)
		return -1;
	/* The callback holds VF 0's write: VF 1 is served all the same. */
	for (i = 0; i < 16; i++) {
		VT_EQ(rte_pmd_vfbc_vf_read_block(vf1, 0x71, r, sizeof(r)), sizeof(r));
		VT_CHECK(pattern_ok(r, sizeof(r), 0x71), "wrong data");
		VT_EQ(rte_pmd_vfbc_vf_write_block(vf1, 0x72, w, sizeof(w)), 0);
	}
	/* The PF application's block API does not wait for it either. */
	VT_EQ(rte_pmd_vfbc_pf_get_block(pf, 1, 0x72, r, sizeof(r)), sizeof(r));
	VT_CHECK(!__atomic_load_n(&slow.release, __ATOMIC_ACQUIRE), "released early");
	VT_EQ(__atomic_load_n(&slow.entered, __ATOMIC_ACQUIRE), 1);
	/* VF 0's requests wait, in order: the read behind the write too. */
	VT_EQ(rte_pmd_vfbc_vf_poll(vf0, wtok, NULL, 0), -EAGAIN);
	VT_EQ(rte_pmd_vfbc_vf_poll(vf0, rtok, r, sizeof(r)), -EAGAIN);
	VT_EQ(rte_pmd_vfbc_pf_get_block(pf, 0, 0x70, r, sizeof(r)), 0);
	__atomic_store_n(&slow.release, true, __ATOMIC_RELEASE);
	VT_EQ(poll_done(vf0, wtok, NULL, 0), 0);
	memset(r, 0, sizeof(r));
	VT_EQ(poll_done(vf0, rtok, r, sizeof(r)), sizeof(r));
	VT_CHECK(memcmp(r, w, sizeof(r)) == 0, "the read behind the write saw other data");
	VT_CHECK(!slow.timed_out, "the callback was never released");
	return 0;
}

static int
slow_decision_body(struct scn *s)
{
	int ret;

	memset(&slow, 0, sizeof(slow));
	slow.pf_port = s->pf_port;
	VT_EQ(rte_eth_dev_callback_register(s->pf_port, RTE_ETH_EVENT_VF_MBOX, slow_event_cb,
			&slow), 0);
	slow.registered = true;
	ret = slow_decision_checks(s);
	__atomic_store_n(&slow.release, true, __ATOMIC_RELEASE);
	if (callback_remove(s->pf_port, RTE_ETH_EVENT_VF_MBOX, slow_event_cb, &slow) != 0)
		ret = -1;
	return ret;
}

/* A slow VF_MBOX callback delays only the VF whose request it decides. */
static int
test_slow_decision(void)
{
	return scn_run("slow", "num_vfs=2,block=0x70:8:rw,block=0x71:8:rw,block=0x72:8:rw", 2,
			LONG_MS, slow_decision_body);
}

/* ------------------------------------------------- 5c. per-VF limits */

static uint64_t xstat(uint16_t port, const char *name);

/* A VF without a driver, posting exactly what a test wants in its region. */
struct rogue {
	struct region_map m;
	uint32_t mbox_offset;
	uint32_t depth;
	uint32_t slot_size;
	uint32_t next_seq;
};

static struct vfbc_mbox_desc *
rogue_desc(struct rogue *r, uint32_t seq)
{
	return (struct vfbc_mbox_desc *)(r->m.base + r->mbox_offset +
			(size_t)(seq & (r->depth - 1)) * r->slot_size);
}

static bool
wait_word(const uint32_t *word, uint32_t val)
{
	uint64_t deadline = now_ms() + WAIT_MS;

	while (__atomic_load_n(word, __ATOMIC_ACQUIRE) != val && now_ms() < deadline)
		sched_yield();
	return __atomic_load_n(word, __ATOMIC_ACQUIRE) == val;
}

/* Map VF @p vf's region and attach as a VF driver would. */
static int
rogue_open(struct scn *s, unsigned int vf, struct rogue *r)
{
	struct vfbc_region_hdr *hdr;
	char path[PATH_MAX];

	VT_EQ(region_path(path, sizeof(path), s->dir, s->pf_name, vf), 0);
	if (region_map_open(&r->m, path, true) != 0)
		return -1;
	hdr = (void *)r->m.base;
	r->mbox_offset = hdr->info.mbox_offset;
	r->depth = hdr->info.mbox_depth;
	r->slot_size = hdr->info.slot_size;
	hdr->vf.proto_min = VFBC_PROTO_VERSION_MIN;
	hdr->vf.proto_max = VFBC_PROTO_VERSION_MAX;
	__atomic_store_n(&hdr->vf.attach_nonce, 0x5eed, __ATOMIC_RELEASE);
	VT_CHECK(wait_word(&hdr->pf.attach_ack, 0x5eed), "no attach answer");
	r->next_seq = hdr->pf.first_seq;
	return 0;
}

/* Fill the request of @p seq, and publish it unless @p hold. */
static void
rogue_fill(struct rogue *r, uint32_t seq, uint16_t op, uint16_t flags, uint32_t block,
		uint32_t len)
{
	struct vfbc_mbox_desc *d = rogue_desc(r, seq);

	d->opcode = op;
	d->flags = flags;
	d->block_id = block;
	d->req_len = len;
	__atomic_store_n(&d->req_seq, seq, __ATOMIC_RELEASE);
}

static uint32_t
rogue_post(struct rogue *r, uint16_t op, uint16_t flags, uint32_t block, uint32_t len)
{
	uint32_t seq = r->next_seq++;

	rogue_fill(r, seq, op, flags, block, len);
	return seq;
}

/* Wait for the completion of @p seq. @return its status, or -1 if none came. */
static int
rogue_wait(struct rogue *r, uint32_t seq)
{
	struct vfbc_mbox_desc *d = rogue_desc(r, seq);

	if (!wait_word(&d->cpl_seq, seq))
		return -1;
	return (int)d->cpl_status;
}

static bool
rogue_completed(struct rogue *r, uint32_t seq)
{
	return __atomic_load_n(&rogue_desc(r, seq)->cpl_seq, __ATOMIC_ACQUIRE) == seq;
}

/* Two round trips of the honest VF: every VF was visited by the PF since. */
static int
honest_round_trips(uint16_t vf, uint32_t block)
{
	uint8_t buf[8] = { 0 };
	int ret = rte_pmd_vfbc_vf_read_block(vf, block, buf, sizeof(buf));

	VT_CHECK(ret >= 0, "VF read: %d", ret);
	VT_EQ(rte_pmd_vfbc_vf_write_block(vf, block, buf, sizeof(buf)), 0);
	return 0;
}

static int
wait_quarantined(uint16_t pf, uint16_t vf, int want)
{
	uint64_t deadline = now_ms() + WAIT_MS;

	while (rte_pmd_vfbc_pf_vf_is_quarantined(pf, vf) != want && now_ms() < deadline)
		sched_yield();
	VT_EQ(rte_pmd_vfbc_pf_vf_is_quarantined(pf, vf), want);
	return 0;
}

static int
quarantine_checks(struct scn *s, struct rogue *r)
{
	uint16_t pf = s->pf_port, vf0 = s->vf_port[0];
	uint32_t seq;
	int i;

	/* Two malformed requests, then a good one: the count starts again. */
	for (i = 0; i < 2; i++)
		VT_EQ(rogue_wait(r, rogue_post(r, VFBC_OP_READ, 1, 0x73, 8)), VFBC_ST_INVAL);
	VT_EQ(rogue_wait(r, rogue_post(r, VFBC_OP_READ, 0, 0x73, 8)), VFBC_ST_OK);
	VT_EQ(rte_pmd_vfbc_pf_vf_is_quarantined(pf, 1), 0);
	/* Three in a row: bad opcode, flags, length 0. */
	VT_EQ(rogue_wait(r, rogue_post(r, 77, 0, 0x73, 8)), VFBC_ST_INVAL);
	VT_EQ(rogue_wait(r, rogue_post(r, VFBC_OP_WRITE, 4, 0x73, 8)), VFBC_ST_INVAL);
	VT_EQ(rogue_wait(r, rogue_post(r, VFBC_OP_READ, 0, 0x73, 0)), VFBC_ST_INVAL);
	if (wait_quarantined(pf, 1, 1) != 0)
		return -1;
	/* Its next request, however good, is not served; VF 0 is. */
	seq = rogue_post(r, VFBC_OP_READ, 0, 0x73, 8);
	if (honest_round_trips(vf0, 0x73) != 0 || honest_round_trips(vf0, 0x73) != 0)
		return -1;
	VT_CHECK(!rogue_completed(r, seq), "a quarantined VF was served");
	VT_EQ(xstat(pf, "vf1_mbox_quarantines"), 1);
	VT_EQ(xstat(pf, "mbox_quarantines"), 1);
	VT_EQ(xstat(pf, "vf1_mbox_invalid_errors"), 5);
	VT_EQ(xstat(pf, "vf0_mbox_errors"), 0);
	/* Lifted by the application: the waiting request is served. */
	VT_EQ(rte_pmd_vfbc_pf_lift_quarantine(pf, 1), 1);
	VT_EQ(rogue_wait(r, seq), VFBC_ST_OK);
	VT_EQ(rte_pmd_vfbc_pf_vf_is_quarantined(pf, 1), 0);
	VT_EQ(rte_pmd_vfbc_pf_lift_quarantine(pf, 1), 0);
	VT_EQ(rte_pmd_vfbc_pf_lift_quarantine(pf, 2), -EINVAL);
	VT_EQ(rte_pmd_vfbc_pf_lift_quarantine(vf0, 0), -ENOTSUP);
	VT_EQ(rte_pmd_vfbc_pf_vf_is_quarantined(vf0, 0), -ENOTSUP);
	return 0;
}

static int
quarantine_body(struct scn *s)
{
	struct rogue r;
	int ret;

	if (rogue_open(s, 1, &r) != 0)
		return -1;
	ret = quarantine_checks(s, &r);
	region_map_close(&r.m);
	return ret;
}

/* A VF that keeps sending malformed requests is quarantined, not VF 0. */
static int
test_quarantine(void)
{
	return scn_run("qrt", "num_vfs=2,quarantine_after=3,block=0x73:8:rw", 1, LONG_MS,
			quarantine_body);
}

static int
wait_xstat(uint16_t port, const char *name, uint64_t want)
{
	uint64_t deadline = now_ms() + WAIT_MS;

	while (xstat(port, name) != want && now_ms() < deadline)
		sched_yield();
	VT_EQ(xstat(port, name), want);
	return 0;
}

/* vf_rate=1,vf_burst=2: two requests at once, the third a second later. */
static int
rate_body(struct scn *s)
{
	uint16_t pf = s->pf_port, vf0 = s->vf_port[0], vf1 = s->vf_port[1];
	uint32_t tok[3];
	uint8_t buf[8];
	unsigned int i;

	for (i = 0; i < RTE_DIM(tok); i++)
		VT_EQ(rte_pmd_vfbc_vf_post_read(vf0, 0x74, sizeof(buf), &tok[i]), 0);
	VT_EQ(poll_done(vf0, tok[0], buf, sizeof(buf)), 0);
	VT_EQ(poll_done(vf0, tok[1], buf, sizeof(buf)), 0);
	/* The PF holds the third back; VF 1 has a bucket of its own. */
	if (wait_xstat(pf, "vf0_mbox_rate_limited_requests", 1) != 0)
		return -1;
	VT_EQ(rte_pmd_vfbc_vf_read_block(vf1, 0x74, buf, sizeof(buf)), 0);
	VT_EQ(xstat(pf, "vf1_mbox_rate_limited_requests"), 0);
	VT_EQ(poll_done(vf0, tok[2], buf, sizeof(buf)), 0);
	return 0;
}

static int
test_vf_rate(void)
{
	return scn_run("rate", "num_vfs=2,vf_rate=1,vf_burst=2,block=0x74:8:rw", 2, LONG_MS,
			rate_body);
}

/* vf_outstanding=2: the VF port posts no third request; a rogue VF's fails. */
static int
outstanding_body(struct scn *s)
{
	uint16_t pf = s->pf_port, vf0 = s->vf_port[0];
	uint32_t tok[3], seq;
	uint8_t buf[8];
	struct rogue r;
	int ret = 0;

	VT_EQ(rte_pmd_vfbc_vf_post_read(vf0, 0x75, sizeof(buf), &tok[0]), 0);
	VT_EQ(rte_pmd_vfbc_vf_post_read(vf0, 0x75, sizeof(buf), &tok[1]), 0);
	/* Both are answered, but not collected: still outstanding for the VF. */
	VT_EQ(rte_pmd_vfbc_vf_post_read(vf0, 0x75, sizeof(buf), &tok[2]), -ENOBUFS);
	VT_EQ(poll_done(vf0, tok[0], buf, sizeof(buf)), 0);
	VT_EQ(rte_pmd_vfbc_vf_post_read(vf0, 0x75, sizeof(buf), &tok[2]), 0);
	VT_EQ(poll_done(vf0, tok[1], buf, sizeof(buf)), 0);
	VT_EQ(poll_done(vf0, tok[2], buf, sizeof(buf)), 0);
	VT_EQ(xstat(pf, "vf0_mbox_outstanding_exceeded_errors"), 0);

	if (rogue_open(s, 1, &r) != 0)
		return -1;
	/* Three at once, the last first, so the PF sees them all at the first. */
	seq = r.next_seq;
	rogue_fill(&r, seq + 2, VFBC_OP_READ, 0, 0x75, 8);
	rogue_fill(&r, seq + 1, VFBC_OP_READ, 0, 0x75, 8);
	rogue_fill(&r, seq, VFBC_OP_READ, 0, 0x75, 8);
	if (rogue_wait(&r, seq) != VFBC_ST_OK || rogue_wait(&r, seq + 1) != VFBC_ST_OK ||
			rogue_wait(&r, seq + 2) != VFBC_ST_INVAL)
		ret = -1;
	region_map_close(&r.m);
	VT_CHECK(ret == 0, "the PF let a VF have 3 requests outstanding");
	VT_EQ(xstat(pf, "vf1_mbox_outstanding_exceeded_errors"), 1);
	return 0;
}

static int
test_vf_outstanding(void)
{
	return scn_run("outs", "num_vfs=2,vf_outstanding=2,block=0x75:8:rw", 1, SHORT_MS,
			outstanding_body);
}

/* ------------------------------------------------------------ 6. invalidate */

static int
invalidate_body(struct scn *s)
{
	uint16_t pf = s->pf_port, vf0 = s->vf_port[0], vf1 = s->vf_port[1];
	uint64_t mask = 1;

	VT_EQ(rte_pmd_vfbc_vf_get_invalidated(vf0, &mask), 0);
	VT_EQ(mask, 0);
	VT_EQ(rte_pmd_vfbc_pf_invalidate(pf, 0, 0x1), 0);
	VT_EQ(rte_pmd_vfbc_pf_invalidate(pf, 0, 0x4), 0);
	/* Coalesced until fetched, then cleared. */
	VT_EQ(rte_pmd_vfbc_vf_get_invalidated(vf0, &mask), 0);
	VT_EQ(mask, 0x5);
	VT_EQ(rte_pmd_vfbc_vf_get_invalidated(vf0, &mask), 0);
	VT_EQ(mask, 0);
	VT_EQ(rte_pmd_vfbc_vf_get_invalidated(vf1, &mask), 0);
	VT_EQ(mask, 0);
	/* Block 63, the last bit, for the other VF only. */
	VT_EQ(rte_pmd_vfbc_pf_invalidate(pf, 1, UINT64_C(1) << 63), 0);
	VT_EQ(rte_pmd_vfbc_vf_get_invalidated(vf0, &mask), 0);
	VT_EQ(mask, 0);
	VT_EQ(rte_pmd_vfbc_vf_get_invalidated(vf1, &mask), 0);
	VT_CHECK(mask == UINT64_C(1) << 63, "VF 1 mask %#" PRIx64, mask);
	return 0;
}

static int
test_invalidate(void)
{
	return scn_run("inv", "num_vfs=2", 2, LONG_MS, invalidate_body);
}

/* -------------------------------------------------------------- 7. isolation */

static int
isolation_body(struct scn *s)
{
	uint8_t w[64], r[64];
	uint16_t v;

	for (v = 0; v < 4; v++) {
		pattern_fill(w, sizeof(w), 0x300 + v);
		VT_EQ(rte_pmd_vfbc_vf_write_block(s->vf_port[v], 0x30, w, sizeof(w)), 0);
	}
	for (v = 0; v < 4; v++) {
		VT_EQ(rte_pmd_vfbc_vf_read_block(s->vf_port[v], 0x30, r, sizeof(r)), sizeof(r));
		VT_CHECK(pattern_ok(r, sizeof(r), 0x300 + v), "VF %u reads another's data", v);
		VT_EQ(rte_pmd_vfbc_pf_get_block(s->pf_port, v, 0x30, r, sizeof(r)), sizeof(r));
		VT_CHECK(pattern_ok(r, sizeof(r), 0x300 + v), "PF: VF %u holds other data", v);
	}
	/* The PF changes one VF's block: only that VF sees it. */
	pattern_fill(w, 10, 0x400);
	VT_EQ(rte_pmd_vfbc_pf_set_block(s->pf_port, 2, 0x30, w, 10), 0);
	for (v = 0; v < 4; v++) {
		int n = rte_pmd_vfbc_vf_read_block(s->vf_port[v], 0x30, r, sizeof(r));

		VT_EQ(n, v == 2 ? 10 : 64);
		VT_CHECK(pattern_ok(r, (uint32_t)n, v == 2 ? 0x400 : 0x300u + v),
				"VF %u: wrong data", v);
	}
	/* A block defined for one VF only. */
	VT_EQ(rte_pmd_vfbc_pf_define_block(s->pf_port, 3, 0x31, 8, RW), 0);
	VT_EQ(rte_pmd_vfbc_vf_read_block(s->vf_port[3], 0x31, r, sizeof(r)), 0);
	VT_EQ(rte_pmd_vfbc_vf_read_block(s->vf_port[0], 0x31, r, sizeof(r)), -ENOENT);
	VT_EQ(rte_pmd_vfbc_vf_write_block(s->vf_port[1], 0x31, w, 8), -ENOENT);
	return 0;
}

static int
test_vf_isolation(void)
{
	return scn_run("iso", "num_vfs=4,block=0x30:64:rw", 4, LONG_MS, isolation_body);
}

/* ------------------------------------------------------------ 8. concurrency */

#define CONC_ROUNDS 2000
/* Large enough that a copy without the store lock would tear. */
#define CONC_WORDS 256

/* One VF thread: write its own block, read it back, read the PF's block. */
struct vf_worker {
	uint16_t port;
	uint32_t own_block;
	uint32_t pf_block;
	uint32_t seed;
	unsigned int rounds;
	unsigned int done;
	char err[160];
};

/* A version of the PF's block: CONC_WORDS words, all equal to the version. */
static bool
version_whole(const uint32_t *w)
{
	unsigned int i;

	for (i = 1; i < CONC_WORDS; i++) {
		if (w[i] != w[0])
			return false;
	}
	return true;
}

static int __rte_format_printf(2, 3)
worker_fail(struct vf_worker *w, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(w->err, sizeof(w->err), fmt, ap);
	va_end(ap);
	return -1;
}

static int
vf_round(struct vf_worker *w, unsigned int i, uint32_t *last_version)
{
	uint8_t out[64], in[64];
	uint32_t words[CONC_WORDS];
	int ret;

	pattern_fill(out, sizeof(out), w->seed + i);
	ret = rte_pmd_vfbc_vf_write_block(w->port, w->own_block, out, sizeof(out));
	if (ret != 0)
		return worker_fail(w, "round %u: write = %d", i, ret);
	ret = rte_pmd_vfbc_vf_read_block(w->port, w->own_block, in, sizeof(in));
	if (ret != (int)sizeof(in) || memcmp(in, out, sizeof(in)) != 0)
		return worker_fail(w, "round %u: read = %d, %s", i, ret,
				ret == (int)sizeof(in) ? "other data" : "wrong length");
	ret = rte_pmd_vfbc_vf_read_block(w->port, w->pf_block, words, sizeof(words));
	if (ret != (int)sizeof(words) || !version_whole(words))
		return worker_fail(w, "round %u: PF block read = %d, %s", i,
				ret, ret == (int)sizeof(words) ? "torn version" : "wrong length");
	/* Requests of one thread are served in order: versions never go back. */
	if (words[0] < *last_version)
		return worker_fail(w, "round %u: version %u after %u", i,
				words[0], *last_version);
	*last_version = words[0];
	return 0;
}

static void *
vf_worker_run(void *arg)
{
	struct vf_worker *w = arg;
	uint32_t last_version = 0;

	for (w->done = 0; w->done < w->rounds; w->done++) {
		if (vf_round(w, w->done, &last_version) != 0)
			break;
	}
	return NULL;
}

/* The PF application rewriting a block while VFs read it. */
struct pf_writer {
	uint16_t port;
	uint32_t block;
	bool stop;
	uint32_t versions;
	int error;
};

static void *
pf_writer_run(void *arg)
{
	struct pf_writer *pw = arg;
	uint32_t words[CONC_WORDS], v, i;
	int ret;

	while (!__atomic_load_n(&pw->stop, __ATOMIC_ACQUIRE)) {
		v = pw->versions + 1;
		for (i = 0; i < CONC_WORDS; i++)
			words[i] = v;
		ret = rte_pmd_vfbc_pf_set_block(pw->port, 0, pw->block, words, sizeof(words));
		if (ret != 0) {
			pw->error = ret;
			break;
		}
		__atomic_store_n(&pw->versions, v, __ATOMIC_RELEASE);
		sched_yield(); /* do not starve the service of the store's lock */
	}
	return NULL;
}

static int
conc_check_worker(const struct vf_worker *w)
{
	VT_CHECK(w->err[0] == '\0', "VF thread on block %#x: %s", w->own_block, w->err);
	VT_EQ(w->done, w->rounds);
	return 0;
}

static int
concurrency_body(struct scn *s)
{
	struct vf_worker w[2];
	struct pf_writer pw = { .port = s->pf_port, .block = 0x40 };
	uint32_t zero[CONC_WORDS] = { 0 };
	uint8_t buf[64];
	pthread_t tw, tp;
	unsigned int i;
	int ret = 0;

	VT_EQ(rte_pmd_vfbc_pf_set_block(s->pf_port, 0, 0x40, zero, sizeof(zero)), 0);
	for (i = 0; i < 2; i++) {
		memset(&w[i], 0, sizeof(w[i]));
		w[i].port = s->vf_port[0];
		w[i].own_block = 0x41 + i;
		w[i].pf_block = 0x40;
		w[i].seed = (i + 1) << 16;
		w[i].rounds = CONC_ROUNDS;
	}
	VT_EQ(thread_spawn(&tp, pf_writer_run, &pw), 0);
	if (thread_spawn(&tw, vf_worker_run, &w[1]) != 0) {
		__atomic_store_n(&pw.stop, true, __ATOMIC_RELEASE);
		pthread_join(tp, NULL);
		return -1;
	}
	vf_worker_run(&w[0]); /* the main thread is the second VF thread */
	pthread_join(tw, NULL);
	__atomic_store_n(&pw.stop, true, __ATOMIC_RELEASE);
	pthread_join(tp, NULL);

	for (i = 0; i < 2 && ret == 0; i++)
		ret = conc_check_worker(&w[i]);
	VT_EQ(ret, 0);
	VT_EQ(pw.error, 0);
	VT_CHECK(pw.versions > 1, "the PF writer wrote %u versions", pw.versions);
	/* Each VF thread's last write is what the PF holds. */
	for (i = 0; i < 2; i++) {
		VT_EQ(rte_pmd_vfbc_pf_get_block(s->pf_port, 0, 0x41 + i, buf, sizeof(buf)), 64);
		VT_CHECK(pattern_ok(buf, sizeof(buf), w[i].seed + CONC_ROUNDS - 1),
				"block %#x: not the last write", 0x41 + i);
	}
	return 0;
}

static int
test_concurrency(void)
{
	return scn_run("conc", "num_vfs=1,block=0x40:1024:r,block=0x41:64:rw,block=0x42:64:rw", 1,
			LONG_MS, concurrency_body);
}

/* ------------------------------------------------------------ 9. pipelining */

#define PIPE_DEPTH 16
#define PIPE_BLOCKS 4

/* Busy-poll a token until the PF answered it, within WAIT_MS. */
static int
poll_token(uint16_t port, uint32_t token, void *buf, uint32_t len)
{
	uint64_t deadline = now_ms() + WAIT_MS;
	unsigned int spins = 0;
	int ret;

	while ((ret = rte_pmd_vfbc_vf_poll(port, token, buf, len)) == -EAGAIN &&
			now_ms() < deadline) {
		rte_pause();
		/* The PF's control thread may share our CPU. */
		if (++spins % 1024 == 0)
			sched_yield();
	}
	return ret;
}

static int
pipeline_reads(struct scn *s)
{
	uint16_t vf = s->vf_port[0];
	uint32_t tokens[PIPE_DEPTH], extra;
	uint8_t buf[64];
	uint64_t t0;
	int i;

	for (i = 0; i < PIPE_DEPTH; i++)
		VT_EQ(rte_pmd_vfbc_vf_post_read(vf, 0x50 + i % PIPE_BLOCKS, sizeof(buf),
				&tokens[i]), 0);
	/* Every slot belongs to an uncollected token: no room, and no waiting. */
	t0 = now_ms();
	VT_EQ(rte_pmd_vfbc_vf_post_read(vf, 0x50, sizeof(buf), &extra), -ENOBUFS);
	VT_CHECK(now_ms() - t0 < WAIT_MS, "a full mailbox blocked for %" PRIu64 " ms",
			now_ms() - t0);
	/* Collect in reverse order: tokens are independent. */
	for (i = PIPE_DEPTH - 1; i >= 0; i--) {
		memset(buf, 0, sizeof(buf));
		VT_EQ(poll_token(vf, tokens[i], buf, sizeof(buf)), sizeof(buf));
		VT_CHECK(pattern_ok(buf, sizeof(buf), 0x500 + i % PIPE_BLOCKS),
				"token %d: wrong data", i);
	}
	return 0;
}

static int
pipeline_writes(struct scn *s)
{
	uint16_t vf = s->vf_port[0];
	uint32_t tokens[PIPE_DEPTH];
	uint8_t buf[64];
	int i;

	for (i = 0; i < PIPE_DEPTH; i++) {
		pattern_fill(buf, sizeof(buf), 0x600 + i);
		VT_EQ(rte_pmd_vfbc_vf_post_write(vf, 0x50 + i % PIPE_BLOCKS, buf, sizeof(buf),
				&tokens[i]), 0);
	}
	for (i = 0; i < PIPE_DEPTH; i++)
		VT_EQ(poll_token(vf, tokens[i], NULL, 0), 0);
	/* Served in order: the last write to each block is the one that stays. */
	for (i = 0; i < PIPE_BLOCKS; i++) {
		VT_EQ(rte_pmd_vfbc_pf_get_block(s->pf_port, 0, 0x50 + i, buf, sizeof(buf)), 64);
		VT_CHECK(pattern_ok(buf, sizeof(buf), 0x600 + PIPE_DEPTH - PIPE_BLOCKS + i),
				"block %#x: not the last write", 0x50 + i);
	}
	return 0;
}

static int
pipeline_body(struct scn *s)
{
	uint8_t buf[64];
	uint32_t token;
	int i;

	for (i = 0; i < PIPE_BLOCKS; i++) {
		VT_EQ(rte_pmd_vfbc_pf_define_block(s->pf_port, 0, 0x50 + i, 64, RW), 0);
		pattern_fill(buf, sizeof(buf), 0x500 + i);
		VT_EQ(rte_pmd_vfbc_pf_set_block(s->pf_port, 0, 0x50 + i, buf, sizeof(buf)), 0);
	}
	if (pipeline_reads(s) != 0 || pipeline_writes(s) != 0)
		return -1;
	/* Errors come back through poll too. */
	VT_EQ(rte_pmd_vfbc_vf_post_read(s->vf_port[0], 0x99, 8, &token), 0);
	VT_EQ(poll_token(s->vf_port[0], token, buf, sizeof(buf)), -ENOENT);
	VT_EQ(rte_pmd_vfbc_vf_read_block(s->vf_port[0], 0x53, buf, sizeof(buf)), 64);
	VT_CHECK(pattern_ok(buf, sizeof(buf), 0x600 + PIPE_DEPTH - 1), "wrong data");
	return 0;
}

static int
test_pipelining(void)
{
	/* Short timeout: a post into a full mailbox is expected to time out. */
	return scn_run("pipe", "num_vfs=1,mbox_depth=16", 1, SHORT_MS, pipeline_body);
}

/* ------------------------------------- 10a. poll=service, nobody runs it */

/* A VF call made from a thread of its own, while the caller does something. */
struct vf_call {
	uint16_t port;
	uint32_t block;
	bool write;
	uint8_t buf[64];
	uint32_t len;
	int ret;
	bool done;
	uint64_t end_ms;
	struct rte_mempool *start_pool; /**< set: start the port instead of a call */
};

static void *
vf_call_run(void *arg)
{
	struct vf_call *c = arg;

	if (c->start_pool != NULL)
		c->ret = port_start(c->port, c->start_pool);
	else if (c->write)
		c->ret = rte_pmd_vfbc_vf_write_block(c->port, c->block, c->buf, c->len);
	else
		c->ret = rte_pmd_vfbc_vf_read_block(c->port, c->block, c->buf, c->len);
	c->end_ms = now_ms();
	__atomic_store_n(&c->done, true, __ATOMIC_RELEASE);
	return NULL;
}

/*
 * Run the PF service on this (main) lcore until the VF call in @p c ends.
 * The VF's timeout may be short (the scenario tests it): a call that timed
 * out because this thread was not scheduled in time is made again, so the
 * outcome does not depend on the machine's load, only on the service.
 */
static int
serve_until_done(uint32_t service_id, struct vf_call *c)
{
	uint64_t deadline = now_ms() + WAIT_MS;
	pthread_t t;

	do {
		c->done = false;
		VT_EQ(thread_spawn(&t, vf_call_run, c), 0);
		while (!__atomic_load_n(&c->done, __ATOMIC_ACQUIRE) && now_ms() < deadline)
			rte_service_run_iter_on_app_lcore(service_id, 1);
		pthread_join(t, NULL);
	} while (c->ret == -ETIMEDOUT && now_ms() < deadline);
	return 0;
}

static int
service_timeout_body(struct scn *s)
{
	uint16_t pf = s->pf_port, vf = s->vf_port[0];
	struct vf_call c = { .port = vf, .block = 0x60, .len = 8 };
	uint8_t buf[8];
	uint32_t id;
	uint64_t t0, el;

	/* poll=service: no control thread, and nobody runs the service. */
	VT_CHECK(!thread_named("vfbc-pf_pst"), "poll=service started a control thread");
	t0 = now_ms();
	VT_EQ(rte_pmd_vfbc_vf_read_block(vf, 0x60, buf, sizeof(buf)), -ETIMEDOUT);
	el = now_ms() - t0;
	VT_CHECK(el >= SHORT_MS && el < WAIT_MS, "timed out after %" PRIu64 " ms", el);
	VT_EQ(rte_pmd_vfbc_vf_write_block(vf, 0x60, buf, sizeof(buf)), -ETIMEDOUT);

	/* The application runs the service itself: now the VF gets answers. */
	pattern_fill(buf, sizeof(buf), 9);
	VT_EQ(rte_pmd_vfbc_pf_set_block(pf, 0, 0x60, buf, sizeof(buf)), 0);
	VT_EQ(rte_pmd_vfbc_pf_get_service_id(pf, &id), 0);
	VT_EQ(rte_service_runstate_set(id, 1), 0);
	if (serve_until_done(id, &c) != 0)
		return -1;
	VT_EQ(c.ret, 8);
	VT_CHECK(pattern_ok(c.buf, 8, 9), "wrong data");
	c.write = true;
	c.done = false;
	pattern_fill(c.buf, 8, 10);
	if (serve_until_done(id, &c) != 0)
		return -1;
	VT_EQ(c.ret, 0);
	VT_EQ(rte_pmd_vfbc_pf_get_block(pf, 0, 0x60, buf, sizeof(buf)), 8);
	VT_CHECK(pattern_ok(buf, 8, 10), "wrong data");
	return 0;
}

static int
test_service_timeout(void)
{
	return scn_run("pst", "num_vfs=1,poll=service,block=0x60:8:rw", 1, SHORT_MS,
			service_timeout_body);
}

/* -------------------------------------------- 10b. the PF closes under a VF */

static unsigned int lsc_events;

static int
lsc_event_cb(uint16_t port_id, enum rte_eth_event_type event, void *cb_arg, void *ret_param)
{
	if (event == RTE_ETH_EVENT_INTR_LSC)
		__atomic_fetch_add(&lsc_events, 1, __ATOMIC_RELEASE);
	return 0;
}

/* Wait until a VF thread sleeps in its call: it says so in the region. */
static int
wait_vf_sleeper(const struct region_map *m)
{
	const struct vfbc_region_hdr *hdr = (const void *)m->base;
	uint64_t deadline = now_ms() + WAIT_MS;

	while (__atomic_load_n(&hdr->vf.cpl_sleepers, __ATOMIC_ACQUIRE) == 0 &&
			now_ms() < deadline)
		sched_yield();
	VT_CHECK(hdr->vf.cpl_sleepers != 0, "the VF thread never went to sleep");
	return 0;
}

static int
wait_lsc_event(void)
{
	uint64_t deadline = now_ms() + WAIT_MS;

	while (__atomic_load_n(&lsc_events, __ATOMIC_ACQUIRE) == 0 && now_ms() < deadline)
		sched_yield();
	VT_CHECK(lsc_events != 0, "no link status event after the PF closed");
	return 0;
}

/* The VF timeout while the PF closes: far longer than a wake-up takes. */
#define PF_STOP_TIMEOUT_MS 10000

/* Close the PF while a VF thread waits in a long call. */
static int
close_pf_under_call(struct scn *s, struct vf_call *c)
{
	struct region_map m;
	char path[PATH_MAX];
	pthread_t t;
	uint64_t t0;
	int ret;

	VT_EQ(region_path(path, sizeof(path), s->dir, s->pf_name, 0), 0);
	if (region_map_open(&m, path, false) != 0)
		return -1;
	VT_EQ(thread_spawn(&t, vf_call_run, c), 0);
	ret = wait_vf_sleeper(&m);
	region_map_close(&m);
	t0 = now_ms();
	if (ret == 0)
		ret = scn_pf_close(s);
	pthread_join(t, NULL);
	VT_EQ(ret, 0);
	VT_EQ(c->ret, -ENOTCONN);
	/* Woken by the close, not by its own timeout (-ENOTCONN either way). */
	VT_CHECK(c->end_ms - t0 < PF_STOP_TIMEOUT_MS / 2,
			"the VF call ended %" PRIu64 " ms after the close", c->end_ms - t0);
	return 0;
}

/* Attach the VF, then leave a posted read that nobody serves. */
static int
attach_and_post(struct scn *s, uint32_t *token)
{
	struct vf_call c = { .port = s->vf_port[0], .block = 0x61, .len = 8 };
	uint32_t id;

	VT_EQ(rte_pmd_vfbc_pf_get_service_id(s->pf_port, &id), 0);
	VT_EQ(rte_service_runstate_set(id, 1), 0);
	if (serve_until_done(id, &c) != 0)
		return -1;
	VT_EQ(c.ret, 0);
	VT_EQ(rte_pmd_vfbc_vf_post_read(s->vf_port[0], 0x61, 8, token), 0);
	VT_EQ(rte_pmd_vfbc_vf_poll(s->vf_port[0], *token, c.buf, 8), -EAGAIN);
	return 0;
}

static int
pf_stop_checks(struct scn *s, struct rte_mempool *mp)
{
	struct vf_call c = { .port = s->vf_port[0], .block = 0x61, .len = 8 };
	uint16_t vf = s->vf_port[0];
	char args[ARGS_LEN];
	uint8_t buf[8] = { 0 };
	struct vf_call start = { .port = vf, .start_pool = mp };
	uint32_t token, pending, id;
	uint64_t mask;

	if (port_start(s->pf_port, mp) != 0)
		return -1;
	/* Configure and start read the well-known blocks: serve them meanwhile. */
	VT_EQ(rte_pmd_vfbc_pf_get_service_id(s->pf_port, &id), 0);
	VT_EQ(rte_service_runstate_set(id, 1), 0);
	if (serve_until_done(id, &start) != 0)
		return -1;
	VT_EQ(start.ret, 0);
	VT_EQ(link_status(vf), RTE_ETH_LINK_UP);
	if (attach_and_post(s, &pending) != 0 || close_pf_under_call(s, &c) != 0)
		return -1;
	/* The pending request can never complete now. */
	VT_EQ(rte_pmd_vfbc_vf_poll(vf, pending, buf, sizeof(buf)), -ENOTCONN);
	/* Everything later fails fast. */
	VT_EQ(rte_pmd_vfbc_vf_read_block(vf, 0x61, buf, sizeof(buf)), -ENOTCONN);
	VT_EQ(rte_pmd_vfbc_vf_write_block(vf, 0x61, buf, sizeof(buf)), -ENOTCONN);
	VT_EQ(rte_pmd_vfbc_vf_post_read(vf, 0x61, sizeof(buf), &token), -ENOTCONN);
	VT_EQ(rte_pmd_vfbc_vf_get_invalidated(vf, &mask), 0);
	/* The VF's monitor reports the link down. */
	if (wait_lsc_event() != 0)
		return -1;
	VT_EQ(link_status(vf), RTE_ETH_LINK_DOWN);
	/* The closed PF's port is no PF port any more, and no VF can attach. */
	VT_CHECK(pf_api_enotsup(s->pf_port) == 0, "PF API on the closed PF port");
	snprintf(args, sizeof(args), "pf=%s,vf=0,region_dir=%s", s->pf_name, s->dir);
	return vdev_refused("net_vfbc_vf_pstop_late", args);
}

static struct rte_mempool *
pool_create(const char *name)
{
	struct rte_mempool *mp = rte_pktmbuf_pool_create(name, 255, 0, 0,
			RTE_MBUF_DEFAULT_BUF_SIZE, (int)rte_socket_id());

	if (mp == NULL)
		printf("    rte_pktmbuf_pool_create(%s): %s\n", name, rte_strerror(rte_errno));
	return mp;
}

static int
test_pf_stop(void)
{
	struct rte_mempool *mp = pool_create("pstop_pool");
	struct scn s;
	int ret;

	if (mp == NULL)
		return -1;
	/* poll=service: once attached, nobody serves; the VF's call ends by the close. */
	ret = scn_open(&s, "pstop", "num_vfs=1,poll=service,block=0x61:8:rw", 1,
			PF_STOP_TIMEOUT_MS);
	if (ret == 0) {
		__atomic_store_n(&lsc_events, 0, __ATOMIC_RELEASE);
		ret = rte_eth_dev_callback_register(s.vf_port[0], RTE_ETH_EVENT_INTR_LSC,
				lsc_event_cb, NULL);
		if (ret == 0) {
			ret = pf_stop_checks(&s, mp);
			ret |= callback_remove(s.vf_port[0], RTE_ETH_EVENT_INTR_LSC,
					lsc_event_cb, NULL);
		}
		/* Unplugged, as the VF of a vanished PF may be (stop+close: next case). */
		s.vf_open[0] = false;
		ret |= port_unplug(s.vf_name[0], s.vf_port[0]);
		/* The VF's queues held the pool: gone before freeing it. */
		ret = scn_close(&s, ret);
	}
	rte_mempool_free(mp);
	return ret;
}

/* An application stops and closes the VF port of a PF that went away. */
static int
vf_stop_checks(struct scn *s, struct rte_mempool *mp)
{
	uint16_t vf = s->vf_port[0];
	int ret;

	if (port_start(s->pf_port, mp) != 0 || port_start(vf, mp) != 0)
		return -1;
	VT_EQ(link_status(vf), RTE_ETH_LINK_UP);
	__atomic_store_n(&lsc_events, 0, __ATOMIC_RELEASE);
	VT_EQ(rte_eth_dev_callback_register(vf, RTE_ETH_EVENT_INTR_LSC, lsc_event_cb, NULL), 0);
	ret = scn_pf_close(s);
	if (ret == 0)
		ret = wait_lsc_event();
	if (callback_remove(vf, RTE_ETH_EVENT_INTR_LSC, lsc_event_cb, NULL) != 0 || ret != 0)
		return -1;
	VT_EQ(link_status(vf), RTE_ETH_LINK_DOWN);
	/* Its link is down already; stopping must still work, or close cannot. */
	VT_EQ(port_stop(vf), 0);
	VT_EQ(link_status(vf), RTE_ETH_LINK_DOWN);
	return 0;
}

static int
test_vf_stop_after_pf_gone(void)
{
	struct rte_mempool *mp = pool_create("vstop_pool");
	struct scn s;
	int ret;

	if (mp == NULL)
		return -1;
	ret = scn_open(&s, "vstop", "num_vfs=1", 1, LONG_MS);
	if (ret == 0)
		ret = scn_close(&s, vf_stop_checks(&s, mp));
	rte_mempool_free(mp);
	return ret;
}

/* ------------------------------------------------------- 10c. restarts */

/* A VF instance leaves a request unserved; the next instance starts clean. */
static int
vf_restart_checks(struct scn *s, uint32_t id)
{
	struct vf_call c = { .port = s->vf_port[0], .block = 0x90, .len = 16 };
	uint8_t x[16];
	uint32_t token;

	VT_EQ(rte_service_runstate_set(id, 1), 0);
	if (serve_until_done(id, &c) != 0) /* attaches instance A */
		return -1;
	VT_EQ(c.ret, 0);
	/* Nobody runs the service now: A's write stays in the mailbox. */
	pattern_fill(x, sizeof(x), 0x900);
	VT_EQ(rte_pmd_vfbc_vf_post_write(s->vf_port[0], 0x90, x, sizeof(x), &token), 0);
	s->vf_open[0] = false;
	s->nb_vf = 0;
	VT_EQ(port_destroy(s->vf_name[0], s->vf_port[0]), 0);

	if (scn_vf_open(s, 0, LONG_MS) != 0) /* instance B */
		return -1;
	c.port = s->vf_port[0];
	c.done = false;
	if (serve_until_done(id, &c) != 0)
		return -1;
	VT_EQ(c.ret, 0);
	VT_EQ(rte_pmd_vfbc_pf_get_block(s->pf_port, 0, 0x90, x, sizeof(x)), 0);
	/* B's own write is served. */
	c.write = true;
	c.done = false;
	pattern_fill(c.buf, 16, 0x901);
	if (serve_until_done(id, &c) != 0)
		return -1;
	VT_EQ(c.ret, 0);
	VT_EQ(rte_pmd_vfbc_pf_get_block(s->pf_port, 0, 0x90, x, sizeof(x)), 16);
	VT_CHECK(pattern_ok(x, 16, 0x901), "wrong data");
	return 0;
}

static int
vf_restart_body(struct scn *s)
{
	uint32_t id;

	VT_EQ(rte_pmd_vfbc_pf_get_service_id(s->pf_port, &id), 0);
	return vf_restart_checks(s, id);
}

static int
test_vf_restart(void)
{
	/* poll=service: the test decides when the PF serves. */
	return scn_run("vrs", "num_vfs=1,poll=service,block=0x90:16:rw", 1, LONG_MS,
			vf_restart_body);
}

/* Ask until the VF port reads @p len bytes of @p block: it reconnects by itself. */
static int
read_when_reconnected(uint16_t port, uint32_t block, uint8_t *buf, uint32_t len)
{
	uint64_t deadline = now_ms() + WAIT_MS;
	int ret;

	while ((ret = rte_pmd_vfbc_vf_read_block(port, block, buf, len)) == -ENOTCONN &&
			now_ms() < deadline)
		sched_yield();
	return ret;
}

/* A PF restarts under the same name: the VF port follows it by itself. */
static int
pf_restart_body(struct scn *s)
{
	uint16_t vf = s->vf_port[0];
	char args[ARGS_LEN];
	uint8_t w[16], r[16];
	uint32_t token;
	uint64_t mask;

	pattern_fill(w, sizeof(w), 0x910);
	VT_EQ(rte_pmd_vfbc_vf_write_block(vf, 0x91, w, sizeof(w)), 0);
	VT_EQ(rte_pmd_vfbc_vf_post_read(vf, 0x91, sizeof(r), &token), 0);
	VT_EQ(scn_pf_close(s), 0);
	VT_EQ(rte_pmd_vfbc_vf_read_block(vf, 0x91, r, sizeof(r)), -ENOTCONN);
	if (scn_pf_open(s, "num_vfs=1,block=0x91:16:rw") != 0)
		return -1;
	/* The new PF's blocks are new. */
	VT_EQ(read_when_reconnected(vf, 0x91, r, sizeof(r)), 0);
	VT_EQ(rte_pmd_vfbc_vf_get_invalidated(vf, &mask), 0);
	VT_EQ(mask, UINT64_MAX);
	/* A request posted to the old PF never completes, whatever is posted now. */
	VT_EQ(rte_pmd_vfbc_vf_poll(vf, token, r, sizeof(r)), -ENOTCONN);
	VT_EQ(rte_pmd_vfbc_vf_write_block(vf, 0x91, w, sizeof(w)), 0);
	VT_EQ(rte_pmd_vfbc_pf_get_block(s->pf_port, 0, 0x91, r, sizeof(r)), sizeof(r));
	VT_CHECK(memcmp(r, w, sizeof(r)) == 0, "wrong data");
	/* The port holds the VF: a second port of it is refused. */
	snprintf(args, sizeof(args), "pf=%s,vf=0,region_dir=%s", s->pf_name, s->dir);
	return vdev_refused("net_vfbc_vf_prs_rival", args);
}

static int
test_pf_restart(void)
{
	return scn_run("prs", "num_vfs=1,block=0x91:16:rw", 1, LONG_MS, pf_restart_body);
}

/* ------------------------------------------------------------ 11. hostile VF */

#define HOSTILE_ITERATIONS 200000
#define HOSTILE_SPIN_MS 5
#define HOSTILE_ROUNDS 5000

/* VF 1 without a VF driver: somebody writing whatever it likes in its region. */
struct hostile {
	uint8_t *base;
	size_t size;
	uint32_t mbox_offset;
	uint32_t depth;
	uint32_t slot_size;
	uint32_t slot_data_max;
	uint64_t rng;
	uint32_t next_seq;
	bool stop;
	unsigned long iterations;
	unsigned long posted;
	unsigned long completed;
	unsigned long bad_status;
	unsigned long bad_len;
};

/* Our own generator: rte_rand() is per lcore and this is no lcore. */
static uint64_t
hrand(struct hostile *h)
{
	h->rng ^= h->rng << 13;
	h->rng ^= h->rng >> 7;
	h->rng ^= h->rng << 17;
	return h->rng;
}

static struct vfbc_region_hdr *
h_hdr(struct hostile *h)
{
	return (struct vfbc_region_hdr *)h->base;
}

static struct vfbc_mbox_desc *
h_desc(struct hostile *h, uint32_t seq)
{
	return (struct vfbc_mbox_desc *)(h->base + h->mbox_offset +
			(size_t)(seq & (h->depth - 1)) * h->slot_size);
}

static void
h_random_bytes(struct hostile *h, uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i + 8 <= len; i += 8) {
		uint64_t r = hrand(h);

		memcpy(p + i, &r, 8);
	}
	for (; i < len; i++)
		p[i] = (uint8_t)hrand(h);
}

/* A length chosen to hit every bound the PF has. */
static uint32_t
h_len(struct hostile *h)
{
	const uint32_t lens[] = { 0, 1, 16, 17, 64, 65, 255, 256, 257, 4096, UINT32_MAX,
		UINT32_MAX / 2 + 1 };
	uint64_t r = hrand(h);

	return r & 1 ? lens[(r >> 1) % RTE_DIM(lens)] : (uint32_t)(r >> 32);
}

static uint32_t
h_block(struct hostile *h)
{
	const uint32_t ids[] = { 0x70, 0x71, 0x72, 0x73, 0, UINT32_MAX };
	uint64_t r = hrand(h);

	return r & 1 ? ids[(r >> 1) % RTE_DIM(ids)] : (uint32_t)(r >> 32);
}

static bool
h_spin_until(struct hostile *h, const uint32_t *word, uint32_t val)
{
	uint64_t deadline = now_ms() + HOSTILE_SPIN_MS;

	while (__atomic_load_n(word, __ATOMIC_ACQUIRE) != val) {
		if (now_ms() >= deadline || __atomic_load_n(&h->stop, __ATOMIC_RELAXED))
			return false;
		rte_pause();
	}
	return true;
}

/* Attach as a VF would (or with a silly protocol range), learn first_seq. */
static void
h_attach(struct hostile *h)
{
	struct vfbc_region_hdr *hdr = h_hdr(h);
	uint32_t nonce = (uint32_t)hrand(h) | 1;
	uint64_t r = hrand(h);

	hdr->vf.proto_min = r & 1 ? VFBC_PROTO_VERSION_MIN : (uint16_t)(r >> 8);
	hdr->vf.proto_max = r & 2 ? VFBC_PROTO_VERSION_MAX : (uint16_t)(r >> 24);
	__atomic_store_n(&hdr->vf.attach_nonce, nonce, __ATOMIC_RELEASE);
	if (h_spin_until(h, &hdr->pf.attach_ack, nonce))
		h->next_seq = __atomic_load_n(&hdr->pf.first_seq, __ATOMIC_RELAXED);
}

/*
 * Check what the PF answered: a known status, and a length within the slot
 * (no more: the PF may have read a slot while we were still filling it).
 */
static void
h_check_completion(struct hostile *h, const struct vfbc_mbox_desc *d)
{
	uint32_t status = d->cpl_status, cpl_len = d->cpl_len;

	h->completed++;
	if (status >= VFBC_ST_MAX)
		h->bad_status++;
	else if (status == VFBC_ST_OK ? cpl_len > h->slot_data_max : cpl_len != 0)
		h->bad_len++;
}

/* Post a burst of garbage requests with the sequence numbers the PF expects. */
static void
h_post_burst(struct hostile *h)
{
	uint32_t n = 1 + (uint32_t)(hrand(h) % h->depth), k, seq = 0;

	for (k = 0; k < n; k++) {
		struct vfbc_mbox_desc *d;
		uint64_t r = hrand(h);

		seq = h->next_seq + k;
		d = h_desc(h, seq);
		d->opcode = r % 4 == 0 ? (uint16_t)(r >> 16) :
			(r % 4 == 1 ? VFBC_OP_WRITE : VFBC_OP_READ);
		d->flags = r % 8 == 7 ? (uint16_t)(r >> 40) : 0;
		d->block_id = h_block(h);
		d->req_len = h_len(h);
		h_random_bytes(h, (uint8_t *)(d + 1), h->slot_data_max);
		__atomic_store_n(&d->req_seq, seq, __ATOMIC_RELEASE);
		h->posted++;
	}
	h->next_seq += n;
	if (h_spin_until(h, &h_desc(h, seq)->cpl_seq, seq))
		h_check_completion(h, h_desc(h, seq));
}

/* Sequence numbers next to the ones the PF expects, in every slot. */
static void
h_near_misses(struct hostile *h)
{
	uint32_t s;

	for (s = 0; s < h->depth; s++) {
		struct vfbc_mbox_desc *d = h_desc(h, s);
		uint32_t base = hrand(h) & 1 ? h->next_seq : d->cpl_seq + 1;
		int32_t delta = (int32_t)(hrand(h) % (2 * h->depth + 5)) - (int32_t)h->depth - 2;

		d->opcode = (uint16_t)(1 + hrand(h) % 2);
		d->block_id = h_block(h);
		d->req_len = h_len(h);
		__atomic_store_n(&d->req_seq, base + (uint32_t)delta, __ATOMIC_RELEASE);
	}
}

/* Post one write and keep changing its payload while the PF copies it. */
static void
h_race_payload(struct hostile *h)
{
	uint32_t seq = h->next_seq++;
	struct vfbc_mbox_desc *d = h_desc(h, seq);
	uint8_t *data = (uint8_t *)(d + 1);
	unsigned int i;

	d->opcode = VFBC_OP_WRITE;
	d->flags = 0;
	d->block_id = 0x71;
	d->req_len = h->slot_data_max;
	__atomic_store_n(&d->req_seq, seq, __ATOMIC_RELEASE);
	for (i = 0; i < 1000 && __atomic_load_n(&d->cpl_seq, __ATOMIC_ACQUIRE) != seq; i++)
		h_random_bytes(h, data, h->slot_data_max);
}

static void
h_scribble_ctl(struct hostile *h)
{
	struct vfbc_region_hdr *hdr = h_hdr(h);
	uint64_t r = hrand(h);

	if (r & 1)
		h_random_bytes(h, (uint8_t *)&hdr->vf, sizeof(hdr->vf));
	if (r & 2)
		h_random_bytes(h, (uint8_t *)&hdr->pf, sizeof(hdr->pf));
	if (r & 4)
		h_random_bytes(h, (uint8_t *)&hdr->info, sizeof(hdr->info));
	if (r & 8)
		__atomic_store_n(&hdr->vf.cpl_sleepers, (uint32_t)(r >> 32), __ATOMIC_RELEASE);
}

static void
h_iteration(struct hostile *h)
{
	switch (hrand(h) % 8) {
	case 0:
		h_random_bytes(h, h->base, h->size);
		break;
	case 1:
		h_random_bytes(h, h->base + h->mbox_offset, h->size - h->mbox_offset);
		break;
	case 2:
	case 3:
		h_attach(h);
		h_post_burst(h);
		break;
	case 4:
		h_post_burst(h);
		break;
	case 5:
		h_near_misses(h);
		break;
	case 6:
		h_scribble_ctl(h);
		break;
	default:
		h_race_payload(h);
		break;
	}
}

static void *
hostile_run(void *arg)
{
	struct hostile *h = arg;

	while (h->iterations < HOSTILE_ITERATIONS && !__atomic_load_n(&h->stop, __ATOMIC_ACQUIRE)) {
		h_iteration(h);
		h->iterations++;
	}
	return NULL;
}

/* Learn the layout once, as a VF does: the hostile's own writes destroy it. */
static int
hostile_init(struct hostile *h, const struct region_map *m)
{
	const struct vfbc_region_info *info = (const void *)m->base;

	memset(h, 0, sizeof(*h));
	h->base = m->base;
	h->size = m->size;
	h->mbox_offset = info->mbox_offset;
	h->depth = info->mbox_depth;
	h->slot_size = info->slot_size;
	h->slot_data_max = info->slot_data_max;
	h->rng = UINT64_C(0x9e3779b97f4a7c15) ^ (uint64_t)now_ms();
	VT_EQ(info->vf_index, 1);
	VT_CHECK(h->depth != 0 && (h->depth & (h->depth - 1)) == 0, "depth %u", h->depth);
	VT_CHECK((uint64_t)h->mbox_offset + (uint64_t)h->depth * h->slot_size <= h->size,
			"region too small");
	return 0;
}

static int
vf0_round_trips(uint16_t vf, unsigned int rounds)
{
	uint8_t w[64], r[64];
	unsigned int i;

	for (i = 0; i < rounds; i++) {
		pattern_fill(w, sizeof(w), 0x700 + i);
		VT_CHECK(rte_pmd_vfbc_vf_write_block(vf, 0x70, w, sizeof(w)) == 0, "round %u", i);
		memset(r, 0, sizeof(r));
		VT_CHECK(rte_pmd_vfbc_vf_read_block(vf, 0x70, r, sizeof(r)) == (int)sizeof(r),
				"round %u", i);
		VT_CHECK(memcmp(r, w, sizeof(r)) == 0, "round %u: wrong data", i);
	}
	return 0;
}

static int
hostile_verdict(const struct hostile *h)
{
	printf("    hostile VF: %lu iterations, %lu requests posted, %lu completions seen\n",
			h->iterations, h->posted, h->completed);
	VT_CHECK(h->completed > 0, "the PF never answered the hostile VF: nothing was tested");
	VT_EQ(h->bad_status, 0);
	VT_EQ(h->bad_len, 0);
	return 0;
}

static int
after_hostile_checks(struct scn *s)
{
	uint8_t w[256], r[256];

	/* VF 0 and the PF are fine; VF 1's store still answers the PF. */
	pattern_fill(w, sizeof(w), 0x7ff);
	VT_EQ(rte_pmd_vfbc_vf_write_block(s->vf_port[0], 0x71, w, sizeof(w)), 0);
	VT_EQ(rte_pmd_vfbc_pf_get_block(s->pf_port, 0, 0x71, r, sizeof(r)), sizeof(r));
	VT_CHECK(memcmp(r, w, sizeof(r)) == 0, "wrong data");
	VT_EQ(rte_pmd_vfbc_pf_get_block(s->pf_port, 0, 0x70, r, sizeof(r)), 64);
	VT_CHECK(pattern_ok(r, 64, 0x700 + HOSTILE_ROUNDS - 1), "VF 0's block changed");
	VT_EQ(rte_pmd_vfbc_pf_set_block(s->pf_port, 1, 0x72, w, 16), 0);
	VT_EQ(rte_pmd_vfbc_pf_get_block(s->pf_port, 1, 0x72, r, sizeof(r)), 16);
	VT_EQ(rte_pmd_vfbc_pf_invalidate(s->pf_port, 1, ~UINT64_C(0)), 0);
	return 0;
}

/* Shrinking the region would make the PF's next access to it fault. */
static int
hostile_resize(const char *path, size_t size)
{
	int fd = open(path, O_RDWR | O_CLOEXEC);
	int shrink, grow;

	VT_CHECK(fd >= 0, "open(%s): %s", path, strerror(errno));
	shrink = ftruncate(fd, (off_t)(size / 2));
	grow = ftruncate(fd, (off_t)(size * 2));
	close(fd);
	VT_CHECK(shrink != 0 && grow != 0, "a VF resized its region");
	return 0;
}

static int
hostile_body(struct scn *s)
{
	struct region_map m;
	struct hostile h;
	char path[PATH_MAX];
	pthread_t t;
	int ret;

	VT_EQ(region_path(path, sizeof(path), s->dir, s->pf_name, 1), 0);
	if (region_map_open(&m, path, true) != 0)
		return -1;
	if (hostile_resize(path, m.size) != 0) {
		region_map_close(&m);
		return -1;
	}
	if (hostile_init(&h, &m) != 0 || thread_spawn(&t, hostile_run, &h) != 0) {
		region_map_close(&m);
		return -1;
	}
	ret = vf0_round_trips(s->vf_port[0], HOSTILE_ROUNDS);
	__atomic_store_n(&h.stop, true, __ATOMIC_RELEASE);
	pthread_join(t, NULL);
	region_map_close(&m);
	if (ret != 0 || hostile_verdict(&h) != 0)
		return -1;
	return after_hostile_checks(s);
}

static int
test_hostile_vf(void)
{
	return scn_run("hostile", "num_vfs=2,mbox_depth=8,max_block_size=256,"
			"block=0x70:64:rw,block=0x71:256:rw,block=0x72:16:r", 1, LONG_MS,
			hostile_body);
}

/* ------------------------------------------------------ 12. region ownership */

#define SENTINEL_LEN 512

/* Make @p path look like the region of a live PF in another process. */
static int
fake_live_region(const char *path, int *fd)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 1 };
	uint8_t buf[SENTINEL_LEN];

	pattern_fill(buf, sizeof(buf), 0xc0de);
	*fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	VT_CHECK(*fd >= 0, "open(%s): %s", path, strerror(errno));
	VT_EQ(write(*fd, buf, sizeof(buf)), sizeof(buf));
	VT_CHECK(fcntl(*fd, F_OFD_SETLK, &fl) == 0, "F_OFD_SETLK: %s", strerror(errno));
	return 0;
}

static int
file_has_sentinel(const char *path)
{
	uint8_t buf[SENTINEL_LEN + 1];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	VT_CHECK(fd >= 0, "open(%s): %s", path, strerror(errno));
	n = read(fd, buf, sizeof(buf));
	close(fd);
	VT_EQ(n, SENTINEL_LEN);
	VT_CHECK(pattern_ok(buf, SENTINEL_LEN, 0xc0de), "%s was overwritten", path);
	return 0;
}

/* A PF whose region another live PF holds fails, and touches nothing. */
static int
live_region_checks(struct scn *s2)
{
	char path0[PATH_MAX], path1[PATH_MAX], args[ARGS_LEN];
	uint8_t buf[8];
	int fd, ret;

	VT_EQ(region_path(path0, sizeof(path0), s2->dir, s2->pf_name, 0), 0);
	VT_EQ(region_path(path1, sizeof(path1), s2->dir, s2->pf_name, 1), 0);
	snprintf(args, sizeof(args), "num_vfs=2,region_dir=%s", s2->dir);
	if (fake_live_region(path1, &fd) != 0)
		return -1;
	ret = vdev_refused(s2->pf_name, args);
	if (ret == 0)
		ret = file_has_sentinel(path1);
	close(fd); /* that PF dies: its region is stale now */
	VT_CHECK(ret == 0, "a PF took over a live PF's region");
	VT_CHECK(access(path0, F_OK) != 0 && errno == ENOENT, "the failed PF left %s", path0);

	/* A stale region is reclaimed, and its VF works. */
	if (scn_pf_open(s2, "num_vfs=2") != 0 || scn_vf_open(s2, 1, LONG_MS) != 0)
		return -1;
	VT_EQ(rte_pmd_vfbc_vf_read_block(s2->vf_port[0], 0x99, buf, sizeof(buf)), -ENOENT);
	return 0;
}

/* Region header variants of a broken or malicious PF; the last one is sound. */
enum ghost {
	GHOST_GARBAGE, GHOST_DEPTH, GHOST_SIZE, GHOST_MBOX_PAST_END, GHOST_SLOT_SIZE,
	GHOST_OTHER_VF, GHOST_SHORT, GHOST_SOUND, GHOST_MAX,
};

#define GHOST_FILE_LEN 4096

static void
ghost_file(uint8_t *buf, enum ghost g)
{
	struct vfbc_region_info info = {
		.magic = VFBC_REGION_MAGIC, .abi_version = VFBC_ABI_VERSION,
		.hdr_size = sizeof(struct vfbc_region_hdr), .region_size = GHOST_FILE_LEN,
		.vf_index = 0, .num_vfs = 1, .mbox_offset = 256, .mbox_depth = 4,
		.slot_size = 128, .slot_data_max = 64,
	};

	memset(buf, 0, GHOST_FILE_LEN);
	switch (g) {
	case GHOST_GARBAGE:
		pattern_fill(buf, GHOST_FILE_LEN, 0xbad);
		return;
	case GHOST_DEPTH:
		info.mbox_depth = 3;
		break;
	case GHOST_SIZE:
		info.region_size = GHOST_FILE_LEN * 2;
		break;
	case GHOST_MBOX_PAST_END:
		info.mbox_depth = 64;
		break;
	case GHOST_SLOT_SIZE:
		info.slot_size = 64;
		break;
	case GHOST_OTHER_VF:
		info.vf_index = 1;
		info.num_vfs = 2;
		break;
	default:
		break;
	}
	memcpy(buf, &info, sizeof(info));
}

/*
 * A VF meets the region file of a broken or malicious PF, alive (it holds
 * the region's lock, which this test takes for it). It must refuse every bad
 * header; the sound one shows that the refusals came from the header.
 */
static int
ghost_probe(const char *dir, enum ghost g)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 1 };
	char path[PATH_MAX], args[ARGS_LEN];
	const char *name = "net_vfbc_vf_ghost_0";
	uint8_t buf[GHOST_FILE_LEN];
	uint16_t port;
	int fd, ret;

	VT_EQ(region_path(path, sizeof(path), dir, "net_vfbc_pf_ghost", 0), 0);
	snprintf(args, sizeof(args), "pf=net_vfbc_pf_ghost,vf=0,timeout_ms=%u,region_dir=%s",
			SHORT_MS, dir);
	ghost_file(buf, g);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	VT_CHECK(fd >= 0, "open(%s): %s", path, strerror(errno));
	ret = write(fd, buf, g == GHOST_SHORT ? 100 : sizeof(buf)) > 0 &&
		fcntl(fd, F_OFD_SETLK, &fl) == 0 ? 0 : -1;
	if (ret == 0 && g != GHOST_SOUND)
		ret = vdev_refused(name, args);
	else if (ret == 0)
		ret = vdev_create(name, args, &port) == 0 ? port_destroy(name, port) : -1;
	unlink(path);
	close(fd);
	VT_CHECK(ret == 0, "region header variant %d", g);
	return 0;
}

static int
garbage_region_checks(const char *dir)
{
	int g;

	for (g = 0; g < GHOST_MAX; g++) {
		if (ghost_probe(dir, (enum ghost)g) != 0)
			return -1;
	}
	return 0;
}

static int
bad_devargs_checks(const char *dir, const char *live_pf)
{
	static const char *const pf_args[] = {
		"num_vfs=0", "num_vfs=257", "mbox_depth=3", "mbox_depth=8192", "block=0x10:0",
		"block=0x10:64:x", "block=0x10:8192", "block=nope", "poll=sometimes",
		"notify_reads=2", "max_block_size=0", "bogus=1", "mbox_slot_size=8",
		"max_block_size=1024,mbox_slot_size=2048",
	};
	/* with_pf: pf= names the live PF */
	static const struct {
		bool with_pf;
		const char *args;
	} vf_args[] = {
		{ true, "" }, { false, "vf=0" }, { true, "vf=256" }, { true, "vf=0,timeout_ms=0" },
		{ true, "vf=5" }, { false, "pf=net_vfbc_pf_nobody,vf=0" }, { true, "vf=0,bogus=1" },
	};
	char name[NAME_LEN], args[ARGS_LEN];
	unsigned int i;

	for (i = 0; i < RTE_DIM(pf_args); i++) {
		snprintf(name, sizeof(name), "net_vfbc_pf_bad%u", i);
		snprintf(args, sizeof(args), "region_dir=%s,%s", dir, pf_args[i]);
		if (vdev_refused(name, args) != 0)
			return -1;
	}
	for (i = 0; i < RTE_DIM(vf_args); i++) {
		snprintf(name, sizeof(name), "net_vfbc_vf_bad%u", i);
		snprintf(args, sizeof(args), "region_dir=%s%s%s%s%s", dir,
				vf_args[i].with_pf ? ",pf=" : "", vf_args[i].with_pf ? live_pf : "",
				vf_args[i].args[0] != '\0' ? "," : "", vf_args[i].args);
		if (vdev_refused(name, args) != 0)
			return -1;
	}
	return 0;
}

static int
region_body(struct scn *s)
{
	struct scn s2;
	char args[ARGS_LEN];
	uint8_t buf[8];
	uint16_t port;
	int ret;

	/* The same PF name again in this process: refused, the first one unharmed. */
	snprintf(args, sizeof(args), "num_vfs=2,region_dir=%s", s->dir);
	VT_CHECK(rte_vdev_init(s->pf_name, args) != 0, "a second %s was created", s->pf_name);
	VT_CHECK(rte_eth_dev_get_port_by_name(s->pf_name, &port) == 0 && port == s->pf_port,
			"the first %s lost its port", s->pf_name);
	VT_EQ(rte_pmd_vfbc_vf_read_block(s->vf_port[0], 0x99, buf, sizeof(buf)), -ENOENT);
	if (bad_devargs_checks(s->dir, s->pf_name) != 0 || garbage_region_checks(s->dir) != 0)
		return -1;
	VT_EQ(rte_pmd_vfbc_vf_read_block(s->vf_port[0], 0x99, buf, sizeof(buf)), -ENOENT);

	if (scn_init(&s2, "own2") != 0)
		return -1;
	ret = live_region_checks(&s2);
	return scn_close(&s2, ret);
}

static int
test_region_ownership(void)
{
	return scn_run("own", "num_vfs=2", 1, LONG_MS, region_body);
}

/* ---------------------------------------------------------- 13. ethdev ports */

#define ETH_BURST 8

static int
datapath_checks(uint16_t port, struct rte_mempool *mp)
{
	struct rte_mbuf *pkts[ETH_BURST];
	struct rte_eth_stats st;
	uint16_t sent, i;

	VT_EQ(rte_eth_rx_burst(port, 0, pkts, ETH_BURST), 0);
	VT_EQ(rte_pktmbuf_alloc_bulk(mp, pkts, ETH_BURST), 0);
	for (i = 0; i < ETH_BURST; i++) {
		char *p = rte_pktmbuf_append(pkts[i], 64);

		VT_CHECK(p != NULL, "rte_pktmbuf_append");
		memset(p, 0x5a, 64);
	}
	sent = rte_eth_tx_burst(port, 0, pkts, ETH_BURST);
	VT_CHECK(sent <= ETH_BURST, "tx_burst = %u", sent);
	if (sent < ETH_BURST)
		rte_pktmbuf_free_bulk(pkts + sent, ETH_BURST - sent);
	VT_EQ(rte_eth_stats_get(port, &st), 0);
	VT_EQ(st.opackets + st.oerrors, sent);
	VT_EQ(rte_eth_stats_reset(port), 0);
	VT_EQ(rte_eth_stats_get(port, &st), 0);
	VT_EQ(st.opackets + st.oerrors + st.ipackets, 0);
	return 0;
}

static int
ethdev_port_checks(uint16_t port, struct rte_mempool *mp, struct rte_ether_addr *mac)
{
	struct rte_eth_dev_info info;

	VT_EQ(rte_eth_dev_info_get(port, &info), 0);
	VT_CHECK(info.max_rx_queues >= 1 && info.max_tx_queues >= 1, "no queues");
	VT_EQ(rte_eth_macaddr_get(port, mac), 0);
	VT_CHECK(rte_is_unicast_ether_addr(mac) && rte_is_local_admin_ether_addr(mac),
			"MAC not a locally administered unicast address");
	VT_EQ(link_status(port), RTE_ETH_LINK_DOWN);
	if (port_start(port, mp) != 0)
		return -1;
	VT_EQ(link_status(port), RTE_ETH_LINK_UP);
	VT_EQ(rte_eth_dev_set_mtu(port, 1500), 0);
	VT_EQ(rte_eth_promiscuous_enable(port), 0);
	if (datapath_checks(port, mp) != 0)
		return -1;
	VT_EQ(port_stop(port), 0);
	VT_EQ(link_status(port), RTE_ETH_LINK_DOWN);
	return 0;
}

static int
ethdev_body(struct scn *s, struct rte_mempool *mp)
{
	struct rte_ether_addr pf_mac, vf_mac;

	/* A VF's link is up only while its PF's port is started. */
	if (ethdev_port_checks(s->pf_port, mp, &pf_mac) != 0 ||
			port_start(s->pf_port, mp) != 0 ||
			ethdev_port_checks(s->vf_port[0], mp, &vf_mac) != 0)
		return -1;
	VT_CHECK(!rte_is_same_ether_addr(&pf_mac, &vf_mac), "PF and VF have the same MAC");
	return 0;
}

static int
test_ethdev_ports(void)
{
	struct rte_mempool *mp = pool_create("eth_pool");
	unsigned int full;
	struct scn s;
	int ret;

	if (mp == NULL)
		return -1;
	full = rte_mempool_avail_count(mp);
	ret = scn_open(&s, "eth", "num_vfs=1", 1, LONG_MS);
	/* Queues hold the pool: close the ports before it goes. */
	if (ret == 0)
		ret = scn_close(&s, ethdev_body(&s, mp));
	if (ret == 0 && rte_mempool_avail_count(mp) != full) {
		printf("    %u mbufs leaked\n", full - rte_mempool_avail_count(mp));
		ret = -1;
	}
	rte_mempool_free(mp);
	return ret;
}

/* --------------------------------------------------------- 14. service lcore */

#define SERVICE_LCORE 1

static int
service_body(struct scn *s)
{
	uint8_t w[16], r[16];
	uint64_t calls = 0;
	uint32_t id;

	VT_EQ(rte_pmd_vfbc_pf_get_service_id(s->pf_port, &id), 0);
	/* Probed after EAL init, the PF mapped itself to the running service lcore. */
	VT_EQ(rte_service_map_lcore_get(id, SERVICE_LCORE), 1);
	VT_EQ(rte_service_runstate_get(id), 1);
	VT_CHECK(!thread_named("vfbc-pf_svc"), "a control thread runs beside the service");
	VT_EQ(rte_service_set_stats_enable(id, 1), 0);

	pattern_fill(w, sizeof(w), 0x800);
	VT_EQ(rte_pmd_vfbc_vf_write_block(s->vf_port[0], 0x80, w, sizeof(w)), 0);
	VT_EQ(rte_pmd_vfbc_vf_read_block(s->vf_port[0], 0x80, r, sizeof(r)), sizeof(r));
	VT_CHECK(memcmp(r, w, sizeof(r)) == 0, "wrong data");
	VT_EQ(rte_service_attr_get(id, RTE_SERVICE_ATTR_CALL_COUNT, &calls), 0);
	VT_CHECK(calls > 0, "the service never ran");
	return 0;
}

static int
service_lcore_wait_active(void)
{
	uint64_t deadline = now_ms() + WAIT_MS;

	/*
	 * rte_service_lcore_start() returns before the lcore runs its loop, and
	 * the PF only maps itself to an lcore that does.
	 */
	while (rte_service_lcore_may_be_active(SERVICE_LCORE) != 1 && now_ms() < deadline)
		sched_yield();
	VT_EQ(rte_service_lcore_may_be_active(SERVICE_LCORE), 1);
	return 0;
}

static int
service_lcore_undo(void)
{
	int ret = rte_service_lcore_stop(SERVICE_LCORE);

	VT_CHECK(ret == 0 || ret == -EALREADY, "rte_service_lcore_stop = %d", ret);
	rte_eal_wait_lcore(SERVICE_LCORE);
	VT_EQ(rte_service_lcore_del(SERVICE_LCORE), 0);
	return 0;
}

static int
test_service_lcore(void)
{
	struct scn s;
	uint32_t id;
	int ret;

	VT_CHECK(rte_lcore_is_enabled(SERVICE_LCORE), "needs lcore %u (-l 0-1)", SERVICE_LCORE);
	VT_EQ(rte_service_lcore_add(SERVICE_LCORE), 0);
	ret = rte_service_lcore_start(SERVICE_LCORE);
	if (ret == 0)
		ret = service_lcore_wait_active();
	if (ret == 0 && scn_open(&s, "svc", "num_vfs=1,block=0x80:16:rw", 1, LONG_MS) == 0) {
		ret = scn_close(&s, service_body(&s));
		/* Closing the PF unregistered its service. */
		if (ret == 0 && rte_service_get_by_name("net_vfbc_pf_svc", &id) != -ENODEV)
			ret = -1, printf("    the closed PF's service is still registered\n");
	} else if (ret == 0) {
		ret = -1;
	}
	if (service_lcore_undo() != 0)
		return -1;
	return ret;
}

/* ---------------------------------------------------------------- 15. xstats */

/* The counters a PF keeps per VF, in the order its xstats list them. */
static const char *const pf_vf_counters[] = {
	"mbox_attaches", "mbox_requests", "mbox_reads", "mbox_writes", "mbox_completions",
	"mbox_wakeups", "mbox_errors", "mbox_not_found_errors", "mbox_access_denied_errors",
	"mbox_too_big_errors", "mbox_invalid_errors", "mbox_protocol_errors",
	"mbox_denied_by_policy_errors", "mbox_chunks", "mbox_staged_write_drops",
	"mbox_deferred_requests", "mbox_rate_limited_requests",
	"mbox_outstanding_exceeded_errors", "mbox_quarantines",
};

static const char *const vf_counters[] = {
	"mbox_requests", "mbox_completions", "mbox_errors", "mbox_timeouts", "mbox_sleeps",
	"mbox_read_restarts",
};

/* The xstats of every port, first in the driver's part of the list. */
static const char *const ring_counters[] = {
	"rx_ring_dropped_packets", "tx_ring_dropped_packets", "rx_ring_errors", "tx_ring_errors",
	"rx_oversize_packets", "tx_unknown_unicast_packets", "tx_ring_full_packets",
	"tx_vf_down_packets", "tx_oversize_packets",
};

/* Every xstat of a port, as an application reads them. */
struct xstats_snap {
	int n;
	struct rte_eth_xstat_name *names;
	struct rte_eth_xstat *values;
};

static void
xstats_snap_free(struct xstats_snap *x)
{
	free(x->names);
	free(x->values);
	memset(x, 0, sizeof(*x));
}

static int
xstats_snap_take(uint16_t port, struct xstats_snap *x)
{
	memset(x, 0, sizeof(*x));
	x->n = rte_eth_xstats_get_names(port, NULL, 0);
	VT_CHECK(x->n > 0, "rte_eth_xstats_get_names(%u, NULL) = %d", port, x->n);
	x->names = calloc(x->n, sizeof(*x->names));
	x->values = calloc(x->n, sizeof(*x->values));
	VT_CHECK(x->names != NULL && x->values != NULL, "out of memory");
	VT_EQ(rte_eth_xstats_get_names(port, x->names, x->n), x->n);
	VT_EQ(rte_eth_xstats_get(port, x->values, x->n), x->n);
	return 0;
}

/* The value of xstat @p name of @p port, by id; UINT64_MAX if it has none. */
static uint64_t
xstat(uint16_t port, const char *name)
{
	uint64_t id, val;

	if (rte_eth_xstats_get_id_by_name(port, name, &id) != 0 ||
			rte_eth_xstats_get_by_id(port, &id, &val, 1) != 1)
		return UINT64_MAX;
	return val;
}

struct xstat_want {
	const char *name;
	uint64_t value;
};

static int
xstats_expect(uint16_t port, const struct xstat_want *w, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		uint64_t v = xstat(port, w[i].name);

		VT_CHECK(v == w[i].value, "port %u: %s = %" PRIu64 ", expected %" PRIu64,
				port, w[i].name, v, w[i].value);
	}
	return 0;
}

static bool
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* DPDK's scheme: lower case words joined by single underscores. */
static bool
xstat_name_ok(const char *name)
{
	size_t i, n = strnlen(name, RTE_ETH_XSTATS_NAME_SIZE);

	if (n == 0 || n == RTE_ETH_XSTATS_NAME_SIZE || name[0] == '_' || name[n - 1] == '_' ||
			strstr(name, "__") != NULL)
		return false;
	for (i = 0; i < n; i++) {
		if (!((name[i] >= 'a' && name[i] <= 'z') || (name[i] >= '0' && name[i] <= '9') ||
				name[i] == '_'))
			return false;
	}
	return true;
}

/* Units the driver's counters end with. */
static bool
xstat_unit_ok(const char *name)
{
	static const char *const units[] = {
		"_packets", "_errors", "_requests", "_completions", "_reads", "_writes",
		"_attaches", "_wakeups", "_timeouts", "_sleeps", "_chunks", "_drops", "_restarts",
		"_quarantines",
	};
	unsigned int i;

	for (i = 0; i < RTE_DIM(units); i++) {
		if (ends_with(name, units[i]))
			return true;
	}
	return false;
}

static int
xstats_names_unique(const struct xstats_snap *x)
{
	int i, j;

	for (i = 0; i < x->n; i++) {
		VT_CHECK(xstat_name_ok(x->names[i].name), "badly formed xstat name \"%.*s\"",
				RTE_ETH_XSTATS_NAME_SIZE, x->names[i].name);
		VT_EQ(x->values[i].id, i);
		for (j = 0; j < i; j++)
			VT_CHECK(strcmp(x->names[i].name, x->names[j].name) != 0,
					"xstat %s twice", x->names[i].name);
	}
	return 0;
}

/* The driver's xstats of @p port are exactly @p want, in order, after ethdev's. */
static int
xstats_names_check(uint16_t port, const struct xstats_snap *x,
		char (*want)[RTE_ETH_XSTATS_NAME_SIZE], int n)
{
	uint64_t first, val;
	int i;

	if (xstats_names_unique(x) != 0)
		return -1;
	VT_CHECK(rte_eth_xstats_get_id_by_name(port, want[0], &first) == 0, "no %s", want[0]);
	VT_EQ(x->n - (int)first, n);
	for (i = 0; i < n; i++) {
		const char *name = x->names[first + i].name;

		VT_CHECK(strcmp(name, want[i]) == 0, "xstat %" PRIu64 " is %s, expected %s",
				first + i, name, want[i]);
		VT_CHECK(xstat_unit_ok(name), "%s has no unit", name);
		/* By id, ethdev asks the driver's by_id ops: the same values. */
		VT_EQ(rte_eth_xstats_get_by_id(port, &(uint64_t){ first + i }, &val, 1), 1);
		VT_EQ(val, x->values[first + i].value);
	}
	return 0;
}

static int
xstats_names_are(uint16_t port, char (*want)[RTE_ETH_XSTATS_NAME_SIZE], int n)
{
	struct xstats_snap x;
	int ret = xstats_snap_take(port, &x);

	if (ret == 0)
		ret = xstats_names_check(port, &x, want, n);
	xstats_snap_free(&x);
	return ret;
}

#define PF_NAMES_VFS 3
#define NB_PF_NAMES (RTE_DIM(ring_counters) + \
		(1 + PF_NAMES_VFS) * RTE_DIM(pf_vf_counters))

static int
xstats_names_body(struct scn *s)
{
	char pf_want[NB_PF_NAMES][RTE_ETH_XSTATS_NAME_SIZE];
	char vf_want[RTE_DIM(ring_counters) + RTE_DIM(vf_counters)][RTE_ETH_XSTATS_NAME_SIZE];
	unsigned int i, v, n = 0;

	for (i = 0; i < RTE_DIM(ring_counters); i++) {
		snprintf(pf_want[n++], RTE_ETH_XSTATS_NAME_SIZE, "%s", ring_counters[i]);
		snprintf(vf_want[i], RTE_ETH_XSTATS_NAME_SIZE, "%s", ring_counters[i]);
	}
	for (i = 0; i < RTE_DIM(vf_counters); i++)
		snprintf(vf_want[RTE_DIM(ring_counters) + i], RTE_ETH_XSTATS_NAME_SIZE, "%s",
				vf_counters[i]);
	/* PF totals, then each VF's counters, named like per-queue ones. */
	for (i = 0; i < RTE_DIM(pf_vf_counters); i++)
		snprintf(pf_want[n++], RTE_ETH_XSTATS_NAME_SIZE, "%s", pf_vf_counters[i]);
	for (v = 0; v < PF_NAMES_VFS; v++)
		for (i = 0; i < RTE_DIM(pf_vf_counters); i++)
			snprintf(pf_want[n++], RTE_ETH_XSTATS_NAME_SIZE, "vf%u_%s", v,
					pf_vf_counters[i]);
	if (xstats_names_are(s->pf_port, pf_want, (int)n) != 0 ||
			xstats_names_are(s->vf_port[0], vf_want, (int)RTE_DIM(vf_want)) != 0)
		return -1;
	/* A VF index past num_vfs has no counters; ids past the end are refused. */
	VT_CHECK(xstat(s->pf_port, "vf3_mbox_requests") == UINT64_MAX, "vf3 has xstats");
	VT_CHECK(rte_eth_xstats_get_by_id(s->pf_port, &(uint64_t){ UINT16_MAX },
			&(uint64_t){ 0 }, 1) < 0, "xstat id 65535 has a value");
	return 0;
}

static int
test_xstats_names(void)
{
	return scn_run("xsn", "num_vfs=" RTE_STR(PF_NAMES_VFS), 1, LONG_MS, xstats_names_body);
}

/* Each port's xstats are all zero. */
static int
xstats_all_zero(uint16_t port)
{
	struct xstats_snap x;
	int i, ret = 0;

	if (xstats_snap_take(port, &x) != 0) {
		xstats_snap_free(&x);
		return -1;
	}
	for (i = 0; i < x.n && ret == 0; i++) {
		if (x.values[i].value != 0) {
			printf("    port %u: %s = %" PRIu64 " after reset\n", port,
					x.names[i].name, x.values[i].value);
			ret = -1;
		}
	}
	xstats_snap_free(&x);
	return ret;
}

/* VF 1 meets every outcome a well-formed request can have; VF 0 reads once. */
static int
xstats_requests(struct scn *s)
{
	uint16_t pf = s->pf_port, vf0 = s->vf_port[0], vf1 = s->vf_port[1];
	uint8_t w[65], r[64];
	int i;

	VT_EQ(rte_pmd_vfbc_vf_read_block(vf0, 0x10, r, sizeof(r)), 0);
	pattern_fill(w, sizeof(w), 0x15);
	for (i = 0; i < 2; i++)
		VT_EQ(rte_pmd_vfbc_vf_write_block(vf1, 0x10, w, 5), 0);
	for (i = 0; i < 3; i++)
		VT_EQ(rte_pmd_vfbc_vf_read_block(vf1, 0x10, r, sizeof(r)), 5);
	VT_EQ(rte_pmd_vfbc_vf_read_block(vf1, 0x99, r, sizeof(r)), -ENOENT);
	VT_EQ(rte_pmd_vfbc_vf_write_block(vf1, 0x11, w, 5), -EACCES);
	/* Over the capacity, under the mailbox's limit: the PF refuses it. */
	VT_EQ(rte_pmd_vfbc_vf_write_block(vf1, 0x10, w, 65), -EMSGSIZE);
	if (watch_start(pf, 0x10, RTE_PMD_VFBC_MB_OP_WRITE) != 0)
		return -1;
	VT_EQ(rte_pmd_vfbc_vf_write_block(vf1, 0x10, w, 6), -EACCES);
	return watch_stop();
}

/* Starting VF 1's port reads its two well-known blocks at configure and at
 * start: 4 reads on top of the 9 requests of xstats_requests().
 */
#define WK_READS_AT_START 4

static const struct xstat_want xstats_after_requests[] = {
	{ "vf1_mbox_attaches", 1 },
	{ "vf1_mbox_requests", 9 + WK_READS_AT_START },
	{ "vf1_mbox_reads", 4 + WK_READS_AT_START },
	{ "vf1_mbox_writes", 5 },
	{ "vf1_mbox_completions", 9 + WK_READS_AT_START },
	{ "vf1_mbox_errors", 4 },
	{ "vf1_mbox_not_found_errors", 1 },
	{ "vf1_mbox_access_denied_errors", 1 },
	{ "vf1_mbox_too_big_errors", 1 },
	{ "vf1_mbox_invalid_errors", 0 },
	{ "vf1_mbox_protocol_errors", 0 },
	{ "vf1_mbox_denied_by_policy_errors", 1 },
	{ "vf0_mbox_attaches", 1 },
	{ "vf0_mbox_requests", 1 },
	{ "vf0_mbox_reads", 1 },
	{ "vf0_mbox_writes", 0 },
	{ "vf0_mbox_errors", 0 },
	{ "mbox_attaches", 2 },
	{ "mbox_requests", 10 + WK_READS_AT_START },
	{ "mbox_reads", 5 + WK_READS_AT_START },
	{ "mbox_writes", 5 },
	{ "mbox_completions", 10 + WK_READS_AT_START },
	{ "mbox_errors", 4 },
	{ "mbox_not_found_errors", 1 },
	{ "mbox_access_denied_errors", 1 },
	{ "mbox_too_big_errors", 1 },
	{ "mbox_denied_by_policy_errors", 1 },
	{ "rx_ring_dropped_packets", 0 },
	{ "tx_ring_dropped_packets", 0 },
};

static const struct xstat_want vf1_after_requests[] = {
	{ "mbox_requests", 9 + WK_READS_AT_START },
	{ "mbox_completions", 9 + WK_READS_AT_START },
	{ "mbox_errors", 4 },
	{ "mbox_timeouts", 0 },
	{ "rx_ring_dropped_packets", 0 },
	{ "tx_ring_dropped_packets", 5 },
	{ "tx_oversize_packets", 0 },
	{ "rx_ring_errors", 0 },
};

/* The port drops the empty packets it is given to send: counted as ring drops. */
static int
xstats_tx_drops(uint16_t port, struct rte_mempool *mp)
{
	struct rte_mbuf *pkts[5];

	if (port_start(port, mp) != 0)
		return -1;
	VT_EQ(rte_pktmbuf_alloc_bulk(mp, pkts, RTE_DIM(pkts)), 0);
	VT_EQ(rte_eth_tx_burst(port, 0, pkts, RTE_DIM(pkts)), RTE_DIM(pkts));
	return 0;
}

static int
xstats_reset_checks(struct scn *s)
{
	uint16_t pf = s->pf_port, vf1 = s->vf_port[1];
	struct rte_eth_stats st;
	uint8_t r[64];

	VT_EQ(rte_eth_xstats_reset(pf), 0);
	VT_EQ(rte_eth_xstats_reset(vf1), 0);
	if (xstats_all_zero(pf) != 0 || xstats_all_zero(vf1) != 0)
		return -1;
	VT_EQ(rte_eth_stats_get(vf1, &st), 0);
	VT_EQ(st.oerrors, 0);
	/* Counting goes on from the reset. */
	VT_EQ(rte_pmd_vfbc_vf_read_block(vf1, 0x10, r, sizeof(r)), 5);
	VT_EQ(xstat(pf, "vf1_mbox_requests"), 1);
	VT_EQ(xstat(pf, "vf1_mbox_reads"), 1);
	VT_EQ(xstat(pf, "vf1_mbox_errors"), 0);
	VT_EQ(xstat(pf, "mbox_requests"), 1);
	VT_EQ(xstat(pf, "vf0_mbox_requests"), 0);
	VT_EQ(xstat(vf1, "mbox_requests"), 1);
	VT_EQ(xstat(vf1, "mbox_completions"), 1);
	/* The basic stats reset leaves the mailbox counters alone. */
	VT_EQ(rte_eth_stats_reset(pf), 0);
	VT_EQ(xstat(pf, "vf1_mbox_requests"), 1);
	return 0;
}

static int
xstats_counters_body(struct scn *s, struct rte_mempool *mp)
{
	if (xstats_requests(s) != 0 || xstats_tx_drops(s->vf_port[1], mp) != 0)
		return -1;
	if (xstats_expect(s->pf_port, xstats_after_requests,
			RTE_DIM(xstats_after_requests)) != 0 ||
			xstats_expect(s->vf_port[1], vf1_after_requests,
				RTE_DIM(vf1_after_requests)) != 0)
		return -1;
	return xstats_reset_checks(s);
}

static int
test_xstats_counters(void)
{
	struct rte_mempool *mp = pool_create("xs_pool");
	struct scn s;
	int ret;

	if (mp == NULL)
		return -1;
	ret = scn_open(&s, "xsc", "num_vfs=2,block=0x10:64:rw,block=0x11:64:r", 2, LONG_MS);
	if (ret == 0) {
		ret = xstats_counters_body(&s, mp);
		if (watch_stop() != 0)
			ret = -1;
		/* Queues hold the pool: close the ports before it goes. */
		ret = scn_close(&s, ret);
	}
	rte_mempool_free(mp);
	return ret;
}

static int
xstats_timeout_body(struct scn *s)
{
	struct vf_call c = { .port = s->vf_port[0], .block = 0x60, .len = 8 };
	uint8_t buf[8];
	uint32_t id;

	/* poll=service: attach and read while this lcore runs the service... */
	VT_EQ(rte_pmd_vfbc_pf_get_service_id(s->pf_port, &id), 0);
	VT_EQ(rte_service_runstate_set(id, 1), 0);
	if (serve_until_done(id, &c) != 0)
		return -1;
	VT_EQ(c.ret, 0);
	/* ... then nobody serves: the next request times out. */
	VT_EQ(rte_pmd_vfbc_vf_read_block(s->vf_port[0], 0x60, buf, sizeof(buf)), -ETIMEDOUT);
	VT_EQ(xstat(s->vf_port[0], "mbox_timeouts"), 1);
	VT_EQ(xstat(s->vf_port[0], "mbox_requests"), 2);
	VT_EQ(xstat(s->vf_port[0], "mbox_completions"), 1);
	VT_EQ(xstat(s->vf_port[0], "mbox_errors"), 0);
	/* The PF never saw the second one. */
	VT_EQ(xstat(s->pf_port, "vf0_mbox_requests"), 1);
	VT_EQ(rte_eth_xstats_reset(s->vf_port[0]), 0);
	VT_EQ(xstat(s->vf_port[0], "mbox_timeouts"), 0);
	return 0;
}

static int
test_xstats_vf_timeout(void)
{
	return scn_run("xto", "num_vfs=1,poll=service,block=0x60:8:rw", 1, SHORT_MS,
			xstats_timeout_body);
}

/* Nobody ever serves: the first call times out waiting for the attach answer,
 * before it posts anything, and still counts as a timeout.
 */
static int
xstats_attach_timeout_body(struct scn *s)
{
	uint8_t buf[8];

	VT_EQ(rte_pmd_vfbc_vf_read_block(s->vf_port[0], 0x60, buf, sizeof(buf)), -ETIMEDOUT);
	VT_EQ(xstat(s->vf_port[0], "mbox_timeouts"), 1);
	VT_EQ(xstat(s->vf_port[0], "mbox_requests"), 0);
	return 0;
}

static int
test_xstats_vf_attach_timeout(void)
{
	return scn_run("xat", "num_vfs=1,poll=service,block=0x60:8:rw", 1, SHORT_MS,
			xstats_attach_timeout_body);
}

/* ------------------------------------------------------ well-known blocks */

#define WK_VF0_MAC "02:aa:bb:cc:dd:ee"

static int
vport_get(uint16_t pf, uint16_t vf, struct rte_pmd_vfbc_vport_block *vb)
{
	VT_EQ(rte_pmd_vfbc_pf_get_block(pf, vf, RTE_PMD_VFBC_BLOCK_ID_VPORT, vb, sizeof(*vb)),
			sizeof(*vb));
	return 0;
}

/* The VF port's MAC address is its MAC block: vf_mac= for VF 0, the PF's
 * stable default for VF 1.
 */
static int
wk_mac_follows_block(struct scn *s, struct rte_mempool *mp)
{
	struct rte_pmd_vfbc_mac_block mb;
	struct rte_ether_addr want, got;

	VT_EQ(rte_ether_unformat_addr(WK_VF0_MAC, &want), 0);
	if (port_start(s->pf_port, mp) != 0 || port_start(s->vf_port[0], mp) != 0 ||
			port_start(s->vf_port[1], mp) != 0)
		return -1;
	VT_EQ(rte_eth_macaddr_get(s->vf_port[0], &got), 0);
	VT_CHECK(rte_is_same_ether_addr(&got, &want), "VF 0 MAC is not vf_mac=");
	VT_EQ(rte_pmd_vfbc_pf_get_block(s->pf_port, 1, RTE_PMD_VFBC_BLOCK_ID_MAC, &mb,
			sizeof(mb)), sizeof(mb));
	VT_EQ(rte_eth_macaddr_get(s->vf_port[1], &got), 0);
	VT_CHECK(memcmp(got.addr_bytes, mb.addr, sizeof(mb.addr)) == 0, "VF 1 MAC != block");
	VT_CHECK(rte_is_valid_assigned_ether_addr(&got) && !rte_is_same_ether_addr(&got, &want),
			"VF 1 has no default of its own");
	return 0;
}

/* The PF changes VF 0's VPort block; the port follows at its next start. */
static int
wk_vport_follows_block(struct scn *s)
{
	struct rte_pmd_vfbc_vport_block vb;
	struct rte_eth_dev_info info;
	struct rte_eth_link link;
	uint16_t mtu;

	if (vport_get(s->pf_port, 0, &vb) != 0)
		return -1;
	VT_EQ(vb.version, RTE_PMD_VFBC_VPORT_VERSION);
	VT_EQ(vb.mtu, RTE_ETHER_MTU);
	VT_EQ(vb.link_up, 1);
	vb.mtu = 4000;
	vb.max_mtu = 5000;
	vb.link_up = 0;
	VT_EQ(rte_pmd_vfbc_pf_set_block(s->pf_port, 0, RTE_PMD_VFBC_BLOCK_ID_VPORT, &vb,
			sizeof(vb)), 0);
	VT_EQ(rte_eth_dev_stop(s->vf_port[0]), 0);
	VT_EQ(rte_eth_dev_start(s->vf_port[0]), 0);
	VT_EQ(rte_eth_dev_get_mtu(s->vf_port[0], &mtu), 0);
	VT_EQ(mtu, 4000);
	VT_EQ(rte_eth_dev_info_get(s->vf_port[0], &info), 0);
	VT_EQ(info.max_mtu, 5000);
	VT_EQ(rte_eth_link_get_nowait(s->vf_port[0], &link), 0);
	VT_EQ(link.link_status, RTE_ETH_LINK_DOWN);
	/* VF 1 was left alone. */
	VT_EQ(rte_eth_link_get_nowait(s->vf_port[1], &link), 0);
	VT_EQ(link.link_status, RTE_ETH_LINK_UP);
	return 0;
}

/* The VF's MTU and MAC settings are block writes the PF may deny. */
static int
wk_vf_sets_through_backchannel(struct scn *s)
{
	struct rte_pmd_vfbc_mac_block mb;
	struct rte_pmd_vfbc_vport_block vb;
	struct rte_ether_addr mac, got;

	VT_EQ(rte_eth_dev_set_mtu(s->vf_port[0], 5001), -EINVAL);
	VT_EQ(rte_eth_dev_set_mtu(s->vf_port[0], 3000), 0);
	if (vport_get(s->pf_port, 0, &vb) != 0)
		return -1;
	VT_EQ(vb.mtu, 3000);
	VT_EQ(vb.max_mtu, 5000); /* the rest of the block is the PF's, untouched */
	VT_EQ(rte_ether_unformat_addr("02:11:22:33:44:55", &mac), 0);
	VT_EQ(rte_eth_dev_default_mac_addr_set(s->vf_port[0], &mac), 0);
	VT_EQ(rte_pmd_vfbc_pf_get_block(s->pf_port, 0, RTE_PMD_VFBC_BLOCK_ID_MAC, &mb,
			sizeof(mb)), sizeof(mb));
	VT_CHECK(memcmp(mb.addr, mac.addr_bytes, sizeof(mb.addr)) == 0, "MAC block not written");
	if (watch_start(s->pf_port, RTE_PMD_VFBC_BLOCK_ID_MAC, RTE_PMD_VFBC_MB_OP_WRITE) != 0)
		return -1;
	VT_EQ(rte_ether_unformat_addr("02:66:77:88:99:aa", &got), 0);
	VT_EQ(rte_eth_dev_default_mac_addr_set(s->vf_port[0], &got), -EACCES);
	VT_EQ(rte_eth_macaddr_get(s->vf_port[0], &got), 0);
	VT_CHECK(rte_is_same_ether_addr(&got, &mac), "a denied MAC was applied");
	return watch_stop();
}

/* A block the VF cannot make sense of leaves the port as it was. */
static int
wk_bad_vport_ignored(struct scn *s)
{
	struct rte_pmd_vfbc_vport_block vb;
	uint16_t mtu;

	if (vport_get(s->pf_port, 1, &vb) != 0)
		return -1;
	vb.version = 7;
	vb.mtu = 6000;
	VT_EQ(rte_pmd_vfbc_pf_set_block(s->pf_port, 1, RTE_PMD_VFBC_BLOCK_ID_VPORT, &vb,
			sizeof(vb)), 0);
	VT_EQ(rte_eth_dev_stop(s->vf_port[1]), 0);
	VT_EQ(rte_eth_dev_start(s->vf_port[1]), 0);
	VT_EQ(rte_eth_dev_get_mtu(s->vf_port[1], &mtu), 0);
	VT_EQ(mtu, RTE_ETHER_MTU);
	return 0;
}

static int
test_wellknown_blocks(void)
{
	struct rte_mempool *mp = pool_create("wk_pool");
	struct scn s;
	int ret;

	if (mp == NULL)
		return -1;
	/* Buffers for the MTU of 5000 the scenario sets. */
	ret = scn_open(&s, "wkb", "num_vfs=2,pkt_buf_size=5056,vf_mac=0/" WK_VF0_MAC, 2, LONG_MS);
	if (ret == 0) {
		ret = wk_mac_follows_block(&s, mp);
		if (ret == 0)
			ret = wk_vport_follows_block(&s);
		if (ret == 0)
			ret = wk_vf_sets_through_backchannel(&s);
		if (ret == 0)
			ret = wk_bad_vport_ignored(&s);
		if (watch_stop() != 0)
			ret = -1;
		ret = scn_close(&s, ret);
	}
	rte_mempool_free(mp);
	return ret;
}

/* --------------------------------------------------------------- notices */

/* What a VF port's notice events told the application. */
struct notice_watch {
	uint32_t mbox_events;
	uint64_t mask;       /* OR of the masks they carried */
	uint32_t lsc_events;
};

static int
notice_cb(uint16_t port_id, enum rte_eth_event_type event, void *cb_arg, void *ret_param)
{
	struct notice_watch *w = cb_arg;

	if (event == RTE_ETH_EVENT_VF_MBOX && ret_param != NULL) {
		__atomic_fetch_or(&w->mask, *(const uint64_t *)ret_param, __ATOMIC_RELAXED);
		__atomic_fetch_add(&w->mbox_events, 1, __ATOMIC_RELEASE);
	} else if (event == RTE_ETH_EVENT_INTR_LSC) {
		__atomic_fetch_add(&w->lsc_events, 1, __ATOMIC_RELEASE);
	}
	return 0;
}

/* Wait until *counter reaches @p n (events come from the VF's thread). */
static int
wait_count(const uint32_t *counter, uint32_t n, const char *what)
{
	uint64_t deadline = now_ms() + WAIT_MS;

	while (__atomic_load_n(counter, __ATOMIC_ACQUIRE) < n && now_ms() < deadline)
		sched_yield();
	VT_CHECK(__atomic_load_n(counter, __ATOMIC_ACQUIRE) >= n, "%s: %u events, want %u",
			what, *counter, n);
	return 0;
}

static int
notice_register(uint16_t port, struct notice_watch *w)
{
	memset(w, 0, sizeof(*w));
	VT_EQ(rte_eth_dev_callback_register(port, RTE_ETH_EVENT_VF_MBOX, notice_cb, w), 0);
	VT_EQ(rte_eth_dev_callback_register(port, RTE_ETH_EVENT_INTR_LSC, notice_cb, w), 0);
	return 0;
}

static int
notice_unregister(uint16_t port, struct notice_watch *w)
{
	return callback_remove(port, RTE_ETH_EVENT_VF_MBOX, notice_cb, w) |
		callback_remove(port, RTE_ETH_EVENT_INTR_LSC, notice_cb, w);
}

/* Invalidations raise an event on the VF port; the mask stays for fetching. */
static int
notice_invalidate(struct scn *s, struct notice_watch *w)
{
	uint64_t mask;

	VT_EQ(rte_pmd_vfbc_pf_invalidate(s->pf_port, 0, 0x5), 0);
	if (wait_count(&w[0].mbox_events, 1, "invalidate") != 0)
		return -1;
	VT_EQ(w[0].mask, 0x5);
	VT_EQ(rte_pmd_vfbc_vf_get_invalidated(s->vf_port[0], &mask), 0);
	VT_EQ(mask, 0x5);
	VT_EQ(rte_pmd_vfbc_vf_get_invalidated(s->vf_port[0], &mask), 0);
	VT_EQ(mask, 0);
	VT_EQ(w[1].mbox_events, 0);
	return 0;
}

/* A new MAC block, invalidated, is applied by the running port by itself. */
static int
notice_new_mac(struct scn *s, struct notice_watch *w)
{
	struct rte_pmd_vfbc_mac_block mb = { .addr = { 0x02, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f } };
	struct rte_ether_addr got;
	uint32_t before = w[0].mbox_events;

	VT_EQ(rte_pmd_vfbc_pf_set_block(s->pf_port, 0, RTE_PMD_VFBC_BLOCK_ID_MAC, &mb,
			sizeof(mb)), 0);
	VT_EQ(rte_pmd_vfbc_pf_invalidate(s->pf_port, 0,
			UINT64_C(1) << RTE_PMD_VFBC_BLOCK_ID_MAC), 0);
	/* The event comes after the block was read again. */
	if (wait_count(&w[0].mbox_events, before + 1, "MAC invalidate") != 0)
		return -1;
	VT_EQ(rte_eth_macaddr_get(s->vf_port[0], &got), 0);
	VT_CHECK(memcmp(got.addr_bytes, mb.addr, sizeof(mb.addr)) == 0, "MAC not applied");
	return 0;
}

/* The VPort block's link, and the PF port's state, drive the VF's link. */
static int
notice_links(struct scn *s, struct notice_watch *w)
{
	struct rte_pmd_vfbc_vport_block vb;

	if (vport_get(s->pf_port, 0, &vb) != 0)
		return -1;
	vb.link_up = 0;
	VT_EQ(rte_pmd_vfbc_pf_set_block(s->pf_port, 0, RTE_PMD_VFBC_BLOCK_ID_VPORT, &vb,
			sizeof(vb)), 0);
	VT_EQ(rte_pmd_vfbc_pf_invalidate(s->pf_port, 0,
			UINT64_C(1) << RTE_PMD_VFBC_BLOCK_ID_VPORT), 0);
	if (wait_count(&w[0].lsc_events, 1, "VPort link down") != 0)
		return -1;
	VT_EQ(link_status(s->vf_port[0]), RTE_ETH_LINK_DOWN);
	VT_EQ(link_status(s->vf_port[1]), RTE_ETH_LINK_UP);
	VT_EQ(w[1].lsc_events, 0);
	/* The PF port stops: every VF's link goes down, and comes back. */
	VT_EQ(port_stop(s->pf_port), 0);
	if (wait_count(&w[1].lsc_events, 1, "PF stop") != 0)
		return -1;
	VT_EQ(link_status(s->vf_port[1]), RTE_ETH_LINK_DOWN);
	VT_EQ(rte_eth_dev_start(s->pf_port), 0);
	port_started[s->pf_port] = true;
	if (wait_count(&w[1].lsc_events, 2, "PF start") != 0)
		return -1;
	VT_EQ(link_status(s->vf_port[1]), RTE_ETH_LINK_UP);
	/* VF 0's VPort still says down. */
	VT_EQ(link_status(s->vf_port[0]), RTE_ETH_LINK_DOWN);
	return 0;
}

static int
notices_body(struct scn *s, struct rte_mempool *mp)
{
	struct notice_watch w[2];
	int ret;

	if (port_start(s->pf_port, mp) != 0 || port_start(s->vf_port[0], mp) != 0 ||
			port_start(s->vf_port[1], mp) != 0)
		return -1;
	if (notice_register(s->vf_port[0], &w[0]) != 0 ||
			notice_register(s->vf_port[1], &w[1]) != 0)
		return -1;
	ret = notice_invalidate(s, w);
	if (ret == 0)
		ret = notice_new_mac(s, w);
	if (ret == 0)
		ret = notice_links(s, w);
	ret |= notice_unregister(s->vf_port[0], &w[0]);
	ret |= notice_unregister(s->vf_port[1], &w[1]);
	return ret;
}

static int
test_notices(void)
{
	struct rte_mempool *mp = pool_create("ntf_pool");
	struct scn s;
	int ret;

	if (mp == NULL)
		return -1;
	ret = scn_open(&s, "ntf", "num_vfs=2", 2, LONG_MS);
	if (ret == 0)
		ret = scn_close(&s, notices_body(&s, mp));
	rte_mempool_free(mp);
	return ret;
}

/* ------------------------------------------------------------- 16. priv dump */

/* What rte_eth_dev_priv_dump() prints for @p port, in a malloc'ed string. */
static char *
priv_dump(uint16_t port)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	int ret;

	if (f == NULL)
		return NULL;
	ret = rte_eth_dev_priv_dump(port, f);
	fclose(f);
	if (ret != 0) {
		printf("    rte_eth_dev_priv_dump(%u) = %d\n", port, ret);
		free(text);
		return NULL;
	}
	return text;
}

/* Every line of @p want is a line of @p text. */
static int
dump_has(const char *text, const char *const *want, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		VT_CHECK(strstr(text, want[i]) != NULL, "no \"%s\" in the dump:\n%s", want[i],
				text);
	return 0;
}

static int
pf_dump_checks(struct scn *s)
{
	char region[PATH_MAX + NAME_LEN + 32], rdir[PATH_MAX + 16], svc[32];
	const char *want[] = {
		"  num_vfs: 2\n", rdir, "  mbox_depth: 64\n", "  max_block_size: 4096\n",
		"  mbox_slot_size: 4096\n", "  poll: auto\n", svc, "  control_thread: running\n", "  vf1:\n", region,
		"    attached: yes\n", "    proto_version: 2\n", "    blocks: 4\n",
		"    rings: 1 pairs of 1024 slots of 2048 bytes\n",
		"    ring q0 to_pf: prod 0, cons 0, ready 0\n",
		"    ring q0 to_vf: prod 0, cons 0, ready 0\n",
	};
	char *text = priv_dump(s->pf_port);
	uint32_t id;
	int ret;

	VT_CHECK(text != NULL, "no PF dump");
	VT_EQ(rte_pmd_vfbc_pf_get_service_id(s->pf_port, &id), 0);
	snprintf(svc, sizeof(svc), "  service_id: %u\n", id);
	snprintf(rdir, sizeof(rdir), "  region_dir: %s\n", s->dir);
	snprintf(region, sizeof(region), "    region: %s/vfbc.%s.vf1\n", s->dir, s->pf_name);
	ret = dump_has(text, want, RTE_DIM(want));
	free(text);
	return ret;
}

static int
vf_dump_checks(struct scn *s)
{
	char region[PATH_MAX + NAME_LEN + 32], pf[NAME_LEN + 16];
	const char *want[] = {
		pf, "  vf: 1\n", "  timeout_ms: " RTE_STR(LONG_MS) "\n", region,
		"  attached: yes\n", "  pf_state: ready\n", "  gone: no\n",
		"  rings: 1 pairs of 1024 slots of 2048 bytes\n", "  ring q0 to_vf: prod 0",
	};
	char *text = priv_dump(s->vf_port[1]);
	int ret;

	VT_CHECK(text != NULL, "no VF dump");
	snprintf(pf, sizeof(pf), "  pf: %s\n", s->pf_name);
	snprintf(region, sizeof(region), "  region: %s/vfbc.%s.vf1\n", s->dir, s->pf_name);
	ret = dump_has(text, want, RTE_DIM(want));
	free(text);
	return ret;
}

static int
priv_dump_body(struct scn *s)
{
	uint8_t buf[16];

	/* Both VFs attached: one request each. */
	VT_EQ(rte_pmd_vfbc_vf_read_block(s->vf_port[0], 0x99, buf, sizeof(buf)), -ENOENT);
	VT_EQ(rte_pmd_vfbc_vf_read_block(s->vf_port[1], 0x10, buf, sizeof(buf)), 0);
	VT_EQ(rte_eth_dev_priv_dump(s->pf_port, NULL), -EINVAL);
	if (pf_dump_checks(s) != 0 || vf_dump_checks(s) != 0)
		return -1;
	return 0;
}

static int
test_priv_dump(void)
{
	return scn_run("dmp", "num_vfs=2,block=0x10:64:rw,block=0x11:8:r", 2, LONG_MS,
			priv_dump_body);
}

/* ------------------------------------------------------------- 17. telemetry */

#define TEL_REPLY_MAX (16 * 1024)

/* A client of this process's telemetry socket, as dpdk-telemetry.py is. */
static int
tel_connect(void)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct timeval tv = { .tv_sec = WAIT_MS / 1000 };
	char hello[1024];
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);

	if (fd < 0) {
		printf("    socket: %s\n", strerror(errno));
		return -1;
	}
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s/dpdk_telemetry.v2",
			rte_eal_get_runtime_dir());
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	/* The server greets every client with its version and limits. */
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) != 0 ||
			recv(fd, hello, sizeof(hello), 0) <= 0) {
		printf("    telemetry socket %s: %s\n", sun.sun_path, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* Send @p cmd, return the JSON answer in @p out. */
static int
tel_query(int fd, char *out, const char *fmt, ...)
{
	char cmd[128];
	va_list ap;
	ssize_t n;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	VT_CHECK(send(fd, cmd, strlen(cmd), 0) == (ssize_t)strlen(cmd), "send: %s",
			strerror(errno));
	n = recv(fd, out, TEL_REPLY_MAX - 1, 0);
	VT_CHECK(n > 0, "%s: no answer: %s", cmd, strerror(errno));
	out[n] = '\0';
	return 0;
}

static int
tel_expect(int fd, char *out, const char *cmd, const char *const *want, unsigned int n)
{
	unsigned int i;

	if (tel_query(fd, out, "%s", cmd) != 0)
		return -1;
	for (i = 0; i < n; i++)
		VT_CHECK(strstr(out, want[i]) != NULL, "%s: no %s in %s", cmd, want[i], out);
	return 0;
}

/* Malformed or wrong parameters: telemetry answers null. */
static int
tel_refusals(int fd, char *out, struct scn *s)
{
	char cmds[12][64], want[64];
	unsigned int i, n = 0;

	snprintf(cmds[n++], sizeof(cmds[0]), "/vfbc/pfs,%u", s->pf_port);
	snprintf(cmds[n++], sizeof(cmds[0]), "/vfbc/pf_info");
	snprintf(cmds[n++], sizeof(cmds[0]), "/vfbc/pf_info,x");
	snprintf(cmds[n++], sizeof(cmds[0]), "/vfbc/pf_info,-%u", s->pf_port);
	snprintf(cmds[n++], sizeof(cmds[0]), "/vfbc/pf_info,%u ", s->pf_port);
	snprintf(cmds[n++], sizeof(cmds[0]), "/vfbc/pf_info,%u", s->vf_port[0]);
	snprintf(cmds[n++], sizeof(cmds[0]), "/vfbc/pf_info,99999999999999999999");
	snprintf(cmds[n++], sizeof(cmds[0]), "/vfbc/vf_info,%u", s->pf_port);
	snprintf(cmds[n++], sizeof(cmds[0]), "/vfbc/vf_info,%u,", s->pf_port);
	snprintf(cmds[n++], sizeof(cmds[0]), "/vfbc/vf_info,%u,2", s->pf_port);
	snprintf(cmds[n++], sizeof(cmds[0]), "/vfbc/vf_info,%u,1,0", s->pf_port);
	snprintf(cmds[n++], sizeof(cmds[0]), "/vfbc/vf_info,%u,0", s->vf_port[0]);
	for (i = 0; i < n; i++) {
		if (tel_query(fd, out, "%s", cmds[i]) != 0)
			return -1;
		snprintf(want, sizeof(want), "%.*s\":null}", (int)strcspn(cmds[i], ","),
				cmds[i]);
		VT_CHECK(strstr(out, want) != NULL, "%s answered %s", cmds[i], out);
	}
	return 0;
}

static int
tel_answers(int fd, char *out, struct scn *s)
{
	char cmd[64], pfs[32], rdir[PATH_MAX + 32];
	const char *pf_want[] = {
		"\"num_vfs\":2", rdir, "\"poll\":\"auto\"", "\"control_thread\":1",
		"\"vf_attached\":[1,1]", "\"vf_blocks\":[4,4]", "\"vf_mbox_requests\":[1,2]",
		"\"vf_mbox_errors\":[1,0]",
	};
	const char *vf_want[] = {
		"\"vf\":1", "\"attached\":1", "\"pf_state\":\"ready\"", "\"nb_blocks\":4",
		"\"mbox_writes\":1", "\"mbox_requests\":2",
		"\"0x10\":{\"id\":16,\"capacity\":64,\"length\":5,\"rights\":\"rw\"",
		"\"0x11\":{\"id\":17,\"capacity\":8,\"length\":0,\"rights\":\"r\"",
	};
	const char *pfs_want[] = { pfs };

	snprintf(pfs, sizeof(pfs), "{\"/vfbc/pfs\":[%u]}", s->pf_port);
	snprintf(rdir, sizeof(rdir), "\"region_dir\":\"%s\"", s->dir);
	if (tel_expect(fd, out, "/vfbc/pfs", pfs_want, RTE_DIM(pfs_want)) != 0)
		return -1;
	snprintf(cmd, sizeof(cmd), "/vfbc/pf_info,%u", s->pf_port);
	if (tel_expect(fd, out, cmd, pf_want, RTE_DIM(pf_want)) != 0)
		return -1;
	snprintf(cmd, sizeof(cmd), "/vfbc/vf_info,%u,1", s->pf_port);
	return tel_expect(fd, out, cmd, vf_want, RTE_DIM(vf_want));
}

static int
telemetry_body(struct scn *s)
{
	uint8_t buf[16] = "hello";
	int fd, ret = -1;
	char *out;

	VT_EQ(rte_pmd_vfbc_vf_read_block(s->vf_port[0], 0x99, buf, sizeof(buf)), -ENOENT);
	VT_EQ(rte_pmd_vfbc_vf_write_block(s->vf_port[1], 0x10, buf, 5), 0);
	VT_EQ(rte_pmd_vfbc_vf_read_block(s->vf_port[1], 0x10, buf, sizeof(buf)), 5);
	out = malloc(TEL_REPLY_MAX);
	VT_CHECK(out != NULL, "out of memory");
	fd = tel_connect();
	if (fd >= 0) {
		ret = tel_answers(fd, out, s);
		if (ret == 0)
			ret = tel_refusals(fd, out, s);
		close(fd);
	}
	free(out);
	return ret;
}

static int
test_telemetry(void)
{
	return scn_run("tel", "num_vfs=2,block=0x10:64:rw,block=0x11:8:r", 2, LONG_MS,
			telemetry_body);
}

/* ---------------------------------------------------------------- datapath */

#define DP_MAC0 "02:00:00:00:00:a0"
#define DP_MAC1 "02:00:00:00:00:a1"
#define DP_ARGS "num_vfs=2,vf_mac=0/" DP_MAC0 ",vf_mac=1/" DP_MAC1
#define DP_BURST 32
#define DP_POOL 2047

static const struct rte_ether_addr dp_unknown = {{ 0x02, 0, 0, 0, 0, 0x99 }};
static const struct rte_ether_addr dp_mcast = {{ 0x01, 0x00, 0x5e, 0, 0, 1 }};

static struct rte_ether_addr
dp_mac(const char *s)
{
	struct rte_ether_addr a;

	rte_ether_unformat_addr(s, &a);
	return a;
}

/* Length of the packet of @p seed: from 60 to 1514 bytes. */
static uint16_t
dp_len(uint32_t seed)
{
	return (uint16_t)(60 + (seed * 97) % (1514 - 60 + 1));
}

/* A frame to @p dst whose payload carries @p seed and a pattern of it. */
static struct rte_mbuf *
dp_pkt(struct rte_mempool *mp, const struct rte_ether_addr *dst, uint32_t seed)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(mp);
	uint16_t len = dp_len(seed);
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
	memset(&eh->src_addr, 0x22, sizeof(eh->src_addr));
	eh->ether_type = rte_cpu_to_be_16(0x88b5);
	memcpy(p + sizeof(*eh), &seed, sizeof(seed));
	pattern_fill(p + sizeof(*eh) + 4, len - sizeof(*eh) - 4, seed);
	return m;
}

/* Whether @p len bytes at @p p are exactly the frame of some seed: @return the seed, or -1. */
static int64_t
dp_seed_of_buf(const uint8_t *p, uint32_t len)
{
	uint32_t seed;

	if (len < sizeof(struct rte_ether_hdr) + 4)
		return -1;
	memcpy(&seed, p + sizeof(struct rte_ether_hdr), sizeof(seed));
	if (len != dp_len(seed) ||
			!pattern_ok(p + sizeof(struct rte_ether_hdr) + 4,
				len - sizeof(struct rte_ether_hdr) - 4, seed))
		return -1;
	return seed;
}

static int64_t
dp_seed_of(const struct rte_mbuf *m)
{
	if (m->nb_segs != 1)
		return -1;
	return dp_seed_of_buf(rte_pktmbuf_mtod(m, const uint8_t *), m->pkt_len);
}

/* Send @p n frames to @p dst, seeds first..first+n-1. @return frames the port took. */
static int
dp_send(struct rte_mempool *mp, uint16_t port, const struct rte_ether_addr *dst,
		uint32_t first, unsigned int n)
{
	struct rte_mbuf *pkts[DP_BURST];
	unsigned int i, done = 0;

	while (done < n) {
		unsigned int b = RTE_MIN(n - done, (unsigned int)DP_BURST);
		uint16_t sent;

		for (i = 0; i < b; i++) {
			pkts[i] = dp_pkt(mp, dst, first + done + i);
			VT_CHECK(pkts[i] != NULL, "out of mbufs");
		}
		sent = rte_eth_tx_burst(port, 0, pkts, (uint16_t)b);
		rte_pktmbuf_free_bulk(pkts + sent, b - sent);
		done += sent;
		if (sent < b)
			break;
	}
	return (int)done;
}

/*
 * Receive everything there is on @p port (in this process the rings are
 * filled synchronously), checking every frame is whole. Seeds go to @p seeds.
 * @return frames received, or -1 on a damaged frame.
 */
static int
dp_recv(uint16_t port, uint32_t *seeds, unsigned int max)
{
	struct rte_mbuf *pkts[DP_BURST];
	unsigned int got = 0, i, empty = 0;

	/* A few empty polls in a row: the PF's Rx round robin visits every VF. */
	while (empty < 4) {
		uint16_t n = rte_eth_rx_burst(port, 0, pkts, DP_BURST);

		empty = n == 0 ? empty + 1 : 0;
		for (i = 0; i < n; i++) {
			int64_t seed = dp_seed_of(pkts[i]);

			if (seed < 0 || got >= max) {
				rte_pktmbuf_free_bulk(pkts, n);
				VT_CHECK(false, "port %u: damaged frame of %u bytes, or too many",
						port, pkts[i]->pkt_len);
			}
			VT_EQ(pkts[i]->port, port);
			seeds[got++] = (uint32_t)seed;
		}
		rte_pktmbuf_free_bulk(pkts, n);
	}
	return (int)got;
}

/* Frames on @p port are exactly seeds first..first+n-1, in order. */
static int
dp_expect(uint16_t port, uint32_t first, unsigned int n)
{
	uint32_t seeds[256];
	int got = dp_recv(port, seeds, RTE_DIM(seeds));
	unsigned int i;

	VT_EQ(got, n);
	for (i = 0; i < n; i++)
		VT_EQ(seeds[i], first + i);
	return 0;
}

static struct rte_mempool *
dp_pool(const char *name)
{
	struct rte_mempool *mp = rte_pktmbuf_pool_create(name, DP_POOL, 0, 0,
			RTE_MBUF_DEFAULT_BUF_SIZE, (int)rte_socket_id());

	if (mp == NULL)
		printf("    rte_pktmbuf_pool_create(%s): %s\n", name, rte_strerror(rte_errno));
	return mp;
}

/* PF and VF ports 0 and 1 started with one queue pair each. */
static int
dp_start_all(struct scn *s, struct rte_mempool *mp)
{
	unsigned int i;

	if (port_start(s->pf_port, mp) != 0)
		return -1;
	for (i = 0; i < s->nb_vf; i++) {
		if (port_start(s->vf_port[i], mp) != 0)
			return -1;
	}
	return 0;
}

static int
dp_stats(uint16_t port, struct rte_eth_stats *st)
{
	memset(st, 0, sizeof(*st));
	VT_EQ(rte_eth_stats_get(port, st), 0);
	return 0;
}

/* Run @p body on a started PF with @p pf_args and two started VFs. */
static int
dp_run(const char *tag, const char *pf_args,
		int (*body)(struct scn *s, struct rte_mempool *mp))
{
	char pool[32];
	struct rte_mempool *mp;
	struct scn s;
	int ret;

	snprintf(pool, sizeof(pool), "%s_pool", tag);
	mp = dp_pool(pool);
	if (mp == NULL)
		return -1;
	ret = scn_open(&s, tag, pf_args, 2, LONG_MS);
	if (ret == 0) {
		ret = dp_start_all(&s, mp);
		if (ret == 0)
			ret = body(&s, mp);
		ret = scn_close(&s, ret);
	}
	rte_mempool_free(mp);
	return ret;
}

/* VF Tx reaches PF Rx whole, from both VFs; nothing goes to the other VF. */
static int
dp_vf_to_pf_body(struct scn *s, struct rte_mempool *mp)
{
	struct rte_ether_addr pf_mac;
	struct rte_eth_stats st;
	uint32_t seeds[64];
	int i, got, from0 = 0, from1 = 0;

	VT_EQ(rte_eth_macaddr_get(s->pf_port, &pf_mac), 0);
	VT_EQ(dp_send(mp, s->vf_port[0], &pf_mac, 0, 20), 20);
	VT_EQ(dp_send(mp, s->vf_port[1], &pf_mac, 1000, 7), 7);
	got = dp_recv(s->pf_port, seeds, RTE_DIM(seeds));
	VT_EQ(got, 27);
	for (i = 0; i < got; i++) {
		if (seeds[i] < 1000)
			VT_EQ(seeds[i], from0++);
		else
			VT_EQ(seeds[i], 1000 + from1++);
	}
	VT_EQ(from0, 20);
	VT_EQ(from1, 7);
	if (dp_expect(s->vf_port[1], 0, 0) != 0 || dp_stats(s->pf_port, &st) != 0)
		return -1;
	VT_EQ(st.ipackets, 27);
	VT_EQ(st.ierrors, 0);
	if (dp_stats(s->vf_port[0], &st) != 0)
		return -1;
	VT_EQ(st.opackets, 20);
	VT_EQ(xstat(s->pf_port, "rx_ring_errors"), 0);
	return 0;
}

static int
test_dp_vf_to_pf(void)
{
	return dp_run("dpv2p", DP_ARGS, dp_vf_to_pf_body);
}

/* PF Tx unicast reaches the VF of the MAC, only it. */
static int
dp_unicast_body(struct scn *s, struct rte_mempool *mp)
{
	struct rte_ether_addr mac0 = dp_mac(DP_MAC0), mac1 = dp_mac(DP_MAC1);
	struct rte_eth_stats st;

	VT_EQ(dp_send(mp, s->pf_port, &mac1, 100, 40), 40);
	VT_EQ(dp_send(mp, s->pf_port, &mac0, 200, 9), 9);
	if (dp_expect(s->vf_port[1], 100, 40) != 0 || dp_expect(s->vf_port[0], 200, 9) != 0)
		return -1;
	if (dp_stats(s->pf_port, &st) != 0)
		return -1;
	VT_EQ(st.opackets, 49);
	VT_EQ(st.oerrors, 0);
	if (dp_stats(s->vf_port[1], &st) != 0)
		return -1;
	VT_EQ(st.ipackets, 40);
	VT_EQ(xstat(s->pf_port, "tx_unknown_unicast_packets"), 0);
	return 0;
}

static int
test_dp_unicast(void)
{
	return dp_run("dpuc", DP_ARGS, dp_unicast_body);
}

/* VF @p vf's ring @p ring (vfbc_pring_index) as this process maps the region. */
struct dp_ring_map {
	struct region_map map;
	struct vfbc_ring_hdr *hdr;
	struct vfbc_ring_desc *desc;
	uint32_t slots;
};

static int
dp_ring_map(struct scn *s, unsigned int vf, uint32_t ring, struct dp_ring_map *m)
{
	const struct vfbc_region_info *info;
	char path[PATH_MAX];
	uint64_t stride;
	uint8_t *base;

	VT_EQ(region_path(path, sizeof(path), s->dir, s->pf_name, vf), 0);
	if (region_map_open(&m->map, path, true) != 0)
		return -1;
	info = (const struct vfbc_region_info *)m->map.base;
	/* The layout vfbc_wire.h documents: two lines, descriptors padded to a
	 * line, buffers; two rings per pair.
	 */
	stride = sizeof(struct vfbc_ring_hdr) +
		RTE_ALIGN_CEIL((uint64_t)info->ring_slots * sizeof(struct vfbc_ring_desc),
				VFBC_WIRE_LINE) + (uint64_t)info->ring_slots * info->pkt_buf_size;
	VT_CHECK(info->ring_offset != 0 && info->ring_size == stride * 2 * info->nb_ring_pairs,
			"region %s: ring area of %u bytes, not as documented", path,
			info->ring_size);
	base = m->map.base + info->ring_offset + stride * ring;
	m->hdr = (struct vfbc_ring_hdr *)base;
	m->desc = (struct vfbc_ring_desc *)(base + sizeof(struct vfbc_ring_hdr));
	m->slots = info->ring_slots;
	return 0;
}

/* Broadcast and multicast reach every VF that is up, and no stopped one. */
static int
dp_flood_body(struct scn *s, struct rte_mempool *mp)
{
	struct rte_ether_addr bcast;
	struct dp_ring_map m;
	struct rte_eth_stats st;
	uint32_t prod;

	memset(&bcast, 0xff, sizeof(bcast));
	VT_EQ(dp_send(mp, s->pf_port, &bcast, 10, 3), 3);
	VT_EQ(dp_send(mp, s->pf_port, &dp_mcast, 13, 2), 2);
	if (dp_expect(s->vf_port[0], 10, 5) != 0 || dp_expect(s->vf_port[1], 10, 5) != 0)
		return -1;
	VT_EQ(port_stop(s->vf_port[1]), 0);
	if (dp_ring_map(s, 1, vfbc_pring_index(0, VFBC_RING_DIR_TO_VF), &m) != 0)
		return -1;
	prod = __atomic_load_n(&m.hdr->p.prod, __ATOMIC_ACQUIRE);
	VT_EQ(dp_send(mp, s->pf_port, &bcast, 20, 4), 4);
	/* Nothing was written to the stopped VF's ring. */
	VT_EQ(__atomic_load_n(&m.hdr->p.prod, __ATOMIC_ACQUIRE), prod);
	region_map_close(&m.map);
	if (dp_expect(s->vf_port[0], 20, 4) != 0)
		return -1;
	if (dp_stats(s->pf_port, &st) != 0)
		return -1;
	VT_EQ(st.opackets, 9);
	VT_EQ(st.oerrors, 0);
	/* Unicast to the stopped VF is dropped and counted. */
	VT_EQ(dp_send(mp, s->pf_port, &(struct rte_ether_addr){{ 0x02, 0, 0, 0, 0, 0xa1 }},
			30, 2), 2);
	VT_EQ(xstat(s->pf_port, "tx_vf_down_packets"), 2);
	VT_EQ(rte_eth_dev_start(s->vf_port[1]), 0);
	port_started[s->vf_port[1]] = true;
	VT_EQ(dp_send(mp, s->pf_port, &dp_mcast, 40, 3), 3);
	return dp_expect(s->vf_port[1], 40, 3) | dp_expect(s->vf_port[0], 40, 3);
}

static int
test_dp_flood(void)
{
	return dp_run("dpfl", DP_ARGS, dp_flood_body);
}

/* Unicast to a MAC no VF has is dropped and counted; no VF sees it. */
static int
dp_unknown_body(struct scn *s, struct rte_mempool *mp)
{
	struct rte_eth_stats st;

	VT_EQ(dp_send(mp, s->pf_port, &dp_unknown, 0, 6), 6);
	if (dp_expect(s->vf_port[0], 0, 0) != 0 || dp_expect(s->vf_port[1], 0, 0) != 0)
		return -1;
	VT_EQ(xstat(s->pf_port, "tx_unknown_unicast_packets"), 6);
	VT_EQ(xstat(s->pf_port, "tx_ring_dropped_packets"), 6);
	if (dp_stats(s->pf_port, &st) != 0)
		return -1;
	VT_EQ(st.opackets, 0);
	VT_EQ(st.oerrors, 6);
	return 0;
}

static int
test_dp_unknown_unicast(void)
{
	return dp_run("dpunk", DP_ARGS, dp_unknown_body);
}

/* A chain of @p nseg segments holding the frame of @p seed. */
static struct rte_mbuf *
dp_chain(struct rte_mempool *mp, const struct rte_ether_addr *dst, uint32_t seed,
		unsigned int nseg)
{
	struct rte_mbuf *whole = dp_pkt(mp, dst, seed), *head = NULL, *m;
	uint32_t len, off = 0, part, i;

	if (whole == NULL)
		return NULL;
	len = whole->pkt_len;
	part = (len + nseg - 1) / nseg;
	for (i = 0; i < nseg && off < len; i++) {
		uint32_t n = RTE_MIN(part, len - off);

		m = rte_pktmbuf_alloc(mp);
		if (m == NULL || rte_pktmbuf_append(m, (uint16_t)n) == NULL)
			goto fail;
		memcpy(rte_pktmbuf_mtod(m, void *), rte_pktmbuf_mtod_offset(whole, void *, off), n);
		off += n;
		if (head == NULL)
			head = m;
		else if (rte_pktmbuf_chain(head, m) != 0)
			goto fail;
	}
	rte_pktmbuf_free(whole);
	return head;
fail:
	rte_pktmbuf_free(m);
	rte_pktmbuf_free(head);
	rte_pktmbuf_free(whole);
	return NULL;
}

/* Multi-segment frames are gathered into one slot, both ways. */
static int
dp_multiseg_body(struct scn *s, struct rte_mempool *mp)
{
	struct rte_ether_addr mac0 = dp_mac(DP_MAC0), pf_mac;
	struct rte_mbuf *pkts[4];
	unsigned int i;

	VT_EQ(rte_eth_macaddr_get(s->pf_port, &pf_mac), 0);
	for (i = 0; i < RTE_DIM(pkts); i++) {
		pkts[i] = dp_chain(mp, &mac0, 50 + i, 2 + i);
		VT_CHECK(pkts[i] != NULL, "cannot build a chain");
		VT_EQ(pkts[i]->nb_segs, 2 + i);
	}
	VT_EQ(rte_eth_tx_burst(s->pf_port, 0, pkts, RTE_DIM(pkts)), RTE_DIM(pkts));
	if (dp_expect(s->vf_port[0], 50, 4) != 0)
		return -1;
	for (i = 0; i < RTE_DIM(pkts); i++) {
		pkts[i] = dp_chain(mp, &pf_mac, 60 + i, 3);
		VT_CHECK(pkts[i] != NULL, "cannot build a chain");
	}
	VT_EQ(rte_eth_tx_burst(s->vf_port[1], 0, pkts, RTE_DIM(pkts)), RTE_DIM(pkts));
	return dp_expect(s->pf_port, 60, 4);
}

static int
test_dp_multiseg(void)
{
	return dp_run("dpms", DP_ARGS, dp_multiseg_body);
}

/* Descriptors of port_start()'s queues: what a queue may have in flight. */
#define DP_SMALL_RING 64

/*
 * A VF that does not poll: the PF drops past its ring and counts it; the VF
 * then gets exactly the first ring-full. A VF sending to a PF that does not
 * poll is pushed back. Nothing else is lost.
 */
static int
dp_ring_full_body(struct scn *s, struct rte_mempool *mp)
{
	struct rte_ether_addr mac0 = dp_mac(DP_MAC0), mac1 = dp_mac(DP_MAC1), pf_mac;
	struct rte_eth_stats st;

	VT_EQ(dp_send(mp, s->pf_port, &mac0, 0, 100), 100);
	VT_EQ(dp_send(mp, s->pf_port, &mac1, 500, 5), 5);
	VT_EQ(xstat(s->pf_port, "tx_ring_full_packets"), 100 - DP_SMALL_RING);
	if (dp_stats(s->pf_port, &st) != 0)
		return -1;
	VT_EQ(st.opackets, DP_SMALL_RING + 5);
	VT_EQ(st.oerrors, 100 - DP_SMALL_RING);
	if (dp_expect(s->vf_port[0], 0, DP_SMALL_RING) != 0 ||
			dp_expect(s->vf_port[1], 500, 5) != 0)
		return -1;
	/* Room again: the next frames get through. */
	VT_EQ(dp_send(mp, s->pf_port, &mac0, 100, 3), 3);
	if (dp_expect(s->vf_port[0], 100, 3) != 0)
		return -1;
	VT_EQ(rte_eth_macaddr_get(s->pf_port, &pf_mac), 0);
	VT_EQ(dp_send(mp, s->vf_port[0], &pf_mac, 200, 100), DP_SMALL_RING);
	VT_EQ(dp_send(mp, s->vf_port[0], &pf_mac, 300, 1), 0);
	if (dp_expect(s->pf_port, 200, DP_SMALL_RING) != 0 || dp_stats(s->vf_port[0], &st) != 0)
		return -1;
	VT_EQ(st.opackets, DP_SMALL_RING);
	VT_EQ(st.oerrors, 0);
	return 0;
}

static int
test_dp_ring_full(void)
{
	return dp_run("dprf", DP_ARGS, dp_ring_full_body);
}

/* Random lengths under in-bounds producer indexes: bad ones counted, good ones whole. */
static int
dp_hostile_random(struct scn *s, struct dp_ring_map *m)
{
	struct rte_mbuf *pkts[DP_BURST];
	uint64_t before = xstat(s->pf_port, "rx_ring_errors"), got = 0;
	uint32_t i, j;
	uint16_t n;

	for (i = 0; i < 500; i++) {
		uint32_t cons = __atomic_load_n(&m->hdr->c.cons, __ATOMIC_ACQUIRE);

		for (j = 0; j < 8; j++)
			m->desc[rte_rand() & (m->slots - 1)].len = (uint32_t)rte_rand() %
				(i & 1 ? UINT32_MAX : 4096);
		__atomic_store_n(&m->hdr->p.prod, cons + (uint32_t)(rte_rand() % (m->slots + 1)),
				__ATOMIC_RELEASE);
		while ((n = rte_eth_rx_burst(s->pf_port, 0, pkts, DP_BURST)) != 0) {
			for (j = 0; j < n; j++)
				VT_CHECK(pkts[j]->pkt_len >= 1 && pkts[j]->pkt_len <= 2048 &&
						pkts[j]->data_len == pkts[j]->pkt_len,
						"a frame of %u bytes", pkts[j]->pkt_len);
			got += n;
			rte_pktmbuf_free_bulk(pkts, n);
		}
	}
	VT_CHECK(xstat(s->pf_port, "rx_ring_errors") > before, "no bad length counted");
	VT_CHECK(got > 0, "no frame taken from the ring");
	return 0;
}

/* Garbage lengths, random contents, then a producer index out of bounds, in VF 0's Tx ring. */
static int
dp_hostile_rx(struct scn *s, struct rte_mempool *mp, struct dp_ring_map *m)
{
	struct rte_ether_addr pf_mac;
	uint32_t i, prod = m->hdr->p.prod;
	uint64_t errors;

	VT_EQ(rte_eth_macaddr_get(s->pf_port, &pf_mac), 0);
	for (i = 0; i < 3; i++)
		m->desc[(prod + i) & (m->slots - 1)].len = i == 0 ? 0 : UINT32_MAX - i;
	__atomic_store_n(&m->hdr->p.prod, prod + 3, __ATOMIC_RELEASE);
	if (dp_expect(s->pf_port, 0, 0) != 0)
		return -1;
	VT_EQ(xstat(s->pf_port, "rx_ring_errors"), 3);
	if (dp_hostile_random(s, m) != 0)
		return -1;
	errors = xstat(s->pf_port, "rx_ring_errors");
	prod = __atomic_load_n(&m->hdr->c.cons, __ATOMIC_ACQUIRE) + m->slots + 1;
	__atomic_store_n(&m->hdr->p.prod, prod, __ATOMIC_RELEASE);
	if (dp_expect(s->pf_port, 0, 0) != 0)
		return -1;
	VT_EQ(xstat(s->pf_port, "rx_ring_errors"), errors + 1);
	/* Ignored from now on, whatever it says. */
	__atomic_store_n(&m->hdr->p.prod, prod - m->slots, __ATOMIC_RELEASE);
	if (dp_expect(s->pf_port, 0, 0) != 0)
		return -1;
	/* VF 1 is served as before. */
	VT_EQ(dp_send(mp, s->vf_port[1], &pf_mac, 10, 5), 5);
	return dp_expect(s->pf_port, 10, 5);
}

/* A consumer index out of bounds in VF 0's Rx ring: the PF stops sending there. */
static int
dp_hostile_tx(struct scn *s, struct rte_mempool *mp, struct dp_ring_map *m)
{
	struct rte_ether_addr mac0 = dp_mac(DP_MAC0), mac1 = dp_mac(DP_MAC1);

	__atomic_store_n(&m->hdr->c.cons, m->hdr->p.prod + 12345, __ATOMIC_RELEASE);
	/* Enough to need the consumer's index again. */
	VT_EQ(dp_send(mp, s->pf_port, &mac0, 0, 1100), 1100);
	VT_CHECK(xstat(s->pf_port, "tx_ring_errors") >= 1, "no tx ring error counted");
	VT_EQ(dp_send(mp, s->pf_port, &mac1, 20, 5), 5);
	return dp_expect(s->vf_port[1], 20, 5);
}

/* VF 0 attaches again (a new port): its rings serve again. */
static int
dp_hostile_recover(struct scn *s, struct rte_mempool *mp)
{
	struct rte_ether_addr mac0 = dp_mac(DP_MAC0), pf_mac;
	uint16_t port;

	VT_EQ(rte_eth_macaddr_get(s->pf_port, &pf_mac), 0);
	VT_EQ(port_destroy(s->vf_name[0], s->vf_port[0]), 0);
	s->vf_open[0] = false;
	if (scn_vf_open(s, 0, LONG_MS) != 0)
		return -1;
	port = s->vf_port[s->nb_vf - 1];
	if (port_start(port, mp) != 0)
		return -1;
	/* Drain what the garbage left in the PF's view. */
	dp_recv(s->pf_port, (uint32_t[256]){ 0 }, 256);
	VT_EQ(dp_send(mp, port, &pf_mac, 30, 4), 4);
	if (dp_expect(s->pf_port, 30, 4) != 0)
		return -1;
	VT_EQ(dp_send(mp, s->pf_port, &mac0, 40, 4), 4);
	return dp_expect(port, 40, 4);
}

static int
dp_hostile_body(struct scn *s, struct rte_mempool *mp)
{
	struct dp_ring_map rx, tx;
	int ret;

	if (dp_ring_map(s, 0, vfbc_pring_index(0, VFBC_RING_DIR_TO_PF), &rx) != 0)
		return -1;
	if (dp_ring_map(s, 0, vfbc_pring_index(0, VFBC_RING_DIR_TO_VF), &tx) != 0) {
		region_map_close(&rx.map);
		return -1;
	}
	/* VF 0's own port must not poll while we play it. */
	VT_EQ(port_stop(s->vf_port[0]), 0);
	__atomic_store_n(&tx.hdr->c.ready, 1, __ATOMIC_RELEASE);
	ret = dp_hostile_rx(s, mp, &rx);
	if (ret == 0)
		ret = dp_hostile_tx(s, mp, &tx);
	region_map_close(&rx.map);
	region_map_close(&tx.map);
	if (ret == 0)
		ret = dp_hostile_recover(s, mp);
	return ret;
}

static int
test_dp_hostile_ring(void)
{
	return dp_run("dphr", DP_ARGS, dp_hostile_body);
}

/* The PF moves VF 1 to a new MAC: its port follows, and so does switching. */
static int
dp_mac_change_body(struct scn *s, struct rte_mempool *mp)
{
	struct rte_ether_addr old = dp_mac(DP_MAC1), new = dp_mac("02:00:00:00:00:b1"), cur;
	struct rte_pmd_vfbc_mac_block b;
	uint64_t deadline = now_ms() + WAIT_MS;

	memset(&b, 0, sizeof(b));
	memcpy(b.addr, new.addr_bytes, sizeof(b.addr));
	VT_EQ(rte_pmd_vfbc_pf_set_block(s->pf_port, 1, RTE_PMD_VFBC_BLOCK_ID_MAC, &b,
			sizeof(b)), 0);
	VT_EQ(rte_pmd_vfbc_pf_invalidate(s->pf_port, 1, UINT64_C(1) << RTE_PMD_VFBC_BLOCK_ID_MAC),
			0);
	/* The VF's watcher thread follows; bounded wait, not a timing assumption. */
	do {
		VT_EQ(rte_eth_macaddr_get(s->vf_port[1], &cur), 0);
		if (rte_is_same_ether_addr(&cur, &new))
			break;
		sched_yield();
	} while (now_ms() < deadline);
	VT_CHECK(rte_is_same_ether_addr(&cur, &new), "VF 1 did not take its new MAC");
	VT_EQ(dp_send(mp, s->pf_port, &old, 0, 3), 3);
	VT_EQ(xstat(s->pf_port, "tx_unknown_unicast_packets"), 3);
	if (dp_expect(s->vf_port[1], 0, 0) != 0)
		return -1;
	VT_EQ(dp_send(mp, s->pf_port, &new, 10, 3), 3);
	return dp_expect(s->vf_port[1], 10, 3);
}

static int
test_dp_mac_change(void)
{
	return dp_run("dpmac", DP_ARGS, dp_mac_change_body);
}

/* queues= and ring_size= are the ports' queue and descriptor limits. */
static int
dp_queues_body(struct scn *s, struct rte_mempool *mp)
{
	struct rte_eth_conf conf;
	struct rte_eth_dev_info info;
	unsigned int i;

	memset(&conf, 0, sizeof(conf));
	for (i = 0; i < 2; i++) {
		uint16_t port = i == 0 ? s->pf_port : s->vf_port[0];

		VT_EQ(rte_eth_dev_info_get(port, &info), 0);
		VT_EQ(info.max_rx_queues, 2);
		VT_EQ(info.max_tx_queues, 2);
		VT_EQ(info.tx_desc_lim.nb_max, 128);
		VT_EQ(port_stop(port), 0);
		VT_CHECK(rte_eth_dev_configure(port, 3, 3, &conf) != 0, "3 queues configured");
		if (port_start(port, mp) != 0)
			return -1;
	}
	VT_EQ(rte_eth_rx_queue_setup(s->vf_port[1], 0, 129, 0, NULL, mp), -EINVAL);
	return 0;
}

static int
test_dp_queues(void)
{
	return dp_run("dpq", DP_ARGS ",queues=2,ring_size=128", dp_queues_body);
}


/* ------------------------------------------------------------ port VLAN */

#define DP_VLAN 100

static int
dp_set_port_vlan(struct scn *s, uint16_t vf, uint16_t vlan)
{
	struct rte_pmd_vfbc_vport_block vb;

	VT_EQ(rte_pmd_vfbc_pf_get_block(s->pf_port, vf, RTE_PMD_VFBC_BLOCK_ID_VPORT, &vb,
			sizeof(vb)), sizeof(vb));
	vb.vlan_id = vlan;
	VT_EQ(rte_pmd_vfbc_pf_set_block(s->pf_port, vf, RTE_PMD_VFBC_BLOCK_ID_VPORT, &vb,
			sizeof(vb)), 0);
	return 0;
}

/* The frame of @p seed to @p dst with an 802.1Q tag of @p vlan. */
static struct rte_mbuf *
dp_tagged(struct rte_mempool *mp, const struct rte_ether_addr *dst, uint32_t seed,
		uint16_t vlan)
{
	struct rte_mbuf *m = dp_pkt(mp, dst, seed);
	uint8_t *p;

	if (m == NULL)
		return NULL;
	p = (uint8_t *)rte_pktmbuf_prepend(m, 4);
	if (p == NULL) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	memmove(p, p + 4, 12);
	p[12] = 0x81;
	p[13] = 0x00;
	p[14] = (uint8_t)(vlan >> 8);
	p[15] = (uint8_t)vlan;
	return m;
}

static int
dp_send_tagged(struct rte_mempool *mp, uint16_t port, const struct rte_ether_addr *dst,
		uint32_t first, unsigned int n, uint16_t vlan)
{
	struct rte_mbuf *pkts[DP_BURST];
	unsigned int i;

	VT_CHECK(n <= DP_BURST, "too many");
	for (i = 0; i < n; i++) {
		pkts[i] = dp_tagged(mp, dst, first + i, vlan);
		VT_CHECK(pkts[i] != NULL, "out of mbufs");
	}
	VT_EQ(rte_eth_tx_burst(port, 0, pkts, (uint16_t)n), n);
	return 0;
}

/* The PF receives exactly frames first..first+n-1, each tagged with @p vlan. */
static int
dp_expect_tagged(uint16_t port, uint32_t first, unsigned int n, uint16_t vlan)
{
	struct rte_mbuf *pkts[DP_BURST];
	uint8_t frame[RTE_MBUF_DEFAULT_DATAROOM];
	unsigned int i, got = 0;
	uint16_t nb;
	int ret = 0;

	while ((nb = rte_eth_rx_burst(port, 0, pkts, DP_BURST)) != 0) {
		for (i = 0; i < nb && ret == 0; i++, got++) {
			const uint8_t *p = rte_pktmbuf_mtod(pkts[i], const uint8_t *);
			uint32_t len = pkts[i]->pkt_len;

			if (len < 18 || len - 4 > sizeof(frame) || p[12] != 0x81 || p[13] != 0 ||
					(p[14] << 8 | p[15]) != vlan) {
				printf("    frame %u: no tag of VLAN %u\n", got, vlan);
				ret = -1;
				break;
			}
			memcpy(frame, p, 12);
			memcpy(frame + 12, p + 16, len - 16);
			if (dp_seed_of_buf(frame, len - 4) != first + got) {
				printf("    frame %u: not the frame of seed %u\n", got,
						first + got);
				ret = -1;
			}
		}
		rte_pktmbuf_free_bulk(pkts, nb);
	}
	if (ret == 0)
		VT_EQ(got, n);
	return ret;
}

/*
 * VF 1 in port VLAN 100: the PF tags what it sends, strips what the PF sends
 * it, and switches on VLAN and MAC; VF 0, without one, is another segment.
 */
static int
dp_vlan_frames(struct scn *s, struct rte_mempool *mp)
{
	struct rte_ether_addr mac0 = dp_mac(DP_MAC0), mac1 = dp_mac(DP_MAC1), pf_mac, bcast;

	memset(&bcast, 0xff, sizeof(bcast));
	VT_EQ(rte_eth_macaddr_get(s->pf_port, &pf_mac), 0);
	VT_EQ(dp_send(mp, s->vf_port[1], &pf_mac, 0, 5), 5);
	if (dp_expect_tagged(s->pf_port, 0, 5, DP_VLAN) != 0)
		return -1;
	VT_EQ(dp_send(mp, s->vf_port[0], &pf_mac, 10, 3), 3);
	if (dp_expect(s->pf_port, 10, 3) != 0)
		return -1;
	/* Tagged for VF 1's VLAN: stripped; untagged to its MAC: not its segment. */
	if (dp_send_tagged(mp, s->pf_port, &mac1, 20, 4, DP_VLAN) != 0 ||
			dp_expect(s->vf_port[1], 20, 4) != 0)
		return -1;
	VT_EQ(dp_send(mp, s->pf_port, &mac1, 30, 2), 2);
	VT_EQ(xstat(s->pf_port, "tx_unknown_unicast_packets"), 2);
	if (dp_send_tagged(mp, s->pf_port, &mac0, 35, 2, DP_VLAN) != 0)
		return -1;
	VT_EQ(xstat(s->pf_port, "tx_unknown_unicast_packets"), 4);
	/* Broadcast reaches the VFs of its VLAN only. */
	if (dp_send_tagged(mp, s->pf_port, &bcast, 40, 3, DP_VLAN) != 0)
		return -1;
	VT_EQ(dp_send(mp, s->pf_port, &bcast, 50, 2), 2);
	if (dp_expect(s->vf_port[1], 40, 3) != 0 || dp_expect(s->vf_port[0], 50, 2) != 0)
		return -1;
	/* VLAN 0 again: VF 1 is back in the untagged segment. */
	if (dp_set_port_vlan(s, 1, 0) != 0)
		return -1;
	VT_EQ(dp_send(mp, s->pf_port, &mac1, 60, 2), 2);
	if (dp_expect(s->vf_port[1], 60, 2) != 0)
		return -1;
	VT_EQ(dp_send(mp, s->vf_port[1], &pf_mac, 70, 2), 2);
	return dp_expect(s->pf_port, 70, 2);
}

/* A VF may change its MTU, never its port VLAN. */
static int
dp_vlan_vf_writes(struct scn *s)
{
	struct rte_pmd_vfbc_vport_block vb;

	VT_EQ(rte_pmd_vfbc_vf_read_block(s->vf_port[1], RTE_PMD_VFBC_BLOCK_ID_VPORT, &vb,
			sizeof(vb)), sizeof(vb));
	VT_EQ(vb.vlan_id, DP_VLAN);
	vb.vlan_id = 7;
	VT_EQ(rte_pmd_vfbc_vf_write_block(s->vf_port[1], RTE_PMD_VFBC_BLOCK_ID_VPORT, &vb,
			sizeof(vb)), -EACCES);
	vb.vlan_id = DP_VLAN;
	vb.max_mtu = 9000;
	VT_EQ(rte_pmd_vfbc_vf_write_block(s->vf_port[1], RTE_PMD_VFBC_BLOCK_ID_VPORT, &vb,
			sizeof(vb)), -EACCES);
	VT_EQ(rte_eth_dev_set_mtu(s->vf_port[1], 1400), 0);
	VT_EQ(rte_pmd_vfbc_pf_get_block(s->pf_port, 1, RTE_PMD_VFBC_BLOCK_ID_VPORT, &vb,
			sizeof(vb)), sizeof(vb));
	VT_EQ(vb.mtu, 1400);
	VT_EQ(vb.vlan_id, DP_VLAN);
	return 0;
}

static int
dp_vlan_body(struct scn *s, struct rte_mempool *mp)
{
	if (dp_set_port_vlan(s, 1, DP_VLAN) != 0 || dp_vlan_vf_writes(s) != 0)
		return -1;
	return dp_vlan_frames(s, mp);
}

static int
test_dp_port_vlan(void)
{
	return dp_run("dpvl", DP_ARGS, dp_vlan_body);
}

/* ------------------------------------------------------------------- main */

static const struct vt_case cases[] = {
	{ "pf_set_vf_read", test_read_block },
	{ "vf_write_pf_get", test_write_block },
	{ "big_block", test_big_block },
	{ "devargs_blocks", test_devargs_blocks },
	{ "error_contract", test_error_contract },
	{ "deny_policy", test_deny_policy },
	{ "slow_decision", test_slow_decision },
	{ "quarantine", test_quarantine },
	{ "vf_rate", test_vf_rate },
	{ "vf_outstanding", test_vf_outstanding },
	{ "invalidate", test_invalidate },
	{ "vf_isolation", test_vf_isolation },
	{ "concurrency", test_concurrency },
	{ "pipelining", test_pipelining },
	{ "service_timeout", test_service_timeout },
	{ "pf_stop", test_pf_stop },
	{ "vf_stop_after_pf_gone", test_vf_stop_after_pf_gone },
	{ "vf_restart", test_vf_restart },
	{ "pf_restart", test_pf_restart },
	{ "hostile_vf", test_hostile_vf },
	{ "region_ownership", test_region_ownership },
	{ "ethdev_ports", test_ethdev_ports },
	{ "service_lcore", test_service_lcore },
	{ "xstats_names", test_xstats_names },
	{ "xstats_counters", test_xstats_counters },
	{ "xstats_vf_timeout", test_xstats_vf_timeout },
	{ "xstats_vf_attach_timeout", test_xstats_vf_attach_timeout },
	{ "wellknown_blocks", test_wellknown_blocks },
	{ "notices", test_notices },
	{ "priv_dump", test_priv_dump },
	{ "telemetry", test_telemetry },
	{ "dp_vf_to_pf", test_dp_vf_to_pf },
	{ "dp_unicast", test_dp_unicast },
	{ "dp_flood", test_dp_flood },
	{ "dp_unknown_unicast", test_dp_unknown_unicast },
	{ "dp_multiseg", test_dp_multiseg },
	{ "dp_ring_full", test_dp_ring_full },
	{ "dp_hostile_ring", test_dp_hostile_ring },
	{ "dp_mac_change", test_dp_mac_change },
	{ "dp_queues", test_dp_queues },
	{ "dp_port_vlan", test_dp_port_vlan },
};

int
main(int argc, char **argv)
{
	const char *filter = NULL;
	int ret, failed;

	ret = rte_eal_init(argc, argv);
	if (ret < 0) {
		printf("FAIL %s: rte_eal_init: %s\n", SUITE, rte_strerror(rte_errno));
		return 1;
	}
	argc -= ret;
	argv += ret;
	if (argc > 1) {
		filter = argv[1];
		/* run_tests.py filters on full names, "vfbc/<case>". */
		if (strncmp(filter, SUITE "/", strlen(SUITE "/")) == 0)
			filter += strlen(SUITE "/");
		if (filter[0] == '\0')
			filter = NULL;
	}
	failed = vt_run(SUITE, cases, RTE_DIM(cases), filter);
	rte_eal_cleanup();
	return failed == 0 ? 0 : 1;
}
