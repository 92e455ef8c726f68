/*
 * Machine frame ownership and the memory-management entry points other
 * subsystems call (kernel/mm/).
 *
 * Every machine frame has a struct frame_info: which domain owns it, what
 * the hypervisor uses it for, and how many shadow L1 entries map it.  A guest
 * frame is "a page table" while a shadow of it exists or while it is pinned;
 * such frames are mapped read-only in every shadow (guests change them only
 * through hypercalls, which keep the shadows coherent).
 *
 * Locks: frame_info fields of a domain's frames change under that domain's
 * p2m lock (d->p2m), except smap counts, which change under the shadow lock
 * of the domain whose shadow holds the entry.
 */
#ifndef HOSPES_MM_H
#define HOSPES_MM_H

#include <hospes/domain.h>
#include <hospes/types.h>

#define DOMID_FREE 0x7ff5U /* not owned: in the allocator (a Hospes-internal id) */
#ifndef DOMID_XEN
#define DOMID_XEN 0x7ff2U /* the hypervisor's own frames (Xen's value) */
#endif

enum frame_use {
	FRAME_FREE = 0,
	FRAME_RAM,	  /* guest RAM (may also be a guest page table) */
	FRAME_SHARED,	  /* hypervisor page shared with its owner: shared_info, grant frames */
	FRAME_SHADOW,	  /* a shadow page table */
	FRAME_HYPERVISOR, /* hypervisor data (p2m, m2p, metadata) */
	FRAME_MMIO,	  /* device memory */
};

struct frame_info {
	domid_t owner;		/* DOMID_FREE, DOMID_XEN or a domain id */
	uint8_t use;		/* enum frame_use */
	uint8_t pt_levels;	/* bit n-1: used as a guest level-n table */
	uint16_t pt_refs;	/* shadows built from it + pins */
	uint8_t pin_level;	/* 1..4 while pinned by MMUEXT_PIN_Ln, else 0 */
	uint8_t hv_refs;	/* hypervisor uses (registered vcpu_info): never released */
	uint32_t smap_count;	/* shadow L1 entries mapping this frame */
	uint32_t smap_writable; /* ... of which writable */
	union {
		uint32_t grant_refs;   /* FRAME_RAM: grant uses holding it; | FRAME_ORPHAN */
		uint32_t shadow_index; /* FRAME_SHADOW: its record in the owner's shadow pool */
	};
};
#define FRAME_ORPHAN 0x80000000U /* its owner died: the last grant use frees it */

/* Boot (after paging_init): frame table and shadow hypervisor slots (arch glue). */
void arch_mm_init(void);

/* Frame table: call once with the number of machine frames (boot). */
int frame_table_init(unsigned long nr_frames);
extern struct frame_info *frame_table;
extern unsigned long frame_table_size;

static inline struct frame_info *frame_info(mfn_t mfn)
{
	return mfn_x(mfn) < frame_table_size ? &frame_table[mfn_x(mfn)] : (struct frame_info *)0;
}

/* Allocate / release frames on behalf of a domain (or DOMID_XEN). */
mfn_t mm_alloc_frames(domid_t owner, enum frame_use use, unsigned int order);
void mm_free_frames(mfn_t mfn, unsigned int order);

/*
 * Grant uses of a guest frame (kernel/grant/ through gnttab_mm_frame_get/
 * put).  A frame with grant uses is never reused: its owner can't give it
 * back (decrease_reservation says -EBUSY), and when the owner dies,
 * mm_release_guest_frame() leaves it an orphan that the last
 * mm_frame_grant_put() frees.  Lock-free: one atomic word per frame.
 */
void mm_frame_grant_get(mfn_t mfn);
void mm_frame_grant_put(mfn_t mfn);
/* A dead domain's RAM frame (no shadow maps it any more): freed now or at its last grant put. */
void mm_release_guest_frame(mfn_t mfn);

/*
 * Domain memory lifecycle (engineer F calls these):
 *   p2m_domain_init (hospes/p2m.h) gives a domain its RAM;
 *   domain_relinquish_memory() removes every shadow, foreign map and
 *   frame of a dying domain and returns them to the allocator.
 */
void domain_relinquish_memory(struct domain *d);

/*
 * Isolation invariant (tests and the debug selftest): returns 0 if no
 * shadow entry of d maps a machine frame that d neither owns nor holds a
 * live foreign (grant) mapping of, else -1 with the offending entry logged.
 */
int mm_check_isolation(struct domain *d);

/* selftest=shadow: the shadow engine on the real MMU (panics on failure). */
void mm_selftest(void);

#endif
