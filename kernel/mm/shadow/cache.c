/*
 * The shadow cache: a bounded pool of shadow pages per domain, found by key
 * through a small hash table.
 *
 * Shadows are shared: every root that reaches guest table G at level n uses
 * the one shadow of (G, n), so a switch to an address space seen before
 * finds its shadows already built.  Creating the shadow of a guest table
 * makes that frame a page table (frame_info.pt_refs), which write-protects
 * it in every shadow of the domain.
 *
 * Eviction: when the pool cannot supply the pages a fault needs, every
 * shadow not in use as a vCPU's root is dropped and the roots are emptied
 * (their hypervisor slots stay), then all TLBs of the domain are flushed.
 * Shadows are only a cache of the guest's tables, so the guest never sees
 * it, except as hidden faults.  A pool holds at least SH_MIN_POOL pages:
 * two roots per vCPU plus one full path below.
 *
 * Freeing: a CPU running the domain may still reach a freed shadow page
 * through its TLB or paging-structure caches until the next domain-wide
 * flush, so sh_free() only parks its frame in sd->dead; sh_flush()
 * flushes every CPU that may hold the domain's tables (its dirty mask,
 * kernel/arch/x86_64/tlb.c) and then hands the parked frames to the
 * allocator; a CPU outside the mask never loaded a root of the domain
 * since its last CR3 write, so it can reach none of them.
 * Every path that frees calls sh_flush() before it drops the lock, so the
 * list is empty whenever the lock is free.  (CR3 is the other way to
 * reach a root: a CPU may keep a vCPU's root loaded after the vCPU
 * stopped running there, but it stays in the domain's mask meanwhile, and
 * a flush makes it leave the root for the hypervisor's tables before it
 * answers, kernel/arch/x86_64/tlb.c; so the flush in sh_flush covers CR3
 * too.)
 */
#include <hospes/arch.h>
#include <hospes/frame.h>
#include <hospes/lib.h>
#include <hospes/mm.h>
#include <hospes/printk.h>
#include <public/errno.h>

#include "shadow_private.h"

#define SH_MIN_POOL (2 * HOSPES_MAX_VCPUS + 8)

uint32_t sh_index(struct shadow_domain *sd, const struct shadow_page *sp)
{
	return (uint32_t)(sp - sd->pages);
}

static void sh_type_guest_table(struct shadow_domain *sd, mfn_t gmfn, unsigned int level)
{
	struct frame_info *fi = frame_info(gmfn);

	fi->pt_levels |= 1U << (level - 1);
	if (fi->pt_refs++ == 0 && sh_write_protect(sd, gmfn))
		arch_flush_tlb_domain(sd->d);
}

static void sh_untype_guest_table(mfn_t gmfn)
{
	struct frame_info *fi = frame_info(gmfn);

	ASSERT(fi->pt_refs > 0);
	if (--fi->pt_refs == 0)
		fi->pt_levels = 0;
}

/* The caller made room (sh_ensure_room); a new, empty shadow page. */
struct shadow_page *sh_create(struct shadow_domain *sd, unsigned long key, unsigned int level,
			      uint64_t key_flags, mfn_t gmfn)
{
	uint32_t i = sd->free_head;
	struct shadow_page *sp;
	mfn_t smfn;

	ASSERT(i != SH_NONE);
	smfn = mm_alloc_frames(sd->d->id, FRAME_SHADOW, 0);
	ASSERT(!mfn_eq(smfn, INVALID_MFN)); /* sh_ensure_room reserved it */
	sp = &sd->pages[i];
	frame_info(smfn)->shadow_index = i;
	sd->free_head = sp->next;
	*sp = (struct shadow_page){.key = key,
				   .key_flags = key_flags,
				   .smfn = smfn,
				   .gmfn = gmfn,
				   .level = (uint8_t)level};
	memset(sh_table(sp), 0, PAGE_SIZE);
	if (level == 4)
		for (unsigned int s = HV_SLOT_FIRST; s <= HV_SLOT_LAST; s++)
			sh_table(sp)[s] = sh_hv_l4e(s, sd->d);
	if (level <= 4)
		sh_type_guest_table(sd, gmfn, level);
	sp->next = sd->hash[sh_hash(key, level)];
	sd->hash[sh_hash(key, level)] = i;
	sd->used++;
	sd->stats.pages_built++;
	return sp;
}

static void sh_unhash(struct shadow_domain *sd, struct shadow_page *sp)
{
	uint32_t *link = &sd->hash[sh_hash(sp->key, sp->level)];
	uint32_t me = sh_index(sd, sp);

	while (*link != me) {
		ASSERT(*link != SH_NONE);
		link = &sd->pages[*link].next;
	}
	*link = sp->next;
}

