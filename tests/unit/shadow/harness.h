/*
 * Test harness for the memory-management unit tests: simulated machine,
 * domains built directly, guest page tables written into guest frames, an
 * independent reference walk of the guest's tables, and a simulated CPU
 * that translates through the shadows and calls the fault handler.
 */
#ifndef MM_HARNESS_H
#define MM_HARNESS_H

#include <hospes/domain.h>
#include <hospes/guest_access.h>
#include <hospes/mm.h>
#include <hospes/p2m.h>
#include <hospes/pv_mmu.h>
#include <hospes/shadow.h>
#include <stdbool.h>
#include <stdint.h>

#define HARNESS_PHYS_BITS 40 /* the simulated CPU's MAXPHYADDR (QEMU's default) */

extern unsigned long fake_tlb_flushes, fake_tlb_invlpgs;
void fake_frame_init(void);

void mm_machine_init(unsigned long frames);
void mm_machine_fini(void);
struct domain *mm_make_domain(domid_t id, unsigned long nr_pages, bool privileged,
			      unsigned int pool);
void mm_free_domain(struct domain *d);
void mm_set_current(struct vcpu *v);

/* Guest memory seen by the guest: the frame's hypervisor address. */
uint64_t *gtable(struct domain *d, gfn_t g);
uint64_t gpte(unsigned long gfn, uint64_t flags);

/* Reference walk: 0 and *gfn on success, else -1 and *ec (guest-visible). */
struct ref_result {
	bool ok;
	unsigned long gfn;
	unsigned int ec;
	unsigned long path[5]; /* table gfns, [4] = root */
	uint64_t leaf;	       /* the guest's leaf entry (on success) */
};
struct ref_result ref_walk(struct domain *d, unsigned long root, unsigned long va,
			   unsigned int access);

/* Simulated CPU access through the shadows (retries hidden faults). */
struct cpu_result {
	bool ok;
	unsigned long mfn;
	unsigned int ec; /* bounced error code */
	int hidden;	 /* hidden faults taken */
	bool nomem;
};
struct cpu_result cpu_access(struct vcpu *v, bool user, unsigned long va, unsigned int access);

/* "Load" v's shadow root for mode user into the fake CR3 and let copies
 * move through it as the CPU would (asm/guest_read.h's host version);
 * harness_unload_cr3() makes every move fault again. */
void harness_load_cr3(struct vcpu *v, bool user);
void harness_unload_cr3(void);

#endif
