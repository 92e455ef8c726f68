/*
 * Timed block reads (blktime.h).  The buffer is page-aligned so no path
 * bounces, and each read in flight has a part of it of its own; the
 * random offsets come from a fixed xorshift sequence, restarted in every
 * random phase, so every run, every depth and both sides of a comparison
 * read the same blocks.  Queue depth 1 goes through the device's read
 * (as before the deeper phases existed), deeper through block_rw_vec.
 * Time is the guest's system time (clock_now_ns).  One untimed pass
 * warms every cache on the way (QEMU's, the host's), then the best of
 * BLKTIME_PASSES passes counts: on a loaded host the fastest pass is the
 * one least disturbed by others.  A measurer may hook the edges of the
 * phases (struct blk_marks): dom0's benchmark samples the machine's idle
 * time there, for figures in busy time.
 */
#include "blktime.h"
#include <core/sched.h>
#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SEQ_DEPTH  4
#define RAND_DEPTH 32 /* the deepest phase */
#define BUF_BYTES  (SEQ_DEPTH * BLKTIME_CHUNK_SECTORS * 512)
#define XORSHIFT0  2463534242u

_Static_assert(RAND_DEPTH *BLKTIME_RAND_SECTORS * 512 <= BUF_BYTES, "buffer");
_Static_assert(RAND_DEPTH <= BLOCK_VEC_MAX, "depth");

const struct blk_phase_info blk_phases[BLK_PHASES] = {
	[BLK_SEQ] = {"seq_read", false, 1, 1, false},
	[BLK_RAND] = {"rand4k_read", true, 1, 1, false},
	[BLK_FILL] = {"fill", false, SEQ_DEPTH, BLKTIME_FILL_ROUNDS, true},
	[BLK_SEQ_QD4] = {"seq_read_qd4", false, SEQ_DEPTH, 1, false},
	[BLK_RAND_QD8] = {"rand4k_read_qd8", true, 8, 1, false},
	[BLK_RAND_QD32] = {"rand4k_read_qd32", true, RAND_DEPTH, 1, false},
};

static void mark(const struct blk_marks *m, int pass, unsigned int edge)
{
	if (m && pass >= 0)
		m->mark(m->ctx, BLKTIME_EDGES * (unsigned int)pass + edge);
}

/* The next block of the fixed sequence, as a sector of the window. */
static uint64_t next_block(uint32_t *x, uint64_t first, uint64_t blocks)
{
	*x ^= *x << 13;
	*x ^= *x >> 17;
	*x ^= *x << 5;
	return first + (*x % blocks) * BLKTIME_RAND_SECTORS;
}

/* One call of up to `depth` pieces (a plain read at depth 1). */
static int read_batch(struct device *d, struct block_vec *v, unsigned int n)
{
	if (n == 1)
		return d->block->read(d, v[0].sector, v[0].count, v[0].buf);
	return block_rw_vec(d, false, v, n);
}

/* The window in order, `depth` chunks per call; bytes read into *done. */
static int seq_phase(struct device *d, uint64_t first, uint64_t sectors, unsigned int depth,
		     uint8_t *buf, uint64_t *done)
{
	struct block_vec v[SEQ_DEPTH];
	int rc = 0;

	for (uint64_t s = 0; s < sectors && !rc;) {
		unsigned int n = 0;
		for (; n < depth && s < sectors; n++) {
			uint32_t c = sectors - s < BLKTIME_CHUNK_SECTORS ? (uint32_t)(sectors - s)
									 : BLKTIME_CHUNK_SECTORS;
			v[n] = (struct block_vec){first + s, c,
						  buf + n * BLKTIME_CHUNK_SECTORS * 512};
			s += c;
			*done += (uint64_t)c * 512;
		}
		rc = read_batch(d, v, n);
	}
	return rc;
}

/* nrand random 4 KiB blocks, `depth` per call; reads into *done. */
static int rand_phase(struct device *d, uint64_t first, uint64_t sectors, unsigned int nrand,
		      unsigned int depth, uint8_t *buf, uint64_t *done)
{
	struct block_vec v[RAND_DEPTH];
	uint64_t blocks = sectors / BLKTIME_RAND_SECTORS;
	uint32_t x = XORSHIFT0;
	int rc = 0;

	for (unsigned int i = 0; i < nrand && !rc;) {
		unsigned int n = 0;
		for (; n < depth && i < nrand; n++, i++)
			v[n] = (struct block_vec){next_block(&x, first, blocks),
						  BLKTIME_RAND_SECTORS,
						  buf + n * BLKTIME_RAND_SECTORS * 512};
		rc = read_batch(d, v, n);
		*done += n;
	}
	return rc;
}

