/*
 * Delivering guest-visible events into a PV guest (kernel/domain/bounce.c):
 * exceptions, event upcalls and user-mode syscalls are "bounced" to the
 * guest kernel's handler with Xen's bounce frame; the iret hypercall
 * returns from them.  All of it works on struct pv_frame, the part of the
 * interrupted guest context these paths read and change, so it is
 * host-tested; the arch entry code copies it to and from its register frame.
 */
#ifndef HOSPES_BOUNCE_H
#define HOSPES_BOUNCE_H

#include <hospes/domain.h>

struct pv_frame {
	uint64_t rip, cs, rflags, rsp, ss;
	uint64_t rax, rcx, r11;
	paddr_t new_cr3; /* set when the guest changed mode: load before returning, else 0 */
};

/* Each returns 0, or -1 after crashing the domain (the reason is logged). */
/* pv_exception rewrites only f's rip, cs, rflags, rsp, ss and new_cr3. */
int pv_exception(struct vcpu *v, struct pv_frame *f, unsigned int vector, uint32_t error,
		 unsigned long cr2);
int pv_syscall_from_user(struct vcpu *v, struct pv_frame *f);
/* pv_iret reads only f's rip and rsp (and new_cr3, 0); on success it writes
 * every other field. */
int pv_iret(struct vcpu *v, struct pv_frame *f);
/* On every exit to the guest: deliver the event upcall if pending and unmasked. */
int pv_deliver_events(struct vcpu *v, struct pv_frame *f);
/* pv_events_deliverable() (would it bounce an upcall now?) is in hospes/pv.h. */

/* Crash d (shutdown reason crash) with a message naming domain, vCPU, RIP and cause. */
void domain_crash(struct vcpu *v, uint64_t rip, const char *why);

#define PV_STORM_LIMIT 1000 /* identical exceptions in a row before the guest is crashed */

#endif
