/*
 * blkfront's vectored call (blkfront_rw_vec: several transfers in flight
 * at once, a queue depth) against blkback's DMA path on the simulated
 * machine of harness.h, with persistent grants as a guest runs it.
 *
 * Checked: pieces of every shape (one sector, page offsets, indirect)
 * land where single transfers put them and read back the same; all of a
 * call's requests go out after one notification and reach the device in
 * one batch (one submit_bus); a bad piece anywhere refuses the whole
 * call before anything is queued or granted; a call with more requests
 * than the ring has slots pushes when the ring is full and finishes.
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
static struct vbd vbd;
static struct blkfront bf;

int blk_vec_tests(void);

static int setup(void **state)
{
	(void)state;
	disk = h_persist_pair_up(&vbd, &bf, DISK_BYTES);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	blkback_persist_drop(&vbd);
	assert_int_equal(h_dev_maps, 0);
	assert_int_equal(blkfront_ring_free(&bf), 0);
	assert_int_equal(gnttab_in_use(), 0);
	vbd_free(&vbd);
	ramdisk_destroy(disk);
	return 0;
}

static uint8_t *palloc(size_t pages)
{
	uint8_t *p = aligned_alloc(PAGE_SIZE, pages * PAGE_SIZE);
	assert_non_null(p);
	return p;
}

static void fill(uint8_t *p, size_t len, unsigned int seed)
{
	for (size_t i = 0; i < len; i++)
		p[i] = (uint8_t)(seed * 151 + i * 11 + (i >> 9));
}

/* What the frontend and the backend counted, to compare before and after a call. */
struct counts {
	unsigned long kicks, requests, dma_calls, batches, responses;
};

static struct counts now(void)
{
	return (struct counts){h_back_kicks, bf.stats.requests, h_dma_calls, vbd.stats.dma_batches,
			       bf.stats.responses};
}

/* Pieces of every shape: written by one call, read by single transfers, and back. */
static void test_pieces_in_one_train(void **state)
{
	(void)state;
	static const struct {
		uint64_t sector;
		uint32_t count;
		size_t off;
	} shape[] = {{0, 1, 0},	      {7, 1, 3584},	     {100, 3, 3584}, {200, 88, 0},
		     {1000, 96, 512}, {DISK_SECT - 8, 8, 0}, {3000, 8, 0},   {50, 8, 0}};
	enum { N = sizeof(shape) / sizeof(shape[0]), PAGES = 30 };
	struct block_vec v[N];
	uint8_t *w[N], *r[N];

	for (unsigned int i = 0; i < N; i++) {
		w[i] = palloc(PAGES);
		r[i] = palloc(PAGES);
		fill(w[i] + shape[i].off, shape[i].count * 512u, i + 1);
		v[i] = (struct block_vec){shape[i].sector, shape[i].count, w[i] + shape[i].off};
	}
	struct counts a = now();
	assert_int_equal(blkfront_rw_vec(&bf, true, v, N), 0);
	struct counts b = now();
	assert_int_equal(b.kicks - a.kicks, 1);		/* one notification ... */
	assert_int_equal(b.requests - a.requests, N);	/* ... for every piece's request */
	assert_int_equal(b.dma_calls - a.dma_calls, 1); /* the device sees them together */
	assert_int_equal(b.batches - a.batches, 1);
	for (unsigned int i = 0; i < N; i++) {
		memset(r[i], 0xee, PAGES * PAGE_SIZE);
		assert_int_equal(blkfront_rw(&bf, false, shape[i].sector, r[i], shape[i].count), 0);
		assert_memory_equal(r[i], w[i] + shape[i].off, shape[i].count * 512u);
		memset(r[i], 0xee, PAGES * PAGE_SIZE);
		v[i].buf = r[i] + shape[i].off;
	}
	a = now();
	assert_int_equal(blkfront_rw_vec(&bf, false, v, N), 0);
	b = now();
	assert_int_equal(b.kicks - a.kicks, 1);
	assert_int_equal(b.dma_calls - a.dma_calls, 1);
	for (unsigned int i = 0; i < N; i++) {
		assert_memory_equal(r[i] + shape[i].off, w[i] + shape[i].off,
				    shape[i].count * 512u);
		assert_int_equal(r[i][0], shape[i].off ? 0xee : r[i][0]); /* nothing before it */
		free(w[i]);
		free(r[i]);
	}
	assert_int_equal(bf.stats.errors + bf.stats.stray, 0);
	assert_int_equal(bf.in_flight, 0);
}

