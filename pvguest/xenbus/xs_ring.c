/*
 * XenStore ring transport: a byte pipe in each direction over the shared
 * xenstore_domain_interface page.
 *
 * Each direction is a 1 KiB array with a producer index (written only by
 * the writer) and a consumer index (written only by the reader).  Indices
 * run freely as 32-bit counters and are masked on use, so "prod - cons" is
 * the fill level even across wrap-around, and neither end may assume they
 * start at zero.  The peer is untrusted: a fill level above the ring size
 * means the indices are corrupt, which we report (-1) instead of trusting.
 *
 * Ordering (both ends run concurrently on other CPUs):
 *   reader: load prod, then (acquire) read the bytes, then (full barrier,
 *           so the copy is finished) publish cons;
 *   writer: load cons, then (full barrier, so we do not overwrite bytes the
 *           reader is still copying) write the bytes, then (release)
 *           publish prod.
 * The peer must be notified after the indices move, as Xen's protocol
 * asks; callers batch this (xs_ring_notify once per burst of reads and
 * writes), which saves an event-channel hypercall per message piece.
 * No locks: each ring has one reader and one writer by construction.
 */
#include <string.h>
#include <xenbus/xs_ring.h>

struct ring_dir {
	char *buf;
	XENSTORE_RING_IDX *cons;
	XENSTORE_RING_IDX *prod;
};

static struct ring_dir dir_out(struct xs_ring *r)
{
	struct xenstore_domain_interface *i = r->intf;

	if (r->side == XS_RING_CLIENT)
		return (struct ring_dir){i->req, &i->req_cons, &i->req_prod};
	return (struct ring_dir){i->rsp, &i->rsp_cons, &i->rsp_prod};
}

static struct ring_dir dir_in(struct xs_ring *r)
{
	struct xenstore_domain_interface *i = r->intf;

	if (r->side == XS_RING_CLIENT)
		return (struct ring_dir){i->rsp, &i->rsp_cons, &i->rsp_prod};
	return (struct ring_dir){i->req, &i->req_cons, &i->req_prod};
}

static XENSTORE_RING_IDX load_idx(XENSTORE_RING_IDX *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

void xs_ring_init(struct xs_ring *r, struct xenstore_domain_interface *intf, enum xs_ring_side side,
		  void (*notify)(void *), void *notify_arg)
{
	r->intf = intf;
	r->side = side;
	r->notify = notify;
	r->notify_arg = notify_arg;
	r->moved = false;
}

void xs_ring_notify(struct xs_ring *r)
{
	if (r->moved && r->notify)
		r->notify(r->notify_arg);
	r->moved = false;
}

/* Fill level of a direction, or -1 when the indices are inconsistent. */
static long fill_level(XENSTORE_RING_IDX cons, XENSTORE_RING_IDX prod)
{
	XENSTORE_RING_IDX used = prod - cons;

	return used > XENSTORE_RING_SIZE ? -1 : (long)used;
}

int xs_ring_write(struct xs_ring *r, const void *buf, size_t len)
{
	struct ring_dir d = dir_out(r);
	XENSTORE_RING_IDX prod = load_idx(d.prod);
	XENSTORE_RING_IDX cons = load_idx(d.cons);
	long used = fill_level(cons, prod);
	size_t n, first;

	if (used < 0)
		return -1;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	n = XENSTORE_RING_SIZE - (size_t)used;
	if (n > len)
		n = len;
	if (n == 0)
		return 0;
	first = XENSTORE_RING_SIZE - MASK_XENSTORE_IDX(prod);
	if (first > n)
		first = n;
	memcpy(d.buf + MASK_XENSTORE_IDX(prod), buf, first);
	memcpy(d.buf, (const char *)buf + first, n - first);
	__atomic_store_n(d.prod, prod + (XENSTORE_RING_IDX)n, __ATOMIC_RELEASE);
	r->moved = true;
	return (int)n;
}

int xs_ring_read(struct xs_ring *r, void *buf, size_t len)
{
	struct ring_dir d = dir_in(r);
	XENSTORE_RING_IDX cons = load_idx(d.cons);
	XENSTORE_RING_IDX prod = __atomic_load_n(d.prod, __ATOMIC_ACQUIRE);
	long used = fill_level(cons, prod);
	size_t n, first;

	if (used < 0)
		return -1;
	n = (size_t)used < len ? (size_t)used : len;
	if (n == 0)
		return 0;
	first = XENSTORE_RING_SIZE - MASK_XENSTORE_IDX(cons);
	if (first > n)
		first = n;
	memcpy(buf, d.buf + MASK_XENSTORE_IDX(cons), first);
	memcpy((char *)buf + first, d.buf, n - first);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	__atomic_store_n(d.cons, cons + (XENSTORE_RING_IDX)n, __ATOMIC_RELAXED);
	r->moved = true;
	return (int)n;
}

size_t xs_ring_avail_in(struct xs_ring *r)
{
	struct ring_dir d = dir_in(r);
	long used = fill_level(load_idx(d.cons), __atomic_load_n(d.prod, __ATOMIC_ACQUIRE));

	return used < 0 ? 0 : (size_t)used;
}

size_t xs_ring_space_out(struct xs_ring *r)
{
	struct ring_dir d = dir_out(r);
	long used = fill_level(load_idx(d.cons), load_idx(d.prod));

	return used < 0 ? 0 : XENSTORE_RING_SIZE - (size_t)used;
}
