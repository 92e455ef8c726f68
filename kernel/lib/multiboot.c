/*
 * Multiboot1 and multiboot2 information -> struct boot_info.
 *
 * The loader's information block is input we did not write, so it is read
 * like a guest's: every length is checked before the bytes behind it are
 * touched, and parsing stops at the first inconsistency with a reason that
 * start_hospes prints before halting.
 *
 * Multiboot2 is one block: u32 total_size, u32 reserved, then tags, each
 * u32 type, u32 size (header included), 8-byte aligned, ending with a tag
 * of type 0 and size 8.  Multiboot1 is a fixed structure whose flags say
 * which fields are valid; the command line, module list and memory map are
 * elsewhere, behind physical pointers.
 *
 * Memory maps are copied as given (E820 types); the EFI memory map tag is
 * used only when no ordinary map came, with EFI types folded into E820
 * ones (boot-services memory is free after ExitBootServices).  Modules must
 * be non-empty ranges that overlap neither each other nor the hypervisor.
 */
#include <hospes/boot_info.h>
#include <hospes/lib.h>

enum {
	MB2_TAG_END = 0,
	MB2_TAG_CMDLINE = 1,
	MB2_TAG_LOADER = 2,
	MB2_TAG_MODULE = 3,
	MB2_TAG_MEMINFO = 4,
	MB2_TAG_MMAP = 6,
	MB2_TAG_FB = 8,
	MB2_TAG_ACPI_OLD = 14,
	MB2_TAG_ACPI_NEW = 15,
	MB2_TAG_EFI_MMAP = 17,
};

struct mb2_tag {
	uint32_t type, size;
};

struct mb2_mmap_entry {
	uint64_t base, len;
	uint32_t type, reserved;
};

struct efi_mem_desc {
	uint32_t type, pad;
	uint64_t phys, virt, pages, attr;
};

static int fail(struct boot_info *bi, const char *why)
{
	bi->error = why;
	return -1;
}

static void add_mem(struct boot_info *bi, uint64_t start, uint64_t size, uint32_t type)
{
	if (size == 0 || start >= BOOT_PHYS_LIMIT)
		return;
	if (size > BOOT_PHYS_LIMIT - start) /* keep ends representable */
		size = BOOT_PHYS_LIMIT - start;
	if (bi->nr_mem == BOOT_MAX_MEM) {
		bi->truncated = true;
		return;
	}
	if (type < BOOT_MEM_RAM || type > BOOT_MEM_BAD)
		type = BOOT_MEM_RESERVED;
	bi->mem[bi->nr_mem++] = (struct boot_mem_range){start, size, type};
}

/* Copy a string of at most srclen bytes that must end inside them. */
static int copy_str(char *dst, size_t dstlen, const char *src, size_t srclen, bool *truncated)
{
	size_t n = strnlen(src, srclen);
	if (n == srclen)
		return -1;
	if (n >= dstlen) {
		n = dstlen - 1;
		*truncated = true;
	}
	memcpy(dst, src, n);
	dst[n] = '\0';
	return 0;
}

/* Copy a NUL-terminated string at physical pa through the map callback. */
static int copy_phys_str(char *dst, size_t dstlen, paddr_t pa, boot_map_fn map, void *ctx,
			 bool *truncated)
{
	for (size_t i = 0;; i++) {
		const char *p = map(ctx, pa + i, 1);
		if (!p)
			return -1;
		if (i + 1 == dstlen) {
			dst[i] = '\0';
			*truncated |= *p != '\0';
			return 0;
		}
		dst[i] = *p;
		if (!*p)
			return 0;
	}
}

static int add_module(struct boot_info *bi, uint32_t start, uint32_t end)
{
	if (bi->nr_modules == BOOT_MAX_MODULES)
		return fail(bi, "more modules than the hypervisor accepts (32)");
	if (end <= start)
		return fail(bi, "a module has an empty or inverted address range");
	struct boot_module *m = &bi->modules[bi->nr_modules++];
	m->start = start;
	m->end = end;
	m->cmdline[0] = '\0';
	return 0;
}

/* EFI memory types folded into E820 types. */
static uint32_t efi_to_e820(uint32_t efi_type)
{
	switch (efi_type) {
	case 1: /* loader code */
	case 2: /* loader data */
	case 3: /* boot services code */
	case 4: /* boot services data */
	case 7: /* conventional */
		return BOOT_MEM_RAM;
	case 9:
		return BOOT_MEM_ACPI;
	case 10:
		return BOOT_MEM_NVS;
	case 8:
		return BOOT_MEM_BAD;
	default:
		return BOOT_MEM_RESERVED;
	}
}

