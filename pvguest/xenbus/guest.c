/*
 * The pvguest kernel's own XenStore connection (see guest.h).
 *
 * Waking.  The client (xenbus.c) calls the waiter when it can make no
 * progress; the waiter blocks the calling thread on an xs_event until the
 * daemon's next signal.  Each thread remembers the count it last saw, so
 * if the event fired after its check of the ring and before it waits, the
 * wait returns at once and it looks again; the check-and-block happens
 * with events masked, so the signal can't slip in between.
 *
 * Watches.  Watch events may arrive while no request is in flight; the
 * "xenbus" thread picks them up and runs their callbacks (which may make
 * requests themselves: they then wait like any other thread).
 *
 * A domU maps its store page (start_info.store_mfn) at a page of the
 * XenStore window and sends on start_info.store_evtchn, which dom0's
 * xenstored binds when the toolstack introduces us.
 */
#include "guest.h"

#include <asm/arch.h>
#include <asm/hypercall.h>
#include <core/evtchn.h>
#include <core/kernel.h>
#include <core/sched.h>
#include <mm/mm.h>
#include <public/errno.h>
#include <stdio.h>
#include <stdlib.h>

#define XS_MAP_VA    0x7f0080000000UL /* above shared_info; 1 GiB of pages for store rings */
#define XS_MAP_PAGES (1UL << 18)

static struct xenbus self;
static struct xs_event *self_ev;
static bool started, tried;

/* ---- Events ------------------------------------------------------------- */

void xs_event_signal(struct xs_event *e)
{
	uint8_t f = irq_save();

	e->count++;
	for (unsigned int i = 0; i < XS_EVENT_THREADS; i++)
		if (e->th[i].t && e->th[i].blocked) {
			e->th[i].blocked = false;
			thread_wake(e->th[i].t);
		}
	irq_restore(f);
}

void xs_event_wait(struct xs_event *e)
{
	struct thread *me = thread_current();
	uint8_t f = irq_save();
	unsigned int i, free_slot = XS_EVENT_THREADS;

	for (i = 0; i < XS_EVENT_THREADS && e->th[i].t != me; i++)
		if (!e->th[i].t && free_slot == XS_EVENT_THREADS)
			free_slot = i;
	if (i == XS_EVENT_THREADS) {
		if (free_slot == XS_EVENT_THREADS) { /* crowded: let others run, then look again */
			irq_restore(f);
			thread_yield();
			return;
		}
		i = free_slot; /* a thread's first wait: it has seen nothing, look again */
		e->th[i].t = me;
		e->th[i].seen = e->count;
		irq_restore(f);
		return;
	}
	if (e->th[i].seen == e->count) {
		e->th[i].blocked = true;
		thread_block(); /* events stay masked until we are off the CPU */
	}
	e->th[i].seen = e->count;
	irq_restore(f);
}

static void wait_fn(void *ctx)
{
	xs_event_wait(ctx);
}

/* ---- The connection ------------------------------------------------------ */

unsigned long xenbus_map_va(void)
{
	static unsigned long next;
	unsigned long va = XS_MAP_VA + next * PAGE_SIZE;

	if (next >= XS_MAP_PAGES)
		panic("xenbus: store-ring window exhausted");
	next++;
	/* A not-present entry builds the page-table path a grant map needs. */
	if (map_foreign_pages(va, 0, 1, 0, DOMID_SELF))
		panic("xenbus: no page table for %#lx", va);
	return va;
}

static void watch_thread(void *arg)
{
	struct xenbus *xb = arg;

	for (;;) {
		xenbus_poll(xb);
		xenbus_dispatch_events(xb);
		xs_event_wait(self_ev);
	}
}

struct xenbus *xenbus_self_start(struct xenstore_domain_interface *intf, void (*notify)(void *),
				 void *arg, struct xs_event *ev)
{
	struct xenbus_waiter w = {wait_fn, ev};

	xenbus_init(&self, intf, notify, arg, &w);
	self_ev = ev;
	started = true;
	thread_create("xenbus", watch_thread, &self);
	return &self;
}

static struct xs_event domu_ev;

static void store_event(evtchn_port_t port, void *data)
{
	(void)port;
	xs_event_signal(data);
}

static void store_notify(void *arg)
{
	struct evtchn_send op = {.port = (evtchn_port_t)(uintptr_t)arg};

	hv_event_channel_op(EVTCHNOP_send, &op);
}

static void start_domu(void)
{
	evtchn_port_t port = start_info->store_evtchn;
	unsigned long va;

	if (!port || !start_info->store_mfn)
		return;
	va = xenbus_map_va();
	map_machine_page(va, start_info->store_mfn);
	evtchn_set_handler(port, store_event, &domu_ev);
	xenbus_self_start((struct xenstore_domain_interface *)va, store_notify,
			  (void *)(uintptr_t)port, &domu_ev);
}

bool xenbus_self_served(void)
{
	const struct start_info *si = start_info;
	if (si->flags & SIF_INITDOMAIN)
		return xenbus_self() != NULL;
	if (!si->store_evtchn || !si->store_mfn || si->store_mfn >= si->nr_pages)
		return false;
	/* Our store page is RAM (pseudo-physical = its frame number in a domU). */
	const struct xenstore_domain_interface *i = pfn_to_virt(si->store_mfn);
	return __atomic_load_n(&i->server_features, __ATOMIC_ACQUIRE) != 0;
}

struct xenbus *xenbus_self(void)
{
	if (!started && !tried && !(start_info->flags & SIF_INITDOMAIN)) {
		tried = true;
		start_domu();
	}
	return started ? &self : NULL;
}

/* A timed wait's alarm: a thread that sleeps out the time, then rings
 * (sets rang and wakes every waiter of our connection) unless the wait
 * is over.  Threads are cooperative, so whichever of the two finishes
 * second frees it: the waiter if the alarm rang, else the alarm. */
struct alarm {
	uint64_t ns;
	volatile bool rang, done;
};

static void alarm_thread(void *arg)
{
	struct alarm *a = arg;

	thread_sleep_ns(a->ns);
	if (a->done) {
		free(a);
		return;
	}
	a->rang = true;
	xs_event_signal(self_ev);
}

int xenbus_self_wait_value(const char *path, const char *want, uint64_t ns)
{
	struct xenbus *xb = xenbus_self();
	struct alarm *a = xb ? malloc(sizeof(*a)) : NULL;

	if (!a)
		return xb ? -XEN_ENOMEM : -XEN_ENODEV;
	*a = (struct alarm){.ns = ns};
	if (!thread_create("xs-alarm", alarm_thread, a)) {
		free(a);
		return -XEN_ENOMEM;
	}
	int rc = xenbus_wait_value_until(xb, path, want, &a->rang);
	a->done = true;
	if (a->rang)
		free(a);
	return rc;
}

int xenbus_self_domid(void)
{
	struct xenbus *xb = xenbus_self();
	unsigned long id;

	if (!xb)
		return -1;
	if (start_info->flags & SIF_INITDOMAIN)
		return 0;
	return xenbus_read_ulong(xb, 0, "domid", &id) ? -1 : (int)id;
}
