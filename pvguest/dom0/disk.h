/*
 * dom0's own files: the pfs (pvguest/fs/pfs.h) on a partition of its
 * first SATA disk, seen as the directory /disk.
 *
 * At start of day (init level DOM0_INIT_BACKEND, after the drivers) dom0
 * reads the disk's MBR, registers each partition as a block device of its
 * own ("sata0p1" ... usable as disk=sata0p1 by hx create), and mounts the
 * first partition of type MBR_TYPE_PFS (0x7F) that holds a pfs, read-only:
 * dom0 only reads its files (guest images for hx create /disk/<file>, the
 * boot config /disk/hx.cfg, anything for ls and cat), and a read-only
 * partition may be handed to domUs too without anyone seeing a file
 * change under them.  scripts/mkdisk.py builds such a disk on the host.
 *
 * Paths: "/disk/<name>" names the file <name> of the pfs (pfs names may
 * hold '/', e.g. /disk/boot/pvguest-domU is the file "boot/pvguest-domU").
 */
#ifndef DOM0_DISK_H
#define DOM0_DISK_H

#include <fs/pfs.h>
#include <stddef.h>
#include <stdint.h>

#define DOM0_DISK_DIR	 "/disk"
#define DOM0_DISK_PREFIX "/disk/"

/*
 * Register the partitions of block device `disk` and mount the first
 * pfs partition on /disk.  0, or -ENODEV (no such disk), -EINVAL (no
 * partition table), -ENOENT (no partition of type 0x7F holding a pfs),
 * -EBUSY (something is mounted already).
 */
int dom0_disk_mount(const char *disk);
/* The mounted partition, NULL if /disk is not there. */
struct device *dom0_disk_device(void);
/* The pfs name a path gives: what follows "/disk/", NULL for another path. */
const char *dom0_disk_file(const char *path);
/*
 * The whole file at path, in a new malloc'd buffer (the caller frees it)
 * of *len bytes.  0, or -ENODEV (nothing mounted), -ENOENT (no such file,
 * or a path outside /disk), -ENAMETOOLONG, -ENOMEM, -EIO.
 */
int dom0_disk_load(const char *path, void **buf, size_t *len);
/*
 * Where the file at path lies on the mounted partition: its first sector
 * and its size in whole sectors (a pfs file is one contiguous extent),
 * for a domU's disk backed by a file (disk=/disk/<file>).  0, or the
 * errors of dom0_disk_load but -ENOMEM; -EINVAL for an empty file.
 */
int dom0_disk_region(const char *path, uint64_t *first, uint64_t *sectors);
/* Slot i of /disk's directory (a free slot has an empty name); -ENOENT past the end. */
int dom0_disk_entry(unsigned int i, struct pfs_dirent *e);

#endif
