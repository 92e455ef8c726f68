/*
 * Host tests of dom0's line editor and the shell's splitting and dispatch
 * (pvguest/dom0/shell/): what each key does to the line and what it
 * echoes, the history, and commands found through the dom0_cmds section.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include <dom0/shell/lineedit.h>
#include <dom0/shell/shell.h>
#include "tests.h"

static struct line_editor le;
static char shown[4096];
static size_t shown_len;

/* Feeds every byte; returns the last event; collects all echo in shown. */
static enum le_event type(const char *s, size_t n)
{
	enum le_event ev = LE_NONE;
	for (size_t i = 0; i < n; i++) {
		ev = le_feed(&le, s[i]);
		memcpy(shown + shown_len, le.echo, le.echo_len);
		shown_len += le.echo_len;
	}
	shown[shown_len] = '\0';
	return ev;
}
#define TYPE(s) type((s), sizeof(s) - 1)

static void reset(void)
{
	le_init(&le);
	shown_len = 0;
}

static void test_typing_and_erasing(void **state)
{
	reset();
	assert_int_equal(TYPE("hx lisx\b"), LE_NONE);
	assert_int_equal(TYPE("\x7fst"), LE_NONE);
	assert_int_equal(TYPE("\r"), LE_LINE);
	assert_string_equal(le.line, "hx list");
	assert_string_equal(shown, "hx lisx\b \b\b \bst\n");
	/* LF after CR is the same Enter; a lone LF is one too */
	shown_len = 0;
	assert_int_equal(TYPE("\n"), LE_NONE);
	assert_int_equal(TYPE("ab\n"), LE_LINE);
	assert_string_equal(le.line, "ab");
	/* backspace on an empty line echoes nothing */
	shown_len = 0;
	assert_int_equal(TYPE("\b\b"), LE_NONE);
	assert_int_equal(shown_len, 0);
}

static void test_ctrl_u_and_ctrl_c(void **state)
{
	reset();
	TYPE("abc\x15");
	assert_string_equal(shown, "abc\b \b\b \b\b \b");
	assert_int_equal(TYPE("x\r"), LE_LINE);
	assert_string_equal(le.line, "x");
	shown_len = 0;
	assert_int_equal(TYPE("poweroff\x03"), LE_CANCEL);
	assert_string_equal(shown, "poweroff^C\n");
	assert_int_equal(TYPE("\r"), LE_LINE);
	assert_string_equal(le.line, "");
}

static void test_controls_ignored_and_long_lines(void **state)
{
	reset();
	assert_int_equal(TYPE("a\x01\x02\x7f\x80z\r"), LE_LINE);
	assert_string_equal(le.line, "z");
	char many[LE_LINE_MAX + 50];
	memset(many, 'q', sizeof(many));
	shown_len = 0;
	type(many, sizeof(many));
	assert_int_equal(le.len, LE_LINE_MAX - 1);
	assert_int_equal(shown_len, LE_LINE_MAX - 1);
	assert_int_equal(TYPE("\r"), LE_LINE);
	assert_int_equal(strlen(le.line), LE_LINE_MAX - 1);
}

static void test_history(void **state)
{
	reset();
	TYPE("one\rtwo\r\r");
	assert_int_equal(TYPE("\x10\r"), LE_LINE); /* Ctrl-P: the newest */
	assert_string_equal(le.line, "two");
	/* history now, newest first: two two one */
	TYPE("\x10\x10\x10");
	assert_int_equal(TYPE("\r"), LE_LINE);
	assert_string_equal(le.line, "one");
	/* newest first: one two two one; up, up, down shows the newest again */
	TYPE("\x1b[A\x1b[A\x1b[B");
	assert_int_equal(TYPE("\r"), LE_LINE);
	assert_string_equal(le.line, "one");
	TYPE("zz\x10\x0e"); /* recall then back to a new, empty line */
	assert_int_equal(TYPE("\r"), LE_LINE);
	assert_string_equal(le.line, "");
}

static int ran_argc;
static char ran_last[32];

static int cmd_probe(int argc, char **argv)
{
	ran_argc = argc;
	snprintf(ran_last, sizeof(ran_last), "%s", argv[argc - 1]);
	return 3;
}
DOM0_COMMAND("probe", cmd_probe, "a test command");

static void test_split_and_exec(void **state)
{
	char line[] = "  hx  create\timg name=a  ", *argv[4];
	assert_int_equal(shell_split(line, argv, 4), 4);
	assert_string_equal(argv[0], "hx");
	assert_string_equal(argv[3], "name=a");
	char comment[] = "  # hx destroy 1", full[] = "a b c d e";
	assert_int_equal(shell_split(comment, argv, 4), 0);
	assert_int_equal(shell_split(full, argv, 4), 4);
	char run[] = "probe x y";
	assert_int_equal(shell_exec(run), 3);
	assert_int_equal(ran_argc, 3);
	assert_string_equal(ran_last, "y");
	char unknown[] = "frobnicate", empty[] = "   ";
	assert_int_equal(shell_exec(unknown), 127);
	assert_int_equal(shell_exec(empty), 0);
	assert_non_null(shell_find("help"));
	assert_null(shell_find("hel"));
}

static void test_script(void **state)
{
	static const char script[] = "probe 1\n\n# note\nnothing-here\nprobe 2 3";
	ran_argc = 0;
	assert_int_equal(shell_run_script(script, sizeof(script) - 1), 3);
	assert_int_equal(ran_argc, 3);
	assert_string_equal(ran_last, "3");
}

const struct CMUnitTest shell_tests[] = {
	cmocka_unit_test(test_typing_and_erasing),
	cmocka_unit_test(test_ctrl_u_and_ctrl_c),
	cmocka_unit_test(test_controls_ignored_and_long_lines),
	cmocka_unit_test(test_history),
	cmocka_unit_test(test_split_and_exec),
	cmocka_unit_test(test_script),
};
const size_t shell_tests_count = sizeof(shell_tests) / sizeof(shell_tests[0]);
