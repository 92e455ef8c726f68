/*
 * Which machine memory is free for the allocator, from the loader's map.
 *
 * memmap_usable() takes the RAM ranges of the boot memory map, shrinks each
 * to whole pages, and removes from them every range the map marks as
 * anything but RAM (firmware, ACPI, NVS, bad memory: where a map is
 * inconsistent, "not RAM" wins) and every range in excl (the hypervisor
 * image, the modules, the first MiB, ...; widened to whole pages).  The
 * result is sorted, non-overlapping and merged.  Host-tested in
 * tests/unit/frame_alloc.
 */
#ifndef HOSPES_MEMMAP_H
#define HOSPES_MEMMAP_H

#include <hospes/boot_info.h>

struct phys_range {
	paddr_t start, end; /* [start, end) */
};

/* Number of ranges written to out (at most max; *dropped counts the rest). */
unsigned int memmap_usable(const struct boot_info *bi, const struct phys_range *excl,
			   unsigned int nr_excl, struct phys_range *out, unsigned int max,
			   unsigned int *dropped);

#endif
