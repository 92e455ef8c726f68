/*
 * Stage 4 of the guest-kernel guide: as stage 3, the entry, the trap entry
 * and the event upcall (vector -1).
 */
#include "../common/start.S"
#include "../common/trap_entry.S"

TRAP_NOERR event_callback, -1
