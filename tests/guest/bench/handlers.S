/*
 * The event callback of the benchmark: clear this vCPU's pending state
 * (the one bound port's word, the selector, the upcall flag), count, and
 * return with the iret hypercall (tests/guest/lib/regs.inc).
 */
#include "../lib/regs.inc"

	.text
	EVENT_CALLBACK bench_event_handler, bench_pending_word, bench_vcpu_info, bench_upcalls
