/*
 * Host tests of dom0's start of day (kernel/domain/dom0.c): memory sizing
 * from dom0_mem=, the module command line, a dom0 built from the real test
 * guest placed in simulated memory as a multiboot module, the refusal when
 * no module was loaded, and the selftest verdict from dom0's shutdown.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <public/xen.h>
#include <hospes/arch.h>
#include <hospes/dom0.h>
#include <hospes/domain_ctl.h>
#include <hospes/frame.h>
#include <hospes/mm.h>
#include <hospes/pv.h>
#include <hospes/sched.h>
#include <public/errno.h>
#include <public/sched.h>

void fake_frame_init(void);

struct boot_info boot_info;
struct hospes_options hospes_options;
static int exits = -1;

void hospes_exit_qemu(bool pass)
{
	exits = pass;
}

void machine_poweroff(void)
{
	fail_msg("dom0's shutdown under selftest= must end QEMU, not power off");
	abort();
}

void machine_reboot(void)
{
	fail_msg("no reboot expected");
	abort();
}

#define MB (1UL << 20)

static void test_dom0_pages(void **state)
{
	struct hospes_options o = {0};
	assert_int_equal(dom0_pages(100000, &o), 64 * MB / 4096);
	assert_int_equal(dom0_pages(16000, &o), 16000 - 1000); /* the 1/16 reserve */
	o.dom0_mem = 32 * MB;
	assert_int_equal(dom0_pages(100000, &o), 32 * MB / 4096);
	o.dom0_mem_min = 48 * MB;
	assert_int_equal(dom0_pages(100000, &o), 48 * MB / 4096);
	o.dom0_mem = 512 * MB;
	o.dom0_mem_max = 128 * MB;
	assert_int_equal(dom0_pages(100000, &o), 128 * MB / 4096);
}

static void test_dom0_start(void **state)
{
	fake_mem_init(4096);
	fake_frame_init();
	assert_int_equal(frame_table_init(4096), 0);
	sched_init(1);
	memset(&boot_info, 0, sizeof(boot_info));
	memset(&hospes_options, 0, sizeof(hospes_options));
	hospes_options.dom0_mem = 8 * MB;
	assert_int_equal(dom0_start(&boot_info, &hospes_options), -XEN_EINVAL);
	/* the module: the test guest image, copied to frame 4000 (the allocator hands out low frames first) */
	FILE *f = fopen("build/guests/tg-hypercalls", "rb");
	assert_non_null(f);
	uint8_t *dst = mfn_to_virt(_mfn(4000));
	size_t n = fread(dst, 1, 64 * 4096, f);
	fclose(f);
	boot_info.nr_modules = 1;
	boot_info.modules[0] = (struct boot_module){.start = 4000UL << 12,
						    .end = (4000UL << 12) + n,
						    .cmdline = "/boot/tg-hypercalls loglvl=all"};
	strcpy(hospes_options.selftest, "guest");
	assert_int_equal(dom0_start(&boot_info, &hospes_options), 0);
	struct domain *d = domain_lookup(0);
	assert_non_null(d);
	assert_true(d->is_privileged);
	assert_int_equal(d->tot_pages, 8 * MB / 4096);
	assert_int_equal(d->vcpu[0]->sched->state, SCHED_QUEUED);
	assert_int_equal(d->vcpu[0]->arch->regs.rip, 0x2000);
	domain_shutdown(d, SHUTDOWN_poweroff);
	assert_int_equal(exits, 1);
	domain_destroy(d);
	fake_mem_fini();
}

int run_dom0_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dom0_pages),
		cmocka_unit_test(test_dom0_start),
	};
	return cmocka_run_group_tests_name("dom0", tests, NULL, NULL);
}
