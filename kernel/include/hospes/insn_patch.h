/*
 * Boot-time patching of the hypervisor's STAC/CLAC sites (kernel/lib/insn_patch.c).
 *
 * STAC and CLAC raise #UD on a CPU without SMAP.  Every one the
 * hypervisor contains is listed by address in the section .smap_sites
 * (asm/smap.h); on such a CPU, or with smap=0, the boot CPU overwrites each
 * with a 3-byte NOP before any other CPU runs.  The logic is here, free of
 * the machine, so the host tests run it on a buffer.
 */
#ifndef HOSPES_INSN_PATCH_H
#define HOSPES_INSN_PATCH_H

#include <hospes/types.h>

#define INSN_STAC_0   0x0f /* stac: 0f 01 cb */
#define INSN_STAC_1   0x01
#define INSN_STAC_2   0xcb
#define INSN_CLAC_2   0xca /* clac: 0f 01 ca */
#define INSN_SMAP_LEN 3

/* The bytes at an instruction address, writable (the caller's alias). */
typedef uint8_t *(*insn_writable_fn)(uint64_t addr, void *ctx);

/*
 * Overwrite the STAC or CLAC at each of the n addresses with a NOP of the
 * same length (0f 1f 00).  All sites are checked first: if one holds
 * neither instruction (nor the NOP of an earlier run), nothing is written
 * and -1 is returned with *bad = that address; otherwise the number of
 * sites written (a NOP already there is left alone and not counted).
 */
int insn_patch_smap(const uint64_t *sites, size_t n, insn_writable_fn writable, void *ctx,
		    uint64_t *bad);

#endif
