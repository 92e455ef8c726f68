/*
 * The system calls of pvguest processes (numbers and conventions in
 * abi.h).
 *
 * proc_syscall decodes the frame the syscall callback saved: number in
 * rax, arguments in rdi, rsi, rdx, r10, r8; the result goes back in rax.
 * Every pointer a process passes is a user address and is only reached
 * through copy_{from,to}_user on that process's own tables, so a bad
 * pointer is -EFAULT, never a kernel fault.  Events are unmasked while a
 * call runs (a call may sleep, wait or read), masked again before the
 * way back.
 *
 * Files: descriptors 0-2 start as the "console" device; open() finds a
 * file of the root pfs (a leading '/' is ignored: the directory is flat,
 * "bin/sh" is one name), creating it with O_CREAT.  Data moves through a
 * kernel bounce buffer in chunks.
 */
#include "proc.h"
#include <core/kernel.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CHUNK 1024

static struct device *console;

void proc_files_init(struct proc *p)
{
	if (!console)
		console = device_find("console");
	for (unsigned int i = 0; i < FILES_MAX; i++)
		p->files[i] = (struct file){.kind = i < 3 ? FILE_CONSOLE : FILE_NONE};
}

static struct file *file_of(struct proc *p, uint64_t fd)
{
	return fd < FILES_MAX && p->files[fd].kind != FILE_NONE ? &p->files[fd] : NULL;
}

static long path_in(struct proc *p, uint64_t uva, char *path)
{
	long n = copy_str_from_user(&p->us, path, uva, PROC_NAME_MAX);
	if (n < 0)
		return n;
	size_t skip = strspn(path, "/");
	memmove(path, path + skip, (size_t)n + 1 - skip);
	return path[0] ? 0 : -ENOENT;
}

static long sys_write(struct proc *p, struct file *f, uint64_t buf, uint64_t len)
{
	char k[CHUNK];
	long done = 0;
	if ((f->flags & O_ACCMODE) == O_RDONLY && f->kind == FILE_PFS)
		return -EBADF;
	while ((uint64_t)done < len) {
		size_t n = len - done < CHUNK ? len - done : CHUNK;
		if (copy_from_user(&p->us, k, buf + done, n))
			return done ? done : -EFAULT;
		long w;
		if (f->kind == FILE_CONSOLE) {
			w = console && console->write ? console->write(console, k, n) : -EIO;
		} else {
			if (f->flags & O_APPEND) {
				struct pfs_dirent e;
				w = pfs_entry(proc_root_fs, (unsigned int)f->slot, &e);
				f->off = e.size;
			}
			w = pfs_write(proc_root_fs, (unsigned int)f->slot, f->off, k, n);
			if (w > 0)
				f->off += (uint64_t)w;
		}
		if (w <= 0)
			return done ? done : w;
		done += w;
	}
	return done;
}

static long sys_read(struct proc *p, struct file *f, uint64_t buf, uint64_t len)
{
	char k[CHUNK];
	size_t n = len < CHUNK ? len : CHUNK;
	long r;
	if (f->kind == FILE_CONSOLE) {
		r = console && console->read ? console->read(console, k, n) : 0;
	} else {
		if ((f->flags & O_ACCMODE) == O_WRONLY)
			return -EBADF;
		r = pfs_read(proc_root_fs, (unsigned int)f->slot, f->off, k, n);
		if (r > 0)
			f->off += (uint64_t)r;
	}
	if (r > 0 && copy_to_user(&p->us, buf, k, (size_t)r))
		return -EFAULT;
	return r;
}

static long sys_open(struct proc *p, uint64_t upath, int flags)
{
	char path[PROC_NAME_MAX];
	struct pfs_dirent e;
	long rc = path_in(p, upath, path);
	if (rc)
		return rc;
	int fd = 3;
	while (fd < FILES_MAX && p->files[fd].kind != FILE_NONE)
		fd++;
	if (fd == FILES_MAX)
		return -EMFILE;
	int slot = pfs_lookup(proc_root_fs, path, &e);
	if (slot == -ENOENT && (flags & O_CREAT))
		slot = pfs_create(proc_root_fs, path, PFS_NEW_EXTENT);
	if (slot >= 0 && (flags & O_TRUNC) && (flags & O_ACCMODE) != O_RDONLY)
		rc = pfs_truncate(proc_root_fs, (unsigned int)slot);
	if (slot < 0 || rc)
		return slot < 0 ? slot : rc;
	p->files[fd] = (struct file){.kind = FILE_PFS, .slot = slot, .flags = flags};
	return fd;
}

static long sys_lseek(struct file *f, int64_t off, int whence)
{
	struct pfs_dirent e;
	if (f->kind != FILE_PFS)
		return -ESPIPE;
	int rc = pfs_entry(proc_root_fs, (unsigned int)f->slot, &e);
	if (rc)
		return rc;
	int64_t base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? (int64_t)f->off : e.size;
	if ((whence != SEEK_SET && whence != SEEK_CUR && whence != SEEK_END) || base + off < 0)
		return -EINVAL;
	f->off = (uint64_t)(base + off);
	return (long)f->off;
}

static long sys_readdir(struct proc *p, unsigned int slot, uint64_t uname, uint64_t usize)
{
	struct pfs_dirent e;
	int rc = pfs_entry(proc_root_fs, slot, &e);
	if (rc)
		return rc;
	if (!e.name[0])
		return 0;
	if (copy_to_user(&p->us, uname, e.name, strlen(e.name) + 1) ||
	    copy_to_user(&p->us, usize, &e.size, sizeof(e.size)))
		return -EFAULT;
	return 1;
}

