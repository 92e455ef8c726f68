/*
 * Host tests of domain lifetimes across domains, with the real domain,
 * memory, event-channel and grant code on simulated machine memory:
 * a reference keeps a destroyed domain's struct alive (and only the
 * struct: its memory is already back), a grant mapping keeps the granted
 * frame of a dead granter until the mapper lets go, a dying mapper gives
 * back everything it mapped, and after the last reference the allocator's
 * free count is exactly what it was before.
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
#include <hospes/mm.h>
#include <hospes/p2m.h>
#include <hospes/pv.h>
#include <hospes/sched.h>
#include <public/errno.h>

void fake_frame_init(void);

#define FRAMES	    4096
#define GRANTED_GFN 5

static int setup(void **state)
{
	fake_mem_init(FRAMES);
	fake_frame_init();
	assert_int_equal(frame_table_init(FRAMES), 0);
	sched_init(2);
	return 0;
}

static int teardown(void **state)
{
	fake_mem_fini();
	return 0;
}

static struct domain *make(domid_t id)
{
	struct domain_config cfg = {.id = id, .max_vcpus = 1, .nr_pages = 64, .name = "t"};
	struct domain *d = NULL;

	assert_int_equal(domain_create(&cfg, &d), 0);
	return d;
}

/* b maps a's frame GRANTED_GFN (granted as ref 2) without a PTE; returns the handle. */
static grant_handle_t map_from(struct domain *b, struct domain *a, uint64_t *bus)
{
	struct gnttab_map_grant_ref op = {.flags = GNTMAP_device_map, .ref = 2, .dom = a->id};

	assert_int_equal(gnttab_seed_entry(a, 2, b->id, GRANTED_GFN), 0);
	gnttab_map(b->vcpu[0], &op);
	assert_int_equal(op.status, GNTST_okay);
	*bus = op.dev_bus_addr;
	return op.handle;
}

static void test_reference_outlives_destroy(void **state)
{
	unsigned long before = frame_free_count();
	struct domain *d = make(1);
	struct domain *r = domain_get(1);

	assert_ptr_equal(r, d);
	assert_int_equal(d->refcnt, 2);
	unsigned long alive = frame_free_count();
	domain_destroy(d);
	assert_null(domain_get(1));
	assert_null(domain_lookup(1));
	domain_destroy(d); /* a second destroy changes nothing */
	/* The memory is back, the struct and its tables are not: r still reaches them. */
	assert_true(frame_free_count() > alive);
	assert_true(frame_free_count() < before);
	assert_true(r->is_dying);
	assert_int_equal(r->id, 1);
	assert_non_null(r->evtchn);
	assert_non_null(r->grant);
	domain_put(r);
	assert_int_equal(frame_free_count(), before);
}

static void test_granted_frame_outlives_granter(void **state)
{
	unsigned long before = frame_free_count();
	struct domain *a = make(1), *b = make(2);
	mfn_t m = p2m_lookup(a, _gfn(GRANTED_GFN)).mfn;
	uint64_t bus;
	grant_handle_t h = map_from(b, a, &bus);

	assert_int_equal(a->refcnt, 2);
	assert_int_equal(frame_info(m)->grant_refs, 1);
	/* The granter can't give the frame back while it is mapped. */
	assert_int_equal(p2m_decrease(a, _gfn(GRANTED_GFN), 0), -XEN_EBUSY);
	memcpy(mfn_to_virt(m), "shared", 7);
	domain_destroy(a);
	/* The frame is an orphan nobody owns, still holding what the granter wrote. */
	assert_int_equal(frame_info(m)->owner, DOMID_XEN);
	assert_int_equal(frame_info(m)->grant_refs, FRAME_ORPHAN | 1);
	assert_string_equal(mfn_to_virt(m), "shared");
	assert_int_equal(a->refcnt, 1); /* b's mapping */
	struct gnttab_unmap_grant_ref un = {.dev_bus_addr = bus, .handle = h};
	gnttab_unmap(b->vcpu[0], &un);
	assert_int_equal(un.status, GNTST_okay);
	/* The last user let go: frame and struct freed; only b remains. */
	assert_int_equal(frame_info(m)->use, FRAME_FREE);
	domain_destroy(b);
	assert_int_equal(frame_free_count(), before);
}

