/*
 * Console ring queues (see xencons.h): copy in at most two pieces (the
 * tail of the ring, then its head), never trusting the other end's index.
 */
#include "xencons.h"
#include <string.h>

long xencons_put(const struct xencons_q *q, const char *buf, size_t len)
{
	XENCONS_RING_IDX cons = __atomic_load_n(q->cons, __ATOMIC_ACQUIRE);
	XENCONS_RING_IDX prod = *q->prod; /* ours */
	uint32_t used = prod - cons;

	if (used > q->size)
		return -1;
	size_t n = q->size - used < len ? q->size - used : len;
	for (size_t done = 0; done < n;) {
		uint32_t at = (prod + (uint32_t)done) & (q->size - 1);
		size_t piece = q->size - at < n - done ? q->size - at : n - done;
		memcpy(q->ring + at, buf + done, piece);
		done += piece;
	}
	__atomic_store_n(q->prod, prod + (uint32_t)n, __ATOMIC_RELEASE);
	return (long)n;
}

long xencons_get(const struct xencons_q *q, char *buf, size_t len)
{
	XENCONS_RING_IDX prod = __atomic_load_n(q->prod, __ATOMIC_ACQUIRE);
	XENCONS_RING_IDX cons = *q->cons; /* ours */
	uint32_t queued = prod - cons;

	if (queued > q->size)
		return -1;
	size_t n = queued < len ? queued : len;
	for (size_t done = 0; done < n;) {
		uint32_t at = (cons + (uint32_t)done) & (q->size - 1);
		size_t piece = q->size - at < n - done ? q->size - at : n - done;
		memcpy(buf + done, q->ring + at, piece);
		done += piece;
	}
	__atomic_store_n(q->cons, cons + (uint32_t)n, __ATOMIC_RELEASE);
	return (long)n;
}
