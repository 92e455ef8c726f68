/*
 * memory_op (hypercall 12): growing, shrinking and describing a domain's
 * memory.
 *
 * cmd[5:0] selects the sub-operation; the upper bits are reserved for
 * continuations and must be 0 from guests.  For a PV guest the extents of
 * increase_reservation / populate_physmap come back as frame numbers of the
 * guest's frame space.  A privileged domain names another domain in
 * domid; this is how the toolstack populates a new domain's memory.
 */
#ifndef PUBLIC_MEMORY_H
#define PUBLIC_MEMORY_H

#include "xen.h"

#define XENMEM_increase_reservation	  0
#define XENMEM_decrease_reservation	  1
#define XENMEM_maximum_ram_page		  2
#define XENMEM_current_reservation	  3
#define XENMEM_maximum_reservation	  4
#define XENMEM_machphys_mfn_list	  5
#define XENMEM_populate_physmap		  6
#define XENMEM_add_to_physmap		  7
#define XENMEM_memory_map		  9
#define XENMEM_machine_memory_map	  10
#define XENMEM_exchange			  11
#define XENMEM_machphys_mapping		  12
#define XENMEM_set_memory_map		  13
#define XENMEM_maximum_gpfn		  14
#define XENMEM_remove_from_physmap	  15
#define XENMEM_add_to_physmap_batch	  23
#define XENMEM_claim_pages		  24
#define XENMEM_machphys_compat_mfn_list	  25
#define XENMEM_get_vnumainfo		  26
#define XENMEM_reserved_device_memory_map 27
#define XENMEM_acquire_resource		  28

#define MEMOP_CMD_MASK	   0x3f
#define MEMOP_EXTENT_SHIFT 6

/* mem_flags of a reservation. */
#define XENMEMF_address_bits(x)	    (x)
#define XENMEMF_get_address_bits(x) ((x)&0xffu)
#define XENMEMF_node(x)		    (((x) + 1) << 8)
#define XENMEMF_get_node(x)	    ((((x) >> 8) - 1) & 0xffu)
#define XENMEMF_populate_on_demand  (1 << 16)
#define XENMEMF_exact_node_request  (1 << 17)
#define XENMEMF_vnode		    (1 << 18)

struct xen_memory_reservation {
	XEN_GUEST_HANDLE(xen_pfn) extent_start; /* IN/OUT frame list, may be NULL */
	xen_ulong_t nr_extents;
	uint32_t extent_order; /* each extent is 2^order frames */
	uint32_t mem_flags;    /* XENMEMF_* */
	domid_t domid;	       /* DOMID_SELF unless privileged */
};
typedef struct xen_memory_reservation xen_memory_reservation_t;
DEFINE_XEN_GUEST_HANDLE(xen_memory_reservation);

struct xen_memory_exchange {
	struct xen_memory_reservation in;
	struct xen_memory_reservation out;
	xen_ulong_t nr_exchanged; /* must be 0 on entry */
};
typedef struct xen_memory_exchange xen_memory_exchange_t;

struct xen_memory_domain {
	domid_t domid;
};

struct xen_machphys_mfn_list {
	uint32_t max_extents;
	XEN_GUEST_HANDLE(xen_pfn) extent_start;
	uint32_t nr_extents;
};
typedef struct xen_machphys_mfn_list xen_machphys_mfn_list_t;

/* Where the read-only m2p table lies (XENMEM_machphys_mapping). */
struct xen_machphys_mapping {
	xen_ulong_t v_start, v_end;
	xen_ulong_t max_mfn;
};
typedef struct xen_machphys_mapping xen_machphys_mapping_t;

#define XENMAPSPACE_shared_info	     0
#define XENMAPSPACE_grant_table	     1
#define XENMAPSPACE_gmfn	     2
#define XENMAPSPACE_gmfn_range	     3
#define XENMAPSPACE_gmfn_foreign     4
#define XENMAPSPACE_dev_mmio	     5
#define XENMAPIDX_grant_table_status 0x80000000U

struct xen_add_to_physmap {
	domid_t domid;
	uint16_t size;
	unsigned int space; /* XENMAPSPACE_* */
	xen_ulong_t idx;
	xen_pfn_t gpfn;
};
typedef struct xen_add_to_physmap xen_add_to_physmap_t;

/* An e820-style map: buffer holds nr_entries packed 20-byte entries. */
struct xen_memory_map {
	unsigned int nr_entries; /* IN: capacity, OUT: entries written */
	XEN_GUEST_HANDLE(void) buffer;
};
typedef struct xen_memory_map xen_memory_map_t;

struct xen_e820_entry {
	uint64_t addr;
	uint64_t size;
	uint32_t type; /* XEN_E820_* */
} __attribute__((packed));

#define XEN_E820_RAM	  1
#define XEN_E820_RESERVED 2
#define XEN_E820_ACPI	  3
#define XEN_E820_NVS	  4
#define XEN_E820_UNUSABLE 5

struct xen_foreign_memory_map {
	domid_t domid;
	struct xen_memory_map map;
};
typedef struct xen_foreign_memory_map xen_foreign_memory_map_t;

#endif /* PUBLIC_MEMORY_H */
