/*
 * Host tests of bounce frames and the iret hypercall (kernel/domain/bounce.c):
 * the frame layout of fact sheet 5.3 from kernel and user mode, #PF's CR2
 * and error code, event upcalls, user syscalls, and every crash cause
 * (no handler, unwritable stack, exception storm, bad iret).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <asm/guest_read.h>
#include <hospes/bounce.h>
#include <public/sched.h>
#include <public/xen.h>
#include "env.h"

#define STACK (GVA + 0x8008) /* not 16-aligned: the frame top rounds down */

static struct pv_frame frame(void)
{
	return (struct pv_frame){.rip = 0x401234,
				 .cs = 0xe033,
				 .rflags = 0x246,
				 .rsp = STACK,
				 .ss = 0xe02b,
				 .rcx = 0x111,
				 .r11 = 0x222};
}

static uint64_t *slot(uint64_t rsp, int i)
{
	return (uint64_t *)gptr(rsp) + i;
}

static void test_exception_from_kernel(void **state)
{
	env_reset(false);
	v0->arch->kernel_mode = true;
	v0->arch->traps[13] = (struct pv_trap){.address = 0x500000, .cs = 0xe033, .flags = 4};
	v0->vcpu_info->evtchn_upcall_mask = 0;
	struct pv_frame f = frame();
	assert_int_equal(pv_exception(v0, &f, 13, 0x18, 0), 0);
	assert_int_equal(f.rsp, (STACK & ~15UL) - 64);
	assert_int_equal(f.rip, 0x500000);
	assert_int_equal(f.cs, 0xe033);
	assert_int_equal(*slot(f.rsp, 0), 0x111);    /* rcx */
	assert_int_equal(*slot(f.rsp, 1), 0x222);    /* r11 */
	assert_int_equal(*slot(f.rsp, 2), 0x18);     /* error code */
	assert_int_equal(*slot(f.rsp, 3), 0x401234); /* rip */
	assert_int_equal(*slot(f.rsp, 4), 0xe030);   /* kernel CS: RPL 0, old mask 0 */
	assert_int_equal(*slot(f.rsp, 5), 0x246);    /* IF = !old mask */
	assert_int_equal(*slot(f.rsp, 6), STACK);
	assert_int_equal(*slot(f.rsp, 7), 0xe02b);
	assert_int_equal(v0->vcpu_info->evtchn_upcall_mask, 1); /* flags bit 2 masks */
	assert_int_equal(f.new_cr3, 0);
}

static void test_page_fault_from_user(void **state)
{
	env_reset(false);
	v0->arch->kernel_mode = false;
	v0->arch->kernel_sp = GVA + 0x4000;
	v0->arch->traps[14] = (struct pv_trap){.address = 0x600000};
	v0->vcpu_info->evtchn_upcall_mask = 1;
	struct pv_frame f = frame();
	assert_int_equal(pv_exception(v0, &f, 14, 0x7, 0xdead000), 0);
	assert_true(v0->arch->kernel_mode);
	assert_int_equal(f.new_cr3, 0x1000); /* the kernel root */
	assert_int_equal(v0->vcpu_info->arch.cr2, 0xdead000);
	assert_int_equal(f.rsp, GVA + 0x4000 - 64);
	assert_int_equal(*slot(f.rsp, 2), 0x7);			 /* U/S set: user mode */
	assert_int_equal(*slot(f.rsp, 4), 0xe033 | (1UL << 32)); /* user CS, old mask 1 */
	assert_int_equal(*slot(f.rsp, 5), 0x046);		 /* IF clear: events were masked */
	/* the same fault from kernel mode clears U/S */
	f = frame();
	assert_int_equal(pv_exception(v0, &f, 14, 0x7, 0x1000), 0);
	assert_int_equal(*slot(f.rsp, 2), 0x3);
}

