/*
 * hx's argument parsing (see args.h).  Each parser works on a local copy
 * and writes the caller's structure only at the very end, once every word
 * was accepted: the "change nothing on error" rule lives here.
 */
#include "args.h"
#include "lines.h"
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int fail(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
	return -1;
}

int hx_parse_uint(const char *s, unsigned long min, unsigned long max, unsigned long *out)
{
	unsigned long v = 0;
	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		unsigned long d = (unsigned long)(*s - '0');
		if (v > (~0UL - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	if (v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

bool hx_valid_name(const char *s)
{
	size_t n = strlen(s);
	bool digits_only = true;
	if (n == 0 || n >= HX_NAME_MAX)
		return false;
	for (; *s; s++) {
		bool digit = *s >= '0' && *s <= '9';
		bool ok = digit || (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
			  *s == '.' || *s == '_' || *s == '-';
		if (!ok)
			return false;
		digits_only &= digit;
	}
	return !digits_only;
}

/* Copies src into dst[size]; false if it does not fit. */
static bool copy_word(char *dst, size_t size, const char *src)
{
	size_t n = strlen(src);
	if (n >= size)
		return false;
	memcpy(dst, src, n + 1);
	return true;
}

static int create_option(struct hx_create_args *a, const char *word, char *err, size_t len)
{
	const char *eq = strchr(word, '=');
	if (!eq || eq == word)
		return fail(err, len, "create: \"%s\" is not key=value", word);
	size_t klen = (size_t)(eq - word);
	const char *val = eq + 1;
	unsigned long n;
	if (klen == 4 && strncmp(word, "name", 4) == 0) {
		if (!hx_valid_name(val))
			return fail(err, len,
				    "create: name \"%s\": use 1-31 of A-Z a-z 0-9 . _ - "
				    "(not only digits)",
				    val);
		copy_word(a->name, sizeof(a->name), val);
	} else if (klen == 6 && strncmp(word, "memory", 6) == 0) {
		if (hx_parse_uint(val, HX_MEMORY_MIN_MIB, HX_MEMORY_MAX_MIB, &n))
			return fail(err, len, "create: memory \"%s\": a number of MiB, %u to %u",
				    val, HX_MEMORY_MIN_MIB, HX_MEMORY_MAX_MIB);
		a->memory_mib = (unsigned int)n;
	} else if (klen == 5 && strncmp(word, "vcpus", 5) == 0) {
		if (hx_parse_uint(val, 1, HX_VCPUS_MAX, &n))
			return fail(err, len, "create: vcpus \"%s\": 1 to %u", val, HX_VCPUS_MAX);
		a->vcpus = (unsigned int)n;
	} else if ((klen == 4 && strncmp(word, "cpus", 4) == 0) ||
		   (klen == 9 && strncmp(word, "cpus_soft", 9) == 0)) {
		if (hx_parse_cpus(val, klen == 4 ? &a->cpus : &a->cpus_soft))
			return fail(err, len, "create: %.*s \"%s\": all, or e.g. 1, 0-1, 0,2-3",
				    (int)klen, word, val);
	} else if (klen == 4 && strncmp(word, "disk", 4) == 0) {
		if (!*val || !copy_word(a->disk, sizeof(a->disk), val))
			return fail(err, len, "create: disk \"%s\": empty or too long", val);
	} else if (klen == 3 && strncmp(word, "vif", 3) == 0) {
		if (!*val || !copy_word(a->vif, sizeof(a->vif), val))
			return fail(err, len, "create: vif \"%s\": empty or too long", val);
	} else if (klen == 4 && strncmp(word, "args", 4) == 0) {
		if (!copy_word(a->cmdline, sizeof(a->cmdline), val))
			return fail(err, len, "create: args: longer than %d characters",
				    HX_CMDLINE_MAX - 1);
		for (char *p = a->cmdline; *p; p++)
			if (*p == ',')
				*p = ' ';
	} else if ((klen == 11 && strncmp(word, "on_poweroff", 11) == 0) ||
		   (klen == 8 && strncmp(word, "on_crash", 8) == 0)) {
		enum hx_action act;
		if (strcmp(val, "destroy") == 0)
			act = HX_DESTROY;
		else if (strcmp(val, "preserve") == 0)
			act = HX_PRESERVE;
		else
			return fail(err, len, "create: %.*s \"%s\": destroy or preserve", (int)klen,
				    word, val);
		*(klen == 8 ? &a->on_crash : &a->on_poweroff) = act;
	} else {
		return fail(err, len,
			    "create: unknown setting \"%.*s\" (name, memory, vcpus, cpus, "
			    "cpus_soft, disk, "
			    "vif, args, on_poweroff, on_crash)",
			    (int)klen, word);
	}
	return 0;
}

int hx_parse_create(int argc, char **argv, struct hx_create_args *out, char *err, size_t errlen)
{
	struct hx_create_args a = {.memory_mib = HX_MEMORY_DEFAULT, .vcpus = 1};
	if (argc < 2)
		return fail(err, errlen, "create: which image? (hx create <image> [key=value...])");
	if (strchr(argv[1], '=') || !copy_word(a.image, sizeof(a.image), argv[1]))
		return fail(err, errlen, "create: \"%s\" is not an image name", argv[1]);
	const char *base = strrchr(a.image, '/');
	base = base ? base + 1 : a.image;
	if (hx_valid_name(base))
		copy_word(a.name, sizeof(a.name), base);
	for (int i = 2; i < argc; i++)
		if (create_option(&a, argv[i], err, errlen))
			return -1;
	if (!a.name[0])
		return fail(err, errlen,
			    "create: give the domain a name= (the image's is not valid)");
	*out = a;
	return 0;
}

int hx_parse_target(int argc, char **argv, struct hx_target *out, char *err, size_t errlen)
{
	struct hx_target t = {0};
	unsigned long id;
	if (argc != 2)
		return fail(err, errlen, "%s: give one domain id or name", argv[0]);
	if (hx_parse_uint(argv[1], 0, 0x7fef, &id) == 0) {
		t.domid = (unsigned int)id;
	} else if (hx_valid_name(argv[1])) {
		t.by_name = true;
		copy_word(t.name, sizeof(t.name), argv[1]);
	} else {
		return fail(err, errlen, "%s: \"%s\" is neither a domain id nor a name", argv[0],
			    argv[1]);
	}
	*out = t;
	return 0;
}

int hx_parse_console(int argc, char **argv, struct hx_console_args *out, char *err, size_t errlen)
{
	struct hx_console_args c = {.follow = true, .timeout_secs = HX_WAIT_DEFAULT_SECS};
	char *words[2] = {argv[0], NULL};
	bool timeout = false;
	unsigned long v;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-n") == 0) {
			c.follow = false;
		} else if (strcmp(argv[i], "--until") == 0) {
			if (i + 1 == argc || !hx_valid_words(argv[i + 1]))
				return fail(err, errlen,
					    "%s: --until needs words of a line, comma-separated "
					    "(at most %d characters)",
					    argv[0], HX_WORDS_MAX);
			c.until = argv[++i];
		} else if (strcmp(argv[i], "--timeout") == 0) {
			if (i + 1 == argc || hx_parse_uint(argv[i + 1], 1, HX_WAIT_MAX_SECS, &v))
				return fail(err, errlen, "%s: --timeout needs seconds, 1 to %u",
					    argv[0], HX_WAIT_MAX_SECS);
			c.timeout_secs = (unsigned int)v;
			timeout = true;
			i++;
		} else if (argv[i][0] == '-') {
			return fail(err, errlen, "%s: unknown option %s (-n, --until, --timeout)",
				    argv[0], argv[i]);
		} else if (!words[1]) {
			words[1] = argv[i];
		} else {
			return fail(err, errlen,
				    "%s: one domain only (console <domain> [-n | --until W,..])",
				    argv[0]);
		}
	}
	if (c.until && !c.follow)
		return fail(err, errlen, "%s: -n returns at once: not with --until", argv[0]);
	if (timeout && !c.until)
		return fail(err, errlen, "%s: --timeout goes with --until", argv[0]);
	if (hx_parse_target(words[1] ? 2 : 1, words, &c.target, err, errlen))
		return -1;
	*out = c;
	return 0;
}

int hx_parse_wait(int argc, char **argv, struct hx_wait_args *out, char *err, size_t errlen)
{
	struct hx_wait_args w = {.timeout_secs = HX_WAIT_DEFAULT_SECS};
	unsigned long v;
	if (argc < 2 || argc > 3)
		return fail(err, errlen, "wait: hx wait <domain> [seconds]");
	if (argc == 3) {
		if (hx_parse_uint(argv[2], 1, HX_WAIT_MAX_SECS, &v))
			return fail(err, errlen, "wait: seconds: a number from 1 to %u, not %s",
				    HX_WAIT_MAX_SECS, argv[2]);
		w.timeout_secs = (unsigned int)v;
	}
	if (hx_parse_target(2, argv, &w.target, err, errlen))
		return -1;
	*out = w;
	return 0;
}

int hx_parse_dev(int argc, char **argv, const char *key, bool attach, struct hx_dev_args *out,
		 char *err, size_t errlen)
{
	struct hx_dev_args d = {0};
	if (argc != (attach ? 3 : 2) && attach)
		return fail(err, errlen, "%s: hx %s <domain> <%s> (as create's %s=)", argv[0],
			    argv[0], key, key);
	if (argc != (attach ? 3 : 2))
		return fail(err, errlen, "%s: hx %s <domain>", argv[0], argv[0]);
	if (attach && (!argv[2][0] || !copy_word(d.spec, sizeof(d.spec), argv[2])))
		return fail(err, errlen, "%s: %s \"%s\": empty or too long", argv[0], key, argv[2]);
	if (hx_parse_target(2, argv, &d.target, err, errlen))
		return -1;
	*out = d;
	return 0;
}

int hx_parse_cfg_line(char *line, char **argv, int max)
{
	int argc = 1, words = 0;
	char *p = line;
	argv[0] = "create";
	while (*p) {
		while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
			*p++ = '\0';
		if (!*p)
			break;
		if (words == 0 && *p == '#')
			return 0;
		if (argc == max)
			return -1;
		argv[argc++] = p;
		words++;
		while (*p && *p != ' ' && *p != '\t' && *p != '\r' && *p != '\n')
			p++;
	}
	if (words == 0)
		return 0;
	if (argc >= 3 && !strcmp(argv[1], "hx") && !strcmp(argv[2], "create")) {
		for (int i = 3; i < argc; i++)
			argv[i - 2] = argv[i];
		argc -= 2;
	}
	return argc;
}

int hx_parse_top(int argc, char **argv, struct hx_top_args *out, char *err, size_t errlen)
{
	struct hx_top_args t = {.iterations = 0, .delay_secs = HX_TOP_DEFAULT_SECS};
	unsigned long v;
	for (int i = 1; i < argc; i++) {
		bool n = strcmp(argv[i], "-n") == 0, d = strcmp(argv[i], "-d") == 0;
		if (!n && !d)
			return fail(err, errlen,
				    "top: unknown option \"%s\" (-n count, -d seconds)", argv[i]);
		if (i + 1 == argc || hx_parse_uint(argv[i + 1], 1, n ? 100000 : 60, &v))
			return fail(err, errlen, "top: %s needs a number (%s)", argv[i],
				    n ? "1 to 100000 samples" : "1 to 60 seconds");
		if (n)
			t.iterations = (unsigned int)v;
		else
			t.delay_secs = (unsigned int)v;
		i++;
	}
	*out = t;
	return 0;
}
