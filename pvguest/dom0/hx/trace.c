/*
 * hx trace: a domain's hypercalls, or event deliveries and vCPU
 * switches, live (docs/toolstack.md; the rings: kernel/trace/trace.c).
 *
 *   hx trace <dom> [-n N]             hypercalls and traps of <dom>
 *   hx trace --events [<dom>] [-n N]  events and switches of <dom>, or of
 *                                     every domain that exists now
 *   ... --until WORDS                 after the N records, on to a record
 *                                     with every (comma-separated) word
 *                                     that follows an earlier one
 *
 * It sets the domains' trace masks (sysctl hospes_trace), starts every
 * CPU's ring at its current end, and then polls every 20 ms: each round
 * reads what is new on every CPU, sorts it by time stamp and prints it,
 * one line a record, until N records were shown, Ctrl-] is typed, or the traced
 * domain is gone or shut down.  The masks are cleared before it returns,
 * so tracing costs nothing once the command ends.  Records overwritten
 * before they were read are counted and reported at the end.
 *
 * Tracing dom0's own hypercalls shows this command's reads too (each is
 * a sysctl, then the 20 ms sleep: set_timer_op, sched_op block), so it
 * never runs dry: give -n.  With -n up to KEEP_MAX the records are kept
 * and printed when the trace ends: printed live, each line would be a
 * console_io write in the trace itself, every round printing more of
 * them than the last.
 */
#include "hx.h"
#include "trace_fmt.h"
#include <core/sched.h>
#include <dom0/console_in.h>
#include <public/errno.h>
#include <stdio.h>
#include <string.h>

#define CTRL_RBRACKET 0x1d
#define POLL_NS	      (20 * 1000 * 1000)
#define PER_CPU	      64   /* records read from one CPU per round */
#define MAX_CPUS      16   /* CPUs this command reads */
#define MAX_TRACED    64   /* domains --events traces at once */
#define KEEP_MAX      4000 /* records of a dom0 self-trace kept for the end */

struct tracer {
	struct hx_trace_args a;
	domid_t id;		  /* the target, if !a.all */
	domid_t doms[MAX_TRACED]; /* domains whose mask we set */
	unsigned int ndoms, ncpus;
	bool keep;	       /* a dom0 self-trace: print at the end */
	bool ended;	       /* --until: the record that ends it came */
	unsigned long matches; /* --until: records with its words so far */
	uint32_t khz;
	uint64_t pos[MAX_CPUS], t0;
	unsigned long shown, lost;
	struct hospes_trace_rec buf[MAX_CPUS * PER_CPU];
	struct hospes_trace_rec kept[KEEP_MAX];
};

static long trace_set(domid_t dom, unsigned int mask)
{
	struct xen_sysctl op = {.cmd = XEN_SYSCTL_hospes_trace};
	op.u.hospes_trace.op = HOSPES_TRACE_OP_set;
	op.u.hospes_trace.domain = dom;
	op.u.hospes_trace.mask = (uint16_t)mask;
	return hx_sysctl(&op);
}

/* New records of one CPU into out; returns the count or an error. */
static long trace_read(struct tracer *t, unsigned int cpu, struct hospes_trace_rec *out,
		       uint32_t max)
{
	struct xen_sysctl op = {.cmd = XEN_SYSCTL_hospes_trace};
	struct xen_sysctl_hospes_trace *r = &op.u.hospes_trace;
	r->op = HOSPES_TRACE_OP_read;
	r->domain = t->a.all ? DOMID_INVALID : t->id;
	r->mask = t->a.events ? HOSPES_TRACE_EVENTS : HOSPES_TRACE_HYPERCALLS;
	r->cpu = cpu;
	r->count = max;
	r->pos = t->pos[cpu];
	set_xen_guest_handle(r->buffer, out);
	long rc = hx_sysctl(&op);
	if (rc < 0)
		return rc;
	t->pos[cpu] = r->pos;
	t->lost += (unsigned long)r->lost;
	return r->count;
}

/* Set the mask on the target, or (--events, no target) on every domain. */
static long start(struct tracer *t, unsigned int mask)
{
	if (!t->a.all) {
		t->doms[t->ndoms++] = t->id;
		return trace_set(t->id, mask);
	}
	hx_dominfo_t info[MAX_TRACED];
	long n = hx_domains(0, info, MAX_TRACED);
	for (long i = 0; i < n; i++) {
		long rc = trace_set(info[i].domain, mask);
		if (rc == -XEN_ESRCH)
			continue; /* gone meanwhile */
		if (rc < 0)
			return rc;
		t->doms[t->ndoms++] = info[i].domain;
	}
	return n < 0 ? n : 0;
}

static void stop(struct tracer *t)
{
	for (unsigned int i = 0; i < t->ndoms; i++)
		trace_set(t->doms[i], 0);
}

static void print_rec(const struct tracer *t, const struct hospes_trace_rec *r)
{
	char line[200];
	hx_trace_format(r, t->t0, t->khz, line, sizeof(line));
	printf("%s\n", line);
}

