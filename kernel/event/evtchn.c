/*
 * Event channels: the per-domain port table and the operations that create
 * ports (alloc_unbound, bind_interdomain, bind_virq, bind_ipi, bind_pirq).
 *
 * A port is a small index into its domain's table; its entry says what the
 * port is bound to (enum evtchn_state).  New ports get the lowest free
 * number and notify vCPU 0 unless bound to a vCPU.  An interdomain channel
 * is two entries pointing at each other; it is made only from an unbound
 * port that names the binding domain, and the new local end is marked
 * pending at once (Xen's rule: the binder can't miss an event the other
 * side sent before the bind).
 *
 * Locks: each domain's table has its own lock, taken with interrupts off
 * because VIRQs are raised from interrupt context.  Connecting or
 * disconnecting an interdomain channel also holds evtchn_link_lock, so a
 * peer's table cannot go away while a channel to it is being changed, and
 * then takes both domains' locks, the lower domain id first.  Sending
 * takes no lock (evtchn_send.c): a sender counts itself in on its port,
 * and every change of a port's state waits until no sender is counted
 * (chn_set_state), so the channel, and with it the peer, stays as the
 * sender saw it until it leaves.  Beyond that, each end of an interdomain channel
 * holds a reference on its peer's struct domain (taken at connect, dropped
 * after close), and an operation naming another domain holds a reference
 * for its duration (evtchn_target, bind_interdomain).
 *
 * A global VIRQ (VIRQ_DOM_EXC, VIRQ_CONSOLE, ...) may be bound only by the
 * domain handling global VIRQs, the privileged domain, as in Xen where the
 * hardware domain is the default handler; others get -EBUSY.
 */
#include "evtchn_private.h"

#include <hospes/arch.h>
#include <hospes/frame.h>
#include <hospes/lib.h>
#include <hospes/printk.h>
#include <hospes/pv.h>
#include <hospes/smp.h>
#include <public/errno.h>

spinlock_t evtchn_link_lock = SPINLOCK_INIT;
static spinlock_t global_virq_lock = SPINLOCK_INIT;
static struct domain *global_virq_handler;

unsigned long evtchn_lock_two(struct domain *a, struct domain *b)
{
	unsigned long flags = local_irq_save();

	if (a == b) {
		spin_lock(&a->evtchn->lock);
	} else if (a->id < b->id) {
		spin_lock(&a->evtchn->lock);
		spin_lock(&b->evtchn->lock);
	} else {
		spin_lock(&b->evtchn->lock);
		spin_lock(&a->evtchn->lock);
	}
	return flags;
}

void evtchn_unlock_two(struct domain *a, struct domain *b, unsigned long flags)
{
	if (a != b)
		spin_unlock(&b->evtchn->lock);
	spin_unlock(&a->evtchn->lock);
	local_irq_restore(flags);
}

int evtchn_target(struct domain *caller, domid_t dom, struct domain **out)
{
	struct domain *d;

	if (dom == DOMID_SELF || dom == caller->id) {
		*out = domain_get_ref(caller);
		return 0;
	}
	d = domain_get(dom);
	if (!d || !d->evtchn || !caller->is_privileged) {
		int rc = d && d->evtchn ? -XEN_EPERM : -XEN_ESRCH;

		if (d)
			domain_put(d);
		return rc;
	}
	*out = d;
	return 0;
}

struct domain *evtchn_global_virq_handler(void)
{
	return READ_ONCE(global_virq_handler);
}

/* ---- The table ------------------------------------------------------- */

void chn_set_state(struct evtchn *chn, enum evtchn_state state)
{
	uint32_t old = __atomic_load_n(&chn->sw, __ATOMIC_RELAXED);

	uint32_t senders;

	/* Only the lock holder changes the low bits: xor turns old into state. */
	__atomic_fetch_xor(&chn->sw, (old ^ (uint32_t)state) & CHN_STATE_MASK, __ATOMIC_SEQ_CST);
	/* A CPU sends on one port at a time: more senders than CPUs would be
	 * a count gone wrong, and this wait would never end. */
	while ((senders = __atomic_load_n(&chn->sw, __ATOMIC_ACQUIRE) / CHN_SENDER_ONE)) {
		ASSERT(senders <= NR_CPUS);
		cpu_relax();
	}
}

