/*
 * blkback's DMA path: the device moves data straight between the disk
 * and the frontend's granted pages (see blkback.h for when it is used).
 *
 * A batch gathers decoded reads and writes in ring order.  Running it:
 *   1. one GNTTABOP_map_grant_ref maps every segment of every request
 *      with GNTMAP_device_map and no virtual address (read-only for a
 *      write: the disk only reads the page).  The hypervisor checks each
 *      grant as for any map; dom0 gets the frame's bus address back
 *      (dev_bus_addr) and never touches the data with its CPU;
 *   2. a request all of whose segments mapped becomes one block_io with
 *      one piece per segment; a request with a failed map is answered
 *      BLKIF_RSP_ERROR and nothing of it reaches the device (so a bad
 *      grant in a write writes nothing);
 *   3. submit_bus runs every block_io with all the device's command slots
 *      in use, which is what keeps the disk busy across requests;
 *   4. one GNTTABOP_unmap_grant_ref drops every mapping that was made,
 *      whatever happened to the I/O, so nothing stays mapped after a
 *      batch: a frontend that dies is left with no mapping by dom0.
 * Responses are then queued in ring order; the caller pushes them and
 * notifies once for everything served.
 */
#include "blkback.h"

#include <core/kernel.h>
#include <errno.h>
#include <public/errno.h>
#include <stdlib.h>
#include <string.h>

int blkback_batch_init(struct blkback_batch *b)
{
	memset(b, 0, sizeof(*b));
	b->io = calloc(BLKBACK_BATCH_REQS, sizeof(*b->io));
	b->bio = calloc(BLKBACK_BATCH_REQS, sizeof(*b->bio));
	b->segs = calloc(BLKBACK_BATCH_SEGS, sizeof(*b->segs));
	b->map = calloc(BLKBACK_BATCH_SEGS, sizeof(*b->map));
	b->unmap = calloc(BLKBACK_BATCH_SEGS, sizeof(*b->unmap));
	b->sg = calloc(BLKBACK_BATCH_SEGS, sizeof(*b->sg));
	if (!b->io || !b->bio || !b->segs || !b->map || !b->unmap || !b->sg) {
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
	memcpy(&b->segs[b->nsegs], io->segs, io->nr_segs * sizeof(*io->segs));
	slot->segs = &b->segs[b->nsegs]; /* the ring slot or v->ind is reused next */
	b->nsegs += io->nr_segs;
	return true;
}

/* Step 1: map every segment of the batch, one hypercall. */
static void map_all(struct vbd *v)
{
	struct blkback_batch *b = &v->batch;
	unsigned int k = 0;

	for (unsigned int i = 0; i < b->nio; i++)
		for (unsigned int j = 0; j < b->io[i].nr_segs; j++, k++)
			b->map[k] = (struct gnttab_map_grant_ref){
				.flags = GNTMAP_device_map |
					 (b->io[i].op == BLKIF_OP_WRITE ? GNTMAP_readonly : 0),
				.ref = b->io[i].segs[j].gref,
				.dom = v->front_id,
			};
	if (gnttab_op_map(b->map, b->nsegs))
		for (k = 0; k < b->nsegs; k++)
			b->map[k].status = GNTST_general_error; /* the call itself failed */
}

/* Step 2: the block_io of request i, segments from map[k]; false if a map failed. */
static bool make_bio(struct vbd *v, unsigned int i, unsigned int k, struct block_io *bio)
{
	struct blkback_batch *b = &v->batch;
	const struct blkback_io *io = &b->io[i];
	uint32_t kk = v->sector_size / BLKIF_SECTOR_SIZE;

	for (unsigned int j = 0; j < io->nr_segs; j++) {
		const struct blkif_request_segment *s = &io->segs[j];
		if (b->map[k + j].status != GNTST_okay)
			return false;
		b->sg[k + j] = (struct block_sg){
			.bus = b->map[k + j].dev_bus_addr + s->first_sect * BLKIF_SECTOR_SIZE,
			.len = (uint32_t)(s->last_sect - s->first_sect + 1u) * BLKIF_SECTOR_SIZE,
		};
	}
	*bio = (struct block_io){.write = io->op == BLKIF_OP_WRITE,
				 .sector = (v->first + io->sector) / kk,
				 .count = (uint32_t)(io->nr_sectors / kk),
				 .sg = &b->sg[k],
				 .nsg = io->nr_segs,
				 .status = -EIO};
	return true;
}

/* Step 4: unmap whatever step 1 mapped. */
static void unmap_all(struct vbd *v)
{
	struct blkback_batch *b = &v->batch;
	unsigned int n = 0;

	for (unsigned int k = 0; k < b->nsegs; k++)
		if (b->map[k].status == GNTST_okay)
			b->unmap[n++] = (struct gnttab_unmap_grant_ref){
				.dev_bus_addr = b->map[k].dev_bus_addr, .handle = b->map[k].handle};
	if (n && gnttab_op_unmap(b->unmap, n))
		printk("blkback: d%u: unmap of %u grants failed\n", v->front_id, n);
	for (unsigned int k = 0; k < n; k++)
		if (b->unmap[k].status != GNTST_okay)
			printk("blkback: d%u: unmap of handle %u: %d\n", v->front_id,
			       b->unmap[k].handle, b->unmap[k].status);
}

void blkback_batch_run(struct vbd *v)
{
	struct blkback_batch *b = &v->batch;
	int st[BLKBACK_BATCH_REQS];
	unsigned int owner[BLKBACK_BATCH_REQS], nbio = 0, k = 0;

	if (!b->nio)
		return;
	map_all(v);
	for (unsigned int i = 0; i < b->nio; k += b->io[i].nr_segs, i++) {
		st[i] = BLKIF_RSP_ERROR;
		if (make_bio(v, i, k, &b->bio[nbio]))
			owner[nbio++] = i;
	}
	if (nbio && v->dev->block->submit_bus(v->dev, b->bio, nbio) == 0)
		for (unsigned int n = 0; n < nbio; n++)
			st[owner[n]] = b->bio[n].status ? BLKIF_RSP_ERROR : BLKIF_RSP_OKAY;
	unmap_all(v);
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
