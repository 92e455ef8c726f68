/*
 * The PV kernel image loader: ELF64 plus Xen's ELF notes.
 *
 * A guest image is untrusted input (a domU image comes from dom0's
 * toolstack, and even dom0's is only a file on a boot medium), so the parse
 * is a pure function of the bytes: every offset and size is checked against
 * the file before it is read, every sum is checked for overflow, and nothing
 * is copied until the whole image has been accepted (decode, then act).
 *
 * Rules applied, as Xen's libelf and dom0 builder apply them:
 *  - ELF64, little-endian, x86-64, at least one PT_LOAD; p_filesz <= p_memsz,
 *    file bytes inside the file, loaded ranges neither overlapping nor huge.
 *  - Xen notes (name "Xen") come from PT_NOTE segments (those at file offset 0
 *    are skipped); if there are none there, SHT_NOTE sections are scanned.
 *    An image without Xen notes is refused.
 *  - LOADER starts with "generic" or GUEST_OS with "linux"; XEN_VERSION
 *    starts with "xen-3.0"; PADDR_OFFSET only together with VIRT_BASE.
 *  - FEATURES: '|'-separated names, '!' marks required ones; a required name
 *    we do not know, or a required feature we do not offer, refuses the image.
 *  - VIRT_BASE <= image start <= entry <= image end; the hypercall page lies
 *    page-aligned inside the image; INIT_P2M outside it.
 *  - dom0: an image with a SUPPORTED_FEATURES note must declare "dom0".
 */
#include <hospes/elf.h>
#include <hospes/lib.h>
#include <public/errno.h>
#include <public/elfnote.h>
#include <public/features.h>

struct elf_file {
	const uint8_t *base;
	size_t size;
};

/* Is [off, off+len) inside the file?  (Overflow-safe.) */
static bool in_file(const struct elf_file *f, uint64_t off, uint64_t len)
{
	return off <= f->size && len <= f->size - off;
}

static int refuse(struct xen_elf_info *info, const char *why)
{
	info->error = why;
	printk(LOG_ERR "elf: image refused: %s\n", why);
	return -XEN_EINVAL;
}

static const struct elf64_phdr *phdr(const struct elf_file *f, unsigned int i)
{
	const struct elf64_ehdr *eh = (const void *)f->base;
	return (const void *)(f->base + eh->e_phoff + (uint64_t)i * sizeof(struct elf64_phdr));
}

static const char *check_ehdr(const struct elf_file *f)
{
	const struct elf64_ehdr *eh = (const void *)f->base;
	if (f->size < sizeof(*eh))
		return "file shorter than an ELF header";
	if (memcmp(eh->e_ident, "\177ELF", 4) != 0)
		return "no ELF magic";
	if (eh->e_ident[4] != ELFCLASS64)
		return "not a 64-bit ELF (ELF class)";
	if (eh->e_ident[5] != ELFDATA2LSB)
		return "not little-endian";
	if (eh->e_ident[6] != EV_CURRENT || eh->e_version != EV_CURRENT)
		return "unknown ELF version";
	if (eh->e_machine != EM_X86_64)
		return "machine is not x86-64";
	if (eh->e_type != ET_EXEC && eh->e_type != ET_DYN)
		return "not an executable (ELF type)";
	if (eh->e_phnum == 0 || eh->e_phnum > ELF_MAX_PHDRS)
		return "no program headers or too many";
	if (eh->e_phentsize != sizeof(struct elf64_phdr))
		return "program header size is wrong";
	if (!in_file(f, eh->e_phoff, (uint64_t)eh->e_phnum * sizeof(struct elf64_phdr)))
		return "program headers lie outside the file";
	if (eh->e_phoff % 8)
		return "program headers misaligned";
	return NULL;
}

