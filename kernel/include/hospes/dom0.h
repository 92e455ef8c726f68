/*
 * Starting the driver domain (kernel/domain/dom0.c): dom0 is built by the
 * hypervisor from the first multiboot module, with dom0_mem= and
 * dom0_max_vcpus= from the hypervisor command line.
 */
#ifndef HOSPES_DOM0_H
#define HOSPES_DOM0_H

#include <hospes/boot_info.h>
#include <hospes/cmdline.h>

/* 0, or a negative XEN_E* code with the reason logged. */
int dom0_start(const struct boot_info *bi, const struct hospes_options *o);

/* dom0 pages for a machine with free_frames free and the options given. */
unsigned long dom0_pages(unsigned long free_frames, const struct hospes_options *o);

/* kernel/arch/x86_64/pv.c: build dom0 and run guests on this CPU (returns only on failure). */
void guests_start(void);

#endif
