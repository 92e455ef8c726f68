/*
 * Host tests of sched_op, set_timer_op, vcpu_op and the CPU-state
 * hypercalls (trap table, callbacks, stack switch, FPU, segment bases,
 * debug registers, vm_assist).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <public/callback.h>
#include <public/errno.h>
#include <public/sched.h>
#include <public/vcpu.h>
#include <public/xen.h>
#include "env.h"
#include <hospes/fpu.h>

#define NONCANON 0x0000800000000000UL

static void test_sched_simple(void **state)
{
	env_reset(false);
	assert_int_equal(hc(v0, __HYPERVISOR_sched_op, SCHEDOP_yield, 0, 0), 0);
	assert_int_equal(env.yields, 1);
	assert_int_equal(hc(v0, __HYPERVISOR_sched_op, SCHEDOP_block, 0, 0), 0);
	assert_int_equal(env.blocks, 1);
	assert_int_equal(hc(v0, __HYPERVISOR_sched_op, 99, 0, 0), -XEN_ENOSYS);
	assert_int_equal(hc(v0, __HYPERVISOR_sched_op, SCHEDOP_watchdog, GVA, 0), -XEN_ENOSYS);
}

static void test_sched_shutdown_every_reason(void **state)
{
	env_reset(false);
	struct sched_shutdown *s = gptr(GVA);
	for (unsigned int r = 0; r <= SHUTDOWN_MAX; r++) {
		s->reason = r;
		assert_int_equal(hc(v0, __HYPERVISOR_sched_op, SCHEDOP_shutdown, GVA, 0), 0);
		assert_ptr_equal(env.shutdown_dom, &dom);
		assert_int_equal(env.shutdown_reason, r);
	}
	s->reason = SHUTDOWN_MAX + 1;
	assert_int_equal(hc(v0, __HYPERVISOR_sched_op, SCHEDOP_shutdown, GVA, 0), -XEN_EINVAL);
	assert_int_equal(hc(v0, __HYPERVISOR_sched_op, SCHEDOP_shutdown, 0, 0), -XEN_EFAULT);
	assert_int_equal(hc(v0, __HYPERVISOR_sched_op, SCHEDOP_shutdown, GVA + GMEM - 2, 0),
			 -XEN_EFAULT);
	assert_int_equal(env.shutdowns, SHUTDOWN_MAX + 1);
	/* the legacy form passes the reason itself */
	assert_int_equal(hc(v0, __HYPERVISOR_sched_op_compat, SCHEDOP_shutdown, SHUTDOWN_crash, 0),
			 0);
	assert_int_equal(env.shutdown_reason, SHUTDOWN_crash);
	assert_int_equal(hc(v0, __HYPERVISOR_sched_op_compat, SCHEDOP_shutdown, 6, 0), -XEN_EINVAL);
	assert_int_equal(hc(v0, __HYPERVISOR_sched_op_compat, SCHEDOP_yield, 0, 0), 0);
	assert_int_equal(hc(v0, __HYPERVISOR_sched_op_compat, SCHEDOP_poll, 0, 0), -XEN_ENOSYS);
	/* shutdown_code latches */
	s->reason = SHUTDOWN_reboot;
	assert_int_equal(hc(v0, __HYPERVISOR_sched_op, SCHEDOP_shutdown_code, GVA, 0), 0);
	assert_int_equal(dom.pv->shutdown_code, SHUTDOWN_reboot);
	s->reason = 77;
	assert_int_equal(hc(v0, __HYPERVISOR_sched_op, SCHEDOP_shutdown_code, GVA, 0), -XEN_EINVAL);
}

