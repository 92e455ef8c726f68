/*
 * The SYSCALL hypercall entry from inside a guest: its fast path (a
 * hypercall called straight from the fast table, returned by SYSRET after
 * a check for a reschedule request and a deliverable upcall) and every
 * way off it must keep the guest's registers (tg_probe: all but rax, rcx,
 * r11), and exit work must never be lost:
 *   - a plain hypercall (xen_version) and a yield with nothing else to run
 *     take the fast path;
 *   - a number without a row takes the full path before running anything
 *     and returns -ENOSYS;
 *   - set_segment_base(FS), alone or inside a multicall, leaves a base
 *     reload (both always take the full path): %fs:0 then reads through
 *     the new base;
 *   - an event sent to this vCPU with events unmasked leaves an upcall:
 *     the callback runs once, right after the hypercall;
 *   - a send with events masked leaves none; once the guest clears the
 *     mask itself, its next hypercall (a plain one) delivers the upcall;
 *   - a send to a masked port leaves the port pending and nothing else;
 *     EVTCHNOP_unmask then leaves the upcall as its exit work;
 *   - a periodic timer raises VIRQ_TIMER from interrupts while the vCPU
 *     spins in fast hypercalls: its upcalls arrive, registers intact;
 *   - the iret hypercall (pv_entry.S's slot) from a frame built by hand
 *     returns rax, rcx and r11 from it, sets the upcall mask from its IF,
 *     and delivers an event its unmasking makes deliverable;
 *   - the upcall's frame stored directly and by the fallback when the
 *     direct store faults is the same (upcall_frame.c).
 */
#include "../lib/tg.h"
#include <public/errno.h>
#include <public/event_channel.h>
#include <public/sched.h>
#include <public/vcpu.h>
#include <public/version.h>

const char test_title[] = "entry";

#define PTE_FLAGS 0x63UL

void entry_event_handler(void);
void test_upcall_frame(const struct evtchn_send *send);
unsigned long *entry_pending_word;
struct vcpu_info *entry_vcpu_info;
volatile unsigned long entry_upcalls;

static uint8_t si_page[4096] __attribute__((aligned(4096)));
static unsigned long fs_target = 0x5a5a1234, fs_target2 = 0x6b6b5678;
static struct evtchn_send send;

static void test_plain(void)
{
	long r = 0;
	tg_expect(tg_probe(__HYPERVISOR_xen_version, XENVER_version, 0, &r), 0,
		  "fast path keeps every register");
	tg_check(r > 0, "fast path returns xen_version's result");
	tg_expect(tg_probe(__HYPERVISOR_sched_op, SCHEDOP_yield, 0, &r), 0,
		  "a yield with nothing else to run keeps every register");
	tg_expect(r, 0, "the yield returns 0");
	tg_expect(tg_probe(47, 0, 0, &r), 0, "unknown number keeps the registers");
	tg_expect(r, -XEN_ENOSYS, "unknown number returns -ENOSYS");
	tg_expect(tg_probe(64, 0, 0, &r), 0, "a number past the table keeps the registers");
	tg_expect(r, -XEN_ENOSYS, "a number past the table returns -ENOSYS");
}

static unsigned long fs_word(void)
{
	unsigned long got;
	__asm__ volatile("mov %%fs:0, %0" : "=r"(got));
	return got;
}

static void test_bases(void)
{
	long r = 0;
	tg_expect(
		tg_probe(__HYPERVISOR_set_segment_base, SEGBASE_FS, (unsigned long)&fs_target, &r),
		0, "set_segment_base keeps the registers");
	tg_expect(r, 0, "set_segment_base fs");
	tg_expect((long)fs_word(), (long)fs_target, "the new FS base is live after the hypercall");

	static struct multicall_entry mc[2];
	mc[0] = (struct multicall_entry){.op = __HYPERVISOR_xen_version, .args = {XENVER_version}};
	mc[1] = (struct multicall_entry){.op = __HYPERVISOR_set_segment_base,
					 .args = {SEGBASE_FS, (unsigned long)&fs_target2}};
	tg_expect(tg_probe(__HYPERVISOR_multicall, (unsigned long)mc, 2, &r), 0,
		  "multicall keeps the registers");
	tg_expect(r, 0, "multicall");
	tg_expect((long)mc[1].result, 0, "multicall: set_segment_base fs");
	tg_expect((long)fs_word(), (long)fs_target2,
		  "the FS base a multicall set is live after it");
	hypercall(__HYPERVISOR_set_segment_base, SEGBASE_FS, 0, 0, 0, 0);
}

