/*
 * netback in dom0: a vif per (frontend domain, device id), its XenStore
 * handshake, its two rings and event channel, and the bridge that joins
 * every vif, the physical NIC and dom0's own interface.
 *
 * Life of a vif: netback_attach() parses the toolstack's spec
 * ("mac=..,ip=.."), writes both ends' directories (mac and handle on
 * both sides, ip on ours, as Xen's toolstack does), publishes what we
 * offer (feature-rx-copy; no flipping, no GSO, no split channels),
 * switches to InitWait and follows the frontend with a watch
 * (be_changed).  At Initialised it reads tx-ring-ref, rx-ring-ref and
 * event-channel, insists on request-rx-copy, maps the two ring pages,
 * binds the channel, joins the bridge and says Connected.  Closing or
 * Closed from the frontend undoes all of that (be_disconnect: off the
 * bridge, channel closed, rings unmapped; data pages were never
 * mapped), and a frontend back at Initialising starts a new round.
 * When the frontend's directory disappears (its domain died and
 * xenstored released it) the vif is marked dead and the worker removes
 * it for good, its backend directory included: nothing stays behind.
 *
 * One worker thread ("netback") does all the forwarding: event handlers
 * only mark their vif and signal it.  It serves every marked vif's
 * transmit ring (each packet goes to bridge_input), reads every frame
 * the NIC has, and reaps dead vifs.  The worker sleeps on the NIC's
 * rx_event when it has one (its interrupt signals it, and so do the
 * vifs' handlers), else a ticker wakes it every NIC_POLL_NS to poll.  be->busy
 * is set while the worker is inside a vif, so a disconnect from a watch
 * callback (another thread) waits before unmapping the rings.
 */
#include "netback.h"

#include <core/device.h>
#include <core/evtchn.h>
#include <core/kernel.h>
#include <core/sched.h>
#include <dom0/init.h>
#include <errno.h>
#include <mm/mm.h>
#include <net/bridge.h>
#include <public/errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xenbus/xendev.h>

#define NETBACK_SELF 0			 /* dom0 */
#define NIC_POLL_NS  (5ULL * 1000000ULL) /* how often the NIC is looked at */
#define RING_TX	     0			 /* xendev ring indices */
#define RING_RX	     1

struct vif_be {
	struct vif_be *next;
	struct xendev xd;
	struct vif vif;
	struct bridge_port port;
	char name[16], ip[16];
	evtchn_port_t evtchn;
	bool connected, busy, dead;
	volatile bool pending;
};

static struct vif_be *vifs;
static struct bridge bridge;
static struct event_counter own_ev;
static struct event_counter *worker_ev = &own_ev; /* the NIC's, if it has one */
static struct device *nic;
static struct bridge_port nic_port = {.name = "eth0"};
static uint8_t nic_frame[ETH_FRAME_MAX];

struct bridge *netback_bridge(void)
{
	return &bridge;
}

int netback_parse_spec(const char *spec, uint16_t front_id, unsigned int devid, uint8_t *mac,
		       char *ip, size_t iplen)
{
	char buf[64];
	uint32_t addr;

	const uint8_t dflt[ETH_ALEN] = {
		0x00, 0x16, 0x3e, (uint8_t)(front_id >> 8), (uint8_t)front_id, (uint8_t)devid};
	memcpy(mac, dflt, ETH_ALEN);
	ip[0] = '\0';
	if (strlen(spec) >= sizeof(buf))
		return -XEN_EINVAL;
	strcpy(buf, spec);
	for (char *tok = strtok(buf, ","); tok; tok = strtok(NULL, ",")) {
		if (strncmp(tok, "mac=", 4) == 0) {
			if (mac_parse(tok + 4, mac) || mac_is_multicast(mac))
				return -XEN_EINVAL;
		} else if (strncmp(tok, "ip=", 3) == 0) {
			if (ip_parse(tok + 3, &addr) || strlen(tok + 3) >= iplen)
				return -XEN_EINVAL;
			strcpy(ip, tok + 3);
		} else if (strcmp(tok, "bridge=xenbr0") != 0) {
			return -XEN_EINVAL;
		}
	}
	return 0;
}

