/*
 * netfront's data path (see netfront.h): the two rings, the transmit
 * buffers and the posted receive pages.
 *
 * Grant references are never 0 here (references below
 * GNTTAB_NR_RESERVED_ENTRIES are the toolstack's), so 0 marks "not
 * granted" and netfront_rings_free can undo a half-finished init.  A
 * page is freed with its grant's end (gnttab_end): at once, or when
 * the backend lets go of it.
 */
#include "netfront.h"

#include <core/evtchn.h>
#include <core/gnttab.h>
#include <errno.h>
#include <malloc.h>
#include <mm/mm.h>
#include <public/errno.h>
#include <stdlib.h>
#include <string.h>

static int grant(uint16_t back_id, const void *page, bool readonly, grant_ref_t *out)
{
	int ref = gnttab_grant(back_id, va_to_mfn(page), readonly);

	if (ref < 0)
		return ref;
	*out = (grant_ref_t)ref;
	return 0;
}

/* Put receive page id on the ring (not yet published). */
static void rx_post(struct netfront *nf, uint16_t id)
{
	struct netif_rx_request *r = RING_GET_REQUEST(&nf->rx, nf->rx.req_prod_pvt);

	r->id = id;
	r->gref = nf->rx_gref[id];
	nf->rx.req_prod_pvt++;
	nf->rx_posted[id] = true;
}

static void push_rx(struct netfront *nf)
{
	bool notify;

	RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&nf->rx, notify);
	if (notify) {
		nf->stats.notifies++;
		evtchn_notify(nf->port);
	}
}

/* One page each, zeroed: the rings, the transmit pages, the receive pages. */
static int rings_alloc(struct netfront *nf)
{
	void *txs = memalign(PAGE_SIZE, PAGE_SIZE), *rxs = memalign(PAGE_SIZE, PAGE_SIZE);

	nf->tx.sring = txs;
	nf->rx.sring = rxs;
	if (!txs || !rxs)
		return -XEN_ENOMEM;
	memset(txs, 0, PAGE_SIZE);
	memset(rxs, 0, PAGE_SIZE);
	SHARED_RING_INIT(nf->tx.sring);
	SHARED_RING_INIT(nf->rx.sring);
	FRONT_RING_INIT(&nf->tx, nf->tx.sring, PAGE_SIZE);
	FRONT_RING_INIT(&nf->rx, nf->rx.sring, PAGE_SIZE);
	for (unsigned int i = 0; i < NETFRONT_TX_BUFS / 2; i++)
		if (!(nf->tx_page[i] = memalign(PAGE_SIZE, PAGE_SIZE)))
			return -XEN_ENOMEM;
	for (unsigned int i = 0; i < NETFRONT_RX_BUFS; i++)
		if (!(nf->rx_page[i] = memalign(PAGE_SIZE, PAGE_SIZE)))
			return -XEN_ENOMEM;
	return 0;
}

int netfront_rings_init(struct netfront *nf, uint16_t back_id)
{
	int rc;

	if (gnttab_late())
		gnttab_retry_late(); /* an earlier round's pages the backend let go of since */
	nf->back_id = back_id;
	if ((rc = rings_alloc(nf)) ||
	    (rc = grant(back_id, nf->tx.sring, false, &nf->tx_ring_ref)) ||
	    (rc = grant(back_id, nf->rx.sring, false, &nf->rx_ring_ref)))
		goto fail;
	for (unsigned int i = 0; i < NETFRONT_TX_BUFS / 2; i++)
		if ((rc = grant(back_id, nf->tx_page[i], true, &nf->tx_gref[i])))
			goto fail;
	for (unsigned int i = 0; i < NETFRONT_TX_BUFS; i++)
		nf->tx_free[i] = (uint16_t)(NETFRONT_TX_BUFS - 1 - i);
	nf->tx_nfree = NETFRONT_TX_BUFS;
	for (unsigned int i = 0; i < NETFRONT_RX_BUFS; i++) {
		if ((rc = grant(back_id, nf->rx_page[i], false, &nf->rx_gref[i])))
			goto fail;
		rx_post(nf, (uint16_t)i);
	}
	RING_PUSH_REQUESTS(&nf->rx);
	return 0;
fail:
	netfront_rings_free(nf);
	return rc;
}

/* Free a page and end its grant (0: none); the free waits if the backend still maps it. */
static void end_page(grant_ref_t *ref, void *page)
{
	if (!*ref || gnttab_end(*ref, page, NULL) < 0)
		free(page);
	*ref = 0;
}

unsigned int netfront_rings_free(struct netfront *nf)
{
	nf->connected = false;
	if (gnttab_late())
		gnttab_retry_late();
	end_page(&nf->tx_ring_ref, nf->tx.sring);
	end_page(&nf->rx_ring_ref, nf->rx.sring);
	nf->tx.sring = NULL;
	nf->rx.sring = NULL;
	for (unsigned int i = 0; i < NETFRONT_TX_BUFS / 2; i++) {
		end_page(&nf->tx_gref[i], nf->tx_page[i]);
		nf->tx_page[i] = NULL;
	}
	for (unsigned int i = 0; i < NETFRONT_RX_BUFS; i++) {
		end_page(&nf->rx_gref[i], nf->rx_page[i]);
		nf->rx_page[i] = NULL;
	}
	memset(nf->tx_busy, 0, sizeof(nf->tx_busy));
	memset(nf->rx_posted, 0, sizeof(nf->rx_posted));
	return gnttab_late_to(nf->back_id);
}

