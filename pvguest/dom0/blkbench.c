/*
 * The block benchmark, dom0's side: its own timed reads of a disk window,
 * then the same reads by domain `front` through blkfront ("domU blk
 * bench"), reported as "bench blk_ahci_<figure> <value>" lines
 * (tests/bench/blk.sh).
 *
 * Every measured phase of core/blktime.h (queue depth 1 and deeper, in
 * order and random; not the filling phase) gets its lines, named after
 * the phase: seq_read_..., and rand4k_read_qd32_... for 32 random reads in
 * flight.  Two kinds of
 * figure:
 *  - wall clock: each side's own elapsed time (best of three passes), as
 *    MB/s in order, microseconds per random read at depth 1 and random
 *    reads per second (iops) deeper;
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
 * and CR3 writes (XEN_SYSCTL_hospes_cpustat) and its own device
 * interrupts, and reports them per 100 random reads and per MiB read in
 * order, added over the passes: the crossings a request costs, which
 * instruction counts cannot show (each CR3 write empties the TLB: under
 * TCG all of it).  For the front's vbd also blkback's requests per DMA
 * batch (one submit_bus each): how many of the reads in flight reached
 * the disk together; and its notifications per 100 batches: whether a
 * batch's answers went back in one. *
 * With "blkmarks" on dom0's command line every edge is also printed
 * ("blkbench: mark own|front N", N = BLKTIME_EDGES * pass + edge), so a
 * host-side profile of QEMU can be cut at the phases by the time its
 * serial line arrived (scripts/qemu-perf-blk.py).
 */
#include "blkbench.h"
#include "hx/ctl.h"

#include <back/blkback.h>
#include <hw/hw.h>

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
	s->irqs = hw_irq_count();
}

/* Busy ns between two samples: every CPU's time minus its idle time (0 if unknown). */
static uint64_t busy(const struct busy_sample *a, const struct busy_sample *b)
{
	if (!a->ok || !b->ok || a->cpus != b->cpus || b->now < a->now || b->idle < a->idle)
		return 0;
	uint64_t all = (b->now - a->now) * a->cpus, idle = b->idle - a->idle;
	return all > idle ? all - idle : 0;
}

bool blkbench_print_marks;

static void print_mark(const char *side, unsigned int phase)
{
	if (blkbench_print_marks)
		printf("blkbench: mark %s %u\n", side, phase);
}

static void own_mark(void *ctx, unsigned int phase)
{
	struct busy_sample *at = ctx;

	if (phase < BLKTIME_MARKS)
		sample(&at[phase]);
	print_mark("own", phase);
}

int blkbench_own(struct blkbench *b, struct device *disk, uint64_t first, uint64_t sectors,
		 unsigned int nrand)
{
	const struct blk_marks marks = {own_mark, b->own_at};

	memset(b, 0, sizeof(*b));
	return blk_time_reads(disk, first, sectors, nrand, &b->own, &marks);
}

/* blkback's counters of the front's vbd at a phase edge. */
static void sample_backend(struct busy_sample *s, unsigned int front, unsigned int devid)
{
	struct blkback_stats st;
	bool connected;

	s->bb_ok = blkback_stats_of((uint16_t)front, devid, &st, &connected);
	s->bb_requests = st.requests;
	s->bb_batches = st.dma_batches;
	s->bb_notifies = st.notifies;
}

bool blkbench_serve_front(struct blkbench *b, struct xenbus *xb, unsigned int front,
			  unsigned int devid)
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
		sample_backend(&b->front_at[phase], front, devid);
		print_mark("front", phase);
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
		uint64_t t = busy(&at[BLKTIME_EDGES * p + edge], &at[BLKTIME_EDGES * p + edge + 1]);
		if (t && (!best || t < best))
			best = t;
	}
	return best;
}

/* "bench blk_ahci_<phase>_<what> <value>" */
static void line(const char *phase, const char *what, uint64_t value)
{
	printf("bench blk_ahci_%s_%s %llu\n", phase, what, (unsigned long long)value);
}

/* Wall clock: MB/s in order, us per read at depth 1 and reads per second deeper. */
static void report_wall(const struct blk_timing *own, const struct blk_timing *front)
{
	for (unsigned int k = 0; k < BLK_PHASES; k++) {
		const struct blk_phase_info *ph = &blk_phases[k];
		const struct blk_phase_time *o = &own->ph[k], *f = &front->ph[k];
		if (ph->fill)
			continue;
		if (!ph->random) {
			line(ph->name, "dom0_MBps", o->done * 1000 / o->ns);
			line(ph->name, "front_MBps", f->done * 1000 / f->ns);
		} else if (ph->depth == 1) {
			line(ph->name, "dom0_us", o->ns / o->done / 1000);
			line(ph->name, "front_us", f->ns / f->done / 1000);
		} else {
			line(ph->name, "dom0_iops", o->done * 1000000000ULL / o->ns);
			line(ph->name, "front_iops", f->done * 1000000000ULL / f->ns);
		}
		line(ph->name, "ratio_pct", o->ns * 100 / f->ns);
	}
}

