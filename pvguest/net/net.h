/*
 * A small IPv4 stack for the pvguest kernel, the same code in dom0 and in
 * every domU: Ethernet framing, ARP, IPv4, ICMP echo and UDP.
 *
 * A `struct netif` is one interface: its MAC and static address, the
 * function that puts a finished Ethernet frame on the wire (`output`),
 * an ARP cache and the UDP ports bound on it.  Whoever receives frames
 * for the interface (netfront's thread in a domU, the bridge in dom0)
 * hands each one to net_input(), which answers ARP requests and echo
 * requests itself, records echo replies for ping, and passes UDP
 * datagrams to their bound handler.  Sending an IP datagram to an
 * address whose MAC is not yet known sends an ARP request and parks the
 * datagram (one per interface) until the reply comes.
 *
 * Everything that arrives is untrusted: every header is checked against
 * the frame's length before it is read, IPv4 and ICMP checksums are
 * verified (a UDP checksum when the sender set one), fragments and IP
 * options we do not handle are dropped and counted, never guessed at.
 * Addresses are kept in host byte order; on the wire everything is
 * big-endian, written and read through net_put16/net_get16 and friends.
 *
 * The stack has no threads and no locks: the pvguest kernel's threads
 * are cooperative, and all calls into one netif come from threads, never
 * from an event handler.  Time comes from nif->now (host tests drive it).
 */
#ifndef PVGUEST_NET_NET_H
#define PVGUEST_NET_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ETH_ALEN      6
#define ETH_HLEN      14
#define ETH_FRAME_MAX 1514 /* without FCS: 1500 bytes of payload */
#define ETH_P_IP      0x0800
#define ETH_P_ARP     0x0806
#define IP_HLEN	      20
#define IP_PROTO_ICMP 1
#define IP_PROTO_TCP  6
#define IP_PROTO_UDP  17
#define UDP_HLEN      8
#define ICMP_HLEN     8
#define UDP_MAX	      (ETH_FRAME_MAX - ETH_HLEN - IP_HLEN - UDP_HLEN)

#define ARP_ENTRIES  16
#define ARP_TTL_NS   (120ULL * 1000000000ULL)
#define ARP_RETRY_NS (500ULL * 1000000ULL) /* a parked datagram waits this long */
#define ECHO_LOG     8			   /* echo replies remembered for ping */
#define UDP_BINDS    4

static inline uint16_t net_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}
static inline uint32_t net_get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
static inline void net_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}
static inline void net_put32(uint8_t *p, uint32_t v)
{
	net_put16(p, (uint16_t)(v >> 16));
	net_put16(p + 2, (uint16_t)v);
}
static inline bool mac_is_multicast(const uint8_t *mac)
{
	return mac[0] & 1; /* broadcast included */
}

struct netif;
typedef void (*udp_handler_fn)(struct netif *nif, uint32_t src, uint16_t sport, const uint8_t *data,
			       size_t len, void *arg);

struct arp_entry {
	uint32_t ip;
	uint8_t mac[ETH_ALEN];
	uint64_t expires;
};

struct echo_reply {
	uint32_t from;
	uint16_t id, seq;
	uint64_t at; /* nif->now() when it arrived */
};

struct net_stats {
	unsigned long rx, tx, dropped, bad_csum, arp_requests, arp_replies;
	unsigned long echo_requests, echo_replies, udp_rx, udp_tx, udp_no_port, unreachable;
};

struct netif {
	const char *name;
	uint8_t mac[ETH_ALEN];
	uint32_t ip, netmask, gateway; /* host byte order; gateway 0: none */
	/* Puts one Ethernet frame on the wire: 0 or -errno. */
	int (*output)(struct netif *nif, const void *frame, size_t len);
	uint64_t (*now)(void);
	/* Called after an echo reply was recorded (ping's wake-up); may be NULL. */
	void (*notify)(struct netif *nif);
	/*
	 * Let the network make progress until echo_count moves past
	 * echo_seen or the clock passes deadline (ping's sleep).
	 */
	void (*wait)(struct netif *nif, unsigned long echo_seen, uint64_t deadline);
	void *priv;
	struct arp_entry arp[ARP_ENTRIES];
	unsigned int arp_next; /* the entry the next new address replaces */
	uint8_t parked[ETH_FRAME_MAX];
	size_t parked_len; /* 0: nothing waits for ARP */
	uint32_t parked_hop;
	uint64_t parked_at;
	struct echo_reply echo[ECHO_LOG];
	unsigned long echo_count; /* replies recorded; echo[count % ECHO_LOG] is next */
	struct {
		uint16_t port;
		udp_handler_fn fn;
		void *arg;
	} udp[UDP_BINDS];
	uint16_t ip_id;
	struct net_stats stats;
};

