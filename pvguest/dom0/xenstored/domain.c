/*
 * The daemon object and the domains it serves.
 *
 * dom0 attaches its own connection directly (xsd_attach); every other
 * domain arrives by XS_INTRODUCE from dom0's toolstack, which names the
 * domain's store frame and event channel: the host program maps and binds
 * them (ops->connect) and the daemon starts serving that ring, firing
 * @introduceDomain.  XS_RELEASE, or the hypervisor reporting the domain
 * dead (xsd_domain_gone), ends the connection: its watches, transactions
 * and queued output are freed, its home /local/domain/<id> is removed
 * (firing the watches of others), nodes it owned elsewhere pass to dom0 so
 * a later domain reusing the id cannot inherit them, and @releaseDomain
 * fires.  A domain that shut down but still exists (xsd_domain_shutdown)
 * fires @releaseDomain once too and keeps its connection: the watchers
 * (hx's reaper, the backends) ask the hypervisor what became of it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"

static const struct xsd_quota default_quota = {
	.nodes = 1000,
	.entry_bytes = 2048,
	.perms = 5,
	.watches = 128,
	.transactions = 10,
	.outstanding = 20,
	.queued_events = 64,
	.copied_nodes = 10000,
};

struct xsd *xsd_create(const struct xsd_ops *ops)
{
	struct xsd *d = calloc(1, sizeof(*d));

	if (!d)
		return NULL;
	d->ops = *ops;
	d->quota = default_quota;
	d->gen = 1;
	if (tree_init(&d->tree)) {
		free(d);
		return NULL;
	}
	return d;
}

void xsd_destroy(struct xsd *d)
{
	while (d->conns) {
		struct xsd_conn *c = d->conns;
		d->conns = c->next;
		if (c->introduced && d->ops.disconnect)
			d->ops.disconnect(d->ops.ctx, c->domid, c->notify_arg);
		conn_free(c);
	}
	tree_free(&d->tree);
	free(d);
}

struct xsd_quota *xsd_quota(struct xsd *d)
{
	return &d->quota;
}

struct xsd_conn *domain_attach(struct xsd *d, uint16_t domid, struct xenstore_domain_interface *i,
			       void *notify_arg)
{
	struct xsd_conn *c, **tail;

	if (conn_find(d, domid))
		return NULL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->xsd = d;
	c->domid = domid;
	c->privileged = domid == 0;
	c->notify_arg = notify_arg;
	c->next_txid = 1;
	xs_ring_init(&c->ring, i, XS_RING_SERVER, d->ops.notify, notify_arg);
	i->server_features = XENSTORE_SERVER_FEATURE_ERROR;
	i->connection = XENSTORE_CONNECTED;
	i->error = XENSTORE_ERROR_NONE;
	for (tail = &d->conns; *tail; tail = &(*tail)->next)
		;
	*tail = c;
	return c;
}

struct xsd_conn *xsd_attach(struct xsd *d, uint16_t domid, struct xenstore_domain_interface *intf,
			    void *notify_arg)
{
	return domain_attach(d, domid, intf, notify_arg);
}

enum xsd_err domain_introduce(struct xsd *d, uint16_t domid, uint64_t gfn, uint32_t port)
{
	struct xsd_conn *c = conn_find(d, domid);
	struct xenstore_domain_interface *intf;
	void *arg;

	if (c)
		return c->introduced && c->gfn == gfn && c->port == port ? XSD_OK : XSD_EEXIST;
	if (!d->ops.connect || d->ops.connect(d->ops.ctx, domid, gfn, port, &intf, &arg) < 0)
		return XSD_EINVAL;
	c = domain_attach(d, domid, intf, arg);
	if (!c) {
		if (d->ops.disconnect)
			d->ops.disconnect(d->ops.ctx, domid, arg);
		return XSD_ENOMEM;
	}
	c->introduced = true;
	c->gfn = gfn;
	c->port = port;
	watch_fire_special(d, "@introduceDomain");
	return XSD_OK;
}

/* Remove what a vanished domain left in the tree, then tell the watchers. */
static void forget_domain(struct xsd *d, uint16_t domid)
{
	char home[32];
	struct xs_node *n;

	snprintf(home, sizeof(home), "/local/domain/%u", domid);
	n = tree_lookup(&d->tree, home);
	if (n) {
		struct xs_perms perms = n->perms;
		n->perms.p = malloc(perms.num * sizeof(*perms.p));
		if (n->perms.p) {
			memcpy(n->perms.p, perms.p, perms.num * sizeof(*perms.p));
			n->parent->gen = ++d->gen;
			tree_remove(&d->tree, n);
			watch_fire(d, home, &perms, true);
			free(perms.p);
		} else {
			n->perms.p = perms.p;
		}
	}
	tree_chown_all(&d->tree, domid, 0);
	watch_fire_special(d, "@releaseDomain");
}

void domain_release(struct xsd *d, struct xsd_conn *c)
{
	struct xsd_conn **p;

	for (p = &d->conns; *p != c; p = &(*p)->next)
		;
	*p = c->next;
	if (c->introduced && d->ops.disconnect)
		d->ops.disconnect(d->ops.ctx, c->domid, c->notify_arg);
	uint16_t domid = c->domid;
	conn_free(c);
	forget_domain(d, domid);
}

void xsd_domain_gone(struct xsd *d, uint16_t domid)
{
	struct xsd_conn *c = conn_find(d, domid);

	if (domid == 0)
		return;
	if (c)
		domain_release(d, c);
	else
		forget_domain(d, domid);
}

bool xsd_domain_shutdown(struct xsd *d, uint16_t domid)
{
	struct xsd_conn *c = conn_find(d, domid);

	if (!c || !c->introduced || c->shut_down)
		return false;
	c->shut_down = true;
	watch_fire_special(d, "@releaseDomain");
	return true;
}

unsigned int xsd_node_count(struct xsd *d)
{
	return d->tree.nnodes;
}

unsigned long xsd_dropped_events(struct xsd *d)
{
	return d->dropped_events;
}

bool xsd_check(struct xsd *d)
{
	for (struct xsd_conn *c = d->conns; c; c = c->next) {
		unsigned int n = 0;
		for (struct xsd_watch *w = c->watches; w; w = w->next)
			n++;
		if (n != c->nwatches)
			return false;
		n = 0;
		for (struct xsd_txn *t = c->txns; t; t = t->next, n++)
			if (t->cloned && !tree_check(&t->tree))
				return false;
		if (n != c->ntxns)
			return false;
	}
	return tree_check(&d->tree);
}
