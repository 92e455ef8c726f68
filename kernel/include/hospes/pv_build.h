/*
 * The PV domain builder (kernel/domain/build.c): put a kernel image, its
 * module and the boot structures into a created (paused) domain and set
 * up vCPU 0 to enter it, as Xen's PV boot protocol describes.
 */
#ifndef HOSPES_PV_BUILD_H
#define HOSPES_PV_BUILD_H

#include <hospes/build_layout.h>
#include <hospes/domain.h>
#include <hospes/modpack.h>

struct pv_build_args {
	const void *image; /* the ELF file, 8-byte aligned */
	size_t image_size;
	const void *module; /* mapped after the image (start_info.mod_start), or NULL */
	size_t module_size; /* of module, or of the package that pieces make up */
	/* Instead of module: a SIF_MULTIBOOT_MOD package written piece by piece. */
	const struct modpack_piece *pieces;
	unsigned int nr_pieces;
	const char *cmdline;
	/* dom0: the screen it takes over, copied after start_info; or NULL
	 * (ignored for a domU, whose console union holds its ring). */
	const struct dom0_vga_console_info *vga;
};

/* 0, or a negative XEN_E* code with the reason logged; *layout filled on success. */
int pv_build(struct domain *d, const struct pv_build_args *a, struct pv_layout *layout);

/* Write Xen's 128 hypercall stubs (32 bytes each; entry 23 is iret's) into page. */
void hypercall_page_fill(uint8_t *page);
/* Fill frame gfn of d with the hypercall page (domctl hypercall_init, and
 * the guest's own wrmsr to the Xen MSR base): 0, or -XEN_EINVAL unless it
 * is d's own writable RAM and no page table. */
int hypercall_page_write(struct domain *d, uint64_t gfn);

#endif
