/* Host twin of asm/page.h for tests/unit/tlb (the test provides it). */
#ifndef FAKE_ASM_PAGE_H
#define FAKE_ASM_PAGE_H

#include <hospes/types.h>

paddr_t hypervisor_pml4_maddr(void);

#endif
