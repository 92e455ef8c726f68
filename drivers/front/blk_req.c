/*
 * blkfront's request path (see blkfront.h): building requests from a
 * buffer, publishing them in batches, and completing them.
 *
 * Slot ids: a request's id is its index in req[]; a slot is taken only
 * while the ring has a free entry too, so there are never more requests
 * outstanding than ring entries.  The free slots are a bit mask
 * (free_slots), so taking one costs the same with 31 in flight as with
 * none (a scan of req[] cost ~130 instructions a request at 32 in
 * flight).  A response whose id names no request
 * in flight is counted as stray and ignored (a confused or hostile
 * backend must not make us free something twice).
 *
 * Grants: without persistent grants each data page is granted when its
 * request is built and revoked when the response arrives.  A backend
 * that follows the protocol holds no mapping after its response, so the
 * revoke succeeds; if it ever does not, the revoke is late (gnttab.h:
 * the reference is never reused while the backend maps it) and the call
 * does not return until it succeeds: the caller must not get back a
 * page the backend can still write.  With persistent grants
 * (blk_persist.c) a page's grant comes from the frame cache and stays
 * published after the response.
 *
 * When the backend leaves with requests in flight, they fail
 * (fail_request) only once their pages are safe: every grant they use,
 * the cache's included, is ended, and those the backend still maps hold
 * the call (await_revokes: retried on a timer, logged once) until it
 * lets go.  The ring and indirect pages are ours: ring_free hands the
 * ones still mapped to gnttab's late list, which frees them later, so
 * no round, connect or freed device struct can forget them.
 */
#include "blkfront.h"

#include <core/evtchn.h>
#include <core/gnttab.h>
#include <core/kernel.h>
#include <mm/mm.h>
#include <public/errno.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>

#define SECTORS_PER_PAGE (PAGE_SIZE / BLKIF_SECTOR_SIZE)

#define HOLD_LOG_PAUSES 100 /* pauses (a second in a guest) before a held call is logged */

int blkfront_ring_init(struct blkfront *bf, uint16_t back_id, uint16_t handle)
{
	if (gnttab_late())
		gnttab_retry_late(); /* an earlier round's pages the backend let go of since */
	bf->back_id = back_id;
	bf->handle = handle;
	bf->in_flight = 0;
	memset(bf->req, 0, sizeof(bf->req));
	_Static_assert(BLKFRONT_RING_SIZE == 32, "free_slots holds one bit per slot");
	bf->free_slots = ~0u;
	blkfront_persist_reset(bf);
	if (!(bf->sring = memalign(PAGE_SIZE, PAGE_SIZE)))
		return -XEN_ENOMEM;
	memset(bf->sring, 0, PAGE_SIZE);
	SHARED_RING_INIT(bf->sring);
	FRONT_RING_INIT(&bf->ring, bf->sring, PAGE_SIZE);
	int ref = gnttab_grant(back_id, va_to_mfn(bf->sring), false);
	if (ref < 0) {
		free(bf->sring);
		bf->sring = NULL;
		return ref;
	}
	bf->ring_ref = (grant_ref_t)ref;
	for (unsigned int i = 0; i < BLKFRONT_RING_SIZE; i++) {
		struct blkfront_req *r = &bf->req[i];
		if (!(r->ind = memalign(PAGE_SIZE, PAGE_SIZE)))
			return -XEN_ENOMEM;
		if ((ref = gnttab_grant(back_id, va_to_mfn(r->ind), true)) < 0) {
			free(r->ind);
			r->ind = NULL;
			return ref;
		}
		r->ind_ref = (grant_ref_t)ref;
	}
	return 0;
}

/* End the grant of our own page; the page is freed now or when the backend lets go. */
static void end_page(struct blkfront *bf, grant_ref_t ref, void *page)
{
	int rc = gnttab_end(ref, page, NULL);

	if (rc < 0) /* not a live grant: nothing can map the page */
		free(page);
	bf->stats.late_grants += rc == 1;
}

