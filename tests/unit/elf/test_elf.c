/*
 * Host tests of the PV kernel image loader (kernel/domain/elf.c).
 *
 * make_image() writes a small valid Xen PV image into a buffer: ELF header,
 * a PT_LOAD segment (one page of code + bss), a PT_NOTE segment holding the
 * Xen notes a test asks for.  Each test then breaks one thing and checks the
 * loader refuses the image with the matching reason.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <stdlib.h>
#include <cmocka.h>
#include <hospes/elf.h>
#include <public/errno.h>
#include <public/elfnote.h>

#define BASE	 0x400000UL /* p_paddr of the segment (VIRT_BASE 0) */
#define SEG_OFF	 0x1000UL
#define SEG_FILE 0x2000UL
#define SEG_MEM	 0x3000UL
#define NOTE_OFF 0x200UL
#define IMG_SIZE (SEG_OFF + SEG_FILE)
#define HCALL_VA (BASE + 0x1000)
#define ENTRY_VA (BASE + 0x10)

static uint8_t img[IMG_SIZE] __attribute__((aligned(4096)));
static size_t note_len;

static struct elf64_ehdr *eh(void)
{
	return (struct elf64_ehdr *)img;
}

static struct elf64_phdr *ph(int i)
{
	return (struct elf64_phdr *)(img + sizeof(struct elf64_ehdr)) + i;
}

static void add_note(uint32_t type, const void *desc, uint32_t descsz)
{
	struct elf64_nhdr nh = {4, descsz, type};
	uint8_t *p = img + NOTE_OFF + note_len;
	memcpy(p, &nh, sizeof(nh));
	memcpy(p + sizeof(nh), "Xen", 4);
	memcpy(p + sizeof(nh) + 4, desc, descsz);
	note_len += sizeof(nh) + 4 + ((descsz + 3) & ~3U);
	ph(1)->p_filesz = note_len;
}

static void add_num(uint32_t type, uint64_t v)
{
	add_note(type, &v, 8);
}

static void add_str(uint32_t type, const char *s)
{
	add_note(type, s, strlen(s) + 1);
}

/* A valid image with the notes of a minimal test kernel; more can be added. */
static void make_bare(void)
{
	memset(img, 0, sizeof(img));
	note_len = 0;
	memcpy(eh()->e_ident, "\177ELF\2\1\1", 7);
	eh()->e_type = ET_EXEC;
	eh()->e_machine = EM_X86_64;
	eh()->e_version = EV_CURRENT;
	eh()->e_entry = ENTRY_VA;
	eh()->e_phoff = sizeof(struct elf64_ehdr);
	eh()->e_phentsize = sizeof(struct elf64_phdr);
	eh()->e_phnum = 2;
	*ph(0) = (struct elf64_phdr){.p_type = PT_LOAD,
				     .p_offset = SEG_OFF,
				     .p_vaddr = BASE,
				     .p_paddr = BASE,
				     .p_filesz = SEG_FILE,
				     .p_memsz = SEG_MEM};
	*ph(1) = (struct elf64_phdr){.p_type = PT_NOTE, .p_offset = NOTE_OFF};
	img[SEG_OFF + 0x10] = 0xf4;
}

static void make_image(void)
{
	make_bare();
	add_str(XEN_ELFNOTE_GUEST_OS, "HospesTest");
	add_str(XEN_ELFNOTE_LOADER, "generic");
	add_str(XEN_ELFNOTE_XEN_VERSION, "xen-3.0");
	add_num(XEN_ELFNOTE_HYPERCALL_PAGE, HCALL_VA);
}

static struct xen_elf_info info;

static void expect_refusal(const char *why)
{
	assert_int_equal(xen_elf_parse(img, IMG_SIZE, false, &info), -XEN_EINVAL);
	assert_non_null(info.error);
	assert_string_equal(info.error, why);
}

static void test_valid_image(void **state)
{
	make_image();
	assert_int_equal(xen_elf_parse(img, IMG_SIZE, false, &info), 0);
	assert_null(info.error);
	assert_int_equal(info.virt_base, 0);
	assert_int_equal(info.virt_kstart, BASE);
	assert_int_equal(info.virt_kend, BASE + SEG_MEM);
	assert_int_equal(info.entry, ENTRY_VA);
	assert_true(info.has_hypercall_page);
	assert_int_equal(info.hypercall_page, HCALL_VA);
	assert_string_equal(info.guest_os, "HospesTest");
}

