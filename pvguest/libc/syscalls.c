/*
 * newlib's system-call layer on the pvguest kernel.
 *
 * newlib (built with -UMISSING_SYSCALL_NAMES) calls _write, _sbrk, ... and
 * its reentrant wrappers expect -1 with errno set on failure.  newlib's
 * errno is a plain global int defined in libc (reent.o); <errno.h> would
 * turn the name into a function call, so this file undefines it and
 * writes the global, as the wrappers read it.
 *
 * File descriptors 0, 1 and 2 are the "console" device from the device
 * table; there is no file system yet (it comes with the block frontend),
 * so _open fails with ENOENT and other descriptors with EBADF.
 */
#include <core/device.h>
#include <core/kernel.h>
#include <core/sched.h>
#include <errno.h>
#include <mm/heap.h>
#include <public/sched.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/times.h>
#include <time.h>
#undef errno
extern int errno;

static struct device *console_of(int fd)
{
	return fd >= 0 && fd <= 2 ? device_find("console") : NULL;
}

static int fail(int e)
{
	errno = e;
	return -1;
}

int _write(int fd, const void *buf, size_t len)
{
	struct device *d = console_of(fd);
	if (!d)
		return fail(EBADF);
	if (!d->write)
		return fail(EINVAL);
	ssize_t n = d->write(d, buf, len);
	return n < 0 ? fail((int)-n) : (int)n;
}

int _read(int fd, void *buf, size_t len)
{
	struct device *d = console_of(fd);
	if (!d)
		return fail(EBADF);
	if (!d->read)
		return 0; /* a console without input reads as end of file */
	ssize_t n = d->read(d, buf, len);
	return n < 0 ? fail((int)-n) : (int)n;
}

void *_sbrk(ptrdiff_t incr)
{
	void *old = heap_sbrk(incr);
	if (!old) {
		errno = ENOMEM;
		return (void *)-1;
	}
	return old;
}

void _exit(int status)
{
	kernel_shutdown(status == 0 ? SHUTDOWN_poweroff : SHUTDOWN_crash);
}

int _gettimeofday(struct timeval *tv, void *tz)
{
	(void)tz;
	if (tv) {
		uint64_t ns = clock_utc_ns();
		tv->tv_sec = (time_t)(ns / 1000000000UL);
		tv->tv_usec = (suseconds_t)(ns % 1000000000UL / 1000);
	}
	return 0;
}

clock_t _times(struct tms *t)
{
	clock_t ticks = (clock_t)(clock_now_ns() / (1000000000UL / CLOCKS_PER_SEC));
	if (t) {
		t->tms_utime = ticks;
		t->tms_stime = t->tms_cutime = t->tms_cstime = 0;
	}
	return ticks;
}

int _open(const char *path, int flags, int mode)
{
	(void)path;
	(void)flags;
	(void)mode;
	return fail(ENOENT);
}

int _close(int fd)
{
	return console_of(fd) ? 0 : fail(EBADF);
}

off_t _lseek(int fd, off_t off, int whence)
{
	(void)off;
	(void)whence;
	return fail(console_of(fd) ? ESPIPE : EBADF);
}

int _fstat(int fd, struct stat *st)
{
	if (!console_of(fd))
		return fail(EBADF);
	st->st_mode = S_IFCHR;
	st->st_blksize = 0;
	return 0;
}

int _isatty(int fd)
{
	return console_of(fd) ? 1 : fail(EBADF);
}

int _getpid(void)
{
	return 1;
}

int _kill(int pid, int sig)
{
	(void)sig;
	if (pid == 1)
		kernel_shutdown(SHUTDOWN_crash); /* raise()/abort() on ourselves */
	return fail(ESRCH);
}

int _link(const char *old, const char *new)
{
	(void)old;
	(void)new;
	return fail(EMLINK);
}

int _unlink(const char *path)
{
	(void)path;
	return fail(ENOENT);
}

int _stat(const char *path, struct stat *st)
{
	(void)path;
	(void)st;
	return fail(ENOENT);
}
