/*
 * hx trace: arguments, names and record lines (see trace_fmt.h).
 *
 * The names are Xen's (public/xen.h and the per-family headers), so a
 * trace reads like the guest's source.  A multiplexed hypercall
 * (sched_op, event_channel_op, memory_op, ...) shows its command by name
 * in place of the first argument; the other arguments are shown as the
 * guest passed them, as many as the hypercall has.  Results: errors as
 * -N (ENAME), small values in decimal, anything else in hex.
 */
#include "trace_fmt.h"
#include <public/event_channel.h>
#include <public/xen.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

struct hc_info {
	const char *name;
	unsigned char nargs;
	const char *const *ops; /* names of the first argument's values, if a command */
	unsigned char nops;
};

#define OPS(a) a, sizeof(a) / sizeof((a)[0])

static const char *const sched_ops[] = {"yield",    "block",	       "shutdown",
					"poll",	    "remote_shutdown", "shutdown_code",
					"watchdog", "pin_override"};
static const char *const evtchn_ops[] = {
	"bind_interdomain", "bind_virq",   "bind_pirq", "close",  "send",  "status",
	"alloc_unbound",    "bind_ipi",	   "bind_vcpu", "unmask", "reset", "init_control",
	"expand_array",	    "set_priority"};
static const char *const memory_ops[] = {
	"increase_reservation", "decrease_reservation", "maximum_ram_page",
	"current_reservation",	"maximum_reservation",	"machphys_mfn_list",
	"populate_physmap",	"add_to_physmap",	NULL,
	"memory_map",		"machine_memory_map",	"exchange",
	"machphys_mapping",	"set_memory_map",	"maximum_gpfn",
	"remove_from_physmap"};
static const char *const gnttab_ops[] = {
	"map_grant_ref", "unmap_grant_ref", "setup_table",	 "dump_table",	"transfer",
	"copy",		 "query_size",	    "unmap_and_replace", "set_version", "get_status_frames",
	"get_version",	 "swap_grant_ref",  "cache_flush"};
static const char *const console_ops[] = {"write", "read"};
static const char *const vcpu_ops[] = {"initialise",
				       "up",
				       "down",
				       "is_up",
				       "get_runstate_info",
				       "register_runstate_memory_area",
				       "set_periodic_timer",
				       "stop_periodic_timer",
				       "set_singleshot_timer",
				       "stop_singleshot_timer",
				       "register_vcpu_info"};
static const char *const version_ops[] = {"version",	  "extraversion", "compile_info",
					  "capabilities", "changeset",	  "platform_parameters",
					  "get_features", "pagesize",	  "guest_handle",
					  "commandline"};
static const char *const physdev_ops[] = {
	NULL, NULL, NULL, NULL, NULL,  "irq_status_query", "set_iopl",	"set_iobitmap",
	NULL, NULL, NULL, NULL, "eoi", "map_pirq",	   "unmap_pirq"};
static const char *const callback_ops[] = {"register", "unregister"};
static const char *const vmassist_ops[] = {"enable", "disable"};

