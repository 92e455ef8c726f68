/*
 * Host tests of the scheduler (kernel/sched/sched.c) against simulated time.
 *
 * sim_run() plays a small machine in 100 us steps: each CPU runs what
 * sched_pick() gave it until the returned deadline, a reschedule request
 * from sched_wake(), or its vCPU blocking.  vCPUs are CPU hogs or
 * "sleepers" (run a burst, block, wake after a fixed sleep).  Stated bounds:
 * weighted shares within 2 percentage points over 3 s (one 30 ms slice per
 * vCPU is 1 point); caps within 1 point, also when slice ends are
 * noticed 5 ms late (the overrun is debt); a woken sleeper runs within one
 * step; hogs spread over CPUs within 5 points of an even share.  Also the
 * SMP kicks (a wake kicks an idle CPU, a sleep kicks the vCPU's CPU) and
 * runstate accounting (times add up to the time since creation).  Domain
 * parameters (XEN_DOMCTL_scheduler_op's): two domains weighted 1:2 share a
 * CPU 1:2 within 2 points; a domain cap of 100 on two vCPUs over two idle
 * CPUs holds the domain to one CPU, and a cap of 60 beside a third hog to
 * 60 %, both within 2 points.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <hospes/compiler.h>
#include <hospes/sched.h>
#include <public/errno.h>

#define STEP_NS 100000ULL
#define MS	1000000ULL
#define MAXV	8

struct sim_vcpu {
	struct vcpu v;
	struct sched_vcpu sv;
	uint64_t burst_ns, sleep_ns; /* 0 = hog */
	uint64_t burst_left, wake_at, woke_at;
	uint64_t ran, max_latency, wakeups;
	uint64_t seen_on; /* CPUs it ran on (bit n = CPU n), since the re-pin */
	uint64_t ran_after_pin;
	bool blocked;
};

/* sim_run() re-pins pin_who to pin_mask at pin_at (0 = never). */
static struct sim_vcpu *pin_who;
static uint64_t pin_at, pin_mask;

static struct sim_vcpu sim[MAXV];
static struct domain dom;
static unsigned int nr_sim, nr_sim_cpus;
static uint64_t sim_late_ns; /* slice ends are noticed this late (a busy host) */

static void sim_setup(unsigned int ncpu)
{
	memset(sim, 0, sizeof(sim));
	memset(&dom, 0, sizeof(dom));
	nr_sim = 0;
	nr_sim_cpus = ncpu;
	sim_late_ns = 0;
	pin_who = NULL;
	pin_at = 0;
	sched_init(ncpu);
}

static struct sim_vcpu *sim_add(unsigned int cpu, unsigned int weight, unsigned int cap,
				uint64_t burst, uint64_t sleep)
{
	struct sim_vcpu *s = &sim[nr_sim];
	s->v.id = nr_sim++;
	s->v.domain = &dom;
	sched_vcpu_init(&s->v, &s->sv, cpu);
	assert_int_equal(sched_set_params(&s->v, weight, cap), 0);
	s->burst_ns = s->burst_left = burst;
	s->sleep_ns = sleep;
	sched_wake(&s->v, 0);
	return s;
}

static struct sim_vcpu *of(struct vcpu *v)
{
	return container_of(v, struct sim_vcpu, v);
}

