/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfbc authors
 */

#include <string.h>

#include "vfbc_pring.h"

static uint64_t
align_line(uint64_t n)
{
	return (n + VFBC_WIRE_LINE - 1) & ~(uint64_t)(VFBC_WIRE_LINE - 1);
}

int
vfbc_pring_geom_check(const struct vfbc_pring_geom *g)
{
	if (g->slots < VFBC_PRING_SLOTS_MIN || g->slots > VFBC_PRING_SLOTS_MAX ||
			(g->slots & (g->slots - 1)) != 0)
		return -EINVAL;
	if (g->buf_size < VFBC_PRING_BUF_MIN || g->buf_size > VFBC_PRING_BUF_MAX ||
			g->buf_size % VFBC_WIRE_LINE != 0)
		return -EINVAL;
	if (g->nb_pairs == 0 || g->nb_pairs > VFBC_PRING_PAIRS_MAX)
		return -EINVAL;
	return 0;
}

/* Header lines, descriptors padded to a line, then the buffers. */
static uint64_t
desc_offset(void)
{
	return sizeof(struct vfbc_ring_hdr);
}

static uint64_t
bufs_offset(const struct vfbc_pring_geom *g)
{
	return desc_offset() + align_line((uint64_t)g->slots * sizeof(struct vfbc_ring_desc));
}

uint64_t
vfbc_pring_stride(const struct vfbc_pring_geom *g)
{
	return bufs_offset(g) + (uint64_t)g->slots * g->buf_size;
}

uint64_t
vfbc_pring_area_size(const struct vfbc_pring_geom *g)
{
	uint64_t size;

	if (vfbc_pring_geom_check(g) != 0)
		return 0;
	size = vfbc_pring_stride(g) * 2 * g->nb_pairs;
	return size > UINT32_MAX ? 0 : size;
}

void
vfbc_pring_map(struct vfbc_pring *r, uint8_t *area, const struct vfbc_pring_geom *g,
		uint32_t index)
{
	uint8_t *base = area + vfbc_pring_stride(g) * index;
	struct vfbc_ring_hdr *hdr = (struct vfbc_ring_hdr *)base;

	memset(r, 0, sizeof(*r));
	r->p = &hdr->p;
	r->c = &hdr->c;
	r->desc = (struct vfbc_ring_desc *)(base + desc_offset());
	r->bufs = base + bufs_offset(g);
	r->size = g->slots;
	r->mask = g->slots - 1;
	r->buf_size = g->buf_size;
	r->limit = g->slots;
}

void
vfbc_pring_prod_adopt(struct vfbc_pring *r)
{
	r->head = __atomic_load_n(&r->c->cons, __ATOMIC_ACQUIRE);
	r->other = r->head;
	r->broken = false;
	__atomic_store_n(&r->p->prod, r->head, __ATOMIC_RELEASE);
}

void
vfbc_pring_cons_adopt(struct vfbc_pring *r)
{
	r->head = __atomic_load_n(&r->p->prod, __ATOMIC_ACQUIRE);
	r->broken = false;
	__atomic_store_n(&r->c->cons, r->head, __ATOMIC_RELEASE);
}

void
vfbc_pring_set_epoch(struct vfbc_pring *r, const uint64_t *epoch)
{
	r->epoch = epoch;
}

bool
vfbc_pring_peer_restarted(const struct vfbc_pring *r)
{
	return r->broken && r->epoch != NULL &&
		__atomic_load_n(r->epoch, __ATOMIC_ACQUIRE) != r->broken_epoch;
}

void
vfbc_pring_unbreak(struct vfbc_pring *r)
{
	r->broken = false;
	/* As if the ring were full: the next free count reads the consumer. */
	r->other = r->head - r->size;
}

void
vfbc_pring_set_ready(struct vfbc_pring *r, bool ready)
{
	__atomic_store_n(&r->c->ready, ready ? 1 : 0, __ATOMIC_RELEASE);
}
