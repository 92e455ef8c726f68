/*
 * Reads and writes of guest memory through the guest's own mapping: the
 * loaded shadow, with the running vCPU's page tables in CR3.
 *
 * The move may fault (a page the shadow has not filled yet, a page the
 * guest has not mapped, a reserved-bit marker); the fault goes to
 * do_trap, which finds the move in the exception-fixup table and resumes
 * after it with the result still false.  The caller then takes the
 * software walk (kernel/mm/guest_access.c), which fills the shadow or
 * says -EFAULT: a failed probe never decides anything by itself.
 *
 * Only for the vCPU this CPU runs, in guest kernel mode, at an address
 * the guest owns (arch_guest_va_ok, asm/guest_va.h): the hypervisor's own slots are in
 * every shadow and a ring-0 move would reach them.  A store obeys the
 * shadow's R/W bit (CR0.WP is set), so it writes exactly where the guest
 * could write itself; a page the shadow keeps read-only (a page table, a
 * page not yet dirty) faults and the caller takes the software path.
 * A faulting move overwrites CR2: read it first.
 *
 * Each move runs inside a STAC..CLAC window (asm/smap.h): with SMAP on,
 * any other ring-0 access to a guest page faults.  A fault resumes at the
 * fix-up with AC already clear (do_trap), so the fault paths need no CLAC.
 */
#ifndef ASM_GUEST_READ_H
#define ASM_GUEST_READ_H

#include <asm/guest_va.h>
#include <asm/smap.h>
#include <asm/traps.h>
#include <hospes/types.h>
#include <public/arch-x86_64.h>

/* The 4 bytes at guest va through the loaded tables (0 .. 2^32-1), or -1
 * if the move faulted (a 32-bit move clears the register's upper half). */
static inline long arch_read_guest_u32(unsigned long va)
{
	long x = -1;

	__asm__ __volatile__(ASM_STAC "1:\tmovl (%1), %k0\n\t" ASM_CLAC "2:\n" EXTABLE_ENTRY(1b, 2b)
			     : "+r"(x)
			     : "r"(va)
			     : "memory");
	return x;
}

/* The same read as a branch: true with *x, or false if the move faulted
 * (the fault resumes at the caller's own code; no value to test). */
static inline __attribute__((always_inline)) bool arch_try_read_guest_u32(unsigned long va,
									  uint32_t *x)
{
	/* (clang-format would split the label operand) */
	/* clang-format off */
	__asm__ goto(ASM_STAC "1:\tmovl (%1), %0\n\t" ASM_CLAC EXTABLE_ENTRY(1b, %l[fault])
		     : "=r"(*x) : "r"(va) : "memory" : fault);
	/* clang-format on */
	return true;
fault:
	return false;
}

/* The root of the page tables this CPU runs on now (CR3 without its flag
 * bits): a move through them is the guest's view only if it is the
 * running vCPU's own (kernel/mm/guest_access.c compares it with that). */
static inline paddr_t arch_loaded_root(void)
{
	unsigned long cr3;

	__asm__ __volatile__("mov %%cr3, %0" : "=r"(cr3));
	return cr3 & 0x000ffffffffff000UL;
}

/* One string move of len bytes (a multiple of the unit for movsq and
 * movsl) with a fix-up: ok stays 0 if it faulted. */
#define GUEST_REP_MOVE(insn, unit, dst, src, len, ok)                                              \
	do {                                                                                       \
		void *d_ = (dst);                                                                  \
		const void *s_ = (src);                                                            \
		size_t n_ = (len) / (unit);                                                        \
		__asm__ __volatile__(ASM_STAC "1:\trep " insn "\n\tmovl $1, %0\n"                  \
					      "2:\n\t" ASM_CLAC EXTABLE_ENTRY(1b, 2b)              \
				     : "+r"(ok), "+D"(d_), "+S"(s_), "+c"(n_)                      \
				     :                                                             \
				     : "memory");                                                  \
	} while (0)

/* One load and one store of a word (suffix q or l); either may be the
 * guest's side, so both have the fix-up. */
