/*
 * The e1000/e1000e driver against the fake NIC: the MAC from RAL or the
 * EEPROM (both EERD layouts), a reset that never ends, frames sent
 * (content, ring full, reclaim after the NIC is done, bad lengths),
 * frames received in order across many ring wraps without the NIC ever
 * running out of descriptors, damaged receive descriptors dropped, and
 * the interrupt path (noted, EOI'd, ICR cleared).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include "fake_e1000.h"
#include "tests.h"
#include <hw/e1000.h>
#include <hw/hw.h>

static struct fake_e1000 fake;
static struct e1000 nic;

static void bring_up(bool e1000e, bool ral_loaded, int want)
{
	fake_hw_reset();
	fake_e1000_init(&fake, e1000e, ral_loaded);
	volatile void *regs = hw_map_mmio(FAKE_E1000_BASE, 0x20000);
	assert_non_null(regs);
	assert_int_equal(e1000_init(&nic, regs, e1000e), want);
}

static const uint8_t qemu_mac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};

static void test_e1000_mac_from_ral(void **state)
{
	bring_up(false, true, 0);
	assert_memory_equal(nic.mac, qemu_mac, 6);
	assert_true(nic.link_up);
	assert_true(fake_hw_logged("MAC 52:54:00:12:34:56, link up"));
}

static void test_e1000_mac_from_eeprom(void **state)
{
	bring_up(false, false, 0);
	assert_memory_equal(nic.mac, qemu_mac, 6);
	/* The driver wrote it to RAL0/RAH0 with AV, for the receive filter. */
	assert_int_equal(fake.regs[0x5404 / 4], 0x80005634);
	bring_up(true, false, 0);
	assert_memory_equal(nic.mac, qemu_mac, 6);
}

static void test_e1000_reset_stuck(void **state)
{
	fake_hw_reset();
	fake_e1000_init(&fake, false, true);
	fake.stuck_reset = true;
	fake.regs[0] = 1u << 26;
	assert_int_equal(e1000_init(&nic, hw_map_mmio(FAKE_E1000_BASE, 0x20000), false),
			 -ETIMEDOUT);
	assert_true(fake_hw_logged("reset does not finish"));
}

/* One wait of a driver loop: the fake NIC moves on. */
static void step(void)
{
	struct hw_waiter w;
	hw_waiter_start(&w);
	hw_wait(&w);
}

static void frame(uint8_t *f, size_t len, unsigned int seq)
{
	memset(f, 0xff, 6);
	memcpy(f + 6, qemu_mac, 6);
	f[12] = 0x88;
	f[13] = 0xb5;
	for (size_t i = 14; i < len; i++)
		f[i] = (uint8_t)(seq + i);
}

static void test_e1000_send(void **state)
{
	bring_up(false, true, 0);
	uint8_t f[1514];
	frame(f, 60, 1);
	assert_int_equal(e1000_send(&nic, f, 60), 0);
	step();
	assert_int_equal(fake.nsent, 1);
	assert_int_equal(fake.sent_len[0], 60);
	assert_memory_equal(fake.sent[0], f, 60);
	assert_int_equal(e1000_send(&nic, f, 13), -EINVAL);
	assert_int_equal(e1000_send(&nic, f, 1515), -EINVAL);
	/* The NIC stalls: the ring fills (one slot stays empty), then frees. */
	fake.tx_stalled = true;
	int queued = 0;
	while (e1000_send(&nic, f, 1514) == 0)
		queued++;
	assert_int_equal(queued, E1000_TX_DESCS - 1);
	assert_int_equal(e1000_send(&nic, f, 100), -EAGAIN);
	fake.tx_stalled = false;
	step();
	assert_int_equal(e1000_send(&nic, f, 100), 0);
	assert_int_equal(fake.nsent, 1 + E1000_TX_DESCS - 1);
	assert_int_equal(fake.bad_tx, 0);
}

