/*
 * Exceptions and interrupt vectors: the interface of idt.c and traps.c.
 *
 * Vectors 0-31 are the CPU's exceptions, dispatched by traps.c: from the
 * hypervisor (ring 0) they are fatal after a register dump and backtrace,
 * except page faults, which go first to do_page_fault() (engineer D's
 * shadow code) and then to the exception-fixup table; from a guest (RPL 3)
 * they go to pv_trap() (engineer F).  Vectors 32-255 are interrupts and
 * IPIs: whoever owns a vector registers a handler with irq_set_handler().
 */
#ifndef ASM_TRAPS_H
#define ASM_TRAPS_H

#include <asm/regs.h>

/* Exception vectors. */
#define TRAP_DE	 0
#define TRAP_DB	 1
#define TRAP_NMI 2
#define TRAP_BP	 3
#define TRAP_UD	 6
#define TRAP_NM	 7
#define TRAP_DF	 8
#define TRAP_GP	 13
#define TRAP_PF	 14
#define TRAP_MC	 18

/* Interrupt vectors Hospes uses (higher vector = higher priority class). */
#define VEC_IRQ_BASE	 0x30 /* ISA IRQ n (through the IOAPIC or PIC) -> 0x30 + n */
#define VEC_HYPERCALL	 0x82 /* int $0x82, DPL 3 */
#define VEC_CALL_FUNC	 0xf0 /* IPI: smp_call_function */
#define VEC_TIMER	 0xf1 /* LAPIC timer and the "reprogram" IPI */
#define VEC_RESCHED	 0xf2 /* IPI: the scheduler's kick (pv.c) */
#define VEC_SELFTEST_IPI 0xf3 /* IPI: round-trip test */
#define VEC_TLB_FLUSH	 0xf4 /* IPI: remote TLB flush (tlb.c) */
#define VEC_SPURIOUS	 0xff

typedef void (*irq_handler_t)(struct cpu_regs *regs);
bool pv_io_gp(struct cpu_regs *regs); /* io_emul.c: a guest #GP that was port I/O, done */
/* cpuid.c: a guest #UD that was the forced-emulation prefix, and a guest
 * #GP(0) that was cpuid under CPUID faulting or the hypercall-page wrmsr:
 * emulated (or the guest's own #PF bounced); false = bounce it as it is. */
bool pv_emulate_ud(struct cpu_regs *regs);
bool pv_emulate_gp(struct cpu_regs *regs);
/* pv.c: bounce vector to the running guest in place of the exception it raised. */
void pv_trap_as(struct cpu_regs *regs, unsigned int vector, uint32_t error, unsigned long cr2);
/* ecam.c: a guest #PF (guest error code gec) that was dom0's ECAM store, done. */
bool pv_ecam_store(struct cpu_regs *regs, unsigned long cr2, unsigned int gec);

/* Route vector (32-255) to fn; the handler must send EOI (lapic_eoi). */
void irq_set_handler(unsigned int vector, irq_handler_t fn);

/* Make vector a DPL-3 gate (reachable with int $vector from a guest) to fn. */
void irq_set_gate_dpl3(unsigned int vector, irq_handler_t fn);

/* Build the IDT once (boot CPU) and load it (every CPU). */
void idt_init(void);
void idt_load(void);

/* The C entries from entry.S: every vector, and #PF first (page_fault.c). */
void do_trap(struct cpu_regs *regs);
void do_page_fault_entry(struct cpu_regs *regs);
/* NMI, #DF and #MC (IST stacks; nmi.c); swapped: the entry did swapgs. */
void do_paranoid(struct cpu_regs *regs, bool swapped);
/* A hypervisor bug: registers, CR2 for a page fault, backtrace, panic (traps.c). */
__attribute__((noreturn)) void fatal_exception(struct cpu_regs *regs, unsigned long cr2);

/* cpu_protect.c: a ring-0 #PF at cr2 with this fixup (0 = none); an
 * instruction fetch from a guest page never returns (SMEP), a data access
 * with AC clear is a missing STAC (SMAP): it panics without a fixup and is
 * counted and logged with one. */
void cpu_protect_fault(struct cpu_regs *regs, unsigned long cr2, unsigned long fixup);

/*
 * Hooks others implement (weak defaults in traps.c panic or decline):
 *   pv_trap        engineer F: an exception raised by a guest (bounce it)
 *   do_page_fault  engineer D: returns true if the fault was handled
 *                  (shadow fill, or bounced to the guest)
 */
void pv_trap(struct cpu_regs *regs);
void pv_irq_exit(struct cpu_regs *regs); /* F: after an interrupt that arrived in a guest */
bool do_page_fault(struct cpu_regs *regs, unsigned long cr2);

/*
 * Exception fixup: an instruction that may fault on purpose (a guest
 * memory access in ring 0) is listed with the address to resume at.  Use
 * EXTABLE_ENTRY(insn_label, fixup_label) inside inline assembly.
 */
struct extable_entry {
	unsigned long insn, fixup;
};

#define EXTABLE_ENTRY(insn, fixup)                                                                 \
	".pushsection .extable, \"a\"\n\t.balign 8\n\t.quad " #insn ", " #fixup "\n\t."            \
	"popsection\n"

/* The fixup address for a fault at rip, or 0. */
unsigned long extable_search(unsigned long rip);

#endif
