/*
 * Cooperative threads of the pvguest kernel, and time: the clock, sleeping,
 * and the one-shot hypervisor timer behind it.
 */
#ifndef PVGUEST_CORE_SCHED_H
#define PVGUEST_CORE_SCHED_H

#include <stdbool.h>
#include <stdint.h>

struct thread;

struct thread *thread_create(const char *name, void (*fn)(void *), void *arg);
struct thread *thread_current(void);
void thread_yield(void);
/* Sleeps until thread_wake() (or, with a deadline, until then). */
void thread_block(void);
void thread_wake(struct thread *t);
void thread_sleep_ns(uint64_t ns);
/* Ends the calling thread; its stack is reused by a later thread_create. */
__attribute__((noreturn)) void thread_exit(void);
/* The top of t's kernel stack (the boot thread has none: 0). */
uintptr_t thread_stack_top(const struct thread *t);
/* The process a thread runs (pvguest/proc), NULL for kernel threads. */
void thread_set_user(struct thread *t, void *proc);
void *thread_user(const struct thread *t);
/* Is any thread waiting in the run queue? */
bool sched_others_runnable(void);
/* fn(next) runs just before every switch (events masked): the process
 * layer loads next's page tables and kernel stack there. */
void sched_set_switch_hook(void (*fn)(struct thread *next));
/* Makes the boot flow the first thread and starts the idle thread. */
void sched_init(void);

/*
 * An event counter joins event-channel handlers (which signal) to the
 * threads that wait for them: a thread samples `count`, looks at the
 * shared state (a ring), and if there is nothing for it waits until the
 * count moves past the sample, so a signal in between is never lost.
 * Up to EVENT_WAITERS threads block; more than that yield and look again.
 */
#define EVENT_WAITERS 4
struct event_counter {
	volatile unsigned long count;
	struct thread *waiters[EVENT_WAITERS];
};
void event_signal(struct event_counter *e);
void event_wait(struct event_counter *e, unsigned long seen);
/* The same with a time limit of ns: true if the count moved past seen. */
bool event_wait_timeout(struct event_counter *e, unsigned long seen, uint64_t ns);

/*
 * Masks events (the upcall) for a stretch of a thread that takes its
 * driver's work from shared rings itself, so an event raised meanwhile
 * costs no upcall; returns the old mask.  events_restore(old) puts it
 * back and, when that unmasks, runs the handlers of what arrived.  A
 * wait inside (event_wait) still sleeps and wakes as usual.
 */
uint8_t events_mask(void);
void events_restore(uint8_t old);

/* Nanoseconds since the hypervisor booted; UTC nanoseconds. */
uint64_t clock_now_ns(void);
uint64_t clock_utc_ns(void);
/* Binds VIRQ_TIMER; sleeping threads wake on it. */
void clock_init(void);
/* Asks for a timer event at deadline (system time), earliest wins. */
void clock_arm(uint64_t deadline_ns);

#endif
