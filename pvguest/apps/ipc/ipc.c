/*
 * The inter-domain test program of a domU (command line "ipc ping PEER"
 * or "ipc pong PEER"), run by tests/scenarios/ipc.sh with dom0's
 * ipctest (pvguest/dom0/ipctest.c) introducing both domains to XenStore.
 *
 * pong grants ping a page of its memory and allocates an event channel
 * for it, and publishes both under its data/ directory, readable by ping
 * only.  ping finds them through XenStore, maps the page, binds the
 * channel, and the two bounce a counter ROUNDS times: ping writes seq and
 * sends, pong answers ack = seq and sends back.  On the way ping checks
 * that XenStore refuses what it may not do (EACCES) and that a grant meant
 * for another domain can't be mapped.  Each check prints a TAP line
 * computed here; the verdict goes to data/result for dom0.  "ping PEER
 * bench" also prints `bench` lines (tests/bench/ipc.sh).
 */
#include <asm/arch.h>
#include <asm/hypercall.h>
#include <core/evtchn.h>
#include <core/kernel.h>
#include <core/sched.h>
#include <mm/mm.h>
#include <mm/pages.h>
#include <public/errno.h>
#include <public/grant_table.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xenbus/guest.h>

#define ROUNDS	  1000
#define GRANT_REF 10 /* the entry pong grants ping */
#define WAIT_NS	  (20ULL * 1000 * 1000)
#define WAIT_MAX  500 /* x 20 ms */
#define BENCH_OPS 200

struct shared_page {
	volatile uint32_t seq, ack;
};

static struct xs_event chan_ev;
static int failures;
static int me, peer;

static void check(int ok, const char *what)
{
	printf("%s - ipc %s\n", ok ? "ok" : "not ok", what);
	failures += !ok;
}

static void chan_event(evtchn_port_t port, void *data)
{
	(void)port;
	(void)data;
	xs_event_signal(&chan_ev);
}

static long grant_op(unsigned int cmd, void *op)
{
	return hypercall(__HYPERVISOR_grant_table_op, cmd, op, 1);
}

static void notify(evtchn_port_t port)
{
	struct evtchn_send op = {.port = port};

	hv_event_channel_op(EVTCHNOP_send, &op);
}

/* /local/domain/<dom>/data, or a key below it. */
static void data_path(char *buf, size_t len, int dom, const char *key)
{
	snprintf(buf, len, "/local/domain/%d/data%s%s", dom, key ? "/" : "", key ? key : "");
}

/* Read PEER's data/key as a number, waiting until pong has published it. */
static int wait_number(struct xenbus *xb, const char *key, unsigned long *v)
{
	char path[64];

	data_path(path, sizeof(path), peer, key);
	for (int i = 0; i < WAIT_MAX; i++) {
		if (xenbus_read_ulong(xb, 0, path, v) == 0)
			return 0;
		thread_sleep_ns(WAIT_NS);
	}
	return -XEN_ETIMEDOUT;
}

/* ---- pong: the granting side ------------------------------------------------ */

static struct grant_entry_v1 *grant_table(void)
{
	xen_pfn_t frame;
	struct gnttab_setup_table op = {.dom = DOMID_SELF, .nr_frames = 1};
	unsigned long va = xenbus_map_va();

	set_xen_guest_handle(op.frame_list, &frame);
	if (grant_op(GNTTABOP_setup_table, &op) || op.status != GNTST_okay)
		return NULL;
	map_machine_page(va, frame);
	return (struct grant_entry_v1 *)va;
}

/* Both keys appear at once (a transaction, redone on EAGAIN), as a frontend publishes. */
static int publish(struct xenbus *xb, const char *dir, evtchn_port_t port)
{
	int rc;

	do {
		uint32_t tx;

		rc = xenbus_transaction_start(xb, &tx);
		if (rc)
			return rc;
		rc = xenbus_write_ulong(xb, tx, dir, "ring-ref", GRANT_REF);
		if (!rc)
			rc = xenbus_write_ulong(xb, tx, dir, "event-channel", port);
		int end = xenbus_transaction_end(xb, tx, rc != 0);
		if (!rc)
			rc = end;
	} while (rc == -XEN_EAGAIN);
	return rc;
}

