/*
 * Consoles and the log ring.
 *
 * printk (kernel/console/printk.c) formats a message, appends it to the log
 * ring and, when its level passes the loglvl= threshold, hands it to every
 * registered console (serial, VGA text, framebuffer).  A console's write
 * is called with the printk lock held and interrupts off: it must not
 * printk itself.
 */
#ifndef HOSPES_CONSOLE_H
#define HOSPES_CONSOLE_H

#include <hospes/types.h>

struct console {
	const char *name;
	void (*write)(struct console *c, const char *s, size_t n);
	struct console *next;
};

void console_register(struct console *c);

/*
 * Part of a guest's console line, for owner (nonzero, e.g. domain id + 1):
 * prefix is written only when the line is not already open for owner; end
 * finishes the line, otherwise it stays open until owner's next part or
 * any other output (which ends it with a newline first).
 */
void console_line_part(unsigned int owner, const char *prefix, const char *text, bool end);

/* Messages with level <= lvl reach the consoles (0 err .. 7 debug). */
void console_set_loglevel(int lvl);
int console_get_loglevel(void);

#define LOGLVL_ERR   3
#define LOGLVL_WARN  4
#define LOGLVL_INFO  6
#define LOGLVL_DEBUG 7

/*
 * The log ring (64 KiB): every printk'd byte, whatever its level.
 * log_ring_read copies bytes from stream position *pos on and advances it;
 * a reader that fell behind by more than the ring skips to the oldest byte
 * kept.  Returns the number of bytes copied (0: nothing new).  Start at 0.
 */
#define LOG_RING_SIZE (64 * 1024)
size_t log_ring_read(uint64_t *pos, char *buf, size_t len);

/* The 16550 console (kernel/console/serial.c). */
struct serial_config {
	uint16_t port; /* I/O base, e.g. 0x3f8 for com1 */
	uint32_t baud;
	uint8_t data_bits, stop_bits;
	char parity; /* 'n', 'o', 'e' */
};
void serial_init(const struct serial_config *cfg);
void serial_disable(void); /* console= without com1 */

/* The screen console (kernel/console/screen.c): VGA text or framebuffer. */
struct boot_info;
void screen_init(const struct boot_info *bi);
/* Hands the screen to dom0: describes it for start_info and stops
 * drawing on it; false if there is none.  screen_reclaim() takes it back
 * (dom0 could not be built). */
struct dom0_vga_console_info;
bool screen_dom0_info(struct dom0_vga_console_info *out);
void screen_reclaim(void);

#endif
