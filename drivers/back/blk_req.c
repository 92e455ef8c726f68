/*
 * blkback's request path: decode, validate, execute, answer (see
 * blkback.h).  Pure logic over three interfaces: the device table's block
 * operations, grant copies (gnttab_op_copy) and va_to_mfn, so the host
 * tests run it against a simulated frontend.
 *
 * Validation is complete before anything happens: segment count within
 * the limit of the request type, each segment inside its page
 * (first_sect <= last_sect <= 7) and aligned to the device's sector
 * size, the whole range inside the vbd (no 64-bit overflow), writes only
 * to a writable vbd, operations only if advertised.  The frontend's
 * grant references are checked by the hypervisor when we copy: a bad one
 * fails its copy, and the request is answered BLKIF_RSP_ERROR.  For a
 * write, all data is copied in before the device is touched, so a
 * failed copy writes nothing.
 *
 * On the copy path data moves through v->bounce: the segments' bytes
 * laid end to end, the device sees one contiguous transfer.  A segment
 * that straddles a bounce page boundary takes two copy operations.  The
 * DMA path (blk_dma.c) batches reads and writes instead; flushes,
 * discards and writes with a flush run on their own, after the batch
 * before them.
 */
#include "blkback.h"

#include <core/kernel.h>
#include <mm/mm.h>
#include <public/errno.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>

#define SECTORS_PER_PAGE (PAGE_SIZE / BLKIF_SECTOR_SIZE)

bool blkback_copy_only, blkback_no_persist;
#define LOG_LIMIT 8 /* rejected requests logged per vbd */

int vbd_init(struct vbd *v, uint16_t front_id, struct device *dev, uint64_t first, uint64_t sectors,
	     bool readonly)
{
	memset(v, 0, sizeof(*v));
	if (!dev || dev->kind != DEV_BLOCK || !dev->block || !dev->sector_size ||
	    dev->sector_size % BLKIF_SECTOR_SIZE || dev->sector_size > PAGE_SIZE)
		return -XEN_EINVAL;
	uint32_t k = dev->sector_size / BLKIF_SECTOR_SIZE;
	uint64_t total = dev->sectors * k;
	if (first > total || first % k || (sectors && (sectors > total - first || sectors % k)))
		return -XEN_EINVAL;
	v->front_id = front_id;
	v->dev = dev;
	v->first = first;
	v->sectors = sectors ? sectors : total - first;
	v->sector_size = dev->sector_size;
	v->readonly = readonly || dev->readonly;
	v->dma = dev->block->submit_bus && !blkback_copy_only;
	blkback_persist_reset(&v->persist);
	v->bounce = memalign(PAGE_SIZE, BLKBACK_MAX_SEGS * PAGE_SIZE);
	v->ind = memalign(PAGE_SIZE, BLKBACK_INDIRECT_PAGES * PAGE_SIZE);
	v->ops = calloc(2 * BLKBACK_MAX_SEGS, sizeof(*v->ops));
	if (!v->bounce || !v->ind || !v->ops || (v->dma && blkback_batch_init(&v->batch))) {
		vbd_free(v);
		return -XEN_ENOMEM;
	}
	return 0;
}

void vbd_free(struct vbd *v)
{
	blkback_persist_drop(v);
	blkback_batch_free(&v->batch);
	free(v->bounce);
	free(v->ind);
	free(v->ops);
	v->bounce = NULL;
	v->ind = NULL;
	v->ops = NULL;
}

bool vbd_can_discard(const struct vbd *v)
{
	return v->dev->block->discard && !v->readonly;
}

/* A range of 512-byte sectors inside the vbd and aligned to its sector size? */
static bool range_ok(const struct vbd *v, uint64_t sector, uint64_t n)
{
	uint32_t k = v->sector_size / BLKIF_SECTOR_SIZE;

	return n && sector <= v->sectors && n <= v->sectors - sector && sector % k == 0 &&
	       n % k == 0;
}

/* Inline (three callers): in take_rw, the DMA path's every request, the
 * call with its seven arguments and saved registers cost ~25 instructions. */
