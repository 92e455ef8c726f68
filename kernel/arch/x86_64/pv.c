/*
 * The machine side of running PV guests: SYSCALL and int $0x82 hypercalls,
 * exceptions from guests, the exit path to a guest, and the CPU's
 * scheduling loop.
 *
 * A guest's live registers are the struct cpu_regs frame at the top of
 * this CPU's hypervisor stack (written by B's interrupt entry or by
 * syscall_entry).  Every path ends in pv_return_to_guest(), which
 *   1. switches vCPU if the scheduler asked (sched_request): the frame is
 *      saved into the old vCPU's arch->regs and the new one's copied in,
 *      with its CR3 (the shadow root from kernel/mm/shadow) and bases;
 *      with nothing to run, the CPU halts until an interrupt brings work;
 *   2. delivers a pending, unmasked event upcall (kernel/domain/bounce.c);
 *   3. loads a new CR3 if the guest changed between kernel and user mode.
 * The frame is then restored by iretq (pv_exit_to_guest or B's entry).
 * Hypercalls skip pv_return_to_guest() when exit_work_pending() says it has
 * nothing to do (the common case): one check of the same conditions; a
 * SYSCALL hypercall then returns by SYSRET (see sysret_ok()).  A SYSCALL
 * hypercall of a guest kernel runs first in pv_entry.S, straight from
 * pv_fast_hypercalls[] with a two-condition exit check (this CPU's
 * reschedule request, a deliverable upcall); pv_syscall() is the full
 * path; the iret hypercall's own fast path is in pv_fast.c.
 *
 * Every online CPU runs vCPUs: the boot CPU enters from guests_start(),
 * each AP from cpu_idle() once dom0 is built; a CPU with nothing to run
 * spins for a while (halt polling, kernel/sched/halt_poll.c: a request
 * needs no IPI then) and halts in pick_next() until a timer or a kick
 * (VEC_RESCHED, the scheduler's sched_kick_cpu) arrives.  FPU/SSE/AVX state is switched eagerly with the other
 * registers (fpu.c); arch->live_cpu says which CPU's registers last held
 * a vCPU's state, so a vCPU picked again is reloaded if it ran elsewhere.
 */
#include <asm/apic.h>
#include <asm/cpu.h>
#include <asm/cr3.h>
#include <asm/fpu.h>
#include <asm/msr.h>
#include <asm/page.h>
#include <asm/pv_entry.h>
#include <asm/regs.h>
#include <asm/smp.h>
#include <asm/traps.h>
#include <hospes/bounce.h>
#include <hospes/cpuid.h>
#include <hospes/dom0.h>
#include <hospes/halt_poll.h>
#include <hospes/hypercall.h>
#include <hospes/lib.h>
#include <hospes/percpu.h>
#include <hospes/pv.h>
#include <hospes/sched.h>
#include <hospes/shadow.h>
#include <hospes/smp.h>
#include <hospes/time.h>
#include <hospes/trace.h>
#include <public/sysctl.h>
#include <public/xen.h>

#define PV_VECTOR_SYSCALL 0x100
#define HYPERCALL_IRET	  23
#define RFLAGS_FMASK	  0x47700UL /* TF IF DF IOPL NT AC cleared on SYSCALL */
#define EFER_SCE	  (1UL << 0)

