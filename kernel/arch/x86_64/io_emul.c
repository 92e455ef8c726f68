/*
 * Arch glue of the driver domain's port I/O (hospes/io_emul.h): the real
 * in/out instructions, and the #GP hook that lets io_emulate() try a
 * faulting guest instruction before the #GP is bounced to the guest.
 */
#include <asm/io.h>
#include <asm/regs.h>
#include <hospes/guest_access.h>
#include <hospes/io_emul.h>
#include <hospes/pv.h>

uint32_t arch_io_in(unsigned int port, unsigned int size)
{
	uint16_t p = (uint16_t)port;

	if (size == 1)
		return inb(p);
	if (size == 2) {
		uint16_t v;
		__asm__ __volatile__("inw %1, %0" : "=a"(v) : "Nd"(p));
		return v;
	}
	return inl(p);
}

void arch_io_out(unsigned int port, unsigned int size, uint32_t value)
{
	uint16_t p = (uint16_t)port;

	if (size == 1)
		outb(p, (uint8_t)value);
	else if (size == 2)
		outw(p, (uint16_t)value);
	else
		outl(p, value);
}

/* A guest #GP: true if it was port I/O we carried out (rip moved past it). */
bool pv_io_gp(struct cpu_regs *regs)
{
	struct vcpu *v = current_vcpu();
	unsigned int len;

	if (!v || !v->domain->is_privileged)
		return false;
	if (io_emulate(v, v->arch->kernel_mode, regs->rip, &regs->rax, regs->rdx, &len))
		return false;
	regs->rip += len;
	return true;
}