static void test_remote_shutdown(void **state)
{
	struct sched_remote_shutdown *s = gptr(GVA);
	env_reset(false);
	*s = (struct sched_remote_shutdown){.domain_id = 7, .reason = SHUTDOWN_poweroff};
	assert_int_equal(hc(v0, __HYPERVISOR_sched_op, SCHEDOP_remote_shutdown, GVA, 0),
			 -XEN_EPERM);
	assert_int_equal(env.shutdowns, 0);
	env_reset(true);
	*s = (struct sched_remote_shutdown){.domain_id = 7, .reason = SHUTDOWN_reboot};
	assert_int_equal(hc(v0, __HYPERVISOR_sched_op, SCHEDOP_remote_shutdown, GVA, 0), 0);
	assert_ptr_equal(env.shutdown_dom, &other);
	assert_int_equal(env.shutdown_reason, SHUTDOWN_reboot);
	assert_int_equal(other.refcnt, 0); /* the call's reference was dropped */
	s->domain_id = 9;
	assert_int_equal(hc(v0, __HYPERVISOR_sched_op, SCHEDOP_remote_shutdown, GVA, 0),
			 -XEN_ESRCH);
	s->domain_id = 7;
	s->reason = 6;
	assert_int_equal(hc(v0, __HYPERVISOR_sched_op, SCHEDOP_remote_shutdown, GVA, 0),
			 -XEN_EINVAL);
	assert_int_equal(hc(v0, __HYPERVISOR_sched_op, SCHEDOP_remote_shutdown, 0, 0), -XEN_EFAULT);
}

static void test_poll(void **state)
{
	env_reset(false);
	struct sched_poll *p = gptr(GVA);
	uint32_t *ports = gptr(GVA + 0x100);
	ports[0] = 3;
	ports[1] = 4095;
	set_xen_guest_handle(p->ports, (uint32_t *)(GVA + 0x100));
	p->nr_ports = 2;
	p->timeout = 12345;
	assert_int_equal(hc(v0, __HYPERVISOR_sched_op, SCHEDOP_poll, GVA, 0), 0);
	assert_int_equal(env.polls, 1);
	assert_int_equal(env.poll_nr, 2);
	assert_int_equal(env.poll_ports[1], 4095);
	assert_int_equal(env.poll_timeout, 12345);
	p->nr_ports = 0;
	assert_int_equal(hc(v0, __HYPERVISOR_sched_op, SCHEDOP_poll, GVA, 0), 0);
	p->nr_ports = 129;
	assert_int_equal(hc(v0, __HYPERVISOR_sched_op, SCHEDOP_poll, GVA, 0), -XEN_EINVAL);
	p->nr_ports = 2;
	ports[1] = 4096;
	assert_int_equal(hc(v0, __HYPERVISOR_sched_op, SCHEDOP_poll, GVA, 0), -XEN_EINVAL);
	set_xen_guest_handle(p->ports, (uint32_t *)(GVA + GMEM - 4));
	assert_int_equal(hc(v0, __HYPERVISOR_sched_op, SCHEDOP_poll, GVA, 0), -XEN_EFAULT);
	assert_int_equal(hc(v0, __HYPERVISOR_sched_op, SCHEDOP_poll, 8, 0), -XEN_EFAULT);
	assert_int_equal(env.polls, 2);
}

static void test_set_timer_op(void **state)
{
	env_reset(false);
	env.now = 1000000000;
	assert_int_equal(hc(v0, __HYPERVISOR_set_timer_op, 2000000000, 0, 0), 0);
	assert_int_equal(env.singleshot, 2000000000);
	assert_int_equal(hc(v0, __HYPERVISOR_set_timer_op, 5, 0, 0), 0); /* past: fires at once */
	assert_int_equal(env.singleshot, 5);
	assert_int_equal(hc(v0, __HYPERVISOR_set_timer_op, 0, 0, 0), 0);
	assert_int_equal(env.singleshot, 0);
	assert_int_equal(hc(v0, __HYPERVISOR_set_timer_op, (unsigned long)-5, 0, 0), 0);
	assert_int_equal(env.singleshot, env.now + 100000000);
	assert_int_equal(hc(v0, __HYPERVISOR_set_timer_op, env.now + (1UL << 51), 0, 0), 0);
	assert_int_equal(env.singleshot, env.now + 100000000);
}

