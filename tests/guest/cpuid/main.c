/*
 * The guest CPUID view (docs/cpu.md, "Guest CPUID"): what a PV guest sees
 * through Xen's forced-emulation prefix (`ud2; .ascii "xen"; cpuid`), from
 * kernel and user mode, and through plain cpuid.  tests/scenarios/cpu.sh
 * runs it as dom0 and as a domU in one boot.
 *   - the Xen leaves: "XenVMMXenVMM", the version xen_version reports, one
 *     hypercall page at MSR 0x40000000, MMU_PT_UPDATE_PRESERVE_AD, the TSC
 *     kHz; nothing past 0x40000003;
 *   - leaf 1 and 7: the hypervisor bit, VMX, SMX, MONITOR, EIST, TM2,
 *     PCID, x2APIC, TSC-deadline, SMEP, SMAP, INVPCID hidden, the APIC bit
 *     for dom0 only, the vCPU id as APIC id; maximum leaves clamped;
 *   - RIP moves by exactly 7 (whole prefix ending on the last byte of a
 *     page before an unmapped one: the next fetch faults at the page start);
 *     the 32-bit results clear the upper halves; a prefix cut short by an
 *     unmapped page is the guest's #PF at the first missing byte; the
 *     prefix before another instruction stays a #UD; single-stepped, it
 *     ends in one #DB after the whole instruction, with DR6.BS;
 *   - the hypercall page written by wrmsr to the MSR base matches the one
 *     the builder wrote; a misaligned value is the guest's #GP; xsetbv of
 *     the XCR0 in use is accepted, of another is a #GP;
 *   - plain cpuid: the same view where the CPU faults it, else the host's
 *     (the line "# plain cpuid: ..." says which; cpu.sh checks it against
 *     the hypervisor's boot log).
 */
#include "../lib/tg.h"
#include <public/callback.h>
#include <public/cpuid.h>
#include <public/sched.h>

const char test_title[] = "cpuid";

#define B(n)	   (1U << (n))
#define PTE_FLAGS  0x63UL /* P, RW, A, D */
#define KSTACK_TOP ((unsigned long)&kstack[sizeof(kstack)])

struct leaf {
	uint32_t a, b, c, d;
};

void user_cpuid(void), user_exit_cb(void), db_handler(void);
void edge_call(const void *target, uint32_t leaf, uint64_t out[3]);
extern const uint8_t edge_page_a[], edge_page_b[], edge_page_c[], edge_cut[], edge_whole[];
extern uint64_t u_sig[4], u_leaf7_ebx, u_plain_sig_ebx, db_count, db_rip;

static uint8_t si_page[4096] __attribute__((aligned(4096)));
static uint8_t msr_page[4096] __attribute__((aligned(4096)));
static uint64_t user_l4[512] __attribute__((aligned(4096)));
static uint8_t ustack[4096] __attribute__((aligned(16)));
static uint8_t kstack[8192] __attribute__((aligned(16)));
static bool dom0;

static struct leaf forced(uint32_t leaf, uint32_t sub)
{
	uint64_t a = leaf, b = ~0UL, c = sub, d = ~0UL;
	tg_trap_vec = ~0UL;
	tg_trap_skip = 7; /* if it were bounced: step over, and the checks fail */
	__asm__ volatile("ud2; .ascii \"xen\"; cpuid"
			 : "+a"(a), "+b"(b), "+c"(c), "+d"(d)::"memory");
	if (tg_trap_vec != ~0UL || (a | b | c | d) >> 32)
		tg_printf("# forced cpuid %#x: trap %ld, upper halves %#lx\n", leaf,
			  (long)tg_trap_vec, (unsigned long)((a | b | c | d) >> 32));
	return (struct leaf){(uint32_t)a, (uint32_t)b, (uint32_t)c, (uint32_t)d};
}

static struct leaf plain(uint32_t leaf, uint32_t sub)
{
	struct leaf r;
	__asm__ volatile("cpuid"
			 : "=a"(r.a), "=b"(r.b), "=c"(r.c), "=d"(r.d)
			 : "a"(leaf), "c"(sub));
	return r;
}

static long uvm(const void *va, uint64_t pte)
{
	return hypercall(__HYPERVISOR_update_va_mapping, (unsigned long)va, pte, UVMF_INVLPG, 0, 0);
}

