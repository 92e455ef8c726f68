/*
 * The event upcall's frame is the same whether the hypervisor stores it
 * directly or by its fallback.
 *
 * On the way back to a guest kernel with an upcall deliverable,
 * pv_upcall_direct (kernel/arch/x86_64/pv_fast.c) stores the seven-word
 * bounce frame through the guest's loaded tables; when a store faults it
 * must change nothing, and bounce.c's full path writes the frame again by
 * walking the guest's tables.  The test makes the stores fault on
 * purpose: the stack the upcall lands on is a page whose PTE the guest
 * rewrites (update_va_mapping) with D clear (the shadow keeps the page
 * read-only until it is dirty) or with A clear (the shadow maps nothing
 * until the first access), and compares the frame its handler sees with
 * the one stored on the same page mapped with A and D set (shadowed
 * writable: the direct store).  Nothing of the guest writes the page
 * (upcall_frame.S), so a D bit set in the guest's own PTE after the
 * upcall was set by the walk of the fallback, which proves it ran.
 */
#include "../lib/tg.h"
#include <public/event_channel.h>

#define PTE_P	  0x1UL
#define PTE_RW	  0x2UL
#define PTE_A	  0x20UL
#define PTE_D	  0x40UL
#define PTE_FRAME 0x000ffffffffff000UL
#define FRAME_CS  0xe030UL /* FLAT_KERNEL_CS with RPL 0: a kernel frame */
#define FRAME_SS  0xe02bUL
#define RFLAGS_IF 0x200UL
#define STACK_AT  2056 /* not 16-byte aligned: the frame goes below rsp & ~15 */

long frame_send(void *stack, const struct evtchn_send *arg);
void frame_send_return(void), frame_event_handler(void), entry_event_handler(void);
extern unsigned long frame_seen[8];
extern volatile unsigned long frame_upcalls;
extern struct vcpu_info *entry_vcpu_info;

static uint8_t frame_stack[4096] __attribute__((aligned(4096)));

/* The guest's table at the frame an entry names (the m2p, VIRT_BASE 0). */
static uint64_t *table_at(uint64_t entry)
{
	const unsigned long *m2p = (const unsigned long *)0xffff800000000000UL;

	return (uint64_t *)(m2p[(entry & PTE_FRAME) >> 12] << 12);
}

/* The guest's own L1 entry for va (read-only to it). */
static volatile uint64_t *own_pte(const void *va)
{
	unsigned long a = (unsigned long)va;
	uint64_t *t = (uint64_t *)tg_start_info->pt_base;

	for (int shift = 39; shift > 12; shift -= 9)
		t = table_at(t[(a >> shift) & 511]);
	return &t[(a >> 12) & 511];
}

/* frame_stack's own frame, mapped with flags (update_va_mapping). */
static long map_stack(uint64_t flags)
{
	unsigned long mfn =
		((unsigned long *)tg_start_info->mfn_list)[(unsigned long)frame_stack >> 12];

	return hypercall(__HYPERVISOR_update_va_mapping, (unsigned long)frame_stack,
			 (mfn << 12) | flags, UVMF_INVLPG, 0, 0);
}

/* Map frame_stack with flags, send with events unmasked, and return the
 * frame the handler saw (seen[7]: its address); *pte: the guest's entry
 * after the upcall.  The page is filled with a pattern first, so a frame
 * the hypervisor did not write is not an earlier run's.  false if a step
 * failed (printed here). */
static bool upcall_on(uint64_t flags, const struct evtchn_send *send, unsigned long seen[8],
		      uint64_t *pte, const char *what)
{
	volatile struct vcpu_info *vi = entry_vcpu_info;
	unsigned long before = frame_upcalls;
	long rc = map_stack(PTE_P | PTE_RW | PTE_A | PTE_D);

	for (size_t i = 0; i < sizeof(frame_stack); i++) /* no frame of an earlier run */
		frame_stack[i] = 0xa5;
	rc = rc ?: map_stack(flags);
	if (rc || (*own_pte(frame_stack) & (PTE_A | PTE_D)) != (flags & (PTE_A | PTE_D))) {
		tg_printf("# %s: update_va_mapping %ld, entry 0x%lx\n", what, rc,
			  (unsigned long)*own_pte(frame_stack));
		return false;
	}
	vi->evtchn_upcall_mask = 0;
	rc = frame_send(frame_stack + STACK_AT, send);
	vi->evtchn_upcall_mask = 1;
	*pte = *own_pte(frame_stack);
	for (int i = 0; i < 8; i++)
		seen[i] = frame_seen[i];
	if (rc || frame_upcalls != before + 1) {
		tg_printf("# %s: send %ld, %lu upcalls\n", what, rc, frame_upcalls - before);
		return false;
	}
	return true;
}

static bool same_frame(const unsigned long *a, const unsigned long *b)
{
	for (int i = 0; i < 8; i++)
		if (a[i] != b[i]) {
			tg_printf("# frame word %d: 0x%lx, direct 0x%lx\n", i, a[i], b[i]);
			return false;
		}
	return true;
}

void test_upcall_frame(const struct evtchn_send *send)
{
	unsigned long direct[8], slow[8];
	unsigned long sp = (unsigned long)frame_stack + STACK_AT;
	uint64_t pte;

	hypercall(__HYPERVISOR_set_callbacks, (unsigned long)frame_event_handler, 0, 0, 0, 0);
	tg_check(upcall_on(PTE_P | PTE_RW | PTE_A | PTE_D, send, direct, &pte, "dirty"),
		 "upcall onto a dirty stack page (the direct store)");
	tg_check(direct[7] == (sp & ~15UL) - 56 && direct[0] == (unsigned long)frame_send_return &&
			 direct[2] == (unsigned long)frame_send_return && direct[3] == FRAME_CS &&
			 (direct[4] & RFLAGS_IF) && direct[5] == sp && direct[6] == FRAME_SS,
		 "... its frame: seven words below rsp & ~15, rip, kernel CS, IF, rsp, SS");

	tg_check(upcall_on(PTE_P | PTE_RW | PTE_A, send, slow, &pte, "clean"),
		 "upcall onto a stack page not yet dirty (read-only in the shadow)");
	tg_check(pte & PTE_D, "... the fallback wrote the frame (the walk set D)");
	tg_check(same_frame(slow, direct), "... the same frame as the direct store");

	tg_check(upcall_on(PTE_P | PTE_RW, send, slow, &pte, "not accessed"),
		 "upcall onto a stack page not yet accessed (not in the shadow)");
	tg_check((pte & (PTE_A | PTE_D)) == (PTE_A | PTE_D),
		 "... the fallback wrote the frame (the walk set A and D)");
	tg_check(same_frame(slow, direct), "... the same frame as the direct store");

	tg_expect(map_stack(PTE_P | PTE_RW | PTE_A | PTE_D), 0, "the stack page mapped back");
	hypercall(__HYPERVISOR_set_callbacks, (unsigned long)entry_event_handler, 0, 0, 0, 0);
}
