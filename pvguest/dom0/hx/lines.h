/*
 * Lines with given words, for the hx commands that end on one
 * (`hx trace --until`, `hx console --until`).  Pure, tested on the host
 * (tests/unit/hx).
 *
 * WORDS is a comma-separated list ("d1v0,VIRQ_TIMER", "tick,motd"): a
 * line has them when each word is somewhere in it, in any order.  The
 * shell splits a command at blanks, so a word holds none.
 */
#ifndef DOM0_HX_LINES_H
#define DOM0_HX_LINES_H

#include <stdbool.h>
#include <stddef.h>

#define HX_WORDS_MAX 63	 /* an --until argument, all of it */
#define HX_WATCH_MAX 256 /* bytes of a line compared (a longer one: its start) */

/* Whether line has every word of words; an empty word matches anything. */
bool hx_line_has(const char *line, const char *words);

/*
 * Whether s can be an --until argument: 1..HX_WORDS_MAX characters, not
 * starting with '-' (that would be the next option), no empty word.
 */
bool hx_valid_words(const char *s);

/* A byte stream cut into lines. */
struct hx_lines {
	char line[HX_WATCH_MAX]; /* the line, without its '\n'; a longer one is cut */
	size_t len;
};

/*
 * Takes the bytes of buf[*at, n) up to and including the next '\n' and
 * moves *at past them: true with that line, NUL-terminated, in l->line;
 * false once all were taken without one (an unfinished last line is kept
 * for the next call).
 */
bool hx_lines_next(struct hx_lines *l, const char *buf, size_t n, size_t *at);

/* A byte stream watched for a line with the words. */
struct hx_line_watch {
	const char *words;
	struct hx_lines lines;
};

/*
 * Feed n bytes of the stream.  Returns how many were taken up to and
 * including the '\n' of the first complete line with the words (the
 * rest is not looked at), or 0 if no line in them has the words (all
 * were taken; an unfinished last line is kept for the next call).
 */
size_t hx_line_watch_feed(struct hx_line_watch *w, const char *buf, size_t n);

#endif