static void test_e1000_receive_many(void **state)
{
	bring_up(true, true, 0);
	uint8_t f[1514], got[1514];
	for (unsigned int seq = 0; seq < 200; seq++) {
		size_t len = 60 + (seq * 37) % 1400;
		frame(f, len, seq);
		assert_true(fake_e1000_inject(&fake, f, (uint16_t)len));
		if (seq % 3 == 0)
			continue; /* let a few frames pile up */
		ssize_t n;
		while ((n = e1000_recv(&nic, got, sizeof(got))) != -EAGAIN) {
			assert_true(n >= 60);
			assert_int_equal(got[14], (uint8_t)(got[15] - 1));
		}
	}
	assert_int_equal(e1000_recv(&nic, got, sizeof(got)), -EAGAIN);
	assert_int_equal(nic.rx_frames, 200);
	assert_int_equal(fake.rx_missed, 0);
	/* RDT trails the next descriptor by one. */
	assert_int_equal(fake.regs[0x2818 / 4],
			 (nic.rx_next + E1000_RX_DESCS - 1) % E1000_RX_DESCS);
}

static void test_e1000_receive_full_ring(void **state)
{
	bring_up(false, true, 0);
	uint8_t f[64], got[64];
	frame(f, 64, 0);
	unsigned int took = 0;
	while (fake_e1000_inject(&fake, f, 64))
		took++;
	assert_int_equal(took, E1000_RX_DESCS - 1);
	assert_int_equal(e1000_recv(&nic, got, sizeof(got)), 64);
	assert_true(fake_e1000_inject(&fake, f, 64));
}

static void test_e1000_receive_bad_descriptors(void **state)
{
	bring_up(false, true, 0);
	uint8_t f[100], got[100];
	frame(f, 100, 5);
	fake.force_rx_len = 4000; /* past the buffer */
	assert_true(fake_e1000_inject(&fake, f, 100));
	assert_true(fake_e1000_inject(&fake, f, 100));
	assert_int_equal(e1000_recv(&nic, got, sizeof(got)), 100);
	assert_int_equal(nic.rx_dropped, 1);
	/* A frame longer than the caller's buffer: dropped, said so. */
	assert_true(fake_e1000_inject(&fake, f, 100));
	assert_int_equal(e1000_recv(&nic, got, 50), -EMSGSIZE);
	assert_int_equal(e1000_recv(&nic, got, sizeof(got)), -EAGAIN);
}

static void test_e1000_interrupts(void **state)
{
	bring_up(false, true, 0);
	uint8_t f[60];
	frame(f, 60, 2);
	struct hw_irq_src line = {.line = 10};
	assert_int_equal(e1000_enable_irq(&nic, &line), 0);
	assert_true(fake_e1000_inject(&fake, f, 60));
	assert_int_equal(nic.irqs, 1);
	assert_int_equal(fake_hw_eois(10), 1);
	assert_int_equal(fake.regs[0xc0 / 4], 0); /* quiet before the EOI */
	e1000_poll(&nic);
	e1000_poll(&nic); /* polling sends no EOI of its own */
	assert_int_equal(fake_hw_eois(10), 1);
	/* a firing that is not the NIC's (a sharer's): not counted */
	assert_true(fake_hw_fire_irq(10));
	assert_int_equal(nic.irqs, 1);
	assert_int_equal(e1000_send(&nic, f, 60), 0);
	step();
	assert_int_equal(nic.irqs, 2);
}

const struct CMUnitTest e1000_tests[] = {
	cmocka_unit_test(test_e1000_mac_from_ral),
	cmocka_unit_test(test_e1000_mac_from_eeprom),
	cmocka_unit_test(test_e1000_reset_stuck),
	cmocka_unit_test(test_e1000_send),
	cmocka_unit_test(test_e1000_receive_many),
	cmocka_unit_test(test_e1000_receive_full_ring),
	cmocka_unit_test(test_e1000_receive_bad_descriptors),
	cmocka_unit_test(test_e1000_interrupts),
};
const size_t e1000_ntests = sizeof(e1000_tests) / sizeof(e1000_tests[0]);

int e1000_teardown(void **state)
{
	fake_hw_reset();
	return 0;
}
