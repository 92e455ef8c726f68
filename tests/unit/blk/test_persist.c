/*
 * Persistent grants (feature-persistent) between blkfront and blkback's
 * DMA path, on the simulated machine of harness.h, whose device maps
 * hold a grant entry in use (GTF_reading/GTF_writing) until the last
 * unmap, as the hypervisor does: a frontend revoke of a grant the
 * backend keeps mapped fails there as it would on the real machine.
 *
 * Checked: a buffer used again costs no grant and no map; the backend's
 * table and the frontend's cache stay within their bounds under a
 * buffer far larger than both, with every byte intact; a read after a
 * write replaces the read-only mapping; bad grant references are
 * answered with errors and never kept; nothing stays mapped or granted
 * once the backend drops its table and the frontend frees its ring.
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

static struct device *disk;
static struct vbd vbd;
static struct blkfront bf;
static unsigned int base_grants;

int blk_persist_tests(void);

static int setup(void **state)
{
	(void)state;
	disk = h_persist_pair_up(&vbd, &bf, DISK_BYTES);
	base_grants = gnttab_in_use();
	return 0;
}

/* The disconnect order of the real glue: the backend lets go, then the frontend revokes. */
static int teardown(void **state)
{
	(void)state;
	blkback_persist_drop(&vbd);
	assert_int_equal(h_dev_maps, 0);
	assert_int_equal(h_ind_maps, 0);
	assert_int_equal(blkfront_ring_free(&bf), 0);
	assert_int_equal(gnttab_in_use(), 0);
	vbd_free(&vbd);
	ramdisk_destroy(disk);
	return 0;
}

static uint8_t *palloc(size_t pages)
{
	return aligned_alloc(PAGE_SIZE, pages * PAGE_SIZE);
}

static void fill(uint8_t *p, size_t len, unsigned int seed)
{
	for (size_t i = 0; i < len; i++)
		p[i] = (uint8_t)(i * 7 + seed + (i >> 12));
}

static void test_reuse_costs_no_grant_work(void **state)
{
	(void)state;
	uint8_t *buf = palloc(64), *check = palloc(64);
	fill(check, 64 * PAGE_SIZE, 3);
	assert_int_equal(disk->block->write(disk, 0, 512, check), 0);

	assert_int_equal(blkfront_rw(&bf, false, 0, buf, 512), 0);
	assert_memory_equal(buf, check, 64 * PAGE_SIZE);
	assert_int_equal(bf.stats.pgnt_grants, 64);
	assert_int_equal(gnttab_in_use(), base_grants + 64); /* kept granted */
	assert_int_equal(h_dev_maps, 64);		     /* kept mapped */
	unsigned long maps = h_map_ops;
	memset(buf, 0, 64 * PAGE_SIZE);
	assert_int_equal(blkfront_rw(&bf, false, 0, buf, 512), 0);
	assert_memory_equal(buf, check, 64 * PAGE_SIZE);
	assert_int_equal(h_map_ops, maps); /* no map, no grant: all hits */
	assert_int_equal(bf.stats.pgnt_grants, 64);
	assert_int_equal(bf.stats.pgnt_hits, 64);
	assert_int_equal(vbd.stats.pgnt_hits, 64);
	/* The backend holds the grants: the frontend cannot take them back. */
	assert_int_equal(gnttab_revoke(bf.persist.ent[0].gref), -XEN_EBUSY);
	free(buf);
	free(check);
}

static void test_write_then_read_replaces_readonly_map(void **state)
{
	(void)state;
	uint8_t *buf = palloc(4), *back = palloc(4);
	fill(buf, 4 * PAGE_SIZE, 9);
	assert_int_equal(blkfront_rw(&bf, true, 64, buf, 32), 0);
	assert_int_equal(h_dev_maps, 4); /* mapped read-only, kept */
	assert_int_equal(blkfront_rw(&bf, true, 64, buf, 32), 0);
	assert_int_equal(vbd.stats.pgnt_hits, 4); /* a write may use a read-only map */
	memset(buf, 0, 4 * PAGE_SIZE);
	assert_int_equal(blkfront_rw(&bf, false, 64, buf, 32), 0);
	assert_int_equal(vbd.stats.pgnt_hits, 4); /* a read may not */
	assert_int_equal(vbd.stats.pgnt_dropped, 4);
	assert_int_equal(h_dev_maps, 4); /* writable ones replaced them */
	fill(back, 4 * PAGE_SIZE, 9);
	assert_memory_equal(buf, back, 4 * PAGE_SIZE);
	assert_int_equal(blkfront_rw(&bf, false, 64, buf, 32), 0);
	assert_int_equal(vbd.stats.pgnt_hits, 8);
	free(buf);
	free(back);
}

