/*
 * Host tests of the guest CPUID policy (kernel/domain/cpuid_policy.c) and
 * of the instruction matcher behind the #UD/#GP emulation (cpuid_emul.c).
 *
 * The "host CPU" is a table: by default every feature bit of every leaf
 * is set (so the guest's view is exactly the policy's mask) and the
 * maximum leaves are beyond ours; single tests change one leaf.  The
 * matcher reads from a buffer standing for guest memory whose readable
 * window can end anywhere, and counts the bytes it was asked for.  The
 * emulations run on the same buffer (copy_from_guest_vcpu below) with a
 * vCPU of a fake domain, this file's guest_cpuid() and a recording
 * hypercall_page_write().
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <hospes/cpuid.h>
#include <hospes/guest_access.h>
#include <hospes/pv.h>
#include <public/cpuid.h>

#define B(n) (1U << (n))

static uint32_t host_max_basic, host_max_ext, host_leaf4_a;

static void fake_raw(uint32_t leaf, uint32_t sub, struct cpuid_leaf *out)
{
	*out = (struct cpuid_leaf){~0U, ~0U, ~0U, ~0U};
	if (leaf == 0)
		*out = (struct cpuid_leaf){host_max_basic, 0x756e6547, 0x6c65746e, 0x49656e69};
	else if (leaf == 0x80000000)
		out->a = host_max_ext;
	else if (leaf == 1)
		out->b = 0x07080910; /* APIC id 7, 8 logical, CLFLUSH 9, brand 0x10 */
	else if (leaf == 4)
		out->a = host_leaf4_a | sub;
	else if (leaf == 7 && sub == 0)
		out->a = 2;
	else if (leaf == 0xd && sub == 0)
		*out = (struct cpuid_leaf){0x2e7, 832, 2696, 0};
	else if (leaf == 0xd && sub == 1)
		*out = (struct cpuid_leaf){0xf, 1088, ~0U,
					   ~0U}; /* XSAVEOPT XSAVEC XGETBV1 XSAVES */
	else if (leaf == 0xd)
		out->a = 0x100 + sub; /* a size per component */
}

static struct cpuid_host host;
static struct cpuid_guest domu = {.privileged = false, .vcpu_id = 3};
static struct cpuid_guest dom0 = {.privileged = true, .vcpu_id = 0};

static int setup(void **state)
{
	host_max_basic = 0x20;
	host_max_ext = 0x80000021;
	host_leaf4_a = 0xfc004120; /* 63 cores, 1 sharing thread, level 1 */
	host = (struct cpuid_host){.raw = fake_raw,
				   .xcr0 = 7,
				   .osxsave = true,
				   .hypercall_msr = true,
				   .xen_version = 4 << 16 | 17,
				   .tsc_khz = 2400000,
				   .tsc_mul = 0xd5555555,
				   .tsc_shift = -1};
	return 0;
}

static struct cpuid_leaf q(const struct cpuid_guest *g, uint32_t leaf, uint32_t sub)
{
	struct cpuid_leaf r;
	memset(&r, 0xa5, sizeof(r));
	cpuid_policy(&host, g, leaf, sub, &r);
	return r;
}

static void assert_zero_leaf(struct cpuid_leaf r)
{
	assert_int_equal(r.a | r.b | r.c | r.d, 0);
}

static void test_leaf1_hides_and_marks(void **state)
{
	struct cpuid_leaf r = q(&domu, 1, 0);
	assert_true(r.c & B(31)); /* hypervisor */
	/* DTES64 MONITOR DS-CPL VMX SMX EIST TM2 xTPR PDCM PCID DCA x2APIC TSC-deadline */
	uint32_t hidden_c = B(2) | B(3) | B(4) | B(5) | B(6) | B(7) | B(8) | B(14) | B(15) | B(17) |
			    B(18) | B(21) | B(24);
	assert_int_equal(r.c & hidden_c, 0);
	/* SSE3 SSSE3 SSE4.1/4.2 POPCNT AESNI XSAVE OSXSAVE AVX RDRAND pass */
	uint32_t kept_c =
		B(0) | B(9) | B(19) | B(20) | B(23) | B(25) | B(26) | B(27) | B(28) | B(30);
	assert_int_equal(r.c & kept_c, kept_c);
	/* VME PSE MTRR PGE PSE36 PSN DS TM PBE HTT hidden; and the APIC for a domU */
	uint32_t hidden_d =
		B(1) | B(3) | B(9) | B(12) | B(13) | B(17) | B(18) | B(21) | B(28) | B(29) | B(31);
	assert_int_equal(r.d & hidden_d, 0);
	uint32_t kept_d = B(0) | B(4) | B(5) | B(6) | B(8) | B(15) | B(24) | B(25) | B(26);
	assert_int_equal(r.d & kept_d, kept_d);
	/* one thread a package, the vCPU id as APIC id, brand and CLFLUSH kept */
	assert_int_equal(r.b, 0x03010910);
	assert_int_equal(r.a, ~0U);
	/* dom0: the same, plus the APIC bit */
	struct cpuid_leaf r0 = q(&dom0, 1, 0);
	assert_int_equal(r0.d, r.d | B(9));
	assert_int_equal(r0.c, r.c);
	assert_int_equal(r0.b >> 24, 0);
}

