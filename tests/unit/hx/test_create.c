/*
 * Host tests of the words hx create copies (pvguest/dom0/hx/args.c and
 * create_args.c): every key and what it sets, values at their copy
 * bounds (the longest that fits, one more refused), bad and missing
 * values, a missing '=', repeated keys (the later one wins; a bad later
 * one refuses the whole command and changes nothing), and the copies
 * create.c makes outside the parser: hx.boot='s image list, hx.cfg's
 * lines, a disk=/disk/<file> spec's path.  The output sits between two
 * guard zones that must come back untouched (ASan checks the rest).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include <dom0/hx/args.h>
#include <dom0/shell/lineedit.h>
#include <dom0/shell/shell.h>
#include "tests.h"

_Static_assert(HX_CFG_LINE_MAX == LE_LINE_MAX, "an hx.cfg line holds what dom0# takes");
_Static_assert(HX_CFG_WORDS == SHELL_MAX_ARGS + 1, "and as many words, after \"create\"");

#define GUARD 64

/* The parser's output between two guard zones. */
static struct {
	uint8_t before[GUARD];
	struct hx_create_args a;
	uint8_t after[GUARD];
} box;
static char err[160];

/* "create <words>" through hx_parse_create into box.a; the guards checked. */
static int parse(const char *words)
{
	static char buf[1024];
	char *argv[64];
	int argc = 0;
	snprintf(buf, sizeof(buf), "create %s", words);
	for (char *w = strtok(buf, " "); w && argc < 64; w = strtok(NULL, " "))
		argv[argc++] = w;
	memset(box.before, 0xa5, GUARD);
	memset(box.after, 0xa5, GUARD);
	err[0] = '\0';
	int rc = hx_parse_create(argc, argv, &box.a, err, sizeof(err));
	for (unsigned int i = 0; i < GUARD; i++)
		if (box.before[i] != 0xa5 || box.after[i] != 0xa5)
			fail_msg("\"%s\" wrote outside its output", words);
	return rc;
}

/* n copies of c (a value of an exact length). */
static const char *run(char c, size_t n)
{
	static char s[512];
	assert_true(n < sizeof(s));
	memset(s, c, n);
	s[n] = '\0';
	return s;
}

static void test_every_key(void **state)
{
	(void)state;
	assert_int_equal(parse("img name=web-1.a memory=4 vcpus=8 cpus=0,2-3 cpus_soft=1 "
			       "disk=ram:8,r vif=ip=10.0.2.16,mac=00:16:3e:00:00:09 args=a,b,,c "
			       "on_poweroff=destroy on_crash=destroy"),
			 0);
	struct hx_create_args *a = &box.a;
	assert_string_equal(a->image, "img");
	assert_string_equal(a->name, "web-1.a");
	assert_int_equal(a->memory_mib, 4);
	assert_int_equal(a->vcpus, 8);
	assert_true(a->cpus == 0xd && a->cpus_soft == 2);
	assert_string_equal(a->disk, "ram:8,r");
	assert_string_equal(a->vif, "ip=10.0.2.16,mac=00:16:3e:00:00:09");
	assert_string_equal(a->cmdline, "a b  c"); /* every comma a blank */
	assert_int_equal(a->on_poweroff, HX_DESTROY);
	assert_int_equal(a->on_crash, HX_DESTROY);
	/* The other ends of the ranges; an empty args= is an empty command line. */
	assert_int_equal(parse("img memory=65536 vcpus=1 cpus=all args="), 0);
	assert_int_equal(a->memory_mib, 65536);
	assert_int_equal(a->vcpus, 1);
	assert_true(a->cpus == HX_CPUS_ALL);
	assert_string_equal(a->cmdline, "");
	/* A value may hold '=' (vif's own key=value pairs) */
	assert_int_equal(parse("img vif=mac=00:16:3e:00:00:01"), 0);
	assert_string_equal(box.a.vif, "mac=00:16:3e:00:00:01");
}

