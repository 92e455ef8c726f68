/*
 * The split-driver toolkit (see xendev.h): device directories, the state
 * handshake, ring keys.
 *
 * Writes that belong together go in one XenStore transaction, retried
 * while the daemon reports a conflict (-XEN_EAGAIN), so the other end
 * never sees half a configuration: the toolstack's two directories, a
 * frontend's ring keys with its switch to Initialised.  Values read from
 * the other end are untrusted: parsed strictly, range-checked.
 */
#include "xendev.h"

#include <core/evtchn.h>
#include <core/kernel.h>
#include <public/errno.h>
#include <public/io/protocols.h>
#include <stdio.h>
#include <string.h>

#define TX_RETRIES	   16
#define ANY_STATE(a, b, c) ((1u << (a)) | (1u << (b)) | (1u << (c)))

typedef int (*tx_body)(struct xenbus *xb, uint32_t tx, const void *arg);

/* Run body in a transaction until it commits (or fails for another reason). */
static int in_transaction(struct xenbus *xb, tx_body body, const void *arg)
{
	int rc = -XEN_EAGAIN;

	for (int i = 0; i < TX_RETRIES && rc == -XEN_EAGAIN; i++) {
		uint32_t tx;
		if ((rc = xenbus_transaction_start(xb, &tx)))
			return rc;
		rc = body(xb, tx, arg);
		int end = xenbus_transaction_end(xb, tx, rc != 0);
		if (!rc)
			rc = end;
	}
	return rc;
}

static int front_dir(char *buf, const struct xendev_spec *s)
{
	int n = snprintf(buf, XENDEV_PATH, "/local/domain/%u/device/%s/%u", s->front_id, s->type,
			 s->devid);
	return n > 0 && n < XENDEV_PATH ? 0 : -XEN_EINVAL;
}

static int back_dir(char *buf, const struct xendev_spec *s)
{
	int n = snprintf(buf, XENDEV_PATH, "/local/domain/%u/backend/%s/%u/%u", s->back_id, s->type,
			 s->front_id, s->devid);
	return n > 0 && n < XENDEV_PATH ? 0 : -XEN_EINVAL;
}

static int write_key(struct xenbus *xb, uint32_t tx, const char *dir, const char *key,
		     const char *value)
{
	char path[2 * XENDEV_PATH];

	snprintf(path, sizeof(path), "%s/%s", dir, key);
	return xenbus_write(xb, tx, path, value);
}

/* One end's directory: owner `self`, readable by `peer`, the standard keys, then extras. */
static int write_end(struct xenbus *xb, uint32_t tx, const char *dir, uint16_t self, uint16_t peer,
		     const char *peer_name, const char *peer_dir, const struct xendev_key *extra)
{
	char perms[32], id[8];
	int plen = snprintf(perms, sizeof(perms), "n%u%cr%u", self, '\0', peer) + 1;
	int rc;

	snprintf(id, sizeof(id), "%u", peer);
	if ((rc = xenbus_mkdir(xb, tx, dir)) || (rc = xenbus_set_perms(xb, tx, dir, perms, plen)))
		return rc;
	char idkey[24];
	snprintf(idkey, sizeof(idkey), "%s-id", peer_name);
	if ((rc = write_key(xb, tx, dir, peer_name, peer_dir)) ||
	    (rc = write_key(xb, tx, dir, idkey, id)) || (rc = write_key(xb, tx, dir, "state", "1")))
		return rc;
	for (; extra && extra->key; extra++)
		if ((rc = write_key(xb, tx, dir, extra->key, extra->value)))
			return rc;
	return 0;
}

static int create_body(struct xenbus *xb, uint32_t tx, const void *arg)
{
	const struct xendev_spec *s = arg;
	char fdir[XENDEV_PATH], bdir[XENDEV_PATH];
	int rc;

	if ((rc = front_dir(fdir, s)) || (rc = back_dir(bdir, s)))
		return rc;
	if ((rc = write_end(xb, tx, fdir, s->front_id, s->back_id, "backend", bdir, s->front_keys)))
		return rc;
	if ((rc = write_end(xb, tx, bdir, s->back_id, s->front_id, "frontend", fdir, s->back_keys)))
		return rc;
	return write_key(xb, tx, bdir, "online", "1");
}

int xendev_create(struct xenbus *xb, const struct xendev_spec *spec)
{
	return in_transaction(xb, create_body, spec);
}

