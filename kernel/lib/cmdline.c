/*
 * The hypervisor command line: words separated by spaces, each "name" or
 * "name=value" (see hospes/cmdline.h for the options).
 *
 * Parsing never fails as a whole: each word is looked up in one table of
 * options, and a word that is unknown or whose value does not parse gets
 * a one-line warning naming it and is otherwise ignored.  A first word
 * starting with '/' is the loader's path of the image (GRUB and QEMU put it
 * there) and is skipped.  Values are read from the line in place (name and
 * value are pointer + length), so no word is ever copied into a buffer.
 */
#include <hospes/cmdline.h>
#include <hospes/halt_poll.h>
#include <hospes/lib.h>

struct word {
	const char *name, *val;
	size_t nlen, vlen; /* val == NULL: no '=' */
};

static bool parse_uint(const char *s, size_t len, int base, uint64_t *out)
{
	uint64_t v = 0;
	if (len == 0)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		unsigned int d;
		if (c >= '0' && c <= '9')
			d = (unsigned int)(c - '0');
		else if (base == 16 && (c | 0x20) >= 'a' && (c | 0x20) <= 'f')
			d = (unsigned int)((c | 0x20) - 'a' + 10);
		else
			return false;
		if (v > (UINT64_MAX - d) / (uint64_t)base)
			return false;
		v = v * (uint64_t)base + d;
	}
	*out = v;
	return true;
}

/* Decimal, or hex with 0x. */
static bool parse_num(const char *s, size_t len, uint64_t *out)
{
	if (len > 2 && s[0] == '0' && (s[1] | 0x20) == 'x')
		return parse_uint(s + 2, len - 2, 16, out);
	return parse_uint(s, len, 10, out);
}

bool parse_size(const char *s, size_t len, uint64_t *bytes)
{
	unsigned int shift = 10; /* no suffix: KiB */
	if (len > 1) {
		switch (s[len - 1] | 0x20) {
		case 'b':
			shift = 0;
			break;
		case 'k':
			shift = 10;
			break;
		case 'm':
			shift = 20;
			break;
		case 'g':
			shift = 30;
			break;
		case 't':
			shift = 40;
			break;
		default:
			len++; /* no suffix: the loop below sees every character */
			break;
		}
		len--;
	}
	uint64_t v;
	if (!parse_uint(s, len, 10, &v) || v > (UINT64_MAX >> shift))
		return false;
	*bytes = v << shift;
	return true;
}

/* Split "a,b,c": next item of [*s, end) -> [item, item + *ilen). */
static bool next_item(const char **s, const char *end, const char **item, size_t *ilen)
{
	if (*s > end)
		return false;
	const char *p = *s;
	while (p < end && *p != ',')
		p++;
	*item = *s;
	*ilen = (size_t)(p - *s);
	*s = p + 1;
	return true;
}

static bool item_is(const char *item, size_t len, const char *lit)
{
	return strlen(lit) == len && memcmp(item, lit, len) == 0;
}

static bool opt_console(struct hospes_options *o, const char *v, size_t len)
{
	bool com1 = false, vga = false;
	const char *s = v, *item;
	size_t ilen;
	while (next_item(&s, v + len, &item, &ilen)) {
		if (item_is(item, ilen, "com1"))
			com1 = true;
		else if (item_is(item, ilen, "vga"))
			vga = true;
		else if (!item_is(item, ilen, "none"))
			return false;
	}
	o->console_com1 = com1;
	o->console_vga = vga;
	return true;
}

/* "8n1": data bits 5-8, parity n/o/e, stop bits 1-2. */
static bool parse_dps(const char *s, size_t len, struct serial_config *c)
{
	if (len != 3 || s[0] < '5' || s[0] > '8' || (s[2] != '1' && s[2] != '2'))
		return false;
	char p = (char)(s[1] | 0x20);
	if (p != 'n' && p != 'o' && p != 'e')
		return false;
	c->data_bits = (uint8_t)(s[0] - '0');
	c->parity = p;
	c->stop_bits = (uint8_t)(s[2] - '0');
	return true;
}

static bool opt_com1(struct hospes_options *o, const char *v, size_t len)
{
	struct serial_config c = o->com1;
	const char *s = v, *item;
	size_t ilen;
	uint64_t n;
	for (unsigned int i = 0; next_item(&s, v + len, &item, &ilen); i++) {
		if (ilen == 0)
			continue;
		if (i == 0) { /* baud[/clock]: the clock part is accepted and ignored */
			size_t b = 0;
			while (b < ilen && item[b] != '/')
				b++;
			if (item_is(item, b, "auto"))
				continue;
			if (!parse_uint(item, b, 10, &n) || n == 0 || n > 115200 || 115200 % n)
				return false;
			c.baud = (uint32_t)n;
		} else if (i == 1) {
			if (!parse_dps(item, ilen, &c))
				return false;
		} else if (i == 2) {
			if (!parse_num(item, ilen, &n) || n == 0 || n > 0xfff8)
				return false;
			c.port = (uint16_t)n;
		} /* irq and later fields: hardware setup dom0 does not need from us */
	}
	o->com1 = c;
	return true;
}

