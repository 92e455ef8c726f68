/*
 * printk: the hypervisor's log.  A message may start with a level prefix;
 * without one it is logged at LOG_INFO.  Every message goes into the log
 * ring (read by dom0's `hx dmesg`), and to the consoles when its level is
 * at or below the `loglvl=` threshold.
 */
#ifndef HOSPES_PRINTK_H
#define HOSPES_PRINTK_H

#include <stdarg.h>
#include <stddef.h>

#define LOG_ERR	  "<3>"
#define LOG_WARN  "<4>"
#define LOG_INFO  "<6>"
#define LOG_DEBUG "<7>"

int printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintk(const char *fmt, va_list ap);

/* Formatting into a buffer (kernel/lib/vsnprintf.c on the hypervisor). */
int snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

#endif
