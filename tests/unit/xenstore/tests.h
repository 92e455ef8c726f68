/* The test tables of each file, run by main.c. */
#ifndef TEST_XENSTORE_TESTS_H
#define TEST_XENSTORE_TESTS_H
#include <stddef.h>
struct CMUnitTest;
extern const struct CMUnitTest ops_tests[], perm_tests[], txn_tests[], fuzz_tests[], model_tests[];
extern const size_t n_ops_tests, n_perm_tests, n_txn_tests, n_fuzz_tests, n_model_tests;
int xs_setup(void **state);
int xs_teardown(void **state);
#endif
