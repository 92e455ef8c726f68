/*
 * sched_op, its legacy form sched_op_compat, and set_timer_op: a vCPU
 * yields, blocks, polls ports, arms its one-shot timer, or shuts its domain
 * down.  Decode and validate here; the actions live in kernel/domain/.
 *
 * Differences from Xen (docs/hypercalls.md): a shutdown reason above
 * SHUTDOWN_MAX is refused with -EINVAL; suspend is an ordinary shutdown
 * with reason "suspend" (no resume); watchdogs and pin_override are -ENOSYS.
 */
#include <hospes/guest_access.h>
#include <hospes/hypercall.h>
#include <hospes/lib.h>
#include <hospes/pv.h>
#include <public/errno.h>
#include <public/sched.h>
#include <public/xen.h>

static long op_shutdown(struct vcpu *v, unsigned long arg)
{
	struct sched_shutdown s;
	if (copy_from_guest_vcpu(v, &s, arg, sizeof(s)))
		return -XEN_EFAULT;
	if (s.reason > SHUTDOWN_MAX)
		return -XEN_EINVAL;
	domain_shutdown(v->domain, s.reason);
	return 0;
}

static long op_shutdown_code(struct vcpu *v, unsigned long arg)
{
	struct sched_shutdown s;
	if (copy_from_guest_vcpu(v, &s, arg, sizeof(s)))
		return -XEN_EFAULT;
	if (s.reason > SHUTDOWN_MAX)
		return -XEN_EINVAL;
	unsigned long flags = spin_lock_irqsave(&v->domain->lock);
	pv_dom(v->domain)->shutdown_code = (int)s.reason;
	spin_unlock_irqrestore(&v->domain->lock, flags);
	return 0;
}

static long op_remote_shutdown(struct vcpu *v, unsigned long arg)
{
	struct sched_remote_shutdown s;
	if (!v->domain->is_privileged)
		return -XEN_EPERM;
	if (copy_from_guest_vcpu(v, &s, arg, sizeof(s)))
		return -XEN_EFAULT;
	if (s.reason > SHUTDOWN_MAX)
		return -XEN_EINVAL;
	struct domain *d = domain_get(s.domain_id);
	if (!d)
		return -XEN_ESRCH;
	domain_shutdown(d, s.reason);
	domain_put(d);
	return 0;
}

static long op_poll(struct vcpu *v, unsigned long arg)
{
	struct sched_poll p;
	uint32_t ports[SCHEDOP_POLL_MAX_PORTS];
	if (copy_from_guest_vcpu(v, &p, arg, sizeof(p)))
		return -XEN_EFAULT;
	if (p.nr_ports > SCHEDOP_POLL_MAX_PORTS)
		return -XEN_EINVAL;
	if (copy_from_guest_vcpu(v, ports, guest_handle_va(p.ports), p.nr_ports * sizeof(ports[0])))
		return -XEN_EFAULT;
	for (unsigned int i = 0; i < p.nr_ports; i++)
		if (ports[i] >= EVTCHN_2L_NR_CHANNELS)
			return -XEN_EINVAL;
	vcpu_poll(v, ports, p.nr_ports, p.timeout);
	return 0;
}

long do_sched_op(HYPERCALL_ARGS)
{
	switch ((int)a1) {
	case SCHEDOP_yield:
		vcpu_yield(v);
		return 0;
	case SCHEDOP_block:
		vcpu_block(v);
		return 0;
	case SCHEDOP_shutdown:
		return op_shutdown(v, a2);
	case SCHEDOP_poll:
		return op_poll(v, a2);
	case SCHEDOP_remote_shutdown:
		return op_remote_shutdown(v, a2);
	case SCHEDOP_shutdown_code:
		return op_shutdown_code(v, a2);
	default:
		return -XEN_ENOSYS;
	}
}

/* The pre-3.0.2 form: the shutdown reason is the argument itself. */
long do_sched_op_compat(HYPERCALL_ARGS)
{
	switch ((int)a1) {
	case SCHEDOP_yield:
	case SCHEDOP_block:
		return do_sched_op(v, a1, 0, 0, 0, 0);
	case SCHEDOP_shutdown:
		if (a2 > SHUTDOWN_MAX)
			return -XEN_EINVAL;
		domain_shutdown(v->domain, (unsigned int)a2);
		return 0;
	default:
		return -XEN_ENOSYS;
	}
}

#define TIMER_MAX_AHEAD (1ULL << 50) /* further ahead is taken as a guest bug */
#define TIMER_BUG_DELAY 100000000ULL /* ... and replaced by now + 100 ms (as Xen) */

long do_set_timer_op(HYPERCALL_ARGS)
{
	int64_t deadline = (int64_t)a1;
	if (deadline == 0) {
		vcpu_set_singleshot_timer(v, 0);
		return 0;
	}
	uint64_t now = pv_system_time();
	if (deadline < 0 ||
	    ((uint64_t)deadline > now && (uint64_t)deadline - now > TIMER_MAX_AHEAD))
		deadline = (int64_t)(now + TIMER_BUG_DELAY);
	vcpu_set_singleshot_timer(v, (uint64_t)deadline);
	return 0;
}
