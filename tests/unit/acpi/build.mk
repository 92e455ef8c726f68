UNIT_SRCS_acpi := kernel/lib/acpi_tables.c
