/*
 * The dom0# line editor (see lineedit.h).  The line lives in a fixed
 * buffer; the history is a ring of the last LE_HISTORY non-empty lines,
 * newest at hist_next - 1.  Recalling a line erases what is shown and
 * echoes the recalled text, so the terminal always shows `line`.
 */
#include "lineedit.h"
#include <string.h>

#define CTRL(c) ((c)&0x1f)

void le_init(struct line_editor *le)
{
	memset(le, 0, sizeof(*le));
}

static void echo(struct line_editor *le, const char *s, size_t n)
{
	if (le->echo_len + n > sizeof(le->echo))
		n = sizeof(le->echo) - le->echo_len;
	memcpy(le->echo + le->echo_len, s, n);
	le->echo_len += n;
}

static void erase_all(struct line_editor *le)
{
	for (; le->len; le->len--)
		echo(le, "\b \b", 3);
}

static void set_line(struct line_editor *le, const char *text)
{
	erase_all(le);
	le->len = strlen(text);
	memcpy(le->line, text, le->len);
	echo(le, le->line, le->len);
}

/* Shows the line `back` steps into the history (0: an empty new line). */
static void recall(struct line_editor *le, unsigned int back)
{
	if (back > le->hist_count)
		return;
	le->hist_back = back;
	if (back == 0) {
		set_line(le, "");
		return;
	}
	unsigned int slot = (le->hist_next + LE_HISTORY - back) % LE_HISTORY;
	set_line(le, le->history[slot]);
}

static void remember(struct line_editor *le)
{
	if (le->len == 0)
		return;
	memcpy(le->history[le->hist_next], le->line, le->len + 1);
	le->hist_next = (le->hist_next + 1) % LE_HISTORY;
	if (le->hist_count < LE_HISTORY)
		le->hist_count++;
}

static enum le_event finish(struct line_editor *le)
{
	le->line[le->len] = '\0';
	echo(le, "\n", 1);
	remember(le);
	le->hist_back = 0;
	le->done = true;
	return LE_LINE;
}

static enum le_event escape(struct line_editor *le, char c)
{
	if (le->esc == 1) {
		le->esc = c == '[' ? 2 : 0;
		return LE_NONE;
	}
	le->esc = 0;
	if (c == 'A')
		recall(le, le->hist_back + 1);
	else if (c == 'B' && le->hist_back > 0)
		recall(le, le->hist_back - 1);
	return LE_NONE;
}

enum le_event le_feed(struct line_editor *le, char c)
{
	bool after_cr = le->last_cr;
	le->echo_len = 0;
	le->last_cr = c == '\r';
	if (le->done) {
		le->done = false;
		le->len = 0;
	}
	if (le->esc)
		return escape(le, c);
	switch (c) {
	case '\r':
		return finish(le);
	case '\n':
		return after_cr ? LE_NONE : finish(le);
	case '\b':
	case 0x7f:
		if (le->len) {
			le->len--;
			echo(le, "\b \b", 3);
		}
		return LE_NONE;
	case CTRL('U'):
		erase_all(le);
		return LE_NONE;
	case CTRL('C'):
		le->len = 0;
		le->line[0] = '\0';
		le->hist_back = 0;
		echo(le, "^C\n", 3);
		return LE_CANCEL;
	case CTRL('P'):
		recall(le, le->hist_back + 1);
		return LE_NONE;
	case CTRL('N'):
		if (le->hist_back > 0)
			recall(le, le->hist_back - 1);
		return LE_NONE;
	case 0x1b:
		le->esc = 1;
		return LE_NONE;
	default:
		break;
	}
	if ((unsigned char)c < 0x20 || (unsigned char)c >= 0x7f || le->len >= LE_LINE_MAX - 1)
		return LE_NONE;
	le->line[le->len++] = c;
	echo(le, &c, 1);
	return LE_NONE;
}
