/*
 * A fake e1000/e1000e: the registers the driver uses with their hardware
 * semantics (ICR cleared by reading, IMS/IMC, self-clearing reset, EERD
 * in either layout), a transmit engine that takes descriptors from TDH
 * to TDT into a capture list, and fake_e1000_inject() which delivers a
 * frame into the receive ring as the wire would.
 */
#ifndef TESTS_UNIT_HW_FAKE_E1000_H
#define TESTS_UNIT_HW_FAKE_E1000_H

#include "fake_hw.h"

#define FAKE_E1000_BASE 0xfeb80000ULL
#define FAKE_E1000_SENT 64

struct fake_e1000 {
	struct fake_model model;
	uint32_t regs[0x20000 / 4];
	bool e1000e, ral_loaded, stuck_reset, tx_stalled;
	uint16_t eeprom[64];
	unsigned int irq;
	uint8_t sent[FAKE_E1000_SENT][2048];
	uint16_t sent_len[FAKE_E1000_SENT];
	unsigned int nsent, rx_missed, bad_tx;
	int force_rx_len; /* > 0: length the fake claims for the next frame */
};

void fake_e1000_init(struct fake_e1000 *f, bool e1000e, bool ral_loaded);
/* Puts a frame on the receive ring; false if the ring had no room. */
bool fake_e1000_inject(struct fake_e1000 *f, const void *frame, uint16_t len);

#endif
