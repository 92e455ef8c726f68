/*
 * Per-CPU software timers.
 *
 * Each CPU has one queue: a singly linked list sorted by expiry, earliest
 * first, with a back pointer (pprev) in each timer so cancelling is O(1).
 * Inserting is O(n) in the queue length, which stays small (a scheduler
 * tick and one timer per vCPU on that CPU).  The hardware is only told
 * about the head: whenever the head changes, arch_timer_reprogram().
 *
 * A timer is bound to one CPU; its queue lock protects its links and its
 * expiry.  The expiry path unlinks a timer under the lock, marks it as
 * the queue's running timer, then calls its function without the lock, so
 * the function may set it again.
 *
 * timer_cancel waits, on another CPU, until the timer's function is no
 * longer running, and unlinks it in the same critical section, so after
 * it the timer is idle and stays idle unless someone sets it again: its
 * owner may free it.  Without the wait, a vCPU's periodic timer could be
 * re-armed by its running function after domain destruction had cancelled
 * it, and the freed vCPU's timer stayed on the queue; a vCPU being
 * destroyed could also be kicked by a function still running.  Rules that
 * follow: call timer_cancel holding no lock a timer function takes, and a
 * timer function must not cancel a timer of another CPU (two such could
 * wait for each other with interrupts off).
 *
 * Invariant: t->pprev != NULL <=> t is on queue t->cpu, and then
 * *t->pprev == t.
 */
#include <hospes/arch.h>
#include <hospes/lib.h>
#include <hospes/smp.h>
#include <hospes/spinlock.h>
#include <hospes/time.h>

struct timer_queue {
	spinlock_t lock;
	struct timer *head;
	const struct timer *running; /* whose function runs now, or NULL */
};

static struct timer_queue queues[NR_CPUS];

void timer_init(struct timer *t, void (*fn)(void *data), void *data, unsigned int cpu)
{
	ASSERT(cpu < NR_CPUS);
	*t = (struct timer){.fn = fn, .data = data, .cpu = cpu};
}

bool timer_is_active(const struct timer *t)
{
	return t->pprev != NULL;
}

static uint64_t head_expiry(const struct timer_queue *q)
{
	return q->head ? q->head->expires_ns : TIME_NEVER;
}

static void unlink(struct timer *t)
{
	*t->pprev = t->next;
	if (t->next)
		t->next->pprev = t->pprev;
	t->next = NULL;
	t->pprev = NULL;
}

static void insert(struct timer_queue *q, struct timer *t)
{
	struct timer **pp = &q->head;
	while (*pp && (*pp)->expires_ns <= t->expires_ns)
		pp = &(*pp)->next;
	t->next = *pp;
	t->pprev = pp;
	if (*pp)
		(*pp)->pprev = &t->next;
	*pp = t;
}

void timer_set(struct timer *t, uint64_t expires_ns)
{
	struct timer_queue *q = &queues[t->cpu];
	unsigned long flags = spin_lock_irqsave(&q->lock);
	uint64_t before = head_expiry(q);
	if (t->pprev)
		unlink(t);
	t->expires_ns = expires_ns;
	insert(q, t);
	uint64_t after = head_expiry(q);
	spin_unlock_irqrestore(&q->lock, flags);
	if (after != before)
		arch_timer_reprogram(t->cpu, after);
}

void timer_cancel(struct timer *t)
{
	struct timer_queue *q = &queues[t->cpu];
	unsigned long flags = spin_lock_irqsave(&q->lock);
	/* On t's own CPU a running function is our caller (interrupts are off
	 * while it runs): waiting would never end. */
	while (q->running == t && t->cpu != smp_processor_id()) {
		spin_unlock_irqrestore(&q->lock, flags);
		cpu_relax();
		flags = spin_lock_irqsave(&q->lock);
	}
	if (t->pprev)
		unlink(t);
	spin_unlock_irqrestore(&q->lock, flags);
	/* A head that moved later only costs one early, empty interrupt. */
}

uint64_t timer_softirq(uint64_t now)
{
	struct timer_queue *q = &queues[smp_processor_id()];
	unsigned long flags = spin_lock_irqsave(&q->lock);
	while (q->head && q->head->expires_ns <= now) {
		struct timer *t = q->head;
		unlink(t);
		q->running = t;
		spin_unlock_irqrestore(&q->lock, flags);
		t->fn(t->data);
		flags = spin_lock_irqsave(&q->lock);
		q->running = NULL;
	}
	uint64_t next = head_expiry(q);
	spin_unlock_irqrestore(&q->lock, flags);
	return next;
}
