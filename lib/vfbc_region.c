/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfbc authors
 */

#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* OFD locks */
#endif
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vfbc_futex.h"
#include "vfbc_region.h"

#define VFBC_CREATE_ATTEMPTS 8

static size_t
align_line(size_t n)
{
	return (n + VFBC_WIRE_LINE - 1) & ~(size_t)(VFBC_WIRE_LINE - 1);
}

static bool
is_pow2(uint32_t n)
{
	return n != 0 && (n & (n - 1)) == 0;
}

int
vfbc_region_path(char *buf, size_t len, const char *dir, const char *pf_name, uint16_t vf)
{
	int n;

	if (buf == NULL || dir == NULL || pf_name == NULL || pf_name[0] == '\0' ||
			strchr(pf_name, '/') != NULL)
		return -EINVAL;
	n = snprintf(buf, len, "%s/vfbc.%s.vf%u", dir, pf_name, vf);
	if (n < 0 || (size_t)n >= len)
		return -ENAMETOOLONG;
	return 0;
}

static uint32_t
slot_size_of(uint32_t slot_data_max)
{
	return (uint32_t)align_line(sizeof(struct vfbc_mbox_desc) + slot_data_max);
}

/* Bytes of packet rings a region with these parameters has; 0 and *ok false if invalid. */
static uint64_t
ring_bytes(const struct vfbc_region_params *p, bool *ok)
{
	uint64_t n;

	*ok = true;
	if (p->rings.nb_pairs == 0)
		return p->ring_size;
	n = vfbc_pring_area_size(&p->rings);
	*ok = n != 0;
	return n;
}

size_t
vfbc_region_size(const struct vfbc_region_params *p)
{
	size_t ring_offset;
	uint64_t rings;
	bool ok;

	if (!is_pow2(p->mbox_depth) || p->mbox_depth > VFBC_MBOX_DEPTH_MAX ||
			p->slot_data_max == 0 || p->slot_data_max > VFBC_SLOT_DATA_MAX ||
			p->vf_index >= p->num_vfs)
		return 0;
	ring_offset = sizeof(struct vfbc_region_hdr) +
		(size_t)p->mbox_depth * slot_size_of(p->slot_data_max);
	/* vfbc_region_info.ring_offset is 32 bits: rings must start below 4 GiB. */
	rings = ring_bytes(p, &ok);
	if (!ok || (rings != 0 && ring_offset > UINT32_MAX))
		return 0;
	return ring_offset + align_line(rings);
}

/* OFD locks on byte 0 belong to the open file description, so they work
 * between two descriptors of the same process as well as between processes.
 */
static int
lock_byte(int fd, off_t byte, int cmd, short type, struct flock *out)
{
	struct flock fl = {
		.l_type = type,
		.l_whence = SEEK_SET,
		.l_start = byte,
		.l_len = 1,
	};

	if (fcntl(fd, cmd, &fl) != 0)
		return -errno;
	if (out != NULL)
		*out = fl;
	return 0;
}

/* Byte 0: the PF's liveness. Byte 1: the one VF process attached. */
#define VFBC_LOCK_PF 0
#define VFBC_LOCK_VF 1

static int
lock_byte0(int fd, int cmd, short type, struct flock *out)
{
	return lock_byte(fd, VFBC_LOCK_PF, cmd, type, out);
}

/* A region has a live PF iff some descriptor holds a write lock on byte 0.
 * A read lock there is a VF watching a dead PF.
 */
static int
fd_has_live_pf(int fd)
{
	struct flock fl = { .l_type = F_UNLCK };
	int ret = lock_byte0(fd, F_OFD_GETLK, F_WRLCK, &fl);

	if (ret < 0)
		return ret;
	return fl.l_type == F_WRLCK;
}

/* Unlink @p path if it is a stale region: its target is gone (the PF's
 * /proc fd link dangles) or nobody holds its liveness lock.
 */
