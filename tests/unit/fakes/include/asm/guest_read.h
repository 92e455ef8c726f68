/*
 * Host version of <asm/guest_read.h>: the host has no guest page tables
 * loaded, so the direct read always declines and every guest access in the
 * unit tests takes the software walk (kernel/mm/guest_access.c).
 */
#ifndef FAKE_ASM_GUEST_READ_H
#define FAKE_ASM_GUEST_READ_H

#include <hospes/types.h>
#include <string.h>

static inline bool arch_guest_va_ok(unsigned long va, unsigned long len)
{
	return va + len <= 0x0000800000000000UL;
}

/* The tests' model of moves through the loaded tables: fake_loaded_cr3
 * is "CR3", and fake_guest_move (NULL: every move faults) gives the host
 * address a move at va reaches through it, or NULL for a fault
 * (tests/unit/shadow/harness.c walks the loaded shadow as the CPU would).
 * fake_guest_moves counts the moves tried. */
extern paddr_t fake_loaded_cr3;
extern void *(*fake_guest_move)(unsigned long va, bool write);
extern unsigned long fake_guest_moves;

static inline paddr_t arch_loaded_root(void)
{
	return fake_loaded_cr3;
}

static inline bool arch_copy_from_guest_direct(void *dst, unsigned long va, size_t len)
{
	void *p = (fake_guest_moves++, fake_guest_move ? fake_guest_move(va, false) : NULL);

	if (p)
		memcpy(dst, p, len);
	return p != NULL;
}

static inline bool arch_copy_to_guest_direct(unsigned long va, const void *src, size_t len)
{
	void *p = (fake_guest_moves++, fake_guest_move ? fake_guest_move(va, true) : NULL);

	if (p)
		memcpy(p, src, len);
	return p != NULL;
}

/* The bounce frames' stores (bounce.c): one move of the words. */
static inline bool fake_write_frame(unsigned long va, const uint64_t *w, size_t n)
{
	void *p = (fake_guest_moves++, fake_guest_move ? fake_guest_move(va, true) : NULL);

	if (p)
		memcpy(p, w, n * sizeof(*w));
	return p != NULL;
}

static inline bool arch_write_guest_frame8(unsigned long va, uint64_t w0, uint64_t w1, uint64_t w2,
					   uint64_t w3, uint64_t w4, uint64_t w5, uint64_t w6,
					   uint64_t w7)
{
	const uint64_t w[8] = {w0, w1, w2, w3, w4, w5, w6, w7};

	return fake_write_frame(va, w, 8);
}

static inline bool arch_write_guest_frame7(unsigned long va, uint64_t w0, uint64_t w1, uint64_t w2,
					   uint64_t w3, uint64_t w4, uint64_t w5, uint64_t w6)
{
	const uint64_t w[7] = {w0, w1, w2, w3, w4, w5, w6};

	return fake_write_frame(va, w, 7);
}

/* One load or store of n (<= 8) bytes at va as the CPU does it: every
 * byte is reached through the loaded tables (a move may cross a page), or
 * the move faults and nothing changes. */
static inline bool fake_move_word(unsigned long va, void *buf, size_t n, bool write)
{
	unsigned char *p[8];

	fake_guest_moves++;
	for (size_t i = 0; i < n; i++)
		if (!fake_guest_move || !(p[i] = fake_guest_move(va + i, write)))
			return false;
	for (size_t i = 0; i < n; i++) {
		if (write)
			*p[i] = ((const unsigned char *)buf)[i];
		else
			((unsigned char *)buf)[i] = *p[i];
	}
	return true;
}

static inline bool arch_read_guest_u64x2(unsigned long va, uint64_t *w0, uint64_t *w1)
{
	return fake_move_word(va, w0, 8, false) && fake_move_word(va + 8, w1, 8, false);
}

static inline bool arch_read_guest_u64x3(unsigned long va, uint64_t *w0, uint64_t *w1, uint64_t *w2)
{
	return arch_read_guest_u64x2(va, w0, w1) && fake_move_word(va + 16, w2, 8, false);
}

static inline bool arch_try_write_guest_u32(unsigned long va, uint32_t x)
{
	return fake_move_word(va, &x, 4, true);
}

static inline long arch_read_guest_u32(unsigned long va)
{
	(void)va;
	return -1;
}

static inline bool arch_try_read_guest_u32(unsigned long va, uint32_t *x)
{
	(void)va;
	(void)x;
	return false;
}

#endif
