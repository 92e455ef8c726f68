# The privileged interface (domctl, sysctl, foreign memory_op and mmu_update)
# on the real domain, memory, event and grant code; guest memory is a fake
# window (env.c) instead of kernel/mm/guest_access.c.
UNIT_SRCS_priv := kernel/mm/frame_table.c kernel/mm/p2m.c kernel/mm/m2p.c kernel/mm/isolation.c \
	$(wildcard kernel/mm/shadow/*.c) kernel/sched/sched.c kernel/domain/domain.c \
	kernel/domain/vcpu.c kernel/domain/build.c kernel/domain/build_layout.c kernel/domain/elf.c \
	$(wildcard kernel/event/*.c) $(wildcard kernel/grant/*.c) kernel/console/log_ring.c \
	kernel/hypercall/domctl.c kernel/hypercall/sysctl.c kernel/hypercall/vcpu_op.c \
	kernel/hypercall/mmu.c kernel/hypercall/memory.c kernel/domain/modpack.c \
	kernel/domain/pirq.c kernel/domain/io_emul.c kernel/hypercall/physdev.c \
	kernel/hypercall/descriptor.c kernel/hypercall/event_channel.c
