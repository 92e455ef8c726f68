/*
 * Host tests of the hypervisor command-line parser (kernel/lib/cmdline.c):
 * Xen's option syntax, defaults, and that bad words are warned about and
 * skipped without disturbing the others.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <hospes/cmdline.h>

static struct hospes_options o;

static unsigned int parse(const char *s)
{
	cmdline_defaults(&o);
	return cmdline_parse(s, &o);
}

static void test_defaults(void **state)
{
	assert_int_equal(parse(""), 0);
	assert_true(o.console_com1);
	assert_true(o.console_vga);
	assert_int_equal(o.com1.port, 0x3f8);
	assert_int_equal(o.com1.baud, 115200);
	assert_int_equal(o.com1.data_bits, 8);
	assert_int_equal(o.com1.parity, 'n');
	assert_int_equal(o.com1.stop_bits, 1);
	assert_int_equal(o.loglvl, LOGLVL_INFO);
	assert_int_equal(o.dom0_mem, 0);
	assert_false(o.noreboot);
	assert_false(o.dom0_vcpus_pin);
	assert_false(o.vga_keep);
	assert_string_equal(o.selftest, "");
	assert_int_equal(o.smp_ap_wait_ms, 1000);
	assert_int_equal(o.smp_slow_ap, -1);
}

static void test_smp_bringup_options(void **state)
{
	assert_int_equal(parse("smp_ap_wait_ms=20 smp_slow_ap=2"), 0);
	assert_int_equal(o.smp_ap_wait_ms, 20);
	assert_int_equal(o.smp_slow_ap, 2);
	assert_int_equal(parse("smp_ap_wait_ms=60001 smp_slow_ap=255 smp_slow_ap=x"), 3);
	assert_int_equal(o.smp_ap_wait_ms, 1000);
	assert_int_equal(o.smp_slow_ap, -1);
}

static void test_nmi_test_option(void **state)
{
	assert_int_equal(parse(""), 0);
	assert_int_equal(o.nmi_test_hz, 0);
	assert_int_equal(parse("nmi_test=20000"), 0);
	assert_int_equal(o.nmi_test_hz, 20000);
	assert_int_equal(parse("nmi_test=18 nmi_test=100001 nmi_test=1k nmi_test"), 4);
	assert_int_equal(o.nmi_test_hz, 0);
	assert_int_equal(parse("nmi_test=19"), 0);
	assert_int_equal(o.nmi_test_hz, 19);
}

static void test_time_epoch_option(void **state)
{
	assert_int_equal(parse(""), 0);
	assert_int_equal(o.time_epoch_ms, 1000); /* Xen's EPOCH */
	assert_int_equal(parse("time_epoch_ms=20"), 0);
	assert_int_equal(o.time_epoch_ms, 20);
	assert_int_equal(parse("time_epoch_ms=0"), 0); /* never */
	assert_int_equal(o.time_epoch_ms, 0);
	assert_int_equal(
		parse("time_epoch_ms=9 time_epoch_ms=60001 time_epoch_ms=1s time_epoch_ms"), 4);
	assert_int_equal(o.time_epoch_ms, 1000);
	assert_int_equal(parse("time_epoch_ms=10 time_epoch_ms=60000"), 0);
	assert_int_equal(o.time_epoch_ms, 60000);
	/* the platform timer, Xen's names */
	assert_int_equal(o.clocksource, CLOCKSOURCE_DEFAULT);
	assert_int_equal(parse("clocksource=acpi"), 0);
	assert_int_equal(o.clocksource, CLOCKSOURCE_ACPI);
	assert_int_equal(parse("clocksource=hpet"), 0);
	assert_int_equal(o.clocksource, CLOCKSOURCE_HPET);
	assert_int_equal(parse("clocksource=pit clocksource=tsc clocksource=acpix clocksource"), 4);
	assert_int_equal(o.clocksource, CLOCKSOURCE_DEFAULT);
}

static void test_smep_smap_options(void **state)
{
	assert_int_equal(parse(""), 0);
	assert_true(o.smep);
	assert_true(o.smap);
	assert_int_equal(parse("smep=0 smap=no"), 0);
	assert_false(o.smep);
	assert_false(o.smap);
	assert_int_equal(parse("smep=off smap=false smep=true smap=1"), 0);
	assert_true(o.smep);
	assert_true(o.smap);
	assert_int_equal(parse("smep=2 smap smap=yess smap=o"), 4); /* each ignored */
	assert_true(o.smep);
	assert_true(o.smap);
	assert_int_equal(parse("smap=off smap=on smep=no"), 0);
	assert_false(o.smep);
	assert_true(o.smap);
}