static void test_trap_table(void **state)
{
	env_reset(false);
	struct trap_info *t = gptr(GVA);
	t[0] = (struct trap_info){.vector = 14, .flags = 4, .cs = 0xe030, .address = 0x401000};
	t[1] = (struct trap_info){.vector = 3, .flags = 3, .cs = 0, .address = 0x402000};
	assert_int_equal(hc(v0, __HYPERVISOR_set_trap_table, GVA, 0, 0), 0);
	assert_int_equal(v0->arch->traps[14].address, 0x401000);
	assert_int_equal(v0->arch->traps[14].cs, 0xe033);
	assert_int_equal(v0->arch->traps[14].flags, 4);
	assert_int_equal(v0->arch->traps[3].cs, FLAT_KERNEL_CS);
	t[1].address = NONCANON;
	assert_int_equal(hc(v0, __HYPERVISOR_set_trap_table, GVA, 0, 0), -XEN_EINVAL);
	assert_int_equal(hc(v0, __HYPERVISOR_set_trap_table, GVA + GMEM - 8, 0, 0), -XEN_EFAULT);
	/* no terminator within 257 entries */
	for (int i = 0; i < 300; i++)
		t[i] = (struct trap_info){.vector = (uint8_t)i, .address = 0x1000};
	assert_int_equal(hc(v0, __HYPERVISOR_set_trap_table, GVA, 0, 0), -XEN_EINVAL);
	assert_int_equal(hc(v0, __HYPERVISOR_set_trap_table, 0, 0, 0), 0); /* NULL clears */
	assert_int_equal(v0->arch->traps[14].address, 0);
}

static void test_callbacks(void **state)
{
	env_reset(false);
	assert_int_equal(hc(v0, __HYPERVISOR_set_callbacks, 0x1000, 0x2000, 0x3000), 0);
	assert_int_equal(v0->arch->callback[PV_CB_EVENT], 0x1000);
	assert_int_equal(v0->arch->callback[PV_CB_FAILSAFE], 0x2000);
	assert_int_equal(v0->arch->callback[PV_CB_SYSCALL], 0x3000);
	assert_int_equal(hc(v0, __HYPERVISOR_set_callbacks, 0x1000, NONCANON, 0), -XEN_EINVAL);
	struct callback_register *r = gptr(GVA);
	*r = (struct callback_register){
		.type = CALLBACKTYPE_nmi, .address = 0x5000, .flags = CALLBACKF_mask_events};
	assert_int_equal(hc(v0, __HYPERVISOR_callback_op, CALLBACKOP_register, GVA, 0), 0);
	assert_int_equal(v0->arch->callback[PV_CB_NMI], 0x5000);
	assert_true(v0->arch->callback_masks & (1U << PV_CB_NMI));
	r->type = CALLBACKTYPE_syscall32;
	assert_int_equal(hc(v0, __HYPERVISOR_callback_op, CALLBACKOP_register, GVA, 0), 0);
	r->type = CALLBACKTYPE_sysenter;
	assert_int_equal(hc(v0, __HYPERVISOR_callback_op, CALLBACKOP_register, GVA, 0), 0);
	r->type = 6;
	assert_int_equal(hc(v0, __HYPERVISOR_callback_op, CALLBACKOP_register, GVA, 0),
			 -XEN_ENOSYS);
	r->type = CALLBACKTYPE_sysenter_deprecated;
	assert_int_equal(hc(v0, __HYPERVISOR_callback_op, CALLBACKOP_register, GVA, 0),
			 -XEN_ENOSYS);
	r->type = CALLBACKTYPE_event;
	r->address = NONCANON;
	assert_int_equal(hc(v0, __HYPERVISOR_callback_op, CALLBACKOP_register, GVA, 0),
			 -XEN_EINVAL);
	struct callback_unregister *u = gptr(GVA + 0x100);
	u->type = CALLBACKTYPE_nmi;
	assert_int_equal(hc(v0, __HYPERVISOR_callback_op, CALLBACKOP_unregister, GVA + 0x100, 0),
			 0);
	assert_int_equal(v0->arch->callback[PV_CB_NMI], 0);
	u->type = CALLBACKTYPE_event;
	assert_int_equal(hc(v0, __HYPERVISOR_callback_op, CALLBACKOP_unregister, GVA + 0x100, 0),
			 -XEN_EINVAL);
	u->type = 6;
	assert_int_equal(hc(v0, __HYPERVISOR_callback_op, CALLBACKOP_unregister, GVA + 0x100, 0),
			 -XEN_ENOSYS);
	assert_int_equal(hc(v0, __HYPERVISOR_callback_op, CALLBACKOP_register, 0, 0), -XEN_EFAULT);
	assert_int_equal(hc(v0, __HYPERVISOR_callback_op, 9, GVA, 0), -XEN_ENOSYS);
}

