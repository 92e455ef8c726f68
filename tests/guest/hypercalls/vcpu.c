/*
 * vcpu_op (24), sched_op (29) and its compat form (6), set_timer_op (15),
 * console_io (18), set_callbacks (4), callback_op (30) and the debug
 * registers (8, 9) from inside a guest: success paths, every documented
 * error, the limits of each argument, and what differs between dom0 and a
 * domU.  Nothing here may end or stall the guest: shutdown is tried only
 * with arguments that must be refused, block only with an event pending,
 * poll only with a port already pending or a timeout.
 */
#include "conform.h"
#include <public/callback.h>
#include <public/event_channel.h>
#include <public/sched.h>
#include <public/vcpu.h>

static long vcpu_op(int cmd, unsigned int id, void *arg)
{
	return hypercall(__HYPERVISOR_vcpu_op, (unsigned long)cmd, id, (unsigned long)arg, 0, 0);
}

static long sched_op(int cmd, void *arg)
{
	return hypercall(__HYPERVISOR_sched_op, (unsigned long)cmd, (unsigned long)arg, 0, 0, 0);
}

/* The guest's view of system time: vcpu_time_info of vCPU 0 is not mapped here, so use
 * the runstate's state_entry_time (system time at the last switch) as a lower bound. */
static uint64_t system_time_floor(void)
{
	static struct vcpu_runstate_info rs;
	vcpu_op(VCPUOP_get_runstate_info, 0, &rs);
	return rs.state_entry_time;
}

static void test_vcpu_op(void)
{
	static struct vcpu_runstate_info rs;
	static struct vcpu_set_periodic_timer pt;
	static struct vcpu_set_singleshot_timer st;

	tg_expect(vcpu_op(VCPUOP_up, 0, 0), 0, "vcpu_op up of a running vcpu");
	tg_expect(vcpu_op(VCPUOP_is_up, 1, 0), -XEN_ENOENT, "vcpu_op on vcpu 1 (we have one)");
	tg_expect(vcpu_op(VCPUOP_is_up, ~0U, 0), -XEN_ENOENT, "vcpu_op on vcpu ~0");
	tg_expect(vcpu_op(VCPUOP_get_runstate_info, 0, &rs), 0, "vcpu_op get_runstate_info");
	tg_check(rs.state == RUNSTATE_running && rs.time[RUNSTATE_running] > 0,
		 "runstate: running, with running time");
	tg_expect(vcpu_op(VCPUOP_get_runstate_info, 0, (void *)HV_RANGE), -XEN_EFAULT,
		  "vcpu_op get_runstate_info into the hypervisor range");
	tg_expect(vcpu_op(VCPUOP_initialise, 0, &rs), -XEN_EEXIST,
		  "vcpu_op initialise of a running vcpu");
	pt.period_ns = 999999;
	tg_expect(vcpu_op(VCPUOP_set_periodic_timer, 0, &pt), -XEN_EINVAL,
		  "vcpu_op periodic timer under 1 ms");
	pt.period_ns = 1000000;
	tg_expect(vcpu_op(VCPUOP_set_periodic_timer, 0, &pt), 0, "vcpu_op periodic timer 1 ms");
	tg_expect(vcpu_op(VCPUOP_stop_periodic_timer, 0, 0), 0, "vcpu_op stop periodic timer");
	tg_expect(vcpu_op(VCPUOP_set_periodic_timer, 0, (void *)NONCANON), -XEN_EFAULT,
		  "vcpu_op periodic timer from a non-canonical pointer");
	st = (struct vcpu_set_singleshot_timer){.timeout_abs_ns = 1, .flags = VCPU_SSHOTTMR_future};
	tg_expect(vcpu_op(VCPUOP_set_singleshot_timer, 0, &st), -XEN_ETIME,
		  "vcpu_op singleshot timer in the past with VCPU_SSHOTTMR_future");
	st.timeout_abs_ns = system_time_floor() + 1000000000000ULL;
	tg_expect(vcpu_op(VCPUOP_set_singleshot_timer, 0, &st), 0,
		  "vcpu_op singleshot timer in the future");
	st.flags = 0;
	st.timeout_abs_ns = 1;
	tg_expect(vcpu_op(VCPUOP_set_singleshot_timer, 0, &st), 0,
		  "vcpu_op singleshot timer in the past without the flag");
	tg_expect(vcpu_op(VCPUOP_stop_singleshot_timer, 0, 0), 0, "vcpu_op stop singleshot timer");
	tg_expect(vcpu_op(VCPUOP_send_nmi, 0, 0), -XEN_ENOSYS, "vcpu_op send_nmi");
	tg_expect(vcpu_op(99, 0, 0), -XEN_ENOSYS, "vcpu_op unknown command");
}

