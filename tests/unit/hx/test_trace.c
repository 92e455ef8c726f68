/*
 * Host tests of hx trace's pure half (pvguest/dom0/hx/trace_fmt.c): the
 * arguments (each bad one with its message, the result untouched), the
 * hypercall names against Xen's numbers, each record kind as a line, and
 * the sort by time stamp.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <dom0/hx/trace_fmt.h>
#include <public/errno.h>
#include <public/event_channel.h>
#include <public/sched.h>
#include <public/xen.h>
#include "tests.h"

static int parse(const char *line, struct hx_trace_args *a, char *err)
{
	static char buf[128];
	char *argv[8];
	int argc = 0;
	strcpy(buf, line);
	for (char *w = strtok(buf, " "); w && argc < 8; w = strtok(NULL, " "))
		argv[argc++] = w;
	return hx_parse_trace(argc, argv, a, err, 160);
}

static void test_parse_good(void **state)
{
	struct hx_trace_args a;
	char err[160];
	assert_int_equal(parse("trace 3", &a, err), 0);
	assert_false(a.events);
	assert_false(a.all);
	assert_int_equal(a.target.domid, 3);
	assert_int_equal(a.count, 0);
	assert_int_equal(parse("trace -n 20 web", &a, err), 0);
	assert_true(a.target.by_name);
	assert_string_equal(a.target.name, "web");
	assert_int_equal(a.count, 20);
	assert_int_equal(parse("trace --events", &a, err), 0);
	assert_true(a.events);
	assert_true(a.all);
	assert_int_equal(parse("trace --events 0 -n 1", &a, err), 0);
	assert_false(a.all);
	assert_int_equal(a.target.domid, 0);
	assert_int_equal(a.count, 1);
	assert_null(a.until);
	assert_int_equal(parse("trace --events -n 80 --until d1v0,VIRQ_TIMER", &a, err), 0);
	assert_true(a.all);
	assert_int_equal(a.count, 80);
	assert_string_equal(a.until, "d1v0,VIRQ_TIMER");
	assert_int_equal(parse("trace --until send 0", &a, err), 0);
	assert_int_equal(a.target.domid, 0);
	assert_int_equal(a.count, 0);
	assert_string_equal(a.until, "send");
}

static void test_parse_bad(void **state)
{
	static const struct {
		const char *line, *msg;
	} bad[] = {
		{"trace", "trace: give a domain id or name (or --events for every domain)"},
		{"trace -n 5", "trace: give a domain id or name (or --events for every domain)"},
		{"trace 1 -n", "trace: -n needs a number from 1 to 1000000"},
		{"trace 1 -n 0", "trace: -n needs a number from 1 to 1000000"},
		{"trace 1 -n x", "trace: -n needs a number from 1 to 1000000"},
		{"trace 1 -n 1000001", "trace: -n needs a number from 1 to 1000000"},
		{"trace 1 2", "trace: give one domain id or name"},
		{"trace 1 --evnts", "trace: unknown option --evnts"},
		{"trace 1 --until",
		 "trace: --until needs words of a record's line, comma-separated "
		 "(at most 63 characters)"},
		{"trace 1 --until -n 5", "trace: --until needs words of a record's line, "
					 "comma-separated (at most 63 characters)"},
		{"trace 1 --until "
		 "a234567890123456789012345678901234567890123456789012345678901234",
		 "trace: --until needs words of a record's line, comma-separated (at most 63 "
		 "characters)"},
		{"trace a/b", "trace: \"a/b\" is neither a domain id nor a name"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct hx_trace_args a, before;
		char err[160] = "";
		memset(&a, 0x5a, sizeof(a));
		before = a;
		assert_int_equal(parse(bad[i].line, &a, err), -1);
		assert_string_equal(err, bad[i].msg);
		assert_memory_equal(&a, &before, sizeof(a));
	}
}

static void test_names(void **state)
{
	assert_string_equal(hx_hypercall_name(__HYPERVISOR_sched_op), "sched_op");
	assert_string_equal(hx_hypercall_name(__HYPERVISOR_iret), "iret");
	assert_string_equal(hx_hypercall_name(__HYPERVISOR_set_trap_table), "set_trap_table");
	assert_string_equal(hx_hypercall_name(__HYPERVISOR_hypfs_op), "hypfs_op");
	assert_null(hx_hypercall_name(11));
	assert_null(hx_hypercall_name(47));
	assert_null(hx_hypercall_name(100000));
}

static char line[200];

static const char *fmt(const struct hospes_trace_rec *r)
{
	/* t0 = 1000 cycles, 2000 kHz: 2 cycles a microsecond */
	hx_trace_format(r, 1000, 2000, line, sizeof(line));
	return line;
}

