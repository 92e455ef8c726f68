/*
 * The arch side of PIRQs (hospes/pirq.h) for host tests: GSIs 1-23 exist
 * (0 and 2 are the hypervisor's), ISA lines are edge and GSIs 16 and up
 * level, and the IOAPIC is an array of masked / enabled flags tests read.
 * PCI functions with an MSI capability are listed in fake_msi_devs[]; the
 * message each got (its slot) and its enable bit are kept for tests.
 */
#include <hospes/pirq.h>
#include <public/errno.h>
#include "fake_pirq.h"

bool fake_gsi_enabled[PIRQ_MAX_GSI], fake_gsi_masked[PIRQ_MAX_GSI];
unsigned int fake_pirq_setups;

int arch_gsi_resolve(unsigned int line, unsigned int *gsi, bool *level)
{
	if (line == 0 || line == 2 || line == 4)
		return -XEN_EBUSY;
	if (line > 23)
		return -XEN_EINVAL;
	*gsi = line;
	*level = line >= 16;
	return 0;
}

void arch_gsi_enable(unsigned int gsi, bool level)
{
	(void)level;
	fake_gsi_enabled[gsi] = true;
	fake_gsi_masked[gsi] = false;
}

void arch_gsi_mask(unsigned int gsi, bool masked)
{
	fake_gsi_masked[gsi] = masked;
}

void arch_pirq_setup(void)
{
	fake_pirq_setups++;
}

struct fake_msi_dev fake_msi_devs[FAKE_MSI_DEVS];

static struct fake_msi_dev *msi_dev(uint16_t sbdf)
{
	for (unsigned int i = 0; i < FAKE_MSI_DEVS; i++)
		if (fake_msi_devs[i].present && fake_msi_devs[i].sbdf == sbdf)
			return &fake_msi_devs[i];
	return NULL;
}

int arch_msi_setup(uint16_t sbdf, unsigned int slot)
{
	struct fake_msi_dev *f = msi_dev(sbdf);
	if (!f)
		return -XEN_ENODEV;
	f->slot = (int)slot;
	f->enabled = false;
	return 0;
}

void arch_msi_enable(uint16_t sbdf, bool on)
{
	struct fake_msi_dev *f = msi_dev(sbdf);
	if (f)
		f->enabled = on;
}

void arch_msi_teardown(uint16_t sbdf, unsigned int slot)
{
	struct fake_msi_dev *f = msi_dev(sbdf);
	if (f && f->slot == (int)slot) {
		f->slot = -1;
		f->enabled = false;
	}
}