static void test_cpu_state_ops(void **state)
{
	env_reset(false);
	assert_int_equal(hc(v0, __HYPERVISOR_stack_switch, 0xe02b, 0x7000, 0), 0);
	assert_int_equal(v0->arch->kernel_sp, 0x7000);
	assert_int_equal(v0->arch->kernel_ss, 0xe02b);
	assert_int_equal(hc(v0, __HYPERVISOR_stack_switch, 0xe02b, NONCANON, 0), -XEN_EINVAL);
	assert_int_equal(hc(v0, __HYPERVISOR_fpu_taskswitch, 1, 0, 0), 0);
	assert_true(v0->arch->fpu_ts);
	assert_int_equal(hc(v0, __HYPERVISOR_fpu_taskswitch, 0, 0, 0), 0);
	assert_false(v0->arch->fpu_ts);
	assert_int_equal(hc(v0, __HYPERVISOR_set_segment_base, SEGBASE_FS, 0x1234, 0), 0);
	assert_int_equal(v0->arch->fs_base, 0x1234);
	/* Xen's unsigned int which: bits above 31 change nothing (not GS kernel) */
	v0->arch->gs_base_kernel = 0;
	assert_int_equal(hc(v0, __HYPERVISOR_set_segment_base, (1UL << 32) | SEGBASE_FS, 0x4321, 0),
			 0);
	assert_int_equal(v0->arch->fs_base, 0x4321);
	assert_int_equal(v0->arch->gs_base_kernel, 0);
	assert_int_equal(hc(v0, __HYPERVISOR_set_segment_base, SEGBASE_GS_KERNEL, 0x5000, 0), 0);
	assert_int_equal(v0->arch->gs_base_kernel, 0x5000);
	assert_int_equal(hc(v0, __HYPERVISOR_set_segment_base, SEGBASE_GS_USER, 0x6000, 0), 0);
	assert_int_equal(v0->arch->gs_base_user, 0x6000);
	assert_int_equal(hc(v0, __HYPERVISOR_set_segment_base, SEGBASE_GS_USER_SEL, 0, 0), 0);
	assert_int_equal(v0->arch->gs_base_user, 0);
	assert_int_equal(hc(v0, __HYPERVISOR_set_segment_base, SEGBASE_GS_USER_SEL, 0x1234, 0),
			 -XEN_EINVAL);
	assert_int_equal(hc(v0, __HYPERVISOR_set_segment_base, SEGBASE_FS, NONCANON, 0),
			 -XEN_EINVAL);
	assert_int_equal(hc(v0, __HYPERVISOR_set_segment_base, 4, 0, 0), -XEN_EINVAL);
	assert_true(v0->arch->bases_dirty);
}

