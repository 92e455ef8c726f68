/*
 * The network program of a domU (command line "domU net [actions]"),
 * run by tests/scenarios/net.sh and the net bench: it connects netfront
 * to the vif the toolstack gave it (hx create ... vif=ip=...), brings up
 * the IP stack on eth0 with the address from the backend's "ip" key,
 * and then does its actions in order:
 *
 *   ping=A.B.C.D    ping until the first reply (up to 60 s: the peer may
 *                   still be booting), then 3 counted pings: "ok - ..."
 *   flood=A.B.C.D   ping A.B.C.D without pause and without end (traffic
 *                   for a test that destroys this domain mid-I/O)
 *   lat=A.B.C.D     the bench: 50 quiet pings, "net: rtt to A avg N ns"
 *   udp=A.B.C.D     the bench: a stream of 2000 UDP datagrams of 1400
 *                   bytes to port 5001 of A.B.C.D
 *   sink            count UDP arriving on port 5001 (net_udp_sink)
 *   exit            power off (otherwise the domain stays up, answering)
 *
 * After the ping= actions it writes data/net-done ("ok" or "fail") for
 * dom0's `net wait`.
 */
#include <core/device.h>
#include <core/kernel.h>
#include <core/sched.h>
#include <front/netfront.h>
#include <net/net.h>
#include <stdio.h>
#include <string.h>
#include <xenbus/guest.h>

#define PROBE_NS      (30ULL * 1000000000ULL)
#define FIRST_WAIT_NS (60ULL * 1000000000ULL)
#define PING_NS	      (2ULL * 1000000000ULL)
#define IDLE_NS	      (1000ULL * 1000000000ULL)
#define BENCH_PINGS   50
#define BENCH_PORT    5001

static struct netif nif;

static int bring_up(struct xenbus *xb, int self)
{
	if (netfront_probe_all(xb, (uint16_t)self, PROBE_NS) < 1) {
		printf("not ok - net eth0: no vif came up\n");
		return 1;
	}
	struct device *dev = device_find("eth0");
	struct netfront_dev *d = netfront_of(dev);
	char ip[16];
	if (!d || !d->ip || net_attach_device(&nif, dev)) {
		printf("not ok - net eth0: no address (the backend's ip key)\n");
		return 1;
	}
	netif_init(&nif, "eth0", d->nf.mac, d->ip, 0xffffff00u, (d->ip & 0xffffff00u) | 2);
	printf("ok - net eth0 up as %s\n", ip_format(d->ip, ip));
	return 0;
}

static int ping_action(const char *target)
{
	struct ping_stats st;
	uint32_t dst;
	if (ip_parse(target, &dst)) {
		printf("not ok - net ping %s: not an address\n", target);
		return 1;
	}
	int rc = net_ping(&nif, dst, 3, 56, PING_NS, FIRST_WAIT_NS, true, &st);
	printf("%s - net ping %s: %u/%u replies, rtt max %llu us\n", rc ? "not ok" : "ok", target,
	       st.received, st.sent, (unsigned long long)(st.max_ns / 1000));
	return rc;
}

static void flood(const char *target)
{
	struct ping_stats st;
	uint32_t dst;
	if (ip_parse(target, &dst))
		return;
	printf("net: flooding %s until destroyed\n", target);
	for (;;)
		net_ping(&nif, dst, 100, 1000, PING_NS, 0, true, &st);
}

static void latency(const char *target)
{
	struct ping_stats st;
	uint32_t dst;
	if (ip_parse(target, &dst) || net_ping(&nif, dst, BENCH_PINGS, 56, PING_NS, 0, true, &st) ||
	    !st.received)
		printf("net: rtt to %s: lost pings\n", target);
	else
		printf("net: rtt to %s avg %llu ns\n", target,
		       (unsigned long long)(st.sum_ns / st.received));
}

static void stream(const char *target)
{
	uint32_t dst;
	if (ip_parse(target, &dst) || net_udp_stream(&nif, dst, BENCH_PORT, 2000, 1400))
		printf("net: udp stream to %s failed\n", target);
}

static void report(struct xenbus *xb, int self, int failures)
{
	char path[48];
	snprintf(path, sizeof(path), "/local/domain/%d/data/net-done", self);
	if (xenbus_write(xb, 0, path, failures ? "fail" : "ok"))
		printf("net: cannot write %s\n", path);
}

int net_main(int argc, char **argv)
{
	struct xenbus *xb = xenbus_self();
	int self = xenbus_self_domid(), failures = 0;
	if (!xb || self <= 0) {
		printf("not ok - net: no XenStore\n");
		return 1;
	}
	if (bring_up(xb, self)) {
		report(xb, self, 1);
		return 1;
	}
	for (int i = 1; i < argc; i++) {
		if (strncmp(argv[i], "ping=", 5) == 0)
			failures += ping_action(argv[i] + 5);
		else if (strncmp(argv[i], "flood=", 6) == 0)
			report(xb, self, failures), flood(argv[i] + 6);
		else if (strncmp(argv[i], "lat=", 4) == 0)
			latency(argv[i] + 4);
		else if (strncmp(argv[i], "udp=", 4) == 0)
			stream(argv[i] + 4);
		else if (strcmp(argv[i], "sink") == 0)
			failures += net_udp_sink(&nif, BENCH_PORT) != 0;
		else if (strcmp(argv[i], "exit") == 0)
			return failures != 0;
		else
			printf("net: unknown action %s\n", argv[i]);
	}
	report(xb, self, failures);
	for (;;)
		thread_sleep_ns(IDLE_NS);
}