static struct vif_be *find(uint16_t front_id, unsigned int devid)
{
	for (struct vif_be *be = vifs; be; be = be->next)
		if (be->vif.front_id == front_id && be->vif.devid == devid)
			return be;
	return NULL;
}

static void be_event(evtchn_port_t port, void *data)
{
	struct vif_be *be = data;

	(void)port;
	be->pending = true;
	event_signal(worker_ev);
}

/* The bridge hands a frame to this vif's frontend. */
static int port_send(struct bridge_port *p, const void *frame, size_t len)
{
	struct vif_be *be = p->priv;

	if (!be->connected)
		return -ENOTCONN;
	int rc = netback_rx_frame(&be->vif, frame, len);
	if (rc > 0)
		evtchn_notify(be->evtchn);
	return rc < 0 ? rc : 0;
}

/* A packet the frontend sent goes onto the bridge. */
static void be_deliver(struct vif *v, const void *frame, size_t len)
{
	struct vif_be *be = v->priv;

	bridge_input(&bridge, &be->port, frame, len, clock_now_ns());
}

static void be_disconnect(struct vif_be *be)
{
	if (!be->connected)
		return;
	be->connected = false;
	while (be->busy) /* the worker is inside this vif's rings */
		thread_yield();
	bridge_del_port(&bridge, &be->port);
	evtchn_set_handler(be->evtchn, NULL, NULL);
	evtchn_close(be->evtchn);
	xendev_unmap_ring_at(&be->xd, RING_TX);
	xendev_unmap_ring_at(&be->xd, RING_RX);
	printk("netback: %s disconnected (%lu sent, %lu received, %lu errors)\n", be->name,
	       be->vif.stats.tx_packets, be->vif.stats.rx_packets,
	       be->vif.stats.tx_errors + be->vif.stats.rx_errors);
}

/* Map both rings and bind the channel; 0 or -XEN_* with nothing left. */
static int be_map(struct vif_be *be)
{
	grant_ref_t tx_ref, rx_ref;
	evtchn_port_t remote;
	unsigned long copy;
	int rc;

	if ((rc = xendev_read_other_ref(&be->xd, "tx-ring-ref", &tx_ref)) ||
	    (rc = xendev_read_other_ref(&be->xd, "rx-ring-ref", &rx_ref)) ||
	    (rc = xendev_read_other_port(&be->xd, "event-channel", &remote)) ||
	    (rc = xendev_read_other_ulong_or(&be->xd, "request-rx-copy", 0, &copy)))
		return rc;
	if (copy != 1)
		return -XEN_EOPNOTSUPP; /* page flipping is not offered */
	void *tx = xendev_map_ring_at(&be->xd, RING_TX, tx_ref);
	void *rx = tx ? xendev_map_ring_at(&be->xd, RING_RX, rx_ref) : NULL;
	if (rx && (rc = evtchn_bind_interdomain(be->vif.front_id, remote)) >= 0) {
		be->evtchn = (evtchn_port_t)rc;
		BACK_RING_INIT(&be->vif.tx, (struct netif_tx_sring *)tx, PAGE_SIZE);
		BACK_RING_INIT(&be->vif.rx, (struct netif_rx_sring *)rx, PAGE_SIZE);
		return 0;
	}
	xendev_unmap_ring_at(&be->xd, RING_TX);
	xendev_unmap_ring_at(&be->xd, RING_RX);
	return rx ? rc : -XEN_EINVAL;
}

static int be_connect(struct vif_be *be)
{
	int rc = be_map(be);

	if (rc)
		return rc;
	be->vif.broken = false;
	be->connected = true;
	be->pending = true; /* packets may already be waiting */
	evtchn_set_handler(be->evtchn, be_event, be);
	bridge_add_port(&bridge, &be->port);
	if ((rc = xendev_switch(&be->xd, XenbusStateConnected))) {
		be_disconnect(be);
		return rc;
	}
	event_signal(worker_ev);
	return 0;
}

static bool ops_connected(void *be)
{
	return ((struct vif_be *)be)->connected;
}

static int ops_connect(void *be)
{
	return be_connect(be);
}

static void ops_disconnect(void *be)
{
	be_disconnect(be);
}

static const struct xendev_back_ops be_ops = {.name = "netback",
					      .connected = ops_connected,
					      .connect = ops_connect,
					      .disconnect = ops_disconnect};

