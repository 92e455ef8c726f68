/*
 * The privileged interface from inside a guest.  As a domU, every
 * toolstack operation (domctl, sysctl, memory_op and mmu_update on another
 * domain) is refused with -EPERM.  As dom0 the toolstack path runs for
 * real on the real MMU: create a domain, give it memory, map one of its
 * frames over a page of our own with mmu_update(foreigndom), write through
 * the mapping, put our page back, destroy the domain, and find the
 * machine's free memory exactly where it was.
 */
#include "../lib/tg.h"
#include <public/domctl.h>
#include <public/errno.h>
#include <public/memory.h>
#include <public/physdev.h>
#include <public/sysctl.h>

void test_privileged(void);

#define M2P	  ((const unsigned long *)0xffff800000000000UL)
#define PTE_ADDR  0x000ffffffffff000UL
#define PTE_FLAGS 0x63UL /* P, RW, A, D */

static struct xen_domctl dc;
static struct xen_sysctl sc;
static uint8_t page_a[4096] __attribute__((aligned(4096)));
static char logbuf[128];

static long domctl(uint32_t cmd, domid_t dom)
{
	dc.cmd = cmd;
	dc.interface_version = XEN_DOMCTL_INTERFACE_VERSION;
	dc.domain = dom;
	return hypercall(__HYPERVISOR_domctl, (unsigned long)&dc, 0, 0, 0, 0);
}

static long sysctl(uint32_t cmd)
{
	sc.cmd = cmd;
	sc.interface_version = XEN_SYSCTL_INTERFACE_VERSION;
	return hypercall(__HYPERVISOR_sysctl, (unsigned long)&sc, 0, 0, 0, 0);
}

static long populate(domid_t dom, xen_pfn_t *frames, unsigned long n)
{
	static struct xen_memory_reservation r;

	r.extent_start.p = frames;
	r.nr_extents = n;
	r.extent_order = 0;
	r.domid = dom;
	return hypercall(__HYPERVISOR_memory_op, XENMEM_populate_physmap, (unsigned long)&r, 0, 0,
			 0);
}

/* Machine address of the L1 entry mapping va (the boot tables use 4 KiB pages). */
static unsigned long pte_maddr(const void *va)
{
	const uint64_t *t = (const uint64_t *)tg_start_info->pt_base;
	unsigned long a = (unsigned long)va;

	for (int shift = 39; shift > 12; shift -= 9)
		t = (const uint64_t *)(M2P[(t[(a >> shift) & 511] & PTE_ADDR) >> 12] << 12);
	return (tg_mfn_of(t) << 12) + ((a >> 12) & 511) * 8;
}

static long mmu_update(unsigned long ptr, uint64_t val, domid_t fd)
{
	static struct mmu_update u;
	static struct mmuext_op op;

	u.ptr = ptr;
	u.val = val;
	long rc = hypercall(__HYPERVISOR_mmu_update, (unsigned long)&u, 1, 0, fd, 0);
	op.cmd = MMUEXT_INVLPG_LOCAL;
	op.arg1.linear_addr = (unsigned long)page_a;
	hypercall(__HYPERVISOR_mmuext_op, (unsigned long)&op, 1, 0, DOMID_SELF, 0);
	return rc;
}

