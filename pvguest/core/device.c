/*
 * The device table (see device.h): a fixed array of registered devices,
 * looked up by name.  Devices register at start of day, before programs
 * run, and are never removed; lookups therefore need no lock.
 * block_rw_vec gives every block device the vectored call: its own
 * rw_vec, or the same checks and then one call per piece.
 */
#include "device.h"
#include <errno.h>
#include <string.h>

static struct device *table[DEVICES_MAX];
static unsigned int count;

struct device *device_find(const char *name)
{
	for (unsigned int i = 0; i < count; i++)
		if (strcmp(table[i]->name, name) == 0)
			return table[i];
	return NULL;
}

int device_register(struct device *d)
{
	if (!d || !d->name || !d->name[0])
		return -EINVAL;
	if (device_find(d->name))
		return -EEXIST;
	if (count == DEVICES_MAX)
		return -ENOSPC;
	table[count++] = d;
	return 0;
}

int block_vec_check(const struct device *d, bool write, const struct block_vec *v, unsigned int n)
{
	if (!n || n > BLOCK_VEC_MAX)
		return -EINVAL;
	for (unsigned int i = 0; i < n; i++)
		if (!v[i].count || v[i].sector > d->sectors ||
		    v[i].count > d->sectors - v[i].sector || (uintptr_t)v[i].buf % BLOCK_VEC_ALIGN)
			return -EINVAL;
	return write && d->readonly ? -EROFS : 0;
}

int block_rw_vec(struct device *d, bool write, const struct block_vec *v, unsigned int n)
{
	if (d->block->rw_vec)
		return d->block->rw_vec(d, write, v, n);
	int rc = block_vec_check(d, write, v, n);
	for (unsigned int i = 0; i < n && !rc; i++)
		rc = write ? d->block->write(d, v[i].sector, v[i].count, v[i].buf)
			   : d->block->read(d, v[i].sector, v[i].count, v[i].buf);
	return rc;
}
