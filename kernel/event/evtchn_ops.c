/*
 * Event channels: the operations on existing ports (close, status,
 * bind_vcpu, unmask, reset) and the hypervisor's own ways of raising
 * events (VIRQs, PIRQs, a port it is the remote end of).
 *
 * Closing one end of an interdomain channel leaves the other end unbound,
 * waiting for the closer's domain to bind again, exactly as Xen does; the
 * closed port's pending bit is cleared so a later user of the number does
 * not inherit a stale event.  The guest-owned mask bit is left alone.
 *
 * EVTCHNOP_send is in evtchn_send.c.  Locking as described in evtchn.c.
 */
#include "evtchn_private.h"

#include <hospes/lib.h>
#include <public/errno.h>

/* The rest of freeing a port whose state is ECS_FREE already and whose
 * senders are gone (caller holds d's lock): no stale event for the next
 * user of the number. */
static void clear_port(struct domain *d, evtchn_port_t port)
{
	struct evtchn *chn = port_chn(d->evtchn, port);

	evtchn_2l_clear_pending(d, port);
	chn_set_notify(chn, 0);
	chn->arg = 0;
	chn->remote = NULL;
}

/* Free the port (caller holds d's lock; not an interdomain one). */
static void free_port(struct domain *d, evtchn_port_t port)
{
	chn_set_state(port_chn(d->evtchn, port), ECS_FREE);
	clear_port(d, port);
}

static void unbind_virq(struct evtchn_domain *ed, evtchn_port_t port, uint32_t virq)
{
	for (unsigned int v = 0; v < HOSPES_MAX_VCPUS; v++)
		if (ed->virq_port[v][virq] == port)
			ed->virq_port[v][virq] = 0;
}

/*
 * Close an interdomain port: both domains locked in order, under the link
 * lock.  Our end closes first, so no sender of ours still uses the peer's
 * end; then the peer's end becomes unbound, so none of the peer's senders
 * still raises our port; then our pending bit is cleared.  Returns the
 * peer, whose two channel references the caller drops once every lock is
 * released.
 */
static struct domain *close_interdomain(struct domain *d, evtchn_port_t port, unsigned long *flags)
{
	struct evtchn *chn = port_chn(d->evtchn, port);
	struct domain *rd = chn->remote;
	struct evtchn *rchn;

	evtchn_unlock(d, *flags);
	*flags = evtchn_lock_two(d, rd);
	rchn = port_chn(rd->evtchn, chn->arg);
	ASSERT(chn_state(rchn) == ECS_INTERDOMAIN && rchn->remote == d && rchn->arg == port);
	chn_set_state(chn, ECS_FREE);
	chn_set_state(rchn, ECS_UNBOUND);
	rchn->remote = NULL;
	rchn->arg = d->id; /* who may bind it again */
	clear_port(d, port);
	if (rd != d)
		spin_unlock(&rd->evtchn->lock);
	return rd;
}

int evtchn_close(struct domain *caller, evtchn_port_t port)
{
	struct evtchn_domain *ed = caller->evtchn;
	struct domain *peer = NULL;
	unsigned long flags;
	struct evtchn *chn;
	int rc = 0;

	if (!port_is_valid(ed, port))
		return -XEN_EINVAL;
	spin_lock(&evtchn_link_lock);
	flags = evtchn_lock(caller);
	chn = port_chn(ed, port);
	switch (chn_state(chn)) {
	case ECS_UNBOUND:
	case ECS_IPI:
		free_port(caller, port);
		break;
	case ECS_VIRQ:
		unbind_virq(ed, port, chn->arg);
		free_port(caller, port);
		break;
	case ECS_PIRQ:
		ed->pirq_port[chn->arg] = 0;
		evtchn_pirq_unbind(caller, chn->arg);
		free_port(caller, port);
		break;
	case ECS_INTERDOMAIN:
		peer = close_interdomain(caller, port, &flags);
		break;
	default: /* free or reserved */
		rc = -XEN_EINVAL;
	}
	evtchn_unlock(caller, flags);
	spin_unlock(&evtchn_link_lock);
	if (peer) { /* our end held the peer, the peer's end held us */
		domain_put(peer);
		domain_put(caller);
	}
	return rc;
}

static void fill_status(const struct evtchn *chn, struct evtchn_status *op)
{
	memset(&op->u, 0, sizeof(op->u));
	unsigned int state = chn_state(chn);

	op->status = evtchn_stat_of((uint8_t)state);
	op->vcpu = chn_notify(chn);
	switch (state) {
	case ECS_UNBOUND:
		op->u.unbound.dom = (domid_t)chn->arg;
		break;
	case ECS_INTERDOMAIN:
		op->u.interdomain.dom = chn->remote->id;
		op->u.interdomain.port = chn->arg;
		break;
	case ECS_PIRQ:
		op->u.pirq = chn->arg;
		break;
	case ECS_VIRQ:
		op->u.virq = chn->arg;
		break;
	}
}

