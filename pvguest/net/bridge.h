/*
 * A learning Ethernet bridge (IEEE 802.1D without spanning tree), the
 * switch in dom0 that joins every vif, the physical NIC and dom0's own
 * interface.
 *
 * Each port is something that can send a frame (a vif's netback, the NIC
 * through the device table, dom0's stack).  A frame that comes in on a
 * port first teaches the bridge where its source MAC lives; then it goes
 * to the one port its destination was last seen on, or, for broadcast,
 * multicast and unknown destinations, to every other port (flooding).  A
 * frame is never sent back out of the port it came in on, and a frame
 * whose destination lives on its own port is dropped (the station
 * already heard it).  Entries age out after BRIDGE_AGEING_NS, and go at
 * once when their port is removed, so a MAC that moves (a domain
 * destroyed and a new one given the MAC) is relearned.
 *
 * No locks: dom0's threads are cooperative and every call comes from a
 * thread.  A port's send may call bridge_input again (dom0's stack
 * answering a ping on its port): the forwarding loop reads the port
 * table afresh for each port and holds no pointer into the table.
 */
#ifndef PVGUEST_NET_BRIDGE_H
#define PVGUEST_NET_BRIDGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <net/net.h>

#define BRIDGE_PORTS	 16
#define BRIDGE_FDB	 64
#define BRIDGE_AGEING_NS (300ULL * 1000000000ULL)

struct bridge_port;
typedef int (*bridge_send_fn)(struct bridge_port *p, const void *frame, size_t len);

struct bridge_port {
	const char *name;
	bridge_send_fn send;
	void *priv;
	unsigned long rx, tx, tx_errors;
};

struct fdb_entry {
	uint8_t mac[ETH_ALEN];
	struct bridge_port *port; /* NULL: free */
	uint64_t seen;
};

struct bridge {
	struct bridge_port *ports[BRIDGE_PORTS];
	struct fdb_entry fdb[BRIDGE_FDB];
	unsigned long forwarded, flooded, filtered, dropped;
};

/* 0, -EEXIST (already a port), -ENOSPC. */
int bridge_add_port(struct bridge *br, struct bridge_port *p);
/* Removes the port and every address learnt on it; -ENOENT if absent. */
int bridge_del_port(struct bridge *br, struct bridge_port *p);
/* A frame arrived on port `in` at time now. */
void bridge_input(struct bridge *br, struct bridge_port *in, const void *frame, size_t len,
		  uint64_t now);
/* The port mac was learnt on (and not aged out by now), or NULL. */
struct bridge_port *bridge_lookup(struct bridge *br, const uint8_t *mac, uint64_t now);
unsigned int bridge_port_count(const struct bridge *br);

#endif
