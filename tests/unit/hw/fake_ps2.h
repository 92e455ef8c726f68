/*
 * A fake i8042 with a keyboard: the commands the driver uses (read and
 * write the configuration byte, self-test, enable/disable ports), the
 * keyboard's 0xF4 acknowledgement, and an output queue of scan codes
 * (and mouse bytes, flagged AUX) fed by fake_ps2_keys().
 */
#ifndef TESTS_UNIT_HW_FAKE_PS2_H
#define TESTS_UNIT_HW_FAKE_PS2_H

#include "fake_hw.h"

struct fake_ps2 {
	struct fake_model data, cmd;
	uint8_t cfg, out[256], aux[256];
	unsigned int n;
	bool expect_cfg, port1_on, kbd_absent, selftest_bad;
};

void fake_ps2_init(struct fake_ps2 *p);
void fake_ps2_keys(struct fake_ps2 *p, const uint8_t *codes, unsigned int n, bool aux);

#endif
