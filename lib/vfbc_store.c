/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfbc authors
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>

#include "vfbc_store.h"

int
vfbc_store_init(struct vfbc_store *s, uint32_t max_blocks, uint32_t max_block_size)
{
	memset(s, 0, sizeof(*s));
	if (max_blocks == 0 || max_block_size == 0)
		return -EINVAL;
	s->blocks = calloc(max_blocks, sizeof(*s->blocks));
	if (s->blocks == NULL)
		return -ENOMEM;
	rte_spinlock_init(&s->lock);
	s->max_blocks = max_blocks;
	s->max_block_size = max_block_size;
	return 0;
}

void
vfbc_store_fini(struct vfbc_store *s)
{
	uint32_t i;

	if (s->blocks == NULL)
		return;
	for (i = 0; i < s->count; i++)
		free(s->blocks[i].data);
	free(s->blocks);
	s->blocks = NULL;
	s->count = 0;
}

/* Index of the first block whose id is >= @p id. Caller holds the lock. */
static uint32_t
lower_bound(const struct vfbc_store *s, uint32_t id)
{
	uint32_t lo = 0, hi = s->count;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (s->blocks[mid].info.id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static struct vfbc_block *
find(struct vfbc_store *s, uint32_t id)
{
	uint32_t i = lower_bound(s, id);

	return (i < s->count && s->blocks[i].info.id == id) ? &s->blocks[i] : NULL;
}

/* A change is acknowledged only once it is durable, when the store is. */
static int
persist(struct vfbc_store *s, int ret, uint64_t change)
{
	if (ret != 0 || s->persist == NULL)
		return ret;
	return s->persist(s->persist_ctx, s, change);
}

int
vfbc_store_define(struct vfbc_store *s, uint32_t id, uint32_t capacity, uint32_t flags)
{
	struct vfbc_block blk = { .info = { .id = id, .capacity = capacity, .flags = flags } };
	uint64_t change = 0;
	uint32_t i;
	int ret = 0;

	if (capacity == 0 || (flags & ~VFBC_BLOCK_FLAGS_ALL) != 0)
		return -EINVAL;
	if (capacity > s->max_block_size)
		return -EMSGSIZE;
	/* Allocate outside the lock: the service must not wait on malloc. */
	blk.data = calloc(1, capacity);
	if (blk.data == NULL)
		return -ENOMEM;

	rte_spinlock_lock(&s->lock);
	i = lower_bound(s, id);
	if (i < s->count && s->blocks[i].info.id == id)
		ret = -EEXIST;
	else if (s->count == s->max_blocks)
		ret = -ENOSPC;
	if (ret == 0) {
		memmove(&s->blocks[i + 1], &s->blocks[i], (s->count - i) * sizeof(blk));
		s->blocks[i] = blk;
		s->count++;
		change = ++s->changes;
	}
	rte_spinlock_unlock(&s->lock);
	if (ret != 0)
		free(blk.data);
	return persist(s, ret, change);
}

/* Caller holds the lock. */
static int
store_locked(struct vfbc_block *b, const void *buf, uint32_t len)
{
	if (len > b->info.capacity)
		return -EMSGSIZE;
	if (len != 0) /* buf may be NULL then */
		memcpy(b->data, buf, len);
	b->info.len = len;
	b->info.version++;
	return 0;
}

/* After the lock: whoever sees the new count and then takes the lock sees the change. */
static void
count_change(struct vfbc_store *s, uint32_t id, int ret)
{
	if (ret == 0 && s->change_count != NULL && id < 64 &&
			(s->change_mask & (UINT64_C(1) << id)) != 0)
		__atomic_fetch_add(s->change_count, 1, __ATOMIC_RELEASE);
}

/* Caller holds the lock. @return the change number of a successful change. */
static uint64_t
changed(struct vfbc_store *s, int ret)
{
	return ret == 0 ? ++s->changes : 0;
}

static int
load_locked(const struct vfbc_block *b, void *buf, uint32_t len)
{
	uint32_t n = len < b->info.len ? len : b->info.len;

	memcpy(buf, b->data, n);
	return (int)n;
}

int
vfbc_store_set(struct vfbc_store *s, uint32_t id, const void *buf, uint32_t len)
{
	struct vfbc_block *b;
	uint64_t change;
	int ret;

	rte_spinlock_lock(&s->lock);
	b = find(s, id);
	ret = b == NULL ? -ENOENT : store_locked(b, buf, len);
	change = changed(s, ret);
	rte_spinlock_unlock(&s->lock);
	count_change(s, id, ret);
	return persist(s, ret, change);
}

int
vfbc_store_get(struct vfbc_store *s, uint32_t id, void *buf, uint32_t len)
{
	struct vfbc_block *b;
	int ret;

	rte_spinlock_lock(&s->lock);
	b = find(s, id);
	ret = b == NULL ? -ENOENT : load_locked(b, buf, len);
	rte_spinlock_unlock(&s->lock);
	return ret;
}

int
vfbc_store_info(struct vfbc_store *s, uint32_t id, struct vfbc_block_info *info)
{
	struct vfbc_block *b;

	rte_spinlock_lock(&s->lock);
	b = find(s, id);
	if (b != NULL)
		*info = b->info;
	rte_spinlock_unlock(&s->lock);
	return b == NULL ? -ENOENT : 0;
}

uint32_t
vfbc_store_list(struct vfbc_store *s, uint32_t first, struct vfbc_block_info *out, uint32_t n)
{
	uint32_t i;

	rte_spinlock_lock(&s->lock);
	for (i = 0; i < n && first + i < s->count; i++)
		out[i] = s->blocks[first + i].info;
	rte_spinlock_unlock(&s->lock);
	return i;
}

/* Caller holds the lock. */
static int
vf_check_locked(struct vfbc_block *b, uint32_t len, uint32_t right)
{
	if (b == NULL)
		return -ENOENT;
	if ((b->info.flags & right) == 0)
		return -EACCES;
	if (right == VFBC_BLOCK_VF_WRITE && len > b->info.capacity)
		return -EMSGSIZE;
	return 0;
}

int
vfbc_store_vf_check(struct vfbc_store *s, uint32_t id, uint32_t len, uint32_t right)
{
	int ret;

	rte_spinlock_lock(&s->lock);
	ret = vf_check_locked(find(s, id), len, right);
	rte_spinlock_unlock(&s->lock);
	return ret;
}

int
vfbc_store_vf_read(struct vfbc_store *s, uint32_t id, void *buf, uint32_t len)
{
	struct vfbc_block *b;
	int ret;

	rte_spinlock_lock(&s->lock);
	b = find(s, id);
	ret = vf_check_locked(b, len, VFBC_BLOCK_VF_READ);
	if (ret == 0)
		ret = load_locked(b, buf, len);
	rte_spinlock_unlock(&s->lock);
	return ret;
}

int
vfbc_store_vf_read_at(struct vfbc_store *s, uint32_t id, uint32_t offset, void *buf,
		uint32_t len, uint32_t *block_len, uint64_t *version)
{
	struct vfbc_block *b;
	uint32_t n = 0;
	int ret;

	rte_spinlock_lock(&s->lock);
	b = find(s, id);
	ret = vf_check_locked(b, len, VFBC_BLOCK_VF_READ);
	if (ret == 0) {
		if (offset < b->info.len) {
			n = RTE_MIN(len, b->info.len - offset);
			memcpy(buf, b->data + offset, n);
		}
		*block_len = b->info.len;
		*version = b->info.version;
		ret = (int)n;
	}
	rte_spinlock_unlock(&s->lock);
	return ret;
}

int
vfbc_store_vf_write(struct vfbc_store *s, uint32_t id, const void *buf, uint32_t len)
{
	struct vfbc_block *b;
	uint64_t change;
	int ret;

	rte_spinlock_lock(&s->lock);
	b = find(s, id);
	ret = vf_check_locked(b, len, VFBC_BLOCK_VF_WRITE);
	if (ret == 0)
		ret = store_locked(b, buf, len);
	change = changed(s, ret);
	rte_spinlock_unlock(&s->lock);
	count_change(s, id, ret);
	return persist(s, ret, change);
}

uint64_t
vfbc_store_walk(struct vfbc_store *s, vfbc_store_walk_t fn, void *ctx)
{
	uint64_t change;
	uint32_t i;

	rte_spinlock_lock(&s->lock);
	for (i = 0; i < s->count; i++)
		fn(ctx, &s->blocks[i].info, s->blocks[i].data);
	change = s->changes;
	rte_spinlock_unlock(&s->lock);
	return change;
}

int
vfbc_store_restore(struct vfbc_store *s, const struct vfbc_block_info *info, const void *data)
{
	struct vfbc_block *b;
	int ret;

	if (s->persist != NULL)
		return -EBUSY;
	ret = vfbc_store_define(s, info->id, info->capacity, info->flags);
	if (ret != 0)
		return ret;
	rte_spinlock_lock(&s->lock);
	b = find(s, info->id);
	ret = store_locked(b, data, info->len);
	b->info.version = info->version;
	rte_spinlock_unlock(&s->lock);
	count_change(s, info->id, ret);
	return ret;
}
