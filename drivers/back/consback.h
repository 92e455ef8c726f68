/*
 * The console backend in dom0: each domU's console ring (the page the
 * builder gave it, public/io/console.h) served as Xen's xenconsoled does.
 *
 * Output: the backend drains the ring's out queue into a per-domain log
 * of CONSLOG_SIZE bytes (oldest bytes dropped first), and hands each
 * complete line to a mirror function (dom0 prints "(dN) line") unless a
 * reader is attached (`hx console`).  Input: typed bytes go into the in
 * queue and the domain is notified.  A domain whose indices lie (more
 * queued than the ring holds) has its console closed: nothing more is
 * read from or written to its page.
 *
 * consback_service/consback_input and the log are pure and host-tested
 * (tests/unit/console); console.c is dom0's glue (ring mapping, event
 * channel, one worker thread, attach at build time, detach at death).
 */
#ifndef DRIVERS_BACK_CONSBACK_H
#define DRIVERS_BACK_CONSBACK_H

#include <public/io/console.h>
#include <public/event_channel.h>
#include <public/xen.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CONSLOG_SIZE	 16384 /* bytes of output kept per domain */
#define CONS_LINE_MAX	 160   /* a longer line is mirrored in pieces */
#define CONS_SERVICE_MAX 4096  /* bytes drained per consback_service call */

/* Bytes [end - CONSLOG_SIZE, end) of everything ever appended. */
struct conslog {
	char buf[CONSLOG_SIZE];
	uint64_t end;
};

void conslog_append(struct conslog *l, const char *s, size_t n);
/* Offset of the oldest byte still kept. */
uint64_t conslog_start(const struct conslog *l);
/*
 * Bytes from *pos on (a *pos older than the oldest kept byte moves up to
 * it first; beyond the end reads nothing); advances *pos.  Returns the count.
 */
size_t conslog_read(const struct conslog *l, uint64_t *pos, char *buf, size_t len);

typedef void (*consback_mirror_fn)(domid_t domid, const char *line);

struct consback {
	domid_t domid;
	struct xencons_interface *intf; /* the domain's page, mapped */
	struct conslog log;
	bool broken;   /* its indices lied: no more service */
	bool attached; /* a reader follows the log: no mirror */
	consback_mirror_fn mirror;
	char line[CONS_LINE_MAX];
	size_t line_len;
	unsigned long bytes_out, bytes_in;
};

/* Fresh state for `intf` (not touched). */
void consback_init(struct consback *c, domid_t domid, struct xencons_interface *intf,
		   consback_mirror_fn mirror);
/*
 * Drain the out queue (at most CONS_SERVICE_MAX bytes: call again if it
 * returns that much) into the log and the mirror.  Returns the bytes
 * taken (the domain may wait for room: notify it when > 0), or -1 when
 * its indices lied; the console is then broken.
 */
long consback_service(struct consback *c);
/* Queue typed bytes for the domain: how many fit (notify it if > 0), -1 if broken. */
long consback_input(struct consback *c, const char *buf, size_t len);

/* ---- dom0 glue (console.c) ---- */

/*
 * Serve domain `domid`'s console: the ring page (grant ref 0,
 * GNTTAB_RESERVED_CONSOLE, or a foreign map of `ring_gfn` if the grant is
 * refused) and its console event channel `port` (the domain's end, bound
 * here).  Marks the page XENCONSOLE_CONNECTED.  0 or -XEN_*.
 */
int console_back_attach(domid_t domid, unsigned long ring_gfn, evtchn_port_t port);
/* Drain what is left, mark the page disconnected, unmap, unbind.  0 or -XEN_ENOENT. */
int console_back_detach(domid_t domid);
/* Whether domid has a console served here. */
bool console_back_has(domid_t domid);
/* Log bytes from *pos (see conslog_read); -XEN_ENOENT if no such console. */
long console_back_read(domid_t domid, uint64_t *pos, char *buf, size_t len);
/* Oldest kept offset and current end of domid's log; -XEN_ENOENT if none. */
int console_back_span(domid_t domid, uint64_t *start, uint64_t *end);
/* Typed bytes to domid (notified): how many fit, or -XEN_*. */
long console_back_write(domid_t domid, const char *buf, size_t len);
/* A reader follows domid's log (no mirror while attached). */
int console_back_follow(domid_t domid, bool attached);
/*
 * How domUs' lines reach dom0's console: line(domid, text) for each line
 * (default: printf "(dN) text"), then done() after each pass of the
 * worker (NULL: nothing).  dom0's prompt sets both to keep what is being
 * typed intact.
 */
void console_back_set_output(consback_mirror_fn line, void (*done)(void));

#endif
