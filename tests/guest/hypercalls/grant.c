/*
 * grant_table_op (20) from inside a guest.
 *
 * The guest grants pages to itself (a driver domain serving itself is
 * allowed, as in Xen), so every path runs whether we are dom0 or a domU:
 * setup_table and query_size, the shared table mapped over a page of ours,
 * copy by reference into a frame of ours, map and unmap, a read-only grant,
 * and each status Xen documents per element (bad reference, handle,
 * address, domain, copy argument, a grant not offered) next to the
 * hypercall-level errors (count for single-structure commands, unknown
 * commands, bad and page-crossing arrays, other domains).
 */
#include "conform.h"
#include <public/grant_table.h>

static uint8_t table_page[4096] __attribute__((aligned(4096)));
static uint8_t src[4096] __attribute__((aligned(4096)));
static uint8_t dst[4096] __attribute__((aligned(4096)));
static uint8_t map_at[4096] __attribute__((aligned(4096)));

enum { REF_RW = 8, REF_RO = 9, REF_NONE = 10, REF_OTHER = 11 };

static long gnttab(unsigned int cmd, void *uop, unsigned long count)
{
	return hypercall(__HYPERVISOR_grant_table_op, cmd, (unsigned long)uop, count, 0, 0);
}

static void grant(grant_ref_t ref, domid_t to, const void *page, uint16_t flags)
{
	struct grant_entry_v1 *e = (struct grant_entry_v1 *)table_page + ref;
	e->domid = to;
	e->frame = (uint32_t)conform_mfn(page);
	__asm__ volatile("" ::: "memory");
	e->flags = flags;
}

static void test_table(void)
{
	static struct gnttab_query_size qs;
	static struct gnttab_setup_table st;
	static xen_pfn_t frames[2];

	qs.dom = DOMID_SELF;
	tg_expect(gnttab(GNTTABOP_query_size, &qs, 1), 0, "grant query_size");
	tg_check(qs.status == GNTST_okay && qs.max_nr_frames == 16, "grant: at most 16 frames");
	tg_expect(gnttab(GNTTABOP_query_size, &qs, 0), -XEN_EINVAL, "grant query_size count 0");
	tg_expect(gnttab(GNTTABOP_query_size, &qs, 2), -XEN_EINVAL, "grant query_size count 2");
	st = (struct gnttab_setup_table){.dom = DOMID_SELF, .nr_frames = 1};
	st.frame_list.p = frames;
	tg_expect(gnttab(GNTTABOP_setup_table, &st, 1), 0, "grant setup_table 1 frame");
	tg_expect(st.status, GNTST_okay, "grant setup_table status");
	tg_expect(hypercall(__HYPERVISOR_update_va_mapping, (unsigned long)table_page,
			    (frames[0] << 12) | PTE_FLAGS, UVMF_INVLPG, 0, 0),
		  0, "grant: the table's frame maps over a page of ours");
	qs.dom = DOMID_SELF;
	gnttab(GNTTABOP_query_size, &qs, 1);
	tg_check(qs.nr_frames >= 1, "grant query_size: at least the frame set up");
	st.nr_frames = 17;
	tg_expect(gnttab(GNTTABOP_setup_table, &st, 1), 0, "grant setup_table 17 frames");
	tg_expect(st.status, GNTST_general_error, "grant setup_table: more than the limit");
	st.nr_frames = 65;
	gnttab(GNTTABOP_setup_table, &st, 1);
	tg_expect(st.status, GNTST_general_error, "grant setup_table: 65 frames");
	st.nr_frames = 1;
	st.frame_list.p = (xen_pfn_t *)HV_RANGE;
	tg_expect(gnttab(GNTTABOP_setup_table, &st, 1), -XEN_EFAULT,
		  "grant setup_table: frame list in the hypervisor range");
	st.frame_list.p = frames;
	st.dom = 0x7000;
	gnttab(GNTTABOP_setup_table, &st, 1);
	tg_expect(st.status, GNTST_bad_domain, "grant setup_table of no domain");
	qs.dom = conform_is_dom0() ? 0x7000 : 0;
	gnttab(GNTTABOP_query_size, &qs, 1);
	tg_expect(qs.status, conform_is_dom0() ? GNTST_bad_domain : GNTST_permission_denied,
		  "grant query_size of another domain (dom0: none; domU: dom0)");
}