static int mb2_mmap(struct boot_info *bi, const uint8_t *t, uint32_t size)
{
	if (size < 16)
		return fail(bi, "multiboot2 memory-map tag too short");
	uint32_t esize = *(const uint32_t *)(t + 8);
	if (esize < sizeof(struct mb2_mmap_entry) || esize % 8)
		return fail(bi, "multiboot2 memory-map entry size invalid");
	for (uint32_t off = 16; off + esize <= size; off += esize) {
		const struct mb2_mmap_entry *e = (const void *)(t + off);
		add_mem(bi, e->base, e->len, e->type);
	}
	return 0;
}

static int mb2_efi_mmap(struct boot_info *bi, const uint8_t *t, uint32_t size, bool *have_efi)
{
	if (size < 16)
		return fail(bi, "multiboot2 EFI memory-map tag too short");
	uint32_t dsize = *(const uint32_t *)(t + 8);
	if (dsize < sizeof(struct efi_mem_desc) || dsize % 8)
		return fail(bi, "multiboot2 EFI memory-map descriptor size invalid");
	*have_efi = true;
	if (bi->nr_mem) /* the E820-style map came first: it wins */
		return 0;
	for (uint32_t off = 16; off + dsize <= size; off += dsize) {
		const struct efi_mem_desc *d = (const void *)(t + off);
		if (d->pages >> 52)
			return fail(bi, "multiboot2 EFI memory-map descriptor too large");
		add_mem(bi, d->phys, d->pages << PAGE_SHIFT, efi_to_e820(d->type));
	}
	return 0;
}

static int mb2_fb(struct boot_info *bi, const uint8_t *t, uint32_t size)
{
	if (size < 31)
		return fail(bi, "multiboot2 framebuffer tag too short");
	struct boot_fb *fb = &bi->fb;
	memcpy(&fb->addr, t + 8, 8);
	memcpy(&fb->pitch, t + 16, 4);
	memcpy(&fb->width, t + 20, 4);
	memcpy(&fb->height, t + 24, 4);
	fb->bpp = t[28];
	fb->type = t[29];
	if (fb->type == BOOT_FB_RGB) {
		if (size < 38)
			return fail(bi, "multiboot2 RGB framebuffer tag too short");
		fb->red_pos = t[32], fb->red_size = t[33];
		fb->green_pos = t[34], fb->green_size = t[35];
		fb->blue_pos = t[36], fb->blue_size = t[37];
	}
	bi->has_fb = true;
	return 0;
}

static int mb2_acpi(struct boot_info *bi, const uint8_t *t, uint32_t size, unsigned int need)
{
	if (size < 8 + need)
		return fail(bi, "multiboot2 ACPI RSDP tag too short");
	if (bi->rsdp_len > need) /* keep the v2 copy if both came */
		return 0;
	memcpy(bi->rsdp, t + 8, need);
	bi->rsdp_len = need;
	return 0;
}

static int mb2_tag(struct boot_info *bi, const uint8_t *t, uint32_t type, uint32_t size,
		   bool *have_efi)
{
	const char *s = (const char *)t;
	switch (type) {
	case MB2_TAG_CMDLINE:
		if (copy_str(bi->cmdline, sizeof(bi->cmdline), s + 8, size - 8, &bi->truncated))
			return fail(bi, "multiboot2 command line not terminated inside its tag");
		return 0;
	case MB2_TAG_LOADER:
		if (copy_str(bi->loader, sizeof(bi->loader), s + 8, size - 8, &bi->truncated))
			return fail(bi, "multiboot2 loader name not terminated inside its tag");
		return 0;
	case MB2_TAG_MODULE:
		if (size < 17)
			return fail(bi, "multiboot2 module tag too short");
		if (add_module(bi, *(const uint32_t *)(t + 8), *(const uint32_t *)(t + 12)))
			return -1;
		if (copy_str(bi->modules[bi->nr_modules - 1].cmdline, BOOT_MOD_CMDLINE_MAX, s + 16,
			     size - 16, &bi->truncated))
			return fail(bi, "multiboot2 module string not terminated inside its tag");
		return 0;
	case MB2_TAG_MMAP:
		return mb2_mmap(bi, t, size);
	case MB2_TAG_EFI_MMAP:
		return mb2_efi_mmap(bi, t, size, have_efi);
	case MB2_TAG_FB:
		return mb2_fb(bi, t, size);
	case MB2_TAG_ACPI_OLD:
		return mb2_acpi(bi, t, size, 20);
	case MB2_TAG_ACPI_NEW:
		return mb2_acpi(bi, t, size, 36);
	default: /* basic meminfo, boot device, ELF sections, ...: not needed */
		return 0;
	}
}

