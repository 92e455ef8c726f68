/*
 * The domain's own XenStore connection inside the pvguest kernel: one
 * struct xenbus per domain, with threads blocking on the store event and
 * a "xenbus" thread that runs watch callbacks.
 *
 * A domU's connection is its start_info store page and event channel,
 * set up on the first xenbus_self() call.  dom0's xenstored serves dom0
 * in-process (pvguest/dom0/xenstore.c): it hands a ring page and two
 * wake-up functions to xenbus_self_start() before anything else runs.
 *
 * Used by the split-driver toolkit (drivers/xenbus/) and apps; the client
 * API itself is xenbus/xenbus.h.
 */
#ifndef XENBUS_GUEST_H
#define XENBUS_GUEST_H

#include <stdbool.h>
#include <stdint.h>
#include <xenbus/xenbus.h>

/*
 * An event that threads wait for and handlers (upcall context) signal.
 * A thread's wait returns at once if the event fired since that thread's
 * previous wait returned (so a signal between its check and its wait is
 * never lost), else it blocks until the next signal.
 */
#define XS_EVENT_THREADS 8
struct xs_event {
	volatile unsigned long count;
	struct {
		struct thread *t;
		unsigned long seen;
		bool blocked;
	} th[XS_EVENT_THREADS];
};
void xs_event_signal(struct xs_event *e);
void xs_event_wait(struct xs_event *e);

/* The domain's connection, or NULL if it has none (no store event channel). */
struct xenbus *xenbus_self(void);
/*
 * Whether xenstored serves our store already (it marks the page when the
 * toolstack introduces us).  A domU built by dom0 is introduced before it
 * runs; one the hypervisor built may never be, and a request would then
 * wait for ever: check this before asking the store anything at boot.
 */
bool xenbus_self_served(void);
/* xenbus_wait_value on our own connection, giving up after ns:
 * -XEN_ETIMEDOUT (a thread sleeps out the time; no polling). */
int xenbus_self_wait_value(const char *path, const char *want, uint64_t ns);
/* Our domain id as XenStore knows it ("domid" under our home), or -1. */
int xenbus_self_domid(void);

/*
 * Start the connection on `intf`: notify(arg) kicks the daemon, `ev` is
 * signalled whenever the daemon may have written.  Starts the watch thread.
 */
struct xenbus *xenbus_self_start(struct xenstore_domain_interface *intf, void (*notify)(void *),
				 void *arg, struct xs_event *ev);

/*
 * A page of virtual addresses above RAM whose page-table entry exists and
 * is empty (for grant maps); never handed out twice.
 */
unsigned long xenbus_map_va(void);

#endif
