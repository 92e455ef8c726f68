/*
 * The vCPU scheduler: weighted fair share on per-CPU run queues.
 *
 * Ideas.  Each vCPU accumulates "virtual run time": real run time scaled by
 * DEFAULT_WEIGHT / weight, so a vCPU of weight 512 ages half as fast as one
 * of weight 256 and gets twice the CPU.  Each CPU runs the queued vCPU with
 * the least virtual time for up to a 30 ms slice (the credit scheduler's
 * slice), then re-queues it by its new virtual time.  Over any interval in
 * which a set of vCPUs stays runnable, their virtual times stay within one
 * slice of each other, which bounds unfairness to one slice per vCPU.
 *
 * Waking.  A vCPU that slept does not bank credit: on wake its virtual time
 * is raised to at least the queue's minimum less half a slice, so it runs
 * soon (an interactive bonus) but cannot monopolise the CPU.  If it then
 * leads the running vCPU by more than 1 ms, sched_wake() asks for an
 * immediate reschedule, so event-driven vCPUs see wake-up latency of one
 * reschedule, not one slice.
 *
 * Caps.  A capped vCPU (cap = percent of one CPU) may run cap% of each
 * 30 ms period; when it has used that, it is parked off the queue until the
 * period ends, even if the CPU would otherwise idle.  A domain's weight
 * and cap (the toolstack's XEN_DOMCTL_scheduler_op) are set on each of its
 * vCPUs: the same weight, the cap split evenly (sched_domain_set_params).
 *
 * Balancing.  A CPU that finds its queue empty, or shorter by two than
 * another's, takes the head of the longest other queue whenever it picks
 * (its slice ends, it idles, or it is asked).  A migrated vCPU's virtual
 * time is rebased onto the new queue's minimum.  A wake that leaves a vCPU
 * waiting behind a running one also asks an idle CPU, if there is one, to
 * pick at once (sched_request: an IPI through sched_kick_cpu), so new work
 * spreads in one reschedule rather than at the idle CPU's next timer.
 * Taking a running vCPU off its CPU (block, down, shutdown) asks that CPU
 * to pick too, so a vCPU on another CPU stops at once, not at its slice end.
 *
 * Affinity.  A vCPU runs only on the CPUs of its hard affinity mask
 * (Xen's pinning).  Every queue holds only vCPUs allowed on its CPU, except
 * for the moment between a new mask and the move it triggers; picking and
 * stealing take the first vCPU allowed on the picking CPU, so that moment
 * cannot run one in the wrong place.  A vCPU not running moves when its
 * mask changes; a running one is moved by its CPU's next pick, which is
 * asked for at once.  Soft affinity is a preference (Xen's): where the
 * scheduler chooses a CPU for a vCPU it takes one of hard & soft first
 * (preferred()): a waking vCPU whose CPU is not one of them moves to an
 * idle one that is, if any, and a starting one (unpause) also to the
 * least loaded one when that is no busier than its own (soft_place); an
 * idle CPU that steals takes
 * the first queued vCPU whose soft mask names it (and narrows its hard
 * one) before any other it may run (steal_for); a
 * vCPU moved by a new hard mask goes to the least loaded preferred CPU.
 * It never keeps a vCPU waiting: with no preferred CPU free, it runs
 * where hard affinity allows.
 *
 * Runstate.  Every state change goes through set_state(), which charges
 * the time since the last change to Xen's runstate of the old state
 * (running, runnable, blocked, offline); sched_runstate() reports them.
 *
 * Locks.  One lock per CPU protects its queue, parked list, curr and the
 * sched_vcpu fields of every vCPU assigned to it; two are taken only in CPU
 * index order (balancing).  sv->cpu changes only with both locks held, so a
 * waker locks sv->cpu's lock and re-checks it.  No lock is held while
 * another CPU is kicked.  The idle and balancing scans read other CPUs'
 * counters without their locks: they are hints, re-checked under the locks
 * before anything moves.
 */
#include <hospes/arch.h>
#include <hospes/lib.h>
#include <hospes/sched.h>
#include <public/errno.h>

static struct sched_cpu cpus[SCHED_MAX_CPUS];
struct sched_cpu *const sched_cpu_records = cpus; /* sched_pick_needed(), inline */
static unsigned int nr_cpus;
/* sched_request()'s counters, out of struct sched_cpu: it stays 64 bytes. */
static struct {
	uint64_t ipis, saved;
} request_counts[SCHED_MAX_CPUS];

