/*
 * The screen console: VGA text mode under BIOS, the linear framebuffer
 * with the built-in 8x16 font (hospes/font.h) under UEFI.
 *
 * Both are a grid of character cells.  The console keeps its own copy of
 * the grid (chars[]), so scrolling never reads display memory back (slow
 * on uncached MMIO): it shifts the copy and redraws every cell.  A display
 * differs only in how one cell is drawn (draw_cell):
 *   VGA text     one 16-bit word per cell: character, light grey on black
 *   framebuffer  FONT_WIDTH x FONT_HEIGHT pixels of 16, 24 or 32 bits, the
 *                colour packed by the loader's red/green/blue positions
 * Display memory is mapped uncached through ioremap().  The console is
 * written with printk's lock held (hospes/console.h), so needs none itself.
 *
 * The screen belongs to the driver domain once dom0 is built, as in Xen:
 * screen_dom0_info() describes it for start_info (struct
 * dom0_vga_console_info: text mode 3 with the cursor, or the framebuffer's
 * geometry and colour layout) and from then on the hypervisor draws no
 * more, so the cursor it hands over stays true and the two never write
 * over each other; screen_reclaim() takes it back if dom0's build fails.
 */
#include <asm/page.h>
#include <hospes/boot_info.h>
#include <hospes/console.h>
#include <hospes/font.h>
#include <hospes/lib.h>
#include <public/xen.h>

#define MAX_COLS      240
#define MAX_ROWS      135
#define VGA_TEXT_BASE 0xb8000
#define VGA_ATTR      0x0700 /* light grey on black */
#define FG_LEVEL      0xc0   /* foreground intensity of each colour channel */

struct screen {
	unsigned int cols, rows, x, y;
	uint8_t *mem; /* display memory */
	const struct boot_fb *fb;
	uint32_t fg; /* framebuffer: packed foreground colour */
	void (*draw_cell)(struct screen *s, unsigned int x, unsigned int y, char c);
};

static struct screen scr;
static bool released;
static char chars[MAX_COLS * MAX_ROWS];

static void vga_draw_cell(struct screen *s, unsigned int x, unsigned int y, char c)
{
	volatile uint16_t *cell = (volatile uint16_t *)s->mem + y * s->cols + x;
	*cell = VGA_ATTR | (uint8_t)c;
}

static void put_pixel(struct screen *s, uint8_t *p, bool on)
{
	uint32_t v = on ? s->fg : 0;
	switch (s->fb->bpp) {
	case 32:
		*(volatile uint32_t *)p = v;
		break;
	case 24:
		((volatile uint8_t *)p)[0] = (uint8_t)v;
		((volatile uint8_t *)p)[1] = (uint8_t)(v >> 8);
		((volatile uint8_t *)p)[2] = (uint8_t)(v >> 16);
		break;
	default: /* 16 */
		*(volatile uint16_t *)p = (uint16_t)v;
		break;
	}
}

static void fb_draw_cell(struct screen *s, unsigned int x, unsigned int y, char c)
{
	unsigned int ch = (uint8_t)c;
	const uint8_t *glyph = font8x16['?' - FONT_FIRST];
	if (ch >= FONT_FIRST && ch < FONT_FIRST + FONT_GLYPHS)
		glyph = font8x16[ch - FONT_FIRST];
	unsigned int bytes = s->fb->bpp / 8;
	for (unsigned int row = 0; row < FONT_HEIGHT; row++) {
		uint8_t *p = s->mem + (size_t)(y * FONT_HEIGHT + row) * s->fb->pitch +
			     (size_t)x * FONT_WIDTH * bytes;
		for (unsigned int col = 0; col < FONT_WIDTH; col++, p += bytes)
			put_pixel(s, p, glyph[row] & (0x80 >> col));
	}
}

static void scroll(struct screen *s)
{
	memmove(chars, chars + s->cols, (size_t)s->cols * (s->rows - 1));
	memset(chars + (size_t)s->cols * (s->rows - 1), ' ', s->cols);
	for (unsigned int y = 0; y < s->rows; y++)
		for (unsigned int x = 0; x < s->cols; x++)
			s->draw_cell(s, x, y, chars[y * s->cols + x]);
}

static void newline(struct screen *s)
{
	s->x = 0;
	if (s->y + 1 < s->rows)
		s->y++;
	else
		scroll(s);
}

static void screen_write(struct console *con, const char *str, size_t n)
{
	struct screen *s = &scr;
	if (released)
		return;
	for (size_t i = 0; i < n; i++) {
		char c = str[i];
		if (c == '\n') {
			newline(s);
			continue;
		}
		if (c == '\r') {
			s->x = 0;
			continue;
		}
		if (c == '\t')
			c = ' ';
		chars[s->y * s->cols + s->x] = c;
		s->draw_cell(s, s->x, s->y, c);
		if (++s->x == s->cols)
			newline(s);
	}
}