static void clear_pending(void)
{
	volatile struct vcpu_info *vi = entry_vcpu_info;
	*(volatile unsigned long *)entry_pending_word = 0;
	vi->evtchn_pending_sel = 0;
	vi->evtchn_upcall_pending = 0;
}

static void test_upcall(void)
{
	volatile struct vcpu_info *vi = entry_vcpu_info;
	long r = 0;
	vi->evtchn_upcall_mask = 0;
	tg_expect(tg_probe(__HYPERVISOR_event_channel_op, EVTCHNOP_send, (unsigned long)&send, &r),
		  0, "send with an upcall as exit work keeps the registers");
	tg_expect(r, 0, "send to this vCPU");
	tg_expect((long)entry_upcalls, 1, "the upcall ran once, right after the hypercall");

	vi->evtchn_upcall_mask = 1;
	tg_expect(tg_probe(__HYPERVISOR_event_channel_op, EVTCHNOP_send, (unsigned long)&send, &r),
		  0, "send with events masked keeps the registers");
	tg_check(r == 0 && vi->evtchn_upcall_pending && entry_upcalls == 1,
		 "masked: the event is pending, no upcall");
	vi->evtchn_upcall_mask = 0; /* the guest unmasks by itself ... */
	tg_expect(tg_probe(__HYPERVISOR_xen_version, XENVER_version, 0, &r), 0,
		  "a plain hypercall with an upcall now deliverable keeps the registers");
	tg_expect((long)entry_upcalls, 2, "... and its next plain hypercall delivers the upcall");
	vi->evtchn_upcall_mask = 1;
	clear_pending();
}

/* A send to a masked port leaves it pending and nothing else; unmasking
 * it by hypercall makes the upcall that hypercall's exit work. */
static void test_masked_port(void)
{
	volatile struct vcpu_info *vi = entry_vcpu_info;
	struct shared_info *si = (struct shared_info *)si_page;
	volatile unsigned long *mask = &si->evtchn_mask[send.port / 64];
	unsigned long bit = 1UL << (send.port % 64), before = entry_upcalls;
	static struct evtchn_unmask um;
	long r = 0;
	*mask |= bit;
	vi->evtchn_upcall_mask = 0;
	tg_expect(tg_probe(__HYPERVISOR_event_channel_op, EVTCHNOP_send, (unsigned long)&send, &r),
		  0, "send to a masked port keeps the registers");
	tg_check(r == 0 && (*entry_pending_word & bit) && !vi->evtchn_upcall_pending &&
			 entry_upcalls == before,
		 "masked port: pending, no selector, no upcall");
	um.port = send.port;
	tg_expect(tg_probe(__HYPERVISOR_event_channel_op, EVTCHNOP_unmask, (unsigned long)&um, &r),
		  0, "unmask keeps the registers");
	tg_check(r == 0 && !(*mask & bit), "unmask cleared the mask bit");
	tg_expect((long)(entry_upcalls - before), 1, "the unmask's exit delivered the upcall");
	vi->evtchn_upcall_mask = 1;
	clear_pending();
}

/* The send's port read (4 bytes by value) across a page boundary, and
 * from an address nothing maps. */
static void test_send_port_reads(void)
{
	static uint8_t two[8192] __attribute__((aligned(4096)));
	volatile struct vcpu_info *vi = entry_vcpu_info;
	uint32_t port = send.port;
	long r = 0;
	__builtin_memcpy(&two[4094], &port, sizeof(port));
	vi->evtchn_upcall_mask = 1;
	tg_expect(hypercall(__HYPERVISOR_event_channel_op, EVTCHNOP_send, (unsigned long)&two[4094],
			    0, 0, 0),
		  0, "send with its port across a page boundary");
	tg_check(vi->evtchn_upcall_pending != 0, "... raised the port");
	clear_pending();
	tg_expect(
		tg_probe(__HYPERVISOR_event_channel_op, EVTCHNOP_send, tg_mapping_end() + 4096, &r),
		0, "send with an unmapped port pointer keeps the registers");
	tg_expect(r, -XEN_EFAULT, "send with an unmapped port pointer: -EFAULT");
}

