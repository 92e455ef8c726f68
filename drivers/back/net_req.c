/*
 * netback's data path (see netback.h): transmit packets out of the
 * frontend's pages, receive frames into them, both by grant copy.
 *
 * Transmit, one packet at a time: collect its slots (copied out of the
 * shared ring, so the frontend cannot change them under us), validate the
 * whole packet, copy its fragments end to end into v->page with one
 * GNTTABOP_copy batch, answer every slot, and deliver the frame if all
 * went well.  Responses are published once per pass over the ring, and
 * the frontend is notified only if its rsp_event asks for it.
 *
 * Receive: one posted page per frame, the frame copied to offset 0 (one
 * copy, or two where our buffer crosses a page boundary).
 */
#include "netback.h"

#include <core/kernel.h>
#include <malloc.h>
#include <mm/mm.h>
#include <public/errno.h>
#include <stdlib.h>
#include <string.h>

_Static_assert(__CONST_RING_SIZE(netif_tx, PAGE_SIZE) == NETBACK_RING_SLOTS,
	       "one page of tx ring has NETBACK_RING_SLOTS slots");

int vif_init(struct vif *v, uint16_t front_id, unsigned int devid, const uint8_t *mac)
{
	memset(v, 0, sizeof(*v));
	v->front_id = front_id;
	v->devid = devid;
	memcpy(v->mac, mac, ETH_ALEN);
	v->page = memalign(PAGE_SIZE, PAGE_SIZE);
	return v->page ? 0 : -XEN_ENOMEM;
}

void vif_free(struct vif *v)
{
	free(v->page);
	v->page = NULL;
}

static void tx_respond(struct vif *v, uint16_t id, int16_t status)
{
	struct netif_tx_response *r = RING_GET_RESPONSE(&v->tx, v->tx.rsp_prod_pvt);

	r->id = id;
	r->status = status;
	v->tx.rsp_prod_pvt++;
}

/*
 * Take one packet's slots off the ring into v->slot[]: returns how many
 * were consumed (at least 1; extra-info
 * slots, announced by NETTXF_extra_info on the slot before, are marked
 * in v->is_extra[]).  *ok is
 * false if the chain is not whole within `avail` slots or has extras.
 */
static unsigned int tx_collect(struct vif *v, unsigned int avail, bool *ok)
{
	unsigned int n = 0;
	bool more = true, extra = false, data_more = false;

	*ok = true;
	while (more && n < avail) {
		struct netif_tx_request *s = &v->slot[n];
		RING_COPY_REQUEST(&v->tx, v->tx.req_cons, s);
		v->tx.req_cons++;
		v->is_extra[n++] = extra;
		if (extra) { /* an extra-info slot: is another one behind it? */
			const struct netif_extra_info *x = (const void *)s;
			extra = x->flags & XEN_NETIF_EXTRA_FLAG_MORE;
		} else {
			if (s->flags & NETTXF_extra_info) {
				*ok = false; /* no feature we offer uses extra info */
				extra = true;
			}
			data_more = s->flags & NETTXF_more_data;
		}
		more = extra || data_more;
	}
	if (more)
		*ok = false; /* the frontend published half a packet */
	return n;
}

/* Sizes and offsets of the data slots: the packet's length, or 0 if bad. */
static size_t tx_validate(struct vif *v, unsigned int n)
{
	size_t total = v->slot[0].size, rest = 0;
	unsigned int data = 0;

	if (total < ETH_HLEN || total > ETH_FRAME_MAX)
		return 0;
	for (unsigned int i = 0; i < n; i++) {
		const struct netif_tx_request *s = &v->slot[i];
		if (v->is_extra[i])
			continue;
		if (++data > NETBACK_MAX_SLOTS)
			return 0;
		size_t len = i == 0 ? 0 : s->size;
		if (i > 0)
			rest += len;
		if (rest > total || s->offset + (i == 0 ? total - rest : len) > PAGE_SIZE)
			return 0;
	}
	return v->slot[0].offset + (total - rest) > PAGE_SIZE ? 0 : total;
}