/* The offsets pv_entry.S uses. */
BUILD_BUG_ON(offsetof(struct percpu, curr_vcpu) != 16);
BUILD_BUG_ON(offsetof(struct percpu, stack_top) != 24);
BUILD_BUG_ON(offsetof(struct percpu, syscall_rsp) != 72);
BUILD_BUG_ON(offsetof(struct percpu, resched) != 80);
BUILD_BUG_ON(offsetof(struct vcpu, vcpu_info) != 24);
BUILD_BUG_ON(offsetof(struct vcpu, arch) != 48);
BUILD_BUG_ON(offsetof(struct arch_vcpu, kernel_mode) != 0x117a);
BUILD_BUG_ON(offsetof(struct vcpu_info, evtchn_upcall_pending) != 0);
BUILD_BUG_ON(offsetof(struct vcpu_info, evtchn_upcall_mask) != 1);
BUILD_BUG_ON(NR_HYPERCALLS != 64);
BUILD_BUG_ON(offsetof(struct cpu_regs, r11) != REGS_R11);
BUILD_BUG_ON(offsetof(struct cpu_regs, r10) != REGS_R10);
BUILD_BUG_ON(offsetof(struct cpu_regs, r9) != REGS_R9);
BUILD_BUG_ON(offsetof(struct cpu_regs, r8) != REGS_R8);
BUILD_BUG_ON(offsetof(struct cpu_regs, rbp) != REGS_RBP);
BUILD_BUG_ON(offsetof(struct cpu_regs, rdi) != REGS_RDI);
BUILD_BUG_ON(offsetof(struct cpu_regs, rsi) != REGS_RSI);
BUILD_BUG_ON(offsetof(struct cpu_regs, rdx) != REGS_RDX);
BUILD_BUG_ON(offsetof(struct cpu_regs, rcx) != REGS_RCX);
BUILD_BUG_ON(offsetof(struct cpu_regs, rflags) != REGS_RFLAGS);
BUILD_BUG_ON(offsetof(struct cpu_regs, rsp) != REGS_RSP);
BUILD_BUG_ON(offsetof(struct cpu_regs, ss) != REGS_SS);
/* The SYSCALL exit reads the vcpu_info of every vCPU that runs: each has one. */
BUILD_BUG_ON(HOSPES_MAX_VCPUS > XEN_LEGACY_MAX_VCPUS);

extern char syscall_entry[] __attribute__((visibility("hidden")));
void pv_exit_to_guest(void);
__noreturn void pv_enter_first(void);
void pv_schedule_first(struct cpu_regs *regs);
/* pv_entry.S: the slots of pv_fast_hypercalls without a fast handler
 * (they never return to their caller: the entry's full path runs). */
long pv_hypercall_not_fast(HYPERCALL_ARGS) __attribute__((visibility("hidden")));
long pv_hypercall_iret(HYPERCALL_ARGS) __attribute__((visibility("hidden")));

/* What syscall_entry calls for hypercall nr of a guest kernel (see
 * fast_hypercalls_init); written once at start of day. */
hypercall_fn pv_fast_hypercalls[NR_HYPERCALLS];

/*
 * The slice timer is lazy.  slice_deadline[cpu] is when this CPU must pick
 * again (sched_pick's *until); the timer itself may be armed earlier.  A
 * pick that moves the deadline later (nearly every pick: now + a slice)
 * leaves an armed timer where it is, sparing a queue move and a LAPIC
 * write per pick; when that earlier timer fires, slice_end() sees the
 * deadline has not come and re-arms for it, so the reschedule still
 * happens exactly at the deadline, at the price of one spare interrupt
 * per slice at most.  Only this CPU sets its slice timer or the deadline,
 * always with interrupts off (pick_next, or the timer's own interrupt),
 * and only this CPU's timer interrupt unlinks it: so pick_next may read
 * whether it is queued, and its expiry, without the queue's lock.
 */
static struct timer slice_timer[NR_CPUS];
static uint64_t slice_deadline[NR_CPUS];
static struct halt_poll halt_polls[NR_CPUS]; /* each CPU's own (halt_poll.c) */

struct vcpu *current_vcpu(void)
{
	return this_cpu()->curr_vcpu;
}

static void frame_in(struct pv_frame *f, const struct cpu_regs *r)
{
	*f = (struct pv_frame){.rip = r->rip,
			       .cs = r->cs,
			       .rflags = r->rflags,
			       .rsp = r->rsp,
			       .ss = r->ss,
			       .rax = r->rax,
			       .rcx = r->rcx,
			       .r11 = r->r11};
}

/* After a bounce (pv_exception): it rewrites the hardware frame and may
 * switch mode, never rax, rcx or r11. */
static void frame_out_bounced(struct cpu_regs *r, const struct pv_frame *f)
{
	r->rip = f->rip;
	r->cs = f->cs;
	r->rflags = f->rflags;
	r->rsp = f->rsp;
	r->ss = f->ss;
	if (f->new_cr3)
		cr3_load(f->new_cr3, CR3_MODE);
}

static void frame_out(struct cpu_regs *r, const struct pv_frame *f)
{
	r->rax = f->rax;
	r->rcx = f->rcx;
	r->r11 = f->r11;
	frame_out_bounced(r, f);
}

/* ---- vCPU state <-> the live frame -------------------------------------- */

