/*
 * The hardware environment of dom0's drivers (hw.h) on the hypervisor.
 *
 * - I/O ports: dom0 runs in ring 3; PHYSDEVOP_set_iopl raises its
 *   virtual IOPL, after which the hypervisor lets its in/out through.
 *   Without it every in/out would fault, so hw_io_ok() gates all port
 *   drivers.
 * - MMIO: device memory belongs to DOMID_IO; dom0 maps it with
 *   mmu_update on behalf of DOMID_IO, uncached (PCD|PWT), into a window
 *   of its address space above RAM that only grows.
 * - DMA: dom0's p2m is the identity on its own frames (the builder gives
 *   it PFN == MFN), so contiguous pages from the page allocator are
 *   contiguous for a device; hw_dma_alloc still checks it, frame by
 *   frame, and refuses otherwise.
 * - Interrupts: a GSI becomes a PIRQ (PHYSDEVOP_map_pirq), the PIRQ an
 *   event channel (EVTCHNOP_bind_pirq), whose handler runs the driver's
 *   function; PHYSDEVOP_eoi ends the interrupt at the hypervisor.
 * - Waiting: between two looks at a device, a driver without interrupts
 *   yields to other threads; once any device interrupt is bound, the
 *   waiting thread sleeps HW_WAIT_NS instead, so the vCPU blocks in the
 *   hypervisor rather than spinning (an interrupt event wakes the vCPU;
 *   the thread looks again when its short sleep ends).
 */
#include "hw.h"
#include <asm/hypercall.h>
#include <core/evtchn.h>
#include <core/kernel.h>
#include <core/sched.h>
#include <errno.h>
#include <mm/mm.h>
#include <mm/pages.h>
#include <public/physdev.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define MMIO_WINDOW_VA	0x7e0000000000UL
#define MMIO_WINDOW_END 0x7f0000000000UL
#define IRQS_MAX	64
#define HW_WAIT_NS	200000

static bool io_ok, irqs_bound;
static unsigned long mmio_next = MMIO_WINDOW_VA;

static struct hw_irq {
	void (*fn)(void *arg);
	void *arg;
	int pirq;
} irqs[IRQS_MAX];

int hw_init(void)
{
	struct physdev_set_iopl iopl = {.iopl = 1};
	long rc = hv_physdev_op(PHYSDEVOP_set_iopl, &iopl);
	io_ok = rc == 0;
	if (!io_ok)
		hw_log("hw: no I/O-port access (physdev set_iopl: %ld)\n", rc);
	return (int)rc;
}

bool hw_io_ok(void)
{
	return io_ok;
}

uint8_t hw_inb(uint16_t port)
{
	uint8_t v;
	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

uint16_t hw_inw(uint16_t port)
{
	uint16_t v;
	__asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

uint32_t hw_inl(uint16_t port)
{
	uint32_t v;
	__asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

void hw_outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

void hw_outw(uint16_t port, uint16_t v)
{
	__asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(port));
}

void hw_outl(uint16_t port, uint32_t v)
{
	__asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

uint32_t mmio_read32(volatile void *base, uint32_t off)
{
	return *(volatile uint32_t *)((volatile uint8_t *)base + off);
}

void mmio_write32(volatile void *base, uint32_t off, uint32_t v)
{
	*(volatile uint32_t *)((volatile uint8_t *)base + off) = v;
}

volatile void *hw_map_mmio(uint64_t maddr, size_t len)
{
	uint64_t first = maddr >> PAGE_SHIFT, last = (maddr + len - 1) >> PAGE_SHIFT;
	unsigned long n = last - first + 1, va = mmio_next;
	if (!len || va + n * PAGE_SIZE > MMIO_WINDOW_END) {
		hw_log("hw: no room to map %#llx (+%zu)\n", (unsigned long long)maddr, len);
		return NULL;
	}
	long rc = map_foreign_pages(va, first, n, _PAGE_PRESENT | _PAGE_RW | _PAGE_PCD | _PAGE_PWT,
				    DOMID_IO);
	if (rc) {
		hw_log("hw: cannot map MMIO %#llx (+%zu): %ld\n", (unsigned long long)maddr, len,
		       rc);
		return NULL;
	}
	mmio_next += n * PAGE_SIZE;
	return (volatile uint8_t *)va + (maddr & (PAGE_SIZE - 1));
}

void *hw_dma_alloc(size_t len, uint64_t *bus)
{
	unsigned long n = PFN_UP(len), pfn = pages_alloc(n);
	if (pfn == NO_PFN)
		return NULL;
	unsigned long mfn = pfn_to_mfn(pfn);
	for (unsigned long i = 1; i < n; i++) {
		if (pfn_to_mfn(pfn + i) != mfn + i) {
			hw_log("hw: %lu pages at pfn %#lx are not contiguous in machine memory\n",
			       n, pfn);
			pages_free(pfn, n);
			return NULL;
		}
	}
	void *p = pfn_to_virt(pfn);
	memset(p, 0, n * PAGE_SIZE);
	*bus = (uint64_t)mfn << PAGE_SHIFT;
	return p;
}

void hw_dma_free(void *p, size_t len)
{
	if (p && !pages_free((uintptr_t)p >> PAGE_SHIFT, PFN_UP(len)))
		hw_log("hw: freeing DMA memory %p that is not allocated\n", p);
}

uint64_t hw_virt_to_bus(const void *p)
{
	uintptr_t va = (uintptr_t)p;
	return ((uint64_t)pfn_to_mfn(va >> PAGE_SHIFT) << PAGE_SHIFT) | (va & (PAGE_SIZE - 1));
}

static void irq_event(evtchn_port_t port, void *data)
{
	struct hw_irq *i = data;
	(void)port;
	i->fn(i->arg);
}

int hw_irq_bind(unsigned int irq, void (*fn)(void *arg), void *arg)
{
	if (irq >= IRQS_MAX)
		return -EINVAL;
	struct physdev_map_pirq map = {.domid = DOMID_SELF,
				       .type = MAP_PIRQ_TYPE_GSI,
				       .index = (int)irq,
				       .pirq = (int)irq};
	long rc = hv_physdev_op(PHYSDEVOP_map_pirq, &map);
	if (rc)
		return (int)rc;
	struct evtchn_bind_pirq bind = {.pirq = (uint32_t)map.pirq, .flags = BIND_PIRQ__WILL_SHARE};
	rc = hv_event_channel_op(EVTCHNOP_bind_pirq, &bind);
	if (rc)
		return (int)rc;
	irqs[irq] = (struct hw_irq){.fn = fn, .arg = arg, .pirq = map.pirq};
	irqs_bound = true;
	evtchn_set_handler(bind.port, irq_event, &irqs[irq]);
	return 0;
}

void hw_irq_eoi(unsigned int irq)
{
	if (irq >= IRQS_MAX || !irqs[irq].fn)
		return;
	struct physdev_eoi eoi = {.irq = (uint32_t)irqs[irq].pirq};
	hv_physdev_op(PHYSDEVOP_eoi, &eoi);
}

uint64_t hw_now_ns(void)
{
	return clock_now_ns();
}

void hw_wait(void)
{
	if (irqs_bound)
		thread_sleep_ns(HW_WAIT_NS);
	else
		thread_yield();
}

void hw_log(const char *fmt, ...)
{
	char line[200];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	printk("%s", line);
}