/* 800 pages, more than both bounds: every byte right, both sides bounded. */
static void test_bounded_with_a_large_buffer(void **state)
{
	(void)state;
	const size_t pages = 800, sectors = pages * 8;
	uint8_t *buf = palloc(pages), *back = palloc(pages);
	fill(buf, pages * PAGE_SIZE, 5);
	for (unsigned int round = 0; round < 2; round++) {
		assert_int_equal(blkfront_rw(&bf, true, 0, buf, sectors), 0);
		memset(back, 0, pages * PAGE_SIZE);
		assert_int_equal(blkfront_rw(&bf, false, 0, back, sectors), 0);
		assert_memory_equal(buf, back, pages * PAGE_SIZE);
		assert_true(h_dev_maps <= BLKBACK_PERSIST);
		assert_true(vbd.persist.used <= BLKBACK_PERSIST);
		/* Pages past the cache's 512 got one-request grants; those the backend kept wait. */
		assert_true(gnttab_in_use() <= base_grants + BLKFRONT_PERSIST + gnttab_late());
	}
	/* The next transfer revokes every deferred grant the backend let go of. */
	assert_int_equal(blkfront_rw(&bf, false, 0, back, 8), 0);
	assert_true(gnttab_late() <= BLKBACK_PERSIST);
	assert_true(bf.stats.pgnt_evictions > 0); /* the cache turned over ... */
	assert_true(vbd.stats.pgnt_dropped > 0);  /* ... and so did the table */
	assert_int_equal(bf.stats.held_calls, 0); /* persistent: nobody waits for them */
	assert_int_equal(bf.stats.errors, 0);
	free(buf);
	free(back);
}

static void test_bad_grant_never_kept(void **state)
{
	(void)state;
	uint8_t *buf = palloc(1);
	assert_int_equal(blkfront_rw(&bf, false, 0, buf, 8), 0);
	unsigned int used = vbd.persist.used, maps = h_dev_maps;
	/* A hand-made request naming an entry never granted, and one past the table. */
	grant_ref_t bad[2] = {GRANT_SLOTS - 1, 100000};
	for (unsigned int i = 0; i < 2; i++) {
		struct blkif_request *r = RING_GET_REQUEST(&bf.ring, bf.ring.req_prod_pvt++);
		memset(r, 0, sizeof(*r));
		r->operation = BLKIF_OP_READ;
		r->nr_segments = 1;
		r->id = 500 + i; /* no request of the frontend's: its answer is stray */
		r->seg[0] = (struct blkif_request_segment){.gref = bad[i], .last_sect = 7};
	}
	RING_PUSH_REQUESTS(&bf.ring);
	blkback_service(&vbd);
	assert_int_equal(vbd.stats.errors, 2);
	blkfront_poll(&bf);
	assert_int_equal(bf.stats.stray, 2);
	assert_int_equal(vbd.persist.used, used);
	assert_int_equal(h_dev_maps, maps);
	free(buf);
}

/* Serves one hand-made indirect request; its status. */
static int16_t serve_indirect(const struct blkif_request_indirect *ind)
{
	memcpy(RING_GET_REQUEST(&bf.ring, bf.ring.req_prod_pvt++), ind, sizeof(*ind));
	RING_PUSH_REQUESTS(&bf.ring);
	blkback_service(&vbd);
	const struct blkif_response *rsp = RING_GET_RESPONSE(&bf.ring, bf.ring.rsp_cons++);
	assert_int_equal(rsp->id, ind->id);
	return rsp->status;
}

