/*
 * One handler per message type, each in three steps: decode the payload
 * (arguments are NUL-terminated strings; the payload copy in conn.c always
 * ends in an extra NUL), check permissions and quotas without side effects,
 * then act.  A handler returns an error, which becomes an XS_ERROR reply
 * carrying the error's name, or queues its own reply and returns XSD_OK.
 *
 * Inside a transaction (tx_id != 0) the node handlers work on the
 * transaction's view (txn_view: the live tree until its first change, then
 * its private copy) and log every path they read or change (txn_note), so
 * the commit can detect conflicts; watches fire at commit.
 * Outside, changes land in the main tree at once, bump generations and
 * fire watches.  Reading a missing node reports ENOENT only to a caller who
 * may read its nearest existing ancestor, EACCES otherwise, so existence
 * does not leak.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"

struct req {
	struct xsd_conn *c;
	struct xsd *d;
	const struct xsd_sockmsg *hdr;
	char *data;
	struct xsd_txn *txn;  /* NULL outside a transaction */
	struct xs_tree *tree; /* the transaction's view or the main tree */
	char *path;	      /* canonical path argument (XSD_PATH_BUF bytes) */
};

static void reply(struct req *r, const void *data, uint32_t len)
{
	conn_queue(r->c, r->hdr->type, r->hdr->req_id, r->hdr->tx_id, data, len, NULL, 0);
}

static void reply_ok(struct req *r)
{
	reply(r, "OK", 3);
}

/* Number of NUL-terminated strings that make up the whole payload, or -1. */
static int count_args(const struct req *r)
{
	uint32_t len = r->hdr->len;
	int n = 0;

	if (len == 0 || r->data[len - 1] != '\0')
		return -1;
	for (uint32_t i = 0; i < len; i++)
		n += r->data[i] == '\0';
	return n;
}

static enum xsd_err one_path(struct req *r)
{
	if (count_args(r) != 1)
		return XSD_EINVAL;
	return path_canonical(r->data, r->c->domid, r->path);
}

/* Find r->path, requiring `want` permission; NULL node with ENOENT/EACCES if absent. */
static enum xsd_err find_node(struct req *r, unsigned int want, struct xs_node **out)
{
	unsigned int missing, perm;
	struct xs_node *n = tree_nearest(r->tree, r->path, &missing);

	perm = perm_for(&n->perms, r->c->domid, r->c->privileged);
	*out = missing ? NULL : n;
	if (missing)
		return (perm & PERM_READ) ? XSD_ENOENT : XSD_EACCES;
	return (perm & want) == want ? XSD_OK : XSD_EACCES;
}

static enum xsd_err note(struct req *r, const char *path, bool dirty, bool fire)
{
	return r->txn ? txn_note(r->txn, path, dirty, fire) : XSD_OK;
}

static enum xsd_err lookup_for_read(struct req *r, struct xs_node **n)
{
	enum xsd_err e = one_path(r);

	if (e == XSD_OK)
		e = note(r, r->path, false, false);
	return e ? e : find_node(r, PERM_READ, n);
}

static enum xsd_err do_read(struct req *r)
{
	struct xs_node *n;
	enum xsd_err e = lookup_for_read(r, &n);

	if (e == XSD_OK)
		reply(r, n->value, n->len);
	return e;
}

static enum xsd_err do_directory(struct req *r)
{
	struct xs_node *n;
	enum xsd_err e = lookup_for_read(r, &n);
	uint32_t len = 0;
	char *buf;

	if (e)
		return e;
	for (unsigned int i = 0; i < n->nchild; i++)
		len += (uint32_t)strlen(n->child[i]->name) + 1;
	if (len > XENSTORE_PAYLOAD_MAX)
		return XSD_E2BIG;
	buf = malloc(len + 1);
	if (!buf)
		return XSD_ENOMEM;
	len = 0;
	for (unsigned int i = 0; i < n->nchild; i++) {
		size_t l = strlen(n->child[i]->name) + 1;
		memcpy(buf + len, n->child[i]->name, l);
		len += (uint32_t)l;
	}
	reply(r, buf, len);
	free(buf);
	return XSD_OK;
}