/* Free one shadow page.  The caller has removed every entry pointing at it. */
void sh_free(struct shadow_domain *sd, struct shadow_page *sp)
{
	ASSERT(sp->level && sp->pins == 0);
	sh_changed(sd); /* a remembered translation may have gone through it */
	sh_unhash(sd, sp);
	if (sh_hw_level(sp) == 1)
		for (unsigned int i = 0; i < 512; i++)
			sh_set_l1e(sd, sp, i, 0);
	if (sp->level <= 4)
		sh_untype_guest_table(sp->gmfn);
	if (sd->nr_dead == SH_DEAD_MAX)
		sh_flush(sd);
	sd->dead[sd->nr_dead++] = sp->smfn; /* released by the next sh_flush */
	sp->level = 0;
	sp->next = sd->free_head;
	sd->free_head = sh_index(sd, sp);
	sd->used--;
	sd->stats.pages_freed++;
}

void sh_flush(struct shadow_domain *sd)
{
	arch_flush_tlb_domain(sd->d);
	for (unsigned int i = 0; i < sd->nr_dead; i++)
		mm_free_frames(sd->dead[i], 0);
	sd->nr_dead = 0;
}

/* Drop every shadow except the vCPUs' roots, which lose their guest entries. */
void sh_reset(struct shadow_domain *sd)
{
	for (unsigned int i = 0; i < sd->max; i++) {
		struct shadow_page *sp = &sd->pages[i];

		if (!sp->level)
			continue;
		if (sp->pins) {
			for (unsigned int s = 0; s < 512; s++)
				if (s < HV_SLOT_FIRST || s > HV_SLOT_LAST)
					sh_table(sp)[s] = 0;
			continue;
		}
		sh_free(sd, sp);
	}
	sd->stats.resets++;
	sh_changed(sd);
	sh_flush(sd);
}

/*
 * Make sure `pages` more shadow pages can be created, evicting if needed.
 * Fails only when the machine itself is out of free frames.
 */
int sh_ensure_room(struct shadow_domain *sd, unsigned int pages)
{
	if (sd->used + pages <= sd->max && frame_free_count() >= pages)
		return 0;
	sh_reset(sd);
	if (sd->used + pages <= sd->max && frame_free_count() >= pages)
		return 0;
	printk(LOG_ERR "shadow: d%u: machine out of frames for shadows\n", sd->d->id);
	return -XEN_ENOMEM;
}

int shadow_domain_init(struct domain *d, unsigned int pool_frames)
{
	struct shadow_domain *sd;
	unsigned int order;

	if (pool_frames < SH_MIN_POOL)
		pool_frames = SH_MIN_POOL;
	order = mm_order_for_bytes(sizeof(*sd) + pool_frames * sizeof(struct shadow_page));
	sd = mm_alloc_meta(order);
	if (!sd)
		return -XEN_ENOMEM;
	spin_lock_init(&sd->lock);
	sd->d = d;
	sd->meta_order = order;
	sd->max = pool_frames;
	for (unsigned int i = 0; i < SH_HASH_SIZE; i++)
		sd->hash[i] = SH_NONE;
	for (unsigned int i = 0; i < pool_frames; i++)
		sd->pages[i].next = i + 1 < pool_frames ? i + 1 : SH_NONE;
	for (unsigned int i = 0; i < HOSPES_MAX_VCPUS; i++)
		sd->vcpus[i] = (struct shadow_vcpu){.root = {INVALID_GFN, INVALID_GFN},
						    .sroot = {SH_NONE, SH_NONE}}; /* no xlate */
	d->shadow = (struct shadow_domain *)sd;
	return 0;
}

void shadow_domain_destroy(struct domain *d)
{
	struct shadow_domain *sd = sh_dom(d);

	if (!sd)
		return;
	for (unsigned int i = 0; i < sd->max; i++)
		sd->pages[i].pins = 0;
	for (unsigned int i = 0; i < sd->max; i++)
		if (sd->pages[i].level)
			sh_free(sd, &sd->pages[i]);
	sh_flush(sd); /* no vCPU runs (or has a CPU's CR3) any more, but be exact */
	for (unsigned int i = 0; i < d->max_vcpus && i < HOSPES_MAX_VCPUS; i++)
		if (d->vcpu[i])
			d->vcpu[i]->shadow = NULL;
	d->shadow = NULL;
	mm_free_meta(sd, sd->meta_order);
}

void shadow_get_stats(struct domain *d, struct shadow_stats *st)
{
	struct shadow_domain *sd = sh_dom(d);

	*st = sd->stats;
	st->pool_used = sd->used;
	st->pool_max = sd->max;
}
