/*
 * The block benchmark, dom0's side: its own timed reads of a disk window,
 * then the same reads by domain `front` through blkfront ("domU blk
 * bench"), reported as "bench blk_ahci_<figure> <value>" lines
 * (tests/bench/blk.sh).
 *
 * Two kinds of figure:
 *  - wall clock: each side's own elapsed time (best of three passes);
 *    on a shared host it swings with the load, and under -icount it
 *    also counts the time QEMU lets pass while every CPU waits for the
 *    disk (idle time advances with real time, or jumps to the next timer
 *    with sleep=off), so it is no instruction count;
 *  - busy time: elapsed time minus the time every CPU sat idle
 *    (XEN_SYSCTL_getcpuinfo), i.e. the CPU work the reads cost the whole
 *    machine: hypervisor, dom0 and, for the split path, the domU.  Under
 *    -icount shift=0 a busy nanosecond is one executed instruction, so
 *    these figures are instructions per MiB and per read, stable from
 *    run to run whatever the disk's latency.
 * dom0 samples idle time and clock at the edges of its own passes
 * (struct blk_marks).  The domU cannot read idle time, so at each edge
 * it writes data/bench-mark and waits, idle, for dom0 to sample and
 * answer in data/bench-ack; both sides wait on XenStore watches, so no
 * poll runs inside a timed span (dom0 gives up after MARK_WAIT_NS without
 * a mark: a thread sleeps out that time, xenbus_self_wait_value).  What the span includes besides the
 * reads: one XenStore write and the watch events on each side, a few
 * tens of thousands of instructions per pass.
 *
 * Counters: at the same edges dom0 reads every CPU's halts, vCPU switches
 * and CR3 writes (XEN_SYSCTL_hospes_cpustat) and reports them per 100
 * random reads and per MiB read in order, averaged over the passes: the
 * crossings a request costs, which instruction counts cannot show (each
 * CR3 write empties the TLB: under TCG all of it).
 */
#include "blkbench.h"
#include "hx/ctl.h"

#include <core/sched.h>
#include <stdio.h>
#include <string.h>
#include <xenbus/guest.h>
#include <xenbus/xenbus.h>

/* How long the domU may take to its next phase mark (a pass of reads). */
#define MARK_WAIT_NS (120 * 1000000000ULL)

static void sample(struct busy_sample *s)
{
	unsigned int cpus;

	s->ok = hx_idle_ns(&s->idle, &s->cpus) == 0 && s->cpus > 0;
	s->now = clock_now_ns();
	s->ctr_ok = hx_cpustat(&s->ctr, &cpus) == 0 && cpus == s->cpus;
}

/* Busy ns between two samples: every CPU's time minus its idle time (0 if unknown). */
static uint64_t busy(const struct busy_sample *a, const struct busy_sample *b)
{
	if (!a->ok || !b->ok || a->cpus != b->cpus || b->now < a->now || b->idle < a->idle)
		return 0;
	uint64_t all = (b->now - a->now) * a->cpus, idle = b->idle - a->idle;
	return all > idle ? all - idle : 0;
}

static void own_mark(void *ctx, unsigned int phase)
{
	struct busy_sample *at = ctx;

	if (phase < BLKTIME_MARKS)
		sample(&at[phase]);
}

int blkbench_own(struct blkbench *b, struct device *disk, uint64_t first, uint64_t sectors,
		 unsigned int nrand)
{
	const struct blk_marks marks = {own_mark, b->own_at};

	memset(b, 0, sizeof(*b));
	return blk_time_reads(disk, first, sectors, nrand, &b->own, &marks);
}

bool blkbench_serve_front(struct blkbench *b, struct xenbus *xb, unsigned int front)
{
	char mark[64], ack[64], val[16];

	snprintf(mark, sizeof(mark), "/local/domain/%u/data/bench-mark", front);
	snprintf(ack, sizeof(ack), "/local/domain/%u/data/bench-ack", front);
	for (unsigned int phase = 0; phase < BLKTIME_MARKS; phase++) {
		snprintf(val, sizeof(val), "%u", phase);
		int rc = xenbus_self_wait_value(mark, val, MARK_WAIT_NS);
		if (rc != 0) {
			printf("blkbench: no phase %u mark from domain %u within %llu s (error "
			       "%d)\n",
			       phase, front, MARK_WAIT_NS / 1000000000ULL, rc);
			return false;
		}
		sample(&b->front_at[phase]);
		if (xenbus_write(xb, 0, ack, val) != 0)
			return false;
	}
	return true;
}

/* The least busy time of the passes' span edge..edge+1 (0: none measured). */
static uint64_t best_busy(const struct busy_sample *at, unsigned int edge)
{
	uint64_t best = 0;

	for (unsigned int p = 0; p < BLKTIME_PASSES; p++) {
		uint64_t t = busy(&at[3 * p + edge], &at[3 * p + edge + 1]);
		if (t && (!best || t < best))
			best = t;
	}
	return best;
}

static void line(const char *name, uint64_t value)
{
	printf("bench blk_ahci_%s %llu\n", name, (unsigned long long)value);
}

