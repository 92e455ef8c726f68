/*
 * blkfront against blkback in one process (harness.h): the ring's
 * event-index rule, transfers of every shape (one sector, page-crossing
 * offsets, 11 segments, indirect, long trains that fill the ring),
 * flush and discard on a RAM disk, one notification per batch, no grant
 * left behind; and the backend against a hostile frontend: bad segment
 * counts, bad sectors, bad grant references, unknown operations, a
 * frontend that dies mid-I/O.  Every bad request gets an error response
 * and changes nothing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "harness.h"
#include <back/blkback.h>
#include <back/ramdisk.h>
#include <core/gnttab.h>
#include <mm/mm.h>
#include <front/blkfront.h>
#include <public/errno.h>

#define DISK_BYTES (4u << 20)
#define DISK_SECT  (DISK_BYTES / 512)

static struct device *disk;
static bool dma_mode; /* the backend's DMA path (a device with submit_bus) */
static struct vbd vbd;
static struct blkfront bf;
static unsigned int base_grants; /* the ring and the indirect pages */

int blk_xendev_tests(void);
int blk_persist_tests(void);
int blk_vec_tests(void);
int blk_close_tests(void);

static void front_up(bool readonly, unsigned int max_indirect)
{
	h_reset();
	disk = ramdisk_create("ram0", DISK_BYTES);
	assert_non_null(disk);
	assert_int_equal(
		vbd_init(&vbd, FRONT_ID, dma_mode ? h_dma_disk(disk) : disk, 0, 0, readonly), 0);
	assert_int_equal(vbd.dma, dma_mode);
	h_front_up(&bf, &vbd, false);
	bf.can_flush = true;
	bf.can_discard = vbd_can_discard(&vbd);
	bf.max_indirect = max_indirect;
	base_grants = gnttab_in_use();
	assert_int_equal(base_grants, 1 + BLKFRONT_RING_SIZE);
}

static int setup(void **state)
{
	(void)state;
	front_up(false, BLKFRONT_MAX_INDIRECT);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	assert_int_equal(blkfront_ring_free(&bf), 0);
	assert_int_equal(gnttab_in_use(), 0);
	vbd_free(&vbd);
	ramdisk_destroy(disk);
	return 0;
}

/* Page-aligned memory (aligned_alloc wants a multiple of the alignment). */
static void *palloc(size_t n)
{
	return aligned_alloc(PAGE_SIZE, (n + PAGE_SIZE - 1) & ~(size_t)(PAGE_SIZE - 1));
}

static void fill(uint8_t *p, size_t n, unsigned int seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(seed * 131 + i * 7 + (i >> 9));
}

static void test_notify_rule(void **state)
{
	(void)state;
	/* Notify iff event lies in (old, new], modulo 2^32. */
	assert_true(RING_NEED_NOTIFY(0, 1, 1));
	assert_false(RING_NEED_NOTIFY(1, 2, 1));
	assert_true(RING_NEED_NOTIFY(1, 5, 5));
	assert_true(RING_NEED_NOTIFY(1, 5, 2));
	assert_false(RING_NEED_NOTIFY(1, 5, 6));
	assert_true(RING_NEED_NOTIFY(0xfffffffeu, 2, 0));
	assert_true(RING_NEED_NOTIFY(0xfffffffeu, 2, 0xffffffffu));
	assert_false(RING_NEED_NOTIFY(0xfffffffeu, 2, 0xfffffffeu));
	assert_false(RING_NEED_NOTIFY(5, 5, 5)); /* nothing new */
}

