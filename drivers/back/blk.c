/*
 * blkback in dom0: a vbd per (frontend domain, device id), its XenStore
 * handshake, its ring and event channel, and the worker that serves them.
 *
 * Life of a vbd: blkback_attach() opens the backing store, has the
 * toolstack part of the toolkit write both ends' directories, publishes
 * the features (flush, discard where the store can, indirect segments),
 * switches to InitWait and follows the frontend's state with a watch
 * (be_changed).  At Initialised the ring is mapped and the event channel
 * bound, the disk's keys (sectors, sector-size, info) written and the
 * state set to Connected.  When the frontend closes, goes away, or its
 * domain dies, be_disconnect() unhooks the channel, undoes the
 * persistent mappings of data pages (if the frontend offered
 * feature-persistent; without, data pages are mapped only while their
 * batch runs) and unmaps the ring, so nothing of the frontend stays
 * mapped.  A frontend back at Initialising gets a new
 * round; blkback_detach() removes the vbd for good.
 *
 * One worker thread serves all vbds: event handlers only mark their vbd
 * and signal the worker, which runs blkback_service() on each marked vbd;
 * the core notifies through kick_front once per batch, before it re-arms
 * req_event (blk_req.c), and a vbd it left with requests (its kicking
 * rounds used up) is marked again, after the others.  be->busy is set while the worker is
 * inside a vbd so a disconnect (from a watch callback, in another
 * thread) waits for the request in progress before unmapping the ring.
 */
#include "blkback.h"
#include "ramdisk.h"

#include <core/evtchn.h>
#include <core/kernel.h>
#include <dom0/init.h>
#include <errno.h>
#include <core/sched.h>
#include <mm/mm.h>
#include <public/errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xenbus/xendev.h>

#define BLKBACK_SELF 0 /* dom0 */

struct blkif_be {
	struct blkif_be *next;
	struct xendev xd;
	struct vbd vbd;
	struct device *ramdisk; /* ours to free, if the store is a RAM disk */
	char spec[48];
	evtchn_port_t port;
	bool connected, busy;
	volatile bool pending;
};

static struct blkif_be *vbds;
static struct event_counter worker_ev;

static bool parse_u64(const char **p, uint64_t *v)
{
	char *end;
	unsigned long long x = strtoull(*p, &end, 10);
	if (end == *p || **p == '-')
		return false;
	*v = x;
	*p = end;
	return true;
}

int blkback_parse_spec(const char *spec, struct disk_spec *out)
{
	const char *p = spec;

	memset(out, 0, sizeof(*out));
	if (strncmp(p, "ram:", 4) == 0) {
		p += 4;
		if (!parse_u64(&p, &out->ram_mib) || !out->ram_mib || out->ram_mib > 4096)
			return -XEN_EINVAL;
	} else {
		size_t n = strcspn(p, "@,");
		if (n == 0 || n >= sizeof(out->device))
			return -XEN_EINVAL;
		memcpy(out->device, p, n);
		p += n;
		if (*p == '@' && (++p, !parse_u64(&p, &out->first) || *p++ != '+' ||
					       !parse_u64(&p, &out->sectors) || !out->sectors))
			return -XEN_EINVAL;
	}
	if (strcmp(p, ",r") == 0)
		out->readonly = true;
	else if (*p)
		return -XEN_EINVAL;
	return 0;
}

static struct blkif_be *find(uint16_t front_id, unsigned int devid)
{
	for (struct blkif_be *be = vbds; be; be = be->next)
		if (be->vbd.front_id == front_id && be->xd.devid == devid)
			return be;
	return NULL;
}

static void be_event(evtchn_port_t port, void *data)
{
	struct blkif_be *be = data;

	(void)port;
	be->pending = true;
	event_signal(&worker_ev);
}

/*
 * Notify the frontend with events masked.  On one CPU the notification
 * wakes the frontend, which takes the CPU from us, reads its answer and
 * posts its next request; its event for that is then pending here when
 * we run again.  Masked, the hypercall's return delivers no upcall (a
 * bounce frame, trap_common, the iret hypercall: ~250 instructions a
 * request at queue depth 1); events_restore runs the handler in place,
 * which marks the vbd pending, and the worker serves it next.
 */
static void notify_masked(struct blkif_be *be)
{
	uint8_t f = events_mask();

	evtchn_notify(be->port);
	events_restore(f);
}

static void kick_front(struct vbd *v)
{
	notify_masked((struct blkif_be *)((char *)v - offsetof(struct blkif_be, vbd)));
}

