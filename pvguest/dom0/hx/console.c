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
 * With --until WORDS (lines.h) the command returns by itself once a line
 * with every word has been printed: status 0, or 1 when none came within
 * --timeout seconds (default 60), the console went first, or Ctrl-] came.
 * The log kept so far counts, so a line the domain wrote before the
 * command started is found too: scripts wait with it for a domain's
 * line instead of sleeping for a guessed time (tests/scenarios/
 * hx-create.sh, the docs' blocks).  Everything read is printed, also what
 * followed that line in the same read, so no line of the domain goes
 * unshown while the backend's own printing was held back.
 *
 * dom0 itself is refused: the lines this command prints are dom0's
 * output, so following them would feed on itself.
 */
#include "hx.h"
#include "lines.h"
#include <back/consback.h>
#include <core/sched.h>
#include <dom0/console_in.h>
#include <stdio.h>
#include <string.h>

#define CTRL_RBRACKET 0x1d
#define FOLLOW_NS     (50 * 1000 * 1000)
#define NS_PER_S      1000000000ULL

struct line_filter {
	char prefix[16];
	size_t plen;
	struct hx_lines lines;
	unsigned int shown;
	const char *until; /* --until's words, or NULL */
	bool found;	   /* a line shown had them */
};

static void filter_feed(struct line_filter *f, const char *buf, size_t n)
{
	size_t at = 0;
	while (hx_lines_next(&f->lines, buf, n, &at)) {
		const char *line = f->lines.line;
		if (strncmp(line, f->prefix, f->plen) != 0)
			continue;
		printf("%s\n", line + f->plen);
		f->shown++;
		f->found |= f->until && hx_line_has(line + f->plen, f->until);
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

/* How a follow ended. */
enum follow_end { END_KEY, END_FOUND, END_TIME, END_GONE };

/* --until's time is up. */
static bool too_late(const struct hx_console_args *a, uint64_t deadline)
{
	return a->until && clock_now_ns() >= deadline;
}

/* --until's verdict, after the console's own closing line; the status. */
static int until_status(const struct hx_console_args *a, domid_t id, enum follow_end why)
{
	if (!a->until)
		return 0;
	if (why == END_FOUND)
		return 0;
	if (why == END_TIME)
		printf("console: no line with %s from domain %u within %u s\n", a->until, id,
		       a->timeout_secs);
	else
		printf("console: domain %u's console %s before a line with %s\n", id,
		       why == END_GONE ? "went" : "was left", a->until);
	return 1;
}

/* The end of the first line: how the command goes on after the log. */
static void follow_note(const struct hx_console_args *a)
{
	if (a->until)
		printf("; until a line with %s (%u s), Ctrl-] returns]\n", a->until,
		       a->timeout_secs);
	else
		printf("%s]\n", a->follow ? "; following, Ctrl-] returns" : "");
}

static int hv_log_console(const char *cmd, domid_t id, const struct hx_console_args *a)
{
	struct line_filter f = {.until = a->until};
	uint32_t index = 0, end;
	uint64_t deadline = clock_now_ns() + a->timeout_secs * NS_PER_S;
	enum follow_end why = END_KEY;
	f.plen = (size_t)snprintf(f.prefix, sizeof(f.prefix), "(d%u) ", id);
	if (hx_console_end(&end) < 0 || pump(&f, &index, &end) < 0) {
		printf("%s: cannot read the hypervisor log\n", cmd);
		return 1;
	}
	printf("[domain %u: %u line(s) from the hypervisor log", id, f.shown);
	follow_note(a);
	fflush(stdout);
	while (a->follow && !keys(id, false)) {
		if (f.found || too_late(a, deadline)) {
			why = f.found ? END_FOUND : END_TIME;
			break;
		}
		if (pump(&f, &index, NULL) == 0 && !f.found)
			thread_sleep_ns(FOLLOW_NS);
	}
	if (a->until && why == END_FOUND)
		printf("[domain %u: a line with %s came]\n", id, a->until);
	return until_status(a, id, why);
}

/*
 * Prints the backend's log of id from *pos on; the bytes printed, or -1
 * once it is gone.  *found is set once w (if any) saw a line with its words.
 */
static long show_log(domid_t id, uint64_t *pos, char *last, struct hx_line_watch *w, bool *found)
{
	static char buf[1024];
	long n, total = 0;
	while ((n = console_back_read(id, pos, buf, sizeof(buf))) > 0) {
		fwrite(buf, 1, (size_t)n, stdout);
		*last = buf[n - 1];
		total += n;
		if (w && !*found && hx_line_watch_feed(w, buf, (size_t)n))
			*found = true;
	}
	fflush(stdout);
	return n < 0 ? -1 : total;
}

static int backend_console(domid_t id, const struct hx_console_args *a)
{
	uint64_t pos = 0, start, end;
	uint64_t deadline = clock_now_ns() + a->timeout_secs * NS_PER_S;
	struct hx_line_watch w = {.words = a->until};
	bool found = false;
	enum follow_end why = END_KEY;
	char last = '\n';
	console_back_span(id, &start, &end);
	printf("[domain %u: console, %lu byte(s) kept", id, (unsigned long)(end - start));
	follow_note(a);
	console_back_follow(id, true);
	long n = show_log(id, &pos, &last, a->until ? &w : NULL, &found);
	while (a->follow && n >= 0 && !keys(id, true)) {
		if (found || too_late(a, deadline)) {
			why = found ? END_FOUND : END_TIME;
			break;
		}
		if ((n = show_log(id, &pos, &last, a->until ? &w : NULL, &found)) == 0)
			thread_sleep_ns(FOLLOW_NS);
	}
	const char *nl = last == '\n' ? "" : "\n"; /* the domain's unfinished line */
	if (n < 0) {
		printf("%s[domain %u: console gone]\n", nl, id);
		return until_status(a, id, found ? END_FOUND : END_GONE);
	}
	console_back_follow(id, false);
	if (why == END_FOUND)
		printf("%s[domain %u: a line with %s came; console detached]\n", nl, id, a->until);
	else
		printf("%s[domain %u: console detached]\n", nl, id);
	return until_status(a, id, why);
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
		return backend_console(id, &a);
	return hv_log_console(argv[0], id, &a);
}