void chn_set_notify(struct evtchn *chn, unsigned int vcpu)
{
	uint32_t old = __atomic_load_n(&chn->sw, __ATOMIC_RELAXED);

	BUILD_BUG_ON(HOSPES_MAX_VCPUS & (HOSPES_MAX_VCPUS - 1)); /* a send takes it modulo */
	ASSERT(vcpu < HOSPES_MAX_VCPUS);
	__atomic_fetch_xor(&chn->sw,
			   ((old >> CHN_NOTIFY_SHIFT) ^ vcpu) << CHN_NOTIFY_SHIFT & 0xff00U,
			   __ATOMIC_RELEASE);
}

static struct evtchn *bucket_alloc(void)
{
	mfn_t mfn = frame_alloc(0);

	if (mfn_x(mfn) == INVALID_MFN_RAW)
		return NULL;
	memset(mfn_to_virt(mfn), 0, PAGE_SIZE);
	return mfn_to_virt(mfn);
}

/* The lowest free port of d (caller holds d's lock), or -ENOSPC / -ENOMEM / -EINVAL. */
static int get_free_port(struct domain *d)
{
	struct evtchn_domain *ed = d->evtchn;

	if (ed->dying)
		return -XEN_EINVAL;
	for (unsigned int port = 0; port < ed->max_ports; port += 1) {
		unsigned int b = port / EVTCHN_PER_BUCKET;

		if (!ed->bucket[b]) {
			struct evtchn *bucket = bucket_alloc();

			if (!bucket) {
				printk(LOG_WARN "evtchn: d%u: no memory for ports from %u\n", d->id,
				       port);
				return -XEN_ENOMEM;
			}
			ed->bucket[b] = bucket; /* zeroed: its ports are free */
			__atomic_store_n(&ed->valid_ports,
					 (unsigned int)MIN(port + EVTCHN_PER_BUCKET, ed->max_ports),
					 __ATOMIC_RELEASE);
			return (int)port;
		}
		if (chn_state(port_chn(ed, port)) == ECS_FREE)
			return (int)port;
	}
	return -XEN_ENOSPC;
}

/* A free port put to use: its fields first, then its state (evtchn_private.h). */
static struct evtchn *take_port(struct domain *d, int port, enum evtchn_state state,
				unsigned int vcpu, uint32_t arg, struct domain *remote)
{
	struct evtchn *chn = port_chn(d->evtchn, (evtchn_port_t)port);

	chn->arg = arg;
	chn->remote = remote;
	chn_set_notify(chn, vcpu);
	chn_set_state(chn, state);
	return chn;
}

int evtchn_domain_init(struct domain *d, unsigned int max_ports)
{
	struct evtchn_domain *ed;
	mfn_t mfn;

	BUILD_BUG_ON(sizeof(struct evtchn_domain) > PAGE_SIZE);
	BUILD_BUG_ON(sizeof(struct evtchn) != 16);
	if (max_ports == 0 || max_ports > EVTCHN_MAX_PORTS)
		max_ports = EVTCHN_MAX_PORTS;
	mfn = frame_alloc(0);
	if (mfn_x(mfn) == INVALID_MFN_RAW)
		return -XEN_ENOMEM;
	ed = mfn_to_virt(mfn);
	memset(ed, 0, PAGE_SIZE);
	spin_lock_init(&ed->lock);
	ed->max_ports = max_ports;
	ed->bucket[0] = bucket_alloc();
	if (!ed->bucket[0]) {
		frame_free(mfn, 0);
		return -XEN_ENOMEM;
	}
	ed->valid_ports = (unsigned int)MIN(EVTCHN_PER_BUCKET, max_ports);
	port_chn(ed, 0)->sw = ECS_RESERVED; /* not yet published */
	d->evtchn = ed;
	if (!pv_send_virq) /* timers raise VIRQ_TIMER through us, unless a test listens */
		pv_send_virq = evtchn_send_virq;
	spin_lock(&global_virq_lock);
	if (d->is_privileged && !global_virq_handler)
		global_virq_handler = d;
	spin_unlock(&global_virq_lock);
	return 0;
}

