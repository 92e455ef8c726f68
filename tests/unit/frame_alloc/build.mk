UNIT_SRCS_frame_alloc := kernel/mm/buddy.c kernel/mm/memmap.c
