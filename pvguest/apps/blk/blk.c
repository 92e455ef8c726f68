/*
 * The block test program of a domU (command line "domU blk"), run by
 * tests/scenarios/blk-domu.sh with dom0's blktest (pvguest/dom0/blktest.c)
 * giving it a disk.
 *
 * It connects blkfront (drivers/front/) to every vbd dom0 created for it,
 * then writes 64 MiB to xvda at random offsets and sizes and reads all of
 * it back, disconnects, reconnects and reads it back again.  Every 4 KiB
 * block it writes describes itself: its block number, a generation, a
 * pattern derived from both, and a checksum (FNV-1a) of the rest in the
 * last word, so dom0 can check the disk afterwards without knowing what
 * was written.  Then 32 blocks read in one vectored call (rw_vec: all in
 * flight together) must match single reads of them (blk_check_vec, the
 * reads of the benchmark's deepest phase).  The number of blocks written
 * and the verdict go to data/blocks and data/result for dom0.  With
 * `blkfront.feature_persistent=0` on its command line it also checks that
 * no persistent grant was used (blktest's frontpersist=0 checks the same
 * from dom0's side).
 *
 * "domU blk bench": instead, it only times reads of the whole disk
 * (blk_time_reads, the code dom0 times its own access with) and reports
 * the figures in data/bench (blk_timing_format: "<bytes or reads> <ns>"
 * per phase) for dom0's block benchmark (blktest.c, tests/bench/blk.sh).
 * At each phase edge of a timed pass it writes data/bench-mark and waits
 * for dom0's data/bench-ack, so dom0 can sample the machine's idle time
 * there.
 */
#include <core/blktime.h>
#include <core/device.h>
#include <core/kernel.h>
#include <core/sched.h>
#include <front/blkfront.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xenbus/guest.h>

#define BLOCK		 4096u
#define WORDS		 (BLOCK / 4)
#define TRAFFIC_MIB	 64
#define MAX_CHUNK	 64 /* blocks per transfer */
#define WAIT_NS		 (50ULL * 1000 * 1000)
#define WAIT_MAX	 400 /* x 50 ms for dom0 to create the disk */
#define BLK_BENCH_RANDOM 500 /* random 4 KiB reads of the benchmark */

static int failures;
static uint32_t *gen_of; /* per block: 0 = never written */
static unsigned long nr_blocks;

static void check(int ok, const char *what)
{
	printf("%s - blk %s\n", ok ? "ok" : "not ok", what);
	failures += !ok;
}

static uint32_t fnv(const uint32_t *w, unsigned int n)
{
	uint32_t h = 2166136261u;
	for (unsigned int i = 0; i < n; i++)
		h = (h ^ w[i]) * 16777619u;
	return h;
}

static void fill(uint32_t *w, uint32_t block, uint32_t gen)
{
	w[0] = block;
	w[1] = gen;
	for (unsigned int i = 2; i < WORDS - 1; i++)
		w[i] = (block * 2654435761u) ^ (gen * 40503u + i);
	w[WORDS - 1] = fnv(w, WORDS - 1);
}

static bool block_ok(const uint32_t *w, uint32_t block, uint32_t gen)
{
	static uint32_t expect[WORDS];
	if (!gen) {
		for (unsigned int i = 0; i < WORDS; i++)
			if (w[i])
				return false;
		return true;
	}
	fill(expect, block, gen);
	return memcmp(w, expect, BLOCK) == 0;
}

static uint32_t rng_state = 2026;
static uint32_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return rng_state;
}

static int random_writes(struct device *d, uint8_t *buf)
{
	uint64_t bytes = 0;
	uint32_t gen = 0;
	while (bytes < (uint64_t)TRAFFIC_MIB << 20) {
		unsigned int n = 1 + rng() % MAX_CHUNK;
		uint32_t b = rng() % (uint32_t)(nr_blocks - n + 1);
		gen++;
		for (unsigned int i = 0; i < n; i++) {
			gen_of[b + i] = gen;
			fill((uint32_t *)(buf + i * BLOCK), b + i, gen);
		}
		int rc = d->block->write(d, (uint64_t)b * (BLOCK / 512), n * (BLOCK / 512), buf);
		if (rc)
			return rc;
		bytes += n * BLOCK;
	}
	return 0;
}

/* Blocks that do not read back as written (all of them if a read fails). */
static unsigned long verify(struct device *d, uint8_t *buf)
{
	unsigned long bad = 0;
	for (unsigned long b = 0; b < nr_blocks; b += MAX_CHUNK) {
		unsigned int n =
			nr_blocks - b < MAX_CHUNK ? (unsigned int)(nr_blocks - b) : MAX_CHUNK;
		if (d->block->read(d, b * (BLOCK / 512), n * (BLOCK / 512), buf))
			return nr_blocks;
		for (unsigned int i = 0; i < n; i++)
			bad += !block_ok((uint32_t *)(buf + i * BLOCK), (uint32_t)(b + i),
					 gen_of[b + i]);
	}
	return bad;
}

