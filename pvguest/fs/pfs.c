/*
 * pfs (see pfs.h and docs/guest-processes.md for the on-disk format).
 *
 * Sector 0 holds the superblock, sectors 1..dir_sectors the directory
 * (64-byte entries), then the data.  A file is one extent: start sector,
 * reserved sectors, size in bytes.  Extents are handed out from
 * sb.next_free upward and never move; an unlinked file's extent is not
 * reused (a small, honest limit: the tool builds images, programs write
 * a few small files).  The last extent may grow in place.
 *
 * Transfers go through a sector buffer on the caller's stack: partial
 * sectors are read, patched and written back; reads of whole sectors go
 * straight into the caller's buffer, READ_BATCH sectors per device call.  Every number read from the device is
 * checked against the superblock before use (a corrupt image returns
 * -EIO, never reads outside the device).  Single vCPU, called only from
 * thread context.  No lock: on a device whose transfers block (blkfront),
 * two threads updating the directory at once could interleave; the RAM
 * disk never blocks.
 */
#include "pfs.h"
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#define PER_SECTOR (SECTOR_SIZE / sizeof(struct pfs_dirent))
#define READ_BATCH 256 /* sectors per device read of whole sectors (128 KiB) */

static int rd(struct pfs *fs, uint64_t s, uint8_t *sec)
{
	return fs->dev->block->read(fs->dev, s, 1, sec);
}

static int wr(struct pfs *fs, uint64_t s, const uint8_t *sec)
{
	return fs->dev->block->write(fs->dev, s, 1, sec);
}

unsigned int pfs_slots(const struct pfs *fs)
{
	return fs->sb.dir_sectors * PER_SECTOR;
}

static int put_super(struct pfs *fs)
{
	uint8_t sec[SECTOR_SIZE] = {0};
	memcpy(sec, &fs->sb, sizeof(fs->sb));
	return wr(fs, 0, sec);
}

static bool extent_ok(const struct pfs *fs, const struct pfs_dirent *e)
{
	uint64_t data = 1 + (uint64_t)fs->sb.dir_sectors;
	return e->start >= data && e->start <= fs->sb.next_free &&
	       e->extent <= fs->sb.next_free - e->start &&
	       e->size <= (uint64_t)e->extent * SECTOR_SIZE;
}

int pfs_entry(struct pfs *fs, unsigned int slot, struct pfs_dirent *e)
{
	uint8_t sec[SECTOR_SIZE];
	if (slot >= pfs_slots(fs))
		return -ENOENT;
	if (rd(fs, 1 + slot / PER_SECTOR, sec))
		return -EIO;
	memcpy(e, sec + (slot % PER_SECTOR) * sizeof(*e), sizeof(*e));
	e->name[PFS_NAME_MAX - 1] = '\0';
	return e->name[0] && !extent_ok(fs, e) ? -EIO : 0;
}

static int put_entry(struct pfs *fs, unsigned int slot, const struct pfs_dirent *e)
{
	uint8_t sec[SECTOR_SIZE];
	if (rd(fs, 1 + slot / PER_SECTOR, sec))
		return -EIO;
	memcpy(sec + (slot % PER_SECTOR) * sizeof(*e), e, sizeof(*e));
	return wr(fs, 1 + slot / PER_SECTOR, sec) ? -EIO : 0;
}

int pfs_format(struct device *dev, uint32_t dir_sectors)
{
	struct pfs fs = {.dev = dev};
	uint8_t sec[SECTOR_SIZE] = {0};
	if (!dev->block || dev->sector_size != SECTOR_SIZE || dir_sectors == 0 ||
	    dev->sectors < 2 + (uint64_t)dir_sectors)
		return -EINVAL;
	memcpy(fs.sb.magic, PFS_MAGIC, sizeof(PFS_MAGIC));
	fs.sb.version = 1;
	fs.sb.dir_sectors = dir_sectors;
	fs.sb.total_sectors = dev->sectors;
	fs.sb.next_free = 1 + (uint64_t)dir_sectors;
	for (uint32_t s = 1; s <= dir_sectors; s++)
		if (wr(&fs, s, sec))
			return -EIO;
	return put_super(&fs) ? -EIO : 0;
}

int pfs_mount(struct pfs *fs, struct device *dev)
{
	uint8_t sec[SECTOR_SIZE];
	fs->dev = dev;
	if (!dev->block || dev->sector_size != SECTOR_SIZE || dev->sectors < 2)
		return -EINVAL;
	if (rd(fs, 0, sec))
		return -EIO;
	memcpy(&fs->sb, sec, sizeof(fs->sb));
	const struct pfs_super *s = &fs->sb;
	if (memcmp(s->magic, PFS_MAGIC, sizeof(PFS_MAGIC)) || s->version != 1 ||
	    s->dir_sectors == 0 || s->total_sectors > dev->sectors ||
	    s->next_free < 1 + (uint64_t)s->dir_sectors || s->next_free > s->total_sectors)
		return -EINVAL;
	return 0;
}

