/*
 * The SIF_MULTIBOOT_MOD package for dom0 (see hospes/modpack.h): only the
 * arithmetic and the header bytes.  The module contents are never copied
 * here: the builder writes each piece straight into dom0's memory at its
 * offset, so a package costs the hypervisor one header buffer.
 */
#include <hospes/lib.h>
#include <hospes/modpack.h>
#include <public/xen.h>

#define ROUND_PAGE(x) (((x) + PAGE_SIZE - 1) & ~(size_t)(PAGE_SIZE - 1))

size_t modpack_layout(const struct modpack_module *m, unsigned int n, uint8_t *header, size_t cap,
		      struct modpack_piece *pieces)
{
	struct xen_multiboot_mod_list *desc = (struct xen_multiboot_mod_list *)header;
	size_t pos = (n + 1) * sizeof(*desc), off;

	if (n > MODPACK_MAX || pos > cap)
		return 0;
	memset(header, 0, pos);
	for (unsigned int i = 0; i < n; i++) {
		size_t len = strlen(m[i].cmdline) + 1;
		if (len > cap - pos)
			return 0;
		memcpy(header + pos, m[i].cmdline, len);
		desc[i].cmdline = (uint32_t)pos;
		pos += len;
	}
	pieces[0] = (struct modpack_piece){header, pos, 0};
	off = ROUND_PAGE(pos);
	for (unsigned int i = 0; i < n; i++) {
		if (off + m[i].len >= (1UL << 32))
			return 0; /* the descriptors hold 32-bit offsets */
		desc[i].mod_start = (uint32_t)off;
		desc[i].mod_end = (uint32_t)(off + m[i].len - 1);
		pieces[i + 1] = (struct modpack_piece){m[i].data, m[i].len, off};
		off = ROUND_PAGE(off + m[i].len);
	}
	return off;
}

void modpack_cmdline(const char *raw, bool has_path, char *out, size_t cap)
{
	const char *name = raw, *word_end = raw, *args;
	size_t n = 0;

	if (!cap)
		return;
	if (has_path) {
		while (*word_end && *word_end != ' ')
			if (*word_end++ == '/')
				name = word_end;
		args = word_end;
		while (*args == ' ')
			args++;
		while (name < word_end && n + 1 < cap)
			out[n++] = *name++;
		if (*args && n + 1 < cap)
			out[n++] = ' ';
	} else {
		args = raw;
	}
	while (*args && n + 1 < cap)
		out[n++] = *args++;
	out[n] = 0;
}
