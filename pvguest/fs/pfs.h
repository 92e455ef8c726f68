/*
 * pfs, the pvguest file system: a flat directory of named files, each one
 * contiguous extent of 512-byte sectors on a block device from the device
 * table.  The format is documented in docs/guest-processes.md; the code in
 * pfs.c is shared by the guest kernel and the host tool (pvguest/tools/
 * mkpfs.c) that builds and lists images.
 */
#ifndef PVGUEST_FS_PFS_H
#define PVGUEST_FS_PFS_H

#include <core/device.h>
#include <stdint.h>

#define PFS_MAGIC      "PVGFS1"
#define PFS_NAME_MAX   48  /* including the NUL; '/' is an ordinary character */
#define PFS_NEW_EXTENT 128 /* sectors a file created by a program starts with */

struct pfs_super { /* sector 0 */
	char magic[8];
	uint32_t version;
	uint32_t dir_sectors; /* directory: sectors 1 .. dir_sectors */
	uint64_t total_sectors;
	uint64_t next_free; /* first sector no extent uses */
};

struct pfs_dirent { /* 64 bytes, 8 per sector; name[0] == 0: free */
	char name[PFS_NAME_MAX];
	uint64_t start;	 /* first sector */
	uint32_t size;	 /* bytes */
	uint32_t extent; /* sectors reserved */
};

struct pfs {
	struct device *dev;
	struct pfs_super sb;
};

/* Writes an empty file system over the whole device. */
int pfs_format(struct device *dev, uint32_t dir_sectors);
/* 0, -EINVAL (no pfs there) or -EIO. */
int pfs_mount(struct pfs *fs, struct device *dev);
/* Directory slot of name: >= 0, or -ENOENT / -ENAMETOOLONG / -EIO. */
int pfs_lookup(struct pfs *fs, const char *name, struct pfs_dirent *e);
/* A new empty file with `sectors` reserved: its slot, or -EEXIST, -ENOSPC,
 * -ENAMETOOLONG, -EINVAL. */
int pfs_create(struct pfs *fs, const char *name, uint32_t sectors);
/* Entry of slot (-ENOENT past the directory, empty name: free slot). */
int pfs_entry(struct pfs *fs, unsigned int slot, struct pfs_dirent *e);
long pfs_read(struct pfs *fs, unsigned int slot, uint64_t off, void *buf, size_t len);
/* Writes and grows the size; -EFBIG past the extent (unless the file is
 * the last one and the device has room: then the extent grows). */
long pfs_write(struct pfs *fs, unsigned int slot, uint64_t off, const void *buf, size_t len);
int pfs_truncate(struct pfs *fs, unsigned int slot);
int pfs_unlink(struct pfs *fs, const char *name);
unsigned int pfs_slots(const struct pfs *fs);

#endif