static int16_t copy(grant_ref_t ref, uint16_t src_off, uint16_t dst_off, uint16_t len,
		    domid_t dst_dom)
{
	static struct gnttab_copy c;
	c = (struct gnttab_copy){
		.source = {.u.ref = ref, .domid = DOMID_SELF, .offset = src_off},
		.dest = {.u.gmfn = conform_mfn(dst), .domid = dst_dom, .offset = dst_off},
		.len = len,
		.flags = GNTCOPY_source_gref,
	};
	if (gnttab(GNTTABOP_copy, &c, 1))
		return 99;
	return c.status;
}

static void test_copy(void)
{
	for (int i = 0; i < 4096; i++)
		src[i] = (uint8_t)(i * 7 + 1);
	grant(REF_RW, conform_domid(), src, GTF_permit_access);
	tg_expect(copy(REF_RW, 100, 200, 64, DOMID_SELF), GNTST_okay, "grant copy by reference");
	bool same = dst[199] == 0 && dst[264] == 0;
	for (int i = 0; i < 64; i++)
		same = same && dst[200 + i] == src[100 + i];
	tg_check(same, "grant copy: exactly the 64 bytes");
	tg_expect(copy(REF_RW, 0, 0, 4096, DOMID_SELF), GNTST_okay, "grant copy a whole page");
	tg_expect(copy(REF_RW, 4090, 0, 16, DOMID_SELF), GNTST_bad_copy_arg,
		  "grant copy crossing the end of the source page");
	tg_expect(copy(REF_RW, 0, 4095, 2, DOMID_SELF), GNTST_bad_copy_arg,
		  "grant copy crossing the end of the destination page");
	tg_expect(copy(REF_RW, 0, 0, 0, DOMID_SELF), GNTST_okay, "grant copy of 0 bytes");
	tg_expect(copy(REF_NONE, 0, 0, 8, DOMID_SELF), GNTST_general_error,
		  "grant copy of a reference not granted");
	tg_expect(copy(512 * 16, 0, 0, 8, DOMID_SELF), GNTST_bad_gntref,
		  "grant copy of a reference past the table");
	tg_expect(copy(~0U, 0, 0, 8, DOMID_SELF), GNTST_bad_gntref, "grant copy of reference ~0");
	grant(REF_OTHER, (domid_t)(conform_domid() + 1), src, GTF_permit_access);
	tg_expect(copy(REF_OTHER, 0, 0, 8, DOMID_SELF), GNTST_general_error,
		  "grant copy of a reference granted to another domain");
	/* As Xen: a plain frame is always the caller's own, even for dom0. */
	tg_expect(copy(REF_RW, 0, 0, 8, conform_is_dom0() ? 0x7000 : 0), GNTST_permission_denied,
		  "grant copy into another domain's frame");
}

