/*
 * domctl/sysctl wrappers for hx (see ctl.h).  The structures live on the
 * caller's stack: the hypervisor copies them in and out through dom0's
 * page tables, so no buffer needs to be special.
 */
#include "ctl.h"
#include <asm/hypercall.h>
#include <public/errno.h>
#include <stdlib.h>
#include <string.h>

long hx_domctl(struct xen_domctl *op)
{
	op->interface_version = XEN_DOMCTL_INTERFACE_VERSION;
	return hypercall(__HYPERVISOR_domctl, op, 0, 0);
}

long hx_sysctl(struct xen_sysctl *op)
{
	op->interface_version = XEN_SYSCTL_INTERFACE_VERSION;
	return hypercall(__HYPERVISOR_sysctl, op, 0, 0);
}

long hx_domains(domid_t first, hx_dominfo_t *out, unsigned int max)
{
	struct xen_sysctl op = {.cmd = XEN_SYSCTL_getdomaininfolist};
	op.u.getdomaininfolist.first_domain = first;
	op.u.getdomaininfolist.max_domains = max;
	set_xen_guest_handle(op.u.getdomaininfolist.buffer, out);
	long rc = hx_sysctl(&op);
	return rc < 0 ? rc : (long)op.u.getdomaininfolist.num_domains;
}

long hx_dominfo(domid_t id, hx_dominfo_t *out)
{
	struct xen_domctl op = {.cmd = XEN_DOMCTL_getdomaininfo, .domain = id};
	long rc = hx_domctl(&op);
	if (rc < 0)
		return rc;
	if (op.u.getdomaininfo.domain != id) /* the next domain up: id is gone */
		return -XEN_ESRCH;
	*out = op.u.getdomaininfo;
	return 0;
}

long hx_domname(domid_t id, char name[32])
{
	struct xen_domctl op = {.cmd = XEN_DOMCTL_hospes_getname, .domain = id};
	long rc = hx_domctl(&op);
	name[0] = '\0';
	if (rc == 0) {
		memcpy(name, op.u.hospes_name.name, 31);
		name[31] = '\0';
	}
	return rc;
}

long hx_physinfo(struct xen_sysctl_physinfo *out)
{
	struct xen_sysctl op = {.cmd = XEN_SYSCTL_physinfo};
	long rc = hx_sysctl(&op);
	if (rc == 0)
		*out = op.u.physinfo;
	return rc;
}

long hx_idle_ns(uint64_t *idle, unsigned int *cpus)
{
	struct xen_sysctl_cpuinfo info[HX_MAX_CPUS];
	struct xen_sysctl op = {.cmd = XEN_SYSCTL_getcpuinfo};
	op.u.getcpuinfo.max_cpus = HX_MAX_CPUS;
	set_xen_guest_handle(op.u.getcpuinfo.info, info);
	long rc = hx_sysctl(&op);
	if (rc < 0)
		return rc;
	*idle = 0;
	*cpus = op.u.getcpuinfo.nr_cpus;
	for (unsigned int i = 0; i < *cpus; i++)
		*idle += info[i].idletime;
	return 0;
}

long hx_cpustat_each(struct hospes_cpustat *st, unsigned int max, unsigned int *cpus)
{
	struct xen_sysctl op = {.cmd = XEN_SYSCTL_hospes_cpustat};
	op.u.hospes_cpustat.max_cpus = max;
	set_xen_guest_handle(op.u.hospes_cpustat.stats, st);
	long rc = hx_sysctl(&op);
	if (rc == 0)
		*cpus = op.u.hospes_cpustat.nr_cpus;
	return rc;
}

