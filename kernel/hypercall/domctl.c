/*
 * domctl (hypercall 36): the toolstack in the driver domain builds and
 * manages other domains (public/domctl.h has the build sequence).
 *
 * The dispatcher lets only the privileged domain in.  Here the whole
 * struct xen_domctl is copied in once, its interface version checked
 * (-EACCES otherwise, as Xen), the command decoded and every field checked
 * before anything changes; the struct is copied back only for commands
 * with OUT fields.  A command never acts on the caller itself where that
 * would pull the floor from under it (pause, destroy, vCPU context).
 *
 * Semantics worth knowing:
 *  - createdomain makes an empty, paused domain (no vCPUs, no RAM); the
 *    creation pause is the toolstack's pause, ended by unpausedomain.
 *    pausedomain/unpausedomain are a flag, not a count: pausing twice
 *    needs one unpause, unpausing an unpaused domain is -EINVAL.
 *  - max_mem fixes an empty domU's frame space (RAM 0..N-1, then its
 *    window); afterwards the limit only moves within it.
 *  - setvcpucontext needs the domain paused (-EBUSY otherwise); the
 *    frames in ctrlreg[3]/[1] are in the target's own frame space.
 *  - scheduler_op may act on dom0 itself (its weight and cap are its
 *    share, not its floor).
 *  - setvcpuaffinity keeps the hard map (bits of CPUs the machine does
 *    not have are dropped; none online left is -EINVAL) and the soft one
 *    (the same bits dropped; any map, even an empty one, is taken: the
 *    scheduler ignores a soft map that does not meet the hard one), a
 *    preference where the scheduler places the vCPU (kernel/sched).  With
 *    both flags, a refused hard map leaves the soft one as it was.  The
 *    maps are IN only (as newer Xen); getvcpuaffinity reports them, every
 *    CPU by default.  Both may act on dom0 itself (xl vcpu-pin 0 ...).
 *  - shared_info_frame (getdomaininfo) is the frame the domain itself
 *    must use for shared_info, entered into its p2m on first request.
 *
 * Locks: none of its own; the subsystems lock.  The target domain is
 * held by a reference (domain_get, domain_next) for the whole call, so a
 * concurrent destroydomain cannot free it underneath.
 */
#include <public/xen.h> /* before hospes/mm.h: both define DOMID_XEN */
#include <hospes/domain_ctl.h>
#include <hospes/event.h>
#include <hospes/grant.h>
#include <hospes/guest_access.h>
#include <hospes/hypercall.h>
#include <hospes/lib.h>
#include <hospes/mm.h>
#include <hospes/p2m.h>
#include <hospes/pv.h>
#include <hospes/pv_build.h>
#include <hospes/sched.h>
#include <hospes/shadow.h>
#include <hospes/time.h>
#include <public/domctl.h>
#include <public/errno.h>
#include <public/sched.h>

void domctl_fill_info(struct domain *d, struct xen_domctl_getdomaininfo *info);

static unsigned int vcpu_flags(const struct domain *d, unsigned int *online, uint64_t *time)
{
	unsigned int running = 0, blocked = 0;

	*online = 0;
	*time = 0;
	for (unsigned int i = 0; i < d->max_vcpus; i++) {
		const struct vcpu *v = d->vcpu[i];
		if (!v || !v->sched)
			continue;
		*time += v->sched->runtime;
		if (!v->online)
			continue;
		(*online)++;
		if (v->sched->state == SCHED_RUNNING || v->sched->state == SCHED_QUEUED)
			running++;
		else if (v->blocked)
			blocked++;
	}
	if (running)
		return XEN_DOMINF_running;
	return *online && blocked == *online ? XEN_DOMINF_blocked : 0;
}

void domctl_fill_info(struct domain *d, struct xen_domctl_getdomaininfo *info)
{
	const struct pv_domain *pv = d->pv;
	unsigned int online;
	uint64_t time;

	memset(info, 0, sizeof(*info));
	info->domain = d->id;
	info->flags = vcpu_flags(d, &online, &time);
	if (d->is_dying)
		info->flags |= XEN_DOMINF_dying;
	if (pv->shutting_down)
		info->flags |= XEN_DOMINF_shutdown | (pv->shutdown_reason & XEN_DOMINF_shutdownmask)
							     << XEN_DOMINF_shutdownshift;
	if (pv->paused)
		info->flags |= XEN_DOMINF_paused;
	if (d->is_privileged)
		info->flags |= XEN_DOMINF_xs_domain; /* dom0 hosts xenstored */
	info->tot_pages = d->tot_pages;
	info->max_pages = d->max_pages;
	info->shared_info_frame = gfn_x(domain_shared_info_gfn(d));
	info->cpu_time = time;
	info->nr_online_vcpus = online;
	info->max_vcpu_id = d->max_vcpus ? d->max_vcpus - 1 : XEN_INVALID_MAX_VCPU_ID;
	memcpy(info->handle, pv->handle, sizeof(info->handle));
}

