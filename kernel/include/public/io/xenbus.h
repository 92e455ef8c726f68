/*
 * XenBus device states, compatible with Xen's public io/xenbus.h (facts
 * only).  Each end of a split device publishes its state as a decimal
 * string in the "state" key of its XenStore directory; the two ends step
 * through these states to connect and disconnect (see docs/xenstore.md).
 */
#ifndef PUBLIC_IO_XENBUS_H
#define PUBLIC_IO_XENBUS_H

enum xenbus_state {
	XenbusStateUnknown = 0,
	XenbusStateInitialising = 1,
	XenbusStateInitWait = 2,    /* early setup done, waiting for the peer or hotplug */
	XenbusStateInitialised = 3, /* waiting for the peer to connect */
	XenbusStateConnected = 4,
	XenbusStateClosing = 5, /* going away, peer should close too */
	XenbusStateClosed = 6,
	XenbusStateReconfiguring = 7,
	XenbusStateReconfigured = 8
};
typedef enum xenbus_state XenbusState;

#endif /* PUBLIC_IO_XENBUS_H */