struct sched_cpu *sched_cpu(unsigned int cpu)
{
	ASSERT(cpu < nr_cpus);
	return &cpus[cpu];
}

unsigned int sched_nr_cpus(void)
{
	return nr_cpus;
}

void sched_init(unsigned int n)
{
	ASSERT(n > 0 && n <= SCHED_MAX_CPUS);
	memset(cpus, 0, sizeof(cpus));
	memset(request_counts, 0, sizeof(request_counts));
	for (unsigned int i = 0; i < n; i++) {
		spin_lock_init(&cpus[i].lock);
		cpus[i].online = true;
	}
	nr_cpus = n;
}

static uint64_t weighted(const struct sched_vcpu *sv, uint64_t ns)
{
	if (sv->weight == SCHED_DEFAULT_WEIGHT) /* the same value without a division */
		return ns;
	return ns * SCHED_DEFAULT_WEIGHT / sv->weight;
}

/* Xen's runstate of each scheduler state (RUNSTATE_running = 0 ... offline = 3). */
static const uint8_t runstate_of[] = {[SCHED_OFFLINE] = 3,
				      [SCHED_QUEUED] = 1,
				      [SCHED_RUNNING] = 0,
				      [SCHED_BLOCKED] = 2,
				      [SCHED_PARKED] = 1};

static bool allowed(const struct sched_vcpu *sv, unsigned int cpu)
{
	return (sv->affinity >> cpu) & 1;
}

/* Where sv would rather run: hard & soft, or hard if they do not meet. */
static uint64_t preferred(const struct sched_vcpu *sv)
{
	uint64_t hard = READ_ONCE(sv->affinity), both = hard & READ_ONCE(sv->soft);
	return both ? both : hard;
}

uint64_t sched_all_cpus(void)
{
	return nr_cpus >= 64 ? ~0ULL : (1ULL << nr_cpus) - 1;
}

static void set_state(struct sched_vcpu *sv, enum sched_state s, uint64_t now)
{
	if (now > sv->state_entry)
		sv->state_time[runstate_of[sv->state]] += now - sv->state_entry;
	sv->state = s;
	sv->state_entry = MAX(now, sv->state_entry);
}

/* ---- run queue (caller holds the CPU's lock) ---------------------------- */

static void enqueue(struct sched_cpu *c, struct sched_vcpu *sv, uint64_t now)
{
	struct sched_vcpu **pp = &c->queue;
	while (*pp && (*pp)->vruntime <= sv->vruntime)
		pp = &(*pp)->next;
	sv->next = *pp;
	*pp = sv;
	c->nr_queued++;
	set_state(sv, SCHED_QUEUED, now);
}

static void unlink(struct sched_vcpu **list, struct sched_vcpu *sv)
{
	for (struct sched_vcpu **pp = list; *pp; pp = &(*pp)->next) {
		if (*pp == sv) {
			*pp = sv->next;
			sv->next = NULL;
			return;
		}
	}
	BUG();
}

/* The first (least virtual time) vCPU of c's queue that may run on cpu. */
static struct sched_vcpu *dequeue_for(struct sched_cpu *c, unsigned int cpu)
{
	for (struct sched_vcpu **pp = &c->queue; *pp; pp = &(*pp)->next) {
		struct sched_vcpu *sv = *pp;
		if (allowed(sv, cpu)) {
			*pp = sv->next;
			sv->next = NULL;
			c->nr_queued--;
			return sv;
		}
	}
	return NULL;
}

static void update_min_vruntime(struct sched_cpu *c)
{
	uint64_t m = UINT64_MAX;
	if (c->curr)
		m = c->curr->vruntime;
	if (c->queue)
		m = MIN(m, c->queue->vruntime);
	if (m != UINT64_MAX && m > c->min_vruntime)
		c->min_vruntime = m;
}

/* ---- caps --------------------------------------------------------------- */

static uint64_t cap_budget(const struct sched_vcpu *sv)
{
	return SCHED_CAP_PERIOD_NS * sv->cap / 100;
}

/* Start the period now falls in.  What was run beyond the budget (a late
 * slice-end interrupt, a long hypercall) is debt paid from the next
 * periods' budgets, so overruns do not add up to more than the cap. */