static int destroy_body(struct xenbus *xb, uint32_t tx, const void *arg)
{
	const struct xendev_spec *s = arg;
	char fdir[XENDEV_PATH], bdir[XENDEV_PATH];
	int rc;

	if ((rc = front_dir(fdir, s)) || (rc = back_dir(bdir, s)))
		return rc;
	rc = xenbus_rm(xb, tx, fdir);
	if (rc && rc != -XEN_ENOENT)
		return rc;
	rc = xenbus_rm(xb, tx, bdir);
	return rc == -XEN_ENOENT ? 0 : rc;
}

int xendev_destroy(struct xenbus *xb, const struct xendev_spec *spec)
{
	return in_transaction(xb, destroy_body, spec);
}

/* Read <dir>/<name> (a path) and <dir>/<name>-id (a domain id) into xd. */
static int read_otherend(struct xendev *xd, const char *name)
{
	char path[2 * XENDEV_PATH];
	unsigned long id;
	int rc;

	snprintf(path, sizeof(path), "%s/%s", xd->dir, name);
	rc = xenbus_read(xd->xb, 0, path, xd->otherend, sizeof(xd->otherend));
	if (rc < 0)
		return rc == -XEN_E2BIG ? -XEN_EINVAL : rc;
	snprintf(path, sizeof(path), "%s/%s-id", xd->dir, name);
	if ((rc = xenbus_read_ulong(xd->xb, 0, path, &id)))
		return rc;
	if (id >= DOMID_FIRST_RESERVED || xd->otherend[0] != '/')
		return -XEN_EINVAL;
	xd->otherend_id = (uint16_t)id;
	return 0;
}

static int open_common(struct xendev *xd, struct xenbus *xb, unsigned int devid, int n)
{
	xd->xb = xb;
	xd->devid = devid;
	return n > 0 && n < XENDEV_PATH ? 0 : -XEN_EINVAL;
}

int xendev_front_open(struct xendev *xd, struct xenbus *xb, uint16_t self, const char *type,
		      unsigned int devid)
{
	memset(xd, 0, sizeof(*xd));
	int n = snprintf(xd->dir, sizeof(xd->dir), "/local/domain/%u/device/%s/%u", self, type,
			 devid);
	int rc = open_common(xd, xb, devid, n);
	return rc ? rc : read_otherend(xd, "backend");
}

int xendev_back_open(struct xendev *xd, struct xenbus *xb, uint16_t self, const char *type,
		     uint16_t front_id, unsigned int devid)
{
	memset(xd, 0, sizeof(*xd));
	int n = snprintf(xd->dir, sizeof(xd->dir), "/local/domain/%u/backend/%s/%u/%u", self, type,
			 front_id, devid);
	int rc = open_common(xd, xb, devid, n);
	if (!rc)
		rc = read_otherend(xd, "frontend");
	if (!rc && xd->otherend_id != front_id)
		rc = -XEN_EINVAL;
	return rc;
}

static void otherend_event(struct xenbus *xb, struct xenbus_watch *w, const char *path)
{
	struct xendev *xd = w->arg;

	(void)xb;
	(void)path;
	if (xd->changed)
		xd->changed(xd, xendev_other_state(xd));
}

int xendev_watch_otherend(struct xendev *xd, xendev_changed_fn fn, void *priv)
{
	xd->changed = fn;
	xd->priv = priv;
	snprintf(xd->watch_path, sizeof(xd->watch_path), "%s/state", xd->otherend);
	int rc = xenbus_watch(xd->xb, &xd->watch, xd->watch_path, otherend_event, xd);
	xd->watching = rc == 0;
	return rc;
}

void xendev_close(struct xendev *xd)
{
	if (xd->watching)
		xenbus_unwatch(xd->xb, &xd->watch, xd->watch_path);
	xd->watching = false;
	xd->changed = NULL;
}

int xendev_switch(struct xendev *xd, enum xenbus_state s)
{
	int rc = xenbus_switch_state(xd->xb, 0, xd->dir, s);

	if (!rc)
		xd->own = s;
	return rc;
}

enum xenbus_state xendev_state(struct xendev *xd)
{
	return xenbus_read_state(xd->xb, xd->dir);
}

enum xenbus_state xendev_other_state(struct xendev *xd)
{
	return xenbus_read_state(xd->xb, xd->otherend);
}

int xendev_wait_other(struct xendev *xd, unsigned int mask, enum xenbus_state *out)
{
	return xenbus_wait_state(xd->xb, xd->otherend, mask, out);
}

int xendev_write_ulong(struct xendev *xd, uint32_t tx, const char *key, unsigned long v)
{
	return xenbus_write_ulong(xd->xb, tx, xd->dir, key, v);
}

int xendev_write(struct xendev *xd, uint32_t tx, const char *key, const char *value)
{
	return write_key(xd->xb, tx, xd->dir, key, value);
}

