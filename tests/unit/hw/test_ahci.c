/*
 * The AHCI driver against the fake HBA: bring-up (reset, ports with and
 * without disks, IDENTIFY), reads and writes with NCQ and without (data
 * lands in the disk image, several commands in flight, unaligned
 * buffers, vectored calls with every piece in flight), bad requests refused before the device sees them, a disk
 * error and a timeout (failed with -EIO/-ETIMEDOUT, the port works
 * again afterwards), flushes not mixed with queued commands, and
 * interrupts (noted, EOI'd).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "fake_ahci.h"
#include "fake_e1000.h"
#include "tests.h"
#include <core/device.h>
#include <hw/ahci.h>
#include <hw/e1000.h>
#include <hw/hw.h>

static struct fake_ahci fake_storage, *fake = &fake_storage;
static struct ahci_hba hba;

static void drop_ports(void)
{
	for (int n = 0; n < AHCI_PORTS; n++)
		free(hba.port[n]);
}

static void bring_up(uint32_t pi, uint32_t present, bool ncq, int want)
{
	drop_ports();
	fake_hw_reset();
	fake_ahci_init(fake, pi, present, ncq);
	memset(&hba, 0, sizeof(hba));
	volatile void *abar = hw_map_mmio(FAKE_AHCI_BASE, 0x1100);
	assert_non_null(abar);
	assert_int_equal(ahci_init(&hba, abar), want);
}

static void fill(uint8_t *b, size_t n, unsigned int seed)
{
	for (size_t i = 0; i < n; i++)
		b[i] = (uint8_t)(i * 7 + seed + (i >> 9));
}

static void test_ahci_init_finds_disks(void **state)
{
	bring_up(0xf, 0x5, true, 0);
	assert_non_null(hba.port[0]);
	assert_null(hba.port[1]);
	assert_non_null(hba.port[2]);
	assert_null(hba.port[3]);
	assert_string_equal(hba.port[0]->model, "HOSPES FAKE DISK");
	assert_int_equal(hba.port[0]->sectors, FAKE_AHCI_SECTORS);
	assert_true(hba.port[0]->ncq);
	assert_int_equal(hba.nslots, 32);
	assert_true(fake_hw_logged("NCQ"));
}

static void test_ahci_no_disk(void **state)
{
	bring_up(0x3, 0, true, -ENODEV);
	assert_null(hba.port[0]);
}

static void test_ahci_atapi_is_skipped(void **state)
{
	drop_ports();
	fake_hw_reset();
	fake_ahci_init(fake, 0x3, 0x1, false);
	fake->atapi = 0x2;
	memset(&hba, 0, sizeof(hba));
	assert_int_equal(ahci_init(&hba, hw_map_mmio(FAKE_AHCI_BASE, 0x1100)), 0);
	assert_non_null(hba.port[0]);
	assert_null(hba.port[1]);
	assert_true(fake_hw_logged("not a disk"));
}

static void round_trip(bool ncq, size_t offset)
{
	bring_up(0x1, 0x1, ncq, 0);
	struct ahci_port *p = hba.port[0];
	size_t n = 1040, len = n * 512; /* three commands (256 KiB at most each) */
	size_t room = (len + 8191) & ~(size_t)4095;
	uint8_t *out = aligned_alloc(4096, room), *in = aligned_alloc(4096, room);
	fill(out + offset, len, 3);
	unsigned int ci = fake->ci_writes, sact = fake->sact_writes;
	assert_int_equal(ahci_rw(p, 1000, out + offset, n, true), 0);
	assert_memory_equal(fake->disk[0] + 1000 * 512, out + offset, len);
	memset(in, 0, room);
	assert_int_equal(ahci_rw(p, 1000, in + offset, n, false), 0);
	assert_memory_equal(in + offset, out + offset, len);
	assert_true(fake->max_in_flight > 1);
	/* Each transfer's three commands rung together: one doorbell each. */
	assert_int_equal(fake->ci_writes - ci, 2);
	assert_int_equal(fake->sact_writes - sact, ncq ? 2 : 0);
	if (ncq) {
		assert_int_equal(fake->queued_cmds, 6);
		assert_int_equal(fake->dma_cmds, 0);
	} else {
		assert_int_equal(fake->dma_cmds, 6);
		assert_int_equal(fake->queued_cmds, 0);
	}
	assert_int_equal(fake->bad_prds, 0);
	free(out);
	free(in);
}

