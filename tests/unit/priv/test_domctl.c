/*
 * Host tests of domctl, sysctl and the foreign forms of memory_op and
 * mmu_update: dom0's toolstack builds a domain step by step (create,
 * max_vcpus, max_mem, populate, map and load, hypercall page, vCPU
 * context, unpause), inspects, pauses and destroys it; free memory comes
 * back exactly; every malformed request and every unprivileged caller
 * gets its error code and changes nothing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <public/xen.h>
#include <hospes/arch.h>
#include <hospes/domain_ctl.h>
#include <hospes/event.h>
#include <hospes/frame.h>
#include <hospes/grant.h>
#include <hospes/hypercall.h>
#include <hospes/log_ring.h>
#include <hospes/mm.h>
#include <hospes/p2m.h>
#include <hospes/pv.h>
#include <hospes/pv_mmu.h>
#include <hospes/sched.h>
#include <hospes/shadow.h>
#include <public/errno.h>
#include <public/grant_table.h>
#include <public/memory.h>
#include "env.h"

#define CTX_VA	GVA + 0x1000
#define RES_VA	GVA + 0x4000
#define LIST_VA GVA + 0x5000
#define MMU_VA	GVA + 0x6000
#define BUF_VA	GVA + 0x8000
#define PTE_RWP 3UL

static int setup(void **state)
{
	env_setup();
	return 0;
}

static int teardown(void **state)
{
	env_teardown();
	return 0;
}

static domid_t create(void)
{
	struct xen_domctl op = {.cmd = XEN_DOMCTL_createdomain};

	assert_int_equal(domctl(v0, &op), 0);
	assert_true(op.domain != 0);
	return op.domain;
}

static void info(domid_t id, struct xen_domctl_getdomaininfo *out)
{
	struct xen_domctl op = {.cmd = XEN_DOMCTL_getdomaininfo, .domain = id};

	assert_int_equal(domctl(v0, &op), 0);
	assert_int_equal(op.domain, id);
	*out = op.u.getdomaininfo;
}

static long max_mem(struct vcpu *v, domid_t id, uint64_t kb)
{
	struct xen_domctl op = {.cmd = XEN_DOMCTL_max_mem, .domain = id};

	op.u.max_mem.max_memkb = kb;
	return domctl(v, &op);
}

static long max_vcpus(domid_t id, uint32_t n)
{
	struct xen_domctl op = {.cmd = XEN_DOMCTL_max_vcpus, .domain = id};

	op.u.max_vcpus.max = n;
	return domctl(v0, &op);
}

/* memory_op(populate_physmap) of gfns first..first+n-1 for domain id; extents done. */
static long populate(struct vcpu *v, domid_t id, unsigned long first, unsigned long n)
{
	struct xen_memory_reservation r = {.nr_extents = n, .extent_order = 0, .domid = id};
	xen_pfn_t *list = gptr(LIST_VA);

	r.extent_start.p = (xen_pfn_t *)(LIST_VA);
	for (unsigned long i = 0; i < n; i++)
		list[i] = first + i;
	memcpy(gptr(RES_VA), &r, sizeof(r));
	return do_memory_op(v, XENMEM_populate_physmap, RES_VA, 0, 0, 0);
}

/* mmu_update: entry idx of dom0's frame `table` becomes val, foreigndom fd. */
static long map_foreign(struct vcpu *v, gfn_t table, unsigned int idx, uint64_t val, domid_t fd)
{
	struct mmu_update u = {(gfn_x(table) << PAGE_SHIFT) + idx * 8, val};

	memcpy(gptr(MMU_VA), &u, sizeof(u));
	return do_mmu_update(v, MMU_VA, 1, 0, fd, 0);
}

static uint64_t *frame_of(struct domain *d, unsigned long gfn)
{
	struct p2m_lookup lk = p2m_lookup(d, _gfn(gfn));

	assert_int_equal(lk.type, P2M_RAM);
	return mfn_to_virt(lk.mfn);
}

/* A minimal context: kernel L4 at gfn 0 (empty, hence valid), entry point, online. */
static void put_context(unsigned long l4_gfn)
{
	struct vcpu_guest_context *c = gptr(CTX_VA);

	memset(c, 0, sizeof(*c));
	c->flags = VGCF_in_kernel | VGCF_online;
	c->user_regs.rip = 0xffffffff80001000UL;
	c->user_regs.rsp = 0xffffffff80400000UL;
	c->user_regs.rsi = 0xffffffff80003000UL;
	c->kernel_ss = FLAT_KERNEL_SS;
	c->kernel_sp = 0xffffffff80400000UL;
	c->ctrlreg[3] = l4_gfn << PAGE_SHIFT;
	c->event_callback_eip = 0xffffffff80002000UL;
}

static long vcpu_context(uint32_t cmd, domid_t id, uint32_t vcpu)
{
	struct xen_domctl op = {.cmd = cmd, .domain = id};

	op.u.vcpucontext.vcpu = vcpu;
	op.u.vcpucontext.ctxt.p = (struct vcpu_guest_context *)(CTX_VA);
	return domctl(v0, &op);
}

