/*
 * The words hx create takes from elsewhere than a typed line (see
 * args.h): the image list of hx.boot= on dom0's command line, the lines
 * of an hx.cfg, and the file a disk=/disk/<file> spec names.  Pure
 * functions over caller buffers, host-tested (tests/unit/hx); each copies
 * only what fits, with its NUL, and says so when something does not.
 */
#include "args.h"
#include <string.h>

int hx_boot_next(const char **p, char *word, size_t size)
{
	const char *s = *p;

	if (!*s || *s == ' ')
		return 0;
	size_t n = strcspn(s, ", ");
	if (n == 0 || n >= size)
		return -1;
	memcpy(word, s, n);
	word[n] = '\0';
	*p = s + n + (s[n] == ',');
	return 1;
}

int hx_cfg_next_line(const char *text, size_t len, size_t *at, char *line, size_t size)
{
	size_t n = 0;

	if (!text || *at >= len)
		return HX_CFG_END;
	while (*at + n < len && text[*at + n] != '\n')
		n++;
	const char *start = text + *at;
	*at += n + 1;
	if (n >= size)
		return HX_CFG_TOO_LONG;
	memcpy(line, start, n);
	line[n] = '\0';
	return (int)n;
}

int hx_disk_file_path(const char *spec, char *path, size_t size)
{
	size_t n = strlen(spec);

	if (n >= 2 && strcmp(spec + n - 2, ",r") == 0)
		n -= 2;
	if (n >= size)
		return -1;
	memcpy(path, spec, n);
	path[n] = '\0';
	return 0;
}