static long dc_create(struct xen_domctl *op)
{
	const struct xen_domctl_createdomain *c = &op->u.createdomain;
	domid_t id = op->domain ? op->domain : domain_free_id();
	char name[16];
	struct domain *d;

	if (c->ssidref || c->flags || c->config.emulation_flags)
		return -XEN_EINVAL;
	if (id == 0 || id >= DOMID_FIRST_RESERVED)
		return op->domain ? -XEN_EINVAL : -XEN_ENOMEM;
	snprintf(name, sizeof(name), "d%u", id);
	struct domain_config cfg = {.id = id, .name = name, .empty = true};
	long rc = domain_create(&cfg, &d);
	if (rc)
		return rc;
	memcpy(d->pv->handle, c->handle, sizeof(d->pv->handle));
	d->pv->ctl_paused = true; /* the creation pause is the toolstack's */
	op->domain = id;
	return 0;
}

static long dc_pause(struct domain *d, bool pause)
{
	unsigned long flags = spin_lock_irqsave(&d->lock);
	bool was = d->pv->ctl_paused;

	d->pv->ctl_paused = pause;
	spin_unlock_irqrestore(&d->lock, flags);
	if (pause && !was)
		domain_pause_sync(d);
	else if (!pause && was)
		domain_unpause(d);
	else if (!pause)
		return -XEN_EINVAL;
	return 0;
}

static long dc_max_mem(struct domain *d, const struct xen_domctl_max_mem *m)
{
	if (m->max_memkb > ((uint64_t)frame_table_size << (PAGE_SHIFT - 10)))
		return -XEN_EINVAL;
	return domain_set_max_pages(d, (unsigned long)(m->max_memkb >> (PAGE_SHIFT - 10)));
}

static struct vcpu *dc_vcpu(struct domain *d, uint32_t id)
{
	return id < d->max_vcpus && id < HOSPES_MAX_VCPUS ? d->vcpu[id] : NULL;
}

static long dc_set_context(struct vcpu *v, struct domain *d, const struct xen_domctl_vcpucontext *c)
{
	struct vcpu *t = dc_vcpu(d, c->vcpu);

	if (!t)
		return -XEN_ESRCH;
	if (!c->ctxt.p)
		return -XEN_EINVAL;
	if (!d->pv->paused)
		return -XEN_EBUSY;
	return pv_vcpu_set_context(v, t, (unsigned long)c->ctxt.p);
}

#define CTX(field) offsetof(struct vcpu_guest_context, field)

static long put_ctx(struct vcpu *v, unsigned long ctx, size_t off, const void *p, size_t n)
{
	return copy_to_guest_vcpu(v, ctx + off, p, n) ? -XEN_EFAULT : 0;
}

static long zero_ctx(struct vcpu *v, unsigned long ctx)
{
	static const uint8_t zeros[512];

	for (size_t off = 0; off < sizeof(struct vcpu_guest_context); off += sizeof(zeros)) {
		size_t n = MIN(sizeof(zeros), sizeof(struct vcpu_guest_context) - off);
		if (put_ctx(v, ctx, off, zeros, n))
			return -XEN_EFAULT;
	}
	return 0;
}

static long put_traps(struct vcpu *v, unsigned long ctx, const struct arch_vcpu *av)
{
	for (unsigned int i = 0; i < PV_NR_TRAPS; i++) {
		const struct pv_trap *t = &av->traps[i];
		struct trap_info ti = {.vector = (uint8_t)i,
				       .flags = t->flags,
				       .cs = t->cs,
				       .address = t->address};
		if (t->address && put_ctx(v, ctx, CTX(trap_ctxt) + i * sizeof(ti), &ti, sizeof(ti)))
			return -XEN_EFAULT;
	}
	return 0;
}

