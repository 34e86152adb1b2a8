/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfbc authors
 */

#ifndef VFBC_STORE_H
#define VFBC_STORE_H

/**
 * @file
 * PF-private store of one VF's configuration blocks.
 *
 * Blocks live in PF-private memory, never in the VF's region. A store is
 * guarded by one spinlock: the PF application's calls and the service's
 * handling of VF requests may run concurrently on different lcores, and every
 * read under the lock sees one complete version of a block.
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_spinlock.h>

#ifdef __cplusplus
extern "C" {
#endif

/** The VF may read the block. */
#define VFBC_BLOCK_VF_READ  (1u << 0)
/** The VF may write the block. */
#define VFBC_BLOCK_VF_WRITE (1u << 1)
#define VFBC_BLOCK_FLAGS_ALL (VFBC_BLOCK_VF_READ | VFBC_BLOCK_VF_WRITE)

/** Description of one block, without its contents. */
struct vfbc_block_info {
	uint32_t id;
	uint32_t capacity;
	uint32_t len;
	uint32_t flags;
	uint64_t version; /**< bumped on every change of contents */
};

struct vfbc_block {
	struct vfbc_block_info info;
	uint8_t *data;
};

struct vfbc_store;

/**
 * Make the store durable up to change number @p change (see
 * vfbc_store.changes), before the change is acknowledged. Called without the
 * store's lock, possibly from several threads at once.
 * @return 0 or a negative errno, which the change's caller gets.
 */
typedef int (*vfbc_store_persist_t)(void *ctx, struct vfbc_store *s, uint64_t change);

struct vfbc_store {
	rte_spinlock_t lock;
	uint32_t max_blocks;
	uint32_t max_block_size;
	uint32_t count;
	struct vfbc_block *blocks; /**< sorted by id */
	/**
	 * If set, bumped (release) after every change of the contents of a block
	 * whose ID (below 64) is in change_mask, so readers elsewhere (the PF's
	 * switching tables) know when to read them again without taking the lock
	 * on their fast path. Only those blocks count: a VF writing its other
	 * blocks in a loop must not make those readers work. Several stores may
	 * share one counter.
	 */
	uint64_t *change_count;
	uint64_t change_mask;
	uint64_t changes;          /**< definitions and changes of contents so far */
	vfbc_store_persist_t persist; /**< NULL: the store lives in memory only */
	void *persist_ctx;
};

/** @return 0 or -EINVAL, -ENOMEM. */
int vfbc_store_init(struct vfbc_store *s, uint32_t max_blocks, uint32_t max_block_size);
void vfbc_store_fini(struct vfbc_store *s);

/**
 * Define a block of @p capacity bytes, initially empty.
 * @return 0, -EINVAL (capacity 0 or unknown flags), -EMSGSIZE (capacity over the
 *   store's max_block_size), -EEXIST, -ENOSPC (max_blocks reached), -ENOMEM.
 */
int vfbc_store_define(struct vfbc_store *s, uint32_t id, uint32_t capacity, uint32_t flags);

/** PF: replace a block's contents. @return 0, -ENOENT, -EMSGSIZE. */
int vfbc_store_set(struct vfbc_store *s, uint32_t id, const void *buf, uint32_t len);

/** PF: copy a block out. @return bytes copied (min(len, block length)), -ENOENT. */
int vfbc_store_get(struct vfbc_store *s, uint32_t id, void *buf, uint32_t len);

/** PF: a block's description. @return 0, -ENOENT. */
int vfbc_store_info(struct vfbc_store *s, uint32_t id, struct vfbc_block_info *info);

/**
 * Descriptions of up to @p n blocks, in id order, starting at index @p first.
 * @return number of blocks filled in.
 */
uint32_t vfbc_store_list(struct vfbc_store *s, uint32_t first, struct vfbc_block_info *out,
		uint32_t n);

/**
 * On behalf of the VF: check that a write of @p len bytes to @p id would be
 * allowed. @return 0, -ENOENT, -EACCES, -EMSGSIZE.
 */
int vfbc_store_vf_check(struct vfbc_store *s, uint32_t id, uint32_t len, uint32_t right);

/** On behalf of the VF: read, enforcing VF_READ. @return bytes copied or -ENOENT, -EACCES. */
int vfbc_store_vf_read(struct vfbc_store *s, uint32_t id, void *buf, uint32_t len);

/**
 * On behalf of the VF: read up to @p len bytes from @p offset, enforcing
 * VF_READ, and give the block's length and version of that same moment. An
 * offset at or past the end copies nothing.
 * @return bytes copied or -ENOENT, -EACCES.
 */
int vfbc_store_vf_read_at(struct vfbc_store *s, uint32_t id, uint32_t offset, void *buf,
		uint32_t len, uint32_t *block_len, uint64_t *version);

/** On behalf of the VF: write, enforcing VF_WRITE. @return 0, -ENOENT, -EACCES, -EMSGSIZE. */
int vfbc_store_vf_write(struct vfbc_store *s, uint32_t id, const void *buf, uint32_t len);

/** Called for each block by vfbc_store_walk(), under the store's lock. */
typedef void (*vfbc_store_walk_t)(void *ctx, const struct vfbc_block_info *info,
		const uint8_t *data);

/**
 * Visit every block in id order, all under the lock: one consistent image.
 * @return the change number of that image.
 */
uint64_t vfbc_store_walk(struct vfbc_store *s, vfbc_store_walk_t fn, void *ctx);

/**
 * Define a block with given contents and version, as a saved store holds it;
 * for loading a store, before persistence is set up.
 * @return as vfbc_store_define() and vfbc_store_set().
 */
int vfbc_store_restore(struct vfbc_store *s, const struct vfbc_block_info *info,
		const void *data);

#ifdef __cplusplus
}
#endif

#endif /* VFBC_STORE_H */
