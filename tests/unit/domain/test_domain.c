/*
 * Host tests of the domain lifecycle (kernel/domain/domain.c) and the vCPU
 * actions (kernel/domain/vcpu.c) on simulated machine memory with the real
 * memory-management code: creation refuses bad configurations and unwinds
 * cleanly, destruction returns the free-frame count exactly, shutdown,
 * pause, block/wake, timers and the last-vCPU-down rule.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <public/xen.h>
#include <hospes/arch.h>
#include <hospes/domain_ctl.h>
#include <hospes/frame.h>
#include <hospes/mm.h>
#include <hospes/p2m.h>
#include <hospes/pv.h>
#include <hospes/sched.h>
#include <hospes/smp.h>
#include <public/errno.h>
#include <public/sched.h>

void fake_frame_init(void);

/* ---- fakes: time, timers, VIRQs ---------------------------------------- */

static int virqs;
static uint64_t fake_now;

uint64_t now_ns(void)
{
	return fake_now;
}

void timer_init(struct timer *t, void (*fn)(void *), void *data, unsigned int cpu)
{
	memset(t, 0, sizeof(*t));
	t->fn = fn;
	t->data = data;
	t->cpu = cpu;
}

void timer_set(struct timer *t, uint64_t expires)
{
	t->expires_ns = expires;
	t->pprev = &t->next; /* "queued" */
}

void timer_cancel(struct timer *t)
{
	t->pprev = NULL;
}

static bool timer_queued(const struct timer *t)
{
	return t->pprev != NULL;
}

static void timer_fire(struct timer *t)
{
	assert_true(timer_queued(t));
	t->pprev = NULL;
	t->fn(t->data);
}

static void send_virq(struct vcpu *v, unsigned int virq)
{
	assert_int_equal(virq, VIRQ_TIMER);
	virqs++;
}

static struct domain *hooked;
static unsigned int hooked_reason;

static void hook(struct domain *d, unsigned int reason)
{
	hooked = d;
	hooked_reason = reason;
}

#define FRAMES 4096

static int setup(void **state)
{
	fake_mem_init(FRAMES);
	fake_frame_init();
	assert_int_equal(frame_table_init(FRAMES), 0);
	sched_init(2);
	fake_now = 1000;
	virqs = 0;
	hooked = NULL;
	domain_shutdown_hook = hook;
	pv_send_virq = send_virq;
	return 0;
}

static int teardown(void **state)
{
	fake_mem_fini();
	return 0;
}

static struct domain *make(domid_t id, unsigned int vcpus, unsigned long pages)
{
	struct domain_config cfg = {.id = id, .max_vcpus = vcpus, .nr_pages = pages, .name = "t"};
	struct domain *d = NULL;
	assert_int_equal(domain_create(&cfg, &d), 0);
	assert_non_null(d);
	return d;
}

static void test_create_destroy_returns_every_frame(void **state)
{
	unsigned long before = frame_free_count();
	struct domain *d = make(1, 4, 512);
	assert_true(frame_free_count() < before - 512);
	assert_ptr_equal(domain_lookup(1), d);
	assert_int_equal(domain_count(), 1);
	for (int i = 0; i < XEN_LEGACY_MAX_VCPUS; i++)
		assert_int_equal(d->shared_info->vcpu_info[i].evtchn_upcall_mask, 1);
	assert_ptr_equal(d->vcpu[3]->vcpu_info, &d->shared_info->vcpu_info[3]);
	assert_null(d->vcpu[4]);
	domain_destroy(d);
	assert_null(domain_lookup(1));
	assert_int_equal(domain_count(), 0);
	assert_int_equal(frame_free_count(), before);
	/* and again, many times: no drift */
	for (int i = 0; i < 20; i++)
		domain_destroy(make((domid_t)(i + 2), 2, 300));
	assert_int_equal(frame_free_count(), before);
}

static void test_bad_configs(void **state)
{
	unsigned long before = frame_free_count();
	struct domain *d = NULL, *d1 = make(5, 1, 64);
	struct domain_config cfg = {.id = 6, .max_vcpus = 1, .nr_pages = 64};
	cfg.id = DOMID_FIRST_RESERVED;
	assert_int_equal(domain_create(&cfg, &d), -XEN_EINVAL);
	cfg.id = 6;
	cfg.max_vcpus = 0;
	assert_int_equal(domain_create(&cfg, &d), -XEN_EINVAL);
	cfg.max_vcpus = HOSPES_MAX_VCPUS + 1;
	assert_int_equal(domain_create(&cfg, &d), -XEN_EINVAL);
	cfg.max_vcpus = 1;
	cfg.nr_pages = 0;
	assert_int_equal(domain_create(&cfg, &d), -XEN_EINVAL);
	cfg.nr_pages = 64;
	cfg.id = 5;
	assert_int_equal(domain_create(&cfg, &d), -XEN_EEXIST);
	/* more memory than the machine has: refused, nothing leaked */
	unsigned long mid = frame_free_count();
	cfg.id = 6;
	cfg.nr_pages = FRAMES * 2;
	assert_true(domain_create(&cfg, &d) < 0);
	assert_int_equal(frame_free_count(), mid);
	assert_null(domain_lookup(6));
	domain_destroy(d1);
	assert_int_equal(frame_free_count(), before);
}

