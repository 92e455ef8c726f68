/*
 * The dom0# prompt's line editor: pure logic, fed one input byte at a
 * time, that keeps the line being typed and says what to echo.  The
 * caller owns the terminal; the editor only fills an echo buffer.
 *
 * Keys: printable bytes append (and echo); backspace/DEL erase one byte
 * ("\b \b"); Ctrl-U erases the line; Ctrl-C abandons it ("^C" and a new
 * line); Enter (CR or LF, a CR LF pair counts once) completes it; Ctrl-P
 * and Ctrl-N (and the arrow keys' ESC [ A / ESC [ B) walk the history.
 * Other control bytes are ignored.  The line never grows past
 * LE_LINE_MAX - 1 bytes: further bytes are dropped (and not echoed).
 */
#ifndef DOM0_SHELL_LINEEDIT_H
#define DOM0_SHELL_LINEEDIT_H

#include <stdbool.h>
#include <stddef.h>

#define LE_LINE_MAX 256
#define LE_HISTORY  16
#define LE_ECHO_MAX (2 * LE_LINE_MAX * 3 + 8)

enum le_event { LE_NONE, LE_LINE, LE_CANCEL };

struct line_editor {
	char line[LE_LINE_MAX];
	size_t len;
	char history[LE_HISTORY][LE_LINE_MAX];
	unsigned int hist_count; /* lines stored, <= LE_HISTORY */
	unsigned int hist_next;	 /* slot the next line goes to */
	unsigned int hist_back;	 /* 0: editing a new line; k: k-th newest shown */
	int esc;		 /* 0, 1 after ESC, 2 after ESC [ */
	bool last_cr;		 /* the previous byte was CR (swallow a following LF) */
	bool done;		 /* line holds a finished line; the next byte starts anew */
	char echo[LE_ECHO_MAX];
	size_t echo_len; /* bytes to echo from the last le_feed() */
};

void le_init(struct line_editor *le);
/*
 * Feeds one byte.  Afterwards echo[0..echo_len) is what to show.  On
 * LE_LINE, line holds the complete line (NUL-terminated) until the next
 * le_feed(), which starts a new one.
 */
enum le_event le_feed(struct line_editor *le, char c);

#endif
