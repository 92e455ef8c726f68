/*
 * Host tests of grant tables v1 (kernel/grant/, kernel/hypercall/grant_table.c):
 * every operation and its GNTST / errno answers, the in-use bits against
 * the granter's revocation protocol, copies at page edges, maptrack
 * exhaustion, and domains dying on either side with nothing left behind.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "harness.h"

#include <asm/arch.h>

#define VA 0x400000UL
#define RW (GNTMAP_host_map)
#define RO (GNTMAP_host_map | GNTMAP_readonly)

static void test_setup_query_version(void **state)
{
	struct vcpu *v1 = dom[1]->vcpu[0];
	struct gnttab_setup_table st = {.dom = DOMID_SELF, .nr_frames = 4};
	struct gnttab_query_size q = {.dom = DOMID_SELF};
	xen_pfn_t f[64];

	gnttab_setup_table(v1, &st, f);
	assert_int_equal(st.status, GNTST_okay);
	assert_true(f[0] != f[1] && f[1] != f[2] && f[2] != f[3]);
	gnttab_query_size(v1, &q);
	assert_int_equal(q.status, GNTST_okay);
	assert_int_equal(q.nr_frames, 4);
	assert_int_equal(q.max_nr_frames, GNTTAB_DEFAULT_MAX_FRAMES);
	st.nr_frames = 2; /* never shrinks; the first frames are returned again */
	xen_pfn_t g[64];
	gnttab_setup_table(v1, &st, g);
	assert_int_equal(g[1], f[1]);
	st.nr_frames = GNTTAB_DEFAULT_MAX_FRAMES + 1;
	gnttab_setup_table(v1, &st, f);
	assert_int_equal(st.status, GNTST_general_error);
	st = (struct gnttab_setup_table){.dom = 2, .nr_frames = 1};
	gnttab_setup_table(v1, &st, f);
	assert_int_equal(st.status, GNTST_permission_denied);
	gnttab_setup_table(dom[0]->vcpu[0], &st, f);
	assert_int_equal(st.status, GNTST_okay);
	st.dom = 33;
	gnttab_setup_table(dom[0]->vcpu[0], &st, f);
	assert_int_equal(st.status, GNTST_bad_domain);
	q.dom = 2;
	gnttab_query_size(v1, &q);
	assert_int_equal(q.status, GNTST_permission_denied);

	struct gnttab_set_version sv = {.version = 1};
	assert_int_equal(gnttab_set_version(v1, &sv), 0);
	sv.version = 2;
	assert_int_equal(gnttab_set_version(v1, &sv), -XEN_EACCES);
	sv.version = 3;
	assert_int_equal(gnttab_set_version(v1, &sv), -XEN_EINVAL);
	struct gnttab_get_version gv = {.dom = DOMID_SELF};
	assert_int_equal(gnttab_get_version(v1, &gv), 0);
	assert_int_equal(gv.version, 1);
	gv.dom = 2;
	assert_int_equal(gnttab_get_version(v1, &gv), -XEN_EPERM);
	gv.dom = 99;
	assert_int_equal(gnttab_get_version(v1, &gv), -XEN_ESRCH);
}

static void test_map_unmap_and_revocation(void **state)
{
	mfn_t page = give_frame(dom[2], true), m;

	grant(dom[2], 10, 1, page, false);
	struct gnttab_map_grant_ref op = map(dom[1], 2, 10, RW | GNTMAP_device_map, VA);
	assert_int_equal(op.status, GNTST_okay);
	assert_true(mapped_at(dom[1], VA, &m));
	assert_int_equal(mfn_x(m), mfn_x(page));
	assert_true(op.dev_bus_addr >> 12 >= WINDOW_BASE); /* the mapper's name for it */
	assert_int_equal(entry(dom[2], 10)->flags, GTF_permit_access | GTF_reading | GTF_writing);
	assert_false(revoke(dom[2], 10)); /* in use: the granter can't take it back */

	assert_int_equal(unmap(dom[1], op.handle, VA, op.dev_bus_addr), GNTST_okay);
	assert_false(mapped_at(dom[1], VA, &m));
	assert_int_equal(entry(dom[2], 10)->flags, GTF_permit_access);
	assert_true(revoke(dom[2], 10));
	assert_int_equal(map(dom[1], 2, 10, RW, VA).status, GNTST_general_error);
	assert_int_equal(live_mappings, 0);
}