static void finish(struct blkfront *bf, struct blkfront_req *r, int status)
{
	for (unsigned int i = 0; i < r->nr_grants; i++)
		if (r->pent[i] != BLKFRONT_PGNT_NONE)
			bf->persist.ent[r->pent[i]].busy--; /* a kept grant stays */
		else
			blkfront_seg_done(bf, r->call, r->grants[i]);
	r->nr_grants = 0;
	r->in_use = false;
	bf->free_slots |= 1u << (r - bf->req);
	bf->in_flight--;
	if (status != BLKIF_RSP_OKAY) {
		bf->stats.errors++;
		if (!r->call->err)
			r->call->err = status == BLKIF_RSP_EOPNOTSUPP ? -XEN_EOPNOTSUPP : -XEN_EIO;
	}
	r->call->outstanding--;
}

/*
 * A request that fails because the backend left: every grant it uses is
 * ended first (a cached one leaves the cache), those the backend still
 * maps late for its call, which waits for them (await_revokes).
 */
static void fail_request(struct blkfront *bf, struct blkfront_req *r)
{
	for (unsigned int i = 0; i < r->nr_grants; i++)
		if (r->pent[i] != BLKFRONT_PGNT_NONE)
			blkfront_persist_drop(bf, r->pent[i], r->call);
		else if (gnttab_end(r->grants[i], NULL, &r->call->held) == 1)
			bf->stats.late_grants++;
	r->nr_grants = 0;
	finish(bf, r, BLKIF_RSP_ERROR);
}

unsigned int blkfront_ring_free(struct blkfront *bf)
{
	bf->connected = false;
	if (gnttab_late())
		gnttab_retry_late();
	for (unsigned int i = 0; i < BLKFRONT_RING_SIZE; i++) {
		struct blkfront_req *r = &bf->req[i];
		if (r->in_use)
			fail_request(bf, r);
		if (r->ind)
			end_page(bf, r->ind_ref, r->ind);
		r->ind = NULL;
	}
	blkfront_persist_free(bf);
	if (bf->sring)
		end_page(bf, bf->ring_ref, bf->sring);
	bf->sring = NULL;
	return gnttab_late_to(bf->back_id);
}

static void complete(struct blkfront *bf, const struct blkif_response *rsp)
{
	if (rsp->id >= BLKFRONT_RING_SIZE || !bf->req[rsp->id].in_use) {
		bf->stats.stray++;
		return;
	}
	bf->stats.responses++;
	finish(bf, &bf->req[rsp->id], rsp->status);
}

/* Takes every response in the ring, asking for no notification. */
static void take_responses(struct blkfront *bf)
{
	RING_IDX rp = bf->sring->rsp_prod;

	xen_rmb(); /* responses after the index */
	if (RING_RESPONSE_PROD_OVERFLOW(&bf->ring, rp)) {
		printk("blkfront: backend d%u overran the ring (%u)\n", bf->back_id, rp);
		bf->connected = false;
		return;
	}
	for (RING_IDX i = bf->ring.rsp_cons; i != rp; i++) {
		struct blkif_response rsp = *RING_GET_RESPONSE(&bf->ring, i);
		complete(bf, &rsp);
	}
	bf->ring.rsp_cons = rp;
}

void blkfront_poll(struct blkfront *bf)
{
	int more;

	if (!bf->sring)
		return;
	do {
		take_responses(bf);
		if (!bf->connected)
			return;
		RING_FINAL_CHECK_FOR_RESPONSES(&bf->ring, more);
	} while (more);
}

/*
 * Takes the responses that have come; if none have, asks for a
 * notification of the next (rsp_event, re-checking after it) and waits
 * for it.  The request is made only here, before a sleep: when the
 * backend answered while we looked away (our notification handed it
 * the CPU), rsp_event still lies behind its responses, so it sends no
 * notification and we take no event for them.
 */
static void wait_responses(struct blkfront *bf)
{
	unsigned long seen = bf->ev.count;
	RING_IDX before = bf->ring.rsp_cons;
	int more = 0;

	take_responses(bf);
	if (bf->ring.rsp_cons != before)
		return;
	if (!bf->connected) { /* no response will come: fail what is in flight */
		for (unsigned int i = 0; i < BLKFRONT_RING_SIZE; i++)
			if (bf->req[i].in_use)
				fail_request(bf, &bf->req[i]);
		return;
	}
	RING_FINAL_CHECK_FOR_RESPONSES(&bf->ring, more);
	if (!more)
		bf->wait(bf, seen);
}

