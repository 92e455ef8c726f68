/*
 * memory_op (12) on ourselves and the limits of the PV MMU calls
 * (mmu_update 1, update_va_mapping 14, mmuext_op 26) from inside a guest.
 * tests/guest/mm covers their success paths on the real MMU; here are the
 * boundaries: counts of 0 and of the continuation bit, extent orders past
 * the limit, missing lists, unknown sub-operations and commands, pointers
 * that are bad or run off the end of the mapping, and the `done` count.
 */
#include "conform.h"
#include <public/memory.h>

static uint64_t plain[512] __attribute__((aligned(4096)));

static long memory_op(unsigned long cmd, void *arg)
{
	return hypercall(__HYPERVISOR_memory_op, cmd, (unsigned long)arg, 0, 0, 0);
}

static void test_memory_op(void)
{
	static domid_t self = DOMID_SELF, dom0 = 0;
	static struct xen_machphys_mapping mm;
	static struct xen_memory_map map;
	static struct xen_e820_entry e820[2];
	static struct xen_memory_reservation r;
	static xen_pfn_t frame;

	long cur = memory_op(XENMEM_current_reservation, &self);
	tg_expect(cur, (long)tg_start_info->nr_pages, "memory_op current_reservation");
	tg_check(memory_op(XENMEM_maximum_reservation, &self) >= cur,
		 "memory_op maximum_reservation >= current");
	tg_check(memory_op(XENMEM_maximum_ram_page, 0) >= cur, "memory_op maximum_ram_page");
	if (!conform_is_dom0())
		tg_expect(memory_op(XENMEM_current_reservation, &dom0), -XEN_EPERM,
			  "memory_op current_reservation of dom0 (domU)");
	tg_expect(memory_op(XENMEM_current_reservation, (void *)HV_RANGE), -XEN_EFAULT,
		  "memory_op current_reservation from the hypervisor range");
	tg_expect(memory_op(XENMEM_machphys_mapping, &mm), 0, "memory_op machphys_mapping");
	tg_check(mm.v_start == 0xffff800000000000UL && mm.max_mfn + 1 >= (unsigned long)cur,
		 "machphys_mapping: where the m2p lies");
	map.nr_entries = 2;
	map.buffer.p = e820;
	tg_expect(memory_op(XENMEM_memory_map, &map), 0, "memory_op memory_map");
	tg_check(map.nr_entries == 1 && e820[0].addr == 0 && e820[0].type == XEN_E820_RAM,
		 "memory_map: one RAM range from 0");
	map.nr_entries = 1;
	map.buffer.p = (struct xen_e820_entry *)NONCANON;
	tg_expect(memory_op(XENMEM_memory_map, &map), -XEN_EFAULT,
		  "memory_op memory_map into a non-canonical buffer");
	tg_expect(memory_op(XENMEM_add_to_physmap, &map), -XEN_EACCES,
		  "memory_op add_to_physmap (PV) -EACCES");
	const unsigned long unknown[] = {XENMEM_exchange, XENMEM_machine_memory_map, 63};
	for (unsigned int i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++)
		tg_expect(memory_op(unknown[i], &map), -XEN_ENOSYS, "memory_op unknown sub-op");
	r = (struct xen_memory_reservation){.nr_extents = 0, .domid = DOMID_SELF};
	r.extent_start.p = &frame;
	tg_expect(memory_op(XENMEM_populate_physmap, &r), 0, "populate_physmap of 0 extents");
	r.nr_extents = 1;
	r.extent_order = conform_is_dom0() ? 19 : 10;
	tg_expect(memory_op(XENMEM_populate_physmap, &r), 0,
		  "populate_physmap past the largest extent order: nothing done");
	r.extent_order = 0;
	r.extent_start.p = 0;
	tg_expect(memory_op(XENMEM_decrease_reservation, &r), 0,
		  "decrease_reservation with no list: nothing done");
	r.extent_start.p = (xen_pfn_t *)HV_RANGE;
	tg_expect(memory_op(XENMEM_decrease_reservation, &r), 0,
		  "decrease_reservation with the list in the hypervisor range");
	frame = 1UL << 40;
	r.extent_start.p = &frame;
	tg_expect(memory_op(XENMEM_decrease_reservation, &r), 0,
		  "decrease_reservation of a frame we do not have");
	r.nr_extents = 3;
	tg_expect(memory_op(XENMEM_decrease_reservation | (3UL << MEMOP_EXTENT_SHIFT), &r), 3,
		  "decrease_reservation continued from extent 3 of 3: done");
	tg_expect(memory_op(XENMEM_populate_physmap, (void *)NONCANON), -XEN_EFAULT,
		  "populate_physmap from a non-canonical pointer");
	tg_expect(memory_op(XENMEM_current_reservation, &self), cur,
		  "current_reservation unchanged by all the refusals");
}

