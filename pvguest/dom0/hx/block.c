/*
 * hx block-attach / block-detach (xl's block-attach / block-detach): a
 * running domain's one disk, xvda, taken away and given again.
 *
 * Detach removes the vbd (blkback_detach: the backend lets go of the
 * ring and the grants, then both XenStore directories go); the domain's
 * blkfront sees its backend's state vanish and completes the Closed
 * handshake by itself (xendev_front_follow): requests in flight fail,
 * its grants are revoked.  Attach writes both directories again and
 * the backend waits at InitWait; a blkfront that is Closed sets up a new
 * ring and connects again by itself, and its xvda takes the new disk's
 * size.  The disk is given as create's disk= (hx_disk_spec).
 */
#include "hx.h"
#include <back/blkback.h>
#include <public/errno.h>
#include <stdio.h>
#include <xenbus/guest.h>

static char err[160];

/* The domain a block command names; false after saying why. */
static bool block_domain(int argc, char **argv, bool attach, struct hx_block_args *a, domid_t *id)
{
	if (hx_parse_block(argc, argv, attach, a, err, sizeof(err))) {
		printf("%s\n", err);
		return false;
	}
	if (!hx_resolve(argv[0], &a->target, id))
		return false;
	if (*id == 0) {
		printf("%s: not domain 0 (its disks are its own)\n", argv[0]);
		return false;
	}
	return true;
}

int hx_block_attach(int argc, char **argv)
{
	struct hx_block_args a;
	struct xenbus *xb = xenbus_self();
	char spec[sizeof(a.disk)], name[8];
	domid_t id;

	if (!block_domain(argc, argv, true, &a, &id))
		return 1;
	snprintf(name, sizeof(name), "%u", id);
	if (hx_disk_spec(argv[0], name, a.disk, spec, sizeof(spec)))
		return 1;
	int rc = xb ? blkback_attach(xb, id, HX_XVDA, spec) : -XEN_ENODEV;
	if (rc) {
		printf("%s: domain %u: disk %s not attached (error %d%s)\n", argv[0], id, a.disk,
		       rc, rc == -XEN_EEXIST ? ": it has an xvda" : "");
		return 1;
	}
	printf("domain %u: xvda is %s\n", id, a.disk);
	return 0;
}

int hx_block_detach(int argc, char **argv)
{
	struct hx_block_args a;
	domid_t id;

	if (!block_domain(argc, argv, false, &a, &id))
		return 1;
	if (blkback_detach(id, HX_XVDA)) {
		printf("%s: domain %u has no xvda\n", argv[0], id);
		return 1;
	}
	printf("domain %u: xvda removed\n", id);
	return 0;
}
