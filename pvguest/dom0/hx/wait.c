/*
 * hx wait <domain> [seconds]: block the dom0# shell until a domain has
 * shut down (powered off, crashed, ...) or is gone, for at most the given
 * time (default 60 s).  Boot scripts use it to let a domU finish before
 * looking at the machine again (tests/scenarios/fuzz.sh: the fuzzer
 * domain runs to its end, then dom0 destroys it and checks free memory;
 * tests/scenarios/hx-create.sh: a domU's last console lines).
 *
 * It polls getdomaininfo every 100 ms; sleeping lets dom0's other threads
 * run meanwhile (the console backend prints the domain's lines).  Once
 * the domain is down its console ring is drained one last time, so every
 * line it wrote is out before the command returns.  The reason printed
 * is the one the hypervisor reports in the domain's flags.  A domain that
 * hx's reaper destroys when it shuts down (on_poweroff=destroy...) is
 * waited for until it is gone as well.  Exit status 0
 * when the domain is down, 1 on a bad argument or when the time ran out.
 */
#include "hx.h"
#include <back/consback.h>
#include <core/sched.h>
#include <public/errno.h>
#include <public/sched.h>
#include <stdio.h>

#define WAIT_STEP_NS (100 * 1000 * 1000ULL)

int hx_wait(int argc, char **argv)
{
	struct hx_wait_args a;
	char err[160];
	domid_t id;
	if (hx_parse_wait(argc, argv, &a, err, sizeof(err))) {
		printf("%s\n", err);
		return 1;
	}
	if (!hx_resolve(argv[0], &a.target, &id))
		return 1;
	if (id == 0) {
		printf("wait: not domain 0 (it runs this shell)\n");
		return 1;
	}
	bool down = false;
	for (unsigned long step = 0; step < a.timeout_secs * 10UL; step++) {
		hx_dominfo_t info;
		long rc = hx_dominfo(id, &info);
		if (rc == -XEN_ESRCH) {
			printf("domain %u is gone\n", id);
			return 0;
		}
		if (rc == 0 && (info.flags & XEN_DOMINF_shutdown) && !down) {
			uint64_t start, end;
			console_back_span(id, &start, &end); /* drains its last lines */
			unsigned int why =
				(info.flags >> XEN_DOMINF_shutdownshift) & XEN_DOMINF_shutdownmask;
			printf("domain %u shut down: %s\n", id, hx_shutdown_reason(why));
			if (hx_shutdown_action(id, why) == HX_PRESERVE)
				return 0;
			down = true; /* the reaper destroys it: wait until it is gone */
		}
		thread_sleep_ns(WAIT_STEP_NS);
	}
	printf("wait: domain %u still running after %u s\n", id, a.timeout_secs);
	return 1;
}