static int pong(struct xenbus *xb)
{
	struct grant_entry_v1 *gt = grant_table();
	unsigned long pfn = pages_alloc(1);
	struct shared_page *page = pfn != NO_PFN ? pfn_to_virt(pfn) : NULL;
	char path[64], perms[16];

	check(gt && page, "pong: grant table and page");
	if (!gt || !page)
		return 1;
	memset(page, 0, 4096);
	gt[GRANT_REF].domid = (domid_t)peer;
	gt[GRANT_REF].frame = (uint32_t)pfn_to_mfn(pfn);
	__atomic_store_n(&gt[GRANT_REF].flags, GTF_permit_access, __ATOMIC_RELEASE);
	struct evtchn_alloc_unbound au = {.dom = DOMID_SELF, .remote_dom = (domid_t)peer};
	check(hv_event_channel_op(EVTCHNOP_alloc_unbound, &au) == 0, "pong: channel for ping");
	evtchn_set_handler(au.port, chan_event, NULL);
	/* Publish, readable by ping only (children inherit data/'s permissions). */
	data_path(path, sizeof(path), me, NULL);
	int n = snprintf(perms, sizeof(perms), "n%d%cr%d", me, 0, peer);
	check(xenbus_set_perms(xb, 0, path, perms, (uint32_t)n + 1) == 0, "pong: data/ for ping");
	check(publish(xb, path, au.port) == 0,
	      "pong: ring-ref and event-channel published in one transaction");
	uint32_t next = 1;
	while (next <= ROUNDS) {
		if (page->seq == next) {
			page->ack = next++;
			notify(au.port);
		} else {
			xs_event_wait(&chan_ev);
		}
	}
	/* ping still maps the page: the entry can't be taken back yet. */
	uint16_t flags = __atomic_load_n(&gt[GRANT_REF].flags, __ATOMIC_ACQUIRE);
	check(flags & GTF_reading, "pong: entry in use while mapped (GTF_reading)");
	xenbus_write_ulong(xb, 0, path, "checked", 1); /* ping may unmap now */
	printf("ipc: pong answered %u rounds\n", ROUNDS);
	/* Stay in the conversation (ping may go on) until dom0 destroys us. */
	for (;;) {
		if (page->seq == next)
			page->ack = next++;
		xs_event_wait(&chan_ev);
	}
}

/* ---- ping: the mapping side ----------------------------------------------------- */

static void check_refusals(struct xenbus *xb)
{
	char buf[64], path[64];
	struct gnttab_map_grant_ref bad = {.host_addr = xenbus_map_va(),
					   .flags = GNTMAP_host_map,
					   .ref = 1,
					   .dom = (domid_t)peer};

	snprintf(path, sizeof(path), "/local/domain/%d/domid", peer);
	check(xenbus_read(xb, 0, path, buf, sizeof(buf)) == -XEN_EACCES,
	      "xenstore: reading another domain's node is EACCES");
	check(xenbus_write(xb, 0, "/local/domain/0/name", "mallory") == -XEN_EACCES,
	      "xenstore: writing dom0's node is EACCES");
	data_path(path, sizeof(path), peer, "intruder");
	check(xenbus_write(xb, 0, path, "x") == -XEN_EACCES,
	      "xenstore: writing into a read-only grant of a directory is EACCES");
	/* Malformed requests get error replies, and the daemon goes on serving us. */
	const char *junk = "x";
	uint32_t one = 1;
	check(xenbus_request(xb, 9999, 0, &junk, &one, 1, NULL, 0) == -XEN_ENOSYS,
	      "xenstore: an unknown request type is ENOSYS");
	check(xenbus_request(xb, XS_READ, 0, &junk, &one, 1, NULL, 0) == -XEN_EINVAL,
	      "xenstore: a path without its NUL is EINVAL");
	check(xenbus_read(xb, 0, "/bad//path", buf, sizeof(buf)) == -XEN_EINVAL,
	      "xenstore: a malformed path is EINVAL");
	/* Entry 1 of the peer is its store ring, granted to dom0, not to us. */
	check(grant_op(GNTTABOP_map_grant_ref, &bad) == 0 && bad.status == GNTST_general_error,
	      "grant: mapping an entry granted to another domain is GNTST_general_error");
}

