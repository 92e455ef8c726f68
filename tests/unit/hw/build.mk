UNIT_SRCS_hw := drivers/hw/pci.c drivers/hw/ahci.c drivers/hw/e1000.c drivers/hw/uart.c \
	drivers/hw/ps2.c drivers/hw/vga.c drivers/hw/acpi.c
