/*
 * The simulated hypervisor and dom0 services behind the builder's tests
 * (fake_hv.h): the hypercalls of asm/hypercall.h's host twin, dom0's
 * mapping window (a host buffer), a small fixed image in place of the
 * ELF loader (the builder's use of the layout is what is tested, the
 * loader has unit/elf), and xenstored and the console backend as log
 * entries.  XenStore is absent (xenbus_self() is NULL), as in a dom0
 * whose xenstored did not start: the builder skips the nodes.
 */
#include "fake_hv.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <asm/hypercall.h>
#include <back/consback.h>
#include <dom0/xenstored/xenstored.h>
#include <hospes/elf.h>
#include <mm/mm.h>
#include <public/domctl.h>
#include <public/errno.h>
#include <public/event_channel.h>
#include <public/memory.h>
#include <xenbus/guest.h>
#include <xenbus/xenbus.h>

#define WINDOW_BYTES (4096UL * 4096) /* the builder's WINDOW_PAGES */
#define IMAGE_END    0x10000UL	     /* the fake image: 64 KiB from VA 0 */

struct fake_hv hv;
static void *window;
static evtchn_port_t next_port;

void fake_hv_reset(void)
{
	memset(&hv, 0, sizeof(hv));
	for (unsigned int v = 0; v < FAKE_VCPUS; v++) {
		hv.hard[v] = FAKE_ALLCPUS;
		hv.first_cpu[v] = -1;
	}
	next_port = 1;
}

long fake_hv_log(uint32_t kind, uint16_t dom)
{
	assert_true(hv.n < FAKE_CALLS);
	hv.log[hv.n++] = (struct fake_call){.kind = kind, .dom = dom, .running = hv.running};
	if (kind == hv.fail_kind && ++hv.seen == hv.fail_nth)
		return hv.fail_rc;
	return 0;
}

int fake_hv_first(uint32_t kind)
{
	for (unsigned int i = 0; i < hv.n; i++)
		if (hv.log[i].kind == kind)
			return (int)i;
	return -1;
}

int fake_hv_last(uint32_t kind)
{
	for (unsigned int i = hv.n; i-- > 0;)
		if (hv.log[i].kind == kind)
			return (int)i;
	return -1;
}

unsigned int fake_hv_count(uint32_t kind)
{
	unsigned int n = 0;
	for (unsigned int i = 0; i < hv.n; i++)
		n += hv.log[i].kind == kind;
	return n;
}

static uint64_t map_bits(const struct xenctl_bitmap *m)
{
	uint64_t mask = 0;
	assert_int_equal(m->nr_bits, 64);
	for (unsigned int i = 0; i < 8; i++)
		mask |= (uint64_t)m->bitmap.p[i] << (8 * i);
	return mask;
}

static void affinity(struct xen_domctl *d, struct fake_call *c)
{
	struct xen_domctl_vcpuaffinity *a = &d->u.vcpuaffinity;
	c->vcpu = a->vcpu;
	c->flags = a->flags;
	if (a->flags & XEN_VCPUAFFINITY_HARD)
		c->hard = map_bits(&a->cpumap_hard);
	if (a->flags & XEN_VCPUAFFINITY_SOFT)
		c->soft = map_bits(&a->cpumap_soft);
	assert_true(a->vcpu < hv.max_vcpus);
	if (a->flags & XEN_VCPUAFFINITY_HARD)
		hv.hard[a->vcpu] = c->hard;
}

/* Each vCPU's first CPU: the lowest of its hard affinity now. */
static void unpause(void)
{
	hv.running = true;
	for (unsigned int v = 0; v < hv.max_vcpus; v++)
		if (hv.first_cpu[v] < 0)
			hv.first_cpu[v] = __builtin_ctzll(hv.hard[v]);
}

static long domctl(struct xen_domctl *d)
{
	assert_int_equal(d->interface_version, XEN_DOMCTL_INTERFACE_VERSION);
	if (d->cmd != XEN_DOMCTL_createdomain)
		assert_true(hv.exists && d->domain == FAKE_DOMID);
	long rc = fake_hv_log(d->cmd, d->domain);
	struct fake_call *c = &hv.log[hv.n - 1];
	if (d->cmd == XEN_DOMCTL_setvcpuaffinity)
		affinity(d, c);
	if (rc)
		return rc;
	switch (d->cmd) {
	case XEN_DOMCTL_createdomain:
		assert_false(hv.exists);
		hv.exists = true;
		d->domain = FAKE_DOMID;
		break;
	case XEN_DOMCTL_max_vcpus:
		assert_true(d->u.max_vcpus.max <= FAKE_VCPUS);
		hv.max_vcpus = d->u.max_vcpus.max;
		break;
	case XEN_DOMCTL_getdomaininfo:
		d->u.getdomaininfo.shared_info_frame = 0x1234;
		break;
	case XEN_DOMCTL_unpausedomain:
		unpause();
		break;
	case XEN_DOMCTL_destroydomain:
		hv.exists = hv.running = false;
		break;
	}
	return 0;
}

