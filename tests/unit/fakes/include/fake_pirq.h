/* What the fake arch PIRQ layer (tests/unit/fakes/fake_pirq.c) lets tests
 * see and set up: the PCI functions that have an MSI capability. */
#ifndef FAKE_PIRQ_H
#define FAKE_PIRQ_H

#include <stdbool.h>
#include <stdint.h>

#define FAKE_MSI_DEVS 40

struct fake_msi_dev {
	bool present;  /* a function with an MSI capability */
	uint16_t sbdf; /* bus << 8 | devfn */
	int slot;      /* the slot whose vector its message names; -1: none */
	bool enabled;  /* its MSI enable bit */
};
extern struct fake_msi_dev fake_msi_devs[FAKE_MSI_DEVS];

#endif
