/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfbc authors
 *
 * The PF's durable block store (store= devarg): each VF's blocks, definitions
 * and contents, in a file of their own that survives a PF restart.
 *
 * Crash safety: a change is saved as a whole new image of the VF's store,
 * written to a temporary file, synced, renamed over the file and the
 * directory synced, before the change is acknowledged. Whenever the process
 * dies, the file is the old image or the new one, never a mix; so a file
 * that does not check out is corrupt, never half-written, and is refused.
 * Threads saving the same VF at once share one write: a save covers every
 * change made before its image was taken.
 *
 * The file is hostile input when loaded: magic, format version, VF index,
 * sizes, bounds against the devargs and a CRC-32C are all checked.
 *
 * Layout (host byte order; the file never leaves the host):
 *   struct vfbc_store_file_hdr
 *   nb_blocks x (struct vfbc_store_file_block, len bytes of data, zero
 *                padding to a multiple of 8)
 *   uint32_t crc (CRC-32C of all of the above), uint32_t end magic
 */

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <rte_hash_crc.h>

#include "vfbc_pf.h"

#define VFBC_STORE_FILE_MAGIC "VFBCSTOR"
#define VFBC_STORE_FILE_END UINT32_C(0x444e4556) /* "VEND" */
#define VFBC_STORE_FILE_VERSION 1

struct vfbc_store_file_hdr {
	char magic[8];       /**< VFBC_STORE_FILE_MAGIC */
	uint32_t version;    /**< VFBC_STORE_FILE_VERSION */
	uint32_t hdr_size;   /**< sizeof(struct vfbc_store_file_hdr) */
	uint16_t vf;         /**< the VF whose blocks these are */
	uint16_t reserved;   /**< 0 */
	uint32_t nb_blocks;
	uint64_t body_size;  /**< bytes of blocks after the header */
};

struct vfbc_store_file_block {
	uint32_t id;
	uint32_t capacity;
	uint32_t len;
	uint32_t flags;
	uint64_t version;
};

struct vfbc_store_file_end {
	uint32_t crc;
	uint32_t magic;      /**< VFBC_STORE_FILE_END */
};

_Static_assert(sizeof(struct vfbc_store_file_hdr) == 32, "store file header");
_Static_assert(sizeof(struct vfbc_store_file_block) == 24, "store file block");

static uint32_t
pad8(uint32_t len)
{
	return (len + 7u) & ~7u;
}

static uint32_t
file_crc(const void *data, size_t len)
{
	return rte_hash_crc(data, (uint32_t)len, UINT32_MAX);
}

/* ------------------------------------------------------------ saving */

/* An image of a store being built by vfbc_store_walk(). */
struct image {
	uint8_t *buf;
	size_t size;   /**< bytes of buf */
	size_t len;    /**< bytes needed so far: may exceed size */
	uint32_t nb_blocks;
};

static void
image_add(void *ctx, const struct vfbc_block_info *info, const uint8_t *data)
{
	struct image *im = ctx;
	struct vfbc_store_file_block fb = {
		.id = info->id, .capacity = info->capacity, .len = info->len,
		.flags = info->flags, .version = info->version,
	};
	size_t need = sizeof(fb) + pad8(info->len);

	if (im->len + need <= im->size) {
		memcpy(im->buf + im->len, &fb, sizeof(fb));
		memcpy(im->buf + im->len + sizeof(fb), data, info->len);
		memset(im->buf + im->len + sizeof(fb) + info->len, 0, pad8(info->len) - info->len);
	}
	im->len += need;
	im->nb_blocks++;
}

/* Take an image of @p s into p->buf, growing it as needed. @return its change number. */
static int
image_take(struct vfbc_pf_persist *p, struct vfbc_store *s, struct image *im, uint64_t *change)
{
	for (;;) {
		im->buf = p->buf;
		im->size = p->buf_size;
		im->len = sizeof(struct vfbc_store_file_hdr);
		im->nb_blocks = 0;
		*change = vfbc_store_walk(s, image_add, im);
		if (im->len + sizeof(struct vfbc_store_file_end) <= im->size)
			return 0;
		/* Blocks were defined since the buffer was sized: grow it, outside the lock. */
		free(p->buf);
		p->buf_size = im->len + sizeof(struct vfbc_store_file_end) + 4096;
		p->buf = malloc(p->buf_size);
		if (p->buf == NULL) {
			p->buf_size = 0;
			return -ENOMEM;
		}
	}
}

static void
image_seal(struct vfbc_pf_persist *p, struct image *im)
{
	struct vfbc_store_file_hdr hdr = {
		.magic = VFBC_STORE_FILE_MAGIC,
		.version = VFBC_STORE_FILE_VERSION,
		.hdr_size = sizeof(hdr),
		.vf = p->vf,
		.nb_blocks = im->nb_blocks,
		.body_size = im->len - sizeof(hdr),
	};
	struct vfbc_store_file_end end = { .magic = VFBC_STORE_FILE_END };

	memcpy(im->buf, &hdr, sizeof(hdr));
	end.crc = file_crc(im->buf, im->len);
	memcpy(im->buf + im->len, &end, sizeof(end));
	im->len += sizeof(end);
}

