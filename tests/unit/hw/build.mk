UNIT_SRCS_hw := drivers/hw/pci.c
