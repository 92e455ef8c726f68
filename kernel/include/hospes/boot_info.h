/*
 * What the boot loader told us, in one loader-independent structure.
 *
 * kernel/lib/multiboot.c fills a struct boot_info from either a multiboot2
 * information block (GRUB, the ISO) or a multiboot1 one (QEMU -kernel with
 * the flat image).  Everything is copied out of the loader's memory, so
 * that memory may be reused as soon as parsing is done; only the modules
 * themselves stay where the loader put them (the frame allocator reserves
 * them).
 *
 * The parser trusts nothing: every tag and pointer is checked against the
 * block's size (multiboot2) or the map callback (multiboot1), and the first
 * problem found ends parsing with a one-line reason in error.
 */
#ifndef HOSPES_BOOT_INFO_H
#define HOSPES_BOOT_INFO_H

#include <hospes/types.h>

#define MB1_BOOTLOADER_MAGIC 0x2BADB002
#define MB2_BOOTLOADER_MAGIC 0x36d76289

#define BOOT_MAX_MEM	     256
#define BOOT_MAX_MODULES     32
#define BOOT_CMDLINE_MAX     1024
#define BOOT_MOD_CMDLINE_MAX 256
#define BOOT_LOADER_MAX	     64
#define BOOT_MB2_MAX_SIZE    (1UL << 20) /* a larger information block is refused */
#define BOOT_PHYS_LIMIT	     (1UL << 52) /* x86-64 physical addresses: map entries are cut here */

/* Memory types, numbered as in multiboot / the BIOS E820 map. */
enum boot_mem_type {
	BOOT_MEM_RAM = 1,
	BOOT_MEM_RESERVED = 2,
	BOOT_MEM_ACPI = 3, /* ACPI tables, reclaimable after parsing them */
	BOOT_MEM_NVS = 4,
	BOOT_MEM_BAD = 5,
};

struct boot_mem_range {
	paddr_t start;
	uint64_t size;
	uint32_t type;
};

struct boot_module {
	paddr_t start, end; /* [start, end) */
	char cmdline[BOOT_MOD_CMDLINE_MAX];
};

enum boot_fb_type {
	BOOT_FB_INDEXED = 0,
	BOOT_FB_RGB = 1,
	BOOT_FB_EGA_TEXT = 2,
};

struct boot_fb {
	paddr_t addr;
	uint32_t pitch, width, height; /* text modes: width/height in characters */
	uint8_t bpp, type;
	uint8_t red_pos, red_size, green_pos, green_size, blue_pos, blue_size;
};

struct boot_info {
	unsigned int protocol; /* 1 or 2 */
	char cmdline[BOOT_CMDLINE_MAX];
	char loader[BOOT_LOADER_MAX];
	unsigned int nr_mem;
	struct boot_mem_range mem[BOOT_MAX_MEM];
	unsigned int nr_modules;
	struct boot_module modules[BOOT_MAX_MODULES];
	uint8_t rsdp[36];      /* copy of the ACPI RSDP (v1: 20 bytes, v2: 36) */
	unsigned int rsdp_len; /* 0: the loader gave none (scan the BIOS areas) */
	bool has_fb;
	struct boot_fb fb;
	bool truncated;	   /* a string or list was cut to fit */
	const char *error; /* NULL, or why the information was refused */
};

/*
 * Loader memory access for the parser: a pointer to len bytes at physical
 * address pa, or NULL if that range is not accessible.
 */
typedef const void *(*boot_map_fn)(void *ctx, paddr_t pa, size_t len);

/*
 * Parse the information block at physical info_pa handed over with the
 * loader's magic.  image_start/image_end is the hypervisor's physical range
 * (modules must not overlap it).  Returns 0, or -1 with bi->error set.
 */
int boot_info_parse(uint32_t magic, paddr_t info_pa, boot_map_fn map, void *ctx,
		    paddr_t image_start, paddr_t image_end, struct boot_info *bi);

/* Sum of the RAM ranges, in bytes. */
uint64_t boot_info_ram_bytes(const struct boot_info *bi);

#endif
