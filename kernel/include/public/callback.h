/*
 * callback_op (hypercall 30): where the hypervisor enters the guest kernel
 * for events, failed segment loads, system calls from guest user space
 * and NMIs.  set_callbacks (hypercall 4) is the older three-address form.
 */
#ifndef PUBLIC_CALLBACK_H
#define PUBLIC_CALLBACK_H

#include "xen.h"

#define CALLBACKTYPE_event		 0 /* event-channel upcall; events masked on entry */
#define CALLBACKTYPE_failsafe		 1 /* segment reload failed */
#define CALLBACKTYPE_syscall		 2 /* syscall from 64-bit guest user mode */
#define CALLBACKTYPE_sysenter_deprecated 3
#define CALLBACKTYPE_nmi		 4
#define CALLBACKTYPE_sysenter		 5
#define CALLBACKTYPE_syscall32		 7

#define _CALLBACKF_mask_events 0
#define CALLBACKF_mask_events  (1U << _CALLBACKF_mask_events)

#define CALLBACKOP_register   0
#define CALLBACKOP_unregister 1

struct callback_register {
	uint16_t type;	/* CALLBACKTYPE_* */
	uint16_t flags; /* CALLBACKF_* */
	xen_callback_t address;
};
typedef struct callback_register callback_register_t;

struct callback_unregister {
	uint16_t type;
	uint16_t _unused;
};
typedef struct callback_unregister callback_unregister_t;

#endif /* PUBLIC_CALLBACK_H */
