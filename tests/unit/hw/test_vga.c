/*
 * The VGA text console on a plain array of cells: text lands in the right
 * cells with the attribute, newline/return/backspace/tab, wrapping at the
 * right edge, scrolling (from the shadow, so the top line is gone and
 * the last is blank), escape sequences skipped, the cursor through the
 * CRTC ports, and sizes refused.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include "fake_hw.h"
#include "tests.h"
#include <hw/vga.h>

static struct vga v;
static uint16_t cells[80 * 25];
static uint8_t crtc_idx, crtc[16];

static uint32_t crtc_in(struct fake_model *m, uint16_t port, int size)
{
	return port == 0x3d4 ? crtc_idx : crtc[crtc_idx & 15];
}

static void crtc_out(struct fake_model *m, uint16_t port, uint32_t val, int size)
{
	if (port == 0x3d4)
		crtc_idx = (uint8_t)val;
	else
		crtc[crtc_idx & 15] = (uint8_t)val;
}

static struct fake_model crtc_model = {
	.port_lo = 0x3d4, .port_hi = 0x3d5, .in = crtc_in, .out = crtc_out};

static char at(unsigned int x, unsigned int y)
{
	return (char)(cells[y * 80 + x] & 0xff);
}

static void setup(void)
{
	fake_hw_reset();
	fake_hw_add(&crtc_model);
	for (unsigned int i = 0; i < 80 * 25; i++)
		cells[i] = 0x0700 | ' ';
	assert_int_equal(vga_init(&v, cells, 80, 25, 0, 0), 0);
}

static void test_vga_text_and_controls(void **state)
{
	setup();
	vga_write(&v, "ab\tc\nxy\bz\rQ", 11);
	assert_int_equal(at(0, 0), 'a');
	assert_int_equal(at(1, 0), 'b');
	assert_int_equal(at(8, 0), 'c');
	assert_int_equal(cells[0] >> 8, 0x07);
	assert_int_equal(at(0, 1), 'Q');
	assert_int_equal(at(1, 1), 'z');
	/* Cursor at (1, 1): position 81. */
	assert_int_equal(crtc[0x0e], 0);
	assert_int_equal(crtc[0x0f], 81);
}

static void test_vga_wrap_and_scroll(void **state)
{
	setup();
	char line[81];
	memset(line, 'w', 80);
	vga_write(&v, "top\n", 4);
	vga_write(&v, line, 80); /* fills row 1 exactly and wraps */
	assert_int_equal(v.y, 2);
	assert_int_equal(v.x, 0);
	for (int i = 0; i < 23; i++)
		vga_write(&v, "n\n", 2);
	/* 25 lines written: "top" scrolled away, last row blank. */
	assert_int_equal(at(0, 0), 'w');
	assert_int_equal(at(0, 23), 'n');
	assert_int_equal(at(0, 24), ' ');
	assert_int_equal(v.y, 24);
}

static void test_vga_escapes_skipped(void **state)
{
	setup();
	vga_write(&v, "a\033[2Kb\033[3~c\033Xd", 15);
	assert_int_equal(at(0, 0), 'a');
	assert_int_equal(at(1, 0), 'b');
	assert_int_equal(at(2, 0), 'c');
	assert_int_equal(at(3, 0), 'd');
}

static void test_vga_bad_sizes(void **state)
{
	assert_int_equal(vga_init(&v, cells, 0, 25, 0, 0), -EINVAL);
	assert_int_equal(vga_init(&v, cells, 80, 1000, 0, 0), -EINVAL);
	assert_int_equal(vga_init(&v, NULL, 80, 25, 0, 0), -EINVAL);
	/* A cursor position off the screen is clamped. */
	assert_int_equal(vga_init(&v, cells, 80, 25, 200, 300), 0);
	assert_int_equal(v.x, 0);
	assert_int_equal(v.y, 24);
}

const struct CMUnitTest vga_tests[] = {
	cmocka_unit_test(test_vga_text_and_controls),
	cmocka_unit_test(test_vga_wrap_and_scroll),
	cmocka_unit_test(test_vga_escapes_skipped),
	cmocka_unit_test(test_vga_bad_sizes),
};
const size_t vga_ntests = sizeof(vga_tests) / sizeof(vga_tests[0]);