long fake_hypercall(unsigned int nr, unsigned long a1, unsigned long a2, unsigned long a3)
{
	long rc;
	switch (nr) {
	case __HYPERVISOR_domctl:
		return domctl((struct xen_domctl *)a1);
	case __HYPERVISOR_memory_op: {
		struct xen_memory_reservation *r = (void *)a2;
		assert_int_equal(a1, XENMEM_populate_physmap);
		assert_true(hv.exists && r->domid == FAKE_DOMID);
		rc = fake_hv_log(CALL_POPULATE, r->domid);
		return rc ? rc : (long)r->nr_extents;
	}
	case __HYPERVISOR_event_channel_op: {
		struct evtchn_alloc_unbound *a = (void *)a2;
		assert_int_equal(a1, EVTCHNOP_alloc_unbound);
		if ((rc = fake_hv_log(CALL_EVTCHN, a->dom)))
			return rc;
		a->port = next_port++;
		return 0;
	}
	}
	fail_msg("unexpected hypercall %u", nr);
	return -XEN_ENOSYS;
}

unsigned long map_window_alloc(unsigned long pages)
{
	assert_int_equal(pages * 4096, WINDOW_BYTES);
	if (!window)
		window = aligned_alloc(4096, WINDOW_BYTES);
	assert_non_null(window);
	return (unsigned long)window;
}

long map_foreign_pages(unsigned long va, unsigned long mfn, unsigned long n, uint64_t flags,
		       uint16_t dom)
{
	assert_true(va == (unsigned long)window && n * 4096 <= WINDOW_BYTES);
	memset(window, 0xcc, n * 4096); /* a fresh domain's frames are not zero here */
	return fake_hv_log(CALL_MAP, dom);
}

void unmap_pages(unsigned long va, unsigned long n)
{
	fake_hv_log(CALL_UNMAP, 0);
}

int xen_elf_parse(const void *image, size_t size, bool dom0, struct xen_elf_info *info)
{
	memset(info, 0, sizeof(*info));
	info->virt_kend = IMAGE_END;
	info->entry = 0x1000;
	info->hypercall_page = 0x2000;
	info->has_hypercall_page = true;
	return 0;
}

int xen_elf_load(const void *image, size_t size, const struct xen_elf_info *info,
		 elf_write_fn write, void *ctx)
{
	return write(ctx, 0, NULL, IMAGE_END);
}

int xs_introduce_domain(uint16_t domid, unsigned long store_gfn, uint32_t port)
{
	return (int)fake_hv_log(CALL_XS_INTRODUCE, domid);
}

int xs_release_domain(uint16_t domid)
{
	return (int)fake_hv_log(CALL_XS_RELEASE, domid);
}

int console_back_attach(domid_t domid, unsigned long ring_gfn, evtchn_port_t port)
{
	return (int)fake_hv_log(CALL_CONS_ATTACH, domid);
}

int console_back_detach(domid_t domid)
{
	return (int)fake_hv_log(CALL_CONS_DETACH, domid);
}

struct xenbus *xenbus_self(void)
{
	return NULL;
}

/* Never reached while xenbus_self() is NULL. */
int xenbus_mkdir(struct xenbus *xb, uint32_t tx, const char *path)
{
	fail_msg("xenbus_mkdir without a store");
	return -1;
}

int xenbus_set_perms(struct xenbus *xb, uint32_t tx, const char *path, const char *perms,
		     uint32_t len)
{
	fail_msg("xenbus_set_perms without a store");
	return -1;
}

int xenbus_write(struct xenbus *xb, uint32_t tx, const char *path, const char *value)
{
	fail_msg("xenbus_write without a store");
	return -1;
}

int xenbus_write_ulong(struct xenbus *xb, uint32_t tx, const char *dir, const char *key,
		       unsigned long v)
{
	fail_msg("xenbus_write_ulong without a store");
	return -1;
}
