/*
 * The fuzzer's generator: a seeded PRNG (splitmix64) and the values it
 * draws arguments from.
 *
 * Each argument comes from one of a dozen classes: small numbers (the
 * sub-operation of most hypercalls), boundary values (0, ~0, sign and
 * width edges, page sizes), plain random words, pointers into our scratch
 * pages (any alignment, so structures cross pages), pointers running off
 * the end of our mapping, hypervisor-range and non-canonical addresses,
 * our own frame numbers, frame numbers of the rest of the machine (other
 * domains' memory), domain ids (real, reserved and absent), machine
 * addresses of our own page-table entries, and PTE values naming our
 * frames or anyone's.  The scratch pages hold the same kinds of words, so
 * the structures the hypervisor reads through a pointer are as hostile as
 * the registers.
 *
 * A few calls legitimately end or stall the guest and are replaced by a
 * harmless xen_version: iret, SCHEDOP_block/shutdown/poll (and their
 * compat forms), VCPUOP_down, and such entries inside a multicall list.
 * console_io writes are cut to 64 bytes to keep the log readable.  Every
 * other call, including ones that can wreck the guest itself (remapping
 * its pages, freeing its frames, moving its vcpu_info), goes through: a
 * guest that crashes itself has found no hypervisor bug, and the scenario
 * counts it as such.
 */
#include "fuzz.h"
#include <public/sched.h>
#include <public/vcpu.h>
#include <public/version.h>

uint8_t fuzz_scratch[SCRATCH_SIZE] __attribute__((aligned(4096)));
/* Pages nothing else touches: the frames and mappings calls may take from us. */
static uint8_t victim[VICTIM_PAGES][4096] __attribute__((aligned(4096)));

#define M2P	 ((const unsigned long *)0xffff800000000000UL)
#define PTE_ADDR 0x000ffffffffff000UL

static unsigned long mfn_of(const struct fuzz_env *g, const void *va)
{
	return g->mfn_list[(unsigned long)va >> 12];
}

/* Machine address of the L1 entry mapping va (the boot tables use 4 KiB pages). */
static uint64_t pte_maddr(const struct fuzz_env *g, const void *va)
{
	const uint64_t *t = (const uint64_t *)g->pt_base;
	unsigned long a = (unsigned long)va;

	for (int shift = 39; shift > 12; shift -= 9)
		t = (const uint64_t *)(M2P[(t[(a >> shift) & 511] & PTE_ADDR) >> 12] << 12);
	return (mfn_of(g, t) << 12) + ((a >> 12) & 511) * 8;
}

void fuzz_init(struct fuzz_env *g, uint64_t seed)
{
	g->state = seed;
	g->mfn_list = (const unsigned long *)tg_start_info->mfn_list;
	g->nr_pages = tg_start_info->nr_pages;
	g->pt_base = tg_start_info->pt_base;
	g->nr_pt_frames = tg_start_info->nr_pt_frames;
	g->end = tg_mapping_end();
	for (int i = 0; i < VICTIM_PAGES; i++) {
		g->victim_frame[i] = mfn_of(g, victim[i]);
		g->victim_pte[i] = pte_maddr(g, victim[i]);
	}
}

