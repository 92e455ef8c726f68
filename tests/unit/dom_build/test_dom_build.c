/*
 * Host tests of dom0's domain builder (pvguest/dom0/build/build.c) on the
 * simulated hypervisor of fake_hv.c, which logs every call in order.
 *
 * The property under test is the one libxl keeps: a domain never runs
 * before it is whole.  hx create's cpus= and cpus_soft= reach every vCPU
 * (setvcpuaffinity) while the domain is still paused, so no vCPU first
 * runs outside its hard affinity; the devices hook runs before the
 * unpause too.  A refusal at any step -- an affinity the hypervisor
 * rejects included -- leaves nothing running: the builder says why in
 * one line, undoes dom0's side, destroys the domain and returns the
 * hypervisor's error; the domain is never unpaused.
 */
#include "fake_hv.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <dom0/build/build.h>
#include <public/domctl.h>
#include <public/errno.h>

static const uint8_t image[64]; /* the fake loader never reads it */
static char out[512];		/* what the builder printed */

static int devices(domid_t id, void *arg)
{
	assert_int_equal(id, FAKE_DOMID);
	long rc = fake_hv_log(CALL_DEVICES, id);
	if (rc)
		printf("create %s: disk refused\n", (const char *)arg);
	return (int)rc;
}

static struct dom_config config(unsigned int vcpus, uint64_t cpus, uint64_t cpus_soft)
{
	return (struct dom_config){.image = image,
				   .image_len = sizeof(image),
				   .name = "pinned",
				   .memory_mib = 4,
				   .vcpus = vcpus,
				   .cmdline = "console=hvc0",
				   .cpus = cpus,
				   .cpus_soft = cpus_soft,
				   .devices = devices,
				   .devices_arg = "pinned"};
}

/* dom_build with its stdout caught in out[]. */
static int build(const struct dom_config *cfg, domid_t *id)
{
	fflush(stdout);
	int saved = dup(STDOUT_FILENO);
	FILE *tmp = tmpfile();
	assert_true(saved >= 0 && tmp);
	dup2(fileno(tmp), STDOUT_FILENO);
	int rc = dom_build(cfg, id);
	fflush(stdout);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	rewind(tmp);
	size_t n = fread(out, 1, sizeof(out) - 1, tmp);
	out[n] = '\0';
	fclose(tmp);
	return rc;
}

static unsigned int lines(const char *s)
{
	unsigned int n = 0;
	while ((s = strchr(s, '\n')))
		n++, s++;
	return n;
}

static int setup(void **state)
{
	fake_hv_reset();
	out[0] = '\0';
	return 0;
}

/* The domain was built whole and unpaused once, as its very last step. */
static void assert_running(void)
{
	assert_true(hv.exists && hv.running);
	assert_int_equal(fake_hv_count(XEN_DOMCTL_unpausedomain), 1);
	assert_int_equal(fake_hv_last(XEN_DOMCTL_unpausedomain), (int)hv.n - 1);
	assert_int_equal(fake_hv_count(XEN_DOMCTL_destroydomain), 0);
	assert_true(fake_hv_first(CALL_DEVICES) < fake_hv_first(XEN_DOMCTL_unpausedomain));
	assert_true(fake_hv_last(CALL_UNMAP) > fake_hv_last(CALL_MAP));
}

/* Each vCPU got flags/hard/soft once, in order, after max_vcpus and before any run. */
static void assert_pinned(unsigned int vcpus, uint32_t flags, uint64_t hard, uint64_t soft)
{
	unsigned int v = 0;
	assert_int_equal(fake_hv_count(XEN_DOMCTL_setvcpuaffinity), vcpus);
	assert_true(fake_hv_first(XEN_DOMCTL_setvcpuaffinity) >
		    fake_hv_first(XEN_DOMCTL_max_vcpus));
	for (unsigned int i = 0; i < hv.n; i++) {
		const struct fake_call *c = &hv.log[i];
		if (c->kind != XEN_DOMCTL_setvcpuaffinity)
			continue;
		assert_false(c->running);
		assert_int_equal(c->vcpu, v++);
		assert_int_equal(c->flags, flags);
		if (flags & XEN_VCPUAFFINITY_HARD)
			assert_int_equal(c->hard, hard);
		if (flags & XEN_VCPUAFFINITY_SOFT)
			assert_int_equal(c->soft, soft);
	}
}

static void test_hard_affinity_before_first_run(void **state)
{
	struct dom_config cfg = config(3, 0x6, 0);
	domid_t id = 0;
	assert_int_equal(build(&cfg, &id), 0);
	assert_int_equal(id, FAKE_DOMID);
	assert_running();
	assert_pinned(3, XEN_VCPUAFFINITY_HARD, 0x6, 0);
	for (unsigned int v = 0; v < 3; v++)
		assert_int_equal(hv.first_cpu[v], 1); /* never CPU 0, outside cpus= */
	assert_string_equal(out, "");
}

static void test_soft_affinity_alone(void **state)
{
	struct dom_config cfg = config(2, 0, 0x2);
	domid_t id = 0;
	assert_int_equal(build(&cfg, &id), 0);
	assert_running();
	assert_pinned(2, XEN_VCPUAFFINITY_SOFT, 0, 0x2);
	assert_int_equal(hv.first_cpu[0], 0); /* a preference, not a pin */
}

