/*
 * STAC/CLAC sites written in over their NOPs when SMAP is turned on.
 *
 * Two passes: the first reads every site and refuses the whole table if
 * one holds something else (a stale table, a linker surprise: better to
 * stop the boot with the address named than to corrupt the text), the
 * second writes.  A site already holding its instruction is accepted and
 * skipped, so running the patcher twice is harmless.  The bytes are
 * reached through the caller's writable alias (the hypervisor's text is
 * mapped read-only and executable; the boot CPU writes through the direct
 * map).
 */
#include <hospes/insn_patch.h>

/* The last byte of the instruction the site at p stands for, or 0 if p holds neither form. */
static uint8_t wanted(const uint8_t *p)
{
	if (p[0] == INSN_NOP_0 && p[1] == INSN_NOP_1)
		return p[2] == INSN_NOP_STAC   ? INSN_STAC_2
		       : p[2] == INSN_NOP_CLAC ? INSN_CLAC_2
					       : 0;
	if (p[0] == INSN_STAC_0 && p[1] == INSN_STAC_1 &&
	    (p[2] == INSN_STAC_2 || p[2] == INSN_CLAC_2))
		return p[2];
	return 0;
}

int insn_patch_smap(const uint64_t *sites, size_t n, insn_writable_fn writable, void *ctx,
		    uint64_t *bad)
{
	int done = 0;

	for (size_t i = 0; i < n; i++) {
		const uint8_t *p = writable(sites[i], ctx);
		if (!p || !wanted(p)) {
			*bad = sites[i];
			return -1;
		}
	}
	for (size_t i = 0; i < n; i++) {
		uint8_t *p = writable(sites[i], ctx);
		if (p[0] == INSN_STAC_0 && p[1] == INSN_STAC_1)
			continue;
		p[2] = wanted(p);
		p[1] = INSN_STAC_1;
		p[0] = INSN_STAC_0;
		done++;
	}
	return done;
}