static void test_shutdown(void **state)
{
	struct domain *d = make(1, 2, 64);
	d->vcpu[0]->online = true;
	d->vcpu[0]->arch->initialised = true;
	domain_unpause(d);
	assert_int_equal(d->vcpu[0]->sched->state, SCHED_QUEUED);
	d->pv->shutdown_code = SHUTDOWN_reboot;
	domain_shutdown(d, SHUTDOWN_crash);
	assert_true(d->pv->shutting_down);
	assert_int_equal(d->pv->shutdown_reason, SHUTDOWN_reboot); /* the latched code wins */
	assert_ptr_equal(hooked, d);
	assert_int_equal(hooked_reason, SHUTDOWN_reboot);
	assert_int_equal(d->vcpu[0]->sched->state, SCHED_OFFLINE);
	hooked = NULL;
	domain_shutdown(d, SHUTDOWN_poweroff); /* once only */
	assert_null(hooked);
	vcpu_kick(d->vcpu[0]); /* a dead domain's vCPUs stay down */
	assert_int_equal(d->vcpu[0]->sched->state, SCHED_OFFLINE);
	domain_destroy(d);
}

static void test_pause_block_wake(void **state)
{
	struct domain *d = make(1, 1, 64);
	struct vcpu *v = d->vcpu[0];
	v->online = true;
	v->arch->initialised = true;
	vcpu_kick(v); /* paused from creation: no effect */
	assert_int_equal(v->sched->state, SCHED_OFFLINE);
	domain_unpause(d);
	assert_int_equal(v->sched->state, SCHED_QUEUED);
	domain_pause(d);
	assert_int_equal(v->sched->state, SCHED_OFFLINE);
	domain_unpause(d);
	/* block with nothing pending: blocked, events unmasked */
	vcpu_block(v);
	assert_true(v->blocked);
	assert_int_equal(v->sched->state, SCHED_BLOCKED);
	assert_int_equal(v->vcpu_info->evtchn_upcall_mask, 0);
	assert_true(sched_test_and_clear_request(v->processor));
	vcpu_kick(v);
	assert_false(v->blocked);
	assert_int_equal(v->sched->state, SCHED_QUEUED);
	/* block with an event pending: stays runnable */
	v->vcpu_info->evtchn_upcall_pending = 1;
	vcpu_block(v);
	assert_false(v->blocked);
	assert_int_equal(v->sched->state, SCHED_QUEUED);
	domain_destroy(d);
}

static void test_poll(void **state)
{
	struct domain *d = make(1, 1, 64);
	struct vcpu *v = d->vcpu[0];
	v->online = true;
	domain_unpause(d);
	uint32_t ports[2] = {5, 70};
	d->shared_info->evtchn_pending[1] = 1UL << 6; /* port 70 */
	vcpu_poll(v, ports, 2, 0);
	assert_int_equal(v->sched->state, SCHED_QUEUED);
	d->shared_info->evtchn_pending[1] = 0;
	vcpu_poll(v, ports, 2, 5000);
	assert_int_equal(v->sched->state, SCHED_BLOCKED);
	assert_true(timer_queued(&v->arch->poll_timer));
	fake_now = 5000;
	timer_fire(&v->arch->poll_timer);
	assert_int_equal(v->sched->state, SCHED_QUEUED);
	assert_int_equal(v->poll_evtchn_pending, 0);
	vcpu_poll(v, ports, 2, 10); /* timeout already past */
	assert_int_equal(v->sched->state, SCHED_QUEUED);
	domain_destroy(d);
}

