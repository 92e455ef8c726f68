/*
 * xen_version (hypercall 17): who the hypervisor is and what it offers.
 *
 * XENVER_version returns (major << 16) | minor directly; the string
 * queries fill fixed-size character arrays.  Guests also call
 * xen_version(XENVER_version, NULL) merely to pass through the
 * hypervisor's exit path, where pending events are delivered.
 */
#ifndef PUBLIC_VERSION_H
#define PUBLIC_VERSION_H

#include "xen.h"

#define XENVER_version		   0
#define XENVER_extraversion	   1
#define XENVER_compile_info	   2
#define XENVER_capabilities	   3
#define XENVER_changeset	   4
#define XENVER_platform_parameters 5
#define XENVER_get_features	   6
#define XENVER_pagesize		   7
#define XENVER_guest_handle	   8
#define XENVER_commandline	   9
#define XENVER_build_id		   10
#define XENVER_extraversion2	   11
#define XENVER_capabilities2	   12
#define XENVER_changeset2	   13
#define XENVER_commandline2	   14

typedef char xen_extraversion_t[16];
#define XEN_EXTRAVERSION_LEN (sizeof(xen_extraversion_t))

struct xen_compile_info {
	char compiler[64];
	char compile_by[16];
	char compile_domain[32];
	char compile_date[32];
};
typedef struct xen_compile_info xen_compile_info_t;

typedef char xen_capabilities_info_t[1024];
#define XEN_CAPABILITIES_INFO_LEN (sizeof(xen_capabilities_info_t))

typedef char xen_changeset_info_t[64];
#define XEN_CHANGESET_INFO_LEN (sizeof(xen_changeset_info_t))

struct xen_platform_parameters {
	xen_ulong_t virt_start;
};
typedef struct xen_platform_parameters xen_platform_parameters_t;

struct xen_feature_info {
	unsigned int submap_idx; /* IN: only 0 exists */
	uint32_t submap;	 /* OUT: XENFEAT_* bits */
};
typedef struct xen_feature_info xen_feature_info_t;

typedef char xen_commandline_t[1024];

/* Variable-length answers (XENVER_build_id, *2): returns bytes written. */
struct xen_varbuf {
	uint32_t len; /* IN: capacity of buf */
	char buf[];
};
typedef struct xen_varbuf xen_varbuf_t;

#endif /* PUBLIC_VERSION_H */
