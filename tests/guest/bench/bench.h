/*
 * Shared helpers of the benchmark guest (tests/guest/bench): the timer
 * (rdtsc, which under QEMU -icount shift=0 counts emulated instructions,
 * so every figure is instructions per operation and repeats run to run)
 * and the report line "bench <name> <per-op>" that tests/bench/guest.sh
 * collects.  Each benchmark group lives in its own file.
 */
#ifndef BENCH_H
#define BENCH_H

#include "../lib/tg.h"

#define ROUNDS 2000

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

/* Print "bench <name> <total / ops>" and check that something was timed. */
void bench_report(const char *name, uint64_t total, unsigned long ops);

/* The event callback (handlers.S); the trap handlers are lib/traps.S's. */
void bench_event_handler(void);
extern unsigned long bench_upcalls;
extern struct vcpu_info *bench_vcpu_info;
extern unsigned long *bench_pending_word;

/* The machine address of the L1 entry that maps va (the guest's own tables). */
uint64_t bench_pte_maddr(const void *va);
uint64_t *bench_pte_ptr(const void *va);
unsigned long bench_mfn_of(const void *va);

void bench_hypercalls(void);
void bench_mm(void);
void bench_events(void);
void bench_user(void);
/* user.S */
void bench_user_loop(void), bench_user_syscall(void), bench_user_ud(void);
extern unsigned long bench_user_cycles, bench_user_calls, bench_user_rounds;
void bench_switch(void);
__attribute__((noreturn)) void bench_partner(void);

#endif
