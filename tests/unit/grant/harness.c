/* The grant tests' fake machine (see harness.h): the fake domains of
 * tests/unit/fakes (fake_domain.h) with grant tables and frames they own. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "harness.h"

#include <asm/arch.h>
#include <hospes/frame.h>

#define NR_FRAMES 512
#define FAKE_MAPS 1200 /* live mappings the fake p2m holds */

unsigned int live_mappings;
void (*race_hook)(void);
static unsigned int frame_refs[NR_FRAMES];
static bool orphan[NR_FRAMES];
static int owner[NR_FRAMES]; /* domain id + 1, 0 = none */
static bool writable[NR_FRAMES];

static struct fake_map {
	struct domain *d;
	unsigned long va;
	mfn_t mfn;
	xen_pfn_t frame;
} maps[FAKE_MAPS];

void fake_frame_init(void);

/* ---- The fake memory side ------------------------------------------------ */

/* A test's race window: after a use was taken, before it is put to work (no lock held). */
static void race(void)
{
	void (*hook)(void) = race_hook;

	race_hook = NULL;
	if (hook)
		hook();
}

int gnttab_mm_frame(struct domain *o, xen_pfn_t frame, bool write, mfn_t *mfn)
{
	if (o->id == 1)
		race(); /* dom[1]'s own frame: a copy between its two sides */
	if (frame >= NR_FRAMES || owner[frame] != o->id + 1)
		return GNTST_bad_page;
	if (write && !writable[frame])
		return GNTST_general_error;
	*mfn = _mfn(frame);
	return GNTST_okay;
}

void gnttab_mm_frame_get(mfn_t mfn)
{
	assert_true(mfn_x(mfn) < NR_FRAMES && !orphan[mfn_x(mfn)]);
	frame_refs[mfn_x(mfn)]++;
}

void gnttab_mm_frame_put(mfn_t mfn)
{
	assert_true(frame_refs[mfn_x(mfn)] > 0);
	if (!--frame_refs[mfn_x(mfn)] && orphan[mfn_x(mfn)]) {
		orphan[mfn_x(mfn)] = false;
		frame_free(mfn, 0);
	}
}

bool frame_is_free(mfn_t mfn)
{
	return !owner[mfn_x(mfn)] && !orphan[mfn_x(mfn)];
}

unsigned int frame_uses(mfn_t mfn)
{
	return frame_refs[mfn_x(mfn)];
}

int gnttab_mm_alloc_shared(struct domain *d, mfn_t *mfn, xen_pfn_t *frame)
{
	mfn_t m = frame_alloc(0);

	if (mfn_x(m) == INVALID_MFN_RAW)
		return GNTST_general_error;
	*mfn = m;
	*frame = mfn_x(m); /* shared frames: not RAM, so they can't be granted */
	return GNTST_okay;
}

void gnttab_mm_free_shared(struct domain *d, mfn_t mfn, xen_pfn_t frame)
{
	assert_int_equal(mfn_x(mfn), frame);
	frame_free(mfn, 0);
}

int gnttab_mm_map(struct vcpu *v, unsigned long va, bool host, mfn_t mfn, bool ro, xen_pfn_t *frame)
{
	static xen_pfn_t next = WINDOW_BASE;

	race();
	if (host && va == BAD_GUEST_VA)
		return GNTST_bad_virt_addr;
	for (unsigned int i = 0; i < FAKE_MAPS; i++) {
		if (!maps[i].d) {
			maps[i] = (struct fake_map){v->domain, host ? va : 0, mfn, next++};
			*frame = maps[i].frame;
			live_mappings++;
			return GNTST_okay;
		}
	}
	return GNTST_no_space;
}

void gnttab_mm_unmap(struct domain *d, struct vcpu *v, unsigned long va, xen_pfn_t frame)
{
	for (unsigned int i = 0; i < FAKE_MAPS; i++) {
		if (maps[i].d == d && maps[i].frame == frame) {
			assert_int_equal(maps[i].va, va);
			memset(&maps[i], 0, sizeof(maps[i]));
			live_mappings--;
			return;
		}
	}
	fail_msg("unmap of a frame d%u never mapped", d->id);
}

