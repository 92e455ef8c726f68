/*
 * The xenbus client: requests, replies and watch events over the store
 * ring (xs_ring.c), on the same wire format the daemon speaks.
 *
 * Requests and replies.  Each request takes a slot in a small table and a
 * fresh req_id (never 0, which watch events carry); the receive path
 * frames incoming messages and hands each reply to the slot with the same
 * req_id, so replies may come back in any order once several threads have
 * requests in flight.  One thread at a time writes a whole message (the
 * `sending` flag; a thread finding it set waits); receiving is
 * re-entrant-safe because only the thread that finds its slot done returns.
 *
 * Errors come back as names ("ENOENT"); they are turned into negative Xen
 * error numbers here, so callers compare with -XEN_ENOENT.
 *
 * Watches.  A watch is caller-owned storage with a token made up here.  An
 * incoming event bumps the watch's `events` counter at once (so a waiter
 * can sleep on it) and, if the watch has a callback, is queued;
 * callbacks run only from xenbus_dispatch_events(), never from inside
 * another request, so a callback may itself make requests.
 *
 * Blocking.  When nothing can move (ring full, reply not yet arrived) the
 * client calls the injected waiter, which sleeps until the store event
 * channel fires.  Everything else is plain C, host-testable.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <public/errno.h>
#include <xenbus/xenbus.h>

/* The daemon's error names and Xen's numbers for them (literals: not yet in public/errno.h). */
static const struct {
	const char *name;
	int err;
} errors[] = {
	{"EINVAL", XEN_EINVAL}, {"EACCES", XEN_EACCES},
	{"EEXIST", XEN_EEXIST}, {"EISDIR", 21},
	{"ENOENT", XEN_ENOENT}, {"ENOMEM", XEN_ENOMEM},
	{"ENOSPC", XEN_ENOSPC}, {"EIO", 5},
	{"ENOTEMPTY", 39},	{"ENOSYS", XEN_ENOSYS},
	{"EROFS", 30},		{"EBUSY", XEN_EBUSY},
	{"EAGAIN", XEN_EAGAIN}, {"EISCONN", 106},
	{"E2BIG", XEN_E2BIG},	{"EPERM", XEN_EPERM},
};
#define XENBUS_EIO 5 /* Xen's EIO: the ring or the stream broke */

static int error_number(const char *name)
{
	for (size_t i = 0; i < sizeof(errors) / sizeof(errors[0]); i++)
		if (strcmp(errors[i].name, name) == 0)
			return -errors[i].err;
	return -XEN_EINVAL;
}

void xenbus_init(struct xenbus *xb, struct xenstore_domain_interface *intf, void (*notify)(void *),
		 void *notify_arg, const struct xenbus_waiter *w)
{
	memset(xb, 0, sizeof(*xb));
	xs_ring_init(&xb->ring, intf, XS_RING_CLIENT, notify, notify_arg);
	xb->waiter = *w;
}

static void got_event(struct xenbus *xb, const char *payload, uint32_t len)
{
	size_t plen = strnlen(payload, len);
	const char *token = payload + plen + 1;
	struct xenbus_watch *w;
	struct xenbus_event *ev;

	if (plen + 1 >= len || payload[len - 1] != '\0')
		return; /* malformed: ignore */
	for (w = xb->watches; w && strcmp(w->token, token) != 0; w = w->next)
		;
	if (!w)
		return; /* a watch already gone */
	w->events++;
	if (!w->fn || !(ev = malloc(sizeof(*ev) + plen + 1)))
		return;
	ev->next = NULL;
	ev->watch = w;
	memcpy(ev->path, payload, plen + 1);
	if (xb->ev_tail)
		xb->ev_tail->next = ev;
	else
		xb->ev_head = ev;
	xb->ev_tail = ev;
}

static void got_reply(struct xenbus *xb, const struct xsd_sockmsg *h, const char *payload)
{
	for (unsigned int i = 0; i < XENBUS_MAX_PENDING; i++) {
		struct xenbus_pending *p = &xb->pend[i];
		if (!p->in_use || p->done || p->req_id != h->req_id)
			continue;
		p->type = h->type;
		p->len = h->len;
		if (h->type == XS_ERROR)
			memcpy(p->err, payload, strnlen(payload, sizeof(p->err) - 1));
		if (p->buf && p->size) {
			size_t n = h->len < p->size - 1 ? h->len : p->size - 1;
			memcpy(p->buf, payload, n);
			p->buf[n] = '\0';
		}
		p->done = true;
		return;
	}
}

