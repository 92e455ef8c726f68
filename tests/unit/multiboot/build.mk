UNIT_SRCS_multiboot := kernel/lib/multiboot.c
