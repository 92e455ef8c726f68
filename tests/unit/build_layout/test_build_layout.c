/*
 * Host tests of the PV boot layout (kernel/domain/build_layout.c): the
 * element order and sizes of xen-pv-abi.md section 3.3, the figures Xen
 * gives a 64 MiB dom0 (5 page-table frames, region end 4 MiB), the slack
 * rule, refusals, and a walk of the bootstrap page tables written.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <hospes/build_layout.h>
#include <public/errno.h>

#define MB	 (1UL << 20)
#define MFN_BIAS 0x1000UL /* guest frame numbers differ from pfns in the walk test */

static void test_dom0_64mib(void **state)
{
	struct pv_layout_req req = {
		.virt_kstart = 0, .virt_kend = 0x1f123, .nr_pages = 16384, .dom0 = true};
	struct pv_layout l;
	assert_int_equal(pv_layout_compute(&req, &l), 0);
	assert_int_equal(l.v_start, 0);
	assert_int_equal(l.mod_start, 0);
	assert_int_equal(l.p2m_start, 0x20000);
	assert_int_equal(l.p2m_pages, 32); /* 16384 * 8 bytes */
	assert_int_equal(l.start_info, 0x40000);
	assert_int_equal(l.xenstore, 0);
	assert_int_equal(l.console, 0);
	assert_int_equal(l.pt_start, 0x41000);
	assert_int_equal(l.nr_pt_frames, 5); /* L4, L3, L2, 2 x L1 */
	assert_int_equal(l.stack, 0x46000);
	assert_int_equal(l.v_end, 4 * MB);
}

static void test_domu_with_module(void **state)
{
	struct pv_layout_req req = {
		.virt_kstart = 0x2000, .virt_kend = 0x9000, .mod_len = 5000, .nr_pages = 8192};
	struct pv_layout l;
	assert_int_equal(pv_layout_compute(&req, &l), 0);
	assert_int_equal(l.mod_start, 0x9000);
	assert_int_equal(l.p2m_start, 0xb000);
	assert_int_equal(l.p2m_pages, 16);
	assert_int_equal(l.start_info, 0x1b000);
	assert_int_equal(l.xenstore, 0x1c000);
	assert_int_equal(l.console, 0x1d000);
	assert_int_equal(l.pt_start, 0x1e000);
	assert_int_equal(l.nr_pt_frames, 5);
	assert_int_equal(l.stack, 0x23000);
	assert_int_equal(pv_layout_pfn(&l, l.stack), 0x23);
}

static void test_slack_rule_adds_4mib(void **state)
{
	/* The stack would end 0x1000 before 4 MiB: less than 512 KiB slack. */
	struct pv_layout_req req = {
		.virt_kstart = 0, .virt_kend = 0x3b9000, .nr_pages = 16384, .dom0 = true};
	struct pv_layout l;
	assert_int_equal(pv_layout_compute(&req, &l), 0);
	assert_int_equal(l.v_end, 8 * MB);
	assert_int_equal(l.nr_pt_frames, 7); /* L4, L3, L2, 4 x L1 */
	assert_true(l.v_end - (l.stack + 4096) >= 512 * 1024);
	assert_true(l.v_end - (l.stack + 4096) < 512 * 1024 + 4 * MB);
}

static void test_linux_like_high_base(void **state)
{
	uint64_t base = 0xffffffff80000000UL;
	struct pv_layout_req req = {.virt_base = base,
				    .virt_kstart = base + 16 * MB,
				    .virt_kend = base + 46 * MB + 0x123,
				    .nr_pages = 65536,
				    .dom0 = true};
	struct pv_layout l;
	assert_int_equal(pv_layout_compute(&req, &l), 0);
	assert_int_equal(l.v_start, base);
	assert_int_equal(l.p2m_start, base + 46 * MB + 0x1000);
	assert_int_equal(l.v_end % (4 * MB), 0);
	assert_true(l.v_end - (l.stack + 4096) >= 512 * 1024);
	/* [base, v_end) = 48 MiB: 24 L1s, one L2, one L3, the L4 */
	assert_int_equal(l.v_end, base + 48 * MB);
	assert_int_equal(l.nr_pt_frames, 27);
	assert_int_equal(pv_layout_pfn(&l, req.virt_kstart), 0x1000);
}