/* Enough shown: N records (-n), and with --until the record that ends a
 * whole cycle; a self-trace also stops when its store is full. */
static bool enough(const struct tracer *t)
{
	if (t->keep && t->shown == KEEP_MAX)
		return true;
	if (t->a.until)
		return t->ended;
	return t->a.count && t->shown >= t->a.count;
}

/* One record shown (r is its line): counts it and notes the end. */
static void count_rec(struct tracer *t, const char *line)
{
	t->shown++;
	if (t->a.until && hx_trace_until_ends(t->a.until, line, t->shown, t->a.count, &t->matches))
		t->ended = true;
}

/* One round: everything new, in time order.  Returns records printed or an error. */
static long round_once(struct tracer *t)
{
	size_t n = 0;
	for (unsigned int c = 0; c < t->ncpus; c++) {
		long got = trace_read(t, c, t->buf + n, PER_CPU);
		if (got < 0)
			return got;
		n += (size_t)got;
	}
	hx_trace_sort(t->buf, n);
	long printed = 0;
	for (size_t i = 0; i < n && !enough(t); i++) {
		char line[200];
		if (t->shown == 0)
			t->t0 = t->buf[i].tsc;
		hx_trace_format(&t->buf[i], t->t0, t->khz, line, sizeof(line));
		if (t->keep)
			t->kept[t->shown] = t->buf[i];
		else
			printf("%s\n", line);
		count_rec(t, line);
		printed++;
	}
	fflush(stdout);
	return printed;
}

/* Why to stop, or NULL to go on: Ctrl-] typed (checked every round: a
 * trace of dom0's own events is never idle), or, after a round that
 * brought nothing, the traced domain gone or shut down. */
static const char *stop_reason(struct tracer *t, bool idle)
{
	char keys[16];
	size_t k = console_in_poll(keys, sizeof(keys));
	if (memchr(keys, CTRL_RBRACKET, k))
		return "stopped";
	if (!idle || t->a.all)
		return NULL;
	hx_dominfo_t info;
	if (hx_dominfo(t->id, &info) < 0)
		return "the domain is gone";
	if (info.flags & (XEN_DOMINF_shutdown | XEN_DOMINF_dying))
		return "the domain has shut down";
	return NULL;
}

static int run(struct tracer *t)
{
	const char *why = NULL;
	long rc = 0;
	while (!why && !enough(t)) {
		rc = round_once(t);
		if (rc < 0)
			break;
		if ((why = stop_reason(t, rc == 0)) == NULL)
			thread_sleep_ns(POLL_NS); /* every round: dom0's other threads
						     (console input among them) run meanwhile */
	}
	stop(t);
	for (unsigned long i = 0; t->keep && i < t->shown; i++)
		print_rec(t, &t->kept[i]);
	if (rc < 0) {
		printf("trace: reading the trace failed: error %ld\n", rc);
		return 1;
	}
	if (!why && t->a.until && !t->ended)
		why = "the records it keeps are full";
	printf("[hx trace: %lu record(s), %lu lost%s%s]\n", t->shown, t->lost, why ? "; " : "",
	       why ? why : "");
	return 0;
}

int hx_trace(int argc, char **argv)
{
	static struct tracer t;
	struct xen_sysctl_physinfo pi;
	char err[160];
	memset(&t, 0, sizeof(t));
	if (hx_parse_trace(argc, argv, &t.a, err, sizeof(err))) {
		printf("%s\n", err);
		return 1;
	}
	if (!t.a.all && !hx_resolve(argv[0], &t.a.target, &t.id))
		return 1;
	if (hx_physinfo(&pi) < 0) {
		printf("trace: physinfo failed\n");
		return 1;
	}
	t.khz = pi.cpu_khz;
	t.ncpus = pi.nr_cpus < MAX_CPUS ? pi.nr_cpus : MAX_CPUS;
	t.keep = !t.a.events && !t.a.all && t.id == 0 && (t.a.count || t.a.until) &&
		 t.a.count <= KEEP_MAX;
	unsigned int mask = t.a.events ? HOSPES_TRACE_EVENTS : HOSPES_TRACE_HYPERCALLS;
	long rc = start(&t, mask);
	for (unsigned int c = 0; rc == 0 && c < t.ncpus; c++) {
		t.pos[c] = HOSPES_TRACE_POS_NOW;
		rc = trace_read(&t, c, t.buf, 0); /* positions at each ring's end */
	}
	if (rc < 0) {
		stop(&t);
		printf("trace: cannot start tracing: error %ld\n", rc);
		return 1;
	}
	if (t.a.all)
		printf("[hx trace: events and vCPU switches of %u domain(s); Ctrl-] stops]\n",
		       t.ndoms);
	else
		printf("[hx trace: domain %u's %s%s; Ctrl-] stops]\n", t.id,
		       t.a.events ? "events and vCPU switches" : "hypercalls and traps",
		       t.keep ? ", shown when the trace ends" : "");
	fflush(stdout);
	return run(&t);
}
