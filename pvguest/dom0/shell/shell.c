/*
 * The dom0 shell's parsing and dispatch (see shell.h).  Commands are found
 * by a linear walk of the "dom0_cmds" section: a few dozen entries, looked
 * up once per typed line.  The shell's own commands (help) live here; the
 * prompt loop, which needs the console, is in prompt.c.
 */
#include "shell.h"
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

extern const struct shell_cmd __start_dom0_cmds[], __stop_dom0_cmds[];

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

int shell_split(char *line, char **argv, int max)
{
	int argc = 0;
	char *p = line;
	while (is_blank(*p))
		p++;
	if (*p == '#')
		return 0;
	while (*p && argc < max) {
		argv[argc++] = p;
		while (*p && !is_blank(*p))
			p++;
		while (is_blank(*p))
			*p++ = '\0';
	}
	if (argc < max)
		argv[argc] = NULL;
	return argc;
}

const struct shell_cmd *shell_find(const char *name)
{
	for (const struct shell_cmd *c = __start_dom0_cmds; c < __stop_dom0_cmds; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

int shell_exec(char *line)
{
	char *argv[SHELL_MAX_ARGS + 1];
	int argc = shell_split(line, argv, SHELL_MAX_ARGS);
	if (argc == 0)
		return 0;
	const struct shell_cmd *c = shell_find(argv[0]);
	if (!c) {
		printf("%s: unknown command (try help)\n", argv[0]);
		return 127;
	}
	int rc = c->fn(argc, argv);
	fflush(stdout);
	return rc;
}

unsigned int shell_run_script(const char *text, size_t len)
{
	unsigned int failures = 0;
	char line[256];
	size_t i = 0;
	while (i < len) {
		size_t n = 0;
		while (i < len && text[i] != '\n' && text[i] != '\0') {
			if (n < sizeof(line) - 1)
				line[n++] = text[i];
			i++;
		}
		if (i < len && text[i] == '\0')
			break;
		i++;
		line[n] = '\0';
		printf(SHELL_PROMPT "%s\n", line);
		fflush(stdout);
		failures += shell_exec(line) != 0;
	}
	return failures;
}

static int cmd_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	for (const struct shell_cmd *c = __start_dom0_cmds; c < __stop_dom0_cmds; c++)
		printf("  %-10s %s\n", c->name, c->usage);
	return 0;
}
DOM0_COMMAND("help", cmd_help, "this list");
