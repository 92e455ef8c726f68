/*
 * Spinlocks: ticket locks, fair between CPUs.  The _irqsave variants also
 * disable interrupts on this CPU (locks taken from interrupt handlers).
 */
#ifndef HOSPES_SPINLOCK_H
#define HOSPES_SPINLOCK_H

#include <hospes/arch.h>
#include <stdint.h>

typedef struct {
	uint16_t next;
	uint16_t owner;
} spinlock_t;

#define SPINLOCK_INIT ((spinlock_t){0, 0})

static inline void spin_lock_init(spinlock_t *l)
{
	l->next = 0;
	l->owner = 0;
}

/* Waiting for our ticket: out of line, so an uncontended lock inlines to
 * one xadd and one compare. */
static __attribute__((noinline, cold, unused)) void spin_lock_wait(spinlock_t *l, uint16_t me)
{
	while (__atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) != me)
		cpu_relax();
}

static inline void spin_lock(spinlock_t *l)
{
	uint16_t me = __atomic_fetch_add(&l->next, 1, __ATOMIC_RELAXED);
	if (__builtin_expect(__atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) != me, 0))
		spin_lock_wait(l, me);
}

static inline void spin_unlock(spinlock_t *l)
{
	__atomic_store_n(&l->owner, (uint16_t)(l->owner + 1), __ATOMIC_RELEASE);
}

static inline bool spin_is_locked(const spinlock_t *l)
{
	return __atomic_load_n(&l->owner, __ATOMIC_RELAXED) !=
	       __atomic_load_n(&l->next, __ATOMIC_RELAXED);
}

static inline unsigned long spin_lock_irqsave(spinlock_t *l)
{
	unsigned long flags = local_irq_save();
	spin_lock(l);
	return flags;
}

static inline void spin_unlock_irqrestore(spinlock_t *l, unsigned long flags)
{
	spin_unlock(l);
	local_irq_restore(flags);
}

#endif
