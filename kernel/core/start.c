/*
 * start_hospes: the hypervisor's day begins here.
 *
 * boot/multiboot2/head.S arrives in 64-bit mode on the early page tables
 * (identity 0-1 GiB, image slot, direct map 0-4 GiB) and calls us with the
 * loader's magic and the physical address of its information block.  Each
 * step below is one call, in dependency order:
 *
 *   per-CPU area               smp_processor_id() works (GS base)
 *   serial console (defaults)  so every later step can explain a failure
 *   boot information           copied out of the loader's memory
 *   command line               options; serial reprogrammed, loglvl set;
 *                              at least 32 MiB of RAM
 *   ACPI tables                read while the early tables still map them
 *   frame allocator            all free RAM below 4 GiB
 *   final page tables          W^X image, direct map of all RAM; RAM above 4 GiB freed
 *   screen console             when console=vga (the default)
 *   platform                   GDT/IDT, APICs, time, all CPUs online
 *   banner                     version, CPUs, RAM
 *   [F: build dom0, scheduler]
 *   self-test verdict or idle
 *
 * A boot that cannot go on (no multiboot loader, malformed information,
 * too little RAM) stops in boot_fail() with one line naming the cause.
 */
#include <asm/cpu.h>
#include <asm/page.h>
#include <asm/layout.h>
#include <hospes/arch.h>
#include <hospes/boot_info.h>
#include <hospes/cmdline.h>
#include <hospes/cpu_protect.h>
#include <hospes/console.h>
#include <hospes/console_input.h>
#include <hospes/dom0.h>
#include <hospes/frame.h>
#include <hospes/lib.h>
#include <hospes/mm.h>
#include <hospes/nmi.h>
#include <hospes/panic.h>
#include <hospes/platform.h>
#include <hospes/smp.h>

#define MIN_RAM_BYTES (32UL << 20)
#define EARLY_MAP_END (4UL << 30) /* the early direct map covers 0-4 GiB */

extern char __image_end[];

unsigned int nr_cpus_online = 1;
struct boot_info boot_info;
struct hospes_options hospes_options;

void start_hospes(uint32_t magic, uint32_t info_pa);

static __noreturn void boot_fail(const char *why)
{
	printk(LOG_ERR "Hospes: cannot boot: %s; halting.\n", why);
	if (hospes_options.selftest[0])
		hospes_exit_qemu(false);
	halt_forever();
}

static void serial_early(void)
{
	cmdline_defaults(&hospes_options);
	serial_init(&hospes_options.com1);
}

static const void *early_map(void *ctx, paddr_t pa, size_t len)
{
	if (pa + len < pa || pa + len > EARLY_MAP_END)
		return NULL;
	return maddr_to_virt(pa);
}

static paddr_t image_end_phys(void)
{
	return (paddr_t)((unsigned long)__image_end - IMAGE_VIRT_OFFSET);
}

static void boot_info_init(uint32_t magic, uint32_t info_pa)
{
	if (boot_info_parse(magic, info_pa, early_map, NULL, IMAGE_PHYS_START, image_end_phys(),
			    &boot_info))
		boot_fail(boot_info.error);
	if (boot_info.truncated)
		printk(LOG_WARN "boot: a list or string from the loader was cut to fit\n");
	printk("Hospes: multiboot%u from '%s', command line '%s'\n", boot_info.protocol,
	       boot_info.loader[0] ? boot_info.loader : "?", boot_info.cmdline);
	for (unsigned int i = 0; i < boot_info.nr_mem; i++)
		printk(LOG_DEBUG "  mem %#014lx-%#014lx type %u\n", boot_info.mem[i].start,
		       boot_info.mem[i].start + boot_info.mem[i].size - 1, boot_info.mem[i].type);
}

static void options_init(void)
{
	cmdline_parse(boot_info.cmdline, &hospes_options);
	console_set_loglevel(hospes_options.loglvl);
	serial_init(&hospes_options.com1);
	if (!hospes_options.console_com1)
		serial_disable();
	panic_set_exit_qemu(hospes_options.selftest[0] != '\0');
	if (boot_info_ram_bytes(&boot_info) < MIN_RAM_BYTES)
		boot_fail("too little RAM (Hospes needs at least 32 MiB)");
}

static void frames_init(void)
{
	frame_alloc_init(&boot_info, IMAGE_PHYS_START, image_end_phys());
}

static unsigned long frames_to_mib(unsigned long frames)
{
	return frames >> (20 - PAGE_SHIFT);
}

static void banner(void)
{
	uint64_t ram = boot_info_ram_bytes(&boot_info);
	printk("frames: %lu MiB free of %lu MiB RAM (the rest: firmware, first MiB, image, "
	       "modules, frame records)\n",
	       frames_to_mib(frame_free_count()), (unsigned long)(ram >> 20));
	printk("Hospes " HOSPES_VERSION ": %u CPU%s online, RAM %lu MiB, %lu MiB free\n",
	       nr_cpus_online, nr_cpus_online == 1 ? "" : "s", (unsigned long)(ram >> 20),
	       frames_to_mib(frame_free_count()));
}

static __noreturn void idle(void)
{
	for (;;)
		halt();
}

void start_hospes(uint32_t magic, uint32_t info_pa)
{
	platform_early_init();
	serial_early();
	boot_info_init(magic, info_pa);
	options_init();
	platform_firmware_init();
	frames_init();
	paging_init(&boot_info);
	arch_mm_init();
	cpu_protect_init(); /* before the APs start: they copy this CPU's CR4 */
	if (hospes_options.console_vga)
		screen_init(&boot_info);
	platform_init();
	serial_input_init();
	cpu_protect_report();
	banner();
	if (hospes_options.selftest[0] && strcmp(hospes_options.selftest, "guest") != 0)
		selftest_run(hospes_options.selftest);
	if (hospes_options.nmi_test_hz && !nmi_test_start(hospes_options.nmi_test_hz))
		boot_fail("nmi_test: no NMI source");
	if (!boot_info.nr_modules)
		boot_fail("no dom0 module (give dom0's image as the first module2 line in GRUB, "
			  "or with -initrd under QEMU)");
	guests_start(); /* dom0 from the first module, then the scheduler */
	if (hospes_options.selftest[0])
		boot_fail("selftest=guest: no guest could be started");
	idle();
}
