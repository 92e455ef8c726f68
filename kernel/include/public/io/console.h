/*
 * The console ring page shared by a domain and its console backend.
 *
 * Two byte rings with free-running 32-bit indices: out (guest to backend,
 * 2 KiB) and in (backend to guest, 1 KiB).  The producer writes bytes at
 * prod & (size - 1) while prod - cons < size, issues a write barrier,
 * stores prod, and signals the console event channel.  The domain builder
 * zeroes the page and sets connection to XENCONSOLE_DISCONNECTED; the
 * backend writes XENCONSOLE_CONNECTED once it serves the ring.
 */
#ifndef PUBLIC_IO_CONSOLE_H
#define PUBLIC_IO_CONSOLE_H

#include <stdint.h>

typedef uint32_t XENCONS_RING_IDX;

#define MASK_XENCONS_IDX(idx, ring) ((idx) & (sizeof(ring) - 1))

#define XENCONSOLE_CONNECTED	0
#define XENCONSOLE_DISCONNECTED 1

struct xencons_interface {
	char in[1024];
	char out[2048];
	XENCONS_RING_IDX in_cons, in_prod;
	XENCONS_RING_IDX out_cons, out_prod;
	uint8_t connection; /* XENCONSOLE_* */
};
typedef struct xencons_interface xencons_interface_t;

#endif /* PUBLIC_IO_CONSOLE_H */
