/*
 * The guest's virtual IDT and callbacks, and what a trap does.
 *
 * traps_init() gives the hypervisor a trap table with an entry stub from
 * head.S for every architectural exception (0-20), and registers the
 * event, failsafe and syscall callbacks, the event and syscall ones with
 * events masked on entry.  trap_dispatch() is called by trap_common for
 * all of them: the upcall runs the event-channel scan; a system call or
 * an exception in user mode belongs to the process layer (proc/), which
 * may also preempt the process on its way back; an exception in the
 * kernel itself is fatal: it prints the registers and the fault address
 * and shuts the domain down as crashed.
 *
 * irq_restore() unmasks events; if one arrived while they were masked,
 * the hypervisor will not raise another upcall for it, so the scan runs
 * right here (with events masked again) until nothing is pending.
 */
#include <asm/arch.h>
#include <asm/hypercall.h>
#include <core/evtchn.h>
#include <core/kernel.h>
#include <proc/proc.h>
#include <public/callback.h>

#define EXCEPTIONS 21
#define KERNEL_CS  FLAT_KERNEL_CS

extern char trap_divide_error[], trap_debug[], trap_nmi[], trap_int3[], trap_overflow[],
	trap_bounds[], trap_invalid_op[], trap_device_na[], trap_double_fault[],
	trap_coproc_overrun[], trap_invalid_tss[], trap_segment_np[], trap_stack_fault[], trap_gp[],
	trap_page_fault[], trap_spurious[], trap_fpu_error[], trap_alignment[],
	trap_machine_check[], trap_simd_error[], trap_virt_error[], event_callback[],
	failsafe_callback[], syscall_callback[];

static const char *const names[EXCEPTIONS] = {"divide error",
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
					      "spurious",
					      "x87 error",
					      "alignment check",
					      "machine check",
					      "SIMD error",
					      "virtualization error"};

static void *const stubs[EXCEPTIONS] = {trap_divide_error,   trap_debug,       trap_nmi,
					trap_int3,	     trap_overflow,    trap_bounds,
					trap_invalid_op,     trap_device_na,   trap_double_fault,
					trap_coproc_overrun, trap_invalid_tss, trap_segment_np,
					trap_stack_fault,    trap_gp,	       trap_page_fault,
					trap_spurious,	     trap_fpu_error,   trap_alignment,
					trap_machine_check,  trap_simd_error,  trap_virt_error};

static struct trap_info table[EXCEPTIONS + 1];

const char *trap_name(int64_t vector)
{
	return vector >= 0 && vector < EXCEPTIONS ? names[vector] : "failsafe callback";
}

static void fatal(const struct trap_frame *f)
{
	const char *what = trap_name(f->vector);
	unsigned long cr2 = shared_info ? shared_info->vcpu_info[0].arch.cr2 : 0;
	printk("pvguest: %s (vector %ld, error %#lx) at rip %#lx rsp %#lx cr2 %#lx\n", what,
	       (long)f->vector, (unsigned long)f->error_code, (unsigned long)f->rip,
	       (unsigned long)f->rsp, cr2);
	printk("  rax %#lx rbx %#lx rcx %#lx rdx %#lx rsi %#lx rdi %#lx rbp %#lx\n",
	       (unsigned long)f->rax, (unsigned long)f->rbx, (unsigned long)f->rcx,
	       (unsigned long)f->rdx, (unsigned long)f->rsi, (unsigned long)f->rdi,
	       (unsigned long)f->rbp);
	kernel_shutdown(SHUTDOWN_crash);
}

void trap_dispatch(struct trap_frame *f)
{
	bool user = frame_from_user(f);
	if (f->vector == VECTOR_EVENT)
		evtchn_scan(shared_info, &shared_info->vcpu_info[0]);
	else if (user && f->vector == VECTOR_SYSCALL)
		proc_syscall(f);
	else if (user)
		proc_fault(f);
	else
		fatal(f);
	if (user)
		proc_return_to_user(f->vector == VECTOR_EVENT);
}

void irq_restore(uint8_t old)
{
	struct vcpu_info *v = &shared_info->vcpu_info[0];
	__asm__ volatile("" ::: "memory");
	v->evtchn_upcall_mask = old;
	__asm__ volatile("mfence" ::: "memory");
	while (!old && v->evtchn_upcall_pending) {
		v->evtchn_upcall_mask = 1;
		evtchn_scan(shared_info, v);
		v->evtchn_upcall_mask = 0;
		__asm__ volatile("mfence" ::: "memory");
	}
}

static void register_callback(unsigned int type, void *entry, unsigned int flags)
{
	struct callback_register cb = {.type = type, .flags = flags};
	cb.address = (unsigned long)entry;
	long rc = hv_callback_register(&cb);
	if (rc)
		panic("callback_op register type %u: %ld", type, rc);
}

void traps_init(void)
{
	for (unsigned int v = 0; v < EXCEPTIONS; v++) {
		table[v].vector = (uint8_t)v;
		table[v].cs = KERNEL_CS;
		table[v].address = (unsigned long)stubs[v];
		/* Breakpoint and overflow may be raised by "int3"/"into" from any ring. */
		table[v].flags = (v == 3 || v == 4) ? 3 : 0;
	}
	long rc = hv_set_trap_table(table);
	if (rc)
		panic("set_trap_table: %ld", rc);
	register_callback(CALLBACKTYPE_event, event_callback, CALLBACKF_mask_events);
	register_callback(CALLBACKTYPE_failsafe, failsafe_callback, CALLBACKF_mask_events);
	register_callback(CALLBACKTYPE_syscall, syscall_callback, CALLBACKF_mask_events);
	rc = hv_fpu_taskswitch(0);
	if (rc)
		printk("pvguest: fpu_taskswitch(0): %ld (SSE may trap)\n", rc);
}
