UNIT_SRCS_shadow_smp = $(MM_CORE_SRCS) tests/unit/shadow/harness.c
