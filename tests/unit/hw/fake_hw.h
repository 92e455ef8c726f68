/*
 * The host's hardware for the driver tests: drivers/hw/hw.h implemented
 * on fake device models.  A model claims a range of I/O ports and/or a
 * window of "machine" addresses for MMIO, and gets a step() call each
 * time a driver waits (hw_wait), which is when a real device would make
 * progress.  DMA addresses are host pointers.  Time advances 1 ms per
 * look at the clock, so a driver's timeouts expire after a bounded
 * number of waits.
 */
#ifndef TESTS_UNIT_HW_FAKE_HW_H
#define TESTS_UNIT_HW_FAKE_HW_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

struct fake_model {
	uint16_t port_lo, port_hi; /* inclusive; 0/0: none */
	uint32_t (*in)(struct fake_model *m, uint16_t port, int size);
	void (*out)(struct fake_model *m, uint16_t port, uint32_t v, int size);
	uint64_t mmio_base;
	size_t mmio_len;
	void *mmio; /* host memory behind [mmio_base, mmio_base + mmio_len) */
	/* Register accesses at offset off of the window; NULL: plain memory. */
	uint32_t (*mmio_read)(struct fake_model *m, uint32_t off);
	void (*mmio_write)(struct fake_model *m, uint32_t off, uint32_t v);
	void (*step)(struct fake_model *m);
	void *ctx;
};

/* Forgets every model, binding and log line; I/O allowed again. */
void fake_hw_reset(void);
void fake_hw_add(struct fake_model *m);
void fake_hw_deny_io(void);
/* Runs every handler attached to line irq (or to the MSI of bus:devfn),
 * then counts one EOI, as dom0's event handler does; false if none. */
bool fake_hw_fire_irq(unsigned int irq);
bool fake_hw_fire_msi(uint8_t bus, uint8_t devfn);
unsigned int fake_hw_eois(unsigned int irq);
/* Whether some log line since the reset contains s. */
bool fake_hw_logged(const char *s);

#endif