/* The frontend's state changed (a watch callback); its domain died if Unknown. */
static void be_changed(struct xendev *xd, enum xenbus_state st)
{
	struct vif_be *be = xd->priv;

	xendev_back_follow(xd, st, &be_ops, be);
	if (st == XenbusStateUnknown) { /* the worker removes us */
		be->dead = true;
		event_signal(worker_ev);
	}
}

static int publish_features(struct vif_be *be)
{
	int rc;

	if ((rc = xendev_write_ulong(&be->xd, 0, "feature-rx-copy", 1)) ||
	    (rc = xendev_write_ulong(&be->xd, 0, "feature-rx-flip", 0)) ||
	    (rc = xendev_write_ulong(&be->xd, 0, "feature-sg", 1)) ||
	    (rc = xendev_write_ulong(&be->xd, 0, "feature-gso-tcpv4", 0)))
		return rc;
	return xendev_switch(&be->xd, XenbusStateInitWait);
}

int netback_attach(struct xenbus *xb, uint16_t front_id, unsigned int devid, const char *spec)
{
	uint8_t mac[ETH_ALEN];
	char ip[16], macs[18], handle[12];
	struct vif_be *be;
	int rc;

	if (front_id == NETBACK_SELF || front_id >= DOMID_FIRST_RESERVED || devid > 255 ||
	    (rc = netback_parse_spec(spec, front_id, devid, mac, ip, sizeof(ip))))
		return -XEN_EINVAL;
	if (find(front_id, devid))
		return -XEN_EEXIST;
	if (!(be = calloc(1, sizeof(*be))) || vif_init(&be->vif, front_id, devid, mac)) {
		free(be);
		return -XEN_ENOMEM;
	}
	snprintf(be->name, sizeof(be->name), "vif%u.%u", front_id, devid);
	memcpy(be->ip, ip, sizeof(ip));
	be->vif.deliver = be_deliver;
	be->vif.priv = be;
	be->port = (struct bridge_port){.name = be->name, .send = port_send, .priv = be};
	snprintf(macs, sizeof(macs), "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2],
		 mac[3], mac[4], mac[5]);
	snprintf(handle, sizeof(handle), "%u", devid);
	const struct xendev_key fkeys[] = {{"mac", macs}, {"handle", handle}, {NULL, NULL}};
	const struct xendev_key bkeys[] = {{"mac", macs},
					   {"handle", handle},
					   {"bridge", "xenbr0"},
					   {ip[0] ? "ip" : NULL, ip},
					   {NULL, NULL}};
	const struct xendev_spec xs = {.type = "vif",
				       .front_id = front_id,
				       .back_id = NETBACK_SELF,
				       .devid = devid,
				       .front_keys = fkeys,
				       .back_keys = bkeys};
	if ((rc = xendev_create(xb, &xs)) ||
	    (rc = xendev_back_open(&be->xd, xb, NETBACK_SELF, "vif", front_id, devid)) ||
	    (rc = publish_features(be))) {
		xendev_destroy(xb, &xs);
		vif_free(&be->vif);
		free(be);
		return rc;
	}
	be->next = vifs;
	vifs = be;
	printk("netback: %s mac %s%s%s\n", be->name, macs, ip[0] ? " ip " : "", ip);
	return xendev_watch_otherend(&be->xd, be_changed, be);
}

static void be_remove(struct vif_be *be)
{
	const struct xendev_spec xs = {.type = "vif",
				       .front_id = be->vif.front_id,
				       .back_id = NETBACK_SELF,
				       .devid = be->vif.devid};

	xendev_close(&be->xd);
	be_disconnect(be);
	xendev_destroy(be->xd.xb, &xs);
	vif_free(&be->vif);
	free(be);
}

int netback_detach(uint16_t front_id, unsigned int devid)
{
	int found = -XEN_ENOENT;

	for (struct vif_be **p = &vifs; *p;) {
		struct vif_be *be = *p;
		if (be->vif.front_id != front_id || (devid != ~0u && be->vif.devid != devid)) {
			p = &be->next;
			continue;
		}
		*p = be->next;
		be_remove(be);
		found = 0;
	}
	return found;
}

