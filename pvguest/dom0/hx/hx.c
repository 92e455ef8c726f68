/*
 * hx: the toolstack commands of the dom0# prompt (see hx.h).
 *
 * Every command parses all its words first (args.c) and only then asks
 * the hypervisor, so a bad argument prints a message and changes nothing.
 * Hypervisor errors are printed with their Xen error number.  Domain 0 is
 * listed like any domain but cannot be paused or destroyed from here
 * (that would stop the toolstack itself; use poweroff).
 */
#include "hx.h"
#include <asm/hypercall.h>
#include <dom0/shell/shell.h>
#include <public/errno.h>
#include <public/version.h>
#include <stdio.h>
#include <string.h>

#define MAX_LIST      64
#define MIN_U32(a, b) ((uint32_t)(a) < (uint32_t)(b) ? (uint32_t)(a) : (uint32_t)(b))
#define MIB(pages)    ((unsigned long)((pages) >> 8)) /* 4 KiB pages to MiB */

static char err[160];

void hx_state(const hx_dominfo_t *info, char out[7])
{
	unsigned int f = info->flags;
	unsigned int why = (f >> XEN_DOMINF_shutdownshift) & XEN_DOMINF_shutdownmask;
	bool down = f & XEN_DOMINF_shutdown;
	out[0] = (f & XEN_DOMINF_running) ? 'r' : '-';
	out[1] = (f & XEN_DOMINF_blocked) ? 'b' : '-';
	out[2] = (f & XEN_DOMINF_paused) ? 'p' : '-';
	out[3] = down && why != SHUTDOWN_crash ? 's' : '-';
	out[4] = down && why == SHUTDOWN_crash ? 'c' : '-';
	out[5] = (f & XEN_DOMINF_dying) ? 'd' : '-';
	out[6] = '\0';
}

bool hx_resolve(const char *cmd, const struct hx_target *t, domid_t *out)
{
	hx_dominfo_t info[MAX_LIST];
	long n = hx_domains(0, info, MAX_LIST);
	for (long i = 0; i < n; i++) {
		char name[32];
		hx_domname(info[i].domain, name);
		if (t->by_name ? strcmp(name, t->name) == 0 : info[i].domain == t->domid) {
			*out = info[i].domain;
			return true;
		}
	}
	if (t->by_name)
		printf("%s: no domain is named %s\n", cmd, t->name);
	else
		printf("%s: no domain %u\n", cmd, t->domid);
	return false;
}

static int hx_list(int argc, char **argv)
{
	hx_dominfo_t info[MAX_LIST];
	if (argc != 1) {
		printf("%s: takes no arguments\n", argv[0]);
		return 1;
	}
	long n = hx_domains(0, info, MAX_LIST);
	if (n < 0) {
		printf("list: getdomaininfolist failed: %ld\n", n);
		return 1;
	}
	printf("%-4s %-20s %-7s %5s %9s %9s\n", "ID", "Name", "State", "vCPUs", "Mem(MiB)",
	       "Time(s)");
	for (long i = 0; i < n; i++) {
		char name[32], state[7];
		hx_domname(info[i].domain, name);
		hx_state(&info[i], state);
		unsigned long ms = (unsigned long)(info[i].cpu_time / 1000000);
		printf("%-4u %-20s %-7s %5u %9lu %5lu.%03lu\n", info[i].domain,
		       name[0] ? name : "-", state, info[i].nr_online_vcpus, MIB(info[i].tot_pages),
		       ms / 1000, ms % 1000);
	}
	return 0;
}

/* Flush IPIs each CPU answered since boot: a domain's flushes reach only
 * the CPUs that hold its tables (kernel/arch/x86_64/tlb.c). */
static void print_flush_ipis(void)
{
	static struct hospes_cpustat st[HX_MAX_CPUS]; /* 6 KiB: not on a stack */
	unsigned int cpus;
	if (hx_cpustat_each(st, HX_MAX_CPUS, &cpus) != 0)
		return;
	printf("flush_ipis   :");
	for (unsigned int i = 0; i < cpus; i++)
		printf(" %llu", (unsigned long long)st[i].tlb_ipis);
	printf("\n");
}

