/*
 * A misbehaving guest: it executes ud2 with no trap table, which the
 * hypervisor must answer by crashing this domain only.
 */
#include "../lib/tg.h"

const char test_title[] = "crash";

void test_main(void)
{
	tg_printf("# crash: executing ud2 with no handler\n");
	__asm__ volatile("ud2");
	tg_check(false, "still running after an unhandled #UD");
}