static void push(struct blkfront *bf)
{
	bool notify;

	RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&bf->ring, notify);
	if (notify) {
		bf->stats.notifies++;
		evtchn_notify(bf->port);
	}
}

/* A free slot (id), pushing what is queued and waiting if there is none. */
static struct blkif_request *get_slot(struct blkfront *bf, struct blkfront_call *call,
				      unsigned int *id)
{
	for (;;) {
		if (!bf->connected)
			return NULL;
		if (!RING_FULL(&bf->ring) && bf->free_slots) {
			unsigned int i = (unsigned int)__builtin_ctz(bf->free_slots);
			struct blkfront_req *r = &bf->req[i];
			bf->free_slots &= bf->free_slots - 1;
			r->in_use = true;
			r->call = call;
			r->nr_grants = 0;
			call->outstanding++;
			bf->in_flight++;
			bf->stats.requests++;
			*id = i;
			return RING_GET_REQUEST(&bf->ring, bf->ring.req_prod_pvt++);
		}
		push(bf);
		wait_responses(bf);
	}
}

/* Pages (segments) that `count` sectors at buf touch, capped at cap. */
static unsigned int pages_spanned(const uint8_t *buf, uint64_t count, unsigned int cap)
{
	uint64_t bytes = ((uintptr_t)buf % PAGE_SIZE) + count * BLKIF_SECTOR_SIZE;
	uint64_t pages = (bytes + PAGE_SIZE - 1) / PAGE_SIZE;

	return pages < cap ? (unsigned int)pages : cap;
}

/*
 * Grant the pages of buf for up to `max` segments (at most
 * BLKFRONT_MAX_INDIRECT) covering at most `count` sectors into segs[];
 * returns the sectors covered (0 if no grant could be had).  Only the
 * first page may start inside the page.  The frames are read first, all
 * at once (va_to_mfns); a frame the persistent cache holds is then looked
 * up inline (the common case: a caller reusing its buffers), any other
 * goes through blkfront_seg_grant.
 */
static uint64_t grant_segments(struct blkfront *bf, struct blkfront_req *r, bool write,
			       uint8_t *buf, uint64_t count, unsigned int max,
			       struct blkif_request_segment *segs)
{
	unsigned long mfn[BLKFRONT_MAX_INDIRECT];
	unsigned int first = (unsigned int)(((uintptr_t)buf % PAGE_SIZE) / BLKIF_SECTOR_SIZE);
	const uint8_t *page = buf - first * BLKIF_SECTOR_SIZE;
	unsigned int pages = pages_spanned(buf, count, max), i, hits = 0;
	uint64_t covered = (uint64_t)pages * SECTORS_PER_PAGE - first;

	va_to_mfns(page, pages, mfn);
	for (i = 0; i < pages; i++) { /* whole pages; the ends are trimmed below */
		int ref = blkfront_pgnt_hit(&bf->persist, mfn[i], &r->pent[i]);
		if (ref >= 0)
			hits++;
		else if ((ref = blkfront_seg_grant(bf, mfn[i], write, &r->pent[i])) < 0)
			break;
		segs[i] = (struct blkif_request_segment){.gref = (grant_ref_t)ref,
							 .last_sect = SECTORS_PER_PAGE - 1};
		r->grants[i] = (grant_ref_t)ref;
	}
	r->nr_grants = i;
	bf->stats.pgnt_hits += hits;
	if (!i)
		return 0;
	segs[0].first_sect = (uint8_t)first;
	if (i < pages) /* out of grants: the pages granted so far */
		return (uint64_t)i * SECTORS_PER_PAGE - first;
	if (covered > count) {
		covered = count;
		segs[i - 1].last_sect = (uint8_t)((first + count - 1) % SECTORS_PER_PAGE);
	}
	return covered;
}

