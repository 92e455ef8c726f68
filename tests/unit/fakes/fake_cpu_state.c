/* Host stand-ins for the CPU-state glue of kernel/arch/x86_64 (fpu.c and
 * the GDT install in pv_gdt.c): only the vCPU fields exist here. */
#include <hospes/fpu.h>

unsigned int fake_gdt_loads;

void fpu_set_guest_ts(struct vcpu *v, bool ts)
{
	v->arch->fpu_ts = ts;
}

void arch_load_guest_gdt(struct vcpu *v)
{
	v->arch->gdt_dirty = false;
	fake_gdt_loads++;
}
