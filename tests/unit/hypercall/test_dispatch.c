/*
 * Host tests of the dispatcher, multicall, console_io and xen_version.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <hospes/pv_mmu.h>
#include <public/errno.h>
#include <public/features.h>
#include <public/sched.h>
#include <public/version.h>
#include <public/xen.h>
#include "env.h"
#include <hospes/event.h>
#include <hospes/console_input.h>
#include <hospes/trace.h>

void fake_frame_init(void);

static void test_unknown_numbers_enosys(void **state)
{
	env_reset(true);
	static const unsigned long nrs[] = {11, 27, 31, 34, 38, 42, 47, 48, 55, 63, 64, 1000, ~0UL};
	for (size_t i = 0; i < sizeof(nrs) / sizeof(nrs[0]); i++)
		assert_int_equal(hc(v0, nrs[i], 0, 0, 0), -XEN_ENOSYS);
}

static void test_memory_family_routed(void **state)
{
	env_reset(false);
	assert_int_equal(hc(v0, __HYPERVISOR_mmu_update, 0, 0, 0), 1001);
	assert_int_equal(hc(v0, __HYPERVISOR_memory_op, 0, 0, 0), 1012);
	assert_int_equal(hc(v0, __HYPERVISOR_set_gdt, 0, 0, 0), 1002);
	assert_int_equal(hc(v0, __HYPERVISOR_update_descriptor, 0, 0, 0), 1010);
	assert_int_equal(hc(v0, __HYPERVISOR_update_va_mapping, 0, 0, 0), 1014);
	assert_int_equal(hc(v0, __HYPERVISOR_mmuext_op, 0, 0, 0), 1026);
	assert_int_equal(hc(v0, __HYPERVISOR_event_channel_op, 0, 0, 0), 1032);
	assert_int_equal(hc(v0, __HYPERVISOR_event_channel_op_compat, 0, 0, 0), 1016);
	assert_int_equal(hc(v0, __HYPERVISOR_grant_table_op, 0, 0, 0), 1020);
}

static void test_privileged_rows(void **state)
{
	env_reset(false);
	assert_int_equal(hc(v0, __HYPERVISOR_sysctl, 0, 0, 0), -XEN_EPERM);
	assert_int_equal(hc(v0, __HYPERVISOR_domctl, 0, 0, 0), -XEN_EPERM);
	env_reset(true);
	assert_int_equal(hc(v0, __HYPERVISOR_sysctl, 0, 0, 0), 1035);
	assert_int_equal(hc(v0, __HYPERVISOR_domctl, 0, 0, 0), 1036);
}

static void test_every_row_named(void **state)
{
	for (unsigned int i = 0; i < NR_HYPERCALLS; i++)
		if (hypercall_table[i].fn)
			assert_non_null(hypercall_table[i].name);
}

/* The SYSCALL fast path calls these rows with no checks: never a
 * privileged one, never one that may leave a base reload behind. */
static void test_fast_handlers(void **state)
{
	for (unsigned long nr = 0; nr < NR_HYPERCALLS + 2; nr++) {
		hypercall_fn fn = hypercall_fast_handler(nr);
		if (nr >= NR_HYPERCALLS || !hypercall_table[nr].fn) {
			assert_null(fn);
			continue;
		}
		if (hypercall_table[nr].who != HC_ANY)
			assert_null(fn);
	}
	assert_ptr_equal(hypercall_fast_handler(__HYPERVISOR_xen_version), do_xen_version);
	assert_ptr_equal(hypercall_fast_handler(__HYPERVISOR_event_channel_op),
			 do_event_channel_op_fast); /* its own: the port read by one move */
	assert_ptr_equal(hypercall_fast_handler(__HYPERVISOR_mmu_update),
			 do_mmu_update_fast); /* its own: moves through the loaded tables */
	assert_ptr_equal(hypercall_fast_handler(__HYPERVISOR_mmuext_op), do_mmuext_op_fast);
	assert_null(hypercall_fast_handler(__HYPERVISOR_sysctl));
	assert_null(hypercall_fast_handler(__HYPERVISOR_domctl));
	assert_null(hypercall_fast_handler(__HYPERVISOR_set_segment_base));
	assert_null(hypercall_fast_handler(__HYPERVISOR_multicall));
	assert_null(hypercall_fast_handler(__HYPERVISOR_iret));
	assert_null(hypercall_fast_handler(~0UL));
}

