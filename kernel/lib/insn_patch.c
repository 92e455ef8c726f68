/*
 * STAC/CLAC sites turned into NOPs on a CPU that has no SMAP (or smap=0).
 *
 * Two passes: the first reads every site and refuses the whole table if
 * one holds something else (a stale table, a linker surprise: better to
 * boot with SMAP-less #UDs named in the log than to corrupt the text), the
 * second writes.  A site already holding the NOP is accepted and skipped,
 * so running the patcher twice is harmless.  The bytes are reached through
 * the caller's writable alias (the hypervisor's text is mapped read-only
 * and executable; the boot CPU writes through the direct map).
 */
#include <hospes/insn_patch.h>

static const uint8_t nop3[INSN_SMAP_LEN] = {0x0f, 0x1f, 0x00}; /* nopl (%rax) */

static bool is_smap_insn(const uint8_t *p)
{
	return p[0] == INSN_STAC_0 && p[1] == INSN_STAC_1 &&
	       (p[2] == INSN_STAC_2 || p[2] == INSN_CLAC_2);
}

static bool is_nop3(const uint8_t *p)
{
	return p[0] == nop3[0] && p[1] == nop3[1] && p[2] == nop3[2];
}

int insn_patch_smap(const uint64_t *sites, size_t n, insn_writable_fn writable, void *ctx,
		    uint64_t *bad)
{
	int done = 0;

	for (size_t i = 0; i < n; i++) {
		const uint8_t *p = writable(sites[i], ctx);
		if (!p || (!is_smap_insn(p) && !is_nop3(p))) {
			*bad = sites[i];
			return -1;
		}
	}
	for (size_t i = 0; i < n; i++) {
		uint8_t *p = writable(sites[i], ctx);
		if (is_nop3(p))
			continue;
		for (unsigned int b = 0; b < INSN_SMAP_LEN; b++)
			p[b] = nop3[b];
		done++;
	}
	return done;
}
