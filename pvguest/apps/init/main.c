/*
 * init: the domU's main program (the pvguest kernel calls main() once it
 * is up).  It mounts the root file system and runs the command line as
 * the first process if it begins with an absolute path, and otherwise
 * (no arguments, or words meant for someone else such as "dom0") the
 * shell on /etc/rc:
 *
 *     pvguest-domU [/PROGRAM ARGS...]     e.g. "/bin/sh /etc/test"
 *
 * The domUs the hypervisor builds for the IPC and block tests ("domU ipc
 * ping|pong PEER", "domU blk"; tests/scenarios/ipc.sh, blk-domu.sh) run
 * pvguest/apps/ipc or pvguest/apps/blk instead, in the kernel; "domU net
 * ..." (tests/scenarios/net.sh) runs pvguest/apps/net.
 *
 * Words for the kernel's drivers, `blkfront.feature_persistent=0` (no
 * persistent grants for blkfront, drivers/front/blk.c), may stand
 * anywhere on the line: init leaves them out before it looks at the rest
 * (blkfront reads them itself when it first connects a disk).
 *
 * The root file system is on "xvda" (blkfront) if one registered and
 * holds a pfs, else on the RAM disk.  Disks are looked for when dom0's
 * xenstored already serves this domain (a domU built by dom0, e.g.
 * `hx create ... disk=`); otherwise the root is on the RAM disk: a plain boot module that is a pfs
 * image (start_info.mod_start; not a SIF_MULTIBOOT_MOD package) or the
 * image linked into the kernel (disk.S).  init waits for the first
 * process; its exit status 0 powers the domain off, anything else
 * reports a crash (the test verdict with selftest=guest).
 */
#include <core/device.h>
#include <core/kernel.h>
#include <fs/pfs.h>
#include <fs/ramdisk.h>
#include <front/blkfront.h>
#include <proc/proc.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <xenbus/guest.h>

extern char disk_image[], disk_image_end[];
int ipc_main(int argc, char **argv); /* pvguest/apps/ipc */
int blk_main(int argc, char **argv); /* pvguest/apps/blk */
int net_main(int argc, char **argv); /* pvguest/apps/net */

static struct device *mount_root(struct pfs *root)
{
	static struct device ram;
	int self = xenbus_self_served() ? xenbus_self_domid() : -1;
	if (self > 0)
		blkfront_probe_all(xenbus_self(), (uint16_t)self);
	struct device *d = device_find("xvda");
	if (d && pfs_mount(root, d) == 0)
		return d;
	void *base = disk_image;
	size_t len = (size_t)(disk_image_end - disk_image);
	const void *mod = (const void *)start_info->mod_start;
	bool raw = !(start_info->flags & (SIF_MULTIBOOT_MOD | SIF_MOD_START_PFN));
	if (mod && raw && start_info->mod_len >= SECTOR_SIZE && !memcmp(mod, PFS_MAGIC, 6)) {
		base = (void *)mod;
		len = start_info->mod_len;
	}
	if (ramdisk_register(&ram, "ram0", base, len) || pfs_mount(root, &ram))
		return NULL;
	return &ram;
}

int main(int argc, char **argv)
{
	static struct pfs root;
	static struct proc kernel_parent;
	char *def[] = {"/bin/sh", "/etc/rc", NULL};
	int kept = 1;

	for (int i = 1; i < argc; i++) /* the drivers' words are not the program's */
		if (!blkfront_is_option(argv[i]))
			argv[kept++] = argv[i];
	argv[kept] = NULL;
	argc = kept;
	if (argc > 2 && strcmp(argv[1], "domU") == 0 && strcmp(argv[2], "ipc") == 0)
		return ipc_main(argc - 2, argv + 2);
	if (argc > 2 && strcmp(argv[1], "domU") == 0 && strcmp(argv[2], "blk") == 0)
		return blk_main(argc - 2, argv + 2);
	if (argc > 2 && strcmp(argv[1], "domU") == 0 && strcmp(argv[2], "net") == 0)
		return net_main(argc - 2, argv + 2);
	printf("init: %d argument(s), first %s\n", argc, argc > 1 ? argv[1] : "(none)");
	struct device *d = mount_root(&root);
	if (!d) {
		printf("init: no root file system\n");
		return 1;
	}
	printf("init: root file system on %s, %lu sectors\n", d->name,
	       (unsigned long)root.sb.total_sectors);
	proc_init(&root);
	bool given = argc > 1 && argv[1][0] == '/';
	char **args = given ? argv + 1 : def;
	int n = given ? argc - 1 : 2;
	kernel_parent.thread = thread_current();
	int status = 0, pid = proc_spawn(&kernel_parent, args[0], n, args);
	if (pid < 0 || proc_wait(&kernel_parent, pid, &status) != pid) {
		printf("init: cannot run %s (%d)\n", args[0], pid);
		return 1;
	}
	printf("init: %s exited with status %#x\n", args[0], status);
	return status;
}
