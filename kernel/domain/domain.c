/*
 * Domains and vCPUs: creation, pause, shutdown, destruction, lookup.
 *
 * A domain is a struct domain plus its PV state (struct pv_domain) in one
 * hypervisor frame, a shared_info frame, its memory (p2m, m2p view and
 * shadows, kernel/mm/) and up to HOSPES_MAX_VCPUS vCPUs, each a struct vcpu
 * with its scheduler and PV CPU state in two hypervisor frames.
 *
 * Lifecycle: domain_create() builds all of that or nothing (a failure part
 * way unwinds through domain_destroy(), which copes with every half-built
 * state).  The domain starts paused; the builder fills its memory and
 * vCPU 0, then domain_unpause() makes its online vCPUs runnable.
 * domain_shutdown() records the reason and takes every vCPU off the CPUs;
 * the domain stays (its memory readable by the toolstack) until
 * domain_destroy().  That kills it: it leaves the list (domain_get() fails
 * from then on), its vCPUs leave the scheduler, its ports close, the grant
 * maps it holds go and its memory is returned (a frame another domain
 * still has mapped by grant is freed when that mapping goes, see
 * kernel/mm/isolation.c).  Then the existence reference is dropped; the
 * last domain_put() frees the struct, its vCPUs and its event and grant
 * tables, which other domains may still be reaching through a reference.
 * Once every reference is gone the allocator's free count is exactly what
 * it was before domain_create().
 *
 * Locks: domlist_lock protects the list of domains and the is_dying flag
 * (so domain_get() never takes a reference on a dying domain); d->lock protects a
 * domain's shutdown state, pause count and console line buffer.
 */
#include <public/xen.h> /* before hospes/mm.h: both define DOMID_XEN */
#include <hospes/domain_ctl.h>
#include <hospes/event.h>
#include <hospes/fpu.h>
#include <hospes/grant.h>
#include <hospes/lib.h>
#include <hospes/mm.h>
#include <hospes/p2m.h>
#include <hospes/pirq.h>
#include <hospes/pv.h>
#include <hospes/sched.h>
#include <hospes/shadow.h>
#include <hospes/trace.h>
#include <public/errno.h>

struct domain_frame {
	struct domain d;
	struct pv_domain pv;
};

struct vcpu_frames {
	struct vcpu v;
	struct sched_vcpu sched;
	struct arch_vcpu arch;
};

#define VCPU_ORDER 1 /* struct vcpu_frames fits in two frames */

static spinlock_t domlist_lock = SPINLOCK_INIT;
static struct domain *domain_list;
static unsigned int nr_domains;

void (*domain_shutdown_hook)(struct domain *d, unsigned int reason);

static void *alloc_zeroed(unsigned int order)
{
	mfn_t m = mm_alloc_frames(DOMID_XEN, FRAME_HYPERVISOR, order);
	if (mfn_eq(m, INVALID_MFN))
		return NULL;
	void *p = mfn_to_virt(m);
	memset(p, 0, PAGE_SIZE << order);
	return p;
}

static void free_frames(void *p, unsigned int order)
{
	if (p)
		mm_free_frames(virt_to_mfn(p), order);
}

struct domain *domain_get(domid_t id)
{
	unsigned long flags = spin_lock_irqsave(&domlist_lock);
	struct domain *d = domain_list;
	while (d && d->id != id)
		d = d->next_in_list;
	if (d && d->is_dying)
		d = NULL;
	if (d)
		domain_get_ref(d); /* under the list lock: destroy unlinks under it first */
	spin_unlock_irqrestore(&domlist_lock, flags);
	return d;
}

struct domain *domain_lookup(domid_t id)
{
	unsigned long flags = spin_lock_irqsave(&domlist_lock);
	struct domain *d = domain_list;
	while (d && d->id != id)
		d = d->next_in_list;
	if (d && d->is_dying)
		d = NULL;
	spin_unlock_irqrestore(&domlist_lock, flags);
	return d;
}

