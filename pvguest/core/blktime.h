/*
 * Timed reads of a block device of the device table (blktime.c): the
 * measurement behind the block benchmark, run unchanged by dom0 on its own
 * disk and by a domU on its blkfront disk, so the two figures compare the
 * paths and nothing else.
 */
#ifndef PVGUEST_CORE_BLKTIME_H
#define PVGUEST_CORE_BLKTIME_H

#include <core/device.h>
#include <stdint.h>

#define BLKTIME_CHUNK_SECTORS 512 /* 256 KiB per sequential read */
#define BLKTIME_RAND_SECTORS  8	  /* 4 KiB per random read */
#define BLKTIME_PASSES	      3	  /* timed passes after a warm-up; the best counts */

struct blk_timing {
	uint64_t seq_bytes, seq_ns; /* the whole window, in order */
	unsigned int rand_reads;
	uint64_t rand_ns; /* rand_reads reads at random 4 KiB offsets */
};

/*
 * Phase edges of the timed passes, for a measurer outside the reader (the
 * busy-time figures of the benchmark, which need the machine's idle time
 * that only dom0 can read): mark(ctx, 3 * pass + edge) is called before
 * the sequential reads (edge 0), between them and the random reads (1)
 * and after those (2) of each timed pass, outside the timed spans.
 */
struct blk_marks {
	void (*mark)(void *ctx, unsigned int phase);
	void *ctx;
};
#define BLKTIME_MARKS (3 * BLKTIME_PASSES)

/* Reads [first, first + sectors) of d in order, then nrand random 4 KiB
 * blocks of it (a fixed sequence): one warm-up pass, then the best of
 * BLKTIME_PASSES timed passes (each figure on its own); 0 or the first
 * read's error.  marks may be NULL. */
int blk_time_reads(struct device *d, uint64_t first, uint64_t sectors, unsigned int nrand,
		   struct blk_timing *t, const struct blk_marks *marks);

#endif