static void test_ring_indices(void **state)
{
	(void)state;
	static uint8_t page[PAGE_SIZE] __attribute__((aligned(4096)));
	struct blkif_sring *s = (void *)page;
	struct blkif_front_ring f;
	struct blkif_back_ring b;
	bool notify;
	int more;

	SHARED_RING_INIT(s);
	FRONT_RING_INIT(&f, s, PAGE_SIZE);
	BACK_RING_INIT(&b, s, PAGE_SIZE);
	assert_int_equal(RING_SIZE(&f), 32);
	assert_int_equal(sizeof(struct blkif_request), 112);
	assert_int_equal(sizeof(struct blkif_response), 16);
	/* Start near the wrap so the indices cross 2^32. */
	f.req_prod_pvt = f.rsp_cons = s->req_prod = s->rsp_prod = 0xfffffff0u;
	b.rsp_prod_pvt = b.req_cons = 0xfffffff0u;
	s->req_event = s->rsp_event = 0xfffffff1u;
	for (int round = 0; round < 4; round++) {
		unsigned int n = 20;
		for (unsigned int i = 0; i < n; i++)
			RING_GET_REQUEST(&f, f.req_prod_pvt++)->id = round * 100 + i;
		RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&f, notify);
		assert_true(notify); /* the backend asked to hear about the next one */
		assert_int_equal(RING_FREE_REQUESTS(&f), 12);
		assert_int_equal(RING_HAS_UNCONSUMED_REQUESTS(&b), n);
		for (unsigned int i = 0; i < n; i++) {
			struct blkif_request r;
			RING_COPY_REQUEST(&b, b.req_cons, &r);
			b.req_cons++;
			RING_GET_RESPONSE(&b, b.rsp_prod_pvt++)->id = r.id;
		}
		RING_FINAL_CHECK_FOR_REQUESTS(&b, more);
		assert_false(more);
		assert_int_equal(s->req_event, b.req_cons + 1);
		RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&b, notify);
		assert_true(notify);
		for (unsigned int i = 0; i < n; i++)
			assert_int_equal(RING_GET_RESPONSE(&f, f.rsp_cons++)->id, round * 100 + i);
		RING_FINAL_CHECK_FOR_RESPONSES(&f, more);
		assert_false(more);
		/* A second push without news must not notify. */
		RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&f, notify);
		assert_false(notify);
	}
	/* A lying frontend: req_prod far ahead is clamped to what fits. */
	s->req_prod = b.req_cons + 1000;
	assert_int_equal(RING_HAS_UNCONSUMED_REQUESTS(&b), 32);
}

/* Write then read back `sectors` at `sector` through a buffer at byte offset `off`. */
static void round_trip(uint64_t sector, uint64_t sectors, size_t off, unsigned int seed)
{
	size_t len = sectors * 512;
	uint8_t *wbuf = palloc(len + off + PAGE_SIZE);
	uint8_t *rbuf = palloc(len + off + PAGE_SIZE);
	uint8_t *check = malloc(len);

	fill(wbuf + off, len, seed);
	memset(rbuf, 0xee, len + off);
	assert_int_equal(blkfront_rw(&bf, true, sector, wbuf + off, sectors), 0);
	assert_int_equal(gnttab_in_use(), base_grants);
	assert_int_equal(disk->block->read(disk, sector, (uint32_t)sectors, check), 0);
	assert_memory_equal(check, wbuf + off, len);
	assert_int_equal(blkfront_rw(&bf, false, sector, rbuf + off, sectors), 0);
	assert_memory_equal(rbuf + off, wbuf + off, len);
	assert_int_equal(gnttab_in_use(), base_grants);
	assert_int_equal(h_dev_maps, 0); /* nothing stays mapped after a batch */
	assert_true(dma_mode ? vbd.stats.dma_segs > 0 : vbd.stats.dma_batches == 0);
	free(wbuf);
	free(rbuf);
	free(check);
}

static void test_shapes(void **state)
{
	(void)state;
	round_trip(0, 1, 0, 1);
	round_trip(7, 1, 3584, 2);   /* last sector of a page */
	round_trip(100, 3, 3584, 3); /* crosses a page of the buffer */
	round_trip(150, 2, 1024, 9); /* inside a page, away from both ends */
	round_trip(200, 88, 0, 4);   /* 11 full pages: one plain request */
	assert_int_equal(bf.stats.indirect, 0);
	round_trip(1000, 96, 512, 5); /* 13 pages: indirect */
	assert_true(bf.stats.indirect >= 2);
	round_trip(DISK_SECT - 8, 8, 0, 6); /* the last page of the disk */
}

static void test_train_one_notify_per_batch(void **state)
{
	(void)state;
	/* 2 MiB = 512 pages = 8 indirect requests of 64 segments each way: one batch. */
	unsigned long kicks = h_back_kicks, reqs = bf.stats.requests;
	round_trip(4096, 4096, 0, 7);
	assert_int_equal(bf.stats.requests - reqs, 2 * 512 / BLKFRONT_MAX_INDIRECT);
	assert_int_equal(h_back_kicks - kicks, 2); /* one per direction */
	assert_int_equal(vbd.stats.notifies, 2);
	/* Without indirect segments: 2 MiB is 47 requests, more than the ring holds. */
	bf.max_indirect = 0;
	kicks = h_back_kicks;
	round_trip(0, 4096, 0, 8);
	assert_true(h_back_kicks - kicks >= 4 && h_back_kicks - kicks <= 6);
	assert_int_equal(bf.stats.errors, 0);
	assert_int_equal(bf.stats.stray, 0);
}

/*
 * The backend answers at the notification, before the frontend looks
 * (the kick handed it the CPU): the frontend takes the responses without
 * having asked to be notified, so the backend sends no notification
 * after the first; when the frontend must wait, it asks, and is told.
 */
