/*
 * Host tests of the guest CPUID policy (kernel/domain/cpuid_policy.c) and
 * of the instruction matcher behind the #UD/#GP emulation (cpuid_emul.c).
 *
 * The "host CPU" is a table: by default every feature bit of every leaf
 * is set (so the guest's view is exactly the policy's mask) and the
 * maximum leaves are beyond ours; single tests change one leaf.  The
 * matcher reads from a buffer standing for guest memory whose readable
 * window can end anywhere, and counts the bytes it was asked for.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <hospes/cpuid.h>
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

/* Guest memory for the matcher: bytes at GVA, readable in [GVA, GVA + readable). */
#define GVA 0x400000UL
static uint8_t mem[16];
static unsigned long readable, fetches;

static int fake_fetch(void *ctx, unsigned long va, uint8_t *byte)
{
	assert_ptr_equal(ctx, mem);
	fetches++;
	if (va < GVA || va >= GVA + readable)
		return -1;
	*byte = mem[va - GVA];
	return 0;
}

static enum insn_match match_at(unsigned long rip, const uint8_t *want, unsigned int n,
				unsigned long *fault)
{
	fetches = 0;
	*fault = 0;
	return insn_match(fake_fetch, mem, rip, want, n, fault);
}

static void test_forced_prefix(void **state)
{
	static const uint8_t bytes[] = {0x0f, 0x0b, 'x', 'e', 'n', 0x0f, 0xa2, 0x90};
	unsigned long fault;

	memcpy(mem, bytes, sizeof(bytes));
	readable = sizeof(mem);
	assert_int_equal(match_at(GVA, cpuid_forced_insn, CPUID_FORCED_LEN, &fault), INSN_MATCH);
	assert_int_equal(fetches, 7);
	/* every byte matters */
	for (unsigned int i = 0; i < CPUID_FORCED_LEN; i++) {
		mem[i] ^= 0x20;
		assert_int_equal(match_at(GVA, cpuid_forced_insn, CPUID_FORCED_LEN, &fault),
				 INSN_OTHER);
		assert_int_equal(fetches, i + 1); /* nothing read past the differing byte */
		mem[i] ^= 0x20;
	}
	/* a plain ud2, and the prefix before another instruction (rdtsc) */
	static const uint8_t ud2[] = {0x0f, 0x0b, 0x90};
	memcpy(mem, ud2, sizeof(ud2));
	assert_int_equal(match_at(GVA, cpuid_forced_insn, CPUID_FORCED_LEN, &fault), INSN_OTHER);
	memcpy(mem, bytes, sizeof(bytes));
	mem[6] = 0x31;
	assert_int_equal(match_at(GVA, cpuid_forced_insn, CPUID_FORCED_LEN, &fault), INSN_OTHER);
}

static void test_truncated_and_unmapped(void **state)
{
	static const uint8_t bytes[] = {0x0f, 0x0b, 'x', 'e', 'n', 0x0f, 0xa2};
	unsigned long fault;

	memcpy(mem, bytes, sizeof(bytes));
	/* the page ends after k bytes of the prefix: a fault at the first unreadable one */
	for (unsigned int k = 0; k < CPUID_FORCED_LEN; k++) {
		readable = k;
		assert_int_equal(match_at(GVA, cpuid_forced_insn, CPUID_FORCED_LEN, &fault),
				 INSN_FAULT);
		assert_int_equal(fault, GVA + k);
	}
	/* the instruction ends exactly at the end of the readable page */
	readable = CPUID_FORCED_LEN;
	assert_int_equal(match_at(GVA, cpuid_forced_insn, CPUID_FORCED_LEN, &fault), INSN_MATCH);
	assert_int_equal(fault, 0);
	/* a plain ud2 at the page end: its #UD stays a #UD */
	mem[2] = 0x90;
	readable = 3;
	assert_int_equal(match_at(GVA, cpuid_forced_insn, CPUID_FORCED_LEN, &fault), INSN_OTHER);
	/* a RIP outside guest memory altogether */
	assert_int_equal(
		match_at(0xffff800000000000UL, cpuid_forced_insn, CPUID_FORCED_LEN, &fault),
		INSN_FAULT);
	assert_int_equal(fault, 0xffff800000000000UL);
}

static void test_plain_cpuid_and_wrmsr(void **state)
{
	static const uint8_t bytes[] = {0x0f, 0xa2, 0x0f, 0x30, 0x0f, 0x32};
	unsigned long fault;

	memcpy(mem, bytes, sizeof(bytes));
	readable = sizeof(bytes);
	assert_int_equal(match_at(GVA, cpuid_plain_insn, 2, &fault), INSN_MATCH);
	assert_int_equal(match_at(GVA + 2, cpuid_plain_insn, 2, &fault), INSN_OTHER);
	assert_int_equal(match_at(GVA + 2, wrmsr_insn, 2, &fault), INSN_MATCH);
	assert_int_equal(match_at(GVA + 4, wrmsr_insn, 2, &fault), INSN_OTHER); /* rdmsr */
	readable = 1;
	assert_int_equal(match_at(GVA, cpuid_plain_insn, 2, &fault), INSN_FAULT);
	assert_int_equal(fault, GVA + 1);
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
		cmocka_unit_test(test_truncated_and_unmapped),
		cmocka_unit_test(test_plain_cpuid_and_wrmsr),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