/* Copy the data slots end to end into v->page; true if every copy worked. */
static bool tx_copy(struct vif *v, unsigned int n, size_t total)
{
	unsigned int nops = 0;
	size_t at = 0, rest = 0;

	for (unsigned int i = 1; i < n; i++)
		rest += v->is_extra[i] ? 0 : v->slot[i].size;
	for (unsigned int i = 0; i < n; i++) {
		const struct netif_tx_request *s = &v->slot[i];
		size_t len = i == 0 ? total - rest : s->size;
		if (v->is_extra[i] || !len)
			continue;
		v->ops[nops++] = (struct gnttab_copy){
			.source = {.u.ref = s->gref, .domid = v->front_id, .offset = s->offset},
			.dest = {.u.gmfn = va_to_mfn(v->page),
				 .domid = DOMID_SELF,
				 .offset = (uint16_t)at},
			.len = (uint16_t)len,
			.flags = GNTCOPY_source_gref};
		at += len;
	}
	if (gnttab_op_copy(v->ops, nops))
		return false;
	for (unsigned int i = 0; i < nops; i++)
		if (v->ops[i].status != GNTST_okay)
			return false;
	return true;
}

static void tx_packet(struct vif *v, unsigned int avail)
{
	bool ok;
	unsigned int n = tx_collect(v, avail, &ok);
	size_t total = ok ? tx_validate(v, n) : 0;

	ok = total && tx_copy(v, n, total);
	for (unsigned int i = 0; i < n; i++) {
		tx_respond(v, v->slot[i].id,
			   v->is_extra[i] ? NETIF_RSP_NULL
			   : ok		  ? NETIF_RSP_OKAY
					  : NETIF_RSP_ERROR);
	}
	if (!ok) {
		v->stats.tx_errors++;
		return;
	}
	v->stats.tx_packets++;
	if (v->deliver)
		v->deliver(v, v->page, total);
}

bool netback_tx_service(struct vif *v)
{
	bool notify = false;
	int more;

	do {
		RING_IDX prod = v->tx.sring->req_prod;
		xen_rmb();
		if (RING_REQUEST_PROD_OVERFLOW(&v->tx, prod)) {
			v->broken = true;
			return notify;
		}
		unsigned int avail;
		while ((avail = RING_HAS_UNCONSUMED_REQUESTS(&v->tx)) != 0)
			tx_packet(v, avail);
		bool n;
		RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&v->tx, n);
		notify |= n;
		RING_FINAL_CHECK_FOR_REQUESTS(&v->tx, more);
	} while (more && !v->broken);
	v->stats.notifies += notify;
	return notify;
}

/* The copy ops for `len` bytes of our memory at p into (ref, offset 0). */
static unsigned int rx_ops(struct vif *v, grant_ref_t ref, const uint8_t *p, size_t len)
{
	unsigned int n = 0;
	size_t at = 0;

	while (at < len) {
		size_t in_page = PAGE_SIZE - ((uintptr_t)(p + at) & (PAGE_SIZE - 1));
		size_t chunk = len - at < in_page ? len - at : in_page;
		v->ops[n++] = (struct gnttab_copy){
			.source = {.u.gmfn = va_to_mfn(p + at),
				   .domid = DOMID_SELF,
				   .offset = (uint16_t)((uintptr_t)(p + at) & (PAGE_SIZE - 1))},
			.dest = {.u.ref = ref, .domid = v->front_id, .offset = (uint16_t)at},
			.len = (uint16_t)chunk,
			.flags = GNTCOPY_dest_gref};
		at += chunk;
	}
	return n;
}

int netback_rx_frame(struct vif *v, const void *frame, size_t len)
{
	struct netif_rx_request req;
	bool notify;

	if (v->broken || len < ETH_HLEN || len > ETH_FRAME_MAX)
		return -XEN_EINVAL;
	RING_IDX prod = v->rx.sring->req_prod;
	xen_rmb();
	if (RING_REQUEST_PROD_OVERFLOW(&v->rx, prod)) {
		v->broken = true;
		return -XEN_EINVAL;
	}
	if (!RING_HAS_UNCONSUMED_REQUESTS(&v->rx)) {
		v->stats.rx_dropped++;
		return -XEN_EAGAIN;
	}
	RING_COPY_REQUEST(&v->rx, v->rx.req_cons, &req);
	v->rx.req_cons++;
	unsigned int n = rx_ops(v, req.gref, frame, len);
	bool ok = gnttab_op_copy(v->ops, n) == 0;
	for (unsigned int i = 0; i < n; i++)
		ok = ok && v->ops[i].status == GNTST_okay;
	struct netif_rx_response *r = RING_GET_RESPONSE(&v->rx, v->rx.rsp_prod_pvt);
	r->id = req.id;
	r->offset = 0;
	r->flags = 0;
	r->status = ok ? (int16_t)len : NETIF_RSP_ERROR;
	v->rx.rsp_prod_pvt++;
	RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&v->rx, notify);
	if (!ok) {
		v->stats.rx_errors++;
		return -XEN_EFAULT;
	}
	v->stats.rx_packets++;
	v->stats.notifies += notify;
	return notify;
}
