/* The groups of the hardware-driver unit tests (main.c runs them all). */
#ifndef TESTS_UNIT_HW_TESTS_H
#define TESTS_UNIT_HW_TESTS_H

#include <errno.h>
#include <stddef.h>

struct CMUnitTest;
extern const struct CMUnitTest pci_tests[];
extern const size_t pci_ntests;
extern const struct CMUnitTest ahci_tests[];
extern const size_t ahci_ntests;
int ahci_teardown(void **state);
extern const struct CMUnitTest e1000_tests[];
extern const size_t e1000_ntests;
int e1000_teardown(void **state);
extern const struct CMUnitTest uart_tests[];
extern const size_t uart_ntests;
extern const struct CMUnitTest ps2_tests[];
extern const size_t ps2_ntests;
extern const struct CMUnitTest vga_tests[];
extern const size_t vga_ntests;
extern const struct CMUnitTest acpi_tests[];
extern const size_t acpi_ntests;
extern const struct CMUnitTest wait_tests[];
extern const size_t wait_ntests;

#endif
