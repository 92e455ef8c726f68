/*
 * The module package handed to dom0 (Xen's SIF_MULTIBOOT_MOD format):
 * every boot module dom0's toolstack may use, in one initrd.  At the start
 * of the package, one struct xen_multiboot_mod_list per module and a
 * terminator with mod_start == 0; then the command lines; then the modules,
 * each at a page-aligned offset.  All addresses are offsets from the
 * package start, mod_end is inclusive.  Each command line starts with the
 * module's name (the basename of its file), so dom0 finds modules by name.
 * Pure layout arithmetic (kernel/domain/modpack.c), host-tested.
 */
#ifndef HOSPES_MODPACK_H
#define HOSPES_MODPACK_H

#include <hospes/types.h>

#define MODPACK_MAX	   32	/* modules per package */
#define MODPACK_HEADER_MAX 8192 /* descriptors and command lines */

struct modpack_piece {
	const void *data;
	size_t len;
	size_t offset; /* in the package */
};

/* A module: its bytes and its command line (name first, see modpack_cmdline). */
struct modpack_module {
	const void *data;
	size_t len;
	const char *cmdline;
};

/*
 * Lay out n modules: the descriptors and command lines go into header (cap
 * bytes), pieces[0] describes the header and pieces[1..n] the modules.
 * Returns the package size, or 0 if n or the header is too large.
 */
size_t modpack_layout(const struct modpack_module *m, unsigned int n, uint8_t *header, size_t cap,
		      struct modpack_piece *pieces);

/*
 * A package command line from a boot loader's module string: with
 * has_path (multiboot1: "path/to/file args") the first word becomes its
 * basename; otherwise (GRUB's module2, which passes only the arguments)
 * the string is taken as is, its first word being the name by convention.
 */
void modpack_cmdline(const char *raw, bool has_path, char *out, size_t cap);

#endif