static void test_debugregs(void **state)
{
	env_reset(false);
	assert_int_equal(hc(v0, __HYPERVISOR_set_debugreg, 0, 0x401000, 0), 0);
	assert_int_equal(hc(v0, __HYPERVISOR_get_debugreg, 0, 0, 0), 0x401000);
	/* Xen's int reg: only the low 32 bits choose (and index: no write past debugreg[]) */
	assert_int_equal(hc(v0, __HYPERVISOR_set_debugreg, (1UL << 40) | 1, 0x402000, 0), 0);
	assert_int_equal(hc(v0, __HYPERVISOR_get_debugreg, 1, 0, 0), 0x402000);
	assert_int_equal(hc(v0, __HYPERVISOR_get_debugreg, (1UL << 40) | 1, 0, 0), 0x402000);
	assert_int_equal(hc(v0, __HYPERVISOR_set_debugreg, 3, 0xffff800000001000UL, 0), -XEN_EPERM);
	assert_int_equal(hc(v0, __HYPERVISOR_set_debugreg, 1, NONCANON, 0), -XEN_EPERM);
	assert_int_equal(hc(v0, __HYPERVISOR_set_debugreg, 7, 1, 0), 0);
	assert_int_equal(hc(v0, __HYPERVISOR_get_debugreg, 7, 0, 0), 0x401);
	assert_int_equal(hc(v0, __HYPERVISOR_set_debugreg, 7, 1UL << 13, 0), -XEN_EPERM);
	assert_int_equal(hc(v0, __HYPERVISOR_set_debugreg, 7, 1UL << 40, 0), -XEN_EPERM);
	assert_int_equal(hc(v0, __HYPERVISOR_set_debugreg, 6, 0, 0), 0);
	assert_int_equal(hc(v0, __HYPERVISOR_get_debugreg, 6, 0, 0), 0xffff0ff0);
	assert_int_equal(hc(v0, __HYPERVISOR_set_debugreg, 4, 0, 0), -XEN_EINVAL);
	assert_int_equal(hc(v0, __HYPERVISOR_set_debugreg, 8, 0, 0), -XEN_EINVAL);
	assert_int_equal(hc(v0, __HYPERVISOR_get_debugreg, 5, 0, 0), -XEN_EINVAL);
	assert_int_equal(hc(v0, __HYPERVISOR_get_debugreg, -1UL, 0, 0), -XEN_EINVAL);
}

static void test_vm_assist(void **state)
{
	env_reset(false);
	assert_int_equal(hc(v0, __HYPERVISOR_vm_assist, VMASST_CMD_enable,
			    VMASST_TYPE_writable_pagetables, 0),
			 0);
	assert_int_equal(dom.pv->vm_assist, 1UL << VMASST_TYPE_writable_pagetables);
	assert_int_equal(
		hc(v0, __HYPERVISOR_vm_assist, VMASST_CMD_enable, VMASST_TYPE_m2p_strict, 0), 0);
	assert_int_equal(hc(v0, __HYPERVISOR_vm_assist, VMASST_CMD_disable,
			    VMASST_TYPE_writable_pagetables, 0),
			 0);
	assert_int_equal(dom.pv->vm_assist, 1UL << VMASST_TYPE_m2p_strict);
	assert_int_equal(hc(v0, __HYPERVISOR_vm_assist, VMASST_CMD_enable, 6, 0), -XEN_EINVAL);
	assert_int_equal(hc(v0, __HYPERVISOR_vm_assist, VMASST_CMD_enable, 64, 0), -XEN_EINVAL);
	assert_int_equal(hc(v0, __HYPERVISOR_vm_assist, 2, 0, 0), -XEN_ENOSYS);
}

static void test_vcpu_op_basic(void **state)
{
	env_reset(false);
	assert_int_equal(hc(v0, __HYPERVISOR_vcpu_op, VCPUOP_is_up, 0, 0), 1);
	assert_int_equal(hc(v0, __HYPERVISOR_vcpu_op, VCPUOP_is_up, 1, 0), 0);
	assert_int_equal(hc(v0, __HYPERVISOR_vcpu_op, VCPUOP_is_up, 2, 0), -XEN_ENOENT);
	assert_int_equal(hc(v0, __HYPERVISOR_vcpu_op, VCPUOP_is_up, ~0UL, 0), -XEN_ENOENT);
	assert_int_equal(hc(v0, __HYPERVISOR_vcpu_op, VCPUOP_up, 1, 0), -XEN_EINVAL);
	assert_int_equal(hc(v0, __HYPERVISOR_vcpu_op, VCPUOP_down, 0, 0), 0);
	assert_int_equal(env.downs, 1);
	assert_int_equal(hc(v0, __HYPERVISOR_vcpu_op, VCPUOP_send_nmi, 0, GVA), -XEN_ENOSYS);
	assert_int_equal(hc(v0, __HYPERVISOR_vcpu_op, 99, 0, GVA), -XEN_ENOSYS);
}