static void test_console_write(void **state)
{
	env_reset(false);
	strcpy(gptr(GVA), "hello\nwor\x01ld\n");
	assert_int_equal(hc(v0, __HYPERVISOR_console_io, CONSOLEIO_write, 6, GVA), 0);
	assert_int_equal(env.lines, 1);
	assert_string_equal(env.line, "hello");
	assert_int_equal(hc(v0, __HYPERVISOR_console_io, CONSOLEIO_write, 7, GVA + 6), 0);
	assert_string_equal(env.line, "wor?ld");
	assert_int_equal(env.lines, 2);
	/* a long line is flushed at the buffer size */
	memset(gptr(GVA), 'x', 300);
	assert_int_equal(hc(v0, __HYPERVISOR_console_io, CONSOLEIO_write, 300, GVA), 0);
	assert_int_equal(env.lines, 4);
	assert_int_equal(strlen(env.line), PV_CON_LINE - 1);
	/* zero bytes, bad pointers, page-crossing end of memory */
	assert_int_equal(hc(v0, __HYPERVISOR_console_io, CONSOLEIO_write, 0, 0), 0);
	assert_int_equal(hc(v0, __HYPERVISOR_console_io, CONSOLEIO_write, 1, 0), -XEN_EFAULT);
	assert_int_equal(hc(v0, __HYPERVISOR_console_io, CONSOLEIO_write, 4, GVA + GMEM - 2),
			 -XEN_EFAULT);
	assert_int_equal(hc(v0, __HYPERVISOR_console_io, CONSOLEIO_write, 1, 0xffff800000000000UL),
			 -XEN_EFAULT);
	assert_int_equal(hc(v0, __HYPERVISOR_console_io, 7, 1, GVA), -XEN_ENOSYS);
}

static void test_console_read(void **state)
{
	env_reset(false);
	assert_int_equal(hc(v0, __HYPERVISOR_console_io, CONSOLEIO_read, 10, GVA), -XEN_EPERM);
	env_reset(true);
	assert_int_equal(hc(v0, __HYPERVISOR_console_io, CONSOLEIO_read, 10, GVA), 0);
	assert_int_equal(hc(v0, __HYPERVISOR_console_io, CONSOLEIO_read, 0x80000000UL, GVA),
			 -XEN_E2BIG);
	/* typed bytes come out in order, at most count per call */
	for (const char *p = "ls\r"; *p; p++)
		assert_true(console_input_put(*p));
	assert_int_equal(hc(v0, __HYPERVISOR_console_io, CONSOLEIO_read, 2, GVA), 2);
	assert_memory_equal(gptr(GVA), "ls", 2);
	assert_int_equal(hc(v0, __HYPERVISOR_console_io, CONSOLEIO_read, 10, GVA), 1);
	assert_memory_equal(gptr(GVA), "\r", 1);
	assert_int_equal(hc(v0, __HYPERVISOR_console_io, CONSOLEIO_read, 10, GVA), 0);
	/* a full buffer drops the newest bytes and keeps the rest in order */
	unsigned long dropped = console_input_dropped();
	for (unsigned int i = 0; i < CONSOLE_INPUT_SIZE + 5; i++)
		console_input_put((char)('a' + i % 26));
	assert_int_equal(console_input_dropped() - dropped, 5);
	long total = 0, n;
	while ((n = hc(v0, __HYPERVISOR_console_io, CONSOLEIO_read, 300, GVA)) > 0) {
		assert_int_equal(((char *)gptr(GVA))[0], 'a' + total % 26);
		total += n;
	}
	assert_int_equal(total, CONSOLE_INPUT_SIZE);
	/* a bad buffer: -EFAULT, never a crash */
	console_input_put('x');
	assert_int_equal(hc(v0, __HYPERVISOR_console_io, CONSOLEIO_read, 1, 0), -XEN_EFAULT);
}

static void test_console_partial_line(void **state)
{
	/* dom0's unfinished line (its prompt) is shown at once; a domU's waits */
	env_reset(true);
	strcpy(gptr(GVA), "dom0# ");
	assert_int_equal(hc(v0, __HYPERVISOR_console_io, CONSOLEIO_write, 6, GVA), 0);
	assert_int_equal(env.partials, 1);
	assert_string_equal(env.partial, "dom0# ");
	strcpy(gptr(GVA), "l\bls\n");
	assert_int_equal(hc(v0, __HYPERVISOR_console_io, CONSOLEIO_write, 5, GVA), 0);
	assert_int_equal(env.lines, 1);
	assert_string_equal(env.line, "l\bls");
	env_reset(false);
	strcpy(gptr(GVA), "d1> \b");
	assert_int_equal(hc(v0, __HYPERVISOR_console_io, CONSOLEIO_write, 5, GVA), 0);
	assert_int_equal(env.partials, 0);
	strcpy(gptr(GVA), "\n");
	assert_int_equal(hc(v0, __HYPERVISOR_console_io, CONSOLEIO_write, 1, GVA), 0);
	assert_string_equal(env.line, "d1> ?");
}

