/*
 * The console backend's dom0 glue (see consback.h): one struct per served
 * domain, the mapping of its ring page, its event channel, and a worker
 * thread that drains every ring that signalled.
 *
 * Attach (from dom0's domain builder, before the domain first runs): map
 * the page by grant reference GNTTAB_RESERVED_CONSOLE, which the builder
 * seeded for dom0; if that is refused, map the frame foreign (dom0 is
 * privileged), as xenconsoled falls back to.  Bind the domain's console
 * port, mark the page XENCONSOLE_CONNECTED.  From then on the event
 * handler only marks the console and signals the worker; the worker
 * drains the out queue into the log (and the mirror: dom0 prints each
 * line as "(dN) line"), and notifies the domain when it made room.
 *
 * Detach (hx destroy, before the domain is destroyed; or once xenstored
 * reports a domain released): drain what is left, mark the page
 * disconnected, unhook and close the channel, unmap.  The mapping is
 * dropped before the domain dies, so it never keeps a frame alive.
 *
 * Threads: dom0's threads are cooperative, so the list and each console
 * are touched by one thread at a time; event handlers only set `pending`
 * and signal.  Readers (hx console) drain the ring themselves before
 * they read the log, so they never wait for the worker.
 */
#include "consback.h"

#include <core/evtchn.h>
#include <core/gnttab.h>
#include <core/kernel.h>
#include <core/sched.h>
#include <dom0/init.h>
#include <mm/mm.h>
#include <public/errno.h>
#include <public/grant_table.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PTE_MAP 0x63UL /* present, writable, accessed, dirty */

struct cons_dom {
	struct cons_dom *next;
	struct consback cb;
	evtchn_port_t port; /* ours */
	unsigned long va;
	grant_handle_t handle;
	bool granted; /* mapped by grant (else foreign) */
	volatile bool pending;
};

static struct cons_dom *consoles;
static unsigned long free_va[16]; /* pages of map window to reuse */
static unsigned int nr_free_va;
static struct event_counter worker_ev;
static void mirror_line(domid_t domid, const char *line);
static consback_mirror_fn out_line = mirror_line;
static void (*out_done)(void);

static struct cons_dom *find(domid_t domid)
{
	for (struct cons_dom *c = consoles; c; c = c->next)
		if (c->cb.domid == domid)
			return c;
	return NULL;
}

static void mirror_line(domid_t domid, const char *line)
{
	printf("(d%u) %s\n", domid, line);
}

static void cons_event(evtchn_port_t port, void *data)
{
	struct cons_dom *c = data;
	(void)port;
	c->pending = true;
	event_signal(&worker_ev);
}

/* Drain c's ring; notify the domain if room was made. */
static void service(struct cons_dom *c)
{
	long n;
	c->pending = false;
	do {
		n = consback_service(&c->cb);
		if (n > 0)
			evtchn_notify(c->port);
	} while (n == CONS_SERVICE_MAX);
	if (n < 0 && c->port) {
		printk("consback: d%u's console ring indices are corrupt: console closed\n",
		       c->cb.domid);
		evtchn_set_handler(c->port, NULL, NULL);
	}
	fflush(stdout);
}

static void worker(void *arg)
{
	(void)arg;
	for (;;) {
		unsigned long seen = worker_ev.count;
		for (struct cons_dom *c = consoles; c; c = c->next)
			if (c->pending)
				service(c);
		if (out_done)
			out_done();
		event_wait(&worker_ev, seen);
	}
}

static int map_ring(struct cons_dom *c, domid_t domid, unsigned long ring_gfn)
{
	c->va = nr_free_va ? free_va[--nr_free_va] : map_window_alloc(1);
	struct gnttab_map_grant_ref op = {.host_addr = c->va,
					  .flags = GNTMAP_host_map,
					  .ref = GNTTAB_RESERVED_CONSOLE,
					  .dom = domid};
	if (gnttab_op_map(&op, 1) == 0 && op.status == GNTST_okay) {
		c->handle = op.handle;
		c->granted = true;
		return 0;
	}
	long rc = map_foreign_pages(c->va, ring_gfn, 1, PTE_MAP, domid);
	if (rc) {
		free_va[nr_free_va++] = c->va;
		return (int)rc;
	}
	return 0;
}

