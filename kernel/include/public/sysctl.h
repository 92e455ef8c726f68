/*
 * sysctl (hypercall 35): the toolstack's view of the whole machine.
 *
 * Only the driver domain may call it (others get -XEN_EACCES, which is how
 * XTF probes for it).  Command numbers are Xen's; the structures and the
 * interface version are Hospes's own, like domctl.h.
 */
#ifndef PUBLIC_SYSCTL_H
#define PUBLIC_SYSCTL_H

#include "domctl.h"

#define XEN_SYSCTL_INTERFACE_VERSION 0x48530001U /* "HS" 1: Hospes's own */

#define XEN_SYSCTL_readconsole	     1
#define XEN_SYSCTL_physinfo	     3
#define XEN_SYSCTL_getdomaininfolist 6

/*
 * Read the hypervisor's log ring.  With incremental, reading starts at
 * index (a running byte count) and index comes back advanced; otherwise
 * the newest count bytes are returned.  count comes back as bytes written.
 */
struct xen_sysctl_readconsole {
	uint8_t clear;	     /* IN: empty the ring after reading */
	uint8_t incremental; /* IN */
	uint16_t pad;
	uint32_t index;		       /* IN/OUT */
	XEN_GUEST_HANDLE(char) buffer; /* IN */
	uint32_t count;		       /* IN: buffer size, OUT: bytes */
	uint32_t pad2;
};

struct xen_sysctl_physinfo {
	uint32_t threads_per_core;
	uint32_t cores_per_socket;
	uint32_t nr_cpus; /* online physical CPUs */
	uint32_t max_cpu_id;
	uint32_t cpu_khz;
	uint32_t capabilities; /* XEN_SYSCTL_PHYSCAP_*; Hospes: 0 (PV only) */
	uint64_t total_pages;
	uint64_t free_pages;
	uint64_t max_mfn;
};

/* Up to max_domains entries for domains with id >= first_domain. */
struct xen_sysctl_getdomaininfolist {
	domid_t first_domain; /* IN */
	uint16_t pad;
	uint32_t max_domains; /* IN */
	XEN_GUEST_HANDLE(xen_domctl_getdomaininfo) buffer;
	uint32_t num_domains; /* OUT */
	uint32_t pad2;
};

struct xen_sysctl {
	uint32_t cmd;
	uint32_t interface_version; /* XEN_SYSCTL_INTERFACE_VERSION */
	union {
		struct xen_sysctl_readconsole readconsole;
		struct xen_sysctl_physinfo physinfo;
		struct xen_sysctl_getdomaininfolist getdomaininfolist;
		uint8_t pad[128];
	} u;
};
typedef struct xen_sysctl xen_sysctl_t;
DEFINE_XEN_GUEST_HANDLE(xen_sysctl);

#endif /* PUBLIC_SYSCTL_H */
