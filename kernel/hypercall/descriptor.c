/*
 * set_gdt and update_descriptor: a PV guest's own GDT entries.
 *
 * The guest names up to 14 frames of descriptors (entries 0..7167; the
 * hypervisor's own live from entry 7168, page 14 of every CPU's GDT).
 * Xen makes those frames read-only to the guest (page type seg_desc)
 * and maps them into the GDT.  Hospes keeps no page types, so it never
 * lets a guest-writable frame become live: set_gdt validates every entry
 * and copies the result into hypervisor frames (arch_vcpu.gdt), which the
 * context switch installs into the CPU's GDT (arch_load_guest_gdt).
 * update_descriptor validates one descriptor, writes it into the guest's
 * frame as Xen does, and updates the copy of every vCPU of the domain
 * whose GDT includes that entry; a vCPU running elsewhere is marked and
 * kicked so its CPU reinstalls it before returning to the guest.
 *
 * Validation (Xen's check_descriptor for 64-bit guests): a not-present
 * descriptor is safe as is; a code or data segment is accepted with its
 * DPL raised to 3 (the guest kernel runs in ring 3, so it can never gain
 * ring 0-2 segments); a present system descriptor of type 0 is harmless
 * (it faults when loaded); every other system descriptor (LDT, TSS,
 * interrupt and trap gates) is refused.  Xen also accepts call gates
 * (with DPL 0, and emulates their use); Hospes emulates no call gates and
 * refuses them (docs/hypercalls.md).
 *
 * Locks: d->lock guards every vCPU's gdt pointer and copy against
 * update_descriptor from the domain's other vCPUs.  set_gdt runs on the
 * vCPU itself, so the switch-in that reads its copy never races the free.
 */
#include <hospes/guest_access.h>
#include <hospes/hypercall.h>
#include <hospes/lib.h>
#include <hospes/mm.h>
#include <hospes/p2m.h>
#include <hospes/pv.h>
#include <hospes/sched.h>
#include <public/errno.h>
#include <public/xen.h>

#define DESC_S	       (1ULL << 44)
#define DESC_DPL3      (3ULL << 45)
#define DESC_P	       (1ULL << 47)
#define DESC_TYPE      (0xfULL << 40)
#define ENTRIES_PER_PG 512U

bool pv_check_descriptor(uint64_t *desc)
{
	uint64_t d = *desc;
	if (!(d & DESC_P))
		return true;
	if (d & DESC_S) {
		*desc = d | DESC_DPL3;
		return true;
	}
	return (d & DESC_TYPE) == 0;
}

static unsigned int order_for(unsigned int frames)
{
	unsigned int order = 0;
	while ((1U << order) < frames)
		order++;
	return order;
}

static void gdt_free(uint64_t *gdt, unsigned int order)
{
	if (gdt)
		mm_free_frames(virt_to_mfn(gdt), order);
}

/* The guest's RAM frame gfn, or INVALID_MFN. */
static mfn_t guest_ram(struct domain *d, unsigned long gfn)
{
	struct p2m_lookup lk = p2m_lookup(d, _gfn(gfn));
	return lk.type == P2M_RAM ? lk.mfn : INVALID_MFN;
}

/* Validate frames[0..nr) (entries descriptors in all) into a new copy. */
static long gdt_build(struct vcpu *v, const unsigned long *frames, unsigned int entries,
		      uint64_t **out)
{
	unsigned int nr = (entries + ENTRIES_PER_PG - 1) / ENTRIES_PER_PG;
	mfn_t m = mm_alloc_frames(DOMID_XEN, FRAME_HYPERVISOR, order_for(nr));
	if (mfn_eq(m, INVALID_MFN))
		return -XEN_ENOMEM;
	uint64_t *copy = mfn_to_virt(m);
	memset(copy, 0, PAGE_SIZE << order_for(nr));
	for (unsigned int i = 0; i < entries; i++) {
		mfn_t f = guest_ram(v->domain, frames[i / ENTRIES_PER_PG]);
		if (mfn_eq(f, INVALID_MFN))
			return gdt_free(copy, order_for(nr)), -XEN_EINVAL;
		uint64_t desc = READ_ONCE(((const uint64_t *)mfn_to_virt(f))[i % ENTRIES_PER_PG]);
		if (!pv_check_descriptor(&desc))
			return gdt_free(copy, order_for(nr)), -XEN_EINVAL;
		copy[i] = desc;
	}
	*out = copy;
	return 0;
}

