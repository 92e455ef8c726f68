/*
 * The counter behind scripts/icount-profile.sh: reads QEMU's
 * `-singlestep -d exec,nochain` log (one "Trace ...: [cpu/PC/...]" line per
 * executed instruction) on stdin and prints "phase pc count" lines: how
 * often each instruction address ran in each phase.  A phase ends at every
 * execution of a marker address given on the command line (the benchmark
 * guest's rdtsc instructions), so the timed loops of the benchmarks fall
 * into their own phases.  Open addressing in one fixed table: a benchmark
 * run touches a few thousand distinct (phase, pc) pairs.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SLOTS	    (1u << 22)
#define MAX_MARKERS 64

static uint64_t key_pc[SLOTS], count[SLOTS];
static uint32_t key_phase[SLOTS];

static void add(uint64_t pc, uint32_t phase)
{
	uint64_t h = ((pc ^ ((uint64_t)phase << 48)) * 0x9e3779b97f4a7c15ULL) >> 42;

	while (count[h] && (key_pc[h] != pc || key_phase[h] != phase))
		h = (h + 1) & (SLOTS - 1);
	key_pc[h] = pc;
	key_phase[h] = phase;
	count[h]++;
}

int main(int argc, char **argv)
{
	uint64_t markers[MAX_MARKERS];
	int nmarkers = 0;
	uint32_t phase = 0;
	char line[512];

	for (int i = 1; i < argc && nmarkers < MAX_MARKERS; i++)
		markers[nmarkers++] = strtoull(argv[i], NULL, 16);
	while (fgets(line, sizeof(line), stdin)) {
		char *p = strchr(line, '[');

		if (!p || !(p = strchr(p, '/')))
			continue;
		uint64_t pc = strtoull(p + 1, NULL, 16);

		for (int i = 0; i < nmarkers; i++)
			if (pc == markers[i]) {
				phase++;
				break;
			}
		add(pc, phase);
	}
	for (uint64_t i = 0; i < SLOTS; i++)
		if (count[i])
			printf("%u %llx %llu\n", key_phase[i], (unsigned long long)key_pc[i],
			       (unsigned long long)count[i]);
	return 0;
}
