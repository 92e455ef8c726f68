/*
 * Test harness for the XenStore daemon: fake domains, each with an
 * in-memory store page, talking raw wire messages to one daemon.
 */
#ifndef TEST_XENSTORE_HARNESS_H
#define TEST_XENSTORE_HARNESS_H

#include <stdint.h>
#include <xenbus/xs_ring.h>
#include <dom0/xenstored/xenstored.h>

#define NDOMS 4

struct tdom {
	uint16_t domid;
	struct xenstore_domain_interface page;
	struct xs_ring ring;
	uint32_t req_id;
	/* last reply */
	uint32_t type, tx_id, len;
	char data[XENSTORE_PAYLOAD_MAX + 1];
	/* watch events received, "path token" */
	char events[32][256];
	unsigned int nevents;
};

extern struct xsd *xsd;
extern struct tdom doms[NDOMS]; /* doms[0] is dom0, doms[i] is domain i */
extern int kicks;
extern unsigned int log_lines; /* lines the daemon logged */

void harness_setup(void);
void harness_teardown(void);
/* dom0 introduces domain i (it gets a connection). */
void introduce(unsigned int i);
/* Send a raw message; run the daemon; fill t->type/len/data with the reply. */
uint32_t call(struct tdom *t, uint32_t type, uint32_t tx, const void *payload, uint32_t len);
/* Read one whole message into buf (polling the daemon for the rest); false if none. */
bool read_msg(struct tdom *t, struct xsd_sockmsg *h, char *buf);
/* Pump messages that arrive unasked (watch events) into t->events. */
void drain(struct tdom *t);
/* Pop the oldest event as "path token"; NULL if none. */
const char *next_event(struct tdom *t);

#define CALL(t, type, lit)	 call((t), (type), 0, (lit), sizeof(lit))
#define TCALL(t, type, tx, lit)	 call((t), (type), (tx), (lit), sizeof(lit))
#define WRITE(t, path, val)	 call((t), XS_WRITE, 0, path "\0" val, sizeof(path "\0" val) - 1)
#define TWRITE(t, tx, path, val) call((t), XS_WRITE, (tx), path "\0" val, sizeof(path "\0" val) - 1)

#define assert_reply(t, want) assert_string_equal((t)->data, (want))
#define assert_error(t, name)                                                                      \
	do {                                                                                       \
		assert_int_equal((t)->type, XS_ERROR);                                             \
		assert_string_equal((t)->data, (name));                                            \
	} while (0)

#endif
