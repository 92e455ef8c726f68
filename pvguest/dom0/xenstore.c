/*
 * XenStore in dom0: the daemon (pvguest/dom0/xenstored/) run as a thread
 * of the control domain, at init level DOM0_INIT_XENSTORE.
 *
 * Connections.  dom0 itself talks to the daemon in-process: its ring page
 * is ordinary dom0 memory, and instead of an event channel each side's
 * "kick" signals the other's xs_event.  Every other domain is introduced
 * by the toolstack (xs_introduce_domain, i.e. XS_INTRODUCE on dom0's own
 * connection): the daemon maps the domain's store page by grant (entry 1,
 * which the builder filled in for dom0), binds the domain's store port,
 * and from then on serves that ring whenever the port fires.
 *
 * Deaths.  The hypervisor raises VIRQ_DOM_EXC when a domain shuts down or
 * is destroyed.  A destroyed domain's end of our store channel is gone,
 * so our port reads back as unbound: that is how the daemon tells which
 * introduced domains died, and it releases them (nodes, watches,
 * connection; the grant unmapped, the port closed).  A domain that only
 * shut down (getdomaininfo says so) is reported once by @releaseDomain,
 * as Xen's xenstored does: hx's reaper and the backends watch it.  A malformed message
 * from a guest gets an error reply from the daemon core; nothing a guest
 * writes can stop this thread.
 *
 * Threads: the "xenstored" thread polls the daemon each time its event
 * fires (a store port, dom0's in-process kick, or VIRQ_DOM_EXC); the
 * daemon itself is never entered from an event handler.
 */
#include "init.h"
#include "shell/shell.h"
#include "xenstored/xenstored.h"
#include <asm/hypercall.h>
#include <core/evtchn.h>
#include <core/kernel.h>
#include <core/sched.h>
#include <mm/mm.h>
#include <mm/pages.h>
#include <public/domctl.h>
#include <public/errno.h>
#include <public/grant_table.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xenbus/guest.h>

#define MAX_DOMAINS 64

/* What the daemon's connect gave a domain: its ring mapping and our port. */
struct store_link {
	bool in_use;
	uint16_t domid;
	evtchn_port_t port; /* ours; 0 for dom0's in-process connection */
	unsigned long va;   /* where its ring is mapped (reused by the next domain) */
	grant_handle_t handle;
};

static struct xsd *xsd;
static struct xs_event daemon_ev, dom0_ev;
static struct store_link links[MAX_DOMAINS], dom0_link;
static volatile bool dom_exc;
static struct xenbus *dom0_xb;

static long grant_op(unsigned int cmd, void *op)
{
	return hypercall(__HYPERVISOR_grant_table_op, cmd, op, 1);
}

static void daemon_kick(evtchn_port_t port, void *data)
{
	(void)port;
	(void)data;
	xs_event_signal(&daemon_ev);
}

static void dom_exc_event(evtchn_port_t port, void *data)
{
	(void)port;
	(void)data;
	dom_exc = true;
	xs_event_signal(&daemon_ev);
}

/* ---- The daemon's ops --------------------------------------------------- */

static struct store_link *link_alloc(void)
{
	for (unsigned int i = 0; i < MAX_DOMAINS; i++)
		if (!links[i].in_use) {
			if (!links[i].va)
				links[i].va = xenbus_map_va();
			links[i].in_use = true;
			return &links[i];
		}
	return NULL;
}

static int op_connect(void *ctx, uint16_t domid, uint64_t gfn, uint32_t port,
		      struct xenstore_domain_interface **intf, void **notify_arg)
{
	struct store_link *l = link_alloc();
	(void)ctx;
	if (!l)
		return -XEN_ENOSPC;
	struct gnttab_map_grant_ref map = {.host_addr = l->va,
					   .flags = GNTMAP_host_map,
					   .ref = GNTTAB_RESERVED_XENSTORE,
					   .dom = domid};
	long rc = grant_op(GNTTABOP_map_grant_ref, &map);
	if (rc || map.status != GNTST_okay) {
		printf("xenstored: d%u: store page (frame %#llx) not mapped: %ld/%d\n", domid,
		       (unsigned long long)gfn, rc, map.status);
		l->in_use = false;
		return -XEN_EINVAL;
	}
	struct evtchn_bind_interdomain bind = {.remote_dom = domid, .remote_port = port};
	rc = hv_event_channel_op(EVTCHNOP_bind_interdomain, &bind);
	if (rc) {
		struct gnttab_unmap_grant_ref un = {.host_addr = l->va, .handle = map.handle};
		printf("xenstored: d%u: store port %u not bound: %ld\n", domid, port, rc);
		grant_op(GNTTABOP_unmap_grant_ref, &un);
		l->in_use = false;
		return (int)rc;
	}
	l->domid = domid;
	l->port = bind.local_port;
	l->handle = map.handle;
	evtchn_set_handler(l->port, daemon_kick, NULL);
	*intf = (struct xenstore_domain_interface *)l->va;
	*notify_arg = l;
	return 0;
}

