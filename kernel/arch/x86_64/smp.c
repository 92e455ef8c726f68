/*
 * SMP: per-CPU set-up, AP bring-up with INIT-SIPI-SIPI, and IPIs.
 *
 * The boot CPU is CPU 0.  The other enabled CPUs of the MADT become CPUs
 * 1, 2, ... in MADT order and are started one at a time: the real-mode
 * trampoline (trampoline.S) is copied to TRAMPOLINE_PA (below 1 MiB, which
 * the frame allocator never hands out), its parameter block gets this AP's
 * stack and call-in tag (index and block), then INIT, 10 ms, SIPI, 200 us,
 * SIPI (the MP spec's sequence).  The hypervisor's page tables have no identity map, so the
 * AP starts on a small PML4 of its own (in the image, below 4 GiB as a
 * real-mode CR3 load needs) that shares the hypervisor slots 256-271 and
 * adds a 2 MiB identity map over the trampoline; its first C instruction
 * switches to the real tables.  The AP claims its index (the call-in
 * handshake of hospes/cpu_bringup.h), loads its GDT/TSS and the IDT,
 * enables its LAPIC and timer, marks itself online and idles with
 * interrupts on.  An AP that has not claimed its index after
 * smp_ap_wait_ms= (default 1 s) is given up: its stack and its copy of
 * the trampoline are never used again (the next AP gets a fresh copy one
 * page up, TRAMPOLINE_BLOCKS at most, only pages the memory map calls
 * RAM, and the index under a new tag), and
 * if it runs at last it halts without touching anything: its claim names
 * a tag nobody offers any more.
 *
 * Stopping (panic, reboot): an NMI to every other CPU, whose handler
 * (nmi.c) halts when cpus_stopping is set.
 *
 * smp_call_function: call_lock serializes callers; the caller publishes
 * fn/data, sends VEC_CALL_FUNC to every other online CPU and spins until
 * the count of finished CPUs reaches the number it sent to.
 */
#include <asm/apic.h>
#include <asm/cpu.h>
#include <asm/desc.h>
#include <asm/layout.h>
#include <asm/msr.h>
#include <asm/page.h>
#include <asm/smp.h>
#include <asm/traps.h>
#include <asm/tsc.h>
#include <hospes/acpi.h>
#include <hospes/cmdline.h>
#include <hospes/cpu_bringup.h>
#include <hospes/cpu_protect.h>
#include <hospes/frame.h>
#include <hospes/lib.h>
#include <hospes/memmap.h>
#include <hospes/panic.h>
#include <hospes/percpu.h>
#include <hospes/spinlock.h>
#include <hospes/time.h>

#define TRAMPOLINE_PA	  0x8000UL /* block b at TRAMPOLINE_PA + b pages */
#define TRAMPOLINE_BLOCKS 4	   /* at most (those the memory map calls RAM) */
#define CR4_PCIDE	  (1UL << 17)
#define AP_STACK_ORDER	  2 /* BOOT_STACK_SIZE, 16 KiB */

struct trampoline_params {
	uint64_t cr3, efer, cr4, stack, entry, cpu;
};

extern const char trampoline_start[], trampoline_end[];
extern const char trampoline_params[], tr_long[], tr_long_addr[], tr_gdt[], tr_gdt_base[];

static uint64_t ap_cr4;
static uint64_t ap_pml4[512] __aligned(PAGE_SIZE);
static uint64_t ap_l3[512] __aligned(PAGE_SIZE);
static uint64_t ap_l2[512] __aligned(PAGE_SIZE);

#define LOW_TABLE (_PAGE_PRESENT | _PAGE_RW)
#define LOW_2M	  (_PAGE_PRESENT | _PAGE_RW | _PAGE_PSE)
static spinlock_t call_lock = SPINLOCK_INIT;
static void (*volatile call_fn)(void *);
static void *volatile call_data;
static volatile unsigned int call_done;
static struct ap_callin ap_callin;
static unsigned int aps_lost, aps_parked; /* given up by us; of those, seen halting */
static uint64_t callin_ns[NR_CPUS];	  /* by index: INIT to the claim seen */
extern struct hospes_options hospes_options;
extern struct boot_info boot_info;

