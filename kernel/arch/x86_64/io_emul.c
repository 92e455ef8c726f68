/*
 * Arch glue of the driver domain's port I/O (hospes/io_emul.h): the real
 * in/out instructions (the PCI configuration ports through msi.c, which
 * keeps dom0's writes off the MSI capabilities), and the #GP hook that
 * lets io_emulate() try a faulting guest instruction before the #GP is
 * bounced to the guest.
 */
#include <asm/io.h>
#include <asm/regs.h>
#include <hospes/guest_access.h>
#include <hospes/io_emul.h>
#include <hospes/pci_cfg.h>
#include <hospes/pv.h>

/* Configuration ports go through msi.c's lock and guard (hospes/pci_cfg.h). */
static bool pci_cfg_port(unsigned int port, unsigned int size)
{
	return port + size > PCI_CFG_ADDR && port < PCI_CFG_DATA + 4;
}

uint32_t arch_io_in(unsigned int port, unsigned int size)
{
	if (pci_cfg_port(port, size))
		return arch_pci_cfg_in(port, size);
	return port_in((uint16_t)port, size);
}

void arch_io_out(unsigned int port, unsigned int size, uint32_t value)
{
	if (pci_cfg_port(port, size))
		arch_pci_cfg_out(port, size, value);
	else
		port_out((uint16_t)port, size, value);
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
