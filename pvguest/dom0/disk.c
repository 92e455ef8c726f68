/*
 * /disk, dom0's own files (see disk.h): partitions, the mount, loading a
 * file whole.  No printing here (disk_cmd.c talks to the user), so the
 * whole of it runs on the host too (tests/unit/disk, on a RAM disk).
 *
 * Every number comes from the disk and is checked before use: the MBR by
 * mbr_parse, the pfs by pfs_mount and pfs_entry.  A file is read into a
 * buffer of exactly its size; a read that comes back short is -EIO.
 * Single-threaded use: dom0 mounts once at start of day, and afterwards
 * only reads (each read is a self-contained pfs_read).
 */
#include "disk.h"
#include <errno.h>
#include <fs/part.h>
#include <stdlib.h>
#include <string.h>

static struct part_dev parts[MBR_PARTS];
static struct pfs fs;
static struct device *mounted;

struct device *dom0_disk_device(void)
{
	return mounted;
}

/* Register every partition; the pfs one read-only.  Count of pfs candidates. */
static int register_parts(struct device *disk, const struct mbr_part *p, int n)
{
	for (int i = 0; i < n; i++) {
		bool pfs = p[i].type == MBR_TYPE_PFS;
		if (part_register(&parts[i], disk, &p[i], pfs) == 0 && pfs && !mounted &&
		    pfs_mount(&fs, &parts[i].dev) == 0)
			mounted = &parts[i].dev;
	}
	return mounted ? 0 : -ENOENT;
}

int dom0_disk_mount(const char *name)
{
	struct device *disk = device_find(name);
	uint8_t sec[SECTOR_SIZE] __attribute__((aligned(16)));
	struct mbr_part p[MBR_PARTS];

	if (mounted)
		return -EBUSY;
	if (!disk || disk->kind != DEV_BLOCK || !disk->block || disk->sector_size != SECTOR_SIZE)
		return -ENODEV;
	if (disk->block->read(disk, 0, 1, sec))
		return -EIO;
	int n = mbr_parse(sec, disk->sectors, p);
	return n < 0 ? n : register_parts(disk, p, n);
}

const char *dom0_disk_file(const char *path)
{
	size_t n = strlen(DOM0_DISK_PREFIX);
	return strncmp(path, DOM0_DISK_PREFIX, n) == 0 ? path + n : NULL;
}

/* The entry of a /disk/<file> path: its slot, or -ENODEV / -ENOENT. */
static int disk_lookup(const char *path, struct pfs_dirent *e)
{
	const char *name = dom0_disk_file(path);

	if (!mounted)
		return -ENODEV;
	if (!name || !*name)
		return -ENOENT;
	return pfs_lookup(&fs, name, e);
}

int dom0_disk_load(const char *path, void **buf, size_t *len)
{
	struct pfs_dirent e;
	int slot = disk_lookup(path, &e);

	if (slot < 0)
		return slot;
	void *b = malloc(e.size ? e.size : 1);
	if (!b)
		return -ENOMEM;
	long got = pfs_read(&fs, (unsigned int)slot, 0, b, e.size);
	if (got != (long)e.size) {
		free(b);
		return got < 0 ? (int)got : -EIO;
	}
	*buf = b;
	*len = e.size;
	return 0;
}

int dom0_disk_region(const char *path, uint64_t *first, uint64_t *sectors)
{
	struct pfs_dirent e;
	int slot = disk_lookup(path, &e);

	if (slot < 0)
		return slot;
	if (e.size == 0)
		return -EINVAL;
	*first = e.start; /* pfs_entry checked it against the partition */
	*sectors = (e.size + SECTOR_SIZE - 1) / SECTOR_SIZE;
	return 0;
}

int dom0_disk_entry(unsigned int i, struct pfs_dirent *e)
{
	return mounted ? pfs_entry(&fs, i, e) : -ENODEV;
}
