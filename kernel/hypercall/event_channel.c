/*
 * event_channel_op (hypercall 32) and its legacy form (hypercall 16): the
 * trust boundary of event channels.
 *
 * Each command's structure is copied in whole, handed to the event code
 * (kernel/event/), which validates every field before acting, and copied
 * back out when the command has OUT fields and succeeded.  A structure
 * that can't be read or written gives -EFAULT; an unknown command
 * -ENOSYS.  The FIFO ABI's commands also give -ENOSYS, which is how
 * Linux learns to stay on the 2-level ABI.
 */
#include <hospes/compiler.h>
#include <hospes/event.h>
#include <hospes/guest_access.h>
#include <public/errno.h>

/* Size of each command's argument, and whether it has OUT fields. */
static const struct {
	uint8_t size;
	bool out;
} evtchn_args[] = {
	[EVTCHNOP_bind_interdomain] = {sizeof(struct evtchn_bind_interdomain), true},
	[EVTCHNOP_bind_virq] = {sizeof(struct evtchn_bind_virq), true},
	[EVTCHNOP_bind_pirq] = {sizeof(struct evtchn_bind_pirq), true},
	[EVTCHNOP_close] = {sizeof(struct evtchn_close), false},
	[EVTCHNOP_send] = {sizeof(struct evtchn_send), false},
	[EVTCHNOP_status] = {sizeof(struct evtchn_status), true},
	[EVTCHNOP_alloc_unbound] = {sizeof(struct evtchn_alloc_unbound), true},
	[EVTCHNOP_bind_ipi] = {sizeof(struct evtchn_bind_ipi), true},
	[EVTCHNOP_bind_vcpu] = {sizeof(struct evtchn_bind_vcpu), false},
	[EVTCHNOP_unmask] = {sizeof(struct evtchn_unmask), false},
	[EVTCHNOP_reset] = {sizeof(struct evtchn_reset), false},
};

static long evtchn_dispatch(struct domain *d, unsigned int cmd, void *arg)
{
	switch (cmd) {
	case EVTCHNOP_bind_interdomain:
		return evtchn_bind_interdomain(d, arg);
	case EVTCHNOP_bind_virq:
		return evtchn_bind_virq(d, arg);
	case EVTCHNOP_bind_pirq:
		return evtchn_bind_pirq(d, arg);
	case EVTCHNOP_close:
		return evtchn_close(d, ((struct evtchn_close *)arg)->port);
	case EVTCHNOP_send:
		return evtchn_send(d, ((struct evtchn_send *)arg)->port);
	case EVTCHNOP_status:
		return evtchn_status(d, arg);
	case EVTCHNOP_alloc_unbound:
		return evtchn_alloc_unbound(d, arg);
	case EVTCHNOP_bind_ipi:
		return evtchn_bind_ipi(d, arg);
	case EVTCHNOP_bind_vcpu: {
		struct evtchn_bind_vcpu *b = arg;
		return evtchn_bind_vcpu(d, b->port, b->vcpu);
	}
	case EVTCHNOP_unmask:
		return evtchn_unmask(d, ((struct evtchn_unmask *)arg)->port);
	case EVTCHNOP_reset:
		return evtchn_reset(d, ((struct evtchn_reset *)arg)->dom);
	default:
		return -XEN_ENOSYS;
	}
}

/* The fast path: a send is by far the most frequent command. */
static long evtchn_op_send(struct vcpu *v, unsigned long arg)
{
	BUILD_BUG_ON(sizeof(struct evtchn_send) != sizeof(uint32_t)); /* just the port */
	long port = read_guest_u32(v, arg);

	if (port < 0)
		return port; /* -EFAULT */
	return evtchn_send(v->domain, (evtchn_port_t)port);
}

/* Every command but send (see do_event_channel_op). */
static __attribute__((noinline)) long evtchn_op_other(struct vcpu *v, unsigned long cmd,
						      unsigned long arg)
{
	union {
		struct evtchn_status status; /* the largest */
		uint8_t bytes[sizeof(struct evtchn_status)];
	} u;
	long rc;

	if (cmd >= sizeof(evtchn_args) / sizeof(evtchn_args[0]) || !evtchn_args[cmd].size)
		return -XEN_ENOSYS;
	if (copy_from_guest_vcpu(v, &u, arg, evtchn_args[cmd].size))
		return -XEN_EFAULT;
	rc = evtchn_dispatch(v->domain, (unsigned int)cmd, &u);
	if (rc == 0 && evtchn_args[cmd].out &&
	    copy_to_guest_vcpu(v, arg, &u, evtchn_args[cmd].size))
		return -XEN_EFAULT;
	return rc;
}

long do_event_channel_op(struct vcpu *v, unsigned long cmd, unsigned long arg, unsigned long a3,
			 unsigned long a4, unsigned long a5)
{
	if (likely(cmd == EVTCHNOP_send))
		return evtchn_op_send(v, arg);
	return evtchn_op_other(v, cmd, arg);
}

long do_event_channel_op_compat(struct vcpu *v, unsigned long arg, unsigned long a2,
				unsigned long a3, unsigned long a4, unsigned long a5)
{
	struct evtchn_op op;
	long rc;

	if (copy_from_guest_vcpu(v, &op, arg, sizeof(op)))
		return -XEN_EFAULT;
	if (op.cmd >= sizeof(evtchn_args) / sizeof(evtchn_args[0]) || !evtchn_args[op.cmd].size)
		return -XEN_ENOSYS;
	rc = evtchn_dispatch(v->domain, op.cmd, &op.u);
	if (rc == 0 && evtchn_args[op.cmd].out && copy_to_guest_vcpu(v, arg, &op, sizeof(op)))
		return -XEN_EFAULT;
	return rc;
}