static const char *const level_names[] = {"none", "error", "warning", "info", "debug", "all"};
static const int level_values[] = {-1,		LOGLVL_ERR,   LOGLVL_WARN,
				   LOGLVL_INFO, LOGLVL_DEBUG, LOGLVL_DEBUG};

static bool opt_loglvl(struct hospes_options *o, const char *v, size_t len)
{
	size_t n = 0;
	while (n < len && v[n] != '/') /* "/<rate-limited level>": no rate limit here */
		n++;
	for (size_t i = 0; i < ARRAY_SIZE(level_names); i++) {
		if (item_is(v, n, level_names[i])) {
			o->loglvl = level_values[i];
			return true;
		}
	}
	uint64_t num;
	if (!parse_uint(v, n, 10, &num) || num > 7)
		return false;
	o->loglvl = (int)num;
	return true;
}

static bool opt_dom0_mem(struct hospes_options *o, const char *v, size_t len)
{
	uint64_t mem = o->dom0_mem, min = o->dom0_mem_min, max = o->dom0_mem_max;
	const char *s = v, *item;
	size_t ilen;
	while (next_item(&s, v + len, &item, &ilen)) {
		if (ilen > 4 && !memcmp(item, "min:", 4)) {
			if (!parse_size(item + 4, ilen - 4, &min))
				return false;
		} else if (ilen > 4 && !memcmp(item, "max:", 4)) {
			if (!parse_size(item + 4, ilen - 4, &max))
				return false;
		} else if (!parse_size(item, ilen, &mem)) {
			return false;
		}
	}
	o->dom0_mem = mem, o->dom0_mem_min = min, o->dom0_mem_max = max;
	return true;
}

static bool opt_dom0_max_vcpus(struct hospes_options *o, const char *v, size_t len)
{
	uint64_t lo, hi;
	size_t dash = 0;
	while (dash < len && v[dash] != '-')
		dash++;
	if (dash == len) {
		if (!parse_uint(v, len, 10, &hi) || hi == 0 || hi > 4096)
			return false;
		lo = 1;
	} else if (!parse_uint(v, dash, 10, &lo) ||
		   !parse_uint(v + dash + 1, len - dash - 1, 10, &hi) || lo == 0 || lo > hi ||
		   hi > 4096) {
		return false;
	}
	o->dom0_min_vcpus = (unsigned int)lo;
	o->dom0_max_vcpus = (unsigned int)hi;
	return true;
}

static bool opt_selftest(struct hospes_options *o, const char *v, size_t len)
{
	if (len == 0 || len >= sizeof(o->selftest))
		return false;
	memcpy(o->selftest, v, len);
	o->selftest[len] = '\0';
	return true;
}

static bool opt_smp_ap_wait_ms(struct hospes_options *o, const char *v, size_t len)
{
	uint64_t ms;
	if (!parse_uint(v, len, 10, &ms) || ms > 60000)
		return false;
	o->smp_ap_wait_ms = (unsigned int)ms;
	return true;
}

static bool opt_smp_slow_ap(struct hospes_options *o, const char *v, size_t len)
{
	uint64_t id;
	if (!parse_uint(v, len, 10, &id) || id > 0xfe)
		return false;
	o->smp_slow_ap = (int)id;
	return true;
}

static bool opt_nmi_test(struct hospes_options *o, const char *v, size_t len)
{
	uint64_t hz;
	if (!parse_uint(v, len, 10, &hz) || hz < 19 || hz > 100000)
		return false; /* the PIT's 16-bit divisor: 19 Hz .. */
	o->nmi_test_hz = (unsigned int)hz;
	return true;
}

static bool opt_time_epoch_ms(struct hospes_options *o, const char *v, size_t len)
{
	uint64_t ms;
	if (!parse_uint(v, len, 10, &ms) || (ms && (ms < 10 || ms > 60000)))
		return false;
	o->time_epoch_ms = (unsigned int)ms;
	return true;
}

static bool opt_clocksource(struct hospes_options *o, const char *v, size_t len)
{
	if (item_is(v, len, "hpet"))
		o->clocksource = CLOCKSOURCE_HPET;
	else if (item_is(v, len, "acpi"))
		o->clocksource = CLOCKSOURCE_ACPI;
	else
		return false; /* Xen's pit and tsc are not offered */
	return true;
}

