/*
 * ping: ICMP echo requests one at a time, each waiting for its own reply
 * (matched by identifier and sequence number, so a late reply to an
 * earlier request is not mistaken for this one), with round-trip times
 * from nif->now and a summary in the usual form.  Waiting is the
 * interface's own business (nif->wait: a sleeping thread in a guest, a
 * simulated network in the host tests).
 */
#include "net.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NS_PER_US	 1000ULL
#define NS_PER_S	 1000000000ULL
#define PING_TIMEOUT_NS	 (2 * NS_PER_S)
#define PING_SIZE_DEF	 56
#define PING_FIRST_RETRY (200ULL * 1000000ULL)

static uint16_t next_id = 0x4800;

/* Send seq and wait until its reply or the deadline; true if answered. */
static bool echo_once(struct netif *nif, uint32_t dst, uint16_t id, uint16_t seq, size_t size,
		      uint64_t deadline, uint64_t *rtt)
{
	uint64_t sent = nif->now(), at;

	if (icmp_echo_send(nif, dst, id, seq, size) && !nif->parked_len)
		return false;
	for (;;) {
		unsigned long seen = nif->echo_count;
		if (icmp_echo_seen(nif, dst, id, seq, &at)) {
			*rtt = at - sent;
			return true;
		}
		if (nif->now() >= deadline)
			return false;
		nif->wait(nif, seen, deadline);
	}
}

int net_ping(struct netif *nif, uint32_t dst, unsigned int count, size_t size, uint64_t timeout_ns,
	     uint64_t first_wait_ns, bool quiet, struct ping_stats *st)
{
	uint16_t id = next_id++, seq = 0;
	uint64_t rtt, until = nif->now() + first_wait_ns;
	char ip[16];

	memset(st, 0, sizeof(*st));
	while (first_wait_ns &&
	       !echo_once(nif, dst, id, seq++, size, nif->now() + PING_FIRST_RETRY, &rtt))
		if (nif->now() >= until)
			break;
	for (unsigned int i = 0; i < count; i++, seq++) {
		st->sent++;
		if (!echo_once(nif, dst, id, seq, size, nif->now() + timeout_ns, &rtt)) {
			if (!quiet)
				printf("no reply from %s: icmp_seq=%u\n", ip_format(dst, ip), seq);
			continue;
		}
		st->received++;
		st->sum_ns += rtt;
		st->min_ns = st->received == 1 || rtt < st->min_ns ? rtt : st->min_ns;
		st->max_ns = rtt > st->max_ns ? rtt : st->max_ns;
		if (!quiet)
			printf("%zu bytes from %s: icmp_seq=%u time=%llu us\n", size + 8,
			       ip_format(dst, ip), seq, (unsigned long long)(rtt / NS_PER_US));
	}
	return st->received == st->sent ? 0 : 1;
}

static bool number(const char *s, unsigned long max, unsigned long *out)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);

	if (!*s || *end || *s == '-' || v > max)
		return false;
	*out = v;
	return true;
}

int net_ping_cmd(struct netif *nif, int argc, char **argv)
{
	unsigned long count = 4, size = PING_SIZE_DEF, wait_s = 0;
	bool quiet = false;
	uint32_t dst = 0;
	int i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		bool has_value = i + 1 < argc;
		if (strcmp(a, "-q") == 0)
			quiet = true;
		else if (strcmp(a, "-c") == 0 && has_value && number(argv[i + 1], 100000, &count))
			i++;
		else if (strcmp(a, "-s") == 0 && has_value && number(argv[i + 1], 1472, &size))
			i++;
		else if (strcmp(a, "-w") == 0 && has_value && number(argv[i + 1], 600, &wait_s))
			i++;
		else if (a[0] != '-' && !dst && ip_parse(a, &dst) == 0 && dst)
			continue;
		else
			break;
	}
	if (i < argc || !dst || !count) {
		printf("usage: ping [-c count] [-s size] [-w first-wait-seconds] [-q] a.b.c.d\n");
		return 2;
	}
	if (!nif || !nif->ip) {
		printf("ping: no network interface with an address\n");
		return 2;
	}
	struct ping_stats st;
	char ip[16];
	int rc = net_ping(nif, dst, (unsigned int)count, size, PING_TIMEOUT_NS, wait_s * NS_PER_S,
			  quiet, &st);
	printf("%s: %u packets transmitted, %u received", ip_format(dst, ip), st.sent, st.received);
	if (st.received) {
		uint64_t t[3] = {st.min_ns, st.sum_ns / st.received, st.max_ns};
		printf(", rtt min/avg/max = ");
		for (int k = 0; k < 3; k++)
			printf("%llu.%03llu%s", (unsigned long long)(t[k] / NS_PER_US),
			       (unsigned long long)(t[k] % NS_PER_US), k < 2 ? "/" : " us");
	}
	printf("\n");
	return rc;
}