static void test_xsave_follows_host(void **state)
{
	host.osxsave = false;
	assert_int_equal(q(&domu, 1, 0).c & B(27), 0); /* OSXSAVE off with the host's */
	host.osxsave = true;
	host.xcr0 = 3; /* x87 | SSE: no AVX */
	struct cpuid_leaf r = q(&domu, 1, 0);
	assert_int_equal(r.c & (B(12) | B(28) | B(29)), 0); /* FMA AVX F16C */
	assert_true(r.c & B(26));
	assert_int_equal(q(&domu, 7, 0).b & B(5), 0);			  /* AVX2 */
	assert_int_equal(q(&domu, 7, 0).c & (B(9) | B(10)), 0);		  /* VAES VPCLMULQDQ */
	assert_int_equal(q(&domu, 0x80000001, 0).c & (B(11) | B(16)), 0); /* XOP FMA4 */
	assert_int_equal(q(&domu, 0xd, 0).a, 3);
	assert_zero_leaf(q(&domu, 0xd, 2));
	host.xcr0 = 0; /* FXSAVE only */
	r = q(&domu, 1, 0);
	assert_int_equal(r.c & (B(26) | B(27) | B(28)), 0);
	assert_zero_leaf(q(&domu, 0xd, 0));
	assert_zero_leaf(q(&domu, 0xd, 1));
}

static void test_leaf7_subleaves(void **state)
{
	struct cpuid_leaf r = q(&domu, 7, 0);
	assert_int_equal(r.a, 1); /* host says 2: we know subleaf 1 only */
	/* TSC_ADJUST SGX HLE SMEP INVPCID PQM MPX PQE SMAP PT hidden */
	uint32_t hidden = B(1) | B(2) | B(4) | B(7) | B(10) | B(12) | B(14) | B(15) | B(20) | B(25);
	assert_int_equal(r.b & hidden, 0);
	assert_int_equal(r.b & (B(3) | B(5) | B(8) | B(9) | B(18) | B(19) | B(29)),
			 B(3) | B(5) | B(8) | B(9) | B(18) | B(19) | B(29));
	assert_int_equal(r.b & B(0), 0);	  /* FSGSBASE: CR4.FSGSBASE is off */
	assert_int_equal(r.b & B(16), 0);	  /* AVX512F: XCR0 has no ZMM state */
	assert_int_equal(r.c & (B(2) | B(3)), 0); /* UMIP PKU */
	assert_int_equal(r.c & B(22), B(22));	  /* RDPID */
	assert_int_equal(r.d, B(10));		  /* MD_CLEAR only: no SPEC_CTRL MSRs */
	assert_zero_leaf(q(&domu, 7, 1));	  /* BF16 needs AVX-512 */
	assert_zero_leaf(q(&domu, 7, 2));
	assert_zero_leaf(q(&domu, 7, 0xffffffff));
	host.xcr0 = 0xe7;
	host.fsgsbase = true;
	r = q(&domu, 7, 0);
	assert_int_equal(r.b & (B(0) | B(16) | B(31)), B(0) | B(16) | B(31));
	assert_int_equal(q(&domu, 7, 1).a, B(5));
}

