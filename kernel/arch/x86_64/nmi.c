/*
 * NMI, #DF and #MC: the three exceptions that run on IST stacks and come
 * through entry.S's paranoid path, which swaps GS only when the GS base
 * it finds is not the hypervisor's (an NMI can arrive between a guest
 * entry and its swapgs, or between the swapgs of an exit and its
 * SYSRET or IRET).  do_paranoid gets the frame and whether the path
 * swapped.
 *
 * A double fault or a machine check is fatal: there is no recovery from
 * either here, so both end in fatal_exception (traps.c), also when a
 * guest ran (a machine check is no guest's exception to handle).
 *
 * An NMI is never the running guest's: it comes from the hardware or
 * from another CPU (the stop request of panic and reboot), so it is not
 * bounced into whatever vCPU happened to run (Xen does not either).  The
 * handler takes no lock, may not fault and does nothing that could
 * re-enable NMIs before its IRET (an exception's IRET would, and a
 * second NMI would then reuse the IST stack under the first): a stop
 * request halts the CPU, anything else is only counted, per CPU.
 * printk cannot run here (the interrupted code may hold its lock), so an
 * unexplained NMI is reported later from the timer interrupt
 * (nmi_report_pending).
 *
 * nmi_test=<hz> is the test of all this: PIT channel 0 runs as a rate
 * generator whose IRQ 0 the IOAPIC delivers as an NMI to every CPU, so
 * NMIs land anywhere, asynchronously to what the CPUs run (under
 * -icount at any instruction, also inside the swapgs windows).  Every
 * NMI first checks that GS found this CPU's own percpu: the record's
 * self pointer, and its APIC id against the local APIC's; a mismatch is
 * counted and fails the selftest verdict.  Each NMI is classified by
 * where it landed: in a guest; in the hypervisor with its own GS; or
 * with the guest's GS in ring 0, which happens only in the windows: at
 * syscall_entry's swapgs, at the SYSRETQ or IRETQ that follows an exit's
 * swapgs, or elsewhere (an exception entry from a guest before its
 * swapgs, the register restore of an IRETQ exit after it).
 * nmi_test_report prints the counts when the test's verdict is given
 * (hospes_exit_qemu; tests/scenarios/nmi.sh reads them).
 */
#include <asm/apic.h>
#include <asm/io.h>
#include <asm/regs.h>
#include <asm/smp.h>
#include <asm/traps.h>
#include <hospes/lib.h>
#include <hospes/nmi.h>
#include <hospes/percpu.h>

extern char syscall_entry[] __attribute__((visibility("hidden"))); /* pv_entry.S */

#define PIT_CH0	 0x40
#define PIT_MODE 0x43
#define PIT_HZ	 1193182U

struct nmi_count {
	unsigned long total, guest, at_syscall, at_return, in_window, hypervisor;
} __attribute__((aligned(64)));

static struct nmi_count nmi_counts[NR_CPUS];
static unsigned long nmi_wrong_percpu;	    /* NMIs that found another CPU's GS base */
volatile bool nmi_unreported;		    /* an unexplained NMI since the last report */
static unsigned long nmi_reported[NR_CPUS]; /* total at the last report */
static bool nmi_testing;

/* The instruction at rip returns to a guest (SYSRETQ 48 0f 07, IRETQ 48 cf). */
static bool at_guest_return(unsigned long rip)
{
	const uint8_t *ip = (const uint8_t *)rip;
	return ip[0] == 0x48 && (ip[1] == 0xcf || (ip[1] == 0x0f && ip[2] == 0x07));
}

/* The percpu GS leads to is this CPU's own; its index, or NR_CPUS if not. */
static unsigned int own_percpu(void)
{
	struct percpu *p = this_cpu();
	unsigned int cpu = p->cpu_id;
	if (cpu >= NR_CPUS || &percpu[cpu] != p || p->apic_id != lapic_id())
		return NR_CPUS;
	return cpu;
}

static void do_nmi(struct cpu_regs *regs, bool swapped)
{
	if (cpus_stopping)
		cpu_stop_here();
	unsigned int cpu = own_percpu();
	if (cpu == NR_CPUS) {
		__atomic_fetch_add(&nmi_wrong_percpu, 1, __ATOMIC_RELAXED);
		return;
	}
	struct nmi_count *c = &nmi_counts[cpu];
	c->total++;
	if (guest_mode(regs))
		c->guest++;
	else if (!swapped)
		c->hypervisor++;
	else if (regs->rip == (unsigned long)syscall_entry)
		c->at_syscall++;
	else if (at_guest_return(regs->rip))
		c->at_return++;
	else
		c->in_window++;
	if (!nmi_testing)
		nmi_unreported = true;
}

void do_paranoid(struct cpu_regs *regs, bool swapped)
{
	if (regs->vector == TRAP_NMI) {
		do_nmi(regs, swapped);
		return;
	}
	fatal_exception(regs, 0); /* #DF, #MC */
}

void nmi_report_now(void)
{
	nmi_unreported = false;
	for (unsigned int c = 0; c < NR_CPUS; c++) {
		unsigned long total = nmi_counts[c].total;
		if (total != nmi_reported[c])
			printk(LOG_WARN "CPU%u: %lu unexplained NMI(s), ignored\n", c,
			       total - nmi_reported[c]);
		nmi_reported[c] = total;
	}
}

bool nmi_test_start(unsigned int hz)
{
	unsigned int divisor = PIT_HZ / hz;
	if (hz == 0 || divisor == 0 || divisor > 0xffff || !isa_irq_route_nmi(0)) {
		printk(LOG_ERR "nmi_test: cannot send NMIs at %u Hz\n", hz);
		return false;
	}
	nmi_testing = true;
	outb(PIT_MODE, 0x34); /* channel 0, lo/hi byte, mode 2: rate generator */
	outb(PIT_CH0, divisor & 0xff);
	outb(PIT_CH0, divisor >> 8);
	printk(LOG_INFO "nmi_test: PIT IRQ 0 as an NMI to every CPU at %u Hz\n", PIT_HZ / divisor);
	return true;
}

bool nmi_test_report(void)
{
	if (!nmi_testing)
		return true;
	nmi_testing = false;
	isa_irq_mask(0);
	unsigned long wrong = __atomic_load_n(&nmi_wrong_percpu, __ATOMIC_RELAXED);
	for (unsigned int c = 0; c < NR_CPUS; c++) {
		const struct nmi_count *n = &nmi_counts[c];
		if (!percpu[c].online && !n->total)
			continue;
		printk(LOG_INFO
		       "nmi_test: CPU%u: %lu NMIs: %lu in a guest, %lu in the hypervisor; "
		       "with the guest's GS: %lu at syscall_entry, %lu at a SYSRETQ/IRETQ, "
		       "%lu elsewhere\n",
		       c, n->total, n->guest, n->hypervisor, n->at_syscall, n->at_return,
		       n->in_window);
	}
	printk(LOG_INFO "nmi_test: %lu NMIs found another CPU's percpu\n", wrong);
	return wrong == 0;
}