static void save_vcpu(struct vcpu *v, const struct cpu_regs *r)
{
	struct cpu_user_regs *u = &v->arch->regs;
	u->r15 = r->r15, u->r14 = r->r14, u->r13 = r->r13, u->r12 = r->r12;
	u->rbp = r->rbp, u->rbx = r->rbx, u->r11 = r->r11, u->r10 = r->r10;
	u->r9 = r->r9, u->r8 = r->r8, u->rax = r->rax, u->rcx = r->rcx;
	u->rdx = r->rdx, u->rsi = r->rsi, u->rdi = r->rdi;
	u->rip = r->rip, u->cs = (uint16_t)r->cs, u->rflags = r->rflags;
	u->rsp = r->rsp, u->ss = (uint16_t)r->ss;
}

static void load_bases(struct vcpu *v)
{
	struct arch_vcpu *av = v->arch;
	wrmsr(MSR_FS_BASE, av->fs_base);
	/* swapgs on the way out makes this the active GS base */
	wrmsr(MSR_KERNEL_GS_BASE, av->kernel_mode ? av->gs_base_kernel : av->gs_base_user);
	av->bases_dirty = false;
}

/*
 * Guest time (fact sheet: vcpu_time_info, wallclock): a vCPU's record is
 * a copy of the system clock's current function (a TSC stamp, the system
 * time there, the scale), written under the version seqcount (odd while
 * written), when it is loaded and its record is older than the clock's
 * generation or its vcpu_info moved (register_vcpu_info), when it runs
 * again on the CPU it slept on after a recalibration (switch_if_asked:
 * one compare), and on the CPU it runs on when the clock is recalibrated
 * (arch_time_refresh, from time_cal.c's timers).  As Xen's, a record stays valid until then: the
 * guest's stamp + scaled delta is the hypervisor's own now_ns() to within
 * the rounding of one scaling.  Records claim XEN_PVCLOCK_TSC_STABLE_BIT
 * only while the clock is never recalibrated: after a recalibration two
 * vCPUs' records differ until both are rewritten (as in Xen, which sets
 * the bit only with clocksource=tsc).  The wallclock (UTC at system time
 * 0) is written once, at the domain's first run.
 */
static __attribute__((noinline)) void write_time(struct vcpu *v, struct vcpu_info *vi, uint32_t gen)
{
	struct vcpu_time_info *t = &vi->time;
	struct time_rec r;

	time_clock_get(&sys_clock, &r);
	uint32_t ver = READ_ONCE(t->version) | 1;
	WRITE_ONCE(t->version, ver);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	t->tsc_timestamp = r.tsc_stamp;
	t->system_time = r.stime_stamp;
	t->tsc_to_system_mul = r.mul;
	t->tsc_shift = r.shift;
	t->flags = time_recalibrating ? 0 : XEN_PVCLOCK_TSC_STABLE_BIT;
	__atomic_thread_fence(__ATOMIC_RELEASE);
	WRITE_ONCE(t->version, ver + 1);
	v->arch->time_in = vi;
	v->arch->time_gen = gen;
}

static __attribute__((noinline)) void write_wallclock(struct shared_info *s)
{
	s->wc_sec = (uint32_t)wallclock_boot_sec;
	s->wc_sec_hi = (uint32_t)(wallclock_boot_sec >> 32);
	s->wc_nsec = 0;
	__atomic_thread_fence(__ATOMIC_RELEASE);
	WRITE_ONCE(s->wc_version, 2);
}

/* Inline: on a switch it is two compares (the writers are out of line). */
static inline void publish_time(struct vcpu *v)
{
	struct shared_info *s = v->domain->shared_info;
	struct vcpu_info *vi = v->vcpu_info;
	uint32_t gen = time_clock_gen(&sys_clock);

	if (!vi)
		return;
	if (unlikely(v->arch->time_in != vi || v->arch->time_gen != gen))
		write_time(v, vi, gen);
	if (unlikely(s && READ_ONCE(s->wc_version) == 0))
		write_wallclock(s);
}

/* Interrupts are off in the hypervisor except in the idle loop (curr_vcpu
 * NULL there), so the vCPU found here was interrupted in guest mode. */
void arch_time_refresh(void)
{
	struct vcpu *v = this_cpu()->curr_vcpu;

	if (v)
		publish_time(v);
}

