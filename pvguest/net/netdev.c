/*
 * The stack's glue in a guest: time from the pvguest clock, ping's
 * sleep, and a device of the device table as an interface's wire.
 *
 * Waiting for an echo reply: the waiter samples an event counter, checks
 * that no reply came meanwhile, and blocks; the interface's notify (run
 * by whichever thread fed the reply to net_input) signals the counter.
 * A ticker thread signals it every NET_TICK_NS while anyone waits, so
 * deadlines are noticed without a timer per waiter.  Threads are
 * cooperative, so nothing runs between the check and the block.
 *
 * A DEV_NET device as the wire (net_attach_device): frames go out
 * through its write (a full ring is retried a few times, then the
 * frame is dropped, as on any Ethernet), and a thread reads every frame
 * that arrives into net_input, sleeping on the device's rx_event (or
 * polling every NET_TICK_NS if it has none).
 *
 * The UDP stream and sink of the net bench: the sender pauses after each
 * burst so the receiver's domain gets the CPU (UDP has no flow control,
 * and a receiver that never runs only drops), then sends an end marker;
 * the sink reports bytes and the time from the first datagram to the
 * last.
 */
#include "net.h"

#include <core/device.h>
#include <core/sched.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#define NET_TICK_NS  (10ULL * 1000000ULL)
#define SEND_RETRIES 64
#define UDP_BURST    32	     /* datagrams of a stream between pauses: half the rx pages */
#define UDP_PAUSE_NS 1000ULL /* blocks us, so the receiver's domain runs */
#define UDP_END	     "END"

static struct event_counter echo_ev;
static volatile unsigned int waiting;
static bool ticker_started;
static uint8_t rx_frame[ETH_FRAME_MAX];

static uint64_t now(void)
{
	return clock_now_ns();
}

static void notify(struct netif *nif)
{
	(void)nif;
	event_signal(&echo_ev);
}

static void ticker(void *arg)
{
	(void)arg;
	for (;;) {
		thread_sleep_ns(NET_TICK_NS);
		if (waiting)
			event_signal(&echo_ev);
	}
}

static void wait_reply(struct netif *nif, unsigned long echo_seen, uint64_t deadline)
{
	unsigned long seen = echo_ev.count;

	if (nif->echo_count != echo_seen || clock_now_ns() >= deadline)
		return;
	if (!ticker_started)
		ticker_started = thread_create("net-tick", ticker, NULL) != NULL;
	waiting++;
	event_wait(&echo_ev, seen);
	waiting--;
}

void net_glue_init(struct netif *nif)
{
	nif->now = now;
	nif->notify = notify;
	nif->wait = wait_reply;
}

/* A full transmit ring waits for the device's next event (a completion). */
static int dev_output(struct netif *nif, const void *frame, size_t len)
{
	struct device *dev = nif->priv;
	ssize_t n = -EAGAIN;

	for (int i = 0; i < SEND_RETRIES && n == -EAGAIN; i++) {
		unsigned long seen = dev->rx_event ? dev->rx_event->count : 0;
		n = dev->write(dev, frame, len);
		if (n == -EAGAIN && dev->rx_event)
			event_wait(dev->rx_event, seen);
		else if (n == -EAGAIN)
			thread_yield();
	}
	return n < 0 ? (int)n : 0;
}

static void rx_thread(void *arg)
{
	struct netif *nif = arg;
	struct device *dev = nif->priv;

	for (;;) {
		unsigned long seen = dev->rx_event ? dev->rx_event->count : 0;
		ssize_t n;
		while ((n = dev->read(dev, rx_frame, sizeof(rx_frame))) > 0 || n == -EMSGSIZE)
			if (n > 0)
				net_input(nif, rx_frame, (size_t)n);
		if (dev->rx_event)
			event_wait(dev->rx_event, seen);
		else
			thread_sleep_ns(NET_TICK_NS);
	}
}

int net_attach_device(struct netif *nif, struct device *dev)
{
	if (!dev || dev->kind != DEV_NET || !dev->read || !dev->write)
		return -ENODEV;
	net_glue_init(nif);
	nif->output = dev_output;
	nif->priv = dev;
	return thread_create("net-rx", rx_thread, nif) ? 0 : -ENOMEM;
}

int net_udp_stream(struct netif *nif, uint32_t dst, uint16_t port, unsigned int count, size_t size)
{
	static uint8_t buf[UDP_MAX];
	int rc = 0;

	if (size < sizeof(uint32_t) || size > UDP_MAX)
		return -EINVAL;
	for (unsigned int i = 0; i < count && !rc; i++) {
		memset(buf, (int)i, size);
		memcpy(buf, &i, sizeof(i));
		rc = udp_send(nif, dst, port, port, buf, size);
		if ((i + 1) % UDP_BURST == 0)
			thread_sleep_ns(UDP_PAUSE_NS);
	}
	for (int i = 0; i < 3; i++) { /* the end marker, in case one is lost */
		thread_sleep_ns(NET_TICK_NS);
		udp_send(nif, dst, port, port, UDP_END, sizeof(UDP_END) - 1);
	}
	return rc;
}

struct udp_sink {
	unsigned long bytes, datagrams;
	uint64_t first, last;
};

static void sink_rx(struct netif *nif, uint32_t src, uint16_t sport, const uint8_t *data,
		    size_t len, void *arg)
{
	struct udp_sink *s = arg;
	uint64_t t = nif->now();
	char ip[16];

	(void)sport;
	if (len == sizeof(UDP_END) - 1 && memcmp(data, UDP_END, len) == 0) {
		if (s->datagrams)
			printf("net: udp from %s: %lu bytes, %lu datagrams in %llu ns\n",
			       ip_format(src, ip), s->bytes, s->datagrams,
			       (unsigned long long)(s->last - s->first));
		memset(s, 0, sizeof(*s));
		return;
	}
	if (!s->datagrams)
		s->first = t;
	s->bytes += len;
	s->datagrams++;
	s->last = t;
}

int net_udp_sink(struct netif *nif, uint16_t port)
{
	static struct udp_sink sink;

	return udp_bind(nif, port, sink_rx, &sink);
}
