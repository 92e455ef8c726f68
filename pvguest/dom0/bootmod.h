/*
 * dom0's boot modules: the files the boot loader loaded besides the
 * hypervisor and dom0's own kernel (guest images, rc scripts, configs).
 * The hypervisor hands them over as one SIF_MULTIBOOT_MOD package, dom0's
 * initrd (start_info.mod_start/mod_len); each module's command line starts
 * with its name (the basename of its file), then its arguments.
 */
#ifndef PVGUEST_DOM0_BOOTMOD_H
#define PVGUEST_DOM0_BOOTMOD_H

#include <stddef.h>

/*
 * The module called name: its bytes (the package stays mapped for dom0's
 * lifetime) and length, and in *args (if args) the rest of its command
 * line ("" when none).  NULL if there is no such module.
 */
const void *bootmod_find(const char *name, size_t *len, const char **args);

/* The i-th module (0-based) with its whole command line; NULL past the last. */
const void *bootmod_get(unsigned int i, size_t *len, const char **cmdline);

/* The same over an explicit package (what the two above use; host-tested). */
const void *bootmod_find_in(const void *pkg, size_t pkg_len, const char *name, size_t *len,
			    const char **args);
const void *bootmod_get_in(const void *pkg, size_t pkg_len, unsigned int i, size_t *len,
			   const char **cmdline);

#endif
