/*
 * e1000/e1000e: two descriptor rings in memory shared with the NIC.
 *
 * Receive: E1000_RX_DESCS descriptors, each owning a 2 KiB buffer.  The
 * NIC fills descriptors from RDH up to, not including, RDT, setting DD
 * (and EOP for the last piece of a frame); software takes them in order
 * from rx_next and hands each back by moving RDT onto it.  So RDT always
 * trails rx_next by one: all but one descriptor belong to the NIC, and
 * RDH == RDT means "no room" rather than "empty".
 *
 * Transmit: software fills from tx_tail and moves TDT past it (the
 * doorbell); the NIC sends from TDH up to TDT and sets DD on each
 * descriptor it is done with (RS asks for that).  Descriptors between
 * tx_clean and tx_tail are the NIC's until DD; one slot stays empty so
 * tail == clean means an empty ring.  Frames are copied into the ring's
 * own buffers, so callers need no DMA-able memory.
 *
 * Nothing the NIC writes is trusted beyond its ring: a received length
 * past the buffer, a frame without EOP (longer than a buffer) or with
 * error bits is dropped and counted.
 *
 * MAC: QEMU and real boards load RAL0/RAH0 from the EEPROM at reset
 * (RAH.AV set); otherwise words 0-2 of the EEPROM through EERD, whose
 * layout differs: 82540 DONE bit 4, address at bit 8; 82574 DONE bit 1,
 * address at bit 2.  Interrupts (RXT0, TXDW, LSC, RXO; a legacy line,
 * possibly shared, or MSI): the handler reads ICR (cleared by reading, so
 * the line is quiet before the EOI) and latches the causes;
 * e1000_poll() acts on them in thread context.
 */
#include "e1000.h"
#include "hw.h"
#include <errno.h>
#include <string.h>

#define REG_CTRL   0x0000
#define REG_STATUS 0x0008
#define REG_EERD   0x0014
#define REG_ICR	   0x00c0
#define REG_IMS	   0x00d0
#define REG_IMC	   0x00d8
#define REG_RCTL   0x0100
#define REG_TCTL   0x0400
#define REG_TIPG   0x0410
#define REG_RDBAL  0x2800
#define REG_RDBAH  0x2804
#define REG_RDLEN  0x2808
#define REG_RDH	   0x2810
#define REG_RDT	   0x2818
#define REG_TDBAL  0x3800
#define REG_TDBAH  0x3804
#define REG_TDLEN  0x3808
#define REG_TDH	   0x3810
#define REG_TDT	   0x3818
#define REG_MTA	   0x5200
#define REG_RAL0   0x5400
#define REG_RAH0   0x5404

#define CTRL_LRST    (1u << 3)
#define CTRL_ASDE    (1u << 5)
#define CTRL_SLU     (1u << 6)
#define CTRL_ILOS    (1u << 7)
#define CTRL_RST     (1u << 26)
#define CTRL_PHY_RST (1u << 31)
#define STATUS_LU    (1u << 1)
#define RAH_AV	     (1u << 31)
#define RCTL_EN	     (1u << 1)
#define RCTL_UPE     (1u << 3)
#define RCTL_MPE     (1u << 4)
#define RCTL_BAM     (1u << 15)
#define RCTL_SECRC   (1u << 26)
#define TCTL_EN	     (1u << 1)
#define TCTL_PSP     (1u << 3)
#define TCTL_CT	     (0x0fu << 4)
#define TCTL_COLD    (0x40u << 12)
#define TIPG_VALUE   (10u | 8u << 10 | 6u << 20)
#define ICR_TXDW     (1u << 0)
#define ICR_LSC	     (1u << 2)
#define ICR_RXO	     (1u << 6)
#define ICR_RXT0     (1u << 7)
#define DESC_DD	     0x01
#define DESC_EOP     0x02
#define TXCMD_EOP    0x01
#define TXCMD_IFCS   0x02
#define TXCMD_RS     0x08

static int eeprom_read(struct e1000 *n, unsigned int word, uint16_t *out)
{
	uint32_t done = n->e1000e ? 1u << 1 : 1u << 4;
	uint32_t addr = n->e1000e ? word << 2 : word << 8;
	mmio_write32(n->regs, REG_EERD, addr | 1u);
	if (!hw_poll32(n->regs, REG_EERD, done, done, HW_MS(100)))
		return -ETIMEDOUT;
	*out = (uint16_t)(mmio_read32(n->regs, REG_EERD) >> 16);
	return 0;
}