static struct console screen_console = {.name = "screen", .write = screen_write};

/* One colour channel at FG_LEVEL, placed where the loader says it lives. */
static uint32_t channel(uint8_t pos, uint8_t size)
{
	return size ? (uint32_t)(FG_LEVEL >> (8 - MIN(size, 8))) << pos : 0;
}

static const char *fb_setup(const struct boot_fb *fb)
{
	if (fb->bpp != 16 && fb->bpp != 24 && fb->bpp != 32)
		return "framebuffer depth not 16, 24 or 32 bits";
	scr.fb = fb;
	scr.cols = MIN(fb->width / FONT_WIDTH, MAX_COLS);
	scr.rows = MIN(fb->height / FONT_HEIGHT, MAX_ROWS);
	scr.fg = channel(fb->red_pos, fb->red_size) | channel(fb->green_pos, fb->green_size) |
		 channel(fb->blue_pos, fb->blue_size);
	scr.mem = ioremap(fb->addr, (size_t)fb->pitch * fb->height);
	scr.draw_cell = fb_draw_cell;
	return scr.mem ? NULL : "framebuffer cannot be mapped";
}

static const char *vga_setup(paddr_t addr, unsigned int cols, unsigned int rows)
{
	scr.cols = MIN(cols, MAX_COLS);
	scr.rows = MIN(rows, MAX_ROWS);
	scr.mem = ioremap(addr, (size_t)cols * rows * 2);
	scr.draw_cell = vga_draw_cell;
	return scr.mem ? NULL : "VGA text memory cannot be mapped";
}

/*
 * Use the display the loader describes; a multiboot1 loader (QEMU -kernel,
 * BIOS) describes none, and the PC's VGA text mode 80x25 is then assumed.
 */
void screen_init(const struct boot_info *bi)
{
	const char *err;
	if (bi->has_fb && bi->fb.type == BOOT_FB_RGB)
		err = fb_setup(&bi->fb);
	else if (bi->has_fb && bi->fb.type == BOOT_FB_EGA_TEXT)
		err = vga_setup(bi->fb.addr, bi->fb.width, bi->fb.height);
	else if (!bi->has_fb && bi->protocol == 1)
		err = vga_setup(VGA_TEXT_BASE, 80, 25);
	else
		err = "the loader describes no usable display";
	if (!err && (scr.cols == 0 || scr.rows == 0))
		err = "display too small";
	if (err) {
		printk(LOG_WARN "screen: no screen console: %s\n", err);
		return;
	}
	memset(chars, ' ', sizeof(chars));
	for (unsigned int y = 0; y < scr.rows; y++)
		for (unsigned int x = 0; x < scr.cols; x++)
			scr.draw_cell(&scr, x, y, ' ');
	console_register(&screen_console);
	printk("screen: %s %ux%u characters\n", scr.fb ? "framebuffer" : "VGA text", scr.cols,
	       scr.rows);
}

static void fb_info(struct dom0_vga_console_info *out)
{
	const struct boot_fb *fb = scr.fb;
	out->video_type = XEN_VGATYPE_VESA_LFB;
	out->u.vesa_lfb.width = (uint16_t)fb->width;
	out->u.vesa_lfb.height = (uint16_t)fb->height;
	out->u.vesa_lfb.bytes_per_line = (uint16_t)fb->pitch;
	out->u.vesa_lfb.bits_per_pixel = fb->bpp;
	out->u.vesa_lfb.lfb_base = (uint32_t)fb->addr;
	out->u.vesa_lfb.ext_lfb_base = (uint32_t)(fb->addr >> 32);
	out->u.vesa_lfb.lfb_size = (uint32_t)(((uint64_t)fb->pitch * fb->height + 0xffff) >> 16);
	out->u.vesa_lfb.red_pos = fb->red_pos;
	out->u.vesa_lfb.red_size = fb->red_size;
	out->u.vesa_lfb.green_pos = fb->green_pos;
	out->u.vesa_lfb.green_size = fb->green_size;
	out->u.vesa_lfb.blue_pos = fb->blue_pos;
	out->u.vesa_lfb.blue_size = fb->blue_size;
}

bool screen_dom0_info(struct dom0_vga_console_info *out)
{
	if (!scr.mem || released)
		return false;
	printk("screen: handed over to dom0\n");
	released = true;
	memset(out, 0, sizeof(*out));
	if (scr.fb) {
		fb_info(out);
		return true;
	}
	out->video_type = XEN_VGATYPE_TEXT_MODE_3;
	out->u.text_mode_3.font_height = 16;
	out->u.text_mode_3.cursor_x = (uint16_t)scr.x;
	out->u.text_mode_3.cursor_y = (uint16_t)scr.y;
	out->u.text_mode_3.rows = (uint16_t)scr.rows;
	out->u.text_mode_3.columns = (uint16_t)scr.cols;
	return true;
}

void screen_reclaim(void)
{
	released = false;
}
