/*
 * netback's data path (see netback.h): transmit packets out of the
 * frontend's pages, receive frames into them, both by grant copy.
 *
 * Transmit, in batches of up to NETBACK_TX_BATCH packets: for each packet
 * collect its slots (copied out of the shared ring, so the frontend cannot
 * change them under us) and validate the whole packet; then one
 * GNTTABOP_copy copies the fragments of every valid packet of the batch
 * end to end into its own page of v->page; then, in ring order, every
 * slot is answered and each packet whose copies all succeeded is
 * delivered.  A frontend sending a burst so costs one hypercall per
 * batch, not per packet.  Responses are published once per pass over the
 * ring, and the frontend is notified only if its rsp_event asks for it.
 *
 * A packet flagged NETTXF_csum_blank (IPv4 TCP or UDP; the offload a
 * Xen frontend assumes unless it writes feature-no-csum-offload) gets
 * its checksum filled in before it is delivered.
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
	v->page = memalign(PAGE_SIZE, NETBACK_TX_BATCH * PAGE_SIZE);
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
static unsigned int tx_collect(struct vif *v, unsigned int base, unsigned int avail, bool *ok)
{
	unsigned int n = 0;
	bool more = true, extra = false, data_more = false;

	*ok = true;
	while (more && n < avail) {
		struct netif_tx_request *s = &v->slot[base + n];
		RING_COPY_REQUEST(&v->tx, v->tx.req_cons, s);
		v->tx.req_cons++;
		v->is_extra[base + n++] = extra;
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

/* One packet of a transmit batch: its slots v->slot[first..first+n), its copies. */
struct tx_pkt {
	unsigned int first, n, op0, nops;
	size_t total; /* 0: the packet is bad */
};

/* Sizes and offsets of the data slots: the packet's length, or 0 if bad. */
static size_t tx_validate(const struct vif *v, const struct tx_pkt *p)
{
	const struct netif_tx_request *slot = &v->slot[p->first];
	const bool *is_extra = &v->is_extra[p->first];
	size_t total = slot[0].size, rest = 0;
	unsigned int data = 0;

	if (total < ETH_HLEN || total > ETH_FRAME_MAX)
		return 0;
	for (unsigned int i = 0; i < p->n; i++) {
		const struct netif_tx_request *s = &slot[i];
		if (is_extra[i])
			continue;
		if (++data > NETBACK_MAX_SLOTS)
			return 0;
		size_t len = i == 0 ? 0 : s->size;
		if (i > 0)
			rest += len;
		if (rest > total || s->offset + (i == 0 ? total - rest : len) > PAGE_SIZE)
			return 0;
	}
	return slot[0].offset + (total - rest) > PAGE_SIZE ? 0 : total;
}

/* Queue the copies of packet p's data slots, end to end into `page`, at v->tx_ops[op]. */
static unsigned int tx_queue(struct vif *v, const struct tx_pkt *p, uint8_t *page, unsigned int op)
{
	const struct netif_tx_request *slot = &v->slot[p->first];
	const bool *is_extra = &v->is_extra[p->first];
	unsigned int nops = 0;
	size_t at = 0, rest = 0;

	for (unsigned int i = 1; i < p->n; i++)
		rest += is_extra[i] ? 0 : slot[i].size;
	for (unsigned int i = 0; i < p->n; i++) {
		const struct netif_tx_request *s = &slot[i];
		size_t len = i == 0 ? p->total - rest : s->size;
		if (is_extra[i] || !len)
			continue;
		v->tx_ops[op + nops++] = (struct gnttab_copy){
			.source = {.u.ref = s->gref, .domid = v->front_id, .offset = s->offset},
			.dest = {.u.gmfn = va_to_mfn(page),
				 .domid = DOMID_SELF,
				 .offset = (uint16_t)at},
			.len = (uint16_t)len,
			.flags = GNTCOPY_source_gref};
		at += len;
	}
	return nops;
}

