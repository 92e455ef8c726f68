/*
 * netfront against netback's core in one process, over the simulated
 * grant table of tests/unit/blk/harness.c (domain 1 the frontend, 0 the
 * backend): frames both ways, more frames than the rings hold, the
 * event-index rule, and then the backend against a hostile frontend
 * (bad grant references, sizes, offsets, too many slots, half a packet,
 * extra-info slots, a producer index run ahead) and the frontend
 * against a hostile backend (stray ids, lengths past the page): every bad
 * packet is answered NETIF_RSP_ERROR and nothing is delivered, nothing
 * crashes, no grant is left behind.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <errno.h>
#include "../blk/harness.h"
#include <back/netback.h>
#include <core/gnttab.h>
#include <front/netfront.h>
#include <mm/mm.h>
#include <public/errno.h>

static struct netfront nf;
static struct vif vif;
static uint8_t got[ETH_FRAME_MAX];
static size_t got_len;
static unsigned long delivered;

static uint8_t got_first[64]; /* the first byte of each frame delivered, in order */

static void deliver(struct vif *v, const void *frame, size_t len)
{
	(void)v;
	memcpy(got, frame, len);
	got_len = len;
	got_first[delivered % 64] = *(const uint8_t *)frame;
	delivered++;
}

static int setup(void **state)
{
	static const uint8_t mac[6] = {0x00, 0x16, 0x3e, 0, 1, 0};
	(void)state;
	h_reset();
	memset(&nf, 0, sizeof(nf));
	assert_int_equal(netfront_rings_init(&nf, BACK_ID), 0);
	nf.port = FRONT_PORT;
	nf.connected = true;
	assert_int_equal(vif_init(&vif, FRONT_ID, 0, mac), 0);
	BACK_RING_INIT(&vif.tx, nf.tx.sring, PAGE_SIZE);
	BACK_RING_INIT(&vif.rx, nf.rx.sring, PAGE_SIZE);
	vif.deliver = deliver;
	delivered = 0;
	assert_int_equal(gnttab_in_use(), 2 + NETFRONT_TX_BUFS / 2 + NETFRONT_RX_BUFS);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	vif_free(&vif);
	assert_int_equal(netfront_rings_free(&nf), 0);
	assert_int_equal(gnttab_in_use(), 0);
	return 0;
}

static size_t make_frame(uint8_t *f, size_t len, unsigned int seed)
{
	for (size_t i = 0; i < len; i++)
		f[i] = (uint8_t)(i * 7 + seed);
	return len;
}

static void test_frames_both_ways(void **state)
{
	(void)state;
	uint8_t f[ETH_FRAME_MAX], in[ETH_FRAME_MAX];
	/* More frames than either ring or the buffer pools hold. */
	for (unsigned int i = 0; i < 600; i++) {
		size_t len = make_frame(f, ETH_HLEN + (i * 37) % (ETH_FRAME_MAX - ETH_HLEN + 1), i);
		assert_int_equal(netfront_send(&nf, f, len), 0);
		netback_tx_service(&vif);
		assert_int_equal(got_len, len);
		assert_memory_equal(got, f, len);
		assert_true(netback_rx_frame(&vif, f, len) >= 0);
		assert_int_equal(netfront_recv(&nf, in, sizeof(in)), (ssize_t)len);
		assert_memory_equal(in, f, len);
	}
	assert_int_equal(delivered, 600);
	assert_int_equal(netfront_recv(&nf, in, sizeof(in)), -EAGAIN);
	netfront_tx_reap(&nf);
	assert_int_equal(nf.tx_nfree, NETFRONT_TX_BUFS);
	assert_int_equal(nf.stats.stray + nf.stats.rx_errors + nf.stats.tx_errors, 0);
}

