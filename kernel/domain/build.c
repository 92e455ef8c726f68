/*
 * The PV domain builder: from an ELF image to a vCPU ready to enter it.
 *
 * Order of work, all before the domain first runs:
 *  1. parse and check the image (kernel/domain/elf.c) -- nothing is
 *     touched if it is refused;
 *  2. compute the bootstrap layout (kernel/domain/build_layout.c) and check
 *     it fits the domain's memory;
 *  3. copy the segments, the module, the p2m list (mfn_list), start_info,
 *     the bootstrap page tables and the hypercall page into the domain's
 *     own frames, reached through its p2m and the direct map;
 *  4. set vCPU 0's registers as section 3.5 of the fact sheet says (rip =
 *     entry, rsp = top of the boot stack, rsi = start_info, events masked,
 *     guest kernel mode) and its page-table roots through the shadow code.
 *
 * Frame naming: pfn i of the bootstrap region is the domain's i-th RAM
 * frame; the number the guest sees for it (its "mfn", in mfn_list and in
 * its PTEs) is p2m_ram_frame(d, i).  shared_info is a hypervisor page the
 * guest reaches through a frame number in its p2m window (p2m_add_shared).
 *
 * Modules: one initrd (module) or a SIF_MULTIBOOT_MOD package written
 * piece by piece (pieces, see hospes/modpack.h) is start_info.mod_start/
 * mod_len, mapped after the image (Xen's way).
 */
#include <hospes/elf.h>
#include <hospes/event.h>
#include <hospes/grant.h>
#include <hospes/lib.h>
#include <hospes/mm.h>
#include <hospes/p2m.h>
#include <hospes/pv.h>
#include <hospes/pv_build.h>
#include <hospes/shadow.h>
#include <public/errno.h>
#include <public/xen.h>

struct build_ctx {
	struct domain *d;
	const struct pv_layout *l;
};

static void *frame_of(void *arg, unsigned long pfn)
{
	struct build_ctx *c = arg;
	struct p2m_lookup lk = p2m_lookup(c->d, p2m_ram_frame(c->d, pfn));
	ASSERT(lk.type == P2M_RAM);
	return mfn_to_virt(lk.mfn);
}

static unsigned long gfn_of(void *arg, unsigned long pfn)
{
	struct build_ctx *c = arg;
	return gfn_x(p2m_ram_frame(c->d, pfn));
}

static void *va_ptr(struct build_ctx *c, uint64_t va)
{
	return (uint8_t *)frame_of(c, pv_layout_pfn(c->l, va)) + (va & (PAGE_SIZE - 1));
}

/* Copy (or zero) len bytes to guest VA va, page by page. */
static int write_va(void *arg, uint64_t va, const void *src, size_t len)
{
	struct build_ctx *c = arg;
	const uint8_t *s = src;
	while (len) {
		size_t n = MIN(len, PAGE_SIZE - (va & (PAGE_SIZE - 1)));
		if (va < c->l->v_start || va + n > c->l->v_end)
			return -XEN_EINVAL;
		if (s) {
			memcpy(va_ptr(c, va), s, n);
			s += n;
		} else {
			memset(va_ptr(c, va), 0, n);
		}
		va += n;
		len -= n;
	}
	return 0;
}

void hypercall_page_fill(uint8_t *page)
{
	static const uint8_t stub[] = {0x51, 0x41, 0x53, 0xb8, 0,    0,	   0,
				       0,    0x0f, 0x05, 0x41, 0x5b, 0x59, 0xc3};
	static const uint8_t iret[] = {0x51, 0x41, 0x53, 0x50, 0xb8, 23, 0, 0, 0, 0x0f, 0x05};
	memset(page, 0xcc, PAGE_SIZE);
	for (unsigned int i = 0; i < PAGE_SIZE / 32; i++) {
		uint8_t *e = page + i * 32;
		if (i == __HYPERVISOR_iret) {
			memcpy(e, iret, sizeof(iret));
			continue;
		}
		memcpy(e, stub, sizeof(stub));
		e[4] = (uint8_t)i; /* mov $i, %eax */
	}
}

int hypercall_page_write(struct domain *d, uint64_t gfn)
{
	if (gfn >= p2m_size(d))
		return -XEN_EINVAL;
	struct p2m_lookup lk = p2m_lookup(d, _gfn((unsigned long)gfn));
	if (lk.type != P2M_RAM || !lk.writable || frame_info(lk.mfn)->owner != d->id ||
	    frame_info(lk.mfn)->pt_refs)
		return -XEN_EINVAL;
	hypercall_page_fill(mfn_to_virt(lk.mfn));
	return 0;
}

