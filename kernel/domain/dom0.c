/*
 * Start of day for guests: dom0 from the first multiboot module, the
 * console and command line as guests see them, and what dom0's shutdown
 * means for the machine.
 *
 * dom0 gets dom0_mem= (default 64 MiB, never more than the free memory
 * less a 1/16 reserve for the hypervisor, within dom0_mem=min:/max:),
 * dom0_max_vcpus= vCPUs (default 1; with dom0_vcpus_pin, vCPU n may run
 * only on CPU n modulo the CPUs, as Xen pins them), the module's command line without
 * its first word (the file name, as Xen does), and every further module
 * that is not a domU in one SIF_MULTIBOOT_MOD package as its initrd
 * (start_info.mod_start/mod_len; hospes/modpack.h), each module's command
 * line starting with its name: the basename of its file under multiboot1
 * (QEMU -initrd "path args"), the first word of its GRUB module2 line.
 *
 * Until dom0 has a toolstack, the hypervisor also builds domUs itself: every
 * further module whose arguments start with the word "domU" (e.g. GRUB's
 * `module2 /boot/guest domU`) becomes domain 1, 2, ... with 8 MiB and one
 * vCPU, and is not counted as dom0's initrd.
 *
 * With selftest= on the hypervisor command line, dom0's shutdown reason
 * is the test verdict: poweroff passes, anything else fails, and QEMU
 * exits through isa-debug-exit.
 */
#include <hospes/console.h>
#include <hospes/dom0.h>
#include <hospes/domain_ctl.h>
#include <hospes/frame.h>
#include <hospes/lib.h>
#include <hospes/modpack.h>
#include <hospes/pirq.h>
#include <hospes/panic.h>
#include <hospes/pv.h>
#include <hospes/pv_build.h>
#include <hospes/reboot.h>
#include <hospes/sched.h>
#include <hospes/time.h>
#include <public/errno.h>
#include <public/sched.h>

#define DOM0_DEFAULT_PAGES ((64UL << 20) >> PAGE_SHIFT)

extern struct boot_info boot_info;
extern struct hospes_options hospes_options;

const char *hypervisor_cmdline(void)
{
	return boot_info.cmdline;
}

static void console_part(struct domain *d, const char *text, bool end)
{
	char prefix[16];
	snprintf(prefix, sizeof(prefix), "(d%u) ", d->id);
	console_line_part(d->id + 1U, prefix, text, end);
}

void pv_console_line(struct domain *d, const char *line)
{
	console_part(d, line, true);
}

void pv_console_partial(struct domain *d, const char *text)
{
	console_part(d, text, false);
}

unsigned long dom0_pages(unsigned long free_frames, const struct hospes_options *o)
{
	unsigned long pages = o->dom0_mem ? o->dom0_mem >> PAGE_SHIFT : DOM0_DEFAULT_PAGES;
	if (o->dom0_mem_min && pages < o->dom0_mem_min >> PAGE_SHIFT)
		pages = o->dom0_mem_min >> PAGE_SHIFT;
	if (o->dom0_mem_max && pages > o->dom0_mem_max >> PAGE_SHIFT)
		pages = o->dom0_mem_max >> PAGE_SHIFT;
	return MIN(pages, free_frames - free_frames / 16);
}

/*
 * A module's arguments.  QEMU's multiboot1 loader (-initrd "file args")
 * puts the file name first; GRUB's module2 gives only the arguments.
 */
static const char *module_args(const char *s)
{
	if (boot_info.protocol == 1)
		while (*s && *s != ' ')
			s++;
	while (*s == ' ')
		s++;
	return s;
}

static void dom0_shutdown(struct domain *d, unsigned int reason)
{
	if (d->id != 0)
		return;
	printk(LOG_INFO "dom0 has shut down (reason %u)\n", reason);
	if (hospes_options.selftest[0]) {
		hospes_exit_qemu(reason == SHUTDOWN_poweroff);
		return;
	}
	if (hospes_options.noreboot || reason != SHUTDOWN_reboot)
		machine_poweroff();
	machine_reboot();
}

static const void *module_bytes(const struct boot_module *m)
{
	return (const uint8_t *)mfn_to_virt(paddr_to_mfn(m->start)) + (m->start & (PAGE_SIZE - 1));
}

#define DOMU_PAGES ((8UL << 20) >> PAGE_SHIFT)

/* A module whose arguments begin with the word "domU" is a domU for us to build. */
static bool is_domu_module(const struct boot_module *m)
{
	return strncmp(module_args(m->cmdline), "domU", 4) == 0;
}

