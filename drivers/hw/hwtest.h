/*
 * dom0's hardware self-test (hwtest.c): disk reads and writes with
 * checksums, an ARP exchange through the NIC; one "hwtest: ok - ..." or
 * "hwtest: not ok - ..." line per check.  The shell command `hwtest`
 * runs it; so does dom0's start of day when its command line holds the
 * word "hwtest" ("hwtest=poweroff": then dom0 powers off if every check
 * passed and crashes otherwise, a verdict for tests/scenarios/drivers.sh).
 */
#ifndef DRIVERS_HW_HWTEST_H
#define DRIVERS_HW_HWTEST_H

struct e1000;
struct ahci_hba;

/* The NIC and the AHCI controller dom0 runs, or NULL. */
struct e1000 *hw_nic(void);
struct ahci_hba *hw_ahci(void);

/* Runs the checks; returns how many failed. */
unsigned int hwtest_run(void);
void hwtest_run_if_asked(void);

#endif
