/*
 * Host frame allocator for unit tests: first-fit over the simulated machine
 * memory of fake_mem.c, with a byte per frame saying whether it is in use.
 * Frame 0 is never handed out, so a zero mfn in a test is always a bug.
 * fake_frame_init() must follow fake_mem_init().  Freed frames are filled
 * with 0x5a; with fake_frame_poison_freed(true) they are also poisoned for
 * ASan, so a stale reader is caught at its first read.
 */
#include <asm/arch.h>
#include <hospes/frame.h>
#include <sanitizer/asan_interface.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static unsigned char *used;
static unsigned long nframes, nfree;
static bool asan_poison;

/* From now on (on) a freed frame is poisoned for ASan until it is handed
 * out again, so any read of it is reported; off unpoisons every frame. */
void fake_frame_poison_freed(bool on);
void fake_frame_poison_freed(bool on)
{
	asan_poison = on;
	if (!on)
		ASAN_UNPOISON_MEMORY_REGION(mfn_to_virt(_mfn(0)), nframes * PAGE_SIZE);
}

void fake_frame_init(void);
void fake_frame_init(void)
{
	free(used);
	nframes = fake_mem_frames;
	used = calloc(nframes ? nframes : 1, 1);
	if (!used)
		abort();
	used[0] = 1;
	nfree = nframes ? nframes - 1 : 0;
}

mfn_t frame_alloc(unsigned int order)
{
	unsigned long n = 1UL << order;

	for (unsigned long base = n; base + n <= nframes; base += n) {
		unsigned long i;

		for (i = 0; i < n && !used[base + i]; i++)
			;
		if (i < n)
			continue;
		memset(used + base, 1, n);
		ASAN_UNPOISON_MEMORY_REGION(mfn_to_virt(_mfn(base)), n * PAGE_SIZE);
		memset(mfn_to_virt(_mfn(base)), 0, n * PAGE_SIZE);
		nfree -= n;
		return _mfn(base);
	}
	return INVALID_MFN;
}

void frame_free(mfn_t mfn, unsigned int order)
{
	unsigned long n = 1UL << order;

	for (unsigned long i = 0; i < n; i++) {
		if (mfn_x(mfn) + i >= nframes || !used[mfn_x(mfn) + i])
			abort(); /* double free or wild free: a bug in the code under test */
		used[mfn_x(mfn) + i] = 0;
	}
	memset(mfn_to_virt(mfn), 0x5a, n * PAGE_SIZE); /* poison: stale users see garbage */
	if (asan_poison)
		ASAN_POISON_MEMORY_REGION(mfn_to_virt(mfn), n * PAGE_SIZE);
	nfree += n;
}

unsigned long frame_free_count(void)
{
	return nfree;
}
