/*
 * dom0's writes to PCI Express configuration space (ECAM), emulated
 * (kernel/domain/ecam_emul.c; the arch glue is kernel/arch/x86_64/
 * ecam.c, the write itself msi.c's arch_pci_cfg_write).
 *
 * The hypervisor owns every MSI capability, so dom0 may map ECAM
 * read-only only (p2m_mmio_readonly).  A store of its kernel to such a
 * page faults; before the #PF is bounced, the hypervisor reads the
 * instruction at rip (untrusted bytes, fetched fault-safe, at most 15),
 * decodes it as one of the stores a driver's accessors emit:
 *
 *   88 /r       mov r/m8, r8        C6 /0 ib     mov r/m8, imm8
 *   89 /r       mov r/m, r          C7 /0 iw/id  mov r/m, imm
 *   08 09 /r    or  r/m, r          80 /1 ib, 81 /1 iw/id, 83 /1 ib  or  r/m, imm
 *   20 21 /r    and r/m, r          80 /4, 81 /4, 83 /4              and r/m, imm
 *   30 31 /r    xor r/m, r          80 /6, 81 /6, 83 /6              xor r/m, imm
 *
 * in 8, 16 (prefix 66), 32 and 64 bits (REX.W; an imm32 or imm8 is sign-
 * extended to the operand size), with one REX right before the opcode.
 * Which forms, and why these: Linux's x86 ECAM accessors are inline asm
 * `mov` of AL/AX/EAX (written so a hypervisor can decode them), our
 * dom0's are volatile C stores (a compiler's `mov`); a compiler turns a
 * volatile `reg |= bit` / `&= ~bit` / `^= bit` on a mapped register into
 * one or/and/xor with a memory destination, so those are emulated as a
 * read of the current value, the operation, one write, and RFLAGS as the
 * CPU sets them (CF = OF = 0; SF, ZF, PF from the result; AF, undefined,
 * left).  A 64-bit store (a memcpy or a structure copy of a BAR pair) is
 * written as two dword configuration writes, low first, as a root complex
 * splits it.  Not emulated, their fault goes to dom0: add, sub, adc, sbb,
 * cmp, bt*, xchg and the string forms (no guest meaning on configuration
 * registers), lock/rep/segment prefixes.  Loads need nothing: the
 * read-only mapping serves them, whatever their width.
 *
 * The hypervisor locates the function and offset from the machine
 * address the fault reached (CR2 through the guest's tables: the address
 * the CPU computed, so ModRM is only measured, never evaluated), applies
 * the same policy as the ports (pci_cfg_write_refused: owned bytes drop
 * the whole write), writes, and steps rip past the instruction.  Anything
 * else (another opcode or prefix, a store that is not naturally aligned,
 * a bus without a hypervisor mapping) is not emulated: the fault goes to
 * dom0 as before.  The read of a read-modify-write and its write are two
 * accesses, as an unlocked `or` to a device register is on a real bus.
 */
#ifndef HOSPES_ECAM_EMUL_H
#define HOSPES_ECAM_EMUL_H

#include <hospes/types.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MMIO_INSN_MAX 15 /* the longest x86 instruction */
#define MMIO_NO_REG   (-1)

enum mmio_op {
	MMIO_MOV, /* the source replaces the bytes */
	MMIO_OR,  /* read, combine, write; RFLAGS as the logic operations set them */
	MMIO_AND,
	MMIO_XOR,
};

/* A decoded store: len bytes long, size (1, 2, 4, 8) bytes combined by op
 * from reg or imm (sign-extended to size, then truncated). */
struct mmio_store {
	unsigned int len;
	unsigned int size;
	enum mmio_op op;
	int reg;    /* source register (0 = rax .. 15 = r15), MMIO_NO_REG: imm */
	bool high8; /* reg 4..7 name AH, CH, DH, BH (a byte store without REX) */
	uint64_t imm;
};

/* 0 and *out if b[0..n) starts with a store we emulate, else -1. */
int mmio_decode_store(const uint8_t *b, size_t n, struct mmio_store *out);
/* The source operand (size bytes), from the guest's registers (x86 order: rax, rcx, ...). */
uint64_t mmio_store_value(const struct mmio_store *s, const uint64_t gpr[16]);
/* The bytes the store leaves: src combined with old (the current content) by s->op. */
uint64_t mmio_store_result(const struct mmio_store *s, uint64_t old, uint64_t src);
/* RFLAGS after the store (unchanged for a mov; or/and/xor: CF, OF clear,
 * SF, ZF, PF from result, AF and the rest kept). */
uint64_t mmio_store_rflags(const struct mmio_store *s, uint64_t rflags, uint64_t result);

/*
 * An ECAM window of PCI segment 0: machine address base is bus first's
 * function 0.0 offset 0; buses first..last.  At most ECAM_WINDOWS.
 */
#define ECAM_WINDOWS 4
int ecam_add_window(paddr_t base, unsigned int first, unsigned int last);
/* Function (bus << 8 | devfn) and offset that machine address maddr reaches. */
bool ecam_locate(paddr_t maddr, uint16_t *sbdf, unsigned int *off);

/*
 * Emulate the store insn[0..n) (the bytes at the faulting rip) that
 * faulted writing machine address maddr, with the guest's registers gpr
 * and *rflags: 0, *len (advance rip by it) and *rflags if done (written
 * or dropped by the policy), -1 if not emulated (nothing changed).
 */
int ecam_emulate(const uint8_t *insn, size_t n, paddr_t maddr, const uint64_t gpr[16],
		 uint64_t *rflags, unsigned int *len);

#endif