/*
 * Costs per operation (instructions under QEMU -icount, where rdtsc counts
 * them; tests/bench/ipc.sh): grant map+unmap of pong's entry, a 4 KiB
 * grant copy from it, a XenStore read round trip.  Each result is checked.
 */
static void bench(struct xenbus *xb, grant_ref_t ref)
{
	unsigned long va = xenbus_map_va(), pfn = pages_alloc(1), id;
	int bad = pfn == NO_PFN;
	uint64_t t0 = rdtsc();

	for (int i = 0; i < BENCH_OPS && !bad; i++) {
		struct gnttab_map_grant_ref m = {.host_addr = va,
						 .flags = GNTMAP_host_map,
						 .ref = ref,
						 .dom = (domid_t)peer};
		bad |= grant_op(GNTTABOP_map_grant_ref, &m) || m.status != GNTST_okay;
		struct gnttab_unmap_grant_ref u = {.host_addr = va, .handle = m.handle};
		bad |= grant_op(GNTTABOP_unmap_grant_ref, &u) || u.status != GNTST_okay;
	}
	uint64_t t1 = rdtsc();
	for (int i = 0; i < BENCH_OPS && !bad; i++) {
		struct gnttab_copy c = {.source = {.u.ref = ref, .domid = (domid_t)peer},
					.dest = {.u.gmfn = pfn_to_mfn(pfn), .domid = DOMID_SELF},
					.len = 4096,
					.flags = GNTCOPY_source_gref};
		bad |= grant_op(GNTTABOP_copy, &c) || c.status != GNTST_okay;
	}
	uint64_t t2 = rdtsc();
	for (int i = 0; i < BENCH_OPS && !bad; i++)
		bad |= xenbus_read_ulong(xb, 0, "domid", &id) || id != (unsigned long)me;
	uint64_t t3 = rdtsc();
	check(!bad, "bench: every map, unmap, copy and read succeeded");
	printf("bench ipc_grant_map_unmap %lu\n", (unsigned long)((t1 - t0) / BENCH_OPS));
	printf("bench ipc_grant_copy_4k %lu\n", (unsigned long)((t2 - t1) / BENCH_OPS));
	printf("bench ipc_xenstore_read %lu\n", (unsigned long)((t3 - t2) / BENCH_OPS));
}

/*
 * Ask dom0 to destroy pong while we still map its page and hold a channel
 * to it, then check that nothing of ours broke: the page is still there
 * (the dead granter's frame lives until we unmap), sending is harmless,
 * the unmap works, XenStore still serves us.
 */
static void after_peer_death(struct xenbus *xb, struct shared_page *page, grant_handle_t h,
			     unsigned long va, evtchn_port_t port)
{
	char path[64];
	struct evtchn_status st = {.dom = DOMID_SELF, .port = port};

	data_path(path, sizeof(path), me, "stage");
	check(xenbus_write(xb, 0, path, "destroy-peer") == 0, "ping: asked dom0 to destroy pong");
	for (int i = 0; i < WAIT_MAX; i++) {
		if (hv_event_channel_op(EVTCHNOP_status, &st) ||
		    st.status != EVTCHNSTAT_interdomain)
			break;
		thread_sleep_ns(WAIT_NS);
	}
	check(st.status == EVTCHNSTAT_unbound && st.u.unbound.dom == peer,
	      "peer destroyed: our end of the channel is unbound, waiting for it");
	check(page->ack == ROUNDS, "peer destroyed: its granted page is still mapped and intact");
	page->seq = 0; /* and writable */
	struct evtchn_send send = {.port = port};
	check(hv_event_channel_op(EVTCHNOP_send, &send) == 0,
	      "peer destroyed: sending is harmless");
	struct gnttab_unmap_grant_ref un = {.host_addr = va, .handle = h};
	check(grant_op(GNTTABOP_unmap_grant_ref, &un) == 0 && un.status == GNTST_okay,
	      "peer destroyed: unmapping its page works");
	check(xenbus_write(xb, 0, path, "done") == 0, "peer destroyed: XenStore still serves us");
}

