/*
 * The simulated machine of harness.h.  Frame numbers: every host page
 * that va_to_mfn() is asked about gets the next number, remembered in
 * a small open-addressing table both ways.  A grant copy resolves a
 * grant side through h_table (only domain 1 grants) with the
 * hypervisor's checks: reference in range, type permit_access, grantee
 * domain, read-only for a destination, offset + length within the page.
 */
#include "harness.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <back/blkback.h>
#include <back/ramdisk.h>
#include <core/device.h>
#include <core/evtchn.h>
#include <core/kernel.h>
#include <errno.h>
#include <core/gnttab.h>
#include <core/sched.h>
#include <front/blkfront.h>
#include <mm/mm.h>
#include <public/errno.h>
#include <xenbus/xendev.h>
#include <dom0/xenstored/xenstored.h>

#define FRAMES	  (1u << 16)
#define HASH_SIZE (1u << 17)

struct grant_entry_v1 h_table[GRANT_SLOTS];
bool h_front_dead;
unsigned long h_copies, h_back_kicks, h_front_kicks;
unsigned int h_maps, h_dev_maps, h_ind_maps;
unsigned long h_map_ops, h_dma_calls, h_copy_calls;
struct start_info *start_info; /* dom0's; only its init call reads it */

/*
 * Pages are kept complemented (HIDE), not as pointers: the table must not
 * keep LeakSanitizer from seeing a page the frontend never frees.
 */
#define HIDE(p) (~(uintptr_t)(p))
static uintptr_t frame_page[FRAMES];
static unsigned long nr_frames;
static struct {
	uintptr_t page; /* HIDE(page), 0 if free */
	unsigned long frame;
} hash[HASH_SIZE];

static unsigned int dev_map_count[GRANT_SLOTS]; /* live device maps per reference */
static struct blkfront *h_front;
static struct vbd *h_back;
static bool back_pending;
static evtchn_handler_t back_handler;
static void *back_handler_data;
bool (*h_serve)(struct vbd *v);

unsigned long va_to_mfn(const void *p)
{
	uintptr_t page = (uintptr_t)p & ~(uintptr_t)(PAGE_SIZE - 1);
	unsigned int i = (unsigned int)((page >> 12) * 2654435761u) % HASH_SIZE;

	while (hash[i].page && hash[i].page != HIDE(page))
		i = (i + 1) % HASH_SIZE;
	if (!hash[i].page) {
		if (nr_frames + 1 >= FRAMES)
			fail_msg("harness: out of simulated frames");
		hash[i].page = HIDE(page);
		hash[i].frame = ++nr_frames; /* frame 0 stays invalid */
		frame_page[nr_frames] = HIDE(page);
	}
	return hash[i].frame;
}

void va_to_mfns(const void *p, unsigned int n, unsigned long *mfn)
{
	for (unsigned int i = 0; i < n; i++)
		mfn[i] = va_to_mfn((const uint8_t *)p + (size_t)i * PAGE_SIZE);
}

void *h_frame_ptr(unsigned long frame)
{
	return frame && frame <= nr_frames ? (void *)HIDE(frame_page[frame]) : NULL;
}

void h_reset(void)
{
	memset(h_table, 0, sizeof(h_table));
	assert_true(gnttab_attach(h_table, GRANT_SLOTS));
	h_front_dead = false;
	h_back_at_kick = false;
	h_copies = h_back_kicks = h_front_kicks = 0;
	h_maps = h_dev_maps = h_ind_maps = 0;
	memset(dev_map_count, 0, sizeof(dev_map_count));
	h_map_ops = h_dma_calls = h_copy_calls = 0;
	back_pending = false;
	h_front = NULL;
	h_back = NULL;
	back_handler = NULL;
	h_serve = blkback_service;
	h_pauses = 0;
	h_pause_hook = NULL;
}

/* One side of a copy as a host pointer, or a GNTST_* error. */
static int16_t resolve(const struct gnttab_copy_ptr *p, bool is_ref, bool write, uint8_t **out)
{
	unsigned long frame;

	if (!is_ref) {
		if (p->domid != DOMID_SELF)
			return GNTST_permission_denied;
		frame = p->u.gmfn;
	} else {
		if (p->domid != FRONT_ID || h_front_dead)
			return GNTST_bad_domain;
		if (p->u.ref >= GRANT_SLOTS)
			return GNTST_bad_gntref;
		const struct grant_entry_v1 *e = &h_table[p->u.ref];
		if ((e->flags & GTF_type_mask) != GTF_permit_access || e->domid != BACK_ID ||
		    (write && (e->flags & GTF_readonly)))
			return GNTST_general_error;
		frame = e->frame;
	}
	if (!(*out = h_frame_ptr(frame)))
		return GNTST_bad_page;
	*out += p->offset;
	return GNTST_okay;
}