static void test_batches_and_limits(void **state)
{
	(void)state;
	uint8_t f[ETH_FRAME_MAX], in[ETH_FRAME_MAX];
	size_t len = make_frame(f, 100, 1);
	/* Every transmit buffer in flight: the next send must wait. */
	for (unsigned int i = 0; i < NETFRONT_TX_BUFS; i++)
		assert_int_equal(netfront_send(&nf, f, len), 0);
	assert_int_equal(netfront_send(&nf, f, len), -EAGAIN);
	/* The first push notified; the backend had not re-armed since. */
	assert_int_equal(h_back_kicks, 1);
	assert_true(netback_tx_service(&vif));
	assert_int_equal(delivered, NETFRONT_TX_BUFS);
	assert_int_equal(netfront_send(&nf, f, len), 0);
	assert_int_equal(h_back_kicks, 2); /* the backend re-armed req_event */
	/* Every receive page used: further frames are dropped, not queued. */
	for (unsigned int i = 0; i < NETFRONT_RX_BUFS; i++)
		assert_true(netback_rx_frame(&vif, f, len) >= 0);
	assert_int_equal(netback_rx_frame(&vif, f, len), -XEN_EAGAIN);
	assert_int_equal(vif.stats.rx_dropped, 1);
	assert_int_equal(netfront_recv(&nf, in, 50), -EMSGSIZE);
	assert_int_equal(netfront_recv(&nf, in, sizeof(in)), (ssize_t)len);
	assert_int_equal(netback_rx_frame(&vif, f, len), 0); /* a page came back */
	assert_int_equal(netback_rx_frame(&vif, f, ETH_HLEN - 1), -XEN_EINVAL);
	assert_int_equal(netback_rx_frame(&vif, f, ETH_FRAME_MAX + 1), -XEN_EINVAL);
	assert_int_equal(netfront_send(&nf, f, ETH_FRAME_MAX + 1), -EINVAL);
	assert_int_equal(netfront_send(&nf, f, 3), -EINVAL);
	netback_tx_service(&vif);
	while (netfront_recv(&nf, in, sizeof(in)) > 0)
		;
}

/* A burst of 40 frames, the 5th with a bad grant: batches of NETBACK_TX_BATCH
 * packets per copy hypercall, every good frame delivered in order and intact. */
static void test_tx_batches(void **state)
{
	(void)state;
	uint8_t f[ETH_FRAME_MAX];
	for (unsigned int i = 0; i < 40; i++) {
		make_frame(f, 1400, i);
		f[0] = (uint8_t)i;
		assert_int_equal(netfront_send(&nf, f, 1400), 0);
	}
	RING_GET_REQUEST(&nf.tx, nf.tx.req_prod_pvt - 36)->gref = 900; /* never granted */
	/* The last send's reap saw 39 in flight: hear of completions after 20. */
	assert_int_equal(nf.tx.sring->rsp_event, nf.tx.rsp_cons + 39 / 2 + 1);
	unsigned long calls = h_copy_calls;
	assert_true(netback_tx_service(&vif));
	assert_int_equal(h_copy_calls - calls, (40 + NETBACK_TX_BATCH - 1) / NETBACK_TX_BATCH);
	assert_int_equal(delivered, 39);
	for (unsigned int i = 0, d = 0; i < 40; i++)
		if (i != 4)
			assert_int_equal(got_first[d++], i);
	make_frame(f, 1400, 39);
	f[0] = 39;
	assert_memory_equal(got, f, 1400);
	assert_int_equal(vif.stats.tx_errors, 1);
	netfront_tx_reap(&nf);
	assert_int_equal(nf.stats.tx_errors, 1);
	assert_int_equal(nf.tx_nfree, NETFRONT_TX_BUFS);
}

/* Put a raw request on the tx ring as a hostile frontend would. */
static void raw(grant_ref_t gref, uint16_t offset, uint16_t flags, uint16_t id, uint16_t size)
{
	*RING_GET_REQUEST(&nf.tx, nf.tx.req_prod_pvt) = (struct netif_tx_request){
		.gref = gref, .offset = offset, .flags = flags, .id = id, .size = size};
	nf.tx.req_prod_pvt++;
}