static void test_build_cycle(void **state)
{
	unsigned long before = frame_free_count();
	struct xen_domctl_getdomaininfo di;
	domid_t id = create();
	struct domain *d = domain_lookup(id);
	gfn_t table = p2m_ram_frame(dom0, 100), mapped;

	assert_non_null(d);
	info(id, &di);
	assert_true(di.flags & XEN_DOMINF_paused);
	assert_int_equal(di.tot_pages, 0);
	assert_int_equal(di.max_vcpu_id, XEN_INVALID_MAX_VCPU_ID);
	assert_int_equal(max_vcpus(id, 2), 0);
	assert_int_equal(max_mem(v0, id, 128 * 4), 0);
	assert_int_equal(populate(v0, id, 0, 128), 128);
	info(id, &di);
	assert_int_equal(di.tot_pages, 128);
	assert_int_equal(di.max_pages, 128);
	assert_int_equal(di.max_vcpu_id, 1);
	assert_true(di.shared_info_frame >= 128); /* in its window, after its RAM */
	assert_int_equal(p2m_lookup(d, _gfn(di.shared_info_frame)).type, P2M_SHARED);
	/* dom0 maps the new domain's frame 7 and writes through the mapping */
	assert_int_equal(map_foreign(v0, table, 3, (7UL << PAGE_SHIFT) | PTE_RWP, id), 0);
	uint64_t pte = frame_of(dom0, gfn_x(table))[3];
	mapped = _gfn(pte >> PAGE_SHIFT);
	assert_int_equal(pte & 0xfff, PTE_RWP);
	assert_int_equal(mfn_x(p2m_lookup(dom0, mapped).mfn), mfn_x(p2m_lookup(d, _gfn(7)).mfn));
	assert_int_equal(p2m_lookup(dom0, mapped).type, P2M_FOREIGN);
	assert_int_equal(mm_check_isolation(dom0), 0);
	/* hypercall page into frame 5, context with the L4 at frame 0, go */
	struct xen_domctl op = {.cmd = XEN_DOMCTL_hypercall_init, .domain = id};
	op.u.hypercall_init.gmfn = 5;
	assert_int_equal(domctl(v0, &op), 0);
	uint8_t *hp = (uint8_t *)frame_of(d, 5);
	assert_int_equal(hp[32 + 4], 1); /* entry 1: mov $1, %eax */
	assert_int_equal(hp[32 * __HYPERVISOR_iret + 4], 0xb8);
	put_context(0);
	assert_int_equal(vcpu_context(XEN_DOMCTL_setvcpucontext, id, 0), 0);
	assert_true(d->vcpu[0]->online);
	assert_false(d->vcpu[1]->online);
	assert_int_equal(domctl_cmd(v0, XEN_DOMCTL_unpausedomain, id), 0);
	assert_int_equal(d->vcpu[0]->sched->state, SCHED_QUEUED);
	info(id, &di);
	assert_false(di.flags & XEN_DOMINF_paused);
	assert_true(di.flags & XEN_DOMINF_running);
	assert_int_equal(di.nr_online_vcpus, 1);
	/* read the context back */
	memset(gptr(CTX_VA), 0xaa, sizeof(struct vcpu_guest_context));
	assert_int_equal(vcpu_context(XEN_DOMCTL_getvcpucontext, id, 0), 0);
	struct vcpu_guest_context *c = gptr(CTX_VA);
	assert_int_equal(c->user_regs.rip, 0xffffffff80001000UL);
	assert_int_equal(c->ctrlreg[3], 0);
	assert_int_equal(c->ctrlreg[1], 0);
	assert_int_equal(c->event_callback_eip, 0xffffffff80002000UL);
	assert_int_equal(c->flags, VGCF_in_kernel | VGCF_online);
	assert_int_equal(c->ldt_ents, 0);
	/* pause, pause again (a flag), unpause once, a second unpause is refused */
	assert_int_equal(domctl_cmd(v0, XEN_DOMCTL_pausedomain, id), 0);
	assert_int_equal(domctl_cmd(v0, XEN_DOMCTL_pausedomain, id), 0);
	assert_int_equal(d->vcpu[0]->sched->state, SCHED_OFFLINE);
	info(id, &di);
	assert_true(di.flags & XEN_DOMINF_paused);
	assert_int_equal(domctl_cmd(v0, XEN_DOMCTL_unpausedomain, id), 0);
	assert_int_equal(domctl_cmd(v0, XEN_DOMCTL_unpausedomain, id), -XEN_EINVAL);
	/* destroy: every frame back, dom0's foreign mapping gone */
	mfn_t m7 = p2m_lookup(d, _gfn(7)).mfn;
	assert_int_equal(domctl_cmd(v0, XEN_DOMCTL_destroydomain, id), 0);
	assert_null(domain_lookup(id));
	assert_int_equal(p2m_lookup(dom0, _gfn(mfn_x(m7))).type, P2M_INVALID);
	assert_int_equal(frame_free_count(), before);
	assert_int_equal(mm_check_isolation(dom0), 0);
}

static void test_twenty_cycles_no_drift(void **state)
{
	unsigned long before = frame_free_count();

	for (int i = 0; i < 20; i++) {
		domid_t id = create();
		assert_int_equal(max_vcpus(id, 1), 0);
		assert_int_equal(max_mem(v0, id, 256), 0);
		assert_int_equal(populate(v0, id, 0, 64), 64);
		assert_int_equal(map_foreign(v0, p2m_ram_frame(dom0, 100), i, (3UL << 12) | 1, id),
				 0);
		assert_int_equal(domctl_cmd(v0, XEN_DOMCTL_destroydomain, id), 0);
	}
	assert_int_equal(frame_free_count(), before);
}

