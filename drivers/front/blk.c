/*
 * blkfront in a domU: the handshake with blkback (through the toolkit in
 * drivers/xenbus/), the event channel, and the device-table entry that
 * programs use ("xvda", DEV_BLOCK).
 *
 * The event handler only signals bf.ev; the thread that waits for its
 * requests takes the responses itself (blkfront_poll in blk_req.c), so
 * ring state is only ever touched by threads, never by the upcall.
 * A transfer runs with events masked, from its first request to its
 * last response: when the notification hands the CPU to the backend
 * (a wake-up preempts us) and the response is in the ring by the time
 * we run again, it is taken without an upcall; the event left pending
 * is scanned in place when the transfer unmasks (events_restore), and a
 * wait that must sleep unmasks in SCHEDOP_block (event_wait).
 * Device-table calls take the device's sector units and any buffer: a
 * buffer that is not 512-byte aligned goes through a bounce buffer
 * (rw_vec's pieces are aligned by its contract, core/device.h).
 * Persistent grants are used when the backend offers them and
 * blkfront_use_persistent is set: the default, turned off by the domU's
 * `blkfront.feature_persistent=0` (read at the first connect) or by the
 * tests.  A frontend that offers them answers with its own
 * feature-persistent key beside ring-ref and event-channel (1 if both
 * ends use them, else 0); one that does not writes no such key.
 */
#include "blkfront.h"

#include <core/evtchn.h>
#include <core/gnttab.h>
#include <core/kernel.h>
#include <errno.h>
#include <public/errno.h>
#include <stdio.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>

#define BOUNCE_BYTES	  (64u * 1024)
#define BLKFRONT_PAUSE_NS (10ULL * 1000000ULL)

bool blkfront_use_persistent = true;

#define OPT_NAME "feature_persistent="

/* A boolean word's value (Linux's spellings), or -1. */
static int bool_value(const char *v, size_t len)
{
	static const char *const no[] = {"0", "n", "N", "off"};
	static const char *const yes[] = {"1", "y", "Y", "on"};

	for (unsigned int i = 0; i < 4; i++) {
		if (strlen(no[i]) == len && !memcmp(v, no[i], len))
			return 0;
		if (strlen(yes[i]) == len && !memcmp(v, yes[i], len))
			return 1;
	}
	return -1;
}

/* Length of the driver prefix word w (of len) begins with, or 0. */
static size_t prefix_len(const char *w, size_t len)
{
	static const char *const prefix[] = {"blkfront.", "xen_blkfront."};

	for (unsigned int i = 0; i < 2; i++) {
		size_t n = strlen(prefix[i]);
		if (len >= n && !memcmp(w, prefix[i], n))
			return n;
	}
	return 0;
}

bool blkfront_is_option(const char *word)
{
	return prefix_len(word, strlen(word)) != 0;
}

int blkfront_parse_options(const char *cmdline, bool *persistent)
{
	const size_t nlen = strlen(OPT_NAME);
	int want = -1;

	for (const char *p = cmdline; p && *p; p += strspn(p, " ")) {
		size_t len = strcspn(p, " "), pre = prefix_len(p, len);
		const char *w = p;

		p += len;
		if (!pre)
			continue;
		bool named = len - pre >= nlen && !memcmp(w + pre, OPT_NAME, nlen);
		int v = named ? bool_value(w + pre + nlen, len - pre - nlen) : -1;
		if (v < 0) {
			printk("blkfront: refusing \"%.*s\": %s; no disk connects\n",
			       (int)(len > 64 ? 64 : len), w,
			       named ? "the value is 0, n, N or off, or 1, y, Y or on"
				     : "the only blkfront word is blkfront.feature_persistent=");
			return -XEN_EINVAL;
		}
		want = v;
	}
	if (want >= 0)
		*persistent = want == 1;
	return 0;
}

