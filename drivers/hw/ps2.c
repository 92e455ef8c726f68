/*
 * PS/2 keyboard.
 *
 * The i8042: status at 0x64 (bit 0 output full: a byte waits at 0x60;
 * bit 1 input full: the controller has not taken our last byte; bit 5:
 * the waiting byte is from the mouse), commands to 0x64, data at 0x60.
 * Set-up: disable both ports, flush, self-test (0xAA answers 0x55), then
 * the configuration byte: port 1 interrupt on, translation on (so the
 * keyboard's set 2 arrives as set 1), port 1 clock on; enable port 1 and
 * tell the keyboard to scan (0xF4, acknowledged 0xFA).  Every wait has a
 * deadline; a controller that reads 0xff is not there.
 *
 * Scan set 1: a key sends its make code when pressed and make | 0x80
 * when released; 0xE0 prefixes the extended keys (arrows, right
 * Ctrl/Alt, Home, End, Delete, keypad Enter); 0xE1 starts the 6-byte
 * Pause sequence, which is skipped.  Letters follow Shift xor Caps Lock,
 * Ctrl turns a letter into its control code (Ctrl-C is 0x03), and the
 * extended keys become the VT100 sequences a serial terminal sends, so
 * dom0's line editor sees the same bytes from either.  Layout: US.
 */
#include "ps2.h"
#include "hw.h"
#include <errno.h>
#include <string.h>

#define DATA	  0x60
#define STATUS	  0x64
#define ST_OBF	  0x01
#define ST_IBF	  0x02
#define ST_AUX	  0x20
#define CFG_IRQ1  0x01
#define CFG_CLK1  0x10
#define CFG_XLATE 0x40

static const char plain[0x3a] = {0,   0x1b, '1',  '2',	'3',  '4', '5', '6',  '7', '8', '9', '0',
				 '-', '=',  0x7f, '\t', 'q',  'w', 'e', 'r',  't', 'y', 'u', 'i',
				 'o', 'p',  '[',  ']',	'\r', 0,   'a', 's',  'd', 'f', 'g', 'h',
				 'j', 'k',  'l',  ';',	'\'', '`', 0,	'\\', 'z', 'x', 'c', 'v',
				 'b', 'n',  'm',  ',',	'.',  '/', 0,	'*',  0,   ' '};
static const char shifted[0x3a] = {0,	0x1b, '!',  '@',  '#',	'$', '%', '^', '&', '*', '(', ')',
				   '_', '+',  0x7f, '\t', 'Q',	'W', 'E', 'R', 'T', 'Y', 'U', 'I',
				   'O', 'P',  '{',  '}',  '\r', 0,   'A', 'S', 'D', 'F', 'G', 'H',
				   'J', 'K',  'L',  ':',  '"',	'~', 0,	  '|', 'Z', 'X', 'C', 'V',
				   'B', 'N',  'M',  '<',  '>',	'?', 0,	  '*', 0,   ' '};

static unsigned int extended(uint8_t code, char *out)
{
	static const struct {
		uint8_t code;
		const char *seq;
	} keys[] = {{0x48, "\033[A"},  {0x50, "\033[B"}, {0x4d, "\033[C"},
		    {0x4b, "\033[D"},  {0x47, "\033[H"}, {0x4f, "\033[F"},
		    {0x53, "\033[3~"}, {0x1c, "\r"},	 {0x35, "/"}};
	for (unsigned int i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (keys[i].code == code) {
			size_t n = strlen(keys[i].seq);
			memcpy(out, keys[i].seq, n);
			return (unsigned int)n;
		}
	}
	return 0;
}

/* Shift, Ctrl, Alt, Caps Lock: true if code is one of them.  E0 2A is
 * the "fake shift" some keys send around themselves: ignored. */