static int
reclaim_stale(const char *path)
{
	int fd = open(path, O_RDWR | O_CLOEXEC);
	int live;

	if (fd >= 0) {
		live = fd_has_live_pf(fd);
		close(fd);
		if (live < 0)
			return live;
		if (live)
			return -EADDRINUSE;
	} else if (errno != ENOENT && errno != ENXIO) {
		return -errno;
	}
	if (unlink(path) != 0 && errno != ENOENT)
		return -errno;
	return 0;
}

/*
 * The region is a sealed memfd: a VF cannot shrink it under the PF's
 * mapping, which would make the PF's next access fault with SIGBUS.
 */
static int
create_sealed_memfd(const char *path, size_t size)
{
	const char *name = strrchr(path, '/');
	int fd, ret = 0;

	fd = memfd_create(name != NULL ? name + 1 : path, MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0)
		return -errno;
	if (fchmod(fd, 0600) != 0 || ftruncate(fd, (off_t)size) != 0 ||
			fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) != 0)
		ret = -errno;
	if (ret == 0)
		ret = lock_byte0(fd, F_OFD_SETLK, F_WRLCK, NULL);
	if (ret < 0) {
		close(fd);
		return ret;
	}
	return fd;
}

static void
proc_fd_path(char *buf, size_t len, int fd)
{
	snprintf(buf, len, "/proc/%d/fd/%d", (int)getpid(), fd);
}

/*
 * Make @p path a symlink to our memfd, which VFs open through /proc. The
 * directory lock orders concurrent PFs: without it, one could unlink as stale
 * the link another has just created.
 */
static int
publish(const char *path, int fd)
{
	char dir[PATH_MAX], target[64];
	char *slash;
	int attempt, dfd, ret = -EADDRINUSE;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash == NULL)
		strcpy(dir, ".");
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -errno;
	proc_fd_path(target, sizeof(target), fd);
	flock(dfd, LOCK_EX);
	for (attempt = 0; attempt < VFBC_CREATE_ATTEMPTS; attempt++) {
		if (symlink(target, path) == 0) {
			ret = 0;
			break;
		}
		ret = errno == EEXIST ? reclaim_stale(path) : -errno;
		if (ret < 0)
			break;
		ret = -EADDRINUSE;
	}
	flock(dfd, LOCK_UN);
	close(dfd);
	return ret;
}

/* Is @p path still our link? A PF never unlinks another PF's region. */
static bool
path_is_ours(const char *path, int fd)
{
	char target[64], link[64];
	ssize_t n = readlink(path, link, sizeof(link) - 1);

	if (n < 0)
		return false;
	link[n] = '\0';
	proc_fd_path(target, sizeof(target), fd);
	return strcmp(link, target) == 0;
}

static void
fill_info(struct vfbc_region *r, const struct vfbc_region_params *p)
{
	struct vfbc_region_info *info = &r->hdr->info;
	uint32_t ring_offset = r->mbox_offset + r->mbox_depth * r->slot_size;
	bool ok;
	uint32_t rings = (uint32_t)ring_bytes(p, &ok);

	info->abi_version = VFBC_ABI_VERSION;
	info->hdr_size = sizeof(struct vfbc_region_hdr);
	info->region_size = r->size;
	info->pf_generation = p->generation;
	info->vf_index = p->vf_index;
	info->num_vfs = p->num_vfs;
	info->mbox_offset = r->mbox_offset;
	info->mbox_depth = r->mbox_depth;
	info->slot_size = r->slot_size;
	info->slot_data_max = r->slot_data_max;
	info->ring_offset = rings != 0 ? ring_offset : 0;
	info->ring_size = rings;
	info->ring_slots = p->rings.slots;
	info->pkt_buf_size = p->rings.buf_size;
	info->nb_ring_pairs = p->rings.nb_pairs;
	r->rings = p->rings;
	if (p->rings.nb_pairs != 0)
		r->ring_area = r->base + ring_offset;
	r->hdr->pf.pf_state = VFBC_PF_STATE_INIT;
	/* A VF that sees the magic sees a complete header. */
	__atomic_store_n(&info->magic, VFBC_REGION_MAGIC, __ATOMIC_RELEASE);
}