unsigned int domain_count(void)
{
	return READ_ONCE(nr_domains);
}

static int vcpu_create(struct domain *d, unsigned int id)
{
	BUILD_BUG_ON(sizeof(struct vcpu_frames) > (PAGE_SIZE << VCPU_ORDER));
	struct vcpu_frames *f = alloc_zeroed(VCPU_ORDER);
	if (!f)
		return -XEN_ENOMEM;
	struct vcpu *v = &f->v;
	v->id = id;
	v->domain = d;
	v->arch = &f->arch;
	fpu_state_init(v->arch, false);
	if (id < XEN_LEGACY_MAX_VCPUS)
		v->vcpu_info = &d->shared_info->vcpu_info[id];
	d->vcpu[id] = v;
	int rc = shadow_vcpu_init(v);
	if (rc)
		return rc;
	sched_vcpu_init(v, &f->sched, (d->id + id) % sched_nr_cpus());
	vcpu_timers_init(v);
	return 0;
}

/* Take v off the scheduler for good; its frames stay until the domain is freed. */
static void vcpu_kill(struct vcpu *v)
{
	if (v->sched) {
		vcpu_timers_stop(v);
		sched_sleep(v, 0, SCHED_OFFLINE);
		sched_vcpu_destroy(v);
	}
}

static int domain_check_config(const struct domain_config *cfg)
{
	if (cfg->id >= DOMID_FIRST_RESERVED || cfg->max_vcpus > HOSPES_MAX_VCPUS ||
	    (!cfg->empty && (cfg->max_vcpus == 0 || cfg->nr_pages == 0)))
		return -XEN_EINVAL;
	if (domain_lookup(cfg->id))
		return -XEN_EEXIST;
	return 0;
}

static int domain_alloc_parts(struct domain *d, const struct domain_config *cfg)
{
	d->shared_info = alloc_zeroed(0);
	if (!d->shared_info)
		return -XEN_ENOMEM;
	d->shared_info_mfn = virt_to_mfn(d->shared_info);
	for (unsigned int i = 0; i < XEN_LEGACY_MAX_VCPUS; i++)
		d->shared_info->vcpu_info[i].evtchn_upcall_mask = 1; /* events masked at boot */
	int rc = cfg->empty ? 0 : p2m_domain_init(d, cfg->nr_pages);
	if (!rc)
		rc = shadow_domain_init(d, SHADOW_DEFAULT_POOL);
	if (!rc)
		rc = evtchn_domain_init(d, 0);
	if (!rc && !cfg->empty) /* an empty domain's grant frames wait for its p2m */
		rc = grant_domain_init(d, 0, 0);
	for (unsigned int i = 0; !rc && i < cfg->max_vcpus; i++)
		rc = vcpu_create(d, i);
	return rc;
}

int domain_create(const struct domain_config *cfg, struct domain **out)
{
	int rc = domain_check_config(cfg);
	if (rc)
		return rc;
	struct domain_frame *f = alloc_zeroed(0);
	if (!f)
		return -XEN_ENOMEM;
	struct domain *d = &f->d;
	d->id = cfg->id;
	d->is_privileged = cfg->privileged;
	d->max_vcpus = cfg->max_vcpus;
	d->pv = &f->pv;
	d->refcnt = 1; /* existence, dropped by domain_destroy() */
	d->pv->shutdown_code = -1;
	d->pv->paused = 1; /* until the builder has finished */
	spin_lock_init(&d->lock);
	snprintf(d->name, sizeof(d->name), "%s", cfg->name ? cfg->name : "");
	rc = domain_alloc_parts(d, cfg);
	if (rc) {
		domain_destroy(d);
		return rc;
	}
	unsigned long flags = spin_lock_irqsave(&domlist_lock);
	d->next_in_list = domain_list;
	domain_list = d;
	nr_domains++;
	spin_unlock_irqrestore(&domlist_lock, flags);
	printk(LOG_INFO "d%u: created (%lu pages, %u vCPUs)\n", d->id, cfg->nr_pages,
	       cfg->max_vcpus);
	*out = d;
	return 0;
}

