/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfbc authors
 *
 * The VF port's PF monitor: a control thread per VF port that blocks on the
 * PF's liveness lock. When the PF goes away (closed, crashed, killed) it fails
 * the port's requests with -ENOTCONN and takes the link down; then it waits
 * for a PF of the same name to publish a region for this VF in region_dir,
 * binds the port to it, re-reads the well-known blocks and follows the new
 * PF's link, and watches that PF in turn.
 *
 * The thread is never cancelled: everything it does may hold locks. It
 * waits on an eventfd that port close signals, besides what it waits for.
 * Only the lock wait, fcntl(F_OFD_SETLKW), cannot watch an eventfd: a
 * short-lived thread of its own does it, and is cancelled there.
 */

#include <poll.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <rte_lcore.h>

#include "vfbc_rxtx.h"
#include "vfbc_vf.h"

/* A new region is looked for on every change in region_dir, and at least
 * this often, should the directory not report changes (or not exist yet).
 */
#define VFBC_VF_RECONNECT_POLL_MS 1000

/* Every block may have changed under a restarted PF. */
#define VFBC_VF_ALL_BLOCKS UINT64_MAX

static int
region_path_of(const struct vfbc_vf *vf, char *path, size_t len)
{
	return vfbc_region_path(path, len, vf->params.region_dir, vf->params.pf,
			(uint16_t)vf->params.vf);
}

/* Whether the port closes: the eventfd stays readable once signalled. */
static bool
stopping(const struct vfbc_vf *vf)
{
	struct pollfd pfd = { .fd = vf->monitor_stop_fd, .events = POLLIN };

	return poll(&pfd, 1, 0) == 1;
}

/*
 * Wait until a live PF publishes our region again, and map it into @p r.
 * @return 0, -ECANCELED when the port closes, or a negative errno that ends
 *   the wait.
 */
static int
wait_new_region(struct vfbc_vf *vf, struct vfbc_region *r)
{
	struct pollfd pfd[2] = {
		{ .fd = vf->monitor_stop_fd, .events = POLLIN },
		{ .fd = -1, .events = POLLIN },
	};
	char path[PATH_MAX];
	char ev[512];
	int ret;

	ret = region_path_of(vf, path, sizeof(path));
	if (ret < 0)
		return ret;
	pfd[1].fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	if (pfd[1].fd >= 0 && inotify_add_watch(pfd[1].fd, vf->params.region_dir,
			IN_CREATE | IN_MOVED_TO | IN_ATTRIB) < 0) {
		close(pfd[1].fd);
		pfd[1].fd = -1; /* poll() ignores it: look every second */
	}
	for (;;) {
		if (stopping(vf)) {
			ret = -ECANCELED;
			break;
		}
		/* Drain first, then look: a link made after the look wakes the poll. */
		if (pfd[1].fd >= 0)
			while (read(pfd[1].fd, ev, sizeof(ev)) > 0)
				;
		ret = vfbc_region_open(r, path, (uint16_t)vf->params.vf);
		/* -ENOENT: no PF yet; -ENOTCONN: the dead PF's link; -EBUSY: another
		 * process took this VF; -EPROTO/-EINVAL: a PF of another build or
		 * layout, or half made. All may change: keep looking.
		 */
		if (ret == 0 || ret == -ENOMEM)
			break;
		poll(pfd, RTE_DIM(pfd), VFBC_VF_RECONNECT_POLL_MS);
	}
	if (pfd[1].fd >= 0)
		close(pfd[1].fd);
	return ret;
}

/*
 * Keep the old region mapped until the port closes: the port's queues, which
 * no lock guards, use its rings until the port is started again (see
 * vfbc_vf_rings_start()). Only its file descriptor is closed.
 */