static void unmap_ring(struct cons_dom *c)
{
	if (c->granted) {
		struct gnttab_unmap_grant_ref op = {.host_addr = c->va, .handle = c->handle};
		if (gnttab_op_unmap(&op, 1) || op.status != GNTST_okay)
			printk("consback: cannot unmap d%u's console ring\n", c->cb.domid);
	} else {
		unmap_pages(c->va, 1);
	}
	if (nr_free_va < sizeof(free_va) / sizeof(free_va[0]))
		free_va[nr_free_va++] = c->va;
}

int console_back_attach(domid_t domid, unsigned long ring_gfn, evtchn_port_t port)
{
	if (domid == 0 || domid >= DOMID_FIRST_RESERVED || !port)
		return -XEN_EINVAL;
	if (find(domid))
		return -XEN_EEXIST;
	struct cons_dom *c = calloc(1, sizeof(*c));
	if (!c)
		return -XEN_ENOMEM;
	int rc = map_ring(c, domid, ring_gfn);
	if (rc) {
		free(c);
		return rc;
	}
	consback_init(&c->cb, domid, (struct xencons_interface *)c->va, out_line);
	if ((rc = evtchn_bind_interdomain(domid, port)) < 0) {
		unmap_ring(c);
		free(c);
		return rc;
	}
	c->port = (evtchn_port_t)rc;
	c->next = consoles;
	consoles = c;
	__atomic_store_n(&c->cb.intf->connection, XENCONSOLE_CONNECTED, __ATOMIC_RELEASE);
	evtchn_set_handler(c->port, cons_event, c);
	c->pending = true; /* anything written before we were here */
	event_signal(&worker_ev);
	return 0;
}

int console_back_detach(domid_t domid)
{
	for (struct cons_dom **p = &consoles; *p; p = &(*p)->next) {
		struct cons_dom *c = *p;
		if (c->cb.domid != domid)
			continue;
		service(c);
		if (c->cb.line_len && !c->cb.attached) { /* an unfinished last line */
			c->cb.line[c->cb.line_len] = '\0';
			out_line(domid, c->cb.line);
		}
		*p = c->next;
		__atomic_store_n(&c->cb.intf->connection, XENCONSOLE_DISCONNECTED,
				 __ATOMIC_RELEASE);
		evtchn_set_handler(c->port, NULL, NULL);
		evtchn_close(c->port);
		unmap_ring(c);
		free(c);
		return 0;
	}
	return -XEN_ENOENT;
}

bool console_back_has(domid_t domid)
{
	return find(domid) != NULL;
}

long console_back_read(domid_t domid, uint64_t *pos, char *buf, size_t len)
{
	struct cons_dom *c = find(domid);
	if (!c)
		return -XEN_ENOENT;
	service(c);
	return (long)conslog_read(&c->cb.log, pos, buf, len);
}

int console_back_span(domid_t domid, uint64_t *start, uint64_t *end)
{
	struct cons_dom *c = find(domid);
	if (!c)
		return -XEN_ENOENT;
	service(c);
	*start = conslog_start(&c->cb.log);
	*end = c->cb.log.end;
	return 0;
}

long console_back_write(domid_t domid, const char *buf, size_t len)
{
	struct cons_dom *c = find(domid);
	if (!c)
		return -XEN_ENOENT;
	long n = consback_input(&c->cb, buf, len);
	if (n < 0)
		return -XEN_EIO;
	if (n > 0)
		evtchn_notify(c->port);
	return n;
}

int console_back_follow(domid_t domid, bool attached)
{
	struct cons_dom *c = find(domid);
	if (!c)
		return -XEN_ENOENT;
	c->cb.attached = attached;
	return 0;
}

void console_back_set_output(consback_mirror_fn line, void (*done)(void))
{
	out_line = line ? line : mirror_line;
	out_done = done;
	for (struct cons_dom *c = consoles; c; c = c->next)
		c->cb.mirror = out_line;
}

static int consback_init_worker(void)
{
	return thread_create("consback", worker, NULL) ? 0 : -XEN_ENOMEM;
}
DOM0_INITCALL(DOM0_INIT_BACKEND, consback_init_worker);
