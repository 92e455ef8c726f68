/*
 * dom0's command shell: the commands behind the dom0# prompt and the boot
 * script.  A command is a function registered with DOM0_COMMAND(); the
 * entries land in the "dom0_cmds" section, so any part of dom0 (hx,
 * drivers, backends) adds commands without touching this file.
 *
 * A line is split at blanks into at most SHELL_MAX_ARGS words; a line
 * whose first non-blank is '#' is a comment.  A command returns 0 on
 * success, anything else on failure (it has printed why).
 */
#ifndef DOM0_SHELL_SHELL_H
#define DOM0_SHELL_SHELL_H

#include <stddef.h>

#define SHELL_MAX_ARGS 32

typedef int (*shell_cmd_fn)(int argc, char **argv);
struct shell_cmd {
	const char *name;
	const char *usage; /* one line for `help` */
	shell_cmd_fn fn;
};
#define DOM0_COMMAND(n, f, u)                                                                      \
	static const struct shell_cmd shell_cmd_##f                                                \
		__attribute__((used, section("dom0_cmds"), aligned(8))) = {(n), (u), (f)}

/* Splits line in place; returns argc (0 for an empty or comment line). */
int shell_split(char *line, char **argv, int max);
/* The registered command of that name, or NULL. */
const struct shell_cmd *shell_find(const char *name);
/* Runs one line; returns the command's status (0 for an empty line, 127 unknown). */
int shell_exec(char *line);
/* Runs a script: every line is echoed after the prompt, then run.  Returns failures. */
unsigned int shell_run_script(const char *text, size_t len);
/* The interactive dom0# prompt on the hypervisor console; never returns. */
__attribute__((noreturn)) void shell_prompt_loop(void);

#define SHELL_PROMPT "dom0# "

#endif