static int fill_start_info(struct build_ctx *c, const struct pv_build_args *a)
{
	const struct pv_layout *l = c->l;
	struct domain *d = c->d;
	struct start_info *si = va_ptr(c, l->start_info);
	gfn_t shared = domain_shared_info_gfn(d);
	if (gfn_eq(shared, INVALID_GFN))
		return -XEN_ENOMEM;
	memset(si, 0, PAGE_SIZE);
	memcpy(si->magic, XEN_START_INFO_MAGIC, sizeof(XEN_START_INFO_MAGIC));
	si->nr_pages = l->nr_pages;
	si->shared_info = gfn_x(shared) << PAGE_SHIFT;
	si->flags = d->is_privileged ? SIF_PRIVILEGED | SIF_INITDOMAIN : 0;
	if (l->xenstore) {
		si->store_mfn = gfn_of(c, pv_layout_pfn(l, l->xenstore));
		si->console.domU.mfn = gfn_of(c, pv_layout_pfn(l, l->console));
		/* Refs 0 and 1 let the backends in the driver domain map the rings by grant. */
		int rc = gnttab_seed_entry(d, GNTTAB_RESERVED_CONSOLE, 0, si->console.domU.mfn);
		if (!rc)
			rc = gnttab_seed_entry(d, GNTTAB_RESERVED_XENSTORE, 0, si->store_mfn);
		/* The store channel: a port of the domain that dom0's xenstored binds. */
		struct evtchn_alloc_unbound store = {.dom = DOMID_SELF, .remote_dom = 0};
		if (!rc)
			rc = evtchn_alloc_unbound(d, &store);
		if (rc)
			return rc;
		si->store_evtchn = store.port;
	}
	si->pt_base = l->pt_start;
	si->nr_pt_frames = l->nr_pt_frames;
	si->mfn_list = l->p2m_start;
	si->mod_start = l->mod_start;
	si->mod_len = l->mod_start ? a->module_size : 0;
	if (l->mod_start && a->nr_pieces)
		si->flags |= SIF_MULTIBOOT_MOD;
	if (a->cmdline)
		memcpy(si->cmd_line, a->cmdline, strnlen(a->cmdline, MAX_GUEST_CMDLINE - 1));
	if (d->is_privileged)
		si->first_p2m_pfn = l->nr_pages; /* as Xen's dom0 builder: no relocated p2m */
	if (a->vga && d->is_privileged && !l->xenstore) {
		/* Xen's place: the same page, right after start_info. */
		uint32_t off = ALIGN_UP((uint32_t)sizeof(*si), 8);
		memcpy((uint8_t *)si + off, a->vga, sizeof(*a->vga));
		si->console.dom0.info_off = off;
		si->console.dom0.info_size = sizeof(*a->vga);
	}
	return 0;
}

static void fill_p2m_list(struct build_ctx *c)
{
	for (unsigned long i = 0; i < c->l->nr_pages; i++) {
		uint64_t va = c->l->p2m_start + i * sizeof(unsigned long);
		*(unsigned long *)va_ptr(c, va) = gfn_of(c, i);
	}
}

static int setup_vcpu0(struct build_ctx *c, const struct xen_elf_info *info)
{
	struct vcpu *v = c->d->vcpu[0];
	struct arch_vcpu *av = v->arch;
	int rc = shadow_set_roots(v, _gfn(gfn_of(c, pv_layout_pfn(c->l, c->l->pt_start))),
				  INVALID_GFN);
	if (rc)
		return rc;
	memset(&av->regs, 0, sizeof(av->regs));
	av->regs.rip = info->entry;
	av->regs.rsp = c->l->stack + PAGE_SIZE;
	av->regs.rsi = c->l->start_info;
	av->regs.cs = FLAT_KERNEL_CS;
	av->regs.ss = FLAT_KERNEL_SS;
	av->regs.rflags = 0x202;
	av->kernel_ss = FLAT_KERNEL_SS;
	av->kernel_sp = av->regs.rsp;
	av->debugreg[6] = 0xffff0ff0UL;
	av->debugreg[7] = 0x400UL;
	av->kernel_mode = true;
	av->initialised = true;
	v->online = true;
	return 0;
}

static int build_refuse(struct domain *d, const char *why, int rc)
{
	printk(LOG_ERR "d%u: cannot build: %s\n", d->id, why);
	return rc;
}

int pv_build(struct domain *d, const struct pv_build_args *a, struct pv_layout *l)
{
	struct xen_elf_info info;
	int rc = xen_elf_parse(a->image, a->image_size, d->is_privileged, &info);
	if (rc)
		return build_refuse(d, info.error, rc);
	struct pv_layout_req req = {.virt_base = info.virt_base,
				    .virt_kstart = info.virt_kstart,
				    .virt_kend = info.virt_kend,
				    .mod_len = a->module || a->nr_pieces ? a->module_size : 0,
				    .nr_pages = d->tot_pages,
				    .dom0 = d->is_privileged};
	rc = pv_layout_compute(&req, l);
	if (rc)
		return build_refuse(d, "image and boot data do not fit its memory", rc);
	struct build_ctx c = {.d = d, .l = l};
	for (unsigned long pfn = 0; pfn < pv_layout_pfn(l, l->v_end); pfn++)
		memset(frame_of(&c, pfn), 0, PAGE_SIZE);
	rc = xen_elf_load(a->image, a->image_size, &info, write_va, &c);
	if (!rc && l->mod_start && a->module)
		rc = write_va(&c, l->mod_start, a->module, a->module_size);
	for (unsigned int i = 0; !rc && l->mod_start && i < a->nr_pieces; i++)
		rc = write_va(&c, l->mod_start + a->pieces[i].offset, a->pieces[i].data,
			      a->pieces[i].len);
	if (!rc)
		rc = fill_start_info(&c, a);
	if (rc)
		return build_refuse(d, "copying the image failed", rc);
	fill_p2m_list(&c);
	pv_layout_write_tables(l, frame_of, gfn_of, &c);
	if (info.has_hypercall_page)
		hypercall_page_fill(va_ptr(&c, info.hypercall_page));
	rc = setup_vcpu0(&c, &info);
	if (rc)
		return build_refuse(d, "the bootstrap page tables were refused", rc);
	printk(LOG_INFO "d%u: built %s: entry %#lx, %lu pages, start_info %#lx\n", d->id,
	       info.guest_os[0] ? info.guest_os : "kernel", (unsigned long)info.entry, l->nr_pages,
	       (unsigned long)l->start_info);
	return 0;
}
