/*
 * Host test of the PV builder (kernel/domain/build.c): a small Xen PV image
 * built into a fresh domain on simulated memory, then checked from the
 * guest's side -- start_info, mfn_list, the hypercall page, the image bytes
 * reached through the bootstrap page tables, vCPU 0's registers -- and the
 * refusal of a broken image.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <public/xen.h>
#include <hospes/arch.h>
#include <hospes/domain_ctl.h>
#include <hospes/elf.h>
#include <hospes/frame.h>
#include <hospes/grant.h>
#include <hospes/mm.h>
#include <hospes/p2m.h>
#include <hospes/pv.h>
#include <hospes/compiler.h>
#include <hospes/pv_build.h>
#include <hospes/sched.h>
#include <public/elfnote.h>
#include <public/errno.h>

void fake_frame_init(void);

static uint8_t img[0x3000] __attribute__((aligned(4096)));

static void note(size_t *off, uint32_t type, const void *desc, uint32_t len)
{
	struct elf64_nhdr nh = {4, len, type};
	memcpy(img + *off, &nh, sizeof(nh));
	memcpy(img + *off + 12, "Xen", 4);
	memcpy(img + *off + 16, desc, len);
	*off += 16 + ((len + 3) & ~3U);
}

/* Image at VA 0x2000 (paddr = VA, VIRT_BASE 0), entry 0x2010, hypercall page 0x3000. */
static void make_image(void)
{
	struct elf64_ehdr *eh = (void *)img;
	struct elf64_phdr *ph = (void *)(img + sizeof(*eh));
	memset(img, 0, sizeof(img));
	memcpy(eh->e_ident, "\177ELF\2\1\1", 7);
	eh->e_type = ET_EXEC;
	eh->e_machine = EM_X86_64;
	eh->e_version = EV_CURRENT;
	eh->e_entry = 0x2010;
	eh->e_phoff = sizeof(*eh);
	eh->e_phentsize = sizeof(*ph);
	eh->e_phnum = 2;
	ph[0] = (struct elf64_phdr){.p_type = PT_LOAD,
				    .p_offset = 0x1000,
				    .p_paddr = 0x2000,
				    .p_vaddr = 0x2000,
				    .p_filesz = 0x2000,
				    .p_memsz = 0x3000};
	size_t off = 0x200;
	uint64_t hc = 0x3000;
	note(&off, XEN_ELFNOTE_LOADER, "generic", 8);
	note(&off, XEN_ELFNOTE_XEN_VERSION, "xen-3.0", 8);
	note(&off, XEN_ELFNOTE_GUEST_OS, "BuildTest", 10);
	note(&off, XEN_ELFNOTE_HYPERCALL_PAGE, &hc, 8);
	ph[1] = (struct elf64_phdr){.p_type = PT_NOTE, .p_offset = 0x200, .p_filesz = off - 0x200};
	img[0x1010] = 0xf4;
	img[0x2000] = 0xc3; /* will be overwritten by the hypercall page */
}

/* Guest-visible memory: read a byte at VA by walking the bootstrap tables. */
uint8_t *guest_va(struct domain *d, uint64_t cr3_gfn, uint64_t va);
uint8_t *guest_va(struct domain *d, uint64_t cr3_gfn, uint64_t va)
{
	uint64_t table = cr3_gfn;
	for (int shift = 39; shift >= 12; shift -= 9) {
		struct p2m_lookup lk = p2m_lookup(d, _gfn(table));
		assert_int_equal(lk.type, P2M_RAM);
		uint64_t e = ((uint64_t *)mfn_to_virt(lk.mfn))[(va >> shift) & 511];
		assert_true(e & 1);
		table = (e & 0x000ffffffffff000UL) >> 12;
	}
	struct p2m_lookup lk = p2m_lookup(d, _gfn(table));
	return (uint8_t *)mfn_to_virt(lk.mfn) + (va & 0xfff);
}

