/*
 * The xenbus client: a guest's side of XenStore.  Requests go out on the
 * store ring, replies are matched to requests by req_id, watch events are
 * queued and dispatched to callbacks.  See xenbus.c for the design.
 *
 * Every call returns 0 (or a length) on success and a negative Xen error
 * number (-XEN_ENOENT, ...) on failure, decoded from the daemon's error
 * name.  `tx` is 0 outside a transaction.
 */
#ifndef XENBUS_XENBUS_H
#define XENBUS_XENBUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <public/io/xenbus.h>
#include <xenbus/xs_ring.h>

#define XENBUS_MAX_PENDING 8
#define XENBUS_TOKEN_LEN   16

struct xenbus;
struct xenbus_watch;
typedef void (*xenbus_watch_fn)(struct xenbus *xb, struct xenbus_watch *w, const char *path);

/* Caller-owned; registered with xenbus_watch(). */
struct xenbus_watch {
	struct xenbus_watch *next;
	char token[XENBUS_TOKEN_LEN];
	xenbus_watch_fn fn; /* may be NULL: then only `events` counts */
	void *arg;
	unsigned long events; /* events received so far */
};

struct xenbus_event {
	struct xenbus_event *next;
	struct xenbus_watch *watch;
	char path[]; /* NUL-terminated */
};

/* One request in flight. */
struct xenbus_pending {
	bool in_use, done;
	uint32_t req_id, type, len; /* len: full reply length */
	char *buf;		    /* reply goes here, NUL-terminated */
	size_t size;
	char err[12];
};

/*
 * Blocking is injected: wait(ctx) is called when no progress is possible
 * (ring full, reply not yet in) and should return once the store event
 * channel has fired, or at least after letting the daemon run.
 */
struct xenbus_waiter {
	void (*wait)(void *ctx);
	void *ctx;
};

struct xenbus {
	struct xs_ring ring;
	struct xenbus_waiter waiter;
	uint32_t next_req_id;
	unsigned long next_token;
	struct xsd_sockmsg hdr; /* message being received */
	uint32_t in_got;
	char in[XENSTORE_PAYLOAD_MAX + 1];
	struct xenbus_pending pend[XENBUS_MAX_PENDING];
	struct xenbus_watch *watches;
	struct xenbus_event *ev_head, *ev_tail;
	bool broken;
	bool sending; /* a thread is writing a request: others wait their turn */
};

void xenbus_init(struct xenbus *xb, struct xenstore_domain_interface *intf, void (*notify)(void *),
		 void *notify_arg, const struct xenbus_waiter *w);

/*
 * Generic request: the payload is `n` pieces of lens[i] bytes each; the
 * reply (up to size - 1 bytes, then a NUL) lands in `reply` if non-NULL.
 * Returns the reply's length or a negative Xen error.
 */
int xenbus_request(struct xenbus *xb, uint32_t type, uint32_t tx, const char *const *pieces,
		   const uint32_t *lens, unsigned int n, char *reply, size_t size);

int xenbus_read(struct xenbus *xb, uint32_t tx, const char *path, char *buf, size_t size);
int xenbus_write(struct xenbus *xb, uint32_t tx, const char *path, const char *value);
int xenbus_mkdir(struct xenbus *xb, uint32_t tx, const char *path);
int xenbus_rm(struct xenbus *xb, uint32_t tx, const char *path);
/* Children as "a\0b\0"; returns the byte count. */
int xenbus_directory(struct xenbus *xb, uint32_t tx, const char *path, char *buf, size_t size);
/* perms: "n0\0r1\0" style, `len` bytes. */
int xenbus_set_perms(struct xenbus *xb, uint32_t tx, const char *path, const char *perms,
		     uint32_t len);
int xenbus_transaction_start(struct xenbus *xb, uint32_t *tx);
/* Returns -XEN_EAGAIN when the transaction conflicted: redo it. */
int xenbus_transaction_end(struct xenbus *xb, uint32_t tx, bool abort);
int xenbus_watch(struct xenbus *xb, struct xenbus_watch *w, const char *path, xenbus_watch_fn fn,
		 void *arg);
int xenbus_unwatch(struct xenbus *xb, struct xenbus_watch *w, const char *path);

/* Toolstack (dom0) calls: hand a new domain's store page and port to the daemon, and back. */
int xenbus_introduce(struct xenbus *xb, uint16_t domid, uint64_t gfn, uint32_t port);
int xenbus_release(struct xenbus *xb, uint16_t domid);
/* "/local/domain/<domid>" into buf. */
int xenbus_get_domain_path(struct xenbus *xb, uint16_t domid, char *buf, size_t size);

/* Read a decimal value; -XEN_EINVAL if it is not one. */
int xenbus_read_ulong(struct xenbus *xb, uint32_t tx, const char *path, unsigned long *v);
/* Write "dir/key" = decimal v. */
int xenbus_write_ulong(struct xenbus *xb, uint32_t tx, const char *dir, const char *key,
		       unsigned long v);

/* Receive what has arrived (no blocking); then run queued watch callbacks. */
void xenbus_poll(struct xenbus *xb);
void xenbus_dispatch_events(struct xenbus *xb);

/* Split-device state machine (<dir>/state). */
const char *xenbus_state_name(enum xenbus_state s);
enum xenbus_state xenbus_read_state(struct xenbus *xb, const char *dir);
int xenbus_switch_state(struct xenbus *xb, uint32_t tx, const char *dir, enum xenbus_state s);
/*
 * Block until <dir>/state is one of the states in `mask` (bit 1 << state);
 * *out gets the state seen.  Uses a watch, so no polling loop.
 */
int xenbus_wait_state(struct xenbus *xb, const char *dir, unsigned int mask,
		      enum xenbus_state *out);
/* Block until `path` reads as `want` (a watch, no polling); 0 or -XEN_*. */
int xenbus_wait_value(struct xenbus *xb, const char *path, const char *want);
/* The same, giving up with -XEN_ETIMEDOUT once *give_up is true when the
 * waiter returns (whoever sets it must then wake the waiter). */
int xenbus_wait_value_until(struct xenbus *xb, const char *path, const char *want,
			    const volatile bool *give_up);

#endif /* XENBUS_XENBUS_H */