static void be_disconnect(struct blkif_be *be)
{
	if (!be->connected)
		return;
	be->connected = false;
	while (be->busy) /* the worker is inside this vbd's ring */
		thread_yield();
	evtchn_set_handler(be->port, NULL, NULL);
	evtchn_close(be->port);
	blkback_persist_drop(&be->vbd);
	be->vbd.persist.on = false;
	xendev_unmap_ring(&be->xd);
	printk("blkback: d%u vbd %u disconnected (%lu requests, %lu errors)\n", be->vbd.front_id,
	       be->xd.devid, be->vbd.stats.requests, be->vbd.stats.errors);
}

static int be_connect(struct blkif_be *be)
{
	grant_ref_t ref;
	evtchn_port_t remote;
	unsigned long persist;
	int rc;

	if ((rc = xendev_back_ring_keys(&be->xd, &ref, &remote)) ||
	    (rc = xendev_read_other_ulong_or(&be->xd, "feature-persistent", 0, &persist)))
		return rc;
	void *ring = xendev_map_ring(&be->xd, ref);
	if (!ring)
		return -XEN_EINVAL;
	if ((rc = evtchn_bind_interdomain(be->vbd.front_id, remote)) < 0) {
		xendev_unmap_ring(&be->xd);
		return rc;
	}
	be->port = (evtchn_port_t)rc;
	BACK_RING_INIT(&be->vbd.ring, (struct blkif_sring *)ring, PAGE_SIZE);
	be->vbd.persist.on = persist && be->vbd.dma && !blkback_no_persist;
	be->vbd.kick = kick_front;
	be->connected = true;
	be->pending = true; /* requests may already be waiting */
	evtchn_set_handler(be->port, be_event, be);
	if ((rc = xendev_write_ulong(&be->xd, 0, "sectors", be->vbd.sectors)) ||
	    (rc = xendev_write_ulong(&be->xd, 0, "sector-size", be->vbd.sector_size)) ||
	    (rc = xendev_write_ulong(&be->xd, 0, "info", be->vbd.readonly ? VDISK_READONLY : 0)) ||
	    (rc = xendev_switch(&be->xd, XenbusStateConnected))) {
		be_disconnect(be);
		return rc;
	}
	event_signal(&worker_ev);
	return 0;
}

static bool ops_connected(void *be)
{
	return ((struct blkif_be *)be)->connected;
}

static int ops_connect(void *be)
{
	return be_connect(be);
}

static void ops_disconnect(void *be)
{
	be_disconnect(be);
}

static const struct xendev_back_ops be_ops = {.name = "blkback",
					      .connected = ops_connected,
					      .connect = ops_connect,
					      .disconnect = ops_disconnect};

/* The frontend's state changed (a watch callback). */
static void be_changed(struct xendev *xd, enum xenbus_state st)
{
	xendev_back_follow(xd, st, &be_ops, xd->priv);
}

/* The backing store of a spec: a new RAM disk or a device of the table. */
static int open_store(struct blkif_be *be, const struct disk_spec *ds)
{
	struct device *dev;

	if (!ds->device[0]) {
		char name[16];
		snprintf(name, sizeof(name), "ram-d%u", be->vbd.front_id);
		if (!(be->ramdisk = dev = ramdisk_create(name, ds->ram_mib << 20)))
			return -XEN_ENOMEM;
	} else if (!(dev = device_find(ds->device))) {
		return -XEN_ENODEV;
	}
	return vbd_init(&be->vbd, be->vbd.front_id, dev, ds->first, ds->sectors, ds->readonly);
}

static int publish_features(struct blkif_be *be)
{
	int rc;

	bool discard = vbd_can_discard(&be->vbd);

	/* blkif.h: a backend that discards names its granularity and alignment, even per sector. */
	if ((rc = xendev_write_ulong(&be->xd, 0, "feature-flush-cache", 1)) ||
	    (rc = xendev_write_ulong(&be->xd, 0, "feature-discard", discard)) ||
	    (discard &&
	     (rc = xendev_write_ulong(&be->xd, 0, "discard-granularity", be->vbd.sector_size))) ||
	    (discard && (rc = xendev_write_ulong(&be->xd, 0, "discard-alignment", 0))) ||
	    (rc = xendev_write_ulong(&be->xd, 0, "feature-max-indirect-segments",
				     BLKBACK_MAX_INDIRECT_SEGS)) ||
	    (rc = xendev_write_ulong(&be->xd, 0, "feature-persistent", !blkback_no_persist)))
		return rc;
	return xendev_switch(&be->xd, XenbusStateInitWait);
}

static void be_free(struct blkif_be *be)
{
	vbd_free(&be->vbd);
	if (be->ramdisk)
		ramdisk_destroy(be->ramdisk);
	free(be);
}

