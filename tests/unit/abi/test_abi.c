/*
 * Host tests of the guest ABI headers (kernel/include/public/).
 *
 * Sizes and offsets: every line of layout.h is checked at compile time
 * and again at run time (so a failure names the field).  Numbers that
 * guests hard-code (hypercalls, VIRQs, commands, status codes) are
 * compared with the fact sheet.  The ring macros are exercised on a real
 * page: slot counts, the notify rule across index wrap-around, the final
 * check before sleeping and the clamp on a lying producer.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <public/callback.h>
#include <public/domctl.h>
#include <public/elfnote.h>
#include <public/errno.h>
#include <public/event_channel.h>
#include <public/features.h>
#include <public/grant_table.h>
#include <public/io/blkif.h>
#include <public/io/console.h>
#include <public/io/netif.h>
#include <public/io/protocols.h>
#include <public/io/ring.h>
#include <public/memory.h>
#include <public/nmi.h>
#include <public/physdev.h>
#include <public/sched.h>
#include <public/sysctl.h>
#include <public/vcpu.h>
#include <public/version.h>
#include <public/xen.h>

#include "layout.h"

#define STATIC_SIZE(type, size) _Static_assert(sizeof(type) == (size), "sizeof " #type);
#define STATIC_OFF(type, field, off)                                                               \
	_Static_assert(offsetof(type, field) == (off), "offsetof " #type "." #field);
ABI_LAYOUT(STATIC_SIZE, STATIC_OFF)

struct layout_row {
	const char *what;
	size_t got, want;
};

#define ROW_SIZE(type, size)	  {"sizeof " #type, sizeof(type), (size)},
#define ROW_OFF(type, field, off) {#type "." #field, offsetof(type, field), (off)},
static const struct layout_row layout_rows[] = {ABI_LAYOUT(ROW_SIZE, ROW_OFF)};

static void test_layouts(void **state)
{
	unsigned int bad = 0;

	for (size_t i = 0; i < sizeof(layout_rows) / sizeof(layout_rows[0]); i++) {
		if (layout_rows[i].got != layout_rows[i].want) {
			print_error("%s: %zu, expected %zu\n", layout_rows[i].what,
				    layout_rows[i].got, layout_rows[i].want);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
	assert_true(sizeof(layout_rows) / sizeof(layout_rows[0]) > 200);
}

static void test_numbers(void **state)
{
	assert_int_equal(__HYPERVISOR_mmu_update, 1);
	assert_int_equal(__HYPERVISOR_memory_op, 12);
	assert_int_equal(__HYPERVISOR_grant_table_op, 20);
	assert_int_equal(__HYPERVISOR_iret, 23);
	assert_int_equal(__HYPERVISOR_mmuext_op, 26);
	assert_int_equal(__HYPERVISOR_sched_op, 29);
	assert_int_equal(__HYPERVISOR_event_channel_op, 32);
	assert_int_equal(__HYPERVISOR_domctl, 36);
	assert_int_equal(__HYPERVISOR_arch_7, 55);
	assert_int_equal(EVTCHN_2L_NR_CHANNELS, 4096);
	assert_int_equal(sizeof(((struct shared_info *)0)->evtchn_pending) * 8, 4096);
	assert_int_equal(NR_VIRQS, 24);
	assert_int_equal(VIRQ_DOM_EXC, 3);
	assert_int_equal(DOMID_SELF, 0x7ff0);
	assert_int_equal(DOMID_IDLE, 0x7fff);
	assert_int_equal(EVTCHNOP_reset, 10);
	assert_int_equal(EVTCHNOP_init_control, 11);
	assert_int_equal(GNTTABOP_get_version, 10);
	assert_int_equal(GNTST_no_space, -13);
	assert_int_equal(GNTST_bad_copy_arg, -10);
	assert_int_equal(MMUEXT_NEW_USER_BASEPTR, 15);
	assert_int_equal(XEN_ENOSYS, 38);
	assert_int_equal(XEN_EINVAL, 22);
	assert_int_equal(XENFEAT_direct_mapped, 17);
	assert_int_equal(SCHEDOP_poll, 3);
	assert_int_equal(VCPUOP_register_vcpu_info, 10);
	assert_int_equal(XEN_DOMCTL_setvcpucontext, 12);
	assert_int_equal(XEN_SYSCTL_getdomaininfolist, 6);
	assert_int_equal(FLAT_KERNEL_CS, 0xe033);
	assert_int_equal(FLAT_KERNEL_SS, 0xe02b);
	assert_int_equal(FIRST_RESERVED_GDT_ENTRY, 7168);
	assert_true(HYPERVISOR_VIRT_END - HYPERVISOR_VIRT_START == 16UL << 39);
	assert_int_equal(MACH2PHYS_NR_ENTRIES, 1UL << 35);
	assert_int_equal(xen_pfn_to_cr3(0x1234), 0x1234000);
	assert_string_equal(XEN_IO_PROTO_ABI_NATIVE, "x86_64-abi");
}

static void test_guest_handles(void **state)
{
	struct gnttab_setup_table st;
	xen_pfn_t frames[4];

	set_xen_guest_handle(st.frame_list, frames);
	assert_int_equal(guest_handle_va(st.frame_list), (unsigned long)frames);
	assert_int_equal(sizeof(st.frame_list), 8);
}

static void test_ring_sizes(void **state)
{
	static uint8_t page[4096] __attribute__((aligned(4096)));
	struct blkif_front_ring bf;
	struct netif_tx_front_ring tf;
	struct netif_rx_back_ring rb;

	SHARED_RING_INIT((struct blkif_sring *)page);
	FRONT_RING_INIT(&bf, (struct blkif_sring *)page, sizeof(page));
	assert_int_equal(RING_SIZE(&bf), 32);
	assert_int_equal(__CONST_RING_SIZE(blkif, 4096), 32);
	FRONT_RING_INIT(&tf, (struct netif_tx_sring *)page, sizeof(page));
	assert_int_equal(RING_SIZE(&tf), 256);
	BACK_RING_INIT(&rb, (struct netif_rx_sring *)page, sizeof(page));
	assert_int_equal(RING_SIZE(&rb), 256);
	assert_int_equal(((struct blkif_sring *)page)->req_event, 1);
	assert_int_equal(RING_FREE_REQUESTS(&bf), 32);
}

DEFINE_RING_TYPES(test, uint64_t, uint64_t);

/* A frontend and a backend on one page, indices started just below 2^32. */
struct ring_pair {
	uint8_t page[4096] __attribute__((aligned(64)));
	struct test_front_ring f;
	struct test_back_ring b;
};

