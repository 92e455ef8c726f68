/*
 * Shared request/response rings between a frontend and a backend.
 *
 * A ring lives in one granted page: a 64-byte header of four free-running
 * 32-bit indices, then an array of slots, each big enough for a request or
 * a response.  The slot count is the largest power of two that fits, so
 * an index is reduced to a slot with "& (size - 1)" and the indices simply
 * wrap at 2^32.
 *
 *   req_prod   written by the frontend: requests published so far
 *   rsp_prod   written by the backend:  responses published so far
 *   req_event  written by the backend:  "notify me when req_prod passes this"
 *   rsp_event  written by the frontend: the same for rsp_prod
 *
 * Each side keeps private counters (front: req_prod_pvt, rsp_cons; back:
 * rsp_prod_pvt, req_cons) and publishes a batch at once.  A response is
 * written into the slot of an already consumed request, so a backend
 * copies each request out before answering it.
 *
 * Notification rule: after publishing new_prod over old_prod (entries
 * visible before the index, index visible before reading the event
 * counter), the producer notifies iff the consumer's event counter lies in
 * (old_prod, new_prod], computed in 32-bit modular arithmetic as
 *     (RING_IDX)(new - event) < (RING_IDX)(new - old).
 * A consumer about to sleep sets its event counter to cons + 1, issues a
 * full barrier and looks once more (RING_FINAL_CHECK_FOR_*), so a request
 * published in between is never missed.
 *
 * DEFINE_RING_TYPES(name, req_t, rsp_t) declares struct name_sring and the
 * two private views struct name_front_ring / name_back_ring.  The macro
 * names are Xen's so split drivers written for Xen read the same here.
 */
#ifndef PUBLIC_IO_RING_H
#define PUBLIC_IO_RING_H

#include <stdint.h>

typedef uint32_t RING_IDX;

/* Barriers (x86-64: stores are ordered, loads are ordered; mb orders both). */
#ifndef xen_mb
#define xen_mb()  __asm__ __volatile__("lock; addl $0,-4(%%rsp)" ::: "memory")
#define xen_rmb() __asm__ __volatile__("" ::: "memory")
#define xen_wmb() __asm__ __volatile__("" ::: "memory")
#endif

#define XEN_RING_HEADER_BYTES 64

/* Round n down to a power of two (n < 2^16 for any page-sized ring). */
#define __RD2(_x)  (((_x)&0x00000002) ? 0x2 : ((_x)&0x1))
#define __RD4(_x)  (((_x)&0x0000000c) ? __RD2((_x) >> 2) << 2 : __RD2(_x))
#define __RD8(_x)  (((_x)&0x000000f0) ? __RD4((_x) >> 4) << 4 : __RD4(_x))
#define __RD16(_x) (((_x)&0x0000ff00) ? __RD8((_x) >> 8) << 8 : __RD8(_x))
#define __RD32(_x) (((_x)&0xffff0000) ? __RD16((_x) >> 16) << 16 : __RD16(_x))

