/*
 * Parsing for `hx vcpu-pin <domain> <vcpu|all> <cpus>` and the CPU lists
 * of `hx vcpu-list`, in xl's syntax: a CPU list is "all" or comma-separated
 * items, each a CPU ("2") or an inclusive range ("0-1"); "0,2-3" is CPUs
 * 0, 2 and 3.  CPUs are 0..HX_CPU_MAX-1, held as a mask (bit n = CPU n).
 */
#include "args.h"
#include <stdio.h>
#include <string.h>

/* One item "a" or "a-b" (len characters of s) into *mask; -1 if malformed. */
static int cpu_item(const char *s, size_t len, uint64_t *mask)
{
	char lo[8], hi[8];
	const char *dash = memchr(s, '-', len);
	size_t n1 = dash ? (size_t)(dash - s) : len, n2 = dash ? len - n1 - 1 : n1;
	unsigned long a, b;

	if (n1 == 0 || n1 >= sizeof(lo) || n2 == 0 || n2 >= sizeof(hi))
		return -1;
	memcpy(lo, s, n1);
	lo[n1] = '\0';
	memcpy(hi, dash ? dash + 1 : s, n2);
	hi[n2] = '\0';
	if (hx_parse_uint(lo, 0, HX_CPU_MAX - 1, &a) || hx_parse_uint(hi, 0, HX_CPU_MAX - 1, &b) ||
	    b < a)
		return -1;
	for (unsigned long c = a; c <= b; c++)
		*mask |= 1ULL << c;
	return 0;
}

int hx_parse_cpus(const char *s, uint64_t *out)
{
	uint64_t mask = 0;

	if (strcmp(s, "all") == 0) {
		*out = HX_CPUS_ALL;
		return 0;
	}
	for (;;) {
		const char *comma = strchr(s, ',');
		size_t len = comma ? (size_t)(comma - s) : strlen(s);
		if (cpu_item(s, len, &mask))
			return -1;
		if (!comma)
			break;
		s = comma + 1;
	}
	*out = mask;
	return 0;
}

int hx_parse_vcpu_pin(int argc, char **argv, struct hx_vcpu_pin_args *out, char *err, size_t errlen)
{
	struct hx_vcpu_pin_args a = {0};
	unsigned long v;
	char *words[2] = {argv[0], argc > 1 ? argv[1] : NULL};

	if (argc != 4) {
		snprintf(err, errlen, "vcpu-pin: usage: vcpu-pin <domain> <vcpu|all> <cpus>");
		return -1;
	}
	if (hx_parse_target(2, words, &a.target, err, errlen))
		return -1;
	if (strcmp(argv[2], "all") == 0) {
		a.all_vcpus = true;
	} else if (hx_parse_uint(argv[2], 0, HX_VCPUS_MAX - 1, &v) == 0) {
		a.vcpu = (unsigned int)v;
	} else {
		snprintf(err, errlen, "vcpu-pin: vCPU \"%s\": 0 to %u or all", argv[2],
			 HX_VCPUS_MAX - 1);
		return -1;
	}
	if (hx_parse_cpus(argv[3], &a.cpus) || a.cpus == 0) {
		snprintf(err, errlen, "vcpu-pin: CPUs \"%s\": all, or e.g. 2, 0-1, 0,2-3 (0 to %u)",
			 argv[3], HX_CPU_MAX - 1);
		return -1;
	}
	*out = a;
	return 0;
}

/* Append "a" or "a-b" to out, comma-separated. */
static void put_range(char *out, size_t len, unsigned int a, unsigned int b)
{
	size_t at = strlen(out);
	if (at + 1 >= len)
		return;
	if (a == b)
		snprintf(out + at, len - at, "%s%u", at ? "," : "", a);
	else
		snprintf(out + at, len - at, "%s%u-%u", at ? "," : "", a, b);
}

void hx_format_cpus(uint64_t mask, unsigned int nr_cpus, char *out, size_t len)
{
	uint64_t all = nr_cpus >= 64 ? ~0ULL : (1ULL << nr_cpus) - 1;

	out[0] = '\0';
	if (nr_cpus && (mask & all) == all) {
		snprintf(out, len, "all");
		return;
	}
	for (unsigned int c = 0; c < 64; c++) {
		if (!((mask >> c) & 1))
			continue;
		unsigned int end = c;
		while (end + 1 < 64 && ((mask >> (end + 1)) & 1))
			end++;
		put_range(out, len, c, end);
		c = end;
	}
	if (!out[0])
		snprintf(out, len, "none");
}
