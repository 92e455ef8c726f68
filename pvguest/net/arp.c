/*
 * ARP (RFC 826) for IPv4 over Ethernet, and the address helpers.
 *
 * The cache is a small array: an entry lives ARP_TTL_NS after it was
 * last confirmed; a new address takes a free or expired entry, else the
 * entries are replaced round-robin.  We learn from every valid ARP packet
 * addressed to us or asking for us (the asker will talk to us next), and
 * answer requests for our own address only.  A reply releases the
 * datagram parked on that address (ip.c parks at most one).
 *
 * Checked before use: hardware type Ethernet, protocol IPv4, address
 * lengths 6 and 4, operation request or reply, the packet inside the
 * frame; a sender claiming a multicast MAC or address 0 is ignored.
 */
#include "net.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define ARP_LEN	       28
#define ARP_OP_REQUEST 1
#define ARP_OP_REPLY   2

static const uint8_t bcast[ETH_ALEN] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

const uint8_t *arp_lookup(struct netif *nif, uint32_t ip)
{
	uint64_t now = nif->now();

	for (unsigned int i = 0; i < ARP_ENTRIES; i++)
		if (nif->arp[i].ip == ip && nif->arp[i].expires > now)
			return nif->arp[i].mac;
	return NULL;
}

void arp_learn(struct netif *nif, uint32_t ip, const uint8_t *mac)
{
	uint64_t now = nif->now();
	struct arp_entry *e = NULL;

	for (unsigned int i = 0; i < ARP_ENTRIES && !e; i++)
		if (nif->arp[i].ip == ip)
			e = &nif->arp[i];
	for (unsigned int i = 0; i < ARP_ENTRIES && !e; i++)
		if (nif->arp[i].expires <= now)
			e = &nif->arp[i];
	if (!e) {
		e = &nif->arp[nif->arp_next];
		nif->arp_next = (nif->arp_next + 1) % ARP_ENTRIES;
	}
	e->ip = ip;
	memcpy(e->mac, mac, ETH_ALEN);
	e->expires = now + ARP_TTL_NS;
}

static int arp_send(struct netif *nif, uint16_t op, const uint8_t *dst_mac, uint32_t target_ip)
{
	uint8_t f[ETH_HLEN + ARP_LEN], *a = f + ETH_HLEN;

	memcpy(f, op == ARP_OP_REQUEST ? bcast : dst_mac, ETH_ALEN);
	memcpy(f + 6, nif->mac, ETH_ALEN);
	net_put16(f + 12, ETH_P_ARP);
	net_put16(a, 1);
	net_put16(a + 2, ETH_P_IP);
	a[4] = ETH_ALEN;
	a[5] = 4;
	net_put16(a + 6, op);
	memcpy(a + 8, nif->mac, ETH_ALEN);
	net_put32(a + 14, nif->ip);
	if (op == ARP_OP_REQUEST)
		memset(a + 18, 0, ETH_ALEN);
	else
		memcpy(a + 18, dst_mac, ETH_ALEN);
	net_put32(a + 24, target_ip);
	nif->stats.tx++;
	return nif->output(nif, f, sizeof(f));
}

int arp_request(struct netif *nif, uint32_t ip)
{
	nif->stats.arp_requests++;
	return arp_send(nif, ARP_OP_REQUEST, NULL, ip);
}

/* A parked datagram for `ip` can go now that its MAC is known. */
static void release_parked(struct netif *nif, uint32_t ip, const uint8_t *mac)
{
	if (!nif->parked_len || nif->parked_hop != ip)
		return;
	memcpy(nif->parked, mac, ETH_ALEN);
	size_t len = nif->parked_len;
	nif->parked_len = 0;
	nif->stats.tx++;
	nif->output(nif, nif->parked, len);
}

void arp_input(struct netif *nif, const uint8_t *frame, size_t len)
{
	const uint8_t *a = frame + ETH_HLEN;

	if (len < ETH_HLEN + ARP_LEN || net_get16(a) != 1 || net_get16(a + 2) != ETH_P_IP ||
	    a[4] != ETH_ALEN || a[5] != 4) {
		nif->stats.dropped++;
		return;
	}
	uint16_t op = net_get16(a + 6);
	const uint8_t *sha = a + 8;
	uint32_t spa = net_get32(a + 14), tpa = net_get32(a + 24);
	if ((op != ARP_OP_REQUEST && op != ARP_OP_REPLY) || mac_is_multicast(sha) || !spa ||
	    !nif->ip) {
		nif->stats.dropped++;
		return;
	}
	if (tpa != nif->ip)
		return; /* someone else's conversation */
	arp_learn(nif, spa, sha);
	release_parked(nif, spa, sha);
	if (op == ARP_OP_REQUEST) {
		nif->stats.arp_replies++;
		arp_send(nif, ARP_OP_REPLY, sha, spa);
	}
}

int ip_parse(const char *s, uint32_t *out)
{
	unsigned int b[4];
	char tail;

	if (sscanf(s, "%u.%u.%u.%u%c", &b[0], &b[1], &b[2], &b[3], &tail) != 4 || b[0] > 255 ||
	    b[1] > 255 || b[2] > 255 || b[3] > 255)
		return -EINVAL;
	*out = b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3];
	return 0;
}

const char *ip_format(uint32_t ip, char *buf)
{
	snprintf(buf, 16, "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 255, (ip >> 8) & 255, ip & 255);
	return buf;
}

int mac_parse(const char *s, uint8_t mac[ETH_ALEN])
{
	unsigned int b[ETH_ALEN];
	char tail;

	if (strlen(s) != 17 || sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3],
				      &b[4], &b[5], &tail) != ETH_ALEN)
		return -EINVAL;
	for (unsigned int i = 0; i < ETH_ALEN; i++)
		mac[i] = (uint8_t)b[i];
	return 0;
}