static inline __attribute__((always_inline)) int
decode_rw(struct vbd *v, uint8_t op, uint64_t sector, unsigned int nr_segs, unsigned int max,
	  const struct blkif_request_segment *segs, struct blkback_io *io)
{
	uint32_t k = v->sector_size / BLKIF_SECTOR_SIZE;
	uint64_t total = 0;

	if (nr_segs == 0 || nr_segs > max || (op != BLKIF_OP_READ && v->readonly))
		return BLKIF_RSP_ERROR;
	/* first_sect <= last_sect < 8 for each: a backwards pair wraps last - first */
	unsigned int acc = 0;
	for (const struct blkif_request_segment *s = segs, *end = segs + nr_segs; s < end; s++) {
		unsigned int first = s->first_sect, last = s->last_sect;
		acc |= last | (last - first);
		total += last - first + 1u;
	}
	if (acc >= SECTORS_PER_PAGE)
		return BLKIF_RSP_ERROR;
	for (unsigned int i = 0; k > 1 && i < nr_segs; i++) /* sectors above 512 bytes */
		if (segs[i].first_sect % k || (segs[i].last_sect + 1u) % k)
			return BLKIF_RSP_ERROR;
	if (!range_ok(v, sector, total))
		return BLKIF_RSP_ERROR;
	io->op = op;
	io->sector = sector;
	io->nr_sectors = total;
	io->nr_segs = nr_segs;
	io->segs = segs;
	return BLKIF_RSP_OKAY;
}

/*
 * Where an indirect request's segment list is fetched to: on the DMA
 * path straight into the batch, where the request joins it without a
 * second copy (the batch is run first if a full request might not fit),
 * else v->ind.  Either way a copy the frontend cannot change: what is
 * validated is what is used.
 */
static struct blkif_request_segment *indirect_dest(struct vbd *v)
{
	struct blkback_batch *b = &v->batch;

	if (!v->dma)
		return v->ind;
	if (b->nio == BLKBACK_BATCH_REQS ||
	    b->nsegs + BLKBACK_MAX_INDIRECT_SEGS > BLKBACK_BATCH_SEGS)
		blkback_batch_run(v);
	return &b->segs[b->nsegs];
}

/* Copy the indirect request's segment descriptors into dst (one page's worth at most). */
static int fetch_indirect(struct vbd *v, const struct blkif_request_indirect *r,
			  struct blkif_request_segment *dst)
{
	uint16_t len = (uint16_t)(r->nr_segments * sizeof(*dst));
	const void *kept = v->persist.on ? blkback_ind_page(v, r->indirect_grefs[0]) : NULL;

	_Static_assert(BLKBACK_INDIRECT_PAGES == 1, "one indirect page per request");
	if (kept) {
		memcpy(dst, kept, len); /* our copy: the frontend may write the page meanwhile */
		return BLKIF_RSP_OKAY;
	}
	v->ops[0] = (struct gnttab_copy){
		.source = {.u.ref = r->indirect_grefs[0], .domid = v->front_id},
		.dest = {.u.gmfn = va_to_mfn(dst),
			 .domid = DOMID_SELF,
			 .offset = (uint16_t)((uintptr_t)dst % PAGE_SIZE)},
		.len = len,
		.flags = GNTCOPY_source_gref,
	};
	if (gnttab_op_copy(v->ops, 1) || v->ops[0].status != GNTST_okay)
		return BLKIF_RSP_ERROR;
	return BLKIF_RSP_OKAY;
}

static int decode_indirect(struct vbd *v, const struct blkif_request *req, struct blkback_io *io)
{
	struct blkif_request_indirect r;

	memcpy(&r, req, sizeof(r));
	if ((r.indirect_op != BLKIF_OP_READ && r.indirect_op != BLKIF_OP_WRITE) ||
	    r.nr_segments == 0 || r.nr_segments > BLKBACK_MAX_INDIRECT_SEGS)
		return BLKIF_RSP_ERROR;
	struct blkif_request_segment *segs = indirect_dest(v);
	if (fetch_indirect(v, &r, segs) != BLKIF_RSP_OKAY)
		return BLKIF_RSP_ERROR;
	return decode_rw(v, r.indirect_op, r.sector_number, r.nr_segments,
			 BLKBACK_MAX_INDIRECT_SEGS, segs, io);
}

static int decode_discard(struct vbd *v, const struct blkif_request *req, struct blkback_io *io)
{
	struct blkif_request_discard r;

	memcpy(&r, req, sizeof(r));
	if (!vbd_can_discard(v))
		return BLKIF_RSP_EOPNOTSUPP;
	if (!range_ok(v, r.sector_number, r.nr_sectors))
		return BLKIF_RSP_ERROR;
	io->op = BLKIF_OP_DISCARD;
	io->sector = r.sector_number;
	io->nr_sectors = r.nr_sectors;
	return BLKIF_RSP_OKAY;
}