int
vfbc_region_create(struct vfbc_region *r, const char *path, const struct vfbc_region_params *p)
{
	size_t size = vfbc_region_size(p);
	void *base;
	int fd, ret;

	memset(r, 0, sizeof(*r));
	r->fd = -1;
	if (size == 0 || p->generation == 0)
		return -EINVAL;
	if (strlen(path) >= sizeof(r->path))
		return -ENAMETOOLONG;
	fd = create_sealed_memfd(path, size);
	if (fd < 0)
		return fd;
	base = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (base == MAP_FAILED) {
		ret = -errno;
		close(fd);
		return ret;
	}
	r->base = base;
	r->hdr = base;
	r->size = size;
	r->fd = fd;
	r->owner = true;
	r->vf_index = p->vf_index;
	r->mbox_offset = sizeof(struct vfbc_region_hdr);
	r->mbox_depth = p->mbox_depth;
	r->slot_size = slot_size_of(p->slot_data_max);
	r->slot_data_max = p->slot_data_max;
	r->generation = p->generation;
	strcpy(r->path, path);
	fill_info(r, p);
	/* Published last: a VF that finds the path finds a complete header. */
	ret = publish(path, fd);
	if (ret < 0) {
		munmap(base, size);
		close(fd);
		r->base = NULL;
		r->hdr = NULL;
		r->fd = -1;
	}
	return ret;
}

void
vfbc_region_set_ready(struct vfbc_region *r)
{
	__atomic_store_n(&r->hdr->pf.pf_state, VFBC_PF_STATE_READY, __ATOMIC_RELEASE);
}

void
vfbc_region_destroy(struct vfbc_region *r)
{
	if (r->base == NULL)
		return;
	__atomic_store_n(&r->hdr->pf.pf_state, VFBC_PF_STATE_GONE, __ATOMIC_RELEASE);
	vfbc_doorbell_ring(&r->hdr->pf.cpl_doorbell);
	vfbc_doorbell_ring(&r->hdr->pf.inval_seq);
	/* Unlink while still holding the lock: nobody can mistake it for stale. */
	if (path_is_ours(r->path, r->fd))
		unlink(r->path);
	munmap(r->base, r->size);
	close(r->fd);
	r->base = NULL;
	r->hdr = NULL;
	r->ring_area = NULL;
	r->fd = -1;
}

/* Packet rings, if any, right after the mailbox and exactly as big as their geometry. */
static int
validate_rings(struct vfbc_region *r, const struct vfbc_region_info *info, uint64_t mbox_end,
		size_t file_size)
{
	struct vfbc_pring_geom g = {
		.slots = info->ring_slots,
		.buf_size = info->pkt_buf_size,
		.nb_pairs = info->nb_ring_pairs,
	};

	r->ring_area = NULL;
	memset(&r->rings, 0, sizeof(r->rings));
	if (g.nb_pairs == 0)
		return 0;
	if (info->ring_offset != mbox_end || vfbc_pring_area_size(&g) != info->ring_size ||
			(uint64_t)info->ring_offset + info->ring_size > file_size)
		return -EINVAL;
	r->rings = g;
	r->ring_area = r->base + info->ring_offset;
	return 0;
}

/* Check every layout field once; the VF keeps its own copy afterwards. */
static int
validate_info(struct vfbc_region *r, const struct vfbc_region_info *info, size_t file_size,
		uint16_t vf_index)
{
	uint64_t end;

	if (__atomic_load_n(&info->magic, __ATOMIC_ACQUIRE) != VFBC_REGION_MAGIC ||
			info->abi_version != VFBC_ABI_VERSION ||
			info->hdr_size != sizeof(struct vfbc_region_hdr))
		return -EPROTO;
	if (info->vf_index != vf_index)
		return -EINVAL;
	if (info->region_size != file_size || !is_pow2(info->mbox_depth) ||
			info->mbox_depth > VFBC_MBOX_DEPTH_MAX ||
			info->slot_data_max == 0 || info->slot_data_max > VFBC_SLOT_DATA_MAX ||
			info->slot_size != slot_size_of(info->slot_data_max) ||
			info->mbox_offset < sizeof(struct vfbc_region_hdr) ||
			info->mbox_offset % VFBC_WIRE_LINE != 0)
		return -EINVAL;
	end = (uint64_t)info->mbox_offset + (uint64_t)info->mbox_depth * info->slot_size;
	if (end > file_size)
		return -EINVAL;
	if (validate_rings(r, info, end, file_size) != 0)
		return -EINVAL;
	r->mbox_offset = info->mbox_offset;
	r->mbox_depth = info->mbox_depth;
	r->slot_size = info->slot_size;
	r->slot_data_max = info->slot_data_max;
	r->generation = info->pf_generation;
	return 0;
}