static void test_answered_at_kick(void **state)
{
	(void)state;
	unsigned long notifies = vbd.stats.notifies;
	h_back_at_kick = true;
	for (unsigned int i = 0; i < 8; i++)
		round_trip(8 * i, 8, 0, 20 + i);
	assert_true(vbd.stats.notifies - notifies <= 1);
	h_back_at_kick = false;
	notifies = vbd.stats.notifies;
	round_trip(0, 8, 0, 30);
	assert_int_equal(vbd.stats.notifies - notifies, 2); /* one wait each way */
	assert_int_equal(bf.stats.errors + bf.stats.stray, 0);
}

/*
 * An older backend: it offered feature-flush-cache, but its disk cannot
 * flush, so it answers every flush BLKIF_RSP_EOPNOTSUPP (blkif.h); the
 * real backend core decodes and carries out everything else, one request
 * at a time, and asks for the next notification as blkback_service does.
 */
static unsigned int flushes_refused;

static bool serve_without_flush(struct vbd *v)
{
	bool notify;
	int more;

	do {
		while (RING_HAS_UNCONSUMED_REQUESTS(&v->ring)) {
			struct blkif_request req;
			struct blkback_io io;
			RING_COPY_REQUEST(&v->ring, v->ring.req_cons, &req);
			v->ring.req_cons++;
			int st = blkback_decode(v, &req, &io);
			if (st == BLKIF_RSP_OKAY && req.operation == BLKIF_OP_FLUSH_DISKCACHE) {
				st = BLKIF_RSP_EOPNOTSUPP;
				flushes_refused++;
			} else if (st == BLKIF_RSP_OKAY) {
				st = blkback_execute(v, &io);
			}
			blkback_respond(v, &io, st);
		}
		RING_FINAL_CHECK_FOR_REQUESTS(&v->ring, more);
	} while (more);
	RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&v->ring, notify);
	return notify;
}

/*
 * Such a backend takes the feature back: the first flush is refused, the
 * frontend drops can_flush (the flush counts as done, as in Xen's
 * frontends), sends no flush again, and writes, reads and vectored writes
 * go on working.  Before the fix every flush went out again and failed
 * with -XEN_EOPNOTSUPP.
 */
static void test_flush_unsupported(void **state)
{
	(void)state;
	uint8_t *out = palloc(16 * 512), *in = palloc(16 * 512);

	h_serve = serve_without_flush;
	flushes_refused = 0;
	fill(out, 16 * 512, 41);
	assert_int_equal(blkfront_rw(&bf, true, 0, out, 8), 0);
	assert_true(bf.can_flush);
	assert_int_equal(blkfront_flush(&bf), 0);
	assert_int_equal(flushes_refused, 1);
	assert_false(bf.can_flush);
	unsigned long sent = bf.stats.requests;
	for (int i = 0; i < 3; i++)
		assert_int_equal(blkfront_flush(&bf), 0);
	assert_int_equal(bf.stats.requests, sent); /* no flush left the frontend */
	assert_int_equal(flushes_refused, 1);
	assert_int_equal(blkfront_rw(&bf, true, 8, out + 8 * 512, 8), 0);
	const struct block_vec v[2] = {{16, 4, out}, {40, 4, out + 4 * 512}};
	assert_int_equal(blkfront_rw_vec(&bf, true, v, 2), 0);
	assert_int_equal(blkfront_rw(&bf, false, 0, in, 16), 0);
	assert_memory_equal(in, out, 16 * 512);
	assert_int_equal(blkfront_rw(&bf, false, 40, in, 4), 0);
	assert_memory_equal(in, out + 4 * 512, 4 * 512);
	assert_int_equal(bf.in_flight, 0);
	free(out);
	free(in);
}

static void test_flush_discard(void **state)
{
	(void)state;
	round_trip(0, 64, 0, 9);
	unsigned long pages = ramdisk_pages(disk);
	assert_int_equal(pages, 8);
	assert_int_equal(blkfront_flush(&bf), 0);
	assert_int_equal(blkfront_discard(&bf, 8, 48), 0);
	assert_int_equal(ramdisk_pages(disk), 2);
	uint8_t *buf = palloc(64 * 512), zero[512] = {0};
	assert_int_equal(blkfront_rw(&bf, false, 0, buf, 64), 0);
	for (int s = 8; s < 56; s++)
		assert_memory_equal(buf + s * 512, zero, 512);
	assert_int_equal(blkfront_discard(&bf, DISK_SECT - 1, 2), -XEN_EINVAL);
	free(buf);
}

