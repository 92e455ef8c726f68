/*
 * ACPI table walker: from the RSDP to the handful of facts Hospes needs.
 *
 * The firmware's tables are read through a map callback (physical address,
 * length -> pointer or NULL), never dereferenced blindly: each table is
 * mapped header-first, its length checked against a sane bound, then mapped
 * whole and checksummed before any field is read.  Fields are read with
 * byte-wise little-endian loads, because ACPI structures are packed and
 * unaligned.  A bad table costs a warning and is skipped; the walk goes on
 * so that, for example, a broken HPET table does not hide the MADT.
 *
 * \_S5 is found the usual small way, without an AML interpreter: search the
 * DSDT for the NameOp "_S5_" followed by a PackageOp and read its first two
 * integer elements (SLP_TYPa, SLP_TYPb).
 *
 * No locks: it runs once, on the boot CPU, before the others start.
 */
#include <hospes/acpi.h>
#include <hospes/lib.h>

#define HDR_LEN	      36
#define MAX_TABLE_LEN (1U << 20)

#define FADT_RESET_REG_SUP (1U << 10)
#define FADT_TMR_VAL_EXT   (1U << 8)

struct acpi_info acpi_info;

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)get16(p) | (uint32_t)get16(p + 2) << 16;
}

static uint64_t get64(const uint8_t *p)
{
	return (uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32;
}

static void warn(struct acpi_info *ai, const char *what, paddr_t pa)
{
	ai->nr_warnings++;
	printk(LOG_WARN "acpi: %s at %#lx, skipped\n", what, (unsigned long)pa);
}

bool acpi_checksum_ok(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint8_t sum = 0;
	for (size_t i = 0; i < len; i++)
		sum = (uint8_t)(sum + b[i]);
	return sum == 0;
}

/* Map and validate the whole table at pa; NULL (with a warning) if bad. */
static const uint8_t *map_table(acpi_map_fn map, void *ctx, paddr_t pa, struct acpi_info *ai)
{
	const uint8_t *h = map(ctx, pa, HDR_LEN);
	if (!h) {
		warn(ai, "unreadable table", pa);
		return NULL;
	}
	uint32_t len = get32(h + 4);
	if (len < HDR_LEN || len > MAX_TABLE_LEN) {
		warn(ai, "table with a bad length", pa);
		return NULL;
	}
	const uint8_t *t = map(ctx, pa, len);
	if (!t) {
		warn(ai, "truncated table", pa);
		return NULL;
	}
	if (!acpi_checksum_ok(t, len)) {
		warn(ai, "table with a bad checksum", pa);
		return NULL;
	}
	return t;
}

static bool rsdp_valid(const uint8_t *r, size_t avail)
{
	if (avail < 20 || memcmp(r, "RSD PTR ", 8) != 0 || !acpi_checksum_ok(r, 20))
		return false;
	if (r[15] < 2)
		return true;
	uint32_t len = get32(r + 20);
	return len >= 36 && len <= avail && acpi_checksum_ok(r, len);
}

static paddr_t scan_range(acpi_map_fn map, void *ctx, paddr_t start, size_t len)
{
	const uint8_t *p = map(ctx, start, len);
	if (!p)
		return 0;
	for (size_t off = 0; off + 20 <= len; off += 16)
		if (rsdp_valid(p + off, len - off))
			return start + off;
	return 0;
}

paddr_t acpi_scan_rsdp(acpi_map_fn map, void *ctx)
{
	const uint8_t *bda = map(ctx, 0x40E, 2);
	paddr_t found = 0;
	if (bda) {
		paddr_t ebda = (paddr_t)get16(bda) << 4;
		if (ebda >= 0x80000 && ebda < 0xA0000)
			found = scan_range(map, ctx, ebda, 1024);
	}
	if (!found)
		found = scan_range(map, ctx, 0xE0000, 0x20000);
	return found;
}

static void madt_cpu(struct acpi_info *ai, uint32_t apic_id, uint32_t uid, uint32_t flags)
{
	if (!(flags & 1))
		return; /* disabled (or only online-capable): not started */
	for (unsigned int i = 0; i < ai->nr_cpus; i++)
		if (ai->cpus[i].apic_id == apic_id)
			return; /* listed both as xAPIC and x2APIC */
	if (ai->nr_cpus == ACPI_MAX_CPUS) {
		ai->nr_warnings++;
		return;
	}
	ai->cpus[ai->nr_cpus++] = (struct acpi_cpu){.apic_id = apic_id, .uid = uid};
}

static void madt_ioapic(struct acpi_info *ai, const uint8_t *e)
{
	if (ai->nr_ioapics == ACPI_MAX_IOAPICS) {
		ai->nr_warnings++;
		return;
	}
	ai->ioapics[ai->nr_ioapics++] =
		(struct acpi_ioapic){.id = e[2], .addr = get32(e + 4), .gsi_base = get32(e + 8)};
}

static void madt_override(struct acpi_info *ai, const uint8_t *e)
{
	if (e[2] != 0 || ai->nr_overrides == ACPI_MAX_OVERRIDE) {
		ai->nr_warnings++; /* only ISA (bus 0) overrides exist in practice */
		return;
	}
	ai->overrides[ai->nr_overrides++] =
		(struct acpi_override){.bus_irq = e[3], .gsi = get32(e + 4), .flags = get16(e + 8)};
}

/* One MADT entry e of length len (>= 2, inside the table). */
static void madt_entry(struct acpi_info *ai, const uint8_t *e, uint8_t len)
{
	switch (e[0]) {
	case 0: /* processor local APIC */
		if (len >= 8)
			madt_cpu(ai, e[3], e[2], get32(e + 4));
		return;
	case 1: /* IOAPIC */
		if (len >= 12)
			madt_ioapic(ai, e);
		return;
	case 2: /* interrupt source override */
		if (len >= 10)
			madt_override(ai, e);
		return;
	case 5: /* local APIC address override */
		if (len >= 12)
			ai->lapic_addr = get64(e + 4);
		return;
	case 9: /* processor local x2APIC */
		if (len >= 16)
			madt_cpu(ai, get32(e + 4), get32(e + 12), get32(e + 8));
		return;
	default:
		return;
	}
}

static void parse_madt(struct acpi_info *ai, const uint8_t *t, uint32_t len)
{
	if (len < 44)
		return;
	ai->has_madt = true;
	if (!ai->lapic_addr)
		ai->lapic_addr = get32(t + 36);
	ai->pcat_compat = get32(t + 40) & 1;
	for (uint32_t off = 44; off + 2 <= len;) {
		uint8_t elen = t[off + 1];
		if (elen < 2 || off + elen > len) {
			ai->nr_warnings++;
			printk(LOG_WARN "acpi: MADT entry at offset %u overruns the table\n", off);
			return;
		}
		madt_entry(ai, t + off, elen);
		off += elen;
	}
}

static void read_gas(struct acpi_gas *g, const uint8_t *p)
{
	*g = (struct acpi_gas){.space = p[0],
			       .bit_width = p[1],
			       .bit_offset = p[2],
			       .access_size = p[3],
			       .address = get64(p + 4)};
}

/* A PM1 control block: the 64-bit GAS when present and non-zero, else the port. */
static void pm1_block(struct acpi_gas *g, const uint8_t *t, uint32_t len, uint32_t port_off,
		      uint32_t gas_off)
{
	if (len >= gas_off + 12 && get64(t + gas_off + 4)) {
		read_gas(g, t + gas_off);
		return;
	}
	*g = (struct acpi_gas){
		.space = ACPI_GAS_IO, .bit_width = 16, .address = get32(t + port_off)};
}

static paddr_t fadt_dsdt(const uint8_t *t, uint32_t len)
{
	if (len >= 148 && get64(t + 140))
		return get64(t + 140);
	return get32(t + 40);
}

/* One AML integer (ZeroOp, OneOp, BytePrefix); -1 if something else. */
static int aml_small_int(const uint8_t *p, const uint8_t *end, const uint8_t **next)
{
	if (p >= end)
		return -1;
	if (*p == 0x00 || *p == 0x01) {
		*next = p + 1;
		return *p;
	}
	if (*p == 0x0A && p + 1 < end) {
		*next = p + 2;
		return p[1];
	}
	return -1;
}

/* Name(_S5_, Package(n){a, b, ...}) somewhere in the DSDT body. */
static void find_s5(struct acpi_info *ai, const uint8_t *t, uint32_t len)
{
	const uint8_t *end = t + len;
	for (const uint8_t *p = t + HDR_LEN; p + 8 <= end; p++) {
		if (memcmp(p, "_S5_", 4) != 0 || p[4] != 0x12)
			continue;
		if (p[-1] != 0x08 && !(p[-1] == '\\' && p[-2] == 0x08))
			continue;
		const uint8_t *q = p + 5;
		q += 1 + (*q >> 6); /* PkgLength: 1-4 bytes */
		q++;		    /* NumElements */
		int a = aml_small_int(q, end, &q);
		int b = a < 0 ? -1 : aml_small_int(q, end, &q);
		if (b < 0)
			continue;
		ai->has_s5 = true;
		ai->s5_typ_a = (uint8_t)(a & 7);
		ai->s5_typ_b = (uint8_t)(b & 7);
		return;
	}
}

static void parse_fadt(struct acpi_info *ai, const uint8_t *t, uint32_t len, acpi_map_fn map,
		       void *ctx)
{
	if (len < 116) {
		warn(ai, "FADT too short", 0);
		return;
	}
	ai->has_fadt = true;
	pm1_block(&ai->pm1a_cnt, t, len, 64, 172);
	pm1_block(&ai->pm1b_cnt, t, len, 68, 184);
	ai->pm_tmr_port = t[91] == 4 ? get32(t + 76) : 0;
	ai->pm_tmr_32bit = get32(t + 112) & FADT_TMR_VAL_EXT;
	if (len >= 129 && (get32(t + 112) & FADT_RESET_REG_SUP)) {
		read_gas(&ai->reset_reg, t + 116);
		ai->reset_value = t[128];
		ai->has_reset = ai->reset_reg.address != 0;
	}
	paddr_t dsdt_pa = fadt_dsdt(t, len);
	const uint8_t *dsdt = dsdt_pa ? map_table(map, ctx, dsdt_pa, ai) : NULL;
	if (dsdt)
		find_s5(ai, dsdt, get32(dsdt + 4));
}

static void parse_mcfg(struct acpi_info *ai, const uint8_t *t, uint32_t len)
{
	for (uint32_t off = 44; off + 16 <= len; off += 16) {
		if (ai->nr_ecam == ACPI_MAX_ECAM) {
			ai->nr_warnings++;
			return;
		}
		ai->ecam[ai->nr_ecam++] = (struct acpi_ecam){.base = get64(t + off),
							     .segment = get16(t + off + 8),
							     .bus_start = t[off + 10],
							     .bus_end = t[off + 11]};
	}
}

static void parse_hpet(struct acpi_info *ai, const uint8_t *t, uint32_t len)
{
	if (len < 56 || t[40] != ACPI_GAS_MEMORY || !get64(t + 44))
		return;
	ai->has_hpet = true;
	ai->hpet_addr = get64(t + 44);
}

static void parse_table(struct acpi_info *ai, paddr_t pa, acpi_map_fn map, void *ctx)
{
	const uint8_t *t = map_table(map, ctx, pa, ai);
	if (!t)
		return;
	uint32_t len = get32(t + 4);
	if (memcmp(t, "APIC", 4) == 0)
		parse_madt(ai, t, len);
	else if (memcmp(t, "FACP", 4) == 0)
		parse_fadt(ai, t, len, map, ctx);
	else if (memcmp(t, "MCFG", 4) == 0)
		parse_mcfg(ai, t, len);
	else if (memcmp(t, "HPET", 4) == 0)
		parse_hpet(ai, t, len);
}

/* The root table (XSDT entries are 8 bytes, RSDT entries 4). */
static int walk_root(struct acpi_info *ai, paddr_t pa, unsigned int esize, acpi_map_fn map,
		     void *ctx)
{
	const uint8_t *t = map_table(map, ctx, pa, ai);
	if (!t)
		return -1;
	uint32_t len = get32(t + 4);
	for (uint32_t off = HDR_LEN; off + esize <= len; off += esize) {
		paddr_t e = esize == 8 ? get64(t + off) : get32(t + off);
		if (e)
			parse_table(ai, e, map, ctx);
		t = map(ctx, pa, len); /* map callbacks may reuse one window */
		if (!t)
			return 0;
	}
	return 0;
}

int acpi_parse(const void *rsdp, size_t len, paddr_t rsdp_pa, acpi_map_fn map, void *ctx,
	       struct acpi_info *ai)
{
	memset(ai, 0, sizeof(*ai));
	const uint8_t *r = rsdp;
	if (!len) {
		r = rsdp_pa ? map(ctx, rsdp_pa, 20) : NULL;
		if (r && r[15] >= 2)
			r = map(ctx, rsdp_pa, 36);
		len = r ? (r[15] >= 2 ? 36 : 20) : 0;
	}
	if (!r || !rsdp_valid(r, len)) {
		printk(LOG_WARN "acpi: no valid RSDP\n");
		return -1;
	}
	ai->found = true;
	ai->revision = r[15];
	paddr_t xsdt = ai->revision >= 2 ? get64(r + 24) : 0;
	paddr_t rsdt = get32(r + 16);
	if (xsdt && walk_root(ai, xsdt, 8, map, ctx) == 0)
		return 0;
	return rsdt ? walk_root(ai, rsdt, 4, map, ctx) : -1;
}

uint32_t acpi_isa_irq_to_gsi(const struct acpi_info *ai, unsigned int irq, uint16_t *flags)
{
	for (unsigned int i = 0; i < ai->nr_overrides; i++)
		if (ai->overrides[i].bus_irq == irq) {
			*flags = ai->overrides[i].flags;
			return ai->overrides[i].gsi;
		}
	*flags = 0;
	return irq;
}