/* Vifs whose domain is gone: removed for good (worker thread). */
static void reap_dead(void)
{
	for (struct vif_be *be = vifs; be; be = be->next)
		if (be->dead) {
			printk("netback: %s: domain gone, vif removed\n", be->name);
			netback_detach(be->vif.front_id, be->vif.devid);
			return; /* the list changed; the next pass sees the rest */
		}
}

unsigned int netback_poll_all(void)
{
	unsigned int ran = 0;

	for (struct vif_be *be = vifs; be; be = be->next) {
		if (!be->pending || !be->connected)
			continue;
		be->pending = false;
		be->busy = true;
		if (netback_tx_service(&be->vif))
			evtchn_notify(be->evtchn);
		be->busy = false;
		if (be->vif.broken) {
			printk("netback: %s: ring indices out of range, disconnecting\n", be->name);
			be_disconnect(be);
			xendev_switch(&be->xd, XenbusStateClosing);
		}
		ran++;
	}
	ssize_t n;
	while (nic && (n = nic->read(nic, nic_frame, sizeof(nic_frame))) > 0)
		bridge_input(&bridge, &nic_port, nic_frame, (size_t)n, clock_now_ns());
	reap_dead();
	return ran;
}

unsigned int netback_count(bool connected_only)
{
	unsigned int n = 0;

	for (struct vif_be *be = vifs; be; be = be->next)
		n += !connected_only || be->connected;
	return n;
}

void netback_show(void)
{
	for (struct vif_be *be = vifs; be; be = be->next)
		printf("%-8s d%u %s%s%s: tx %lu (%lu bad), rx %lu (%lu dropped, %lu bad)\n",
		       be->name, be->vif.front_id, be->connected ? "connected" : "waiting",
		       be->ip[0] ? " ip " : "", be->ip, be->vif.stats.tx_packets,
		       be->vif.stats.tx_errors, be->vif.stats.rx_packets, be->vif.stats.rx_dropped,
		       be->vif.stats.rx_errors);
	for (unsigned int i = 0; i < BRIDGE_PORTS; i++)
		if (bridge.ports[i])
			printf("xenbr0 port %-8s in %lu, out %lu (%lu failed)\n",
			       bridge.ports[i]->name, bridge.ports[i]->rx, bridge.ports[i]->tx,
			       bridge.ports[i]->tx_errors);
	printf("xenbr0: %lu forwarded, %lu flooded, %lu filtered, %lu dropped\n", bridge.forwarded,
	       bridge.flooded, bridge.filtered, bridge.dropped);
}

static void worker(void *arg)
{
	(void)arg;
	for (;;) {
		struct event_counter *ev = worker_ev;
		unsigned long seen = ev->count;
		/* dom0's threads are cooperative: while a vif floods, the event
		 * is always signalled again by the time we look, so give the
		 * shell and the other workers their turn after a pass that
		 * served a vif. */
		if (netback_poll_all())
			thread_yield();
		event_wait(ev, seen);
	}
}

static void nic_ticker(void *arg)
{
	(void)arg;
	for (;;) {
		thread_sleep_ns(NIC_POLL_NS);
		event_signal(worker_ev);
	}
}

static int nic_send(struct bridge_port *p, const void *frame, size_t len)
{
	ssize_t n = nic->write(nic, frame, len);
	(void)p;
	return n < 0 ? (int)n : 0;
}

/* dom0 start-up: the worker, and the NIC on the bridge if there is one. */
static int netback_init(void)
{
	if (!thread_create("netback", worker, NULL))
		return -ENOMEM;
	struct device *d = device_find("eth0");
	if (!d || d->kind != DEV_NET || !d->read || !d->write)
		return 0;
	if (d->set_promisc && d->set_promisc(d, true))
		printk("netback: eth0 cannot receive for other MACs; domUs reach only dom0\n");
	nic = d;
	nic_port.send = nic_send;
	bridge_add_port(&bridge, &nic_port);
	if (d->rx_event) { /* one counter for the NIC's interrupt and every vif's */
		worker_ev = d->rx_event;
		event_signal(&own_ev);
	} else if (!thread_create("nic-poll", nic_ticker, NULL)) {
		return -ENOMEM;
	}
	printk("netback: xenbr0 bridges eth0 (%s)\n", d->rx_event ? "interrupts" : "polled");
	return 0;
}
DOM0_INITCALL(DOM0_INIT_BACKEND, netback_init);