static void test_virt_base_and_entry_note(void **state)
{
	make_image();
	add_num(XEN_ELFNOTE_VIRT_BASE, 0xffffffff80000000UL);
	add_num(XEN_ELFNOTE_PADDR_OFFSET, 0);
	add_num(XEN_ELFNOTE_ENTRY, 0xffffffff80000000UL + BASE + 0x20);
	/* hypercall page must now be given at its high VA */
	ph(1)->p_filesz = note_len;
	assert_int_equal(xen_elf_parse(img, IMG_SIZE, false, &info), -XEN_EINVAL);
	assert_string_equal(info.error,
			    "hypercall page is not a page-aligned page inside the image");
	make_bare();
	add_str(XEN_ELFNOTE_GUEST_OS, "linux");
	add_str(XEN_ELFNOTE_XEN_VERSION, "xen-3.0");
	add_num(XEN_ELFNOTE_VIRT_BASE, 0xffffffff80000000UL);
	add_num(XEN_ELFNOTE_ENTRY, 0xffffffff80000000UL + BASE + 0x20);
	assert_int_equal(xen_elf_parse(img, IMG_SIZE, false, &info), 0);
	assert_int_equal(info.virt_kstart, 0xffffffff80000000UL + BASE);
	assert_int_equal(info.entry, 0xffffffff80000000UL + BASE + 0x20);
	assert_false(info.has_hypercall_page);
}

static uint8_t dst[SEG_MEM];

static int write_dst(void *ctx, uint64_t va, const void *src, size_t len)
{
	assert_true(va >= BASE && va + len <= BASE + SEG_MEM);
	if (src)
		memcpy(dst + (va - BASE), src, len);
	else
		memset(dst + (va - BASE), 0, len);
	return 0;
}

static void test_load_copies_and_zero_fills(void **state)
{
	make_image();
	memset(dst, 0x55, sizeof(dst));
	assert_int_equal(xen_elf_parse(img, IMG_SIZE, false, &info), 0);
	assert_int_equal(xen_elf_load(img, IMG_SIZE, &info, write_dst, NULL), 0);
	assert_int_equal(dst[0x10], 0xf4);
	assert_int_equal(dst[SEG_FILE], 0);
	assert_int_equal(dst[SEG_MEM - 1], 0);
}

static void test_truncated(void **state)
{
	make_image();
	assert_int_equal(xen_elf_parse(img, 40, false, &info), -XEN_EINVAL);
	assert_string_equal(info.error, "file shorter than an ELF header");
	assert_int_equal(xen_elf_parse(img, 100, false, &info), -XEN_EINVAL);
	assert_string_equal(info.error, "program headers lie outside the file");
	assert_int_equal(xen_elf_parse(img, SEG_OFF + 10, false, &info), -XEN_EINVAL);
	assert_string_equal(info.error, "segment lies outside the file");
}

static void test_bad_header_fields(void **state)
{
	make_image();
	img[0] = 0;
	expect_refusal("no ELF magic");
	make_image();
	img[4] = 1;
	expect_refusal("not a 64-bit ELF (ELF class)");
	make_image();
	img[5] = 2;
	expect_refusal("not little-endian");
	make_image();
	eh()->e_machine = 3;
	expect_refusal("machine is not x86-64");
	make_image();
	eh()->e_type = 1;
	expect_refusal("not an executable (ELF type)");
	make_image();
	eh()->e_phnum = 0;
	expect_refusal("no program headers or too many");
	make_image();
	eh()->e_phnum = ELF_MAX_PHDRS + 1;
	expect_refusal("no program headers or too many");
	make_image();
	eh()->e_phentsize = 32;
	expect_refusal("program header size is wrong");
	make_image();
	eh()->e_phoff = UINT64_MAX - 8;
	expect_refusal("program headers lie outside the file");
}

static void test_bad_segments(void **state)
{
	make_image();
	ph(0)->p_filesz = SEG_MEM + 1;
	expect_refusal("segment file size exceeds its memory size");
	make_image();
	ph(0)->p_offset = UINT64_MAX - 4;
	expect_refusal("segment lies outside the file");
	make_image();
	ph(0)->p_memsz = ELF_MAX_SPAN + 1;
	expect_refusal("segment is too large");
	make_image();
	ph(0)->p_paddr = UINT64_MAX - 0x100;
	expect_refusal("segment is too large");
	make_image();
	ph(1)->p_type = PT_LOAD;
	ph(1)->p_paddr = BASE + 0x800;
	ph(1)->p_memsz = 0x100;
	ph(1)->p_filesz = 0;
	expect_refusal("segments overlap");
	make_image();
	ph(1)->p_type = PT_LOAD;
	ph(1)->p_paddr = BASE + ELF_MAX_SPAN;
	ph(1)->p_memsz = 0x1000;
	ph(1)->p_filesz = 0;
	expect_refusal("image is too large");
	make_image();
	ph(0)->p_type = 6;
	expect_refusal("no loadable segment");
}

static void test_entry_outside(void **state)
{
	make_image();
	eh()->e_entry = BASE - 1;
	expect_refusal("entry point lies outside the image");
	make_image();
	eh()->e_entry = BASE + SEG_MEM;
	expect_refusal("entry point lies outside the image");
}

static void test_missing_notes(void **state)
{
	make_bare();
	expect_refusal("no Xen ELF notes");
	make_bare();
	add_str(XEN_ELFNOTE_GUEST_OS, "Other");
	add_str(XEN_ELFNOTE_XEN_VERSION, "xen-3.0");
	expect_refusal("neither LOADER \"generic\" nor GUEST_OS \"linux\"");
	make_bare();
	add_str(XEN_ELFNOTE_LOADER, "generic");
	expect_refusal("XEN_VERSION note missing or not \"xen-3.0\"");
	make_bare();
	add_str(XEN_ELFNOTE_LOADER, "generic");
	add_str(XEN_ELFNOTE_XEN_VERSION, "xen-2.0");
	expect_refusal("XEN_VERSION note missing or not \"xen-3.0\"");
}