static int parse_mb2(struct boot_info *bi, paddr_t pa, boot_map_fn map, void *ctx)
{
	if (pa & 7)
		return fail(bi, "multiboot2 information not 8-byte aligned");
	const uint32_t *hdr = map(ctx, pa, 8);
	if (!hdr)
		return fail(bi, "multiboot2 information not accessible");
	uint32_t total = hdr[0];
	if (total < 16 || total > BOOT_MB2_MAX_SIZE)
		return fail(bi, "multiboot2 information size invalid");
	const uint8_t *base = map(ctx, pa, total);
	if (!base)
		return fail(bi, "multiboot2 information not accessible");

	bool have_efi = false;
	for (uint32_t off = 8;;
	     off = ALIGN_UP(off + ((const struct mb2_tag *)(base + off))->size, 8)) {
		if (off + sizeof(struct mb2_tag) > total)
			return fail(bi, "multiboot2 tag list truncated (no end tag)");
		const struct mb2_tag *t = (const void *)(base + off);
		if (t->size < sizeof(struct mb2_tag) || t->size > total - off)
			return fail(bi, "multiboot2 tag size runs outside the information block");
		if (t->type == MB2_TAG_END)
			break;
		if (mb2_tag(bi, base + off, t->type, t->size, &have_efi))
			return -1;
	}
	if (!bi->nr_mem)
		return fail(bi, "multiboot2 information has no memory map");
	return 0;
}

/* Multiboot1: the fixed information structure (the fields we read). */
struct mb1_info {
	uint32_t flags;
	uint32_t mem_lower, mem_upper; /* KiB below 1 MiB / above 1 MiB */
	uint32_t boot_device;
	uint32_t cmdline;
	uint32_t mods_count, mods_addr;
	uint32_t syms[4];
	uint32_t mmap_length, mmap_addr;
	uint32_t drives_length, drives_addr;
	uint32_t config_table;
	uint32_t boot_loader_name;
	uint32_t apm_table;
	uint32_t vbe[4];
	uint64_t fb_addr;
	uint32_t fb_pitch, fb_width, fb_height;
	uint8_t fb_bpp, fb_type;
	uint8_t color[6];
} __packed;

#define MB1_FLAG_MEM	 (1u << 0)
#define MB1_FLAG_CMDLINE (1u << 2)
#define MB1_FLAG_MODS	 (1u << 3)
#define MB1_FLAG_MMAP	 (1u << 6)
#define MB1_FLAG_LOADER	 (1u << 9)
#define MB1_FLAG_FB	 (1u << 12)
#define MB1_MMAP_MAX	 (64 * 1024)

static int mb1_mmap(struct boot_info *bi, const struct mb1_info *mi, boot_map_fn map, void *ctx)
{
	if (mi->mmap_length > MB1_MMAP_MAX)
		return fail(bi, "multiboot1 memory map too long");
	const uint8_t *p = map(ctx, mi->mmap_addr, mi->mmap_length);
	if (!p)
		return fail(bi, "multiboot1 memory map not accessible");
	for (uint32_t off = 0; off < mi->mmap_length;) {
		if (mi->mmap_length - off < 24)
			return fail(bi, "multiboot1 memory-map entry truncated");
		uint32_t size;
		struct mb2_mmap_entry e; /* same base/len/type layout after the size */
		memcpy(&size, p + off, 4);
		if (size < 20 || size > mi->mmap_length - off - 4)
			return fail(bi, "multiboot1 memory-map entry size invalid");
		memcpy(&e, p + off + 4, 20);
		add_mem(bi, e.base, e.len, e.type);
		off += size + 4;
	}
	return 0;
}

