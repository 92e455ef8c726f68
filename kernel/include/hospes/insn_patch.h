/*
 * Boot-time patching of the hypervisor's STAC/CLAC sites (kernel/lib/insn_patch.c).
 *
 * STAC and CLAC raise #UD on a CPU without SMAP.  So every site is
 * assembled as a 3-byte NOP that says which of the two belongs there
 * (asm/smap.h) and is listed by address in the section .smap_sites; when
 * SMAP is turned on, the boot CPU writes the instructions in before it
 * sets CR4.SMAP and before any other CPU runs (Xen's alternatives work
 * the same way round: the safe form is the one assembled).  The logic is
 * here, free of the machine, so the host tests run it on a buffer.
 */
#ifndef HOSPES_INSN_PATCH_H
#define HOSPES_INSN_PATCH_H

#include <hospes/types.h>

#define INSN_STAC_0   0x0f /* stac: 0f 01 cb */
#define INSN_STAC_1   0x01
#define INSN_STAC_2   0xcb
#define INSN_CLAC_2   0xca /* clac: 0f 01 ca */
#define INSN_NOP_0    0x0f /* the sites as assembled: 0f 1f 00 (nopl (%rax)) for a stac, */
#define INSN_NOP_1    0x1f /* 0f 1f 01 (nopl (%rcx)) for a clac */
#define INSN_NOP_STAC 0x00
#define INSN_NOP_CLAC 0x01
#define INSN_SMAP_LEN 3

/* The bytes at an instruction address, writable (the caller's alias). */
typedef uint8_t *(*insn_writable_fn)(uint64_t addr, void *ctx);

/*
 * Write the STAC or CLAC each of the n sites stands for over its NOP.
 * All sites are checked first: if one holds neither NOP (nor the
 * instruction of an earlier run), nothing is written and -1 is returned
 * with *bad = that address; otherwise the number of sites written (an
 * instruction already there is left alone and not counted).
 */
int insn_patch_smap(const uint64_t *sites, size_t n, insn_writable_fn writable, void *ctx,
		    uint64_t *bad);

#endif