static void sim_run(uint64_t duration)
{
	struct vcpu *curr[SCHED_MAX_CPUS] = {0};
	uint64_t until[SCHED_MAX_CPUS] = {0};
	bool resched[SCHED_MAX_CPUS] = {0};
	for (uint64_t now = 0; now < duration; now += STEP_NS) {
		if (pin_who && now == pin_at) {
			assert_int_equal(sched_set_affinity(&pin_who->v, pin_mask, now), 0);
			for (unsigned int i = 0; i < nr_sim; i++)
				sim[i].seen_on = 0;
		}
		for (unsigned int i = 0; i < nr_sim; i++) {
			struct sim_vcpu *s = &sim[i];
			if (s->blocked && s->wake_at <= now) {
				s->blocked = false;
				s->woke_at = now;
				s->wakeups++;
				s->burst_left = s->burst_ns;
				if (sched_wake(&s->v, now))
					resched[s->sv.cpu] = true;
			}
		}
		for (unsigned int c = 0; c < nr_sim_cpus; c++) {
			if (resched[c] || now >= until[c] + sim_late_ns ||
			    sched_test_and_clear_request(c)) {
				curr[c] = sched_pick(c, now, &until[c]);
				resched[c] = false;
				if (curr[c] && of(curr[c])->wakeups) {
					struct sim_vcpu *s = of(curr[c]);
					s->max_latency = MAX(s->max_latency, now - s->woke_at);
				}
			}
		}
		for (unsigned int c = 0; c < nr_sim_cpus; c++) {
			if (!curr[c])
				continue;
			struct sim_vcpu *s = of(curr[c]);
			assert_int_equal(s->sv.state, SCHED_RUNNING);
			assert_int_equal(s->sv.cpu, c);
			s->ran += STEP_NS;
			s->seen_on |= 1ULL << c;
			s->ran_after_pin += pin_at && now >= pin_at ? STEP_NS : 0;
			if (s->burst_ns && (s->burst_left -= STEP_NS) == 0) {
				s->blocked = true;
				s->wake_at = now + STEP_NS + s->sleep_ns;
				s->woke_at = s->wake_at;
				sched_sleep(&s->v, now + STEP_NS, SCHED_BLOCKED);
				resched[c] = true;
			}
		}
	}
}

static double share(const struct sim_vcpu *s, uint64_t duration)
{
	return (double)s->ran / (double)duration;
}

static void test_weighted_fairness(void **state)
{
	sim_setup(1);
	struct sim_vcpu *a = sim_add(0, 256, 0, 0, 0);
	struct sim_vcpu *b = sim_add(0, 512, 0, 0, 0);
	struct sim_vcpu *c = sim_add(0, 256, 0, 0, 0);
	sim_run(3000 * MS);
	assert_float_equal(share(a, 3000 * MS), 0.25, 0.02);
	assert_float_equal(share(b, 3000 * MS), 0.50, 0.02);
	assert_float_equal(share(c, 3000 * MS), 0.25, 0.02);
}

static void test_cap_alone(void **state)
{
	sim_setup(1);
	struct sim_vcpu *a = sim_add(0, 256, 20, 0, 0);
	sim_run(3000 * MS);
	assert_float_equal(share(a, 3000 * MS), 0.20, 0.01);
	assert_true(sched_cpu(0)->parked == NULL || sched_cpu(0)->parked == &a->sv);
}

static void test_cap_with_competitor(void **state)
{
	sim_setup(1);
	struct sim_vcpu *a = sim_add(0, 1024, 30, 0, 0);
	struct sim_vcpu *b = sim_add(0, 256, 0, 0, 0);
	sim_run(3000 * MS);
	assert_float_equal(share(a, 3000 * MS), 0.30, 0.01);
	assert_float_equal(share(b, 3000 * MS), 0.70, 0.01);
}

/* Slice ends noticed 5 ms late (as on a loaded host, where a 6 ms budget
 * ends at 11 ms): the overrun is debt for the next periods, so a cap of
 * 20 still holds within 1 point. */
static void test_cap_with_late_timer(void **state)
{
	sim_setup(1);
	sim_late_ns = 5 * MS;
	struct sim_vcpu *a = sim_add(0, 256, 20, 0, 0);
	struct sim_vcpu *b = sim_add(0, 256, 0, 0, 0);
	sim_run(3000 * MS);
	assert_float_equal(share(a, 3000 * MS), 0.20, 0.01);
	assert_float_equal(share(b, 3000 * MS), 0.80, 0.01);
}

static void test_wake_latency(void **state)
{
	sim_setup(1);
	struct sim_vcpu *hog = sim_add(0, 256, 0, 0, 0);
	struct sim_vcpu *io = sim_add(0, 256, 0, 200000, 5 * MS);
	sim_run(2000 * MS);
	assert_true(io->wakeups > 300);
	assert_true(io->max_latency <= STEP_NS);
	/* it got all the CPU it asked for: 0.2 ms of every 5.2 ms */
	assert_float_equal(share(io, 2000 * MS), 0.2 / 5.2, 0.005);
	assert_float_equal(share(hog, 2000 * MS), 1.0 - 0.2 / 5.2, 0.005);
}