/* Fill one request for (a prefix of) the transfer; returns sectors covered. */
static uint64_t build_rw(struct blkfront *bf, struct blkfront_call *call, bool write,
			 uint64_t sector, uint8_t *buf, uint64_t count)
{
	unsigned int id;
	struct blkif_request *req = get_slot(bf, call, &id);
	struct blkfront_req *r = &bf->req[id];
	uint8_t op = write ? BLKIF_OP_WRITE : BLKIF_OP_READ;
	uint64_t done;

	if (!req)
		return 0;
	if (bf->max_indirect > BLKIF_MAX_SEGMENTS_PER_REQUEST &&
	    pages_spanned(buf, count, bf->max_indirect) > BLKIF_MAX_SEGMENTS_PER_REQUEST) {
		struct blkif_request_indirect *ind = (struct blkif_request_indirect *)req;
		done = grant_segments(bf, r, write, buf, count, bf->max_indirect, r->ind);
		memset(ind, 0, sizeof(*ind));
		ind->operation = BLKIF_OP_INDIRECT;
		ind->indirect_op = op;
		ind->nr_segments = (uint16_t)r->nr_grants;
		ind->id = id;
		ind->sector_number = sector;
		ind->handle = bf->handle;
		ind->indirect_grefs[0] = r->ind_ref;
		bf->stats.indirect++;
	} else {
		done = grant_segments(bf, r, write, buf, count, BLKIF_MAX_SEGMENTS_PER_REQUEST,
				      req->seg);
		req->operation = op;
		req->nr_segments = (uint8_t)r->nr_grants;
		req->handle = bf->handle;
		req->id = id;
		req->sector_number = sector;
	}
	if (!done) /* out of grants: the request goes out empty and fails */
		call->err = -XEN_ENOSPC;
	return done;
}

/*
 * build_rw for a transfer inside one page (a random 4 KiB read, or less):
 * the same request (one segment, first_sect..last_sect in the page) from
 * one frame and one grant lookup, without the segment loop's set-up,
 * the indirect test and the trimming after it.
 */
static uint64_t build_page(struct blkfront *bf, struct blkfront_call *call, bool write,
			   uint64_t sector, uint8_t *buf, uint64_t count)
{
	unsigned int id, first = (unsigned int)(((uintptr_t)buf % PAGE_SIZE) / BLKIF_SECTOR_SIZE);
	struct blkif_request *req = get_slot(bf, call, &id);
	unsigned long mfn;

	if (!req)
		return 0;
	struct blkfront_req *r = &bf->req[id];
	va_to_mfns(buf, 1, &mfn);
	int ref = blkfront_pgnt_hit(&bf->persist, mfn, &r->pent[0]);
	if (ref >= 0)
		bf->stats.pgnt_hits++;
	else
		ref = blkfront_seg_grant(bf, mfn, write, &r->pent[0]);
	req->operation = write ? BLKIF_OP_WRITE : BLKIF_OP_READ;
	req->handle = bf->handle;
	req->id = id;
	req->sector_number = sector;
	if (ref < 0) { /* out of grants: the request goes out empty and fails */
		req->nr_segments = 0;
		call->err = -XEN_ENOSPC;
		return 0;
	}
	req->nr_segments = 1;
	req->seg[0] = (struct blkif_request_segment){.gref = (grant_ref_t)ref,
						     .first_sect = (uint8_t)first,
						     .last_sect = (uint8_t)(first + count - 1)};
	r->grants[0] = (grant_ref_t)ref;
	r->nr_grants = 1;
	return count;
}

/*
 * The backend still maps pages of this call's finished requests: retry
 * the late revokes, pausing between tries, until none of them is left.
 * A backend that never lets go keeps the caller waiting, as one that
 * never answers would; it never gets the page back under the backend.
 */
static void await_revokes(struct blkfront *bf, struct blkfront_call *call)
{
	bf->stats.held_calls++;
	for (unsigned int pauses = 0;; pauses++) {
		gnttab_retry_late();
		if (!call->held)
			return;
		if (pauses == HOLD_LOG_PAUSES)
			printk("blkfront: vbd %u: backend d%u still maps %u pages of a finished "
			       "request; the caller waits\n",
			       bf->handle, bf->back_id, call->held);
		bf->pause(bf);
	}
}

static int run_call(struct blkfront *bf, struct blkfront_call *call)
{
	if (bf->connected) /* else the ring may be gone (blkfront_ring_free) */
		push(bf);
	while (call->outstanding)
		wait_responses(bf);
	if (call->held)
		await_revokes(bf, call);
	return call->err;
}

static bool range_ok(const struct blkfront *bf, uint64_t sector, uint64_t count)
{
	uint32_t k = bf->sector_size / BLKIF_SECTOR_SIZE;

	return count && sector <= bf->sectors && count <= bf->sectors - sector && sector % k == 0 &&
	       count % k == 0;
}

