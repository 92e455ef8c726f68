/*
 * One connection = one domain's ring.  Incoming bytes are framed into
 * messages (16-byte header, then the payload copied into c->in and
 * NUL-terminated, so handlers can never run off its end); outgoing replies
 * and watch events wait in a queue that drains into the response ring as
 * the guest makes room.
 *
 * The guest is untrusted.  A header announcing more than
 * XENSTORE_PAYLOAD_MAX bytes is answered with E2BIG and its payload is
 * skipped, keeping the stream in step; a ring whose indices make no sense
 * marks the connection broken (error = XENSTORE_ERROR_RINGIDX) and it is
 * served no more, but the daemon and every other connection carry on.
 *
 * Back-pressure: an unprivileged domain with `outstanding` replies it has
 * not yet taken is not read from until it takes some, so a guest that
 * never reads cannot make the daemon queue without bound.  Fairness: each
 * turn serves at most READS_PER_TURN reads of a connection before moving
 * on to the next.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"

/*
 * One line per failure, rate-limited so a misbehaving guest cannot flood
 * dom0's log: the first LOG_BURST lines, then one in LOG_SAMPLE.
 */
#define LOG_BURST  32
#define LOG_SAMPLE 256

void xsd_log(struct xsd *d, const char *fmt, ...)
{
	char line[160];
	va_list ap;
	unsigned long n = d->log_lines++;

	if (!d->ops.log || (n >= LOG_BURST && n % LOG_SAMPLE != 0))
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	d->ops.log(d->ops.ctx, line);
}

struct xsd_conn *conn_find(struct xsd *d, uint16_t domid)
{
	for (struct xsd_conn *c = d->conns; c; c = c->next)
		if (c->domid == domid)
			return c;
	return NULL;
}

void conn_queue(struct xsd_conn *c, uint32_t type, uint32_t req_id, uint32_t tx_id, const void *a,
		uint32_t alen, const void *b, uint32_t blen)
{
	struct xsd_sockmsg hdr = {type, req_id, tx_id, alen + blen};
	struct out_msg *m = malloc(sizeof(*m) + sizeof(hdr) + alen + blen);

	if (!m) {
		xsd_log(c->xsd, "no memory for a reply to domain %u", c->domid);
		return;
	}
	m->next = NULL;
	m->len = (uint32_t)sizeof(hdr) + alen + blen;
	m->off = 0;
	memcpy(m->data, &hdr, sizeof(hdr));
	if (alen)
		memcpy(m->data + sizeof(hdr), a, alen);
	if (blen)
		memcpy(m->data + sizeof(hdr) + alen, b, blen);
	if (c->out_tail)
		c->out_tail->next = m;
	else
		c->out_head = m;
	c->out_tail = m;
	c->out_count++;
}

static void mark_broken(struct xsd_conn *c, uint32_t why)
{
	c->broken = true;
	c->ring.intf->error = why;
	xsd_log(c->xsd, "domain %u: store ring broken (error %u)", c->domid, why);
}

/* Push queued output into the ring; true if any message completed. */
static bool flush(struct xsd_conn *c)
{
	bool progress = false;

	while (c->out_head && !c->broken) {
		struct out_msg *m = c->out_head;
		int n = xs_ring_write(&c->ring, m->data + m->off, m->len - m->off);
		if (n < 0) {
			mark_broken(c, XENSTORE_ERROR_RINGIDX);
			break;
		}
		if (n == 0)
			break;
		m->off += (uint32_t)n;
		if (m->off < m->len)
			continue;
		c->out_head = m->next;
		if (!c->out_head)
			c->out_tail = NULL;
		c->out_count--;
		free(m);
		progress = true;
	}
	return progress;
}

/* Header complete: accept it, or refuse an oversized one and skip its payload. */
static bool header_done(struct xsd_conn *c)
{
	if (c->hdr.len <= XENSTORE_PAYLOAD_MAX)
		return c->hdr.len == 0;
	xsd_log(c->xsd, "domain %u: payload of %u bytes refused", c->domid, c->hdr.len);
	conn_queue(c, XS_ERROR, c->hdr.req_id, c->hdr.tx_id, "E2BIG", 6, NULL, 0);
	c->skip = c->hdr.len;
	c->in_got = 0;
	return false;
}

/* Move one chunk of input; returns bytes read, or -1 on a broken ring. */
static int read_step(struct xsd_conn *c)
{
	const uint32_t hsz = sizeof(c->hdr);
	char scratch[256];
	int n;

	if (c->skip) {
		n = xs_ring_read(&c->ring, scratch,
				 c->skip < sizeof(scratch) ? c->skip : sizeof(scratch));
		c->skip -= n > 0 ? (uint32_t)n : 0;
		return n;
	}
	if (c->in_got < hsz) {
		n = xs_ring_read(&c->ring, (char *)&c->hdr + c->in_got, hsz - c->in_got);
		if (n <= 0)
			return n;
		c->in_got += (uint32_t)n;
		if (c->in_got < hsz || !header_done(c))
			return n;
	} else {
		n = xs_ring_read(&c->ring, c->in + (c->in_got - hsz),
				 c->hdr.len - (c->in_got - hsz));
		if (n <= 0)
			return n;
		c->in_got += (uint32_t)n;
		if (c->in_got < hsz + c->hdr.len)
			return n;
	}
	c->in[c->hdr.len] = '\0';
	c->in_got = 0;
	request_dispatch(c, &c->hdr, c->in);
	return n ? n : 1;
}

/* Reads per turn, so one busy domain cannot starve the others in xsd_poll. */
#define READS_PER_TURN 64

bool conn_serve(struct xsd_conn *c)
{
	bool progress = false;

	for (unsigned int turn = 0; turn < READS_PER_TURN && !c->broken; turn++) {
		progress |= flush(c);
		if (!c->privileged && c->out_count >= c->xsd->quota.outstanding)
			break;
		int n = read_step(c);
		if (n < 0)
			mark_broken(c, XENSTORE_ERROR_RINGIDX);
		if (n <= 0)
			break;
		progress = true;
	}
	progress |= flush(c);
	xs_ring_notify(&c->ring);
	return progress;
}

void conn_free(struct xsd_conn *c)
{
	while (c->out_head) {
		struct out_msg *m = c->out_head;
		c->out_head = m->next;
		free(m);
	}
	watch_free_all(c);
	txn_free_all(c);
	free(c);
}

bool xsd_poll(struct xsd *d)
{
	bool any = false, progress;

	do {
		progress = false;
		for (struct xsd_conn *c = d->conns; c; c = c->next)
			progress |= conn_serve(c);
		any |= progress;
	} while (progress);
	return any;
}
