/*
 * Ethernet input, IPv4 (RFC 791), ICMP echo (RFC 792) and UDP (RFC 768).
 *
 * Input is decode-then-act: net_input checks the Ethernet header and
 * hands ARP to arp.c; an IPv4 packet must be version 4, have a 20-byte
 * header (options are dropped, not parsed), a correct header checksum, a
 * total length that fits the frame (Ethernet padding beyond it is
 * ignored), no fragmentation, and be addressed to us or broadcast.  Only
 * then is the payload looked at: ICMP needs a correct checksum over the
 * whole message, UDP a length that fits and a correct checksum if the
 * sender computed one.
 *
 * Output builds the whole frame in one buffer on the stack: Ethernet
 * header, IPv4 header (DF set, TTL 64, a per-interface id), payload.  The
 * next hop is the destination on our subnet and the gateway otherwise;
 * if its MAC is unknown the frame is parked (replacing any older one:
 * ARP's traditional one-packet queue) and an ARP request goes out.
 */
#include "net.h"

#include <errno.h>
#include <string.h>

#define ICMP_ECHO_REPLY	  0
#define ICMP_ECHO_REQUEST 8
#define IP_TTL		  64
#define IP_FLAG_DF	  0x4000
#define IP_FRAG_MASK	  0x3fff /* MF and the offset */
#define ECHO_DATA_MAX	  (ETH_FRAME_MAX - ETH_HLEN - IP_HLEN - ICMP_HLEN)

void netif_init(struct netif *nif, const char *name, const uint8_t mac[ETH_ALEN], uint32_t ip,
		uint32_t netmask, uint32_t gateway)
{
	int (*output)(struct netif *, const void *, size_t) = nif->output;
	uint64_t (*now)(void) = nif->now;
	void (*notify)(struct netif *) = nif->notify;
	void (*wait)(struct netif *, unsigned long, uint64_t) = nif->wait;
	void *priv = nif->priv;

	memset(nif, 0, sizeof(*nif));
	nif->name = name;
	memcpy(nif->mac, mac, ETH_ALEN);
	nif->ip = ip;
	nif->netmask = netmask;
	nif->gateway = gateway;
	nif->output = output;
	nif->now = now;
	nif->notify = notify;
	nif->wait = wait;
	nif->priv = priv;
}

