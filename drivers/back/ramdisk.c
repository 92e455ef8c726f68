/*
 * RAM disks (see ramdisk.h).  The disk is an array of page pointers, one
 * per 4 KiB: NULL means "all zeros".  Sectors are 512 bytes; a transfer
 * walks the pages it touches, allocating on write.  A discard frees the
 * pages it covers completely and zeroes the partial ones at its ends, so
 * a later read returns zeros either way (what feature-discard promises
 * here; Xen leaves it undefined, zeros are the strictest choice).
 */
#include "ramdisk.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define RD_PAGE	  4096u
#define RD_SECTOR 512u

struct ramdisk {
	struct device dev;
	uint8_t **pages;
	unsigned long nr_pages, used;
	char name[16];
};

static struct ramdisk *rd_of(struct device *d)
{
	return (struct ramdisk *)d->priv;
}

static int rd_check(struct device *d, uint64_t sector, uint64_t count)
{
	return count && sector <= d->sectors && count <= d->sectors - sector ? 0 : -EINVAL;
}

/* Visit [sector, sector + count) page by page: fn(page slot, offset, buf offset, len). */
typedef int (*rd_fn)(struct ramdisk *rd, uint8_t **slot, size_t off, uint8_t *buf, size_t len);

static int rd_walk(struct device *d, uint64_t sector, uint64_t count, uint8_t *buf, rd_fn fn)
{
	struct ramdisk *rd = rd_of(d);
	uint64_t pos = sector * RD_SECTOR, end = (sector + count) * RD_SECTOR;

	if (rd_check(d, sector, count))
		return -EINVAL;
	while (pos < end) {
		size_t off = pos % RD_PAGE;
		size_t len = RD_PAGE - off < end - pos ? RD_PAGE - off : (size_t)(end - pos);
		int rc = fn(rd, &rd->pages[pos / RD_PAGE], off, buf, len);
		if (rc)
			return rc;
		if (buf)
			buf += len;
		pos += len;
	}
	return 0;
}

static int rd_read_page(struct ramdisk *rd, uint8_t **slot, size_t off, uint8_t *buf, size_t len)
{
	(void)rd;
	if (*slot)
		memcpy(buf, *slot + off, len);
	else
		memset(buf, 0, len);
	return 0;
}

static int rd_write_page(struct ramdisk *rd, uint8_t **slot, size_t off, uint8_t *buf, size_t len)
{
	if (!*slot) {
		if (!(*slot = calloc(1, RD_PAGE)))
			return -EIO;
		rd->used++;
	}
	memcpy(*slot + off, buf, len);
	return 0;
}

static int rd_discard_page(struct ramdisk *rd, uint8_t **slot, size_t off, uint8_t *buf, size_t len)
{
	(void)buf;
	if (!*slot)
		return 0;
	if (len < RD_PAGE) {
		memset(*slot + off, 0, len);
		return 0;
	}
	free(*slot);
	*slot = NULL;
	rd->used--;
	return 0;
}

static int rd_read(struct device *d, uint64_t sector, uint32_t count, void *buf)
{
	return rd_walk(d, sector, count, buf, rd_read_page);
}

static int rd_write(struct device *d, uint64_t sector, uint32_t count, const void *buf)
{
	return rd_walk(d, sector, count, (uint8_t *)(uintptr_t)buf, rd_write_page);
}

static int rd_discard(struct device *d, uint64_t sector, uint64_t count)
{
	return rd_walk(d, sector, count, NULL, rd_discard_page);
}

static const struct block_ops rd_ops = {
	.read = rd_read, .write = rd_write, .flush = NULL, .discard = rd_discard};

struct device *ramdisk_create(const char *name, uint64_t bytes)
{
	struct ramdisk *rd = calloc(1, sizeof(*rd));

	if (!rd || !bytes)
		goto fail;
	rd->nr_pages = (unsigned long)((bytes + RD_PAGE - 1) / RD_PAGE);
	if (!(rd->pages = calloc(rd->nr_pages, sizeof(*rd->pages))))
		goto fail;
	strncpy(rd->name, name, sizeof(rd->name) - 1);
	rd->dev = (struct device){.name = rd->name,
				  .kind = DEV_BLOCK,
				  .priv = rd,
				  .block = &rd_ops,
				  .sectors = (uint64_t)rd->nr_pages * (RD_PAGE / RD_SECTOR),
				  .sector_size = RD_SECTOR};
	return &rd->dev;
fail:
	free(rd);
	return NULL;
}

void ramdisk_destroy(struct device *d)
{
	struct ramdisk *rd = rd_of(d);

	for (unsigned long i = 0; i < rd->nr_pages; i++)
		free(rd->pages[i]);
	free(rd->pages);
	free(rd);
}

unsigned long ramdisk_pages(const struct device *d)
{
	return ((const struct ramdisk *)d->priv)->used;
}