#define GUEST_WORD_MOVE(sfx, type, dst, src, ok)                                                   \
	do {                                                                                       \
		type w_;                                                                           \
		__asm__ __volatile__(ASM_STAC "1:\tmov" sfx " (%2), %1\n"                          \
					      "3:\tmov" sfx " %1, (%3)\n"                          \
					      "\tmovl $1, %0\n"                                    \
					      "2:\n\t" ASM_CLAC EXTABLE_ENTRY(1b, 2b)              \
						      EXTABLE_ENTRY(3b, 2b)                        \
				     : "+r"(ok), "=&r"(w_)                                         \
				     : "r"(src), "r"(dst)                                          \
				     : "memory");                                                  \
	} while (0)

/* Copy len bytes between guest va and hypervisor memory through the loaded
 * tables, in the widest unit that divides len (an 8-byte handle is one
 * move); false if the move faulted.  The range must lie in one page: one
 * translation, so a fault comes at the first byte and a false copied
 * nothing (unless the guest unmapped the page during the copy, its own
 * race, which the software path has as well). */
static inline bool arch_copy_guest_direct(void *dst, const void *src, size_t len)
{
	int ok = 0;

	if (len == 8) /* a handle, a frame number */
		GUEST_WORD_MOVE("q", uint64_t, dst, src, ok);
	else if (len == 4) /* a port, a count */
		GUEST_WORD_MOVE("l", uint32_t, dst, src, ok);
	else if (!(len & 7))
		GUEST_REP_MOVE("movsq", 8, dst, src, len, ok);
	else if (!(len & 3))
		GUEST_REP_MOVE("movsl", 4, dst, src, len, ok);
	else
		GUEST_REP_MOVE("movsb", 1, dst, src, len, ok);
	return ok;
}

static inline bool arch_copy_from_guest_direct(void *dst, unsigned long va, size_t len)
{
	return arch_copy_guest_direct(dst, (const void *)va, len);
}

static inline bool arch_copy_to_guest_direct(unsigned long va, const void *src, size_t len)
{
	return arch_copy_guest_direct((void *)va, src, len);
}

/* An exception-fixup entry to the label "fault" of an asm goto. */
#define EXTABLE_TO_FAULT(insn)                                                                     \
	".pushsection .extable, \"a\"\n\t.balign 8\n\t.quad " #insn ", %l[fault]\n\t.popsection\n"

/* The two words at guest va (a 16-byte request: mmu_update's ptr and val),
 * each read once through the loaded tables, in one STAC window; false if a
 * load faulted (then *w0 and *w1 are undefined).  Needs no single page: a
 * load across two pages either reads or faults, and a false copied
 * nothing the caller keeps. */
static inline bool arch_read_guest_u64x2(unsigned long va, uint64_t *w0, uint64_t *w1)
{
	int ok = 0;

	__asm__ __volatile__(ASM_STAC "1:\tmovq 0(%3), %1\n"
				      "2:\tmovq 8(%3), %2\n"
				      "\tmovl $1, %0\n\t" ASM_CLAC "3:\n" EXTABLE_ENTRY(1b, 3b)
					      EXTABLE_ENTRY(2b, 3b)
			     : "+r"(ok), "=&r"(*w0), "=&r"(*w1)
			     : "r"(va)
			     : "memory");
	return ok;
}

/* The same for three words (an mmuext_op: cmd, arg1, arg2). */
static inline bool arch_read_guest_u64x3(unsigned long va, uint64_t *w0, uint64_t *w1, uint64_t *w2)
{
	int ok = 0;

	__asm__ __volatile__(ASM_STAC "1:\tmovq 0(%4), %1\n"
				      "2:\tmovq 8(%4), %2\n"
				      "3:\tmovq 16(%4), %3\n"
				      "\tmovl $1, %0\n\t" ASM_CLAC "4:\n" EXTABLE_ENTRY(1b, 4b)
					      EXTABLE_ENTRY(2b, 4b) EXTABLE_ENTRY(3b, 4b)
			     : "+r"(ok), "=&r"(*w0), "=&r"(*w1), "=&r"(*w2)
			     : "r"(va)
			     : "memory");
	return ok;
}

/* Store the 4 bytes x at guest va through the loaded tables (a batch's
 * `done` counter); false if the store faulted, with nothing written. */
static inline __attribute__((always_inline)) bool arch_try_write_guest_u32(unsigned long va,
									   uint32_t x)
{
	__asm__ goto(ASM_STAC "1:\tmovl %1, (%0)\n\t" ASM_CLAC EXTABLE_TO_FAULT(1b)
		     :
		     : "r"(va), "r"(x)
		     : "memory"
		     : fault);
	return true;
fault:
	return false;
}

