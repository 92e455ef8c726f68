/*
 * hog: asks for memory 1 MiB at a time, touching every page, until malloc
 * says no.  The kernel caps a process at USER_PAGES_MAX pages, so the
 * answer must come well before the domain runs out, and the process (and
 * the kernel) must live on to free it all.
 */
#include <proc/abi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STEP (1 << 20)

int main(void)
{
	void *blocks[128];
	int n = 0;
	while (n < 128 && (blocks[n] = malloc(STEP)) != NULL) {
		memset(blocks[n], n + 1, STEP);
		n++;
	}
	int capped = n < 128 && n * (long)STEP <= USER_PAGES_MAX * 4096L;
	printf("hog: malloc said no %s the per-process limit of %d MiB\n",
	       capped ? "within" : "BEYOND", USER_PAGES_MAX * 4096 / STEP);
	while (n)
		free(blocks[--n]);
	void *again = malloc(STEP);
	printf("%s - a process hits its memory limit and lives on\n",
	       capped && again ? "ok" : "not ok");
	return capped && again ? 0 : 1;
}
