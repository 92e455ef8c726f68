/*
 * sysctl (hypercall 35): the machine as the toolstack sees it.
 *
 * The dispatcher lets only the privileged domain in; here the struct is
 * copied in, its interface version checked (-EACCES otherwise, as Xen),
 * the command carried out and the struct copied back.
 *
 *   readconsole        bytes of the hypervisor's log ring (`hx dmesg`);
 *                      the ring's stream position is the 32-bit index
 *                      (it wraps after 4 GiB of log, as Xen's does);
 *   physinfo           CPUs, TSC kHz, total and free memory in pages;
 *   getdomaininfolist  getdomaininfo for up to max_domains domains;
 *   getcpuinfo         each CPU's idle time (what a benchmark subtracts
 *                      to count only busy time: under -icount, busy
 *                      nanoseconds are executed instructions);
 *   hospes_trace       (Hospes extension) set a domain's trace mask, read
 *                      a CPU's trace ring (kernel/trace/trace.c);
 *   hospes_cpustat     (Hospes extension) each CPU's idle time, halts,
 *                      vCPU switches and CR3 writes by reason.
 *
 * Locks: none of its own (the log ring and the domain list lock).
 */
#include <hospes/console.h>
#include <hospes/frame.h>
#include <hospes/guest_access.h>
#include <hospes/hypercall.h>
#include <hospes/lib.h>
#include <hospes/pv.h>
#include <hospes/sched.h>
#include <hospes/smp.h>
#include <hospes/time.h>
#include <hospes/trace.h>
#include <hospes/domain_ctl.h>
#include <public/errno.h>
#include <public/sysctl.h>

void domctl_fill_info(struct domain *d, struct xen_domctl_getdomaininfo *info);

#define READ_CHUNK 256

static uint64_t cleared_at; /* readconsole clear: non-incremental reads start here */

/* Copy log bytes from stream position *pos on into the guest buffer; bytes copied. */
static long log_copy(struct vcpu *v, unsigned long buf, uint32_t count, uint64_t *pos)
{
	char chunk[READ_CHUNK];
	uint32_t done = 0;

	while (done < count) {
		size_t n = log_ring_read(pos, chunk, MIN(sizeof(chunk), (size_t)(count - done)));
		if (n == 0)
			break;
		if (copy_to_guest_vcpu(v, buf + done, chunk, n))
			return -XEN_EFAULT;
		done += (uint32_t)n;
	}
	return done;
}

static long sc_readconsole(struct vcpu *v, struct xen_sysctl_readconsole *r)
{
	uint64_t end = ~0ULL, pos;
	long n;

	log_ring_read(&end, NULL, 0); /* end = the ring's head */
	if (r->incremental) {
		/* index holds the low 32 bits of a position at most 4 GiB behind the head */
		pos = end - (uint32_t)((uint32_t)end - r->index);
	} else {
		pos = end > r->count ? end - r->count : 0;
		if (pos < cleared_at)
			pos = cleared_at;
	}
	n = log_copy(v, (unsigned long)r->buffer.p, r->count, &pos);
	if (n < 0)
		return n;
	r->count = (uint32_t)n;
	r->index = (uint32_t)pos;
	if (r->clear)
		cleared_at = pos;
	return 0;
}

static void sc_physinfo(struct xen_sysctl_physinfo *p)
{
	memset(p, 0, sizeof(*p));
	p->threads_per_core = 1;
	p->cores_per_socket = nr_cpus_online;
	p->sockets_per_node = 1;
	p->nr_cpus = nr_cpus_online;
	p->max_cpu_id = nr_cpus_online - 1;
	p->nr_nodes = 1;
	p->max_node_id = 0;
	p->cpu_khz = (uint32_t)cpu_khz;
	p->total_pages = frame_total_count();
	p->free_pages = frame_free_count();
	p->capabilities = 0;
}

static long sc_domaininfolist(struct vcpu *v, struct xen_sysctl_getdomaininfolist *l)
{
	unsigned long buf = (unsigned long)l->buffer.p;
	uint32_t n = 0;
	struct domain *d = domain_next(l->first_domain);

	while (d && n < l->max_domains) {
		struct xen_domctl_getdomaininfo info;
		domid_t next = d->id + 1;
		domctl_fill_info(d, &info);
		domain_put(d);
		if (copy_to_guest_vcpu(v, buf + n * sizeof(info), &info, sizeof(info)))
			return -XEN_EFAULT;
		n++;
		d = domain_next(next);
	}
	if (d)
		domain_put(d);
	l->num_domains = n;
	return 0;
}

