/*
 * Disk partitions: the primary entries of a disk's MBR partition table
 * (sector 0), and a partition as a block device of its own in the device
 * table ("sata0p2"), so a file system or a vbd names it like a disk.
 *
 * Layout (the classic PC one): sector 0 ends in 0x55 0xAA; four 16-byte
 * entries at byte 446 hold status (0x80 active), a CHS address we ignore,
 * the type, another CHS address, then the first sector and the sector
 * count, both 32-bit little-endian, in the disk's own sectors.  Extended
 * partitions are listed as entries, never followed.  The type Hospes uses
 * for a pfs (pvguest/fs/pfs.h) is MBR_TYPE_PFS.
 */
#ifndef PVGUEST_FS_PART_H
#define PVGUEST_FS_PART_H

#include <core/device.h>
#include <stdbool.h>
#include <stdint.h>

#define MBR_PARTS     4
#define MBR_TYPE_PFS  0x7f /* "individual or local use": a pfs in Hospes */
#define PART_NAME_MAX 16

struct mbr_part {
	unsigned int index; /* 1..4: the entry's place in the table */
	uint8_t type;
	bool active;
	uint64_t first, sectors;
};

/*
 * The used entries (type != 0) of sector 0 of a disk of disk_sectors
 * sectors, in table order: how many were written to out[], or -EINVAL
 * when there is no partition table (no 55 AA) or an entry is empty,
 * reaches past the disk, or overlaps another.
 */
int mbr_parse(const uint8_t sector0[SECTOR_SIZE], uint64_t disk_sectors,
	      struct mbr_part out[MBR_PARTS]);

/* A partition device: sectors [first, first + dev.sectors) of disk. */
struct part_dev {
	struct device dev;
	struct block_ops ops; /* the disk's, shifted; NULL where the disk has none */
	struct device *disk;
	uint64_t first;
	char name[PART_NAME_MAX];
};

/*
 * Register "<disk name>p<index>" for part of disk (read-only if readonly
 * or the disk is).  0, or -EINVAL (not a block device, or the partition
 * lies outside it), or the device table's error.
 */
int part_register(struct part_dev *p, struct device *disk, const struct mbr_part *part,
		  bool readonly);

#endif
