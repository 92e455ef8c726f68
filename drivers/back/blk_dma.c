/*
 * blkback's DMA path: the device moves data straight between the disk
 * and the frontend's granted pages (see blkback.h for when it is used).
 *
 * A batch gathers decoded reads and writes in ring order.  Running it:
 *   1. one GNTTABOP_map_grant_ref maps every segment of every request
 *      with GNTMAP_device_map and no virtual address (read-only for a
 *      write: the disk only reads the page).  The hypervisor checks each
 *      grant as for any map; dom0 gets the frame's bus address back
 *      (dev_bus_addr) and never touches the data with its CPU.  With
 *      persistent grants a segment whose grant dom0 keeps mapped
 *      (blk_persist.c) takes the kept bus address and is not mapped.
 *      One pass over the segments (gather) looks each up and writes its
 *      piece for the device (bus address + offset, length); a mapped
 *      piece adds its bus address when the map returns;
 *   2. a request all of whose segments mapped becomes one block_io with
 *      one piece per segment; a request with a failed map is answered
 *      BLKIF_RSP_ERROR and nothing of it reaches the device (so a bad
 *      grant in a write writes nothing);
 *   3. submit_bus runs every block_io with all the device's command slots
 *      in use, which is what keeps the disk busy across requests;
 *   4. one GNTTABOP_unmap_grant_ref drops every mapping that was made,
 *      whatever happened to the I/O, so nothing stays mapped after a
 *      batch: a frontend that dies is left with no mapping by dom0.
 *      With persistent grants the new mappings are kept instead (up to
 *      the table's bound; the same call unmaps what the table let go),
 *      and blkback_persist_drop undoes them all when the vbd disconnects.
 * Responses are then queued in ring order; the caller pushes them and
 * notifies once for everything served.
 */
#include "blkback.h"

#include <core/kernel.h>
#include <errno.h>
#include <malloc.h>
#include <mm/mm.h>
#include <public/errno.h>
#include <stdlib.h>
#include <string.h>

int blkback_batch_init(struct blkback_batch *b)
{
	memset(b, 0, sizeof(*b));
	b->io = calloc(BLKBACK_BATCH_REQS, sizeof(*b->io));
	b->bio = calloc(BLKBACK_BATCH_REQS, sizeof(*b->bio));
	/* In one page: an indirect list is grant-copied straight into it. */
	_Static_assert(BLKBACK_BATCH_SEGS * sizeof(struct blkif_request_segment) <= PAGE_SIZE,
		       "segments in a page");
	b->segs = memalign(PAGE_SIZE, BLKBACK_BATCH_SEGS * sizeof(*b->segs));
	b->map = calloc(BLKBACK_BATCH_SEGS, sizeof(*b->map));
	b->unmap = calloc(BLKBACK_BATCH_SEGS, sizeof(*b->unmap));
	b->mapseg = calloc(BLKBACK_BATCH_SEGS, sizeof(*b->mapseg));
	b->mapreq = calloc(BLKBACK_BATCH_SEGS, sizeof(*b->mapreq));
	b->sg = calloc(BLKBACK_BATCH_SEGS, sizeof(*b->sg));
	if (!b->io || !b->bio || !b->segs || !b->map || !b->unmap || !b->mapseg || !b->mapreq ||
	    !b->sg) {
		blkback_batch_free(b);
		return -XEN_ENOMEM;
	}
	return 0;
}

void blkback_batch_free(struct blkback_batch *b)
{
	free(b->io);
	free(b->bio);
	free(b->segs);
	free(b->map);
	free(b->unmap);
	free(b->mapseg);
	free(b->mapreq);
	free(b->sg);
	memset(b, 0, sizeof(*b));
}

bool blkback_batch_add(struct vbd *v, const struct blkback_io *io)
{
	struct blkback_batch *b = &v->batch;

	if (b->nio == BLKBACK_BATCH_REQS || b->nsegs + io->nr_segs > BLKBACK_BATCH_SEGS)
		return false;
	struct blkback_io *slot = &b->io[b->nio++];
	*slot = *io;
	if (io->segs != &b->segs[b->nsegs]) /* an indirect list is fetched in place */
		for (unsigned int j = 0; j < io->nr_segs; j++) /* <= 11: no memcpy call */
			b->segs[b->nsegs + j] = io->segs[j];
	slot->segs = &b->segs[b->nsegs]; /* the request copy is reused next */
	b->nsegs += io->nr_segs;
	return true;
}

/*
 * Steps 1 and 2 in one pass over the segments: a segment whose grant is
 * kept gets its piece (bus address + offset, length) at once; any other
 * gets its offset and length and a map op, all mapped with one
 * hypercall, after which each mapped piece adds its bus address and a
 * failed map marks its request bad[].
 */