static void test_timers(void **state)
{
	struct domain *d = make(1, 1, 64);
	struct vcpu *v = d->vcpu[0];
	v->online = true;
	domain_unpause(d);
	vcpu_block(v);
	vcpu_set_singleshot_timer(v, 9000);
	assert_true(timer_queued(&v->arch->singleshot_timer));
	assert_int_equal(v->arch->singleshot_timer.expires_ns, 9000);
	timer_fire(&v->arch->singleshot_timer);
	assert_int_equal(virqs, 1);
	assert_int_equal(v->sched->state, SCHED_QUEUED); /* the timer woke it */
	vcpu_set_singleshot_timer(v, 9000);
	vcpu_set_singleshot_timer(v, 0);
	assert_false(timer_queued(&v->arch->singleshot_timer));
	vcpu_set_periodic_timer(v, 10000000);
	assert_int_equal(v->arch->periodic_timer.expires_ns, fake_now + 10000000);
	timer_fire(&v->arch->periodic_timer);
	assert_int_equal(virqs, 2);
	assert_true(timer_queued(&v->arch->periodic_timer)); /* re-armed */
	assert_int_equal(v->arch->periodic_timer.expires_ns, fake_now + 20000000);
	vcpu_set_periodic_timer(v, 0);
	assert_false(timer_queued(&v->arch->periodic_timer));
	domain_destroy(d);
}

static void test_vcpu_up_down(void **state)
{
	struct domain *d = make(1, 2, 64);
	d->vcpu[0]->online = true;
	d->vcpu[0]->arch->initialised = true;
	domain_unpause(d);
	assert_int_equal(vcpu_up(d->vcpu[1]), -XEN_EINVAL);
	d->vcpu[1]->arch->initialised = true;
	assert_int_equal(vcpu_up(d->vcpu[1]), 0);
	assert_true(d->vcpu[1]->online);
	assert_int_equal(d->vcpu[1]->sched->state, SCHED_QUEUED);
	vcpu_down(d->vcpu[1]);
	assert_false(d->pv->shutting_down);
	assert_int_equal(d->vcpu[1]->sched->state, SCHED_OFFLINE);
	vcpu_down(d->vcpu[0]); /* the last one: the domain powers off */
	assert_true(d->pv->shutting_down);
	assert_int_equal(d->pv->shutdown_reason, SHUTDOWN_poweroff);
	domain_destroy(d);
}

/* register_vcpu_info: Xen's rules, contents moved, the frame held. */
static void test_register_vcpu_info(void **state)
{
	unsigned long before = frame_free_count();
	struct domain *d = make(1, 2, 64);
	struct vcpu *v0 = d->vcpu[0], *v1 = d->vcpu[1];
	v0->online = true;
	v1->online = true;
	v0->vcpu_info->evtchn_upcall_mask = 0;
	v0->vcpu_info->time.version = 42;
	unsigned long gfn = gfn_x(p2m_ram_frame(d, 10));
	assert_int_equal(
		vcpu_register_info(v0, gfn, PAGE_SIZE - sizeof(struct vcpu_info) + 1, true),
		-XEN_EINVAL); /* does not fit in the page */
	assert_int_equal(vcpu_register_info(v1, gfn, 0, false), -XEN_EINVAL);	/* v1 is up */
	assert_int_equal(vcpu_register_info(v0, 100000, 0, true), -XEN_EINVAL); /* not its RAM */
	assert_int_equal(vcpu_register_info(v0, gfn, 128, true), 0);
	struct vcpu_info *want =
		(struct vcpu_info *)((char *)mfn_to_virt(p2m_lookup(d, _gfn(gfn)).mfn) + 128);
	assert_ptr_equal(v0->vcpu_info, want);
	assert_int_equal(want->time.version, 42); /* the old contents moved along */
	assert_int_equal(want->evtchn_upcall_mask, 0);
	assert_int_equal(want->evtchn_upcall_pending, 1); /* rescan everything */
	assert_int_equal(want->evtchn_pending_sel, ~(xen_ulong_t)0);
	assert_int_equal(vcpu_register_info(v0, gfn, 0, true), -XEN_EINVAL); /* only once */
	assert_int_equal(p2m_decrease(d, _gfn(gfn), 0), -XEN_EBUSY);	     /* held */
	/* a down vCPU may be given one by another vCPU */
	v1->online = false;
	assert_int_equal(vcpu_register_info(v1, gfn, 1024, false), 0);
	assert_int_equal(v1->vcpu_info->evtchn_upcall_pending, 1);
	domain_destroy(d);
	assert_int_equal(frame_free_count(), before);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_create_destroy_returns_every_frame, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_bad_configs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_shutdown, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pause_block_wake, setup, teardown),
		cmocka_unit_test_setup_teardown(test_poll, setup, teardown),
		cmocka_unit_test_setup_teardown(test_timers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vcpu_up_down, setup, teardown),
		cmocka_unit_test_setup_teardown(test_register_vcpu_info, setup, teardown),
	};
	extern int run_build_tests(void);
	extern int run_dom0_tests(void);
	extern int run_lifetime_tests(void);
	return cmocka_run_group_tests_name("domain", tests, NULL, NULL) + run_build_tests() +
	       run_dom0_tests() + run_lifetime_tests();
}
