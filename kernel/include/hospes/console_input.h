/*
 * Console input: bytes typed on the serial console, kept for dom0
 * (decision 5 of DESIGN: the hypervisor owns COM1).  The UART interrupt
 * puts bytes in; dom0 takes them out with CONSOLEIO_read after
 * VIRQ_CONSOLE.  A full buffer drops new bytes (and counts them): a slow
 * reader loses the newest input, never garbles the order of the rest.
 */
#ifndef HOSPES_CONSOLE_INPUT_H
#define HOSPES_CONSOLE_INPUT_H

#include <hospes/types.h>

#define CONSOLE_INPUT_SIZE 1024

/* Appends one byte (interrupt context); false if it was dropped. */
bool console_input_put(char c);
/* Takes up to len bytes, oldest first; returns how many. */
size_t console_input_read(char *buf, size_t len);
/* Bytes dropped because the buffer was full, since boot. */
unsigned long console_input_dropped(void);

/* Turns on the serial console's receive interrupt (after platform_init). */
void serial_input_init(void);

#endif
