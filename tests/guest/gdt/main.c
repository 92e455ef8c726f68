/*
 * The guest's own GDT entries on the real CPU: set_gdt with one frame,
 * then, through the descriptors the hypervisor installed:
 *   - a data selector of the guest's GDT loads into ES and reads back;
 *   - LAR shows a code descriptor given with DPL 0 installed with DPL 3
 *     (the guest kernel runs in ring 3 and never gets ring 0 segments);
 *   - update_descriptor marking the entry not present makes the next load
 *     fault (#NP to the guest's handler), and making it present again
 *     makes it load again, also after many yields (the copy is reinstalled
 *     at every switch-in, on whichever CPU);
 *   - call gates, TSS descriptors and misaligned addresses are refused.
 */
#include "../lib/tg.h"
#include <public/errno.h>
#include <public/sched.h>

const char test_title[] = "gdt";

#define DATA_DPL3   0x00cff3000000ffffULL
#define CODE64_DPL0 0x00af9b000000ffffULL
#define CALL_GATE   0x0000ec0000080000ULL
#define TSS_DESC    0x0000890000000067ULL
#define DATA_IDX    8
#define CODE_IDX    9
#define DATA_SEL    (DATA_IDX << 3 | 3)
#define CODE_SEL    (CODE_IDX << 3 | 3)

static uint64_t gdt_page[512] __attribute__((aligned(4096)));
unsigned long gdt_faults, gdt_fault_vec;

void gdt_fault_handler(void);
/* #GP/#NP from the guarded load: count, skip the 2-byte mov, return. */
__asm__(".text\n"
	"gdt_fault_handler:\n"
	"	pop %rcx\n"
	"	pop %r11\n"
	"	add $8, %rsp\n" /* the error code */
	"	incq gdt_faults(%rip)\n"
	"	addq $2, (%rsp)\n"
	"	pushq $0\n"
	"	jmp hypercall_page + 23 * 32\n");

/* Load sel into ES (a 2-byte mov, skipped by the handler if it faults) and
 * read ES back. */
static unsigned long load_es(unsigned long sel)
{
	unsigned long got;
	__asm__ volatile("mov %%eax, %%es\n\t"
			 "mov %%es, %%eax"
			 : "=a"(got)
			 : "a"(sel)
			 : "memory");
	return got & 0xffff;
}

static long upd(unsigned int idx, uint64_t desc)
{
	return hypercall(__HYPERVISOR_update_descriptor, (tg_mfn_of(gdt_page) << 12) + idx * 8,
			 desc, 0, 0, 0);
}

void test_main(void)
{
	static struct trap_info traps[] = {{11, 0, 0xe033, (unsigned long)gdt_fault_handler},
					   {13, 0, 0xe033, (unsigned long)gdt_fault_handler},
					   {0}};
	static unsigned long frames[1];
	tg_expect(hypercall(__HYPERVISOR_set_trap_table, (unsigned long)traps, 0, 0, 0, 0), 0,
		  "set_trap_table (#NP, #GP)");
	gdt_page[DATA_IDX] = DATA_DPL3;
	gdt_page[CODE_IDX] = CODE64_DPL0;
	frames[0] = tg_mfn_of(gdt_page);
	tg_expect(hypercall(__HYPERVISOR_set_gdt, (unsigned long)frames, 16, 0, 0, 0), 0,
		  "set_gdt: one frame, 16 entries");
	tg_expect(load_es(DATA_SEL), DATA_SEL, "a data selector of the guest's GDT loads into ES");
	tg_expect(gdt_faults, 0, "without a fault");
	unsigned long ar = 0, ok = 0;
	__asm__ volatile("lar %2, %0\n\tsetz %b1"
			 : "=r"(ar), "+q"(ok)
			 : "r"((unsigned long)CODE_SEL));
	tg_check(ok & 1, "LAR accepts the code selector");
	tg_expect((ar >> 13) & 3, 3, "the DPL 0 code descriptor was installed with DPL 3");
	tg_expect(upd(DATA_IDX, DATA_DPL3 & ~(1ULL << 47)), 0,
		  "update_descriptor: entry not present");
	load_es(DATA_SEL);
	tg_expect(gdt_faults, 1, "loading it now faults to the guest");
	tg_expect(upd(DATA_IDX, DATA_DPL3), 0, "update_descriptor: present again");
	for (int i = 0; i < 50; i++)
		hypercall(__HYPERVISOR_sched_op, SCHEDOP_yield, 0, 0, 0, 0);
	tg_expect(load_es(DATA_SEL), DATA_SEL, "it loads again, after 50 yields");
	tg_expect(gdt_faults, 1, "without a fault");
	tg_expect(upd(DATA_IDX, CALL_GATE), -XEN_EINVAL, "update_descriptor: call gate refused");
	tg_expect(upd(DATA_IDX, TSS_DESC), -XEN_EINVAL, "update_descriptor: TSS refused");
	tg_expect(hypercall(__HYPERVISOR_update_descriptor, (tg_mfn_of(gdt_page) << 12) + 4,
			    DATA_DPL3, 0, 0, 0),
		  -XEN_EINVAL, "update_descriptor: misaligned address refused");
	gdt_page[3] = CALL_GATE;
	tg_expect(hypercall(__HYPERVISOR_set_gdt, (unsigned long)frames, 16, 0, 0, 0), -XEN_EINVAL,
		  "set_gdt with a call gate in it refused");
	tg_expect(load_es(DATA_SEL), DATA_SEL, "the previous GDT stays in force");
	tg_expect(hypercall(__HYPERVISOR_set_gdt, (unsigned long)frames, 7169, 0, 0, 0),
		  -XEN_EINVAL, "set_gdt beyond 7168 entries refused");
	load_es(0);
}
