/*
 * struct cpu_regs: the frame every exception, interrupt and int $0x82 entry
 * (kernel/arch/x86_64/entry.S) leaves on the stack, lowest address first.
 *
 * The stubs push the general registers after the vector and error code
 * (a zero error code is pushed for vectors where the CPU gives none), and
 * the CPU has pushed the hardware frame (rip, cs, rflags, rsp, ss) before
 * that, always 16-byte aligned in 64-bit mode.  C handlers receive a
 * pointer to this frame; changes they make to it are what iretq restores,
 * which is how engineer F bounces a guest trap (rewrite rip/cs/rsp/ss) or
 * returns a hypercall's result (rax).
 *
 * The layout is fixed by entry.S (REGS_* offsets below, checked by
 * static asserts in traps.c); guest_mode(regs) tells whether the CPU was in
 * a guest (ring 3) when the event arrived.
 */
#ifndef ASM_REGS_H
#define ASM_REGS_H

#ifndef __ASSEMBLY__
#include <hospes/types.h>

struct cpu_regs {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector;     /* 0-255 */
	uint64_t error_code; /* the CPU's, or 0 */
	/* pushed by the CPU */
	uint64_t rip, cs, rflags, rsp, ss;
};

static inline bool guest_mode(const struct cpu_regs *regs)
{
	return (regs->cs & 3) != 0;
}
#endif

/* Byte offsets into struct cpu_regs for entry.S. */
#define REGS_R15    0x00
#define REGS_R14    0x08
#define REGS_R13    0x10
#define REGS_R12    0x18
#define REGS_R11    0x20
#define REGS_R10    0x28
#define REGS_R9	    0x30
#define REGS_R8	    0x38
#define REGS_RBP    0x40
#define REGS_RDI    0x48
#define REGS_RSI    0x50
#define REGS_RDX    0x58
#define REGS_RCX    0x60
#define REGS_RBX    0x68
#define REGS_RAX    0x70
#define REGS_VECTOR 0x78
#define REGS_ERROR  0x80
#define REGS_RIP    0x88
#define REGS_CS	    0x90
#define REGS_RFLAGS 0x98
#define REGS_RSP    0xa0
#define REGS_SS	    0xa8
#define REGS_SIZE   0xb0

#endif
