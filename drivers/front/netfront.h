/*
 * netfront's core: the frontend of one virtual interface.
 *
 * Two rings, each in its own page granted to the backend.  Receive: we
 * keep NETFRONT_RX_BUFS pages posted on the rx ring, each granted
 * writable to the backend for as long as we are connected; the backend
 * copies a frame into one and answers with the frame's length, we copy
 * it out and post the page again (same id, same grant).  Transmit: a
 * frame is copied into one of NETFRONT_TX_BUFS half-page buffers,
 * granted read-only to the backend once, and posted as a single slot;
 * the buffer is free again when its response comes back.  Buffers are
 * named by their index (the request id), so a response with an id we
 * did not post, or a length that does not fit the page, is recognised
 * and dropped, never trusted.
 *
 * Every page granted to the backend is ours, never a caller's: frames
 * are copied in and out (Xen's answer to a backend that may not be
 * trusted, XSA-396), so a backend that leaves while it still maps a
 * page can only write memory nobody reads.  Such a page is freed only
 * once its revoke succeeds: netfront_rings_free hands it to gnttab's
 * late list (gnttab.h), which outlives every round and device struct.
 * Each page is its own allocation so that it can be freed alone.
 *
 * One notification per push, only when the backend's event index asks
 * for it (we read feature-rx-notify as the backend's promise to look at
 * the rx ring when we notify after posting pages).
 *
 * net_req.c is pure logic over grants and the event channel, host-tested
 * against the real backend core; net.c is the domU glue (handshake,
 * device table).
 */
#ifndef DRIVERS_FRONT_NETFRONT_H
#define DRIVERS_FRONT_NETFRONT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <core/device.h>
#include <core/sched.h>
#include <net/net.h>
#include <public/event_channel.h>
#include <public/io/netif.h>
#include <sys/types.h>
#include <xenbus/xendev.h>

#define NETFRONT_TX_BUFS 64 /* frames in flight: two per page */
#define NETFRONT_RX_BUFS 64 /* pages posted for receiving */
#define NETFRONT_TX_BUF	 2048

struct netfront_stats {
	unsigned long tx, tx_errors, tx_full, rx, rx_errors, stray, notifies;
};

struct netfront {
	uint16_t back_id;
	evtchn_port_t port;
	uint8_t mac[ETH_ALEN];
	struct netif_tx_front_ring tx;
	struct netif_rx_front_ring rx;
	grant_ref_t tx_ring_ref, rx_ring_ref;
	uint8_t *tx_page[NETFRONT_TX_BUFS / 2]; /* buffer id in page id / 2, half id % 2 */
	grant_ref_t tx_gref[NETFRONT_TX_BUFS / 2];
	uint16_t tx_free[NETFRONT_TX_BUFS]; /* ids of idle buffers */
	unsigned int tx_nfree;
	bool tx_busy[NETFRONT_TX_BUFS];
	uint8_t *rx_page[NETFRONT_RX_BUFS];
	grant_ref_t rx_gref[NETFRONT_RX_BUFS];
	bool rx_posted[NETFRONT_RX_BUFS];
	bool connected;
	/* Signalled by the event handler; the reader waits on it. */
	struct event_counter ev;
	struct netfront_stats stats;
};

/*
 * Allocate and grant both rings and every buffer for backend back_id, and
 * post the receive pages.  0, or -XEN_ENOMEM / -XEN_ENOSPC (nothing left
 * granted).
 */
int netfront_rings_init(struct netfront *nf, uint16_t back_id);
/* End every grant and free the memory; a page the backend still maps
 * is freed when it lets go (a late revoke, retried by every later
 * release and rings_init).  Returns the grants to this backend still
 * late (0 when clean). */
unsigned int netfront_rings_free(struct netfront *nf);

/* Queue one frame; 0, -EINVAL (length), -EAGAIN (every buffer in flight),
 * -ENOTCONN. */
int netfront_send(struct netfront *nf, const void *frame, size_t len);
/*
 * The next received frame, copied to buf: its length, -EAGAIN (none
 * waiting), -EMSGSIZE (longer than len: dropped), -ENOTCONN.
 */
ssize_t netfront_recv(struct netfront *nf, void *buf, size_t len);
/* Take transmit completions (netfront_send does it too). */
void netfront_tx_reap(struct netfront *nf);

/* ---- The domU side (net.c): eth0 in the device table ---- */

struct netfront_dev {
	struct netfront nf;
	struct xendev xd;
	struct device dev;
	char name[8];
	uint32_t ip; /* the backend's "ip" key, 0 if none */
};

/*
 * The frontend half of the handshake for vif `devid` of domain `self`:
 * wait for the backend's InitWait, check it offers feature-rx-copy, read
 * our MAC, set up and publish both rings, wait for Connected.  0, or
 * -XEN_ENOENT (no such vif), -XEN_ENOTCONN, another -XEN_*.
 */
int netfront_connect(struct netfront_dev *d, struct xenbus *xb, uint16_t self, unsigned int devid);
/* Closing, wait for the backend, revoke everything, Closed; returns the
 * grants the backend still holds. */
unsigned int netfront_disconnect(struct netfront_dev *d);
/*
 * Connect every vif under device/vif, waiting up to wait_ns for the
 * toolstack to create the first; register each as eth0, eth1, ...
 * (DEV_NET).  Returns how many came up.
 */
int netfront_probe_all(struct xenbus *xb, uint16_t self, uint64_t wait_ns);
/* The vif behind a device-table entry netfront registered, or NULL. */
struct netfront_dev *netfront_of(struct device *dev);

#endif
