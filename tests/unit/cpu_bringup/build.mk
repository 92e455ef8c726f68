UNIT_SRCS_cpu_bringup := kernel/core/cpu_bringup.c