static void test_ahci_rw_ncq(void **state)
{
	round_trip(true, 0);
}

static void test_ahci_rw_without_ncq(void **state)
{
	round_trip(false, 0);
}

static void test_ahci_rw_unaligned_buffer(void **state)
{
	round_trip(true, 6);
}

/* Machine-memory transfers: pieces in any order, more pieces than one
 * command's PRDs, several transfers in flight, bad ones refused alone. */
static void test_ahci_rw_bus(void **state)
{
	bring_up(0x1, 0x1, true, 0);
	struct ahci_port *p = hba.port[0];
	enum { N = AHCI_PRDS + 4 }; /* pieces: more than one command's PRDs */
	uint8_t *page = aligned_alloc(4096, (N + 5) * 4096);
	struct block_sg w[N], r[20], bad[1];
	fill(page, N * 4096, 5);
	for (int i = 0; i < N; i++) /* the last page first: scattered, not contiguous */
		w[i] = (struct block_sg){.bus = (uintptr_t)(page + (N - 1 - i) * 4096),
					 .len = 4096};
	for (int i = 0; i < 20; i++)
		r[i] = (struct block_sg){.bus = (uintptr_t)(page + N * 4096 + (19 - i) * 1024),
					 .len = 1024};
	bad[0] = (struct block_sg){.bus = (uintptr_t)page, .len = 1000};
	struct block_io ios[] = {
		{.write = true, .sector = 100, .count = 8 * N, .sg = w, .nsg = N},
		{.write = true, .sector = 1000, .count = 2, .sg = bad, .nsg = 1},
		{.write = true, .sector = FAKE_AHCI_SECTORS - 1, .count = 8, .sg = w, .nsg = 1},
	};
	assert_int_equal(ahci_rw_bus(p, ios, 3), 0);
	assert_int_equal(ios[0].status, 0);
	assert_int_equal(ios[1].status, -EINVAL);
	assert_int_equal(ios[2].status, -EINVAL);
	for (int i = 0; i < N; i++)
		assert_memory_equal(fake->disk[0] + (100 + 8 * i) * 512, page + (N - 1 - i) * 4096,
				    4096);
	assert_true(fake->max_in_flight > 1);
	/* Read 10 KiB back into 1 KiB pieces in reverse order. */
	struct block_io rd = {.sector = 100 + 8 * 15, .count = 40, .sg = r, .nsg = 20};
	assert_int_equal(ahci_rw_bus(p, &rd, 1), 0);
	assert_int_equal(rd.status, 0);
	for (int i = 0; i < 20; i++)
		assert_memory_equal(page + N * 4096 + (19 - i) * 1024,
				    fake->disk[0] + (220 + 2 * i) * 512, 1024);
	assert_int_equal(fake->last_prdtl, 20); /* backwards: nothing to merge */
	/* Pieces in machine order merge: 16 pages, then 2 x 1 KiB, one PRD. */
	struct block_sg fwd[18];
	for (int i = 0; i < 16; i++)
		fwd[i] = (struct block_sg){.bus = (uintptr_t)(page + i * 4096), .len = 4096};
	fwd[16] = (struct block_sg){.bus = (uintptr_t)(page + 16 * 4096), .len = 1024};
	fwd[17] = (struct block_sg){.bus = (uintptr_t)(page + 16 * 4096 + 1024), .len = 1024};
	struct block_io in_order = {.sector = 300, .count = 132, .sg = fwd, .nsg = 18};
	assert_int_equal(ahci_rw_bus(p, &in_order, 1), 0);
	assert_int_equal(in_order.status, 0);
	assert_int_equal(fake->last_prdtl, 1);
	assert_memory_equal(page, fake->disk[0] + 300 * 512, 132 * 512);
	fwd[5].bus += 4096; /* a gap: three runs */
	fwd[5].len = 2048;
	in_order.count = 128;
	assert_int_equal(ahci_rw_bus(p, &in_order, 1), 0);
	assert_int_equal(fake->last_prdtl, 3);
	/* More commands than one queue's worth (the allocated path): 40 one-piece reads. */
	struct block_io many[40];
	for (int i = 0; i < 40; i++)
		many[i] = (struct block_io){
			.sector = 100 + 8 * (i % 20), .count = 8, .sg = &w[i % 20], .nsg = 1};
	assert_int_equal(ahci_rw_bus(p, many, 40), 0);
	for (int i = 0; i < 40; i++)
		assert_int_equal(many[i].status, 0);
	/* Without 64-bit addressing a piece above 4 GiB is refused before the HBA sees it. */
	hba.cap &= ~(1u << 31);
	struct block_sg high = {.bus = 1ULL << 32, .len = 4096};
	struct block_io hi = {.sector = 0, .count = 8, .sg = &high, .nsg = 1};
	unsigned int cmds = fake->queued_cmds;
	assert_int_equal(ahci_rw_bus(p, &hi, 1), 0);
	assert_int_equal(hi.status, -EINVAL);
	assert_int_equal(fake->queued_cmds, cmds);
	assert_false(ahci_dma64(&hba));
	assert_int_equal(fake->bad_prds, 0);
	assert_int_equal(p->busy, 0);
	free(page);
}

