/*
 * The interactive dom0# prompt: console input through the line editor,
 * each finished line to shell_exec().  Input is read in chunks; bytes
 * after a finished line (a pasted block) stay queued for the next one.
 * Echo goes straight to the console, not through stdio, so it shows at
 * once; stdout is flushed before each echo to keep the order.
 *
 * Lines other threads print while the prompt waits for a key (a domU's
 * console lines, from the console backend's worker) would land after the
 * prompt and what has been typed: the first of them starts a new line,
 * and once the worker's pass is over the prompt and the unfinished line
 * are drawn again below them.
 */
#include "lineedit.h"
#include "shell.h"
#include <back/consback.h>
#include <dom0/console_in.h>
#include <core/kernel.h>
#include <stdio.h>

static struct line_editor editor;
static char inbuf[64];
static size_t in_pos, in_len;
static volatile bool waiting; /* the prompt is shown and input awaited */
static bool broken;	      /* another line ended the prompt's */

static char next_byte(void)
{
	if (in_pos == in_len) {
		waiting = true;
		in_len = console_in_read(inbuf, sizeof(inbuf));
		waiting = false;
		in_pos = 0;
	}
	return inbuf[in_pos++];
}

static void domu_line(domid_t domid, const char *line)
{
	if (waiting && !broken) {
		printf("\n");
		broken = true;
	}
	printf("(d%u) %s\n", domid, line);
}

static void domu_lines_done(void)
{
	if (!broken)
		return;
	broken = false;
	printf(SHELL_PROMPT);
	fflush(stdout);
	if (!editor.done && editor.len)
		console_write(editor.line, editor.len);
}

void shell_prompt_loop(void)
{
	le_init(&editor);
	console_back_set_output(domu_line, domu_lines_done);
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
