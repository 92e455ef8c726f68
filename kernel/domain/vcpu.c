/*
 * What a vCPU asks of the hypervisor about time and running: block until
 * an event, yield, poll ports, one-shot and periodic timers, up/down, and
 * vcpu_kick() to make a blocked vCPU run again.
 *
 * Blocking follows Xen's rule: SCHEDOP_block first clears the vCPU's
 * upcall mask (enables events), then marks the vCPU blocked, then checks
 * evtchn_upcall_pending again; an event that arrived in between undoes the
 * block, so no wake-up is lost.  The event code (kernel/event/) calls
 * vcpu_kick() after setting upcall_pending, and for a polling vCPU after
 * setting a port pending.
 *
 * Timers live on the CPU the vCPU was created on (B's per-CPU timer
 * queues), wherever the vCPU runs now; their expiry raises VIRQ_TIMER
 * through the event code and kicks the vCPU.  A reschedule is requested
 * with sched_request(); the exit path to the guest (kernel/arch/x86_64/)
 * honours it.  Kicking a vCPU that runs on another CPU interrupts that CPU
 * (sched_kick_cpu), whose exit path then delivers the pending upcall;
 * kicking the vCPU this CPU runs (an event to itself, the commonest send)
 * costs nothing: its exit path checks for events anyway.
 */
#include <hospes/arch.h>
#include <hospes/guest_access.h>
#include <hospes/lib.h>
#include <hospes/p2m.h>
#include <hospes/pv.h>
#include <hospes/sched.h>
#include <hospes/time.h>
#include <public/errno.h>
#include <public/sched.h>
#include <public/xen.h>

void (*pv_send_virq)(struct vcpu *v, unsigned int virq);

static void raise_timer_virq(struct vcpu *v)
{
	if (pv_send_virq)
		pv_send_virq(v, VIRQ_TIMER);
}

uint64_t pv_system_time(void)
{
	return now_ns();
}

void vcpu_kick(struct vcpu *v)
{
	struct sched_vcpu *sv = v->sched;
	if (vcpu_runs_here(v)) /* first: an event to oneself is common */
		return;
	if (!sv || pv_dom(v->domain)->paused || pv_dom(v->domain)->shutting_down)
		return;
	v->blocked = false;
	if (sched_wake(v, now_ns()))
		sched_request(sv->cpu);
	else if (READ_ONCE(sv->state) == SCHED_RUNNING &&
		 READ_ONCE(sv->cpu) != smp_processor_id() && sched_kick_cpu)
		sched_kick_cpu(sv->cpu); /* running elsewhere: its exit path delivers the event */
}

static bool event_deliverable(const struct vcpu *v)
{
	return v->vcpu_info && READ_ONCE(v->vcpu_info->evtchn_upcall_pending);
}

void vcpu_block(struct vcpu *v)
{
	if (v->vcpu_info)
		WRITE_ONCE(v->vcpu_info->evtchn_upcall_mask, 0);
	v->blocked = true;
	sched_sleep(v, now_ns(), SCHED_BLOCKED);
	barrier();
	if (event_deliverable(v))
		vcpu_kick(v); /* raced with an event: stay runnable */
	else
		sched_request(v->processor);
}

void vcpu_yield(struct vcpu *v)
{
	/* Alone on the CPU: a pick would choose v again, so skip it (the slice
	 * timer still ends the slice and charges the run as usual). */
	if (!sched_yield_has_effect(v->processor))
		return;
	sched_vcpu_yield(v);
	sched_request(v->processor);
}

static bool port_pending(const struct domain *d, uint32_t port)
{
	const xen_ulong_t *words = d->shared_info->evtchn_pending;
	return (READ_ONCE(words[port / 64]) >> (port % 64)) & 1;
}

void vcpu_poll(struct vcpu *v, const uint32_t *ports, unsigned int nr, uint64_t timeout)
{
	v->poll_evtchn_pending = 1;
	__atomic_fetch_or(&v->domain->poll_mask, 1UL << v->id, __ATOMIC_SEQ_CST);
	v->blocked = true;
	sched_sleep(v, now_ns(), SCHED_BLOCKED);
	barrier();
	bool ready = event_deliverable(v) && !v->vcpu_info->evtchn_upcall_mask;
	for (unsigned int i = 0; !ready && i < nr; i++)
		ready = port_pending(v->domain, ports[i]);
	if (ready || (timeout && timeout <= now_ns())) {
		v->poll_evtchn_pending = 0;
		vcpu_kick(v);
		return;
	}
	if (timeout)
		timer_set(&v->arch->poll_timer, timeout);
	sched_request(v->processor);
}

static void singleshot_fired(void *data)
{
	struct vcpu *v = data;
	v->arch->singleshot_deadline = 0;
	raise_timer_virq(v);
	vcpu_kick(v);
}

static void periodic_fired(void *data)
{
	struct vcpu *v = data;
	struct arch_vcpu *av = v->arch;
	if (!av->periodic_period)
		return;
	timer_set(&av->periodic_timer, av->periodic_timer.expires_ns + av->periodic_period);
	raise_timer_virq(v);
	vcpu_kick(v);
}

static void poll_timeout(void *data)
{
	struct vcpu *v = data;
	v->poll_evtchn_pending = 0;
	vcpu_kick(v);
}

