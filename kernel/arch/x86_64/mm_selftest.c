/*
 * selftest=shadow: the shadow engine on the real MMU.
 *
 * The host unit tests check shadows with a simulated CPU; this test checks
 * that the same tables are right for the real one.  It builds a small domU
 * (64 frames, four-level tables mapping eight 4 KiB pages and one 2 MiB
 * page), lets the engine fill the shadows through shadow_page_fault(),
 * loads the shadow root into CR3 and reads and writes through it in ring 0
 * (inside a STAC..CLAC window: they are user pages, asm/smap.h):
 * every value must be the one in the guest frame the guest's tables name,
 * a write must land in that frame and set the guest's dirty bit, and the
 * m2p view at 0xFFFF800000000000 must read back the identity.  It then
 * measures a hidden fault after an mmu_update and a warm root switch in
 * TSC ticks, checks the isolation invariant, destroys the domain and
 * requires every frame back.
 */
#include <asm/cpu.h>
#include <asm/msr.h>
#include <asm/smap.h>
#include <hospes/arch.h>
#include <hospes/frame.h>
#include <hospes/lib.h>
#include <hospes/mm.h>
#include <hospes/p2m.h>
#include <hospes/printk.h>
#include <hospes/pv_mmu.h>
#include <hospes/shadow.h>

#define ST_VA	  0x400000UL
#define ST_SUPER  0x800000UL
#define ST_M2P	  0xffff800000000000UL
#define ST_FLAGS  (PTE_P | PTE_RW)
#define ST_ROUNDS 256

static struct domain st_dom;
static struct vcpu st_vcpu;

static uint64_t *st_frame(struct domain *d, unsigned long g)
{
	return mfn_to_virt(p2m_lookup(d, _gfn(g)).mfn);
}

static void st_build(struct domain *d)
{
	st_frame(d, 1)[0] = (2UL << PAGE_SHIFT) | ST_FLAGS;
	st_frame(d, 2)[0] = (3UL << PAGE_SHIFT) | ST_FLAGS;
	st_frame(d, 3)[2] = (4UL << PAGE_SHIFT) | ST_FLAGS;
	st_frame(d, 3)[4] = ST_FLAGS | PTE_PS; /* 2 MiB page at guest frame 0 */
	for (unsigned long i = 0; i < 8; i++) {
		st_frame(d, 4)[i] = ((16 + i) << PAGE_SHIFT) | ST_FLAGS;
		st_frame(d, 16 + i)[0] = 0x5eed0000 + i;
	}
	st_frame(d, 40)[0] = 0x5eed0040;
}

static void st_fault_in(struct vcpu *v, unsigned long va, unsigned int ec)
{
	struct shadow_fault_verdict vd;

	shadow_page_fault(v, va, ec, &vd);
	if (vd.kind != SHADOW_FIXED)
		panic("selftest shadow: fault at %#lx not fixed (verdict %d ec %#x)", va, vd.kind,
		      vd.ec);
}

/* Run on the shadow root: the real MMU must see what the guest's tables say. */
static void st_check_on_mmu(struct vcpu *v)
{
	unsigned long saved = read_cr3();
	uint64_t got[10];

	arch_load_cr3(shadow_activate(v, false));
	smap_open(); /* guest (user) pages, read on purpose: asm/smap.h */
	for (unsigned long i = 0; i < 8; i++)
		got[i] = *(volatile uint64_t *)(ST_VA + i * PAGE_SIZE);
	got[8] = *(volatile uint64_t *)(ST_SUPER + 40 * PAGE_SIZE);
	got[9] = *(volatile uint64_t *)(ST_M2P + 8 * 37);
	*(volatile uint64_t *)(ST_VA + 8) = 0xfeedf00d;
	smap_close();
	arch_load_cr3(saved);
	for (unsigned long i = 0; i < 8; i++)
		if (got[i] != 0x5eed0000 + i)
			panic("selftest shadow: va %#lx read %#lx", ST_VA + i * PAGE_SIZE, got[i]);
	if (got[8] != 0x5eed0040)
		panic("selftest shadow: 2 MiB page read %#lx", got[8]);
	if (got[9] != 37)
		panic("selftest shadow: m2p[37] read %#lx", got[9]);
	if (st_frame(v->domain, 16)[1] != 0xfeedf00d || !(st_frame(v->domain, 4)[0] & PTE_D))
		panic("selftest shadow: write did not reach the guest frame or its dirty bit");
}

static void st_measure(struct domain *d, struct vcpu *v)
{
	struct shadow_stats before, after;
	uint64_t upd = 0, flt = 0, sw, t;

	for (int i = 0; i < ST_ROUNDS; i++) {
		t = rdtsc();
		pv_pt_update(d, d, _gfn(4), 0, (16UL << PAGE_SHIFT) | ST_FLAGS | PTE_A | PTE_D,
			     false, 0);
		upd += rdtsc() - t;
		t = rdtsc();
		st_fault_in(v, ST_VA, PFEC_U);
		flt += rdtsc() - t;
	}
	memcpy(st_frame(d, 5), st_frame(d, 1), PAGE_SIZE);
	shadow_set_roots(v, _gfn(5), INVALID_GFN);
	st_fault_in(v, ST_VA, PFEC_U);
	shadow_get_stats(d, &before);
	sw = rdtsc();
	for (int i = 0; i < ST_ROUNDS; i++) {
		shadow_set_roots(v, _gfn(i & 1 ? 5 : 1), INVALID_GFN);
		shadow_activate(v, false);
	}
	sw = rdtsc() - sw;
	shadow_get_stats(d, &after);
	if (after.pages_built != before.pages_built)
		panic("selftest shadow: warm switches built %lu shadow pages",
		      after.pages_built - before.pages_built);
	printk("selftest shadow: per operation, in TSC ticks (instructions under -icount): "
	       "L1 update %lu, hidden fault %lu, warm root switch %lu\n",
	       (unsigned long)(upd / ST_ROUNDS), (unsigned long)(flt / ST_ROUNDS),
	       (unsigned long)(sw / ST_ROUNDS));
}

void mm_selftest(void)
{
	struct domain *d = &st_dom;
	struct vcpu *v = &st_vcpu;
	unsigned long free_before = frame_free_count();

	d->id = 1;
	d->max_vcpus = 1;
	d->vcpu[0] = v;
	v->domain = d;
	if (p2m_domain_init(d, 64) || shadow_domain_init(d, 32) || shadow_vcpu_init(v))
		panic("selftest shadow: cannot create the test domain");
	st_build(d);
	if (shadow_set_roots(v, _gfn(1), INVALID_GFN))
		panic("selftest shadow: root refused");
	for (unsigned long i = 0; i < 8; i++)
		st_fault_in(v, ST_VA + i * PAGE_SIZE, PFEC_U | (i == 0 ? PFEC_W : 0));
	st_fault_in(v, ST_SUPER + 40 * PAGE_SIZE, PFEC_U);
	st_check_on_mmu(v);
	st_measure(d, v);
	if (mm_check_isolation(d))
		panic("selftest shadow: isolation invariant broken");
	domain_relinquish_memory(d);
	if (frame_free_count() != free_before)
		panic("selftest shadow: %lu frames free after, %lu before", frame_free_count(),
		      free_before);
}
