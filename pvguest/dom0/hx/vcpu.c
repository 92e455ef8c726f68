/*
 * hx vcpu-list and hx vcpu-pin, in the spirit of xl's commands of the same
 * names.  `hx vcpu-list [<domain>]` prints one line per vCPU: the CPU it
 * is on, its state (r running, b blocked, - runnable or down), its CPU
 * time and its hard and soft affinity (XEN_DOMCTL_getvcpuaffinity).  `hx vcpu-pin
 * <domain> <vcpu|all> <cpus>` sets the hard affinity (setvcpuaffinity):
 * the vCPU then runs only on those CPUs, and moves at once if it is
 * elsewhere.  CPU lists are xl's: all, 2, 0-1, 0,2-3.
 */
#include "hx.h"
#include <public/errno.h>
#include <stdio.h>

#define LIST_MAX 64

static unsigned int nr_cpus(void)
{
	struct xen_sysctl_physinfo pi;
	return hx_physinfo(&pi) == 0 ? pi.nr_cpus : 0;
}

static int list_domain(const hx_dominfo_t *info, unsigned int cpus)
{
	char name[32], aff[96], soft[96];
	int bad = 0;

	hx_domname(info->domain, name);
	for (unsigned int i = 0; i <= info->max_vcpu_id && i < HX_VCPUS_MAX; i++) {
		struct xen_domctl op = {.cmd = XEN_DOMCTL_getvcpuinfo, .domain = info->domain};
		op.u.getvcpuinfo.vcpu = i;
		uint64_t mask = 0, smask = 0;
		if (hx_domctl(&op) < 0)
			continue; /* no such vCPU (yet) */
		const struct xen_domctl_getvcpuinfo *v = &op.u.getvcpuinfo;
		long rc = hx_vcpu_affinity(info->domain, XEN_DOMCTL_getvcpuaffinity, i, &mask);
		if (rc < 0)
			snprintf(aff, sizeof(aff), "error %ld", rc), bad = 1;
		else
			hx_format_cpus(mask, cpus, aff, sizeof(aff));
		rc = hx_vcpu_soft_affinity(info->domain, XEN_DOMCTL_getvcpuaffinity, i, &smask);
		if (rc < 0)
			snprintf(soft, sizeof(soft), "error %ld", rc), bad = 1;
		else
			hx_format_cpus(smask, cpus, soft, sizeof(soft));
		printf("%-20s %4u %4u %4u %-5s %9lu.%01lu %s / %s\n", name[0] ? name : "-",
		       info->domain, i, v->cpu,
		       v->running   ? "r"
		       : v->blocked ? "b"
		       : v->online  ? "-"
				    : "down",
		       (unsigned long)(v->cpu_time / 1000000000ULL),
		       (unsigned long)(v->cpu_time / 100000000ULL % 10), aff, soft);
	}
	return bad;
}

int hx_vcpu_list(int argc, char **argv)
{
	static char err[160];
	hx_dominfo_t info[LIST_MAX];
	struct hx_target t;
	domid_t id;
	unsigned int cpus = nr_cpus();
	long n;

	if (argc > 2) {
		printf("vcpu-list: usage: vcpu-list [<domain>]\n");
		return 1;
	}
	if (argc == 2) {
		if (hx_parse_target(argc, argv, &t, err, sizeof(err))) {
			printf("%s\n", err);
			return 1;
		}
		if (!hx_resolve(argv[0], &t, &id) || hx_dominfo(id, &info[0]) < 0)
			return 1;
		n = 1;
	} else {
		n = hx_domains(0, info, LIST_MAX);
	}
	printf("%-20s %4s %4s %4s %-5s %11s %s\n", "Name", "ID", "VCPU", "CPU", "State", "Time(s)",
	       "Affinity (Hard / Soft)");
	int bad = n < 0;
	for (long i = 0; i < n; i++)
		bad |= list_domain(&info[i], cpus);
	return bad;
}

int hx_vcpu_pin(int argc, char **argv)
{
	static char err[160];
	struct hx_vcpu_pin_args a;
	hx_dominfo_t info;
	domid_t id;

	if (hx_parse_vcpu_pin(argc, argv, &a, err, sizeof(err))) {
		printf("%s\n", err);
		return 1;
	}
	if (!hx_resolve(argv[0], &a.target, &id) || hx_dominfo(id, &info) < 0)
		return 1;
	unsigned int first = a.all_vcpus ? 0 : a.vcpu;
	unsigned int last = a.all_vcpus ? info.max_vcpu_id : a.vcpu;
	if (!a.all_vcpus && a.vcpu > info.max_vcpu_id) {
		printf("vcpu-pin: domain %u has no vCPU %u\n", id, a.vcpu);
		return 1;
	}
	for (unsigned int i = first; i <= last && i < HX_VCPUS_MAX; i++) {
		uint64_t mask = a.cpus;
		long rc = hx_vcpu_affinity(id, XEN_DOMCTL_setvcpuaffinity, i, &mask);
		if (rc < 0) {
			printf("vcpu-pin: domain %u vCPU %u: %s (error %ld)\n", id, i,
			       rc == -XEN_EINVAL ? "refused: no such CPU online" : "refused", rc);
			return 1;
		}
	}
	char *words[2] = {argv[0], argv[1]};
	return hx_vcpu_list(2, words);
}
