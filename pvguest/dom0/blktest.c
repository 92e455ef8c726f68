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
 * last), and the count matches what the domain says it wrote, and 32
 * blocks read in one vectored call (block_rw_vec: on the AHCI disk all in
 * flight as NCQ commands) match single reads of them.  Then it
 * removes the disk, releases the domain, checks blkback holds nothing,
 * and powers off (the QEMU verdict with selftest=guest).
 *
 * "blkkill=<spec>": a second domain (2, another "domU blk" module) gets
 * its own xvda on <spec> and is destroyed in the middle of its I/O, once
 * blkback has served it VICTIM_REQUESTS requests.  Then dom0 checks that
 * the backend let go of it by itself (the vbd disconnected when
 * xenstored removed the dead domain's nodes), that dom0 holds no mapping
 * of its grants any more (XEN_DOMCTL_hospes_grantinfo, the hypervisor's
 * own count) and that the domain is gone altogether; domain 1 carries on
 * with its test meanwhile and must still pass, and at the end dom0 holds
 * exactly the mappings of domain 1's grants it held before the test.
 *
 * "pollcheck=on|off": the hypervisor's halt polling (halt_poll=, kernel/
 * sched/halt_poll.c) as every CPU's counters show it over domain 1's run.
 * With "on" (polling enabled, dom0 and domain 1 pinned to CPUs of their
 * own) some idle periods spin, some end by a wake-up inside the spin, and
 * some wake-ups of a polling CPU go without an IPI; with "off"
 * (halt_poll=0) nothing spins and every cross-CPU wake-up is an IPI.
 *
 * "blkbench" (with "domU blk bench"): the block benchmark (blkbench.c).
 * dom0 times its own reads of the window, then domain 1 times the same
 * reads through blkfront while dom0 samples the machine's idle time at
 * its phase marks; dom0 prints both sides' figures and their ratios as
 * "bench blk_ahci_..." lines (tests/bench/blk.sh).  "blkmarks" also prints
 * each phase mark as it is taken (scripts/qemu-perf-blk.py cuts its
 * profile of QEMU there).
 *
 * "frontpersist=0|1": what domain 1's connection must show of persistent
 * grants, from dom0's side.  With 0 (domain 1 booted with
 * `blkfront.feature_persistent=0`) its frontend, once blkback reports
 * it connected, has written ring-ref but no feature-persistent key, and
 * at the end blkback has mapped its pages per batch on the DMA path and
 * kept none; with 1 the key is "1" and blkback kept mappings.
 *
 * "frontcpus=<cpus>" (hx's CPU lists: 1, 0-1, all): before anything else,
 * domain 1's vCPU 0 is pinned to those CPUs, as `hx vcpu-pin 1 0 <cpus>`
 * would do; with dom0_vcpus_pin on the hypervisor's line this is Xen's
 * usual layout, dom0 on its own CPU (tests/bench/blk.sh, blk_ahci_smp2).
 */
#include "blkbench.h"
#include "hx/args.h"
#include "hx/ctl.h"
#include "init.h"
#include "xenstored/xenstored.h"
#include <asm/hypercall.h>
#include <back/blkback.h>
#include <back/ramdisk.h>
#include <core/blktime.h>
#include <core/device.h>
#include <core/gnttab.h>
#include <core/kernel.h>
#include <core/sched.h>
#include <malloc.h>
#include <public/domctl.h>
#include <public/errno.h>
#include <public/sched.h>
#include <stdio.h>
#include <string.h>
#include <xenbus/guest.h>

#define FRONT		1
#define VICTIM		2
#define XVDA		51712
#define STORE_PORT	1 /* the hypervisor's builder allocates it first */
#define VICTIM_REQUESTS 200
#define BENCH_RANDOM	500 /* as pvguest/apps/blk: the same random reads */
#define DISK_MIB	32
#define POLL_NS		(50ULL * 1000 * 1000)
#define POLL_MAX	2400 /* x 50 ms */

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

/* The value of key= on dom0's command line (up to a blank), or dflt. */
static const char *cmdline_value(const char *key, char *buf, size_t size, const char *dflt)
{
	const char *arg = strstr((const char *)start_info->cmd_line, key);

	if (!arg)
		return dflt;
	snprintf(buf, size, "%s", arg + strlen(key));
	buf[strcspn(buf, " ")] = '\0';
	return buf;
}

static long domctl(uint32_t cmd, domid_t dom, struct xen_domctl *op)
{
	op->cmd = cmd;
	op->interface_version = XEN_DOMCTL_INTERFACE_VERSION;
	op->domain = dom;
	return hypercall(__HYPERVISOR_domctl, op, 0, 0);
}

/* Mappings dom0 holds of peer's grants (the hypervisor's count), or -1. */
static long maps_of(domid_t peer)
{
	struct xen_domctl op = {.u.hospes_grantinfo.peer = peer};

	return domctl(XEN_DOMCTL_hospes_grantinfo, 0, &op) ? -1L : (long)op.u.hospes_grantinfo.maps;
}

/* Polls cond() every 10 ms, at most tries times; whether it came true. */
static bool wait_until(bool (*cond)(void), int tries)
{
	for (int i = 0; i < tries; i++) {
		if (cond())
			return true;
		thread_sleep_ns(POLL_NS / 5);
	}
	return false;
}

static bool victim_busy(void)
{
	struct blkback_stats st;
	bool connected;

	return blkback_stats_of(VICTIM, XVDA, &st, &connected) && st.requests >= VICTIM_REQUESTS;
}

static bool victim_let_go(void)
{
	struct blkback_stats st;
	bool connected = true;

	blkback_stats_of(VICTIM, XVDA, &st, &connected);
	return !connected && maps_of(VICTIM) == 0;
}

static bool victim_gone(void)
{
	struct xen_domctl op = {0};
	long rc = domctl(XEN_DOMCTL_getdomaininfo, VICTIM, &op);

	return rc == -XEN_ESRCH || (rc == 0 && op.domain != VICTIM);
}

/* Domain 2 is destroyed while its I/O is in flight; blkback and the grant
 * tables must be clean of it afterwards, by themselves. */
static void kill_victim(struct xenbus *xb, const char *spec)
{
	struct blkback_stats st;
	struct xen_domctl op = {0};
	bool connected;

	check(make_home(xb, VICTIM) == 0, "d2 has a home");
	check(xs_introduce_domain(VICTIM, 0, STORE_PORT) == 0, "d2 introduced");
	check(blkback_attach(xb, VICTIM, XVDA, spec) == 0, "xvda of d2 attached");
	check(wait_until(victim_busy, 6000), "d2 is in the middle of its I/O");
	long held = maps_of(VICTIM);
	check(domctl(XEN_DOMCTL_destroydomain, VICTIM, &op) == 0, "d2 destroyed mid-I/O");
	blkback_stats_of(VICTIM, XVDA, &st, &connected);
	printf("blktest: d2 destroyed after %lu requests; dom0 held %ld mappings of its grants\n",
	       st.requests, held);
	check(held > 0 && wait_until(victim_let_go, 2000),
	      "blkback let go of d2 by itself; dom0 holds no mapping of d2's grants");
	check(wait_until(victim_gone, 2000), "d2 is gone altogether (nothing holds it)");
	check(blkback_detach(VICTIM, XVDA) == 0, "d2's vbd removed");
}

static bool front_connected(void)
{
	struct blkback_stats st;
	bool connected = false;

	return blkback_stats_of(FRONT, XVDA, &st, &connected) && connected;
}

/* frontpersist=: d1's frontend keys, read while blkback has it connected. */
static void check_front_keys(struct xenbus *xb, bool persist)
{
	char ring[16], fp[16];

	check(wait_until(front_connected, 6000), "d1's vbd connected");
	int r = xenbus_read(xb, 0, "/local/domain/1/device/vbd/51712/ring-ref", ring, sizeof(ring));
	int f = xenbus_read(xb, 0, "/local/domain/1/device/vbd/51712/feature-persistent", fp,
			    sizeof(fp));
	printf("blktest: d1's frontend: ring-ref %s, feature-persistent %s\n", r > 0 ? ring : "-",
	       f > 0 ? fp : "absent");
	if (persist)
		check(r > 0 && f > 0 && !strcmp(fp, "1"),
		      "frontpersist=1: d1's frontend wrote feature-persistent 1");
	else
		check(r > 0 && f < 0,
		      "frontpersist=0: d1's frontend wrote no feature-persistent key");
}

/* frontpersist=: what blkback's counters say of d1's mappings, before the detach. */
static void check_back_mappings(bool persist)
{
	struct blkback_stats st = {0};
	bool connected;
	bool found = blkback_stats_of(FRONT, XVDA, &st, &connected);

	printf("blktest: d1's vbd: %lu requests, %lu DMA segments, %lu mappings kept, %lu hits on "
	       "them, %lu indirect pages kept\n",
	       st.requests, st.dma_segs, st.pgnt_kept, st.pgnt_hits, st.ind_kept);
	if (persist)
		check(found && st.dma_segs > 0 && st.pgnt_kept > 0 && st.pgnt_hits > 0,
		      "frontpersist=1: blkback kept mappings of d1's pages");
	else
		check(found && st.dma_segs > 0 && st.pgnt_kept == 0 && st.pgnt_hits == 0 &&
			      st.ind_kept == 0,
		      "frontpersist=0: blkback mapped d1's pages per batch and kept none");
}

/* After d1's test: dom0 scans the window itself. */
static void check_blocks(struct xenbus *xb, struct device *disk, const struct disk_spec *ds,
			 uint64_t sectors, const char *spec)
{
	unsigned long reported = 0, bad = 0;

	check(xenbus_read_ulong(xb, 0, "/local/domain/1/data/blocks", &reported) == 0,
	      "d1 reports how many blocks it wrote");
	unsigned long found = disk ? scan_disk(disk, ds->first, sectors, &bad) : 0;
	printf("blktest: d1 wrote %lu blocks, dom0 finds %lu valid, %lu bad on %s\n", reported,
	       found, bad, spec);
	check(found == reported && bad == 0 && found > 0,
	      "dom0 finds every block d1 wrote, intact, and nothing else");
	check(disk && blk_check_vec(disk, ds->first, sectors, 32) == 0,
	      "32 blocks of the window read in one vectored call match single reads");
}

/* frontcpus=<cpus>: pin domain 1's vCPU 0 there (and say where it is). */
static void pin_front(const char *cpus)
{
	uint64_t mask = 0;

	check(hx_parse_cpus(cpus, &mask) == 0, "frontcpus= is a CPU list");
	long rc = hx_vcpu_affinity(FRONT, XEN_DOMCTL_setvcpuaffinity, 0, &mask);
	check(rc == 0, "d1's vCPU 0 pinned");
	mask = 0;
	rc = hx_vcpu_affinity(FRONT, XEN_DOMCTL_getvcpuaffinity, 0, &mask);
	printf("blktest: d1 vCPU 0 pinned to CPUs %s (mask %#llx, error %ld)\n", cpus,
	       (unsigned long long)mask, rc);
}

/* pollcheck=on|off: what the counters say of halt polling between a and b. */
static void check_polling(const char *want, const struct hospes_cpustat *a, bool ok)
{
	struct hospes_cpustat b;
	unsigned int cpus;

	ok = ok && hx_cpustat(&b, &cpus) == 0;
	uint64_t polls = b.polls - a->polls, hits = b.poll_hits - a->poll_hits;
	uint64_t ipis = b.sched_ipis - a->sched_ipis;
	uint64_t saved = b.sched_ipis_saved - a->sched_ipis_saved;
	printf("blktest: halt polling: %llu polls, %llu ended by a wake-up, %llu wake-up IPIs, "
	       "%llu saved, %llu halts\n",
	       (unsigned long long)polls, (unsigned long long)hits, (unsigned long long)ipis,
	       (unsigned long long)saved, (unsigned long long)(b.halts - a->halts));
	if (!strcmp(want, "on"))
		check(ok && polls > 0 && hits > 0 && saved > 0,
		      "halt polling: idle CPUs spin, and a wake-up of a spinning CPU sends no IPI");
	else
		check(ok && polls == 0 && saved == 0 && ipis > 0,
		      "halt_poll=0: no CPU spins, every wake-up of another CPU is an IPI");
}

static int blktest(void)
{
	struct xenbus *xb = xenbus_self();
	char buf[48], vbuf[48], val[16];
	const char *spec = cmdline_value("blktest=", buf, sizeof(buf), "ram0");
	const char *victim = cmdline_value("blkkill=", vbuf, sizeof(vbuf), NULL);
	char cbuf[24];
	const char *front_cpus = cmdline_value("frontcpus=", cbuf, sizeof(cbuf), NULL);
	char pbuf[8];
	const char *pollcheck = cmdline_value("pollcheck=", pbuf, sizeof(pbuf), NULL);
	char fbuf[4];
	const char *persist = cmdline_value("frontpersist=", fbuf, sizeof(fbuf), NULL);
	struct hospes_cpustat polls_before;
	unsigned int cpus;
	bool benchmark = strstr((const char *)start_info->cmd_line, "blkbench") != NULL;
	struct disk_spec ds;
	static struct blkbench bench;

	if (!strstr((const char *)start_info->cmd_line, "blktest"))
		return 0;
	if (front_cpus)
		pin_front(front_cpus);
	bool polls_ok = pollcheck && hx_cpustat(&polls_before, &cpus) == 0;
	long maps_before = maps_of(FRONT);
	if (!xb)
		return -XEN_ENODEV;
	if (!strcmp(spec, "ram0")) {
		struct device *ram = ramdisk_create("ram0", (uint64_t)DISK_MIB << 20);
		check(ram && device_register(ram) == 0, "RAM disk ram0");
	}
	check(blkback_parse_spec(spec, &ds) == 0, "disk spec");
	struct device *disk = device_find(ds.device);
	check(disk && disk->block, "backing device in the device table");
	if (!disk || !disk->block)
		disk = NULL;
	uint64_t sectors = ds.sectors ? ds.sectors : (disk ? disk->sectors - ds.first : 0);
	blkbench_print_marks = strstr((const char *)start_info->cmd_line, "blkmarks") != NULL;
	if (benchmark)
		check(disk && blkbench_own(&bench, disk, ds.first, sectors, BENCH_RANDOM) == 0,
		      "dom0 times its own reads of the window");
	check(make_home(xb, FRONT) == 0, "d1 has a home");
	check(xs_introduce_domain(FRONT, 0, STORE_PORT) == 0, "d1 introduced");
	check(blkback_attach(xb, FRONT, XVDA, spec) == 0, "xvda of d1 attached");
	if (persist)
		check_front_keys(xb, !strcmp(persist, "1"));
	if (victim)
		kill_victim(xb, victim);
	if (benchmark)
		check(blkbench_serve_front(&bench, xb, FRONT, XVDA), "d1's phase marks answered");
	wait_result(xb, val, sizeof(val));
	check(!strcmp(val, "pass"), "d1 reports pass");
	if (pollcheck)
		check_polling(pollcheck, &polls_before, polls_ok);
	if (benchmark)
		check(blkbench_report(&bench, xb, FRONT),
		      "d1 reports its timings of the same reads");
	else
		check_blocks(xb, disk, &ds, sectors, spec);
	if (persist)
		check_back_mappings(!strcmp(persist, "1"));
	check(!disk || !disk->block->flush || disk->block->flush(disk) == 0, "disk flushed");
	check(blkback_detach(FRONT, XVDA) == 0 && blkback_count(false) == 0,
	      "disk removed, blkback holds nothing");
	check(xs_release_domain(FRONT) == 0, "d1 released");
	long maps_after = maps_of(FRONT);
	printf("blktest: dom0 maps of d1's grants: %ld before, %ld after\n", maps_before,
	       maps_after);
	check(maps_before >= 0 && maps_after == maps_before,
	      "dom0 holds no more mappings of d1's grants than before");
	printf("blktest: %d failure(s)\n", failures);
	fflush(stdout);
	kernel_shutdown(failures ? SHUTDOWN_crash : SHUTDOWN_poweroff);
}
DOM0_INITCALL(DOM0_INIT_DOMAINS, blktest);