void vcpu_timers_init(struct vcpu *v)
{
	struct arch_vcpu *av = v->arch;
	timer_init(&av->singleshot_timer, singleshot_fired, v, v->processor);
	timer_init(&av->periodic_timer, periodic_fired, v, v->processor);
	timer_init(&av->poll_timer, poll_timeout, v, v->processor);
}

void vcpu_timers_stop(struct vcpu *v)
{
	timer_cancel(&v->arch->singleshot_timer);
	timer_cancel(&v->arch->periodic_timer);
	timer_cancel(&v->arch->poll_timer);
}

void vcpu_set_singleshot_timer(struct vcpu *v, uint64_t deadline)
{
	v->arch->singleshot_deadline = deadline;
	if (deadline)
		timer_set(&v->arch->singleshot_timer, deadline); /* a past deadline fires at once */
	else
		timer_cancel(&v->arch->singleshot_timer);
}

void vcpu_set_periodic_timer(struct vcpu *v, uint64_t period)
{
	v->arch->periodic_period = period;
	if (period)
		timer_set(&v->arch->periodic_timer, now_ns() + period);
	else
		timer_cancel(&v->arch->periodic_timer);
}

/*
 * register_vcpu_info, as Xen's map_vcpu_info: once per vCPU, for the
 * caller itself or a vCPU that is down, in one of the domain's own RAM
 * frames that is no page table (held until the vCPU is destroyed, so the
 * guest cannot give it away while we write to it).  The old contents move
 * along, then every selector bit and upcall_pending are set so the guest
 * rescans its ports: an event raised on the old copy meanwhile is not
 * lost.
 */
int vcpu_register_info(struct vcpu *v, unsigned long gfn, unsigned int offset, bool self)
{
	struct arch_vcpu *av = v->arch;
	mfn_t m;
	if (offset > PAGE_SIZE - sizeof(struct vcpu_info) || av->vcpu_info_held ||
	    (!self && v->online))
		return -XEN_EINVAL;
	if (p2m_hold_ram(v->domain, _gfn(gfn), &m))
		return -XEN_EINVAL;
	struct vcpu_info *info = (struct vcpu_info *)((char *)mfn_to_virt(m) + offset);
	if (v->vcpu_info) {
		memcpy(info, v->vcpu_info, sizeof(*info));
	} else {
		memset(info, 0, sizeof(*info));
		info->evtchn_upcall_mask = 1;
	}
	av->vcpu_info_mfn = m;
	av->vcpu_info_held = true;
	__atomic_store_n(&v->vcpu_info, info, __ATOMIC_RELEASE);
	__atomic_store_n(&info->evtchn_pending_sel, ~(xen_ulong_t)0, __ATOMIC_RELEASE);
	__atomic_store_n(&info->evtchn_upcall_pending, 1, __ATOMIC_RELEASE);
	return 0;
}

void vcpu_release_info(struct vcpu *v)
{
	if (v->arch->vcpu_info_held) {
		v->vcpu_info = NULL;
		p2m_release_ram(v->domain, v->arch->vcpu_info_mfn);
		v->arch->vcpu_info_held = false;
	}
}

static void runstate_of(const struct vcpu *v, bool leaving, struct vcpu_runstate_info *r)
{
	memset(r, 0, sizeof(*r));
	if (v->sched)
		r->state = (int)sched_runstate(v, now_ns(), leaving, r->time, &r->state_entry_time);
	else
		r->state = RUNSTATE_offline;
}

void vcpu_runstate(const struct vcpu *v, struct vcpu_runstate_info *r)
{
	runstate_of(v, false, r);
}

/*
 * The registered runstate area, written through the vCPU's own page tables
 * (copy_to_guest_vcpu: a bad address just fails).  With
 * VMASST_TYPE_runstate_update_flag the guest sees XEN_RUNSTATE_UPDATE in
 * state_entry_time while the record is being rewritten, as in Xen.
 */
void vcpu_update_runstate_area(struct vcpu *v, bool leaving)
{
	unsigned long va = v->arch->runstate_va;
	struct vcpu_runstate_info r;
	if (!va)
		return;
	runstate_of(v, leaving, &r);
	if (pv_dom(v->domain)->vm_assist & (1UL << VMASST_TYPE_runstate_update_flag)) {
		uint64_t entry = r.state_entry_time;
		r.state_entry_time |= XEN_RUNSTATE_UPDATE;
		if (copy_to_guest_vcpu(v, va, &r, sizeof(r)))
			return;
		__atomic_thread_fence(__ATOMIC_RELEASE);
		copy_to_guest_vcpu(v, va + offsetof(struct vcpu_runstate_info, state_entry_time),
				   &entry, sizeof(entry));
	} else {
		copy_to_guest_vcpu(v, va, &r, sizeof(r));
	}
}

int vcpu_up(struct vcpu *v)
{
	if (!v->arch->initialised)
		return -XEN_EINVAL;
	if (!v->online) {
		v->online = true;
		vcpu_kick(v);
	}
	return 0;
}

void vcpu_down(struct vcpu *v)
{
	v->online = false;
	vcpu_timers_stop(v);
	sched_sleep(v, now_ns(), SCHED_OFFLINE);
	sched_request(v->processor);
	for (unsigned int i = 0; i < v->domain->max_vcpus; i++)
		if (v->domain->vcpu[i] && v->domain->vcpu[i]->online)
			return;
	domain_shutdown(v->domain, SHUTDOWN_poweroff); /* the last vCPU went down */
}