static void test_xen_version(void **state)
{
	env_reset(false);
	assert_int_equal(hc(v0, __HYPERVISOR_xen_version, XENVER_version, 0, 0), (4 << 16) | 17);
	assert_int_equal(hc(v0, __HYPERVISOR_xen_version, XENVER_capabilities, GVA, 0), 0);
	assert_string_equal(gptr(GVA), "xen-3.0-x86_64");
	assert_int_equal(hc(v0, __HYPERVISOR_xen_version, XENVER_extraversion, GVA, 0), 0);
	assert_string_equal(gptr(GVA), "-hospes");
	assert_int_equal(hc(v0, __HYPERVISOR_xen_version, XENVER_changeset, GVA, 0), 0);
	assert_memory_equal(gptr(GVA), "hospes ", 7);
	assert_int_equal(hc(v0, __HYPERVISOR_xen_version, XENVER_compile_info, GVA, 0), 0);
	assert_string_equal(((struct xen_compile_info *)gptr(GVA))->compiler, "gcc");
	assert_int_equal(hc(v0, __HYPERVISOR_xen_version, XENVER_platform_parameters, GVA, 0), 0);
	assert_int_equal(*(unsigned long *)gptr(GVA), 0xFFFF800000000000UL);
	assert_int_equal(hc(v0, __HYPERVISOR_xen_version, XENVER_pagesize, 0, 0), 4096);
	assert_int_equal(hc(v0, __HYPERVISOR_xen_version, XENVER_pagesize, GVA, 0), -XEN_EINVAL);
	assert_int_equal(hc(v0, __HYPERVISOR_xen_version, XENVER_guest_handle, GVA, 0), 0);
	assert_int_equal(((unsigned char *)gptr(GVA))[15], 3);
	assert_int_equal(hc(v0, __HYPERVISOR_xen_version, XENVER_commandline, GVA, 0), -XEN_EPERM);
	assert_int_equal(hc(v0, __HYPERVISOR_xen_version, 99, GVA, 0), -XEN_ENOSYS);
	/* every buffer-filling sub-op refuses a bad or too short buffer */
	static const int subs[] = {XENVER_extraversion,	       XENVER_compile_info,
				   XENVER_capabilities,	       XENVER_changeset,
				   XENVER_platform_parameters, XENVER_get_features,
				   XENVER_guest_handle};
	for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++) {
		assert_int_equal(hc(v0, __HYPERVISOR_xen_version, subs[i], 0, 0), -XEN_EFAULT);
		assert_int_equal(hc(v0, __HYPERVISOR_xen_version, subs[i], GVA + GMEM - 4, 0),
				 -XEN_EFAULT);
	}
	env_reset(true);
	assert_int_equal(hc(v0, __HYPERVISOR_xen_version, XENVER_commandline, GVA, 0), 0);
	assert_string_equal(gptr(GVA), "console=com1 dom0_mem=64M");
	assert_int_equal(hc(v0, __HYPERVISOR_xen_version, XENVER_commandline, GVA + GMEM - 1000, 0),
			 -XEN_EFAULT);
}

static void test_features(void **state)
{
	struct xen_feature_info *fi = gptr(GVA);
	env_reset(false);
	assert_int_equal(hc(v0, __HYPERVISOR_xen_version, XENVER_get_features, GVA, 0), 0);
	assert_int_equal(fi->submap, 1U << XENFEAT_direct_mapped);
	fi->submap_idx = 1;
	assert_int_equal(hc(v0, __HYPERVISOR_xen_version, XENVER_get_features, GVA, 0),
			 -XEN_EINVAL);
	env_reset(true);
	assert_int_equal(hc(v0, __HYPERVISOR_xen_version, XENVER_get_features, GVA, 0), 0);
	assert_int_equal(fi->submap, (1U << XENFEAT_direct_mapped) | (1U << XENFEAT_dom0));
}

