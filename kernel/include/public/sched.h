/*
 * sched_op (hypercall 29): giving up the CPU, blocking for events,
 * polling ports and shutting down.
 *
 * SCHEDOP_block first clears the caller's evtchn_upcall_mask, then sleeps
 * until an event is pending for it.  SCHEDOP_poll sleeps until one of the
 * listed ports is pending, whatever the masks say, or until an absolute
 * system-time timeout.  The legacy hypercall 6 takes (cmd, arg) with the
 * shutdown reason passed directly.
 */
#ifndef PUBLIC_SCHED_H
#define PUBLIC_SCHED_H

#include "event_channel.h"

#define SCHEDOP_yield		0
#define SCHEDOP_block		1
#define SCHEDOP_shutdown	2
#define SCHEDOP_poll		3
#define SCHEDOP_remote_shutdown 4
#define SCHEDOP_shutdown_code	5
#define SCHEDOP_watchdog	6
#define SCHEDOP_pin_override	7

struct sched_shutdown {
	unsigned int reason; /* SHUTDOWN_* */
};
typedef struct sched_shutdown sched_shutdown_t;

#define SCHEDOP_POLL_MAX_PORTS 128

struct sched_poll {
	XEN_GUEST_HANDLE(evtchn_port) ports;
	unsigned int nr_ports;
	uint64_t timeout; /* absolute system time in ns, 0 = none */
};
typedef struct sched_poll sched_poll_t;

struct sched_remote_shutdown {
	domid_t domain_id;
	unsigned int reason;
};
typedef struct sched_remote_shutdown sched_remote_shutdown_t;

struct sched_watchdog {
	uint32_t id;	  /* 0 = create a new watchdog */
	uint32_t timeout; /* seconds; 0 with id != 0 = destroy */
};
typedef struct sched_watchdog sched_watchdog_t;

struct sched_pin_override {
	int32_t pcpu;
};

#define SHUTDOWN_poweroff   0
#define SHUTDOWN_reboot	    1
#define SHUTDOWN_suspend    2
#define SHUTDOWN_crash	    3
#define SHUTDOWN_watchdog   4
#define SHUTDOWN_soft_reset 5
#define SHUTDOWN_MAX	    5

#endif /* PUBLIC_SCHED_H */