long proc_sys_file(struct proc *p, struct trap_frame *f)
{
	struct file *file = file_of(p, f->rdi);
	char path[PROC_NAME_MAX];
	long rc;
	switch (f->rax) {
	case SYS_open:
		return proc_root_fs ? sys_open(p, f->rdi, (int)f->rsi) : -ENOENT;
	case SYS_readdir:
		return proc_root_fs ? sys_readdir(p, (unsigned int)f->rdi, f->rsi, f->rdx)
				    : -ENOENT;
	case SYS_unlink:
		if ((rc = path_in(p, f->rdi, path)) != 0)
			return rc;
		return proc_root_fs ? pfs_unlink(proc_root_fs, path) : -ENOENT;
	}
	if (!file)
		return -EBADF;
	switch (f->rax) {
	case SYS_write:
		return sys_write(p, file, f->rsi, f->rdx);
	case SYS_read:
		return sys_read(p, file, f->rsi, f->rdx);
	case SYS_close:
		file->kind = FILE_NONE;
		return 0;
	case SYS_lseek:
		return sys_lseek(file, (int64_t)f->rsi, (int)f->rdx);
	case SYS_fstat: {
		struct pfs_dirent e = {.size = 0};
		if (file->kind == FILE_PFS &&
		    (rc = pfs_entry(proc_root_fs, (unsigned)file->slot, &e)))
			return rc;
		if (copy_to_user(&p->us, f->rsi, &e.size, sizeof(e.size)))
			return -EFAULT;
		return file->kind == FILE_CONSOLE;
	}
	}
	return -ENOSYS;
}

static long sys_sbrk(struct proc *p, int64_t incr)
{
	unsigned long old = p->brk, new = old + (unsigned long)incr;
	if (incr < 0 ? (unsigned long)-incr > old - p->brk_min
		     : (unsigned long)incr > USER_STACK_LIMIT - old)
		return -ENOMEM;
	if (incr > 0 && uspace_map(&p->us, old, (unsigned long)incr))
		return -ENOMEM;
	p->brk = new;
	return (long)old;
}

static long sys_spawn(struct proc *p, uint64_t upath, uint64_t uargv)
{
	char path[PROC_NAME_MAX];
	char strings[PROC_ARGS_LEN];
	char *argv[PROC_ARGS_MAX + 1];
	long rc = path_in(p, upath, path);
	size_t used = 0;
	int argc = 0;
	for (; !rc; argc++) {
		uint64_t a;
		if (copy_from_user(&p->us, &a, uargv + argc * sizeof(a), sizeof(a)))
			return -EFAULT;
		if (!a)
			break;
		if (argc == PROC_ARGS_MAX)
			return -E2BIG;
		long n = copy_str_from_user(&p->us, strings + used, a, sizeof(strings) - used);
		if (n < 0)
			return n == -ENAMETOOLONG ? -E2BIG : n;
		argv[argc] = strings + used;
		used += (size_t)n + 1;
	}
	return rc ? rc : proc_spawn(p, path, argc, argv);
}

/* In steps of at most 100 ms, so that a kill does not wait for the end. */
static long sys_sleep(struct proc *p, uint64_t ns)
{
	const uint64_t step = 100 * 1000 * 1000ULL;
	uint64_t end = clock_now_ns() + ns;
	if (end < ns)
		end = UINT64_MAX;
	for (uint64_t now = clock_now_ns(); now < end && !p->killed; now = clock_now_ns())
		thread_sleep_ns(end - now < step ? end - now : step);
	return p->killed ? -EINTR : 0;
}

static long sys_time(struct proc *p, uint64_t utc, uint64_t up)
{
	uint64_t t[2] = {clock_utc_ns(), clock_now_ns()};
	if ((utc && copy_to_user(&p->us, utc, &t[0], 8)) ||
	    (up && copy_to_user(&p->us, up, &t[1], 8)))
		return -EFAULT;
	return 0;
}

static long dispatch(struct proc *p, struct trap_frame *f)
{
	int status = 0;
	long rc;
	switch (f->rax) {
	case SYS_exit:
		proc_exit(p, (int)(f->rdi & 0xff) << 8);
	case SYS_sbrk:
		return sys_sbrk(p, (int64_t)f->rdi);
	case SYS_getpid:
		return p->pid;
	case SYS_sleep:
		return sys_sleep(p, f->rdi);
	case SYS_time:
		return sys_time(p, f->rdi, f->rsi);
	case SYS_spawn:
		return sys_spawn(p, f->rdi, f->rsi);
	case SYS_wait:
		rc = proc_wait(p, (int)f->rdi, &status);
		if (rc > 0 && f->rsi && copy_to_user(&p->us, f->rsi, &status, sizeof(status)))
			return -EFAULT;
		return rc;
	case SYS_kill:
		return proc_kill((int)f->rdi);
	case SYS_yield:
		thread_yield();
		return 0;
	default:
		return f->rax < SYS_COUNT ? proc_sys_file(p, f) : -ENOSYS;
	}
}

void proc_syscall(struct trap_frame *f)
{
	struct proc *p = proc_current();
	if (!p)
		panic("a system call from user mode with no process");
	irq_restore(0);
	f->rax = (uint64_t)dispatch(p, f);
	irq_save();
}
