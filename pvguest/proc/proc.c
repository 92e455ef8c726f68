/*
 * Processes: spawn, the way into user mode and back, preemption, death.
 *
 * A process is a kernel thread (core/sched.c) plus a user address space
 * (uspace.c).  The thread enters user mode once, with an iret hypercall
 * whose frame has a CS with RPL 3 (user_enter in arch/x86_64/user.S); from
 * then on the process comes back into the kernel only through the
 * hypervisor: a `syscall` (bounced to the syscall callback), an exception,
 * or an event upcall.  Each lands on the top of the thread's own kernel
 * stack, which the switch hook registers with stack_switch whenever the
 * thread is switched in, together with the process's user page tables
 * (MMUEXT_NEW_USER_BASEPTR).  So a process blocked in a system call, or
 * preempted, simply sits inside its thread; switching processes is
 * switching threads.
 *
 * Preemption: at every return towards user mode (proc_return_to_user,
 * called with events masked at the end of the trap path) a process whose
 * 10 ms slice is over yields if another thread is runnable.  Whenever a
 * process heads for user mode while others wait (switched in, first
 * entry, any return), the slice's end is armed as a timer event, so a
 * process that never enters the kernel is still interrupted on time; a
 * thread woken while a process runs is woken by an event, whose upcall
 * is such a return.
 *
 * Death: SYS_exit, a fault in user mode (the kernel prints why and the
 * process dies with the matching "signal" in its wait status), or
 * SYS_kill (a flag, acted on when the victim next heads for user mode).
 * proc_exit runs on the dying process's own thread: it unloads and frees
 * the address space, hands its children to no one, becomes a zombie for
 * its parent (or is freed at once without one) and ends the thread.
 *
 * The table is a fixed array; everything runs on one vCPU and no switch
 * happens inside these functions except at thread_block/thread_yield, so
 * state is consistent at every switch.
 */
#include "proc.h"
#include "elf.h"
#include <asm/hypercall.h>
#include <core/kernel.h>
#include <errno.h>
#include <mm/mm.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

struct pfs *proc_root_fs;
static struct proc procs[PROC_MAX];
static int next_pid = 1;
static uint64_t slice_end;

__attribute__((noreturn)) void user_enter(uint64_t rip, uint64_t rsp, uint64_t argc, uint64_t argv);

struct proc *proc_current(void)
{
	return thread_user(thread_current());
}

static void switch_in(struct thread *next)
{
	static uintptr_t stack_loaded;
	struct proc *p = thread_user(next);
	if (!p)
		return;
	uspace_activate(&p->us);
	uintptr_t top = thread_stack_top(next);
	if (top != stack_loaded) {
		long rc = hypercall(__HYPERVISOR_stack_switch, FLAT_KERNEL_SS, top, 0);
		if (rc)
			panic("stack_switch: %ld", rc);
		stack_loaded = top;
	}
	slice_end = clock_now_ns() + SLICE_NS;
	if (sched_others_runnable())
		clock_arm(slice_end);
	p->switches++;
}

void proc_init(struct pfs *root)
{
	proc_root_fs = root;
	sched_set_switch_hook(switch_in);
}

/* The program file, read whole into a malloc'ed buffer. */
static void *read_program(const char *path, size_t *len, int *err)
{
	struct pfs_dirent e;
	while (*path == '/')
		path++;
	int slot = proc_root_fs ? pfs_lookup(proc_root_fs, path, &e) : -ENOENT;
	if (slot < 0) {
		*err = slot;
		return NULL;
	}
	void *buf = malloc(e.size ? e.size : 1);
	if (!buf) {
		*err = -ENOMEM;
		return NULL;
	}
	long n = pfs_read(proc_root_fs, (unsigned int)slot, 0, buf, e.size);
	if (n != (long)e.size) {
		free(buf);
		*err = n < 0 ? (int)n : -EIO;
		return NULL;
	}
	*len = e.size;
	return buf;
}

