/*
 * Stage 7 of the guide: a block frontend.
 *
 * A split driver has a frontend in the guest and a backend in a driver
 * domain (here dom0's blkback).  The toolstack creates two XenStore
 * directories that point at each other: ours, device/vbd/<vdev> under our
 * home (with "backend" and "backend-id"), and the backend's.  Each side
 * publishes its state there (XenbusState: 1 Initialising, 2 InitWait, 3
 * Initialised, 4 Connected, 5 Closing, 6 Closed) and watches the other's.
 * The handshake:
 *   backend  InitWait     it has published its features
 *   frontend Initialised  after writing ring-ref, event-channel, protocol
 *   backend  Connected    it mapped our ring, bound the channel, and wrote
 *                         sectors and sector-size
 *   frontend Connected
 * and to leave: frontend Closing, backend Closing/Closed, frontend Closed.
 *
 * The ring is one page we share with the backend through a grant: an
 * entry {flags = GTF_permit_access, domid = backend, frame} in our grant
 * table (GNTTABOP_setup_table gives its frame; we map it like
 * shared_info).  The backend maps the page by (our domid, grant ref).  On
 * the page, public/io/ring.h lays out a shared ring of requests and
 * responses with free-running producer indices; the frontend produces
 * requests and consumes responses.  Data pages are granted too: a
 * request names them by grant reference and a range of 512-byte sectors
 * inside the page.  After pushing requests we notify the event channel
 * (allocated by us with EVTCHNOP_alloc_unbound for the backend to bind);
 * the backend notifies back when responses are ready.
 */
#include "../common/xenstore.h"
#include <public/grant_table.h>
#include <public/io/blkif.h>
#include <public/io/protocols.h>
#include <public/io/xenbus.h>

#define REF_RING 8 /* grant refs 0-7 are reserved (console, xenstore, ...) */
#define REF_DATA 9
#define SECTOR	 8 /* where we write: one page = sectors 8..15 */

static char ring_page[4096] __attribute__((aligned(4096)));
static char data_page[4096] __attribute__((aligned(4096)));
static char gnttab_page[4096] __attribute__((aligned(4096)));

static struct start_info *si;
static struct xs xs;
static char dir[64], back[96], path[128], buf[128];
static unsigned int back_id;
static struct grant_entry_v1 *gnttab;
static struct blkif_front_ring front;
static evtchn_port_t port;

static void check(int ok, const char *what)
{
	if (!ok) {
		print("blkfront: failed: ");
		print(what);
		print("\n");
		shutdown(SHUTDOWN_crash);
	}
}

static const char *join(const char *a, const char *b)
{
	unsigned long n = ex_strlen(a);
	ex_memcpy(path, a, n);
	path[n] = '/';
	ex_memcpy(path + n + 1, b, ex_strlen(b) + 1);
	return path;
}

static unsigned long read_num(const char *d, const char *key)
{
	unsigned long v = 0;
	check(xs_read(&xs, 0, join(d, key), buf, sizeof(buf)) > 0, key);
	for (const char *p = buf; *p >= '0' && *p <= '9'; p++)
		v = v * 10 + (unsigned long)(*p - '0');
	return v;
}

static void write_num(const char *key, unsigned long v)
{
	char num[24];
	int i = sizeof(num) - 1;
	num[i] = '\0';
	do
		num[--i] = (char)('0' + v % 10);
	while (v /= 10);
	check(xs_write(&xs, 0, join(dir, key), &num[i]) >= 0, key);
}

/* Wait until the backend's state is one of mask's bits (its watch fires). */
static unsigned long wait_backend(unsigned int mask)
{
	for (;;) {
		unsigned int seen = xs.events;
		unsigned long s = read_num(back, "state");
		if (mask & (1U << s))
			return s;
		xs_wait_event(&xs, seen);
	}
}

/* Let the backend domain use our page at va: grant entry ref. */
static void grant(grant_ref_t ref, void *va)
{
	gnttab[ref].domid = (domid_t)back_id;
	gnttab[ref].frame = (uint32_t)((unsigned long *)si->mfn_list)[(unsigned long)va >> 12];
	__atomic_thread_fence(__ATOMIC_RELEASE); /* domid and frame before the flags */
	gnttab[ref].flags = GTF_permit_access;
}

/* Our end of the handshake up to Connected. */
static void connect(void)
{
	unsigned long frame;
	struct gnttab_setup_table setup = {.dom = DOMID_SELF, .nr_frames = 1};
	set_xen_guest_handle(setup.frame_list, &frame);
	check(!hypercall(__HYPERVISOR_grant_table_op, GNTTABOP_setup_table, (unsigned long)&setup,
			 1, 0) &&
		      setup.status == GNTST_okay,
	      "setup_table");
	gnttab = map_frame(gnttab_page, frame);

	struct blkif_sring *sring = (struct blkif_sring *)ring_page;
	SHARED_RING_INIT(sring);
	FRONT_RING_INIT(&front, sring, sizeof(ring_page));
	grant(REF_RING, ring_page);
	grant(REF_DATA, data_page);
	struct evtchn_alloc_unbound alloc = {.dom = DOMID_SELF, .remote_dom = (domid_t)back_id};
	check(!evtchn_op(EVTCHNOP_alloc_unbound, &alloc), "alloc_unbound");
	port = alloc.port;
	write_num("ring-ref", REF_RING);
	write_num("event-channel", port);
	check(xs_write(&xs, 0, join(dir, "protocol"), XEN_IO_PROTO_ABI_NATIVE) >= 0, "protocol");
	write_num("state", XenbusStateInitialised);
	print("blkfront: ring granted as ref 8, event channel port ");
	print_num(port, 10);
	print(", state Initialised\n");
}