static int
write_all(int fd, const uint8_t *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* New file, synced, renamed over the old one, directory synced. */
static int
file_replace(struct vfbc_pf_persist *p, const uint8_t *buf, size_t len)
{
	int fd, ret;

	fd = open(p->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	ret = write_all(fd, buf, len);
	if (ret == 0 && fdatasync(fd) != 0)
		ret = -errno;
	if (close(fd) != 0 && ret == 0)
		ret = -errno;
	if (ret == 0 && rename(p->tmp, p->path) != 0)
		ret = -errno;
	if (ret == 0 && fsync(p->dirfd) != 0)
		ret = -errno;
	if (ret != 0)
		unlink(p->tmp);
	return ret;
}

static int
save(struct vfbc_pf_persist *p, struct vfbc_store *s, uint64_t change)
{
	struct image im;
	uint64_t taken;
	int ret = 0;

	pthread_mutex_lock(&p->lock);
	/* Another thread's save may have covered this change already. */
	if (p->saved < change || change == 0) {
		ret = image_take(p, s, &im, &taken);
		if (ret == 0) {
			image_seal(p, &im);
			ret = file_replace(p, im.buf, im.len);
		}
		if (ret == 0)
			p->saved = taken;
		else
			VFBC_LOG(ERR, "%s: cannot save the blocks of VF %u to %s: %s", p->pf_name,
					p->vf, p->path, rte_strerror(-ret));
	}
	pthread_mutex_unlock(&p->lock);
	return ret < 0 ? -EIO : 0;
}

static int
persist_cb(void *ctx, struct vfbc_store *s, uint64_t change)
{
	return save(ctx, s, change);
}

/* ----------------------------------------------------------- loading */

static int
refuse(const struct vfbc_pf_persist *p, const char *why, uint64_t value)
{
	VFBC_LOG(ERR, "%s: store file %s is corrupt (%s: %" PRIu64 "): refusing it; "
			"move it away to start VF %u with no saved blocks", p->pf_name, p->path,
			why, value, p->vf);
	return -EBADMSG;
}

static int
check_header(const struct vfbc_pf_persist *p, const struct vfbc_store *s,
		const struct vfbc_store_file_hdr *h, size_t size)
{
	if (memcmp(h->magic, VFBC_STORE_FILE_MAGIC, sizeof(h->magic)) != 0)
		return refuse(p, "bad magic, first bytes", h->magic[0]);
	if (h->version != VFBC_STORE_FILE_VERSION)
		return refuse(p, "unknown format version", h->version);
	if (h->hdr_size != sizeof(*h) || h->reserved != 0)
		return refuse(p, "bad header size", h->hdr_size);
	if (h->vf != p->vf)
		return refuse(p, "blocks of another VF", h->vf);
	if (h->body_size != size - sizeof(*h) - sizeof(struct vfbc_store_file_end))
		return refuse(p, "size does not match the header, bytes", size);
	if (h->nb_blocks > s->max_blocks)
		return refuse(p, "more blocks than max_blocks", h->nb_blocks);
	return 0;
}

/* Check and restore every block; nothing is trusted before it is bounded. */
static int
restore_blocks(const struct vfbc_pf_persist *p, struct vfbc_store *s, const uint8_t *buf,
		const struct vfbc_store_file_hdr *h)
{
	const uint8_t *end = buf + sizeof(*h) + h->body_size;
	const uint8_t *at = buf + sizeof(*h);
	struct vfbc_store_file_block fb;
	uint64_t prev_id = 0;
	uint32_t i;
	int ret;

	for (i = 0; i < h->nb_blocks; i++) {
		if ((size_t)(end - at) < sizeof(fb))
			return refuse(p, "block header past the end, block", i);
		memcpy(&fb, at, sizeof(fb));
		at += sizeof(fb);
		if (fb.capacity == 0 || fb.capacity > s->max_block_size)
			return refuse(p, "capacity 0 or over max_block_size", fb.capacity);
		if (fb.len > fb.capacity || (fb.flags & ~VFBC_BLOCK_FLAGS_ALL) != 0)
			return refuse(p, "length over capacity or unknown flags, block", fb.id);
		if (i != 0 && fb.id <= prev_id)
			return refuse(p, "block ids out of order", fb.id);
		if ((size_t)(end - at) < pad8(fb.len))
			return refuse(p, "block data past the end, block", fb.id);
		ret = vfbc_store_restore(s, &(struct vfbc_block_info){ .id = fb.id,
				.capacity = fb.capacity, .len = fb.len, .flags = fb.flags,
				.version = fb.version }, at);
		if (ret < 0) {
			VFBC_LOG(ERR, "%s: cannot restore block %#x of VF %u from %s: %s",
					p->pf_name, fb.id, p->vf, p->path, rte_strerror(-ret));
			return ret;
		}
		at += pad8(fb.len);
		prev_id = fb.id;
	}
	if (at != end)
		return refuse(p, "bytes after the last block", (uint64_t)(end - at));
	return 0;
}

/* Bytes a valid file can take at most with these limits. */
static size_t
file_size_max(const struct vfbc_store *s)
{
	return sizeof(struct vfbc_store_file_hdr) + sizeof(struct vfbc_store_file_end) +
		(size_t)s->max_blocks * (sizeof(struct vfbc_store_file_block) +
			pad8(s->max_block_size));
}

static int
read_file(const struct vfbc_pf_persist *p, const struct vfbc_store *s, uint8_t **bufp,
		size_t *sizep)
{
	struct stat st;
	uint8_t *buf;
	ssize_t n;
	int fd, ret = 0;

	fd = open(p->path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return refuse(p, "not a regular file, mode", st.st_mode);
	}
	if ((size_t)st.st_size < sizeof(struct vfbc_store_file_hdr) +
			sizeof(struct vfbc_store_file_end) || (size_t)st.st_size > file_size_max(s)) {
		close(fd);
		return refuse(p, "size out of bounds, bytes", (uint64_t)st.st_size);
	}
	buf = malloc((size_t)st.st_size);
	if (buf == NULL) {
		close(fd);
		return -ENOMEM;
	}
	n = pread(fd, buf, (size_t)st.st_size, 0);
	if (n != st.st_size)
		ret = n < 0 ? -errno : refuse(p, "short read, bytes", (uint64_t)n);
	close(fd);
	if (ret != 0) {
		free(buf);
		return ret;
	}
	*bufp = buf;
	*sizep = (size_t)st.st_size;
	return 0;
}

static int
load(struct vfbc_pf_persist *p, struct vfbc_store *s)
{
	struct vfbc_store_file_hdr h;
	struct vfbc_store_file_end e;
	uint8_t *buf = NULL;
	size_t size = 0;
	int ret;

	ret = read_file(p, s, &buf, &size);
	if (ret < 0)
		return ret;
	memcpy(&h, buf, sizeof(h));
	memcpy(&e, buf + size - sizeof(e), sizeof(e));
	if (e.magic != VFBC_STORE_FILE_END)
		ret = refuse(p, "bad end magic", e.magic);
	else if (e.crc != file_crc(buf, size - sizeof(e)))
		ret = refuse(p, "bad checksum", e.crc);
	else
		ret = check_header(p, s, &h, size);
	if (ret == 0)
		ret = restore_blocks(p, s, buf, &h);
	free(buf);
	return ret;
}

/* ------------------------------------------------------------ public */

int
vfbc_pf_store_open(struct vfbc_pf *pf, uint16_t idx, bool *loaded)
{
	struct vfbc_pf_vf *vf = &pf->vfs[idx];
	struct vfbc_pf_persist *p = &vf->persist;
	const char *name = pf->dev->data->name;
	int n, ret;

	*loaded = false;
	p->dirfd = -1;
	p->vf = idx;
	p->pf_name = name;
	pthread_mutex_init(&p->lock, NULL);
	p->lock_init = true;
	n = snprintf(p->path, sizeof(p->path), "%s/vfbc.%s.vf%u.store", pf->params.store_dir,
			name, idx);
	if (n < 0 || (size_t)n + 4 >= sizeof(p->path))
		return -ENAMETOOLONG;
	snprintf(p->tmp, sizeof(p->tmp), "%s.tmp", p->path);
	p->dirfd = open(pf->params.store_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (p->dirfd < 0) {
		ret = -errno;
		VFBC_LOG(ERR, "%s: cannot open store directory %s: %s", name,
				pf->params.store_dir, rte_strerror(errno));
		return ret;
	}
	/* A temporary file is a save the process did not finish: never acknowledged. */
	unlink(p->tmp);
	ret = load(p, &vf->store);
	if (ret == -ENOENT)
		return 0;
	if (ret < 0) {
		if (ret != -EBADMSG)
			VFBC_LOG(ERR, "%s: cannot load store file %s: %s", name, p->path,
					rte_strerror(-ret));
		return ret;
	}
	*loaded = true;
	VFBC_LOG(INFO, "%s: VF %u: %u blocks loaded from %s", name, idx, vf->store.count,
			p->path);
	return 0;
}

int
vfbc_pf_store_start(struct vfbc_pf *pf, uint16_t idx)
{
	struct vfbc_pf_vf *vf = &pf->vfs[idx];

	vf->store.persist_ctx = &vf->persist;
	vf->store.persist = persist_cb;
	/* The file holds what the devargs defined too, from now on. */
	return save(&vf->persist, &vf->store, 0);
}

void
vfbc_pf_store_close(struct vfbc_pf_vf *vf)
{
	struct vfbc_pf_persist *p = &vf->persist;

	vf->store.persist = NULL;
	if (p->dirfd >= 0)
		close(p->dirfd);
	p->dirfd = -1;
	free(p->buf);
	p->buf = NULL;
	p->buf_size = 0;
	if (p->lock_init)
		pthread_mutex_destroy(&p->lock);
	p->lock_init = false;
}
