/*
 * The physical-to-machine map of a domain (kernel/mm/p2m.c).
 *
 * A domain names memory by guest frame numbers (gfn_t).  For a domU the
 * guest frames are 0 .. max_pages-1 for RAM (the guest's mfn_list is the
 * identity), followed by a window of P2M_WINDOW_FRAMES for hypervisor-shared
 * pages (shared_info, grant-table frames) and foreign (grant) mappings.  The
 * driver domain's p2m is the identity on machine frames (gfn == mfn), so the
 * addresses it programs into DMA engines are real.
 *
 * Locks: d->p2m->lock protects the map and the domain's page counts.
 */
#ifndef HOSPES_P2M_H
#define HOSPES_P2M_H

#include <hospes/domain.h>
#include <hospes/spinlock.h>
#include <hospes/types.h>

#define P2M_WINDOW_FRAMES 1024UL

enum p2m_type {
	P2M_INVALID = 0,
	P2M_RAM,     /* owned RAM, writable */
	P2M_SHARED,  /* hypervisor page shared with the guest */
	P2M_FOREIGN, /* another domain's frame, mapped by grant */
	P2M_MMIO,    /* device memory (driver domain only) */
};

struct p2m_lookup {
	mfn_t mfn;
	enum p2m_type type;
	bool writable;
};

/*
 * The driver domain sees device memory (every frame above RAM, the legacy
 * 0xA0000-0xFFFFF hole) as P2M_MMIO at its own number, except frames
 * denied at boot: the hypervisor's LAPIC, IOAPICs and HPET.
 */
void p2m_mmio_deny(mfn_t mfn);
/*
 * Device memory the driver domain may map read-only only (a writable
 * mapping is refused): PCI Express configuration space (ECAM), so that
 * dom0's configuration writes go through the filtered ports 0xCF8/0xCFC
 * and cannot rewrite an MSI message (kernel/arch/x86_64/msi.c).
 */
void p2m_mmio_readonly(mfn_t first, unsigned long nr);

/* Create d's p2m and give it nr_pages frames of RAM (max_pages = nr_pages). */
int p2m_domain_init(struct domain *d, unsigned long nr_pages);
/* Free the p2m itself (frames are returned by domain_relinquish_memory). */
void p2m_domain_destroy(struct domain *d);

/* Translate; type P2M_INVALID (mfn INVALID_MFN) if nothing is there. */
struct p2m_lookup p2m_lookup(struct domain *d, gfn_t gfn);
/* The i-th frame of the domain's initial RAM as the guest names it (its mfn_list[i]). */
gfn_t p2m_ram_frame(struct domain *d, unsigned long i);
/*
 * Hold one of d's own RAM frames for the hypervisor's use (a vcpu_info the
 * guest registered): -EINVAL unless gfn is d's writable RAM and not a page
 * table.  A held frame is refused by decrease_reservation (-EBUSY) until
 * p2m_release_ram().
 */
int p2m_hold_ram(struct domain *d, gfn_t gfn, mfn_t *out);
void p2m_release_ram(struct domain *d, mfn_t m);
/* One past the highest guest frame number d may use (RAM + window). */
unsigned long p2m_size(struct domain *d);

/*
 * Foreign and shared frames (grant tables: engineer C; shared_info: F).
 * p2m_add_foreign() maps another domain's frame mfn into d and returns the
 * guest frame d must use for it (INVALID_GFN if the window is full).
 * p2m_remove_foreign() undoes one such mapping; when it returns, no shadow
 * of d maps the frame through that gfn and all TLBs of d are flushed.
 */
gfn_t p2m_add_foreign(struct domain *d, mfn_t mfn, bool writable);
int p2m_remove_foreign(struct domain *d, gfn_t gfn);
gfn_t p2m_add_shared(struct domain *d, mfn_t mfn);
int p2m_remove_shared(struct domain *d, gfn_t gfn);

/*
 * Ballooning (memory_op), one extent of 2^order frames each; 0 or a
 * negative XEN_E* value.  *out receives the frame the guest must use.
 */
int p2m_populate(struct domain *d, gfn_t gfn, unsigned int order, gfn_t *out);
int p2m_increase(struct domain *d, unsigned int order, gfn_t *out);
int p2m_decrease(struct domain *d, gfn_t gfn, unsigned int order);

/*
 * A domU created empty by the toolstack gets its p2m at its first max_mem:
 * RAM frames 0..space-1 (none given yet), then the window.
 */
int p2m_domain_init_empty(struct domain *d, unsigned long space);
/* Later max_mem: 0, -XEN_EINVAL, or -XEN_EBUSY (beyond a domU's fixed frame space). */
int p2m_set_max_pages(struct domain *d, unsigned long pages);
/*
 * The privileged domain d maps frame gfn of fd (mmu_update foreigndom): the
 * frame number d must use comes back in *out.  -XEN_EINVAL if gfn is not
 * fd's RAM, -XEN_EPERM if d is not the identity-mapped privileged domain.
 */
int p2m_map_priv(struct domain *d, struct domain *fd, gfn_t gfn, gfn_t *out);

/* The domain's read-only m2p view (kernel/mm/m2p.c), mapped at slot 256 of its shadows. */
int m2p_domain_init(struct domain *d);
void m2p_domain_destroy(struct domain *d);
void m2p_set(struct domain *d, gfn_t index, unsigned long value);
unsigned long m2p_get(struct domain *d, gfn_t index);
mfn_t m2p_l3_mfn(struct domain *d); /* L3 table to place in shadow L4 slot 256 */
mfn_t m2p_chunk_mfn(struct domain *d, unsigned long chunk); /* first frame of 2 MiB chunk */

#endif