static enum xsd_err do_get_perms(struct req *r)
{
	struct xs_node *n;
	enum xsd_err e = lookup_for_read(r, &n);
	char *buf;

	if (e)
		return e;
	buf = malloc(XENSTORE_PAYLOAD_MAX); /* daemon threads may have small stacks */
	if (!buf)
		return XSD_ENOMEM;
	reply(r, buf, perms_format(&n->perms, buf, XENSTORE_PAYLOAD_MAX));
	free(buf);
	return XSD_OK;
}

/*
 * Record, in a transaction, every node a creation of r->path touches: the
 * new nodes, then the parent that gains a child.  r->path is shortened in
 * place, one component at a time, and restored afterwards.
 */
static enum xsd_err note_creation(struct req *r, unsigned int missing)
{
	char *p = r->path;
	size_t full = strlen(p), len = full;
	enum xsd_err e = XSD_OK;

	if (!r->txn)
		return XSD_OK;
	for (unsigned int i = 0; i <= missing && e == XSD_OK; i++) {
		e = note(r, len ? p : "/", true, i < missing);
		while (len > 0 && p[len - 1] != '/')
			len--;
		len -= len > 0;
		p[len] = '\0';
	}
	for (size_t k = 0; k < full; k++)
		if (p[k] == '\0')
			p[k] = '/';
	return e;
}

static uint64_t next_gen(struct req *r)
{
	return r->txn ? 1 : ++r->d->gen;
}

/* Checks and creation shared by write and mkdir; *n is the node at r->path. */
static enum xsd_err make_node(struct req *r, uint32_t value_len, struct xs_node **n)
{
	unsigned int missing, perm;
	struct xs_node *near = tree_nearest(r->tree, r->path, &missing);
	bool priv = r->c->privileged;
	enum xsd_err e;

	perm = perm_for(&near->perms, r->c->domid, priv);
	if (!(perm & PERM_WRITE))
		return XSD_EACCES;
	if (!priv && value_len > r->d->quota.entry_bytes)
		return XSD_ENOSPC;
	if (!priv && tree_owned(r->tree, r->c->domid) + missing > r->d->quota.nodes)
		return XSD_ENOSPC;
	e = missing ? note_creation(r, missing) : note(r, r->path, true, true);
	if (e)
		return e;
	*n = near;
	if (missing && tree_create(r->tree, r->path, priv ? -1 : r->c->domid, next_gen(r), n))
		return XSD_ENOMEM;
	return XSD_OK;
}

static void changed(struct req *r, struct xs_node *n)
{
	if (r->txn)
		return;
	n->gen = ++r->d->gen;
	watch_fire(r->d, r->path, &n->perms, false);
}

static enum xsd_err do_write(struct req *r)
{
	size_t plen = strnlen(r->data, r->hdr->len);
	struct xs_node *n;
	enum xsd_err e;

	if (plen == r->hdr->len)
		return XSD_EINVAL;
	e = path_canonical(r->data, r->c->domid, r->path);
	if (e == XSD_OK)
		e = make_node(r, r->hdr->len - (uint32_t)plen - 1, &n);
	if (e)
		return e;
	if (tree_set_value(n, r->data + plen + 1, r->hdr->len - (uint32_t)plen - 1))
		return XSD_ENOMEM;
	changed(r, n);
	reply_ok(r);
	return XSD_OK;
}

static enum xsd_err do_mkdir(struct req *r)
{
	struct xs_node *n;
	enum xsd_err e = one_path(r);

	if (e == XSD_OK && (e = find_node(r, PERM_WRITE, &n)) == XSD_ENOENT) {
		e = make_node(r, 0, &n);
		if (e == XSD_OK)
			changed(r, n);
	}
	if (e == XSD_OK)
		reply_ok(r);
	return e;
}

/* In a transaction, log the subtree about to be removed; buf holds n's path. */
static enum xsd_err note_subtree(struct req *r, struct xs_node *n, char *buf, size_t len, bool top)
{
	enum xsd_err e = note(r, buf, true, top);

