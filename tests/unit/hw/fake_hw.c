/*
 * drivers/hw/hw.h on the host: see fake_hw.h.  Bounded tables, no
 * locking (tests run one thread).
 */
#include "fake_hw.h"
#include <hw/hw.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MODELS_MAX 8
#define IRQS_MAX   32
#define LOG_LINES  64

static struct fake_model *models[MODELS_MAX];
static unsigned int nmodels;
static bool io_denied;
static uint64_t now;
#define SHARERS 4
static struct {
	struct hw_irq_src src;
	unsigned int n, eois;
	struct {
		void (*fn)(void *);
		void *arg;
	} h[SHARERS];
} irqs[IRQS_MAX];
static unsigned int nirqs;
static char log_lines[LOG_LINES][160];
static void *dma[256];
static unsigned int ndma;
static unsigned int nlog;

void fake_hw_reset(void)
{
	nmodels = 0;
	io_denied = false;
	nlog = 0;
	memset(irqs, 0, sizeof(irqs));
	nirqs = 0;
	while (ndma)
		free(dma[--ndma]);
}

void fake_hw_add(struct fake_model *m)
{
	if (nmodels < MODELS_MAX)
		models[nmodels++] = m;
}

void fake_hw_deny_io(void)
{
	io_denied = true;
}

int hw_init(void)
{
	return io_denied ? -EPERM : 0;
}

bool hw_io_ok(void)
{
	return !io_denied;
}

static struct fake_model *port_owner(uint16_t port)
{
	for (unsigned int i = 0; i < nmodels; i++)
		if (models[i]->in && port >= models[i]->port_lo && port <= models[i]->port_hi)
			return models[i];
	return NULL;
}

static uint32_t port_in(uint16_t port, int size)
{
	struct fake_model *m = port_owner(port);
	return m ? m->in(m, port, size) : 0xffffffffu >> (32 - 8 * size);
}

static void port_out(uint16_t port, uint32_t v, int size)
{
	struct fake_model *m = port_owner(port);
	if (m)
		m->out(m, port, v, size);
}

uint8_t hw_inb(uint16_t port)
{
	return (uint8_t)port_in(port, 1);
}

uint16_t hw_inw(uint16_t port)
{
	return (uint16_t)port_in(port, 2);
}

uint32_t hw_inl(uint16_t port)
{
	return port_in(port, 4);
}

void hw_outb(uint16_t port, uint8_t v)
{
	port_out(port, v, 1);
}

void hw_outw(uint16_t port, uint16_t v)
{
	port_out(port, v, 2);
}

void hw_outl(uint16_t port, uint32_t v)
{
	port_out(port, v, 4);
}

volatile void *hw_map_mmio(uint64_t maddr, size_t len)
{
	for (unsigned int i = 0; i < nmodels; i++) {
		struct fake_model *m = models[i];
		if (m->mmio && maddr >= m->mmio_base && maddr + len <= m->mmio_base + m->mmio_len)
			return (uint8_t *)m->mmio + (maddr - m->mmio_base);
	}
	hw_log("fake: no MMIO at %#llx\n", (unsigned long long)maddr);
	return NULL;
}

static struct fake_model *mmio_owner(volatile void *p)
{
	for (unsigned int i = 0; i < nmodels; i++) {
		struct fake_model *m = models[i];
		uintptr_t a = (uintptr_t)p, lo = (uintptr_t)m->mmio;
		if (m->mmio && a >= lo && a < lo + m->mmio_len)
			return m;
	}
	return NULL;
}

uint32_t mmio_read32(volatile void *base, uint32_t off)
{
	volatile uint8_t *p = (volatile uint8_t *)base + off;
	struct fake_model *m = mmio_owner(p);
	if (m && m->mmio_read)
		return m->mmio_read(m, (uint32_t)((uintptr_t)p - (uintptr_t)m->mmio));
	return *(volatile uint32_t *)p;
}

