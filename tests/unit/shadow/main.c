/* The shadow engine's unit tests (host, cmocka). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

void test_smoke(void **state);
void test_random_big_pool(void **state);
void test_random_small_pool(void **state);

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_smoke),
		cmocka_unit_test(test_random_big_pool),
		cmocka_unit_test(test_random_small_pool),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