static void test_balancing(void **state)
{
	sim_setup(2);
	struct sim_vcpu *h[4];
	for (int i = 0; i < 4; i++)
		h[i] = sim_add(0, 256, 0, 0, 0);
	sim_run(3000 * MS);
	for (int i = 0; i < 4; i++)
		assert_float_equal(share(h[i], 3000 * MS), 0.5, 0.05);
	assert_int_equal(sched_cpu(0)->nr_queued + sched_cpu(1)->nr_queued, 2);
}

static void test_idle_cpu_steals(void **state)
{
	sim_setup(4);
	struct sim_vcpu *a = sim_add(0, 256, 0, 0, 0);
	struct sim_vcpu *b = sim_add(0, 256, 0, 0, 0);
	sim_run(1000 * MS);
	assert_float_equal(share(a, 1000 * MS), 1.0, 0.05);
	assert_float_equal(share(b, 1000 * MS), 1.0, 0.05);
	assert_int_not_equal(a->sv.cpu, b->sv.cpu);
}

static void test_yield_and_block(void **state)
{
	uint64_t until;
	sim_setup(1);
	struct sim_vcpu *a = sim_add(0, 256, 0, 0, 0);
	struct sim_vcpu *b = sim_add(0, 256, 0, 0, 0);
	assert_ptr_equal(sched_pick(0, 0, &until), &a->v);
	assert_int_equal(until, 30 * MS);
	sched_vcpu_yield(&a->v);
	assert_ptr_equal(sched_pick(0, 10, &until), &b->v);
	assert_ptr_equal(sched_pick(0, 20, &until), &a->v);
	/* a blocks; a wake racing with the block undoes it */
	sched_sleep(&a->v, 30, SCHED_BLOCKED);
	sched_wake(&a->v, 31);
	assert_int_equal(a->sv.state, SCHED_RUNNING);
	sched_sleep(&a->v, 40, SCHED_BLOCKED);
	assert_ptr_equal(sched_pick(0, 50, &until), &b->v);
	assert_int_equal(a->sv.state, SCHED_BLOCKED);
	sched_sleep(&b->v, 60, SCHED_BLOCKED);
	assert_null(sched_pick(0, 70, &until));
	assert_true(sched_wake(&b->v, 80));  /* idle CPU: reschedule */
	assert_false(sched_wake(&b->v, 81)); /* already queued */
	assert_ptr_equal(sched_pick(0, 90, &until), &b->v);
	/* offline a queued vCPU, destroy it */
	sched_wake(&a->v, 100);
	sched_sleep(&a->v, 110, SCHED_OFFLINE);
	assert_int_equal(a->sv.state, SCHED_OFFLINE);
	assert_int_equal(sched_cpu(0)->nr_queued, 0);
	sched_vcpu_destroy(&a->v);
	assert_null(a->v.sched);
}

/* The hints the hypercall exit and SCHEDOP_yield fast paths rely on. */
static void test_fast_path_hints(void **state)
{
	uint64_t until;
	sim_setup(2);
	struct sim_vcpu *a = sim_add(0, 256, 0, 0, 0);
	assert_ptr_equal(sched_pick(0, 0, &until), &a->v);
	assert_false(sched_pick_needed(0, &a->v));
	assert_false(sched_yield_has_effect(0)); /* alone everywhere */
	sched_request(0);
	assert_true(sched_pick_needed(0, &a->v));
	assert_true(sched_test_and_clear_request(0));
	assert_false(sched_pick_needed(0, &a->v));
	/* one vCPU queued on the other CPU: not worth stealing, two are */
	struct sim_vcpu *b = sim_add(1, 256, 0, 0, 0);
	assert_false(sched_yield_has_effect(0));
	sim_add(1, 256, 0, 0, 0);
	sim_add(1, 256, 0, 0, 0);
	assert_true(sched_yield_has_effect(0));
	assert_ptr_equal(sched_pick(1, 10, &until), &b->v);
	assert_true(sched_yield_has_effect(1)); /* two wait behind b */
	sim_add(0, 256, 0, 0, 0);
	assert_true(sched_yield_has_effect(0)); /* queued locally */
	sched_sleep(&a->v, 20, SCHED_BLOCKED);	/* running, but to block */
	assert_true(sched_pick_needed(0, &a->v));
}

static unsigned int kicks[SCHED_MAX_CPUS];