/* Each string field: the longest value that fits is taken whole, one more is refused. */
static void test_copy_bounds(void **state)
{
	(void)state;
	char line[700];
	static const struct {
		const char *key;
		size_t room; /* the field's size, its NUL included */
		size_t offset;
		const char *message;
	} f[] = {
		{"name", HX_NAME_MAX, offsetof(struct hx_create_args, name), "name"},
		{"disk", sizeof(box.a.disk), offsetof(struct hx_create_args, disk), "too long"},
		{"vif", sizeof(box.a.vif), offsetof(struct hx_create_args, vif), "too long"},
		{"args", HX_CMDLINE_MAX, offsetof(struct hx_create_args, cmdline), "longer than"},
	};
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		snprintf(line, sizeof(line), "img %s=%s", f[i].key, run('x', f[i].room - 1));
		assert_int_equal(parse(line), 0);
		const char *got = (const char *)&box.a + f[i].offset;
		assert_int_equal(strlen(got), f[i].room - 1);
		assert_string_equal(got, run('x', f[i].room - 1));
		struct hx_create_args before = box.a;
		snprintf(line, sizeof(line), "img %s=%s", f[i].key, run('x', f[i].room));
		assert_int_equal(parse(line), -1);
		if (!strstr(err, f[i].message))
			fail_msg("%s: \"%s\" lacks \"%s\"", f[i].key, err, f[i].message);
		assert_memory_equal(&box.a, &before, sizeof(before));
	}
	/* The image: the longest name fits (and names the domain if it can), one more not. */
	assert_int_equal(parse(run('i', HX_IMAGE_MAX - 1)), -1);
	assert_non_null(strstr(err, "give the domain a name=")); /* too long for a name */
	snprintf(line, sizeof(line), "%s name=n", run('i', HX_IMAGE_MAX - 1));
	assert_int_equal(parse(line), 0);
	assert_string_equal(box.a.image, run('i', HX_IMAGE_MAX - 1));
	snprintf(line, sizeof(line), "/disk/%s", run('d', HX_NAME_MAX - 1));
	assert_int_equal(parse(line), 0);
	assert_string_equal(box.a.name, run('d', HX_NAME_MAX - 1)); /* the path's last part */
	assert_int_equal(parse(run('i', HX_IMAGE_MAX)), -1);
	assert_non_null(strstr(err, "is not an image name"));
}