static void test_build_domu(void **state)
{
	fake_mem_init(2048);
	fake_frame_init();
	assert_int_equal(frame_table_init(2048), 0);
	sched_init(1);
	unsigned long before = frame_free_count();
	make_image();
	struct domain_config cfg = {.id = 4, .max_vcpus = 1, .nr_pages = 1024};
	struct domain *d;
	assert_int_equal(domain_create(&cfg, &d), 0);
	static const char module[] = "module bytes";
	struct pv_build_args a = {.image = img,
				  .image_size = sizeof(img),
				  .module = module,
				  .module_size = sizeof(module),
				  .cmdline = "console=hvc0"};
	struct pv_layout l;
	assert_int_equal(pv_build(d, &a, &l), 0);
	struct vcpu *v = d->vcpu[0];
	assert_true(v->online && v->arch->initialised && v->arch->kernel_mode);
	assert_int_equal(v->arch->regs.rip, 0x2010);
	assert_int_equal(v->arch->regs.rsi, l.start_info);
	assert_int_equal(v->arch->regs.rsp, l.stack + 4096);
	assert_int_equal(v->arch->regs.cs, 0xe033);
	assert_int_equal(l.v_end, 4UL << 20);
	uint64_t cr3 = gfn_x(p2m_ram_frame(d, l.pt_start >> 12));
	assert_int_equal(*guest_va(d, cr3, 0x2010), 0xf4);
	assert_int_equal(*guest_va(d, cr3, 0x4800), 0); /* bss */
	uint8_t *hp = guest_va(d, cr3, 0x3000);
	assert_int_equal(hp[0], 0x51);
	assert_int_equal(hp[4 + 32 * 17], 17); /* mov $17, %eax in entry 17 */
	assert_int_equal(hp[23 * 32 + 3], 0x50);
	assert_int_equal(hp[31], 0xcc);
	struct start_info *si = (void *)guest_va(d, cr3, l.start_info);
	assert_string_equal(si->magic, "xen-3.0-x86_64");
	assert_int_equal(si->nr_pages, 1024);
	assert_int_equal(si->flags, 0);
	assert_int_equal(si->pt_base, l.pt_start);
	assert_int_equal(si->nr_pt_frames, l.nr_pt_frames);
	assert_int_equal(si->mod_len, sizeof(module));
	assert_string_equal((char *)guest_va(d, cr3, si->mod_start), module);
	assert_string_equal((char *)si->cmd_line, "console=hvc0");
	assert_int_not_equal(si->store_mfn, 0);
	/* Grant refs 0 and 1 give the console and xenstore rings to dom0. */
	struct gnttab_setup_table gst = {.dom = DOMID_SELF, .nr_frames = 1};
	xen_pfn_t gframe;
	gnttab_setup_table(d->vcpu[0], &gst, &gframe);
	assert_int_equal(gst.status, GNTST_okay);
	struct p2m_lookup gl = p2m_lookup(d, _gfn(gframe));
	assert_int_equal(gl.type, P2M_SHARED);
	const struct grant_entry_v1 *ge = mfn_to_virt(gl.mfn);
	assert_int_equal(ge[GNTTAB_RESERVED_CONSOLE].flags, GTF_permit_access);
	assert_int_equal(ge[GNTTAB_RESERVED_CONSOLE].domid, 0);
	assert_int_equal(ge[GNTTAB_RESERVED_CONSOLE].frame, si->console.domU.mfn);
	assert_int_equal(ge[GNTTAB_RESERVED_XENSTORE].frame, si->store_mfn);
	struct p2m_lookup sh = p2m_lookup(d, _gfn(si->shared_info >> 12));
	assert_int_equal(sh.type, P2M_SHARED);
	assert_int_equal(mfn_x(sh.mfn), mfn_x(d->shared_info_mfn));
	unsigned long *p2m = (void *)guest_va(d, cr3, si->mfn_list);
	assert_int_equal(p2m[5], gfn_x(p2m_ram_frame(d, 5)));
	domain_destroy(d);
	assert_int_equal(frame_free_count(), before);
	fake_mem_fini();
}

