/*
 * Trace rings: a per-CPU record of hypercalls, traps, event deliveries
 * and vCPU switches of the domains being traced (hospes/trace.h; the
 * record layout and the sysctl are in public/sysctl.h).
 *
 * One ring per physical CPU, written only by that CPU with interrupts
 * off, so a writer needs no lock and never waits: it fills the slot at
 * head % capacity and then publishes head + 1 (release).  head counts the
 * records ever written on that CPU, so a reader's position is a plain
 * 64-bit number that never wraps in practice.  The reader (dom0's
 * sysctl, on any CPU) copies a slot and then re-reads head: if the
 * writer has meanwhile reached the record a full lap later, the slot may
 * have been rewritten under the copy and the record is counted lost
 * instead (a sequence lock without the sequence: the position is it),
 * and the reader skips half a lap to get ahead of the writer; so a ring
 * reliably holds one record fewer than it has slots.
 * A reader that falls more than a lap behind loses the oldest records
 * and is told how many.
 *
 * Rings cost nothing until the first domain is traced: trace_set()
 * allocates each CPU's ring then (TRACE_RING_ORDER frames, kept for the
 * machine's life) and publishes it before any domain's mask is set, so a
 * writer that sees a mask also sees its ring.  trace_active counts the
 * domains with a mask, so the hooks test one global while nobody traces.
 * trace_lock serializes trace_set(); the writers and readers take no lock.
 */
#include <hospes/frame.h>
#include <hospes/lib.h>
#include <hospes/smp.h>
#include <hospes/spinlock.h>
#include <hospes/trace.h>
#include <public/errno.h>
#include <public/xen.h>

#define TRACE_RING_ORDER 4 /* 64 KiB a CPU: 818 records */
#define RING_HEADER	 64

struct trace_ring {
	uint64_t head; /* records ever written; the slot of record i is i % capacity */
	uint8_t pad[RING_HEADER - sizeof(uint64_t)];
	struct hospes_trace_rec rec[];
};

BUILD_BUG_ON(sizeof(struct hospes_trace_rec) != 80);
BUILD_BUG_ON(offsetof(struct trace_ring, rec) != RING_HEADER);

#define CAPACITY                                                                                   \
	((unsigned int)(((PAGE_SIZE << TRACE_RING_ORDER) - RING_HEADER) /                          \
			sizeof(struct hospes_trace_rec)))

static struct trace_ring *rings[NR_CPUS];
static spinlock_t trace_lock = SPINLOCK_INIT;
unsigned int trace_active; /* domains with a nonzero mask; changed under trace_lock */

/* The slot of the oldest record is the one the writer fills next, so a
 * reader can rely on one fewer than the slots. */
unsigned int trace_ring_capacity(void)
{
	return CAPACITY - 1;
}

/* ---- writing (the CPU's own ring, interrupts off) --------------------------- */

static struct hospes_trace_rec *rec_begin(struct trace_ring **rp, unsigned long *flags)
{
	*flags = local_irq_save();
	unsigned int cpu = smp_processor_id();
	struct trace_ring *r =
		cpu < NR_CPUS ? __atomic_load_n(&rings[cpu], __ATOMIC_ACQUIRE) : NULL;
	if (!r) {
		local_irq_restore(*flags);
		return NULL;
	}
	*rp = r;
	struct hospes_trace_rec *rec = &r->rec[r->head % CAPACITY];
	*rec = (struct hospes_trace_rec){.tsc = trace_clock(), .cpu = (uint16_t)cpu};
	return rec;
}

static void rec_end(struct trace_ring *r, unsigned long flags)
{
	__atomic_store_n(&r->head, r->head + 1, __ATOMIC_RELEASE);
	local_irq_restore(flags);
}

void trace_hypercall_rec(const struct vcpu *v, unsigned long nr, const unsigned long args[5],
			 long result, uint64_t cycles)
{
	struct trace_ring *r;
	unsigned long flags;
	struct hospes_trace_rec *rec = rec_begin(&r, &flags);
	if (!rec)
		return;
	rec->kind = HOSPES_TREC_HYPERCALL;
	rec->domain = v->domain->id;
	rec->vcpu = (uint16_t)v->id;
	rec->op = (uint32_t)nr;
	for (unsigned int i = 0; i < 5; i++)
		rec->arg[i] = args[i];
	rec->result = result;
	rec->cycles = cycles;
	rec_end(r, flags);
}

void trace_trap_rec(const struct vcpu *v, unsigned int vector, unsigned long error,
		    unsigned long cr2, unsigned long rip, int how, uint64_t cycles)
{
	struct trace_ring *r;
	unsigned long flags;
	struct hospes_trace_rec *rec = rec_begin(&r, &flags);
	if (!rec)
		return;
	rec->kind = HOSPES_TREC_TRAP;
	rec->domain = v->domain->id;
	rec->vcpu = (uint16_t)v->id;
	rec->op = vector;
	rec->arg[0] = error;
	rec->arg[1] = cr2;
	rec->arg[2] = rip;
	rec->result = how;
	rec->cycles = cycles;
	rec_end(r, flags);
}