/* Take in whatever has arrived; true if any bytes moved. */
static bool receive(struct xenbus *xb)
{
	const uint32_t hsz = sizeof(xb->hdr);
	bool progress = false;
	int n;

	while (!xb->broken) {
		if (xb->in_got < hsz)
			n = xs_ring_read(&xb->ring, (char *)&xb->hdr + xb->in_got,
					 hsz - xb->in_got);
		else
			n = xs_ring_read(&xb->ring, xb->in + (xb->in_got - hsz),
					 xb->hdr.len - (xb->in_got - hsz));
		if (n < 0 ||
		    (xb->in_got + (uint32_t)n >= hsz && xb->hdr.len > XENSTORE_PAYLOAD_MAX))
			xb->broken = true;
		if (n <= 0 || xb->broken)
			break;
		progress = true;
		xb->in_got += (uint32_t)n;
		if (xb->in_got < hsz || xb->in_got < hsz + xb->hdr.len)
			continue;
		xb->in[xb->hdr.len] = '\0';
		xb->in_got = 0;
		if (xb->hdr.type == XS_WATCH_EVENT)
			got_event(xb, xb->in, xb->hdr.len);
		else
			got_reply(xb, &xb->hdr, xb->in);
	}
	xs_ring_notify(&xb->ring); /* what we sent, and the space we freed */
	return progress;
}

/* Receive (which also kicks the daemon), or sleep if nothing is there. */
static void make_progress(struct xenbus *xb)
{
	if (!receive(xb))
		xb->waiter.wait(xb->waiter.ctx);
}

void xenbus_poll(struct xenbus *xb)
{
	receive(xb);
}

static int send_bytes(struct xenbus *xb, const void *buf, size_t len)
{
	while (len && !xb->broken) {
		int n = xs_ring_write(&xb->ring, buf, len);
		if (n < 0) {
			xb->broken = true;
			break;
		}
		if (n == 0)
			make_progress(xb);
		buf = (const char *)buf + n;
		len -= (size_t)n;
	}
	return xb->broken ? -XENBUS_EIO : 0;
}

static struct xenbus_pending *slot_get(struct xenbus *xb)
{
	for (unsigned int i = 0; i < XENBUS_MAX_PENDING; i++) {
		if (!xb->pend[i].in_use) {
			memset(&xb->pend[i], 0, sizeof(xb->pend[i]));
			xb->pend[i].in_use = true;
			return &xb->pend[i];
		}
	}
	return NULL;
}

int xenbus_request(struct xenbus *xb, uint32_t type, uint32_t tx, const char *const *pieces,
		   const uint32_t *lens, unsigned int n, char *reply, size_t size)
{
	struct xsd_sockmsg h = {type, 0, tx, 0};
	struct xenbus_pending *p;
	int rc = 0;

	for (unsigned int i = 0; i < n; i++)
		h.len += lens[i];
	if (h.len > XENSTORE_PAYLOAD_MAX)
		return -XEN_E2BIG;
	if (xb->broken)
		return -XENBUS_EIO;
	p = slot_get(xb);
	if (!p)
		return -XEN_EBUSY;
	do {
		h.req_id = ++xb->next_req_id;
	} while (h.req_id == 0);
	*p = (struct xenbus_pending){true, false, h.req_id, 0, 0, reply, size, ""};
	while (xb->sending && !xb->broken) /* another thread's message is half written */
		make_progress(xb);
	xb->sending = true;
	rc = send_bytes(xb, &h, sizeof(h));
	for (unsigned int i = 0; i < n && rc == 0; i++)
		rc = send_bytes(xb, pieces[i], lens[i]);
	xb->sending = false;
	while (rc == 0 && !p->done && !xb->broken)
		make_progress(xb);
	if (rc == 0)
		rc = !p->done		   ? -XENBUS_EIO
		     : p->type == XS_ERROR ? error_number(p->err)
					   : (int)p->len;
	if (rc >= 0 && reply && p->len >= size)
		rc = -XEN_E2BIG;
	p->in_use = false;
	return rc;
}

static int path_request(struct xenbus *xb, uint32_t type, uint32_t tx, const char *path,
			char *reply, size_t size)
{
	const char *pieces[] = {path};
	uint32_t lens[] = {(uint32_t)strlen(path) + 1};

	return xenbus_request(xb, type, tx, pieces, lens, 1, reply, size);
}

static int ok_or_error(int rc)
{
	return rc < 0 ? rc : 0;
}

int xenbus_read(struct xenbus *xb, uint32_t tx, const char *path, char *buf, size_t size)
{
	return path_request(xb, XS_READ, tx, path, buf, size);
}

int xenbus_write(struct xenbus *xb, uint32_t tx, const char *path, const char *value)
{
	const char *pieces[] = {path, value};
	uint32_t lens[] = {(uint32_t)strlen(path) + 1, (uint32_t)strlen(value)};

	return ok_or_error(xenbus_request(xb, XS_WRITE, tx, pieces, lens, 2, NULL, 0));
}

