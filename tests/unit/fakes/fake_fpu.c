/* Host stand-in for the FPU glue: only the virtual TS flag exists here. */
#include <hospes/fpu.h>

void fpu_set_guest_ts(struct vcpu *v, bool ts)
{
	v->arch->fpu_ts = ts;
}
