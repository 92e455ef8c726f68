/*
 * The pvguest kernel's pure core on the host: the 2-level event scan on a
 * simulated shared_info page (clearing order, masks, re-raise, dropped
 * events), the time record arithmetic and seqcount, the page allocator,
 * the sbrk heap and the device table.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include <core/device.h>
#include <core/evtchn.h>
#include <core/time.h>
#include <mm/heap.h>
#include <mm/pages.h>

extern unsigned long evtchn_dropped;

static struct shared_info si;
static unsigned int seen[8], nseen;

static void raise_port(evtchn_port_t p)
{
	si.evtchn_pending[p / 64] |= 1UL << (p % 64);
	if (!(si.evtchn_mask[p / 64] & (1UL << (p % 64)))) {
		si.vcpu_info[0].evtchn_pending_sel |= 1UL << (p / 64);
		si.vcpu_info[0].evtchn_upcall_pending = 1;
	}
}

static void record(evtchn_port_t port, void *data)
{
	assert_ptr_equal(data, &si);
	/* The pending bit is cleared before the handler runs. */
	assert_false(si.evtchn_pending[port / 64] & (1UL << (port % 64)));
	if (nseen < 8)
		seen[nseen++] = port;
}

static void reraise_once(evtchn_port_t port, void *data)
{
	record(port, data);
	if (nseen == 1)
		raise_port(port);
}

static void setup_ports(void)
{
	memset(&si, 0, sizeof(si));
	nseen = 0;
	for (evtchn_port_t p = 1; p < 200; p++)
		evtchn_set_handler(p, NULL, NULL);
}

static void test_evtchn_scan_order_and_clearing(void **state)
{
	setup_ports();
	evtchn_set_handler(3, record, &si);
	evtchn_set_handler(70, record, &si);
	evtchn_set_handler(130, record, &si);
	raise_port(130);
	raise_port(3);
	raise_port(70);
	assert_int_equal(evtchn_scan(&si, &si.vcpu_info[0]), 3);
	assert_int_equal(nseen, 3);
	assert_int_equal(seen[0], 3);
	assert_int_equal(seen[1], 70);
	assert_int_equal(seen[2], 130);
	assert_int_equal(si.vcpu_info[0].evtchn_upcall_pending, 0);
	assert_int_equal(si.vcpu_info[0].evtchn_pending_sel, 0);
	assert_int_equal(si.evtchn_pending[0] | si.evtchn_pending[1] | si.evtchn_pending[2], 0);
	assert_int_equal(evtchn_scan(&si, &si.vcpu_info[0]), 0);
}

static void test_evtchn_masked_port_stays_pending(void **state)
{
	setup_ports();
	evtchn_set_handler(5, record, &si);
	evtchn_set_handler(6, record, &si);
	si.evtchn_mask[0] = 1UL << 5;
	raise_port(5);
	raise_port(6);
	/* A stale selector bit with a masked port must not run its handler. */
	si.vcpu_info[0].evtchn_pending_sel |= 1;
	assert_int_equal(evtchn_scan(&si, &si.vcpu_info[0]), 1);
	assert_int_equal(seen[0], 6);
	assert_true(si.evtchn_pending[0] & (1UL << 5));
}

static void test_evtchn_reraise_served_next_pass(void **state)
{
	setup_ports();
	evtchn_set_handler(9, reraise_once, &si);
	evtchn_set_handler(10, record, &si);
	raise_port(9);
	raise_port(10);
	assert_int_equal(evtchn_scan(&si, &si.vcpu_info[0]), 3);
	assert_int_equal(seen[0], 9);
	assert_int_equal(seen[1], 10); /* 9's re-raise waits for the next pass */
	assert_int_equal(seen[2], 9);
}

static void test_evtchn_unhandled_dropped_and_bad_ports(void **state)
{
	setup_ports();
	unsigned long before = evtchn_dropped;
	raise_port(77);
	assert_int_equal(evtchn_scan(&si, &si.vcpu_info[0]), 0);
	assert_int_equal(evtchn_dropped, before + 1);
	assert_false(si.evtchn_pending[1]);
	assert_false(evtchn_set_handler(0, record, NULL));
	assert_false(evtchn_set_handler(EVTCHN_2L_NR_CHANNELS, record, NULL));
	assert_true(evtchn_set_handler(EVTCHN_2L_NR_CHANNELS - 1, record, NULL));
}