static void test_bad_calls(void **state)
{
	(void)state;
	uint8_t *buf = palloc(2 * PAGE_SIZE);
	assert_int_equal(blkfront_rw(&bf, false, DISK_SECT, buf, 1), -XEN_EINVAL);
	assert_int_equal(blkfront_rw(&bf, false, DISK_SECT - 1, buf, 2), -XEN_EINVAL);
	assert_int_equal(blkfront_rw(&bf, false, 0, buf + 1, 1), -XEN_EINVAL);
	assert_int_equal(blkfront_rw(&bf, false, 0, buf, 0), -XEN_EINVAL);
	free(buf);
}

/* --- a hostile frontend: raw requests straight onto the ring --- */

#define raw(req) raw_n(req, sizeof(*(req)))

static int16_t raw_n(const void *req, size_t size)
{
	struct blkif_front_ring *f = &bf.ring;
	memset(RING_GET_REQUEST(f, f->req_prod_pvt), 0, sizeof(struct blkif_request));
	memcpy(RING_GET_REQUEST(f, f->req_prod_pvt), req, size);
	f->req_prod_pvt++;
	RING_PUSH_REQUESTS(f);
	blkback_service(&vbd);
	assert_int_equal(bf.sring->rsp_prod, f->rsp_cons + 1);
	struct blkif_response *rsp = RING_GET_RESPONSE(f, f->rsp_cons++);
	assert_int_equal(rsp->id, 0x1234);
	return rsp->status;
}

static uint8_t page_a[PAGE_SIZE] __attribute__((aligned(4096)));

static struct blkif_request rw(uint8_t op, uint64_t sector, unsigned int nseg, grant_ref_t ref)
{
	struct blkif_request r = {.operation = op,
				  .nr_segments = (uint8_t)nseg,
				  .id = 0x1234,
				  .sector_number = sector};
	for (unsigned int i = 0; i < BLKIF_MAX_SEGMENTS_PER_REQUEST; i++)
		r.seg[i] = (struct blkif_request_segment){
			.gref = ref, .first_sect = 0, .last_sect = 7};
	return r;
}