static long dc_get_context(struct vcpu *v, struct domain *d, const struct xen_domctl_vcpucontext *c)
{
	struct vcpu *t = dc_vcpu(d, c->vcpu);
	unsigned long ctx = (unsigned long)c->ctxt.p;

	if (!t)
		return -XEN_ESRCH;
	const struct arch_vcpu *av = t->arch;
	gfn_t k = shadow_guest_root(t, false), u = shadow_guest_root(t, true);
	unsigned long w[3] = {VGCF_in_kernel | (t->online ? VGCF_online : 0), av->kernel_ss,
			      av->kernel_sp};
	unsigned long cr3 = gfn_eq(k, INVALID_GFN) ? 0 : gfn_x(k) << PAGE_SHIFT;
	unsigned long cr1 = gfn_eq(u, INVALID_GFN) ? 0 : gfn_x(u) << PAGE_SHIFT;
	unsigned long cb[3] = {av->callback[PV_CB_EVENT], av->callback[PV_CB_FAILSAFE],
			       av->callback[PV_CB_SYSCALL]};
	uint64_t bases[3] = {av->fs_base, av->gs_base_kernel, av->gs_base_user};

	if (!av->initialised)
		w[0] = 0;
	return zero_ctx(v, ctx) ?: put_ctx(v, ctx, CTX(flags), &w[0], 8) ?:
	       put_ctx(v, ctx, CTX(user_regs), &av->regs, sizeof(av->regs)) ?:
	       put_traps(v, ctx, av) ?: put_ctx(v, ctx, CTX(kernel_ss), &w[1], 16) ?:
	       put_ctx(v, ctx, CTX(ctrlreg[3]), &cr3, 8) ?:
	       put_ctx(v, ctx, CTX(ctrlreg[1]), &cr1, 8) ?:
	       put_ctx(v, ctx, CTX(debugreg), av->debugreg, sizeof(av->debugreg)) ?:
	       put_ctx(v, ctx, CTX(event_callback_eip), cb, sizeof(cb)) ?:
	       put_ctx(v, ctx, CTX(fs_base), bases, sizeof(bases));
}

static long dc_vcpu_info(struct domain *d, struct xen_domctl_getvcpuinfo *i)
{
	struct vcpu *t = dc_vcpu(d, i->vcpu);
	uint32_t id = i->vcpu;

	if (!t)
		return -XEN_ESRCH;
	memset(i, 0, sizeof(*i));
	i->vcpu = id;
	i->online = t->online;
	i->blocked = t->blocked;
	i->running = t->sched && t->sched->state == SCHED_RUNNING;
	i->cpu_time = t->sched ? t->sched->runtime : 0;
	i->cpu = t->processor;
	return 0;
}

/* A guest bitmap (at most 64 CPUs here) to a mask: bits from nr_bits on are 0. */
static long bitmap_in(struct vcpu *v, const struct xenctl_bitmap *b, uint64_t *mask)
{
	uint8_t bytes[8] = {0};
	size_t n = MIN(sizeof(bytes), ((size_t)b->nr_bits + 7) / 8);

	if (n && copy_from_guest_vcpu(v, bytes, (unsigned long)b->bitmap.p, n))
		return -XEN_EFAULT;
	*mask = 0;
	for (size_t i = 0; i < n; i++)
		*mask |= (uint64_t)bytes[i] << (8 * i);
	if (b->nr_bits < 64)
		*mask &= (1ULL << b->nr_bits) - 1;
	return 0;
}

/* A mask to the guest's bitmap: all its (nr_bits + 7) / 8 bytes are written. */
static long bitmap_out(struct vcpu *v, const struct xenctl_bitmap *b, uint64_t mask)
{
	unsigned long at = (unsigned long)b->bitmap.p;

	if (b->nr_bits < 64)
		mask &= (1ULL << b->nr_bits) - 1;
	for (size_t i = 0; i < ((size_t)b->nr_bits + 7) / 8; i++) {
		uint8_t byte = i < 8 ? (uint8_t)(mask >> (8 * i)) : 0;
		if (copy_to_guest_vcpu(v, at + i, &byte, 1))
			return -XEN_EFAULT;
	}
	return 0;
}

