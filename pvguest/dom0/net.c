/*
 * dom0's own network interface and its commands.
 *
 * dom0 is a station on its own bridge, like Linux's xenbr0 device: its
 * interface is a port of netback's bridge (netback_bridge()), so frames
 * dom0 sends go to bridge_input and frames the bridge sends to dom0's
 * port go straight to net_input.  Its address comes from dom0's command
 * line (ip=a.b.c.d, default 10.0.2.15, the address QEMU's user network
 * expects), on a /24 with the gateway at .2.  Its MAC is
 * 00:16:3e:00:00:00 (domain 0, device 0 in the vif MAC scheme).
 *
 * Commands: ping (pvguest/net/ping.c), net (addresses, counters, vifs
 * and bridge ports), net wait <domid> <seconds> which waits for a
 * domain to write data/net-done (the QEMU test's way of sequencing), and
 * the bench's UDP stream and sink (net udp, net sink).
 */
#include "init.h"
#include "shell/shell.h"
#include <back/netback.h>
#include <core/kernel.h>
#include <core/sched.h>
#include <net/bridge.h>
#include <net/net.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xenbus/guest.h>

#define DOM0_IP_DEFAULT 0x0a00020fu /* 10.0.2.15 */
#define WAIT_STEP_NS	(50ULL * 1000000ULL)
#define NET_BENCH_PORT	5001

static struct netif dom0_if;
static struct bridge_port dom0_port = {.name = "dom0"};

static int to_bridge(struct netif *nif, const void *frame, size_t len)
{
	(void)nif;
	bridge_input(netback_bridge(), &dom0_port, frame, len, clock_now_ns());
	return 0;
}

static int from_bridge(struct bridge_port *p, const void *frame, size_t len)
{
	(void)p;
	net_input(&dom0_if, frame, len);
	return 0;
}

/* ip=a.b.c.d as a word of dom0's command line. */
static uint32_t cmdline_ip(void)
{
	const char *c = (const char *)start_info->cmd_line, *p = c;
	char word[20];
	uint32_t ip;

	while ((p = strstr(p, "ip=")) != NULL) {
		if (p == c || p[-1] == ' ') {
			size_t n = strcspn(p + 3, " ");
			if (n < sizeof(word)) {
				memcpy(word, p + 3, n);
				word[n] = '\0';
				if (ip_parse(word, &ip) == 0)
					return ip;
			}
			printf("net: bad ip= on the command line, using 10.0.2.15\n");
			break;
		}
		p += 3;
	}
	return DOM0_IP_DEFAULT;
}

static int dom0_net_init(void)
{
	static const uint8_t mac[ETH_ALEN] = {0x00, 0x16, 0x3e, 0, 0, 0};
	uint32_t ip = cmdline_ip();
	char buf[16];

	net_glue_init(&dom0_if);
	dom0_if.output = to_bridge;
	netif_init(&dom0_if, "xenbr0", mac, ip, 0xffffff00u, (ip & 0xffffff00u) | 2);
	dom0_port.send = from_bridge;
	int rc = bridge_add_port(netback_bridge(), &dom0_port);
	printk("net: dom0 is %s on xenbr0\n", ip_format(ip, buf));
	return rc;
}
DOM0_INITCALL(DOM0_INIT_BACKEND, dom0_net_init);

static int cmd_ping(int argc, char **argv)
{
	return net_ping_cmd(&dom0_if, argc, argv);
}
DOM0_COMMAND("ping", cmd_ping, "[-c count] [-s size] [-w seconds] [-q] a.b.c.d: ICMP echo");

/* net wait <domid> <seconds>: until the domain writes data/net-done. */
static int net_wait(int argc, char **argv)
{
	char path[48], buf[16];
	char *end1, *end2;
	unsigned long id = argc == 4 ? strtoul(argv[2], &end1, 10) : 0;
	unsigned long s = argc == 4 ? strtoul(argv[3], &end2, 10) : 0;

	if (argc != 4 || *end1 || *end2 || !id || id >= DOMID_FIRST_RESERVED || s > 600) {
		printf("usage: net wait <domid> <seconds>\n");
		return 2;
	}
	snprintf(path, sizeof(path), "/local/domain/%lu/data/net-done", id);
	uint64_t deadline = clock_now_ns() + s * 1000000000ULL;
	while (xenbus_read(xenbus_self(), 0, path, buf, sizeof(buf)) < 0) {
		if (clock_now_ns() >= deadline) {
			printf("net wait: domain %lu did not finish in %lu s\n", id, s);
			return 1;
		}
		thread_sleep_ns(WAIT_STEP_NS);
	}
	printf("net wait: domain %lu says %s\n", id, buf);
	return strcmp(buf, "ok") != 0;
}

/* net udp a.b.c.d <count> <size>: the bench's stream to port NET_BENCH_PORT. */
static int net_udp(int argc, char **argv)
{
	uint32_t dst;
	char *e1 = "", *e2 = "";
	unsigned long n = argc == 5 ? strtoul(argv[3], &e1, 10) : 0;
	unsigned long size = argc == 5 ? strtoul(argv[4], &e2, 10) : 0;

	if (argc != 5 || ip_parse(argv[2], &dst) || *e1 || *e2 || !n || n > 1000000 || size < 4 ||
	    size > UDP_MAX) {
		printf("usage: net udp a.b.c.d <count> <size 4..%d>\n", UDP_MAX);
		return 2;
	}
	return net_udp_stream(&dom0_if, dst, NET_BENCH_PORT, (unsigned int)n, size) != 0;
}

static int cmd_net(int argc, char **argv)
{
	const struct net_stats *s = &dom0_if.stats;
	const uint8_t *m = dom0_if.mac;
	char buf[16];

	if (argc > 1 && strcmp(argv[1], "wait") == 0)
		return net_wait(argc, argv);
	if (argc > 1 && strcmp(argv[1], "udp") == 0)
		return net_udp(argc, argv);
	if (argc == 2 && strcmp(argv[1], "sink") == 0)
		return net_udp_sink(&dom0_if, NET_BENCH_PORT) != 0;
	if (argc > 1) {
		printf("usage: net [wait <domid> <seconds> | udp a.b.c.d <count> <size> | sink]\n");
		return 2;
	}
	printf("dom0 %s mac %02x:%02x:%02x:%02x:%02x:%02x: rx %lu, tx %lu, dropped %lu, "
	       "bad checksums %lu, echo requests %lu, replies %lu\n",
	       ip_format(dom0_if.ip, buf), m[0], m[1], m[2], m[3], m[4], m[5], s->rx, s->tx,
	       s->dropped, s->bad_csum, s->echo_requests, s->echo_replies);
	netback_show();
	printf("vifs: %u, connected %u\n", netback_count(false), netback_count(true));
	return 0;
}
DOM0_COMMAND("net", cmd_net,
	     "[wait <domid> <s> | udp a.b.c.d <count> <size> | sink]: addresses, vifs, ports");
