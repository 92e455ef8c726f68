/*
 * dom0's main program: the control domain's start-up and its prompt.
 *
 * 1. Read the command line: rc=<module> names a boot module holding the
 *    boot script (decision 6 of DESIGN: one command per line).
 * 2. Run every DOM0_INITCALL, level by level (xenstored, hardware,
 *    backends, domains); within a level in link order.  A failing call is
 *    logged with its name and its error, and start-up carries on.
 * 3. Run the boot script, each line echoed after the prompt.
 * 4. Bind the console input and serve the dom0# prompt for ever (the
 *    poweroff and reboot commands end the domain, and so the machine).
 */
#include "bootmod.h"
#include "console_in.h"
#include "init.h"
#include "shell/shell.h"
#include <core/kernel.h>
#include <stdio.h>
#include <string.h>

extern const struct dom0_initcall __start_dom0_init[], __stop_dom0_init[];

static void run_initcalls(void)
{
	for (int level = DOM0_INIT_XENSTORE; level <= DOM0_INIT_DOMAINS; level++)
		for (const struct dom0_initcall *c = __start_dom0_init; c < __stop_dom0_init; c++) {
			if (c->level != level)
				continue;
			int rc = c->fn();
			if (rc)
				printf("dom0: init %s (level %d) failed: %d\n", c->name, level, rc);
		}
}

static void run_boot_script(const char *name)
{
	size_t len;
	const char *args;
	const char *text = bootmod_find(name, &len, &args);
	if (!text) {
		printf("dom0: boot script %s: no such boot module\n", name);
		return;
	}
	unsigned int failed = shell_run_script(text, len);
	printf("dom0: boot script %s done, %u command(s) failed\n", name, failed);
}

int main(int argc, char **argv)
{
	const char *rc_script = NULL;
	for (int i = 1; i < argc; i++)
		if (strncmp(argv[i], "rc=", 3) == 0)
			rc_script = argv[i] + 3;
	printf("dom0: Hospes control domain\n");
	run_initcalls();
	fflush(stdout);
	if (rc_script)
		run_boot_script(rc_script);
	int rc = console_in_init();
	if (rc)
		printf("dom0: no console input event (%d): polling\n", rc);
	shell_prompt_loop();
}
