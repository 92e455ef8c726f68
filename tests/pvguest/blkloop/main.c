/*
 * blkloop: blkfront and blkback in one domain, on the real hypervisor.
 *
 * dom0 serves a disk to itself (Xen allows a driver domain to be its own
 * frontend): the frontend grants its pages in dom0's grant table, the
 * backend copies them with GNTTABOP_copy, a loopback interdomain event
 * channel carries the notifications, the ring page is grant-mapped, and
 * the handshake goes through a xenstored running in this program.  Only
 * the domain boundary is missing compared with a domU frontend, so this
 * proves the drivers and the hypervisor paths they use, and measures the
 * split-driver overhead against reading the same RAM disk directly.
 *
 * Checks (TAP lines): 64 MiB written at random offsets and sizes with a
 * per-block seed, read back and compared both through xvda and directly
 * on the RAM disk; unaligned buffers; flush; discard; disconnect with
 * every grant back; reconnect with the data intact.  Then the bench
 * lines.  main() returning 0 powers dom0 off: the QEMU verdict.
 */
#include <back/blkback.h>
#include <back/ramdisk.h>
#include <core/device.h>
#include <core/gnttab.h>
#include <core/kernel.h>
#include <core/sched.h>
#include <dom0/xenstored/xenstored.h>
#include <front/blkfront.h>
#include <stdio.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>

#define DISK_MIB    16
#define BLOCK	    4096u
#define NR_BLOCKS   (DISK_MIB * 1024 * 1024 / BLOCK)
#define TRAFFIC_MIB 64
#define MAX_CHUNK   64 /* blocks per random transfer */

static struct xsd *xsd;
static struct xenstore_domain_interface store_page;
static struct xenbus xb;
static bool dispatching;
static int failures;
static uint32_t seed_of[NR_BLOCKS]; /* what each block holds */

static void check(bool ok, const char *what)
{
	printf("%sok - blkloop: %s\n", ok ? "" : "not ", what);
	failures += !ok;
}

/* The store is in this program: serve it, then run watch callbacks. */
static void store_wait(void *ctx)
{
	(void)ctx;
	if (!xsd_poll(xsd))
		thread_yield();
	if (!dispatching) {
		dispatching = true;
		xenbus_dispatch_events(&xb);
		dispatching = false;
	}
}

static void nop_notify(void *arg)
{
	(void)arg;
}

static uint32_t rng_state = 12345;
static uint32_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return rng_state;
}

/* Block contents from a seed; seed 0 (never written) is all zeros. */
static uint32_t word(uint32_t seed, unsigned int i)
{
	return seed ? seed * 2654435761u + i : 0;
}

static void fill_block(uint32_t *p, uint32_t seed)
{
	for (unsigned int i = 0; i < BLOCK / 4; i++)
		p[i] = word(seed, i);
}

static bool block_ok(const uint32_t *p, uint32_t seed)
{
	for (unsigned int i = 0; i < BLOCK / 4; i++)
		if (p[i] != word(seed, i))
			return false;
	return true;
}

/* Verify every block of dev against seed_of[] (sectors of 512 bytes). */
static unsigned int verify(struct device *dev, uint8_t *buf)
{
	unsigned int bad = 0;
	for (unsigned int b = 0; b < NR_BLOCKS; b += MAX_CHUNK) {
		if (dev->block->read(dev, (uint64_t)b * 8, MAX_CHUNK * 8, buf))
			return NR_BLOCKS;
		for (unsigned int i = 0; i < MAX_CHUNK; i++)
			bad += !block_ok((uint32_t *)(buf + i * BLOCK), seed_of[b + i]);
	}
	return bad;
}

static void random_traffic(struct device *xvda, uint8_t *buf)
{
	unsigned long bytes = 0, writes = 0;
	int err = 0;
	while (bytes < (unsigned long)TRAFFIC_MIB << 20 && !err) {
		unsigned int n = 1 + rng() % MAX_CHUNK, b = rng() % (NR_BLOCKS - n + 1);
		for (unsigned int i = 0; i < n; i++) {
			seed_of[b + i] = (uint32_t)writes * 977 + i + 1;
			fill_block((uint32_t *)(buf + i * BLOCK), seed_of[b + i]);
		}
		err = xvda->block->write(xvda, (uint64_t)b * 8, n * 8, buf);
		bytes += n * BLOCK;
		writes++;
	}
	check(!err, "64 MiB written through xvda at random offsets and sizes");
}

static uint64_t now_us(void)
{
	return clock_now_ns() / 1000;
}

/* Sequential read of the whole disk; returns microseconds. */
static uint64_t time_seq_read(struct device *dev, uint8_t *buf)
{
	uint64_t t = now_us();
	for (unsigned int b = 0; b < NR_BLOCKS; b += MAX_CHUNK)
		dev->block->read(dev, (uint64_t)b * 8, MAX_CHUNK * 8, buf);
	return now_us() - t;
}