int blkback_attach(struct xenbus *xb, uint16_t front_id, unsigned int devid, const char *spec)
{
	struct disk_spec ds;
	struct blkif_be *be;
	char vdev[12];
	int rc;

	if ((rc = blkback_parse_spec(spec, &ds)))
		return rc;
	if (front_id >= DOMID_FIRST_RESERVED)
		return -XEN_EINVAL;
	if (find(front_id, devid))
		return -XEN_EEXIST;
	if (!(be = calloc(1, sizeof(*be))))
		return -XEN_ENOMEM;
	be->vbd.front_id = front_id;
	snprintf(be->spec, sizeof(be->spec), "%s", spec);
	snprintf(vdev, sizeof(vdev), "%u", devid);
	const struct xendev_key fkeys[] = {
		{"virtual-device", vdev}, {"device-type", "disk"}, {NULL, NULL}};
	const struct xendev_key bkeys[] = {{"params", be->spec},
					   {"mode", ds.readonly ? "r" : "w"},
					   {"type", ds.device[0] ? "phy" : "ram"},
					   {NULL, NULL}};
	const struct xendev_spec xs = {.type = "vbd",
				       .front_id = front_id,
				       .back_id = BLKBACK_SELF,
				       .devid = devid,
				       .front_keys = fkeys,
				       .back_keys = bkeys};
	if ((rc = open_store(be, &ds)) || (rc = xendev_create(xb, &xs))) {
		be_free(be);
		return rc;
	}
	if ((rc = xendev_back_open(&be->xd, xb, BLKBACK_SELF, "vbd", front_id, devid)) ||
	    (rc = publish_features(be))) {
		xendev_destroy(xb, &xs);
		be_free(be);
		return rc;
	}
	be->next = vbds;
	vbds = be;
	printk("blkback: d%u vbd %u on %s: %lu sectors of %u bytes%s\n", front_id, devid, spec,
	       (unsigned long)be->vbd.sectors, be->vbd.sector_size, be->vbd.readonly ? ", ro" : "");
	return xendev_watch_otherend(&be->xd, be_changed, be);
}

int blkback_detach(uint16_t front_id, unsigned int devid)
{
	int found = -XEN_ENOENT;

	for (struct blkif_be **p = &vbds; *p;) {
		struct blkif_be *be = *p;
		if (be->vbd.front_id != front_id || (devid != ~0u && be->xd.devid != devid)) {
			p = &be->next;
			continue;
		}
		*p = be->next;
		xendev_close(&be->xd);
		be_disconnect(be);
		const struct xendev_spec xs = {.type = "vbd",
					       .front_id = front_id,
					       .back_id = BLKBACK_SELF,
					       .devid = be->xd.devid};
		xendev_destroy(be->xd.xb, &xs);
		be_free(be);
		found = 0;
	}
	return found;
}

unsigned int blkback_poll_all(void)
{
	unsigned int ran = 0;

	for (struct blkif_be *be = vbds; be; be = be->next) {
		if (!be->pending || !be->connected)
			continue;
		be->pending = false;
		be->busy = true;
		if (blkback_service(&be->vbd))
			notify_masked(be);
		if (be->vbd.again) { /* more after its kicking rounds: the others first */
			be->pending = true;
			event_signal(&worker_ev);
		}
		be->busy = false;
		ran++;
	}
	return ran;
}

unsigned int blkback_count(bool connected_only)
{
	unsigned int n = 0;

	for (struct blkif_be *be = vbds; be; be = be->next)
		n += !connected_only || be->connected;
	return n;
}

bool blkback_stats_of(uint16_t front_id, unsigned int devid, struct blkback_stats *out,
		      bool *connected)
{
	struct blkif_be *be = find(front_id, devid);

	if (be) {
		*out = be->vbd.stats;
		*connected = be->connected;
	}
	return be != NULL;
}

/* The worker thread: sleeps until an event handler signals, then serves. */
void blkback_worker(void *arg)
{
	(void)arg;
	for (;;) {
		unsigned long seen = worker_ev.count;
		blkback_poll_all();
		event_wait(&worker_ev, seen);
	}
}

/*
 * dom0 start-up: the worker exists before any domain gets a disk.
 * `blkback=copy` on dom0's command line turns the DMA path off,
 * `blkback=nopersist` persistent grants (the bench measures each).
 */
static int blkback_init(void)
{
	blkback_copy_only = strstr((const char *)start_info->cmd_line, "blkback=copy") != NULL;
	blkback_no_persist =
		strstr((const char *)start_info->cmd_line, "blkback=nopersist") != NULL;
	return thread_create("blkback", blkback_worker, NULL) ? 0 : -ENOMEM;
}
DOM0_INITCALL(DOM0_INIT_BACKEND, blkback_init);
