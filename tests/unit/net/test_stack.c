/*
 * The IP stack and the learning bridge on the host: two interfaces
 * joined by a bridge (and a third "wire" port that records what was
 * flooded to it), with a clock the tests move.  ARP resolution and its
 * parked datagram, echo request/reply both ways, UDP delivery and
 * checksums, and hostile frames (short, bad checksums, fragments,
 * options, bad lengths) that are dropped and counted, never read past
 * their end.  The bridge: learning, forwarding, flooding, no echo to
 * the source port, ageing, port removal.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <errno.h>
#include <net/bridge.h>
#include <net/net.h>

static uint64_t now_ns;
static uint64_t clock_fn(void)
{
	return now_ns;
}

static struct bridge br;
static struct netif a, b;
static struct bridge_port pa, pb, wire;
static unsigned long wire_frames;
static uint8_t last_wire[ETH_FRAME_MAX];
static size_t last_wire_len;

static int nif_output(struct netif *nif, const void *frame, size_t len)
{
	bridge_input(&br, nif->priv, frame, len, now_ns);
	return 0;
}

static int port_to_nif(struct bridge_port *p, const void *frame, size_t len)
{
	net_input(p->priv, frame, len);
	return 0;
}

static int wire_send(struct bridge_port *p, const void *frame, size_t len)
{
	(void)p;
	wire_frames++;
	memcpy(last_wire, frame, len);
	last_wire_len = len;
	return 0;
}

static const uint8_t mac_a[6] = {0x00, 0x16, 0x3e, 0, 1, 0};
static const uint8_t mac_b[6] = {0x00, 0x16, 0x3e, 0, 2, 0};
#define IP_A 0x0a00020fu /* 10.0.2.15 */
#define IP_B 0x0a000210u /* 10.0.2.16 */
#define GW   0x0a000202u

static void join(struct netif *n, struct bridge_port *p, const char *name, const uint8_t *mac,
		 uint32_t ip)
{
	n->output = nif_output;
	n->now = clock_fn;
	n->notify = NULL;
	n->priv = p;
	netif_init(n, name, mac, ip, 0xffffff00u, GW);
	*p = (struct bridge_port){.name = name, .send = port_to_nif, .priv = n};
	assert_int_equal(bridge_add_port(&br, p), 0);
}

static int setup(void **state)
{
	(void)state;
	now_ns = 1000;
	memset(&br, 0, sizeof(br));
	join(&a, &pa, "a", mac_a, IP_A);
	join(&b, &pb, "b", mac_b, IP_B);
	wire = (struct bridge_port){.name = "wire", .send = wire_send};
	assert_int_equal(bridge_add_port(&br, &wire), 0);
	wire_frames = 0;
	return 0;
}

static void test_checksum_and_parse(void **state)
{
	(void)state;
	/* RFC 1071's example words 0001 f203 f4f5 f6f7 sum to ddf2; ~ = 220d. */
	const uint8_t w[] = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
	assert_int_equal(ip_checksum(w, sizeof(w), 0), 0x220d);
	uint8_t odd[3] = {0x01, 0x02, 0x03};
	assert_int_equal(ip_checksum(odd, 3, 0), (uint16_t) ~(0x0102 + 0x0300));
	uint32_t ip;
	assert_int_equal(ip_parse("10.0.2.15", &ip), 0);
	assert_int_equal(ip, IP_A);
	assert_int_equal(ip_parse("10.0.2.256", &ip), -EINVAL);
	assert_int_equal(ip_parse("10.0.2", &ip), -EINVAL);
	assert_int_equal(ip_parse("10.0.2.1x", &ip), -EINVAL);
	char buf[16];
	assert_string_equal(ip_format(IP_B, buf), "10.0.2.16");
	uint8_t mac[6];
	assert_int_equal(mac_parse("00:16:3e:0a:0B:ff", mac), 0);
	assert_int_equal(mac[4], 0x0b);
	assert_int_equal(mac_parse("00:16:3e:0a:0b", mac), -EINVAL);
	assert_int_equal(mac_parse("00:16:3e:0a:0b:ff:", mac), -EINVAL);
}

