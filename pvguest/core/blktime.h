/*
 * Timed reads of a block device of the device table (blktime.c): the
 * measurement behind the block benchmark, run unchanged by dom0 on its own
 * disk and by a domU on its blkfront disk, so the two figures compare the
 * paths and nothing else.
 *
 * Five measured phases per pass: the window read in order in 256 KiB
 * reads, one at a time (queue depth 1), then nrand random 4 KiB reads one
 * at a time; then the same with several reads in flight (block_rw_vec,
 * core/device.h): the window in order, 4 chunks (1 MiB) per call, as a
 * readahead keeps them; the random reads 8 and then 32 per call (32:
 * every slot of a one-page blkif ring and of an AHCI port's NCQ queue; 8:
 * a middling depth).  A call returns when its whole batch is done, so the
 * depth is that of fio with iodepth_batch_submit and
 * iodepth_batch_complete_min both at the depth: the queue drains between
 * batches.
 *
 * Between the random depth-1 phase and the in-order depth-4 one runs a
 * filling phase (BLK_FILL, never reported): the window in order
 * BLKTIME_FILL_ROUNDS times, 4 chunks per call.  It is there for a disk
 * with a rate limit (QEMU's throttle, a leaky bucket that lets a tenth of
 * a second's worth pass at once after an idle spell): the random depth-1
 * phase is the one that a slower path runs below such a limit, so the
 * bucket drains during it and the next phase would start on that credit;
 * the filling phase spends it with the path's fastest reads (most bytes
 * per call), so the next phase starts against a full bucket.  It has its
 * marks like any phase, so its time counts nowhere.
 */
#ifndef PVGUEST_CORE_BLKTIME_H
#define PVGUEST_CORE_BLKTIME_H

#include <core/device.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BLKTIME_CHUNK_SECTORS 512 /* 256 KiB per sequential read */
#define BLKTIME_RAND_SECTORS  8	  /* 4 KiB per random read */
#define BLKTIME_PASSES	      3	  /* timed passes after a warm-up; the best counts */
#define BLKTIME_FILL_ROUNDS   2	  /* BLK_FILL reads the window this many times */

/* In the order of a pass. */
enum blk_phase {
	BLK_SEQ,
	BLK_RAND,
	BLK_FILL,
	BLK_SEQ_QD4,
	BLK_RAND_QD8,
	BLK_RAND_QD32,
	BLK_PHASES
};

struct blk_phase_info {
	const char *name; /* in the bench lines: seq_read, rand4k_read_qd8, ... */
	bool random;
	unsigned int depth;  /* reads per call */
	unsigned int rounds; /* the window or the nrand reads, this many times */
	bool fill;	     /* no measurement: no figure is reported for it */
};
extern const struct blk_phase_info blk_phases[BLK_PHASES];

/* One phase's best pass: done = bytes (in order) or reads (random) in ns. */
struct blk_phase_time {
	uint64_t done, ns;
};

struct blk_timing {
	struct blk_phase_time ph[BLK_PHASES];
};

/*
 * Phase edges of the timed passes, for a measurer outside the reader (the
 * busy-time figures of the benchmark, which need the machine's idle time
 * that only dom0 can read): mark(ctx, BLKTIME_EDGES * pass + edge) is
 * called before phase `edge` (edge BLK_PHASES: after the last) of each
 * timed pass, outside the timed spans.
 */
struct blk_marks {
	void (*mark)(void *ctx, unsigned int phase);
	void *ctx;
};
#define BLKTIME_EDGES (BLK_PHASES + 1)
#define BLKTIME_MARKS (BLKTIME_EDGES * BLKTIME_PASSES)

/* Reads [first, first + sectors) of d in every phase (nrand random 4 KiB
 * blocks, a fixed sequence): one warm-up pass, then the best of
 * BLKTIME_PASSES timed passes (each phase on its own); 0 or the first
 * read's error.  marks may be NULL. */
int blk_time_reads(struct device *d, uint64_t first, uint64_t sectors, unsigned int nrand,
		   struct blk_timing *t, const struct blk_marks *marks);

/* t as text, "<done> <ns>" per phase (the domU's data/bench for dom0);
 * 0, or -1 if it does not fit in size bytes. */
#define BLKTIME_TEXT_MAX 256
int blk_timing_format(const struct blk_timing *t, char *buf, size_t size);
/* The reverse: 0, or -1 unless text is BLK_PHASES such pairs. */
int blk_timing_parse(const char *text, struct blk_timing *t);

/* The first `depth` (1..32) random 4 KiB blocks of the benchmark's
 * sequence in [first, first + sectors) of d, read by one block_rw_vec
 * call and compared with single reads of them: 0 if every byte matches,
 * -EIO if one differs, or a read's error. */
int blk_check_vec(struct device *d, uint64_t first, uint64_t sectors, unsigned int depth);

#endif
