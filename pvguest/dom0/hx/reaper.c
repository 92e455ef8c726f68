/*
 * hx's reaper: what becomes of a domain that shut down by itself, and of
 * the per-domain state dom0 keeps for it, in the manner of Xen's xl
 * (whose per-domain process watches @releaseDomain and acts on
 * on_poweroff=/on_crash=) and xenconsoled (which lets go of a console once
 * its domain is gone).
 *
 * Every domain hx creates is remembered here with its two actions.  When
 * xenstored fires @releaseDomain (a domain shut down, or was destroyed:
 * pvguest/dom0/xenstore.c), the reaper asks the hypervisor about each
 * remembered domain:
 *  - gone (destroyed by someone else than hx destroy): its disks, vifs,
 *    console and store connection are released;
 *  - shut down, and its action for the reason is HX_DESTROY: released the
 *    same way, then destroyed, so its memory returns;
 *  - shut down with HX_PRESERVE (the default): kept as it is, console and
 *    all, for hx console -n, hx list and finally hx destroy.
 * Poweroff and reboot follow on_poweroff (there is no restart), crash and
 * watchdog follow on_crash; suspend is always preserved.
 *
 * Threads: the watch callback runs on dom0's xenbus thread, hx destroy on
 * the shell's.  Both go through hx_release_devices(), which forgets the
 * domain first, so only one of them releases it; while the reaper is
 * releasing a domain (`releasing`), hx destroy of it waits for the reaper
 * to finish before it asks the hypervisor.
 */
#include "hx.h"
#include <back/blkback.h>
#include <back/consback.h>
#include <back/netback.h>
#include <core/sched.h>
#include <dom0/build/build.h>
#include <dom0/init.h>
#include <dom0/xenstored/xenstored.h>
#include <public/errno.h>
#include <public/sched.h>
#include <stdio.h>
#include <string.h>
#include <xenbus/guest.h>

#define REAP_MAX     64
#define REAP_WAIT_NS (10 * 1000 * 1000ULL)

struct reaped {
	bool used;
	domid_t id;
	enum hx_action on_poweroff, on_crash;
	char name[HX_NAME_MAX];
};

static struct reaped doms[REAP_MAX];
static volatile domid_t releasing; /* 0: none (dom0 is never reaped) */
static struct xenbus_watch release_watch;

const char *hx_shutdown_reason(unsigned int why)
{
	static const char *const names[] = {"poweroff", "reboot", "suspend", "crash", "watchdog"};
	return why < sizeof(names) / sizeof(names[0]) ? names[why] : "unknown";
}

static struct reaped *find(domid_t id)
{
	for (unsigned int i = 0; i < REAP_MAX; i++)
		if (doms[i].used && doms[i].id == id)
			return &doms[i];
	return NULL;
}

void hx_track(domid_t id, const struct hx_create_args *a)
{
	struct reaped *r = find(id);
	for (unsigned int i = 0; !r && i < REAP_MAX; i++)
		if (!doms[i].used)
			r = &doms[i];
	if (!r) {
		printf("hx: %u domains remembered already: %s will not be reaped\n", REAP_MAX,
		       a->name);
		return;
	}
	*r = (struct reaped){
		.used = true, .id = id, .on_poweroff = a->on_poweroff, .on_crash = a->on_crash};
	memcpy(r->name, a->name, sizeof(r->name));
}

enum hx_action hx_shutdown_action(domid_t id, unsigned int why)
{
	const struct reaped *r = find(id);
	if (!r) /* forgotten: being reaped now (it destroys: the domain is there) */
		return id == releasing ? HX_DESTROY : HX_PRESERVE;
	if (why == SHUTDOWN_poweroff || why == SHUTDOWN_reboot)
		return r->on_poweroff;
	if (why == SHUTDOWN_crash || why == SHUTDOWN_watchdog)
		return r->on_crash;
	return HX_PRESERVE;
}

/* Let go of everything dom0 serves id with (dom_unbuild's part too: the
 * console backend, then xenstored's connection); what was there, for the log. */
static void release(domid_t id, char *what, size_t len)
{
	bool disks = blkback_detach(id, ~0u) == 0, vifs = netback_detach(id, ~0u) == 0;
	bool console = console_back_detach(id) == 0, store = xs_release_domain(id) == 0;
	snprintf(what, len, "%s%s%s%s", console ? " console" : "", disks ? " disks" : "",
		 vifs ? " vifs" : "", store ? " store" : "");
}

void hx_release_devices(domid_t id)
{
	if (id == releasing) { /* the reaper is at it: let it finish */
		while (id == releasing)
			thread_sleep_ns(REAP_WAIT_NS);
		return;
	}
	struct reaped *r = find(id);
	char what[40];
	if (r)
		r->used = false;
	release(id, what, sizeof(what));
}

/* Release r's domain, and destroy it if `destroy`; r is forgotten first. */
static void reap(struct reaped *r, const char *what, bool destroy)
{
	struct reaped d = *r;
	char let_go[40];
	r->used = false;
	releasing = d.id;
	release(d.id, let_go, sizeof(let_go));
	long rc = destroy ? hx_domain_op(d.id, XEN_DOMCTL_destroydomain) : 0;
	releasing = 0;
	printf("domain %u (%s) %s: released%s%s", d.id, d.name, what,
	       let_go[0] ? let_go : " nothing",
	       !destroy ? ""
	       : rc	? " but not destroyed"
			: " and destroyed");
	if (destroy && rc)
		printf(" (error %ld)", rc);
	printf("\n");
}

static void domain_released(struct xenbus *xb, struct xenbus_watch *w, const char *path)
{
	(void)xb;
	(void)w;
	(void)path;
	for (unsigned int i = 0; i < REAP_MAX; i++) {
		hx_dominfo_t info;
		if (!doms[i].used)
			continue;
		long rc = hx_dominfo(doms[i].id, &info);
		if (rc == -XEN_ESRCH) {
			reap(&doms[i], "is gone", false);
			continue;
		}
		if (rc || !(info.flags & XEN_DOMINF_shutdown))
			continue;
		unsigned int why =
			(info.flags >> XEN_DOMINF_shutdownshift) & XEN_DOMINF_shutdownmask;
		if (hx_shutdown_action(doms[i].id, why) == HX_DESTROY)
			reap(&doms[i], hx_shutdown_reason(why), true);
	}
}

/* Before any domain is created (DOM0_INIT_DOMAINS comes after). */
static int reaper_init(void)
{
	struct xenbus *xb = xenbus_self();
	if (!xb)
		return -XEN_ENODEV;
	return xenbus_watch(xb, &release_watch, "@releaseDomain", domain_released, NULL);
}
DOM0_INITCALL(DOM0_INIT_BACKEND, reaper_init);
