/*
 * Halt polling: an idle CPU spins for a while before it halts, and a CPU
 * that spins is woken without an IPI.  The ideas, the window's rules and
 * the memory ordering are in kernel/sched/halt_poll.c.
 *
 * The window logic is pure (time passed in), so the host tests drive it;
 * the arch's idle path (kernel/arch/x86_64/pv.c, pick_next) runs the spin.
 */
#ifndef HOSPES_HALT_POLL_H
#define HOSPES_HALT_POLL_H

#include <hospes/types.h>

#define HALT_POLL_DEFAULT_US 0	   /* off by default: docs/performance.md, "hpoll" */
#define HALT_POLL_MAX_US     10000 /* the largest bound halt_poll= takes */
#define HALT_POLL_START_NS   10000 /* a window grown from 0 starts here */

/* One CPU's window and counters (written by that CPU only, interrupts off). */
struct halt_poll {
	uint64_t window_ns; /* how long the next idle period spins; 0 = halt at once */
	uint64_t polls;	    /* idle periods that spun */
	uint64_t hits;	    /* ... and were ended by a wake-up inside the window */
};

/* The bound of every window, from halt_poll=<us> (0 = never spin). */
void halt_poll_set_max_ns(uint64_t max_ns);
uint64_t halt_poll_max_ns(void);

/* How long the next idle period of this CPU spins (0 = halt at once). */
static inline uint64_t halt_poll_window(const struct halt_poll *hp)
{
	return hp->window_ns;
}

/*
 * An idle period ended: it spun for the window it was given (0: it did
 * not), hit says a wake-up ended the spin inside the window, idle_ns is
 * the whole period (spin and halt).  Grows or shrinks the window.
 */
void halt_poll_update(struct halt_poll *hp, uint64_t window_ns, bool hit, uint64_t idle_ns);

/*
 * The polling mark (IPI-free wake-ups).  sched_poll_begin() marks cpu as
 * polling and returns whether a reschedule request is already pending;
 * sched_poll_pending() reads the request while spinning;
 * sched_poll_end() clears the mark (call it with interrupts off, before
 * halting) and returns whether a request came meanwhile.  While the mark
 * is set, sched_request() of this CPU sends no IPI.
 */
bool sched_poll_begin(unsigned int cpu);
bool sched_poll_pending(unsigned int cpu);
bool sched_poll_end(unsigned int cpu);

#endif
