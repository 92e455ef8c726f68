/*
 * sysctl (hypercall 35): the toolstack's view of the whole machine.
 *
 * Only the driver domain may call it (others get -EPERM from the
 * dispatcher).  Command numbers, structure layouts and the interface
 * version are Xen's (sysctl interface version 8) for the implemented
 * subset: readconsole (the hypervisor's log ring, for `hx dmesg`),
 * physinfo and getdomaininfolist.
 */
#ifndef PUBLIC_SYSCTL_H
#define PUBLIC_SYSCTL_H

#include "domctl.h"

#define XEN_SYSCTL_INTERFACE_VERSION 0x00000008

#define XEN_SYSCTL_readconsole	     1
#define XEN_SYSCTL_physinfo	     3
#define XEN_SYSCTL_getdomaininfolist 6

/*
 * Read the hypervisor's log ring.  index counts bytes since boot.  With
 * incremental, reading starts at index (or at the oldest byte still kept,
 * if that is later) and index comes back just past the last byte read;
 * otherwise the newest count bytes are returned.  count: IN buffer size,
 * OUT bytes written.  clear forgets everything read so far for later
 * non-incremental reads.
 */
struct xen_sysctl_readconsole {
	uint8_t clear;
	uint8_t incremental;
	uint8_t pad0, pad1;
	uint32_t index;
	XEN_GUEST_HANDLE(char) buffer;
	uint32_t count;
};

#define XEN_SYSCTL_PHYSCAP_hvm		(1U << 0)
#define XEN_SYSCTL_PHYSCAP_hvm_directio (1U << 1)

struct xen_sysctl_physinfo {
	uint32_t threads_per_core;
	uint32_t cores_per_socket;
	uint32_t sockets_per_node;
	uint32_t nr_cpus, max_cpu_id; /* online CPUs */
	uint32_t nr_nodes, max_node_id;
	uint32_t cpu_khz;
	uint64_t total_pages;
	uint64_t free_pages;
	uint64_t scrub_pages;  /* always 0: frames are zeroed when allocated */
	uint32_t hw_cap[8];    /* CPUID leaf 1 edx, ecx, ... (0 where not read) */
	uint32_t capabilities; /* XEN_SYSCTL_PHYSCAP_*: 0, Hospes is PV only */
};

/* Up to max_domains entries for the domains with id >= first_domain. */
struct xen_sysctl_getdomaininfolist {
	domid_t first_domain; /* IN */
	uint32_t max_domains; /* IN */
	XEN_GUEST_HANDLE(xen_domctl_getdomaininfo) buffer;
	uint32_t num_domains; /* OUT */
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