/* Busy figures: ns per MiB read in order, ns per random read; ratios dom0 / front. */
static void report_busy(const struct blkbench *b)
{
	uint64_t own_seq = best_busy(b->own_at, 0), front_seq = best_busy(b->front_at, 0);
	uint64_t own_rand = best_busy(b->own_at, 1), front_rand = best_busy(b->front_at, 1);
	uint64_t mib = b->own.seq_bytes >> 20, reads = b->own.rand_reads;

	if (!own_seq || !front_seq || !own_rand || !front_rand || !mib || !reads)
		return;
	line("seq_read_dom0_busy_ns_per_MiB", own_seq / mib);
	line("seq_read_front_busy_ns_per_MiB", front_seq / mib);
	line("seq_read_busy_ratio_pct", own_seq * 100 / front_seq);
	line("rand4k_read_dom0_busy_ns", own_rand / reads);
	line("rand4k_read_front_busy_ns", front_rand / reads);
	line("rand4k_read_busy_ratio_pct", own_rand * 100 / front_rand);
}

static uint64_t cr3_total(const struct hospes_cpustat *c)
{
	uint64_t n = 0;

	for (unsigned int r = 0; r < HOSPES_CR3_SLOTS; r++)
		n += c->cr3[r];
	return n;
}

/* The counters' growth over the passes' spans edge..edge+1, added up;
 * false if a sample lacks them. */
static bool span_counters(const struct busy_sample *at, unsigned int edge,
			  struct hospes_cpustat *sum)
{
	memset(sum, 0, sizeof(*sum));
	for (unsigned int p = 0; p < BLKTIME_PASSES; p++) {
		const struct busy_sample *a = &at[3 * p + edge], *b = a + 1;
		if (!a->ctr_ok || !b->ctr_ok)
			return false;
		sum->halts += b->ctr.halts - a->ctr.halts;
		sum->switches += b->ctr.switches - a->ctr.switches;
		sum->polls += b->ctr.polls - a->ctr.polls;
		sum->poll_hits += b->ctr.poll_hits - a->ctr.poll_hits;
		sum->sched_ipis += b->ctr.sched_ipis - a->ctr.sched_ipis;
		sum->sched_ipis_saved += b->ctr.sched_ipis_saved - a->ctr.sched_ipis_saved;
		for (unsigned int r = 0; r < HOSPES_CR3_SLOTS; r++)
			sum->cr3[r] += b->ctr.cr3[r] - a->ctr.cr3[r];
	}
	return true;
}

/* One side's counters for one kind of read: per `unit` units of work (100
 * random reads, 1 MiB), bench lines, and the CR3 writes by reason on the log. */
static void report_span(const char *what, const char *per, const struct busy_sample *at,
			unsigned int edge, uint64_t units)
{
	struct hospes_cpustat c;
	char name[64];

	if (!units || !span_counters(at, edge, &c))
		return;
	units *= BLKTIME_PASSES;
	const struct {
		const char *name;
		uint64_t n;
	} figures[] = {
		{"cr3", cr3_total(&c)},
		{"switches", c.switches},
		{"halts", c.halts},
		{"polls", c.polls},
		{"poll_hits", c.poll_hits},
		{"ipis", c.sched_ipis},
		{"ipis_saved", c.sched_ipis_saved},
	};
	for (unsigned int i = 0; i < sizeof(figures) / sizeof(figures[0]); i++) {
		snprintf(name, sizeof(name), "%s_%s_%s", what, figures[i].name, per);
		line(name, figures[i].n / units);
	}
	printf("blkbench: %s: CR3 writes %llu load, %llu leave, %llu mode, %llu flush, %llu "
	       "other in %llu x %s\n",
	       what, (unsigned long long)c.cr3[HOSPES_CR3_LOAD],
	       (unsigned long long)c.cr3[HOSPES_CR3_LEAVE],
	       (unsigned long long)c.cr3[HOSPES_CR3_MODE],
	       (unsigned long long)c.cr3[HOSPES_CR3_FLUSH],
	       (unsigned long long)c.cr3[HOSPES_CR3_OTHER], (unsigned long long)units, per);
}

/* Crossings: per MiB read in order, per 100 random 4 KiB reads. */
static void report_counters(const struct blkbench *b)
{
	uint64_t mib = b->own.seq_bytes >> 20, hundreds = b->own.rand_reads / 100;

	report_span("seq_read_dom0", "per_MiB", b->own_at, 0, mib);
	report_span("seq_read_front", "per_MiB", b->front_at, 0, mib);
	report_span("rand4k_read_dom0", "per_100", b->own_at, 1, hundreds);
	report_span("rand4k_read_front", "per_100", b->front_at, 1, hundreds);
}

bool blkbench_report(struct blkbench *b, struct xenbus *xb, unsigned int front)
{
	const struct blk_timing *own = &b->own;
	char path[64], val[80];
	unsigned long long bytes = 0, seq = 0, rand = 0;
	unsigned int reads = 0;

	snprintf(path, sizeof(path), "/local/domain/%u/data/bench", front);
	bool ok = xenbus_read(xb, 0, path, val, sizeof(val)) > 0 &&
		  sscanf(val, "%llu %llu %u %llu", &bytes, &seq, &reads, &rand) == 4 &&
		  bytes == own->seq_bytes && reads == own->rand_reads && seq && rand;
	if (!ok || !own->seq_ns || !own->rand_ns)
		return false;
	line("seq_read_dom0_MBps", own->seq_bytes * 1000 / own->seq_ns);
	line("seq_read_front_MBps", bytes * 1000 / seq);
	line("seq_read_ratio_pct", own->seq_ns * 100 / seq);
	line("rand4k_read_dom0_us", own->rand_ns / own->rand_reads / 1000);
	line("rand4k_read_front_us", rand / reads / 1000);
	line("rand4k_read_ratio_pct", own->rand_ns * 100 / rand);
	report_busy(b);
	report_counters(b);
	return true;
}
