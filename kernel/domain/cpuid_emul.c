/*
 * Recognising the few instructions a PV guest's #UD or #GP may stand for
 * (hospes/cpuid.h): the forced-emulation prefix before cpuid, plain cpuid
 * where the CPU faults it, wrmsr.  Decode only: the caller (kernel/arch/
 * x86_64/cpuid.c) acts once the whole instruction is known.
 *
 * Every byte is guest memory, read through the caller's fetch (the guest's
 * own tables, in its current mode, so user mode cannot read kernel pages)
 * and compared as it comes.  A differing byte ends the match (the guest
 * gets its exception); an unreadable byte after matching ones is reported
 * with its address, for a #PF like the one Xen injects when it cannot read
 * the prefix (Xen reads the five prefix bytes in one go, so a ud2 followed
 * by an unreadable page gets a #PF there and a #UD here).
 */
#include <hospes/cpuid.h>
#include <public/cpuid.h>

const uint8_t cpuid_forced_insn[CPUID_FORCED_LEN] = {XEN_EMULATE_PREFIX_BYTES,
						     XEN_CPUID_INSN_BYTES};
const uint8_t cpuid_plain_insn[2] = {XEN_CPUID_INSN_BYTES};
const uint8_t wrmsr_insn[2] = {0x0f, 0x30};

enum insn_match insn_match(insn_fetch_fn fetch, void *ctx, unsigned long rip, const uint8_t *want,
			   unsigned int n, unsigned long *fault_va)
{
	for (unsigned int i = 0; i < n; i++) {
		uint8_t byte;
		if (fetch(ctx, rip + i, &byte)) {
			*fault_va = rip + i;
			return INSN_FAULT;
		}
		if (byte != want[i])
			return INSN_OTHER;
	}
	return INSN_MATCH;
}
