/*
 * Hypervisor command-line options (the multiboot command line), parsed by
 * kernel/lib/cmdline.c.  Names and syntax follow Xen where the option
 * exists there, so a GRUB entry written for Xen works here:
 *
 *   console=com1,vga      where output goes (also: none)
 *   com1=115200,8n1[,0x3f8]  serial line: baud, data/parity/stop, I/O base
 *   loglvl=warning        threshold: none/error/warning/info/debug/all or 0-7
 *   dom0_mem=256M         dom0's memory (also min:/max: parts); no suffix = KiB
 *   dom0_max_vcpus=2      dom0's vCPUs (also min-max)
 *   dom0_vcpus_pin        pin dom0's vCPU n to CPU n (n modulo the CPUs)
 *   noreboot              stay halted after a panic instead of rebooting
 *   smep=0, smap=0        do not turn on CR4.SMEP / CR4.SMAP even when the CPU
 *                         has them (default on; also no/off/false, 1/yes/on/true;
 *                         kernel/arch/x86_64/cpu_protect.c)
 *   vga=keep              keep the screen for the hypervisor's log instead
 *                         of handing it to dom0
 *   selftest=boot         ours: run a self-test, report through isa-debug-exit
 *   smp_ap_wait_ms=1000   ours: how long a started CPU may take to call in
 *   smp_slow_ap=2         ours, for tests: the CPU with this APIC id calls
 *                         in only once the boot CPU has given it up
 *   halt_poll=200         ours: an idle CPU spins up to this many us before it
 *                         halts (default 0 = off, at most 10000;
 *                         kernel/sched/halt_poll.c)
 *   time_epoch_ms=1000    ours: the system clock is recalibrated against the
 *                         HPET this often (10-60000; 0 = never; Xen's EPOCH
 *                         is 1 s; kernel/arch/x86_64/time_cal.c)
 *   clocksource=hpet      the platform timer the clock is recalibrated against:
 *                         hpet (the default where there is one) or acpi (the
 *                         ACPI PM timer, also the fallback); Xen's pit and
 *                         tsc are not offered
 *   nmi_test=20000        ours, for tests: the PIT sends an NMI to every CPU
 *                         at this rate (19-100000 Hz); each checks its percpu
 *
 * An unknown option or a malformed value is named in a warning and
 * ignored; booting continues with the default.
 */
#ifndef HOSPES_CMDLINE_H
#define HOSPES_CMDLINE_H

#include <hospes/console.h>
#include <hospes/types.h>

#define SELFTEST_NAME_MAX 32

struct hospes_options {
	bool console_com1, console_vga;
	struct serial_config com1;
	int loglvl;
	uint64_t dom0_mem, dom0_mem_min, dom0_mem_max; /* bytes, 0 = not given */
	unsigned int dom0_max_vcpus, dom0_min_vcpus;   /* 0 = not given */
	bool dom0_vcpus_pin;
	bool noreboot;
	unsigned int smp_ap_wait_ms; /* how long an AP may take to call in (default 1000) */
	int smp_slow_ap;	     /* test: this APIC id calls in too late; -1 = none */
	unsigned int nmi_test_hz;    /* test: NMIs to every CPU at this rate (nmi.c); 0 = off */
	unsigned int halt_poll_us;   /* bound of the idle spin (halt_poll.c); 0 = off */
	unsigned int time_epoch_ms;  /* recalibration period (time_cal.c); 0 = off */
	enum { CLOCKSOURCE_DEFAULT, CLOCKSOURCE_HPET, CLOCKSOURCE_ACPI } clocksource;
	bool vga_keep;
	bool smep, smap; /* use the CPU's SMEP / SMAP if it has them (default true) */
	char selftest[SELFTEST_NAME_MAX]; /* "" = none */
	unsigned int nr_warnings;
};

/* Defaults: console=com1,vga com1=115200,8n1,0x3f8 loglvl=info. */
void cmdline_defaults(struct hospes_options *o);

/* Parse s into o (on top of what is already there); returns nr of warnings. */
unsigned int cmdline_parse(const char *s, struct hospes_options *o);

/* "<n>[KMGTB]" -> bytes (no suffix = KiB, as Xen); false if malformed. */
bool parse_size(const char *s, size_t len, uint64_t *bytes);

#endif