static void domain_unlink(struct domain *d)
{
	unsigned long flags = spin_lock_irqsave(&domlist_lock);
	for (struct domain **pp = &domain_list; *pp; pp = &(*pp)->next_in_list) {
		if (*pp == d) {
			*pp = d->next_in_list;
			nr_domains--;
			break;
		}
	}
	spin_unlock_irqrestore(&domlist_lock, flags);
}

/* The last reference is gone: nobody can reach d any more. */
static void domain_free(struct domain *d)
{
	for (unsigned int i = 0; i < HOSPES_MAX_VCPUS; i++) {
		if (d->vcpu[i]) {
			pv_gdt_release(d->vcpu[i]); /* set_gdt's validated copy */
			free_frames(container_of(d->vcpu[i], struct vcpu_frames, v), VCPU_ORDER);
		}
		d->vcpu[i] = NULL;
	}
	evtchn_domain_free(d);
	grant_domain_free(d);
	free_frames(d->shared_info, 0);
	printk(LOG_INFO "d%u: freed\n", d->id);
	free_frames(container_of(d, struct domain_frame, d), 0);
}

void domain_put(struct domain *d)
{
	uint32_t left = __atomic_sub_fetch(&d->refcnt, 1, __ATOMIC_ACQ_REL);

	ASSERT(left != UINT32_MAX);
	if (!left)
		domain_free(d);
}

void domain_destroy(struct domain *d)
{
	unsigned long flags = spin_lock_irqsave(&domlist_lock);
	bool was_dying = d->is_dying;
	d->is_dying = true; /* domain_get() fails from here on */
	spin_unlock_irqrestore(&domlist_lock, flags);
	if (was_dying)
		return; /* a second destroy of the same domain: nothing more to drop */
	domain_unlink(d);
	trace_set(d, 0, 0); /* a dead domain is traced no more */
	for (unsigned int i = 0; i < HOSPES_MAX_VCPUS; i++)
		if (d->vcpu[i])
			vcpu_kill(d->vcpu[i]);
	evtchn_domain_destroy(d); /* peers' ends of its channels become unbound */
	if (d->is_privileged)
		pirq_domain_destroy(d); /* its device interrupts go back to masked */
	grant_domain_destroy(d);	/* drop the grant maps it holds, unshare its table */
	domain_relinquish_memory(d);	/* shadows, RAM, foreign maps, p2m, m2p */
	printk(LOG_INFO "d%u: destroyed\n", d->id);
	evtchn_send_global_virq(VIRQ_DOM_EXC); /* xenstored releases it (its store port is gone) */
	domain_put(d);
}

void domain_pause(struct domain *d)
{
	unsigned long flags = spin_lock_irqsave(&d->lock);
	d->pv->paused++;
	spin_unlock_irqrestore(&d->lock, flags);
	for (unsigned int i = 0; i < d->max_vcpus; i++)
		if (d->vcpu[i])
			sched_sleep(d->vcpu[i], pv_system_time(), SCHED_OFFLINE);
}

void domain_unpause(struct domain *d)
{
	unsigned long flags = spin_lock_irqsave(&d->lock);
	ASSERT(d->pv->paused > 0);
	bool run = --d->pv->paused == 0 && !d->pv->shutting_down;
	spin_unlock_irqrestore(&d->lock, flags);
	for (unsigned int i = 0; run && i < d->max_vcpus; i++) {
		struct vcpu *v = d->vcpu[i];
		if (v && v->online && !v->blocked)
			vcpu_kick(v);
	}
}

static const char *const shutdown_names[] = {"poweroff", "reboot",   "suspend",
					     "crash",	 "watchdog", "soft_reset"};