static void record_kick(unsigned int cpu)
{
	kicks[cpu]++;
}

/* A wake that leaves a vCPU waiting behind a running one kicks an idle CPU,
 * which then takes the work at its pick (this runs as CPU 0). */
static void test_wake_kicks_idle_cpu(void **state)
{
	uint64_t until;
	sim_setup(3);
	memset(kicks, 0, sizeof(kicks));
	sched_kick_cpu = record_kick;
	struct sim_vcpu *x = sim_add(0, 256, 0, 0, 0);
	assert_ptr_equal(sched_pick(0, 0, &until), &x->v);
	struct sim_vcpu *a = sim_add(1, 256, 0, 0, 0);
	assert_ptr_equal(sched_pick(1, 0, &until), &a->v);
	sched_test_and_clear_request(1);
	sched_test_and_clear_request(2);
	memset(kicks, 0, sizeof(kicks));
	struct sim_vcpu *b = sim_add(1, 256, 0, 0, 0); /* waits behind a on CPU 1 */
	assert_int_equal(kicks[2], 1);		       /* CPU 2 idles: kicked */
	assert_true(sched_test_and_clear_request(2));
	assert_ptr_equal(sched_pick(2, 10, &until), &b->v); /* and it steals b */
	assert_int_equal(b->sv.cpu, 2);
	/* every CPU busy: the next such wake kicks nobody */
	memset(kicks, 0, sizeof(kicks));
	sim_add(1, 256, 0, 0, 0);
	assert_int_equal(kicks[0] + kicks[1] + kicks[2], 0);
	assert_false(sched_test_and_clear_request(0));
	sched_kick_cpu = NULL;
}

/* Taking a running vCPU off another CPU asks that CPU to pick at once. */
static void test_sleep_kicks_its_cpu(void **state)
{
	uint64_t until;
	sim_setup(2);
	memset(kicks, 0, sizeof(kicks));
	sched_kick_cpu = record_kick;
	struct sim_vcpu *a = sim_add(1, 256, 0, 0, 0);
	assert_ptr_equal(sched_pick(1, 0, &until), &a->v);
	sched_sleep(&a->v, 10, SCHED_OFFLINE);
	assert_int_equal(kicks[1], 1);
	assert_true(sched_pick_needed(1, &a->v));
	assert_null(sched_pick(1, 20, &until));
	assert_int_equal(a->sv.state, SCHED_OFFLINE);
	sched_kick_cpu = NULL;
}

/* Runstate times add up to the time since creation; running time is what
 * the simulation ran; a leaving vCPU is reported in its next state. */
static void test_runstate_accounting(void **state)
{
	uint64_t t[4], entry, until;
	sim_setup(1);
	struct sim_vcpu *hog = sim_add(0, 256, 0, 0, 0);
	struct sim_vcpu *io = sim_add(0, 256, 0, 1 * MS, 3 * MS);
	sim_run(1000 * MS);
	for (int i = 0; i < 2; i++) {
		struct sim_vcpu *s = i ? io : hog;
		unsigned int rs = sched_runstate(&s->v, 1000 * MS, false, t, &entry);
		assert_int_equal(t[0] + t[1] + t[2] + t[3], 1000 * MS);
		assert_int_equal(t[0], s->ran);
		assert_true(rs <= 2);
		assert_true(entry <= 1000 * MS);
	}
	sched_runstate(&io->v, 1000 * MS, false, t, &entry);
	assert_true(t[2] > 600 * MS); /* it sleeps 3 ms of every 4 */
	sched_runstate(&hog->v, 1000 * MS, false, t, &entry);
	assert_true(t[1] > 0); /* it waited while io ran */
	/* leaving: a running vCPU about to block reads as blocked from now */
	sim_setup(1);
	struct sim_vcpu *a = sim_add(0, 256, 0, 0, 0);
	assert_ptr_equal(sched_pick(0, 5 * MS, &until), &a->v);
	sched_sleep(&a->v, 7 * MS, SCHED_BLOCKED);
	assert_int_equal(sched_runstate(&a->v, 8 * MS, false, t, &entry), 0);
	assert_int_equal(t[0], 3 * MS);
	assert_int_equal(entry, 5 * MS);
	assert_int_equal(sched_runstate(&a->v, 8 * MS, true, t, &entry), 2);
	assert_int_equal(entry, 8 * MS);
	assert_int_equal(t[1], 5 * MS); /* runnable from creation (woken at 0) to the pick */
}

