/*
 * xc: domain control at the level of libxc's calls, with none of hx's
 * bookkeeping.  `xc destroy <domain>` issues XEN_DOMCTL_destroydomain and
 * nothing else, as another toolstack or a script driving the hypervisor
 * interface directly would (xenctrl's xc_domain_destroy): hx still
 * remembers the domain and dom0 still serves its console, disks, vifs
 * and store ring.  The hypervisor keeps the dying domain until those
 * mappings are gone.  At the next @releaseDomain xenstored and netback
 * let go of their part by themselves, and hx's reaper finds the domain
 * gone and lets go of its console and disks (hx/reaper.c); then its
 * memory returns.  The domain is named as hx names it (id or name).
 */
#include "hx/args.h"
#include "hx/ctl.h"
#include "hx/hx.h"
#include "shell/shell.h"
#include <public/domctl.h>
#include <stdio.h>
#include <string.h>

static int cmd_xc(int argc, char **argv)
{
	struct hx_target t;
	char err[80];
	domid_t id;

	if (argc < 2 || strcmp(argv[1], "destroy") != 0) {
		printf("usage: xc destroy <domain>\n");
		return 1;
	}
	if (hx_parse_target(argc - 1, argv + 1, &t, err, sizeof(err))) {
		printf("%s\n", err);
		return 1;
	}
	if (!hx_resolve("xc destroy", &t, &id))
		return 1;
	if (id == 0) {
		printf("xc destroy: not domain 0\n");
		return 1;
	}
	long rc = hx_domain_op(id, XEN_DOMCTL_destroydomain);
	if (rc < 0) {
		printf("xc destroy: domain %u: error %ld\n", id, rc);
		return 1;
	}
	printf("xc: domain %u destroyed (hx not told)\n", id);
	return 0;
}
DOM0_COMMAND("xc", cmd_xc, "xc destroy <domain>: destroy it behind hx's back (as libxc would)");