/* Check the PT_LOAD segments and find the loaded paddr range [*pstart, *pend). */
static const char *check_segments(const struct elf_file *f, uint64_t *pstart, uint64_t *pend)
{
	const struct elf64_ehdr *eh = (const void *)f->base;
	unsigned int loads = 0;
	*pstart = UINT64_MAX;
	*pend = 0;
	for (unsigned int i = 0; i < eh->e_phnum; i++) {
		const struct elf64_phdr *ph = phdr(f, i);
		if (ph->p_type != PT_LOAD)
			continue;
		if (ph->p_filesz > ph->p_memsz)
			return "segment file size exceeds its memory size";
		if (!in_file(f, ph->p_offset, ph->p_filesz))
			return "segment lies outside the file";
		if (ph->p_memsz > ELF_MAX_SPAN || ph->p_paddr > UINT64_MAX - ph->p_memsz)
			return "segment is too large";
		for (unsigned int j = 0; j < i; j++) {
			const struct elf64_phdr *o = phdr(f, j);
			if (o->p_type == PT_LOAD && ph->p_paddr < o->p_paddr + o->p_memsz &&
			    o->p_paddr < ph->p_paddr + ph->p_memsz)
				return "segments overlap";
		}
		*pstart = MIN(*pstart, ph->p_paddr);
		*pend = MAX(*pend, ph->p_paddr + ph->p_memsz);
		loads++;
	}
	if (loads == 0)
		return "no loadable segment";
	if (*pend - *pstart > ELF_MAX_SPAN)
		return "image is too large";
	return NULL;
}

/* ---- Xen notes --------------------------------------------------------- */

struct xen_notes {
	unsigned int count;
	bool has_virt_base, has_paddr_offset, has_entry;
	uint64_t virt_base, paddr_offset, entry;
	const char *features; /* FEATURES string (inside the file) or NULL */
};

static const char *note_num(const uint8_t *desc, uint32_t sz, uint64_t *val)
{
	uint32_t v32;
	if (sz == 4) {
		memcpy(&v32, desc, 4); /* notes are only 4-byte aligned */
		*val = v32;
	} else if (sz == 8) {
		memcpy(val, desc, 8);
	} else {
		return "numeric Xen note has a size other than 4 or 8";
	}
	return NULL;
}

static const char *note_str(const uint8_t *desc, uint32_t sz, char *dst, size_t dstsz)
{
	if (sz == 0 || strnlen((const char *)desc, sz) == sz)
		return "string Xen note is not NUL-terminated";
	size_t n = MIN((size_t)sz, dstsz - 1);
	memcpy(dst, desc, n);
	dst[n] = '\0';
	return NULL;
}

static const char *take_note(uint32_t type, const uint8_t *desc, uint32_t sz, struct xen_notes *xn,
			     struct xen_elf_info *info)
{
	uint64_t v;
	const char *err = NULL;
	switch (type) {
	case XEN_ELFNOTE_ENTRY:
		err = note_num(desc, sz, &xn->entry);
		xn->has_entry = true;
		break;
	case XEN_ELFNOTE_HYPERCALL_PAGE:
		err = note_num(desc, sz, &info->hypercall_page);
		info->has_hypercall_page = true;
		break;
	case XEN_ELFNOTE_VIRT_BASE:
		err = note_num(desc, sz, &xn->virt_base);
		xn->has_virt_base = true;
		break;
	case XEN_ELFNOTE_PADDR_OFFSET:
		err = note_num(desc, sz, &xn->paddr_offset);
		xn->has_paddr_offset = true;
		break;
	case XEN_ELFNOTE_INIT_P2M:
		err = note_num(desc, sz, &info->init_p2m);
		break;
	case XEN_ELFNOTE_MOD_START_PFN:
		err = note_num(desc, sz, &v);
		info->mod_start_pfn = v != 0;
		break;
	case XEN_ELFNOTE_SUPPORTED_FEATURES:
		err = note_num(desc, sz, &v);
		info->features_supported |= (uint32_t)v;
		info->has_supported_note = true;
		break;
	case XEN_ELFNOTE_XEN_VERSION:
		err = note_str(desc, sz, info->xen_version, sizeof(info->xen_version));
		break;
	case XEN_ELFNOTE_GUEST_OS:
		err = note_str(desc, sz, info->guest_os, sizeof(info->guest_os));
		break;
	case XEN_ELFNOTE_LOADER:
		err = note_str(desc, sz, info->loader, sizeof(info->loader));
		break;
	case XEN_ELFNOTE_FEATURES:
		if (sz == 0 || strnlen((const char *)desc, sz) == sz)
			err = "string Xen note is not NUL-terminated";
		xn->features = (const char *)desc;
		break;
	default:
		break; /* unknown notes are ignored, as in Xen */
	}
	return err;
}

