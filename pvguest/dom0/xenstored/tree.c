/*
 * The node tree.  Every node has a name, a value (bytes, maybe empty), a
 * permission list and children kept in creation order (XS_DIRECTORY lists
 * them that way).  Paths handed in are canonical (path.c): "/" or
 * "/a/b" with no empty components.
 *
 * Each node carries the generation of its last change; transactions compare
 * generations to detect conflicts (transaction.c).  The tree also counts
 * how many nodes each domain owns (entry 0 of a node's perms), so quota
 * checks are O(domains) instead of a walk; the counts move with every
 * create, remove and change of owner.  A transaction works on a full copy
 * (tree_clone), generations included.
 */
#include <stdlib.h>
#include <string.h>
#include "internal.h"

static struct owner_count *owner_slot(struct xs_tree *t, uint16_t domid, bool add)
{
	for (unsigned int i = 0; i < t->nowners; i++)
		if (t->owners[i].domid == domid)
			return &t->owners[i];
	if (!add)
		return NULL;
	struct owner_count *o = realloc(t->owners, (t->nowners + 1) * sizeof(*o));
	if (!o)
		return NULL;
	t->owners = o;
	o[t->nowners] = (struct owner_count){domid, 0};
	return &o[t->nowners++];
}

static void owner_add(struct xs_tree *t, uint16_t domid, int delta)
{
	struct owner_count *o = owner_slot(t, domid, delta > 0);

	if (o)
		o->nodes += (unsigned int)delta;
	t->nnodes += (unsigned int)delta;
}

unsigned int tree_owned(const struct xs_tree *t, uint16_t domid)
{
	for (unsigned int i = 0; i < t->nowners; i++)
		if (t->owners[i].domid == domid)
			return t->owners[i].nodes;
	return 0;
}

static void node_free(struct xs_node *n)
{
	for (unsigned int i = 0; i < n->nchild; i++)
		node_free(n->child[i]);
	free(n->child);
	free(n->name);
	free(n->value);
	free(n->perms.p);
	free(n);
}

static struct xs_node *node_new(const char *name, size_t namelen, const struct xs_perms *perms)
{
	struct xs_node *n = calloc(1, sizeof(*n));

	if (!n)
		return NULL;
	n->name = malloc(namelen + 1);
	n->perms.p = malloc(perms->num * sizeof(*n->perms.p));
	if (!n->name || !n->perms.p) {
		node_free(n);
		return NULL;
	}
	memcpy(n->name, name, namelen);
	n->name[namelen] = '\0';
	memcpy(n->perms.p, perms->p, perms->num * sizeof(*n->perms.p));
	n->perms.num = perms->num;
	return n;
}

int tree_init(struct xs_tree *t)
{
	struct xs_perm dom0_none = {0, PERM_NONE};
	struct xs_perms p = {1, &dom0_none};

	memset(t, 0, sizeof(*t));
	t->root = node_new("", 0, &p);
	if (!t->root)
		return -1;
	t->root->gen = 1;
	owner_add(t, 0, 1);
	return 0;
}

void tree_free(struct xs_tree *t)
{
	if (t->root)
		node_free(t->root);
	free(t->owners);
	memset(t, 0, sizeof(*t));
}

static struct xs_node *node_clone(const struct xs_node *s, struct xs_node *parent)
{
	struct xs_node *n = node_new(s->name, strlen(s->name), &s->perms);

	if (!n)
		return NULL;
	n->parent = parent;
	n->gen = s->gen;
	if (s->len && tree_set_value(n, s->value, s->len))
		goto fail;
	if (s->nchild) {
		n->child = malloc(s->nchild * sizeof(*n->child));
		if (!n->child)
			goto fail;
		n->child_cap = s->nchild;
	}
	for (; n->nchild < s->nchild; n->nchild++) {
		n->child[n->nchild] = node_clone(s->child[n->nchild], n);
		if (!n->child[n->nchild])
			goto fail;
	}
	return n;
fail:
	node_free(n);
	return NULL;
}

int tree_clone(struct xs_tree *dst, const struct xs_tree *src)
{
	memset(dst, 0, sizeof(*dst));
	dst->root = node_clone(src->root, NULL);
	dst->owners = malloc((src->nowners ? src->nowners : 1) * sizeof(*dst->owners));
	if (!dst->root || !dst->owners) {
		tree_free(dst);
		return -1;
	}
	memcpy(dst->owners, src->owners, src->nowners * sizeof(*dst->owners));
	dst->nowners = src->nowners;
	dst->nnodes = src->nnodes;
	return 0;
}

static struct xs_node *child_named(const struct xs_node *n, const char *name, size_t len)
{
	for (unsigned int i = 0; i < n->nchild; i++)
		if (strncmp(n->child[i]->name, name, len) == 0 && n->child[i]->name[len] == '\0')
			return n->child[i];
	return NULL;
}

struct xs_node *tree_nearest(struct xs_tree *t, const char *path, unsigned int *missing)
{
	struct xs_node *n = t->root, *next;
	const char *p = path;

	*missing = 0;
	while (*p == '/')
		p++;
	while (*p) {
		size_t len = strcspn(p, "/");
		next = child_named(n, p, len);
		if (!next) {
			for (; *p; p += strcspn(p, "/"), p += (*p == '/'))
				(*missing)++;
			return n;
		}
		n = next;
		p += len;
		p += (*p == '/');
	}
	return n;
}

