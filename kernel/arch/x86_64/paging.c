/*
 * The hypervisor's final page tables.
 *
 * paging_init() replaces the early tables of head.S (which map the low
 * 4 GiB three times over, all writable and executable) by:
 *   - the image at IMAGE_VIRT_OFFSET + physical, W^X by section: .text RX,
 *     .rodata R, .data/.bss RW, the two .boot pages R / RW (the GDT lives
 *     in .boot.data until engineer B loads the real one), all NX but text;
 *   - the direct map at DIRECTMAP_BASE + physical of every RAM, ACPI and
 *     NVS range of the memory map and of the first MiB (BIOS data areas
 *     that ACPI discovery scans), RW NX, 2 MiB pages where a range allows,
 *     4 KiB pages at its unaligned edges;
 *   - L3 tables for every hypervisor PML4 slot (256-271), made now so the
 *     PML4's hypervisor half never changes again (see asm/page.h);
 *   - no identity map: the SMP trampoline maps the little it needs.
 * Then it loads CR3, enables global pages and lets the frame allocator
 * hand out RAM above 4 GiB.
 *
 * Later mappings go through map_pages() (4 KiB pages, tables allocated on
 * demand) and ioremap() (a bump allocator over the uncached window; MMIO
 * mappings live as long as the hypervisor).  One lock serializes changes.
 */
#include <asm/cpu.h>
#include <asm/layout.h>
#include <asm/page.h>
#include <hospes/arch.h>
#include <hospes/boot_info.h>
#include <hospes/frame.h>
#include <hospes/lib.h>
#include <hospes/spinlock.h>
#include <public/errno.h>

#define L1_SHIFT      12
#define L2_SHIFT      21
#define SZ_2M	      (1UL << L2_SHIFT)
#define TABLE_FLAGS   (_PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED)
#define HV_SLOT_FIRST 256
#define HV_SLOT_LAST  271
#define CR4_PGE	      (1UL << 7)
#define CPUID_NX      (1u << 20)
#define LOW_MAP_END   0x100000UL

extern char __text_start[], __text_end[], __rodata_start[], __rodata_end[];
extern char __data_start[], __image_end[];

static uint64_t *pml4;
static uint64_t nx_mask = _PAGE_NX;
static spinlock_t map_lock = SPINLOCK_INIT;
static unsigned long ioremap_next = IOREMAP_VIRT_START;

static unsigned int slot(unsigned long va, unsigned int level)
{
	return (va >> (L1_SHIFT + 9 * (level - 1))) & 511;
}

static uint64_t *table_of(uint64_t entry)
{
	return maddr_to_virt(entry & PTE_ADDR_MASK);
}

static uint64_t *new_table(void)
{
	mfn_t m = frame_alloc(0);
	return mfn_eq(m, INVALID_MFN) ? NULL : mfn_to_virt(m);
}

/* The entry for va at level (1 = PTE, 2 = PDE), making tables on the way. */
static uint64_t *walk(unsigned long va, unsigned int level)
{
	uint64_t *t = pml4;
	for (unsigned int l = 4; l > level; l--) {
		uint64_t *e = &t[slot(va, l)];
		if (!(*e & _PAGE_PRESENT)) {
			uint64_t *nt = new_table();
			if (!nt)
				return NULL;
			*e = virt_to_maddr(nt) | TABLE_FLAGS;
		} else if (*e & _PAGE_PSE) {
			return NULL; /* inside a large page: callers never split one */
		}
		t = table_of(*e);
	}
	return &t[slot(va, level)];
}

static int map_one(unsigned long va, paddr_t pa, uint64_t flags, unsigned int level)
{
	uint64_t *e = walk(va, level);
	if (!e)
		return -XEN_ENOMEM;
	*e = pa | (flags & ~(_PAGE_NX & ~nx_mask)) | (level == 2 ? _PAGE_PSE : 0);
	return 0;
}

int map_pages(unsigned long va, mfn_t mfn, unsigned long nr, uint64_t flags)
{
	int rc = 0;
	unsigned long irq = spin_lock_irqsave(&map_lock);
	for (unsigned long i = 0; i < nr && !rc; i++) {
		rc = map_one(va + (i << PAGE_SHIFT), mfn_to_paddr(mfn) + (i << PAGE_SHIFT), flags,
			     1);
		if (!rc)
			invlpg((void *)(va + (i << PAGE_SHIFT)));
	}
	spin_unlock_irqrestore(&map_lock, irq);
	return rc;
}