static void test_ping_resolves_and_replies(void **state)
{
	(void)state;
	assert_int_equal(icmp_echo_send(&a, IP_B, 7, 1, 56), 0);
	/* ARP request flooded (wire saw it), reply released the parked echo. */
	assert_int_equal(a.stats.arp_requests, 1);
	assert_int_equal(b.stats.arp_replies, 1);
	assert_int_equal(b.stats.echo_requests, 1);
	assert_true(icmp_echo_seen(&a, IP_B, 7, 1, NULL));
	assert_false(icmp_echo_seen(&a, IP_B, 7, 2, NULL));
	assert_int_equal(a.parked_len, 0);
	unsigned long flooded = wire_frames;
	/* Both MACs are learnt now: the next echo goes port to port only. */
	assert_int_equal(icmp_echo_send(&a, IP_B, 7, 2, 1000), 0);
	assert_true(icmp_echo_seen(&a, IP_B, 7, 2, NULL));
	assert_int_equal(wire_frames, flooded);
	assert_int_equal(a.stats.arp_requests, 1);
	/* b learnt a from the request: it pings back without ARP. */
	assert_int_equal(icmp_echo_send(&b, IP_A, 9, 1, 0), 0);
	assert_true(icmp_echo_seen(&b, IP_A, 9, 1, NULL));
	assert_int_equal(b.stats.arp_requests, 0);
	assert_int_equal(icmp_echo_send(&a, IP_B, 7, 3, 1473), -EMSGSIZE);
}

static void test_gateway_route_and_arp_expiry(void **state)
{
	(void)state;
	assert_int_equal(icmp_echo_send(&a, 0x08080808u, 1, 1, 8), 0);
	/* Nobody answers for the gateway: the request went out on the wire. */
	assert_int_equal(net_get16(last_wire + 12), ETH_P_ARP);
	assert_int_equal(net_get32(last_wire + ETH_HLEN + 24), GW);
	assert_int_equal(a.parked_len, ETH_HLEN + IP_HLEN + ICMP_HLEN + 8);
	/* An unanswered parked datagram is dropped after ARP_RETRY_NS. */
	now_ns += ARP_RETRY_NS + 1;
	uint8_t junk[ETH_HLEN] = {0};
	net_input(&a, junk, sizeof(junk));
	assert_int_equal(a.parked_len, 0);
	/* ARP entries expire. */
	arp_learn(&a, IP_B, mac_b);
	assert_non_null(arp_lookup(&a, IP_B));
	now_ns += ARP_TTL_NS;
	assert_null(arp_lookup(&a, IP_B));
	struct netif off = a;
	off.gateway = 0;
	assert_int_equal(ip_send(&off, 0x08080808u, IP_PROTO_UDP, "x", 1), -ENETUNREACH);
}

struct udp_seen {
	unsigned int calls;
	uint32_t src;
	uint16_t sport;
	char data[64];
	size_t len;
};

static void udp_rx(struct netif *nif, uint32_t src, uint16_t sport, const uint8_t *data, size_t len,
		   void *arg)
{
	struct udp_seen *s = arg;
	(void)nif;
	s->calls++;
	s->src = src;
	s->sport = sport;
	s->len = len < sizeof(s->data) ? len : sizeof(s->data);
	memcpy(s->data, data, s->len);
}

static void test_udp(void **state)
{
	(void)state;
	struct udp_seen seen = {0};
	assert_int_equal(udp_bind(&b, 5001, udp_rx, &seen), 0);
	assert_int_equal(udp_bind(&b, 5001, udp_rx, &seen), -EADDRINUSE);
	assert_int_equal(udp_bind(&b, 0, udp_rx, &seen), -EINVAL);
	assert_int_equal(udp_send(&a, IP_B, 4000, 5001, "hello", 5), 0);
	assert_int_equal(seen.calls, 1);
	assert_int_equal(seen.src, IP_A);
	assert_int_equal(seen.sport, 4000);
	assert_int_equal(seen.len, 5);
	assert_memory_equal(seen.data, "hello", 5);
	assert_int_equal(udp_send(&a, IP_B, 4000, 5002, "x", 1), 0);
	assert_int_equal(b.stats.udp_no_port, 1);
	udp_unbind(&b, 5001);
	assert_int_equal(udp_send(&a, IP_B, 4000, 5001, "x", 1), 0);
	assert_int_equal(seen.calls, 1);
	assert_int_equal(udp_send(&a, IP_B, 1, 2, last_wire, UDP_MAX + 1), -EMSGSIZE);
	for (uint16_t p = 1; p <= UDP_BINDS; p++)
		assert_int_equal(udp_bind(&b, p, udp_rx, &seen), 0);
	assert_int_equal(udp_bind(&b, 99, udp_rx, &seen), -ENOSPC);
}