/* Publish, serve, and count the responses with each status. */
static void serve(unsigned int *ok, unsigned int *err, unsigned int *null)
{
	RING_PUSH_REQUESTS(&nf.tx);
	netback_tx_service(&vif);
	*ok = *err = *null = 0;
	for (; nf.tx.rsp_cons != nf.tx.sring->rsp_prod; nf.tx.rsp_cons++) {
		int16_t s = RING_GET_RESPONSE(&nf.tx, nf.tx.rsp_cons)->status;
		*ok += s == NETIF_RSP_OKAY;
		*err += s == NETIF_RSP_ERROR;
		*null += s == NETIF_RSP_NULL;
	}
}

static void test_hostile_tx(void **state)
{
	(void)state;
	unsigned int ok, err, null;
	grant_ref_t g = nf.tx_gref[0];
	make_frame(nf.tx_page[0], PAGE_SIZE, 3);

	raw(g, 0, 0, 1, 60); /* a good one first */
	serve(&ok, &err, &null);
	assert_int_equal(ok, 1);
	assert_int_equal(delivered, 1);
	raw(GRANT_SLOTS + 5, 0, 0, 1, 60); /* reference past the table */
	raw(3, 0, 0, 2, 60);		   /* a reference never granted */
	raw(nf.rx_gref[0], 0, 0, 3, 60);   /* granted, but a receive page: fine to read */
	serve(&ok, &err, &null);
	assert_int_equal(err, 2);
	assert_int_equal(ok, 1);
	raw(g, 0, 0, 1, ETH_HLEN - 1);	    /* runt */
	raw(g, 0, 0, 2, ETH_FRAME_MAX + 1); /* giant */
	raw(g, 4000, 0, 3, 200);	    /* past the page */
	raw(g, 0, NETTXF_more_data, 4, 100);
	raw(g, 0, 0, 5, 120); /* fragments larger than the packet */
	serve(&ok, &err, &null);
	assert_int_equal(err, 5);
	assert_int_equal(ok, 0);
	/* Too many slots: every one answered, with an error. */
	raw(g, 0, NETTXF_more_data, 0, 1000);
	for (unsigned int i = 1; i < NETBACK_MAX_SLOTS + 3; i++)
		raw(g, 0, i + 1 < NETBACK_MAX_SLOTS + 3 ? NETTXF_more_data : 0, (uint16_t)i, 10);
	serve(&ok, &err, &null);
	assert_int_equal(err, NETBACK_MAX_SLOTS + 3);
	/* A good three-slot packet is put together in order. */
	raw(g, 10, NETTXF_more_data, 1, 300);
	raw(g, 1000, NETTXF_more_data, 2, 100);
	raw(g, 2000, 0, 3, 50);
	serve(&ok, &err, &null);
	assert_int_equal(ok, 3);
	assert_int_equal(got_len, 300);
	assert_memory_equal(got, nf.tx_page[0] + 10, 150);
	assert_memory_equal(got + 150, nf.tx_page[0] + 1000, 100);
	assert_memory_equal(got + 250, nf.tx_page[0] + 2000, 50);
	/* Extra info (we offer no feature using it): error, its slots NULL. */
	raw(g, 0, NETTXF_extra_info, 1, 60);
	raw(XEN_NETIF_EXTRA_FLAG_MORE << 8, 0, 0, 0, 0); /* the extra's flags byte: MORE */
	raw(0, 0, 0, 0, 0);
	serve(&ok, &err, &null);
	assert_int_equal(err, 1);
	assert_int_equal(null, 2);
	/* Half a packet published: answered with errors, not waited for. */
	raw(g, 0, NETTXF_more_data, 1, 100);
	serve(&ok, &err, &null);
	assert_int_equal(err, 1);
	assert_int_equal(delivered, 3);
	assert_int_equal(vif.stats.tx_errors, 9);
	assert_false(vif.broken);
}

static void test_producer_overrun(void **state)
{
	(void)state;
	uint8_t f[64];
	nf.tx.sring->req_prod = vif.tx.rsp_prod_pvt + NETBACK_RING_SLOTS + 1;
	netback_tx_service(&vif);
	assert_true(vif.broken);
	assert_int_equal(delivered, 0);
	assert_int_equal(netback_rx_frame(&vif, make_frame(f, 64, 0) ? f : f, 64), -XEN_EINVAL);
	nf.tx.sring->req_prod = 0;
}