static void test_map(void)
{
	static struct gnttab_map_grant_ref m[3];
	static struct gnttab_unmap_grant_ref u;
	uint8_t keep = map_at[0];

	m[0] = (struct gnttab_map_grant_ref){.host_addr = (unsigned long)map_at,
					     .flags = GNTMAP_host_map,
					     .ref = REF_RW,
					     .dom = DOMID_SELF};
	tg_expect(gnttab(GNTTABOP_map_grant_ref, m, 1), 0, "grant map_grant_ref");
	tg_expect(m[0].status, GNTST_okay, "grant map status");
	tg_check(map_at[1] == src[1] && map_at[4095] == src[4095], "grant map: we see the page");
	u = (struct gnttab_unmap_grant_ref){.host_addr = (unsigned long)map_at,
					    .handle = m[0].handle};
	tg_expect(gnttab(GNTTABOP_unmap_grant_ref, &u, 1), 0, "grant unmap_grant_ref");
	tg_expect(u.status, GNTST_okay, "grant unmap status");
	tg_expect(gnttab(GNTTABOP_unmap_grant_ref, &u, 1), 0, "grant unmap again");
	tg_expect(u.status, GNTST_bad_handle, "grant unmap again: bad handle");
	tg_expect(hypercall(__HYPERVISOR_update_va_mapping, (unsigned long)map_at,
			    (conform_mfn(map_at) << 12) | PTE_FLAGS, UVMF_INVLPG, 0, 0),
		  0, "grant: our own page back");
	tg_expect(map_at[0], keep, "grant: with its contents");
	grant(REF_RO, conform_domid(), src, GTF_permit_access | GTF_readonly);
	m[0].ref = REF_RO;
	gnttab(GNTTABOP_map_grant_ref, m, 1);
	tg_expect(m[0].status, GNTST_general_error, "grant map of a read-only grant for writing");
	/* A batch: each element fails or succeeds on its own. */
	m[0].flags = GNTMAP_host_map | GNTMAP_readonly;
	m[1] = m[0];
	m[1].flags = 0;
	m[2] = m[0];
	m[2].host_addr = 0;
	tg_expect(gnttab(GNTTABOP_map_grant_ref, m, 3), 0, "grant map a batch of 3");
	tg_expect(m[0].status, GNTST_okay, "grant map read-only of a read-only grant");
	tg_expect(m[1].status, GNTST_bad_gntref, "grant map with no GNTMAP_host/device_map");
	tg_expect(m[2].status, GNTST_bad_virt_addr, "grant map at address 0");
	u.handle = m[0].handle;
	gnttab(GNTTABOP_unmap_grant_ref, &u, 1);
	tg_expect(u.status, GNTST_okay, "grant unmap the read-only mapping");
	hypercall(__HYPERVISOR_update_va_mapping, (unsigned long)map_at,
		  (conform_mfn(map_at) << 12) | PTE_FLAGS, UVMF_INVLPG, 0, 0);
	m[0].flags = GNTMAP_host_map | GNTMAP_contains_pte;
	gnttab(GNTTABOP_map_grant_ref, m, 1);
	tg_expect(m[0].status, GNTST_general_error, "grant map with GNTMAP_contains_pte");
	m[0].flags = GNTMAP_host_map;
	m[0].dom = 0x7000;
	gnttab(GNTTABOP_map_grant_ref, m, 1);
	tg_expect(m[0].status, GNTST_bad_domain, "grant map from no domain");
}

static void test_ops(void)
{
	static struct gnttab_get_version gv;
	static struct gnttab_set_version sv;
	static struct gnttab_map_grant_ref m;

	gv.dom = DOMID_SELF;
	tg_expect(gnttab(GNTTABOP_get_version, &gv, 1), 0, "grant get_version");
	tg_expect(gv.version, 1, "grant: version 1");
	gv.dom = conform_is_dom0() ? 0x7000 : 0;
	tg_expect(gnttab(GNTTABOP_get_version, &gv, 1), conform_is_dom0() ? -XEN_ESRCH : -XEN_EPERM,
		  "grant get_version of another domain");
	sv.version = 1;
	tg_expect(gnttab(GNTTABOP_set_version, &sv, 1), 0, "grant set_version 1");
	sv.version = 2;
	tg_expect(gnttab(GNTTABOP_set_version, &sv, 1), -XEN_EACCES, "grant set_version 2");
	tg_expect(sv.version, 1, "grant set_version: the version in force comes back");
	sv.version = 3;
	tg_expect(gnttab(GNTTABOP_set_version, &sv, 1), -XEN_EINVAL, "grant set_version 3");
	tg_expect(gnttab(GNTTABOP_map_grant_ref, &m, 0), 0, "grant map of 0 elements");
	tg_expect(gnttab(GNTTABOP_map_grant_ref, (void *)HV_RANGE, 1), -XEN_EFAULT,
		  "grant map from the hypervisor range");
	tg_expect(gnttab(GNTTABOP_copy, (void *)NONCANON, 1), -XEN_EFAULT,
		  "grant copy from a non-canonical array");
	/* Elements before the unmapped end are carried out; then -EFAULT. */
	static struct gnttab_copy *edge;
	edge = (struct gnttab_copy *)(tg_mapping_end() - sizeof(*edge));
	tg_expect(gnttab(GNTTABOP_copy, edge, 2), -XEN_EFAULT,
		  "grant copy: an array running into the unmapped");
	const unsigned int unknown[] = {GNTTABOP_dump_table,
					GNTTABOP_transfer,
					GNTTABOP_unmap_and_replace,
					GNTTABOP_get_status_frames,
					GNTTABOP_swap_grant_ref,
					GNTTABOP_cache_flush,
					13,
					~0U};
	for (unsigned int i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++)
		tg_expect(gnttab(unknown[i], &m, 1), -XEN_ENOSYS, "grant unknown command");
}

void test_grant(void)
{
	test_table();
	test_copy();
	test_map();
	test_ops();
	for (grant_ref_t r = REF_RW; r <= REF_OTHER; r++)
		((struct grant_entry_v1 *)table_page)[r].flags = 0;
}