bool mapped_at(struct domain *d, unsigned long va, mfn_t *mfn)
{
	for (unsigned int i = 0; i < 64; i++)
		if (maps[i].d == d && maps[i].va == va) {
			*mfn = maps[i].mfn;
			return true;
		}
	return false;
}

/* ---- Domains --------------------------------------------------------------- */

static void grant_free(struct domain *d)
{
	grant_domain_free(d);
	assert_null(d->grant);
}

/* Destroying d: its grant table, then its frames (as mm_release_guest_frame). */
static void grant_destroy(struct domain *d)
{
	grant_domain_destroy(d);
	for (unsigned int f = 0; f < NR_FRAMES; f++)
		if (owner[f] == d->id + 1) {
			owner[f] = 0;
			if (frame_refs[f])
				orphan[f] = true;
			else
				frame_free(_mfn(f), 0);
		}
}

static const struct fake_domain_ops grant_ops = {.destroy = grant_destroy, .free = grant_free};

struct domain *harness_domain(domid_t id, unsigned int max_maptrack)
{
	struct domain *d = fake_domain_new(id, 1);

	assert_int_equal(grant_domain_init(d, 0, max_maptrack), 0);
	return d;
}

mfn_t give_frame(struct domain *d, bool w)
{
	mfn_t m = frame_alloc(0);

	assert_true(mfn_x(m) < NR_FRAMES);
	owner[mfn_x(m)] = d->id + 1;
	writable[mfn_x(m)] = w;
	return m;
}

int harness_setup(void **state)
{
	fake_mem_init(NR_FRAMES);
	fake_frame_init();
	memset(owner, 0, sizeof(owner));
	memset(maps, 0, sizeof(maps));
	memset(frame_refs, 0, sizeof(frame_refs));
	memset(orphan, 0, sizeof(orphan));
	live_mappings = 0;
	race_hook = NULL;
	fake_domains_begin(&grant_ops);
	harness_domain(0, 0);
	harness_domain(1, 0);
	harness_domain(2, 0);
	return 0;
}

int harness_teardown(void **state)
{
	fake_domains_end(0); /* every domain killed and freed, no frame leaked */
	assert_int_equal(live_mappings, 0);
	for (unsigned int f = 0; f < NR_FRAMES; f++)
		assert_int_equal(frame_refs[f], 0);
	fake_mem_fini();
	return 0;
}

/* ---- Guest-side helpers ------------------------------------------------------ */

struct grant_entry_v1 *entry(struct domain *d, grant_ref_t ref)
{
	struct gnttab_setup_table op = {.dom = DOMID_SELF, .nr_frames = 1 + ref / 512};
	xen_pfn_t frames[64];

	gnttab_setup_table(d->vcpu[0], &op, frames);
	assert_int_equal(op.status, GNTST_okay);
	return (struct grant_entry_v1 *)mfn_to_virt(_mfn(frames[ref / 512])) + ref % 512;
}

void grant(struct domain *d, grant_ref_t ref, domid_t to, mfn_t frame, bool ro)
{
	struct grant_entry_v1 *e = entry(d, ref);

	e->domid = to;
	e->frame = (uint32_t)mfn_x(frame);
	e->flags = GTF_permit_access | (ro ? GTF_readonly : 0);
}

bool revoke(struct domain *d, grant_ref_t ref)
{
	struct grant_entry_v1 *e = entry(d, ref);
	uint16_t old = e->flags;

	if (old & (GTF_reading | GTF_writing))
		return false;
	return __atomic_compare_exchange_n(&e->flags, &old, 0, false, __ATOMIC_SEQ_CST,
					   __ATOMIC_SEQ_CST);
}

struct gnttab_map_grant_ref map(struct domain *d, domid_t from, grant_ref_t ref, uint32_t flags,
				unsigned long va)
{
	struct gnttab_map_grant_ref op = {.host_addr = va, .flags = flags, .ref = ref, .dom = from};

	gnttab_map(d->vcpu[0], &op);
	return op;
}

int16_t unmap(struct domain *d, grant_handle_t h, unsigned long va, uint64_t bus)
{
	struct gnttab_unmap_grant_ref op = {.host_addr = va, .dev_bus_addr = bus, .handle = h};

	gnttab_unmap(d->vcpu[0], &op);
	return op.status;
}