static void test_create_errors(void **state)
{
	struct xen_domctl op = {.cmd = XEN_DOMCTL_createdomain};

	op.u.createdomain.flags = XEN_DOMCTL_CDF_hvm_guest;
	assert_int_equal(domctl(v0, &op), -XEN_EINVAL);
	op = (struct xen_domctl){.cmd = XEN_DOMCTL_createdomain};
	op.u.createdomain.ssidref = 1;
	assert_int_equal(domctl(v0, &op), -XEN_EINVAL);
	op = (struct xen_domctl){.cmd = XEN_DOMCTL_createdomain, .domain = 9};
	assert_int_equal(domctl(v0, &op), -XEN_EEXIST);
	op = (struct xen_domctl){.cmd = XEN_DOMCTL_createdomain, .domain = DOMID_SELF};
	assert_int_equal(domctl(v0, &op), -XEN_EINVAL);
	op = (struct xen_domctl){.cmd = XEN_DOMCTL_createdomain, .domain = 33};
	assert_int_equal(domctl(v0, &op), 0);
	assert_int_equal(op.domain, 33);
	assert_int_equal(create(), 1); /* the lowest free id */
	/* interface version, unreadable argument */
	op = (struct xen_domctl){.cmd = XEN_DOMCTL_getdomaininfo};
	memcpy(gptr(GVA), &op, sizeof(op));
	assert_int_equal(do_domctl(v0, GVA, 0, 0, 0, 0), -XEN_EACCES);
	assert_int_equal(do_domctl(v0, 0x1000, 0, 0, 0, 0), -XEN_EFAULT);
	assert_int_equal(do_domctl(v0, GVA + GMEM_SIZE - 8, 0, 0, 0, 0), -XEN_EFAULT);
}

static void test_domain_errors(void **state)
{
	domid_t id = create();
	struct xen_domctl op = {.cmd = 77, .domain = id};

	assert_int_equal(domctl(v0, &op), -XEN_ENOSYS);
	assert_int_equal(domctl_cmd(v0, XEN_DOMCTL_pausedomain, 4000), -XEN_ESRCH);
	assert_int_equal(domctl_cmd(v0, XEN_DOMCTL_pausedomain, DOMID_SELF), -XEN_ESRCH);
	assert_int_equal(domctl_cmd(v0, XEN_DOMCTL_pausedomain, 0), -XEN_EINVAL);
	assert_int_equal(domctl_cmd(v0, XEN_DOMCTL_destroydomain, 0), -XEN_EINVAL);
	assert_int_equal(max_vcpus(id, 0), -XEN_EINVAL);
	assert_int_equal(max_vcpus(id, HOSPES_MAX_VCPUS + 1), -XEN_EINVAL);
	assert_int_equal(max_vcpus(id, 2), 0);
	assert_int_equal(max_vcpus(id, 2), 0);
	assert_int_equal(max_vcpus(id, 3), -XEN_EEXIST);
	assert_int_equal(max_mem(v0, id, (uint64_t)ENV_FRAMES * 8), -XEN_EINVAL);
	assert_int_equal(max_mem(v0, id, 64), 0);	    /* 16 pages */
	assert_int_equal(populate(v0, id, 0, 20), 16);	    /* the limit stops the batch */
	assert_int_equal(max_mem(v0, id, 128), -XEN_EBUSY); /* frame space now fixed */
	assert_int_equal(max_mem(v0, id, 32), 0);	    /* lowering is fine */
	/* vCPU context: bad vCPU, no buffer, running domain, bad root */
	put_context(0);
	assert_int_equal(vcpu_context(XEN_DOMCTL_setvcpucontext, id, 2), -XEN_ESRCH);
	assert_int_equal(vcpu_context(XEN_DOMCTL_getvcpucontext, id, 7), -XEN_ESRCH);
	op = (struct xen_domctl){.cmd = XEN_DOMCTL_setvcpucontext, .domain = id};
	assert_int_equal(domctl(v0, &op), -XEN_EINVAL);
	put_context(900);
	assert_int_equal(vcpu_context(XEN_DOMCTL_setvcpucontext, id, 0), -XEN_EINVAL);
	assert_false(domain_lookup(id)->vcpu[0]->online);
	assert_int_equal(domctl_cmd(v0, XEN_DOMCTL_unpausedomain, id), 0);
	put_context(0);
	assert_int_equal(vcpu_context(XEN_DOMCTL_setvcpucontext, id, 0), -XEN_EBUSY);
	/* hypercall page: outside RAM, in the window */
	op = (struct xen_domctl){.cmd = XEN_DOMCTL_hypercall_init, .domain = id};
	op.u.hypercall_init.gmfn = 16;
	assert_int_equal(domctl(v0, &op), -XEN_EINVAL);
	op.u.hypercall_init.gmfn = ~0ULL;
	assert_int_equal(domctl(v0, &op), -XEN_EINVAL);
	/* names */
	op = (struct xen_domctl){.cmd = XEN_DOMCTL_hospes_setname, .domain = id};
	strcpy(op.u.hospes_name.name, "web server");
	assert_int_equal(domctl(v0, &op), -XEN_EINVAL);
	memset(op.u.hospes_name.name, 'a', sizeof(op.u.hospes_name.name));
	assert_int_equal(domctl(v0, &op), -XEN_EINVAL);
	memset(op.u.hospes_name.name, 0, sizeof(op.u.hospes_name.name));
	strcpy(op.u.hospes_name.name, "web");
	assert_int_equal(domctl(v0, &op), 0);
	op = (struct xen_domctl){.cmd = XEN_DOMCTL_hospes_getname, .domain = id};
	assert_int_equal(domctl(v0, &op), 0);
	assert_string_equal(op.u.hospes_name.name, "web");
	/* grant counters: of the new domain, and dom0's own (also on itself) */
	op = (struct xen_domctl){.cmd = XEN_DOMCTL_hospes_grantinfo, .domain = id};
	op.u.hospes_grantinfo.peer = DOMID_INVALID;
	op.u.hospes_grantinfo.maps = 77;
	assert_int_equal(domctl(v0, &op), 0);
	assert_int_equal(op.u.hospes_grantinfo.maps, 0);
	assert_int_equal(op.u.hospes_grantinfo.entries_in_use, 0);
	op = (struct xen_domctl){.cmd = XEN_DOMCTL_hospes_grantinfo, .domain = 0};
	op.u.hospes_grantinfo.peer = id;
	assert_int_equal(domctl(v0, &op), 0);
	assert_int_equal(op.u.hospes_grantinfo.maps, 0);
	/* vcpu info */
	op = (struct xen_domctl){.cmd = XEN_DOMCTL_getvcpuinfo, .domain = id};
	op.u.getvcpuinfo.vcpu = 1;
	assert_int_equal(domctl(v0, &op), 0);
	assert_int_equal(op.u.getvcpuinfo.online, 0);
	op.u.getvcpuinfo.vcpu = 2;
	assert_int_equal(domctl(v0, &op), -XEN_ESRCH);
}