/* Whether a transfer of count sectors at sector to or from buf may be queued. */
static bool piece_ok(const struct blkfront *bf, uint64_t sector, const void *buf, uint64_t count)
{
	return (uintptr_t)buf % BLKIF_SECTOR_SIZE == 0 && range_ok(bf, sector, count);
}

/* Every request of one transfer into call; pushed only if the ring fills. */
static void queue_rw(struct blkfront *bf, struct blkfront_call *call, bool write, uint64_t sector,
		     uint8_t *p, uint64_t count)
{
	while (count && !call->err) {
		bool one_page = (uintptr_t)p % PAGE_SIZE + count * BLKIF_SECTOR_SIZE <= PAGE_SIZE;
		uint64_t n = one_page ? build_page(bf, call, write, sector, p, count)
				      : build_rw(bf, call, write, sector, p, count);
		if (!n && !call->err)
			call->err = -XEN_ENOTCONN;
		sector += n;
		p += n * BLKIF_SECTOR_SIZE;
		count -= n;
	}
}

int blkfront_rw(struct blkfront *bf, bool write, uint64_t sector, void *buf, uint64_t count)
{
	struct blkfront_call call = {0};

	if (!bf->connected)
		return -XEN_ENOTCONN;
	if (!piece_ok(bf, sector, buf, count))
		return -XEN_EINVAL;
	if (gnttab_late())
		gnttab_retry_late();
	queue_rw(bf, &call, write, sector, buf, count);
	return run_call(bf, &call);
}

int blkfront_rw_vec(struct blkfront *bf, bool write, const struct block_vec *v, unsigned int n)
{
	struct blkfront_call call = {0};

	if (!bf->connected)
		return -XEN_ENOTCONN;
	if (!n || n > BLOCK_VEC_MAX)
		return -XEN_EINVAL;
	for (unsigned int i = 0; i < n; i++)
		if (!piece_ok(bf, v[i].sector, v[i].buf, v[i].count))
			return -XEN_EINVAL;
	if (gnttab_late())
		gnttab_retry_late();
	for (unsigned int i = 0; i < n && !call.err; i++)
		queue_rw(bf, &call, write, v[i].sector, v[i].buf, v[i].count);
	return run_call(bf, &call);
}

int blkfront_flush(struct blkfront *bf)
{
	struct blkfront_call call = {0};
	unsigned int id;

	if (!bf->connected)
		return -XEN_ENOTCONN;
	if (!bf->can_flush)
		return 0; /* no write cache to flush */
	struct blkif_request *req = get_slot(bf, &call, &id);
	if (!req)
		return -XEN_ENOTCONN;
	memset(req, 0, sizeof(*req));
	req->operation = BLKIF_OP_FLUSH_DISKCACHE;
	req->handle = bf->handle;
	req->id = id;
	int rc = run_call(bf, &call);
	if (rc != -XEN_EOPNOTSUPP)
		return rc;
	/*
	 * The backend offered feature-flush-cache but cannot flush after all
	 * (blkif.h: BLKIF_RSP_EOPNOTSUPP).  As Xen's frontends do, drop the
	 * feature for this connection: this flush counts as done, none is
	 * sent again (so this is logged once), and writes are unaffected.
	 */
	bf->can_flush = false;
	printk("blkfront: vbd %u: the backend cannot flush; flushes turned off\n", bf->handle);
	return 0;
}

int blkfront_discard(struct blkfront *bf, uint64_t sector, uint64_t count)
{
	struct blkfront_call call = {0};
	unsigned int id;

	if (!bf->connected)
		return -XEN_ENOTCONN;
	if (!bf->can_discard)
		return -XEN_EOPNOTSUPP;
	if (!range_ok(bf, sector, count))
		return -XEN_EINVAL;
	struct blkif_request_discard *d = (struct blkif_request_discard *)get_slot(bf, &call, &id);
	if (!d)
		return -XEN_ENOTCONN;
	*d = (struct blkif_request_discard){.operation = BLKIF_OP_DISCARD,
					    .handle = bf->handle,
					    .id = id,
					    .sector_number = sector,
					    .nr_sectors = count};
	return run_call(bf, &call);
}
