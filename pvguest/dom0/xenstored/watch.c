/*
 * Watches: a connection asks to hear about changes at a path and below,
 * tagged with its own token.  A new watch fires once at once (so a client
 * reads the current state race-free); afterwards a change to node P fires
 * every watch on P or an ancestor of P, and removing P also fires the
 * watches below P (their own path is reported, as Xen does).
 *
 * Events go only to connections that may read the changed node (its
 * permissions before a removal), so watches cannot probe private nodes.
 * @introduceDomain and @releaseDomain are special watch names fired by
 * domain.c; only privileged connections receive them.  A watch given as a
 * relative path reports relative event paths (the home prefix stripped).
 * Event delivery never fails the change that caused it: when a
 * connection's queue is over its limit the event is dropped and counted.
 */
#include <stdlib.h>
#include <string.h>
#include "internal.h"

static struct xsd_watch **find(struct xsd_conn *c, const char *path, const char *token)
{
	struct xsd_watch **w;

	for (w = &c->watches; *w; w = &(*w)->next)
		if (strcmp((*w)->path, path) == 0 && strcmp((*w)->token, token) == 0)
			return w;
	return NULL;
}

static void send_event(struct xsd_conn *c, const struct xsd_watch *w, const char *path)
{
	const char *shown = path;

	if (w->strip && strlen(path) > w->strip)
		shown = path + w->strip;
	if (!c->privileged && c->out_count >= c->xsd->quota.queued_events) {
		c->xsd->dropped_events++;
		xsd_log(c->xsd, "dropped watch event for domain %u", c->domid);
		return;
	}
	conn_queue(c, XS_WATCH_EVENT, 0, 0, shown, (uint32_t)strlen(shown) + 1, w->token,
		   (uint32_t)strlen(w->token) + 1);
}

enum xsd_err watch_add(struct xsd_conn *c, const char *path, const char *token, bool relative)
{
	struct xsd_watch *w;

	if (find(c, path, token))
		return XSD_EEXIST;
	if (!c->privileged && c->nwatches >= c->xsd->quota.watches)
		return XSD_E2BIG;
	w = calloc(1, sizeof(*w));
	if (!w)
		return XSD_ENOMEM;
	w->path = strdup(path);
	w->token = strdup(token);
	if (!w->path || !w->token) {
		free(w->path);
		free(w->token);
		free(w);
		return XSD_ENOMEM;
	}
	/* "/local/domain/<id>/" is stripped from events of a relative watch. */
	if (relative)
		w->strip = (unsigned int)(strlen(path) - strlen(strchr(path + 14, '/')) + 1);
	w->next = c->watches;
	c->watches = w;
	c->nwatches++;
	return XSD_OK;
}

/* The first firing, queued right after the OK reply. */
void watch_fire_new(struct xsd_conn *c, const char *path, const char *token)
{
	struct xsd_watch **w = find(c, path, token);

	if (w)
		send_event(c, *w, path);
}

static void watch_free(struct xsd_watch *w)
{
	free(w->path);
	free(w->token);
	free(w);
}

enum xsd_err watch_remove(struct xsd_conn *c, const char *path, const char *token)
{
	struct xsd_watch **w = find(c, path, token), *dead;

	if (!w)
		return XSD_ENOENT;
	dead = *w;
	*w = dead->next;
	watch_free(dead);
	c->nwatches--;
	return XSD_OK;
}

void watch_free_all(struct xsd_conn *c)
{
	while (c->watches) {
		struct xsd_watch *w = c->watches;
		c->watches = w->next;
		watch_free(w);
	}
	c->nwatches = 0;
}

/* Fire for a change at `path`: watches above (`up`) and/or below (`down`) it. */
static void fire(struct xsd *d, const char *path, const struct xs_perms *perms, bool up, bool down)
{
	for (struct xsd_conn *c = d->conns; c; c = c->next) {
		if (c->broken || !(perm_for(perms, c->domid, c->privileged) & PERM_READ))
			continue;
		for (struct xsd_watch *w = c->watches; w; w = w->next) {
			if (up && path_within(path, w->path))
				send_event(c, w, path);
			else if (down && path_within(w->path, path))
				send_event(c, w, w->path);
		}
	}
}

void watch_fire(struct xsd *d, const char *path, const struct xs_perms *perms, bool recurse)
{
	fire(d, path, perms, true, recurse);
}

void watch_fire_below(struct xsd *d, const char *path, const struct xs_perms *perms)
{
	fire(d, path, perms, false, true);
}

void watch_fire_special(struct xsd *d, const char *name)
{
	for (struct xsd_conn *c = d->conns; c; c = c->next) {
		if (c->broken || !c->privileged)
			continue;
		for (struct xsd_watch *w = c->watches; w; w = w->next)
			if (strcmp(w->path, name) == 0)
				send_event(c, w, name);
	}
}