	for (unsigned int i = 0; e == XSD_OK && i < n->nchild; i++) {
		size_t l = strlen(n->child[i]->name);
		if (len + 1 + l > XENSTORE_ABS_PATH_MAX)
			return XSD_EINVAL; /* cannot happen: stored paths are valid */
		buf[len] = '/';
		memcpy(buf + len + 1, n->child[i]->name, l + 1);
		e = note_subtree(r, n->child[i], buf, len + 1 + l, false);
		buf[len] = '\0';
	}
	return e;
}

static enum xsd_err note_removal(struct req *r, struct xs_node *n)
{
	char *buf;
	enum xsd_err e;

	if (!r->txn)
		return XSD_OK;
	buf = malloc(XSD_PATH_BUF); /* one buffer for the whole walk, not one per level */
	if (!buf)
		return XSD_ENOMEM;
	tree_path(n->parent, buf);
	e = note(r, buf, true, false); /* the parent loses a child */
	if (e == XSD_OK) {
		strcpy(buf, r->path);
		e = note_subtree(r, n, buf, strlen(buf), true);
	}
	free(buf);
	return e;
}

static enum xsd_err rm_checked(struct req *r, struct xs_node *n)
{
	struct xs_node *parent = n->parent;
	struct xs_perms perms = {n->perms.num, malloc(n->perms.num * sizeof(*n->perms.p))};
	enum xsd_err e;

	if (!perms.p)
		return XSD_ENOMEM;
	memcpy(perms.p, n->perms.p, perms.num * sizeof(*perms.p)); /* for the watch check */
	e = note_removal(r, n);
	if (e) {
		free(perms.p);
		return e;
	}
	tree_remove(r->tree, n);
	if (!r->txn) {
		parent->gen = ++r->d->gen;
		watch_fire(r->d, r->path, &perms, true);
	}
	free(perms.p);
	return XSD_OK;
}

static enum xsd_err do_rm(struct req *r)
{
	struct xs_node *n;
	unsigned int missing;
	enum xsd_err e = one_path(r);

	if (e == XSD_OK && strcmp(r->path, "/") == 0)
		e = XSD_EINVAL;
	if (e == XSD_OK)
		e = find_node(r, PERM_WRITE, &n);
	if (e == XSD_ENOENT) {
		/* Removing a missing node is fine if its parent exists. */
		tree_nearest(r->tree, r->path, &missing);
		e = missing == 1 ? note(r, r->path, false, false) : XSD_ENOENT;
	} else if (e == XSD_OK) {
		e = rm_checked(r, n);
	}
	if (e == XSD_OK)
		reply_ok(r);
	return e;
}

static enum xsd_err set_perms_checked(struct req *r, struct xs_perms *perms, unsigned int n)
{
	struct xs_node *node;
	enum xsd_err e = path_canonical(r->data, r->c->domid, r->path);

	if (e == XSD_OK)
		e = perms_parse(r->data + strlen(r->data) + 1, n, perms);
	if (e == XSD_OK && !r->c->privileged && perms->num > r->d->quota.perms)
		e = XSD_ENOSPC;
	if (e == XSD_OK)
		e = find_node(r, PERM_WRITE | PERM_OWNER, &node);
	if (e == XSD_OK && !r->c->privileged && perms->p[0].domid != node->perms.p[0].domid)
		e = XSD_EPERM; /* a domU may not give a node away */
	if (e == XSD_OK)
		e = note(r, r->path, true, true);
	if (e)
		return e;
	if (tree_set_perms(r->tree, node, perms))
		return XSD_ENOMEM;
	changed(r, node);
	reply_ok(r);
	return XSD_OK;
}

static enum xsd_err do_set_perms(struct req *r)
{
	int nargs = count_args(r);
	struct xs_perms perms = {0, NULL};
	enum xsd_err e;

	if (nargs < 2)
		return XSD_EINVAL;
	perms.p = malloc((size_t)(nargs - 1) * sizeof(*perms.p));
	if (!perms.p)
		return XSD_ENOMEM;
	e = set_perms_checked(r, &perms, (unsigned int)nargs - 1);
	free(perms.p);
	return e;
}

static enum xsd_err watch_args(struct req *r, const char **token)
{
	int nargs = count_args(r);

