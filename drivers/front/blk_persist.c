/*
 * blkfront's persistent grants (Xen's feature-persistent; see blkfront.h
 * and docs/split-drivers.md for why zero copy and not a copied pool).
 *
 * The cache maps a caller's machine frame to a grant reference that stays
 * published after the request: a frame seen again costs a hash lookup,
 * no grant and no revoke, and the backend, which may keep the grant
 * mapped, no map either.  Every kept grant is writable, so one grant
 * serves reads and writes of the frame (the backend still maps it
 * read-only for a write).
 *
 * Invariants:
 *  - a live entry is in exactly one hash chain (by frame) from the moment
 *    it is filled until it is evicted (an entry whose grant failed stays
 *    empty, not live, and is the first an eviction takes); `busy` counts the segments in flight
 *    on it, and a busy entry is never evicted;
 *  - an entry is evicted only by a successful gnttab_revoke(), which
 *    fails while the backend maps the grant: the backend can never see
 *    a reference change its frame under a mapping it holds;
 *  - the cache never grows past BLKFRONT_PERSIST: a page that finds no
 *    free or revocable entry (the backend holds every idle one) gets a
 *    grant for its request alone, revoked at completion; if the backend
 *    kept that one mapped too (it may: persistent mode; ours does when
 *    a train of requests has more pages in flight than the cache has
 *    entries), the revoke is late (gnttab_end: retried at every
 *    transfer and state change, never lost); so is a kept grant the
 *    backend still maps when the cache is emptied at disconnect
 *    (persist_free).  Without persistent grants a backend must let go
 *    before it answers, so one that did not holds the caller until it
 *    does (seg_done counts the late revoke in the call's `held`);
 *  - an entry whose request failed because the backend left is dropped
 *    (persist_drop): out of its chain, not live, its revoke late for the
 *    failed call if the backend still maps it, so the caller gets its
 *    page back only once the backend cannot write it.
 * The eviction is a clock: the hand sweeps the entries, skipping busy
 * ones, and takes the first whose revoke succeeds, so the entries the
 * backend dropped (its own least recently used) go first.  A sweep stops
 * after EVICT_TRIES entries to bound the cost of a miss.  One frontend
 * thread at a time (the callers of blkfront_rw): no lock.
 */
#include "blkfront.h"

#include <core/gnttab.h>
#include <public/errno.h>
#include <string.h>

#define EVICT_TRIES 64

void blkfront_persist_reset(struct blkfront *bf)
{
	struct blkfront_persist *p = &bf->persist;

	p->used = p->hand = 0; /* `on` stays */
	memset(p->ent, 0, sizeof(p->ent));
	for (unsigned int i = 0; i < BLKFRONT_PERSIST; i++)
		p->head[i] = BLKFRONT_PGNT_NONE;
}

static void unlink_entry(struct blkfront_persist *p, uint16_t e)
{
	uint16_t *link = &p->head[blkfront_pgnt_bucket(p->ent[e].mfn)];

	while (*link != e)
		link = &p->ent[*link].next;
	*link = p->ent[e].next;
}

/* A free entry: a never-used one, or an idle one whose grant the backend let go; -1 if none. */
static int take_entry(struct blkfront *bf)
{
	struct blkfront_persist *p = &bf->persist;

	if (p->used < BLKFRONT_PERSIST)
		return (int)p->used++;
	for (unsigned int tries = 0; tries < EVICT_TRIES; tries++) {
		uint16_t e = (uint16_t)p->hand;
		p->hand = (p->hand + 1) % BLKFRONT_PERSIST;
		if (!p->ent[e].live)
			return e; /* emptied by a failed grant */
		if (p->ent[e].busy || gnttab_revoke(p->ent[e].gref) != 0)
			continue;
		unlink_entry(p, e);
		bf->stats.pgnt_evictions++;
		return e;
	}
	return -1;
}

/* A cached grant of mfn for a new segment, or -1 (no entry to be had). */
static int cached(struct blkfront *bf, unsigned long mfn, uint16_t *ent)
{
	struct blkfront_persist *p = &bf->persist;
	int e, ref = blkfront_pgnt_hit(p, mfn, ent);

	if (ref >= 0) {
		bf->stats.pgnt_hits++;
		return ref;
	}
	if ((e = take_entry(bf)) < 0)
		return -1;
	if ((ref = gnttab_grant(bf->back_id, mfn, false)) < 0) {
		p->ent[e].live = false; /* the entry stays empty, in no chain */
		return -1;
	}
	unsigned int b = blkfront_pgnt_bucket(mfn);
	p->ent[e] = (struct blkfront_pgnt){
		.mfn = mfn, .gref = (grant_ref_t)ref, .busy = 1, .next = p->head[b], .live = true};
	p->head[b] = (uint16_t)e;
	bf->stats.pgnt_grants++;
	*ent = (uint16_t)e;
	return ref;
}

int blkfront_seg_grant(struct blkfront *bf, unsigned long mfn, bool write, uint16_t *ent)
{
	int ref;

	if (bf->persist.on && (ref = cached(bf, mfn, ent)) >= 0)
		return ref;
	*ent = BLKFRONT_PGNT_NONE;
	if ((ref = gnttab_grant(bf->back_id, mfn, write)) >= 0)
		bf->stats.one_off_grants++;
	return ref;
}

void blkfront_seg_done(struct blkfront *bf, struct blkfront_call *call, grant_ref_t ref)
{
	if (gnttab_end(ref, NULL, bf->persist.on ? NULL : &call->held) == 1)
		bf->stats.late_grants++;
}

void blkfront_persist_drop(struct blkfront *bf, uint16_t e, struct blkfront_call *call)
{
	struct blkfront_pgnt *ent = &bf->persist.ent[e];

	if (!ent->live) /* dropped already (the frame twice in flight) or never granted */
		return;
	unlink_entry(&bf->persist, e);
	ent->live = false;
	if (gnttab_end(ent->gref, NULL, &call->held) == 1)
		bf->stats.late_grants++;
}

unsigned int blkfront_persist_free(struct blkfront *bf)
{
	struct blkfront_persist *p = &bf->persist;
	unsigned int late = 0;

	for (unsigned int e = 0; e < p->used; e++)
		if (p->ent[e].live && gnttab_end(p->ent[e].gref, NULL, NULL) == 1)
			late++; /* still mapped: revoked when the backend lets go */
	bf->stats.late_grants += late;
	blkfront_persist_reset(bf);
	return late;
}