static void xen_leaves(void)
{
	struct leaf r = forced(XEN_CPUID_FIRST_LEAF, 0);
	tg_check(tg_trap_vec == ~0UL, "forced cpuid from the kernel is emulated, not bounced");
	tg_check(r.b == XEN_CPUID_SIGNATURE_EBX && r.c == XEN_CPUID_SIGNATURE_ECX &&
			 r.d == XEN_CPUID_SIGNATURE_EDX,
		 "leaf 0x40000000: XenVMMXenVMM");
	tg_expect(r.a, 0x40000003, "leaf 0x40000000: the last Xen leaf is 0x40000003");
	tg_expect(forced(XEN_CPUID_LEAF(1), 0).a,
		  hypercall(__HYPERVISOR_xen_version, 0, 0, 0, 0, 0),
		  "leaf 0x40000001: the version xen_version reports");
	r = forced(XEN_CPUID_LEAF(2), 0);
	tg_check(r.a == 1 && r.b == 0x40000000 && r.c == XEN_CPUID_FEAT1_MMU_PT_UPDATE_PRESERVE_AD,
		 "leaf 0x40000002: one hypercall page, MSR base 0x40000000, PRESERVE_AD");
	tg_check(forced(XEN_CPUID_LEAF(3), 0).b > 100000, "leaf 0x40000003: the TSC's kHz");
	r = forced(XEN_CPUID_LEAF(4), 0);
	tg_expect(r.a | r.b | r.c | r.d, 0, "leaf 0x40000004: zeros (HVM only)");
}

static void features(void)
{
	struct leaf r = forced(1, 0);
	tg_check(r.c & B(31), "leaf 1: the hypervisor bit");
	/* MONITOR VMX SMX EIST TM2 PCID x2APIC TSC-deadline */
	tg_expect(r.c & (B(3) | B(5) | B(6) | B(7) | B(8) | B(17) | B(21) | B(24)), 0,
		  "leaf 1 ECX: MONITOR, VMX, SMX, EIST, TM2, PCID, x2APIC, TSC-deadline hidden");
	tg_expect(r.d & B(9), dom0 ? B(9) : 0, "leaf 1 EDX: the APIC bit for dom0 only");
	tg_expect(r.b >> 24, 0, "leaf 1: vCPU 0's APIC id is 0");
	r = forced(7, 0);
	tg_expect(r.b & (B(7) | B(10) | B(20)), 0, "leaf 7 EBX: SMEP, INVPCID, SMAP hidden");
	tg_check(forced(0, 0).a <= 0xd, "leaf 0: at most 0xd");
	tg_check(forced(0x80000000, 0).a <= 0x80000008, "leaf 0x80000000: at most 0x80000008");
	r = forced(0x80000001, 0);
	tg_check((r.d & (B(20) | B(29))) == (B(20) | B(29)), "leaf 0x80000001: NX and LM pass");
	r = forced(0xb, 0);
	tg_expect(r.a | r.b | r.c | r.d, 0, "leaf 0xb (x2APIC topology): zeros");
}

/* The prefix at page ends: cut short by an unmapped page, whole before one. */
static void page_edges(void)
{
	struct shared_info *sh = (struct shared_info *)si_page;
	uint64_t out[3];

	tg_expect(uvm(si_page, (tg_start_info->shared_info & ~0xfffUL) | PTE_FLAGS), 0,
		  "map shared_info");
	tg_expect(uvm(edge_page_b, 0), 0, "unmap page B");
	tg_trap_vec = ~0UL;
	tg_trap_skip = -1; /* back to the ret before the prefix */
	edge_call(edge_cut, 0x40000000, out);
	tg_expect(tg_trap_vec, 14, "prefix cut by an unmapped page: the guest's #PF");
	tg_expect(tg_trap_rip, (long)edge_cut, "#PF frame RIP: the ud2");
	tg_expect(sh->vcpu_info[0].arch.cr2, (long)edge_page_b, "CR2: the first missing byte");
	tg_expect(uvm(edge_page_b, tg_mfn_of(edge_page_b) << 12 | PTE_FLAGS), 0, "map page B back");

	tg_expect(uvm(edge_page_c, 0), 0, "unmap page C");
	tg_trap_vec = ~0UL;
	tg_trap_skip = -8;
	edge_call(edge_whole, 0x40000000, out);
	tg_expect(tg_trap_vec, 14, "whole prefix at a page end: emulated, then a fetch fault");
	tg_expect(tg_trap_rip, (long)edge_page_c, "RIP moved by exactly 7 bytes");
	tg_check(out[0] == XEN_CPUID_SIGNATURE_EBX && out[1] == XEN_CPUID_SIGNATURE_ECX &&
			 out[2] == XEN_CPUID_SIGNATURE_EDX,
		 "the prefix at a page end read the Xen signature, upper halves clear");
	tg_expect(uvm(edge_page_c, tg_mfn_of(edge_page_c) << 12 | PTE_FLAGS), 0, "map page C back");

	unsigned long at;
	tg_trap_vec = ~0UL;
	tg_trap_skip = 7;
	__asm__ volatile("lea 1f(%%rip), %0; 1: ud2; .ascii \"xen\"; rdtsc"
			 : "=r"(at)::"rax", "rdx", "rcx", "r11", "memory");
	tg_expect(tg_trap_vec, 6, "the prefix before rdtsc stays a #UD");
	tg_expect(tg_trap_rip, at, "#UD frame RIP: the ud2");
}