static void test_hostile_requests(void **state)
{
	(void)state;
	int ref = gnttab_grant(BACK_ID, va_to_mfn(page_a), false);
	int ro = gnttab_grant(BACK_ID, va_to_mfn(page_a), true);
	int other = gnttab_grant(5, va_to_mfn(page_a), false);
	assert_true(ref > 0 && ro > 0 && other > 0);
	struct blkif_request r = rw(BLKIF_OP_WRITE, 0, 1, (grant_ref_t)ref);
	fill(page_a, PAGE_SIZE, 11);
	assert_int_equal(raw(&r), BLKIF_RSP_OKAY);
	unsigned long pages = ramdisk_pages(disk);

	r = rw(BLKIF_OP_READ, 0, 0, ref); /* no segments */
	assert_int_equal(raw(&r), BLKIF_RSP_ERROR);
	r = rw(BLKIF_OP_WRITE, 8, 12, ref); /* one too many */
	assert_int_equal(raw(&r), BLKIF_RSP_ERROR);
	r = rw(BLKIF_OP_WRITE, 8, 255, ref);
	assert_int_equal(raw(&r), BLKIF_RSP_ERROR);
	r = rw(BLKIF_OP_WRITE, 8, 1, ref);
	r.seg[0].first_sect = 5, r.seg[0].last_sect = 4; /* backwards */
	assert_int_equal(raw(&r), BLKIF_RSP_ERROR);
	r.seg[0].first_sect = 0, r.seg[0].last_sect = 8; /* past the page */
	assert_int_equal(raw(&r), BLKIF_RSP_ERROR);
	r = rw(BLKIF_OP_WRITE, DISK_SECT - 7, 1, ref); /* past the end */
	assert_int_equal(raw(&r), BLKIF_RSP_ERROR);
	r = rw(BLKIF_OP_WRITE, UINT64_MAX - 3, 1, ref); /* wraps around */
	assert_int_equal(raw(&r), BLKIF_RSP_ERROR);
	r = rw(BLKIF_OP_WRITE, 8, 1, GRANT_SLOTS + 5); /* no such grant */
	assert_int_equal(raw(&r), BLKIF_RSP_ERROR);
	r = rw(BLKIF_OP_WRITE, 8, 1, 3000000000u);
	assert_int_equal(raw(&r), BLKIF_RSP_ERROR);
	r = rw(BLKIF_OP_WRITE, 8, 1, 900); /* never granted */
	assert_int_equal(raw(&r), BLKIF_RSP_ERROR);
	r = rw(BLKIF_OP_WRITE, 8, 1, other); /* granted to someone else */
	assert_int_equal(raw(&r), BLKIF_RSP_ERROR);
	r = rw(BLKIF_OP_READ, 0, 1, ro); /* a read into a read-only grant */
	assert_int_equal(raw(&r), BLKIF_RSP_ERROR);
	r = rw(BLKIF_OP_WRITE, 8, 2, ref); /* second segment bad: nothing written */
	r.seg[1].gref = 900;
	assert_int_equal(raw(&r), BLKIF_RSP_ERROR);
	r = rw(BLKIF_OP_WRITE_BARRIER, 8, 1, ref);
	assert_int_equal(raw(&r), BLKIF_RSP_EOPNOTSUPP);
	r = rw(BLKIF_OP_RESERVED_1, 8, 1, ref);
	assert_int_equal(raw(&r), BLKIF_RSP_EOPNOTSUPP);
	r = rw(200, 8, 1, ref);
	assert_int_equal(raw(&r), BLKIF_RSP_EOPNOTSUPP);
	assert_int_equal(ramdisk_pages(disk), pages); /* nothing written by any of these */

	struct blkif_request_indirect ind = {.operation = BLKIF_OP_INDIRECT,
					     .indirect_op = BLKIF_OP_WRITE,
					     .nr_segments = 0,
					     .id = 0x1234,
					     .sector_number = 64};
	assert_int_equal(raw(&ind), BLKIF_RSP_ERROR);
	ind.nr_segments = BLKBACK_MAX_INDIRECT_SEGS + 1;
	assert_int_equal(raw(&ind), BLKIF_RSP_ERROR);
	ind.nr_segments = 4;
	ind.indirect_grefs[0] = 900; /* indirect page not granted */
	assert_int_equal(raw(&ind), BLKIF_RSP_ERROR);
	ind.indirect_op = BLKIF_OP_FLUSH_DISKCACHE;
	assert_int_equal(raw(&ind), BLKIF_RSP_ERROR);
	/* An indirect page full of bad segments. */
	struct blkif_request_segment *segs = bf.req[0].ind;
	for (int i = 0; i < 4; i++)
		segs[i] = (struct blkif_request_segment){
			.gref = ref, .first_sect = 0, .last_sect = 7};
	segs[3].last_sect = 9;
	ind.indirect_op = BLKIF_OP_WRITE;
	ind.indirect_grefs[0] = bf.req[0].ind_ref;
	assert_int_equal(raw(&ind), BLKIF_RSP_ERROR);
	segs[3].last_sect = 7;
	assert_int_equal(raw(&ind), BLKIF_RSP_OKAY); /* now it is fine */
	assert_int_equal(ramdisk_pages(disk), pages + 4);

	struct blkif_request_discard d = {
		.operation = BLKIF_OP_DISCARD, .id = 0x1234, .sector_number = 64, .nr_sectors = 0};
	assert_int_equal(raw(&d), BLKIF_RSP_ERROR);
	d.nr_sectors = UINT64_MAX;
	assert_int_equal(raw(&d), BLKIF_RSP_ERROR);
	d.nr_sectors = 32;
	assert_int_equal(raw(&d), BLKIF_RSP_OKAY);
	assert_int_equal(ramdisk_pages(disk), pages);
	assert_true(vbd.stats.errors >= 20);
	assert_int_equal(gnttab_revoke(ref), 0);
	assert_int_equal(gnttab_revoke(ro), 0);
	assert_int_equal(gnttab_revoke(other), 0);
}

/*
 * DMA path: four one-page writes at sectors 64, 72, 80, 88 (ids 0..3) in
 * one call of blkback_service, request `odd` spoilt by spoil(); the
 * responses must come in the order `order`, only `odd` failing, and only
 * its sectors must stay unwritten.  One device call for the batch.
 */
static void four_writes(unsigned int odd, void (*spoil)(struct blkif_request *r),
			const uint64_t order[4])
{
	uint8_t *buf = palloc(4 * PAGE_SIZE);
	grant_ref_t refs[4];
	fill(buf, 4 * PAGE_SIZE, 21 + odd);
	for (unsigned int i = 0; i < 4; i++) {
		refs[i] = (grant_ref_t)gnttab_grant(BACK_ID, va_to_mfn(buf + i * PAGE_SIZE), true);
		struct blkif_request r = rw(BLKIF_OP_WRITE, 64 + i * 8, 1, refs[i]);
		r.id = i;
		if (i == odd)
			spoil(&r);
		*RING_GET_REQUEST(&bf.ring, bf.ring.req_prod_pvt++) = r;
	}
	RING_PUSH_REQUESTS(&bf.ring);
	unsigned long calls = h_dma_calls;
	assert_true(blkback_service(&vbd));
	assert_int_equal(h_dma_calls - calls, 1); /* one device call for the batch */
	assert_int_equal(h_dev_maps, 0);
	for (unsigned int i = 0; i < 4; i++) {
		struct blkif_response *rsp = RING_GET_RESPONSE(&bf.ring, bf.ring.rsp_cons++);
		assert_int_equal(rsp->id, order[i]);
		assert_int_equal(rsp->status, order[i] == odd ? BLKIF_RSP_ERROR : BLKIF_RSP_OKAY);
	}
	assert_int_equal(bf.sring->rsp_prod, bf.ring.rsp_cons);
	uint8_t check[PAGE_SIZE], zero[PAGE_SIZE] = {0};
	for (unsigned int i = 0; i < 4; i++) {
		assert_int_equal(disk->block->read(disk, 64 + i * 8, 8, check), 0);
		assert_memory_equal(check, i == odd ? zero : buf + i * PAGE_SIZE, PAGE_SIZE);
	}
	for (unsigned int i = 0; i < 4; i++)
		assert_int_equal(gnttab_revoke(refs[i]), 0);
	free(buf);
}