static const struct hc_info hypercalls[] = {
	[__HYPERVISOR_set_trap_table] = {"set_trap_table", 1},
	[__HYPERVISOR_mmu_update] = {"mmu_update", 4},
	[__HYPERVISOR_set_gdt] = {"set_gdt", 2},
	[__HYPERVISOR_stack_switch] = {"stack_switch", 2},
	[__HYPERVISOR_set_callbacks] = {"set_callbacks", 3},
	[__HYPERVISOR_fpu_taskswitch] = {"fpu_taskswitch", 1},
	[__HYPERVISOR_sched_op_compat] = {"sched_op_compat", 2, OPS(sched_ops)},
	[__HYPERVISOR_platform_op] = {"platform_op", 1},
	[__HYPERVISOR_set_debugreg] = {"set_debugreg", 2},
	[__HYPERVISOR_get_debugreg] = {"get_debugreg", 1},
	[__HYPERVISOR_update_descriptor] = {"update_descriptor", 2},
	[__HYPERVISOR_memory_op] = {"memory_op", 2, OPS(memory_ops)},
	[__HYPERVISOR_multicall] = {"multicall", 2},
	[__HYPERVISOR_update_va_mapping] = {"update_va_mapping", 3},
	[__HYPERVISOR_set_timer_op] = {"set_timer_op", 1},
	[__HYPERVISOR_event_channel_op_compat] = {"event_channel_op_compat", 1},
	[__HYPERVISOR_xen_version] = {"xen_version", 2, OPS(version_ops)},
	[__HYPERVISOR_console_io] = {"console_io", 3, OPS(console_ops)},
	[__HYPERVISOR_physdev_op_compat] = {"physdev_op_compat", 1},
	[__HYPERVISOR_grant_table_op] = {"grant_table_op", 3, OPS(gnttab_ops)},
	[__HYPERVISOR_vm_assist] = {"vm_assist", 2, OPS(vmassist_ops)},
	[__HYPERVISOR_update_va_mapping_otherdomain] = {"update_va_mapping_otherdomain", 4},
	[__HYPERVISOR_iret] = {"iret", 0},
	[__HYPERVISOR_vcpu_op] = {"vcpu_op", 3, OPS(vcpu_ops)},
	[__HYPERVISOR_set_segment_base] = {"set_segment_base", 2},
	[__HYPERVISOR_mmuext_op] = {"mmuext_op", 4},
	[__HYPERVISOR_xsm_op] = {"xsm_op", 1},
	[__HYPERVISOR_nmi_op] = {"nmi_op", 2},
	[__HYPERVISOR_sched_op] = {"sched_op", 2, OPS(sched_ops)},
	[__HYPERVISOR_callback_op] = {"callback_op", 2, OPS(callback_ops)},
	[__HYPERVISOR_xenoprof_op] = {"xenoprof_op", 2},
	[__HYPERVISOR_event_channel_op] = {"event_channel_op", 2, OPS(evtchn_ops)},
	[__HYPERVISOR_physdev_op] = {"physdev_op", 2, OPS(physdev_ops)},
	[__HYPERVISOR_hvm_op] = {"hvm_op", 2},
	[__HYPERVISOR_sysctl] = {"sysctl", 1},
	[__HYPERVISOR_domctl] = {"domctl", 1},
	[__HYPERVISOR_kexec_op] = {"kexec_op", 2},
	[__HYPERVISOR_tmem_op] = {"tmem_op", 1},
	[__HYPERVISOR_argo_op] = {"argo_op", 5},
	[__HYPERVISOR_xenpmu_op] = {"xenpmu_op", 2},
	[__HYPERVISOR_dm_op] = {"dm_op", 3},
	[__HYPERVISOR_hypfs_op] = {"hypfs_op", 5},
};

#define NR_KNOWN (sizeof(hypercalls) / sizeof(hypercalls[0]))

const char *hx_hypercall_name(unsigned int nr)
{
	return nr < NR_KNOWN ? hypercalls[nr].name : NULL;
}

static const char *const errnames[] = {
	[1] = "EPERM",	   [2] = "ENOENT",  [3] = "ESRCH",   [4] = "EINTR",   [5] = "EIO",
	[6] = "ENXIO",	   [7] = "E2BIG",   [8] = "ENOEXEC", [9] = "EBADF",   [11] = "EAGAIN",
	[12] = "ENOMEM",   [13] = "EACCES", [14] = "EFAULT", [16] = "EBUSY",  [17] = "EEXIST",
	[19] = "ENODEV",   [22] = "EINVAL", [28] = "ENOSPC", [34] = "ERANGE", [38] = "ENOSYS",
	[39] = "ENOTEMPTY"};

static const char *const vectors[] = {"#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD",
				      "#NM", "#DF", NULL,  "#TS", "#NP", "#SS", "#GP",
				      "#PF", NULL,  "#MF", "#AC", "#MC", "#XM"};