/* Single-stepping the prefix: one #DB, after the whole instruction. */
static void single_step(void)
{
	uint64_t a = XEN_CPUID_FIRST_LEAF, b, c = 0, d;
	unsigned long at;
	db_count = 0;
	__asm__ volatile("lea 1f(%%rip), %4\n\t"
			 "pushf; orq $0x100, (%%rsp); popf\n\t"
			 "ud2; .ascii \"xen\"; cpuid\n"
			 "1:"
			 : "+a"(a), "=b"(b), "+c"(c), "=d"(d), "=&r"(at)::"memory");
	tg_expect(db_count, 1, "forced cpuid under TF: one #DB");
	tg_expect(db_rip, at, "#DB frame RIP: after the 7 bytes");
	tg_expect(b, XEN_CPUID_SIGNATURE_EBX, "forced cpuid under TF: emulated");
	tg_check(hypercall(__HYPERVISOR_get_debugreg, 6, 0, 0, 0, 0) & 0x4000, "DR6.BS set");
	tg_expect(hypercall(__HYPERVISOR_set_debugreg, 6, 0, 0, 0, 0), 0, "DR6 cleared");
}

static void hypercall_msr(void)
{
	uint64_t val = tg_mfn_of(msr_page) << 12;
	__asm__ volatile("wrmsr" ::"c"(0x40000000), "a"((uint32_t)val), "d"((uint32_t)(val >> 32))
			 : "memory");
	bool same = true;
	for (unsigned int i = 0; i < sizeof(msr_page); i++)
		same &= msr_page[i] == hypercall_page[i];
	tg_check(same, "wrmsr to MSR 0x40000000 wrote the hypercall page");
	tg_trap_vec = ~0UL;
	tg_trap_skip = 2;
	val |= 1; /* page index 1: there is only one */
	__asm__ volatile("wrmsr" ::"c"(0x40000000), "a"((uint32_t)val), "d"((uint32_t)(val >> 32))
			 : "memory");
	tg_expect(tg_trap_vec, 13, "wrmsr of hypercall page 1: #GP");
}

/* xsetbv of the XCR0 the hypervisor runs guests with: accepted; another: #GP. */
static void xsetbv_check(void)
{
	uint32_t lo, hi, lo2, hi2;
	if (!(forced(1, 0).c & B(27))) {
		tg_skip("xsetbv", "no OSXSAVE in the view");
		return;
	}
	__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	tg_trap_vec = ~0UL;
	tg_trap_skip = 3;
	__asm__ volatile("xsetbv" ::"a"(lo), "d"(hi), "c"(0) : "memory");
	tg_expect(tg_trap_vec, ~0UL, "xsetbv of the XCR0 in use: accepted");
	__asm__ volatile("xsetbv" ::"a"(lo ^ 4), "d"(hi), "c"(0) : "memory");
	tg_expect(tg_trap_vec, 13, "xsetbv of another XCR0: #GP");
	__asm__ volatile("xgetbv" : "=a"(lo2), "=d"(hi2) : "c"(0));
	tg_check(lo2 == lo && hi2 == hi, "XCR0 unchanged");
}

