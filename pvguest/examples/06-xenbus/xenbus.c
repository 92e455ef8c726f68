/*
 * Stage 6 of the guest-kernel guide: XenStore through xenbus.
 *
 * XenStore is a small tree of strings that dom0's xenstored keeps for all
 * domains: where a domain finds its devices, and how drivers in two
 * domains meet.  A domain talks to it over one shared page, the store
 * ring (start_info.store_mfn), and one event channel
 * (start_info.store_evtchn), both set up by whoever built the domain;
 * the toolstack then "introduces" the domain to xenstored, which maps the
 * page and binds the channel.  The page holds two byte rings: requests
 * go into req (the guest moves req_prod, xenstored req_cons), replies and
 * watch events come out of rsp.  Every message is a struct xsd_sockmsg
 * header {type, req_id, tx_id, len} followed by len bytes: for XS_READ the
 * path and a NUL, for XS_WRITE the path, a NUL and the value (no NUL);
 * an error comes back as XS_ERROR with an errno name such as "ENOENT".
 * The client is common/xenstore.h, which stage 7 reuses.
 *
 * A path without a leading '/' is relative to the domain's home,
 * /local/domain/<domid>, which the toolstack created and made ours.
 * A watch (XS_WATCH path token) makes xenstored send an XS_WATCH_EVENT
 * (path, token) as soon as it is set, and again whenever the node or anything
 * below it changes.  A transaction groups requests: XS_TRANSACTION_START
 * returns its id, requests carry it in tx_id, and XS_TRANSACTION_END "T"
 * commits them all at once (or fails with EAGAIN if another writer got
 * in between: then the client starts over).
 */
#include "../common/xenstore.h"

static struct xs xs;
static char buf[256];

static void show(const char *what, const char *value)
{
	print("xenbus: ");
	print(what);
	print(" \"");
	print(value);
	print("\"\n");
}

static void check(int ok)
{
	if (!ok) {
		print("xenbus: unexpected answer\n");
		shutdown(SHUTDOWN_crash);
	}
}

static void read_show(const char *path, const char *what)
{
	check(xs_read(&xs, 0, path, buf, sizeof(buf)) >= 0);
	show(what, buf);
}

/* The children of data, separated by NULs: print them with spaces. */
static void show_directory(void)
{
	int n = xs_request(&xs, XS_DIRECTORY, 0, "data", 5, "", 0, buf, sizeof(buf));
	check(n > 0);
	for (int i = 0; i < n - 1; i++)
		if (buf[i] == '\0')
			buf[i] = ' ';
	show("directory data:", buf);
}

/* Two writes in one transaction; redone from the start on EAGAIN. */
static void transaction(void)
{
	int rc;
	do {
		check(xs_request(&xs, XS_TRANSACTION_START, 0, "", 1, "", 0, buf, sizeof(buf)) > 0);
		uint32_t tx = 0;
		for (const char *p = buf; *p; p++)
			tx = tx * 10 + (uint32_t)(*p - '0');
		check(xs_write(&xs, tx, "data/a", "1") >= 0);
		check(xs_write(&xs, tx, "data/b", "2") >= 0);
		rc = xs_request(&xs, XS_TRANSACTION_END, tx, "T", 2, "", 0, buf, sizeof(buf));
	} while (rc == -XEN_EAGAIN);
	check(rc >= 0);
	print("xenbus: data/a and data/b written in one transaction\n");
}

void example_main(struct start_info *si)
{
	struct shared_info *shared = map_shared_info(si);
	xs_connect(&xs, si, shared);
	print("xenbus: store ring from start_info, event channel port ");
	print_num(xs.port, 10);
	print("\n");

	read_show("domid", "our domid is");
	read_show("name", "our name is");
	check(xs_write(&xs, 0, "data/greeting", "hello from stage 6") >= 0);
	read_show("data/greeting", "wrote data/greeting and read back");
	show_directory();

	check(xs_watch(&xs, XS_WATCH, "data/greeting", "stage6") >= 0);
	xs_wait_event(&xs, 0);
	show("the watch fired at once for", xs.event_path);
	check(xs_write(&xs, 0, "data/greeting", "changed") >= 0);
	xs_wait_event(&xs, 1);
	show("a write fired it again for", xs.event_path);
	show("with our token", xs.event_token);
	check(xs_watch(&xs, XS_UNWATCH, "data/greeting", "stage6") >= 0);

	transaction();
	show_directory();
	int rc = xs_read(&xs, 0, "/local/domain/0/name", buf, sizeof(buf));
	print(rc == -XEN_EACCES ? "xenbus: dom0's name is not ours to read: EACCES\n"
				: "xenbus: dom0's name was readable\n");
	check(xs_request(&xs, XS_RM, 0, "data", 5, "", 0, buf, sizeof(buf)) >= 0);
	rc = xs_read(&xs, 0, "data/greeting", buf, sizeof(buf));
	print(rc == -XEN_ENOENT ? "xenbus: removed data: data/greeting is gone (ENOENT)\n"
				: "xenbus: data/greeting is still there\n");
	shutdown(SHUTDOWN_poweroff);
}