static void test_format_hypercalls(void **state)
{
	struct hospes_trace_rec r = {.tsc = 1000 + 2 * 1500,
				     .kind = HOSPES_TREC_HYPERCALL,
				     .cpu = 1,
				     .domain = 3,
				     .vcpu = 0,
				     .op = __HYPERVISOR_sched_op,
				     .arg = {SCHEDOP_yield, 0, 7, 8, 9},
				     .result = 0,
				     .cycles = 812};
	assert_string_equal(fmt(&r), "    1500 c1 d3v0 sched_op(yield, 0) = 0  [812 cycles]");
	r.op = __HYPERVISOR_event_channel_op;
	r.arg[0] = 4; /* EVTCHNOP_send */
	r.arg[1] = 0x7ffff000;
	r.result = -XEN_EINVAL;
	assert_string_equal(fmt(&r), "    1500 c1 d3v0 event_channel_op(send, 0x7ffff000) = -22 "
				     "(EINVAL)  [812 cycles]");
	r.op = __HYPERVISOR_xen_version;
	r.arg[0] = 0;
	r.result = 0x40011;
	r.tsc = 10; /* before t0: shown at 0 */
	assert_string_equal(fmt(&r), "       0 c1 d3v0 xen_version(version, 0x7ffff000) = 0x40011  "
				     "[812 cycles]");
	r.op = __HYPERVISOR_iret;
	r.result = 0;
	assert_string_equal(fmt(&r), "       0 c1 d3v0 iret() = 0  [812 cycles]");
	r.op = __HYPERVISOR_memory_op;
	r.arg[0] = 8; /* no name in the table: shown as a number */
	assert_string_equal(fmt(&r), "       0 c1 d3v0 memory_op(8, 0x7ffff000) = 0  [812 cycles]");
	r.op = 47; /* not a Xen hypercall: all five arguments */
	r.result = -XEN_ENOSYS;
	assert_string_equal(fmt(&r), "       0 c1 d3v0 hypercall_47(8, 0x7ffff000, 7, 8, 9) = -38 "
				     "(ENOSYS)  [812 cycles]");
	r.op = __HYPERVISOR_console_io;
	r.arg[0] = 99; /* a command out of range */
	r.result = -1000;
	assert_string_equal(fmt(&r), "       0 c1 d3v0 console_io(0x63, 0x7ffff000, 7) = -1000 "
				     "(error)  [812 cycles]");
}

