/*
 * netfront in a domU: the handshake with netback (through the toolkit in
 * drivers/xenbus/), the event channel, and the device-table entries
 * programs use ("eth0", DEV_NET: whole Ethernet frames; read gives
 * -EAGAIN when none waits, and rx_event is signalled when frames come).
 *
 * The event handler only signals nf.ev; the threads that read and write
 * frames touch the rings themselves (net_req.c), never the upcall.  The
 * toolstack may create our vif after we start (hx create attaches it
 * once the domain runs), so probing waits a while for device/vif to
 * appear.
 */
#include "netfront.h"

#include <core/evtchn.h>
#include <core/gnttab.h>
#include <core/kernel.h>
#include <errno.h>
#include <public/errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROBE_STEP_NS (20ULL * 1000000ULL)

static void front_event(evtchn_port_t port, void *data)
{
	struct netfront *nf = data;

	(void)port;
	event_signal(&nf->ev);
}

static int read_mac_and_ip(struct netfront_dev *d)
{
	char path[2 * XENDEV_PATH], buf[24];
	int rc;

	snprintf(path, sizeof(path), "%s/mac", d->xd.dir);
	if ((rc = xenbus_read(d->xd.xb, 0, path, buf, sizeof(buf))) < 0)
		return rc;
	if (mac_parse(buf, d->nf.mac) || mac_is_multicast(d->nf.mac))
		return -XEN_EINVAL;
	d->ip = 0;
	snprintf(path, sizeof(path), "%s/ip", d->xd.otherend);
	if (xenbus_read(d->xd.xb, 0, path, buf, sizeof(buf)) >= 0 && ip_parse(buf, &d->ip))
		return -XEN_EINVAL;
	return 0;
}

static int setup_rings(struct netfront_dev *d)
{
	struct netfront *nf = &d->nf;
	int rc = netfront_rings_init(nf, d->xd.otherend_id);

	if (rc)
		return rc;
	if ((rc = evtchn_alloc_unbound(d->xd.otherend_id)) < 0)
		return rc;
	nf->port = (evtchn_port_t)rc;
	evtchn_set_handler(nf->port, front_event, nf);
	const struct xendev_ulong keys[] = {
		{"tx-ring-ref", nf->tx_ring_ref},
		{"rx-ring-ref", nf->rx_ring_ref},
		{"event-channel", nf->port},
		{"request-rx-copy", 1},
		{"feature-rx-notify", 1},
		/* our stack checks every checksum: no csum_blank frames */
		{"feature-no-csum-offload", 1}};
	return xendev_front_publish_keys(&d->xd, keys, sizeof(keys) / sizeof(keys[0]), false);
}

/* A new round's first half: the backend must copy; our MAC, rings, channel, keys. */
static int front_setup(void *dev)
{
	struct netfront_dev *d = dev;
	unsigned long copy;
	int rc;

	if ((rc = xendev_read_other_ulong_or(&d->xd, "feature-rx-copy", 0, &copy)) ||
	    (rc = copy ? 0 : -XEN_EOPNOTSUPP) || (rc = read_mac_and_ip(d)))
		return rc;
	return setup_rings(d);
}

static int front_connect(void *dev)
{
	((struct netfront_dev *)dev)->nf.connected = true;
	return 0;
}

/*
 * The backend is going away (xenbus.h): the rings are no longer served.
 * Send and receive return -ENOTCONN from now on; whoever waits for
 * frames is woken.
 */
static void front_stop(void *dev)
{
	struct netfront_dev *d = dev;

	d->nf.connected = false;
	event_signal(&d->nf.ev);
}

static unsigned int front_release(void *dev)
{
	struct netfront_dev *d = dev;

	xendev_front_close_port(&d->nf.port);
	return netfront_rings_free(&d->nf);
}

static const struct xendev_front_ops front_ops = {.name = "netfront",
						  .stop = front_stop,
						  .release = front_release,
						  .setup = front_setup,
						  .connect = front_connect};

int netfront_connect(struct netfront_dev *d, struct xenbus *xb, uint16_t self, unsigned int devid)
{
	int rc;

	if (!gnttab_ready() && (rc = gnttab_init()))
		return rc;
	memset(&d->nf, 0, sizeof(d->nf));
	if ((rc = xendev_front_start(&d->xd, xb, self, "vif", devid)))
		return rc;
	if ((rc = xendev_front_connect(&d->xd, &front_ops, d)))
		netfront_disconnect(d);
	return rc;
}

unsigned int netfront_disconnect(struct netfront_dev *d)
{
	d->nf.connected = false;
	xendev_close(&d->xd); /* stop following the backend's state */
	return xendev_front_close(&d->xd, &d->nf.port, front_release, d);
}

static ssize_t dev_read(struct device *dev, void *buf, size_t len)
{
	struct netfront_dev *d = dev->priv;
	ssize_t n = netfront_recv(&d->nf, buf, len);

	return n == -ENOTCONN ? -EIO : n;
}

static ssize_t dev_write(struct device *dev, const void *buf, size_t len)
{
	struct netfront_dev *d = dev->priv;
	int rc = netfront_send(&d->nf, buf, len);

	return rc ? rc : (ssize_t)len;
}

struct netfront_dev *netfront_of(struct device *dev)
{
	return dev && dev->kind == DEV_NET && dev->read == dev_read ? dev->priv : NULL;
}

/* Wait up to wait_ns for the toolstack to create device/vif; its listing. */
static int list_vifs(struct xenbus *xb, uint16_t self, uint64_t wait_ns, char *list, size_t size)
{
	char path[40];
	uint64_t deadline = clock_now_ns() + wait_ns;
	int len;

	snprintf(path, sizeof(path), "/local/domain/%u/device/vif", self);
	while ((len = xenbus_directory(xb, 0, path, list, size)) <= 0 && clock_now_ns() < deadline)
		thread_sleep_ns(PROBE_STEP_NS);
	return len;
}

int netfront_probe_all(struct xenbus *xb, uint16_t self, uint64_t wait_ns)
{
	char list[128];
	int n = 0, len = list_vifs(xb, self, wait_ns, list, sizeof(list));

	for (char *p = list; len > 0 && p < list + len; p += strlen(p) + 1) {
		char *end;
		unsigned long devid = strtoul(p, &end, 10);
		struct netfront_dev *d = calloc(1, sizeof(*d));
		if (*end || devid > 255 || !d ||
		    netfront_connect(d, xb, self, (unsigned int)devid)) {
			free(d);
			continue;
		}
		snprintf(d->name, sizeof(d->name), "eth%d", n);
		d->dev = (struct device){.name = d->name,
					 .kind = DEV_NET,
					 .priv = d,
					 .read = dev_read,
					 .write = dev_write,
					 .rx_event = &d->nf.ev};
		if (device_register(&d->dev) == 0) {
			const uint8_t *m = d->nf.mac;
			printk("netfront: %s: vif %lu, mac %02x:%02x:%02x:%02x:%02x:%02x\n",
			       d->name, devid, m[0], m[1], m[2], m[3], m[4], m[5]);
			n++;
		}
	}
	return n;
}
