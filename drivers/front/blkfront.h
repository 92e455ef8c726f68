/*
 * blkfront's core: the frontend of one virtual block device.
 *
 * A read or write of any length becomes a train of blkif requests, each
 * covering up to 11 pages of the caller's buffer (or, when the backend
 * offers indirect segments, up to max_indirect pages listed in a granted
 * indirect page).  Every page is granted to the backend for the request's
 * life: writable for a read, read-only for a write.  As many requests as
 * the ring has slots go out before one notification; responses come back
 * in any order and are matched by id (the request's slot in req[]).
 * A vectored call (blkfront_rw_vec: several transfers, a queue depth)
 * puts every piece's requests in the same train.
 *
 * blk_req.c is pure logic over grants (gnttab.h), the event channel and
 * va_to_mfn; waiting is injected (wait()), so the host tests run a
 * frontend against the real backend core in one process.  blk.c is the
 * domU glue: the xenbus handshake and the device-table entry.
 *
 * Persistent grants (Xen's feature-persistent, blk_persist.c): when both
 * ends offer it, a caller's frame keeps its grant after its request (a
 * cache of up to BLKFRONT_PERSIST frames, always granted writable), so a
 * caller that reuses its buffers costs no grant work at all, and the
 * backend may keep the grant mapped.  A frame leaves the cache only when
 * its revoke succeeds, i.e. when the backend no longer maps it; a page
 * that finds no entry gets a grant for its request alone, as without
 * the feature.
 *
 * Grants the backend still maps when we are done with them (gnttab.h's
 * late revokes, retried at every transfer, every state change and while
 * a caller waits): our own pages (ring, indirect lists) are freed only
 * when their revoke succeeds.  A caller's pages go back to it only when
 * the backend can no longer map them: a call whose request failed
 * because the backend left (or, without persistent grants, whose
 * backend answered before it let go) waits for those revokes
 * (blkfront_call.held; docs/split-drivers.md, "Grants a backend keeps").
 * With persistent grants the backend may keep a page of a finished
 * request mapped (the cache's frames, by design; a one-request grant
 * too): no caller waits for those, their revokes are just late.
 */
#ifndef DRIVERS_FRONT_BLKFRONT_H
#define DRIVERS_FRONT_BLKFRONT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <public/event_channel.h>
#include <core/device.h>
#include <core/sched.h>
#include <xenbus/xendev.h>
#include <public/io/blkif.h>

#define BLKFRONT_RING_SIZE    32  /* one-page blkif ring */
#define BLKFRONT_MAX_INDIRECT 64  /* segments per indirect request we use at most */
#define BLKFRONT_PERSIST      512 /* frames kept granted (feature-persistent) */
#define BLKFRONT_PGNT_NONE    0xffff

/*
 * One caller's train of requests: answered when outstanding reaches 0,
 * returned to the caller when held reaches 0 too (its grants the backend
 * still maps, on gnttab's late list with this counter).
 */
struct blkfront_call {
	unsigned int outstanding, held;
	int err;
};

struct blkfront_req {
	bool in_use;
	struct blkfront_call *call;
	unsigned int nr_grants;
	grant_ref_t grants[BLKFRONT_MAX_INDIRECT];
	uint16_t pent[BLKFRONT_MAX_INDIRECT]; /* each grant's cache entry, or BLKFRONT_PGNT_NONE */
	struct blkif_request_segment *ind;    /* this slot's indirect page ... */
	grant_ref_t ind_ref;		      /* ... granted read-only for good */
};

struct blkfront_stats {
	unsigned long requests, indirect, notifies, responses, errors, stray;
	unsigned long late_grants; /* still mapped by the backend when we were done: revoked late */
	unsigned long held_calls;  /* calls that waited for such revokes before returning */
	unsigned long pgnt_hits, pgnt_grants, pgnt_evictions, one_off_grants;
};

/* A caller frame kept granted: frame -> grant reference. */
struct blkfront_pgnt {
	unsigned long mfn;
	grant_ref_t gref;
	uint16_t busy; /* segments in flight on it: never revoked then */
	uint16_t next; /* hash chain */
	bool live;     /* holds a grant (else empty: a grant failed) */
};