static void test_mmu_bounds(void)
{
	static struct mmu_update req[2];
	static struct mmuext_op op;
	static unsigned int done;

	tg_expect(hypercall(__HYPERVISOR_mmu_update, (unsigned long)req, 0, (unsigned long)&done,
			    DOMID_SELF, 0),
		  0, "mmu_update of 0 entries");
	tg_expect(done, 0, "mmu_update: done 0");
	done = 7;
	tg_expect(hypercall(__HYPERVISOR_mmu_update, HV_RANGE, 1, (unsigned long)&done, DOMID_SELF,
			    0),
		  -XEN_EFAULT, "mmu_update from the hypervisor range");
	tg_expect(done, 0, "mmu_update: nothing done");
	req[0] = (struct mmu_update){.ptr = 4 | (conform_mfn(req) << 12), .val = 0};
	tg_expect(hypercall(__HYPERVISOR_mmu_update, (unsigned long)req, 1, 0, DOMID_SELF, 0),
		  -XEN_ENOSYS, "mmu_update with an unknown command (ptr & 7 == 4)");
	req[0].ptr = 1UL << 40; /* a frame nobody has */
	tg_expect(hypercall(__HYPERVISOR_mmu_update, (unsigned long)req, 1, 0, DOMID_SELF, 0),
		  -XEN_EINVAL, "mmu_update of a frame that is not ours");
	/* As Xen: a normal update of a plain writable page of ours is a plain write. */
	plain[1] = 1;
	req[0] = (struct mmu_update){.ptr = (conform_mfn(plain) << 12) + 8, .val = 0x1234};
	tg_expect(hypercall(__HYPERVISOR_mmu_update, (unsigned long)req, 1, 0, DOMID_SELF, 0), 0,
		  "mmu_update of a plain page of ours");
	tg_expect((long)plain[1], 0x1234, "mmu_update: the word was written");
	req[0].ptr = 0;
	tg_expect(hypercall(__HYPERVISOR_mmu_update, (unsigned long)req, 1, 0, 0x7000, 0),
		  conform_is_dom0() ? -XEN_ESRCH : -XEN_EPERM, "mmu_update for no domain");
	tg_expect(hypercall(__HYPERVISOR_mmu_update, (unsigned long)req, 1, 0, DOMID_SELF | 0x10000,
			    0),
		  conform_domid() == 0 ? -XEN_EINVAL : -XEN_EPERM,
		  "mmu_update with a foreign 'pfd' of dom0");
	op.cmd = MMUEXT_TLB_FLUSH_LOCAL;
	tg_expect(hypercall(__HYPERVISOR_mmuext_op, (unsigned long)&op, 1, (unsigned long)&done,
			    DOMID_SELF, 0),
		  0, "mmuext_op flush local");
	tg_expect(done, 1, "mmuext_op: done 1");
	op.cmd = MMUEXT_INVLPG_MULTI;
	op.arg2.vcpumask.p = (void *)HV_RANGE;
	tg_expect(hypercall(__HYPERVISOR_mmuext_op, (unsigned long)&op, 1, 0, DOMID_SELF, 0),
		  -XEN_EFAULT, "mmuext_op invlpg_multi with the mask in the hypervisor range");
	op.cmd = MMUEXT_SET_LDT;
	op.arg1.linear_addr = 0x1001;
	tg_expect(hypercall(__HYPERVISOR_mmuext_op, (unsigned long)&op, 1, 0, DOMID_SELF, 0),
		  -XEN_EINVAL, "mmuext_op set_ldt at an unaligned base");
	op.cmd = MMUEXT_COPY_PAGE;
	op.arg1.mfn = conform_mfn(plain);
	op.arg2.src_mfn = conform_mfn(tg_start_info); /* start_info is never all zero */
	tg_expect(hypercall(__HYPERVISOR_mmuext_op, (unsigned long)&op, 1, 0, DOMID_SELF, 0), 0,
		  "mmuext_op copy_page");
	tg_check(plain[0] == *(uint64_t *)tg_start_info &&
			 plain[511] == ((uint64_t *)tg_start_info)[511],
		 "mmuext_op copy_page: copied");
	op.cmd = MMUEXT_CLEAR_PAGE;
	tg_expect(hypercall(__HYPERVISOR_mmuext_op, (unsigned long)&op, 1, 0, DOMID_SELF, 0), 0,
		  "mmuext_op clear_page");
	bool zero = true;
	for (int i = 0; i < 512; i++)
		zero = zero && plain[i] == 0;
	tg_check(zero, "mmuext_op clear_page: the page is zero");
	op.arg1.mfn = 1UL << 40;
	tg_expect(hypercall(__HYPERVISOR_mmuext_op, (unsigned long)&op, 1, 0, DOMID_SELF, 0),
		  -XEN_EINVAL, "mmuext_op clear_page of a frame that is not ours");
	op.cmd = MMUEXT_MARK_SUPER;
	tg_expect(hypercall(__HYPERVISOR_mmuext_op, (unsigned long)&op, 1, 0, DOMID_SELF, 0),
		  -XEN_EOPNOTSUPP, "mmuext_op mark_super");
	op.cmd = 99;
	tg_expect(hypercall(__HYPERVISOR_mmuext_op, (unsigned long)&op, 1, 0, DOMID_SELF, 0),
		  -XEN_ENOSYS, "mmuext_op unknown command");
	static struct mmuext_op *edge;
	edge = (struct mmuext_op *)(tg_mapping_end() - sizeof(*edge));
	edge->cmd = MMUEXT_TLB_FLUSH_LOCAL;
	done = 7;
	tg_expect(hypercall(__HYPERVISOR_mmuext_op, (unsigned long)edge, 2, (unsigned long)&done,
			    DOMID_SELF, 0),
		  -XEN_EFAULT, "mmuext_op array running into the unmapped");
	tg_expect(done, 1, "mmuext_op: the first one was done");
	tg_expect(hypercall(__HYPERVISOR_update_va_mapping, NONCANON, 0, 0, 0, 0), -XEN_EINVAL,
		  "update_va_mapping of a non-canonical address");
	tg_expect(hypercall(__HYPERVISOR_update_va_mapping, (unsigned long)&op,
			    (conform_mfn(&op) << 12) | PTE_FLAGS,
			    UVMF_INVLPG | UVMF_MULTI | HV_RANGE, 0, 0),
		  -XEN_EFAULT, "update_va_mapping with its vCPU mask in the hypervisor range");
}

void test_memory(void)
{
	test_memory_op();
	test_mmu_bounds();
}
