/*
 * RAM disks: block devices held in dom0's memory, a backing store for
 * blkback (`disk=ram:<MiB>`).  Sparse: a 4 KiB page is allocated on its
 * first write, a read of a page never written returns zeros, and a
 * discard of whole pages gives them back.  blkback owns the RAM disks it
 * creates; they are not entered in the device table.
 */
#ifndef DRIVERS_BACK_RAMDISK_H
#define DRIVERS_BACK_RAMDISK_H

#include <stdint.h>
#include <core/device.h>

/* A new RAM disk of `bytes` (rounded up to 4 KiB), not yet registered. */
struct device *ramdisk_create(const char *name, uint64_t bytes);
void ramdisk_destroy(struct device *d);
/* Pages currently allocated (tests). */
unsigned long ramdisk_pages(const struct device *d);

#endif
