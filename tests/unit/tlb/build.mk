# The TLB flush protocol itself: kernel/arch/x86_64/tlb.c on simulated CPUs
# (CR3, IPIs and the interrupt table are the test's; asm/ twins in fakes).
UNIT_SRCS_tlb := kernel/arch/x86_64/tlb.c kernel/core/percpu.c