static void test_params(void **state)
{
	sim_setup(1);
	struct sim_vcpu *a = sim_add(0, 256, 0, 0, 0);
	assert_int_equal(sched_set_params(&a->v, 0, 0), -XEN_EINVAL);
	assert_int_equal(sched_set_params(&a->v, SCHED_MAX_WEIGHT + 1, 0), -XEN_EINVAL);
	assert_int_equal(sched_set_params(&a->v, 1, 101), -XEN_EINVAL);
	assert_int_equal(sched_set_params(&a->v, SCHED_MAX_WEIGHT, 100), 0);
}

/* A domain made of the given simulated vCPUs (for the domain-level calls). */
static void sim_domain(struct domain *d, struct sim_vcpu **v, unsigned int n)
{
	memset(d, 0, sizeof(*d));
	d->max_vcpus = n;
	for (unsigned int i = 0; i < n; i++) {
		d->vcpu[i] = &v[i]->v;
		v[i]->v.domain = d;
	}
}

/* Two domains of weights 1:2 on one CPU share it 1:2 (within 2 points). */
static void test_domain_weights_1_to_2(void **state)
{
	struct domain da, db;
	unsigned int w, cap;
	sim_setup(1);
	struct sim_vcpu *a = sim_add(0, 256, 0, 0, 0), *b = sim_add(0, 256, 0, 0, 0);
	sim_domain(&da, &a, 1);
	sim_domain(&db, &b, 1);
	assert_int_equal(sched_domain_set_params(&da, 100, 0), 0);
	assert_int_equal(sched_domain_set_params(&db, 200, 0), 0);
	assert_int_equal(sched_domain_get_params(&db, &w, &cap), 0);
	assert_int_equal(w, 200);
	sim_run(3000 * MS);
	assert_float_equal(share(a, 3000 * MS), 1.0 / 3, 0.02);
	assert_float_equal(share(b, 3000 * MS), 2.0 / 3, 0.02);
}

/* A domain cap of 100 on two hog vCPUs holds the domain to one CPU's worth
 * of two idle CPUs (within 2 points); with a third, uncapped hog beside it,
 * a cap of 60 still holds and the hog gets at least its fair share. */
static void test_domain_cap_holds(void **state)
{
	struct domain d;
	unsigned int w, cap;
	sim_setup(2);
	struct sim_vcpu *v[2] = {sim_add(0, 256, 0, 0, 0), sim_add(1, 256, 0, 0, 0)};
	sim_domain(&d, v, 2);
	assert_int_equal(sched_domain_set_params(&d, 256, 100), 0);
	assert_int_equal(v[0]->sv.cap + v[1]->sv.cap, 100);
	assert_int_equal(sched_domain_get_params(&d, &w, &cap), 0);
	assert_int_equal(cap, 100);
	sim_run(3000 * MS);
	assert_float_equal(share(v[0], 3000 * MS) + share(v[1], 3000 * MS), 1.0, 0.02);

	sim_setup(2);
	v[0] = sim_add(0, 256, 0, 0, 0);
	v[1] = sim_add(1, 256, 0, 0, 0);
	struct sim_vcpu *other = sim_add(1, 256, 0, 0, 0);
	sim_domain(&d, v, 2);
	assert_int_equal(sched_domain_set_params(&d, 256, 60), 0);
	sim_run(3000 * MS);
	assert_float_equal(share(v[0], 3000 * MS) + share(v[1], 3000 * MS), 0.6, 0.02);
	/* at each period start three want two CPUs: it waits while both capped
	 * vCPUs run, but gets at least its fair share of the three */
	assert_true(share(other, 3000 * MS) >= 2.0 / 3 - 0.02);
}

