/* Host tests of event channels (kernel/event/, kernel/hypercall/event_channel.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests.h"

int main(void)
{
	int failed = _cmocka_run_group_tests("ports", port_tests, nr_port_tests, NULL, NULL);

	failed +=
		_cmocka_run_group_tests("delivery", delivery_tests, nr_delivery_tests, NULL, NULL);
	failed += _cmocka_run_group_tests("race", race_tests, nr_race_tests, NULL, NULL);
	return failed;
}