uint16_t ip_checksum(const void *data, size_t len, uint32_t sum)
{
	const uint8_t *p = data;

	for (; len > 1; p += 2, len -= 2)
		sum += net_get16(p);
	if (len)
		sum += (uint32_t)p[0] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* The pseudo-header's part of a UDP checksum. */
static uint32_t pseudo_sum(uint32_t src, uint32_t dst, uint8_t proto, size_t len)
{
	return (src >> 16) + (src & 0xffff) + (dst >> 16) + (dst & 0xffff) + proto + (uint32_t)len;
}

int ip_send(struct netif *nif, uint32_t dst, uint8_t proto, const void *payload, size_t len)
{
	uint8_t f[ETH_FRAME_MAX], *ip = f + ETH_HLEN;

	if (!nif->ip || !dst)
		return -EINVAL;
	if (len > ETH_FRAME_MAX - ETH_HLEN - IP_HLEN)
		return -EMSGSIZE;
	bool local = (dst & nif->netmask) == (nif->ip & nif->netmask) || dst == 0xffffffffu;
	if (!local && !nif->gateway)
		return -ENETUNREACH;
	uint32_t hop = local ? dst : nif->gateway;
	memcpy(f + 6, nif->mac, ETH_ALEN);
	net_put16(f + 12, ETH_P_IP);
	ip[0] = 0x45;
	ip[1] = 0;
	net_put16(ip + 2, (uint16_t)(IP_HLEN + len));
	net_put16(ip + 4, nif->ip_id++);
	net_put16(ip + 6, IP_FLAG_DF);
	ip[8] = IP_TTL;
	ip[9] = proto;
	net_put16(ip + 10, 0);
	net_put32(ip + 12, nif->ip);
	net_put32(ip + 16, dst);
	net_put16(ip + 10, ip_checksum(ip, IP_HLEN, 0));
	memcpy(ip + IP_HLEN, payload, len);
	size_t flen = ETH_HLEN + IP_HLEN + len;
	const uint8_t *mac = dst == 0xffffffffu ? (const uint8_t *)"\xff\xff\xff\xff\xff\xff"
						: arp_lookup(nif, hop);
	if (!mac) {
		memcpy(nif->parked, f, flen);
		nif->parked_len = flen;
		nif->parked_hop = hop;
		nif->parked_at = nif->now();
		return arp_request(nif, hop);
	}
	memcpy(f, mac, ETH_ALEN);
	nif->stats.tx++;
	return nif->output(nif, f, flen);
}

int icmp_echo_send(struct netif *nif, uint32_t dst, uint16_t id, uint16_t seq, size_t data_len)
{
	uint8_t m[ICMP_HLEN + ECHO_DATA_MAX];

	if (data_len > ECHO_DATA_MAX)
		return -EMSGSIZE;
	m[0] = ICMP_ECHO_REQUEST;
	m[1] = 0;
	net_put16(m + 2, 0);
	net_put16(m + 4, id);
	net_put16(m + 6, seq);
	for (size_t i = 0; i < data_len; i++)
		m[ICMP_HLEN + i] = (uint8_t)(i + seq);
	net_put16(m + 2, ip_checksum(m, ICMP_HLEN + data_len, 0));
	return ip_send(nif, dst, IP_PROTO_ICMP, m, ICMP_HLEN + data_len);
}

bool icmp_echo_seen(const struct netif *nif, uint32_t from, uint16_t id, uint16_t seq, uint64_t *at)
{
	unsigned long n = nif->echo_count < ECHO_LOG ? nif->echo_count : ECHO_LOG;

	for (unsigned long i = 0; i < n; i++) {
		const struct echo_reply *r = &nif->echo[(nif->echo_count - 1 - i) % ECHO_LOG];
		if (r->from == from && r->id == id && r->seq == seq) {
			if (at)
				*at = r->at;
			return true;
		}
	}
	return false;
}

static void icmp_input(struct netif *nif, uint32_t src, const uint8_t *m, size_t len)
{
	uint8_t reply[ICMP_HLEN + ECHO_DATA_MAX];

	if (len < ICMP_HLEN || ip_checksum(m, len, 0) != 0) {
		nif->stats.bad_csum++;
		return;
	}
	if (m[0] == ICMP_ECHO_REQUEST && m[1] == 0 && len <= sizeof(reply)) {
		nif->stats.echo_requests++;
		memcpy(reply, m, len);
		reply[0] = ICMP_ECHO_REPLY;
		net_put16(reply + 2, 0);
		net_put16(reply + 2, ip_checksum(reply, len, 0));
		ip_send(nif, src, IP_PROTO_ICMP, reply, len);
	} else if (m[0] == ICMP_ECHO_REPLY && m[1] == 0) {
		nif->stats.echo_replies++;
		nif->echo[nif->echo_count % ECHO_LOG] = (struct echo_reply){.from = src,
									    .id = net_get16(m + 4),
									    .seq = net_get16(m + 6),
									    .at = nif->now()};
		nif->echo_count++;
		if (nif->notify)
			nif->notify(nif);
	}
}

static void udp_input(struct netif *nif, uint32_t src, uint32_t dst, const uint8_t *u, size_t len)
{
	if (len < UDP_HLEN || net_get16(u + 4) < UDP_HLEN || net_get16(u + 4) > len) {
		nif->stats.dropped++;
		return;
	}
	len = net_get16(u + 4);
	if (net_get16(u + 6) && ip_checksum(u, len, pseudo_sum(src, dst, IP_PROTO_UDP, len))) {
		nif->stats.bad_csum++;
		return;
	}
	uint16_t dport = net_get16(u + 2);
	for (unsigned int i = 0; i < UDP_BINDS; i++)
		if (nif->udp[i].fn && nif->udp[i].port == dport) {
			nif->stats.udp_rx++;
			nif->udp[i].fn(nif, src, net_get16(u), u + UDP_HLEN, len - UDP_HLEN,
				       nif->udp[i].arg);
			return;
		}
	nif->stats.udp_no_port++;
}

static void ipv4_input(struct netif *nif, const uint8_t *ip, size_t len)
{
	if (len < IP_HLEN || ip[0] != 0x45 || ip_checksum(ip, IP_HLEN, 0) != 0) {
		nif->stats.bad_csum += len >= IP_HLEN && ip[0] == 0x45;
		nif->stats.dropped += len < IP_HLEN || ip[0] != 0x45;
		return;
	}
	size_t total = net_get16(ip + 2);
	uint32_t src = net_get32(ip + 12), dst = net_get32(ip + 16);
	if (total < IP_HLEN || total > len || (net_get16(ip + 6) & IP_FRAG_MASK) || !nif->ip ||
	    (dst != nif->ip && dst != 0xffffffffu)) {
		nif->stats.dropped++;
		return;
	}
	if (ip[9] == IP_PROTO_ICMP)
		icmp_input(nif, src, ip + IP_HLEN, total - IP_HLEN);
	else if (ip[9] == IP_PROTO_UDP)
		udp_input(nif, src, dst, ip + IP_HLEN, total - IP_HLEN);
	else
		nif->stats.unreachable++;
}

void net_input(struct netif *nif, const void *frame, size_t len)
{
	const uint8_t *f = frame;

	if (nif->parked_len && nif->now() - nif->parked_at > ARP_RETRY_NS)
		nif->parked_len = 0; /* its ARP request went unanswered */
	if (len < ETH_HLEN || len > ETH_FRAME_MAX) {
		nif->stats.dropped++;
		return;
	}
	if (!mac_is_multicast(f) && memcmp(f, nif->mac, ETH_ALEN) != 0)
		return; /* another station's unicast */
	nif->stats.rx++;
	uint16_t type = net_get16(f + 12);
	if (type == ETH_P_ARP)
		arp_input(nif, f, len);
	else if (type == ETH_P_IP)
		ipv4_input(nif, f + ETH_HLEN, len - ETH_HLEN);
}

int udp_send(struct netif *nif, uint32_t dst, uint16_t sport, uint16_t dport, const void *data,
	     size_t len)
{
	uint8_t u[UDP_HLEN + UDP_MAX];

	if (len > UDP_MAX)
		return -EMSGSIZE;
	net_put16(u, sport);
	net_put16(u + 2, dport);
	net_put16(u + 4, (uint16_t)(UDP_HLEN + len));
	net_put16(u + 6, 0);
	memcpy(u + UDP_HLEN, data, len);
	uint16_t sum = ip_checksum(u, UDP_HLEN + len,
				   pseudo_sum(nif->ip, dst, IP_PROTO_UDP, UDP_HLEN + len));
	net_put16(u + 6, sum ? sum : 0xffff);
	nif->stats.udp_tx++;
	return ip_send(nif, dst, IP_PROTO_UDP, u, UDP_HLEN + len);
}

int udp_bind(struct netif *nif, uint16_t port, udp_handler_fn fn, void *arg)
{
	int free_slot = -1;

	if (!port || !fn)
		return -EINVAL;
	for (int i = 0; i < UDP_BINDS; i++) {
		if (nif->udp[i].fn && nif->udp[i].port == port)
			return -EADDRINUSE;
		if (!nif->udp[i].fn && free_slot < 0)
			free_slot = i;
	}
	if (free_slot < 0)
		return -ENOSPC;
	nif->udp[free_slot].port = port;
	nif->udp[free_slot].fn = fn;
	nif->udp[free_slot].arg = arg;
	return 0;
}

void udp_unbind(struct netif *nif, uint16_t port)
{
	for (int i = 0; i < UDP_BINDS; i++)
		if (nif->udp[i].fn && nif->udp[i].port == port)
			nif->udp[i].fn = NULL;
}
