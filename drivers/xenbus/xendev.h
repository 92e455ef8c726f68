/*
 * The split-driver toolkit both ends share: where a device lives in
 * XenStore, the state handshake, and the shared ring.
 *
 * Paths are Xen's:
 *   frontend  /local/domain/<front>/device/<type>/<devid>
 *   backend   /local/domain/<back>/backend/<type>/<front>/<devid>
 * The toolstack creates both directories at once (xendev_create), each
 * owned by its end and readable by the other, with "state" = 1
 * (Initialising) and the keys that name the other end.  Then:
 *
 *   backend:  features, InitWait ----------------------\
 *   frontend: ring page, grant, event channel,          v
 *             ring-ref / event-channel / protocol, Initialised
 *   backend:  maps the ring, binds the channel, disk keys, Connected
 *   frontend: reads the disk keys, Connected
 *   either:   Closing; the other unhooks and answers Closed; a frontend
 *             that comes back to Initialising starts a new round.
 *
 * The other end's state is followed with a watch on <otherend>/state;
 * the callback runs from xenbus_dispatch_events() in a thread, never in
 * an interrupt.  Everything here is built on the pvguest xenbus client
 * and is host-tested against the real xenstored.
 */
#ifndef DRIVERS_XENBUS_XENDEV_H
#define DRIVERS_XENBUS_XENDEV_H

#include <stdbool.h>
#include <stdint.h>
#include <public/event_channel.h>
#include <public/grant_table.h>
#include <xenbus/xenbus.h>

#define XENDEV_PATH  96
#define XENDEV_RINGS 2 /* vif: tx and rx */

struct xendev;
typedef void (*xendev_changed_fn)(struct xendev *xd, enum xenbus_state other);

struct xendev {
	struct xenbus *xb;
	char dir[XENDEV_PATH];	    /* this end's directory */
	char otherend[XENDEV_PATH]; /* the other end's */
	uint16_t otherend_id;
	unsigned int devid;
	xendev_changed_fn changed;
	void *priv;
	const struct xendev_front_ops *front_ops; /* a frontend's, from xendev_front_connect */
	struct xenbus_watch watch;		  /* on <otherend>/state */
	bool watching;
	enum xenbus_state own; /* the state this end last switched to */
	char watch_path[XENDEV_PATH + 8];
	struct xendev_ring {	  /* backend: the frontend's ring pages */
		unsigned long va; /* where ring i gets mapped */
		grant_handle_t handle;
		bool mapped;
	} ring[XENDEV_RINGS];
};

/* What the toolstack writes for one device besides the standard keys. */
struct xendev_key {
	const char *key, *value;
};

struct xendev_spec {
	const char *type; /* "vbd", "vif", ... */
	uint16_t front_id, back_id;
	unsigned int devid;
	const struct xendev_key *front_keys, *back_keys; /* NULL-key terminated, or NULL */
};

/* Toolstack: both directories in one transaction; 0 or -XEN_*. */
int xendev_create(struct xenbus *xb, const struct xendev_spec *spec);
/* Toolstack: remove both directories. */
int xendev_destroy(struct xenbus *xb, const struct xendev_spec *spec);

/*
 * Find this end's directory and the other end's from the keys the
 * toolstack wrote ("backend"/"backend-id", "frontend"/"frontend-id").
 * 0, -XEN_ENOENT (no such device), -XEN_EINVAL (bad keys).
 */
int xendev_front_open(struct xendev *xd, struct xenbus *xb, uint16_t self, const char *type,
		      unsigned int devid);
int xendev_back_open(struct xendev *xd, struct xenbus *xb, uint16_t self, const char *type,
		     uint16_t front_id, unsigned int devid);

/* Follow the other end's state: fn runs now (once) and on every change. */
int xendev_watch_otherend(struct xendev *xd, xendev_changed_fn fn, void *priv);
void xendev_close(struct xendev *xd);

int xendev_switch(struct xendev *xd, enum xenbus_state s);
/* A frontend's view of its connected backend's state: Closing, Closed or
 * Unknown (its directory gone) means it is going away (xenbus.h), so
 * nothing more on the rings will be answered. */
static inline bool xendev_backend_leaving(enum xenbus_state st)
{
	return st == XenbusStateClosing || st == XenbusStateClosed || st == XenbusStateUnknown;
}
enum xenbus_state xendev_state(struct xendev *xd);
enum xenbus_state xendev_other_state(struct xendev *xd);
/* Block until the other end's state is in mask (1 << state). */
int xendev_wait_other(struct xendev *xd, unsigned int mask, enum xenbus_state *out);

/* Keys of this end (write) and of the other end (read). */
int xendev_write_ulong(struct xendev *xd, uint32_t tx, const char *key, unsigned long v);
int xendev_write(struct xendev *xd, uint32_t tx, const char *key, const char *value);
int xendev_read_other_ulong(struct xendev *xd, const char *key, unsigned long *v);
/* A missing key reads as `dflt`; a malformed one is an error. */
int xendev_read_other_ulong_or(struct xendev *xd, const char *key, unsigned long dflt,
			       unsigned long *v);

