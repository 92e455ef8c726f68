/*
 * hx console: one domain's console output, seen from dom0.
 *
 * Today's domUs write through console_io, so their lines are in the
 * hypervisor's log, each prefixed "(dN) ".  This command reads the log
 * with sysctl readconsole, keeps domain N's lines and prints them without
 * the prefix: first everything still in the log, then (unless -n) new
 * lines as they come, until Ctrl-] is typed.  Typed bytes are not passed
 * to the domain: that needs the console ring and its backend.
 *
 * dom0 itself is refused: the lines this command prints are dom0's
 * output, so following them would feed on itself.
 */
#include "hx.h"
#include <core/sched.h>
#include <dom0/console_in.h>
#include <stdio.h>
#include <string.h>

#define CTRL_RBRACKET 0x1d
#define FOLLOW_NS     (100 * 1000 * 1000)

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

int hx_console(int argc, char **argv)
{
	struct hx_console_args a;
	struct line_filter f = {0};
	char err[160];
	domid_t id;
	uint32_t index = 0, end;
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
	f.plen = (size_t)snprintf(f.prefix, sizeof(f.prefix), "(d%u) ", id);
	if (hx_console_end(&end) < 0 || pump(&f, &index, &end) < 0) {
		printf("%s: cannot read the hypervisor log\n", argv[0]);
		return 1;
	}
	printf("[domain %u: %u line(s)%s]\n", id, f.shown,
	       a.follow ? "; following, Ctrl-] returns" : "");
	fflush(stdout);
	while (a.follow) {
		char keys[16];
		size_t k = console_in_poll(keys, sizeof(keys));
		if (memchr(keys, CTRL_RBRACKET, k))
			break;
		if (pump(&f, &index, NULL) == 0)
			thread_sleep_ns(FOLLOW_NS);
	}
	return 0;
}
