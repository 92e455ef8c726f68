/*
 * memprobe: two processes cannot see each other's memory.
 *
 * The parent writes a secret into a page of its own (static data, so the
 * child has a page at the very same virtual address), then runs itself as
 * a child.  The child reports what it finds at that address (its own
 * image's initial contents, never the parent's secret), overwrites it,
 * and exits; the parent then checks its secret is intact.  The address
 * the parent used is passed on the command line, so the child probes the
 * same virtual address, not merely the same symbol.
 */
#include "pvos.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

static char page[4096] __attribute__((aligned(4096))) = "initial";

static int child(const char *addr)
{
	char *p = (char *)strtoul(addr, NULL, 16);
	printf("memprobe child: at %p I see \"%s\"\n", (void *)p, p);
	int saw_secret = strcmp(p, "parent-secret") == 0;
	strcpy(p, "child-was-here");
	return saw_secret ? 1 : 0;
}

int main(int argc, char **argv)
{
	char addr[32];
	int status = -1;
	if (argc > 2 && strcmp(argv[1], "child") == 0)
		return child(argv[2]);
	strcpy(page, "parent-secret");
	snprintf(addr, sizeof(addr), "%lx", (unsigned long)page);
	char *args[] = {"memprobe", "child", addr, NULL};
	int pid = pv_spawn("/bin/memprobe", args);
	if (pid < 0 || pv_wait(pid, &status) != pid) {
		printf("memprobe: cannot run the child\n");
		return 1;
	}
	int ok =
		WIFEXITED(status) && WEXITSTATUS(status) == 0 && strcmp(page, "parent-secret") == 0;
	printf("memprobe: child saw %s; parent still sees \"%s\"\n",
	       WEXITSTATUS(status) ? "the secret" : "only its own page", page);
	printf("%s - processes cannot see each other's memory\n", ok ? "ok" : "not ok");
	return ok ? 0 : 1;
}