static int read_mac(struct e1000 *n)
{
	uint32_t ral = mmio_read32(n->regs, REG_RAL0), rah = mmio_read32(n->regs, REG_RAH0);
	if (!(rah & RAH_AV)) {
		uint16_t w[3];
		for (unsigned int i = 0; i < 3; i++)
			if (eeprom_read(n, i, &w[i]))
				return -ETIMEDOUT;
		ral = w[0] | (uint32_t)w[1] << 16;
		rah = w[2];
		mmio_write32(n->regs, REG_RAL0, ral);
		mmio_write32(n->regs, REG_RAH0, rah | RAH_AV);
	}
	for (int i = 0; i < 4; i++)
		n->mac[i] = (uint8_t)(ral >> (8 * i));
	n->mac[4] = (uint8_t)rah;
	n->mac[5] = (uint8_t)(rah >> 8);
	return 0;
}

static int rings_alloc(struct e1000 *n)
{
	uint64_t rx_bus, tx_bus, rxb_bus, txb_bus;
	n->rx = hw_dma_alloc(E1000_RX_DESCS * sizeof(*n->rx), &rx_bus);
	n->tx = hw_dma_alloc(E1000_TX_DESCS * sizeof(*n->tx), &tx_bus);
	n->rx_buf = hw_dma_alloc(E1000_RX_DESCS * E1000_BUF, &rxb_bus);
	n->tx_buf = hw_dma_alloc(E1000_TX_DESCS * E1000_BUF, &txb_bus);
	if (!n->rx || !n->tx || !n->rx_buf || !n->tx_buf)
		return -ENOMEM;
	for (unsigned int i = 0; i < E1000_RX_DESCS; i++)
		n->rx[i].addr = rxb_bus + (uint64_t)i * E1000_BUF;
	for (unsigned int i = 0; i < E1000_TX_DESCS; i++)
		n->tx[i] = (struct e1000_tx_desc){.addr = txb_bus + (uint64_t)i * E1000_BUF,
						  .status = DESC_DD};
	mmio_write32(n->regs, REG_RDBAL, (uint32_t)rx_bus);
	mmio_write32(n->regs, REG_RDBAH, (uint32_t)(rx_bus >> 32));
	mmio_write32(n->regs, REG_RDLEN, E1000_RX_DESCS * sizeof(*n->rx));
	mmio_write32(n->regs, REG_RDH, 0);
	mmio_write32(n->regs, REG_RDT, E1000_RX_DESCS - 1);
	mmio_write32(n->regs, REG_TDBAL, (uint32_t)tx_bus);
	mmio_write32(n->regs, REG_TDBAH, (uint32_t)(tx_bus >> 32));
	mmio_write32(n->regs, REG_TDLEN, E1000_TX_DESCS * sizeof(*n->tx));
	mmio_write32(n->regs, REG_TDH, 0);
	mmio_write32(n->regs, REG_TDT, 0);
	return 0;
}

static int reset(struct e1000 *n)
{
	mmio_write32(n->regs, REG_IMC, ~0u);
	mmio_write32(n->regs, REG_CTRL, mmio_read32(n->regs, REG_CTRL) | CTRL_RST);
	if (!hw_poll32(n->regs, REG_CTRL, CTRL_RST, 0, HW_MS(100)))
		return -ETIMEDOUT;
	mmio_write32(n->regs, REG_IMC, ~0u);
	(void)mmio_read32(n->regs, REG_ICR);
	uint32_t ctrl = mmio_read32(n->regs, REG_CTRL);
	ctrl &= ~(CTRL_LRST | CTRL_ILOS | CTRL_PHY_RST);
	mmio_write32(n->regs, REG_CTRL, ctrl | CTRL_SLU | CTRL_ASDE);
	return 0;
}

int e1000_init(struct e1000 *n, volatile void *regs, bool e1000e)
{
	memset(n, 0, sizeof(*n));
	n->regs = regs;
	n->e1000e = e1000e;
	const char *name = e1000e ? "e1000e" : "e1000";
	int rc = reset(n);
	if (rc) {
		hw_log("%s: reset does not finish\n", name);
		return rc;
	}
	if ((rc = read_mac(n))) {
		hw_log("%s: EEPROM does not answer\n", name);
		return rc;
	}
	for (unsigned int i = 0; i < 128; i++)
		mmio_write32(regs, REG_MTA + 4 * i, 0);
	if ((rc = rings_alloc(n))) {
		hw_log("%s: no memory for the rings\n", name);
		return rc;
	}
	mmio_write32(regs, REG_RCTL, RCTL_EN | RCTL_BAM | RCTL_SECRC);
	mmio_write32(regs, REG_TIPG, TIPG_VALUE);
	mmio_write32(regs, REG_TCTL, TCTL_EN | TCTL_PSP | TCTL_CT | TCTL_COLD);
	n->link_up = mmio_read32(regs, REG_STATUS) & STATUS_LU;
	hw_log("%s: MAC %02x:%02x:%02x:%02x:%02x:%02x, link %s\n", name, n->mac[0], n->mac[1],
	       n->mac[2], n->mac[3], n->mac[4], n->mac[5], n->link_up ? "up" : "down");
	return 0;
}