static void test_crashes(void **state)
{
	env_reset(false);
	v0->arch->kernel_mode = true;
	struct pv_frame f = frame();
	assert_int_equal(pv_exception(v0, &f, 6, 0, 0), -1);
	assert_int_equal(env.shutdown_reason, SHUTDOWN_crash);
	env_reset(false);
	v0->arch->kernel_mode = true;
	v0->arch->traps[3] = (struct pv_trap){.address = 0x500000};
	f = frame();
	f.rsp = 0xffff800000010000UL; /* hypervisor range */
	assert_int_equal(pv_exception(v0, &f, 3, 0, 0), -1);
	assert_int_equal(env.shutdowns, 1);
	f = frame();
	f.rsp = 0x0000900000000000UL; /* non-canonical */
	assert_int_equal(pv_exception(v0, &f, 3, 0, 0), -1);
	env_reset(false);
	v0->arch->kernel_mode = true;
	v0->arch->traps[13] = (struct pv_trap){.address = 0x500000};
	int rc = 0, n = 0;
	while (rc == 0 && n < 5000) {
		f = frame();
		rc = pv_exception(v0, &f, 13, 0, 0);
		n++;
	}
	assert_int_equal(rc, -1);
	assert_int_equal(n, PV_STORM_LIMIT);
	assert_int_equal(env.shutdown_reason, SHUTDOWN_crash);
	/* the same exception handled and returned from each time is no storm */
	env_reset(false);
	v0->arch->kernel_mode = true;
	v0->arch->traps[3] = (struct pv_trap){.address = 0x500000};
	uint64_t words[9] = {0, 0, 0, 0, 0x401234, 0xe030, 0x246, STACK, 0xe02b};
	memcpy(gptr(GVA + 0x3000), words, sizeof(words));
	for (n = 0; n < 3 * PV_STORM_LIMIT; n++) {
		f = frame();
		assert_int_equal(pv_exception(v0, &f, 3, 0, 0), 0);
		f.rsp = GVA + 0x3000;
		assert_int_equal(pv_iret(v0, &f), 0);
	}
	assert_int_equal(env.shutdowns, 0);
}

static void test_syscall_and_events(void **state)
{
	env_reset(false);
	v0->arch->kernel_mode = false;
	v0->arch->kernel_sp = GVA + 0x4000;
	struct pv_frame f = frame();
	f.rcx = 0x401000; /* the user's return address */
	f.r11 = 0x202;
	v0->arch->traps[6] = (struct pv_trap){.address = 0x700000};
	assert_int_equal(pv_syscall_from_user(v0, &f), 0); /* no callback: #UD */
	assert_int_equal(f.rip, 0x700000);
	assert_int_equal(*slot(f.rsp, 2), 0x401234 - 2);
	env_reset(false);
	v0->arch->kernel_mode = false;
	v0->arch->kernel_sp = GVA + 0x4000;
	v0->arch->callback[PV_CB_SYSCALL] = 0x800000;
	v0->vcpu_info->evtchn_upcall_mask = 0;
	f = frame();
	f.rcx = 0x401000;
	f.r11 = 0x202;
	assert_int_equal(pv_syscall_from_user(v0, &f), 0);
	assert_int_equal(f.rip, 0x800000);
	assert_int_equal(*slot(f.rsp, 2), 0x401000); /* rip slot = user rcx */
	assert_int_equal(*slot(f.rsp, 3), 0xe033);
	assert_int_equal(*slot(f.rsp, 4), 0x202);		/* rflags slot = user r11 */
	assert_int_equal(v0->vcpu_info->evtchn_upcall_mask, 0); /* no mask flag */
	/* event upcall: only when pending and unmasked */
	v0->arch->callback[PV_CB_EVENT] = 0x900000;
	f = frame();
	assert_int_equal(pv_deliver_events(v0, &f), 0);
	assert_int_equal(f.rip, 0x401234);
	v0->vcpu_info->evtchn_upcall_pending = 1;
	v0->vcpu_info->evtchn_upcall_mask = 1;
	assert_int_equal(pv_deliver_events(v0, &f), 0);
	assert_int_equal(f.rip, 0x401234);
	v0->vcpu_info->evtchn_upcall_mask = 0;
	assert_int_equal(pv_deliver_events(v0, &f), 0);
	assert_int_equal(f.rip, 0x900000);
	assert_int_equal(v0->vcpu_info->evtchn_upcall_mask, 1);
}