static void test_bad_and_missing(void **state)
{
	(void)state;
	static const struct {
		const char *words, *message;
	} cases[] = {
		/* no '=' at all, or no key before it: for every key */
		{"img name", "\"name\" is not key=value"},
		{"img memory", "not key=value"},
		{"img vcpus", "not key=value"},
		{"img cpus", "not key=value"},
		{"img cpus_soft", "not key=value"},
		{"img disk", "not key=value"},
		{"img vif", "not key=value"},
		{"img args", "not key=value"},
		{"img on_poweroff", "not key=value"},
		{"img on_crash", "not key=value"},
		{"img =", "not key=value"},
		{"img =img", "not key=value"},
		/* empty values where one is needed */
		{"img name=", "name \"\""},
		{"img memory=", "memory \"\""},
		{"img vcpus=", "vcpus \"\""},
		{"img cpus_soft=", "cpus_soft \"\""},
		{"img disk=", "disk \"\": empty"},
		{"img vif=", "vif \"\": empty"},
		{"img on_poweroff=", "on_poweroff \"\""},
		/* bad values */
		{"img memory=0x10", "memory \"0x10\""},
		{"img memory=+8", "memory"},
		{"img memory=8 ", NULL},
		{"img vcpus=-1", "vcpus \"-1\""},
		{"img vcpus=2k", "vcpus"},
		{"img cpus=3-1", "cpus \"3-1\""},
		{"img cpus=1,", "cpus \"1,\""},
		{"img cpus=-", "cpus \"-\""},
		{"img cpus_soft=64", "cpus_soft \"64\""},
		{"img name=.", NULL},
		{"img name=a b", "\"b\" is not key=value"},
		{"img name=web!", "name \"web!\""},
		{"img on_crash=Destroy", "destroy or preserve"},
		{"img on_poweroff=destroy,", "destroy or preserve"},
		/* keys that are not ours, or ours in another spelling */
		{"img Name=x", "unknown setting \"Name\""},
		{"img memory_mib=8", "unknown setting \"memory_mib\""},
		{"img cpu=1", "unknown setting \"cpu\""},
		{"img cmdline=x", "unknown setting \"cmdline\""},
		/* the image itself */
		{"name=x img", "is not an image name"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(&box.a, 0x5a, sizeof(box.a));
		struct hx_create_args before = box.a;
		int rc = parse(cases[i].words);
		if (!cases[i].message) { /* a name hx_valid_name takes, a trailing blank */
			assert_int_equal(rc, 0);
			continue;
		}
		if (rc != -1)
			fail_msg("\"%s\" was accepted", cases[i].words);
		if (!strstr(err, cases[i].message))
			fail_msg("\"%s\": \"%s\" lacks \"%s\"", cases[i].words, err,
				 cases[i].message);
		assert_memory_equal(&box.a, &before, sizeof(before));
	}
}

/* A key given twice: the later one wins, and leaves nothing of the earlier. */
static void test_repeated_keys(void **state)
{
	(void)state;
	assert_int_equal(parse("img name=a-long-name name=b memory=64 memory=8 vcpus=4 vcpus=2 "
			       "cpus=0-3 cpus=1 cpus_soft=all cpus_soft=0 disk=ram:64,r disk=sata0 "
			       "vif=ip=10.0.2.99 vif=ip=10.0.2.1 args=one,two,three args=x "
			       "on_poweroff=destroy on_poweroff=preserve on_crash=destroy "
			       "on_crash=preserve"),
			 0);
	struct hx_create_args *a = &box.a;
	assert_string_equal(a->name, "b");
	assert_int_equal(memcmp(a->name, "b\0", 2), 0);
	assert_int_equal(a->memory_mib, 8);
	assert_int_equal(a->vcpus, 2);
	assert_true(a->cpus == 2 && a->cpus_soft == 1);
	assert_string_equal(a->disk, "sata0");
	assert_string_equal(a->vif, "ip=10.0.2.1");
	assert_string_equal(a->cmdline, "x");
	assert_int_equal(a->on_poweroff, HX_PRESERVE);
	assert_int_equal(a->on_crash, HX_PRESERVE);
	/* A good first, a bad second: the command is refused and changes nothing. */
	static const char *const bad[] = {"img name=a name=1",
					  "img memory=8 memory=1",
					  "img vcpus=1 vcpus=9",
					  "img cpus=1 cpus=x",
					  "img disk=ram:8 disk=",
					  "img vif=ip=1.2.3.4 vif=",
					  "img on_crash=destroy on_crash=keep"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&box.a, 0x5a, sizeof(box.a));
		struct hx_create_args before = box.a;
		assert_int_equal(parse(bad[i]), -1);
		assert_memory_equal(&box.a, &before, sizeof(before));
	}
}

/* hx.boot=a,b,c: the images one by one, up to a blank or the end. */
static void test_boot_list(void **state)
{
	(void)state;
	char word[HX_IMAGE_MAX + GUARD];
	const char *p = "pvguest-domU,web,/disk/x rest=1";
	assert_int_equal(hx_boot_next(&p, word, HX_IMAGE_MAX), 1);
	assert_string_equal(word, "pvguest-domU");
	assert_int_equal(hx_boot_next(&p, word, HX_IMAGE_MAX), 1);
	assert_string_equal(word, "web");
	assert_int_equal(hx_boot_next(&p, word, HX_IMAGE_MAX), 1);
	assert_string_equal(word, "/disk/x");
	assert_int_equal(hx_boot_next(&p, word, HX_IMAGE_MAX), 0);
	assert_string_equal(p, " rest=1"); /* stops at the blank */
	p = "a,";
	assert_int_equal(hx_boot_next(&p, word, HX_IMAGE_MAX), 1);
	assert_int_equal(hx_boot_next(&p, word, HX_IMAGE_MAX), 0);
	p = "";
	assert_int_equal(hx_boot_next(&p, word, HX_IMAGE_MAX), 0);
	const char *bad[] = {"a,,b", ",a"};
	for (size_t i = 0; i < 2; i++) {
		p = bad[i];
		while (hx_boot_next(&p, word, HX_IMAGE_MAX) > 0)
			;
		assert_int_equal(hx_boot_next(&p, word, HX_IMAGE_MAX), -1);
		assert_true(*p == ',');
	}
	/* The longest name fits whole; one more is refused and nothing is written. */
	char list[2 * HX_IMAGE_MAX];
	snprintf(list, sizeof(list), "%s,b", run('n', HX_IMAGE_MAX - 1));
	p = list;
	memset(word, 0x77, sizeof(word));
	assert_int_equal(hx_boot_next(&p, word, HX_IMAGE_MAX), 1);
	assert_int_equal(strlen(word), HX_IMAGE_MAX - 1);
	for (size_t i = HX_IMAGE_MAX; i < sizeof(word); i++)
		assert_int_equal((uint8_t)word[i], 0x77);
	snprintf(list, sizeof(list), "%s", run('n', HX_IMAGE_MAX));
	p = list;
	memset(word, 0x77, sizeof(word));
	assert_int_equal(hx_boot_next(&p, word, HX_IMAGE_MAX), -1);
	assert_ptr_equal(p, list);
	for (size_t i = 0; i < sizeof(word); i++)
		assert_int_equal((uint8_t)word[i], 0x77);
}