static void test_domain_params_errors(void **state)
{
	struct domain d, empty;
	unsigned int w, cap;
	sim_setup(1);
	struct sim_vcpu *v[3] = {sim_add(0, 256, 0, 0, 0), sim_add(0, 256, 0, 0, 0),
				 sim_add(0, 256, 0, 0, 0)};
	sim_domain(&d, v, 3);
	memset(&empty, 0, sizeof(empty));
	assert_int_equal(sched_domain_set_params(&empty, 256, 0), -XEN_ESRCH);
	assert_int_equal(sched_domain_get_params(&empty, &w, &cap), -XEN_ESRCH);
	assert_int_equal(sched_domain_set_params(&d, 0, 0), -XEN_EINVAL);
	assert_int_equal(sched_domain_set_params(&d, 256, 301), -XEN_EINVAL);
	assert_int_equal(sched_domain_set_params(&d, 256, 2), -XEN_EINVAL);
	assert_int_equal(sched_domain_set_params(&d, 300, 100), 0); /* 34 + 33 + 33 */
	assert_int_equal(v[0]->sv.cap, 34);
	assert_int_equal(v[2]->sv.cap, 33);
	assert_int_equal(sched_domain_set_params(&d, 256, 301), -XEN_EINVAL);
	assert_int_equal(sched_domain_get_params(&d, &w, &cap), 0);
	assert_int_equal(w, 300);
	assert_int_equal(cap, 100);
}

/* A hog pinned to CPU 1 never runs on CPU 0, even with CPU 0 idle and
 * three other hogs created there (balancing moves only what may move). */
static void test_affinity_pinned_stays(void **state)
{
	sim_setup(2);
	struct sim_vcpu *h[4];
	for (int i = 0; i < 4; i++)
		h[i] = sim_add(0, 256, 0, 0, 0);
	assert_int_equal(sched_set_affinity(&h[0]->v, 1 << 1, 0), 0);
	assert_int_equal(h[0]->sv.cpu, 1); /* queued: moved at once */
	assert_int_equal(sched_set_affinity(&h[1]->v, 1 << 0, 0), 0);
	struct sim_vcpu *io = sim_add(0, 256, 0, 200000, 3 * MS);
	assert_int_equal(sched_set_affinity(&io->v, 1 << 1, 0), 0);
	sim_run(3000 * MS);
	assert_int_equal(h[0]->seen_on, 1 << 1);
	assert_int_equal(io->seen_on, 1 << 1);
	assert_int_equal(h[1]->seen_on, 1 << 0);
	assert_true(io->wakeups > 300);
	for (int i = 0; i < 4; i++) /* 4 hogs on 2 CPUs, each about half a CPU */
		assert_float_equal(share(h[i], 3000 * MS), 0.5, 0.06);
}

/* A running hog re-pinned from CPU 0 to CPU 1 leaves CPU 0 at once (the
 * same 100 us step) and then shares CPU 1 with the hog pinned there. */
static void test_affinity_repin_running(void **state)
{
	sim_setup(2);
	struct sim_vcpu *a = sim_add(0, 256, 0, 0, 0);
	struct sim_vcpu *b = sim_add(1, 256, 0, 0, 0);
	assert_int_equal(sched_set_affinity(&a->v, 1 << 0, 0), 0);
	assert_int_equal(sched_set_affinity(&b->v, 1 << 1, 0), 0);
	pin_who = a;
	pin_at = 1000 * MS;
	pin_mask = 1 << 1;
	sim_run(3000 * MS);
	assert_int_equal(a->seen_on, 1 << 1);
	assert_int_equal(b->seen_on, 1 << 1);
	assert_int_equal(a->sv.cpu, 1);
	assert_int_equal(sched_affinity(&a->v), 1 << 1);
	assert_float_equal((double)a->ran_after_pin / (double)(2000 * MS), 0.5, 0.03);
	assert_float_equal((double)b->ran_after_pin / (double)(2000 * MS), 0.5, 0.03);
}

