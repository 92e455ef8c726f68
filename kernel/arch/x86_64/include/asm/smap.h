/*
 * STAC and CLAC: the window in which the hypervisor may touch guest pages.
 *
 * With CR4.SMAP on (kernel/arch/x86_64/cpu_protect.c) a ring-0 load or
 * store to a user page - every guest page is one - faults unless
 * RFLAGS.AC is set.  The sanctioned direct moves through the guest's own
 * mapping (asm/guest_read.h, the iret fast path in pv_entry.S) set it with
 * STAC just before and clear it with CLAC just after; every entry from a
 * guest or an interrupt clears it (CLAC in entry.S, MSR_FMASK for
 * SYSCALL), and a fault resumed at an exception fix-up resumes with AC
 * clear (traps.c).  Nothing between a STAC and its CLAC may call out.
 *
 * STAC and CLAC are #UD on a CPU without SMAP, so each site is assembled
 * as a 3-byte NOP of its own form (`nopl (%rax)` where a STAC goes,
 * `nopl (%rcx)` where a CLAC goes) and listed by address in the section
 * .smap_sites; only when SMAP is turned on does the boot CPU write the
 * real instructions over them, before it sets CR4.SMAP and before the APs
 * start (hospes/insn_patch.h).  Until then, and for good on a CPU without
 * SMAP or with smap=0, every site is a NOP: an exception taken early in
 * boot runs an entry whose CLAC cannot fault.  So use these macros, never
 * a bare stac/clac.
 */
#ifndef ASM_SMAP_H
#define ASM_SMAP_H

#ifdef __ASSEMBLER__

/* clang-format off */
.macro SMAP_SITE modrm
771:	.byte	0x0f, 0x1f, \modrm
	.pushsection .smap_sites, "a"
	.balign	8
	.quad	771b
	.popsection
.endm
/* clang-format on */

#define SMAP_STAC SMAP_SITE 0x00 /* nopl (%rax), made stac */
#define SMAP_CLAC SMAP_SITE 0x01 /* nopl (%rcx), made clac */

#else

#define SMAP_SITE_ASM(modrm)                                                                       \
	"771:\t.byte 0x0f, 0x1f, " modrm "\n\t.pushsection .smap_sites, \"a\"\n\t.balign 8\n\t"    \
	".quad 771b\n\t.popsection\n\t"
#define ASM_STAC SMAP_SITE_ASM("0x00") /* nopl (%rax), made stac */
#define ASM_CLAC SMAP_SITE_ASM("0x01") /* nopl (%rcx), made clac */

#define RFLAGS_AC (1UL << 18)

/* A window around ring-0 accesses a test makes through guest mappings on
 * purpose (mm_selftest.c); the hypervisor proper uses asm/guest_read.h. */
static inline void smap_open(void)
{
	__asm__ __volatile__(ASM_STAC ::: "memory");
}

static inline void smap_close(void)
{
	__asm__ __volatile__(ASM_CLAC ::: "memory");
}

static inline unsigned long read_rflags(void)
{
	unsigned long f;

	__asm__ __volatile__("pushfq\n\tpopq %0" : "=r"(f));
	return f;
}

#endif

#endif
