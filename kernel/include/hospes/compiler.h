/* Compiler helpers shared by hypervisor and host builds. */
#ifndef HOSPES_COMPILER_H
#define HOSPES_COMPILER_H

#define likely(x)		      __builtin_expect(!!(x), 1)
#define unlikely(x)		      __builtin_expect(!!(x), 0)
#define __packed		      __attribute__((packed))
#define __aligned(n)		      __attribute__((aligned(n)))
#define __noreturn		      __attribute__((noreturn))
#define __section(s)		      __attribute__((section(s)))
#define __used			      __attribute__((used))
#define ARRAY_SIZE(a)		      (sizeof(a) / sizeof((a)[0]))
#define ALIGN_UP(x, a)		      (((x) + ((a)-1)) & ~((__typeof__(x))(a)-1))
#define ALIGN_DOWN(x, a)	      ((x) & ~((__typeof__(x))(a)-1))
#define MIN(a, b)		      ((a) < (b) ? (a) : (b))
#define MAX(a, b)		      ((a) > (b) ? (a) : (b))
#define BUILD_BUG_ON(c)		      _Static_assert(!(c), #c)
#define READ_ONCE(x)		      (*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v)	      (*(volatile __typeof__(x) *)&(x) = (v))
#define barrier()		      __asm__ __volatile__("" ::: "memory")
#define container_of(p, type, member) ((type *)((char *)(p)-offsetof(type, member)))

#endif
