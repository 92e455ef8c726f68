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
 * - Interrupts: a line (GSI) or a function's MSI becomes a PIRQ
 *   (PHYSDEVOP_map_pirq), the PIRQ an event channel (EVTCHNOP_bind_pirq),
 *   bound once per source however many drivers share it; the event
 *   handler runs every attached driver's function, then one
 *   PHYSDEVOP_eoi ends the interrupt at the hypervisor (each function
 *   has quieted its own device by then, see hw.h).
 * - Waiting: each waiting loop keeps its own struct hw_waiter, whose
 *   seen is the count of device interrupts (irq_ev, signalled after the
 *   handlers) taken before the loop's last look at its device.  Between
 *   two looks that found nothing, hw_wait sleeps only if that count has
 *   not moved since (hw_wait_may_sleep): an interrupt after the look may
 *   be the answer, so the loop looks again at once.  Invariant: no loop
 *   sleeps through an interrupt that came after its last look, whatever
 *   other threads wait or look meanwhile (one shared mark allowed that:
 *   another thread's wait took the count, and the first slept through
 *   its own completion).  It sleeps until the next device interrupt
 *   (any source) or HW_WAIT_NS, 200 us, whichever comes first, so the
 *   vCPU blocks in the hypervisor rather than spinning; with no
 *   interrupt bound at all it yields instead.  The bound stays short
 *   because it is not only a net for a lost interrupt: measured against
 *   a disk whose reads take 100 us (QEMU null-co), the AHCI interrupt
 *   reaches dom0 ~1 ms after the command is done (the next look finds
 *   it done at the 200 us wake-up; with a 10 ms bound every read took
 *   ~1.1 ms instead of ~0.3), so until that delivery is prompt the
 *   timed wake-up is what sees most completions.  More than
 *   EVENT_WAITERS loops asleep at once: the extra ones sleep the whole
 *   bound (pvguest/core/sched.c's rule).
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
#define IRQS_MAX	16 /* bound sources (lines and MSIs) */
#define IRQ_SHARERS	4
#define HW_WAIT_NS	200000

static bool io_ok, irqs_bound;
static struct event_counter irq_ev; /* signalled after every device interrupt */
static unsigned long mmio_next = MMIO_WINDOW_VA;

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

static volatile void *map_mmio(uint64_t maddr, size_t len, unsigned long rw);

volatile void *hw_map_mmio(uint64_t maddr, size_t len)
{
	return map_mmio(maddr, len, _PAGE_RW);
}

volatile void *hw_map_mmio_ro(uint64_t maddr, size_t len)
{
	return map_mmio(maddr, len, 0);
}

static volatile void *map_mmio(uint64_t maddr, size_t len, unsigned long rw)
{
	uint64_t first = maddr >> PAGE_SHIFT, last = (maddr + len - 1) >> PAGE_SHIFT;
	unsigned long n = last - first + 1, va = mmio_next;
	if (!len || va + n * PAGE_SIZE > MMIO_WINDOW_END) {
		hw_log("hw: no room to map %#llx (+%zu)\n", (unsigned long long)maddr, len);
		return NULL;
	}
	long rc = map_foreign_pages(va, first, n, _PAGE_PRESENT | rw | _PAGE_PCD | _PAGE_PWT,
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

/* One bound interrupt source: a line or an MSI; its handlers in order. */
static struct hw_irq {
	struct hw_irq_src src;
	int pirq;
	bool needs_eoi; /* a level line (irq_status_query); MSIs and edges need none */
	unsigned int n;
	struct {
		void (*fn)(void *arg);
		void *arg;
	} h[IRQ_SHARERS];
} irqs[IRQS_MAX];
static unsigned int nirqs;

static bool same_src(const struct hw_irq_src *a, const struct hw_irq_src *b)
{
	return a->msi == b->msi &&
	       (a->msi ? a->bus == b->bus && a->devfn == b->devfn : a->line == b->line);
}

static struct hw_irq *find_src(const struct hw_irq_src *src)
{
	for (unsigned int i = 0; i < nirqs; i++)
		if (same_src(&irqs[i].src, src))
			return &irqs[i];
	return NULL;
}

/* Every handler of the source, then one EOI for all of them. */
static void irq_event(evtchn_port_t port, void *data)
{
	struct hw_irq *i = data;
	(void)port;
	for (unsigned int k = 0; k < i->n; k++)
		i->h[k].fn(i->h[k].arg);
	if (i->needs_eoi) {
		struct physdev_eoi eoi = {.irq = (uint32_t)i->pirq};
		hv_physdev_op(PHYSDEVOP_eoi, &eoi);
	}
	event_signal(&irq_ev);
}

/* A PIRQ for src: the line's own number, or an MSI the hypervisor
 * programs into the function's capability (Xen's map_pirq, type MSI). */
static long map_src(const struct hw_irq_src *src, int *pirq)
{
	struct physdev_map_pirq map = {.domid = DOMID_SELF, .pirq = -1};
	if (src->msi) {
		map.type = MAP_PIRQ_TYPE_MSI;
		map.index = -1;
		map.bus = src->bus;
		map.devfn = src->devfn;
	} else {
		map.type = MAP_PIRQ_TYPE_GSI;
		map.index = map.pirq = (int)src->line;
	}
	long rc = hv_physdev_op(PHYSDEVOP_map_pirq, &map);
	*pirq = map.pirq;
	return rc;
}

int hw_irq_attach(const struct hw_irq_src *src, void (*fn)(void *arg), void *arg)
{
	struct hw_irq *i = find_src(src);
	if (i) { /* already bound: share it */
		if (i->n == IRQ_SHARERS)
			return -ENOSPC;
		i->h[i->n].arg = arg;
		i->h[i->n++].fn = fn; /* the event handler reads n after fn is set */
		return 0;
	}
	if (nirqs == IRQS_MAX)
		return -ENOSPC;
	int pirq;
	long rc = map_src(src, &pirq);
	if (rc)
		return (int)rc;
	i = &irqs[nirqs];
	*i = (struct hw_irq){.src = *src, .pirq = pirq, .n = 1, .h = {{fn, arg}}};
	struct evtchn_bind_pirq bind = {.pirq = (uint32_t)pirq, .flags = BIND_PIRQ__WILL_SHARE};
	rc = hv_event_channel_op(EVTCHNOP_bind_pirq, &bind);
	if (rc) {
		struct physdev_unmap_pirq unmap = {.domid = DOMID_SELF, .pirq = pirq};
		hv_physdev_op(PHYSDEVOP_unmap_pirq, &unmap);
		return (int)rc;
	}
	struct physdev_irq_status_query q = {.irq = (uint32_t)pirq};
	i->needs_eoi = hv_physdev_op(PHYSDEVOP_irq_status_query, &q) != 0 ||
		       (q.flags & XENIRQSTAT_needs_eoi);
	nirqs++;
	irqs_bound = true;
	evtchn_set_handler(bind.port, irq_event, i);
	if (i->needs_eoi) { /* a level interrupt before the handler was dropped: fire again */
		struct physdev_eoi eoi = {.irq = (uint32_t)pirq};
		hv_physdev_op(PHYSDEVOP_eoi, &eoi);
	}
	return 0;
}

int hw_irq_bind(unsigned int irq, void (*fn)(void *arg), void *arg)
{
	struct hw_irq_src src = {.line = irq};
	return hw_irq_attach(&src, fn, arg);
}

unsigned int hw_irq_sharers(const struct hw_irq_src *src)
{
	struct hw_irq *i = find_src(src);
	return i ? i->n : 0;
}

uint64_t hw_now_ns(void)
{
	return clock_now_ns();
}

unsigned long hw_irq_count(void)
{
	return irq_ev.count;
}

void hw_waiter_start(struct hw_waiter *w)
{
	w->seen = irq_ev.count;
}

void hw_wait(struct hw_waiter *w)
{
	unsigned long count = irq_ev.count;

	if (irqs_bound && hw_wait_may_sleep(w, count))
		event_wait_timeout(&irq_ev, count, HW_WAIT_NS);
	else
		thread_yield(); /* no interrupts, or one came since the last look: look again */
	w->seen = irq_ev.count; /* before the next look */
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