static void cap_roll_period(struct sched_vcpu *sv, uint64_t now)
{
	if (now - sv->period_start >= SCHED_CAP_PERIOD_NS) {
		uint64_t periods = (now - sv->period_start) / SCHED_CAP_PERIOD_NS;
		uint64_t allowance = periods * cap_budget(sv);
		sv->period_start += periods * SCHED_CAP_PERIOD_NS;
		sv->period_used = sv->period_used > allowance ? sv->period_used - allowance : 0;
	}
}

static bool cap_exhausted(struct sched_vcpu *sv, uint64_t now)
{
	if (likely(!sv->cap))
		return false;
	cap_roll_period(sv, now);
	return sv->period_used >= cap_budget(sv);
}

/* Queue the parked vCPUs whose period is over and whose debt is paid (or
 * whose cap was lifted); true if there were any. */
static bool unpark_due(struct sched_cpu *c, uint64_t now)
{
	struct sched_vcpu **pp = &c->parked;
	bool any = false;
	while (*pp) {
		struct sched_vcpu *sv = *pp;
		if (!sv->cap || now - sv->period_start >= SCHED_CAP_PERIOD_NS) {
			cap_roll_period(sv, now);
			if (!sv->cap || sv->period_used < cap_budget(sv)) {
				*pp = sv->next;
				enqueue(c, sv, now);
				any = true;
				continue;
			}
		}
		pp = &sv->next;
	}
	return any;
}

static uint64_t next_unpark(const struct sched_cpu *c)
{
	uint64_t t = UINT64_MAX;
	for (const struct sched_vcpu *sv = c->parked; sv; sv = sv->next)
		t = MIN(t, sv->period_start + SCHED_CAP_PERIOD_NS);
	return t;
}

/* Queue a runnable vCPU, or park it if its cap is used up.  Inline: every
 * wake and every preempted pick takes it. */
static inline __attribute__((always_inline)) void make_ready(struct sched_cpu *c,
							     struct sched_vcpu *sv, uint64_t now)
{
	if (cap_exhausted(sv, now)) {
		sv->next = c->parked;
		c->parked = sv;
		set_state(sv, SCHED_PARKED, now);
	} else {
		enqueue(c, sv, now);
	}
}

/* ---- vCPUs -------------------------------------------------------------- */

void sched_vcpu_init(struct vcpu *v, struct sched_vcpu *sv, unsigned int cpu)
{
	ASSERT(cpu < nr_cpus);
	memset(sv, 0, sizeof(*sv));
	sv->vcpu = v;
	sv->cpu = cpu;
	sv->affinity = sv->soft = sched_all_cpus();
	sv->weight = SCHED_DEFAULT_WEIGHT;
	sv->state = SCHED_OFFLINE;
	sv->after = SCHED_QUEUED;
	v->sched = sv;
	v->processor = cpu;
}

/* Lock the CPU v is assigned to (it may move while we wait for the lock).
 * Inline: every wake and sleep takes it, and the retry is rare. */
static inline __attribute__((always_inline)) struct sched_cpu *lock_vcpu_cpu(struct sched_vcpu *sv,
									     unsigned long *flags)
{
	for (;;) {
		unsigned int cpu = READ_ONCE(sv->cpu);
		struct sched_cpu *c = &cpus[cpu];
		*flags = spin_lock_irqsave(&c->lock);
		if (cpu == sv->cpu)
			return c;
		spin_unlock_irqrestore(&c->lock, *flags);
	}
}

void sched_vcpu_destroy(struct vcpu *v)
{
	struct sched_vcpu *sv = v->sched;
	unsigned long flags;
	struct sched_cpu *c = lock_vcpu_cpu(sv, &flags);
	ASSERT(sv->state != SCHED_RUNNING);
	if (sv->state == SCHED_QUEUED) {
		unlink(&c->queue, sv);
		c->nr_queued--;
	} else if (sv->state == SCHED_PARKED) {
		unlink(&c->parked, sv);
	}
	sv->state = SCHED_OFFLINE;
	spin_unlock_irqrestore(&c->lock, flags);
	v->sched = NULL;
}

