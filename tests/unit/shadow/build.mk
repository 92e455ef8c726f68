MM_CORE_SRCS := kernel/mm/frame_table.c kernel/mm/p2m.c kernel/mm/m2p.c kernel/mm/isolation.c \
	kernel/mm/guest_access.c $(wildcard kernel/mm/shadow/*.c)
UNIT_SRCS_shadow := $(MM_CORE_SRCS)
