/*
 * Stage 2 of the guest-kernel guide: exceptions.
 *
 * The guest gives the hypervisor a virtual IDT with set_trap_table: for
 * each vector a code segment, an entry address and flags (the privilege
 * level that may raise it with an "int" instruction: 3 for int3).  When
 * the CPU raises an exception in the guest, the hypervisor catches it and
 * bounces it to that entry (common/trap_entry.S); the handler runs, may
 * change the saved RIP, and returns with the iret hypercall.  A page
 * fault's address is in vcpu_info.arch.cr2 (the guest cannot read CR2),
 * so this stage also maps the shared_info page.
 *
 * It raises four exceptions on purpose and recovers from each:
 * int3 (a trap: RIP is already past it), ud2 (skip its 2 bytes), hlt (a
 * privileged instruction in ring 3: general protection, skip 1 byte), and
 * a load from an unmapped address (resume at probe_read's recovery point).
 */
#include "../common/ex.h"
#include "../common/frame.h"

extern char trap_divide_error[], trap_int3[], trap_invalid_op[], trap_gp[], trap_page_fault[];
extern char probe_read_load[], probe_fault[];
long probe_read(unsigned long va);

static struct shared_info *shared;
static unsigned int handled;

static const struct trap_info table[] = {
	{0, 0, FLAT_KERNEL_CS, (unsigned long)trap_divide_error},
	{3, 3, FLAT_KERNEL_CS, (unsigned long)trap_int3},
	{6, 0, FLAT_KERNEL_CS, (unsigned long)trap_invalid_op},
	{13, 0, FLAT_KERNEL_CS, (unsigned long)trap_gp},
	{14, 0, FLAT_KERNEL_CS, (unsigned long)trap_page_fault},
	{0, 0, 0, 0}, /* the end of the table */
};

static void say(const char *what, const struct frame *f, const char *then)
{
	print("traps: ");
	print(what);
	print(" (vector ");
	print_num((unsigned long)f->vector, 10);
	print(", error code ");
	print_num(f->error_code, 16);
	print("), ");
	print(then);
	print("\n");
}

void trap_handler(struct frame *f)
{
	handled++;
	switch (f->vector) {
	case 3:
		say("breakpoint", f, "resuming after int3");
		return;
	case 6:
		say("invalid opcode", f, "skipping the 2 bytes of ud2");
		f->rip += 2;
		return;
	case 13:
		say("general protection", f, "skipping the 1 byte of hlt");
		f->rip += 1;
		return;
	case 14:
		if (f->rip == (unsigned long)probe_read_load) {
			say("page fault", f, "resuming at the recovery point");
			print("traps: the faulting address was ");
			print_num(shared->vcpu_info[0].arch.cr2, 16);
			print("\n");
			f->rip = (unsigned long)probe_fault;
			return;
		}
	}
	say("unexpected exception", f, "giving up");
	shutdown(SHUTDOWN_crash);
}

void example_main(struct start_info *si)
{
	shared = map_shared_info(si);
	if (hypercall(__HYPERVISOR_set_trap_table, (unsigned long)table, 0, 0, 0))
		shutdown(SHUTDOWN_crash);
	/* newer CPUs' SSE needs CR0.TS clear; we use none, but say so anyway */
	hypercall(__HYPERVISOR_fpu_taskswitch, 0, 0, 0, 0);
	print("traps: trap table installed\n");
	__asm__ volatile("int3");
	__asm__ volatile("ud2");
	__asm__ volatile("hlt");
	long v = probe_read(0x40000000UL);
	print("traps: probe_read returned ");
	print(v == -1 ? "-1" : "a value");
	print("\ntraps: ");
	print_num(handled, 10);
	print(" exceptions handled, back in example_main\n");
	shutdown(SHUTDOWN_poweroff);
}
