/*
 * The hardware drivers of dom0 (drivers/hw/) on the host, against fake
 * device models (fake_*.c): one cmocka group per driver.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include "tests.h"

int main(void)
{
	int failed = 0;
	failed += _cmocka_run_group_tests("pci", pci_tests, pci_ntests, NULL, NULL);
	failed += _cmocka_run_group_tests("ahci", ahci_tests, ahci_ntests, NULL, ahci_teardown);
	failed += _cmocka_run_group_tests("e1000", e1000_tests, e1000_ntests, NULL, e1000_teardown);
	failed += _cmocka_run_group_tests("uart", uart_tests, uart_ntests, NULL, NULL);
	failed += _cmocka_run_group_tests("ps2", ps2_tests, ps2_ntests, NULL, NULL);
	failed += _cmocka_run_group_tests("vga", vga_tests, vga_ntests, NULL, NULL);
	failed += _cmocka_run_group_tests("acpi", acpi_tests, acpi_ntests, NULL, NULL);
	failed += _cmocka_run_group_tests("wait", wait_tests, wait_ntests, NULL, NULL);
	return failed;
}
