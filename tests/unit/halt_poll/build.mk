UNIT_SRCS_halt_poll := kernel/sched/halt_poll.c kernel/sched/sched.c
