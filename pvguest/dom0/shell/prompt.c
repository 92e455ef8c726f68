/*
 * The interactive dom0# prompt: console input through the line editor,
 * each finished line to shell_exec().  Input is read in chunks; bytes
 * after a finished line (a pasted block) stay queued for the next one.
 * Echo goes straight to the console, not through stdio, so it shows at
 * once; stdout is flushed before each echo to keep the order.
 */
#include "lineedit.h"
#include "shell.h"
#include <dom0/console_in.h>
#include <core/kernel.h>
#include <stdio.h>

static struct line_editor editor;
static char inbuf[64];
static size_t in_pos, in_len;

static char next_byte(void)
{
	if (in_pos == in_len) {
		in_len = console_in_read(inbuf, sizeof(inbuf));
		in_pos = 0;
	}
	return inbuf[in_pos++];
}

void shell_prompt_loop(void)
{
	le_init(&editor);
	for (;;) {
		printf(SHELL_PROMPT);
		fflush(stdout);
		enum le_event ev;
		do {
			ev = le_feed(&editor, next_byte());
			if (editor.echo_len)
				console_write(editor.echo, editor.echo_len);
		} while (ev == LE_NONE);
		if (ev == LE_LINE)
			shell_exec(editor.line);
	}
}
