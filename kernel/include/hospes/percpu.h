/*
 * Per-CPU data: one struct percpu per CPU, found through this_cpu().
 *
 * In ring 0 the GS base register points at the running CPU's struct
 * percpu (whose first field points at itself), so this_cpu() and
 * smp_processor_id() are one load.  Entry from a guest (ring 3) swaps GS
 * (swapgs) so the guest's own GS base survives in MSR_KERNEL_GS_BASE; see
 * kernel/arch/x86_64/entry.S.  The host tests use a fake with one CPU.
 *
 * Fields are written by their owner CPU only, except online (set once by
 * the AP, read by the boot CPU) and the IPI counters (atomic).  The
 * CR3, halt and switch counters are written by their CPU with interrupts
 * off and read by anyone (XEN_SYSCTL_hospes_cpustat): whole u64 loads.
 */
#ifndef HOSPES_PERCPU_H
#define HOSPES_PERCPU_H

#include <hospes/smp.h>
#include <hospes/types.h>

struct vcpu;

/* Why the hypervisor wrote CR3 (counted per CPU; the order is
 * XEN_SYSCTL_hospes_cpustat's HOSPES_CR3_*). */
enum cr3_why {
	CR3_LOAD,  /* a picked vCPU's root: a switch, or a wake-up after a flush */
	CR3_LEAVE, /* to the hypervisor's own tables, off a guest's root */
	CR3_MODE,  /* guest kernel <-> user mode */
	CR3_FLUSH, /* a TLB flush (reload of the same root) */
	CR3_OTHER, /* a root change by the running vCPU, self-tests */
	CR3_NR
};

struct percpu {
	struct percpu *self;	 /* offset 0: this_cpu() reads it */
	unsigned int cpu_id;	 /* offset 8: smp_processor_id() reads it */
	uint32_t apic_id;	 /* local APIC id (x2APIC id in x2APIC mode) */
	struct vcpu *curr_vcpu;	 /* engineer F: the vCPU running here, or NULL */
	unsigned long stack_top; /* top of this CPU's hypervisor stack (TSS RSP0 when idle) */
	struct tss64 *tss;
	void *gdt;		   /* 16 pages; the hypervisor's descriptors from 0xE000 */
	volatile bool online;	   /* set by the CPU itself once it idles */
	uint64_t irqs, ipis;	   /* counters for the log and tests */
	unsigned long syscall_rsp; /* engineer F: guest rsp parked by the SYSCALL entry */
	const bool *resched;	   /* this CPU's sched_cpu.resched, read by the SYSCALL exit */
	/* kernel/arch/x86_64/pv.c: CR3 holds the root of a vCPU that does not
	 * run here any more (lazy idle); a flush request leaves it (tlb.c). */
	bool lazy_root;
	/* tlb.c: the domain whose shadow root CR3 holds (its dirty_cpus has
	 * this CPU's bit), NULL on the hypervisor's own tables with no guest
	 * translation cached.  This CPU's own, written with interrupts off. */
	struct domain *tables_of;
	uint64_t tlb_ipis; /* flush IPIs this CPU answered */
	uint64_t cr3_writes[CR3_NR];
	uint64_t halts;	   /* the idle loop's hlt instructions */
	uint64_t switches; /* picks of a vCPU other than the one before */
};

extern struct percpu percpu[NR_CPUS];

#include <asm/percpu.h>

#endif
