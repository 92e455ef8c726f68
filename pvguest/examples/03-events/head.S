/*
 * Stage 3 of the guest-kernel guide: the entry of stage 1, the trap entry
 * of stage 2, and one more entry point: the event upcall (vector -1).
 */
#include "../common/start.S"
#include "../common/trap_entry.S"

TRAP_NOERR event_callback, -1
