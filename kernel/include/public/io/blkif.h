/*
 * The block-device split driver protocol (vbd).
 *
 * The frontend puts requests on a shared ring (ring.h); each names up to
 * 11 segments, each a granted page and a sector range inside it, or (with
 * BLKIF_OP_INDIRECT) up to 8 granted pages full of segment descriptors.
 * The backend answers each request with a response carrying the same id.
 * Sector numbers are always in 512-byte units, whatever the disk's
 * sector-size key says.  Feature negotiation goes through XenStore keys
 * (feature-flush-cache, feature-max-indirect-segments, ...).
 */
#ifndef PUBLIC_IO_BLKIF_H
#define PUBLIC_IO_BLKIF_H

#include "../grant_table.h"
#include "ring.h"

typedef uint16_t blkif_vdev_t;
typedef uint64_t blkif_sector_t;

#define BLKIF_OP_READ		 0
#define BLKIF_OP_WRITE		 1
#define BLKIF_OP_WRITE_BARRIER	 2 /* needs feature-barrier */
#define BLKIF_OP_FLUSH_DISKCACHE 3 /* needs feature-flush-cache */
#define BLKIF_OP_RESERVED_1	 4
#define BLKIF_OP_DISCARD	 5 /* needs feature-discard */
#define BLKIF_OP_INDIRECT	 6 /* needs feature-max-indirect-segments */

#define BLKIF_MAX_SEGMENTS_PER_REQUEST	     11
#define BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST 8
#define BLKIF_SECTOR_SIZE		     512

/* Bytes [first_sect * 512, (last_sect + 1) * 512) of the granted page. */
struct blkif_request_segment {
	grant_ref_t gref;
	uint8_t first_sect, last_sect;
};

#define BLKIF_SEGS_PER_INDIRECT_FRAME (4096 / sizeof(struct blkif_request_segment))

struct blkif_request {
	uint8_t operation;   /* BLKIF_OP_* */
	uint8_t nr_segments; /* 1..BLKIF_MAX_SEGMENTS_PER_REQUEST (0 for a flush) */
	blkif_vdev_t handle;
	uint64_t id; /* echoed in the response */
	blkif_sector_t sector_number;
	struct blkif_request_segment seg[BLKIF_MAX_SEGMENTS_PER_REQUEST];
};
typedef struct blkif_request blkif_request_t;

#define BLKIF_DISCARD_SECURE (1 << 0)
struct blkif_request_discard {
	uint8_t operation; /* BLKIF_OP_DISCARD */
	uint8_t flag;	   /* BLKIF_DISCARD_* */
	blkif_vdev_t handle;
	uint64_t id;
	blkif_sector_t sector_number;
	uint64_t nr_sectors;
};
typedef struct blkif_request_discard blkif_request_discard_t;

struct blkif_request_indirect {
	uint8_t operation;    /* BLKIF_OP_INDIRECT */
	uint8_t indirect_op;  /* BLKIF_OP_READ or BLKIF_OP_WRITE */
	uint16_t nr_segments; /* total segments described */
	uint64_t id;
	blkif_sector_t sector_number;
	blkif_vdev_t handle;
	grant_ref_t indirect_grefs[BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST];
};
typedef struct blkif_request_indirect blkif_request_indirect_t;

struct blkif_response {
	uint64_t id;	   /* the request's id */
	uint8_t operation; /* the request's operation */
	int16_t status;	   /* BLKIF_RSP_* */
};
typedef struct blkif_response blkif_response_t;

#define BLKIF_RSP_EOPNOTSUPP (-2)
#define BLKIF_RSP_ERROR	     (-1)
#define BLKIF_RSP_OKAY	     0

DEFINE_RING_TYPES(blkif, struct blkif_request, struct blkif_response);

/* Bits of the backend's "info" key. */
#define VDISK_CDROM	0x1
#define VDISK_REMOVABLE 0x2
#define VDISK_READONLY	0x4

#endif /* PUBLIC_IO_BLKIF_H */
