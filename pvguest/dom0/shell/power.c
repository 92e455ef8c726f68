/*
 * poweroff and reboot: dom0 shuts itself down with that reason, and the
 * hypervisor turns dom0's end into the machine's (kernel/domain/dom0.c).
 */
#include "shell.h"
#include <core/kernel.h>
#include <public/sched.h>
#include <stdio.h>

static int cmd_poweroff(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("dom0: powering off\n");
	fflush(stdout);
	kernel_shutdown(SHUTDOWN_poweroff);
}
DOM0_COMMAND("poweroff", cmd_poweroff, "shut the machine down");

static int cmd_reboot(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("dom0: rebooting\n");
	fflush(stdout);
	kernel_shutdown(SHUTDOWN_reboot);
}
DOM0_COMMAND("reboot", cmd_reboot, "restart the machine");