static void bad_grant(struct blkif_request *r)
{
	r->seg[0].gref = 900;
}

/* A bad grant fails its map inside the batch: only that request fails. */
static void test_dma_batch_with_bad_request(void **state)
{
	(void)state;
	static const uint64_t order[4] = {0, 1, 2, 3};
	unsigned long maps = h_map_ops;
	four_writes(2, bad_grant, order);
	assert_int_equal(h_map_ops - maps, 4); /* one map per segment, one hypercall */
}

static void past_the_page(struct blkif_request *r)
{
	r->seg[0].last_sect = 8;
}

/*
 * A direct write that decode refuses (a segment past its page) between
 * good ones is answered at once and never joins the batch (take_rw).
 */
static void test_dma_batch_with_refused_request(void **state)
{
	(void)state;
	static const uint64_t order[4] = {1, 0, 2, 3}; /* the refused one first */
	four_writes(1, past_the_page, order);
}

/*
 * The backend notifies before it re-arms req_event (vbd.kick): a frontend
 * that runs at the notification (one CPU) and posts its next request
 * then sends no notification, and the backend serves that request in
 * the same call; after BLKBACK_KICK_ROUNDS kicking rounds it stops with
 * vbd.again.  Once it is done, a new request must notify again.
 */
#define KICK_READS 10
static unsigned int kick_posts, kick_count, kick_notifies, kick_answers;
static grant_ref_t kick_ref;

static void post_read(unsigned int id)
{
	struct blkif_request r = rw(BLKIF_OP_READ, id * 8, 1, kick_ref);
	bool notify;

	r.id = id;
	*RING_GET_REQUEST(&bf.ring, bf.ring.req_prod_pvt++) = r;
	RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&bf.ring, notify);
	kick_notifies += notify;
}

static void take_answers(void)
{
	int more;

	while (bf.ring.rsp_cons != bf.sring->rsp_prod) {
		struct blkif_response *rsp = RING_GET_RESPONSE(&bf.ring, bf.ring.rsp_cons++);
		assert_int_equal(rsp->id, kick_answers);
		assert_int_equal(rsp->status, BLKIF_RSP_OKAY);
		kick_answers++;
	}
	RING_FINAL_CHECK_FOR_RESPONSES(&bf.ring, more); /* re-arm rsp_event */
	assert_false(more);
}

static void front_runs_at_kick(struct vbd *v)
{
	(void)v;
	kick_count++;
	take_answers();
	if (kick_posts < KICK_READS)
		post_read(kick_posts++);
}

static void test_kick_before_rearm(void **state)
{
	(void)state;
	unsigned int calls = 0;

	kick_ref = (grant_ref_t)gnttab_grant(BACK_ID, va_to_mfn(page_a), false);
	kick_posts = kick_count = kick_notifies = kick_answers = 0;
	vbd.kick = front_runs_at_kick;
	post_read(kick_posts++);
	assert_int_equal(kick_notifies, 1); /* the backend asked for the first */
	do {
		assert_false(blkback_service(&vbd)); /* it notified by itself */
		calls++;
	} while (vbd.again);
	assert_int_equal(kick_answers, KICK_READS);
	assert_int_equal(kick_count, KICK_READS);
	assert_int_equal(kick_notifies, 1); /* none while the backend ran */
	assert_int_equal(calls, (KICK_READS + BLKBACK_KICK_ROUNDS - 1) / BLKBACK_KICK_ROUNDS);
	post_read(KICK_READS); /* the backend is done: req_event is ahead again */
	assert_int_equal(kick_notifies, 2);
	vbd.kick = NULL;
	assert_true(blkback_service(&vbd));
	assert_false(vbd.again);
	take_answers();
	assert_int_equal(kick_answers, KICK_READS + 1);
	assert_int_equal(gnttab_revoke(kick_ref), 0);
}

