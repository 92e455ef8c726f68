/*
 * A XenStore client for stages 6 and later (explained in stage 6,
 * 06-xenbus/xenbus.c).  One request at a time: the request goes into the
 * store ring's req half, the reply comes back in its rsp half, and
 * between the two the vCPU sleeps in SCHEDOP_poll on the store's event
 * channel.  Events stay masked throughout (no upcall is needed: poll
 * wakes on the port's pending bit).  A watch event that arrives while we
 * wait for a reply is kept (the last one) and counted.
 */
#ifndef EXAMPLES_COMMON_XENSTORE_H
#define EXAMPLES_COMMON_XENSTORE_H

#include "events.h"
#include "time.h"
#include <public/errno.h>
#include <public/io/xs_wire.h>

#define XS_POLL_NS 10000000UL /* re-send the notification every 10 ms */

struct xs {
	volatile struct xenstore_domain_interface *ring;
	struct shared_info *shared;
	evtchn_port_t port;
	uint32_t req_id;
	unsigned int events;		       /* watch events seen */
	char event_path[128], event_token[32]; /* the last one */
	char msg[256];			       /* the message being read */
};

static inline void xs_connect(struct xs *x, struct start_info *si, struct shared_info *shared)
{
	static char page[4096] __attribute__((aligned(4096)));
	x->ring = map_frame(page, si->store_mfn);
	x->shared = shared;
	x->port = si->store_evtchn;
}

static inline void xs_kick(struct xs *x)
{
	struct evtchn_send send = {.port = x->port};
	evtchn_op(EVTCHNOP_send, &send);
}

/* Sleep until the store's port is pending (then clear it) or 10 ms have
 * passed; on a timeout notify again, in case xenstored was not yet
 * listening when we first did. */
static inline void xs_wait(struct xs *x)
{
	evtchn_port_t port = x->port;
	struct sched_poll poll = {.nr_ports = 1, .timeout = now_ns(x->shared) + XS_POLL_NS};
	set_xen_guest_handle(poll.ports, &port);
	hypercall(__HYPERVISOR_sched_op, SCHEDOP_poll, (unsigned long)&poll, 0, 0);
	unsigned long bit = 1UL << (port % 64);
	if (__atomic_fetch_and(&x->shared->evtchn_pending[port / 64], ~bit, __ATOMIC_SEQ_CST) & bit)
		return;
	xs_kick(x);
}

/* Copy n bytes into the request ring as space allows. */
static inline void xs_put(struct xs *x, const void *data, uint32_t n)
{
	const char *p = data;
	while (n) {
		XENSTORE_RING_IDX cons = x->ring->req_cons, prod = x->ring->req_prod;
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		if (prod - cons == XENSTORE_RING_SIZE) {
			xs_kick(x);
			xs_wait(x);
			continue;
		}
		x->ring->req[MASK_XENSTORE_IDX(prod)] = *p++;
		n--;
		__atomic_thread_fence(__ATOMIC_RELEASE); /* the byte before the index */
		x->ring->req_prod = prod + 1;
	}
}

/* Copy n bytes out of the reply ring, waiting for them; keep at most size. */
static inline void xs_get(struct xs *x, char *buf, uint32_t n, uint32_t size)
{
	for (uint32_t i = 0; i < n;) {
		XENSTORE_RING_IDX cons = x->ring->rsp_cons, prod = x->ring->rsp_prod;
		__atomic_thread_fence(__ATOMIC_ACQUIRE); /* the index before the bytes */
		if (prod == cons) {
			xs_wait(x);
			continue;
		}
		char c = x->ring->rsp[MASK_XENSTORE_IDX(cons)];
		if (i < size)
			buf[i] = c;
		i++;
		__atomic_thread_fence(__ATOMIC_RELEASE);
		x->ring->rsp_cons = cons + 1;
	}
	xs_kick(x); /* there is room again, should the daemon wait for it */
}

