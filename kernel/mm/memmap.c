/*
 * memmap_usable: RAM minus everything that is not free (see hospes/memmap.h).
 *
 * Ranges are half-open [start, end) byte addresses.  Subtracting a range
 * from a list can split one entry into two, so the output array needs
 * headroom; when it runs out, the smallest leftover pieces are what gets
 * dropped (never memory that is not free).
 */
#include <hospes/lib.h>
#include <hospes/memmap.h>

struct range_list {
	struct phys_range *r;
	unsigned int n, max, dropped;
};

static void push(struct range_list *l, paddr_t start, paddr_t end)
{
	if (start >= end)
		return;
	if (l->n == l->max) {
		l->dropped++;
		return;
	}
	l->r[l->n++] = (struct phys_range){start, end};
}

/* Remove [s, e) from every range of the list. */
static void subtract(struct range_list *l, paddr_t s, paddr_t e)
{
	unsigned int n = l->n;
	for (unsigned int i = 0; i < n; i++) {
		struct phys_range cur = l->r[i];
		if (e <= cur.start || s >= cur.end)
			continue;
		l->r[i].end = MAX(cur.start, MIN(s, cur.end)); /* the part below s */
		push(l, MAX(e, cur.start), cur.end);	       /* the part above e */
	}
}

static void sort_and_merge(struct range_list *l)
{
	for (unsigned int i = 1; i < l->n; i++) {
		struct phys_range x = l->r[i];
		unsigned int j = i;
		for (; j > 0 && l->r[j - 1].start > x.start; j--)
			l->r[j] = l->r[j - 1];
		l->r[j] = x;
	}
	unsigned int out = 0;
	for (unsigned int i = 0; i < l->n; i++) {
		if (l->r[i].start >= l->r[i].end)
			continue;
		if (out && l->r[i].start <= l->r[out - 1].end)
			l->r[out - 1].end = MAX(l->r[out - 1].end, l->r[i].end);
		else
			l->r[out++] = l->r[i];
	}
	l->n = out;
}

unsigned int memmap_usable(const struct boot_info *bi, const struct phys_range *excl,
			   unsigned int nr_excl, struct phys_range *out, unsigned int max,
			   unsigned int *dropped)
{
	struct range_list l = {out, 0, max, 0};
	for (unsigned int i = 0; i < bi->nr_mem; i++) {
		const struct boot_mem_range *m = &bi->mem[i];
		if (m->type == BOOT_MEM_RAM)
			push(&l, ALIGN_UP(m->start, PAGE_SIZE),
			     ALIGN_DOWN(m->start + m->size, PAGE_SIZE));
	}
	for (unsigned int i = 0; i < bi->nr_mem; i++) {
		const struct boot_mem_range *m = &bi->mem[i];
		if (m->type != BOOT_MEM_RAM)
			subtract(&l, ALIGN_DOWN(m->start, PAGE_SIZE),
				 ALIGN_UP(m->start + m->size, PAGE_SIZE));
	}
	for (unsigned int i = 0; i < nr_excl; i++)
		subtract(&l, ALIGN_DOWN(excl[i].start, PAGE_SIZE),
			 ALIGN_UP(excl[i].end, PAGE_SIZE));
	sort_and_merge(&l);
	if (dropped)
		*dropped = l.dropped;
	return l.n;
}
