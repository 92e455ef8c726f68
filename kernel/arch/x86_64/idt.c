/*
 * The interrupt descriptor table: one gate per vector, all pointing at the
 * stubs of entry.S, and the table of C handlers for vectors 32-255.
 *
 * Every gate is an interrupt gate (interrupts off on entry), so no
 * interrupt can land between an entry from a guest and its swapgs.  Gates
 * are DPL 0 except #BP and #OF (int3/into from a guest, as on Xen) and
 * those made DPL 3 with irq_set_gate_dpl3 (int $0x82, the hypercall gate).
 * NMI, #DF and #MC use IST stacks 1-3.
 *
 * The IDT is shared by all CPUs and written only on the boot CPU before
 * the others start (handlers may be registered later; a handler pointer is
 * one aligned store, and its vector is not raised before it is set).
 */
#include <asm/desc.h>
#include <asm/traps.h>
#include <hospes/lib.h>

struct idt_gate {
	uint16_t offset_lo, selector;
	uint8_t ist, type;
	uint16_t offset_mid;
	uint32_t offset_hi, reserved;
} __packed;

#define GATE_INTR_DPL0 0x8e
#define GATE_INTR_DPL3 0xee
#define STUB_SIZE      16

extern const char trap_stubs[];
static struct idt_gate idt[256] __aligned(16);
irq_handler_t irq_handlers[256];

static void set_gate(unsigned int v, uint8_t type, uint8_t ist)
{
	uint64_t a = (uint64_t)&trap_stubs[v * STUB_SIZE];
	idt[v] = (struct idt_gate){.offset_lo = (uint16_t)a,
				   .selector = HYPERVISOR_CS,
				   .ist = ist,
				   .type = type,
				   .offset_mid = (uint16_t)(a >> 16),
				   .offset_hi = (uint32_t)(a >> 32)};
}

void idt_init(void)
{
	for (unsigned int v = 0; v < 256; v++)
		set_gate(v, GATE_INTR_DPL0, 0);
	set_gate(TRAP_NMI, GATE_INTR_DPL0, IST_NMI);
	set_gate(TRAP_DF, GATE_INTR_DPL0, IST_DF);
	set_gate(TRAP_MC, GATE_INTR_DPL0, IST_MC);
	set_gate(TRAP_BP, GATE_INTR_DPL3, 0);
	set_gate(4, GATE_INTR_DPL3, 0); /* #OF */
}

void idt_load(void)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __packed desc = {sizeof(idt) - 1, (uint64_t)idt};
	__asm__ __volatile__("lidt %0" ::"m"(desc) : "memory");
}

void irq_set_handler(unsigned int vector, irq_handler_t fn)
{
	ASSERT(vector >= 32 && vector < 256);
	irq_handlers[vector] = fn;
}

void irq_set_gate_dpl3(unsigned int vector, irq_handler_t fn)
{
	irq_set_handler(vector, fn);
	set_gate(vector, GATE_INTR_DPL3, 0);
}