static void test_build_refuses_bad_image(void **state)
{
	fake_mem_init(2048);
	fake_frame_init();
	assert_int_equal(frame_table_init(2048), 0);
	sched_init(1);
	make_image();
	((struct elf64_ehdr *)img)->e_entry = 0x9000; /* outside the image */
	struct domain_config cfg = {.id = 4, .max_vcpus = 1, .nr_pages = 1024};
	struct domain *d;
	assert_int_equal(domain_create(&cfg, &d), 0);
	struct pv_build_args a = {.image = img, .image_size = sizeof(img)};
	struct pv_layout l;
	assert_int_equal(pv_build(d, &a, &l), -XEN_EINVAL);
	assert_false(d->vcpu[0]->arch->initialised);
	make_image();
	cfg.id = 5;
	cfg.nr_pages = 512; /* the 4 MiB bootstrap region needs 1024 */
	struct domain *small;
	assert_int_equal(domain_create(&cfg, &small), 0);
	assert_int_equal(pv_build(small, &a, &l), -XEN_ENOMEM);
	domain_destroy(small);
	domain_destroy(d);
	fake_mem_fini();
}

/* The real test guest image (mk/guest/testguest.mk) builds as dom0 and as a domU. */
static void test_build_real_test_guest(void **state)
{
	FILE *f = fopen("build/guests/tg-hypercalls", "rb");
	assert_non_null(f);
	static uint8_t file[1 << 20] __attribute__((aligned(8)));
	size_t n = fread(file, 1, sizeof(file), f);
	fclose(f);
	assert_true(n > 0 && n < sizeof(file));
	for (int dom0 = 0; dom0 < 2; dom0++) {
		fake_mem_init(2048);
		fake_frame_init();
		assert_int_equal(frame_table_init(2048), 0);
		sched_init(1);
		unsigned long before = frame_free_count();
		struct domain_config cfg = {
			.id = (domid_t)!dom0, .privileged = dom0, .max_vcpus = 1, .nr_pages = 1024};
		struct domain *d;
		assert_int_equal(domain_create(&cfg, &d), 0);
		struct dom0_vga_console_info vga = {
			.video_type = XEN_VGATYPE_TEXT_MODE_3,
			.u.text_mode_3 = {
				.font_height = 16, .cursor_y = 7, .rows = 25, .columns = 80}};
		struct pv_build_args a = {.image = file, .image_size = n, .vga = &vga};
		struct pv_layout l;
		assert_int_equal(pv_build(d, &a, &l), 0);
		uint64_t cr3 = gfn_x(p2m_ram_frame(d, l.pt_start >> 12));
		struct xen_elf_info info;
		assert_int_equal(xen_elf_parse(file, n, dom0, &info), 0);
		assert_true(info.has_hypercall_page);
		uint8_t *hp =
			guest_va(d, cr3, info.hypercall_page); /* the image's hypercall page */
		assert_memory_equal(hp, "\x51\x41\x53\xb8\x00\x00\x00\x00\x0f\x05", 10);
		struct start_info *si = (void *)guest_va(d, cr3, l.start_info);
		assert_int_equal(si->flags, dom0 ? SIF_PRIVILEGED | SIF_INITDOMAIN : 0);
		if (dom0) {
			/* The screen follows start_info in its page (Xen's place). */
			assert_int_equal(si->console.dom0.info_off, ALIGN_UP(sizeof(*si), 8));
			assert_int_equal(si->console.dom0.info_size, sizeof(vga));
			assert_memory_equal((uint8_t *)si + si->console.dom0.info_off, &vga,
					    sizeof(vga));
		} else {
			/* A domU's console union holds its ring, not a screen. */
			assert_int_not_equal(si->console.domU.mfn, 0);
		}
		assert_int_equal(d->vcpu[0]->arch->regs.rip, 0x2000);
		domain_destroy(d);
		assert_int_equal(frame_free_count(), before);
		fake_mem_fini();
	}
}

int run_build_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_build_domu),
		cmocka_unit_test(test_build_refuses_bad_image),
		cmocka_unit_test(test_build_real_test_guest),
	};
	return cmocka_run_group_tests_name("build", tests, NULL, NULL);
}