static void test_format_others(void **state)
{
	struct hospes_trace_rec r = {.tsc = 1000,
				     .kind = HOSPES_TREC_TRAP,
				     .domain = 2,
				     .vcpu = 1,
				     .op = 14,
				     .arg = {6, 0x403000, 0x401234},
				     .result = HOSPES_TRAP_FIXED,
				     .cycles = 2400};
	assert_string_equal(fmt(&r), "       0 c0 d2v1 trap #PF at 0x403000 ec 0x6 rip 0x401234 "
				     "-> fixed by the hypervisor");
	r.result = HOSPES_TRAP_BOUNCED;
	assert_string_equal(fmt(&r), "       0 c0 d2v1 trap #PF at 0x403000 ec 0x6 rip 0x401234 "
				     "-> guest kernel");
	r.op = 3;
	r.arg[0] = 0;
	assert_string_equal(fmt(&r), "       0 c0 d2v1 trap #BP rip 0x401234 -> guest kernel");
	r.op = 13;
	r.arg[0] = 0x412;
	assert_string_equal(fmt(&r),
			    "       0 c0 d2v1 trap #GP ec 0x412 rip 0x401234 -> guest kernel");
	r.op = 0x100;
	assert_string_equal(fmt(&r),
			    "       0 c0 d2v1 syscall from user mode at 0x401234 -> guest kernel");
	r.op = 40;
	r.arg[0] = 0;
	assert_string_equal(fmt(&r), "       0 c0 d2v1 trap 40 rip 0x401234 -> guest kernel");

	r = (struct hospes_trace_rec){.tsc = 5000,
				      .kind = HOSPES_TREC_EVENT,
				      .domain = 0,
				      .vcpu = 0,
				      .op = 5,
				      .result = 1};
	assert_string_equal(fmt(&r), "    2000 c0 d0v0 event port 5 raised");
	r.result = 0;
	assert_string_equal(fmt(&r), "    2000 c0 d0v0 event port 5 raised again (still pending)");
	r.result = 1;
	r.arg[0] = EVTCHNSTAT_pirq;
	r.arg[1] = 11;
	assert_string_equal(fmt(&r), "    2000 c0 d0v0 event port 5 raised (pirq 11)");
	r.arg[0] = EVTCHNSTAT_virq;
	r.arg[1] = VIRQ_CONSOLE;
	assert_string_equal(fmt(&r), "    2000 c0 d0v0 event port 5 raised (VIRQ_CONSOLE)");
	r.arg[1] = 5; /* no name: a number */
	assert_string_equal(fmt(&r), "    2000 c0 d0v0 event port 5 raised (virq 5)");
	r.arg[1] = 99;
	assert_string_equal(fmt(&r), "    2000 c0 d0v0 event port 5 raised (virq 99)");
	r.arg[0] = EVTCHNSTAT_interdomain;
	r.arg[1] = 7;
	r.arg[2] = 3;
	assert_string_equal(fmt(&r), "    2000 c0 d0v0 event port 5 raised (from d3 port 7)");
	r.arg[0] = EVTCHNSTAT_ipi;
	assert_string_equal(fmt(&r), "    2000 c0 d0v0 event port 5 raised (IPI)");
	r.arg[0] = EVTCHNSTAT_closed;
	assert_string_equal(fmt(&r), "    2000 c0 d0v0 event port 5 raised");
	r = (struct hospes_trace_rec){.tsc = 1000,
				      .kind = HOSPES_TREC_SWITCH,
				      .domain = 1,
				      .vcpu = 0,
				      .arg = {DOMID_IDLE, 0}};
	assert_string_equal(fmt(&r), "       0 c0 switch idle -> d1v0");
	r.domain = DOMID_IDLE;
	r.arg[0] = 0;
	r.arg[1] = 2;
	assert_string_equal(fmt(&r), "       0 c0 switch d0v2 -> idle");
	r.kind = 99;
	assert_string_equal(fmt(&r), "       0 c0 record of unknown kind 99");
	/* a short buffer: cut, terminated, and the full length returned */
	char small[12];
	int n = hx_trace_format(&r, 1000, 2000, small, sizeof(small));
	assert_int_equal(n, (int)strlen(line));
	assert_string_equal(small, "       0 c0");
	assert_int_equal(hx_trace_format(&r, 1000, 0, small, sizeof(small)), n); /* no kHz: t 0 */
}

static void test_sort(void **state)
{
	struct hospes_trace_rec r[5] = {{.tsc = 30, .op = 1},
					{.tsc = 10, .op = 2},
					{.tsc = 30, .op = 3},
					{.tsc = 20, .op = 4},
					{.tsc = 10, .op = 5}};
	hx_trace_sort(r, 5);
	static const unsigned int order[] = {2, 5, 4, 1, 3}; /* equal stamps keep their order */
	for (int i = 0; i < 5; i++)
		assert_int_equal(r[i].op, order[i]);
	hx_trace_sort(r, 0);
}

/* --until's words: all of them, anywhere in the line, in any order. */
static void test_line_has(void **state)
{
	const char *tick = "   56039 c0 d1v0 event port 3 raised (VIRQ_TIMER)";
	const char *d0 = "   43614 c0 d0v0 event port 1 raised (VIRQ_TIMER)";
	assert_true(hx_line_has(tick, "d1v0,VIRQ_TIMER"));
	assert_true(hx_line_has(tick, "VIRQ_TIMER,d1v0"));
	assert_false(hx_line_has(d0, "d1v0,VIRQ_TIMER"));
	assert_true(hx_line_has(d0, "VIRQ_TIMER"));
	assert_false(hx_line_has(tick, "d1v0,pirq"));
	assert_true(hx_line_has("  77144 c0 d0v0 event_channel_op(send, 0x21e6fc4) = 0", "send"));
	assert_false(hx_line_has("  62616 c0 d0v0 console_io(read, 0x10, 0x51fc0) = 0", "send"));
	assert_true(hx_line_has(tick, "d1v0,")); /* an empty word matches */
}

/* A console stream cut into lines: the count of bytes up to the first
 * line with the words, lines cut across reads, long lines, no match. */
