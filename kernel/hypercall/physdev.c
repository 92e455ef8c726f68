/*
 * physdev_op (hypercall 33): what the driver domain needs to drive real
 * devices from ring 3.  Every command is for the privileged domain only
 * (-EPERM for anyone else); arguments are copied in, checked, acted on.
 *
 *   set_iopl        the virtual I/O privilege level (0-3).  Port I/O of
 *                   the guest traps (#GP, the CPU's IOPL stays 0) and is
 *                   emulated when allowed: vIOPL >= 1 in guest kernel mode,
 *                   vIOPL 3 in user mode (kernel/domain/io_emul.c);
 *   set_iobitmap    a TSS-format bitmap in guest memory (bit set = no
 *                   access) for the first nr_ports ports, consulted when
 *                   vIOPL does not allow a port;
 *   map_pirq        a GSI-type line becomes a PIRQ (hospes/pirq.h), and so
 *                   does a PCI function's MSI (types MSI and MSI_SEG with
 *                   segment 0; bus, devfn): the hypervisor programs the
 *                   message, as Xen does; MSI-X (table_base) and
 *                   MULTI_MSI: -EOPNOTSUPP;
 *   unmap_pirq, eoi, irq_status_query (XENIRQSTAT_needs_eoi for level lines).
 *
 * Ports and lines the hypervisor keeps for itself stay refused whatever
 * dom0 asks (the COM1 log, PIC, PIT, the QEMU exit port; the IOAPIC pins
 * of its own interrupts).  Other commands: -ENOSYS.
 */
#include <hospes/guest_access.h>
#include <hospes/hypercall.h>
#include <hospes/pirq.h>
#include <hospes/pv.h>
#include <public/errno.h>
#include <public/physdev.h>

static long pd_in(struct vcpu *v, void *dst, unsigned long arg, size_t n)
{
	return copy_from_guest_vcpu(v, dst, arg, n) ? -XEN_EFAULT : 0;
}

static long pd_out(struct vcpu *v, unsigned long arg, const void *src, size_t n)
{
	return copy_to_guest_vcpu(v, arg, src, n) ? -XEN_EFAULT : 0;
}

static long pd_map_pirq(struct vcpu *v, unsigned long arg)
{
	struct physdev_map_pirq m;
	long rc = pd_in(v, &m, arg, sizeof(m));

	if (rc)
		return rc;
	if (m.domid != DOMID_SELF && m.domid != v->domain->id)
		return -XEN_EINVAL; /* no passthrough to other domains */
	if (m.type == MAP_PIRQ_TYPE_MSI || m.type == MAP_PIRQ_TYPE_MSI_SEG ||
	    m.type == MAP_PIRQ_TYPE_MULTI_MSI) {
		if (m.bus < 0 || m.devfn < 0)
			return -XEN_EINVAL;
		struct pirq_msi_args a = {
			.segment = m.type == MAP_PIRQ_TYPE_MSI_SEG ? (unsigned int)m.bus >> 16 : 0,
			.bus = m.type == MAP_PIRQ_TYPE_MSI_SEG ? (unsigned int)m.bus & 0xffff
							       : (unsigned int)m.bus,
			.devfn = (unsigned int)m.devfn,
			.table_base = m.table_base,
			.multi = m.type == MAP_PIRQ_TYPE_MULTI_MSI};
		rc = pirq_map_msi(v->domain, &a, &m.pirq);
		m.index = m.pirq; /* Xen returns its IRQ number here */
		return rc ?: pd_out(v, arg, &m, sizeof(m));
	}
	if (m.type != MAP_PIRQ_TYPE_GSI || m.index < 0)
		return -XEN_EINVAL;
	rc = pirq_map(v->domain, (unsigned int)m.index, &m.pirq);
	return rc ?: pd_out(v, arg, &m, sizeof(m));
}

static long pd_unmap_pirq(struct vcpu *v, unsigned long arg)
{
	struct physdev_unmap_pirq u;
	long rc = pd_in(v, &u, arg, sizeof(u));

	if (rc)
		return rc;
	if (u.domid != DOMID_SELF && u.domid != v->domain->id)
		return -XEN_EINVAL;
	return u.pirq < 0 ? -XEN_EINVAL : pirq_unmap(v->domain, (unsigned int)u.pirq);
}

static long pd_status(struct vcpu *v, unsigned long arg)
{
	struct physdev_irq_status_query q;
	bool needs = false;
	long rc = pd_in(v, &q, arg, sizeof(q)) ?: pirq_needs_eoi(v->domain, q.irq, &needs);

	if (rc)
		return rc;
	q.flags = needs ? XENIRQSTAT_needs_eoi : 0;
	return pd_out(v, arg, &q, sizeof(q));
}

static long pd_iopl(struct vcpu *v, unsigned long arg)
{
	struct physdev_set_iopl s;
	long rc = pd_in(v, &s, arg, sizeof(s));

	if (rc)
		return rc;
	if (s.iopl > 3)
		return -XEN_EINVAL;
	v->domain->pv->iopl = (uint8_t)s.iopl;
	return 0;
}

static long pd_iobitmap(struct vcpu *v, unsigned long arg)
{
	struct physdev_set_iobitmap s;
	long rc = pd_in(v, &s, arg, sizeof(s));

	if (rc)
		return rc;
	if (s.nr_ports > 65536)
		return -XEN_EINVAL;
	v->domain->pv->iobitmap_va = (unsigned long)s.bitmap.p;
	v->domain->pv->iobitmap_ports = s.nr_ports;
	return 0;
}

long do_physdev_op(HYPERCALL_ARGS)
{
	unsigned long arg = a2;

	if (!v->domain->is_privileged)
		return -XEN_EPERM;
	switch (a1) {
	case PHYSDEVOP_set_iopl:
		return pd_iopl(v, arg);
	case PHYSDEVOP_set_iobitmap:
		return pd_iobitmap(v, arg);
	case PHYSDEVOP_map_pirq:
		return pd_map_pirq(v, arg);
	case PHYSDEVOP_unmap_pirq:
		return pd_unmap_pirq(v, arg);
	case PHYSDEVOP_eoi: {
		struct physdev_eoi e;
		return pd_in(v, &e, arg, sizeof(e)) ?: pirq_eoi(v->domain, e.irq);
	}
	case PHYSDEVOP_irq_status_query:
		return pd_status(v, arg);
	default:
		return -XEN_ENOSYS;
	}
}