void mmio_write32(volatile void *base, uint32_t off, uint32_t v)
{
	volatile uint8_t *p = (volatile uint8_t *)base + off;
	struct fake_model *m = mmio_owner(p);
	if (m && m->mmio_write)
		m->mmio_write(m, (uint32_t)((uintptr_t)p - (uintptr_t)m->mmio), v);
	else
		*(volatile uint32_t *)p = v;
}

void *hw_dma_alloc(size_t len, uint64_t *bus)
{
	size_t rounded = (len + 4095) & ~(size_t)4095;
	void *p = aligned_alloc(4096, rounded);
	if (!p)
		return NULL;
	memset(p, 0, rounded);
	*bus = (uint64_t)(uintptr_t)p;
	if (ndma < 256)
		dma[ndma++] = p;
	return p;
}

void hw_dma_free(void *p, size_t len)
{
	for (unsigned int i = 0; i < ndma; i++) {
		if (dma[i] == p) {
			free(p);
			dma[i] = dma[--ndma];
			return;
		}
	}
	hw_log("fake: freeing DMA memory %p (+%zu) that is not allocated\n", p, len);
}

uint64_t hw_virt_to_bus(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}

static int find(const struct hw_irq_src *src)
{
	for (unsigned int i = 0; i < nirqs; i++)
		if (irqs[i].src.msi == src->msi &&
		    (src->msi ? irqs[i].src.bus == src->bus && irqs[i].src.devfn == src->devfn
			      : irqs[i].src.line == src->line))
			return (int)i;
	return -1;
}

int hw_irq_attach(const struct hw_irq_src *src, void (*fn)(void *arg), void *arg)
{
	int i = find(src);
	if (i < 0) {
		if (nirqs == IRQS_MAX || (!src->msi && src->line >= IRQS_MAX))
			return -EINVAL;
		i = (int)nirqs++;
		irqs[i].src = *src;
	}
	if (irqs[i].n == SHARERS)
		return -ENOSPC;
	irqs[i].h[irqs[i].n].fn = fn;
	irqs[i].h[irqs[i].n++].arg = arg;
	return 0;
}

int hw_irq_bind(unsigned int irq, void (*fn)(void *arg), void *arg)
{
	struct hw_irq_src src = {.line = irq};
	return hw_irq_attach(&src, fn, arg);
}

unsigned int hw_irq_sharers(const struct hw_irq_src *src)
{
	int i = find(src);
	return i < 0 ? 0 : irqs[i].n;
}

/* As dom0's hw.c: every handler of the source, then one EOI. */
static bool fire(const struct hw_irq_src *src)
{
	int i = find(src);
	if (i < 0)
		return false;
	for (unsigned int k = 0; k < irqs[i].n; k++)
		irqs[i].h[k].fn(irqs[i].h[k].arg);
	irqs[i].eois++;
	return true;
}

bool fake_hw_fire_irq(unsigned int irq)
{
	struct hw_irq_src src = {.line = irq};
	return fire(&src);
}

bool fake_hw_fire_msi(uint8_t bus, uint8_t devfn)
{
	struct hw_irq_src src = {.msi = true, .bus = bus, .devfn = devfn};
	return fire(&src);
}

unsigned int fake_hw_eois(unsigned int irq)
{
	struct hw_irq_src src = {.line = irq};
	int i = find(&src);
	return i < 0 ? 0 : irqs[i].eois;
}

uint64_t hw_now_ns(void)
{
	now += 1000000;
	return now;
}

void hw_waiter_start(struct hw_waiter *w)
{
	w->seen = 0;
}

void hw_wait(struct hw_waiter *w)
{
	(void)w; /* no threads: the models move on at every wait */
	for (unsigned int i = 0; i < nmodels; i++)
		if (models[i]->step)
			models[i]->step(models[i]);
}

void hw_log(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	if (nlog < LOG_LINES)
		vsnprintf(log_lines[nlog++], sizeof(log_lines[0]), fmt, ap);
	va_end(ap);
	if (getenv("HOSPES_TEST_VERBOSE"))
		fprintf(stderr, "# %s", log_lines[nlog - 1]);
}

bool fake_hw_logged(const char *s)
{
	for (unsigned int i = 0; i < nlog; i++)
		if (strstr(log_lines[i], s))
			return true;
	return false;
}
