/*
 * bench: costs of the process machinery, in TSC ticks per operation
 * (under QEMU -icount shift=0 these are guest instructions):
 *  - proc_syscall: one getpid round trip (user -> hypervisor -> guest
 *    kernel -> iret -> user);
 *  - proc_switch: one process switch, from two processes that yield to
 *    each other (each yield is a system call plus one switch; the
 *    syscall cost is subtracted).
 * Prints "bench NAME VALUE" lines (tests/bench/guestos.sh collects them).
 */
#include "pvos.h"
#include <proc/abi.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#define ROUNDS 2000

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

static void yield_loop(void)
{
	for (int i = 0; i < ROUNDS; i++)
		pv_yield();
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "yielder") == 0) {
		yield_loop();
		return 0;
	}
	uint64_t t = rdtsc();
	for (int i = 0; i < ROUNDS; i++)
		pv_syscall(SYS_getpid, 0, 0, 0);
	uint64_t sys = (rdtsc() - t) / ROUNDS;
	printf("bench proc_syscall %lu\n", (unsigned long)sys);

	char *args[] = {"bench", "yielder", NULL};
	int status, pid = pv_spawn("/bin/bench", args);
	if (pid < 0)
		return 1;
	pv_yield(); /* let the child reach its loop */
	t = rdtsc();
	yield_loop();
	uint64_t per = (rdtsc() - t) / (2 * ROUNDS);
	pv_wait(pid, &status);
	printf("bench proc_switch %lu\n", (unsigned long)(per > sys ? per - sys : 0));
	return 0;
}
