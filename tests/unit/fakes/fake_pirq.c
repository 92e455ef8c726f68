/*
 * The arch side of PIRQs (hospes/pirq.h) for host tests: GSIs 1-23 exist
 * (0 and 2 are the hypervisor's), ISA lines are edge and GSIs 16 and up
 * level, and the IOAPIC is an array of masked / enabled flags tests read.
 */
#include <hospes/pirq.h>
#include <public/errno.h>

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
