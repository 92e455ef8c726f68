/*
 * hx console: one domain's console, seen and typed at from dom0.
 *
 * A domU built by dom0 has its console ring served by dom0's console
 * backend (drivers/back/console.c), which keeps the last 16 KiB of its
 * output.  This command prints that log, then (unless -n) follows it:
 * new output is printed as it comes, every key typed at dom0's console
 * goes into the domain's input ring, and Ctrl-] returns to the prompt.
 * While attached, the backend does not also print the domain's lines
 * with their "(dN)" prefix.
 *
 * A domU the hypervisor built has no backend: it writes with console_io,
 * so its lines are in the hypervisor's log, each prefixed "(dN) ".  For
 * such a domain the command reads that log with sysctl readconsole and
 * keeps domain N's lines (without the prefix); typed keys have nowhere to
 * go and are dropped, except Ctrl-].
 *
 * dom0 itself is refused: the lines this command prints are dom0's
 * output, so following them would feed on itself.
 */
#include "hx.h"
#include <back/consback.h>
#include <core/sched.h>
#include <dom0/console_in.h>
#include <stdio.h>
#include <string.h>

#define CTRL_RBRACKET 0x1d
#define FOLLOW_NS     (50 * 1000 * 1000)

struct line_filter {
	char prefix[16];
	size_t plen;
	char line[256];
	size_t len;
	unsigned int shown;
};

static void filter_feed(struct line_filter *f, const char *buf, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (buf[i] != '\n') {
			if (f->len < sizeof(f->line) - 1)
				f->line[f->len++] = buf[i];
			continue;
		}
		f->line[f->len] = '\0';
		if (f->len >= f->plen && memcmp(f->line, f->prefix, f->plen) == 0) {
			printf("%s\n", f->line + f->plen);
			f->shown++;
		}
		f->len = 0;
	}
}

/* Reads the log from *index up to end (or all that is new, if end is NULL). */
static long pump(struct line_filter *f, uint32_t *index, const uint32_t *end)
{
	static char buf[2048];
	long total = 0, n;
	do {
		uint32_t want = sizeof(buf);
		if (end && (int32_t)(*end - *index) < (int32_t)want)
			want = *end - *index;
		if (want == 0 || (int32_t)want < 0)
			break;
		n = hx_readconsole(index, buf, want);
		if (n > 0) {
			filter_feed(f, buf, (size_t)n);
			total += n;
		}
	} while (n > 0);
	fflush(stdout);
	return n < 0 ? n : total;
}

/* Typed keys: true once Ctrl-] came; the keys before it go to `to` (if any). */
static bool keys(domid_t to, bool forward)
{
	char k[32];
	size_t n = console_in_poll(k, sizeof(k));
	const char *stop = memchr(k, CTRL_RBRACKET, n);
	size_t give = stop ? (size_t)(stop - k) : n;
	if (forward && give && console_back_write(to, k, give) < (long)give)
		printf("\n[console: domain %u's input is full: keys dropped]\n", to);
	return stop != NULL;
}

static int hv_log_console(const char *cmd, domid_t id, bool follow)
{
	struct line_filter f = {0};
	uint32_t index = 0, end;
	f.plen = (size_t)snprintf(f.prefix, sizeof(f.prefix), "(d%u) ", id);
	if (hx_console_end(&end) < 0 || pump(&f, &index, &end) < 0) {
		printf("%s: cannot read the hypervisor log\n", cmd);
		return 1;
	}
	printf("[domain %u: %u line(s) from the hypervisor log%s]\n", id, f.shown,
	       follow ? "; following, Ctrl-] returns" : "");
	fflush(stdout);
	while (follow && !keys(id, false))
		if (pump(&f, &index, NULL) == 0)
			thread_sleep_ns(FOLLOW_NS);
	return 0;
}

/* Prints the backend's log of id from *pos on; the bytes printed, or -1 once it is gone. */
static long show_log(domid_t id, uint64_t *pos, char *last)
{
	static char buf[1024];
	long n, total = 0;
	while ((n = console_back_read(id, pos, buf, sizeof(buf))) > 0) {
		fwrite(buf, 1, (size_t)n, stdout);
		*last = buf[n - 1];
		total += n;
	}
	fflush(stdout);
	return n < 0 ? -1 : total;
}

static int backend_console(domid_t id, bool follow)
{
	uint64_t pos = 0, start, end;
	char last = '\n';
	console_back_span(id, &start, &end);
	printf("[domain %u: console, %lu byte(s) kept%s]\n", id, (unsigned long)(end - start),
	       follow ? "; following, Ctrl-] returns" : "");
	console_back_follow(id, true);
	long n = show_log(id, &pos, &last);
	while (follow && n >= 0 && !keys(id, true))
		if ((n = show_log(id, &pos, &last)) == 0)
			thread_sleep_ns(FOLLOW_NS);
	const char *nl = last == '\n' ? "" : "\n"; /* the domain's unfinished line */
	if (n < 0) {
		printf("%s[domain %u: console gone]\n", nl, id);
		return 0;
	}
	console_back_follow(id, false);
	printf("%s[domain %u: console detached]\n", nl, id);
	return 0;
}

int hx_console(int argc, char **argv)
{
	struct hx_console_args a;
	char err[160];
	domid_t id;
	if (hx_parse_console(argc, argv, &a, err, sizeof(err))) {
		printf("%s\n", err);
		return 1;
	}
	if (!hx_resolve(argv[0], &a.target, &id))
		return 1;
	if (id == 0) {
		printf("%s: dom0's console is this one\n", argv[0]);
		return 1;
	}
	if (console_back_has(id))
		return backend_console(id, a.follow);
	return hv_log_console(argv[0], id, a.follow);
}
