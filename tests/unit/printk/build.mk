UNIT_SRCS_printk := kernel/lib/vsnprintf.c kernel/console/log_ring.c
