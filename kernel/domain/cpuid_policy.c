/*
 * The guest's CPUID view (ideas in hospes/cpuid.h): Xen's PV policy.
 *
 * Which features a guest sees follows the annotations of Xen's public
 * cpufeatureset.h: a bit marked 'A' (offered to every guest by default)
 * passes when the host has it; 'S' and 'H' (HVM only), lower case (opt-in)
 * and unmarked bits are hidden.  On top of that we hide what this
 * hypervisor cannot honour for a guest in ring 3:
 *   - state XCR0 does not switch: AVX and its relatives when XCR0 lacks
 *     YMM, every AVX-512 bit when it lacks the opmask/ZMM states (we run
 *     guests with x87|SSE|AVX at most), XSAVE itself with no XSAVE;
 *   - features that are only MSRs a PV guest would have to ask us for
 *     (IBRS/IBPB/STIBP/SSBD, PSFD: we emulate no MSR but the hypercall
 *     page's), the APIC and x2APIC (a PV vCPU has none; dom0 keeps the
 *     APIC bit, as Xen's hardware domain does, for its ACPI code);
 *   - FSGSBASE unless CR4.FSGSBASE is on.
 * The hypervisor bit is set.  OSXSAVE cannot follow a guest CR4 (we keep
 * none: PV guests cannot write CR4 here), so, as Xen does for PV kernels,
 * it shows the hypervisor's CR4.OSXSAVE: XGETBV really works in ring 3 and
 * the AVX state really is switched.
 *
 * Topology: every vCPU is a one-thread, one-core package whose initial
 * APIC id is its vCPU id (HTT and CMP_LEGACY clear, leaf 4's sharing
 * counts and leaf 0x80000008's core count zero); leaf 0xB is hidden with
 * the x2APIC.  Leaves we do not pass (power, performance counters, QoS,
 * trace, SGX, ...) read as zeros, as do leaves past the guest's maximum
 * (Xen's choice: not Intel's "repeat the last leaf").  The basic range
 * ends at 0xD, the extended one at 0x80000008.  The Xen leaves
 * 0x40000000..0x40000003 say "XenVMMXenVMM", the version xen_version
 * reports, one hypercall page and the MSR base (only when the hypercall
 * MSR is implemented), MMU_PT_UPDATE_PRESERVE_AD, and the TSC: native
 * mode, its kHz and the scale guests already read in vcpu_time_info.
 */
#include <hospes/cpuid.h>
#include <public/cpuid.h>

#define B(n) (1U << (n))

/* The 'A' bits of each word (cpufeatureset.h), before our own hiding. */
enum {
	/* leaf 1 EDX (word 0): FPU DE TSC MSR PAE MCE CX8 APIC SEP MCA CMOV PAT
	 * CLFLUSH ACPI MMX FXSR SSE SSE2 SS (HTT hidden: one thread a package) */
	L1D_A = B(0) | B(2) | B(4) | B(5) | B(6) | B(7) | B(8) | B(9) | B(11) | B(14) | B(15) |
		B(16) | B(19) | B(22) | B(23) | B(24) | B(25) | B(26) | B(27),
	L1D_APIC = B(9),
	/* leaf 1 ECX (word 1): SSE3 PCLMULQDQ SSSE3 FMA CX16 SSE4.1 SSE4.2 MOVBE
	 * POPCNT AESNI XSAVE AVX F16C RDRAND (X2APIC hidden) */
	L1C_A = B(0) | B(1) | B(9) | B(12) | B(13) | B(19) | B(20) | B(22) | B(23) | B(25) | B(26) |
		B(28) | B(29) | B(30),
	L1C_XSAVE = B(26),
	L1C_OSXSAVE = B(27),
	L1C_HYPERVISOR = B(31),
	L1C_AVX = B(12) | B(28) | B(29), /* FMA AVX F16C */
	/* leaf 7:0 EBX (word 5): FSGSBASE BMI1 AVX2 BMI2 ERMS RTM AVX512F/DQ
	 * RDSEED ADX AVX512_IFMA CLFLUSHOPT CLWB AVX512PF/ER/CD SHA AVX512BW/VL */
	L7B_A = B(0) | B(3) | B(5) | B(8) | B(9) | B(11) | B(16) | B(17) | B(18) | B(19) | B(21) |
		B(23) | B(24) | B(26) | B(27) | B(28) | B(29) | B(30) | B(31),
	L7B_FSGSBASE = B(0),
	L7B_AVX = B(5),
	L7B_AVX512 = B(16) | B(17) | B(21) | B(26) | B(27) | B(28) | B(30) | B(31),
	/* leaf 7:0 ECX (word 6): PREFETCHWT1 AVX512_VBMI AVX512_VBMI2 GFNI VAES
	 * VPCLMULQDQ AVX512_VNNI AVX512_BITALG AVX512_VPOPCNTDQ RDPID CLDEMOTE */
	L7C_A = B(0) | B(1) | B(6) | B(8) | B(9) | B(10) | B(11) | B(12) | B(14) | B(22) | B(25),
	L7C_AVX = B(9) | B(10),
	L7C_AVX512 = B(1) | B(6) | B(11) | B(12) | B(14),
	/* leaf 7:0 EDX (word 9): AVX512_4VNNIW AVX512_4FMAPS MD_CLEAR (IBRSB,
	 * STIBP, SSBD: MSRs we do not emulate) */
	L7D_A = B(2) | B(3) | B(10),
	L7D_AVX512 = B(2) | B(3),
	/* leaf 7:1 EAX (word 10): AVX512_BF16 */
	L71A_A = B(5),
	L71A_AVX512 = B(5),
	/* leaf 0xD:1 EAX (word 4): XSAVEOPT XSAVEC XGETBV1 (XSAVES is 'S') */
	LD1A_A = B(0) | B(1) | B(2),
	/* leaf 0x80000001 EDX (word 2): SYSCALL NX MMXEXT FFXSR RDTSCP LM
	 * 3DNOWEXT 3DNOW, and AMD's copies of leaf 1 EDX bits 0-17, 23, 24 */
	E1D_A = B(11) | B(20) | B(22) | B(25) | B(27) | B(29) | B(30) | B(31),
	E1D_COMMON = 0x0183f3ff,
	/* leaf 0x80000001 ECX (word 3): LAHF_LM ABM SSE4A MISALIGNSSE
	 * 3DNOWPREFETCH XOP FMA4 TBM DBEXT (CMP_LEGACY hidden: one core) */
	E1C_A = B(0) | B(5) | B(6) | B(7) | B(8) | B(11) | B(16) | B(21) | B(26),
	E1C_AVX = B(11) | B(16), /* XOP FMA4 */
	/* leaf 0x80000008 EBX (word 8): CLZERO RSTR_FP_ERR_PTRS SSB_NO BTC_NO
	 * IBPB_RET (IBPB: an MSR we do not emulate) */
	E8B_A = B(0) | B(2) | B(26) | B(29) | B(30),
};