static void
retire(struct vfbc_vf *vf, struct vfbc_region *old)
{
	struct vfbc_region *r = realloc(vf->retired, (vf->nb_retired + 1) * sizeof(*r));

	if (old->fd >= 0)
		close(old->fd);
	old->fd = -1;
	if (r == NULL) {
		/* Leaked rather than unmapped under a queue. */
		VFBC_LOG(ERR, "%s: out of memory: the gone PF's region stays mapped",
				vf->dev->data->name);
		return;
	}
	r[vf->nb_retired++] = *old;
	vf->retired = r;
}

/*
 * Swap the port's region for @p r, with no thread using the old one: the
 * notice thread is stopped, and calls hold conn_lock for reading.
 */
static int
rebind(struct vfbc_vf *vf, struct vfbc_region *r)
{
	struct vfbc_region old;
	int ret;

	rte_rwlock_write_lock(&vf->conn_lock);
	old = vf->region;
	vf->region = *r;
	ret = vfbc_vf_mbox_rebind(&vf->mbox, &vf->region);
	if (ret < 0) {
		*r = vf->region;
		vf->region = old;
	} else {
		retire(vf, &old);
		vfbc_vf_mbox_attach_start(&vf->mbox);
		/* No link until the new PF's well-known blocks are in. */
		__atomic_store_n(&vf->refreshing, true, __ATOMIC_RELEASE);
		/* Every block may have changed: the first call to the new PF
		 * can already see it.
		 */
		rte_spinlock_lock(&vf->inval_lock);
		vf->inval_pending = VFBC_VF_ALL_BLOCKS;
		rte_spinlock_unlock(&vf->inval_lock);
		__atomic_fetch_add(&vf->reconnects, 1, __ATOMIC_RELAXED);
	}
	rte_rwlock_write_unlock(&vf->conn_lock);
	if (ret < 0)
		vfbc_region_close(r);
	return ret;
}

static void
watch_restart(struct vfbc_vf *vf)
{
	if (vfbc_vf_watch_start(vf) < 0)
		VFBC_LOG(ERR, "%s: blocks invalidated by PF %s will not raise events",
				vf->dev->data->name, vf->params.pf);
}

/*
 * The port takes the new PF's well-known blocks before its link may come up,
 * so the notice thread starts only then; the uplink it would have followed
 * meanwhile is followed here. The application learns of the restart as of a
 * change of every block: in the invalidated mask since the rebind, and now
 * in an RTE_ETH_EVENT_VF_MBOX event.
 */
static void
report_restart(struct vfbc_vf *vf)
{
	uint64_t mask = VFBC_VF_ALL_BLOCKS;

	vfbc_vf_config_refresh(vf);
	__atomic_store_n(&vf->refreshing, false, __ATOMIC_RELEASE);
	watch_restart(vf);
	rte_eth_dev_callback_process(vf->dev, RTE_ETH_EVENT_VF_MBOX, &mask);
	vfbc_vf_follow_link(vf);
}

static void
pf_gone(struct vfbc_vf *vf)
{
	vfbc_vf_mbox_mark_gone(&vf->mbox);
	VFBC_LOG(WARNING, "%s: PF %s is gone: requests fail with -ENOTCONN until it is back",
			vf->dev->data->name, vf->params.pf);
	vfbc_vf_follow_link(vf);
}

static int
reconnect(struct vfbc_vf *vf)
{
	struct vfbc_region r;
	int ret;

	ret = wait_new_region(vf, &r);
	if (ret == -ECANCELED)
		return ret;
	if (ret == 0) {
		vfbc_vf_watch_stop(vf);
		ret = rebind(vf, &r);
		if (ret < 0)
			watch_restart(vf);
	}
	if (ret < 0) {
		VFBC_LOG(ERR, "%s: cannot reconnect to PF %s: %s", vf->dev->data->name,
				vf->params.pf, rte_strerror(-ret));
		return ret;
	}
	VFBC_LOG(NOTICE, "%s: PF %s is back (region %s): reconnected", vf->dev->data->name,
			vf->params.pf, vf->region.path);
	report_restart(vf);
	return 0;
}