static int ping(struct xenbus *xb, bool do_bench)
{
	unsigned long ref, port;

	check_refusals(xb);
	check(wait_number(xb, "ring-ref", &ref) == 0 &&
		      wait_number(xb, "event-channel", &port) == 0,
	      "ping: found pong's ring-ref and event-channel in XenStore");
	struct gnttab_map_grant_ref map = {.host_addr = xenbus_map_va(),
					   .flags = GNTMAP_host_map,
					   .ref = (grant_ref_t)ref,
					   .dom = (domid_t)peer};
	check(grant_op(GNTTABOP_map_grant_ref, &map) == 0 && map.status == GNTST_okay,
	      "ping: mapped pong's page");
	struct evtchn_bind_interdomain bind = {.remote_dom = (domid_t)peer,
					       .remote_port = (evtchn_port_t)port};
	check(hv_event_channel_op(EVTCHNOP_bind_interdomain, &bind) == 0,
	      "ping: bound the channel");
	if (failures)
		return 1;
	evtchn_set_handler(bind.local_port, chan_event, NULL);
	struct shared_page *page = (struct shared_page *)map.host_addr;
	uint64_t t0 = clock_now_ns(), c0 = rdtsc();
	for (uint32_t i = 1; i <= ROUNDS; i++) {
		page->seq = i;
		notify(bind.local_port);
		while (page->ack != i)
			xs_event_wait(&chan_ev);
	}
	uint64_t ns = (clock_now_ns() - t0) / ROUNDS, cycles = (rdtsc() - c0) / ROUNDS;
	printf("ipc: %u round trips, %lu ns each\n", ROUNDS, (unsigned long)ns);
	check(page->ack == ROUNDS, "ping-pong: every round trip over the granted page");
	if (do_bench)
		printf("bench ipc_evtchn_roundtrip %lu\n", (unsigned long)cycles);
	unsigned long checked;
	check(wait_number(xb, "checked", &checked) == 0, "ping: pong saw its entry in use");
	if (do_bench)
		bench(xb, (grant_ref_t)ref);
	after_peer_death(xb, page, map.handle, map.host_addr, bind.local_port);
	return 0;
}

int ipc_main(int argc, char **argv)
{
	struct xenbus *xb = xenbus_self();
	char path[64];

	if (argc < 3 || argc > 4 || !xb || (strcmp(argv[1], "ping") && strcmp(argv[1], "pong"))) {
		printf("usage: ipc ping|pong PEER [bench] (needs a store ring)\n");
		return 1;
	}
	peer = atoi(argv[2]);
	me = xenbus_self_domid(); /* waits until dom0 has introduced us */
	printf("ipc: d%d is %s, peer d%d\n", me, argv[1], peer);
	check(me > 0, "xenbus: our domid from XenStore");
	if (me <= 0)
		return 1;
	if (!strcmp(argv[1], "pong"))
		pong(xb);
	else
		ping(xb, argc == 4 && !strcmp(argv[3], "bench"));
	data_path(path, sizeof(path), me, "result");
	xenbus_write(xb, 0, path, failures ? "fail" : "pass");
	printf("ipc %s: %d failure(s)\n", argv[1], failures);
	fflush(stdout);
	return failures ? 1 : 0;
}