void percpu_init_boot(unsigned long stack_top)
{
	struct percpu *p = &percpu[0];
	p->self = p;
	p->cpu_id = 0;
	p->stack_top = stack_top;
	wrmsr(MSR_GS_BASE, (uint64_t)p);
}

void send_ipi(unsigned int cpu, uint8_t vector)
{
	lapic_send_ipi(percpu[cpu].apic_id, APIC_DM_FIXED | vector);
	__atomic_fetch_add(&this_cpu()->ipis, 1, __ATOMIC_RELAXED);
}

static void call_function_ipi(struct cpu_regs *regs)
{
	lapic_eoi();
	call_fn(call_data);
	__atomic_fetch_add(&call_done, 1, __ATOMIC_RELEASE);
}

void smp_call_function(void (*fn)(void *data), void *data)
{
	spin_lock(&call_lock);
	call_fn = fn;
	call_data = data;
	call_done = 0;
	unsigned int sent = 0, me = smp_processor_id();
	for (unsigned int c = 0; c < NR_CPUS; c++)
		if (c != me && percpu[c].online) {
			send_ipi(c, VEC_CALL_FUNC);
			sent++;
		}
	while (__atomic_load_n(&call_done, __ATOMIC_ACQUIRE) != sent)
		cpu_relax();
	spin_unlock(&call_lock);
}

volatile bool cpus_stopping;

void cpu_stop_here(void)
{
	this_cpu()->online = false;
	halt_forever();
}

/*
 * Halt every other CPU with an NMI (it reaches a CPU that spins with
 * interrupts off, too), wait up to 1 s for them to go offline and say
 * how many did.  The NMI handler (nmi.c) sees cpus_stopping and halts.
 */
static void stop_other_cpus(void)
{
	unsigned int me = smp_processor_id(), sent = 0, left;
	cpus_stopping = true;
	for (unsigned int c = 0; c < NR_CPUS; c++)
		if (c != me && percpu[c].online) {
			lapic_send_ipi(percpu[c].apic_id, APIC_DM_NMI);
			sent++;
		}
	uint64_t end = now_ns() + NSEC_PER_SEC; /* an emulated CPU on a loaded host is slow */
	do {
		left = 0;
		for (unsigned int c = 0; c < NR_CPUS; c++)
			left += c != me && percpu[c].online;
	} while (left && now_ns() < end);
	printk(LOG_ERR "%u other CPU%s stopped, %u did not answer\n", sent - left,
	       sent - left == 1 ? "" : "s", left);
}

/* The scheduler (engineer F) may link a strong cpu_idle for its idle vCPU loop. */
__attribute__((weak)) __noreturn void cpu_idle(void)
{
	for (;;) {
		local_irq_enable();
		halt();
	}
}

static void delay_ns(uint64_t ns)
{
	uint64_t end = now_ns() + ns;
	while (now_ns() < end)
		cpu_relax();
}

/*
 * smp_slow_ap=<APIC id>: that AP calls in too late, as a starved one may.
 * It waits until the boot CPU has given it up (it only reads the call-in
 * word), not for a time: a wait of its own clock raced the boot CPU's,
 * and a boot CPU descheduled past its deadline by a loaded host saw the
 * "late" AP's claim first and took it online (session 9).
 */
static void maybe_slow_test_ap(unsigned int tag)
{
	uint32_t a, b, c, d;
	if (hospes_options.smp_slow_ap < 0)
		return;
	cpuid(1, &a, &b, &c, &d);
	if ((int)(b >> 24) == hospes_options.smp_slow_ap)
		while (callin_offered(&ap_callin, tag))
			cpu_relax();
}