static long dc_vcpu_affinity(struct vcpu *v, struct domain *d, uint32_t cmd,
			     const struct xen_domctl_vcpuaffinity *a)
{
	const uint32_t both = XEN_VCPUAFFINITY_HARD | XEN_VCPUAFFINITY_SOFT;
	uint64_t hard = 0, soft = 0;
	long rc = 0;

	if (a->vcpu >= d->max_vcpus || a->vcpu >= HOSPES_MAX_VCPUS)
		return -XEN_EINVAL;
	struct vcpu *t = d->vcpu[a->vcpu];
	if (!t || !t->sched)
		return -XEN_ESRCH;
	if (!a->flags || (a->flags & ~both))
		return -XEN_EINVAL;
	if (cmd == XEN_DOMCTL_getvcpuaffinity) {
		if (a->flags & XEN_VCPUAFFINITY_HARD)
			rc = bitmap_out(v, &a->cpumap_hard, sched_affinity(t));
		if (!rc && (a->flags & XEN_VCPUAFFINITY_SOFT))
			rc = bitmap_out(v, &a->cpumap_soft, sched_soft_affinity(t));
		return rc;
	}
	if (a->flags & XEN_VCPUAFFINITY_HARD)
		rc = bitmap_in(v, &a->cpumap_hard, &hard);
	if (!rc && (a->flags & XEN_VCPUAFFINITY_SOFT))
		rc = bitmap_in(v, &a->cpumap_soft, &soft);
	if (!rc && (a->flags & XEN_VCPUAFFINITY_HARD))
		rc = sched_set_affinity(t, hard, now_ns());
	if (!rc && (a->flags & XEN_VCPUAFFINITY_SOFT))
		sched_set_soft_affinity(t, soft);
	return rc;
}

/* The credit scheduler's parameters: putinfo checks everything first. */
static long dc_scheduler_op(struct domain *d, struct xen_domctl_scheduler_op *s, bool *out)
{
	unsigned int weight, cap;
	long rc;

	if (s->sched_id != XEN_SCHEDULER_CREDIT)
		return -XEN_EINVAL;
	rc = sched_domain_get_params(d, &weight, &cap);
	if (rc)
		return rc;
	switch (s->cmd) {
	case XEN_DOMCTL_SCHEDOP_getinfo:
		memset(&s->u, 0, sizeof(s->u));
		s->u.credit.weight = (uint16_t)weight;
		s->u.credit.cap = (uint16_t)cap;
		*out = true;
		return 0;
	case XEN_DOMCTL_SCHEDOP_putinfo:
		if (s->u.credit.weight)
			weight = s->u.credit.weight;
		if (s->u.credit.cap != 0xffff)
			cap = s->u.credit.cap;
		return sched_domain_set_params(d, weight, cap);
	default:
		return -XEN_EINVAL;
	}
}

static long dc_set_name(struct domain *d, const struct xen_domctl_hospes_name *n)
{
	size_t len = strnlen(n->name, sizeof(n->name));

	if (len == 0 || len == sizeof(n->name))
		return -XEN_EINVAL;
	for (size_t i = 0; i < len; i++)
		if (n->name[i] < 0x21 || n->name[i] > 0x7e)
			return -XEN_EINVAL;
	unsigned long flags = spin_lock_irqsave(&d->lock);
	memcpy(d->name, n->name, len + 1);
	spin_unlock_irqrestore(&d->lock, flags);
	return 0;
}

static long dc_gnttab_seed(struct domain *d, const struct xen_domctl_hospes_gnttab_seed *g)
{
	if (g->ref >= GNTTAB_NR_RESERVED_ENTRIES || g->grantee >= DOMID_FIRST_RESERVED ||
	    g->gfn >= p2m_size(d))
		return -XEN_EINVAL;
	return gnttab_seed_entry(d, g->ref, g->grantee, g->gfn);
}

static void dc_caches(struct domain *d, struct xen_domctl_hospes_caches *c)
{
	struct shadow_stats st;
	shadow_get_stats(d, &st);
	*c = (struct xen_domctl_hospes_caches){.shadow_pages = st.pool_used,
					       .maptrack_pages = grant_maptrack_pages(d),
					       .evtchn_pages = evtchn_bucket_pages(d)};
}

