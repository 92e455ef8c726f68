/*
 * hx's view of the hypervisor: thin wrappers over domctl and sysctl that
 * fill in the interface versions and return 0 or a negative Xen error.
 */
#ifndef DOM0_HX_CTL_H
#define DOM0_HX_CTL_H

#include <public/domctl.h>
#include <public/sysctl.h>
#include <stddef.h>
#include <stdint.h>

typedef struct xen_domctl_getdomaininfo hx_dominfo_t;

long hx_domctl(struct xen_domctl *op);
long hx_sysctl(struct xen_sysctl *op);

/* Up to max domains with id >= first; returns how many (or an error). */
long hx_domains(domid_t first, hx_dominfo_t *out, unsigned int max);
/* One domain's info; -ESRCH if it does not exist. */
long hx_dominfo(domid_t id, hx_dominfo_t *out);
/* The domain's name ("" if it has none). */
long hx_domname(domid_t id, char name[32]);
long hx_physinfo(struct xen_sysctl_physinfo *out);
/* The idle ns of every CPU added up (XEN_SYSCTL_getcpuinfo), and how many
 * CPUs that is (at most HX_MAX_CPUS); 0 or -XEN_*. */
#define HX_MAX_CPUS 64
long hx_idle_ns(uint64_t *idle, unsigned int *cpus);
/* Every CPU's counters (XEN_SYSCTL_hospes_cpustat) added up into *sum,
 * and how many CPUs that is (at most HX_MAX_CPUS); 0 or -XEN_*. */
long hx_cpustat(struct hospes_cpustat *sum, unsigned int *cpus);
/* The same per CPU: st[0 .. *cpus-1], at most max of them. */
long hx_cpustat_each(struct hospes_cpustat *st, unsigned int max, unsigned int *cpus);
/* Log bytes from *index on (incremental); advances *index.  Returns the count. */
long hx_readconsole(uint32_t *index, char *buf, uint32_t len);
/* The log's current end, as a readconsole index. */
long hx_console_end(uint32_t *index);
/* Events the domain sent and events raised in it (XEN_DOMCTL_hospes_evtchn_stats). */
long hx_evtchn_stats(domid_t id, uint64_t *sent, uint64_t *received);
/* Hypervisor frames kept for the domain on demand (XEN_DOMCTL_hospes_caches). */
long hx_caches(domid_t id, struct xen_domctl_hospes_caches *out);
/* A vCPU's hard affinity, bit n = CPU n: set (XEN_DOMCTL_setvcpuaffinity)
 * or get (getvcpuaffinity) into *mask. */
long hx_vcpu_affinity(domid_t id, uint32_t cmd, unsigned int vcpu, uint64_t *mask);
/* The same for its soft affinity (XEN_VCPUAFFINITY_SOFT, a preference). */
long hx_vcpu_soft_affinity(domid_t id, uint32_t cmd, unsigned int vcpu, uint64_t *mask);
/* pause, unpause or destroy (XEN_DOMCTL_*). */
long hx_domain_op(domid_t id, uint32_t cmd);

#endif