/* Load v's shadow root (tlb.c: no CR3 write if it is loaded already). */
static void load_root(struct vcpu *v)
{
	tlb_load_root(v->domain, shadow_activate(v, !v->arch->kernel_mode));
}

/* Write v's runstate area, if it registered one (most guests do not: a
 * test here spares the call on every switch). */
static inline void runstate_publish(struct vcpu *v, bool leaving)
{
	if (v->arch->runstate_va)
		vcpu_update_runstate_area(v, leaving);
}

static void load_vcpu(struct vcpu *v, struct cpu_regs *r)
{
	const struct cpu_user_regs *u = &v->arch->regs;
	ASSERT(v->vcpu_info); /* the SYSCALL exit reads it without a check */
	r->r15 = u->r15, r->r14 = u->r14, r->r13 = u->r13, r->r12 = u->r12;
	r->rbp = u->rbp, r->rbx = u->rbx, r->r11 = u->r11, r->r10 = u->r10;
	r->r9 = u->r9, r->r8 = u->r8, r->rax = u->rax, r->rcx = u->rcx;
	r->rdx = u->rdx, r->rsi = u->rsi, r->rdi = u->rdi;
	r->rip = u->rip, r->cs = u->cs | 3, r->rflags = u->rflags | 0x200;
	r->rsp = u->rsp, r->ss = u->ss | 3;
	load_root(v);
	load_bases(v);
	fpu_restore(v);
	arch_load_guest_gdt(v);
	v->arch->live_cpu = smp_processor_id() + 1;
	publish_time(v);
	runstate_publish(v, false);
}

/* ---- scheduling --------------------------------------------------------- */

static void slice_end(void *data)
{
	unsigned int cpu = (unsigned int)(unsigned long)data;
	if (now_ns() < slice_deadline[cpu])
		timer_set(&slice_timer[cpu], slice_deadline[cpu]); /* fired early: see above */
	else
		sched_request(cpu);
}

static void arm_slice(unsigned int cpu, uint64_t until)
{
	struct timer *t = &slice_timer[cpu];
	slice_deadline[cpu] = until;
	if (!timer_is_active(t) || t->expires_ns > until)
		timer_set(t, until);
}

/*
 * Lazy roots (Xen's lazy idle, for every switch).  The outgoing vCPU's
 * shadow root stays in CR3 while this CPU picks, idles and switches: if
 * the same vCPU runs next (a block and wake-up, the common case of an
 * I/O-bound domain) no CR3 write happens at all, and a switch to another
 * vCPU writes CR3 once.  From the moment sched_pick() makes prev not
 * RUNNING its root may be freed at any time: by its domain's destruction
 * (domain_pause_sync() waits only for "not RUNNING"), or by a root change
 * and an eviction while prev runs on another CPU.  The invariant that
 * keeps that safe: a shadow frame is freed only after a domain-wide TLB
 * flush has been answered by every CPU in the domain's dirty mask, which
 * a lazy CPU stays in until it leaves the root (the dead list,
 * kernel/mm/shadow/cache.c), and a CPU marked lazy_root answers a flush by
 * leaving the root for the hypervisor's own tables (tlb.c), not by
 * reloading it.  So no CPU walks a freed root, and the hypervisor itself
 * needs nothing of the root but its hypervisor slots, the same in every
 * root.  Nothing here reads guest memory through CR3 while no vCPU runs
 * (curr_vcpu is NULL: guest accesses go through the direct map).
 * lazy_root is this CPU's own, written with interrupts off.
 */
static inline void keep_guest_tables(void)
{
	this_cpu()->lazy_root = true;
}

/*
 * Spin with interrupts on for up to window ns from start, marked polling
 * (kernel/sched/halt_poll.c: a request then needs no IPI), until this CPU
 * is asked to pick or any interrupt arrives, as a halt would end; true if
 * that happened.  Called and returns with interrupts off: the mark is
 * cleared and the request read again before the caller may halt.
 */
static bool poll_for_work(unsigned int cpu, uint64_t start, uint64_t window)
{
	uint64_t irqs = this_cpu()->irqs;
	bool woken = sched_poll_begin(cpu);
	local_irq_enable();
	while (!woken && now_ns() - start < window) {
		cpu_relax();
		woken = sched_poll_pending(cpu) || READ_ONCE(this_cpu()->irqs) != irqs;
	}
	local_irq_disable();
	return sched_poll_end(cpu) || this_cpu()->irqs != irqs;
}