/* The driver domain's device-only map: the bus address is the machine
 * frame, and nothing enters its p2m (so the unmap flushes nothing). */
static void test_privileged_device_map(void **state)
{
	unsigned long before = frame_free_count();
	struct domain *a = make(1), *b = NULL;
	struct domain_config cfg = {
		.id = 2, .max_vcpus = 1, .nr_pages = 64, .name = "drv", .privileged = true};
	mfn_t m = p2m_lookup(a, _gfn(GRANTED_GFN)).mfn;
	uint64_t bus;

	assert_int_equal(domain_create(&cfg, &b), 0);
	grant_handle_t h = map_from(b, a, &bus);
	assert_int_equal(bus, (uint64_t)mfn_x(m) << PAGE_SHIFT);
	assert_int_equal(frame_info(m)->grant_refs, 1);
	assert_int_equal(p2m_lookup(b, _gfn(mfn_x(m))).type, P2M_INVALID);
	struct gnttab_unmap_grant_ref un = {.dev_bus_addr = bus, .handle = h};
	gnttab_unmap(b->vcpu[0], &un);
	assert_int_equal(un.status, GNTST_okay);
	assert_int_equal(frame_info(m)->grant_refs, 0);
	assert_int_equal(p2m_lookup(a, _gfn(GRANTED_GFN)).type, P2M_RAM);
	domain_destroy(b);
	domain_destroy(a);
	assert_int_equal(frame_free_count(), before);
}

static void test_dying_mapper_gives_back(void **state)
{
	unsigned long before = frame_free_count();
	struct domain *a = make(1), *b = make(2);
	mfn_t m = p2m_lookup(a, _gfn(GRANTED_GFN)).mfn;
	uint64_t bus;

	map_from(b, a, &bus);
	map_from(b, a, &bus); /* twice: two uses */
	assert_int_equal(a->refcnt, 3);
	domain_destroy(b);
	assert_int_equal(a->refcnt, 1);
	assert_int_equal(frame_info(m)->grant_refs, 0);
	assert_int_equal(p2m_decrease(a, _gfn(GRANTED_GFN), 0), 0); /* free to give back now */
	domain_destroy(a);
	assert_int_equal(frame_free_count(), before);
}

static void test_channel_across_death(void **state)
{
	unsigned long before = frame_free_count();
	struct domain *a = make(1), *b = make(2);
	struct evtchn_alloc_unbound au = {.dom = DOMID_SELF, .remote_dom = 2};
	struct evtchn_status st = {.dom = DOMID_SELF};

	assert_int_equal(evtchn_alloc_unbound(a, &au), 0);
	struct evtchn_bind_interdomain bi = {.remote_dom = 1, .remote_port = au.port};
	assert_int_equal(evtchn_bind_interdomain(b, &bi), 0);
	assert_int_equal(a->refcnt, 2);
	assert_int_equal(b->refcnt, 2);
	domain_destroy(a); /* its ports close: nothing holds it any more */
	assert_int_equal(b->refcnt, 1);
	st.port = bi.local_port;
	assert_int_equal(evtchn_status(b, &st), 0);
	assert_int_equal(st.status, EVTCHNSTAT_unbound);
	assert_int_equal(evtchn_send(b, bi.local_port), 0);
	domain_destroy(b);
	assert_int_equal(frame_free_count(), before);
}

/* set_gdt leaves a hypervisor copy of the guest's GDT on the vCPU: freed with the domain. */
static void test_gdt_copy_freed_with_domain(void **state)
{
	unsigned long before = frame_free_count();
	struct domain *d = make(1);
	mfn_t copy = mm_alloc_frames(DOMID_XEN, FRAME_HYPERVISOR, 0);

	assert_false(mfn_eq(copy, INVALID_MFN));
	d->vcpu[0]->arch->gdt = mfn_to_virt(copy);
	d->vcpu[0]->arch->gdt_ents = 3;
	domain_destroy(d);
	assert_int_equal(frame_free_count(), before);
}

int run_lifetime_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_reference_outlives_destroy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_granted_frame_outlives_granter, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_privileged_device_map, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dying_mapper_gives_back, setup, teardown),
		cmocka_unit_test_setup_teardown(test_channel_across_death, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gdt_copy_freed_with_domain, setup, teardown),
	};
	return cmocka_run_group_tests_name("lifetime", tests, NULL, NULL);
}
