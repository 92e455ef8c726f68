/*
 * The RAM disk block device (see ramdisk.h): sector transfers are copies
 * to and from the memory range; a request past the end is refused whole.
 */
#include "ramdisk.h"
#include <errno.h>
#include <string.h>

static int in_range(struct device *d, uint64_t first, uint32_t count)
{
	return first <= d->sectors && count <= d->sectors - first;
}

static int ram_read(struct device *d, uint64_t first, uint32_t count, void *buf)
{
	if (!in_range(d, first, count))
		return -EINVAL;
	memcpy(buf, (char *)d->priv + first * SECTOR_SIZE, (size_t)count * SECTOR_SIZE);
	return 0;
}

static int ram_write(struct device *d, uint64_t first, uint32_t count, const void *buf)
{
	if (!in_range(d, first, count))
		return -EINVAL;
	memcpy((char *)d->priv + first * SECTOR_SIZE, buf, (size_t)count * SECTOR_SIZE);
	return 0;
}

static const struct block_ops ram_ops = {.read = ram_read, .write = ram_write};

int ramdisk_register(struct device *dev, const char *name, void *base, size_t len)
{
	*dev = (struct device){.name = name,
			       .kind = DEV_BLOCK,
			       .priv = base,
			       .block = &ram_ops,
			       .sectors = len / SECTOR_SIZE,
			       .sector_size = SECTOR_SIZE};
	return device_register(dev);
}