static void test_map_errors(void **state)
{
	mfn_t page = give_frame(dom[2], true), ro_page = give_frame(dom[2], false);
	mfn_t other = give_frame(dom[1], true);

	grant(dom[2], 1, 1, page, false);
	grant(dom[2], 2, 0, page, false);    /* for dom0 */
	grant(dom[2], 3, 1, page, true);     /* read-only grant */
	grant(dom[2], 4, 1, other, false);   /* a frame the granter doesn't own */
	grant(dom[2], 5, 1, ro_page, false); /* a frame the granter may not write */
	entry(dom[2], 6)->flags = GTF_accept_transfer;
	entry(dom[2], 6)->domid = 1;

	assert_int_equal(map(dom[1], 2, 1, 0, VA).status, GNTST_bad_gntref);
	assert_int_equal(map(dom[1], 2, 1, GNTMAP_host_map, 0).status, GNTST_bad_virt_addr);
	assert_int_equal(map(dom[1], 2, 1, RW | GNTMAP_contains_pte, VA).status,
			 GNTST_general_error);
	assert_int_equal(map(dom[1], 9, 1, RW, VA).status, GNTST_bad_domain);
	assert_int_equal(map(dom[1], 2, 512, RW, VA).status, GNTST_bad_gntref);
	assert_int_equal(map(dom[1], 2, 2, RW, VA).status, GNTST_general_error);
	assert_int_equal(map(dom[1], 2, 3, RW, VA).status, GNTST_general_error);
	assert_int_equal(map(dom[1], 2, 4, RO, VA).status, GNTST_bad_page);
	assert_int_equal(map(dom[1], 2, 5, RW, VA).status, GNTST_general_error);
	assert_int_equal(map(dom[1], 2, 6, RO, VA).status, GNTST_general_error);
	assert_int_equal(map(dom[1], 2, 7, RO, VA).status, GNTST_general_error); /* invalid */
	assert_int_equal(map(dom[1], 2, 1, RW, BAD_GUEST_VA).status, GNTST_bad_virt_addr);
	/* No failure left a bit set or a mapping behind. */
	for (grant_ref_t r = 1; r <= 5; r++)
		assert_int_equal(entry(dom[2], r)->flags & (GTF_reading | GTF_writing), 0);
	assert_int_equal(live_mappings, 0);

	/* Read-only map of a read-only grant: reading only. */
	struct gnttab_map_grant_ref op = map(dom[1], 2, 3, RO, VA);
	assert_int_equal(op.status, GNTST_okay);
	assert_int_equal(entry(dom[2], 3)->flags, GTF_permit_access | GTF_readonly | GTF_reading);
	assert_int_equal(op.handle, 0); /* the failed maps released their handles */
	assert_int_equal(unmap(dom[1], op.handle, 0, 0), GNTST_okay);
}

static void test_mixed_uses(void **state)
{
	mfn_t page = give_frame(dom[2], true);

	grant(dom[2], 8, 1, page, false);
	struct gnttab_map_grant_ref a = map(dom[1], 2, 8, RO, VA);
	struct gnttab_map_grant_ref b = map(dom[1], 2, 8, RW, VA + 0x1000);
	struct gnttab_map_grant_ref c = map(dom[1], 2, 8, GNTMAP_device_map | GNTMAP_readonly, 0);
	assert_int_equal(a.status | b.status | c.status, GNTST_okay);
	assert_true(a.handle != b.handle && b.handle != c.handle);
	/* The granter rewrites the entry in use (against the protocol): uses keep the first frame. */
	entry(dom[2], 8)->frame = (uint32_t)mfn_x(give_frame(dom[2], true));
	struct gnttab_map_grant_ref d = map(dom[1], 2, 8, RO, VA + 0x2000);
	mfn_t m;
	assert_true(mapped_at(dom[1], VA + 0x2000, &m));
	assert_int_equal(mfn_x(m), mfn_x(page));

	assert_int_equal(unmap(dom[1], b.handle, 0, 0), GNTST_okay);
	assert_int_equal(entry(dom[2], 8)->flags, GTF_permit_access | GTF_reading);
	assert_int_equal(unmap(dom[1], a.handle, VA, 0), GNTST_okay);
	assert_int_equal(unmap(dom[1], d.handle, VA + 0x2000, 0), GNTST_okay);
	assert_int_equal(entry(dom[2], 8)->flags, GTF_permit_access | GTF_reading);
	assert_int_equal(unmap(dom[1], c.handle, 0, c.dev_bus_addr), GNTST_okay);
	assert_int_equal(entry(dom[2], 8)->flags, GTF_permit_access);
}

