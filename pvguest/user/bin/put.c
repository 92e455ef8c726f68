/* put FILE WORDS...: writes the words as one line to FILE (created or
 * truncated), then reads it back and prints what the file holds. */
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	char back[256] = "";
	if (argc < 2) {
		printf("usage: put FILE WORDS...\n");
		return 2;
	}
	FILE *f = fopen(argv[1], "w");
	if (!f) {
		printf("put: cannot create %s\n", argv[1]);
		return 1;
	}
	for (int i = 2; i < argc; i++)
		fprintf(f, "%s%s", i > 2 ? " " : "", argv[i]);
	fprintf(f, "\n");
	fclose(f);
	f = fopen(argv[1], "r");
	if (!f || !fgets(back, sizeof(back), f))
		return 1;
	fclose(f);
	printf("put: %s holds %u bytes: %s", argv[1], (unsigned)strlen(back), back);
	return 0;
}