/* An echo request from a to b built by hand, for corrupting. */
static size_t echo_frame(uint8_t *f)
{
	uint8_t *ip = f + ETH_HLEN, *m = ip + IP_HLEN;
	memset(f, 0, ETH_FRAME_MAX);
	memcpy(f, mac_b, 6);
	memcpy(f + 6, mac_a, 6);
	net_put16(f + 12, ETH_P_IP);
	ip[0] = 0x45;
	net_put16(ip + 2, IP_HLEN + ICMP_HLEN + 4);
	ip[8] = 64;
	ip[9] = IP_PROTO_ICMP;
	net_put32(ip + 12, IP_A);
	net_put32(ip + 16, IP_B);
	net_put16(ip + 10, ip_checksum(ip, IP_HLEN, 0));
	m[0] = 8;
	net_put16(m + 4, 3);
	net_put16(m + 6, 4);
	net_put16(m + 2, ip_checksum(m, ICMP_HLEN + 4, 0));
	return ETH_HLEN + IP_HLEN + ICMP_HLEN + 4;
}

static void fix_ip_sum(uint8_t *f)
{
	net_put16(f + ETH_HLEN + 10, 0);
	net_put16(f + ETH_HLEN + 10, ip_checksum(f + ETH_HLEN, IP_HLEN, 0));
}

static void test_hostile_frames(void **state)
{
	(void)state;
	uint8_t f[ETH_FRAME_MAX];
	arp_learn(&b, IP_A, mac_a);
	size_t n = echo_frame(f);
	net_input(&b, f, n);
	assert_int_equal(b.stats.echo_requests, 1); /* the good one is answered */
	for (size_t len = 0; len < n; len++)	    /* every truncation: dropped */
		net_input(&b, f, len);
	assert_int_equal(b.stats.echo_requests, 1);
	n = echo_frame(f);
	f[ETH_HLEN + 10] ^= 1; /* IP checksum */
	net_input(&b, f, n);
	n = echo_frame(f);
	f[ETH_HLEN + IP_HLEN + 8] ^= 1; /* ICMP checksum */
	net_input(&b, f, n);
	n = echo_frame(f);
	net_put16(f + ETH_HLEN + 6, 0x2000); /* more fragments */
	fix_ip_sum(f);
	net_input(&b, f, n);
	n = echo_frame(f);
	f[ETH_HLEN] = 0x46; /* options */
	fix_ip_sum(f);
	net_input(&b, f, n);
	n = echo_frame(f);
	net_put16(f + ETH_HLEN + 2, 600); /* longer than the frame */
	fix_ip_sum(f);
	net_input(&b, f, n);
	n = echo_frame(f);
	net_put16(f + ETH_HLEN + 2, 10); /* shorter than its header */
	fix_ip_sum(f);
	net_input(&b, f, n);
	n = echo_frame(f);
	net_put32(f + ETH_HLEN + 16, IP_A); /* not for b */
	fix_ip_sum(f);
	net_input(&b, f, n);
	assert_int_equal(b.stats.echo_requests, 1);
	assert_int_equal(b.stats.bad_csum, 2);
	/* A UDP length past the datagram; ARP from a multicast sender. */
	n = echo_frame(f);
	f[ETH_HLEN + 9] = IP_PROTO_UDP;
	fix_ip_sum(f);
	net_put16(f + ETH_HLEN + IP_HLEN + 4, 200);
	net_input(&b, f, n);
	assert_int_equal(b.stats.udp_rx + b.stats.udp_no_port, 0);
	uint8_t arp[ETH_HLEN + 28] = {0};
	memset(arp, 0xff, 6);
	net_put16(arp + 12, ETH_P_ARP);
	net_put16(arp + 14, 1);
	net_put16(arp + 16, ETH_P_IP);
	arp[18] = 6, arp[19] = 4;
	net_put16(arp + 20, 1);
	memset(arp + 22, 0xff, 6);
	net_put32(arp + 28, 0x0a000299u);
	net_put32(arp + 38, IP_B);
	unsigned long replies = b.stats.arp_replies;
	net_input(&b, arp, sizeof(arp));
	assert_int_equal(b.stats.arp_replies, replies);
	assert_null(arp_lookup(&b, 0x0a000299u));
	arp[22] = 0x02; /* a proper sender: answered and learnt */
	net_input(&b, arp, sizeof(arp));
	assert_int_equal(b.stats.arp_replies, replies + 1);
	assert_non_null(arp_lookup(&b, 0x0a000299u));
}