#define XSTATE_YMM    (1ULL << 2)
#define XSTATE_AVX512 (7ULL << 5) /* opmask, ZMM_Hi256, Hi16_ZMM */

struct masks {
	uint32_t l1c, l1d, l7b, l7c, l7d, l71a, ld1a, e1c, e1d, e8b;
};

static struct masks masks_for(const struct cpuid_host *h, const struct cpuid_guest *g)
{
	struct masks m = {L1C_A, L1D_A, L7B_A, L7C_A, L7D_A, L71A_A, LD1A_A, E1C_A, 0, E8B_A};
	if (!g->privileged)
		m.l1d &= ~L1D_APIC;
	if (!h->fsgsbase)
		m.l7b &= ~L7B_FSGSBASE;
	if ((h->xcr0 & XSTATE_AVX512) != XSTATE_AVX512) {
		m.l7b &= ~L7B_AVX512;
		m.l7c &= ~L7C_AVX512;
		m.l7d &= ~L7D_AVX512;
		m.l71a &= ~L71A_AVX512;
	}
	if (!(h->xcr0 & XSTATE_YMM)) {
		m.l1c &= ~L1C_AVX;
		m.l7b &= ~L7B_AVX;
		m.l7c &= ~L7C_AVX;
		m.e1c &= ~E1C_AVX;
	}
	if (!h->xcr0) {
		m.l1c &= ~L1C_XSAVE;
		m.ld1a = 0;
	}
	m.e1d = E1D_A | (m.l1d & E1D_COMMON);
	return m;
}

static void leaf1(const struct cpuid_host *h, const struct cpuid_guest *g, const struct masks *m,
		  struct cpuid_leaf *r)
{
	/* EBX: brand index and CLFLUSH line size kept; one logical processor;
	 * the vCPU id as the initial APIC id. */
	r->b = (r->b & 0xffff) | 1U << 16 | (g->vcpu_id & 0xff) << 24;
	r->c = (r->c & m->l1c) | L1C_HYPERVISOR;
	if (h->osxsave && (m->l1c & L1C_XSAVE))
		r->c |= L1C_OSXSAVE;
	r->d &= m->l1d;
}

static void leaf7(const struct masks *m, uint32_t sub, struct cpuid_leaf *r)
{
	if (sub == 0) {
		r->a = r->a < 1 ? r->a : 1; /* subleaf 1 is the last we know */
		r->b &= m->l7b;
		r->c &= m->l7c;
		r->d &= m->l7d;
	} else if (sub == 1) {
		*r = (struct cpuid_leaf){.a = r->a & m->l71a};
	} else {
		*r = (struct cpuid_leaf){0};
	}
}