int xenbus_mkdir(struct xenbus *xb, uint32_t tx, const char *path)
{
	return ok_or_error(path_request(xb, XS_MKDIR, tx, path, NULL, 0));
}

int xenbus_rm(struct xenbus *xb, uint32_t tx, const char *path)
{
	return ok_or_error(path_request(xb, XS_RM, tx, path, NULL, 0));
}

int xenbus_directory(struct xenbus *xb, uint32_t tx, const char *path, char *buf, size_t size)
{
	return path_request(xb, XS_DIRECTORY, tx, path, buf, size);
}

int xenbus_set_perms(struct xenbus *xb, uint32_t tx, const char *path, const char *perms,
		     uint32_t len)
{
	const char *pieces[] = {path, perms};
	uint32_t lens[] = {(uint32_t)strlen(path) + 1, len};

	return ok_or_error(xenbus_request(xb, XS_SET_PERMS, tx, pieces, lens, 2, NULL, 0));
}

int xenbus_transaction_start(struct xenbus *xb, uint32_t *tx)
{
	char id[16];
	int rc = path_request(xb, XS_TRANSACTION_START, 0, "", id, sizeof(id));

	if (rc < 0)
		return rc;
	*tx = (uint32_t)strtoul(id, NULL, 10);
	return *tx ? 0 : -XENBUS_EIO;
}

int xenbus_transaction_end(struct xenbus *xb, uint32_t tx, bool abort)
{
	return ok_or_error(path_request(xb, XS_TRANSACTION_END, tx, abort ? "F" : "T", NULL, 0));
}

int xenbus_watch(struct xenbus *xb, struct xenbus_watch *w, const char *path, xenbus_watch_fn fn,
		 void *arg)
{
	const char *pieces[2] = {path, w->token};
	uint32_t lens[2];
	int rc;

	snprintf(w->token, sizeof(w->token), "xb%lu", ++xb->next_token);
	w->fn = fn;
	w->arg = arg;
	w->events = 0;
	w->next = xb->watches; /* listed first: the immediate event must find it */
	xb->watches = w;
	lens[0] = (uint32_t)strlen(path) + 1;
	lens[1] = (uint32_t)strlen(w->token) + 1;
	rc = xenbus_request(xb, XS_WATCH, 0, pieces, lens, 2, NULL, 0);
	if (rc < 0)
		xenbus_unwatch(xb, w, NULL);
	return ok_or_error(rc);
}

/* Forget `w` locally: list entry and queued events. */
static void watch_forget(struct xenbus *xb, struct xenbus_watch *w)
{
	struct xenbus_watch **pw;
	struct xenbus_event **pe, *dead;

	for (pw = &xb->watches; *pw; pw = &(*pw)->next) {
		if (*pw == w) {
			*pw = w->next;
			break;
		}
	}
	xb->ev_tail = NULL;
	for (pe = &xb->ev_head; *pe;) {
		if ((*pe)->watch == w) {
			dead = *pe;
			*pe = dead->next;
			free(dead);
		} else {
			xb->ev_tail = *pe;
			pe = &(*pe)->next;
		}
	}
}

int xenbus_unwatch(struct xenbus *xb, struct xenbus_watch *w, const char *path)
{
	const char *pieces[2] = {path, w->token};
	uint32_t lens[2];
	int rc = 0;

	if (path) {
		lens[0] = (uint32_t)strlen(path) + 1;
		lens[1] = (uint32_t)strlen(w->token) + 1;
		rc = ok_or_error(xenbus_request(xb, XS_UNWATCH, 0, pieces, lens, 2, NULL, 0));
	}
	watch_forget(xb, w);
	return rc;
}

void xenbus_dispatch_events(struct xenbus *xb)
{
	receive(xb);
	while (xb->ev_head) {
		struct xenbus_event *ev = xb->ev_head;
		xb->ev_head = ev->next;
		if (!xb->ev_head)
			xb->ev_tail = NULL;
		ev->watch->fn(xb, ev->watch, ev->path);
		free(ev);
	}
}

int xenbus_introduce(struct xenbus *xb, uint16_t domid, uint64_t gfn, uint32_t port)
{
	char d[8], g[24], p[12];
	const char *pieces[] = {d, g, p};
	uint32_t lens[] = {
		(uint32_t)snprintf(d, sizeof(d), "%u", domid) + 1,
		(uint32_t)snprintf(g, sizeof(g), "%llu", (unsigned long long)gfn) + 1,
		(uint32_t)snprintf(p, sizeof(p), "%u", port) + 1,
	};

	return ok_or_error(xenbus_request(xb, XS_INTRODUCE, 0, pieces, lens, 3, NULL, 0));
}