static int load_segments(struct proc *p, const void *file, const struct elf_image *img)
{
	for (unsigned int i = 0; i < img->nsegs; i++) {
		const struct elf_seg *s = &img->seg[i];
		int rc = uspace_map(&p->us, s->vaddr, s->memsz);
		if (!rc)
			rc = copy_to_user(&p->us, s->vaddr, (const char *)file + s->offset,
					  s->filesz);
		if (rc)
			return rc;
	}
	p->entry = img->entry;
	p->brk = p->brk_min = (img->end + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	return 0;
}

/* The stack: argument strings at the top, the argv array below them. */
static int push_args(struct proc *p, int argc, char *const argv[], uint64_t *sp)
{
	uint64_t top = USER_TOP, ptrs[PROC_ARGS_MAX + 1];
	int rc = uspace_map(&p->us, USER_TOP - USER_STACK_SIZE, USER_STACK_SIZE);
	for (int i = argc - 1; i >= 0 && !rc; i--) {
		size_t n = strlen(argv[i]) + 1;
		top -= n;
		ptrs[i] = top;
		rc = copy_to_user(&p->us, top, argv[i], n);
	}
	ptrs[argc] = 0;
	top = (top - (argc + 1) * sizeof(uint64_t)) & ~15UL;
	if (!rc)
		rc = copy_to_user(&p->us, top, ptrs, (argc + 1) * sizeof(uint64_t));
	p->argc = argc;
	p->argv_va = top;
	*sp = top - 8; /* as if a call had pushed a return address */
	return rc;
}

static void proc_thread(void *arg)
{
	struct proc *p = arg;
	irq_save(); /* the iret unmasks events (RFLAGS.IF in its frame) */
	if (sched_others_runnable())
		clock_arm(slice_end);
	user_enter(p->entry, p->argv_va - 8, (uint64_t)p->argc, p->argv_va);
}

static struct proc *slot_alloc(void)
{
	for (unsigned int i = 0; i < PROC_MAX; i++)
		if (procs[i].state == PROC_FREE)
			return &procs[i];
	return NULL;
}

static int build(struct proc *p, const char *path, int argc, char *const argv[])
{
	size_t len = 0;
	int rc = 0;
	struct elf_image img;
	uint64_t sp;
	void *file = read_program(path, &len, &rc);
	if (!file)
		return rc;
	rc = elf_check(file, len, USER_BASE, USER_STACK_LIMIT, &img);
	if (!rc)
		rc = uspace_create(&p->us);
	if (!rc)
		rc = load_segments(p, file, &img);
	if (!rc)
		rc = push_args(p, argc, argv, &sp);
	free(file);
	return rc == -EFAULT ? -ENOEXEC : rc;
}

int proc_spawn(struct proc *parent, const char *path, int argc, char *const argv[])
{
	struct proc *p = slot_alloc();
	if (!p)
		return -EAGAIN;
	if (argc < 1 || argc > PROC_ARGS_MAX)
		return -E2BIG;
	*p = (struct proc){.parent = parent};
	int rc = build(p, path, argc, argv);
	if (!rc && !(p->thread = thread_create(p->name, proc_thread, p)))
		rc = -EAGAIN;
	if (rc) {
		uspace_destroy(&p->us);
		p->state = PROC_FREE;
		return rc;
	}
	thread_set_user(p->thread, p); /* before it first runs: no switch since create */
	p->pid = next_pid++;
	p->state = PROC_LIVE;
	strncpy(p->name, path, sizeof(p->name) - 1);
	proc_files_init(p);
	return p->pid;
}

void proc_exit(struct proc *p, int status)
{
	irq_save();
	uspace_activate(NULL);
	uspace_destroy(&p->us);
	for (unsigned int i = 0; i < PROC_MAX; i++) {
		if (procs[i].parent != p)
			continue;
		procs[i].parent = NULL;
		if (procs[i].state == PROC_ZOMBIE)
			procs[i].state = PROC_FREE;
	}
	p->status = status;
	if (!p->parent) {
		p->state = PROC_FREE;
	} else {
		p->state = PROC_ZOMBIE;
		if (p->parent->waiting)
			thread_wake(p->parent->thread);
	}
	thread_exit();
}

/* A kernel thread that wants to wait spawns with a struct proc of its own
 * as the parent (only its thread field matters). */
int proc_wait(struct proc *parent, int pid, int *status)
{
	for (;;) {
		bool any = false;
		for (unsigned int i = 0; i < PROC_MAX; i++) {
			struct proc *c = &procs[i];
			if (c->state == PROC_FREE || c->parent != parent ||
			    (pid != -1 && c->pid != pid))
				continue;
			any = true;
			if (c->state != PROC_ZOMBIE)
				continue;
			*status = c->status;
			c->state = PROC_FREE;
			return c->pid;
		}
		if (!any)
			return -ECHILD;
		parent->waiting = true;
		thread_block();
		parent->waiting = false;
		if (parent->killed)
			return -EINTR;
	}
}

int proc_kill(int pid)
{
	for (unsigned int i = 0; i < PROC_MAX; i++) {
		struct proc *p = &procs[i];
		if (p->state != PROC_LIVE || p->pid != pid)
			continue;
		p->killed = true;
		if (p->waiting)
			thread_wake(p->thread);
		return 0;
	}
	return -ESRCH;
}

static int signal_of(int64_t vector)
{
	switch (vector) {
	case 0:
	case 16:
	case 19:
		return SIGFPE;
	case 3:
		return SIGTRAP;
	case 6:
		return SIGILL;
	default:
		return SIGSEGV;
	}
}

void proc_fault(struct trap_frame *f)
{
	struct proc *p = proc_current();
	if (!p)
		panic("a user-mode fault with no process");
	unsigned long cr2 = shared_info->vcpu_info[0].arch.cr2;
	printk("proc: pid %d (%s) killed: %s at rip %#lx", p->pid, p->name, trap_name(f->vector),
	       (unsigned long)f->rip);
	if (f->vector == 14)
		printk(", address %#lx", cr2);
	printk("\n");
	proc_exit(p, signal_of(f->vector));
}

void proc_return_to_user(bool event)
{
	struct proc *p = proc_current();
	if (!p)
		return;
	if (p->killed)
		proc_exit(p, SIGKILL);
	if (sched_others_runnable()) {
		if (event && clock_now_ns() >= slice_end)
			thread_yield();
		else
			clock_arm(slice_end);
	}
	if (p->killed)
		proc_exit(p, SIGKILL);
}