static void ring_pair_init(struct ring_pair *p, RING_IDX start)
{
	struct test_sring *s = (struct test_sring *)p->page;

	SHARED_RING_INIT(s);
	s->req_prod = s->rsp_prod = start;
	s->req_event = s->rsp_event = start + 1;
	FRONT_RING_ATTACH(&p->f, s, start, sizeof(p->page));
	BACK_RING_ATTACH(&p->b, s, start, sizeof(p->page));
}

static int push_requests(struct ring_pair *p, unsigned int n)
{
	int notify;

	for (unsigned int i = 0; i < n; i++)
		*RING_GET_REQUEST(&p->f, p->f.req_prod_pvt++) = 0x1000 + i;
	RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&p->f, notify);
	return notify;
}

static void test_ring_notify_rule(void **state)
{
	static struct ring_pair p;
	int more;

	ring_pair_init(&p, 0xfffffffe); /* the indices wrap during the test */
	assert_int_equal(RING_SIZE(&p.f), 256);
	assert_true(push_requests(&p, 1));  /* req_event = start + 1: first one notifies */
	assert_false(push_requests(&p, 2)); /* backend has not asked again */
	assert_int_equal(RING_HAS_UNCONSUMED_REQUESTS(&p.b), 3);

	uint64_t req;
	for (int i = 0; i < 3; i++)
		RING_COPY_REQUEST(&p.b, p.b.req_cons++, &req);
	assert_int_equal(req, 0x1001);
	RING_FINAL_CHECK_FOR_REQUESTS(&p.b, more);
	assert_false(more);
	assert_int_equal(p.page[4] | p.page[5] << 8, (0xfffffffeU + 4) & 0xffff);
	assert_true(push_requests(&p, 4)); /* req_event in (old, new]: notify */
	assert_false(push_requests(&p, 1));

	/* Responses go the other way with the same rule. */
	int notify;
	*RING_GET_RESPONSE(&p.b, p.b.rsp_prod_pvt++) = 7;
	RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&p.b, notify);
	assert_true(notify);
	assert_int_equal(RING_HAS_UNCONSUMED_RESPONSES(&p.f), 1);
	assert_int_equal(*RING_GET_RESPONSE(&p.f, p.f.rsp_cons), 7);
	p.f.rsp_cons++;
	RING_FINAL_CHECK_FOR_RESPONSES(&p.f, more);
	assert_false(more);
}

static void test_ring_lying_producer(void **state)
{
	static struct ring_pair p;

	ring_pair_init(&p, 0);
	/* A frontend claims a million requests: the backend sees one ring's worth. */
	((struct test_sring *)p.page)->req_prod = 1000000;
	assert_int_equal(RING_HAS_UNCONSUMED_REQUESTS(&p.b), 256);
	assert_true(RING_REQUEST_PROD_OVERFLOW(&p.b, 1000000U));
	assert_false(RING_REQUEST_PROD_OVERFLOW(&p.b, 256U));
	p.b.req_cons = 256;
	assert_true(RING_REQUEST_CONS_OVERFLOW(&p.b, p.b.req_cons));
	assert_int_equal(RING_HAS_UNCONSUMED_REQUESTS(&p.b), 0);
}

static void test_ring_need_notify(void **state)
{
	/* event in (old, new] modulo 2^32 */
	assert_true(RING_NEED_NOTIFY(10U, 12U, 11U));
	assert_true(RING_NEED_NOTIFY(10U, 12U, 12U));
	assert_false(RING_NEED_NOTIFY(10U, 12U, 10U));
	assert_false(RING_NEED_NOTIFY(10U, 12U, 13U));
	assert_true(RING_NEED_NOTIFY(0xffffffffU, 1U, 0U));
	assert_false(RING_NEED_NOTIFY(0xffffffffU, 1U, 2U));
}

static void test_console_mask(void **state)
{
	struct xencons_interface c;

	assert_int_equal(MASK_XENCONS_IDX(2049U, c.out), 1);
	assert_int_equal(MASK_XENCONS_IDX(1025U, c.in), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layouts),		 cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_guest_handles),	 cmocka_unit_test(test_ring_sizes),
		cmocka_unit_test(test_ring_notify_rule), cmocka_unit_test(test_ring_lying_producer),
		cmocka_unit_test(test_ring_need_notify), cmocka_unit_test(test_console_mask),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