long hx_cpustat(struct hospes_cpustat *sum, unsigned int *cpus)
{
	struct hospes_cpustat *st = malloc(HX_MAX_CPUS * sizeof(*st)); /* 6 KiB: not on a stack */
	if (!st)
		return -XEN_ENOMEM;
	long rc = hx_cpustat_each(st, HX_MAX_CPUS, cpus);
	if (rc < 0) {
		free(st);
		return rc;
	}
	memset(sum, 0, sizeof(*sum));
	for (unsigned int i = 0; i < *cpus; i++) {
		sum->idletime += st[i].idletime;
		sum->halts += st[i].halts;
		sum->switches += st[i].switches;
		sum->polls += st[i].polls;
		sum->poll_hits += st[i].poll_hits;
		sum->sched_ipis += st[i].sched_ipis;
		sum->sched_ipis_saved += st[i].sched_ipis_saved;
		for (unsigned int r = 0; r < HOSPES_CR3_SLOTS; r++)
			sum->cr3[r] += st[i].cr3[r];
		sum->tlb_ipis += st[i].tlb_ipis;
	}
	free(st);
	return 0;
}

long hx_readconsole(uint32_t *index, char *buf, uint32_t len)
{
	struct xen_sysctl op = {.cmd = XEN_SYSCTL_readconsole};
	op.u.readconsole.incremental = 1;
	op.u.readconsole.index = *index;
	op.u.readconsole.count = len;
	set_xen_guest_handle(op.u.readconsole.buffer, buf);
	long rc = hx_sysctl(&op);
	if (rc < 0)
		return rc;
	*index = op.u.readconsole.index;
	return (long)op.u.readconsole.count;
}

long hx_console_end(uint32_t *index)
{
	struct xen_sysctl op = {.cmd = XEN_SYSCTL_readconsole};
	long rc = hx_sysctl(&op); /* the newest 0 bytes: index comes back as the end */
	if (rc == 0)
		*index = op.u.readconsole.index;
	return rc;
}

long hx_domain_op(domid_t id, uint32_t cmd)
{
	struct xen_domctl op = {.cmd = cmd, .domain = id};
	return hx_domctl(&op);
}

long hx_caches(domid_t id, struct xen_domctl_hospes_caches *out)
{
	struct xen_domctl op = {.cmd = XEN_DOMCTL_hospes_caches, .domain = id};
	long rc = hx_domctl(&op);
	if (rc == 0)
		*out = op.u.hospes_caches;
	return rc;
}

long hx_evtchn_stats(domid_t id, uint64_t *sent, uint64_t *received)
{
	struct xen_domctl op = {.cmd = XEN_DOMCTL_hospes_evtchn_stats, .domain = id};
	long rc = hx_domctl(&op);
	if (rc == 0) {
		*sent = op.u.hospes_evtchn_stats.sent;
		*received = op.u.hospes_evtchn_stats.received;
	}
	return rc;
}

static long vcpu_affinity(domid_t id, uint32_t cmd, uint32_t flag, unsigned int vcpu,
			  uint64_t *mask)
{
	uint8_t bytes[8];
	struct xen_domctl op = {.cmd = cmd, .domain = id};
	struct xenctl_bitmap *map = flag == XEN_VCPUAFFINITY_HARD ? &op.u.vcpuaffinity.cpumap_hard
								  : &op.u.vcpuaffinity.cpumap_soft;

	for (unsigned int i = 0; i < sizeof(bytes); i++)
		bytes[i] = (uint8_t)(*mask >> (8 * i));
	op.u.vcpuaffinity.vcpu = vcpu;
	op.u.vcpuaffinity.flags = flag;
	map->bitmap.p = bytes;
	map->nr_bits = 8 * sizeof(bytes);
	long rc = hx_domctl(&op);
	*mask = 0;
	for (unsigned int i = 0; i < sizeof(bytes); i++)
		*mask |= (uint64_t)bytes[i] << (8 * i);
	return rc;
}

long hx_vcpu_affinity(domid_t id, uint32_t cmd, unsigned int vcpu, uint64_t *mask)
{
	return vcpu_affinity(id, cmd, XEN_VCPUAFFINITY_HARD, vcpu, mask);
}

long hx_vcpu_soft_affinity(domid_t id, uint32_t cmd, unsigned int vcpu, uint64_t *mask)
{
	return vcpu_affinity(id, cmd, XEN_VCPUAFFINITY_SOFT, vcpu, mask);
}
