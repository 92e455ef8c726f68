/*
 * Processes of the pvguest kernel: programs from the file system run in
 * guest user mode, each with its own address space (uspace.h), one kernel
 * thread and a file table.  See proc.c.
 */
#ifndef PVGUEST_PROC_PROC_H
#define PVGUEST_PROC_PROC_H

#include "abi.h"
#include "uspace.h"
#include <asm/arch.h>
#include <core/sched.h>
#include <fs/pfs.h>
#include <stdbool.h>

#define PROC_MAX  16
#define FILES_MAX 16
#define SLICE_NS  (10 * 1000 * 1000ULL)

enum file_kind { FILE_NONE, FILE_CONSOLE, FILE_PFS };

struct file {
	enum file_kind kind;
	int slot;     /* FILE_PFS: directory slot */
	uint64_t off; /* FILE_PFS: position */
	int flags;    /* O_* from open */
};

enum proc_state { PROC_FREE, PROC_LIVE, PROC_ZOMBIE };

struct proc {
	int pid;
	enum proc_state state;
	int status; /* wait status, once a zombie */
	bool killed;
	bool waiting; /* blocked in SYS_wait */
	struct proc *parent;
	struct thread *thread;
	struct uspace us;
	unsigned long brk_min, brk; /* the break and where it started */
	uint64_t entry, argv_va;
	int argc;
	uint64_t switches; /* times this process was switched in */
	struct file files[FILES_MAX];
	char name[PROC_NAME_MAX];
};

/* The file system processes see (set once at boot). */
extern struct pfs *proc_root_fs;

void proc_init(struct pfs *root);
/* Starts path with argv (argc entries) as a child of parent (NULL: the
 * kernel): the pid, or -ENOENT, -ENOEXEC, -ENOMEM, -EAGAIN (table full). */
int proc_spawn(struct proc *parent, const char *path, int argc, char *const argv[]);
/* Waits for a child of parent (pid, or -1 for any) to end: its pid and
 * wait status, or -ECHILD. */
int proc_wait(struct proc *parent, int pid, int *status);
int proc_kill(int pid);
struct proc *proc_current(void);
__attribute__((noreturn)) void proc_exit(struct proc *p, int status);

/* From trap_dispatch (arch/x86_64/traps.c), all with a frame from user mode. */
void proc_syscall(struct trap_frame *f);
__attribute__((noreturn)) void proc_fault(struct trap_frame *f);
/* Before returning to user mode: preemption and pending kills. */
void proc_return_to_user(bool timer_tick);

/* syscall.c */
long proc_sys_file(struct proc *p, struct trap_frame *f);
void proc_files_init(struct proc *p);

#endif
