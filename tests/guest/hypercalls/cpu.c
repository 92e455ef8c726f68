/*
 * The CPU-state hypercalls at their limits, from inside a guest:
 * set_segment_base (2 forms of the register number, the base seen through
 * %fs), stack_switch, set_trap_table (the terminator, the 256-vector
 * limit, bad lists), vm_assist, fpu_taskswitch, multicall (0 and 1025
 * entries, nesting, a list running off our mapping) and set_gdt /
 * update_descriptor (entry limit, bad frame lists, descriptors checked and
 * written with their DPL raised, frames that are not ours).
 */
#include "conform.h"

static uint64_t fs_marker = 0x1234abcd5678ef00ULL;

static uint64_t read_fs0(void)
{
	uint64_t v;
	__asm__ volatile("mov %%fs:0, %0" : "=r"(v));
	return v;
}

static void test_segments_and_stack(void)
{
	static uint64_t other = 0x77;

	tg_expect(hypercall(__HYPERVISOR_set_segment_base, SEGBASE_FS, (unsigned long)&fs_marker, 0,
			    0, 0),
		  0, "set_segment_base fs to a variable");
	tg_expect((long)read_fs0(), (long)fs_marker, "%fs:0 reads it");
	/* As Xen (unsigned int which): only the low 32 bits name the register. */
	tg_expect(hypercall(__HYPERVISOR_set_segment_base, (1UL << 32) | SEGBASE_FS,
			    (unsigned long)&other, 0, 0, 0),
		  0, "set_segment_base (1 << 32) | fs");
	tg_expect((long)read_fs0(), 0x77, "%fs:0 follows: it was fs that changed");
	tg_expect(hypercall(__HYPERVISOR_set_segment_base, SEGBASE_FS, NONCANON, 0, 0, 0),
		  -XEN_EINVAL, "set_segment_base fs non-canonical");
	tg_expect(hypercall(__HYPERVISOR_set_segment_base, SEGBASE_GS_USER_SEL, 0x1234, 0, 0, 0),
		  -XEN_EINVAL, "set_segment_base gs selector of no flat segment");
	tg_expect(hypercall(__HYPERVISOR_set_segment_base, SEGBASE_FS, 0, 0, 0, 0), 0,
		  "set_segment_base fs back to 0");
	static uint8_t stack[256] __attribute__((aligned(16)));
	tg_expect(hypercall(__HYPERVISOR_stack_switch, FLAT_KERNEL_SS, (unsigned long)(stack + 256),
			    0, 0, 0),
		  0, "stack_switch to a stack of ours");
}

static void test_traps_and_assists(void)
{
	static struct trap_info many[257];

	for (unsigned int i = 0; i < 257; i++)
		many[i] = (struct trap_info){
			.vector = (uint8_t)i, .cs = FLAT_KERNEL_CS, .address = 0x2000};
	tg_expect(hypercall(__HYPERVISOR_set_trap_table, (unsigned long)many, 0, 0, 0, 0),
		  -XEN_EINVAL, "set_trap_table: 257 entries and no terminator");
	tg_expect(hypercall(__HYPERVISOR_set_trap_table, HV_RANGE, 0, 0, 0, 0), -XEN_EFAULT,
		  "set_trap_table from the hypervisor range");
	many[256].address = 0;
	tg_expect(hypercall(__HYPERVISOR_set_trap_table, (unsigned long)many, 0, 0, 0, 0), 0,
		  "set_trap_table: all 256 vectors and the terminator");
	tg_expect(hypercall(__HYPERVISOR_set_trap_table, 0, 0, 0, 0, 0), 0,
		  "set_trap_table NULL clears the table");
	tg_expect(hypercall(__HYPERVISOR_vm_assist, VMASST_CMD_disable,
			    VMASST_TYPE_writable_pagetables, 0, 0, 0),
		  0, "vm_assist disable");
	tg_expect(hypercall(__HYPERVISOR_vm_assist, 5, VMASST_TYPE_writable_pagetables, 0, 0, 0),
		  -XEN_ENOSYS, "vm_assist unknown command");
	tg_expect(hypercall(__HYPERVISOR_vm_assist, VMASST_CMD_enable, 64, 0, 0, 0), -XEN_EINVAL,
		  "vm_assist type 64");
	tg_expect(hypercall(__HYPERVISOR_fpu_taskswitch, 1, 0, 0, 0, 0), 0,
		  "fpu_taskswitch set (no FPU use follows)");
	tg_expect(hypercall(__HYPERVISOR_fpu_taskswitch, 0, 0, 0, 0, 0), 0, "fpu_taskswitch clear");
}

