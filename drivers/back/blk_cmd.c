/*
 * The `vbd` command of the dom0 shell: give a running domain a virtual
 * disk, or take it away, by hand or from a boot script -- for domains
 * the toolstack did not build with a disk (e.g. the hypervisor's test
 * domUs, or the guide's stage 7).
 *
 *   vbd attach DOMID VDEV SPEC   SPEC as in hx create's disk= (ram:<MiB>, a
 *                                device, a region of it, ",r"); VDEV the
 *                                Xen device number (51712 = xvda)
 *   vbd detach DOMID [VDEV]      one vbd, or all of the domain's
 *
 * Both check their words before anything changes and print Xen's error
 * number on failure.
 */
#include "blkback.h"

#include <dom0/shell/shell.h>
#include <public/errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xenbus/guest.h>

/* A decimal number in [0, max]; false for anything else. */
static bool number(const char *s, unsigned long max, unsigned long *out)
{
	char *end;
	if (!*s || *s < '0' || *s > '9')
		return false;
	*out = strtoul(s, &end, 10);
	return !*end && *out <= max;
}

static int cmd_vbd(int argc, char **argv)
{
	unsigned long dom, vdev = ~0u;
	bool attach = argc == 5 && strcmp(argv[1], "attach") == 0;
	bool detach = (argc == 3 || argc == 4) && strcmp(argv[1], "detach") == 0;
	struct disk_spec ds;
	int rc;

	if ((!attach && !detach) || !number(argv[2], DOMID_FIRST_RESERVED - 1, &dom) ||
	    (argc >= 4 && !number(argv[3], 0xfffffffe, &vdev))) {
		printf("usage: vbd attach DOMID VDEV SPEC | vbd detach DOMID [VDEV]\n");
		return 1;
	}
	if (attach && blkback_parse_spec(argv[4], &ds)) {
		printf("vbd: bad disk \"%s\" (ram:<MiB>, <device>[@<first>+<sectors>][,r])\n",
		       argv[4]);
		return 1;
	}
	if (attach && !xenbus_self()) {
		printf("vbd: no XenStore connection\n");
		return 1;
	}
	rc = attach ? blkback_attach(xenbus_self(), (uint16_t)dom, (unsigned int)vdev, argv[4])
		    : blkback_detach((uint16_t)dom, (unsigned int)vdev);
	if (rc < 0) {
		printf("vbd %s d%lu: error %d\n", argv[1], dom, rc);
		return 1;
	}
	printf("vbd: d%lu %s\n", dom, attach ? "has a new disk" : "disk(s) removed");
	return 0;
}
DOM0_COMMAND("vbd", cmd_vbd, "vbd attach DOMID VDEV SPEC | vbd detach DOMID [VDEV]");
