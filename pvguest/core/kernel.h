/*
 * The pvguest kernel's own interface: what every part of the guest kernel
 * (arch, core, mm) and the libc glue share.  The kernel keeps one
 * start_info and one shared_info for the whole domain (a single vCPU).
 */
#ifndef PVGUEST_CORE_KERNEL_H
#define PVGUEST_CORE_KERNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <public/xen.h>

extern struct start_info *start_info;
extern struct shared_info *shared_info;

void printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void console_write(const char *s, size_t len);
/* A domU built by dom0: from now on its console is the ring (console.c). */
void console_ring_init(void);
/* Console input (the ring's in queue): waits for 1..len bytes; 0 if there is no ring. */
ssize_t console_read(char *buf, size_t len);
__attribute__((noreturn)) void panic(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Ends the domain with a SHUTDOWN_* reason; never returns. */
__attribute__((noreturn)) void kernel_shutdown(unsigned int reason);

/* The program the kernel runs once it is up (pvguest/apps/). */
int main(int argc, char **argv);

#endif
