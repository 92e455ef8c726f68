/*
 * dom0's domain builder (build.c): makes a running PV domU from a kernel
 * image, the way Xen's libxc does it from the control domain.
 */
#ifndef PVGUEST_DOM0_BUILD_BUILD_H
#define PVGUEST_DOM0_BUILD_BUILD_H

#include <public/xen.h>
#include <stddef.h>

struct dom_config {
	const void *image; /* ELF bytes with Xen notes */
	size_t image_len;
	const char *name;    /* the domain's name (hypervisor and XenStore) */
	unsigned memory_mib; /* its RAM */
	unsigned vcpus;	     /* vCPU 0 starts at the entry; the others stay down */
	const char *cmdline; /* start_info.cmd_line (may be NULL) */
};

/*
 * Builds and unpauses the domain; its id in *out.  0 or a negative Xen
 * error, after a one-line message saying why; on failure the partly
 * built domain is destroyed, so nothing is left behind.
 */
int dom_build(const struct dom_config *cfg, domid_t *out);

#endif