static uint8_t frame_buf[64];
static const uint8_t *frame(const uint8_t *dst, const uint8_t *src)
{
	memset(frame_buf, 0, sizeof(frame_buf));
	memcpy(frame_buf, dst, 6);
	memcpy(frame_buf + 6, src, 6);
	net_put16(frame_buf + 12, 0x88b5); /* local experimental: nobody answers */
	return frame_buf;
}

static void test_bridge_learns_floods_filters_ages(void **state)
{
	(void)state;
	const uint8_t x[6] = {2, 0, 0, 0, 0, 1}, y[6] = {2, 0, 0, 0, 0, 2};
	const uint8_t bc[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	/* Unknown destination: flooded to every port but the source. */
	bridge_input(&br, &wire, frame(y, x), 60, now_ns);
	assert_int_equal(br.flooded, 1);
	assert_int_equal(wire_frames, 0);
	assert_int_equal(pa.tx + pb.tx, 2);
	assert_ptr_equal(bridge_lookup(&br, x, now_ns), &wire);
	/* Known destination: exactly one port. */
	bridge_input(&br, &pa, frame(x, mac_a), 60, now_ns);
	assert_int_equal(br.forwarded, 1);
	assert_int_equal(wire_frames, 1);
	assert_int_equal(pb.tx, 1);
	/* Destination on the source's own port: dropped, not echoed. */
	bridge_input(&br, &wire, frame(x, y), 60, now_ns);
	assert_int_equal(br.filtered, 1);
	assert_int_equal(wire_frames, 1);
	/* Broadcast floods even to known stations' ports, never back. */
	bridge_input(&br, &wire, frame(bc, x), 60, now_ns);
	assert_int_equal(br.flooded, 2);
	assert_int_equal(wire_frames, 1);
	/* A MAC that moves is relearnt on its new port. */
	bridge_input(&br, &pb, frame(bc, x), 60, now_ns);
	assert_ptr_equal(bridge_lookup(&br, x, now_ns), &pb);
	/* Ageing: after BRIDGE_AGEING_NS without traffic the entry is gone. */
	assert_non_null(bridge_lookup(&br, mac_a, now_ns));
	now_ns += BRIDGE_AGEING_NS;
	assert_null(bridge_lookup(&br, mac_a, now_ns));
	/* Removing a port forgets its addresses; its frames are refused. */
	bridge_input(&br, &wire, frame(bc, y), 60, now_ns);
	assert_ptr_equal(bridge_lookup(&br, y, now_ns), &wire);
	assert_int_equal(bridge_del_port(&br, &wire), 0);
	assert_int_equal(bridge_del_port(&br, &wire), -ENOENT);
	assert_null(bridge_lookup(&br, y, now_ns));
	unsigned long dropped = br.dropped;
	bridge_input(&br, &wire, frame(bc, y), 60, now_ns);
	assert_int_equal(br.dropped, dropped + 1);
	bridge_input(&br, &pa, frame(bc, y), 13, now_ns); /* runt */
	assert_int_equal(br.dropped, dropped + 2);
	assert_int_equal(bridge_port_count(&br), 2);
	assert_int_equal(bridge_add_port(&br, &pa), -EEXIST);
}

static void test_bridge_table_full(void **state)
{
	(void)state;
	const uint8_t bc[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	struct bridge_port extra[BRIDGE_PORTS];
	unsigned int added = 0;
	for (unsigned int i = 0; i < BRIDGE_PORTS; i++) {
		extra[i] = (struct bridge_port){.name = "x", .send = wire_send};
		added += bridge_add_port(&br, &extra[i]) == 0;
	}
	assert_int_equal(added, BRIDGE_PORTS - 3);
	/* More stations than entries: the least recently seen is replaced. */
	for (unsigned int i = 0; i < BRIDGE_FDB + 8; i++) {
		uint8_t src[6] = {2, 0, 0, 0, (uint8_t)(i >> 8), (uint8_t)i};
		now_ns++;
		bridge_input(&br, &wire, frame(bc, src), 60, now_ns);
	}
	uint8_t first[6] = {2, 0, 0, 0, 0, 0}, last[6] = {2, 0, 0, 0, 0, BRIDGE_FDB + 7};
	assert_null(bridge_lookup(&br, first, now_ns));
	assert_ptr_equal(bridge_lookup(&br, last, now_ns), &wire);
}

/* Nothing else runs here: waiting means time passes. */
static unsigned long waits;
static void wait_fn(struct netif *nif, unsigned long seen, uint64_t deadline)
{
	(void)nif;
	(void)seen;
	waits++;
	now_ns = deadline;
}

static void test_ping(void **state)
{
	(void)state;
	struct ping_stats st;
	a.wait = b.wait = wait_fn;
	waits = 0;
	assert_int_equal(net_ping(&a, IP_B, 3, 100, 1000, 0, true, &st), 0);
	assert_int_equal(st.sent, 3);
	assert_int_equal(st.received, 3);
	assert_int_equal(waits, 0); /* the bridge answers at once here */
	/* Nobody at .99: every request times out, after ARP. */
	assert_int_equal(net_ping(&a, 0x0a000263u, 2, 0, 1000, 0, true, &st), 1);
	assert_int_equal(st.received, 0);
	assert_int_equal(waits, 2);
	/* Waiting for a first reply that never comes gives up, then counts. */
	assert_int_equal(net_ping(&a, 0x0a000263u, 1, 0, 1000, 5000000000ULL, true, &st), 1);
	assert_int_equal(st.sent, 1);
	char *ok[] = {"ping", "-q", "-c", "2", "-s", "1472", "10.0.2.16"};
	assert_int_equal(net_ping_cmd(&a, 7, ok), 0);
	char *big[] = {"ping", "-s", "1473", "10.0.2.16"};
	assert_int_equal(net_ping_cmd(&a, 4, big), 2);
	char *noaddr[] = {"ping", "-c", "2"};
	assert_int_equal(net_ping_cmd(&a, 3, noaddr), 2);
	char *two[] = {"ping", "10.0.2.16", "10.0.2.15"};
	assert_int_equal(net_ping_cmd(&a, 3, two), 2);
	char *bad[] = {"ping", "-c", "x", "10.0.2.16"};
	assert_int_equal(net_ping_cmd(&a, 4, bad), 2);
	assert_int_equal(net_ping_cmd(NULL, 2, two), 2);
}

int net_stack_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_checksum_and_parse, setup),
		cmocka_unit_test_setup(test_ping_resolves_and_replies, setup),
		cmocka_unit_test_setup(test_gateway_route_and_arp_expiry, setup),
		cmocka_unit_test_setup(test_udp, setup),
		cmocka_unit_test_setup(test_hostile_frames, setup),
		cmocka_unit_test_setup(test_bridge_learns_floods_filters_ages, setup),
		cmocka_unit_test_setup(test_bridge_table_full, setup),
		cmocka_unit_test_setup(test_ping, setup),
	};
	return cmocka_run_group_tests_name("net stack", tests, NULL, NULL);
}