/* Walk the notes in [off, off+len) of the file; take the Xen ones. */
static const char *scan_notes(const struct elf_file *f, uint64_t off, uint64_t len,
			      struct xen_notes *xn, struct xen_elf_info *info)
{
	if (!in_file(f, off, len))
		return "note segment lies outside the file";
	uint64_t pos = 0;
	while (len - pos >= sizeof(struct elf64_nhdr)) {
		struct elf64_nhdr nh;
		memcpy(&nh, f->base + off + pos, sizeof(nh));
		uint64_t name_sz = ALIGN_UP((uint64_t)nh.n_namesz, 4);
		uint64_t desc_sz = ALIGN_UP((uint64_t)nh.n_descsz, 4);
		pos += sizeof(nh);
		if (name_sz > len - pos || desc_sz > len - pos - name_sz)
			return "ELF note runs past the end of its segment";
		const uint8_t *name = f->base + off + pos;
		const uint8_t *desc = name + name_sz;
		pos += name_sz + desc_sz;
		if (++xn->count > ELF_MAX_NOTES)
			return "too many ELF notes";
		if (nh.n_namesz != 4 || memcmp(name, "Xen", 4) != 0)
			continue;
		const char *err = take_note(nh.n_type, desc, nh.n_descsz, xn, info);
		if (err)
			return err;
	}
	return NULL;
}

static bool has_xen_notes(const struct xen_elf_info *info, const struct xen_notes *xn)
{
	return xn->has_entry || xn->has_virt_base || xn->has_paddr_offset ||
	       info->has_hypercall_page || info->xen_version[0] || info->guest_os[0] ||
	       info->loader[0] || xn->features || info->has_supported_note;
}

static const char *find_notes(const struct elf_file *f, struct xen_notes *xn,
			      struct xen_elf_info *info)
{
	const struct elf64_ehdr *eh = (const void *)f->base;
	for (unsigned int i = 0; i < eh->e_phnum; i++) {
		const struct elf64_phdr *ph = phdr(f, i);
		if (ph->p_type != PT_NOTE || ph->p_offset == 0)
			continue;
		const char *err = scan_notes(f, ph->p_offset, ph->p_filesz, xn, info);
		if (err)
			return err;
	}
	if (has_xen_notes(info, xn) || eh->e_shnum == 0)
		return NULL;
	if (eh->e_shentsize != sizeof(struct elf64_shdr) ||
	    !in_file(f, eh->e_shoff, (uint64_t)eh->e_shnum * sizeof(struct elf64_shdr)) ||
	    eh->e_shoff % 8)
		return "section headers lie outside the file";
	const struct elf64_shdr *sh = (const void *)(f->base + eh->e_shoff);
	for (unsigned int i = 0; i < eh->e_shnum; i++) {
		if (sh[i].sh_type != SHT_NOTE)
			continue;
		const char *err = scan_notes(f, sh[i].sh_offset, sh[i].sh_size, xn, info);
		if (err)
			return err;
	}
	return NULL;
}

/* ---- FEATURES ---------------------------------------------------------- */

static const struct {
	const char *name;
	unsigned int bit;
} feature_names[] = {
	{"writable_page_tables", XENFEAT_writable_page_tables},
	{"writable_descriptor_tables", XENFEAT_writable_descriptor_tables},
	{"auto_translated_physmap", XENFEAT_auto_translated_physmap},
	{"supervisor_mode_kernel", XENFEAT_supervisor_mode_kernel},
	{"pae_pgdir_above_4gb", XENFEAT_pae_pgdir_above_4gb},
	{"hvm_callback_vector", XENFEAT_hvm_callback_vector},
	{"dom0", XENFEAT_dom0},
};

/*
 * Features a PV guest may require of us: page-table writes are emulated
 * (writable_page_tables), the rest are harmless for 64-bit PV.  Translated
 * physmap, supervisor-mode kernels and HVM callbacks are not offered.
 */
#define ELF_FEATURES_OFFERED                                                                       \
	((1U << XENFEAT_writable_page_tables) | (1U << XENFEAT_writable_descriptor_tables) |       \
	 (1U << XENFEAT_pae_pgdir_above_4gb) | (1U << XENFEAT_dom0))

static const char *parse_features(const char *s, struct xen_elf_info *info)
{
	while (*s) {
		bool required = *s == '!';
		s += required;
		size_t n = 0;
		while (s[n] && s[n] != '|')
			n++;
		int bit = -1;
		for (size_t i = 0; i < ARRAY_SIZE(feature_names); i++)
			if (strlen(feature_names[i].name) == n &&
			    memcmp(feature_names[i].name, s, n) == 0)
				bit = (int)feature_names[i].bit;
		if (bit < 0 && required)
			return "a required feature is unknown";
		if (bit >= 0) {
			info->features_supported |= 1U << bit;
			if (required)
				info->features_required |= 1U << bit;
		}
		s += n + (s[n] == '|');
	}
	if (info->features_required & ~ELF_FEATURES_OFFERED)
		return "a required feature is not offered by this hypervisor";
	return NULL;
}