/* Nothing to run: poll, then halt, until something may have brought work. */
static __attribute__((noinline)) void idle(unsigned int cpu)
{
	struct halt_poll *hp = &halt_polls[cpu];
	uint64_t start = now_ns(), window = halt_poll_window(hp);
	bool hit = window && poll_for_work(cpu, start, window);
	if (!hit) {
		this_cpu()->halts++;
		safe_halt(); /* a timer or an IPI wakes us; its handler may queue work */
	}
	uint64_t idle_ns = now_ns() - start;
	halt_poll_update(hp, window, hit, idle_ns);
	sched_note_idle(cpu, idle_ns);
}

/* Pick what runs next on this CPU; idle while there is nothing. */
static struct vcpu *pick_next(unsigned int cpu)
{
	for (;;) {
		uint64_t until;
		struct vcpu *next = sched_pick(cpu, now_ns(), &until);
		arm_slice(cpu, until);
		if (next)
			return next;
		idle(cpu);
		sched_test_and_clear_request(cpu);
	}
}

static void switch_if_asked(struct cpu_regs *r)
{
	unsigned int cpu = smp_processor_id();
	struct vcpu *prev = this_cpu()->curr_vcpu;
	if (!sched_test_and_clear_request(cpu) && prev && prev->sched->state == SCHED_RUNNING &&
	    prev->sched->after == SCHED_QUEUED)
		return;
	if (prev) { /* all of it before sched_pick lets another CPU take prev */
		save_vcpu(prev, r);
		fpu_save(prev);
		runstate_publish(prev, true);
		keep_guest_tables();
	}
	this_cpu()->curr_vcpu = NULL;
	struct vcpu *next = pick_next(cpu);
	this_cpu()->curr_vcpu = next;
	if (next != prev) {
		this_cpu()->switches++;
		trace_switch(prev, next);
	}
	/* The frame and the FPU still hold next's state only if it ran here last. */
	if (next != prev || next->arch->live_cpu != cpu + 1) {
		load_vcpu(next, r);
	} else {
		load_root(next);
		runstate_publish(next, false); /* running again */
		if (unlikely(next->arch->time_gen != time_clock_gen(&sys_clock)))
			publish_time(next); /* recalibrated while it slept here */
	}
}

static void pv_return_to_guest(struct cpu_regs *r)
{
	struct pv_frame f;
	for (;;) {
		switch_if_asked(r);
		struct vcpu *v = this_cpu()->curr_vcpu;
		int rc = 0;
		if (pv_events_deliverable(v) && !pv_upcall_direct(v, r)) {
			frame_in(&f, r);
			rc = pv_deliver_events(v, &f);
			frame_out(r, &f);
		}
		if (v->arch->bases_dirty)
			load_bases(v);
		if (unlikely(v->arch->gdt_dirty))
			arch_load_guest_gdt(v); /* update_descriptor from another CPU */
		if (rc == 0 && !v->domain->pv->shutting_down)
			return;
		sched_request(smp_processor_id()); /* it crashed or shut down: run another */
	}
}

void pv_schedule_first(struct cpu_regs *r)
{
	local_irq_disable(); /* pick_next() halts atomically only from here */
	memset(r, 0, sizeof(*r));
	unsigned int cpu = smp_processor_id();
	timer_init(&slice_timer[cpu], slice_end, (void *)(unsigned long)cpu, cpu);
	struct vcpu *next = pick_next(cpu);
	this_cpu()->curr_vcpu = next;
	load_vcpu(next, r);
	pv_return_to_guest(r);
}

