/*
 * dom0's domain builder: a PV domU from a kernel image, built from the
 * control domain the way Xen's libxc builds one.
 *
 * The hypervisor only offers primitives (public/domctl.h): an empty
 * paused domain, its vCPU count and memory limit, memory populated in its
 * own frame space, foreign mappings of those frames into dom0, a vCPU
 * context.  Everything else is done here, in dom0's address space:
 *
 *  1. parse and check the image (kernel/domain/elf.c, the very code the
 *     hypervisor's own builder uses) and compute the PV boot layout
 *     (kernel/domain/build_layout.c) before any domain exists -- a bad
 *     image or too little memory costs nothing;
 *  2. createdomain, name, max_vcpus, every vCPU's hard and soft affinity
 *     (cpus=, cpus_soft=: no vCPU ever runs outside its hard one, as libxl
 *     pins before unpausing),
 *     max_mem, populate_physmap of frames
 *     0..N-1 (a domU's frame i is its pseudo-physical page i, so its
 *     mfn_list is the identity);
 *  3. map the bootstrap region [v_start, v_end) through a fixed window of
 *     dom0 VA with foreign mmu_update, load the segments, write the p2m
 *     list, start_info (store and console pages and event channels, the
 *     shared_info frame the hypervisor names), and the bootstrap page
 *     tables; unmap the window again (a foreign mapping would keep the
 *     frames alive after the domain's death);
 *  4. the hypercall page (hypercall_init), vCPU 0's context (entry, boot
 *     stack, rsi = start_info, cr3 = the L4), the XenStore nodes;
 *  5. the services libxl connects: grant entries 0 (console) and 1
 *     (store) seeded for dom0 (XEN_DOMCTL_hospes_gnttab_seed, where libxc
 *     maps the grant table), the store introduced to xenstored, the
 *     console ring served by dom0's console backend, then the caller's
 *     devices (disk=, vif=); unpause.
 *
 * Any failure after createdomain destroys the domain, so a refused build
 * leaves no memory behind.  Not reentrant: one build at a time (the shell
 * runs one command at a time).
 */
#include "build.h"
#include <asm/hypercall.h>
#include <back/consback.h>
#include <dom0/xenstored/xenstored.h>
#include <hospes/build_layout.h>
#include <hospes/elf.h>
#include <mm/mm.h>
#include <public/domctl.h>
#include <public/errno.h>
#include <public/event_channel.h>
#include <public/grant_table.h>
#include <public/io/console.h>
#include <public/memory.h>
#include <stdio.h>
#include <string.h>
#include <xenbus/guest.h>
#include <xenbus/xenbus.h>

#define WINDOW_PAGES 4096   /* the largest bootstrap region we build: 16 MiB */
#define PTE_MAP	     0x63UL /* present, writable, accessed, dirty */
#define BATCH	     512

struct build {
	const struct dom_config *cfg;
	domid_t id;
	struct xen_elf_info info;
	struct pv_layout l;
	unsigned long win; /* dom0 VA of the domain's pfn 0 while mapped */
	unsigned long mapped;
	evtchn_port_t store_port, console_port;
};

static struct xen_domctl dc;

static long domctl(uint32_t cmd, domid_t dom)
{
	dc.cmd = cmd;
	dc.interface_version = XEN_DOMCTL_INTERFACE_VERSION;
	dc.domain = dom;
	return hypercall(__HYPERVISOR_domctl, &dc, 0, 0);
}

static void *frame_of(void *arg, unsigned long pfn)
{
	struct build *b = arg;
	return (void *)(b->win + pfn * PAGE_SIZE);
}

static unsigned long gfn_of(void *arg, unsigned long pfn)
{
	(void)arg;
	return pfn;
}

static int write_va(void *arg, uint64_t va, const void *src, size_t len)
{
	struct build *b = arg;
	if (va < b->l.v_start || va > b->l.v_end || len > b->l.v_end - va)
		return -XEN_EINVAL;
	void *dst = (uint8_t *)b->win + (va - b->l.v_start);
	if (src)
		memcpy(dst, src, len);
	else
		memset(dst, 0, len);
	return 0;
}

static void *va_ptr(struct build *b, uint64_t va)
{
	return (uint8_t *)b->win + (va - b->l.v_start);
}

static int fail(const char *name, const char *why, long rc)
{
	printf("create %s: %s (error %ld)\n", name, why, rc);
	return rc ? (int)rc : -XEN_EINVAL;
}