struct xs_node *tree_lookup(struct xs_tree *t, const char *path)
{
	unsigned int missing;
	struct xs_node *n = tree_nearest(t, path, &missing);

	return missing ? NULL : n;
}

static int child_add(struct xs_node *parent, struct xs_node *n)
{
	if (parent->nchild == parent->child_cap) {
		unsigned int cap = parent->child_cap ? parent->child_cap * 2 : 4;
		struct xs_node **c = realloc(parent->child, cap * sizeof(*c));
		if (!c)
			return -1;
		parent->child = c;
		parent->child_cap = cap;
	}
	parent->child[parent->nchild++] = n;
	n->parent = parent;
	return 0;
}

int tree_create(struct xs_tree *t, const char *path, int owner, uint64_t gen, struct xs_node **out)
{
	unsigned int missing;
	struct xs_node *n = tree_nearest(t, path, &missing);
	const char *p = path + strlen(path);

	/* Skip back over the components that already exist. */
	for (unsigned int i = 0; i < missing; i++) {
		while (p > path && p[-1] != '/')
			p--;
		if (i + 1 < missing)
			p--;
	}
	while (missing--) {
		size_t len = strcspn(p, "/");
		struct xs_node *c = node_new(p, len, &n->perms);
		if (!c || child_add(n, c)) {
			if (c)
				node_free(c);
			return -1;
		}
		if (owner >= 0)
			c->perms.p[0].domid = (uint16_t)owner;
		owner_add(t, c->perms.p[0].domid, 1);
		c->gen = n->gen = gen;
		n = c;
		p += len + (p[len] == '/');
	}
	*out = n;
	return 0;
}

int tree_set_value(struct xs_node *n, const char *val, unsigned int len)
{
	char *v = NULL;

	if (len) {
		v = malloc(len);
		if (!v)
			return -1;
		memcpy(v, val, len);
	}
	free(n->value);
	n->value = v;
	n->len = len;
	return 0;
}

int tree_set_perms(struct xs_tree *t, struct xs_node *n, const struct xs_perms *perms)
{
	struct xs_perm *p = malloc(perms->num * sizeof(*p));

	if (!p)
		return -1;
	memcpy(p, perms->p, perms->num * sizeof(*p));
	owner_add(t, n->perms.p[0].domid, -1);
	owner_add(t, p[0].domid, 1);
	free(n->perms.p);
	n->perms.p = p;
	n->perms.num = perms->num;
	return 0;
}

static void uncount(struct xs_tree *t, const struct xs_node *n)
{
	owner_add(t, n->perms.p[0].domid, -1);
	for (unsigned int i = 0; i < n->nchild; i++)
		uncount(t, n->child[i]);
}

void tree_remove(struct xs_tree *t, struct xs_node *n)
{
	struct xs_node *parent = n->parent;

	for (unsigned int i = 0; i < parent->nchild; i++) {
		if (parent->child[i] != n)
			continue;
		memmove(&parent->child[i], &parent->child[i + 1],
			(parent->nchild - i - 1) * sizeof(*parent->child));
		parent->nchild--;
		break;
	}
	uncount(t, n);
	node_free(n);
}

static void chown_walk(struct xs_tree *t, struct xs_node *n, uint16_t from, uint16_t to)
{
	if (n->perms.p[0].domid == from) {
		n->perms.p[0].domid = to;
		owner_add(t, from, -1);
		owner_add(t, to, 1);
	}
	for (unsigned int i = 0; i < n->nchild; i++)
		chown_walk(t, n->child[i], from, to);
}

void tree_chown_all(struct xs_tree *t, uint16_t from, uint16_t to)
{
	chown_walk(t, t->root, from, to);
}

void tree_path(const struct xs_node *n, char *buf)
{
	size_t len = 0;
	const struct xs_node *m;

	for (m = n; m->parent; m = m->parent)
		len += strlen(m->name) + 1;
	if (len == 0 || len > XENSTORE_ABS_PATH_MAX) {
		strcpy(buf, "/");
		return;
	}
	buf[len] = '\0';
	for (m = n; m->parent; m = m->parent) {
		size_t l = strlen(m->name);
		len -= l;
		memcpy(buf + len, m->name, l);
		buf[--len] = '/';
	}
}

static bool check_node(const struct xs_node *n, unsigned int *count, struct xs_tree *tally)
{
	(*count)++;
	if (n->perms.num < 1 || n->gen == 0 || (n->len && !n->value))
		return false;
	owner_add(tally, n->perms.p[0].domid, 1);
	for (unsigned int i = 0; i < n->nchild; i++) {
		const struct xs_node *c = n->child[i];
		if (c->parent != n || !c->name[0] || strchr(c->name, '/'))
			return false;
		for (unsigned int j = 0; j < i; j++)
			if (strcmp(n->child[j]->name, c->name) == 0)
				return false;
		if (!check_node(c, count, tally))
			return false;
	}
	return true;
}

bool tree_check(const struct xs_tree *t)
{
	struct xs_tree tally = {0};
	unsigned int count = 0;
	bool ok = t->root && !t->root->parent && check_node(t->root, &count, &tally);

	ok = ok && count == t->nnodes && tally.nnodes == count;
	for (unsigned int i = 0; ok && i < tally.nowners; i++)
		ok = tree_owned(t, tally.owners[i].domid) == tally.owners[i].nodes;
	free(tally.owners);
	return ok;
}
