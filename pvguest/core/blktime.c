/*
 * Timed block reads (blktime.h).  The buffer is page-aligned so no path
 * bounces; the random offsets come from a fixed xorshift sequence, so
 * every run (and both sides of a comparison) reads the same blocks.
 * Time is the guest's system time (clock_now_ns).  One untimed pass
 * warms every cache on the way (QEMU's, the host's), then the best of
 * BLKTIME_PASSES passes counts: on a loaded host the fastest pass is the
 * one least disturbed by others.  A measurer may hook the edges of the
 * timed passes (struct blk_marks): dom0's benchmark samples the
 * machine's idle time there, for figures in busy time.
 */
#include "blktime.h"
#include <core/sched.h>
#include <errno.h>
#include <malloc.h>
#include <stdlib.h>

static void mark(const struct blk_marks *m, int pass, unsigned int edge)
{
	if (m && pass >= 0)
		m->mark(m->ctx, 3u * (unsigned int)pass + edge);
}

/* One pass (-1: the warm-up): the window in order, then nrand random blocks; times in t. */
static int one_pass(struct device *d, uint64_t first, uint64_t sectors, unsigned int nrand,
		    uint8_t *buf, struct blk_timing *t, const struct blk_marks *m, int pass)
{
	uint32_t x = 2463534242u;
	int rc = 0;

	*t = (struct blk_timing){0};
	mark(m, pass, 0);
	uint64_t start = clock_now_ns();
	for (uint64_t s = 0; s < sectors && !rc; s += BLKTIME_CHUNK_SECTORS) {
		uint32_t n = sectors - s < BLKTIME_CHUNK_SECTORS ? (uint32_t)(sectors - s)
								 : BLKTIME_CHUNK_SECTORS;
		rc = d->block->read(d, first + s, n, buf);
		t->seq_bytes += (uint64_t)n * 512;
	}
	t->seq_ns = clock_now_ns() - start;
	mark(m, pass, 1);
	uint64_t blocks = sectors / BLKTIME_RAND_SECTORS;
	start = clock_now_ns();
	for (unsigned int i = 0; i < nrand && !rc; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		rc = d->block->read(d, first + (x % blocks) * BLKTIME_RAND_SECTORS,
				    BLKTIME_RAND_SECTORS, buf);
		t->rand_reads++;
	}
	t->rand_ns = clock_now_ns() - start;
	mark(m, pass, 2);
	return rc;
}

int blk_time_reads(struct device *d, uint64_t first, uint64_t sectors, unsigned int nrand,
		   struct blk_timing *t, const struct blk_marks *marks)
{
	uint8_t *buf = memalign(4096, BLKTIME_CHUNK_SECTORS * 512);
	struct blk_timing p;
	int rc = 0;

	*t = (struct blk_timing){0};
	if (!buf)
		return -ENOMEM;
	if (!d->block || sectors < BLKTIME_RAND_SECTORS) {
		free(buf);
		return -EINVAL;
	}
	rc = one_pass(d, first, sectors, 0, buf, &p, marks, -1); /* warm-up, not counted */
	for (unsigned int i = 0; i < BLKTIME_PASSES && !rc; i++) {
		rc = one_pass(d, first, sectors, nrand, buf, &p, marks, (int)i);
		if (!i || p.seq_ns < t->seq_ns) {
			t->seq_ns = p.seq_ns;
			t->seq_bytes = p.seq_bytes;
		}
		if (!i || p.rand_ns < t->rand_ns) {
			t->rand_ns = p.rand_ns;
			t->rand_reads = p.rand_reads;
		}
	}
	free(buf);
	return rc;
}
