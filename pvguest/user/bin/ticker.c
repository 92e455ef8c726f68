/*
 * ticker [N [MS [KB [FILE]]]]: "tick 1", "tick 2", ... one line every MS
 * milliseconds (default 200), N lines (default 0: forever); with KB, each
 * tick also takes KB KiB of fresh memory from malloc and writes it; with
 * FILE, each tick also reads FILE's first 512 bytes again (one read()).
 *
 * A steady, small workload whose system calls are easy to follow with
 * `hx trace` from dom0 (docs/teaching uses it): each line is a write (the
 * kernel hands it to console_io), each pause a sleep (the kernel blocks
 * until its timer event), and new memory is an sbrk (the kernel maps the
 * pages with mmu_update) followed by first touches the hypervisor's
 * shadow tables take as hidden page faults.  When malloc says no, the
 * ticks go on without memory.  A read of FILE on a root file system that
 * lives on a virtual disk is two block requests through blkfront (the
 * directory entry, then the data: pfs keeps no cache), which is how
 * docs/teaching/driver-domain.md follows a block request across domains.
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
	const char *file = argc > 4 ? argv[4] : NULL;
	FILE *f = file ? fopen(file, "r") : NULL;
	if (n < 0 || ms < 1 || kb < 0) {
		printf("usage: ticker [N [MS [KB [FILE]]]]\n");
		return 1;
	}
	if (file && !f) {
		printf("ticker: %s: no such file\n", file);
		return 1;
	}
	if (f)
		setvbuf(f, NULL, _IONBF, 0); /* each fread one read() */
	for (long i = 1; n == 0 || i <= n; i++) {
		char *mem = kb ? malloc((size_t)kb * 1024) : NULL, buf[512];
		if (mem)
			memset(mem, (int)i, (size_t)kb * 1024);
		if (f)
			printf("tick %ld, %zu bytes of %s\n", i,
			       fseek(f, 0, SEEK_SET) ? 0 : fread(buf, 1, sizeof(buf), f), file);
		else
			printf("tick %ld%s\n", i, kb && !mem ? " (no memory)" : "");
		fflush(stdout);
		pv_sleep_ns((uint64_t)ms * 1000000);
	}
	return 0;
}