int sched_set_params(struct vcpu *v, unsigned int weight, unsigned int cap)
{
	if (weight == 0 || weight > SCHED_MAX_WEIGHT || cap > 100)
		return -XEN_EINVAL;
	unsigned long flags;
	struct sched_cpu *c = lock_vcpu_cpu(v->sched, &flags);
	v->sched->weight = weight;
	v->sched->cap = cap;
	spin_unlock_irqrestore(&c->lock, flags);
	return 0;
}

/*
 * A domain's credit parameters (XEN_DOMCTL_scheduler_op).  Every vCPU gets
 * the domain's weight; the cap, a percentage of one CPU for the whole
 * domain as in Xen, is split evenly over the vCPUs (the first cap % n get
 * one point more), so the vCPUs' caps always add up to the domain's.
 */
int sched_domain_set_params(struct domain *d, unsigned int weight, unsigned int cap)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < d->max_vcpus; i++)
		n += d->vcpu[i] && d->vcpu[i]->sched;
	if (n == 0)
		return -XEN_ESRCH; /* no vCPUs yet (before max_vcpus), or dying */
	if (weight == 0 || weight > SCHED_MAX_WEIGHT || cap > 100 * n || (cap && cap < n))
		return -XEN_EINVAL;
	for (unsigned int i = 0, k = 0; i < d->max_vcpus; i++) {
		struct vcpu *v = d->vcpu[i];
		if (!v || !v->sched)
			continue;
		int rc = sched_set_params(v, weight, cap / n + (k++ < cap % n));
		ASSERT(rc == 0);
	}
	return 0;
}

int sched_domain_get_params(const struct domain *d, unsigned int *weight, unsigned int *cap)
{
	bool any = false;

	*weight = SCHED_DEFAULT_WEIGHT;
	*cap = 0;
	for (unsigned int i = 0; i < d->max_vcpus; i++) {
		const struct vcpu *v = d->vcpu[i];
		if (!v || !v->sched)
			continue;
		if (!any)
			*weight = READ_ONCE(v->sched->weight);
		*cap += READ_ONCE(v->sched->cap);
		any = true;
	}
	return any ? 0 : -XEN_ESRCH;
}

static uint64_t vruntime_now(const struct sched_vcpu *sv, uint64_t now)
{
	return sv->vruntime + weighted(sv, now - sv->run_start);
}

/* An online CPU of mask with nothing running or queued (a lock-free
 * hint), or nr_cpus. */
static unsigned int idle_cpu(unsigned int not, uint64_t mask)
{
	for (unsigned int i = 0; i < nr_cpus; i++)
		if (i != not &&((mask >> i) & 1) && cpus[i].online && !READ_ONCE(cpus[i].curr) &&
		    !READ_ONCE(cpus[i].nr_queued))
			return i;
	return nr_cpus;
}

static void soft_place(struct sched_vcpu *sv, uint64_t now);

bool sched_wake(struct vcpu *v, uint64_t now)
{
	struct sched_vcpu *sv = v->sched;
	unsigned long flags;
	bool resched = false, waits = false;
	if (unlikely(!((preferred(sv) >> READ_ONCE(sv->cpu)) & 1)))
		soft_place(sv, now);
	struct sched_cpu *c = lock_vcpu_cpu(sv, &flags);
	unsigned int cpu = sv->cpu;
	switch (sv->state) {
	case SCHED_RUNNING:
		sv->after = SCHED_QUEUED; /* a sleep that has not taken effect yet is undone */
		break;
	case SCHED_OFFLINE:
	case SCHED_BLOCKED: {
		uint64_t floor = c->min_vruntime - MIN(c->min_vruntime, SCHED_TIMESLICE_NS / 2);
		sv->vruntime = MAX(sv->vruntime, floor);
		make_ready(c, sv, now);
		resched = sv->state == SCHED_QUEUED &&
			  (!c->curr ||
			   vruntime_now(c->curr, now) > sv->vruntime + SCHED_WAKE_PREEMPT_NS);
		waits = sv->state == SCHED_QUEUED && c->curr;
		break;
	}
	default:
		break; /* already runnable */
	}
	spin_unlock_irqrestore(&c->lock, flags);
	/* Its CPU is busy, so something will wait there: an idle CPU, if any,
	 * picks now and balancing hands it the head of the longest queue. */
	unsigned int idle = waits && nr_cpus > 1 ? idle_cpu(cpu, preferred(sv)) : nr_cpus;
	if (waits && idle >= nr_cpus && nr_cpus > 1)
		idle = idle_cpu(cpu, READ_ONCE(sv->affinity));
	if (idle < nr_cpus)
		sched_request(idle);
	return resched;
}

