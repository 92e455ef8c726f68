/* FPU switching between vCPUs (kernel/arch/x86_64/fpu.c). */
#ifndef ASM_FPU_H
#define ASM_FPU_H

#include <hospes/domain.h>

void fpu_init_boot(void); /* boot CPU, once: choose XSAVE/XSAVEOPT/FXSAVE and XCR0 */
void fpu_init_cpu(void);  /* every CPU that runs vCPUs, after fpu_init_boot() */
void fpu_save(struct vcpu *v);
void fpu_restore(struct vcpu *v);
/* #NM from the running guest: true if it is the guest's own (virtual TS) and
 * must be bounced to it; either way the FPU is usable afterwards. */
bool fpu_device_not_available(struct vcpu *v);

#endif
