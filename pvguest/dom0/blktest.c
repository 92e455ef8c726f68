/*
 * dom0's half of the block test (tests/scenarios/blk-domu.sh), run at init
 * level DOM0_INIT_DOMAINS when dom0's command line holds "blktest".  The
 * hypervisor has built domain 1 from a "domU blk" module (pvguest/apps/blk)
 * with its store ring in grant entry 1 and its store port 1.  As a
 * toolstack would, dom0 gives it a home, introduces it to xenstored, and
 * attaches a disk as its xvda with blkback_attach(): a 32 MiB RAM disk
 * (ram0), or with "blktest=<spec>" e.g. a region of the AHCI disk.  When the domain reports, dom0 checks the disk from
 * its own side: every block is either untouched (zeros) or a block the
 * domain wrote (its own number in the first word, a valid checksum in the
 * last), and the count matches what the domain says it wrote.  Then it
 * removes the disk, releases the domain, checks blkback holds nothing,
 * and powers off (the QEMU verdict with selftest=guest).
 */
#include "init.h"
#include "xenstored/xenstored.h"
#include <back/blkback.h>
#include <back/ramdisk.h>
#include <core/device.h>
#include <core/gnttab.h>
#include <core/kernel.h>
#include <core/sched.h>
#include <malloc.h>
#include <public/errno.h>
#include <public/sched.h>
#include <stdio.h>
#include <string.h>
#include <xenbus/guest.h>

#define FRONT	   1
#define STORE_PORT 1 /* the hypervisor's builder allocates it first */
#define DISK_MIB   32
#define POLL_NS	   (50ULL * 1000 * 1000)
#define POLL_MAX   2400 /* x 50 ms */

static int failures;

static void check(int ok, const char *what)
{
	printf("%s - blktest: %s\n", ok ? "ok" : "not ok", what);
	failures += !ok;
}

/* /local/domain/<id>: dom0's, readable by the domain; data/ the domain's. */
static int make_home(struct xenbus *xb, int id)
{
	char home[40], path[64], perms[16];
	int n = snprintf(perms, sizeof(perms), "n0%cr%d", 0, id) + 1;
	int rc;

	snprintf(home, sizeof(home), "/local/domain/%d", id);
	snprintf(path, sizeof(path), "%s/data", home);
	if ((rc = xenbus_mkdir(xb, 0, home)) || (rc = xenbus_set_perms(xb, 0, home, perms, n)) ||
	    (rc = xenbus_write_ulong(xb, 0, home, "domid", (unsigned long)id)) ||
	    (rc = xenbus_mkdir(xb, 0, path)))
		return rc;
	n = snprintf(perms, sizeof(perms), "n%d", id) + 1;
	return xenbus_set_perms(xb, 0, path, perms, n);
}

static uint32_t fnv(const uint32_t *w, unsigned int n)
{
	uint32_t h = 2166136261u;
	for (unsigned int i = 0; i < n; i++)
		h = (h ^ w[i]) * 16777619u;
	return h;
}

/* Blocks the domain wrote in the window; *bad counts blocks neither zero nor valid. */
static unsigned long scan_disk(struct device *disk, uint64_t first, uint64_t sectors,
			       unsigned long *bad)
{
	uint32_t *w = memalign(4096, 4096);
	unsigned long written = 0;

	*bad = 0;
	for (uint32_t b = 0; w && b < sectors / 8; b++) {
		if (disk->block->read(disk, first + (uint64_t)b * 8, 8, w)) {
			(*bad)++;
			continue;
		}
		bool zero = true;
		for (unsigned int i = 0; i < 1024 && zero; i++)
			zero = w[i] == 0;
		if (zero)
			continue;
		if (w[0] == b && w[1023] == fnv(w, 1023))
			written++;
		else
			(*bad)++;
	}
	free(w);
	return written;
}

static void wait_result(struct xenbus *xb, char *val, size_t size)
{
	for (int i = 0; i < POLL_MAX; i++) {
		if (xenbus_read(xb, 0, "/local/domain/1/data/result", val, size) > 0)
			return;
		thread_sleep_ns(POLL_NS);
	}
	val[0] = '\0';
}

/* "blktest" alone: a RAM disk; "blktest=<spec>": that disk spec (blkback.h). */
static const char *disk_spec(void)
{
	const char *arg = strstr((const char *)start_info->cmd_line, "blktest=");
	static char spec[48];

	if (!arg)
		return "ram0";
	snprintf(spec, sizeof(spec), "%s", arg + 8);
	spec[strcspn(spec, " ")] = '\0';
	return spec;
}

static int blktest(void)
{
	struct xenbus *xb = xenbus_self();
	const char *spec = disk_spec();
	struct disk_spec ds;
	char val[16];
	unsigned long reported = 0, bad = 0;

	if (!strstr((const char *)start_info->cmd_line, "blktest"))
		return 0;
	if (!xb)
		return -XEN_ENODEV;
	if (!strcmp(spec, "ram0")) {
		struct device *ram = ramdisk_create("ram0", (uint64_t)DISK_MIB << 20);
		check(ram && device_register(ram) == 0, "RAM disk ram0");
	}
	check(blkback_parse_spec(spec, &ds) == 0, "disk spec");
	struct device *disk = device_find(ds.device);
	check(disk && disk->block, "backing device in the device table");
	check(make_home(xb, FRONT) == 0, "d1 has a home");
	check(xs_introduce_domain(FRONT, 0, STORE_PORT) == 0, "d1 introduced");
	check(blkback_attach(xb, FRONT, 51712, spec) == 0, "xvda of d1 attached");
	wait_result(xb, val, sizeof(val));
	check(!strcmp(val, "pass"), "d1 reports pass");
	check(xenbus_read_ulong(xb, 0, "/local/domain/1/data/blocks", &reported) == 0,
	      "d1 reports how many blocks it wrote");
	uint64_t sectors = ds.sectors ? ds.sectors : (disk ? disk->sectors - ds.first : 0);
	unsigned long found = disk && disk->block ? scan_disk(disk, ds.first, sectors, &bad) : 0;
	printf("blktest: d1 wrote %lu blocks, dom0 finds %lu valid, %lu bad on %s\n", reported,
	       found, bad, spec);
	check(found == reported && bad == 0 && found > 0,
	      "dom0 finds every block d1 wrote, intact, and nothing else");
	check(!disk || !disk->block->flush || disk->block->flush(disk) == 0, "disk flushed");
	check(blkback_detach(FRONT, 51712) == 0 && blkback_count(false) == 0,
	      "disk removed, blkback holds nothing");
	check(xs_release_domain(FRONT) == 0, "d1 released");
	printf("blktest: %d failure(s)\n", failures);
	fflush(stdout);
	kernel_shutdown(failures ? SHUTDOWN_crash : SHUTDOWN_poweroff);
}
DOM0_INITCALL(DOM0_INIT_DOMAINS, blktest);