static void tx_reclaim(struct e1000 *n)
{
	while (n->tx_clean != n->tx_tail && (n->tx[n->tx_clean].status & DESC_DD))
		n->tx_clean = (n->tx_clean + 1) % E1000_TX_DESCS;
}

int e1000_send(struct e1000 *n, const void *frame, size_t len)
{
	if (len < 14 || len > E1000_MTU_FRAME)
		return -EINVAL;
	unsigned int next = (n->tx_tail + 1) % E1000_TX_DESCS;
	if (next == n->tx_clean)
		tx_reclaim(n);
	if (next == n->tx_clean)
		return -EAGAIN;
	struct e1000_tx_desc *d = &n->tx[n->tx_tail];
	memcpy(n->tx_buf + (size_t)n->tx_tail * E1000_BUF, frame, len);
	d->length = (uint16_t)len;
	d->cmd = TXCMD_EOP | TXCMD_IFCS | TXCMD_RS;
	d->status = 0;
	n->tx_tail = next;
	__atomic_thread_fence(__ATOMIC_SEQ_CST); /* descriptor before the doorbell */
	mmio_write32(n->regs, REG_TDT, next);
	n->tx_frames++;
	return 0;
}

/* Gives descriptor i back to the NIC. */
static void rx_recycle(struct e1000 *n, unsigned int i)
{
	n->rx[i].status = 0;
	n->rx_next = (i + 1) % E1000_RX_DESCS;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	mmio_write32(n->regs, REG_RDT, i);
}

ssize_t e1000_recv(struct e1000 *n, void *buf, size_t len)
{
	for (;;) {
		unsigned int i = n->rx_next;
		struct e1000_rx_desc *d = &n->rx[i];
		if (!(d->status & DESC_DD))
			return -EAGAIN;
		__atomic_thread_fence(__ATOMIC_SEQ_CST); /* status before data */
		size_t got = d->length;
		if (!(d->status & DESC_EOP) || d->errors || got > E1000_BUF || got < 14) {
			n->rx_dropped++;
			rx_recycle(n, i);
			continue;
		}
		if (got > len) {
			n->rx_dropped++;
			rx_recycle(n, i);
			return -EMSGSIZE;
		}
		memcpy(buf, n->rx_buf + (size_t)i * E1000_BUF, got);
		rx_recycle(n, i);
		n->rx_frames++;
		return (ssize_t)got;
	}
}

void e1000_poll(struct e1000 *n)
{
	uint32_t icr = __atomic_exchange_n(&n->icr_latched, 0, __ATOMIC_RELAXED) |
		       mmio_read32(n->regs, REG_ICR);
	if (icr & ICR_LSC) {
		n->link_up = mmio_read32(n->regs, REG_STATUS) & STATUS_LU;
		hw_log("%s: link %s\n", n->e1000e ? "e1000e" : "e1000", n->link_up ? "up" : "down");
	}
	tx_reclaim(n);
}

/* Reading ICR clears it and lowers the interrupt: the line is quiet for
 * the EOI; the causes wait in icr_latched for e1000_poll. */
void e1000_irq(void *arg)
{
	struct e1000 *n = arg;
	uint32_t icr = mmio_read32(n->regs, REG_ICR);
	if (!icr)
		return; /* another device on a shared line */
	__atomic_fetch_or(&n->icr_latched, icr, __ATOMIC_RELAXED);
	n->irqs++;
	if (n->rx_notify && (icr & (ICR_RXT0 | ICR_RXO)))
		n->rx_notify(n->rx_notify_arg);
}

int e1000_enable_irq(struct e1000 *n, const struct hw_irq_src *src)
{
	int rc = hw_irq_attach(src, e1000_irq, n);
	if (rc)
		return rc;
	n->irq = true;
	mmio_write32(n->regs, REG_IMS, ICR_RXT0 | ICR_TXDW | ICR_LSC | ICR_RXO);
	return 0;
}

void e1000_set_promisc(struct e1000 *n, bool on)
{
	uint32_t rctl = mmio_read32(n->regs, REG_RCTL);
	rctl = on ? rctl | RCTL_UPE | RCTL_MPE : rctl & ~(RCTL_UPE | RCTL_MPE);
	mmio_write32(n->regs, REG_RCTL, rctl);
}
