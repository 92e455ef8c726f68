/*
 * panic: the one way the hypervisor stops on an internal error.
 *
 * It prints the message and a backtrace of the caller, stops the other
 * CPUs (once engineer B's SMP code sets panic_stop_other_cpus), then either
 * exits QEMU with the fail verdict (self-test boots: the test sees the
 * failure at once instead of a timeout) or halts this CPU for good.
 * A panic while panicking (e.g. in the backtrace) halts at once.
 */
#include <asm/cpu.h>
#include <hospes/arch.h>
#include <hospes/lib.h>
#include <hospes/panic.h>

void (*panic_stop_other_cpus)(void);
static bool exit_qemu_on_panic;
static bool in_panic;

void panic_set_exit_qemu(bool on)
{
	exit_qemu_on_panic = on;
}

void panic(const char *fmt, ...)
{
	va_list ap;
	local_irq_disable();
	if (in_panic)
		halt_forever();
	in_panic = true;
	printk_force_unlock();

	printk(LOG_ERR "\n*** Hospes PANIC on CPU %u: ", smp_processor_id());
	va_start(ap, fmt);
	vprintk(fmt, ap);
	va_end(ap);
	printk(LOG_ERR "\n");
	backtrace_from(read_rbp());

	if (panic_stop_other_cpus)
		panic_stop_other_cpus();
	if (exit_qemu_on_panic)
		hospes_exit_qemu(false);
	printk(LOG_ERR "*** System halted.\n");
	halt_forever();
}