/*
 * A frontend on another CPU that posts a request whenever the backend
 * reads the disk, never asks to be notified (rsp_event far ahead) and
 * does not wait for room in the ring: no round kicks, but the one worker
 * must still stop after BLKBACK_KICK_ROUNDS rounds of at most a ring's
 * worth (vbd.again) so the other vbds get served.  Before, only rounds
 * that kicked were counted and a round went on while requests came: one
 * call served this frontend for as long as it kept posting.
 */
#define GREEDY_POSTS 1000
static const struct block_ops *greedy_real;

static int greedy_read(struct device *d, uint64_t sector, uint32_t count, void *buf)
{
	if (kick_posts < GREEDY_POSTS)
		post_read(kick_posts++);
	bf.ring.rsp_cons = bf.sring->rsp_prod; /* answers taken, none asked for */
	return greedy_real->read(d, sector, count, buf);
}

static void no_kick(struct vbd *v)
{
	(void)v;
	kick_count++;
}

static void test_greedy_front_yields(void **state)
{
	(void)state;
	struct block_ops ops = *disk->block;
	unsigned long most = 0, calls = 0;

	kick_ref = (grant_ref_t)gnttab_grant(BACK_ID, va_to_mfn(page_a), false);
	kick_posts = kick_count = kick_notifies = 0;
	greedy_real = disk->block;
	ops.read = greedy_read;
	disk->block = &ops;
	vbd.kick = no_kick;
	post_read(kick_posts++);
	bf.sring->rsp_event = bf.ring.rsp_cons + (1u << 30); /* never notify */
	do {
		unsigned long before = vbd.stats.requests;
		blkback_service(&vbd);
		if (vbd.stats.requests - before > most)
			most = vbd.stats.requests - before;
		calls++;
	} while (vbd.again);
	disk->block = greedy_real;
	vbd.kick = NULL;
	bf.ring.rsp_cons = bf.sring->rsp_prod;
	assert_int_equal(kick_count, 0);
	assert_int_equal(kick_posts, GREEDY_POSTS);
	assert_int_equal(vbd.stats.requests, GREEDY_POSTS);
	assert_true(most <= BLKBACK_KICK_ROUNDS * RING_SIZE(&vbd.ring));
	assert_true(calls > 1);
	assert_int_equal(gnttab_revoke(kick_ref), 0);
}

/* A one-page transfer with no grant to be had: the call fails, nothing leaks. */
static void test_one_page_out_of_grants(void **state)
{
	(void)state;
	uint8_t *buf = palloc(PAGE_SIZE);
	static grant_ref_t taken[GRANT_SLOTS];
	unsigned int n = 0;
	int ref;
	while ((ref = gnttab_grant(BACK_ID, va_to_mfn(page_a), true)) >= 0)
		taken[n++] = (grant_ref_t)ref;
	unsigned long errors = vbd.stats.errors;
	assert_int_equal(blkfront_rw(&bf, false, 8, buf + 1024, 2), -XEN_ENOSPC);
	assert_int_equal(vbd.stats.errors - errors, 1); /* it went out empty and was refused */
	assert_int_equal(bf.in_flight, 0);
	while (n)
		assert_int_equal(gnttab_revoke(taken[--n]), 0);
	assert_int_equal(gnttab_in_use(), base_grants);
	round_trip(8, 2, 1024, 24); /* and works again */
	free(buf);
}

static void test_readonly_vbd(void **state)
{
	(void)state;
	teardown(NULL);
	front_up(true, 0);
	uint8_t *buf = palloc(PAGE_SIZE);
	assert_int_equal(blkfront_rw(&bf, false, 0, buf, 8), 0);
	assert_int_equal(blkfront_rw(&bf, true, 0, buf, 8), -XEN_EIO);
	bf.can_discard = true; /* lie to get the request out */
	assert_int_equal(blkfront_discard(&bf, 0, 8), -XEN_EOPNOTSUPP);
	assert_int_equal(gnttab_in_use(), base_grants);
	free(buf);
}

