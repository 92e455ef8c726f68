/*
 * Conformance of the basic hypercalls, seen from inside a guest: success
 * paths, every documented error, unknown numbers, bad pointers
 * (NULL, non-canonical, hypervisor range, page-crossing into the unmapped),
 * privilege checks (the results differ as dom0 and as a domU), and both
 * entry paths (the hypercall page's syscall and int $0x82).
 */
#include "conform.h"
#include <public/callback.h>
#include <public/features.h>
#include <public/sched.h>
#include <public/vcpu.h>
#include <public/version.h>

const char test_title[] = "hypercalls";

bool conform_is_dom0(void)
{
	return tg_start_info->flags & SIF_INITDOMAIN;
}

domid_t conform_domid(void)
{
	static uint8_t h[16];
	if (hypercall(__HYPERVISOR_xen_version, XENVER_guest_handle, (unsigned long)h, 0, 0, 0))
		return DOMID_INVALID;
	return (domid_t)(h[14] << 8 | h[15]);
}

unsigned long conform_pfn(const void *va)
{
	return (unsigned long)va >> 12;
}

unsigned long conform_mfn(const void *va)
{
	return ((unsigned long *)tg_start_info->mfn_list)[conform_pfn(va)];
}

static void test_version(void)
{
	static char buf[1024];
	static struct xen_feature_info fi;
	tg_expect(hypercall(__HYPERVISOR_xen_version, XENVER_version, 0, 0, 0, 0), (4 << 16) | 17,
		  "xen_version version is 4.17");
	tg_expect(hypercall_int82(__HYPERVISOR_xen_version, XENVER_version, 0, 0), (4 << 16) | 17,
		  "int $0x82 reaches the same handler");
	tg_expect(hypercall(__HYPERVISOR_xen_version, XENVER_capabilities, (unsigned long)buf, 0, 0,
			    0),
		  0, "capabilities");
	tg_check(__builtin_strcmp(buf, "xen-3.0-x86_64") == 0, "capabilities say xen-3.0-x86_64");
	tg_expect(hypercall(__HYPERVISOR_xen_version, XENVER_pagesize, 0, 0, 0, 0), 4096,
		  "pagesize");
	tg_expect(hypercall(__HYPERVISOR_xen_version, XENVER_pagesize, (unsigned long)buf, 0, 0, 0),
		  -XEN_EINVAL, "pagesize with an argument");
	fi.submap_idx = 0;
	tg_expect(hypercall(__HYPERVISOR_xen_version, XENVER_get_features, (unsigned long)&fi, 0, 0,
			    0),
		  0, "get_features");
	tg_check(fi.submap & (1U << XENFEAT_direct_mapped), "feature direct_mapped");
	tg_check(!!(fi.submap & (1U << XENFEAT_dom0)) == conform_is_dom0(),
		 "feature dom0 iff dom0");
	fi.submap_idx = 1;
	tg_expect(hypercall(__HYPERVISOR_xen_version, XENVER_get_features, (unsigned long)&fi, 0, 0,
			    0),
		  -XEN_EINVAL, "get_features submap 1");
	tg_expect(hypercall(__HYPERVISOR_xen_version, XENVER_commandline, (unsigned long)buf, 0, 0,
			    0),
		  conform_is_dom0() ? 0 : -XEN_EPERM, "commandline for dom0 only");
	tg_expect(hypercall(__HYPERVISOR_xen_version, 99, 0, 0, 0, 0), -XEN_ENOSYS,
		  "unknown xen_version sub-op");
	tg_expect(hypercall(__HYPERVISOR_xen_version, XENVER_capabilities, HV_RANGE, 0, 0, 0),
		  -XEN_EFAULT, "capabilities into the hypervisor range");
}