static void test_unmap_errors(void **state)
{
	mfn_t page = give_frame(dom[2], true);

	grant(dom[2], 9, 1, page, false);
	struct gnttab_map_grant_ref op = map(dom[1], 2, 9, RW | GNTMAP_device_map, VA);
	assert_int_equal(unmap(dom[1], op.handle + 1, 0, 0), GNTST_bad_handle);
	assert_int_equal(unmap(dom[1], 5000, 0, 0), GNTST_bad_handle);
	assert_int_equal(unmap(dom[1], op.handle, VA + 0x1000, 0), GNTST_bad_virt_addr);
	assert_int_equal(unmap(dom[1], op.handle, 0, op.dev_bus_addr + 0x1000), GNTST_bad_dev_addr);
	assert_int_equal(unmap(dom[2], op.handle, 0, 0), GNTST_bad_handle); /* not dom2's handle */
	assert_int_equal(unmap(dom[1], op.handle, VA, 0), GNTST_okay);
	assert_int_equal(unmap(dom[1], op.handle, VA, 0), GNTST_bad_handle);
}

static void test_maptrack_exhaustion(void **state)
{
	struct domain *d = harness_domain(3, 3);
	mfn_t page = give_frame(dom[2], true);
	struct gnttab_map_grant_ref op[4];

	grant(dom[2], 20, 3, page, false);
	for (int i = 0; i < 3; i++)
		assert_int_equal((op[i] = map(d, 2, 20, RO, VA + i * 0x1000UL)).status, GNTST_okay);
	op[3] = map(d, 2, 20, RO, VA + 0x3000);
	assert_int_equal(op[3].status, GNTST_no_space);
	assert_int_equal(unmap(d, op[1].handle, 0, 0), GNTST_okay);
	assert_int_equal(map(d, 2, 20, RO, VA + 0x3000).handle, op[1].handle);
	harness_kill(d); /* the dying mapper lets go of everything */
	assert_int_equal(entry(dom[2], 20)->flags, GTF_permit_access);
	assert_int_equal(live_mappings, 0);
}

/* A privileged (driver) domain may hold more mappings by default than another. */
static void test_maptrack_default_privileged(void **state)
{
	enum { N = GNTTAB_DEFAULT_MAX_MAPTRACK + 8 };
	static grant_handle_t h[N];
	struct domain *plain = harness_domain(3, 0), *drv = dom[0];
	mfn_t page = give_frame(dom[2], true);

	assert_true(drv->is_privileged);
	grant(dom[2], 21, 0, page, true);
	grant(dom[2], 22, 3, page, true);
	for (unsigned int i = 0; i < GNTTAB_DEFAULT_MAX_MAPTRACK; i++)
		assert_int_equal(map(plain, 2, 22, RO, VA + i * 0x1000UL).status, GNTST_okay);
	assert_int_equal(map(plain, 2, 22, RO, VA).status, GNTST_no_space);
	harness_kill(plain);
	for (unsigned int i = 0; i < N; i++) {
		struct gnttab_map_grant_ref op = map(drv, 2, 21, RO, VA + i * 0x1000UL);
		assert_int_equal(op.status, GNTST_okay);
		h[i] = op.handle;
	}
	for (unsigned int i = 0; i < N; i++)
		assert_int_equal(unmap(drv, h[i], VA + i * 0x1000UL, 0), GNTST_okay);
	assert_int_equal(live_mappings, 0);
}