static int domid_request(struct xenbus *xb, uint32_t type, uint16_t domid, char *buf, size_t size)
{
	char d[8];

	snprintf(d, sizeof(d), "%u", domid);
	return path_request(xb, type, 0, d, buf, size);
}

int xenbus_release(struct xenbus *xb, uint16_t domid)
{
	return ok_or_error(domid_request(xb, XS_RELEASE, domid, NULL, 0));
}

int xenbus_get_domain_path(struct xenbus *xb, uint16_t domid, char *buf, size_t size)
{
	return ok_or_error(domid_request(xb, XS_GET_DOMAIN_PATH, domid, buf, size));
}

int xenbus_read_ulong(struct xenbus *xb, uint32_t tx, const char *path, unsigned long *v)
{
	char buf[24], *end;
	int rc = xenbus_read(xb, tx, path, buf, sizeof(buf));

	if (rc < 0)
		return rc;
	if (rc == 0 || buf[0] < '0' || buf[0] > '9')
		return -XEN_EINVAL;
	*v = strtoul(buf, &end, 10);
	return *end == '\0' ? 0 : -XEN_EINVAL;
}

int xenbus_write_ulong(struct xenbus *xb, uint32_t tx, const char *dir, const char *key,
		       unsigned long v)
{
	char path[XENSTORE_ABS_PATH_MAX + 1], val[24];

	if (snprintf(path, sizeof(path), "%s/%s", dir, key) >= (int)sizeof(path))
		return -XEN_EINVAL;
	snprintf(val, sizeof(val), "%lu", v);
	return xenbus_write(xb, tx, path, val);
}

static const char *const state_names[] = {
	"Unknown", "Initialising", "InitWait",	    "Initialised",  "Connected",
	"Closing", "Closed",	   "Reconfiguring", "Reconfigured",
};

const char *xenbus_state_name(enum xenbus_state s)
{
	return (unsigned int)s < sizeof(state_names) / sizeof(state_names[0]) ? state_names[s]
									      : "Invalid";
}

enum xenbus_state xenbus_read_state(struct xenbus *xb, const char *dir)
{
	char path[XENSTORE_ABS_PATH_MAX + 1];
	unsigned long v;

	if (snprintf(path, sizeof(path), "%s/state", dir) >= (int)sizeof(path) ||
	    xenbus_read_ulong(xb, 0, path, &v) < 0 || v > XenbusStateReconfigured)
		return XenbusStateUnknown;
	return (enum xenbus_state)v;
}

int xenbus_switch_state(struct xenbus *xb, uint32_t tx, const char *dir, enum xenbus_state s)
{
	if (tx == 0 && xenbus_read_state(xb, dir) == s)
		return 0; /* already there: no write, no watch event */
	return xenbus_write_ulong(xb, tx, dir, "state", (unsigned long)s);
}

int xenbus_wait_value_until(struct xenbus *xb, const char *path, const char *want,
			    const volatile bool *give_up)
{
	char val[64];
	struct xenbus_watch w;
	unsigned long seen;
	int rc = xenbus_watch(xb, &w, path, NULL, NULL);

	while (rc == 0) {
		seen = w.events;
		if (xenbus_read(xb, 0, path, val, sizeof(val)) >= 0 && strcmp(val, want) == 0)
			break;
		while (w.events == seen && !xb->broken && !(give_up && *give_up))
			make_progress(xb);
		if (xb->broken)
			rc = -XENBUS_EIO;
		else if (w.events == seen && give_up && *give_up)
			rc = -XEN_ETIMEDOUT;
	}
	if (rc == 0)
		return xenbus_unwatch(xb, &w, path);
	watch_forget(xb, &w);
	return rc;
}

int xenbus_wait_value(struct xenbus *xb, const char *path, const char *want)
{
	return xenbus_wait_value_until(xb, path, want, NULL);
}

int xenbus_wait_state(struct xenbus *xb, const char *dir, unsigned int mask, enum xenbus_state *out)
{
	char path[XENSTORE_ABS_PATH_MAX + 1];
	struct xenbus_watch w;
	enum xenbus_state s;
	unsigned long seen;
	int rc;

	if (snprintf(path, sizeof(path), "%s/state", dir) >= (int)sizeof(path))
		return -XEN_EINVAL;
	rc = xenbus_watch(xb, &w, path, NULL, NULL);
	while (rc == 0) {
		seen = w.events;
		s = xenbus_read_state(xb, dir);
		if (mask & (1u << s))
			break;
		while (w.events == seen && !xb->broken)
			make_progress(xb);
		if (xb->broken)
			rc = -XENBUS_EIO;
	}
	if (rc == 0) {
		*out = s;
		rc = xenbus_unwatch(xb, &w, path);
	} else {
		watch_forget(xb, &w);
	}
	return rc;
}
