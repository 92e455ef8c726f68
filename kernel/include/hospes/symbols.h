/*
 * The hypervisor's own symbol table, generated at link time by
 * scripts/mksyms.sh (sorted by address), so that panics print symbolized
 * backtraces.
 */
#ifndef HOSPES_SYMBOLS_H
#define HOSPES_SYMBOLS_H

struct ksym {
	unsigned long addr;
	const char *name;
};

extern const struct ksym ksyms[];
extern const unsigned long ksyms_count;

/* Name of the function containing addr and the offset into it, or NULL. */
const char *ksym_lookup(unsigned long addr, unsigned long *offset);

#endif