/* Vectored: every piece's commands in flight together (a queue depth of
 * single-command pieces), data where single transfers put it; a bad
 * piece anywhere refuses the call before any command is issued. */
static void test_ahci_rw_vec(void **state)
{
	bring_up(0x1, 0x1, true, 0);
	struct ahci_port *p = hba.port[0];
	enum { N = 8 };
	uint8_t *buf = aligned_alloc(4096, N * 4096), *one = aligned_alloc(4096, 4096);
	struct block_vec v[N];

	for (unsigned int i = 0; i < N; i++) { /* 4 KiB at scattered sectors, backwards */
		v[i] = (struct block_vec){(uint64_t)(N - i) * 200 + i, 8, buf + i * 4096};
		fill(fake->disk[0] + v[i].sector * 512, 4096, i + 40);
	}
	fake->max_in_flight = 0;
	unsigned int before = fake->queued_cmds, ci = fake->ci_writes, sact = fake->sact_writes;
	assert_int_equal(ahci_rw_vec(p, false, v, N), 0);
	assert_int_equal(fake->queued_cmds - before, N);
	assert_int_equal(fake->max_in_flight, N);  /* all at once */
	assert_int_equal(fake->ci_writes - ci, 1); /* and rung with one doorbell */
	assert_int_equal(fake->sact_writes - sact, 1);
	for (unsigned int i = 0; i < N; i++) {
		assert_int_equal(ahci_rw(p, v[i].sector, one, 8, false), 0);
		assert_memory_equal(one, buf + i * 4096, 4096);
	}
	/* A long piece among short ones: split into commands, written where it belongs. */
	uint8_t *big = aligned_alloc(4096, 38 * 4096); /* 300 sectors */
	fill(big, 300 * 512, 77);
	struct block_vec w[2] = {{1500, 300, big}, {10, 1, big}};
	assert_int_equal(ahci_rw_vec(p, true, w, 2), 0);
	assert_memory_equal(fake->disk[0] + 1500 * 512, big, 300 * 512);
	assert_memory_equal(fake->disk[0] + 10 * 512, big, 512);
	/* Refused whole: past the end, empty, odd buffer; none of them issued. */
	before = fake->queued_cmds;
	const struct block_vec bad[] = {
		{FAKE_AHCI_SECTORS - 4, 8, buf}, {0, 0, buf}, {0, 8, buf + 1}};
	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		v[N - 1] = bad[i];
		assert_int_equal(ahci_rw_vec(p, true, v, N), -EINVAL);
	}
	assert_int_equal(ahci_rw_vec(p, false, v, 0), -EINVAL);
	assert_int_equal(fake->queued_cmds, before);
	assert_int_equal(p->busy, 0);
	/* 256 KiB is one command from a page boundary, two from inside a page. */
	uint8_t *q = aligned_alloc(4096, 65 * 4096);
	assert_int_equal(ahci_rw(p, 0, q, 512, false), 0);
	assert_int_equal(fake->queued_cmds - before, 1);
	assert_int_equal(ahci_rw(p, 0, q + 6, 512, false), 0);
	assert_int_equal(fake->queued_cmds - before, 3);
	assert_int_equal(fake->bad_prds, 0);
	free(q);
	free(buf);
	free(one);
	free(big);
}

