/* Host twin of asm/apic.h for tests/unit/tlb (the test provides it). */
#ifndef FAKE_ASM_APIC_H
#define FAKE_ASM_APIC_H

void lapic_eoi(void);

#endif
