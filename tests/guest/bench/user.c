/*
 * The guest-user system call benchmark: user code runs `syscall` ROUNDS
 * times in a row; each is bounced to this kernel's syscall callback, which
 * goes straight back to user mode with the iret hypercall.  One operation
 * is the whole round trip: user -> hypervisor -> guest kernel (mode and
 * root switch) -> iret hypercall -> user (mode and root switch back).
 *
 * The user address space is an L4 that shares the image's slot 0 (a PV
 * kernel runs in ring 3 too, so the image is mapped with the user bit),
 * pinned and loaded with MMUEXT_NEW_USER_BASEPTR; stack_switch names the
 * kernel stack bounces from user mode land on.  The user loop times itself
 * with rdtsc and ends with ud2, whose #UD handler returns to
 * tg_user_enter's caller (user.S).
 */
#include "bench.h"
#include <public/callback.h>

static uint64_t user_l4[512] __attribute__((aligned(4096)));
static uint8_t ustack[4096] __attribute__((aligned(16)));
static uint8_t kstack[4096] __attribute__((aligned(16)));
unsigned long bench_user_cycles, bench_user_calls, bench_user_rounds = ROUNDS;

static long mmuext(unsigned int cmd, unsigned long mfn)
{
	static struct mmuext_op op;
	op.cmd = cmd;
	op.arg1.mfn = mfn;
	return hypercall(__HYPERVISOR_mmuext_op, (unsigned long)&op, 1, 0, DOMID_SELF, 0);
}

void bench_user(void)
{
	static struct trap_info traps[] = {
		{.vector = 6, .cs = FLAT_KERNEL_CS, .address = (unsigned long)bench_user_ud},
		{0},
	};
	static struct callback_register cb = {.type = CALLBACKTYPE_syscall,
					      .flags = CALLBACKF_mask_events,
					      .address = (unsigned long)bench_user_syscall};
	const uint64_t *boot_l4 = (const uint64_t *)tg_start_info->pt_base;

	user_l4[0] = boot_l4[0];
	tg_expect(mmuext(MMUEXT_PIN_L4_TABLE, bench_mfn_of(user_l4)), 0, "pin the user L4");
	tg_expect(mmuext(MMUEXT_NEW_USER_BASEPTR, bench_mfn_of(user_l4)), 0,
		  "load it as user root");
	tg_expect(hypercall(__HYPERVISOR_set_trap_table, (unsigned long)traps, 0, 0, 0, 0), 0,
		  "#UD handler: the user loop's way back");
	tg_expect(hypercall(__HYPERVISOR_callback_op, CALLBACKOP_register, (unsigned long)&cb, 0, 0,
			    0),
		  0, "register the syscall callback");
	tg_expect(hypercall(__HYPERVISOR_stack_switch, FLAT_KERNEL_SS,
			    (unsigned long)&kstack[sizeof(kstack)], 0, 0, 0),
		  0, "stack_switch: the kernel stack for bounces from user mode");
	tg_user_enter((unsigned long)bench_user_loop, (unsigned long)&ustack[sizeof(ustack)],
		      0x2); /* events stay masked in user mode */
	bench_report("user_syscall", bench_user_cycles, ROUNDS);
	tg_expect((long)bench_user_calls, ROUNDS, "every user syscall reached the callback");
}
