/*
 * sysctl (hypercall 35): the toolstack's view of the whole machine.
 *
 * Only the driver domain may call it (others get -EPERM from the
 * dispatcher).  Command numbers, structure layouts and the interface
 * version are Xen's (sysctl interface version 8) for the implemented
 * subset: readconsole (the hypervisor's log ring, for `hx dmesg`),
 * physinfo, getdomaininfolist and getcpuinfo (each CPU's idle time).
 *
 * Hospes extensions (numbers far from Xen's, which end below 0x40):
 * XEN_SYSCTL_hospes_trace (0x4800), the per-CPU trace rings behind `hx
 * trace` (kernel/trace/trace.c; docs/hypercalls.md has the layout), and
 * XEN_SYSCTL_hospes_cpustat (0x4801), each CPU's counters of halts,
 * vCPU switches, CR3 writes and halt polling (`hx info`, the block
 * benchmark).
 */
#ifndef PUBLIC_SYSCTL_H
#define PUBLIC_SYSCTL_H

#include "domctl.h"

#define XEN_SYSCTL_INTERFACE_VERSION 0x00000008

#define XEN_SYSCTL_readconsole	     1
#define XEN_SYSCTL_physinfo	     3
#define XEN_SYSCTL_getdomaininfolist 6
#define XEN_SYSCTL_getcpuinfo	     8
#define XEN_SYSCTL_hospes_trace	     0x4800 /* Hospes extension */
#define XEN_SYSCTL_hospes_cpustat    0x4801 /* Hospes extension */

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

/*
 * Each CPU's idle time in ns (time halted with nothing to run) for CPUs
 * 0 .. min(max_cpus, CPUs online) - 1; nr_cpus: how many were written.
 */
struct xen_sysctl_cpuinfo {
	uint64_t idletime;
};
typedef struct xen_sysctl_cpuinfo xen_sysctl_cpuinfo_t;
DEFINE_XEN_GUEST_HANDLE(xen_sysctl_cpuinfo);

struct xen_sysctl_getcpuinfo {
	uint32_t max_cpus; /* IN */
	XEN_GUEST_HANDLE(xen_sysctl_cpuinfo) info;
	uint32_t nr_cpus; /* OUT */
};

/*
 * Hospes extension: per-CPU counters since boot, for CPUs 0 .. min(max_cpus,
 * CPUs online) - 1 (layout and semantics as getcpuinfo); nr_cpus: how many
 * were written.  tlb_ipis counts the domain-wide TLB flush requests that
 * reached the CPU by IPI (sent only to CPUs holding the domain's tables).  cr3[HOSPES_CR3_*] counts the hypervisor's CR3 writes by
 * reason (each one empties the TLB of non-global entries on a CPU without
 * PCIDs, and the whole software TLB under QEMU's TCG).
 */
#define HOSPES_CR3_LOAD	 0 /* a picked vCPU's shadow root */
#define HOSPES_CR3_LEAVE 1 /* to the hypervisor's own tables */
#define HOSPES_CR3_MODE	 2 /* guest kernel <-> user mode */
#define HOSPES_CR3_FLUSH 3 /* a TLB flush (the same root reloaded) */
#define HOSPES_CR3_OTHER 4 /* the running vCPU's root changed; self-tests */
#define HOSPES_CR3_SLOTS 8 /* room in cr3[] (the rest read 0) */

struct hospes_cpustat {
	uint64_t idletime; /* ns halted with nothing to run (getcpuinfo's) */
	uint64_t halts;	   /* hlt instructions of the idle loop */
	uint64_t switches; /* picks of another vCPU than the one that ran before */
	uint64_t cr3[HOSPES_CR3_SLOTS];
	/* Halt polling (halt_poll=): idle periods that spun before halting,
	 * those a wake-up ended inside the spin (no halt), and the scheduler's
	 * wake-up requests of this CPU from others: sent as an IPI, or seen
	 * by its spin without one. */
	uint64_t polls;
	uint64_t poll_hits;
	uint64_t sched_ipis;
	uint64_t sched_ipis_saved;
	uint64_t tlb_ipis; /* TLB flush IPIs this CPU answered */
};
typedef struct hospes_cpustat hospes_cpustat_t;
DEFINE_XEN_GUEST_HANDLE(hospes_cpustat);

struct xen_sysctl_hospes_cpustat {
	uint32_t max_cpus; /* IN */
	XEN_GUEST_HANDLE(hospes_cpustat) stats;
	uint32_t nr_cpus; /* OUT */
};