/* Any bad piece refuses the call whole: nothing queued, granted or sent. */
static void test_bad_piece_refused_first(void **state)
{
	(void)state;
	uint8_t *buf = palloc(4);
	struct block_vec v[3] = {
		{0, 8, buf}, {8, 8, buf + PAGE_SIZE}, {16, 8, buf + 2 * PAGE_SIZE}};
	struct block_vec many[BLOCK_VEC_MAX + 1];
	const struct block_vec bad[] = {
		{DISK_SECT, 1, buf},	 /* past the end */
		{DISK_SECT - 4, 8, buf}, /* partly past it */
		{0, 0, buf},		 /* empty */
		{0, 1, buf + 100},	 /* not 512-byte aligned */
	};

	assert_int_equal(blkfront_rw_vec(&bf, false, v, 3), 0);
	unsigned int grants = gnttab_in_use();
	RING_IDX prod = bf.ring.req_prod_pvt;
	struct counts a = now();
	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		v[2] = bad[i];
		assert_int_equal(blkfront_rw_vec(&bf, true, v, 3), -XEN_EINVAL);
	}
	assert_int_equal(blkfront_rw_vec(&bf, true, v, 0), -XEN_EINVAL);
	for (unsigned int i = 0; i < BLOCK_VEC_MAX + 1; i++)
		many[i] = (struct block_vec){i, 1, buf};
	assert_int_equal(blkfront_rw_vec(&bf, false, many, BLOCK_VEC_MAX + 1), -XEN_EINVAL);
	struct counts b = now();
	assert_int_equal(b.kicks, a.kicks);
	assert_int_equal(b.requests, a.requests);
	assert_int_equal(bf.ring.req_prod_pvt, prod);
	assert_int_equal(gnttab_in_use(), grants);
	assert_int_equal(vbd.stats.sectors_written, 0);
	bf.connected = false;
	assert_int_equal(blkfront_rw_vec(&bf, false, v, 2), -XEN_ENOTCONN);
	bf.connected = true;
	free(buf);
}

/* 40 one-page pieces: more requests than ring slots; the full ring is pushed and drained. */
static void test_ring_full_while_building(void **state)
{
	(void)state;
	enum { N = 40 };
	uint8_t *w = palloc(N), *r = palloc(N);
	struct block_vec v[N];

	fill(w, N * PAGE_SIZE, 77);
	for (unsigned int i = 0; i < N; i++) /* every other page of the disk, backwards */
		v[i] = (struct block_vec){(uint64_t)(N - i) * 16, 8, w + i * PAGE_SIZE};
	struct counts a = now();
	assert_int_equal(blkfront_rw_vec(&bf, true, v, N), 0);
	struct counts b = now();
	assert_int_equal(b.requests - a.requests, N);
	assert_int_equal(b.responses - a.responses, N);
	assert_int_equal(b.kicks - a.kicks, 2); /* the full ring, then the rest */
	assert_int_equal(b.dma_calls - a.dma_calls, 2);
	for (unsigned int i = 0; i < N; i++) {
		assert_int_equal(blkfront_rw(&bf, false, (uint64_t)(N - i) * 16, r, 8), 0);
		assert_memory_equal(r, w + i * PAGE_SIZE, PAGE_SIZE);
		v[i].buf = r + i * PAGE_SIZE;
	}
	memset(r, 0, N * PAGE_SIZE);
	assert_int_equal(blkfront_rw_vec(&bf, false, v, N), 0);
	assert_memory_equal(r, w, N * PAGE_SIZE);
	assert_int_equal(bf.in_flight, 0);
	assert_int_equal(bf.free_slots, ~0u); /* every slot back in the free mask */
	assert_int_equal(bf.stats.errors, 0);
	free(w);
	free(r);
}

/* An error response fails the call, and every other piece still completes. */
static void test_error_piece(void **state)
{
	(void)state;
	uint8_t *buf = palloc(2);
	struct block_vec v[2] = {{0, 8, buf}, {8, 8, buf + PAGE_SIZE}};

	vbd.readonly = true; /* the backend refuses writes: each request an error response */
	assert_int_equal(blkfront_rw_vec(&bf, true, v, 2), -XEN_EIO);
	assert_int_equal(bf.stats.errors, 2);
	assert_int_equal(bf.in_flight, 0);
	vbd.readonly = false;
	assert_int_equal(blkfront_rw_vec(&bf, false, v, 2), 0);
	free(buf);
}

int blk_vec_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_pieces_in_one_train, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_piece_refused_first, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ring_full_while_building, setup, teardown),
		cmocka_unit_test_setup_teardown(test_error_piece, setup, teardown),
	};
	return cmocka_run_group_tests_name("blk_vec", tests, NULL, NULL);
}
