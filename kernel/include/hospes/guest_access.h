/*
 * Reaching guest memory from the hypervisor (kernel/mm/guest_access.c).
 *
 * Every hypercall argument that is a guest pointer is read and written only
 * through these functions.  They return 0, or -XEN_EFAULT for any bad
 * pointer: non-canonical, inside the hypervisor's range, not mapped (or not
 * writable, for copy_to_guest) by the guest's current page tables, or
 * failing on any page it crosses.  They walk the guest's own tables in
 * software and reach the frames through the p2m and the direct map, so they
 * never fault and never see another domain's memory.
 */
#ifndef HOSPES_GUEST_ACCESS_H
#define HOSPES_GUEST_ACCESS_H

#include <hospes/domain.h>
#include <stddef.h>

/* The vCPU whose hypercall is running (kernel/sched, engineer F; host tests define it). */
struct vcpu *current_vcpu(void);

int copy_from_guest(void *dst, unsigned long guest_va, size_t len);
int copy_to_guest(unsigned long guest_va, const void *src, size_t len);

/* The same, on behalf of an explicit vCPU (its current root and mode). */
int copy_from_guest_vcpu(struct vcpu *v, void *dst, unsigned long guest_va, size_t len);
int copy_to_guest_vcpu(struct vcpu *v, unsigned long guest_va, const void *src, size_t len);
/* The bytes of the instruction at rip that v can read, up to max, into
 * buf; how many.  One copy per page the bytes touch (at most two for a
 * decoder's maximum): a page is readable whole or not at all (one
 * translation), so the count ends exactly at the first unreadable byte and
 * an instruction that ends just before an unmapped page is read whole
 * (the decoders measure it).  The emulations of #UD, #GP and ECAM stores
 * share it; a byte-at-a-time loop cost a walk per byte. */
static inline unsigned int fetch_guest_insn(struct vcpu *v, unsigned long rip, uint8_t *buf,
					    unsigned int max)
{
	unsigned int n = 0;

	while (n < max && rip + n >= rip) {
		unsigned long va = rip + n, room = PAGE_SIZE - (va & (PAGE_SIZE - 1));
		unsigned int chunk = max - n < room ? max - n : (unsigned int)room;

		if (copy_from_guest_vcpu(v, &buf[n], va, chunk))
			break;
		n += chunk;
	}
	return n;
}
/* The 32-bit value at guest_va (0 .. 2^32-1), or -XEN_EFAULT: a copy of 4
 * bytes returned by value, for arguments that are one port or handle. */
long read_guest_u32(struct vcpu *v, unsigned long guest_va);
/* copy_to_guest_vcpu of the 4 bytes of x (a batch's `done` counter). */
int write_guest_u32(struct vcpu *v, unsigned long guest_va, uint32_t x);
/* The hypervisor address of [guest_va, guest_va+len) for the access if it
 * lies in one page and v may access it now, else NULL (the copies above may
 * still reach a range across pages).  For frames written or read in place
 * (bounce, iret): the guest may change the memory meanwhile, so read each
 * value once and check the copy. */
void *guest_map_small(struct vcpu *v, unsigned long guest_va, size_t len, bool write);
/* May [guest_va, guest_va+len) be reached by moves through the loaded
 * tables (asm/guest_read.h) on v's behalf: v is the running vCPU, in guest
 * kernel mode with its kernel root in CR3, and the range is the guest's,
 * in one page.  A move may still fault: the caller then takes the walk
 * (guest_map_small, copy_to_guest_vcpu). */
bool guest_loaded_ok(struct vcpu *v, unsigned long guest_va, size_t len);

#endif