static void test_copy(void **state)
{
	struct vcpu *v1 = dom[1]->vcpu[0];
	mfn_t theirs = give_frame(dom[2], true), mine = give_frame(dom[1], true);
	char *t = mfn_to_virt(theirs), *m = mfn_to_virt(mine);

	grant(dom[2], 30, 1, theirs, false);
	grant(dom[2], 31, 1, theirs, true);
	memcpy(m + 4000, "hello, grants", 14);
	struct gnttab_copy op = {
		.source = {.u.gmfn = mfn_x(mine), .domid = DOMID_SELF, .offset = 4000},
		.dest = {.u.ref = 30, .domid = 2, .offset = 4082},
		.len = 14,
		.flags = GNTCOPY_dest_gref,
	};
	gnttab_copy(v1, &op);
	assert_int_equal(op.status, GNTST_okay);
	assert_string_equal(t + 4082, "hello, grants");
	assert_int_equal(entry(dom[2], 30)->flags, GTF_permit_access); /* bits dropped again */

	/* The other way, through the read-only grant. */
	struct gnttab_copy back = {
		.source = {.u.ref = 31, .domid = 2, .offset = 4082},
		.dest = {.u.gmfn = mfn_x(mine), .domid = 1, .offset = 0},
		.len = 14,
		.flags = GNTCOPY_source_gref,
	};
	gnttab_copy(v1, &back);
	assert_int_equal(back.status, GNTST_okay);
	assert_string_equal(m, "hello, grants");

	/* Page edges, permissions, bad arguments: nothing is copied. */
	struct gnttab_copy bad = op;
	bad.len = 15; /* 4082 + 15 > 4096 */
	gnttab_copy(v1, &bad);
	assert_int_equal(bad.status, GNTST_bad_copy_arg);
	bad = op;
	bad.source.offset = 4095;
	bad.len = 2;
	gnttab_copy(v1, &bad);
	assert_int_equal(bad.status, GNTST_bad_copy_arg);
	bad = op;
	bad.source.domid = 2;
	gnttab_copy(v1, &bad);
	assert_int_equal(bad.status, GNTST_permission_denied);
	bad = op;
	bad.dest.u.ref = 31; /* read-only grant as destination */
	gnttab_copy(v1, &bad);
	assert_int_equal(bad.status, GNTST_general_error);
	bad = op;
	bad.dest.domid = 9;
	gnttab_copy(v1, &bad);
	assert_int_equal(bad.status, GNTST_bad_domain);
	bad = op;
	bad.source.u.gmfn = mfn_x(theirs); /* not the caller's frame */
	gnttab_copy(v1, &bad);
	assert_int_equal(bad.status, GNTST_bad_page);
	bad = op;
	bad.flags |= 4;
	gnttab_copy(v1, &bad);
	assert_int_equal(bad.status, GNTST_bad_copy_arg);
	assert_int_equal(entry(dom[2], 30)->flags, GTF_permit_access);
	assert_int_equal(entry(dom[2], 31)->flags, GTF_permit_access | GTF_readonly);
}

static void test_dying_granter(void **state)
{
	mfn_t page = give_frame(dom[2], true);

	grant(dom[2], 40, 1, page, false);
	struct gnttab_map_grant_ref op = map(dom[1], 2, 40, RW, VA);
	assert_int_equal(op.status, GNTST_okay);
	assert_int_equal(dom[2]->refcnt, 2); /* the mapping holds its granter */
	harness_kill(dom[2]);
	/* The mapping stays, and with it the frame and the granter's struct. */
	mfn_t m;
	assert_true(mapped_at(dom[1], VA, &m));
	assert_int_equal(live_structs, 3);
	assert_false(frame_is_free(page));
	assert_int_equal(map(dom[1], 2, 40, RW, VA + 0x1000).status, GNTST_bad_domain);
	assert_int_equal(unmap(dom[1], op.handle, VA, 0), GNTST_okay);
	/* The last user let go: frame and struct are gone, nothing is left. */
	assert_true(frame_is_free(page));
	assert_int_equal(live_structs, 2);
	assert_int_equal(live_mappings, 0);
}

