/*
 * hx wait <domain> [seconds]: block the dom0# shell until a domain has
 * shut down (powered off, crashed, ...) or is gone, for at most the given
 * time (default 60 s).  Boot scripts use it to let a domU finish before
 * looking at the machine again (tests/scenarios/fuzz.sh: the fuzzer
 * domain runs to its end, then dom0 destroys it and checks free memory).
 *
 * It polls getdomaininfo every 100 ms; the reason printed is the one the
 * hypervisor reports in the domain's flags.  Exit status 0 when the domain
 * is down, 1 on a bad argument or when the time ran out.
 */
#include "hx.h"
#include <core/sched.h>
#include <public/errno.h>
#include <public/sched.h>
#include <stdio.h>

#define WAIT_STEP_NS	  (100 * 1000 * 1000ULL)
#define WAIT_DEFAULT_SECS 60
#define WAIT_MAX_SECS	  86400

static const char *reason_name(unsigned int why)
{
	static const char *const names[] = {"poweroff", "reboot", "suspend", "crash", "watchdog"};
	return why < sizeof(names) / sizeof(names[0]) ? names[why] : "unknown";
}

int hx_wait(int argc, char **argv)
{
	struct hx_target t;
	unsigned long secs = WAIT_DEFAULT_SECS;
	char err[128];
	domid_t id;
	if (argc < 2 || argc > 3) {
		printf("wait: hx wait <domain> [seconds]\n");
		return 1;
	}
	if (argc == 3 && hx_parse_uint(argv[2], 1, WAIT_MAX_SECS, &secs)) {
		printf("wait: seconds: a number from 1 to %u, not %s\n", WAIT_MAX_SECS, argv[2]);
		return 1;
	}
	if (hx_parse_target(2, argv, &t, err, sizeof(err))) {
		printf("%s\n", err);
		return 1;
	}
	if (!hx_resolve(argv[0], &t, &id))
		return 1;
	if (id == 0) {
		printf("wait: not domain 0 (it runs this shell)\n");
		return 1;
	}
	for (unsigned long step = 0; step < secs * 10; step++) {
		hx_dominfo_t info;
		long rc = hx_dominfo(id, &info);
		if (rc == -XEN_ESRCH) {
			printf("domain %u is gone\n", id);
			return 0;
		}
		if (rc == 0 && (info.flags & XEN_DOMINF_shutdown)) {
			unsigned int why =
				(info.flags >> XEN_DOMINF_shutdownshift) & XEN_DOMINF_shutdownmask;
			printf("domain %u shut down: %s\n", id, reason_name(why));
			return 0;
		}
		thread_sleep_ns(WAIT_STEP_NS);
	}
	printf("wait: domain %u still running after %lu s\n", id, secs);
	return 1;
}