/* The command line's words, read once (no start_info: the host tests). */
static int front_options(void)
{
	static char line[sizeof(start_info->cmd_line)];
	static int rc = 1;

	if (rc == 1 && !start_info)
		rc = 0;
	if (rc == 1) {
		memcpy(line, start_info->cmd_line, sizeof(line) - 1);
		rc = blkfront_parse_options(line, &blkfront_use_persistent);
	}
	return rc;
}

static void front_event(evtchn_port_t port, void *data)
{
	struct blkfront *bf = data;

	(void)port;
	event_signal(&bf->ev);
}

static void front_wait(struct blkfront *bf, unsigned long seen)
{
	event_wait(&bf->ev, seen);
}

/* A call waits for the backend to let go of its pages: look again in 10 ms. */
static void front_pause(struct blkfront *bf)
{
	event_wait_timeout(&bf->ev, bf->ev.count, BLKFRONT_PAUSE_NS);
}

void blkfront_vdev_name(unsigned int devid, char *buf, size_t size)
{
	unsigned int disk = (devid >> 4) & 15, part = devid & 15;

	if ((devid >> 8) != 202)
		snprintf(buf, size, "vbd%u", devid);
	else if (part)
		snprintf(buf, size, "xvd%c%u", 'a' + disk, part);
	else
		snprintf(buf, size, "xvd%c", 'a' + disk);
}

static int read_features(struct blkfront *bf, struct xendev *xd)
{
	unsigned long ind, flush, discard, persist;
	int rc;

	if ((rc = xendev_read_other_ulong_or(xd, "feature-max-indirect-segments", 0, &ind)) ||
	    (rc = xendev_read_other_ulong_or(xd, "feature-flush-cache", 0, &flush)) ||
	    (rc = xendev_read_other_ulong_or(xd, "feature-discard", 0, &discard)) ||
	    (rc = xendev_read_other_ulong_or(xd, "feature-persistent", 0, &persist)))
		return rc;
	bf->persist.on = persist != 0 && blkfront_use_persistent;
	bf->max_indirect = ind > BLKFRONT_MAX_INDIRECT ? BLKFRONT_MAX_INDIRECT : (unsigned int)ind;
	bf->can_flush = flush != 0;
	bf->can_discard = discard != 0;
	return 0;
}

static int read_disk(struct blkfront *bf, struct xendev *xd)
{
	unsigned long sectors, ssize, info;
	int rc;

	if ((rc = xendev_read_other_ulong(xd, "sectors", &sectors)) ||
	    (rc = xendev_read_other_ulong_or(xd, "sector-size", BLKIF_SECTOR_SIZE, &ssize)) ||
	    (rc = xendev_read_other_ulong_or(xd, "info", 0, &info)))
		return rc;
	if (!ssize || ssize % BLKIF_SECTOR_SIZE || ssize > 4096 || !sectors ||
	    sectors % (ssize / BLKIF_SECTOR_SIZE))
		return -XEN_EINVAL;
	bf->sectors = sectors;
	bf->sector_size = (uint32_t)ssize;
	bf->info = (unsigned int)info;
	return 0;
}

static int setup_ring(struct blkfront_dev *d)
{
	struct blkfront *bf = &d->bf;
	int rc = blkfront_ring_init(bf, d->xd.otherend_id, (uint16_t)d->xd.devid);

	if (rc)
		return rc;
	if ((rc = evtchn_alloc_unbound(d->xd.otherend_id)) < 0)
		return rc;
	bf->port = (evtchn_port_t)rc;
	evtchn_set_handler(bf->port, front_event, bf);
	const struct xendev_ulong keys[] = {{"ring-ref", bf->ring_ref},
					    {"event-channel", bf->port},
					    {"feature-persistent", bf->persist.on}};
	return xendev_front_publish_keys(&d->xd, keys, blkfront_use_persistent ? 3 : 2, true);
}

/* A new round's first half: the backend's features, our ring, channel and keys. */
static int front_setup(void *dev)
{
	struct blkfront_dev *d = dev;
	int rc = read_features(&d->bf, &d->xd);

	return rc ? rc : setup_ring(d);
}