static void test_sched_op(void)
{
	static struct sched_shutdown sd;
	static struct sched_poll poll;
	static evtchn_port_t ports[2];
	static struct evtchn_bind_ipi ipi;
	static struct evtchn_send send;
	static struct evtchn_close cl;

	sd.reason = SHUTDOWN_MAX + 1;
	tg_expect(sched_op(SCHEDOP_shutdown, &sd), -XEN_EINVAL, "sched_op shutdown reason 5");
	tg_expect(sched_op(SCHEDOP_shutdown, (void *)HV_RANGE), -XEN_EFAULT,
		  "sched_op shutdown from the hypervisor range");
	tg_expect(sched_op(SCHEDOP_shutdown_code, &sd), -XEN_EINVAL,
		  "sched_op shutdown_code reason 5");
	static struct sched_remote_shutdown rs = {.domain_id = 0, .reason = SHUTDOWN_MAX + 1};
	tg_expect(sched_op(SCHEDOP_remote_shutdown, &rs),
		  conform_is_dom0() ? -XEN_EINVAL : -XEN_EPERM,
		  "sched_op remote_shutdown reason 5");
	/* poll: a pending port returns at once; the limits of the port list. */
	ipi.vcpu = 0;
	hypercall(__HYPERVISOR_event_channel_op, EVTCHNOP_bind_ipi, (unsigned long)&ipi, 0, 0, 0);
	send.port = ports[0] = ipi.port;
	hypercall(__HYPERVISOR_event_channel_op, EVTCHNOP_send, (unsigned long)&send, 0, 0, 0);
	poll = (struct sched_poll){.nr_ports = 1, .timeout = 0};
	poll.ports.p = ports;
	tg_expect(sched_op(SCHEDOP_poll, &poll), 0, "sched_op poll on a pending port");
	poll.nr_ports = 129;
	tg_expect(sched_op(SCHEDOP_poll, &poll), -XEN_EINVAL, "sched_op poll of 129 ports");
	ports[1] = EVTCHN_PORTS;
	poll.nr_ports = 2;
	tg_expect(sched_op(SCHEDOP_poll, &poll), -XEN_EINVAL, "sched_op poll of port 4096");
	poll.ports.p = (evtchn_port_t *)HV_RANGE;
	tg_expect(sched_op(SCHEDOP_poll, &poll), -XEN_EFAULT,
		  "sched_op poll with ports in the hypervisor range");
	cl.port = ipi.port;
	hypercall(__HYPERVISOR_event_channel_op, EVTCHNOP_close, (unsigned long)&cl, 0, 0, 0);
	tg_expect(sched_op(SCHEDOP_watchdog, 0), -XEN_ENOSYS, "sched_op watchdog");
	tg_expect(hypercall(__HYPERVISOR_sched_op_compat, SCHEDOP_yield, 0, 0, 0, 0), 0,
		  "sched_op_compat yield");
	tg_expect(hypercall(__HYPERVISOR_sched_op_compat, SCHEDOP_shutdown, SHUTDOWN_MAX + 1, 0, 0,
			    0),
		  -XEN_EINVAL, "sched_op_compat shutdown reason 5");
	tg_expect(hypercall(__HYPERVISOR_sched_op_compat, SCHEDOP_poll, 0, 0, 0, 0), -XEN_ENOSYS,
		  "sched_op_compat poll");
	tg_expect(hypercall(__HYPERVISOR_set_timer_op, system_time_floor() + 1000000000000ULL, 0, 0,
			    0, 0),
		  0, "set_timer_op 1000 s ahead");
	tg_expect(hypercall(__HYPERVISOR_set_timer_op, ~0UL, 0, 0, 0, 0), 0,
		  "set_timer_op with a negative deadline");
	tg_expect(hypercall(__HYPERVISOR_set_timer_op, 0, 0, 0, 0, 0), 0, "set_timer_op cancel");
}

