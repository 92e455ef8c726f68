/*
 * PV vCPU and domain state, and the actions the hypercall handlers ask of
 * the domain layer.
 *
 * struct arch_vcpu is what a PV guest kernel has told us about itself: its
 * virtual IDT (trap table), callbacks, kernel stack for stack_switch,
 * segment bases, debug registers, timers and mode.  The hypercall handlers
 * in kernel/hypercall/ validate guest input and write it here; the entry
 * and bounce code in kernel/arch/x86_64/ reads it.
 *
 * The actions (block, yield, shut down, timers) are implemented in
 * kernel/domain/ on top of the scheduler and the CPU timers; host tests
 * provide their own.
 */
#ifndef HOSPES_PV_H
#define HOSPES_PV_H

#include <hospes/compiler.h>
#include <hospes/domain.h>
#include <hospes/time.h>
#include <public/arch-x86_64.h>
#include <public/vcpu.h>

#define PV_NR_TRAPS	 256
#define PV_FPU_AREA_SIZE 1024 /* XSAVE of x87, SSE and AVX is 832 bytes */

struct pv_trap {
	unsigned long address; /* 0 = no handler */
	uint16_t cs;
	uint8_t flags; /* DPL in bits 0-1, bit 2: mask events on entry */
};

enum pv_callback {
	PV_CB_EVENT,
	PV_CB_FAILSAFE,
	PV_CB_SYSCALL,
	PV_CB_NMI,
	PV_CB_SYSCALL32, /* 32-bit user entry points: kept, unused (no compat guests) */
	PV_CB_SYSENTER,
	PV_NR_CALLBACKS,
};

struct arch_vcpu {
	struct cpu_user_regs regs; /* guest registers while it is not running */
	struct pv_trap traps[PV_NR_TRAPS];
	unsigned long callback[PV_NR_CALLBACKS];
	unsigned int callback_masks; /* bit per pv_callback: entering masks events */
	unsigned long kernel_ss, kernel_sp;
	unsigned long fs_base, gs_base_kernel, gs_base_user;
	unsigned long debugreg[8];
	unsigned int last_trap_vector, trap_repeats; /* exception-storm detection */
	uint64_t last_trap_rip;
	bool bases_dirty;     /* FS/GS bases changed: reload before returning to the guest */
	bool debugregs_dirty; /* the same for DR0-3, DR6, DR7 */
	bool kernel_mode;     /* guest kernel (true) or guest user mode */
	bool fpu_ts;	      /* fpu_taskswitch(1): next FPU use raises #NM to the guest */
	bool initialised; /* has a context (vCPU 0 from the builder, others VCPUOP_initialise) */
	struct timer singleshot_timer, periodic_timer, poll_timer;
	uint64_t singleshot_deadline; /* system time ns, 0 = none */
	uint64_t periodic_period;     /* ns, 0 = none */
	unsigned long runstate_va;    /* registered runstate area (guest VA), 0 = none */
	unsigned int live_cpu;	      /* CPU whose registers last held this vCPU's state, + 1 */
	/* set_gdt (kernel/hypercall/descriptor.c): validated copy, in hypervisor frames */
	uint64_t *gdt;
	unsigned int gdt_ents;
	unsigned long gdt_frames[FIRST_RESERVED_GDT_PAGE]; /* the guest frames it came from */
	bool gdt_dirty;	     /* the copy changed while running elsewhere: reinstall */
	bool vcpu_info_held; /* register_vcpu_info: vcpu_info lives in guest frame vcpu_info_mfn */
	mfn_t vcpu_info_mfn;
	const struct vcpu_info *time_in; /* the vcpu_info its time record was published in */
	uint32_t time_gen;		 /* ... from the system clock of this generation */
	/* FPU/SSE/AVX save area (hospes/fpu.h); XSAVE needs 64-byte alignment */
	uint8_t fpu[PV_FPU_AREA_SIZE] __attribute__((aligned(64)));
};

#define PV_CON_LINE 128

struct pv_domain {
	unsigned int paused; /* pause count: runs only at 0 */
	bool shutting_down;
	unsigned int shutdown_reason;
	int shutdown_code; /* SCHEDOP_shutdown_code latch, -1 = none */
	unsigned long vm_assist;
	char con_line[PV_CON_LINE]; /* console_io output, flushed per line */
	unsigned int con_len;
	bool ctl_paused;	   /* paused by the toolstack (domctl; created so) */
	bool shared_in_p2m;	   /* shared_gfn is valid */
	gfn_t shared_gfn;	   /* where the domain sees its shared_info frame */
	uint8_t handle[16];	   /* the toolstack's UUID (createdomain) */
	uint8_t iopl;		   /* virtual IOPL (physdev set_iopl), domain-wide */
	unsigned long iobitmap_va; /* physdev set_iobitmap: guest VA, 0 = none */
	unsigned int iobitmap_ports;
};

