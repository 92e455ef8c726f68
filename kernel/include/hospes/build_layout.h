/*
 * The PV boot layout: where the domain builder puts each piece of a new
 * PV domain inside its bootstrap mapping (xen-pv-abi.md section 3.3), and
 * the bootstrap page tables that map it.  Pure arithmetic, host-tested.
 */
#ifndef HOSPES_BUILD_LAYOUT_H
#define HOSPES_BUILD_LAYOUT_H

#include <hospes/types.h>

struct pv_layout_req {
	uint64_t virt_base;   /* VA of pseudo-physical frame 0 */
	uint64_t virt_kstart; /* image [kstart, kend), from the ELF loader */
	uint64_t virt_kend;
	uint64_t mod_len;	/* bytes of the module mapped after the image (0 = none) */
	unsigned long nr_pages; /* the domain's memory in pages */
	bool dom0;		/* dom0 gets no xenstore/console pages */
};

/* Every address is a guest VA in [v_start, v_end); 0 = element absent. */
struct pv_layout {
	uint64_t v_start, v_end;
	uint64_t mod_start;
	uint64_t p2m_start;
	unsigned long p2m_pages;
	uint64_t start_info;
	uint64_t xenstore;
	uint64_t console;
	uint64_t pt_start; /* the L4 is the first frame */
	unsigned long nr_pt_frames;
	uint64_t stack; /* boot stack page; rsp = stack + PAGE_SIZE */
	unsigned long nr_pages;
};

#define PV_LAYOUT_SLACK (512UL << 10) /* mapped spare bytes after the stack */
#define PV_LAYOUT_ALIGN (4UL << 20)   /* v_end alignment */

/* 0, or -XEN_EINVAL (bad addresses) / -XEN_ENOMEM (nr_pages too small). */
int pv_layout_compute(const struct pv_layout_req *req, struct pv_layout *out);

static inline unsigned long pv_layout_pfn(const struct pv_layout *l, uint64_t va)
{
	return (unsigned long)((va - l->v_start) >> PAGE_SHIFT);
}

/*
 * Write the bootstrap page tables into the frames [pt_start, +nr_pt_frames).
 * frame(ctx, pfn) returns the hypervisor mapping of a guest frame; mfn(ctx,
 * pfn) the frame number the guest's PTEs must hold for it (its p2m entry).
 */
typedef void *(*pv_frame_fn)(void *ctx, unsigned long pfn);
typedef unsigned long (*pv_mfn_fn)(void *ctx, unsigned long pfn);
void pv_layout_write_tables(const struct pv_layout *l, pv_frame_fn frame, pv_mfn_fn mfn, void *ctx);

#endif