static bool opt_halt_poll(struct hospes_options *o, const char *v, size_t len)
{
	uint64_t us;
	if (!parse_uint(v, len, 10, &us) || us > HALT_POLL_MAX_US)
		return false;
	o->halt_poll_us = (unsigned int)us;
	return true;
}

static bool opt_dom0_vcpus_pin(struct hospes_options *o, const char *v, size_t len)
{
	o->dom0_vcpus_pin = true;
	return true;
}

static bool opt_noreboot(struct hospes_options *o, const char *v, size_t len)
{
	o->noreboot = true;
	return true;
}

/* Xen's boolean spellings: 0/1, no/yes, off/on, false/true. */
static bool parse_bool(const char *v, size_t len, bool *out)
{
	static const char *const no[] = {"0", "no", "off", "false"};
	static const char *const yes[] = {"1", "yes", "on", "true"};
	for (size_t i = 0; i < ARRAY_SIZE(no); i++) {
		if (item_is(v, len, no[i]) || item_is(v, len, yes[i])) {
			*out = item_is(v, len, yes[i]);
			return true;
		}
	}
	return false;
}

static bool opt_smep(struct hospes_options *o, const char *v, size_t len)
{
	return parse_bool(v, len, &o->smep);
}

static bool opt_smap(struct hospes_options *o, const char *v, size_t len)
{
	return parse_bool(v, len, &o->smap);
}

static bool opt_vga(struct hospes_options *o, const char *v, size_t len)
{
	if (!item_is(v, len, "keep"))
		return false;
	o->vga_keep = true;
	return true;
}

struct option {
	const char *name;
	bool needs_value;
	bool (*parse)(struct hospes_options *o, const char *v, size_t len);
};

static const struct option options[] = {
	{"console", true, opt_console},
	{"com1", true, opt_com1},
	{"loglvl", true, opt_loglvl},
	{"dom0_mem", true, opt_dom0_mem},
	{"dom0_max_vcpus", true, opt_dom0_max_vcpus},
	{"dom0_vcpus_pin", false, opt_dom0_vcpus_pin},
	{"noreboot", false, opt_noreboot},
	{"halt_poll", true, opt_halt_poll},
	{"time_epoch_ms", true, opt_time_epoch_ms},
	{"clocksource", true, opt_clocksource},
	{"nmi_test", true, opt_nmi_test},
	{"smp_ap_wait_ms", true, opt_smp_ap_wait_ms},
	{"smp_slow_ap", true, opt_smp_slow_ap},
	{"selftest", true, opt_selftest},
	{"smep", true, opt_smep},
	{"smap", true, opt_smap},
	{"vga", true, opt_vga},
};

static void apply(struct hospes_options *o, const struct word *w)
{
	for (size_t i = 0; i < ARRAY_SIZE(options); i++) {
		const struct option *opt = &options[i];
		if (!item_is(w->name, w->nlen, opt->name))
			continue;
		if (opt->needs_value && !w->val) {
			printk(LOG_WARN "cmdline: option '%s' needs a value; ignored\n", opt->name);
			o->nr_warnings++;
		} else if (!opt->parse(o, w->val, w->vlen)) {
			printk(LOG_WARN "cmdline: bad value '%.*s' for option '%s'; ignored\n",
			       (int)w->vlen, w->val, opt->name);
			o->nr_warnings++;
		}
		return;
	}
	printk(LOG_WARN "cmdline: unknown option '%.*s'; ignored\n", (int)w->nlen, w->name);
	o->nr_warnings++;
}

void cmdline_defaults(struct hospes_options *o)
{
	memset(o, 0, sizeof(*o));
	o->console_com1 = true;
	o->console_vga = true;
	o->com1 = (struct serial_config){0x3f8, 115200, 8, 1, 'n'};
	o->loglvl = LOGLVL_INFO;
	o->smp_ap_wait_ms = 1000;
	o->smp_slow_ap = -1;
	o->halt_poll_us = HALT_POLL_DEFAULT_US;
	o->time_epoch_ms = 1000;
	o->smep = true;
	o->smap = true;
}

unsigned int cmdline_parse(const char *s, struct hospes_options *o)
{
	unsigned int before = o->nr_warnings;
	bool first = true;
	while (*s) {
		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s)
			break;
		const char *start = s;
		while (*s && *s != ' ' && *s != '\t')
			s++;
		bool skip = first && *start == '/';
		first = false;
		if (skip)
			continue;
		struct word w = {start, NULL, (size_t)(s - start), 0};
		for (size_t i = 0; i < w.nlen; i++) {
			if (start[i] == '=') {
				w.val = start + i + 1;
				w.vlen = w.nlen - i - 1;
				w.nlen = i;
				break;
			}
		}
		apply(o, &w);
	}
	return o->nr_warnings - before;
}
