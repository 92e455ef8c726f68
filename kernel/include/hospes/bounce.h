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

#include <hospes/pv.h>

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

/* Switch v between guest kernel and user mode: the CR3 to load before
 * returning (the mode's shadow root); bases_dirty is set (GS swaps). */
paddr_t pv_set_kernel_mode(struct vcpu *v, bool kernel);

/* Crash d (shutdown reason crash) with a message naming domain, vCPU, RIP and cause. */
void domain_crash(struct vcpu *v, uint64_t rip, const char *why);

#define PV_STORM_LIMIT 1000 /* identical exceptions in a row before the guest is crashed */

/*
 * The words of the frame rules, shared by bounce.c and the arch fast path
 * (kernel/arch/x86_64/pv_fast.c) so both build the same frame.
 */
#define PV_RFLAGS_IF   (1UL << 9)
#define PV_RFLAGS_IOPL (3UL << 12)
#define PV_RFLAGS_DROP                                                                             \
	((1UL << 8) | (1UL << 14) | (1UL << 16) | (1UL << 17) | (1UL << 18)) /* TF NT RF VM AC */

/* The frame's CS slot: the interrupted CS (RPL 0 if it was guest kernel
 * context), the upcall mask before the bounce in bits 32-39. */
static inline uint64_t pv_frame_cs(uint64_t cs, bool from_kernel, uint8_t old_mask)
{
	return (from_kernel ? (cs & ~3UL) : cs) | ((uint64_t)old_mask << 32);
}

/* The frame's RFLAGS slot: IF says events were unmasked, IOPL 0. */
static inline uint64_t pv_frame_rflags(uint64_t rflags, uint8_t old_mask)
{
	return (rflags & ~(PV_RFLAGS_IF | PV_RFLAGS_IOPL)) | (old_mask ? 0 : PV_RFLAGS_IF);
}

/* The RFLAGS a guest kernel runs with after a bounce or an iret. */
static inline uint64_t pv_kernel_rflags(uint64_t rflags)
{
	return (rflags & ~(PV_RFLAGS_DROP | PV_RFLAGS_IOPL)) | PV_RFLAGS_IF;
}

/* A #PF's error code as the guest sees it: U/S says the guest's mode. */
static inline uint32_t pv_pf_error(uint32_t error, bool kernel_mode)
{
	return kernel_mode ? (error & ~4U) : (error | 4U);
}

/* Exception storms: the count of identical exceptions in a row if the
 * next one is vector at rip (an iret resets the count). */
static inline unsigned int pv_storm_next(const struct arch_vcpu *av, unsigned int vector,
					 uint64_t rip)
{
	return av->last_trap_vector == vector && av->last_trap_rip == rip ? av->trap_repeats + 1
									  : 1;
}

/* Record that count (PV_STORM_LIMIT crashes the guest). */
static inline void pv_storm_set(struct arch_vcpu *av, unsigned int vector, uint64_t rip,
				unsigned int count)
{
	av->last_trap_vector = vector;
	av->last_trap_rip = rip;
	av->trap_repeats = count;
}

#endif
