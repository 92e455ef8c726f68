/*
 * netback's core: one virtual interface (vif) of one frontend domain.
 *
 * A vif has two rings in pages the frontend granted: on the transmit
 * ring the frontend posts packets (each one or more slots chained by
 * NETTXF_more_data), on the receive ring it posts empty pages.  The
 * backend moves every byte with GNTTABOP_copy, never by mapping a data
 * page ("request-rx-copy"): a packet the frontend sends is copied into
 * the vif's own page, checked, answered, and handed to `deliver` (the
 * bridge); a frame for the frontend is copied into the next posted page
 * and answered with its length.  So a frontend that dies mid-I/O leaves
 * nothing mapped but the two ring pages, which the glue unmaps.
 *
 * Everything on the rings is untrusted.  Each request is copied out of
 * its slot once, then validated as a whole packet before anything
 * happens: slot count (at most NETBACK_MAX_SLOTS), the chain complete
 * within what the frontend published, no extra-info slots (we offer no
 * feature that needs them), a total size between an Ethernet header and
 * ETH_FRAME_MAX, fragment sizes that add up, every slot inside its page.
 * A bad packet gets NETIF_RSP_ERROR on every one of its slots (and
 * NETIF_RSP_NULL on its extra-info slots), and touches nothing; a bad
 * grant reference fails its copy in the hypervisor, which gives the same.
 * A frontend whose producer index runs further ahead of us than the ring
 * has slots is broken: the vif stops serving it (`broken`), and the
 * glue disconnects it.
 *
 * net_req.c is pure logic over gnttab_op_copy and va_to_mfn, host-tested
 * against a simulated frontend; net.c is dom0's glue.
 */
#ifndef DRIVERS_BACK_NETBACK_H
#define DRIVERS_BACK_NETBACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <core/gnttab.h>
#include <net/net.h>
#include <public/io/netif.h>

#define NETBACK_MAX_SLOTS  XEN_NETIF_NR_SLOTS_MIN /* per packet */
#define NETBACK_RING_SLOTS 256			  /* of a one-page tx ring */
#define NETBACK_TX_BATCH   16			  /* packets copied by one GNTTABOP_copy */

struct netback_stats {
	unsigned long tx_packets, tx_errors, rx_packets, rx_dropped, rx_errors, notifies;
	unsigned long tx_csum; /* checksums filled in for NETTXF_csum_blank */
};

struct vif;
typedef void (*vif_deliver_fn)(struct vif *v, const void *frame, size_t len);

struct vif {
	uint16_t front_id;
	unsigned int devid;
	uint8_t mac[ETH_ALEN]; /* the frontend's, from the toolstack */
	struct netif_tx_back_ring tx;
	struct netif_rx_back_ring rx;
	bool broken;   /* a ring index out of range: serve no more */
	uint8_t *page; /* NETBACK_TX_BATCH pages: the packets being transmitted */
	struct netif_tx_request slot[NETBACK_RING_SLOTS];
	bool is_extra[NETBACK_RING_SLOTS];	   /* slot[i] holds extra info */
	struct gnttab_copy ops[NETBACK_MAX_SLOTS]; /* receive */
	struct gnttab_copy tx_ops[NETBACK_TX_BATCH * NETBACK_MAX_SLOTS]; /* one transmit batch */
	vif_deliver_fn deliver;
	void *priv;
	struct netback_stats stats;
};

/* 0 or -XEN_ENOMEM; the rings are attached by the caller. */
int vif_init(struct vif *v, uint16_t front_id, unsigned int devid, const uint8_t *mac);
void vif_free(struct vif *v);

/*
 * Serve the transmit ring until it is empty (re-arming req_event):
 * every packet answered, good ones delivered.  Returns true if the
 * frontend must be notified.
 */
bool netback_tx_service(struct vif *v);

/*
 * Copy one frame into the frontend's next posted receive page and answer
 * it.  1 (the frontend must be notified), 0 (answered, no notification
 * needed), -XEN_EAGAIN (no page posted: the frame is dropped),
 * -XEN_EINVAL (bad frame length or broken ring), -XEN_EFAULT (the copy
 * failed: answered NETIF_RSP_ERROR).
 */
int netback_rx_frame(struct vif *v, const void *frame, size_t len);

/* ---- The dom0 side (net.c): vifs for domains, the bridge ---- */

struct xenbus;
struct bridge;

/*
 * A vif specification, as in `hx create ... vif=<spec>`: comma-separated
 * mac=xx:xx:xx:xx:xx:xx (default 00:16:3e:<domid>:<devid>), ip=a.b.c.d
 * (written as the backend's "ip" key; the domU takes its address from
 * there), bridge=xenbr0 (the only one).  0 or -XEN_EINVAL.
 */
int netback_parse_spec(const char *spec, uint16_t front_id, unsigned int devid, uint8_t *mac,
		       char *ip, size_t iplen);
/*
 * Create vif `devid` for domain `front_id` from `spec`: both ends' XenStore
 * nodes, the backend at InitWait; the frontend connects on its own.
 * 0 or -XEN_*.
 */
int netback_attach(struct xenbus *xb, uint16_t front_id, unsigned int devid, const char *spec);
/* Tear down one vif, or every vif of a domain (devid ~0u), nodes included. */
int netback_detach(uint16_t front_id, unsigned int devid);
/* Serve every notified vif, the NIC, and reap vifs of dead domains. */
unsigned int netback_poll_all(void);
/* Vifs that exist / that are connected. */
unsigned int netback_count(bool connected_only);
/* dom0's bridge (xenbr0): dom0's own interface joins it as a port. */
struct bridge *netback_bridge(void);
/* Print every vif and bridge port with its counters. */
void netback_show(void);

#endif
