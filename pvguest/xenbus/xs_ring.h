/*
 * The XenStore byte-stream transport over a xenstore_domain_interface page,
 * for either end: a client (guest) produces into req[] and consumes rsp[];
 * the server (xenstored) does the reverse.  See xs_ring.c.
 */
#ifndef XENBUS_XS_RING_H
#define XENBUS_XS_RING_H

#include <stdbool.h>
#include <stddef.h>
#include <public/io/xs_wire.h>

enum xs_ring_side { XS_RING_CLIENT, XS_RING_SERVER };

struct xs_ring {
	struct xenstore_domain_interface *intf;
	enum xs_ring_side side;
	void (*notify)(void *arg); /* kick the peer (event channel) */
	void *notify_arg;
	bool moved; /* bytes moved since the last xs_ring_notify() */
};

/* The page is shared; `notify` may be NULL (polling peers). */
void xs_ring_init(struct xs_ring *r, struct xenstore_domain_interface *intf, enum xs_ring_side side,
		  void (*notify)(void *), void *notify_arg);

/*
 * Copy up to `len` bytes into the outgoing ring; returns the number copied
 * (0 when full) or -1 if the peer left the indices inconsistent.  Neither
 * this nor xs_ring_read kicks the peer: call xs_ring_notify() once after a
 * batch, and always before going to sleep.
 */
int xs_ring_write(struct xs_ring *r, const void *buf, size_t len);

/* Copy up to `len` bytes out of the incoming ring; same results. */
int xs_ring_read(struct xs_ring *r, void *buf, size_t len);

/* Kick the peer if any bytes moved (either way) since the last call. */
void xs_ring_notify(struct xs_ring *r);

/* Bytes waiting in the incoming ring / free in the outgoing ring. */
size_t xs_ring_avail_in(struct xs_ring *r);
size_t xs_ring_space_out(struct xs_ring *r);

#endif /* XENBUS_XS_RING_H */
