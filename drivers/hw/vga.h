/*
 * dom0's screen console on VGA text mode: the grid of 16-bit cells
 * (character, attribute) the hypervisor hands over in start_info's
 * dom0_vga_console_info.  See vga.c.
 */
#ifndef DRIVERS_HW_VGA_H
#define DRIVERS_HW_VGA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VGA_MAX_COLS  132
#define VGA_MAX_ROWS  60
#define VGA_TEXT_BASE 0xb8000

struct vga {
	volatile uint16_t *cells; /* display memory */
	unsigned int cols, rows, x, y;
	uint16_t attr;
	bool cursor;	  /* program the CRTC cursor (needs I/O ports) */
	unsigned int esc; /* inside an escape sequence: bytes seen */
	uint16_t shadow[VGA_MAX_COLS * VGA_MAX_ROWS];
};

/* Takes over a cols x rows text screen at cells, cursor at (x, y);
 * -EINVAL for a size out of range. */
int vga_init(struct vga *v, volatile uint16_t *cells, unsigned int cols, unsigned int rows,
	     unsigned int x, unsigned int y);
void vga_write(struct vga *v, const char *s, size_t n);

#endif
