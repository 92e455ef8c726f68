/*
 * Cooperative threads on one vCPU.
 *
 * A thread runs until it yields, blocks or sleeps; the run queue is a
 * FIFO ring through the threads themselves.  The idle thread runs when
 * the queue is empty: with events masked it checks once more, then calls
 * SCHEDOP_block, which unmasks events and sleeps the vCPU until one is
 * pending (the hypervisor checks pending events first, so a wakeup that
 * raced with the check is not lost).  Event handlers run in the upcall,
 * on the interrupted thread's stack, and may only wake threads.
 *
 * A thread that waits on an event counter while no other thread is
 * runnable blocks the vCPU itself (event_wait): the idle thread would do
 * nothing else, and the two thread switches to it and back are saved.
 * (SCHEDOP_poll with events masked would also save the upcall, but costs
 * the hypervisor more than the upcall does: measured in performance.md.)
 *
 * Sleepers sit on a list ordered by deadline; the earliest deadline is
 * what the hypervisor timer is armed with, and its VIRQ wakes all that
 * are due.  All queue edits happen with events masked (irq_save), since
 * the timer handler edits them from the upcall.
 */
#include "sched.h"
#include "kernel.h"
#include <asm/arch.h>
#include <asm/hypercall.h>
#include <mm/mm.h>
#include <mm/pages.h>

#define STACK_PAGES 4

struct thread {
	uintptr_t rsp;
	const char *name;
	struct thread *next; /* run queue or sleep list */
	uint64_t deadline;
	bool runnable;
	bool sleeping; /* on the sleep list: the timer wakes it (or an event_wait_timeout signal) */
	bool dead;     /* exited and switched away from: reusable */
	void *stack;   /* NULL for the boot thread */
	void *user;    /* the process this thread runs, or NULL */
};

void thread_switch(uintptr_t *from_rsp, uintptr_t to_rsp);
void thread_trampoline(void);

static struct thread boot_thread = {.name = "boot", .runnable = true};
static struct thread *current = &boot_thread, *idle;
static struct thread *run_head, *run_tail, *sleepers;
static void (*switch_hook)(struct thread *next);

struct thread *thread_current(void)
{
	return current;
}

static void enqueue(struct thread *t)
{
	t->next = NULL;
	t->runnable = true;
	if (run_tail)
		run_tail->next = t;
	else
		run_head = t;
	run_tail = t;
}

static struct thread *dequeue(void)
{
	struct thread *t = run_head;
	if (t) {
		run_head = t->next;
		if (!run_head)
			run_tail = NULL;
	}
	return t ? t : idle;
}

/* Called with events masked; returns with them masked. */
static void schedule(void)
{
	struct thread *prev = current, *next = dequeue();
	if (next == prev)
		return;
	if (switch_hook)
		switch_hook(next);
	current = next;
	thread_switch(&prev->rsp, next->rsp);
}

uint8_t events_mask(void)
{
	return irq_save();
}

void events_restore(uint8_t old)
{
	irq_restore(old);
}

void thread_yield(void)
{
	uint8_t f = irq_save();
	if (current != idle)
		enqueue(current);
	schedule();
	irq_restore(f);
}

void thread_block(void)
{
	uint8_t f = irq_save();
	current->runnable = false;
	schedule();
	irq_restore(f);
}

void thread_wake(struct thread *t)
{
	uint8_t f = irq_save();
	if (!t->runnable && !t->sleeping && t != current)
		enqueue(t);
	irq_restore(f);
}

static void wake_due(void)
{
	uint64_t now = clock_now_ns();
	while (sleepers && sleepers->deadline <= now) {
		struct thread *t = sleepers;
		sleepers = t->next;
		t->sleeping = false;
		enqueue(t);
	}
	if (sleepers)
		clock_arm(sleepers->deadline);
}

/* The VIRQ_TIMER handler (upcall context, events masked). */
void sched_timer_event(void)
{
	wake_due();
}

void thread_sleep_ns(uint64_t ns)
{
	uint8_t f = irq_save();
	struct thread **p = &sleepers;
	current->deadline = clock_now_ns() + ns;
	current->runnable = false;
	current->sleeping = true;
	while (*p && (*p)->deadline <= current->deadline)
		p = &(*p)->next;
	current->next = *p;
	*p = current;
	clock_arm(sleepers->deadline);
	schedule();
	irq_restore(f);
}

/* A new thread's first step (thread_trampoline): schedule() left events
 * masked for it. */
void thread_started(void)
{
	irq_restore(0);
}

void thread_exit(void)
{
	irq_save();
	current->runnable = false;
	current->dead = true; /* reused once another thread runs (thread_create) */
	current->user = NULL;
	schedule();
	panic("thread %s ran after it exited", current->name);
}