static void test_ahci_bad_requests(void **state)
{
	bring_up(0x1, 0x1, true, 0);
	struct ahci_port *p = hba.port[0];
	static uint8_t buf[4096] __attribute__((aligned(4096)));
	unsigned int before = fake->queued_cmds;
	assert_int_equal(ahci_rw(p, FAKE_AHCI_SECTORS - 1, buf, 2, false), -EINVAL);
	assert_int_equal(ahci_rw(p, ~0ULL - 1, buf, 4, false), -EINVAL);
	struct ahci_req r = {.op = AHCI_READ, .lba = 0, .count = 1, .buf = buf + 1};
	assert_int_equal(ahci_submit(p, &r), -EINVAL);
	r = (struct ahci_req){.op = AHCI_READ, .lba = 0, .count = AHCI_MAX_SECTORS + 1, .buf = buf};
	assert_int_equal(ahci_submit(p, &r), -EINVAL);
	r = (struct ahci_req){.op = AHCI_READ, .lba = 0, .count = 0, .buf = buf};
	assert_int_equal(ahci_submit(p, &r), -EINVAL);
	r = (struct ahci_req){.op = 7, .lba = 0, .count = 1, .buf = buf};
	assert_int_equal(ahci_submit(p, &r), -EINVAL);
	assert_int_equal(fake->queued_cmds, before);
	assert_int_equal(p->busy, 0);
}

/* Pieces the HBA cannot take are refused before a slot is used: odd,
 * empty, over 4 MiB, not adding up to the count. */
static void test_ahci_bad_pieces(void **state)
{
	bring_up(0x1, 0x1, true, 0);
	struct ahci_port *p = hba.port[0];
	static uint8_t buf[8192] __attribute__((aligned(4096)));
	uint64_t bus = (uintptr_t)buf;
	const struct block_sg bad[][2] = {
		{{bus + 1, 512}, {bus + 1024, 512}},
		{{bus, 511}, {bus + 1024, 513}},
		{{bus, 0}, {bus, 1024}},
		{{bus, 512}, {bus + 1024, 5u << 20}},
		{{bus, 512}, {bus + 1024, 1024}},
	};
	unsigned int before = fake->queued_cmds;
	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct ahci_req r = {.op = AHCI_READ, .lba = 0, .count = 2, .sg = bad[i], .nsg = 2};
		assert_int_equal(ahci_submit(p, &r), -EINVAL);
	}
	assert_int_equal(fake->queued_cmds, before);
	assert_int_equal(p->busy, 0);
}

/* The command FIS's fields as the disk decodes them, all 48 LBA bits. */
static void test_ahci_fis_fields(void **state)
{
	for (int ncq = 0; ncq < 2; ncq++) {
		bring_up(0x1, 0x1, ncq, 0);
		struct ahci_port *p = hba.port[0];
		static uint8_t buf[4096] __attribute__((aligned(4096)));
		struct block_sg sg = {.bus = (uintptr_t)buf, .len = 3 * 512};
		struct block_io io = {.sector = 0x123456789abcULL, .count = 3, .sg = &sg, .nsg = 1};
		p->sectors = 1ULL << 47; /* a disk that large: the fake fails it past its end */
		assert_int_equal(ahci_rw_bus(p, &io, 1), 0);
		assert_int_equal(io.status, -EIO);
		assert_int_equal(fake->last_lba, 0x123456789abcULL);
		assert_int_equal(fake->last_count, 3);
		assert_int_equal(fake->last_device, 0x40);
		p->sectors = FAKE_AHCI_SECTORS;
		assert_int_equal(ahci_rw(p, 7, buf, 2, false), 0);
		assert_int_equal(fake->last_lba, 7);
		assert_int_equal(fake->last_count, 2);
	}
}

