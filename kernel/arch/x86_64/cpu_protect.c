/*
 * SMEP and SMAP: the CPU keeps the hypervisor out of guest pages.
 *
 * A PV guest runs in ring 3, kernel and user alike, so every page a guest
 * maps is a user page in its shadow tables, and every hypervisor page is a
 * supervisor page.  With CR4.SMEP the CPU refuses to fetch an instruction
 * from a user page at ring 0: a hypervisor bug that jumps through a guest
 * pointer faults instead of running guest code with the hypervisor's
 * rights.  With CR4.SMAP it also refuses ring-0 loads and stores to user
 * pages unless RFLAGS.AC is set: the few sanctioned direct moves through
 * the guest's own mapping (asm/guest_read.h, the iret fast path in
 * pv_entry.S) open a window with STAC and close it with CLAC, and any other
 * access through a stray guest pointer faults.  Every entry from a guest
 * clears AC (SYSCALL by MSR_FMASK, the exception and interrupt entries by
 * a CLAC), so a guest cannot open the window for us.
 *
 * Policy (as Xen): each is on when CPUID leaf 7 has it, unless the command
 * line says smep=0 / smap=0.  The boot CPU decides here, before the APs
 * start; the APs load its CR4 (kernel/arch/x86_64/smp.c), and each CPU
 * counts itself in cpu_protect_check_cpu so the log says on how many
 * CPUs each bit really is set.
 *
 * STAC and CLAC are #UD without SMAP, so every site listed in .smap_sites
 * is assembled as a NOP (asm/smap.h); when SMAP is turned on, the boot
 * CPU writes the instructions in here, before it sets CR4.SMAP, before
 * the APs start and before any guest runs (hospes/insn_patch.h); a site
 * that holds anything else stops the boot.  When SMAP stays off (no CPU
 * support, or smap=0) nothing is written, and an exception taken before
 * this point never meets a CLAC it cannot run.
 *
 * A ring-0 page fault at a guest (lower-half) address is classified by
 * cpu_protect_fault (called by do_trap's exception path): an instruction
 * fetch is always a hypervisor bug and panics with that said plainly; a
 * data access with SMAP on and AC clear is a missing STAC.  Without a
 * fix-up that is a hypervisor bug too (panic, named as such).  With one
 * it is a sanctioned move whose STAC is missing: the move fails, its
 * caller takes the software path (the result is still right), and the
 * fault is counted and logged with the site's symbol (the first few), so
 * a missing STAC shows as "SMAP: ... without STAC" lines in the log and a
 * non-zero smap_missing_stac_count(), never as a silent slowdown.
 */
#include <asm/cpu.h>
#include <asm/layout.h>
#include <asm/regs.h>
#include <asm/smap.h>
#include <asm/traps.h>
#include <hospes/arch.h>
#include <hospes/cmdline.h>
#include <hospes/cpu_protect.h>
#include <hospes/insn_patch.h>
#include <hospes/lib.h>
#include <hospes/percpu.h>
#include <hospes/printk.h>
#include <hospes/symbols.h>

#define CR4_SMEP       (1UL << 20)
#define CR4_SMAP       (1UL << 21)
#define CPUID7_SMEP    (1U << 7) /* CPUID.(7,0):EBX */
#define CPUID7_SMAP    (1U << 20)
#define PFEC_W	       0x02UL
#define PFEC_I	       0x10UL
#define GUEST_HALF_END 0x0000800000000000UL

extern struct hospes_options hospes_options;

static unsigned long protect_cr4; /* the bits every CPU sets; written once, at boot */
static unsigned int cpus_smep, cpus_smap;
static unsigned long missing_stac; /* fixed-up guest accesses made with AC clear */

extern const uint64_t __smap_sites_start[], __smap_sites_end[]; /* hospes.lds */
extern char __text_start[], __text_end[];

bool cpu_smep_on(void)
{
	return protect_cr4 & CR4_SMEP;
}

bool cpu_smap_on(void)
{
	return protect_cr4 & CR4_SMAP;
}

static uint32_t cpuid7_ebx(void)
{
	uint32_t a, b, c, d;

	cpuid(0, &a, &b, &c, &d);
	if (a < 7)
		return 0;
	cpuid_count(7, 0, &a, &b, &c, &d);
	return b;
}

static const char *why(bool has, bool wanted, unsigned long bit)
{
	if (!has)
		return "off (the CPU has none)";
	if (!wanted)
		return "off (command line)";
	return protect_cr4 & bit ? "on" : "off";
}