/* hx.cfg: lines one by one; a line too long is skipped whole, the next read. */
static void test_cfg_lines(void **state)
{
	(void)state;
	static char text[4 * HX_CFG_LINE_MAX];
	char line[HX_CFG_LINE_MAX + GUARD];
	size_t at = 0, len;

	len = (size_t)snprintf(text, sizeof(text), "a b\r\n\n%s\n", run('x', 255));
	len += (size_t)snprintf(text + len, sizeof(text) - len, "%s\nlast", run('y', 256));
	assert_int_equal(hx_cfg_next_line(text, len, &at, line, HX_CFG_LINE_MAX), 4);
	assert_string_equal(line, "a b\r");
	assert_int_equal(hx_cfg_next_line(text, len, &at, line, HX_CFG_LINE_MAX), 0);
	memset(line, 0x77, sizeof(line));
	assert_int_equal(hx_cfg_next_line(text, len, &at, line, HX_CFG_LINE_MAX), 255);
	assert_string_equal(line, run('x', 255));
	for (size_t i = HX_CFG_LINE_MAX; i < sizeof(line); i++)
		assert_int_equal((uint8_t)line[i], 0x77);
	memset(line, 0x77, sizeof(line));
	assert_int_equal(hx_cfg_next_line(text, len, &at, line, HX_CFG_LINE_MAX), HX_CFG_TOO_LONG);
	for (size_t i = 0; i < sizeof(line); i++)
		assert_int_equal((uint8_t)line[i], 0x77);
	assert_int_equal(hx_cfg_next_line(text, len, &at, line, HX_CFG_LINE_MAX), 4);
	assert_string_equal(line, "last"); /* no '\n' at the end */
	assert_int_equal(hx_cfg_next_line(text, len, &at, line, HX_CFG_LINE_MAX), HX_CFG_END);
	assert_int_equal(hx_cfg_next_line(text, len, &at, line, HX_CFG_LINE_MAX), HX_CFG_END);
	at = 0;
	assert_int_equal(hx_cfg_next_line(NULL, 0, &at, line, HX_CFG_LINE_MAX), HX_CFG_END);
	assert_int_equal(hx_cfg_next_line(text, 0, &at, line, HX_CFG_LINE_MAX), HX_CFG_END);
	/* Not past len: a text that is not NUL-terminated where it ends. */
	memcpy(text, "ab\ncd", 5);
	at = 0;
	assert_int_equal(hx_cfg_next_line(text, 4, &at, line, HX_CFG_LINE_MAX), 2);
	assert_int_equal(hx_cfg_next_line(text, 4, &at, line, HX_CFG_LINE_MAX), 1);
	assert_string_equal(line, "c");
}

/*
 * What can be typed at dom0# can be written in hx.cfg: a line of the
 * prompt's length and word count (with "hx create" in front) is taken
 * whole.  Before, hx.cfg took 224 bytes and 11 words after "create", so
 * "hx create <image>" with every key once was "line too long".
 */