/* Resets nif to these addresses; keeps the callbacks and priv already set. */
void netif_init(struct netif *nif, const char *name, const uint8_t mac[ETH_ALEN], uint32_t ip,
		uint32_t netmask, uint32_t gateway);

/* One Ethernet frame received on nif (not necessarily for us). */
void net_input(struct netif *nif, const void *frame, size_t len);

/*
 * Send `len` bytes of `proto` payload to `dst` (routed through the
 * gateway when off the subnet).  0 (sent, or parked until ARP answers),
 * -EINVAL, -EMSGSIZE (does not fit one frame), -ENETUNREACH (no route),
 * or the output's error.
 */
int ip_send(struct netif *nif, uint32_t dst, uint8_t proto, const void *payload, size_t len);
int icmp_echo_send(struct netif *nif, uint32_t dst, uint16_t id, uint16_t seq, size_t data_len);
/* Whether an echo reply (from, id, seq) was recorded; its arrival time. */
bool icmp_echo_seen(const struct netif *nif, uint32_t from, uint16_t id, uint16_t seq,
		    uint64_t *at);
int udp_send(struct netif *nif, uint32_t dst, uint16_t sport, uint16_t dport, const void *data,
	     size_t len);
/* 0, -EADDRINUSE, -ENOSPC (every slot taken), -EINVAL (port 0). */
int udp_bind(struct netif *nif, uint16_t port, udp_handler_fn fn, void *arg);
void udp_unbind(struct netif *nif, uint16_t port);

struct ping_stats {
	unsigned int sent, received;
	uint64_t min_ns, max_ns, sum_ns;
};
/*
 * Echo requests of `size` data bytes to dst, one at a time, each waiting
 * up to timeout_ns for its reply.  With first_wait_ns, requests are
 * repeated (not counted) until a first reply comes or that time passes:
 * a peer still booting.  Lines go to stdout unless quiet.  0 if every
 * counted request was answered, 1 otherwise.
 */
int net_ping(struct netif *nif, uint32_t dst, unsigned int count, size_t size, uint64_t timeout_ns,
	     uint64_t first_wait_ns, bool quiet, struct ping_stats *st);
/* The ping command: ping [-c count] [-s size] [-w first-wait-seconds] [-q] a.b.c.d */
int net_ping_cmd(struct netif *nif, int argc, char **argv);

/* ---- In a guest (netdev.c) ---- */
struct device;
/* now, notify and wait from the pvguest kernel's clock and threads. */
void net_glue_init(struct netif *nif);
/*
 * Make DEV_NET device `dev` nif's wire: output writes to it, a thread
 * feeds what it receives to net_input.  Call before netif_init.
 * 0, -ENODEV, -ENOMEM.
 */
int net_attach_device(struct netif *nif, struct device *dev);
/* The bench's UDP stream: count datagrams of size bytes, then an end marker. */
int net_udp_stream(struct netif *nif, uint32_t dst, uint16_t port, unsigned int count, size_t size);
/* Count what arrives on port; print bytes and time at each end marker. */
int net_udp_sink(struct netif *nif, uint16_t port);

/* The MAC of ip if cached and fresh, else NULL. */
const uint8_t *arp_lookup(struct netif *nif, uint32_t ip);
/* Record ip -> mac (refreshing an entry, or replacing the oldest). */
void arp_learn(struct netif *nif, uint32_t ip, const uint8_t *mac);
/* Broadcast an ARP request for ip; 0 or the output's error. */
int arp_request(struct netif *nif, uint32_t ip);
/* ARP packet in an Ethernet frame (called by net_input). */
void arp_input(struct netif *nif, const uint8_t *frame, size_t len);

/* The Internet checksum (RFC 1071) of data, continuing from sum. */
uint16_t ip_checksum(const void *data, size_t len, uint32_t sum);
/* "a.b.c.d" -> host order; 0 or -EINVAL. */
int ip_parse(const char *s, uint32_t *out);
/* host order -> "a.b.c.d" (buf of 16 bytes at least). */
const char *ip_format(uint32_t ip, char *buf);
/* "xx:xx:xx:xx:xx:xx" -> bytes; 0 or -EINVAL. */
int mac_parse(const char *s, uint8_t mac[ETH_ALEN]);

#endif