static void test_xen_line(void **state)
{
	assert_int_equal(parse("/boot/hospes console=com1 com1=38400,7e2,0x2f8 loglvl=debug "
			       "dom0_mem=256M dom0_max_vcpus=2 noreboot selftest=boot vga=keep "
			       "dom0_vcpus_pin"),
			 0);
	assert_true(o.vga_keep);
	assert_true(o.console_com1);
	assert_false(o.console_vga);
	assert_int_equal(o.com1.baud, 38400);
	assert_int_equal(o.com1.data_bits, 7);
	assert_int_equal(o.com1.parity, 'e');
	assert_int_equal(o.com1.stop_bits, 2);
	assert_int_equal(o.com1.port, 0x2f8);
	assert_int_equal(o.loglvl, LOGLVL_DEBUG);
	assert_int_equal(o.dom0_mem, 256UL << 20);
	assert_int_equal(o.dom0_max_vcpus, 2);
	assert_int_equal(o.dom0_min_vcpus, 1);
	assert_true(o.noreboot);
	assert_true(o.dom0_vcpus_pin);
	assert_string_equal(o.selftest, "boot");
}

static void test_sizes(void **state)
{
	uint64_t b;
	assert_true(parse_size("1G", 2, &b));
	assert_int_equal(b, 1UL << 30);
	assert_true(parse_size("512k", 4, &b));
	assert_int_equal(b, 512UL << 10);
	assert_true(parse_size("4096", 4, &b)); /* no suffix: KiB, as Xen */
	assert_int_equal(b, 4096UL << 10);
	assert_true(parse_size("100b", 4, &b));
	assert_int_equal(b, 100);
	assert_true(parse_size("2T", 2, &b));
	assert_int_equal(b, 2UL << 40);
	assert_false(parse_size("", 0, &b));
	assert_false(parse_size("M", 1, &b));
	assert_false(parse_size("12x", 3, &b));
	assert_false(parse_size("99999999999999999999G", 21, &b));
	assert_false(parse_size("17179869184G", 12, &b)); /* overflows 64 bits */

	assert_int_equal(parse("dom0_mem=min:128M,max:1G,512M"), 0);
	assert_int_equal(o.dom0_mem_min, 128UL << 20);
	assert_int_equal(o.dom0_mem_max, 1UL << 30);
	assert_int_equal(o.dom0_mem, 512UL << 20);
}

static void test_loglvl_forms(void **state)
{
	const char *names[] = {"none",	"error", "warning", "info",
			       "debug", "all",	 "5",	    "warning/debug"};
	const int want[] = {-1, 3, 4, 6, 7, 7, 5, 4};
	for (unsigned int i = 0; i < 8; i++) {
		char line[64] = "loglvl=";
		strcat(line, names[i]);
		assert_int_equal(parse(line), 0);
		assert_int_equal(o.loglvl, want[i]);
	}
	assert_int_equal(parse("loglvl=loud"), 1);
	assert_int_equal(o.loglvl, LOGLVL_INFO);
	assert_int_equal(parse("loglvl=8"), 1);
}

static void test_unknown_and_bad_values(void **state)
{
	assert_int_equal(parse("frobnicate=3 console=com1 bogus"), 2);
	assert_false(o.console_vga); /* the good word between them still counts */
	assert_int_equal(parse("dom0_mem=lots"), 1);
	assert_int_equal(o.dom0_mem, 0);
	assert_int_equal(parse("dom0_mem"), 1);	  /* needs a value */
	assert_int_equal(parse("com1=12345"), 1); /* not a divisor of 115200 */
	assert_int_equal(o.com1.baud, 115200);
	assert_int_equal(parse("com1=9600,9x1"), 1);
	assert_int_equal(o.com1.baud, 115200); /* the whole value is refused */
	assert_int_equal(parse("console=serial"), 1);
	assert_true(o.console_vga);
	assert_int_equal(parse("dom0_max_vcpus=0 dom0_max_vcpus=4-2 dom0_max_vcpus=x"), 3);
	assert_int_equal(parse("vga=gfx-1024x768"), 1);
	assert_false(o.vga_keep);
	assert_int_equal(parse("selftest="), 1);
	assert_int_equal(parse("selftest=a-name-much-longer-than-the-field-holds"), 1);
}

static void test_vcpu_range_and_spacing(void **state)
{
	assert_int_equal(parse("  dom0_max_vcpus=2-4\t\tconsole=none  "), 0);
	assert_int_equal(o.dom0_min_vcpus, 2);
	assert_int_equal(o.dom0_max_vcpus, 4);
	assert_false(o.console_com1);
	assert_false(o.console_vga);
	assert_int_equal(parse("com1=auto,8n1"), 0);
	assert_int_equal(o.com1.baud, 115200);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_xen_line),
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_loglvl_forms),
		cmocka_unit_test(test_unknown_and_bad_values),
		cmocka_unit_test(test_vcpu_range_and_spacing),
		cmocka_unit_test(test_smp_bringup_options),
		cmocka_unit_test(test_nmi_test_option),
		cmocka_unit_test(test_time_epoch_option),
		cmocka_unit_test(test_smep_smap_options),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