static void test_cfg_takes_a_full_prompt_line(void **state)
{
	(void)state;
	static char text[2 * HX_CFG_LINE_MAX];
	char line[HX_CFG_LINE_MAX], *argv[HX_CFG_WORDS];
	size_t at = 0;
	size_t len = (size_t)snprintf(text, sizeof(text),
				      "hx create img name=web memory=64 vcpus=2 cpus=0-1 "
				      "cpus_soft=1 disk=ram:8 vif=ip=10.0.2.16 args=a,b "
				      "on_poweroff=destroy on_crash=destroy\n");
	int n = hx_cfg_next_line(text, len, &at, line, sizeof(line));
	assert_true(n > 0);
	int argc = hx_parse_cfg_line(line, argv, HX_CFG_WORDS);
	assert_int_equal(argc, 12);
	assert_int_equal(hx_parse_create(argc, argv, &box.a, err, sizeof(err)), 0);
	assert_int_equal(box.a.on_crash, HX_DESTROY);
	/* SHELL_MAX_ARGS words, "hx create" among them, LE_LINE_MAX - 1 bytes. */
	char *p = text;
	p += sprintf(p, "hx create img");
	for (int w = 3; w < SHELL_MAX_ARGS - 1; w++)
		p += sprintf(p, " vcpus=%d", 1 + w % HX_VCPUS_MAX);
	size_t used = (size_t)(p - text) + strlen(" args=");
	assert_true(used < LE_LINE_MAX - 1);
	sprintf(p, " args=%s", run('a', LE_LINE_MAX - 1 - used));
	assert_int_equal(strlen(text), LE_LINE_MAX - 1);
	at = 0;
	assert_int_equal(hx_cfg_next_line(text, strlen(text), &at, line, sizeof(line)),
			 LE_LINE_MAX - 1);
	argc = hx_parse_cfg_line(line, argv, HX_CFG_WORDS);
	assert_int_equal(argc, SHELL_MAX_ARGS - 1); /* "create" + the words after "hx create" */
	assert_int_equal(hx_parse_create(argc, argv, &box.a, err, sizeof(err)), 0);
	assert_int_equal(box.a.vcpus, 1 + (SHELL_MAX_ARGS - 2) % HX_VCPUS_MAX);
	assert_string_equal(box.a.cmdline, run('a', LE_LINE_MAX - 1 - used));
	char over[] = "hx create img a=1 b=2 c=3 d=4 e=5 f=6 g=7 h=8 i=9 j=10 k=11 l=12 m=13 "
		      "n=14 o=15 p=16 q=17 r=18 s=19 t=20 u=21 v=22 w=23 x=24 y=25 z=26 A=27 "
		      "B=28 C=29 D=30"; /* 33 words */
	assert_int_equal(hx_parse_cfg_line(over, argv, HX_CFG_WORDS), -1);
}

/* disk=/disk/<file>[,r]: the path without ",r", within its buffer. */
static void test_disk_file_path(void **state)
{
	(void)state;
	char path[sizeof(box.a.disk) + GUARD];
	assert_int_equal(hx_disk_file_path("/disk/a.img,r", path, sizeof(box.a.disk)), 0);
	assert_string_equal(path, "/disk/a.img");
	assert_int_equal(hx_disk_file_path("/disk/a.img", path, sizeof(box.a.disk)), 0);
	assert_string_equal(path, "/disk/a.img");
	assert_int_equal(hx_disk_file_path("/disk/r", path, sizeof(box.a.disk)), 0);
	assert_string_equal(path, "/disk/r");
	assert_int_equal(hx_disk_file_path(",r", path, sizeof(box.a.disk)), 0);
	assert_string_equal(path, "");
	/* The longest disk= value there is (the field's size less one) fits. */
	char spec[sizeof(box.a.disk)];
	snprintf(spec, sizeof(spec), "/disk/%s", run('f', sizeof(spec) - 7));
	memset(path, 0x77, sizeof(path));
	assert_int_equal(hx_disk_file_path(spec, path, sizeof(box.a.disk)), 0);
	assert_string_equal(path, spec);
	for (size_t i = sizeof(box.a.disk); i < sizeof(path); i++)
		assert_int_equal((uint8_t)path[i], 0x77);
	memset(path, 0x77, sizeof(path));
	assert_int_equal(hx_disk_file_path("/disk/abc,r", path, 7), -1);
	assert_int_equal((uint8_t)path[0], 0x77);
	assert_int_equal(hx_disk_file_path("/disk/abc,r", path, 11), 0);
	assert_string_equal(path, "/disk/abc");
}

