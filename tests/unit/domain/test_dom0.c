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
#include <hospes/shadow.h>
#include <public/errno.h>
#include <public/sched.h>

void fake_frame_init(void);
uint8_t *guest_va(struct domain *d, uint64_t cr3_gfn, uint64_t va); /* test_build.c */

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
	/* two data modules for dom0's package around a domU the hypervisor builds itself */
	memcpy(mfn_to_virt(_mfn(3990)), "echo hi\npoweroff\n", 17);
	memcpy(mfn_to_virt(_mfn(3991)), "XYZ", 3);
	boot_info.protocol = 1;
	boot_info.nr_modules = 4;
	boot_info.modules[1] = (struct boot_module){
		.start = 3990UL << 12, .end = (3990UL << 12) + 17, .cmdline = "/tmp/x/rc-demo"};
	boot_info.modules[2] = boot_info.modules[0];
	strcpy(boot_info.modules[2].cmdline, "/boot/tg-hypercalls domU");
	boot_info.modules[3] = (struct boot_module){
		.start = 3991UL << 12, .end = (3991UL << 12) + 3, .cmdline = "data  a=1 b"};
	strcpy(hospes_options.selftest, "guest");
	assert_int_equal(dom0_start(&boot_info, &hospes_options), 0);
	struct domain *d = domain_lookup(0);
	assert_non_null(d);
	assert_true(d->is_privileged);
	assert_int_equal(d->tot_pages, 8 * MB / 4096);
	assert_int_equal(d->vcpu[0]->sched->state, SCHED_QUEUED);
	assert_int_equal(d->vcpu[0]->arch->regs.rip, 0x2000);
	/* dom0's start_info: a package of the two data modules, names first */
	uint64_t cr3 = gfn_x(shadow_guest_root(d->vcpu[0], false));
	struct start_info si;
	memcpy(&si, guest_va(d, cr3, d->vcpu[0]->arch->regs.rsi), sizeof(si));
	assert_true(si.flags & SIF_MULTIBOOT_MOD);
	struct xen_multiboot_mod_list ml[3];
	for (size_t i = 0; i < sizeof(ml); i++)
		((uint8_t *)ml)[i] = *guest_va(d, cr3, si.mod_start + i);
	assert_int_equal(ml[2].mod_start, 0);
	assert_int_equal(ml[0].mod_end - ml[0].mod_start + 1, 17);
	assert_int_equal(ml[1].mod_end - ml[1].mod_start + 1, 3);
	assert_int_equal(*guest_va(d, cr3, si.mod_start + ml[0].mod_start), 'e');
	assert_int_equal(*guest_va(d, cr3, si.mod_start + ml[1].mod_start + 2), 'Z');
	char name[16];
	for (size_t i = 0; i < sizeof(name); i++)
		name[i] = (char)*guest_va(d, cr3, si.mod_start + ml[0].cmdline + i);
	assert_string_equal(name, "rc-demo");
	for (size_t i = 0; i < sizeof(name); i++)
		name[i] = (char)*guest_va(d, cr3, si.mod_start + ml[1].cmdline + i);
	assert_string_equal(name, "data a=1 b");
	if (domain_lookup(1)) /* the domU (8 MiB: only if memory allowed) */
		domain_destroy(domain_lookup(1));
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
