UNIT_SRCS_domain := kernel/mm/frame_table.c kernel/mm/p2m.c kernel/mm/m2p.c kernel/mm/isolation.c \
	kernel/mm/guest_access.c $(wildcard kernel/mm/shadow/*.c) kernel/sched/sched.c \
	kernel/domain/domain.c kernel/domain/vcpu.c kernel/hypercall/descriptor.c
UNIT_SRCS_domain += kernel/domain/build.c kernel/domain/build_layout.c kernel/domain/elf.c \
	kernel/domain/dom0.c kernel/domain/modpack.c kernel/domain/pirq.c
UNIT_SRCS_domain += $(wildcard kernel/event/*.c) kernel/hypercall/event_channel.c
UNIT_SRCS_domain += $(wildcard kernel/grant/*.c)