void trace_event_rec(const struct domain *d, unsigned int vcpu, unsigned int port, bool raised,
		     const struct trace_event_src *src)
{
	struct trace_ring *r;
	unsigned long flags;
	struct hospes_trace_rec *rec = rec_begin(&r, &flags);
	if (!rec)
		return;
	rec->kind = HOSPES_TREC_EVENT;
	rec->domain = d->id;
	rec->vcpu = (uint16_t)vcpu;
	rec->op = port;
	rec->result = raised;
	rec->arg[0] = src->stat;
	rec->arg[1] = src->arg;
	rec->arg[2] = src->peer;
	rec_end(r, flags);
}

void trace_switch_rec(const struct vcpu *prev, const struct vcpu *next)
{
	struct trace_ring *r;
	unsigned long flags;
	struct hospes_trace_rec *rec = rec_begin(&r, &flags);
	if (!rec)
		return;
	rec->kind = HOSPES_TREC_SWITCH;
	rec->domain = next ? next->domain->id : DOMID_IDLE;
	rec->vcpu = next ? (uint16_t)next->id : 0;
	rec->arg[0] = prev ? prev->domain->id : DOMID_IDLE;
	rec->arg[1] = prev ? prev->id : 0;
	rec_end(r, flags);
}

/* ---- control ---------------------------------------------------------------- */

/* Called with trace_lock held. */
static int rings_alloc(unsigned int ncpus)
{
	int rc = 0;
	for (unsigned int c = 0; c < ncpus && c < NR_CPUS && !rc; c++) {
		if (rings[c])
			continue;
		mfn_t m = frame_alloc(TRACE_RING_ORDER);
		if (mfn_eq(m, INVALID_MFN)) {
			rc = -XEN_ENOMEM;
			break;
		}
		struct trace_ring *r = mfn_to_virt(m);
		memset(r, 0, PAGE_SIZE << TRACE_RING_ORDER);
		__atomic_store_n(&rings[c], r, __ATOMIC_RELEASE);
	}
	return rc;
}

int trace_set(struct domain *d, unsigned int mask, unsigned int ncpus)
{
	int rc = 0;
	if (mask & ~(HOSPES_TRACE_HYPERCALLS | HOSPES_TRACE_EVENTS))
		return -XEN_EINVAL;
	spin_lock(&trace_lock);
	if (mask)
		rc = rings_alloc(ncpus);
	if (rc == 0) {
		if (!d->trace != !mask) /* traced <-> untraced */
			__atomic_store_n(&trace_active, trace_active + (mask ? 1 : -1),
					 __ATOMIC_RELEASE);
		__atomic_store_n(&d->trace, (uint8_t)mask, __ATOMIC_RELEASE);
	}
	spin_unlock(&trace_lock);
	return rc;
}

void trace_reset(void)
{
	for (unsigned int c = 0; c < NR_CPUS; c++)
		rings[c] = NULL;
	trace_active = 0;
}

/* ---- reading ---------------------------------------------------------------- */

static bool rec_matches(const struct hospes_trace_rec *rec, domid_t domid, unsigned int kinds)
{
	bool calls = rec->kind == HOSPES_TREC_HYPERCALL || rec->kind == HOSPES_TREC_TRAP;
	if (!(kinds & (calls ? HOSPES_TRACE_HYPERCALLS : HOSPES_TRACE_EVENTS)))
		return false;
	if (domid == DOMID_INVALID || rec->domain == domid)
		return true;
	return rec->kind == HOSPES_TREC_SWITCH && rec->arg[0] == domid;
}

unsigned int trace_read(unsigned int cpu, uint64_t *pos, uint64_t *lost, domid_t domid,
			unsigned int kinds, struct hospes_trace_rec *out, unsigned int n)
{
	struct trace_ring *r =
		cpu < NR_CPUS ? __atomic_load_n(&rings[cpu], __ATOMIC_ACQUIRE) : NULL;
	unsigned int got = 0;
	if (!r) {
		if (*pos == HOSPES_TRACE_POS_NOW)
			*pos = 0;
		return 0;
	}
	uint64_t head = __atomic_load_n(&r->head, __ATOMIC_ACQUIRE);
	if (*pos > head) /* HOSPES_TRACE_POS_NOW, or a position from the future */
		*pos = head;
	while (*pos < head && got < n) {
		if (head - *pos >= CAPACITY) { /* a lap behind: the oldest are gone */
			*lost += head - (CAPACITY - 1) - *pos;
			*pos = head - (CAPACITY - 1);
		}
		struct hospes_trace_rec rec = r->rec[*pos % CAPACITY];
		__atomic_thread_fence(__ATOMIC_ACQUIRE); /* the copy before the re-read */
		uint64_t now = __atomic_load_n(&r->head, __ATOMIC_ACQUIRE);
		if (now - *pos >= CAPACITY) { /* the writer reached this slot: skip half a lap */
			head = now;
			*lost += now - CAPACITY / 2 - *pos;
			*pos = now - CAPACITY / 2;
			continue;
		}
		if (rec_matches(&rec, domid, kinds))
			out[got++] = rec;
		(*pos)++;
	}
	return got;
}
