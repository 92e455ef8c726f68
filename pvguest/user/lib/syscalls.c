/*
 * newlib's system-call layer for pvguest processes: every _write, _open,
 * _sbrk ... newlib calls becomes one `syscall` instruction into the
 * pvguest kernel (numbers and register convention in proc/abi.h).  The
 * kernel answers -errno on failure; newlib wants -1 and its global errno
 * set, which is what ret() does (<errno.h> would turn the name into a
 * function call, so the global is declared directly, as in the kernel's
 * own glue pvguest/libc/syscalls.c).
 */
#include "pvos.h"
#include <errno.h>
#include <proc/abi.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/times.h>
#include <time.h>
#undef errno
extern int errno;

long pv_syscall(long nr, long a1, long a2, long a3)
{
	long ret;
	__asm__ volatile("syscall"
			 : "=a"(ret), "+D"(a1), "+S"(a2), "+d"(a3)
			 : "a"(nr)
			 : "rcx", "r11", "memory");
	return ret;
}

static long ret(long r)
{
	if (r < 0) {
		errno = (int)-r;
		return -1;
	}
	return r;
}

int _write(int fd, const void *buf, size_t len)
{
	return (int)ret(pv_syscall(SYS_write, fd, (long)buf, (long)len));
}

int _read(int fd, void *buf, size_t len)
{
	return (int)ret(pv_syscall(SYS_read, fd, (long)buf, (long)len));
}

int _open(const char *path, int flags, int mode)
{
	(void)mode;
	return (int)ret(pv_syscall(SYS_open, (long)path, flags, 0));
}

int _close(int fd)
{
	return (int)ret(pv_syscall(SYS_close, fd, 0, 0));
}

off_t _lseek(int fd, off_t off, int whence)
{
	return (off_t)ret(pv_syscall(SYS_lseek, fd, (long)off, whence));
}

int _fstat(int fd, struct stat *st)
{
	uint32_t size = 0;
	long r = ret(pv_syscall(SYS_fstat, fd, (long)&size, 0));
	if (r < 0)
		return -1;
	*st = (struct stat){.st_mode = r ? S_IFCHR : S_IFREG, .st_size = size};
	return 0;
}

int _stat(const char *path, struct stat *st)
{
	int fd = _open(path, 0, 0);
	if (fd < 0)
		return -1;
	int r = _fstat(fd, st);
	_close(fd);
	return r;
}

int _isatty(int fd)
{
	struct stat st;
	return _fstat(fd, &st) == 0 && S_ISCHR(st.st_mode);
}

void *_sbrk(ptrdiff_t incr)
{
	return (void *)ret(pv_syscall(SYS_sbrk, incr, 0, 0));
}

void _exit(int code)
{
	for (;;)
		pv_syscall(SYS_exit, code, 0, 0);
}

int _getpid(void)
{
	return (int)pv_syscall(SYS_getpid, 0, 0, 0);
}

int _kill(int pid, int sig)
{
	(void)sig;
	return (int)ret(pv_syscall(SYS_kill, pid, 0, 0));
}

int _gettimeofday(struct timeval *tv, void *tz)
{
	(void)tz;
	uint64_t ns = 0;
	long r = ret(pv_syscall(SYS_time, (long)&ns, 0, 0));
	if (r == 0 && tv) {
		tv->tv_sec = (time_t)(ns / 1000000000UL);
		tv->tv_usec = (suseconds_t)(ns % 1000000000UL / 1000);
	}
	return (int)r;
}

clock_t _times(struct tms *t)
{
	clock_t ticks = (clock_t)(pv_uptime_ns() / (1000000000UL / CLOCKS_PER_SEC));
	if (t)
		*t = (struct tms){.tms_utime = ticks};
	return ticks;
}

int _unlink(const char *path)
{
	return (int)ret(pv_syscall(SYS_unlink, (long)path, 0, 0));
}

int _link(const char *old, const char *new)
{
	(void)old;
	(void)new;
	errno = EMLINK;
	return -1;
}

int pv_spawn(const char *path, char *const argv[])
{
	return (int)pv_syscall(SYS_spawn, (long)path, (long)argv, 0);
}

int pv_wait(int pid, int *status)
{
	return (int)pv_syscall(SYS_wait, pid, (long)status, 0);
}

int pv_kill(int pid)
{
	return (int)pv_syscall(SYS_kill, pid, 0, 0);
}

int pv_readdir(unsigned int slot, char name[64], uint32_t *size)
{
	return (int)pv_syscall(SYS_readdir, slot, (long)name, (long)size);
}

void pv_sleep_ns(uint64_t ns)
{
	pv_syscall(SYS_sleep, (long)ns, 0, 0);
}

uint64_t pv_uptime_ns(void)
{
	uint64_t ns = 0;
	pv_syscall(SYS_time, 0, (long)&ns, 0);
	return ns;
}

void pv_yield(void)
{
	pv_syscall(SYS_yield, 0, 0, 0);
}
