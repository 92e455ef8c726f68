/*
 * dom0.c hands the screen to dom0 (kernel/console/screen.c); these host
 * tests have no screen.
 */
#include <hospes/console.h>

bool screen_dom0_info(struct dom0_vga_console_info *out)
{
	(void)out;
	return false;
}

void screen_reclaim(void)
{
}