static void op_notify(void *arg)
{
	struct store_link *l = arg;

	if (l == &dom0_link) {
		xs_event_signal(&dom0_ev);
		return;
	}
	struct evtchn_send op = {.port = l->port};
	hv_event_channel_op(EVTCHNOP_send, &op);
}

static void op_disconnect(void *ctx, uint16_t domid, void *arg)
{
	struct store_link *l = arg;
	struct gnttab_unmap_grant_ref un = {.host_addr = l->va, .handle = l->handle};
	struct evtchn_close cl = {.port = l->port};
	(void)ctx;

	evtchn_set_handler(l->port, NULL, NULL);
	hv_event_channel_op(EVTCHNOP_close, &cl);
	if (grant_op(GNTTABOP_unmap_grant_ref, &un) || un.status != GNTST_okay)
		printf("xenstored: d%u: store page unmap failed (%d)\n", domid, un.status);
	l->in_use = false;
}

static void op_log(void *ctx, const char *msg)
{
	(void)ctx;
	printf("xenstored: %s\n", msg);
}

static const struct xsd_ops ops = {
	.connect = op_connect,
	.notify = op_notify,
	.disconnect = op_disconnect,
	.log = op_log,
};

/* ---- Deaths -------------------------------------------------------------- */

/* Whether the hypervisor reports domid shut down (it still exists). */
static bool is_shut_down(uint16_t domid)
{
	struct xen_domctl op = {.cmd = XEN_DOMCTL_getdomaininfo,
				.domain = domid,
				.interface_version = XEN_DOMCTL_INTERFACE_VERSION};

	return hypercall(__HYPERVISOR_domctl, &op, 0, 0) == 0 &&
	       op.u.getdomaininfo.domain == domid &&
	       (op.u.getdomaininfo.flags & XEN_DOMINF_shutdown);
}

/*
 * Release every introduced domain whose end of our store channel is gone;
 * for one that shut down but still exists, fire @releaseDomain once.
 */
static void reap_dead(void)
{
	for (unsigned int i = 0; i < MAX_DOMAINS; i++) {
		struct evtchn_status st = {.dom = DOMID_SELF, .port = links[i].port};

		if (!links[i].in_use || hv_event_channel_op(EVTCHNOP_status, &st))
			continue;
		if (st.status == EVTCHNSTAT_interdomain) {
			if (is_shut_down(links[i].domid))
				xsd_domain_shutdown(xsd, links[i].domid);
			continue;
		}
		printf("xenstored: d%u is gone: releasing it\n", links[i].domid);
		xsd_domain_gone(xsd, links[i].domid); /* disconnects: frees the link */
	}
}

static void daemon_thread(void *arg)
{
	(void)arg;
	for (;;) {
		if (dom_exc) {
			dom_exc = false;
			reap_dead();
		}
		xsd_poll(xsd);
		xs_event_wait(&daemon_ev);
	}
}

/* ---- Start of day and the toolstack API ------------------------------------ */

static void dom0_kick_daemon(void *arg)
{
	(void)arg;
	xs_event_signal(&daemon_ev);
}

static int xenstored_init(void)
{
	unsigned long pfn = pages_alloc(1);
	struct xenstore_domain_interface *ring = pfn != NO_PFN ? pfn_to_virt(pfn) : NULL;
	struct evtchn_bind_virq virq = {.virq = VIRQ_DOM_EXC, .vcpu = 0};

	xsd = xsd_create(&ops);
	if (!xsd || !ring)
		return -XEN_ENOMEM;
	memset(ring, 0, 4096);
	dom0_link = (struct store_link){.in_use = true, .domid = 0};
	if (!xsd_attach(xsd, 0, ring, &dom0_link))
		return -XEN_ENOMEM;
	thread_create("xenstored", daemon_thread, NULL);
	if (hv_event_channel_op(EVTCHNOP_bind_virq, &virq) == 0)
		evtchn_set_handler(virq.port, dom_exc_event, NULL);
	else
		printf("xenstored: no VIRQ_DOM_EXC: dead domains are released only by "
		       "XS_RELEASE\n");
	dom0_xb = xenbus_self_start(ring, dom0_kick_daemon, NULL, &dom0_ev);
	int rc = xenbus_write(dom0_xb, 0, "/local/domain/0/name", "Domain-0");
	if (!rc)
		rc = xenbus_write(dom0_xb, 0, "/local/domain/0/domid", "0");
	printf("xenstored: serving (dom0 in-process%s)\n", rc ? ", but its nodes failed" : "");
	return rc;
}
DOM0_INITCALL(DOM0_INIT_XENSTORE, xenstored_init);

int xs_introduce_domain(uint16_t domid, unsigned long store_gfn, uint32_t port)
{
	return dom0_xb ? xenbus_introduce(dom0_xb, domid, store_gfn, port) : -XEN_ENODEV;
}

int xs_release_domain(uint16_t domid)
{
	return dom0_xb ? xenbus_release(dom0_xb, domid) : -XEN_ENODEV;
}