static void test_rx_overrun_breaks(void **state)
{
	(void)state;
	uint8_t f[64];
	nf.rx.sring->req_prod += NETBACK_RING_SLOTS * 2;
	assert_int_equal(netback_rx_frame(&vif, make_frame(f, 64, 0) ? f : f, 64), -XEN_EINVAL);
	assert_true(vif.broken);
	nf.rx.sring->req_prod -= NETBACK_RING_SLOTS * 2;
}

static void test_hostile_backend(void **state)
{
	(void)state;
	uint8_t in[ETH_FRAME_MAX];
	struct netif_rx_response *r;
	/* A stray id, a length past the page, a multi-slot frame, an error. */
	r = RING_GET_RESPONSE(&nf.rx, 0);
	*r = (struct netif_rx_response){.id = NETFRONT_RX_BUFS + 3, .status = 60};
	r = RING_GET_RESPONSE(&nf.rx, 1);
	*r = (struct netif_rx_response){.id = 1, .offset = 4000, .status = 200};
	r = RING_GET_RESPONSE(&nf.rx, 2);
	*r = (struct netif_rx_response){.id = 2, .flags = NETRXF_more_data, .status = 60};
	r = RING_GET_RESPONSE(&nf.rx, 3);
	*r = (struct netif_rx_response){.id = 3, .status = NETIF_RSP_ERROR};
	nf.rx.sring->rsp_prod = 4;
	assert_int_equal(netfront_recv(&nf, in, sizeof(in)), -EAGAIN);
	assert_int_equal(nf.stats.stray, 1);
	assert_int_equal(nf.stats.rx_errors, 3);
	/* Transmit responses for ids never sent are ignored too. */
	*RING_GET_RESPONSE(&nf.tx, 0) = (struct netif_tx_response){.id = 7, .status = 0};
	nf.tx.sring->rsp_prod = 1;
	netfront_tx_reap(&nf);
	assert_int_equal(nf.stats.stray, 2);
	assert_int_equal(nf.tx_nfree, NETFRONT_TX_BUFS);
	/* A response index run far ahead: nothing is taken. */
	nf.rx.sring->rsp_prod = nf.rx.rsp_cons + 1000;
	assert_int_equal(netfront_recv(&nf, in, sizeof(in)), -EAGAIN);
	nf.rx.sring->rsp_prod = nf.rx.rsp_cons;
}

static void test_dead_frontend(void **state)
{
	(void)state;
	uint8_t f[ETH_FRAME_MAX];
	size_t len = make_frame(f, 200, 9);
	assert_int_equal(netfront_send(&nf, f, len), 0);
	h_front_dead = true; /* every copy against its grants fails from now */
	netback_tx_service(&vif);
	assert_int_equal(delivered, 0);
	assert_int_equal(vif.stats.tx_errors, 1);
	assert_int_equal(netback_rx_frame(&vif, f, len), -XEN_EFAULT);
	assert_int_equal(vif.stats.rx_errors, 1);
	assert_int_equal(h_maps, 0); /* nothing of the frontend is mapped */
	h_front_dead = false;
}

/* An IPv4 frame of `proto` with `l4len` bytes of segment at f; a junk checksum. */
static size_t csum_frame(uint8_t *f, uint8_t proto, size_t l4len)
{
	size_t len = ETH_HLEN + IP_HLEN + l4len;
	make_frame(f, len, 5);
	net_put16(f + 12, ETH_P_IP);
	uint8_t *ip = f + ETH_HLEN;
	ip[0] = 0x45;
	net_put16(ip + 2, (uint16_t)(IP_HLEN + l4len));
	net_put16(ip + 6, 0x4000); /* don't fragment, offset 0 */
	ip[9] = proto;
	return len;
}

