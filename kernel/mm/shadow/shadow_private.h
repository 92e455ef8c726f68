/*
 * Internals of the shadow engine, shared by the files of kernel/mm/shadow/.
 *
 * A shadow page is one machine frame of shadow page table plus a small
 * metadata record in the domain's pool.  It is found by its key:
 *
 *   (guest table frame, level 1..4)   the shadow of a guest page table
 *   (first guest frame, SH_FL1/FL2)   a splinter of a guest 2 MiB / 1 GiB
 *                                     page, plus the flags of that entry
 *
 * All state here is protected by the domain's shadow lock (sd->lock).
 */
#ifndef SHADOW_PRIVATE_H
#define SHADOW_PRIVATE_H

#include <hospes/arch.h>
#include <hospes/domain.h>
#include <hospes/mm.h>
#include <hospes/shadow.h>
#include <hospes/spinlock.h>

#include "../mm_private.h"

#define SH_FL1 5 /* hardware level 1, splinters a guest 2 MiB page */
#define SH_FL2 6 /* hardware level 2, splinters a guest 1 GiB page */

#define SH_NONE	     0xffffffffU
#define SH_HASH_SIZE 256U

/* Guest L4 slots that belong to the hypervisor (hospes/shadow.h). */
#define HV_SLOT_FIRST SHADOW_HV_SLOT_FIRST
#define HV_SLOT_LAST  SHADOW_HV_SLOT_LAST

/* Flags of a superpage entry that shape its splinters (part of the key). */
#define SH_FL_KEY_FLAGS (PTE_RW | PTE_NX | PTE_D)

struct shadow_page {
	unsigned long key;  /* guest frame (table, or superpage base) */
	uint64_t key_flags; /* SH_FL*: the superpage entry's SH_FL_KEY_FLAGS */
	mfn_t smfn;	    /* the shadow table */
	mfn_t gmfn;	    /* guest table's machine frame (levels 1..4) */
	uint8_t level;	    /* 1..4, SH_FL1, SH_FL2; 0 = free record */
	uint16_t pins;	    /* active roots using it (level 4) */
	uint32_t next;	    /* hash chain, or free list */
};

/*
 * A translation shadow_translate() found, remembered per vCPU: valid while
 * the domain's shadow generation is unchanged (see shadow_domain.gen).
 */
struct sh_xlate {
	unsigned long page; /* guest VA of the page */
	char *hv;	    /* its hypervisor address; NULL = empty */
	uint32_t gen;	    /* shadow_domain.gen when found */
	uint32_t root;	    /* through this root shadow (pool index) */
	bool writable;	    /* the shadow leaf allowed writes */
};

#define SH_XLATE_SLOTS 2

struct shadow_vcpu {
	gfn_t root[2];	   /* guest L4s: [0] kernel, [1] user (INVALID_GFN = none) */
	uint32_t sroot[2]; /* their shadows (pool index, pinned), SH_NONE */
	paddr_t kroot_pa;  /* sroot[0]'s frame, what CR3 holds in kernel mode (0: none) */
	bool user_mode;	   /* which root is loaded */
	uint8_t xlate_next;
	struct sh_xlate xlate[SH_XLATE_SLOTS];
};

#define SH_DEAD_MAX 64 /* freed shadow frames waiting for a flush */

struct shadow_domain {
	spinlock_t lock;
	struct domain *d;
	unsigned int max, used;
	uint32_t free_head;
	uint32_t hash[SH_HASH_SIZE];
	unsigned int meta_order;
	struct shadow_stats stats;
	/* Bumped (under the lock) whenever a present shadow entry is removed
	 * or changed or a shadow page freed: every remembered translation
	 * (sh_xlate) dies.  Filling an empty entry does not bump it. */
	uint32_t gen;
	/* Frames of freed shadow pages that a CPU may still reach through its
	 * TLB or paging-structure caches: they go back to the allocator only
	 * after the next domain-wide flush (sh_flush). */
	unsigned int nr_dead;
	mfn_t dead[SH_DEAD_MAX];
	struct shadow_vcpu vcpus[HOSPES_MAX_VCPUS];
	struct shadow_page pages[]; /* max records */
};

static inline bool sh_is_gnp(uint64_t e)
{
	return e == sh_gnp_entry && e;
}

/* A present shadow entry went away or changed: forget cached translations. */
static inline void sh_changed(struct shadow_domain *sd)
{
	WRITE_ONCE(sd->gen, sd->gen + 1);
}

/* The pool index of the root shadow v's loaded (or SH_NONE). */
static inline uint32_t sh_root_index(const struct shadow_vcpu *sv)
{
	return sv->sroot[sv->user_mode && sv->sroot[1] != SH_NONE];
}

/* A remembered translation of va for the access on v's loaded root, or
 * NULL (fault.c: only the vCPU running on this CPU may ask). */
static inline void *sh_xlate_find(struct shadow_domain *sd, struct shadow_vcpu *sv,
				  unsigned long va, bool write)
{
	uint32_t gen = READ_ONCE(sd->gen), root = sh_root_index(sv);

	for (unsigned int i = 0; i < SH_XLATE_SLOTS; i++) {
		const struct sh_xlate *x = &sv->xlate[i];
		char *hv = READ_ONCE(x->hv);

		barrier();
		if (hv && x->page == (va & PAGE_MASK) && x->gen == gen && x->root == root &&
		    (x->writable || !write))
			return hv + (va & (PAGE_SIZE - 1));
	}
	return NULL;
}