/* Hospes additions: seeding a reserved grant entry, event counters. */
static void test_hospes_extensions(void **state)
{
	struct xen_domctl op = {.cmd = XEN_DOMCTL_hospes_gnttab_seed, .domain = domu->id};
	struct gnttab_copy copy = {.len = 7, .flags = GNTCOPY_source_gref}, *c = &copy;

	op.u.hospes_gnttab_seed = (struct xen_domctl_hospes_gnttab_seed){.ref = 8, .gfn = 2};
	assert_int_equal(domctl(v0, &op), -XEN_EINVAL); /* not a reserved ref */
	op.u.hospes_gnttab_seed =
		(struct xen_domctl_hospes_gnttab_seed){.ref = 0, .gfn = 1UL << 40};
	assert_int_equal(domctl(v0, &op), -XEN_EINVAL); /* outside its RAM */
	op.u.hospes_gnttab_seed.gfn = 2;
	op.u.hospes_gnttab_seed.grantee = DOMID_SELF;
	assert_int_equal(domctl(v0, &op), -XEN_EINVAL);
	op.u.hospes_gnttab_seed.grantee = 0;
	assert_int_equal(domctl(v0, &op), 0);
	/* dom0 may now copy domU frame 2 through ref 0 */
	memcpy(frame_of(domu, 2), "seeded", 7);
	c->source.u.ref = 0;
	c->source.domid = domu->id;
	c->dest.u.gmfn = 200;
	c->dest.domid = DOMID_SELF;
	gnttab_copy(v0, c);
	assert_int_equal(c->status, GNTST_okay);
	assert_memory_equal(frame_of(dom0, 200), "seeded", 7);

	/* events: dom0 sends on an interdomain channel to the domU */
	uint64_t s0, r0, su, ru;
	evtchn_stats(dom0, &s0, &r0);
	evtchn_stats(domu, &su, &ru);
	struct evtchn_alloc_unbound a = {.dom = domu->id, .remote_dom = 0};
	assert_int_equal(evtchn_alloc_unbound(v0->domain, &a), 0);
	struct evtchn_bind_interdomain b = {.remote_dom = domu->id, .remote_port = a.port};
	assert_int_equal(evtchn_bind_interdomain(dom0, &b), 0);
	assert_int_equal(evtchn_send(dom0, b.local_port), 0);
	assert_int_equal(evtchn_send(dom0, b.local_port), 0);
	op = (struct xen_domctl){.cmd = XEN_DOMCTL_hospes_evtchn_stats, .domain = domu->id};
	assert_int_equal(domctl(v0, &op), 0);
	assert_int_equal(op.u.hospes_evtchn_stats.sent, su);
	assert_int_equal(op.u.hospes_evtchn_stats.received, ru + 2);
	op = (struct xen_domctl){.cmd = XEN_DOMCTL_hospes_evtchn_stats, .domain = 0};
	assert_int_equal(domctl(v0, &op), 0); /* its own counters too */
	assert_int_equal(op.u.hospes_evtchn_stats.sent, s0 + 2);
	op.domain = 4000;
	assert_int_equal(domctl(v0, &op), -XEN_ESRCH);
}

static void test_foreign_mmu_errors(void **state)
{
	domid_t id = create();
	gfn_t table = p2m_ram_frame(dom0, 100);

	assert_int_equal(max_mem(v0, id, 64), 0);
	assert_int_equal(populate(v0, id, 0, 4), 4);
	/* a frame the domain does not have; a domain that does not exist */
	assert_int_equal(map_foreign(v0, table, 0, (9UL << 12) | PTE_RWP, id), -XEN_EINVAL);
	assert_int_equal(map_foreign(v0, table, 0, (1UL << 12) | PTE_RWP, 4000), -XEN_ESRCH);
	assert_int_equal(frame_of(dom0, gfn_x(table))[0], 0);
	/* a domU may not name another domain, nor map dom0's frames */
	struct mmu_update u = {(4UL << PAGE_SHIFT), (1UL << 12) | PTE_RWP};
	memcpy(gptr(MMU_VA), &u, sizeof(u));
	assert_int_equal(do_mmu_update(vu, MMU_VA, 1, 0, id, 0), -XEN_EPERM);
	assert_int_equal(do_mmu_update(vu, MMU_VA, 1, 0, 0, 0), -XEN_EPERM);
	assert_int_equal(do_mmuext_op(vu, MMU_VA, 1, 0, id, 0), -XEN_EPERM);
	/* a foreign frame may not become one of dom0's page tables: refused at L2 */
	struct domain *d = domain_lookup(id);
	assert_int_equal(map_foreign(v0, table, 1, (2UL << 12) | PTE_RWP, id), 0);
	assert_int_equal(mm_check_isolation(dom0), 0);
	/* the frame goes back to the allocator: dom0's mapping goes first */
	mfn_t m2 = p2m_lookup(d, _gfn(2)).mfn;
	struct xen_memory_reservation r = {.nr_extents = 1, .domid = id};
	r.extent_start.p = (xen_pfn_t *)(LIST_VA);
	*(xen_pfn_t *)gptr(LIST_VA) = 2;
	memcpy(gptr(RES_VA), &r, sizeof(r));
	assert_int_equal(do_memory_op(v0, XENMEM_decrease_reservation, RES_VA, 0, 0, 0), 1);
	assert_int_equal(p2m_lookup(dom0, _gfn(mfn_x(m2))).type, P2M_INVALID);
	/* and the domU may not populate another domain */
	assert_int_equal(populate(vu, id, 8, 1), -XEN_EPERM);
	assert_int_equal(populate(v0, 4000, 8, 1), -XEN_ESRCH);
}

