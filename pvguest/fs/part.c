/*
 * MBR partitions and partition devices (see part.h).
 *
 * mbr_parse trusts nothing in the sector: every entry is checked against
 * the disk's size and against the other entries before it is returned.
 * A partition device forwards each transfer to its disk, shifted by the
 * partition's first sector, after checking that it stays inside the
 * partition; a request that does not fit is refused whole (-EINVAL), a
 * write to a read-only partition with -EROFS.  Discard, DMA to machine
 * addresses (submit_bus) and vectored transfers (rw_vec: every piece
 * checked before any reaches the disk) are offered when the disk offers
 * them.  Devices are never removed
 * (the device table's rule), so a part_dev lives as long as dom0.
 */
#include "part.h"
#include <errno.h>
#include <stdio.h>
#include <string.h>

#define MBR_TABLE 446
#define MBR_ENTRY 16

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

int mbr_parse(const uint8_t sector0[SECTOR_SIZE], uint64_t disk_sectors,
	      struct mbr_part out[MBR_PARTS])
{
	struct mbr_part p[MBR_PARTS];
	int n = 0;

	if (sector0[510] != 0x55 || sector0[511] != 0xaa)
		return -EINVAL;
	for (unsigned int i = 0; i < MBR_PARTS; i++) {
		const uint8_t *e = sector0 + MBR_TABLE + i * MBR_ENTRY;
		if (e[4] == 0)
			continue;
		struct mbr_part q = {.index = i + 1,
				     .type = e[4],
				     .active = e[0] == 0x80,
				     .first = le32(e + 8),
				     .sectors = le32(e + 12)};
		if ((e[0] != 0 && e[0] != 0x80) || q.first == 0 || q.sectors == 0 ||
		    q.first >= disk_sectors || q.sectors > disk_sectors - q.first)
			return -EINVAL;
		for (int j = 0; j < n; j++)
			if (q.first < p[j].first + p[j].sectors && p[j].first < q.first + q.sectors)
				return -EINVAL;
		p[n++] = q;
	}
	memcpy(out, p, (size_t)n * sizeof(p[0]));
	return n;
}

static bool inside(const struct device *d, uint64_t first, uint64_t count)
{
	return first <= d->sectors && count <= d->sectors - first;
}

static int part_read(struct device *d, uint64_t first, uint32_t count, void *buf)
{
	struct part_dev *p = d->priv;
	if (!inside(d, first, count))
		return -EINVAL;
	return p->disk->block->read(p->disk, p->first + first, count, buf);
}

static int part_write(struct device *d, uint64_t first, uint32_t count, const void *buf)
{
	struct part_dev *p = d->priv;
	if (d->readonly)
		return -EROFS;
	if (!inside(d, first, count))
		return -EINVAL;
	return p->disk->block->write(p->disk, p->first + first, count, buf);
}

static int part_flush(struct device *d)
{
	struct part_dev *p = d->priv;
	return p->disk->block->flush ? p->disk->block->flush(p->disk) : 0;
}

static int part_discard(struct device *d, uint64_t first, uint64_t count)
{
	struct part_dev *p = d->priv;
	if (d->readonly)
		return -EROFS;
	if (!inside(d, first, count))
		return -EINVAL;
	return p->disk->block->discard(p->disk, p->first + first, count);
}

/* DMA straight to machine addresses (blkback's path): sectors shifted, then back. */
static int part_submit_bus(struct device *d, struct block_io *ios, unsigned int n)
{
	struct part_dev *p = d->priv;
	for (unsigned int i = 0; i < n; i++) {
		if (ios[i].write && d->readonly)
			return -EROFS;
		if (!inside(d, ios[i].sector, ios[i].count))
			return -EINVAL;
	}
	for (unsigned int i = 0; i < n; i++)
		ios[i].sector += p->first;
	int rc = p->disk->block->submit_bus(p->disk, ios, n);
	for (unsigned int i = 0; i < n; i++)
		ios[i].sector -= p->first;
	return rc;
}

/* Several transfers at once: each checked inside the partition, then shifted. */
static int part_rw_vec(struct device *d, bool write, const struct block_vec *v, unsigned int n)
{
	struct part_dev *p = d->priv;
	struct block_vec s[BLOCK_VEC_MAX];
	int rc = block_vec_check(d, write, v, n);

	if (rc)
		return rc;
	for (unsigned int i = 0; i < n; i++)
		s[i] = (struct block_vec){p->first + v[i].sector, v[i].count, v[i].buf};
	return block_rw_vec(p->disk, write, s, n);
}

int part_register(struct part_dev *p, struct device *disk, const struct mbr_part *part,
		  bool readonly)
{
	if (!disk || disk->kind != DEV_BLOCK || !disk->block || !part->sectors ||
	    !inside(disk, part->first, part->sectors))
		return -EINVAL;
	int n = snprintf(p->name, sizeof(p->name), "%sp%u", disk->name, part->index);
	if (n < 0 || (size_t)n >= sizeof(p->name))
		return -EINVAL;
	p->disk = disk;
	p->first = part->first;
	p->ops = (struct block_ops){.read = part_read,
				    .write = part_write,
				    .flush = part_flush,
				    .discard = disk->block->discard ? part_discard : NULL,
				    .submit_bus = disk->block->submit_bus ? part_submit_bus : NULL,
				    .rw_vec = disk->block->rw_vec ? part_rw_vec : NULL};
	p->dev = (struct device){.name = p->name,
				 .kind = DEV_BLOCK,
				 .priv = p,
				 .block = &p->ops,
				 .sectors = part->sectors,
				 .sector_size = disk->sector_size,
				 .readonly = readonly || disk->readonly};
	return device_register(&p->dev);
}
