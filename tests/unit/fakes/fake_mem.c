/*
 * Simulated machine memory for host unit tests: one page-aligned block
 * standing for machine frames 0 .. frames-1.  mfn_to_virt() of a frame
 * outside it is a test failure (it would be a wild access on hardware).
 */
#include <asm/arch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

unsigned char *fake_mem_base;
unsigned long fake_mem_frames;

void fake_mem_init(unsigned long frames)
{
	fake_mem_fini();
	fake_mem_base = aligned_alloc(PAGE_SIZE, frames * PAGE_SIZE);
	if (!fake_mem_base)
		abort();
	memset(fake_mem_base, 0, frames * PAGE_SIZE);
	fake_mem_frames = frames;
}

void fake_mem_fini(void)
{
	free(fake_mem_base);
	fake_mem_base = NULL;
	fake_mem_frames = 0;
}

void *mfn_to_virt(mfn_t mfn)
{
	if (mfn_x(mfn) >= fake_mem_frames) {
		fprintf(stderr, "fake_mem: mfn_to_virt(%#lx) outside simulated memory\n",
			mfn_x(mfn));
		abort();
	}
	return fake_mem_base + mfn_x(mfn) * PAGE_SIZE;
}

mfn_t virt_to_mfn(const void *va)
{
	const unsigned char *p = va;
	if (p < fake_mem_base || p >= fake_mem_base + fake_mem_frames * PAGE_SIZE) {
		fprintf(stderr, "fake_mem: virt_to_mfn(%p) outside simulated memory\n", va);
		abort();
	}
	return _mfn((unsigned long)(p - fake_mem_base) / PAGE_SIZE);
}
