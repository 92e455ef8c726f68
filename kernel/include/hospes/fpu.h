/*
 * A vCPU's FPU/SSE/AVX state (kernel/arch/x86_64/fpu.c does the switching).
 *
 * Each vCPU owns one save area inside struct arch_vcpu (pv.h): the XSAVE
 * standard format when the CPU has XSAVE, else the 512-byte FXSAVE image
 * (which is the first 512 bytes of the XSAVE format, so both share one
 * layout).  The hypervisor itself never uses FPU or SSE registers (it is
 * built -mgeneral-regs-only), so the registers belong to the vCPU that
 * runs on the CPU.
 *
 * fpu_state_init() writes the architectural reset state (FCW 0x37f,
 * MXCSR 0x1f80, everything else empty), or completes a guest's FXSAVE
 * image from VCPUOP_initialise (VGCF_i387_valid): MXCSR's reserved bits
 * are cleared so the restore cannot fault, and the XSAVE header says the
 * image holds x87 and SSE state (AVX starts in its initial state).  It is host-compiled (the hypercall tests
 * use it); fpu_set_guest_ts() is arch glue (host tests provide their own).
 */
#ifndef HOSPES_FPU_H
#define HOSPES_FPU_H

#include <hospes/lib.h>
#include <hospes/pv.h>

#define FPU_FCW_OFF	     0
#define FPU_MXCSR_OFF	     24
#define FPU_XSTATE_BV_OFF    512 /* XSAVE header: which components the image holds */
#define FPU_FCW_DEFAULT	     0x037f
#define FPU_MXCSR_DEFAULT    0x1f80
#define FPU_MXCSR_VALID_BITS 0xffbfU /* every CPU with SSE2 has these (no DAZ) */
#define FPU_XSTATE_X87_SSE   3ULL

/* The reset state, or (image) the FXSAVE image already copied to av->fpu. */
static inline void fpu_state_init(struct arch_vcpu *av, bool image)
{
	uint32_t mxcsr = FPU_MXCSR_DEFAULT;
	uint64_t bv = image ? FPU_XSTATE_X87_SSE : 0;
	if (image) {
		memcpy(&mxcsr, av->fpu + FPU_MXCSR_OFF, 4);
		mxcsr &= FPU_MXCSR_VALID_BITS;
	} else {
		uint16_t fcw = FPU_FCW_DEFAULT;
		memset(av->fpu, 0, 512);
		memcpy(av->fpu + FPU_FCW_OFF, &fcw, 2);
	}
	memcpy(av->fpu + FPU_MXCSR_OFF, &mxcsr, 4);
	memset(av->fpu + 512, 0, sizeof(av->fpu) - 512); /* XSAVE header and AVX state */
	memcpy(av->fpu + FPU_XSTATE_BV_OFF, &bv, 8);
}

/* fpu_taskswitch: set or clear v's virtual CR0.TS (v is the running vCPU). */
void fpu_set_guest_ts(struct vcpu *v, bool ts);

#endif
