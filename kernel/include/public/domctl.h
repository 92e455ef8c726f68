/*
 * domctl (hypercall 36): the toolstack's control of one domain.
 *
 * Only the driver domain may call it.  The command numbers are Xen's where
 * Xen has the command; the structures are Hospes's own design (a toolstack
 * is built against this header, not against Xen's libraries), so the
 * interface version is ours: a caller passing any other version gets
 * -XEN_EACCES.  Memory for a new domain comes from
 * memory_op(XENMEM_populate_physmap) with the new domain's id, as in Xen,
 * or in one step with XEN_DOMCTL_hospes_populate.
 *
 * Typical build of a domU: createdomain, max_mem, max_vcpus, populate,
 * load the image into the new frames, setvcpucontext(vcpu 0), unpause.
 */
#ifndef PUBLIC_DOMCTL_H
#define PUBLIC_DOMCTL_H

#include "xen.h"

#define XEN_DOMCTL_INTERFACE_VERSION 0x48530001U /* "HS" 1: Hospes's own */

#define XEN_DOMCTL_createdomain	   1
#define XEN_DOMCTL_destroydomain   2
#define XEN_DOMCTL_pausedomain	   3
#define XEN_DOMCTL_unpausedomain   4
#define XEN_DOMCTL_getdomaininfo   5
#define XEN_DOMCTL_max_mem	   11
#define XEN_DOMCTL_setvcpucontext  12
#define XEN_DOMCTL_getvcpucontext  13
#define XEN_DOMCTL_max_vcpus	   15
#define XEN_DOMCTL_hospes_populate 0x4801 /* Hospes only: allocate a gfn range */

/* createdomain: IN; the new id comes back in xen_domctl.domain. */
struct xen_domctl_createdomain {
	uint32_t flags;		   /* XEN_DOMCTL_CDF_*; none defined yet, must be 0 */
	uint32_t max_vcpus;	   /* 1..HOSPES_MAX_VCPUS */
	uint32_t max_evtchn_port;  /* highest port the domain may use */
	uint32_t max_grant_frames; /* grant-table size limit, in frames */
	uint32_t max_maptrack_frames;
	uint32_t pad;
	xen_domain_handle_t handle; /* UUID, reported by XENVER_guest_handle */
	char name[32];		    /* NUL-terminated */
};

#define XEN_DOMINF_dying	 (1U << 0)
#define XEN_DOMINF_hvm_guest	 (1U << 1)
#define XEN_DOMINF_shutdown	 (1U << 2)
#define XEN_DOMINF_paused	 (1U << 3)
#define XEN_DOMINF_blocked	 (1U << 4)
#define XEN_DOMINF_running	 (1U << 5)
#define XEN_DOMINF_debugged	 (1U << 6)
#define XEN_DOMINF_xs_domain	 (1U << 7)
#define XEN_DOMINF_hap		 (1U << 8)
#define XEN_DOMINF_shutdownshift 16 /* SHUTDOWN_* reason in bits 16-23 */
#define XEN_DOMINF_shutdownmask	 0xff

/* getdomaininfo: the first domain with id >= xen_domctl.domain. */
struct xen_domctl_getdomaininfo {
	domid_t domain; /* OUT */
	uint16_t pad0;
	uint32_t flags; /* OUT: XEN_DOMINF_* */
	uint64_t tot_pages;
	uint64_t max_pages;
	uint64_t shared_info_frame;
	uint64_t cpu_time; /* ns */
	uint32_t nr_online_vcpus;
	uint32_t max_vcpu_id;
	xen_domain_handle_t handle;
	char name[32];
};
typedef struct xen_domctl_getdomaininfo xen_domctl_getdomaininfo_t;
DEFINE_XEN_GUEST_HANDLE(xen_domctl_getdomaininfo);

struct xen_domctl_max_mem {
	uint64_t max_memkb;
};

struct xen_domctl_max_vcpus {
	uint32_t max;
};

struct xen_domctl_vcpucontext {
	uint32_t vcpu; /* IN */
	uint32_t pad;
	XEN_GUEST_HANDLE(vcpu_guest_context) ctxt; /* IN/OUT */
};

/*
 * Hospes only: give the domain frames for gfns [first_gfn, first_gfn +
 * nr_frames), within its max_mem.  -XEN_ENOMEM if memory runs out (the
 * frames already given stay given), -XEN_EEXIST if a gfn is populated.
 */
struct xen_domctl_hospes_populate {
	uint64_t first_gfn;
	uint64_t nr_frames;
};

struct xen_domctl {
	uint32_t cmd;		    /* XEN_DOMCTL_* */
	uint32_t interface_version; /* XEN_DOMCTL_INTERFACE_VERSION */
	domid_t domain;		    /* the domain acted on */
	uint16_t pad[3];
	union {
		struct xen_domctl_createdomain createdomain;
		struct xen_domctl_getdomaininfo getdomaininfo;
		struct xen_domctl_max_mem max_mem;
		struct xen_domctl_max_vcpus max_vcpus;
		struct xen_domctl_vcpucontext vcpucontext;
		struct xen_domctl_hospes_populate populate;
		uint8_t pad[128];
	} u;
};
typedef struct xen_domctl xen_domctl_t;
DEFINE_XEN_GUEST_HANDLE(xen_domctl);

#endif /* PUBLIC_DOMCTL_H */