struct blkfront_persist {
	bool on;			 /* both ends offered feature-persistent */
	unsigned int used;		 /* entries filled so far */
	unsigned int hand;		 /* the eviction clock's hand */
	uint16_t head[BLKFRONT_PERSIST]; /* hash buckets, by frame */
	struct blkfront_pgnt ent[BLKFRONT_PERSIST];
};

struct blkfront {
	uint16_t back_id, handle;
	evtchn_port_t port;
	struct blkif_sring *sring; /* page-aligned, granted as ring_ref */
	grant_ref_t ring_ref;
	struct blkif_front_ring ring;
	/* From the backend's keys. */
	uint64_t sectors; /* 512-byte units */
	uint32_t sector_size;
	unsigned int info;
	bool can_flush, can_discard;
	unsigned int max_indirect; /* 0: no indirect requests */
	bool connected;
	struct blkfront_req req[BLKFRONT_RING_SIZE];
	uint32_t free_slots; /* bit i set: req[i] is free (a slot is found by one ctz) */
	unsigned int in_flight;
	/*
	 * Waiting: the event handler signals `ev`; wait(bf, seen) returns
	 * once ev.count != seen (the core samples it before it looks at the
	 * ring, so an event in between is never lost).  In a guest wait is
	 * event_wait(); host tests run the backend there.
	 */
	struct event_counter ev;
	void (*wait)(struct blkfront *bf, unsigned long seen);
	/* Waits a while (a timer tick) for a backend to let go of a call's pages. */
	void (*pause)(struct blkfront *bf);
	struct blkfront_stats stats;
	struct blkfront_persist persist;
};

/*
 * Allocate and grant the shared ring (and indirect pages if max_indirect
 * is set) for backend `back_id`; 0 or -XEN_ENOMEM / -XEN_ENOSPC.
 */
int blkfront_ring_init(struct blkfront *bf, uint16_t back_id, uint16_t handle);
/*
 * Fail every request in flight and end every grant (the ring's last):
 * the ones the backend still maps become late revokes (gnttab.h) with
 * their pages, which are freed once it lets go, whatever rounds come
 * between.  Returns the grants to this backend still late (0 when
 * clean); calling it again retries them.
 */
unsigned int blkfront_ring_free(struct blkfront *bf);

/*
 * Transfers `count` 512-byte sectors at `sector` to or from buf, which must
 * be 512-byte aligned.  Blocks (through wait()) until every request is
 * answered.  0, or -XEN_EINVAL (range, alignment), -XEN_EIO (an error
 * response), -XEN_ENOTCONN.
 */
int blkfront_rw(struct blkfront *bf, bool write, uint64_t sector, void *buf, uint64_t count);
/*
 * The pieces v[0..n) (1..BLOCK_VEC_MAX; 512-byte sectors, buffers 512-byte
 * aligned), every one checked before anything is queued, then all their
 * requests as one train (one call): one push and at most one
 * notification unless the ring fills on the way, then a wait for all.
 * 0, or -XEN_EINVAL (a bad piece: nothing queued), -XEN_EIO, ...
 */
int blkfront_rw_vec(struct blkfront *bf, bool write, const struct block_vec *v, unsigned int n);
/*
 * Flush the backend's write cache (BLKIF_OP_FLUSH_DISKCACHE) if it offered
 * feature-flush-cache; 0 at once if not.  A backend that answers
 * BLKIF_RSP_EOPNOTSUPP loses the feature (can_flush cleared, logged once):
 * that flush and every later one return 0 without a request, as if it had
 * never been offered.  0, -XEN_EIO, -XEN_ENOTCONN.
 */
int blkfront_flush(struct blkfront *bf);
int blkfront_discard(struct blkfront *bf, uint64_t sector, uint64_t count);

/* Take every response that has arrived (the event handler's work). */
void blkfront_poll(struct blkfront *bf);