static void test_time_scale(void **state)
{
	/* 2 GHz TSC: ns = tsc / 2, i.e. shift 0 and mul 2^31. */
	struct vcpu_time_info t = {.tsc_timestamp = 1000,
				   .system_time = 5000,
				   .tsc_to_system_mul = 1U << 31,
				   .tsc_shift = 0};
	assert_int_equal(time_ns_at(&t, 1000), 5000);
	assert_int_equal(time_ns_at(&t, 3000), 6000);
	assert_int_equal(time_ns_at(&t, 500), 5000); /* a TSC before the stamp: no underflow */
	/* Negative shift: 4 GHz as shift -1 and mul 2^31. */
	t.tsc_shift = -1;
	assert_int_equal(time_ns_at(&t, 1000 + 4000000000UL), 5000 + 1000000000UL);
	/* A delta past 2^32 cycles keeps its high bits (the 96-bit product). */
	t.tsc_shift = 1;
	t.tsc_to_system_mul = 0x80000000U; /* 1 GHz: ns = tsc */
	assert_int_equal(time_ns_at(&t, 1000 + (1UL << 40)), 5000 + (1UL << 40));
}

static void test_time_snapshot_and_wallclock(void **state)
{
	struct vcpu_time_info src = {.version = 4,
				     .tsc_timestamp = 1,
				     .system_time = 2,
				     .tsc_to_system_mul = 3,
				     .tsc_shift = -2,
				     .flags = 1};
	struct vcpu_time_info out;
	time_snapshot(&src, &out);
	assert_int_equal(out.version, 4);
	assert_int_equal(out.system_time, 2);
	assert_int_equal(out.tsc_shift, -2);
	memset(&si, 0, sizeof(si));
	si.wc_version = 2;
	si.wc_sec = 1700000000;
	si.wc_sec_hi = 1;
	si.wc_nsec = 5;
	assert_int_equal(time_wallclock_base_ns(&si),
			 ((1UL << 32) + 1700000000UL) * 1000000000UL + 5);
}

static void test_pages(void **state)
{
	pages_init(100, 200);
	assert_int_equal(pages_free_count(), 100);
	unsigned long a = pages_alloc(10), b = pages_alloc(1), c = pages_alloc(89);
	assert_int_equal(a, 100);
	assert_int_equal(b, 110);
	assert_int_equal(c, 111);
	assert_int_equal(pages_alloc(1), NO_PFN);
	assert_false(pages_free(50, 1));  /* below the managed range */
	assert_false(pages_free(199, 2)); /* past its end */
	assert_true(pages_free(a, 10));
	assert_false(pages_free(a, 1)); /* double free */
	assert_true(pages_free(b, 1));
	assert_int_equal(pages_alloc(11), 100); /* the freed runs coalesce */
	assert_int_equal(pages_alloc(0), NO_PFN);
	pages_init(5, PAGES_MAX + 10); /* capped */
	assert_int_equal(pages_free_count(), PAGES_MAX - 5);
}

static void test_heap(void **state)
{
	heap_init(0x10000, 0x20000);
	assert_int_equal((uintptr_t)heap_sbrk(0), 0x10000);
	assert_int_equal((uintptr_t)heap_sbrk(0x8000), 0x10000);
	assert_null(heap_sbrk(0x9000)); /* past the end: unchanged */
	assert_int_equal((uintptr_t)heap_sbrk(0x8000), 0x18000);
	assert_null(heap_sbrk(1));
	assert_int_equal((uintptr_t)heap_sbrk(-0x10000), 0x20000);
	assert_null(heap_sbrk(-1)); /* below the start */
	assert_null(heap_sbrk(INTPTR_MIN));
	assert_int_equal((uintptr_t)heap_sbrk(0), 0x10000);
}

static void test_devices(void **state)
{
	static struct device con = {.name = "console", .kind = DEV_CONSOLE};
	static struct device dup = {.name = "console", .kind = DEV_CONSOLE};
	static struct device unnamed = {.name = ""};
	static struct device many[DEVICES_MAX];
	static char names[DEVICES_MAX][16];
	assert_int_equal(device_register(&con), 0);
	assert_int_equal(device_register(&dup), -EEXIST);
	assert_int_equal(device_register(&unnamed), -EINVAL);
	assert_int_equal(device_register(NULL), -EINVAL);
	assert_ptr_equal(device_find("console"), &con);
	assert_null(device_find("blk0"));
	int rc = 0;
	for (unsigned int i = 0; i < DEVICES_MAX && rc == 0; i++) {
		snprintf(names[i], sizeof(names[i]), "d%u", i);
		many[i].name = names[i];
		rc = device_register(&many[i]);
	}
	assert_int_equal(rc, -ENOSPC);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_evtchn_scan_order_and_clearing),
		cmocka_unit_test(test_evtchn_masked_port_stays_pending),
		cmocka_unit_test(test_evtchn_reraise_served_next_pass),
		cmocka_unit_test(test_evtchn_unhandled_dropped_and_bad_ports),
		cmocka_unit_test(test_time_scale),
		cmocka_unit_test(test_time_snapshot_and_wallclock),
		cmocka_unit_test(test_pages),
		cmocka_unit_test(test_heap),
		cmocka_unit_test(test_devices),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
