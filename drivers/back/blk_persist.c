/*
 * blkback's table of persistent device mappings (feature-persistent; see
 * blkback.h): which of the frontend's grant references dom0 keeps mapped
 * for the device, with their bus addresses and handles.  Pure
 * bookkeeping: blk_dma.c makes and undoes the mappings.
 *
 * Up to BLKBACK_PERSIST entries, found by grant reference through hash
 * chains and kept on a doubly linked list from the most to the least
 * recently used.  A new mapping takes an unused entry, or the least
 * recently used one, whose mapping the caller then undoes: the table is
 * bounded whatever the frontend sends (a frontend cycling through
 * thousands of grants costs one map and one unmap per segment, as
 * without the feature).  Keeping the entries the batch just used is
 * safe: a batch's I/O is complete before its new mappings are recorded.
 *
 * An entry mapped read-only (first seen in a write) does not serve a
 * read; the read's writable mapping replaces it.  One worker thread
 * serves a vbd: no lock.
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
	p->newest = p->oldest = BLKBACK_PGNT_NONE;
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

static void lru_unlink(struct blkback_persist *p, uint16_t e)
{
	struct blkback_pgnt *g = &p->ent[e];

	if (g->newer != BLKBACK_PGNT_NONE)
		p->ent[g->newer].older = g->older;
	else
		p->newest = g->older;
	if (g->older != BLKBACK_PGNT_NONE)
		p->ent[g->older].newer = g->newer;
	else
		p->oldest = g->newer;
}

static void lru_push(struct blkback_persist *p, uint16_t e)
{
	struct blkback_pgnt *g = &p->ent[e];

	g->newer = BLKBACK_PGNT_NONE;
	g->older = p->newest;
	if (p->newest != BLKBACK_PGNT_NONE)
		p->ent[p->newest].newer = e;
	else
		p->oldest = e;
	p->newest = e;
}

/* Take entry e out of the table (its chain and the list); *out is what it held. */
static void remove_entry(struct blkback_persist *p, uint16_t e, struct blkback_pgnt *out)
{
	uint16_t *link = &p->head[bucket(p->ent[e].gref)];

	while (*link != e)
		link = &p->ent[*link].next;
	*link = p->ent[e].next;
	lru_unlink(p, e);
	*out = p->ent[e];
}

const struct blkback_pgnt *blkback_persist_find(struct blkback_persist *p, grant_ref_t gref,
						bool need_write)
{
	int e = lookup(p, gref);

	if (e < 0 || (need_write && p->ent[e].ro))
		return NULL;
	if (p->newest != e) {
		lru_unlink(p, (uint16_t)e);
		lru_push(p, (uint16_t)e);
	}
	return &p->ent[e];
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
		lru_unlink(p, (uint16_t)e);
		lru_push(p, (uint16_t)e);
		return true;
	}
	if (p->used < BLKBACK_PERSIST) {
		e = (int)p->used++;
	} else {
		e = p->oldest;
		remove_entry(p, (uint16_t)e, drop);
		*dropped = true;
	}
	struct blkback_pgnt *g = &p->ent[e];
	*g = *m;
	g->next = p->head[bucket(m->gref)];
	p->head[bucket(m->gref)] = (uint16_t)e;
	lru_push(p, (uint16_t)e);
	return true;
}

bool blkback_persist_take(struct blkback_persist *p, struct blkback_pgnt *drop)
{
	if (!p->used) /* never filled (also a zeroed table, never reset) */
		return false;
	if (p->oldest == BLKBACK_PGNT_NONE) {
		blkback_persist_reset(p); /* emptied: every entry is unused again */
		return false;
	}
	remove_entry(p, p->oldest, drop);
	return true;
}