static void test_bad_pointers(void)
{
	unsigned long end = tg_mapping_end();
	const unsigned long bad[] = {end, end + 0x100000, NONCANON, HV_RANGE, ~0UL - 4};
	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		tg_expect(hypercall(__HYPERVISOR_console_io, CONSOLEIO_write, 4, bad[i], 0, 0),
			  -XEN_EFAULT, "console_io write from a bad pointer");
	tg_expect(hypercall(__HYPERVISOR_console_io, CONSOLEIO_write, 4, end - 2, 0, 0),
		  -XEN_EFAULT, "console_io write crossing the end of the mapping");
	tg_expect(hypercall(__HYPERVISOR_console_io, 9, 0, 0, 0, 0), -XEN_ENOSYS,
		  "unknown console_io command");
}

/*
 * The hypervisor writes guest memory only where the guest itself could:
 * not through a read-only mapping (our page tables are mapped read-only,
 * as in Xen; a write there would edit our own page tables unchecked), and
 * not into a page we made read-only ourselves.
 */
static void test_read_only(void)
{
	static uint8_t ro_page[4096] __attribute__((aligned(4096)));
	const uint64_t *l4 = (const uint64_t *)tg_start_info->pt_base;
	uint64_t keep = l4[0];

	tg_expect(hypercall(__HYPERVISOR_xen_version, XENVER_capabilities, tg_start_info->pt_base,
			    0, 0, 0),
		  -XEN_EFAULT, "xen_version into our (read-only) L4 table");
	tg_check(l4[0] == keep, "our L4 table is untouched");
	ro_page[0] = 0x5a;
	tg_expect(hypercall(__HYPERVISOR_update_va_mapping, (unsigned long)ro_page,
			    (conform_mfn(ro_page) << 12) | (PTE_FLAGS & ~2UL), UVMF_INVLPG, 0, 0),
		  0, "map a page of ours read-only");
	tg_expect(hypercall(__HYPERVISOR_xen_version, XENVER_capabilities, (unsigned long)ro_page,
			    0, 0, 0),
		  -XEN_EFAULT, "xen_version into a read-only page");
	tg_expect(ro_page[0], 0x5a, "the read-only page is untouched");
	tg_expect(hypercall(__HYPERVISOR_update_va_mapping, (unsigned long)ro_page,
			    (conform_mfn(ro_page) << 12) | PTE_FLAGS, UVMF_INVLPG, 0, 0),
		  0, "and writable again");
}

static void test_unknown_numbers(void)
{
	static const unsigned int nrs[] = {11, 27, 31, 34, 37, 38, 42, 48, 55, 63, 127};
	for (unsigned int i = 0; i < sizeof(nrs) / sizeof(nrs[0]); i++)
		tg_expect(hypercall(nrs[i], 0, 0, 0, 0, 0), -XEN_ENOSYS, "unknown hypercall");
	tg_expect(hypercall_raw(128, 0, 0), -XEN_ENOSYS, "hypercall 128 (past the page)");
	tg_expect(hypercall_raw(~0UL, 0, 0), -XEN_ENOSYS, "hypercall ~0");
}

static void test_multicall(void)
{
	static struct multicall_entry m[3];
	m[0] = (struct multicall_entry){.op = __HYPERVISOR_xen_version, .args = {XENVER_version}};
	m[1] = (struct multicall_entry){.op = 99};
	m[2] = (struct multicall_entry){.op = __HYPERVISOR_xen_version, .args = {XENVER_pagesize}};
	tg_expect(hypercall(__HYPERVISOR_multicall, (unsigned long)m, 3, 0, 0, 0), 0, "multicall");
	tg_expect((long)m[0].result, (4 << 16) | 17, "multicall entry 0 result");
	tg_expect((long)m[1].result, -XEN_ENOSYS, "multicall entry 1 result");
	tg_expect((long)m[2].result, 4096, "multicall entry 2 result");
	tg_expect(hypercall(__HYPERVISOR_multicall, HV_RANGE, 1, 0, 0, 0), -XEN_EFAULT,
		  "multicall list in the hypervisor range");
}