uint64_t fuzz_random(struct fuzz_env *g)
{
	uint64_t z = (g->state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t below(struct fuzz_env *g, uint64_t n)
{
	return fuzz_random(g) % n;
}

static const uint64_t boundaries[] = {
	0,	    1,		2,	    0x7f,	0x80,	     0xff,	   0x100,
	511,	    512,	513,	    1023,	1024,	     1025,	   4095,
	4096,	    4097,	8191,	    8192,	0x7fff,	     0x8000,	   0xffff,
	0x10000,    0x7fffffff, 0x80000000, 0xffffffff, 0x100000000, 1ULL << 40,   1ULL << 47,
	1ULL << 52, ~0ULL >> 1, 1ULL << 63, ~0ULL,	~0ULL - 1,   ~0ULL - 4095, ~0ULL << 12,
};

static const uint64_t domids[] = {0,	  1,	  2,	  3,	  4,	  5,	  0x7fef,
				  0x7ff0, 0x7ff1, 0x7ff2, 0x7ff3, 0x7ff4, 0x7fff, 0xffff};

/* Mostly a victim frame; now and then any of ours (the guest may wreck itself). */
static uint64_t own_frame(struct fuzz_env *g)
{
	if (below(g, 256))
		return g->victim_frame[below(g, VICTIM_PAGES)];
	return g->mfn_list[below(g, g->nr_pages)];
}

/* A virtual address of ours that calls may remap: a victim page, now and then any. */
static uint64_t own_page(struct fuzz_env *g)
{
	if (below(g, 256))
		return (uint64_t)victim[below(g, VICTIM_PAGES)] + below(g, 4096);
	return below(g, g->end);
}

static uint64_t pick(struct fuzz_env *g, const uint64_t *table, size_t n)
{
	return table[below(g, n)];
}

static uint64_t value(struct fuzz_env *g)
{
	switch (below(g, 14)) {
	case 0:
		return below(g, 16);
	case 1:
		return pick(g, boundaries, sizeof(boundaries) / sizeof(boundaries[0]));
	case 2:
		return fuzz_random(g);
	case 3:
	case 4:
		return (uint64_t)fuzz_scratch + below(g, SCRATCH_SIZE);
	case 5:
		return g->end - below(g, 64);
	case 6: /* the hypervisor's half: its image, direct map, m2p */
		return 0xffff800000000000ULL + (fuzz_random(g) & 0x00007fffffffffffULL);
	case 7: /* non-canonical: bit 47 and the bits above disagree */
		return (fuzz_random(g) | (1ULL << 47)) & ~(1ULL << 63);
	case 8:
		return own_frame(g);
	case 9: /* any frame of a 256 MiB machine: mostly other domains' */
		return below(g, 1U << 16);
	case 10:
		return pick(g, domids, sizeof(domids) / sizeof(domids[0]));
	case 12:
		return own_page(g);
	case 11: /* one of our page-table entries, by machine address */
		if (below(g, 256))
			return g->victim_pte[below(g, VICTIM_PAGES)];
		return (mfn_of(g, (void *)(g->pt_base + below(g, g->nr_pt_frames) * 4096)) << 12) |
		       (below(g, 512) * 8);
	default: /* a PTE: our frame or anyone's, with random flags */
		return ((below(g, 2) ? own_frame(g) : below(g, 1U << 16)) << 12) |
		       below(g, 0x1000) | (below(g, 4) ? 0 : 1ULL << 63);
	}
}

void fuzz_fill_scratch(struct fuzz_env *g, bool whole)
{
	uint64_t *w = (uint64_t *)fuzz_scratch;
	size_t words = SCRATCH_SIZE / 8;
	size_t from = whole ? 0 : below(g, words - 32), n = whole ? words : 32;

	for (size_t i = from; i < from + n; i++)
		w[i] = value(g);
}

static bool ends_or_stalls(unsigned long nr, unsigned long a1)
{
	switch (nr) {
	case __HYPERVISOR_iret:
		return true;
	case __HYPERVISOR_sched_op:
	case __HYPERVISOR_sched_op_compat:
		return (int)a1 == SCHEDOP_block || (int)a1 == SCHEDOP_shutdown ||
		       (nr == __HYPERVISOR_sched_op && (int)a1 == SCHEDOP_poll);
	case __HYPERVISOR_vcpu_op:
		return (int)a1 == VCPUOP_down;
	default:
		return false;
	}
}

/* Entries of a multicall list that lies in our scratch pages are made safe in place. */
static void defuse_multicall(unsigned long list, unsigned long nr)
{
	unsigned long lo = (unsigned long)fuzz_scratch, hi = lo + SCRATCH_SIZE;
	struct multicall_entry *e = (struct multicall_entry *)list;

	if (list < lo || list >= hi)
		return;
	for (unsigned long i = 0; i < nr && (unsigned long)(e + i + 1) <= hi; i++)
		if (ends_or_stalls(e[i].op, e[i].args[0]))
			e[i].op = __HYPERVISOR_xen_version;
}

void fuzz_next(struct fuzz_env *g, struct fuzz_call *c)
{
	unsigned int r = (unsigned int)below(g, 100);

	if (r < 80)
		c->nr = below(g, 41); /* where Xen's hypercalls are */
	else if (r < 92)
		c->nr = below(g, 64);
	else if (r < 97)
		c->nr = 64 + below(g, 64); /* past the table, still on the hypercall page */
	else
		c->nr = fuzz_random(g) >> below(g, 64);
	c->a[0] = below(g, 10) < 6 ? below(g, 32) : value(g);
	for (int i = 1; i < 5; i++)
		c->a[i] = value(g);
	c->path = c->nr < 128 && below(g, 4) ? PATH_PAGE : below(g, 2) ? PATH_INT82 : PATH_SYSCALL;
	if (ends_or_stalls(c->nr, c->a[0])) {
		c->nr = __HYPERVISOR_xen_version;
		c->a[0] = XENVER_version;
	}
	if ((c->nr == __HYPERVISOR_update_va_mapping ||
	     c->nr == __HYPERVISOR_update_va_mapping_otherdomain) &&
	    c->a[0] < g->end)
		c->a[0] = own_page(g); /* not our code, stack or scratch, mostly */
	if (c->nr == __HYPERVISOR_console_io && c->a[1] > 64)
		c->a[1] &= 63;
	if (c->nr == __HYPERVISOR_multicall)
		defuse_multicall(c->a[0], c->a[1]);
}

long fuzz_issue(const struct fuzz_call *c)
{
	register unsigned long r10 __asm__("r10") = c->a[3];
	register unsigned long r8 __asm__("r8") = c->a[4];
	unsigned long a1 = c->a[0], a2 = c->a[1], a3 = c->a[2];
	long ret;

	switch (c->path) {
	case PATH_PAGE:
		return hypercall((unsigned int)c->nr, a1, a2, a3, c->a[3], c->a[4]);
	case PATH_INT82:
		ret = (long)c->nr;
		__asm__ volatile("int $0x82"
				 : "+a"(ret), "+D"(a1), "+S"(a2), "+d"(a3), "+r"(r10), "+r"(r8)
				 :
				 : "memory", "rcx", "r9", "r11");
		return ret;
	default:
		ret = (long)c->nr;
		__asm__ volatile("syscall"
				 : "+a"(ret), "+D"(a1), "+S"(a2), "+d"(a3), "+r"(r10), "+r"(r8)
				 :
				 : "memory", "rcx", "r9", "r11");
		return ret;
	}
}
