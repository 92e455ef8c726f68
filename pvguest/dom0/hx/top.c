/*
 * hx top: a live table of the domains, refreshed every delay seconds.
 *
 * CPU % is the growth of a domain's cpu_time (all its vCPUs) over the
 * growth of dom0's clock between two samples, so a domain with two busy
 * vCPUs shows up to 200 %.  The first sample has no predecessor and shows
 * the average since the domain was created is unknown: it prints "-".
 * The event rates are the same kind of difference over the hypervisor's
 * per-domain counters (XEN_DOMCTL_hospes_evtchn_stats, a Hospes
 * addition): EvIn/s events raised in the domain (from other domains,
 * timers, VIRQs, device interrupts), EvOut/s the EVTCHNOP_send calls it
 * made.
 * Sampling stops after -n samples, or when a key is pressed.
 */
#include "hx.h"
#include <core/sched.h>
#include <dom0/console_in.h>
#include <stdio.h>
#include <string.h>

#define TOP_MAX 64

struct sample {
	domid_t id;
	uint64_t cpu_time;
	uint64_t ev_in, ev_out;
};

static struct sample prev[TOP_MAX];
static unsigned int prev_n;

static const struct sample *find_prev(domid_t id)
{
	for (unsigned int i = 0; i < prev_n; i++)
		if (prev[i].id == id)
			return &prev[i];
	return NULL;
}

/* A counter's growth per second, or "-" without a previous sample. */
static void rate(char *out, size_t len, const struct sample *p, uint64_t prev, uint64_t now,
		 uint64_t wall_ns)
{
	if (!p || !wall_ns || now < prev)
		snprintf(out, len, "-");
	else
		snprintf(out, len, "%lu", (unsigned long)((now - prev) * 1000000000ULL / wall_ns));
}

static void show(const hx_dominfo_t *info, struct sample *now, long n, uint64_t wall_ns,
		 unsigned int sample)
{
	printf("hx top: sample %u, %ld domain(s)\n", sample, n);
	printf("%-4s %-20s %-7s %7s %9s %8s %8s\n", "ID", "Name", "State", "CPU(%)", "Mem(MiB)",
	       "EvIn/s", "EvOut/s");
	for (long i = 0; i < n; i++) {
		char name[32], state[7], cpu[16] = "-", ev_in[24], ev_out[24];
		const struct sample *p = find_prev(info[i].domain);
		hx_domname(info[i].domain, name);
		hx_state(&info[i], state);
		if (p && wall_ns && info[i].cpu_time >= p->cpu_time) {
			uint64_t permille = (info[i].cpu_time - p->cpu_time) * 1000 / wall_ns;
			snprintf(cpu, sizeof(cpu), "%lu.%lu", (unsigned long)(permille / 10),
				 (unsigned long)(permille % 10));
		}
		rate(ev_in, sizeof(ev_in), p, p ? p->ev_in : 0, now[i].ev_in, wall_ns);
		rate(ev_out, sizeof(ev_out), p, p ? p->ev_out : 0, now[i].ev_out, wall_ns);
		printf("%-4u %-20s %-7s %7s %9lu %8s %8s\n", info[i].domain, name[0] ? name : "-",
		       state, cpu, (unsigned long)(info[i].tot_pages >> 8), ev_in, ev_out);
	}
	fflush(stdout);
}

/* Sleeps delay seconds in 50 ms steps; true if a key was pressed. */
static bool wait_or_key(unsigned int secs)
{
	for (unsigned int t = 0; t < secs * 20; t++) {
		char c;
		if (console_in_poll(&c, 1))
			return true;
		thread_sleep_ns(50 * 1000 * 1000);
	}
	return false;
}

int hx_top(int argc, char **argv)
{
	static hx_dominfo_t info[TOP_MAX];
	static struct sample now_s[TOP_MAX];
	struct hx_top_args a;
	char err[160];
	if (hx_parse_top(argc, argv, &a, err, sizeof(err))) {
		printf("%s\n", err);
		return 1;
	}
	prev_n = 0;
	uint64_t last = 0;
	for (unsigned int s = 1; a.iterations == 0 || s <= a.iterations; s++) {
		long n = hx_domains(0, info, TOP_MAX);
		uint64_t now = clock_now_ns();
		if (n < 0) {
			printf("top: getdomaininfolist failed: %ld\n", n);
			return 1;
		}
		for (long i = 0; i < n; i++) {
			now_s[i] =
				(struct sample){.id = info[i].domain, .cpu_time = info[i].cpu_time};
			hx_evtchn_stats(info[i].domain, &now_s[i].ev_out, &now_s[i].ev_in);
		}
		show(info, now_s, n, last ? now - last : 0, s);
		prev_n = (unsigned int)n;
		memcpy(prev, now_s, (size_t)n * sizeof(prev[0]));
		last = now;
		if ((a.iterations == 0 || s < a.iterations) && wait_or_key(a.delay_secs))
			break;
	}
	return 0;
}