int blkback_decode(struct vbd *v, const struct blkif_request *req, struct blkback_io *io)
{
	*io = (struct blkback_io){.id = req->id, .operation = req->operation};
	switch (req->operation) {
	case BLKIF_OP_READ:
	case BLKIF_OP_WRITE:
		return decode_rw(v, req->operation, req->sector_number, req->nr_segments,
				 BLKIF_MAX_SEGMENTS_PER_REQUEST, req->seg, io);
	case BLKIF_OP_FLUSH_DISKCACHE:
		/* With segments: a write, then the flush (Linux sends those). */
		io->op = BLKIF_OP_FLUSH_DISKCACHE;
		if (!req->nr_segments)
			return BLKIF_RSP_OKAY;
		if (decode_rw(v, BLKIF_OP_WRITE, req->sector_number, req->nr_segments,
			      BLKIF_MAX_SEGMENTS_PER_REQUEST, req->seg, io) != BLKIF_RSP_OKAY)
			return BLKIF_RSP_ERROR;
		io->op = BLKIF_OP_FLUSH_DISKCACHE;
		return BLKIF_RSP_OKAY;
	case BLKIF_OP_DISCARD:
		return decode_discard(v, req, io);
	case BLKIF_OP_INDIRECT:
		return decode_indirect(v, req, io);
	default:
		return BLKIF_RSP_EOPNOTSUPP;
	}
}

/* Copy every segment between the frontend's pages and v->bounce in one batch. */
static int copy_segments(struct vbd *v, const struct blkback_io *io, bool to_front)
{
	unsigned int n = 0;
	size_t off = 0;

	for (unsigned int i = 0; i < io->nr_segs; i++) {
		const struct blkif_request_segment *s = &io->segs[i];
		size_t goff = s->first_sect * BLKIF_SECTOR_SIZE;
		size_t len = (s->last_sect - s->first_sect + 1u) * BLKIF_SECTOR_SIZE;
		while (len) {
			size_t chunk = PAGE_SIZE - off % PAGE_SIZE;
			if (chunk > len)
				chunk = len;
			struct gnttab_copy_ptr local = {.u.gmfn = va_to_mfn(v->bounce + off),
							.domid = DOMID_SELF,
							.offset = (uint16_t)(off % PAGE_SIZE)};
			struct gnttab_copy_ptr remote = {
				.u.ref = s->gref, .domid = v->front_id, .offset = (uint16_t)goff};
			v->ops[n++] = (struct gnttab_copy){
				.source = to_front ? local : remote,
				.dest = to_front ? remote : local,
				.len = (uint16_t)chunk,
				.flags = to_front ? GNTCOPY_dest_gref : GNTCOPY_source_gref,
			};
			off += chunk;
			goff += chunk;
			len -= chunk;
		}
	}
	if (gnttab_op_copy(v->ops, n))
		return BLKIF_RSP_ERROR;
	for (unsigned int i = 0; i < n; i++)
		if (v->ops[i].status != GNTST_okay)
			return BLKIF_RSP_ERROR;
	return BLKIF_RSP_OKAY;
}

static int status_of(int rc)
{
	return rc ? BLKIF_RSP_ERROR : BLKIF_RSP_OKAY;
}

int blkback_execute(struct vbd *v, const struct blkback_io *io)
{
	const struct block_ops *b = v->dev->block;
	uint32_t k = v->sector_size / BLKIF_SECTOR_SIZE;
	uint64_t dev_sector = (v->first + io->sector) / k;
	uint32_t count = (uint32_t)(io->nr_sectors / k);
	int st = BLKIF_RSP_OKAY;

	switch (io->op) {
	case BLKIF_OP_READ:
		st = status_of(b->read(v->dev, dev_sector, count, v->bounce));
		if (st == BLKIF_RSP_OKAY)
			st = copy_segments(v, io, true);
		v->stats.sectors_read += st == BLKIF_RSP_OKAY ? io->nr_sectors : 0;
		return st;
	case BLKIF_OP_FLUSH_DISKCACHE:
	case BLKIF_OP_WRITE:
		if (io->nr_segs) {
			st = copy_segments(v, io, false);
			if (st == BLKIF_RSP_OKAY)
				st = status_of(b->write(v->dev, dev_sector, count, v->bounce));
			v->stats.sectors_written += st == BLKIF_RSP_OKAY ? io->nr_sectors : 0;
		}
		if (st == BLKIF_RSP_OKAY && io->op == BLKIF_OP_FLUSH_DISKCACHE && b->flush)
			st = status_of(b->flush(v->dev));
		return st;
	case BLKIF_OP_DISCARD:
		return status_of(b->discard(v->dev, dev_sector, io->nr_sectors / k));
	default:
		return BLKIF_RSP_EOPNOTSUPP;
	}
}

