/*
 * The system-call ABI between pvguest user processes and the pvguest
 * kernel.  Shared by both sides: the kernel (pvguest/proc/syscall.c) and
 * the user library (pvguest/user/lib/syscalls.c).
 *
 * A process executes `syscall` with the call number in rax and up to five
 * arguments in rdi, rsi, rdx, r10, r8 (the hypervisor's own convention,
 * so one mental model serves both layers).  The result comes back in
 * rax: a value >= 0, or a negative errno (newlib's numbering).  rcx and
 * r11 are clobbered by the instruction; everything else is preserved.
 *
 * The path: the CPU's SYSCALL enters the hypervisor, which sees the vCPU
 * in guest user mode and bounces to the guest kernel's syscall callback
 * (CALLBACKTYPE_syscall) on the kernel stack given with stack_switch,
 * switching to the kernel page tables.  The kernel returns with the iret
 * hypercall, which switches back to the process's user page tables.
 *
 * Wait status: the encoding of <sys/wait.h> (exit code in bits 8-15, or
 * the "signal" that killed the process in bits 0-6: SIGSEGV for a page
 * or protection fault, SIGILL for an invalid opcode, SIGFPE for a divide
 * error, SIGKILL for SYS_kill).
 */
#ifndef PVGUEST_PROC_ABI_H
#define PVGUEST_PROC_ABI_H

enum {
	SYS_exit = 0,	  /* (int code) -> does not return */
	SYS_write = 1,	  /* (int fd, const void *buf, size_t len) -> bytes */
	SYS_read = 2,	  /* (int fd, void *buf, size_t len) -> bytes, 0 at end */
	SYS_open = 3,	  /* (const char *path, int flags) -> fd */
	SYS_close = 4,	  /* (int fd) -> 0 */
	SYS_sbrk = 5,	  /* (long incr) -> old break */
	SYS_getpid = 6,	  /* () -> pid */
	SYS_sleep = 7,	  /* (uint64_t ns) -> 0 */
	SYS_time = 8,	  /* (uint64_t *utc_ns, uint64_t *uptime_ns) -> 0 */
	SYS_spawn = 9,	  /* (const char *path, char *const argv[]) -> pid */
	SYS_wait = 10,	  /* (int pid or -1, int *status) -> pid */
	SYS_lseek = 11,	  /* (int fd, long off, int whence) -> new offset */
	SYS_readdir = 12, /* (unsigned idx, char name[64], uint32_t *size) -> 1, 0 at end */
	SYS_fstat = 13,	  /* (int fd, uint32_t *size) -> 1 console, 0 file */
	SYS_kill = 14,	  /* (int pid) -> 0 */
	SYS_yield = 15,	  /* () -> 0 */
	SYS_unlink = 16,  /* (const char *path) -> 0 */
	SYS_COUNT
};

#define PROC_NAME_MAX 64 /* path names, including the NUL */
#define PROC_ARGS_MAX 16 /* argv entries passed to SYS_spawn */
#define PROC_ARGS_LEN 512

/* The user address space (one L2 table's worth, below 1 GiB). */
#define USER_BASE	 0x400000UL		 /* programs are linked here */
#define USER_TOP	 0x40000000UL		 /* the stack grows down from here */
#define USER_STACK_SIZE	 0x10000UL		 /* mapped at spawn */
#define USER_STACK_LIMIT (USER_TOP - 0x100000UL) /* brk stops below */
#define USER_PAGES_MAX	 4096			 /* 16 MiB of pages per process */

#endif
