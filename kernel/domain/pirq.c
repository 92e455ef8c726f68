/*
 * PIRQs: device interrupt lines owned by the driver domain (the ideas and
 * the life of one interrupt are in hospes/pirq.h and docs/driver-domain.md).
 *
 * One table entry per PIRQ: its owner, its GSI, whether the line is level
 * triggered, bound to an event channel, and "in flight" (fired, masked,
 * waiting for the EOI).  gsi_pirq[] finds the PIRQ of a firing line.
 * Invariant: a line is unmasked at the IOAPIC exactly when its PIRQ is
 * bound and not in flight.
 */
#include <hospes/event.h>
#include <hospes/lib.h>
#include <hospes/pirq.h>
#include <hospes/spinlock.h>
#include <public/errno.h>

struct pirq {
	struct domain *owner; /* NULL = unmapped */
	uint16_t gsi;
	bool level, bound, in_flight;
};

static struct pirq pirqs[PIRQ_NR];
static int16_t gsi_pirq[PIRQ_MAX_GSI]; /* PIRQ + 1, 0 = none */
static spinlock_t pirq_lock = SPINLOCK_INIT;

static struct pirq *owned(struct domain *d, unsigned int pirq)
{
	return pirq < PIRQ_NR && pirqs[pirq].owner == d ? &pirqs[pirq] : NULL;
}

int pirq_map(struct domain *d, unsigned int line, int *pirq)
{
	unsigned int gsi;
	bool level;
	int rc;

	if (!d->is_privileged)
		return -XEN_EPERM;
	if (line >= PIRQ_NR || (*pirq >= 0 && (unsigned int)*pirq != line))
		return -XEN_EINVAL; /* the PIRQ is the line's own number */
	rc = arch_gsi_resolve(line, &gsi, &level);
	if (rc)
		return rc;
	if (gsi >= PIRQ_MAX_GSI)
		return -XEN_ENOSPC;
	unsigned long flags = spin_lock_irqsave(&pirq_lock);
	struct pirq *p = &pirqs[line];
	if (p->owner && p->owner != d)
		rc = -XEN_EBUSY;
	else if (gsi_pirq[gsi] && gsi_pirq[gsi] != (int16_t)(line + 1))
		rc = -XEN_EBUSY; /* another line number already names this GSI */
	if (!rc && !p->owner) {
		*p = (struct pirq){.owner = d, .gsi = (uint16_t)gsi, .level = level};
		gsi_pirq[gsi] = (int16_t)(line + 1);
	}
	spin_unlock_irqrestore(&pirq_lock, flags);
	if (!rc)
		*pirq = (int)line;
	return rc;
}

/* Caller holds pirq_lock. */
static void unbind_locked(struct pirq *p)
{
	if (p->bound)
		arch_gsi_mask(p->gsi, true);
	p->bound = false;
	p->in_flight = false;
}

int pirq_unmap(struct domain *d, unsigned int pirq)
{
	unsigned long flags = spin_lock_irqsave(&pirq_lock);
	struct pirq *p = owned(d, pirq);
	int rc = p ? (p->bound ? -XEN_EBUSY : 0) : -XEN_EINVAL;

	if (!rc) {
		gsi_pirq[p->gsi] = 0;
		p->owner = NULL;
	}
	spin_unlock_irqrestore(&pirq_lock, flags);
	return rc;
}

int pirq_eoi(struct domain *d, unsigned int pirq)
{
	unsigned long flags = spin_lock_irqsave(&pirq_lock);
	struct pirq *p = owned(d, pirq);

	if (p && p->in_flight) {
		p->in_flight = false;
		arch_gsi_mask(p->gsi, false);
	}
	spin_unlock_irqrestore(&pirq_lock, flags);
	return p ? 0 : -XEN_EINVAL;
}

int pirq_needs_eoi(struct domain *d, unsigned int pirq, bool *needs)
{
	unsigned long flags = spin_lock_irqsave(&pirq_lock);
	struct pirq *p = owned(d, pirq);

	if (p)
		*needs = p->level;
	spin_unlock_irqrestore(&pirq_lock, flags);
	return p ? 0 : -XEN_EINVAL;
}

void pirq_interrupt(unsigned int gsi)
{
	struct domain *d = NULL;
	unsigned int pirq = 0;

	if (gsi >= PIRQ_MAX_GSI)
		return;
	unsigned long flags = spin_lock_irqsave(&pirq_lock);
	if (gsi_pirq[gsi]) {
		pirq = (unsigned int)gsi_pirq[gsi] - 1;
		struct pirq *p = &pirqs[pirq];
		if (p->bound && !p->in_flight) {
			d = p->owner;
			if (p->level) {
				arch_gsi_mask(gsi, true);
				p->in_flight = true;
			}
		}
	}
	spin_unlock_irqrestore(&pirq_lock, flags);
	if (d)
		evtchn_send_pirq(d, pirq);
}

/* EVTCHNOP_bind_pirq and close (kernel/event/), under the caller's event lock. */
static int pirq_bind(struct domain *d, unsigned int pirq, bool will_share)
{
	unsigned long flags = spin_lock_irqsave(&pirq_lock);
	struct pirq *p = owned(d, pirq);
	int rc = p ? (p->bound ? -XEN_EBUSY : 0) : -XEN_EINVAL;

	(void)will_share; /* one event channel per PIRQ: dom0 shares it among its drivers */
	if (!rc) {
		p->bound = true;
		p->in_flight = false;
		arch_gsi_enable(p->gsi, p->level);
	}
	spin_unlock_irqrestore(&pirq_lock, flags);
	return rc;
}

static void pirq_unbind(struct domain *d, unsigned int pirq)
{
	unsigned long flags = spin_lock_irqsave(&pirq_lock);
	struct pirq *p = owned(d, pirq);

	if (p)
		unbind_locked(p);
	spin_unlock_irqrestore(&pirq_lock, flags);
}

void pirq_domain_destroy(struct domain *d)
{
	unsigned long flags = spin_lock_irqsave(&pirq_lock);

	for (unsigned int i = 0; i < PIRQ_NR; i++) {
		struct pirq *p = &pirqs[i];
		if (p->owner != d)
			continue;
		unbind_locked(p);
		gsi_pirq[p->gsi] = 0;
		p->owner = NULL;
	}
	spin_unlock_irqrestore(&pirq_lock, flags);
}

static const struct evtchn_pirq_ops ops = {.bind = pirq_bind, .unbind = pirq_unbind};

void pirq_init(void)
{
	arch_pirq_setup();
	evtchn_set_pirq_ops(&ops);
}