static void test_leaf_d_and_4(void **state)
{
	struct cpuid_leaf r = q(&domu, 0xd, 0);
	assert_int_equal(r.a, 7); /* host 0x2e7, XCR0 7 */
	assert_int_equal(r.d, 0);
	assert_int_equal(r.b, 832);
	assert_int_equal(r.c, 832); /* the guest cannot enable more */
	r = q(&domu, 0xd, 1);
	assert_int_equal(r.a, 0x7); /* XSAVEOPT XSAVEC XGETBV1, not XSAVES */
	assert_int_equal(r.b, 1088);
	assert_int_equal(r.c | r.d, 0); /* no supervisor states */
	assert_int_equal(q(&domu, 0xd, 2).a, 0x102);
	assert_zero_leaf(q(&domu, 0xd, 5));
	assert_zero_leaf(q(&domu, 0xd, 9));
	assert_zero_leaf(q(&domu, 0xd, 63));
	r = q(&domu, 4, 2);
	assert_int_equal(r.a, 0x122); /* subleaf passed, no sharing, one core */
	assert_int_equal(r.b, ~0U);
}

static void test_max_and_out_of_range(void **state)
{
	assert_int_equal(q(&domu, 0, 0).a, CPUID_BASIC_LAST);
	assert_int_equal(q(&domu, 0, 0).b, 0x756e6547); /* vendor kept */
	assert_int_equal(q(&domu, 0x80000000, 0).a, CPUID_EXT_LAST);
	assert_zero_leaf(q(&domu, 0xe, 0));
	assert_zero_leaf(q(&domu, 0x1f, 0));
	assert_zero_leaf(q(&domu, 0x80000009, 0));
	assert_zero_leaf(q(&domu, 0x80000021, 0));
	assert_zero_leaf(q(&domu, 0x40000004, 0));
	assert_zero_leaf(q(&domu, 0x40000100, 0));
	assert_zero_leaf(q(&domu, 0x50000000, 0));
	assert_zero_leaf(q(&domu, 0xffffffff, 0));
	/* leaves the guest may not have: MONITOR, power, PMU, x2APIC topology */
	assert_zero_leaf(q(&domu, 5, 0));
	assert_zero_leaf(q(&domu, 6, 0));
	assert_zero_leaf(q(&domu, 0xa, 0));
	assert_zero_leaf(q(&domu, 0xb, 0));
	/* a smaller host: its own maxima, zeros past them */
	host_max_basic = 4;
	host_max_ext = 0x80000004;
	assert_int_equal(q(&domu, 0, 0).a, 4);
	assert_zero_leaf(q(&domu, 7, 0));
	assert_zero_leaf(q(&domu, 0xd, 0));
	assert_int_equal(q(&domu, 0x80000000, 0).a, 0x80000004);
	assert_zero_leaf(q(&domu, 0x80000008, 0));
	assert_int_equal(q(&domu, 0x80000004, 0).a, ~0U); /* brand string */
}

static void test_extended(void **state)
{
	struct cpuid_leaf r = q(&domu, 0x80000001, 0);
	assert_int_equal(r.d & (B(11) | B(20) | B(29)), B(11) | B(20) | B(29)); /* SYSCALL NX LM */
	assert_int_equal(r.d & (B(26) | B(9) | B(12)), 0); /* 1 GiB pages; APIC, MTRR copies */
	assert_int_equal(r.c & (B(1) | B(2) | B(3) | B(22) | B(29)), 0); /* CMP_LEGACY SVM ... */
	assert_int_equal(r.c & (B(0) | B(5)), B(0) | B(5));		 /* LAHF_LM ABM */
	assert_int_equal(q(&dom0, 0x80000001, 0).d & B(9), B(9));
	assert_zero_leaf(q(&domu, 0x80000007, 0));
	r = q(&domu, 0x80000008, 0);
	assert_int_equal(r.a, 0xffffff);
	assert_int_equal(r.b, B(0) | B(2) | B(26) | B(29) | B(30)); /* no IBPB */
	assert_int_equal(r.c | r.d, 0);
}

