/*
 * Loading Xen PV kernel images (ELF64 with Xen's ELF notes).
 *
 * xen_elf_parse() checks an image completely before anything is copied:
 * the ELF header, every program header, the Xen notes and the address
 * arithmetic of the PV boot protocol.  It fills a struct xen_elf_info that
 * the domain builder uses for the layout; on refusal it returns -EINVAL and
 * info->error names what is wrong.  xen_elf_load() then copies the segments
 * through a callback, so the same code serves the hypervisor's builder and
 * the host unit tests.
 *
 * Address rule (Xen libelf): segment VA = p_paddr + VIRT_BASE - PADDR_OFFSET;
 * VIRT_BASE defaults to 0, and pseudo-physical frame 0 sits at VIRT_BASE.
 */
#ifndef HOSPES_ELF_H
#define HOSPES_ELF_H

#include <hospes/types.h>

/* The ELF64 file format (System V ABI); only what the loader reads. */
struct elf64_ehdr {
	uint8_t e_ident[16];
	uint16_t e_type;
	uint16_t e_machine;
	uint32_t e_version;
	uint64_t e_entry;
	uint64_t e_phoff;
	uint64_t e_shoff;
	uint32_t e_flags;
	uint16_t e_ehsize;
	uint16_t e_phentsize;
	uint16_t e_phnum;
	uint16_t e_shentsize;
	uint16_t e_shnum;
	uint16_t e_shstrndx;
};

struct elf64_phdr {
	uint32_t p_type;
	uint32_t p_flags;
	uint64_t p_offset;
	uint64_t p_vaddr;
	uint64_t p_paddr;
	uint64_t p_filesz;
	uint64_t p_memsz;
	uint64_t p_align;
};

struct elf64_shdr {
	uint32_t sh_name;
	uint32_t sh_type;
	uint64_t sh_flags;
	uint64_t sh_addr;
	uint64_t sh_offset;
	uint64_t sh_size;
	uint32_t sh_link;
	uint32_t sh_info;
	uint64_t sh_addralign;
	uint64_t sh_entsize;
};

struct elf64_nhdr {
	uint32_t n_namesz;
	uint32_t n_descsz;
	uint32_t n_type;
};

#define ELFCLASS64  2
#define ELFDATA2LSB 1
#define EV_CURRENT  1
#define ET_EXEC	    2
#define ET_DYN	    3
#define EM_X86_64   62
#define PT_LOAD	    1
#define PT_NOTE	    4
#define SHT_NOTE    7

/* Loader limits (ours): keep every guest-supplied count and size small. */
#define ELF_MAX_PHDRS 64
#define ELF_MAX_SPAN  (1UL << 30) /* bytes from the lowest to the highest segment byte */
#define ELF_MAX_NOTES 65536	  /* as Xen's libelf */

struct xen_elf_info {
	uint64_t virt_base;   /* VIRT_BASE note, default 0 */
	uint64_t virt_offset; /* VA of a segment = p_paddr + virt_offset */
	uint64_t virt_kstart; /* first byte of the loaded image (VA) */
	uint64_t virt_kend;   /* one past its last byte (VA) */
	uint64_t entry;	      /* ENTRY note, default e_entry */
	uint64_t hypercall_page;
	bool has_hypercall_page;
	uint64_t init_p2m; /* INIT_P2M note (0 = none) */
	bool mod_start_pfn;
	uint32_t features_required; /* XENFEAT bits, submap 0 */
	uint32_t features_supported;
	bool has_supported_note;
	char guest_os[32];
	char loader[32];
	char xen_version[32];
	const char *error; /* why the image was refused */
};

int xen_elf_parse(const void *image, size_t size, bool dom0, struct xen_elf_info *info);

/* Copy len bytes from src (NULL = zeros) to guest VA va; 0 or a -XEN_E* code. */
typedef int (*elf_write_fn)(void *ctx, uint64_t va, const void *src, size_t len);
int xen_elf_load(const void *image, size_t size, const struct xen_elf_info *info,
		 elf_write_fn write, void *ctx);

#endif
