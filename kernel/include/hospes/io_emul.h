/*
 * Port I/O of the driver domain (kernel/domain/io_emul.c).
 *
 * Guests run in ring 3 with the CPU's IOPL at 0, so every in/out they
 * execute raises #GP.  For the privileged domain the #GP handler asks
 * io_emulate() first: it reads the instruction at the guest's rip,
 * decodes it (in/out with an 8-bit immediate or DX port, 8/16/32-bit,
 * operand-size prefix), checks the port against the domain's virtual
 * IOPL and I/O bitmap (physdev_op) and the hypervisor's own ports, does
 * the access and tells the caller how far to advance rip.  Anything else
 * (string I/O, a port not allowed) stays a #GP for the guest.
 *
 * Why emulation and not the TSS I/O bitmap: guest kernel and guest user
 * share ring 3, so a hardware bitmap would give user mode the kernel's
 * ports unless switched on every kernel/user transition; a trap per I/O
 * costs more per access but nothing on any other path, and drivers do
 * their bulk work by DMA and MMIO.  (docs/driver-domain.md has figures.)
 */
#ifndef HOSPES_IO_EMUL_H
#define HOSPES_IO_EMUL_H

#include <hospes/domain.h>

struct io_insn {
	unsigned int len;  /* bytes */
	unsigned int size; /* 1, 2 or 4 */
	bool in;
	bool dx; /* port in DX, else imm */
	uint8_t imm;
};

/* 0 and *out if b[0..n) starts with a port I/O instruction we emulate, else -1. */
int io_decode(const uint8_t *b, size_t n, struct io_insn *out);
/* Ports the hypervisor keeps (its COM1 log, PIC, PIT, ELCR, the QEMU exit port). */
bool io_port_reserved(unsigned int port, unsigned int size);
/*
 * Emulate the instruction at rip for v (kernel_mode: the guest's mode).
 * 0 with *len set and *rax updated for an in; -1 if not emulated.
 */
int io_emulate(struct vcpu *v, bool kernel_mode, unsigned long rip, unsigned long *rax,
	       unsigned long rdx, unsigned int *len);

/* Arch layer (kernel/arch/x86_64/io_emul.c; fakes in the host tests). */
uint32_t arch_io_in(unsigned int port, unsigned int size);
void arch_io_out(unsigned int port, unsigned int size, uint32_t value);

#endif
