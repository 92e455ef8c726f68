/*
 * blkback's core: one virtual block device (vbd) served to one frontend.
 *
 * A vbd is a window [first, first + sectors) of a block device from the
 * device table (an AHCI disk, a RAM disk, ...) exported to a frontend
 * domain over a blkif ring.  blk_req.c turns ring requests into device
 * I/O: copy each request out of the shared slot, decode and validate it
 * completely (any bad field: BLKIF_RSP_ERROR or _EOPNOTSUPP, nothing
 * touched), carry it out, answer.  Data moves one of two ways:
 *
 *  - DMA (devices with block_ops.submit_bus, e.g. AHCI): consecutive
 *    reads and writes are gathered into a batch (up to BLKBACK_BATCH_REQS
 *    requests, BLKBACK_BATCH_SEGS segments); every segment of the batch
 *    is mapped with one GNTTABOP_map_grant_ref (GNTMAP_device_map, no
 *    virtual address: dev_bus_addr only), the device moves the data
 *    straight between the disk and the frontend's pages with all the
 *    batch's commands in flight, one GNTTABOP_unmap_grant_ref drops the
 *    mappings, and the batch is answered.  No copy at all.
 *  - copy (RAM disks, or `blkback=copy` on dom0's command line): one
 *    batched GNTTABOP_copy per request between the frontend's pages and
 *    a bounce buffer the device reads or writes.
 *
 * Persistent grants (feature-persistent, blk_persist.c): when the
 * frontend offers them too, the DMA path keeps the device mappings it
 * makes in a per-vbd table of up to BLKBACK_PERSIST grants, one not
 * used lately going first (a clock; unmapped when a new one needs the
 * room); a
 * segment whose grant is in the table needs no map and no unmap.  The
 * table is emptied (every mapping undone) when the vbd disconnects, for
 * whatever reason: a frontend that closes, goes away or dies mid-I/O
 * leaves nothing mapped behind.  Without the feature, mappings live only
 * while their batch is on the device: maps of a dying frontend fail and
 * its requests are answered BLKIF_RSP_ERROR, maps made before it died
 * are dropped when the batch ends.
 *
 * blk.c (dom0 only) is the glue: the xenbus handshake, the ring mapping,
 * the event channel, and one service thread per vbd.
 */
#ifndef DRIVERS_BACK_BLKBACK_H
#define DRIVERS_BACK_BLKBACK_H

#include <stdbool.h>
#include <stdint.h>
#include <core/device.h>
#include <core/gnttab.h>
#include <xenbus/xenbus.h>
#include <public/io/blkif.h>

/* Segments per indirect request we accept (feature-max-indirect-segments). */
#define BLKBACK_MAX_INDIRECT_SEGS 64
#define BLKBACK_MAX_SEGS	  BLKBACK_MAX_INDIRECT_SEGS
#define BLKBACK_INDIRECT_PAGES                                                                     \
	((BLKBACK_MAX_INDIRECT_SEGS + BLKIF_SEGS_PER_INDIRECT_FRAME - 1) /                         \
	 BLKIF_SEGS_PER_INDIRECT_FRAME)

#define BLKBACK_BATCH_REQS  32	/* a ring's worth */
#define BLKBACK_BATCH_SEGS  256 /* 1 MiB of 4 KiB segments */
#define BLKBACK_PERSIST	    256 /* persistent mappings per vbd: a full batch's (1 MiB) */
#define BLKBACK_PGNT_NONE   0xffff
#define BLKBACK_KICK_ROUNDS 4 /* blkback_service's rounds per call with a kick, then it yields */

struct blkback_stats {
	unsigned long requests, errors, unsupported, batches, notifies;
	unsigned long sectors_read, sectors_written;
	unsigned long dma_batches, dma_segs;		  /* the DMA path's batches and segments */
	unsigned long pgnt_hits, pgnt_kept, pgnt_dropped; /* persistent mappings */
	unsigned long ind_kept, ind_hits; /* indirect pages mapped and kept, lists read there */
};

/* A kept (persistent) device mapping of one of the frontend's grants. */
struct blkback_pgnt {
	uint64_t bus;
	grant_ref_t gref;
	grant_handle_t handle;
	uint16_t next; /* hash chain (by gref) */
	bool ro;
	bool live; /* holds a mapping */
	bool used; /* served a segment since the clock's hand last passed */
};

struct blkback_persist {
	bool on;	   /* the frontend offered feature-persistent */
	unsigned int used; /* entries filled so far */
	unsigned int live; /* entries holding a mapping */
	unsigned int hand; /* the eviction clock's hand */
	uint16_t head[BLKBACK_PERSIST];
	struct blkback_pgnt ent[BLKBACK_PERSIST];
};

/*
 * Indirect segment pages kept mapped (with persistent grants): the
 * frontend reuses the same few pages for its segment lists (ours: one per
 * ring slot), so each is mapped read-only once, at slot gref %
 * BLKBACK_IND_KEEP of a window of address space, and a list is read
 * with a memcpy instead of a grant copy.  A reference whose slot holds
 * another falls back to the grant copy: bounded whatever the frontend
 * sends.  Undone with the data mappings (blkback_persist_drop).
 */