int xendev_read_other_ulong(struct xendev *xd, const char *key, unsigned long *v)
{
	char path[2 * XENDEV_PATH];

	snprintf(path, sizeof(path), "%s/%s", xd->otherend, key);
	return xenbus_read_ulong(xd->xb, 0, path, v);
}

int xendev_read_other_ulong_or(struct xendev *xd, const char *key, unsigned long dflt,
			       unsigned long *v)
{
	int rc = xendev_read_other_ulong(xd, key, v);

	if (rc == -XEN_ENOENT) {
		*v = dflt;
		return 0;
	}
	return rc;
}

struct publish {
	struct xendev *xd;
	const struct xendev_ulong *keys;
	unsigned int n;
	bool protocol;
};

static int publish_body(struct xenbus *xb, uint32_t tx, const void *arg)
{
	const struct publish *p = arg;
	int rc;

	(void)xb;
	for (unsigned int i = 0; i < p->n; i++)
		if ((rc = xendev_write_ulong(p->xd, tx, p->keys[i].key, p->keys[i].value)))
			return rc;
	if (p->protocol && (rc = xendev_write(p->xd, tx, "protocol", XEN_IO_PROTO_ABI_NATIVE)))
		return rc;
	return xenbus_switch_state(p->xd->xb, tx, p->xd->dir, XenbusStateInitialised);
}

int xendev_front_publish_keys(struct xendev *xd, const struct xendev_ulong *keys, unsigned int n,
			      bool protocol)
{
	struct publish p = {xd, keys, n, protocol};
	int rc = in_transaction(xd->xb, publish_body, &p);

	if (!rc)
		xd->own = XenbusStateInitialised;
	return rc;
}

int xendev_front_publish(struct xendev *xd, grant_ref_t ring_ref, evtchn_port_t port)
{
	const struct xendev_ulong keys[] = {{"ring-ref", ring_ref}, {"event-channel", port}};

	return xendev_front_publish_keys(xd, keys, 2, true);
}

int xendev_read_other_ref(struct xendev *xd, const char *key, grant_ref_t *ref)
{
	unsigned long v;
	int rc = xendev_read_other_ulong(xd, key, &v);

	if (!rc && v > UINT32_MAX)
		rc = -XEN_EINVAL;
	if (!rc)
		*ref = (grant_ref_t)v;
	return rc;
}

int xendev_read_other_port(struct xendev *xd, const char *key, evtchn_port_t *port)
{
	unsigned long v;
	int rc = xendev_read_other_ulong(xd, key, &v);

	if (!rc && (v == 0 || v >= EVTCHN_2L_NR_CHANNELS))
		rc = -XEN_EINVAL;
	if (!rc)
		*port = (evtchn_port_t)v;
	return rc;
}

int xendev_back_ring_keys(struct xendev *xd, grant_ref_t *ring_ref, evtchn_port_t *port)
{
	char path[2 * XENDEV_PATH], proto[16];
	int rc;

	if ((rc = xendev_read_other_ref(xd, "ring-ref", ring_ref)) ||
	    (rc = xendev_read_other_port(xd, "event-channel", port)))
		return rc;
	/* No protocol key means the native one; any other ABI we do not speak. */
	snprintf(path, sizeof(path), "%s/protocol", xd->otherend);
	rc = xenbus_read(xd->xb, 0, path, proto, sizeof(proto));
	if (rc >= 0 && strcmp(proto, XEN_IO_PROTO_ABI_NATIVE) != 0)
		return -XEN_EINVAL;
	return rc < 0 && rc != -XEN_ENOENT ? rc : 0;
}

void xendev_back_follow(struct xendev *xd, enum xenbus_state st, const struct xendev_back_ops *ops,
			void *dev)
{
	int rc;

	switch (st) {
	case XenbusStateInitialised:
	case XenbusStateConnected:
		if (!ops->connected(dev) && (rc = ops->connect(dev))) {
			printk("%s: d%u device %u cannot connect: %d\n", ops->name, xd->otherend_id,
			       xd->devid, rc);
			xendev_switch(xd, XenbusStateClosing);
		}
		break;
	case XenbusStateInitialising: {
		enum xenbus_state own = xendev_state(xd);
		if (own == XenbusStateClosing || own == XenbusStateClosed) {
			ops->disconnect(dev);
			xendev_switch(xd, XenbusStateInitWait);
		}
		break;
	}
	case XenbusStateClosing:
		ops->disconnect(dev);
		xendev_switch(xd, XenbusStateClosing);
		break;
	case XenbusStateClosed:
	case XenbusStateUnknown:
		ops->disconnect(dev);
		xendev_switch(xd, XenbusStateClosed);
		break;
	default:
		break;
	}
}

