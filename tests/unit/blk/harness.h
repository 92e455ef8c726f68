/*
 * A simulated machine for blkfront and blkback in one process: domain 1's
 * grant table (the real pvguest/core/gnttab.c on a plain array), grant
 * copies and ring maps checked the way the hypervisor checks them, frame
 * numbers for host memory, and event channels as counters.  Domain 0 is
 * the backend, domain 1 the frontend.
 */
#ifndef TESTS_UNIT_BLK_HARNESS_H
#define TESTS_UNIT_BLK_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <public/grant_table.h>

#define FRONT_ID    1
#define BACK_ID	    0
#define FRONT_PORT  7 /* the frontend's end (it notifies the backend) */
#define BACK_PORT   9 /* the backend's end */
#define GRANT_SLOTS 2048

struct blkfront;
struct vbd;

extern struct grant_entry_v1 h_table[GRANT_SLOTS];
extern bool h_front_dead;	   /* every grant use by the backend fails */
extern bool h_back_at_kick;	   /* the backend (h_connect's) serves at each kick */
extern unsigned long h_copies;	   /* GNTTABOP_copy operations */
extern unsigned long h_copy_calls; /* GNTTABOP_copy hypercalls */
extern unsigned long h_back_kicks; /* frontend -> backend notifications */
extern unsigned long h_front_kicks;
extern unsigned long h_back_kicks_unmasked; /* ... made with events unmasked */
extern uint8_t h_events_masked;		    /* events_mask()'s flag */
extern unsigned int h_maps;		    /* ring pages mapped by the backend */
extern unsigned int h_dev_maps;		    /* data pages device-mapped by the backend, now */
extern unsigned long h_map_ops;		    /* GNTTABOP_map_grant_ref operations */
extern unsigned int h_ind_maps;		    /* indirect pages the backend keeps mapped, now */
extern unsigned long h_dma_calls;
/* A frontend call waiting for the backend to let go of its pages
 * pauses (h_connect's pause): h_pause_hook(n) runs at the n-th pause
 * (h_pauses counts them); with no hook a pause fails the test. */
extern unsigned long h_pauses;
extern void (*h_pause_hook)(unsigned long pauses);
/* A device map of the frontend's grant `ref` (read-only if the grant
 * is), held as a backend that does not let go would; h_let_go ends it. */
struct gnttab_map_grant_ref h_hold(grant_ref_t ref);
void h_let_go(const struct gnttab_map_grant_ref *m);
/* What serves h_connect's backend (blkback_service after h_reset). */
extern bool (*h_serve)(struct vbd *v);

struct device;
/* A device like `ram` (a RAM disk) that also offers submit_bus, reading
 * and writing the simulation's frames by their "bus address". */
struct device *h_dma_disk(struct device *ram);

/* Fresh table and counters; the frontend's wait() runs `back`. */
void h_reset(void);
void h_connect(struct blkfront *bf, struct vbd *back);
/* bf zeroed, on a fresh ring that back serves (h_connect), connected with
 * back's size and sector size; persist: feature-persistent agreed. */
void h_front_up(struct blkfront *bf, struct vbd *back, bool persist);
/* A fresh RAM disk of `bytes` behind h_dma_disk, served by back with
 * persistent grants to bf (h_front_up, all indirect segments); the disk. */
struct device *h_persist_pair_up(struct vbd *back, struct blkfront *bf, size_t bytes);
/* Pointer behind a frame number of the simulation (NULL if unknown). */
void *h_frame_ptr(unsigned long frame);

/*
 * The real xenstored in this process: `back` is dom0's connection,
 * `front` domain 1's, introduced and given a home it owns.  The
 * frontend's waits run the daemon and then the backend's watch
 * callbacks, so a handshake completes in one thread.  h_store_down
 * checks the tree's invariants and frees it.
 */
struct xenbus;
void h_store_up(struct xenbus *back, struct xenbus *front);
void h_store_domain1(void);
void h_store_down(void);

/* Event channel plumbing the xenbus tests use. */
extern int (*h_bind_hook)(uint16_t remote, uint32_t port);

#endif
