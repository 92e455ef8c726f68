/*
 * The hypercall fuzzer guest (tests/guest/fuzz/): shared declarations.
 *
 * gen.c turns a 64-bit seed into a reproducible stream of hypercalls
 * (number, five arguments, entry path) and fills the scratch pages the
 * pointer arguments aim at; main.c runs the stream, counts the results and
 * reports.  The same seed and round count give the same calls.
 */
#ifndef FUZZ_H
#define FUZZ_H

#include "../lib/tg.h"

#define SCRATCH_PAGES 4
#define SCRATCH_SIZE  (SCRATCH_PAGES * 4096)
#define VICTIM_PAGES  8

enum fuzz_path { PATH_PAGE, PATH_INT82, PATH_SYSCALL };

struct fuzz_call {
	unsigned long nr;
	unsigned long a[5];
	enum fuzz_path path;
};

extern uint8_t fuzz_scratch[SCRATCH_SIZE];

/*
 * The generator's state: the PRNG and what it needs of start_info, kept by
 * the caller on its stack.  The stack lies above our page tables, which
 * are read-only to us, so a fuzzed call writing upwards from anywhere below
 * stops there before it can reach this (globals in .bss are not so lucky).
 */
struct fuzz_env {
	uint64_t state;
	const unsigned long *mfn_list;
	unsigned long nr_pages, pt_base, nr_pt_frames, end;
	uint64_t victim_frame[VICTIM_PAGES], victim_pte[VICTIM_PAGES];
};

/* Seed g, learn our layout and the victim pages' frames and PTE addresses. */
void fuzz_init(struct fuzz_env *g, uint64_t seed);
uint64_t fuzz_random(struct fuzz_env *g);
/* Scratch filled with interesting words (whole, or one random window). */
void fuzz_fill_scratch(struct fuzz_env *g, bool whole);
/* The next call; never one that legitimately ends or stalls the guest. */
void fuzz_next(struct fuzz_env *g, struct fuzz_call *c);
/* Issue it by its path. */
long fuzz_issue(const struct fuzz_call *c);

#endif
