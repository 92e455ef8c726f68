/*
 * Grant tables (version 1): the guest ABI of grant_table_op (hypercall 20).
 *
 * A domain shares one of its frames by filling an entry of its grant
 * table, a shared array of grant_entry_v1 it maps from the frames that
 * GNTTABOP_setup_table returns: first domid and frame, then (after a write
 * barrier) flags with the access type.  The grantee names the grant as
 * (granter domid, grant reference = index) to map it into its own address
 * space or to copy to or from it.  While a grant is in use the hypervisor
 * keeps GTF_reading / GTF_writing set in the entry; a granter may revoke an
 * entry only by cmpxchg-ing flags to 0 while neither bit is set.
 *
 * grant_table_op(cmd, uops, count) takes an array of count structures of
 * the command's type; each reports its own result in status (GNTST_*).
 */
#ifndef PUBLIC_GRANT_TABLE_H
#define PUBLIC_GRANT_TABLE_H

#include "xen.h"

typedef uint32_t grant_ref_t;
typedef uint32_t grant_handle_t;

struct grant_entry_v1 {
	uint16_t flags; /* GTF_* */
	domid_t domid;	/* the domain allowed to use this entry */
	uint32_t frame; /* the frame shared (or received, for a transfer) */
};
typedef struct grant_entry_v1 grant_entry_v1_t;

#define GNTTAB_NR_RESERVED_ENTRIES 8 /* refs 0-7 are set up by the toolstack */
#define GNTTAB_RESERVED_CONSOLE	   0
#define GNTTAB_RESERVED_XENSTORE   1

/* Entry type (flags[1:0]). */
#define GTF_invalid	    0
#define GTF_permit_access   1
#define GTF_accept_transfer 2
#define GTF_transitive	    3 /* v2 only */
#define GTF_type_mask	    3

/* Bits of a permit_access entry. */
#define _GTF_readonly 2
#define GTF_readonly  (1U << _GTF_readonly) /* granter: grantee may only read */
#define _GTF_reading  3
#define GTF_reading   (1U << _GTF_reading) /* hypervisor: in use for reading */
#define _GTF_writing  4
#define GTF_writing   (1U << _GTF_writing) /* hypervisor: in use for writing */
#define _GTF_PWT      5
#define GTF_PWT	      (1U << _GTF_PWT)
#define _GTF_PCD      6
#define GTF_PCD	      (1U << _GTF_PCD)
#define _GTF_PAT      7
#define GTF_PAT	      (1U << _GTF_PAT)
#define _GTF_sub_page 8
#define GTF_sub_page  (1U << _GTF_sub_page) /* v2 only */

/* Bits of an accept_transfer entry. */
#define _GTF_transfer_committed 2
#define GTF_transfer_committed	(1U << _GTF_transfer_committed)
#define _GTF_transfer_completed 3
#define GTF_transfer_completed	(1U << _GTF_transfer_completed)

#define GNTTABOP_map_grant_ref	   0
#define GNTTABOP_unmap_grant_ref   1
#define GNTTABOP_setup_table	   2
#define GNTTABOP_dump_table	   3
#define GNTTABOP_transfer	   4
#define GNTTABOP_copy		   5
#define GNTTABOP_query_size	   6
#define GNTTABOP_unmap_and_replace 7
#define GNTTABOP_set_version	   8
#define GNTTABOP_get_status_frames 9
#define GNTTABOP_get_version	   10
#define GNTTABOP_swap_grant_ref	   11
#define GNTTABOP_cache_flush	   12

/* Map flags. */
#define _GNTMAP_device_map	1
#define GNTMAP_device_map	(1U << 0) /* return dev_bus_addr for DMA */
#define GNTMAP_host_map		(1U << 1) /* map at host_addr */
#define GNTMAP_readonly		(1U << 2)
#define GNTMAP_application_map	(1U << 3) /* also usable from guest user mode */
#define GNTMAP_contains_pte	(1U << 4) /* host_addr is the machine address of a PTE */
#define _GNTMAP_guest_avail0	16
#define GNTMAP_guest_avail_mask ((uint32_t)~0 << _GNTMAP_guest_avail0)

/*
 * Map the grant (dom, ref).  host_addr is a guest virtual address whose
 * L1 entry already exists (or, with GNTMAP_contains_pte, the machine
 * address of the PTE).  handle identifies the mapping for unmap.
 */
struct gnttab_map_grant_ref {
	uint64_t host_addr;    /* IN */
	uint32_t flags;	       /* IN: GNTMAP_* */
	grant_ref_t ref;       /* IN */
	domid_t dom;	       /* IN: the granter */
	int16_t status;	       /* OUT: GNTST_* */
	grant_handle_t handle; /* OUT */
	uint64_t dev_bus_addr; /* OUT */
};
typedef struct gnttab_map_grant_ref gnttab_map_grant_ref_t;
DEFINE_XEN_GUEST_HANDLE(gnttab_map_grant_ref);