/* hx block-attach / network-attach <domain> <spec>, ...-detach <domain>. */
static void test_device_args(void **state)
{
	(void)state;
	struct hx_dev_args d, before;
	char *attach[] = {"block-attach", "web", "ram:8"}, *detach[] = {"block-detach", "7"};
	assert_int_equal(hx_parse_dev(3, attach, "disk", true, &d, err, sizeof(err)), 0);
	assert_true(d.target.by_name);
	assert_string_equal(d.target.name, "web");
	assert_string_equal(d.spec, "ram:8");
	assert_int_equal(hx_parse_dev(2, detach, "disk", false, &d, err, sizeof(err)), 0);
	assert_false(d.target.by_name);
	assert_int_equal(d.target.domid, 7);
	assert_string_equal(d.spec, "");
	char *vif[] = {"network-attach", "3", "ip=10.0.2.31,mac=00:16:3e:00:00:31"};
	assert_int_equal(hx_parse_dev(3, vif, "vif", true, &d, err, sizeof(err)), 0);
	assert_string_equal(d.spec, "ip=10.0.2.31,mac=00:16:3e:00:00:31");
	char longest[sizeof(d.spec)], over[sizeof(d.spec) + 1];
	snprintf(longest, sizeof(longest), "%s", run('d', sizeof(d.spec) - 1));
	snprintf(over, sizeof(over), "%s", run('d', sizeof(d.spec)));
	char *fits[] = {"block-attach", "web", longest};
	assert_int_equal(hx_parse_dev(3, fits, "disk", true, &d, err, sizeof(err)), 0);
	assert_string_equal(d.spec, longest);
	char *too_long[] = {"block-attach", "web", over}, *empty[] = {"network-attach", "web", ""};
	char *no_spec[] = {"network-attach", "web"}, *extra[] = {"block-detach", "web", "ram:8"};
	char *bad_dom[] = {"block-detach", "a/b"};
	memset(&d, 0x5a, sizeof(d));
	before = d;
	assert_int_equal(hx_parse_dev(3, too_long, "disk", true, &d, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "block-attach: disk \"ddd"));
	assert_non_null(strstr(err, "empty or too long"));
	assert_int_equal(hx_parse_dev(3, empty, "vif", true, &d, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "network-attach: vif \"\": empty"));
	assert_int_equal(hx_parse_dev(2, no_spec, "vif", true, &d, err, sizeof(err)), -1);
	assert_string_equal(err,
			    "network-attach: hx network-attach <domain> <vif> (as create's vif=)");
	assert_int_equal(hx_parse_dev(3, extra, "disk", false, &d, err, sizeof(err)), -1);
	assert_string_equal(err, "block-detach: hx block-detach <domain>");
	assert_int_equal(hx_parse_dev(2, bad_dom, "disk", false, &d, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "neither a domain id nor a name"));
	assert_memory_equal(&d, &before, sizeof(d));
}

const struct CMUnitTest create_tests[] = {
	cmocka_unit_test(test_every_key),
	cmocka_unit_test(test_copy_bounds),
	cmocka_unit_test(test_bad_and_missing),
	cmocka_unit_test(test_repeated_keys),
	cmocka_unit_test(test_boot_list),
	cmocka_unit_test(test_cfg_lines),
	cmocka_unit_test(test_cfg_takes_a_full_prompt_line),
	cmocka_unit_test(test_disk_file_path),
	cmocka_unit_test(test_device_args),
};
const size_t create_tests_count = sizeof(create_tests) / sizeof(create_tests[0]);
