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

void fuzz_seed(uint64_t seed);
/* Learn the frames and PTE addresses of the victim pages (once, at start). */
void fuzz_victims(void);
uint64_t fuzz_random(void);
/* Scratch filled with interesting words (whole, or one random window). */
void fuzz_fill_scratch(bool whole);
/* The next call; never one that legitimately ends or stalls the guest. */
void fuzz_next(struct fuzz_call *c);
/* Issue it by its path. */
long fuzz_issue(const struct fuzz_call *c);

#endif