/* A dead thread (never current: it switched away for good), or a new one. */
static struct thread *thread_alloc(void)
{
	static struct thread pool[32];
	static unsigned int used;
	for (unsigned int i = 0; i < used; i++)
		if (pool[i].dead && &pool[i] != current)
			return &pool[i];
	if (used == sizeof(pool) / sizeof(pool[0]))
		return NULL;
	unsigned long pfn = pages_alloc(STACK_PAGES);
	if (pfn == NO_PFN)
		return NULL;
	pool[used].stack = pfn_to_virt(pfn);
	return &pool[used++];
}

uintptr_t thread_stack_top(const struct thread *t)
{
	return t->stack ? (uintptr_t)t->stack + STACK_PAGES * PAGE_SIZE : 0;
}

void thread_set_user(struct thread *t, void *proc)
{
	t->user = proc;
}

void *thread_user(const struct thread *t)
{
	return t->user;
}

bool sched_others_runnable(void)
{
	return run_head != NULL;
}

void sched_set_switch_hook(void (*fn)(struct thread *next))
{
	switch_hook = fn;
}

struct thread *thread_create(const char *name, void (*fn)(void *), void *arg)
{
	uint8_t f = irq_save();
	struct thread *t = thread_alloc();
	if (t)
		t->dead = false;
	irq_restore(f);
	if (!t)
		return NULL;
	uintptr_t *sp = (uintptr_t *)thread_stack_top(t);
	*--sp = (uintptr_t)thread_trampoline;
	*--sp = 0;		/* rbp */
	*--sp = 0;		/* rbx */
	*--sp = (uintptr_t)fn;	/* r12 */
	*--sp = (uintptr_t)arg; /* r13 */
	*--sp = 0;		/* r14 */
	*--sp = 0;		/* r15 */
	t->rsp = (uintptr_t)sp;
	t->name = name;
	t->user = NULL;
	t->runnable = t->sleeping = false;
	thread_wake(t);
	return t;
}

static void idle_loop(void *unused)
{
	(void)unused;
	for (;;) {
		irq_save();
		if (run_head) {
			schedule();
		} else {
			hv_sched_op(SCHEDOP_block, NULL); /* unmasks events */
			irq_restore(0);
		}
	}
}

void sched_init(void)
{
	idle = thread_create("idle", idle_loop, NULL);
	if (!idle)
		panic("cannot create the idle thread");
	uint8_t f = irq_save();
	run_head = run_tail = NULL; /* idle is never queued */
	idle->runnable = true;
	irq_restore(f);
}

/* Takes a sleeping t off the sleep list early and makes it runnable
 * (event_wait_timeout's waiters).  Events masked. */
static void unsleep(struct thread *t)
{
	for (struct thread **p = &sleepers; *p; p = &(*p)->next)
		if (*p == t) {
			*p = t->next;
			t->sleeping = false;
			enqueue(t);
			return;
		}
}

void event_signal(struct event_counter *e)
{
	uint8_t f = irq_save();
	e->count++;
	for (unsigned int i = 0; i < EVENT_WAITERS; i++)
		if (e->waiters[i]) {
			if (e->waiters[i]->sleeping)
				unsleep(e->waiters[i]);
			else
				thread_wake(e->waiters[i]);
			e->waiters[i] = NULL;
		}
	irq_restore(f);
}

bool event_wait_timeout(struct event_counter *e, unsigned long seen, uint64_t ns)
{
	uint8_t f = irq_save();
	unsigned int i = 0;
	while (i < EVENT_WAITERS && e->waiters[i] && e->waiters[i] != current)
		i++;
	if (e->count == seen && i < EVENT_WAITERS) {
		e->waiters[i] = current;
		thread_sleep_ns(ns); /* a signal takes us off the sleep list */
		if (e->waiters[i] == current)
			e->waiters[i] = NULL; /* the deadline came first */
	} else if (e->count == seen) {
		irq_restore(f); /* crowded: sleep the whole time */
		thread_sleep_ns(ns);
		f = irq_save();
	}
	bool moved = e->count != seen;
	irq_restore(f);
	return moved;
}

void event_wait(struct event_counter *e, unsigned long seen)
{
	uint8_t f = irq_save();
	while (e->count == seen) {
		if (!run_head && current != idle) {	  /* alone: block here, no switch */
			hv_sched_op(SCHEDOP_block, NULL); /* unmasks: the upcall signals */
			irq_save();
			continue;
		}
		unsigned int i = 0;
		while (i < EVENT_WAITERS && e->waiters[i] && e->waiters[i] != current)
			i++;
		if (i == EVENT_WAITERS) { /* crowded: poll politely */
			irq_restore(f);
			thread_yield();
			f = irq_save();
			continue;
		}
		e->waiters[i] = current;
		thread_block();
	}
	irq_restore(f);
}