static void gather(struct vbd *v, bool *bad)
{
	struct blkback_batch *b = &v->batch;
	struct blkback_persist *p = &v->persist;
	const bool on = p->on;
	struct block_sg *sg = b->sg;
	unsigned int hits = 0;

	b->nmap = 0;
	for (unsigned int i = 0; i < b->nio; i++) {
		const bool ro = b->io[i].op == BLKIF_OP_WRITE;
		const struct blkif_request_segment *s = b->io[i].segs, *end = s + b->io[i].nr_segs;
		bad[i] = false;
		for (; s < end; s++, sg++) {
			const struct blkback_pgnt *g =
				on ? blkback_persist_find(p, s->gref, !ro) : NULL;
			uint64_t off = (uint64_t)s->first_sect * BLKIF_SECTOR_SIZE;
			sg->len = (uint32_t)(s->last_sect - s->first_sect + 1u) * BLKIF_SECTOR_SIZE;
			if (g) {
				sg->bus = g->bus + off;
				hits++;
				continue;
			}
			sg->bus = off; /* the map's bus address is added below */
			b->mapseg[b->nmap] = (uint16_t)(sg - b->sg);
			b->mapreq[b->nmap] = (uint8_t)i;
			b->map[b->nmap++] = (struct gnttab_map_grant_ref){
				.flags = GNTMAP_device_map | (ro ? GNTMAP_readonly : 0),
				.ref = s->gref,
				.dom = v->front_id,
			};
		}
	}
	v->stats.pgnt_hits += hits;
	if (!b->nmap)
		return;
	if (gnttab_op_map(b->map, b->nmap))
		for (unsigned int m = 0; m < b->nmap; m++)
			b->map[m].status = GNTST_general_error; /* the call itself failed */
	for (unsigned int m = 0; m < b->nmap; m++) {
		if (b->map[m].status == GNTST_okay)
			b->sg[b->mapseg[m]].bus += b->map[m].dev_bus_addr;
		else
			bad[b->mapreq[m]] = true;
	}
}

/* Unmap ops[0..n) (n <= BLKBACK_BATCH_SEGS), logging failures. */
static void unmap_ops(struct vbd *v, struct gnttab_unmap_grant_ref *ops, unsigned int n)
{
	if (n && gnttab_op_unmap(ops, n))
		printk("blkback: d%u: unmap of %u grants failed\n", v->front_id, n);
	for (unsigned int k = 0; k < n; k++)
		if (ops[k].status != GNTST_okay)
			printk("blkback: d%u: unmap of handle %u: %d\n", v->front_id, ops[k].handle,
			       ops[k].status);
}

static struct gnttab_unmap_grant_ref unmap_op(uint64_t bus, grant_handle_t handle)
{
	return (struct gnttab_unmap_grant_ref){.dev_bus_addr = bus, .handle = handle};
}

/*
 * Step 4: keep (persistent grants) or unmap whatever step 1 mapped; the
 * table's bound can make a kept mapping push an older one out, unmapped
 * here too: at most one unmap per new mapping.
 */
static void settle(struct vbd *v)
{
	struct blkback_batch *b = &v->batch;
	unsigned int n = 0;

	for (unsigned int m = 0; m < b->nmap; m++) {
		const struct gnttab_map_grant_ref *op = &b->map[m];
		struct blkback_pgnt g = {.bus = op->dev_bus_addr,
					 .gref = op->ref,
					 .handle = op->handle,
					 .ro = (op->flags & GNTMAP_readonly) != 0},
				    old;
		bool dropped = false;
		if (op->status != GNTST_okay)
			continue;
		if (!v->persist.on || !blkback_persist_keep(&v->persist, &g, &old, &dropped)) {
			b->unmap[n++] = unmap_op(g.bus, g.handle);
			continue;
		}
		v->stats.pgnt_kept++;
		if (dropped) {
			b->unmap[n++] = unmap_op(old.bus, old.handle);
			v->stats.pgnt_dropped++;
		}
	}
	if (n)
		unmap_ops(v, b->unmap, n);
}

void blkback_persist_drop(struct vbd *v)
{
	struct gnttab_unmap_grant_ref ops[32];
	struct blkback_pgnt g;
	unsigned int n = 0;

	if (v->ind_keep.live)
		blkback_ind_unmap_all(v);
	while (blkback_persist_take(&v->persist, &g)) {
		ops[n++] = unmap_op(g.bus, g.handle);
		v->stats.pgnt_dropped++;
		if (n == sizeof(ops) / sizeof(ops[0])) {
			unmap_ops(v, ops, n);
			n = 0;
		}
	}
	unmap_ops(v, ops, n);
}

void blkback_batch_run(struct vbd *v)
{
	struct blkback_batch *b = &v->batch;
	uint32_t kk = v->sector_size / BLKIF_SECTOR_SIZE;
	int st[BLKBACK_BATCH_REQS];
	bool bad[BLKBACK_BATCH_REQS];
	unsigned int owner[BLKBACK_BATCH_REQS], nbio = 0, k = 0;

	if (!b->nio)
		return;
	gather(v, bad);
	for (unsigned int i = 0; i < b->nio; k += b->io[i].nr_segs, i++) {
		const struct blkback_io *io = &b->io[i];
		st[i] = BLKIF_RSP_ERROR;
		if (bad[i])
			continue; /* a map failed: nothing of it reaches the device */
		b->bio[nbio] = (struct block_io){.write = io->op == BLKIF_OP_WRITE,
						 .sector = (v->first + io->sector) / kk,
						 .count = (uint32_t)(io->nr_sectors / kk),
						 .sg = &b->sg[k],
						 .nsg = io->nr_segs,
						 .status = -EIO};
		owner[nbio++] = i;
	}
	if (nbio && v->dev->block->submit_bus(v->dev, b->bio, nbio) == 0)
		for (unsigned int n = 0; n < nbio; n++)
			st[owner[n]] = b->bio[n].status ? BLKIF_RSP_ERROR : BLKIF_RSP_OKAY;
	settle(v);
	for (unsigned int i = 0; i < b->nio; i++) {
		const struct blkback_io *io = &b->io[i];
		if (st[i] == BLKIF_RSP_OKAY && io->op == BLKIF_OP_READ)
			v->stats.sectors_read += io->nr_sectors;
		else if (st[i] == BLKIF_RSP_OKAY)
			v->stats.sectors_written += io->nr_sectors;
		blkback_respond(v, io, st[i]);
	}
	v->stats.dma_batches++;
	v->stats.dma_segs += b->nsegs;
	b->nio = b->nsegs = 0;
}
