/*
 * Reading the SIF_MULTIBOOT_MOD package (see bootmod.h and the
 * hypervisor's hospes/modpack.h for the layout): descriptors of 16 bytes
 * at the start, ended by mod_start == 0; offsets relative to the package;
 * mod_end inclusive.  The package comes from the hypervisor, but every
 * descriptor is still checked against the package's length before use, so
 * a malformed one is skipped rather than read out of bounds.
 */
#include "bootmod.h"

#include <stdint.h>
#include <string.h>
#include <core/kernel.h>

/* Descriptor i, if it and everything it points at lies inside the package. */
static const struct xen_multiboot_mod_list *desc(const void *pkg, size_t pkg_len, unsigned int i)
{
	const struct xen_multiboot_mod_list *d = pkg;
	size_t off = ((size_t)i + 1) * sizeof(*d);

	if (!pkg || off > pkg_len)
		return NULL;
	d += i;
	if (d->mod_start == 0)
		return NULL; /* the terminator */
	if ((size_t)d->mod_end + 1 < d->mod_start || (size_t)d->mod_end >= pkg_len ||
	    d->cmdline >= pkg_len ||
	    !memchr((const char *)pkg + d->cmdline, 0, pkg_len - d->cmdline))
		return NULL;
	return d;
}

const void *bootmod_get_in(const void *pkg, size_t pkg_len, unsigned int i, size_t *len,
			   const char **cmdline)
{
	const struct xen_multiboot_mod_list *d = desc(pkg, pkg_len, i);

	if (!d)
		return NULL;
	if (len)
		*len = (size_t)d->mod_end + 1 - d->mod_start;
	if (cmdline)
		*cmdline = (const char *)pkg + d->cmdline;
	return (const uint8_t *)pkg + d->mod_start;
}

const void *bootmod_find_in(const void *pkg, size_t pkg_len, const char *name, size_t *len,
			    const char **args)
{
	size_t n = strlen(name);
	const char *cmd;
	const void *p;

	for (unsigned int i = 0; (p = bootmod_get_in(pkg, pkg_len, i, len, &cmd)); i++) {
		if (strncmp(cmd, name, n) || (cmd[n] && cmd[n] != ' '))
			continue;
		if (args) {
			cmd += n;
			while (*cmd == ' ')
				cmd++;
			*args = cmd;
		}
		return p;
	}
	return NULL;
}

static const void *package(size_t *pkg_len)
{
	if (!start_info || !(start_info->flags & SIF_MULTIBOOT_MOD) || !start_info->mod_start)
		return NULL;
	*pkg_len = start_info->mod_len;
	return (const void *)start_info->mod_start;
}

const void *bootmod_find(const char *name, size_t *len, const char **args)
{
	size_t pkg_len = 0;
	const void *pkg = package(&pkg_len);

	return pkg ? bootmod_find_in(pkg, pkg_len, name, len, args) : NULL;
}

const void *bootmod_get(unsigned int i, size_t *len, const char **cmdline)
{
	size_t pkg_len = 0;
	const void *pkg = package(&pkg_len);

	return pkg ? bootmod_get_in(pkg, pkg_len, i, len, cmdline) : NULL;
}