static int mb1_modules(struct boot_info *bi, const struct mb1_info *mi, boot_map_fn map, void *ctx)
{
	if (mi->mods_count > BOOT_MAX_MODULES)
		return fail(bi, "more modules than the hypervisor accepts (32)");
	const uint32_t *mods = map(ctx, mi->mods_addr, mi->mods_count * 16);
	if (mi->mods_count && !mods)
		return fail(bi, "multiboot1 module list not accessible");
	for (uint32_t i = 0; i < mi->mods_count; i++) {
		const uint32_t *m = mods + 4 * i;
		if (add_module(bi, m[0], m[1]))
			return -1;
		if (m[2] && copy_phys_str(bi->modules[i].cmdline, BOOT_MOD_CMDLINE_MAX, m[2], map,
					  ctx, &bi->truncated))
			return fail(bi, "multiboot1 module string not accessible");
	}
	return 0;
}

static int parse_mb1(struct boot_info *bi, paddr_t pa, boot_map_fn map, void *ctx)
{
	const struct mb1_info *mi = map(ctx, pa, sizeof(*mi));
	if (!mi)
		return fail(bi, "multiboot1 information not accessible");
	if ((mi->flags & MB1_FLAG_CMDLINE) &&
	    copy_phys_str(bi->cmdline, sizeof(bi->cmdline), mi->cmdline, map, ctx, &bi->truncated))
		return fail(bi, "multiboot1 command line not accessible");
	if ((mi->flags & MB1_FLAG_LOADER) &&
	    copy_phys_str(bi->loader, sizeof(bi->loader), mi->boot_loader_name, map, ctx,
			  &bi->truncated))
		return fail(bi, "multiboot1 loader name not accessible");
	if ((mi->flags & MB1_FLAG_MODS) && mb1_modules(bi, mi, map, ctx))
		return -1;
	if (mi->flags & MB1_FLAG_MMAP) {
		if (mb1_mmap(bi, mi, map, ctx))
			return -1;
	} else if (mi->flags & MB1_FLAG_MEM) {
		add_mem(bi, 0, (uint64_t)mi->mem_lower << 10, BOOT_MEM_RAM);
		add_mem(bi, 1UL << 20, (uint64_t)mi->mem_upper << 10, BOOT_MEM_RAM);
	}
	if (mi->flags & MB1_FLAG_FB) {
		bi->has_fb = true;
		bi->fb = (struct boot_fb){mi->fb_addr,	mi->fb_pitch, mi->fb_width, mi->fb_height,
					  mi->fb_bpp,	mi->fb_type,  mi->color[0], mi->color[1],
					  mi->color[2], mi->color[3], mi->color[4], mi->color[5]};
	}
	if (!bi->nr_mem)
		return fail(bi, "multiboot1 information has no memory map");
	return 0;
}

static bool overlaps(paddr_t a0, paddr_t a1, paddr_t b0, paddr_t b1)
{
	return a0 < b1 && b0 < a1;
}

static int check_modules(struct boot_info *bi, paddr_t image_start, paddr_t image_end)
{
	for (unsigned int i = 0; i < bi->nr_modules; i++) {
		const struct boot_module *m = &bi->modules[i];
		if (overlaps(m->start, m->end, image_start, image_end))
			return fail(bi, "a module overlaps the hypervisor image");
		for (unsigned int j = 0; j < i; j++)
			if (overlaps(m->start, m->end, bi->modules[j].start, bi->modules[j].end))
				return fail(bi, "two modules overlap");
	}
	return 0;
}

int boot_info_parse(uint32_t magic, paddr_t info_pa, boot_map_fn map, void *ctx,
		    paddr_t image_start, paddr_t image_end, struct boot_info *bi)
{
	memset(bi, 0, sizeof(*bi));
	int rc;
	if (magic == MB2_BOOTLOADER_MAGIC) {
		bi->protocol = 2;
		rc = parse_mb2(bi, info_pa, map, ctx);
	} else if (magic == MB1_BOOTLOADER_MAGIC) {
		bi->protocol = 1;
		rc = parse_mb1(bi, info_pa, map, ctx);
	} else {
		return fail(bi, "not started by a multiboot loader (bad magic in EAX)");
	}
	if (rc)
		return rc;
	return check_modules(bi, image_start, image_end);
}

uint64_t boot_info_ram_bytes(const struct boot_info *bi)
{
	uint64_t sum = 0;
	for (unsigned int i = 0; i < bi->nr_mem; i++)
		if (bi->mem[i].type == BOOT_MEM_RAM)
			sum += bi->mem[i].size;
	return sum;
}