static int hx_info(int argc, char **argv)
{
	struct xen_sysctl_physinfo pi;
	hx_dominfo_t info[MAX_LIST];
	char extra[XEN_EXTRAVERSION_LEN] = "";
	if (argc != 1) {
		printf("%s: takes no arguments\n", argv[0]);
		return 1;
	}
	long rc = hx_physinfo(&pi);
	if (rc < 0) {
		printf("info: physinfo failed: %ld\n", rc);
		return 1;
	}
	long ver = hypercall(__HYPERVISOR_xen_version, XENVER_version, 0, 0);
	hypercall(__HYPERVISOR_xen_version, XENVER_extraversion, extra, 0);
	extra[sizeof(extra) - 1] = '\0';
	long doms = hx_domains(0, info, MAX_LIST);
	printf("hypervisor   : Hospes (Xen ABI %ld.%ld%s)\n", ver >> 16, ver & 0xffff, extra);
	printf("cpus         : %u online, %u.%03u MHz\n", pi.nr_cpus, pi.cpu_khz / 1000,
	       pi.cpu_khz % 1000);
	printf("total_memory : %lu MiB\n", MIB(pi.total_pages));
	printf("free_memory  : %lu MiB\n", MIB(pi.free_pages));
	printf("free_pages   : %lu\n", (unsigned long)pi.free_pages);
	struct xen_domctl_hospes_caches c;
	if (hx_caches(0, &c) == 0) /* grown on demand for dom0's own use, kept */
		printf("dom0_caches  : %u pages (shadow %u, maptrack %u, evtchn %u)\n",
		       c.shadow_pages + c.maptrack_pages + c.evtchn_pages, c.shadow_pages,
		       c.maptrack_pages, c.evtchn_pages);
	printf("domains      : %ld\n", doms);
	struct hospes_cpustat st;
	unsigned int cpus;
	if (hx_cpustat(&st, &cpus) != 0)
		return 0;
	printf("cpu_counters : %llu halts, %llu switches, CR3 writes %llu load %llu leave "
	       "%llu mode %llu flush %llu other\n", /* since boot, all CPUs */
	       (unsigned long long)st.halts, (unsigned long long)st.switches,
	       (unsigned long long)st.cr3[HOSPES_CR3_LOAD],
	       (unsigned long long)st.cr3[HOSPES_CR3_LEAVE],
	       (unsigned long long)st.cr3[HOSPES_CR3_MODE],
	       (unsigned long long)st.cr3[HOSPES_CR3_FLUSH],
	       (unsigned long long)st.cr3[HOSPES_CR3_OTHER]);
	printf("halt_polling : %llu polls, %llu ended by a wake-up, %llu wake-up IPIs sent, "
	       "%llu saved\n",
	       (unsigned long long)st.polls, (unsigned long long)st.poll_hits,
	       (unsigned long long)st.sched_ipis, (unsigned long long)st.sched_ipis_saved);
	print_flush_ipis();
	return 0;
}

/*
 * The log up to where it ended when the command started: what dmesg
 * prints goes into the log too, so reading on would never finish.
 */
static int hx_dmesg(int argc, char **argv)
{
	static char buf[2048];
	uint32_t index = 0, end;
	long n = 0;
	if (argc != 1) {
		printf("%s: takes no arguments\n", argv[0]);
		return 1;
	}
	fflush(stdout);
	if (hx_console_end(&end) < 0)
		end = 0;
	while ((int32_t)(end - index) > 0 &&
	       (n = hx_readconsole(&index, buf, MIN_U32(sizeof(buf), end - index))) > 0)
		fwrite(buf, 1, (size_t)n, stdout);
	if (n < 0)
		printf("dmesg: readconsole failed: %ld\n", n);
	return n < 0;
}

