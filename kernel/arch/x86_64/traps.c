/*
 * do_trap: where every exception and interrupt lands after entry.S.
 *
 * Interrupts (vectors 32-255) go to the handler registered for them; an
 * unexpected vector is counted, reported once and acknowledged.  Exceptions
 * are decided in this order:
 *   1. a page fault goes to do_page_fault() (engineer D's shadow code),
 *      which returns true when it has dealt with it;
 *   2. an exception raised in a guest (saved CS with RPL 3) goes to
 *      pv_trap() (engineer F), which bounces it to the guest, unless it
 *      is an instruction we emulate: a #GP(0) of dom0's port I/O
 *      (io_emul.c), of cpuid under CPUID faulting or of the hypercall-page
 *      wrmsr, a #UD of Xen's forced-emulation prefix (cpuid.c);
 *   3. an exception in the hypervisor at an instruction listed in the
 *      exception-fixup table resumes at its fixup address;
 *   (NMI, #DF and #MC come through do_paranoid in nmi.c instead)
 *   4. anything else is a hypervisor bug: registers, CR2 for a page fault,
 *      a symbolized backtrace of the interrupted code, then panic.
 * The weak defaults below make 1 decline and 2 panic until their owners
 * link real ones.
 */
#include <asm/apic.h>
#include <asm/arch.h>
#include <asm/cpu.h>
#include <asm/smap.h>
#include <asm/smp.h>
#include <asm/traps.h>
#include <hospes/lib.h>
#include <hospes/panic.h>
#include <hospes/percpu.h>
#include <hospes/symbols.h>

_Static_assert(__builtin_offsetof(struct cpu_regs, rax) == REGS_RAX, "regs layout");
_Static_assert(__builtin_offsetof(struct cpu_regs, rbx) == REGS_RBX, "regs layout");
_Static_assert(__builtin_offsetof(struct cpu_regs, r12) == REGS_R12, "regs layout");
_Static_assert(__builtin_offsetof(struct cpu_regs, r13) == REGS_R13, "regs layout");
_Static_assert(__builtin_offsetof(struct cpu_regs, r14) == REGS_R14, "regs layout");
_Static_assert(__builtin_offsetof(struct cpu_regs, r15) == REGS_R15, "regs layout");
_Static_assert(__builtin_offsetof(struct cpu_regs, vector) == REGS_VECTOR, "regs layout");
_Static_assert(__builtin_offsetof(struct cpu_regs, error_code) == REGS_ERROR, "regs layout");
_Static_assert(__builtin_offsetof(struct cpu_regs, rip) == REGS_RIP, "regs layout");
_Static_assert(__builtin_offsetof(struct cpu_regs, cs) == REGS_CS, "regs layout");
_Static_assert(sizeof(struct cpu_regs) == REGS_SIZE, "regs layout");

extern irq_handler_t irq_handlers[256];
extern const struct extable_entry __extable_start[], __extable_end[];

static const char *const exception_names[32] = {
	"divide error",
	"debug",
	"NMI",
	"breakpoint",
	"overflow",
	"bound range",
	"invalid opcode",
	"device not available",
	"double fault",
	"coprocessor overrun",
	"invalid TSS",
	"segment not present",
	"stack fault",
	"general protection",
	"page fault",
	"reserved",
	"x87 FPU error",
	"alignment check",
	"machine check",
	"SIMD FP error",
	"virtualization",
	"control protection",
};

__attribute__((weak)) void pv_trap(struct cpu_regs *regs)
{
	panic("guest trap with no guest support (vector %lu at %#lx)", regs->vector, regs->rip);
}

__attribute__((weak)) bool do_page_fault(struct cpu_regs *regs, unsigned long cr2)
{
	return false;
}

unsigned long extable_search(unsigned long rip)
{
	for (const struct extable_entry *e = __extable_start; e < __extable_end; e++)
		if (e->insn == rip)
			return e->fixup;
	return 0;
}

