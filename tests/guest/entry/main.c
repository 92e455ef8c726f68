/*
 * The SYSCALL hypercall entry from inside a guest: its fast path (a plain
 * hypercall returned by SYSRET without saving rbx or r12-r15) and every way off it must keep the guest's registers, and exit
 * work found after a fast hypercall must still be done:
 *   - a plain hypercall (xen_version) keeps rbx, rbp, r12-r15;
 *   - a number without a row (the slow path, before running anything)
 *     keeps them and returns -ENOSYS;
 *   - set_segment_base(FS) leaves a base reload as exit work: %fs:0 then
 *     reads through the new base;
 *   - an event sent to this vCPU with events unmasked leaves an upcall as
 *     exit work: the callback runs once, and the registers survive it.
 */
#include "../lib/tg.h"
#include <public/errno.h>
#include <public/event_channel.h>
#include <public/version.h>

const char test_title[] = "entry";

#define PTE_FLAGS 0x63UL

long entry_probe(unsigned long nr, unsigned long a1, unsigned long a2, long *result);
void entry_event_handler(void);
unsigned long *entry_pending_word;
struct vcpu_info *entry_vcpu_info;
unsigned long entry_upcalls;

static uint8_t si_page[4096] __attribute__((aligned(4096)));
static unsigned long fs_target = 0x5a5a1234;

static void test_plain(void)
{
	long r = 0;
	tg_expect(entry_probe(__HYPERVISOR_xen_version, XENVER_version, 0, &r), 0,
		  "fast path keeps rbx, rbp, r12-r15");
	tg_check(r > 0, "fast path returns xen_version's result");
	tg_expect(entry_probe(47, 0, 0, &r), 0, "unknown number keeps the registers");
	tg_expect(r, -XEN_ENOSYS, "unknown number returns -ENOSYS");
}

static void test_bases(void)
{
	long r = 0;
	unsigned long got;
	tg_expect(entry_probe(__HYPERVISOR_set_segment_base, SEGBASE_FS, (unsigned long)&fs_target,
			      &r),
		  0, "set_segment_base keeps the registers");
	tg_expect(r, 0, "set_segment_base fs");
	__asm__ volatile("mov %%fs:0, %0" : "=r"(got));
	tg_expect((long)got, (long)fs_target, "the new FS base is live after the hypercall");
	hypercall(__HYPERVISOR_set_segment_base, SEGBASE_FS, 0, 0, 0, 0);
}

static void test_upcall(void)
{
	struct shared_info *si = (struct shared_info *)si_page;
	static struct evtchn_bind_ipi ipi = {.vcpu = 0};
	static struct evtchn_send send;
	long r = 0;

	tg_expect(hypercall(__HYPERVISOR_update_va_mapping, (unsigned long)si_page,
			    (tg_start_info->shared_info & ~0xfffUL) | PTE_FLAGS, UVMF_INVLPG, 0, 0),
		  0, "map shared_info");
	tg_expect(hypercall(__HYPERVISOR_event_channel_op, EVTCHNOP_bind_ipi, (unsigned long)&ipi,
			    0, 0, 0),
		  0, "bind an IPI port");
	entry_vcpu_info = &si->vcpu_info[0];
	entry_pending_word = &si->evtchn_pending[ipi.port / 64];
	send.port = ipi.port;
	hypercall(__HYPERVISOR_set_callbacks, (unsigned long)entry_event_handler, 0, 0, 0, 0);
	((volatile struct vcpu_info *)entry_vcpu_info)->evtchn_upcall_mask = 0;
	tg_expect(
		entry_probe(__HYPERVISOR_event_channel_op, EVTCHNOP_send, (unsigned long)&send, &r),
		0, "send with an upcall as exit work keeps the registers");
	tg_expect(r, 0, "send to this vCPU");
	tg_expect((long)entry_upcalls, 1, "the upcall ran once, right after the hypercall");
	((volatile struct vcpu_info *)entry_vcpu_info)->evtchn_upcall_mask = 1;
}

void test_main(void)
{
	test_plain();
	test_bases();
	test_upcall();
}
