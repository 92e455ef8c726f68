/*
 * Transactions, optimistic: nothing is locked, conflicts are found at the
 * end.  Every node handler inside a transaction logs the paths it reads or
 * changes (txn_note), with the generation each path had when first seen
 * (0 when absent).  Reads go to the live tree until the transaction first
 * changes something; then it takes a private copy of the tree and works on
 * that, so read-only transactions (the common kind) cost no copy.
 *
 * Commit succeeds only if every logged path still has its logged
 * generation: otherwise someone changed (or created, or removed) a node
 * the transaction depended on, and the client gets EAGAIN and retries the
 * whole transaction.  Everything it read was therefore unchanged from
 * first read to commit, so the transaction behaves as if it ran entirely
 * at commit time.  After the check the changed paths are copied over:
 * removals first, then creations and updates shallowest first (parents
 * before children), each with a fresh generation; then the watches fire.
 *
 * The private copy is O(tree), affordable for XenStore's small trees; an
 * unprivileged domain's copies together may hold at most
 * quota.copied_nodes nodes, and each transaction at most TXN_MAX_ACCESS
 * logged paths, so the memory a domain can make the daemon spend stays
 * bounded.
 */
#include <stdlib.h>
#include <string.h>
#include "internal.h"

#define TXN_MAX_ACCESS 2048 /* logged paths per unprivileged transaction */

enum xsd_err txn_start(struct xsd_conn *c, uint32_t *id)
{
	struct xsd_txn *t;

	if (!c->privileged && c->ntxns >= c->xsd->quota.transactions)
		return XSD_ENOSPC;
	t = calloc(1, sizeof(*t));
	if (!t)
		return XSD_ENOMEM;
	t->live = &c->xsd->tree;
	t->max_acc = c->privileged ? ~0u : TXN_MAX_ACCESS;
	do {
		t->id = c->next_txid++;
	} while (t->id == 0 || txn_find(c, t->id));
	t->next = c->txns;
	c->txns = t;
	c->ntxns++;
	*id = t->id;
	return XSD_OK;
}

/* Nodes held in the private copies of c's transactions. */
static unsigned int copied_nodes(const struct xsd_conn *c)
{
	unsigned int n = 0;

	for (const struct xsd_txn *t = c->txns; t; t = t->next)
		n += t->cloned ? t->tree.nnodes : 0;
	return n;
}

struct xs_tree *txn_view(struct xsd_conn *c, struct xsd_txn *t, bool change, enum xsd_err *e)
{
	*e = XSD_OK;
	if (!t->cloned && change) {
		if (!c->privileged &&
		    copied_nodes(c) + t->live->nnodes > c->xsd->quota.copied_nodes) {
			*e = XSD_ENOSPC;
			return NULL;
		}
		if (tree_clone(&t->tree, t->live)) {
			*e = XSD_ENOMEM;
			return NULL;
		}
		t->cloned = true;
	}
	return t->cloned ? &t->tree : t->live;
}

struct xsd_txn *txn_find(struct xsd_conn *c, uint32_t id)
{
	for (struct xsd_txn *t = c->txns; t; t = t->next)
		if (t->id == id)
			return t;
	return NULL;
}

enum xsd_err txn_note(struct xsd_txn *t, const char *path, bool dirty, bool fire)
{
	size_t len = strlen(path);
	struct xs_node *n;

	for (unsigned int i = 0; i < t->nacc; i++) {
		if (t->acc[i].len == len && memcmp(t->acc[i].path, path, len) == 0) {
			t->acc[i].dirty |= dirty;
			t->acc[i].fire |= fire;
			return XSD_OK;
		}
	}
	if (t->nacc >= t->max_acc)
		return XSD_ENOSPC;
	if (t->nacc == t->acc_cap) {
		unsigned int cap = t->acc_cap ? t->acc_cap * 2 : 16;
		struct xsd_access *a = realloc(t->acc, cap * sizeof(*a));
		if (!a)
			return XSD_ENOMEM;
		t->acc = a;
		t->acc_cap = cap;
	}
	n = tree_lookup(t->cloned ? &t->tree : t->live, path);
	t->acc[t->nacc].path = strdup(path);
	if (!t->acc[t->nacc].path)
		return XSD_ENOMEM;
	t->acc[t->nacc].len = len;
	t->acc[t->nacc].base_gen = n ? n->gen : 0;
	t->acc[t->nacc].dirty = dirty;
	t->acc[t->nacc].fire = fire;
	t->nacc++;
	return XSD_OK;
}

