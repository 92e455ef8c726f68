/*
 * Address -> function name, for backtraces.  The table (ksyms[], sorted by
 * address) is generated at link time by scripts/mksyms.sh; a binary search
 * finds the last symbol at or below the address.
 */
#include <hospes/symbols.h>

const char *ksym_lookup(unsigned long addr, unsigned long *offset)
{
	unsigned long lo = 0, hi = ksyms_count;
	if (hi == 0 || addr < ksyms[0].addr)
		return 0;
	while (hi - lo > 1) {
		unsigned long mid = lo + (hi - lo) / 2;
		if (ksyms[mid].addr <= addr)
			lo = mid;
		else
			hi = mid;
	}
	if (offset)
		*offset = addr - ksyms[lo].addr;
	return ksyms[lo].name;
}
