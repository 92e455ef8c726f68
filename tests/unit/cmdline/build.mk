UNIT_SRCS_cmdline := kernel/lib/cmdline.c