void sched_sleep(struct vcpu *v, uint64_t now, enum sched_state why)
{
	struct sched_vcpu *sv = v->sched;
	unsigned long flags;
	ASSERT(why == SCHED_BLOCKED || why == SCHED_OFFLINE);
	struct sched_cpu *c = lock_vcpu_cpu(sv, &flags);
	unsigned int kick = nr_cpus;
	switch (sv->state) {
	case SCHED_RUNNING:
		sv->after = why; /* takes effect at the next sched_pick: ask for it */
		kick = sv->cpu;
		break;
	case SCHED_QUEUED:
		unlink(&c->queue, sv);
		c->nr_queued--;
		set_state(sv, why, now);
		break;
	case SCHED_PARKED:
		unlink(&c->parked, sv);
		set_state(sv, why, now);
		break;
	default:
		if (why == SCHED_OFFLINE)
			set_state(sv, why, now);
		break;
	}
	spin_unlock_irqrestore(&c->lock, flags);
	if (kick < nr_cpus)
		sched_request(kick);
}

void sched_vcpu_yield(struct vcpu *v)
{
	v->sched->yielded = true; /* only the running vCPU yields: its CPU's lock is not needed */
}

/* ---- balancing ---------------------------------------------------------- */

static unsigned int load_of(const struct sched_cpu *c)
{
	return c->nr_queued + (c->curr && c->curr->after == SCHED_QUEUED);
}

static unsigned int busiest_other(unsigned int cpu)
{
	unsigned int best = cpu, most = 0;
	for (unsigned int i = 0; i < nr_cpus; i++) {
		unsigned int n = READ_ONCE(cpus[i].nr_queued);
		if (i != cpu && cpus[i].online && n > 0 && load_of(&cpus[i]) > most) {
			most = load_of(&cpus[i]);
			best = i;
		}
	}
	return best;
}

static bool should_steal(const struct sched_cpu *me, const struct sched_cpu *from)
{
	unsigned int mine = load_of(me);
	return from->nr_queued > 0 && (mine == 0 || load_of(from) >= mine + 2);
}

/* Give sv, off src's lists, to CPU cpu (record me): its lead over the
 * queue's minimum virtual time is kept.  Both CPUs' locks are held. */
static void rebase(struct sched_vcpu *sv, struct sched_cpu *src, struct sched_cpu *me,
		   unsigned int cpu)
{
	uint64_t lag = sv->vruntime - MIN(sv->vruntime, src->min_vruntime);
	sv->vruntime = me->min_vruntime + lag;
	sv->cpu = cpu;
	sv->vcpu->processor = cpu;
}

/* sv has a real preference (its soft mask narrows its hard one) for cpu. */
static bool keen_on(const struct sched_vcpu *sv, unsigned int cpu)
{
	uint64_t pref = preferred(sv);
	return pref != READ_ONCE(sv->affinity) && ((pref >> cpu) & 1);
}

/* For a steal by cpu off c's queue: the first vCPU keen on cpu, else the
 * first that may run there (Xen's soft, then hard, step), but not one keen
 * on c's CPU while that CPU is idle: it is about to run it there. */
static struct sched_vcpu *steal_for(struct sched_cpu *c, unsigned int cpu)
{
	struct sched_vcpu **any = NULL;
	for (struct sched_vcpu **pp = &c->queue; *pp; pp = &(*pp)->next) {
		struct sched_vcpu *sv = *pp;
		if (keen_on(sv, cpu)) {
			any = pp;
			break;
		}
		if (!any && allowed(sv, cpu) && (c->curr || !keen_on(sv, sv->cpu)))
			any = pp;
	}
	if (!any)
		return NULL;
	struct sched_vcpu *sv = *any;
	*any = sv->next;
	sv->next = NULL;
	c->nr_queued--;
	return sv;
}

