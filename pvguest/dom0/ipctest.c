/*
 * dom0's half of the inter-domain test (tests/scenarios/ipc.sh), run at
 * init level DOM0_INIT_DOMAINS when dom0's command line holds "ipctest".
 * The hypervisor has built domains 1 and 2 from "domU ipc ..." modules
 * (pvguest/apps/ipc), each with its store ring in grant entry 1 and its
 * store port 1.  As a toolstack would, dom0 gives each a home in XenStore
 * (/local/domain/<id>, readable by the domain; data/ owned by it), then
 * introduces both to xenstored; the two domains find each other there.
 * When ping asks, dom0 destroys pong in mid-conversation (XEN_DOMCTL_
 * destroydomain) and checks that xenstored removed pong's home by itself;
 * then it collects ping's verdict, releases it, checks its home is gone,
 * and powers off (the QEMU verdict with selftest=guest) or crashes on any
 * failure.
 */
#include "init.h"
#include "xenstored/xenstored.h"
#include <asm/hypercall.h>
#include <core/kernel.h>
#include <core/sched.h>
#include <public/domctl.h>
#include <public/errno.h>
#include <public/sched.h>
#include <stdio.h>
#include <string.h>
#include <xenbus/guest.h>

#define STORE_PORT 1 /* the hypervisor's builder allocates it first */
#define POLL_NS	   (50ULL * 1000 * 1000)
#define POLL_MAX   1200 /* x 50 ms */

static int failures;

static void check(int ok, const char *what, int dom)
{
	printf("%s - ipctest: d%d %s\n", ok ? "ok" : "not ok", dom, what);
	failures += !ok;
}

static int set_perms(struct xenbus *xb, const char *path, int owner, int reader)
{
	char perms[16];
	int n = snprintf(perms, sizeof(perms), "n%d", owner);

	if (reader >= 0)
		n += snprintf(perms + n + 1, sizeof(perms) - (size_t)n - 1, "r%d", reader) + 1;
	return xenbus_set_perms(xb, 0, path, perms, (uint32_t)n + 1);
}

static int make_home(struct xenbus *xb, int id)
{
	char home[40], path[64];
	int rc;

	snprintf(home, sizeof(home), "/local/domain/%d", id);
	rc = xenbus_mkdir(xb, 0, home);
	if (!rc)
		rc = set_perms(xb, home, 0, id);
	if (!rc)
		rc = xenbus_write_ulong(xb, 0, home, "domid", (unsigned long)id);
	snprintf(path, sizeof(path), "%s/data", home);
	if (!rc)
		rc = xenbus_mkdir(xb, 0, path);
	if (!rc)
		rc = set_perms(xb, path, id, -1);
	return rc;
}

static void wait_result(struct xenbus *xb, int id)
{
	char path[64], val[16] = "";

	snprintf(path, sizeof(path), "/local/domain/%d/data/result", id);
	for (int i = 0; i < POLL_MAX && xenbus_read(xb, 0, path, val, sizeof(val)) < 0; i++)
		thread_sleep_ns(POLL_NS);
	check(!strcmp(val, "pass"), "reports pass", id);
}

/* Wait until d<id>'s data/stage reads `want`; true if it did. */
static bool wait_stage(struct xenbus *xb, int id, const char *want)
{
	char path[64], val[16] = "";

	snprintf(path, sizeof(path), "/local/domain/%d/data/stage", id);
	for (int i = 0; i < POLL_MAX; i++) {
		if (xenbus_read(xb, 0, path, val, sizeof(val)) >= 0 && !strcmp(val, want))
			return true;
		thread_sleep_ns(POLL_NS);
	}
	return false;
}

/*
 * Destroy pong (d2) in the middle of its conversation with ping (d1):
 * xenstored must notice by itself (VIRQ_DOM_EXC) and remove d2's home.
 */
static void destroy_pong(struct xenbus *xb)
{
	struct xen_domctl op = {.cmd = XEN_DOMCTL_destroydomain,
				.interface_version = XEN_DOMCTL_INTERFACE_VERSION,
				.domain = 2};
	char val[16];
	int rc = 0;

	check(wait_stage(xb, 1, "destroy-peer"), "asks for its peer's end", 1);
	check(hypercall(__HYPERVISOR_domctl, &op, 0, 0) == 0, "destroyed in mid-conversation", 2);
	for (int i = 0; i < POLL_MAX; i++) {
		rc = xenbus_read(xb, 0, "/local/domain/2/domid", val, sizeof(val));
		if (rc == -XEN_ENOENT)
			break;
		thread_sleep_ns(POLL_NS);
	}
	check(rc == -XEN_ENOENT, "gone: xenstored released it by itself (VIRQ_DOM_EXC)", 2);
}

static int ipctest(void)
{
	struct xenbus *xb = xenbus_self();
	char path[64], val[16];

	if (!strstr((const char *)start_info->cmd_line, "ipctest"))
		return 0;
	if (!xb)
		return -XEN_ENODEV;
	for (int id = 1; id <= 2; id++) /* both homes first: each test looks at the other's */
		check(make_home(xb, id) == 0, "has a home", id);
	for (int id = 1; id <= 2; id++)
		check(xs_introduce_domain((uint16_t)id, 0, STORE_PORT) == 0, "introduced", id);
	destroy_pong(xb);
	wait_result(xb, 1);
	for (int id = 1; id <= 1; id++) {
		snprintf(path, sizeof(path), "/local/domain/%d/domid", id);
		check(xs_release_domain((uint16_t)id) == 0 &&
			      xenbus_read(xb, 0, path, val, sizeof(val)) == -XEN_ENOENT,
		      "released: its home is gone", id);
	}
	check(xenbus_write(xb, 0, "/local/domain/0/ipctest", "done") == 0,
	      "xenstored still serves dom0", 0);
	printf("ipctest: %d failure(s)\n", failures);
	fflush(stdout);
	kernel_shutdown(failures ? SHUTDOWN_crash : SHUTDOWN_poweroff);
}
DOM0_INITCALL(DOM0_INIT_DOMAINS, ipctest);