static void test_multicall(void **state)
{
	env_reset(false);
	struct multicall_entry *m = gptr(GVA);
	m[0] = (struct multicall_entry){.op = __HYPERVISOR_xen_version, .args = {XENVER_version}};
	m[1] = (struct multicall_entry){.op = 99};
	m[2] = (struct multicall_entry){.op = __HYPERVISOR_multicall, .args = {GVA, 1}};
	m[3] = (struct multicall_entry){.op = __HYPERVISOR_xen_version, .args = {XENVER_pagesize}};
	assert_int_equal(hc(v0, __HYPERVISOR_multicall, GVA, 4, 0), 0);
	assert_int_equal(m[0].result, (4 << 16) | 17);
	assert_int_equal((long)m[1].result, -XEN_ENOSYS);
	assert_int_equal((long)m[2].result, -XEN_EINVAL);
	assert_int_equal(m[3].result, 4096);
	assert_int_equal(hc(v0, __HYPERVISOR_multicall, GVA, 0, 0), 0);
	assert_int_equal(hc(v0, __HYPERVISOR_multicall, 0, 1, 0), -XEN_EFAULT);
	assert_int_equal(hc(v0, __HYPERVISOR_multicall, GVA + GMEM - 64, 2, 0), -XEN_EFAULT);
	assert_int_equal(hc(v0, __HYPERVISOR_multicall, GVA, 100000, 0), -XEN_EINVAL);
}

/* A traced domain's hypercalls are recorded: number, arguments, result and
 * cost, refusals and multicall entries too; an untraced one's are not. */
static void test_traced_dispatch(void **state)
{
	struct hospes_trace_rec r[8];
	uint64_t pos = HOSPES_TRACE_POS_NOW, lost = 0;
	env_reset(false);
	fake_mem_init(64);
	fake_frame_init();
	trace_reset();
	assert_int_equal(hc(v0, __HYPERVISOR_xen_version, XENVER_version, 0, 0), (4 << 16) | 17);
	assert_int_equal(trace_set(&dom, HOSPES_TRACE_HYPERCALLS, 1), 0);
	assert_int_equal(trace_read(0, &pos, &lost, DOMID_INVALID, HOSPES_TRACE_HYPERCALLS, r, 8),
			 0);
	assert_int_equal(
		hypercall_dispatch(v1, __HYPERVISOR_xen_version, XENVER_version, 7, 8, 9, 10),
		(4 << 16) | 17);
	assert_int_equal(hc(v0, __HYPERVISOR_sysctl, GVA, 0, 0), -XEN_EPERM);
	assert_int_equal(hc(v0, 63, 1, 2, 3), -XEN_ENOSYS);
	struct multicall_entry *m = gptr(GVA);
	memset(m, 0, sizeof(*m));
	m[0].op = __HYPERVISOR_xen_version;
	assert_int_equal(hc(v0, __HYPERVISOR_multicall, GVA, 1, 0), 0);
	assert_int_equal(trace_read(0, &pos, &lost, DOMID_INVALID, HOSPES_TRACE_HYPERCALLS, r, 8),
			 5);
	assert_int_equal(r[0].domain, dom.id);
	assert_int_equal(r[0].vcpu, 1);
	assert_int_equal(r[0].op, __HYPERVISOR_xen_version);
	static const uint64_t want[5] = {XENVER_version, 7, 8, 9, 10};
	assert_memory_equal(r[0].arg, want, sizeof(want));
	assert_int_equal(r[0].result, (4 << 16) | 17);
	assert_int_equal(r[0].cycles, FAKE_CYCLES_STEP); /* two clock reads, nothing between */
	assert_int_equal(r[1].op, __HYPERVISOR_sysctl);
	assert_int_equal(r[1].result, -XEN_EPERM);
	assert_int_equal(r[2].result, -XEN_ENOSYS);
	assert_int_equal(r[3].op, __HYPERVISOR_xen_version); /* the entry, inside ... */
	assert_int_equal(r[4].op, __HYPERVISOR_multicall);   /* ... the batch it belongs to */
	assert_true(r[4].cycles > r[3].cycles);
	assert_int_equal(trace_set(&dom, 0, 1), 0);
	hc(v0, __HYPERVISOR_xen_version, XENVER_version, 0, 0);
	assert_int_equal(trace_read(0, &pos, &lost, DOMID_INVALID, HOSPES_TRACE_HYPERCALLS, r, 8),
			 0);
	assert_int_equal(lost, 0);
	trace_reset();
	fake_mem_fini();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unknown_numbers_enosys),
		cmocka_unit_test(test_privileged_rows),
		cmocka_unit_test(test_every_row_named),
		cmocka_unit_test(test_fast_handlers),
		cmocka_unit_test(test_memory_family_routed),
		cmocka_unit_test(test_console_write),
		cmocka_unit_test(test_console_read),
		cmocka_unit_test(test_console_partial_line),
		cmocka_unit_test(test_xen_version),
		cmocka_unit_test(test_features),
		cmocka_unit_test(test_multicall),
		cmocka_unit_test(test_traced_dispatch),
	};
	int fails = cmocka_run_group_tests_name("dispatch", tests, NULL, NULL);
	extern int run_cpu_tests(void);
	extern int run_bounce_tests(void);
	return fails + run_cpu_tests() + run_bounce_tests();
}
