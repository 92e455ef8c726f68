/*
 * The learning bridge (see bridge.h): a port table, a forwarding database
 * of (MAC, port, last seen), and the forwarding decision.
 *
 * The database is a small array searched linearly (64 entries: dom0
 * bridges a handful of domains).  A new address takes a free or aged
 * entry, else the least recently seen one.
 */
#include "bridge.h"

#include <errno.h>
#include <string.h>

static bool port_present(const struct bridge *br, const struct bridge_port *p)
{
	for (unsigned int i = 0; i < BRIDGE_PORTS; i++)
		if (br->ports[i] == p)
			return true;
	return false;
}

int bridge_add_port(struct bridge *br, struct bridge_port *p)
{
	if (!p || port_present(br, p))
		return -EEXIST;
	for (unsigned int i = 0; i < BRIDGE_PORTS; i++)
		if (!br->ports[i]) {
			br->ports[i] = p;
			return 0;
		}
	return -ENOSPC;
}

int bridge_del_port(struct bridge *br, struct bridge_port *p)
{
	int rc = -ENOENT;

	for (unsigned int i = 0; i < BRIDGE_PORTS; i++)
		if (p && br->ports[i] == p) {
			br->ports[i] = NULL;
			rc = 0;
		}
	for (unsigned int i = 0; i < BRIDGE_FDB; i++)
		if (br->fdb[i].port == p)
			br->fdb[i].port = NULL;
	return rc;
}

unsigned int bridge_port_count(const struct bridge *br)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < BRIDGE_PORTS; i++)
		n += br->ports[i] != NULL;
	return n;
}

static bool fresh(const struct fdb_entry *e, uint64_t now)
{
	return e->port && now - e->seen < BRIDGE_AGEING_NS;
}

struct bridge_port *bridge_lookup(struct bridge *br, const uint8_t *mac, uint64_t now)
{
	for (unsigned int i = 0; i < BRIDGE_FDB; i++)
		if (fresh(&br->fdb[i], now) && memcmp(br->fdb[i].mac, mac, ETH_ALEN) == 0)
			return br->fdb[i].port;
	return NULL;
}

static void learn(struct bridge *br, const uint8_t *mac, struct bridge_port *p, uint64_t now)
{
	struct fdb_entry *e = NULL, *oldest = &br->fdb[0];

	for (unsigned int i = 0; i < BRIDGE_FDB && !e; i++)
		if (br->fdb[i].port && memcmp(br->fdb[i].mac, mac, ETH_ALEN) == 0)
			e = &br->fdb[i];
	for (unsigned int i = 0; i < BRIDGE_FDB && !e; i++) {
		if (!fresh(&br->fdb[i], now))
			e = &br->fdb[i];
		else if (br->fdb[i].seen < oldest->seen)
			oldest = &br->fdb[i];
	}
	if (!e)
		e = oldest;
	memcpy(e->mac, mac, ETH_ALEN);
	e->port = p;
	e->seen = now;
}

static void send_to(struct bridge *br, struct bridge_port *p, const void *frame, size_t len)
{
	(void)br;
	if (p->send(p, frame, len))
		p->tx_errors++;
	else
		p->tx++;
}

void bridge_input(struct bridge *br, struct bridge_port *in, const void *frame, size_t len,
		  uint64_t now)
{
	const uint8_t *f = frame;

	if (len < ETH_HLEN || len > ETH_FRAME_MAX || !port_present(br, in)) {
		br->dropped++;
		return;
	}
	in->rx++;
	if (!mac_is_multicast(f + ETH_ALEN))
		learn(br, f + ETH_ALEN, in, now);
	struct bridge_port *out = mac_is_multicast(f) ? NULL : bridge_lookup(br, f, now);
	if (out == in) {
		br->filtered++;
		return;
	}
	if (out) {
		br->forwarded++;
		send_to(br, out, frame, len);
		return;
	}
	br->flooded++;
	for (unsigned int i = 0; i < BRIDGE_PORTS; i++) {
		struct bridge_port *p = br->ports[i];
		if (p && p != in)
			send_to(br, p, frame, len);
	}
}