int evtchn_status(struct domain *caller, struct evtchn_status *op)
{
	struct domain *d;
	unsigned long flags;
	int rc = evtchn_target(caller, op->dom, &d);

	if (rc)
		return rc;
	flags = evtchn_lock(d);
	if (!port_is_valid(d->evtchn, op->port))
		rc = -XEN_EINVAL;
	else
		fill_status(port_chn(d->evtchn, op->port), op);
	evtchn_unlock(d, flags);
	domain_put(d);
	return rc;
}

int evtchn_bind_vcpu(struct domain *caller, evtchn_port_t port, unsigned int vcpu)
{
	unsigned long flags;
	struct evtchn *chn;
	int rc = 0;

	if (vcpu >= caller->max_vcpus || vcpu >= HOSPES_MAX_VCPUS || !caller->vcpu[vcpu])
		return -XEN_ENOENT;
	if (!port_is_valid(caller->evtchn, port))
		return -XEN_EINVAL;
	flags = evtchn_lock(caller);
	chn = port_chn(caller->evtchn, port);
	switch (chn_state(chn)) {
	case ECS_VIRQ:
		if (virq_type(chn->arg) == VIRQ_PER_VCPU) {
			rc = -XEN_EINVAL; /* its vCPU is part of its identity */
			break;
		}
		/* fall through */
	case ECS_UNBOUND:
	case ECS_INTERDOMAIN:
	case ECS_PIRQ:
		chn_set_notify(chn, vcpu);
		break;
	default:
		rc = -XEN_EINVAL;
	}
	evtchn_unlock(caller, flags);
	return rc;
}

int evtchn_unmask(struct domain *caller, evtchn_port_t port)
{
	unsigned long flags;

	if (!port_is_valid(caller->evtchn, port))
		return -XEN_EINVAL;
	flags = evtchn_lock(caller);
	evtchn_2l_unmask(caller, chn_notify(port_chn(caller->evtchn, port)), port);
	evtchn_unlock(caller, flags);
	return 0;
}

int evtchn_reset(struct domain *caller, domid_t dom)
{
	struct domain *d;
	int rc = evtchn_target(caller, dom, &d);

	if (rc)
		return rc;
	for (evtchn_port_t port = 1; port < d->evtchn->max_ports; port++)
		if (port_is_valid(d->evtchn, port))
			evtchn_close(d, port); /* free ports answer -EINVAL: nothing to do */
	domain_put(d);
	return 0;
}

/* ---- Events raised by the hypervisor ----------------------------------- */

void evtchn_send_virq(struct vcpu *v, unsigned int virq)
{
	struct domain *d = v->domain;
	enum virq_type type = virq_type(virq);
	unsigned long flags;
	evtchn_port_t port;

	if (type == VIRQ_INVALID || !d->evtchn)
		return;
	flags = evtchn_lock(d);
	port = d->evtchn->virq_port[type == VIRQ_PER_VCPU ? v->id : 0][virq];
	if (port)
		evtchn_2l_set_pending(
			d, type == VIRQ_PER_VCPU ? v->id : chn_notify(port_chn(d->evtchn, port)),
			port);
	evtchn_unlock(d, flags);
}

void evtchn_send_global_virq(unsigned int virq)
{
	struct domain *d = evtchn_global_virq_handler();

	if (d && d->vcpu[0] && virq_type(virq) == VIRQ_GLOBAL)
		evtchn_send_virq(d->vcpu[0], virq);
}

int evtchn_notify_port(struct domain *d, evtchn_port_t port)
{
	unsigned long flags;
	int rc = -XEN_EINVAL;

	if (!d->evtchn || !port_is_valid(d->evtchn, port))
		return rc;
	flags = evtchn_lock(d);
	struct evtchn *chn = port_chn(d->evtchn, port);
	if (chn_state(chn) != ECS_FREE && chn_state(chn) != ECS_RESERVED) {
		evtchn_2l_set_pending(d, chn_notify(chn), port);
		rc = 0;
	}
	evtchn_unlock(d, flags);
	return rc;
}

int evtchn_send_pirq(struct domain *d, unsigned int pirq)
{
	unsigned long flags;
	evtchn_port_t port;

	if (pirq >= EVTCHN_NR_PIRQS || !d->evtchn)
		return -XEN_EINVAL;
	flags = evtchn_lock(d);
	port = d->evtchn->pirq_port[pirq];
	if (port)
		evtchn_2l_set_pending(d, chn_notify(port_chn(d->evtchn, port)), port);
	evtchn_unlock(d, flags);
	return port ? 0 : -XEN_EINVAL;
}

unsigned int evtchn_bucket_pages(const struct domain *d)
{
	const struct evtchn_domain *ed = d->evtchn;
	unsigned int n = 0;

	for (unsigned int b = 0; ed && b < EVTCHN_NR_BUCKETS; b++)
		n += READ_ONCE(ed->bucket[b]) != NULL;
	return n;
}

void evtchn_stats(const struct domain *d, uint64_t *sent, uint64_t *received)
{
	const struct evtchn_domain *ed = d->evtchn;

	*sent = ed ? READ_ONCE(ed->sent) : 0;
	*received = ed ? __atomic_load_n(&ed->received, __ATOMIC_RELAXED) : 0;
}
