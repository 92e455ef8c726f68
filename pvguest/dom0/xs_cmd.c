/*
 * The `xs` command of the dom0 shell: XenStore from the prompt and from
 * boot scripts, over dom0's own connection (xenbus_self()).
 *
 *   xs read PATH            the value
 *   xs write PATH VALUE     create or replace
 *   xs ls PATH              the children, one per line
 *   xs rm PATH              recursively
 *   xs perms PATH PERM...   set permissions (Xen's "n0" "r1" ... words)
 *   xs introduce DOMID PORT [GFN]   hand a domain's store ring to xenstored
 *   xs release DOMID        take it back
 *
 * Failures print Xen's error number and make the command fail, so a boot
 * script counts them.
 */
#include "shell/shell.h"
#include "xenstored/xenstored.h"
#include <public/errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xenbus/guest.h>

static char buf[XENSTORE_PAYLOAD_MAX + 1];

static int report(const char *what, const char *path, int rc)
{
	if (rc < 0)
		printf("xs: %s %s: error %d\n", what, path, rc);
	return rc < 0;
}

static int xs_ls(struct xenbus *xb, const char *path)
{
	int n = xenbus_directory(xb, 0, path, buf, sizeof(buf));

	if (n < 0)
		return report("ls", path, n);
	for (int i = 0; i < n; i += (int)strlen(buf + i) + 1)
		printf("%s\n", buf + i);
	return 0;
}

static int xs_perms(struct xenbus *xb, int argc, char **argv)
{
	size_t len = 0;

	for (int i = 3; i < argc; i++) {
		size_t l = strlen(argv[i]) + 1;
		if (len + l > sizeof(buf))
			return report("perms", argv[2], -XEN_E2BIG);
		memcpy(buf + len, argv[i], l);
		len += l;
	}
	return report("perms", argv[2], xenbus_set_perms(xb, 0, argv[2], buf, (uint32_t)len));
}

static int cmd_xs(int argc, char **argv)
{
	struct xenbus *xb = xenbus_self();
	int rc;

	if (!xb) {
		printf("xs: no XenStore connection\n");
		return 1;
	}
	if (argc == 3 && !strcmp(argv[1], "read")) {
		rc = xenbus_read(xb, 0, argv[2], buf, sizeof(buf));
		if (rc >= 0)
			printf("%s\n", buf);
		return report("read", argv[2], rc);
	}
	if (argc == 4 && !strcmp(argv[1], "write"))
		return report("write", argv[2], xenbus_write(xb, 0, argv[2], argv[3]));
	if (argc == 3 && !strcmp(argv[1], "ls"))
		return xs_ls(xb, argv[2]);
	if (argc == 3 && !strcmp(argv[1], "rm"))
		return report("rm", argv[2], xenbus_rm(xb, 0, argv[2]));
	if (argc >= 4 && !strcmp(argv[1], "perms"))
		return xs_perms(xb, argc, argv);
	if ((argc == 4 || argc == 5) && !strcmp(argv[1], "introduce")) {
		rc = xs_introduce_domain((uint16_t)strtoul(argv[2], NULL, 0),
					 argc == 5 ? strtoul(argv[4], NULL, 0) : 0,
					 (uint32_t)strtoul(argv[3], NULL, 0));
		return report("introduce", argv[2], rc);
	}
	if (argc == 3 && !strcmp(argv[1], "release"))
		return report("release", argv[2],
			      xs_release_domain((uint16_t)strtoul(argv[2], NULL, 0)));
	printf("usage: xs read|write|ls|rm|perms|introduce|release ...\n");
	return 1;
}
DOM0_COMMAND("xs", cmd_xs, "XenStore: xs read|write|ls|rm|perms PATH ..., introduce, release");