static void test_invalid_notes(void **state)
{
	make_image();
	add_num(XEN_ELFNOTE_PADDR_OFFSET, 0);
	expect_refusal("PADDR_OFFSET note without VIRT_BASE");
	make_image();
	add_note(XEN_ELFNOTE_ENTRY, "\1\2", 2);
	expect_refusal("numeric Xen note has a size other than 4 or 8");
	make_image();
	add_note(XEN_ELFNOTE_GUEST_OS, "abcd", 4);
	expect_refusal("string Xen note is not NUL-terminated");
	make_image();
	ph(1)->p_filesz = note_len + 12;
	memset(img + NOTE_OFF + note_len, 0xff, 12);
	expect_refusal("ELF note runs past the end of its segment");
	make_image();
	((struct elf64_nhdr *)(img + NOTE_OFF))->n_descsz = 0x7fffffff;
	expect_refusal("ELF note runs past the end of its segment");
	make_image();
	ph(1)->p_offset = IMG_SIZE;
	expect_refusal("note segment lies outside the file");
	make_image();
	add_num(XEN_ELFNOTE_HYPERCALL_PAGE, HCALL_VA + 8);
	expect_refusal("hypercall page is not a page-aligned page inside the image");
	make_image();
	add_num(XEN_ELFNOTE_HYPERCALL_PAGE, BASE + SEG_MEM);
	expect_refusal("hypercall page is not a page-aligned page inside the image");
	make_image();
	add_num(XEN_ELFNOTE_INIT_P2M, BASE + 0x2000);
	expect_refusal("INIT_P2M address lies inside the image");
	make_image();
	add_num(XEN_ELFNOTE_VIRT_BASE, 0x1000000);
	add_num(XEN_ELFNOTE_PADDR_OFFSET, BASE + 0x1000);
	expect_refusal("image starts below VIRT_BASE");
}

static void test_features(void **state)
{
	make_image();
	add_str(XEN_ELFNOTE_FEATURES, "!writable_page_tables|pae_pgdir_above_4gb|fancy");
	assert_int_equal(xen_elf_parse(img, IMG_SIZE, false, &info), 0);
	assert_int_equal(info.features_required, 1);
	assert_int_equal(info.features_supported, 1 | (1 << 4));
	make_image();
	add_str(XEN_ELFNOTE_FEATURES, "!fancy");
	expect_refusal("a required feature is unknown");
	make_image();
	add_str(XEN_ELFNOTE_FEATURES, "!supervisor_mode_kernel");
	expect_refusal("a required feature is not offered by this hypervisor");
	make_image();
	add_str(XEN_ELFNOTE_FEATURES, "!auto_translated_physmap");
	expect_refusal("a required feature is not offered by this hypervisor");
}

static void test_dom0_feature(void **state)
{
	make_image();
	assert_int_equal(xen_elf_parse(img, IMG_SIZE, true, &info), 0);
	add_num(XEN_ELFNOTE_SUPPORTED_FEATURES, 1);
	assert_int_equal(xen_elf_parse(img, IMG_SIZE, false, &info), 0);
	assert_int_equal(xen_elf_parse(img, IMG_SIZE, true, &info), -XEN_EINVAL);
	assert_string_equal(info.error, "kernel does not declare the dom0 feature");
	add_num(XEN_ELFNOTE_SUPPORTED_FEATURES, 1 << 11);
	assert_int_equal(xen_elf_parse(img, IMG_SIZE, true, &info), 0);
}

static void test_section_notes_fallback(void **state)
{
	/* Notes only reachable through a SHT_NOTE section. */
	static struct elf64_shdr sh[2];
	make_image();
	ph(1)->p_type = 0;
	memset(sh, 0, sizeof(sh));
	sh[1].sh_type = SHT_NOTE;
	sh[1].sh_offset = NOTE_OFF;
	sh[1].sh_size = note_len;
	memcpy(img + 0x800, sh, sizeof(sh));
	eh()->e_shoff = 0x800;
	eh()->e_shnum = 2;
	eh()->e_shentsize = sizeof(struct elf64_shdr);
	assert_int_equal(xen_elf_parse(img, IMG_SIZE, false, &info), 0);
	assert_int_equal(info.hypercall_page, HCALL_VA);
	eh()->e_shoff = IMG_SIZE;
	expect_refusal("section headers lie outside the file");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_image),
		cmocka_unit_test(test_virt_base_and_entry_note),
		cmocka_unit_test(test_load_copies_and_zero_fills),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_bad_header_fields),
		cmocka_unit_test(test_bad_segments),
		cmocka_unit_test(test_entry_outside),
		cmocka_unit_test(test_missing_notes),
		cmocka_unit_test(test_invalid_notes),
		cmocka_unit_test(test_features),
		cmocka_unit_test(test_dom0_feature),
		cmocka_unit_test(test_section_notes_fallback),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
