UNIT_SRCS_cpuid := kernel/domain/cpuid_policy.c kernel/domain/cpuid_emul.c