/*
 * Hospes extension: tracing.  Each physical CPU keeps a ring of the
 * records below, written as things happen on that CPU; a domain's records
 * are written only while its trace mask is set.
 *
 *   HOSPES_TRACE_OP_set   domain's mask := mask (HOSPES_TRACE_HYPERCALLS
 *                         and/or HOSPES_TRACE_EVENTS; 0 stops).  -ESRCH
 *                         for no such domain, -EINVAL for other bits,
 *                         -ENOMEM if the rings cannot be allocated.
 *   HOSPES_TRACE_OP_read  records of CPU cpu from ring position pos on
 *                         (position = records ever written on that CPU),
 *                         those of domain `domain` (DOMID_INVALID: all)
 *                         whose kind is in mask (HOSPES_TRACE_HYPERCALLS:
 *                         hypercall and trap records, _EVENTS: event and
 *                         switch records); up to count of them into
 *                         buffer.  OUT: count = records written, pos =
 *                         where the next read starts, lost = records
 *                         overwritten before they could be read.  pos =
 *                         HOSPES_TRACE_POS_NOW starts at the ring's end.
 *                         -EINVAL for cpu >= the online CPUs.
 */
#define HOSPES_TRACE_OP_set  1
#define HOSPES_TRACE_OP_read 2

#define HOSPES_TRACE_HYPERCALLS (1U << 0)
#define HOSPES_TRACE_EVENTS	(1U << 1)
#define HOSPES_TRACE_POS_NOW	(~0ULL)

/* Record kinds (hospes_trace_rec.kind). */
#define HOSPES_TREC_HYPERCALL 1 /* op = number, arg[0..4], result, cycles = cost */
#define HOSPES_TREC_TRAP                                                                           \
	2 /* op = vector (0x100: syscall from guest user mode),
				   arg[0] = error code, arg[1] = CR2, arg[2] = guest RIP;
				   result = HOSPES_TRAP_*, cycles = 0 */
/* HOSPES_TREC_EVENT: domain/vcpu = notified, op = port, result = 1 if it
 * became pending, 0 if it already was; arg[0] = the port's EVTCHNSTAT_*,
 * arg[1] = its pirq, virq or (interdomain) the peer's port, arg[2] = the
 * peer domain (interdomain) or DOMID_INVALID. */
#define HOSPES_TREC_EVENT 3
#define HOSPES_TREC_SWITCH                                                                         \
	4 /* domain/vcpu = the vCPU now running (DOMID_IDLE: none),
				   arg[0] = previous domain (DOMID_IDLE: none), arg[1] = its vCPU */

#define HOSPES_TRAP_FIXED   0 /* handled by the hypervisor: the guest never saw it */
#define HOSPES_TRAP_BOUNCED 1 /* delivered to the guest kernel's handler */

struct hospes_trace_rec {
	uint64_t tsc;	/* time stamp counter when written */
	uint16_t kind;	/* HOSPES_TREC_* */
	uint16_t cpu;	/* physical CPU */
	domid_t domain; /* the domain it is about */
	uint16_t vcpu;	/* and its vCPU */
	uint32_t op;	/* hypercall number, vector or port */
	uint32_t pad;
	uint64_t arg[5];
	int64_t result;
	uint64_t cycles; /* TSC cycles the hypercall took in the hypervisor */
};
typedef struct hospes_trace_rec hospes_trace_rec_t;
DEFINE_XEN_GUEST_HANDLE(hospes_trace_rec);

struct xen_sysctl_hospes_trace {
	uint32_t op;	/* IN: HOSPES_TRACE_OP_* */
	domid_t domain; /* IN */
	uint16_t mask;	/* IN */
	uint32_t cpu;	/* IN (read) */
	uint32_t count; /* IN: buffer size in records; OUT: records written */
	uint64_t pos;	/* IN/OUT (read) */
	uint64_t lost;	/* OUT (read) */
	XEN_GUEST_HANDLE(hospes_trace_rec) buffer;
};

struct xen_sysctl {
	uint32_t cmd;
	uint32_t interface_version; /* XEN_SYSCTL_INTERFACE_VERSION */
	union {
		struct xen_sysctl_readconsole readconsole;
		struct xen_sysctl_physinfo physinfo;
		struct xen_sysctl_getdomaininfolist getdomaininfolist;
		struct xen_sysctl_getcpuinfo getcpuinfo;
		struct xen_sysctl_hospes_trace hospes_trace;
		struct xen_sysctl_hospes_cpustat hospes_cpustat;
		uint8_t pad[128];
	} u;
};
typedef struct xen_sysctl xen_sysctl_t;
DEFINE_XEN_GUEST_HANDLE(xen_sysctl);

#endif /* PUBLIC_SYSCTL_H */
