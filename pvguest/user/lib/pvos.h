/*
 * What a pvguest process can ask of the kernel beyond newlib's POSIX
 * subset: starting and waiting for other programs, the directory, time
 * and the scheduler.  Each returns the kernel's result; a negative value
 * is -errno (these do not touch errno).
 */
#ifndef PVGUEST_USER_PVOS_H
#define PVGUEST_USER_PVOS_H

#include <stdint.h>

long pv_syscall(long nr, long a1, long a2, long a3);
int pv_spawn(const char *path, char *const argv[]);
/* pid or -1 (any child); *status in <sys/wait.h> encoding. */
int pv_wait(int pid, int *status);
int pv_kill(int pid);
/* 1 and the name/size of directory slot, 0 for a free slot, < 0 past the end. */
int pv_readdir(unsigned int slot, char name[64], uint32_t *size);
void pv_sleep_ns(uint64_t ns);
uint64_t pv_uptime_ns(void);
void pv_yield(void);

#endif