/*
 * Persistent grants (blk_persist.c).  persist_reset empties the cache
 * (keeping `on`).  seg_grant: the grant for one segment on frame mfn, from
 * the cache when persist.on (*ent its entry, marked busy), else a grant
 * for this request alone (*ent BLKFRONT_PGNT_NONE, read-only for a
 * write); the reference or -XEN_ENOSPC.  seg_done: a one-request grant
 * of `call` was answered: revoked, or late (the call then waits for it
 * unless persist.on).  persist_drop: entry e of a request that failed
 * because the backend left leaves the cache, its revoke late for `call`
 * if the backend still maps it.  persist_free ends every kept grant and
 * returns how many went late.
 */
void blkfront_persist_reset(struct blkfront *bf);
int blkfront_seg_grant(struct blkfront *bf, unsigned long mfn, bool write, uint16_t *ent);

/* The cache's hash bucket of frame mfn. */
static inline unsigned int blkfront_pgnt_bucket(unsigned long mfn)
{
	return (unsigned int)(mfn % BLKFRONT_PERSIST);
}

/*
 * blkfront_seg_grant's hot half, for the segment loop: the kept grant of
 * mfn with its entry marked busy (*ent), or -1 when the cache has none
 * (always so while persistent grants are off: every chain is empty).
 * Counts no statistics; the caller adds its hits to pgnt_hits.
 */
static inline int blkfront_pgnt_hit(struct blkfront_persist *p, unsigned long mfn, uint16_t *ent)
{
	for (uint16_t e = p->head[blkfront_pgnt_bucket(mfn)]; e != BLKFRONT_PGNT_NONE;
	     e = p->ent[e].next)
		if (p->ent[e].mfn == mfn) {
			p->ent[e].busy++;
			*ent = e;
			return (int)p->ent[e].gref;
		}
	return -1;
}
void blkfront_seg_done(struct blkfront *bf, struct blkfront_call *call, grant_ref_t ref);
void blkfront_persist_drop(struct blkfront *bf, uint16_t e, struct blkfront_call *call);
unsigned int blkfront_persist_free(struct blkfront *bf);

/* ---- The domU side (blk.c): one disk in the device table ---- */

/*
 * Offer feature-persistent when the backend does (default true; the
 * domU's `blkfront.feature_persistent=0` turns it off, and the frontend
 * then writes no feature-persistent key at all).
 */
extern bool blkfront_use_persistent;

/*
 * The domU's command-line words for blkfront (cmdline: the whole line,
 * words separated by blanks).  `blkfront.feature_persistent=V` (or
 * Linux's spelling, `xen_blkfront.feature_persistent=V`), V one of 0 n N
 * off (no persistent grants) or 1 y Y on; the last one counts.  Sets
 * *persistent and returns 0; any other word that begins with "blkfront."
 * or "xen_blkfront.", or a bad value: prints why and returns -XEN_EINVAL,
 * leaving *persistent alone (blkfront_connect then connects no disk
 * rather than guess).  No such word: 0, *persistent unchanged.
 */
int blkfront_parse_options(const char *cmdline, bool *persistent);
/* Whether word is one of those (by its prefix; init leaves them out of argv). */
bool blkfront_is_option(const char *word);

struct blkfront_dev {
	struct blkfront bf;
	struct xendev xd;
	struct device dev;
	char name[12];
};

/*
 * The frontend half of the handshake for vbd `devid` of domain `self`:
 * wait for the backend's InitWait, read its features, set up and publish
 * the ring, wait for Connected, read the disk's keys.  Blocks (through
 * the xenbus client's waiter).  0, or -XEN_ENOENT (no such vbd),
 * -XEN_ENOTCONN (the backend closed), another -XEN_*.
 */
int blkfront_connect(struct blkfront_dev *d, struct xenbus *xb, uint16_t self, unsigned int devid);
/*
 * Close: Closing, wait for the backend to let go of the ring, revoke
 * every grant, Closed.  Returns the grants the backend still holds.
 */
unsigned int blkfront_disconnect(struct blkfront_dev *d);
/* "xvda" for 51712, ...; the device-table name of a vbd. */
void blkfront_vdev_name(unsigned int devid, char *buf, size_t size);
/*
 * Connect every vbd under device/vbd and register each in the device
 * table as DEV_BLOCK; returns how many came up.
 */
int blkfront_probe_all(struct xenbus *xb, uint16_t self);

#endif
