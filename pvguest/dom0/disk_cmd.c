/*
 * /disk at the dom0# prompt (see disk.h): the mount at start of day and
 * the commands to look at the files.
 *
 *   ls [/disk]          the files: size in bytes and name
 *   cat /disk/<file>    a file's bytes on the console
 *
 * No disk, no partition table or no pfs partition is said once at boot
 * and dom0 carries on without /disk (every command then says so).
 */
#include "disk.h"
#include "init.h"
#include "shell/shell.h"
#include <errno.h>
#include <fs/part.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DISK_DEVICE "sata0" /* dom0's first SATA disk */

static int disk_init(void)
{
	int rc = dom0_disk_mount(DISK_DEVICE);
	struct device *d = dom0_disk_device();
	if (rc == -ENODEV)
		printf("disk: no %s: no /disk\n", DISK_DEVICE);
	else if (rc == -EINVAL)
		printf("disk: %s has no partition table: no /disk\n", DISK_DEVICE);
	else if (rc)
		printf("disk: no partition of %s of type %#x holds a pfs: no /disk\n", DISK_DEVICE,
		       MBR_TYPE_PFS);
	else
		printf("disk: %s (%llu sectors) mounted read-only on %s\n", d->name,
		       (unsigned long long)d->sectors, DOM0_DISK_DIR);
	return 0; /* a machine without /disk is a normal machine */
}
DOM0_INITCALL(DOM0_INIT_BACKEND, disk_init);

static int cmd_ls(int argc, char **argv)
{
	struct pfs_dirent e;
	unsigned int files = 0;
	if (argc > 2 ||
	    (argc == 2 && strcmp(argv[1], DOM0_DISK_DIR) && strcmp(argv[1], DOM0_DISK_PREFIX))) {
		printf("ls: only %s is there (ls [%s])\n", DOM0_DISK_DIR, DOM0_DISK_DIR);
		return 1;
	}
	if (!dom0_disk_device()) {
		printf("ls: no %s (no pfs partition on %s)\n", DOM0_DISK_DIR, DISK_DEVICE);
		return 1;
	}
	int rc = 0;
	for (unsigned int i = 0; (rc = dom0_disk_entry(i, &e)) == 0; i++)
		if (e.name[0]) {
			printf("%10u  %s\n", e.size, e.name);
			files++;
		}
	if (rc != -ENOENT) {
		printf("ls: %s: error %d\n", DOM0_DISK_DIR, rc);
		return 1;
	}
	printf("%u file(s) on %s\n", files, dom0_disk_device()->name);
	return 0;
}
DOM0_COMMAND("ls", cmd_ls, "[/disk]: the files on dom0's disk");

static int cmd_cat(int argc, char **argv)
{
	void *buf;
	size_t len;
	if (argc != 2) {
		printf("cat: cat %s<file>\n", DOM0_DISK_PREFIX);
		return 1;
	}
	int rc = dom0_disk_load(argv[1], &buf, &len);
	if (rc == -ENODEV)
		printf("cat: no %s (no pfs partition on %s)\n", DOM0_DISK_DIR, DISK_DEVICE);
	else if (rc == -ENOENT)
		printf("cat: %s: no such file\n", argv[1]);
	else if (rc)
		printf("cat: %s: error %d\n", argv[1], rc);
	if (rc)
		return 1;
	fwrite(buf, 1, len, stdout);
	if (len && ((const char *)buf)[len - 1] != '\n')
		putchar('\n');
	free(buf);
	return 0;
}
DOM0_COMMAND("cat", cmd_cat, "/disk/<file>: a file of dom0's disk");