static void test_ahci_disk_error_then_recovery(void **state)
{
	bring_up(0x1, 0x1, true, 0);
	struct ahci_port *p = hba.port[0];
	uint8_t *buf = aligned_alloc(4096, 64 * 1024);
	fake->fail_lba = 150;
	assert_int_equal(ahci_rw(p, 100, buf, 128, false), -EIO);
	assert_int_equal(p->busy, 0);
	assert_true(p->errors > 0);
	assert_true(fake_hw_logged("error"));
	fake->fail_lba = ~0ULL;
	fill(buf, 64 * 512, 9);
	assert_int_equal(ahci_rw(p, 100, buf, 64, true), 0);
	assert_memory_equal(fake->disk[0] + 100 * 512, buf, 64 * 512);
	free(buf);
}

static void test_ahci_timeout_then_recovery(void **state)
{
	bring_up(0x1, 0x1, false, 0);
	struct ahci_port *p = hba.port[0];
	static uint8_t buf[8192] __attribute__((aligned(4096)));
	fake->never_complete = true;
	assert_int_equal(ahci_rw(p, 0, buf, 16, false), -ETIMEDOUT);
	assert_int_equal(p->busy, 0);
	fake->never_complete = false;
	assert_int_equal(ahci_rw(p, 0, buf, 16, false), 0);
}

static void test_ahci_flush_waits_for_queue(void **state)
{
	bring_up(0x1, 0x1, true, 0);
	struct ahci_port *p = hba.port[0];
	static uint8_t buf[8192] __attribute__((aligned(4096)));
	struct ahci_req a = {.op = AHCI_WRITE, .lba = 5, .count = 8, .buf = buf};
	struct ahci_req b = {.op = AHCI_READ, .lba = 50, .count = 8, .buf = buf + 4096};
	struct ahci_req f = {.op = AHCI_FLUSH};
	assert_int_equal(ahci_submit(p, &a), 0);
	assert_int_equal(ahci_submit(p, &b), 0);
	assert_int_equal(a.status, 1);
	assert_int_equal(ahci_submit(p, &f), -EBUSY);
	assert_int_equal(ahci_flush(p), 0);
	assert_int_equal(a.status, 0);
	assert_int_equal(b.status, 0);
	assert_int_equal(fake->flushes, 1);
	/* While the flush is in flight, a queued command must wait. */
	assert_int_equal(ahci_submit(p, &f), 0);
	assert_int_equal(ahci_submit(p, &a), -EBUSY);
}

/* With interrupts on, a lone read is looked at once: after its interrupt. */
static void test_ahci_one_look_per_read(void **state)
{
	bring_up(0xf, 0x1, true, 0);
	struct ahci_port *p = hba.port[0];
	static uint8_t buf[8 * 512] __attribute__((aligned(4096)));
	struct hw_irq_src line = {.line = 11};
	assert_int_equal(ahci_enable_irq(&hba, &line), 0);
	unsigned int before = fake->ci_reads;
	assert_int_equal(ahci_rw(p, 8, buf, 8, false), 0);
	assert_int_equal(fake->ci_reads - before, 1);
	assert_true(hba.irqs > 0);
}