/* The counters XEN_SYSCTL_hospes_cpustat reports (each CPU writes its own). */
void arch_cpu_counters(unsigned int cpu, struct hospes_cpustat *st)
{
	const struct percpu *p = &percpu[cpu];
	BUILD_BUG_ON(CR3_NR > HOSPES_CR3_SLOTS || CR3_LOAD != HOSPES_CR3_LOAD ||
		     CR3_LEAVE != HOSPES_CR3_LEAVE || CR3_MODE != HOSPES_CR3_MODE ||
		     CR3_FLUSH != HOSPES_CR3_FLUSH || CR3_OTHER != HOSPES_CR3_OTHER);
	st->halts = READ_ONCE(p->halts);
	st->switches = READ_ONCE(p->switches);
	st->polls = READ_ONCE(halt_polls[cpu].polls);
	st->poll_hits = READ_ONCE(halt_polls[cpu].hits);
	sched_request_counts(cpu, &st->sched_ipis, &st->sched_ipis_saved);
	for (unsigned int i = 0; i < CR3_NR; i++)
		st->cr3[i] = READ_ONCE(p->cr3_writes[i]);
	st->tlb_ipis = READ_ONCE(p->tlb_ipis);
}

/* ---- entries ------------------------------------------------------------ */

static inline int iret(struct vcpu *v, struct cpu_regs *r)
{
	struct pv_frame f;
	frame_in(&f, r);
	int rc = pv_iret(v, &f);
	if (rc == 0)
		frame_out(r, &f);
	return rc;
}

/* The iret hypercall of a traced domain (the dispatcher never sees iret). */
static __attribute__((noinline)) void iret_traced(struct vcpu *v, struct cpu_regs *r)
{
	static const unsigned long none[5];
	uint64_t t0 = trace_clock();
	int rc = iret(v, r);
	trace_hypercall_rec(v, HYPERCALL_IRET, none, rc, trace_clock() - t0);
}

static inline __attribute__((always_inline)) void hypercall(struct vcpu *v, struct cpu_regs *r)
{
	if (r->rax == HYPERCALL_IRET) {
		if (trace_wanted(v->domain, HOSPES_TRACE_HYPERCALLS))
			iret_traced(v, r);
		else
			iret(v, r);
		return;
	}
	r->rax = (uint64_t)hypercall_dispatch(v, r->rax, r->rdi, r->rsi, r->rdx, r->r10, r->r8);
}

/* Nothing for pv_return_to_guest() to do: no pick, no upcall, no base
 * reload, no shutdown.  Interrupts stay off (FMASK) until the guest runs. */
static inline __attribute__((always_inline)) bool exit_work_pending(struct vcpu *v)
{
	return sched_pick_needed(smp_processor_id(), v) || pv_events_deliverable(v) ||
	       v->arch->bases_dirty || v->domain->pv->shutting_down;
}

/* SYSRET may return to r: rcx and r11 become rip and rflags, as SYSCALL
 * left them, and rip is canonical (Intel's SYSRET faults in ring 0 on a
 * non-canonical RCX, with the guest's stack already loaded). */
static bool sysret_ok(const struct cpu_regs *r)
{
	return (uint64_t)((int64_t)(r->rip << 16) >> 16) == r->rip;
}

/* The table syscall_entry calls through: every row any guest may call,
 * unless its handler may leave exit work the fast exit does not check
 * (full_exit); iret its own; everything else the full path. */
static void fast_hypercalls_init(void)
{
	for (unsigned int nr = 0; nr < NR_HYPERCALLS; nr++) {
		hypercall_fn fn = hypercall_fast_handler(nr);
		if (nr == HYPERCALL_IRET)
			fn = pv_hypercall_iret;
		pv_fast_hypercalls[nr] = fn ? fn : pv_hypercall_not_fast;
	}
}

/* The rest of a SYSCALL (syscall_entry's full path); true: return by SYSRET. */
bool pv_syscall(struct cpu_regs *r, unsigned int fast)
{
	struct vcpu *v = this_cpu()->curr_vcpu;
	if (fast == PV_SYSCALL_RAN) {
		/* the hypercall ran: only the exit work is left */
	} else if (likely(v->arch->kernel_mode)) {
		bool iret = r->rax == HYPERCALL_IRET; /* restores rcx and r11 */
		hypercall(v, r);
		if (likely(!exit_work_pending(v)))
			return !iret && sysret_ok(r);
	} else {
		struct pv_frame f;
		if (trace_wanted(v->domain, HOSPES_TRACE_HYPERCALLS))
			trace_trap_rec(v, PV_VECTOR_SYSCALL, 0, 0, r->rcx, HOSPES_TRAP_BOUNCED, 0);
		frame_in(&f, r);
		pv_syscall_from_user(v, &f);
		frame_out(r, &f);
	}
	pv_return_to_guest(r);
	return false;
}

