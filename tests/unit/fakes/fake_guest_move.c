/*
 * State of the fake moves through the loaded tables (asm/guest_read.h's
 * host version): nothing loaded and every move faulting until a test's
 * harness says otherwise.
 */
#include <asm/guest_read.h>

paddr_t fake_loaded_cr3;
void *(*fake_guest_move)(unsigned long va, bool write);
unsigned long fake_guest_moves;
