UNIT_SRCS_pv_mmu = $(MM_CORE_SRCS) tests/unit/shadow/harness.c