void evtchn_domain_destroy(struct domain *d)
{
	struct evtchn_domain *ed = d->evtchn;
	unsigned long flags;

	if (!ed)
		return;
	flags = evtchn_lock(d);
	ed->dying = true;
	evtchn_unlock(d, flags);
	spin_lock(&global_virq_lock);
	if (global_virq_handler == d)
		global_virq_handler = NULL;
	spin_unlock(&global_virq_lock);
	for (evtchn_port_t port = 1; port < ed->max_ports; port++)
		if (port_is_valid(ed, port) && chn_state(port_chn(ed, port)) != ECS_FREE)
			evtchn_close(d, port);
}

void evtchn_domain_free(struct domain *d)
{
	struct evtchn_domain *ed = d->evtchn;

	if (!ed)
		return;
	ASSERT(ed->dying);
	for (unsigned int b = 0; b < EVTCHN_NR_BUCKETS; b++)
		if (ed->bucket[b])
			frame_free(virt_to_mfn(ed->bucket[b]), 0);
	d->evtchn = NULL;
	frame_free(virt_to_mfn(ed), 0);
}

/* ---- Creating ports --------------------------------------------------- */

int evtchn_alloc_unbound(struct domain *caller, struct evtchn_alloc_unbound *op)
{
	domid_t rdom = op->remote_dom == DOMID_SELF ? caller->id : op->remote_dom;
	struct domain *d;
	unsigned long flags;
	int port = evtchn_target(caller, op->dom, &d);

	if (port)
		return port;
	flags = evtchn_lock(d);
	port = get_free_port(d);
	if (port >= 0) {
		take_port(d, port, ECS_UNBOUND, 0, rdom, NULL);
		op->port = (evtchn_port_t)port;
	}
	evtchn_unlock(d, flags);
	domain_put(d);
	return port < 0 ? port : 0;
}

/* Connect lport of ld with rport of rd (both locks held, rport checked). */
static void connect(struct domain *ld, int lport, struct domain *rd, evtchn_port_t rport)
{
	/* each end holds its peer until closed */
	struct evtchn *lchn = take_port(ld, lport, ECS_INTERDOMAIN, 0, rport, domain_get_ref(rd));
	struct evtchn *rchn = port_chn(rd->evtchn, rport);

	rchn->remote = domain_get_ref(ld);
	rchn->arg = (uint32_t)lport;
	chn_set_state(rchn, ECS_INTERDOMAIN);
	evtchn_2l_set_pending(ld, chn_notify(lchn), (evtchn_port_t)lport);
}

int evtchn_bind_interdomain(struct domain *caller, struct evtchn_bind_interdomain *op)
{
	domid_t rdom = op->remote_dom == DOMID_SELF ? caller->id : op->remote_dom;
	struct domain *rd = rdom == caller->id ? domain_get_ref(caller) : domain_get(rdom);
	unsigned long flags;
	int lport;

	if (!rd || !rd->evtchn) {
		if (rd)
			domain_put(rd);
		return -XEN_ESRCH;
	}
	spin_lock(&evtchn_link_lock);
	flags = evtchn_lock_two(caller, rd);
	lport = get_free_port(caller);
	if (lport < 0)
		goto out;
	if (rd->evtchn->dying || !port_is_valid(rd->evtchn, op->remote_port)) {
		lport = -XEN_EINVAL;
		goto out;
	}
	struct evtchn *rchn = port_chn(rd->evtchn, op->remote_port);
	if (chn_state(rchn) != ECS_UNBOUND || rchn->arg != caller->id) {
		lport = -XEN_EINVAL;
		goto out;
	}
	connect(caller, lport, rd, op->remote_port);
	op->local_port = (evtchn_port_t)lport;
out:
	evtchn_unlock_two(caller, rd, flags);
	spin_unlock(&evtchn_link_lock);
	domain_put(rd); /* the channel holds its own references now */
	return lport < 0 ? lport : 0;
}

