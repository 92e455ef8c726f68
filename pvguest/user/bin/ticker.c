/*
 * ticker [N [MS [KB]]]: "tick 1", "tick 2", ... one line every MS
 * milliseconds (default 200), N lines (default 0: forever); with KB, each
 * tick also takes KB KiB of fresh memory from malloc and writes it.
 *
 * A steady, small workload whose system calls are easy to follow with
 * `hx trace` from dom0 (docs/teaching uses it): each line is a write (the
 * kernel hands it to console_io), each pause a sleep (the kernel blocks
 * until its timer event), and new memory is an sbrk (the kernel maps the
 * pages with mmu_update) followed by first touches the hypervisor's
 * shadow tables take as hidden page faults.  When malloc says no, the
 * ticks go on without memory.
 */
#include "pvos.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 0;
	long ms = argc > 2 ? atol(argv[2]) : 200;
	long kb = argc > 3 ? atol(argv[3]) : 0;
	if (n < 0 || ms < 1 || kb < 0) {
		printf("usage: ticker [N [MS [KB]]]\n");
		return 1;
	}
	for (long i = 1; n == 0 || i <= n; i++) {
		char *mem = kb ? malloc((size_t)kb * 1024) : NULL;
		if (mem)
			memset(mem, (int)i, (size_t)kb * 1024);
		printf("tick %ld%s\n", i, kb && !mem ? " (no memory)" : "");
		fflush(stdout);
		pv_sleep_ns((uint64_t)ms * 1000000);
	}
	return 0;
}
