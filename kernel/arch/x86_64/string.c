/*
 * memcpy and memset for the hypervisor, with x86 string instructions.
 *
 * They sit on hot paths: bounce frames and iret frames, hypercall
 * arguments copied in and out, shadow pages cleared when built.  The bulk
 * moves eight bytes per step (rep movsq / rep stosq), the tail of fewer
 * than eight bytes one byte per step.  DF is clear in the hypervisor (every
 * entry executes cld), as the string instructions here require.
 */
#include <hospes/lib.h>

void *memcpy(void *dst, const void *src, size_t n)
{
	void *d = dst;
	size_t q = n >> 3, r = n & 7;
	__asm__ volatile("rep movsq" : "+D"(d), "+S"(src), "+c"(q) : : "memory");
	__asm__ volatile("rep movsb" : "+D"(d), "+S"(src), "+c"(r) : : "memory");
	return dst;
}

void *memset(void *dst, int c, size_t n)
{
	void *d = dst;
	size_t q = n >> 3, r = n & 7;
	uint64_t pattern = 0x0101010101010101UL * (uint8_t)c;
	__asm__ volatile("rep stosq" : "+D"(d), "+c"(q) : "a"(pattern) : "memory");
	__asm__ volatile("rep stosb" : "+D"(d), "+c"(r) : "a"(pattern) : "memory");
	return dst;
}
