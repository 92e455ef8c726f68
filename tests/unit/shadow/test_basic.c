#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include "harness.h"

void test_smoke(void **state)
{
	mm_machine_init(4096);
	struct domain *d = mm_make_domain(1, 64, false, 64);
	mm_free_domain(d);
	mm_machine_fini();
}