static void test_vcpu_timers(void **state)
{
	env_reset(false);
	uint64_t *p = gptr(GVA);
	*p = 10000000;
	assert_int_equal(hc(v0, __HYPERVISOR_vcpu_op, VCPUOP_set_periodic_timer, 1, GVA), 0);
	assert_int_equal(env.periodic, 10000000);
	assert_ptr_equal(env.timer_vcpu, v1);
	*p = 999999;
	assert_int_equal(hc(v0, __HYPERVISOR_vcpu_op, VCPUOP_set_periodic_timer, 0, GVA),
			 -XEN_EINVAL);
	assert_int_equal(hc(v0, __HYPERVISOR_vcpu_op, VCPUOP_set_periodic_timer, 0, 0),
			 -XEN_EFAULT);
	assert_int_equal(hc(v0, __HYPERVISOR_vcpu_op, VCPUOP_stop_periodic_timer, 0, 0), 0);
	assert_int_equal(env.periodic, 0);
	struct vcpu_set_singleshot_timer *s = gptr(GVA);
	*s = (struct vcpu_set_singleshot_timer){.timeout_abs_ns = 5555, .flags = 1};
	assert_int_equal(hc(v0, __HYPERVISOR_vcpu_op, VCPUOP_set_singleshot_timer, 0, GVA), 0);
	assert_int_equal(env.singleshot, 5555);
	env.now = 6000; /* the deadline is past: refused with the flag (Xen 4.17) */
	assert_int_equal(hc(v0, __HYPERVISOR_vcpu_op, VCPUOP_set_singleshot_timer, 0, GVA),
			 -XEN_ETIME);
	assert_int_equal(env.singleshot, 5555);
	s->flags = 0; /* and fires at once without it */
	assert_int_equal(hc(v0, __HYPERVISOR_vcpu_op, VCPUOP_set_singleshot_timer, 0, GVA), 0);
	assert_int_equal(env.singleshot, 5555);
	assert_int_equal(hc(v0, __HYPERVISOR_vcpu_op, VCPUOP_set_singleshot_timer, 1, GVA),
			 -XEN_EINVAL); /* only for the caller */
	assert_int_equal(hc(v0, __HYPERVISOR_vcpu_op, VCPUOP_stop_singleshot_timer, 1, 0),
			 -XEN_EINVAL);
	assert_int_equal(hc(v0, __HYPERVISOR_vcpu_op, VCPUOP_stop_singleshot_timer, 0, 0), 0);
	assert_int_equal(env.singleshot, 0);
}