	if (nargs != 2 && nargs != 3) /* path, token [, depth] */
		return XSD_EINVAL;
	*token = r->data + strlen(r->data) + 1;
	if (path_is_special(r->data)) {
		strcpy(r->path, r->data);
		return XSD_OK;
	}
	return path_canonical(r->data, r->c->domid, r->path);
}

static enum xsd_err do_watch(struct req *r)
{
	const char *token;
	enum xsd_err e = watch_args(r, &token);

	if (e == XSD_OK)
		e = watch_add(r->c, r->path, token, r->data[0] != '/' && r->data[0] != '@');
	if (e)
		return e;
	reply_ok(r);
	watch_fire_new(r->c, r->path, token);
	return XSD_OK;
}

static enum xsd_err do_unwatch(struct req *r)
{
	const char *token;
	enum xsd_err e = watch_args(r, &token);

	if (e == XSD_OK)
		e = watch_remove(r->c, r->path, token);
	if (e == XSD_OK)
		reply_ok(r);
	return e;
}

static enum xsd_err do_transaction_start(struct req *r)
{
	char buf[12];
	uint32_t id;
	enum xsd_err e;

	if (r->hdr->tx_id)
		return XSD_EBUSY;
	if (count_args(r) != 1)
		return XSD_EINVAL;
	e = txn_start(r->c, &id);
	if (e == XSD_OK)
		reply(r, buf, (uint32_t)snprintf(buf, sizeof(buf), "%u", id) + 1);
	return e;
}

static enum xsd_err do_transaction_end(struct req *r)
{
	enum xsd_err e;
	bool commit = strcmp(r->data, "T") == 0;

	if (count_args(r) != 1 || (!commit && strcmp(r->data, "F") != 0))
		return XSD_EINVAL;
	if (!r->txn)
		return XSD_ENOENT;
	e = txn_end(r->c, r->txn, commit);
	if (e == XSD_OK)
		reply_ok(r);
	return e;
}

static enum xsd_err do_reset_watches(struct req *r)
{
	watch_free_all(r->c);
	txn_free_all(r->c);
	reply_ok(r);
	return XSD_OK;
}

/* Parse a decimal domain id argument. */
static enum xsd_err parse_domid(const char *s, uint16_t *domid)
{
	unsigned long v = 0;

	if (!*s || strlen(s) > 5)
		return XSD_EINVAL;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return XSD_EINVAL;
		v = v * 10 + (unsigned long)(*s - '0');
	}
	if (v > 0xffff)
		return XSD_EINVAL;
	*domid = (uint16_t)v;
	return XSD_OK;
}

static enum xsd_err do_get_domain_path(struct req *r)
{
	uint16_t domid;
	char buf[32];
	enum xsd_err e = count_args(r) == 1 ? parse_domid(r->data, &domid) : XSD_EINVAL;

	if (e == XSD_OK)
		reply(r, buf, (uint32_t)snprintf(buf, sizeof(buf), "/local/domain/%u", domid) + 1);
	return e;
}

/* Parse a signed decimal (XS_INTRODUCE's frame number). */
static enum xsd_err parse_long(const char *s, long long *out)
{
	bool neg = *s == '-';
	unsigned long long v = 0;

	s += neg;
	if (!*s || strlen(s) > 18)
		return XSD_EINVAL;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return XSD_EINVAL;
		v = v * 10 + (unsigned long long)(*s - '0');
	}
	*out = neg ? -(long long)v : (long long)v;
	return XSD_OK;
}

static enum xsd_err do_introduce(struct req *r)
{
	const char *gfn_s, *port_s;
	long long gfn, port;
	uint16_t domid;
	enum xsd_err e;

	if (count_args(r) != 3)
		return XSD_EINVAL;
	gfn_s = r->data + strlen(r->data) + 1;
	port_s = gfn_s + strlen(gfn_s) + 1;
	e = parse_domid(r->data, &domid);
	if (e == XSD_OK)
		e = parse_long(gfn_s, &gfn);
	if (e == XSD_OK)
		e = parse_long(port_s, &port);
	if (e == XSD_OK && (port < 0 || port > 0xffffffffLL || gfn < 0))
		e = XSD_EINVAL;
	if (e == XSD_OK)
		e = domain_introduce(r->d, domid, (uint64_t)gfn, (uint32_t)port);
	if (e == XSD_OK)
		reply_ok(r);
	return e;
}