#define TRACE_CHUNK 8 /* records copied out at a time */

static long sc_trace_read(struct vcpu *v, struct xen_sysctl_hospes_trace *t)
{
	struct hospes_trace_rec chunk[TRACE_CHUNK];
	unsigned long buf = (unsigned long)t->buffer.p;
	uint32_t done = 0;

	if (t->cpu >= nr_cpus_online ||
	    (t->mask & ~(HOSPES_TRACE_HYPERCALLS | HOSPES_TRACE_EVENTS)))
		return -XEN_EINVAL;
	t->lost = 0;
	unsigned int n;
	do { /* at least once: count 0 moves HOSPES_TRACE_POS_NOW to the ring's end */
		n = trace_read(t->cpu, &t->pos, &t->lost, t->domain, t->mask, chunk,
			       MIN(TRACE_CHUNK, t->count - done));
		if (n && copy_to_guest_vcpu(v, buf + done * sizeof(chunk[0]), chunk,
					    n * sizeof(chunk[0])))
			return -XEN_EFAULT;
		done += n;
	} while (n && done < t->count);
	t->count = done;
	return 0;
}

static long sc_trace(struct vcpu *v, struct xen_sysctl_hospes_trace *t)
{
	if (t->op == HOSPES_TRACE_OP_read)
		return sc_trace_read(v, t);
	if (t->op != HOSPES_TRACE_OP_set)
		return -XEN_EINVAL;
	struct domain *d = domain_get(t->domain);
	if (!d)
		return -XEN_ESRCH;
	long rc = trace_set(d, t->mask, nr_cpus_online);
	domain_put(d);
	return rc;
}

static long sc_getcpuinfo(struct vcpu *v, struct xen_sysctl_getcpuinfo *c)
{
	unsigned long buf = (unsigned long)c->info.p;
	uint32_t n = MIN(c->max_cpus, (uint32_t)nr_cpus_online);

	for (uint32_t i = 0; i < n; i++) {
		struct xen_sysctl_cpuinfo info = {.idletime = sched_idle_time(i)};
		if (copy_to_guest_vcpu(v, buf + i * sizeof(info), &info, sizeof(info)))
			return -XEN_EFAULT;
	}
	c->nr_cpus = n;
	return 0;
}

static long sc_cpustat(struct vcpu *v, struct xen_sysctl_hospes_cpustat *c)
{
	unsigned long buf = (unsigned long)c->stats.p;
	uint32_t n = MIN(c->max_cpus, (uint32_t)nr_cpus_online);

	for (uint32_t i = 0; i < n; i++) {
		struct hospes_cpustat st = {.idletime = sched_idle_time(i)};
		arch_cpu_counters(i, &st);
		if (copy_to_guest_vcpu(v, buf + i * sizeof(st), &st, sizeof(st)))
			return -XEN_EFAULT;
	}
	c->nr_cpus = n;
	return 0;
}

long do_sysctl(HYPERCALL_ARGS)
{
	struct xen_sysctl op;
	long rc;

	if (copy_from_guest_vcpu(v, &op, a1, sizeof(op)))
		return -XEN_EFAULT;
	if (op.interface_version != XEN_SYSCTL_INTERFACE_VERSION)
		return -XEN_EACCES;
	switch (op.cmd) {
	case XEN_SYSCTL_readconsole:
		rc = sc_readconsole(v, &op.u.readconsole);
		break;
	case XEN_SYSCTL_physinfo:
		sc_physinfo(&op.u.physinfo);
		rc = 0;
		break;
	case XEN_SYSCTL_getdomaininfolist:
		rc = sc_domaininfolist(v, &op.u.getdomaininfolist);
		break;
	case XEN_SYSCTL_getcpuinfo:
		rc = sc_getcpuinfo(v, &op.u.getcpuinfo);
		break;
	case XEN_SYSCTL_hospes_trace:
		rc = sc_trace(v, &op.u.hospes_trace);
		break;
	case XEN_SYSCTL_hospes_cpustat:
		rc = sc_cpustat(v, &op.u.hospes_cpustat);
		break;
	default:
		return -XEN_ENOSYS;
	}
	if (!rc && copy_to_guest_vcpu(v, a1, &op, sizeof(op)))
		rc = -XEN_EFAULT;
	return rc;
}