int
vfbc_region_open(struct vfbc_region *r, const char *path, uint16_t vf_index)
{
	struct stat st;
	void *base;
	int fd, ret;

	memset(r, 0, sizeof(*r));
	r->fd = -1;
	if (strlen(path) >= sizeof(r->path))
		return -ENAMETOOLONG;
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		struct stat lst;

		if (errno != ENOENT)
			return -errno;
		/* A link whose target is gone: its PF died. */
		return lstat(path, &lst) == 0 ? -ENOTCONN : -ENOENT;
	}
	if (fstat(fd, &st) != 0) {
		ret = -errno;
		goto fail;
	}
	/* One VF process per region: a second one would re-attach the mailbox
	 * under the first one's feet.
	 */
	ret = lock_byte(fd, VFBC_LOCK_VF, F_OFD_SETLK, F_WRLCK, NULL);
	if (ret == -EAGAIN || ret == -EACCES)
		ret = -EBUSY;
	if (ret < 0)
		goto fail;
	if (st.st_size < (off_t)sizeof(struct vfbc_region_hdr)) {
		ret = -EPROTO;
		goto fail;
	}
	base = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (base == MAP_FAILED) {
		ret = -errno;
		goto fail;
	}
	r->base = base;
	r->hdr = base;
	r->size = (size_t)st.st_size;
	r->fd = fd;
	r->vf_index = vf_index;
	strcpy(r->path, path);
	ret = validate_info(r, &r->hdr->info, r->size, vf_index);
	if (ret == 0 && vfbc_region_pf_alive(r) == 0)
		ret = -ENOTCONN;
	if (ret < 0) {
		vfbc_region_close(r);
		return ret;
	}
	return 0;
fail:
	close(fd);
	return ret;
}

void
vfbc_region_close(struct vfbc_region *r)
{
	if (r->base != NULL)
		munmap(r->base, r->size);
	if (r->fd >= 0)
		close(r->fd);
	r->base = NULL;
	r->hdr = NULL;
	r->ring_area = NULL;
	r->fd = -1;
}

int
vfbc_region_pf_alive(const struct vfbc_region *r)
{
	return fd_has_live_pf(r->fd);
}

int
vfbc_region_vf_alive(const struct vfbc_region *r)
{
	struct flock fl = { .l_type = F_UNLCK };
	int ret = lock_byte(r->fd, VFBC_LOCK_VF, F_OFD_GETLK, F_WRLCK, &fl);

	if (ret < 0)
		return ret;
	/* The PF's own description holds no lock on byte 1: any lock is a VF's. */
	return fl.l_type != F_UNLCK;
}

static void
close_fd(void *arg)
{
	close(*(int *)arg);
}

int
vfbc_region_wait_pf_exit(const struct vfbc_region *r)
{
	char self[64];
	int fd, ret;

	/* A new open file description of the same inode: OFD locks belong to the
	 * description, and the path may already name a newer PF's region.
	 */
	snprintf(self, sizeof(self), "/proc/self/fd/%d", r->fd);
	fd = open(self, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	pthread_cleanup_push(close_fd, &fd);
	ret = lock_byte0(fd, F_OFD_SETLKW, F_RDLCK, NULL);
	pthread_cleanup_pop(1); /* drops the read lock at once, so a new PF can reclaim */
	return ret;
}
