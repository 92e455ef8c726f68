/*
 * ticker [N [MS]]: "tick 1", "tick 2", ... one line every MS milliseconds
 * (default 200), N lines (default: forever).  A steady, small workload
 * whose system calls are easy to follow with `hx trace` from dom0: each
 * line is a write (the kernel passes it to console_io), each pause a
 * sleep (the kernel blocks until its timer event).  docs/teaching uses it.
 */
#include "pvos.h"
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 0;
	long ms = argc > 2 ? atol(argv[2]) : 200;
	if (n < 0 || ms < 1) {
		printf("usage: ticker [N [MS]]\n");
		return 1;
	}
	for (long i = 1; n == 0 || i <= n; i++) {
		printf("tick %ld\n", i);
		fflush(stdout);
		pv_sleep_ns((uint64_t)ms * 1000000);
	}
	return 0;
}