static void test_cpu_state(void)
{
	static struct trap_info traps[2] = {
		{.vector = 3, .cs = FLAT_KERNEL_CS, .address = NONCANON}};
	tg_expect(hypercall(__HYPERVISOR_set_trap_table, (unsigned long)traps, 0, 0, 0, 0),
		  -XEN_EINVAL, "set_trap_table with a non-canonical handler");
	traps[0].address = (unsigned long)test_main;
	tg_expect(hypercall(__HYPERVISOR_set_trap_table, (unsigned long)traps, 0, 0, 0, 0), 0,
		  "set_trap_table");
	tg_expect(hypercall(__HYPERVISOR_stack_switch, FLAT_KERNEL_SS, NONCANON, 0, 0, 0),
		  -XEN_EINVAL, "stack_switch to a non-canonical stack");
	tg_expect(hypercall(__HYPERVISOR_set_segment_base, SEGBASE_FS, 0x1000, 0, 0, 0), 0,
		  "set_segment_base fs");
	tg_expect(hypercall(__HYPERVISOR_set_segment_base, 4, 0, 0, 0, 0), -XEN_EINVAL,
		  "set_segment_base unknown register");
	tg_expect(hypercall(__HYPERVISOR_set_debugreg, 4, 0, 0, 0, 0), -XEN_EINVAL,
		  "set_debugreg dr4");
	tg_expect(hypercall(__HYPERVISOR_get_debugreg, 7, 0, 0, 0, 0), 0x400, "get_debugreg dr7");
	tg_expect(hypercall(__HYPERVISOR_fpu_taskswitch, 0, 0, 0, 0, 0), 0, "fpu_taskswitch");
	tg_expect(hypercall(__HYPERVISOR_vm_assist, VMASST_CMD_enable, 6, 0, 0, 0), -XEN_EINVAL,
		  "vm_assist unknown type");
	tg_expect(hypercall(__HYPERVISOR_vm_assist, VMASST_CMD_enable,
			    VMASST_TYPE_writable_pagetables, 0, 0, 0),
		  0, "vm_assist writable_pagetables");
	static struct callback_register cb = {.type = 6, .address = 0x1000};
	tg_expect(hypercall(__HYPERVISOR_callback_op, CALLBACKOP_register, (unsigned long)&cb, 0, 0,
			    0),
		  -XEN_ENOSYS, "callback_op unknown type");
}

static void test_sched_and_vcpu(void)
{
	static struct sched_remote_shutdown rs = {.domain_id = 0x7000, .reason = 0};
	tg_expect(hypercall(__HYPERVISOR_sched_op, SCHEDOP_yield, 0, 0, 0, 0), 0, "sched_op yield");
	tg_expect(hypercall(__HYPERVISOR_sched_op, SCHEDOP_remote_shutdown, (unsigned long)&rs, 0,
			    0, 0),
		  conform_is_dom0() ? -XEN_ESRCH : -XEN_EPERM, "remote_shutdown of no domain");
	tg_expect(hypercall(__HYPERVISOR_sched_op, 99, 0, 0, 0, 0), -XEN_ENOSYS,
		  "unknown sched_op");
	tg_expect(hypercall(__HYPERVISOR_vcpu_op, VCPUOP_is_up, 0, 0, 0, 0), 1, "vcpu 0 is up");
	tg_expect(hypercall(__HYPERVISOR_vcpu_op, VCPUOP_is_up, 99, 0, 0, 0), -XEN_ENOENT,
		  "vcpu_op on vcpu 99");
	tg_expect(hypercall(__HYPERVISOR_set_timer_op, 0, 0, 0, 0, 0), 0, "set_timer_op cancel");
}

void test_main(void)
{
	test_version();
	test_bad_pointers();
	test_read_only();
	test_unknown_numbers();
	test_multicall();
	test_cpu_state();
	test_sched_and_vcpu();
	test_cpu();
	test_evtchn();
	test_grant();
	test_memory();
	test_vcpu();
	test_privileged();
}