/* A sleeper re-pinned while blocked wakes on its new CPU; bad masks fail. */
static void test_affinity_blocked_and_errors(void **state)
{
	sim_setup(2);
	struct sim_vcpu *io = sim_add(0, 256, 0, 200000, 5 * MS);
	pin_who = io;
	pin_at = 100 * MS + STEP_NS / 2; /* never: the pin is made below */
	sim_run(100 * MS);
	assert_int_equal(sched_affinity(&io->v), 3); /* a new vCPU may run anywhere */
	assert_int_equal(sched_set_affinity(&io->v, 0, 0), -XEN_EINVAL);
	assert_int_equal(sched_set_affinity(&io->v, 1 << 2, 0), -XEN_EINVAL); /* no such CPU */
	sched_cpu(1)->online = false;
	assert_int_equal(sched_set_affinity(&io->v, 1 << 1, 0), -XEN_EINVAL); /* offline */
	sched_cpu(1)->online = true;
	assert_int_equal(sched_affinity(&io->v), 3);
	sched_sleep(&io->v, 100 * MS, SCHED_BLOCKED);
	assert_int_equal(sched_set_affinity(&io->v, (1 << 1) | (1 << 5), 100 * MS), 0);
	assert_int_equal(sched_affinity(&io->v), 1 << 1); /* CPUs it does not have are dropped */
	assert_int_equal(io->sv.cpu, 1);
	assert_int_equal(io->v.processor, 1);
	assert_true(sched_wake(&io->v, 101 * MS)); /* CPU 1 is idle: pick now */
	uint64_t until;
	assert_ptr_equal(sched_pick(1, 101 * MS, &until), &io->v);
	assert_null(sched_pick(0, 101 * MS, &until));
}

/* A sleeper on CPU 0 whose soft affinity is CPU 1 (set before its first
 * wake) runs only on CPU 1 while CPU 1 has nothing else to do: every wake
 * places it there. */
static void test_soft_wake_prefers(void **state)
{
	sim_setup(2);
	struct sim_vcpu *s = &sim[nr_sim];
	s->v.id = nr_sim++;
	s->v.domain = &dom;
	sched_vcpu_init(&s->v, &s->sv, 0);
	sched_set_soft_affinity(&s->v, (1 << 1) | (1ULL << 40)); /* CPU 40: none, dropped */
	assert_int_equal(sched_soft_affinity(&s->v), 1 << 1);
	assert_int_equal(sched_affinity(&s->v), 3); /* soft leaves hard alone */
	s->burst_ns = s->burst_left = 200000;
	s->sleep_ns = 3 * MS;
	assert_true(sched_wake(&s->v, 0));
	assert_int_equal(s->sv.cpu, 1); /* CPU 1 was idle: placed there */
	sim_run(1000 * MS);
	assert_int_equal(s->seen_on, 1 << 1);
	assert_true(s->wakeups > 200);
	/* the same sleeper without a preference stays where it was created */
	sim_setup(2);
	struct sim_vcpu *t = sim_add(0, 256, 0, 200000, 3 * MS);
	sim_run(1000 * MS);
	assert_int_equal(t->seen_on, 1 << 0);
}

/* Hard affinity wins: soft CPU 1 with hard CPU 0 runs on CPU 0 only, and
 * a soft mask that does not meet the hard one is ignored. */
static void test_soft_hard_wins(void **state)
{
	sim_setup(2);
	struct sim_vcpu *s = sim_add(0, 256, 0, 200000, 3 * MS);
	assert_int_equal(sched_set_affinity(&s->v, 1 << 0, 0), 0);
	sched_set_soft_affinity(&s->v, 1 << 1);
	sim_run(1000 * MS);
	assert_int_equal(s->seen_on, 1 << 0);
	assert_true(s->wakeups > 200);
}

/* Soft affinity is a preference, not a restriction: two hogs that both
 * prefer CPU 0 still use both CPUs (an idle CPU 1 steals one of them). */
static void test_soft_not_a_restriction(void **state)
{
	sim_setup(2);
	struct sim_vcpu *a = sim_add(0, 256, 0, 0, 0), *b = sim_add(0, 256, 0, 0, 0);
	sched_set_soft_affinity(&a->v, 1 << 0);
	sched_set_soft_affinity(&b->v, 1 << 0);
	sim_run(1000 * MS);
	assert_float_equal(share(a, 1000 * MS), 1.0, 0.02);
	assert_float_equal(share(b, 1000 * MS), 1.0, 0.02);
}

/* An idle CPU that steals takes the vCPU that prefers it, not the head
 * of the queue; a vCPU moved by a new hard mask goes to a preferred CPU. */
