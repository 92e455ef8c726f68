/*
 * Installing a vCPU's own GDT entries (set_gdt, kernel/hypercall/descriptor.c)
 * into the GDT of the CPU it runs on.
 *
 * Every CPU's GDT is 16 pages: entries 0..7167 belong to the running vCPU
 * (zero, i.e. not present, when it set none), the hypervisor's start at
 * page 14 (gdt.c).  The vCPU's validated copy is copied in at every
 * switch-in and when it changes; entries a previous vCPU left above the
 * new count are cleared, so a vCPU never sees another's descriptors.
 * Segment registers keep the descriptor they loaded until reloaded, as on
 * hardware after a GDT write.
 *
 * Locks: none; only the CPU itself writes its GDT and its installed count.
 */
#include <hospes/lib.h>
#include <hospes/percpu.h>
#include <hospes/pv.h>

static unsigned int installed[NR_CPUS]; /* guest entries now in each CPU's GDT */

/* Out of line: the common switch between vCPUs without a GDT of their own
 * (and with none left installed) needs no registers saved. */
static __attribute__((noinline)) void install(uint64_t *gdt, unsigned int cpu,
					      const struct arch_vcpu *av, unsigned int n)
{
	if (n)
		memcpy(gdt, av->gdt, n * sizeof(*gdt));
	if (installed[cpu] > n)
		memset(gdt + n, 0, (installed[cpu] - n) * sizeof(*gdt));
	installed[cpu] = n;
}

void arch_load_guest_gdt(struct vcpu *v)
{
	unsigned int cpu = smp_processor_id();
	struct arch_vcpu *av = v->arch;
	unsigned int n = av->gdt ? av->gdt_ents : 0;
	av->gdt_dirty = false;
	if (n || installed[cpu])
		install(percpu[cpu].gdt, cpu, av, n);
}