int gnttab_op_copy(struct gnttab_copy *ops, unsigned int n)
{
	h_copy_calls++;
	for (unsigned int i = 0; i < n; i++) {
		struct gnttab_copy *op = &ops[i];
		uint8_t *src, *dst;
		h_copies++;
		if (op->source.offset + op->len > PAGE_SIZE ||
		    op->dest.offset + op->len > PAGE_SIZE) {
			op->status = GNTST_bad_copy_arg;
			continue;
		}
		op->status = resolve(&op->source, op->flags & GNTCOPY_source_gref, false, &src);
		if (op->status == GNTST_okay)
			op->status = resolve(&op->dest, op->flags & GNTCOPY_dest_gref, true, &dst);
		if (op->status == GNTST_okay)
			memmove(dst, src, op->len);
	}
	return 0;
}

int gnttab_init(void)
{
	return -XEN_ENOSYS; /* h_reset attaches the simulated table */
}

/*
 * Device maps (GNTMAP_device_map, no host address) as the hypervisor
 * checks them; the bus address is the frame number << 12 and the handle
 * is the grant reference plus one.  h_dev_maps counts live ones.
 */
int gnttab_op_map(struct gnttab_map_grant_ref *ops, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		struct gnttab_map_grant_ref *op = &ops[i];
		bool ro = op->flags & GNTMAP_readonly;
		struct gnttab_copy_ptr p = {.u.ref = op->ref, .domid = op->dom};
		uint8_t *page;
		h_map_ops++;
		if (op->flags != (GNTMAP_device_map | (ro ? GNTMAP_readonly : 0u)) ||
		    op->host_addr) {
			op->status = GNTST_general_error; /* blkback asks for nothing else */
			continue;
		}
		op->status = resolve(&p, true, !ro, &page);
		if (op->status != GNTST_okay)
			continue;
		op->dev_bus_addr = (uint64_t)va_to_mfn(page) << 12;
		op->handle = op->ref + 1;
		h_dev_maps++;
		/* As the hypervisor: the entry is in use (a revoke fails) until the last unmap. */
		dev_map_count[op->ref]++;
		h_table[op->ref].flags |= GTF_reading | (ro ? 0 : GTF_writing);
	}
	return 0;
}

int gnttab_op_unmap(struct gnttab_unmap_grant_ref *ops, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		struct gnttab_unmap_grant_ref *op = &ops[i];
		if (!op->handle || op->handle > GRANT_SLOTS || op->host_addr || !h_dev_maps ||
		    op->dev_bus_addr != (uint64_t)h_table[op->handle - 1].frame << 12) {
			op->status = GNTST_bad_handle;
			continue;
		}
		h_dev_maps--;
		if (!--dev_map_count[op->handle - 1])
			h_table[op->handle - 1].flags &= (uint16_t) ~(GTF_reading | GTF_writing);
		op->status = GNTST_okay;
	}
	return 0;
}

struct gnttab_map_grant_ref h_hold(grant_ref_t ref)
{
	bool ro = ref < GRANT_SLOTS && (h_table[ref].flags & GTF_readonly);
	struct gnttab_map_grant_ref m = {.ref = ref,
					 .dom = FRONT_ID,
					 .flags = GNTMAP_device_map | (ro ? GNTMAP_readonly : 0u)};
	assert_int_equal(gnttab_op_map(&m, 1), 0);
	assert_int_equal(m.status, GNTST_okay);
	return m;
}

void h_let_go(const struct gnttab_map_grant_ref *m)
{
	struct gnttab_unmap_grant_ref u = {.handle = m->handle, .dev_bus_addr = m->dev_bus_addr};
	assert_int_equal(gnttab_op_unmap(&u, 1), 0);
	assert_int_equal(u.status, GNTST_okay);
}

/*
 * blkback's kept indirect pages (blk_map.c on dom0): a read-only map of
 * the grant as the hypervisor checks it, in use until unmapped; the
 * "address" is the frontend's page itself.
 */
const void *blkback_ind_map(struct vbd *v, unsigned int slot, grant_ref_t gref,
			    grant_handle_t *handle)
{
	struct gnttab_copy_ptr p = {.u.ref = gref, .domid = v->front_id};
	uint8_t *page;

	if (slot >= BLKBACK_IND_KEEP || resolve(&p, true, false, &page) != GNTST_okay)
		return NULL;
	dev_map_count[gref]++;
	h_table[gref].flags |= GTF_reading;
	*handle = (grant_handle_t)(gref + 1);
	h_ind_maps++;
	return page;
}