static struct xen_domctl_hospes_caches caches(domid_t id)
{
	struct xen_domctl op = {.cmd = XEN_DOMCTL_hospes_caches, .domain = id};

	op.u.hospes_caches.pad = 99;
	assert_int_equal(domctl(v0, &op), 0);
	assert_int_equal(op.u.hospes_caches.pad, 0);
	return op.u.hospes_caches;
}

/* The frames held for a domain on demand: they grow as it uses them, and
 * stay (the growth the PV GRUB scenario accounts for). */
static void test_caches(void **state)
{
	struct xen_domctl_hospes_caches c0 = caches(0), c1;
	struct shadow_stats st;

	shadow_get_stats(dom0, &st);
	assert_int_equal(c0.shadow_pages, st.pool_used);
	assert_int_equal(c0.evtchn_pages, 1); /* bucket 0 comes with the domain */
	/* A grant map by dom0 (device only: no page table) grows its maptrack. */
	struct xen_domctl op = {.cmd = XEN_DOMCTL_hospes_gnttab_seed, .domain = domu->id};
	op.u.hospes_gnttab_seed = (struct xen_domctl_hospes_gnttab_seed){.ref = 0, .gfn = 2};
	assert_int_equal(domctl(v0, &op), 0);
	struct gnttab_map_grant_ref m = {.flags = GNTMAP_device_map, .ref = 0, .dom = domu->id};
	gnttab_map(v0, &m);
	assert_int_equal(m.status, GNTST_okay);
	c1 = caches(0);
	assert_int_equal(c1.maptrack_pages, c0.maptrack_pages + (c0.maptrack_pages == 0));
	struct gnttab_unmap_grant_ref u = {.dev_bus_addr = m.dev_bus_addr, .handle = m.handle};
	gnttab_unmap(v0, &u);
	assert_int_equal(u.status, GNTST_okay);
	assert_int_equal(caches(0).maptrack_pages, c1.maptrack_pages); /* kept */
	/* Ports past the first bucket grow the buckets. */
	for (unsigned int i = 0; i < 300; i++) {
		struct evtchn_alloc_unbound a = {.dom = DOMID_SELF, .remote_dom = 0};
		assert_int_equal(evtchn_alloc_unbound(dom0, &a), 0);
	}
	assert_true(caches(0).evtchn_pages > c0.evtchn_pages);
	c1 = caches(domu->id); /* another domain's, and a missing one's */
	assert_int_equal(c1.maptrack_pages, 0);
	op = (struct xen_domctl){.cmd = XEN_DOMCTL_hospes_caches, .domain = 4000};
	assert_int_equal(domctl(v0, &op), -XEN_ESRCH);
}

static void test_acting_on_itself(void **state)
{
	/* (the dispatcher refuses domUs: tests/unit/hypercall) dom0 may only query itself */
	unsigned long max = dom0->max_pages;

	assert_int_equal(max_mem(v0, 0, 64), -XEN_EINVAL);
	assert_int_equal(dom0->max_pages, max);
	assert_int_equal(max_vcpus(0, 1), -XEN_EINVAL);
	assert_int_equal(domctl_cmd(v0, XEN_DOMCTL_unpausedomain, 0), -XEN_EINVAL);
	put_context(0);
	assert_int_equal(vcpu_context(XEN_DOMCTL_setvcpucontext, 0, 0), -XEN_EINVAL);
	assert_int_equal(domctl_cmd(v0, XEN_DOMCTL_hospes_getname, 0), 0);
}

static long sched_op(domid_t id, uint32_t cmd, uint32_t sched_id, uint16_t weight, uint16_t cap,
		     struct xen_domctl_sched_credit *out)
{
	struct xen_domctl op = {.cmd = XEN_DOMCTL_scheduler_op, .domain = id};

	op.u.scheduler_op.sched_id = sched_id;
	op.u.scheduler_op.cmd = cmd;
	op.u.scheduler_op.u.credit.weight = weight;
	op.u.scheduler_op.u.credit.cap = cap;
	long rc = domctl(v0, &op);
	if (out)
		*out = op.u.scheduler_op.u.credit;
	return rc;
}

static void expect_credit(domid_t id, unsigned int weight, unsigned int cap)
{
	struct xen_domctl_sched_credit c;

	assert_int_equal(sched_op(id, XEN_DOMCTL_SCHEDOP_getinfo, XEN_SCHEDULER_CREDIT, 1, 1, &c),
			 0);
	assert_int_equal(c.weight, weight);
	assert_int_equal(c.cap, cap);
}

