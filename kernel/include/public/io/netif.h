/*
 * The network split driver protocol (vif), copy mode.
 *
 * Two rings in two granted pages.  Transmit: the frontend posts a packet
 * as one or more tx requests (the first carries the total size, the others
 * their fragment size, chained by NETTXF_more_data; NETTXF_extra_info
 * means extra-info slots follow), each answered by a tx response with the
 * same id.  Receive: the frontend posts empty granted pages as rx requests;
 * the backend copies a packet in (GNTTABOP_copy) and answers in the same
 * ring slots with rx responses (status = bytes, or NETIF_RSP_*).
 */
#ifndef PUBLIC_IO_NETIF_H
#define PUBLIC_IO_NETIF_H

#include "../grant_table.h"
#include "ring.h"

#define XEN_NETIF_NR_SLOTS_MIN 18
#define XEN_NETIF_MAX_TX_SIZE  0xFFFF

#define _NETTXF_csum_blank     0
#define NETTXF_csum_blank      (1U << _NETTXF_csum_blank)
#define _NETTXF_data_validated 1
#define NETTXF_data_validated  (1U << _NETTXF_data_validated)
#define _NETTXF_more_data      2
#define NETTXF_more_data       (1U << _NETTXF_more_data)
#define _NETTXF_extra_info     3
#define NETTXF_extra_info      (1U << _NETTXF_extra_info)

struct netif_tx_request {
	grant_ref_t gref;
	uint16_t offset; /* within the granted page */
	uint16_t flags;	 /* NETTXF_* */
	uint16_t id;	 /* echoed in the response */
	uint16_t size;	 /* first slot: packet size; others: fragment size */
};
typedef struct netif_tx_request netif_tx_request_t;

#define XEN_NETIF_EXTRA_TYPE_NONE      0
#define XEN_NETIF_EXTRA_TYPE_GSO       1
#define XEN_NETIF_EXTRA_TYPE_MCAST_ADD 2
#define XEN_NETIF_EXTRA_TYPE_MCAST_DEL 3
#define XEN_NETIF_EXTRA_TYPE_HASH      4
#define XEN_NETIF_EXTRA_TYPE_MAX       5

#define _XEN_NETIF_EXTRA_FLAG_MORE 0
#define XEN_NETIF_EXTRA_FLAG_MORE  (1U << _XEN_NETIF_EXTRA_FLAG_MORE)

#define XEN_NETIF_GSO_TYPE_NONE	 0
#define XEN_NETIF_GSO_TYPE_TCPV4 1
#define XEN_NETIF_GSO_TYPE_TCPV6 2

/* An extra-info slot, in place of a tx request or rx response. */
struct netif_extra_info {
	uint8_t type;  /* XEN_NETIF_EXTRA_TYPE_* */
	uint8_t flags; /* XEN_NETIF_EXTRA_FLAG_* */
	union {
		struct {
			uint16_t size;
			uint8_t type;
			uint8_t pad;
			uint16_t features;
		} gso;
		struct {
			uint8_t addr[6];
		} mcast;
		struct {
			uint8_t type;
			uint8_t algorithm;
			uint8_t value[4];
		} hash;
		uint16_t pad[3];
	} u;
};
typedef struct netif_extra_info netif_extra_info_t;

struct netif_tx_response {
	uint16_t id;
	int16_t status; /* NETIF_RSP_* */
};
typedef struct netif_tx_response netif_tx_response_t;

struct netif_rx_request {
	uint16_t id;
	uint16_t pad;
	grant_ref_t gref; /* an empty page, granted writable */
};
typedef struct netif_rx_request netif_rx_request_t;

#define _NETRXF_data_validated 0
#define NETRXF_data_validated  (1U << _NETRXF_data_validated)
#define _NETRXF_csum_blank     1
#define NETRXF_csum_blank      (1U << _NETRXF_csum_blank)
#define _NETRXF_more_data      2
#define NETRXF_more_data       (1U << _NETRXF_more_data)
#define _NETRXF_extra_info     3
#define NETRXF_extra_info      (1U << _NETRXF_extra_info)
#define _NETRXF_gso_prefix     4
#define NETRXF_gso_prefix      (1U << _NETRXF_gso_prefix)

struct netif_rx_response {
	uint16_t id;
	uint16_t offset; /* where the data starts in the page */
	uint16_t flags;	 /* NETRXF_* */
	int16_t status;	 /* bytes received, or NETIF_RSP_* */
};
typedef struct netif_rx_response netif_rx_response_t;

#define NETIF_RSP_DROPPED (-2)
#define NETIF_RSP_ERROR	  (-1)
#define NETIF_RSP_OKAY	  0
#define NETIF_RSP_NULL	  1 /* slot held an extra-info, no real response */

DEFINE_RING_TYPES(netif_tx, struct netif_tx_request, struct netif_tx_response);
DEFINE_RING_TYPES(netif_rx, struct netif_rx_request, struct netif_rx_response);

#endif /* PUBLIC_IO_NETIF_H */