static void test_hard_and_soft_in_one_call(void **state)
{
	struct dom_config cfg = config(4, 0xc, 0x8);
	domid_t id = 0;
	assert_int_equal(build(&cfg, &id), 0);
	assert_running();
	assert_pinned(4, XEN_VCPUAFFINITY_HARD | XEN_VCPUAFFINITY_SOFT, 0xc, 0x8);
	for (unsigned int v = 0; v < 4; v++)
		assert_int_equal(hv.first_cpu[v], 2);
}

static void test_no_cpus_no_pinning(void **state)
{
	struct dom_config cfg = config(2, 0, 0);
	domid_t id = 0;
	assert_int_equal(build(&cfg, &id), 0);
	assert_running();
	assert_int_equal(fake_hv_count(XEN_DOMCTL_setvcpuaffinity), 0);
}

/*
 * After a refusal: the error returned, one line naming the domain, dom0's
 * side undone, the domain destroyed as the last call, and no vCPU ever ran.
 */
static void assert_destroyed(int rc, long want, const char *why)
{
	assert_int_equal(rc, want);
	assert_false(hv.exists);
	/* no unpause asked, or only the refused one */
	assert_int_equal(fake_hv_count(XEN_DOMCTL_unpausedomain),
			 hv.fail_kind == XEN_DOMCTL_unpausedomain);
	for (unsigned int v = 0; v < FAKE_VCPUS; v++)
		assert_int_equal(hv.first_cpu[v], -1);
	assert_int_equal(fake_hv_count(XEN_DOMCTL_destroydomain), 1);
	assert_int_equal(fake_hv_last(XEN_DOMCTL_destroydomain), (int)hv.n - 1);
	assert_int_equal(hv.log[hv.n - 1].dom, FAKE_DOMID);
	assert_true(fake_hv_last(CALL_CONS_DETACH) >= 0 && fake_hv_last(CALL_XS_RELEASE) >= 0);
	if (fake_hv_first(CALL_MAP) >= 0)
		assert_true(fake_hv_last(CALL_UNMAP) > fake_hv_last(CALL_MAP));
	assert_non_null(strstr(out, "create pinned: "));
	assert_non_null(strstr(out, why));
	assert_int_equal(lines(out), 1);
}

static void test_refused_affinity_destroys(void **state)
{
	struct dom_config cfg = config(3, 0x2, 0);
	domid_t id = 0;
	hv.fail_kind = XEN_DOMCTL_setvcpuaffinity;
	hv.fail_nth = 2; /* vCPU 1 */
	hv.fail_rc = -XEN_EINVAL;
	assert_destroyed(build(&cfg, &id), -XEN_EINVAL,
			 "cpus= or cpus_soft= refused for vCPU 1 (error -22)");
	assert_int_equal(id, 0);
	assert_int_equal(fake_hv_count(XEN_DOMCTL_setvcpuaffinity), 2); /* stopped at vCPU 1 */
	assert_int_equal(fake_hv_count(CALL_DEVICES), 0);
}

/* Every step's refusal, one build each. */
static void test_every_refusal_destroys(void **state)
{
	static const struct {
		uint32_t kind;
		const char *why;
	} steps[] = {
		{XEN_DOMCTL_hospes_setname, "bad name"},
		{XEN_DOMCTL_max_vcpus, "max_vcpus refused"},
		{XEN_DOMCTL_setvcpuaffinity, "cpus= or cpus_soft= refused"},
		{XEN_DOMCTL_max_mem, "max_mem refused"},
		{CALL_POPULATE, "not enough free memory"},
		{CALL_MAP, "mapping its frames failed"},
		{XEN_DOMCTL_getdomaininfo, "start_info"},
		{CALL_EVTCHN, "start_info"},
		{XEN_DOMCTL_hypercall_init, "hypercall page refused"},
		{XEN_DOMCTL_setvcpucontext, "vCPU 0 context refused"},
		{XEN_DOMCTL_hospes_gnttab_seed, "grant entries not seeded"},
		{CALL_XS_INTRODUCE, "xenstored refused its store"},
		{CALL_CONS_ATTACH, "console backend refused its ring"},
		{CALL_DEVICES, "disk refused"},
		{XEN_DOMCTL_unpausedomain, "unpause failed"},
	};
	for (unsigned int i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		struct dom_config cfg = config(2, 0x2, 0x2);
		domid_t id = 0;
		setup(NULL);
		hv.fail_kind = steps[i].kind;
		hv.fail_nth = 1;
		hv.fail_rc = -XEN_ENOMEM;
		assert_destroyed(build(&cfg, &id), -XEN_ENOMEM, steps[i].why);
		assert_int_equal(id, 0);
	}
}

/* Refused before any domain exists: nothing to destroy, nothing created. */
static void test_refused_createdomain(void **state)
{
	struct dom_config cfg = config(1, 0x1, 0);
	domid_t id = 0;
	hv.fail_kind = XEN_DOMCTL_createdomain;
	hv.fail_nth = 1;
	hv.fail_rc = -XEN_ENOSPC;
	assert_int_equal(build(&cfg, &id), -XEN_ENOSPC);
	assert_int_equal(hv.n, 1);
	assert_non_null(strstr(out, "create pinned: createdomain failed"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_hard_affinity_before_first_run, setup),
		cmocka_unit_test_setup(test_soft_affinity_alone, setup),
		cmocka_unit_test_setup(test_hard_and_soft_in_one_call, setup),
		cmocka_unit_test_setup(test_no_cpus_no_pinning, setup),
		cmocka_unit_test_setup(test_refused_affinity_destroys, setup),
		cmocka_unit_test_setup(test_every_refusal_destroys, setup),
		cmocka_unit_test_setup(test_refused_createdomain, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