/* Its second half, once the backend is Connected: the disk's keys. */
static int front_connect(void *dev)
{
	struct blkfront_dev *d = dev;
	int rc = read_disk(&d->bf, &d->xd);

	if (rc)
		return rc;
	if (d->dev.name) { /* registered: a disk that came back may have changed */
		d->dev.sectors = d->bf.sectors / (d->bf.sector_size / BLKIF_SECTOR_SIZE);
		d->dev.sector_size = d->bf.sector_size;
		d->dev.readonly = (d->bf.info & VDISK_READONLY) != 0;
		printk("blkfront: %s: now %lu sectors of %u bytes%s\n", d->name,
		       (unsigned long)d->dev.sectors, d->dev.sector_size,
		       d->dev.readonly ? ", read-only" : "");
	}
	d->bf.connected = true;
	return 0;
}

/*
 * The backend is going away (xenbus.h): nothing more will be answered.
 * Requests in flight fail with BLKIF_RSP_ERROR (blk_req.c: their waiter,
 * woken here, fails them, or release does; the call returns once the
 * backend can no longer map their pages), later calls with
 * -XEN_ENOTCONN.
 */
static void front_stop(void *dev)
{
	struct blkfront_dev *d = dev;

	d->bf.connected = false;
	event_signal(&d->bf.ev);
}

/* The channel closed, every grant revoked; how many the backend still holds. */
static unsigned int front_release(void *dev)
{
	struct blkfront_dev *d = dev;

	xendev_front_close_port(&d->bf.port);
	return blkfront_ring_free(&d->bf);
}

static const struct xendev_front_ops front_ops = {.name = "blkfront",
						  .stop = front_stop,
						  .release = front_release,
						  .setup = front_setup,
						  .connect = front_connect};

int blkfront_connect(struct blkfront_dev *d, struct xenbus *xb, uint16_t self, unsigned int devid)
{
	int rc;

	if ((rc = front_options()) || (!gnttab_ready() && (rc = gnttab_init())))
		return rc;
	memset(&d->bf, 0, sizeof(d->bf));
	d->bf.wait = front_wait;
	d->bf.pause = front_pause;
	if ((rc = xendev_front_start(&d->xd, xb, self, "vbd", devid)))
		return rc;
	if ((rc = xendev_front_connect(&d->xd, &front_ops, d)))
		blkfront_disconnect(d);
	return rc;
}

unsigned int blkfront_disconnect(struct blkfront_dev *d)
{
	d->bf.connected = false;
	xendev_close(&d->xd); /* stop following the backend's state */
	return xendev_front_close(&d->xd, &d->bf.port, front_release, d);
}

static int errno_of(int xen_rc)
{
	switch (xen_rc) {
	case 0:
		return 0;
	case -XEN_EINVAL:
		return -EINVAL;
	case -XEN_EOPNOTSUPP:
		return -EOPNOTSUPP;
	case -XEN_ENOTCONN:
		return -ENOTCONN;
	default:
		return -EIO;
	}
}

/* Device sectors -> 512-byte sectors, through a bounce buffer if buf is unaligned. */
static int dev_rw(struct device *dev, bool write, uint64_t sector, uint32_t count, void *buf)
{
	struct blkfront *bf = &((struct blkfront_dev *)dev->priv)->bf;
	uint64_t k = bf->sector_size / BLKIF_SECTOR_SIZE, s = sector * k, n = count * k;

	if ((uintptr_t)buf % BLKIF_SECTOR_SIZE == 0) {
		uint8_t f = events_mask();
		int rc = blkfront_rw(bf, write, s, buf, n);
		events_restore(f);
		return errno_of(rc);
	}
	uint8_t *bounce = memalign(BLKIF_SECTOR_SIZE, BOUNCE_BYTES), *p = buf;
	int rc = bounce ? 0 : -ENOMEM;
	while (!rc && n) {
		uint64_t chunk =
			n < BOUNCE_BYTES / BLKIF_SECTOR_SIZE ? n : BOUNCE_BYTES / BLKIF_SECTOR_SIZE;
		size_t bytes = chunk * BLKIF_SECTOR_SIZE;
		if (write)
			memcpy(bounce, p, bytes);
		uint8_t f = events_mask();
		rc = errno_of(blkfront_rw(bf, write, s, bounce, chunk));
		events_restore(f);
		if (!rc && !write)
			memcpy(p, bounce, bytes);
		s += chunk, n -= chunk, p += bytes;
	}
	free(bounce);
	return rc;
}