static void test_dead_frontend(void **state)
{
	(void)state;
	/* Requests in flight, then the frontend's domain is gone. */
	uint8_t *buf = palloc(16 * PAGE_SIZE);
	struct blkfront_call call = {0};
	for (unsigned int i = 0; i < 4; i++) {
		struct blkif_request *r = RING_GET_REQUEST(&bf.ring, bf.ring.req_prod_pvt++);
		*r = rw(BLKIF_OP_WRITE, i * 8, 1, 0);
		r->id = i;
		r->seg[0].gref =
			(grant_ref_t)gnttab_grant(BACK_ID, va_to_mfn(buf + i * PAGE_SIZE), true);
		bf.req[i].in_use = true;
		bf.req[i].call = &call;
		bf.req[i].grants[0] = r->seg[0].gref;
		bf.req[i].pent[0] = BLKFRONT_PGNT_NONE; /* a one-request grant */
		bf.req[i].nr_grants = 1;
		bf.in_flight++;
		call.outstanding++;
	}
	RING_PUSH_REQUESTS(&bf.ring);
	h_front_dead = true;
	assert_false(blkback_service(&vbd) && false);
	assert_int_equal(vbd.stats.errors, 4); /* every copy failed, no crash */
	assert_int_equal(ramdisk_pages(disk), 0);
	/* The frontend side cleans up: every grant revoked. */
	assert_int_equal(blkfront_ring_free(&bf), 0);
	assert_int_equal(call.outstanding, 0);
	assert_int_equal(call.err, -XEN_EIO);
	assert_int_equal(gnttab_in_use(), 0);
	/* The backend is ready for the next domain. */
	h_front_dead = false;
	h_front_up(&bf, &vbd, false);
	base_grants = gnttab_in_use();
	round_trip(0, 16, 0, 12);
	free(buf);
}

static void test_vbd_window(void **state)
{
	(void)state;
	struct vbd w;
	assert_int_equal(vbd_init(&w, FRONT_ID, disk, 2048, 4096, false), 0);
	assert_int_equal(w.sectors, 4096);
	vbd_free(&w);
	assert_int_equal(vbd_init(&w, FRONT_ID, disk, DISK_SECT, 1, false), -XEN_EINVAL);
	assert_int_equal(vbd_init(&w, FRONT_ID, disk, 8, DISK_SECT, false), -XEN_EINVAL);
	assert_int_equal(vbd_init(&w, FRONT_ID, NULL, 0, 0, false), -XEN_EINVAL);
	/* A window: the frontend's sector 0 is the device's sector 2048. */
	teardown(NULL);
	h_reset();
	disk = ramdisk_create("ram1", DISK_BYTES);
	assert_int_equal(vbd_init(&vbd, FRONT_ID, disk, 2048, 1024, false), 0);
	h_front_up(&bf, &vbd, false);
	bf.sectors = 2048; /* lie: the backend must still refuse past 1024 */
	base_grants = gnttab_in_use();
	uint8_t *buf = palloc(PAGE_SIZE), check[512];
	fill(buf, PAGE_SIZE, 13);
	assert_int_equal(blkfront_rw(&bf, true, 0, buf, 1), 0);
	assert_int_equal(disk->block->read(disk, 2048, 1, check), 0);
	assert_memory_equal(check, buf, 512);
	assert_int_equal(blkfront_rw(&bf, true, 1020, buf, 8), -XEN_EIO);
	free(buf);
}

static int dma_on(void **state)
{
	(void)state;
	dma_mode = true;
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_notify_rule),
		cmocka_unit_test(test_ring_indices),
		cmocka_unit_test_setup_teardown(test_shapes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_train_one_notify_per_batch, setup, teardown),
		cmocka_unit_test_setup_teardown(test_answered_at_kick, setup, teardown),
		cmocka_unit_test_setup_teardown(test_flush_discard, setup, teardown),
		cmocka_unit_test_setup_teardown(test_flush_unsupported, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_calls, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hostile_requests, setup, teardown),
		cmocka_unit_test_setup_teardown(test_readonly_vbd, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dead_frontend, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vbd_window, setup, teardown),
		cmocka_unit_test_setup_teardown(test_one_page_out_of_grants, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kick_before_rearm, setup, teardown),
		cmocka_unit_test_setup_teardown(test_greedy_front_yields, setup, teardown),
	};
	const struct CMUnitTest dma_tests[] = {
		cmocka_unit_test_setup_teardown(test_shapes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_train_one_notify_per_batch, setup, teardown),
		cmocka_unit_test_setup_teardown(test_flush_discard, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hostile_requests, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dma_batch_with_bad_request, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dma_batch_with_refused_request, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_one_page_out_of_grants, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kick_before_rearm, setup, teardown),
		cmocka_unit_test_setup_teardown(test_readonly_vbd, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dead_frontend, setup, teardown),
	};
	int failed = cmocka_run_group_tests_name("blk", tests, NULL, NULL);
	failed += cmocka_run_group_tests_name("blk_dma", dma_tests, dma_on, NULL);
	failed += blk_persist_tests();
	failed += blk_vec_tests();
	failed += blk_close_tests();
	return failed + blk_xendev_tests();
}