/* Undo a map; host_addr / dev_bus_addr of 0 are ignored. */
struct gnttab_unmap_grant_ref {
	uint64_t host_addr;    /* IN */
	uint64_t dev_bus_addr; /* IN */
	grant_handle_t handle; /* IN */
	int16_t status;	       /* OUT */
};
typedef struct gnttab_unmap_grant_ref gnttab_unmap_grant_ref_t;
DEFINE_XEN_GUEST_HANDLE(gnttab_unmap_grant_ref);

/* Grow dom's table to nr_frames frames; their frame numbers come back. */
struct gnttab_setup_table {
	domid_t dom;			      /* IN */
	uint32_t nr_frames;		      /* IN */
	int16_t status;			      /* OUT */
	XEN_GUEST_HANDLE(xen_pfn) frame_list; /* OUT */
};
typedef struct gnttab_setup_table gnttab_setup_table_t;
DEFINE_XEN_GUEST_HANDLE(gnttab_setup_table);

struct gnttab_dump_table {
	domid_t dom;
	int16_t status;
};
typedef struct gnttab_dump_table gnttab_dump_table_t;

struct gnttab_transfer {
	xen_pfn_t mfn;
	domid_t domid;
	grant_ref_t ref;
	int16_t status;
};
typedef struct gnttab_transfer gnttab_transfer_t;

/*
 * Copy len bytes between two frames, each named either by a grant (flag
 * GNTCOPY_*_gref: u.ref in domid's table) or by a frame of the caller
 * (u.gmfn, domid must be DOMID_SELF).  Neither side may cross its page.
 */
#define _GNTCOPY_source_gref 0
#define GNTCOPY_source_gref  (1U << _GNTCOPY_source_gref)
#define _GNTCOPY_dest_gref   1
#define GNTCOPY_dest_gref    (1U << _GNTCOPY_dest_gref)

struct gnttab_copy_ptr {
	union {
		grant_ref_t ref;
		xen_pfn_t gmfn;
	} u;
	domid_t domid;
	uint16_t offset;
};

struct gnttab_copy {
	struct gnttab_copy_ptr source, dest;
	uint16_t len;
	uint16_t flags; /* GNTCOPY_* */
	int16_t status;
};
typedef struct gnttab_copy gnttab_copy_t;
DEFINE_XEN_GUEST_HANDLE(gnttab_copy);

struct gnttab_query_size {
	domid_t dom;		/* IN */
	uint32_t nr_frames;	/* OUT */
	uint32_t max_nr_frames; /* OUT */
	int16_t status;		/* OUT */
};
typedef struct gnttab_query_size gnttab_query_size_t;
DEFINE_XEN_GUEST_HANDLE(gnttab_query_size);

struct gnttab_unmap_and_replace {
	uint64_t host_addr;
	uint64_t new_addr;
	grant_handle_t handle;
	int16_t status;
};
typedef struct gnttab_unmap_and_replace gnttab_unmap_and_replace_t;

struct gnttab_set_version {
	uint32_t version; /* IN: 1 (2 is refused on Hospes) */
};
typedef struct gnttab_set_version gnttab_set_version_t;

struct gnttab_get_version {
	domid_t dom; /* IN */
	uint16_t pad;
	uint32_t version; /* OUT */
};
typedef struct gnttab_get_version gnttab_get_version_t;

struct gnttab_get_status_frames {
	uint32_t nr_frames;
	domid_t dom;
	int16_t status;
	XEN_GUEST_HANDLE(uint64) frame_list;
};
typedef struct gnttab_get_status_frames gnttab_get_status_frames_t;

struct gnttab_swap_grant_ref {
	grant_ref_t ref_a;
	grant_ref_t ref_b;
	int16_t status;
};
typedef struct gnttab_swap_grant_ref gnttab_swap_grant_ref_t;

/* Per-operation status codes. */
#define GNTST_okay		0
#define GNTST_general_error	(-1)
#define GNTST_bad_domain	(-2)
#define GNTST_bad_gntref	(-3)
#define GNTST_bad_handle	(-4)
#define GNTST_bad_virt_addr	(-5)
#define GNTST_bad_dev_addr	(-6)
#define GNTST_no_device_space	(-7)
#define GNTST_permission_denied (-8)
#define GNTST_bad_page		(-9)
#define GNTST_bad_copy_arg	(-10)
#define GNTST_address_too_big	(-11)
#define GNTST_eagain		(-12)
#define GNTST_no_space		(-13)

#endif /* PUBLIC_GRANT_TABLE_H */