static void test_soft_steal_and_move(void **state)
{
	sim_setup(3);
	struct sim_vcpu *h[3];
	for (int i = 0; i < 3; i++)
		h[i] = sim_add(0, 256, 0, 0, 0);
	uint64_t until;
	assert_ptr_equal(sched_pick(0, 0, &until), &h[0]->v); /* h1, h2 wait on CPU 0 */
	sched_set_soft_affinity(&h[2]->v, 1 << 2);
	assert_ptr_equal(sched_pick(2, 0, &until), &h[2]->v); /* not the head, h1 */
	assert_ptr_equal(sched_pick(1, 0, &until), &h[1]->v);
	/* re-pinned off CPU 0 while queued there, h1 goes to its preferred CPU 2 */
	sim_setup(3);
	for (int i = 0; i < 2; i++)
		h[i] = sim_add(0, 256, 0, 0, 0);
	assert_ptr_equal(sched_pick(0, 0, &until), &h[0]->v);
	sched_set_soft_affinity(&h[1]->v, 1 << 2);
	assert_int_equal(sched_set_affinity(&h[1]->v, (1 << 1) | (1 << 2), 0), 0);
	assert_int_equal(h[1]->sv.cpu, 2);
}

/* A hog on CPU cpu whose soft affinity is set before its first wake (as
 * the builder sets it before the unpause). */
static struct sim_vcpu *sim_add_soft(unsigned int cpu, uint64_t soft)
{
	struct sim_vcpu *s = &sim[nr_sim];
	s->v.id = nr_sim++;
	s->v.domain = &dom;
	sched_vcpu_init(&s->v, &s->sv, cpu);
	sched_set_soft_affinity(&s->v, soft);
	sched_wake(&s->v, 0);
	return s;
}

/* Placement at the start (an unpause: a wake from offline).  Both CPUs
 * run a hog; a third hog that prefers CPU 1 is created on CPU 0 (where
 * its id puts it).  No preferred CPU is idle, but CPU 1 is no busier than
 * CPU 0, so it starts on CPU 1 and spends all its time there (without
 * this placement it stayed on CPU 0 for good: steals need a load gap of
 * two).  With CPU 0 idle it starts on CPU 0 instead: a preference never
 * makes a vCPU wait. */
static void test_soft_place_at_start(void **state)
{
	sim_setup(2);
	struct sim_vcpu *a = sim_add(0, 256, 0, 0, 0), *b = sim_add(1, 256, 0, 0, 0);
	struct sim_vcpu *c = sim_add_soft(0, 1 << 1);
	assert_int_equal(c->sv.cpu, 1);
	sim_run(1000 * MS);
	assert_int_equal(c->seen_on, 1 << 1);
	assert_float_equal(share(a, 1000 * MS), 1.0, 0.02);
	assert_float_equal(share(b, 1000 * MS), 0.5, 0.02);
	assert_float_equal(share(c, 1000 * MS), 0.5, 0.02);
	sim_setup(2);
	b = sim_add(1, 256, 0, 0, 0);
	c = sim_add_soft(0, 1 << 1);
	assert_int_equal(c->sv.cpu, 0);
	sim_run(1000 * MS);
	assert_float_equal(share(c, 1000 * MS), 1.0, 0.02);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_weighted_fairness),
		cmocka_unit_test(test_cap_alone),
		cmocka_unit_test(test_cap_with_competitor),
		cmocka_unit_test(test_cap_with_late_timer),
		cmocka_unit_test(test_wake_latency),
		cmocka_unit_test(test_balancing),
		cmocka_unit_test(test_idle_cpu_steals),
		cmocka_unit_test(test_yield_and_block),
		cmocka_unit_test(test_params),
		cmocka_unit_test(test_domain_weights_1_to_2),
		cmocka_unit_test(test_domain_cap_holds),
		cmocka_unit_test(test_domain_params_errors),
		cmocka_unit_test(test_fast_path_hints),
		cmocka_unit_test(test_wake_kicks_idle_cpu),
		cmocka_unit_test(test_sleep_kicks_its_cpu),
		cmocka_unit_test(test_runstate_accounting),
		cmocka_unit_test(test_affinity_pinned_stays),
		cmocka_unit_test(test_affinity_repin_running),
		cmocka_unit_test(test_affinity_blocked_and_errors),
		cmocka_unit_test(test_soft_wake_prefers),
		cmocka_unit_test(test_soft_hard_wins),
		cmocka_unit_test(test_soft_not_a_restriction),
		cmocka_unit_test(test_soft_steal_and_move),
		cmocka_unit_test(test_soft_place_at_start),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