/* Busy figures: ns per MiB read in order, ns per random read; ratios dom0 / front. */
static void report_busy(const struct blkbench *b)
{
	for (unsigned int k = 0; k < BLK_PHASES; k++) {
		const struct blk_phase_info *ph = &blk_phases[k];
		uint64_t own = best_busy(b->own_at, k), front = best_busy(b->front_at, k);
		uint64_t units = ph->random ? b->own.ph[k].done : b->own.ph[k].done >> 20;
		const char *unit = ph->random ? "busy_ns" : "busy_ns_per_MiB";
		char what[40];

		if (ph->fill || !own || !front || !units)
			continue;
		snprintf(what, sizeof(what), "dom0_%s", unit);
		line(ph->name, what, own / units);
		snprintf(what, sizeof(what), "front_%s", unit);
		line(ph->name, what, front / units);
		line(ph->name, "busy_ratio_pct", own * 100 / front);
	}
}

static uint64_t cr3_total(const struct hospes_cpustat *c)
{
	uint64_t n = 0;

	for (unsigned int r = 0; r < HOSPES_CR3_SLOTS; r++)
		n += c->cr3[r];
	return n;
}

/* The counters' growth over the passes' spans edge..edge+1, added up
 * (device interrupts in *irqs); false if a sample lacks them. */
static bool span_counters(const struct busy_sample *at, unsigned int edge,
			  struct hospes_cpustat *sum, uint64_t *irqs)
{
	memset(sum, 0, sizeof(*sum));
	*irqs = 0;
	for (unsigned int p = 0; p < BLKTIME_PASSES; p++) {
		const struct busy_sample *a = &at[BLKTIME_EDGES * p + edge], *b = a + 1;
		if (!a->ctr_ok || !b->ctr_ok)
			return false;
		*irqs += b->irqs - a->irqs;
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

/* One side's counters for one phase: per `unit` units of work (100
 * random reads, 1 MiB), bench lines, and the CR3 writes by reason on the log. */
static void report_span(const char *phase, const char *side, const char *per,
			const struct busy_sample *at, unsigned int edge, uint64_t units)
{
	struct hospes_cpustat c;
	uint64_t irqs;
	char what[64];

	if (!units || !span_counters(at, edge, &c, &irqs))
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
		{"irqs", irqs},
	};
	for (unsigned int i = 0; i < sizeof(figures) / sizeof(figures[0]); i++) {
		snprintf(what, sizeof(what), "%s_%s_%s", side, figures[i].name, per);
		line(phase, what, figures[i].n / units);
	}
	printf("blkbench: %s_%s: CR3 writes %llu load, %llu leave, %llu mode, %llu flush, %llu "
	       "other in %llu x %s\n",
	       phase, side, (unsigned long long)c.cr3[HOSPES_CR3_LOAD],
	       (unsigned long long)c.cr3[HOSPES_CR3_LEAVE],
	       (unsigned long long)c.cr3[HOSPES_CR3_MODE],
	       (unsigned long long)c.cr3[HOSPES_CR3_FLUSH],
	       (unsigned long long)c.cr3[HOSPES_CR3_OTHER], (unsigned long long)units, per);
}

/* blkback's requests per batch (one submit_bus) over a phase's spans: how
 * many of the front's reads reached the disk together (0: no DMA batch);
 * and its notifications of the front per 100 batches. */
static void report_batches(const char *phase, const struct busy_sample *at, unsigned int edge)
{
	unsigned long reqs = 0, batches = 0, notifies = 0;

	for (unsigned int p = 0; p < BLKTIME_PASSES; p++) {
		const struct busy_sample *a = &at[BLKTIME_EDGES * p + edge], *b = a + 1;
		if (!a->bb_ok || !b->bb_ok)
			return;
		reqs += b->bb_requests - a->bb_requests;
		batches += b->bb_batches - a->bb_batches;
		notifies += b->bb_notifies - a->bb_notifies;
	}
	if (!batches)
		return;
	line(phase, "front_reqs_per_batch", (reqs + batches / 2) / batches); /* rounded */
	line(phase, "front_notifies_per_100_batches", notifies * 100 / batches);
}

/* Crossings: per MiB read in order, per 100 random 4 KiB reads; blkback's batches. */
static void report_counters(const struct blkbench *b)
{
	for (unsigned int k = 0; k < BLK_PHASES; k++) {
		const struct blk_phase_info *ph = &blk_phases[k];
		uint64_t units = ph->random ? b->own.ph[k].done / 100 : b->own.ph[k].done >> 20;
		const char *per = ph->random ? "per_100" : "per_MiB";

		if (ph->fill)
			continue;
		report_span(ph->name, "dom0", per, b->own_at, k, units);
		report_span(ph->name, "front", per, b->front_at, k, units);
		report_batches(ph->name, b->front_at, k);
	}
}

/* The domU's figures from data/bench: the same work as dom0's own, every phase timed. */
static bool front_figures(struct xenbus *xb, unsigned int front, const struct blk_timing *own,
			  struct blk_timing *t)
{
	char path[64], val[BLKTIME_TEXT_MAX];

	snprintf(path, sizeof(path), "/local/domain/%u/data/bench", front);
	if (xenbus_read(xb, 0, path, val, sizeof(val)) <= 0 || blk_timing_parse(val, t))
		return false;
	for (unsigned int k = 0; k < BLK_PHASES; k++)
		if (t->ph[k].done != own->ph[k].done || !t->ph[k].ns || !own->ph[k].ns ||
		    !own->ph[k].done)
			return false;
	return true;
}

bool blkbench_report(struct blkbench *b, struct xenbus *xb, unsigned int front)
{
	struct blk_timing f;

	if (!front_figures(xb, front, &b->own, &f))
		return false;
	report_wall(&b->own, &f);
	report_busy(b);
	report_counters(b);
	return true;
}
