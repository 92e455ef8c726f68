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
	/* Hard affinity of every vCPU (xl's cpus=), bit n = CPU n, set before
	 * the domain first runs; 0: any CPU. */
	uint64_t cpus;
	uint64_t cpus_soft; /* soft affinity (a preference, xl's cpus_soft=); 0: all */
	/*
	 * Devices for the new domain (hx create's disk=, vif=), called once
	 * its XenStore home, store and console are up and before it first
	 * runs, so its frontends find their nodes at boot.  0, or a negative
	 * Xen error after a message; the hook undoes its own work on failure.
	 * NULL: none.
	 */
	int (*devices)(domid_t id, void *arg);
	void *devices_arg;
};

/*
 * Builds and unpauses the domain; its id in *out.  Besides memory and
 * vCPU 0 it gets what libxl gives a PV domU: grant entries 0 (console
 * ring) and 1 (store ring) seeded for dom0, its store introduced to
 * xenstored, its console served by dom0's console backend.  0 or a negative Xen
 * error, after a one-line message saying why; on failure the partly
 * built domain is destroyed, so nothing is left behind.
 */
int dom_build(const struct dom_config *cfg, domid_t *out);

/*
 * Undo what dom_build connected in dom0 (console backend, xenstored)
 * before the domain is destroyed; hx destroy calls it.  Safe to call for a
 * domain that has none of it.
 */
void dom_unbuild(domid_t id);

#endif
