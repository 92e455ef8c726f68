/*
 * hx create: a domU from a boot module or a file of dom0's disk, through
 * dom0's domain builder (pvguest/dom0/build/).  The image is named by its
 * boot module name (bootmod_find) or as /disk/<file> (pvguest/dom0/disk.h:
 * read whole into memory for the builder, freed after); every setting is
 * checked by hx_parse_create before the builder runs, and the builder
 * leaves nothing behind when it refuses.
 * vif=<spec> (netback_parse_spec: mac=, ip=) gives the new domain a vif
 * on dom0's bridge.
 *
 * disk=<spec> gives the domain a virtual disk xvda (blkback, spec as in
 * drivers/back/blkback.h: ram:<MiB>, <device>, <device>@<first>+<count>,
 * with ",r" for read-only; or /disk/<file>, a file of dom0's disk, read-
 * only, which is its extent on the partition), attached from the
 * builder's devices hook so the domain finds it at boot.  A bad spec is refused before anything is
 * built.  Disks and vifs are attached from the builder's devices hook.
 * hx destroy calls hx_release_devices() first: the disks, vifs and the
 * console backend let go of the domain and xenstored forgets it before
 * the hypervisor destroys it.  on_poweroff=/on_crash=destroy hand a
 * domain that shuts down by itself to hx's reaper (reaper.c), which does
 * the same on @releaseDomain.
 *
 * Domains started at boot, at init level DOM0_INIT_DOMAINS (after
 * xenstored and the backends are up): hx.boot=<image>[,<image>...] on
 * dom0's command line creates those domUs with default settings, named
 * after their images; then a boot module named hx.cfg, if there is one,
 * holds one domain per line, written as the arguments of hx create
 * (`<image> [key=value...]`, optionally preceded by "hx create"; '#'
 * starts a comment line); then the file /disk/hx.cfg of dom0's disk in
 * the same format (no disk or no file is said, and is no failure).
 */
#include "hx.h"
#include <back/blkback.h>
#include <back/netback.h>
#include <core/kernel.h>
#include <dom0/bootmod.h>
#include <dom0/disk.h>
#include <dom0/build/build.h>
#include <dom0/init.h>
#include <public/errno.h>
#include <public/xen.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xenbus/guest.h>

static char err[160];

/*
 * The builder's devices hook, before the domain first runs: disk= as
 * xvda, vif= as vif 0 on dom0's bridge.  On a failure it undoes its own
 * work (the builder then destroys the domain).
 */
static int attach_devices(domid_t id, void *arg)
{
	const struct hx_create_args *a = arg;
	struct xenbus *xb = xenbus_self();
	int rc = 0;
	if (a->disk[0] && (rc = xb ? blkback_attach(xb, id, HX_XVDA, a->disk) : -XEN_ENODEV)) {
		printf("create %s: disk %s not attached (error %d)\n", a->name, a->disk, rc);
		return rc;
	}
	if (a->vif[0] && (rc = xb ? netback_attach(xb, id, 0, a->vif) : -XEN_ENODEV)) {
		printf("create %s: vif=%s refused (error %d)\n", a->name, a->vif, rc);
		blkback_detach(id, ~0u);
	}
	return rc;
}

/*
 * The image's bytes: a boot module, or a file of /disk read whole into
 * *owned (which the caller frees).  NULL after saying why.
 */
static const void *find_image(const char *image, size_t *len, void **owned)
{
	const char *args;
	*owned = NULL;
	if (!dom0_disk_file(image)) {
		const void *p = bootmod_find(image, len, &args);
		if (!p)
			printf("create: no boot module named %s\n", image);
		return p;
	}
	int rc = dom0_disk_load(image, owned, len);
	if (rc == -ENODEV)
		printf("create: %s: no %s (no pfs partition on dom0's disk)\n", image,
		       DOM0_DISK_DIR);
	else if (rc == -ENOENT || rc == -ENAMETOOLONG)
		printf("create: %s: no such file on dom0's disk\n", image);
	else if (rc)
		printf("create: %s: cannot be read (error %d)\n", image, rc);
	return rc ? NULL : *owned;
}

/*
 * disk=/disk/<file>[,r]: the file's extent on dom0's pfs partition, as a
 * region spec for blkback (always read-only: so is the partition).
 * 0 (out unchanged when the spec names no file), or 1 after saying why.
 */
static int disk_file_spec(const char *cmd, const char *name, const char *spec, char *out,
			  size_t size)
{
	char path[sizeof(((struct hx_create_args *)0)->disk)];
	uint64_t first, sectors;

	if (!dom0_disk_file(spec))
		return 0;
	int rc = hx_disk_file_path(spec, path, sizeof(path))
			 ? -ENOENT
			 : dom0_disk_region(path, &first, &sectors);
	if (rc) {
		printf("%s %s: disk %s: %s\n", cmd, name, spec,
		       rc == -ENODEV   ? "no /disk"
		       : rc == -EINVAL ? "empty file"
				       : "no such file");
		return 1;
	}
	int n = snprintf(out, size, "%s@%llu+%llu,r", dom0_disk_device()->name,
			 (unsigned long long)first, (unsigned long long)sectors);
	if (n < 0 || (size_t)n >= size) {
		printf("%s %s: disk %s: its extent does not fit a disk spec\n", cmd, name, spec);
		return 1;
	}
	return 0;
}