/* What the lock waiter found, and the eventfd it says so on. */
struct lock_wait {
	const struct vfbc_region *region;
	int done_fd;
	int ret;
};

static void *
lock_waiter_run(void *arg)
{
	struct lock_wait *w = arg;
	uint64_t one = 1;

	w->ret = vfbc_region_wait_pf_exit(w->region);
	if (write(w->done_fd, &one, sizeof(one)) != (ssize_t)sizeof(one))
		w->ret = -errno;
	return NULL;
}

/*
 * Block until the PF's liveness lock goes away, or the port closes.
 * @return 0 when the PF is gone, -ECANCELED when the port closes, or another
 *   negative errno.
 */
static int
wait_pf_gone(struct vfbc_vf *vf)
{
	struct lock_wait w = { .region = &vf->region, .ret = -EINTR };
	struct pollfd pfd[2] = {
		{ .fd = vf->monitor_stop_fd, .events = POLLIN },
		{ .events = POLLIN },
	};
	pthread_t t;
	int ret;

	w.done_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (w.done_fd < 0)
		return -errno;
	pfd[1].fd = w.done_fd;
	ret = pthread_create(&t, NULL, lock_waiter_run, &w);
	if (ret != 0) {
		close(w.done_fd);
		return -ret;
	}
	while (poll(pfd, RTE_DIM(pfd), -1) < 0 && errno == EINTR)
		;
	if (pfd[1].revents == 0 && stopping(vf)) {
		pthread_cancel(t); /* it sleeps in fcntl(F_OFD_SETLKW), a cancellation point */
		ret = -ECANCELED;
	} else {
		ret = 0;
	}
	pthread_join(t, NULL);
	close(w.done_fd);
	return ret == 0 ? w.ret : ret;
}

static void *
vfbc_vf_monitor_run(void *arg)
{
	struct vfbc_vf *vf = arg;
	int ret;

	do {
		ret = wait_pf_gone(vf);
		if (ret == -ECANCELED)
			break;
		if (ret < 0) {
			VFBC_LOG(ERR, "%s: cannot watch PF %s: %s", vf->dev->data->name,
					vf->params.pf, rte_strerror(-ret));
			break;
		}
		pf_gone(vf);
	} while (reconnect(vf) == 0);
	return NULL;
}

int
vfbc_vf_monitor_start(struct vfbc_vf *vf)
{
	char tname[RTE_MAX_THREAD_NAME_LEN];
	int ret;

	/* At probe, the region just opened: no thread uses it yet. */
	vfbc_vf_rings_claim(&vf->region);
	vf->monitor_stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (vf->monitor_stop_fd < 0) {
		ret = errno;
		VFBC_LOG(ERR, "%s: cannot create PF monitor's eventfd: %s", vf->dev->data->name,
				strerror(ret));
		return -ret;
	}
	snprintf(tname, sizeof(tname), "vfbc-mon-%s", vf->dev->data->name + strlen("net_vfbc_"));
	ret = rte_ctrl_thread_create(&vf->monitor, tname, NULL, vfbc_vf_monitor_run, vf);
	if (ret != 0) {
		VFBC_LOG(ERR, "%s: cannot create PF monitor thread: %s", vf->dev->data->name,
				rte_strerror(ret));
		return -ret;
	}
	vf->monitor_running = true;
	return 0;
}

void
vfbc_vf_monitor_stop(struct vfbc_vf *vf)
{
	uint64_t one = 1;

	if (vf->monitor_running) {
		/* It sees the eventfd wherever it waits, and stays readable. */
		if (write(vf->monitor_stop_fd, &one, sizeof(one)) != (ssize_t)sizeof(one))
			VFBC_LOG(ERR, "%s: cannot signal the PF monitor: %s",
					vf->dev->data->name, strerror(errno));
		pthread_join(vf->monitor, NULL);
		vf->monitor_running = false;
	}
	if (vf->monitor_stop_fd >= 0)
		close(vf->monitor_stop_fd);
	vf->monitor_stop_fd = -1;
}