/* C entry of an AP, on its own stack, with the boot CPU's page tables. */
static __noreturn void ap_start(unsigned int tag)
{
	maybe_slow_test_ap(tag);
	if (!callin_claim(&ap_callin, tag)) { /* too late: the boot CPU gave us up */
		__atomic_fetch_add(&aps_parked, 1, __ATOMIC_RELEASE);
		halt_forever();
	}
	unsigned int cpu = tag & 0xffff;
	struct percpu *p = &percpu[cpu];
	write_cr3(hypervisor_pml4_maddr());
	write_cr4(ap_cr4); /* the boot CPU's, with its SMEP/SMAP (cpu_protect.c) */
	wrmsr(MSR_GS_BASE, (uint64_t)p);
	cpu_protect_check_cpu();
	gdt_init_cpu(cpu);
	idt_load();
	lapic_init_cpu();
	apic_timer_init_cpu();
	__atomic_fetch_add(&nr_cpus_online, 1, __ATOMIC_RELEASE);
	__atomic_store_n(&p->online, true, __ATOMIC_RELEASE);
	cpu_idle();
}

/* Block b's copy of the trampoline below 1 MiB, and a field of it. */
static paddr_t block_pa(unsigned int b)
{
	return TRAMPOLINE_PA + b * PAGE_SIZE;
}

static void *block_field(unsigned int b, const char *field)
{
	return (char *)maddr_to_virt(block_pa(b)) + (field - trampoline_start);
}

static uint64_t clock_ns(void)
{
	return now_ns();
}

/*
 * Wait until the AP claims its index (then until it is online), or give it
 * up; sent is when its INIT went out.  How long the claim took is kept
 * (smp_callin_ns) and a loss says how long it waited: on a loaded host
 * the margin is what a flaky boot needs to show.
 */
static enum ap_start_result wait_for_callin(unsigned int cpu, unsigned int tag, uint32_t apic_id,
					    uint64_t sent)
{
	uint64_t end = now_ns() + hospes_options.smp_ap_wait_ms * NSEC_PER_MSEC;
	if (callin_wait(&ap_callin, tag, clock_ns, end) == AP_LOST) {
		aps_lost++;
		printk(LOG_WARN
		       "smp: APIC id %u given up %lu us after its INIT (smp_ap_wait_ms=%u)\n",
		       apic_id, (unsigned long)((now_ns() - sent) / NSEC_PER_USEC),
		       hospes_options.smp_ap_wait_ms);
		return AP_LOST; /* its stack and GDT stay allocated: it may still use the stack */
	}
	callin_ns[cpu] = now_ns() - sent;
	while (!__atomic_load_n(&percpu[cpu].online, __ATOMIC_ACQUIRE))
		cpu_relax(); /* it claimed: it runs our code and is on its way */
	return AP_ONLINE;
}

static void trampoline_install(unsigned int block);

static enum ap_start_result start_ap(unsigned int cpu, uint32_t apic_id, unsigned int block)
{
	static unsigned int installed;
	if (block != installed) { /* the last block's AP was lost: a fresh copy */
		trampoline_install(block);
		installed = block;
	}
	struct percpu *p = &percpu[cpu];
	*p = (struct percpu){.self = p, .cpu_id = cpu, .apic_id = apic_id};
	mfn_t stack = frame_alloc(AP_STACK_ORDER);
	if (mfn_eq(stack, INVALID_MFN) || gdt_alloc_cpu(cpu)) {
		if (!mfn_eq(stack, INVALID_MFN))
			frame_free(stack, AP_STACK_ORDER);
		return AP_NOT_STARTED;
	}
	p->stack_top = (unsigned long)mfn_to_virt(stack) + BOOT_STACK_SIZE;
	struct trampoline_params *tp = block_field(block, trampoline_params);
	unsigned int tag = callin_tag(cpu, block);
	tp->stack = p->stack_top;
	tp->cpu = tag;
	callin_offer(&ap_callin, tag);
	uint64_t sent = now_ns();
	lapic_send_ipi(apic_id, APIC_DM_INIT | APIC_ICR_ASSERT | APIC_ICR_LEVEL);
	delay_ns(10 * NSEC_PER_MSEC);
	for (int i = 0; i < 2; i++) {
		lapic_send_ipi(apic_id, APIC_DM_STARTUP | (uint32_t)(block_pa(block) >> 12));
		delay_ns(200 * NSEC_PER_USEC);
	}
	return wait_for_callin(cpu, tag, apic_id, sent);
}

