/*
 * Halt polling and IPI-free wake-ups of an idle CPU (KVM's halt polling,
 * Linux's TIF_POLLING_NRFLAG).
 *
 * Why.  A CPU with nothing to run halts, and new work (a vCPU woken by an
 * event from another CPU) reaches it by an IPI that ends the halt.  For a
 * request that crosses CPUs and comes back within a few hundred
 * microseconds (a block read through blkfront with dom0 on its own CPU),
 * the halt, the IPI and the wake from halt are a large part of the
 * round trip: on real hardware the wake from a deep C-state, under QEMU's
 * TCG a host thread put to sleep and woken (20-35 us each way).
 *
 * Halt polling.  Before it halts, an idle CPU spins (`pause`, interrupts
 * enabled) for up to a window, watching its reschedule request; a wake-up
 * inside the window costs no halt.  Each CPU adapts its window to what
 * its idle periods have been (halt_poll_update):
 *   - a spin ended by a wake-up: the window was long enough, it stays;
 *   - the window ran out and the CPU halted, but the whole idle period was
 *     within the bound: a longer window would have caught the wake-up, so
 *     the window doubles (from 0 it starts at HALT_POLL_START_NS), up to
 *     the bound;
 *   - the idle period was longer than the bound: spinning was wasted, the
 *     window halves, and below HALT_POLL_START_NS it drops to 0.
 * The bound is the boot option halt_poll=<us> (0 turns polling off, and
 * every CPU halts at once as before; 0 is the default, since under QEMU's
 * TCG on a shared host a spinning vCPU thread takes the host CPU the
 * request it waits for needs: docs/performance.md, "hpoll").  Spinning is idle time: the arch
 * charges the whole idle period, spin and halt, to sched_note_idle().
 *
 * IPI-free wake-ups.  A CPU that spins marks itself polling
 * (sched_cpu.polling); sched_request() of a polling CPU only sets its
 * request and skips the IPI, since the spin will see the request.  No
 * wake-up may be lost: a lost one leaves a vCPU runnable on an idle CPU
 * until its next timer.  The protocol is Dekker's, on two flags, every
 * access sequentially consistent (a locked XCHG for each store on x86):
 *   waker:  resched = true;  then read polling; IPI only if it was false.
 *   poller: polling = true;  then read resched (sched_poll_begin);
 *           spin reading resched;
 *           with interrupts off: polling = false; then read resched again
 *           (sched_poll_end); halt (`sti; hlt`) only if it was false.
 * In the single order of these SC accesses, if the waker read polling ==
 * true, its store of resched came before that read, which came before
 * the poller's clear, which comes before the poller's last read: so the
 * poller sees the request and does not halt.  If the waker read false,
 * it sends the IPI; the poller either had not yet set polling (its read
 * in begin comes later and sees the request) or has already cleared it
 * with interrupts off, and then the IPI stays pending until the `sti;
 * hlt` pair, whose STI shadow lets it end the halt.  Either way the CPU
 * picks.  The first store is a full fence on both sides, which is what
 * the argument needs: without it a read could pass the store before it
 * (x86's store buffer) and both sides could miss each other.
 *
 * Locks: none.  A CPU's struct halt_poll is its own, written with
 * interrupts off; the counters are read by XEN_SYSCTL_hospes_cpustat as
 * whole u64 loads.
 */
#include <hospes/halt_poll.h>
#include <hospes/lib.h>
#include <hospes/sched.h>

static uint64_t max_ns = HALT_POLL_DEFAULT_US * 1000ULL;

void halt_poll_set_max_ns(uint64_t ns)
{
	max_ns = ns;
}

uint64_t halt_poll_max_ns(void)
{
	return max_ns;
}

static uint64_t grown(uint64_t window)
{
	uint64_t w = window ? window * 2 : HALT_POLL_START_NS;
	return MIN(w, max_ns);
}

static uint64_t shrunk(uint64_t window)
{
	uint64_t w = MIN(window / 2, max_ns);
	return w < HALT_POLL_START_NS ? 0 : w;
}

void halt_poll_update(struct halt_poll *hp, uint64_t window_ns, bool hit, uint64_t idle_ns)
{
	if (window_ns) {
		hp->polls++;
		hp->hits += hit;
	}
	if (hit)
		hp->window_ns = MIN(hp->window_ns, max_ns);
	else if (idle_ns <= max_ns)
		hp->window_ns = grown(hp->window_ns);
	else
		hp->window_ns = shrunk(hp->window_ns);
}

bool sched_poll_begin(unsigned int cpu)
{
	struct sched_cpu *c = sched_cpu(cpu);
	__atomic_store_n(&c->polling, true, __ATOMIC_SEQ_CST);
	return __atomic_load_n(&c->resched, __ATOMIC_SEQ_CST);
}

bool sched_poll_pending(unsigned int cpu)
{
	return __atomic_load_n(&sched_cpu(cpu)->resched, __ATOMIC_SEQ_CST);
}

bool sched_poll_end(unsigned int cpu)
{
	struct sched_cpu *c = sched_cpu(cpu);
	__atomic_store_n(&c->polling, false, __ATOMIC_SEQ_CST);
	return __atomic_load_n(&c->resched, __ATOMIC_SEQ_CST);
}