static enum xsd_err do_release(struct req *r)
{
	uint16_t domid;
	enum xsd_err e = count_args(r) == 1 ? parse_domid(r->data, &domid) : XSD_EINVAL;
	struct xsd_conn *victim;

	if (e)
		return e;
	victim = conn_find(r->d, domid);
	if (!victim || !victim->introduced)
		return victim == r->c ? XSD_EINVAL : XSD_ENOENT;
	reply_ok(r);
	domain_release(r->d, victim);
	return XSD_OK;
}

static enum xsd_err do_is_domain_introduced(struct req *r)
{
	uint16_t domid;
	enum xsd_err e = count_args(r) == 1 ? parse_domid(r->data, &domid) : XSD_EINVAL;
	struct xsd_conn *c;

	if (e)
		return e;
	c = conn_find(r->d, domid);
	reply(r, c && (c->introduced || domid == 0) ? "T" : "F", 2);
	return XSD_OK;
}

#define PRIV   1u /* dom0 only */
#define IN_TX  2u /* honours tx_id */
#define CHANGE 4u /* changes the tree */

static const struct {
	enum xsd_err (*fn)(struct req *r);
	unsigned int flags;
} handlers[XS_TYPE_COUNT] = {
	[XS_DIRECTORY] = {do_directory, IN_TX},
	[XS_READ] = {do_read, IN_TX},
	[XS_GET_PERMS] = {do_get_perms, IN_TX},
	[XS_WATCH] = {do_watch, 0},
	[XS_UNWATCH] = {do_unwatch, 0},
	[XS_TRANSACTION_START] = {do_transaction_start, 0},
	[XS_TRANSACTION_END] = {do_transaction_end, IN_TX},
	[XS_INTRODUCE] = {do_introduce, PRIV},
	[XS_RELEASE] = {do_release, PRIV},
	[XS_GET_DOMAIN_PATH] = {do_get_domain_path, 0},
	[XS_WRITE] = {do_write, IN_TX | CHANGE},
	[XS_MKDIR] = {do_mkdir, IN_TX | CHANGE},
	[XS_RM] = {do_rm, IN_TX | CHANGE},
	[XS_SET_PERMS] = {do_set_perms, IN_TX | CHANGE},
	[XS_IS_DOMAIN_INTRODUCED] = {do_is_domain_introduced, PRIV},
	[XS_RESET_WATCHES] = {do_reset_watches, 0},
};

static enum xsd_err decode(struct req *r, enum xsd_err (**fn)(struct req *))
{
	uint32_t type = r->hdr->type;

	if (type == XS_WATCH_EVENT || type == XS_ERROR)
		return XSD_EINVAL; /* daemon-to-client only */
	if (type >= XS_TYPE_COUNT || !handlers[type].fn)
		return XSD_ENOSYS;
	if ((handlers[type].flags & PRIV) && !r->c->privileged)
		return XSD_EACCES;
	*fn = handlers[type].fn;
	if (!(handlers[type].flags & IN_TX) || r->hdr->tx_id == 0)
		return XSD_OK;
	r->txn = txn_find(r->c, r->hdr->tx_id);
	if (!r->txn)
		return XSD_ENOENT;
	enum xsd_err e;
	r->tree = txn_view(r->c, r->txn, handlers[type].flags & CHANGE, &e);
	return e;
}

void request_dispatch(struct xsd_conn *c, const struct xsd_sockmsg *hdr, char *payload)
{
	struct req r = {c, c->xsd, hdr, payload, NULL, &c->xsd->tree, c->xsd->path_buf};
	enum xsd_err (*fn)(struct req *) = NULL;
	enum xsd_err e = decode(&r, &fn);

	if (e == XSD_OK)
		e = fn(&r);
	if (e) {
		const char *name = xsd_err_name(e);
		conn_queue(c, XS_ERROR, hdr->req_id, hdr->tx_id, name, (uint32_t)strlen(name) + 1,
			   NULL, 0);
	}
}
