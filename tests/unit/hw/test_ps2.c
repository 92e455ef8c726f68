/*
 * The PS/2 keyboard: scan-code decoding (shift, caps lock, ctrl, the
 * extended keys as VT100 sequences, releases, Pause skipped, unknown
 * codes ignored) and the i8042 set-up and reads against the fake
 * controller (absent, failing self-test, no keyboard, mouse bytes
 * skipped, a short buffer, interrupts).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include "fake_ps2.h"
#include "tests.h"
#include <hw/ps2.h>

static struct kbd k;
static struct fake_ps2 fake;

/* Decodes codes[0..n) into a string. */
static const char *typed(const uint8_t *codes, unsigned int n)
{
	static char s[64];
	unsigned int len = 0;
	for (unsigned int i = 0; i < n; i++)
		len += kbd_decode(&k, codes[i], s + len);
	s[len] = '\0';
	return s;
}

static void test_ps2_decode_text(void **state)
{
	memset(&k, 0, sizeof(k));
	/* Shift-h, e, l, l, o, space, 1, shift-1, enter */
	const uint8_t codes[] = {0x2a, 0x23, 0xa3, 0xaa, 0x12, 0x92, 0x26, 0xa6, 0x26, 0xa6, 0x18,
				 0x98, 0x39, 0xb9, 0x02, 0x82, 0x36, 0x02, 0x82, 0xb6, 0x1c, 0x9c};
	assert_string_equal(typed(codes, sizeof(codes)), "Hello 1!\r");
}

static void test_ps2_caps_and_ctrl(void **state)
{
	memset(&k, 0, sizeof(k));
	/* Caps Lock on: a -> A, shift-a -> a, 1 stays 1; off again. */
	const uint8_t caps[] = {0x3a, 0xba, 0x1e, 0x9e, 0x2a, 0x1e, 0x9e,
				0xaa, 0x02, 0x82, 0x3a, 0xba, 0x1e, 0x9e};
	assert_string_equal(typed(caps, sizeof(caps)), "Aa1a");
	/* Ctrl-C, and right Ctrl (E0 1D) too. */
	const uint8_t ctrl[] = {0x1d, 0x2e, 0xae, 0x9d, 0xe0, 0x1d, 0x20, 0xa0, 0xe0, 0x9d, 0x2e};
	assert_string_equal(typed(ctrl, sizeof(ctrl)), "\x03\x04"
						       "c");
}

static void test_ps2_extended_keys(void **state)
{
	memset(&k, 0, sizeof(k));
	const uint8_t codes[] = {0xe0, 0x48, 0xe0, 0xc8, 0xe0, 0x4b, 0xe0, 0x53, 0xe0, 0x2a, 0x1e};
	/* Up, (release), left, delete, fake shift (ignored), a. */
	assert_string_equal(typed(codes, sizeof(codes)), "\033[A\033[D\033[3~a");
	/* Pause: E1 1D 45 E1 9D C5, nothing; F1 (unmapped) nothing. */
	const uint8_t pause[] = {0xe1, 0x1d, 0x45, 0xe1, 0x9d, 0xc5, 0x3b, 0xbb, 0x10};
	assert_string_equal(typed(pause, sizeof(pause)), "q");
	assert_false(k.ctrl);
}

static void test_ps2_init_and_read(void **state)
{
	fake_hw_reset();
	assert_int_equal(kbd_init(&k), -ENODEV); /* nothing at 0x64 */
	fake_ps2_init(&fake);
	fake.selftest_bad = true;
	assert_int_equal(kbd_init(&k), -EIO);
	fake.selftest_bad = false;
	fake.kbd_absent = true;
	assert_int_equal(kbd_init(&k), -ENODEV);
	fake.kbd_absent = false;
	assert_int_equal(kbd_init(&k), 0);
	assert_true(fake.port1_on);
	assert_int_equal(fake.cfg & 0x40, 0x40);
	const uint8_t keys[] = {0x10, 0x90, 0x11, 0x91};
	const uint8_t mouse[] = {0x08, 0x10, 0x10};
	fake_ps2_keys(&fake, keys, 2, false);
	fake_ps2_keys(&fake, mouse, 3, true);
	fake_ps2_keys(&fake, keys + 2, 2, false);
	char buf[16];
	assert_int_equal(kbd_read(&k, buf, sizeof(buf)), 2);
	assert_memory_equal(buf, "qw", 2);
	/* Up-arrow does not fit in 3 bytes: it waits for the next read. */
	const uint8_t up[] = {0xe0, 0x48};
	fake_ps2_keys(&fake, up, 2, false);
	assert_int_equal(kbd_read(&k, buf, 3), 0);
	assert_int_equal(kbd_read(&k, buf, 4), 3);
}

static void test_ps2_interrupt(void **state)
{
	fake_hw_reset();
	fake_ps2_init(&fake);
	assert_int_equal(kbd_init(&k), 0);
	assert_int_equal(kbd_enable_irq(&k), 0);
	assert_int_equal(fake.cfg & 1, 1);
	const uint8_t keys[] = {0x1e, 0x9e};
	fake_ps2_keys(&fake, keys, 2, false);
	assert_int_equal(k.irqs, 1);
	char buf[8];
	assert_int_equal(kbd_read(&k, buf, sizeof(buf)), 1);
	assert_int_equal(fake_hw_eois(PS2_IRQ), 1);
}

const struct CMUnitTest ps2_tests[] = {
	cmocka_unit_test(test_ps2_decode_text),	  cmocka_unit_test(test_ps2_caps_and_ctrl),
	cmocka_unit_test(test_ps2_extended_keys), cmocka_unit_test(test_ps2_init_and_read),
	cmocka_unit_test(test_ps2_interrupt),
};
const size_t ps2_ntests = sizeof(ps2_tests) / sizeof(ps2_tests[0]);