static inline struct pv_domain *pv_dom(const struct domain *d)
{
	return d->pv;
}

/* Would pv_deliver_events() bounce an upcall now (pending, unmasked,
 * handler set)?  Inline: every exit to a guest asks. */
static inline bool pv_events_deliverable(const struct vcpu *v)
{
	const struct vcpu_info *vi = v->vcpu_info;
	return vi && READ_ONCE(vi->evtchn_upcall_pending) && !READ_ONCE(vi->evtchn_upcall_mask) &&
	       v->arch->callback[PV_CB_EVENT];
}

/* The frame d names its shared_info by (entered in its p2m on first use); INVALID_GFN if full. */
gfn_t domain_shared_info_gfn(struct domain *d);

/* domctl setvcpucontext: load target's context from v's guest memory at ctx (vcpu_op.c). */
long pv_vcpu_set_context(struct vcpu *v, struct vcpu *target, unsigned long ctx);

/* kernel/domain/ (host tests provide their own). */
void domain_shutdown(struct domain *d, unsigned int reason);
void vcpu_block(struct vcpu *v); /* unmask events, sleep until one is pending */
void vcpu_yield(struct vcpu *v);
/* SCHEDOP_poll: sleep until a port in ports[] is pending or timeout (0 = none). */
void vcpu_poll(struct vcpu *v, const uint32_t *ports, unsigned int nr, uint64_t timeout);
void vcpu_set_singleshot_timer(struct vcpu *v, uint64_t deadline_ns); /* 0 = stop */
void vcpu_set_periodic_timer(struct vcpu *v, uint64_t period_ns);     /* 0 = stop */
void vcpu_timers_init(struct vcpu *v);
void vcpu_timers_stop(struct vcpu *v);
/* VCPUOP_register_vcpu_info: move v's vcpu_info to offset of guest frame gfn
 * (self: v is the caller; otherwise v must be down).  Xen's rules and errors. */
int vcpu_register_info(struct vcpu *v, unsigned long gfn, unsigned int offset, bool self);
void vcpu_release_info(struct vcpu *v); /* at vCPU destruction */
/* Xen's runstate of v now (state, entry time, ns per state). */
void vcpu_runstate(const struct vcpu *v, struct vcpu_runstate_info *r);
/* Write v's runstate into its registered area, if any: on every switch,
 * leaving = as it will be once descheduled (sched_runstate()). */
void vcpu_update_runstate_area(struct vcpu *v, bool leaving);
int vcpu_up(struct vcpu *v); /* -EINVAL if not initialised */
/* kernel/hypercall/descriptor.c: Xen's descriptor check (DPL fixed up to 3),
 * and freeing a vCPU's GDT copy when it is destroyed. */
bool pv_check_descriptor(uint64_t *desc);
void pv_gdt_release(struct vcpu *v);
/* Arch glue: install v's GDT copy into this CPU's GDT (v runs here). */
void arch_load_guest_gdt(struct vcpu *v);
/* Arch glue: CPU cpu's halts, switches and CR3 writes (HOSPES_CR3_*) so far,
 * into st's fields but idletime (XEN_SYSCTL_hospes_cpustat). */
struct hospes_cpustat;
void arch_cpu_counters(unsigned int cpu, struct hospes_cpustat *st);
void vcpu_down(struct vcpu *v);
uint64_t pv_system_time(void); /* ns since boot, the guests' system time */
const char *hypervisor_cmdline(void);

/*
 * Raise a VIRQ on v: set by the event-channel code (kernel/event/, engineer
 * C) at start of day to its evtchn_send_virq.  Until then a timer still
 * wakes its vCPU, but no VIRQ_TIMER port becomes pending.
 */
extern void (*pv_send_virq)(struct vcpu *v, unsigned int virq);
/* Hypervisor console output on behalf of a guest (one complete line). */
void pv_console_line(struct domain *d, const char *line);
/* The unfinished start of a line (dom0's prompt), shown now; the next output continues it. */
void pv_console_partial(struct domain *d, const char *text);

#endif