long do_set_gdt(HYPERCALL_ARGS)
{
	struct arch_vcpu *av = v->arch;
	unsigned int entries = (unsigned int)a2;
	unsigned long frames[FIRST_RESERVED_GDT_PAGE];
	uint64_t *copy = NULL;
	if (a2 > FIRST_RESERVED_GDT_ENTRY)
		return -XEN_EINVAL;
	unsigned int nr = (entries + ENTRIES_PER_PG - 1) / ENTRIES_PER_PG;
	if (nr && copy_from_guest_vcpu(v, frames, a1, nr * sizeof(frames[0])))
		return -XEN_EFAULT;
	long rc = nr ? gdt_build(v, frames, entries, &copy) : 0;
	if (rc)
		return rc;
	unsigned long flags = spin_lock_irqsave(&v->domain->lock);
	uint64_t *old = av->gdt;
	unsigned int old_order = order_for((av->gdt_ents + ENTRIES_PER_PG - 1) / ENTRIES_PER_PG);
	av->gdt = copy;
	av->gdt_ents = entries;
	memset(av->gdt_frames, 0, sizeof(av->gdt_frames));
	memcpy(av->gdt_frames, frames, nr * sizeof(frames[0]));
	spin_unlock_irqrestore(&v->domain->lock, flags);
	arch_load_guest_gdt(v);
	gdt_free(old, old_order);
	return 0;
}

void pv_gdt_release(struct vcpu *v)
{
	struct arch_vcpu *av = v->arch;
	gdt_free(av->gdt, order_for((av->gdt_ents + ENTRIES_PER_PG - 1) / ENTRIES_PER_PG));
	av->gdt = NULL;
	av->gdt_ents = 0;
}

/* Put desc into the copy of every vCPU of d whose GDT has entry (gfn, slot). */
static void update_copies(struct vcpu *self, unsigned long gfn, unsigned int slot, uint64_t desc)
{
	struct domain *d = self->domain;
	unsigned long flags = spin_lock_irqsave(&d->lock);
	for (unsigned int i = 0; i < d->max_vcpus; i++) {
		struct vcpu *v = d->vcpu[i];
		struct arch_vcpu *av = v ? v->arch : NULL;
		for (unsigned int f = 0; av && av->gdt && f * ENTRIES_PER_PG < av->gdt_ents; f++) {
			unsigned int index = f * ENTRIES_PER_PG + slot;
			if (av->gdt_frames[f] != gfn || index >= av->gdt_ents)
				continue;
			WRITE_ONCE(av->gdt[index], desc);
			if (v == self)
				arch_load_guest_gdt(v);
			else
				av->gdt_dirty = true;
		}
		if (av && av->gdt_dirty && v != self && v->sched && sched_kick_cpu &&
		    READ_ONCE(v->sched->state) == SCHED_RUNNING)
			sched_kick_cpu(v->sched->cpu);
	}
	spin_unlock_irqrestore(&d->lock, flags);
}

long do_update_descriptor(HYPERCALL_ARGS)
{
	uint64_t maddr = a1, desc = a2;
	if ((maddr & 7) || !pv_check_descriptor(&desc))
		return -XEN_EINVAL;
	unsigned long gfn = maddr >> PAGE_SHIFT;
	mfn_t m = guest_ram(v->domain, gfn);
	const struct frame_info *fi = mfn_eq(m, INVALID_MFN) ? NULL : frame_info(m);
	if (!fi || fi->pt_refs || fi->owner != v->domain->id)
		return -XEN_EINVAL; /* Xen: neither a descriptor page nor writable */
	unsigned int slot = (unsigned int)((maddr & (PAGE_SIZE - 1)) / 8);
	WRITE_ONCE(((uint64_t *)mfn_to_virt(m))[slot], desc);
	update_copies(v, gfn, slot, desc);
	return 0;
}