/* pause, unpause, destroy: one domain other than dom0. */
static int domain_op(int argc, char **argv, uint32_t cmd, const char *done)
{
	struct hx_target t;
	domid_t id;
	if (hx_parse_target(argc, argv, &t, err, sizeof(err))) {
		printf("%s\n", err);
		return 1;
	}
	if (!hx_resolve(argv[0], &t, &id))
		return 1;
	if (id == 0) {
		printf("%s: not domain 0 (it runs this toolstack; use poweroff)\n", argv[0]);
		return 1;
	}
	if (cmd == XEN_DOMCTL_destroydomain)
		hx_release_devices(id);
	long rc = hx_domain_op(id, cmd);
	if (rc < 0) {
		printf("%s: domain %u: error %ld\n", argv[0], id, rc);
		return 1;
	}
	printf("domain %u %s\n", id, done);
	return 0;
}

static int hx_pause(int argc, char **argv)
{
	return domain_op(argc, argv, XEN_DOMCTL_pausedomain, "paused");
}

static int hx_unpause(int argc, char **argv)
{
	return domain_op(argc, argv, XEN_DOMCTL_unpausedomain, "unpaused");
}

static int hx_destroy(int argc, char **argv)
{
	return domain_op(argc, argv, XEN_DOMCTL_destroydomain, "destroyed");
}

static int hx_help(int argc, char **argv);

static const struct shell_cmd subcommands[] = {
	{"create",
	 "<image> [name= memory= vcpus= cpus= cpus_soft= disk= vif= args= on_poweroff= on_crash=]: "
	 "a domU "
	 "from a "
	 "boot module or /disk/<file>",
	 hx_create},
	{"list", "domains: id, name, state, vCPUs, memory, CPU time", hx_list},
	{"info", "the machine: CPUs, memory, hypervisor version", hx_info},
	{"top", "[-n samples] [-d seconds]: CPU %, memory, events/s per domain", hx_top},
	{"pause", "<domain>: stop scheduling a domain", hx_pause},
	{"unpause", "<domain>: let it run again", hx_unpause},
	{"destroy", "<domain>: end a domain and free its memory", hx_destroy},
	{"block-attach", "<domain> <disk>: give a running domain xvda (disk as create's disk=)",
	 hx_block_attach},
	{"block-detach", "<domain>: take its xvda away (its frontend closes)", hx_block_detach},
	{"network-attach", "<domain> <vif>: give a running domain vif 0 (as create's vif=)",
	 hx_network_attach},
	{"network-detach", "<domain>: take its vif 0 away (its frontend closes)",
	 hx_network_detach},
	{"sched", "[<domain> [weight=N] [cap=N]]: CPU share (default 256) and cap (% of a CPU)",
	 hx_sched},
	{"vcpu-list", "[<domain>]: each vCPU's CPU, state, time and hard affinity", hx_vcpu_list},
	{"vcpu-pin", "<domain> <vcpu|all> <cpus>: run only on these CPUs (all, 2, 0-1, 0,2-3)",
	 hx_vcpu_pin},
	{"console",
	 "<domain> [-n | --until W,.. [--timeout S]]: its output and input; until Ctrl-] (-n: "
	 "no; --until: a line with the words)",
	 hx_console},
	{"dmesg", "the hypervisor's log", hx_dmesg},
	{"wait", "<domain> [seconds]: until it shuts down (default 60 s)", hx_wait},
	{"trace", "<domain> | --events [<domain>], [-n N] [--until W,..]: hypercalls, or events",
	 hx_trace},
	{"help", "this list", hx_help},
};

static int hx_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("hx <command>; <domain> is an id or a name\n");
	for (size_t i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++)
		printf("  hx %-14s %s\n", subcommands[i].name, subcommands[i].usage);
	return 0;
}

static int cmd_hx(int argc, char **argv)
{
	if (argc < 2)
		return hx_help(argc, argv);
	for (size_t i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++)
		if (strcmp(argv[1], subcommands[i].name) == 0)
			return subcommands[i].fn(argc - 1, argv + 1);
	printf("hx: unknown command %s (try hx help)\n", argv[1]);
	return 1;
}
DOM0_COMMAND("hx", cmd_hx, "the toolstack: hx help lists its commands");