int xendev_front_start(struct xendev *xd, struct xenbus *xb, uint16_t self, const char *type,
		       unsigned int devid)
{
	enum xenbus_state st;
	int rc;

	if ((rc = xendev_front_open(xd, xb, self, type, devid)) ||
	    (rc = xendev_switch(xd, XenbusStateInitialising)))
		return rc;
	/* A backend without transport parameters may skip InitWait for Initialised (blkif.h). */
	return xendev_wait_other(
		xd, ANY_STATE(XenbusStateInitWait, XenbusStateInitialised, XenbusStateConnected),
		&st);
}

int xendev_front_wait_connected(struct xendev *xd)
{
	enum xenbus_state st;
	int rc = xendev_wait_other(
		xd, ANY_STATE(XenbusStateConnected, XenbusStateClosing, XenbusStateClosed), &st);

	return rc ? rc : st == XenbusStateConnected ? 0 : -XEN_ENOTCONN;
}

void xendev_front_close_port(evtchn_port_t *port)
{
	if (*port) {
		evtchn_set_handler(*port, NULL, NULL);
		evtchn_close(*port);
		*port = 0;
	}
}

unsigned int xendev_front_close(struct xendev *xd, evtchn_port_t *port,
				unsigned int (*release)(void *arg), void *arg)
{
	enum xenbus_state st;

	if (xd->own == XenbusStateClosed)
		return release(arg);
	xendev_switch(xd, XenbusStateClosing);
	xendev_wait_other(xd, ANY_STATE(XenbusStateClosing, XenbusStateClosed, XenbusStateUnknown),
			  &st);
	xendev_front_close_port(port);
	unsigned int stuck = release(arg);
	xendev_switch(xd, XenbusStateClosed);
	xendev_wait_other(xd, (1u << XenbusStateClosed) | (1u << XenbusStateUnknown), &st);
	return stuck;
}

/* Our own state, unless our directory is gone (no node is made again). */
static void front_switch(struct xendev *xd, enum xenbus_state s)
{
	if (xendev_state(xd) != XenbusStateUnknown)
		xendev_switch(xd, s);
	xd->own = s;
}

static void front_shut(struct xendev *xd, const struct xendev_front_ops *ops, void *dev)
{
	ops->stop(dev);
	front_switch(xd, XenbusStateClosing);
	unsigned int held = ops->release(dev);
	if (held)
		printk("%s: device %u: the backend still holds %u grants; retried later\n",
		       ops->name, xd->devid, held);
	front_switch(xd, XenbusStateClosed);
}

void xendev_front_follow(struct xendev *xd, enum xenbus_state st,
			 const struct xendev_front_ops *ops, void *dev)
{
	int rc = 0;

	if (xendev_backend_leaving(st)) {
		if (xd->own != XenbusStateClosed) {
			printk("%s: device %u: the backend is closing (state %d)\n", ops->name,
			       xd->devid, st);
			front_shut(xd, ops, dev);
		} else {
			ops->release(dev); /* what the backend held may be free now */
		}
	} else if ((st == XenbusStateInitWait || st == XenbusStateInitialised) &&
		   xd->own == XenbusStateClosed) {
		printk("%s: device %u: the backend is back; connecting again\n", ops->name,
		       xd->devid);
		rc = ops->setup(dev);
	} else if (st == XenbusStateConnected && xd->own == XenbusStateInitialised) {
		if (!(rc = ops->connect(dev)) && !(rc = xendev_switch(xd, XenbusStateConnected)))
			printk("%s: device %u: connected again\n", ops->name, xd->devid);
	}
	if (rc) {
		printk("%s: device %u: cannot connect (%d)\n", ops->name, xd->devid, rc);
		front_shut(xd, ops, dev);
	}
}

static void front_changed(struct xendev *xd, enum xenbus_state st)
{
	xendev_front_follow(xd, st, xd->front_ops, xd->priv);
}

int xendev_front_connect(struct xendev *xd, const struct xendev_front_ops *ops, void *dev)
{
	int rc;

	if (!(rc = ops->setup(dev)) && !(rc = xendev_front_wait_connected(xd)) &&
	    !(rc = ops->connect(dev)) && !(rc = xendev_switch(xd, XenbusStateConnected))) {
		xd->front_ops = ops;
		rc = xendev_watch_otherend(xd, front_changed, dev);
	}
	if (rc)
		printk("%s: device %u: cannot connect (%d)\n", ops->name, xd->devid, rc);
	return rc;
}