int hx_disk_spec(const char *cmd, const char *name, const char *given, char *out, size_t size)
{
	struct disk_spec ds;

	if (snprintf(out, size, "%s", given) >= (int)size) {
		printf("%s %s: disk %s: too long\n", cmd, name, given);
		return 1;
	}
	if (disk_file_spec(cmd, name, given, out, size))
		return 1;
	if (out[0] && blkback_parse_spec(out, &ds)) {
		printf("%s %s: bad disk \"%s\" (ram:<MiB>, <device>[@<first>+<count>], "
		       "optional ,r)\n",
		       cmd, name, out);
		return 1;
	}
	return 0;
}

static int create(const struct hx_create_args *given)
{
	size_t len;
	void *owned;
	domid_t id;
	struct hx_create_args resolved = *given, *a = &resolved;

	if (hx_disk_spec("create", a->name, given->disk, a->disk, sizeof(a->disk)))
		return 1;
	struct xen_sysctl_physinfo pi;
	if (a->cpus && hx_physinfo(&pi) == 0 && pi.nr_cpus < 64 &&
	    !(a->cpus & ((1ULL << pi.nr_cpus) - 1))) {
		printf("create %s: cpus: none of them is one of the %u CPUs\n", a->name,
		       pi.nr_cpus);
		return 1;
	}
	const void *image = find_image(a->image, &len, &owned);
	if (!image)
		return 1;
	struct dom_config cfg = {.image = image,
				 .image_len = len,
				 .name = a->name,
				 .memory_mib = a->memory_mib,
				 .vcpus = a->vcpus,
				 .cmdline = a->cmdline,
				 .cpus = a->cpus,
				 .cpus_soft = a->cpus_soft,
				 .devices = attach_devices,
				 .devices_arg = (void *)a};
	int rc = dom_build(&cfg, &id);
	free(owned);
	if (rc)
		return 1;
	hx_track(id, a); /* before anything can block: the reaper sees it from the start */
	printf("domain %u (%s) created: %u MiB, %u vCPU(s)\n", id, a->name, a->memory_mib,
	       a->vcpus);
	return 0;
}

int hx_create(int argc, char **argv)
{
	struct hx_create_args a;

	if (hx_parse_create(argc, argv, &a, err, sizeof(err))) {
		printf("%s\n", err);
		return 1;
	}
	return create(&a);
}

/* hx.boot=a,b on dom0's command line (start_info.cmd_line). */
static int boot_images(void)
{
	const char *p = strstr((const char *)start_info->cmd_line, "hx.boot=");
	char word[HX_IMAGE_MAX], *argv[2] = {"create", word};
	int failed = 0, got;

	if (!p)
		return 0;
	p += strlen("hx.boot=");
	while ((got = hx_boot_next(&p, word, sizeof(word))) > 0)
		failed += hx_create(2, argv) != 0;
	if (got < 0)
		printf("hx.boot: bad image name\n");
	return failed + (got < 0);
}

/* A config file (label: where it came from): one hx create per line. */
static int run_config(const char *label, const char *text, size_t len)
{
	char line[HX_CFG_LINE_MAX], *argv[HX_CFG_WORDS];
	int failed = 0, n;
	size_t at = 0;

	for (size_t no = 1;
	     (n = hx_cfg_next_line(text, len, &at, line, sizeof(line))) != HX_CFG_END; no++) {
		int argc = n < 0 ? -1 : hx_parse_cfg_line(line, argv, HX_CFG_WORDS);
		if (argc < 0) {
			printf("%s:%zu: line too long\n", label, no);
			failed++;
		} else if (argc > 0) {
			printf("%s:%zu: hx create %s\n", label, no, argc > 1 ? argv[1] : "");
			failed += hx_create(argc, argv) != 0;
		}
	}
	return failed;
}

/* The hx.cfg boot module, if there is one. */
static int boot_config(void)
{
	size_t len;
	const char *args;
	const char *text = bootmod_find("hx.cfg", &len, &args);
	return text ? run_config("hx.cfg", text, len) : 0;
}

/* hx.cfg on dom0's disk: no disk or no file is said, and is no failure. */
static int boot_disk_config(void)
{
	static const char path[] = DOM0_DISK_PREFIX "hx.cfg";
	void *text;
	size_t len;
	int rc = dom0_disk_load(path, &text, &len);
	if (rc == -ENODEV || rc == -ENOENT) {
		printf("hx: %s: %s\n", path, rc == -ENODEV ? "no /disk" : "no such file");
		return 0;
	}
	if (rc) {
		printf("hx: %s: cannot be read (error %d)\n", path, rc);
		return 1;
	}
	int failed = run_config(path, text, len);
	free(text);
	return failed;
}

static int boot_domains(void)
{
	int failed = boot_images() + boot_config() + boot_disk_config();
	return failed ? -1 : 0;
}
DOM0_INITCALL(DOM0_INIT_DOMAINS, boot_domains);
