/*
 * A byte ring that keeps the newest bytes of an endless stream.
 *
 * head counts every byte ever written; the byte at stream position p lives
 * in buf[p % size] while head - size <= p < head.  Readers keep their own
 * position, so any number of them can follow the stream without the writer
 * knowing.  No locking here: the caller (printk) holds its lock.
 * Host-tested in tests/unit/printk.
 */
#ifndef HOSPES_LOG_RING_H
#define HOSPES_LOG_RING_H

#include <hospes/types.h>

struct log_ring {
	char *buf;
	size_t size; /* a power of two */
	uint64_t head;
};

void ring_write(struct log_ring *r, const char *s, size_t n);
size_t ring_read(const struct log_ring *r, uint64_t *pos, char *out, size_t len);

#endif
