/*
 * memory_op (hypercall 12): ballooning and describing a domain's memory.
 *
 * Sub-operations, each decoded and checked here and carried out by the p2m:
 *   increase_reservation, populate_physmap, decrease_reservation
 *       act extent by extent and return how many extents were done (Xen's
 *       partial completion: the first failure stops the batch);
 *   current_reservation, maximum_reservation   page counts of a domain;
 *   maximum_ram_page     one past the highest frame the caller can name;
 *   machphys_mapping     where the read-only m2p lies;
 *   machphys_mfn_list    the frames backing the m2p, in 2 MiB chunks: the
 *       driver domain gets the machine frames; a domU's frame space holds
 *       no m2p frames, so it gets an empty list;
 *   memory_map           the caller's pseudo-physical e820: one RAM range
 *       of max_pages frames from 0 (what Xen's toolstack sets for a PV
 *       guest);
 *   add_to_physmap       for translated guests only: -EACCES for PV.
 * Anything else is -ENOSYS.  cmd[63:6] is Xen's continuation index: the
 * extent to start from.
 */
#include <hospes/domain.h>
#include <hospes/guest_access.h>
#include <hospes/mm.h>
#include <hospes/p2m.h>
#include <hospes/pv_mmu.h>
#include <public/errno.h>
#include <public/memory.h>

#define M2P_VIRT_START 0xffff800000000000UL
#define M2P_VIRT_END   0xffff804000000000UL

/*
 * DOMID_SELF or the caller's own id; another domain only for the
 * privileged, with a reference held for the call (memop_put).
 */
static struct domain *memop_target(struct domain *d, domid_t id, long *rc)
{
	struct domain *t;

	*rc = 0;
	if (id == DOMID_SELF || id == d->id)
		return d;
	if (!d->is_privileged) {
		*rc = -XEN_EPERM;
		return NULL;
	}
	t = domain_get(id);
	if (!t)
		*rc = -XEN_ESRCH;
	return t;
}

static void memop_put(struct domain *d, struct domain *t)
{
	if (t != d)
		domain_put(t);
}

static long memop_extent(struct vcpu *v, struct domain *t, unsigned int op, unsigned long list,
			 unsigned long i, unsigned int order)
{
	xen_pfn_t frame = 0;
	gfn_t g;
	int rc;

	if (op != XENMEM_increase_reservation &&
	    copy_from_guest_vcpu(v, &frame, list + i * sizeof(frame), sizeof(frame)))
		return -XEN_EFAULT;
	if (op == XENMEM_decrease_reservation)
		return p2m_decrease(t, _gfn(frame), order);
	rc = op == XENMEM_populate_physmap ? p2m_populate(t, _gfn(frame), order, &g)
					   : p2m_increase(t, order, &g);
	if (rc)
		return rc;
	frame = gfn_x(g);
	if (list && copy_to_guest_vcpu(v, list + i * sizeof(frame), &frame, sizeof(frame))) {
		p2m_decrease(t, g, order);
		return -XEN_EFAULT;
	}
	return 0;
}

static long memop_reservation(struct vcpu *v, unsigned int op, unsigned long start,
			      unsigned long arg)
{
	struct domain *d = v->domain;
	struct xen_memory_reservation r;
	struct domain *t;
	unsigned long list, i;
	long rc;

	if (copy_from_guest_vcpu(v, &r, arg, sizeof(r)))
		return -XEN_EFAULT;
	t = memop_target(d, r.domid, &rc);
	if (!t)
		return rc;
	list = (unsigned long)r.extent_start.p;
	i = start;
	if (r.extent_order > (d->is_privileged ? 18U : 9U) || r.nr_extents > (~0UL >> 12) ||
	    (op != XENMEM_increase_reservation && !list && r.nr_extents))
		r.nr_extents = 0; /* nothing done: the answer is start */
	for (; i < r.nr_extents; i++)
		if (memop_extent(v, t, op, list, i, r.extent_order))
			break;
	memop_put(d, t);
	return (long)i;
}

static long memop_count(struct vcpu *v, unsigned int op, unsigned long arg)
{
	struct domain *d = v->domain;
	domid_t id;
	struct domain *t;
	long rc;

	if (copy_from_guest_vcpu(v, &id, arg, sizeof(id)))
		return -XEN_EFAULT;
	t = memop_target(d, id, &rc);
	if (!t)
		return rc;
	rc = (long)(op == XENMEM_current_reservation ? t->tot_pages : t->max_pages);
	memop_put(d, t);
	return rc;
}

static long memop_machphys_mapping(struct vcpu *v, unsigned long arg)
{
	struct domain *d = v->domain;
	struct xen_machphys_mapping m = {M2P_VIRT_START, M2P_VIRT_END, p2m_size(d) - 1};

	return copy_to_guest_vcpu(v, arg, &m, sizeof(m));
}

static long memop_machphys_mfn_list(struct vcpu *v, unsigned long arg)
{
	struct domain *d = v->domain;
	struct xen_machphys_mfn_list l;
	unsigned long chunks = (p2m_size(d) * sizeof(unsigned long) + (2UL << 20) - 1) >> 21;
	unsigned int n = 0;

	if (copy_from_guest_vcpu(v, &l, arg, sizeof(l)))
		return -XEN_EFAULT;
	for (; d->is_privileged && n < l.max_extents && n < chunks; n++) {
		xen_pfn_t f = mfn_x(m2p_chunk_mfn(d, n));

		if (copy_to_guest_vcpu(v, (unsigned long)l.extent_start.p + n * sizeof(f), &f,
				       sizeof(f)))
			return -XEN_EFAULT;
	}
	l.nr_extents = n;
	return copy_to_guest_vcpu(v, arg, &l, sizeof(l));
}

static long memop_memory_map(struct vcpu *v, unsigned long arg)
{
	struct domain *d = v->domain;
	struct xen_memory_map map;
	struct xen_e820_entry ram = {0, (uint64_t)d->max_pages << PAGE_SHIFT, XEN_E820_RAM};

	if (copy_from_guest_vcpu(v, &map, arg, sizeof(map)))
		return -XEN_EFAULT;
	if (map.nr_entries) {
		if (copy_to_guest_vcpu(v, (unsigned long)map.buffer.p, &ram, sizeof(ram)))
			return -XEN_EFAULT;
		map.nr_entries = 1;
	}
	return copy_to_guest_vcpu(v, arg, &map, sizeof(map));
}

long do_memory_op(struct vcpu *v, unsigned long cmd, unsigned long arg, unsigned long a3,
		  unsigned long a4, unsigned long a5)
{
	struct domain *d = v->domain;
	unsigned int op = cmd & MEMOP_CMD_MASK;
	unsigned long start = cmd >> MEMOP_EXTENT_SHIFT;

	switch (op) {
	case XENMEM_increase_reservation:
	case XENMEM_decrease_reservation:
	case XENMEM_populate_physmap:
		return memop_reservation(v, op, start, arg);
	case XENMEM_current_reservation:
	case XENMEM_maximum_reservation:
		return memop_count(v, op, arg);
	case XENMEM_maximum_ram_page:
		return (long)p2m_size(d);
	case XENMEM_machphys_mapping:
		return memop_machphys_mapping(v, arg);
	case XENMEM_machphys_mfn_list:
		return memop_machphys_mfn_list(v, arg);
	case XENMEM_memory_map:
		return memop_memory_map(v, arg);
	case XENMEM_add_to_physmap:
		return -XEN_EACCES;
	default:
		return -XEN_ENOSYS;
	}
}