/*
 * Indirect pages are mapped once and kept: later segment lists are read
 * there, with no grant copy, and each request's list is read anew; the
 * frontend cannot take a kept page back; a bad reference is answered
 * with an error and never kept; the slot's bound holds.
 */
static void test_indirect_pages_kept(void **state)
{
	(void)state;
	uint8_t *buf = palloc(64), *check = palloc(72);
	fill(check, 72 * PAGE_SIZE, 4);
	assert_int_equal(disk->block->write(disk, 0, 576, check), 0);
	for (unsigned int round = 0; round < 3; round++) {
		memset(buf, 0, 64 * PAGE_SIZE);
		assert_int_equal(blkfront_rw(&bf, false, 8 * round, buf, 512), 0);
		assert_memory_equal(buf, check + round * PAGE_SIZE, 64 * PAGE_SIZE);
	}
	assert_int_equal(bf.stats.indirect, 3);
	assert_int_equal(h_copy_calls, 0); /* no grant copy, not even the first list */
	assert_true(h_ind_maps >= 1);
	assert_int_equal(vbd.stats.ind_kept, h_ind_maps);
	assert_int_equal(vbd.stats.ind_hits, 3 - vbd.stats.ind_kept);
	grant_ref_t kept = bf.req[0].ind_ref;
	assert_non_null(vbd.ind_keep.ent[kept % BLKBACK_IND_KEEP].page);
	assert_int_equal(gnttab_revoke(kept), -XEN_EBUSY);

	/* A list in a page never granted: refused, nothing kept, nothing read. */
	struct blkif_request_indirect ind = {.operation = BLKIF_OP_INDIRECT,
					     .indirect_op = BLKIF_OP_READ,
					     .nr_segments = 4,
					     .id = 0x77,
					     .sector_number = 0,
					     .indirect_grefs = {GRANT_SLOTS - 2}};
	unsigned int maps = h_ind_maps;
	assert_int_equal(serve_indirect(&ind), BLKIF_RSP_ERROR);
	assert_int_equal(h_ind_maps, maps);
	unsigned long copies = h_copy_calls;
	/* A granted page whose slot holds another: read by a grant copy, not kept. */
	uint8_t *list = palloc(1);
	int ref, spare[BLKBACK_IND_KEEP], nspare = 0;
	while ((ref = gnttab_grant(BACK_ID, va_to_mfn(list), true)) > 0 &&
	       (unsigned int)ref % BLKBACK_IND_KEEP != kept % BLKBACK_IND_KEEP)
		if (nspare < BLKBACK_IND_KEEP) /* not the slot wanted: given back below */
			spare[nspare++] = ref;
	assert_true(ref > 0);
	for (int i = 0; i < nspare; i++)
		assert_int_equal(gnttab_revoke((grant_ref_t)spare[i]), 0);
	struct blkif_request_segment *segs = (struct blkif_request_segment *)list;
	for (unsigned int i = 0; i < 4; i++)
		segs[i] = (struct blkif_request_segment){
			.gref = bf.persist.ent[i].gref, .first_sect = 0, .last_sect = 7};
	ind.indirect_grefs[0] = (grant_ref_t)ref;
	assert_int_equal(serve_indirect(&ind), BLKIF_RSP_OKAY);
	assert_int_equal(h_ind_maps, maps);
	assert_int_equal(h_copy_calls, copies + 1);
	segs[2].last_sect = 8; /* and the copy is validated as a kept list is */
	assert_int_equal(serve_indirect(&ind), BLKIF_RSP_ERROR);
	assert_int_equal(gnttab_revoke((grant_ref_t)ref), 0);
	free(list);
	free(buf);
	free(check);
}

