/* Host tests of dom0's shell and hx's argument parsing. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include "tests.h"

int main(void)
{
	int failed = _cmocka_run_group_tests("args", args_tests, args_tests_count, NULL, NULL);
	failed += _cmocka_run_group_tests("shell", shell_tests, shell_tests_count, NULL, NULL);
	failed += _cmocka_run_group_tests("trace", trace_tests, trace_tests_count, NULL, NULL);
	failed += _cmocka_run_group_tests("create", create_tests, create_tests_count, NULL, NULL);
	return failed;
}
