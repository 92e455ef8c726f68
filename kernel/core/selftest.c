/*
 * Boot self-tests (selftest=<name> on the command line).
 *
 * Each test runs at the end of start of day, on the real machine (QEMU),
 * and reports through isa-debug-exit: hospes_exit_qemu(true) for pass; a
 * failure panics, and panic exits QEMU with the fail verdict whenever a
 * self-test was asked for.  tests/scenarios/boot.sh runs them.
 *
 *   boot    reaching here is the test
 *   frames  the frame allocator on real RAM: blocks of mixed orders are
 *           allocated until memory runs out, checked zeroed and distinct
 *           (each is stamped), freed, and the free count must come back
 *   panic   panics on purpose, two calls deep: the verdict must be fail
 *           and the log must show a backtrace naming these functions
 *   shadow  the shadow engine on the real MMU (kernel/arch/x86_64/mm_selftest.c)
 *   platform, fault, smp, poweroff, reboot: the machine layer's tests
 *           (kernel/arch/x86_64/selftest.c, tests/scenarios/platform.sh,
 *           tests/scenarios/smp-bringup.sh)
 */
#include <hospes/arch.h>
#include <hospes/frame.h>
#include <hospes/lib.h>
#include <hospes/mm.h>
#include <hospes/panic.h>
#include <hospes/platform.h>
#include <hospes/reboot.h>

#define STAMP 0x5ca1ab1e00000000UL

static mfn_t chain_head = {INVALID_MFN_RAW};

static void frames_fill(unsigned long *count)
{
	/* Blocks are chained through their first word; the second holds a stamp. */
	for (unsigned int i = 0;; i++) {
		unsigned int order = i % 4;
		mfn_t m = frame_alloc(order);
		if (mfn_eq(m, INVALID_MFN) && order)
			m = frame_alloc(order = 0);
		if (mfn_eq(m, INVALID_MFN))
			return;
		unsigned long *p = mfn_to_virt(m);
		for (unsigned long w = 0; w < (PAGE_SIZE << order) / sizeof(long); w += 512)
			if (p[w])
				panic("selftest frames: mfn %#lx not zeroed", mfn_x(m));
		p[0] = mfn_x(chain_head);
		p[1] = STAMP | (mfn_x(m) << 4) | order;
		chain_head = m;
		(*count)++;
	}
}

static void frames_drain(void)
{
	while (!mfn_eq(chain_head, INVALID_MFN)) {
		unsigned long *p = mfn_to_virt(chain_head);
		unsigned int order = p[1] & 15;
		if ((p[1] & ~0xfUL) != (STAMP | (mfn_x(chain_head) << 4)))
			panic("selftest frames: block %#lx overwritten", mfn_x(chain_head));
		mfn_t next = _mfn(p[0]);
		frame_free(chain_head, order);
		chain_head = next;
	}
}

static void selftest_frames(void)
{
	unsigned long before = frame_free_count(), blocks = 0;
	frames_fill(&blocks);
	if (frame_free_count() != 0)
		panic("selftest frames: %lu frames left after exhaustion", frame_free_count());
	frames_drain();
	if (frame_free_count() != before)
		panic("selftest frames: %lu frames free after, %lu before", frame_free_count(),
		      before);
	printk("selftest frames: %lu blocks allocated and freed, %lu frames free again\n", blocks,
	       before);
}

static __attribute__((noinline)) void selftest_panic_inner(void)
{
	panic("selftest panic: deliberate");
}

static __attribute__((noinline)) void selftest_panic(void)
{
	selftest_panic_inner();
	barrier();
}

struct selftest {
	const char *name;
	void (*run)(void);
};

static void selftest_boot(void)
{
}

static const struct selftest selftests[] = {
	{"boot", selftest_boot},
	{"frames", selftest_frames},
	{"panic", selftest_panic},
	{"platform", platform_selftest},
	{"fault", platform_selftest_fault},
	{"protect", platform_selftest_protect},
	{"smep", platform_selftest_smep},
	{"smap", platform_selftest_smap},
	{"smp", platform_selftest_smp},
	{"shadow", mm_selftest},
	{"poweroff", machine_poweroff},
	{"reboot", machine_reboot},
};

void selftest_run(const char *name)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(selftests); i++) {
		if (strcmp(name, selftests[i].name) == 0) {
			selftests[i].run();
			printk("selftest %s: PASS\n", name);
			hospes_exit_qemu(true);
		}
	}
	printk(LOG_ERR "selftest: unknown test '%s'\n", name);
	hospes_exit_qemu(false);
}
