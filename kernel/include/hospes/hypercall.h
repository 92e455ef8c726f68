/*
 * The hypercall boundary: one dispatch table, one handler per hypercall.
 *
 * The entry paths (syscall from guest kernel mode, int $0x82) save the
 * guest's registers and call hypercall_dispatch() with the number from rax
 * and the five arguments from rdi, rsi, rdx, r10, r8.  The table
 * (kernel/hypercall/table.c) says for each number: the handler, who may
 * call it, and its name (for the log).  A number with no row returns -ENOSYS.
 * The SYSCALL entry of a guest kernel calls the handler of a row any domain
 * may call straight, without the dispatcher (hypercall_fast_handler());
 * a handler that may leave a segment base reload behind must be a
 * full_exit row (ROW_FULL_EXIT in table.c), since that entry's exit looks
 * only for a reschedule request and a deliverable upcall.
 *
 * Every handler has the same type so the table stays one declarative array;
 * a handler ignores the arguments its hypercall does not have.  Handlers
 * copy guest memory only through hospes/guest_access.h, validate
 * everything before acting, and return 0/a value or a negative XEN_E* code.
 *
 * To add a hypercall family: write `long do_NAME(HYPERCALL_ARGS)` in
 * kernel/hypercall/NAME.c, declare it below, add its row to the table.
 */
#ifndef HOSPES_HYPERCALL_H
#define HOSPES_HYPERCALL_H

#include <hospes/domain.h>

#define NR_HYPERCALLS 64

/* The Xen interface we implement (xen_version, and CPUID leaf 0x40000001). */
#define HOSPES_XEN_MAJOR 4
#define HOSPES_XEN_MINOR 17

#define HYPERCALL_ARGS                                                                             \
	struct vcpu *v, unsigned long a1, unsigned long a2, unsigned long a3, unsigned long a4,    \
		unsigned long a5
typedef long (*hypercall_fn)(HYPERCALL_ARGS);

enum hypercall_caller {
	HC_ANY,	 /* every domain */
	HC_PRIV, /* the privileged domain only; others get -EPERM */
};

struct hypercall_desc {
	hypercall_fn fn;
	enum hypercall_caller who;
	const char *name;
	/* May leave exit work beyond a reschedule request and an upcall (a
	 * segment base reload): the SYSCALL fast exit would miss it, so the
	 * hypercall always takes the full path (kernel/arch/x86_64/pv_entry.S). */
	bool full_exit;
	/* The fast path's own handler, if not fn: it may rely on the fast
	 * path's conditions (the running vCPU in guest kernel mode, no domain
	 * traced). */
	hypercall_fn fast;
};

extern const struct hypercall_desc hypercall_table[NR_HYPERCALLS];

/* The handler of nr if any domain may call it straight, with no checks
 * and no exit work beyond a reschedule request or an upcall (the SYSCALL
 * fast path: kernel/arch/x86_64/pv_entry.S); NULL: the full path. */
hypercall_fn hypercall_fast_handler(unsigned long nr);

long hypercall_dispatch(struct vcpu *v, unsigned long nr, unsigned long a1, unsigned long a2,
			unsigned long a3, unsigned long a4, unsigned long a5);

/* kernel/hypercall/: this file's families. */
long do_console_io(HYPERCALL_ARGS);
long do_xen_version(HYPERCALL_ARGS);
long do_sched_op(HYPERCALL_ARGS);
long do_sched_op_compat(HYPERCALL_ARGS);
long do_set_timer_op(HYPERCALL_ARGS);
long do_vcpu_op(HYPERCALL_ARGS);
long do_set_trap_table(HYPERCALL_ARGS);
long do_set_callbacks(HYPERCALL_ARGS);
long do_callback_op(HYPERCALL_ARGS);
long do_stack_switch(HYPERCALL_ARGS);
long do_fpu_taskswitch(HYPERCALL_ARGS);
long do_set_segment_base(HYPERCALL_ARGS);
long do_set_debugreg(HYPERCALL_ARGS);
long do_get_debugreg(HYPERCALL_ARGS);
long do_vm_assist(HYPERCALL_ARGS);
long do_multicall(HYPERCALL_ARGS);
long do_domctl(HYPERCALL_ARGS);	    /* privileged: the toolstack (domctl.c) */
long do_sysctl(HYPERCALL_ARGS);	    /* privileged (sysctl.c) */
long do_physdev_op(HYPERCALL_ARGS); /* each command privileged (physdev.c) */
long do_set_gdt(HYPERCALL_ARGS);
long do_update_descriptor(HYPERCALL_ARGS);

#endif