static void test_dying_mapper(void **state)
{
	mfn_t page = give_frame(dom[2], true);

	grant(dom[2], 41, 1, page, false);
	grant(dom[2], 42, 1, page, true);
	assert_int_equal(map(dom[1], 2, 41, RW, VA).status, GNTST_okay);
	assert_int_equal(map(dom[1], 2, 42, RO, VA + 0x1000).status, GNTST_okay);
	assert_int_equal(map(dom[1], 2, 42, GNTMAP_device_map | GNTMAP_readonly, 0).status,
			 GNTST_okay);
	assert_int_equal(dom[2]->refcnt, 4);
	assert_int_equal(frame_uses(page), 3);
	/* the toolstack's counters (XEN_DOMCTL_hospes_grantinfo) */
	unsigned int maps, in_use;
	grant_domain_info(dom[1], 2, &maps, &in_use);
	assert_int_equal(maps, 3);
	assert_int_equal(in_use, 0);
	grant_domain_info(dom[1], 3, &maps, &in_use);
	assert_int_equal(maps, 0);
	grant_domain_info(dom[1], DOMID_INVALID, &maps, &in_use);
	assert_int_equal(maps, 3);
	grant_domain_info(dom[2], DOMID_INVALID, &maps, &in_use);
	assert_int_equal(maps, 0);
	assert_int_equal(in_use, 2); /* entries 41 and 42 */
	harness_kill(dom[1]);
	grant_domain_info(dom[2], DOMID_INVALID, &maps, &in_use);
	assert_int_equal(in_use, 0);
	/* Everything it mapped was unmapped: the granter can revoke, its count is back. */
	assert_int_equal(live_mappings, 0);
	assert_int_equal(live_structs, 2);
	assert_int_equal(dom[2]->refcnt, 1);
	assert_int_equal(frame_uses(page), 0);
	assert_true(revoke(dom[2], 41));
	assert_true(revoke(dom[2], 42));
}

static mfn_t held;

static void kill_dom2(void)
{
	harness_kill(dom[2]);
	assert_false(frame_is_free(held)); /* the use taken just now holds it */
	assert_int_equal(frame_uses(held), 1);
}

/* The granter dies between a map taking its use and the mapping going in. */
static void test_granter_dies_mid_map(void **state)
{
	mfn_t page = give_frame(dom[2], true);

	grant(dom[2], 43, 1, page, false);
	held = page;
	race_hook = kill_dom2;
	struct gnttab_map_grant_ref op = map(dom[1], 2, 43, RW, VA);
	assert_int_equal(op.status, GNTST_okay);
	assert_null(dom[2]);
	assert_int_equal(live_structs, 3);
	assert_int_equal(unmap(dom[1], op.handle, VA, 0), GNTST_okay);
	assert_true(frame_is_free(page));
	assert_int_equal(live_structs, 2);
}

/* The source's granter dies in the middle of a copy: the bytes still come from its frame. */
static void test_granter_dies_mid_copy(void **state)
{
	mfn_t theirs = give_frame(dom[2], true), mine = give_frame(dom[1], true);

	memcpy(mfn_to_virt(theirs), "still here", 11);
	grant(dom[2], 44, 1, theirs, true);
	struct gnttab_copy op = {
		.source = {.u.ref = 44, .domid = 2},
		.dest = {.u.gmfn = mfn_x(mine), .domid = DOMID_SELF},
		.len = 11,
		.flags = GNTCOPY_source_gref,
	};
	held = theirs;
	race_hook = kill_dom2;
	gnttab_copy(dom[1]->vcpu[0], &op);
	assert_int_equal(op.status, GNTST_okay);
	assert_string_equal(mfn_to_virt(mine), "still here");
	assert_true(frame_is_free(theirs)); /* the copy was the last user */
	assert_int_equal(live_structs, 2);
}

/* Failed operations leave no reference behind. */
static void test_refs_balanced(void **state)
{
	mfn_t page = give_frame(dom[2], true);
	struct gnttab_query_size qs = {.dom = 2};
	struct gnttab_setup_table st = {.dom = 2, .nr_frames = 1};
	xen_pfn_t f;

	grant(dom[2], 45, 1, page, true);
	assert_int_equal(map(dom[1], 2, 45, RW, VA).status, GNTST_general_error);
	assert_int_equal(map(dom[1], 2, 46, RO, VA).status, GNTST_general_error);
	assert_int_equal(map(dom[1], 2, 45, RO, BAD_GUEST_VA).status, GNTST_bad_virt_addr);
	assert_int_equal(map(dom[1], 2, 1 << 20, RO, VA).status, GNTST_bad_gntref);
	gnttab_query_size(dom[1]->vcpu[0], &qs);
	assert_int_equal(qs.status, GNTST_permission_denied);
	gnttab_setup_table(dom[1]->vcpu[0], &st, &f);
	assert_int_equal(st.status, GNTST_permission_denied);
	gnttab_query_size(dom[0]->vcpu[0], &qs);
	assert_int_equal(qs.status, GNTST_okay);
	for (int i = 0; i < 3; i++)
		assert_int_equal(dom[i]->refcnt, 1);
	assert_int_equal(frame_uses(page), 0);
}

