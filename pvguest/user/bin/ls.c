/* ls: every file of the (flat) file system with its size in bytes. */
#include "pvos.h"
#include <stdio.h>

int main(void)
{
	char name[64];
	uint32_t size;
	int files = 0;
	for (unsigned int slot = 0;; slot++) {
		int r = pv_readdir(slot, name, &size);
		if (r < 0)
			break;
		if (r == 1) {
			printf("%-20s %7lu\n", name, (unsigned long)size);
			files++;
		}
	}
	printf("%d files\n", files);
	return 0;
}