static void domu_start(const struct boot_module *m, domid_t id)
{
	struct domain_config cfg = {
		.id = id, .max_vcpus = 1, .nr_pages = DOMU_PAGES, .name = "domU"};
	struct domain *d;
	int rc = domain_create(&cfg, &d);
	if (rc) {
		printk(LOG_ERR "d%u: cannot create the domain (%d)\n", id, rc);
		return;
	}
	struct pv_build_args a = {.image = module_bytes(m),
				  .image_size = m->end - m->start,
				  .cmdline = module_args(m->cmdline)};
	struct pv_layout l;
	if (pv_build(d, &a, &l)) {
		domain_destroy(d);
		return;
	}
	domain_unpause(d);
}

/* The package for dom0: every extra module that is not a domU (decode only). */
static uint8_t pack_header[MODPACK_HEADER_MAX];
static char pack_cmdlines[MODPACK_MAX][BOOT_MOD_CMDLINE_MAX];
static struct modpack_piece pack_pieces[MODPACK_MAX + 1];

static void dom0_package(const struct boot_info *bi, struct pv_build_args *a)
{
	struct modpack_module mods[MODPACK_MAX];
	unsigned int n = 0;

	for (unsigned int i = 1; i < bi->nr_modules; i++) {
		const struct boot_module *m = &bi->modules[i];
		if (is_domu_module(m))
			continue;
		if (n == MODPACK_MAX) {
			printk(LOG_WARN "dom0: more than %u modules; the rest are left out\n",
			       MODPACK_MAX);
			break;
		}
		modpack_cmdline(m->cmdline, boot_info.protocol == 1, pack_cmdlines[n],
				sizeof(pack_cmdlines[n]));
		mods[n] = (struct modpack_module){module_bytes(m), m->end - m->start,
						  pack_cmdlines[n]};
		n++;
	}
	if (n == 0)
		return;
	a->module_size = modpack_layout(mods, n, pack_header, sizeof(pack_header), pack_pieces);
	if (a->module_size) {
		a->pieces = pack_pieces;
		a->nr_pieces = n + 1;
		printk(LOG_INFO "dom0: %u boot module%s in its package (%lu bytes)\n", n,
		       n == 1 ? "" : "s", (unsigned long)a->module_size);
	} else {
		printk(LOG_WARN "dom0: the module command lines do not fit the package header\n");
	}
}

static void domus_start(const struct boot_info *bi)
{
	domid_t id = 1;
	for (unsigned int i = 1; i < bi->nr_modules; i++)
		if (is_domu_module(&bi->modules[i]))
			domu_start(&bi->modules[i], id++);
}

int dom0_start(const struct boot_info *bi, const struct hospes_options *o)
{
	if (bi->nr_modules == 0) {
		printk(LOG_ERR "dom0: no kernel module was loaded\n");
		return -XEN_EINVAL;
	}
	pirq_init(); /* device interrupts and memory for the driver domain */
	unsigned int vcpus = o->dom0_max_vcpus ? o->dom0_max_vcpus : 1;
	struct domain_config cfg = {.id = 0,
				    .privileged = true,
				    .max_vcpus = MIN(vcpus, (unsigned int)HOSPES_MAX_VCPUS),
				    .nr_pages = dom0_pages(frame_free_count(), o),
				    .name = "dom0"};
	struct domain *d;
	int rc = domain_create(&cfg, &d);
	if (rc) {
		printk(LOG_ERR "dom0: cannot create the domain (%d)\n", rc);
		return rc;
	}
	for (unsigned int i = 0; o->dom0_vcpus_pin && i < d->max_vcpus; i++)
		if (d->vcpu[i] && d->vcpu[i]->sched)
			sched_set_affinity(d->vcpu[i], 1ULL << (i % sched_nr_cpus()), now_ns());
	const struct boot_module *k = &bi->modules[0];
	struct pv_build_args a = {.image = module_bytes(k),
				  .image_size = k->end - k->start,
				  .cmdline = module_args(k->cmdline)};
	struct dom0_vga_console_info vga;
	if (!o->vga_keep && screen_dom0_info(&vga))
		a.vga = &vga;
	dom0_package(bi, &a);
	struct pv_layout l;
	rc = pv_build(d, &a, &l);
	if (rc) {
		if (a.vga)
			screen_reclaim();
		domain_destroy(d);
		return rc;
	}
	domain_shutdown_hook = dom0_shutdown;
	domain_unpause(d);
	domus_start(bi);
	return 0;
}