static void test_hypercall_decode(void **state)
{
	struct vcpu *v1 = dom[1]->vcpu[0];
	mfn_t page = give_frame(dom[2], true);
	struct gnttab_map_grant_ref ops[2] = {
		{.host_addr = VA, .flags = RW, .ref = 50, .dom = 2},
		{.host_addr = VA + 0x1000, .flags = RW, .ref = 51, .dom = 2},
	};
	xen_pfn_t frames[2] = {0, 0};
	struct gnttab_setup_table st = {.dom = DOMID_SELF, .nr_frames = 2};

	grant(dom[2], 50, 1, page, false);
	assert_int_equal(do_grant_table_op(v1, GNTTABOP_map_grant_ref, (unsigned long)ops, 2, 0, 0),
			 0);
	assert_int_equal(ops[0].status, GNTST_okay);
	assert_int_equal(ops[1].status, GNTST_general_error); /* ref 51 not granted: alone */
	struct gnttab_unmap_grant_ref un = {.host_addr = VA, .handle = ops[0].handle};
	assert_int_equal(
		do_grant_table_op(v1, GNTTABOP_unmap_grant_ref, (unsigned long)&un, 1, 0, 0), 0);
	assert_int_equal(un.status, GNTST_okay);
	assert_int_equal(do_grant_table_op(v1, GNTTABOP_map_grant_ref, BAD_GUEST_VA, 1, 0, 0),
			 -XEN_EFAULT);
	set_xen_guest_handle(st.frame_list, frames);
	assert_int_equal(do_grant_table_op(v1, GNTTABOP_setup_table, (unsigned long)&st, 1, 0, 0),
			 0);
	assert_int_equal(st.status, GNTST_okay);
	assert_true(frames[0] && frames[1] && frames[0] != frames[1]);
	assert_int_equal(do_grant_table_op(v1, GNTTABOP_setup_table, (unsigned long)&st, 2, 0, 0),
			 -XEN_EINVAL);
	st.frame_list.p = (xen_pfn_t *)BAD_GUEST_VA;
	assert_int_equal(do_grant_table_op(v1, GNTTABOP_setup_table, (unsigned long)&st, 1, 0, 0),
			 -XEN_EFAULT);
	struct gnttab_get_version gv = {.dom = DOMID_SELF};
	assert_int_equal(do_grant_table_op(v1, GNTTABOP_get_version, (unsigned long)&gv, 1, 0, 0),
			 0);
	assert_int_equal(gv.version, 1);
	struct gnttab_set_version sv = {.version = 2};
	assert_int_equal(do_grant_table_op(v1, GNTTABOP_set_version, (unsigned long)&sv, 1, 0, 0),
			 -XEN_EACCES);
	assert_int_equal(sv.version, 1);
	assert_int_equal(do_grant_table_op(v1, GNTTABOP_transfer, (unsigned long)&sv, 1, 0, 0),
			 -XEN_ENOSYS);
	assert_int_equal(do_grant_table_op(v1, 99, (unsigned long)&sv, 1, 0, 0), -XEN_ENOSYS);
	assert_int_equal(gnttab_seed_entry(dom[1], 1, 0, 1234), 0);
	assert_int_equal(entry(dom[1], 1)->flags, GTF_permit_access);
	assert_int_equal(entry(dom[1], 1)->frame, 1234);
	assert_int_equal(gnttab_seed_entry(dom[1], 1 << 20, 0, 1), -XEN_EINVAL);
}

#define T(f) cmocka_unit_test_setup_teardown(f, harness_setup, harness_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_setup_query_version),
		T(test_map_unmap_and_revocation),
		T(test_map_errors),
		T(test_mixed_uses),
		T(test_unmap_errors),
		T(test_maptrack_exhaustion),
		T(test_maptrack_default_privileged),
		T(test_copy),
		T(test_dying_mapper),
		T(test_granter_dies_mid_map),
		T(test_granter_dies_mid_copy),
		T(test_refs_balanced),
		T(test_dying_granter),
		T(test_hypercall_decode),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