static void domu_refused(void)
{
	static const uint32_t cmds[] = {XEN_DOMCTL_createdomain,   XEN_DOMCTL_destroydomain,
					XEN_DOMCTL_pausedomain,	   XEN_DOMCTL_unpausedomain,
					XEN_DOMCTL_getdomaininfo,  XEN_DOMCTL_max_mem,
					XEN_DOMCTL_setvcpucontext, XEN_DOMCTL_getvcpucontext,
					XEN_DOMCTL_max_vcpus,	   XEN_DOMCTL_hypercall_init};
	static xen_pfn_t frame;
	bool all = true;

	for (unsigned int i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		all = all && domctl(cmds[i], 0) == -XEN_EPERM;
	tg_check(all, "domU: every domctl command is refused with -EPERM");
	tg_expect(sysctl(XEN_SYSCTL_physinfo), -XEN_EPERM, "domU: sysctl physinfo -EPERM");
	tg_expect(sysctl(XEN_SYSCTL_readconsole), -XEN_EPERM, "domU: sysctl readconsole -EPERM");
	tg_expect(sysctl(XEN_SYSCTL_getdomaininfolist), -XEN_EPERM,
		  "domU: sysctl getdomaininfolist -EPERM");
	tg_expect(populate(0, &frame, 1), -XEN_EPERM, "domU: populate_physmap for dom0 -EPERM");
	tg_expect(mmu_update(pte_maddr(page_a), (1UL << 12) | PTE_FLAGS, 0), -XEN_EPERM,
		  "domU: mmu_update with foreigndom -EPERM");
	tg_expect(page_a[0], 0, "domU: its page is untouched");
	static struct physdev_set_iopl iopl = {.iopl = 1};
	static struct physdev_map_pirq mp = {
		.domid = DOMID_SELF, .type = MAP_PIRQ_TYPE_GSI, .index = 5, .pirq = 5};
	tg_expect(hypercall(__HYPERVISOR_physdev_op, PHYSDEVOP_set_iopl, (unsigned long)&iopl, 0, 0,
			    0),
		  -XEN_EPERM, "domU: physdev set_iopl -EPERM");
	tg_expect(
		hypercall(__HYPERVISOR_physdev_op, PHYSDEVOP_map_pirq, (unsigned long)&mp, 0, 0, 0),
		-XEN_EPERM, "domU: physdev map_pirq -EPERM");
	tg_expect(mmu_update(pte_maddr(page_a), (0xb8UL << 12) | PTE_FLAGS, DOMID_IO), -XEN_EPERM,
		  "domU: mmu_update of device memory (DOMID_IO) -EPERM");
}

static inline uint32_t inl(uint16_t port)
{
	uint32_t v;
	__asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline void outl(uint16_t port, uint32_t v)
{
	__asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

/* Port I/O after set_iopl, device memory through DOMID_IO, the hypervisor's devices refused. */
static void dom0_devices(void)
{
	static struct physdev_set_iopl iopl = {.iopl = 1};
	unsigned long ptr = pte_maddr(page_a);
	uint64_t pte = (tg_mfn_of(page_a) << 12) | PTE_FLAGS;

	tg_expect(hypercall(__HYPERVISOR_physdev_op, PHYSDEVOP_set_iopl, (unsigned long)&iopl, 0, 0,
			    0),
		  0, "dom0: physdev set_iopl 1");
	outl(0xcf8, 0x80000000U); /* PCI config address of 00:00.0, register 0 */
	tg_expect(inl(0xcf8), 0x80000000L, "dom0: in/out reach the PCI address port");
	tg_check((inl(0xcfc) & 0xffff) == 0x8086, "dom0: host bridge vendor is Intel (QEMU)");
	outl(0xcf8, 0);
	tg_expect(mmu_update(ptr, (0xfee00UL << 12) | PTE_FLAGS | 0x18, DOMID_IO), -XEN_EINVAL,
		  "dom0: the LAPIC page is refused");
	tg_expect(mmu_update(ptr, (0xfec00UL << 12) | PTE_FLAGS | 0x18, DOMID_IO), -XEN_EINVAL,
		  "dom0: the IOAPIC page is refused");
	tg_expect(mmu_update(ptr, (0xb8UL << 12) | PTE_FLAGS | 0x18, DOMID_IO), 0,
		  "dom0: VGA text memory maps through DOMID_IO");
	volatile uint8_t *vga = page_a;
	vga[4000] = 'H';
	vga[4001] = 0x07;
	tg_expect(vga[4000], 'H', "dom0: and reads back what was written");
	tg_expect(mmu_update(ptr, pte, DOMID_SELF), 0, "dom0: our own page back after VGA");
	tg_expect(page_a[0], 0x11, "dom0: with its contents");
}

static void dom0_readconsole(void)
{
	sc.u.readconsole.buffer.p = logbuf;
	sc.u.readconsole.count = sizeof(logbuf);
	sc.u.readconsole.incremental = 0;
	sc.u.readconsole.clear = 0;
	tg_expect(sysctl(XEN_SYSCTL_readconsole), 0, "dom0: sysctl readconsole");
	tg_check(sc.u.readconsole.count == sizeof(logbuf), "dom0: the log ring has bytes");
	tg_expect(hypercall(__HYPERVISOR_sysctl, 0x800000000000UL, 0, 0, 0, 0), -XEN_EFAULT,
		  "dom0: sysctl with a bad pointer");
}

static uint64_t free_pages(void)
{
	return sysctl(XEN_SYSCTL_physinfo) ? 0 : sc.u.physinfo.free_pages;
}

static void dom0_build_and_destroy(void)
{
	static xen_pfn_t frames[16];
	uint64_t before = free_pages(), pte;
	unsigned long ptr = pte_maddr(page_a);
	domid_t id;

	page_a[0] = 0x11;
	pte = (tg_mfn_of(page_a) << 12) | PTE_FLAGS;
	tg_expect(domctl(XEN_DOMCTL_createdomain, 0), 0, "dom0: createdomain");
	id = dc.domain;
	tg_check(id != 0 && id < DOMID_FIRST_RESERVED, "dom0: the new domain has an id");
	dc.u.max_vcpus.max = 0;
	tg_expect(domctl(XEN_DOMCTL_max_vcpus, id), -XEN_EINVAL, "dom0: max_vcpus 0 is refused");
	dc.u.max_vcpus.max = 1;
	tg_expect(domctl(XEN_DOMCTL_max_vcpus, id), 0, "dom0: max_vcpus 1");
	dc.u.max_mem.max_memkb = 16 * 4;
	tg_expect(domctl(XEN_DOMCTL_max_mem, id), 0, "dom0: max_mem 64 KiB");
	for (unsigned int i = 0; i < 16; i++)
		frames[i] = i;
	tg_expect(populate(id, frames, 16), 16, "dom0: populate_physmap of its 16 frames");
	tg_expect(domctl(XEN_DOMCTL_getdomaininfo, id), 0, "dom0: getdomaininfo");
	tg_check(dc.domain == id && dc.u.getdomaininfo.tot_pages == 16 &&
			 (dc.u.getdomaininfo.flags & XEN_DOMINF_paused),
		 "dom0: it owns 16 pages and is paused");
	tg_expect(mmu_update(ptr, (3UL << 12) | PTE_FLAGS, id), 0,
		  "dom0: mmu_update maps its frame 3 over a page of ours");
	tg_expect(page_a[0], 0, "dom0: we see its (zeroed) frame");
	page_a[0] = 0x5a;
	dc.u.hypercall_init.gmfn = 3;
	tg_expect(domctl(XEN_DOMCTL_hypercall_init, id), 0, "dom0: hypercall_init into frame 3");
	tg_expect(page_a[32 + 4], 1, "dom0: its hypercall page shows through our mapping");
	tg_expect(mmu_update(ptr, (99UL << 12) | PTE_FLAGS, id), -XEN_EINVAL,
		  "dom0: mapping a frame it does not have is refused");
	tg_expect(mmu_update(ptr, pte, DOMID_SELF), 0, "dom0: our own page back");
	tg_expect(page_a[0], 0x11, "dom0: and its contents");
	tg_expect(domctl(XEN_DOMCTL_destroydomain, id), 0, "dom0: destroydomain");
	tg_expect(domctl(XEN_DOMCTL_getdomaininfo, id) == 0 && dc.domain == id, 0,
		  "dom0: the domain is gone");
	tg_expect((long)(free_pages() - before), 0, "dom0: free memory is back exactly");
	tg_expect(domctl(XEN_DOMCTL_pausedomain, 0), -XEN_EINVAL, "dom0: pausing itself refused");
	dc.interface_version = 1;
	tg_expect(hypercall(__HYPERVISOR_domctl, (unsigned long)&dc, 0, 0, 0, 0), -XEN_EACCES,
		  "dom0: a wrong interface version gets -EACCES");
}

void test_privileged(void)
{
	if (!(tg_start_info->flags & SIF_INITDOMAIN)) {
		domu_refused();
		return;
	}
	dom0_readconsole();
	dom0_build_and_destroy();
	dom0_devices();
}
