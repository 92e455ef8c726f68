/*
 * PIRQs: device interrupt lines owned by the driver domain (the ideas and
 * the life of one interrupt are in hospes/pirq.h and docs/driver-domain.md).
 *
 * One table entry per PIRQ: its owner, its GSI, whether the line is level
 * triggered, bound to an event channel, and "in flight" (fired, masked,
 * waiting for the EOI).  gsi_pirq[] finds the PIRQ of a firing line.
 * Invariant: a line is unmasked at the IOAPIC exactly when its PIRQ is
 * bound and not in flight.
 *
 * MSI: a PCI function's message (plain MSI, one vector) becomes PIRQ
 * PIRQ_MSI_BASE + slot, one slot per function, slots from a small pool
 * (each is one vector of the hypervisor's).  As in Xen, the hypervisor
 * writes the message (address: the binding CPU's LAPIC; data: the
 * vector, edge) into the function's MSI capability at map time and sets
 * its enable bit while the PIRQ is bound: dom0 never sees or writes the
 * message.  An MSI is an edge: never masked, no EOI needed.
 */
#include <hospes/event.h>
#include <hospes/lib.h>
#include <hospes/pirq.h>
#include <hospes/spinlock.h>
#include <public/errno.h>

struct pirq {
	struct domain *owner; /* NULL = unmapped */
	uint16_t gsi;	      /* a line's GSI, or an MSI's slot */
	uint16_t sbdf;	      /* MSI: the function (bus << 8 | devfn) */
	bool msi, level, bound, in_flight;
};

static struct pirq pirqs[PIRQ_NR];
static int16_t gsi_pirq[PIRQ_MAX_GSI]; /* PIRQ + 1, 0 = none */
/* MSI slot s (vector chosen by the arch layer) is PIRQ PIRQ_MSI_BASE + s. */
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

/* The slot of sbdf's MSI, or -1; *free_slot: the first free one (-1: none). */
static int msi_find(uint16_t sbdf, int *free_slot)
{
	*free_slot = -1;
	for (int s = 0; s < PIRQ_MSI_NR; s++) {
		const struct pirq *p = &pirqs[PIRQ_MSI_BASE + s];
		if (p->owner && p->sbdf == sbdf)
			return s;
		if (!p->owner && *free_slot < 0)
			*free_slot = s;
	}
	return -1;
}

int pirq_map_msi(struct domain *d, const struct pirq_msi_args *a, int *pirq)
{
	if (!d->is_privileged)
		return -XEN_EPERM;
	if (a->segment != 0 || a->bus > 0xff || a->devfn > 0xff)
		return -XEN_EINVAL;
	if (a->table_base || a->multi)
		return -XEN_EOPNOTSUPP; /* MSI-X and multi-message MSI: not implemented */
	uint16_t sbdf = (uint16_t)(a->bus << 8 | a->devfn);
	int rc = 0, free_slot;
	unsigned long flags = spin_lock_irqsave(&pirq_lock);
	int s = msi_find(sbdf, &free_slot);
	if (s >= 0) /* mapped already: the same PIRQ again, as for a line */
		rc = pirqs[PIRQ_MSI_BASE + s].owner != d	? -XEN_EBUSY
		     : *pirq >= 0 && *pirq != PIRQ_MSI_BASE + s ? -XEN_EINVAL
								: 0;
	else if (*pirq >= 0)
		rc = -XEN_EINVAL; /* the hypervisor chooses an MSI's PIRQ */
	else if ((s = free_slot) < 0)
		rc = -XEN_ENOSPC;
	else if (!(rc = arch_msi_setup(sbdf, (unsigned int)s)))
		pirqs[PIRQ_MSI_BASE + s] =
			(struct pirq){.owner = d, .gsi = (uint16_t)s, .sbdf = sbdf, .msi = true};
	spin_unlock_irqrestore(&pirq_lock, flags);
	if (!rc)
		*pirq = PIRQ_MSI_BASE + s;
	return rc;
}

/* Caller holds pirq_lock. */
static void unbind_locked(struct pirq *p)
{
	if (p->bound && p->msi)
		arch_msi_enable(p->sbdf, false);
	else if (p->bound)
		arch_gsi_mask(p->gsi, true);
	p->bound = false;
	p->in_flight = false;
}

/* Caller holds pirq_lock; p is unbound. */
static void unmap_locked(struct pirq *p)
{
	if (p->msi)
		arch_msi_teardown(p->sbdf, p->gsi);
	else
		gsi_pirq[p->gsi] = 0;
	p->owner = NULL;
}

int pirq_unmap(struct domain *d, unsigned int pirq)
{
	unsigned long flags = spin_lock_irqsave(&pirq_lock);
	struct pirq *p = owned(d, pirq);
	int rc = p ? (p->bound ? -XEN_EBUSY : 0) : -XEN_EINVAL;

	if (!rc)
		unmap_locked(p);
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
		*needs = p->level && !p->msi;
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

void pirq_msi_interrupt(unsigned int slot)
{
	struct domain *d = NULL;

	if (slot >= PIRQ_MSI_NR)
		return;
	unsigned long flags = spin_lock_irqsave(&pirq_lock);
	struct pirq *p = &pirqs[PIRQ_MSI_BASE + slot];
	if (p->owner && p->msi && p->bound)
		d = p->owner;
	spin_unlock_irqrestore(&pirq_lock, flags);
	if (d)
		evtchn_send_pirq(d, PIRQ_MSI_BASE + slot);
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
		if (p->msi)
			arch_msi_enable(p->sbdf, true);
		else
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
		unmap_locked(p);
	}
	spin_unlock_irqrestore(&pirq_lock, flags);
}

static const struct evtchn_pirq_ops ops = {.bind = pirq_bind, .unbind = pirq_unbind};

void pirq_init(void)
{
	arch_pirq_setup();
	evtchn_set_pirq_ops(&ops);
}
