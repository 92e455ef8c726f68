/*
 * The Hospes test guest library: a tiny PV kernel in the spirit of XTF.
 * Each test folder provides test_main(); the library boots, runs it, and
 * prints one TAP verdict line per check, a summary, then shuts the domain
 * down with reason poweroff (all passed) or crash (a check failed).
 */
#ifndef TG_H
#define TG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <public/xen.h>

extern struct start_info *tg_start_info;
extern uint8_t hypercall_page[4096];

/* A hypercall through the hypercall page (syscall) or int $0x82. */
long hypercall(unsigned int nr, unsigned long a1, unsigned long a2, unsigned long a3,
	       unsigned long a4, unsigned long a5);
long hypercall_int82(unsigned int nr, unsigned long a1, unsigned long a2, unsigned long a3);
/* A raw "mov $nr, %eax; syscall" (for numbers past the hypercall page). */
long hypercall_raw(unsigned long nr, unsigned long a1, unsigned long a2);

/* A raw SYSCALL hypercall that checks the registers it must keep (lib/probe.S):
 * 0 if all came back unchanged, else the OR of their changed bits. */
long tg_probe(unsigned long nr, unsigned long a1, unsigned long a2, long *result);

/* dom0: does a domain other than dom0 exist that has not shut down yet
 * (sysctl getdomaininfolist)?  False if the sysctl fails. */
bool tg_others_running(void);

/* One past the bootstrap mapping (Xen's layout): nothing is mapped from here on. */
unsigned long tg_mapping_end(void);

/* The machine frame of a page of the image (VA = PFN * 4 KiB), by the builder's mfn_list. */
static inline unsigned long tg_mfn_of(const void *va)
{
	return ((unsigned long *)tg_start_info->mfn_list)[(unsigned long)va >> 12];
}

/* One mmuext_op (MMUEXT_PIN_L4_TABLE, NEW_BASEPTR, ...) on frame mfn, for this domain. */
long tg_mmuext(unsigned int cmd, unsigned long mfn);

void tg_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void tg_check(bool ok, const char *name);
void tg_expect(long got, long want, const char *name);
void tg_skip(const char *name, const char *why);

/* Exception handlers for set_trap_table (lib/traps.S): each records the
 * vector, error code and frame in tg_trap_*, steps RIP by tg_trap_skip and
 * returns by the iret hypercall. */
extern unsigned long tg_trap_vec, tg_trap_err, tg_trap_rip, tg_trap_cs, tg_trap_rflags,
	tg_trap_skip;
void tg_bp_handler(void), tg_ud_handler(void), tg_gp_handler(void), tg_pf_handler(void);

/* Guest user mode (lib/user_mode.S): enter it at rip with the iret
 * hypercall; a handler of the user code's last exception jumps to
 * tg_user_return, and tg_user_enter returns in kernel mode. */
void tg_user_enter(unsigned long rip, unsigned long rsp, unsigned long rflags);
void tg_user_return(void);

/* Start vCPU id (VCPUOP_initialise then VCPUOP_up) in guest kernel mode
 * on the page tables cr3, running entry(id) on the top of stack (the lower
 * half of it is the kernel stack for bounces); ctx is filled in. */
struct vcpu_guest_context;
long tg_vcpu_up(struct vcpu_guest_context *ctx, unsigned int id, void (*entry)(unsigned long),
		uint8_t *stack, size_t stack_bytes, unsigned long cr3);

void test_main(void); /* the test's body */
extern const char test_title[];

#endif
