/*
 * SSE access for the SMP test (the test guests are built without SSE):
 * fill or read back xmm0-15 (256 bytes), tests/guest/lib/regs.inc.
 */
#include "../lib/regs.inc"

	.text
	XMM_LOAD_STORE smp_load_xmm, smp_store_xmm
