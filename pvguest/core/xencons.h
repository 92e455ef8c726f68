/*
 * The console ring (public/io/console.h) as byte queues, for both ends.
 *
 * A ring is `size` bytes (a power of two) with two free-running 32-bit
 * indices in the shared page: the producer writes at prod, the consumer
 * reads at cons, and prod - cons is what is queued.  Each end owns one
 * index and only reads the other's, which the other domain may set to
 * anything: a queue length above `size` is a lie, reported as -1 and
 * acted on by the caller (the backend stops serving that console, as
 * Xen's xenconsoled does); nothing is read or written beyond the ring.
 *
 * Ordering: the consumer loads prod (acquire) before reading bytes and
 * publishes cons (release) after; the producer loads cons (acquire)
 * before writing bytes and publishes prod (release) after, so neither
 * end sees an index before the bytes it covers.  Pure code: the guest
 * kernel, dom0's backend and the host tests share it.
 */
#ifndef PVGUEST_CORE_XENCONS_H
#define PVGUEST_CORE_XENCONS_H

#include <public/io/console.h>
#include <stddef.h>
#include <stdint.h>

struct xencons_q {
	char *ring;
	uint32_t size; /* power of two */
	XENCONS_RING_IDX *cons, *prod;
};

/* Appends up to len bytes; returns how many fit (0 if full), -1 if the indices lie. */
long xencons_put(const struct xencons_q *q, const char *buf, size_t len);
/* Takes up to len queued bytes; returns how many (0 if empty), -1 if the indices lie. */
long xencons_get(const struct xencons_q *q, char *buf, size_t len);

/* The two directions of a console page. */
static inline struct xencons_q xencons_out(struct xencons_interface *i)
{
	return (struct xencons_q){i->out, sizeof(i->out), &i->out_cons, &i->out_prod};
}
static inline struct xencons_q xencons_in(struct xencons_interface *i)
{
	return (struct xencons_q){i->in, sizeof(i->in), &i->in_cons, &i->in_prod};
}

#endif