static bool modifier(struct kbd *k, uint8_t code, bool up, bool e0)
{
	switch (code) {
	case 0x2a:
		if (!e0)
			k->lshift = !up;
		return true;
	case 0x36:
		k->rshift = !up;
		return true;
	case 0x1d:
		k->ctrl = !up;
		return true;
	case 0x38:
		k->alt = !up;
		return true;
	case 0x3a:
		k->caps ^= !up;
		return true;
	}
	return false;
}

unsigned int kbd_decode(struct kbd *k, uint8_t sc, char *out)
{
	if (k->skip) {
		k->skip--;
		return 0;
	}
	if (sc == 0xe1) {
		k->skip = 5;
		return 0;
	}
	if (sc == 0xe0) {
		k->e0 = true;
		return 0;
	}
	bool e0 = k->e0, up = sc & 0x80;
	uint8_t code = sc & 0x7f;
	k->e0 = false;
	if (modifier(k, code, up, e0) || up)
		return 0;
	if (e0)
		return extended(code, out);
	if (code >= sizeof(plain) || !plain[code])
		return 0;
	char c = plain[code];
	bool letter = c >= 'a' && c <= 'z';
	bool shift = k->lshift || k->rshift;
	if (letter ? shift != k->caps : shift)
		c = shifted[code];
	if (k->ctrl && letter)
		c = (char)(c & 0x1f);
	out[0] = c;
	return 1;
}

static bool wait_status(uint8_t mask, uint8_t want)
{
	uint64_t deadline = hw_now_ns() + HW_MS(50);
	while ((hw_inb(STATUS) & mask) != want)
		if (hw_now_ns() > deadline)
			return false;
	return true;
}

static bool send(uint16_t port, uint8_t v)
{
	if (!wait_status(ST_IBF, 0))
		return false;
	hw_outb(port, v);
	return true;
}

static int recv(void)
{
	return wait_status(ST_OBF, ST_OBF) ? hw_inb(DATA) : -1;
}

static void flush(void)
{
	for (int n = 0; n < 64 && (hw_inb(STATUS) & ST_OBF); n++)
		(void)hw_inb(DATA);
}

int kbd_init(struct kbd *k)
{
	memset(k, 0, sizeof(*k));
	if (!hw_io_ok() || hw_inb(STATUS) == 0xff)
		return -ENODEV;
	if (!send(STATUS, 0xad) || !send(STATUS, 0xa7))
		return -EIO;
	flush();
	if (!send(STATUS, 0xaa) || recv() != 0x55) {
		hw_log("ps2: controller self-test failed\n");
		return -EIO;
	}
	if (!send(STATUS, 0x20))
		return -EIO;
	int cfg = recv();
	if (cfg < 0)
		return -EIO;
	cfg = (cfg | CFG_XLATE) & ~(CFG_CLK1 | CFG_IRQ1);
	if (!send(STATUS, 0x60) || !send(DATA, (uint8_t)cfg) || !send(STATUS, 0xae))
		return -EIO;
	if (!send(DATA, 0xf4) || recv() != 0xfa) {
		hw_log("ps2: no keyboard answers\n");
		return -ENODEV;
	}
	hw_log("ps2: keyboard ready (scan set 1 via translation)\n");
	return 0;
}

size_t kbd_read(struct kbd *k, char *buf, size_t len)
{
	size_t n = 0;
	uint8_t st;
	while (len - n >= 4 && ((st = hw_inb(STATUS)) & ST_OBF)) {
		uint8_t sc = hw_inb(DATA);
		if (!(st & ST_AUX))
			n += kbd_decode(k, sc, buf + n);
	}
	return n;
}

static void kbd_irq(void *arg)
{
	((struct kbd *)arg)->irqs++;
}

int kbd_enable_irq(struct kbd *k)
{
	int rc = hw_irq_bind(PS2_IRQ, kbd_irq, k);
	if (rc)
		return rc;
	k->irq = true;
	if (!send(STATUS, 0x20))
		return -EIO;
	int cfg = recv();
	if (cfg < 0 || !send(STATUS, 0x60) || !send(DATA, (uint8_t)(cfg | CFG_IRQ1)))
		return -EIO;
	return 0;
}