static int dev_read(struct device *dev, uint64_t sector, uint32_t count, void *buf)
{
	return dev_rw(dev, false, sector, count, buf);
}

static int dev_write(struct device *dev, uint64_t sector, uint32_t count, const void *buf)
{
	return dev_rw(dev, true, sector, count, (void *)(uintptr_t)buf);
}

/* Several transfers in one train (blkfront_rw_vec), in 512-byte sectors. */
static int dev_rw_vec(struct device *dev, bool write, const struct block_vec *v, unsigned int n)
{
	struct blkfront *bf = &((struct blkfront_dev *)dev->priv)->bf;
	uint32_t k = bf->sector_size / BLKIF_SECTOR_SIZE;
	struct block_vec s[BLOCK_VEC_MAX];
	int rc = block_vec_check(dev, write, v, n);

	if (rc)
		return rc;
	for (unsigned int i = 0; k > 1 && i < n; i++) { /* 512-byte sectors: as they are */
		if (v[i].count > UINT32_MAX / k)
			return -EINVAL;
		s[i] = (struct block_vec){v[i].sector * k, v[i].count * k, v[i].buf};
	}
	uint8_t f = events_mask();
	rc = blkfront_rw_vec(bf, write, k > 1 ? s : v, n);
	events_restore(f);
	return errno_of(rc);
}

static int dev_flush(struct device *dev)
{
	return errno_of(blkfront_flush(&((struct blkfront_dev *)dev->priv)->bf));
}

static int dev_discard(struct device *dev, uint64_t sector, uint64_t count)
{
	struct blkfront *bf = &((struct blkfront_dev *)dev->priv)->bf;
	uint64_t k = bf->sector_size / BLKIF_SECTOR_SIZE;

	return errno_of(blkfront_discard(bf, sector * k, count * k));
}

static const struct block_ops blkfront_ops = {.read = dev_read,
					      .write = dev_write,
					      .flush = dev_flush,
					      .discard = dev_discard,
					      .rw_vec = dev_rw_vec};

int blkfront_probe_all(struct xenbus *xb, uint16_t self)
{
	char list[256], path[40];
	int n = 0, len;

	snprintf(path, sizeof(path), "/local/domain/%u/device/vbd", self);
	if ((len = xenbus_directory(xb, 0, path, list, sizeof(list))) < 0)
		return 0;
	for (char *p = list; p < list + len; p += strlen(p) + 1) {
		char *end;
		unsigned long devid = strtoul(p, &end, 10);
		struct blkfront_dev *d = calloc(1, sizeof(*d));
		if (*end || !d || blkfront_connect(d, xb, self, (unsigned int)devid)) {
			free(d);
			continue;
		}
		blkfront_vdev_name((unsigned int)devid, d->name, sizeof(d->name));
		d->dev = (struct device){.name = d->name,
					 .kind = DEV_BLOCK,
					 .priv = d,
					 .block = &blkfront_ops,
					 .sectors = d->bf.sectors /
						    (d->bf.sector_size / BLKIF_SECTOR_SIZE),
					 .sector_size = d->bf.sector_size,
					 .readonly = (d->bf.info & VDISK_READONLY) != 0};
		if (device_register(&d->dev) == 0) {
			printk("blkfront: %s: %lu sectors of %u bytes%s\n", d->name,
			       (unsigned long)d->dev.sectors, d->dev.sector_size,
			       d->dev.readonly ? ", read-only" : "");
			n++;
		}
	}
	return n;
}