static void test_xen_leaves(void **state)
{
	struct cpuid_leaf r = q(&domu, 0x40000000, 0);
	assert_int_equal(r.a, 0x40000003);
	char sig[13] = {0};
	memcpy(sig, &r.b, 4);
	memcpy(sig + 4, &r.c, 4);
	memcpy(sig + 8, &r.d, 4);
	assert_string_equal(sig, "XenVMMXenVMM");
	r = q(&domu, 0x40000001, 0);
	assert_int_equal(r.a, 0x40011);
	assert_int_equal(r.b | r.c | r.d, 0);
	r = q(&domu, 0x40000002, 0);
	assert_int_equal(r.a, 1);
	assert_int_equal(r.b, 0x40000000);
	assert_int_equal(r.c, XEN_CPUID_FEAT1_MMU_PT_UPDATE_PRESERVE_AD);
	assert_int_equal(r.d, 0);
	host.hypercall_msr = false;
	assert_int_equal(q(&domu, 0x40000002, 0).b, 0); /* no MSR: no base advertised */
	r = q(&domu, 0x40000003, 0);
	assert_int_equal(r.a, 0);
	assert_int_equal(r.b, 2400000);
	r = q(&domu, 0x40000003, 1);
	assert_int_equal(r.c, 0xd5555555);
	assert_int_equal(r.d, 0xffffffff);
	assert_int_equal(q(&domu, 0x40000003, 2).a, 2400000);
	assert_zero_leaf(q(&domu, 0x40000003, 3));
}

/* Guest memory: two pages at GVA, readable in [GVA, GVA + readable)
 * (a page boundary in the tests that move it: a page is readable whole or
 * not at all).  copy_from_guest_vcpu below reads it, all or nothing as the
 * real one does, and counts its calls and the bytes asked for. */
#define GVA 0x400000UL
#define PG  4096UL
#define PG1 (GVA + PG) /* the second page */
static uint8_t mem[2 * PG];
static unsigned long readable, copies, asked;

/* fetch_guest_insn (the code under test) and the matcher on its bytes. */
static enum insn_match match_at(unsigned long rip, const uint8_t *want, unsigned int n,
				unsigned long *fault)
{
	uint8_t got[16];

	copies = asked = 0;
	*fault = 0;
	return insn_match(got, fetch_guest_insn(NULL, rip, got, n), rip, want, n, fault);
}

static void put(unsigned long va, const uint8_t *bytes, size_t n)
{
	memcpy(&mem[va - GVA], bytes, n);
}

static const uint8_t forced[] = {0x0f, 0x0b, 'x', 'e', 'n', 0x0f, 0xa2};

static void test_forced_prefix(void **state)
{
	unsigned long fault;

	readable = sizeof(mem);
	put(GVA, forced, sizeof(forced));
	mem[7] = 0x90;
	assert_int_equal(match_at(GVA, cpuid_forced_insn, CPUID_FORCED_LEN, &fault), INSN_MATCH);
	assert_int_equal(copies, 1); /* all seven bytes in one copy */
	assert_int_equal(asked, 7);
	/* every byte matters */
	for (unsigned int i = 0; i < CPUID_FORCED_LEN; i++) {
		mem[i] ^= 0x20;
		assert_int_equal(match_at(GVA, cpuid_forced_insn, CPUID_FORCED_LEN, &fault),
				 INSN_OTHER);
		mem[i] ^= 0x20;
	}
	/* a plain ud2, and the prefix before another instruction (rdtsc) */
	static const uint8_t ud2[] = {0x0f, 0x0b, 0x90};
	put(GVA, ud2, sizeof(ud2));
	assert_int_equal(match_at(GVA, cpuid_forced_insn, CPUID_FORCED_LEN, &fault), INSN_OTHER);
	put(GVA, forced, sizeof(forced));
	mem[6] = 0x31;
	assert_int_equal(match_at(GVA, cpuid_forced_insn, CPUID_FORCED_LEN, &fault), INSN_OTHER);
}

/* The prefix straddles the boundary between the pages: k bytes in the first. */
static void test_straddling_page(void **state)
{
	unsigned long fault;

	for (unsigned int k = 1; k < CPUID_FORCED_LEN; k++) {
		put(PG1 - k, forced, sizeof(forced));
		/* both pages readable: one copy from each */
		readable = sizeof(mem);
		assert_int_equal(match_at(PG1 - k, cpuid_forced_insn, CPUID_FORCED_LEN, &fault),
				 INSN_MATCH);
		assert_int_equal(copies, 2);
		assert_int_equal(asked, 7);
		/* the second page unreadable: a fault at its first byte */
		readable = PG;
		assert_int_equal(match_at(PG1 - k, cpuid_forced_insn, CPUID_FORCED_LEN, &fault),
				 INSN_FAULT);
		assert_int_equal(fault, PG1);
		/* a differing byte before the boundary wins over the fault */
		mem[PG - 1] ^= 0x20;
		assert_int_equal(match_at(PG1 - k, cpuid_forced_insn, CPUID_FORCED_LEN, &fault),
				 INSN_OTHER);
		mem[PG - 1] ^= 0x20;
		/* the first page unreadable: a fault at rip, nothing more asked */
		readable = 0;
		assert_int_equal(match_at(PG1 - k, cpuid_forced_insn, CPUID_FORCED_LEN, &fault),
				 INSN_FAULT);
		assert_int_equal(fault, PG1 - k);
		assert_int_equal(copies, 1);
	}
}

