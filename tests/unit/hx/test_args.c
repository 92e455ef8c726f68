/*
 * Host tests of hx's argument parsing (pvguest/dom0/hx/args.c): defaults,
 * every setting, and that each kind of bad argument gives its message and
 * leaves the output untouched.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include <dom0/hx/args.h>
#include "tests.h"

static char err[160];

/* Split line into words in buf (argv points into it) and clear err: the parsers' input. */
static int split(char *buf, size_t size, const char *line, char **argv, int max)
{
	int argc = 0;
	snprintf(buf, size, "%s", line);
	for (char *w = strtok(buf, " "); w && argc < max; w = strtok(NULL, " "))
		argv[argc++] = w;
	err[0] = '\0';
	return argc;
}

/*
 * Parser fn on the words of line.  The words stay in a static buffer
 * until the next call: a result may point into them (console's --until).
 */
static char words[512], *word_argv[32];
#define PARSE(fn, out, line)                                                                       \
	fn(split(words, sizeof(words), (line), word_argv, 32), word_argv, (out), err, sizeof(err))

static int create(struct hx_create_args *a, const char *line)
{
	return PARSE(hx_parse_create, a, line);
}

static void test_create_defaults(void **state)
{
	struct hx_create_args a;
	assert_int_equal(create(&a, "create pvguest-domU"), 0);
	assert_string_equal(a.image, "pvguest-domU");
	assert_string_equal(a.name, "pvguest-domU");
	assert_int_equal(a.memory_mib, HX_MEMORY_DEFAULT);
	assert_int_equal(a.vcpus, 1);
	assert_true(a.cpus == 0);
	assert_string_equal(a.disk, "");
	assert_string_equal(a.vif, "");
	assert_string_equal(a.cmdline, "");
	assert_int_equal(a.on_poweroff, HX_PRESERVE);
	assert_int_equal(a.on_crash, HX_PRESERVE);
}

static void test_create_settings(void **state)
{
	struct hx_create_args a;
	assert_int_equal(create(&a, "create img name=web1 memory=64 vcpus=2 disk=disk0 vif=nic0 "
				    "args=hello,big,world"),
			 0);
	assert_string_equal(a.name, "web1");
	assert_int_equal(a.memory_mib, 64);
	assert_int_equal(a.vcpus, 2);
	assert_string_equal(a.disk, "disk0");
	assert_string_equal(a.vif, "nic0");
	assert_string_equal(a.cmdline, "hello big world");
	assert_int_equal(create(&a, "create img cpus=1"), 0);
	assert_true(a.cpus == 2);
	assert_int_equal(create(&a, "create img cpus=0,2-3"), 0);
	assert_true(a.cpus == 0xd);
	assert_true(a.cpus_soft == 0);
	assert_int_equal(create(&a, "create img cpus_soft=1-2 cpus=all"), 0);
	assert_true(a.cpus_soft == 6);
	/* a later setting wins; a path's last part names the domain */
	assert_int_equal(create(&a, "create boot/guest memory=8 memory=16"), 0);
	assert_string_equal(a.name, "guest");
	assert_int_equal(a.memory_mib, 16);
	/* what becomes of a domain that shuts down by itself */
	assert_int_equal(create(&a, "create img on_poweroff=destroy"), 0);
	assert_int_equal(a.on_poweroff, HX_DESTROY);
	assert_int_equal(a.on_crash, HX_PRESERVE);
	assert_int_equal(create(&a, "create img on_crash=destroy on_poweroff=preserve"), 0);
	assert_int_equal(a.on_poweroff, HX_PRESERVE);
	assert_int_equal(a.on_crash, HX_DESTROY);
	/* an image on dom0's disk: its file name names the domain */
	assert_int_equal(create(&a, "create /disk/boot/pvguest-domU memory=8"), 0);
	assert_string_equal(a.image, "/disk/boot/pvguest-domU");
	assert_string_equal(a.name, "pvguest-domU");
}

struct bad {
	const char *line, *message;
};