static void user_mode(void)
{
	const uint64_t *boot_l4 = (const uint64_t *)tg_start_info->pt_base;
	static struct mmuext_op op;
	user_l4[0] = boot_l4[0];
	op.cmd = MMUEXT_PIN_L4_TABLE;
	op.arg1.mfn = tg_mfn_of(user_l4);
	long pin = hypercall(__HYPERVISOR_mmuext_op, (unsigned long)&op, 1, 0, DOMID_SELF, 0);
	op.cmd = MMUEXT_NEW_USER_BASEPTR;
	long load = hypercall(__HYPERVISOR_mmuext_op, (unsigned long)&op, 1, 0, DOMID_SELF, 0);
	struct callback_register cb = {.type = CALLBACKTYPE_syscall,
				       .address = (unsigned long)user_exit_cb};
	long reg = hypercall(__HYPERVISOR_callback_op, CALLBACKOP_register, (unsigned long)&cb, 0,
			     0, 0);
	long sw = hypercall(__HYPERVISOR_stack_switch, 0xe02b, KSTACK_TOP, 0, 0, 0);
	tg_check(!pin && !load && !reg && !sw, "a user root, a syscall callback, a kernel stack");

	tg_trap_vec = ~0UL;
	tg_user_enter((unsigned long)user_cpuid, (unsigned long)&ustack[sizeof(ustack)], 0x202);
	tg_expect(tg_trap_vec, ~0UL, "user mode: no exception on the way");
	tg_check(u_sig[0] == 0x40000003 && u_sig[1] == XEN_CPUID_SIGNATURE_EBX &&
			 u_sig[2] == XEN_CPUID_SIGNATURE_ECX && u_sig[3] == XEN_CPUID_SIGNATURE_EDX,
		 "forced cpuid from user mode: the Xen signature");
	tg_expect(u_leaf7_ebx & (B(7) | B(20)), 0,
		  "forced cpuid from user mode: SMEP, SMAP hidden");
	tg_expect(u_plain_sig_ebx == XEN_CPUID_SIGNATURE_EBX,
		  plain(XEN_CPUID_FIRST_LEAF, 0).b == XEN_CPUID_SIGNATURE_EBX,
		  "plain cpuid from user mode: the view kernel mode has");
}

static void plain_cpuid(void)
{
	bool faulted = plain(XEN_CPUID_FIRST_LEAF, 0).b == XEN_CPUID_SIGNATURE_EBX;
	tg_printf("# plain cpuid: %s\n", faulted ? "emulated (CPUID faulting)" : "native");
	if (!faulted)
		return;
	static const uint32_t leaves[] = {0, 1, 7, 0xd, 0x80000001, XEN_CPUID_LEAF(2)};
	bool same = true;
	for (unsigned int i = 0; i < sizeof(leaves) / sizeof(leaves[0]); i++) {
		struct leaf p = plain(leaves[i], 0), f = forced(leaves[i], 0);
		same &= p.a == f.a && p.b == f.b && p.c == f.c && p.d == f.d;
	}
	tg_check(same, "plain cpuid under CPUID faulting: the forced view");
}

void test_main(void)
{
	static struct trap_info traps[] = {
		{.vector = 1, .cs = FLAT_KERNEL_CS, .address = (unsigned long)db_handler},
		{.vector = 6, .cs = FLAT_KERNEL_CS, .address = (unsigned long)tg_ud_handler},
		{.vector = 13, .cs = FLAT_KERNEL_CS, .address = (unsigned long)tg_gp_handler},
		{.vector = 14, .cs = FLAT_KERNEL_CS, .address = (unsigned long)tg_pf_handler},
		{0},
	};
	dom0 = tg_start_info->flags & SIF_INITDOMAIN;
	tg_printf("# %s\n", dom0 ? "dom0" : "domU");
	tg_expect(hypercall(__HYPERVISOR_set_trap_table, (unsigned long)traps, 0, 0, 0, 0), 0,
		  "set_trap_table (#DB, #UD, #GP, #PF)");
	xen_leaves();
	features();
	page_edges();
	single_step();
	hypercall_msr();
	xsetbv_check();
	plain_cpuid();
	user_mode();
	/* dom0's shutdown ends the boot: let the domU finish first (at most ~1000 yields) */
	for (int i = 0; dom0 && i < 1000 && tg_others_running(); i++)
		hypercall(__HYPERVISOR_sched_op, SCHEDOP_yield, 0, 0, 0, 0);
}
