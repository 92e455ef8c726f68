/*
 * Host fakes for the hypercall tests: guest memory, the vCPU/domain objects
 * and the kernel/domain actions (which only record their arguments).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <hospes/guest_access.h>
#include <hospes/pv_mmu.h>
#include <hospes/shadow.h>
#include <public/errno.h>
#include <public/xen.h>
#include "env.h"

unsigned char gmem[GMEM];
struct domain dom, other;
static struct vcpu vcpus[2];
static struct arch_vcpu arch[2];
static struct pv_domain pvd, pvo;
struct vcpu *v0 = &vcpus[0], *v1 = &vcpus[1];
struct env_log env;

void env_reset(bool privileged)
{
	memset(gmem, 0, sizeof(gmem));
	memset(&env, 0, sizeof(env));
	memset(&dom, 0, sizeof(dom));
	memset(&other, 0, sizeof(other));
	memset(vcpus, 0, sizeof(vcpus));
	memset(arch, 0, sizeof(arch));
	memset(&pvd, 0, sizeof(pvd));
	memset(&pvo, 0, sizeof(pvo));
	pvd.shutdown_code = pvo.shutdown_code = -1;
	dom.id = privileged ? 0 : 3;
	dom.is_privileged = privileged;
	dom.pv = &pvd;
	dom.max_vcpus = 2;
	other.id = 7;
	other.pv = &pvo;
	for (int i = 0; i < 2; i++) {
		vcpus[i].id = i;
		vcpus[i].domain = &dom;
		vcpus[i].arch = &arch[i];
		dom.vcpu[i] = &vcpus[i];
	}
	static struct shared_info si;
	memset(&si, 0, sizeof(si));
	dom.shared_info = &si;
	vcpus[0].vcpu_info = &si.vcpu_info[0];
	vcpus[1].vcpu_info = &si.vcpu_info[1];
	vcpus[0].online = true;
	arch[0].initialised = true;
}

long hc(struct vcpu *v, unsigned long nr, unsigned long a1, unsigned long a2, unsigned long a3)
{
	return hypercall_dispatch(v, nr, a1, a2, a3, 0, 0);
}

void *gptr(unsigned long va)
{
	assert_true(va >= GVA && va < GVA + GMEM);
	return gmem + (va - GVA);
}

static bool in_guest(unsigned long va, size_t len)
{
	return va >= GVA && va <= GVA + GMEM && len <= GVA + GMEM - va;
}

int copy_from_guest_vcpu(struct vcpu *v, void *dst, unsigned long va, size_t len)
{
	if (!in_guest(va, len))
		return -XEN_EFAULT;
	memcpy(dst, gmem + (va - GVA), len);
	return 0;
}

int copy_to_guest_vcpu(struct vcpu *v, unsigned long va, const void *src, size_t len)
{
	if (!in_guest(va, len))
		return -XEN_EFAULT;
	memcpy(gmem + (va - GVA), src, len);
	return 0;
}

/* Moves through the loaded tables may be tried when the test says the
 * tables are loaded (env.loaded_ok); whether a move faults is
 * fake_guest_move's (asm/guest_read.h's host version). */
bool guest_loaded_ok(struct vcpu *v, unsigned long va, size_t len)
{
	(void)v;
	env.loaded_checks++;
	return env.loaded_ok && in_guest(va, len) && (va & 4095) + len <= 4096;
}

void *guest_map_small(struct vcpu *v, unsigned long va, size_t len, bool write)
{
	(void)v;
	(void)write;
	if (!len || !in_guest(va, len) || (va & 4095) + len > 4096)
		return NULL;
	return gmem + (va - GVA);
}

struct domain *domain_lookup(domid_t id)
{
	if (id == dom.id)
		return &dom;
	return id == other.id ? &other : NULL;
}

/* References on the two static domains: counted, never freed (tests check the balance). */
struct domain *domain_get(domid_t id)
{
	struct domain *d = domain_lookup(id);

	return d ? domain_get_ref(d) : NULL;
}

void domain_put(struct domain *d)
{
	assert_true(d->refcnt > 0);
	d->refcnt--;
}

void domain_shutdown(struct domain *d, unsigned int reason)
{
	env.shutdowns++;
	env.shutdown_dom = d;
	env.shutdown_reason = reason;
}

void vcpu_block(struct vcpu *v)
{
	env.blocks++;
}

