/*
 * domctl (hypercall 36): the toolstack's control of one domain.
 *
 * Only the driver domain may call it (others get -EPERM from the
 * dispatcher).  Command numbers, structure layouts and the interface
 * version are Xen's (domctl interface version 0x10), for the subset Hospes
 * implements; docs/hypercalls.md lists it.  Every structure sits in the
 * 128-byte union of struct xen_domctl at offset 16.
 *
 * A domU is built from dom0 the way Xen's libxc does it:
 *   createdomain (xen_domctl.domain = 0 picks a free id; the domain is
 *   created paused, with no memory and no vCPUs), max_vcpus, max_mem,
 *   memory_op(XENMEM_populate_physmap, domid) for its RAM, mmu_update with
 *   foreigndom = the new domain to map its frames and load the image,
 *   hypercall_init to write its hypercall page, getdomaininfo for its
 *   shared_info frame, setvcpucontext(vcpu 0), unpausedomain.
 *
 * Hospes additions (numbers from 0x4800, never used by Xen):
 * scheduler_op: Hospes has one scheduler, credit-style (XEN_SCHEDULER_CREDIT):
 * a domain's weight (1..65535, default 256) and cap (percent of one CPU,
 * 0 = none).  As in Xen, putinfo leaves the weight alone if it is 0 and the
 * cap if it is 0xffff.  Unlike Xen, a cap must be 0 or within n..100n for
 * a domain of n vCPUs (-EINVAL), and it is enforced per vCPU, split evenly.
 *
 *   XEN_DOMCTL_hospes_setname   the name the hypervisor logs and returns
 *                               with XEN_DOMCTL_hospes_getname.
 *   XEN_DOMCTL_hospes_grantinfo the grant mappings a domain holds (of one
 *                               peer's grants, or of anyone's) and how many
 *                               of its own entries others are using: how a
 *                               toolstack checks a dead peer left nothing.
 *   XEN_DOMCTL_hospes_evtchn_stats  events the domain sent (EVTCHNOP_send)
 *                               and events raised in it, since creation
 *                               (Xen reports no such counters; hx top's
 *                               event rate).
 *   XEN_DOMCTL_hospes_gnttab_seed   fill one reserved grant entry of a
 *                               domain being built (refs 0 console and
 *                               1 xenstore, for the backends in dom0);
 *                               Xen's libxc does it by mapping the
 *                               domain's grant-table frame
 *                               (XENMEM_acquire_resource), which Hospes
 *                               does not offer.
 *   XEN_DOMCTL_hospes_caches    hypervisor frames held for a domain on
 *                               demand beyond its RAM, kept while it lives
 *                               (shadows until evicted): what a toolstack
 *                               adds to free memory to account for every
 *                               page (Xen sizes its shadow pool up front).
 */
#ifndef PUBLIC_DOMCTL_H
#define PUBLIC_DOMCTL_H

#include "xen.h"

#define XEN_DOMCTL_INTERFACE_VERSION 0x00000010

#define XEN_DOMCTL_createdomain	       1
#define XEN_DOMCTL_destroydomain       2
#define XEN_DOMCTL_pausedomain	       3
#define XEN_DOMCTL_unpausedomain       4
#define XEN_DOMCTL_getdomaininfo       5
#define XEN_DOMCTL_setvcpuaffinity     9
#define XEN_DOMCTL_max_mem	       11
#define XEN_DOMCTL_setvcpucontext      12
#define XEN_DOMCTL_getvcpucontext      13
#define XEN_DOMCTL_getvcpuinfo	       14
#define XEN_DOMCTL_max_vcpus	       15
#define XEN_DOMCTL_scheduler_op	       16
#define XEN_DOMCTL_hypercall_init      22
#define XEN_DOMCTL_getvcpuaffinity     25
#define XEN_DOMCTL_hospes_setname      0x4800
#define XEN_DOMCTL_hospes_getname      0x4801
#define XEN_DOMCTL_hospes_grantinfo    0x4802
#define XEN_DOMCTL_hospes_evtchn_stats 0x4803
#define XEN_DOMCTL_hospes_gnttab_seed  0x4804
#define XEN_DOMCTL_hospes_caches       0x4805

/* Architecture part of createdomain / getdomaininfo (x86). */
struct xen_arch_domainconfig {
	uint32_t emulation_flags; /* 0 for a PV guest: nothing emulated */
};

#define XEN_DOMCTL_CDF_hvm_guest (1U << 0)
#define XEN_DOMCTL_CDF_hap	 (1U << 1)

