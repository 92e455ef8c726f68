UNIT_SRCS_timecal := kernel/time/calibrate.c kernel/time/scale.c