static void test_ahci_interrupts(void **state)
{
	bring_up(0x1, 0x1, true, 0);
	struct ahci_port *p = hba.port[0];
	static uint8_t buf[64 * 512] __attribute__((aligned(4096)));
	struct hw_irq_src line = {.line = 11};
	assert_int_equal(ahci_enable_irq(&hba, &line), 0);
	assert_int_equal(ahci_rw(p, 0, buf, 64, false), 0);
	assert_true(hba.irqs > 0);
	assert_int_equal(fake_hw_eois(11), hba.irqs);
	/* The handler cleared the status before the EOI: nothing is pending. */
	assert_int_equal(fake->regs[0x08 / 4], 0);
	assert_int_equal(fake->regs[(0x100 + 0x10) / 4], 0);
}

/* -M pc: the HBA and the e1000 on one level line.  Each handler quiets
 * its own device and counts only its own interrupts; one EOI per firing. */
static void test_ahci_shares_line_with_e1000(void **state)
{
	static struct fake_e1000 fe;
	static struct e1000 nic;
	static uint8_t buf[64 * 512] __attribute__((aligned(4096)));
	uint8_t frame[60] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 2, 0, 0, 0, 0, 1, 8, 6};
	bring_up(0x1, 0x1, true, 0);
	fake_e1000_init(&fe, false, true);
	fe.irq = 11;
	assert_int_equal(e1000_init(&nic, hw_map_mmio(FAKE_E1000_BASE, 0x20000), false), 0);
	struct hw_irq_src line = {.line = 11};
	assert_int_equal(ahci_enable_irq(&hba, &line), 0);
	assert_int_equal(e1000_enable_irq(&nic, &line), 0);
	assert_int_equal(hw_irq_sharers(&line), 2);
	/* the NIC interrupts: only its count moves, its ICR is read */
	assert_true(fake_e1000_inject(&fe, frame, sizeof(frame)));
	assert_int_equal(nic.irqs, 1);
	assert_int_equal(hba.irqs, 0);
	assert_int_equal(fake_hw_eois(11), 1);
	assert_int_equal(fe.regs[0xc0 / 4], 0);
	/* the disk interrupts: only the HBA's count moves */
	assert_int_equal(ahci_rw(hba.port[0], 0, buf, 64, false), 0);
	assert_true(hba.irqs > 0);
	assert_int_equal(nic.irqs, 1);
	assert_int_equal(fake_hw_eois(11), 1 + hba.irqs);
	/* the NIC's latched cause is not lost: the frame is there */
	uint8_t got[2048];
	e1000_poll(&nic);
	assert_int_equal(e1000_recv(&nic, got, sizeof(got)), 60);
	/* an MSI source is a separate, unshared one */
	struct hw_irq_src msi = {.msi = true, .bus = 0, .devfn = 0x1f << 3 | 2};
	assert_int_equal(hw_irq_sharers(&msi), 0);
}

/* Group teardown: returns what the tests allocated (for ASan's leak check). */
int ahci_teardown(void **state)
{
	drop_ports();
	memset(&hba, 0, sizeof(hba));
	fake_hw_reset();
	return 0;
}

const struct CMUnitTest ahci_tests[] = {
	cmocka_unit_test(test_ahci_init_finds_disks),
	cmocka_unit_test(test_ahci_no_disk),
	cmocka_unit_test(test_ahci_atapi_is_skipped),
	cmocka_unit_test(test_ahci_rw_ncq),
	cmocka_unit_test(test_ahci_rw_without_ncq),
	cmocka_unit_test(test_ahci_rw_unaligned_buffer),
	cmocka_unit_test(test_ahci_rw_bus),
	cmocka_unit_test(test_ahci_rw_vec),
	cmocka_unit_test(test_ahci_bad_pieces),
	cmocka_unit_test(test_ahci_fis_fields),
	cmocka_unit_test(test_ahci_bad_requests),
	cmocka_unit_test(test_ahci_disk_error_then_recovery),
	cmocka_unit_test(test_ahci_timeout_then_recovery),
	cmocka_unit_test(test_ahci_flush_waits_for_queue),
	cmocka_unit_test(test_ahci_one_look_per_read),
	cmocka_unit_test(test_ahci_interrupts),
	cmocka_unit_test(test_ahci_shares_line_with_e1000),
};
const size_t ahci_ntests = sizeof(ahci_tests) / sizeof(ahci_tests[0]);