/* Step 1: nothing exists yet. */
static int check_image(struct build *b)
{
	const struct dom_config *c = b->cfg;
	if (!c->image || !c->memory_mib || !c->vcpus)
		return fail(c->name, "no image, memory or vCPUs", -XEN_EINVAL);
	int rc = xen_elf_parse(c->image, c->image_len, false, &b->info);
	if (rc)
		return fail(c->name, b->info.error ? b->info.error : "image refused", rc);
	struct pv_layout_req req = {.virt_base = b->info.virt_base,
				    .virt_kstart = b->info.virt_kstart,
				    .virt_kend = b->info.virt_kend,
				    .nr_pages = (unsigned long)c->memory_mib << (20 - PAGE_SHIFT)};
	rc = pv_layout_compute(&req, &b->l);
	if (rc)
		return fail(c->name, "image and boot data do not fit its memory", rc);
	if (pv_layout_pfn(&b->l, b->l.v_end) > WINDOW_PAGES)
		return fail(c->name, "boot region larger than the builder's window", -XEN_E2BIG);
	return 0;
}

static long populate(domid_t id, unsigned long nr)
{
	static xen_pfn_t frames[BATCH];
	struct xen_memory_reservation r = {.extent_order = 0, .domid = id};
	for (unsigned long done = 0; done < nr;) {
		unsigned long n = nr - done < BATCH ? nr - done : BATCH;
		for (unsigned long i = 0; i < n; i++)
			frames[i] = done + i;
		r.extent_start.p = frames;
		r.nr_extents = n;
		long rc = hypercall(__HYPERVISOR_memory_op, XENMEM_populate_physmap, &r, 0);
		if (rc != (long)n)
			return rc < 0 ? rc : -XEN_ENOMEM;
		done += n;
	}
	return 0;
}

/* A CPU mask as a xenctl_bitmap's 8 bytes. */
static void to_bitmap(uint64_t mask, uint8_t map[8])
{
	for (unsigned int i = 0; i < 8; i++)
		map[i] = (uint8_t)(mask >> (8 * i));
}

/* Every vCPU's hard and soft affinity (cfg->cpus, cfg->cpus_soft), while
 * none of them can run yet; *v: the vCPU refused. */
static long pin_vcpus(struct build *b, unsigned int *v)
{
	static uint8_t hard[8], soft[8];
	const struct dom_config *c = b->cfg;
	uint32_t flags =
		(c->cpus ? XEN_VCPUAFFINITY_HARD : 0) | (c->cpus_soft ? XEN_VCPUAFFINITY_SOFT : 0);
	to_bitmap(c->cpus, hard);
	to_bitmap(c->cpus_soft, soft);
	for (*v = 0; flags && *v < c->vcpus; (*v)++) {
		memset(&dc.u, 0, sizeof(dc.u));
		dc.u.vcpuaffinity.vcpu = *v;
		dc.u.vcpuaffinity.flags = flags;
		set_xen_guest_handle(dc.u.vcpuaffinity.cpumap_hard.bitmap, hard);
		dc.u.vcpuaffinity.cpumap_hard.nr_bits = 64;
		set_xen_guest_handle(dc.u.vcpuaffinity.cpumap_soft.bitmap, soft);
		dc.u.vcpuaffinity.cpumap_soft.nr_bits = 64;
		long rc = domctl(XEN_DOMCTL_setvcpuaffinity, b->id);
		if (rc)
			return rc;
	}
	return 0;
}

/* Step 2: the empty domain with its memory and its vCPUs' affinity. */
static int make_domain(struct build *b)
{
	const struct dom_config *c = b->cfg;
	memset(&dc.u, 0, sizeof(dc.u));
	long rc = domctl(XEN_DOMCTL_createdomain, 0);
	if (rc)
		return fail(c->name, "createdomain failed", rc);
	b->id = dc.domain;
	memset(&dc.u, 0, sizeof(dc.u));
	strncpy(dc.u.hospes_name.name, c->name, sizeof(dc.u.hospes_name.name) - 1);
	if ((rc = domctl(XEN_DOMCTL_hospes_setname, b->id)))
		return fail(c->name, "bad name", rc);
	dc.u.max_vcpus.max = c->vcpus;
	if ((rc = domctl(XEN_DOMCTL_max_vcpus, b->id)))
		return fail(c->name, "max_vcpus refused", rc);
	unsigned int v;
	if ((rc = pin_vcpus(b, &v))) {
		char why[64];
		snprintf(why, sizeof(why), "cpus= or cpus_soft= refused for vCPU %u", v);
		return fail(c->name, why, rc);
	}
	dc.u.max_mem.max_memkb = (uint64_t)c->memory_mib << 10;
	if ((rc = domctl(XEN_DOMCTL_max_mem, b->id)))
		return fail(c->name, "max_mem refused", rc);
	if ((rc = populate(b->id, b->l.nr_pages)))
		return fail(c->name, "not enough free memory", rc);
	return 0;
}