static void test_timer(void)
{
	volatile struct vcpu_info *vi = entry_vcpu_info;
	static struct evtchn_bind_virq virq = {.virq = VIRQ_TIMER, .vcpu = 0};
	static struct vcpu_set_periodic_timer period = {.period_ns = 1000000};
	unsigned long bad = 0, n = 0, before = entry_upcalls;
	long r;
	tg_expect(hypercall(__HYPERVISOR_event_channel_op, EVTCHNOP_bind_virq, (unsigned long)&virq,
			    0, 0, 0),
		  0, "bind VIRQ_TIMER");
	tg_check(virq.port / 64 == send.port / 64, "the timer port shares the handler's word");
	tg_expect(hypercall(__HYPERVISOR_vcpu_op, VCPUOP_set_periodic_timer, 0,
			    (unsigned long)&period, 0, 0),
		  0, "a 1 ms periodic timer");
	vi->evtchn_upcall_mask = 0;
	for (; n < 4000000 && entry_upcalls < before + 3; n++)
		bad |= (unsigned long)tg_probe(__HYPERVISOR_xen_version, XENVER_version, 0, &r);
	vi->evtchn_upcall_mask = 1;
	hypercall(__HYPERVISOR_vcpu_op, VCPUOP_stop_periodic_timer, 0, 0, 0, 0);
	tg_printf("# %lu fast hypercalls until 3 timer upcalls\n", n);
	tg_check(entry_upcalls >= before + 3, "timer upcalls reach a vCPU spinning in hypercalls");
	tg_expect((long)bad, 0, "every one of those hypercalls kept the registers");
	clear_pending();
}

/* The iret hypercall from a frame built here (VGCF flags 0, CS 0xe030,
 * SS 0xe02b, rsp as it was): rax comes back from the frame (returned),
 * and rcx and r11. */
static unsigned long iret_by_hand(unsigned long rflags, unsigned long *rcx, unsigned long *r11)
{
	unsigned long rax;
	__asm__ volatile("mov %%rsp, %%rdx\n\t"
			 "pushq $0xe02b\n\t"
			 "pushq %%rdx\n\t"
			 "pushq %3\n\t"
			 "pushq $0xe030\n\t" /* RPL 0: back to guest kernel mode */
			 "lea 1f(%%rip), %%rax\n\t"
			 "pushq %%rax\n\t"
			 "pushq $0\n\t"
			 "movabs $0x1234567890abcdef, %%rax\n\t"
			 "movabs $0x0fedcba987654321, %%rcx\n\t"
			 "movabs $0x1122334455667788, %%r11\n\t"
			 "jmp hypercall_page + 23 * 32\n"
			 "1:\tmov %%r11, %2"
			 : "=&a"(rax), "=&c"(*rcx), "=&r"(*r11)
			 : "r"(rflags)
			 : "rdx", "r11", "memory");
	return rax;
}

/* The iret hypercall's fast path: the registers and the upcall mask its
 * frame gives; an iret that unmasks with an event pending delivers it as
 * exit work, and still returns the frame's registers. */
static void test_iret(void)
{
	volatile struct vcpu_info *vi = entry_vcpu_info;
	unsigned long rcx = 0, r11 = 0, before = entry_upcalls;
	long r;

	vi->evtchn_upcall_mask = 0;
	tg_expect((long)iret_by_hand(0x2, &rcx, &r11), 0x1234567890abcdef,
		  "iret: rax from the frame");
	tg_check(rcx == 0x0fedcba987654321 && r11 == 0x1122334455667788,
		 "iret: rcx and r11 from the frame");
	tg_expect(vi->evtchn_upcall_mask, 1, "iret with IF clear in its frame masks events");
	iret_by_hand(0x202, &rcx, &r11);
	tg_expect(vi->evtchn_upcall_mask, 0, "iret with IF set unmasks them");
	vi->evtchn_upcall_mask = 1;
	r = hypercall(__HYPERVISOR_event_channel_op, EVTCHNOP_send, (unsigned long)&send, 0, 0, 0);
	tg_check(r == 0 && entry_upcalls == before, "a send with events masked: no upcall");
	rcx = r11 = 0;
	tg_expect((long)iret_by_hand(0x202, &rcx, &r11), 0x1234567890abcdef,
		  "iret that unmasks with an event pending: rax from the frame");
	tg_check(rcx == 0x0fedcba987654321 && r11 == 0x1122334455667788,
		 "... rcx and r11 from the frame");
	tg_expect((long)(entry_upcalls - before), 1, "... and the upcall ran as its exit work");
	vi->evtchn_upcall_mask = 1;
	clear_pending();
}

void test_main(void)
{
	struct shared_info *si = (struct shared_info *)si_page;
	static struct evtchn_bind_ipi ipi = {.vcpu = 0};

	test_plain();
	test_bases();
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
	test_upcall();
	test_masked_port();
	test_send_port_reads();
	test_iret();
	test_upcall_frame(&send);
	test_timer();
}
