/*
 * Basic types of the hypervisor.
 *
 * Frame numbers and addresses of the three address levels are distinct
 * types so that the compiler catches a guest frame passed where a machine
 * frame is expected:
 *
 *   mfn_t  machine frame number (a real page of RAM or MMIO)
 *   gfn_t  guest frame number in a domain's pseudo-physical space (what a
 *          PV guest calls its "MFN"; see docs/memory.md)
 *   paddr_t / vaddr_t  machine physical and virtual addresses
 *
 * Wrap with _mfn(n) / _gfn(n), unwrap with mfn_x(m) / gfn_x(g).
 */
#ifndef HOSPES_TYPES_H
#define HOSPES_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint64_t paddr_t;
typedef uint64_t vaddr_t;
typedef uint16_t domid_t;

#define PAGE_SHIFT 12
#define PAGE_SIZE  (1UL << PAGE_SHIFT)
#define PAGE_MASK  (~(PAGE_SIZE - 1))

#define TYPESAFE(name, tag)                                                                        \
	typedef struct {                                                                           \
		unsigned long tag;                                                                 \
	} name##_t;                                                                                \
	static inline name##_t _##name(unsigned long n)                                            \
	{                                                                                          \
		return (name##_t){n};                                                              \
	}                                                                                          \
	static inline unsigned long name##_x(name##_t v)                                           \
	{                                                                                          \
		return v.tag;                                                                      \
	}                                                                                          \
	static inline bool name##_eq(name##_t a, name##_t b)                                       \
	{                                                                                          \
		return a.tag == b.tag;                                                             \
	}

TYPESAFE(mfn, m)
TYPESAFE(gfn, g)

#define INVALID_MFN_RAW (~0UL)
#define INVALID_GFN_RAW (~0UL)
#define INVALID_MFN	_mfn(INVALID_MFN_RAW)
#define INVALID_GFN	_gfn(INVALID_GFN_RAW)

static inline paddr_t mfn_to_paddr(mfn_t m)
{
	return (paddr_t)mfn_x(m) << PAGE_SHIFT;
}

static inline mfn_t paddr_to_mfn(paddr_t p)
{
	return _mfn(p >> PAGE_SHIFT);
}

#endif