static int alloc_port(domid_t id, evtchn_port_t *port)
{
	struct evtchn_alloc_unbound a = {.dom = id, .remote_dom = 0};
	long rc = hv_event_channel_op(EVTCHNOP_alloc_unbound, &a);
	*port = a.port;
	return (int)rc;
}

static int fill_start_info(struct build *b)
{
	const struct pv_layout *l = &b->l;
	struct start_info *si = va_ptr(b, l->start_info);
	long rc = domctl(XEN_DOMCTL_getdomaininfo, b->id);
	if (rc)
		return (int)rc;
	uint64_t shared = dc.u.getdomaininfo.shared_info_frame;
	if ((rc = alloc_port(b->id, &b->store_port)) || (rc = alloc_port(b->id, &b->console_port)))
		return (int)rc;
	memset(si, 0, PAGE_SIZE);
	memcpy(si->magic, XEN_START_INFO_MAGIC, sizeof(XEN_START_INFO_MAGIC));
	si->nr_pages = l->nr_pages;
	si->shared_info = shared << PAGE_SHIFT;
	si->store_mfn = pv_layout_pfn(l, l->xenstore);
	si->store_evtchn = b->store_port;
	si->console.domU.mfn = pv_layout_pfn(l, l->console);
	si->console.domU.evtchn = b->console_port;
	/* The ring stays disconnected until the backend serves it. */
	struct xencons_interface *cons = va_ptr(b, l->console);
	memset(cons, 0, PAGE_SIZE);
	cons->connection = XENCONSOLE_DISCONNECTED;
	si->pt_base = l->pt_start;
	si->nr_pt_frames = l->nr_pt_frames;
	si->mfn_list = l->p2m_start;
	if (b->cfg->cmdline)
		strncpy((char *)si->cmd_line, b->cfg->cmdline, MAX_GUEST_CMDLINE - 1);
	return 0;
}

/* Step 3: the bootstrap region, written through the window. */
static int load(struct build *b)
{
	static unsigned long window;
	const char *name = b->cfg->name;
	if (!window)
		window = map_window_alloc(WINDOW_PAGES);
	b->win = window;
	unsigned long n = pv_layout_pfn(&b->l, b->l.v_end);
	long rc = map_foreign_pages(b->win, 0, n, PTE_MAP, b->id);
	b->mapped = n; /* unmap all: a partial map leaves the rest empty */
	if (rc)
		return fail(name, "mapping its frames failed", rc);
	if ((rc = xen_elf_load(b->cfg->image, b->cfg->image_len, &b->info, write_va, b)))
		return fail(name, "loading the image failed", rc);
	for (unsigned long i = 0; i < b->l.nr_pages; i++)
		((unsigned long *)va_ptr(b, b->l.p2m_start))[i] = i;
	if ((rc = fill_start_info(b)))
		return fail(name, "start_info: no shared_info or event channel", rc);
	pv_layout_write_tables(&b->l, frame_of, gfn_of, b);
	return 0;
}

static void unmap(struct build *b)
{
	if (b->mapped)
		unmap_pages(b->win, b->mapped);
	b->mapped = 0;
}

/* Step 4: hypercall page and vCPU 0. */
static int start_vcpu(struct build *b)
{
	static struct vcpu_guest_context ctx;
	const char *name = b->cfg->name;
	long rc;
	if (b->info.has_hypercall_page) {
		dc.u.hypercall_init.gmfn = pv_layout_pfn(&b->l, b->info.hypercall_page);
		if ((rc = domctl(XEN_DOMCTL_hypercall_init, b->id)))
			return fail(name, "hypercall page refused", rc);
	}
	memset(&ctx, 0, sizeof(ctx));
	ctx.flags = VGCF_in_kernel | VGCF_online;
	ctx.user_regs.rip = b->info.entry;
	ctx.user_regs.rsp = b->l.stack + PAGE_SIZE;
	ctx.user_regs.rsi = b->l.start_info;
	ctx.user_regs.rflags = 0x202;
	ctx.kernel_ss = FLAT_KERNEL_SS;
	ctx.kernel_sp = ctx.user_regs.rsp;
	ctx.ctrlreg[3] = xen_pfn_to_cr3(pv_layout_pfn(&b->l, b->l.pt_start));
	memset(&dc.u, 0, sizeof(dc.u));
	dc.u.vcpucontext.vcpu = 0;
	dc.u.vcpucontext.ctxt.p = &ctx;
	if ((rc = domctl(XEN_DOMCTL_setvcpucontext, b->id)))
		return fail(name, "vCPU 0 context refused", rc);
	return 0;
}