/* The hypervisor's text is mapped read-only: write through the direct map. */
static uint8_t *text_alias(uint64_t addr, void *ctx)
{
	if (addr < (uint64_t)__text_start || addr + INSN_SMAP_LEN > (uint64_t)__text_end)
		return NULL;
	return maddr_to_virt(addr - IMAGE_VIRT_OFFSET);
}

static void smap_sites_in(void)
{
	size_t n = (size_t)(__smap_sites_end - __smap_sites_start);
	uint64_t bad = 0;
	uint32_t a, b, c, d;
	int done = insn_patch_smap(__smap_sites_start, n, text_alias, NULL, &bad);

	if (done < 0)
		panic("cpu: the STAC/CLAC site at %#lx holds another instruction",
		      (unsigned long)bad);
	cpuid(0, &a, &b, &c, &d); /* serializing: the patched bytes are what runs next */
	printk("cpu: SMAP on: %d of %zu STAC/CLAC sites written in\n", done, n);
}

void cpu_protect_init(void)
{
	uint32_t ebx = cpuid7_ebx();
	bool smep = ebx & CPUID7_SMEP, smap = ebx & CPUID7_SMAP;

	if (smep && hospes_options.smep)
		protect_cr4 |= CR4_SMEP;
	if (smap && hospes_options.smap) {
		protect_cr4 |= CR4_SMAP;
		smap_sites_in(); /* before CR4.SMAP: nothing may run a NOP where a STAC must be */
	} else {
		printk("cpu: SMAP off: the %zu STAC/CLAC sites stay NOPs\n",
		       (size_t)(__smap_sites_end - __smap_sites_start));
	}
	write_cr4(read_cr4() | protect_cr4);
	cpu_protect_check_cpu();
	printk("cpu: SMEP %s, SMAP %s\n", why(smep, hospes_options.smep, CR4_SMEP),
	       why(smap, hospes_options.smap, CR4_SMAP));
}

void cpu_protect_check_cpu(void)
{
	unsigned long cr4 = read_cr4();

	if (cr4 & protect_cr4 & CR4_SMEP)
		__atomic_fetch_add(&cpus_smep, 1, __ATOMIC_RELAXED);
	if (cr4 & protect_cr4 & CR4_SMAP)
		__atomic_fetch_add(&cpus_smap, 1, __ATOMIC_RELAXED);
}

void cpu_protect_report(void)
{
	unsigned int smep = __atomic_load_n(&cpus_smep, __ATOMIC_RELAXED);
	unsigned int smap = __atomic_load_n(&cpus_smap, __ATOMIC_RELAXED);

	printk("cpu: SMEP on %u of %u CPUs, SMAP on %u of %u CPUs\n", smep, nr_cpus_online, smap,
	       nr_cpus_online);
	if ((cpu_smep_on() && smep != nr_cpus_online) || (cpu_smap_on() && smap != nr_cpus_online))
		panic("cpu: a CPU runs without the SMEP/SMAP the boot CPU chose");
}

void cpu_protect_fault(struct cpu_regs *r, unsigned long cr2, unsigned long fixup)
{
	if (cr2 >= GUEST_HALF_END)
		return; /* the hypervisor's own half: not a guest page */
	if (r->error_code & PFEC_I) {
		printk(LOG_ERR
		       "*** CPU%u: the hypervisor jumped to guest memory at %#lx (SMEP %s): "
		       "a hypervisor bug; the backtrace below shows the caller\n",
		       smp_processor_id(), cr2, cpu_smep_on() ? "stopped it" : "is off");
		fatal_exception(r, cr2);
	}
	if (!cpu_smap_on() || (r->rflags & RFLAGS_AC))
		return; /* SMAP off, or inside a STAC window: an ordinary fault */
	unsigned long off = 0;
	const char *fn = ksym_lookup(r->rip, &off);
	if (!fixup) {
		printk(LOG_ERR
		       "*** CPU%u: SMAP: the hypervisor %s guest memory at %#lx from %s+%#lx "
		       "outside a STAC window: a hypervisor bug\n",
		       smp_processor_id(), r->error_code & PFEC_W ? "wrote" : "read", cr2,
		       fn ? fn : "?", off);
		fatal_exception(r, cr2);
	}
	unsigned long n = __atomic_add_fetch(&missing_stac, 1, __ATOMIC_RELAXED);
	if (n <= 8)
		printk(LOG_ERR "SMAP: a guest access at %s+%#lx (address %#lx) ran without STAC; "
			       "it took the slow path (%lu so far)\n",
		       fn ? fn : "?", off, cr2, n);
}

unsigned long smap_missing_stac_count(void)
{
	return __atomic_load_n(&missing_stac, __ATOMIC_RELAXED);
}