/* Move the first vCPU of the busiest other queue to cpu's queue if cpu is underloaded. */
static void steal(unsigned int cpu, uint64_t now)
{
	unsigned int from = busiest_other(cpu);
	if (from == cpu || !should_steal(&cpus[cpu], &cpus[from]))
		return;
	struct sched_cpu *a = &cpus[MIN(cpu, from)], *b = &cpus[MAX(cpu, from)];
	unsigned long flags = spin_lock_irqsave(&a->lock);
	spin_lock(&b->lock);
	struct sched_cpu *me = &cpus[cpu], *src = &cpus[from];
	struct sched_vcpu *sv = should_steal(me, src) ? steal_for(src, cpu) : NULL;
	if (sv) {
		rebase(sv, src, me, cpu);
		enqueue(me, sv, now);
	}
	spin_unlock(&b->lock);
	spin_unlock_irqrestore(&a->lock, flags);
}

/* Every pick balances; with one CPU there is nothing to look at. */
static inline void balance(unsigned int cpu, uint64_t now)
{
	if (nr_cpus > 1)
		steal(cpu, now);
}

bool sched_yield_has_effect(unsigned int cpu)
{
	if (READ_ONCE(cpus[cpu].nr_queued) > 0)
		return true;
	if (nr_cpus == 1)
		return false;
	unsigned int from = busiest_other(cpu);
	return from != cpu && should_steal(&cpus[cpu], &cpus[from]);
}

/* ---- affinity ----------------------------------------------------------- */

/* What CPU i has to run: its queue and whoever runs (a lock-free hint). */
static unsigned int busy_of(unsigned int i)
{
	return load_of(&cpus[i]) + (READ_ONCE(cpus[i].curr) != NULL);
}

/* The least loaded online CPU of mask (a lock-free hint), or nr_cpus. */
static unsigned int least_loaded(uint64_t mask)
{
	unsigned int best = nr_cpus, least = UINT32_MAX;
	for (unsigned int i = 0; i < nr_cpus; i++) {
		unsigned int load = busy_of(i);
		if (((mask >> i) & 1) && cpus[i].online && load < least) {
			least = load;
			best = i;
		}
	}
	return best;
}

/* Where sv goes when it must leave its CPU: a preferred CPU, else one of its hard mask. */
static unsigned int home_for(const struct sched_vcpu *sv)
{
	unsigned int to = least_loaded(preferred(sv));
	return to < nr_cpus ? to : least_loaded(READ_ONCE(sv->affinity));
}

/* Move sv from CPU from to CPU to (both locks taken here) if, under them,
 * it is still on from, not running, and still(sv, from) holds.  Returns
 * the state it was moved in, or SCHED_RUNNING if it was not moved. */
static enum sched_state move_vcpu(struct sched_vcpu *sv, unsigned int from, unsigned int to,
				  bool (*still)(const struct sched_vcpu *sv, unsigned int from),
				  uint64_t now)
{
	struct sched_cpu *a = &cpus[MIN(from, to)], *b = &cpus[MAX(from, to)];
	struct sched_cpu *src = &cpus[from], *dst = &cpus[to];
	unsigned long flags = spin_lock_irqsave(&a->lock);
	spin_lock(&b->lock);
	enum sched_state st = sv->state;
	bool move = sv->cpu == from && st != SCHED_RUNNING && still(sv, from);
	if (move && st == SCHED_QUEUED) {
		unlink(&src->queue, sv);
		src->nr_queued--;
	} else if (move && st == SCHED_PARKED) {
		unlink(&src->parked, sv);
	}
	if (move)
		rebase(sv, src, dst, to);
	if (move && st == SCHED_QUEUED) {
		enqueue(dst, sv, now);
	} else if (move && st == SCHED_PARKED) {
		sv->next = dst->parked;
		dst->parked = sv;
	}
	spin_unlock(&b->lock);
	spin_unlock_irqrestore(&a->lock, flags);
	return move ? st : SCHED_RUNNING;
}

static bool not_allowed_there(const struct sched_vcpu *sv, unsigned int from)
{
	return !allowed(sv, from);
}

static bool asleep_off_preferred(const struct sched_vcpu *sv, unsigned int from)
{
	return (sv->state == SCHED_BLOCKED || sv->state == SCHED_OFFLINE) &&
	       !((preferred(sv) >> from) & 1);
}

/*
 * A waking sv whose CPU it would rather not run on goes to an idle CPU
 * it prefers, if there is one (before sched_wake queues it).  A starting
 * one (from offline: an unpause, VCPUOP_up) with no such CPU goes to the
 * least loaded CPU it prefers if that one is no busier than its own: its
 * first CPU came from its id, not from a choice, and once it runs, only
 * a wake-up to an idle preferred CPU or a steal would move it (a hog
 * sharing a busy CPU never gets either).  Never to a busier CPU: a
 * preference does not make a vCPU wait.
 */