static void test_vcpu_runstate(void **state)
{
	env_reset(false);
	env.runstate_time[RUNSTATE_offline] = 77;
	env.now = 1234;
	assert_int_equal(hc(v0, __HYPERVISOR_vcpu_op, VCPUOP_get_runstate_info, 1, GVA), 0);
	struct vcpu_runstate_info *r = gptr(GVA);
	assert_int_equal(r->state, RUNSTATE_offline);
	assert_int_equal(r->state_entry_time, 1234);
	assert_int_equal(r->time[RUNSTATE_offline], 77);
	assert_int_equal(hc(v0, __HYPERVISOR_vcpu_op, VCPUOP_get_runstate_info, 1, GVA + GMEM - 8),
			 -XEN_EFAULT);
	/* register: recorded and written at once; bad areas are -EFAULT */
	*(uint64_t *)gptr(GVA) = 0x9000;
	assert_int_equal(hc(v0, __HYPERVISOR_vcpu_op, VCPUOP_register_runstate_memory_area, 1, GVA),
			 0);
	assert_int_equal(v1->arch->runstate_va, 0x9000);
	assert_ptr_equal(env.runstate_area_vcpu, v1);
	assert_int_equal(env.runstate_area_writes, 1);
	*(uint64_t *)gptr(GVA) = NONCANON;
	assert_int_equal(hc(v0, __HYPERVISOR_vcpu_op, VCPUOP_register_runstate_memory_area, 1, GVA),
			 -XEN_EFAULT);
	*(uint64_t *)gptr(GVA) = HYPERVISOR_VIRT_START + 0x1000;
	assert_int_equal(hc(v0, __HYPERVISOR_vcpu_op, VCPUOP_register_runstate_memory_area, 1, GVA),
			 -XEN_EFAULT);
	*(uint64_t *)gptr(GVA) = HYPERVISOR_VIRT_START - 8; /* straddles into it */
	assert_int_equal(hc(v0, __HYPERVISOR_vcpu_op, VCPUOP_register_runstate_memory_area, 1, GVA),
			 -XEN_EFAULT);
	assert_int_equal(v1->arch->runstate_va, 0x9000);
	assert_int_equal(
		hc(v0, __HYPERVISOR_vcpu_op, VCPUOP_register_runstate_memory_area, 1, GVA + GMEM),
		-XEN_EFAULT);
	/* register_vcpu_info: decoded and handed on (kernel/domain checks it) */
	struct vcpu_register_vcpu_info *ri = gptr(GVA);
	ri->mfn = 0x1234;
	ri->offset = 64;
	assert_int_equal(hc(v0, __HYPERVISOR_vcpu_op, VCPUOP_register_vcpu_info, 1, GVA), 0);
	assert_ptr_equal(env.info_vcpu, v1);
	assert_int_equal(env.info_gfn, 0x1234);
	assert_int_equal(env.info_offset, 64);
	assert_false(env.info_self);
	assert_int_equal(hc(v1, __HYPERVISOR_vcpu_op, VCPUOP_register_vcpu_info, 1, GVA), 0);
	assert_true(env.info_self);
	assert_int_equal(hc(v0, __HYPERVISOR_vcpu_op, VCPUOP_register_vcpu_info, 1, GVA + GMEM),
			 -XEN_EFAULT);
	*(uint64_t *)gptr(GVA) = 0; /* unregister */
	assert_int_equal(hc(v0, __HYPERVISOR_vcpu_op, VCPUOP_register_runstate_memory_area, 1, GVA),
			 0);
	assert_int_equal(v1->arch->runstate_va, 0);
}

static void test_vcpu_initialise(void **state)
{
	env_reset(false);
	struct vcpu_guest_context *c = gptr(GVA);
	c->user_regs.rip = 0x401000;
	c->user_regs.rsp = 0x500000;
	c->user_regs.rflags = 0x3000; /* IOPL bits are dropped */
	c->trap_ctxt[14] = (struct trap_info){.vector = 14, .address = 0x402000};
	c->kernel_sp = 0x600000;
	c->ctrlreg[3] = 0x42UL << 12;
	c->ctrlreg[1] = 0x43UL << 12;
	c->event_callback_eip = 0x403000;
	assert_int_equal(hc(v0, __HYPERVISOR_vcpu_op, VCPUOP_initialise, 1, GVA), 0);
	assert_true(v1->arch->initialised);
	assert_int_equal(v1->arch->regs.rip, 0x401000);
	assert_int_equal(v1->arch->regs.cs, FLAT_KERNEL_CS);
	assert_int_equal(v1->arch->regs.rflags, 0x202);
	assert_int_equal(v1->arch->traps[14].address, 0x402000);
	assert_int_equal(v1->arch->callback[PV_CB_EVENT], 0x403000);
	assert_int_equal(env.kernel_root, 0x42);
	assert_int_equal(env.user_root, 0x43);
	/* no VGCF_i387_valid: the FPU gets its reset state */
	assert_int_equal(*(uint16_t *)&v1->arch->fpu[FPU_FCW_OFF], FPU_FCW_DEFAULT);
	assert_int_equal(*(uint32_t *)&v1->arch->fpu[FPU_MXCSR_OFF], FPU_MXCSR_DEFAULT);
	assert_int_equal(*(uint64_t *)&v1->arch->fpu[FPU_XSTATE_BV_OFF], 0);
	assert_int_equal(hc(v0, __HYPERVISOR_vcpu_op, VCPUOP_initialise, 1, GVA), -XEN_EEXIST);
	assert_int_equal(hc(v0, __HYPERVISOR_vcpu_op, VCPUOP_up, 1, 0), 0);
	assert_int_equal(hc(v0, __HYPERVISOR_vcpu_op, VCPUOP_is_up, 1, 0), 1);
	/* refusals leave the vCPU uninitialised */
	env_reset(false);
	c->user_regs.rip = NONCANON;
	assert_int_equal(hc(v0, __HYPERVISOR_vcpu_op, VCPUOP_initialise, 1, GVA), -XEN_EINVAL);
	c->user_regs.rip = 0x401000;
	c->trap_ctxt[3].address = NONCANON;
	assert_int_equal(hc(v0, __HYPERVISOR_vcpu_op, VCPUOP_initialise, 1, GVA), -XEN_EINVAL);
	c->trap_ctxt[3].address = 0;
	env.roots_rc = -XEN_EINVAL;
	assert_int_equal(hc(v0, __HYPERVISOR_vcpu_op, VCPUOP_initialise, 1, GVA), -XEN_EINVAL);
	assert_int_equal(hc(v0, __HYPERVISOR_vcpu_op, VCPUOP_initialise, 1, GVA + GMEM - 4096),
			 -XEN_EFAULT);
	assert_false(v1->arch->initialised);
}