static void test_truncated_and_unmapped(void **state)
{
	unsigned long fault;

	/* the instruction ends exactly at the end of the readable page */
	readable = PG;
	put(PG1 - CPUID_FORCED_LEN, forced, sizeof(forced));
	assert_int_equal(
		match_at(PG1 - CPUID_FORCED_LEN, cpuid_forced_insn, CPUID_FORCED_LEN, &fault),
		INSN_MATCH);
	assert_int_equal(fault, 0);
	assert_int_equal(copies, 1);
	/* a plain ud2 at the page end: its #UD stays a #UD */
	static const uint8_t ud2[] = {0x0f, 0x0b, 0x90};
	put(PG1 - 3, ud2, sizeof(ud2));
	assert_int_equal(match_at(PG1 - 3, cpuid_forced_insn, CPUID_FORCED_LEN, &fault),
			 INSN_OTHER);
	/* a RIP outside guest memory altogether, and the last bytes of the
	 * address space (no wrap to page 0) */
	assert_int_equal(
		match_at(0xffff800000000000UL, cpuid_forced_insn, CPUID_FORCED_LEN, &fault),
		INSN_FAULT);
	assert_int_equal(fault, 0xffff800000000000UL);
	assert_int_equal(match_at(~0UL - 2, cpuid_forced_insn, CPUID_FORCED_LEN, &fault),
			 INSN_FAULT);
	assert_int_equal(fault, ~0UL - 2);
	assert_int_equal(copies, 1);
}

static void test_plain_cpuid_and_wrmsr(void **state)
{
	static const uint8_t bytes[] = {0x0f, 0xa2, 0x0f, 0x30, 0x0f, 0x32};
	unsigned long fault;

	put(GVA, bytes, sizeof(bytes));
	readable = sizeof(mem);
	assert_int_equal(match_at(GVA, cpuid_plain_insn, 2, &fault), INSN_MATCH);
	assert_int_equal(match_at(GVA + 2, cpuid_plain_insn, 2, &fault), INSN_OTHER);
	assert_int_equal(match_at(GVA + 2, wrmsr_insn, 2, &fault), INSN_MATCH);
	assert_int_equal(match_at(GVA + 4, wrmsr_insn, 2, &fault), INSN_OTHER); /* rdmsr */
	readable = PG;
	put(PG1 - 1, bytes, 1);
	assert_int_equal(match_at(PG1 - 1, cpuid_plain_insn, 2, &fault), INSN_FAULT);
	assert_int_equal(fault, PG1);
}

/* The hypervisor functions the emulations call. */
static struct domain fake_dom = {.id = 1};
static struct arch_vcpu fake_arch;
static struct vcpu fake_vcpu = {.id = 0, .domain = &fake_dom, .arch = &fake_arch};
static uint64_t written_gfn;
static int write_rc;
static unsigned int writes;

void guest_cpuid(struct vcpu *v, uint32_t leaf, uint32_t sub, struct cpuid_leaf *out)
{
	const struct cpuid_guest g = {v->domain->is_privileged, v->id};
	cpuid_policy(&host, &g, leaf, sub, out);
}

int copy_from_guest_vcpu(struct vcpu *v, void *dst, unsigned long va, size_t len)
{
	assert_true(v == NULL || v == &fake_vcpu);
	copies++;
	asked += len;
	if (va < GVA || va >= GVA + readable || len > GVA + readable - va)
		return -14;
	memcpy(dst, &mem[va - GVA], len);
	return 0;
}

