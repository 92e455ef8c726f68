/*
 * Parsing `hx sched [<domain> [weight=N] [cap=N]]` (see args.h): no
 * domain lists every domain's parameters; a domain alone shows its own;
 * weight= and cap= change them.  A setting not given stays as it is
 * (HX_SCHED_KEEP), which is also what the hypervisor's putinfo does for a
 * weight of 0 or a cap of 0xffff.
 */
#include "args.h"
#include <stdio.h>
#include <string.h>

static int sched_setting(struct hx_sched_args *a, const char *w, char *err, size_t len)
{
	unsigned long v;
	if (strncmp(w, "weight=", 7) == 0) {
		if (hx_parse_uint(w + 7, 1, HX_WEIGHT_MAX, &v)) {
			snprintf(err, len, "sched: weight \"%s\": 1 to %u", w + 7, HX_WEIGHT_MAX);
			return -1;
		}
		a->weight = (long)v;
	} else if (strncmp(w, "cap=", 4) == 0) {
		if (hx_parse_uint(w + 4, 0, HX_CAP_MAX, &v)) {
			snprintf(err, len, "sched: cap \"%s\": 0 (none) to %u percent of one CPU",
				 w + 4, HX_CAP_MAX);
			return -1;
		}
		a->cap = (long)v;
	} else {
		snprintf(err, len, "sched: unknown setting \"%s\" (weight=, cap=)", w);
		return -1;
	}
	return 0;
}

int hx_parse_sched(int argc, char **argv, struct hx_sched_args *out, char *err, size_t errlen)
{
	struct hx_sched_args a = {.all = argc < 2, .weight = HX_SCHED_KEEP, .cap = HX_SCHED_KEEP};
	if (argc >= 2) {
		char *words[2] = {argv[0], argv[1]};
		if (strchr(argv[1], '=')) {
			snprintf(err, errlen,
				 "sched: which domain? (sched <domain> [weight=N] [cap=N])");
			return -1;
		}
		if (hx_parse_target(2, words, &a.target, err, errlen))
			return -1;
	}
	for (int i = 2; i < argc; i++)
		if (sched_setting(&a, argv[i], err, errlen))
			return -1;
	*out = a;
	return 0;
}
