/*
 * Internals shared by kernel/mm/ and kernel/mm/shadow/ (not for other
 * subsystems: they use hospes/mm.h, p2m.h and shadow.h).
 */
#ifndef MM_PRIVATE_H
#define MM_PRIVATE_H

#include <hospes/domain.h>
#include <hospes/p2m.h>
#include <hospes/spinlock.h>

/*
 * A p2m entry: bits 0-2 type, bit 3 "mapped by the privileged domain
 * through mmu_update with foreigndom" (P2M_FOREIGN only), bit 4 writable,
 * bits 5-11 a count of grant maps sharing the entry, bits 12-63 the
 * machine frame.  0 = P2M_INVALID.
 */
#define P2ME_TYPE_MASK	 0x7UL
#define P2ME_PRIV	 (1UL << 3)
#define P2ME_WRITABLE	 (1UL << 4)
#define P2ME_COUNT_SHIFT 5
#define P2ME_COUNT_MASK	 (0x7fUL << P2ME_COUNT_SHIFT)

struct m2p_view;

struct p2m {
	spinlock_t lock;
	uint64_t *map;		  /* indexed by gfn */
	unsigned long size;	  /* entries in map */
	unsigned int map_order;	  /* frames backing map, as an order */
	unsigned long window;	  /* first gfn of the shared/foreign window (domU) */
	bool identity;		  /* driver domain: gfn == mfn */
	unsigned long nr_initial; /* frames given by p2m_domain_init */
	unsigned long *ram_list;  /* identity p2m: the guest's pfn -> frame list */
	unsigned int ram_list_order;
	struct m2p_view *m2p;
};

/*
 * p2m_lookup() for the hot paths of kernel/mm (copies, walks, validation):
 * a RAM entry below the map's size is one load, inline; anything else
 * (other types, the identity p2m's device frames) takes the full lookup.
 * Same answer, same lock-free read.
 */
static inline struct p2m_lookup p2m_get(struct domain *d, gfn_t gfn)
{
	const struct p2m *p = d->p2m;

	if (likely(p && gfn_x(gfn) < p->size)) {
		uint64_t e = READ_ONCE(p->map[gfn_x(gfn)]);

		if (likely((e & P2ME_TYPE_MASK) == P2M_RAM))
			return (struct p2m_lookup){_mfn(e >> PAGE_SHIFT), P2M_RAM,
						   !!(e & P2ME_WRITABLE)};
	}
	return p2m_lookup(d, gfn);
}

/*
 * Before a frame of a domU goes back to the allocator: take away the
 * privileged domain's foreign mapping of it (if any), so that domain can
 * never reach the frame's next owner (kernel/mm/p2m_foreign.c).  True if
 * a mapping was dropped: the caller flushes that domain's TLBs too
 * (p2m_flush_revoked, one flush for a whole batch) before the frame is
 * freed.
 */
bool p2m_revoke_priv(mfn_t mfn);
/* Flush d and, if revoked, the privileged mapper whose entries went. */
void p2m_flush_revoked(struct domain *d, bool revoked);

unsigned int mm_order_for_bytes(unsigned long bytes);
/* Zeroed hypervisor-owned frames for mm metadata. */
void *mm_alloc_meta(unsigned int order);
void mm_free_meta(void *va, unsigned int order);

/* Shadow hooks used by the p2m (kernel/mm/shadow/rmap.c). */
void shadow_drop_frame(struct domain *d, mfn_t mfn);

#endif