static void test_scheduler_op(void **state)
{
	const uint32_t put = XEN_DOMCTL_SCHEDOP_putinfo, credit = XEN_SCHEDULER_CREDIT;
	domid_t id = create();

	/* no vCPUs yet */
	assert_int_equal(sched_op(id, put, credit, 512, 0, NULL), -XEN_ESRCH);
	assert_int_equal(max_vcpus(id, 2), 0);
	expect_credit(id, SCHED_DEFAULT_WEIGHT, 0);
	/* weight 0 and cap 0xffff leave that parameter alone (Xen's rule) */
	assert_int_equal(sched_op(id, put, credit, 512, 0xffff, NULL), 0);
	expect_credit(id, 512, 0);
	assert_int_equal(sched_op(id, put, credit, 0, 150, NULL), 0);
	expect_credit(id, 512, 150);
	struct domain *d = domain_lookup(id);
	assert_int_equal(d->vcpu[0]->sched->cap, 75);
	assert_int_equal(d->vcpu[1]->sched->cap, 75);
	assert_int_equal(d->vcpu[1]->sched->weight, 512);
	assert_int_equal(sched_op(id, put, credit, 0, 3, NULL), 0); /* split 2 + 1 */
	assert_int_equal(d->vcpu[0]->sched->cap, 2);
	assert_int_equal(d->vcpu[1]->sched->cap, 1);
	expect_credit(id, 512, 3);
	/* refusals change nothing */
	assert_int_equal(sched_op(id, put, credit, 0, 201, NULL), -XEN_EINVAL);
	assert_int_equal(sched_op(id, put, credit, 0, 1, NULL), -XEN_EINVAL); /* < 1% per vCPU */
	assert_int_equal(sched_op(id, put, 6, 100, 0, NULL), -XEN_EINVAL);    /* credit2 */
	assert_int_equal(sched_op(id, 2, credit, 100, 0, NULL), -XEN_EINVAL);
	assert_int_equal(sched_op(4000, put, credit, 100, 0, NULL), -XEN_ESRCH);
	expect_credit(id, 512, 3);
	assert_int_equal(sched_op(id, put, credit, 65535, 0, NULL), 0);
	expect_credit(id, 65535, 0);
	/* dom0 may set its own share */
	assert_int_equal(sched_op(0, put, credit, 1024, 0xffff, NULL), 0);
	expect_credit(0, 1024, 0);
}

/* set/getvcpuaffinity of vCPU vcpu with flags; the maps at BUF_VA (hard)
 * and BUF_VA + 64 (soft), each nr_bits long. */
static long affinity(uint32_t cmd, domid_t id, uint32_t vcpu, uint32_t flags, uint32_t nr_bits)
{
	struct xen_domctl op = {.cmd = cmd, .domain = id};

	op.u.vcpuaffinity.vcpu = vcpu;
	op.u.vcpuaffinity.flags = flags;
	op.u.vcpuaffinity.cpumap_hard.bitmap.p = (uint8_t *)BUF_VA;
	op.u.vcpuaffinity.cpumap_hard.nr_bits = nr_bits;
	op.u.vcpuaffinity.cpumap_soft.bitmap.p = (uint8_t *)(BUF_VA + 64);
	op.u.vcpuaffinity.cpumap_soft.nr_bits = nr_bits;
	return domctl(v0, &op);
}

static void test_vcpu_affinity(void **state)
{
	const uint32_t set = XEN_DOMCTL_setvcpuaffinity, get = XEN_DOMCTL_getvcpuaffinity;
	const uint32_t hard = XEN_VCPUAFFINITY_HARD, soft = XEN_VCPUAFFINITY_SOFT;
	uint8_t *map = gptr(BUF_VA), *smap = gptr(BUF_VA + 64);
	domid_t id = create();

	map[0] = 1;
	assert_int_equal(affinity(set, id, 0, hard, 8), -XEN_EINVAL); /* no vCPUs yet */
	assert_int_equal(max_vcpus(id, 2), 0);
	struct vcpu *t = domain_lookup(id)->vcpu[1];
	/* a new vCPU may run on both CPUs of the test machine */
	memset(map, 0xff, 4);
	assert_int_equal(affinity(get, id, 1, hard, 32), 0);
	assert_memory_equal(map, "\x03\0\0\0", 4);
	/* pin vCPU 1 to CPU 1: kept, and the (not running) vCPU moves there */
	map[0] = 1 << 1;
	assert_int_equal(affinity(set, id, 1, hard, 8), 0);
	assert_int_equal(sched_affinity(t), 1 << 1);
	assert_int_equal(t->sched->cpu, 1);
	assert_int_equal(t->processor, 1);
	memset(map, 0xff, 4);
	assert_int_equal(affinity(get, id, 1, hard, 9), 0);
	assert_memory_equal(map, "\x02\0\xff", 3); /* 2 bytes written, bits >= 9 zero */
	map[0] = 0xff;
	assert_int_equal(affinity(get, id, 1, hard, 1), 0); /* 1 bit: CPU 0 only */
	assert_int_equal(map[0], 0);
	/* soft affinity: every CPU by default; kept (CPUs it lacks dropped),
	 * the hard map untouched by a soft-only set */
	smap[0] = 0;
	assert_int_equal(affinity(get, id, 1, soft, 8), 0);
	assert_int_equal(smap[0], 3);
	map[0] = 1 << 0;
	smap[0] = (1 << 0) | (1 << 6);
	assert_int_equal(affinity(set, id, 1, soft, 8), 0);
	assert_int_equal(sched_affinity(t), 1 << 1);
	assert_int_equal(sched_soft_affinity(t), 1 << 0);
	smap[0] = 0;
	assert_int_equal(affinity(get, id, 1, hard | soft, 8), 0);
	assert_int_equal(map[0], 1 << 1);
	assert_int_equal(smap[0], 1 << 0);
	/* both at once; a refused hard map leaves the soft one as it was */
	map[0] = 3;
	smap[0] = 1 << 1;
	assert_int_equal(affinity(set, id, 1, hard | soft, 8), 0);
	assert_int_equal(sched_affinity(t), 3);
	assert_int_equal(sched_soft_affinity(t), 1 << 1);
	map[0] = 1 << 5;
	smap[0] = 1 << 0;
	assert_int_equal(affinity(set, id, 1, hard | soft, 8), -XEN_EINVAL);
	assert_int_equal(sched_soft_affinity(t), 1 << 1);
	map[0] = 1 << 1; /* back to CPU 1 for what follows */
	assert_int_equal(affinity(set, id, 1, hard, 8), 0);
	/* refusals change nothing */
	map[0] = 0;
	assert_int_equal(affinity(set, id, 1, hard, 8), -XEN_EINVAL); /* no CPU */
	map[0] = 1 << 5;
	assert_int_equal(affinity(set, id, 1, hard, 8), -XEN_EINVAL); /* no such CPU */
	map[0] = 1;
	assert_int_equal(affinity(set, id, 1, hard, 0), -XEN_EINVAL); /* 0 bits: empty */
	assert_int_equal(affinity(set, id, 2, hard, 8), -XEN_EINVAL); /* vCPU id */
	assert_int_equal(affinity(set, id, ~0U, hard, 8), -XEN_EINVAL);
	assert_int_equal(affinity(set, id, 1, 0, 8), -XEN_EINVAL);	/* no map named */
	assert_int_equal(affinity(set, id, 1, 1 << 2, 8), -XEN_EINVAL); /* unknown flag */
	assert_int_equal(affinity(set, 4000, 1, hard, 8), -XEN_ESRCH);
	struct xen_domctl op = {.cmd = set, .domain = id};
	op.u.vcpuaffinity.flags = hard;
	op.u.vcpuaffinity.cpumap_hard.nr_bits = 8;
	op.u.vcpuaffinity.cpumap_hard.bitmap.p = (uint8_t *)0x1000; /* not mapped */
	assert_int_equal(domctl(v0, &op), -XEN_EFAULT);
	op.cmd = get;
	assert_int_equal(domctl(v0, &op), -XEN_EFAULT);
	assert_int_equal(sched_affinity(t), 1 << 1);
	/* dom0 may pin its own vCPU (xl vcpu-pin 0 0 0) */
	map[0] = 1;
	assert_int_equal(affinity(set, 0, 0, hard, 8), 0);
	assert_int_equal(sched_affinity(v0), 1);
}

