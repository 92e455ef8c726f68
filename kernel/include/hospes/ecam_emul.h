/*
 * dom0's writes to PCI Express configuration space (ECAM), emulated
 * (kernel/domain/ecam_emul.c; the arch glue is kernel/arch/x86_64/
 * ecam.c, the write itself msi.c's arch_pci_cfg_write).
 *
 * The hypervisor owns every MSI capability, so dom0 may map ECAM
 * read-only only (p2m_mmio_readonly).  A store of its kernel to such a
 * page faults; before the #PF is bounced, the hypervisor reads the
 * instruction at rip (untrusted bytes, fetched fault-safe, at most 15),
 * decodes it as one of the plain stores a driver uses:
 *
 *   88 /r       mov r/m8, r8        C6 /0 ib     mov r/m8, imm8
 *   89 /r       mov r/m16/32, r     C7 /0 iw/id  mov r/m16/32, imm
 *
 * with operand-size prefixes (66) and one REX right before the opcode
 * (REX.W, a 64-bit store, is not emulated), locates the function and
 * offset from the machine address the fault reached (CR2 through the
 * guest's tables: the address the CPU computed, so ModRM is only
 * measured, never evaluated), applies the same policy as the ports
 * (pci_cfg_write_refused: owned bytes drop the whole write), writes,
 * and steps rip past the instruction.  Anything else (another opcode, a
 * lock, rep or segment prefix, a store that is not naturally aligned, a
 * bus without a hypervisor mapping) is not emulated: the fault goes to
 * dom0 as before.
 */
#ifndef HOSPES_ECAM_EMUL_H
#define HOSPES_ECAM_EMUL_H

#include <hospes/types.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MMIO_INSN_MAX 15 /* the longest x86 instruction */
#define MMIO_NO_REG   (-1)

/* A decoded store: len bytes long, size (1, 2, 4) bytes from reg or imm. */
struct mmio_store {
	unsigned int len;
	unsigned int size;
	int reg;    /* source register (0 = rax .. 15 = r15), MMIO_NO_REG: imm */
	bool high8; /* reg 4..7 name AH, CH, DH, BH (a byte store without REX) */
	uint32_t imm;
};

/* 0 and *out if b[0..n) starts with a store we emulate, else -1. */
int mmio_decode_store(const uint8_t *b, size_t n, struct mmio_store *out);
/* The bytes the store writes, from the guest's registers (x86 order: rax, rcx, ...). */
uint32_t mmio_store_value(const struct mmio_store *s, const uint64_t gpr[16]);

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
 * faulted writing machine address maddr, with the guest's registers gpr:
 * 0 and *len (advance rip by it) if done (written or dropped by the
 * policy), -1 if not emulated.
 */
int ecam_emulate(const uint8_t *insn, size_t n, paddr_t maddr, const uint64_t gpr[16],
		 unsigned int *len);

#endif
