/*
 * VGA text console.
 *
 * Each cell is a 16-bit word: the character in the low byte, colours in
 * the high byte (light grey on black here).  The console keeps a shadow
 * copy of the grid so scrolling never reads uncached display memory back:
 * it moves the shadow up a line and rewrites every cell.  Newline, carriage
 * return, backspace and tab do what a terminal does; escape sequences
 * (ESC [ ... final letter, which dom0's line editor may send) are skipped
 * rather than printed.  The hardware cursor follows through the CRTC's
 * index/data ports 0x3D4/0x3D5 (registers 0x0E/0x0F) when dom0 has port
 * access.
 */
#include "vga.h"
#include "hw.h"
#include <errno.h>

#define ATTR	  0x0700
#define CRTC_IDX  0x3d4
#define CRTC_DATA 0x3d5

static void put(struct vga *v, unsigned int x, unsigned int y, uint16_t cell)
{
	v->shadow[y * v->cols + x] = cell;
	v->cells[y * v->cols + x] = cell;
}

static void scroll(struct vga *v)
{
	unsigned int n = v->cols * (v->rows - 1);
	for (unsigned int i = 0; i < n; i++)
		v->shadow[i] = v->shadow[i + v->cols];
	for (unsigned int i = 0; i < v->cols; i++)
		v->shadow[n + i] = v->attr | ' ';
	for (unsigned int i = 0; i < v->cols * v->rows; i++)
		v->cells[i] = v->shadow[i];
}

static void newline(struct vga *v)
{
	v->x = 0;
	if (++v->y == v->rows) {
		scroll(v);
		v->y = v->rows - 1;
	}
}

static void move_cursor(struct vga *v)
{
	if (!v->cursor)
		return;
	uint16_t pos = (uint16_t)(v->y * v->cols + v->x);
	hw_outb(CRTC_IDX, 0x0e);
	hw_outb(CRTC_DATA, pos >> 8);
	hw_outb(CRTC_IDX, 0x0f);
	hw_outb(CRTC_DATA, pos & 0xff);
}

/* True while c belongs to an escape sequence. */
static bool in_escape(struct vga *v, char c)
{
	if (c == 0x1b) {
		v->esc = 1;
		return true;
	}
	if (!v->esc)
		return false;
	if (v->esc == 1 && c != '[') {
		v->esc = 0;
		return true;
	}
	v->esc++;
	if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '~' || v->esc > 16)
		v->esc = 0;
	return true;
}

static void put_char(struct vga *v, char c)
{
	switch (c) {
	case '\n':
		newline(v);
		break;
	case '\r':
		v->x = 0;
		break;
	case '\b':
		if (v->x)
			v->x--;
		break;
	case '\t':
		do
			put(v, v->x++, v->y, v->attr | ' ');
		while (v->x % 8 && v->x < v->cols);
		break;
	default:
		if ((unsigned char)c < ' ')
			return;
		put(v, v->x++, v->y, v->attr | (uint8_t)c);
	}
	if (v->x >= v->cols)
		newline(v);
}

void vga_write(struct vga *v, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!in_escape(v, s[i]))
			put_char(v, s[i]);
	move_cursor(v);
}

int vga_init(struct vga *v, volatile uint16_t *cells, unsigned int cols, unsigned int rows,
	     unsigned int x, unsigned int y)
{
	if (!cells || cols < 20 || rows < 5 || cols > VGA_MAX_COLS || rows > VGA_MAX_ROWS)
		return -EINVAL;
	v->cells = cells;
	v->cols = cols;
	v->rows = rows;
	v->attr = ATTR;
	v->esc = 0;
	v->cursor = hw_io_ok();
	for (unsigned int i = 0; i < cols * rows; i++)
		v->shadow[i] = cells[i];
	v->x = x < cols ? x : 0;
	v->y = y < rows ? y : rows - 1;
	return 0;
}