/* ---- the whole check --------------------------------------------------- */

static const char *check_notes(const struct xen_notes *xn, bool dom0, struct xen_elf_info *info)
{
	if (!has_xen_notes(info, xn))
		return "no Xen ELF notes";
	if (strncmp(info->loader, "generic", 7) != 0 && strncmp(info->guest_os, "linux", 5) != 0)
		return "neither LOADER \"generic\" nor GUEST_OS \"linux\"";
	if (strncmp(info->xen_version, "xen-3.0", 7) != 0)
		return "XEN_VERSION note missing or not \"xen-3.0\"";
	if (xn->has_paddr_offset && !xn->has_virt_base)
		return "PADDR_OFFSET note without VIRT_BASE";
	if (xn->features) {
		const char *err = parse_features(xn->features, info);
		if (err)
			return err;
	}
	if (dom0 && info->has_supported_note && !(info->features_supported & (1U << XENFEAT_dom0)))
		return "kernel does not declare the dom0 feature";
	return NULL;
}

static const char *check_addresses(const struct elf_file *f, const struct xen_notes *xn,
				   uint64_t pstart, uint64_t pend, struct xen_elf_info *info)
{
	const struct elf64_ehdr *eh = (const void *)f->base;
	info->virt_base = xn->has_virt_base ? xn->virt_base : 0;
	info->virt_offset = info->virt_base - (xn->has_paddr_offset ? xn->paddr_offset : 0);
	info->virt_kstart = pstart + info->virt_offset;
	info->virt_kend = pend + info->virt_offset;
	info->entry = xn->has_entry ? xn->entry : eh->e_entry;
	if (info->virt_kstart > info->virt_kend ||
	    info->virt_kend - info->virt_kstart != pend - pstart)
		return "image wraps around the address space";
	if (info->virt_kstart < info->virt_base)
		return "image starts below VIRT_BASE";
	if (info->virt_kstart % PAGE_SIZE)
		return "image does not start on a page boundary";
	if (info->entry < info->virt_kstart || info->entry >= info->virt_kend)
		return "entry point lies outside the image";
	if (info->has_hypercall_page &&
	    (info->hypercall_page % PAGE_SIZE || info->hypercall_page < info->virt_kstart ||
	     info->hypercall_page >= info->virt_kend ||
	     info->virt_kend - info->hypercall_page < PAGE_SIZE))
		return "hypercall page is not a page-aligned page inside the image";
	if (info->init_p2m && info->init_p2m >= info->virt_kstart &&
	    info->init_p2m < info->virt_kend)
		return "INIT_P2M address lies inside the image";
	return NULL;
}

int xen_elf_parse(const void *image, size_t size, bool dom0, struct xen_elf_info *info)
{
	struct elf_file f = {.base = image, .size = size};
	struct xen_notes xn = {0};
	uint64_t pstart, pend;
	const char *err;

	memset(info, 0, sizeof(*info));
	if ((uintptr_t)image % 8)
		return refuse(info, "image is not 8-byte aligned in memory");
	err = check_ehdr(&f);
	if (!err)
		err = check_segments(&f, &pstart, &pend);
	if (!err)
		err = find_notes(&f, &xn, info);
	if (!err)
		err = check_notes(&xn, dom0, info);
	if (!err)
		err = check_addresses(&f, &xn, pstart, pend, info);
	return err ? refuse(info, err) : 0;
}

int xen_elf_load(const void *image, size_t size, const struct xen_elf_info *info,
		 elf_write_fn write, void *ctx)
{
	struct elf_file f = {.base = image, .size = size};
	const struct elf64_ehdr *eh = image;
	for (unsigned int i = 0; i < eh->e_phnum; i++) {
		const struct elf64_phdr *ph = phdr(&f, i);
		if (ph->p_type != PT_LOAD)
			continue;
		uint64_t va = ph->p_paddr + info->virt_offset;
		int rc = write(ctx, va, f.base + ph->p_offset, ph->p_filesz);
		if (!rc && ph->p_memsz > ph->p_filesz)
			rc = write(ctx, va + ph->p_filesz, NULL, ph->p_memsz - ph->p_filesz);
		if (rc)
			return rc;
	}
	return 0;
}