static void soft_place(struct sched_vcpu *sv, uint64_t now)
{
	unsigned int from = READ_ONCE(sv->cpu), to = idle_cpu(from, preferred(sv));
	if (to >= nr_cpus && READ_ONCE(sv->state) == SCHED_OFFLINE) {
		to = least_loaded(preferred(sv));
		if (to < nr_cpus && busy_of(to) > busy_of(from))
			to = nr_cpus;
	}
	if (to < nr_cpus)
		(void)move_vcpu(sv, from, to, asleep_off_preferred, now);
}

/* If sv, not running, is still on CPU from although its mask excludes it,
 * move it to a CPU of its mask, and ask that CPU to pick if sv waits there. */
static void move_off(struct sched_vcpu *sv, unsigned int from, uint64_t now)
{
	unsigned int to = home_for(sv);
	if (to >= nr_cpus || to == from)
		return;
	enum sched_state st = move_vcpu(sv, from, to, not_allowed_there, now);
	if (st == SCHED_QUEUED || st == SCHED_PARKED)
		sched_request(to);
}

int sched_set_affinity(struct vcpu *v, uint64_t mask, uint64_t now)
{
	struct sched_vcpu *sv = v->sched;
	uint64_t online = 0;
	for (unsigned int i = 0; i < nr_cpus; i++)
		online |= (uint64_t)cpus[i].online << i;
	if (!(mask & online))
		return -XEN_EINVAL;
	unsigned long flags;
	struct sched_cpu *c = lock_vcpu_cpu(sv, &flags);
	unsigned int cpu = sv->cpu;
	bool running = sv->state == SCHED_RUNNING;
	WRITE_ONCE(sv->affinity, mask & sched_all_cpus());
	spin_unlock_irqrestore(&c->lock, flags);
	if (allowed(sv, cpu))
		return 0;
	if (running)
		sched_request(cpu); /* its pick moves it */
	else
		move_off(sv, cpu, now);
	return 0;
}

uint64_t sched_affinity(const struct vcpu *v)
{
	return READ_ONCE(v->sched->affinity);
}

void sched_set_soft_affinity(struct vcpu *v, uint64_t mask)
{
	unsigned long flags;
	struct sched_cpu *c = lock_vcpu_cpu(v->sched, &flags);
	WRITE_ONCE(v->sched->soft, mask & sched_all_cpus()); /* used from the next placement on */
	spin_unlock_irqrestore(&c->lock, flags);
}

uint64_t sched_soft_affinity(const struct vcpu *v)
{
	return READ_ONCE(v->sched->soft);
}

/* ---- picking ------------------------------------------------------------ */

/* Charge the outgoing vCPU for its run and put it where it now belongs. */
static void deschedule(struct sched_cpu *c, struct sched_vcpu *prev, uint64_t now)
{
	uint64_t ran = now - prev->run_start;
	prev->runtime += ran;
	prev->vruntime += weighted(prev, ran);
	if (prev->cap) {
		cap_roll_period(prev, now);
		prev->period_used += ran;
	}
	c->curr = NULL;
	if (prev->after != SCHED_QUEUED) {
		set_state(prev, prev->after, now);
	} else {
		if (prev->yielded && c->queue) {
			struct sched_vcpu *last = c->queue;
			while (last->next)
				last = last->next;
			prev->vruntime = MAX(prev->vruntime, last->vruntime);
		}
		make_ready(c, prev, now);
	}
	prev->after = SCHED_QUEUED;
	prev->yielded = false;
}

static uint64_t slice_end(const struct sched_cpu *c, const struct sched_vcpu *sv, uint64_t now)
{
	uint64_t end = now + SCHED_TIMESLICE_NS; /* when idle: look for work to steal */
	if (sv && sv->cap)
		end = MIN(end, now + cap_budget(sv) - MIN(sv->period_used, cap_budget(sv)));
	return MIN(end, next_unpark(c));
}