void *ioremap(paddr_t pa, size_t size)
{
	paddr_t first = ALIGN_DOWN(pa, PAGE_SIZE);
	unsigned long nr = (ALIGN_UP(pa + size, PAGE_SIZE) - first) >> PAGE_SHIFT;
	unsigned long irq = spin_lock_irqsave(&map_lock);
	unsigned long va = ioremap_next;
	bool fits = nr <= (IOREMAP_VIRT_END - va) >> PAGE_SHIFT;
	if (fits)
		ioremap_next += nr << PAGE_SHIFT;
	spin_unlock_irqrestore(&map_lock, irq);
	if (!fits || map_pages(va, paddr_to_mfn(first), nr, PAGE_HYPERVISOR_UC)) {
		printk(LOG_ERR "ioremap: cannot map %#lx+%#zx\n", pa, size);
		return NULL;
	}
	return (void *)(va + (pa - first));
}

paddr_t hypervisor_pml4_maddr(void)
{
	return virt_to_maddr(pml4);
}

const uint64_t *hypervisor_pml4(void)
{
	return pml4;
}

/* Direct-map [s, e): 2 MiB pages where aligned, 4 KiB at the edges. */
static void directmap_range(paddr_t s, paddr_t e)
{
	s = ALIGN_DOWN(s, PAGE_SIZE);
	e = ALIGN_UP(e, PAGE_SIZE);
	while (s < e) {
		uint64_t *pde = walk(DIRECTMAP_BASE + s, 2);
		if (!pde)
			panic("paging: out of memory for the direct map");
		if (*pde & _PAGE_PSE) { /* an earlier range mapped this 2 MiB already */
			s = ALIGN_DOWN(s, SZ_2M) + SZ_2M;
			continue;
		}
		unsigned int level = 1;
		if (!(s & (SZ_2M - 1)) && e - s >= SZ_2M && !(*pde & _PAGE_PRESENT))
			level = 2;
		if (map_one(DIRECTMAP_BASE + s, s, PAGE_HYPERVISOR_RW, level))
			panic("paging: out of memory for the direct map");
		s += level == 2 ? SZ_2M : PAGE_SIZE;
	}
}

static void map_image_part(const char *start, const char *end, uint64_t flags)
{
	unsigned long va = (unsigned long)start;
	unsigned long nr = (ALIGN_UP((unsigned long)end, PAGE_SIZE) - va) >> PAGE_SHIFT;
	for (unsigned long i = 0; i < nr; i++)
		if (map_one(va + (i << PAGE_SHIFT), va + (i << PAGE_SHIFT) - IMAGE_VIRT_OFFSET,
			    flags, 1))
			panic("paging: out of memory for the image mappings");
}

static void map_image(void)
{
	const char *boot_va = (const char *)(IMAGE_VIRT_OFFSET + IMAGE_PHYS_START);
	map_image_part(boot_va, boot_va + PAGE_SIZE, PAGE_HYPERVISOR_RO);
	map_image_part(boot_va + PAGE_SIZE, boot_va + 2 * PAGE_SIZE, PAGE_HYPERVISOR_RW);
	map_image_part(__text_start, __text_end, PAGE_HYPERVISOR_RX);
	map_image_part(__rodata_start, __rodata_end, PAGE_HYPERVISOR_RO);
	map_image_part(__data_start, __image_end, PAGE_HYPERVISOR_RW);
}

static void make_hypervisor_l3s(void)
{
	for (unsigned int s = HV_SLOT_FIRST; s <= HV_SLOT_LAST; s++) {
		uint64_t *t = new_table();
		if (!t)
			panic("paging: out of memory for the L3 tables");
		pml4[s] = virt_to_maddr(t) | TABLE_FLAGS;
	}
}

void paging_init(const struct boot_info *bi)
{
	uint32_t a, b, c, d;
	cpuid(0x80000001, &a, &b, &c, &d);
	if (!(d & CPUID_NX))
		nx_mask = 0;

	pml4 = new_table();
	if (!pml4)
		panic("paging: out of memory for the PML4");
	make_hypervisor_l3s();
	map_image();
	directmap_range(0, LOW_MAP_END);
	for (unsigned int i = 0; i < bi->nr_mem; i++) {
		const struct boot_mem_range *m = &bi->mem[i];
		if (m->type == BOOT_MEM_RAM || m->type == BOOT_MEM_ACPI || m->type == BOOT_MEM_NVS)
			directmap_range(m->start, MIN(m->start + m->size, DIRECTMAP_SIZE));
	}
	write_cr3(virt_to_maddr(pml4));
	write_cr4(read_cr4() | CR4_PGE);
	frame_alloc_add_high();
}
