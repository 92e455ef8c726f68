/*
 * dom0's hardware self-test (hwtest.c), run at start of day when dom0's
 * command line holds the word "hwtest": disk reads and writes with
 * checksums, an ARP exchange through the NIC.  One "hwtest: ok - ..." or
 * "hwtest: not ok - ..." line per check, for tests/scenarios/drivers.sh.
 */
#ifndef DRIVERS_HW_HWTEST_H
#define DRIVERS_HW_HWTEST_H

struct ahci_port;
struct e1000;

/* The i-th disk dom0 found, NULL past the last (drivers/hw/dom0.c). */
struct ahci_port *hw_disk(unsigned int i);
/* The NIC dom0 runs, or NULL. */
struct e1000 *hw_nic(void);

void hwtest_run_if_asked(void);

#endif
