/*
 * dom0's keyboard: bytes typed on the hypervisor's serial console, read
 * with CONSOLEIO_read and signalled by VIRQ_CONSOLE (decision 5).
 */
#ifndef DOM0_CONSOLE_IN_H
#define DOM0_CONSOLE_IN_H

#include <stddef.h>

/* Binds VIRQ_CONSOLE; 0 or a negative Xen error (reading then polls). */
int console_in_init(void);
/* Blocks the calling thread until input arrives; returns 1..len bytes. */
size_t console_in_read(char *buf, size_t len);
/* Reads what is there without blocking (0: nothing). */
size_t console_in_poll(char *buf, size_t len);

#endif
