/*
 * The vCPU scheduler: per-CPU run queues, weighted fair share with optional
 * caps, block/wake, load balancing.  See kernel/sched/sched.c for the ideas.
 *
 * The core is a pure function of the time passed in (ns of system time), so
 * the host tests drive it with simulated time; the arch glue calls
 * sched_pick() from the timer interrupt and on block/yield, switches to the
 * vCPU returned and arms the CPU's timer for *until.
 */
#ifndef HOSPES_SCHED_H
#define HOSPES_SCHED_H

#include <hospes/arch.h>
#include <hospes/compiler.h>
#include <hospes/domain.h>
#include <hospes/spinlock.h>

#define SCHED_MAX_CPUS	      64
#define SCHED_TIMESLICE_NS    30000000ULL /* 30 ms */
#define SCHED_CAP_PERIOD_NS   30000000ULL /* caps are enforced per 30 ms period */
#define SCHED_DEFAULT_WEIGHT  256
#define SCHED_MAX_WEIGHT      65535
#define SCHED_WAKE_PREEMPT_NS 1000000ULL /* a waker must lead by 1 ms to preempt */

enum sched_state {
	SCHED_OFFLINE, /* not initialised, down, or paused */
	SCHED_QUEUED,  /* runnable, on its CPU's run queue */
	SCHED_RUNNING, /* the current vCPU of its CPU */
	SCHED_BLOCKED, /* waiting for an event or a timer */
	SCHED_PARKED,  /* runnable but out of cap budget until the next period */
};

struct sched_vcpu {
	struct vcpu *vcpu;
	struct sched_vcpu *next; /* run queue or parked list */
	enum sched_state state;
	enum sched_state after; /* state to enter when a RUNNING vCPU is descheduled */
	bool yielded;
	unsigned int cpu;
	uint64_t affinity;		    /* hard affinity: bit n = may run on CPU n */
	uint64_t soft;			    /* soft affinity: bit n = would rather run on CPU n */
	unsigned int weight;		    /* relative share */
	unsigned int cap;		    /* percent of one CPU, 0 = uncapped */
	uint64_t vruntime;		    /* weighted run time: ns * DEFAULT_WEIGHT / weight */
	uint64_t run_start;		    /* when it was last picked */
	uint64_t period_start, period_used; /* cap accounting */
	uint64_t runtime;		    /* total ns run */
	uint64_t state_entry;		    /* when the current state began */
	uint64_t state_time[4];		    /* ns per Xen runstate, past states only */
};

struct sched_cpu {
	spinlock_t lock;
	struct sched_vcpu *queue;  /* sorted by vruntime, lowest first */
	struct sched_vcpu *parked; /* capped out until their period ends */
	struct sched_vcpu *curr;   /* NULL = idle */
	unsigned int nr_queued;
	uint64_t min_vruntime; /* never decreases */
	uint64_t idle_time;    /* ns halted with nothing to run (sched_note_idle) */
	bool online;
	bool resched; /* sched_request() pending */
	bool polling; /* spinning in the idle path: a request needs no IPI (halt_poll.c) */
};

void sched_init(unsigned int nr_cpus);
/* The idle loop reports ns it spent halted; the total (XEN_SYSCTL_getcpuinfo). */
void sched_note_idle(unsigned int cpu, uint64_t ns);
uint64_t sched_idle_time(unsigned int cpu);
unsigned int sched_nr_cpus(void);
void sched_vcpu_init(struct vcpu *v, struct sched_vcpu *sv, unsigned int cpu);
void sched_vcpu_destroy(struct vcpu *v);
int sched_set_params(struct vcpu *v, unsigned int weight, unsigned int cap);
/* A domain's weight (1..65535, each vCPU's) and cap (0 = none, else n..100n
 * percent of one CPU for its n vCPUs, split evenly); -ESRCH without vCPUs. */
int sched_domain_set_params(struct domain *d, unsigned int weight, unsigned int cap);
/* The weight of its first vCPU and the sum of its vCPUs' caps. */
int sched_domain_get_params(const struct domain *d, unsigned int *weight, unsigned int *cap);

/*
 * Hard affinity (XEN_DOMCTL_setvcpuaffinity): the CPUs v may run on, bit n
 * = CPU n.  A mask naming no online CPU is -EINVAL.  v runs only on a CPU
 * of its mask: a queued or blocked v moves at once (to the least loaded
 * CPU of the mask), a running one at its CPU's next pick, asked for now.
 * A new vCPU may run anywhere.
 */
