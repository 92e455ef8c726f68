/* Fake domains for subsystem host tests (see fake_domain.h). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <fake_domain.h>
#include <hospes/frame.h>
#include <hospes/guest_access.h>
#include <public/errno.h>
#include <public/xen.h>

struct domain *dom[FAKE_NR_DOMAINS];
unsigned int live_structs;
static const struct fake_domain_ops *sub;
static unsigned long frames_at_start;

struct domain *domain_get(domid_t id)
{
	for (int i = 0; i < FAKE_NR_DOMAINS; i++)
		if (dom[i] && dom[i]->id == id && !dom[i]->is_dying)
			return domain_get_ref(dom[i]);
	return NULL;
}

/* The real domain_put's contract: the last reference frees what others could reach. */
void domain_put(struct domain *d)
{
	uint32_t left = __atomic_sub_fetch(&d->refcnt, 1, __ATOMIC_ACQ_REL); /* threads race */

	assert_true(left != UINT32_MAX);
	if (left)
		return;
	assert_true(d->is_dying);
	sub->free(d);
	for (unsigned int i = 0; i < d->max_vcpus; i++)
		free(d->vcpu[i]);
	free(d->shared_info);
	free(d);
	live_structs--;
}

int copy_from_guest_vcpu(struct vcpu *v, void *dst, unsigned long va, size_t len)
{
	(void)v;
	if (va == BAD_GUEST_VA)
		return -XEN_EFAULT;
	memcpy(dst, (const void *)va, len);
	return 0;
}

long read_guest_u32(struct vcpu *v, unsigned long va)
{
	uint32_t x;

	return copy_from_guest_vcpu(v, &x, va, sizeof(x)) ?: (long)x;
}

int copy_to_guest_vcpu(struct vcpu *v, unsigned long va, const void *src, size_t len)
{
	(void)v;
	if (va == BAD_GUEST_VA)
		return -XEN_EFAULT;
	memcpy((void *)va, src, len);
	return 0;
}

struct domain *fake_domain_new(domid_t id, unsigned int nr_vcpus)
{
	struct domain *d = calloc(1, sizeof(*d));

	assert_non_null(d);
	assert_true(id < FAKE_NR_DOMAINS && !dom[id] && nr_vcpus <= HOSPES_MAX_VCPUS);
	d->id = id;
	d->refcnt = 1;
	d->is_privileged = id == 0;
	d->shared_info = aligned_alloc(PAGE_SIZE, PAGE_SIZE);
	assert_non_null(d->shared_info);
	memset(d->shared_info, 0, PAGE_SIZE);
	d->max_vcpus = nr_vcpus;
	for (unsigned int i = 0; i < nr_vcpus; i++) {
		struct vcpu *v = calloc(1, sizeof(*v));

		assert_non_null(v);
		v->id = i;
		v->domain = d;
		v->vcpu_info = &d->shared_info->vcpu_info[i];
		d->vcpu[i] = v;
	}
	dom[id] = d;
	live_structs++;
	return d;
}

void fake_domain_kill(struct domain *d)
{
	d->is_dying = true;
	dom[d->id] = NULL;
	sub->destroy(d);
	domain_put(d); /* the existence reference */
}

void fake_domains_begin(const struct fake_domain_ops *ops)
{
	sub = ops;
	memset(dom, 0, sizeof(dom));
	live_structs = 0;
	frames_at_start = frame_free_count();
}

void fake_domains_end(unsigned long kept)
{
	for (int i = 0; i < FAKE_NR_DOMAINS; i++)
		if (dom[i])
			fake_domain_kill(dom[i]);
	assert_int_equal(live_structs, 0);			      /* every reference dropped */
	assert_int_equal(frame_free_count() + kept, frames_at_start); /* no frame leaked */
}