/* createdomain: IN; xen_domctl.domain is IN/OUT (0 = choose a free id). */
struct xen_domctl_createdomain {
	uint32_t ssidref;	    /* security label: must be 0 (no XSM) */
	xen_domain_handle_t handle; /* UUID, reported by XENVER_guest_handle */
	uint32_t flags;		    /* XEN_DOMCTL_CDF_*: PV only, so must be 0 */
	struct xen_arch_domainconfig config;
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

#define XEN_INVALID_MAX_VCPU_ID (~0U) /* the domain has no vCPUs yet */

/* getdomaininfo: the first domain with id >= xen_domctl.domain (OUT). */
struct xen_domctl_getdomaininfo {
	domid_t domain;
	uint16_t pad0;
	uint32_t flags; /* XEN_DOMINF_* */
	uint64_t tot_pages;
	uint64_t max_pages;
	uint64_t outstanding_pages; /* always 0 */
	uint64_t shr_pages;	    /* always 0 */
	uint64_t paged_pages;	    /* always 0 */
	uint64_t shared_info_frame; /* in the domain's own frame space */
	uint64_t cpu_time;	    /* ns run, all vCPUs */
	uint32_t nr_online_vcpus;
	uint32_t max_vcpu_id;
	uint32_t ssidref;
	xen_domain_handle_t handle;
	uint32_t cpupool; /* always 0 */
	struct xen_arch_domainconfig arch_config;
};
typedef struct xen_domctl_getdomaininfo xen_domctl_getdomaininfo_t;
DEFINE_XEN_GUEST_HANDLE(xen_domctl_getdomaininfo);

struct xen_domctl_max_mem {
	uint64_t max_memkb;
};

/* setvcpucontext / getvcpucontext (the domain must be paused for set). */
struct xen_domctl_vcpucontext {
	uint32_t vcpu;				   /* IN */
	XEN_GUEST_HANDLE(vcpu_guest_context) ctxt; /* IN/OUT */
};

struct xen_domctl_getvcpuinfo {
	uint32_t vcpu; /* IN */
	uint8_t online;
	uint8_t blocked;
	uint8_t running;
	uint64_t cpu_time; /* ns */
	uint32_t cpu;
};

struct xen_domctl_max_vcpus {
	uint32_t max; /* 1..HOSPES_MAX_VCPUS, set once */
};

#define XEN_SCHEDULER_CREDIT	   5
#define XEN_DOMCTL_SCHEDOP_putinfo 0
#define XEN_DOMCTL_SCHEDOP_getinfo 1

struct xen_domctl_sched_credit {
	uint16_t weight; /* putinfo: 0 = unchanged */
	uint16_t cap;	 /* percent of one CPU, 0 = none; putinfo: 0xffff = unchanged */
};

/* scheduler_op: sched_id must be the running scheduler's (-EINVAL). */
struct xen_domctl_scheduler_op {
	uint32_t sched_id; /* XEN_SCHEDULER_* */
	uint32_t cmd;	   /* XEN_DOMCTL_SCHEDOP_* */
	union {
		struct xen_domctl_sched_credit credit;
		uint8_t pad[16]; /* Xen's other schedulers' parameters */
	} u;
};

/*
 * setvcpuaffinity / getvcpuaffinity: the physical CPUs a vCPU may run on
 * (hard: pinning) and prefers (soft).  Bit n of the byte array is CPU n
 * (byte n / 8, bit n % 8); bits from nr_bits on count as 0.  Both maps are
 * IN for set, OUT for get; flags names the maps used.
 */
#define XEN_VCPUAFFINITY_HARD (1U << 0)
#define XEN_VCPUAFFINITY_SOFT (1U << 1)
struct xen_domctl_vcpuaffinity {
	uint32_t vcpu;
	uint32_t flags; /* XEN_VCPUAFFINITY_*, at least one */
	struct xenctl_bitmap cpumap_hard;
	struct xenctl_bitmap cpumap_soft;
};

/* hypercall_init: write the hypercall page into the domain's frame gmfn. */
struct xen_domctl_hypercall_init {
	uint64_t gmfn;
};

/* hospes_setname / hospes_getname: NUL-terminated, at most 31 characters. */
struct xen_domctl_hospes_name {
	char name[32];
};

/* hospes_grantinfo (also on the caller itself). */
struct xen_domctl_hospes_grantinfo {
	domid_t peer; /* IN: count maps of this granter's grants; DOMID_INVALID: all */
	uint16_t pad;
	uint32_t maps;		 /* OUT: mappings the domain holds (maptrack entries) */
	uint32_t entries_in_use; /* OUT: its own grant entries mapped or copied by others now */
};

/* hospes_evtchn_stats: OUT. */
struct xen_domctl_hospes_evtchn_stats {
	uint64_t sent;	   /* EVTCHNOP_send calls that reached a port */
	uint64_t received; /* events raised in the domain (any source) */
};

/* hospes_caches (also on the caller itself): OUT, in frames. */
struct xen_domctl_hospes_caches {
	uint32_t shadow_pages;	 /* its shadow pool in use */
	uint32_t maptrack_pages; /* its table of the grant mappings it holds */
	uint32_t evtchn_pages;	 /* its event-channel port buckets */
	uint32_t pad;
};

/* hospes_gnttab_seed: IN.  ref < GNTTAB_NR_RESERVED_ENTRIES. */
struct xen_domctl_hospes_gnttab_seed {
	uint32_t ref;
	domid_t grantee; /* the domain allowed to map the frame */
	uint16_t pad;
	uint64_t gfn; /* in the seeded domain's own frame space */
};

struct xen_domctl {
	uint32_t cmd;		    /* XEN_DOMCTL_* */
	uint32_t interface_version; /* XEN_DOMCTL_INTERFACE_VERSION */
	domid_t domain;		    /* the domain acted on */
	union {
		struct xen_domctl_createdomain createdomain;
		struct xen_domctl_getdomaininfo getdomaininfo;
		struct xen_domctl_max_mem max_mem;
		struct xen_domctl_vcpucontext vcpucontext;
		struct xen_domctl_getvcpuinfo getvcpuinfo;
		struct xen_domctl_vcpuaffinity vcpuaffinity;
		struct xen_domctl_max_vcpus max_vcpus;
		struct xen_domctl_scheduler_op scheduler_op;
		struct xen_domctl_hypercall_init hypercall_init;
		struct xen_domctl_hospes_name hospes_name;
		struct xen_domctl_hospes_grantinfo hospes_grantinfo;
		struct xen_domctl_hospes_evtchn_stats hospes_evtchn_stats;
		struct xen_domctl_hospes_caches hospes_caches;
		struct xen_domctl_hospes_gnttab_seed hospes_gnttab_seed;
		uint8_t pad[128];
	} u;
};
typedef struct xen_domctl xen_domctl_t;
DEFINE_XEN_GUEST_HANDLE(xen_domctl);

#endif /* PUBLIC_DOMCTL_H */