void vcpu_yield(struct vcpu *v)
{
	env.yields++;
}

void vcpu_poll(struct vcpu *v, const uint32_t *ports, unsigned int nr, uint64_t timeout)
{
	env.polls++;
	env.poll_nr = nr;
	memcpy(env.poll_ports, ports, nr * sizeof(*ports));
	env.poll_timeout = timeout;
}

void vcpu_set_singleshot_timer(struct vcpu *v, uint64_t deadline)
{
	env.singleshot = deadline;
	env.timer_vcpu = v;
}

void vcpu_set_periodic_timer(struct vcpu *v, uint64_t period)
{
	env.periodic = period;
	env.timer_vcpu = v;
}

int vcpu_up(struct vcpu *v)
{
	if (!v->arch->initialised)
		return -XEN_EINVAL;
	env.ups++;
	v->online = true;
	return 0;
}

void vcpu_down(struct vcpu *v)
{
	env.downs++;
	v->online = false;
}

int vcpu_register_info(struct vcpu *v, unsigned long gfn, unsigned int offset, bool self)
{
	env.info_vcpu = v;
	env.info_gfn = gfn;
	env.info_offset = offset;
	env.info_self = self;
	return 0;
}

void vcpu_runstate(const struct vcpu *v, struct vcpu_runstate_info *r)
{
	memset(r, 0, sizeof(*r));
	r->state = v->online ? RUNSTATE_running : RUNSTATE_offline;
	r->state_entry_time = env.now;
	memcpy(r->time, env.runstate_time, sizeof(r->time));
}

void vcpu_update_runstate_area(struct vcpu *v, bool leaving)
{
	(void)leaving;
	env.runstate_area_vcpu = v;
	env.runstate_area_writes++;
}

uint64_t pv_system_time(void)
{
	return env.now;
}

const char *hypervisor_cmdline(void)
{
	return "console=com1 dom0_mem=64M";
}

void pv_console_line(struct domain *d, const char *line)
{
	strncpy(env.line, line, sizeof(env.line) - 1);
	env.lines++;
}

void pv_console_partial(struct domain *d, const char *text)
{
	strncpy(env.partial, text, sizeof(env.partial) - 1);
	env.partials++;
}

int shadow_set_roots(struct vcpu *v, gfn_t kernel_root, gfn_t user_root)
{
	env.kernel_root = gfn_x(kernel_root);
	env.user_root = gfn_x(user_root);
	return env.roots_rc;
}

paddr_t shadow_activate(struct vcpu *v, bool user_mode)
{
	env.activations++;
	return user_mode ? 0x2000 : 0x1000;
}

gfn_t shadow_guest_root(struct vcpu *v, bool user)
{
	return user ? _gfn(env.user_root) : _gfn(env.kernel_root);
}

/* The memory family (engineer D's, tested in tests/unit/shadow): routing only. */
long do_mmu_update(HYPERCALL_ARGS)
{
	return 1001;
}

long do_mmu_update_fast(HYPERCALL_ARGS)
{
	return 2001;
}

long do_set_gdt(HYPERCALL_ARGS)
{
	return 1002;
}

long do_update_descriptor(HYPERCALL_ARGS)
{
	return 1010;
}

long do_memory_op(HYPERCALL_ARGS)
{
	return 1012;
}

long do_update_va_mapping(HYPERCALL_ARGS)
{
	return 1014;
}

long do_mmuext_op(HYPERCALL_ARGS)
{
	return 1026;
}

long do_mmuext_op_fast(HYPERCALL_ARGS)
{
	return 2026;
}

/* Event channels (engineer C's, tested in tests/unit/evtchn): routing only. */
long do_event_channel_op(HYPERCALL_ARGS)
{
	return 1032;
}

long do_event_channel_op_compat(HYPERCALL_ARGS)
{
	return 1016;
}

long do_event_channel_op_fast(HYPERCALL_ARGS)
{
	return 2032;
}

/* Grant tables (engineer C's, tested in tests/unit/grant): routing only. */
long do_grant_table_op(HYPERCALL_ARGS)
{
	return 1020;
}

/* The toolstack families (priv's, tested in tests/unit/priv): routing only. */
long do_sysctl(HYPERCALL_ARGS)
{
	return 1035;
}

long do_domctl(HYPERCALL_ARGS)
{
	return 1036;
}

long do_physdev_op(HYPERCALL_ARGS)
{
	return 1033;
}