int pfs_lookup(struct pfs *fs, const char *name, struct pfs_dirent *e)
{
	if (strlen(name) >= PFS_NAME_MAX)
		return -ENAMETOOLONG;
	for (unsigned int i = 0; i < pfs_slots(fs); i++) {
		int rc = pfs_entry(fs, i, e);
		if (rc)
			return rc;
		if (e->name[0] && strcmp(e->name, name) == 0)
			return (int)i;
	}
	return -ENOENT;
}

int pfs_create(struct pfs *fs, const char *name, uint32_t sectors)
{
	struct pfs_dirent e;
	if (!name[0])
		return -EINVAL;
	int rc = pfs_lookup(fs, name, &e);
	if (rc != -ENOENT)
		return rc < 0 ? rc : -EEXIST;
	if (sectors > fs->sb.total_sectors - fs->sb.next_free)
		return -ENOSPC;
	for (unsigned int i = 0; i < pfs_slots(fs); i++) {
		if ((rc = pfs_entry(fs, i, &e)) != 0)
			return rc;
		if (e.name[0])
			continue;
		memset(&e, 0, sizeof(e));
		strcpy(e.name, name);
		e.start = fs->sb.next_free;
		e.extent = sectors;
		fs->sb.next_free += sectors;
		if (put_super(fs) || put_entry(fs, i, &e))
			return -EIO;
		return (int)i;
	}
	return -ENOSPC;
}

long pfs_read(struct pfs *fs, unsigned int slot, uint64_t off, void *buf, size_t len)
{
	struct pfs_dirent e;
	int rc = pfs_entry(fs, slot, &e);
	if (rc || !e.name[0])
		return rc ? rc : -ENOENT;
	uint8_t sec[SECTOR_SIZE];
	if (off >= e.size)
		return 0;
	if (len > e.size - off)
		len = e.size - off;
	for (size_t done = 0; done < len;) {
		uint64_t pos = off + done;
		size_t in = pos % SECTOR_SIZE, n = SECTOR_SIZE - in;
		if (in == 0 && len - done >= SECTOR_SIZE) { /* whole sectors straight in */
			size_t whole = (len - done) / SECTOR_SIZE;
			whole = whole < READ_BATCH ? whole : READ_BATCH;
			if (fs->dev->block->read(fs->dev, e.start + pos / SECTOR_SIZE,
						 (uint32_t)whole, (char *)buf + done))
				return -EIO;
			done += whole * SECTOR_SIZE;
			continue;
		}
		n = n < len - done ? n : len - done;
		if (rd(fs, e.start + pos / SECTOR_SIZE, sec))
			return -EIO;
		memcpy((char *)buf + done, sec + in, n);
		done += n;
	}
	return (long)len;
}

/* Room for end bytes in e's extent, growing the last extent if possible. */
static int make_room(struct pfs *fs, struct pfs_dirent *e, uint64_t end)
{
	uint64_t need = (end + SECTOR_SIZE - 1) / SECTOR_SIZE;
	if (need <= e->extent)
		return 0;
	if (e->start + e->extent != fs->sb.next_free || need > UINT32_MAX ||
	    e->start + need > fs->sb.total_sectors)
		return -EFBIG;
	fs->sb.next_free = e->start + need;
	e->extent = (uint32_t)need;
	return put_super(fs) ? -EIO : 0;
}

long pfs_write(struct pfs *fs, unsigned int slot, uint64_t off, const void *buf, size_t len)
{
	struct pfs_dirent e;
	int rc = pfs_entry(fs, slot, &e);
	if (rc || !e.name[0])
		return rc ? rc : -ENOENT;
	if (off > UINT32_MAX || len > UINT32_MAX - off)
		return -EFBIG;
	if ((rc = make_room(fs, &e, off + len)) != 0)
		return rc;
	uint8_t sec[SECTOR_SIZE];
	for (size_t done = 0; done < len;) {
		uint64_t pos = off + done, s = e.start + pos / SECTOR_SIZE;
		size_t in = pos % SECTOR_SIZE, n = SECTOR_SIZE - in;
		n = n < len - done ? n : len - done;
		if ((n < SECTOR_SIZE && rd(fs, s, sec)) ||
		    (memcpy(sec + in, (const char *)buf + done, n), wr(fs, s, sec)))
			return -EIO;
		done += n;
	}
	if (off + len > e.size) {
		e.size = (uint32_t)(off + len);
		if (put_entry(fs, slot, &e))
			return -EIO;
	}
	return (long)len;
}

int pfs_truncate(struct pfs *fs, unsigned int slot)
{
	struct pfs_dirent e;
	int rc = pfs_entry(fs, slot, &e);
	if (rc || !e.name[0])
		return rc ? rc : -ENOENT;
	e.size = 0;
	return put_entry(fs, slot, &e);
}

int pfs_unlink(struct pfs *fs, const char *name)
{
	struct pfs_dirent e;
	int slot = pfs_lookup(fs, name, &e);
	if (slot < 0)
		return slot;
	memset(&e, 0, sizeof(e));
	return put_entry(fs, (unsigned int)slot, &e);
}
