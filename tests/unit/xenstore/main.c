/* The XenStore daemon's unit tests: one group per file. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include "tests.h"

int main(void)
{
	int failed = 0;

	failed += _cmocka_run_group_tests("xenstored_ops", ops_tests, n_ops_tests, NULL, NULL);
	failed += _cmocka_run_group_tests("xenstored_perms", perm_tests, n_perm_tests, NULL, NULL);
	failed += _cmocka_run_group_tests("xenstored_txn", txn_tests, n_txn_tests, NULL, NULL);
	failed +=
		_cmocka_run_group_tests("xenstored_model", model_tests, n_model_tests, NULL, NULL);
	failed += _cmocka_run_group_tests("xenstored_fuzz", fuzz_tests, n_fuzz_tests, NULL, NULL);
	return failed;
}