static void test_refusals(void **state)
{
	struct pv_layout l;
	struct pv_layout_req req = {.virt_kstart = 0, .virt_kend = 0x1000, .nr_pages = 1000};
	assert_int_equal(pv_layout_compute(&req, &l), -XEN_ENOMEM); /* 1024 pages mapped */
	req.nr_pages = 1024;
	assert_int_equal(pv_layout_compute(&req, &l), 0);
	req.nr_pages = 0;
	assert_int_equal(pv_layout_compute(&req, &l), -XEN_EINVAL);
	req = (struct pv_layout_req){
		.virt_base = 0x1800, .virt_kstart = 0x2000, .virt_kend = 0x3000, .nr_pages = 4096};
	assert_int_equal(pv_layout_compute(&req, &l), -XEN_EINVAL); /* base not aligned */
	req = (struct pv_layout_req){
		.virt_base = 0x4000, .virt_kstart = 0x2000, .virt_kend = 0x3000, .nr_pages = 4096};
	assert_int_equal(pv_layout_compute(&req, &l), -XEN_EINVAL); /* image below base */
	req = (struct pv_layout_req){.virt_base = 0xffff800000000000UL,
				     .virt_kstart = 0xffff800000000000UL,
				     .virt_kend = 0xffff800000001000UL,
				     .nr_pages = 4096};
	assert_int_equal(pv_layout_compute(&req, &l), -XEN_EINVAL); /* hypervisor range */
	req = (struct pv_layout_req){.virt_kstart = (1UL << 47) - 0x2000,
				     .virt_kend = (1UL << 47) - 0x1000,
				     .nr_pages = 1UL << 27};
	assert_int_equal(pv_layout_compute(&req, &l), -XEN_EINVAL); /* past the low half */
	req = (struct pv_layout_req){.virt_base = 0xfffffffffff00000UL,
				     .virt_kstart = 0xfffffffffff00000UL,
				     .virt_kend = 0xfffffffffff01000UL,
				     .nr_pages = 4096};
	assert_int_equal(pv_layout_compute(&req, &l), -XEN_EINVAL); /* wraps */
}

/* ---- the bootstrap tables ---------------------------------------------- */

static uint64_t (*frames)[512];

static void *frame_of(void *ctx, unsigned long pfn)
{
	return frames[pfn];
}

static unsigned long mfn_of(void *ctx, unsigned long pfn)
{
	return pfn + MFN_BIAS;
}

/* Walk from the L4 at pt_start; returns the L1 entry or 0 if not present. */
static uint64_t walk(const struct pv_layout *l, uint64_t va)
{
	uint64_t *t = frames[pv_layout_pfn(l, l->pt_start)];
	for (int shift = 39; shift > 12; shift -= 9) {
		uint64_t e = t[(va >> shift) & 511];
		if (!(e & 1))
			return 0;
		assert_int_equal(e & 0xfff, 0x67);
		t = frames[((e & ~0xfffUL) >> 12) - MFN_BIAS];
	}
	return t[(va >> 12) & 511];
}

static void test_tables(void **state)
{
	struct pv_layout_req req = {
		.virt_kstart = 0, .virt_kend = 0x3b9000, .nr_pages = 4096, .dom0 = false};
	struct pv_layout l;
	assert_int_equal(pv_layout_compute(&req, &l), 0);
	frames = calloc(4096, sizeof(*frames));
	assert_non_null(frames);
	pv_layout_write_tables(&l, frame_of, mfn_of, NULL);
	unsigned long pt = pv_layout_pfn(&l, l.pt_start);
	for (uint64_t va = 0; va < l.v_end; va += 4096) {
		uint64_t e = walk(&l, va);
		unsigned long pfn = va >> 12;
		bool is_pt = pfn >= pt && pfn < pt + l.nr_pt_frames;
		assert_int_equal(e >> 12, pfn + MFN_BIAS);
		assert_int_equal(e & 0xfff, is_pt ? 0x21 : 0x23);
	}
	assert_int_equal(walk(&l, l.v_end), 0);
	assert_int_equal(walk(&l, 1UL << 39), 0);
	free(frames);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dom0_64mib),
		cmocka_unit_test(test_domu_with_module),
		cmocka_unit_test(test_slack_rule_adds_4mib),
		cmocka_unit_test(test_linux_like_high_base),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_tables),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