/* Appends to out at *at, never past len; *at counts what snprintf would have written. */
static void put(char *out, size_t len, int *at, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void put(char *out, size_t len, int *at, const char *fmt, ...)
{
	va_list ap;
	size_t off = (size_t)*at < len ? (size_t)*at : len;
	va_start(ap, fmt);
	int n = vsnprintf(out + off, len - off, fmt, ap);
	va_end(ap);
	if (n > 0)
		*at += n;
}

static void put_value(char *out, size_t len, int *at, uint64_t v)
{
	if (v < 10)
		put(out, len, at, "%lu", (unsigned long)v);
	else
		put(out, len, at, "%#lx", (unsigned long)v);
}

static void put_result(char *out, size_t len, int *at, int64_t rc)
{
	if (rc < 0 && rc > -4096) {
		unsigned long e = (unsigned long)-rc;
		const char *name = e < sizeof(errnames) / sizeof(errnames[0]) ? errnames[e] : NULL;
		put(out, len, at, "%ld (%s)", (long)rc, name ? name : "error");
	} else if (rc >= 0 && rc < 65536) {
		put(out, len, at, "%ld", (long)rc);
	} else {
		put(out, len, at, "%#lx", (unsigned long)rc);
	}
}

static void put_hypercall(char *out, size_t len, int *at, const struct hospes_trace_rec *r)
{
	const struct hc_info *h =
		r->op < NR_KNOWN && hypercalls[r->op].name ? &hypercalls[r->op] : NULL;
	unsigned int nargs = h ? h->nargs : 5;
	if (h)
		put(out, len, at, "%s(", h->name);
	else
		put(out, len, at, "hypercall_%u(", r->op);
	for (unsigned int i = 0; i < nargs; i++) {
		if (i)
			put(out, len, at, ", ");
		if (i == 0 && h && h->ops && r->arg[0] < h->nops && h->ops[r->arg[0]])
			put(out, len, at, "%s", h->ops[r->arg[0]]);
		else
			put_value(out, len, at, r->arg[i]);
	}
	put(out, len, at, ") = ");
	put_result(out, len, at, r->result);
	put(out, len, at, "  [%lu cycles]", (unsigned long)r->cycles);
}

static void put_trap(char *out, size_t len, int *at, const struct hospes_trace_rec *r)
{
	if (r->op == 0x100) {
		put(out, len, at, "syscall from user mode at %#lx -> guest kernel",
		    (unsigned long)r->arg[2]);
		return;
	}
	const char *name = r->op < sizeof(vectors) / sizeof(vectors[0]) ? vectors[r->op] : NULL;
	if (name)
		put(out, len, at, "trap %s", name);
	else
		put(out, len, at, "trap %u", r->op);
	if (r->op == 14)
		put(out, len, at, " at %#lx ec %#lx", (unsigned long)r->arg[1],
		    (unsigned long)r->arg[0]);
	else if (r->arg[0])
		put(out, len, at, " ec %#lx", (unsigned long)r->arg[0]);
	put(out, len, at, " rip %#lx", (unsigned long)r->arg[2]);
	if (r->result == HOSPES_TRAP_FIXED)
		put(out, len, at, " -> fixed by the hypervisor");
	else
		put(out, len, at, " -> guest kernel");
}

static void put_vcpu(char *out, size_t len, int *at, uint64_t dom, uint64_t vcpu)
{
	if (dom == DOMID_IDLE)
		put(out, len, at, "idle");
	else
		put(out, len, at, "d%luv%lu", (unsigned long)dom, (unsigned long)vcpu);
}

/* Where the event came from: " (pirq 11)", " (VIRQ_TIMER)", " (from d1 port 5)". */
static void put_event_src(char *out, size_t len, int *at, const struct hospes_trace_rec *r)
{
	static const char *const virqs[] = {
		"TIMER",    "DEBUG",	"CONSOLE",    "DOM_EXC",   "TBUF", NULL,     "DEBUGGER",
		"XENOPROF", "CON_RING", "PCPU_STATE", "MEM_EVENT", "ARGO", "ENOMEM", "XENPMU"};
	unsigned long arg = (unsigned long)r->arg[1];
	switch (r->arg[0]) {
	case EVTCHNSTAT_pirq:
		put(out, len, at, " (pirq %lu)", arg);
		break;
	case EVTCHNSTAT_virq:
		if (arg < sizeof(virqs) / sizeof(virqs[0]) && virqs[arg])
			put(out, len, at, " (VIRQ_%s)", virqs[arg]);
		else
			put(out, len, at, " (virq %lu)", arg);
		break;
	case EVTCHNSTAT_interdomain:
		put(out, len, at, " (from d%lu port %lu)", (unsigned long)r->arg[2], arg);
		break;
	case EVTCHNSTAT_ipi:
		put(out, len, at, " (IPI)");
		break;
	default:
		break; /* a port closed meanwhile, or a record without a source */
	}
}

int hx_trace_format(const struct hospes_trace_rec *r, uint64_t t0, uint32_t khz, char *out,
		    size_t len)
{
	int at = 0;
	uint64_t us = khz && r->tsc > t0 ? (r->tsc - t0) * 1000 / khz : 0;
	if (len)
		out[0] = '\0';
	put(out, len, &at, "%8lu c%u ", (unsigned long)us, r->cpu);
	switch (r->kind) {
	case HOSPES_TREC_HYPERCALL:
		put_vcpu(out, len, &at, r->domain, r->vcpu);
		put(out, len, &at, " ");
		put_hypercall(out, len, &at, r);
		break;
	case HOSPES_TREC_TRAP:
		put_vcpu(out, len, &at, r->domain, r->vcpu);
		put(out, len, &at, " ");
		put_trap(out, len, &at, r);
		break;
	case HOSPES_TREC_EVENT:
		put_vcpu(out, len, &at, r->domain, r->vcpu);
		put(out, len, &at, " event port %u %s", r->op,
		    r->result ? "raised" : "raised again (still pending)");
		put_event_src(out, len, &at, r);
		break;
	case HOSPES_TREC_SWITCH:
		put(out, len, &at, "switch ");
		put_vcpu(out, len, &at, r->arg[0], r->arg[1]);
		put(out, len, &at, " -> ");
		put_vcpu(out, len, &at, r->domain, r->vcpu);
		break;
	default:
		put(out, len, &at, "record of unknown kind %u", r->kind);
	}
	return at;
}

void hx_trace_sort(struct hospes_trace_rec *r, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		struct hospes_trace_rec x = r[i];
		size_t j = i;
		for (; j > 0 && r[j - 1].tsc > x.tsc; j--)
			r[j] = r[j - 1];
		r[j] = x;
	}
}