static void int82(struct cpu_regs *r)
{
	struct vcpu *v = this_cpu()->curr_vcpu;
	if (likely(v->arch->kernel_mode)) {
		hypercall(v, r);
		if (likely(!exit_work_pending(v)))
			return;
	} else {
		struct pv_frame f;
		frame_in(&f, r);
		pv_exception(v, &f, TRAP_GP, 0x82 << 3 | 2, 0); /* not from user mode */
		frame_out(r, &f);
	}
	pv_return_to_guest(r);
}

void pv_trap(struct cpu_regs *r)
{
	struct vcpu *v = this_cpu()->curr_vcpu;
	struct pv_frame f;
	if (r->vector == TRAP_NM && !fpu_device_not_available(v))
		return; /* not the guest's virtual TS: the FPU is usable again */
	frame_in(&f, r);
	unsigned long cr2 = r->vector == TRAP_PF ? read_cr2() : 0;
	if (trace_wanted(v->domain, HOSPES_TRACE_HYPERCALLS))
		trace_trap_rec(v, (unsigned int)r->vector, r->error_code, cr2, r->rip,
			       HOSPES_TRAP_BOUNCED, 0);
	pv_exception(v, &f, (unsigned int)r->vector, (uint32_t)r->error_code, cr2);
	frame_out_bounced(r, &f);
	if (likely(!exit_work_pending(v)))
		return; /* the bounce is all there is to do (interrupts stay off) */
	pv_return_to_guest(r);
}

/* Rare (an emulation that met the guest's own fault, cpuid.c): kept apart
 * from pv_trap so the common bounce stays as it was; the general exit. */
void pv_trap_as(struct cpu_regs *r, unsigned int vector, uint32_t error, unsigned long cr2)
{
	struct pv_frame f;
	frame_in(&f, r);
	pv_exception(this_cpu()->curr_vcpu, &f, vector, error, cr2);
	frame_out_bounced(r, &f);
	pv_return_to_guest(r);
}

/* Interrupts that arrive while a guest runs also return through here. */
void pv_irq_exit(struct cpu_regs *r)
{
	if (guest_mode(r) && this_cpu()->curr_vcpu)
		pv_return_to_guest(r);
}

/* Every CPU that runs vCPUs: the SYSCALL MSRs and the FPU set-up. */
static void pv_cpu_init(void)
{
	this_cpu()->resched = &sched_cpu(smp_processor_id())->resched;
	wrmsr(MSR_LSTAR, (uint64_t)syscall_entry);
	wrmsr(MSR_FMASK, RFLAGS_FMASK);
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
	fpu_init_cpu();
	cpuid_init_cpu();
}

/* The kick: an interrupt is all it takes, its exit path does the rest
 * (pick if the scheduler asked, deliver events). */
static void resched_ipi(struct cpu_regs *r)
{
	(void)r;
	lapic_eoi();
}

static void kick_cpu(unsigned int cpu)
{
	if (percpu[cpu].online)
		send_ipi(cpu, VEC_RESCHED);
}

static volatile bool guests_running; /* set once dom0 is built: the APs may run vCPUs */

/* Where the APs wait after bring-up: idle until guests run, then schedule. */
__noreturn void cpu_idle(void)
{
	local_irq_disable();
	while (!guests_running)
		safe_halt(); /* guests_start() sends every AP a kick */
	pv_cpu_init();
	pv_enter_first();
}

extern struct boot_info boot_info;
extern struct hospes_options hospes_options;

/* Start of day for guests: dom0 from the first module, then run it (if it
 * builds) on every online CPU (ids 0 .. nr_cpus_online-1). */
void guests_start(void)
{
	sched_init(nr_cpus_online);
	halt_poll_set_max_ns(hospes_options.halt_poll_us * 1000ULL);
	fast_hypercalls_init();
	fpu_init_boot();
	cpuid_init_boot();
	pv_cpu_init();
	irq_set_gate_dpl3(VEC_HYPERCALL, int82);
	irq_set_handler(VEC_RESCHED, resched_ipi);
	sched_kick_cpu = kick_cpu;
	if (dom0_start(&boot_info, &hospes_options) != 0)
		return;
	guests_running = true;
	for (unsigned int c = 1; c < nr_cpus_online; c++)
		kick_cpu(c);
	pv_enter_first();
}