/* getcpuinfo: each CPU's idle time as the idle loop reported it, at most max_cpus. */
static void test_sysctl_getcpuinfo(void **state)
{
	struct xen_sysctl op = {.cmd = XEN_SYSCTL_getcpuinfo};
	struct xen_sysctl_cpuinfo *info = gptr(BUF_VA);
	uint64_t idle0 = sched_idle_time(0), idle1 = sched_idle_time(1);

	sched_note_idle(0, 1000);
	sched_note_idle(1, 250);
	sched_note_idle(1, 50);
	memset(info, 0xff, 4 * sizeof(*info));
	op.u.getcpuinfo.max_cpus = 4;
	op.u.getcpuinfo.info.p = (void *)(BUF_VA);
	assert_int_equal(sysctl(v0, &op), 0);
	assert_int_equal(op.u.getcpuinfo.nr_cpus, 2);
	assert_int_equal(info[0].idletime, idle0 + 1000);
	assert_int_equal(info[1].idletime, idle1 + 300);
	assert_int_equal(info[2].idletime, ~0ULL); /* nothing past the CPUs online */
	op.u.getcpuinfo.max_cpus = 1;
	info[1].idletime = 7;
	assert_int_equal(sysctl(v0, &op), 0);
	assert_int_equal(op.u.getcpuinfo.nr_cpus, 1);
	assert_int_equal(info[1].idletime, 7);
	op.u.getcpuinfo.max_cpus = 2;
	op.u.getcpuinfo.info.p = (void *)(0x1000);
	assert_int_equal(sysctl(v0, &op), -XEN_EFAULT);
}

/* hospes_cpustat: getcpuinfo's idle time and the arch's counters, per CPU online. */
static void test_sysctl_cpustat(void **state)
{
	struct xen_sysctl op = {.cmd = XEN_SYSCTL_hospes_cpustat};
	struct hospes_cpustat *st = gptr(BUF_VA);

	sched_note_idle(1, 70);
	memset(st, 0xff, 3 * sizeof(*st));
	op.u.hospes_cpustat.max_cpus = 3;
	op.u.hospes_cpustat.stats.p = (void *)(BUF_VA);
	assert_int_equal(sysctl(v0, &op), 0);
	assert_int_equal(op.u.hospes_cpustat.nr_cpus, 2);
	for (unsigned int c = 0; c < 2; c++) {
		assert_int_equal(st[c].idletime, sched_idle_time(c));
		assert_int_equal(st[c].halts, 10 * c + 1);
		assert_int_equal(st[c].switches, 10 * c + 2);
		assert_int_equal(st[c].polls, 10 * c + 3);
		assert_int_equal(st[c].sched_ipis_saved, 10 * c + 6);
		assert_int_equal(st[c].cr3[HOSPES_CR3_LOAD], 100 * c);
		assert_int_equal(st[c].cr3[HOSPES_CR3_OTHER], 100 * c + 4);
		assert_int_equal(st[c].cr3[HOSPES_CR3_OTHER + 1], 0); /* unused slots */
		assert_int_equal(st[c].tlb_ipis, 1000 * c + 9);
	}
	assert_int_equal(st[2].halts, ~0ULL); /* nothing past the CPUs online */
	op.u.hospes_cpustat.max_cpus = 1;
	st[1].halts = 7;
	assert_int_equal(sysctl(v0, &op), 0);
	assert_int_equal(op.u.hospes_cpustat.nr_cpus, 1);
	assert_int_equal(st[1].halts, 7);
	op.u.hospes_cpustat.stats.p = (void *)(0x1000);
	assert_int_equal(sysctl(v0, &op), -XEN_EFAULT);
}

