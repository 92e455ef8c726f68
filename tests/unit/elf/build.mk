UNIT_SRCS_elf := kernel/domain/elf.c