static void test_console_callbacks(void)
{
	static char buf[16];
	long want = conform_is_dom0() ? 0 : -XEN_EPERM;

	tg_expect(hypercall(__HYPERVISOR_console_io, CONSOLEIO_write, 0, HV_RANGE, 0, 0), 0,
		  "console_io write of 0 bytes reads nothing");
	tg_expect(hypercall(__HYPERVISOR_console_io, CONSOLEIO_read, sizeof(buf),
			    (unsigned long)buf, 0, 0),
		  want, "console_io read (dom0: nothing typed; domU: -EPERM)");
	tg_expect(hypercall(__HYPERVISOR_console_io, CONSOLEIO_read, 0x80000000UL,
			    (unsigned long)buf, 0, 0),
		  conform_is_dom0() ? -XEN_E2BIG : -XEN_EPERM, "console_io read of 2 GiB");
	tg_expect(hypercall(__HYPERVISOR_set_callbacks, NONCANON, 0x1000, 0x1000, 0, 0),
		  -XEN_EINVAL, "set_callbacks with a non-canonical event callback");
	tg_expect(hypercall(__HYPERVISOR_set_callbacks, 0x1000, ~0UL << 47 >> 1, 0x1000, 0, 0),
		  -XEN_EINVAL, "set_callbacks with a non-canonical failsafe callback");
	static struct callback_register cb;
	cb = (struct callback_register){.type = CALLBACKTYPE_event, .address = NONCANON};
	tg_expect(hypercall(__HYPERVISOR_callback_op, CALLBACKOP_register, (unsigned long)&cb, 0, 0,
			    0),
		  -XEN_EINVAL, "callback_op register at a non-canonical address");
	static struct callback_unregister un = {.type = CALLBACKTYPE_event};
	tg_expect(hypercall(__HYPERVISOR_callback_op, CALLBACKOP_unregister, (unsigned long)&un, 0,
			    0, 0),
		  -XEN_EINVAL, "callback_op unregister of the event callback");
	un.type = CALLBACKTYPE_nmi;
	tg_expect(hypercall(__HYPERVISOR_callback_op, CALLBACKOP_unregister, (unsigned long)&un, 0,
			    0, 0),
		  0, "callback_op unregister nmi");
	tg_expect(hypercall(__HYPERVISOR_callback_op, CALLBACKOP_register, HV_RANGE, 0, 0, 0),
		  -XEN_EFAULT, "callback_op from the hypervisor range");
	tg_expect(hypercall(__HYPERVISOR_callback_op, 9, (unsigned long)&cb, 0, 0, 0), -XEN_ENOSYS,
		  "callback_op unknown command");
	tg_expect(hypercall(__HYPERVISOR_set_debugreg, 0, HV_RANGE, 0, 0, 0), -XEN_EPERM,
		  "set_debugreg dr0 in the hypervisor range");
	tg_expect(hypercall(__HYPERVISOR_set_debugreg, 1, NONCANON, 0, 0, 0), -XEN_EPERM,
		  "set_debugreg dr1 non-canonical");
	tg_expect(hypercall(__HYPERVISOR_set_debugreg, 7, 0x400 | (1UL << 13), 0, 0, 0), -XEN_EPERM,
		  "set_debugreg dr7 with GD");
	tg_expect(hypercall(__HYPERVISOR_set_debugreg, 2, 0x1000, 0, 0, 0), 0, "set_debugreg dr2");
	tg_expect(hypercall(__HYPERVISOR_get_debugreg, 2, 0, 0, 0, 0), 0x1000, "get_debugreg dr2");
	tg_expect(hypercall(__HYPERVISOR_set_debugreg, 2, 0, 0, 0, 0), 0, "set_debugreg dr2 back");
	/* As Xen (int reg): the register number is the low 32 bits of the argument. */
	tg_expect(hypercall(__HYPERVISOR_set_debugreg, (1UL << 40) | 2, 0x2000, 0, 0, 0), 0,
		  "set_debugreg (1 << 40) | 2 sets dr2");
	tg_expect(hypercall(__HYPERVISOR_get_debugreg, 2, 0, 0, 0, 0), 0x2000, "get_debugreg dr2");
	tg_expect(hypercall(__HYPERVISOR_get_debugreg, (1UL << 40) | 2, 0, 0, 0, 0), 0x2000,
		  "get_debugreg (1 << 40) | 2 reads dr2");
	tg_expect(hypercall(__HYPERVISOR_set_debugreg, 2, 0, 0, 0, 0), 0, "set_debugreg dr2 back");
	tg_expect(hypercall(__HYPERVISOR_get_debugreg, 8, 0, 0, 0, 0), -XEN_EINVAL,
		  "get_debugreg 8");
	tg_expect(hypercall(__HYPERVISOR_get_debugreg, ~0UL, 0, 0, 0, 0), -XEN_EINVAL,
		  "get_debugreg ~0");
}

void test_vcpu(void)
{
	test_vcpu_op();
	test_sched_op();
	test_console_callbacks();
}