/* VCPUOP_initialise with VGCF_i387_valid: the FXSAVE image is taken, with
 * MXCSR's reserved bits cleared so that the restore cannot fault. */
static void test_vcpu_initialise_fpu(void **state)
{
	env_reset(false);
	struct vcpu_guest_context *c = gptr(GVA);
	c->user_regs.rip = 0x401000;
	c->ctrlreg[3] = 0x42UL << 12;
	c->flags = VGCF_i387_valid;
	uint16_t fcw = 0x027f;
	uint32_t mxcsr = 0xffff7f80; /* reserved bits 16-31 and DAZ set */
	memcpy(&c->fpu_ctxt.x[FPU_FCW_OFF], &fcw, 2);
	memcpy(&c->fpu_ctxt.x[FPU_MXCSR_OFF], &mxcsr, 4);
	c->fpu_ctxt.x[160] = 0x5a;	       /* xmm0's first byte */
	memset(v1->arch->fpu + 512, 0xee, 64); /* stale header bytes are cleared */
	assert_int_equal(hc(v0, __HYPERVISOR_vcpu_op, VCPUOP_initialise, 1, GVA), 0);
	assert_int_equal(*(uint16_t *)&v1->arch->fpu[FPU_FCW_OFF], 0x027f);
	assert_int_equal(*(uint32_t *)&v1->arch->fpu[FPU_MXCSR_OFF], 0x7f80 & FPU_MXCSR_VALID_BITS);
	assert_int_equal(v1->arch->fpu[160], 0x5a);
	assert_int_equal(*(uint64_t *)&v1->arch->fpu[FPU_XSTATE_BV_OFF], FPU_XSTATE_X87_SSE);
	assert_int_equal(v1->arch->fpu[FPU_XSTATE_BV_OFF + 8], 0);
	assert_int_equal(((unsigned long)v1->arch->fpu) % 64, 0);
}

int run_cpu_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sched_simple),
		cmocka_unit_test(test_vcpu_initialise_fpu),
		cmocka_unit_test(test_sched_shutdown_every_reason),
		cmocka_unit_test(test_remote_shutdown),
		cmocka_unit_test(test_poll),
		cmocka_unit_test(test_set_timer_op),
		cmocka_unit_test(test_trap_table),
		cmocka_unit_test(test_callbacks),
		cmocka_unit_test(test_cpu_state_ops),
		cmocka_unit_test(test_debugregs),
		cmocka_unit_test(test_vm_assist),
		cmocka_unit_test(test_vcpu_op_basic),
		cmocka_unit_test(test_vcpu_timers),
		cmocka_unit_test(test_vcpu_runstate),
		cmocka_unit_test(test_vcpu_initialise),
	};
	return cmocka_run_group_tests_name("cpu", tests, NULL, NULL);
}
