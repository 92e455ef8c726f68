/*
 * The PS/2 keyboard behind the i8042 controller (ports 0x60/0x64), and
 * the translation of its scan codes (set 1, which the controller's
 * translation produces) into the bytes a terminal would send.  See ps2.c.
 */
#ifndef DRIVERS_HW_PS2_H
#define DRIVERS_HW_PS2_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PS2_IRQ 1

struct kbd {
	bool lshift, rshift, ctrl, alt, caps, e0;
	unsigned int skip; /* bytes left of a Pause sequence */
	bool irq;
	unsigned long irqs;
};

/* Bytes (0..4) that scan code sc produces, given and updating k's state. */
unsigned int kbd_decode(struct kbd *k, uint8_t sc, char *out);
/* Probes and sets up the controller and the keyboard; 0, -ENODEV, -EIO. */
int kbd_init(struct kbd *k);
/* Decodes what the keyboard sent into buf (up to len bytes; a key whose
 * bytes would not fit is kept for the next call). */
size_t kbd_read(struct kbd *k, char *buf, size_t len);
int kbd_enable_irq(struct kbd *k);

#endif
