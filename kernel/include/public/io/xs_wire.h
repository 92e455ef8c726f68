/*
 * XenStore wire protocol: the byte layout a guest and the XenStore daemon
 * agree on, compatible with Xen's public io/xs_wire.h (facts only).
 *
 * A message is a 16-byte header (struct xsd_sockmsg) followed by `len`
 * payload bytes, normally NUL-terminated strings.  Replies echo the
 * request's type, req_id and tx_id; a failure is answered with type XS_ERROR
 * and the error's *name* ("ENOENT") as payload.  Watch events arrive
 * unsolicited as XS_WATCH_EVENT with req_id 0.
 *
 * A domain reaches the daemon through one shared page laid out as struct
 * xenstore_domain_interface: two 1 KiB byte rings with free-running 32-bit
 * indices (masked with MASK_XENSTORE_IDX), the guest producing into req[]
 * and the daemon into rsp[].  Messages are a byte stream: one may wrap
 * around the ring end or need several fills of the ring.
 */
#ifndef PUBLIC_IO_XS_WIRE_H
#define PUBLIC_IO_XS_WIRE_H

#include <stdint.h>

enum xsd_sockmsg_type {
	XS_CONTROL = 0, /* also known as XS_DEBUG */
	XS_DIRECTORY = 1,
	XS_READ = 2,
	XS_GET_PERMS = 3,
	XS_WATCH = 4,
	XS_UNWATCH = 5,
	XS_TRANSACTION_START = 6,
	XS_TRANSACTION_END = 7,
	XS_INTRODUCE = 8,
	XS_RELEASE = 9,
	XS_GET_DOMAIN_PATH = 10,
	XS_WRITE = 11,
	XS_MKDIR = 12,
	XS_RM = 13,
	XS_SET_PERMS = 14,
	XS_WATCH_EVENT = 15,
	XS_ERROR = 16,
	XS_IS_DOMAIN_INTRODUCED = 17,
	XS_RESUME = 18,
	XS_SET_TARGET = 19,
	XS_RESTRICT = 20, /* withdrawn: always invalid */
	XS_RESET_WATCHES = 21,
	XS_DIRECTORY_PART = 22,
	XS_GET_FEATURE = 23,
	XS_SET_FEATURE = 24,
	XS_GET_QUOTA = 25,
	XS_SET_QUOTA = 26,
	XS_TYPE_COUNT, /* one past the last assigned number */
	XS_INVALID = 0xffff
};
#define XS_DEBUG XS_CONTROL

/*
 * The error names a daemon may send, in Xen's table order; the errno value
 * each stands for is the XEN_E* number of the same name.
 */
#define XSD_ERROR_NAMES                                                                            \
	"EINVAL", "EACCES", "EEXIST", "EISDIR", "ENOENT", "ENOMEM", "ENOSPC", "EIO", "ENOTEMPTY",  \
		"ENOSYS", "EROFS", "EBUSY", "EAGAIN", "EISCONN", "E2BIG", "EPERM"

struct xsd_sockmsg {
	uint32_t type;	 /* enum xsd_sockmsg_type */
	uint32_t req_id; /* chosen by the client, echoed in the reply */
	uint32_t tx_id;	 /* transaction id, 0 outside a transaction */
	uint32_t len;	 /* payload bytes that follow */
};

/* Index of the two strings in an XS_WATCH_EVENT payload. */
enum xs_watch_type { XS_WATCH_PATH = 0, XS_WATCH_TOKEN = 1 };

#define XENSTORE_RING_SIZE 1024
typedef uint32_t XENSTORE_RING_IDX;
#define MASK_XENSTORE_IDX(idx) ((idx) & (XENSTORE_RING_SIZE - 1))

struct xenstore_domain_interface {
	char req[XENSTORE_RING_SIZE]; /* guest -> daemon */
	char rsp[XENSTORE_RING_SIZE]; /* daemon -> guest: replies, watch events */
	XENSTORE_RING_IDX req_cons, req_prod;
	XENSTORE_RING_IDX rsp_cons, rsp_prod;
	uint32_t server_features; /* XENSTORE_SERVER_FEATURE_* */
	uint32_t connection;	  /* XENSTORE_CONNECTED / XENSTORE_RECONNECT */
	uint32_t error;		  /* XENSTORE_ERROR_* */
	uint32_t evtchn_port;	  /* preset by the builder, or 0 */
};

/* A payload longer than this breaks the connection. */
#define XENSTORE_PAYLOAD_MAX 4096

/* Longer paths are refused with EINVAL. */
#define XENSTORE_ABS_PATH_MAX 3072
#define XENSTORE_REL_PATH_MAX 2048

#define XENSTORE_SERVER_FEATURE_RECONNECTION 1
#define XENSTORE_SERVER_FEATURE_ERROR	     2
#define XENSTORE_SERVER_FEATURE_WATCHDEPTH   4
#define XENSTORE_SERVER_FEATURE_DOMID_ANY    8

#define XENSTORE_CONNECTED 0
#define XENSTORE_RECONNECT 1

#define XENSTORE_ERROR_NONE    0
#define XENSTORE_ERROR_COMM    1 /* connection failed */
#define XENSTORE_ERROR_RINGIDX 2 /* inconsistent ring indices */
#define XENSTORE_ERROR_PROTO   3 /* protocol violation (e.g. payload too long) */

#endif /* PUBLIC_IO_XS_WIRE_H */
