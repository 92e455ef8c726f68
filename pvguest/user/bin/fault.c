/*
 * fault KIND: does something a process may not do, so that the kernel
 * kills it.  KIND: null (write through a null pointer), kernel (read the
 * guest kernel's first page: not mapped in any process), priv (hlt, a
 * privileged instruction), ud (an invalid opcode), div (divide by zero).
 * Reaching the last line means the kernel let it pass.
 */
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	const char *kind = argc > 1 ? argv[1] : "null";
	printf("fault: trying %s\n", kind);
	fflush(stdout);
	if (strcmp(kind, "null") == 0)
		*(volatile int *)0 = 1;
	else if (strcmp(kind, "kernel") == 0)
		printf("read %d\n", *(volatile int *)0x2000);
	else if (strcmp(kind, "priv") == 0)
		__asm__ volatile("hlt");
	else if (strcmp(kind, "ud") == 0)
		__asm__ volatile("ud2");
	else if (strcmp(kind, "div") == 0) {
		volatile int zero = 0;
		printf("%d\n", 1 / zero);
	}
	printf("fault: %s did not fault\n", kind);
	return 1;
}
