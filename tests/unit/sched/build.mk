UNIT_SRCS_sched := kernel/sched/sched.c