/*
 * A backend's answer to its frontend's state, the same for every device
 * type; call it from the xendev_watch_otherend callback.  Initialised or
 * Connected while not connected: connect (a failure is logged and we go
 * Closing).  Initialising after we closed: disconnect, InitWait (a new
 * round; the Closed before it may have coalesced away, since a watch
 * reads the state when it runs).  Closing: disconnect, Closing.  Closed
 * or Unknown (the frontend's directory is gone): disconnect, Closed.
 */
struct xendev_back_ops {
	const char *name; /* "blkback", ... for the log */
	bool (*connected)(void *dev);
	int (*connect)(void *dev);
	void (*disconnect)(void *dev);
};
void xendev_back_follow(struct xendev *xd, enum xenbus_state st, const struct xendev_back_ops *ops,
			void *dev);

/*
 * Frontend: open device `type`/`devid` of domain `self`, announce
 * Initialising (again, after a disconnect: it asks the backend for a new
 * round) and wait for the backend's InitWait, Initialised (a backend may
 * skip InitWait when it negotiates nothing: blkif.h's state diagram) or
 * Connected.
 */
int xendev_front_start(struct xendev *xd, struct xenbus *xb, uint16_t self, const char *type,
		       unsigned int devid);
/* Frontend, after publishing: wait for Connected; -XEN_ENOTCONN if it closed instead. */
int xendev_front_wait_connected(struct xendev *xd);
/*
 * Frontend: Closing; wait for the backend to let go; close our event
 * channel (*port, then 0); release(arg) revokes the grants and returns
 * how many the backend still holds; Closed; wait for the backend's.
 * Returns what release returned.  Already Closed (xendev_front_follow
 * closed it when the backend went away): release only, to retry.
 */
unsigned int xendev_front_close(struct xendev *xd, evtchn_port_t *port,
				unsigned int (*release)(void *arg), void *arg);

/*
 * A frontend's answer to its backend's state once the device is up; call
 * it from the xendev_watch_otherend callback.  Xen's xenbus.h rules, as
 * Xen's frontends follow them:
 *   Closing, Closed or Unknown (the directory gone) while we are not
 *     Closed: stop (no more I/O, waiters woken), Closing, release (event
 *     channel closed, grants revoked), Closed.  Grants the backend still
 *     holds (a backend that unmaps only once we are Closed) are kept, not
 *     reused, and retried by release at its next state change.
 *   InitWait or Initialised while we are Closed: a new round, as when
 *     the backend comes back (re-attached): setup (features, ring,
 *     channel, keys, Initialised).
 *   Connected while we are Initialised: connect (the backend's keys),
 *     Connected.
 * A failing setup or connect is logged and the device closed again.  Our
 * own state is not written while our directory is gone.
 */
struct xendev_front_ops {
	const char *name; /* "blkfront", ... for the log */
	void (*stop)(void *dev);
	unsigned int (*release)(void *dev); /* returns grants still held */
	int (*setup)(void *dev);
	int (*connect)(void *dev);
};
void xendev_front_follow(struct xendev *xd, enum xenbus_state st,
			 const struct xendev_front_ops *ops, void *dev);
/*
 * The rest of a frontend's first round after xendev_front_start, the same
 * for every device type: ops->setup(dev), wait for Connected,
 * ops->connect(dev), Connected; then follow the backend's state with
 * xendev_front_follow(ops, dev).  0, or the first error, logged as
 * "<ops->name>: device <devid>: cannot connect (rc)"; the caller then
 * disconnects.
 */
int xendev_front_connect(struct xendev *xd, const struct xendev_front_ops *ops, void *dev);
/* Unhook and close a frontend's event channel (*port, then 0; none if 0). */
void xendev_front_close_port(evtchn_port_t *port);

/*
 * Frontend: publish ring-ref, event-channel and protocol and switch to
 * Initialised, in one transaction (retried on conflict).
 */
int xendev_front_publish(struct xendev *xd, grant_ref_t ring_ref, evtchn_port_t port);

/* A numeric key a frontend publishes. */
struct xendev_ulong {
	const char *key;
	unsigned long value;
};
/*
 * Frontend: write `n` keys (and "protocol" if `protocol` is set) and
 * switch to Initialised, in one transaction (retried on conflict).
 */
int xendev_front_publish_keys(struct xendev *xd, const struct xendev_ulong *keys, unsigned int n,
			      bool protocol);
/* Backend: read the frontend's key as a grant reference / an event channel. */
int xendev_read_other_ref(struct xendev *xd, const char *key, grant_ref_t *ref);
int xendev_read_other_port(struct xendev *xd, const char *key, evtchn_port_t *port);
/* Backend: read and check the frontend's ring-ref and event-channel. */
int xendev_back_ring_keys(struct xendev *xd, grant_ref_t *ring_ref, evtchn_port_t *port);

/*
 * Backend: map the frontend's ring page i (grant map) / unmap it
 * (xendev_ring.c in a guest; the host tests bring their own).
 */
void *xendev_map_ring_at(struct xendev *xd, unsigned int i, grant_ref_t ref);
int xendev_unmap_ring_at(struct xendev *xd, unsigned int i);
/* Ring 0, for the devices that have one. */
static inline void *xendev_map_ring(struct xendev *xd, grant_ref_t ref)
{
	return xendev_map_ring_at(xd, 0, ref);
}
static inline int xendev_unmap_ring(struct xendev *xd)
{
	return xendev_unmap_ring_at(xd, 0);
}

#endif