/*
 * NETTXF_csum_blank: the frontend left the TCP or UDP checksum of an IPv4
 * packet for us to fill in.  IPv4 checksum offload is on unless the
 * frontend writes feature-no-csum-offload (netif.h), so a Xen frontend
 * sends such packets by default.  The field is recomputed from scratch
 * (pseudo-header and segment), whatever the frontend left in it.  False
 * for anything else: not IPv4, a fragment, not TCP or UDP, lengths that
 * do not fit the frame (the packet is then answered NETIF_RSP_ERROR).
 */
static bool tx_csum_fill(uint8_t *f, size_t len)
{
	static const uint8_t csum_at[IP_PROTO_UDP + 1] = {[IP_PROTO_TCP] = 16, [IP_PROTO_UDP] = 6};
	uint8_t *ip = f + ETH_HLEN;

	if (len < ETH_HLEN + IP_HLEN || net_get16(f + 12) != ETH_P_IP || ip[0] >> 4 != 4)
		return false;
	size_t ihl = (ip[0] & 0xfu) * 4u, tot = net_get16(ip + 2);
	uint8_t proto = ip[9];
	if (ihl < IP_HLEN || tot < ihl || tot > len - ETH_HLEN || (net_get16(ip + 6) & 0x3fff) ||
	    proto > IP_PROTO_UDP || !csum_at[proto] || tot - ihl < csum_at[proto] + 2u)
		return false;
	uint8_t *l4 = ip + ihl;
	size_t l4len = tot - ihl;
	uint32_t sum = net_get16(ip + 12) + net_get16(ip + 14) + net_get16(ip + 16) +
		       net_get16(ip + 18) + proto + (uint32_t)l4len;
	net_put16(l4 + csum_at[proto], 0);
	uint16_t c = ip_checksum(l4, l4len, sum);
	net_put16(l4 + csum_at[proto], proto == IP_PROTO_UDP && !c ? 0xffff : c);
	return true;
}

/* Answer packet p's slots and deliver it if it and all its copies are good. */
static void tx_finish(struct vif *v, const struct tx_pkt *p, uint8_t *page, bool copied)
{
	bool ok = p->total && copied;

	for (unsigned int i = 0; i < p->nops && ok; i++)
		ok = v->tx_ops[p->op0 + i].status == GNTST_okay;
	if (ok && (v->slot[p->first].flags & NETTXF_csum_blank)) {
		ok = tx_csum_fill(page, p->total);
		v->stats.tx_csum += ok;
	}
	for (unsigned int i = p->first; i < p->first + p->n; i++)
		tx_respond(v, v->slot[i].id,
			   v->is_extra[i] ? NETIF_RSP_NULL
			   : ok		  ? NETIF_RSP_OKAY
					  : NETIF_RSP_ERROR);
	if (!ok) {
		v->stats.tx_errors++;
		return;
	}
	v->stats.tx_packets++;
	if (v->deliver)
		v->deliver(v, page, p->total);
}

/* Up to NETBACK_TX_BATCH packets: collect and validate, one copy, answer and deliver. */
static void tx_batch(struct vif *v)
{
	struct tx_pkt pkt[NETBACK_TX_BATCH];
	unsigned int np = 0, base = 0, nops = 0, avail;

	/* A packet's slots must fit behind the batch's: stop before one might not. */
	while (np < NETBACK_TX_BATCH && (avail = RING_HAS_UNCONSUMED_REQUESTS(&v->tx)) != 0 &&
	       base + avail <= NETBACK_RING_SLOTS) {
		struct tx_pkt *p = &pkt[np];
		bool ok;
		p->first = base;
		p->n = tx_collect(v, base, avail, &ok);
		p->total = ok ? tx_validate(v, p) : 0;
		p->op0 = nops;
		p->nops = p->total ? tx_queue(v, p, v->page + np * PAGE_SIZE, nops) : 0;
		nops += p->nops;
		base += p->n;
		np++;
	}
	bool copied = !nops || gnttab_op_copy(v->tx_ops, nops) == 0;
	for (unsigned int i = 0; i < np; i++)
		tx_finish(v, &pkt[i], v->page + i * PAGE_SIZE, copied);
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
		while (RING_HAS_UNCONSUMED_REQUESTS(&v->tx))
			tx_batch(v);
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