void smp_bringup_counts(unsigned int *lost, unsigned int *parked)
{
	*lost = aps_lost;
	*parked = __atomic_load_n(&aps_parked, __ATOMIC_ACQUIRE);
}

uint64_t smp_callin_ns(unsigned int cpu)
{
	return cpu < NR_CPUS ? callin_ns[cpu] : 0;
}

static paddr_t image_pa(const void *p)
{
	return (unsigned long)p - IMAGE_VIRT_OFFSET;
}

/* The APs' first page tables: hypervisor slots plus low 2 MiB identity. */
static paddr_t ap_tables(void)
{
	const uint64_t *hv = hypervisor_pml4();
	for (unsigned int s = 256; s < 512; s++)
		ap_pml4[s] = hv[s];
	ap_pml4[0] = image_pa(ap_l3) | LOW_TABLE;
	ap_l3[0] = image_pa(ap_l2) | LOW_TABLE;
	ap_l2[0] = 0 | LOW_2M;
	return image_pa(ap_pml4);
}

/* Block b's copy: the blob, its two linear addresses, the common parameters. */
static void trampoline_install(unsigned int b)
{
	memcpy(maddr_to_virt(block_pa(b)), trampoline_start,
	       (size_t)(trampoline_end - trampoline_start));
	uint32_t jmp = (uint32_t)(block_pa(b) + (size_t)(tr_long - trampoline_start));
	uint32_t gdt = (uint32_t)(block_pa(b) + (size_t)(tr_gdt - trampoline_start));
	memcpy(block_field(b, tr_long_addr), &jmp, sizeof(jmp)); /* unaligned fields */
	memcpy(block_field(b, tr_gdt_base), &gdt, sizeof(gdt));
	struct trampoline_params *tp = block_field(b, trampoline_params);
	ap_cr4 = read_cr4();
	tp->cr3 = ap_tables();
	tp->efer = rdmsr(MSR_EFER);
	tp->cr4 = ap_cr4 & ~CR4_PCIDE;
	tp->entry = (uint64_t)ap_start;
}

/* How many trampoline blocks the memory map says are RAM (block 0 always:
 * the boot path has used that page since the first session). */
static unsigned int usable_blocks(void)
{
	static struct phys_range ram[BOOT_MAX_MEM];
	unsigned int dropped, n = memmap_usable(&boot_info, NULL, 0, ram, BOOT_MAX_MEM, &dropped);
	unsigned int b = 1;
	for (; b < TRAMPOLINE_BLOCKS; b++) {
		bool in_ram = false;
		for (unsigned int i = 0; i < n && !in_ram; i++)
			in_ram = ram[i].start <= block_pa(b) &&
				 block_pa(b) + PAGE_SIZE <= ram[i].end;
		if (!in_ram)
			break;
	}
	return b;
}

void smp_init(void)
{
	uint32_t me = lapic_id();
	percpu[0].apic_id = me;
	percpu[0].online = true;
	irq_set_handler(VEC_CALL_FUNC, call_function_ipi);
	panic_stop_other_cpus = stop_other_cpus;
	trampoline_install(0);
	uint32_t ids[ACPI_MAX_CPUS];
	for (unsigned int i = 0; i < acpi_info.nr_cpus; i++)
		ids[i] = acpi_info.cpus[i].apic_id;
	cpu_bringup(ids, acpi_info.nr_cpus, me, x2apic_mode ? UINT32_MAX : 0xfe, NR_CPUS,
		    usable_blocks(), start_ap);
}
