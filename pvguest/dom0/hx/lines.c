/* Lines with given words (see lines.h). */
#include "lines.h"
#include <string.h>

bool hx_line_has(const char *line, const char *words)
{
	char word[HX_WORDS_MAX + 1];
	for (const char *w = words;; w++) {
		size_t len = strcspn(w, ",");
		if (len > HX_WORDS_MAX)
			return false;
		memcpy(word, w, len);
		word[len] = '\0';
		if (!strstr(line, word))
			return false;
		w += len;
		if (*w == '\0')
			return true;
	}
}

bool hx_valid_words(const char *s)
{
	size_t n = strlen(s);
	/* no empty word (",a", "a,", "a,,b"): it would match every line */
	return n > 0 && n <= HX_WORDS_MAX && s[0] != '-' && s[0] != ',' && s[n - 1] != ',' &&
	       !strstr(s, ",,");
}

bool hx_lines_next(struct hx_lines *l, const char *buf, size_t n, size_t *at)
{
	while (*at < n) {
		char c = buf[(*at)++];
		if (c == '\n') {
			l->line[l->len] = '\0';
			l->len = 0;
			return true;
		}
		if (l->len < sizeof(l->line) - 1)
			l->line[l->len++] = c;
	}
	return false;
}

size_t hx_line_watch_feed(struct hx_line_watch *w, const char *buf, size_t n)
{
	size_t at = 0;
	while (hx_lines_next(&w->lines, buf, n, &at))
		if (hx_line_has(w->lines.line, w->words))
			return at;
	return 0;
}