/* Read what the iret hypercall takes of the struct iret_context at guest
 * va (rax, r11, rcx, rip, cs, rflags, rsp; each once) through the loaded
 * tables; false if a load faulted (then c is undefined).  (Not asm goto:
 * GCC 12 fails on asm goto with outputs here.) */
static inline bool arch_read_guest_iret(unsigned long va, struct iret_context *c)
{
	int ok = 0;

	__asm__ __volatile__(ASM_STAC "1:\tmovq 0(%8), %1\n"
				      "2:\tmovq 8(%8), %2\n"
				      "3:\tmovq 16(%8), %3\n"
				      "4:\tmovq 32(%8), %4\n"
				      "5:\tmovq 40(%8), %5\n"
				      "6:\tmovq 48(%8), %6\n"
				      "7:\tmovq 56(%8), %7\n"
				      "\tmovl $1, %0\n"
				      "9:\n\t" ASM_CLAC EXTABLE_ENTRY(1b, 9b) EXTABLE_ENTRY(2b, 9b)
					      EXTABLE_ENTRY(3b, 9b) EXTABLE_ENTRY(4b, 9b)
						      EXTABLE_ENTRY(5b, 9b) EXTABLE_ENTRY(6b, 9b)
							      EXTABLE_ENTRY(7b, 9b)
			     : "+r"(ok), "=&r"(c->rax), "=&r"(c->r11), "=&r"(c->rcx), "=&r"(c->rip),
			       "=&r"(c->cs), "=&r"(c->rflags), "=&r"(c->rsp)
			     : "r"(va)
			     : "memory");
	return ok;
}

/* The first seven words of a bounce frame, operands 1-7, stored at guest
 * va (operand 0) lowest address first, labels 1-7, and their fix-ups to
 * the asm goto's label "fault": shared by the frames of seven and eight
 * words (the same instructions as writing each list out). */
#define GUEST_FRAME_STORES7                                                                        \
	"1:\tmovq %1, 0(%0)\n"                                                                     \
	"2:\tmovq %2, 8(%0)\n"                                                                     \
	"3:\tmovq %3, 16(%0)\n"                                                                    \
	"4:\tmovq %4, 24(%0)\n"                                                                    \
	"5:\tmovq %5, 32(%0)\n"                                                                    \
	"6:\tmovq %6, 40(%0)\n"                                                                    \
	"7:\tmovq %7, 48(%0)\n"
#define GUEST_FRAME_FIXUPS7                                                                        \
	EXTABLE_TO_FAULT(1b)                                                                       \
	EXTABLE_TO_FAULT(2b)                                                                       \
	EXTABLE_TO_FAULT(3b)                                                                       \
	EXTABLE_TO_FAULT(4b)                                                                       \
	EXTABLE_TO_FAULT(5b) EXTABLE_TO_FAULT(6b) EXTABLE_TO_FAULT(7b)

/* Store the eight words of a bounce frame at guest va through the loaded
 * tables, lowest address first; false if a store faulted (the stores
 * before it are done). */
static inline bool arch_write_guest_frame8(unsigned long va, uint64_t w0, uint64_t w1, uint64_t w2,
					   uint64_t w3, uint64_t w4, uint64_t w5, uint64_t w6,
					   uint64_t w7)
{
	__asm__ goto(ASM_STAC GUEST_FRAME_STORES7
		     "8:\tmovq %8, 56(%0)\n\t" ASM_CLAC GUEST_FRAME_FIXUPS7 EXTABLE_TO_FAULT(8b)
		     :
		     : "r"(va), "re"(w0), "re"(w1), "re"(w2), "re"(w3), "re"(w4), "re"(w5),
		       "re"(w6), "re"(w7)
		     : "memory"
		     : fault);
	return true;
fault:
	return false;
}

/* The same for a frame of seven words (no error code). */
static inline bool arch_write_guest_frame7(unsigned long va, uint64_t w0, uint64_t w1, uint64_t w2,
					   uint64_t w3, uint64_t w4, uint64_t w5, uint64_t w6)
{
	__asm__ goto(ASM_STAC GUEST_FRAME_STORES7 "\t" ASM_CLAC GUEST_FRAME_FIXUPS7
		     :
		     : "r"(va), "re"(w0), "re"(w1), "re"(w2), "re"(w3), "re"(w4), "re"(w5), "re"(w6)
		     : "memory"
		     : fault);
	return true;
fault:
	return false;
}

#endif
