/*
 * blkback's table of persistent device mappings (feature-persistent; see
 * blkback.h): which of the frontend's grant references dom0 keeps mapped
 * for the device, with their bus addresses and handles.  Pure
 * bookkeeping: blk_dma.c makes and undoes the mappings.
 *
 * Up to BLKBACK_PERSIST entries, found by grant reference through hash
 * chains.  A hit only marks its entry used (one store: a hit is the
 * common case and must stay cheap).  A new mapping takes an unused entry
 * or, with the table full, the one a clock finds: the hand sweeps the
 * entries, clearing the used mark of each, and stops at the first that
 * was not used since its last pass (second chance: an approximation of
 * least recently used), whose mapping the caller then undoes.  So the
 * table is bounded whatever the frontend sends (a frontend cycling
 * through thousands of grants costs one map and one unmap per segment,
 * as without the feature).  Evicting an entry the batch just used is
 * safe: a batch's I/O is complete before its new mappings are recorded.
 *
 * An entry mapped read-only (first seen in a write) does not serve a
 * read; the read's writable mapping replaces it.  One worker thread
 * serves a vbd: no lock.
 *
 * The kept indirect pages (blkback_ind_page, struct blkback_ind_keep)
 * are simpler: one slot per gref % BLKBACK_IND_KEEP, filled on first use
 * through the glue's map (blk_map.c), never evicted; a reference whose
 * slot is taken is read by grant copy as before.
 */
#include "blkback.h"

#include <string.h>

static unsigned int bucket(grant_ref_t gref)
{
	return gref % BLKBACK_PERSIST;
}

void blkback_persist_reset(struct blkback_persist *p)
{
	bool on = p->on;

	memset(p, 0, sizeof(*p));
	p->on = on;
	for (unsigned int i = 0; i < BLKBACK_PERSIST; i++)
		p->head[i] = BLKBACK_PGNT_NONE;
}

static int lookup(const struct blkback_persist *p, grant_ref_t gref)
{
	for (uint16_t e = p->head[bucket(gref)]; e != BLKBACK_PGNT_NONE; e = p->ent[e].next)
		if (p->ent[e].gref == gref)
			return e;
	return -1;
}

/* Take entry e out of its chain; *out is what it held. */
static void remove_entry(struct blkback_persist *p, uint16_t e, struct blkback_pgnt *out)
{
	uint16_t *link = &p->head[bucket(p->ent[e].gref)];

	while (*link != e)
		link = &p->ent[*link].next;
	*link = p->ent[e].next;
	*out = p->ent[e];
	p->ent[e].live = false;
	p->live--;
}

/* The clock: the first entry not used since the hand last passed it. */
static uint16_t victim(struct blkback_persist *p)
{
	for (;;) {
		uint16_t e = (uint16_t)p->hand;
		p->hand = (p->hand + 1) % BLKBACK_PERSIST;
		if (!p->ent[e].used)
			return e;
		p->ent[e].used = false;
	}
}

bool blkback_persist_keep(struct blkback_persist *p, const struct blkback_pgnt *m,
			  struct blkback_pgnt *drop, bool *dropped)
{
	int e = lookup(p, m->gref);

	*dropped = false;
	if (e >= 0) {
		if (!p->ent[e].ro || m->ro)
			return false; /* as good a mapping is kept already */
		*drop = p->ent[e];    /* a writable mapping replaces a read-only one */
		*dropped = true;
		p->ent[e].bus = m->bus;
		p->ent[e].handle = m->handle;
		p->ent[e].ro = false;
		p->ent[e].used = true;
		return true;
	}
	if (p->used < BLKBACK_PERSIST) {
		e = (int)p->used++;
	} else {
		e = victim(p);
		remove_entry(p, (uint16_t)e, drop);
		*dropped = true;
	}
	struct blkback_pgnt *g = &p->ent[e];
	*g = *m;
	g->used = g->live = true;
	g->next = p->head[bucket(m->gref)];
	p->head[bucket(m->gref)] = (uint16_t)e;
	p->live++;
	return true;
}

bool blkback_persist_take(struct blkback_persist *p, struct blkback_pgnt *drop)
{
	for (unsigned int e = 0; p->live && e < p->used; e++)
		if (p->ent[e].live) {
			remove_entry(p, (uint16_t)e, drop);
			return true;
		}
	if (p->used)
		blkback_persist_reset(p); /* emptied: every entry is unused again */
	return false;
}

const void *blkback_ind_page(struct vbd *v, grant_ref_t gref)
{
	struct blkback_ind_keep *k = &v->ind_keep;
	unsigned int slot = gref % BLKBACK_IND_KEEP;

	if (k->ent[slot].page) {
		if (k->ent[slot].gref != gref)
			return NULL;
		v->stats.ind_hits++;
		return k->ent[slot].page;
	}
	const void *page = blkback_ind_map(v, slot, gref, &k->ent[slot].handle);
	if (page) {
		k->ent[slot].page = page;
		k->ent[slot].gref = gref;
		k->live++;
		v->stats.ind_kept++;
	}
	return page;
}