/* One request of one page at sector SECTOR; waits for its response. */
static int16_t transfer(uint8_t op)
{
	struct blkif_request *req = RING_GET_REQUEST(&front, front.req_prod_pvt);
	req->operation = op;
	req->nr_segments = 1;
	req->handle = 0;
	req->id = front.req_prod_pvt++;
	req->sector_number = SECTOR;
	req->seg[0] =
		(struct blkif_request_segment){.gref = REF_DATA, .first_sect = 0, .last_sect = 7};
	int notify;
	RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&front, notify);
	if (notify) {
		struct evtchn_send send = {.port = port};
		evtchn_op(EVTCHNOP_send, &send);
	}
	/* Ask for a notification when the next response comes (rsp_event),
	 * then look again: one may have come in between. */
	unsigned long bit = 1UL << (port % 64);
	for (;;) {
		int more;
		RING_FINAL_CHECK_FOR_RESPONSES(&front, more);
		if (more)
			break;
		struct sched_poll poll = {.nr_ports = 1};
		set_xen_guest_handle(poll.ports, &port);
		hypercall(__HYPERVISOR_sched_op, SCHEDOP_poll, (unsigned long)&poll, 0, 0);
		__atomic_fetch_and(&xs.shared->evtchn_pending[port / 64], ~bit, __ATOMIC_SEQ_CST);
	}
	struct blkif_response *rsp = RING_GET_RESPONSE(&front, front.rsp_cons);
	front.rsp_cons++;
	return rsp->status;
}

static void disk_io(void)
{
	for (unsigned int i = 0; i < sizeof(data_page); i++)
		data_page[i] = (char)(i * 7 + 1);
	check(transfer(BLKIF_OP_WRITE) == BLKIF_RSP_OKAY, "write");
	print("blkfront: wrote sectors 8-15 (one granted page)\n");
	for (unsigned int i = 0; i < sizeof(data_page); i++)
		data_page[i] = 0;
	check(transfer(BLKIF_OP_READ) == BLKIF_RSP_OKAY, "read");
	unsigned int same = 0;
	for (unsigned int i = 0; i < sizeof(data_page); i++)
		same += data_page[i] == (char)(i * 7 + 1);
	print(same == sizeof(data_page) ? "blkfront: read them back: every byte as written\n"
					: "blkfront: read them back: they differ\n");
	check(same == sizeof(data_page), "compare");
}

void example_main(struct start_info *start)
{
	si = start;
	xs_connect(&xs, si, map_shared_info(si));
	/* Our first disk: device/vbd/<vdev>, and the backend it names. */
	int n = xs_request(&xs, XS_DIRECTORY, 0, "device/vbd", 11, "", 0, buf, sizeof(buf));
	check(n > 0, "no disk in device/vbd");
	ex_memcpy(dir, "device/vbd/", 11);
	ex_memcpy(dir + 11, buf, ex_strlen(buf) + 1);
	check(xs_read(&xs, 0, join(dir, "backend"), back, sizeof(back)) > 0, "backend");
	back_id = (unsigned int)read_num(dir, "backend-id");
	print("blkfront: ");
	print(dir);
	print(" is served by ");
	print(back);
	print("\n");
	check(xs_watch(&xs, XS_WATCH, join(back, "state"), "be") >= 0, "watch");
	wait_backend(1U << XenbusStateInitWait);
	print("blkfront: the backend is InitWait\n");
	connect();
	wait_backend(1U << XenbusStateConnected);
	print("blkfront: the backend is Connected: ");
	print_num(read_num(back, "sectors"), 10);
	print(" sectors of ");
	print_num(read_num(back, "sector-size"), 10);
	print(" bytes\n");
	write_num("state", XenbusStateConnected);
	disk_io();

	write_num("state", XenbusStateClosing);
	wait_backend(1U << XenbusStateClosing | 1U << XenbusStateClosed);
	write_num("state", XenbusStateClosed);
	wait_backend(1U << XenbusStateClosed);
	print("blkfront: closed, and so is the backend\n");
	check(!(gnttab[REF_RING].flags & (GTF_reading | GTF_writing)), "ring still mapped");
	gnttab[REF_RING].flags = 0;
	gnttab[REF_DATA].flags = 0;
	print("blkfront: the ring is no longer mapped: grants revoked\n");
	shutdown(SHUTDOWN_poweroff);
}