void blkback_ind_unmap_all(struct vbd *v)
{
	struct blkback_ind_keep *k = &v->ind_keep;

	for (unsigned int i = 0; i < BLKBACK_IND_KEEP; i++) {
		if (!k->ent[i].page)
			continue;
		grant_ref_t g = (grant_ref_t)(k->ent[i].handle - 1);
		assert_int_equal(g, k->ent[i].gref);
		if (!--dev_map_count[g])
			h_table[g].flags &= (uint16_t) ~(GTF_reading | GTF_writing);
		k->ent[i].page = NULL;
		h_ind_maps--;
	}
	k->live = 0;
}

/* The DMA device: the RAM disk's sectors moved to and from "bus" memory. */
static int dma_submit(struct device *d, struct block_io *ios, unsigned int n)
{
	h_dma_calls++;
	for (unsigned int i = 0; i < n; i++) {
		uint64_t sector = ios[i].sector;
		ios[i].status = 0;
		for (unsigned int j = 0; j < ios[i].nsg && !ios[i].status; j++) {
			const struct block_sg *sg = &ios[i].sg[j];
			uint8_t *p = h_frame_ptr(sg->bus >> 12);
			uint32_t count = sg->len / 512;
			if (!p || (sg->bus & 4095) + sg->len > 4096 || sg->len % 512) {
				ios[i].status = -EINVAL;
				break;
			}
			p += sg->bus & 4095;
			ios[i].status = ios[i].write ? d->block->write(d, sector, count, p)
						     : d->block->read(d, sector, count, p);
			sector += count;
		}
		if (!ios[i].status && sector != ios[i].sector + ios[i].count)
			ios[i].status = -EINVAL;
	}
	return 0;
}

struct device *h_dma_disk(struct device *ram)
{
	static struct block_ops ops;
	static struct device dev;

	ops = *ram->block;
	ops.submit_bus = dma_submit;
	dev = *ram;
	dev.block = &ops;
	return &dev;
}

/* The backend maps ring i: as the hypervisor, the grant must be ours and writable. */
void *xendev_map_ring_at(struct xendev *xd, unsigned int i, grant_ref_t ref)
{
	struct gnttab_copy_ptr p = {.u.ref = ref, .domid = xd->otherend_id};
	uint8_t *page;

	if (i >= XENDEV_RINGS || xd->ring[i].mapped || resolve(&p, true, true, &page) != GNTST_okay)
		return NULL;
	dev_map_count[ref]++; /* a test may map it too: in use until the last unmap */
	h_table[ref].flags |= GTF_reading | GTF_writing;
	xd->ring[i].va = (uintptr_t)page;
	xd->ring[i].handle = ref;
	xd->ring[i].mapped = true;
	h_maps++;
	return page;
}

int xendev_unmap_ring_at(struct xendev *xd, unsigned int i)
{
	if (i >= XENDEV_RINGS || !xd->ring[i].mapped)
		return -XEN_EINVAL;
	if (!--dev_map_count[xd->ring[i].handle])
		h_table[xd->ring[i].handle].flags &= (uint16_t) ~(GTF_reading | GTF_writing);
	xd->ring[i].mapped = false;
	h_maps--;
	return 0;
}

int (*h_bind_hook)(uint16_t remote, uint32_t port);

int evtchn_alloc_unbound(domid_t remote)
{
	(void)remote;
	return FRONT_PORT;
}

int evtchn_bind_interdomain(domid_t remote, evtchn_port_t remote_port)
{
	if (remote != FRONT_ID || remote_port != FRONT_PORT)
		return -XEN_EINVAL;
	return h_bind_hook ? h_bind_hook(remote, remote_port) : BACK_PORT;
}

int evtchn_close(evtchn_port_t port)
{
	(void)port;
	return 0;
}

bool evtchn_set_handler(evtchn_port_t port, evtchn_handler_t fn, void *data)
{
	if (port != BACK_PORT)
		return false;
	back_handler = fn;
	back_handler_data = data;
	return true;
}

/* Threads do not exist here: signals count, nobody may wait or yield. */
void event_signal(struct event_counter *e)
{
	e->count++;
}

void event_wait(struct event_counter *e, unsigned long seen)
{
	(void)e;
	(void)seen;
	fail_msg("event_wait on the host");
}

/* No upcalls here: the mask is a flag, checked to be balanced. */
uint8_t h_events_masked;
unsigned long h_back_kicks_unmasked;

uint8_t events_mask(void)
{
	uint8_t old = h_events_masked;
	h_events_masked = 1;
	return old;
}

void events_restore(uint8_t old)
{
	assert_int_equal(h_events_masked, 1);
	h_events_masked = old;
}

void thread_yield(void)
{
	fail_msg("thread_yield on the host");
}

struct thread *thread_create(const char *name, void (*fn)(void *), void *arg)
{
	(void)name;
	(void)fn;
	(void)arg;
	return NULL; /* only dom0's init call starts threads; not run here */
}

bool h_back_at_kick;