static struct device *find_disk(struct xenbus *xb, int self)
{
	for (int i = 0; i < WAIT_MAX; i++) {
		if (blkfront_probe_all(xb, (uint16_t)self) > 0)
			return device_find("xvda");
		thread_sleep_ns(WAIT_NS);
	}
	return NULL;
}

static void report(struct xenbus *xb, int self, unsigned long written)
{
	char dir[40];
	snprintf(dir, sizeof(dir), "/local/domain/%d/data", self);
	xenbus_write_ulong(xb, 0, dir, "blocks", written);
	char path[64];
	snprintf(path, sizeof(path), "%s/result", dir);
	xenbus_write(xb, 0, path, failures ? "fail" : "pass");
}

struct bench_ctx {
	struct xenbus *xb;
	int self;
	bool ok;
};

/* A phase edge: data/bench-mark := phase, then wait for dom0's data/bench-ack
 * (it samples the machine's idle time in between; we wait idle). */
static void bench_mark(void *arg, unsigned int phase)
{
	struct bench_ctx *c = arg;
	char path[64], val[16];

	snprintf(val, sizeof(val), "%u", phase);
	snprintf(path, sizeof(path), "/local/domain/%d/data/bench-mark", c->self);
	if (c->ok && xenbus_write(c->xb, 0, path, val) != 0)
		c->ok = false;
	snprintf(path, sizeof(path), "/local/domain/%d/data/bench-ack", c->self);
	if (c->ok && xenbus_wait_value(c->xb, path, val) != 0)
		c->ok = false;
}

/* The benchmark: timed reads, the figures to data/bench. */
static int bench(struct xenbus *xb, int self, struct device *d)
{
	struct blk_timing t;
	char path[64], val[BLKTIME_TEXT_MAX];
	struct bench_ctx ctx = {xb, self, true};
	const struct blk_marks marks = {bench_mark, &ctx};

	check(blk_time_reads(d, 0, d->sectors, BLK_BENCH_RANDOM, &t, &marks) == 0, "bench reads");
	check(ctx.ok, "bench phase marks acknowledged by dom0");
	snprintf(path, sizeof(path), "/local/domain/%d/data/bench", self);
	check(blk_timing_format(&t, val, sizeof(val)) == 0 && xenbus_write(xb, 0, path, val) == 0,
	      "bench figures reported");
	report(xb, self, 0);
	return failures ? 1 : 0;
}

int blk_main(int argc, char **argv)
{
	struct xenbus *xb = xenbus_self();
	int self = xenbus_self_domid();
	check(xb && self > 0, "xenstore connection");
	struct device *d = xb && self > 0 ? find_disk(xb, self) : NULL;
	check(d && d->kind == DEV_BLOCK && d->sector_size == 512, "xvda connected");
	if (!d) {
		if (xb && self > 0)
			report(xb, self, 0);
		return 1;
	}
	if (argc > 1 && !strcmp(argv[1], "bench")) /* argv[0] is "blk" */
		return bench(xb, self, d);
	nr_blocks = d->sectors / (BLOCK / 512);
	gen_of = calloc(nr_blocks, sizeof(*gen_of));
	uint8_t *buf = memalign(BLOCK, MAX_CHUNK * BLOCK);
	uint64_t t = clock_now_ns();
	check(gen_of && buf && random_writes(d, buf) == 0,
	      "64 MiB written at random offsets and sizes");
	uint64_t ms = (clock_now_ns() - t) / 1000000;
	printf("blk: %lu MiB disk, 64 MiB of random writes in %lu ms\n", nr_blocks / 256,
	       (unsigned long)ms);
	check(verify(d, buf) == 0, "every block reads back with its checksum");
	check(blk_check_vec(d, 0, d->sectors, 32) == 0,
	      "32 random blocks read in one vectored call match single reads");
	struct blkfront_dev *bd = d->priv;
	const struct blkfront_stats *fs = &bd->bf.stats;
	printf("blk: persistent grants %s: %lu one-off grants, %lu hits on kept ones\n",
	       bd->bf.persist.on ? "on" : "off", fs->one_off_grants, fs->pgnt_hits);
	if (!blkfront_use_persistent) /* blkfront.feature_persistent=0 */
		check(!bd->bf.persist.on && fs->one_off_grants > 0 && fs->pgnt_hits == 0 &&
			      fs->pgnt_grants == 0,
		      "blkfront.feature_persistent=0: every page granted for its request alone");
	check(blkfront_disconnect(bd) == 0, "disconnect: no grant left with the backend");
	check(blkfront_connect(bd, xb, (uint16_t)self, 51712) == 0, "reconnect");
	check(verify(d, buf) == 0, "after reconnecting, every block still reads back");
	unsigned long written = 0;
	for (unsigned long b = 0; b < nr_blocks; b++)
		written += gen_of[b] != 0;
	report(xb, self, written);
	printf("blk: %lu blocks written, %d failure(s)\n", written, failures);
	return failures ? 1 : 0;
}
