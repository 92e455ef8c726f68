UNIT_SRCS_timer := kernel/time/timer.c kernel/time/scale.c