/* Commands on an existing domain other than the caller's own. */
static long dc_on_domain(struct vcpu *v, struct xen_domctl *op, struct domain *d, bool *out)
{
	if (d == v->domain && op->cmd != XEN_DOMCTL_getvcpuinfo &&
	    op->cmd != XEN_DOMCTL_hospes_getname && op->cmd != XEN_DOMCTL_scheduler_op &&
	    op->cmd != XEN_DOMCTL_hospes_grantinfo && op->cmd != XEN_DOMCTL_hospes_evtchn_stats &&
	    op->cmd != XEN_DOMCTL_hospes_caches && op->cmd != XEN_DOMCTL_setvcpuaffinity &&
	    op->cmd != XEN_DOMCTL_getvcpuaffinity)
		return -XEN_EINVAL;
	switch (op->cmd) {
	case XEN_DOMCTL_destroydomain:
		domain_pause_sync(d);
		domain_destroy(d);
		return 0;
	case XEN_DOMCTL_pausedomain:
	case XEN_DOMCTL_unpausedomain:
		return dc_pause(d, op->cmd == XEN_DOMCTL_pausedomain);
	case XEN_DOMCTL_max_mem:
		return dc_max_mem(d, &op->u.max_mem);
	case XEN_DOMCTL_max_vcpus:
		return domain_set_max_vcpus(d, op->u.max_vcpus.max);
	case XEN_DOMCTL_setvcpucontext:
		return dc_set_context(v, d, &op->u.vcpucontext);
	case XEN_DOMCTL_getvcpucontext:
		return dc_get_context(v, d, &op->u.vcpucontext);
	case XEN_DOMCTL_getvcpuinfo:
		*out = true;
		return dc_vcpu_info(d, &op->u.getvcpuinfo);
	case XEN_DOMCTL_setvcpuaffinity:
	case XEN_DOMCTL_getvcpuaffinity:
		return dc_vcpu_affinity(v, d, op->cmd, &op->u.vcpuaffinity);
	case XEN_DOMCTL_scheduler_op:
		return dc_scheduler_op(d, &op->u.scheduler_op, out);
	case XEN_DOMCTL_hypercall_init:
		return hypercall_page_write(d, op->u.hypercall_init.gmfn);
	case XEN_DOMCTL_hospes_setname:
		return dc_set_name(d, &op->u.hospes_name);
	case XEN_DOMCTL_hospes_getname:
		*out = true;
		memset(op->u.hospes_name.name, 0, sizeof(op->u.hospes_name.name));
		memcpy(op->u.hospes_name.name, d->name, strnlen(d->name, sizeof(d->name) - 1));
		return 0;
	case XEN_DOMCTL_hospes_grantinfo: {
		struct xen_domctl_hospes_grantinfo *g = &op->u.hospes_grantinfo;
		*out = true;
		grant_domain_info(d, g->peer, &g->maps, &g->entries_in_use);
		return 0;
	}
	case XEN_DOMCTL_hospes_evtchn_stats:
		*out = true;
		evtchn_stats(d, &op->u.hospes_evtchn_stats.sent,
			     &op->u.hospes_evtchn_stats.received);
		return 0;
	case XEN_DOMCTL_hospes_caches:
		*out = true;
		dc_caches(d, &op->u.hospes_caches);
		return 0;
	case XEN_DOMCTL_hospes_gnttab_seed:
		return dc_gnttab_seed(d, &op->u.hospes_gnttab_seed);
	default:
		return -XEN_ENOSYS;
	}
}

long do_domctl(HYPERCALL_ARGS)
{
	struct xen_domctl op;
	bool out = false;
	long rc;

	if (copy_from_guest_vcpu(v, &op, a1, sizeof(op)))
		return -XEN_EFAULT;
	if (op.interface_version != XEN_DOMCTL_INTERFACE_VERSION)
		return -XEN_EACCES;
	if (op.cmd == XEN_DOMCTL_createdomain) {
		rc = dc_create(&op);
		out = !rc;
	} else if (op.cmd == XEN_DOMCTL_getdomaininfo) {
		struct domain *d = domain_next(op.domain);
		rc = d ? 0 : -XEN_ESRCH;
		if (d) {
			domctl_fill_info(d, &op.u.getdomaininfo);
			op.domain = d->id;
			out = true;
			domain_put(d);
		}
	} else {
		struct domain *d = op.domain < DOMID_FIRST_RESERVED ? domain_get(op.domain) : NULL;
		rc = d ? dc_on_domain(v, &op, d, &out) : -XEN_ESRCH;
		if (d)
			domain_put(d); /* after destroydomain: the last reference */
	}
	if (out && copy_to_guest_vcpu(v, a1, &op, sizeof(op)))
		rc = -XEN_EFAULT;
	return rc;
}
