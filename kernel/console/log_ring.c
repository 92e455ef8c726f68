/*
 * The log ring's two operations (see hospes/log_ring.h for the idea).
 * A writer never waits for readers: it overwrites the oldest bytes, and a
 * reader whose position fell out of the window resumes at the oldest byte
 * still kept.
 */
#include <hospes/log_ring.h>

void ring_write(struct log_ring *r, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		r->buf[(r->head + i) & (r->size - 1)] = s[i];
	r->head += n;
}

size_t ring_read(const struct log_ring *r, uint64_t *pos, char *out, size_t len)
{
	uint64_t oldest = r->head > r->size ? r->head - r->size : 0;
	if (*pos < oldest)
		*pos = oldest;
	if (*pos > r->head)
		*pos = r->head;
	size_t n = 0;
	while (n < len && *pos < r->head) {
		out[n++] = r->buf[*pos & (r->size - 1)];
		(*pos)++;
	}
	return n;
}