/* Without the feature on the backend the frontend's kept grants are revocable at once. */
static void test_backend_without_the_feature(void **state)
{
	(void)state;
	uint8_t *buf = palloc(8);
	vbd.persist.on = false;
	assert_int_equal(blkfront_rw(&bf, false, 0, buf, 64), 0);
	assert_int_equal(blkfront_rw(&bf, false, 0, buf, 64), 0);
	assert_int_equal(h_dev_maps, 0); /* mapped only while the batch ran */
	assert_int_equal(h_ind_maps, 0);
	assert_int_equal(vbd.stats.pgnt_hits, 0);
	assert_int_equal(bf.stats.pgnt_hits, 8); /* the frontend still saves its grants */
	uint8_t *big = palloc(16);		 /* indirect: the list is grant-copied, not kept */
	assert_int_equal(blkfront_rw(&bf, false, 0, big, 128), 0);
	assert_int_equal(bf.stats.indirect, 1);
	assert_int_equal(h_copy_calls, 1);
	assert_int_equal(h_ind_maps, 0);
	free(big);
	assert_int_equal(blkfront_persist_free(&bf), 0);
	assert_int_equal(gnttab_in_use(), base_grants);
	free(buf);
}

/* The table alone: bounded, the clock's choice, read-only replaced, drained. */
static void test_table_clock(void **state)
{
	(void)state;
	static struct blkback_persist t;
	struct blkback_pgnt drop;
	bool dropped;

	blkback_persist_reset(&t);
	for (grant_ref_t g = 0; g < BLKBACK_PERSIST; g++) {
		struct blkback_pgnt m = {.bus = (uint64_t)g << 12, .gref = g, .handle = g};
		assert_true(blkback_persist_keep(&t, &m, &drop, &dropped));
		assert_false(dropped);
	}
	struct blkback_pgnt dup = {.bus = 1, .gref = 5, .handle = 999};
	assert_false(blkback_persist_keep(&t, &dup, &drop, &dropped)); /* kept already */
	/* A full sweep clears every mark; entry 0, found since, survives the next one. */
	struct blkback_pgnt m = {.bus = 7u << 20, .gref = 1000, .handle = 1000};
	assert_true(blkback_persist_keep(&t, &m, &drop, &dropped));
	assert_true(dropped);
	assert_int_equal(drop.gref, 0); /* nothing used since: the hand's first */
	assert_non_null(blkback_persist_find(&t, 1, false));
	m.gref = m.handle = 1001;
	assert_true(blkback_persist_keep(&t, &m, &drop, &dropped));
	assert_int_equal(drop.gref, 2); /* 1 was used: its second chance */
	assert_null(blkback_persist_find(&t, 0, false));
	assert_null(blkback_persist_find(&t, 2, false));
	assert_int_equal(blkback_persist_find(&t, 1000, false)->bus, 7u << 20);
	/* A read-only mapping serves writes to the disk only; a writable one replaces it. */
	m = (struct blkback_pgnt){.bus = 8u << 20, .gref = 2000, .handle = 2000, .ro = true};
	assert_true(blkback_persist_keep(&t, &m, &drop, &dropped));
	assert_non_null(blkback_persist_find(&t, 2000, false));
	assert_null(blkback_persist_find(&t, 2000, true));
	m = (struct blkback_pgnt){.bus = 8u << 20, .gref = 2000, .handle = 2001};
	assert_true(blkback_persist_keep(&t, &m, &drop, &dropped));
	assert_true(dropped);
	assert_int_equal(drop.handle, 2000);
	assert_int_equal(blkback_persist_find(&t, 2000, true)->handle, 2001);
	/* Draining hands out every live mapping once. */
	unsigned int n = 0;
	while (blkback_persist_take(&t, &drop))
		n++;
	assert_int_equal(n, BLKBACK_PERSIST);
	assert_null(blkback_persist_find(&t, 1000, false));
	assert_int_equal(t.used, 0);
}

int blk_persist_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_reuse_costs_no_grant_work, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_then_read_replaces_readonly_map, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_bounded_with_a_large_buffer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_grant_never_kept, setup, teardown),
		cmocka_unit_test_setup_teardown(test_indirect_pages_kept, setup, teardown),
		cmocka_unit_test_setup_teardown(test_backend_without_the_feature, setup, teardown),
		cmocka_unit_test(test_table_clock),
	};
	return cmocka_run_group_tests_name("blk_persist", tests, NULL, NULL);
}
