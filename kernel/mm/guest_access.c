/*
 * copy_from_guest / copy_to_guest: the one way hypercalls touch guest
 * memory named by a guest pointer.
 *
 * The guest's virtual address is translated by walking its own page tables
 * in software (the root it is currently running on: kernel or user), then
 * through its p2m, and the frame is reached through the hypervisor's
 * direct map.  Every page a copy touches is translated before any byte
 * moves, so a copy that fails (-EFAULT) copies nothing.  Writing sets the
 * guest's accessed and dirty bits as the CPU would; page-table frames and
 * read-only frames are never written.  One copy spans at most
 * GA_MAX_PAGES pages (hypercall arguments are far smaller).
 *
 * Doing this in software costs a walk per page but never faults, works the
 * same on the host and on the machine, and cannot reach memory the guest
 * could not reach itself.  The common case is cheaper still: a page the
 * guest has touched is in its loaded shadow, whose entries carry exactly
 * the rights its own tables give (shadow_translate); only a miss walks the
 * guest's tables, and then fills the shadow there (shadow_prefill) as the
 * CPU's own fault would, so the next copy hits.  Misses are common after a
 * guest rewrote L1 entries it still has in its TLB: the CPU never faults
 * to refill them, so the copies must.  A copy within one page (every hypercall argument but
 * the largest) skips the page list: one translation and one copy (plain moves for 4, 8 or 16 bytes);
 * the page list and its frame are out of line.
 *
 * Before any of that, a copy within one page for the running vCPU in
 * guest kernel mode tries a plain move through its loaded tables with an
 * exception fix-up (asm/guest_read.h; read_guest_u32 for the port of
 * EVTCHNOP_send, the hottest argument), at an address in the guest's part
 * of the address space only.  A page the guest can read is mapped there,
 * and writable exactly where the guest could write itself (dirty and
 * accessed already set, never a page table); anything else faults into the
 * fix-up, with nothing copied (one page: the fault comes at the first
 * byte), and the software path above decides (-EFAULT or a filled
 * shadow).  The move also reaches what the guest mapped outside its RAM
 * (a device's registers in dom0), which the software path refuses: the
 * guest could read and write those itself.  The move goes before the
 * remembered translation: its checks cost less than a lookup that misses
 * (mmu_update_1 measured 384 instructions this way, 434 the other way
 * round, where each PTE write forgets every remembered translation).
 */
#include <asm/guest_read.h>
#include <hospes/arch.h>
#include <hospes/guest_access.h>
#include <hospes/lib.h>
#include <hospes/mm.h>
#include <hospes/p2m.h>
#include <public/errno.h>

#include "shadow/shadow_private.h"

#define GA_MAX_PAGES 64 /* largest single copy: 256 KiB */

/* ga_translate without a remembered translation: the loaded shadow, else
 * the guest's own tables (and the shadow filled there). */
static __attribute__((noinline)) void *ga_translate_miss(struct vcpu *v, unsigned long va,
							 bool write)
{
	struct shadow_vcpu *sv = v->shadow;
	gfn_t root = sv->root[sv->user_mode && !gfn_eq(sv->root[1], INVALID_GFN)];
	unsigned int access = (write ? PFEC_W : 0) | (sv->user_mode ? PFEC_U : 0);
	struct guest_walk w;
	struct p2m_lookup lk;
	void *fast = shadow_translate(v, va, write);

	if (fast)
		return fast;
	if (gfn_eq(root, INVALID_GFN) || guest_walk(v->domain, root, va, access, &w))
		return NULL;
	lk = p2m_get(v->domain, w.gfn);
	if (lk.type == P2M_INVALID || lk.type == P2M_MMIO)
		return NULL;
	if (write && (!lk.writable || frame_info(lk.mfn)->pt_refs))
		return NULL;
	guest_walk_set_ad(&w, write);
	shadow_prefill(v, va, write);
	return (char *)mfn_to_virt(lk.mfn) + (va & (PAGE_SIZE - 1));
}

/* The hypervisor address of guest va for an access, or NULL.  Inline: a
 * remembered translation (the common case) is a few compares. */
static inline void *ga_translate(struct vcpu *v, unsigned long va, bool write)
{
	struct shadow_domain *sd = sh_dom(v->domain);
	void *fast =
		sd && v == arch_current_vcpu() ? sh_xlate_find(sd, v->shadow, va, write) : NULL;

	return fast ? fast : ga_translate_miss(v, va, write);
}

/* Translate every page of [va, va+len) up front; -EFAULT if any fails. */
static int ga_map(struct vcpu *v, unsigned long va, size_t len, bool write, void **pages,
		  size_t *count)
{
	size_t n = 0;

	if (len == 0) {
		*count = 0;
		return 0;
	}
	if (va + len < va || !v || !v->shadow)
		return -XEN_EFAULT;
	for (unsigned long p = va; p < va + len; p = (p & PAGE_MASK) + PAGE_SIZE) {
		if (n == GA_MAX_PAGES || !(pages[n++] = ga_translate(v, p, write)))
			return -XEN_EFAULT;
		if ((p & PAGE_MASK) + PAGE_SIZE < p)
			break; /* last page of the address space */
	}
	*count = n;
	return 0;
}

/* len bytes from va stay in va's page (len > 0): one translation, no page list. */
static inline bool ga_one_page(unsigned long va, size_t len)
{
	return len - 1 < PAGE_SIZE - (va & (PAGE_SIZE - 1));
}

/* The page-list copies: spans of more than one page (out of line, so the
 * one-page copies below need no frame for the page list). */