struct vcpu *sched_pick(unsigned int cpu, uint64_t now, uint64_t *until)
{
	struct sched_cpu *c = sched_cpu(cpu);
	balance(cpu, now);
	unsigned long flags = spin_lock_irqsave(&c->lock);
	struct sched_vcpu *evict = c->curr && !allowed(c->curr, cpu) ? c->curr : NULL;
	if (c->curr)
		deschedule(c, c->curr, now);
	bool unparked = unpark_due(c, now);
	update_min_vruntime(c);
	struct sched_vcpu *next = dequeue_for(c, cpu);
	if (!next && c->parked) {
		/* curr was just capped out: look again for work elsewhere rather
		 * than idle until its period ends (balance takes both locks). */
		spin_unlock_irqrestore(&c->lock, flags);
		balance(cpu, now);
		flags = spin_lock_irqsave(&c->lock);
		next = dequeue_for(c, cpu);
	}
	if (next) {
		if (next->cap)
			cap_roll_period(next, now);
		set_state(next, SCHED_RUNNING, now);
		next->run_start = now;
		c->curr = next;
	}
	*until = slice_end(c, next, now);
	bool waiting = unparked && c->nr_queued;
	spin_unlock_irqrestore(&c->lock, flags);
	/* A vCPU back from its cap period may now wait here: as after a wake,
	 * an idle CPU, if any, picks at once and balancing hands it work. */
	unsigned int idle = waiting ? idle_cpu(cpu, ~0ULL) : nr_cpus;
	if (idle < nr_cpus)
		sched_request(idle);
	if (evict) /* its mask no longer has this CPU: it goes where it may run */
		move_off(evict, cpu, now);
	return next ? next->vcpu : NULL;
}

/* ---- idle time --------------------------------------------------------- */

/* Only the CPU itself adds (between two picks); readers see a whole u64. */
void sched_note_idle(unsigned int cpu, uint64_t ns)
{
	__atomic_store_n(&sched_cpu(cpu)->idle_time, sched_cpu(cpu)->idle_time + ns,
			 __ATOMIC_RELAXED);
}

uint64_t sched_idle_time(unsigned int cpu)
{
	return __atomic_load_n(&sched_cpu(cpu)->idle_time, __ATOMIC_RELAXED);
}

/* ---- runstate ---------------------------------------------------------- */

unsigned int sched_runstate(const struct vcpu *v, uint64_t now, bool leaving, uint64_t time[4],
			    uint64_t *entry)
{
	struct sched_vcpu *sv = v->sched;
	unsigned long flags;
	struct sched_cpu *c = lock_vcpu_cpu(sv, &flags);
	unsigned int rs = runstate_of[sv->state];
	for (unsigned int i = 0; i < 4; i++)
		time[i] = sv->state_time[i];
	if (now > sv->state_entry)
		time[rs] += now - sv->state_entry;
	*entry = sv->state_entry;
	if (leaving && sv->state == SCHED_RUNNING) {
		rs = runstate_of[sv->after];
		*entry = MAX(now, sv->state_entry);
	}
	spin_unlock_irqrestore(&c->lock, flags);
	return rs;
}

/* ---- reschedule requests ----------------------------------------------- */

void (*sched_kick_cpu)(unsigned int cpu);

/* Another CPU's request: the SC store and load are halt_poll.c's protocol. */
void sched_request(unsigned int cpu)
{
	ASSERT(cpu < nr_cpus);
	struct sched_cpu *c = &cpus[cpu];
	if (cpu == smp_processor_id() || !sched_kick_cpu) {
		WRITE_ONCE(c->resched, true);
		return;
	}
	__atomic_store_n(&c->resched, true, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&c->polling, __ATOMIC_SEQ_CST)) {
		__atomic_fetch_add(&request_counts[cpu].saved, 1, __ATOMIC_RELAXED);
		return;
	}
	__atomic_fetch_add(&request_counts[cpu].ipis, 1, __ATOMIC_RELAXED);
	sched_kick_cpu(cpu);
}

void sched_request_counts(unsigned int cpu, uint64_t *ipis, uint64_t *saved)
{
	*ipis = __atomic_load_n(&request_counts[cpu].ipis, __ATOMIC_RELAXED);
	*saved = __atomic_load_n(&request_counts[cpu].saved, __ATOMIC_RELAXED);
}

bool sched_test_and_clear_request(unsigned int cpu)
{
	return __atomic_exchange_n(&cpus[cpu].resched, false, __ATOMIC_ACQ_REL);
}
