/*
 * Backtraces from the frame-pointer chain.
 *
 * The hypervisor is built with -fno-omit-frame-pointer, so every frame
 * starts with the caller's rbp followed by the return address.  The walk
 * trusts nothing it reads: it stops at a NULL rbp (the boot code clears
 * rbp before calling C), an rbp outside the hypervisor's half of the
 * address space or misaligned, a chain that does not move up the stack,
 * or after BACKTRACE_MAX frames.
 */
#include <asm/layout.h>
#include <hospes/lib.h>
#include <hospes/panic.h>
#include <hospes/symbols.h>

#define BACKTRACE_MAX 32

static bool frame_ok(unsigned long rbp)
{
	return rbp >= HYPERVISOR_VIRT_START && rbp < HYPERVISOR_VIRT_END - 16 && !(rbp & 7);
}

void backtrace_from(unsigned long rbp)
{
	printk(LOG_ERR "backtrace:\n");
	for (unsigned int depth = 0; depth < BACKTRACE_MAX && frame_ok(rbp); depth++) {
		const unsigned long *frame = (const unsigned long *)rbp;
		unsigned long ret = frame[1], off = 0;
		const char *name = ksym_lookup(ret, &off);
		printk(LOG_ERR "  [%016lx] %s+%#lx\n", ret, name ? name : "?", off);
		if (frame[0] <= rbp)
			break;
		rbp = frame[0];
	}
}
