/*
 * A RAM disk: a block device over a range of guest memory (an image
 * linked into the kernel or handed over as a boot module), registered in
 * the device table like any other disk.  The file system sees only the
 * device; switching to a real disk (blkfront's "xvda") is the name.
 */
#ifndef PVGUEST_FS_RAMDISK_H
#define PVGUEST_FS_RAMDISK_H

#include <core/device.h>

/* 0, or the device table's error. */
int ramdisk_register(struct device *dev, const char *name, void *base, size_t len);

#endif