bool hx_trace_until_ends(const char *words, const char *line, unsigned long shown,
			 unsigned long count, unsigned long *matches)
{
	if (!hx_line_has(line, words))
		return false;
	return ++*matches >= 2 && shown >= count;
}

int hx_parse_trace(int argc, char **argv, struct hx_trace_args *out, char *err, size_t errlen)
{
	struct hx_trace_args a = {.all = true};
	bool have_target = false;
	for (int i = 1; i < argc; i++) {
		const char *w = argv[i];
		if (strcmp(w, "--events") == 0) {
			a.events = true;
		} else if (strcmp(w, "-n") == 0) {
			if (i + 1 >= argc ||
			    hx_parse_uint(argv[i + 1], 1, HX_TRACE_MAX_RECORDS, &a.count)) {
				snprintf(err, errlen, "%s: -n needs a number from 1 to %d", argv[0],
					 HX_TRACE_MAX_RECORDS);
				return -1;
			}
			i++;
		} else if (strcmp(w, "--until") == 0) {
			if (i + 1 >= argc || !hx_valid_words(argv[i + 1])) {
				snprintf(err, errlen,
					 "%s: --until needs words of a record's line, "
					 "comma-separated "
					 "(at most %d characters)",
					 argv[0], HX_WORDS_MAX);
				return -1;
			}
			a.until = argv[++i];
		} else if (w[0] == '-') {
			snprintf(err, errlen, "%s: unknown option %s", argv[0], w);
			return -1;
		} else if (have_target) {
			snprintf(err, errlen, "%s: give one domain id or name", argv[0]);
			return -1;
		} else {
			char *one[2] = {argv[0], argv[i]};
			if (hx_parse_target(2, one, &a.target, err, errlen))
				return -1;
			have_target = true;
			a.all = false;
		}
	}
	if (!have_target && !a.events) {
		snprintf(err, errlen, "%s: give a domain id or name (or --events for every domain)",
			 argv[0]);
		return -1;
	}
	*out = a;
	return 0;
}
