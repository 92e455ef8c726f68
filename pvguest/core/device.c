/*
 * The device table (see device.h): a fixed array of registered devices,
 * looked up by name.  Devices register at start of day, before programs
 * run, and are never removed; lookups therefore need no lock.
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