int sched_set_affinity(struct vcpu *v, uint64_t mask, uint64_t now);
uint64_t sched_affinity(const struct vcpu *v);
/*
 * Soft affinity (XEN_VCPUAFFINITY_SOFT): the CPUs v would rather run on
 * (default all; CPUs the scheduler lacks are dropped, an empty mask is
 * kept and means no preference).  Where the scheduler places v, on a
 * wake, a move or a steal, a CPU of hard & soft comes first; hard
 * affinity always wins, and with hard & soft empty soft is ignored.  It
 * is a preference, never a restriction: a vCPU waits for no CPU.
 */
void sched_set_soft_affinity(struct vcpu *v, uint64_t mask);
uint64_t sched_soft_affinity(const struct vcpu *v);
/* The mask of every CPU the scheduler has. */
uint64_t sched_all_cpus(void);

/* Make v runnable; returns true if its CPU should reschedule now (IPI/softirq). */
bool sched_wake(struct vcpu *v, uint64_t now);
/* Take v off the CPU (block, down, pause); a running v stops at the next pick. */
void sched_sleep(struct vcpu *v, uint64_t now, enum sched_state why);
/* v gives up the rest of its slice: it goes behind every other queued vCPU.
 * (Not "sched_yield": host test binaries would override libc's function.) */
void sched_vcpu_yield(struct vcpu *v);
/* Could a yield on cpu let anything else run (a queued vCPU here, or one
 * balancing would steal)?  A lock-free hint for the yield fast path. */
bool sched_yield_has_effect(unsigned int cpu);
/* Choose what runs next on cpu (NULL = idle) and when to choose again. */
struct vcpu *sched_pick(unsigned int cpu, uint64_t now, uint64_t *until);

struct sched_cpu *sched_cpu(unsigned int cpu);

/*
 * Runstate accounting in Xen's terms (public/vcpu.h): returns v's
 * RUNSTATE_* (running; runnable = queued or parked; blocked; offline),
 * and fills time[] with the ns spent in each, the current state counted up
 * to now, and *entry with when the current state began (system time).
 * With leaving, a running v is reported as it will be once its CPU picks
 * (its next state, entered now): for publishing it before the switch.
 */
unsigned int sched_runstate(const struct vcpu *v, uint64_t now, bool leaving, uint64_t time[4],
			    uint64_t *entry);

/*
 * Reschedule requests: a CPU must call sched_pick() before it next returns
 * to a guest.  sched_request() sets the flag and, for another CPU, calls
 * sched_kick_cpu (the arch's IPI; until set, the CPU notices at its next
 * timer tick, at most one slice later), unless that CPU is polling in its
 * idle path (kernel/sched/halt_poll.c: it sees the flag without one).
 */
void sched_request(unsigned int cpu);
bool sched_test_and_clear_request(unsigned int cpu);
/* sched_request()s of cpu from other CPUs: *ipis sent it an IPI, *saved
 * sent none because it was polling (XEN_SYSCTL_hospes_cpustat). */
void sched_request_counts(unsigned int cpu, uint64_t *ipis, uint64_t *saved);
/* Must cpu call sched_pick() before it returns to curr (a request is
 * pending, or curr stopped running or is to stop)?  Clears nothing.
 * Inline: every hypercall's exit asks. */
extern struct sched_cpu *const sched_cpu_records;
static inline bool sched_pick_needed(unsigned int cpu, const struct vcpu *curr)
{
	const struct sched_vcpu *sv = curr->sched;
	return READ_ONCE(sched_cpu_records[cpu].resched) || sv->state != SCHED_RUNNING ||
	       sv->after != SCHED_QUEUED;
}
extern void (*sched_kick_cpu)(unsigned int cpu);

/*
 * Is v the vCPU this CPU runs, with nothing asking it to stop (only v
 * itself blocks or polls, and that asks)?  Then waking it changes nothing
 * and it is not blocked: a kick can stop here, since this CPU looks for
 * events on its way back to v anyway.  Inline: every event to oneself asks.
 */
static inline bool vcpu_runs_here(const struct vcpu *v)
{
	const struct sched_vcpu *sv = v->sched;
	return v == arch_current_vcpu() && sv && READ_ONCE(sv->state) == SCHED_RUNNING &&
	       READ_ONCE(sv->after) == SCHED_QUEUED && READ_ONCE(sv->cpu) == smp_processor_id();
}

#endif