/* Does the TCP/UDP checksum of the IPv4 frame f verify (sum over all is 0)? */
static bool csum_ok(const uint8_t *f)
{
	const uint8_t *ip = f + ETH_HLEN;
	size_t ihl = (ip[0] & 0xfu) * 4u, l4len = net_get16(ip + 2) - ihl;
	uint32_t sum = net_get16(ip + 12) + net_get16(ip + 14) + net_get16(ip + 16) +
		       net_get16(ip + 18) + ip[9] + (uint32_t)l4len;
	return ip_checksum(ip + ihl, l4len, sum) == 0;
}

/*
 * netif.h: IPv4 checksum offload is on unless the frontend writes
 * feature-no-csum-offload, so a Xen frontend sends NETTXF_csum_blank
 * packets and the backend completes their TCP/UDP checksum.  A flagged
 * packet we cannot complete (not IPv4, a fragment, ICMP, truncated) is
 * an error, never delivered with a wrong checksum.
 */
static void test_tx_csum_blank(void **state)
{
	(void)state;
	unsigned int ok, err, null;
	grant_ref_t g = nf.tx_gref[0];
	uint8_t *f = nf.tx_page[0];

	size_t len = csum_frame(f, IP_PROTO_UDP, 333); /* odd length: the padded last byte */
	raw(g, 0, NETTXF_csum_blank | NETTXF_data_validated, 1, (uint16_t)len);
	serve(&ok, &err, &null);
	assert_int_equal(ok, 1);
	assert_int_equal(got_len, len);
	assert_true(csum_ok(got));
	assert_memory_equal(got, f, ETH_HLEN + IP_HLEN + 6); /* all but the checksum as sent */
	assert_memory_equal(got + ETH_HLEN + IP_HLEN + 8, f + ETH_HLEN + IP_HLEN + 8, 333 - 8);
	len = csum_frame(f, IP_PROTO_TCP, 1000);
	f[ETH_HLEN] = 0x46; /* a 24-byte IP header: the segment starts later */
	raw(g, 0, NETTXF_csum_blank, 2, (uint16_t)len);
	serve(&ok, &err, &null);
	assert_int_equal(ok, 1);
	assert_int_equal(got_len, len);
	assert_true(csum_ok(got));
	assert_int_equal(vif.stats.tx_csum, 2);
	/* Without the flag the frame passes untouched, junk checksum and all. */
	len = csum_frame(f, IP_PROTO_UDP, 100);
	raw(g, 0, 0, 3, (uint16_t)len);
	serve(&ok, &err, &null);
	assert_int_equal(ok, 1);
	assert_memory_equal(got, f, len);
	/* Flagged but impossible: ARP, a fragment, ICMP, an IP length past the frame. */
	len = csum_frame(f, IP_PROTO_UDP, 100);
	net_put16(f + 12, ETH_P_ARP);
	raw(g, 0, NETTXF_csum_blank, 4, (uint16_t)len);
	serve(&ok, &err, &null);
	assert_int_equal(err, 1);
	len = csum_frame(f, IP_PROTO_UDP, 100);
	net_put16(f + ETH_HLEN + 6, 0x2000); /* more fragments */
	raw(g, 0, NETTXF_csum_blank, 5, (uint16_t)len);
	len = csum_frame(f + 2048, IP_PROTO_ICMP, 100);
	raw(g, 2048, NETTXF_csum_blank, 6, (uint16_t)len);
	serve(&ok, &err, &null);
	assert_int_equal(err, 2);
	len = csum_frame(f, IP_PROTO_TCP, 100);
	raw(g, 0, NETTXF_csum_blank, 7, (uint16_t)(len - 1));
	serve(&ok, &err, &null);
	assert_int_equal(err, 1);
	assert_int_equal(delivered, 3);
	assert_int_equal(vif.stats.tx_csum, 2);
}

int net_netif_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_frames_both_ways, setup, teardown),
		cmocka_unit_test_setup_teardown(test_batches_and_limits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tx_batches, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hostile_tx, setup, teardown),
		cmocka_unit_test_setup_teardown(test_producer_overrun, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rx_overrun_breaks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hostile_backend, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dead_frontend, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tx_csum_blank, setup, teardown),
	};
	return cmocka_run_group_tests_name("netif", tests, NULL, NULL);
}
