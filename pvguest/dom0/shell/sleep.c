/*
 * sleep <seconds>: wait, so a boot script can let the domains it started
 * get going before it looks at them (the docs' command blocks use it
 * before `hx trace`).  dom0's thread sleeps; other domains run meanwhile.
 */
#include "shell.h"
#include <core/sched.h>
#include <stdio.h>
#include <stdlib.h>

#define SLEEP_MAX_SECS 60

static int cmd_sleep(int argc, char **argv)
{
	char *end;
	long s = argc == 2 ? strtol(argv[1], &end, 10) : -1;
	if (argc != 2 || *end || end == argv[1] || s < 0 || s > SLEEP_MAX_SECS) {
		printf("sleep: give seconds, 0 to %d\n", SLEEP_MAX_SECS);
		return 1;
	}
	thread_sleep_ns((uint64_t)s * 1000000000ULL);
	return 0;
}
DOM0_COMMAND("sleep", cmd_sleep, "<seconds>: wait (boot scripts)");