static void test_iret(void **state)
{
	env_reset(false);
	v0->arch->kernel_mode = true;
	env.user_root = 0x55;
	uint64_t *c = gptr(GVA + 0x3000);
	uint64_t words[9] = {0xaa, 0x246, 0xcc, 0, 0x402000, 0xe033, 0x3246, GVA + 0x6000, 0xe02b};
	memcpy(c, words, sizeof(words));
	struct pv_frame f = frame();
	f.rsp = GVA + 0x3000;
	assert_int_equal(pv_iret(v0, &f), 0);
	assert_int_equal(f.rax, 0xaa);
	assert_int_equal(f.r11, 0x246);
	assert_int_equal(f.rcx, 0xcc);
	assert_int_equal(f.rip, 0x402000);
	assert_int_equal(f.rsp, GVA + 0x6000);
	assert_int_equal(f.rflags, 0x246);   /* IOPL dropped */
	assert_false(v0->arch->kernel_mode); /* RPL 3: back to user */
	assert_int_equal(f.new_cr3, 0x2000);
	assert_int_equal(v0->vcpu_info->evtchn_upcall_mask, 0);
	/* kernel to kernel with IF clear masks events */
	v0->arch->kernel_mode = true;
	words[5] = 0xe030;
	words[6] = 0x46;
	memcpy(c, words, sizeof(words));
	f = frame();
	f.rsp = GVA + 0x3000;
	assert_int_equal(pv_iret(v0, &f), 0);
	assert_true(v0->arch->kernel_mode);
	assert_int_equal(v0->vcpu_info->evtchn_upcall_mask, 1);
	/* refusals crash the guest */
	words[4] = 0x0000900000000000UL;
	memcpy(c, words, sizeof(words));
	f.rsp = GVA + 0x3000;
	assert_int_equal(pv_iret(v0, &f), -1);
	f.rsp = 0;
	assert_int_equal(pv_iret(v0, &f), -1);
	env_reset(false);
	v0->arch->kernel_mode = true;
	env.user_root = ~0UL; /* no user page table */
	words[4] = 0x402000;
	words[5] = 0xe033;
	memcpy(c, words, sizeof(words));
	f.rsp = GVA + 0x3000;
	assert_int_equal(pv_iret(v0, &f), -1);
	assert_int_equal(env.shutdown_reason, SHUTDOWN_crash);
}

/* The fake CPU's move through the loaded tables: guest memory itself. */
static void *move_to_gmem(unsigned long va, bool write)
{
	(void)write;
	return gptr(va);
}

/* A kernel-mode upcall's frame is stored through the loaded tables when
 * that may be tried, by the walk when the store faults, the same frame
 * either way; a bounce from user mode (user root still in CR3) never
 * tries it. */
static void test_upcall_loaded_move(void **state)
{
	uint64_t want[7] = {0x111, 0x222, 0x401234, 0xe030, 0x246, STACK, 0xe02b};

	for (int ok = 1; ok >= 0; ok--) {
		unsigned long moves = fake_guest_moves;

		env_reset(false);
		env.loaded_ok = true;
		fake_guest_move = ok ? move_to_gmem : NULL; /* NULL: the store faults */
		v0->arch->kernel_mode = true;
		v0->arch->callback[PV_CB_EVENT] = 0x700000;
		v0->vcpu_info->evtchn_upcall_pending = 1;
		v0->vcpu_info->evtchn_upcall_mask = 0;
		struct pv_frame f = frame();
		assert_int_equal(pv_deliver_events(v0, &f), 0);
		assert_int_equal(env.loaded_checks, 1);
		assert_int_equal(fake_guest_moves, moves + 1);
		assert_int_equal(f.rsp, (STACK & ~15UL) - 56);
		assert_int_equal(f.rip, 0x700000);
		assert_memory_equal(gptr(f.rsp), want, sizeof(want));
		assert_int_equal(v0->vcpu_info->evtchn_upcall_mask, 1);
	}
	env_reset(false);
	env.loaded_ok = true;
	fake_guest_move = move_to_gmem;
	v0->arch->kernel_mode = false;
	v0->arch->kernel_sp = GVA + 0x4000;
	v0->arch->callback[PV_CB_EVENT] = 0x700000;
	v0->vcpu_info->evtchn_upcall_pending = 1;
	struct pv_frame f = frame();
	assert_int_equal(pv_deliver_events(v0, &f), 0);
	assert_int_equal(env.loaded_checks, 0);
	assert_int_equal(f.rsp, GVA + 0x4000 - 56);
	assert_int_equal(*slot(f.rsp, 3), 0xe033); /* user CS kept */
	fake_guest_move = NULL;
}

int run_bounce_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exception_from_kernel),
		cmocka_unit_test(test_page_fault_from_user),
		cmocka_unit_test(test_crashes),
		cmocka_unit_test(test_syscall_and_events),
		cmocka_unit_test(test_iret),
		cmocka_unit_test(test_upcall_loaded_move),
	};
	return cmocka_run_group_tests_name("bounce", tests, NULL, NULL);
}
