/*
 * ELF64 checks for program files (see elf.h).
 *
 * Everything in a file is untrusted: the header must say ELF64, little
 * endian, x86-64, ET_EXEC; the program header table must lie inside the
 * file; every PT_LOAD must have filesz <= memsz, its file bytes inside
 * the file, and its memory range inside [lo, hi) without wrapping; the
 * entry point must lie in one of them.  Sums are checked before they are
 * formed, so no overflow can pass a range check.  Other segment types
 * (notes, GNU_STACK) are ignored.
 */
#include "elf.h"
#include <errno.h>
#include <string.h>

#define PT_LOAD	  1
#define ET_EXEC	  2
#define EM_X86_64 62
#define EHDR_SIZE 64
#define PHDR_SIZE 56

struct ehdr {
	unsigned char ident[16];
	uint16_t type, machine;
	uint32_t version;
	uint64_t entry, phoff, shoff;
	uint32_t flags;
	uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct phdr {
	uint32_t type, flags;
	uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

static int check_seg(const struct phdr *p, size_t len, uint64_t lo, uint64_t hi)
{
	if (p->filesz > p->memsz || p->offset > len || p->filesz > len - p->offset)
		return -ENOEXEC;
	if (p->vaddr < lo || p->vaddr >= hi || p->memsz > hi - p->vaddr)
		return -EFAULT;
	return 0;
}

int elf_check(const void *file, size_t len, uint64_t lo, uint64_t hi, struct elf_image *out)
{
	struct ehdr h;
	if (len < EHDR_SIZE)
		return -ENOEXEC;
	memcpy(&h, file, sizeof(h));
	if (memcmp(h.ident, "\177ELF", 4) || h.ident[4] != 2 || h.ident[5] != 1 ||
	    h.type != ET_EXEC || h.machine != EM_X86_64 || h.phentsize != PHDR_SIZE ||
	    h.phoff > len || (uint64_t)h.phnum * PHDR_SIZE > len - h.phoff)
		return -ENOEXEC;
	*out = (struct elf_image){.entry = h.entry};
	int entry_ok = 0;
	for (unsigned int i = 0; i < h.phnum; i++) {
		struct phdr p;
		memcpy(&p, (const char *)file + h.phoff + i * PHDR_SIZE, sizeof(p));
		if (p.type != PT_LOAD || p.memsz == 0)
			continue;
		int rc = check_seg(&p, len, lo, hi);
		if (rc)
			return rc;
		if (out->nsegs == ELF_SEGS_MAX)
			return -ENOEXEC;
		out->seg[out->nsegs++] = (struct elf_seg){p.vaddr, p.memsz, p.offset, p.filesz};
		if (p.vaddr + p.memsz > out->end)
			out->end = p.vaddr + p.memsz;
		entry_ok |= h.entry >= p.vaddr && h.entry - p.vaddr < p.memsz;
	}
	return out->nsegs && entry_ok ? 0 : -ENOEXEC;
}