void netfront_tx_reap(struct netfront *nf)
{
	int more;

	do {
		RING_IDX prod = nf->tx.sring->rsp_prod;
		xen_rmb();
		if (RING_RESPONSE_PROD_OVERFLOW(&nf->tx, prod))
			prod = nf->tx.rsp_cons; /* a lying backend: take nothing */
		for (; nf->tx.rsp_cons != prod; nf->tx.rsp_cons++) {
			struct netif_tx_response r = *RING_GET_RESPONSE(&nf->tx, nf->tx.rsp_cons);
			if (r.status == NETIF_RSP_NULL)
				continue;
			if (r.id >= NETFRONT_TX_BUFS || !nf->tx_busy[r.id]) {
				nf->stats.stray++;
				continue;
			}
			nf->tx_busy[r.id] = false;
			nf->tx_free[nf->tx_nfree++] = r.id;
			nf->stats.tx_errors += r.status != NETIF_RSP_OKAY;
		}
		/*
		 * Ask to hear of completions only once half of what is in flight
		 * is done (as Linux's netfront does): a sender with free buffers
		 * needs no event per batch, and one whose buffers ran out
		 * (dev_output waits for an event) still gets one, since the
		 * index asked for lies within what it sent.
		 */
		RING_IDX in_flight = nf->tx.req_prod_pvt - nf->tx.rsp_cons;
		nf->tx.sring->rsp_event = nf->tx.rsp_cons + in_flight / 2 + 1;
		xen_mb();
		more = RING_HAS_UNCONSUMED_RESPONSES(&nf->tx);
	} while (more);
}

int netfront_send(struct netfront *nf, const void *frame, size_t len)
{
	bool notify;

	if (!nf->connected)
		return -ENOTCONN;
	if (len < ETH_HLEN || len > ETH_FRAME_MAX)
		return -EINVAL;
	netfront_tx_reap(nf);
	if (!nf->tx_nfree || RING_FULL(&nf->tx)) {
		nf->stats.tx_full++;
		return -EAGAIN;
	}
	uint16_t id = nf->tx_free[--nf->tx_nfree];
	memcpy(nf->tx_page[id / 2] + id % 2 * NETFRONT_TX_BUF, frame, len);
	nf->tx_busy[id] = true;
	struct netif_tx_request *r = RING_GET_REQUEST(&nf->tx, nf->tx.req_prod_pvt);
	*r = (struct netif_tx_request){.gref = nf->tx_gref[id / 2],
				       .offset = (uint16_t)(id % 2 * NETFRONT_TX_BUF),
				       .flags = 0,
				       .id = id,
				       .size = (uint16_t)len};
	nf->tx.req_prod_pvt++;
	RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&nf->tx, notify);
	if (notify) {
		nf->stats.notifies++;
		evtchn_notify(nf->port);
	}
	nf->stats.tx++;
	return 0;
}

/* One response taken off the rx ring: its frame length or a negative error. */
static ssize_t rx_take(struct netfront *nf, void *buf, size_t len)
{
	struct netif_rx_response r = *RING_GET_RESPONSE(&nf->rx, nf->rx.rsp_cons);

	nf->rx.rsp_cons++;
	if (r.id >= NETFRONT_RX_BUFS || !nf->rx_posted[r.id]) {
		nf->stats.stray++;
		return -EIO;
	}
	nf->rx_posted[r.id] = false;
	ssize_t got = r.status;
	if (got < ETH_HLEN || r.offset + (size_t)got > PAGE_SIZE ||
	    (r.flags & (NETRXF_more_data | NETRXF_extra_info)))
		got = -EIO;
	else if ((size_t)got > len)
		got = -EMSGSIZE;
	else
		memcpy(buf, nf->rx_page[r.id] + r.offset, (size_t)got);
	rx_post(nf, r.id);
	push_rx(nf);
	if (got < 0)
		nf->stats.rx_errors++;
	else
		nf->stats.rx++;
	return got;
}

ssize_t netfront_recv(struct netfront *nf, void *buf, size_t len)
{
	if (!nf->connected)
		return -ENOTCONN;
	for (;;) {
		RING_IDX prod = nf->rx.sring->rsp_prod;
		xen_rmb();
		if (RING_RESPONSE_PROD_OVERFLOW(&nf->rx, prod))
			return -EAGAIN; /* a lying backend: take nothing */
		if (nf->rx.rsp_cons != prod) {
			ssize_t got = rx_take(nf, buf, len);
			if (got != -EIO)
				return got;
			continue;
		}
		int more;
		RING_FINAL_CHECK_FOR_RESPONSES(&nf->rx, more);
		if (!more)
			return -EAGAIN;
	}
}