static inline unsigned int sh_hw_level(const struct shadow_page *sp)
{
	return sp->level == SH_FL1 ? 1 : sp->level == SH_FL2 ? 2 : sp->level;
}

static inline uint64_t *sh_table(const struct shadow_page *sp)
{
	return mfn_to_virt(sp->smfn);
}

static inline unsigned int va_index(unsigned long va, unsigned int level)
{
	return (va >> (PAGE_SHIFT + 9 * (level - 1))) & 511;
}

static inline gfn_t pte_gfn(uint64_t e)
{
	return _gfn((e & PTE_ADDR_MASK) >> PAGE_SHIFT);
}

/* cache.c: the pool and the hash. */
static inline unsigned int sh_hash(unsigned long key, unsigned int level)
{
	return (unsigned int)(((key * 0x9e3779b97f4a7c15UL) >> 40) ^ level) % SH_HASH_SIZE;
}

/* The shadow page of key at level (inline: every L1 update looks one up). */
static inline struct shadow_page *sh_lookup(struct shadow_domain *sd, unsigned long key,
					    unsigned int level, uint64_t key_flags)
{
	for (uint32_t i = sd->hash[sh_hash(key, level)]; i != SH_NONE; i = sd->pages[i].next) {
		struct shadow_page *sp = &sd->pages[i];

		if (sp->key == key && sp->level == level && sp->key_flags == key_flags)
			return sp;
	}
	return NULL;
}
struct shadow_page *sh_create(struct shadow_domain *sd, unsigned long key, unsigned int level,
			      uint64_t key_flags, mfn_t gmfn);
void sh_free(struct shadow_domain *sd, struct shadow_page *sp);
int sh_ensure_room(struct shadow_domain *sd, unsigned int pages);
void sh_reset(struct shadow_domain *sd);
/* Flush the TLBs of the CPUs holding the domain's tables, then release the freed shadow frames. */
void sh_flush(struct shadow_domain *sd);
uint32_t sh_index(struct shadow_domain *sd, const struct shadow_page *sp);

/* rmap.c: counts of shadow mappings per machine frame, and removal. */
void sh_set_l1e(struct shadow_domain *sd, struct shadow_page *sp, unsigned int idx, uint64_t e);
bool sh_write_protect(struct shadow_domain *sd, mfn_t gmfn);
void sh_unshadow(struct shadow_domain *sd, gfn_t gfn);
bool sh_frame_is_live_table(struct shadow_domain *sd, mfn_t gmfn);

/* walk.c: the guest's tables in software. */
struct guest_walk {
	uint64_t e[5];	       /* guest entry used at each level (4..leaf) */
	uint64_t *ep[5];       /* where it lives (for A/D updates) */
	gfn_t tgfn[5];	       /* guest frame of the table at each level */
	mfn_t tmfn[5];	       /* its machine frame */
	unsigned int leaf;     /* level of the leaf entry: 1, 2 (2 MiB) or 3 (1 GiB) */
	unsigned int np_level; /* failed walk: level of the entry not present, else 0 */
	gfn_t gfn;	       /* the 4 KiB guest frame va falls in */
	unsigned int ec;       /* guest-visible error code when the walk fails */
};
int guest_walk(struct domain *d, gfn_t root, unsigned long va, unsigned int access,
	       struct guest_walk *w);
void guest_walk_set_ad(struct guest_walk *w, bool write);
int guest_l1_table(struct domain *d, gfn_t root, unsigned long va, gfn_t *l1);

/* build.c */
uint64_t sh_hv_l4e(unsigned int slot, struct domain *d);
/* The shadow L1 entry for guest frame gfn under guest leaf entry ge (0: may not map). */
uint64_t sh_leaf_entry(struct domain *d, uint64_t ge, gfn_t gfn, bool splinter);

/* sh_leaf_entry with the frame's p2m entry already looked up (lk). */
static inline uint64_t sh_leaf_from(struct domain *d, uint64_t ge, struct p2m_lookup lk,
				    bool splinter)
{
	uint64_t e;

	if (lk.type == P2M_INVALID || (lk.type == P2M_MMIO && !d->is_privileged))
		return 0;
	e = mfn_to_paddr(lk.mfn) | PTE_P | PTE_US | PTE_A | (ge & (PTE_NX | PTE_D));
	if ((ge & PTE_RW) && (ge & PTE_D) && lk.writable &&
	    (lk.type == P2M_MMIO || frame_info(lk.mfn)->pt_refs == 0))
		e |= PTE_RW;
	if (d->is_privileged && !splinter)
		e |= ge & (PTE_PWT | PTE_PCD | PTE_PS);
	return e;
}
uint64_t sh_fill(struct shadow_domain *sd, struct shadow_page *root, unsigned long va,
		 struct guest_walk *w);
void sh_fill_gnp(struct shadow_domain *sd, struct shadow_page *root, unsigned long va,
		 struct guest_walk *w);

static inline struct shadow_domain *sh_dom(struct domain *d)
{
	return (struct shadow_domain *)d->shadow;
}

#endif
