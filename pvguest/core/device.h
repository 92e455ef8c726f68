/*
 * The device table: drivers register what they provide (a console, a
 * block device, a network interface) under a name; newlib's glue and the
 * programs look devices up by name.  The guest kernel so never includes a
 * driver (STYLE.md, layering).
 */
#ifndef PVGUEST_CORE_DEVICE_H
#define PVGUEST_CORE_DEVICE_H

#include <stddef.h>
#include <sys/types.h>

enum device_kind { DEV_CONSOLE, DEV_BLOCK, DEV_NET };

struct device {
	const char *name;
	enum device_kind kind;
	void *priv;
	/* Byte-stream devices; NULL where not supported. -errno on failure. */
	ssize_t (*read)(struct device *d, void *buf, size_t len);
	ssize_t (*write)(struct device *d, const void *buf, size_t len);
};

#define DEVICES_MAX 16

/* 0, or -EEXIST (name taken), -ENOSPC (table full), -EINVAL. */
int device_register(struct device *d);
struct device *device_find(const char *name);

#endif