static void txn_free(struct xsd_txn *t)
{
	for (unsigned int i = 0; i < t->nacc; i++)
		free(t->acc[i].path);
	free(t->acc);
	tree_free(&t->tree);
	free(t);
}

static bool conflicts(struct xsd *d, const struct xsd_txn *t)
{
	for (unsigned int i = 0; i < t->nacc; i++) {
		struct xs_node *n = tree_lookup(&d->tree, t->acc[i].path);
		if ((n ? n->gen : 0) != t->acc[i].base_gen)
			return true;
	}
	return false;
}

static unsigned int depth(const char *path)
{
	unsigned int n = 0;

	for (; *path; path++)
		n += *path == '/';
	return n;
}

static void apply_removal(struct xsd *d, const struct xsd_access *a)
{
	struct xs_node *n = tree_lookup(&d->tree, a->path);
	struct xs_perms perms;

	if (!n || !n->parent)
		return;
	perms.num = n->perms.num;
	perms.p = malloc(perms.num * sizeof(*perms.p));
	if (perms.p)
		memcpy(perms.p, n->perms.p, perms.num * sizeof(*perms.p));
	n->parent->gen = ++d->gen;
	tree_remove(&d->tree, n);
	if (perms.p && a->fire)
		watch_fire(d, a->path, &perms, true);
	else if (perms.p) /* inside a subtree the transaction removed and rebuilt */
		watch_fire_below(d, a->path, &perms);
	free(perms.p);
}

static enum xsd_err apply_update(struct xsd *d, const struct xsd_access *a, struct xs_node *src)
{
	struct xs_node *n = tree_lookup(&d->tree, a->path);

	if (!n && tree_create(&d->tree, a->path, src->perms.p[0].domid, ++d->gen, &n))
		return XSD_ENOMEM;
	if (tree_set_value(n, src->value, src->len) || tree_set_perms(&d->tree, n, &src->perms))
		return XSD_ENOMEM;
	n->gen = ++d->gen;
	if (a->fire)
		watch_fire(d, a->path, &n->perms, false);
	return XSD_OK;
}

/* Dirty accesses, shallowest first, in access order within a level (qsort key). */
struct by_depth {
	unsigned int depth, index;
};

static int by_depth_cmp(const void *a, const void *b)
{
	const struct by_depth *x = a, *y = b;

	if (x->depth != y->depth)
		return x->depth < y->depth ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

static enum xsd_err commit(struct xsd *d, struct xsd_txn *t)
{
	enum xsd_err e = XSD_OK;
	struct by_depth *order;
	unsigned int n = 0;

	if (!t->cloned)
		return XSD_OK; /* it only read */
	order = malloc((t->nacc ? t->nacc : 1) * sizeof(*order));
	if (!order) {
		xsd_log(d, "transaction commit ran out of memory: not applied");
		return XSD_ENOMEM;
	}
	for (unsigned int i = 0; i < t->nacc; i++) {
		if (!t->acc[i].dirty)
			continue;
		if (!tree_lookup(&t->tree, t->acc[i].path))
			apply_removal(d, &t->acc[i]);
		else
			order[n++] = (struct by_depth){depth(t->acc[i].path), i};
	}
	/* Parents before children, so each update finds (or creates) its parent first. */
	qsort(order, n, sizeof(*order), by_depth_cmp);
	for (unsigned int k = 0; k < n && e == XSD_OK; k++) {
		struct xsd_access *a = &t->acc[order[k].index];

		e = apply_update(d, a, tree_lookup(&t->tree, a->path));
	}
	free(order);
	if (e)
		xsd_log(d, "transaction commit ran out of memory: partly applied");
	return e;
}

enum xsd_err txn_end(struct xsd_conn *c, struct xsd_txn *t, bool do_commit)
{
	struct xsd_txn **p;
	enum xsd_err e = XSD_OK;

	for (p = &c->txns; *p != t; p = &(*p)->next)
		;
	*p = t->next;
	c->ntxns--;
	if (do_commit)
		e = conflicts(c->xsd, t) ? XSD_EAGAIN : commit(c->xsd, t);
	txn_free(t);
	return e;
}

void txn_free_all(struct xsd_conn *c)
{
	while (c->txns) {
		struct xsd_txn *t = c->txns;
		c->txns = t->next;
		txn_free(t);
	}
	c->ntxns = 0;
}
