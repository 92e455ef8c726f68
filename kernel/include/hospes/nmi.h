/*
 * NMIs (kernel/arch/x86_64/nmi.c): counted per CPU, never bounced into a
 * guest, reported outside NMI context; and the nmi_test= stress source.
 */
#ifndef HOSPES_NMI_H
#define HOSPES_NMI_H

#include <hospes/compiler.h>
#include <hospes/types.h>

/* Print the unexplained NMIs counted since the last report (the NMI
 * handler cannot print); the timer interrupt calls it. */
void nmi_report_now(void);
extern volatile bool nmi_unreported;
static inline void nmi_report_pending(void)
{
	if (unlikely(nmi_unreported))
		nmi_report_now();
}

/* nmi_test=<hz>: start NMIs to every CPU at hz (false if impossible). */
bool nmi_test_start(unsigned int hz);
/* Stop them, print the counts per CPU; false if any NMI found another
 * CPU's percpu. */
bool nmi_test_report(void);

#endif
