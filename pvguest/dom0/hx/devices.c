/*
 * hx block-attach / block-detach and network-attach / network-detach
 * (as xl's): a running domain's one disk, xvda, or its one vif, vif 0,
 * taken away and given again.
 *
 * Detach removes the device (blkback_detach, netback_detach: the
 * backend lets go of the rings and the grants, then both XenStore
 * directories go); the domain's frontend sees its backend's state vanish
 * and completes the Closed handshake by itself (xendev_front_follow):
 * requests in flight fail, its grants are revoked.  Attach writes both
 * directories again and the backend waits at InitWait; a frontend that
 * is Closed sets up new rings and connects again by itself (an xvda takes
 * the new disk's size).  The spec is create's disk= or vif=.
 */
#include "hx.h"
#include <back/blkback.h>
#include <back/netback.h>
#include <public/errno.h>
#include <stdio.h>
#include <xenbus/guest.h>

static char err[160];

/* The domain a device command names; false after saying why. */
static bool dev_domain(int argc, char **argv, const char *key, bool attach, struct hx_dev_args *a,
		       domid_t *id)
{
	if (hx_parse_dev(argc, argv, key, attach, a, err, sizeof(err))) {
		printf("%s\n", err);
		return false;
	}
	if (!hx_resolve(argv[0], &a->target, id))
		return false;
	if (*id == 0) {
		printf("%s: not domain 0 (its devices are its own)\n", argv[0]);
		return false;
	}
	return true;
}

static int attached(const char *cmd, domid_t id, const char *what, const char *spec, int rc)
{
	if (rc) {
		printf("%s: domain %u: %s not attached (error %d%s)\n", cmd, id, spec, rc,
		       rc == -XEN_EEXIST ? ": it has one" : "");
		return 1;
	}
	printf("domain %u: %s is %s\n", id, what, spec);
	return 0;
}

static int detached(const char *cmd, domid_t id, const char *what, int rc)
{
	if (rc) {
		printf("%s: domain %u has no %s\n", cmd, id, what);
		return 1;
	}
	printf("domain %u: %s removed\n", id, what);
	return 0;
}

int hx_block_attach(int argc, char **argv)
{
	struct hx_dev_args a;
	struct xenbus *xb = xenbus_self();
	char spec[sizeof(a.spec)], name[8];
	domid_t id;

	if (!dev_domain(argc, argv, "disk", true, &a, &id))
		return 1;
	snprintf(name, sizeof(name), "%u", id);
	if (hx_disk_spec(argv[0], name, a.spec, spec, sizeof(spec)))
		return 1;
	int rc = xb ? blkback_attach(xb, id, HX_XVDA, spec) : -XEN_ENODEV;
	return attached(argv[0], id, "xvda", a.spec, rc);
}

int hx_block_detach(int argc, char **argv)
{
	struct hx_dev_args a;
	domid_t id;

	if (!dev_domain(argc, argv, "disk", false, &a, &id))
		return 1;
	return detached(argv[0], id, "xvda", blkback_detach(id, HX_XVDA));
}

int hx_network_attach(int argc, char **argv)
{
	struct hx_dev_args a;
	struct xenbus *xb = xenbus_self();
	domid_t id;

	if (!dev_domain(argc, argv, "vif", true, &a, &id))
		return 1;
	int rc = xb ? netback_attach(xb, id, 0, a.spec) : -XEN_ENODEV;
	return attached(argv[0], id, "vif 0", a.spec, rc);
}

int hx_network_detach(int argc, char **argv)
{
	struct hx_dev_args a;
	domid_t id;

	if (!dev_domain(argc, argv, "vif", false, &a, &id))
		return 1;
	return detached(argv[0], id, "vif 0", netback_detach(id, 0));
}