static uint64_t time_random_4k(struct device *dev, uint8_t *buf, unsigned int n)
{
	uint64_t t = now_us();
	for (unsigned int i = 0; i < n; i++)
		dev->block->read(dev, (uint64_t)(rng() % NR_BLOCKS) * 8, 8, buf);
	return now_us() - t;
}

static void bench(struct device *ram, struct device *xvda, uint8_t *buf)
{
	uint64_t direct = time_seq_read(ram, buf), front = time_seq_read(xvda, buf);
	printf("bench blk_loop_seq_read_direct_MBps %lu\n",
	       (unsigned long)((uint64_t)DISK_MIB * 1000000 / (direct ? direct : 1)));
	printf("bench blk_loop_seq_read_front_MBps %lu\n",
	       (unsigned long)((uint64_t)DISK_MIB * 1000000 / (front ? front : 1)));
	printf("bench blk_loop_seq_read_ratio_pct %lu\n",
	       (unsigned long)(direct * 100 / (front ? front : 1)));
	direct = time_random_4k(ram, buf, 2000);
	front = time_random_4k(xvda, buf, 2000);
	printf("bench blk_loop_rand4k_read_direct_us %lu\n", (unsigned long)(direct / 2000));
	printf("bench blk_loop_rand4k_read_front_us %lu\n", (unsigned long)(front / 2000));
	printf("bench blk_loop_rand4k_read_ratio_pct %lu\n",
	       (unsigned long)(direct * 100 / (front ? front : 1)));
}

static struct device *setup(void)
{
	static const struct xsd_ops ops = {.notify = nop_notify};
	static const struct xenbus_waiter w = {store_wait, NULL};

	check(gnttab_init() == 0, "grant table set up and mapped");
	xsd = xsd_create(&ops);
	check(xsd && xsd_attach(xsd, 0, &store_page, NULL), "xenstored in process");
	xenbus_init(&xb, &store_page, nop_notify, NULL, &w);
	struct device *ram = ramdisk_create("ram0", (uint64_t)DISK_MIB << 20);
	check(ram && device_register(ram) == 0, "RAM disk ram0 registered");
	thread_create("blkback", blkback_worker, NULL);
	check(blkback_attach(&xb, 0, 51712, "ram0") == 0, "blkback: vbd 51712 of d0 on ram0");
	return ram;
}

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	struct device *ram = setup();
	check(blkfront_probe_all(&xb, 0) == 1, "blkfront connected one disk");
	struct device *xvda = device_find("xvda");
	check(xvda && xvda->sectors == DISK_MIB * 2048 && xvda->sector_size == 512,
	      "xvda in the device table with the backend's size");
	if (!xvda)
		return 1;
	uint8_t *buf = memalign(4096, MAX_CHUNK * BLOCK + 4096);
	uint64_t t = now_us();
	random_traffic(xvda, buf);
	printf("blkloop: random writes took %lu ms\n", (unsigned long)((now_us() - t) / 1000));
	check(verify(xvda, buf) == 0, "every block reads back through xvda");
	check(verify(ram, buf) == 0, "every block is on the RAM disk itself");
	static uint32_t expect[BLOCK / 4];
	fill_block(expect, seed_of[1]);
	check(xvda->block->read(xvda, 8, 3, buf + 1) == 0 && memcmp(buf + 1, expect, 1536) == 0,
	      "unaligned buffer through the bounce path");
	check(xvda->block->flush(xvda) == 0, "flush");
	check(xvda->block->discard(xvda, 0, 64) == 0 && xvda->block->read(xvda, 0, 64, buf) == 0 &&
		      buf[0] == 0 && buf[64 * 512 - 1] == 0 && ramdisk_pages(ram) <= NR_BLOCKS - 8,
	      "discard: pages freed, zeros read back");
	for (unsigned int i = 0; i < 8; i++)
		fill_block((uint32_t *)(buf + i * BLOCK), seed_of[i]);
	check(xvda->block->write(xvda, 0, 64, buf) == 0, "rewrite the discarded blocks");
	struct blkfront_dev *d = xvda->priv;
	check(blkfront_disconnect(d) == 0 && gnttab_in_use() == 0,
	      "disconnect: every grant revoked, none left in use");
	check(blkback_count(true) == 0, "blkback unhooked the ring and the channel");
	check(xvda->block->read(xvda, 0, 8, buf) != 0, "I/O while disconnected fails");
	check(blkfront_connect(d, &xb, 0, 51712) == 0, "reconnect");
	check(verify(xvda, buf) == 0, "data intact after reconnect");
	bench(ram, xvda, buf);
	printf("blkloop: front %lu requests (%lu indirect), %lu notifications; %u grants in use\n",
	       d->bf.stats.requests, d->bf.stats.indirect, d->bf.stats.notifies, gnttab_in_use());
	printf("%s: %d failure(s)\n", failures ? "FAIL" : "PASS", failures);
	return failures ? 1 : 0;
}