int evtchn_notify(evtchn_port_t port)
{
	if (port == FRONT_PORT) {
		h_back_kicks++;
		h_back_kicks_unmasked += !h_events_masked;
		back_pending = true;
		if (back_handler)
			back_handler(BACK_PORT, back_handler_data);
		if (h_back_at_kick && h_back) { /* the kick hands the backend the CPU */
			back_pending = false;
			if (h_serve(h_back))
				evtchn_notify(BACK_PORT);
		}
	} else if (port == BACK_PORT) {
		h_front_kicks++;
		if (h_front)
			h_front->ev.count++;
	} else {
		return -XEN_EINVAL;
	}
	return 0;
}

bool event_wait_timeout(struct event_counter *e, unsigned long seen, uint64_t ns)
{
	(void)e;
	(void)seen;
	(void)ns;
	fail_msg("event_wait_timeout on the host");
	return false;
}

/* A call waits for the backend to let go of its pages: h_pause_hook plays the backend. */
unsigned long h_pauses;
void (*h_pause_hook)(unsigned long pauses);

static void front_pause(struct blkfront *bf)
{
	(void)bf;
	if (!h_pause_hook)
		fail_msg("frontend waits for a backend that will never let go");
	h_pause_hook(++h_pauses);
}

/* The frontend waits: the backend runs if it was notified, and only then. */
static void front_wait(struct blkfront *bf, unsigned long seen)
{
	if (back_pending && h_back) {
		back_pending = false;
		if (h_serve(h_back))
			evtchn_notify(BACK_PORT);
	} else if (back_pending) {
		back_pending = false;
		blkback_poll_all(); /* the dom0 glue's worker */
	}
	if (bf->ev.count == seen)
		fail_msg("frontend waits for an event nobody will send");
}

void h_connect(struct blkfront *bf, struct vbd *back)
{
	h_front = bf;
	h_back = back;
	bf->wait = front_wait;
	bf->pause = front_pause;
	bf->port = FRONT_PORT;
}

void h_front_up(struct blkfront *bf, struct vbd *back, bool persist)
{
	memset(bf, 0, sizeof(*bf));
	bf->persist.on = persist;
	assert_int_equal(blkfront_ring_init(bf, BACK_ID, 51712), 0);
	BACK_RING_INIT(&back->ring, bf->sring, PAGE_SIZE);
	h_connect(bf, back);
	bf->sectors = back->sectors;
	bf->sector_size = back->sector_size;
	bf->connected = true;
}

struct device *h_persist_pair_up(struct vbd *back, struct blkfront *bf, size_t bytes)
{
	h_reset();
	struct device *disk = ramdisk_create("ram0", bytes);
	assert_non_null(disk);
	assert_int_equal(vbd_init(back, FRONT_ID, h_dma_disk(disk), 0, 0, false), 0);
	back->persist.on = true;
	h_front_up(bf, back, true);
	bf->max_indirect = BLKFRONT_MAX_INDIRECT;
	return disk;
}

static struct xsd *xsd;
static struct xenstore_domain_interface page0, page1;
static struct xenbus *store_back;
static bool in_backend;

static int connect_page1(void *ctx, uint16_t domid, uint64_t gfn, uint32_t port,
			 struct xenstore_domain_interface **intf, void **arg)
{
	(void)ctx;
	(void)gfn;
	(void)port;
	if (domid != FRONT_ID)
		return -1;
	*intf = &page1;
	*arg = NULL;
	return 0;
}

static void store_back_wait(void *ctx)
{
	(void)ctx;
	xsd_poll(xsd);
}

static void store_front_wait(void *ctx)
{
	store_back_wait(ctx);
	if (!in_backend) {
		in_backend = true;
		xenbus_dispatch_events(store_back);
		in_backend = false;
	}
}

static void nop(void *arg)
{
	(void)arg;
}

void h_store_domain1(void)
{
	assert_int_equal(xenbus_introduce(store_back, FRONT_ID, 77, 5), 0);
	assert_int_equal(xenbus_write(store_back, 0, "/local/domain/1", ""), 0);
	assert_int_equal(xenbus_set_perms(store_back, 0, "/local/domain/1", "n1", 3), 0);
}

void h_store_up(struct xenbus *back, struct xenbus *front)
{
	static const struct xsd_ops ops = {.connect = connect_page1, .notify = nop};
	static const struct xenbus_waiter bw = {store_back_wait, NULL},
					  fw = {store_front_wait, NULL};
	memset(&page0, 0, sizeof(page0));
	memset(&page1, 0, sizeof(page1));
	xsd = xsd_create(&ops);
	assert_non_null(xsd_attach(xsd, 0, &page0, NULL));
	store_back = back;
	xenbus_init(back, &page0, NULL, NULL, &bw);
	xenbus_init(front, &page1, nop, NULL, &fw);
	h_store_domain1();
}

void h_store_down(void)
{
	assert_true(xsd_check(xsd));
	xsd_destroy(xsd);
}
