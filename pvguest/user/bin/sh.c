/*
 * sh: the pvguest shell.  Reads commands from the file named by its first
 * argument (a script) or from standard input, one per line; echoes each
 * as "$ line"; runs /bin/<word> (or a path with '/') with the line's words
 * as arguments and waits for it.  Says how a command ended when it did not
 * end with status 0, and carries on either way.  Built-ins: exit [code],
 * and '#' comments.  The shell's own status is that of `exit`, else 0.
 */
#include "pvos.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#define WORDS 16

static const char *signal_name(int sig)
{
	switch (sig) {
	case 4:
		return "illegal instruction";
	case 8:
		return "arithmetic error";
	case 9:
		return "killed";
	case 11:
		return "segmentation fault";
	default:
		return "signal";
	}
}

static void run(int argc, char **argv)
{
	char path[64];
	int status = 0;
	snprintf(path, sizeof(path), strchr(argv[0], '/') ? "%s" : "/bin/%s", argv[0]);
	argv[argc] = NULL;
	int pid = pv_spawn(path, argv);
	if (pid < 0) {
		printf("sh: %s: cannot run (error %d)\n", argv[0], -pid);
		return;
	}
	if (pv_wait(pid, &status) != pid)
		printf("sh: %s: lost\n", argv[0]);
	else if (WIFSIGNALED(status))
		printf("sh: %s (pid %d): %s (signal %d)\n", argv[0], pid,
		       signal_name(WTERMSIG(status)), WTERMSIG(status));
	else if (WEXITSTATUS(status))
		printf("sh: %s (pid %d): exit status %d\n", argv[0], pid, WEXITSTATUS(status));
}

int main(int argc, char **argv)
{
	FILE *in = argc > 1 ? fopen(argv[1], "r") : stdin;
	char line[256];
	if (!in) {
		printf("sh: cannot open %s\n", argv[1]);
		return 1;
	}
	while (fgets(line, sizeof(line), in)) {
		line[strcspn(line, "\r\n")] = '\0';
		char *words[WORDS + 1];
		int n = 0;
		for (char *w = strtok(line, " \t"); w && n < WORDS; w = strtok(NULL, " \t"))
			words[n++] = w;
		if (n == 0 || words[0][0] == '#')
			continue;
		printf("$");
		for (int i = 0; i < n; i++)
			printf(" %s", words[i]);
		printf("\n");
		fflush(stdout);
		if (strcmp(words[0], "exit") == 0)
			return n > 1 ? atoi(words[1]) : 0;
		run(n, words);
	}
	return 0;
}
