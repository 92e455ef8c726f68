/*
 * vcpu_op (hypercall 24): bringing vCPUs up and down, their timers, and
 * the guest memory areas the hypervisor keeps up to date for them.
 *
 * vcpu_op(cmd, vcpuid, arg): vcpuid must be a vCPU of the caller.  Timers
 * take absolute system time (ns since hypervisor boot, the timebase of
 * vcpu_time_info) and raise VIRQ_TIMER.
 */
#ifndef PUBLIC_VCPU_H
#define PUBLIC_VCPU_H

#include "xen.h"

#define VCPUOP_initialise		      0 /* arg: vcpu_guest_context */
#define VCPUOP_up			      1
#define VCPUOP_down			      2
#define VCPUOP_is_up			      3
#define VCPUOP_get_runstate_info	      4
#define VCPUOP_register_runstate_memory_area  5
#define VCPUOP_set_periodic_timer	      6
#define VCPUOP_stop_periodic_timer	      7
#define VCPUOP_set_singleshot_timer	      8
#define VCPUOP_stop_singleshot_timer	      9
#define VCPUOP_register_vcpu_info	      10
#define VCPUOP_send_nmi			      11
#define VCPUOP_get_physid		      12
#define VCPUOP_register_vcpu_time_memory_area 13
#define VCPUOP_register_runstate_phys_area    14
#define VCPUOP_register_vcpu_time_phys_area   15

#define RUNSTATE_running  0
#define RUNSTATE_runnable 1
#define RUNSTATE_blocked  2
#define RUNSTATE_offline  3

struct vcpu_runstate_info {
	int state;		   /* RUNSTATE_* */
	uint64_t state_entry_time; /* bit 63: XEN_RUNSTATE_UPDATE while rewriting */
	uint64_t time[4];	   /* ns spent in each state */
};
typedef struct vcpu_runstate_info vcpu_runstate_info_t;
DEFINE_XEN_GUEST_HANDLE(vcpu_runstate_info);

#define XEN_RUNSTATE_UPDATE (1ULL << 63)

struct vcpu_register_runstate_memory_area {
	union {
		XEN_GUEST_HANDLE(vcpu_runstate_info) h;
		uint64_t p; /* guest virtual (or, for *_phys_area, physical) address */
	} addr;
};
typedef struct vcpu_register_runstate_memory_area vcpu_register_runstate_memory_area_t;

struct vcpu_set_periodic_timer {
	uint64_t period_ns;
};
typedef struct vcpu_set_periodic_timer vcpu_set_periodic_timer_t;

#define _VCPU_SSHOTTMR_future 0
#define VCPU_SSHOTTMR_future  (1U << _VCPU_SSHOTTMR_future)

struct vcpu_set_singleshot_timer {
	uint64_t timeout_abs_ns;
	uint32_t flags; /* VCPU_SSHOTTMR_* */
};
typedef struct vcpu_set_singleshot_timer vcpu_set_singleshot_timer_t;

/* Move this vCPU's vcpu_info to (mfn, offset); it must not cross the page. */
struct vcpu_register_vcpu_info {
	uint64_t mfn;
	uint32_t offset;
	uint32_t rsvd;
};
typedef struct vcpu_register_vcpu_info vcpu_register_vcpu_info_t;

struct vcpu_get_physid {
	uint64_t phys_id; /* low 32: APIC id, high 32: ACPI id */
};
typedef struct vcpu_get_physid vcpu_get_physid_t;

struct vcpu_register_time_memory_area {
	union {
		XEN_GUEST_HANDLE(void) h;
		uint64_t p;
	} addr;
};
typedef struct vcpu_register_time_memory_area vcpu_register_time_memory_area_t;

#endif /* PUBLIC_VCPU_H */
