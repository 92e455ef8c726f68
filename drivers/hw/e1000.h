/*
 * Intel 8254x/8257x gigabit NICs: e1000 (82540EM, QEMU -M pc) and
 * e1000e (82574L, QEMU -M q35), driven through legacy descriptors, which
 * both understand.  See e1000.c.
 */
#ifndef DRIVERS_HW_E1000_H
#define DRIVERS_HW_E1000_H

#include "hw.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define E1000_RX_DESCS	32
#define E1000_TX_DESCS	32
#define E1000_BUF	2048
#define E1000_MTU_FRAME 1514 /* largest frame without FCS */

struct e1000_rx_desc {
	uint64_t addr;
	uint16_t length;
	uint16_t csum;
	uint8_t status; /* DD bit 0, EOP bit 1 */
	uint8_t errors;
	uint16_t special;
};

struct e1000_tx_desc {
	uint64_t addr;
	uint16_t length;
	uint8_t cso;
	uint8_t cmd;	/* EOP 0x01, IFCS 0x02, RS 0x08 */
	uint8_t status; /* DD bit 0 */
	uint8_t css;
	uint16_t special;
};

struct e1000 {
	volatile void *regs;
	bool e1000e; /* 82574: the other EERD layout */
	uint8_t mac[6];
	bool link_up;
	struct e1000_rx_desc *rx;
	uint8_t *rx_buf;
	unsigned int rx_next; /* next descriptor the hardware may have filled */
	struct e1000_tx_desc *tx;
	uint8_t *tx_buf;
	unsigned int tx_tail, tx_clean; /* next to fill; oldest not reclaimed */
	bool irq;
	uint32_t icr_latched; /* causes the interrupt handler read */
	unsigned long irqs, rx_frames, tx_frames, rx_dropped; /* irqs: this NIC's */
	/* Called from the interrupt when frames arrived (a reader's wake-up); may be NULL. */
	void (*rx_notify)(void *arg);
	void *rx_notify_arg;
};

/* Resets the NIC at regs, reads its MAC, sets up both rings and link;
 * 0 or -errno (logged). */
int e1000_init(struct e1000 *n, volatile void *regs, bool e1000e);
/* Queues one frame (len <= E1000_MTU_FRAME); 0, -EINVAL, or -EAGAIN when
 * the ring is full. */
int e1000_send(struct e1000 *n, const void *frame, size_t len);
/* The next received frame, copied to buf: its length, -EAGAIN (none),
 * or -EMSGSIZE (frame longer than len, dropped). */
ssize_t e1000_recv(struct e1000 *n, void *buf, size_t len);
/* Takes the interrupt causes (latched and current), notes link changes,
 * reclaims sent descriptors. */
void e1000_poll(struct e1000 *n);
/* The interrupt handler: reads ICR (which quiets the NIC), latches it,
 * counts the interrupt if it was this NIC's. */
void e1000_irq(void *n);
/* Attaches to the NIC's interrupt (a line or MSI), unmasks its causes. */
int e1000_enable_irq(struct e1000 *n, const struct hw_irq_src *src);
/* Receive frames for every destination (unicast and multicast
 * promiscuous: the NIC as a bridge port) or only for our MAC. */
void e1000_set_promisc(struct e1000 *n, bool on);

#endif