static void test_sysctl(void **state)
{
	struct xen_sysctl op = {.cmd = XEN_SYSCTL_physinfo};
	struct xen_domctl_getdomaininfo *list = gptr(BUF_VA);

	assert_int_equal(sysctl(v0, &op), 0);
	assert_int_equal(op.u.physinfo.nr_cpus, 2);
	assert_int_equal(op.u.physinfo.cpu_khz, 2000000);
	assert_int_equal(op.u.physinfo.total_pages, ENV_FRAMES);
	assert_int_equal(op.u.physinfo.free_pages, frame_free_count());
	op = (struct xen_sysctl){.cmd = XEN_SYSCTL_getdomaininfolist};
	op.u.getdomaininfolist.max_domains = 8;
	op.u.getdomaininfolist.buffer.p = (void *)(BUF_VA);
	assert_int_equal(sysctl(v0, &op), 0);
	assert_int_equal(op.u.getdomaininfolist.num_domains, 2);
	assert_int_equal(list[0].domain, 0);
	assert_int_equal(list[1].domain, 9);
	assert_int_equal(list[1].tot_pages, 64);
	op.u.getdomaininfolist.first_domain = 1;
	op.u.getdomaininfolist.max_domains = 1;
	assert_int_equal(sysctl(v0, &op), 0);
	assert_int_equal(op.u.getdomaininfolist.num_domains, 1);
	op.u.getdomaininfolist.buffer.p = (void *)(0x1000);
	assert_int_equal(sysctl(v0, &op), -XEN_EFAULT);
	op = (struct xen_sysctl){.cmd = 99};
	assert_int_equal(sysctl(v0, &op), -XEN_ENOSYS);
	op = (struct xen_sysctl){.cmd = XEN_SYSCTL_physinfo};
	memcpy(gptr(GVA), &op, sizeof(op));
	assert_int_equal(do_sysctl(v0, GVA, 0, 0, 0, 0), -XEN_EACCES);
}

static long readcon(uint8_t incremental, uint8_t clear, uint32_t index, uint32_t count,
		    struct xen_sysctl_readconsole *out)
{
	struct xen_sysctl op = {.cmd = XEN_SYSCTL_readconsole};

	op.u.readconsole = (struct xen_sysctl_readconsole){
		.clear = clear, .incremental = incremental, .index = index, .count = count};
	op.u.readconsole.buffer.p = (char *)(BUF_VA);
	memset(gptr(BUF_VA), 0, 512);
	long rc = sysctl(v0, &op);
	*out = op.u.readconsole;
	return rc;
}

static void test_readconsole(void **state)
{
	struct xen_sysctl_readconsole r;

	log_append("hello\nworld\n");
	assert_int_equal(readcon(0, 0, 0, 6, &r), 0); /* the newest 6 bytes */
	assert_int_equal(r.count, 6);
	assert_memory_equal(gptr(BUF_VA), "world\n", 6);
	assert_int_equal(readcon(1, 0, 0, 100, &r), 0); /* everything from 0 */
	assert_int_equal(r.count, 12);
	assert_int_equal(r.index, 12);
	log_append("more\n");
	assert_int_equal(readcon(1, 0, 12, 100, &r), 0); /* only what is new */
	assert_int_equal(r.count, 5);
	assert_memory_equal(gptr(BUF_VA), "more\n", 5);
	/* the ring (256 bytes) overflows: an old index resumes at the oldest byte kept */
	for (int i = 0; i < 40; i++)
		log_append("0123456789");
	assert_int_equal(readcon(1, 0, 0, 512, &r), 0);
	assert_int_equal(r.count, 256);
	assert_int_equal(r.index, 417);
	/* clear: a non-incremental read then sees only newer bytes */
	assert_int_equal(readcon(0, 1, 0, 8, &r), 0);
	assert_int_equal(r.count, 8);
	log_append("new\n");
	assert_int_equal(readcon(0, 0, 0, 100, &r), 0);
	assert_int_equal(r.count, 4);
	assert_int_equal(readcon(1, 0, 0, 100, &r), 0);
	r.count = 0;
	struct xen_sysctl op = {.cmd = XEN_SYSCTL_readconsole};
	op.u.readconsole.count = 10;
	op.u.readconsole.buffer.p = (char *)(0x1000);
	assert_int_equal(sysctl(v0, &op), -XEN_EFAULT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_build_cycle, setup, teardown),
		cmocka_unit_test_setup_teardown(test_twenty_cycles_no_drift, setup, teardown),
		cmocka_unit_test_setup_teardown(test_create_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_domain_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hospes_extensions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_foreign_mmu_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_caches, setup, teardown),
		cmocka_unit_test_setup_teardown(test_acting_on_itself, setup, teardown),
		cmocka_unit_test_setup_teardown(test_scheduler_op, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vcpu_affinity, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sysctl, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sysctl_getcpuinfo, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sysctl_cpustat, setup, teardown),
		cmocka_unit_test_setup_teardown(test_readconsole, setup, teardown),
	};
	extern int run_modpack_tests(void);
	extern int run_physdev_tests(void);
	extern int run_trace_tests(void);
	return cmocka_run_group_tests_name("priv", tests, NULL, NULL) + run_modpack_tests() +
	       run_physdev_tests() + run_trace_tests();
}