#define BLKBACK_IND_KEEP 32 /* a ring's worth */
struct blkback_ind_keep {
	uintptr_t va; /* the window (blk_map.c), reserved when first needed */
	unsigned int live;
	struct {
		const void *page; /* NULL: slot empty */
		grant_ref_t gref;
		grant_handle_t handle;
	} ent[BLKBACK_IND_KEEP];
};

struct blkback_io;

/* The DMA path's batch (blk_req.c): requests decoded, not yet done. */
struct blkback_batch {
	struct blkback_io *io;		    /* BLKBACK_BATCH_REQS */
	struct blkif_request_segment *segs; /* BLKBACK_BATCH_SEGS, the ios' segments */
	struct gnttab_map_grant_ref *map;   /* BLKBACK_BATCH_SEGS */
	struct gnttab_unmap_grant_ref *unmap;
	uint16_t *mapseg;     /* BLKBACK_BATCH_SEGS: map[] op -> its segment (sg[] index) */
	uint8_t *mapreq;      /* BLKBACK_BATCH_SEGS: map[] op -> its request (io[] index) */
	struct block_sg *sg;  /* BLKBACK_BATCH_SEGS: the segments' pieces, in order */
	struct block_io *bio; /* BLKBACK_BATCH_REQS */
	unsigned int nio, nsegs, nmap;
};

struct vbd {
	uint16_t front_id;		   /* the frontend domain */
	struct device *dev;		   /* backing store (DEV_BLOCK) */
	uint64_t first;			   /* first device sector of the window */
	uint64_t sectors;		   /* window size, in 512-byte sectors */
	uint32_t sector_size;		   /* the device's, a multiple of 512 */
	bool readonly;			   /* mode "r" or a read-only device */
	struct blkif_back_ring ring;	   /* attached by the glue */
	uint8_t *bounce;		   /* BLKBACK_MAX_SEGS pages, page-aligned */
	struct blkif_request_segment *ind; /* BLKBACK_INDIRECT_PAGES pages */
	struct gnttab_copy *ops;	   /* one batch: 2 per segment at most */
	bool dma;			   /* DMA into mapped grants (see above) */
	struct blkback_batch batch;	   /* used when dma */
	struct blkback_persist persist;	   /* used when dma and persist.on */
	struct blkback_ind_keep ind_keep;  /* used when persist.on */
	struct blkback_stats stats;
	/*
	 * Set by the glue: notify the frontend now.  blkback_service then
	 * calls it between pushing responses and re-arming req_event (see
	 * there) and returns false; NULL: it returns whether to notify.
	 */
	void (*kick)(struct vbd *v);
	bool again; /* blkback_service stopped with requests left: call it again */
};

/*
 * A decoded request: everything validated, nothing yet done.  Sectors are
 * 512-byte units as on the wire.
 */
struct blkback_io {
	uint64_t id;
	uint8_t operation; /* as on the ring, echoed in the response */
	uint8_t op;	   /* what to do: READ, WRITE, FLUSH_DISKCACHE, DISCARD */
	uint64_t sector, nr_sectors;
	unsigned int nr_segs;
	const struct blkif_request_segment *segs;
};

/*
 * Set up `v` for device `dev`, window [first, first + sectors) in 512-byte
 * units (sectors 0 = to the device's end).  The DMA path is used when the
 * device offers submit_bus and blkback_copy_only is false.  0, or
 * -XEN_EINVAL for a window outside the device or a device that is no
 * block device, -XEN_ENOMEM.
 */
extern bool blkback_copy_only;
/* Do not offer feature-persistent (dom0's `blkback=nopersist`). */
extern bool blkback_no_persist;
int vbd_init(struct vbd *v, uint16_t front_id, struct device *dev, uint64_t first, uint64_t sectors,
	     bool readonly);
void vbd_free(struct vbd *v);

/* Whether the device can discard (feature-discard). */
bool vbd_can_discard(const struct vbd *v);

/*
 * Decode and validate *req (already copied out of the ring) into *io;
 * returns BLKIF_RSP_OKAY, _ERROR or _EOPNOTSUPP.  An indirect request's
 * segment list is fetched here (a grant copy into the DMA batch, where
 * the request then joins it, or into v->ind), so io->segs points there.
 */
int blkback_decode(struct vbd *v, const struct blkif_request *req, struct blkback_io *io);

/* Carry out a decoded request; returns the response status. */
int blkback_execute(struct vbd *v, const struct blkback_io *io);

/*
 * Serve the ring until it is empty (with the final check that re-arms
 * req_event): every request answered, responses pushed per batch.
 * Returns true if the frontend must be notified.  With v->kick set it
 * notifies itself, before each re-arm, and stops after
 * BLKBACK_KICK_ROUNDS rounds (kicking or not) with v->again set if
 * requests are left (the glue serves other vbds, then this one again).
 */
bool blkback_service(struct vbd *v);