/* Slots in a ring of _sz bytes whose shared struct is *(_s). */
#define __CONST_RING_SIZE(_name, _sz)                                                              \
	(__RD32(((_sz)-XEN_RING_HEADER_BYTES) / sizeof(((struct _name##_sring *)0)->ring[0])))
#define __RING_SIZE(_s, _sz) (__RD32(((_sz)-XEN_RING_HEADER_BYTES) / sizeof((_s)->ring[0])))

#define DEFINE_RING_TYPES(__name, __req_t, __rsp_t)                                                \
	union __name##_sring_entry {                                                               \
		__req_t req;                                                                       \
		__rsp_t rsp;                                                                       \
	};                                                                                         \
	struct __name##_sring {                                                                    \
		RING_IDX req_prod, req_event;                                                      \
		RING_IDX rsp_prod, rsp_event;                                                      \
		union {                                                                            \
			struct {                                                                   \
				uint8_t smartpoll_active;                                          \
			} netif;                                                                   \
			struct {                                                                   \
				uint8_t msg;                                                       \
			} tapif_user;                                                              \
			uint8_t pvt_pad[4];                                                        \
		} pvt;                                                                             \
		uint8_t __pad[44];                                                                 \
		union __name##_sring_entry ring[];                                                 \
	};                                                                                         \
	struct __name##_front_ring {                                                               \
		RING_IDX req_prod_pvt;                                                             \
		RING_IDX rsp_cons;                                                                 \
		unsigned int nr_ents;                                                              \
		struct __name##_sring *sring;                                                      \
	};                                                                                         \
	struct __name##_back_ring {                                                                \
		RING_IDX rsp_prod_pvt;                                                             \
		RING_IDX req_cons;                                                                 \
		unsigned int nr_ents;                                                              \
		struct __name##_sring *sring;                                                      \
	};                                                                                         \
	typedef struct __name##_sring __name##_sring_t;                                            \
	typedef struct __name##_front_ring __name##_front_ring_t;                                  \
	typedef struct __name##_back_ring __name##_back_ring_t

/* Frontend: initialise the shared page (indices 0, event counters 1). */
#define SHARED_RING_INIT(_s)                                                                       \
	do {                                                                                       \
		(_s)->req_prod = (_s)->rsp_prod = 0;                                               \
		(_s)->req_event = (_s)->rsp_event = 1;                                             \
		__builtin_memset(&(_s)->pvt, 0, sizeof((_s)->pvt));                                \
		__builtin_memset((_s)->__pad, 0, sizeof((_s)->__pad));                             \
	} while (0)

#define FRONT_RING_ATTACH(_r, _s, _i, __size)                                                      \
	do {                                                                                       \
		(_r)->req_prod_pvt = (_i);                                                         \
		(_r)->rsp_cons = (_i);                                                             \
		(_r)->nr_ents = __RING_SIZE(_s, __size);                                           \
		(_r)->sring = (_s);                                                                \
	} while (0)
#define FRONT_RING_INIT(_r, _s, __size) FRONT_RING_ATTACH(_r, _s, 0, __size)

#define BACK_RING_ATTACH(_r, _s, _i, __size)                                                       \
	do {                                                                                       \
		(_r)->rsp_prod_pvt = (_i);                                                         \
		(_r)->req_cons = (_i);                                                             \
		(_r)->nr_ents = __RING_SIZE(_s, __size);                                           \
		(_r)->sring = (_s);                                                                \
	} while (0)
#define BACK_RING_INIT(_r, _s, __size) BACK_RING_ATTACH(_r, _s, 0, __size)

#define RING_SIZE(_r)		  ((_r)->nr_ents)
#define RING_FREE_REQUESTS(_r)	  (RING_SIZE(_r) - ((_r)->req_prod_pvt - (_r)->rsp_cons))
#define RING_FULL(_r)		  (RING_FREE_REQUESTS(_r) == 0)
#define RING_GET_REQUEST(_r, _i)  (&((_r)->sring->ring[(_i) & (RING_SIZE(_r) - 1)].req))
#define RING_GET_RESPONSE(_r, _i) (&((_r)->sring->ring[(_i) & (RING_SIZE(_r) - 1)].rsp))

/* Copy a request out of the shared slot (one read of each byte). */
#define RING_COPY_REQUEST(_r, _i, _req)                                                            \
	do {                                                                                       \
		*(_req) = *(volatile __typeof__(_req))RING_GET_REQUEST(_r, _i);                    \
	} while (0)

/* Responses published but not yet consumed by the frontend. */
#define RING_HAS_UNCONSUMED_RESPONSES(_r) ((_r)->sring->rsp_prod - (_r)->rsp_cons)

/*
 * Requests published but not yet consumed by the backend, never more than
 * the slots the backend has not yet answered (a frontend that pushes
 * req_prod further is lying and is clamped).
 */
#define RING_HAS_UNCONSUMED_REQUESTS(_r)                                                           \
	__extension__({                                                                            \
		RING_IDX __req = (_r)->sring->req_prod - (_r)->req_cons;                           \
		RING_IDX __rsp = RING_SIZE(_r) - ((_r)->req_cons - (_r)->rsp_prod_pvt);            \
		__req < __rsp ? __req : __rsp;                                                     \
	})

/* True if the producer has run more than a ring ahead of cons. */
#define RING_REQUEST_CONS_OVERFLOW(_r, _cons)  (((_cons) - (_r)->rsp_prod_pvt) >= RING_SIZE(_r))
#define RING_REQUEST_PROD_OVERFLOW(_r, _prod)  (((_prod) - (_r)->rsp_prod_pvt) > RING_SIZE(_r))
#define RING_RESPONSE_PROD_OVERFLOW(_r, _prod) (((_prod) - (_r)->rsp_cons) > RING_SIZE(_r))

#define RING_PUSH_REQUESTS(_r)                                                                     \
	do {                                                                                       \
		xen_wmb();                                                                         \
		(_r)->sring->req_prod = (_r)->req_prod_pvt;                                        \
	} while (0)

#define RING_PUSH_RESPONSES(_r)                                                                    \
	do {                                                                                       \
		xen_wmb();                                                                         \
		(_r)->sring->rsp_prod = (_r)->rsp_prod_pvt;                                        \
	} while (0)

/* Does moving a producer from _old to _new pass the consumer's _event? */
#define RING_NEED_NOTIFY(_old, _new, _event)                                                       \
	((RING_IDX)((_new) - (_event)) < (RING_IDX)((_new) - (_old)))

#define RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(_r, _notify)                                           \
	do {                                                                                       \
		RING_IDX __old = (_r)->sring->req_prod;                                            \
		RING_IDX __new = (_r)->req_prod_pvt;                                               \
		xen_wmb();                                                                         \
		(_r)->sring->req_prod = __new;                                                     \
		xen_mb();                                                                          \
		(_notify) = RING_NEED_NOTIFY(__old, __new, (_r)->sring->req_event);                \
	} while (0)

#define RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(_r, _notify)                                          \
	do {                                                                                       \
		RING_IDX __old = (_r)->sring->rsp_prod;                                            \
		RING_IDX __new = (_r)->rsp_prod_pvt;                                               \
		xen_wmb();                                                                         \
		(_r)->sring->rsp_prod = __new;                                                     \
		xen_mb();                                                                          \
		(_notify) = RING_NEED_NOTIFY(__old, __new, (_r)->sring->rsp_event);                \
	} while (0)

#define RING_FINAL_CHECK_FOR_REQUESTS(_r, _more)                                                   \
	do {                                                                                       \
		(_more) = RING_HAS_UNCONSUMED_REQUESTS(_r);                                        \
		if (!(_more)) {                                                                    \
			(_r)->sring->req_event = (_r)->req_cons + 1;                               \
			xen_mb();                                                                  \
			(_more) = RING_HAS_UNCONSUMED_REQUESTS(_r);                                \
		}                                                                                  \
	} while (0)

#define RING_FINAL_CHECK_FOR_RESPONSES(_r, _more)                                                  \
	do {                                                                                       \
		(_more) = RING_HAS_UNCONSUMED_RESPONSES(_r);                                       \
		if (!(_more)) {                                                                    \
			(_r)->sring->rsp_event = (_r)->rsp_cons + 1;                               \
			xen_mb();                                                                  \
			(_more) = RING_HAS_UNCONSUMED_RESPONSES(_r);                               \
		}                                                                                  \
	} while (0)

#endif /* PUBLIC_IO_RING_H */