static void test_line_watch(void **state)
{
	struct hx_line_watch w = {.words = "tick,motd"};
	const char *a = "blkfront: xvda: 2048 sectors\ninit: root on xvda\ntick 1, 28 bytes of /e";
	const char *b = "tc/motd\ntick 2, 28 bytes of /etc/motd\n";
	assert_int_equal(hx_line_watch_feed(&w, a, strlen(a)), 0); /* the tick line unfinished */
	assert_int_equal(hx_line_watch_feed(&w, b, strlen(b)), strlen("tc/motd\n"));
	/* the rest was not taken: fed again, its line is found */
	const char *rest = b + strlen("tc/motd\n");
	assert_int_equal(hx_line_watch_feed(&w, rest, strlen(rest)), strlen(rest));
	/* words must be on one line, not across two */
	struct hx_line_watch two = {.words = "root,tick"};
	assert_int_equal(hx_line_watch_feed(&two, a, strlen(a)), 0);
	assert_int_equal(hx_line_watch_feed(&two, b, strlen(b)), 0);
	/* a line longer than the buffer: its start is compared, no overflow */
	struct hx_line_watch lng = {.words = "start"};
	char big[3 * HX_WATCH_MAX];
	memset(big, 'x', sizeof(big));
	memcpy(big, "start", 5);
	big[sizeof(big) - 1] = '\n';
	assert_int_equal(hx_line_watch_feed(&lng, big, sizeof(big)), sizeof(big));
	struct hx_line_watch end = {.words = "tail"};
	memcpy(big + sizeof(big) - 5, "tail", 4);
	assert_int_equal(hx_line_watch_feed(&end, big, sizeof(big)), 0); /* beyond what is kept */
	/* nothing, and a lone newline */
	assert_int_equal(hx_line_watch_feed(&w, "", 0), 0);
	assert_int_equal(hx_line_watch_feed(&w, "\n", 1), 0);
	/* the splitter itself: a line at a time, an unfinished one kept */
	struct hx_lines l = {0};
	size_t at = 0;
	assert_true(hx_lines_next(&l, "ab\ncd", 5, &at));
	assert_string_equal(l.line, "ab");
	assert_int_equal(at, 3);
	assert_false(hx_lines_next(&l, "ab\ncd", 5, &at));
	assert_int_equal(at, 5);
	at = 0;
	assert_true(hx_lines_next(&l, "e\n", 2, &at));
	assert_string_equal(l.line, "cde");
	assert_true(hx_valid_words("a"));
	assert_false(hx_valid_words(""));
	assert_false(hx_valid_words("-n"));
	assert_true(hx_valid_words("a,b"));
	assert_false(hx_valid_words(","));
	assert_false(hx_valid_words("a,"));
	assert_false(hx_valid_words(",a"));
	assert_false(hx_valid_words("a,,b"));
}

/* A ticker's trace: the end comes at the second timer record at or after
 * the -n count, never at the first one, whatever came between. */
static void test_until_ends(void **state)
{
	static const char *const recs[] = {
		"  0 c0 switch d1v0 -> d0v0",			/* mid-cycle start */
		"  1 c0 d1v0 event port 3 raised (VIRQ_TIMER)", /* 1st: not the end */
		"  2 c0 switch d0v0 -> d1v0",
		"  3 c0 d0v0 event port 1 raised (VIRQ_TIMER)", /* dom0's: no match */
		"  4 c0 d0v0 event port 1 raised (VIRQ_TIMER)",
		"  5 c0 d1v0 event port 3 raised (VIRQ_TIMER)", /* 2nd: the end at -n <= 6 */
		"  6 c0 switch d0v0 -> d1v0",
		"  7 c0 d1v0 event port 3 raised (VIRQ_TIMER)", /* the end at -n 7, 8 */
	};
	static const struct {
		unsigned long count;
		int end; /* index of the record that ends it, -1: none */
	} cases[] = {{0, 5}, {1, 5}, {6, 5}, {7, 7}, {8, 7}, {9, -1}};
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		unsigned long matches = 0;
		int end = -1;
		for (size_t i = 0; i < sizeof(recs) / sizeof(recs[0]) && end < 0; i++)
			if (hx_trace_until_ends("d1v0,VIRQ_TIMER", recs[i], i + 1, cases[c].count,
						&matches))
				end = (int)i;
		assert_int_equal(end, cases[c].end);
	}
}

const struct CMUnitTest trace_tests[] = {
	cmocka_unit_test(test_line_has),
	cmocka_unit_test(test_until_ends),
	cmocka_unit_test(test_line_watch),
	cmocka_unit_test(test_parse_good),
	cmocka_unit_test(test_parse_bad),
	cmocka_unit_test(test_names),
	cmocka_unit_test(test_format_hypercalls),
	cmocka_unit_test(test_format_others),
	cmocka_unit_test(test_sort),
};
const size_t trace_tests_count = sizeof(trace_tests) / sizeof(trace_tests[0]);
