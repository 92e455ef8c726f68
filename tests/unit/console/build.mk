UNIT_SRCS_console := pvguest/core/xencons.c drivers/back/console_core.c