static bool vcpu_exists(struct domain *d, uint32_t vcpu)
{
	return vcpu < d->max_vcpus && vcpu < HOSPES_MAX_VCPUS && d->vcpu[vcpu];
}

int evtchn_bind_virq(struct domain *caller, struct evtchn_bind_virq *op)
{
	enum virq_type type = virq_type(op->virq);
	struct evtchn_domain *ed = caller->evtchn;
	unsigned long flags;
	int port;

	if (type == VIRQ_INVALID || (type != VIRQ_PER_VCPU && op->vcpu != 0))
		return -XEN_EINVAL;
	if (type == VIRQ_GLOBAL && evtchn_global_virq_handler() != caller)
		return -XEN_EBUSY;
	if (!vcpu_exists(caller, op->vcpu))
		return -XEN_ENOENT;
	flags = evtchn_lock(caller);
	port = ed->virq_port[op->vcpu][op->virq] ? -XEN_EEXIST : get_free_port(caller);
	if (port >= 0) {
		take_port(caller, port, ECS_VIRQ, op->vcpu, op->virq, NULL);
		ed->virq_port[op->vcpu][op->virq] = (uint16_t)port;
		op->port = (evtchn_port_t)port;
	}
	evtchn_unlock(caller, flags);
	return port < 0 ? port : 0;
}

int evtchn_bind_ipi(struct domain *caller, struct evtchn_bind_ipi *op)
{
	unsigned long flags;
	int port;

	if (!vcpu_exists(caller, op->vcpu))
		return -XEN_ENOENT;
	flags = evtchn_lock(caller);
	port = get_free_port(caller);
	if (port >= 0) {
		take_port(caller, port, ECS_IPI, op->vcpu, 0, NULL);
		op->port = (evtchn_port_t)port;
	}
	evtchn_unlock(caller, flags);
	return port < 0 ? port : 0;
}

static const struct evtchn_pirq_ops *pirq_ops;

void evtchn_set_pirq_ops(const struct evtchn_pirq_ops *ops)
{
	WRITE_ONCE(pirq_ops, ops);
}

int evtchn_bind_pirq(struct domain *caller, struct evtchn_bind_pirq *op)
{
	const struct evtchn_pirq_ops *ops = READ_ONCE(pirq_ops);
	struct evtchn_domain *ed = caller->evtchn;
	unsigned long flags;
	int port, rc;

	if (op->pirq >= EVTCHN_NR_PIRQS)
		return -XEN_EINVAL;
	if (!caller->is_privileged)
		return -XEN_EPERM;
	flags = evtchn_lock(caller);
	port = ed->pirq_port[op->pirq] ? -XEN_EEXIST : get_free_port(caller);
	if (port < 0)
		goto out;
	rc = ops ? ops->bind(caller, op->pirq, op->flags & BIND_PIRQ__WILL_SHARE) : -XEN_EINVAL;
	if (rc) {
		port = rc;
		goto out;
	}
	take_port(caller, port, ECS_PIRQ, 0, op->pirq, NULL);
	ed->pirq_port[op->pirq] = (uint16_t)port;
	op->port = (evtchn_port_t)port;
out:
	evtchn_unlock(caller, flags);
	return port < 0 ? port : 0;
}

void evtchn_pirq_unbind(struct domain *d, unsigned int pirq)
{
	const struct evtchn_pirq_ops *ops = READ_ONCE(pirq_ops);

	if (ops)
		ops->unbind(d, pirq);
}
