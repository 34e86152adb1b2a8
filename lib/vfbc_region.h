/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfbc authors
 */

#ifndef VFBC_REGION_H
#define VFBC_REGION_H

/**
 * @file
 * A VF region: the shared-memory "BAR" of one VF, which the PF creates and
 * exactly one VF process maps. It is a memfd sealed against shrinking and
 * growing, so a VF cannot pull pages from under the PF's mapping; the PF
 * publishes it as a symlink <region_dir>/vfbc.<pf>.vf<n> to its /proc fd
 * entry, which VF processes of the same user and PID namespace can open.
 *
 * Liveness: the PF holds an OFD write lock on the first byte of the file for
 * as long as it serves the region. A PF that finds a region file nobody holds
 * a write lock on reclaims it as stale; one that is locked belongs to a live PF
 * and is never touched. A VF learns that its PF died by taking a read lock on
 * the same byte, which the kernel grants the moment the PF's lock goes away,
 * even when the PF was killed.
 *
 * The one VF process of a region holds an OFD write lock on the second byte
 * while it has the region open, so a second VF process is refused and the PF
 * can tell, with vfbc_region_vf_alive(), that the VF process is gone.
 */

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include "vfbc_pring.h"
#include "vfbc_wire.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Default directory of region files. */
#define VFBC_REGION_DIR_DEFAULT "/dev/shm"
#define VFBC_MBOX_DEPTH_MAX 4096
#define VFBC_SLOT_DATA_MAX (1u << 20)

/** Layout parameters the PF chooses for a region. */
struct vfbc_region_params {
	uint16_t vf_index;
	uint16_t num_vfs;
	uint32_t mbox_depth;    /**< power of two, 1..VFBC_MBOX_DEPTH_MAX */
	uint32_t slot_data_max; /**< 1..VFBC_SLOT_DATA_MAX */
	uint32_t ring_size;     /**< bytes reserved for packet rings, when rings.nb_pairs is 0 */
	uint64_t generation;    /**< PF instance identifier, non-zero */
	/** Packet rings; nb_pairs 0 for none. Their size replaces ring_size. */
	struct vfbc_pring_geom rings;
};

/**
 * One process's mapping of a region. The layout fields are this process's own
 * copy: the PF computed them, the VF validated them once at open. Neither ever
 * re-reads them from shared memory.
 */
struct vfbc_region {
	struct vfbc_region_hdr *hdr;
	uint8_t *base;
	size_t size;
	int fd;            /**< mapping's file; the PF's holds the liveness lock */
	bool owner;        /**< created by this process (the PF) */
	uint16_t vf_index;
	uint32_t mbox_offset;
	uint32_t mbox_depth;
	uint32_t slot_size;
	uint32_t slot_data_max;
	uint64_t generation;
	struct vfbc_pring_geom rings; /**< nb_pairs 0: no packet rings */
	uint8_t *ring_area;           /**< first packet ring, NULL if none */
	char path[PATH_MAX];
};

/** Region file path for VF @p vf of PF @p pf_name. Returns 0 or -ENAMETOOLONG/-EINVAL. */
int vfbc_region_path(char *buf, size_t len, const char *dir, const char *pf_name, uint16_t vf);

/** Bytes a region with these parameters needs, 0 if the parameters are invalid. */
size_t vfbc_region_size(const struct vfbc_region_params *p);

/**
 * PF: create and map the region at @p path, mode 0600.
 * A stale file left by a dead PF is replaced; a live PF's file is not touched.
 * @return 0, -EADDRINUSE if a live PF owns @p path, -EINVAL on bad parameters,
 *   or another negative errno from the system.
 */
int vfbc_region_create(struct vfbc_region *r, const char *path,
		const struct vfbc_region_params *p);

/** PF: publish READY once the PF serves the mailbox. */
void vfbc_region_set_ready(struct vfbc_region *r);

/**
 * PF: tell the VF the PF is gone, wake its sleeping threads, unlink the file,
 * release the liveness lock and unmap.
 */
void vfbc_region_destroy(struct vfbc_region *r);

/**
 * VF: map an existing region and validate its header.
 * @return 0, -ENOENT no region (PF not there), -EBUSY another process has
 *   the region open as its VF, -EPROTO bad magic or ABI,
 *   -EINVAL the region belongs to another VF index or is malformed,
 *   -ENOTCONN its PF is dead, or another negative errno.
 */
int vfbc_region_open(struct vfbc_region *r, const char *path, uint16_t vf_index);

/** VF: unmap. */
void vfbc_region_close(struct vfbc_region *r);

/** VF: 1 while the PF that created the region holds it, 0 when it is gone, <0 on error. */
int vfbc_region_pf_alive(const struct vfbc_region *r);

/**
 * PF: 1 while a VF process has the region open (it holds the lock on byte 1
 * of the file from vfbc_region_open() until it closes the region or dies),
 * 0 when none has, <0 on error. One system call: not for the datapath.
 */
int vfbc_region_vf_alive(const struct vfbc_region *r);

/**
 * VF: block until the PF's liveness lock is released (PF closed or died).
 * Cancellation point: a monitor thread running this can be cancelled.
 * @return 0 when the PF is gone, negative errno on error.
 */
int vfbc_region_wait_pf_exit(const struct vfbc_region *r);

static inline struct vfbc_mbox_desc *
vfbc_region_desc(const struct vfbc_region *r, uint32_t slot)
{
	return (struct vfbc_mbox_desc *)(r->base + r->mbox_offset + (size_t)slot * r->slot_size);
}

static inline uint8_t *
vfbc_region_slot_data(const struct vfbc_region *r, uint32_t slot)
{
	return (uint8_t *)vfbc_region_desc(r, slot) + sizeof(struct vfbc_mbox_desc);
}

#ifdef __cplusplus
}
#endif

#endif /* VFBC_REGION_H */