/* One pass (-1: the warm-up): every phase in order; times in t. */
static int one_pass(struct device *d, uint64_t first, uint64_t sectors, unsigned int nrand,
		    uint8_t *buf, struct blk_timing *t, const struct blk_marks *m, int pass)
{
	int rc = 0;

	*t = (struct blk_timing){0};
	for (unsigned int p = 0; p < BLK_PHASES && !rc; p++) {
		const struct blk_phase_info *ph = &blk_phases[p];
		struct blk_phase_time *pt = &t->ph[p];
		mark(m, pass, p);
		uint64_t start = clock_now_ns();
		if (ph->random)
			rc = rand_phase(d, first, sectors, nrand * ph->rounds, ph->depth, buf,
					&pt->done);
		else
			for (unsigned int r = 0; r < ph->rounds && !rc; r++)
				rc = seq_phase(d, first, sectors, ph->depth, buf, &pt->done);
		pt->ns = clock_now_ns() - start;
	}
	mark(m, pass, BLK_PHASES);
	return rc;
}

int blk_time_reads(struct device *d, uint64_t first, uint64_t sectors, unsigned int nrand,
		   struct blk_timing *t, const struct blk_marks *marks)
{
	uint8_t *buf = memalign(4096, BUF_BYTES);
	struct blk_timing p;
	int rc = 0;

	*t = (struct blk_timing){0};
	if (!buf)
		return -ENOMEM;
	if (!d->block || sectors < BLKTIME_RAND_SECTORS) {
		free(buf);
		return -EINVAL;
	}
	rc = one_pass(d, first, sectors, nrand, buf, &p, marks, -1); /* warm-up, not counted */
	for (unsigned int i = 0; i < BLKTIME_PASSES && !rc; i++) {
		rc = one_pass(d, first, sectors, nrand, buf, &p, marks, (int)i);
		for (unsigned int k = 0; k < BLK_PHASES; k++)
			if (!i || p.ph[k].ns < t->ph[k].ns)
				t->ph[k] = p.ph[k];
	}
	free(buf);
	return rc;
}

int blk_check_vec(struct device *d, uint64_t first, uint64_t sectors, unsigned int depth)
{
	const size_t piece = BLKTIME_RAND_SECTORS * 512;
	uint8_t *vbuf = memalign(4096, RAND_DEPTH * piece), *one = memalign(4096, piece);
	struct block_vec v[RAND_DEPTH];
	uint32_t x = XORSHIFT0;
	int rc = 0;

	if (!vbuf || !one)
		rc = -ENOMEM;
	else if (!d->block || !depth || depth > RAND_DEPTH || sectors < BLKTIME_RAND_SECTORS)
		rc = -EINVAL;
	for (unsigned int i = 0; i < depth && !rc; i++)
		v[i] = (struct block_vec){next_block(&x, first, sectors / BLKTIME_RAND_SECTORS),
					  BLKTIME_RAND_SECTORS, vbuf + i * piece};
	if (!rc) {
		memset(vbuf, 0xa5, depth * piece);
		rc = block_rw_vec(d, false, v, depth);
	}
	for (unsigned int i = 0; i < depth && !rc; i++) {
		memset(one, 0x5a, piece);
		rc = d->block->read(d, v[i].sector, v[i].count, one);
		if (!rc && memcmp(one, v[i].buf, piece))
			rc = -EIO;
	}
	free(vbuf);
	free(one);
	return rc;
}

int blk_timing_format(const struct blk_timing *t, char *buf, size_t size)
{
	size_t used = 0;

	for (unsigned int k = 0; k < BLK_PHASES; k++) {
		int n = snprintf(buf + used, size - used, "%s%llu %llu", k ? " " : "",
				 (unsigned long long)t->ph[k].done,
				 (unsigned long long)t->ph[k].ns);
		if (n < 0 || (size_t)n >= size - used)
			return -1;
		used += (size_t)n;
	}
	return 0;
}

int blk_timing_parse(const char *text, struct blk_timing *t)
{
	const char *p = text;
	char *end;

	for (unsigned int k = 0; k < BLK_PHASES; k++) {
		t->ph[k].done = strtoull(p, &end, 10);
		if (end == p)
			return -1;
		t->ph[k].ns = strtoull(end, (char **)&p, 10);
		if (p == end)
			return -1;
	}
	return *p ? -1 : 0;
}