static void dump_regs(const struct cpu_regs *r)
{
	printk(LOG_ERR "  rip %016lx cs %04lx rflags %08lx rsp %016lx ss %04lx\n", r->rip, r->cs,
	       r->rflags, r->rsp, r->ss);
	printk(LOG_ERR "  rax %016lx rbx %016lx rcx %016lx rdx %016lx\n", r->rax, r->rbx, r->rcx,
	       r->rdx);
	printk(LOG_ERR "  rsi %016lx rdi %016lx rbp %016lx r8  %016lx\n", r->rsi, r->rdi, r->rbp,
	       r->r8);
	printk(LOG_ERR "  r9  %016lx r10 %016lx r11 %016lx r12 %016lx\n", r->r9, r->r10, r->r11,
	       r->r12);
	printk(LOG_ERR "  r13 %016lx r14 %016lx r15 %016lx cr3 %016lx\n", r->r13, r->r14, r->r15,
	       read_cr3());
}

__noreturn void fatal_exception(struct cpu_regs *r, unsigned long cr2)
{
	const char *name = r->vector < 32 && exception_names[r->vector] ? exception_names[r->vector]
									: "exception";
	printk(LOG_ERR "*** CPU%u: %s (vector %lu, error code %#lx) in the hypervisor\n",
	       smp_processor_id(), name, r->vector, r->error_code);
	if (r->vector == TRAP_PF)
		printk(LOG_ERR "  cr2 %016lx (%s %s)\n", cr2, r->error_code & 2 ? "write" : "read",
		       r->error_code & 1 ? "protection" : "not present");
	dump_regs(r);
	unsigned long off = 0;
	const char *fn = ksym_lookup(r->rip, &off);
	printk(LOG_ERR "  at [%016lx] %s+%#lx\n", r->rip, fn ? fn : "?", off);
	backtrace_from(r->rbp);
	panic("fatal %s at %#lx", name, r->rip);
}

/* A guest #GP(0) or #UD that is an instruction we carry out for it: the
 * driver domain's port I/O (io_emul.c); cpuid under CPUID faulting, the
 * hypercall-page wrmsr, Xen's forced-emulation prefix (cpuid.c). */
static bool guest_emulate(struct cpu_regs *regs)
{
	if (regs->vector == TRAP_UD)
		return pv_emulate_ud(regs);
	return regs->error_code == 0 && (pv_io_gp(regs) || pv_emulate_gp(regs));
}

static void do_exception(struct cpu_regs *regs)
{
	unsigned long cr2 = regs->vector == TRAP_PF ? read_cr2() : 0;
	if (regs->vector == TRAP_PF && do_page_fault(regs, cr2))
		return;
	if (guest_mode(regs)) {
		if (unlikely((1UL << regs->vector) & (1UL << TRAP_GP | 1UL << TRAP_UD)) &&
		    guest_emulate(regs))
			return;
		pv_trap(regs);
		return;
	}
	unsigned long fixup = extable_search(regs->rip);
	if (regs->vector == TRAP_PF)
		cpu_protect_fault(regs, cr2, fixup);
	if (fixup) {
		regs->rip = fixup;
		regs->rflags &= ~RFLAGS_AC; /* a fix-up resumes outside the STAC window */
		return;
	}
	fatal_exception(regs, cr2);
}

static void unexpected_irq(struct cpu_regs *regs)
{
	static bool reported[256];
	if (!reported[regs->vector]) {
		reported[regs->vector] = true;
		printk(LOG_WARN "CPU%u: unexpected interrupt vector %#lx\n", smp_processor_id(),
		       regs->vector);
	}
	if (regs->vector != VEC_SPURIOUS)
		lapic_eoi();
}

void do_trap(struct cpu_regs *regs)
{
	if (regs->vector < 32) {
		do_exception(regs);
		return;
	}
	this_cpu()->irqs++;
	irq_handler_t fn = irq_handlers[regs->vector];
	if (fn)
		fn(regs);
	else
		unexpected_irq(regs);
	if (guest_mode(regs))
		pv_irq_exit(regs); /* engineer F: preemption and event delivery */
}
