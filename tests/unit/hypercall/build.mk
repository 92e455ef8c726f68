UNIT_SRCS_hypercall := kernel/hypercall/table.c kernel/hypercall/console.c \
	kernel/console/input.c \
	kernel/hypercall/version.c kernel/hypercall/sched_op.c kernel/hypercall/vcpu_op.c \
	kernel/hypercall/traps.c kernel/domain/bounce.c
