UNIT_SRCS_spinlock :=
