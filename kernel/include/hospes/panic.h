/*
 * Stopping the machine, and reporting a test verdict to QEMU.
 *
 * panic() (hospes/lib.h) prints its message and a symbolized backtrace,
 * then halts; when the boot runs a self-test (selftest=), it instead exits
 * QEMU with the fail verdict so that tests end at once.
 */
#ifndef HOSPES_PANIC_H
#define HOSPES_PANIC_H

#include <hospes/types.h>

/* Walk the frame-pointer chain from rbp and print one line per frame. */
void backtrace_from(unsigned long rbp);

/* isa-debug-exit (port 0xf4): 0x10 = pass, 0x11 = fail.  No return under QEMU. */
void hospes_exit_qemu(bool pass);

/* Make panic() exit QEMU with the fail verdict (set for selftest= boots). */
void panic_set_exit_qemu(bool on);

/* Hook for halting the other CPUs (engineer B's IPI); NULL until SMP is up. */
extern void (*panic_stop_other_cpus)(void);

/* Run the boot self-test name (kernel/core/selftest.c); exits QEMU. */
void selftest_run(const char *name);

/* Reset printk's lock (a panicking CPU may hold it). */
void printk_force_unlock(void);

#endif
