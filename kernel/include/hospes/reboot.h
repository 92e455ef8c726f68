/*
 * Ending the machine (kernel/arch/x86_64/reboot.c): reboot through the
 * ACPI reset register, the keyboard controller, then a triple fault
 * (the noreboot option halts instead); poweroff through ACPI S5.
 */
#ifndef HOSPES_REBOOT_H
#define HOSPES_REBOOT_H

#include <hospes/compiler.h>

__noreturn void machine_reboot(void);
__noreturn void machine_poweroff(void);

#endif
