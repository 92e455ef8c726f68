/*
 * The console backend's logic (consback.h): the per-domain log ring, the
 * line splitter for the mirror, and the ring service in both directions.
 * No hypercalls here: console.c maps, binds and notifies.
 */
#include "consback.h"
#include <core/xencons.h>
#include <string.h>

void conslog_append(struct conslog *l, const char *s, size_t n)
{
	if (n > CONSLOG_SIZE) { /* only the last CONSLOG_SIZE bytes can stay */
		l->end += n - CONSLOG_SIZE;
		s += n - CONSLOG_SIZE;
		n = CONSLOG_SIZE;
	}
	while (n) {
		size_t at = (size_t)(l->end % CONSLOG_SIZE);
		size_t piece = CONSLOG_SIZE - at < n ? CONSLOG_SIZE - at : n;
		memcpy(l->buf + at, s, piece);
		l->end += piece;
		s += piece;
		n -= piece;
	}
}

uint64_t conslog_start(const struct conslog *l)
{
	return l->end > CONSLOG_SIZE ? l->end - CONSLOG_SIZE : 0;
}

size_t conslog_read(const struct conslog *l, uint64_t *pos, char *buf, size_t len)
{
	if (*pos < conslog_start(l))
		*pos = conslog_start(l);
	if (*pos >= l->end)
		return 0;
	size_t n = l->end - *pos < len ? (size_t)(l->end - *pos) : len;
	for (size_t done = 0; done < n;) {
		size_t at = (size_t)((*pos + done) % CONSLOG_SIZE);
		size_t piece = CONSLOG_SIZE - at < n - done ? CONSLOG_SIZE - at : n - done;
		memcpy(buf + done, l->buf + at, piece);
		done += piece;
	}
	*pos += n;
	return n;
}

void consback_init(struct consback *c, domid_t domid, struct xencons_interface *intf,
		   consback_mirror_fn mirror)
{
	memset(c, 0, sizeof(*c));
	c->domid = domid;
	c->intf = intf;
	c->mirror = mirror;
}

static void flush_line(struct consback *c)
{
	c->line[c->line_len] = '\0';
	if (c->mirror && !c->attached)
		c->mirror(c->domid, c->line);
	c->line_len = 0;
}

/* Whole lines to the mirror; carriage returns dropped, long lines split. */
static void split_lines(struct consback *c, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n') {
			flush_line(c);
		} else if (s[i] != '\r') {
			c->line[c->line_len++] = s[i];
			if (c->line_len == CONS_LINE_MAX - 1)
				flush_line(c);
		}
	}
}

long consback_service(struct consback *c)
{
	char buf[256];
	long total = 0, n = 0;

	if (c->broken)
		return -1;
	struct xencons_q q = xencons_out(c->intf);
	/* Bounded, so a domain that writes without pause cannot hold the worker. */
	while (total < CONS_SERVICE_MAX && (n = xencons_get(&q, buf, sizeof(buf))) > 0) {
		conslog_append(&c->log, buf, (size_t)n);
		split_lines(c, buf, (size_t)n);
		c->bytes_out += (unsigned long)n;
		total += n;
	}
	if (n < 0) {
		c->broken = true;
		return -1;
	}
	return total;
}

long consback_input(struct consback *c, const char *buf, size_t len)
{
	if (c->broken)
		return -1;
	struct xencons_q q = xencons_in(c->intf);
	long n = xencons_put(&q, buf, len);
	if (n < 0) {
		c->broken = true;
		return -1;
	}
	c->bytes_in += (unsigned long)n;
	return n;
}
