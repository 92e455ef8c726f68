/*
 * The x86-64 side of the pvguest kernel: the trap frame trap_common
 * (head.S) builds, the virtual interrupt flag, the TSC.
 */
#ifndef PVGUEST_ASM_ARCH_H
#define PVGUEST_ASM_ARCH_H

#include <stdint.h>
#include <core/kernel.h>

/* Laid out by head.S: the saved registers, then vector, error code, and
 * the hardware-style return frame. */
struct trap_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	int64_t vector; /* -1: event upcall, -2: failsafe */
	uint64_t error_code;
	uint64_t rip, cs, rflags, rsp, ss;
};

#define VECTOR_EVENT	-1
#define VECTOR_FAILSAFE -2
#define VECTOR_SYSCALL	-3

/* A frame saved in guest user mode (the hypervisor gives kernel-mode
 * frames a CS with RPL 0). */
static inline bool frame_from_user(const struct trap_frame *f)
{
	return (f->cs & 3) == 3;
}

/* evtchn_upcall_mask is the virtual interrupt flag (nonzero: masked). */
static inline uint8_t irq_save(void)
{
	uint8_t *m = &shared_info->vcpu_info[0].evtchn_upcall_mask;
	uint8_t old = *m;
	*m = 1;
	__asm__ volatile("" ::: "memory");
	return old;
}

void irq_restore(uint8_t old);

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

void traps_init(void);
/* "page fault", ... for an exception vector. */
const char *trap_name(int64_t vector);

#endif