/* Inside blkback: the DMA path's batch (blk_dma.c) and the answer. */
int blkback_batch_init(struct blkback_batch *b);
void blkback_batch_free(struct blkback_batch *b);
/* Adds a decoded read or write; false if the batch is full (run it first). */
bool blkback_batch_add(struct vbd *v, const struct blkback_io *io);
/* Maps, runs on the device, unmaps and answers the batch; then it is empty. */
void blkback_batch_run(struct vbd *v);
/* Queues the response to io (pushed by blkback_service).  Inline: the DMA
 * batch answers up to a ring's worth at a time (a call each cost ~30
 * instructions a request at queue depth 32). */
static inline void blkback_respond(struct vbd *v, const struct blkback_io *io, int status)
{
	struct blkif_response *rsp = RING_GET_RESPONSE(&v->ring, v->ring.rsp_prod_pvt);

	rsp->id = io->id;
	rsp->operation = io->operation;
	rsp->status = (int16_t)status;
	v->ring.rsp_prod_pvt++;
	v->stats.requests++;
	v->stats.errors += status == BLKIF_RSP_ERROR;
	v->stats.unsupported += status == BLKIF_RSP_EOPNOTSUPP;
}
/* Undoes every persistent mapping of v, indirect pages too (a disconnect; vbd_free). */
void blkback_persist_drop(struct vbd *v);
/*
 * The kept mapping of indirect page gref (see struct blkback_ind_keep),
 * made now if its slot is free; NULL if the slot holds another page or
 * the hypervisor refuses the map (the caller then grant-copies).
 */
const void *blkback_ind_page(struct vbd *v, grant_ref_t gref);
/*
 * The glue of those mappings (blk_map.c; the host tests simulate it):
 * map gref read-only at the window's page `slot` (its address, or NULL),
 * and undo every mapping of v->ind_keep.
 */
const void *blkback_ind_map(struct vbd *v, unsigned int slot, grant_ref_t gref,
			    grant_handle_t *handle);
void blkback_ind_unmap_all(struct vbd *v);

/*
 * The persistent table (blk_persist.c, pure bookkeeping).  find: the kept
 * mapping of gref, usable for a write into the frontend's page if
 * need_write (an entry mapped read-only is not), marked used; NULL if
 * none.  keep: record a new mapping; false if the table holds gref
 * already (the caller unmaps the new one); when it keeps it and had to
 * make room (an entry the clock found unused) or replace a read-only
 * mapping of the same gref, *drop is set to the mapping to unmap and
 * true returned in *dropped.  take: remove one entry into *drop (false:
 * empty).
 */
void blkback_persist_reset(struct blkback_persist *p);
bool blkback_persist_keep(struct blkback_persist *p, const struct blkback_pgnt *m,
			  struct blkback_pgnt *drop, bool *dropped);
bool blkback_persist_take(struct blkback_persist *p, struct blkback_pgnt *drop);

/* Inline: blk_dma.c looks up every segment it serves. */
static inline const struct blkback_pgnt *blkback_persist_find(struct blkback_persist *p,
							      grant_ref_t gref, bool need_write)
{
	for (uint16_t e = p->head[gref % BLKBACK_PERSIST]; e != BLKBACK_PGNT_NONE;
	     e = p->ent[e].next) {
		struct blkback_pgnt *g = &p->ent[e];
		if (g->gref != gref)
			continue;
		if (need_write && g->ro)
			return NULL;
		g->used = true;
		return g;
	}
	return NULL;
}
/* ---- The dom0 side (blk.c): disks for domains ---- */

/*
 * A disk specification, as in `hx create ... disk=<spec>`:
 *   ram:<MiB>                     a RAM disk of that size
 *   <device>                      a whole block device of the device table
 *   <device>@<first>+<sectors>    a region of it (512-byte sectors)
 * followed by ",r" for read-only.
 */
struct disk_spec {
	char device[16]; /* empty for a RAM disk */
	uint64_t ram_mib;
	uint64_t first, sectors; /* sectors 0: to the end */
	bool readonly;
};
int blkback_parse_spec(const char *spec, struct disk_spec *out);

/*
 * Create vbd `devid` (e.g. 51712 = xvda) for domain `front_id` backed by
 * `spec`: the XenStore nodes of both ends, the backend at InitWait.  The
 * frontend connects on its own.  0 or -XEN_*.
 */
int blkback_attach(struct xenbus *xb, uint16_t front_id, unsigned int devid, const char *spec);
/* Tear down one vbd, or every vbd of a domain (devid ~0u), nodes included. */
int blkback_detach(uint16_t front_id, unsigned int devid);
/* Serve every vbd whose frontend has notified us; returns how many ran. */
unsigned int blkback_poll_all(void);
/* Vbds that exist / that are connected (tests, hx). */
unsigned int blkback_count(bool connected_only);
/* The counters of one vbd and whether it is connected; false if no such vbd. */
bool blkback_stats_of(uint16_t front_id, unsigned int devid, struct blkback_stats *out,
		      bool *connected);
/* The worker thread's body (dom0 starts it once). */
void blkback_worker(void *arg);

#endif
