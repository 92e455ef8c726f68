/*
 * ACPI tables for dom0 (acpi.h).
 *
 * The RSDP ("RSD PTR ", 16-byte aligned) lies in the BIOS area
 * 0xE0000-0xFFFFF on PCs with a BIOS or a CSM; its first 20 bytes sum to
 * zero, and from revision 2 on all `length` bytes do too.  Revision 2
 * adds the 64-bit XSDT address, whose entries are 8 bytes wide; otherwise
 * the RSDT's are 4.  Every table starts with the same 36-byte header:
 * signature, length, revision, checksum (all bytes sum to zero).
 *
 * The firmware's memory is not dom0's RAM: each table is mapped through
 * hw_map_mmio(), first its header (to learn the length), then the whole
 * table.  Nothing in it is trusted: a length below the header or beyond
 * ACPI_TABLE_MAX, a bad checksum or a root table whose entry count does
 * not fit ends the search.  (UEFI machines without a CSM keep the RSDP
 * elsewhere; the caller then goes on without ACPI.)
 */
#include "acpi.h"
#include "hw.h"
#include <string.h>

#define HDR_LEN	       36
#define ACPI_TABLE_MAX (1u << 20)

static uint8_t sum(const volatile uint8_t *p, uint32_t len)
{
	uint8_t s = 0;
	while (len--)
		s += *p++;
	return s;
}

static uint32_t le32(const volatile uint8_t *p)
{
	return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const volatile uint8_t *p)
{
	return le32(p) | (uint64_t)le32(p + 4) << 32;
}

/* The root table's address from the RSDP; *wide: XSDT (8-byte entries). */
static uint64_t find_root(int *wide)
{
	const volatile uint8_t *area = hw_map_mmio(ACPI_BIOS_AREA, ACPI_BIOS_AREA_SIZE);
	if (!area)
		return 0;
	for (uint32_t off = 0; off + 36 <= ACPI_BIOS_AREA_SIZE; off += 16) {
		const volatile uint8_t *r = area + off;
		if (memcmp((const void *)r, "RSD PTR ", 8) != 0 || sum(r, 20) != 0)
			continue;
		uint32_t len = le32(r + 20);
		if (r[15] >= 2 && len >= 36 && len <= ACPI_BIOS_AREA_SIZE - off &&
		    sum(r, len) == 0 && le64(r + 24)) {
			*wide = 1;
			return le64(r + 24);
		}
		*wide = 0;
		return le32(r + 16);
	}
	return 0;
}

/* Maps the table at pa, checked; NULL if damaged. */
static const volatile uint8_t *map_table(uint64_t pa, uint32_t *len)
{
	const volatile uint8_t *h = hw_map_mmio(pa, HDR_LEN);
	if (!h)
		return NULL;
	uint32_t l = le32(h + 4);
	if (l < HDR_LEN || l > ACPI_TABLE_MAX)
		return NULL;
	const volatile uint8_t *t = hw_map_mmio(pa, l);
	if (!t || sum(t, l) != 0)
		return NULL;
	*len = l;
	return t;
}

const void *acpi_table(const char *sig, uint32_t *len)
{
	int wide = 0;
	uint64_t root_pa = find_root(&wide);
	uint32_t root_len, entry = wide ? 8 : 4;
	const volatile uint8_t *root = root_pa ? map_table(root_pa, &root_len) : NULL;
	if (!root || memcmp((const void *)root, wide ? "XSDT" : "RSDT", 4) != 0)
		return NULL;
	for (uint32_t off = HDR_LEN; off + entry <= root_len; off += entry) {
		uint64_t pa = wide ? le64(root + off) : le32(root + off);
		const volatile uint8_t *h = pa ? hw_map_mmio(pa, HDR_LEN) : NULL;
		if (!h || memcmp((const void *)h, sig, 4) != 0)
			continue;
		const volatile uint8_t *t = map_table(pa, len);
		return (const void *)t;
	}
	return NULL;
}