/*
 * The DMA path's common request, a direct read or write, decoded where
 * it is used: its segments go from our copy of the ring slot straight
 * into the batch and are validated there (decode_rw, every check as for
 * any request), so they are copied once and no blkback_io is built and
 * copied again (blkback_decode + blkback_batch_add: ~85 instructions a
 * request).  false: another operation, or a request decode_rw refuses;
 * the general path then answers it (the batch keeps only what passed).
 */
static bool take_rw(struct vbd *v, const struct blkif_request *req)
{
	struct blkback_batch *b = &v->batch;
	unsigned int n = req->nr_segments;

	if ((req->operation != BLKIF_OP_READ && req->operation != BLKIF_OP_WRITE) ||
	    n > BLKIF_MAX_SEGMENTS_PER_REQUEST)
		return false;
	if (b->nio == BLKBACK_BATCH_REQS || b->nsegs + n > BLKBACK_BATCH_SEGS)
		blkback_batch_run(v);
	struct blkback_io *io = &b->io[b->nio];
	struct blkif_request_segment *segs = &b->segs[b->nsegs];
	for (unsigned int j = 0; j < n; j++) /* <= 11: no memcpy call */
		segs[j] = req->seg[j];
	if (decode_rw(v, req->operation, req->sector_number, n, BLKIF_MAX_SEGMENTS_PER_REQUEST,
		      segs, io) != BLKIF_RSP_OKAY)
		return false;
	io->id = req->id;
	io->operation = req->operation;
	b->nio++;
	b->nsegs += n;
	return true;
}

/*
 * With v->kick the frontend is notified as soon as a round's responses
 * are pushed, and only then is req_event re-armed (the final check).  On
 * one CPU the notification hands the frontend the CPU: it takes its
 * answer and posts its next request while req_event still lies at or
 * behind that request, so it sends no notification (no hypercall, no
 * event for dom0 to take); the final check that follows finds the
 * request and serves it.  Nothing is lost: the re-arm and its re-check
 * come before the worker sleeps, and a request posted after them finds
 * req_event ahead and notifies as usual.  With v->kick (the glue's) a
 * call runs at most BLKBACK_KICK_ROUNDS rounds of at most a ring's worth
 * each, kicking or not, so a frontend that keeps posting (at our kicks,
 * or from another CPU with no notification asked for, even past a full
 * ring) cannot keep the one worker from the other vbds.
 */
bool blkback_service(struct vbd *v)
{
	bool notify = false;
	unsigned int rounds = 0;
	int more;

	do {
		/* at most a ring's worth a round: the index is read at each step */
		for (RING_IDX k = 0;
		     k < RING_SIZE(&v->ring) && RING_HAS_UNCONSUMED_REQUESTS(&v->ring); k++) {
			struct blkif_request req;
			struct blkback_io io;
			xen_rmb(); /* the request bytes after the index */
			RING_COPY_REQUEST(&v->ring, v->ring.req_cons, &req);
			v->ring.req_cons++;
			if (v->dma && take_rw(v, &req))
				continue;
			int st = blkback_decode(v, &req, &io);
			if (st != BLKIF_RSP_OKAY) {
				if (v->stats.errors + v->stats.unsupported < LOG_LIMIT)
					printk("blkback: d%u request %#lx op %u rejected (%d)\n",
					       v->front_id, (unsigned long)req.id, req.operation,
					       st);
				blkback_respond(v, &io, st);
				continue;
			}
			bool rw = io.op == BLKIF_OP_READ || io.op == BLKIF_OP_WRITE;
			if (v->dma && rw && blkback_batch_add(v, &io))
				continue;
			blkback_batch_run(v); /* in order: before a flush, a discard, ... */
			if (v->dma && rw && blkback_batch_add(v, &io))
				continue;
			blkback_respond(v, &io, blkback_execute(v, &io));
		}
		blkback_batch_run(v);
		bool n;
		RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&v->ring, n);
		v->stats.batches++;
		if (n && v->kick) {
			v->stats.notifies++;
			v->kick(v);
			n = false;
		}
		notify |= n;
		RING_FINAL_CHECK_FOR_REQUESTS(&v->ring, more);
	} while (more && (!v->kick || ++rounds < BLKBACK_KICK_ROUNDS));
	v->again = more;
	v->stats.notifies += notify;
	return notify;
}
