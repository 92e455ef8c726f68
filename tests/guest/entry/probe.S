/*
 * entry_event_handler: the event callback; clears this vCPU's pending
 * state (entry_pending_word, entry_vcpu_info), counts in entry_upcalls,
 * and returns with the iret hypercall.  It changes no register but rcx
 * and r11 (in the bounce frame): tests/guest/lib/regs.inc.
 */
#include "../lib/regs.inc"

	.text
	EVENT_CALLBACK entry_event_handler, entry_pending_word, entry_vcpu_info, entry_upcalls
