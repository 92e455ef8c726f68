/*
 * The pvguest's hypercalls (pvguest/arch/x86_64/include/asm/hypercall.h)
 * on the host: every call goes to fake_hypercall(), which the test that
 * links pvguest code making hypercalls defines (it records the calls in
 * order and answers them as the hypervisor would).  Only the wrappers
 * that such code uses are here.
 */
#ifndef FAKE_ASM_HYPERCALL_H
#define FAKE_ASM_HYPERCALL_H

#include <public/xen.h>

long fake_hypercall(unsigned int nr, unsigned long a1, unsigned long a2, unsigned long a3);

#define hypercall(nr, a1, a2, a3)                                                                  \
	fake_hypercall(nr, (unsigned long)(a1), (unsigned long)(a2), (unsigned long)(a3))

static inline long hv_event_channel_op(int cmd, void *arg)
{
	return hypercall(__HYPERVISOR_event_channel_op, cmd, arg, 0);
}

#endif
