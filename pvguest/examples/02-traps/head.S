/*
 * Stage 2 of the guest-kernel guide: the entry of stage 1 (common/start.S),
 * the trap entry (common/trap_entry.S), one stub per exception this stage
 * handles, and probe_read, a load whose page fault has a recovery point.
 */
#include "../common/start.S"
#include "../common/trap_entry.S"

TRAP_NOERR trap_divide_error, 0
TRAP_NOERR trap_int3, 3
TRAP_NOERR trap_invalid_op, 6
TRAP_ERR trap_gp, 13
TRAP_ERR trap_page_fault, 14

/* probe_read(va): the 8 bytes at va; if the load faults, the page-fault
 * handler resumes at probe_fault, which returns -1. */
	.globl probe_read, probe_read_load, probe_fault
probe_read:
probe_read_load:
	mov (%rdi), %rax
	ret
probe_fault:
	mov $-1, %rax
	ret