/*
 * The home directory as libxl makes it: owned by dom0 and readable by the
 * domain (the nodes written below inherit that), with data/ the domain's
 * own to write.
 */
static int home_dirs(struct xenbus *xb, const char *home, domid_t id)
{
	char perms[16], path[64];
	int len = snprintf(perms, sizeof(perms), "n0%cr%u", '\0', id) + 1;
	int rc = xenbus_mkdir(xb, 0, home);
	if (!rc)
		rc = xenbus_set_perms(xb, 0, home, perms, len);
	snprintf(path, sizeof(path), "%s/data", home);
	len = snprintf(perms, sizeof(perms), "n%u", id) + 1;
	if (!rc)
		rc = xenbus_mkdir(xb, 0, path);
	if (!rc)
		rc = xenbus_set_perms(xb, 0, path, perms, len);
	return rc;
}

/* The standard nodes under /local/domain/<id>; dom0 has no store yet: skipped. */
static void write_nodes(struct build *b)
{
	struct xenbus *xb = xenbus_self();
	char dir[48], val[sizeof(dir) + sizeof("/name")];
	if (!xb)
		return;
	snprintf(dir, sizeof(dir), "/local/domain/%u", b->id);
	int rc = home_dirs(xb, dir, b->id);
	if (!rc)
		rc = xenbus_write_ulong(xb, 0, dir, "domid", b->id);
	if (!rc)
		rc = xenbus_write_ulong(xb, 0, dir, "memory/target",
					(unsigned long)b->cfg->memory_mib << 10);
	if (!rc)
		rc = xenbus_write_ulong(xb, 0, dir, "store/port", b->store_port);
	if (!rc)
		rc = xenbus_write_ulong(xb, 0, dir, "console/port", b->console_port);
	if (!rc)
		rc = xenbus_write_ulong(xb, 0, dir, "console/ring-mfn",
					pv_layout_pfn(&b->l, b->l.console));
	snprintf(val, sizeof(val), "%s/name", dir);
	if (!rc)
		rc = xenbus_write(xb, 0, val, b->cfg->name);
	if (rc)
		printf("create %s: XenStore nodes not written (error %d)\n", b->cfg->name, rc);
}

static long seed(struct build *b, uint32_t ref, uint64_t va)
{
	memset(&dc.u, 0, sizeof(dc.u));
	dc.u.hospes_gnttab_seed.ref = ref;
	dc.u.hospes_gnttab_seed.grantee = 0;
	dc.u.hospes_gnttab_seed.gfn = pv_layout_pfn(&b->l, va);
	return domctl(XEN_DOMCTL_hospes_gnttab_seed, b->id);
}

/* Step 5: grants, store, console, devices. */
static int connect_services(struct build *b)
{
	const char *name = b->cfg->name;
	long rc;
	if ((rc = seed(b, GNTTAB_RESERVED_CONSOLE, b->l.console)) ||
	    (rc = seed(b, GNTTAB_RESERVED_XENSTORE, b->l.xenstore)))
		return fail(name, "grant entries not seeded", rc);
	/* No xenstored (it failed to start): the domain runs without a store. */
	rc = xs_introduce_domain(b->id, pv_layout_pfn(&b->l, b->l.xenstore), b->store_port);
	if (rc && rc != -XEN_ENODEV)
		return fail(name, "xenstored refused its store", rc);
	if ((rc = console_back_attach(b->id, pv_layout_pfn(&b->l, b->l.console), b->console_port)))
		return fail(name, "console backend refused its ring", rc);
	if (b->cfg->devices && (rc = b->cfg->devices(b->id, b->cfg->devices_arg)))
		return (int)rc;
	return 0;
}

void dom_unbuild(domid_t id)
{
	console_back_detach(id);
	xs_release_domain(id);
}

int dom_build(const struct dom_config *cfg, domid_t *out)
{
	static struct build b;
	memset(&b, 0, sizeof(b));
	b.cfg = cfg;
	int rc = check_image(&b);
	if (rc)
		return rc;
	rc = make_domain(&b);
	if (!rc)
		rc = load(&b);
	unmap(&b);
	if (!rc)
		rc = start_vcpu(&b);
	if (!rc) {
		write_nodes(&b);
		rc = connect_services(&b);
	}
	if (!rc && (rc = (int)domctl(XEN_DOMCTL_unpausedomain, b.id)))
		fail(cfg->name, "unpause failed", rc);
	if (rc) {
		if (b.id)
			dom_unbuild(b.id);
		if (b.id && domctl(XEN_DOMCTL_destroydomain, b.id))
			printf("create %s: destroying domain %u failed\n", cfg->name, b.id);
		return rc;
	}
	*out = b.id;
	return 0;
}