/* XS_ERROR's payload is an errno name; the Xen error code for it. */
static inline int xs_errno(const char *name)
{
	static const struct {
		const char *name;
		int err;
	} names[] = {{"EINVAL", XEN_EINVAL}, {"EACCES", XEN_EACCES}, {"EEXIST", XEN_EEXIST},
		     {"ENOENT", XEN_ENOENT}, {"ENOSPC", XEN_ENOSPC}, {"EAGAIN", XEN_EAGAIN},
		     {"EBUSY", XEN_EBUSY},   {"E2BIG", XEN_E2BIG},   {"EPERM", XEN_EPERM}};
	for (unsigned int i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (ex_streq(name, names[i].name))
			return -names[i].err;
	return -XEN_EIO;
}

/* Read one message into x->msg (NUL-terminated, cut at its size); returns
 * its type.  A watch event is also recorded: path, token, and the count. */
static inline uint32_t xs_read_msg(struct xs *x, uint32_t *len)
{
	struct xsd_sockmsg m;
	xs_get(x, (char *)&m, sizeof(m), sizeof(m));
	xs_get(x, x->msg, m.len, sizeof(x->msg) - 1);
	*len = m.len < sizeof(x->msg) - 1 ? m.len : sizeof(x->msg) - 1;
	x->msg[*len] = '\0';
	if (m.type == XS_WATCH_EVENT) { /* path NUL token NUL */
		uint32_t n = (uint32_t)ex_strlen(x->msg) + 1;
		x->events++;
		if (n <= sizeof(x->event_path))
			ex_memcpy(x->event_path, x->msg, n);
		if (n < *len && *len - n <= sizeof(x->event_token))
			ex_memcpy(x->event_token, x->msg + n, *len - n);
	}
	return m.type;
}

/* One request: the header, then the pieces one after another (each
 * piece's bytes as given; put the NULs in the lengths).  Returns the
 * reply's payload length (copied to buf, cut to fit, NUL-terminated) or a
 * negative error. */
static inline int xs_request(struct xs *x, uint32_t type, uint32_t tx, const char *p1, uint32_t n1,
			     const char *p2, uint32_t n2, char *buf, uint32_t size)
{
	struct xsd_sockmsg m = {.type = type, .req_id = ++x->req_id, .tx_id = tx, .len = n1 + n2};
	xs_put(x, &m, sizeof(m));
	xs_put(x, p1, n1);
	xs_put(x, p2, n2);
	xs_kick(x);
	uint32_t got, len;
	while ((got = xs_read_msg(x, &len)) == XS_WATCH_EVENT)
		; /* a watch event overtook the reply */
	if (got == XS_ERROR)
		return xs_errno(x->msg);
	if (len > size - 1)
		len = size - 1;
	ex_memcpy(buf, x->msg, len);
	buf[len] = '\0';
	return (int)len;
}

/* The common requests.  A path without a leading '/' is relative to our
 * home, /local/domain/<our id>. */
static inline int xs_read(struct xs *x, uint32_t tx, const char *path, char *buf, uint32_t size)
{
	return xs_request(x, XS_READ, tx, path, (uint32_t)ex_strlen(path) + 1, "", 0, buf, size);
}

static inline int xs_write(struct xs *x, uint32_t tx, const char *path, const char *value)
{
	char ok[8];
	return xs_request(x, XS_WRITE, tx, path, (uint32_t)ex_strlen(path) + 1, value,
			  (uint32_t)ex_strlen(value), ok, sizeof(ok));
}

/* Watch path; events carry the path that changed and our token. */
static inline int xs_watch(struct xs *x, uint32_t type, const char *path, const char *token)
{
	char ok[8];
	return xs_request(x, type, 0, path, (uint32_t)ex_strlen(path) + 1, token,
			  (uint32_t)ex_strlen(token) + 1, ok, sizeof(ok));
}

/* Wait until the count of watch events exceeds seen. */
static inline void xs_wait_event(struct xs *x, unsigned int seen)
{
	uint32_t len;
	while (x->events <= seen)
		if (xs_read_msg(x, &len) != XS_WATCH_EVENT)
			shutdown(SHUTDOWN_crash); /* a reply nobody asked for */
}

#endif
