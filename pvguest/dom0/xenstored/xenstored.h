/*
 * The XenStore daemon's outside interface.  The daemon is pure C: it owns
 * the node tree and speaks the wire protocol; how a domain's store page is
 * mapped and how its event channel is kicked is supplied by the host
 * program (dom0's kernel, or the unit tests) through struct xsd_ops.
 *
 * Drive it by calling xsd_poll() whenever a store event channel fires (it
 * is cheap when nothing is pending).  Nothing here blocks.
 */
#ifndef XENSTORED_XENSTORED_H
#define XENSTORED_XENSTORED_H

#include <stdbool.h>
#include <stdint.h>
#include <public/io/xs_wire.h>

struct xsd;
struct xsd_conn;

struct xsd_ops {
	/*
	 * XS_INTRODUCE: map domain `domid`'s store page (guest frame `gfn`)
	 * and bind its event channel `port`.  Fill *intf and *notify_arg
	 * (passed back to notify/disconnect); return 0 or a negative error.
	 */
	int (*connect)(void *ctx, uint16_t domid, uint64_t gfn, uint32_t port,
		       struct xenstore_domain_interface **intf, void **notify_arg);
	void (*notify)(void *notify_arg);
	void (*disconnect)(void *ctx, uint16_t domid, void *notify_arg);
	void (*log)(void *ctx, const char *msg); /* optional, one line */
	void *ctx;
};

/* Per-domain limits (Xen's defaults); dom0 is exempt. */
struct xsd_quota {
	unsigned int nodes;	    /* nodes owned */
	unsigned int entry_bytes;   /* value bytes per node */
	unsigned int perms;	    /* ACL entries per node */
	unsigned int watches;	    /* registered watches */
	unsigned int transactions;  /* open transactions */
	unsigned int outstanding;   /* replies queued but not yet taken */
	unsigned int queued_events; /* watch events queued before dropping */
	unsigned int copied_nodes;  /* nodes in the private copies of its transactions */
};

struct xsd *xsd_create(const struct xsd_ops *ops);
void xsd_destroy(struct xsd *d);
struct xsd_quota *xsd_quota(struct xsd *d);

/*
 * Attach a connection directly (dom0's own ring, or tests).  Domain 0 is
 * privileged.  Returns NULL when out of memory or `domid` is connected.
 */
struct xsd_conn *xsd_attach(struct xsd *d, uint16_t domid, struct xenstore_domain_interface *intf,
			    void *notify_arg);

/* Serve every connection until no progress is possible; returns true if any work was done. */
bool xsd_poll(struct xsd *d);

/* The hypervisor says `domid` died: as XS_RELEASE (nodes, watches gone). */
void xsd_domain_gone(struct xsd *d, uint16_t domid);

/*
 * The hypervisor says `domid` shut down (powered off, crashed...) but still
 * exists: @releaseDomain fires once, as Xen's xenstored does, so that the
 * toolstack and the backends look at it; the connection stays.  Returns
 * true if it fired (false: not introduced, or already reported).
 */
bool xsd_domain_shutdown(struct xsd *d, uint16_t domid);

/*
 * dom0's toolstack API (pvguest/dom0/xenstore.c, where the daemon runs as
 * a thread of dom0): hand a new domain's store page (its grant entry 1,
 * GNTTAB_RESERVED_XENSTORE; `store_gfn` is its frame, for the record) and
 * its store event channel (an unbound port of the domain for dom0) to the
 * daemon, or take them back.  Both go over the wire as XS_INTRODUCE /
 * XS_RELEASE from dom0's own connection, so they block the calling thread
 * until the daemon answers.  0 or a negative Xen error.
 */
int xs_introduce_domain(uint16_t domid, unsigned long store_gfn, uint32_t port);
int xs_release_domain(uint16_t domid);

/* Statistics for tests and the toolstack. */
unsigned int xsd_node_count(struct xsd *d);
unsigned long xsd_dropped_events(struct xsd *d);

/* Check the tree's internal invariants (tests and debugging); true if sound. */
bool xsd_check(struct xsd *d);

#endif /* XENSTORED_XENSTORED_H */