static void test_multicall_bounds(void)
{
	static struct multicall_entry m[2];

	tg_expect(hypercall(__HYPERVISOR_multicall, (unsigned long)m, 0, 0, 0, 0), 0,
		  "multicall of 0 entries");
	tg_expect(hypercall(__HYPERVISOR_multicall, (unsigned long)m, 1025, 0, 0, 0), -XEN_EINVAL,
		  "multicall of 1025 entries");
	m[0] = (struct multicall_entry){.op = __HYPERVISOR_multicall,
					.args = {(unsigned long)m, 1}};
	tg_expect(hypercall(__HYPERVISOR_multicall, (unsigned long)m, 1, 0, 0, 0), 0,
		  "multicall containing a multicall");
	tg_expect((long)m[0].result, -XEN_EINVAL, "the nested multicall's result: -EINVAL");
	struct multicall_entry *edge = (struct multicall_entry *)(tg_mapping_end() - sizeof(*edge));
	*edge = (struct multicall_entry){.op = __HYPERVISOR_xen_version, .args = {0}};
	tg_expect(hypercall(__HYPERVISOR_multicall, (unsigned long)edge, 2, 0, 0, 0), -XEN_EFAULT,
		  "multicall list running off our mapping");
	tg_expect((long)edge->result, (4 << 16) | 17, "its first entry was carried out");
}

#define CODE64_DPL0 0x00af9b000000ffffULL
#define CODE64_DPL3 0x00affb000000ffffULL
#define CALL_GATE   0x0000ec0000080000ULL

static void test_descriptors(void)
{
	static uint64_t table[512] __attribute__((aligned(4096)));
	static unsigned long frames[2];
	unsigned long maddr = conform_mfn(table) << 12;

	frames[0] = conform_mfn(table);
	tg_expect(hypercall(__HYPERVISOR_set_gdt, (unsigned long)frames, 7169, 0, 0, 0),
		  -XEN_EINVAL, "set_gdt of 7169 entries");
	tg_expect(hypercall(__HYPERVISOR_set_gdt, HV_RANGE, 16, 0, 0, 0), -XEN_EFAULT,
		  "set_gdt with the frame list in the hypervisor range");
	frames[0] = 1UL << 40;
	tg_expect(hypercall(__HYPERVISOR_set_gdt, (unsigned long)frames, 16, 0, 0, 0), -XEN_EINVAL,
		  "set_gdt of a frame that is not ours");
	tg_expect(hypercall(__HYPERVISOR_update_descriptor, maddr + 8, CODE64_DPL0, 0, 0, 0), 0,
		  "update_descriptor of a frame of ours");
	tg_expect((long)table[1], (long)CODE64_DPL3, "written with its DPL raised to 3");
	tg_expect(hypercall(__HYPERVISOR_update_descriptor, maddr + 16, CALL_GATE, 0, 0, 0),
		  -XEN_EINVAL, "update_descriptor of a call gate");
	tg_expect(hypercall(__HYPERVISOR_update_descriptor, maddr + 4, CODE64_DPL3, 0, 0, 0),
		  -XEN_EINVAL, "update_descriptor at an unaligned address");
	tg_expect(hypercall(__HYPERVISOR_update_descriptor, 1UL << 52, CODE64_DPL3, 0, 0, 0),
		  -XEN_EINVAL, "update_descriptor of a frame that is not ours");
	tg_expect(hypercall(__HYPERVISOR_update_descriptor,
			    conform_mfn((void *)tg_start_info->pt_base) << 12, 0, 0, 0, 0),
		  -XEN_EINVAL, "update_descriptor into our L4 (a page table)");
	frames[0] = conform_mfn(table);
	tg_expect(hypercall(__HYPERVISOR_set_gdt, (unsigned long)frames, 16, 0, 0, 0), 0,
		  "set_gdt of 16 entries in a frame of ours");
	tg_expect(hypercall(__HYPERVISOR_set_gdt, (unsigned long)frames, 0, 0, 0, 0), 0,
		  "set_gdt of 0 entries");
}

void test_cpu(void)
{
	test_segments_and_stack();
	test_traps_and_assists();
	test_multicall_bounds();
	test_descriptors();
}