int hypercall_page_write(struct domain *d, uint64_t gfn)
{
	assert_ptr_equal(d, &fake_dom);
	writes++;
	written_gfn = gfn;
	return write_rc;
}

static int emul_setup(void **state)
{
	setup(state);
	memset(mem, 0x90, sizeof(mem));
	readable = sizeof(mem);
	fake_arch = (struct arch_vcpu){.kernel_mode = true};
	fake_arch.debugreg[6] = 0xffff0ff0UL;
	writes = 0;
	write_rc = 0;
	return 0;
}

static void test_emulate_forced(void **state)
{
	static const uint8_t bytes[] = {0x0f, 0x0b, 'x', 'e', 'n', 0x0f, 0xa2};
	struct emul_regs r = {.rax = 0xffffffff40000000UL,
			      .rbx = ~0UL,
			      .rcx = ~0UL << 32,
			      .rdx = ~0UL,
			      .rip = GVA,
			      .rflags = 0x202};
	unsigned long fault = 0;

	memcpy(mem, bytes, sizeof(bytes));
	assert_int_equal(emulate_guest_ud(&fake_vcpu, &r, &fault), EMUL_DONE);
	assert_int_equal(r.rax, 0x40000003); /* EAX only counts: the upper half ignored */
	assert_int_equal(r.rbx, XEN_CPUID_SIGNATURE_EBX); /* and cleared */
	assert_int_equal(r.rcx, XEN_CPUID_SIGNATURE_ECX);
	assert_int_equal(r.rdx, XEN_CPUID_SIGNATURE_EDX);
	assert_int_equal(r.rip, GVA + 7);
	/* from user mode the same; under TF the guest is owed a #DB */
	fake_arch.kernel_mode = false;
	r = (struct emul_regs){.rax = 7, .rcx = 0, .rip = GVA, .rflags = 0x302};
	assert_int_equal(emulate_guest_ud(&fake_vcpu, &r, &fault), EMUL_DONE_STEP);
	assert_int_equal(r.rbx & (B(7) | B(20)), 0); /* leaf 7: no SMEP, SMAP */
	assert_int_equal(r.rip, GVA + 7);
	assert_int_equal(fake_arch.debugreg[6], 0xffff4ff0UL); /* DR6.BS */
}

static void test_emulate_forced_refusals(void **state)
{
	static const uint8_t bytes[] = {0x0f, 0x0b, 'x', 'e', 'n', 0x0f, 0x31}; /* rdtsc */
	const struct emul_regs before = {.rax = 1, .rbx = 2, .rcx = 3, .rdx = 4, .rip = GVA};
	struct emul_regs r = before;
	unsigned long fault = 0;

	memcpy(mem, bytes, sizeof(bytes));
	assert_int_equal(emulate_guest_ud(&fake_vcpu, &r, &fault), EMUL_NOT_OURS);
	assert_memory_equal(&r, &before, sizeof(r));
	/* "ud2 xe" at the end of a page, then an unreadable page */
	readable = PG;
	put(PG1 - 4, forced, sizeof(forced));
	r.rip = PG1 - 4;
	const struct emul_regs at_end = r;
	assert_int_equal(emulate_guest_ud(&fake_vcpu, &r, &fault), EMUL_PAGE_FAULT);
	assert_int_equal(fault, PG1);
	assert_memory_equal(&r, &at_end, sizeof(r));
	/* readable: carried out across the boundary */
	readable = sizeof(mem);
	assert_int_equal(emulate_guest_ud(&fake_vcpu, &r, &fault), EMUL_DONE);
	assert_int_equal(r.rip, PG1 + 3);
}

static void test_emulate_plain_cpuid(void **state)
{
	static const uint8_t bytes[] = {0x0f, 0xa2};
	struct emul_regs r = {.rax = 1, .rip = GVA, .rflags = 0x202};

	memcpy(mem, bytes, sizeof(bytes));
	/* no CPUID faulting: a #GP at a cpuid is not one we caused */
	assert_int_equal(emulate_guest_gp(&fake_vcpu, &r, false, 7), EMUL_NOT_OURS);
	assert_int_equal(r.rip, GVA);
	assert_int_equal(emulate_guest_gp(&fake_vcpu, &r, true, 7), EMUL_DONE);
	assert_int_equal(r.rip, GVA + 2);
	assert_true(r.rcx & B(31));	  /* the policy's leaf 1 */
	assert_int_equal(r.rbx >> 24, 0); /* vCPU 0 */
	assert_int_equal(writes, 0);
}