static void test_create_bad_changes_nothing(void **state)
{
	static const struct bad cases[] = {
		{"create", "which image"},
		{"create name=x", "is not an image name"},
		{"create img memory=0", "memory \"0\""},
		{"create img memory=3", "memory \"3\""},
		{"create img memory=65537", "memory \"65537\""},
		{"create img memory=12M", "a number of MiB"},
		{"create img memory=-1", "memory"},
		{"create img memory=99999999999999999999999", "memory"},
		{"create img memory=", "memory"},
		{"create img vcpus=0", "vcpus \"0\""},
		{"create img vcpus=9", "1 to 8"},
		{"create img cpus=64", "cpus \"64\": all, or"},
		{"create img cpus=", "cpus \"\""},
		{"create img cpus_soft=x", "cpus_soft \"x\": all, or"},
		{"create img name=", "name \"\""},
		{"create img name=12", "not only digits"},
		{"create img name=a/b", "name \"a/b\""},
		{"create img name=abcdefghijklmnopqrstuvwxyz0123456", "name"},
		{"create img colour=blue", "unknown setting \"colour\""},
		{"create img =5", "not key=value"},
		{"create img memory", "not key=value"},
		{"create img disk=", "disk"},
		{"create 123", "give the domain a name="},
		{"create img on_poweroff=restart", "on_poweroff \"restart\": destroy or preserve"},
		{"create img on_crash=", "on_crash \"\""},
		{"create /disk/a-name-much-too-long-for-any-image-of-dom0s-disk-0123456789",
		 "not an image name"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct hx_create_args a, before;
		memset(&a, 0x5a, sizeof(a));
		before = a;
		if (create(&a, cases[i].line) != -1)
			fail_msg("\"%s\" was accepted", cases[i].line);
		if (!strstr(err, cases[i].message))
			fail_msg("\"%s\": message \"%s\" lacks \"%s\"", cases[i].line, err,
				 cases[i].message);
		assert_memory_equal(&a, &before, sizeof(a));
	}
}

static void test_uint(void **state)
{
	unsigned long v = 77;
	assert_int_equal(hx_parse_uint("0", 0, 10, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(hx_parse_uint("18446744073709551615", 0, ~0UL, &v), 0);
	assert_true(v == ~0UL);
	v = 77;
	assert_int_equal(hx_parse_uint("18446744073709551616", 0, ~0UL, &v), -1);
	assert_int_equal(hx_parse_uint("", 0, 10, &v), -1);
	assert_int_equal(hx_parse_uint("+1", 0, 10, &v), -1);
	assert_int_equal(hx_parse_uint(" 1", 0, 10, &v), -1);
	assert_int_equal(hx_parse_uint("11", 0, 10, &v), -1);
	assert_int_equal(hx_parse_uint("1", 2, 10, &v), -1);
	assert_int_equal(v, 77);
}

static void test_target(void **state)
{
	struct hx_target t, before;
	char *ok_id[] = {"destroy", "7"}, *ok_name[] = {"pause", "web1"};
	char *bad_word[] = {"console", "a b"}, *bad_id[] = {"destroy", "32752"};
	char *none[] = {"destroy"}, *two[] = {"destroy", "1", "2"};
	assert_int_equal(hx_parse_target(2, ok_id, &t, err, sizeof(err)), 0);
	assert_false(t.by_name);
	assert_int_equal(t.domid, 7);
	assert_int_equal(hx_parse_target(2, ok_name, &t, err, sizeof(err)), 0);
	assert_true(t.by_name);
	assert_string_equal(t.name, "web1");
	before = t;
	assert_int_equal(hx_parse_target(2, bad_word, &t, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "neither a domain id nor a name"));
	assert_int_equal(hx_parse_target(2, bad_id, &t, err, sizeof(err)), -1);
	assert_int_equal(hx_parse_target(1, none, &t, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "destroy: give one domain"));
	assert_int_equal(hx_parse_target(3, two, &t, err, sizeof(err)), -1);
	assert_memory_equal(&t, &before, sizeof(t));
}

static void test_wait(void **state)
{
	struct hx_wait_args w, before;
	char *plain[] = {"wait", "web1"}, *secs[] = {"wait", "3", "20"};
	char *zero[] = {"wait", "3", "0"}, *big[] = {"wait", "3", "86401"};
	char *junk[] = {"wait", "3", "2s"}, *none[] = {"wait"};
	char *many[] = {"wait", "3", "4", "5"}, *badname[] = {"wait", "a/b"};
	assert_int_equal(hx_parse_wait(2, plain, &w, err, sizeof(err)), 0);
	assert_true(w.target.by_name);
	assert_string_equal(w.target.name, "web1");
	assert_int_equal(w.timeout_secs, HX_WAIT_DEFAULT_SECS);
	assert_int_equal(hx_parse_wait(3, secs, &w, err, sizeof(err)), 0);
	assert_int_equal(w.target.domid, 3);
	assert_int_equal(w.timeout_secs, 20);
	before = w;
	assert_int_equal(hx_parse_wait(3, zero, &w, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "a number from 1 to 86400, not 0"));
	assert_int_equal(hx_parse_wait(3, big, &w, err, sizeof(err)), -1);
	assert_int_equal(hx_parse_wait(3, junk, &w, err, sizeof(err)), -1);
	assert_int_equal(hx_parse_wait(1, none, &w, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "hx wait <domain> [seconds]"));
	assert_int_equal(hx_parse_wait(4, many, &w, err, sizeof(err)), -1);
	assert_int_equal(hx_parse_wait(2, badname, &w, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "neither a domain id nor a name"));
	assert_memory_equal(&w, &before, sizeof(w));
}

static void test_cfg_line(void **state)
{
	char *argv[6];
	char a[] = "hx create pvguest-domU name=web memory=16\r";
	assert_int_equal(hx_parse_cfg_line(a, argv, 6), 4);
	assert_string_equal(argv[0], "create");
	assert_string_equal(argv[1], "pvguest-domU");
	assert_string_equal(argv[2], "name=web");
	assert_string_equal(argv[3], "memory=16");
	char b[] = "  img\tvcpus=2";
	assert_int_equal(hx_parse_cfg_line(b, argv, 6), 3);
	assert_string_equal(argv[1], "img");
	assert_string_equal(argv[2], "vcpus=2");
	char c[] = "   # a comment", d[] = " \t\r", e[] = "";
	assert_int_equal(hx_parse_cfg_line(c, argv, 6), 0);
	assert_int_equal(hx_parse_cfg_line(d, argv, 6), 0);
	assert_int_equal(hx_parse_cfg_line(e, argv, 6), 0);
	char f[] = "img a=1 b=2 c=3 d=4 e=5"; /* six words, room for five */
	assert_int_equal(hx_parse_cfg_line(f, argv, 6), -1);
	char g[] = "hx create"; /* no image: hx create says so */
	assert_int_equal(hx_parse_cfg_line(g, argv, 6), 1);
	char h[] = "img name=x#y";
	assert_int_equal(hx_parse_cfg_line(h, argv, 6), 3);
	assert_string_equal(argv[2], "name=x#y");
	/* the result feeds hx_parse_create */
	struct hx_create_args ca;
	char i[] = "hx create img name=web disk=ram:8";
	int n = hx_parse_cfg_line(i, argv, 6);
	assert_int_equal(hx_parse_create(n, argv, &ca, err, sizeof(err)), 0);
	assert_string_equal(ca.name, "web");
	assert_string_equal(ca.disk, "ram:8");
}

static void test_top(void **state)
{
	struct hx_top_args t, before;
	char *plain[] = {"top"}, *both[] = {"top", "-n", "3", "-d", "2"};
	char *missing[] = {"top", "-n"}, *zero[] = {"top", "-d", "0"}, *odd[] = {"top", "-x"};
	assert_int_equal(hx_parse_top(1, plain, &t, err, sizeof(err)), 0);
	assert_int_equal(t.iterations, 0);
	assert_int_equal(t.delay_secs, HX_TOP_DEFAULT_SECS);
	assert_int_equal(hx_parse_top(5, both, &t, err, sizeof(err)), 0);
	assert_int_equal(t.iterations, 3);
	assert_int_equal(t.delay_secs, 2);
	before = t;
	assert_int_equal(hx_parse_top(2, missing, &t, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "-n needs a number"));
	assert_int_equal(hx_parse_top(3, zero, &t, err, sizeof(err)), -1);
	assert_int_equal(hx_parse_top(2, odd, &t, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "unknown option \"-x\""));
	assert_memory_equal(&t, &before, sizeof(t));
}

static void test_console(void **state)
{
	struct hx_console_args c, before;
	char *plain[] = {"console", "3"}, *dump[] = {"console", "-n", "web1"};
	char *none[] = {"console", "-n"}, *two[] = {"console", "1", "2"};
	assert_int_equal(hx_parse_console(2, plain, &c, err, sizeof(err)), 0);
	assert_true(c.follow);
	assert_int_equal(c.target.domid, 3);
	assert_int_equal(hx_parse_console(3, dump, &c, err, sizeof(err)), 0);
	assert_false(c.follow);
	assert_string_equal(c.target.name, "web1");
	before = c;
	assert_int_equal(hx_parse_console(2, none, &c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "console: give one domain"));
	assert_int_equal(hx_parse_console(3, two, &c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "one domain only"));
	assert_memory_equal(&c, &before, sizeof(c));
}

/* --until WORDS [--timeout S]: defaults, any order, and every refusal changes nothing. */
static void test_console_until(void **state)
{
	struct hx_console_args c, before;
	assert_int_equal(PARSE(hx_parse_console, &c, "console 3"), 0);
	assert_null(c.until);
	assert_int_equal(c.timeout_secs, HX_WAIT_DEFAULT_SECS);
	assert_int_equal(PARSE(hx_parse_console, &c, "console reader --until tick,motd"), 0);
	assert_string_equal(c.until, "tick,motd");
	assert_true(c.follow);
	assert_string_equal(c.target.name, "reader");
	assert_int_equal(c.timeout_secs, HX_WAIT_DEFAULT_SECS);
	assert_int_equal(PARSE(hx_parse_console, &c, "console --timeout 5 --until killed 2"), 0);
	assert_string_equal(c.until, "killed");
	assert_int_equal(c.timeout_secs, 5);
	assert_int_equal(c.target.domid, 2);
	before = c;
	static const struct {
		const char *line, *msg;
	} bad[] = {
		{"console 2 --until", "--until needs words"},
		{"console 2 --until -n", "--until needs words"},
		{"console 2 --until "
		 "0123456789012345678901234567890123456789012345678901234567890123",
		 "at most 63 characters"},
		{"console 2 --until a --timeout", "--timeout needs seconds, 1 to 86400"},
		{"console 2 --until a --timeout 0", "--timeout needs seconds"},
		{"console 2 --until a --timeout 86401", "--timeout needs seconds"},
		{"console 2 --until a --timeout 5s", "--timeout needs seconds"},
		{"console 2 --timeout 5", "--timeout goes with --until"},
		{"console 2 -n --until a", "-n returns at once: not with --until"},
		{"console 2 --until a -n", "-n returns at once"},
		{"console 2 --wait a", "unknown option --wait"},
		{"console --until a", "give one domain"},
		{"console 2 3 --until a", "one domain only"},
		{"console a/b --until a", "neither a domain id nor a name"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(PARSE(hx_parse_console, &c, bad[i].line), -1);
		if (!strstr(err, bad[i].msg))
			fail_msg("\"%s\": \"%s\", want \"%s\"", bad[i].line, err, bad[i].msg);
		assert_memory_equal(&c, &before, sizeof(c));
	}
	/* 63 characters are allowed */
	assert_int_equal(PARSE(hx_parse_console, &c,
			       "console 2 --until "
			       "012345678901234567890123456789012345678901234567890123456789012"),
			 0);
}

static int sched(struct hx_sched_args *a, const char *line)
{
	return PARSE(hx_parse_sched, a, line);
}

static void test_sched(void **state)
{
	struct hx_sched_args a, before;
	assert_int_equal(sched(&a, "sched"), 0);
	assert_true(a.all);
	assert_int_equal(sched(&a, "sched web"), 0);
	assert_false(a.all);
	assert_string_equal(a.target.name, "web");
	assert_int_equal(a.weight, HX_SCHED_KEEP);
	assert_int_equal(a.cap, HX_SCHED_KEEP);
	assert_int_equal(sched(&a, "sched 3 weight=512 cap=0"), 0);
	assert_int_equal(a.target.domid, 3);
	assert_int_equal(a.weight, 512);
	assert_int_equal(a.cap, 0);
	assert_int_equal(sched(&a, "sched 3 cap=150"), 0);
	assert_int_equal(a.weight, HX_SCHED_KEEP);
	assert_int_equal(a.cap, 150);
	before = a;
	assert_int_equal(sched(&a, "sched 3 weight=0"), -1);
	assert_non_null(strstr(err, "weight \"0\": 1 to 65535"));
	assert_int_equal(sched(&a, "sched 3 weight=65536"), -1);
	assert_int_equal(sched(&a, "sched 3 cap=801"), -1);
	assert_non_null(strstr(err, "0 (none) to 800 percent"));
	assert_int_equal(sched(&a, "sched 3 cap=-1"), -1);
	assert_int_equal(sched(&a, "sched 3 prio=2"), -1);
	assert_non_null(strstr(err, "unknown setting \"prio=2\""));
	assert_int_equal(sched(&a, "sched weight=2"), -1);
	assert_non_null(strstr(err, "which domain?"));
	assert_int_equal(sched(&a, "sched a!b"), -1);
	assert_memory_equal(&a, &before, sizeof(a));
}

static void test_cpus(void **state)
{
	uint64_t m = 7;
	char out[64];
	assert_int_equal(hx_parse_cpus("all", &m), 0);
	assert_true(m == HX_CPUS_ALL);
	assert_int_equal(hx_parse_cpus("2", &m), 0);
	assert_true(m == 4);
	assert_int_equal(hx_parse_cpus("0-1", &m), 0);
	assert_true(m == 3);
	assert_int_equal(hx_parse_cpus("0,2-3,63", &m), 0);
	assert_true(m == (0xdULL | 1ULL << 63));
	const char *bad[] = {"",   "64", "1-0",	  "-1",	 "1-",	    "0,,1",
			     "0,", "x",	 "1-2-3", "0 1", "01234567"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		m = 5;
		assert_int_equal(hx_parse_cpus(bad[i], &m), -1);
		assert_true(m == 5); /* unchanged */
	}
	hx_format_cpus(3, 2, out, sizeof(out));
	assert_string_equal(out, "all");
	hx_format_cpus(HX_CPUS_ALL, 4, out, sizeof(out));
	assert_string_equal(out, "all");
	hx_format_cpus(2, 2, out, sizeof(out));
	assert_string_equal(out, "1");
	hx_format_cpus(0xdULL | 1ULL << 63, 64, out, sizeof(out));
	assert_string_equal(out, "0,2-3,63");
	hx_format_cpus(0, 2, out, sizeof(out));
	assert_string_equal(out, "none");
}

static int vcpu_pin(struct hx_vcpu_pin_args *a, const char *line)
{
	return PARSE(hx_parse_vcpu_pin, a, line);
}

static void test_vcpu_pin(void **state)
{
	struct hx_vcpu_pin_args a, before;
	assert_int_equal(vcpu_pin(&a, "vcpu-pin 2 0 1"), 0);
	assert_int_equal(a.target.domid, 2);
	assert_false(a.all_vcpus);
	assert_int_equal(a.vcpu, 0);
	assert_true(a.cpus == 2);
	assert_int_equal(vcpu_pin(&a, "vcpu-pin web all 0-1"), 0);
	assert_string_equal(a.target.name, "web");
	assert_true(a.all_vcpus);
	assert_true(a.cpus == 3);
	before = a;
	assert_int_equal(vcpu_pin(&a, "vcpu-pin 2 0"), -1);
	assert_non_null(strstr(err, "usage"));
	assert_int_equal(vcpu_pin(&a, "vcpu-pin 2 0 1 2"), -1);
	assert_int_equal(vcpu_pin(&a, "vcpu-pin 2 8 1"), -1);
	assert_non_null(strstr(err, "vCPU \"8\": 0 to 7 or all"));
	assert_int_equal(vcpu_pin(&a, "vcpu-pin 2 0 64"), -1);
	assert_non_null(strstr(err, "CPUs \"64\""));
	assert_int_equal(vcpu_pin(&a, "vcpu-pin a!b 0 1"), -1);
	assert_memory_equal(&a, &before, sizeof(a));
}

const struct CMUnitTest args_tests[] = {
	cmocka_unit_test(test_cpus),
	cmocka_unit_test(test_vcpu_pin),
	cmocka_unit_test(test_sched),
	cmocka_unit_test(test_console),
	cmocka_unit_test(test_console_until),
	cmocka_unit_test(test_create_defaults),
	cmocka_unit_test(test_create_settings),
	cmocka_unit_test(test_create_bad_changes_nothing),
	cmocka_unit_test(test_uint),
	cmocka_unit_test(test_target),
	cmocka_unit_test(test_top),
	cmocka_unit_test(test_wait),
	cmocka_unit_test(test_cfg_line),
};
const size_t args_tests_count = sizeof(args_tests) / sizeof(args_tests[0]);
