UNIT_SRCS_mm_hypercall = $(MM_CORE_SRCS) tests/unit/shadow/harness.c kernel/hypercall/mmu.c \
	kernel/hypercall/memory.c kernel/hypercall/descriptor.c