static void test_emulate_wrmsr(void **state)
{
	static const uint8_t bytes[] = {0x0f, 0x30};
	const struct emul_regs good = {
		.rax = 0x12345000, .rcx = 0x40000000, .rdx = 0x1, .rip = GVA, .rflags = 0x202};
	struct emul_regs r = good;

	memcpy(mem, bytes, sizeof(bytes));
	assert_int_equal(emulate_guest_gp(&fake_vcpu, &r, true, 7), EMUL_DONE);
	assert_int_equal(writes, 1);
	assert_int_equal(written_gfn, 0x112345);
	assert_int_equal(r.rip, GVA + 2);
	/* refused without a write: another MSR, a page index, user mode, not wrmsr */
	struct emul_regs bad[] = {good, good, good, good};
	bad[0].rcx = 0x40000001;
	bad[1].rax |= 1;
	bad[3].rip = GVA + 1;
	for (unsigned int i = 0; i < 4; i++) {
		fake_arch.kernel_mode = i != 2;
		r = bad[i];
		assert_int_equal(emulate_guest_gp(&fake_vcpu, &r, true, 7), EMUL_NOT_OURS);
		assert_int_equal(r.rip, bad[i].rip);
	}
	assert_int_equal(writes, 1);
	/* the frame is no RAM of the guest's: its #GP */
	fake_arch.kernel_mode = true;
	write_rc = -22;
	r = good;
	assert_int_equal(emulate_guest_gp(&fake_vcpu, &r, true, 7), EMUL_NOT_OURS);
	assert_int_equal(r.rip, GVA);
	/* single-stepped */
	write_rc = 0;
	r.rflags |= 0x100;
	assert_int_equal(emulate_guest_gp(&fake_vcpu, &r, false, 7), EMUL_DONE_STEP);
	assert_int_equal(r.rip, GVA + 2);
}

static void test_emulate_xsetbv(void **state)
{
	static const uint8_t bytes[] = {0x0f, 0x01, 0xd1};
	const struct emul_regs good = {.rax = 7, .rcx = 0, .rdx = 0, .rip = GVA, .rflags = 0x202};
	struct emul_regs r = good;

	memcpy(mem, bytes, sizeof(bytes));
	assert_int_equal(emulate_guest_gp(&fake_vcpu, &r, false, 7), EMUL_DONE);
	assert_int_equal(r.rip, GVA + 3);
	/* another value, another XCR, user mode, no XSAVE, other bytes: #GP */
	struct emul_regs bad[] = {good, good, good, good, good, good};
	bad[0].rax = 3;
	bad[1].rdx = 1;
	bad[2].rcx = 1;
	bad[5].rip = GVA + 1;
	for (unsigned int i = 0; i < 6; i++) {
		fake_arch.kernel_mode = i != 3;
		r = bad[i];
		assert_int_equal(emulate_guest_gp(&fake_vcpu, &r, true, i == 4 ? 0 : 7),
				 EMUL_NOT_OURS);
		assert_int_equal(r.rip, bad[i].rip);
	}
	assert_int_equal(writes, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_leaf1_hides_and_marks, setup),
		cmocka_unit_test_setup(test_xsave_follows_host, setup),
		cmocka_unit_test_setup(test_leaf7_subleaves, setup),
		cmocka_unit_test_setup(test_leaf_d_and_4, setup),
		cmocka_unit_test_setup(test_max_and_out_of_range, setup),
		cmocka_unit_test_setup(test_extended, setup),
		cmocka_unit_test_setup(test_xen_leaves, setup),
		cmocka_unit_test(test_forced_prefix),
		cmocka_unit_test(test_straddling_page),
		cmocka_unit_test(test_truncated_and_unmapped),
		cmocka_unit_test(test_plain_cpuid_and_wrmsr),
		cmocka_unit_test_setup(test_emulate_forced, emul_setup),
		cmocka_unit_test_setup(test_emulate_forced_refusals, emul_setup),
		cmocka_unit_test_setup(test_emulate_plain_cpuid, emul_setup),
		cmocka_unit_test_setup(test_emulate_wrmsr, emul_setup),
		cmocka_unit_test_setup(test_emulate_xsetbv, emul_setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