/* XSAVE: only the state components of the XCR0 guests run with. */
static void leaf_xsave(const struct cpuid_host *h, const struct masks *m, uint32_t sub,
		       struct cpuid_leaf *r)
{
	if (!h->xcr0 || sub >= 63) {
		*r = (struct cpuid_leaf){0};
	} else if (sub == 0) {
		r->a &= (uint32_t)h->xcr0;
		r->d &= (uint32_t)(h->xcr0 >> 32);
		r->c = r->b; /* the guest cannot change XCR0: its maximum is what is on */
	} else if (sub == 1) {
		*r = (struct cpuid_leaf){.a = r->a & m->ld1a, .b = r->b};
	} else if (!(h->xcr0 >> sub & 1)) {
		*r = (struct cpuid_leaf){0};
	}
}

static void basic(const struct cpuid_host *h, const struct cpuid_guest *g, uint32_t leaf,
		  uint32_t sub, struct cpuid_leaf *r)
{
	const struct masks m = masks_for(h, g);
	switch (leaf) {
	case 0:
		r->a = r->a < CPUID_BASIC_LAST ? r->a : CPUID_BASIC_LAST;
		break; /* EBX, EDX, ECX: the vendor */
	case 1:
		leaf1(h, g, &m, r);
		break;
	case 2: /* cache and TLB descriptors */
		break;
	case 4: /* deterministic cache parameters: no sharing, one core */
		r->a &= ~(0x3fU << 26 | 0xfffU << 14);
		break;
	case 7:
		leaf7(&m, sub, r);
		break;
	case 0xd:
		leaf_xsave(h, &m, sub, r);
		break;
	default: /* serial number, MONITOR, power, DCA, PMU, x2APIC topology */
		*r = (struct cpuid_leaf){0};
	}
}

static void extended(const struct cpuid_host *h, const struct cpuid_guest *g, uint32_t leaf,
		     struct cpuid_leaf *r)
{
	const struct masks m = masks_for(h, g);
	switch (leaf) {
	case 0x80000000:
		r->a = r->a < CPUID_EXT_LAST ? r->a : CPUID_EXT_LAST;
		break;
	case 0x80000001:
		r->b = 0; /* package type */
		r->c &= m.e1c;
		r->d &= m.e1d;
		break;
	case 0x80000002:
	case 0x80000003:
	case 0x80000004: /* the brand string */
	case 0x80000005:
	case 0x80000006: /* caches */
		break;
	case 0x80000008: /* address sizes; no cores, no APIC id size */
		*r = (struct cpuid_leaf){.a = r->a & 0xffffff, .b = r->b & m.e8b};
		break;
	default: /* 0x80000007: power management */
		*r = (struct cpuid_leaf){0};
	}
}

static void xen_leaf(const struct cpuid_host *h, uint32_t leaf, uint32_t sub, struct cpuid_leaf *r)
{
	switch (leaf - XEN_CPUID_FIRST_LEAF) {
	case 0:
		*r = (struct cpuid_leaf){CPUID_XEN_LAST, XEN_CPUID_SIGNATURE_EBX,
					 XEN_CPUID_SIGNATURE_ECX, XEN_CPUID_SIGNATURE_EDX};
		break;
	case 1:
		r->a = h->xen_version;
		break;
	case 2:
		r->a = 1;
		r->b = h->hypercall_msr ? CPUID_MSR_BASE : 0;
		r->c = XEN_CPUID_FEAT1_MMU_PT_UPDATE_PRESERVE_AD;
		break;
	case 3: /* native TSC (mode 0), incarnation 0, offset 0 */
		if (sub == 0)
			r->b = h->tsc_khz;
		else if (sub == 1)
			*r = (struct cpuid_leaf){.c = h->tsc_mul,
						 .d = (uint32_t)(int32_t)h->tsc_shift};
		else if (sub == 2)
			r->a = h->tsc_khz;
		break;
	}
}

void cpuid_policy(const struct cpuid_host *h, const struct cpuid_guest *g, uint32_t leaf,
		  uint32_t sub, struct cpuid_leaf *out)
{
	struct cpuid_leaf max;

	*out = (struct cpuid_leaf){0};
	if (leaf >= XEN_CPUID_FIRST_LEAF && leaf <= CPUID_XEN_LAST) {
		xen_leaf(h, leaf, sub, out);
		return;
	}
	h->raw(leaf & 0x80000000, 0, &max);
	if (leaf > max.a || (leaf > CPUID_BASIC_LAST && leaf < 0x80000000) || leaf > CPUID_EXT_LAST)
		return; /* zeros */
	h->raw(leaf, sub, out);
	if (leaf < 0x80000000)
		basic(h, g, leaf, sub, out);
	else
		extended(h, g, leaf, out);
}