static __attribute__((noinline)) int copy_from_pages(struct vcpu *v, void *dst, unsigned long va,
						     size_t len)
{
	void *pages[GA_MAX_PAGES];
	size_t n, done = 0;
	int rc = ga_map(v, va, len, false, pages, &n);

	for (size_t i = 0; !rc && i < n; i++) {
		size_t chunk = MIN(len - done, PAGE_SIZE - ((va + done) & (PAGE_SIZE - 1)));

		memcpy((char *)dst + done, pages[i], chunk);
		done += chunk;
	}
	return rc;
}

static __attribute__((noinline)) int copy_to_pages(struct vcpu *v, unsigned long va,
						   const void *src, size_t len)
{
	void *pages[GA_MAX_PAGES];
	size_t n, done = 0;
	int rc = ga_map(v, va, len, true, pages, &n);

	for (size_t i = 0; !rc && i < n; i++) {
		size_t chunk = MIN(len - done, PAGE_SIZE - ((va + done) & (PAGE_SIZE - 1)));

		memcpy(pages[i], (const char *)src + done, chunk);
		done += chunk;
	}
	return rc;
}

/* A small copy without the call to memcpy (ports, handles, counters, requests). */
static inline void ga_move(void *dst, const void *src, size_t len)
{
	if (len == 4)
		__builtin_memcpy(dst, src, 4);
	else if (len == 8)
		__builtin_memcpy(dst, src, 8);
	else if (len == 16) /* an mmu_update request: two moves */
		__builtin_memcpy(dst, src, 16);
	else
		memcpy(dst, src, len);
}

/* A move through v's loaded tables may do (asm/guest_read.h): v runs here in
 * guest kernel mode, va..va+len is the guest's, and CR3 holds the shadow of
 * v's kernel root.  (The root is compared, not assumed: a bounce from user
 * mode, say, has v in kernel mode with the user root still loaded.) */
static inline bool ga_direct(struct vcpu *v, unsigned long va, size_t len)
{
	const struct shadow_vcpu *sv = v->shadow;

	return v == arch_current_vcpu() && !sv->user_mode && arch_guest_va_ok(va, len) &&
	       arch_loaded_root() == sv->kroot_pa && sv->kroot_pa;
}

int copy_from_guest_vcpu(struct vcpu *v, void *dst, unsigned long va, size_t len)
{
	if (likely(ga_one_page(va, len) && v && v->shadow)) {
		const void *p;

		if (likely(ga_direct(v, va, len)) &&
		    likely(arch_copy_from_guest_direct(dst, va, len)))
			return 0;
		p = ga_translate(v, va, false);
		if (!p)
			return -XEN_EFAULT;
		ga_move(dst, p, len);
		return 0;
	}
	return copy_from_pages(v, dst, va, len);
}

/* read_guest_u32 by the software walk (out of line: the direct move needs no frame). */
static __attribute__((noinline)) long read_guest_u32_walk(struct vcpu *v, unsigned long va)
{
	uint32_t x;

	if (likely(ga_one_page(va, sizeof(x)) && v && v->shadow)) {
		const void *p = ga_translate(v, va, false);

		if (!p)
			return -XEN_EFAULT;
		__builtin_memcpy(&x, p, sizeof(x));
		return x;
	}
	return copy_from_pages(v, &x, va, sizeof(x)) ?: (long)x;
}

long read_guest_u32(struct vcpu *v, unsigned long va)
{
	/* The running vCPU in kernel mode: its own tables are loaded (asm/guest_read.h). */
	if (likely(v == arch_current_vcpu() && v->shadow && !v->shadow->user_mode &&
		   arch_guest_va_ok(va, sizeof(uint32_t)))) {
		long x = arch_read_guest_u32(va);

		if (likely(x >= 0))
			return x;
	}
	return read_guest_u32_walk(v, va);
}

int copy_to_guest_vcpu(struct vcpu *v, unsigned long va, const void *src, size_t len)
{
	if (likely(ga_one_page(va, len) && v && v->shadow)) {
		void *p;

		if (likely(ga_direct(v, va, len)) &&
		    likely(arch_copy_to_guest_direct(va, src, len)))
			return 0;
		p = ga_translate(v, va, true);
		if (!p)
			return -XEN_EFAULT;
		ga_move(p, src, len);
		return 0;
	}
	return copy_to_pages(v, va, src, len);
}

int write_guest_u32(struct vcpu *v, unsigned long va, uint32_t x)
{
	if (likely(ga_one_page(va, sizeof(x)) && v && v->shadow)) {
		void *p;

		if (likely(ga_direct(v, va, sizeof(x))) &&
		    likely(arch_copy_to_guest_direct(va, &x, sizeof(x))))
			return 0;
		p = ga_translate(v, va, true);
		if (!p)
			return -XEN_EFAULT;
		__builtin_memcpy(p, &x, sizeof(x));
		return 0;
	}
	return copy_to_pages(v, va, &x, sizeof(x));
}

bool guest_loaded_ok(struct vcpu *v, unsigned long va, size_t len)
{
	return ga_one_page(va, len) && v && v->shadow && ga_direct(v, va, len);
}

void *guest_map_small(struct vcpu *v, unsigned long va, size_t len, bool write)
{
	if (likely(len && ga_one_page(va, len) && v && v->shadow))
		return ga_translate(v, va, write);
	return NULL;
}

/*
 * Until the scheduler provides the real current_vcpu() (a strong
 * definition), there is no guest context and every copy fails cleanly.
 */
__attribute__((weak)) struct vcpu *current_vcpu(void)
{
	return NULL;
}

int copy_from_guest(void *dst, unsigned long guest_va, size_t len)
{
	return copy_from_guest_vcpu(current_vcpu(), dst, guest_va, len);
}

int copy_to_guest(unsigned long guest_va, const void *src, size_t len)
{
	return copy_to_guest_vcpu(current_vcpu(), guest_va, src, len);
}
