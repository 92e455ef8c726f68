/*
 * Hypercalls of the pvguest kernel: a call into the hypercall page, whose
 * stub for number nr sits at hypercall_page + nr * 32 (the hypervisor
 * writes "mov $nr, %eax; syscall; ret" there).  Arguments go in rdi, rsi,
 * rdx, r10, r8; the result comes back in rax; the stub clobbers rcx and
 * r11 (syscall).  Everything else here is a typed wrapper.
 */
#ifndef PVGUEST_ASM_HYPERCALL_H
#define PVGUEST_ASM_HYPERCALL_H

#include <public/xen.h>
#include <public/sched.h>
#include <public/callback.h>
#include <public/vcpu.h>

extern char hypercall_page[4096];

static inline long hypercall5(unsigned int nr, unsigned long a1, unsigned long a2, unsigned long a3,
			      unsigned long a4, unsigned long a5)
{
	register unsigned long r10 __asm__("r10") = a4;
	register unsigned long r8 __asm__("r8") = a5;
	long ret;
	__asm__ volatile("call *%[entry]"
			 : "=a"(ret), "+D"(a1), "+S"(a2), "+d"(a3), "+r"(r10), "+r"(r8)
			 : [entry] "c"(hypercall_page + nr * 32)
			 : "memory", "r9", "r11");
	return ret;
}

#define hypercall(nr, a1, a2, a3)                                                                  \
	hypercall5(nr, (unsigned long)(a1), (unsigned long)(a2), (unsigned long)(a3), 0, 0)

static inline long hv_console_write(const char *s, unsigned int len)
{
	return hypercall(__HYPERVISOR_console_io, CONSOLEIO_write, len, s);
}

/* dom0 only: up to len bytes of hypervisor console input; returns the count. */
static inline long hv_console_read(char *s, unsigned int len)
{
	return hypercall(__HYPERVISOR_console_io, CONSOLEIO_read, len, s);
}

static inline long hv_sched_op(int cmd, void *arg)
{
	return hypercall(__HYPERVISOR_sched_op, cmd, arg, 0);
}

static inline long hv_set_timer_op(uint64_t deadline_ns)
{
	return hypercall(__HYPERVISOR_set_timer_op, deadline_ns, 0, 0);
}

static inline long hv_update_va_mapping(unsigned long va, uint64_t pte, unsigned long flags)
{
	return hypercall(__HYPERVISOR_update_va_mapping, va, pte, flags);
}

static inline long hv_mmu_update(struct mmu_update *req, unsigned int count, unsigned int *done)
{
	return hypercall5(__HYPERVISOR_mmu_update, (unsigned long)req, count, (unsigned long)done,
			  DOMID_SELF, 0);
}

/* mmu_update on behalf of foreigndom (DOMID_IO: device memory). */
static inline long hv_mmu_update_foreign(struct mmu_update *req, unsigned int count,
					 unsigned int *done, domid_t foreigndom)
{
	return hypercall5(__HYPERVISOR_mmu_update, (unsigned long)req, count, (unsigned long)done,
			  foreigndom, 0);
}

static inline long hv_physdev_op(int cmd, void *arg)
{
	return hypercall(__HYPERVISOR_physdev_op, cmd, arg, 0);
}

static inline long hv_set_trap_table(const struct trap_info *table)
{
	return hypercall(__HYPERVISOR_set_trap_table, table, 0, 0);
}

static inline long hv_callback_register(struct callback_register *cb)
{
	return hypercall(__HYPERVISOR_callback_op, CALLBACKOP_register, cb, 0);
}

static inline long hv_fpu_taskswitch(int set)
{
	return hypercall(__HYPERVISOR_fpu_taskswitch, set, 0, 0);
}

static inline long hv_event_channel_op(int cmd, void *arg)
{
	return hypercall(__HYPERVISOR_event_channel_op, cmd, arg, 0);
}

#endif
