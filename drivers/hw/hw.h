/*
 * What a hardware driver of dom0 needs from its environment: port I/O,
 * mappings of device memory (MMIO), memory a device can reach by DMA,
 * physical interrupts, time, and a log.
 *
 * dom0 implements it in drivers/hw/hw.c on the hypervisor's interface
 * (physdev_op for I/O privilege and PIRQs, mmu_update with DOMID_IO for
 * MMIO, dom0's identity p2m for DMA).  The host unit tests implement the
 * same functions in tests/unit/hwdrivers/ on top of fake device models, so
 * every driver file is compiled and tested unchanged on the host.
 *
 * Drivers wait for a device by polling a condition and calling hw_wait()
 * between two looks, with a deadline from hw_now_ns(): in dom0 hw_wait()
 * lets other threads (and the interrupt handlers) run, on the host it
 * lets the fake device models make progress.  Each waiting loop keeps
 * its own struct hw_waiter (hw_waiter_start before its first look), so
 * whether it may sleep depends on its own looks only, never on what
 * other waiting threads saw.
 */
#ifndef DRIVERS_HW_HW_H
#define DRIVERS_HW_HW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Asks the hypervisor for I/O-port access; 0 or -errno.  Drivers that
 * need ports do nothing when it failed. */
int hw_init(void);
bool hw_io_ok(void);

uint8_t hw_inb(uint16_t port);
uint16_t hw_inw(uint16_t port);
uint32_t hw_inl(uint16_t port);
void hw_outb(uint16_t port, uint8_t v);
void hw_outw(uint16_t port, uint16_t v);
void hw_outl(uint16_t port, uint32_t v);

/* Maps len bytes of device memory at machine address maddr, uncached;
 * NULL (logged) when the hypervisor refuses. */
volatile void *hw_map_mmio(uint64_t maddr, size_t len);
/* The same, read-only (what the hypervisor allows for PCI Express ECAM). */
volatile void *hw_map_mmio_ro(uint64_t maddr, size_t len);

/* Zeroed, page-aligned memory, contiguous in machine memory; *bus is the
 * address a device uses for its first byte.  NULL when out of memory. */
void *hw_dma_alloc(size_t len, uint64_t *bus);
void hw_dma_free(void *p, size_t len);
/* The device address of any byte of dom0's RAM (buffers handed in by
 * callers).  Contiguous only within one page. */
uint64_t hw_virt_to_bus(const void *p);

/*
 * Interrupts.  A device interrupts either on a legacy line (an ISA IRQ or
 * a PCI GSI, which several devices may share) or by MSI (the function's
 * own message, which the hypervisor programs).  Every handler attached to
 * a source runs in event context, in the order attached; after the last
 * one, hw sends the hypervisor the end of interrupt (PHYSDEVOP_eoi).  So
 * a handler on a level-triggered line must leave its device quiet: read
 * (and latch for its thread) and clear the device's interrupt cause, or
 * the line fires again at once.  A handler of a shared line must cope
 * with interrupts that are not its device's (nothing pending: return).
 */
struct hw_irq_src {
	bool msi; /* MSI of bus:devfn instead of a line */
	uint8_t bus, devfn;
	unsigned int line; /* legacy line, when !msi */
};
/* Attaches fn(arg) to src; 0 or -errno (then the driver polls). */
int hw_irq_attach(const struct hw_irq_src *src, void (*fn)(void *arg), void *arg);
/* The same for legacy line irq. */
int hw_irq_bind(unsigned int irq, void (*fn)(void *arg), void *arg);
/* How many drivers share the source (0: not bound). */
unsigned int hw_irq_sharers(const struct hw_irq_src *src);

uint64_t hw_now_ns(void);
/* Device interrupts taken so far, every source (a benchmark's counter). */
unsigned long hw_irq_count(void);

/* One waiting loop's state: the count of device interrupts taken before
 * the loop's last look at its device. */
struct hw_waiter {
	unsigned long seen;
};
/* Starts a waiting loop: call before its first look. */
void hw_waiter_start(struct hw_waiter *w);
/* Between two looks that found the device not ready: returns when the
 * loop should look again. */
void hw_wait(struct hw_waiter *w);

/*
 * The waiting rule (pure, so host-tested): count is the number of device
 * interrupts taken so far; the loop has just looked and found nothing.
 * It may sleep only if no interrupt came since before that look (count
 * is still w->seen): a later one may be its device's answer, so it looks
 * again instead.  Either way count becomes the mark for its next look.
 */
static inline bool hw_wait_may_sleep(struct hw_waiter *w, unsigned long count)
{
	bool sleep = count == w->seen;
	w->seen = count;
	return sleep;
}

void hw_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* 32-bit register accesses in a block hw_map_mmio() returned (functions,
 * so the host's fake devices see every access, e.g. write-1-to-clear). */
uint32_t mmio_read32(volatile void *base, uint32_t off);
void mmio_write32(volatile void *base, uint32_t off, uint32_t v);

/* Waits until (register off & mask) == want, or timeout_ns passes;
 * true if it got there. */
static inline bool hw_poll32(volatile void *base, uint32_t off, uint32_t mask, uint32_t want,
			     uint64_t timeout_ns)
{
	uint64_t deadline = hw_now_ns() + timeout_ns;
	struct hw_waiter w;
	hw_waiter_start(&w);
	while ((mmio_read32(base, off) & mask) != want) {
		if (hw_now_ns() > deadline)
			return false;
		hw_wait(&w);
	}
	return true;
}

#define HW_MS(n) ((uint64_t)(n)*1000000ULL)

#endif
