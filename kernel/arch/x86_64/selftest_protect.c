/*
 * selftest=protect, smep, smap: SMEP and SMAP (cpu_protect.c) seen working.
 *
 * A page of the hypervisor's own frames is mapped as a user page in the
 * lower (guest) half of the boot tables, where a guest's pages would be:
 *
 *   protect  every online CPU's CR4 has the bits the boot CPU chose; with
 *            SMAP on, a fixed-up load from the user page without STAC
 *            fails and is counted as a missing STAC, the guest-read move
 *            (STAC..CLAC) reads it, AC is clear after either; with SMAP
 *            off (its sites made NOPs) both loads work;
 *   smep     the hypervisor calls into the user page: a panic that names
 *            the jump into guest memory (the fail verdict);
 *   smap     a plain load from the user page (no fix-up): a panic that
 *            names the SMAP violation (the fail verdict).
 *
 * Runs before any guest exists, on the boot CPU's tables.
 */
#include <asm/cpu.h>
#include <asm/guest_read.h>
#include <asm/page.h>
#include <asm/smap.h>
#include <asm/smp.h>
#include <asm/traps.h>
#include <hospes/arch.h>
#include <hospes/cpu_protect.h>
#include <hospes/lib.h>
#include <hospes/mm.h>
#include <hospes/percpu.h>
#include <hospes/platform.h>
#include <hospes/printk.h>

#define USER_TEST_VA	0x0000000040000000UL /* lower half: where guest pages live */
#define USER_TEST_FLAGS (_PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED)
#define CR4_SMEP	(1UL << 20)
#define CR4_SMAP	(1UL << 21)

static unsigned long cr4_of[NR_CPUS];

static bool check(const char *what, bool ok)
{
	printk("selftest protect: %s: %s\n", what, ok ? "ok" : "FAILED");
	return ok;
}

/* A user page at USER_TEST_VA holding a `ret` and then the word 0x5a5a1234. */
static void map_user_page(void)
{
	mfn_t m = mm_alloc_frames(DOMID_XEN, FRAME_HYPERVISOR, 0);
	uint8_t *p;

	if (mfn_eq(m, INVALID_MFN))
		panic("selftest protect: no frame");
	p = mfn_to_virt(m);
	memset(p, 0, PAGE_SIZE);
	p[0] = 0xc3; /* ret */
	*(uint32_t *)(p + 64) = 0x5a5a1234;
	if (map_pages(USER_TEST_VA, m, 1, USER_TEST_FLAGS))
		panic("selftest protect: cannot map the user page");
}

static void record_cr4(void *data)
{
	cr4_of[smp_processor_id()] = read_cr4();
}

static bool test_cr4_every_cpu(void)
{
	unsigned long want = (cpu_smep_on() ? CR4_SMEP : 0) | (cpu_smap_on() ? CR4_SMAP : 0);
	bool ok = true;

	record_cr4(NULL);
	smp_call_function(record_cr4, NULL);
	for (unsigned int c = 0; c < NR_CPUS; c++) {
		if (!percpu[c].online)
			continue;
		printk("selftest protect: CPU%u CR4 %#lx: SMEP %s, SMAP %s\n", c, cr4_of[c],
		       cr4_of[c] & CR4_SMEP ? "on" : "off", cr4_of[c] & CR4_SMAP ? "on" : "off");
		ok &= (cr4_of[c] & (CR4_SMEP | CR4_SMAP)) == want;
	}
	return check("every online CPU has the SMEP/SMAP bits the boot CPU chose", ok);
}

static bool test_smap(unsigned long va)
{
	unsigned long before = smap_missing_stac_count();
	uint64_t v = 0;
	bool ok;

	if (!cpu_smap_on()) {
		ok = check("no SMAP: a bare load from a user page works",
			   selftest_probe_read(va, &v) && v == 0x5a5a1234);
		return check("no SMAP: the guest-read move (its STAC/CLAC made NOPs) works",
			     arch_read_guest_u32(va) == 0x5a5a1234) &&
		       ok;
	}
	ok = check("SMAP: a fixed-up load from a user page without STAC faults",
		   !selftest_probe_read(va, &v));
	ok &= check("SMAP: that fault is counted as a missing STAC",
		    smap_missing_stac_count() == before + 1);
	ok &= check("SMAP: the fix-up resumed with AC clear", !(read_rflags() & RFLAGS_AC));
	ok &= check("SMAP: the guest-read move (STAC..CLAC) reads the user page",
		    arch_read_guest_u32(va) == 0x5a5a1234);
	ok &= check("SMAP: AC is clear after the window", !(read_rflags() & RFLAGS_AC));
	return check("SMAP: no missing STAC counted for it",
		     smap_missing_stac_count() == before + 1) &&
	       ok;
}

void platform_selftest_protect(void)
{
	map_user_page();
	bool ok = test_cr4_every_cpu();
	ok &= test_smap(USER_TEST_VA + 64);
	if (!ok)
		panic("selftest protect: a check failed");
}

void platform_selftest_smep(void)
{
	map_user_page();
	printk("selftest smep: calling the user page at %#lx\n", USER_TEST_VA);
	((void (*)(void))USER_TEST_VA)();
	printk(LOG_ERR "selftest smep: the call returned (no SMEP)\n");
}

void platform_selftest_smap(void)
{
	map_user_page();
	printk("selftest smap: reading the user page at %#lx without STAC\n", USER_TEST_VA);
	(void)*(volatile uint32_t *)(USER_TEST_VA + 64);
	printk(LOG_ERR "selftest smap: the read did not fault (no SMAP)\n");
}