void domain_shutdown(struct domain *d, unsigned int reason)
{
	unsigned long flags = spin_lock_irqsave(&d->lock);
	if (d->pv->shutting_down) {
		spin_unlock_irqrestore(&d->lock, flags);
		return;
	}
	if (d->pv->shutdown_code >= 0)
		reason = (unsigned int)d->pv->shutdown_code; /* SCHEDOP_shutdown_code wins */
	d->pv->shutting_down = true;
	d->pv->shutdown_reason = reason;
	spin_unlock_irqrestore(&d->lock, flags);
	printk(LOG_INFO "d%u: shutdown: %s\n", d->id,
	       reason < ARRAY_SIZE(shutdown_names) ? shutdown_names[reason] : "?");
	for (unsigned int i = 0; i < d->max_vcpus; i++)
		if (d->vcpu[i])
			sched_sleep(d->vcpu[i], pv_system_time(), SCHED_OFFLINE);
	evtchn_send_global_virq(VIRQ_DOM_EXC);
	if (domain_shutdown_hook)
		domain_shutdown_hook(d, reason);
}

int domain_set_max_vcpus(struct domain *d, unsigned int n)
{
	int rc = 0;

	if (n == 0 || n > HOSPES_MAX_VCPUS)
		return -XEN_EINVAL;
	if (d->max_vcpus)
		return d->max_vcpus == n ? 0 : -XEN_EEXIST;
	for (unsigned int i = 0; !rc && i < n; i++)
		rc = vcpu_create(d, i);
	if (rc) {
		for (unsigned int i = 0; i < n; i++) {
			struct vcpu *v = d->vcpu[i];
			if (!v)
				continue;
			vcpu_kill(v);
			shadow_vcpu_destroy(v);
			free_frames(container_of(v, struct vcpu_frames, v), VCPU_ORDER);
			d->vcpu[i] = NULL;
		}
		return rc;
	}
	d->max_vcpus = n;
	return 0;
}

domid_t domain_free_id(void)
{
	for (domid_t id = 1; id < DOMID_FIRST_RESERVED; id++) {
		unsigned long flags = spin_lock_irqsave(&domlist_lock);
		struct domain *d = domain_list;
		while (d && d->id != id)
			d = d->next_in_list;
		spin_unlock_irqrestore(&domlist_lock, flags);
		if (!d)
			return id;
	}
	return DOMID_INVALID;
}

struct domain *domain_next(domid_t from)
{
	struct domain *best = NULL;
	unsigned long flags = spin_lock_irqsave(&domlist_lock);

	for (struct domain *d = domain_list; d; d = d->next_in_list)
		if (!d->is_dying && d->id >= from && (!best || d->id < best->id))
			best = d;
	if (best)
		domain_get_ref(best);
	spin_unlock_irqrestore(&domlist_lock, flags);
	return best;
}

void domain_pause_sync(struct domain *d)
{
	domain_pause(d);
	for (unsigned int i = 0; i < d->max_vcpus; i++) {
		struct vcpu *v = d->vcpu[i];

		while (v && v->sched && READ_ONCE(v->sched->state) == SCHED_RUNNING) {
			sched_request(v->sched->cpu);
			cpu_relax();
		}
	}
}

gfn_t domain_shared_info_gfn(struct domain *d)
{
	struct pv_domain *pv = d->pv;
	unsigned long flags = spin_lock_irqsave(&d->lock);

	if (!pv->shared_in_p2m) {
		pv->shared_gfn = p2m_add_shared(d, d->shared_info_mfn);
		pv->shared_in_p2m = !gfn_eq(pv->shared_gfn, INVALID_GFN);
	}
	spin_unlock_irqrestore(&d->lock, flags);
	return pv->shared_gfn;
}

int domain_set_max_pages(struct domain *d, unsigned long pages)
{
	if (d->p2m)
		return p2m_set_max_pages(d, pages);
	int rc = p2m_domain_init_empty(d, pages);
	if (!rc)
		rc = grant_domain_init(d, 0, 0);
	if (rc) { /* back to empty: nothing was given yet */
		grant_domain_free(d);
		p2m_domain_destroy(d);
	}
	return rc;
}
